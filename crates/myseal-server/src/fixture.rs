//! [`TestServer`]: a running test server (or an external one) and everything a client needs to
//! reach it over verified TLS: address, CA, a client identity, and ready-made connection options
//! for mysql_async (feature `mysql_async`), sqlx (feature `sqlx`) and as a URL.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use myseal_tls::MemoryCerts;

use crate::{Server, ServerError};

/// A client certificate and its private key, as PEM text.
///
/// `Debug` leaves the key out.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    cert_pem: String,
    key_pem: String,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity")
            .field("cert_pem", &self.cert_pem)
            .finish_non_exhaustive()
    }
}

impl ClientIdentity {
    /// A certificate (chain) and its key, both PEM.
    pub fn new(cert_pem: impl Into<String>, key_pem: impl Into<String>) -> ClientIdentity {
        ClientIdentity {
            cert_pem: cert_pem.into(),
            key_pem: key_pem.into(),
        }
    }

    /// The certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The private key (PKCS#8), PEM.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The identity for mysql_async's [`mysql_async::SslOpts::with_client_identity`].
    #[cfg(feature = "mysql_async")]
    pub fn to_mysql_async(&self) -> mysql_async::ClientIdentity {
        mysql_async::ClientIdentity::new(
            self.cert_pem.as_bytes().to_vec().into(),
            self.key_pem.as_bytes().to_vec().into(),
        )
    }
}

/// Where a server is and how to trust it: what [`TestServer`] and
/// [`crate::BlockingTestServer`] hand out.
#[derive(Clone)]
pub(crate) struct Endpoint {
    /// The name clients connect to and verify the certificate against.
    pub(crate) host: String,
    pub(crate) addr: SocketAddr,
    pub(crate) ca_pem: Option<String>,
    /// A CA file that already exists (an external server's, or a server's `ssl_ca`).
    pub(crate) ca_file: Option<PathBuf>,
    pub(crate) client: Option<ClientIdentity>,
    /// The in-memory CA that signs more client certificates.
    pub(crate) issuer: Option<Arc<MemoryCerts>>,
    pub(crate) root_user: String,
    pub(crate) root_password: String,
    pub(crate) external: bool,
    pub(crate) files: Arc<TempFiles>,
    /// The embedded server's TLS fault ports ([`crate::Builder::tls_fault_port`]), reached on
    /// the same host as `addr`.
    pub(crate) fault_addrs: Vec<(myseal_tls::TlsFault, SocketAddr)>,
}

impl Endpoint {
    pub(crate) fn issue_client_identity(
        &self,
        common_name: &str,
    ) -> Result<ClientIdentity, ServerError> {
        let issuer = self.issuer.as_ref().ok_or_else(|| {
            ServerError::Config(
                "this server's CA key is not known here (an external server, or certificate \
                 files): cannot issue client certificates"
                    .into(),
            )
        })?;
        let (cert, key) = issuer.issue_client_cert(common_name)?;
        Ok(ClientIdentity::new(cert, key))
    }

    pub(crate) fn url(
        &self,
        user: &str,
        password: &str,
        database: Option<&str>,
    ) -> Result<String, ServerError> {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let mut url = format!(
            "mysql://{}:{}@{host}:{}/{}?ssl-mode=VERIFY_IDENTITY",
            encode(user, false),
            encode(password, false),
            self.addr.port(),
            encode(database.unwrap_or(""), false)
        );
        let files = self.files.write(self)?;
        if let Some(ca) = files.ca.as_ref() {
            url.push_str("&ssl-ca=");
            url.push_str(&encode(&ca.to_string_lossy(), true));
        }
        if let Some((cert, key)) = files.client.as_ref() {
            url.push_str("&ssl-cert=");
            url.push_str(&encode(&cert.to_string_lossy(), true));
            url.push_str("&ssl-key=");
            url.push_str(&encode(&key.to_string_lossy(), true));
        }
        Ok(url)
    }

