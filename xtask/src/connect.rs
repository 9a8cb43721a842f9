//! `cargo xtask bench`, connection part: the connection rate of issue 14, myseal side by side
//! with MariaDB over verified TLS.
//!
//! One connection is: TCP connect → greeting → SSLRequest → TLS handshake (the server verified
//! against the dev CA, name `localhost`) → HandshakeResponse41 with the server's default auth
//! plugin (caching_sha2_password on myseal: fast auth once the server's cache knows the account,
//! full auth with the password over TLS the first time; mysql_native_password on MariaDB), an
//! AuthSwitchRequest answered when one comes → COM_QUERY `SELECT 1`, its result read and checked →
//! COM_QUIT → TLS close_notify and TCP close. The client is a small raw one on tokio-rustls (ring
//! provider, set per configuration, never process-wide) with the encodings of `myseal-wire` and the
//! scrambles of `myseal-auth`, so it adds no client library overhead and controls resumption.
//!
//! Both servers run at once with the same certificates and the same password account
//! (`bench`); the measurements alternate between them for `--rounds` rounds (the first server
//! changes every round) and the table shows medians. Four cases, each `--connect-count`
//! connections (default 1000):
//!
//! - full handshakes, one loop and `--connect-loops` concurrent loops (default 4): a
//!   configuration with resumption disabled, so every connection is a new TLS session;
//! - resumed, the same with one shared rustls `ClientConfig` and its default in-memory session
//!   cache, warmed by a few connections first, so connections resume with TLS 1.3 tickets. Every
//!   connection's `handshake_kind()` is checked and the resumed fraction reported; once per
//!   server, `SHOW SESSION STATUS LIKE 'Ssl_sessions_reused'` on a resumed connection is printed.
//!
//! Reported: connections per second, myseal/MariaDB (targets: ≥ 1.0× with full handshakes, ≥ 2.0×
//! resumed), server CPU per connection (utime+stime from `/proc/PID/stat` over the run divided by
//! the count), and, for the single loop, the mean time of each step of a connection. Load goes to
//! 127.0.0.1 only and is bounded by count and a per-connection timeout.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use myseal_wire::codec::{decode_packet, encode_packet, Packet};
use myseal_wire::connect::{AuthSwitchRequest, HandshakeResponse41, HandshakeV10, SslRequest};
use myseal_wire::constants::CapabilityFlags as Caps;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::server::{self, Mariadb, Myseal, BENCH_PASSWORD, BENCH_USER};

/// The steps of one connection, timed in the single-loop runs.
const STEPS: [&str; 6] = [
    "TCP connect",
    "greeting received",
    "SSLRequest + TLS handshake",
    "authentication (response → OK)",
    "SELECT 1 round trip",
    "COM_QUIT + close",
];

/// A connection that takes longer than this fails the run (nothing hangs the bench).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Capabilities the client asks for (intersected with the server's).
const CLIENT_CAPS: Caps = Caps(
    Caps::CLIENT_LONG_PASSWORD.0
        | Caps::CLIENT_PROTOCOL_41.0
        | Caps::CLIENT_SECURE_CONNECTION.0
        | Caps::CLIENT_TRANSACTIONS.0
        | Caps::CLIENT_PLUGIN_AUTH.0
        | Caps::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA.0
        | Caps::CLIENT_DEPRECATE_EOF.0
        | Caps::CLIENT_SSL.0,
);

/// Options of the connection part.
pub(crate) struct Options {
    rounds: usize,
    count: usize,
    loops: usize,
}

impl Options {
    /// `--rounds N` (3, shared with the sysbench part), `--connect-count N` (1000 connections per
    /// measurement), `--connect-loops N` (4 concurrent loops; 1 measures the single loop only).
    pub(crate) fn parse(args: &[String]) -> Result<Options, String> {
        fn num(args: &[String], name: &str, default: usize) -> Result<usize, String> {
            crate::opt(args, name)
                .map(|s| s.parse().map_err(|_| format!("{name} takes a number")))
                .transpose()
                .map(|v| v.unwrap_or(default))
        }
        let o = Options {
            rounds: num(args, "--rounds", 3)?,
            count: num(args, "--connect-count", 1000)?,
            loops: num(args, "--connect-loops", 4)?,
        };
        if o.rounds == 0 || o.count == 0 || o.loops == 0 {
            return Err("--rounds, --connect-count and --connect-loops must be > 0".into());
        }
        Ok(o)
    }
}

