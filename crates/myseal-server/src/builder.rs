//! [`Builder`]: a test server described step by step, started with [`Builder::start`] (a
//! [`TestServer`]) or [`Builder::start_blocking`] (a [`BlockingTestServer`]).
//!
//! Defaults: an ephemeral port on 127.0.0.1, certificates generated in memory (nothing is
//! written to disk), `require_secure_transport=ON`, a random root password. Databases,
//! accounts, grants and init SQL become SQL statements the engine runs before the server accepts
//! connections, so they mean exactly what the same statements mean to MySQL 8.4; the order is
//! databases, `CREATE USER`s, init SQL, `GRANT`s (init SQL may create the tables that grants
//! name, and may grant roles to the accounts).
//!
//! With `MYSEAL_EXTERNAL_URL` set, [`Builder::start`] starts nothing and hands out that server
//! instead; see [`crate::external`].

use std::path::PathBuf;

use crate::blocking::BlockingTestServer;
use crate::config::InitSql;
use crate::external::{self, External};
use crate::fixture::{identifier, TestServer};
use crate::{Config, ServerError};

/// An account a [`Builder`] creates: `CREATE USER IF NOT EXISTS 'name'@'host' IDENTIFIED BY
/// 'password' [REQUIRE ...]`, then one `GRANT ... TO 'name'@'host'` per [`Account::grant`].
///
/// The password is hashed by the server as any `IDENTIFIED BY` is (caching_sha2_password);
/// `Debug` leaves it out.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    name: String,
    host: String,
    password: String,
    require: Option<String>,
    grants: Vec<String>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("host", &self.host)
            .field("require", &self.require)
            .field("grants", &self.grants)
            .finish_non_exhaustive()
    }
}

impl Account {
    /// `'name'@'%'` with this password, no REQUIRE clause and no privileges.
    pub fn new(name: impl Into<String>, password: impl Into<String>) -> Account {
        Account {
            name: name.into(),
            host: "%".into(),
            password: password.into(),
            require: None,
            grants: Vec::new(),
        }
    }

    /// The account's host pattern (`%` unless set), e.g. `127.0.0.1` or `192.168.%`.
    pub fn host(mut self, host: impl Into<String>) -> Account {
        self.host = host.into();
        self
    }

    /// The REQUIRE clause as SQL, without the keyword: `"SSL"`, `"X509"`,
    /// `"SUBJECT '/CN=alice'"`, `"SUBJECT '/CN=alice' AND ISSUER '/CN=...'"`.
    pub fn require(mut self, clause: impl Into<String>) -> Account {
        self.require = Some(clause.into());
        self
    }

    /// `REQUIRE SUBJECT 'subject'`, the subject quoted for you (OpenSSL's one-line form, e.g.
    /// `/CN=alice`, as [`crate::TestServer::issue_client_identity`] issues).
    pub fn require_subject(self, subject: &str) -> Account {
        let clause = format!("SUBJECT {}", string_literal(subject));
        self.require(clause)
    }

    /// A grant as SQL privilege text, without `GRANT` and `TO`: `"SELECT, INSERT ON app.*"`,
    /// `"ALL ON app.* WITH GRANT OPTION"`, `"SELECT (id) ON app.items"`, or role names
    /// (`"app_reader"`). May be called more than once.
    pub fn grant(mut self, privileges: impl Into<String>) -> Account {
        self.grants.push(privileges.into());
        self
    }

    /// The account's name as SQL: `'name'@'host'`.
    pub fn sql_name(&self) -> String {
        format!(
            "{}@{}",
            string_literal(&self.name),
            string_literal(&self.host)
        )
    }

    fn create_sql(&self) -> InitSql {
        let mut sql = format!(
            "CREATE USER IF NOT EXISTS {} IDENTIFIED BY {}",
            self.sql_name(),
            string_literal(&self.password)
        );
        if let Some(require) = &self.require {
            sql.push_str(" REQUIRE ");
            sql.push_str(require);
        }
        InitSql {
            label: format!("account {}", self.sql_name()),
            sql,
        }
    }

    fn grant_sql(&self) -> impl Iterator<Item = InitSql> + '_ {
        self.grants.iter().map(|grant| {
            let grant = grant.trim();
            const WITH: &str = "WITH GRANT OPTION";
            let (what, with) = match grant.len().checked_sub(WITH.len()) {
                Some(at)
                    if grant.is_char_boundary(at) && grant[at..].eq_ignore_ascii_case(WITH) =>
                {
                    (grant[..at].trim_end(), " WITH GRANT OPTION")
                }
                _ => (grant, ""),
            };
            InitSql {
                label: format!("GRANT {what} TO {}", self.sql_name()),
                sql: format!("GRANT {what} TO {}{with}", self.sql_name()),
            }
        })
    }
}

/// Init SQL given to the builder.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Init {
    Text(String),
    File(PathBuf),
}

/// Whether [`Builder::start`] starts a server or uses one that is already running.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Mode {
    /// External when `MYSEAL_EXTERNAL_URL` is set when `start` runs, embedded otherwise.
    FromEnv,
    Embedded,
    External {
        url: String,
        ca_file: Option<PathBuf>,
    },
}

