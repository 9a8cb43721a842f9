//! Protocol::HandshakeV10, the server greeting.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html>

use crate::buf::{put_null_terminated, put_u16_le, put_u32_le, Reader};
use crate::constants::{CapabilityFlags, StatusFlags};
use crate::error::{Context, WireError};

/// Protocol version byte that starts every greeting.
const PROTOCOL_VERSION: u8 = 10;
/// Length of auth-plugin-data part 1.
const PART1_LEN: usize = 8;
/// MySQL sends the 20-byte nonce plus its trailing NUL, and says so: 21.
const AUTH_PLUGIN_DATA_LEN: u8 = 21;
/// Reserved zero bytes after auth_plugin_data_len.
const RESERVED_LEN: usize = 10;

/// The initial greeting the server sends on connect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeV10 {
    /// Human-readable server version, e.g. `8.4.3`. Must not contain NUL.
    pub server_version: String,
    /// Connection (thread) id, as returned by `CONNECTION_ID()`.
    pub connection_id: u32,
    /// The 20-byte nonce (scramble) the auth plugins use.
    pub auth_plugin_data: [u8; 20],
    /// Capabilities the server offers.
    pub capability_flags: CapabilityFlags,
    /// Server default collation id (low byte).
    pub character_set: u8,
    /// Server status flags.
    pub status_flags: StatusFlags,
    /// Default authentication plugin, e.g. `caching_sha2_password`.
    pub auth_plugin_name: String,
}