/// One measured case: resumption on or off, and the number of concurrent loops.
#[derive(Clone, Copy)]
struct Case {
    resume: bool,
    loops: usize,
}

impl Case {
    fn name(self) -> &'static str {
        if self.resume {
            "resumed (shared session cache)"
        } else {
            "full handshake (no resumption)"
        }
    }
}

/// What one measurement gave.
#[derive(Clone, Copy, Default)]
struct Sample {
    per_sec: f64,
    cpu_us_per_conn: f64,
    /// CPU of this client process (all loops) per connection.
    client_us_per_conn: f64,
    resumed: usize,
    total: usize,
    /// Mean time of each step in µs (single loop only; zero otherwise).
    steps_us: [f64; 6],
}

/// A server under test.
struct Target {
    name: &'static str,
    port: u16,
    pid: u32,
}

pub(crate) fn run(
    o: &Options,
    bin: &Path,
    certs: &Path,
    rt: &tokio::runtime::Runtime,
) -> Result<(), String> {
    println!();
    println!("== connection rate: TLS connect + authenticate + SELECT 1 + close");
    // PERF.md: nothing else may run while measuring; say so when something does.
    if let Some(load) = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next()?.parse::<f64>().ok())
        .filter(|&l| l > 1.0)
    {
        println!(
            "warning: load average {load:.2} before the run: something else is running, the numbers are unreliable"
        );
    }
    let roots = Arc::new(roots(&certs.join("ca.pem"))?);
    let account = ["--app-user", BENCH_USER, "--app-password", BENCH_PASSWORD];
    let srv = Myseal::start(bin, certs, &account)?;
    let maria = match Mariadb::start(certs) {
        Ok(Some(m)) => Some(m),
        Ok(None) => {
            println!("no MariaDB server installed (apt-get install mariadb-server): myseal only");
            None
        }
        Err(e) => {
            println!("MariaDB failed to start ({e}): myseal only");
            None
        }
    };
    let mut targets = vec![Target {
        name: "myseal",
        port: srv.port,
        pid: srv.child.id(),
    }];
    if let Some(m) = &maria {
        targets.push(Target {
            name: "mariadb",
            port: m.port,
            pid: m.child.id(),
        });
    }
    let result = rt.block_on(compare(o, &targets, &roots));
    srv.stop();
    if let Some(m) = maria {
        m.stop();
    }
    result
}

