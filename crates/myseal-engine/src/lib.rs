#![forbid(unsafe_code)]
//! myseal's SQL engine: catalog, system/status variables, parsing (sqlparser, MySQL dialect) and
//! execution.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-statements.html>
//!
//! **Architecture Invariant:** the engine does no I/O and never sees protocol bytes. The server
//! hands it SQL text ([`Engine::execute`]) and gets back typed [`Column`]s and [`Value`]s in
//! [`Outcome`]s, or an [`EngineError`] carrying MySQL's code, SQLSTATE and message.
//!
//! Module map:
//! - [`error`]: [`EngineError`] and one constructor per MySQL error used.
//! - [`value`]: [`Value`], MySQL number/string conversions, exact decimals, double rendering.
//! - `vars`: the system variable table (scope, type, default, read-only) and SET validation.
//! - `status`: SHOW STATUS assembly from the server's [`StatusSource`] and per-session status.
//! - `catalog`: databases (tables come later).
//! - `parse`: tokenizing, statement splitting, MySQL-only statements (SET, DO, SHOW WARNINGS),
//!   MySQL-style syntax errors and select-item names taken from the original text.
//! - `expr`: the expression evaluator.
//! - `prepare`: server-side prepared statements ([`Prepared`], [`Engine::prepare`],
//!   [`Engine::execute_prepared`]): `?` markers are found once, and each execution substitutes
//!   SQL literals for them and runs the text through [`Engine::execute`].
//! - `exec`: one file per statement family (select, set, show, database, transaction, account).
//!   Account statements (CREATE/ALTER/DROP/RENAME USER, SET PASSWORD, SHOW GRANTS, ...) act on
//!   the server's shared `myseal_auth::account::AccountStore`.

pub mod error;
pub mod value;

#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
mod bind;
#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
mod catalog;
pub mod charset;
pub mod collation;
#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
mod ctx;
pub mod datetime;
mod dump;
mod exec;
mod execute;
mod expr;
#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
mod func;
mod grant_tables;
#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
mod infoschema;
mod json;
mod normalize;
mod parse;
#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
mod plan;
#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
mod prepare;
mod privilege;
mod status;
mod stmt;
#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
mod storage;
#[allow(dead_code)] // parts used by the statements still being moved onto the pipeline
pub mod temporal;
pub mod types;
mod user_lock;
mod vars;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};

use myseal_auth::account::AccountStore;

pub use dump::LoadError;
pub use error::EngineError;
pub use prepare::Prepared;
pub use storage::snapshot::Snapshot;
pub use value::Value;

/// Engine configuration chosen by the server/CLI at start-up.
#[derive(Clone, Debug, Default)]
pub struct EngineConfig {
    /// Server version string, e.g. `"8.4.3-myseal"` (`@@version`, `VERSION()`).
    pub version: String,
    /// `@@version_comment`, e.g. `"myseal (MySQL-compatible, TLS-first test server)"`.
    pub version_comment: String,
    /// Initial values for global system variables set by the server/CLI, e.g. ("require_secure_transport","ON"),
    /// ("have_ssl","YES"), ("have_openssl","YES"), ("tls_version","TLSv1.2,TLSv1.3"), ("ssl_ca", path),
    /// ("ssl_cert", path), ("ssl_key", path), ("port","3306"), ("bind_address","127.0.0.1"), ("hostname", ...),
    /// ("max_connections","151"), ("max_allowed_packet","67108864"). Unknown names are an error at Engine::new.
    pub globals: Vec<(String, String)>,
}

/// Global status counters owned by the server (Threads_connected, Connections, Uptime, Aborted_connects, ...).
pub trait StatusSource: Send + Sync {
    /// Current `(Variable_name, Value)` pairs for SHOW [GLOBAL] STATUS.
    fn global_status(&self) -> Vec<(String, String)>;
}

/// One connection as SHOW PROCESSLIST lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessRow {
    /// Connection id.
    pub id: u32,
    /// Account user.
    pub user: String,
    /// Client host (and port).
    pub host: String,
    /// Current database.
    pub db: Option<String>,
    /// `Query`, `Sleep`, `Execute`, ...
    pub command: String,
    /// Seconds in the current state.
    pub time: u64,
    /// State text (empty when idle).
    pub state: String,
    /// The running statement, if any.
    pub info: Option<String>,
}

/// The files `ALTER INSTANCE RELOAD TLS` loads: what the `ssl_cert`, `ssl_key`, `ssl_ca`,
/// `ssl_crl` and `ssl_crlpath` variables name now (an empty string means not set).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsFiles {
    /// `ssl_cert`.
    pub cert: String,
    /// `ssl_key`.
    pub key: String,
    /// `ssl_ca` (empty: client certificates are not requested).
    pub ca: String,
    /// `ssl_crl`.
    pub crl: String,
    /// `ssl_crlpath`.
    pub crlpath: String,
}

/// The server's TLS configuration, for `ALTER INSTANCE RELOAD TLS`.
pub trait TlsReload: Send + Sync {
    /// Loads `files` for new connections; established ones keep theirs. On failure the current
    /// configuration stays, unless `rollback_on_error` is false, in which case new connections
    /// get no TLS. The error text is the loader's, for ER 3888.
    fn reload_tls(&self, files: &TlsFiles, rollback_on_error: bool) -> Result<(), String>;
}

/// Where the server keeps its state between runs (`--datadir`): FLUSH TABLES saves through it.
pub trait Persist: Send + Sync {
    /// Saves the engine's whole state ([`Engine::dump`]); the error is ER_ERROR_ON_WRITE's
    /// text (`Error writing file '...' (errno: N - ...)`).
    fn save(&self, engine: &Engine) -> Result<(), String>;
}

/// The server's connection registry, for KILL and SHOW PROCESSLIST.
pub trait Processes: Send + Sync {
    /// KILL [QUERY|CONNECTION] id on behalf of `by` (the issuing connection id): false when no
    /// such connection exists (ER 1094).
    fn kill(&self, id: u32, query_only: bool, by: u32) -> bool;
    /// Every connection.
    fn list(&self) -> Vec<ProcessRow>;
}

/// What the server knows about a connection when it starts a session.
#[derive(Clone, Debug, Default)]
pub struct SessionInfo {
    /// Connection id (`CONNECTION_ID()`).
    pub connection_id: u32,
    /// Authenticated user name.
    pub user: String,
    /// The client's host as seen by the server, for `USER()`.
    pub client_host: String,
    /// account host pattern as matched, for CURRENT_USER()
    pub account_host: String,
    /// per-connection status, set by the server: ("Ssl_cipher", ..), ("Ssl_version", ..),
    /// ("Ssl_server_not_before", ..), ("Ssl_server_not_after", ..), ("Ssl_verify_mode", ..), ("Ssl_cipher_list", ..)...
    pub status: Vec<(String, String)>,
    /// Database named in the handshake (must exist; the server checks with [`Engine::database_exists`]).
    pub database: Option<String>,
    /// Character set from the handshake collation id: "utf8mb4", "latin1", ...
    pub character_set_client: String,
    /// The account's password has expired (`PASSWORD EXPIRE`) and the client can handle it:
    /// the session may only change the password (MySQL's sandbox mode, ER 1820 for anything
    /// else) until it does.
    pub password_expired: bool,
    /// The account's per-hour counters (MAX_QUERIES_PER_HOUR, MAX_UPDATES_PER_HOUR), when it
    /// had such limits at login: every statement of a text query is charged to them.
    pub usage: Option<Arc<myseal_auth::resources::Usage>>,
}

