//! `cargo xtask bench`: the numbers, measured on the release binary.
//!
//! 1. start → first accepted TLS query (certificates already generated), median of 5 starts;
//! 2. memory per idle authenticated TLS connection (server RSS delta / N);
//! 3. N concurrent TLS connections held open, all answering `SELECT 1`;
//! 4. `SELECT 1` round trips per second on one connection;
//!
//! and, when a MariaDB server (`mariadbd`) is installed, the same on it with the same certificates and the
//! ratio (`--myseal-bin PATH` measures that binary instead of building the release one);
//!
//! 5. the connection rate: fresh verified-TLS connections (connect + authenticate + `SELECT 1` +
//!    close) per second with full handshakes and with TLS session resumption, myseal/MariaDB and server
//!    CPU per connection (`--connect-count N`, `--connect-loops N`): see `connect.rs`;
//! 6. sysbench's OLTP workloads against both servers, myseal's `oltp_point_select` as root vs an
//!    account with table grants only, and with `--big` a 1,000,000-row table: see `sysbench.rs` for
//!    the method and its options.
//!
//! `--parts LIST` picks parts (comma-separated): `basic` (1–4), `connect` (5), `sysbench` (6); all
//! by default. `--sysbench-only` and `--connect-only` are shorthands for one part (both together run
//! the two). `--rounds N` (3) is shared by 5 and 6.
//!
//! The bench client's own CPU shares the two cores with the server: for the connection part a release
//! build of xtask (`cargo run --release -p xtask -- bench ...`) keeps it smaller.
//!
//! Load goes to 127.0.0.1 only and is bounded in count and time.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use mysql_async::{Opts, OptsBuilder, SslOpts};

use crate::server::{self, Mariadb, Myseal, BENCH_PASSWORD, BENCH_USER};
use crate::{connect, sysbench};

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let n: usize = crate::opt(args, "--connections")
        .map(|s| {
            s.parse()
                .map_err(|_| "--connections takes a number".to_string())
        })
        .transpose()?
        .unwrap_or(1000);
    let parts = Parts::parse(args)?;
    let sb = sysbench::Options::parse(args)?;
    let co = connect::Options::parse(args)?;
    if parts.basic {
        ensure_fd_limit(n)?;
    }
    // `--myseal-bin PATH` measures another build (A/B runs) instead of building this one.
    let bin = match crate::opt(args, "--myseal-bin") {
        Some(p) => std::path::PathBuf::from(p),
        None => server::build_release()?,
    };
    let certs = server::scratch("bench-certs");
    myseal_tls::ensure_dev_certs(&certs).map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    let connections = if parts.basic {
        connections(n, &bin, &certs, &rt)
    } else {
        Ok(())
    };
    let rate = if parts.connect {
        connect::run(&co, &bin, &certs, &rt)
    } else {
        Ok(())
    };
    if parts.sysbench {
        sysbench::run(&sb, &bin, &certs, &rt)?;
    }
    connections.and(rate)
}

/// Which parts of the bench run: `--parts LIST` (comma-separated `basic`, `connect`,
/// `sysbench`; default all), or the shorthands `--sysbench-only` and `--connect-only`.
struct Parts {
    basic: bool,
    connect: bool,
    sysbench: bool,
}

impl Parts {
    fn parse(args: &[String]) -> Result<Parts, String> {
        let flag = |name: &str| args.iter().any(|a| a == name);
        let list = match crate::opt(args, "--parts") {
            Some(list) => list,
            None if flag("--sysbench-only") && flag("--connect-only") => "connect,sysbench",
            None if flag("--sysbench-only") => "sysbench",
            None if flag("--connect-only") => "connect",
            None => "basic,connect,sysbench",
        };
        let mut p = Parts {
            basic: false,
            connect: false,
            sysbench: false,
        };
        for part in list.split(',') {
            match part.trim() {
                "basic" => p.basic = true,
                "connect" => p.connect = true,
                "sysbench" => p.sysbench = true,
                other => {
                    return Err(format!(
                        "unknown part '{other}' in --parts (expected basic, connect, sysbench)"
                    ))
                }
            }
        }
        Ok(p)
    }
}

