//! CAST/CONVERT helpers for the executor:
//! <https://dev.mysql.com/doc/refman/8.4/en/cast-functions.html>.
//!
//! Each takes an evaluated value and returns the converted one, adding MySQL's warnings
//! (1292 `Truncated incorrect INTEGER value: 'abc'`, `... DECIMAL value ...`, `... CHAR(3)
//! value ...`, 1264 for a DECIMAL that does not fit its precision). Casts never fail at run
//! time; [`check_decimal_precision`] reports the bind-time errors of `DECIMAL(M,D)`.

use super::string::{advance, text};
use super::{
    err_text, is_int_text, is_number_text, sane_dec, sane_value, str_to_f64, warn_truncated,
};
use crate::ctx::FuncCtx;
use crate::error::EngineError;
use crate::value::{Dec, Value};

/// The integer prefix (sign and digits after leading whitespace) of a string, saturating at
/// the i128 range; 0 when there is none.
fn int_prefix(b: &[u8]) -> i128 {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let t = b.get(start..).unwrap_or_default();
    let (neg, digits) = match t.first() {
        Some(b'-') => (true, t.get(1..).unwrap_or_default()),
        Some(b'+') => (false, t.get(1..).unwrap_or_default()),
        _ => (false, t),
    };
    let mut v: i128 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i128::from(c - b'0'));
    }
    if neg { -v } else { v }
}

/// 2^63 as a double: the first value past i64::MAX.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
/// 2^64 as a double: the first value past u64::MAX.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;

/// A double's text as MySQL quotes it in truncation warnings.
fn real_text(d: f64) -> Vec<u8> {
    crate::value::format_double(d).into_bytes()
}

/// CAST(v AS SIGNED): doubles round half to even (MySQL's `rint`), decimals half away from
/// zero, strings take their integer prefix.
pub(crate) fn cast_signed(v: &Value, ctx: &mut dyn FuncCtx) -> Value {
    let v = sane_value(v);
    let v = v.as_ref();
    match v {
        Value::Null => Value::Null,
        Value::Int(i) => Value::Int(*i),
        Value::UInt(u) => Value::Int(*u as i64),
        Value::Double(d) => {
            let r = d.round_ties_even();
            if (-TWO_POW_63..TWO_POW_63).contains(&r) {
                Value::Int(r as i64)
            } else {
                warn_truncated(ctx, "INTEGER", &real_text(*d));
                Value::Int(if r < 0.0 { i64::MIN } else { i64::MAX })
            }
        }
        Value::Decimal(d) => {
            let r = sane_dec(*d).round(0).mant;
            i64::try_from(r).map_or_else(
                |_| {
                    warn_truncated(ctx, "DECIMAL", d.to_string().as_bytes());
                    Value::Int(if r < 0 { i64::MIN } else { i64::MAX })
                },
                Value::Int,
            )
        }
        Value::Bytes(b) => {
            let complete = is_int_text(b);
            if !complete {
                warn_truncated(ctx, "INTEGER", b);
            }
            let p = int_prefix(b);
            if let Ok(i) = i64::try_from(p) {
                Value::Int(i)
            } else if let Ok(u) = u64::try_from(p) {
                // MySQL reads the digits as unsigned and reinterprets them.
                Value::Int(u as i64)
            } else {
                if complete {
                    warn_truncated(ctx, "INTEGER", b);
                }
                Value::Int(if p < 0 { i64::MIN } else { i64::MAX })
            }
        }
        other => Value::Int(other.to_i64().unwrap_or(0)),
    }
}

/// CAST(v AS UNSIGNED): negative integers wrap to their 64-bit two's complement.
pub(crate) fn cast_unsigned(v: &Value, ctx: &mut dyn FuncCtx) -> Value {
    let v = sane_value(v);
    let v = v.as_ref();
    let wrap = |p: i128| -> Option<u64> {
        u64::try_from(p)
            .ok()
            .or_else(|| i64::try_from(p).ok().map(|i| i as u64))
    };
    match v {
        Value::Null => Value::Null,
        Value::Int(i) => Value::UInt(*i as u64),
        Value::UInt(u) => Value::UInt(*u),
        Value::Double(d) => {
            let r = d.round_ties_even();
            if (0.0..TWO_POW_64).contains(&r) {
                Value::UInt(r as u64)
            } else if (-TWO_POW_63..0.0).contains(&r) {
                Value::UInt(r as i64 as u64)
            } else {
                warn_truncated(ctx, "INTEGER", &real_text(*d));
                Value::UInt(if r < 0.0 { 0 } else { u64::MAX })
            }
        }
        Value::Decimal(d) => {
            let r = sane_dec(*d).round(0).mant;
            wrap(r).map_or_else(
                || {
                    warn_truncated(ctx, "DECIMAL", d.to_string().as_bytes());
                    Value::UInt(if r < 0 { 0 } else { u64::MAX })
                },
                Value::UInt,
            )
        }
        Value::Bytes(b) => {
            let complete = is_int_text(b);
            if !complete {
                warn_truncated(ctx, "INTEGER", b);
            }
            let p = int_prefix(b);
            wrap(p).map_or_else(
                || {
                    if complete {
                        warn_truncated(ctx, "INTEGER", b);
                    }
                    Value::UInt(if p < 0 { 0 } else { u64::MAX })
                },
                Value::UInt,
            )
        }
        other => Value::UInt(other.to_i64().unwrap_or(0) as u64),
    }
}