/// A session-state change reported to CLIENT_SESSION_TRACK clients (see
/// [`Session::take_tracked_changes`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrackedChange {
    /// A tracked system variable and its new session value.
    SystemVariable(String, String),
    /// The new current database.
    Schema(String),
    /// Something in the session state changed (session_track_state_change).
    StateChanged,
}

/// One entry of SHOW WARNINGS / SHOW ERRORS.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Warning {
    pub(crate) level: &'static str,
    pub(crate) code: u16,
    pub(crate) message: String,
}

/// Per-connection state: current database, session variables, user variables, transaction state.
/// Cloneable so that [`Engine::prepare`] can compute result columns on a throw-away copy.
#[derive(Debug)]
pub struct Session {
    pub(crate) info: SessionInfo,
    pub(crate) database: Option<String>,
    /// Session values of `Both`/`Session` scoped system variables, keyed by canonical name.
    pub(crate) vars: BTreeMap<&'static str, String>,
    /// User variables (`@x`), keyed by lower-cased name.
    pub(crate) user_vars: HashMap<String, Value>,
    /// Statements of SQL-level PREPARE, by lower-cased name.
    pub(crate) sql_prepared: HashMap<String, Arc<Prepared>>,
    pub(crate) in_transaction: bool,
    pub(crate) last_insert_id: u64,
    pub(crate) warnings: Vec<Warning>,
    /// The code and SQLSTATE of the error in `warnings` (GET DIAGNOSTICS reads it).
    pub(crate) error_sqlstate: Option<(u16, &'static str)>,
    pub(crate) status: BTreeMap<String, String>,
    /// The open transaction (BEGIN ... COMMIT); autocommit statements use an implicit one.
    pub(crate) txn: Option<storage::Txn>,
    /// Set by KILL QUERY / KILL CONNECTION; checked by running operators.
    pub(crate) cancel: Arc<AtomicBool>,
    /// max_execution_time deadline of the running statement.
    pub(crate) deadline: Option<std::time::Instant>,
    /// ROW_COUNT().
    pub(crate) row_count: i64,
    /// FOUND_ROWS().
    pub(crate) found_rows: u64,
    /// CLIENT_FOUND_ROWS: UPDATE reports matched rather than changed rows.
    pub(crate) found_rows_flag: bool,
    /// CLIENT_MULTI_STATEMENTS (or COM_SET_OPTION on): a text may hold several statements;
    /// otherwise anything after the first is a syntax error, as in MySQL.
    pub(crate) multi_statements: bool,
    /// Session-state changes since the server last took them (CLIENT_SESSION_TRACK).
    pub(crate) tracked: Vec<TrackedChange>,
    /// CLIENT_LOCAL_FILES: the client will send files for LOAD DATA LOCAL.
    pub(crate) local_files: bool,
    /// The LOAD DATA LOCAL waiting for the client's file (see [`Engine::load_local_data`]).
    pub(crate) pending_load: Option<Box<stmt::load::LoadSpec>>,
    /// RAND() state.
    pub(crate) rng: u64,
    /// Values of the running prepared statement's `?` markers (empty for text queries).
    pub(crate) params: Arc<[Value]>,
    /// Where a streamed result goes (see [`RowSink`]); set by the server.
    pub(crate) sink: Option<Box<dyn RowSink>>,
    /// True while the running statement's result may stream (it is the first of its text).
    pub(crate) may_stream: bool,
    /// The stored functions being called, outermost first (`db.name`, lower-cased): a
    /// function already on it is recursion (ER 1424).
    pub(crate) routine_stack: Vec<String>,
    /// True while a write is tried on the caller's thread: it may not wait for a lock and has
    /// a step budget (see `Engine::try_write_inline`).
    pub(crate) inline_try: bool,
    /// Set when such a try would have waited or ran over its budget.
    pub(crate) inline_blocked: bool,
    /// The session's temporary tables, dropped with the session.
    pub(crate) temp: storage::temp::TempTables,
    /// The tables LOCK TABLES holds (None: no LOCK TABLES in effect); see `stmt::admin`.
    pub(crate) locked_tables: Option<Vec<LockedTable>>,
    /// Bumped by every LOCK TABLES: plans bound under one set of table locks are not reused
    /// under another (see `stmt::cache`).
    pub(crate) lock_generation: u64,
    /// The grants of the session's account and the version of the grant table they were read
    /// at (see [`Session::grants`]).
    pub(crate) grants: parking_lot::Mutex<Option<(u64, Arc<privilege::AccountGrants>)>>,
    /// The roles in effect (SET ROLE; the default roles at login).
    pub(crate) active_roles: Vec<privilege::Role>,
    /// Tables whose rows the statements running triggers are changing, innermost last: a
    /// trigger may not write them (ER 1442).
    pub(crate) trigger_tables: Vec<u64>,
    /// The session's user-level locks (GET_LOCK), taken on first use; dropping the session
    /// releases them.
    pub(crate) user_locks: Option<user_lock::Owner>,
    /// A session of the server itself ([`Engine::system_session`]): every privilege, whatever
    /// accounts exist.
    pub(crate) system: bool,
    /// The collation SET NAMES ... [COLLATE] or the handshake gave `character_set_results`
    /// (MySQL keeps a collation there, and column definitions carry its id); see
    /// [`Session::results_collation`].
    pub(crate) results_collation: Option<collation::Collation>,
}

/// A table LOCK TABLES holds for its session.
#[derive(Clone, Debug)]
pub(crate) struct LockedTable {
    pub(crate) schema: String,
    pub(crate) name: String,
    /// The name the statement used for it (its alias, or the table name).
    pub(crate) alias: String,
    pub(crate) write: bool,
    /// A table of a locked view (LOCK TABLES locks a view's tables too): usable only through
    /// a view, as in MySQL.
    pub(crate) via_view: bool,
}

impl Session {
    /// An empty session that stands in while the real one is lent to an executor thread; it
    /// owns no transaction and must not run statements.
    pub fn placeholder() -> Session {
        Session {
            info: SessionInfo::default(),
            database: None,
            vars: BTreeMap::new(),
            user_vars: HashMap::new(),
            sql_prepared: HashMap::new(),
            in_transaction: false,
            last_insert_id: 0,
            warnings: Vec::new(),
            error_sqlstate: None,
            status: BTreeMap::new(),
            txn: None,
            cancel: Arc::new(AtomicBool::new(false)),
            deadline: None,
            row_count: -1,
            found_rows: 0,
            found_rows_flag: false,
            multi_statements: true,
            tracked: Vec::new(),
            local_files: false,
            pending_load: None,
            rng: 1,
            params: Arc::from([]),
            sink: None,
            may_stream: false,
            routine_stack: Vec::new(),
            inline_try: false,
            inline_blocked: false,
            temp: storage::temp::TempTables::default(),
            locked_tables: None,
            lock_generation: 0,
            grants: parking_lot::Mutex::new(None),
            active_roles: Vec::new(),
            trigger_tables: Vec::new(),
            user_locks: None,
            system: false,
            results_collation: None,
        }
    }

