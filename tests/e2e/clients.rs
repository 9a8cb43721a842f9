//! Real client crates over verified TLS.

use mysql_async::prelude::Queryable;
use mysql_async::{Opts, OptsBuilder, SslOpts};
use sqlx::{Connection, Executor, Row};

use crate::util::{self, mysql_async_opts, verified_ssl, with_client_cert, ROOT_PASSWORD};

/// Asserts that a connection attempt failed with this MySQL error.
fn assert_server_error(err: mysql_async::Error, code: u16, state: &str, message: &str) {
    match err {
        mysql_async::Error::Server(e) => {
            assert_eq!(
                (e.code, e.state.as_str(), e.message.as_str()),
                (code, state, message)
            );
        }
        other => panic!("expected ERROR {code}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_connects_over_verified_tls_and_sees_its_cipher() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::root_conn(port).await;
    let one: Option<i64> = conn.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    let row: Option<(String, String)> = conn
        .query_first("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        .await
        .unwrap();
    let (name, cipher) = row.unwrap();
    assert_eq!(name, "Ssl_cipher");
    assert!(
        cipher.starts_with("TLS_") || cipher.starts_with("ECDHE-"),
        "{cipher}"
    );
    let version: Option<(String, String)> = conn
        .query_first("SHOW STATUS LIKE 'Ssl_version'")
        .await
        .unwrap();
    assert_eq!(version.unwrap().1, "TLSv1.3");
    let not_after: Option<(String, String)> = conn
        .query_first("SHOW SESSION STATUS LIKE 'Ssl_server_not_after'")
        .await
        .unwrap();
    let not_after = not_after.unwrap().1;
    assert!(not_after.ends_with(" GMT"), "{not_after}");
    let rst: Option<(String, String)> = conn
        .query_first("SHOW VARIABLES LIKE 'require_secure_transport'")
        .await
        .unwrap();
    assert_eq!(rst.unwrap().1, "ON");
    let who: Option<(String, String)> = conn
        .query_first("SELECT USER(), CURRENT_USER()")
        .await
        .unwrap();
    let (user, current) = who.unwrap();
    assert!(user.starts_with("root@"), "{user}");
    assert_eq!(current, "root@%");
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_second_login_uses_the_fast_path_and_databases_work() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    for _ in 0..2 {
        let mut conn = util::root_conn(port).await;
        conn.query_drop("CREATE DATABASE IF NOT EXISTS shop")
            .await
            .unwrap();
        conn.query_drop("USE shop").await.unwrap();
        let db: Option<String> = conn.query_first("SELECT DATABASE()").await.unwrap();
        assert_eq!(db.as_deref(), Some("shop"));
        let s: Option<String> = conn
            .query_first("SELECT CONCAT('a', 'b', NULL IS NULL)")
            .await
            .unwrap();
        assert_eq!(s.as_deref(), Some("ab1"));
        conn.disconnect().await.unwrap();
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_presents_a_client_certificate() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let certs = util::certs();
    let ssl = with_client_cert(verified_ssl(), &certs.client_cert, &certs.client_key);
    let mut conn = mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl)))
        .await
        .expect("client certificate signed by the server's CA is accepted");
    let v: Option<(String, String)> = conn
        .query_first("SHOW STATUS LIKE 'Ssl_verify_mode'")
        .await
        .unwrap();
    assert_eq!(v.unwrap().1, "5");
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_wrong_password_gets_1045() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let err = mysql_async::Conn::new(mysql_async_opts(port, "root", "nope", Some(verified_ssl())))
        .await
        .unwrap_err();
    assert_server_error(
        err,
        1045,
        "28000",
        "Access denied for user 'root'@'127.0.0.1' (using password: YES)",
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_without_tls_gets_3159() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let err = mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, None))
        .await
        .unwrap_err();
    assert_server_error(
        err,
        3159,
        "HY000",
        "Connections using insecure transport are prohibited while --require_secure_transport=ON.",
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_plain_connection_works_when_transport_is_not_required() {
    let mut config = util::config();
    config.require_secure_transport = false;
    let server = util::start(config).await;
    let port = server.local_addr().port();
    // The sha2 cache is cold: full authentication over plain TCP goes through the RSA key exchange.
    let mut conn = mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, None))
        .await
        .expect("plain connection allowed with require_secure_transport=OFF");
    let cipher: Option<(String, String)> = conn
        .query_first("SHOW STATUS LIKE 'Ssl_cipher'")
        .await
        .unwrap();
    assert_eq!(cipher.unwrap().1, "");
    let key: Option<(String, String)> = conn
        .query_first("SHOW STATUS LIKE 'Caching_sha2_password_rsa_public_key'")
        .await
        .unwrap();
    assert!(key.unwrap().1.starts_with("-----BEGIN PUBLIC KEY-----"));
    conn.disconnect().await.unwrap();
    // A wrong password over the RSA path is denied.
    let err = mysql_async::Conn::new(mysql_async_opts(port, "root", "wrong", None))
        .await
        .unwrap_err();
    assert_server_error(
        err,
        1045,
        "28000",
        "Access denied for user 'root'@'127.0.0.1' (using password: YES)",
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_refuses_a_server_signed_by_another_ca() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let ssl = SslOpts::default().with_root_certs(vec![util::certs().other_ca.clone().into()]);
    let err = mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl)))
        .await
        .unwrap_err();
    let text = format!("{err:?}");
    assert!(!matches!(err, mysql_async::Error::Server(_)), "{text}");
    assert!(
        text.to_lowercase().contains("cert") || text.contains("UnknownIssuer"),
        "{text}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_client_cert_from_another_ca_is_refused() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let certs = util::certs();
    let ssl = with_client_cert(
        verified_ssl(),
        &certs.other_client_cert,
        &certs.other_client_key,
    );
    let res =
        mysql_async::Conn::new(mysql_async_opts(port, "root", ROOT_PASSWORD, Some(ssl))).await;
    assert!(
        res.is_err(),
        "a client certificate from an unknown CA must be refused"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlx_connects_with_verify_identity_and_queries() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::sqlx_connect(port)
        .await
        .expect("sqlx connects over verified TLS");
    let row = conn
        .fetch_one("SELECT 1 + 1 AS two, 'x' AS s")
        .await
        .unwrap();
    let two: i64 = row.try_get("two").unwrap();
    let s: String = row.try_get("s").unwrap();
    assert_eq!((two, s.as_str()), (2, "x"));
    let row = conn
        .fetch_one("SHOW SESSION STATUS LIKE 'Ssl_version'")
        .await
        .unwrap();
    let v: String = row.try_get(1).unwrap();
    assert_eq!(v, "TLSv1.3");
    conn.ping().await.unwrap();
    conn.close().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlx_reports_unknown_database_on_use() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::sqlx_connect(port).await.unwrap();
    let err = conn.execute("USE nope").await.unwrap_err();
    let db = err.as_database_error().expect("database error");
    assert_eq!(db.code().as_deref(), Some("42000"));
    assert_eq!(db.message(), "Unknown database 'nope'");
    // The connection survives the error.
    let row = conn.fetch_one("SELECT 'still here'").await.unwrap();
    let s: String = row.try_get(0).unwrap();
    assert_eq!(s, "still here");
    conn.close().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initial_database_and_app_user_are_created() {
    let mut config = util::config();
    config.database = Some("app".into());
    config.user = Some(myseal_server::InitialUser {
        name: "app".into(),
        password: "app-pass".into(),
    });
    let server = util::start(config).await;
    let port = server.local_addr().port();
    let opts: Opts = OptsBuilder::from_opts(mysql_async_opts(
        port,
        "app",
        "app-pass",
        Some(verified_ssl()),
    ))
    .db_name(Some("app"))
    .into();
    let mut conn = mysql_async::Conn::new(opts).await.unwrap();
    let db: Option<String> = conn.query_first("SELECT DATABASE()").await.unwrap();
    assert_eq!(db.as_deref(), Some("app"));
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_file_statements_run_at_start_and_a_bad_one_stops_the_start() {
    let dir = util::certs().dir.join("init");
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.sql");
    std::fs::write(
        &good,
        "CREATE DATABASE inventory;\nCREATE DATABASE IF NOT EXISTS inventory;\nSET GLOBAL max_connections = 42;\n",
    )
    .unwrap();
    let mut config = util::config();
    config.init_file = Some(good);
    let server = util::start(config).await;
    let port = server.local_addr().port();
    let mut conn = util::root_conn(port).await;
    let dbs: Vec<String> = conn.query("SHOW DATABASES LIKE 'inv%'").await.unwrap();
    assert_eq!(dbs, vec!["inventory".to_string()]);
    let max: Option<i64> = conn.query_first("SELECT @@max_connections").await.unwrap();
    assert_eq!(max, Some(42));
    conn.disconnect().await.unwrap();
    server.shutdown().await;

    let bad = dir.join("bad.sql");
    std::fs::write(&bad, "CREATE DATABASE ok_one;\nSELEKT broken;\n").unwrap();
    let mut config = util::config();
    config.init_file = Some(bad);
    let err = myseal_server::Server::start(config)
        .await
        .err()
        .expect("start fails");
    let text = err.to_string();
    assert!(text.contains("ERROR 1064"), "{text}");
}
