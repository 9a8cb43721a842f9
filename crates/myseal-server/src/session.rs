//! One client connection, from greeting to close.
//!
//! The connection phase is a sequence of typed steps (greeting → SSLRequest or HandshakeResponse41 →
//! TLS → authentication); the command phase loops over COM_* packets. Only this module writes ERR
//! packets and decides whether the connection lives.
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html>

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use myseal_auth::handshake::{AuthPacket, AuthStep, Authenticator, ClientFacts, TlsFacts};
use myseal_engine::{Outcome, Session, SessionInfo};
use myseal_tls::PeerInfo;
use myseal_wire::command::Command;
use myseal_wire::connect::{AuthMoreData, AuthSwitchRequest, ClientHandshake, HandshakeV10};
use myseal_wire::constants::{CapabilityFlags as Caps, ColumnFlags, ColumnType, StatusFlags};
use myseal_wire::response::{EofPacket, ErrPacket, OkPacket};
use myseal_wire::resultset::ColumnDefinition41;
use myseal_wire::WireError;
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::compress;
use crate::cursor;
use crate::io::{BoxIo, PacketIo, Prefixed, ReadError};
use crate::results::{self, Protocol, BINARY_CHARSET, UTF8MB4_0900_AI_CI};
use crate::statements::{self, ErrTriple, Statements};
use crate::status::Counters;
use crate::tls::PortFault;
use crate::trace::{Actor, CertVerification as Certs, ConnectionState as Conn, State, Trace};
use crate::HandshakeStep as Step;
use crate::Shared;
use myseal_tls::TlsFault;

/// Largest packet accepted before authentication (connect attributes included).
const MAX_HANDSHAKE_PACKET: usize = 64 * 1024;

/// Capabilities the server offers (CLIENT_SSL is added when TLS is configured; CLIENT_COMPRESS and
/// CLIENT_ZSTD_COMPRESSION_ALGORITHM are narrowed to `protocol_compression_algorithms`). Not offered
/// because not implemented: CLIENT_QUERY_ATTRIBUTES,
/// CLIENT_OPTIONAL_RESULTSET_METADATA.
fn server_capabilities() -> Caps {
    Caps::CLIENT_LONG_PASSWORD
        | Caps::CLIENT_FOUND_ROWS
        | Caps::CLIENT_LONG_FLAG
        | Caps::CLIENT_CONNECT_WITH_DB
        | Caps::CLIENT_NO_SCHEMA
        | Caps::CLIENT_ODBC
        | Caps::CLIENT_IGNORE_SPACE
        | Caps::CLIENT_PROTOCOL_41
        | Caps::CLIENT_INTERACTIVE
        | Caps::CLIENT_IGNORE_SIGPIPE
        | Caps::CLIENT_TRANSACTIONS
        | Caps::CLIENT_RESERVED
        | Caps::CLIENT_SECURE_CONNECTION
        | Caps::CLIENT_MULTI_STATEMENTS
        | Caps::CLIENT_MULTI_RESULTS
        | Caps::CLIENT_PS_MULTI_RESULTS
        | Caps::CLIENT_PLUGIN_AUTH
        | Caps::CLIENT_CONNECT_ATTRS
        | Caps::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | Caps::CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS
        | Caps::CLIENT_SESSION_TRACK
        | Caps::CLIENT_DEPRECATE_EOF
        | Caps::CLIENT_LOCAL_FILES
        | Caps::CLIENT_COMPRESS
        | Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM
}

/// A connection that finished the connection phase.
struct Established {
    io: PacketIo<BoxIo>,
    caps: Caps,
    session: Session,
    /// What the session was created from, for COM_RESET_CONNECTION.
    info: SessionInfo,
    /// Prepared statements of this connection.
    statements: Statements,
    /// max_allowed_packet as the connection started (MySQL's session value is read-only).
    max_packet: usize,
    tls: Option<PeerInfo>,
    /// The greeting's nonce: COM_CHANGE_USER answers are scrambled with it.
    nonce: [u8; 20],
    /// The client's address, for COM_CHANGE_USER.
    client_ip: std::net::IpAddr,
    /// The connection-phase trace.
    trace: Trace,
}

/// Why a connection ended before or after authentication (for the trace and counters).
enum End {
    /// The connection phase failed without an ERR; `run` counts it in Aborted_connects.
    Aborted(String),
    /// The connection was refused with an ERR, already counted in Aborted_connects before the
    /// ERR went out: a client that reads the ERR and then asks for the counter sees its refusal.
    Refused(String),
}

/// What `refuse` returns: the reason, for the trace.
struct Refusal(String);

impl From<Refusal> for End {
    fn from(Refusal(reason): Refusal) -> End {
        End::Refused(reason)
    }
}

/// One connection, from the greeting to its close. `reserved`: it took the extra connection
/// past max_connections, which only an account with CONNECTION_ADMIN (or SUPER) may keep.
pub(crate) async fn run(
    shared: Arc<Shared>,
    tcp: TcpStream,
    peer: SocketAddr,
    id: u32,
    reserved: bool,
    mut stop: watch::Receiver<bool>,
    fault: Option<Arc<PortFault>>,
) {
    let port = tcp.local_addr().map(|a| a.port()).unwrap_or(0);
    let trace = Trace::new(
        shared.config.trace_handshake,
        id,
        port,
        fault.as_ref().map(|f| f.fault),
        &shared.events,
    );
    let started = Instant::now();
    trace.step(
        State::Connected,
        false,
        false,
        format_args!("TCP connection from {peer}"),
    );
    trace.event(
        Step::ClientConnects,
        Actor::Client,
        Conn::Connecting,
        Certs::NotYet,
        || match &fault {
            Some(f) => format!(
                "TCP connection from {peer} to port {port} (TLS fault port: {})",
                f.fault
            ),
            None => format!("TCP connection from {peer} to port {port}"),
        },
    );
    // SET GLOBAL connect_timeout applies to the next connection, as in MySQL (the configured
    // value, which the variable starts as, keeps its sub-second part).
    let configured = shared.config.connect_timeout;
    let timeout = match shared
        .engine
        .global_variable("connect_timeout")
        .and_then(|v| v.parse::<u64>().ok())
    {
        Some(s) if s != configured.as_secs() => Duration::from_secs(s.max(1)),
        _ => configured,
    };
    let phase = tokio::select! {
        r = tokio::time::timeout(timeout, connect(&shared, tcp, peer, id, reserved, &trace, fault.as_deref())) => match r {
            Ok(r) => r,
            Err(_) => Err(End::Aborted(format!(
                "connection phase did not finish within connect_timeout ({}s)",
                timeout.as_secs()
            ))),
        },
        _ = stop.changed() => Err(End::Aborted("server shutting down".into())),
    };
    match phase {
        Ok(mut est) => {
            let secure = est.tls.is_some();
            let verified = est.tls.as_ref().is_some_and(|t| t.client_cert_verified);
            let reason = command_loop(&shared, &mut est, &trace, &mut stop).await;
            // A client that goes away mid-transaction is rolled back; its locks are released.
            est.session.rollback_open_transaction(&shared.engine);
            est.io.shutdown().await;
            let (received, sent) = est.io.traffic();
            shared.counters.connection_traffic(received, sent);
            trace.step(
                State::Closed,
                secure,
                verified,
                format_args!("{reason} after {:?}", started.elapsed()),
            );
            let actor = if reason.starts_with("client") {
                Actor::Client
            } else {
                Actor::Server
            };
            trace.event(
                Step::Close,
                actor,
                Conn::Closed,
                trace.certificates(),
                || format!("{reason} after {:?}", started.elapsed()),
            );
        }
        Err(end) => {
            let reason = match end {
                End::Aborted(reason) => {
                    Counters::inc(&shared.counters.aborted_connects);
                    reason
                }
                End::Refused(reason) => reason,
            };
            trace.step(State::Refused, false, false, format_args!("{reason}"));
            trace.event(
                Step::Close,
                Actor::Server,
                Conn::Closed,
                trace.certificates(),
                || format!("connection refused: {reason}"),
            );
            tracing::debug!(conn = id, "connection aborted: {reason}");
        }
    }
}

/// The authentication exchange, after the client's HandshakeResponse41 or COM_CHANGE_USER:
/// AuthSwitchRequest / AuthMoreData round trips until the client is authenticated (the account;
/// a fast-auth notice is queued before the caller's OK) or refused (the ERR is sent).
async fn authenticate(
    shared: &Shared,
    io: &mut PacketIo<BoxIo>,
    facts: ClientFacts,
    trace: &Trace,
    secure: bool,
    verified: bool,
    aborted: Option<&AtomicU64>,
) -> Result<myseal_auth::account::Account, End> {
    let (mut auth, mut step) = Authenticator::start(&shared.accounts, facts);
    loop {
        match step {
            AuthStep::Reply(packet) => {
                let mut out = Vec::new();
                match packet {
                    AuthPacket::Switch { plugin, data } => {
                        trace.step(
                            State::Authenticating,
                            secure,
                            verified,
                            format_args!("auth switch request: account uses {plugin}"),
                        );
                        AuthSwitchRequest {
                            plugin_name: plugin.to_string(),
                            plugin_data: data,
                        }
                        .encode(&mut out);
                    }
                    AuthPacket::MoreData(data) => {
                        if data.as_slice() == [4] {
                            trace.step(
                                State::Authenticating,
                                secure,
                                verified,
                                format_args!(
                                    "caching_sha2_password: no cached entry, asking for full authentication ({})",
                                    if secure {
                                        "the password travels inside TLS"
                                    } else {
                                        "no TLS: the client must encrypt it with the server's RSA public key"
                                    }
                                ),
                            );
                        } else if data.first() == Some(&b'-') {
                            trace.step(
                                State::Authenticating,
                                secure,
                                verified,
                                format_args!("client requested the RSA public key; sending it"),
                            );
                        }
                        AuthMoreData { data }.encode(&mut out);
                    }
                }
                if let Err(e) = io.send(&out).await {
                    return Err(End::Aborted(format!(
                        "I/O error during authentication: {e}"
                    )));
                }
                let pkt = match io.read_packet(MAX_HANDSHAKE_PACKET).await {
                    Ok(p) => p,
                    Err(e) => {
                        return Err(handshake_read_failed(
                            io,
                            aborted,
                            e,
                            "an authentication reply",
                        )
                        .await)
                    }
                };
                step = auth.feed(&shared.accounts, &pkt.payload);
            }
            AuthStep::Success { notice, account } => {
                if let Some(AuthPacket::MoreData(data)) = notice {
                    let mut out = Vec::new();
                    AuthMoreData { data }.encode(&mut out);
                    io.queue(&out);
                    trace.step(
                        State::Authenticating,
                        secure,
                        verified,
                        format_args!("caching_sha2_password fast authentication succeeded"),
                    );
                }
                return Ok(account);
            }
            AuthStep::Failure(e) => {
                let (code, state, msg) = (e.code(), e.sql_state(), e.to_string());
                return Err(refuse(io, aborted, code, state, msg).await.into());
            }
        }
    }
}

