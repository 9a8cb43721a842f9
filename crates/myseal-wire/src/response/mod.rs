//! Generic response packets: OK, ERR and EOF.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_response_packets.html>
//!
//! With `CLIENT_DEPRECATE_EOF` a result set ends with an OK packet carrying the 0xFE header
//! ([`OkPacket::encode_as_eof`]) instead of an [`EofPacket`].

mod eof;
mod err;
mod ok;

pub use eof::EofPacket;
pub use err::ErrPacket;
pub use ok::{encode_state_change, OkPacket, StateChange};
