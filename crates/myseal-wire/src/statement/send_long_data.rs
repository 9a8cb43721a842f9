//! COM_STMT_SEND_LONG_DATA: a chunk of one parameter's value, sent before `COM_STMT_EXECUTE`.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_send_long_data.html>
//!
//! The server never answers this command; chunks for the same parameter are concatenated.

use crate::buf::{put_u16_le, put_u32_le, Reader};
use crate::error::{Context, WireError};

/// The body of COM_STMT_SEND_LONG_DATA (the bytes after the 0x18 command byte, as
/// [`crate::command::Command::StmtSendLongData`] holds them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StmtSendLongData {
    /// Statement the data belongs to.
    pub statement_id: u32,
    /// Zero-based index of the parameter.
    pub param_id: u16,
    /// The chunk (everything after the two ids).
    pub data: Vec<u8>,
}

impl StmtSendLongData {
    /// Decodes a body.
    ///
    /// # Errors
    /// `Truncated` when the body is shorter than the 6 bytes of ids.
    pub fn decode(body: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(body);
        let statement_id = r.u32_le().ctx("statement id")?;
        let param_id = r.u16_le().ctx("parameter id")?;
        Ok(StmtSendLongData {
            statement_id,
            param_id,
            data: r.rest().to_vec(),
        })
    }

    /// Appends the body (without the command byte).
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_u32_le(out, self.statement_id);
        put_u16_le(out, self.param_id);
        out.extend_from_slice(&self.data);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips_including_empty_data() {
        for data in [Vec::new(), b"chunk\0\xFF".to_vec()] {
            let msg = StmtSendLongData {
                statement_id: 9,
                param_id: 0x0102,
                data,
            };
            let mut out = Vec::new();
            msg.encode(&mut out);
            assert_eq!(out[..6], [9, 0, 0, 0, 2, 1]);
            assert_eq!(StmtSendLongData::decode(&out).unwrap(), msg);
        }
    }

    #[test]
    fn rejects_a_body_without_both_ids() {
        assert_eq!(
            StmtSendLongData::decode(&[1, 0, 0, 0, 5]),
            Err(WireError::Truncated {
                what: "parameter id"
            })
        );
    }
}
