//! Protocol::HandshakeResponse41: the client's login packet.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_response.html>

use super::FILLER_LEN;
use crate::buf::{put_lenenc_bytes, put_null_terminated, put_u32_le, Reader};
use crate::constants::CapabilityFlags;
use crate::error::{Context, WireError};

/// The client's handshake response (4.1 protocol), possibly sent inside TLS.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HandshakeResponse41 {
    /// Client capabilities. They decide which of the optional fields are on the wire.
    pub capability_flags: CapabilityFlags,
    /// Largest packet the client will send.
    pub max_packet_size: u32,
    /// Client collation id.
    pub character_set: u8,
    /// Login user name.
    pub username: String,
    /// Auth plugin response (scramble); may be empty.
    pub auth_response: Vec<u8>,
    /// Initial schema, present with `CLIENT_CONNECT_WITH_DB`.
    pub database: Option<String>,
    /// Client auth plugin name, present with `CLIENT_PLUGIN_AUTH`.
    pub auth_plugin_name: Option<String>,
    /// Connection attributes in wire order, present with `CLIENT_CONNECT_ATTRS`.
    pub connect_attrs: Vec<(String, String)>,
    /// zstd compression level, present with `CLIENT_ZSTD_COMPRESSION_ALGORITHM`.
    pub zstd_compression_level: Option<u8>,
}

