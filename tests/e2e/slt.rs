//! sqllogictest over verified TLS: the quick subset listed in `tests/slt/quick.txt` against a fresh server.
//!
//! Each listed file runs in a database of its own (`CREATE DATABASE slt_N; USE slt_N`, dropped afterwards)
//! and must pass at least the number of records listed next to it. `cargo xtask slt` runs the whole corpus
//! as a report.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use myseal_slt::mysql::{run_in_fresh_database, MysqlDatabase};
use myseal_slt::{parse, parse_file, summary, Database, DbError, Output, RunConfig};
use mysql_async::prelude::Queryable;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::util;

/// A statement that has not answered by then fails its record (and the run goes on).
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);

fn slt_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("slt")
}

/// `(path relative to tests/slt, minimum passed records)` for each line of quick.txt.
fn quick_list() -> Vec<(String, usize)> {
    let path = slt_dir().join("quick.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(
            |l| match l.split_whitespace().collect::<Vec<_>>().as_slice() {
                [file, min] => (
                    (*file).to_string(),
                    min.parse()
                        .unwrap_or_else(|_| panic!("quick.txt: bad minimum in '{l}'")),
                ),
                _ => panic!("quick.txt: expected 'path min_passed', got '{l}'"),
            },
        )
        .collect()
}

fn opts(port: u16) -> mysql_async::Opts {
    util::mysql_async_opts(
        port,
        "root",
        util::ROOT_PASSWORD,
        Some(util::verified_ssl()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_sqllogictest_files_pass_at_least_their_listed_records() {
    let list = quick_list();
    assert!(!list.is_empty(), "tests/slt/quick.txt lists no file");
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let config = RunConfig {
        max_failures_kept: 10,
        ..RunConfig::default()
    };
    let mut reports = Vec::new();
    let mut short = Vec::new();
    for (i, (file, min_passed)) in list.iter().enumerate() {
        let script = parse_file(&slt_dir().join(file), file).unwrap();
        let report = run_in_fresh_database(
            opts(port),
            STATEMENT_TIMEOUT,
            &format!("slt_{i}"),
            &script,
            &config,
        )
        .await
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        if report.passed < *min_passed || report.aborted.is_some() {
            short.push(format!(
                "{file}: {} passed, at least {min_passed} required\n{}",
                report.passed,
                report.failures_text()
            ));
        }
        reports.push(report);
    }
    eprintln!("{}", summary(&reports));

    // Every file's database was dropped.
    let mut conn = util::root_conn(port).await;
    let databases: Vec<String> = conn.query("SHOW DATABASES").await.unwrap();
    assert!(
        databases.iter().all(|d| !d.starts_with("slt_")),
        "{databases:?}"
    );
    conn.disconnect().await.unwrap();
    server.shutdown().await;
    assert!(short.is_empty(), "\n{}", short.join("\n"));
}

/// The harness itself can fail: wrong expectations against the real server are counted as failures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_expectations_fail_against_the_real_server() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let script = parse(
        "inline.test",
        "query I nosort\nSELECT 1+1\n----\n2\n\n\
         query I nosort\nSELECT 1+1\n----\n3\n\n\
         query II nosort\nSELECT 1\n----\n1\n1\n\n\
         statement error\nSELECT 1\n\n\
         statement error 1064\nSELEC 1\n\n\
         statement error 1146\nSELEC 1\n\n\
         statement ok\nSELEC 1\n",
    )
    .unwrap();
    let report = run_in_fresh_database(
        opts(port),
        STATEMENT_TIMEOUT,
        "slt_inline",
        &script,
        &RunConfig::default(),
    )
    .await
    .unwrap();
    assert_eq!((report.run, report.passed, report.failed), (7, 2, 5));
    let lines: Vec<usize> = report.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, [6, 11, 17, 23, 26]);
    assert_eq!(report.failures[0].got, "2");
    assert_eq!(report.failures[1].got, "1 columns");
    assert!(
        report.failures[3].got.starts_with("ERROR 1064"),
        "{:?}",
        report.failures[3]
    );
    server.shutdown().await;
}

/// A TCP proxy in front of the server that, once frozen, stops passing on the server's answers on the
/// connections that receive any (a statement that never answers). New connections forward normally again
/// after `frozen` is cleared.
async fn freezable_proxy(upstream: u16) -> (u16, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let frozen = Arc::new(AtomicBool::new(false));
    let flag = frozen.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else {
                return;
            };
            let (mut client_rd, mut client_wr) = client.into_split();
            let (mut server_rd, mut server_wr) = server.into_split();
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut client_rd, &mut server_wr).await;
            });
            let flag = flag.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let n = match server_rd.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if flag.load(Ordering::SeqCst) {
                        std::future::pending::<()>().await;
                    }
                    if client_wr.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, frozen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_without_answer_times_out_and_the_next_one_reconnects() {
    let server = util::start(util::config()).await;
    let (proxy_port, frozen) = freezable_proxy(server.local_addr().port()).await;
    let limit = Duration::from_millis(500);
    let mut db = MysqlDatabase::connect(opts(proxy_port), limit)
        .await
        .unwrap();
    db.create_and_use("slt_timeout").await.unwrap();
    let one = Output::Rows {
        columns: 1,
        rows: vec![vec![Some("1".to_string())]],
    };
    assert_eq!(db.run("SELECT 1").await, Ok(one.clone()));

    frozen.store(true, Ordering::SeqCst);
    let asked = Instant::now();
    assert_eq!(db.run("SELECT 1").await, Err(DbError::Timeout(limit)));
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "{:?}",
        asked.elapsed()
    );

    // A new connection, back in the file's database.
    frozen.store(false, Ordering::SeqCst);
    assert_eq!(db.run("SELECT 1").await, Ok(one));
    let current = Output::Rows {
        columns: 1,
        rows: vec![vec![Some("slt_timeout".to_string())]],
    };
    assert_eq!(db.run("SELECT DATABASE()").await, Ok(current));
    db.drop_database().await.unwrap();

    // Once the server is gone, the connection fails and reconnecting is fatal.
    server.shutdown().await;
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        outcomes.push(db.run("SELECT 1").await);
    }
    assert!(
        matches!(outcomes.last(), Some(Err(DbError::Fatal(_)))),
        "{outcomes:?}"
    );
}