fn err_payload(code: u16, state: &str, message: impl Into<String>) -> Vec<u8> {
    let mut out = Vec::new();
    ErrPacket::new(code, state, message).encode(&mut out);
    out
}

/// Counts the refusal in `aborted` (Aborted_connects; `None` for COM_CHANGE_USER, which MySQL
/// does not count), then sends an ERR (best effort) and returns the reason.
async fn refuse<S>(
    io: &mut PacketIo<S>,
    aborted: Option<&AtomicU64>,
    code: u16,
    state: &str,
    message: String,
) -> Refusal
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    if let Some(counter) = aborted {
        Counters::inc(counter);
    }
    let _ = io.send(&err_payload(code, state, message.clone())).await;
    io.shutdown().await;
    Refusal(format!("ERROR {code} ({state}): {message}"))
}

fn bad_handshake() -> (u16, &'static str, String) {
    (1043, "08S01", "Bad handshake".to_string())
}

/// Maps a failed handshake-phase read to the reason (and sends "Bad handshake" where MySQL would).
async fn handshake_read_failed<S>(
    io: &mut PacketIo<S>,
    aborted: Option<&AtomicU64>,
    e: ReadError,
    what: &str,
) -> End
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    match e {
        ReadError::Closed | ReadError::ClosedMidPacket => End::Aborted(format!(
            "client disconnected while the server waited for {what}"
        )),
        ReadError::Io(e) => End::Aborted(format!("I/O error while waiting for {what}: {e}")),
        ReadError::Wire(w) => {
            let (code, state, msg) = bad_handshake();
            let Refusal(r) = refuse(io, aborted, code, state, msg).await;
            End::Refused(format!("{r} ({what}: {w})"))
        }
    }
}

/// The v4 address of a v4-mapped v6 peer, so accounts and messages say 127.0.0.1, not ::ffff:127.0.0.1.
fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

