//! Values into columns: MySQL's storage conversions, strict mode errors and relaxed-mode
//! warnings.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-mode.html#sql-mode-strict>

use crate::error::EngineError;
use crate::storage::key;
use crate::types::{BaseType, SqlType};
use crate::value::{Dec, Value};

/// Converts a value to a column's type with MySQL's storage rules. Strict mode turns range and
/// length problems into errors; otherwise the value is clipped and a warning recorded.
pub(crate) fn convert(
    v: &Value,
    ty: &SqlType,
    strict: bool,
    col: &str,
    row: u64,
    warnings: &mut Vec<(u16, String)>,
) -> Result<Value, EngineError> {
    convert_in(v, ty, strict, "", col, row, warnings)
}

/// [`convert`] into column `col` of table `table`, which messages that name the column as
/// `table.column` (a JSON column's ER 3140) need.
pub(crate) fn convert_in(
    v: &Value,
    ty: &SqlType,
    strict: bool,
    table: &str,
    col: &str,
    row: u64,
    warnings: &mut Vec<(u16, String)>,
) -> Result<Value, EngineError> {
    use crate::types::ResultKind as K;
    if v.is_null() {
        return Ok(Value::Null);
    }
    if ty.base == BaseType::Json {
        let column = if table.is_empty() {
            col.to_string()
        } else {
            format!("{table}.{col}")
        };
        return json_value(v, &column);
    }
    let out_of_range = |warnings: &mut Vec<(u16, String)>| -> Result<(), EngineError> {
        let msg = format!("Out of range value for column '{col}' at row {row}");
        if strict {
            Err(EngineError::new(1264, "22003", msg))
        } else {
            warnings.push((1264, msg));
            Ok(())
        }
    };
    let bad_value = |kind: &str, warnings: &mut Vec<(u16, String)>| -> Result<(), EngineError> {
        let msg = format!(
            "Incorrect {kind} value: '{}' for column '{col}' at row {row}",
            v.to_string_lossy().unwrap_or_default()
        );
        if strict {
            Err(EngineError::new(1366, "HY000", msg))
        } else {
            warnings.push((1366, msg));
            Ok(())
        }
    };
    let stored = match ty.result_kind() {
        K::Int if ty.base == BaseType::Bit => Value::UInt(match v {
            Value::Bytes(b) => b.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x)),
            other => other.to_i64().unwrap_or(0) as u64,
        }),
        K::Int => {
            let (lo, hi): (i128, i128) = match (ty.base, ty.unsigned) {
                (BaseType::TinyInt, false) => (-128, 127),
                (BaseType::TinyInt, true) => (0, 255),
                (BaseType::SmallInt, false) => (-32768, 32767),
                (BaseType::SmallInt, true) => (0, 65535),
                (BaseType::MediumInt, false) => (-8_388_608, 8_388_607),
                (BaseType::MediumInt, true) => (0, 16_777_215),
                (BaseType::Int, false) => (i128::from(i32::MIN), i128::from(i32::MAX)),
                (BaseType::Int, true) => (0, i128::from(u32::MAX)),
                (BaseType::Year, _) => (0, 2155),
                (_, false) => (i128::from(i64::MIN), i128::from(i64::MAX)),
                (_, true) => (0, i128::from(u64::MAX)),
            };
            let n: i128 = match v {
                Value::Int(i) => i128::from(*i),
                Value::UInt(u) => i128::from(*u),
                Value::Bytes(b) => {
                    let s = String::from_utf8_lossy(b);
                    let t = s.trim();
                    match Dec::parse(t) {
                        Some(d) => d.round(0).trunc_int(),
                        None => {
                            bad_value("integer", warnings)?;
                            crate::value::parse_i64_prefix(b).into()
                        }
                    }
                }
                Value::Double(d) => {
                    let r = d.round();
                    if r >= 1.8e19 {
                        i128::from(u64::MAX) + 1
                    } else if r <= -9.3e18 {
                        i128::from(i64::MIN) - 1
                    } else {
                        r as i128
                    }
                }
                other => other.to_dec().map(|d| d.round(0).trunc_int()).unwrap_or(0),
            };
            let clipped = n.clamp(lo, hi);
            if clipped != n {
                out_of_range(warnings)?;
            }
            if ty.unsigned || ty.base == BaseType::Year {
                Value::UInt(u64::try_from(clipped).unwrap_or(0))
            } else {
                Value::Int(i64::try_from(clipped).unwrap_or(0))
            }
        }
        K::Decimal => {
            let d = match v {
                Value::Bytes(b) => match Dec::parse(String::from_utf8_lossy(b).trim()) {
                    Some(d) => d,
                    None => {
                        bad_value("decimal", warnings)?;
                        v.to_dec().unwrap_or(Dec::ZERO)
                    }
                },
                other => other.to_dec().unwrap_or(Dec::ZERO),
            };
            let scale = u32::from(ty.scale);
            let r = d.round(scale).rescale(scale).unwrap_or(Dec::ZERO);
            let int_digits = ty.length.saturating_sub(scale);
            let limit = 10i128.checked_pow(int_digits + scale).unwrap_or(i128::MAX);
            if r.mant.abs() >= limit || (ty.unsigned && r.mant < 0) {
                out_of_range(warnings)?;
                let m = if r.mant < 0 && !ty.unsigned {
                    -(limit - 1)
                } else if r.mant < 0 {
                    0
                } else {
                    limit - 1
                };
                Value::Decimal(Dec { mant: m, scale })
            } else {
                Value::Decimal(r)
            }
        }
        K::Real => {
            let f = match v {
                Value::Bytes(b) => {
                    let s = String::from_utf8_lossy(b);
                    match s.trim().parse::<f64>() {
                        Ok(f) => f,
                        Err(_) => {
                            bad_value("double", warnings)?;
                            crate::value::parse_f64_prefix(b)
                        }
                    }
                }
                other => other.to_f64().unwrap_or(0.0),
            };
            let f = if ty.base == BaseType::Float {
                f as f32 as f64
            } else {
                f
            };
            Value::Double(f)
        }
        K::Temporal => match (ty.base, v) {
            (BaseType::Date, Value::Date(_)) => v.clone(),
            (BaseType::Date, Value::DateTime(d)) => Value::Date(d.date),
            (BaseType::DateTime | BaseType::Timestamp, Value::DateTime(_)) => v.clone(),
            (BaseType::DateTime | BaseType::Timestamp, Value::Date(d)) => {
                Value::DateTime(crate::temporal::DateTime::from_date(*d))
            }
            (BaseType::Time, Value::Time(_)) => v.clone(),
            (BaseType::Time, other) => {
                match crate::temporal::parse_time_loose(&other.to_text().unwrap_or_default()) {
                    Some(t) => Value::Time(t),
                    None => {
                        let msg = format!(
                            "Incorrect time value: '{}' for column '{col}' at row {row}",
                            other.to_string_lossy().unwrap_or_default()
                        );
                        if strict {
                            return Err(EngineError::new(1292, "22007", msg));
                        }
                        warnings.push((1292, msg));
                        Value::Time(crate::temporal::Time::default())
                    }
                }
            }
            (_, other) => {
                match crate::temporal::parse_datetime_loose(&other.to_text().unwrap_or_default()) {
                    Some(dt) => {
                        if ty.base == BaseType::Date {
                            Value::Date(dt.date)
                        } else {
                            Value::DateTime(dt)
                        }
                    }
                    None => {
                        let kind = if ty.base == BaseType::Date {
                            "date"
                        } else {
                            "datetime"
                        };
                        let msg = format!(
                            "Incorrect {kind} value: '{}' for column '{col}' at row {row}",
                            other.to_string_lossy().unwrap_or_default()
                        );
                        if strict {
                            return Err(EngineError::new(1292, "22007", msg));
                        }
                        warnings.push((
                            1265,
                            format!("Data truncated for column '{col}' at row {row}"),
                        ));
                        if ty.base == BaseType::Date {
                            Value::Date(Default::default())
                        } else {
                            Value::DateTime(Default::default())
                        }
                    }
                }
            }
        },
        K::String => {
            let mut b = match v {
                Value::Double(d) => crate::value::format_double(*d).into_bytes(),
                other => other.to_text().unwrap_or_default(),
            };
            if matches!(ty.base, BaseType::Enum | BaseType::Set) {
                let n = key::member_number(&Value::Bytes(b.clone()), ty);
                if n == 0 && !(ty.base == BaseType::Set && b.is_empty()) {
                    let msg = format!("Data truncated for column '{col}' at row {row}");
                    if strict {
                        return Err(EngineError::new(1265, "01000", msg));
                    }
                    warnings.push((1265, msg));
                    return Ok(Value::str(""));
                }
                if ty.base == BaseType::Enum {
                    let els = ty.elements.as_deref().unwrap_or(&[]);
                    return Ok(Value::str(
                        els.get(n as usize - 1).cloned().unwrap_or_default(),
                    ));
                }
                return Ok(Value::Bytes(b));
            }
            if ty.is_text() {
                // A text column of latin1/ascii/utf8mb3 keeps only what its set represents.
                match crate::charset::Charset::of(ty.collation).convert(b) {
                    Ok(fit) => b = fit,
                    Err((at, fit)) => {
                        let msg = format!(
                            "Incorrect string value: '{}' for column '{col}' at row {row}",
                            crate::charset::printable(v_bytes(v).get(at..).unwrap_or_default())
                        );
                        if strict {
                            return Err(EngineError::new(1366, "HY000", msg));
                        }
                        warnings.push((1366, msg));
                        b = fit;
                    }
                }
            }
            let max = ty.max_chars();
            let too_long =
                if ty.is_binary_string() || ty.collation.is_binary() || ty.max_bytes().is_some() {
                    let lim = ty.max_bytes().unwrap_or(max);
                    (b.len() as u64 > lim).then_some(lim as usize)
                } else {
                    let s = String::from_utf8_lossy(&b);
                    let n = s.chars().count() as u64;
                    (n > max).then(|| {
                        s.char_indices()
                            .nth(max as usize)
                            .map(|(i, _)| i)
                            .unwrap_or(b.len())
                    })
                };
            if let Some(cut) = too_long {
                let msg = format!("Data too long for column '{col}' at row {row}");
                if strict {
                    return Err(EngineError::new(1406, "22001", msg));
                }
                warnings.push((
                    1265,
                    format!("Data truncated for column '{col}' at row {row}"),
                ));
                b.truncate(cut);
            }
            if ty.base == BaseType::Binary {
                b.resize(ty.length as usize, 0);
            }
            if ty.base == BaseType::Char {
                while b.last() == Some(&b' ') {
                    b.pop();
                }
            }
            Value::Bytes(b)
        }
    };
    Ok(with_fsp(stored, ty))
}

