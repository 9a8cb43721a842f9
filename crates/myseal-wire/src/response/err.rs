//! ERR_Packet.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_err_packet.html>

use crate::buf::{put_u16_le, Reader};
use crate::error::{Context, WireError};

/// Header of an ERR packet.
const HEADER: u8 = 0xFF;
/// Marker before the SQLSTATE (4.1 protocol).
const SQL_STATE_MARKER: u8 = b'#';
/// The generic SQLSTATE MySQL uses for errors without a specific one.
const GENERAL_SQL_STATE: [u8; 5] = *b"HY000";

/// An error reply: MySQL error code, SQLSTATE and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrPacket {
    /// MySQL error code, e.g. 1045 (ER_ACCESS_DENIED_ERROR).
    pub code: u16,
    /// Five-character SQLSTATE, e.g. `28000`.
    pub sql_state: [u8; 5],
    /// Human-readable message, exactly as MySQL words it.
    pub message: String,
}

impl ErrPacket {
    /// Builds an ERR packet; a `sql_state` that is not five ASCII letters or digits becomes
    /// `HY000`.
    pub fn new(code: u16, sql_state: &str, message: impl Into<String>) -> Self {
        let sql_state = match <[u8; 5]>::try_from(sql_state.as_bytes()) {
            Ok(state) if state.iter().all(u8::is_ascii_alphanumeric) => state,
            _ => GENERAL_SQL_STATE,
        };
        ErrPacket {
            code,
            sql_state,
            message: message.into(),
        }
    }

    /// The SQLSTATE as a string.
    pub fn sql_state_str(&self) -> String {
        String::from_utf8_lossy(&self.sql_state).into_owned()
    }

    /// Appends 0xFF, the code, `#`, the SQLSTATE and the message (4.1 format; every client we
    /// accept has `CLIENT_PROTOCOL_41`).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(HEADER);
        put_u16_le(out, self.code);
        out.push(SQL_STATE_MARKER);
        out.extend_from_slice(&self.sql_state);
        out.extend_from_slice(self.message.as_bytes());
    }

    /// Decodes an ERR packet (client side). Without the `#` marker (pre-4.1 format) the SQLSTATE
    /// is `HY000` and everything after the code is the message.
    ///
    /// # Errors
    /// `Malformed` for another header, `Truncated` for short packets.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        if r.u8().ctx("ERR header")? != HEADER {
            return Err(WireError::Malformed("ERR packet must start with 0xFF"));
        }
        let code = r.u16_le().ctx("error code")?;
        let sql_state = if r.peek() == Some(SQL_STATE_MARKER) {
            r.u8().ctx("SQLSTATE marker")?;
            let state = r.bytes(5).ctx("SQLSTATE")?;
            <[u8; 5]>::try_from(state).map_err(|_| WireError::Truncated { what: "SQLSTATE" })?
        } else {
            GENERAL_SQL_STATE
        };
        let message = String::from_utf8_lossy(r.rest()).into_owned();
        Ok(ErrPacket {
            code,
            sql_state,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodes_the_mysql_docs_example() {
        // 17 00 00 01 ff 48 04 23 48 59 30 30 30 4e 6f 20 74 61 62 6c 65 73 20 75 73 65 64
        let err = ErrPacket::new(1096, "HY000", "No tables used");
        let mut out = Vec::new();
        err.encode(&mut out);
        assert_eq!(out, b"\xff\x48\x04#HY000No tables used");
        assert_eq!(ErrPacket::decode(&out).unwrap(), err);
    }

    #[test]
    fn round_trips_an_access_denied_error() {
        let err = ErrPacket::new(
            1045,
            "28000",
            "Access denied for user 'u'@'localhost' (using password: YES)",
        );
        let mut out = Vec::new();
        err.encode(&mut out);
        assert_eq!(ErrPacket::decode(&out).unwrap(), err);
        assert_eq!(err.sql_state_str(), "28000");
    }

    #[test]
    fn replaces_a_bad_sql_state_with_hy000() {
        assert_eq!(&ErrPacket::new(1, "2800", "m").sql_state, b"HY000");
        assert_eq!(&ErrPacket::new(1, "280000", "m").sql_state, b"HY000");
        assert_eq!(&ErrPacket::new(1, "28 00", "m").sql_state, b"HY000");
        assert_eq!(&ErrPacket::new(1, "42S02", "m").sql_state, b"42S02");
    }

    #[test]
    fn decodes_a_pre_41_error_without_sql_state() {
        let err = ErrPacket::decode(b"\xff\x10\x04Too many connections").unwrap();
        assert_eq!(err, ErrPacket::new(1040, "HY000", "Too many connections"));
    }

    #[test]
    fn rejects_other_headers_and_truncation() {
        assert!(matches!(
            ErrPacket::decode(b"\x00\x10\x04"),
            Err(WireError::Malformed(_))
        ));
        assert_eq!(
            ErrPacket::decode(b"\xff\x10"),
            Err(WireError::Truncated { what: "error code" })
        );
        assert_eq!(
            ErrPacket::decode(b"\xff\x10\x04#HY0"),
            Err(WireError::Truncated { what: "SQLSTATE" })
        );
    }
}