async fn connect(
    shared: &Shared,
    tcp: TcpStream,
    peer: SocketAddr,
    id: u32,
    reserved: bool,
    trace: &Trace,
    fault: Option<&PortFault>,
) -> Result<Established, End> {
    // Refusals are counted in Aborted_connects before their ERR goes out.
    let aborted = Some(&shared.counters.aborted_connects);
    // A fault port presents its own (faulty) TLS context, or none for no-tls/error-before-tls.
    let tls_ctx = match fault {
        Some(f) => f.tls.clone(),
        None => shared.tls(),
    };
    let nonce = myseal_auth::nonce::generate();
    let mut server_caps = server_capabilities();
    if tls_ctx.is_some() {
        server_caps.insert(Caps::CLIENT_SSL);
    }
    let permitted = compress::Permitted::parse(
        shared
            .engine
            .global_variable("protocol_compression_algorithms")
            .as_deref(),
    );
    server_caps.remove(Caps::CLIENT_COMPRESS | Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM);
    server_caps.insert(permitted.capabilities());
    // The new session starts with the global sql_mode: libmysqlclient escapes strings by the
    // greeting's NO_BACKSLASH_ESCAPES flag until the first OK.
    let mut greeting_status = StatusFlags::SERVER_STATUS_AUTOCOMMIT;
    if shared
        .engine
        .global_variable("sql_mode")
        .is_some_and(|m| m.split(',').any(|x| x == "NO_BACKSLASH_ESCAPES"))
    {
        greeting_status |= StatusFlags::SERVER_STATUS_NO_BACKSLASH_ESCAPES;
    }
    let greeting = HandshakeV10 {
        server_version: crate::SERVER_VERSION.to_string(),
        connection_id: id,
        auth_plugin_data: nonce,
        capability_flags: server_caps,
        character_set: UTF8MB4_0900_AI_CI,
        status_flags: greeting_status,
        auth_plugin_name: "caching_sha2_password".to_string(),
    };
    let mut payload = Vec::with_capacity(96);
    greeting.encode(&mut payload);
    let mut io: PacketIo<BoxIo> = PacketIo::new(Box::new(tcp));
    io.seq = 0;
    if let Err(e) = io.send(&payload).await {
        return Err(End::Aborted(format!("could not send the greeting: {e}")));
    }
    trace.step(
        State::GreetingSent,
        false,
        false,
        format_args!(
            "server greeting: version {} auth_plugin=caching_sha2_password ssl_offered={}",
            crate::SERVER_VERSION,
            if tls_ctx.is_some() { "yes" } else { "no" }
        ),
    );
    trace.event(
        Step::Greeting,
        Actor::Server,
        Conn::Connecting,
        Certs::NotYet,
        || match (fault, tls_ctx.is_some()) {
            (Some(f), false) => format!(
                "greeting (HandshakeV10, {}) WITHOUT SSL: TLS fault {}: a client that requires \
                 TLS must refuse now, before sending its user name",
                crate::SERVER_VERSION,
                f.fault
            ),
            (_, true) => format!(
                "greeting (HandshakeV10, {}, caching_sha2_password): SSL offered",
                crate::SERVER_VERSION
            ),
            (None, false) => format!(
                "greeting (HandshakeV10, {}): SSL not offered (TLS is off)",
                crate::SERVER_VERSION
            ),
        },
    );

    let first = match io.read_packet(MAX_HANDSHAKE_PACKET).await {
        Ok(p) => p,
        Err(e) => {
            return Err(handshake_read_failed(
                &mut io,
                aborted,
                e,
                "the client's handshake response",
            )
            .await)
        }
    };
    if first.first_seq != 1 {
        let (c, s, m) = bad_handshake();
        let Refusal(r) = refuse(&mut io, aborted, c, s, m).await;
        return Err(End::Refused(format!(
            "{r}: first client packet had sequence id {} (not a MySQL client? a TLS ClientHello without SSLRequest?)",
            first.first_seq
        )));
    }
    let hello = match ClientHandshake::decode(&first.payload) {
        Ok(h) => h,
        Err(e) => {
            let (c, s, m) = bad_handshake();
            let Refusal(r) = refuse(&mut io, aborted, c, s, m).await;
            return Err(End::Refused(format!("{r}: {e}")));
        }
    };

    let mut peer_info: Option<PeerInfo> = None;
    let response = match hello {
        ClientHandshake::Response(r) => {
            trace.step(
                State::Authenticating,
                false,
                false,
                format_args!(
                    "client continued WITHOUT SSLRequest: user '{}' auth_plugin={}; the channel is not encrypted",
                    r.username,
                    r.auth_plugin_name.as_deref().unwrap_or("-")
                ),
            );
            let why = match fault.map(|f| f.fault) {
                Some(f @ (TlsFault::NoTls | TlsFault::ErrorBeforeTls)) => format!(
                    "no TLS, nothing verified: this client fell back to plain text on the {f} \
                     port and sent its login unencrypted ({})",
                    if f == TlsFault::NoTls {
                        "BACKRONYM, CVE-2015-3152"
                    } else {
                        "Riddle, CVE-2017-3305"
                    }
                ),
                _ => "no TLS: nothing is verified".to_owned(),
            };
            trace.event(
                Step::SslRequested,
                Actor::Client,
                Conn::Connecting,
                Certs::No(why),
                || {
                    format!(
                        "client did NOT request SSL: it logs in as '{}' in plain text",
                        r.username
                    )
                },
            );
            if fault.is_some_and(|f| f.fault == TlsFault::ErrorBeforeTls) {
                let message = format!(
                    "Access denied for user '{}'@'{}' (myseal --tls-fault error-before-tls: this \
                     error came before any TLS, unauthenticated; a client that requires TLS must \
                     have refused at the greeting, CVE-2017-3305)",
                    r.username,
                    canonical_ip(peer.ip())
                );
                let Refusal(reason) = refuse(&mut io, aborted, 1045, "28000", message).await;
                return Err(End::Refused(format!(
                    "TLS fault error-before-tls: answered the plain-text login with an ERR \
                     packet ({reason})"
                )));
            }
            r
        }
        ClientHandshake::SslRequest(req) => {
            let Some(ctx) = tls_ctx.as_ref() else {
                let (c, s, m) = bad_handshake();
                let Refusal(r) = refuse(&mut io, aborted, c, s, m).await;
                return Err(End::Refused(format!("{r}: SSLRequest but TLS is disabled")));
            };
            trace.step(
                State::SslRequested,
                false,
                false,
                format_args!(
                    "client sent SSLRequest (capabilities 0x{:08x}); starting TLS handshake",
                    req.capability_flags.bits()
                ),
            );
            Counters::inc(&shared.counters.ssl_accepts);
            trace.event(
                Step::SslRequested,
                Actor::Client,
                Conn::TlsHandshake,
                Certs::NotYet,
                || "SSLRequest: the client asks to switch to TLS; the TLS handshake starts".into(),
            );
            trace.event(
                Step::ServerCertificate,
                Actor::Server,
                Conn::TlsHandshake,
                Certs::NotYet,
                || {
                    let c = ctx.server_cert();
                    format!(
                        "server sends its certificate {} (issuer {}, valid {} to {}){}; {}",
                        c.subject,
                        c.issuer,
                        c.not_before,
                        c.not_after,
                        match fault {
                            Some(f) =>
                                format!(" - TLS fault {}: the server {}", f.fault, f.fault.what()),
                            None => String::new(),
                        },
                        if ctx.requires_client_certs() {
                            "asks for a client certificate (required)"
                        } else if ctx.verifies_client_certs() {
                            "asks for a client certificate (optional)"
                        } else {
                            "asks for no client certificate (no ssl_ca)"
                        }
                    )
                },
            );
            let seq = io.seq;
            let (stream, leftover) = io.into_parts();
            let stream = Prefixed::new(leftover, stream);
            trace.step(
                State::TlsHandshake,
                false,
                false,
                format_args!(
                    "TLS handshake: presenting server certificate {}; client certificate {}",
                    ctx.server_cert().subject,
                    if ctx.verifies_client_certs() {
                        "requested (optional), verified against ssl_ca"
                    } else {
                        "not requested (no ssl_ca)"
                    }
                ),
            );
            let (tls, info) = match myseal_tls::accept(&ctx.acceptor(), stream).await {
                Ok(x) => x,
                Err(e) => {
                    let reason = match &e {
                        myseal_tls::TlsError::Handshake { reason } => reason.clone(),
                        other => other.to_string(),
                    };
                    let actor = if reason.contains("client rejected")
                        || reason.contains("client aborted")
                    {
                        Actor::Client
                    } else {
                        Actor::Server
                    };
                    trace.event(
                        Step::CertificatesVerified,
                        actor,
                        Conn::TlsHandshake,
                        Certs::No(match fault {
                            Some(f) => format!(
                                "{reason} - correct: TLS fault {} caught by {}",
                                f.fault,
                                f.fault.client_check()
                            ),
                            None => reason.clone(),
                        }),
                        || "the TLS handshake failed; nothing is encrypted".into(),
                    );
                    // The error says "TLS handshake failed: <reason>" itself.
                    return Err(End::Aborted(e.to_string()));
                }
            };
            Counters::inc(&shared.counters.ssl_finished_accepts);
            if trace.watched() {
                tls_events(trace, ctx, &info, fault);
            }
            let verified = info.client_cert_verified;
            trace.step(
                State::TlsEstablished,
                true,
                verified,
                format_args!(
                    "TLS established{}: {} {}; client certificate: {}",
                    if info.resumed {
                        " (resumed session)"
                    } else {
                        ""
                    },
                    info.version,
                    info.cipher,
                    match &info.client_cert {
                        Some(c) if verified => format!(
                            "presented and verified (subject {}, issuer {})",
                            c.subject, c.issuer
                        ),
                        Some(c) => format!("presented, NOT verified (subject {})", c.subject),
                        None => "none presented".to_string(),
                    }
                ),
            );
            io = PacketIo::new(Box::new(tls) as BoxIo);
            io.seq = seq;
            let pkt = match io.read_packet(MAX_HANDSHAKE_PACKET).await {
                Ok(p) => p,
                Err(e) => {
                    return Err(handshake_read_failed(
                        &mut io,
                        aborted,
                        e,
                        "the handshake response inside TLS",
                    )
                    .await)
                }
            };
            let r = match ClientHandshake::decode(&pkt.payload) {
                Ok(ClientHandshake::Response(r)) => r,
                Ok(ClientHandshake::SslRequest(_)) => {
                    let (c, s, m) = bad_handshake();
                    let Refusal(r) = refuse(&mut io, aborted, c, s, m).await;
                    return Err(End::Refused(format!("{r}: second SSLRequest inside TLS")));
                }
                Err(e) => {
                    let (c, s, m) = bad_handshake();
                    let Refusal(r) = refuse(&mut io, aborted, c, s, m).await;
                    return Err(End::Refused(format!("{r}: {e}")));
                }
            };
            trace.step(
                State::Authenticating,
                true,
                verified,
                format_args!(
                    "handshake response inside TLS: user '{}' auth_plugin={} database={}",
                    r.username,
                    r.auth_plugin_name.as_deref().unwrap_or("-"),
                    r.database.as_deref().unwrap_or("-")
                ),
            );
            peer_info = Some(info);
            r
        }
    };

    let secure = peer_info.is_some();
    let verified = peer_info.as_ref().is_some_and(|t| t.client_cert_verified);
    let caps = response.capability_flags & server_caps;
    // Chosen before authentication, as MySQL does (ER 3922/3923 for what it cannot accept).
    let compression = match compress::negotiate(caps, response.zstd_compression_level, permitted) {
        Ok(c) => c,
        Err((code, state, msg)) => {
            return Err(refuse(&mut io, aborted, code, state, msg).await.into())
        }
    };
    let client_ip = canonical_ip(peer.ip());
    let require_secure = shared
        .engine
        .global_variable("require_secure_transport")
        .is_some_and(|v| v.eq_ignore_ascii_case("ON"));
    let insecure_refusal = || {
        (
            3159u16,
            "HY000",
            "Connections using insecure transport are prohibited while --require_secure_transport=ON."
                .to_string(),
        )
    };

    let facts = ClientFacts {
        user: response.username.clone(),
        client_ip,
        nonce,
        client_plugin: response.auth_plugin_name.clone(),
        auth_response: response.auth_response.clone(),
        rsa: shared.rsa_keys_for(secure, require_secure).await,
        refuse_insecure: require_secure && peer_info.is_none(),
        tls: tls_facts(peer_info.as_ref()),
    };
    let account = authenticate(shared, &mut io, facts, trace, secure, verified, aborted).await?;
    trace.event(
        Step::Authenticated,
        Actor::Server,
        Conn::Authenticated,
        trace.certificates(),
        || {
            format!(
                "'{}'@'{}' authenticated with {}{}",
                account.user,
                account.host,
                account.plugin.name(),
                if secure {
                    " inside TLS"
                } else {
                    " over PLAIN TEXT"
                }
            )
        },
    );

    // MySQL checks the transport after the password: a wrong password over plain TCP gets 1045 first.
    if !secure && require_secure {
        let (c, s, m) = insecure_refusal();
        return Err(refuse(&mut io, aborted, c, s, m).await.into());
    }

    let usage = match admit(shared, &account, caps, None) {
        Ok(usage) => usage,
        Err((code, state, msg)) => {
            return Err(refuse(&mut io, aborted, code, state, msg).await.into())
        }
    };
    if reserved
        && !shared
            .engine
            .holds_global_privilege(&account.user, &account.host, "CONNECTION_ADMIN")
    {
        Counters::inc(&shared.counters.connection_errors_max_connections);
        return Err(refuse(
            &mut io,
            aborted,
            1040,
            "08004",
            "Too many connections".to_string(),
        )
        .await
        .into());
    }

    let mut status = session_tls_status(tls_ctx.as_deref(), peer_info.as_ref());
    status.extend(compress::session_status(compression.as_ref()));
    status.sort();
    let info = SessionInfo {
        connection_id: id,
        user: response.username.clone(),
        client_host: client_ip.to_string(),
        account_host: account.host.clone(),
        status,
        database: None,
        character_set_client: client_collation(u16::from(response.character_set)),
        password_expired: password_expired(shared, &account),
        usage,
    };
    let mut session = shared.engine.new_session(info.clone());
    if let Some(db) = response.database.as_deref().filter(|d| !d.is_empty()) {
        if let Err(e) = shared.engine.use_database(&mut session, db) {
            return Err(refuse(&mut io, aborted, e.code, e.sql_state, e.message)
                .await
                .into());
        }
    }
    let mut out = Vec::new();
    OkPacket {
        affected_rows: 0,
        last_insert_id: 0,
        status_flags: status_flags(&session, false),
        warnings: 0,
        info: String::new(),
        session_state: Vec::new(),
    }
    .encode(&mut out, caps);
    if let Err(e) = io.send(&out).await {
        return Err(End::Aborted(format!("could not send OK: {e}")));
    }
    // Compression starts after the (uncompressed) OK.
    if let Some(c) = compression {
        let max_frame = shared
            .engine
            .global_variable("max_allowed_packet")
            .and_then(|v| v.parse().ok())
            .unwrap_or(shared.config.max_allowed_packet);
        io = compress::enable(io, c, max_frame, id).map_err(|e| {
            End::Aborted(format!(
                "could not start {} compression: {e}",
                c.algorithm.name()
            ))
        })?;
    }
    trace.step(
        State::Authenticated,
        secure,
        verified,
        format_args!(
            "authenticated as '{}'@'{}' with {}",
            account.user,
            account.host,
            account.plugin.name()
        ),
    );
    trace.step(
        State::Ready,
        secure,
        verified,
        format_args!(
            "{}",
            if secure {
                "encrypted channel ready for commands"
            } else {
                "UNENCRYPTED channel ready for commands (require_secure_transport=OFF)"
            }
        ),
    );
    Ok(Established {
        io,
        caps,
        session,
        info,
        statements: Statements::new(shared.counters.prepared_stmt_count.clone()),
        max_packet: shared.config.max_allowed_packet,
        tls: peer_info,
        nonce,
        client_ip,
        trace: trace.clone(),
    })
}

/// The events of a completed TLS handshake: the client's certificate, the verdict on both
/// certificates, the encrypted channel.
fn tls_events(
    trace: &Trace,
    ctx: &myseal_tls::TlsContext,
    info: &PeerInfo,
    fault: Option<&PortFault>,
) {
    let client = match &info.client_cert {
        Some(c) => format!(
            "client sends its certificate {} (issuer {})",
            c.subject, c.issuer
        ),
        None if info.resumed => "resumed TLS session: no certificates exchanged".to_owned(),
        None if ctx.verifies_client_certs() => "client sends no certificate".to_owned(),
        None => "client sends no certificate (none asked for)".to_owned(),
    };
    trace.event(
        Step::ClientCertificate,
        Actor::Client,
        Conn::TlsHandshake,
        Certs::NotYet,
        || client,
    );
    let client_side = match &info.client_cert {
        Some(_) if info.client_cert_verified => {
            "the server verified the client certificate against ssl_ca"
        }
        Some(_) => "the client certificate was NOT verified",
        None => "no client certificate to verify",
    };
    // The full verdict on its own row; later rows repeat a short form.
    let (verdict, short) = match fault.map(|f| f.fault) {
        Some(f) if f.is_certificate_fault() => (
            Certs::No(format!(
                "the client ACCEPTED the {f} certificate: it does not check {}",
                f.client_check()
            )),
            Certs::No(format!("the client accepted the {f} certificate")),
        ),
        _ => (
            Certs::Yes(format!(
                "the client accepted the server certificate (a verifying client checked its \
                 CA, dates and host name); {client_side}"
            )),
            Certs::Yes(match &info.client_cert {
                Some(_) if info.client_cert_verified => {
                    "server certificate accepted, client certificate verified".to_owned()
                }
                _ => "server certificate accepted, no client certificate".to_owned(),
            }),
        ),
    };
    trace.event(
        Step::CertificatesVerified,
        Actor::Both,
        Conn::TlsHandshake,
        verdict.clone(),
        || {
            if info.resumed {
                "TLS session resumed: the certificates verified when it was made stand".into()
            } else {
                "TLS handshake complete: both ends checked what they were given".into()
            }
        },
    );
    trace.event(
        Step::EncryptedChannel,
        Actor::Both,
        Conn::Encrypted,
        short,
        || {
            format!(
                "encrypted channel: {} {}; the login and every query travel inside TLS",
                info.version, info.cipher
            )
        },
    );
}

