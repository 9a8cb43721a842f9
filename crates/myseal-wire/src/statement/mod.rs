//! Prepared statements: the binary protocol.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_prepare.html>,
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute.html>,
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_send_long_data.html>,
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html>
//!
//! Flow: `COM_STMT_PREPARE` is answered by a [`StmtPrepareOk`], then one column definition per
//! parameter and one per result column (each group followed by an EOF packet unless
//! `CLIENT_DEPRECATE_EOF`). `COM_STMT_SEND_LONG_DATA` ([`StmtSendLongData`]) may stream parameter
//! values before `COM_STMT_EXECUTE` ([`StmtExecute`]); the server looks the statement up with
//! [`execute_statement_id`] first because decoding the rest needs its parameter count and the
//! parameter types bound by the previous execution. Result rows are binary rows
//! ([`encode_binary_row`]).
//!
//! The server does not offer `CLIENT_QUERY_ATTRIBUTES`, so an execute body never carries a
//! `parameter_count` field.

mod binary_row;
mod execute;
mod fetch;
mod prepare_ok;
mod send_long_data;

pub use binary_row::{decode_binary_row, encode_binary_row, BinaryCell};
pub use execute::{execute_statement_id, ParamType, ParamValue, StmtExecute};
pub use fetch::StmtFetch;
pub use prepare_ok::StmtPrepareOk;
pub use send_long_data::StmtSendLongData;

use crate::buf::{put_u16_le, put_u32_le};
use crate::constants::ColumnType;

/// How a value of a given column type is laid out in the binary protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinaryKind {
    /// `int<1>`: TINY.
    Int1,
    /// `int<2>`: SHORT, YEAR.
    Int2,
    /// `int<4>`: LONG, INT24.
    Int4,
    /// `int<8>`: LONGLONG.
    Int8,
    /// IEEE 754 single, 4 bytes: FLOAT.
    Float,
    /// IEEE 754 double, 8 bytes: DOUBLE.
    Double,
    /// Length byte (0/4/7/11) then the fields: DATE, DATETIME, TIMESTAMP.
    DateTime,
    /// Length byte (0/8/12) then the fields: TIME.
    Time,
    /// No bytes at all: NULL.
    Null,
    /// `string<lenenc>`: decimals, strings, blobs, JSON, ENUM, SET, BIT, GEOMETRY.
    Bytes,
}

impl BinaryKind {
    /// The layout of `t`, or `None` for a type byte MySQL never sends (e.g. NEWDATE, 0x11..0xF4).
    pub(crate) fn of(t: ColumnType) -> Option<Self> {
        Some(match t {
            ColumnType::TINY => BinaryKind::Int1,
            ColumnType::SHORT | ColumnType::YEAR => BinaryKind::Int2,
            ColumnType::LONG | ColumnType::INT24 => BinaryKind::Int4,
            ColumnType::LONGLONG => BinaryKind::Int8,
            ColumnType::FLOAT => BinaryKind::Float,
            ColumnType::DOUBLE => BinaryKind::Double,
            ColumnType::DATE | ColumnType::DATETIME | ColumnType::TIMESTAMP => BinaryKind::DateTime,
            ColumnType::TIME => BinaryKind::Time,
            ColumnType::NULL => BinaryKind::Null,
            ColumnType::DECIMAL
            | ColumnType::NEWDECIMAL
            | ColumnType::VARCHAR
            | ColumnType::BIT
            | ColumnType::JSON
            | ColumnType::ENUM
            | ColumnType::SET
            | ColumnType::TINY_BLOB
            | ColumnType::MEDIUM_BLOB
            | ColumnType::LONG_BLOB
            | ColumnType::BLOB
            | ColumnType::VAR_STRING
            | ColumnType::STRING
            | ColumnType::GEOMETRY => BinaryKind::Bytes,
            _ => return None,
        })
    }
}

/// The fields of a binary DATE / DATETIME / TIMESTAMP value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DateTimeFields {
    pub(crate) year: u16,
    pub(crate) month: u8,
    pub(crate) day: u8,
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
    pub(crate) micro: u32,
}

/// The fields of a binary TIME value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TimeFields {
    pub(crate) negative: bool,
    pub(crate) days: u32,
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
    pub(crate) micro: u32,
}

/// Appends a DATE/DATETIME/TIMESTAMP value with an explicit length (0, 4, 7 or 11).
pub(crate) fn put_datetime(out: &mut Vec<u8>, v: &DateTimeFields, len: u8) {
    out.push(len);
    if len >= 4 {
        put_u16_le(out, v.year);
        out.extend_from_slice(&[v.month, v.day]);
    }
    if len >= 7 {
        out.extend_from_slice(&[v.hour, v.minute, v.second]);
    }
    if len >= 11 {
        put_u32_le(out, v.micro);
    }
}

/// The shortest length MySQL's `Protocol_binary::store_datetime` uses for `v`.
pub(crate) fn shortest_datetime_len(v: &DateTimeFields) -> u8 {
    if v.micro != 0 {
        11
    } else if v.hour != 0 || v.minute != 0 || v.second != 0 {
        7
    } else if v.year != 0 || v.month != 0 || v.day != 0 {
        4
    } else {
        0
    }
}

/// Appends a TIME value with an explicit length (0, 8 or 12).
pub(crate) fn put_time(out: &mut Vec<u8>, v: &TimeFields, len: u8) {
    out.push(len);
    if len >= 8 {
        out.push(u8::from(v.negative));
        put_u32_le(out, v.days);
        out.extend_from_slice(&[v.hour, v.minute, v.second]);
    }
    if len >= 12 {
        put_u32_le(out, v.micro);
    }
}

/// The shortest length MySQL's `Protocol_binary::store_time` uses for `v`.
pub(crate) fn shortest_time_len(v: &TimeFields) -> u8 {
    if v.micro != 0 {
        12
    } else if v.days != 0 || v.hour != 0 || v.minute != 0 || v.second != 0 {
        8
    } else {
        0
    }
}
