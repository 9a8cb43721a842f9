//! Server configuration: what the CLI, the config file and embedding tests set.

use std::path::PathBuf;
use std::time::Duration;

/// Where the server's TLS material comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsOptions {
    /// Serve TLS at all. With `false` the greeting does not offer SSL (like `--tls-version=''`).
    pub enabled: bool,
    /// Server certificate chain (PEM). With `key`, replaces auto-generated certificates.
    pub cert: Option<PathBuf>,
    /// Server private key (PEM).
    pub key: Option<PathBuf>,
    /// CA used to verify client certificates; defaults to the auto-generated `ca.pem` when certificates
    /// are generated, like MySQL's auto_generate_certs.
    pub ca: Option<PathBuf>,
    /// PEM certificate revocation lists (`--ssl-crl`): client certificates listed there fail the
    /// TLS handshake. Needs a CA (the generated one counts).
    pub crl: Option<PathBuf>,
    /// A directory of PEM CRL files (`--ssl-crlpath`).
    pub crlpath: Option<PathBuf>,
    /// Directory where dev certificates are generated on first start and reused afterwards.
    pub certs_dir: PathBuf,
    /// Generate the CA, server and client certificates in memory at every start instead of in
    /// `certs_dir` (which is then not used): nothing is written to disk. The certificates are
    /// read back with [`crate::Server::memory_certs`]; `ssl_ca`, `ssl_cert` and `ssl_key` show
    /// empty values. The caching_sha2_password RSA key pair is then one in-memory pair shared by
    /// the whole process and generated on first use. Excludes `cert`, `key`, `ca`, `crl` and
    /// `crlpath`.
    pub in_memory: bool,
    /// Fail the TLS handshake of a client that sends no client certificate (signed by the CA).
    /// MySQL has no such server option (accounts ask for certificates with `REQUIRE X509`); it
    /// makes every connection mutual TLS. Needs a CA (the generated one counts).
    pub require_client_cert: bool,
    /// A TLS fault the main port presents instead of its normal certificate (`--tls-fault`),
    /// for teaching and for testing clients' verification. Needs generated certificates (dev
    /// files or in memory): the faulty certificates are issued from that CA.
    pub fault: Option<myseal_tls::TlsFault>,
    /// Extra ports, each presenting one TLS fault (`--tls-fault-port expired=3307,...`); port 0
    /// picks a free port (read back with [`crate::Server::fault_ports`]). The main port stays
    /// correct unless `fault` is set.
    pub fault_ports: Vec<(myseal_tls::TlsFault, u16)>,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions {
            enabled: true,
            cert: None,
            key: None,
            ca: None,
            crl: None,
            crlpath: None,
            certs_dir: PathBuf::from("certs"),
            in_memory: false,
            require_client_cert: false,
            fault: None,
            fault_ports: Vec::new(),
        }
    }
}

/// An account created at start, like `MYSQL_USER`/`MYSQL_PASSWORD` in MySQL's container image.
#[derive(Clone, PartialEq, Eq)]
pub struct InitialUser {
    /// User name; the account is `name`@`%`.
    pub name: String,
    /// Cleartext password (hashed at start, never logged).
    pub password: String,
}

impl std::fmt::Debug for InitialUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InitialUser")
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// SQL run at start, before the server accepts connections, as `root`@`%` with no default
/// database (like `--init-file`, but text). `label` names it in errors and logs instead of the
/// text, which may hold a password (`CREATE USER ... IDENTIFIED BY`); `Debug` shows the label only.
#[derive(Clone, PartialEq, Eq)]
pub struct InitSql {
    /// What the text is, e.g. `account 'app'@'%'`.
    pub label: String,
    /// One or more `;`-separated statements.
    pub sql: String,
}

impl std::fmt::Debug for InitSql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InitSql")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}

/// Everything a [`crate::Server`] needs to start.
#[derive(Clone, PartialEq, Eq)]
pub struct Config {
    /// Address to listen on (`bind_address`).
    pub bind_address: String,
    /// TCP port; 0 picks an ephemeral port (read it back from [`crate::Server::local_addr`]).
    pub port: u16,
    /// TLS material.
    pub tls: TlsOptions,
    /// `require_secure_transport` at start (ON by default).
    pub require_secure_transport: bool,
    /// Password of `root`@`%` (empty string: no password).
    pub root_password: String,
    /// A database created at start (`MYSQL_DATABASE`).
    pub database: Option<String>,
    /// An extra account created at start (`MYSQL_USER` / `MYSQL_PASSWORD`).
    pub user: Option<InitialUser>,
    /// SQL statements run at start, one per line or `;`-separated (`--init-file`).
    pub init_file: Option<PathBuf>,
    /// SQL texts run at start after `init_file`, in order; the first that fails stops the start.
    pub init_sql: Vec<InitSql>,
    /// `max_connections`: connections beyond it get ERROR 1040.
    pub max_connections: usize,
    /// `max_allowed_packet` in bytes.
    pub max_allowed_packet: usize,
    /// `connect_timeout`: how long the whole connection phase may take.
    pub connect_timeout: Duration,
    /// Log every step of every connection's handshake (`--trace-handshake`).
    pub trace_handshake: bool,
    /// `local_infile`: allow LOAD DATA LOCAL INFILE (OFF by default, as in MySQL 8.4).
    pub local_infile: bool,
    /// `--datadir`: where the whole state is saved (at shutdown and on FLUSH TABLES) and loaded
    /// from at start. None (the default): everything stays in memory.
    pub datadir: Option<PathBuf>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind_address", &self.bind_address)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("require_secure_transport", &self.require_secure_transport)
            .field("root_password", &"<redacted>")
            .field("database", &self.database)
            .field("user", &self.user)
            .field("init_file", &self.init_file)
            .field("init_sql", &self.init_sql)
            .field("max_connections", &self.max_connections)
            .field("max_allowed_packet", &self.max_allowed_packet)
            .field("connect_timeout", &self.connect_timeout)
            .field("trace_handshake", &self.trace_handshake)
            .field("local_infile", &self.local_infile)
            .field("datadir", &self.datadir)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind_address: "127.0.0.1".to_string(),
            port: 3306,
            tls: TlsOptions::default(),
            require_secure_transport: true,
            root_password: String::new(),
            database: None,
            user: None,
            init_file: None,
            init_sql: Vec::new(),
            max_connections: 151,
            max_allowed_packet: 64 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            trace_handshake: false,
            local_infile: false,
            datadir: None,
        }
    }
}
