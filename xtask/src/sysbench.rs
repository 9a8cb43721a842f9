//! `cargo xtask bench`, sysbench part: the OLTP numbers of issue 12, myseal side by side with
//! MariaDB over TLS.
//!
//! For each server (myseal with a bench account, a throwaway MariaDB with the same certificates):
//! `CREATE DATABASE sbtest`, the bench account granted access, `sysbench oltp_read_write prepare`
//! (`--tables=1 --table-size=N`; with `--create_secondary=off` on both when myseal refuses
//! `CREATE INDEX`). Then `oltp_point_select`, `oltp_read_only` and `oltp_read_write`, each over
//! the text protocol (`--db-ps-mode=disable`) and prepared statements (`--db-ps-mode=auto`),
//! 4 threads for `--time` seconds, the two servers alternating for `--rounds` rounds (the first
//! server changes every round). It prints the medians: QPS, myseal/MariaDB, the target, server
//! CPU µs per query (utime+stime of the server process from `/proc/PID/stat` over the run, divided
//! by sysbench's query count), errors and reconnects. A statement sysbench fails on is printed
//! with the server's error, and that cell is skipped in later rounds.
//!
//! When `oltp_point_select` is among the workloads, a fresh myseal also runs it as root (global
//! privileges) and as `sbgrant`, an account with only `GRANT SELECT ON sbtest.sbtestN` for each table
//! sysbench uses, alternating for `--rounds` rounds over both protocols: the medians, the ratio
//! sbgrant/root and its target (≥ 0.97×, issue 14: the cost of table-level privilege checks), the
//! median of the per-round ratios, and server CPU per query for both (steadier than QPS here).
//!
//! `--big` adds, on a fresh myseal only: the server's RSS growth from preparing a
//! `--big-size`-row table (default 1,000,000) against the raw size of sysbench rows
//! (4+4+120+60 bytes), and `oltp_point_select` QPS at that size against `--table-size` rows
//! (alternating, uniform random ids so the big table is really touched).
//!
//! sysbench 1.0 reads `cacert.pem`, `client-cert.pem` and `client-key.pem` from its working
//! directory with `--mysql-ssl=on`: it runs in a scratch directory holding copies of the dev
//! certificates. Without sysbench the whole part is skipped with a message; without `mariadbd`
//! the comparison is (and `--big` still runs). Load goes to 127.0.0.1 only and every sysbench
//! process is killed if it outlives its time bound.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use mysql_async::{OptsBuilder, SslOpts};

use crate::server::{self, Mariadb, Myseal, BENCH_PASSWORD, BENCH_USER};

/// The workloads and their targets (myseal/MariaDB QPS) from issue 12.
const WORKLOADS: [(&str, f64); 3] = [
    ("oltp_point_select", 1.5),
    ("oltp_read_only", 1.5),
    ("oltp_read_write", 2.0),
];

/// Protocols: name in the table, sysbench `--db-ps-mode`.
const MODES: [(&str, &str); 2] = [("text", "disable"), ("prepared", "auto")];

/// sysbench's `--tables`: every run uses `sbtest1` only.
const TABLES: usize = 1;

/// The account of the privilege-check comparison: only `SELECT` on each sysbench table.
const GRANT_USER: &str = "sbgrant";
const GRANT_PASSWORD: &str = "sbgrant-pw";

/// Target of issue 14: point selects as the table-grant account at ≥ 0.97× root's QPS.
const GRANT_TARGET: f64 = 0.97;

/// Raw bytes of one sysbench row: INT id, INT k, CHAR(120) c, CHAR(60) pad.
const RAW_ROW_BYTES: u64 = 4 + 4 + 120 + 60;

/// Options of the sysbench part.
pub(crate) struct Options {
    rounds: usize,
    time: u64,
    table_size: u64,
    threads: usize,
    big: bool,
    big_size: u64,
    workloads: Vec<&'static str>,
    ignore_errors: Option<String>,
}

