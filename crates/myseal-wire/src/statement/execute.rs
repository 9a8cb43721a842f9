//! COM_STMT_EXECUTE: run a prepared statement with bound parameter values.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_com_stmt_execute.html>,
//! value encodings: <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html#sect_protocol_binary_resultset_row_value>
//!
//! Body layout (after the 0x17 command byte): statement id `int<4>`, flags `int<1>` (cursor type),
//! iteration count `int<4>` (always 1); then, only if the statement has parameters, a NULL bitmap
//! of `(num_params + 7) / 8` bytes (bit offset 0), `new_params_bound_flag` `int<1>`, when that flag
//! is set one (type `int<1>`, flags `int<1>`) pair per parameter (flag 0x80 = unsigned), and
//! finally the binary value of every non-NULL parameter. Without `CLIENT_QUERY_ATTRIBUTES`
//! (which the server does not offer) there is no `parameter_count` field.
//!
//! Like MySQL, decoding ignores bytes after the last parameter value.

use super::{put_datetime, put_time, BinaryKind, DateTimeFields, TimeFields};
use crate::buf::{put_lenenc_bytes, put_u16_le, put_u32_le, put_u64_le, Reader};
use crate::constants::ColumnType;
use crate::error::{Context, WireError};

/// Bit of a parameter's flags byte that marks an unsigned integer type.
const UNSIGNED: u8 = 0x80;

/// Reads the statement id at the start of a COM_STMT_EXECUTE body, so the server can look the
/// statement up (for its parameter count and previously bound types) before decoding the rest.
///
/// # Errors
/// `Truncated` for a body shorter than 4 bytes.
pub fn execute_statement_id(body: &[u8]) -> Result<u32, WireError> {
    Reader::new(body).u32_le().ctx("statement id")
}

/// The type a client bound to one parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamType {
    /// The `MYSQL_TYPE_*` the value is encoded as.
    pub column_type: ColumnType,
    /// Integer types only: the value is unsigned (flags byte 0x80).
    pub unsigned: bool,
}

/// One decoded parameter value.
///
/// Integers are [`ParamValue::Int`] or [`ParamValue::UInt`] according to the unsigned flag,
/// whatever their width. Temporal values follow the wire length: DATE/DATETIME/TIMESTAMP of length
/// 4 are [`ParamValue::Date`], of length 7 or 11 [`ParamValue::DateTime`]; length 0 (the zero
/// value) is a zero `Date` for type DATE and a zero `DateTime` otherwise. Strings, decimals, blobs,
/// JSON, ENUM, SET, BIT and GEOMETRY are [`ParamValue::Bytes`] (decimals as their text).
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// SQL NULL (NULL bitmap bit set, or type NULL).
    Null,
    /// A signed integer (TINY, SHORT, YEAR, LONG, INT24, LONGLONG).
    Int(i64),
    /// An unsigned integer (same types with the unsigned flag).
    UInt(u64),
    /// FLOAT.
    Float(f32),
    /// DOUBLE.
    Double(f64),
    /// Any length-encoded string type.
    Bytes(Vec<u8>),
    /// A date without time (length 4, or a zero DATE).
    Date {
        /// Year.
        year: u16,
        /// Month (1-12; 0 in zero dates).
        month: u8,
        /// Day (1-31; 0 in zero dates).
        day: u8,
    },
    /// A date with time (length 7 or 11, or a zero DATETIME/TIMESTAMP).
    DateTime {
        /// Year.
        year: u16,
        /// Month.
        month: u8,
        /// Day.
        day: u8,
        /// Hour.
        hour: u8,
        /// Minute.
        minute: u8,
        /// Second.
        second: u8,
        /// Microseconds.
        micro: u32,
    },
    /// A time of day or duration (TIME).
    Time {
        /// True for negative durations.
        negative: bool,
        /// Whole days.
        days: u32,
        /// Hours (0-23).
        hour: u8,
        /// Minutes.
        minute: u8,
        /// Seconds.
        second: u8,
        /// Microseconds.
        micro: u32,
    },
}

/// A decoded COM_STMT_EXECUTE body.
#[derive(Clone, Debug, PartialEq)]
pub struct StmtExecute {
    /// The statement to execute.
    pub statement_id: u32,
    /// Cursor flags (`CURSOR_TYPE_*`; 0 = no cursor).
    pub flags: u8,
    /// Iteration count (always 1 in practice).
    pub iteration_count: u32,
    /// One value per parameter.
    pub params: Vec<ParamValue>,
    /// The parameter types in effect: sent in this body, or the previous ones passed to
    /// [`StmtExecute::decode`]. The server remembers them for the next execution.
    pub types: Vec<ParamType>,
}