    #[cfg(feature = "mysql_async")]
    pub(crate) fn mysql_async_ssl_opts(
        &self,
        identity: Option<&ClientIdentity>,
    ) -> mysql_async::SslOpts {
        let mut ssl = mysql_async::SslOpts::default();
        if let Some(ca) = &self.ca_pem {
            ssl = ssl
                .with_root_certs(vec![ca.as_bytes().to_vec().into()])
                .with_disable_built_in_roots(true);
        }
        ssl.with_client_identity(identity.map(ClientIdentity::to_mysql_async))
    }

    #[cfg(feature = "mysql_async")]
    pub(crate) fn mysql_async_opts(
        &self,
        user: &str,
        password: &str,
        database: Option<&str>,
    ) -> mysql_async::OptsBuilder {
        mysql_async::OptsBuilder::default()
            .ip_or_hostname(self.host.clone())
            .tcp_port(self.addr.port())
            .user(Some(user))
            .pass(Some(password))
            .db_name(database)
            .prefer_socket(false)
            .ssl_opts(Some(self.mysql_async_ssl_opts(self.client.as_ref())))
    }

    #[cfg(feature = "sqlx")]
    pub(crate) fn sqlx_options(
        &self,
        user: &str,
        password: &str,
        database: Option<&str>,
    ) -> sqlx::mysql::MySqlConnectOptions {
        let mut options = sqlx::mysql::MySqlConnectOptions::new()
            .host(&self.host)
            .port(self.addr.port())
            .username(user)
            .password(password)
            .ssl_mode(sqlx::mysql::MySqlSslMode::VerifyIdentity);
        if let Some(ca) = &self.ca_pem {
            options = options.ssl_ca_from_pem(ca.as_bytes().to_vec());
        }
        if let Some(identity) = &self.client {
            options = options
                .ssl_client_cert_from_pem(identity.cert_pem.as_bytes())
                .ssl_client_key_from_pem(identity.key_pem.as_bytes());
        }
        if let Some(database) = database {
            options = options.database(database);
        }
        options
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (and `/` with
/// `keep_slash`, for file paths in the query).
fn encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Files a URL needs (the CA, the client certificate and key): written on the first
/// [`TestServer::url`], removed with the last handle that shares them.
#[derive(Debug, Default)]
pub(crate) struct TempFiles(Mutex<Option<Written>>);

#[derive(Clone, Debug)]
struct Written {
    dir: Option<PathBuf>,
    ca: Option<PathBuf>,
    client: Option<(PathBuf, PathBuf)>,
}

impl TempFiles {
    fn write(&self, endpoint: &Endpoint) -> Result<Written, ServerError> {
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(written) = guard.as_ref() {
            return Ok(written.clone());
        }
        let ca_pem = match (&endpoint.ca_file, &endpoint.ca_pem) {
            (None, Some(pem)) => Some(pem),
            _ => None,
        };
        let dir = if ca_pem.is_some() || endpoint.client.is_some() {
            Some(new_temp_dir()?)
        } else {
            None
        };
        let write = |dir: &Path, name: &str, text: &str| -> Result<PathBuf, ServerError> {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|source| ServerError::Io {
                what: format!("cannot write {}", path.display()),
                source,
            })?;
            Ok(path)
        };
        let (mut ca, mut client) = (endpoint.ca_file.clone(), None);
        if let Some(dir) = &dir {
            if let Some(pem) = ca_pem {
                ca = Some(write(dir, "ca.pem", pem)?);
            }
            if let Some(identity) = &endpoint.client {
                client = Some((
                    write(dir, "client-cert.pem", &identity.cert_pem)?,
                    write(dir, "client-key.pem", &identity.key_pem)?,
                ));
            }
        }
        let written = Written { dir, ca, client };
        *guard = Some(written.clone());
        Ok(written)
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        let written = self.0.get_mut().unwrap_or_else(PoisonError::into_inner);
        if let Some(dir) = written.as_ref().and_then(|w| w.dir.as_ref()) {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A fresh directory only the current user can read (the client key goes there).
fn new_temp_dir() -> Result<PathBuf, ServerError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "myseal-fixture-{}-{}-{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(&dir).map_err(|source| ServerError::Io {
        what: format!("cannot create {}", dir.display()),
        source,
    })?;
    Ok(dir)
}

/// The methods [`TestServer`] and [`crate::BlockingTestServer`] share; each has
/// `fn endpoint(&self) -> &Endpoint`.
macro_rules! endpoint_methods {
    () => {
        /// The address clients connect to (the real port when 0 was asked for).
        pub fn addr(&self) -> std::net::SocketAddr {
            self.endpoint().addr
        }

        /// The TCP port.
        pub fn port(&self) -> u16 {
            self.endpoint().addr.port()
        }

        /// The host name or IP address clients connect to and verify the server certificate
        /// against: `127.0.0.1` for an embedded server (its certificate names `localhost`,
        /// `127.0.0.1` and `::1`), the URL's host for an external one.
        pub fn host(&self) -> &str {
            &self.endpoint().host
        }

        /// The CA certificate (PEM) clients trust; `None` for an external server given without
        /// `MYSEAL_EXTERNAL_CA` (clients then use the system's roots).
        pub fn ca_pem(&self) -> Option<&str> {
            self.endpoint().ca_pem.as_deref()
        }

        /// A client certificate signed by the server's CA, with its key (subject
        /// `/CN=myseal_Auto_Generated_Client_Certificate`). The connection options below
        /// present it. `None` for an external server.
        pub fn client_identity(&self) -> Option<&$crate::ClientIdentity> {
            self.endpoint().client.as_ref()
        }

        /// Issues another client certificate signed by the server's in-memory CA, with subject
        /// `/CN=common_name` (for accounts with `REQUIRE SUBJECT '/CN=...'`). An error for an
        /// external server or one with certificate files.
        pub fn issue_client_identity(
            &self,
            common_name: &str,
        ) -> Result<$crate::ClientIdentity, $crate::ServerError> {
            self.endpoint().issue_client_identity(common_name)
        }

        /// The administrator account: `root` for an embedded server, the URL's user for an
        /// external one.
        pub fn root_user(&self) -> &str {
            &self.endpoint().root_user
        }

        /// The administrator's password (the builder's root password, or the URL's).
        pub fn root_password(&self) -> &str {
            &self.endpoint().root_password
        }

        /// The address of the port that presents `fault` ([`crate::Builder::tls_fault_port`]),
        /// or `None` when none was asked for (always for an external server). Connect to it with
        /// the same verifying options as to [`Self::addr`] (change only the port): a client
        /// that verifies as it should refuses it, each fault for its own reason.
        pub fn fault_addr(&self, fault: $crate::TlsFault) -> Option<std::net::SocketAddr> {
            self.endpoint()
                .fault_addrs
                .iter()
                .find(|(f, _)| *f == fault)
                .map(|(_, a)| *a)
        }

        /// Whether this is an external server (`MYSEAL_EXTERNAL_URL` or
        /// [`crate::Builder::external`]) rather than one this process started.
        pub fn is_external(&self) -> bool {
            self.endpoint().external
        }

        /// A connection URL for `user` with verified TLS, as sqlx and MySQL Shell read it:
        /// `mysql://user:password@127.0.0.1:port/database?ssl-mode=VERIFY_IDENTITY&ssl-ca=...`
        /// plus `ssl-cert`/`ssl-key` for the client identity. A URL can only name files, so the
        /// first call writes the CA certificate and the client certificate and key to a fresh
        /// temporary directory (mode 0700), removed when the handle is dropped; nothing is
        /// written unless a URL is asked for. An external server's `MYSEAL_EXTERNAL_CA` file is
        /// named as it is.
        pub fn url(
            &self,
            user: &str,
            password: &str,
            database: Option<&str>,
        ) -> Result<String, $crate::ServerError> {
            self.endpoint().url(user, password, database)
        }

        /// mysql_async options for `user`: the server's address, TLS that verifies the
        /// certificate against [`Self::ca_pem`] only (the system's roots are not trusted) and
        /// the host name, and [`Self::client_identity`] as the client certificate. Pass it to
        /// `mysql_async::Pool::new` or `Conn::new`; replace the TLS part with
        /// [`Self::mysql_async_ssl_opts`] to present another identity.
        #[cfg(feature = "mysql_async")]
        pub fn mysql_async_opts(
            &self,
            user: &str,
            password: &str,
            database: Option<&str>,
        ) -> mysql_async::OptsBuilder {
            self.endpoint().mysql_async_opts(user, password, database)
        }

        /// mysql_async TLS options that verify the server as [`Self::mysql_async_opts`] does,
        /// presenting `identity` (or no client certificate).
        #[cfg(feature = "mysql_async")]
        pub fn mysql_async_ssl_opts(
            &self,
            identity: Option<&$crate::ClientIdentity>,
        ) -> mysql_async::SslOpts {
            self.endpoint().mysql_async_ssl_opts(identity)
        }

        /// sqlx options for `user`: `ssl_mode(VerifyIdentity)` against [`Self::ca_pem`] and
        /// [`Self::client_identity`] as the client certificate (`ssl_client_cert_from_pem` /
        /// `ssl_client_key_from_pem` again to present another).
        #[cfg(feature = "sqlx")]
        pub fn sqlx_options(
            &self,
            user: &str,
            password: &str,
            database: Option<&str>,
        ) -> sqlx::mysql::MySqlConnectOptions {
            self.endpoint().sqlx_options(user, password, database)
        }
    };
}
pub(crate) use endpoint_methods;

/// A running test server, from [`crate::Builder::start`]: where it is, how to trust it, and
/// ready-made verifying connection options.
///
/// [`TestServer::shutdown`] stops it and waits. Dropping it starts the same shutdown without
/// waiting: the listening socket, the connections, the server's tasks and its engine threads
/// go away as soon as the runtime that started it runs them to their end (or is itself shut
/// down).
pub struct TestServer {
    endpoint: Endpoint,
    server: Option<Server>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.endpoint.addr)
            .field("host", &self.endpoint.host)
            .field("external", &self.endpoint.external)
            .field("running", &self.server.is_some())
            .finish_non_exhaustive()
    }
}