    /// Ends the session's open transaction, rolling it back (a client that went away).
    pub fn rollback_open_transaction(&mut self, engine: &Engine) {
        if let Some(t) = self.txn.take() {
            engine.store.rollback(t);
        }
        self.in_transaction = false;
    }

    /// Number of temporary tables the session has (they go when the session is dropped).
    pub fn temporary_tables(&self) -> usize {
        self.temp.len()
    }
}

impl Clone for Session {
    /// A copy for dry runs: it shares nothing transactional (no open transaction); it sees
    /// the same temporary tables (a copy: changes to them stay in the copy).
    fn clone(&self) -> Self {
        Session {
            info: self.info.clone(),
            database: self.database.clone(),
            vars: self.vars.clone(),
            user_vars: self.user_vars.clone(),
            sql_prepared: self.sql_prepared.clone(),
            in_transaction: self.in_transaction,
            last_insert_id: self.last_insert_id,
            warnings: self.warnings.clone(),
            error_sqlstate: self.error_sqlstate,
            status: self.status.clone(),
            txn: None,
            cancel: Arc::new(AtomicBool::new(false)),
            deadline: None,
            row_count: self.row_count,
            found_rows: self.found_rows,
            found_rows_flag: self.found_rows_flag,
            multi_statements: self.multi_statements,
            tracked: Vec::new(),
            local_files: false,
            pending_load: None,
            rng: self.rng,
            params: self.params.clone(),
            sink: None,
            may_stream: false,
            routine_stack: Vec::new(),
            inline_try: false,
            inline_blocked: false,
            temp: self.temp.clone(),
            locked_tables: self.locked_tables.clone(),
            lock_generation: self.lock_generation,
            grants: parking_lot::Mutex::new(self.grants.lock().clone()),
            active_roles: self.active_roles.clone(),
            trigger_tables: Vec::new(),
            // A copy owns no user locks (a GET_LOCK run in it takes its own).
            user_locks: None,
            system: false,
            results_collation: self.results_collation,
        }
    }
}

impl Session {
    /// Under LOCK TABLES, whether the session may use table `schema.name` (a base table) that
    /// a statement names `as_named`: ER_TABLE_NOT_LOCKED (1100) if it is not locked, else
    /// Ok(true) for a WRITE lock and Ok(false) for a READ lock. Ok(true) without LOCK TABLES.
    /// `via_view`: the statement uses it through a view; the tables LOCK TABLES locked for a
    /// locked view count only then.
    pub(crate) fn table_lock_via(
        &self,
        schema: &str,
        name: &str,
        as_named: &str,
        via_view: bool,
    ) -> Result<bool, EngineError> {
        let Some(locked) = &self.locked_tables else {
            return Ok(true);
        };
        locked
            .iter()
            .filter(|l| l.schema == schema && l.name == name && (via_view || !l.via_view))
            .map(|l| l.write)
            .max()
            .ok_or_else(|| {
                EngineError::new(
                    1100,
                    "HY000",
                    format!("Table '{as_named}' was not locked with LOCK TABLES"),
                )
            })
    }
}

impl Session {
    /// True while the session's password has expired and must be changed (sandbox mode).
    pub fn password_expired(&self) -> bool {
        self.info.password_expired
    }

    /// Current database (`DATABASE()`), None if none selected.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// Session autocommit (SERVER_STATUS_AUTOCOMMIT).
    pub fn autocommit(&self) -> bool {
        self.vars.get("autocommit").is_none_or(|v| v == "ON")
    }

    /// True between BEGIN/START TRANSACTION and COMMIT/ROLLBACK (SERVER_STATUS_IN_TRANS).
    pub fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    /// Connection id given at session start.
    pub fn connection_id(&self) -> u32 {
        self.info.connection_id
    }

    /// Sets (or replaces) a per-session status variable, e.g. `Ssl_cipher`.
    pub fn set_status(&mut self, name: &str, value: String) {
        self.status.insert(name.to_string(), value);
    }

    /// Session value of a session-scoped system variable (`wait_timeout`, `autocommit`, ...), by
    /// case-insensitive name; None for unknown or global-only variables.
    pub fn variable(&self, name: &str) -> Option<&str> {
        let def = vars::lookup(name)?;
        self.vars.get(def.name).map(String::as_str)
    }

    /// Number of warnings left by the last statement (for the OK/EOF packet after a result set).
    pub fn warning_count(&self) -> u16 {
        let n = self.warnings.iter().filter(|w| w.level != "Error").count();
        u16::try_from(n).unwrap_or(u16::MAX)
    }

    /// Starts a statement: SELECTs get the max_execution_time deadline (milliseconds, 0 =
    /// none). The server clears the cancel flag before each command ([`Session::clear_cancel`]).
    pub(crate) fn begin_statement(&mut self, is_select: bool) {
        let ms: u64 = self
            .vars
            .get("max_execution_time")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        self.deadline = (is_select && ms > 0)
            .then(|| std::time::Instant::now() + std::time::Duration::from_millis(ms));
    }

    /// Clears a KILL QUERY that arrived between commands (it applies only to a running one).
    pub fn clear_cancel(&self) {
        self.cancel
            .store(false, std::sync::atomic::Ordering::Relaxed);
    }

    /// Shares a cancel flag (the server keeps the same one across COM_RESET_CONNECTION).
    pub fn set_cancel_flag(&mut self, flag: Arc<AtomicBool>) {
        self.cancel = flag;
    }

    /// Lets result sets stream to `sink` (see [`RowSink`]) until [`Session::take_row_sink`].
    pub fn set_row_sink(&mut self, sink: Box<dyn RowSink>) {
        self.sink = Some(sink);
    }

    /// Takes the sink back (results are collected again).
    pub fn take_row_sink(&mut self) -> Option<Box<dyn RowSink>> {
        self.sink.take()
    }

    /// The session-state changes made since the last call, for the OK packet of a client that
    /// set CLIENT_SESSION_TRACK: the current database (session_track_schema), the system
    /// variables listed in session_track_system_variables (`*`: all), and that anything changed
    /// (session_track_state_change).
    pub fn take_tracked_changes(&mut self) -> Vec<TrackedChange> {
        std::mem::take(&mut self.tracked)
    }

    fn tracker_on(&self, name: &str) -> bool {
        self.variable(name).is_some_and(|v| v == "ON")
    }