impl StmtExecute {
    /// Decodes a body (the bytes after the command byte) for a statement with `num_params`
    /// parameters. `previous_types` are the types bound by the previous execution of the same
    /// statement, used when the client does not send types again (`new_params_bound_flag` 0).
    /// Any non-zero `new_params_bound_flag` counts as set.
    ///
    /// # Errors
    /// `Truncated` when the body ends early (including a NULL bitmap longer than the body, so a
    /// huge `num_params` costs nothing); `Malformed` for an unknown parameter type byte, a
    /// temporal value of an invalid length, or `new_params_bound_flag` 0 without
    /// `previous_types` of length `num_params`.
    pub fn decode(
        body: &[u8],
        num_params: usize,
        previous_types: Option<&[ParamType]>,
    ) -> Result<Self, WireError> {
        Self::decode_with_long_data(body, num_params, previous_types, &[])
    }

    /// [`StmtExecute::decode`] for a statement some of whose parameters were sent with
    /// COM_STMT_SEND_LONG_DATA (`long_data[i]` true): the body carries no value for those (as
    /// MySQL's server reads it), and they are decoded as [`ParamValue::Null`] placeholders for
    /// the caller to replace with the data it collected.
    ///
    /// # Errors
    /// As [`StmtExecute::decode`].
    pub fn decode_with_long_data(
        body: &[u8],
        num_params: usize,
        previous_types: Option<&[ParamType]>,
        long_data: &[bool],
    ) -> Result<Self, WireError> {
        let mut r = Reader::new(body);
        let statement_id = r.u32_le().ctx("statement id")?;
        let flags = r.u8().ctx("flags")?;
        let iteration_count = r.u32_le().ctx("iteration count")?;
        if num_params == 0 {
            return Ok(StmtExecute {
                statement_id,
                flags,
                iteration_count,
                params: Vec::new(),
                types: Vec::new(),
            });
        }
        let bitmap = r.bytes(num_params.div_ceil(8)).ctx("NULL bitmap")?;
        let bound = r.u8().ctx("new_params_bound_flag")? != 0;
        let types = if bound {
            let raw = match num_params.checked_mul(2) {
                Some(n) => r.bytes(n).ctx("parameter types")?,
                None => {
                    return Err(WireError::Truncated {
                        what: "parameter types",
                    })
                }
            };
            raw.chunks_exact(2)
                .map(|pair| match pair {
                    [t, f] => param_type(*t, *f),
                    _ => Err(WireError::Truncated {
                        what: "parameter types",
                    }),
                })
                .collect::<Result<Vec<_>, _>>()?
        } else {
            match previous_types {
                Some(prev) if prev.len() == num_params => prev.to_vec(),
                Some(_) => {
                    return Err(WireError::Malformed(
                        "previously bound parameter types do not match the parameter count",
                    ))
                }
                None => {
                    return Err(WireError::Malformed(
                        "COM_STMT_EXECUTE without parameter types before any were bound",
                    ))
                }
            }
        };
        // `num_params` <= 8 * body length here, so this loop is bounded by the input.
        let mut params = Vec::with_capacity(num_params.min(body.len()));
        for (i, t) in types.iter().enumerate() {
            let null = bitmap
                .get(i / 8)
                .is_some_and(|byte| byte & (1 << (i % 8)) != 0);
            let long = long_data.get(i).copied().unwrap_or(false);
            params.push(if null || long {
                ParamValue::Null
            } else {
                decode_value(&mut r, *t)?
            });
        }
        Ok(StmtExecute {
            statement_id,
            flags,
            iteration_count,
            params,
            types,
        })
    }

    /// Appends the body (without the command byte), client side: for tests and tools.
    ///
    /// With parameters, it always sends `new_params_bound_flag` 1 and `self.types`, and a NULL
    /// bitmap with a bit per [`ParamValue::Null`]. Integers take the width of their type (8 bytes
    /// for a non-integer type); other values are written in their own format whatever their type,
    /// so keep `params` and `types` consistent (the decoder rejects or misreads mismatches).
    /// Dates are written with length 4, date-times with 7 or 11, times with 8 or 12.
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_u32_le(out, self.statement_id);
        out.push(self.flags);
        put_u32_le(out, self.iteration_count);
        if self.params.is_empty() {
            return;
        }
        let mut bitmap = vec![0u8; self.params.len().div_ceil(8)];
        for (i, p) in self.params.iter().enumerate() {
            if *p == ParamValue::Null {
                if let Some(byte) = bitmap.get_mut(i / 8) {
                    *byte |= 1 << (i % 8);
                }
            }
        }
        out.extend_from_slice(&bitmap);
        out.push(1);
        for t in &self.types {
            out.extend_from_slice(&[t.column_type.0, if t.unsigned { UNSIGNED } else { 0 }]);
        }
        for (i, p) in self.params.iter().enumerate() {
            let kind = self
                .types
                .get(i)
                .and_then(|t| BinaryKind::of(t.column_type));
            encode_value(out, p, kind);
        }
    }
}

