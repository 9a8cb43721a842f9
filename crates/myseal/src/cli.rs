//! Command-line options and the config file, resolved into a [`myseal_server::Config`].

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use myseal_server::TlsFault;
use serde::Deserialize;

/// A MySQL 8.4-compatible server that only speaks TLS by default.
#[derive(Parser, Debug)]
#[command(name = "myseal", version, about)]
pub(crate) struct Args {
    /// `demo`: a live walkthrough of secure connections (see `myseal demo --help`).
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
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
    /// Keep the whole state (databases, rows, accounts, grants) in DIR: loaded at start, saved
    /// at shutdown and on FLUSH TABLES. Without it everything stays in memory.
    #[arg(long, value_name = "DIR", env = "MYSEAL_DATADIR")]
    pub(crate) datadir: Option<PathBuf>,
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
    /// Present a TLS fault on the main port instead of the normal certificate, for teaching and
    /// for testing clients' verification: expired, not-yet-valid, wrong-host, untrusted-ca,
    /// self-signed, incomplete-chain, weak-key, no-tls, error-before-tls, client-cert-required.
    /// Needs generated certificates (no --ssl-cert/--ssl-key).
    #[arg(long, value_name = "FAULT", env = "MYSEAL_TLS_FAULT", value_parser = parse_fault)]
    pub(crate) tls_fault: Option<TlsFault>,
    /// Extra ports, each presenting one TLS fault: `expired=3307,wrong-host=3308` (port 0: a
    /// free port, shown at start). The main port stays correct.
    #[arg(long, value_name = "FAULT=PORT,...", env = "MYSEAL_TLS_FAULT_PORT", value_parser = parse_fault_ports)]
    pub(crate) tls_fault_port: Option<FaultPorts>,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Start a server with generated certificates and print, for each connection as it happens,
    /// the steps of a secure MySQL connection as a table, with the mysql/mariadb commands to try.
    Demo(DemoArgs),
}

/// Options of `myseal demo`.
#[derive(clap::Args, Debug)]
pub(crate) struct DemoArgs {
    /// TCP port of the demonstration server; 0 picks a free port.
    #[arg(long, short = 'P', default_value_t = 3306)]
    pub(crate) port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) bind_address: String,
    /// Where the dev certificates are generated (or reused), as on a normal first start.
    #[arg(long, value_name = "DIR", default_value = "certs")]
    pub(crate) certs_dir: PathBuf,
    /// Also serve every TLS fault, each on its own port: the ports after --port (free ports
    /// with --port 0).
    #[arg(long)]
    pub(crate) faults: bool,
    /// Serve these TLS faults on these ports (`expired=3307,wrong-host=3308`), like
    /// --tls-fault-port.
    #[arg(long, value_name = "FAULT=PORT,...", value_parser = parse_fault_ports)]
    pub(crate) tls_fault_port: Option<FaultPorts>,
    /// Colour: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_name = "WHEN", default_value = "auto", value_parser = ["auto", "always", "never"])]
    pub(crate) color: String,
    /// Log filter for the server's own log on stderr (default: warn).
    #[arg(long, env = "MYSEAL_LOG")]
    pub(crate) log_level: Option<String>,
}

/// `--tls-fault-port` parsed: each fault with its port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FaultPorts(pub(crate) Vec<(TlsFault, u16)>);

fn parse_fault(s: &str) -> Result<TlsFault, String> {
    s.parse()
}

