//! Shared fixtures: certificates generated once per test run, and a server started on port 0.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use myseal_server::{Config, Server};

pub const ROOT_PASSWORD: &str = "s3cret-root";

/// Certificates for all tests: the server's dev certs, plus a second CA and a client cert it signed.
pub struct Certs {
    pub dir: PathBuf,
    pub ca: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    pub other_ca: PathBuf,
    pub other_client_cert: PathBuf,
    pub other_client_key: PathBuf,
}

/// Set by a test that re-runs this binary in a child process: the parent's certificate
/// directory, which the child uses as it is instead of generating its own.
pub const CERTS_ENV: &str = "MYSEAL_E2E_CERTS_DIR";

pub fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        arm_watchdog();
        if let Some(dir) = std::env::var_os(CERTS_ENV).map(PathBuf::from) {
            let other = dir.join("other");
            return Certs {
                ca: dir.join("ca.pem"),
                client_cert: dir.join("client-cert.pem"),
                client_key: dir.join("client-key.pem"),
                other_ca: other.join("ca.pem"),
                other_client_cert: other.join("client-cert.pem"),
                other_client_key: other.join("client-key.pem"),
                dir,
            };
        }
        let dir = std::env::temp_dir().join(format!("myseal-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let dev = myseal_tls::ensure_dev_certs(&dir).expect("generate dev certs");
        // Generated once here so concurrently starting test servers only load it.
        myseal_auth::rsa_keys::RsaKeyPair::load_or_generate(&dir).expect("RSA key pair");
        let other = dir.join("other");
        std::fs::create_dir_all(&other).unwrap();
        let other_ca = other.join("ca.pem");
        let other_ca_key = other.join("ca-key.pem");
        myseal_tls::generate_ca("Some Other CA", &other_ca, &other_ca_key).unwrap();
        let other_client_cert = other.join("client-cert.pem");
        let other_client_key = other.join("client-key.pem");
        myseal_tls::issue_cert(
            &other_ca,
            &other_ca_key,
            "intruder",
            true,
            &other_client_cert,
            &other_client_key,
        )
        .unwrap();
        Certs {
            ca: dev.ca_cert,
            client_cert: dev.client_cert,
            client_key: dev.client_key,
            dir,
            other_ca,
            other_client_cert,
            other_client_key,
        }
    })
}

/// A config for a test server: port 0, the shared certs, root password set.
pub fn config() -> Config {
    let mut c = Config {
        port: 0,
        root_password: ROOT_PASSWORD.to_string(),
        ..Config::default()
    };
    c.tls.certs_dir = certs().dir.clone();
    c
}

/// How long the whole test binary may run before the watchdog ends it (seconds); a run that hangs
/// fails with every thread's stack instead of waiting for CI's own limit.
const WATCHDOG_ENV: &str = "MYSEAL_E2E_WATCHDOG_SECS";
const WATCHDOG_DEFAULT: u64 = 25 * 60;

/// Starts, once per process, a thread that prints every thread's stack and exits with status
/// 101 when the process outlives its watchdog time.
fn arm_watchdog() {
    let secs = std::env::var(WATCHDOG_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(WATCHDOG_DEFAULT);
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(secs));
        // Straight to the stderr stream: `eprintln!` in a thread a test started would go to
        // that test's captured output, which exiting the process throws away.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "e2e watchdog: this test process has run for {secs} s ({WATCHDOG_ENV}); \
             a test hangs. Every thread's stack:\n{}",
            thread_dump(std::process::id())
        );
        std::process::exit(101);
    });
}

/// Every thread's stack of process `pid`, from gdb when it is installed (best effort: a test
/// that hangs says where).
pub fn thread_dump(pid: u32) -> String {
    match std::process::Command::new("gdb")
        .args([
            "-p",
            &pid.to_string(),
            "-batch",
            "-nx",
            "-ex",
            "thread apply all bt",
        ])
        .stdin(std::process::Stdio::null())
        .output()
    {
        Ok(out) => format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => format!("(no stacks: gdb did not run: {e})"),
    }
}

pub async fn start(config: Config) -> Server {
    Server::start(config).await.expect("server starts")
}

pub fn ca() -> &'static Path {
    &certs().ca
}

// ---------------------------------------------------------------------------------------------
// A raw protocol client for the refusal tests: precise control over every byte the client sends.

use std::sync::Arc;

use bytes::BytesMut;
use myseal_wire::codec::{decode_packet, encode_packet, Packet};
use myseal_wire::connect::{HandshakeResponse41, HandshakeV10, SslRequest};
use myseal_wire::constants::CapabilityFlags as Caps;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

