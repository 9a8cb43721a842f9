//! Command phase: the `COM_*` packets a client sends after authentication.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase.html>
//!
//! Each command packet starts with its command byte ([`crate::constants::com`]). Prepared-statement
//! commands keep their raw body; [`crate::statement`] parses it once the statement (and so its
//! parameter count) is known. Like MySQL, decoding ignores bytes after the fields a command needs.
//!
//! With `CLIENT_QUERY_ATTRIBUTES` negotiated, a `COM_QUERY` body starts with a parameter count
//! and parameter set before the SQL text; [`Command::Query`] keeps the body raw either way.

use crate::buf::{put_null_terminated, put_u16_le, put_u32_le, Reader};
use crate::constants::com;
use crate::error::{Context, WireError};

/// A decoded command packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `COM_QUIT`: close the connection.
    Quit,
    /// `COM_INIT_DB`: change the default schema.
    InitDb(String),
    /// `COM_QUERY`: the SQL text (raw bytes in the client's character set).
    Query(Vec<u8>),
    /// `COM_FIELD_LIST` (deprecated): column definitions of a table.
    FieldList {
        /// Table name.
        table: String,
        /// Column name wildcard (may be empty).
        wildcard: String,
    },
    /// `COM_STATISTICS`: a human-readable status string.
    Statistics,
    /// `COM_PROCESS_KILL` (deprecated): kill a connection.
    ProcessKill(u32),
    /// `COM_DEBUG`: dump debug info to the server log.
    Debug,
    /// `COM_PING`: liveness check.
    Ping,
    /// `COM_CHANGE_USER`: re-authenticate; raw body after the command byte.
    ChangeUser(Vec<u8>),
    /// `COM_STMT_PREPARE`: the SQL text to prepare.
    StmtPrepare(Vec<u8>),
    /// `COM_STMT_EXECUTE`: raw body after the command byte.
    StmtExecute(Vec<u8>),
    /// `COM_STMT_SEND_LONG_DATA`: raw body after the command byte.
    StmtSendLongData(Vec<u8>),
    /// `COM_STMT_CLOSE`: statement id.
    StmtClose(u32),
    /// `COM_STMT_RESET`: statement id.
    StmtReset(u32),
    /// `COM_SET_OPTION`: 0 = multi-statements on, 1 = off.
    SetOption(u16),
    /// `COM_STMT_FETCH`: raw body after the command byte.
    StmtFetch(Vec<u8>),
    /// `COM_RESET_CONNECTION`: reset session state.
    ResetConnection,
    /// Any other command byte (MySQL answers ER_UNKNOWN_COM_ERROR 1047).
    Unknown(u8),
}

impl Command {
    /// Decodes a command packet.
    ///
    /// # Errors
    /// `Truncated` for an empty payload or a missing fixed-size argument.
    pub fn decode(payload: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(payload);
        let byte = r.u8().ctx("command byte")?;
        let lossy = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        Ok(match byte {
            com::QUIT => Command::Quit,
            com::INIT_DB => Command::InitDb(lossy(r.rest())),
            com::QUERY => Command::Query(r.rest().to_vec()),
            com::FIELD_LIST => {
                let table = lossy(r.null_terminated_or_rest());
                Command::FieldList {
                    table,
                    wildcard: lossy(r.rest()),
                }
            }
            com::STATISTICS => Command::Statistics,
            com::PROCESS_KILL => Command::ProcessKill(r.u32_le().ctx("connection id")?),
            com::DEBUG => Command::Debug,
            com::PING => Command::Ping,
            com::CHANGE_USER => Command::ChangeUser(r.rest().to_vec()),
            com::STMT_PREPARE => Command::StmtPrepare(r.rest().to_vec()),
            com::STMT_EXECUTE => Command::StmtExecute(r.rest().to_vec()),
            com::STMT_SEND_LONG_DATA => Command::StmtSendLongData(r.rest().to_vec()),
            com::STMT_CLOSE => Command::StmtClose(r.u32_le().ctx("statement id")?),
            com::STMT_RESET => Command::StmtReset(r.u32_le().ctx("statement id")?),
            com::SET_OPTION => Command::SetOption(r.u16_le().ctx("option")?),
            com::STMT_FETCH => Command::StmtFetch(r.rest().to_vec()),
            com::RESET_CONNECTION => Command::ResetConnection,
            other => Command::Unknown(other),
        })
    }

