//! Accounts created with SQL, and per-account TLS requirements (REQUIRE SSL / X509 / SUBJECT / ISSUER),
//! tried with a real client with and without a client certificate.

use mysql_async::prelude::Queryable;
use mysql_async::SslOpts;

use crate::util::{self, mysql_async_opts as opts, verified_ssl as tls, with_client_cert};

fn tls_with_cert() -> SslOpts {
    let c = util::certs();
    with_client_cert(tls(), &c.client_cert, &c.client_key)
}

async fn login(
    port: u16,
    user: &str,
    pass: &str,
    ssl: Option<SslOpts>,
) -> Result<(), (u16, String)> {
    match mysql_async::Conn::new(opts(port, user, pass, ssl)).await {
        Ok(mut c) => {
            let who: Option<String> = c.query_first("SELECT CURRENT_USER()").await.unwrap();
            assert!(who.unwrap().starts_with(user));
            c.disconnect().await.unwrap();
            Ok(())
        }
        Err(mysql_async::Error::Server(e)) => Err((e.code, e.message)),
        Err(other) => Err((0, other.to_string())),
    }
}

fn denied(user: &str) -> Result<(), (u16, String)> {
    Err((
        1045,
        format!("Access denied for user '{user}'@'127.0.0.1' (using password: YES)"),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_x509_needs_a_verified_client_certificate() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut r = util::root_conn(port).await;
    r.query_drop("CREATE USER 'alice'@'%' IDENTIFIED BY 'alice-pw' REQUIRE X509")
        .await
        .unwrap();
    assert_eq!(
        login(port, "alice", "alice-pw", Some(tls())).await,
        denied("alice")
    );
    assert_eq!(
        login(port, "alice", "alice-pw", Some(tls_with_cert())).await,
        Ok(())
    );
    r.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_subject_and_issuer_compare_openssl_one_line_names() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut r = util::root_conn(port).await;
    r.query_drop(
        "CREATE USER bob IDENTIFIED BY 'bob-pw' REQUIRE SUBJECT '/CN=myseal_Auto_Generated_Client_Certificate' \
         AND ISSUER '/CN=myseal_Auto_Generated_CA_Certificate'",
    )
    .await
    .unwrap();
    r.query_drop("CREATE USER carol IDENTIFIED BY 'carol-pw' REQUIRE SUBJECT '/CN=somebody else'")
        .await
        .unwrap();
    assert_eq!(
        login(port, "bob", "bob-pw", Some(tls_with_cert())).await,
        Ok(())
    );
    assert_eq!(
        login(port, "bob", "bob-pw", Some(tls())).await,
        denied("bob")
    );
    assert_eq!(
        login(port, "carol", "carol-pw", Some(tls_with_cert())).await,
        denied("carol")
    );
    r.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_ssl_refuses_plain_connections_even_when_transport_is_optional() {
    let mut config = util::config();
    config.require_secure_transport = false;
    let server = util::start(config).await;
    let port = server.local_addr().port();
    let mut r = util::root_conn(port).await;
    r.query_drop("CREATE USER dave IDENTIFIED BY 'dave-pw' REQUIRE SSL")
        .await
        .unwrap();
    r.query_drop("CREATE USER erin IDENTIFIED BY 'erin-pw'")
        .await
        .unwrap();
    assert_eq!(login(port, "dave", "dave-pw", None).await, denied("dave"));
    assert_eq!(login(port, "dave", "dave-pw", Some(tls())).await, Ok(()));
    assert_eq!(login(port, "erin", "erin-pw", None).await, Ok(()));
    r.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_changes_locks_native_password_and_drop_user_take_effect() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut r = util::root_conn(port).await;
    r.query_drop("CREATE USER frank IDENTIFIED BY 'old-pw'")
        .await
        .unwrap();
    assert_eq!(login(port, "frank", "old-pw", Some(tls())).await, Ok(()));
    // The fast path is now cached; a password change must clear it.
    r.query_drop("ALTER USER frank IDENTIFIED BY 'new-pw'")
        .await
        .unwrap();
    assert_eq!(
        login(port, "frank", "old-pw", Some(tls())).await,
        denied("frank")
    );
    assert_eq!(login(port, "frank", "new-pw", Some(tls())).await, Ok(()));
    r.query_drop("ALTER USER frank ACCOUNT LOCK").await.unwrap();
    assert_eq!(
        login(port, "frank", "new-pw", Some(tls())).await,
        Err((
            3118,
            "Access denied for user 'frank'@'127.0.0.1'. Account is locked.".to_string()
        ))
    );
    r.query_drop("CREATE USER gina IDENTIFIED WITH mysql_native_password BY 'gina-pw'")
        .await
        .unwrap();
    assert_eq!(login(port, "gina", "gina-pw", Some(tls())).await, Ok(()));
    r.query_drop("DROP USER gina").await.unwrap();
    assert_eq!(
        login(port, "gina", "gina-pw", Some(tls())).await,
        denied("gina")
    );
    let err = r.query_drop("DROP USER gina").await.unwrap_err();
    match err {
        mysql_async::Error::Server(e) => assert_eq!(e.code, 1396),
        other => panic!("{other:?}"),
    }
    r.disconnect().await.unwrap();
    server.shutdown().await;
}
