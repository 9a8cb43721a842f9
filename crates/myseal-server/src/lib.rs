//! The myseal server: listener, per-connection session state machine, and the library API for embedding.
//!
//! Module map:
//! - [`config`]: [`Config`] and [`TlsOptions`], what the CLI and embedding tests set.
//! - `listener`: accepts TCP, enforces `max_connections`, spawns sessions, graceful stop.
//! - `session`: one connection: greeting → SSLRequest → TLS → authentication → command loop.
//! - `statements`: prepared statements (binary protocol) of a connection.
//! - `io`: packet I/O over plain or TLS streams.
//! - `compress`: the compressed protocol (zlib, zstd), a stream layer under `io`.
//! - `status`: global status counters; `trace`: the `--trace-handshake` log and the typed
//!   [`HandshakeEvent`]s of [`Server::handshake_events`] (`myseal demo`).
//! - `tls`: the TLS context new connections get (and `ALTER INSTANCE RELOAD TLS`), the
//!   caching_sha2_password RSA key pair.
//! - Test fixtures: `builder` ([`Builder`], [`Account`]), `fixture` ([`TestServer`], connection
//!   options for mysql_async and sqlx behind the features of those names), `blocking`
//!   ([`BlockingTestServer`]), [`external`] (`MYSEAL_EXTERNAL_URL`).
//!
//! Embedding in a test:
//! ```no_run
//! # async fn demo() -> Result<(), myseal_server::ServerError> {
//! let server = myseal_server::Server::builder() // port 0, in-memory certificates
//!     .root_password("secret")
//!     .database("app")
//!     .start()
//!     .await?; // returns once it accepts connections
//! println!("listening on {}, trust {:?}", server.addr(), server.ca_pem());
//! server.shutdown().await;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod blocking;
mod builder;
mod compress;
pub mod config;
mod cursor;
mod datadir;
mod executor;
pub mod external;
mod fixture;
mod io;
mod listener;
mod processes;
mod query_text;
mod results;
mod session;
mod statements;
mod status;
mod tls;
mod trace;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub use blocking::BlockingTestServer;
pub use builder::{Account, Builder};
pub use config::{Config, InitSql, InitialUser, TlsOptions};
pub use datadir::STATE_FILE;
pub use external::ExternalUrl;
pub use fixture::{ClientIdentity, TestServer};
use myseal_auth::account::{AccountStore, AuthPlugin};
use myseal_engine::{Engine, EngineConfig};
pub use myseal_engine::{EngineError, Snapshot};
pub use myseal_tls::{MemoryCerts, TlsFault};
use myseal_tls::{TlsContext, TlsSettings};
pub(crate) use tls::TlsSlot;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
pub use trace::{Actor, CertVerification, ConnectionState, HandshakeEvent, HandshakeStep};

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
    /// The state saved in `--datadir` could not be loaded (damaged, cut short, written by a
    /// newer myseal, or a statement of it failed); the file is left as it is.
    #[error("cannot load the saved state: {0}")]
    Datadir(String),
    /// An external server (`MYSEAL_EXTERNAL_URL`) could not be used.
    #[error("external server: {0}")]
    External(String),
    /// A file or thread a test fixture needs could not be made.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The OS error.
        source: std::io::Error,
    },
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
    pub(crate) rsa_keys: Arc<tls::RsaKeys>,
    pub(crate) next_connection_id: std::sync::atomic::AtomicU32,
    /// The engine's threads (statements run off the async workers).
    pub(crate) executor: executor::Executor,
    /// Connections, for KILL and SHOW PROCESSLIST.
    pub(crate) processes: Arc<processes::Registry>,
    /// Handshake events for [`Server::handshake_events`] subscribers.
    pub(crate) events: tokio::sync::broadcast::Sender<HandshakeEvent>,
    /// `--datadir`: saved to at shutdown (and on FLUSH TABLES, through the engine).
    pub(crate) datadir: Option<Arc<datadir::Datadir>>,
}

impl Shared {
    pub(crate) fn tls(&self) -> Option<Arc<TlsContext>> {
        self.tls.get()
    }

    /// The RSA key pair a connection's authentication may use (see
    /// [`tls::RsaKeys::for_connection`]). The first use of the process-wide pair generates it on
    /// an engine thread, not on an async worker.
    pub(crate) async fn rsa_keys_for(
        &self,
        secure: bool,
        require_secure: bool,
    ) -> Option<Arc<myseal_auth::rsa_keys::RsaKeyPair>> {
        if self.rsa_keys.is_ready() {
            return self.rsa_keys.for_connection(secure, require_secure);
        }
        let keys = self.rsa_keys.clone();
        self.executor
            .run(move || keys.for_connection(secure, require_secure))
            .await
            .unwrap_or(None)
    }
}

/// How many handshake events a slow [`Server::handshake_events`] subscriber may fall behind.
pub const EVENT_BUFFER: usize = 4096;