/// Validates one (type, flags) pair.
fn param_type(type_byte: u8, flags: u8) -> Result<ParamType, WireError> {
    let column_type = ColumnType(type_byte);
    if BinaryKind::of(column_type).is_none() {
        return Err(WireError::Malformed("unknown parameter type"));
    }
    Ok(ParamType {
        column_type,
        unsigned: flags & UNSIGNED != 0,
    })
}

/// Reads one non-NULL value of type `t`.
fn decode_value(r: &mut Reader<'_>, t: ParamType) -> Result<ParamValue, WireError> {
    const WHAT: &str = "parameter value";
    let int = |signed: i64, unsigned: u64| {
        if t.unsigned {
            ParamValue::UInt(unsigned)
        } else {
            ParamValue::Int(signed)
        }
    };
    let kind =
        BinaryKind::of(t.column_type).ok_or(WireError::Malformed("unknown parameter type"))?;
    Ok(match kind {
        BinaryKind::Int1 => {
            let v = r.u8().ctx(WHAT)?;
            int(i64::from(v as i8), u64::from(v))
        }
        BinaryKind::Int2 => {
            let v = r.u16_le().ctx(WHAT)?;
            int(i64::from(v as i16), u64::from(v))
        }
        BinaryKind::Int4 => {
            let v = r.u32_le().ctx(WHAT)?;
            int(i64::from(v as i32), u64::from(v))
        }
        BinaryKind::Int8 => {
            let v = r.u64_le().ctx(WHAT)?;
            int(v as i64, v)
        }
        BinaryKind::Float => ParamValue::Float(f32::from_bits(r.u32_le().ctx(WHAT)?)),
        BinaryKind::Double => ParamValue::Double(f64::from_bits(r.u64_le().ctx(WHAT)?)),
        BinaryKind::DateTime => {
            let len = r.u8().ctx(WHAT)?;
            let mut f = Reader::new(r.bytes(usize::from(len)).ctx(WHAT)?);
            match len {
                0 if t.column_type == ColumnType::DATE => ParamValue::Date {
                    year: 0,
                    month: 0,
                    day: 0,
                },
                0 => ParamValue::DateTime {
                    year: 0,
                    month: 0,
                    day: 0,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    micro: 0,
                },
                4 => ParamValue::Date {
                    year: f.u16_le()?,
                    month: f.u8()?,
                    day: f.u8()?,
                },
                7 | 11 => ParamValue::DateTime {
                    year: f.u16_le()?,
                    month: f.u8()?,
                    day: f.u8()?,
                    hour: f.u8()?,
                    minute: f.u8()?,
                    second: f.u8()?,
                    micro: if len == 11 { f.u32_le()? } else { 0 },
                },
                _ => {
                    return Err(WireError::Malformed(
                        "date/time value length not 0, 4, 7 or 11",
                    ))
                }
            }
        }
        BinaryKind::Time => {
            let len = r.u8().ctx(WHAT)?;
            let mut f = Reader::new(r.bytes(usize::from(len)).ctx(WHAT)?);
            match len {
                0 => ParamValue::Time {
                    negative: false,
                    days: 0,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    micro: 0,
                },
                8 | 12 => ParamValue::Time {
                    negative: f.u8()? != 0,
                    days: f.u32_le()?,
                    hour: f.u8()?,
                    minute: f.u8()?,
                    second: f.u8()?,
                    micro: if len == 12 { f.u32_le()? } else { 0 },
                },
                _ => return Err(WireError::Malformed("time value length not 0, 8 or 12")),
            }
        }
        BinaryKind::Null => ParamValue::Null,
        BinaryKind::Bytes => ParamValue::Bytes(r.lenenc_bytes().ctx(WHAT)?.to_vec()),
    })
}

