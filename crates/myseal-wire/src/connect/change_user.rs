//! COM_CHANGE_USER: re-authenticate on an open connection (as another account, or the same
//! one with a fresh session).
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_change_user.html>
//!
//! The body after the command byte: user (NUL-terminated), the auth response (one length byte
//! with `CLIENT_SECURE_CONNECTION`, else NUL-terminated), the schema (NUL-terminated), then if
//! more data follows: the character set (2 bytes), the auth plugin name (with
//! `CLIENT_PLUGIN_AUTH`) and connection attributes (with `CLIENT_CONNECT_ATTRS`). The
//! capability flags are the ones agreed at connect.

use crate::buf::{put_null_terminated, Reader};
use crate::constants::CapabilityFlags;
use crate::error::{Context, WireError};

/// A decoded COM_CHANGE_USER body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeUser {
    /// The account's user name.
    pub username: String,
    /// Auth plugin response, computed with the connection's original nonce.
    pub auth_response: Vec<u8>,
    /// Schema to use; empty for none.
    pub database: String,
    /// Client collation id, if sent.
    pub character_set: Option<u16>,
    /// Client auth plugin name, if sent.
    pub auth_plugin_name: Option<String>,
    /// Connection attributes in wire order.
    pub connect_attrs: Vec<(String, String)>,
}

impl ChangeUser {
    /// Decodes the body after the command byte under the connection's capabilities.
    ///
    /// # Errors
    /// `Truncated` when the user or the auth response is missing or a length overruns the
    /// packet; `Malformed` for a bad length-encoded integer in the attributes.
    pub fn decode(body: &[u8], caps: CapabilityFlags) -> Result<Self, WireError> {
        let mut r = Reader::new(body);
        let username = lossy(r.null_terminated().ctx("username")?);
        let auth_response = if caps.contains(CapabilityFlags::CLIENT_SECURE_CONNECTION) {
            let len = r.u8().ctx("auth response")?;
            r.bytes(usize::from(len)).ctx("auth response")?
        } else {
            r.null_terminated().ctx("auth response")?
        }
        .to_vec();
        let database = if r.is_empty() {
            String::new()
        } else {
            lossy(r.null_terminated_or_rest())
        };
        let character_set = if r.is_empty() {
            None
        } else {
            Some(r.u16_le().ctx("character set")?)
        };
        let auth_plugin_name = (caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH)
            && !r.is_empty())
        .then(|| lossy(r.null_terminated_or_rest()));
        let connect_attrs = if caps.contains(CapabilityFlags::CLIENT_CONNECT_ATTRS) && !r.is_empty()
        {
            super::read_connect_attrs(&mut r)?
        } else {
            Vec::new()
        };
        Ok(ChangeUser {
            username,
            auth_response,
            database,
            character_set,
            auth_plugin_name,
            connect_attrs,
        })
    }

    /// Appends the body (without the command byte), as a client writes it.
    pub fn encode(&self, out: &mut Vec<u8>, caps: CapabilityFlags) {
        put_null_terminated(out, self.username.as_bytes());
        if caps.contains(CapabilityFlags::CLIENT_SECURE_CONNECTION) {
            let len = self.auth_response.len().min(255);
            out.push(len as u8);
            out.extend_from_slice(self.auth_response.get(..len).unwrap_or_default());
        } else {
            put_null_terminated(out, &self.auth_response);
        }
        put_null_terminated(out, self.database.as_bytes());
        if let Some(cs) = self.character_set {
            out.extend_from_slice(&cs.to_le_bytes());
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
        }
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn caps() -> CapabilityFlags {
        CapabilityFlags::CLIENT_PROTOCOL_41
            | CapabilityFlags::CLIENT_SECURE_CONNECTION
            | CapabilityFlags::CLIENT_PLUGIN_AUTH
            | CapabilityFlags::CLIENT_CONNECT_ATTRS
    }

    #[test]
    fn round_trips_with_every_field() {
        let m = ChangeUser {
            username: "app".into(),
            auth_response: (0..32).collect(),
            database: "shop".into(),
            character_set: Some(255),
            auth_plugin_name: Some("caching_sha2_password".into()),
            connect_attrs: vec![("_client_name".into(), "x".into())],
        };
        let mut out = Vec::new();
        m.encode(&mut out, caps());
        assert_eq!(ChangeUser::decode(&out, caps()).unwrap(), m);
    }

    #[test]
    fn optional_tail_may_be_absent_and_truncation_is_an_error() {
        let mut out = Vec::new();
        ChangeUser {
            username: "u".into(),
            ..ChangeUser::default()
        }
        .encode(&mut out, caps());
        let m = ChangeUser::decode(&out, caps()).unwrap();
        assert_eq!((m.username.as_str(), m.character_set), ("u", None));
        assert!(ChangeUser::decode(b"u", caps()).is_err());
        assert!(ChangeUser::decode(b"u\0\x20abc", caps()).is_err());
    }

    #[test]
    fn mysql_common_encodes_what_we_decode() {
        use mysql_common::packets::{AuthPlugin, ComChangeUser, ComChangeUserMoreData};
        use mysql_common::proto::MySerialize;
        let theirs = ComChangeUser::new()
            .with_user(Some(&b"root"[..]))
            .with_auth_plugin_data(Some(&[7u8; 20][..]))
            .with_database(Some(&b"test"[..]))
            .with_more_data(Some(
                ComChangeUserMoreData::new(45)
                    .with_auth_plugin(Some(AuthPlugin::MysqlNativePassword)),
            ));
        let mut packet = Vec::new();
        theirs.serialize(&mut packet);
        // Their bytes start with the command byte.
        assert_eq!(packet.first(), Some(&0x11));
        let m = ChangeUser::decode(packet.get(1..).unwrap(), caps()).unwrap();
        assert_eq!(m.username, "root");
        assert_eq!(m.auth_response, [7u8; 20]);
        assert_eq!(m.database, "test");
        assert_eq!(m.character_set, Some(45));
        assert_eq!(m.auth_plugin_name.as_deref(), Some("mysql_native_password"));
    }
}
