//! Server-wide status counters (`SHOW GLOBAL STATUS`).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Instant;

use myseal_engine::StatusSource;

/// Counters shared by the listener and every session.
#[derive(Debug)]
pub(crate) struct Counters {
    started: Instant,
    pub(crate) connections: AtomicU64,
    pub(crate) threads_connected: AtomicU64,
    pub(crate) max_used_connections: AtomicU64,
    pub(crate) aborted_connects: AtomicU64,
    pub(crate) aborted_clients: AtomicU64,
    pub(crate) ssl_accepts: AtomicU64,
    pub(crate) ssl_finished_accepts: AtomicU64,
    pub(crate) questions: AtomicU64,
    pub(crate) bytes_received: AtomicU64,
    pub(crate) bytes_sent: AtomicU64,
    pub(crate) connection_errors_max_connections: AtomicU64,
    /// Prepared_stmt_count: COM_STMT_PREPARE statements open on all connections.
    pub(crate) prepared_stmt_count: Arc<AtomicU64>,
    /// Connection_errors_accept: `accept()` failures of the listener (EMFILE, ...).
    pub(crate) connection_errors_accept: AtomicU64,
    /// `Caching_sha2_password_rsa_public_key` (reading it generates the process-wide pair of a
    /// server with in-memory certificates, if nothing has yet).
    rsa_keys: Arc<crate::tls::RsaKeys>,
    /// The TLS context new connections get, for the `Current_tls_*` variables.
    tls: std::sync::OnceLock<Arc<crate::TlsSlot>>,
}

impl Counters {
    pub(crate) fn new(rsa_keys: Arc<crate::tls::RsaKeys>) -> Self {
        Counters {
            rsa_keys,
            tls: std::sync::OnceLock::new(),
            started: Instant::now(),
            connections: AtomicU64::new(0),
            threads_connected: AtomicU64::new(0),
            max_used_connections: AtomicU64::new(0),
            aborted_connects: AtomicU64::new(0),
            aborted_clients: AtomicU64::new(0),
            ssl_accepts: AtomicU64::new(0),
            ssl_finished_accepts: AtomicU64::new(0),
            questions: AtomicU64::new(0),
            bytes_received: AtomicU64::new(0),
            bytes_sent: AtomicU64::new(0),
            connection_errors_max_connections: AtomicU64::new(0),
            prepared_stmt_count: Arc::new(AtomicU64::new(0)),
            connection_errors_accept: AtomicU64::new(0),
        }
    }

    pub(crate) fn uptime_secs(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    pub(crate) fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Relaxed);
    }

    /// Counts a new connection (after accept, before the handshake); it holds its place in Threads_connected (and against
    /// max_connections) until the returned slot is dropped, however its task ends.
    pub(crate) fn connection_opened(self: &Arc<Self>) -> Slot {
        Self::inc(&self.connections);
        let now = self.threads_connected.fetch_add(1, Relaxed) + 1;
        self.max_used_connections.fetch_max(now, Relaxed);
        Slot(self.clone())
    }

    /// Counts a connection's traffic when it ends (Threads_connected goes down when its
    /// [`Slot`] is dropped).
    pub(crate) fn connection_traffic(&self, bytes_received: u64, bytes_sent: u64) {
        self.bytes_received.fetch_add(bytes_received, Relaxed);
        self.bytes_sent.fetch_add(bytes_sent, Relaxed);
    }

    /// `COM_STATISTICS` text, as mysqladmin status prints it.
    pub(crate) fn statistics(&self) -> String {
        let uptime = self.uptime_secs();
        let questions = self.questions.load(Relaxed);
        let qps = if uptime == 0 {
            0.0
        } else {
            questions as f64 / uptime as f64
        };
        format!(
            "Uptime: {uptime}  Threads: {}  Questions: {questions}  Slow queries: 0  Opens: 0  Flush tables: 1  Open tables: 0  Queries per second avg: {qps:.3}",
            self.threads_connected.load(Relaxed)
        )
    }
}

