//! Protocol::AuthSwitchRequest: the server asks the client to use another auth plugin.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_auth_switch_request.html>

use crate::buf::{put_null_terminated, Reader};
use crate::error::{Context, WireError};

/// Header byte of an AuthSwitchRequest (same as EOF).
const HEADER: u8 = 0xFE;

/// Asks the client to restart authentication with `plugin_name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthSwitchRequest {
    /// The plugin the client must switch to, e.g. `mysql_native_password`.
    pub plugin_name: String,
    /// Plugin data, written verbatim: for the built-in plugins the caller passes the new 20-byte
    /// nonce followed by a NUL, as MySQL sends it.
    pub plugin_data: Vec<u8>,
}

impl AuthSwitchRequest {
    /// Appends 0xFE, the plugin name NUL-terminated, and the plugin data verbatim.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(HEADER);
        put_null_terminated(out, self.plugin_name.as_bytes());
        out.extend_from_slice(&self.plugin_data);
    }

    /// Decodes an AuthSwitchRequest (client side). A plugin name without NUL takes the rest of
    /// the packet and leaves the data empty.
    ///
    /// # Errors
    /// `Truncated` for an empty payload, `Malformed` when the header is not 0xFE.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        if r.u8().ctx("AuthSwitchRequest header")? != HEADER {
            return Err(WireError::Malformed(
                "AuthSwitchRequest must start with 0xFE",
            ));
        }
        let plugin_name = String::from_utf8_lossy(r.null_terminated_or_rest()).into_owned();
        Ok(AuthSwitchRequest {
            plugin_name,
            plugin_data: r.rest().to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodes_like_mysql_and_round_trips() {
        let mut data = b"0123456789abcdefghij".to_vec();
        data.push(0);
        let msg = AuthSwitchRequest {
            plugin_name: "mysql_native_password".into(),
            plugin_data: data,
        };
        let mut out = Vec::new();
        msg.encode(&mut out);
        assert_eq!(out[0], 0xFE);
        assert_eq!(&out[1..23], b"mysql_native_password\0");
        assert_eq!(&out[23..], b"0123456789abcdefghij\0");
        assert_eq!(AuthSwitchRequest::decode(&out).unwrap(), msg);
    }

    #[test]
    fn rejects_a_wrong_header_and_an_empty_payload() {
        assert!(matches!(
            AuthSwitchRequest::decode(b"\x01abc\0"),
            Err(WireError::Malformed(_))
        ));
        assert!(matches!(
            AuthSwitchRequest::decode(b""),
            Err(WireError::Truncated { .. })
        ));
    }
}