    pub(crate) fn note_state_change(&mut self) {
        if self.tracker_on("session_track_state_change")
            && !self.tracked.contains(&TrackedChange::StateChanged)
        {
            self.tracked.push(TrackedChange::StateChanged);
        }
    }

    /// A session system variable was set (SET, SET NAMES, ...).
    pub(crate) fn track_variable(&mut self, name: &str, value: &str) {
        let listed = self
            .variable("session_track_system_variables")
            .is_some_and(|list| {
                list.split(',')
                    .map(str::trim)
                    .any(|v| v == "*" || v.eq_ignore_ascii_case(name))
            });
        if listed {
            self.tracked
                .retain(|c| !matches!(c, TrackedChange::SystemVariable(n, _) if n == name));
            self.tracked.push(TrackedChange::SystemVariable(
                name.to_string(),
                value.to_string(),
            ));
        }
        self.note_state_change();
    }

    /// The current database changed (USE, COM_INIT_DB).
    pub(crate) fn track_schema(&mut self, db: &str) {
        if self.tracker_on("session_track_schema") {
            self.tracked
                .retain(|c| !matches!(c, TrackedChange::Schema(_)));
            self.tracked.push(TrackedChange::Schema(db.to_string()));
        }
        self.note_state_change();
    }

    /// Whether the client sends files for LOAD DATA LOCAL (CLIENT_LOCAL_FILES).
    pub fn set_local_files(&mut self, on: bool) {
        self.local_files = on;
    }

    /// Whether the client may send several statements in one text (CLIENT_MULTI_STATEMENTS,
    /// COM_SET_OPTION). On by default.
    pub fn set_multi_statements(&mut self, on: bool) {
        self.multi_statements = on;
    }

    /// Tells the engine the client asked for CLIENT_FOUND_ROWS.
    pub fn set_client_found_rows(&mut self, on: bool) {
        self.found_rows_flag = on;
    }

    /// The flag KILL QUERY sets; the server keeps a clone to interrupt a running statement.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    pub(crate) fn add_warning(&mut self, level: &'static str, code: u16, message: String) {
        if self.warnings.len() < 1024 {
            self.warnings.push(Warning {
                level,
                code,
                message,
            });
        }
    }

    pub(crate) fn error_count(&self) -> u64 {
        self.warnings.iter().filter(|w| w.level == "Error").count() as u64
    }

    /// How the session's sql_mode reads texts (ANSI_QUOTES, NO_BACKSLASH_ESCAPES).
    pub(crate) fn lexing(&self) -> parse::Lexing {
        let mode = self.vars.get("sql_mode").map(String::as_str);
        parse::Lexing::of_mode(mode.unwrap_or(""))
    }

    /// sql_mode has NO_BACKSLASH_ESCAPES: the server reports it in its status flags.
    pub fn no_backslash_escapes(&self) -> bool {
        self.lexing().no_backslash_escapes
    }

    /// sql_mode has ANSI_QUOTES: `"x"` is an identifier.
    pub fn ansi_quotes(&self) -> bool {
        self.lexing().ansi_quotes
    }

    pub(crate) fn sql_mode_has(&self, mode: &str) -> bool {
        self.vars
            .get("sql_mode")
            .is_some_and(|m| m.split(',').any(|x| x == mode))
    }

    /// STRICT_TRANS_TABLES or STRICT_ALL_TABLES.
    pub(crate) fn strict(&self) -> bool {
        self.sql_mode_has("STRICT_TRANS_TABLES") || self.sql_mode_has("STRICT_ALL_TABLES")
    }

    /// Seconds east of UTC of the session time zone (SYSTEM is UTC here).
    pub(crate) fn tz_offset_secs(&self) -> i64 {
        let tz = self
            .vars
            .get("time_zone")
            .map(String::as_str)
            .unwrap_or("SYSTEM");
        let b = tz.as_bytes();
        let sign = match b.first() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return 0,
        };
        let Some((h, m)) = tz.get(1..).and_then(|r| r.split_once(':')) else {
            return 0;
        };
        sign * (h.parse::<i64>().unwrap_or(0) * 3600 + m.parse::<i64>().unwrap_or(0) * 60)
    }

    /// The statement's clock: (local time in the session zone, UTC).
    pub(crate) fn statement_clock(&self) -> (temporal::DateTime, temporal::DateTime) {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let secs = i64::try_from(d.as_secs()).unwrap_or(0);
        let micros = d.subsec_micros();
        let utc = temporal::from_epoch(secs, micros);
        let local = temporal::from_epoch(secs + self.tz_offset_secs(), micros);
        (local, utc)
    }

    /// RAND(): a xorshift generator per session; a seed restarts it.
    pub(crate) fn rand(&mut self, seed: Option<i64>) -> f64 {
        if let Some(s) = seed {
            self.rng = (s as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        }
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The session's character_set_results (what the server should label string columns with).
    pub fn character_set_results(&self) -> &str {
        self.vars
            .get("character_set_results")
            .map(String::as_str)
            .unwrap_or("utf8mb4")
    }

    /// The character set statement text and string parameters arrive in
    /// (`character_set_client`); a set the server does not convert is read as UTF-8.
    pub fn client_charset(&self) -> charset::Charset {
        self.vars
            .get("character_set_client")
            .and_then(|v| charset::Charset::from_name(v))
            .unwrap_or(charset::Charset::Utf8mb4)
    }

    /// What result text is sent in: the collation `character_set_results` holds, whose id
    /// column definitions of text columns carry (MySQL's `thd_charset`). None when there is
    /// nothing to convert to: `character_set_results` is NULL (empty) or a set the server
    /// does not convert.
    pub fn results_collation(&self) -> Option<collation::Collation> {
        let cs = self.vars.get("character_set_results")?;
        match self.results_collation {
            Some(c) if c.charset() == cs.as_str() => Some(c),
            _ => collation::Collation::default_for_charset(cs),
        }
    }
}

/// Kind of a result column; the server maps it to a MySQL wire column type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// BIGINT (LONGLONG).
    Int,
    /// BIGINT UNSIGNED (LONGLONG with UNSIGNED flag).
    UInt,
    /// DOUBLE.
    Double,
    /// DECIMAL (NEWDECIMAL).
    Decimal,
    /// VARCHAR / VAR_STRING (utf8mb4 unless [`Column::binary`]).
    VarString,
    /// BLOB (binary).
    Blob,
    /// NULL type (`SELECT NULL`).
    Null,
}