/// Bind-time check of `CAST(expr AS DECIMAL(m, d))`: ER 1426 for a precision over 65 (or 0),
/// ER 1425 for a scale over 30, ER 1427 when `d > m`. `expr` is the printed argument.
pub(crate) fn check_decimal_precision(m: u64, d: u64, expr: &str) -> Result<(), EngineError> {
    if m > 65 || m == 0 {
        return Err(EngineError::new(
            1426,
            "42000",
            format!("Too-big precision {m} specified for '{expr}'. Maximum is 65."),
        ));
    }
    if d > 30 {
        return Err(EngineError::new(
            1425,
            "42000",
            format!("Too big scale {d} specified for '{expr}'. Maximum is 30."),
        ));
    }
    if d > m {
        return Err(EngineError::new(
            1427,
            "42000",
            format!(
                "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '{expr}')."
            ),
        ));
    }
    Ok(())
}

/// CAST(v AS DECIMAL(m, d)): rounded half away from zero to `d` decimals; a value that does
/// not fit `m` digits becomes the largest that does, with warning 1264. `m` is clamped to
/// 1..=65 and `d` to 0..=min(30, m) (the binder validates them with
/// [`check_decimal_precision`]).
pub(crate) fn cast_decimal(v: &Value, m: u32, d: u32, ctx: &mut dyn FuncCtx) -> Value {
    let v = sane_value(v);
    let v = v.as_ref();
    if v.is_null() {
        return Value::Null;
    }
    let m = m.clamp(1, 65);
    let d = d.min(30).min(m);
    if let Value::Bytes(b) = v
        && !is_number_text(b)
    {
        warn_truncated(ctx, "DECIMAL", b);
    }
    let f = v.to_f64().unwrap_or(0.0);
    let max = 10i128.checked_pow(m).map(|p| p - 1);
    let clamp = |ctx: &mut dyn FuncCtx, negative: bool| {
        ctx.warn(
            1264,
            "Out of range value for column '(null)' at row 1".into(),
        );
        let mant = max.unwrap_or(i128::MAX);
        Value::Decimal(Dec {
            mant: if negative { -mant } else { mant },
            scale: d,
        })
    };
    if !f.is_finite() || f.abs() >= 1e38 {
        return clamp(ctx, f < 0.0);
    }
    let x = sane_dec(v.to_dec().unwrap_or(Dec::ZERO));
    let r = x.round(d);
    let r = if r.scale < d {
        match 10i128
            .checked_pow(d - r.scale)
            .and_then(|p| r.mant.checked_mul(p))
        {
            Some(mant) => Dec { mant, scale: d },
            None => return clamp(ctx, r.mant < 0),
        }
    } else {
        r
    };
    match max {
        Some(max) if r.mant.abs() > max => clamp(ctx, r.mant < 0),
        _ => Value::Decimal(r),
    }
}

/// CAST(v AS DOUBLE) / AS FLOAT / AS REAL.
pub(crate) fn cast_double(v: &Value, ctx: &mut dyn FuncCtx) -> Value {
    let v = sane_value(v);
    let v = v.as_ref();
    match v {
        Value::Null => Value::Null,
        Value::Bytes(b) => Value::Double(str_to_f64(b, ctx)),
        other => Value::Double(other.to_f64().unwrap_or(0.0)),
    }
}

/// CAST(v AS CHAR[(n)]): the text form, cut to `n` characters with warning 1292
/// `Truncated incorrect CHAR(n) value`.
pub(crate) fn cast_char(v: &Value, len: Option<u32>, ctx: &mut dyn FuncCtx) -> Value {
    let v = sane_value(v);
    let v = v.as_ref();
    let Some(t) = text(v) else {
        return Value::Null;
    };
    if let Some(n) = len {
        let end = advance(&t, 0, u64::from(n), false);
        if end < t.len() {
            ctx.warn(
                1292,
                format!("Truncated incorrect CHAR({n}) value: '{}'", err_text(&t)),
            );
            return Value::Bytes(t.get(..end).unwrap_or_default().to_vec());
        }
    }
    Value::Bytes(t.into_owned())
}

/// CAST(v AS BINARY[(n)]): the bytes, cut to `n` (warning 1292 `Truncated incorrect
/// BINARY(n) value`) or padded with 0x00 to `n`.
pub(crate) fn cast_binary(v: &Value, len: Option<u32>, ctx: &mut dyn FuncCtx) -> Value {
    let v = sane_value(v);
    let v = v.as_ref();
    let Some(t) = text(v) else {
        return Value::Null;
    };
    let mut out = t.into_owned();
    if let Some(n) = len {
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if out.len() > n {
            ctx.warn(
                1292,
                format!(
                    "Truncated incorrect BINARY({n}) value: '{}'",
                    err_text(&out)
                ),
            );
            out.truncate(n);
        } else if out.len() < n && n <= ctx.max_allowed_packet() {
            out.resize(n, 0);
        }
    }
    Value::Bytes(out)
}