impl TestServer {
    /// Wraps a started embedded server.
    pub(crate) fn embedded(server: Server) -> Result<TestServer, ServerError> {
        let addr = server.local_addr();
        // A wildcard listen address is reached on loopback (a name the certificate holds).
        let ip = match addr.ip() {
            ip if ip.is_unspecified() && ip.is_ipv6() => std::net::Ipv6Addr::LOCALHOST.into(),
            ip if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
            ip => ip,
        };
        let (ca_pem, client, issuer) = match server.memory_certs() {
            Some(certs) => (
                Some(certs.ca_cert.clone()),
                Some(ClientIdentity::new(
                    certs.client_cert.clone(),
                    certs.client_key.clone(),
                )),
                server.memory_certs.clone(),
            ),
            None => match server.ca_path() {
                Some(path) => (
                    Some(
                        std::fs::read_to_string(path).map_err(|source| ServerError::Io {
                            what: format!("cannot read {}", path.display()),
                            source,
                        })?,
                    ),
                    None,
                    None,
                ),
                None => (None, None, None),
            },
        };
        let endpoint = Endpoint {
            host: ip.to_string(),
            addr: SocketAddr::new(ip, addr.port()),
            ca_pem,
            ca_file: server.ca_path().map(Path::to_path_buf),
            client,
            issuer,
            root_user: "root".into(),
            root_password: server.shared.config.root_password.clone(),
            external: false,
            fault_addrs: server
                .fault_ports()
                .iter()
                .map(|&(fault, a)| (fault, SocketAddr::new(ip, a.port())))
                .collect(),
            files: Arc::default(),
        };
        Ok(TestServer {
            endpoint,
            server: Some(server),
        })
    }