/// The bytes of a string value (its text form otherwise), for error messages.
fn v_bytes(v: &Value) -> Vec<u8> {
    v.to_text().unwrap_or_default()
}

/// A value stored into a JSON column: JSON text, validated and normalized; invalid text is
/// ER 3140 in every sql_mode, a binary string ER 3144, any other type ER 3140 "not a JSON
/// text, may need CAST", as in MySQL.
fn json_value(v: &Value, column: &str) -> Result<Value, EngineError> {
    match v {
        Value::Bytes(b) => {
            let j = crate::json::parse_bytes(b)?.map_err(|e| e.in_column(column))?;
            Ok(Value::Bytes(j.to_text()?.into_bytes()))
        }
        _ => Err(EngineError::invalid_json_text(
            "not a JSON text, may need CAST",
            0,
            column,
        )),
    }
}

/// Rounds the fraction of a temporal value to the column's fractional seconds precision, as
/// MySQL stores into DATETIME(fsp), TIMESTAMP(fsp) and TIME(fsp) (half up; DATETIME(0) keeps
/// no microseconds).
fn with_fsp(v: Value, ty: &SqlType) -> Value {
    let fsp = ty.scale.min(6);
    match (ty.base, v) {
        (BaseType::DateTime | BaseType::Timestamp, Value::DateTime(dt)) => Value::DateTime(
            crate::temporal::round_datetime(dt, fsp)
                .unwrap_or_else(|| crate::temporal::truncate_datetime(dt, fsp)),
        ),
        (BaseType::Time, Value::Time(t)) => Value::Time(crate::temporal::round_time(t, fsp)),
        (_, v) => v,
    }
}
