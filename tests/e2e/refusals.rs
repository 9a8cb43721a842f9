//! Every way a connection can go wrong gets a clear MySQL error or a clean close: never a panic, a hang,
//! or a leaked connection.

use crate::util::{self, err_of, Raw, ROOT_PASSWORD};

#[tokio::test]
async fn plain_client_with_the_right_password_gets_3159_and_is_closed() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    // Warm the sha2 cache over TLS so the plain login reaches the fast path, as with MySQL.
    let mut ok = Raw::login(port, "root", ROOT_PASSWORD).await;
    ok.seq = 0;
    ok.write(&[0x01]).await;
    let (mut raw, p) = Raw::plain_login_reply(port, "root", ROOT_PASSWORD).await;
    assert_eq!(
        err_of(&p),
        Some((
            3159,
            "HY000".into(),
            "Connections using insecure transport are prohibited while --require_secure_transport=ON.".into()
        ))
    );
    assert!(raw.closed_by_server().await);
    util::wait_for_connections(&server, 0).await;
    server.shutdown().await;
}

#[tokio::test]
async fn plain_client_is_refused_before_any_rsa_work() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    // With require_secure_transport=ON a caching_sha2_password login over plain TCP that would
    // need full authentication (and so an RSA decryption) is refused with 3159 at that point,
    // for a real account and an unknown user alike: no public key is sent, nothing decrypted.
    for user in ["root", "nobody"] {
        let mut raw = Raw::connect(port).await;
        let g = raw.greeting().await;
        raw.send_response(user, "whatever", &g.auth_plugin_data, false)
            .await;
        let p = raw.read().await.unwrap();
        assert_eq!(
            err_of(&p),
            Some((
                3159,
                "HY000".into(),
                "Connections using insecure transport are prohibited while \
                 --require_secure_transport=ON."
                    .into()
            )),
            "{user}"
        );
        assert!(raw.closed_by_server().await);
    }
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_password_over_tls_gets_1045() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::connect(port).await;
    let g = raw.greeting().await;
    raw.start_tls(util::ca()).await.unwrap();
    raw.send_response("root", "wrong", &g.auth_plugin_data, true)
        .await;
    let mut p = raw.read().await.unwrap();
    if p.payload.first() == Some(&0x01) {
        // perform_full_authentication: send the (wrong) cleartext inside TLS.
        raw.write(b"wrong\0").await;
        p = raw.read().await.unwrap();
    }
    assert_eq!(
        err_of(&p),
        Some((
            1045,
            "28000".into(),
            "Access denied for user 'root'@'127.0.0.1' (using password: YES)".into()
        ))
    );
    assert!(raw.closed_by_server().await);
    server.shutdown().await;
}

#[tokio::test]
async fn garbage_instead_of_a_handshake_gets_bad_handshake_and_the_server_keeps_serving() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    raw.write_raw(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let p = raw.read().await;
    if let Some(p) = p {
        assert_eq!(err_of(&p).map(|e| e.0), Some(1043));
    }
    assert!(raw.closed_by_server().await);
    // A well-formed but nonsensical handshake packet.
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    raw.write(&[0xff; 7]).await;
    let p = raw.read().await.unwrap();
    assert_eq!(err_of(&p).map(|e| e.0), Some(1043));
    // And the server still serves real clients.
    let mut ok = Raw::login(port, "root", ROOT_PASSWORD).await;
    let p = ok.query("SELECT 1").await;
    assert_eq!(p.payload.as_ref(), &[1]);
    util::wait_for_connections(&server, 1).await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_tls_client_hello_without_ssl_request_is_refused_quickly() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    // The start of a TLS 1.2 ClientHello record, as `openssl s_client` without -starttls would send.
    raw.write_raw(&[
        0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03,
    ])
    .await;
    let p = raw.read().await;
    assert_eq!(p.as_ref().and_then(err_of).map(|e| e.0), Some(1043));
    assert!(raw.closed_by_server().await);
    server.shutdown().await;
}