/// Result column metadata, like MySQL's ColumnDefinition41.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Column name (alias or expression text as written).
    pub name: String,
    /// Original column name (empty for expressions).
    pub org_name: String,
    /// Table alias (empty for expressions).
    pub table: String,
    /// Original table name.
    pub org_table: String,
    /// Schema name.
    pub schema: String,
    /// Type.
    pub kind: ColumnKind,
    /// Display length in bytes (strings: 4 × characters).
    pub length: u32,
    /// Decimals (31 = not fixed, for DOUBLE and strings).
    pub decimals: u8,
    /// Whether NULL may appear (clears NOT_NULL flag).
    pub nullable: bool,
    /// UNSIGNED flag.
    pub unsigned: bool,
    /// BINARY flag; for `VarString` also means the binary character set (63), e.g. `SELECT 0x41`.
    pub binary: bool,
    /// Exact metadata from the plan (type code, collation, flags); when present it wins over
    /// `kind`/`nullable`/`unsigned`/`binary`, which describe the FROM-less expression path.
    pub meta: Option<ColumnMeta>,
}

/// Result-column metadata as MySQL sends it in ColumnDefinition41.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnMeta {
    /// MySQL field type.
    pub field_type: types::FieldType,
    /// Collation id (63 = binary).
    pub collation_id: u16,
    /// Column flags ([`types::flags`]).
    pub flags: u16,
}

impl Column {
    /// A column from a SQL type and flags (NOT_NULL etc. included in `flags`).
    pub fn from_type(
        name: String,
        org_name: String,
        table: String,
        org_table: String,
        schema: String,
        ty: &types::SqlType,
        flags: u16,
    ) -> Self {
        let kind = match ty.result_kind() {
            types::ResultKind::Int if ty.unsigned => ColumnKind::UInt,
            types::ResultKind::Int => ColumnKind::Int,
            types::ResultKind::Decimal => ColumnKind::Decimal,
            types::ResultKind::Real => ColumnKind::Double,
            _ if ty.base == types::BaseType::Null => ColumnKind::Null,
            _ => ColumnKind::VarString,
        };
        Column {
            name,
            org_name,
            table,
            org_table,
            schema,
            kind,
            length: ty.column_length(),
            decimals: ty.decimals(),
            nullable: flags & types::flags::NOT_NULL == 0,
            unsigned: ty.unsigned,
            binary: flags & types::flags::BINARY != 0,
            meta: Some(ColumnMeta {
                field_type: ty.field_type(),
                collation_id: ty.collation_id(),
                flags,
            }),
        }
    }
}

/// The result of one statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// OK packet.
    Ok {
        /// Affected rows.
        affected_rows: u64,
        /// Last insert id.
        last_insert_id: u64,
        /// Warning count.
        warnings: u16,
        /// Info text (human readable).
        info: String,
    },
    /// LOAD DATA LOCAL: the server must ask the client for this file (a LOCAL INFILE
    /// request), then hand its bytes to [`Engine::load_local_data`]. Always the last outcome
    /// of a text: statements after it in the same text are not run.
    LocalInfile {
        /// The file name as the statement wrote it.
        filename: String,
    },
    /// A result set whose column definitions and rows already went to the session's
    /// [`RowSink`] while the statement ran; only its end (EOF or OK) is left to send.
    Streamed {
        /// Rows sent.
        rows: u64,
    },
    /// A result set.
    Rows {
        /// Column definitions.
        columns: Vec<Column>,
        /// Rows, each with one value per column.
        rows: Vec<Vec<Value>>,
    },
    /// The OUT and INOUT parameters of a prepared CALL whose arguments were `?` markers: one
    /// row, sent over the binary protocol as its own result set flagged
    /// SERVER_PS_OUT_PARAMS (to a client with CLIENT_PS_MULTI_RESULTS), before the CALL's OK.
    OutParams {
        /// One column per OUT/INOUT parameter, named as the procedure names it.
        columns: Vec<Column>,
        /// The parameters' values when the procedure ended.
        row: Vec<Value>,
        /// For each column, the index of the `?` marker it answers (SQL-level `EXECUTE ...
        /// USING @a, @b` stores the value into the user variable at that index).
        markers: Vec<usize>,
    },
}

/// Where the rows of a result set go while its statement runs, so that a large result does
/// not sit in memory: the server encodes them and sends them to the client in batches. Only
/// the first result of a COM_QUERY (or a prepared SELECT) streams; the engine calls
/// [`RowSink::begin`] before the first row, so a statement that fails before producing a row
/// gets a plain error.
pub trait RowSink: Send + std::fmt::Debug {
    /// The result's columns, with the session's state for the status flags.
    fn begin(
        &mut self,
        columns: &[Column],
        autocommit: bool,
        in_transaction: bool,
    ) -> Result<(), SinkClosed>;
    /// One row, in column order.
    fn row(&mut self, row: &[Value]) -> Result<(), SinkClosed>;
    /// No more rows (also after an error mid-result): send what is buffered.
    fn end(&mut self);
}

/// The client is gone: the statement stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SinkClosed;

/// The SQL engine shared by all sessions.
pub struct Engine {
    pub(crate) version: String,
    pub(crate) globals: RwLock<BTreeMap<&'static str, String>>,
    pub(crate) status: Arc<dyn StatusSource>,
    pub(crate) accounts: Arc<AccountStore>,
    pub(crate) store: storage::Store,
    pub(crate) processes: std::sync::OnceLock<Arc<dyn Processes>>,
    /// The server's TLS configuration (ALTER INSTANCE RELOAD TLS).
    pub(crate) tls_reload: std::sync::OnceLock<Arc<dyn TlsReload>>,
    /// Plans of text queries (see `stmt::cache`).
    pub(crate) plans: stmt::cache::PlanCache,
    /// What every account may do (GRANT, REVOKE).
    pub(crate) grants: privilege::Grants,
    /// A view as a table definition, its columns typed by binding it (`stmt::view::table_def`):
    /// information_schema and GRANT, which the binder itself uses, reach the binder through
    /// this instead of importing it.
    pub(crate) view_table_def: ViewTableDef,
    /// Runs a stored function called in an expression (`stmt::function::call`): the
    /// executor reaches the routine interpreter through this instead of importing it.
    pub(crate) call_function: CallFunction,
    /// Runs a SET of system variables inside a compound body (`exec::set::run`): the routine
    /// interpreter reaches it through this instead of importing the statements above it.
    pub(crate) set_system: SetSystem,
    /// GET_LOCK and the other user-level locks (see `user_lock`).
    pub(crate) user_locks: Arc<user_lock::UserLocks>,
    /// The server's data directory, when it has one (FLUSH TABLES saves to it).
    pub(crate) persist: std::sync::OnceLock<Arc<dyn Persist>>,
}

/// See [`Engine::set_system`].
pub(crate) type SetSystem = fn(&Engine, &mut Session, &[parse::SetItem]) -> Result<(), EngineError>;

/// See [`Engine::call_function`].
pub(crate) type CallFunction =
    fn(&mut execute::Ctx<'_>, &plan::StoredCall, Vec<Value>) -> Result<Value, EngineError>;

/// See [`Engine::view_table_def`].
pub(crate) type ViewTableDef =
    fn(&Engine, &Session, &catalog::ViewDef) -> Result<Arc<catalog::TableDef>, EngineError>;

fn info_id_seed() -> u32 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    d.subsec_nanos() | 1
}

