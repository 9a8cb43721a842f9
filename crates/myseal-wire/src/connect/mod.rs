//! Connection phase messages: greeting, SSLRequest, handshake response and the auth exchange.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html>
//!
//! Order on the wire (sequence ids in brackets): server [`HandshakeV10`] (0); client
//! [`SslRequest`] (1), TLS handshake, client [`HandshakeResponse41`] (2); then the server answers
//! with OK / ERR, an [`AuthSwitchRequest`] or [`AuthMoreData`], and the exchange continues.
//! The first client packet is read with [`ClientHandshake::decode`], which tells the two apart.

mod auth_more_data;
mod auth_switch_request;
mod change_user;
mod client_handshake;
mod handshake_response41;
mod handshake_v10;
mod ssl_request;

pub use auth_more_data::AuthMoreData;
pub use auth_switch_request::AuthSwitchRequest;
pub use change_user::ChangeUser;
pub use client_handshake::ClientHandshake;
pub use handshake_response41::HandshakeResponse41;
pub use handshake_v10::HandshakeV10;
pub use ssl_request::SslRequest;

/// Length of the fixed part shared by SSLRequest and HandshakeResponse41: capability flags (4),
/// max packet size (4), character set (1) and 23 filler bytes.
const FIXED_HEADER_LEN: usize = 32;

/// Number of filler bytes after the character set in SSLRequest / HandshakeResponse41.
const FILLER_LEN: usize = 23;

/// Connection attributes as the handshake response and COM_CHANGE_USER carry them: a
/// length-encoded block of length-encoded key/value strings.
fn put_connect_attrs(out: &mut Vec<u8>, attrs: &[(String, String)]) {
    let mut block = Vec::new();
    for (key, value) in attrs {
        crate::buf::put_lenenc_bytes(&mut block, key.as_bytes());
        crate::buf::put_lenenc_bytes(&mut block, value.as_bytes());
    }
    crate::buf::put_lenenc_int(out, block.len() as u64);
    out.extend_from_slice(&block);
}

/// Reads what [`put_connect_attrs`] writes (strings decoded lossily as UTF-8).
fn read_connect_attrs(
    r: &mut crate::buf::Reader<'_>,
) -> Result<Vec<(String, String)>, crate::error::WireError> {
    use crate::error::Context;
    let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let mut attrs = crate::buf::Reader::new(r.lenenc_bytes().ctx("connection attributes")?);
    let mut out = Vec::new();
    while !attrs.is_empty() {
        let key = attrs.lenenc_bytes().ctx("connection attribute key")?;
        let value = attrs.lenenc_bytes().ctx("connection attribute value")?;
        out.push((lossy(key), lossy(value)));
    }
    Ok(out)
}