    /// A handle on an external server.
    pub(crate) fn external(endpoint: Endpoint) -> TestServer {
        TestServer {
            endpoint,
            server: None,
        }
    }

    pub(crate) fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    endpoint_methods!();

    /// The embedded server (`None` for an external one): connection count, TLS reload, and the
    /// rest of [`Server`]'s API.
    pub fn server(&self) -> Option<&Server> {
        self.server.as_ref()
    }

    /// A snapshot of every database of the embedded server ([`Server::snapshot`], O(tables):
    /// rows are shared, not copied). An external server has none: use
    /// `CREATE DATABASE t CLONE seed` or your own seeding there.
    pub fn snapshot(&self) -> Result<crate::Snapshot, ServerError> {
        Ok(self.embedded_server("snapshot()")?.snapshot())
    }

    /// Puts every database back as it was at `snap` ([`Server::restore`]). It waits (blocking
    /// the calling thread, at most [`crate::RESTORE_WAIT`]) for open transactions on the
    /// tables: end them, or close their connections, before restoring.
    pub fn restore(&self, snap: &crate::Snapshot) -> Result<(), ServerError> {
        self.embedded_server("restore()")?
            .restore(snap)
            .map_err(|e| ServerError::Engine(e.to_string()))
    }

    /// Creates database `dst` as a copy of `src` ([`Server::clone_database`], O(tables)). On an
    /// external server this fails; `CREATE DATABASE dst CLONE src` is myseal-only SQL too.
    pub fn clone_database(&self, src: &str, dst: &str) -> Result<(), ServerError> {
        self.embedded_server("clone_database()")?
            .clone_database(src, dst)
            .map_err(|e| ServerError::Engine(e.to_string()))
    }

