//! COM_STMT_FETCH: the next rows of a statement's open cursor.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_fetch.html>
//!
//! A cursor is opened by a `COM_STMT_EXECUTE` with `CURSOR_TYPE_READ_ONLY`; the server then
//! answers each fetch with up to `num_rows` binary rows and an EOF (or OK-as-EOF) whose status
//! has `SERVER_STATUS_CURSOR_EXISTS`, or `SERVER_STATUS_LAST_ROW_SENT` once the rows are done.

use crate::buf::{put_u32_le, Reader};
use crate::error::{Context, WireError};

/// The body of COM_STMT_FETCH (the bytes after the 0x1C command byte, as
/// [`crate::command::Command::StmtFetch`] holds them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StmtFetch {
    /// Statement whose cursor to read.
    pub statement_id: u32,
    /// How many rows at most.
    pub num_rows: u32,
}

impl StmtFetch {
    /// Decodes a body. Bytes after the 8 of the two fields are ignored, as MySQL does.
    ///
    /// # Errors
    /// `Truncated` when the body is shorter than 8 bytes.
    pub fn decode(body: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(body);
        let statement_id = r.u32_le().ctx("statement id")?;
        let num_rows = r.u32_le().ctx("number of rows")?;
        Ok(StmtFetch {
            statement_id,
            num_rows,
        })
    }

    /// Appends the body (without the command byte).
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_u32_le(out, self.statement_id);
        put_u32_le(out, self.num_rows);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn round_trips_and_refuses_a_short_body() {
        let f = StmtFetch {
            statement_id: 7,
            num_rows: 1000,
        };
        let mut out = Vec::new();
        f.encode(&mut out);
        assert_eq!(out, [7, 0, 0, 0, 0xE8, 3, 0, 0]);
        assert_eq!(StmtFetch::decode(&out).unwrap(), f);
        assert!(StmtFetch::decode(&out[..7]).is_err());
    }
}