impl Options {
    /// `--rounds N` (3), `--time S` (10), `--table-size N` (10000), `--threads N` (4), `--big`,
    /// `--big-size N` (1000000), `--workloads a,b|none` (all three), `--ignore-errors LIST`
    /// (sysbench's `--mysql-ignore-errors`; its default is 1213,1020,1205).
    pub(crate) fn parse(args: &[String]) -> Result<Options, String> {
        fn num<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
            crate::opt(args, name)
                .map(|s| s.parse().map_err(|_| format!("{name} takes a number")))
                .transpose()
                .map(|v| v.unwrap_or(default))
        }
        let workloads = match crate::opt(args, "--workloads") {
            None => WORKLOADS.iter().map(|w| w.0).collect(),
            Some("none") => Vec::new(),
            Some(list) => list
                .split(',')
                .map(|w| {
                    WORKLOADS
                        .iter()
                        .map(|x| x.0)
                        .find(|x| *x == w || x.strip_prefix("oltp_") == Some(w))
                        .ok_or_else(|| format!("unknown workload '{w}' in --workloads"))
                })
                .collect::<Result<_, _>>()?,
        };
        let o = Options {
            rounds: num(args, "--rounds", 3)?,
            time: num(args, "--time", 10)?,
            table_size: num(args, "--table-size", 10_000)?,
            threads: num(args, "--threads", 4)?,
            big: args.iter().any(|a| a == "--big"),
            big_size: num(args, "--big-size", 1_000_000)?,
            workloads,
            ignore_errors: crate::opt(args, "--ignore-errors").map(String::from),
        };
        if o.rounds == 0 || o.time == 0 || o.table_size == 0 || o.threads == 0 || o.big_size == 0 {
            return Err(
                "--rounds, --time, --table-size, --threads and --big-size must be > 0".into(),
            );
        }
        Ok(o)
    }
}

/// Runs SQL on a server with full privileges.
type Admin<'a> = Box<dyn Fn(&str) -> Result<(), String> + 'a>;

/// One server under load.
struct Target<'a> {
    name: &'static str,
    /// The account sysbench logs in as.
    user: &'a str,
    password: &'a str,
    port: u16,
    pid: u32,
    /// Runs SQL with full privileges.
    admin: Admin<'a>,
    /// The server's own log, printed after a failure (myseal only).
    log: Option<&'a std::sync::Mutex<Vec<String>>>,
}

/// What one sysbench run reported.
#[derive(Clone, Copy, Default)]
struct Stats {
    qps: f64,
    tps: f64,
    queries: u64,
    errors: u64,
    reconnects: u64,
    latency_avg_ms: f64,
    latency_p95_ms: f64,
}

#[derive(Clone, Copy)]
struct Sample {
    stats: Stats,
    /// Server CPU (user + system) per query.
    cpu_us_per_query: f64,
}

pub(crate) fn run(
    o: &Options,
    bin: &Path,
    certs: &Path,
    rt: &tokio::runtime::Runtime,
) -> Result<(), String> {
    println!();
    println!("== sysbench");
    let Some(sysbench) = server::which("sysbench") else {
        println!(
            "sysbench is not installed (apt-get install sysbench): the sysbench workloads are skipped"
        );
        return Ok(());
    };
    let dir = server::scratch("bench-sysbench");
    for (from, to) in [
        ("ca.pem", "cacert.pem"),
        ("client-cert.pem", "client-cert.pem"),
        ("client-key.pem", "client-key.pem"),
    ] {
        std::fs::copy(certs.join(from), dir.join(to)).map_err(|e| format!("copy {from}: {e}"))?;
    }
    let sb = Sysbench {
        exe: sysbench,
        dir,
        o,
    };
    if o.workloads.is_empty() {
        println!("--workloads none: the comparison with MariaDB is skipped");
    } else if server::mariadbd().is_none() {
        println!(
            "no MariaDB server installed (apt-get install mariadb-server): the sysbench comparison is skipped"
        );
    } else {
        compare(&sb, bin, certs, rt)?;
    }
    if o.workloads.contains(&"oltp_point_select") {
        privileges(&sb, bin, certs, rt)?;
    }
    if o.big {
        big(&sb, bin, certs, rt)?;
    }
    Ok(())
}

/// Issue 14's privilege-check cost, myseal only: `oltp_point_select` as root (global privileges)
/// and as an account that has only `GRANT SELECT` on each sysbench table, alternating.
fn privileges(
    sb: &Sysbench<'_>,
    bin: &Path,
    certs: &Path,
    rt: &tokio::runtime::Runtime,
) -> Result<(), String> {
    println!();
    println!(
        "== privilege checks: myseal oltp_point_select as root vs '{GRANT_USER}' (GRANT SELECT on the table only)"
    );
    let account = ["--app-user", BENCH_USER, "--app-password", BENCH_PASSWORD];
    let srv = Myseal::start(bin, certs, &account)?;
    let result = privileges_on(sb, &srv, certs, rt);
    srv.stop();
    result
}