/// What the authenticator needs to know about the TLS session.
fn tls_facts(peer: Option<&PeerInfo>) -> Option<TlsFacts> {
    peer.map(|p| TlsFacts {
        cipher: p.cipher.to_string(),
        client_cert_verified: p.client_cert_verified,
        client_subject: p.client_cert.as_ref().map(|c| c.subject.clone()),
        client_issuer: p.client_cert.as_ref().map(|c| c.issuer.clone()),
    })
}

/// After the password, at connect and at COM_CHANGE_USER: an expired password is refused to a
/// client that cannot handle it (ER 1862, as MySQL's disconnect_on_expired_password=ON does;
/// one that can gets a session that may only change the password), and an account at its
/// MAX_USER_CONNECTIONS or MAX_CONNECTIONS_PER_HOUR gets ER 1226. `this` is the connection's
/// own id when it is already registered (COM_CHANGE_USER), so that it does not count against
/// itself. Gives the per-hour counters the session is charged to, if its account has limits.
fn admit(
    shared: &Shared,
    account: &myseal_auth::account::Account,
    caps: Caps,
    this: Option<u32>,
) -> Result<Option<Arc<myseal_auth::resources::Usage>>, (u16, &'static str, String)> {
    use myseal_auth::AuthError;
    let refusal = |e: AuthError| (e.code(), e.sql_state(), e.to_string());
    if password_expired(shared, account)
        && !caps.contains(Caps::CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS)
    {
        return Err(refusal(AuthError::PasswordExpired));
    }
    if account.max_user_connections > 0 {
        let open = shared
            .processes
            .count_account(&account.user, &account.host, this);
        if open >= account.max_user_connections as usize {
            return Err(refusal(AuthError::UserLimitReached {
                user: account.user.clone(),
                resource: "max_user_connections",
                value: account.max_user_connections,
            }));
        }
    }
    let usage = shared.engine.accounts().usage_for(account);
    if let Some(u) = &usage {
        u.charge_connection().map_err(refusal)?;
    }
    Ok(usage)
}

/// `PASSWORD EXPIRE`, or a password older than its lifetime (the account's, or
/// `default_password_lifetime` days).
fn password_expired(shared: &Shared, account: &myseal_auth::account::Account) -> bool {
    let default_days = shared
        .engine
        .global_variable("default_password_lifetime")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    account.password_has_expired(default_days)
}

/// The client capabilities the engine acts on: CLIENT_FOUND_ROWS, CLIENT_MULTI_STATEMENTS.
fn client_flags_to_session(caps: Caps, session: &mut Session) {
    session.set_client_found_rows(caps.contains(Caps::CLIENT_FOUND_ROWS));
    session.set_multi_statements(caps.contains(Caps::CLIENT_MULTI_STATEMENTS));
    session.set_local_files(caps.contains(Caps::CLIENT_LOCAL_FILES));
}

/// The handshake's (or COM_CHANGE_USER's) collation id for the engine: the collation's name
/// when the engine knows it (character_set_client, collation_connection and
/// character_set_results all take it, as MySQL's thd_init_client_charset), else its charset.
fn client_collation(id: u16) -> String {
    match myseal_engine::collation::Collation::from_id(id) {
        Some(c) => c.name().to_string(),
        None => charset_name(u8::try_from(id).unwrap_or(255)).to_string(),
    }
}

/// MySQL charset names for the collation ids clients commonly send.
fn charset_name(collation: u8) -> &'static str {
    match collation {
        8 | 48 | 49 | 94 => "latin1",
        33 | 83 | 192..=215 => "utf8mb3",
        63 => "binary",
        11 | 65 => "ascii",
        _ => "utf8mb4",
    }
}

/// The per-session `Ssl_*` status variables.
/// The `Ssl_*` session status of a connection, from the TLS context its handshake used (a fault
/// port's own, or the one that was current when it connected).
fn session_tls_status(
    ctx: Option<&myseal_tls::TlsContext>,
    tls: Option<&PeerInfo>,
) -> Vec<(String, String)> {
    let s = |k: &str, v: String| (k.to_string(), v);
    match (tls, ctx) {
        (Some(info), Some(ctx)) => vec![
            s("Ssl_cipher", info.cipher.to_string()),
            s("Ssl_cipher_list", myseal_tls::cipher_list(ctx)),
            s("Ssl_version", info.version.to_string()),
            s(
                "Ssl_server_not_before",
                ctx.server_cert().not_before.clone(),
            ),
            s("Ssl_server_not_after", ctx.server_cert().not_after.clone()),
            s(
                "Ssl_verify_mode",
                if ctx.verifies_client_certs() {
                    "5"
                } else {
                    "0"
                }
                .to_string(),
            ),
            s(
                "Ssl_sessions_reused",
                if info.resumed { "1" } else { "0" }.into(),
            ),
            // OpenSSL's SSL_get_default_timeout for TLS server methods, which MySQL reports.
            s("Ssl_default_timeout", "7200".into()),
        ],
        _ => vec![
            s("Ssl_cipher", String::new()),
            s("Ssl_cipher_list", String::new()),
            s("Ssl_version", String::new()),
            s("Ssl_server_not_before", String::new()),
            s("Ssl_server_not_after", String::new()),
            s("Ssl_verify_mode", "0".into()),
            s("Ssl_sessions_reused", "0".into()),
            s("Ssl_default_timeout", "0".into()),
        ],
    }
}

fn status_flags(session: &Session, more_results: bool) -> StatusFlags {
    let mut f = StatusFlags(0);
    if session.autocommit() {
        f |= StatusFlags::SERVER_STATUS_AUTOCOMMIT;
    }
    if session.in_transaction() {
        f |= StatusFlags::SERVER_STATUS_IN_TRANS;
    }
    if more_results {
        f |= StatusFlags::SERVER_MORE_RESULTS_EXISTS;
    }
    if session.no_backslash_escapes() {
        f |= StatusFlags::SERVER_STATUS_NO_BACKSLASH_ESCAPES;
    }
    f
}

async fn command_loop(
    shared: &Arc<Shared>,
    est: &mut Established,
    trace: &Trace,
    stop: &mut watch::Receiver<bool>,
) -> String {
    let registered = shared.processes.register(
        est.info.connection_id,
        (&est.info.user, &est.info.account_host),
        &est.info.client_host,
        est.session.database().map(str::to_string),
        est.session.cancel_flag(),
    );
    let process = registered.process.clone();
    est.io.set_abort(crate::io::WriteAbort {
        stop: stop.clone(),
        process: process.clone(),
    });
    client_flags_to_session(est.caps, &mut est.session);
    let secure = est.tls.is_some();
    let verified = est.tls.as_ref().is_some_and(|t| t.client_cert_verified);
    // The global value when the connection started, like MySQL's read-only session max_allowed_packet.
    let max = shared
        .engine
        .global_variable("max_allowed_packet")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(shared.config.max_allowed_packet);
    est.max_packet = max;
    loop {
        // wait_timeout (interactive_timeout for CLIENT_INTERACTIVE clients), read per command since
        // SET SESSION may change it.
        let idle_var = if est.caps.contains(Caps::CLIENT_INTERACTIVE) {
            "interactive_timeout"
        } else {
            "wait_timeout"
        };
        let idle_secs = est
            .session
            .variable(idle_var)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(28_800)
            .max(1);
        est.io.write_timeout = Duration::from_secs(
            est.session
                .variable("net_write_timeout")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(60)
                .max(1),
        );
        let read = tokio::select! {
            r = tokio::time::timeout(Duration::from_secs(idle_secs), est.io.read_packet(max)) => match r {
                Ok(r) => r,
                Err(_) => {
                    // MySQL 8.0.24+ tells the client why before closing.
                    Counters::inc(&shared.counters.aborted_clients);
                    est.io.seq = 0;
                    let _ = est.io.send(&err_payload(
                        4031,
                        "HY000",
                        "The client was disconnected by the server because of inactivity. See wait_timeout and interactive_timeout for configuring this behavior.",
                    )).await;
                    return format!("idle for more than {idle_var}={idle_secs}s");
                }
            },
            _ = stop.changed() => return "server shutdown".to_string(),
            _ = process.kill.notified() => return "killed (KILL CONNECTION)".to_string(),
        };
        // A KILL CONNECTION that arrived while the command was on its way wins: the killed
        // connection runs nothing more (select! may have picked the ready read first).
        if process.killed() {
            return "killed (KILL CONNECTION)".to_string();
        }
        let packet = match read {
            Ok(p) => p,
            Err(ReadError::Closed) => return "client closed the connection".to_string(),
            Err(ReadError::ClosedMidPacket) => {
                Counters::inc(&shared.counters.aborted_clients);
                return "client vanished in the middle of a packet".to_string();
            }
            Err(ReadError::Io(e)) => {
                Counters::inc(&shared.counters.aborted_clients);
                return format!("I/O error: {e}");
            }
            Err(ReadError::Wire(WireError::PacketTooLarge { size, .. })) => {
                Counters::inc(&shared.counters.aborted_clients);
                est.io.seq = 1;
                let _ = est
                    .io
                    .send(&err_payload(
                        1153,
                        "08S01",
                        "Got a packet bigger than 'max_allowed_packet' bytes",
                    ))
                    .await;
                return format!("packet of {size} bytes exceeds max_allowed_packet ({max})");
            }
            Err(ReadError::Wire(e)) => {
                Counters::inc(&shared.counters.aborted_clients);
                let _ = est
                    .io
                    .send(&err_payload(1156, "08S01", "Got packets out of order"))
                    .await;
                return format!("malformed packet: {e}");
            }
        };
        if packet.first_seq != 0 {
            Counters::inc(&shared.counters.aborted_clients);
            let _ = est
                .io
                .send(&err_payload(1156, "08S01", "Got packets out of order"))
                .await;
            return format!("command packet with sequence id {}", packet.first_seq);
        }
        let command = match Command::decode(&packet.payload) {
            Ok(c) => c,
            Err(_) => {
                let _ = est
                    .io
                    .send(&err_payload(1047, "08S01", "Unknown command"))
                    .await;
                continue;
            }
        };
        if trace.enabled() {
            trace.step(
                State::Command,
                secure,
                verified,
                format_args!("{}", describe(&command)),
            );
        }
        trace.event(
            Step::Query,
            Actor::Client,
            Conn::Authenticated,
            trace.certificates(),
            || {
                format!(
                    "{} (encrypted: {})",
                    describe(&command),
                    if secure { "yes" } else { "NO" }
                )
            },
        );
        est.session.clear_cancel();
        let flow = dispatch(shared, est, command, &process).await;
        process.set("Sleep", None, est.session.database().map(str::to_string));
        if process.killed() {
            return "killed (KILL CONNECTION)".to_string();
        }
        match flow {
            Ok(Flow::Continue) => {}
            Ok(Flow::Quit) => return "client sent COM_QUIT".to_string(),
            Err(e) => {
                Counters::inc(&shared.counters.aborted_clients);
                return format!("I/O error while answering: {e}");
            }
        }
    }
}