async fn compare(
    o: &Options,
    targets: &[Target],
    roots: &Arc<rustls::RootCertStore>,
) -> Result<(), String> {
    let mut cases = vec![Case {
        resume: false,
        loops: 1,
    }];
    if o.loops > 1 {
        cases.push(Case {
            resume: false,
            loops: o.loops,
        });
    }
    cases.push(Case {
        resume: true,
        loops: 1,
    });
    if o.loops > 1 {
        cases.push(Case {
            resume: true,
            loops: o.loops,
        });
    }

    // Warm-up, not measured: the servers' auth caches, thread caches, allocator arenas.
    for t in targets {
        for &case in &cases {
            measure(t, roots, case, o.count.min(200))
                .await
                .map_err(|e| format!("{} warm-up, {}: {e}", t.name, case.name()))?;
        }
        let (resumed, reused) = session_status(t, roots).await?;
        println!(
            "{}: a resumed connection (handshake_kind Resumed: {resumed}) reports Ssl_sessions_reused = {reused}",
            t.name
        );
    }

    // samples[case][target]
    let mut samples: Vec<Vec<Vec<Sample>>> = vec![vec![Vec::new(); targets.len()]; cases.len()];
    for round in 0..o.rounds {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..targets.len()).collect()
        } else {
            (0..targets.len()).rev().collect()
        };
        for (c, &case) in cases.iter().enumerate() {
            for &i in &order {
                let t = &targets[i];
                let s = measure(t, roots, case, o.count)
                    .await
                    .map_err(|e| format!("{} {}: {e}", t.name, case.name()))?;
                println!(
                    "round {}: {:7} {:31} ×{} {:7.0} conn/s {:7.0} µs server CPU/conn {:5.0} µs client CPU/conn  resumed {}/{}",
                    round + 1,
                    t.name,
                    case.name(),
                    case.loops,
                    s.per_sec,
                    s.cpu_us_per_conn,
                    s.client_us_per_conn,
                    s.resumed,
                    s.total
                );
                samples[c][i].push(s);
            }
        }
    }

    let med = |c: usize, i: usize, f: &dyn Fn(&Sample) -> f64| -> Option<f64> {
        samples
            .get(c)
            .and_then(|v| v.get(i))
            .filter(|v| !v.is_empty())
            .map(|v| median(v.iter().map(f)))
    };
    let cell = |v: Option<f64>| v.map(|x| format!("{x:.0}")).unwrap_or_default();
    println!();
    println!(
        "{} connections per measurement, medians of {} alternating rounds, both over verified TLS (raw tokio-rustls client, account '{BENCH_USER}' with a password)",
        o.count, o.rounds
    );
    println!(
        "| connect + auth + SELECT 1 + close | loops | myseal conn/s | MariaDB conn/s | myseal/MariaDB | target | myseal server CPU µs/conn | MariaDB server CPU µs/conn | client CPU µs/conn (myseal / MariaDB runs) | resumed (myseal / MariaDB) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (c, &case) in cases.iter().enumerate() {
        let target = if case.resume { 2.0 } else { 1.0 };
        let rate = |i| med(c, i, &|s| s.per_sec);
        let ratio = match (rate(0), rate(1)) {
            (Some(a), Some(b)) if b > 0.0 => {
                let r = a / b;
                format!("{r:.2}×{}", if r >= target { " ✓" } else { "" })
            }
            _ => String::new(),
        };
        let resumed = |i: usize| {
            samples[c]
                .get(i)
                .map(|v| {
                    let (r, t) = v
                        .iter()
                        .fold((0, 0), |(r, t), s| (r + s.resumed, t + s.total));
                    format!("{:.0}%", 100.0 * r as f64 / t.max(1) as f64)
                })
                .unwrap_or_default()
        };
        println!(
            "| {} | {} | {} | {} | {ratio} | ≥ {target:.1}× | {} | {} | {} / {} | {} / {} |",
            case.name(),
            case.loops,
            cell(rate(0)),
            cell(rate(1)),
            cell(med(c, 0, &|s| s.cpu_us_per_conn)),
            cell(med(c, 1, &|s| s.cpu_us_per_conn)),
            cell(med(c, 0, &|s| s.client_us_per_conn)),
            cell(med(c, 1, &|s| s.client_us_per_conn)),
            resumed(0),
            resumed(1),
        );
    }
    // myseal resumed against MariaDB's full handshakes (what a client that cannot resume on
    // MariaDB gets there).
    let full1 = cases.iter().position(|c| !c.resume && c.loops == 1);
    let res1 = cases.iter().position(|c| c.resume && c.loops == 1);
    if let (Some(f), Some(r)) = (full1, res1) {
        if let (Some(a), Some(b)) = (med(r, 0, &|s| s.per_sec), med(f, 1, &|s| s.per_sec)) {
            println!(
                "| myseal resumed vs MariaDB full handshakes | 1 | {a:.0} | {b:.0} | {:.2}× | | | | | |",
                a / b.max(f64::MIN_POSITIVE)
            );
        }
    }

    println!();
    println!("mean time per step of one connection, single loop, µs (medians over rounds):");
    let single: Vec<usize> = cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.loops == 1)
        .map(|(i, _)| i)
        .collect();
    let mut header = String::from("| step |");
    let mut rule = String::from("|---|");
    for &c in &single {
        for t in targets {
            header.push_str(&format!(
                " {} {} |",
                t.name,
                if cases[c].resume { "resumed" } else { "full" }
            ));
            rule.push_str("---|");
        }
    }
    println!("{header}\n{rule}");
    for (k, step) in STEPS.iter().enumerate() {
        let mut line = format!("| {step} |");
        for &c in &single {
            for i in 0..targets.len() {
                line.push_str(&format!(" {} |", cell(med(c, i, &|s| s.steps_us[k]))));
            }
        }
        println!("{line}");
    }
    Ok(())
}

