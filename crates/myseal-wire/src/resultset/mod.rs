//! Text result sets: column count, column definitions, rows.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset.html>
//!
//! A result set is: [`encode_column_count`]; one [`ColumnDefinition41`] per column; an EOF packet
//! unless `CLIENT_DEPRECATE_EOF`; one packet per row ([`encode_text_row`]); then an EOF packet, or
//! with `CLIENT_DEPRECATE_EOF` an OK packet with header 0xFE
//! ([`crate::response::OkPacket::encode_as_eof`]).

mod column_definition;
mod text_row;

pub use column_definition::ColumnDefinition41;
pub use text_row::{decode_text_row, encode_text_row};

use crate::buf::put_lenenc_int;

/// Appends the first packet of a result set: the column count as a length-encoded integer.
///
/// (With `CLIENT_OPTIONAL_RESULTSET_METADATA` a metadata-follows byte would come next; the server
/// does not offer that capability.)
pub fn encode_column_count(out: &mut Vec<u8>, n: u64) {
    put_lenenc_int(out, n);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::buf::Reader;

    #[test]
    fn column_count_is_a_lenenc_int() {
        let mut out = Vec::new();
        encode_column_count(&mut out, 3);
        assert_eq!(out, [3]);
        out.clear();
        encode_column_count(&mut out, 1000);
        assert_eq!(out, [0xFC, 0xE8, 0x03]);
        assert_eq!(Reader::new(&out).lenenc_int().unwrap(), 1000);
    }
}
