//! The myseal server: listener, per-connection session state machine, and the library API for embedding.
//!
//! Module map:
//! - [`config`]: [`Config`] and [`TlsOptions`], what the CLI and embedding tests set.
//! - `listener`: accepts TCP, enforces `max_connections`, spawns sessions, graceful stop.
//! - `session`: one connection: greeting → SSLRequest → TLS → authentication → command loop.
//! - `statements`: prepared statements (binary protocol) of a connection.
//! - `io`: packet I/O over plain or TLS streams.
//! - `compress`: the compressed protocol (zlib, zstd), a stream layer under `io`.
//! - `status`: global status counters; `trace`: the `--trace-handshake` log.
//!
//! Embedding in a test:
//! ```no_run
//! # async fn demo() -> Result<(), myseal_server::ServerError> {
//! let mut config = myseal_server::Config::default();
//! config.port = 0; // ephemeral
//! config.tls.certs_dir = std::env::temp_dir().join("myseal-test-certs");
//! config.root_password = "secret".into();
//! let server = myseal_server::Server::start(config).await?; // returns once it accepts connections
//! println!("listening on {}, CA at {:?}", server.local_addr(), server.ca_path());
//! server.shutdown().await;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod compress;
pub mod config;
mod executor;
mod io;
mod listener;
mod processes;
mod query_text;
mod results;
mod session;
mod statements;
mod status;
mod trace;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

