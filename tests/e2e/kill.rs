//! Statements run on the engine's threads: KILL QUERY, KILL CONNECTION, max_execution_time and
//! SHOW PROCESSLIST, with other connections served meanwhile.

use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;

use crate::util;

/// A table whose 3-way self-join takes seconds (64 million rows) and whose 4-way one far
/// longer than any test waits.
async fn big_table(conn: &mut mysql_async::Conn) {
    conn.query_drop("CREATE DATABASE IF NOT EXISTS k")
        .await
        .unwrap();
    conn.query_drop("USE k").await.unwrap();
    conn.query_drop("CREATE TABLE IF NOT EXISTS big (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let values: Vec<String> = (1..=400).map(|i| format!("({i})")).collect();
    conn.query_drop(format!(
        "INSERT IGNORE INTO big VALUES {}",
        values.join(",")
    ))
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_query_interrupts_a_running_statement_and_the_connection_lives() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = util::root_conn(port).await;
    big_table(&mut a).await;
    let id: u32 = a
        .query_first("SELECT CONNECTION_ID()")
        .await
        .unwrap()
        .unwrap();
    let long = tokio::spawn(async move {
        let t = Instant::now();
        let r: Result<Option<i64>, _> = a
            .query_first("SELECT COUNT(*) FROM big w, big x, big y, big z")
            .await;
        (a, r, t.elapsed())
    });
    let mut b = util::root_conn(port).await;
    // Other connections are served while the statement runs; wait until it shows as a query.
    util::wait_until_running(&mut b, id).await;
    b.query_drop(format!("KILL QUERY {id}")).await.unwrap();
    let (mut a, r, took) = long.await.unwrap();
    let err = r.expect_err("the killed statement fails");
    assert_eq!(util::server_code(&err), Some(1317), "{err:?}");
    assert!(took < Duration::from_secs(30), "took {took:?}");
    let one: Option<i64> = a.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_query_ends_a_sleep_with_result_one() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = util::root_conn(port).await;
    let id: u32 = a
        .query_first("SELECT CONNECTION_ID()")
        .await
        .unwrap()
        .unwrap();
    let sleeping = tokio::spawn(async move {
        let r: Option<i64> = a.query_first("SELECT SLEEP(60)").await.unwrap();
        r
    });
    let mut b = util::root_conn(port).await;
    loop {
        let list: Vec<mysql_async::Row> = b.query("SHOW FULL PROCESSLIST").await.unwrap();
        if list
            .iter()
            .any(|r| r.get::<Option<String>, _>(7).flatten().as_deref() == Some("SELECT SLEEP(60)"))
        {
            break;
        }
        tokio::task::yield_now().await;
    }
    b.query_drop(format!("KILL QUERY {id}")).await.unwrap();
    assert_eq!(sleeping.await.unwrap(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_connection_closes_the_other_connection_and_unknown_ids_are_1094() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = util::root_conn(port).await;
    let id: u32 = a
        .query_first("SELECT CONNECTION_ID()")
        .await
        .unwrap()
        .unwrap();
    let mut b = util::root_conn(port).await;
    b.query_drop(format!("KILL {id}")).await.unwrap();
    let r: Result<Option<i64>, _> = a.query_first("SELECT 1").await;
    assert!(r.is_err(), "a killed connection is closed");
    let err = b.query_drop("KILL 999999").await.unwrap_err();
    assert_eq!(util::server_code(&err), Some(1094));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_execution_time_stops_a_long_select_with_3024() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = util::root_conn(port).await;
    big_table(&mut a).await;
    a.query_drop("SET SESSION max_execution_time = 200")
        .await
        .unwrap();
    let t = Instant::now();
    let err = a
        .query_drop("SELECT COUNT(*) FROM big w, big x, big y, big z")
        .await
        .unwrap_err();
    assert_eq!(util::server_code(&err), Some(3024), "{err:?}");
    assert!(t.elapsed() < Duration::from_secs(20));
    let n: Option<i64> = a.query_first("SELECT COUNT(*) FROM big").await.unwrap();
    assert_eq!(n, Some(400));
}
