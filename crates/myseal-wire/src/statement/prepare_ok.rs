//! COM_STMT_PREPARE_OK: the first packet of a successful `COM_STMT_PREPARE` response.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html#sect_protocol_com_stmt_prepare_response_ok>

use crate::buf::{put_u16_le, put_u32_le, Reader};
use crate::error::{Context, WireError};

/// Header byte of COM_STMT_PREPARE_OK.
const HEADER: u8 = 0x00;

/// COM_STMT_PREPARE_OK: `0x00`, statement id, column count, parameter count, a reserved `0x00`,
/// warning count.
///
/// (With `CLIENT_OPTIONAL_RESULTSET_METADATA` a metadata-follows byte would follow; the server does
/// not offer that capability.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StmtPrepareOk {
    /// Statement handle the client uses in later `COM_STMT_*` commands.
    pub statement_id: u32,
    /// Number of result columns (column definitions that follow the parameter definitions).
    pub num_columns: u16,
    /// Number of `?` placeholders (parameter definitions that follow this packet).
    pub num_params: u16,
    /// Number of warnings raised while preparing.
    pub warning_count: u16,
}

impl StmtPrepareOk {
    /// Appends the packet.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(HEADER);
        put_u32_le(out, self.statement_id);
        put_u16_le(out, self.num_columns);
        put_u16_le(out, self.num_params);
        out.push(0x00);
        put_u16_le(out, self.warning_count);
    }

    /// Decodes the packet (client side; tests and tools). The reserved byte is ignored.
    ///
    /// # Errors
    /// `Malformed` unless the header is 0x00, `Truncated` for fewer than 12 bytes,
    /// `TrailingBytes` for more.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        if r.u8().ctx("COM_STMT_PREPARE_OK header")? != HEADER {
            return Err(WireError::Malformed(
                "COM_STMT_PREPARE_OK must start with 0x00",
            ));
        }
        let statement_id = r.u32_le().ctx("statement id")?;
        let num_columns = r.u16_le().ctx("column count")?;
        let num_params = r.u16_le().ctx("parameter count")?;
        r.u8().ctx("reserved byte")?;
        let warning_count = r.u16_le().ctx("warning count")?;
        r.finish("COM_STMT_PREPARE_OK")?;
        Ok(StmtPrepareOk {
            statement_id,
            num_columns,
            num_params,
            warning_count,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sample() -> StmtPrepareOk {
        StmtPrepareOk {
            statement_id: 0x0102_0304,
            num_columns: 3,
            num_params: 0x0201,
            warning_count: 7,
        }
    }

    #[test]
    fn encodes_the_documented_layout_and_round_trips() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        assert_eq!(out, [0x00, 4, 3, 2, 1, 3, 0, 1, 2, 0x00, 7, 0]);
        assert_eq!(StmtPrepareOk::decode(&out).unwrap(), sample());
    }

    #[test]
    fn rejects_wrong_header_truncation_and_trailing_bytes() {
        let mut out = Vec::new();
        sample().encode(&mut out);
        let mut bad = out.clone();
        bad[0] = 0xFF;
        assert!(matches!(
            StmtPrepareOk::decode(&bad),
            Err(WireError::Malformed(_))
        ));
        assert_eq!(
            StmtPrepareOk::decode(&out[..11]),
            Err(WireError::Truncated {
                what: "warning count"
            })
        );
        out.push(1);
        assert_eq!(
            StmtPrepareOk::decode(&out),
            Err(WireError::TrailingBytes {
                what: "COM_STMT_PREPARE_OK",
                count: 1
            })
        );
    }
}
