//! Privileges over verified TLS with a real client: the start-up account (MYSQL_USER on
//! MYSQL_DATABASE) is held to its grants, GRANT and REVOKE take effect on open connections,
//! and the refusals carry MySQL's codes and texts.

use mysql_async::prelude::Queryable;
use mysql_async::{Opts, OptsBuilder};

use crate::util::{self, mysql_async_opts, verified_ssl};

/// The server error of a failed call, as (code, message).
fn server_error<T: std::fmt::Debug>(r: Result<T, mysql_async::Error>) -> (u16, String) {
    match r {
        Err(mysql_async::Error::Server(e)) => (e.code, e.message),
        other => panic!("expected a server error, got {other:?}"),
    }
}

async fn app_conn(port: u16, db: Option<&str>) -> Result<mysql_async::Conn, mysql_async::Error> {
    let opts: Opts = OptsBuilder::from_opts(mysql_async_opts(
        port,
        "app",
        "app-pass",
        Some(verified_ssl()),
    ))
    .db_name(db)
    .into();
    mysql_async::Conn::new(opts).await
}

async fn start() -> myseal_server::Server {
    let mut config = util::config();
    config.database = Some("app".into());
    config.user = Some(myseal_server::InitialUser {
        name: "app".into(),
        password: "app-pass".into(),
    });
    util::start(config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_account_is_held_to_its_grants() {
    let server = start().await;
    let port = server.local_addr().port();
    let mut root = util::root_conn(port).await;
    root.query_drop("CREATE DATABASE other").await.unwrap();
    root.query_drop("CREATE TABLE other.secret (id INT PRIMARY KEY, v VARCHAR(10))")
        .await
        .unwrap();
    root.query_drop("INSERT INTO other.secret VALUES (1, 'hidden')")
        .await
        .unwrap();

    let mut app = app_conn(port, Some("app")).await.unwrap();
    let grants: Vec<String> = app.query("SHOW GRANTS").await.unwrap();
    assert_eq!(
        grants,
        [
            "GRANT USAGE ON *.* TO `app`@`%`",
            "GRANT ALL PRIVILEGES ON `app`.* TO `app`@`%`"
        ]
    );
    // Its own database: everything, prepared statements included.
    app.query_drop("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))")
        .await
        .unwrap();
    app.exec_drop("INSERT INTO items VALUES (?, ?)", (1, "one"))
        .await
        .unwrap();
    let name: Option<String> = app
        .exec_first("SELECT name FROM items WHERE id = ?", (1,))
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("one"));
    let dbs: Vec<String> = app.query("SHOW DATABASES").await.unwrap();
    assert_eq!(dbs, ["app", "information_schema"]);

    // Everything else: refused, with MySQL's texts.
    let denied_secret = (
        1142,
        "SELECT command denied to user 'app'@'127.0.0.1' for table 'secret'".to_string(),
    );
    assert_eq!(
        server_error(app.query_drop("SELECT * FROM other.secret").await),
        denied_secret
    );
    assert_eq!(
        server_error(
            app.exec_first::<String, _, _>("SELECT v FROM other.secret WHERE id = ?", (1,))
                .await
        ),
        denied_secret
    );
    assert_eq!(
        server_error(
            app.query_drop("SET GLOBAL require_secure_transport = OFF")
                .await
        ),
        (
            1227,
            "Access denied; you need (at least one of) the SUPER or SYSTEM_VARIABLES_ADMIN \
             privilege(s) for this operation"
                .to_string()
        )
    );
    assert_eq!(
        server_error(app.query_drop("DROP USER root").await),
        (
            1227,
            "Access denied; you need (at least one of) the CREATE USER privilege(s) for this \
             operation"
                .to_string()
        )
    );
    assert_eq!(
        server_error(app.query_drop("SHOW CREATE USER root").await),
        (
            1044,
            "Access denied for user 'app'@'%' to database 'mysql'".to_string()
        )
    );
    assert_eq!(
        server_error(app.query_drop("USE other").await),
        (
            1044,
            "Access denied for user 'app'@'%' to database 'other'".to_string()
        )
    );
    // A database named at connect is checked the same way.
    assert_eq!(
        server_error(app_conn(port, Some("other")).await),
        (
            1044,
            "Access denied for user 'app'@'%' to database 'other'".to_string()
        )
    );

    // GRANT and REVOKE apply to the open connection at its next statement.
    root.query_drop("GRANT SELECT ON other.secret TO app")
        .await
        .unwrap();
    let v: Option<String> = app
        .query_first("SELECT v FROM other.secret WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(v.as_deref(), Some("hidden"));
    root.query_drop("REVOKE SELECT ON other.secret FROM app")
        .await
        .unwrap();
    assert_eq!(
        server_error(
            app.query_drop("SELECT v FROM other.secret WHERE id = 1")
                .await
        ),
        denied_secret
    );

    app.disconnect().await.unwrap();
    root.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_another_accounts_connection_needs_connection_admin() {
    let server = start().await;
    let port = server.local_addr().port();
    let mut root = util::root_conn(port).await;
    let root_id: u32 = root
        .query_first("SELECT CONNECTION_ID()")
        .await
        .unwrap()
        .unwrap();
    let mut app = app_conn(port, None).await.unwrap();
    // Without PROCESS the process list shows its own connections only.
    let rows: Vec<mysql_async::Row> = app.query("SHOW PROCESSLIST").await.unwrap();
    let users: Vec<String> = rows
        .iter()
        .map(|r| r.get::<String, _>("User").unwrap())
        .collect();
    assert_eq!(users, ["app"]);
    let rows: Vec<mysql_async::Row> = root.query("SHOW PROCESSLIST").await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        server_error(app.query_drop(format!("KILL QUERY {root_id}")).await),
        (1095, format!("You are not owner of thread {root_id}"))
    );
    root.query_drop("GRANT CONNECTION_ADMIN ON *.* TO app")
        .await
        .unwrap();
    app.query_drop(format!("KILL QUERY {root_id}"))
        .await
        .unwrap();
    let one: Option<i64> = root.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    app.disconnect().await.unwrap();
    root.disconnect().await.unwrap();
    server.shutdown().await;
}

fn opts_for(port: u16, user: &str, pass: &str) -> Opts {
    mysql_async_opts(port, user, pass, Some(verified_ssl()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_password_must_be_changed_before_anything_else() {
    use myseal_wire::constants::CapabilityFlags as Caps;
    let server = start().await;
    let port = server.local_addr().port();
    let mut root = util::root_conn(port).await;
    root.query_drop("CREATE USER old IDENTIFIED BY 'old-pw' PASSWORD EXPIRE")
        .await
        .unwrap();
    let shown: Option<String> = root.query_first("SHOW CREATE USER old").await.unwrap();
    assert!(shown.unwrap().contains(" PASSWORD EXPIRE ACCOUNT UNLOCK"));
    // mysql_async does not say it can handle an expired password: refused at login.
    assert_eq!(
        server_error(mysql_async::Conn::new(opts_for(port, "old", "old-pw")).await),
        (
            1862,
            "Your password has expired. To log in you must change it using a client that \
             supports expired passwords."
                .to_string()
        )
    );
    // A client that can (the mysql CLI sets CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS) gets in, but
    // may only change its password.
    let mut raw = util::Raw::login_with(
        port,
        "old",
        "old-pw",
        Caps::CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS,
    )
    .await;
    let p = raw.query("SELECT 1").await;
    assert_eq!(
        util::err_of(&p),
        Some((
            1820,
            "HY000".to_string(),
            "You must reset your password using ALTER USER statement before executing this \
             statement."
                .to_string()
        ))
    );
    let p = raw.query("ALTER USER USER() IDENTIFIED BY 'new-pw'").await;
    assert_eq!(p.payload.first(), Some(&0x00), "{:?}", util::err_of(&p));
    let p = raw.query("SELECT 1").await;
    assert_eq!(util::err_of(&p), None);
    drop(raw);
    // The new password works for every client.
    let mut c = mysql_async::Conn::new(opts_for(port, "old", "new-pw"))
        .await
        .unwrap();
    let one: Option<i64> = c.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    c.disconnect().await.unwrap();
    root.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_block_the_account_until_unlocked() {
    let server = start().await;
    let port = server.local_addr().port();
    let mut root = util::root_conn(port).await;
    root.query_drop(
        "CREATE USER guess IDENTIFIED BY 'right' FAILED_LOGIN_ATTEMPTS 3 PASSWORD_LOCK_TIME 2",
    )
    .await
    .unwrap();
    let denied = (
        1045,
        "Access denied for user 'guess'@'127.0.0.1' (using password: YES)".to_string(),
    );
    let blocked = (
        3955,
        "Access denied for user 'guess'@'127.0.0.1'. Account is blocked for 2 day(s) (2 day(s) \
         remaining) due to 3 consecutive failed logins."
            .to_string(),
    );
    for _ in 0..2 {
        assert_eq!(
            server_error(mysql_async::Conn::new(opts_for(port, "guess", "wrong")).await),
            denied
        );
    }
    assert_eq!(
        server_error(mysql_async::Conn::new(opts_for(port, "guess", "wrong")).await),
        blocked
    );
    // Blocked: the right password is refused too.
    assert_eq!(
        server_error(mysql_async::Conn::new(opts_for(port, "guess", "right")).await),
        blocked
    );
    // Every refused login is an aborted connect, as in MySQL.
    let aborted: Option<(String, u64)> = root
        .query_first("SHOW GLOBAL STATUS LIKE 'Aborted_connects'")
        .await
        .unwrap();
    assert_eq!(aborted.map(|(_, n)| n), Some(4));
    root.query_drop("ALTER USER guess ACCOUNT UNLOCK")
        .await
        .unwrap();
    let c = mysql_async::Conn::new(opts_for(port, "guess", "right"))
        .await
        .unwrap();
    c.disconnect().await.unwrap();
    root.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_user_connections_caps_an_accounts_connections() {
    let server = start().await;
    let port = server.local_addr().port();
    let mut root = util::root_conn(port).await;
    root.query_drop("CREATE USER capped IDENTIFIED BY 'pw' WITH MAX_USER_CONNECTIONS 2")
        .await
        .unwrap();
    let a = mysql_async::Conn::new(opts_for(port, "capped", "pw"))
        .await
        .unwrap();
    let b = mysql_async::Conn::new(opts_for(port, "capped", "pw"))
        .await
        .unwrap();
    assert_eq!(
        server_error(mysql_async::Conn::new(opts_for(port, "capped", "pw")).await),
        (
            1226,
            "User 'capped' has exceeded the 'max_user_connections' resource (current value: 2)"
                .to_string()
        )
    );
    a.disconnect().await.unwrap();
    util::wait_for_connections(&server, 2).await;
    let c = mysql_async::Conn::new(opts_for(port, "capped", "pw"))
        .await
        .unwrap();
    c.disconnect().await.unwrap();
    b.disconnect().await.unwrap();
    root.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_hour_limits_count_statements_updates_and_connections() {
    use util::{err_of, Raw};
    let server = start().await;
    let port = server.local_addr().port();
    let mut root = util::root_conn(port).await;
    for sql in [
        "CREATE TABLE app.t (id INT PRIMARY KEY)",
        "CREATE USER q IDENTIFIED BY 'pw' WITH MAX_QUERIES_PER_HOUR 4 MAX_UPDATES_PER_HOUR 1",
        "GRANT SELECT, INSERT ON app.* TO q",
        "CREATE USER c IDENTIFIED BY 'pw' WITH MAX_CONNECTIONS_PER_HOUR 2",
    ] {
        root.query_drop(sql).await.unwrap();
    }
    let shown: Option<String> = root.query_first("SHOW CREATE USER q").await.unwrap();
    assert!(
        shown.as_deref().is_some_and(|s| s.contains(
            " REQUIRE NONE WITH MAX_QUERIES_PER_HOUR 4 MAX_UPDATES_PER_HOUR 1 PASSWORD EXPIRE DEFAULT"
        )),
        "{shown:?}"
    );
    let row: Option<(u32, u32, u32, u32)> = root
        .query_first(
            "SELECT max_questions, max_updates, max_connections, max_user_connections \
             FROM mysql.user WHERE User = 'c'",
        )
        .await
        .unwrap();
    assert_eq!(row, Some((0, 0, 2, 0)));

    // Statements: the raw client sends nothing but what is written here.
    let mut q = Raw::login(port, "q", "pw").await;
    assert_eq!(q.query_rows("SELECT 1").await, vec![vec![Some("1".into())]]);
    assert!(err_of(&q.query("INSERT INTO app.t VALUES (1)").await).is_none());
    let refused = |code: u16, what: &str, n: u32| {
        Some((
            code,
            "42000".to_string(),
            format!("User 'q' has exceeded the '{what}' resource (current value: {n})"),
        ))
    };
    assert_eq!(
        err_of(&q.query("INSERT INTO app.t VALUES (2)").await),
        refused(1226, "max_updates", 1)
    );
    // The refused INSERT was still a question: the 4th passes, the 5th is refused.
    assert_eq!(
        q.query_rows("SELECT COUNT(*) FROM app.t").await,
        vec![vec![Some("1".into())]]
    );
    assert_eq!(
        err_of(&q.query("SELECT 1").await),
        refused(1226, "max_questions", 4)
    );
    // Not refused at login (no connection limit), but the hour's questions are used up.
    let mut again = Raw::login(port, "q", "pw").await;
    assert_eq!(
        err_of(&again.query("SELECT 1").await),
        refused(1226, "max_questions", 4)
    );
    // FLUSH USER_RESOURCES starts the hour again; ALTER USER with a limit does for one account
    // and its open connections take up the new limit.
    root.query_drop("FLUSH USER_RESOURCES").await.unwrap();
    assert_eq!(q.query_rows("SELECT 2").await, vec![vec![Some("2".into())]]);
    root.query_drop("ALTER USER q WITH MAX_QUERIES_PER_HOUR 0")
        .await
        .unwrap();
    for _ in 0..10 {
        assert_eq!(
            again.query_rows("SELECT 3").await,
            vec![vec![Some("3".into())]]
        );
    }

    // Connections.
    let a = mysql_async::Conn::new(opts_for(port, "c", "pw"))
        .await
        .unwrap();
    a.disconnect().await.unwrap();
    let b = mysql_async::Conn::new(opts_for(port, "c", "pw"))
        .await
        .unwrap();
    assert_eq!(
        server_error(mysql_async::Conn::new(opts_for(port, "c", "pw")).await),
        (
            1226,
            "User 'c' has exceeded the 'max_connections_per_hour' resource (current value: 2)"
                .to_string()
        )
    );
    b.disconnect().await.unwrap();
    root.query_drop("FLUSH PRIVILEGES").await.unwrap();
    let c = mysql_async::Conn::new(opts_for(port, "c", "pw"))
        .await
        .unwrap();
    c.disconnect().await.unwrap();
    root.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn com_change_user_authenticates_again_and_starts_a_fresh_session() {
    use mysql_async::ChangeUserOpts;
    let server = start().await;
    let port = server.local_addr().port();
    let mut conn = util::root_conn(port).await;
    conn.query_drop("CREATE TABLE app.t (id INT PRIMARY KEY)")
        .await
        .unwrap();
    conn.query_drop("SET @left_behind = 1").await.unwrap();
    conn.query_drop("BEGIN").await.unwrap();
    conn.query_drop("INSERT INTO app.t VALUES (1)")
        .await
        .unwrap();
    // To the app account, in its database: the open transaction is rolled back, the user
    // variables are gone, and the privileges are the app account's.
    conn.change_user(
        ChangeUserOpts::default()
            .with_user(Some("app".into()))
            .with_pass(Some("app-pass".into()))
            .with_db_name(Some("app".into())),
    )
    .await
    .unwrap();
    let who: Option<(String, Option<String>, Option<i64>)> = conn
        .query_first("SELECT CURRENT_USER(), DATABASE(), @left_behind")
        .await
        .unwrap();
    assert_eq!(who, Some(("app@%".into(), Some("app".into()), None)));
    let n: Option<i64> = conn.query_first("SELECT COUNT(*) FROM t").await.unwrap();
    assert_eq!(n, Some(0));
    assert_eq!(
        server_error(conn.query_drop("CREATE USER nope").await),
        (
            1227,
            "Access denied; you need (at least one of) the CREATE USER privilege(s) for this \
             operation"
                .to_string()
        )
    );
    let rows: Vec<mysql_async::Row> = conn.query("SHOW PROCESSLIST").await.unwrap();
    let users: Vec<String> = rows
        .iter()
        .map(|r| r.get::<String, _>("User").unwrap())
        .collect();
    assert_eq!(users, ["app"]);
    // A wrong password ends the connection with ER 1045.
    let err = conn
        .change_user(
            ChangeUserOpts::default()
                .with_user(Some("root".into()))
                .with_pass(Some("wrong".into())),
        )
        .await
        .unwrap_err();
    assert_eq!(util::server_code(&err), Some(1045), "{err}");
    util::wait_for_connections(&server, 0).await;
    server.shutdown().await;
}