pub trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// The longest a raw client waits for the server's next bytes.
pub const READ_LIMIT: std::time::Duration = std::time::Duration::from_secs(180);

pub struct Raw {
    pub s: Box<dyn Io>,
    buf: BytesMut,
    pub seq: u8,
}

impl Raw {
    pub async fn connect(port: u16) -> Raw {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        Raw {
            s: Box::new(tcp),
            buf: BytesMut::new(),
            seq: 0,
        }
    }

    /// A raw client over an already connected stream.
    pub fn from_stream(s: Box<dyn Io>) -> Raw {
        Raw {
            s,
            buf: BytesMut::new(),
            seq: 0,
        }
    }

    /// Next packet, or None when the server closed the connection. A server that sends
    /// nothing for [`READ_LIMIT`] fails the test instead of hanging it.
    pub async fn read(&mut self) -> Option<Packet> {
        loop {
            if let Some(p) = decode_packet(&mut self.buf, 1 << 30).unwrap() {
                self.seq = p.seq.wrapping_add(1);
                return Some(p);
            }
            match tokio::time::timeout(READ_LIMIT, self.s.read_buf(&mut self.buf)).await {
                Err(_) => panic!(
                    "the server sent nothing for {} s ({} bytes of a packet buffered)",
                    READ_LIMIT.as_secs(),
                    self.buf.len()
                ),
                Ok(Ok(0) | Err(_)) => return None,
                Ok(Ok(_)) => {}
            }
        }
    }

    pub async fn write(&mut self, payload: &[u8]) {
        let mut out = BytesMut::new();
        self.seq = encode_packet(&mut out, self.seq, payload);
        self.write_raw(&out).await;
    }

    /// Writes `bytes` and flushes them: over TLS, a write without a flush may leave the record
    /// in the TLS layer's buffer, never sent (tokio-rustls sends on flush when the socket was
    /// not ready), and the test would wait for an answer to bytes the server never got.
    pub async fn write_raw(&mut self, bytes: &[u8]) {
        self.s.write_all(bytes).await.unwrap();
        // A server that has just closed the connection makes the flush fail; the next read
        // sees that close.
        let _ = self.s.flush().await;
    }

