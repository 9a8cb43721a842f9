//! `myseal demo`: the secure-connection walkthrough, live. Starts a server with the dev
//! certificates (generated into `--certs-dir` on first use, as a normal first start does), a
//! demo account with a generated password, optionally every TLS fault on its own port, prints
//! the `mysql`/`mariadb` commands to try, then one table row per step of every connection as it
//! happens, from the server's typed [`HandshakeEvent`]s (never from log text).
//!
//! Plain ASCII; colour only when stdout is a terminal and `NO_COLOR` is unset (or `--color`).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use myseal_server::{
    CertVerification, Config, ConnectionState, HandshakeEvent, HandshakeStep, InitSql, Server,
    TlsFault,
};
use tokio::sync::broadcast::error::RecvError;

use crate::cli::DemoArgs;

/// The demo account that must present a client certificate (REQUIRE X509).
pub(crate) const DEMO_X509_USER: &str = "demo_x509";
/// The demo account with a password only (refused without TLS: require_secure_transport).
pub(crate) const DEMO_USER: &str = "demo";
/// The demo database, all of it granted to the demo account.
pub(crate) const DEMO_DATABASE: &str = "demo";

/// Column widths of the table (text wraps inside its column).
const W_CONN: usize = 4;
const W_STEP: usize = 23;
const W_WHO: usize = 6;
const W_WHAT: usize = 54;
const W_STATE: usize = 16;
const W_CERTS: usize = 48;

pub(crate) fn main(args: DemoArgs) -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_new(
        args.log_level.clone().unwrap_or_else(|| "warn".into()),
    )
    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let color = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("myseal demo: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args, color))
}

async fn run(args: DemoArgs, color: bool) -> ExitCode {
    let signals = crate::Signals::install();
    let password = random_password();
    let mut config = Config {
        port: args.port,
        bind_address: args.bind_address.clone(),
        root_password: random_password(),
        database: Some(DEMO_DATABASE.into()),
        ..Config::default()
    };
    config.tls.certs_dir = args.certs_dir.clone();
    config.tls.fault_ports = match (&args.tls_fault_port, args.faults) {
        (Some(p), _) => p.0.clone(),
        (None, true) => TlsFault::ALL
            .iter()
            .zip(1u16..)
            .map(|(f, i)| {
                (
                    *f,
                    if args.port == 0 {
                        0
                    } else {
                        args.port.saturating_add(i)
                    },
                )
            })
            .collect(),
        (None, false) => Vec::new(),
    };
    config.init_sql.push(InitSql {
        label: format!("demo accounts '{DEMO_X509_USER}'@'%' and '{DEMO_USER}'@'%'"),
        sql: format!(
            "CREATE USER '{DEMO_X509_USER}'@'%' IDENTIFIED BY '{password}' REQUIRE X509; \
             GRANT ALL ON {DEMO_DATABASE}.* TO '{DEMO_X509_USER}'@'%'; \
             CREATE USER '{DEMO_USER}'@'%' IDENTIFIED BY '{password}'; \
             GRANT ALL ON {DEMO_DATABASE}.* TO '{DEMO_USER}'@'%'"
        ),
    });
    let server = match Server::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("myseal demo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut events = server.handshake_events();
    let certs = absolute(&args.certs_dir);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(intro(&server, &certs, &password).as_bytes());
    let _ = out.write_all(ready_line(&server).as_bytes());
    let _ = out.write_all(header().as_bytes());
    let _ = out.flush();
    drop(out);

    let stop = signals.wait();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            ev = events.recv() => match ev {
                Ok(ev) => {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(render(&ev, color).as_bytes());
                    let _ = out.flush();
                }
                Err(RecvError::Lagged(n)) => println!("({n} steps not shown: the terminal fell behind)"),
                Err(RecvError::Closed) => break,
            },
        }
    }
    println!("myseal demo: shutting down");
    server.shutdown().await;
    ExitCode::SUCCESS
}

/// `myseal demo ready: port=N faults=expired:3307,...`: the line to wait for.
fn ready_line(server: &Server) -> String {
    let faults: Vec<String> = server
        .fault_ports()
        .iter()
        .map(|(f, a)| format!("{f}:{}", a.port()))
        .collect();
    format!(
        "myseal demo ready: port={} faults={}\n",
        server.local_addr().port(),
        if faults.is_empty() {
            "none".to_owned()
        } else {
            faults.join(",")
        }
    )
}