/// Parts 1–4: start time, memory per connection, concurrency, `SELECT 1` on one connection.
fn connections(
    n: usize,
    bin: &Path,
    certs: &Path,
    rt: &tokio::runtime::Runtime,
) -> Result<(), String> {
    let account = ["--app-user", BENCH_USER, "--app-password", BENCH_PASSWORD];
    // Warm-up start: generates the caching_sha2 RSA key pair once (not part of the measurement).
    Myseal::start(bin, certs, &account)?.stop();

    // 1. start to first query.
    let mut starts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let srv = Myseal::start(bin, certs, &account)?;
        rt.block_on(first_query(srv.port, certs))?;
        starts.push(t.elapsed());
        srv.stop();
    }
    starts.sort();
    let start_median = starts[starts.len() / 2];
    println!("myseal: start to first TLS query: median {start_median:?} (of {starts:?})");

    let max = (n + 10).to_string();
    let mut extra = account.to_vec();
    extra.extend(["--max-connections", &max]);
    let srv = Myseal::start(bin, certs, &extra)?;
    let pid = srv.child.id();
    let mine = rt.block_on(measure("myseal", srv.port, certs, n, || {
        server::rss_kib(pid)
    }))?;
    srv.stop();

    let theirs = match Mariadb::start(certs) {
        Ok(Some(m)) => {
            let pid = m.child.id();
            let r = rt.block_on(measure("mariadb", m.port, certs, n, || {
                server::rss_kib(pid)
            }));
            m.stop();
            Some(r?)
        }
        Ok(None) => {
            println!("no MariaDB/MySQL server installed (apt-get install mariadb-server): comparison skipped");
            None
        }
        Err(e) => {
            println!("MariaDB comparison failed to start: {e}");
            None
        }
    };

    println!();
    println!("| metric | myseal | target | mariadb | ratio (mariadb/myseal) |");
    println!("|---|---|---|---|---|");
    println!(
        "| start → first TLS query | {:.1} ms | < 50 ms | | |",
        ms(start_median)
    );
    let row = |name: &str, a: f64, unit: &str, target: &str, b: Option<f64>| {
        let (bs, ratio) = match b {
            Some(b) if a > 0.0 => (format!("{b:.1} {unit}"), format!("{:.2}", b / a)),
            _ => (String::new(), String::new()),
        };
        println!("| {name} | {a:.1} {unit} | {target} | {bs} | {ratio} |");
    };
    row(
        "memory per idle TLS connection",
        mine.kib_per_conn,
        "KiB",
        "< 64 KiB",
        theirs.as_ref().map(|t| t.kib_per_conn),
    );
    row(
        &format!("{n} TLS connections: connect all"),
        ms(mine.connect_all),
        "ms",
        "",
        theirs.as_ref().map(|t| ms(t.connect_all)),
    );
    println!(
        "| {n} concurrent connections answering SELECT 1 | {}/{n} | {n}/{n} | {} | |",
        mine.answered,
        theirs
            .as_ref()
            .map(|t| format!("{}/{n}", t.answered))
            .unwrap_or_default()
    );
    let qps_ratio = theirs
        .as_ref()
        .map(|t| format!("{:.2}", mine.qps / t.qps))
        .unwrap_or_default();
    println!(
        "| SELECT 1 per second, one connection | {:.0} | | {} | {} (myseal/mariadb) |",
        mine.qps,
        theirs
            .as_ref()
            .map(|t| format!("{:.0}", t.qps))
            .unwrap_or_default(),
        qps_ratio
    );
    if mine.answered != n {
        return Err(format!(
            "only {} of {n} connections answered",
            mine.answered
        ));
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Re-executes through `sh -c 'ulimit -n ...'` when the open-file limit is too low for n connections.
fn ensure_fd_limit(n: usize) -> Result<(), String> {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let soft: usize = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    if soft >= n * 2 + 200 || std::env::var_os("XTASK_ULIMIT_RAISED").is_some() {
        return Ok(());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {} && exec \"$0\" \"$@\"", n * 2 + 1000))
        .arg(exe)
        .args(args)
        .env("XTASK_ULIMIT_RAISED", "1")
        .status()
        .map_err(|e| e.to_string())?;
    std::process::exit(status.code().unwrap_or(1));
}

