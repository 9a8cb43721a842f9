//! The handshake trace (`--trace-handshake`): one log line per step of a connection, so a person can watch
//! the secure handshake happen. Never logs passwords, scrambles or statement text.

use std::fmt;

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

/// Per-connection trace handle; cheap no-op when tracing is off.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Trace {
    enabled: bool,
    conn: u32,
}

impl Trace {
    pub(crate) fn new(enabled: bool, conn: u32) -> Self {
        Trace { enabled, conn }
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
