//! Command-line options and the config file, resolved into a [`myseal_server::Config`].

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use serde::Deserialize;

/// A MySQL 8.4-compatible server that only speaks TLS by default.
#[derive(Parser, Debug)]
#[command(name = "myseal", version, about)]
pub(crate) struct Args {
    /// TOML config file with a [mysqld] section (see config/myseal.toml).
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// TCP port; 0 picks a free port (printed in the ready line).
    #[arg(long, short = 'P', env = "MYSQL_TCP_PORT")]
    pub(crate) port: Option<u16>,
    /// Address to listen on (127.0.0.1, ::1, 0.0.0.0, ...).
    #[arg(long)]
    pub(crate) bind_address: Option<String>,
    /// CA certificate that verifies client certificates (default: the generated certs/ca.pem).
    #[arg(long, value_name = "FILE")]
    pub(crate) ssl_ca: Option<PathBuf>,
    /// Server certificate (PEM). Without it, dev certificates are generated in --certs-dir.
    #[arg(long, value_name = "FILE")]
    pub(crate) ssl_cert: Option<PathBuf>,
    /// Server private key (PEM).
    #[arg(long, value_name = "FILE")]
    pub(crate) ssl_key: Option<PathBuf>,
    /// PEM certificate revocation list(s): client certificates it lists fail the TLS handshake.
    #[arg(long, value_name = "FILE")]
    pub(crate) ssl_crl: Option<PathBuf>,
    /// Directory of PEM CRL files, read like --ssl-crl.
    #[arg(long, value_name = "DIR")]
    pub(crate) ssl_crlpath: Option<PathBuf>,
    /// Where dev certificates are generated on first start and reused later.
    #[arg(long, value_name = "DIR")]
    pub(crate) certs_dir: Option<PathBuf>,
    /// Serve no TLS at all (needs --require-secure-transport=OFF).
    #[arg(long)]
    pub(crate) skip_ssl: bool,
    /// Refuse unencrypted connections with ERROR 3159 (ON by default).
    #[arg(long, value_name = "ON|OFF", value_parser = parse_on_off)]
    pub(crate) require_secure_transport: Option<bool>,
    /// Password of 'root'@'%'.
    #[arg(long, env = "MYSQL_ROOT_PASSWORD", hide_env_values = true)]
    pub(crate) root_password: Option<String>,
    /// Allow root without a password (like MYSQL_ALLOW_EMPTY_PASSWORD).
    #[arg(long, env = "MYSQL_ALLOW_EMPTY_PASSWORD", value_parser = parse_yes)]
    pub(crate) allow_empty_password: Option<bool>,
    /// Database created at start.
    #[arg(long, env = "MYSQL_DATABASE")]
    pub(crate) database: Option<String>,
    /// Extra account 'NAME'@'%' created at start (needs --app-password).
    #[arg(long, env = "MYSQL_USER")]
    pub(crate) app_user: Option<String>,
    /// Password of --app-user.
    #[arg(long, env = "MYSQL_PASSWORD", hide_env_values = true)]
    pub(crate) app_password: Option<String>,
    /// SQL file run at start.
    #[arg(long, value_name = "FILE")]
    pub(crate) init_file: Option<PathBuf>,
    /// max_connections.
    #[arg(long)]
    pub(crate) max_connections: Option<usize>,
    /// max_allowed_packet in bytes.
    #[arg(long)]
    pub(crate) max_allowed_packet: Option<usize>,
    /// connect_timeout in seconds.
    #[arg(long)]
    pub(crate) connect_timeout: Option<u64>,
    /// Log every step of every connection's handshake.
    #[arg(long)]
    pub(crate) trace_handshake: bool,
    /// Allow LOAD DATA LOCAL INFILE (the client must allow it too), like mysqld's --local-infile.
    #[arg(long, value_name = "ON|OFF", value_parser = parse_on_off, num_args = 0..=1, default_missing_value = "ON")]
    pub(crate) local_infile: Option<bool>,
    /// After the ready line, print connection settings for common clients (mysql CLI, sqlx,
    /// mysql_async, PyMySQL, SQLAlchemy, node, JDBC, Go), all verifying the certificate.
    #[arg(long)]
    pub(crate) print_dsn: bool,
    /// Log filter: error, warn, info, debug, trace (or a tracing directive).
    #[arg(long, env = "MYSEAL_LOG")]
    pub(crate) log_level: Option<String>,
}