/// Writes one value; see [`StmtExecute::encode`].
fn encode_value(out: &mut Vec<u8>, v: &ParamValue, kind: Option<BinaryKind>) {
    let int = |out: &mut Vec<u8>, bits: u64| match kind {
        Some(BinaryKind::Int1) => out.push(bits as u8),
        Some(BinaryKind::Int2) => put_u16_le(out, bits as u16),
        Some(BinaryKind::Int4) => put_u32_le(out, bits as u32),
        _ => put_u64_le(out, bits),
    };
    match v {
        ParamValue::Null => {}
        ParamValue::Int(i) => int(out, *i as u64),
        ParamValue::UInt(u) => int(out, *u),
        ParamValue::Float(f) => put_u32_le(out, f.to_bits()),
        ParamValue::Double(d) => put_u64_le(out, d.to_bits()),
        ParamValue::Bytes(b) => put_lenenc_bytes(out, b),
        ParamValue::Date { year, month, day } => {
            let fields = DateTimeFields {
                year: *year,
                month: *month,
                day: *day,
                ..DateTimeFields::default()
            };
            put_datetime(out, &fields, 4);
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
            let fields = DateTimeFields {
                year: *year,
                month: *month,
                day: *day,
                hour: *hour,
                minute: *minute,
                second: *second,
                micro: *micro,
            };
            put_datetime(out, &fields, if *micro == 0 { 7 } else { 11 });
        }
        ParamValue::Time {
            negative,
            days,
            hour,
            minute,
            second,
            micro,
        } => {
            let fields = TimeFields {
                negative: *negative,
                days: *days,
                hour: *hour,
                minute: *minute,
                second: *second,
                micro: *micro,
            };
            put_time(out, &fields, if *micro == 0 { 8 } else { 12 });
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn t(column_type: ColumnType, unsigned: bool) -> ParamType {
        ParamType {
            column_type,
            unsigned,
        }
    }

    fn sample() -> StmtExecute {
        let params = vec![
            (t(ColumnType::TINY, false), ParamValue::Int(-2)),
            (t(ColumnType::TINY, true), ParamValue::UInt(200)),
            (t(ColumnType::SHORT, false), ParamValue::Int(-300)),
            (t(ColumnType::YEAR, true), ParamValue::UInt(2024)),
            (t(ColumnType::LONG, false), ParamValue::Int(-70_000)),
            (t(ColumnType::INT24, true), ParamValue::UInt(0xFF_FFFF)),
            (t(ColumnType::LONGLONG, false), ParamValue::Int(i64::MIN)),
            (t(ColumnType::LONGLONG, true), ParamValue::UInt(u64::MAX)),
            (t(ColumnType::VAR_STRING, false), ParamValue::Null),
            (t(ColumnType::FLOAT, false), ParamValue::Float(1.5)),
            (t(ColumnType::DOUBLE, false), ParamValue::Double(-2.25)),
            (
                t(ColumnType::DATE, false),
                ParamValue::Date {
                    year: 2024,
                    month: 2,
                    day: 29,
                },
            ),
            (
                t(ColumnType::DATETIME, false),
                ParamValue::DateTime {
                    year: 1999,
                    month: 12,
                    day: 31,
                    hour: 23,
                    minute: 59,
                    second: 58,
                    micro: 0,
                },
            ),
            (
                t(ColumnType::TIMESTAMP, false),
                ParamValue::DateTime {
                    year: 2000,
                    month: 1,
                    day: 1,
                    hour: 0,
                    minute: 0,
                    second: 1,
                    micro: 123_456,
                },
            ),
            (
                t(ColumnType::TIME, false),
                ParamValue::Time {
                    negative: true,
                    days: 2,
                    hour: 3,
                    minute: 4,
                    second: 5,
                    micro: 0,
                },
            ),
            (
                t(ColumnType::TIME, false),
                ParamValue::Time {
                    negative: false,
                    days: 0,
                    hour: 1,
                    minute: 0,
                    second: 0,
                    micro: 7,
                },
            ),
            (
                t(ColumnType::NEWDECIMAL, false),
                ParamValue::Bytes(b"12.50".to_vec()),
            ),
            (
                t(ColumnType::BLOB, false),
                ParamValue::Bytes(vec![0xFB; 300]),
            ),
            (t(ColumnType::NULL, false), ParamValue::Null),
        ];
        StmtExecute {
            statement_id: 42,
            flags: 0,
            iteration_count: 1,
            types: params.iter().map(|(t, _)| *t).collect(),
            params: params.into_iter().map(|(_, v)| v).collect(),
        }
    }

    fn encoded(msg: &StmtExecute) -> Vec<u8> {
        let mut out = Vec::new();
        msg.encode(&mut out);
        out
    }

    #[test]
    fn round_trips_every_parameter_type() {
        let msg = sample();
        let body = encoded(&msg);
        assert_eq!(execute_statement_id(&body).unwrap(), 42);
        let n = msg.params.len();
        assert_eq!(StmtExecute::decode(&body, n, None).unwrap(), msg);
    }

    #[test]
    fn encodes_the_documented_header_bitmap_and_types() {
        let msg = StmtExecute {
            statement_id: 7,
            flags: 0,
            iteration_count: 1,
            params: vec![ParamValue::UInt(5), ParamValue::Null],
            types: vec![t(ColumnType::SHORT, true), t(ColumnType::NULL, false)],
        };
        assert_eq!(
            encoded(&msg),
            [7, 0, 0, 0, 0, 1, 0, 0, 0, 0b10, 1, 0x02, 0x80, 0x06, 0x00, 5, 0]
        );
    }

    #[test]
    fn a_statement_without_parameters_has_no_bitmap() {
        let msg = StmtExecute {
            statement_id: 1,
            flags: 1,
            iteration_count: 1,
            params: vec![],
            types: vec![],
        };
        let body = encoded(&msg);
        assert_eq!(body.len(), 9);
        assert_eq!(StmtExecute::decode(&body, 0, None).unwrap(), msg);
    }

    #[test]
    fn reuses_previous_types_when_none_are_sent() {
        let types = [t(ColumnType::LONG, true), t(ColumnType::STRING, false)];
        // id, flags, iterations, bitmap, new_params_bound_flag 0, values.
        let body = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 9, 0, 0, 0, 2, b'h', b'i'];
        let msg = StmtExecute::decode(&body, 2, Some(&types)).unwrap();
        assert_eq!(
            msg.params,
            [ParamValue::UInt(9), ParamValue::Bytes(b"hi".to_vec())]
        );
        assert_eq!(msg.types, types);
        assert!(matches!(
            StmtExecute::decode(&body, 2, None),
            Err(WireError::Malformed(_))
        ));
        assert!(matches!(
            StmtExecute::decode(&body, 2, Some(&types[..1])),
            Err(WireError::Malformed(_))
        ));
    }

    #[test]
    fn decodes_zero_length_temporal_values_as_zero_values() {
        let body = [
            1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x0a, 0, 0x0c, 0, 0x0b, 0, 0, 0, 0,
        ];
        let msg = StmtExecute::decode(&body, 3, None).unwrap();
        assert_eq!(
            msg.params,
            [
                ParamValue::Date {
                    year: 0,
                    month: 0,
                    day: 0
                },
                ParamValue::DateTime {
                    year: 0,
                    month: 0,
                    day: 0,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    micro: 0
                },
                ParamValue::Time {
                    negative: false,
                    days: 0,
                    hour: 0,
                    minute: 0,
                    second: 0,
                    micro: 0
                },
            ]
        );
    }

    #[test]
    fn rejects_unknown_types_and_bad_temporal_lengths() {
        let unknown = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x0e, 0, 0];
        assert_eq!(
            StmtExecute::decode(&unknown, 1, None),
            Err(WireError::Malformed("unknown parameter type"))
        );
        let bad_date = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x0a, 0, 2, 1, 1];
        assert!(matches!(
            StmtExecute::decode(&bad_date, 1, None),
            Err(WireError::Malformed(_))
        ));
        let bad_time = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0x0b, 0, 1, 1];
        assert!(matches!(
            StmtExecute::decode(&bad_time, 1, None),
            Err(WireError::Malformed(_))
        ));
    }

    #[test]
    fn every_truncation_is_an_error_and_huge_param_counts_are_cheap() {
        let msg = sample();
        let body = encoded(&msg);
        let n = msg.params.len();
        for cut in 0..body.len() {
            assert!(
                StmtExecute::decode(&body[..cut], n, None).is_err(),
                "cut at {cut}"
            );
        }
        assert_eq!(
            StmtExecute::decode(&body, usize::MAX, None),
            Err(WireError::Truncated {
                what: "NULL bitmap"
            })
        );
        assert!(StmtExecute::decode(&body, 1 << 40, Some(&[])).is_err());
        assert_eq!(
            execute_statement_id(&[1, 2, 3]),
            Err(WireError::Truncated {
                what: "statement id"
            })
        );
    }
}
