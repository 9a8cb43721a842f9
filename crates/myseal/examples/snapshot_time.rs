//! What test isolation costs on a seeded database of 1,000,000 rows: `snapshot()`, `restore()`
//! and `clone_database()` (the API behind `CREATE DATABASE ... CLONE`), medians of 100 runs.
//! Each is O(tables): the rows are shared, never copied.
//!
//! It uses mimalloc, as the `myseal` binary does. Under glibc's malloc the first few restores
//! after a large seed took 4-20 ms each: the seed's hundreds of thousands of freed row values sit
//! in glibc's unsorted bin, and the first larger allocations after them (restore's new maps) pay
//! for sorting it (seen with `perf`: the time was in `_int_malloc`; with mimalloc or jemalloc the
//! slowest of 100 restores of 1,000,000 rows took 27 µs).
//!
//! `cargo run --release -p myseal --example snapshot_time [ROWS]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use myseal::Server;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const RUNS: usize = 100;

fn summary(name: &str, mut times: Vec<Duration>) {
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{name}: median {:.1} µs, p90 {:.1} µs, max {:.1} µs over {} runs",
        us(times[times.len() / 2]),
        us(times[times.len() * 9 / 10]),
        us(times[times.len() - 1]),
        times.len()
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rows: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let seed = format!(
        "CREATE TABLE app.items (id INT PRIMARY KEY, k INT NOT NULL, name VARCHAR(40), KEY (k)); \
         SET cte_max_recursion_depth = {rows}; \
         INSERT INTO app.items WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n \
         WHERE i < {rows}) SELECT i, i % 1000, CONCAT('item ', i) FROM n"
    );
    let t = Instant::now();
    let handle = Server::builder()
        .embedded()
        .root_password("pw")
        .database("app")
        .init_sql(seed)
        .start()
        .await
        .expect("start");
    println!("seeded {rows} rows in {:.2?}", t.elapsed());
    let server = handle.server().expect("an embedded server");

    let mut times = Vec::with_capacity(RUNS);
    let mut snap = server.snapshot();
    for _ in 0..RUNS {
        let t = Instant::now();
        snap = server.snapshot();
        times.push(t.elapsed());
    }
    assert_eq!(snap.rows() as u64, rows);
    summary("snapshot()", times);

    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        server.restore(&snap).expect("restore");
        times.push(t.elapsed());
    }
    summary("restore()", times);

    let mut times = Vec::with_capacity(RUNS);
    for n in 0..RUNS {
        let name = format!("test_{n}");
        let t = Instant::now();
        server.clone_database("app", &name).expect("clone");
        times.push(t.elapsed());
    }
    summary("clone_database()", times);
    handle.shutdown().await;
}