/// What the certificates are, the commands to try, and the fault ports.
pub(crate) fn intro(server: &Server, certs: &Path, password: &str) -> String {
    let host = host_of(server.local_addr());
    let port = server.local_addr().port();
    let ca = certs.join("ca.pem");
    let cert = certs.join("client-cert.pem");
    let key = certs.join("client-key.pem");
    let (ca, cert, key) = (ca.display(), cert.display(), key.display());
    let login = format!("-h {host} -P {port} -u {DEMO_X509_USER} -p'{password}'");
    let plain_login = format!("-h {host} -P {port} -u {DEMO_USER} -p'{password}'");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "myseal demo: a MySQL 8.4-compatible server with generated certificates\n\
         \n\
         Certificates (generated on first use, like a normal first start; reused afterwards):\n\
         \x20 CA the client must trust      {ca}\n\
         \x20 client certificate and key    {cert}\n\
         \x20                               {key}\n\
         Accounts (password '{password}' for both, database '{DEMO_DATABASE}'):\n\
         \x20 '{DEMO_X509_USER}'@'%'  REQUIRE X509: it must present a client certificate signed by the CA\n\
         \x20 '{DEMO_USER}'@'%'       password only\n\
         \n\
         Try it (Oracle's mysql 8.x; the mariadb CLI takes --ssl-verify-server-cert instead of --ssl-mode=VERIFY_IDENTITY):\n\
         \x20 1. verified TLS with a client certificate: succeeds\n\
         \x20    mysql {login} --ssl-mode=VERIFY_IDENTITY --ssl-ca={ca} --ssl-cert={cert} --ssl-key={key} -e 'SELECT CURRENT_USER()'\n\
         \x20    mariadb {login} --ssl-verify-server-cert --ssl-ca={ca} --ssl-cert={cert} --ssl-key={key} -e 'SELECT CURRENT_USER()'\n\
         \x20 2. no client certificate: the REQUIRE X509 account is refused (ERROR 1045 (28000): Access denied)\n\
         \x20    mariadb {login} --ssl-verify-server-cert --ssl-ca={ca} -e 'SELECT 1'\n\
         \x20 3. no TLS at all: refused after the password (ERROR 3159 (HY000): Connections using insecure transport are prohibited ...)\n\
         \x20    mysql {plain_login} --ssl-mode=DISABLED -e 'SELECT 1'      (mariadb: --skip-ssl)"
    );
    if !server.fault_ports().is_empty() {
        let _ = writeln!(
            s,
            "\nTLS fault ports: each presents one fault; a correct, verifying client must refuse it:"
        );
        for (fault, addr) in server.fault_ports() {
            let fault_login = format!(
                "-h {host} -P {} -u {DEMO_X509_USER} -p'{password}'",
                addr.port()
            );
            let _ = writeln!(
                s,
                "  port {:<5} {:<20} the server {}\n\
                 \x20            caught by: {}\n\
                 \x20            mariadb {fault_login} --ssl-verify-server-cert --ssl-ca={ca} --ssl-cert={cert} --ssl-key={key} -e 'SELECT 1'{}",
                addr.port(),
                fault.name(),
                fault.what(),
                fault.client_check(),
                if *fault == TlsFault::ClientCertRequired {
                    "\n             (leave out --ssl-cert/--ssl-key to see the refusal)"
                } else {
                    ""
                }
            );
        }
    }
    let _ = writeln!(
        s,
        "\nEvery connection's steps are printed below as they happen. Ctrl-C stops the server.\n"
    );
    s
}

fn header() -> String {
    let mut s = String::new();
    let line = rule();
    s.push_str(&line);
    s.push_str(&row_line(
        "conn",
        "step",
        "who",
        "what happens",
        "Connection State",
        "Certificates Verified",
    ));
    s.push_str(&line);
    s
}

fn rule() -> String {
    let w = [W_CONN, W_STEP, W_WHO, W_WHAT, W_STATE, W_CERTS];
    let mut s = String::from("+");
    for n in w {
        s.push_str(&"-".repeat(n + 2));
        s.push('+');
    }
    s.push('\n');
    s
}

fn row_line(conn: &str, step: &str, who: &str, what: &str, state: &str, certs: &str) -> String {
    format!(
        "| {conn:<W_CONN$} | {step:<W_STEP$} | {who:<W_WHO$} | {what:<W_WHAT$} | {state:<W_STATE$} | {certs:<W_CERTS$} |\n"
    )
}

