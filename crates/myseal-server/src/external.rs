//! External server mode: run the same tests against a server that is already running (a real
//! MySQL 8.4, or a shared myseal) instead of an embedded one.
//!
//! When `MYSEAL_EXTERNAL_URL` is set (e.g. `mysql://root:pw@db.example:3306`), and optionally
//! `MYSEAL_EXTERNAL_CA` (the path of the CA certificate, PEM, that signed that server's
//! certificate), [`crate::Builder::start`] starts no server. The handle it returns gives that
//! server's address and verifying connection options: TLS verifies the certificate against
//! `MYSEAL_EXTERNAL_CA` (or the system's roots without it) and the URL's host name. The URL's
//! account is the handle's [`crate::TestServer::root_user`]; there is no client identity (the
//! CA's key is not known here).
//!
//! The builder's databases, accounts, init SQL and grants are created there with the same SQL
//! an embedded server runs (`CREATE DATABASE IF NOT EXISTS`, `CREATE USER IF NOT EXISTS`, the
//! init SQL as written, `GRANT`), over the URL's account, through mysql_async (feature
//! `mysql_async`) or else sqlx (feature `sqlx`); without either feature a builder with anything
//! to create fails to start. Nothing is dropped afterwards: an external server outlives the
//! test, so write init SQL that can run again (`CREATE TABLE IF NOT EXISTS`, ...), and give
//! tests that run in parallel databases of their own. Embedded-only options (port, bind
//! address, root password, `require_secure_transport`, client-certificate requirement,
//! [`crate::Builder::configure`]) are ignored.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::InitSql;
use crate::fixture::{Endpoint, TestServer};
use crate::ServerError;

/// The environment variable naming an external server's URL.
pub const EXTERNAL_URL_VAR: &str = "MYSEAL_EXTERNAL_URL";
/// The environment variable naming the external server's CA certificate file (PEM).
pub const EXTERNAL_CA_VAR: &str = "MYSEAL_EXTERNAL_CA";

/// An external server's URL: `mysql://user:password@host:port/database`, user and password
/// percent-decoded. Only the host is required: the user defaults to `root`, the password to
/// empty, the port to 3306. A query string is refused (TLS is always verified; the CA comes
/// from `MYSEAL_EXTERNAL_CA`). `Debug` leaves the password out.
#[derive(Clone, PartialEq, Eq)]
pub struct ExternalUrl {
    /// The account the builder's setup runs as.
    pub user: String,
    /// Its password.
    pub password: String,
    /// Host name or IP address (without brackets), also the name the certificate must hold.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// The database in the URL's path, if any (informational: connection options take theirs).
    pub database: Option<String>,
}

impl std::fmt::Debug for ExternalUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalUrl")
            .field("user", &self.user)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .finish_non_exhaustive()
    }
}

impl std::str::FromStr for ExternalUrl {
    type Err = ServerError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        ExternalUrl::parse(url)
    }
}

impl ExternalUrl {
    /// Parses `mysql://[user[:password]@]host[:port][/database]`.
    pub fn parse(url: &str) -> Result<ExternalUrl, ServerError> {
        let bad = |why: &str| ServerError::External(format!("{EXTERNAL_URL_VAR}: {why}"));
        let rest = url
            .split_once("://")
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("mysql"))
            .map(|(_, rest)| rest)
            .ok_or_else(|| bad("expected mysql://user:password@host:port"))?;
        if rest.contains(['?', '#']) {
            return Err(bad(
                "query strings and fragments are not read (TLS is always verified; set \
                 MYSEAL_EXTERNAL_CA for the CA)",
            ));
        }
        let (authority, path) = match rest.find('/') {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, ""),
        };
        // The password may hold '@' when encoded only; the last '@' ends the user info.
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(info) => match info.split_once(':') {
                Some((user, password)) => (decode(user)?, decode(password)?),
                None => (decode(info)?, String::new()),
            },
            None => ("root".to_owned(), String::new()),
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("unclosed [ in an IPv6 host"))?;
            let port = match after {
                "" => None,
                p => Some(
                    p.strip_prefix(':')
                        .ok_or_else(|| bad("expected :port after ]"))?,
                ),
            };
            (host, port)
        } else {
            match hostport.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(bad("no host"));
        }
        let port = match port {
            None => 3306,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| bad(&format!("bad port {p:?}")))?,
        };
        let database = match path {
            "" => None,
            p if p.contains('/') => return Err(bad("the path is one database name")),
            p => Some(decode(p)?),
        };
        Ok(ExternalUrl {
            user: if user.is_empty() { "root".into() } else { user },
            password,
            host: host.to_owned(),
            port,
            database,
        })
    }
}

