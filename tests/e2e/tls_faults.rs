//! TLS fault ports (`--tls-fault-port`) through real clients: a verifying mysql_async (rustls)
//! refuses each fault for its own reason, a client that does not verify shows what each fault
//! hides, and the handshake events (`Server::handshake_events`, what `myseal demo` prints)
//! arrive in order for a connection that succeeds with a client certificate and for one that a
//! verifying client refuses.

use std::time::Duration;

use myseal_server::{
    CertVerification, ConnectionState, HandshakeEvent, HandshakeStep, Server, TlsFault,
};
use myseal_wire::constants::CapabilityFlags as Caps;
use mysql_async::prelude::Queryable;
use mysql_async::SslOpts;
use rustls::CertificateError;
use tokio::sync::broadcast;

use crate::util::{self, mysql_async_opts, verified_ssl, with_client_cert, Raw, ROOT_PASSWORD};

/// A server with every fault on its own free port (the main port stays correct).
async fn fault_server() -> Server {
    let mut config = util::config();
    config.tls.fault_ports = TlsFault::ALL.iter().map(|f| (*f, 0)).collect();
    util::start(config).await
}

fn port_of(server: &Server, fault: TlsFault) -> u16 {
    server
        .fault_ports()
        .iter()
        .find(|(f, _)| *f == fault)
        .map(|(_, a)| a.port())
        .expect("the fault has a port")
}

/// The rustls error inside a failed mysql_async connection, wherever mysql_async put it.
fn rustls_error(e: &mysql_async::Error) -> Option<rustls::Error> {
    match e {
        mysql_async::Error::Io(mysql_async::IoError::Tls(mysql_async::TlsError::Tls(t))) => {
            Some(t.clone())
        }
        mysql_async::Error::Io(mysql_async::IoError::Io(io)) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .cloned(),
        _ => None,
    }
}

