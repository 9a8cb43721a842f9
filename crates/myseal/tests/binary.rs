//! The real `myseal` binary: ready line, clean shutdown on SIGTERM, refusing to start without a root
//! password choice, and the handshake trace.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::zombie_processes)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn certs_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("myseal-bin-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Starts the binary and returns it with its port and a channel of the remaining stderr lines.
fn start(extra: &[&str], certs: &std::path::Path) -> (Child, u16, String, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_myseal"))
        .args(["--port", "0", "--root-password", "pw", "--certs-dir"])
        .arg(certs)
        .args(extra)
        .env_remove("MYSQL_ROOT_PASSWORD")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("ready line");
        if let Some(rest) = line.split("ready for connections: ").nth(1) {
            let port = rest
                .strip_prefix("port=")
                .and_then(|r| r.split_whitespace().next())
                .and_then(|p| p.parse().ok())
                .unwrap();
            return (child, port, rest.to_string(), rx);
        }
    }
}

fn terminate(mut child: Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "server did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn prints_the_ready_line_greets_and_stops_cleanly_on_sigterm() {
    let certs = certs_dir("ready");
    let (child, port, ready, _rx) = start(&[], &certs);
    assert!(
        ready.contains("tls=on require_secure_transport=ON ca="),
        "{ready}"
    );
    assert!(ready.ends_with("ca.pem"), "{ready}");
    assert!(certs.join("ca.pem").is_file() && certs.join("client-key.pem").is_file());
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut head = [0u8; 5];
    s.read_exact(&mut head).unwrap();
    assert_eq!(head[4], 10, "protocol version 10");
    drop(s);
    assert!(terminate(child).success());
    // Second start reuses the certificates.
    let before = std::fs::read(certs.join("ca.pem")).unwrap();
    let (child, _, _, _rx) = start(&[], &certs);
    assert!(terminate(child).success());
    assert_eq!(before, std::fs::read(certs.join("ca.pem")).unwrap());
    let _ = std::fs::remove_dir_all(&certs);
}

#[test]
fn refuses_to_start_without_a_root_password_choice() {
    let out = Command::new(env!("CARGO_BIN_EXE_myseal"))
        .args(["--port", "0"])
        .env_remove("MYSQL_ROOT_PASSWORD")
        .env_remove("MYSQL_ALLOW_EMPTY_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("MYSQL_ROOT_PASSWORD"), "{err}");
}

#[test]
fn trace_handshake_logs_each_step_without_secrets() {
    let certs = certs_dir("trace");
    let (child, port, _, rx) = start(&["--trace-handshake"], &certs);
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut greeting = [0u8; 4];
    s.read_exact(&mut greeting).unwrap();
    // A plain HandshakeResponse41 is not needed: garbage is refused with a traced reason.
    s.write_all(&[3, 0, 0, 1, 0xff, 0xff, 0xff]).unwrap();
    let mut rest = Vec::new();
    let _ = s.read_to_end(&mut rest);
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !seen.iter().any(|l: &String| l.contains("state=REFUSED")) {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(l) => seen.push(l),
            Err(_) => panic!("no REFUSED trace line; saw {seen:#?}"),
        }
    }
    let all = seen.join("\n");
    assert!(all.contains("state=CONNECTED"), "{all}");
    assert!(all.contains("state=GREETING_SENT"), "{all}");
    assert!(all.contains("Bad handshake"), "{all}");
    assert!(terminate(child).success());
    let _ = std::fs::remove_dir_all(&certs);
}