/// A test server described step by step; [`crate::Server::builder`] makes one.
///
/// ```no_run
/// # async fn demo() -> Result<(), myseal_server::ServerError> {
/// use myseal_server::{Account, Server};
/// let server = Server::builder()
///     .database("app")
///     .account(Account::new("app", "app-pw").grant("SELECT, INSERT, UPDATE, DELETE ON app.*"))
///     .init_sql("CREATE TABLE app.items (id INT PRIMARY KEY, name VARCHAR(40))")
///     .start()
///     .await?;
/// println!("listening on {}", server.addr());
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    config: Config,
    databases: Vec<String>,
    accounts: Vec<Account>,
    init: Vec<Init>,
    mode: Mode,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// The defaults: port 0 on 127.0.0.1, in-memory certificates, `require_secure_transport=ON`,
    /// a random root password ([`TestServer::root_password`]).
    pub fn new() -> Builder {
        let mut config = Config {
            port: 0,
            root_password: random_password(),
            ..Config::default()
        };
        config.tls.in_memory = true;
        Builder {
            config,
            databases: Vec::new(),
            accounts: Vec::new(),
            init: Vec::new(),
            mode: Mode::FromEnv,
        }
    }

    /// `require_secure_transport` at start (ON unless set): with OFF, plain TCP logins work
    /// (caching_sha2_password then uses an RSA key pair generated once per process).
    pub fn require_secure_transport(mut self, on: bool) -> Builder {
        self.config.require_secure_transport = on;
        self
    }

    /// Make every TLS handshake demand a client certificate signed by the server's CA
    /// ([`TestServer::client_identity`] is one). Off unless set.
    pub fn require_client_cert(mut self, on: bool) -> Builder {
        self.config.tls.require_client_cert = on;
        self
    }

    /// Also listen on an ephemeral port that presents the TLS fault `fault` (what
    /// `--tls-fault-port` does), for testing that a client refuses it; find it with
    /// [`TestServer::fault_addr`]. The faulty certificates are issued from the in-memory CA
    /// (or the generated one), so the server's normal connection options trust that CA: only the
    /// fault makes a verifying client refuse. The main port stays correct. Ignored by an
    /// external server.
    pub fn tls_fault_port(mut self, fault: myseal_tls::TlsFault) -> Builder {
        if !self.config.tls.fault_ports.iter().any(|(f, _)| *f == fault) {
            self.config.tls.fault_ports.push((fault, 0));
        }
        self
    }

    /// The password of `root`@`%` (random unless set).
    pub fn root_password(mut self, password: impl Into<String>) -> Builder {
        self.config.root_password = password.into();
        self
    }

    /// A database to create (`CREATE DATABASE IF NOT EXISTS`). May be called more than once.
    pub fn database(mut self, name: impl Into<String>) -> Builder {
        self.databases.push(name.into());
        self
    }

    /// An account to create, with its grants. May be called more than once.
    pub fn account(mut self, account: Account) -> Builder {
        self.accounts.push(account);
        self
    }

    /// SQL to run at start (one or more `;`-separated statements), as root with no default
    /// database. May be called more than once; texts and files run in the order given.
    pub fn init_sql(mut self, sql: impl Into<String>) -> Builder {
        self.init.push(Init::Text(sql.into()));
        self
    }

    /// A file of SQL to run at start, read when the server starts.
    pub fn init_sql_file(mut self, path: impl Into<PathBuf>) -> Builder {
        self.init.push(Init::File(path.into()));
        self
    }

    /// The TCP port (0, the default, picks a free one: read it back with
    /// [`TestServer::port`]).
    pub fn port(mut self, port: u16) -> Builder {
        self.config.port = port;
        self
    }

    /// The address to listen on (`127.0.0.1` unless set).
    pub fn bind_address(mut self, address: impl Into<String>) -> Builder {
        self.config.bind_address = address.into();
        self
    }

    /// Changes anything else of the embedded server's [`Config`] (`max_connections`,
    /// `local_infile`, `trace_handshake`, certificate files instead of in-memory ones, ...).
    pub fn configure(mut self, f: impl FnOnce(&mut Config)) -> Builder {
        f(&mut self.config);
        self
    }

    /// The embedded server's configuration as it stands.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Start an embedded server even when `MYSEAL_EXTERNAL_URL` is set.
    pub fn embedded(mut self) -> Builder {
        self.mode = Mode::Embedded;
        self
    }

    /// Use the server at `url` (`mysql://user:password@host:port`, the account the builder's
    /// databases, accounts and init SQL are created with) instead of starting one, trusting the
    /// CA certificate in `ca_file` (PEM), or the system's roots without one. What
    /// `MYSEAL_EXTERNAL_URL` and `MYSEAL_EXTERNAL_CA` do, without reading the environment. See
    /// [`crate::external`].
    pub fn external(mut self, url: impl Into<String>, ca_file: Option<PathBuf>) -> Builder {
        self.mode = Mode::External {
            url: url.into(),
            ca_file,
        };
        self
    }

    /// Starts the server (or connects the external one) and returns once it accepts
    /// connections with its databases, accounts and init SQL in place.
    pub async fn start(self) -> Result<TestServer, ServerError> {
        let external = match &self.mode {
            Mode::Embedded => None,
            Mode::FromEnv => External::from_env()?,
            Mode::External { url, ca_file } => Some(External::new(url, ca_file.clone())?),
        };
        let setup = self.setup_sql()?;
        match external {
            Some(external) => external::start(external, setup).await,
            None => {
                let mut config = self.config;
                config.init_sql.extend(setup);
                let server = crate::Server::start(config).await?;
                TestServer::embedded(server)
            }
        }
    }

    /// [`Builder::start`] for tests without an async runtime: the server runs on a runtime of
    /// its own thread; this returns once it accepts connections. Must not be called from inside
    /// an async runtime (use `start().await` there).
    pub fn start_blocking(self) -> Result<BlockingTestServer, ServerError> {
        BlockingTestServer::start(self.start())
    }

    /// The SQL the builder's databases, accounts, init SQL and grants turn into, in order.
    fn setup_sql(&self) -> Result<Vec<InitSql>, ServerError> {
        let mut out = Vec::new();
        for db in &self.databases {
            out.push(InitSql {
                label: format!("database {}", identifier(db)),
                sql: format!("CREATE DATABASE IF NOT EXISTS {}", identifier(db)),
            });
        }
        out.extend(self.accounts.iter().map(Account::create_sql));
        for (i, init) in self.init.iter().enumerate() {
            out.push(match init {
                Init::Text(sql) => InitSql {
                    label: format!("init SQL #{}", i + 1),
                    sql: sql.clone(),
                },
                Init::File(path) => InitSql {
                    label: format!("init SQL file {}", path.display()),
                    sql: std::fs::read_to_string(path).map_err(|source| ServerError::InitFile {
                        path: path.clone(),
                        source,
                    })?,
                },
            });
        }
        for account in &self.accounts {
            out.extend(account.grant_sql());
        }
        Ok(out)
    }
}

