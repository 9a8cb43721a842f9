//! Prepared statements: COM_STMT_PREPARE / EXECUTE / SEND_LONG_DATA / RESET / CLOSE over the binary
//! protocol. The engine parses and binds; this module keeps the per-connection statement table and
//! converts between wire values and engine values.
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase_ps.html>

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use myseal_engine::charset::Charset;
use myseal_engine::temporal::{Date, DateTime, Time};
use myseal_engine::{Prepared, Value};
use myseal_wire::constants::ColumnType;
use myseal_wire::statement::{BinaryCell, ParamType, ParamValue};
use std::borrow::Cow;

/// MySQL's default `max_prepared_stmt_count` (server-wide).
pub(crate) const MAX_STATEMENTS: usize = 16_382;

/// An error to send: code, SQLSTATE, message.
pub(crate) type ErrTriple = (u16, &'static str, String);

/// One prepared statement of a connection.
pub(crate) struct Statement {
    pub(crate) prepared: Arc<Prepared>,
    /// Parameter types from the last execute that bound them (new_params_bound_flag = 1).
    pub(crate) types: Option<Vec<ParamType>>,
    /// Parameter values sent with COM_STMT_SEND_LONG_DATA since the last execute or reset
    /// (chunks concatenated), and the error the next execute reports if one was bad.
    pub(crate) long: LongData,
    /// The open cursor of the last execute with CURSOR_TYPE_READ_ONLY (see `cursor`).
    pub(crate) cursor: Option<crate::cursor::Cursor>,
}

/// COM_STMT_SEND_LONG_DATA collected for one statement. MySQL keeps each parameter's data
/// until the next COM_STMT_EXECUTE or COM_STMT_RESET, and reports a bad chunk (unknown
/// parameter, too much data) only at that execute, since the command has no reply.
#[derive(Default)]
pub(crate) struct LongData {
    values: Vec<Option<Vec<u8>>>,
    error: Option<ErrTriple>,
}

impl LongData {
    /// Appends a chunk to parameter `param` of a statement with `param_count` parameters;
    /// a parameter's data may not exceed `max` bytes (max_allowed_packet).
    pub(crate) fn append(&mut self, param: usize, param_count: usize, data: &[u8], max: usize) {
        if self.error.is_some() {
            return;
        }
        if param >= param_count {
            self.error = Some((
                1210,
                "HY000",
                "Incorrect arguments to mysqld_stmt_send_long_data".to_string(),
            ));
            return;
        }
        if self.values.len() < param_count {
            self.values.resize(param_count, None);
        }
        let Some(slot) = self.values.get_mut(param) else {
            return;
        };
        let value = slot.get_or_insert_with(Vec::new);
        if value.len().saturating_add(data.len()) > max {
            // MySQL's Item_param::set_longdata.
            self.error = Some((
                1105,
                "HY000",
                "Parameter of prepared statement which is set through mysql_send_long_data() is \
                 longer than 'max_allowed_packet' bytes"
                    .to_string(),
            ));
            self.values.clear();
            return;
        }
        value.extend_from_slice(data);
    }

    /// Takes what was collected, leaving nothing for the next execute: per parameter, its
    /// data if any was sent, or the error to report instead.
    pub(crate) fn take(&mut self) -> Result<Vec<Option<Vec<u8>>>, ErrTriple> {
        let values = std::mem::take(&mut self.values);
        match self.error.take() {
            Some(e) => Err(e),
            None => Ok(values),
        }
    }

    /// COM_STMT_RESET: forgets everything.
    pub(crate) fn clear(&mut self) {
        self.values.clear();
        self.error = None;
    }
}

/// The statements of one connection, by id. Every statement counts in the server-wide
/// `Prepared_stmt_count` until it is closed, the connection is reset or it ends.
pub(crate) struct Statements {
    map: HashMap<u32, Statement>,
    last_id: u32,
    /// The server's Prepared_stmt_count.
    total: Arc<AtomicU64>,
}

impl Drop for Statements {
    fn drop(&mut self) {
        self.clear();
    }
}

impl Statements {
    pub(crate) fn new(total: Arc<AtomicU64>) -> Self {
        Statements {
            map: HashMap::new(),
            last_id: 0,
            total,
        }
    }

    /// Registers a statement and returns its id (ids start at 1, like MySQL's); None when
    /// the server already holds `max` statements (max_prepared_stmt_count, ER 1461).
    pub(crate) fn insert(&mut self, prepared: Prepared, max: u64) -> Option<u32> {
        // Reserve a place first, so that racing connections cannot both take the last one.
        if self
            .total
            .fetch_update(Relaxed, Relaxed, |n| (n < max).then_some(n + 1))
            .is_err()
        {
            return None;
        }
        loop {
            self.last_id = self.last_id.wrapping_add(1).max(1);
            if !self.map.contains_key(&self.last_id) {
                break;
            }
        }
        self.map.insert(
            self.last_id,
            Statement {
                prepared: Arc::new(prepared),
                types: None,
                long: LongData::default(),
                cursor: None,
            },
        );
        Some(self.last_id)
    }

    pub(crate) fn get_mut(&mut self, id: u32) -> Option<&mut Statement> {
        self.map.get_mut(&id)
    }

    pub(crate) fn remove(&mut self, id: u32) {
        if self.map.remove(&id).is_some() {
            self.total.fetch_sub(1, Relaxed);
        }
    }

    pub(crate) fn clear(&mut self) {
        let n = self.map.len() as u64;
        self.map.clear();
        self.total.fetch_sub(n, Relaxed);
    }
}

/// A binary-protocol parameter as an engine value (temporal values as MySQL's text forms).
pub(crate) fn param_to_value(p: &ParamValue) -> Value {
    match p {
        ParamValue::Null => Value::Null,
        ParamValue::Int(i) => Value::Int(*i),
        ParamValue::UInt(u) => Value::UInt(*u),
        ParamValue::Float(f) => Value::Double(f64::from(*f)),
        ParamValue::Double(d) => Value::Double(*d),
        ParamValue::Bytes(b) => Value::Bytes(b.clone()),
        ParamValue::Date { year, month, day } => Value::Date(Date {
            year: *year,
            month: *month,
            day: *day,
        }),
        ParamValue::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micro,
        } => Value::DateTime(DateTime {
            date: Date {
                year: *year,
                month: *month,
                day: *day,
            },
            hour: *hour,
            minute: *minute,
            second: *second,
            micro: *micro,
        }),
        ParamValue::Time {
            negative,
            days,
            hour,
            minute,
            second,
            micro,
        } => {
            let hours = i64::from(*days) * 24 + i64::from(*hour);
            let micros = ((hours * 60 + i64::from(*minute)) * 60 + i64::from(*second)) * 1_000_000
                + i64::from(*micro);
            let micros = micros.min(myseal_engine::temporal::TIME_MAX_MICROS);
            Value::Time(Time {
                micros: if *negative { -micros } else { micros },
            })
        }
    }
}