/// How long [`Server::restore`] waits for open transactions on the tables it replaces.
pub const RESTORE_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long [`Server::shutdown`] lets running statements finish before it kills them.
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// A running server. Dropping it does not stop it; call [`Server::shutdown`].
pub struct Server {
    local_addr: SocketAddr,
    /// The `--tls-fault-port` listeners, with their real addresses.
    fault_addrs: Vec<(TlsFault, SocketAddr)>,
    ca_path: Option<PathBuf>,
    memory_certs: Option<Arc<MemoryCerts>>,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Server {
    /// Prepares TLS, accounts and the engine, binds the listener and starts accepting. Returns once the
    /// server accepts connections: that is the ready signal.
    pub async fn start(config: Config) -> Result<Server, ServerError> {
        let tls::LoadedTls {
            ctx: tls,
            memory: memory_certs,
            fault_ca,
        } = tls::load(&config.tls)?;
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
        let main_fault = match config.tls.fault {
            Some(f) => Some(Arc::new(tls::port_fault(f, fault_ca.as_ref())?)),
            None => None,
        };
        let mut listeners = vec![listener::Listening {
            listener,
            fault: main_fault,
        }];
        let mut fault_addrs = Vec::new();
        for &(fault, port) in &config.tls.fault_ports {
            let port_fault = Arc::new(tls::port_fault(fault, fault_ca.as_ref())?);
            let addr = format!("{}:{}", bracket(&config.bind_address), port);
            let l = TcpListener::bind(&addr)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: format!("{addr} (--tls-fault-port {fault})"),
                    source,
                })?;
            let bound = l
                .local_addr()
                .map_err(|source| ServerError::Bind { addr, source })?;
            fault_addrs.push((fault, bound));
            listeners.push(listener::Listening {
                listener: l,
                fault: Some(port_fault),
            });
        }

        let rsa_keys = Arc::new(tls::rsa_keys(&config.tls));
        let counters = Arc::new(status::Counters::new(rsa_keys.clone()));
        let accounts = Arc::new(AccountStore::new());
        let engine = Engine::new(
            engine_config(&config, tls.as_deref(), local_addr),
            counters.clone(),
            accounts.clone(),
        )
        .map_err(|e| ServerError::Engine(e.to_string()))?;
        // A data directory with a saved state: that state is the server's (its accounts
        // included, so the root password, database and user options apply only to a new one).
        let datadir = match &config.datadir {
            Some(dir) => Some(Arc::new(datadir::Datadir::open(dir)?)),
            None => None,
        };
        let loaded = match &datadir {
            Some(d) => d.load(&engine)?,
            None => false,
        };
        if !loaded {
            initial_state(&engine, &accounts, &config)?;
        }
        if let Some(path) = &config.init_file {
            run_init_file(&engine, path)?;
        }
        for init in &config.init_sql {
            run_sql(&engine, &init.sql, &init.label)?;
        }
        if let Some(d) = &datadir {
            if !loaded {
                // A new data directory holds a loadable state from the start.
                d.save(&engine)
                    .map_err(|e| ServerError::Datadir(e.to_string()))?;
            }
            engine.set_persist(d.clone());
        }