    /// Appends the command packet (client side; used for round-trip tests and tools).
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Command::Quit => out.push(com::QUIT),
            Command::InitDb(schema) => {
                out.push(com::INIT_DB);
                out.extend_from_slice(schema.as_bytes());
            }
            Command::Query(sql) => {
                out.push(com::QUERY);
                out.extend_from_slice(sql);
            }
            Command::FieldList { table, wildcard } => {
                out.push(com::FIELD_LIST);
                put_null_terminated(out, table.as_bytes());
                out.extend_from_slice(wildcard.as_bytes());
            }
            Command::Statistics => out.push(com::STATISTICS),
            Command::ProcessKill(id) => {
                out.push(com::PROCESS_KILL);
                put_u32_le(out, *id);
            }
            Command::Debug => out.push(com::DEBUG),
            Command::Ping => out.push(com::PING),
            Command::ChangeUser(body) => {
                out.push(com::CHANGE_USER);
                out.extend_from_slice(body);
            }
            Command::StmtPrepare(sql) => {
                out.push(com::STMT_PREPARE);
                out.extend_from_slice(sql);
            }
            Command::StmtExecute(body) => {
                out.push(com::STMT_EXECUTE);
                out.extend_from_slice(body);
            }
            Command::StmtSendLongData(body) => {
                out.push(com::STMT_SEND_LONG_DATA);
                out.extend_from_slice(body);
            }
            Command::StmtClose(id) => {
                out.push(com::STMT_CLOSE);
                put_u32_le(out, *id);
            }
            Command::StmtReset(id) => {
                out.push(com::STMT_RESET);
                put_u32_le(out, *id);
            }
            Command::SetOption(option) => {
                out.push(com::SET_OPTION);
                put_u16_le(out, *option);
            }
            Command::StmtFetch(body) => {
                out.push(com::STMT_FETCH);
                out.extend_from_slice(body);
            }
            Command::ResetConnection => out.push(com::RESET_CONNECTION),
            Command::Unknown(byte) => out.push(*byte),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn every_command() -> Vec<Command> {
        vec![
            Command::Quit,
            Command::InitDb("test".into()),
            Command::Query(b"select @@version_comment limit 1".to_vec()),
            Command::Query(Vec::new()),
            Command::FieldList {
                table: "t1".into(),
                wildcard: "c%".into(),
            },
            Command::FieldList {
                table: "t1".into(),
                wildcard: String::new(),
            },
            Command::Statistics,
            Command::ProcessKill(42),
            Command::Debug,
            Command::Ping,
            Command::ChangeUser(b"root\0\x14abcdefghijklmnopqrst".to_vec()),
            Command::StmtPrepare(b"select ?".to_vec()),
            Command::StmtExecute(vec![1, 0, 0, 0, 0, 1, 0, 0, 0]),
            Command::StmtSendLongData(vec![1, 0, 0, 0, 0, 0, b'x']),
            Command::StmtClose(7),
            Command::StmtReset(8),
            Command::SetOption(1),
            Command::StmtFetch(vec![1, 0, 0, 0, 10, 0, 0, 0]),
            Command::ResetConnection,
            Command::Unknown(0x00),
            Command::Unknown(0x05),
            Command::Unknown(0xFF),
        ]
    }

    #[test]
    fn every_command_round_trips() {
        for cmd in every_command() {
            let mut out = Vec::new();
            cmd.encode(&mut out);
            assert_eq!(Command::decode(&out).unwrap(), cmd, "{out:?}");
        }
    }

    #[test]
    fn encodes_the_documented_bytes() {
        let mut out = Vec::new();
        Command::Query(b"select 1".to_vec()).encode(&mut out);
        assert_eq!(out, b"\x03select 1");
        out.clear();
        Command::StmtClose(0x0102_0304).encode(&mut out);
        assert_eq!(out, [0x19, 0x04, 0x03, 0x02, 0x01]);
        out.clear();
        Command::Ping.encode(&mut out);
        assert_eq!(out, [0x0e]);
    }

    #[test]
    fn rejects_an_empty_payload_and_missing_arguments() {
        assert_eq!(
            Command::decode(&[]),
            Err(WireError::Truncated {
                what: "command byte"
            })
        );
        assert_eq!(
            Command::decode(&[0x19, 1, 2, 3]),
            Err(WireError::Truncated {
                what: "statement id"
            })
        );
        assert_eq!(
            Command::decode(&[0x1b, 1]),
            Err(WireError::Truncated { what: "option" })
        );
        assert_eq!(
            Command::decode(&[0x0c]),
            Err(WireError::Truncated {
                what: "connection id"
            })
        );
    }

    #[test]
    fn ignores_trailing_bytes_like_mysql() {
        assert_eq!(Command::decode(&[0x0e, 0x00]).unwrap(), Command::Ping);
        assert_eq!(
            Command::decode(&[0x19, 1, 0, 0, 0, 9]).unwrap(),
            Command::StmtClose(1)
        );
    }

    #[test]
    fn field_list_without_nul_takes_the_whole_body_as_table() {
        assert_eq!(
            Command::decode(b"\x04t1").unwrap(),
            Command::FieldList {
                table: "t1".into(),
                wildcard: String::new()
            }
        );
    }
}