    fn embedded_server(&self, what: &str) -> Result<&Server, ServerError> {
        self.server
            .as_ref()
            .ok_or_else(|| ServerError::External(format!("{what} needs the embedded server")))
    }

    /// Creates database `dst` holding `src`'s tables and rows, on either kind of server, so a
    /// seed-once, copy-per-test suite runs unchanged against `MYSEAL_EXTERNAL_URL`: an embedded
    /// server clones in O(tables) ([`Self::clone_database`]); an external one (MySQL 8.4,
    /// MariaDB, a shared myseal) gets plain SQL, O(rows): each base table's `SHOW CREATE TABLE`
    /// and an `INSERT ... SELECT` (views, triggers and routines are not copied there; needs the
    /// `mysql_async` feature). Fails when `dst` exists.
    pub async fn copy_database(&self, src: &str, dst: &str) -> Result<(), ServerError> {
        match &self.server {
            Some(server) => server
                .clone_database(src, dst)
                .map_err(|e| ServerError::Engine(e.to_string())),
            None => copy_external(&self.endpoint, src, dst).await,
        }
    }

    /// Stops the embedded server: it stops accepting, closes every connection after its
    /// current command and waits for them ([`Server::shutdown`]); its engine threads end. For
    /// an external server this only forgets it (and removes the files [`Self::url`] wrote).
    pub async fn shutdown(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.begin_shutdown();
        }
    }
}