/// A MySQL string literal: `'` doubled, `\` and NUL escaped (the default `sql_mode` reads
/// backslash escapes).
pub(crate) fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// 24 random letters and digits.
fn random_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // 7-bit random bytes; 128 = 2 * 62 + 4, so the first four letters are a little likelier,
    // which still leaves over 140 bits.
    let mut bytes = myseal_auth::nonce::generate().to_vec();
    bytes.extend(myseal_auth::nonce::generate().iter().take(4));
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(builder: &Builder) -> Vec<(String, String)> {
        builder
            .setup_sql()
            .unwrap()
            .into_iter()
            .map(|i| (i.label, i.sql))
            .collect()
    }

    #[test]
    fn setup_runs_databases_then_accounts_then_init_sql_then_grants() {
        let b = Builder::new()
            .database("app")
            .account(
                Account::new("app", "pw")
                    .require("X509")
                    .grant("SELECT, INSERT ON app.*")
                    .grant("ALL ON other.* with grant option"),
            )
            .init_sql("CREATE TABLE app.t (a INT)");
        assert_eq!(
            sql(&b),
            [
                (
                    "database `app`".into(),
                    "CREATE DATABASE IF NOT EXISTS `app`".into()
                ),
                (
                    "account 'app'@'%'".into(),
                    "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'pw' REQUIRE X509".into()
                ),
                ("init SQL #1".into(), "CREATE TABLE app.t (a INT)".into()),
                (
                    "GRANT SELECT, INSERT ON app.* TO 'app'@'%'".into(),
                    "GRANT SELECT, INSERT ON app.* TO 'app'@'%'".into()
                ),
                (
                    "GRANT ALL ON other.* TO 'app'@'%'".into(),
                    "GRANT ALL ON other.* TO 'app'@'%' WITH GRANT OPTION".into()
                ),
            ]
        );
    }

    #[test]
    fn names_and_passwords_are_quoted_and_labels_hold_no_password() {
        let b = Builder::new().database("we`ird").account(
            Account::new("o'brien", "it's \\ secret")
                .host("10.0.%")
                .require_subject("/CN=o'brien"),
        );
        let all = sql(&b);
        assert_eq!(all[0].1, "CREATE DATABASE IF NOT EXISTS `we``ird`");
        assert_eq!(
            all[1].1,
            "CREATE USER IF NOT EXISTS 'o''brien'@'10.0.%' IDENTIFIED BY 'it''s \\\\ secret' \
             REQUIRE SUBJECT '/CN=o''brien'"
        );
        assert!(all.iter().all(|(label, _)| !label.contains("secret")));
        assert!(!format!("{b:?}").contains("secret"));
    }

    #[test]
    fn an_unreadable_init_file_is_named_in_the_error() {
        let b = Builder::new().init_sql_file("/nonexistent/seed.sql");
        let err = b.setup_sql().unwrap_err();
        assert!(err.to_string().contains("/nonexistent/seed.sql"), "{err}");
    }

    #[test]
    fn the_default_root_password_is_random_letters_and_digits() {
        let (a, b) = (random_password(), random_password());
        assert_eq!(a.len(), 24);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b);
    }
}
