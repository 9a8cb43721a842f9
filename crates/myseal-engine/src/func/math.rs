//! Numeric functions and arithmetic:
//! <https://dev.mysql.com/doc/refman/8.4/en/numeric-functions.html>.

use super::{
    ArithOp, Func, Num, arg, f64_arg, int_arg, num, printed_call, sane_value, sql_literal,
};
use crate::collation::Collation;
use crate::ctx::FuncCtx;
use crate::error::EngineError;
use crate::value::{DECIMAL_MAX_SCALE, Dec, Value};

/// 10^n as i128, None past 10^38.
fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// An integer result, signed or unsigned; None when out of range.
fn int_value(v: i128, unsigned: bool) -> Option<Value> {
    if unsigned {
        u64::try_from(v).ok().map(Value::UInt)
    } else {
        i64::try_from(v).ok().map(Value::Int)
    }
}

fn int_parts(n: Num) -> Option<(i128, bool)> {
    match n {
        Num::I(i) => Some((i128::from(i), false)),
        Num::U(u) => Some((i128::from(u), true)),
        _ => None,
    }
}

fn division_by_zero(ctx: &mut dyn FuncCtx) -> Value {
    ctx.warn(1365, "Division by 0".into());
    Value::Null
}

/// `+ - * / DIV %` on evaluated operands with MySQL's rules: integers stay integers (checked,
/// ER 1690), DECIMAL is exact (`/` adds `div_precision_increment` digits), anything with a
/// double or a string is computed in doubles; division by zero is NULL with warning 1365.
pub(super) fn arith(
    op: ArithOp,
    a: &Value,
    b: &Value,
    ctx: &mut dyn FuncCtx,
) -> Result<Value, EngineError> {
    let (a, b) = (sane_value(a), sane_value(b));
    let (a, b) = (a.as_ref(), b.as_ref());
    let x = num(a, ctx);
    let y = num(b, ctx);
    let (Some(x), Some(y)) = (x, y) else {
        return Ok(Value::Null);
    };
    let expr = || format!("({} {} {})", sql_literal(a), op.symbol(), sql_literal(b));
    let real = matches!(x, Num::F(_)) || matches!(y, Num::F(_));
    if real {
        let (x, y) = (x.to_f64(), y.to_f64());
        let r = match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            ArithOp::Mul => x * y,
            ArithOp::Div | ArithOp::IntDiv | ArithOp::Mod if y == 0.0 => {
                return Ok(division_by_zero(ctx));
            }
            ArithOp::Div => x / y,
            ArithOp::Mod => x % y,
            ArithOp::IntDiv => {
                let q = (x / y).trunc();
                return if q.abs() < 9.223_372_036_854_775e18 {
                    Ok(Value::Int(q as i64))
                } else {
                    Err(EngineError::out_of_range("BIGINT", &expr()))
                };
            }
        };
        return if r.is_finite() {
            Ok(Value::Double(r))
        } else {
            Err(EngineError::out_of_range("DOUBLE", &expr()))
        };
    }
    if let (Some((x, ux)), Some((y, uy))) = (int_parts(x), int_parts(y)) {
        let unsigned = ux || uy;
        let r = match op {
            ArithOp::Add => x.checked_add(y),
            ArithOp::Sub => x.checked_sub(y),
            ArithOp::Mul => x.checked_mul(y),
            ArithOp::Div => {
                let incr = ctx.div_precision_increment().min(DECIMAL_MAX_SCALE);
                return match Dec::from_i128(x).div(Dec::from_i128(y), incr) {
                    None => Err(EngineError::out_of_range("DECIMAL", &expr())),
                    Some(None) => Ok(division_by_zero(ctx)),
                    Some(Some(d)) => Ok(Value::Decimal(d)),
                };
            }
            ArithOp::IntDiv | ArithOp::Mod if y == 0 => return Ok(division_by_zero(ctx)),
            ArithOp::IntDiv => x.checked_div(y),
            ArithOp::Mod => {
                return Ok(x
                    .checked_rem(y)
                    .and_then(|r| int_value(r, ux))
                    .unwrap_or(Value::Null));
            }
        };
        let name = if unsigned {
            "BIGINT UNSIGNED"
        } else {
            "BIGINT"
        };
        return r
            .and_then(|r| int_value(r, unsigned))
            .ok_or_else(|| EngineError::out_of_range(name, &expr()));
    }
    let (x, y) = (x.to_dec(), y.to_dec());
    let out_of_range = || EngineError::out_of_range("DECIMAL", &expr());
    match op {
        ArithOp::Add => x.add(y).map(Value::Decimal).ok_or_else(out_of_range),
        ArithOp::Sub => x.sub(y).map(Value::Decimal).ok_or_else(out_of_range),
        ArithOp::Mul => x.mul(y).map(Value::Decimal).ok_or_else(out_of_range),
        ArithOp::Div => {
            let incr = ctx.div_precision_increment().min(DECIMAL_MAX_SCALE);
            match x.div(y, incr) {
                None => Err(out_of_range()),
                Some(None) => Ok(division_by_zero(ctx)),
                Some(Some(d)) => Ok(Value::Decimal(d)),
            }
        }
        ArithOp::Mod => match x.rem(y) {
            Some(Some(d)) => Ok(Value::Decimal(d)),
            Some(None) => Ok(division_by_zero(ctx)),
            None => Err(out_of_range()),
        },
        ArithOp::IntDiv => {
            if y.mant == 0 {
                return Ok(division_by_zero(ctx));
            }
            // Truncating division of both operands scaled to integers.
            let s = x.scale.max(y.scale);
            let xm = pow10(s - x.scale).and_then(|p| x.mant.checked_mul(p));
            let ym = pow10(s - y.scale).and_then(|p| y.mant.checked_mul(p));
            let q = match (xm, ym) {
                (Some(xm), Some(ym)) => xm.checked_div(ym),
                _ => Some((x.to_f64() / y.to_f64()).trunc() as i128),
            };
            q.and_then(|q| int_value(q, false))
                .ok_or_else(|| EngineError::out_of_range("BIGINT", &expr()))
        }
    }
}

