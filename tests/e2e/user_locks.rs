//! User-level locks over the wire: GET_LOCK contention between connections, timeouts,
//! re-entrancy, release on disconnect and COM_RESET_CONNECTION, KILL QUERY of a waiter, and
//! deadlock detection (3058).

use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use mysql_async::Conn;

use crate::util;

async fn one(conn: &mut Conn, sql: &str) -> Option<i64> {
    conn.query_first::<Option<i64>, _>(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
        .flatten()
}

async fn connection_id(conn: &mut Conn) -> u32 {
    conn.query_first("SELECT CONNECTION_ID()")
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_is_exclusive_reentrant_and_handed_over_to_a_waiting_connection() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = util::root_conn(port).await;
    let mut b = util::root_conn(port).await;
    let a_id = connection_id(&mut a).await;
    assert_eq!(
        one(&mut a, "SELECT GET_LOCK('app.lock', 10)").await,
        Some(1)
    );
    assert_eq!(
        one(&mut a, "SELECT GET_LOCK('app.lock', 10)").await,
        Some(1)
    );
    assert_eq!(
        one(&mut b, "SELECT IS_FREE_LOCK('app.lock')").await,
        Some(0)
    );
    assert_eq!(
        one(&mut b, "SELECT IS_USED_LOCK('APP.LOCK')").await,
        Some(i64::from(a_id)),
        "names compare case-insensitively"
    );
    assert_eq!(one(&mut b, "SELECT GET_LOCK('App.Lock', 0)").await, Some(0));
    assert_eq!(
        one(&mut b, "SELECT RELEASE_LOCK('app.lock')").await,
        Some(0)
    );
    assert_eq!(
        one(&mut b, "SELECT RELEASE_LOCK('nobody.holds')").await,
        None
    );
    // Taken twice: one release leaves it held.
    assert_eq!(
        one(&mut a, "SELECT RELEASE_LOCK('app.lock')").await,
        Some(1)
    );
    assert_eq!(one(&mut b, "SELECT GET_LOCK('app.lock', 0)").await, Some(0));
    // A transaction's end does not release it.
    a.query_drop("BEGIN").await.unwrap();
    a.query_drop("ROLLBACK").await.unwrap();
    assert_eq!(
        one(&mut b, "SELECT IS_FREE_LOCK('app.lock')").await,
        Some(0)
    );

    let b_id = connection_id(&mut b).await;
    let waiter = tokio::spawn(async move {
        let t = Instant::now();
        let r = one(&mut b, "SELECT GET_LOCK('app.lock', 60)").await;
        (b, r, t.elapsed())
    });
    let mut c = util::root_conn(port).await;
    util::wait_until_running(&mut c, b_id).await;
    // Other statements are served while B waits.
    assert_eq!(one(&mut c, "SELECT 1").await, Some(1));
    assert_eq!(
        one(&mut a, "SELECT RELEASE_LOCK('app.lock')").await,
        Some(1)
    );
    let (mut b, r, took) = waiter.await.unwrap();
    assert_eq!(r, Some(1));
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(
        one(&mut a, "SELECT IS_USED_LOCK('app.lock')").await,
        Some(i64::from(b_id))
    );
    assert_eq!(one(&mut b, "SELECT GET_LOCK('second', 0)").await, Some(1));
    assert_eq!(one(&mut b, "SELECT RELEASE_ALL_LOCKS()").await, Some(2));
    assert_eq!(
        one(&mut a, "SELECT IS_FREE_LOCK('app.lock')").await,
        Some(1)
    );
    assert_eq!(one(&mut a, "SELECT IS_USED_LOCK('app.lock')").await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_lock_times_out_with_zero_and_through_do_and_prepared_statements() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = util::root_conn(port).await;
    let mut b = util::root_conn(port).await;
    a.query_drop("DO GET_LOCK('t', 5)").await.unwrap();
    let t = Instant::now();
    assert_eq!(one(&mut b, "SELECT GET_LOCK('t', 1)").await, Some(0));
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(10),
        "{took:?}"
    );
    // Prepared, with the name and the timeout as parameters (as sqlx's migrator asks).
    let r: Option<Option<i64>> = b
        .exec_first("SELECT GET_LOCK(?, ?)", ("t", 0))
        .await
        .unwrap();
    assert_eq!(r.flatten(), Some(0));
    a.query_drop("DO RELEASE_LOCK('t')").await.unwrap();
    let r: Option<Option<i64>> = b
        .exec_first("SELECT GET_LOCK(?, ?)", ("t", -1))
        .await
        .unwrap();
    assert_eq!(r.flatten(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locks_go_with_an_abrupt_disconnect_a_quit_and_a_reset_connection() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut b = util::root_conn(port).await;

    // A raw client takes a lock and vanishes without COM_QUIT or a TLS close_notify.
    let mut raw = util::Raw::login(port, "root", util::ROOT_PASSWORD).await;
    let rows = raw.query_rows("SELECT GET_LOCK('gone', 0)").await;
    assert_eq!(rows, [[Some("1".to_string())]]);
    assert_eq!(one(&mut b, "SELECT IS_FREE_LOCK('gone')").await, Some(0));
    drop(raw);
    // The waiter gets it once the server notices the connection is gone.
    assert_eq!(one(&mut b, "SELECT GET_LOCK('gone', 20)").await, Some(1));
    b.query_drop("DO RELEASE_ALL_LOCKS()").await.unwrap();

    // COM_QUIT.
    let mut a = util::root_conn(port).await;
    assert_eq!(one(&mut a, "SELECT GET_LOCK('quit', 0)").await, Some(1));
    a.disconnect().await.unwrap();
    assert_eq!(one(&mut b, "SELECT GET_LOCK('quit', 20)").await, Some(1));
    b.query_drop("DO RELEASE_ALL_LOCKS()").await.unwrap();

    // COM_RESET_CONNECTION releases at once; the connection lives on.
    let mut a = util::root_conn(port).await;
    assert_eq!(one(&mut a, "SELECT GET_LOCK('reset', 0)").await, Some(1));
    a.reset().await.unwrap();
    assert_eq!(one(&mut b, "SELECT GET_LOCK('reset', 0)").await, Some(1));
    assert_eq!(one(&mut a, "SELECT RELEASE_ALL_LOCKS()").await, Some(0));

    // COM_CHANGE_USER too.
    assert_eq!(one(&mut b, "SELECT RELEASE_LOCK('reset')").await, Some(1));
    assert_eq!(one(&mut a, "SELECT GET_LOCK('change', 0)").await, Some(1));
    a.change_user(
        mysql_async::ChangeUserOpts::default()
            .with_user(Some("root".into()))
            .with_pass(Some(util::ROOT_PASSWORD.into())),
    )
    .await
    .unwrap();
    assert_eq!(one(&mut b, "SELECT GET_LOCK('change', 0)").await, Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cycle_of_waits_is_er_3058_for_one_and_the_other_gets_its_lock() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = util::root_conn(port).await;
    let mut b = util::root_conn(port).await;
    let mut watcher = util::root_conn(port).await;
    assert_eq!(one(&mut a, "SELECT GET_LOCK('x', 0)").await, Some(1));
    assert_eq!(one(&mut b, "SELECT GET_LOCK('y', 0)").await, Some(1));
    let a_id = connection_id(&mut a).await;
    let ask = |mut conn: Conn, name: &'static str| {
        tokio::spawn(async move {
            let r: Result<Option<Option<i64>>, _> = conn
                .query_first(format!("SELECT GET_LOCK('{name}', 60)"))
                .await;
            (conn, r.map(Option::flatten))
        })
    };
    let mut a_asks = ask(a, "y");
    util::wait_until_running(&mut watcher, a_id).await;
    let mut b_asks = ask(b, "x");
    // Whichever request closed the cycle fails with 3058 (it keeps the lock it holds); once
    // that connection releases its lock, the other request is granted.
    let (victim, survivor) = tokio::select! {
        r = &mut a_asks => (r.unwrap(), b_asks),
        r = &mut b_asks => (r.unwrap(), a_asks),
    };
    let (mut victim_conn, r) = victim;
    let err = r.expect_err("a deadlock");
    assert_eq!(util::server_code(&err), Some(3058), "{err:?}");
    assert!(
        err.to_string().contains(
            "Deadlock found when trying to get user-level lock; try rolling back transaction/releasing locks and restarting lock acquisition."
        ),
        "{err}"
    );
    assert_eq!(
        one(&mut victim_conn, "SELECT RELEASE_ALL_LOCKS()").await,
        Some(1)
    );
    let (_, r) = survivor.await.unwrap();
    assert_eq!(r.unwrap(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_query_ends_a_waiting_get_lock_with_1317_and_bad_names_are_3057() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = util::root_conn(port).await;
    let mut b = util::root_conn(port).await;
    assert_eq!(one(&mut a, "SELECT GET_LOCK('k', 0)").await, Some(1));
    let b_id = connection_id(&mut b).await;
    let waiter = tokio::spawn(async move {
        let r: Result<Option<Option<i64>>, _> = b.query_first("SELECT GET_LOCK('k', -1)").await;
        (b, r)
    });
    util::wait_until_running(&mut a, b_id).await;
    a.query_drop(format!("KILL QUERY {b_id}")).await.unwrap();
    let (mut b, r) = waiter.await.unwrap();
    let err = r.expect_err("killed");
    assert_eq!(util::server_code(&err), Some(1317), "{err:?}");
    // The connection lives and the lock stays with A.
    assert_eq!(one(&mut b, "SELECT IS_FREE_LOCK('k')").await, Some(0));

    for (sql, text) in [
        (
            "SELECT GET_LOCK(NULL, 0)",
            "Incorrect user-level lock name 'NULL'.",
        ),
        (
            "SELECT GET_LOCK('', 0)",
            "Incorrect user-level lock name ''.",
        ),
        (
            "SELECT IS_FREE_LOCK(NULL)",
            "Incorrect user-level lock name 'NULL'.",
        ),
        (
            "SELECT RELEASE_LOCK('')",
            "Incorrect user-level lock name ''.",
        ),
    ] {
        let err = b.query_drop(sql).await.expect_err(sql);
        assert_eq!(util::server_code(&err), Some(3057), "{sql}: {err:?}");
        assert!(err.to_string().contains(text), "{sql}: {err}");
    }
    let long = "n".repeat(65);
    let err = b
        .query_drop(format!("SELECT GET_LOCK('{long}', 0)"))
        .await
        .expect_err("65 characters");
    assert_eq!(util::server_code(&err), Some(3057), "{err:?}");
    assert_eq!(
        one(&mut b, &format!("SELECT GET_LOCK('{}', 0)", "n".repeat(64))).await,
        Some(1)
    );
}