/// A short description of a command for the trace; never the statement text (it may hold a password).
fn describe(c: &Command) -> String {
    match c {
        Command::Query(q) => {
            let text = String::from_utf8_lossy(q);
            let word = text
                .split_whitespace()
                .next()
                .unwrap_or("")
                .chars()
                .take(20)
                .collect::<String>()
                .to_uppercase();
            format!("COM_QUERY {word} … ({} bytes)", q.len())
        }
        Command::Quit => "COM_QUIT".into(),
        Command::InitDb(db) => format!("COM_INIT_DB {db}"),
        Command::Ping => "COM_PING".into(),
        Command::FieldList { .. } => "COM_FIELD_LIST".into(),
        Command::Statistics => "COM_STATISTICS".into(),
        Command::ProcessKill(id) => format!("COM_PROCESS_KILL {id}"),
        Command::Debug => "COM_DEBUG".into(),
        Command::ChangeUser(_) => "COM_CHANGE_USER".into(),
        Command::StmtPrepare(_) => "COM_STMT_PREPARE".into(),
        Command::StmtExecute(_) => "COM_STMT_EXECUTE".into(),
        Command::StmtSendLongData(_) => "COM_STMT_SEND_LONG_DATA".into(),
        Command::StmtClose(_) => "COM_STMT_CLOSE".into(),
        Command::StmtReset(_) => "COM_STMT_RESET".into(),
        Command::SetOption(_) => "COM_SET_OPTION".into(),
        Command::StmtFetch(_) => "COM_STMT_FETCH".into(),
        Command::ResetConnection => "COM_RESET_CONNECTION".into(),
        Command::Unknown(b) => format!("unknown command 0x{b:02x}"),
    }
}

enum Flow {
    Continue,
    Quit,
}

/// Runs SQL on an engine thread with the connection's session lent to it; None when the
/// statement panicked (the connection then ends).
async fn on_engine<T: Send + 'static>(
    shared: &Arc<Shared>,
    est: &mut Established,
    f: impl FnOnce(&myseal_engine::Engine, &mut Session) -> T + Send + 'static,
) -> Option<T> {
    let mut session = std::mem::replace(&mut est.session, Session::placeholder());
    let sh = shared.clone();
    let done = shared
        .executor
        .run(move || {
            let r = f(&sh.engine, &mut session);
            (session, r)
        })
        .await;
    give_back(est, done)
}

/// The end of a statement lent to an engine thread: the session comes back, or the statement
/// panicked (None: the connection ends).
fn give_back<T>(
    est: &mut Established,
    done: Result<(Session, T), crate::executor::Panicked>,
) -> Option<T> {
    match done {
        Ok((session, r)) => {
            est.session = session;
            Some(r)
        }
        Err(_) => {
            tracing::error!(
                conn = est.info.connection_id,
                "a statement panicked; closing its connection"
            );
            None
        }
    }
}

/// Runs `f` (an engine call that may do its work inline, on this async task) with a panic
/// caught: None when it panicked, which ends the connection as a panic on an engine thread
/// does (logged, and the connection's bookkeeping still runs).
fn run_inline<T>(
    est: &mut Established,
    f: impl FnOnce(&myseal_engine::Engine, &mut Session) -> T,
    engine: &myseal_engine::Engine,
) -> Option<T> {
    let session = &mut est.session;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(engine, session))) {
        Ok(r) => Some(r),
        Err(_) => {
            tracing::error!(
                conn = est.info.connection_id,
                "a statement panicked; closing its connection"
            );
            None
        }
    }
}

/// [`on_engine`] for a statement whose first result set may stream: while it runs, the chunks
/// of rows its [`results::ChannelSink`] sends are written to the client. If the client is gone
/// the channel closes, which stops the statement; the session always comes back before this
/// returns (so a disconnect still rolls its transaction back). Err is the write error.
async fn on_engine_streaming<T: Send + 'static>(
    shared: &Arc<Shared>,
    est: &mut Established,
    protocol: Protocol,
    f: impl FnOnce(&myseal_engine::Engine, &mut Session) -> T + Send + 'static,
) -> std::io::Result<Option<T>> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(results::CHUNKS_IN_FLIGHT);
    let (sink, rest) =
        results::ChannelSink::new(tx, est.caps, protocol, est.session.no_backslash_escapes());
    let sink = sink.with_results(est.session.results_collation());
    let cancel = est.session.cancel_flag();
    let mut session = std::mem::replace(&mut est.session, Session::placeholder());
    let sh = shared.clone();
    let job = shared.executor.run(move || {
        session.set_row_sink(Box::new(sink));
        let r = f(&sh.engine, &mut session);
        // Dropping the sink closes the channel: everything sent is ahead of the end.
        drop(session.take_row_sink());
        (session, r)
    });
    tokio::pin!(job);
    let mut write_error = None;
    let mut open = true;
    let done = loop {
        tokio::select! {
            chunk = rx.recv(), if open => match chunk {
                Some(chunk) => {
                    if write_error.is_some() {
                        continue;
                    }
                    for p in chunk.payloads() {
                        est.io.queue(p);
                    }
                    if let Err(e) = est.io.flush().await {
                        // The client is gone: the engine's next send fails, and the cancel
                        // flag stops a statement still working towards its next row.
                        write_error = Some(e);
                        rx.close();
                        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                    }
                }
                None => open = false,
            },
            done = &mut job => break done,
        }
    };
    // What was sent before the job ended, then what the sink kept.
    while let Ok(chunk) = rx.try_recv() {
        if write_error.is_none() {
            for p in chunk.payloads() {
                est.io.queue(p);
            }
        }
    }
    if write_error.is_none() {
        let rest = std::mem::take(&mut *rest.lock().unwrap_or_else(PoisonError::into_inner));
        for p in rest.payloads() {
            est.io.queue(p);
        }
    }
    let r = give_back(est, done);
    match (write_error, r) {
        (Some(e), Some(_)) => Err(e),
        (_, r) => Ok(r),
    }
}

/// COM_CHANGE_USER: the open transaction is rolled back and the prepared statements closed,
/// then the client authenticates again (the same exchange as at connect, with the greeting's
/// nonce, REQUIRE and account policies included) and gets a fresh session as that account, in
/// the database it names. A failed authentication is sent its ERR and ends the connection.
async fn change_user(
    shared: &Arc<Shared>,
    est: &mut Established,
    body: &[u8],
    process: &Arc<crate::processes::Process>,
) -> std::io::Result<Flow> {
    let Ok(cu) = myseal_wire::connect::ChangeUser::decode(body, est.caps) else {
        let (c, s, m) = bad_handshake();
        est.io.send(&err_payload(c, s, m)).await?;
        return Ok(Flow::Quit);
    };
    est.session.rollback_open_transaction(&shared.engine);
    est.statements.clear();
    let secure = est.tls.is_some();
    let verified = est.tls.as_ref().is_some_and(|t| t.client_cert_verified);
    let facts = ClientFacts {
        user: cu.username.clone(),
        client_ip: est.client_ip,
        nonce: est.nonce,
        client_plugin: cu.auth_plugin_name.clone(),
        auth_response: cu.auth_response.clone(),
        rsa: shared.rsa_keys_for(secure, false).await,
        refuse_insecure: false,
        tls: tls_facts(est.tls.as_ref()),
    };
    let Ok(account) = authenticate(
        shared,
        &mut est.io,
        facts,
        &est.trace,
        secure,
        verified,
        None,
    )
    .await
    else {
        return Ok(Flow::Quit);
    };
    let usage = match admit(shared, &account, est.caps, Some(est.info.connection_id)) {
        Ok(usage) => usage,
        Err((code, state, msg)) => {
            est.io.send(&err_payload(code, state, msg)).await?;
            return Ok(Flow::Quit);
        }
    };
    let mut info = est.info.clone();
    info.usage = usage;
    info.user = cu.username;
    info.account_host = account.host.clone();
    info.database = None;
    info.password_expired = password_expired(shared, &account);
    if let Some(cs) = cu.character_set {
        info.character_set_client = client_collation(cs);
    }
    let cancel = est.session.cancel_flag();
    let mut session = shared.engine.new_session(info.clone());
    session.set_cancel_flag(cancel);
    client_flags_to_session(est.caps, &mut session);
    if !cu.database.is_empty() {
        if let Err(e) = shared.engine.use_database(&mut session, &cu.database) {
            est.io
                .send(&err_payload(e.code, e.sql_state, e.message))
                .await?;
            return Ok(Flow::Quit);
        }
    }
    process.set_account(&info.user, &info.account_host);
    est.session = session;
    est.info = info;
    est.trace.step(
        State::Authenticated,
        secure,
        verified,
        format_args!(
            "COM_CHANGE_USER: authenticated as '{}'@'{}' with {}",
            account.user,
            account.host,
            account.plugin.name()
        ),
    );
    send_ok(est, 0, 0, "").await?;
    Ok(Flow::Continue)
}