#[tokio::test]
async fn garbage_instead_of_tls_after_ssl_request_closes_the_connection() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    raw.send_ssl_request().await;
    raw.write_raw(b"this is not a TLS ClientHello at all\r\n")
        .await;
    assert!(raw.closed_by_server().await);
    util::wait_for_connections(&server, 0).await;
    server.shutdown().await;
}

#[tokio::test]
async fn clients_that_vanish_mid_handshake_are_cleaned_up() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    // After the greeting.
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    drop(raw);
    // In the middle of a packet.
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    raw.write_raw(&[50, 0, 0, 1, 0x85, 0xa6]).await;
    drop(raw);
    // After SSLRequest, before TLS.
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    raw.send_ssl_request().await;
    drop(raw);
    // After TLS, before the handshake response.
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    raw.start_tls(util::ca()).await.unwrap();
    drop(raw);
    util::wait_for_connections(&server, 0).await;
    server.shutdown().await;
}

#[tokio::test]
async fn an_oversize_handshake_packet_is_refused_without_buffering_it() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    // Header announces 16 MiB - 1; the server must answer before we send the body.
    raw.write_raw(&[0xff, 0xff, 0xff, 0x01]).await;
    let p = raw.read().await.unwrap();
    assert_eq!(err_of(&p).map(|e| e.0), Some(1043));
    assert!(raw.closed_by_server().await);
    server.shutdown().await;
}

#[tokio::test]
async fn an_oversize_command_packet_gets_1153() {
    let mut config = util::config();
    config.max_allowed_packet = 4096;
    let server = util::start(config).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    let sql = format!("SELECT '{}'", "x".repeat(10_000));
    let p = raw.query(&sql).await;
    assert_eq!(
        err_of(&p),
        Some((
            1153,
            "08S01".into(),
            "Got a packet bigger than 'max_allowed_packet' bytes".into()
        ))
    );
    assert!(raw.closed_by_server().await);
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_statements_and_commands_get_errors_and_the_connection_lives() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    let p = raw.query("SELEKT 1").await;
    let (code, state, msg) = err_of(&p).unwrap();
    assert_eq!((code, state.as_str()), (1064, "42000"));
    assert!(
        msg.starts_with("You have an error in your SQL syntax"),
        "{msg}"
    );
    let p = raw.query("SELECT * FROM no_such_table").await;
    assert!(err_of(&p).is_some());
    // An unknown command byte.
    raw.seq = 0;
    raw.write(&[0xee, 1, 2, 3]).await;
    let p = raw.read().await.unwrap();
    assert_eq!(err_of(&p).map(|e| e.0), Some(1047));
    // COM_PING still works.
    raw.seq = 0;
    raw.write(&[0x0e]).await;
    let p = raw.read().await.unwrap();
    assert_eq!(p.payload.first(), Some(&0x00));
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_vanishes_mid_transaction_is_cleaned_up() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    let p = raw.query("BEGIN").await;
    assert_eq!(p.payload.first(), Some(&0x00));
    util::wait_for_connections(&server, 1).await;
    drop(raw);
    util::wait_for_connections(&server, 0).await;
    server.shutdown().await;
}

#[tokio::test]
async fn connections_beyond_max_connections_get_1040_but_one_is_kept_for_connection_admin() {
    let mut config = util::config();
    config.max_connections = 2;
    let server = util::start(config).await;
    let port = server.local_addr().port();
    let mut root = Raw::login(port, "root", ROOT_PASSWORD).await;
    let p = root.query("CREATE USER app IDENTIFIED BY 'app-pw'").await;
    assert_eq!(err_of(&p), None);
    let _b = Raw::login(port, "app", "app-pw").await;
    let too_many = Some((1040, "08004".into(), "Too many connections".into()));
    // At max_connections: the extra connection is only for CONNECTION_ADMIN (or SUPER); an
    // account without it is refused once it has authenticated.
    let mut c = Raw::connect(port).await;
    let g = c.greeting().await;
    c.start_tls(util::ca()).await.unwrap();
    c.send_response("app", "app-pw", &g.auth_plugin_data, true)
        .await;
    let p = loop {
        let p = c.read().await.unwrap();
        if p.payload.first() == Some(&0x01) && p.payload.get(1) == Some(&4) {
            c.write(b"app-pw\0").await;
            continue;
        }
        if p.payload.first() == Some(&0x01) {
            continue;
        }
        break p;
    };
    assert_eq!(err_of(&p), too_many);
    util::wait_for_connections(&server, 2).await;
    // root takes it.
    let _admin = Raw::login(port, "root", ROOT_PASSWORD).await;
    // Past max_connections + 1: refused before the greeting.
    let mut d = Raw::connect(port).await;
    let p = d.read().await.unwrap();
    assert_eq!(err_of(&p), too_many);
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_idle_connections() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    tokio::time::timeout(std::time::Duration::from_secs(10), server.shutdown())
        .await
        .expect("shutdown finishes");
    assert!(raw.closed_by_server().await);
}

