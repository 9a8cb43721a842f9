//! The one error type of this crate.

/// Everything that can go wrong while framing or decoding MySQL protocol messages.
///
/// Decoders of untrusted bytes return these instead of panicking. The session layer maps them to
/// the MySQL error a real server would send (usually ER_HANDSHAKE_ERROR 1043 during the connection
/// phase, ER_MALFORMED_PACKET 1835 / ER_UNKNOWN_COM_ERROR 1047 later) or drops the connection.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum WireError {
    /// The payload ended before `what` could be read completely.
    #[error("truncated packet: not enough bytes for {what}")]
    Truncated {
        /// The field or primitive that could not be read.
        what: &'static str,
    },
    /// A logical packet declares a payload larger than the configured maximum.
    #[error("packet of {size} bytes is larger than the maximum of {max} bytes")]
    PacketTooLarge {
        /// Payload size declared by the chunk headers seen so far.
        size: usize,
        /// The configured maximum (`max_allowed_packet`).
        max: usize,
    },
    /// A continuation chunk of a large packet carries an unexpected sequence id.
    #[error("packets out of order: expected sequence id {expected}, got {got}")]
    PacketsOutOfSync {
        /// The sequence id that should have followed the previous chunk.
        expected: u8,
        /// The sequence id found in the chunk header.
        got: u8,
    },
    /// The bytes do not form a valid message (wrong header byte, invalid encoding, ...).
    #[error("malformed packet: {0}")]
    Malformed(&'static str),
    /// A fixed-layout message was followed by `count` unexpected bytes.
    #[error("{count} unexpected trailing byte(s) after {what}")]
    TrailingBytes {
        /// The message that should have ended.
        what: &'static str,
        /// How many bytes were left over.
        count: usize,
    },
    /// A valid but unsupported protocol variant (e.g. the pre-4.1 HandshakeResponse320).
    #[error("unsupported: {0}")]
    Unsupported(&'static str),
}

/// Renames the field of a [`WireError::Truncated`] so errors name the message field rather than
/// the primitive that ran out of bytes.
pub(crate) trait Context {
    /// Replaces `what` of a `Truncated` error; other errors pass through unchanged.
    fn ctx(self, what: &'static str) -> Self;
}

impl<T> Context for Result<T, WireError> {
    fn ctx(self, what: &'static str) -> Self {
        self.map_err(|e| match e {
            WireError::Truncated { .. } => WireError::Truncated { what },
            other => other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_renames_only_truncated_errors() {
        let t: Result<(), WireError> = Err(WireError::Truncated { what: "u8" });
        assert_eq!(
            t.ctx("header"),
            Err(WireError::Truncated { what: "header" })
        );
        let m: Result<(), WireError> = Err(WireError::Malformed("x"));
        assert_eq!(m.ctx("header"), Err(WireError::Malformed("x")));
    }

    #[test]
    fn errors_display_their_details() {
        let e = WireError::PacketTooLarge { size: 10, max: 5 };
        assert_eq!(
            e.to_string(),
            "packet of 10 bytes is larger than the maximum of 5 bytes"
        );
        let e = WireError::PacketsOutOfSync {
            expected: 1,
            got: 3,
        };
        assert_eq!(
            e.to_string(),
            "packets out of order: expected sequence id 1, got 3"
        );
    }
}