async fn dispatch(
    shared: &Arc<Shared>,
    est: &mut Established,
    command: Command,
    process: &Arc<crate::processes::Process>,
) -> std::io::Result<Flow> {
    let caps = est.caps;
    match command {
        Command::Quit => return Ok(Flow::Quit),
        Command::Ping => send_ok(est, 0, 0, "").await?,
        Command::InitDb(db) => {
            Counters::inc(&shared.counters.questions);
            match shared.engine.use_database(&mut est.session, &db) {
                Ok(()) => send_ok(est, 0, 0, "").await?,
                Err(e) => {
                    est.io
                        .send(&err_payload(e.code, e.sql_state, e.message))
                        .await?
                }
            }
        }
        Command::Query(bytes) => {
            Counters::inc(&shared.counters.questions);
            let sql = crate::query_text::from_wire(
                bytes,
                est.session.client_charset(),
                est.session.ansi_quotes(),
                est.session.no_backslash_escapes(),
            );
            process.set(
                "Query",
                Some(sql.clone()),
                est.session.database().map(str::to_string),
            );
            // Short work (see Engine::execute_inline) runs right here; the rest on an engine
            // thread.
            let Some(inline) = run_inline(est, |e, s| e.execute_inline(s, &sql), &shared.engine)
            else {
                return Ok(Flow::Quit);
            };
            let (outcomes, error) = match inline {
                Some(done) => done,
                None => {
                    let Some(done) =
                        on_engine_streaming(shared, est, Protocol::Text, move |engine, session| {
                            engine.execute(session, &sql)
                        })
                        .await?
                    else {
                        return Ok(Flow::Quit);
                    };
                    done
                }
            };
            if matches!(outcomes.last(), Some(Outcome::LocalInfile { .. })) {
                return local_infile(shared, est, outcomes, caps).await;
            }
            write_outcomes(est, outcomes, error, caps, Protocol::Text).await?;
        }
        Command::Statistics => {
            let text = shared.counters.statistics();
            est.io.send(text.as_bytes()).await?;
        }
        Command::ResetConnection => {
            est.session.rollback_open_transaction(&shared.engine);
            let mut info = est.info.clone();
            info.database = est.session.database().map(str::to_string);
            info.password_expired = est.session.password_expired();
            let cancel = est.session.cancel_flag();
            est.session = shared.engine.new_session(info);
            est.session.set_cancel_flag(cancel);
            client_flags_to_session(est.caps, &mut est.session);
            est.statements.clear();
            send_ok(est, 0, 0, "").await?;
        }
        Command::SetOption(option) => {
            // MYSQL_OPTION_MULTI_STATEMENTS_ON (0) / _OFF (1) turn the client's
            // CLIENT_MULTI_STATEMENTS on and off; MySQL answers with an EOF packet.
            match option {
                0 => est.caps.insert(Caps::CLIENT_MULTI_STATEMENTS),
                1 => est.caps.remove(Caps::CLIENT_MULTI_STATEMENTS),
                _ => {
                    est.io
                        .send(&err_payload(1047, "08S01", "Unknown command"))
                        .await?;
                    return Ok(Flow::Continue);
                }
            }
            client_flags_to_session(est.caps, &mut est.session);
            let mut out = Vec::new();
            EofPacket {
                warnings: 0,
                status_flags: status_flags(&est.session, false),
            }
            .encode(&mut out);
            est.io.send(&out).await?;
        }
        Command::Debug => send_ok(est, 0, 0, "").await?,
        Command::FieldList { table, wildcard } => {
            // Deprecated, but the mysql/mariadb CLI's name completion still sends it: each
            // column's definition followed by its default value, then an EOF.
            let Some(fields) = on_engine(shared, est, move |engine, session| {
                engine.field_list(session, &table, &wildcard)
            })
            .await
            else {
                return Ok(Flow::Quit);
            };
            match fields {
                Ok(fields) => {
                    let charset = est.session.results_collation();
                    for (column, default) in fields {
                        let mut out = Vec::new();
                        let def = results::column_definition_in(&column, charset);
                        results::encode_definition(&def, charset, &mut out);
                        match default {
                            Some(d) => myseal_wire::buf::put_lenenc_bytes(&mut out, d.as_bytes()),
                            None => out.push(0xFB),
                        }
                        est.io.queue(&out);
                    }
                    let flags = status_flags(&est.session, false);
                    end_of_rows(est, caps, flags, 0, Vec::new());
                    est.io.flush().await?;
                }
                Err(e) => {
                    est.io
                        .send(&err_payload(e.code, e.sql_state, e.message))
                        .await?
                }
            }
        }
        Command::StmtPrepare(bytes) => {
            Counters::inc(&shared.counters.questions);
            let sql = crate::query_text::from_wire(
                bytes,
                est.session.client_charset(),
                est.session.ansi_quotes(),
                est.session.no_backslash_escapes(),
            );
            let Some(prepared) = on_engine(shared, est, move |engine, session| {
                engine.prepare(session, &sql)
            })
            .await
            else {
                return Ok(Flow::Quit);
            };
            match prepared {
                Ok(prepared) => {
                    let max = shared
                        .engine
                        .global_variable("max_prepared_stmt_count")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(statements::MAX_STATEMENTS as u64);
                    write_prepare_ok(est, prepared, caps, max)
                }
                Err(e) => est.io.queue(&err_payload(e.code, e.sql_state, e.message)),
            }
            est.io.flush().await?;
        }
        Command::StmtExecute(body) => {
            Counters::inc(&shared.counters.questions);
            match bind_execute(est, &body) {
                Ok((id, flags, prepared, params)) => {
                    process.set("Execute", None, est.session.database().map(str::to_string));
                    // Only CURSOR_TYPE_READ_ONLY asks for a cursor (MySQL ignores FOR_UPDATE and
                    // SCROLLABLE); a statement without result columns executes as usual.
                    if flags & CURSOR_TYPE_READ_ONLY != 0 && !prepared.columns().is_empty() {
                        return execute_with_cursor(shared, est, id, prepared, params, caps).await;
                    }
                    let Some(inline) = run_inline(
                        est,
                        |e, s| e.execute_prepared_inline(s, &prepared, &params),
                        &shared.engine,
                    ) else {
                        return Ok(Flow::Quit);
                    };
                    let (outcomes, error) = match inline {
                        Some(done) => done,
                        None => {
                            let Some(done) = on_engine_streaming(
                                shared,
                                est,
                                Protocol::Binary,
                                move |engine, session| {
                                    engine.execute_prepared(session, &prepared, &params)
                                },
                            )
                            .await?
                            else {
                                return Ok(Flow::Quit);
                            };
                            done
                        }
                    };
                    write_outcomes(est, outcomes, error, caps, Protocol::Binary).await?;
                }
                Err((code, state, message)) => {
                    est.io.send(&err_payload(code, state, message)).await?
                }
            }
        }
        Command::StmtSendLongData(body) => {
            // No response, per the protocol: problems are reported by the next execute.
            if let Ok(long) = myseal_wire::statement::StmtSendLongData::decode(&body) {
                let max = est.max_packet;
                if let Some(stmt) = est.statements.get_mut(long.statement_id) {
                    let count = stmt.prepared.param_count();
                    stmt.long
                        .append(usize::from(long.param_id), count, &long.data, max);
                }
            }
        }
        Command::StmtClose(id) => est.statements.remove(id),
        Command::StmtReset(id) => match est.statements.get_mut(id) {
            Some(stmt) => {
                stmt.long.clear();
                stmt.cursor = None;
                send_ok(est, 0, 0, "").await?
            }
            None => {
                est.io
                    .send(&err_payload(
                        1243,
                        "HY000",
                        format!(
                            "Unknown prepared statement handler ({id}) given to mysqld_stmt_reset"
                        ),
                    ))
                    .await?
            }
        },
        Command::StmtFetch(body) => {
            // MySQL's processlist says "Fetch" while a cursor's rows are sent.
            process.set("Fetch", None, est.session.database().map(str::to_string));
            return fetch(shared, est, &body, caps).await;
        }
        Command::ProcessKill(id) => {
            use myseal_engine::Processes;
            match shared.processes.kill(id, false, est.info.connection_id) {
                true => {
                    shared.engine.wake_lock_waiters();
                    send_ok(est, 0, 0, "").await?
                }
                false => {
                    est.io
                        .send(&err_payload(
                            1094,
                            "HY000",
                            format!("Unknown thread id: {id}"),
                        ))
                        .await?
                }
            }
        }
        Command::ChangeUser(body) => return change_user(shared, est, &body, process).await,
        _ => {
            est.io
                .send(&err_payload(1047, "08S01", "Unknown command"))
                .await?
        }
    }
    Ok(Flow::Continue)
}

/// Largest file LOAD DATA LOCAL takes (the data is held in memory while it loads).
const MAX_LOCAL_FILE: usize = 1 << 30;