/// Percent-decoding of one URL component into UTF-8 text.
fn decode(s: &str) -> Result<String, ServerError> {
    let bad = || ServerError::External(format!("{EXTERNAL_URL_VAR}: bad percent-encoding"));
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or_else(bad)?;
            let hex = std::str::from_utf8(hex).map_err(|_| bad())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// An external server to use: its URL and CA file.
#[derive(Clone, Debug)]
pub(crate) struct External {
    url: ExternalUrl,
    ca_file: Option<PathBuf>,
}

impl External {
    pub(crate) fn new(url: &str, ca_file: Option<PathBuf>) -> Result<External, ServerError> {
        Ok(External {
            url: ExternalUrl::parse(url)?,
            ca_file,
        })
    }

    /// `MYSEAL_EXTERNAL_URL` and `MYSEAL_EXTERNAL_CA`, read now.
    pub(crate) fn from_env() -> Result<Option<External>, ServerError> {
        let var = |name: &str| std::env::var(name).ok();
        External::from_vars(var(EXTERNAL_URL_VAR), var(EXTERNAL_CA_VAR))
    }

    /// The variables' values: no URL (or an empty one) means an embedded server, and the CA
    /// alone is then ignored.
    pub(crate) fn from_vars(
        url: Option<String>,
        ca: Option<String>,
    ) -> Result<Option<External>, ServerError> {
        match url.filter(|u| !u.trim().is_empty()) {
            None => Ok(None),
            Some(url) => External::new(
                url.trim(),
                ca.filter(|c| !c.trim().is_empty()).map(PathBuf::from),
            )
            .map(Some),
        }
    }
}

/// Resolves the external server, runs the builder's setup there, and hands it out.
pub(crate) async fn start(
    external: External,
    setup: Vec<InitSql>,
) -> Result<TestServer, ServerError> {
    let External { url, ca_file } = external;
    let ca_pem = match &ca_file {
        Some(path) => Some(
            std::fs::read_to_string(path).map_err(|source| ServerError::Io {
                what: format!("{EXTERNAL_CA_VAR}: cannot read {}", path.display()),
                source,
            })?,
        ),
        None => None,
    };
    let addr = tokio::net::lookup_host((url.host.as_str(), url.port))
        .await
        .map_err(|e| ServerError::External(format!("cannot resolve {}: {e}", url.host)))?
        .next()
        .ok_or_else(|| ServerError::External(format!("{} has no address", url.host)))?;
    tracing::info!(host = %url.host, port = url.port, "using an external server");
    let endpoint = Endpoint {
        host: url.host.clone(),
        addr,
        ca_pem,
        ca_file,
        client: None,
        issuer: None,
        root_user: url.user.clone(),
        root_password: url.password.clone(),
        external: true,
        fault_addrs: Vec::new(),
        files: Arc::default(),
    };
    if !setup.is_empty() {
        run_setup(&endpoint, &setup).await?;
    }
    Ok(TestServer::external(endpoint))
}

fn setup_error(sql: &InitSql, e: impl std::fmt::Display) -> ServerError {
    ServerError::External(format!("{}: {e}", sql.label))
}

#[cfg(feature = "mysql_async")]
async fn run_setup(endpoint: &Endpoint, setup: &[InitSql]) -> Result<(), ServerError> {
    use mysql_async::prelude::Queryable;
    let opts = endpoint.mysql_async_opts(&endpoint.root_user, &endpoint.root_password, None);
    let mut conn = mysql_async::Conn::new(opts).await.map_err(|e| {
        ServerError::External(format!("cannot connect as {}: {e}", endpoint.root_user))
    })?;
    for sql in setup {
        conn.query_drop(&sql.sql)
            .await
            .map_err(|e| setup_error(sql, e))?;
    }
    let _ = conn.disconnect().await;
    Ok(())
}

#[cfg(all(feature = "sqlx", not(feature = "mysql_async")))]
async fn run_setup(endpoint: &Endpoint, setup: &[InitSql]) -> Result<(), ServerError> {
    use sqlx::{ConnectOptions, Connection, Executor};
    let opts = endpoint.sqlx_options(&endpoint.root_user, &endpoint.root_password, None);
    let mut conn = opts.connect().await.map_err(|e| {
        ServerError::External(format!("cannot connect as {}: {e}", endpoint.root_user))
    })?;
    for sql in setup {
        conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.sql.clone())))
            .await
            .map_err(|e| setup_error(sql, e))?;
    }
    let _ = conn.close().await;
    Ok(())
}