/// Seconds since the epoch (table creation times).
pub(crate) fn temporal_now_secs() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(d.as_secs()).unwrap_or(0)
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// Changed rows a transaction may have for its COMMIT (or a BEGIN that commits it) to run on
/// the caller's thread: applying them is quick, never waits for a row lock, and is bounded.
const INLINE_COMMIT_ROWS: usize = 256;

impl Engine {
    /// Builds the engine: MySQL 8.4 defaults, then `config.globals` (read-only ones included).
    /// `accounts` is the store the server authenticates against; CREATE USER, ALTER USER, SET
    /// PASSWORD etc. change it.
    pub fn new(
        config: EngineConfig,
        status: Arc<dyn StatusSource>,
        accounts: Arc<AccountStore>,
    ) -> Result<Self, EngineError> {
        let mut globals: BTreeMap<&'static str, String> = vars::VARS
            .iter()
            .filter(|v| v.scope != vars::Scope::Session)
            .map(|v| (v.name, v.default.to_string()))
            .collect();
        let version = if config.version.is_empty() {
            "8.4.3".to_string()
        } else {
            config.version.clone()
        };
        let number: String = version
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        globals.insert("version", version.clone());
        globals.insert("innodb_version", number);
        if !config.version_comment.is_empty() {
            globals.insert("version_comment", config.version_comment.clone());
        }
        for (name, value) in &config.globals {
            let def = vars::lookup(name)
                .filter(|d| d.scope != vars::Scope::Session)
                .ok_or_else(|| EngineError::unknown_system_variable(name))?;
            let stored = vars::normalize(def, &Value::str(value.clone()))?;
            globals.insert(def.name, stored);
        }
        Ok(Self {
            version,
            globals: RwLock::new(globals),
            status,
            accounts,
            store: storage::Store::new(),
            processes: std::sync::OnceLock::new(),
            tls_reload: std::sync::OnceLock::new(),
            plans: stmt::cache::PlanCache::default(),
            grants: privilege::Grants::default(),
            view_table_def: stmt::view::table_def,
            call_function: stmt::function::call,
            set_system: |engine, session, items| {
                let script = parse::Script::new("")?;
                exec::set::run(engine, session, &script, items).map(|_| ())
            },
            user_locks: Arc::default(),
            persist: std::sync::OnceLock::new(),
        })
    }

    /// Connects the server's data directory (FLUSH TABLES saves the state to it). Set once.
    pub fn set_persist(&self, p: Arc<dyn Persist>) {
        let _ = self.persist.set(p);
    }

    /// Connects the server's TLS configuration (ALTER INSTANCE RELOAD TLS). Set once.
    pub fn set_tls_reload(&self, t: Arc<dyn TlsReload>) {
        let _ = self.tls_reload.set(t);
    }

    /// Connects the server's connection registry (KILL, SHOW PROCESSLIST). Set once.
    pub fn set_processes(&self, p: Arc<dyn Processes>) {
        let _ = self.processes.set(p);
    }

    /// Interrupts waits for row locks so that killed statements notice at once.
    pub fn wake_lock_waiters(&self) {
        self.store.locks.wake_all();
    }

    /// Gives an account every privilege, static and dynamic, with the grant option (what
    /// `root` holds in MySQL). The server does this for `root` at start.
    pub fn grant_all_privileges(&self, user: &str, host: &str) {
        self.grants.grant_superuser(user, host);
    }

    /// Whether the account holds the dynamic privilege `name` (or SUPER, which stands in for
    /// each of them), with its default roles: the server asks for CONNECTION_ADMIN before
    /// giving an account the connection reserved past max_connections.
    pub fn holds_global_privilege(&self, user: &str, host: &str, name: &str) -> bool {
        let own = self.grants.of(user, host);
        let defaults: Vec<privilege::Role> = own.default_roles.iter().cloned().collect();
        let g = self.grants.effective(user, host, &defaults);
        g.has_dynamic(name) || g.global.contains(privilege::Privs::SUPER)
    }

    /// `GRANT ALL PRIVILEGES ON db.* TO user@host`: what MySQL's container image gives the
    /// account of MYSQL_USER on MYSQL_DATABASE.
    pub fn grant_database(&self, user: &str, host: &str, db: &str) {
        self.grants.update(user, host, |g| {
            *g.dbs.entry(db.to_string()).or_default() |= privilege::Privs::DB_ALL;
        });
    }

    /// The account store shared with the server (CREATE USER etc. act on it).
    pub fn accounts(&self) -> &Arc<AccountStore> {
        &self.accounts
    }

    /// A session of the server itself, holding every privilege whatever accounts exist (even
    /// none): saving and loading the state of `--datadir` run in one. Connection id 0.
    pub fn system_session(&self) -> Session {
        let mut s = self.new_session(SessionInfo {
            user: "root".into(),
            client_host: "localhost".into(),
            account_host: "%".into(),
            character_set_client: "utf8mb4".into(),
            ..SessionInfo::default()
        });
        s.active_roles.clear();
        s.system = true;
        s
    }

    /// Starts a session: session variables copy the globals, the handshake charset applies.
    pub fn new_session(&self, info: SessionInfo) -> Session {
        let globals = self.read_globals();
        let mut vars_map: BTreeMap<&'static str, String> = BTreeMap::new();
        for def in vars::VARS {
            match def.scope {
                vars::Scope::Both => {
                    let v = globals
                        .get(def.name)
                        .cloned()
                        .unwrap_or_else(|| def.default.to_string());
                    vars_map.insert(def.name, v);
                }
                vars::Scope::Session => {
                    vars_map.insert(def.name, def.default.to_string());
                }
                vars::Scope::Global => {}
            }
        }
        drop(globals);
        // The handshake's collation id, as a collation name ("latin1_bin"): all three
        // variables take it (MySQL's thd_init_client_charset), unless it is the global
        // character_set_client's own default collation.
        let mut results_collation = None;
        if let Ok((coll, cs)) = vars::collation(&info.character_set_client)
            && vars::charset(&info.character_set_client).is_none()
            && vars::charset(cs).is_some_and(|(_, default)| default != coll)
        {
            for n in [
                "character_set_client",
                "character_set_connection",
                "character_set_results",
            ] {
                vars_map.insert(n, cs.to_string());
            }
            results_collation = collation::Collation::from_name(&coll);
            vars_map.insert("collation_connection", coll);
        } else if let Some((cs, coll)) = vars::charset(
            vars::collation(&info.character_set_client)
                .map(|(_, cs)| cs)
                .unwrap_or(&info.character_set_client),
        ) {
            let coll = if cs == "utf8mb4" {
                vars_map
                    .get("default_collation_for_utf8mb4")
                    .cloned()
                    .unwrap_or_else(|| coll.to_string())
            } else {
                coll.to_string()
            };
            for n in [
                "character_set_client",
                "character_set_connection",
                "character_set_results",
            ] {
                vars_map.insert(n, cs.to_string());
            }
            vars_map.insert("collation_connection", coll);
        }
        vars_map.insert("pseudo_thread_id", info.connection_id.to_string());
        let database = info.database.clone().filter(|d| self.database_exists(d));
        let status = info.status.iter().cloned().collect();
        Session {
            info,
            database,
            vars: vars_map,
            user_vars: HashMap::new(),
            sql_prepared: HashMap::new(),
            in_transaction: false,
            last_insert_id: 0,
            warnings: Vec::new(),
            error_sqlstate: None,
            status,
            txn: None,
            cancel: Arc::new(AtomicBool::new(false)),
            deadline: None,
            row_count: -1,
            found_rows: 0,
            found_rows_flag: false,
            multi_statements: true,
            tracked: Vec::new(),
            local_files: false,
            pending_load: None,
            rng: u64::from(info_id_seed()),
            params: Arc::from([]),
            sink: None,
            may_stream: false,
            routine_stack: Vec::new(),
            inline_try: false,
            inline_blocked: false,
            temp: storage::temp::TempTables::default(),
            locked_tables: None,
            lock_generation: 0,
            grants: parking_lot::Mutex::new(None),
            active_roles: Vec::new(),
            trigger_tables: Vec::new(),
            user_locks: None,
            system: false,
            results_collation,
        }
        .with_login_roles(self)
    }