/// LOAD DATA LOCAL: the results before it, the LOCAL INFILE request (0xFB and the file name),
/// the client's file as packets up to an empty one (each read bounded by net_read_timeout),
/// then the load's own result.
async fn local_infile(
    shared: &Arc<Shared>,
    est: &mut Established,
    mut outcomes: Vec<Outcome>,
    caps: Caps,
) -> std::io::Result<Flow> {
    let Some(Outcome::LocalInfile { filename }) = outcomes.pop() else {
        return Ok(Flow::Continue);
    };
    for outcome in outcomes {
        write_outcome(est, outcome, true, caps, Protocol::Text, Vec::new());
    }
    let mut request = vec![0xFB];
    request.extend_from_slice(filename.as_bytes());
    est.io.send(&request).await?;
    let timeout = est
        .session
        .variable("net_read_timeout")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(30);
    let mut data = Vec::new();
    let mut too_large = false;
    loop {
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(timeout.max(1)),
            est.io.read_packet(est.max_packet),
        )
        .await;
        let packet = match read {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                tracing::debug!("LOAD DATA LOCAL: the client's file did not arrive: {e}");
                return Ok(Flow::Quit);
            }
            Err(_) => {
                let _ = est
                    .io
                    .send(&err_payload(
                        1159,
                        "08S01",
                        "Got timeout reading communication packets",
                    ))
                    .await;
                return Ok(Flow::Quit);
            }
        };
        if packet.payload.is_empty() {
            break;
        }
        if data.len() + packet.payload.len() > MAX_LOCAL_FILE {
            too_large = true;
            data = Vec::new();
        }
        if !too_large {
            data.extend_from_slice(&packet.payload);
        }
    }
    if too_large {
        est.io
            .send(&err_payload(
                1153,
                "08S01",
                "Got a packet bigger than 'max_allowed_packet' bytes",
            ))
            .await?;
        return Ok(Flow::Continue);
    }
    let Some((outcomes, error)) = on_engine(shared, est, move |engine, session| {
        engine.load_local_data(session, &data)
    })
    .await
    else {
        return Ok(Flow::Quit);
    };
    write_outcomes(est, outcomes, error, caps, Protocol::Text).await?;
    Ok(Flow::Continue)
}

async fn send_ok(
    est: &mut Established,
    affected: u64,
    last_id: u64,
    info: &str,
) -> std::io::Result<()> {
    let mut out = Vec::new();
    let session_state = tracked_state(est);
    OkPacket {
        affected_rows: affected,
        last_insert_id: last_id,
        status_flags: with_state(status_flags(&est.session, false), &session_state),
        warnings: 0,
        info: info.to_string(),
        session_state,
    }
    .encode(&mut out, est.caps);
    est.io.send(&out).await
}

/// The session-state changes of the command for its last OK packet (CLIENT_SESSION_TRACK):
/// tracker entries as MySQL encodes them; empty, and dropped, for other clients.
fn tracked_state(est: &mut Established) -> Vec<u8> {
    use myseal_engine::TrackedChange;
    use myseal_wire::response::{encode_state_change, StateChange};
    let changes = est.session.take_tracked_changes();
    let mut out = Vec::new();
    if est.caps.contains(Caps::CLIENT_SESSION_TRACK) {
        for c in &changes {
            let change = match c {
                TrackedChange::SystemVariable(name, value) => {
                    StateChange::SystemVariable(name, value)
                }
                TrackedChange::Schema(db) => StateChange::Schema(db),
                TrackedChange::StateChanged => StateChange::StateChanged,
            };
            encode_state_change(&mut out, change);
        }
    }
    out
}

/// `flags` with SERVER_SESSION_STATE_CHANGED when there are changes to report.
fn with_state(flags: StatusFlags, session_state: &[u8]) -> StatusFlags {
    if session_state.is_empty() {
        flags
    } else {
        flags | StatusFlags::SERVER_SESSION_STATE_CHANGED
    }
}

/// Writes the outcomes of one statement run (with SERVER_MORE_RESULTS_EXISTS between them) and the error
/// that stopped it, if any, then flushes.
async fn write_outcomes(
    est: &mut Established,
    outcomes: Vec<Outcome>,
    error: Option<myseal_engine::EngineError>,
    caps: Caps,
    protocol: Protocol,
) -> std::io::Result<()> {
    let n = outcomes.len();
    // The command's session-state changes go with its last result, as one block.
    let mut session_state = tracked_state(est);
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let more = i + 1 < n || error.is_some();
        let state = if more {
            Vec::new()
        } else {
            std::mem::take(&mut session_state)
        };
        write_outcome(est, outcome, more, caps, protocol, state);
        est.io.flush_if_large().await?;
    }
    if let Some(e) = error {
        est.io.queue(&err_payload(e.code, e.sql_state, e.message));
    }
    est.io.flush().await
}

/// COM_STMT_PREPARE response: STMT_PREPARE_OK, parameter definitions, column definitions.
fn write_prepare_ok(
    est: &mut Established,
    prepared: myseal_engine::Prepared,
    caps: Caps,
    max_statements: u64,
) {
    let warnings = est.session.warning_count();
    let num_params = prepared.param_count();
    let charset = est.session.results_collation();
    let columns: Vec<ColumnDefinition41> = prepared
        .columns()
        .iter()
        .map(|c| results::column_definition_in(c, charset))
        .collect();
    let Some(id) = est.statements.insert(prepared, max_statements) else {
        est.io.queue(&err_payload(
            1461,
            "42000",
            format!(
                "Can't create more than max_prepared_stmt_count statements (current value: {max_statements})"
            ),
        ));
        return;
    };
    let mut out = Vec::with_capacity(64);
    myseal_wire::statement::StmtPrepareOk {
        statement_id: id,
        num_columns: u16::try_from(columns.len()).unwrap_or(u16::MAX),
        num_params: u16::try_from(num_params).unwrap_or(u16::MAX),
        warning_count: warnings,
    }
    .encode(&mut out);
    est.io.queue(&out);
    let eof = |est: &mut Established, out: &mut Vec<u8>| {
        if !caps.contains(Caps::CLIENT_DEPRECATE_EOF) {
            out.clear();
            EofPacket {
                warnings: 0,
                status_flags: status_flags(&est.session, false),
            }
            .encode(out);
            est.io.queue(out);
        }
    };
    if num_params > 0 {
        for _ in 0..num_params {
            out.clear();
            ColumnDefinition41 {
                schema: String::new(),
                table: String::new(),
                org_table: String::new(),
                name: "?".to_string(),
                org_name: String::new(),
                character_set: BINARY_CHARSET,
                column_length: 0,
                column_type: ColumnType::VAR_STRING,
                flags: ColumnFlags(0),
                decimals: 0,
            }
            .encode(&mut out);
            est.io.queue(&out);
        }
        eof(est, &mut out);
    }
    if !columns.is_empty() {
        for c in &columns {
            out.clear();
            results::encode_definition(c, charset, &mut out);
            est.io.queue(&out);
        }
        eof(est, &mut out);
    }
}

/// Looks the statement up and decodes the execute packet: its id, cursor flags and
/// parameters. An execute closes the statement's open cursor, as in MySQL.
#[allow(clippy::type_complexity)]
fn bind_execute(
    est: &mut Established,
    body: &[u8],
) -> Result<
    (
        u32,
        u8,
        std::sync::Arc<myseal_engine::Prepared>,
        Vec<myseal_engine::Value>,
    ),
    ErrTriple,
> {
    let malformed = || {
        (
            1210,
            "HY000",
            "Incorrect arguments to mysqld_stmt_execute".to_string(),
        )
    };
    let id = myseal_wire::statement::execute_statement_id(body).map_err(|_| malformed())?;
    let Some(stmt) = est.statements.get_mut(id) else {
        return Err((
            1243,
            "HY000",
            format!("Unknown prepared statement handler ({id}) given to mysqld_stmt_execute"),
        ));
    };
    stmt.cursor = None;
    let mut long = stmt.long.take()?;
    let sent: Vec<bool> = long.iter().map(Option::is_some).collect();
    let exec = myseal_wire::statement::StmtExecute::decode_with_long_data(
        body,
        stmt.prepared.param_count(),
        stmt.types.as_deref(),
        &sent,
    )
    .map_err(|_| malformed())?;
    stmt.types = Some(exec.types.clone());
    let mut params: Vec<_> = exec
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| match long.get_mut(i).and_then(Option::take) {
            Some(data) => myseal_engine::Value::Bytes(data),
            None => statements::param_to_value(p),
        })
        .collect();
    statements::decode_string_params(&mut params, &exec.types, est.session.client_charset());
    Ok((id, exec.flags, stmt.prepared.clone(), params))
}

/// COM_STMT_EXECUTE's `CURSOR_TYPE_READ_ONLY` flag.
const CURSOR_TYPE_READ_ONLY: u8 = 0x01;