fn privileges_on(
    sb: &Sysbench<'_>,
    srv: &Myseal,
    certs: &Path,
    rt: &tokio::runtime::Runtime,
) -> Result<(), String> {
    let o = sb.o;
    let targets = [
        Target {
            name: "root",
            user: "root",
            password: server::ROOT_PASSWORD,
            ..myseal_target(srv, certs, rt)
        },
        Target {
            name: "grants",
            user: GRANT_USER,
            password: GRANT_PASSWORD,
            ..myseal_target(srv, certs, rt)
        },
    ];
    let root = &targets[0];
    let mut extra = Vec::new();
    if !secondary_index_supported(root) {
        extra.push("--create_secondary=off".to_string());
    }
    (root.admin)("CREATE DATABASE IF NOT EXISTS sbtest")?;
    let out = sb.command(
        root,
        "sbtest",
        "oltp_read_write",
        o.table_size,
        &extra,
        "prepare",
        prepare_limit(o.table_size),
    )?;
    if !out.ok {
        return Err(format!("prepare: {}", out.failure(root.log)));
    }
    let mut grants = format!("CREATE USER '{GRANT_USER}'@'%' IDENTIFIED BY '{GRANT_PASSWORD}'");
    for i in 1..=TABLES {
        grants.push_str(&format!(
            "; GRANT SELECT ON sbtest.sbtest{i} TO '{GRANT_USER}'@'%'"
        ));
    }
    (root.admin)(&grants)?;
    // What the account holds, as it sees it (no global or database privilege).
    let shown = rt.block_on(async {
        let opts = OptsBuilder::default()
            .ip_or_hostname("localhost")
            .tcp_port(srv.port)
            .user(Some(GRANT_USER))
            .pass(Some(GRANT_PASSWORD))
            .prefer_socket(false)
            .ssl_opts(Some(
                SslOpts::default().with_root_certs(vec![certs.join("ca.pem").into()]),
            ));
        let mut c = mysql_async::Conn::new(opts)
            .await
            .map_err(|e| format!("login as {GRANT_USER}: {e}"))?;
        let rows: Vec<String> = c
            .query("SHOW GRANTS")
            .await
            .map_err(|e| format!("SHOW GRANTS as {GRANT_USER}: {e}"))?;
        let _ = c.disconnect().await;
        Ok::<_, String>(rows)
    })?;
    println!("{GRANT_USER}: SHOW GRANTS: {}", shown.join("; "));
    // Warm-up, not measured.
    for t in &targets {
        let _ = sb.command(
            t,
            "sbtest",
            "oltp_point_select",
            o.table_size,
            &[
                "--db-ps-mode=auto".into(),
                format!("--threads={}", o.threads),
                format!("--time={}", o.time.min(3)),
            ],
            "run",
            run_limit(o.time.min(3)),
        )?;
    }
    let mut samples: BTreeMap<(usize, usize), Vec<Sample>> = BTreeMap::new();
    for round in 0..o.rounds {
        let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for (m, (mode, ps)) in MODES.iter().enumerate() {
            for &i in &order {
                let t = &targets[i];
                let s = sb
                    .measure(t, "sbtest", "oltp_point_select", o.table_size, ps, &[])
                    .map_err(|e| format!("point select as {}, {mode}: {e}", t.user))?;
                println!(
                    "round {}: myseal oltp_point_select {mode:8} as {:7} {:9.0} QPS {:6.1} µs CPU/query  errors {} reconnects {}",
                    round + 1,
                    t.user,
                    s.stats.qps,
                    s.cpu_us_per_query,
                    s.stats.errors,
                    s.stats.reconnects
                );
                samples.entry((m, i)).or_default().push(s);
            }
        }
    }
    println!();
    println!(
        "sysbench 1.0, {} threads, {} s per run, {TABLES} table of {} rows, medians of {} alternating rounds, over TLS",
        o.threads, o.time, o.table_size, o.rounds
    );
    println!(
        "| myseal oltp_point_select | protocol | root QPS | '{GRANT_USER}' (table grants) QPS | grants/root | target | median of per-round ratios | root CPU µs/query | grants CPU µs/query | CPU root/grants |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (m, (mode, _)) in MODES.iter().enumerate() {
        let med = |i: usize, f: fn(&Sample) -> f64| {
            samples
                .get(&(m, i))
                .map(|v| median(v.iter().map(f)))
                .unwrap_or(0.0)
        };
        let (root_qps, grant_qps) = (med(0, |s| s.stats.qps), med(1, |s| s.stats.qps));
        let r = if root_qps > 0.0 {
            grant_qps / root_qps
        } else {
            0.0
        };
        // The two runs of a round are adjacent in time: their ratio drifts less than the medians.
        let paired = match (samples.get(&(m, 0)), samples.get(&(m, 1))) {
            (Some(a), Some(b)) => median(
                a.iter()
                    .zip(b)
                    .filter(|(a, _)| a.stats.qps > 0.0)
                    .map(|(a, b)| b.stats.qps / a.stats.qps),
            ),
            _ => 0.0,
        };
        let (root_cpu, grant_cpu) = (
            med(0, |s| s.cpu_us_per_query),
            med(1, |s| s.cpu_us_per_query),
        );
        println!(
            "| point select | {mode} | {root_qps:.0} | {grant_qps:.0} | {r:.3}×{} | ≥ {GRANT_TARGET}× | {paired:.3}× | {root_cpu:.1} | {grant_cpu:.1} | {:.3}× |",
            if r >= GRANT_TARGET { " ✓" } else { "" },
            if grant_cpu > 0.0 { root_cpu / grant_cpu } else { 0.0 },
        );
    }
    Ok(())
}

