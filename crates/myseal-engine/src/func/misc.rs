//! Comparison, flow-control and information functions.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/comparison-operators.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/flow-control-functions.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/information-functions.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/miscellaneous-functions.html> (UUID, SLEEP).

use std::cmp::Ordering;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{self, AtomicU64};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::string::text;
use super::{Num, arg, f64_arg, int_arg, num};
use crate::collation::Collation;
use crate::ctx::FuncCtx;
use crate::error::EngineError;
use crate::temporal::DateTime;
use crate::value::Value;

/// Compares two non-NULL values as MySQL's `=`/`<` would for these kinds of values: strings
/// under `coll`, temporal values chronologically, numbers numerically, a string against a
/// number as doubles.
pub(super) fn compare_values(a: &Value, b: &Value, coll: Collation) -> Ordering {
    match (a, b) {
        (Value::Bytes(x), Value::Bytes(y)) => coll.compare(x, y),
        (Value::Time(x), Value::Time(y)) => x.micros.cmp(&y.micros),
        (Value::Date(_) | Value::DateTime(_), Value::Date(_) | Value::DateTime(_)) => {
            as_datetime(a).cmp(&as_datetime(b))
        }
        (x, Value::Bytes(_)) | (Value::Bytes(_), x) if x.is_temporal() => {
            coll.compare(&text(a).unwrap_or_default(), &text(b).unwrap_or_default())
        }
        _ => crate::value::compare(a, b),
    }
}

fn as_datetime(v: &Value) -> DateTime {
    match v {
        Value::Date(d) => DateTime::from_date(*d),
        Value::DateTime(dt) => *dt,
        _ => DateTime::default(),
    }
}

/// Index of the winning argument: the first greatest (or least) by `cmp`.
fn pick<T>(items: &[T], greatest: bool, mut cmp: impl FnMut(&T, &T) -> Ordering) -> usize {
    let mut best = 0;
    for i in 1..items.len() {
        if let (Some(x), Some(b)) = (items.get(i), items.get(best)) {
            let o = cmp(x, b);
            if (greatest && o == Ordering::Greater) || (!greatest && o == Ordering::Less) {
                best = i;
            }
        }
    }
    best
}

/// GREATEST / LEAST: NULL if any argument is NULL; all integers compare as integers, any
/// double makes it doubles, else any decimal decimals, numbers mixed with strings compare as
/// doubles (the result is then the winner as a string), otherwise strings under `coll` or
/// temporal values chronologically.
pub(super) fn greatest(
    a: &[Value],
    coll: Collation,
    greatest: bool,
    ctx: &mut dyn FuncCtx,
) -> Value {
    if a.is_empty() || a.iter().any(Value::is_null) {
        return Value::Null;
    }
    let any_double = a.iter().any(|v| matches!(v, Value::Double(_)));
    let any_dec = a.iter().any(|v| matches!(v, Value::Decimal(_)));
    let all_num = a.iter().all(Value::is_numeric);
    let any_num = a.iter().any(Value::is_numeric);
    let all_int = a
        .iter()
        .all(|v| matches!(v, Value::Int(_) | Value::UInt(_)));
    if all_int {
        let i = pick(a, greatest, crate::value::compare);
        return arg(a, i).clone();
    }
    if any_num {
        let nums: Vec<Num> = a.iter().map(|v| num(v, ctx).unwrap_or(Num::I(0))).collect();
        let as_double = any_double || !any_dec;
        let i = if as_double {
            pick(&nums, greatest, |x, y| {
                x.to_f64()
                    .partial_cmp(&y.to_f64())
                    .unwrap_or(Ordering::Equal)
            })
        } else {
            pick(&nums, greatest, |x, y| x.to_dec().cmp(y.to_dec()))
        };
        let win = nums.get(i).copied().unwrap_or(Num::I(0));
        return if !all_num {
            text(arg(a, i)).map_or(Value::Null, |t| Value::Bytes(t.into_owned()))
        } else if any_double {
            Value::Double(win.to_f64())
        } else if any_dec {
            Value::Decimal(win.to_dec())
        } else {
            win.into_value()
        };
    }
    let i = pick(a, greatest, |x, y| compare_values(x, y, coll));
    let all_temporal = a.iter().all(Value::is_temporal);
    let any_datetime = a.iter().any(|v| matches!(v, Value::DateTime(_)));
    match arg(a, i) {
        Value::Date(d) if all_temporal && any_datetime => Value::DateTime(DateTime::from_date(*d)),
        v if all_temporal => v.clone(),
        v => text(v).map_or(Value::Null, |t| Value::Bytes(t.into_owned())),
    }
}

/// IF(cond, a, b) on evaluated arguments.
pub(super) fn if_fn(a: &[Value]) -> Value {
    if arg(a, 0).to_bool() == Some(true) {
        arg(a, 1).clone()
    } else {
        arg(a, 2).clone()
    }
}

/// COALESCE / IFNULL: the first non-NULL argument.
pub(super) fn coalesce(a: &[Value]) -> Value {
    a.iter()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or(Value::Null)
}

/// NULLIF(a, b): NULL when `a = b`, else `a`.
pub(super) fn nullif(a: &[Value], coll: Collation) -> Value {
    let (x, y) = (arg(a, 0), arg(a, 1));
    if !x.is_null() && !y.is_null() && compare_values(x, y, coll) == Ordering::Equal {
        Value::Null
    } else {
        x.clone()
    }
}

