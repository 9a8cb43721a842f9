//! ProtocolText::ResultsetRow.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_query_response_text_resultset_row.html>

use crate::buf::{put_lenenc_bytes, Reader, NULL_MARKER};
use crate::error::{Context, WireError};

/// Appends one text row: each value as a length-encoded string, NULL as 0xFB.
pub fn encode_text_row<'a>(out: &mut Vec<u8>, values: impl IntoIterator<Item = Option<&'a [u8]>>) {
    for value in values {
        match value {
            Some(bytes) => put_lenenc_bytes(out, bytes),
            None => out.push(NULL_MARKER),
        }
    }
}

/// Decodes a text row of exactly `columns` values (client side).
///
/// # Errors
/// `Truncated` when the row has fewer values or a value runs past the packet, `TrailingBytes`
/// when bytes remain after the last column, `Malformed` for a 0xFF prefix.
pub fn decode_text_row(payload: &[u8], columns: usize) -> Result<Vec<Option<Vec<u8>>>, WireError> {
    let mut r = Reader::new(payload);
    // Each value takes at least one byte: never trust `columns` for the allocation.
    let mut row = Vec::with_capacity(columns.min(payload.len()));
    for _ in 0..columns {
        match r.lenenc_int_or_null().ctx("row value")? {
            None => row.push(None),
            Some(len) => {
                let len =
                    usize::try_from(len).map_err(|_| WireError::Truncated { what: "row value" })?;
                row.push(Some(r.bytes(len).ctx("row value")?.to_vec()));
            }
        }
    }
    r.finish("text row")?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodes_values_and_nulls_and_round_trips() {
        let long = vec![b'x'; 300];
        let values: Vec<Option<&[u8]>> = vec![Some(b"1"), None, Some(b""), Some(&long)];
        let mut out = Vec::new();
        encode_text_row(&mut out, values.iter().copied());
        assert_eq!(&out[..5], [0x01, b'1', 0xFB, 0x00, 0xFC]);
        let decoded = decode_text_row(&out, 4).unwrap();
        let want: Vec<Option<Vec<u8>>> = values.iter().map(|v| v.map(<[u8]>::to_vec)).collect();
        assert_eq!(decoded, want);
    }

    #[test]
    fn an_empty_row_of_zero_columns_is_empty() {
        assert_eq!(
            decode_text_row(&[], 0).unwrap(),
            Vec::<Option<Vec<u8>>>::new()
        );
    }

    #[test]
    fn rejects_missing_and_extra_values() {
        let mut out = Vec::new();
        encode_text_row(&mut out, [Some(&b"ab"[..]), None]);
        assert_eq!(
            decode_text_row(&out, 3),
            Err(WireError::Truncated { what: "row value" })
        );
        assert_eq!(
            decode_text_row(&out, 1),
            Err(WireError::TrailingBytes {
                what: "text row",
                count: 1
            })
        );
        assert_eq!(
            decode_text_row(&out[..2], 2),
            Err(WireError::Truncated { what: "row value" })
        );
        assert!(decode_text_row(&[0x00], usize::MAX).is_err());
    }
}