/// Both servers, every workload and protocol, alternating for `rounds` rounds.
fn compare(
    sb: &Sysbench<'_>,
    bin: &Path,
    certs: &Path,
    rt: &tokio::runtime::Runtime,
) -> Result<(), String> {
    let o = sb.o;
    let account = ["--app-user", BENCH_USER, "--app-password", BENCH_PASSWORD];
    let srv = Myseal::start(bin, certs, &account)?;
    let maria = match Mariadb::start(certs) {
        Ok(Some(m)) => m,
        Ok(None) => {
            println!("no MariaDB server installed: the sysbench comparison is skipped");
            srv.stop();
            return Ok(());
        }
        Err(e) => {
            srv.stop();
            return Err(format!("MariaDB: {e}"));
        }
    };
    let result = {
        let targets = [
            myseal_target(&srv, certs, rt),
            Target {
                name: "mariadb",
                user: BENCH_USER,
                password: BENCH_PASSWORD,
                port: maria.port,
                pid: maria.child.id(),
                admin: Box::new(|sql| maria.sql(sql)),
                log: None,
            },
        ];
        compare_on(sb, &targets, o)
    };
    srv.stop();
    maria.stop();
    result
}

fn compare_on(sb: &Sysbench<'_>, targets: &[Target<'_>; 2], o: &Options) -> Result<(), String> {
    let mut failures: Vec<String> = Vec::new();
    let secondary = secondary_index_supported(&targets[0]);
    let mut prepare_extra = Vec::new();
    if !secondary {
        prepare_extra.push("--create_secondary=off".to_string());
        println!(
            "myseal refuses CREATE INDEX: preparing both servers with --create_secondary=off (no index on k)"
        );
    }
    let mut ready = [false; 2];
    for (i, t) in targets.iter().enumerate() {
        (t.admin)(&format!(
            "CREATE DATABASE IF NOT EXISTS sbtest; GRANT ALL ON sbtest.* TO '{BENCH_USER}'@'%'"
        ))
        .map_err(|e| format!("{}: create database sbtest: {e}", t.name))?;
        let started = Instant::now();
        let out = sb.command(
            t,
            "sbtest",
            "oltp_read_write",
            o.table_size,
            &prepare_extra,
            "prepare",
            prepare_limit(o.table_size),
        )?;
        if out.ok {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "{}: prepared {} rows in {secs:.1} s ({:.0} rows/s)",
                t.name,
                o.table_size,
                o.table_size as f64 / secs
            );
            ready[i] = true;
        } else {
            failures.push(format!("{} prepare: {}", t.name, out.failure(t.log)));
        }
    }
    if !ready[0] || !ready[1] {
        print_failures(&failures);
        return Err("sysbench prepare failed".into());
    }
    // Warm-up, not measured: caches, allocator arenas, MariaDB's buffer pool.
    for t in targets {
        let _ = sb.command(
            t,
            "sbtest",
            "oltp_read_only",
            o.table_size,
            &[
                "--db-ps-mode=auto".into(),
                format!("--threads={}", o.threads),
                format!("--time={}", o.time.min(3)),
            ],
            "run",
            run_limit(o.time.min(3)),
        )?;
    }

    let mut samples: BTreeMap<(usize, usize, usize), Vec<Sample>> = BTreeMap::new();
    let mut failed: BTreeSet<(usize, usize, usize)> = BTreeSet::new();
    for round in 0..o.rounds {
        let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for (w, workload) in o.workloads.iter().enumerate() {
            for (m, (mode, ps)) in MODES.iter().enumerate() {
                for &s in &order {
                    if failed.contains(&(w, m, s)) {
                        continue;
                    }
                    let t = &targets[s];
                    match sb.measure(t, "sbtest", workload, o.table_size, ps, &[]) {
                        Ok(sample) => {
                            let st = sample.stats;
                            println!(
                                "round {}: {:7} {workload:17} {mode:8} {:9.0} QPS {:8.0} TPS {:6.1} µs CPU/query  lat avg {:.2} ms p95 {:.2} ms  errors {} reconnects {}",
                                round + 1,
                                t.name,
                                st.qps,
                                st.tps,
                                sample.cpu_us_per_query,
                                st.latency_avg_ms,
                                st.latency_p95_ms,
                                st.errors,
                                st.reconnects
                            );
                            samples.entry((w, m, s)).or_default().push(sample);
                        }
                        Err(e) => {
                            println!(
                                "round {}: {:7} {workload:17} {mode:8} FAILED (skipped from now on)",
                                round + 1,
                                t.name
                            );
                            failures.push(format!("{} {workload} {mode}: {e}", t.name));
                            failed.insert((w, m, s));
                            if !server::alive(t.pid) {
                                print_failures(&failures);
                                return Err(format!("{} died", t.name));
                            }
                        }
                    }
                }
            }
        }
    }

    println!();
    println!(
        "sysbench 1.0, {} threads, {} s per run, 1 table of {} rows{}, medians of {} alternating rounds, both over TLS",
        o.threads,
        o.time,
        o.table_size,
        if secondary { "" } else { " (no secondary index)" },
        o.rounds
    );
    println!(
        "| workload | protocol | myseal QPS | MariaDB QPS | myseal/MariaDB | target | myseal CPU µs/query | MariaDB CPU µs/query | errors+reconnects (myseal / MariaDB) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (w, workload) in o.workloads.iter().enumerate() {
        let target = WORKLOADS
            .iter()
            .find(|x| x.0 == *workload)
            .map(|x| x.1)
            .unwrap_or(1.0);
        for (m, (mode, _)) in MODES.iter().enumerate() {
            let get = |s: usize| samples.get(&(w, m, s)).filter(|v| !v.is_empty());
            let qps = |s: usize| get(s).map(|v| median(v.iter().map(|x| x.stats.qps)));
            let cpu = |s: usize| get(s).map(|v| median(v.iter().map(|x| x.cpu_us_per_query)));
            let errs = |s: usize| {
                get(s)
                    .map(|v| {
                        v.iter()
                            .map(|x| x.stats.errors + x.stats.reconnects)
                            .sum::<u64>()
                            .to_string()
                    })
                    .unwrap_or_else(|| "failed".into())
            };
            let fmt = |v: Option<f64>, p: usize| {
                v.map(|x| format!("{x:.p$}"))
                    .unwrap_or_else(|| "failed".into())
            };
            let ratio = match (qps(0), qps(1)) {
                (Some(a), Some(b)) if b > 0.0 => {
                    let r = a / b;
                    format!("{r:.2}×{}", if r >= target { " ✓" } else { "" })
                }
                _ => String::new(),
            };
            println!(
                "| {workload} | {mode} | {} | {} | {ratio} | ≥ {target}× | {} | {} | {} / {} |",
                fmt(qps(0), 0),
                fmt(qps(1), 0),
                fmt(cpu(0), 1),
                fmt(cpu(1), 1),
                errs(0),
                errs(1)
            );
        }
    }
    print_failures(&failures);
    Ok(())
}