/// Whether `err` is the refusal a verifying client owes `fault`.
fn is_expected_refusal(fault: TlsFault, err: &mysql_async::Error) -> bool {
    use rustls::Error as E;
    let tls = rustls_error(err);
    match fault {
        TlsFault::Expired => matches!(
            tls,
            Some(E::InvalidCertificate(
                CertificateError::Expired | CertificateError::ExpiredContext { .. }
            ))
        ),
        TlsFault::NotYetValid => matches!(
            tls,
            Some(E::InvalidCertificate(
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
            ))
        ),
        TlsFault::WrongHost => matches!(
            tls,
            Some(E::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            ))
        ),
        TlsFault::UntrustedCa | TlsFault::SelfSigned | TlsFault::IncompleteChain => matches!(
            tls,
            Some(E::InvalidCertificate(CertificateError::UnknownIssuer))
        ),
        // ring verifies RSA signatures for 2048-8192-bit keys only: the 1024-bit key's
        // handshake signature is refused.
        TlsFault::WeakKey => matches!(
            tls,
            Some(E::InvalidCertificate(CertificateError::BadSignature))
        ),
        TlsFault::NoTls | TlsFault::ErrorBeforeTls => matches!(
            err,
            mysql_async::Error::Driver(mysql_async::DriverError::NoClientSslFlagFromServer)
        ),
        TlsFault::ClientCertRequired => matches!(
            tls,
            Some(E::AlertReceived(
                rustls::AlertDescription::CertificateRequired
                    | rustls::AlertDescription::HandshakeFailure
            ))
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verifying_mysql_async_refuses_every_tls_fault_for_its_own_reason() {
    let server = fault_server().await;
    let certs = util::certs();
    for fault in TlsFault::ALL {
        // With the client certificate too: the faults are the server's, not a missing identity
        // (except client-cert-required, whose point is a client without one).
        let ssl = if fault == TlsFault::ClientCertRequired {
            verified_ssl()
        } else {
            with_client_cert(verified_ssl(), &certs.client_cert, &certs.client_key)
        };
        let port = port_of(&server, fault);
        let res = tokio::time::timeout(
            Duration::from_secs(20),
            mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl))),
        )
        .await
        .expect("the client gives up in time");
        let err = match res {
            Ok(_) => panic!("{fault}: a verifying client connected"),
            Err(e) => e,
        };
        assert!(
            is_expected_refusal(fault, &err),
            "{fault}: unexpected error {err:?}"
        );
        // Never a server error: a refusing client must not show what came before TLS.
        assert!(util::server_code(&err).is_none(), "{fault}: {err:?}");
    }
    // The main port is not affected: the same client connects there.
    let ssl = with_client_cert(verified_ssl(), &certs.client_cert, &certs.client_key);
    let mut conn = mysql_async::Conn::new(mysql_async_opts(
        server.local_addr().port(),
        "root",
        ROOT_PASSWORD,
        Some(ssl),
    ))
    .await
    .expect("the main port verifies");
    let one: Option<u8> = conn.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_cert_required_accepts_a_client_that_presents_its_certificate() {
    let server = fault_server().await;
    let certs = util::certs();
    let ssl = with_client_cert(verified_ssl(), &certs.client_cert, &certs.client_key);
    let port = port_of(&server, TlsFault::ClientCertRequired);
    let mut conn = mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl)))
        .await
        .expect("a client with its certificate connects");
    let cipher: Option<(String, String)> = conn
        .query_first("SHOW SESSION STATUS LIKE 'Ssl_version'")
        .await
        .unwrap();
    assert!(cipher.is_some_and(|(_, v)| v.starts_with("TLSv1.")));
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_verify_accepts_the_certificate_faults() {
    let server = fault_server().await;
    for fault in TlsFault::ALL
        .into_iter()
        .filter(|f| f.is_certificate_fault())
    {
        let ssl = SslOpts::default()
            .with_danger_accept_invalid_certs(true)
            .with_danger_skip_domain_validation(true);
        let port = port_of(&server, fault);
        // ring cannot verify the weak key's handshake signature even with certificate checks
        // off: no rustls client gets past it.
        if fault == TlsFault::WeakKey {
            let err =
                mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl)))
                    .await
                    .expect_err("ring refuses a 1024-bit RSA signature");
            assert!(is_expected_refusal(fault, &err), "{err:?}");
            continue;
        }
        let mut conn =
            mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl)))
                .await
                .unwrap_or_else(|e| panic!("{fault}: a non-verifying client is fooled: {e:?}"));
        let one: Option<u8> = conn.query_first("SELECT 1").await.unwrap();
        assert_eq!(one, Some(1), "{fault}");
        if fault == TlsFault::Expired {
            // Ssl_server_not_after is the certificate this connection was shown: in the past.
            let after: Option<(String, String)> = conn
                .query_first("SHOW SESSION STATUS LIKE 'Ssl_server_not_after'")
                .await
                .unwrap();
            let (_, after) = after.unwrap();
            let mut main = util::root_conn(server.local_addr().port()).await;
            let main_after: Option<(String, String)> = main
                .query_first("SHOW SESSION STATUS LIKE 'Ssl_server_not_after'")
                .await
                .unwrap();
            let (_, main_after) = main_after.unwrap();
            main.disconnect().await.unwrap();
            assert!(
                after.ends_with(" GMT") && after != main_after,
                "{after} / {main_after}"
            );
        }
        conn.disconnect().await.unwrap();
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_tls_and_error_before_tls_greet_without_ssl_and_punish_a_plain_text_login() {
    let server = fault_server().await;
    for fault in [TlsFault::NoTls, TlsFault::ErrorBeforeTls] {
        let port = port_of(&server, fault);
        let mut raw = Raw::connect(port).await;
        let g = raw.greeting().await;
        assert!(
            !g.capability_flags.contains(Caps::CLIENT_SSL),
            "{fault}: the greeting offers SSL"
        );
    }
    // A client that falls back to plain text sends its login unencrypted. On no-tls the
    // server still refuses insecure transport after the password (require_secure_transport).
    // (The sha2 cache is warmed over TLS on the main port so the plain login takes the fast
    // path, as in refusals.rs.)
    let mut warm = Raw::login(server.local_addr().port(), "root", ROOT_PASSWORD).await;
    warm.seq = 0;
    warm.write(&[0x01]).await;
    let (_, reply) =
        Raw::plain_login_reply(port_of(&server, TlsFault::NoTls), "root", ROOT_PASSWORD).await;
    assert_eq!(util::err_of(&reply).map(|e| e.0), Some(3159));
    // On error-before-tls it gets an ERR packet before any TLS: what a vulnerable client shows.
    let (_, reply) = Raw::plain_login_reply(
        port_of(&server, TlsFault::ErrorBeforeTls),
        "root",
        ROOT_PASSWORD,
    )
    .await;
    let (code, state, message) = util::err_of(&reply).expect("an ERR packet");
    assert_eq!((code, state.as_str()), (1045, "28000"));
    assert!(message.contains("error-before-tls"), "{message}");
    // mysql_async without TLS options is such a client.
    let err = mysql_async::Conn::new(mysql_async_opts(
        port_of(&server, TlsFault::ErrorBeforeTls),
        "root",
        ROOT_PASSWORD,
        None,
    ))
    .await
    .unwrap_err();
    assert_eq!(util::server_code(&err), Some(1045), "{err:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_on_the_main_port_and_sqlx_refuses_it() {
    let mut config = util::config();
    config.tls.fault = Some(TlsFault::Expired);
    let server = util::start(config).await;
    assert_eq!(server.tls_fault(), Some(TlsFault::Expired));
    let err = util::sqlx_connect(server.local_addr().port())
        .await
        .expect_err("sqlx with VerifyIdentity refuses an expired certificate");
    // sqlx hands rustls' verdict back inside an I/O error.
    let tls = match &err {
        sqlx::Error::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            .cloned(),
        _ => None,
    };
    assert!(
        matches!(
            tls,
            Some(rustls::Error::InvalidCertificate(
                CertificateError::Expired | CertificateError::ExpiredContext { .. }
            ))
        ),
        "{err:?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_need_the_generated_certificates() {
    let certs = util::certs();
    let mut config = util::config();
    config.tls.cert = Some(certs.dir.join("server-cert.pem"));
    config.tls.key = Some(certs.dir.join("server-key.pem"));
    config.tls.fault_ports = vec![(TlsFault::Expired, 0)];
    let err = match Server::start(config).await {
        Ok(_) => panic!("started"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("generated certificates"), "{err}");
    // In memory works too: the faults come from the in-memory CA.
    let mut config = util::config();
    config.tls.in_memory = true;
    config.tls.fault_ports = vec![(TlsFault::SelfSigned, 0), (TlsFault::NoTls, 0)];
    let server = util::start(config).await;
    assert_eq!(server.fault_ports().len(), 2);
    server.shutdown().await;
}

/// The events of connection `conn` up to its Close (bounded wait; events of other connections
/// are skipped).
async fn events_of(
    rx: &mut broadcast::Receiver<HandshakeEvent>,
    conn: Option<u32>,
) -> Vec<HandshakeEvent> {
    let mut out: Vec<HandshakeEvent> = Vec::new();
    let mut id = conn;
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(20), rx.recv())
            .await
            .expect("events arrive")
            .expect("no events lost");
        if id.is_none() {
            id = Some(ev.conn);
        }
        if Some(ev.conn) != id {
            continue;
        }
        let close = ev.step == HandshakeStep::Close;
        out.push(ev);
        if close {
            return out;
        }
    }
}

fn steps(events: &[HandshakeEvent]) -> Vec<HandshakeStep> {
    let mut s: Vec<HandshakeStep> = events.iter().map(|e| e.step).collect();
    s.dedup();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_events_follow_a_verified_connection_with_a_client_certificate_in_order() {
    let server = fault_server().await;
    let mut rx = server.handshake_events();
    let certs = util::certs();
    let ssl = with_client_cert(verified_ssl(), &certs.client_cert, &certs.client_key);
    let port = server.local_addr().port();
    let mut conn = mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl)))
        .await
        .unwrap();
    let id = conn.id();
    conn.query_drop("DO 1").await.unwrap();
    conn.disconnect().await.unwrap();
    let events = events_of(&mut rx, Some(id)).await;
    use HandshakeStep as S;
    assert_eq!(
        steps(&events),
        vec![
            S::ClientConnects,
            S::Greeting,
            S::SslRequested,
            S::ServerCertificate,
            S::ClientCertificate,
            S::CertificatesVerified,
            S::EncryptedChannel,
            S::Authenticated,
            S::Query,
            S::Close
        ],
        "{events:#?}"
    );
    // States only move forward: connecting -> TLS handshake -> encrypted -> authenticated -> closed.
    assert!(
        events.windows(2).all(|w| w[0].state <= w[1].state),
        "{events:#?}"
    );
    assert_eq!(events[0].state, ConnectionState::Connecting);
    assert_eq!(events.last().unwrap().state, ConnectionState::Closed);
    assert!(events.iter().all(|e| e.port == port && e.fault.is_none()));
    let client = events
        .iter()
        .find(|e| e.step == S::ClientCertificate)
        .unwrap();
    assert!(
        client
            .what
            .contains("myseal_Auto_Generated_Client_Certificate"),
        "{client:?}"
    );
    let verified = events
        .iter()
        .find(|e| e.step == S::CertificatesVerified)
        .unwrap();
    match &verified.certificates {
        CertVerification::Yes(why) => {
            assert!(why.contains("verified the client certificate"), "{why}")
        }
        other => panic!("not verified: {other:?}"),
    }
    // Queries and the close carry the verdict; no event holds statement text.
    assert!(events
        .iter()
        .filter(|e| e.step >= S::EncryptedChannel)
        .all(|e| matches!(e.certificates, CertVerification::Yes(_))));
    assert!(events.iter().all(|e| !e.what.contains("DO 1")));
    let close = events.last().unwrap();
    assert!(close.what.contains("COM_QUIT"), "{close:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handshake_events_show_a_verifying_client_refusing_a_fault() {
    let server = fault_server().await;
    let mut rx = server.handshake_events();
    let port = port_of(&server, TlsFault::UntrustedCa);
    let err = mysql_async::Conn::new(mysql_async_opts(
        port,
        "root",
        ROOT_PASSWORD,
        Some(verified_ssl()),
    ))
    .await
    .unwrap_err();
    assert!(is_expected_refusal(TlsFault::UntrustedCa, &err), "{err:?}");
    let events = events_of(&mut rx, None).await;
    use HandshakeStep as S;
    assert_eq!(
        steps(&events),
        vec![
            S::ClientConnects,
            S::Greeting,
            S::SslRequested,
            S::ServerCertificate,
            S::CertificatesVerified,
            S::Close
        ],
        "{events:#?}"
    );
    assert!(events
        .iter()
        .all(|e| e.fault == Some(TlsFault::UntrustedCa)));
    let server_cert = events
        .iter()
        .find(|e| e.step == S::ServerCertificate)
        .unwrap();
    assert!(
        server_cert.what.contains("myseal_Untrusted_Fault_CA"),
        "{server_cert:?}"
    );
    let verdict = events
        .iter()
        .find(|e| e.step == S::CertificatesVerified)
        .unwrap();
    match &verdict.certificates {
        CertVerification::No(why) => {
            assert!(
                why.contains("client rejected the server certificate"),
                "{why}"
            );
            assert!(why.contains("untrusted-ca"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(verdict.actor, myseal_server::Actor::Client);
    assert_eq!(events.last().unwrap().state, ConnectionState::Closed);

    // A client that does not verify is caught out in the events: it ACCEPTED the certificate.
    let ssl = SslOpts::default().with_danger_accept_invalid_certs(true);
    let conn = mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl)))
        .await
        .unwrap();
    let id = conn.id();
    conn.disconnect().await.unwrap();
    let events = events_of(&mut rx, Some(id)).await;
    let verdict = events
        .iter()
        .find(|e| e.step == S::CertificatesVerified)
        .unwrap();
    assert!(
        matches!(&verdict.certificates, CertVerification::No(why) if why.contains("ACCEPTED")),
        "{verdict:?}"
    );
    server.shutdown().await;
}
