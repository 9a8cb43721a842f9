//! OK_Packet.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html>

use crate::buf::{put_lenenc_bytes, put_lenenc_int, put_u16_le, Reader};
use crate::constants::{CapabilityFlags, StatusFlags};
use crate::error::{Context, WireError};

/// Header of an OK packet.
const OK_HEADER: u8 = 0x00;
/// Header of an OK packet that ends a result set under `CLIENT_DEPRECATE_EOF`.
const EOF_HEADER: u8 = 0xFE;

/// Successful completion of a command.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OkPacket {
    /// Rows changed by the statement.
    pub affected_rows: u64,
    /// `LAST_INSERT_ID()` of the statement, 0 when none.
    pub last_insert_id: u64,
    /// Server status flags.
    pub status_flags: StatusFlags,
    /// Number of warnings (`SHOW WARNINGS`).
    pub warnings: u16,
    /// Human-readable info, e.g. `Rows matched: 1  Changed: 1  Warnings: 0`; usually empty.
    pub info: String,
    /// Session-state tracker entries (see [`encode_state_change`]), sent with
    /// `CLIENT_SESSION_TRACK` when `status_flags` has `SERVER_SESSION_STATE_CHANGED`.
    pub session_state: Vec<u8>,
}

/// One session-state change a client is told about in an OK packet (`CLIENT_SESSION_TRACK`).
/// <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_ok_packet.html>
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChange<'a> {
    /// SESSION_TRACK_SYSTEM_VARIABLES (0x00): a tracked system variable and its new value.
    SystemVariable(&'a str, &'a str),
    /// SESSION_TRACK_SCHEMA (0x01): the new current database.
    Schema(&'a str),
    /// SESSION_TRACK_STATE_CHANGE (0x02): something in the session state changed.
    StateChanged,
}

/// Appends one tracker entry: type byte, length-encoded length of the data, the data.
pub fn encode_state_change(out: &mut Vec<u8>, change: StateChange<'_>) {
    let mut data = Vec::new();
    let kind = match change {
        StateChange::SystemVariable(name, value) => {
            put_lenenc_bytes(&mut data, name.as_bytes());
            put_lenenc_bytes(&mut data, value.as_bytes());
            0x00
        }
        StateChange::Schema(schema) => {
            put_lenenc_bytes(&mut data, schema.as_bytes());
            0x01
        }
        StateChange::StateChanged => {
            put_lenenc_bytes(&mut data, b"1");
            0x02
        }
    };
    out.push(kind);
    put_lenenc_bytes(out, &data);
}

impl OkPacket {
    /// Appends an OK packet with header 0x00.
    ///
    /// Layout as MySQL 8.4's `net_send_ok`: affected rows and last insert id (length-encoded);
    /// with `CLIENT_PROTOCOL_41` status and warnings (`int<2>` each), else with
    /// `CLIENT_TRANSACTIONS` status only; then the info as a length-encoded string, written when
    /// it is not empty or a session-state block follows; with `CLIENT_SESSION_TRACK` and
    /// `SERVER_SESSION_STATE_CHANGED`, the session-state entries as a length-encoded string.
    pub fn encode(&self, out: &mut Vec<u8>, caps: CapabilityFlags) {
        self.encode_with_header(out, caps, OK_HEADER);
    }

    /// Appends the same packet with header 0xFE: the end of a result set when the client set
    /// `CLIENT_DEPRECATE_EOF` (the caller checks that flag).
    pub fn encode_as_eof(&self, out: &mut Vec<u8>, caps: CapabilityFlags) {
        self.encode_with_header(out, caps, EOF_HEADER);
    }

    fn encode_with_header(&self, out: &mut Vec<u8>, caps: CapabilityFlags, header: u8) {
        out.push(header);
        put_lenenc_int(out, self.affected_rows);
        put_lenenc_int(out, self.last_insert_id);
        if caps.contains(CapabilityFlags::CLIENT_PROTOCOL_41) {
            put_u16_le(out, self.status_flags.bits());
            put_u16_le(out, self.warnings);
        } else if caps.contains(CapabilityFlags::CLIENT_TRANSACTIONS) {
            put_u16_le(out, self.status_flags.bits());
        }
        let state = caps.contains(CapabilityFlags::CLIENT_SESSION_TRACK)
            && self
                .status_flags
                .contains(StatusFlags::SERVER_SESSION_STATE_CHANGED);
        if !self.info.is_empty() || state {
            put_lenenc_bytes(out, self.info.as_bytes());
        }
        if state {
            put_lenenc_bytes(out, &self.session_state);
        }
    }