fn parse_on_off(s: &str) -> Result<bool, String> {
    match s.to_ascii_uppercase().as_str() {
        "ON" | "1" | "TRUE" | "YES" => Ok(true),
        "OFF" | "0" | "FALSE" | "NO" => Ok(false),
        _ => Err(format!("expected ON or OFF, got '{s}'")),
    }
}

fn parse_yes(s: &str) -> Result<bool, String> {
    // The container image treats any non-empty value as yes.
    Ok(!s.is_empty() && parse_on_off(s).unwrap_or(true))
}

/// The `[mysqld]` section of the config file; keys are the long option names with `_`.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    mysqld: FileMysqld,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct FileMysqld {
    port: Option<u16>,
    bind_address: Option<String>,
    ssl_ca: Option<PathBuf>,
    ssl_cert: Option<PathBuf>,
    ssl_key: Option<PathBuf>,
    ssl_crl: Option<PathBuf>,
    ssl_crlpath: Option<PathBuf>,
    certs_dir: Option<PathBuf>,
    skip_ssl: Option<bool>,
    require_secure_transport: Option<bool>,
    root_password: Option<String>,
    allow_empty_password: Option<bool>,
    database: Option<String>,
    app_user: Option<String>,
    app_password: Option<String>,
    init_file: Option<PathBuf>,
    max_connections: Option<usize>,
    max_allowed_packet: Option<usize>,
    connect_timeout: Option<u64>,
    trace_handshake: Option<bool>,
    local_infile: Option<bool>,
}