    /// True when the server closes the connection (EOF or reset) within 5 seconds.
    pub async fn closed_by_server(&mut self) -> bool {
        let mut b = [0u8; 256];
        matches!(
            tokio::time::timeout(std::time::Duration::from_secs(5), async {
                loop {
                    match self.s.read(&mut b).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
            })
            .await,
            Ok(())
        )
    }

    pub async fn greeting(&mut self) -> HandshakeV10 {
        let p = self.read().await.expect("greeting");
        HandshakeV10::decode(&p.payload).unwrap()
    }

    /// Sends an SSLRequest packet.
    pub async fn send_ssl_request(&mut self) {
        let mut out = Vec::new();
        SslRequest {
            capability_flags: client_caps(),
            max_packet_size: 1 << 24,
            character_set: 255,
        }
        .encode(&mut out);
        self.write(&out).await;
    }

    /// Sends SSLRequest and runs the TLS handshake with a client trusting `ca`.
    pub async fn start_tls(&mut self, ca: &Path) -> Result<(), std::io::Error> {
        self.start_tls_with(client_tls_config(ca)).await
    }

    /// [`Raw::start_tls`] with a given client configuration (one kept across connections
    /// resumes its TLS sessions).
    pub async fn start_tls_with(
        &mut self,
        config: Arc<rustls::ClientConfig>,
    ) -> Result<(), std::io::Error> {
        self.send_ssl_request().await;
        let connector = tokio_rustls::TlsConnector::from(config);
        let plain: Box<dyn Io> = std::mem::replace(&mut self.s, Box::new(tokio::io::duplex(1).0));
        let tls = connector
            .connect(ServerName::try_from("localhost").unwrap(), plain)
            .await?;
        self.s = Box::new(tls);
        Ok(())
    }

    /// Sends a HandshakeResponse41 for caching_sha2_password.
    pub async fn send_response(&mut self, user: &str, password: &str, nonce: &[u8; 20], ssl: bool) {
        self.send_response_with(user, password, nonce, ssl, Caps::empty())
            .await;
    }

    /// [`Raw::send_response`] with more capability flags.
    pub async fn send_response_with(
        &mut self,
        user: &str,
        password: &str,
        nonce: &[u8; 20],
        ssl: bool,
        extra: Caps,
    ) {
        let mut caps = client_caps() | extra;
        if !ssl {
            caps.remove(Caps::CLIENT_SSL);
        }
        let auth = if password.is_empty() {
            Vec::new()
        } else {
            myseal_auth::caching_sha2::scramble(password.as_bytes(), nonce).to_vec()
        };
        let mut out = Vec::new();
        HandshakeResponse41 {
            capability_flags: caps,
            max_packet_size: 1 << 24,
            character_set: 255,
            username: user.to_string(),
            auth_response: auth,
            database: None,
            auth_plugin_name: Some("caching_sha2_password".into()),
            connect_attrs: vec![("_client_name".into(), "myseal-e2e".into())],
            zstd_compression_level: None,
        }
        .encode(&mut out);
        self.write(&out).await;
    }

    /// Full TLS login as `user`; panics unless it ends in OK.
    pub async fn login(port: u16, user: &str, password: &str) -> Raw {
        Raw::login_with(port, user, password, Caps::empty()).await
    }

    /// [`Raw::login`] with more capability flags.
    pub async fn login_with(port: u16, user: &str, password: &str, extra: Caps) -> Raw {
        Raw::login_over(port, user, password, extra, client_tls_config(ca())).await
    }

    /// [`Raw::login_with`] over a given TLS client configuration.
    pub async fn login_over(
        port: u16,
        user: &str,
        password: &str,
        extra: Caps,
        tls: Arc<rustls::ClientConfig>,
    ) -> Raw {
        let mut raw = Raw::connect(port).await;
        let g = raw.greeting().await;
        raw.start_tls_with(tls).await.unwrap();
        raw.send_response_with(user, password, &g.auth_plugin_data, true, extra)
            .await;
        loop {
            let p = raw.read().await.expect("auth reply");
            match p.payload.first() {
                Some(0x00) => return raw,
                Some(0x01) if p.payload.get(1) == Some(&4) => {
                    let mut pw = password.as_bytes().to_vec();
                    pw.push(0);
                    raw.write(&pw).await;
                }
                Some(0x01) => {}
                _ => panic!("login failed: {:?}", err_of(&p)),
            }
        }
    }

    /// COM_QUERY and the first response packet.
    pub async fn query(&mut self, sql: &str) -> Packet {
        self.seq = 0;
        let mut out = vec![0x03];
        out.extend_from_slice(sql.as_bytes());
        self.write(&out).await;
        self.read().await.expect("response")
    }

    /// COM_QUERY of a statement that returns rows (CLIENT_DEPRECATE_EOF): the text rows, with
    /// NULL as None.
    pub async fn query_rows(&mut self, sql: &str) -> Vec<Vec<Option<String>>> {
        let first = self.query(sql).await;
        assert!(err_of(&first).is_none(), "{sql}: {:?}", err_of(&first));
        let columns = usize::from(*first.payload.first().expect("column count"));
        for _ in 0..columns {
            self.read().await.expect("column definition");
        }
        let mut rows = Vec::new();
        loop {
            let p = self.read().await.expect("row or OK");
            if p.payload.first() == Some(&0xFE) && p.payload.len() < 0xFF_FFFF {
                return rows;
            }
            let row = myseal_wire::resultset::decode_text_row(&p.payload, columns).unwrap();
            rows.push(
                row.into_iter()
                    .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
                    .collect(),
            );
        }
    }
}

/// A rustls client configuration trusting `ca` (with rustls' default session cache).
pub fn client_tls_config(ca: &Path) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    Arc::new(config)
}

pub fn client_caps() -> Caps {
    Caps::CLIENT_PROTOCOL_41
        | Caps::CLIENT_SECURE_CONNECTION
        | Caps::CLIENT_PLUGIN_AUTH
        | Caps::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | Caps::CLIENT_CONNECT_ATTRS
        | Caps::CLIENT_DEPRECATE_EOF
        | Caps::CLIENT_TRANSACTIONS
        | Caps::CLIENT_LONG_PASSWORD
        | Caps::CLIENT_SSL
}

/// (code, state, message) of an ERR packet, or None.
pub fn err_of(p: &Packet) -> Option<(u16, String, String)> {
    let e = myseal_wire::response::ErrPacket::decode(&p.payload).ok()?;
    Some((
        e.code,
        String::from_utf8_lossy(&e.sql_state).into_owned(),
        e.message,
    ))
}

