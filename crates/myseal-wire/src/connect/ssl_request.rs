//! Protocol::SSLRequest: the client's request to switch to TLS.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_ssl_request.html>

use super::FILLER_LEN;
use crate::buf::{put_u32_le, Reader};
use crate::constants::CapabilityFlags;
use crate::error::{Context, WireError};

/// The first 32 bytes of a HandshakeResponse41, sent alone with `CLIENT_SSL` set; the TLS
/// ClientHello follows on the same socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SslRequest {
    /// Client capabilities; includes `CLIENT_SSL`.
    pub capability_flags: CapabilityFlags,
    /// Largest packet the client will send.
    pub max_packet_size: u32,
    /// Client collation id.
    pub character_set: u8,
}

impl SslRequest {
    /// Appends the 32-byte payload: capabilities, max packet size, character set, 23 zero bytes.
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_u32_le(out, self.capability_flags.bits());
        put_u32_le(out, self.max_packet_size);
        out.push(self.character_set);
        out.extend_from_slice(&[0; FILLER_LEN]);
    }

    /// Decodes a 32-byte SSLRequest payload.
    ///
    /// The filler is not checked (MariaDB clients put extended capabilities in its last 4 bytes,
    /// and MySQL ignores it).
    ///
    /// # Errors
    /// `Truncated` below 32 bytes; `TrailingBytes` above (any bytes after an SSLRequest would be
    /// TLS, not part of this packet); `Unsupported` without `CLIENT_PROTOCOL_41`; `Malformed`
    /// without `CLIENT_SSL`.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        let capability_flags = CapabilityFlags(r.u32_le().ctx("capability flags")?);
        if !capability_flags.contains(CapabilityFlags::CLIENT_PROTOCOL_41) {
            return Err(WireError::Unsupported(
                "pre-4.1 client (no CLIENT_PROTOCOL_41)",
            ));
        }
        if !capability_flags.contains(CapabilityFlags::CLIENT_SSL) {
            return Err(WireError::Malformed("SSLRequest without CLIENT_SSL"));
        }
        let max_packet_size = r.u32_le().ctx("max packet size")?;
        let character_set = r.u8().ctx("character set")?;
        r.bytes(FILLER_LEN).ctx("filler")?;
        r.finish("SSLRequest")?;
        Ok(SslRequest {
            capability_flags,
            max_packet_size,
            character_set,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample() -> SslRequest {
        SslRequest {
            capability_flags: CapabilityFlags::CLIENT_PROTOCOL_41
                | CapabilityFlags::CLIENT_SSL
                | CapabilityFlags::CLIENT_SECURE_CONNECTION,
            max_packet_size: 0x0100_0000,
            character_set: 255,
        }
    }

    #[test]
    fn encodes_32_bytes_and_round_trips() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        assert_eq!(out.len(), 32);
        assert_eq!(
            &out[..9],
            [0x00, 0x8A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xFF]
        );
        assert!(out[9..].iter().all(|&b| b == 0));
        assert_eq!(SslRequest::decode(&out).unwrap(), sample());
    }

    #[test]
    fn rejects_truncated_and_overlong_ssl_requests() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        assert_eq!(
            SslRequest::decode(&out[..31]),
            Err(WireError::Truncated { what: "filler" })
        );
        out.push(0x16);
        assert_eq!(
            SslRequest::decode(&out),
            Err(WireError::TrailingBytes {
                what: "SSLRequest",
                count: 1
            })
        );
    }

    #[test]
    fn rejects_a_request_without_client_ssl() {
        let mut req = sample();
        req.capability_flags.remove(CapabilityFlags::CLIENT_SSL);
        let mut out = Vec::new();
        req.encode(&mut out);
        assert!(matches!(
            SslRequest::decode(&out),
            Err(WireError::Malformed(_))
        ));
    }
}
