//! Hostile clients at the transport level (issue 13): thousands of half-open connections,
//! TLS connections that vanish in the middle of authentication, a client that stops reading a
//! 100 MB result (server memory stays bounded), TLS renegotiation attempts, random bytes
//! instead of TLS, and statements built to exhaust the parser and binder. After each, a
//! verified-TLS client is served normally and the connection count returns to its baseline.
//!
//! The tests that count file descriptors or measure the process's memory run alone in a child
//! process (this test binary re-run with `--exact NAME --include-ignored`), so the other tests
//! of the binary, which run at the same time in other threads, neither share the descriptor
//! limit nor move the resident set size.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use tokio::io::AsyncWriteExt;

use crate::util::{self, err_of, Raw, ROOT_PASSWORD};

/// The longest a test run alone may take (it takes seconds here) before it is stopped as hung.
const ALONE_LIMIT: Duration = Duration::from_secs(420);

/// Runs the ignored test `name` alone in a child process with at least `nofile` file
/// descriptors allowed, and fails with its output unless it passed.
pub(crate) fn run_alone(name: &str, nofile: u64) {
    // The child reuses this process's certificates instead of generating its own.
    let certs = util::certs();
    // This very binary, even if a rebuild has since replaced the file.
    let exe = format!("/proc/{}/exe", std::process::id());
    // `ulimit -Sn` raises the soft limit up to the hard one; past that the child says so.
    let script = format!(
        "soft=$(ulimit -Sn); if [ \"$soft\" != unlimited ] && [ \"$soft\" -lt {nofile} ]; then \
           ulimit -Sn {nofile} || {{ echo \"RLIMIT_NOFILE: need {nofile} descriptors, \
           the soft limit is $soft and the hard limit $(ulimit -Hn)\" >&2; exit 3; }}; fi; \
         exec \"$0\" \"$@\""
    );
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(exe)
        .args([
            "--exact",
            name,
            "--include-ignored",
            "--test-threads=1",
            "--nocapture",
        ])
        .env(util::CERTS_ENV, &certs.dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read both pipes while waiting, so a chatty child never blocks on a full pipe.
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = r {
                let _ = r.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out_reader = drain(child.stdout.take().map(|s| Box::new(s) as _));
    let err_reader = drain(child.stderr.take().map(|s| Box::new(s) as _));
    let deadline = Instant::now() + ALONE_LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            // A hang: where every thread of the child is, then the child ends.
            let stacks = util::thread_dump(child.id());
            let _ = child.kill();
            let _ = child.wait();
            let stdout =
                String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
            let stderr =
                String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
            panic!(
                "{name} did not end within {} s; its threads:\n{stacks}\n{stdout}\n{stderr}",
                ALONE_LIMIT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = std::process::Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{name} failed:\n{stdout}\n{stderr}");
    // The child ran the test (a filter that matched nothing would also succeed).
    assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
    println!("{stdout}");
}

/// This process's resident set size in bytes (`VmRSS` in /proc/self/status).
pub(crate) fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status");
    kb * 1024
}

/// A verified-TLS mysql_async client as root, within `within`.
async fn served_within(port: u16, within: Duration) -> mysql_async::Conn {
    let started = Instant::now();
    let mut c = tokio::time::timeout(within, util::root_conn(port))
        .await
        .unwrap_or_else(|_| panic!("a verified-TLS client was not served within {within:?}"));
    let one: Option<i64> = c.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    println!("verified-TLS client served in {:?}", started.elapsed());
    c
}

// ---------------------------------------------------------------------------------------------
// 5,000 half-open connections.

const HALF_OPEN: usize = 5000;

/// `n` connections to `port`: even ones connect and send nothing, odd ones send the first 12
/// bytes of a 36-byte SSLRequest packet and stop.
async fn half_open(port: u16, n: usize) -> Vec<tokio::net::TcpStream> {
    let partial_ssl_request = [32u8, 0, 0, 1, 0x0d, 0xa2, 0x0b, 0, 0, 0, 0, 1];
    let mut conns = Vec::with_capacity(n);
    for i in 0..n {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap_or_else(|e| panic!("half-open connection {i}: {e}"));
        if i % 2 == 1 {
            s.write_all(&partial_ssl_request).await.unwrap();
        }
        conns.push(s);
    }
    conns
}

#[test]
fn five_thousand_half_open_connections_lock_nobody_out_for_long() {
    // Both ends of every connection live in the child: two descriptors each, plus slack.
    run_alone(
        "hostile_clients::five_thousand_half_open_connections_alone",
        2 * HALF_OPEN as u64 + 1024,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run alone in a child process by five_thousand_half_open_connections_lock_nobody_out_for_long"]
async fn five_thousand_half_open_connections_alone() {
    let mut config = util::config();
    config.max_connections = 2 * HALF_OPEN;
    let server = util::start(config).await;
    let port = server.local_addr().port();
    let baseline = server.connections();

    // With room in max_connections, 5,000 connections in the connection phase (each holding
    // a slot, as in MySQL) do not keep a real client waiting.
    let started = Instant::now();
    let conns = half_open(port, HALF_OPEN).await;
    util::wait_for_connections(&server, baseline + HALF_OPEN as u64).await;
    println!(
        "{HALF_OPEN} half-open connections in {:?}",
        started.elapsed()
    );
    let mut c = served_within(port, Duration::from_secs(5)).await;
    assert_eq!(server.connections(), baseline + HALF_OPEN as u64 + 1);
    let (_, threads): (String, u64) = c
        .query_first("SHOW GLOBAL STATUS LIKE 'Threads_connected'")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(threads, baseline + HALF_OPEN as u64 + 1);
    drop(c);
    // Closed by the client: every slot comes back.
    drop(conns);
    util::wait_for_connections(&server, baseline).await;

    // At the default max_connections the half-open connections fill every slot (the rest get
    // ERROR 1040 at once); connect_timeout cuts them, so a real client is locked out at most
    // that long.
    let mut admin = served_within(port, Duration::from_secs(5)).await;
    admin
        .query_drop("SET GLOBAL max_connections = 151")
        .await
        .unwrap();
    admin
        .query_drop("SET GLOBAL connect_timeout = 2")
        .await
        .unwrap();
    drop(admin);
    util::wait_for_connections(&server, baseline).await;
    let opened = Instant::now();
    let conns = half_open(port, HALF_OPEN).await;
    println!(
        "{HALF_OPEN} more half-open connections in {:?}",
        opened.elapsed()
    );
    let mut c = loop {
        match mysql_async::Conn::new(util::mysql_async_opts(
            port,
            "root",
            ROOT_PASSWORD,
            Some(util::verified_ssl()),
        ))
        .await
        {
            Ok(c) => break c,
            Err(e) => {
                assert_eq!(util::server_code(&e), Some(1040), "{e:?}");
                assert!(
                    opened.elapsed() < Duration::from_secs(2 + 4),
                    "locked out for longer than connect_timeout (2 s) allows"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    };
    println!("served {:?} after the second burst began", opened.elapsed());
    let one: Option<i64> = c.query_first("SELECT 1").await.unwrap();
    assert_eq!(one, Some(1));
    drop(c);
    drop(conns);
    util::wait_for_connections(&server, baseline).await;
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// TLS connections that end in the middle of authentication.

/// How a client ends its connection.
#[derive(Clone, Copy, Debug)]
enum Close {
    /// TLS close_notify, then FIN.
    Notify,
    /// FIN without close_notify.
    Drop,
    /// A TCP RST (SO_LINGER 0).
    Reset,
}

/// How far a client gets before it goes away.
#[derive(Clone, Copy, Debug)]
enum Stage {
    /// TLS is up; no HandshakeResponse41.
    AfterTls,
    /// A correct caching_sha2 scramble (the fast path: the answer is the fast-auth notice and
    /// OK, which the client never reads).
    RightScramble,
    /// A wrong scramble: the server asks for the full password, which never comes.
    WrongScramble,
    /// The password for full authentication is sent; the verdict is never read.
    FullPassword,
    /// A HandshakeResponse41 naming mysql_native_password: the server sends an auth switch,
    /// which is never answered.
    AuthSwitch,
    /// A user with no account (the decoy exchange).
    UnknownUser,
}

async fn end_mid_auth(port: u16, stage: Stage, close: Close) {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    if matches!(close, Close::Reset) {
        tcp.set_zero_linger().unwrap();
    }
    let mut raw = Raw::from_stream(Box::new(tcp));
    let g = raw.greeting().await;
    raw.start_tls(util::ca()).await.unwrap();
    let nonce = &g.auth_plugin_data;
    match stage {
        Stage::AfterTls => {}
        Stage::RightScramble => raw.send_response("root", ROOT_PASSWORD, nonce, true).await,
        Stage::WrongScramble => raw.send_response("root", "wrong", nonce, true).await,
        Stage::FullPassword => {
            raw.send_response("root", "wrong", nonce, true).await;
            let p = raw.read().await.expect("auth more data");
            assert_eq!(p.payload.as_ref(), &[1, 4], "{:?}", err_of(&p));
            raw.write(b"wrong\0").await;
        }
        Stage::AuthSwitch => {
            let mut out = Vec::new();
            myseal_wire::connect::HandshakeResponse41 {
                capability_flags: util::client_caps(),
                max_packet_size: 1 << 24,
                character_set: 255,
                username: "root".into(),
                auth_response: vec![0x55; 20],
                database: None,
                auth_plugin_name: Some("mysql_native_password".into()),
                connect_attrs: Vec::new(),
                zstd_compression_level: None,
            }
            .encode(&mut out);
            raw.write(&out).await;
        }
        Stage::UnknownUser => raw.send_response("nobody", "pw", nonce, true).await,
    }
    match close {
        Close::Notify => {
            let _ = raw.s.shutdown().await;
        }
        Close::Drop | Close::Reset => {}
    }
    drop(raw);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_connections_that_end_mid_authentication_leave_nothing_behind() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    // Caches root's digest, so a right scramble takes the fast path.
    let mut watcher = served_within(port, Duration::from_secs(10)).await;
    let baseline = server.connections();
    let status = |name: &'static str| format!("SHOW GLOBAL STATUS LIKE '{name}'");
    let (_, aborted_before): (String, u64) = watcher
        .query_first(status("Aborted_connects"))
        .await
        .unwrap()
        .unwrap();
    let stages = [
        Stage::AfterTls,
        Stage::RightScramble,
        Stage::WrongScramble,
        Stage::FullPassword,
        Stage::AuthSwitch,
        Stage::UnknownUser,
    ];
    let mut pre_auth = 0;
    for stage in stages {
        for close in [Close::Notify, Close::Drop, Close::Reset] {
            end_mid_auth(port, stage, close).await;
            if !matches!(stage, Stage::RightScramble) {
                pre_auth += 1;
            }
        }
    }
    // Every connection is gone, none counted twice or leaked.
    util::wait_for_connections(&server, baseline).await;
    let (_, threads): (String, u64) = watcher
        .query_first(status("Threads_connected"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(threads, baseline);
    // Every one that ended before authentication finished is an aborted connect (a wrong
    // password that reached its verdict is one too). The fast-path logins that were
    // established and then vanished are not.
    let (_, aborted): (String, u64) = watcher
        .query_first(status("Aborted_connects"))
        .await
        .unwrap()
        .unwrap();
    // A fast-path login whose client reset the connection may fail to send its OK and so
    // count as aborted too.
    let delta = aborted - aborted_before;
    assert!(
        (pre_auth..=pre_auth + 3).contains(&delta),
        "Aborted_connects grew by {delta}, expected {pre_auth} to {}",
        pre_auth + 3
    );
    drop(watcher);
    let mut c = served_within(port, Duration::from_secs(5)).await;
    let n: Option<i64> = c
        .query_first("SELECT COUNT(*) FROM mysql.user")
        .await
        .unwrap();
    assert!(n.unwrap_or_default() >= 1);
    drop(c);
    util::wait_for_connections(&server, baseline - 1).await;
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// A client that stops reading a 100 MB result.

#[test]
fn a_client_that_stops_reading_a_100_mb_result_costs_the_server_little_memory() {
    run_alone("hostile_clients::a_stuck_reader_of_100_mb_alone", 4096);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run alone in a child process by a_client_that_stops_reading_a_100_mb_result_..."]
async fn a_stuck_reader_of_100_mb_alone() {
    const ROWS: u64 = 100;
    const ROW_BYTES: u64 = 1_000_000;
    const ALLOWED_GROWTH: u64 = 32 << 20;
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut watcher = util::root_conn(port).await;
    watcher.query_drop("CREATE DATABASE big").await.unwrap();
    watcher
        .query_drop("CREATE TABLE big.t (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let values: Vec<String> = (1..=ROWS).map(|i| format!("({i})")).collect();
    watcher
        .query_drop(format!("INSERT INTO big.t VALUES {}", values.join(",")))
        .await
        .unwrap();
    let sql = format!("SELECT id, REPEAT('x', {ROW_BYTES}) FROM big.t");
    // The same statement over a few rows, read whole: the code paths are warm.
    let few: Vec<(u64, String)> = watcher.query(format!("{sql} WHERE id <= 3")).await.unwrap();
    assert_eq!(few.len(), 3);
    drop(few);
    let baseline = server.connections();
    let (_, aborted): (String, u64) = watcher
        .query_first("SHOW GLOBAL STATUS LIKE 'Aborted_clients'")
        .await
        .unwrap()
        .unwrap();

    let mut stuck = Raw::login(port, "root", ROOT_PASSWORD).await;
    let ok = stuck.query("SET SESSION net_write_timeout = 2").await;
    assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", err_of(&ok));
    let before = rss();
    let started = Instant::now();
    stuck.seq = 0;
    let mut out = vec![0x03];
    out.extend_from_slice(sql.as_bytes());
    stuck.write(&out).await;
    // Until net_write_timeout cuts it off, the server's memory is sampled.
    let mut peak = before;
    while server.connections() > baseline {
        peak = peak.max(rss());
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the stuck reader was never cut off"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let took = started.elapsed();
    println!(
        "RSS {} MiB before the stuck reader, peak {} MiB while it was connected; cut off after {took:?}",
        before >> 20,
        peak >> 20
    );
    assert!(
        peak.saturating_sub(before) < ALLOWED_GROWTH,
        "server memory grew by {} MiB for a client that reads nothing of a {} MB result",
        (peak - before) >> 20,
        ROWS * ROW_BYTES / 1_000_000
    );
    assert!(took >= Duration::from_secs(2), "cut off after {took:?}");
    // The client got at most a prefix of the result, then the end of the stream.
    assert!(stuck.closed_by_server().await);
    let (_, aborted_after): (String, u64) = watcher
        .query_first("SHOW GLOBAL STATUS LIKE 'Aborted_clients'")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(aborted_after, aborted + 1);
    drop(watcher);
    let mut c = served_within(port, Duration::from_secs(5)).await;
    let n: Option<i64> = c.query_first("SELECT COUNT(*) FROM big.t").await.unwrap();
    assert_eq!(n, Some(ROWS as i64));
    drop(c);
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// TLS renegotiation, and bytes that are not TLS.

/// `openssl s_client -starttls mysql` over TLS 1.2, told to renegotiate (`R` on its standard
/// input): rustls refuses (a no_renegotiation alert), OpenSSL gives up on the connection, and
/// the server keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_renegotiation_is_refused_and_the_server_keeps_serving() {
    use std::io::{Read, Write};
    use std::process::Stdio;

    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let baseline = server.connections();
    let mut child = match Command::new("openssl")
        .args(["s_client", "-starttls", "mysql", "-tls1_2", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-CAfile")
        .arg(util::ca())
        .args(["-verify_return_error", "-servername", "localhost"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            panic!("this test needs the `openssl` command line tool (apt-get install openssl): {e}")
        }
    };
    // `R` at the start of a line asks s_client to renegotiate; standard input stays open, so
    // an s_client whose renegotiation succeeded would wait for more.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"R\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    drop(stdin);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let output = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(
        status.is_some(),
        "s_client still connected 20 s after asking to renegotiate:\n{output}"
    );
    // The TLS 1.2 handshake itself worked (verified against the CA), then renegotiation failed.
    assert!(stdout.contains("Protocol  : TLSv1.2"), "{output}");
    assert!(stdout.contains("Verify return code: 0 (ok)"), "{output}");
    assert!(stderr.contains("RENEGOTIATING"), "{output}");
    assert!(
        stderr.to_lowercase().contains("no renegotiation"),
        "renegotiation was not refused:\n{output}"
    );
    util::wait_for_connections(&server, baseline).await;
    let c = served_within(port, Duration::from_secs(5)).await;
    drop(c);
    server.shutdown().await;
}

/// Random bytes instead of a ClientHello after SSLRequest, and a ClientHello with no
/// SSLRequest before it (a whole one, from a real TLS client), end the connection; the
/// server keeps serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_bytes_instead_of_tls_and_tls_without_ssl_request_are_refused() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let baseline = server.connections();
    // xorshift64: reproducible noise.
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut noise = |n: usize| -> Vec<u8> {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    };
    for len in [1, 5, 64, 4096, 100_000] {
        let mut raw = Raw::connect(port).await;
        let _ = raw.greeting().await;
        raw.send_ssl_request().await;
        // The server may close before it has read everything.
        let _ = raw.s.write_all(&noise(len)).await;
        assert!(raw.closed_by_server().await, "{len} random bytes");
    }
    // Noise that starts like a TLS handshake record.
    let mut raw = Raw::connect(port).await;
    let _ = raw.greeting().await;
    raw.send_ssl_request().await;
    let mut record = vec![0x16, 0x03, 0x01, 0x40, 0x00];
    record.extend(noise(0x4000));
    let _ = raw.s.write_all(&record).await;
    assert!(raw.closed_by_server().await);
    // A real TLS client that starts its handshake without SSLRequest: ERROR 1043 in the clear,
    // which its TLS layer takes for a bad record.
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let connector = tokio_rustls::TlsConnector::from(util::client_tls_config(util::ca()));
    let r = tokio::time::timeout(
        Duration::from_secs(5),
        connector.connect(
            rustls_pki_types::ServerName::try_from("localhost").unwrap(),
            tcp,
        ),
    )
    .await
    .expect("the TLS client gets an answer");
    assert!(r.is_err(), "a TLS handshake without SSLRequest succeeded");
    util::wait_for_connections(&server, baseline).await;
    let c = served_within(port, Duration::from_secs(5)).await;
    drop(c);
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Statements built to exhaust the server, beyond those in hostile.rs.

/// Runs `sql` on `c` within `limit` and returns the server's error code, if any (a client or
/// I/O error fails the test: the connection must live).
async fn code_of(c: &mut mysql_async::Conn, sql: &str, limit: Duration) -> Option<u16> {
    let started = Instant::now();
    let r = tokio::time::timeout(limit, c.query_iter(sql.to_string()))
        .await
        .unwrap_or_else(|_| panic!("no answer within {limit:?}: {:.80}", sql));
    let code = match r {
        Ok(mut result) => {
            let rows: Vec<mysql_async::Row> = result.collect().await.unwrap();
            drop(rows);
            drop(result);
            None
        }
        Err(e) => {
            assert!(
                util::server_code(&e).is_some(),
                "not a server error: {e:?} ({:.80})",
                sql
            );
            util::server_code(&e)
        }
    };
    println!(
        "{:>7.1?} {:>6} {:.60}",
        started.elapsed(),
        code.map_or("ok".to_string(), |c| c.to_string()),
        sql.replace('\n', " ")
    );
    code
}

/// Deep nesting of every kind the grammar allows (ER 1436 past the nesting limit, a result
/// below it), a 1,000,000-value IN list, and a statement of 64 MiB of whitespace, one byte
/// over max_allowed_packet. (A statement inside megabytes of whitespace under a larger
/// max_allowed_packet is in hostile.rs: 27 MiB, as 64 MiB take the debug build many seconds.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_nesting_huge_lists_and_64_mib_of_whitespace_get_answers_or_errors() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut c = util::root_conn(port).await;
    c.query_drop("CREATE DATABASE h").await.unwrap();
    c.query_drop("USE h").await.unwrap();
    c.query_drop("CREATE TABLE t (a INT PRIMARY KEY, b VARCHAR(10))")
        .await
        .unwrap();
    c.query_drop("INSERT INTO t VALUES (1, 'x'), (2, 'y')")
        .await
        .unwrap();
    let limit = Duration::from_secs(30);
    let nest = |open: &str, inner: &str, close: &str, n: usize| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    // MySQL's limit depends on its thread stack; here the parser's nesting limit gives ER 1436
    // somewhere past 25 levels (a function call counts more than once).
    for n in [10, 25, 60, 250, 1_000, 10_000] {
        let deep = n > 25;
        let cases = [
            format!("SELECT {}", nest("(", "1", ")", n)),
            format!("SELECT {}", nest("ABS(", "-1", ")", n)),
            format!("SELECT {}", nest("NOT ", "0", "", n)),
            format!("SELECT {}", nest("-", "1", "", n)),
            format!("SELECT {}", nest("CASE WHEN 1 THEN ", "1", " END", n)),
            format!("SELECT {}", nest("(SELECT ", "1", ")", n)),
            format!("SELECT {}", nest("CONCAT('a', ", "'b'", ")", n)),
            format!("SELECT * FROM {}", nest("(SELECT * FROM ", "t", ") t", n)),
            format!(
                "SELECT a FROM t WHERE a IN {}",
                nest("(SELECT a FROM t WHERE a IN ", "(1)", ")", n)
            ),
            nest("(", "SELECT 1", ")", n),
            format!("SELECT a FROM t WHERE {}", nest("(", "a = 1", ")", n)),
            format!("SELECT JSON_ARRAY({})", nest("JSON_ARRAY(", "1", ")", n)),
        ];
        for sql in &cases {
            let code = code_of(&mut c, sql, limit).await;
            if !deep {
                assert_eq!(code, None, "{:.120}", sql);
            } else {
                assert!(matches!(code, None | Some(1436)), "{code:?}: {:.120}", sql);
            }
        }
    }
    // Long flat chains: an expression 100,000 terms long, and as many OR-ed comparisons.
    let ors: Vec<String> = (0..100_000).map(|i| format!("a = {i}")).collect();
    let code = code_of(
        &mut c,
        &format!("SELECT a FROM t WHERE {}", ors.join(" OR ")),
        limit,
    )
    .await;
    assert!(matches!(code, None | Some(1436)), "{code:?}");
    // A 1,000,000-value IN list.
    let list: Vec<String> = (0..1_000_000).map(|i| i.to_string()).collect();
    // About 5 s in a debug build on an idle machine; the bound only catches a hang.
    let sql = format!("SELECT a FROM t WHERE a IN ({})", list.join(","));
    assert_eq!(code_of(&mut c, &sql, Duration::from_secs(180)).await, None);
    drop(list);
    drop(c);
    // 64 MiB of whitespace: with the command byte, one byte more than max_allowed_packet
    // (64 MiB), so ER 1153 and the connection is closed, as in MySQL. (mysql_async would refuse
    // to send it.)
    let pad = " ".repeat(64 << 20);
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    raw.seq = 0;
    let mut out = Vec::with_capacity(pad.len() + 1);
    out.push(0x03);
    out.extend_from_slice(pad.as_bytes());
    raw.write(&out).await;
    drop(out);
    let p = raw.read().await.expect("an error packet");
    assert_eq!(err_of(&p).map(|e| e.0), Some(1153));
    assert!(raw.closed_by_server().await);
    drop(pad);
    drop(raw);
    let c = served_within(port, Duration::from_secs(5)).await;
    drop(c);
    util::wait_for_connections(&server, 0).await;
    server.shutdown().await;
}