#[tokio::test]
async fn idle_clients_are_told_about_wait_timeout_and_closed() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    let p = raw.query("SET SESSION wait_timeout = 1").await;
    assert_eq!(p.payload.first(), Some(&0x00));
    let started = std::time::Instant::now();
    let p = tokio::time::timeout(std::time::Duration::from_secs(10), raw.read())
        .await
        .expect("server acts within 10 s")
        .expect("an error packet before the close");
    assert_eq!(err_of(&p).map(|e| e.0), Some(4031));
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    assert!(raw.closed_by_server().await);
    server.shutdown().await;
}

#[tokio::test]
async fn set_global_require_secure_transport_applies_to_new_connections() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut admin = Raw::login(port, "root", ROOT_PASSWORD).await;
    let p = admin
        .query("SET GLOBAL require_secure_transport = OFF")
        .await;
    assert_eq!(p.payload.first(), Some(&0x00), "{:?}", err_of(&p));
    // A plain client now authenticates (fast path: the admin login cached the digest).
    let (_raw, p) = Raw::plain_login_reply(port, "root", ROOT_PASSWORD).await;
    assert_eq!(p.payload.first(), Some(&0x00), "{:?}", err_of(&p));
    let p = admin
        .query("SET GLOBAL require_secure_transport = ON")
        .await;
    assert_eq!(p.payload.first(), Some(&0x00));
    let (_raw, p) = Raw::plain_login_reply(port, "root", ROOT_PASSWORD).await;
    assert_eq!(err_of(&p).map(|e| e.0), Some(3159));
    server.shutdown().await;
}

#[tokio::test]
async fn bad_prepared_statement_packets_get_errors_and_the_connection_lives() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    // COM_STMT_EXECUTE for a statement that was never prepared.
    raw.seq = 0;
    raw.write(&[0x17, 99, 0, 0, 0, 0, 1, 0, 0, 0]).await;
    let p = raw.read().await.unwrap();
    assert_eq!(
        err_of(&p),
        Some((
            1243,
            "HY000".into(),
            "Unknown prepared statement handler (99) given to mysqld_stmt_execute".into()
        ))
    );
    // Prepare one with two parameters, then execute it with a truncated parameter block.
    raw.seq = 0;
    let mut prep = vec![0x16];
    prep.extend_from_slice(b"SELECT ?, ?");
    raw.write(&prep).await;
    let ok = raw.read().await.unwrap();
    assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", err_of(&ok));
    let id = u32::from_le_bytes([ok.payload[1], ok.payload[2], ok.payload[3], ok.payload[4]]);
    // Two parameter definitions and two column definitions follow (CLIENT_DEPRECATE_EOF: no EOF packets).
    for _ in 0..4 {
        raw.read().await.unwrap();
    }
    raw.seq = 0;
    let mut exec = vec![0x17];
    exec.extend_from_slice(&id.to_le_bytes());
    exec.extend_from_slice(&[0, 1, 0, 0, 0, 0x00, 1, 0x08, 0x00]); // bitmap, bound, only one type
    raw.write(&exec).await;
    let p = raw.read().await.unwrap();
    assert_eq!(err_of(&p).map(|e| e.0), Some(1210));
    // The connection still answers.
    let p = raw.query("SELECT 1").await;
    assert_eq!(p.payload.as_ref(), &[1]);
    server.shutdown().await;
}