/// COM_STMT_EXECUTE with CURSOR_TYPE_READ_ONLY of a statement with result columns: its rows
/// are kept in a [`cursor::Cursor`] on the statement (MySQL's materialized cursor), and the
/// client gets the column count and definitions and one EOF (OK-as-EOF under
/// CLIENT_DEPRECATE_EOF) whose status has SERVER_STATUS_CURSOR_EXISTS, as
/// `Materialized_cursor::open` sends them. An execute that fails gets its error alone; one
/// that ends with no single result set (not expected of a statement with columns) is answered
/// as a plain execute.
async fn execute_with_cursor(
    shared: &Arc<Shared>,
    est: &mut Established,
    id: u32,
    prepared: Arc<myseal_engine::Prepared>,
    params: Vec<myseal_engine::Value>,
    caps: Caps,
) -> std::io::Result<Flow> {
    let tmpdir = shared
        .engine
        .global_variable("tmpdir")
        .filter(|d| !d.is_empty())
        .map_or_else(std::env::temp_dir, std::path::PathBuf::from);
    let Some((outcomes, error, opened)) = on_engine(shared, est, move |engine, session| {
        // MySQL keeps a temporary table in memory up to tmp_table_size, then on disk.
        let limit = session
            .variable("tmp_table_size")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(16 << 20);
        // Rows in character_set_results, as a plain execute sends them.
        let charset = session.results_collation();
        let encoder = || -> cursor::Encoder {
            Box::new(move |columns: &[myseal_engine::Column]| -> cursor::RowFn {
                let enc = results::RowEncoder::new_in(columns, Protocol::Binary, charset);
                Box::new(move |out: &mut Vec<u8>, row: &[myseal_engine::Value]| {
                    enc.encode(out, row)
                })
            })
        };
        let spool = cursor::Spool::new(limit, tmpdir.clone());
        let (sink, slot) = cursor::SpoolSink::new(spool, encoder());
        session.set_row_sink(Box::new(sink));
        let (outcomes, error) = engine.execute_prepared(session, &prepared, &params);
        drop(session.take_row_sink());
        let spooled = std::mem::take(&mut *slot.lock().unwrap_or_else(PoisonError::into_inner));
        let opened = match (&error, outcomes.as_slice()) {
            // The spool could not be written: that is the statement's error.
            (Some(_), _) => spooled.error.map(Err),
            (None, [Outcome::Streamed { .. }]) => Some(spooled.into_cursor()),
            (None, [Outcome::Rows { columns, rows }]) => Some(
                cursor::from_rows(columns, rows, cursor::Spool::new(limit, tmpdir), &encoder())
                    .map(|c| (columns.clone(), c)),
            ),
            (None, _) => None,
        };
        (outcomes, error, opened)
    })
    .await
    else {
        return Ok(Flow::Quit);
    };
    match opened {
        None => write_outcomes(est, outcomes, error, caps, Protocol::Binary).await?,
        Some(Err((code, state, message))) => {
            est.io.send(&err_payload(code, state, message)).await?
        }
        Some(Ok((columns, cursor))) => {
            if let Some(stmt) = est.statements.get_mut(id) {
                stmt.cursor = Some(cursor);
            }
            let flags = status_flags(&est.session, false);
            let charset = est.session.results_collation();
            // The definitions without their own EOF: the one EOF follows them.
            results::header_in(
                &columns,
                caps | Caps::CLIENT_DEPRECATE_EOF,
                flags,
                charset,
                &mut |p| est.io.queue(p),
            );
            let warnings = est.session.warning_count();
            let state = tracked_state(est);
            end_of_rows(
                est,
                caps,
                flags | StatusFlags::SERVER_STATUS_CURSOR_EXISTS,
                warnings,
                state,
            );
            est.io.flush().await?;
        }
    }
    Ok(Flow::Continue)
}

/// How many bytes of rows a fetch reads from a cursor at a time.
const FETCH_BYTES: usize = 64 * 1024;

/// COM_STMT_FETCH: up to `num_rows` rows of the statement's cursor, then an EOF (OK-as-EOF)
/// whose status has SERVER_STATUS_CURSOR_EXISTS, or, when the fetch asked for more rows than
/// were left, SERVER_STATUS_LAST_ROW_SENT and the cursor is closed (`Materialized_cursor::fetch`:
/// a fetch that takes exactly the last rows still says CURSOR_EXISTS, and the next one sends
/// no row and LAST_ROW_SENT). Rows are read and written in chunks, so a fetch of many rows
/// holds only a chunk in memory; a cursor spilled to disk is read on an engine thread.
async fn fetch(
    shared: &Arc<Shared>,
    est: &mut Established,
    body: &[u8],
    caps: Caps,
) -> std::io::Result<Flow> {
    let Ok(f) = myseal_wire::statement::StmtFetch::decode(body) else {
        est.io
            .send(&err_payload(
                1835,
                "HY000",
                "Malformed communication packet.",
            ))
            .await?;
        return Ok(Flow::Continue);
    };
    let id = f.statement_id;
    let Some(stmt) = est.statements.get_mut(id) else {
        est.io
            .send(&err_payload(
                1243,
                "HY000",
                format!("Unknown prepared statement handler ({id}) given to mysqld_stmt_fetch"),
            ))
            .await?;
        return Ok(Flow::Continue);
    };
    let Some(mut cursor) = stmt.cursor.take() else {
        est.io
            .send(&err_payload(
                1421,
                "HY000",
                format!("The statement ({id}) has no open cursor."),
            ))
            .await?;
        return Ok(Flow::Continue);
    };
    let wanted = u64::from(f.num_rows);
    let exhausted = wanted > cursor.remaining();
    let mut left = wanted.min(cursor.remaining());
    while left > 0 {
        let read = if cursor.on_disk() {
            let job = shared.executor.run(move || {
                let batch = cursor.read(left, FETCH_BYTES);
                (batch, cursor)
            });
            match job.await {
                Ok((batch, back)) => {
                    cursor = back;
                    batch
                }
                Err(_) => return Ok(Flow::Quit),
            }
        } else {
            cursor.read(left, FETCH_BYTES)
        };
        let batch = match read {
            Ok(b) if !b.is_empty() => b,
            Ok(_) => break,
            Err(e) => {
                // The cursor's file failed: what was read went out, the cursor is closed.
                est.io.queue(&err_payload(
                    1030,
                    "HY000",
                    format!(
                        "Got error {} - '{e}' from storage engine",
                        e.raw_os_error().unwrap_or(0)
                    ),
                ));
                est.io.flush().await?;
                return Ok(Flow::Continue);
            }
        };
        for p in batch.payloads() {
            est.io.queue(p);
        }
        left -= batch.len() as u64;
        est.io.flush_if_large().await?;
    }
    let mut flags = status_flags(&est.session, false);
    if exhausted {
        flags |= StatusFlags::SERVER_STATUS_LAST_ROW_SENT;
    } else {
        flags |= StatusFlags::SERVER_STATUS_CURSOR_EXISTS;
        if let Some(stmt) = est.statements.get_mut(id) {
            stmt.cursor = Some(cursor);
        }
    }
    let warnings = est.session.warning_count();
    let state = tracked_state(est);
    end_of_rows(est, caps, flags, warnings, state);
    est.io.flush().await?;
    Ok(Flow::Continue)
}

fn write_outcome(
    est: &mut Established,
    outcome: Outcome,
    more: bool,
    caps: Caps,
    protocol: Protocol,
    session_state: Vec<u8>,
) {
    let flags = status_flags(&est.session, more);
    let warning_count = est.session.warning_count();
    let mut out = Vec::with_capacity(128);
    match outcome {
        Outcome::Ok {
            affected_rows,
            last_insert_id,
            warnings,
            info,
        } => {
            OkPacket {
                affected_rows,
                last_insert_id,
                status_flags: with_state(flags, &session_state),
                warnings,
                info,
                session_state,
            }
            .encode(&mut out, caps);
            est.io.queue(&out);
        }
        Outcome::Rows { columns, rows } => {
            let charset = est.session.results_collation();
            results::header_in(&columns, caps, flags, charset, &mut |p| est.io.queue(p));
            let encoder = results::RowEncoder::new_in(&columns, protocol, charset);
            for row in &rows {
                out.clear();
                encoder.encode(&mut out, row);
                est.io.queue(&out);
            }
            end_of_rows(est, caps, flags, warning_count, session_state);
        }
        Outcome::Streamed { .. } => end_of_rows(est, caps, flags, warning_count, session_state),
        // A prepared CALL's OUT parameters, as MySQL's Protocol_binary::send_parameters sends
        // them: only to a client that can take them, with SERVER_PS_OUT_PARAMS and
        // SERVER_MORE_RESULTS_EXISTS on the definitions' EOF and on the OK that ends the row
        // (an EOF-era client gets a plain EOF there, as MySQL sends it). The CALL's OK follows.
        Outcome::OutParams { columns, row, .. } => {
            if protocol != Protocol::Binary || !caps.contains(Caps::CLIENT_PS_MULTI_RESULTS) {
                return;
            }
            let out_flags = status_flags(&est.session, false)
                | StatusFlags::SERVER_PS_OUT_PARAMS
                | StatusFlags::SERVER_MORE_RESULTS_EXISTS;
            let charset = est.session.results_collation();
            results::header_in(&columns, caps, out_flags, charset, &mut |p| est.io.queue(p));
            results::RowEncoder::new_in(&columns, protocol, charset).encode(&mut out, &row);
            est.io.queue(&out);
            let end = if caps.contains(Caps::CLIENT_DEPRECATE_EOF) {
                out_flags
            } else {
                status_flags(&est.session, false)
            };
            end_of_rows(est, caps, end, warning_count, session_state);
        }
        // Answered by `local_infile` (a LOAD DATA LOCAL is the last statement of its text).
        Outcome::LocalInfile { .. } => {}
    }
}

/// The packet that closes a result set's rows: EOF, or an OK with the EOF header when the
/// client deprecated EOF.
/// A session-state block can only ride on the OK form (an EOF packet has no room for it).
fn end_of_rows(
    est: &mut Established,
    caps: Caps,
    flags: StatusFlags,
    warning_count: u16,
    session_state: Vec<u8>,
) {
    let mut out = Vec::with_capacity(16);
    if caps.contains(Caps::CLIENT_DEPRECATE_EOF) {
        OkPacket {
            affected_rows: 0,
            last_insert_id: 0,
            status_flags: with_state(flags, &session_state),
            warnings: warning_count,
            info: String::new(),
            session_state,
        }
        .encode_as_eof(&mut out, caps);
    } else {
        EofPacket {
            warnings: warning_count,
            status_flags: flags,
        }
        .encode(&mut out);
    }
    est.io.queue(&out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v4_mapped_peers_are_reported_as_v4() {
        let ip: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(canonical_ip(ip).to_string(), "127.0.0.1");
        let ip6: IpAddr = "::1".parse().unwrap();
        assert_eq!(canonical_ip(ip6).to_string(), "::1");
    }

    #[test]
    fn describe_never_includes_statement_text() {
        let d = describe(&Command::Query(
            b"create user x identified by 'hunter2'".to_vec(),
        ));
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.starts_with("COM_QUERY CREATE"), "{d}");
    }

    #[test]
    fn server_capabilities_include_what_clients_need() {
        let c = server_capabilities();
        for f in [
            Caps::CLIENT_PROTOCOL_41,
            Caps::CLIENT_PLUGIN_AUTH,
            Caps::CLIENT_SECURE_CONNECTION,
            Caps::CLIENT_DEPRECATE_EOF,
            Caps::CLIENT_CONNECT_WITH_DB,
            Caps::CLIENT_COMPRESS,
            Caps::CLIENT_ZSTD_COMPRESSION_ALGORITHM,
        ] {
            assert!(c.contains(f));
        }
        assert!(!c.contains(Caps::CLIENT_QUERY_ATTRIBUTES));
    }
}