/// `FAULT=PORT[,FAULT=PORT...]`; a fault may appear once.
pub(crate) fn parse_fault_ports(s: &str) -> Result<FaultPorts, String> {
    let mut out: Vec<(TlsFault, u16)> = Vec::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (fault, port) = item
            .split_once('=')
            .ok_or_else(|| format!("'{item}': expected FAULT=PORT, e.g. expired=3307"))?;
        let fault: TlsFault = fault.parse()?;
        let port: u16 = port
            .trim()
            .parse()
            .map_err(|_| format!("'{item}': '{port}' is not a port number"))?;
        if out.iter().any(|(f, _)| *f == fault) {
            return Err(format!("TLS fault {fault} is given twice"));
        }
        if port != 0 && out.iter().any(|(_, p)| *p == port) {
            return Err(format!("port {port} is given twice"));
        }
        out.push((fault, port));
    }
    if out.is_empty() {
        return Err("expected FAULT=PORT[,FAULT=PORT...]".into());
    }
    Ok(FaultPorts(out))
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
    datadir: Option<PathBuf>,
    max_connections: Option<usize>,
    max_allowed_packet: Option<usize>,
    connect_timeout: Option<u64>,
    trace_handshake: Option<bool>,
    local_infile: Option<bool>,
    tls_fault: Option<String>,
    tls_fault_port: Option<String>,
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
    c.datadir = args.datadir.or(file.datadir);
    // A data directory with a saved state has its accounts already.
    let has_state = c
        .datadir
        .as_ref()
        .is_some_and(|d| d.join(myseal_server::STATE_FILE).is_file());
    match args.root_password.or(file.root_password) {
        Some(p) => c.root_password = p,
        None if allow_empty || has_state => c.root_password = String::new(),
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
    c.tls.fault = match (args.tls_fault, file.tls_fault) {
        (Some(f), _) => Some(f),
        (None, Some(name)) => Some(name.parse().map_err(|e| format!("tls_fault: {e}"))?),
        (None, None) => None,
    };
    c.tls.fault_ports = match (args.tls_fault_port, file.tls_fault_port) {
        (Some(p), _) => p.0,
        (None, Some(text)) => {
            parse_fault_ports(&text)
                .map_err(|e| format!("tls_fault_port: {e}"))?
                .0
        }
        (None, None) => Vec::new(),
    };
    if let Some(f) = c.tls.fault {
        if c.tls.fault_ports.iter().any(|(p, _)| *p == f) {
            return Err(format!(
                "TLS fault {f} is given both for the main port and in --tls-fault-port"
            ));
        }
    }
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
    fn reads_tls_faults_from_the_command_line_and_the_config_file() {
        let c = parse(&[
            "--root-password=x",
            "--tls-fault=no-tls",
            "--tls-fault-port",
            "expired=3307, wrong-host=3308,weak-key=0",
        ])
        .unwrap();
        assert_eq!(c.tls.fault, Some(TlsFault::NoTls));
        assert_eq!(
            c.tls.fault_ports,
            vec![
                (TlsFault::Expired, 3307),
                (TlsFault::WrongHost, 3308),
                (TlsFault::WeakKey, 0)
            ]
        );
        for bad in [
            "--tls-fault-port=expired",
            "--tls-fault-port=expired=x",
            "--tls-fault-port=bogus=3307",
            "--tls-fault-port=expired=3307,expired=3308",
            "--tls-fault-port=expired=3307,self-signed=3307",
            "--tls-fault=bogus",
        ] {
            assert!(parse(&["--root-password=x", bad]).is_err(), "{bad}");
        }
        let err = parse(&[
            "--root-password=x",
            "--tls-fault=expired",
            "--tls-fault-port=expired=0",
        ])
        .unwrap_err();
        assert!(err.contains("both"), "{err}");
        let dir = std::env::temp_dir().join(format!("myseal-cli-faults-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("myseal.toml");
        std::fs::write(
            &file,
            "[mysqld]\ntls_fault = \"self-signed\"\ntls_fault_port = \"untrusted-ca=0\"\n",
        )
        .unwrap();
        let c = parse(&["--root-password=x", "--config", file.to_str().unwrap()]).unwrap();
        assert_eq!(c.tls.fault, Some(TlsFault::SelfSigned));
        assert_eq!(c.tls.fault_ports, vec![(TlsFault::UntrustedCa, 0)]);
        std::fs::write(&file, "[mysqld]\ntls_fault = \"nope\"\n").unwrap();
        let err = parse(&["--root-password=x", "--config", file.to_str().unwrap()]).unwrap_err();
        assert!(err.contains("tls_fault"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn demo_is_a_subcommand_with_its_own_options() {
        let args = Args::try_parse_from(["myseal", "demo", "--port", "0", "--faults"]).unwrap();
        match args.command {
            Some(Command::Demo(d)) => {
                assert_eq!(d.port, 0);
                assert!(d.faults);
                assert_eq!(d.color, "auto");
            }
            None => panic!("no subcommand"),
        }
        assert!(Args::try_parse_from(["myseal", "demo", "--color", "pink"]).is_err());
    }

    #[test]
    fn datadir_comes_from_the_flag_or_the_config_file_and_a_saved_state_needs_no_root_password() {
        let dir = std::env::temp_dir().join(format!("myseal-cli-datadir-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let c = parse(&["--root-password=x", "--datadir", dir.to_str().unwrap()]).unwrap();
        assert_eq!(c.datadir.as_deref(), Some(dir.as_path()));
        assert_eq!(parse(&["--root-password=x"]).unwrap().datadir, None);
        let file = dir.join("myseal.toml");
        std::fs::write(&file, format!("[mysqld]\ndatadir = {:?}\n", dir.join("d"))).unwrap();
        let c = parse(&["--root-password=x", "--config", file.to_str().unwrap()]).unwrap();
        assert_eq!(c.datadir, Some(dir.join("d")));
        if std::env::var_os("MYSQL_ROOT_PASSWORD").is_none() {
            // A new data directory still needs the root password; one with a state has root.
            assert!(parse(&["--datadir", dir.to_str().unwrap()]).is_err());
            std::fs::write(dir.join(myseal_server::STATE_FILE), "").unwrap();
            let c = parse(&["--datadir", dir.to_str().unwrap()]).unwrap();
            assert_eq!(c.datadir.as_deref(), Some(dir.as_path()));
        }
        std::fs::remove_dir_all(&dir).unwrap();
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