    /// Runs one COM_QUERY text. Multi-statement text (`a; b`) yields one Outcome per statement; stop at the first
    /// error, returning the outcomes so far plus the error (the server sends them then the ERR).
    pub fn execute(&self, session: &mut Session, sql: &str) -> (Vec<Outcome>, Option<EngineError>) {
        if !session.info.password_expired
            && session.info.usage.is_none()
            && let Some(done) = stmt::cache::try_text(self, session, sql)
        {
            return done;
        }
        let mut outcomes = Vec::new();
        let mut script = match parse::Script::with_lexing(sql, session.lexing()) {
            Ok(s) => s,
            Err(e) => return (outcomes, Some(record_error(session, e))),
        };
        let mut any = false;
        loop {
            let parsed = match script.next_statement() {
                None => break,
                Some(Err(e)) => return (outcomes, Some(record_error(session, e))),
                Some(Ok(p)) => p,
            };
            if !any
                && !session.multi_statements
                && let Err(e) = script.expect_end()
            {
                // Without CLIENT_MULTI_STATEMENTS a second statement is a syntax error and
                // nothing runs, as in MySQL.
                return (outcomes, Some(record_error(session, e)));
            }
            any = true;
            if !parsed.keeps_warnings() {
                session.warnings.clear();
            }
            session.begin_statement(
                parsed.head.starts_with("SELECT") || parsed.head.starts_with("WITH"),
            );
            session.may_stream = outcomes.is_empty();
            if let Some(usage) = &session.info.usage
                && let Err(e) = usage.charge_statement(exec::changes_data(&parsed.stmt))
            {
                let e = EngineError::new(e.code(), e.sql_state(), e.to_string());
                return (outcomes, Some(record_error(session, e)));
            }
            if session.info.password_expired && !exec::sandbox_allows(&parsed.stmt) {
                let e = EngineError::must_change_password();
                return (outcomes, Some(record_error(session, e)));
            }
            if let parse::Stmt::Trigger(t) = &parsed.stmt
                && let parse::compound::TriggerStmt::Call { name, args } = &**t
            {
                // CALL answers with each SELECT's result set of the procedure, then an OK.
                match stmt::procedure::call(self, session, name, args) {
                    Ok(Ok(more)) => outcomes.extend(more),
                    Ok(Err((before, e))) => {
                        outcomes.extend(before);
                        return (outcomes, Some(record_error(session, e)));
                    }
                    Err(e) => return (outcomes, Some(record_error(session, e))),
                }
                continue;
            }
            if let parse::Stmt::SqlExecute { name, using } = &parsed.stmt {
                // EXECUTE runs the prepared statement as COM_STMT_EXECUTE does, with its own
                // results (one per statement it runs).
                let (more, err) = self.sql_execute(session, name, using);
                outcomes.extend(more);
                if err.is_some() {
                    return (outcomes, err);
                }
                continue;
            }
            let lexing = session.lexing();
            match exec::execute(self, session, &script, parsed) {
                Ok(o @ Outcome::LocalInfile { .. }) => {
                    outcomes.push(o);
                    return (outcomes, None);
                }
                Ok(o) => outcomes.push(o),
                Err(e) => return (outcomes, Some(record_error(session, e))),
            }
            if session.lexing() != lexing {
                // A SET sql_mode changed how text reads: the rest is read under the new mode,
                // as MySQL reads each statement after running the one before.
                script = match parse::Script::with_lexing(script.rest(), session.lexing()) {
                    Ok(s) => s,
                    Err(e) => return (outcomes, Some(record_error(session, e))),
                };
            }
        }
        if !any {
            return (
                outcomes,
                Some(record_error(session, EngineError::empty_query())),
            );
        }
        (outcomes, None)
    }

    /// Runs a text query right here, on the caller's thread, when that is short work that
    /// never waits: a cached non-locking read that finishes within a small budget (a point
    /// select, a short range; see `stmt::cache`), or BEGIN/COMMIT/ROLLBACK of a transaction
    /// with few changes. None when it must go to [`Engine::execute`] on an engine thread. This
    /// saves the hand-over to another thread for the commonest statements.
    pub fn execute_inline(
        &self,
        session: &mut Session,
        sql: &str,
    ) -> Option<(Vec<Outcome>, Option<EngineError>)> {
        if session.info.password_expired || session.info.usage.is_some() {
            return None;
        }
        if stmt::is_transaction_control(sql) {
            return self
                .small_transaction(session)
                .then(|| self.execute(session, sql));
        }
        if stmt::inline_write_text(sql) {
            return self.try_write_inline(session, |e, s| e.execute(s, sql));
        }
        stmt::cache::try_text_inline(self, session, sql)
    }

    /// Runs a write (`run`) on the caller's thread as a try: row and metadata locks are only
    /// taken if free at once, and the work has a step budget. When a lock is not free or the
    /// budget runs out, the statement is undone as a failed statement is (its changes, not its
    /// locks) and None tells the caller to run it again on an engine thread, where it may
    /// wait. The try never waits, so a writer that would block costs one failed attempt.
    pub(crate) fn try_write_inline(
        &self,
        session: &mut Session,
        run: impl FnOnce(&Engine, &mut Session) -> (Vec<Outcome>, Option<EngineError>),
    ) -> Option<(Vec<Outcome>, Option<EngineError>)> {
        if !self.small_transaction(session) {
            return None;
        }
        let saved = (
            session.last_insert_id,
            session.row_count,
            session.found_rows,
        );
        session.inline_try = true;
        session.inline_blocked = false;
        let out = run(self, session);
        session.inline_try = false;
        if std::mem::take(&mut session.inline_blocked) {
            (
                session.last_insert_id,
                session.row_count,
                session.found_rows,
            ) = saved;
            session.warnings.clear();
            return None;
        }
        Some(out)
    }