#[cfg(not(any(feature = "sqlx", feature = "mysql_async")))]
async fn run_setup(_endpoint: &Endpoint, setup: &[InitSql]) -> Result<(), ServerError> {
    Err(setup_error(
        &setup[0],
        "creating databases, accounts or running init SQL on an external server needs the \
         `mysql_async` or `sqlx` feature",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> ExternalUrl {
        ExternalUrl::parse(url).unwrap()
    }

    #[test]
    fn a_full_url_gives_user_password_host_port_and_database() {
        assert_eq!(
            parse("mysql://root:pw@db.example:3307/app"),
            ExternalUrl {
                user: "root".into(),
                password: "pw".into(),
                host: "db.example".into(),
                port: 3307,
                database: Some("app".into()),
            }
        );
    }

    #[test]
    fn only_the_host_is_required() {
        let u = parse("mysql://db.example");
        assert_eq!(
            (u.user.as_str(), u.password.as_str(), u.port, u.database),
            ("root", "", 3306, None)
        );
        let u = parse("MySQL://admin@10.0.0.5/");
        assert_eq!((u.user.as_str(), u.host.as_str()), ("admin", "10.0.0.5"));
        assert_eq!(u.database, None);
    }

    #[test]
    fn percent_encoded_credentials_are_decoded() {
        let u = parse("mysql://us%40er:p%3Aw%2F%40%C3%A9@h:1/d%20b");
        assert_eq!(u.user, "us@er");
        assert_eq!(u.password, "p:w/@é");
        assert_eq!(u.database.as_deref(), Some("d b"));
        // An unencoded '@' in the password: the last '@' ends the user info.
        assert_eq!(parse("mysql://u:a@b@h").password, "a@b");
    }

    #[test]
    fn ipv6_hosts_are_bracketed() {
        let u = parse("mysql://root:x@[::1]:4000");
        assert_eq!((u.host.as_str(), u.port), ("::1", 4000));
        assert_eq!(parse("mysql://[fe80::1]").port, 3306);
    }

    #[test]
    fn malformed_urls_are_refused_with_the_variable_named() {
        for url in [
            "postgres://root@h",
            "root:pw@h:3306",
            "mysql://root:pw@:3306",
            "mysql://h:0",
            "mysql://h:99999",
            "mysql://h:port",
            "mysql://[::1",
            "mysql://[::1]x",
            "mysql://h/a/b",
            "mysql://h/db?ssl-mode=DISABLED",
            "mysql://u:%zz@h",
            "mysql://u:%ff@h",
        ] {
            let err = ExternalUrl::parse(url).unwrap_err();
            assert!(err.to_string().contains(EXTERNAL_URL_VAR), "{url}: {err}");
        }
    }

    #[test]
    fn the_password_is_not_in_debug_output() {
        let u = parse("mysql://root:hunter2@h");
        assert!(!format!("{u:?}").contains("hunter2"));
    }

    #[test]
    fn no_url_means_embedded_and_the_ca_alone_is_ignored() {
        assert!(External::from_vars(None, Some("/ca.pem".into()))
            .unwrap()
            .is_none());
        assert!(External::from_vars(Some("  ".into()), None)
            .unwrap()
            .is_none());
        let ext = External::from_vars(Some("mysql://h:1".into()), Some("/ca.pem".into()))
            .unwrap()
            .unwrap();
        assert_eq!(ext.url.port, 1);
        assert_eq!(ext.ca_file, Some(PathBuf::from("/ca.pem")));
        assert!(External::from_vars(Some("http://h".into()), None).is_err());
    }
}
