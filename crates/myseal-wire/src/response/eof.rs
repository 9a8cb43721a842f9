//! EOF_Packet (4.1 format), used when the client did not set `CLIENT_DEPRECATE_EOF`.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_eof_packet.html>

use crate::buf::{put_u16_le, Reader};
use crate::constants::StatusFlags;
use crate::error::{Context, WireError};

/// Header of an EOF packet.
const HEADER: u8 = 0xFE;

/// End of column definitions or rows for clients without `CLIENT_DEPRECATE_EOF`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EofPacket {
    /// Number of warnings.
    pub warnings: u16,
    /// Server status flags.
    pub status_flags: StatusFlags,
}

impl EofPacket {
    /// Appends the 5-byte packet: 0xFE, warnings, status (as MySQL's `write_eof_packet`).
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.push(HEADER);
        put_u16_le(out, self.warnings);
        put_u16_le(out, self.status_flags.bits());
    }

    /// Decodes a 5-byte EOF packet (client side).
    ///
    /// # Errors
    /// `Malformed` for another header, `Truncated` below 5 bytes, `TrailingBytes` above: a longer
    /// packet starting with 0xFE is an OK-as-EOF or a row, never an EOF.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        if r.u8().ctx("EOF header")? != HEADER {
            return Err(WireError::Malformed("EOF packet must start with 0xFE"));
        }
        let warnings = r.u16_le().ctx("warnings")?;
        let status_flags = StatusFlags(r.u16_le().ctx("status flags")?);
        r.finish("EOF packet")?;
        Ok(EofPacket {
            warnings,
            status_flags,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn encodes_the_mysql_docs_example_and_round_trips() {
        // 05 00 00 05 fe 00 00 02 00: 0 warnings, AUTOCOMMIT.
        let eof = EofPacket {
            warnings: 0,
            status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT,
        };
        let mut out = Vec::new();
        eof.encode(&mut out);
        assert_eq!(out, [0xFE, 0x00, 0x00, 0x02, 0x00]);
        assert_eq!(EofPacket::decode(&out).unwrap(), eof);
    }

    #[test]
    fn rejects_wrong_lengths_and_headers() {
        assert_eq!(
            EofPacket::decode(&[0xFE, 0, 0, 2]),
            Err(WireError::Truncated {
                what: "status flags"
            })
        );
        assert_eq!(
            EofPacket::decode(&[0xFE, 0, 0, 2, 0, 0]),
            Err(WireError::TrailingBytes {
                what: "EOF packet",
                count: 1
            })
        );
        assert!(matches!(
            EofPacket::decode(&[0x00, 0, 0, 2, 0]),
            Err(WireError::Malformed(_))
        ));
    }
}