pub use config::{Config, InitialUser, TlsOptions};
use myseal_auth::account::{AccountStore, AuthPlugin};
use myseal_engine::{Engine, EngineConfig};
use myseal_tls::{TlsContext, TlsSettings};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The server version string in the greeting and `@@version`.
pub const SERVER_VERSION: &str = "8.4.3-myseal";
/// `@@version_comment`, shown by the mysql CLI's banner.
pub const VERSION_COMMENT: &str = "myseal (MySQL 8.4 compatible, TLS-first)";

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// Certificates could not be generated or loaded.
    #[error("TLS setup failed: {0}")]
    Tls(#[from] myseal_tls::TlsError),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The engine rejected the configuration or an init statement.
    #[error("{0}")]
    Engine(String),
    /// Accounts could not be created.
    #[error("account setup failed: {0}")]
    Auth(#[from] myseal_auth::AuthError),
    /// The init file could not be read.
    #[error("cannot read init file {path}: {source}")]
    InitFile {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The configuration is contradictory.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// State shared by the listener and all sessions.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) engine: Engine,
    /// Accounts, shared with the engine (CREATE USER etc.).
    pub(crate) accounts: Arc<AccountStore>,
    /// The TLS context for new connections (swapped on reload).
    pub(crate) tls: Arc<TlsSlot>,
    pub(crate) counters: Arc<status::Counters>,
    /// RSA key pair for caching_sha2_password full authentication without TLS.
    pub(crate) rsa_keys: Option<Arc<myseal_auth::rsa_keys::RsaKeyPair>>,
    pub(crate) next_connection_id: std::sync::atomic::AtomicU32,
    /// The engine's threads (statements run off the async workers).
    pub(crate) executor: executor::Executor,
    /// Connections, for KILL and SHOW PROCESSLIST.
    pub(crate) processes: Arc<processes::Registry>,
}

impl Shared {
    pub(crate) fn tls(&self) -> Option<Arc<TlsContext>> {
        self.tls.get()
    }
}

/// The TLS context new connections get. `ALTER INSTANCE RELOAD TLS` (and
/// [`Server::reload_tls`], which the binary calls on SIGHUP) loads a new one and swaps it in;
/// established connections keep the one they started with.
#[derive(Debug, Default)]
pub(crate) struct TlsSlot(RwLock<Option<Arc<TlsContext>>>);

impl TlsSlot {
    pub(crate) fn get(&self) -> Option<Arc<TlsContext>> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set(&self, ctx: Option<Arc<TlsContext>>) {
        match self.0.write() {
            Ok(mut guard) => *guard = ctx,
            Err(poisoned) => *poisoned.into_inner() = ctx,
        }
    }
}

impl myseal_engine::TlsReload for TlsSlot {
    fn reload_tls(
        &self,
        files: &myseal_engine::TlsFiles,
        rollback_on_error: bool,
    ) -> Result<(), String> {
        let path = |p: &str| (!p.is_empty()).then(|| PathBuf::from(p));
        let settings = TlsSettings {
            cert: PathBuf::from(&files.cert),
            key: PathBuf::from(&files.key),
            ca: path(&files.ca),
            crl: path(&files.crl),
            crlpath: path(&files.crlpath),
        };
        match TlsContext::load(&settings) {
            Ok(ctx) => {
                tracing::info!(?files, "TLS reloaded for new connections");
                self.set(Some(Arc::new(ctx)));
                Ok(())
            }
            Err(e) => {
                tracing::warn!("TLS reload failed: {e}");
                if !rollback_on_error {
                    self.set(None);
                }
                Err(e.to_string())
            }
        }
    }
}

/// How long [`Server::shutdown`] lets running statements finish before it kills them.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// A running server. Dropping it does not stop it; call [`Server::shutdown`].
pub struct Server {
    local_addr: SocketAddr,
    ca_path: Option<PathBuf>,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Server {
    /// Prepares TLS, accounts and the engine, binds the listener and starts accepting. Returns once the
    /// server accepts connections: that is the ready signal.
    pub async fn start(config: Config) -> Result<Server, ServerError> {
        let tls = load_tls(&config.tls)?;
        if tls.is_none() && config.require_secure_transport {
            return Err(ServerError::Config(
                "require_secure_transport=ON needs TLS; enable TLS or set --require-secure-transport=OFF"
                    .into(),
            ));
        }
        let addr = format!("{}:{}", bracket(&config.bind_address), config.port);
        let listener = TcpListener::bind(&addr)
            .await
            .map_err(|source| ServerError::Bind {
                addr: addr.clone(),
                source,
            })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| ServerError::Bind { addr, source })?;

        // Like MySQL's caching_sha2_password_auto_generate_rsa_keys: private_key.pem/public_key.pem next to
        // the certificates; without them plain-TCP full authentication is refused (MySQL logs and goes on).
        let rsa_keys = match std::fs::create_dir_all(&config.tls.certs_dir)
            .map_err(|e| format!("cannot create {}: {e}", config.tls.certs_dir.display()))
            .and_then(|()| {
                myseal_auth::rsa_keys::RsaKeyPair::load_or_generate(&config.tls.certs_dir)
                    .map_err(|e| e.to_string())
            }) {
            Ok(k) => Some(Arc::new(k)),
            Err(e) => {
                tracing::warn!(
                    "{e}; caching_sha2_password full authentication without TLS is disabled"
                );
                None
            }
        };
        let counters = Arc::new(status::Counters::new(
            rsa_keys.as_ref().map(|k| k.public_key_pem().to_string()),
        ));
        let accounts = Arc::new(AccountStore::new());
        let engine = Engine::new(
            engine_config(&config, tls.as_deref(), local_addr),
            counters.clone(),
            accounts.clone(),
        )
        .map_err(|e| ServerError::Engine(e.to_string()))?;
        accounts.create_user(
            "root",
            "%",
            AuthPlugin::CachingSha2Password,
            config.root_password.as_bytes(),
        )?;
        engine.grant_all_privileges("root", "%");
        if let Some(db) = &config.database {
            engine
                .create_database(db, true)
                .map_err(|e| ServerError::Engine(e.to_string()))?;
        }
        if let Some(user) = &config.user {
            accounts.create_user(
                &user.name,
                "%",
                AuthPlugin::CachingSha2Password,
                user.password.as_bytes(),
            )?;
            // As MySQL's container image: ALL on MYSQL_DATABASE, nothing else.
            if let Some(db) = &config.database {
                engine.grant_database(&user.name, "%", db);
            }
        }
        if let Some(path) = &config.init_file {
            run_init_file(&engine, path)?;
        }

        let processes = Arc::new(processes::Registry::default());
        engine.set_processes(processes.clone());
        let ca_path = tls.as_ref().and_then(|t| t.settings().ca.clone());
        let tls_slot = Arc::new(TlsSlot(RwLock::new(tls)));
        engine.set_tls_reload(tls_slot.clone());
        counters.set_tls(tls_slot.clone());
        let shared = Arc::new(Shared {
            config,
            engine,
            accounts,
            tls: tls_slot,
            counters,
            rsa_keys,
            next_connection_id: std::sync::atomic::AtomicU32::new(1),
            executor: executor::Executor::default(),
            processes: processes.clone(),
        });
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(listener::run(listener, shared.clone(), stop_rx));
        tracing::info!(
            "ready for connections: port={} tls={} require_secure_transport={} ca={}",
            local_addr.port(),
            if shared.tls().is_some() { "on" } else { "off" },
            on_off(shared.config.require_secure_transport),
            ca_path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "none".into())
        );
        Ok(Server {
            local_addr,
            ca_path,
            shared,
            stop,
            task,
        })
    }

    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The CA certificate clients should trust and that verifies client certificates, if any.
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.ca_path.as_deref()
    }

    /// Paths of the server certificate and key in use.
    pub fn tls_settings(&self) -> Option<TlsSettings> {
        self.shared.tls().map(|t| t.settings().clone())
    }

    /// Loads the TLS files the `ssl_cert`, `ssl_key`, `ssl_ca`, `ssl_crl` and `ssl_crlpath`
    /// variables name for new connections, as `ALTER INSTANCE RELOAD TLS` does; on failure the
    /// old files stay in use. The binary calls this on SIGHUP.
    pub fn reload_tls(&self) -> Result<(), String> {
        use myseal_engine::TlsReload;
        self.shared
            .tls
            .reload_tls(&self.shared.engine.tls_files(), true)
    }

    /// Number of open client connections.
    pub fn connections(&self) -> u64 {
        self.shared
            .counters
            .threads_connected
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Stops accepting, closes every connection after its current command, and waits for them:
    /// [`Server::shutdown_within`] with [`SHUTDOWN_GRACE`].
    pub async fn shutdown(self) {
        self.shutdown_within(SHUTDOWN_GRACE).await;
    }

    /// Stops accepting and closes every connection after its current command. Idle connections
    /// close at once, and so do connections whose client does not read what it is sent.
    /// Statements still running after `grace` are killed (as KILL CONNECTION), and after
    /// another `grace` the server gives up on whatever is left and returns anyway.
    pub async fn shutdown_within(self, grace: std::time::Duration) {
        use myseal_engine::Processes;
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(grace, &mut task).await.is_err() {
            let running = self.shared.processes.list();
            tracing::warn!(
                "{} connection(s) still busy {grace:?} after shutdown began; killing them",
                running.len()
            );
            for p in running {
                self.shared.processes.kill(p.id, false, 0);
            }
            if tokio::time::timeout(grace, &mut task).await.is_err() {
                tracing::error!("connections still open after shutdown; abandoning them");
                task.abort();
                return;
            }
        }
        tracing::info!("shutdown complete");
    }
}

fn bracket(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

pub(crate) fn on_off(b: bool) -> &'static str {
    if b {
        "ON"
    } else {
        "OFF"
    }
}

/// Resolves the TLS options into a loaded context, generating dev certificates when none are given.
fn load_tls(opts: &TlsOptions) -> Result<Option<Arc<TlsContext>>, ServerError> {
    if !opts.enabled {
        return Ok(None);
    }
    let settings = match (&opts.cert, &opts.key) {
        (Some(cert), Some(key)) => TlsSettings {
            cert: cert.clone(),
            key: key.clone(),
            ca: opts.ca.clone(),
            crl: opts.crl.clone(),
            crlpath: opts.crlpath.clone(),
        },
        (None, None) => {
            let dev = myseal_tls::ensure_dev_certs(&opts.certs_dir)?;
            TlsSettings {
                cert: dev.server_cert,
                key: dev.server_key,
                ca: Some(opts.ca.clone().unwrap_or(dev.ca_cert)),
                crl: opts.crl.clone(),
                crlpath: opts.crlpath.clone(),
            }
        }
        _ => {
            return Err(ServerError::Config(
                "--ssl-cert and --ssl-key must be given together".into(),
            ))
        }
    };
    Ok(Some(Arc::new(TlsContext::load(&settings)?)))
}

fn engine_config(config: &Config, tls: Option<&TlsContext>, addr: SocketAddr) -> EngineConfig {
    let path = |p: Option<&std::path::Path>| p.map(|p| p.display().to_string()).unwrap_or_default();
    let settings = tls.map(|t| t.settings());
    let have_ssl = if tls.is_some() { "YES" } else { "DISABLED" };
    let globals = vec![
        (
            "require_secure_transport".to_string(),
            on_off(config.require_secure_transport).to_string(),
        ),
        ("have_ssl".to_string(), have_ssl.to_string()),
        ("have_openssl".to_string(), have_ssl.to_string()),
        (
            "tls_version".to_string(),
            if tls.is_some() { "TLSv1.2,TLSv1.3" } else { "" }.to_string(),
        ),
        (
            "ssl_ca".to_string(),
            path(settings.and_then(|s| s.ca.as_deref())),
        ),
        (
            "ssl_cert".to_string(),
            path(settings.map(|s| s.cert.as_path())),
        ),
        (
            "ssl_key".to_string(),
            path(settings.map(|s| s.key.as_path())),
        ),
        (
            "ssl_crl".to_string(),
            path(settings.and_then(|s| s.crl.as_deref())),
        ),
        (
            "ssl_crlpath".to_string(),
            path(settings.and_then(|s| s.crlpath.as_deref())),
        ),
        ("port".to_string(), addr.port().to_string()),
        (
            "local_infile".to_string(),
            on_off(config.local_infile).to_string(),
        ),
        // Client hosts are never resolved: accounts and messages use the IP, as with MySQL's container image.
        ("skip_name_resolve".to_string(), "ON".to_string()),
        ("bind_address".to_string(), config.bind_address.clone()),
        (
            "max_connections".to_string(),
            config.max_connections.to_string(),
        ),
        (
            "max_allowed_packet".to_string(),
            config.max_allowed_packet.to_string(),
        ),
        (
            "connect_timeout".to_string(),
            config.connect_timeout.as_secs().to_string(),
        ),
    ];
    EngineConfig {
        version: SERVER_VERSION.to_string(),
        version_comment: VERSION_COMMENT.to_string(),
        globals,
    }
}

/// Runs `--init-file` statements as the server starts (before it accepts connections).
fn run_init_file(engine: &Engine, path: &std::path::Path) -> Result<(), ServerError> {
    let sql = std::fs::read_to_string(path).map_err(|source| ServerError::InitFile {
        path: path.to_path_buf(),
        source,
    })?;
    let mut session = engine.new_session(myseal_engine::SessionInfo {
        connection_id: 0,
        user: "root".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: None,
        character_set_client: "utf8mb4".into(),
        ..myseal_engine::SessionInfo::default()
    });
    let (_, err) = engine.execute(&mut session, &sql);
    match err {
        Some(e) => Err(ServerError::Engine(format!(
            "init file {}: ERROR {} ({}): {}",
            path.display(),
            e.code,
            e.sql_state,
            e.message
        ))),
        None => Ok(()),
    }
}
