//! Prepared statements: COM_STMT_PREPARE / EXECUTE / SEND_LONG_DATA / RESET / CLOSE over the binary
//! protocol. The engine parses and binds; this module keeps the per-connection statement table and
//! converts between wire values and engine values.
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_command_phase_ps.html>

use std::collections::HashMap;
use std::sync::Arc;

use myseal_engine::{Prepared, Value};
use myseal_wire::statement::{BinaryCell, ParamType, ParamValue};

/// MySQL's default `max_prepared_stmt_count`, applied per connection.
pub(crate) const MAX_STATEMENTS: usize = 16_382;

/// One prepared statement of a connection.
pub(crate) struct Statement {
    pub(crate) prepared: Arc<Prepared>,
    /// Parameter types from the last execute that bound them (new_params_bound_flag = 1).
    pub(crate) types: Option<Vec<ParamType>>,
    /// Parameters sent with COM_STMT_SEND_LONG_DATA since the last execute or reset.
    pub(crate) long_data: bool,
}

/// The statements of one connection, by id.
#[derive(Default)]
pub(crate) struct Statements {
    map: HashMap<u32, Statement>,
    last_id: u32,
}

impl Statements {
    /// Registers a statement and returns its id (ids start at 1, like MySQL's).
    pub(crate) fn insert(&mut self, prepared: Prepared) -> Option<u32> {
        if self.map.len() >= MAX_STATEMENTS {
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
                long_data: false,
            },
        );
        Some(self.last_id)
    }

    pub(crate) fn get_mut(&mut self, id: u32) -> Option<&mut Statement> {
        self.map.get_mut(&id)
    }

    pub(crate) fn remove(&mut self, id: u32) {
        self.map.remove(&id);
    }

    pub(crate) fn clear(&mut self) {
        self.map.clear();
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
        ParamValue::Date { year, month, day } => {
            Value::Bytes(format!("{year:04}-{month:02}-{day:02}").into_bytes())
        }
        ParamValue::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            micro,
        } => {
            let mut s = format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}");
            if *micro > 0 {
                s.push_str(&format!(".{micro:06}"));
            }
            Value::Bytes(s.into_bytes())
        }
        ParamValue::Time {
            negative,
            days,
            hour,
            minute,
            second,
            micro,
        } => {
            let hours = u64::from(*days) * 24 + u64::from(*hour);
            let mut s = format!(
                "{}{hours:02}:{minute:02}:{second:02}",
                if *negative { "-" } else { "" }
            );
            if *micro > 0 {
                s.push_str(&format!(".{micro:06}"));
            }
            Value::Bytes(s.into_bytes())
        }
    }
}

/// An engine value as a binary-row cell (the wire encoder converts it to the column's type).
pub(crate) fn value_to_cell(v: &Value) -> BinaryCell<'_> {
    match v {
        Value::Null => BinaryCell::Null,
        Value::Int(i) => BinaryCell::I64(*i),
        Value::UInt(u) => BinaryCell::U64(*u),
        Value::Double(d) => BinaryCell::F64(*d),
        Value::Decimal(s) => BinaryCell::Bytes(s.as_bytes()),
        Value::Bytes(b) => BinaryCell::Bytes(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporal_parameters_become_mysql_text() {
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
            param_to_value(&dt),
            Value::Bytes(b"2026-01-02 03:04:05.000060".to_vec())
        );
        let t = ParamValue::Time {
            negative: true,
            days: 1,
            hour: 2,
            minute: 3,
            second: 4,
            micro: 0,
        };
        assert_eq!(param_to_value(&t), Value::Bytes(b"-26:03:04".to_vec()));
        let d = ParamValue::Date {
            year: 999,
            month: 12,
            day: 31,
        };
        assert_eq!(param_to_value(&d), Value::Bytes(b"0999-12-31".to_vec()));
    }
}
