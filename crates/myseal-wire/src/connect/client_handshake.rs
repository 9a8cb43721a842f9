//! The first packet a client sends: SSLRequest or HandshakeResponse41.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html>

use super::{HandshakeResponse41, SslRequest, FIXED_HEADER_LEN};
use crate::buf::Reader;
use crate::constants::CapabilityFlags;
use crate::error::{Context, WireError};

/// What the client answered to the greeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientHandshake {
    /// The client wants TLS; the TLS handshake follows on the same socket.
    SslRequest(SslRequest),
    /// A full login packet (in plain text, or the second packet after TLS).
    Response(HandshakeResponse41),
}

impl ClientHandshake {
    /// Tells an SSLRequest from a HandshakeResponse41 and decodes it: a payload of exactly 32
    /// bytes with `CLIENT_SSL` is an SSLRequest (the full response re-sent inside TLS also has
    /// `CLIENT_SSL` but is longer).
    ///
    /// # Errors
    /// `Unsupported` without `CLIENT_PROTOCOL_41` (HandshakeResponse320 is not supported);
    /// otherwise as [`HandshakeResponse41::decode`].
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let caps = CapabilityFlags(Reader::new(payload).u32_le().ctx("capability flags")?);
        if !caps.contains(CapabilityFlags::CLIENT_PROTOCOL_41) {
            return Err(WireError::Unsupported(
                "HandshakeResponse320 (client without CLIENT_PROTOCOL_41)",
            ));
        }
        if payload.len() == FIXED_HEADER_LEN && caps.contains(CapabilityFlags::CLIENT_SSL) {
            SslRequest::decode(payload).map(ClientHandshake::SslRequest)
        } else {
            HandshakeResponse41::decode(payload).map(ClientHandshake::Response)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const CAPS: CapabilityFlags = CapabilityFlags(
        CapabilityFlags::CLIENT_PROTOCOL_41.0
            | CapabilityFlags::CLIENT_SECURE_CONNECTION.0
            | CapabilityFlags::CLIENT_SSL.0,
    );

    #[test]
    fn a_32_byte_packet_with_client_ssl_is_an_ssl_request() {
        let req = SslRequest {
            capability_flags: CAPS,
            max_packet_size: 1 << 24,
            character_set: 45,
        };
        let mut out = Vec::new();
        req.encode(&mut out);
        assert_eq!(
            ClientHandshake::decode(&out).unwrap(),
            ClientHandshake::SslRequest(req)
        );
    }

    #[test]
    fn the_response_resent_inside_tls_is_a_response() {
        let resp = HandshakeResponse41 {
            capability_flags: CAPS,
            max_packet_size: 1 << 24,
            character_set: 45,
            username: "root".into(),
            ..Default::default()
        };
        let mut out = Vec::new();
        resp.encode(&mut out);
        assert_eq!(
            ClientHandshake::decode(&out).unwrap(),
            ClientHandshake::Response(resp)
        );
    }

    #[test]
    fn a_response_without_ssl_is_a_response() {
        let resp = HandshakeResponse41 {
            capability_flags: CapabilityFlags::CLIENT_PROTOCOL_41,
            username: "root".into(),
            auth_response: b"pw".to_vec(),
            ..Default::default()
        };
        let mut out = Vec::new();
        resp.encode(&mut out);
        assert_eq!(
            ClientHandshake::decode(&out).unwrap(),
            ClientHandshake::Response(resp)
        );
    }

    #[test]
    fn rejects_handshake_response_320() {
        // 4.0-style: 2-byte capabilities without CLIENT_PROTOCOL_41, 3-byte max packet size.
        let payload = [0x85, 0x01, 0x00, 0x00, 0x01, b'r', b'o', b'o', b't', 0];
        assert!(matches!(
            ClientHandshake::decode(&payload),
            Err(WireError::Unsupported(_))
        ));
        assert_eq!(
            ClientHandshake::decode(&[0x00, 0x02]),
            Err(WireError::Truncated {
                what: "capability flags"
            })
        );
    }
}