/// `--big`: memory of a big table and point-select QPS at that size, myseal only.
fn big(
    sb: &Sysbench<'_>,
    bin: &Path,
    certs: &Path,
    rt: &tokio::runtime::Runtime,
) -> Result<(), String> {
    let o = sb.o;
    println!();
    println!(
        "== --big: myseal with {} rows vs {} rows",
        o.big_size, o.table_size
    );
    let account = ["--app-user", BENCH_USER, "--app-password", BENCH_PASSWORD];
    let srv = Myseal::start(bin, certs, &account)?;
    let result = big_on(sb, &myseal_target(&srv, certs, rt));
    srv.stop();
    result
}

fn big_on(sb: &Sysbench<'_>, t: &Target<'_>) -> Result<(), String> {
    let o = sb.o;
    let mut extra = Vec::new();
    if !secondary_index_supported(t) {
        extra.push("--create_secondary=off".to_string());
        println!("myseal refuses CREATE INDEX: preparing with --create_secondary=off");
    }
    (t.admin)(&format!(
        "CREATE DATABASE IF NOT EXISTS sbbig; CREATE DATABASE IF NOT EXISTS sbtest; GRANT ALL ON sbbig.* TO '{BENCH_USER}'@'%'; GRANT ALL ON sbtest.* TO '{BENCH_USER}'@'%'"
    ))?;
    std::thread::sleep(Duration::from_millis(300));
    let rss0 = server::rss_kib(t.pid).ok_or("cannot read myseal's RSS")?;
    let started = Instant::now();
    let out = sb.command(
        t,
        "sbbig",
        "oltp_read_write",
        o.big_size,
        &extra,
        "prepare",
        prepare_limit(o.big_size),
    )?;
    if !out.ok {
        return Err(format!(
            "prepare of {} rows: {}",
            o.big_size,
            out.failure(t.log)
        ));
    }
    let secs = started.elapsed().as_secs_f64();
    std::thread::sleep(Duration::from_secs(1));
    let rss1 = server::rss_kib(t.pid).ok_or("cannot read myseal's RSS")?;
    let raw_kib = (o.big_size * RAW_ROW_BYTES) as f64 / 1024.0;
    let grown = rss1.saturating_sub(rss0) as f64;
    println!(
        "myseal: prepared {} rows in {secs:.1} s ({:.0} rows/s)",
        o.big_size,
        o.big_size as f64 / secs
    );
    let out = sb.command(
        t,
        "sbtest",
        "oltp_read_write",
        o.table_size,
        &extra,
        "prepare",
        prepare_limit(o.table_size),
    )?;
    if !out.ok {
        return Err(format!(
            "prepare of {} rows: {}",
            o.table_size,
            out.failure(t.log)
        ));
    }
    let uniform = ["--rand-type=uniform".to_string()];
    let sizes = [("sbtest", o.table_size), ("sbbig", o.big_size)];
    let mut qps: BTreeMap<(usize, usize), Vec<Sample>> = BTreeMap::new();
    for round in 0..o.rounds {
        let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for (m, (mode, ps)) in MODES.iter().enumerate() {
            for &i in &order {
                let (db, rows) = sizes[i];
                let s = sb
                    .measure(t, db, "oltp_point_select", rows, ps, &uniform)
                    .map_err(|e| format!("point select on {rows} rows, {mode}: {e}"))?;
                println!(
                    "round {}: myseal oltp_point_select {mode:8} {rows:>8} rows {:9.0} QPS {:6.1} µs CPU/query",
                    round + 1,
                    s.stats.qps,
                    s.cpu_us_per_query
                );
                qps.entry((m, i)).or_default().push(s);
            }
        }
    }
    println!();
    println!(
        "| measure | value | target |\n|---|---|---|\n| myseal RSS growth for {} rows | {:.1} MiB (RSS {:.1} → {:.1} MiB) | |\n| raw sysbench data ({} B/row) | {:.1} MiB | |\n| RSS growth / raw | {:.2}× | < 2× |\n| RSS total / raw | {:.2}× | |",
        o.big_size,
        grown / 1024.0,
        rss0 as f64 / 1024.0,
        rss1 as f64 / 1024.0,
        RAW_ROW_BYTES,
        raw_kib / 1024.0,
        grown / raw_kib,
        rss1 as f64 / raw_kib,
    );
    for (m, (mode, _)) in MODES.iter().enumerate() {
        let med = |i: usize| {
            qps.get(&(m, i))
                .map(|v| median(v.iter().map(|x| x.stats.qps)))
                .unwrap_or(0.0)
        };
        let cpu = |i: usize| {
            qps.get(&(m, i))
                .map(|v| median(v.iter().map(|x| x.cpu_us_per_query)))
                .unwrap_or(0.0)
        };
        let (small, large) = (med(0), med(1));
        println!(
            "| point select {mode}, uniform ids: {} rows / {} rows | {large:.0} / {small:.0} QPS = {:.2} ({:.1} / {:.1} µs CPU/query) | ≥ 0.85 |",
            o.big_size,
            o.table_size,
            if small > 0.0 { large / small } else { 0.0 },
            cpu(1),
            cpu(0),
        );
    }
    Ok(())
}

