//! The handshake trace (`--trace-handshake`): one log line per step of a connection, so a person can watch
//! the secure handshake happen. Never logs passwords, scrambles or statement text.
//!
//! The same steps are also [`HandshakeEvent`]s, sent to whoever subscribed with
//! [`crate::Server::handshake_events`] (`myseal demo` prints them as a table): typed, so no one
//! parses log text. A connection that starts while nobody is subscribed builds no events.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use myseal_tls::TlsFault;
use tokio::sync::broadcast;

/// One step of a connection, as [`crate::Server::handshake_events`] reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeEvent {
    /// The connection id (`CONNECTION_ID()`).
    pub conn: u32,
    /// The server port the client connected to.
    pub port: u16,
    /// The TLS fault that port presents, if any.
    pub fault: Option<TlsFault>,
    /// Which step of a secure connection this is.
    pub step: HandshakeStep,
    /// Who acts in this step.
    pub actor: Actor,
    /// What happens, in words (never a password, scramble or statement text).
    pub what: String,
    /// The connection's state after the step.
    pub state: ConnectionState,
    /// Whether certificates are verified at this point, and why (not).
    pub certificates: CertVerification,
}

/// The steps of a secure MySQL connection, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum HandshakeStep {
    /// The client opens the TCP connection.
    ClientConnects,
    /// The server sends its greeting (HandshakeV10), offering SSL or not.
    Greeting,
    /// The client asks for TLS (SSLRequest) and the TLS handshake starts.
    SslRequested,
    /// The server sends its certificate (TLS Certificate message).
    ServerCertificate,
    /// The client sends its certificate, or none.
    ClientCertificate,
    /// The certificates were checked: the client's by the server, the server's by the client.
    CertificatesVerified,
    /// The TLS handshake is complete: everything after it is encrypted.
    EncryptedChannel,
    /// The account is authenticated (or refused).
    Authenticated,
    /// A command from the client (COM_QUERY, COM_PING, ...).
    Query,
    /// The connection ends.
    Close,
}

impl HandshakeStep {
    /// The step's name in the demonstration's table.
    pub fn label(self) -> &'static str {
        match self {
            HandshakeStep::ClientConnects => "client connects",
            HandshakeStep::Greeting => "server greeting",
            HandshakeStep::SslRequested => "SSL handshake requested",
            HandshakeStep::ServerCertificate => "server certificate sent",
            HandshakeStep::ClientCertificate => "client certificate sent",
            HandshakeStep::CertificatesVerified => "certificates verified",
            HandshakeStep::EncryptedChannel => "encrypted channel",
            HandshakeStep::Authenticated => "authenticated",
            HandshakeStep::Query => "query",
            HandshakeStep::Close => "close",
        }
    }
}

/// Who acts in a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// The client.
    Client,
    /// The server.
    Server,
    /// Both ends (the TLS handshake's checks and keys).
    Both,
}

impl Actor {
    /// `client`, `server` or `both`.
    pub fn label(self) -> &'static str {
        match self {
            Actor::Client => "client",
            Actor::Server => "server",
            Actor::Both => "both",
        }
    }
}

/// The state of a connection, as the demonstration's table shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConnectionState {
    /// TCP is open; nothing is encrypted yet.
    Connecting,
    /// The TLS handshake is running.
    TlsHandshake,
    /// TLS is established.
    Encrypted,
    /// The account is authenticated.
    Authenticated,
    /// The connection is closed (normally or refused).
    Closed,
}

impl ConnectionState {
    /// `connecting`, `TLS handshake`, `encrypted`, `authenticated`, `closed`.
    pub fn label(self) -> &'static str {
        match self {
            ConnectionState::Connecting => "connecting",
            ConnectionState::TlsHandshake => "TLS handshake",
            ConnectionState::Encrypted => "encrypted",
            ConnectionState::Authenticated => "authenticated",
            ConnectionState::Closed => "closed",
        }
    }
}

