//! ALTER INSTANCE RELOAD TLS: new connections get the files the ssl_* variables name now,
//! established ones keep theirs, a file that does not load keeps the old configuration, and
//! the Current_tls_* status variables follow. TLS session resumption and Ssl_sessions_reused.

use mysql_async::prelude::Queryable;

use crate::util::{self, mysql_async_opts, ROOT_PASSWORD};

fn ssl_with_ca(ca: &std::path::Path) -> mysql_async::SslOpts {
    mysql_async::SslOpts::default().with_root_certs(vec![ca.to_path_buf().into()])
}

/// A connection that verifies the server against `ca`.
async fn connect_trusting(
    port: u16,
    user: &str,
    pass: &str,
    ca: &std::path::Path,
) -> Result<mysql_async::Conn, mysql_async::Error> {
    mysql_async::Conn::new(mysql_async_opts(port, user, pass, Some(ssl_with_ca(ca)))).await
}

async fn status(conn: &mut mysql_async::Conn, name: &str) -> String {
    let row: Option<(String, String)> = conn
        .query_first(format!("SHOW GLOBAL STATUS LIKE '{name}'"))
        .await
        .unwrap();
    row.map(|(_, v)| v).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_switches_new_connections_to_the_new_files() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let old = server.tls_settings().unwrap();
    // A second set of dev certificates, under another CA.
    let dir = util::certs()
        .dir
        .join(format!("reload-{}", server.local_addr().port()));
    let new = myseal_tls::ensure_dev_certs(&dir).unwrap();

    let mut root = util::root_conn(port).await;
    assert_eq!(
        status(&mut root, "Current_tls_cert").await,
        old.cert.display().to_string()
    );
    root.query_drop(format!(
        "SET GLOBAL ssl_cert = '{}', ssl_key = '{}', ssl_ca = '{}'",
        new.server_cert.display(),
        new.server_key.display(),
        new.ca_cert.display()
    ))
    .await
    .unwrap();
    // Setting the variables changes nothing until the reload.
    assert!(connect_trusting(port, "root", ROOT_PASSWORD, util::ca())
        .await
        .is_ok());
    root.query_drop("ALTER INSTANCE RELOAD TLS").await.unwrap();
    assert_eq!(
        status(&mut root, "Current_tls_cert").await,
        new.server_cert.display().to_string()
    );
    assert_eq!(
        status(&mut root, "Current_tls_ca").await,
        new.ca_cert.display().to_string()
    );
    // New connections: the old CA no longer verifies the server, the new one does.
    assert!(connect_trusting(port, "root", ROOT_PASSWORD, util::ca())
        .await
        .is_err());
    let c = connect_trusting(port, "root", ROOT_PASSWORD, &new.ca_cert)
        .await
        .unwrap();
    c.disconnect().await.unwrap();
    // The established connection goes on with its session.
    let one: Option<i64> = root.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));

    // A file that does not load: ER 3888, and the configuration stays as it was.
    root.query_drop("SET GLOBAL ssl_cert = '/nonexistent/server-cert.pem'")
        .await
        .unwrap();
    let err = root
        .query_drop("ALTER INSTANCE RELOAD TLS")
        .await
        .unwrap_err();
    match err {
        mysql_async::Error::Server(e) => {
            assert_eq!(e.code, 3888);
            assert!(
                e.message.starts_with(
                    "Failed to set up SSL because of the following SSL library error: "
                ) && e.message.contains("/nonexistent/server-cert.pem"),
                "{}",
                e.message
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        status(&mut root, "Current_tls_cert").await,
        new.server_cert.display().to_string()
    );
    let c = connect_trusting(port, "root", ROOT_PASSWORD, &new.ca_cert)
        .await
        .unwrap();
    c.disconnect().await.unwrap();

    // Only CONNECTION_ADMIN may reload.
    root.query_drop("CREATE USER plain IDENTIFIED BY 'pw'")
        .await
        .unwrap();
    let mut plain = connect_trusting(port, "plain", "pw", &new.ca_cert)
        .await
        .unwrap();
    match plain.query_drop("ALTER INSTANCE RELOAD TLS").await {
        Err(mysql_async::Error::Server(e)) => assert_eq!(
            (e.code, e.message.as_str()),
            (
                1227,
                "Access denied; you need (at least one of) the CONNECTION_ADMIN privilege(s) for \
                 this operation"
            )
        ),
        other => panic!("{other:?}"),
    }
    plain.disconnect().await.unwrap();
    root.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_keeps_its_tls_sessions_resumes_them() {
    use myseal_wire::constants::CapabilityFlags as Caps;
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let reused = |rows: Vec<Vec<Option<String>>>| rows[0][1].clone().unwrap();
    let tls = util::client_tls_config(util::ca());
    let mut first =
        util::Raw::login_over(port, "root", ROOT_PASSWORD, Caps::empty(), tls.clone()).await;
    let q = "SHOW SESSION STATUS LIKE 'Ssl_sessions_reused'";
    assert_eq!(reused(first.query_rows(q).await), "0");
    let mut second = util::Raw::login_over(port, "root", ROOT_PASSWORD, Caps::empty(), tls).await;
    assert_eq!(reused(second.query_rows(q).await), "1");
    // A client without the session starts afresh.
    let mut third = util::Raw::login(port, "root", ROOT_PASSWORD).await;
    assert_eq!(reused(third.query_rows(q).await), "0");
    server.shutdown().await;
}

/// `--ssl-crl` at start and `SET GLOBAL ssl_crl` + reload later: a client certificate the CRL
/// lists fails the TLS handshake, the CA's other certificates still pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_client_certificate_is_refused() {
    let certs = util::certs();
    let dir = certs.dir.join(format!("crl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_key = certs.dir.join("ca-key.pem");
    let (mallory, mallory_key) = (dir.join("mallory.pem"), dir.join("mallory-key.pem"));
    myseal_tls::issue_cert(&certs.ca, &ca_key, "mallory", true, &mallory, &mallory_key).unwrap();
    let crl = dir.join("crl.pem");
    myseal_tls::write_crl(&certs.ca, &ca_key, &[mallory.as_path()], &crl).unwrap();
    let with_cert = |port: u16, cert: &std::path::Path, key: &std::path::Path| {
        let ssl = util::with_client_cert(util::verified_ssl(), cert, key);
        mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl)))
    };

    // Without a CRL the certificate is good; after SET GLOBAL ssl_crl and a reload it is not.
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    with_cert(port, &mallory, &mallory_key)
        .await
        .unwrap()
        .disconnect()
        .await
        .unwrap();
    let mut root = util::root_conn(port).await;
    root.query_drop(format!("SET GLOBAL ssl_crl = '{}'", crl.display()))
        .await
        .unwrap();
    root.query_drop("ALTER INSTANCE RELOAD TLS").await.unwrap();
    assert_eq!(
        status(&mut root, "Current_tls_crl").await,
        crl.display().to_string()
    );
    assert!(with_cert(port, &mallory, &mallory_key).await.is_err());
    with_cert(port, &certs.client_cert, &certs.client_key)
        .await
        .unwrap()
        .disconnect()
        .await
        .unwrap();
    // A CRL file that is not one: ER 3888 naming it, and the loaded list stays in force.
    root.query_drop(format!("SET GLOBAL ssl_crl = '{}'", certs.ca.display()))
        .await
        .unwrap();
    match root.query_drop("ALTER INSTANCE RELOAD TLS").await {
        Err(mysql_async::Error::Server(e)) => {
            assert_eq!(e.code, 3888);
            assert!(e.message.contains("no X509 CRL found"), "{}", e.message);
        }
        other => panic!("{other:?}"),
    }
    assert!(with_cert(port, &mallory, &mallory_key).await.is_err());
    root.disconnect().await.unwrap();
    server.shutdown().await;

    // The same from start-up (--ssl-crl), shown in @@ssl_crl.
    let mut config = util::config();
    config.tls.crl = Some(crl.clone());
    let server = util::start(config).await;
    let port = server.local_addr().port();
    assert!(with_cert(port, &mallory, &mallory_key).await.is_err());
    let mut c = with_cert(port, &certs.client_cert, &certs.client_key)
        .await
        .unwrap();
    let shown: Option<String> = c.query_first("SELECT @@ssl_crl").await.unwrap();
    assert_eq!(shown, Some(crl.display().to_string()));
    c.disconnect().await.unwrap();
    server.shutdown().await;
}
