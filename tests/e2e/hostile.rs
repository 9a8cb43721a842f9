//! Clients that misbehave after login (issue 13): one that stops reading its result is cut off
//! by net_write_timeout, and shutdown finishes in bounded time despite a stuck client and a
//! running statement. After each, verified-TLS clients are served normally.

use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use tokio::io::AsyncWriteExt;

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
    util::wait_until_running(&mut watcher, id).await;
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

/// Statements built to exhaust the server: each gets a result or a MySQL error, in bounded
/// time, and the connection goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_statements_get_answers_or_errors_and_the_connection_lives() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut c = util::root_conn(port).await;
    // 27 MiB of whitespace and newlines around a statement (it spans two wire chunks), and
    // whitespace alone.
    let pad = " \n\t".repeat(3 << 20);
    let one: Option<i64> = c
        .query_first(format!("{pad}SELECT{pad}1{pad}"))
        .await
        .unwrap();
    assert_eq!(one, Some(1));
    let err = c.query_drop(pad.as_str()).await.unwrap_err();
    assert_eq!(util::server_code(&err), Some(1065), "{err:?}");
    drop(pad);
    // A 100,000-way UNION and a 100,000-deep expression: ER 1436, not a stack overflow.
    let union = format!("SELECT 1{}", " UNION SELECT 1".repeat(100_000));
    let err = c.query_drop(union).await.unwrap_err();
    assert_eq!(util::server_code(&err), Some(1436), "{err:?}");
    let nested = format!("SELECT {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let err = c.query_drop(nested).await.unwrap_err();
    assert_eq!(util::server_code(&err), Some(1436), "{err:?}");
    let chain = format!("SELECT 1{}", "+1".repeat(100_000));
    let err = c.query_drop(chain).await.unwrap_err();
    assert_eq!(util::server_code(&err), Some(1436), "{err:?}");
    // A 200,000-value IN list is just a long statement.
    let list: Vec<String> = (0..200_000).map(|i| i.to_string()).collect();
    let hit: Option<i64> = c
        .query_first(format!("SELECT 199999 IN ({})", list.join(",")))
        .await
        .unwrap();
    assert_eq!(hit, Some(1));
    let one: Option<i64> = c.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    drop(c);
    server.shutdown().await;
}

/// A command whose first packet does not start the sequence at 0 gets 1156 and is closed; a
/// client that logs in with wrong passwords a thousand times changes nothing for the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_sequence_commands_and_password_storms_leave_others_served() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", util::ROOT_PASSWORD).await;
    raw.seq = 3;
    raw.write(b"\x03SELECT 1").await;
    let p = raw.read().await.expect("an error packet");
    assert_eq!(util::err_of(&p).map(|e| e.0), Some(1156));
    assert!(raw.closed_by_server().await);
    let storm = (0..4).map(|_| {
        tokio::spawn(async move {
            for _ in 0..250 {
                let r = mysql_async::Conn::new(util::mysql_async_opts(
                    port,
                    "root",
                    "wrong-password",
                    Some(util::verified_ssl()),
                ))
                .await;
                let err = r.expect_err("a wrong password is refused");
                assert_eq!(util::server_code(&err), Some(1045), "{err:?}");
            }
        })
    });
    for t in storm.collect::<Vec<_>>() {
        t.await.unwrap();
    }
    let mut c = util::root_conn(port).await;
    let one: Option<i64> = c.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    drop(c);
    util::wait_for_connections(&server, 0).await;
    server.shutdown().await;
}

/// A slowloris that trickles its handshake, and a burst of connections that never send a
/// byte, are cut off by connect_timeout: real clients are locked out at most that long (MySQL
/// counts connections in the handshake against max_connections too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_half_open_connections_are_cut_off_by_connect_timeout() {
    let mut config = util::config();
    config.connect_timeout = Duration::from_secs(1);
    config.max_connections = 20;
    let server = util::start(config).await;
    let port = server.local_addr().port();
    // Slowloris: a byte of SSLRequest every 100 ms never finishes within the second.
    let mut slow = Raw::connect(port).await;
    let _ = slow.greeting().await;
    let started = Instant::now();
    let trickle = async {
        for b in [32u8, 0, 0, 1, 0x0d, 0xa2, 0x0b, 0, 0, 0, 0, 1, 0xff] {
            if slow.s.write_all(&[b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    trickle.await;
    assert!(slow.closed_by_server().await);
    assert!(started.elapsed() < Duration::from_secs(4));
    // 200 connections that send nothing fill max_connections; the rest are refused at once.
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(
            tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .unwrap(),
        );
    }
    // A real client gets in once the half-open ones time out.
    let started = Instant::now();
    let mut c = loop {
        match mysql_async::Conn::new(util::mysql_async_opts(
            port,
            "root",
            util::ROOT_PASSWORD,
            Some(util::verified_ssl()),
        ))
        .await
        {
            Ok(c) => break c,
            Err(e) => {
                assert_eq!(util::server_code(&e), Some(1040), "{e:?}");
                assert!(started.elapsed() < Duration::from_secs(5), "locked out");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    let one: Option<i64> = c.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    drop(idle);
    drop(c);
    server.shutdown().await;
}
