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
            .field("max_connections", &self.max_connections)
            .field("max_allowed_packet", &self.max_allowed_packet)
            .field("connect_timeout", &self.connect_timeout)
            .field("trace_handshake", &self.trace_handshake)
            .field("local_infile", &self.local_infile)
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
            max_connections: 151,
            max_allowed_packet: 64 * 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            trace_handshake: false,
            local_infile: false,
        }
    }
}