/// `count` connections against `t`, in `case.loops` concurrent loops.
async fn measure(
    t: &Target,
    roots: &Arc<rustls::RootCertStore>,
    case: Case,
    count: usize,
) -> Result<Sample, String> {
    let config = client_config(roots, case.resume)?;
    if case.resume {
        // Up to 8 tickets for `localhost` in the cache before the clock starts.
        for _ in 0..4 {
            timed(connect_once(t.port, &config)).await?;
        }
    }
    let me = std::process::id();
    let cpu0 = server::cpu_time(t.pid).ok_or("cannot read server CPU time")?;
    let client0 = server::cpu_time(me).ok_or("cannot read own CPU time")?;
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for l in 0..case.loops {
        let n = count / case.loops + usize::from(l < count % case.loops);
        let config = Arc::clone(&config);
        let port = t.port;
        set.spawn(async move {
            let mut steps = [Duration::ZERO; 6];
            let mut resumed = 0usize;
            for _ in 0..n {
                let c = timed(connect_once(port, &config)).await?;
                resumed += usize::from(c.resumed);
                for (sum, d) in steps.iter_mut().zip(c.steps) {
                    *sum += d;
                }
            }
            Ok::<_, String>((resumed, steps))
        });
    }
    let mut resumed = 0;
    let mut steps = [Duration::ZERO; 6];
    while let Some(r) = set.join_next().await {
        let (r, s) = r.map_err(|e| e.to_string())??;
        resumed += r;
        for (sum, d) in steps.iter_mut().zip(s) {
            *sum += d;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu1 = server::cpu_time(t.pid).ok_or("cannot read server CPU time")?;
    let client1 = server::cpu_time(me).ok_or("cannot read own CPU time")?;
    let mut steps_us = [0.0; 6];
    if case.loops == 1 {
        for (us, d) in steps_us.iter_mut().zip(steps) {
            *us = d.as_secs_f64() * 1e6 / count as f64;
        }
    }
    Ok(Sample {
        per_sec: count as f64 / elapsed,
        cpu_us_per_conn: cpu1.saturating_sub(cpu0).as_secs_f64() * 1e6 / count as f64,
        client_us_per_conn: client1.saturating_sub(client0).as_secs_f64() * 1e6 / count as f64,
        resumed,
        total: count,
        steps_us,
    })
}

async fn timed<T>(f: impl std::future::Future<Output = Result<T, String>>) -> Result<T, String> {
    tokio::time::timeout(CONNECT_TIMEOUT, f)
        .await
        .map_err(|_| format!("no answer within {CONNECT_TIMEOUT:?}"))?
}

/// The dev CA as a root store.
fn roots(ca: &Path) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).map_err(|e| format!("{}: {e}", ca.display()))? {
        roots
            .add(c.map_err(|e| format!("{}: {e}", ca.display()))?)
            .map_err(|e| format!("{}: {e}", ca.display()))?;
    }
    Ok(roots)
}

/// A client configuration trusting the dev CA, with the ring provider; `resume: false` disables
/// session resumption (every connection a new TLS session), `true` keeps rustls' default
/// in-memory session cache.
fn client_config(
    roots: &Arc<rustls::RootCertStore>,
    resume: bool,
) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(Arc::clone(roots))
    .with_no_client_auth();
    if !resume {
        config.resumption = rustls::client::Resumption::disabled();
    }
    Ok(Arc::new(config))
}