impl HandshakeResponse41 {
    /// Appends the payload. Which optional fields are written is decided by `capability_flags`
    /// alone, so the layout always matches the flags: a flagged field that is `None` is written
    /// empty (database, plugin name) or, for the zstd level (the last field), omitted.
    ///
    /// The auth response is length-encoded with `CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA`, else
    /// prefixed by one length byte with `CLIENT_SECURE_CONNECTION` (the caller keeps it below 256
    /// bytes; longer input is cut to 255), else NUL-terminated.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let caps = self.capability_flags;
        put_u32_le(out, caps.bits());
        put_u32_le(out, self.max_packet_size);
        out.push(self.character_set);
        out.extend_from_slice(&[0; FILLER_LEN]);
        put_null_terminated(out, self.username.as_bytes());
        if caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) {
            put_lenenc_bytes(out, &self.auth_response);
        } else if caps.contains(CapabilityFlags::CLIENT_SECURE_CONNECTION) {
            let len = self.auth_response.len().min(255);
            out.push(len as u8);
            out.extend_from_slice(self.auth_response.get(..len).unwrap_or_default());
        } else {
            put_null_terminated(out, &self.auth_response);
        }
        if caps.contains(CapabilityFlags::CLIENT_CONNECT_WITH_DB) {
            put_null_terminated(out, self.database.as_deref().unwrap_or_default().as_bytes());
        }
        if caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH) {
            put_null_terminated(
                out,
                self.auth_plugin_name
                    .as_deref()
                    .unwrap_or_default()
                    .as_bytes(),
            );
        }
        if caps.contains(CapabilityFlags::CLIENT_CONNECT_ATTRS) {
            super::put_connect_attrs(out, &self.connect_attrs);
        }
        if caps.contains(CapabilityFlags::CLIENT_ZSTD_COMPRESSION_ALGORITHM) {
            if let Some(level) = self.zstd_compression_level {
                out.push(level);
            }
        }
    }

    /// Decodes a handshake response (the caller has already ruled out an SSLRequest; see
    /// [`super::ClientHandshake::decode`]).
    ///
    /// Lenient where real clients are sloppy and MySQL tolerates it: optional trailing fields
    /// (database, plugin name, attributes, zstd level) absent at the end of the packet decode as
    /// `None` / empty; a missing NUL after the database or plugin name makes the rest of the packet
    /// that string; bytes after the last field are ignored. Strings are decoded lossily as UTF-8.
    /// The user name must be NUL-terminated and the auth response must be present, as in MySQL.
    ///
    /// # Errors
    /// `Unsupported` without `CLIENT_PROTOCOL_41` (HandshakeResponse320); `Truncated` when a
    /// required field is missing or a length exceeds the packet; `Malformed` for a bad
    /// length-encoded integer.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        let caps = CapabilityFlags(r.u32_le().ctx("capability flags")?);
        if !caps.contains(CapabilityFlags::CLIENT_PROTOCOL_41) {
            return Err(WireError::Unsupported(
                "HandshakeResponse320 (client without CLIENT_PROTOCOL_41)",
            ));
        }
        let max_packet_size = r.u32_le().ctx("max packet size")?;
        let character_set = r.u8().ctx("character set")?;
        r.bytes(FILLER_LEN).ctx("filler")?;
        let username = lossy(r.null_terminated().ctx("username")?);
        let auth_response =
            if caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) {
                r.lenenc_bytes().ctx("auth response")?
            } else if caps.contains(CapabilityFlags::CLIENT_SECURE_CONNECTION) {
                let len = r.u8().ctx("auth response")?;
                r.bytes(usize::from(len)).ctx("auth response")?
            } else {
                r.null_terminated().ctx("auth response")?
            }
            .to_vec();
        let database = (caps.contains(CapabilityFlags::CLIENT_CONNECT_WITH_DB) && !r.is_empty())
            .then(|| lossy(r.null_terminated_or_rest()));
        let auth_plugin_name = (caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH)
            && !r.is_empty())
        .then(|| lossy(r.null_terminated_or_rest()));
        let connect_attrs = if caps.contains(CapabilityFlags::CLIENT_CONNECT_ATTRS) && !r.is_empty()
        {
            super::read_connect_attrs(&mut r)?
        } else {
            Vec::new()
        };
        let zstd_compression_level =
            if caps.contains(CapabilityFlags::CLIENT_ZSTD_COMPRESSION_ALGORITHM) {
                r.u8().ok()
            } else {
                None
            };
        Ok(HandshakeResponse41 {
            capability_flags: caps,
            max_packet_size,
            character_set,
            username,
            auth_response,
            database,
            auth_plugin_name,
            connect_attrs,
            zstd_compression_level,
        })
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn full_caps() -> CapabilityFlags {
        CapabilityFlags::CLIENT_PROTOCOL_41
            | CapabilityFlags::CLIENT_SECURE_CONNECTION
            | CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
            | CapabilityFlags::CLIENT_CONNECT_WITH_DB
            | CapabilityFlags::CLIENT_PLUGIN_AUTH
            | CapabilityFlags::CLIENT_CONNECT_ATTRS
            | CapabilityFlags::CLIENT_ZSTD_COMPRESSION_ALGORITHM
            | CapabilityFlags::CLIENT_SSL
    }

    fn sample() -> HandshakeResponse41 {
        HandshakeResponse41 {
            capability_flags: full_caps(),
            max_packet_size: 16 << 20,
            character_set: 255,
            username: "root".into(),
            auth_response: (0..32).collect(),
            database: Some("test".into()),
            auth_plugin_name: Some("caching_sha2_password".into()),
            connect_attrs: vec![
                ("_client_name".into(), "libmysql".into()),
                ("_os".into(), "Linux".into()),
                ("program_name".into(), "x".repeat(300)),
            ],
            zstd_compression_level: Some(3),
        }
    }

    fn encoded(msg: &HandshakeResponse41) -> Vec<u8> {
        let mut out = Vec::new();
        msg.encode(&mut out);
        out
    }

    #[test]
    fn round_trips_with_every_optional_field() {
        assert_eq!(
            HandshakeResponse41::decode(&encoded(&sample())).unwrap(),
            sample()
        );
    }

    #[test]
    fn round_trips_each_auth_response_encoding() {
        for caps in [
            CapabilityFlags::CLIENT_PROTOCOL_41
                | CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA,
            CapabilityFlags::CLIENT_PROTOCOL_41 | CapabilityFlags::CLIENT_SECURE_CONNECTION,
            CapabilityFlags::CLIENT_PROTOCOL_41,
        ] {
            let msg = HandshakeResponse41 {
                capability_flags: caps,
                username: "u".into(),
                auth_response: b"scramble".to_vec(),
                ..Default::default()
            };
            assert_eq!(
                HandshakeResponse41::decode(&encoded(&msg)).unwrap(),
                msg,
                "{caps:?}"
            );
        }
    }

    #[test]
    fn writes_the_one_byte_auth_length_of_secure_connection() {
        let msg = HandshakeResponse41 {
            capability_flags: CapabilityFlags::CLIENT_PROTOCOL_41
                | CapabilityFlags::CLIENT_SECURE_CONNECTION,
            username: "u".into(),
            auth_response: vec![0xAA; 20],
            ..Default::default()
        };
        let out = encoded(&msg);
        assert_eq!(&out[32..35], [b'u', 0, 20]);
        assert_eq!(out.len(), 35 + 20);
    }

    #[test]
    fn decodes_absent_trailing_optional_fields_as_none() {
        let mut msg = sample();
        msg.database = None;
        msg.auth_plugin_name = None;
        msg.connect_attrs.clear();
        msg.zstd_compression_level = None;
        let mut out = Vec::new();
        // Only the mandatory part, although the flags announce every optional field.
        let full = encoded(&sample());
        let mandatory_len = 32 + 5 + 1 + 32;
        out.extend_from_slice(&full[..mandatory_len]);
        assert_eq!(HandshakeResponse41::decode(&out).unwrap(), msg);
    }

    #[test]
    fn accepts_a_plugin_name_without_trailing_nul() {
        let msg = HandshakeResponse41 {
            capability_flags: CapabilityFlags::CLIENT_PROTOCOL_41
                | CapabilityFlags::CLIENT_SECURE_CONNECTION
                | CapabilityFlags::CLIENT_PLUGIN_AUTH,
            username: "u".into(),
            auth_plugin_name: Some("mysql_native_password".into()),
            ..Default::default()
        };
        let mut out = encoded(&msg);
        assert_eq!(out.pop(), Some(0));
        assert_eq!(HandshakeResponse41::decode(&out).unwrap(), msg);
    }

    #[test]
    fn rejects_pre_41_clients() {
        let mut out = encoded(&sample());
        out[1] &= !0x02; // clear CLIENT_PROTOCOL_41 (bit 9)
        assert!(matches!(
            HandshakeResponse41::decode(&out),
            Err(WireError::Unsupported(_))
        ));
    }

    #[test]
    fn rejects_lengths_that_exceed_the_packet() {
        let msg = HandshakeResponse41 {
            capability_flags: CapabilityFlags::CLIENT_PROTOCOL_41
                | CapabilityFlags::CLIENT_SECURE_CONNECTION,
            username: "u".into(),
            auth_response: vec![1; 20],
            ..Default::default()
        };
        let out = encoded(&msg);
        assert_eq!(
            HandshakeResponse41::decode(&out[..out.len() - 1]),
            Err(WireError::Truncated {
                what: "auth response"
            })
        );
        let mut attrs = encoded(&sample());
        let zstd = attrs.pop();
        assert_eq!(zstd, Some(3));
        attrs.pop(); // cut the last attribute value short
        assert_eq!(
            HandshakeResponse41::decode(&attrs),
            Err(WireError::Truncated {
                what: "connection attributes"
            })
        );
    }

    #[test]
    fn rejects_a_user_name_without_nul() {
        let mut out = encoded(&sample());
        out.truncate(34); // "ro"
        assert_eq!(
            HandshakeResponse41::decode(&out),
            Err(WireError::Truncated { what: "username" })
        );
    }

    #[test]
    fn replaces_invalid_utf8_in_strings() {
        let mut out = encoded(&HandshakeResponse41 {
            capability_flags: CapabilityFlags::CLIENT_PROTOCOL_41
                | CapabilityFlags::CLIENT_SECURE_CONNECTION,
            username: "ab".into(),
            ..Default::default()
        });
        out[32] = 0xFF;
        assert_eq!(
            HandshakeResponse41::decode(&out).unwrap().username,
            "\u{FFFD}b"
        );
    }
}