/// Waits (bounded) until the server has `n` open connections.
pub async fn wait_for_connections(server: &myseal_server::Server, n: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while server.connections() != n {
        assert!(
            std::time::Instant::now() < deadline,
            "server still has {} connections, expected {n}",
            server.connections()
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// mysql_async helpers shared by the client and account tests.

pub fn mysql_async_opts(
    port: u16,
    user: &str,
    pass: &str,
    ssl: Option<mysql_async::SslOpts>,
) -> mysql_async::Opts {
    mysql_async::OptsBuilder::default()
        .ip_or_hostname("localhost")
        .tcp_port(port)
        .user(Some(user))
        .pass(Some(pass))
        .prefer_socket(false)
        .ssl_opts(ssl)
        .into()
}

/// root over TLS verified against the dev CA.
pub async fn root_conn(port: u16) -> mysql_async::Conn {
    mysql_async::Conn::new(mysql_async_opts(
        port,
        "root",
        ROOT_PASSWORD,
        Some(verified_ssl()),
    ))
    .await
    .expect("root connects over verified TLS")
}

/// A root connection ([`root_conn`]) using database `db`, created if needed.
pub async fn root_conn_in(port: u16, db: &str) -> mysql_async::Conn {
    use mysql_async::prelude::Queryable;
    let mut conn = root_conn(port).await;
    conn.query_drop(format!("CREATE DATABASE IF NOT EXISTS {db}"))
        .await
        .expect("CREATE DATABASE");
    conn.query_drop(format!("USE {db}")).await.expect("USE");
    conn
}

/// The MySQL error of a failed statement: (code, SQLSTATE, message).
pub fn server_error<T: std::fmt::Debug>(r: Result<T, mysql_async::Error>) -> (u16, String, String) {
    match r {
        Err(mysql_async::Error::Server(e)) => (e.code, e.state, e.message),
        other => panic!("expected a server error, got {other:?}"),
    }
}

/// sqlx as root with `ssl_mode(VerifyIdentity)` against the dev CA.
pub async fn sqlx_connect(port: u16) -> Result<sqlx::MySqlConnection, sqlx::Error> {
    use sqlx::ConnectOptions;
    sqlx::mysql::MySqlConnectOptions::new()
        .host("localhost")
        .port(port)
        .username("root")
        .password(ROOT_PASSWORD)
        .ssl_mode(sqlx::mysql::MySqlSslMode::VerifyIdentity)
        .ssl_ca(ca())
        .connect()
        .await
}

/// TLS that verifies the server against the dev CA.
pub fn verified_ssl() -> mysql_async::SslOpts {
    mysql_async::SslOpts::default().with_root_certs(vec![ca().to_path_buf().into()])
}

/// `ssl` plus a client certificate and key.
pub fn with_client_cert(
    ssl: mysql_async::SslOpts,
    cert: &Path,
    key: &Path,
) -> mysql_async::SslOpts {
    ssl.with_client_identity(Some(mysql_async::ClientIdentity::new(
        cert.to_path_buf().into(),
        key.to_path_buf().into(),
    )))
}

impl Raw {
    /// A plain (no SSLRequest) caching_sha2 login attempt; returns the server's final answer (OK or ERR),
    /// skipping a fast-auth notice.
    pub async fn plain_login_reply(port: u16, user: &str, password: &str) -> (Raw, Packet) {
        let mut raw = Raw::connect(port).await;
        let g = raw.greeting().await;
        raw.send_response(user, password, &g.auth_plugin_data, false)
            .await;
        let mut p = raw.read().await.unwrap();
        if p.payload.first() == Some(&0x01) {
            p = raw.read().await.unwrap();
        }
        (raw, p)
    }
}

/// The MySQL error code of a failed mysql_async call (None for client-side and I/O errors).
pub fn server_code(e: &mysql_async::Error) -> Option<u16> {
    match e {
        mysql_async::Error::Server(s) => Some(s.code),
        _ => None,
    }
}

/// Waits (bounded) until SHOW PROCESSLIST on `conn` shows connection `id` running a query.
pub async fn wait_until_running(conn: &mut mysql_async::Conn, id: u32) {
    use mysql_async::prelude::Queryable;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let list: Vec<mysql_async::Row> = conn.query("SHOW PROCESSLIST").await.unwrap();
        if list.iter().any(|r| {
            r.get::<u64, _>(0) == Some(u64::from(id))
                && r.get::<String, _>(4).as_deref() == Some("Query")
        }) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "connection {id} never ran its query"
        );
        tokio::task::yield_now().await;
    }
}
