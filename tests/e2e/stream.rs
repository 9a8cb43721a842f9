//! Large results stream to the client as the statement produces them (text and binary
//! protocol), and a client that goes away mid-result stops the statement.

use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;

use crate::util;

/// `n` rows of ids 1..=n in `s.t`.
async fn table(conn: &mut mysql_async::Conn, n: u32) {
    conn.query_drop("CREATE DATABASE IF NOT EXISTS s")
        .await
        .unwrap();
    conn.query_drop("USE s").await.unwrap();
    conn.query_drop("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let values: Vec<String> = (1..=n).map(|i| format!("({i})")).collect();
    conn.query_drop(format!("INSERT IGNORE INTO t VALUES {}", values.join(",")))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_result_arrives_whole_in_both_protocols() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut c = util::root_conn(port).await;
    table(&mut c, 300).await;
    // 90,000 rows of ~110 bytes: about 10 MB, far more than one 64 KiB chunk.
    let sql = "SELECT a.id, b.id, REPEAT('x', 100) FROM t a, t b";
    let rows: Vec<(u32, u32, String)> = c.query(sql).await.unwrap();
    assert_eq!(rows.len(), 90_000);
    assert_eq!(rows.last().map(|r| (r.0, r.1)), Some((300, 300)));
    assert!(rows.iter().all(|r| r.2.len() == 100));
    // Prepared (binary rows), with a parameter.
    let rows: Vec<(u32, u32)> = c
        .exec("SELECT a.id, b.id FROM t a, t b WHERE a.id <= ?", (200,))
        .await
        .unwrap();
    assert_eq!(rows.len(), 60_000);
    let sum: u64 = rows.iter().map(|r| u64::from(r.0) + u64::from(r.1)).sum();
    assert_eq!(sum, 300 * (200 * 201 / 2) + 200 * (300 * 301 / 2));
    // Multi-statement: a streamed first result, then collected ones.
    let mut r = c
        .query_iter("SELECT id FROM t WHERE id <= 250 ORDER BY id DESC; SELECT COUNT(*) FROM t")
        .await
        .unwrap();
    let first: Vec<u32> = r.collect().await.unwrap();
    let second: Vec<u64> = r.collect().await.unwrap();
    drop(r);
    assert_eq!(first.len(), 250);
    assert_eq!(first.first(), Some(&250));
    assert_eq!(second, vec![300]);
    // The session is in a clean state afterwards.
    let one: Option<u32> = c.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    drop(c);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_vanishes_mid_result_stops_its_statement() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut admin = util::root_conn(port).await;
    table(&mut admin, 400).await;
    let mut raw = util::Raw::login(port, "root", util::ROOT_PASSWORD).await;
    let id: u32 = {
        let p = raw.query("SELECT CONNECTION_ID()").await;
        assert_eq!(p.payload.first(), Some(&1), "one column");
        let mut id = None;
        while let Some(p) = raw.read().await {
            if p.payload.first() == Some(&0xfe) && p.payload.len() < 9 {
                break;
            }
            if !p.payload.starts_with(b"\x03def") {
                // The row: one length-encoded string holding the id.
                id = std::str::from_utf8(&p.payload[1..])
                    .ok()
                    .and_then(|s| s.parse().ok());
            }
        }
        id.expect("connection id")
    };
    // 64 million rows: it streams for minutes unless the server stops it.
    let first = raw
        .query("SELECT a.id, b.id, c.id FROM s.t a, s.t b, s.t c")
        .await;
    assert_eq!(first.payload.first(), Some(&3), "three columns");
    for _ in 0..100 {
        assert!(raw.read().await.is_some());
    }
    drop(raw);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rows: Vec<mysql_async::Row> = admin.query("SHOW PROCESSLIST").await.unwrap();
        let ids: Vec<u64> = rows.iter().filter_map(|r| r.get(0)).collect();
        if !ids.contains(&u64::from(id)) {
            break;
        }
        assert!(Instant::now() < deadline, "connection {id} still listed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The server goes on serving.
    let n: Option<u64> = admin.query_first("SELECT COUNT(*) FROM s.t").await.unwrap();
    assert_eq!(n, Some(400));
    drop(admin);
    server.shutdown().await;
}