/// The running myseal as a target; admin SQL goes through mysql_async as root over TLS.
fn myseal_target<'a>(
    srv: &'a Myseal,
    certs: &'a Path,
    rt: &'a tokio::runtime::Runtime,
) -> Target<'a> {
    let port = srv.port;
    Target {
        name: "myseal",
        user: BENCH_USER,
        password: BENCH_PASSWORD,
        port,
        pid: srv.child.id(),
        admin: Box::new(move |sql: &str| {
            rt.block_on(async {
                let opts = OptsBuilder::default()
                    .ip_or_hostname("localhost")
                    .tcp_port(port)
                    .user(Some("root"))
                    .pass(Some(server::ROOT_PASSWORD))
                    .prefer_socket(false)
                    .ssl_opts(Some(
                        SslOpts::default().with_root_certs(vec![certs.join("ca.pem").into()]),
                    ));
                let mut c = mysql_async::Conn::new(opts)
                    .await
                    .map_err(|e| e.to_string())?;
                let r = c.query_drop(sql).await.map_err(|e| e.to_string());
                let _ = c.disconnect().await;
                r
            })
        }),
        log: Some(&*srv.log),
    }
}

/// Whether the server accepts `CREATE INDEX` (sysbench's `CREATE INDEX k_1 ON sbtest1(k)`).
fn secondary_index_supported(t: &Target<'_>) -> bool {
    let r = (t.admin)(
        "CREATE DATABASE IF NOT EXISTS sbprobe; CREATE TABLE sbprobe.t (id INT NOT NULL PRIMARY KEY, k INT NOT NULL); CREATE INDEX k_1 ON sbprobe.t(k)",
    );
    let _ = (t.admin)("DROP DATABASE IF EXISTS sbprobe");
    match r {
        Ok(()) => true,
        Err(e) => {
            println!("{}: CREATE INDEX k_1 ON t(k): {e}", t.name);
            false
        }
    }
}