/// `s` as a backquoted MySQL identifier.
pub(crate) fn identifier(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// `TestServer::copy_database` on an external server, in SQL any MySQL 8.4 runs: `CREATE
/// DATABASE dst`, then per base table of `src` its `SHOW CREATE TABLE` text run in `dst` (FOREIGN
/// KEYs within `src` then point into `dst`; AUTO_INCREMENT follows) and `INSERT ... SELECT` of its
/// stored columns (generated columns are computed again; invisible ones are copied), with
/// `foreign_key_checks=0` so the order of tables does not matter. O(rows), unlike an embedded
/// server's O(tables) clone. Views, triggers and routines are not copied: their text names
/// `src` where they read it. Fails when `dst` exists.
#[cfg(feature = "mysql_async")]
async fn copy_external(endpoint: &Endpoint, src: &str, dst: &str) -> Result<(), ServerError> {
    use mysql_async::prelude::Queryable;
    let fail = |what: &str, e: mysql_async::Error| {
        ServerError::External(format!("copying database {src} to {dst}: {what}: {e}"))
    };
    let opts = endpoint.mysql_async_opts(&endpoint.root_user, &endpoint.root_password, None);
    let mut conn = mysql_async::Conn::new(opts).await.map_err(|e| {
        ServerError::External(format!("cannot connect as {}: {e}", endpoint.root_user))
    })?;
    let (qsrc, qdst) = (identifier(src), identifier(dst));
    let tables: Vec<String> = conn
        .exec(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND \
             TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME",
            (src,),
        )
        .await
        .map_err(|e| fail("listing tables", e))?;
    let exists: Option<String> = conn
        .exec_first(
            "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
            (src,),
        )
        .await
        .map_err(|e| fail("looking up the source", e))?;
    if exists.is_none() {
        return Err(ServerError::External(format!(
            "copying database {src} to {dst}: Unknown database '{src}'"
        )));
    }
    conn.query_drop(format!("CREATE DATABASE {qdst}"))
        .await
        .map_err(|e| fail("CREATE DATABASE", e))?;
    conn.query_drop(format!("USE {qdst}"))
        .await
        .map_err(|e| fail("USE", e))?;
    conn.query_drop("SET SESSION foreign_key_checks = 0")
        .await
        .map_err(|e| fail("foreign_key_checks", e))?;
    for table in &tables {
        let qt = identifier(table);
        let create: Option<(String, String)> = conn
            .query_first(format!("SHOW CREATE TABLE {qsrc}.{qt}"))
            .await
            .map_err(|e| fail(&format!("SHOW CREATE TABLE {table}"), e))?;
        let Some((_, create)) = create else {
            continue;
        };
        conn.query_drop(create)
            .await
            .map_err(|e| fail(&format!("creating {table}"), e))?;
        let columns: Vec<String> = conn
            .exec(
                "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND \
                 TABLE_NAME = ? AND EXTRA NOT LIKE '%GENERATED%' ORDER BY ORDINAL_POSITION",
                (src, table.as_str()),
            )
            .await
            .map_err(|e| fail(&format!("columns of {table}"), e))?;
        let list = columns
            .iter()
            .map(|c| identifier(c))
            .collect::<Vec<_>>()
            .join(", ");
        conn.query_drop(format!(
            "INSERT INTO {qdst}.{qt} ({list}) SELECT {list} FROM {qsrc}.{qt}"
        ))
        .await
        .map_err(|e| fail(&format!("copying the rows of {table}"), e))?;
    }
    let _ = conn.disconnect().await;
    Ok(())
}

#[cfg(not(feature = "mysql_async"))]
async fn copy_external(_endpoint: &Endpoint, src: &str, dst: &str) -> Result<(), ServerError> {
    Err(ServerError::External(format!(
        "copying database {src} to {dst} on an external server needs the `mysql_async` feature"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts_are_percent_encoded() {
        assert_eq!(encode("a b@c:d/é", false), "a%20b%40c%3Ad%2F%C3%A9");
        assert_eq!(encode("/tmp/x y/ca.pem", true), "/tmp/x%20y/ca.pem");
        assert_eq!(encode("Plain-1.2_~", false), "Plain-1.2_~");
    }
}
