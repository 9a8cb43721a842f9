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

/// The same non-root account on myseal and MariaDB (MariaDB's install creates several root accounts).
pub(crate) const BENCH_USER: &str = "bench";
pub(crate) const BENCH_PASSWORD: &str = "bench-pw";

/// The MariaDB (or MySQL) server binary, when one is installed.
pub(crate) fn mariadbd() -> Option<PathBuf> {
    ["mariadbd", "mysqld"].into_iter().find_map(|b| {
        which(b).or_else(|| Some(Path::new("/usr/sbin").join(b)).filter(|p| p.is_file()))
    })
}

/// A throwaway MariaDB server in a scratch data directory, with the same certificates as myseal,
/// `require_secure_transport=ON`, the bench account with all privileges, and root reachable
/// (without a password) only through its Unix socket. InnoDB keeps its defaults (128 MiB buffer
/// pool, redo log flushed at every commit); there is no binary log.
pub(crate) struct Mariadb {
    pub(crate) child: Child,
    pub(crate) port: u16,
    sock: PathBuf,
}

impl Mariadb {
    /// Starts a fresh server; `Ok(None)` when no MariaDB/MySQL server is installed.
    pub(crate) fn start(certs: &Path) -> Result<Option<Mariadb>, String> {
        let Some(mariadbd) = mariadbd() else {
            return Ok(None);
        };
        let Some(install) = which("mariadb-install-db").or_else(|| which("mysql_install_db"))
        else {
            return Ok(None);
        };
        let dir = scratch("bench-mariadb");
        let data = dir.join("data");
        let sock = dir.join("sock");
        let out = Command::new(install)
            .arg(format!("--datadir={}", data.display()))
            .args([
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--user=root",
            ])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "mariadb-install-db: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let port = free_port()?;
        let child = Command::new(mariadbd)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", sock.display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--user=root",
                "--skip-name-resolve",
                "--max-connections=5000",
            ])
            .arg(format!("--ssl-ca={}", certs.join("ca.pem").display()))
            .arg(format!(
                "--ssl-cert={}",
                certs.join("server-cert.pem").display()
            ))
            .arg(format!(
                "--ssl-key={}",
                certs.join("server-key.pem").display()
            ))
            .arg("--require-secure-transport=ON")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut m = Mariadb { child, port, sock };
        let deadline = Instant::now() + Duration::from_secs(30);
        let sql = format!(
            "CREATE USER IF NOT EXISTS '{BENCH_USER}'@'%' IDENTIFIED BY '{BENCH_PASSWORD}'; GRANT ALL ON *.* TO '{BENCH_USER}'@'%';"
        );
        loop {
            if m.sql(&sql).is_ok() {
                return Ok(Some(m));
            }
            if Instant::now() > deadline || matches!(m.child.try_wait(), Ok(Some(_))) {
                let _ = m.child.kill();
                let _ = m.child.wait();
                return Err("mariadbd did not become ready".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs SQL as root through the Unix socket with the `mariadb` (or `mysql`) client.
    pub(crate) fn sql(&self, sql: &str) -> Result<(), String> {
        let client = which("mariadb")
            .or_else(|| which("mysql"))
            .ok_or("no mariadb/mysql client installed")?;
        let out = Command::new(client)
            .arg(format!("--socket={}", self.sock.display()))
            .args(["-u", "root", "-e", sql])
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    pub(crate) fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// User plus system CPU time of a process so far (fields 14 and 15 of `/proc/PID/stat`).
pub(crate) fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    let ticks = clock_ticks();
    Some(Duration::from_secs_f64(
        (utime + stime) as f64 / ticks as f64,
    ))
}

/// `sysconf(_SC_CLK_TCK)` through `getconf` (no libc binding here); 100 on Linux in practice.
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// Whether a process still runs (exists and is not a zombie).
pub(crate) fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            let rest = s.get(s.rfind(')')? + 1..)?.trim_start().to_string();
            rest.chars().next()
        })
        .is_some_and(|state| state != 'Z' && state != 'X')
}