fn prepare_limit(rows: u64) -> Duration {
    Duration::from_secs(120 + rows / 500)
}

fn run_limit(time: u64) -> Duration {
    Duration::from_secs(time + 60)
}

fn print_failures(failures: &[String]) {
    if failures.is_empty() {
        return;
    }
    println!();
    println!("sysbench failures:");
    for f in failures {
        println!("- {f}");
    }
}

/// Median of a non-empty list (the mean of the middle two for an even count).
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

struct Sysbench<'a> {
    exe: PathBuf,
    /// Working directory with `cacert.pem`, `client-cert.pem`, `client-key.pem`.
    dir: PathBuf,
    o: &'a Options,
}

/// Output of one sysbench process.
struct Output {
    ok: bool,
    timed_out: bool,
    stdout: String,
    stderr: String,
}

impl Output {
    /// sysbench's error lines (FATAL/ALERT/error), shortened, plus the end of the server's log.
    fn failure(&self, log: Option<&std::sync::Mutex<Vec<String>>>) -> String {
        let mut lines: Vec<String> = self
            .stdout
            .lines()
            .chain(self.stderr.lines())
            .filter(|l| {
                let l = l.to_ascii_lowercase();
                l.contains("fatal") || l.contains("error") || l.contains("alert")
            })
            .map(shorten)
            .collect();
        lines.dedup();
        lines.truncate(8);
        if self.timed_out {
            lines.insert(0, "timed out (killed)".into());
        }
        if lines.is_empty() {
            lines.extend(self.stderr.lines().rev().take(5).map(shorten));
        }
        if let Some(Ok(log)) = log.map(|l| l.lock()) {
            let tail: Vec<String> = log
                .iter()
                .rev()
                .filter(|l| l.contains("ERROR") || l.contains("WARN") || l.contains("panic"))
                .take(3)
                .map(|l| shorten(l))
                .collect();
            if !tail.is_empty() {
                lines.push(format!("server log: {}", tail.join(" | ")));
            }
        }
        lines.join("\n    ")
    }
}

fn shorten(line: &str) -> String {
    let line = line.trim();
    match line.char_indices().nth(400) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line.to_string(),
    }
}