        let processes = Arc::new(processes::Registry::default());
        engine.set_processes(processes.clone());
        let ca_path = tls.as_ref().and_then(|t| t.settings().ca.clone());
        let tls_slot = Arc::new(TlsSlot::new(
            tls,
            memory_certs.as_ref().map(|m| m.server_pem()),
            config.tls.require_client_cert,
        ));
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
            events: tokio::sync::broadcast::channel(EVENT_BUFFER).0,
            datadir,
        });
        let (stop, stop_rx) = watch::channel(false);
        let task = tokio::spawn(listener::run(listeners, shared.clone(), stop_rx));
        for (fault, addr) in &fault_addrs {
            tracing::warn!(
                "TLS fault port {}: {fault}: the server {}; a correct client refuses it ({})",
                addr.port(),
                fault.what(),
                fault.client_check()
            );
        }
        if let Some(f) = shared.config.tls.fault {
            tracing::warn!(
                "TLS fault on the main port: {f}: the server {}; a correct client refuses it ({})",
                f.what(),
                f.client_check()
            );
        }
        tracing::info!(
            "ready for connections: port={} tls={} require_secure_transport={} ca={}",
            local_addr.port(),
            if shared.tls().is_some() { "on" } else { "off" },
            on_off(shared.config.require_secure_transport),
            match (&ca_path, &memory_certs) {
                (Some(p), _) => p.display().to_string(),
                (None, Some(_)) => "in-memory".into(),
                (None, None) => "none".into(),
            }
        );
        Ok(Server {
            local_addr,
            fault_addrs,
            ca_path,
            memory_certs,
            shared,
            stop,
            task,
        })
    }

    /// The address the server listens on (with the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The `--tls-fault-port` listeners: each fault with its address (the real port when 0
    /// was asked for), in the order they were given.
    pub fn fault_ports(&self) -> &[(TlsFault, SocketAddr)] {
        &self.fault_addrs
    }

    /// The TLS fault the main port presents (`--tls-fault`), if any.
    pub fn tls_fault(&self) -> Option<TlsFault> {
        self.shared.config.tls.fault
    }

    /// Subscribes to the steps of every connection that starts from now on (on every port):
    /// typed [`HandshakeEvent`]s in the order they happen, what `myseal demo` prints. Connections
    /// that started before the first subscription send none. A subscriber that falls more than
    /// [`EVENT_BUFFER`] events behind loses the oldest (`RecvError::Lagged`).
    pub fn handshake_events(&self) -> tokio::sync::broadcast::Receiver<HandshakeEvent> {
        self.shared.events.subscribe()
    }

    /// The CA certificate clients should trust and that verifies client certificates, if any.
    /// `None` for a server whose certificates are in memory: see [`Server::memory_certs`].
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.ca_path.as_deref()
    }

    /// The CA, server and client certificates generated in memory at start
    /// ([`TlsOptions::in_memory`]): clients trust `ca_cert`; `client_cert`/`client_key` is a
    /// client identity the server accepts.
    pub fn memory_certs(&self) -> Option<&MemoryCerts> {
        self.memory_certs.as_deref()
    }

    /// A server with options built step by step, for tests: in-memory certificates, an
    /// ephemeral port, accounts, databases and init SQL; see [`Builder`].
    pub fn builder() -> Builder {
        Builder::new()
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

    /// A snapshot of every database's tables and rows, in O(tables): rows are shared with the
    /// live tables, not copied. Accounts and grants are not part of it.
    pub fn snapshot(&self) -> Snapshot {
        self.shared.engine.snapshot()
    }

    /// Puts every database back as it was at `snap` (rows, tables, AUTO_INCREMENT counters;
    /// databases created since are dropped), in O(tables). Like DDL it first waits for open
    /// transactions that use a table to end, at most [`RESTORE_WAIT`], then fails with ER 1205.
    pub fn restore(&self, snap: &Snapshot) -> Result<(), EngineError> {
        self.shared.engine.restore(snap, RESTORE_WAIT)
    }

    /// Creates database `dst` as a copy of `src`'s tables and rows (`CREATE DATABASE dst CLONE
    /// src`), in O(tables) whatever the number of rows.
    pub fn clone_database(&self, src: &str, dst: &str) -> Result<(), EngineError> {
        self.shared.engine.clone_database(src, dst)
    }

    /// Number of open client connections.
    pub fn connections(&self) -> u64 {
        self.shared
            .counters
            .threads_connected
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Starts a shutdown without waiting for it: the server stops accepting (the listening socket
    /// closes) and closes every connection after its current command, on its own tasks, which
    /// must still be polled (they run on the runtime that started the server). Once the last
    /// connection is gone the server's state and its engine threads go away. For a `Drop` that
    /// cannot await; [`Server::shutdown`] waits.
    pub fn begin_shutdown(&self) {
        let _ = self.stop.send(true);
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
                save_at_shutdown(&self.shared).await;
                return;
            }
        }
        // Every connection is gone: the state is saved as the last of them left it.
        save_at_shutdown(&self.shared).await;
        // Every connection is gone, so the engine threads are idle or finishing a statement
        // that was killed: they end now rather than after their idle timeout.
        self.shared
            .executor
            .close(grace.min(std::time::Duration::from_secs(1)));
        tracing::info!("shutdown complete");
    }
}

/// `--datadir`: saves the whole state on an engine thread (a large state takes a while).
async fn save_at_shutdown(shared: &Arc<Shared>) {
    let Some(d) = shared.datadir.clone() else {
        return;
    };
    let sh = shared.clone();
    match shared.executor.run(move || d.save(&sh.engine)).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::error!("saving the state at shutdown failed: {e}"),
        Err(_) => tracing::error!("saving the state at shutdown panicked"),
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

/// The accounts and database a new server starts with: root, `--database`, `--user`.
fn initial_state(
    engine: &Engine,
    accounts: &AccountStore,
    config: &Config,
) -> Result<(), ServerError> {
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
    Ok(())
}

/// Runs `--init-file` statements as the server starts (before it accepts connections).
fn run_init_file(engine: &Engine, path: &std::path::Path) -> Result<(), ServerError> {
    let sql = std::fs::read_to_string(path).map_err(|source| ServerError::InitFile {
        path: path.to_path_buf(),
        source,
    })?;
    run_sql(engine, &sql, &format!("init file {}", path.display()))
}

/// Runs SQL as `root`@`%` as the server starts; `label` names it in the error.
fn run_sql(engine: &Engine, sql: &str, label: &str) -> Result<(), ServerError> {
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
    let (_, err) = engine.execute(&mut session, sql);
    match err {
        Some(e) => Err(ServerError::Engine(format!(
            "{label}: ERROR {} ({}): {}",
            e.code, e.sql_state, e.message
        ))),
        None => Ok(()),
    }
}