    /// True when the session's open transaction (if any) is small enough to commit on the
    /// caller's thread.
    pub(crate) fn small_transaction(&self, session: &Session) -> bool {
        session
            .txn
            .as_ref()
            .is_none_or(|t| t.changed_rows() <= INLINE_COMMIT_ROWS)
    }

    /// COM_INIT_DB
    pub fn use_database(&self, session: &mut Session, name: &str) -> Result<(), EngineError> {
        exec::database::use_database(self, session, name)
    }

    /// Current value of a global system variable ("require_secure_transport" etc.), None if unknown. The server
    /// reads require_secure_transport here at each connection, so SET GLOBAL require_secure_transport takes effect.
    pub fn global_variable(&self, name: &str) -> Option<String> {
        let def = vars::lookup(name)?;
        self.read_globals().get(def.name).cloned()
    }

    /// The second half of LOAD DATA LOCAL: loads the client's file (`data`; empty when the
    /// client could not send it) into the table the pending statement names.
    pub fn load_local_data(
        &self,
        session: &mut Session,
        data: &[u8],
    ) -> (Vec<Outcome>, Option<EngineError>) {
        let Some(spec) = session.pending_load.take() else {
            let e = EngineError::new(1105, "HY000", "no LOAD DATA LOCAL is waiting for a file");
            return (Vec::new(), Some(record_error(session, e)));
        };
        match stmt::load::load_local(self, session, &spec, data) {
            Ok(o) => (vec![o], None),
            Err(e) => (Vec::new(), Some(record_error(session, e))),
        }
    }

    /// The TLS files the `ssl_*` variables name now, for `ALTER INSTANCE RELOAD TLS` and SIGHUP.
    pub fn tls_files(&self) -> TlsFiles {
        let var = |n: &str| self.global_variable(n).unwrap_or_default();
        TlsFiles {
            cert: var("ssl_cert"),
            key: var("ssl_key"),
            ca: var("ssl_ca"),
            crl: var("ssl_crl"),
            crlpath: var("ssl_crlpath"),
        }
    }

    /// Whether a database exists (system schemas included).
    pub fn database_exists(&self, name: &str) -> bool {
        catalog::is_system_schema(name) || self.store.schema_exists(name)
    }

    /// Creates a database (MYSQL_DATABASE at start-up, CREATE DATABASE).
    pub fn create_database(&self, name: &str, if_not_exists: bool) -> Result<(), EngineError> {
        self.create_database_with(
            name,
            collation::Collation::Utf8mb4_0900_ai_ci,
            if_not_exists,
        )
    }

    /// Creates a database whose default collation (and so character set) is `collation`.
    pub(crate) fn create_database_with(
        &self,
        name: &str,
        collation: collation::Collation,
        if_not_exists: bool,
    ) -> Result<(), EngineError> {
        Self::check_new_database_name(name)?;
        if catalog::is_system_schema(name) {
            return if if_not_exists {
                Ok(())
            } else {
                Err(EngineError::db_create_exists(name))
            };
        }
        self.store
            .create_schema(name, collation, if_not_exists)
            .map(|_| ())
    }

    /// A snapshot of every user database's committed tables and rows, O(tables): rows are
    /// shared, not copied. Accounts, grants and variables are not part of it.
    pub fn snapshot(&self) -> Snapshot {
        self.store.snapshot()
    }

    /// Puts the databases back as they were at `snap`: databases created since are dropped,
    /// dropped ones come back, rows and AUTO_INCREMENT counters are the snapshot's. Like DDL,
    /// it waits (at most `timeout`) for open transactions that use a table to end, then
    /// ER 1205; cached plans are invalidated. O(tables).
    pub fn restore(
        &self,
        snap: &Snapshot,
        timeout: std::time::Duration,
    ) -> Result<(), EngineError> {
        let ids = self.store.table_ids();
        let never = AtomicBool::new(false);
        let _mdl = self
            .store
            .lock_tables_for_ddl(&ids, timeout, &never)
            .map_err(EngineError::from)?;
        self.store.restore(snap)
    }

    /// Creates database `dst` holding a copy of `src`'s tables, rows and counters as committed
    /// now (`CREATE DATABASE dst CLONE src`), in O(tables) whatever the number of rows.
    pub fn clone_database(&self, src: &str, dst: &str) -> Result<(), EngineError> {
        Self::check_new_database_name(dst)?;
        if catalog::is_system_schema(src) {
            return Err(EngineError::new(
                1235,
                "42000",
                "This version of MySQL doesn't yet support 'cloning a system database'",
            ));
        }
        if catalog::is_system_schema(dst) {
            return Err(EngineError::db_create_exists(dst));
        }
        self.store.clone_schema(src, dst, false).map(|_| ())
    }

    /// ER_WRONG_DB_NAME (1102) for a name MySQL refuses for a new database.
    fn check_new_database_name(name: &str) -> Result<(), EngineError> {
        if name.is_empty() || name.ends_with(' ') || name.chars().count() > 64 {
            return Err(EngineError::wrong_db_name(name));
        }
        Ok(())
    }

    /// All database names, system schemas included, sorted.
    pub(crate) fn database_names(&self) -> Vec<String> {
        let mut v: Vec<String> = catalog::SYSTEM_SCHEMAS
            .iter()
            .map(|s| (*s).to_string())
            .collect();
        v.extend(self.store.schema_names());
        v.sort();
        v
    }

    /// The value of `@@[global.]name` for a session.
    pub(crate) fn system_variable_value(
        &self,
        session: &Session,
        global: bool,
        name: &'static str,
    ) -> Value {
        let Some(def) = vars::lookup(name) else {
            return Value::Null;
        };
        if global || def.scope == vars::Scope::Global {
            let stored = self
                .read_globals()
                .get(def.name)
                .cloned()
                .unwrap_or_default();
            return vars::typed(def, &stored);
        }
        match def.name {
            "external_user" | "proxy_user" => Value::Null,
            "timestamp" => {
                let d = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                Value::Double(d.as_secs_f64())
            }
            _ => {
                let stored = session
                    .vars
                    .get(def.name)
                    .cloned()
                    .unwrap_or_else(|| def.default.to_string());
                vars::typed(def, &stored)
            }
        }
    }

    pub(crate) fn read_globals(
        &self,
    ) -> std::sync::RwLockReadGuard<'_, BTreeMap<&'static str, String>> {
        self.globals
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn write_globals(
        &self,
    ) -> std::sync::RwLockWriteGuard<'_, BTreeMap<&'static str, String>> {
        self.globals
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Remembers the error for SHOW ERRORS / SHOW WARNINGS (MySQL lists it there) and returns it.
fn record_error(session: &mut Session, e: EngineError) -> EngineError {
    session.warnings.clear();
    session.error_sqlstate = Some((e.code, e.sql_state));
    session.warnings.push(Warning {
        level: "Error",
        code: e.code,
        message: e.message.clone(),
    });
    e
}