impl Counters {
    /// Connects the TLS context the `Current_tls_*` variables describe.
    pub(crate) fn set_tls(&self, slot: Arc<crate::TlsSlot>) {
        let _ = self.tls.set(slot);
    }

    /// `Current_tls_*`: the TLS configuration new connections get now (it changes with
    /// ALTER INSTANCE RELOAD TLS), empty without TLS.
    fn current_tls(&self) -> Vec<(String, String)> {
        let ctx = self.tls.get().and_then(|t| t.get());
        let path =
            |p: Option<&std::path::Path>| p.map(|p| p.display().to_string()).unwrap_or_default();
        let settings = ctx.as_ref().map(|c| c.settings());
        vec![
            (
                "Current_tls_ca".to_string(),
                path(settings.and_then(|s| s.ca.as_deref())),
            ),
            ("Current_tls_capath".to_string(), String::new()),
            (
                "Current_tls_cert".to_string(),
                path(settings.map(|s| s.cert.as_path())),
            ),
            ("Current_tls_cipher".to_string(), String::new()),
            ("Current_tls_ciphersuites".to_string(), String::new()),
            (
                "Current_tls_crl".to_string(),
                path(settings.and_then(|s| s.crl.as_deref())),
            ),
            (
                "Current_tls_crlpath".to_string(),
                path(settings.and_then(|s| s.crlpath.as_deref())),
            ),
            (
                "Current_tls_key".to_string(),
                path(settings.map(|s| s.key.as_path())),
            ),
            (
                "Current_tls_version".to_string(),
                if ctx.is_some() {
                    "TLSv1.2,TLSv1.3".to_string()
                } else {
                    String::new()
                },
            ),
        ]
    }
}

impl StatusSource for Counters {
    fn global_status(&self) -> Vec<(String, String)> {
        let v = |name: &str, c: &AtomicU64| (name.to_string(), c.load(Relaxed).to_string());
        let mut all = vec![
            v("Aborted_clients", &self.aborted_clients),
            v("Aborted_connects", &self.aborted_connects),
            v("Bytes_received", &self.bytes_received),
            v("Bytes_sent", &self.bytes_sent),
            (
                "Caching_sha2_password_rsa_public_key".to_string(),
                self.rsa_keys
                    .get()
                    .map(|k| k.public_key_pem().to_string())
                    .unwrap_or_default(),
            ),
            v("Connection_errors_accept", &self.connection_errors_accept),
            // Never raised here: no internal allocation failures are caught, peer addresses
            // are not resolved, there is no select() and no TCP wrappers.
            ("Connection_errors_internal".to_string(), "0".to_string()),
            v(
                "Connection_errors_max_connections",
                &self.connection_errors_max_connections,
            ),
            (
                "Connection_errors_peer_address".to_string(),
                "0".to_string(),
            ),
            ("Connection_errors_select".to_string(), "0".to_string()),
            ("Connection_errors_tcpwrap".to_string(), "0".to_string()),
            v("Connections", &self.connections),
            v("Max_used_connections", &self.max_used_connections),
            v("Prepared_stmt_count", &self.prepared_stmt_count),
            v("Questions", &self.questions),
            v("Ssl_accepts", &self.ssl_accepts),
            v("Ssl_finished_accepts", &self.ssl_finished_accepts),
            v("Threads_connected", &self.threads_connected),
            ("Threads_running".to_string(), "1".to_string()),
            ("Uptime".to_string(), self.uptime_secs().to_string()),
        ];
        all.extend(self.current_tls());
        all.sort();
        all
    }
}

/// A connection's place in Threads_connected: a drop guard, so that a session task that
/// panics gives its place back too.
pub(crate) struct Slot(Arc<Counters>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.threads_connected.fetch_sub(1, Relaxed);
    }
}