    /// Decodes an OK packet with header 0x00 or 0xFE (client side).
    ///
    /// Like libmysql's `read_ok_ex`, the info is a length-encoded string when any bytes follow the
    /// status, and a session-state block (only with `CLIENT_SESSION_TRACK` and
    /// `SERVER_SESSION_STATE_CHANGED`) and any further bytes are ignored.
    ///
    /// # Errors
    /// `Malformed` for another header, `Truncated` for short packets.
    pub fn decode(payload: &[u8], caps: CapabilityFlags) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        let header = r.u8().ctx("OK header")?;
        if header != OK_HEADER && header != EOF_HEADER {
            return Err(WireError::Malformed(
                "OK packet must start with 0x00 or 0xFE",
            ));
        }
        let affected_rows = r.lenenc_int().ctx("affected rows")?;
        let last_insert_id = r.lenenc_int().ctx("last insert id")?;
        let (status_flags, warnings) = if caps.contains(CapabilityFlags::CLIENT_PROTOCOL_41) {
            (
                StatusFlags(r.u16_le().ctx("status flags")?),
                r.u16_le().ctx("warnings")?,
            )
        } else if caps.contains(CapabilityFlags::CLIENT_TRANSACTIONS) {
            (StatusFlags(r.u16_le().ctx("status flags")?), 0)
        } else {
            (StatusFlags::default(), 0)
        };
        let info = if r.is_empty() {
            String::new()
        } else {
            String::from_utf8_lossy(r.lenenc_bytes().ctx("info")?).into_owned()
        };
        let session_state = if caps.contains(CapabilityFlags::CLIENT_SESSION_TRACK)
            && status_flags.contains(StatusFlags::SERVER_SESSION_STATE_CHANGED)
            && !r.is_empty()
        {
            r.lenenc_bytes().ctx("session state")?.to_vec()
        } else {
            Vec::new()
        };
        Ok(OkPacket {
            affected_rows,
            last_insert_id,
            status_flags,
            warnings,
            info,
            session_state,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const CAPS: CapabilityFlags = CapabilityFlags(
        CapabilityFlags::CLIENT_PROTOCOL_41.0 | CapabilityFlags::CLIENT_TRANSACTIONS.0,
    );
    const CAPS_TRACK: CapabilityFlags =
        CapabilityFlags(CAPS.0 | CapabilityFlags::CLIENT_SESSION_TRACK.0);

    fn encoded(ok: &OkPacket, caps: CapabilityFlags) -> Vec<u8> {
        let mut out = Vec::new();
        ok.encode(&mut out, caps);
        out
    }

    #[test]
    fn encodes_a_plain_ok_in_seven_bytes_like_mysql() {
        let ok = OkPacket {
            status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT,
            ..Default::default()
        };
        // What MySQL 8.4 sends for `SET @a = 1` with and without CLIENT_SESSION_TRACK.
        assert_eq!(
            encoded(&ok, CAPS),
            [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]
        );
        assert_eq!(
            encoded(&ok, CAPS_TRACK),
            [0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]
        );
    }

    #[test]
    fn writes_info_length_encoded_with_or_without_session_track() {
        let ok = OkPacket {
            affected_rows: 1,
            last_insert_id: 300,
            status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT,
            warnings: 2,
            info: "Rows matched: 1  Changed: 1  Warnings: 0".into(),
            session_state: Vec::new(),
        };
        for caps in [CAPS, CAPS_TRACK] {
            let out = encoded(&ok, caps);
            assert_eq!(
                &out[..10],
                [0x00, 0x01, 0xFC, 0x2C, 0x01, 0x02, 0x00, 0x02, 0x00, 40]
            );
            assert_eq!(&out[10..], ok.info.as_bytes());
            assert_eq!(OkPacket::decode(&out, caps).unwrap(), ok);
        }
    }

    #[test]
    fn decodes_captured_ok_packets_with_session_state() {
        // From mysql_common's test suite: MySQL sends an empty info before session-state data.
        let schema_changed = b"\x00\x00\x00\x02\x40\x00\x00\x00\x07\x01\x05\x04test";
        let ok = OkPacket::decode(schema_changed, CAPS_TRACK).unwrap();
        let mut schema = Vec::new();
        encode_state_change(&mut schema, StateChange::Schema("test"));
        assert_eq!(
            ok,
            OkPacket {
                status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT
                    | StatusFlags::SERVER_SESSION_STATE_CHANGED,
                session_state: schema,
                ..Default::default()
            }
        );
        // ... and encodes it byte for byte.
        let mut again = Vec::new();
        ok.encode(&mut again, CAPS_TRACK);
        assert_eq!(again, schema_changed);
        let plain = OkPacket::decode(b"\x00\x01\x00\x02\x00\x00\x00", CAPS).unwrap();
        assert_eq!(plain.affected_rows, 1);
        assert_eq!(plain.status_flags, StatusFlags::SERVER_STATUS_AUTOCOMMIT);
    }

    #[test]
    fn round_trips_as_eof_with_header_fe() {
        let ok = OkPacket {
            status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT
                | StatusFlags::SERVER_MORE_RESULTS_EXISTS,
            warnings: 1,
            ..Default::default()
        };
        let mut out = Vec::new();
        ok.encode_as_eof(&mut out, CAPS_TRACK);
        assert_eq!(out, [0xFE, 0x00, 0x00, 0x0A, 0x00, 0x01, 0x00]);
        assert_eq!(OkPacket::decode(&out, CAPS_TRACK).unwrap(), ok);
    }

    #[test]
    fn round_trips_without_protocol_41() {
        let ok = OkPacket {
            affected_rows: 5,
            status_flags: StatusFlags(2),
            ..Default::default()
        };
        let transactions = CapabilityFlags::CLIENT_TRANSACTIONS;
        assert_eq!(encoded(&ok, transactions), [0x00, 0x05, 0x00, 0x02, 0x00]);
        assert_eq!(
            OkPacket::decode(&encoded(&ok, transactions), transactions).unwrap(),
            ok
        );
        let bare = OkPacket {
            affected_rows: 5,
            ..Default::default()
        };
        assert_eq!(
            encoded(&bare, CapabilityFlags::default()),
            [0x00, 0x05, 0x00]
        );
    }

    #[test]
    fn rejects_other_headers_and_truncation() {
        assert!(matches!(
            OkPacket::decode(&[0xFF, 0, 0, 0, 0, 0, 0], CAPS),
            Err(WireError::Malformed(_))
        ));
        assert_eq!(
            OkPacket::decode(&[0x00, 0x00, 0x00, 0x02], CAPS),
            Err(WireError::Truncated {
                what: "status flags"
            })
        );
        assert_eq!(
            OkPacket::decode(
                &[0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, b'a'],
                CAPS
            ),
            Err(WireError::Truncated { what: "info" })
        );
    }
}