/// A packet stream: the socket, its read buffer and the next sequence id.
struct Framed<S> {
    s: S,
    buf: BytesMut,
    seq: u8,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Framed<S> {
    async fn read(&mut self) -> Result<Packet, String> {
        loop {
            if let Some(p) = decode_packet(&mut self.buf, 1 << 24).map_err(|e| e.to_string())? {
                self.seq = p.seq.wrapping_add(1);
                return Ok(p);
            }
            let n = self
                .s
                .read_buf(&mut self.buf)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
        }
    }

    async fn write(&mut self, payload: &[u8]) -> Result<(), String> {
        let mut out = BytesMut::with_capacity(payload.len() + 4);
        self.seq = encode_packet(&mut out, self.seq, payload);
        self.s
            .write_all(&out)
            .await
            .map_err(|e| format!("write: {e}"))?;
        self.s.flush().await.map_err(|e| format!("write: {e}"))
    }

    /// COM_QUERY and its text result set: the rows, NULL as None. Errors on an ERR packet.
    async fn query(
        &mut self,
        sql: &str,
        deprecate_eof: bool,
    ) -> Result<Vec<Vec<Option<Vec<u8>>>>, String> {
        self.seq = 0;
        let mut out = Vec::with_capacity(sql.len() + 1);
        out.push(0x03);
        out.extend_from_slice(sql.as_bytes());
        self.write(&out).await?;
        let first = self.read().await?;
        match first.payload.first() {
            Some(0xFF) => return Err(format!("{sql}: {}", err_message(&first))),
            Some(0x00) => return Ok(Vec::new()),
            _ => {}
        }
        let columns = myseal_wire::buf::Reader::new(&first.payload)
            .lenenc_int()
            .map_err(|e| e.to_string())? as usize;
        for _ in 0..columns {
            self.read().await?;
        }
        if !deprecate_eof {
            self.read().await?;
        }
        let mut rows = Vec::new();
        loop {
            let p = self.read().await?;
            match p.payload.first() {
                Some(0xFE) if p.payload.len() < 0xFF_FFFF => return Ok(rows),
                Some(0xFF) => return Err(format!("{sql}: {}", err_message(&p))),
                _ => rows.push(
                    myseal_wire::resultset::decode_text_row(&p.payload, columns)
                        .map_err(|e| e.to_string())?,
                ),
            }
        }
    }
}

fn err_message(p: &Packet) -> String {
    myseal_wire::response::ErrPacket::decode(&p.payload)
        .map(|e| format!("ERROR {}: {}", e.code, e.message))
        .unwrap_or_else(|_| format!("malformed ERR packet {:?}", p.payload))
}

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

/// An authenticated connection and what its login took.
struct Login {
    c: Framed<Tls>,
    deprecate_eof: bool,
    resumed: bool,
    /// Time stamps: start, TCP connected, greeting read, TLS established, authenticated.
    marks: [Instant; 5],
}

/// One connection up to the OK of authentication.
async fn login(port: u16, config: &Arc<rustls::ClientConfig>) -> Result<Login, String> {
    let t0 = Instant::now();
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let t1 = Instant::now();
    let mut plain = Framed {
        s: tcp,
        buf: BytesMut::with_capacity(1024),
        seq: 0,
    };
    let greeting = plain.read().await?;
    if greeting.payload.first() == Some(&0xFF) {
        return Err(format!("refused: {}", err_message(&greeting)));
    }
    let g = HandshakeV10::decode(&greeting.payload).map_err(|e| format!("greeting: {e}"))?;
    if !g.capability_flags.contains(Caps::CLIENT_SSL) {
        return Err("the server does not offer TLS".into());
    }
    let caps = Caps(CLIENT_CAPS.0 & g.capability_flags.0);
    let t2 = Instant::now();
    let mut out = Vec::with_capacity(64);
    SslRequest {
        capability_flags: caps,
        max_packet_size: 1 << 24,
        character_set: g.character_set,
    }
    .encode(&mut out);
    plain.write(&out).await?;
    let Framed { s, buf, seq } = plain;
    if !buf.is_empty() {
        return Err("bytes after the greeting before TLS".into());
    }
    let name = ServerName::try_from("localhost").map_err(|e| e.to_string())?;
    let tls = tokio_rustls::TlsConnector::from(Arc::clone(config))
        .connect(name, s)
        .await
        .map_err(|e| format!("TLS handshake: {e}"))?;
    let resumed = tls.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
    let t3 = Instant::now();
    let mut c = Framed { s: tls, buf, seq };

    let mut plugin = g.auth_plugin_name.clone();
    let auth_response = scramble(&plugin, &g.auth_plugin_data)?;
    out.clear();
    HandshakeResponse41 {
        capability_flags: caps,
        max_packet_size: 1 << 24,
        character_set: g.character_set,
        username: BENCH_USER.into(),
        auth_response,
        database: None,
        auth_plugin_name: Some(plugin.clone()),
        connect_attrs: Vec::new(),
        zstd_compression_level: None,
    }
    .encode(&mut out);
    c.write(&out).await?;
    loop {
        let p = c.read().await?;
        match p.payload.first() {
            Some(0x00) => break,
            Some(0xFF) => return Err(format!("login: {}", err_message(&p))),
            Some(0xFE) => {
                let sw = AuthSwitchRequest::decode(&p.payload).map_err(|e| e.to_string())?;
                plugin = sw.plugin_name;
                let nonce = sw
                    .plugin_data
                    .get(..20)
                    .ok_or("AuthSwitchRequest without a 20-byte nonce")?;
                let nonce: [u8; 20] = nonce.try_into().map_err(|_| "nonce")?;
                c.write(&scramble(&plugin, &nonce)?).await?;
            }
            // caching_sha2_password: 3 = fast auth done (OK follows), 4 = send the password
            // (over TLS, in clear, NUL-terminated).
            Some(0x01) if plugin == "caching_sha2_password" => match p.payload.get(1) {
                Some(3) => {}
                Some(4) => {
                    let mut pw = BENCH_PASSWORD.as_bytes().to_vec();
                    pw.push(0);
                    c.write(&pw).await?;
                }
                other => return Err(format!("unexpected caching_sha2 auth data {other:?}")),
            },
            _ => return Err(format!("unexpected auth packet {:?}", p.payload)),
        }
    }
    let t4 = Instant::now();
    Ok(Login {
        c,
        deprecate_eof: caps.contains(Caps::CLIENT_DEPRECATE_EOF),
        resumed,
        marks: [t0, t1, t2, t3, t4],
    })
}

fn scramble(plugin: &str, nonce: &[u8; 20]) -> Result<Vec<u8>, String> {
    let pw = BENCH_PASSWORD.as_bytes();
    match plugin {
        "caching_sha2_password" => Ok(myseal_auth::caching_sha2::scramble(pw, nonce).to_vec()),
        "mysql_native_password" => Ok(myseal_auth::native::scramble(pw, nonce).to_vec()),
        other => Err(format!("unsupported auth plugin '{other}'")),
    }
}

/// What one connection did.
struct Connected {
    resumed: bool,
    steps: [Duration; 6],
}

/// One whole connection: login, `SELECT 1` (checked), COM_QUIT, close.
async fn connect_once(port: u16, config: &Arc<rustls::ClientConfig>) -> Result<Connected, String> {
    let Login {
        mut c,
        deprecate_eof,
        resumed,
        marks,
    } = login(port, config).await?;
    let rows = c.query("SELECT 1", deprecate_eof).await?;
    if rows != [vec![Some(b"1".to_vec())]] {
        return Err(format!("SELECT 1 returned {rows:?}"));
    }
    let t5 = Instant::now();
    c.seq = 0;
    c.write(&[0x01]).await?;
    // close_notify and FIN, as libmysqlclient's mysql_close does; the server closes its side.
    let _ = c.s.shutdown().await;
    drop(c);
    let t6 = Instant::now();
    let [t0, t1, t2, t3, t4] = marks;
    Ok(Connected {
        resumed,
        steps: [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5],
    })
}

/// On a connection resumed through a shared cache: whether rustls says it resumed, and the
/// server's `Ssl_sessions_reused`.
async fn session_status(
    t: &Target,
    roots: &Arc<rustls::RootCertStore>,
) -> Result<(bool, String), String> {
    let config = client_config(roots, true)?;
    timed(connect_once(t.port, &config)).await?;
    let mut l = timed(login(t.port, &config)).await?;
    let rows =
        l.c.query(
            "SHOW SESSION STATUS LIKE 'Ssl_sessions_reused'",
            l.deprecate_eof,
        )
        .await
        .map_err(|e| format!("{}: {e}", t.name))?;
    let value = rows
        .first()
        .and_then(|r| r.get(1).cloned().flatten())
        .map(|v| String::from_utf8_lossy(&v).into_owned())
        .unwrap_or_else(|| "(no row)".into());
    l.c.seq = 0;
    let _ = l.c.write(&[0x01]).await;
    let _ = l.c.s.shutdown().await;
    Ok((l.resumed, value))
}

/// Median of a list (the mean of the middle two for an even count; 0 when empty).
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}
