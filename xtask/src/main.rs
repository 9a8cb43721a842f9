//! `cargo xtask <command>`: developer automation for myseal.
//!
//! - `certs [--dir DIR] [--client NAME] [--revoke NAME]`: generate the dev CA/server/client certificates
//!   (or issue another client certificate signed by the dev CA; or write `crl.pem` revoking `NAME-cert.pem`).
//! - `compat`: start the release server and connect with real third-party clients (mariadb/mysql CLI,
//!   PyMySQL, mysql-connector-python), checking TLS, refusals and errors. Prints `N passed, M failed`.
//! - `bench [--parts basic,connect,sysbench | --sysbench-only | --connect-only] [--connections N]
//!   [--myseal-bin PATH] [--rounds N] [--connect-count N] [--connect-loops N] [--time S] [--table-size N]
//!   [--threads N] [--workloads LIST|none] [--ignore-errors LIST] [--big [--big-size N]]`:
//!   `basic`: start-to-first-query time, memory per idle TLS connection, N concurrent connections;
//!   `connect`: the rate of fresh verified-TLS connections (connect + authenticate + `SELECT 1` + close),
//!   with full handshakes and with TLS session resumption, and server CPU per connection; `sysbench`:
//!   sysbench's OLTP workloads (text and prepared) against myseal and MariaDB over TLS with the ratios,
//!   myseal's point selects as root vs an account with table grants only, and with `--big` the memory
//!   and point-select rate of a 1,000,000-row table. All parts by default. Compared with a MariaDB
//!   server when one is installed; the sysbench part is skipped with a message when sysbench is missing.
//! - `slt [--filter SUBSTR] [--dir DIR] [--max-failures-shown N] [--timeout SECS]`: run the sqllogictest
//!   corpus (`tests/slt`, or DIR) against the release server over verified TLS, each file in a fresh
//!   database; prints `passed/run (pct%)  path` per file with its first N failures (default 3), then a total.
//!   A report, not a gate: exits 0 unless the server died.
//! - `fuzz [TARGET|all] [--time SECONDS] [--dev]`: build the libFuzzer targets of `fuzz/` with `cargo fuzz
//!   --sanitizer none` (stable Rust; cargo-fuzz is installed when missing) and run each (wire, auth,
//!   sql, certs, config) for SECONDS (default 60) over its seeds in `fuzz/corpus/<target>`; fails
//!   with the reproducer's path when an input crashes, hangs or runs out of memory.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bench;
mod clients;
mod compat;
mod connect;
mod dump;
mod fuzz;
mod outcome;
mod server;
mod slt;
mod sysbench;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("usage: cargo xtask <certs|compat|bench|slt|fuzz> [options]");
        return ExitCode::from(2);
    };
    let rest = &args[1..];
    let result = match cmd.as_str() {
        "certs" => certs(rest),
        "compat" => compat::run(rest),
        "bench" => bench::run(rest),
        "slt" => slt::run(rest),
        "fuzz" => fuzz::run(rest),
        other => Err(format!(
            "unknown command '{other}' (expected certs, compat, bench, slt or fuzz)"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The value after `--name` in `args`.
pub(crate) fn opt<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// The workspace root (xtask lives one level below it).
pub(crate) fn root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent().map(PathBuf::from).unwrap_or(dir)
}

fn certs(args: &[String]) -> Result<(), String> {
    let dir = opt(args, "--dir")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("certs"));
    let dev = myseal_tls::ensure_dev_certs(&dir).map_err(|e| e.to_string())?;
    println!(
        "{} dev certificates in {}",
        if dev.created { "generated" } else { "reusing" },
        dir.display()
    );
    if let Some(name) = opt(args, "--client") {
        let cert = dir.join(format!("{name}-cert.pem"));
        let key = dir.join(format!("{name}-key.pem"));
        myseal_tls::issue_cert(&dev.ca_cert, &dev.ca_key, name, true, &cert, &key)
            .map_err(|e| e.to_string())?;
        println!(
            "issued client certificate CN={name}: {} {}",
            cert.display(),
            key.display()
        );
    }
    if let Some(name) = opt(args, "--revoke") {
        let cert = dir.join(format!("{name}-cert.pem"));
        let crl = dir.join("crl.pem");
        myseal_tls::write_crl(&dev.ca_cert, &dev.ca_key, &[cert.as_path()], &crl)
            .map_err(|e| e.to_string())?;
        println!(
            "{} revokes {}; start the server with --ssl-crl={0} (or SET GLOBAL ssl_crl and ALTER INSTANCE RELOAD TLS)",
            crl.display(),
            cert.display()
        );
    }
    Ok(())
}