impl Sysbench<'_> {
    /// Runs `sysbench WORKLOAD ... COMMAND` against `t`, killed after `limit`.
    #[allow(clippy::too_many_arguments)]
    fn command(
        &self,
        t: &Target<'_>,
        db: &str,
        workload: &str,
        table_size: u64,
        extra: &[String],
        command: &str,
        limit: Duration,
    ) -> Result<Output, String> {
        let mut cmd = Command::new(&self.exe);
        cmd.current_dir(&self.dir)
            .arg(workload)
            .args([
                "--db-driver=mysql",
                "--mysql-host=127.0.0.1",
                "--mysql-ssl=on",
            ])
            .arg(format!("--mysql-port={}", t.port))
            .arg(format!("--mysql-user={}", t.user))
            .arg(format!("--mysql-password={}", t.password))
            .arg(format!("--mysql-db={db}"))
            .arg(format!("--tables={TABLES}"))
            .arg(format!("--table_size={table_size}"));
        if let Some(e) = &self.o.ignore_errors {
            cmd.arg(format!("--mysql-ignore-errors={e}"));
        }
        cmd.args(extra)
            .arg(command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| format!("sysbench: {e}"))?;
        let pipe = |r: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut s = String::new();
                if let Some(mut r) = r {
                    let mut b = Vec::new();
                    let _ = r.read_to_end(&mut b);
                    s = String::from_utf8_lossy(&b).into_owned();
                }
                s
            })
        };
        let out = pipe(child.stdout.take().map(|p| Box::new(p) as _));
        let err = pipe(child.stderr.take().map(|p| Box::new(p) as _));
        let deadline = Instant::now() + limit;
        let mut timed_out = false;
        let status = loop {
            if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
                break Some(s);
            }
            if Instant::now() > deadline {
                timed_out = true;
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Ok(Output {
            ok: status.is_some_and(|s| s.success()),
            timed_out,
            stdout: out.join().unwrap_or_default(),
            stderr: err.join().unwrap_or_default(),
        })
    }

    /// One measured run: sysbench's figures and the server's CPU per query.
    fn measure(
        &self,
        t: &Target<'_>,
        db: &str,
        workload: &str,
        table_size: u64,
        ps_mode: &str,
        extra: &[String],
    ) -> Result<Sample, String> {
        let mut args = vec![
            format!("--db-ps-mode={ps_mode}"),
            format!("--threads={}", self.o.threads),
            format!("--time={}", self.o.time),
        ];
        args.extend_from_slice(extra);
        let cpu0 = server::cpu_time(t.pid).ok_or("cannot read server CPU time")?;
        let out = self.command(
            t,
            db,
            workload,
            table_size,
            &args,
            "run",
            run_limit(self.o.time),
        )?;
        let cpu1 = server::cpu_time(t.pid).ok_or("cannot read server CPU time")?;
        if !out.ok {
            return Err(out.failure(t.log));
        }
        let stats = parse(&out.stdout)
            .ok_or_else(|| format!("cannot read sysbench's output: {}", shorten(&out.stdout)))?;
        let cpu = cpu1.saturating_sub(cpu0).as_secs_f64() * 1e6;
        Ok(Sample {
            stats,
            cpu_us_per_query: if stats.queries > 0 {
                cpu / stats.queries as f64
            } else {
                0.0
            },
        })
    }
}

/// Reads sysbench 1.0's report:
///
/// ```text
///     transactions:                        81052  (8104.47 per sec.)
///     queries:                             81052  (8104.47 per sec.)
///     ignored errors:                      0      (0.00 per sec.)
///     reconnects:                          0      (0.00 per sec.)
/// Latency (ms):
///          avg:                                    0.49
///          95th percentile:                        0.68
/// ```
fn parse(out: &str) -> Option<Stats> {
    let mut s = Stats::default();
    let mut found = false;
    // "N  (X per sec.)" → (N, X)
    let counts = |rest: &str| -> Option<(u64, f64)> {
        let n = rest.split_whitespace().next()?.parse().ok()?;
        let rate = rest
            .split('(')
            .nth(1)?
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        Some((n, rate))
    };
    let value = |rest: &str| rest.trim().parse::<f64>().ok();
    for line in out.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("queries:") {
            (s.queries, s.qps) = counts(rest)?;
            found = true;
        } else if let Some(rest) = line.strip_prefix("transactions:") {
            s.tps = counts(rest)?.1;
        } else if let Some(rest) = line.strip_prefix("ignored errors:") {
            s.errors = counts(rest)?.0;
        } else if let Some(rest) = line.strip_prefix("reconnects:") {
            s.reconnects = counts(rest)?.0;
        } else if let Some(rest) = line.strip_prefix("avg:") {
            s.latency_avg_ms = value(rest).unwrap_or(0.0);
        } else if let Some(rest) = line.strip_prefix("95th percentile:") {
            s.latency_p95_ms = value(rest).unwrap_or(0.0);
        }
    }
    found.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysbench_report_is_read() {
        let out = "SQL statistics:
    queries performed:
        read:                            81052
        write:                           0
        other:                           0
        total:                           81052
    transactions:                        81052  (8104.47 per sec.)
    queries:                             81053  (8104.57 per sec.)
    ignored errors:                      2      (0.00 per sec.)
    reconnects:                          1      (0.00 per sec.)

Latency (ms):
         min:                                    0.21
         avg:                                    0.49
         max:                                   12.93
         95th percentile:                        0.68
";
        let s = parse(out).unwrap();
        assert_eq!(s.queries, 81053);
        assert!((s.qps - 8104.57).abs() < 1e-9);
        assert!((s.tps - 8104.47).abs() < 1e-9);
        assert_eq!((s.errors, s.reconnects), (2, 1));
        assert!((s.latency_avg_ms - 0.49).abs() < 1e-9);
        assert!((s.latency_p95_ms - 0.68).abs() < 1e-9);
        assert!(parse("FATAL: error").is_none());
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median([3.0, 1.0, 2.0].into_iter()), 2.0);
        assert_eq!(median([4.0, 1.0, 2.0, 3.0].into_iter()), 2.5);
    }
}