fn opts(port: u16, certs: &Path) -> Opts {
    OptsBuilder::default()
        .ip_or_hostname("localhost")
        .tcp_port(port)
        .user(Some(BENCH_USER))
        .pass(Some(BENCH_PASSWORD))
        .prefer_socket(false)
        .ssl_opts(Some(
            SslOpts::default().with_root_certs(vec![certs.join("ca.pem").into()]),
        ))
        .into()
}

async fn first_query(port: u16, certs: &Path) -> Result<(), String> {
    let mut c = mysql_async::Conn::new(opts(port, certs))
        .await
        .map_err(|e| e.to_string())?;
    let one: Option<i64> = c.query_first("SELECT 1").await.map_err(|e| e.to_string())?;
    if one != Some(1) {
        return Err("SELECT 1 did not return 1".into());
    }
    let _ = c.disconnect().await;
    Ok(())
}

struct Measured {
    kib_per_conn: f64,
    connect_all: Duration,
    answered: usize,
    qps: f64,
}

async fn measure(
    name: &str,
    port: u16,
    certs: &Path,
    n: usize,
    rss: impl Fn() -> Option<u64>,
) -> Result<Measured, String> {
    // Warm up (fills the sha2 cache, allocator arenas) before the baseline.
    first_query(port, certs).await?;
    let before = rss().ok_or("cannot read server RSS")?;
    let t = Instant::now();
    let mut conns = Vec::with_capacity(n);
    // Open in batches of 50 so the accept backlog is never the limit.
    for chunk in 0..n.div_ceil(50) {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..(n - chunk * 50).min(50) {
            let o = opts(port, certs);
            set.spawn(async move { mysql_async::Conn::new(o).await });
        }
        while let Some(r) = set.join_next().await {
            conns.push(
                r.map_err(|e| e.to_string())?
                    .map_err(|e| format!("{name}: connect: {e}"))?,
            );
        }
    }
    let connect_all = t.elapsed();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = rss().ok_or("cannot read server RSS")?;
    let kib_per_conn = after.saturating_sub(before) as f64 / n as f64;
    println!("{name}: {n} idle TLS connections: RSS {before} KiB → {after} KiB = {kib_per_conn:.1} KiB each");

    let mut set = tokio::task::JoinSet::new();
    for mut c in conns {
        set.spawn(async move {
            let r: Result<Option<i64>, _> = c.query_first("SELECT 1").await;
            (matches!(r, Ok(Some(1))), c)
        });
    }
    let mut answered = 0;
    let mut conns = Vec::with_capacity(n);
    while let Some(r) = set.join_next().await {
        let (ok, c) = r.map_err(|e| e.to_string())?;
        answered += usize::from(ok);
        conns.push(c);
    }
    println!("{name}: {answered}/{n} concurrent connections answered SELECT 1");

    let mut c = conns.pop().ok_or("no connection")?;
    let t = Instant::now();
    let mut count = 0u32;
    while t.elapsed() < Duration::from_secs(2) && count < 200_000 {
        let _: Option<i64> = c.query_first("SELECT 1").await.map_err(|e| e.to_string())?;
        count += 1;
    }
    let qps = f64::from(count) / t.elapsed().as_secs_f64();
    println!("{name}: {qps:.0} SELECT 1 per second on one TLS connection");
    for c in conns {
        let _ = c.disconnect().await;
    }
    Ok(Measured {
        kib_per_conn,
        connect_all,
        answered,
        qps,
    })
}
