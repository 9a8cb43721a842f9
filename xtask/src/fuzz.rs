//! `cargo xtask fuzz [TARGET|all] [--time SECONDS] [--dev]`: coverage-guided fuzzing of the decoders, the
//! authentication state machine, the SQL front end and the certificate/config loaders.
//!
//! The targets live in `fuzz/` (its own workspace, never built by `cargo test --workspace`). They
//! are built by `cargo fuzz build --sanitizer none` (libFuzzer from `libfuzzer-sys`, SanitizerCoverage
//! through stable `-C passes=sancov-module` flags: no nightly needed) into `target/fuzz`, then each
//! binary runs for `--time` seconds (default 60) over a working corpus in `target/fuzz/corpus/<target>`
//! plus the committed seeds in `fuzz/corpus/<target>`. A crash, timeout or out-of-memory input is
//! written to `target/fuzz/artifacts/<target>/` and makes the command fail with its path and the
//! command that reproduces it.
//!
//! `--dev` builds without optimizations (`cargo fuzz build --dev`): a few times quicker to build from
//! cold on two cores and several times slower per input, which suits the short smoke run in CI. Runs
//! meant to find bugs leave it off (release, one codegen unit, as cargo fuzz defaults).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Every target, and the libFuzzer options it runs with.
const TARGETS: &[(&str, &[&str])] = &[
    ("wire", &["-max_len=4096"]),
    ("auth", &["-max_len=1024"]),
    // Short texts: a statement's cost grows with its length (a cross join of many tables), and
    // the harness cancels a statement after 500 ms anyway.
    ("sql", &["-max_len=512"]),
    ("certs", &["-max_len=8192"]),
    ("config", &["-max_len=2048"]),
];

/// Where the fuzz workspace builds (kept apart from the main workspace's target/).
fn target_dir() -> PathBuf {
    crate::root().join("target").join("fuzz")
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let seconds: u64 = match crate::opt(args, "--time") {
        Some(t) => t
            .parse()
            .map_err(|_| format!("--time takes whole seconds, got '{t}'"))?,
        None => 60,
    };
    let profile = if args.iter().any(|a| a == "--dev") {
        Profile::Dev
    } else {
        Profile::Release
    };
    let which = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--time"))
        .map_or("all", |(_, a)| a.as_str());
    let targets: Vec<&(&str, &[&str])> = if which == "all" {
        TARGETS.iter().collect()
    } else {
        match TARGETS.iter().find(|(name, _)| *name == which) {
            Some(t) => vec![t],
            None => {
                let names: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "unknown fuzz target '{which}' (expected all or one of {})",
                    names.join(", ")
                ));
            }
        }
    };
    ensure_cargo_fuzz()?;
    build(&targets, profile)?;
    let mut crashed = Vec::new();
    for (name, options) in targets {
        if let Some(reproducer) = fuzz_one(name, options, seconds, profile)? {
            crashed.push((*name, reproducer));
        }
    }
    if crashed.is_empty() {
        return Ok(());
    }
    for (name, reproducer) in &crashed {
        println!(
            "fuzz target {name} failed; reproducer: {}\n  rerun it: {} {}",
            reproducer.display(),
            binary(name, profile).display(),
            reproducer.display()
        );
    }
    Err(format!(
        "{} fuzz target(s) found a failing input",
        crashed.len()
    ))
}

/// Installs cargo-fuzz when `cargo fuzz` is missing.
fn ensure_cargo_fuzz() -> Result<(), String> {
    let present = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if present {
        return Ok(());
    }
    println!("== installing cargo-fuzz (cargo install cargo-fuzz --locked)");
    let status = Command::new("cargo")
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("cargo install cargo-fuzz failed".into())
    }
}

/// How the targets are compiled.
#[derive(Clone, Copy)]
enum Profile {
    /// cargo fuzz's default: optimized, one codegen unit.
    Release,
    /// `--dev`: unoptimized, quick to build.
    Dev,
}

