//! Protocol::AuthMoreData: extra authentication data from the server (e.g. caching_sha2 fast-auth
//! result 0x03 / 0x04, or the RSA public key).
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_more_data.html>

use crate::buf::Reader;
use crate::error::{Context, WireError};

/// Header byte of AuthMoreData.
const HEADER: u8 = 0x01;

/// Extra auth data: 0x01 followed by the plugin's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthMoreData {
    /// The plugin's bytes, written verbatim after the header.
    pub data: Vec<u8>,
}

impl AuthMoreData {
    /// Appends 0x01 and the data.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(HEADER);
        out.extend_from_slice(&self.data);
    }

    /// Decodes AuthMoreData (client side).
    ///
    /// # Errors
    /// `Truncated` for an empty payload, `Malformed` when the header is not 0x01.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        if r.u8().ctx("AuthMoreData header")? != HEADER {
            return Err(WireError::Malformed("AuthMoreData must start with 0x01"));
        }
        Ok(AuthMoreData {
            data: r.rest().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn fast_auth_success_is_two_bytes_and_round_trips() {
        let msg = AuthMoreData { data: vec![0x03] };
        let mut out = Vec::new();
        msg.encode(&mut out);
        assert_eq!(out, [0x01, 0x03]);
        assert_eq!(AuthMoreData::decode(&out).unwrap(), msg);
    }

    #[test]
    fn rejects_other_headers() {
        assert!(matches!(
            AuthMoreData::decode(&[0x00, 0x03]),
            Err(WireError::Malformed(_))
        ));
        assert!(matches!(
            AuthMoreData::decode(&[]),
            Err(WireError::Truncated { .. })
        ));
    }
}
