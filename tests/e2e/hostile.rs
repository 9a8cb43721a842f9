//! Clients that misbehave after login (issue 13): one that stops reading its result is cut off
//! by net_write_timeout, and shutdown finishes in bounded time despite a stuck client and a
//! running statement. After each, verified-TLS clients are served normally.

use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;

use crate::util::{self, Raw};

/// A result of about 64 MiB: far more than the socket buffers hold, so a client that does not
/// read blocks the server's writes.
const BIG_RESULT: &str =
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 64) \
                          SELECT n, REPEAT('x', 1048576) FROM r";

/// A raw TLS client as root that asks for [`BIG_RESULT`] and then reads nothing.
async fn stuck_reader(port: u16, write_timeout: Option<u32>) -> Raw {
    let mut raw = Raw::login(port, "root", util::ROOT_PASSWORD).await;
    if let Some(secs) = write_timeout {
        let ok = raw
            .query(&format!("SET SESSION net_write_timeout = {secs}"))
            .await;
        assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", util::err_of(&ok));
    }
    raw.seq = 0;
    let mut out = vec![0x03];
    out.extend_from_slice(BIG_RESULT.as_bytes());
    raw.write(&out).await;
    raw
}

/// Waits (bounded) until SHOW PROCESSLIST on `conn` shows connection `id` running a query.
async fn wait_until_running(conn: &mut mysql_async::Conn, id: u32) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list: Vec<mysql_async::Row> = conn.query("SHOW PROCESSLIST").await.unwrap();
        if list.iter().any(|r| {
            r.get::<u64, _>(0) == Some(u64::from(id))
                && r.get::<String, _>(4).as_deref() == Some("Query")
        }) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "connection {id} never ran its query"
        );
        tokio::task::yield_now().await;
    }
}

async fn status(conn: &mut mysql_async::Conn, name: &str) -> u64 {
    let row: Option<(String, u64)> = conn
        .query_first(format!("SHOW GLOBAL STATUS LIKE '{name}'"))
        .await
        .unwrap();
    row.map(|r| r.1).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_cut_off_by_net_write_timeout() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut watcher = util::root_conn(port).await;
    let aborted = status(&mut watcher, "Aborted_clients").await;
    let started = Instant::now();
    let mut stuck = stuck_reader(port, Some(1)).await;
    // The stuck connection goes away on its own, well before the default 60 seconds.
    util::wait_for_connections(&server, 1).await;
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(status(&mut watcher, "Aborted_clients").await, aborted + 1);
    // What the client can still read is a prefix of the result, then the end of the stream.
    assert!(stuck.closed_by_server().await);
    // Everyone else is served normally.
    let one: Option<i64> = watcher.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    let mut fresh = util::root_conn(port).await;
    let n: Option<i64> = fresh
        .query_first("SELECT COUNT(*) FROM (SELECT 1 UNION SELECT 2) t")
        .await
        .unwrap();
    assert_eq!(n, Some(2));
    drop(fresh);
    drop(watcher);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_is_bounded_with_a_stuck_reader_and_a_running_statement() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    // Default net_write_timeout (60 s): only shutdown can free this one.
    let _stuck = stuck_reader(port, None).await;
    let mut sleeper = util::root_conn(port).await;
    let id: u32 = sleeper
        .query_first("SELECT CONNECTION_ID()")
        .await
        .unwrap()
        .unwrap();
    let sleeping = tokio::spawn(async move {
        let r: Result<Option<i64>, _> = sleeper.query_first("SELECT SLEEP(60)").await;
        r
    });
    let mut watcher = util::root_conn(port).await;
    wait_until_running(&mut watcher, id).await;
    drop(watcher);
    let started = Instant::now();
    tokio::time::timeout(
        Duration::from_secs(10),
        server.shutdown_within(Duration::from_millis(300)),
    )
    .await
    .expect("shutdown returns");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "shutdown took {took:?}");
    // The sleeping statement was interrupted, not left to run for a minute.
    let r = tokio::time::timeout(Duration::from_secs(5), sleeping)
        .await
        .expect("the sleeping client got an answer")
        .unwrap();
    assert!(
        !matches!(r, Ok(Some(0))),
        "SLEEP(60) ran to completion: {r:?}"
    );
}