/// Builds `targets` (all of them in one cargo run when there are several: they share every
/// dependency).
fn build(targets: &[&(&str, &[&str])], profile: Profile) -> Result<(), String> {
    let mut cmd = Command::new("cargo");
    // `cargo xtask` runs under `cargo run`, which sets the package's CARGO_MANIFEST_DIR and
    // CARGO_PKG_*: build scripts that watch them (ring's) would rebuild everything each time.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if [
            "CARGO_MANIFEST_",
            "CARGO_PKG_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
            "CARGO_PRIMARY_",
        ]
        .iter()
        .any(|p| key.starts_with(p))
        {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd.current_dir(crate::root())
        .args(["fuzz", "build", "--sanitizer", "none", "--fuzz-dir", "fuzz"])
        .arg("--target-dir")
        .arg(target_dir());
    if let Profile::Dev = profile {
        cmd.arg("--dev");
    }
    let label = match targets {
        [(name, _)] => {
            cmd.arg(name);
            *name
        }
        _ => "(all targets)",
    };
    println!("== cargo fuzz build --sanitizer none {label}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo fuzz build {label} failed"))
    }
}

/// The built libFuzzer binary of `name`.
fn binary(name: &str, profile: Profile) -> PathBuf {
    let dir = match profile {
        Profile::Release => "release",
        Profile::Dev => "debug",
    };
    target_dir().join(host_triple()).join(dir).join(name)
}

/// The host's target triple (cargo fuzz builds for it explicitly).
fn host_triple() -> String {
    Command::new("rustc")
        .arg("-vV")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        })
        .unwrap_or_else(|| "x86_64-unknown-linux-gnu".into())
}

/// Runs one target for `seconds`; `Some(path)` is the input that made it fail.
fn fuzz_one(
    name: &str,
    options: &[&str],
    seconds: u64,
    profile: Profile,
) -> Result<Option<PathBuf>, String> {
    let root = crate::root();
    let work = target_dir().join("corpus").join(name);
    let artifacts = target_dir().join("artifacts").join(name);
    let seeds = root.join("fuzz").join("corpus").join(name);
    for dir in [&work, &artifacts] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let before = listing(&artifacts);
    println!("== fuzz {name} for {seconds} s");
    let started = Instant::now();
    let binary = binary(name, profile);
    let output = Command::new(&binary)
        .current_dir(&root)
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        // A unit taking a minute is a hang even for an unoptimized build on a loaded machine.
        .args(["-timeout=60", "-rss_limit_mb=2048", "-print_final_stats=1"])
        .args(options)
        .arg(&work)
        .arg(&seeds)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let execs = stat(&log, "stat::number_of_executed_units:");
    let rate = stat(&log, "stat::average_exec_per_sec:");
    let cov = log
        .lines()
        .rev()
        .find_map(|l| {
            l.split_once(" cov: ")
                .map(|(_, r)| r.split(' ').next().unwrap_or("?"))
        })
        .unwrap_or("?");
    println!(
        "   {name}: {execs} runs in {:.0} s ({rate} exec/s), coverage {cov}, corpus {}",
        started.elapsed().as_secs_f64(),
        std::fs::read_dir(&work).map_or(0, Iterator::count)
    );
    if output.status.success() {
        return Ok(None);
    }
    // Show libFuzzer's report (the panic message and the stack) before the verdict.
    let tail: Vec<&str> = log.lines().rev().take(60).collect();
    for line in tail.into_iter().rev() {
        eprintln!("   | {line}");
    }
    let new = listing(&artifacts)
        .into_iter()
        .find(|p| !before.contains(p))
        .unwrap_or_else(|| artifacts.clone());
    Ok(Some(new))
}

/// The files of `dir`.
fn listing(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// The value of libFuzzer's `-print_final_stats` line `key`.
fn stat<'a>(log: &'a str, key: &str) -> &'a str {
    log.lines()
        .find_map(|l| l.strip_prefix(key))
        .map_or("?", str::trim)
}
