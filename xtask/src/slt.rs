//! `cargo xtask slt [--filter SUBSTR] [--dir DIR] [--max-failures-shown N] [--timeout SECS]`: the
//! sqllogictest corpus against the release server, as a report.
//!
//! Every `.test` / `.slt` file under DIR (default `tests/slt`: SQLite's corpus in `sqlite/` and our own in
//! `mysql/`) whose path contains SUBSTR runs in a database of its own, over TLS verified against the dev CA.
//! One line per file (`passed/run (pct%)  path`) with its first N failures (default 3) indented under it,
//! then a total line. Exits 0 whatever the pass rate; non-zero only when the server died or could not be
//! used. A statement that does not answer within the timeout (default 30 s) fails its record.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use myseal_slt::mysql::run_in_fresh_database;
use myseal_slt::{parse_file, total_line, FileReport, RunConfig};
use mysql_async::{Opts, OptsBuilder, SslOpts};

use crate::server::{self, Myseal, ROOT_PASSWORD};

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let filter = crate::opt(args, "--filter").unwrap_or("");
    let dir = crate::opt(args, "--dir")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("tests").join("slt"));
    let shown: usize = number_opt(args, "--max-failures-shown", 3)?;
    let timeout = Duration::from_secs(number_opt(args, "--timeout", 30)?);

    let mut files = Vec::new();
    collect(&dir, &mut files).map_err(|e| format!("{}: {e}", dir.display()))?;
    files.sort();
    let files: Vec<(PathBuf, String)> = files
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(&dir).unwrap_or(&p).display().to_string();
            (p, name)
        })
        .filter(|(_, name)| name.contains(filter))
        .collect();
    if files.is_empty() {
        return Err(format!(
            "no .test/.slt file under {} matches '{filter}'",
            dir.display()
        ));
    }

    let bin = server::build_release()?;
    let certs = server::scratch("slt-certs");
    myseal_tls::ensure_dev_certs(&certs).map_err(|e| e.to_string())?;
    let mut srv = Myseal::start(&bin, &certs, &[])?;
    println!(
        "myseal on 127.0.0.1:{}; {} files from {}",
        srv.port,
        files.len(),
        dir.display()
    );
    let opts: Opts = OptsBuilder::default()
        .ip_or_hostname("localhost")
        .tcp_port(srv.port)
        .user(Some("root"))
        .pass(Some(ROOT_PASSWORD))
        .prefer_socket(false)
        .ssl_opts(Some(
            SslOpts::default().with_root_certs(vec![certs.join("ca.pem").into()]),
        ))
        .into();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let config = RunConfig {
        max_failures_kept: shown,
        ..RunConfig::default()
    };

    let started = Instant::now();
    let mut reports: Vec<FileReport> = Vec::new();
    let mut problem = None;
    for (i, (path, name)) in files.iter().enumerate() {
        let script = match parse_file(path, name) {
            Ok(s) => s,
            Err(e) => {
                println!("PARSE ERROR  {e}");
                continue;
            }
        };
        let result = rt.block_on(run_in_fresh_database(
            opts.clone(),
            timeout,
            &format!("slt_{i}"),
            &script,
            &config,
        ));
        let died = srv.child.try_wait().ok().flatten();
        match result {
            Ok(report) => {
                println!("{}", report.summary_line());
                if shown > 0 {
                    print!("{}", report.failures_text());
                }
                reports.push(report);
            }
            Err(e) => println!("ERROR  {name}: {e}"),
        }
        if let Some(status) = died {
            problem = Some(format!("the server exited ({status}) while running {name}"));
            break;
        }
    }
    println!(
        "{}  in {:.1}s",
        total_line(&reports),
        started.elapsed().as_secs_f64()
    );
    if let Some(problem) = problem {
        println!("--- server log (last 40 lines) ---");
        if let Ok(l) = srv.log.lock() {
            for line in l.iter().skip(l.len().saturating_sub(40)) {
                println!("{line}");
            }
        }
        return Err(problem);
    }
    srv.stop();
    Ok(())
}

fn number_opt<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match crate::opt(args, name) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name} takes a number, not '{v}'")),
    }
}

/// Every `.test` / `.slt` file under `dir`, recursively.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "test" || e == "slt") {
            out.push(path);
        }
    }
    Ok(())
}