impl HandshakeV10 {
    /// Appends the payload byte-exactly as MySQL 8.4 writes it: 0x0a, version NUL, connection id,
    /// nonce part 1 (8 bytes), filler 0x00, capabilities low 16 bits, character set, status,
    /// capabilities high 16 bits, auth_plugin_data_len = 21, 10 zero bytes, nonce part 2 (12 bytes)
    /// plus a NUL, plugin name NUL.
    ///
    /// The layout does not depend on `capability_flags` (MySQL always offers
    /// `CLIENT_SECURE_CONNECTION` and `CLIENT_PLUGIN_AUTH`).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let caps = self.capability_flags.bits();
        let (part1, part2) = self.auth_plugin_data.split_at(PART1_LEN);
        out.push(PROTOCOL_VERSION);
        put_null_terminated(out, self.server_version.as_bytes());
        put_u32_le(out, self.connection_id);
        out.extend_from_slice(part1);
        out.push(0);
        put_u16_le(out, (caps & 0xFFFF) as u16);
        out.push(self.character_set);
        put_u16_le(out, self.status_flags.bits());
        put_u16_le(out, (caps >> 16) as u16);
        out.push(AUTH_PLUGIN_DATA_LEN);
        out.extend_from_slice(&[0; RESERVED_LEN]);
        put_null_terminated(out, part2);
        put_null_terminated(out, self.auth_plugin_name.as_bytes());
    }

    /// Decodes a greeting (client side; used to cross-check [`HandshakeV10::encode`]).
    ///
    /// Nonce part 2 is `max(13, auth_plugin_data_len - 8)` bytes, of which the first 12 complete
    /// the nonce. A missing NUL after the plugin name (a known MySQL 5.5 bug) is accepted.
    ///
    /// # Errors
    /// [`WireError::Unsupported`] for a protocol version other than 10 or a server without
    /// `CLIENT_SECURE_CONNECTION` (no 20-byte nonce); `Truncated` for short payloads.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        if r.u8().ctx("protocol version")? != PROTOCOL_VERSION {
            return Err(WireError::Unsupported(
                "handshake protocol version other than 10",
            ));
        }
        let server_version = r.null_terminated().ctx("server version")?;
        let connection_id = r.u32_le().ctx("connection id")?;
        let part1 = r.bytes(PART1_LEN).ctx("auth-plugin-data part 1")?;
        r.u8().ctx("filler")?;
        let caps_lo = r.u16_le().ctx("capability flags")?;
        let character_set = r.u8().ctx("character set")?;
        let status = r.u16_le().ctx("status flags")?;
        let caps_hi = r.u16_le().ctx("capability flags")?;
        let capability_flags = CapabilityFlags(u32::from(caps_lo) | u32::from(caps_hi) << 16);
        let data_len = r.u8().ctx("auth_plugin_data_len")?;
        r.bytes(RESERVED_LEN).ctx("reserved")?;
        if !capability_flags.contains(CapabilityFlags::CLIENT_SECURE_CONNECTION) {
            return Err(WireError::Unsupported(
                "HandshakeV10 without CLIENT_SECURE_CONNECTION",
            ));
        }
        let part2_len = usize::from(data_len).saturating_sub(PART1_LEN).max(13);
        let part2 = r.bytes(part2_len).ctx("auth-plugin-data part 2")?;
        let mut auth_plugin_data = [0u8; 20];
        let (dst1, dst2) = auth_plugin_data.split_at_mut(PART1_LEN);
        dst1.copy_from_slice(part1);
        dst2.copy_from_slice(part2.get(..12).ok_or(WireError::Truncated {
            what: "auth-plugin-data part 2",
        })?);
        let auth_plugin_name = if capability_flags.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH) {
            String::from_utf8_lossy(r.null_terminated_or_rest()).into_owned()
        } else {
            String::new()
        };
        Ok(HandshakeV10 {
            server_version: String::from_utf8_lossy(server_version).into_owned(),
            connection_id,
            auth_plugin_data,
            capability_flags,
            character_set,
            status_flags: StatusFlags(status),
            auth_plugin_name,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    pub(crate) fn sample() -> HandshakeV10 {
        HandshakeV10 {
            server_version: "8.4.3".into(),
            connection_id: 0x0102_0304,
            auth_plugin_data: *b"ABCDEFGHIJKLMNOPQRST",
            capability_flags: CapabilityFlags(0xDFFF_FFFF),
            character_set: 255,
            status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT,
            auth_plugin_name: "caching_sha2_password".into(),
        }
    }

    #[test]
    fn encodes_byte_exactly_like_the_mysql_docs_layout() {
        let mut expected: Vec<u8> = vec![0x0a];
        expected.extend_from_slice(b"8.4.3\0");
        expected.extend_from_slice(&[0x04, 0x03, 0x02, 0x01]); // connection id
        expected.extend_from_slice(b"ABCDEFGH"); // auth-plugin-data-part-1
        expected.push(0x00); // filler
        expected.extend_from_slice(&[0xFF, 0xFF]); // capability flags, lower 2 bytes
        expected.push(0xFF); // character set
        expected.extend_from_slice(&[0x02, 0x00]); // status flags
        expected.extend_from_slice(&[0xFF, 0xDF]); // capability flags, upper 2 bytes
        expected.push(0x15); // auth_plugin_data_len = 21
        expected.extend_from_slice(&[0; 10]); // reserved
        expected.extend_from_slice(b"IJKLMNOPQRST\0"); // auth-plugin-data-part-2
        expected.extend_from_slice(b"caching_sha2_password\0");

        let mut out = Vec::new();
        sample().encode(&mut out);
        assert_eq!(out, expected);
        assert_eq!(
            out.len(),
            1 + 6 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 10 + 13 + 22
        );
    }

    #[test]
    fn re_encodes_a_captured_mysql_greeting_byte_for_byte() {
        // A MySQL 5.6 greeting from mysql_common's test suite (same layout as 8.4's).
        const CAPTURED: &[u8] =
            b"\x0a5.6.4-m7-log\x00\x56\x0a\x00\x00RB3vz&Gr\x00\xff\xff\x08\x02\x00\
            \x0f\xc0\x15\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00+yD&/ZZ305ZG\x00\
            mysql_native_password\x00";
        let greeting = HandshakeV10::decode(CAPTURED).unwrap();
        assert_eq!(
            greeting,
            HandshakeV10 {
                server_version: "5.6.4-m7-log".into(),
                connection_id: 0x0a56,
                auth_plugin_data: *b"RB3vz&Gr+yD&/ZZ305ZG",
                capability_flags: CapabilityFlags(0xc00f_ffff),
                character_set: 8,
                status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT,
                auth_plugin_name: "mysql_native_password".into(),
            }
        );
        let mut out = Vec::new();
        greeting.encode(&mut out);
        assert_eq!(out, CAPTURED);
    }

    #[test]
    fn round_trips() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        assert_eq!(HandshakeV10::decode(&out).unwrap(), sample());
    }

    #[test]
    fn decodes_a_plugin_name_without_trailing_nul() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        out.pop();
        assert_eq!(
            HandshakeV10::decode(&out).unwrap().auth_plugin_name,
            "caching_sha2_password"
        );
    }

    #[test]
    fn rejects_other_protocol_versions_and_truncation() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        let mut v9 = out.clone();
        v9[0] = 9;
        assert!(matches!(
            HandshakeV10::decode(&v9),
            Err(WireError::Unsupported(_))
        ));
        assert_eq!(
            HandshakeV10::decode(&out[..20]),
            Err(WireError::Truncated {
                what: "capability flags"
            })
        );
        assert!(HandshakeV10::decode(&[]).is_err());
    }
}