/// Whether certificates are verified at a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertVerification {
    /// Not checked (yet).
    NotYet,
    /// Verified; why it counts as verified.
    Yes(String),
    /// Not verified, or refused; why.
    No(String),
}

impl fmt::Display for CertVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertVerification::NotYet => f.write_str("not yet"),
            CertVerification::Yes(why) => write!(f, "yes: {why}"),
            CertVerification::No(why) => write!(f, "no: {why}"),
        }
    }
}

/// Connection states shown in the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum State {
    Connected,
    GreetingSent,
    SslRequested,
    TlsHandshake,
    TlsEstablished,
    Authenticating,
    Authenticated,
    Ready,
    Command,
    Closed,
    Refused,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Connected => "CONNECTED",
            State::GreetingSent => "GREETING_SENT",
            State::SslRequested => "SSL_REQUESTED",
            State::TlsHandshake => "TLS_HANDSHAKE",
            State::TlsEstablished => "TLS_ESTABLISHED",
            State::Authenticating => "AUTHENTICATING",
            State::Authenticated => "AUTHENTICATED",
            State::Ready => "READY",
            State::Command => "COMMAND",
            State::Closed => "CLOSED",
            State::Refused => "REFUSED",
        }
    }
}

/// Per-connection trace handle; cheap no-op when tracing is off and nobody subscribed.
#[derive(Clone, Debug)]
pub(crate) struct Trace {
    enabled: bool,
    conn: u32,
    port: u16,
    fault: Option<TlsFault>,
    /// Where events go, when someone was subscribed as the connection started, and the last
    /// certificate verdict sent (repeated on later rows).
    events: Option<(
        broadcast::Sender<HandshakeEvent>,
        Arc<Mutex<CertVerification>>,
    )>,
}

impl Trace {
    pub(crate) fn new(
        enabled: bool,
        conn: u32,
        port: u16,
        fault: Option<TlsFault>,
        events: &broadcast::Sender<HandshakeEvent>,
    ) -> Self {
        Trace {
            enabled,
            conn,
            port,
            fault,
            events: (events.receiver_count() > 0).then(|| {
                (
                    events.clone(),
                    Arc::new(Mutex::new(CertVerification::NotYet)),
                )
            }),
        }
    }

    /// Sends one event to the subscribers; `what` is only built when someone listens.
    pub(crate) fn event(
        &self,
        step: HandshakeStep,
        actor: Actor,
        state: ConnectionState,
        certificates: CertVerification,
        what: impl FnOnce() -> String,
    ) {
        if let Some((tx, last)) = &self.events {
            if certificates != CertVerification::NotYet {
                *last.lock().unwrap_or_else(PoisonError::into_inner) = certificates.clone();
            }
            let _ = tx.send(HandshakeEvent {
                conn: self.conn,
                port: self.port,
                fault: self.fault,
                step,
                actor,
                what: what(),
                state,
                certificates,
            });
        }
    }

    /// Whether events are being sent (someone subscribed before the connection started).
    pub(crate) fn watched(&self) -> bool {
        self.events.is_some()
    }

    /// The last certificate verdict sent (`NotYet` before any, or when nobody listens).
    pub(crate) fn certificates(&self) -> CertVerification {
        match &self.events {
            Some((_, last)) => last.lock().unwrap_or_else(PoisonError::into_inner).clone(),
            None => CertVerification::NotYet,
        }
    }

    /// Logs one step. `secure` says whether the channel is encrypted, `verified` whether a client
    /// certificate was verified.
    pub(crate) fn step(
        &self,
        state: State,
        secure: bool,
        verified: bool,
        what: fmt::Arguments<'_>,
    ) {
        if self.enabled {
            tracing::info!(
                target: "myseal::handshake",
                "conn={} state={} tls={} client_cert_verified={} | {}",
                self.conn,
                state.as_str(),
                if secure { "yes" } else { "no" },
                if verified { "yes" } else { "no" },
                what
            );
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.enabled
    }
}