/// Merges CLI/env over the config file over defaults.
pub(crate) fn resolve(args: Args) -> Result<myseal_server::Config, String> {
    let file = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
            toml::from_str::<FileConfig>(&text)
                .map_err(|e| format!("config file {}: {e}", path.display()))?
                .mysqld
        }
        None => FileMysqld::default(),
    };
    let mut c = myseal_server::Config::default();
    if let Some(p) = args.port.or(file.port) {
        c.port = p;
    }
    if let Some(b) = args.bind_address.or(file.bind_address) {
        c.bind_address = b;
    }
    c.tls.cert = args.ssl_cert.or(file.ssl_cert);
    c.tls.key = args.ssl_key.or(file.ssl_key);
    c.tls.ca = args.ssl_ca.or(file.ssl_ca);
    c.tls.crl = args.ssl_crl.or(file.ssl_crl);
    c.tls.crlpath = args.ssl_crlpath.or(file.ssl_crlpath);
    if let Some(d) = args.certs_dir.or(file.certs_dir) {
        c.tls.certs_dir = d;
    }
    c.tls.enabled = !(args.skip_ssl || file.skip_ssl.unwrap_or(false));
    if let Some(r) = args
        .require_secure_transport
        .or(file.require_secure_transport)
    {
        c.require_secure_transport = r;
    }
    let allow_empty = args
        .allow_empty_password
        .or(file.allow_empty_password)
        .unwrap_or(false);
    match args.root_password.or(file.root_password) {
        Some(p) => c.root_password = p,
        None if allow_empty => c.root_password = String::new(),
        None => {
            return Err("no root password given. Set one of --root-password (or MYSQL_ROOT_PASSWORD), \
                 or --allow-empty-password (or MYSQL_ALLOW_EMPTY_PASSWORD=yes), like MySQL's container image."
                .into())
        }
    }
    c.database = args.database.or(file.database);
    match (
        args.app_user.or(file.app_user),
        args.app_password.or(file.app_password),
    ) {
        (Some(name), Some(password)) => {
            if name == "root" {
                return Err(
                    "MYSQL_USER/--app-user must not be root; root is created separately".into(),
                );
            }
            c.user = Some(myseal_server::InitialUser { name, password })
        }
        (Some(_), None) => {
            return Err("--app-user (MYSQL_USER) needs --app-password (MYSQL_PASSWORD)".into())
        }
        (None, Some(_)) => {
            return Err("--app-password (MYSQL_PASSWORD) needs --app-user (MYSQL_USER)".into())
        }
        (None, None) => {}
    }
    c.init_file = args.init_file.or(file.init_file);
    if let Some(m) = args.max_connections.or(file.max_connections) {
        c.max_connections = m;
    }
    if let Some(m) = args.max_allowed_packet.or(file.max_allowed_packet) {
        if !(1024..=1024 * 1024 * 1024).contains(&m) {
            return Err("max_allowed_packet must be between 1024 and 1073741824".into());
        }
        c.max_allowed_packet = m;
    }
    if let Some(t) = args.connect_timeout.or(file.connect_timeout) {
        c.connect_timeout = Duration::from_secs(t.clamp(2, 31_536_000));
    }
    c.trace_handshake = args.trace_handshake || file.trace_handshake.unwrap_or(false);
    c.local_infile = args.local_infile.or(file.local_infile).unwrap_or(false);
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(argv: &[&str]) -> Result<myseal_server::Config, String> {
        let mut all = vec!["myseal"];
        all.extend_from_slice(argv);
        resolve(Args::try_parse_from(all).map_err(|e| e.to_string())?)
    }

    #[test]
    fn refuses_to_start_without_a_root_password_choice() {
        if std::env::var_os("MYSQL_ROOT_PASSWORD").is_some() {
            return;
        }
        let err = parse(&[]).unwrap_err();
        assert!(err.contains("MYSQL_ROOT_PASSWORD"), "{err}");
    }

    #[test]
    fn reads_mysqld_style_options() {
        let c = parse(&[
            "--root-password=s3cret",
            "--port=0",
            "--bind-address=::1",
            "--require-secure-transport=OFF",
            "--ssl-ca=/x/ca.pem",
            "--ssl-crl=/x/crl.pem",
            "--ssl-crlpath=/x/crls",
            "--trace-handshake",
            "--local-infile",
        ])
        .unwrap();
        assert_eq!(c.port, 0);
        assert_eq!(c.bind_address, "::1");
        assert!(!c.require_secure_transport);
        assert_eq!(c.tls.ca, Some(PathBuf::from("/x/ca.pem")));
        assert_eq!(c.tls.crl, Some(PathBuf::from("/x/crl.pem")));
        assert_eq!(c.tls.crlpath, Some(PathBuf::from("/x/crls")));
        assert!(c.trace_handshake);
        assert!(c.local_infile);
        assert_eq!(c.root_password, "s3cret");
    }

    #[test]
    fn rejects_bad_on_off_values() {
        assert!(parse(&["--root-password=x", "--require-secure-transport=maybe"]).is_err());
    }

    #[test]
    fn config_file_values_apply_and_cli_wins() {
        let dir = std::env::temp_dir().join(format!("myseal-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("myseal.toml");
        std::fs::write(
            &file,
            "[mysqld]\nport = 4406\nmax_connections = 7\nroot_password = \"fromfile\"\ncerts_dir = \"/tmp/c\"\n",
        )
        .unwrap();
        let f = file.to_str().unwrap();
        let c = parse(&["--config", f, "--port", "5506"]).unwrap();
        assert_eq!(c.port, 5506);
        assert_eq!(c.max_connections, 7);
        assert_eq!(c.tls.certs_dir, PathBuf::from("/tmp/c"));
        std::fs::write(&file, "[mysqld]\nprot = 1\n").unwrap();
        let err = parse(&["--config", f, "--root-password=x"]).unwrap_err();
        assert!(err.contains("unknown field"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