/// One event as table lines (long text wraps in its column); a connection's first step is
/// preceded by a line naming it.
pub(crate) fn render(ev: &HandshakeEvent, color: bool) -> String {
    let mut s = String::new();
    if ev.step == HandshakeStep::ClientConnects {
        let title = match ev.fault {
            Some(f) => format!(
                " connection #{} on port {}: TLS fault {} - a correct client refuses it ",
                ev.conn, ev.port, f
            ),
            None => format!(" connection #{} on port {} ", ev.conn, ev.port),
        };
        s.push_str(&format!("+{title:-^width$}+\n", width = rule().len() - 3));
    }
    let conn = format!("#{}", ev.conn);
    let certs = ev.certificates.to_string();
    let cols = [
        wrap(&conn, W_CONN),
        wrap(ev.step.label(), W_STEP),
        wrap(ev.actor.label(), W_WHO),
        wrap(&ev.what, W_WHAT),
        wrap(ev.state.label(), W_STATE),
        wrap(&certs, W_CERTS),
    ];
    let lines = cols.iter().map(Vec::len).max().unwrap_or(1);
    for i in 0..lines {
        let cell = |c: usize| cols[c].get(i).map(String::as_str).unwrap_or("");
        let state = paint(
            &format!("{:<W_STATE$}", cell(4)),
            color.then(|| state_color(ev.state)).flatten(),
        );
        let certs = paint(
            &format!("{:<W_CERTS$}", cell(5)),
            color.then(|| certs_color(&ev.certificates)).flatten(),
        );
        s.push_str(&format!(
            "| {:<W_CONN$} | {:<W_STEP$} | {:<W_WHO$} | {:<W_WHAT$} | {state} | {certs} |\n",
            cell(0),
            cell(1),
            cell(2),
            cell(3),
        ));
    }
    if ev.step == HandshakeStep::Close {
        s.push_str(&rule());
    }
    s
}

fn state_color(state: ConnectionState) -> Option<&'static str> {
    match state {
        ConnectionState::Connecting => None,
        ConnectionState::TlsHandshake => Some("33"),
        ConnectionState::Encrypted => Some("32"),
        ConnectionState::Authenticated => Some("1;32"),
        ConnectionState::Closed => Some("2"),
    }
}

fn certs_color(c: &CertVerification) -> Option<&'static str> {
    match c {
        CertVerification::NotYet => None,
        CertVerification::Yes(_) => Some("32"),
        CertVerification::No(_) => Some("31"),
    }
}

fn paint(text: &str, code: Option<&str>) -> String {
    match code {
        Some(code) => format!("\x1b[{code}m{text}\x1b[0m"),
        None => text.to_owned(),
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces where it can.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let used = line.chars().count();
            let sep = usize::from(used > 0);
            if used + sep + word.len() <= width {
                if sep == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            let rest = word.split_off(width.min(word.len()));
            lines.push(word.iter().collect());
            word = rest;
            if word.is_empty() {
                break;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn host_of(addr: SocketAddr) -> String {
    match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv6() => "::1".into(),
        ip if ip.is_unspecified() => "127.0.0.1".into(),
        ip => ip.to_string(),
    }
}

fn absolute(dir: &Path) -> PathBuf {
    std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// 16 letters and digits from the OS random generator (`/dev/urandom`), or, where that cannot
/// be read, from the standard library's randomly keyed hasher.
fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .is_ok();
    if !from_os {
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(chunk.as_ptr() as usize);
            let v = h.finish().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use myseal_server::Actor;

    fn event(step: HandshakeStep, what: &str, certs: CertVerification) -> HandshakeEvent {
        HandshakeEvent {
            conn: 7,
            port: 3307,
            fault: Some(TlsFault::Expired),
            step,
            actor: Actor::Both,
            what: what.into(),
            state: ConnectionState::TlsHandshake,
            certificates: certs,
        }
    }

    #[test]
    fn rows_wrap_long_text_inside_their_columns_and_stay_plain_without_colour() {
        let long = "the client ACCEPTED the expired certificate: it does not check validity \
                    dates: the client must refuse the certificate";
        let out = render(
            &event(
                HandshakeStep::CertificatesVerified,
                "TLS handshake complete",
                CertVerification::No(long.into()),
            ),
            false,
        );
        assert!(!out.contains('\x1b'), "{out}");
        let widths: Vec<usize> = out.lines().map(|l| l.chars().count()).collect();
        assert!(widths.len() >= 2, "{out}");
        assert!(widths.iter().all(|w| *w == widths[0]), "{out}");
        assert!(out.contains("| certificates verified "));
        assert!(out.contains("no: the client ACCEPTED"));
        let colored = render(
            &event(HandshakeStep::Query, "COM_PING", CertVerification::NotYet),
            true,
        );
        assert!(colored.contains("\x1b[33m"), "{colored}");
    }

    #[test]
    fn a_connection_starts_with_a_title_and_a_close_ends_with_a_rule() {
        let first = render(
            &event(
                HandshakeStep::ClientConnects,
                "TCP",
                CertVerification::NotYet,
            ),
            false,
        );
        assert!(
            first.starts_with("+-")
                && first.contains("connection #7 on port 3307: TLS fault expired"),
            "{first}"
        );
        let last = render(
            &event(HandshakeStep::Close, "bye", CertVerification::NotYet),
            false,
        );
        assert!(last.ends_with(&rule()), "{last}");
    }

    #[test]
    fn wrap_splits_at_spaces_and_cuts_words_longer_than_the_column() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn passwords_are_random_letters_and_digits() {
        let (a, b) = (random_password(), random_password());
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
