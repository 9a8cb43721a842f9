//! Starting the release `myseal` binary (and optionally a MariaDB server) for compat and bench runs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const ROOT_PASSWORD: &str = "xtask-root-pw";

/// Builds the release binary once.
pub(crate) fn build_release() -> Result<PathBuf, String> {
    // MYSEAL_BIN runs another build (e.g. a debug one) instead of building the release binary.
    if let Some(bin) = std::env::var_os("MYSEAL_BIN") {
        return Ok(PathBuf::from(bin));
    }
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "-p", "myseal", "--quiet"])
        .current_dir(crate::root())
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p myseal failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::root().join("target"));
    Ok(target.join("release").join("myseal"))
}

/// A running myseal process.
pub(crate) struct Myseal {
    pub(crate) child: Child,
    pub(crate) port: u16,
    /// Time from spawn to the "ready for connections" line.
    pub(crate) ready_after: Duration,
    /// The rest of the server's stderr, collected by a thread.
    pub(crate) log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Myseal {
    pub(crate) fn start(bin: &Path, certs: &Path, extra: &[&str]) -> Result<Myseal, String> {
        let started = Instant::now();
        let mut child = Command::new(bin)
            .args([
                "--port",
                "0",
                "--root-password",
                ROOT_PASSWORD,
                "--certs-dir",
            ])
            .arg(certs)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", bin.display()))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let mut port = None;
        for line in lines.by_ref() {
            let line = line.map_err(|e| e.to_string())?;
            if let Some(rest) = line.split("ready for connections: port=").nth(1) {
                port = rest.split_whitespace().next().and_then(|p| p.parse().ok());
                break;
            }
        }
        let ready_after = started.elapsed();
        let Some(port) = port else {
            let _ = child.kill();
            return Err("server exited before printing its ready line".into());
        };
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Ok(mut l) = sink.lock() {
                    l.push(line);
                }
            }
        });
        Ok(Myseal {
            child,
            port,
            ready_after,
            log,
        })
    }

    pub(crate) fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident set size of a process in KiB (Linux /proc).
pub(crate) fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// A fresh scratch directory under target/xtask.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = crate::root().join("target").join("xtask").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    dir
}

pub(crate) fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    })
}