/// String parameters arrive in `character_set_client`: a `latin1` client's are decoded into
/// the engine's UTF-8 (MySQL converts them from the client's set). BLOB-typed parameters are
/// bytes, left as they are, as MySQL takes them as binary strings.
pub(crate) fn decode_string_params(params: &mut [Value], types: &[ParamType], client: Charset) {
    if client != Charset::Latin1 {
        return;
    }
    for (v, t) in params.iter_mut().zip(types) {
        let blob = [
            ColumnType::TINY_BLOB,
            ColumnType::MEDIUM_BLOB,
            ColumnType::LONG_BLOB,
            ColumnType::BLOB,
        ]
        .contains(&t.column_type);
        if let (Value::Bytes(b), false) = (&mut *v, blob) {
            if let Cow::Owned(s) = client.decode_lossy(b) {
                *b = s.into_bytes();
            }
        }
    }
}

/// Text of the values the binary protocol sends as text (DECIMAL, temporal values), rendered
/// with the column's fractional digits; None for the others.
pub(crate) fn cell_text(v: &Value, decimals: u8) -> Option<Vec<u8>> {
    match v {
        Value::Decimal(_) | Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            v.to_text_fsp(decimals.min(6))
        }
        _ => None,
    }
}

/// An engine value as a binary-row cell (the wire encoder converts it to the column's type);
/// `text` is [`cell_text`] of the same value.
pub(crate) fn value_to_cell<'a>(v: &'a Value, text: Option<&'a [u8]>) -> BinaryCell<'a> {
    match (v, text) {
        (Value::Null, _) => BinaryCell::Null,
        (Value::Int(i), _) => BinaryCell::I64(*i),
        (Value::UInt(u), _) => BinaryCell::U64(*u),
        (Value::Double(d), _) => BinaryCell::F64(*d),
        (Value::Bytes(b), _) => BinaryCell::Bytes(b),
        (_, Some(t)) => BinaryCell::Bytes(t),
        (_, None) => BinaryCell::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporal_parameters_become_temporal_values() {
        let dt = ParamValue::DateTime {
            year: 2026,
            month: 1,
            day: 2,
            hour: 3,
            minute: 4,
            second: 5,
            micro: 60,
        };
        assert_eq!(
            param_to_value(&dt).to_text(),
            Some(b"2026-01-02 03:04:05.000060".to_vec())
        );
        let t = ParamValue::Time {
            negative: true,
            days: 1,
            hour: 2,
            minute: 3,
            second: 4,
            micro: 0,
        };
        assert_eq!(param_to_value(&t).to_text(), Some(b"-26:03:04".to_vec()));
        let d = ParamValue::Date {
            year: 999,
            month: 12,
            day: 31,
        };
        assert_eq!(param_to_value(&d).to_text(), Some(b"0999-12-31".to_vec()));
    }
}