/// ABS(x): integers stay integers (ABS(-9223372036854775808) is ER 1690).
pub(super) fn abs(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Result<Value, EngineError> {
    Ok(match num(arg(a, 0), ctx) {
        None => Value::Null,
        Some(Num::I(i)) => match i.checked_abs() {
            Some(v) => Value::Int(v),
            None => {
                return Err(EngineError::out_of_range("BIGINT", &printed_call(f, a)));
            }
        },
        Some(Num::U(u)) => Value::UInt(u),
        Some(Num::D(d)) => Value::Decimal(Dec {
            mant: d.mant.abs(),
            scale: d.scale,
        }),
        Some(Num::F(x)) => Value::Double(x.abs()),
    })
}

/// SIGN(x): -1, 0 or 1.
pub(super) fn sign(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    match num(arg(a, 0), ctx) {
        None => Value::Null,
        Some(Num::I(i)) => Value::Int(i.signum()),
        Some(Num::U(u)) => Value::Int(i64::from(u > 0)),
        Some(Num::D(d)) => Value::Int(i64::try_from(d.mant.signum()).unwrap_or(0)),
        Some(Num::F(x)) => Value::Int(if x > 0.0 {
            1
        } else if x < 0.0 {
            -1
        } else {
            0
        }),
    }
}

/// MySQL's `my_double_round`: round half to even (`rint`) or truncate at `dec` decimals
/// (negative `dec` rounds to tens, hundreds, ...).
pub(super) fn double_round(value: f64, dec: i64, truncate: bool) -> f64 {
    let abs_dec = dec.unsigned_abs();
    let tmp = 10f64.powi(i32::try_from(abs_dec).unwrap_or(i32::MAX));
    let div = value / tmp;
    let mul = value * tmp;
    if dec < 0 && tmp.is_infinite() {
        0.0
    } else if dec >= 0 && !mul.is_finite() {
        value
    } else if truncate {
        if value >= 0.0 {
            if dec < 0 {
                div.floor() * tmp
            } else {
                mul.floor() / tmp
            }
        } else if dec < 0 {
            div.ceil() * tmp
        } else {
            mul.ceil() / tmp
        }
    } else if dec < 0 {
        div.round_ties_even() * tmp
    } else {
        mul.round_ties_even() / tmp
    }
}

/// ROUND / TRUNCATE of an integer to a negative number of decimals.
fn int_round(
    f: Func,
    a: &[Value],
    v: i128,
    unsigned: bool,
    d: i64,
    truncate: bool,
) -> Result<Value, EngineError> {
    if d >= 0 {
        return Ok(int_value(v, unsigned).unwrap_or(Value::Null));
    }
    let Some(p) = u32::try_from(d.unsigned_abs())
        .ok()
        .filter(|k| *k < 20)
        .and_then(pow10)
    else {
        return Ok(int_value(0, unsigned).unwrap_or(Value::Int(0)));
    };
    let r = v % p;
    let mut base = v - r;
    if !truncate && r.abs() * 2 >= p {
        base += p * v.signum();
    }
    let name = if unsigned {
        "BIGINT UNSIGNED"
    } else {
        "BIGINT"
    };
    int_value(base, unsigned).ok_or_else(|| EngineError::out_of_range(name, &printed_call(f, a)))
}

/// ROUND / TRUNCATE of a decimal: half away from zero; a non-negative `d` also sets the scale
/// (ROUND(1.5, 3) is 1.500), a negative one gives scale 0.
fn dec_round(f: Func, a: &[Value], x: Dec, d: i64, truncate: bool) -> Result<Value, EngineError> {
    if d >= 0 {
        let s = u32::try_from(d.min(i64::from(DECIMAL_MAX_SCALE))).unwrap_or(0);
        let mut r = if x.scale <= s {
            x
        } else if truncate {
            let p = pow10(x.scale - s).unwrap_or(1);
            Dec {
                mant: x.mant / p,
                scale: s,
            }
        } else {
            x.round(s)
        };
        if r.scale < s
            && let Some(m) = pow10(s - r.scale).and_then(|p| r.mant.checked_mul(p))
        {
            r = Dec { mant: m, scale: s };
        }
        return Ok(Value::Decimal(r));
    }
    let k = u32::try_from(d.unsigned_abs()).unwrap_or(u32::MAX);
    let Some(p) = k.checked_add(x.scale).and_then(pow10) else {
        return Ok(Value::Decimal(Dec::ZERO));
    };
    let mut q = x.mant / p;
    let r = x.mant % p;
    if !truncate && r.unsigned_abs() * 2 >= p.unsigned_abs() {
        q += x.mant.signum();
    }
    pow10(k)
        .and_then(|pk| q.checked_mul(pk))
        .map(|m| Value::Decimal(Dec { mant: m, scale: 0 }))
        .or_else(|| (q == 0).then_some(Value::Decimal(Dec::ZERO)))
        .ok_or_else(|| EngineError::out_of_range("DECIMAL", &printed_call(f, a)))
}

/// ROUND(x[, d]) (`truncate` false) and TRUNCATE(x, d).
pub(super) fn round(
    f: Func,
    a: &[Value],
    truncate: bool,
    ctx: &mut dyn FuncCtx,
) -> Result<Value, EngineError> {
    let x = num(arg(a, 0), ctx);
    let d = if a.len() >= 2 {
        match arg(a, 1) {
            Value::UInt(u) => Some(i64::try_from(*u).unwrap_or(i64::MAX)),
            other => int_arg(other, ctx),
        }
    } else {
        Some(0)
    };
    let (Some(x), Some(d)) = (x, d) else {
        return Ok(Value::Null);
    };
    match x {
        Num::I(i) => int_round(f, a, i128::from(i), false, d, truncate),
        Num::U(u) => int_round(f, a, i128::from(u), true, d, truncate),
        Num::D(x) => dec_round(f, a, x, d, truncate),
        Num::F(x) => Ok(Value::Double(double_round(x, d, truncate))),
    }
}

/// FLOOR / CEIL: integers unchanged, decimals to BIGINT when they fit, doubles stay doubles.
pub(super) fn floor_ceil(a: &[Value], ceil: bool, ctx: &mut dyn FuncCtx) -> Value {
    match num(arg(a, 0), ctx) {
        None => Value::Null,
        Some(Num::I(i)) => Value::Int(i),
        Some(Num::U(u)) => Value::UInt(u),
        Some(Num::D(d)) => {
            let r = if ceil { d.ceil() } else { d.floor() };
            i64::try_from(r.mant).map_or(Value::Decimal(r), Value::Int)
        }
        Some(Num::F(x)) => Value::Double(if ceil { x.ceil() } else { x.floor() }),
    }
}

fn invalid_log(ctx: &mut dyn FuncCtx) -> Value {
    ctx.warn(3020, "Invalid argument for logarithm".into());
    Value::Null
}

/// A double result, ER 1690 when it is not finite (MySQL's `check_float_overflow`).
fn finite(f: Func, a: &[Value], r: f64) -> Result<Value, EngineError> {
    if r.is_finite() {
        Ok(Value::Double(r))
    } else {
        Err(EngineError::out_of_range("DOUBLE", &printed_call(f, a)))
    }
}

/// One-argument real functions (SQRT, EXP, LN, LOG, LOG2, LOG10, trigonometry, DEGREES,
/// RADIANS).
pub(super) fn real1(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Result<Value, EngineError> {
    let Some(x) = f64_arg(arg(a, 0), ctx) else {
        return Ok(Value::Null);
    };
    let r = match f {
        Func::Sqrt if x < 0.0 => return Ok(Value::Null),
        Func::Sqrt => x.sqrt(),
        Func::Exp => x.exp(),
        Func::Ln | Func::Log | Func::Log2 | Func::Log10 if x <= 0.0 => return Ok(invalid_log(ctx)),
        Func::Ln | Func::Log => x.ln(),
        Func::Log2 => x.log2(),
        Func::Log10 => x.log10(),
        Func::Sin => x.sin(),
        Func::Cos => x.cos(),
        Func::Tan => x.tan(),
        Func::Asin | Func::Acos if !(-1.0..=1.0).contains(&x) => return Ok(Value::Null),
        Func::Asin => x.asin(),
        Func::Acos => x.acos(),
        Func::Atan => x.atan(),
        Func::Cot => {
            let t = x.tan();
            if t == 0.0 {
                return Err(EngineError::out_of_range("DOUBLE", &printed_call(f, a)));
            }
            1.0 / t
        }
        Func::Degrees => x.to_degrees(),
        Func::Radians => x.to_radians(),
        _ => return Ok(Value::Null),
    };
    finite(f, a, r)
}

/// Two-argument real functions: POW(x, y), ATAN2(y, x) / ATAN(y, x), LOG(b, x).
pub(super) fn real2(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Result<Value, EngineError> {
    let x = f64_arg(arg(a, 0), ctx);
    let y = f64_arg(arg(a, 1), ctx);
    let (Some(x), Some(y)) = (x, y) else {
        return Ok(Value::Null);
    };
    let r = match f {
        Func::Pow => x.powf(y),
        Func::Atan | Func::Atan2 => x.atan2(y),
        Func::Log => {
            if x <= 0.0 || y <= 0.0 || x == 1.0 {
                return Ok(invalid_log(ctx));
            }
            y.ln() / x.ln()
        }
        _ => return Ok(Value::Null),
    };
    finite(f, a, r)
}

/// `RAND([seed])` through the session's generator (NULL seeds as 0).
pub(super) fn rand(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let seed = a.first().map(|v| int_arg(v, ctx).unwrap_or(0));
    Value::Double(ctx.rand(seed))
}

/// BIT_COUNT(n): set bits of the 64-bit integer, or of every byte of a binary string.
pub(super) fn bit_count(a: &[Value], coll: Collation, ctx: &mut dyn FuncCtx) -> Value {
    let v = arg(a, 0);
    let bits = match v {
        Value::Null => return Value::Null,
        Value::Bytes(b) if coll.is_binary() => b.iter().map(|c| c.count_ones()).sum(),
        Value::Int(i) => i.count_ones(),
        Value::UInt(u) => u.count_ones(),
        Value::Double(d) => real_to_u64(*d).count_ones(),
        Value::Decimal(d) => real_to_u64(d.to_f64()).count_ones(),
        other => int_arg(other, ctx).unwrap_or(0).count_ones(),
    };
    Value::Int(i64::from(bits))
}

/// MySQL's HEX()/bit-operation conversion of a double to a 64-bit pattern.
pub(super) fn real_to_u64(val: f64) -> u64 {
    if val <= i64::MIN as f64 || val >= u64::MAX as f64 {
        return u64::MAX;
    }
    let r = val + if val > 0.0 { 0.5 } else { -0.5 };
    if r < 0.0 { r as i64 as u64 } else { r as u64 }
}