/// INTERVAL(n, n1, n2, ...): the number of leading `ni` <= `n` (the list is assumed sorted),
/// -1 for a NULL `n`; compared as decimals when `n` is exact, else as doubles. NULL list
/// elements are skipped.
pub(super) fn interval(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let Some(n) = num(arg(a, 0), ctx) else {
        return Value::Int(-1);
    };
    let exact = !matches!(n, Num::F(_));
    let idx = |i: usize| Value::Int(i64::try_from(i).unwrap_or(i64::MAX));
    for (i, v) in a.iter().enumerate().skip(1) {
        let Some(x) = num(v, ctx) else {
            continue;
        };
        let above = if exact && !matches!(x, Num::F(_)) {
            x.to_dec().cmp(n.to_dec()) == Ordering::Greater
        } else {
            x.to_f64() > n.to_f64()
        };
        if above {
            return idx(i - 1);
        }
    }
    idx(a.len().saturating_sub(1))
}

/// Searched CASE on evaluated `[when1, then1, ..., else?]`.
pub(super) fn case(a: &[Value]) -> Value {
    let mut i = 0;
    while let (Some(w), Some(t)) = (a.get(i), a.get(i + 1)) {
        if w.to_bool() == Some(true) {
            return t.clone();
        }
        i += 2;
    }
    a.get(i).cloned().unwrap_or(Value::Null)
}

/// AND (`and`) / OR with SQL's three-valued logic.
pub(super) fn and_or(a: &[Value], and: bool) -> Value {
    let mut saw_null = false;
    for v in a {
        match v.to_bool() {
            None => saw_null = true,
            Some(b) if b != and => return Value::Int(i64::from(b)),
            Some(_) => {}
        }
    }
    if saw_null {
        Value::Null
    } else {
        Value::Int(i64::from(and))
    }
}

/// `LAST_INSERT_ID([expr])`: with an argument, sets the session value and returns it (as
/// BIGINT UNSIGNED; NULL sets 0 and returns NULL).
pub(super) fn last_insert_id(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let Some(v) = a.first() else {
        return Value::UInt(ctx.last_insert_id());
    };
    let id = match v {
        Value::Null => {
            ctx.set_last_insert_id(0);
            return Value::Null;
        }
        Value::UInt(u) => *u,
        Value::Int(i) => *i as u64,
        other => int_arg(other, ctx).unwrap_or(0) as u64,
    };
    ctx.set_last_insert_id(id);
    Value::UInt(id)
}

/// SLEEP(seconds): validates the argument and returns 0; NULL or a negative duration is
/// ER 1210 in strict mode and a warning otherwise. The executor does the sleeping.
pub(super) fn sleep(a: &[Value], ctx: &mut dyn FuncCtx) -> Result<Value, EngineError> {
    let ok = f64_arg(arg(a, 0), ctx).is_some_and(|s| s >= 0.0 && s.is_finite());
    if !ok {
        if ctx.strict() {
            return Err(EngineError::wrong_arguments("sleep."));
        }
        ctx.warn(1210, "Incorrect arguments to sleep.".into());
    }
    Ok(Value::Int(0))
}

/// How long SLEEP(v) sleeps; None for NULL, negative or non-finite values (no sleep). The
/// executor should sleep in short slices and stop early when the statement is killed
/// (SLEEP then returns 1 in MySQL).
pub(super) fn sleep_duration(v: &Value) -> Option<Duration> {
    let s = super::sane_value(v).to_f64()?;
    if s >= 0.0 {
        Duration::try_from_secs_f64(s).ok()
    } else {
        None
    }
}

/// 100 ns intervals between 1582-10-15 and 1970-01-01.
const UUID_EPOCH_OFFSET: u64 = 0x01B2_1DD2_1381_4000;

fn random_u64() -> u64 {
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

/// UUID(): a version-1 UUID from the clock (strictly increasing within the process), a random
/// clock sequence and a random multicast node id.
pub(super) fn uuid() -> Value {
    static LAST: AtomicU64 = AtomicU64::new(0);
    static NODE: OnceLock<u64> = OnceLock::new();
    static SEQ: OnceLock<u16> = OnceLock::new();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let ticks = u64::try_from(now.as_nanos() / 100)
        .unwrap_or(0)
        .wrapping_add(UUID_EPOCH_OFFSET);
    let mut prev = LAST.load(atomic::Ordering::Relaxed);
    let ts = loop {
        let next = ticks.max(prev.wrapping_add(1));
        match LAST.compare_exchange_weak(
            prev,
            next,
            atomic::Ordering::Relaxed,
            atomic::Ordering::Relaxed,
        ) {
            Ok(_) => break next,
            Err(p) => prev = p,
        }
    };
    let node = *NODE.get_or_init(|| (random_u64() & 0xFFFF_FFFF_FFFF) | 0x0100_0000_0000);
    let seq = *SEQ.get_or_init(|| (random_u64() & 0x3FFF) as u16) | 0x8000;
    Value::str(format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        ts & 0xFFFF_FFFF,
        (ts >> 32) & 0xFFFF,
        ((ts >> 48) & 0x0FFF) | 0x1000,
        seq,
        node
    ))
}
