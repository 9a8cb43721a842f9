//! String functions: <https://dev.mysql.com/doc/refman/8.4/en/string-functions.html>.
//!
//! Strings are byte vectors. Under a binary collation a character is a byte; otherwise it is a
//! UTF-8 character, and a byte that does not start a valid UTF-8 sequence counts as one
//! character and is kept as it is (nothing is ever re-encoded lossily). Positions are walked
//! lazily so long strings need no per-character index.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::{Func, Num, arg, f64_arg, fits_packet, int_arg, num};
use crate::collation::Collation;
use crate::ctx::FuncCtx;
use crate::value::{Dec, Value};

/// A value as string bytes (numbers and dates in their text form), None for NULL.
pub(super) fn text(v: &Value) -> Option<Cow<'_, [u8]>> {
    match v {
        Value::Null => None,
        Value::Bytes(b) => Some(Cow::Borrowed(b)),
        other => other.to_text().map(Cow::Owned),
    }
}

fn bytes(b: &[u8]) -> Value {
    Value::Bytes(b.to_vec())
}

fn empty() -> Value {
    Value::Bytes(Vec::new())
}

/// Byte length of the character starting at `i`: 1 for binary strings and for bytes that do
/// not start a valid UTF-8 sequence, 0 past the end.
pub(super) fn char_len_at(s: &[u8], i: usize, binary: bool) -> usize {
    let Some(&b0) = s.get(i) else {
        return 0;
    };
    if binary || b0 < 0x80 {
        return 1;
    }
    let need = match b0 {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return 1,
    };
    match s.get(i..i.saturating_add(need)) {
        Some(seq) if std::str::from_utf8(seq).is_ok() => need,
        _ => 1,
    }
}

/// Byte offset reached after `n` characters from byte offset `from` (clamped to the end).
pub(super) fn advance(s: &[u8], from: usize, n: u64, binary: bool) -> usize {
    if binary {
        return from
            .saturating_add(usize::try_from(n).unwrap_or(usize::MAX))
            .min(s.len());
    }
    let mut i = from;
    let mut k = 0u64;
    while k < n && i < s.len() {
        i += char_len_at(s, i, false);
        k += 1;
    }
    i.min(s.len())
}

/// Number of characters.
pub(super) fn char_count(s: &[u8], binary: bool) -> u64 {
    if binary {
        return s.len() as u64;
    }
    if let Ok(t) = std::str::from_utf8(s) {
        return t.chars().count() as u64;
    }
    let mut i = 0;
    let mut n = 0u64;
    while i < s.len() {
        i += char_len_at(s, i, false);
        n += 1;
    }
    n
}

/// First byte offset of `needle` in `hay` (naive search; `needle` non-empty).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut i = 0;
    while i <= last_start {
        let rel = hay.get(i..=last_start)?.iter().position(|&c| c == first)?;
        i += rel;
        if hay.get(i..i + needle.len()) == Some(needle) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Last byte offset of `needle` in `hay` (`needle` non-empty).
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let last_start = hay.len().checked_sub(needle.len())?;
    (0..=last_start)
        .rev()
        .find(|&i| hay.get(i..i + needle.len()) == Some(needle))
}

/// CONCAT: NULL if any argument is NULL.
pub(super) fn concat(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let mut parts = Vec::with_capacity(a.len());
    let mut total = 0u128;
    for v in a {
        let Some(t) = text(v) else {
            return Value::Null;
        };
        total += t.len() as u128;
        parts.push(t);
    }
    join(f, &parts, &[], total, ctx)
}

/// Joins `parts` with `sep` after checking the `total` size against max_allowed_packet.
fn join(f: Func, parts: &[Cow<'_, [u8]>], sep: &[u8], total: u128, ctx: &mut dyn FuncCtx) -> Value {
    if !fits_packet(f, total, ctx) {
        return Value::Null;
    }
    let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(p);
    }
    Value::Bytes(out)
}

/// CONCAT_WS: NULL separator gives NULL; NULL arguments are skipped.
pub(super) fn concat_ws(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let Some(sep) = text(arg(a, 0)) else {
        return Value::Null;
    };
    let parts: Vec<Cow<'_, [u8]>> = a.iter().skip(1).filter_map(text).collect();
    let seps = parts.len().saturating_sub(1) as u128 * sep.len() as u128;
    let total = parts.iter().map(|p| p.len() as u128).sum::<u128>() + seps;
    join(f, &parts, &sep, total, ctx)
}

/// LENGTH (`mult` 1) and BIT_LENGTH (`mult` 8): bytes in the argument's character set (a
/// `latin1` character is one byte, though the engine keeps it as UTF-8).
pub(super) fn length(a: &[Value], coll: Collation, mult: i64) -> Value {
    text(arg(a, 0)).map_or(Value::Null, |t| {
        Value::Int(
            i64::try_from(crate::charset::Charset::of(coll).byte_length(&t))
                .unwrap_or(i64::MAX)
                .saturating_mul(mult),
        )
    })
}

/// CHAR_LENGTH.
pub(super) fn char_length(a: &[Value], coll: Collation) -> Value {
    text(arg(a, 0)).map_or(Value::Null, |t| {
        Value::Int(i64::try_from(char_count(&t, coll.is_binary())).unwrap_or(i64::MAX))
    })
}

/// The single-character mapping of `c`, or `c` when the mapping expands (MySQL maps one
/// character to one character: UPPER('ß') is 'ß').
fn simple_case(c: char, upper: bool) -> char {
    let mut it: Box<dyn Iterator<Item = char>> = if upper {
        Box::new(c.to_uppercase())
    } else {
        Box::new(c.to_lowercase())
    };
    match (it.next(), it.next()) {
        (Some(m), None) => m,
        _ => c,
    }
}

/// UPPER / LOWER: binary strings are returned unchanged, as in MySQL.
pub(super) fn case(a: &[Value], coll: Collation, upper: bool) -> Value {
    let Some(t) = text(arg(a, 0)) else {
        return Value::Null;
    };
    if coll.is_binary() {
        return Value::Bytes(t.into_owned());
    }
    let mut out = Vec::with_capacity(t.len());
    let mut buf = [0u8; 4];
    for chunk in t.utf8_chunks() {
        for c in chunk.valid().chars() {
            let m = if c.is_ascii() {
                if upper {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            } else {
                simple_case(c, upper)
            };
            out.extend_from_slice(m.encode_utf8(&mut buf).as_bytes());
        }
        out.extend_from_slice(chunk.invalid());
    }
    Value::Bytes(out)
}

/// SUBSTRING(str, pos[, len]): 1-based, negative `pos` counts from the end, `pos` 0 or
/// `len` <= 0 give ''.
pub(super) fn substring(a: &[Value], coll: Collation, ctx: &mut dyn FuncCtx) -> Value {
    let s = text(arg(a, 0));
    let pos = int_arg(arg(a, 1), ctx);
    let len = match a.get(2) {
        None => None,
        Some(v) => match int_arg(v, ctx) {
            None => return Value::Null,
            Some(l) => Some(l),
        },
    };
    let (Some(s), Some(pos)) = (s, pos) else {
        return Value::Null;
    };
    let binary = coll.is_binary();
    if len.is_some_and(|l| l <= 0) {
        return empty();
    }
    let start = match pos.cmp(&0) {
        Ordering::Greater => advance(&s, 0, pos.unsigned_abs() - 1, binary),
        Ordering::Less => {
            let n = char_count(&s, binary);
            let back = pos.unsigned_abs();
            if back > n {
                return empty();
            }
            advance(&s, 0, n - back, binary)
        }
        Ordering::Equal => return empty(),
    };
    let end = match len {
        Some(l) => advance(&s, start, l.unsigned_abs(), binary),
        None => s.len(),
    };
    bytes(s.get(start..end).unwrap_or_default())
}

/// SUBSTRING_INDEX(str, delim, count): case-sensitive.
pub(super) fn substring_index(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let s = text(arg(a, 0));
    let delim = text(arg(a, 1));
    let count = int_arg(arg(a, 2), ctx);
    let (Some(s), Some(delim), Some(count)) = (s, delim, count) else {
        return Value::Null;
    };
    if count == 0 || delim.is_empty() {
        return empty();
    }
    if count > 0 {
        let mut from = 0;
        let mut k = 0i64;
        while let Some(p) = s.get(from..).and_then(|rest| find(rest, &delim)) {
            k += 1;
            let at = from + p;
            if k == count {
                return bytes(s.get(..at).unwrap_or_default());
            }
            from = at + delim.len();
        }
    } else {
        let want = count.unsigned_abs();
        let mut end = s.len();
        let mut k = 0u64;
        while let Some(p) = s.get(..end).and_then(|head| rfind(head, &delim)) {
            k += 1;
            if k == want {
                return bytes(s.get(p + delim.len()..).unwrap_or_default());
            }
            end = p;
        }
    }
    Value::Bytes(s.into_owned())
}

/// LEFT (`left`) and RIGHT.
pub(super) fn left_right(a: &[Value], coll: Collation, left: bool, ctx: &mut dyn FuncCtx) -> Value {
    let s = text(arg(a, 0));
    let n = int_arg(arg(a, 1), ctx);
    let (Some(s), Some(n)) = (s, n) else {
        return Value::Null;
    };
    if n <= 0 {
        return empty();
    }
    let binary = coll.is_binary();
    let n = n.unsigned_abs();
    if left {
        return bytes(s.get(..advance(&s, 0, n, binary)).unwrap_or_default());
    }
    let count = char_count(&s, binary);
    if n >= count {
        return Value::Bytes(s.into_owned());
    }
    bytes(
        s.get(advance(&s, 0, count - n, binary)..)
            .unwrap_or_default(),
    )
}

/// LPAD (`left`) and RPAD: a negative length or an empty pad string (when padding is needed)
/// give NULL; the length times the collation's bytes per character must fit
/// max_allowed_packet (MySQL's check, before any allocation).
pub(super) fn pad(
    f: Func,
    a: &[Value],
    coll: Collation,
    left: bool,
    ctx: &mut dyn FuncCtx,
) -> Value {
    let s = text(arg(a, 0));
    let len = int_arg(arg(a, 1), ctx);
    let p = text(arg(a, 2));
    let (Some(s), Some(len), Some(p)) = (s, len, p) else {
        return Value::Null;
    };
    if len < 0 {
        return Value::Null;
    }
    let binary = coll.is_binary();
    let mb = if binary {
        1
    } else {
        u128::from(coll.max_bytes_per_char())
    };
    let len = len.unsigned_abs();
    if !fits_packet(f, u128::from(len) * mb, ctx) {
        return Value::Null;
    }
    let n = char_count(&s, binary);
    if len <= n {
        return bytes(s.get(..advance(&s, 0, len, binary)).unwrap_or_default());
    }
    let pn = char_count(&p, binary);
    if pn == 0 {
        return Value::Null;
    }
    let need = len - n;
    let full = usize::try_from(need / pn).unwrap_or(0);
    let rest = p
        .get(..advance(&p, 0, need % pn, binary))
        .unwrap_or_default();
    let total = (p.len() as u128) * (full as u128) + rest.len() as u128 + s.len() as u128;
    if !fits_packet(f, total, ctx) {
        return Value::Null;
    }
    let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    if !left {
        out.extend_from_slice(&s);
    }
    for _ in 0..full {
        out.extend_from_slice(&p);
    }
    out.extend_from_slice(rest);
    if left {
        out.extend_from_slice(&s);
    }
    Value::Bytes(out)
}

/// LTRIM / RTRIM / TRIM(str): spaces only (not tabs or newlines).
pub(super) fn trim_spaces(a: &[Value], lead: bool, trail: bool) -> Value {
    let Some(s) = text(arg(a, 0)) else {
        return Value::Null;
    };
    let mut start = 0;
    let mut end = s.len();
    if lead {
        start = s.iter().position(|&c| c != b' ').unwrap_or(end);
    }
    if trail {
        end = s.iter().rposition(|&c| c != b' ').map_or(start, |e| e + 1);
    }
    bytes(s.get(start..end.max(start)).unwrap_or_default())
}

/// TRIM([BOTH|LEADING|TRAILING] remstr FROM str), called as (str, remstr): removes whole
/// repetitions of `remstr`, case-sensitively.
pub(super) fn trim_str(a: &[Value], lead: bool, trail: bool) -> Value {
    let (Some(s), Some(rem)) = (text(arg(a, 0)), text(arg(a, 1))) else {
        return Value::Null;
    };
    if rem.is_empty() {
        return Value::Bytes(s.into_owned());
    }
    let mut start = 0;
    let mut end = s.len();
    if lead {
        while s.get(start..end).is_some_and(|t| t.starts_with(&rem)) {
            start += rem.len();
        }
    }
    if trail {
        while end >= start + rem.len() && s.get(start..end).is_some_and(|t| t.ends_with(&rem)) {
            end -= rem.len();
        }
    }
    bytes(s.get(start..end).unwrap_or_default())
}

/// REPLACE(str, from, to): case-sensitive, left to right, non-overlapping.
pub(super) fn replace(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let (Some(s), Some(from), Some(to)) = (text(arg(a, 0)), text(arg(a, 1)), text(arg(a, 2)))
    else {
        return Value::Null;
    };
    if from.is_empty() {
        return Value::Bytes(s.into_owned());
    }
    let mut count = 0u128;
    let mut i = 0;
    while let Some(p) = s.get(i..).and_then(|rest| find(rest, &from)) {
        count += 1;
        i += p + from.len();
    }
    if count == 0 {
        return Value::Bytes(s.into_owned());
    }
    let total = s.len() as u128 - count * from.len() as u128 + count * to.len() as u128;
    if !fits_packet(f, total, ctx) {
        return Value::Null;
    }
    let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut i = 0;
    while let Some(p) = s.get(i..).and_then(|rest| find(rest, &from)) {
        out.extend_from_slice(s.get(i..i + p).unwrap_or_default());
        out.extend_from_slice(&to);
        i += p + from.len();
    }
    out.extend_from_slice(s.get(i..).unwrap_or_default());
    Value::Bytes(out)
}

/// REPEAT(str, count): checks the size before allocating.
pub(super) fn repeat(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let s = text(arg(a, 0));
    let n = int_arg(arg(a, 1), ctx);
    let (Some(s), Some(n)) = (s, n) else {
        return Value::Null;
    };
    if n <= 0 || s.is_empty() {
        return empty();
    }
    let n = n.unsigned_abs();
    if !fits_packet(f, s.len() as u128 * u128::from(n), ctx) {
        return Value::Null;
    }
    Value::Bytes(s.repeat(usize::try_from(n).unwrap_or(0)))
}

/// SPACE(n).
pub(super) fn space(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let Some(n) = int_arg(arg(a, 0), ctx) else {
        return Value::Null;
    };
    if n <= 0 {
        return empty();
    }
    if !fits_packet(f, u128::from(n.unsigned_abs()), ctx) {
        return Value::Null;
    }
    Value::Bytes(vec![b' '; usize::try_from(n).unwrap_or(0)])
}

/// REVERSE by characters (bytes for binary strings).
pub(super) fn reverse(a: &[Value], coll: Collation) -> Value {
    let Some(s) = text(arg(a, 0)) else {
        return Value::Null;
    };
    if coll.is_binary() {
        return Value::Bytes(s.iter().rev().copied().collect());
    }
    let n = s.len();
    let mut out = vec![0u8; n];
    let mut i = 0;
    while i < n {
        let end = (i + char_len_at(&s, i, false).max(1)).min(n);
        if let (Some(dst), Some(src)) = (out.get_mut(n - end..n - i), s.get(i..end)) {
            dst.copy_from_slice(src);
        }
        i = end;
    }
    Value::Bytes(out)
}

/// INSERT(str, pos, len, newstr): `pos` outside the string returns it unchanged; a `len`
/// past the end replaces the rest.
pub(super) fn insert(f: Func, a: &[Value], coll: Collation, ctx: &mut dyn FuncCtx) -> Value {
    let s = text(arg(a, 0));
    let pos = int_arg(arg(a, 1), ctx);
    let len = int_arg(arg(a, 2), ctx);
    let new = text(arg(a, 3));
    let (Some(s), Some(pos), Some(len), Some(new)) = (s, pos, len, new) else {
        return Value::Null;
    };
    let binary = coll.is_binary();
    let n = char_count(&s, binary);
    if pos < 1 || pos.unsigned_abs() > n {
        return Value::Bytes(s.into_owned());
    }
    let len = if len < 0 || len.unsigned_abs() > n {
        n
    } else {
        len.unsigned_abs()
    };
    let start = advance(&s, 0, pos.unsigned_abs() - 1, binary);
    let end = advance(&s, start, len, binary);
    let total = start as u128 + new.len() as u128 + (s.len() - end) as u128;
    if !fits_packet(f, total, ctx) {
        return Value::Null;
    }
    let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    out.extend_from_slice(s.get(..start).unwrap_or_default());
    out.extend_from_slice(&new);
    out.extend_from_slice(s.get(end..).unwrap_or_default());
    Value::Bytes(out)
}

/// LOCATE(needle, hay[, pos]) / INSTR(hay, needle) / POSITION(needle IN hay): 1-based
/// character position of the first match at or after `pos` under the collation, 0 if none.
pub(super) fn locate(
    needle: &Value,
    hay: &Value,
    pos: Option<&Value>,
    coll: Collation,
    ctx: &mut dyn FuncCtx,
) -> Value {
    let (n, h) = (text(needle), text(hay));
    let start_pos = match pos {
        None => Some(1),
        Some(p) => int_arg(p, ctx),
    };
    let (Some(n), Some(h), Some(start_pos)) = (n, h, start_pos) else {
        return Value::Null;
    };
    let binary = coll.is_binary();
    if start_pos < 1 {
        return Value::Int(0);
    }
    let start_c = start_pos.unsigned_abs() - 1;
    if start_c > char_count(&h, binary) {
        return Value::Int(0);
    }
    if n.is_empty() {
        return Value::Int(start_pos);
    }
    let start_b = advance(&h, 0, start_c, binary);
    let found = if binary {
        h.get(start_b..)
            .and_then(|rest| find(rest, &n))
            .map(|p| start_c + p as u64)
    } else {
        let k = char_count(&n, false);
        let mut i = start_b;
        let mut ci = start_c;
        let mut hit = None;
        while i < h.len() {
            let end = advance(&h, i, k, false);
            if h.get(i..end).is_some_and(|w| coll.eq(w, &n)) {
                hit = Some(ci);
                break;
            }
            if end == h.len() {
                // Later windows are suffixes of this one: shorter than the needle.
                break;
            }
            i += char_len_at(&h, i, false).max(1);
            ci += 1;
        }
        hit
    };
    found.map_or(Value::Int(0), |c| {
        Value::Int(i64::try_from(c + 1).unwrap_or(i64::MAX))
    })
}

/// STRCMP(a, b) under the call's collation.
pub(super) fn strcmp(a: &[Value], coll: Collation) -> Value {
    let (Some(x), Some(y)) = (text(arg(a, 0)), text(arg(a, 1))) else {
        return Value::Null;
    };
    Value::Int(match coll.compare(&x, &y) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

/// Strings and temporal values (MySQL's STRING_RESULT) versus numbers.
fn is_stringy(v: &Value) -> bool {
    matches!(
        v,
        Value::Bytes(_) | Value::Date(_) | Value::DateTime(_) | Value::Time(_)
    )
}

/// FIELD(str, str1, ...): as strings when all arguments are strings, as numbers when all are
/// numbers, as doubles otherwise; NULL never matches.
pub(super) fn field(a: &[Value], coll: Collation, ctx: &mut dyn FuncCtx) -> Value {
    let first = arg(a, 0);
    if first.is_null() {
        return Value::Int(0);
    }
    let present = || a.iter().filter(|v| !v.is_null());
    let all_str = present().all(is_stringy);
    let all_num = present().all(Value::is_numeric);
    if all_str {
        let key = text(first).unwrap_or_default();
        for (i, v) in a.iter().enumerate().skip(1) {
            if text(v).is_some_and(|t| coll.eq(&t, &key)) {
                return Value::Int(i64::try_from(i).unwrap_or(i64::MAX));
            }
        }
    } else if all_num {
        for (i, v) in a.iter().enumerate().skip(1) {
            if !v.is_null() && crate::value::compare(first, v) == Ordering::Equal {
                return Value::Int(i64::try_from(i).unwrap_or(i64::MAX));
            }
        }
    } else {
        let key = f64_arg(first, ctx).unwrap_or(0.0);
        for (i, v) in a.iter().enumerate().skip(1) {
            if f64_arg(v, ctx).is_some_and(|x| x == key) {
                return Value::Int(i64::try_from(i).unwrap_or(i64::MAX));
            }
        }
    }
    Value::Int(0)
}

/// FIND_IN_SET(str, strlist): 0 when `str` contains a comma or the list is empty.
pub(super) fn find_in_set(a: &[Value], coll: Collation) -> Value {
    let (Some(s), Some(list)) = (text(arg(a, 0)), text(arg(a, 1))) else {
        return Value::Null;
    };
    if s.contains(&b',') || list.is_empty() {
        return Value::Int(0);
    }
    list.split(|&c| c == b',')
        .position(|item| coll.eq(item, &s))
        .map_or(Value::Int(0), |i| {
            Value::Int(i64::try_from(i + 1).unwrap_or(i64::MAX))
        })
}

/// ELT(n, str1, ...): NULL when `n` is out of range.
pub(super) fn elt(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let Some(n) = int_arg(arg(a, 0), ctx) else {
        return Value::Null;
    };
    match usize::try_from(n) {
        Ok(i) if i >= 1 => a
            .get(i)
            .and_then(text)
            .map_or(Value::Null, |t| Value::Bytes(t.into_owned())),
        _ => Value::Null,
    }
}

/// ASCII(str): the first byte, 0 for ''.
pub(super) fn ascii(a: &[Value]) -> Value {
    text(arg(a, 0)).map_or(Value::Null, |t| {
        Value::Int(i64::from(t.first().copied().unwrap_or(0)))
    })
}

/// ORD(str): the first character's bytes as a big-endian number.
pub(super) fn ord(a: &[Value], coll: Collation) -> Value {
    let Some(t) = text(arg(a, 0)) else {
        return Value::Null;
    };
    let l = char_len_at(&t, 0, coll.is_binary());
    let v = t
        .get(..l)
        .unwrap_or_default()
        .iter()
        .fold(0i64, |acc, &b| acc * 256 + i64::from(b));
    Value::Int(v)
}

/// CHAR(n, ...): each argument (as a 32-bit integer) contributes its significant bytes,
/// big-endian; NULLs are skipped. The result is a binary string.
pub(super) fn char_fn(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let mut out = Vec::with_capacity(a.len());
    for v in a {
        let Some(n) = int_arg(v, ctx) else {
            continue;
        };
        let u = n as i32 as u32;
        let be = u.to_be_bytes();
        let skip = if u & 0xFF00_0000 != 0 {
            0
        } else if u & 0x00FF_0000 != 0 {
            1
        } else if u & 0x0000_FF00 != 0 {
            2
        } else {
            3
        };
        out.extend_from_slice(be.get(skip..).unwrap_or_default());
    }
    Value::Bytes(out)
}

const HEX_DIGITS: &[u8; 16] = b"0123456789ABCDEF";

/// Upper-case hex of bytes.
pub(super) fn hex_upper(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len() * 2);
    let digit = |n: u8| HEX_DIGITS.get(usize::from(n)).copied().unwrap_or(b'0');
    for &c in b {
        out.push(digit(c >> 4));
        out.push(digit(c & 15));
    }
    out
}

/// HEX(n or str): integers as 64-bit two's complement, doubles and decimals rounded first,
/// strings (and dates) byte by byte.
pub(super) fn hex(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let v = arg(a, 0);
    let n = match v {
        Value::Null => return Value::Null,
        Value::Int(i) => *i as u64,
        Value::UInt(u) => *u,
        Value::Double(d) => super::math::real_to_u64(*d),
        Value::Decimal(d) => super::math::real_to_u64(d.to_f64()),
        other => {
            let t = text(other).unwrap_or_default();
            if !fits_packet(f, t.len() as u128 * 2, ctx) {
                return Value::Null;
            }
            return Value::Bytes(hex_upper(&t));
        }
    };
    Value::str(format!("{n:X}"))
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// UNHEX(str): NULL on a non-hex character; an odd length gets a leading 0.
pub(super) fn unhex(a: &[Value]) -> Value {
    let Some(t) = text(arg(a, 0)) else {
        return Value::Null;
    };
    let mut out = Vec::with_capacity(t.len() / 2 + 1);
    let mut digits = t.iter();
    if t.len() % 2 == 1 {
        match digits.next().and_then(|&c| hex_val(c)) {
            Some(v) => out.push(v),
            None => return Value::Null,
        }
    }
    while let (Some(&h), Some(&l)) = (digits.next(), digits.next()) {
        match (hex_val(h), hex_val(l)) {
            (Some(h), Some(l)) => out.push(h << 4 | l),
            _ => return Value::Null,
        }
    }
    Value::Bytes(out)
}

fn digit_val(c: u8) -> Option<u64> {
    match c {
        b'0'..=b'9' => Some(u64::from(c - b'0')),
        b'a'..=b'z' => Some(u64::from(c - b'a' + 10)),
        b'A'..=b'Z' => Some(u64::from(c - b'A' + 10)),
        _ => None,
    }
}

/// MySQL's `my_strntoull`/`my_strntoll` core: sign, magnitude (saturated flag on overflow).
fn parse_radix(s: &[u8], base: u64) -> (bool, u64, bool) {
    let mut i = s
        .iter()
        .position(|&c| !super::is_space(c))
        .unwrap_or(s.len());
    let neg = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut v = 0u64;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|&c| digit_val(c)).filter(|&d| d < base) {
        match v.checked_mul(base).and_then(|x| x.checked_add(d)) {
            Some(x) => v = x,
            None => overflow = true,
        }
        i += 1;
    }
    (neg, v, overflow)
}

fn to_radix(mut v: u64, base: u64) -> String {
    if v == 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while v > 0 {
        let d = usize::try_from(v % base).unwrap_or(0);
        out.push(
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                .get(d)
                .copied()
                .unwrap_or(b'0'),
        );
        v /= base;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// CONV on a text and bases: NULL for bases outside 2..=36 (by absolute value) or an empty
/// string; a negative `from` parses signed, a negative `to` prints signed.
fn conv_text(s: &[u8], from: i64, to: i64) -> Value {
    let ok = |b: i64| (2..=36).contains(&b.unsigned_abs());
    if !ok(from) || !ok(to) || s.is_empty() {
        return Value::Null;
    }
    let (neg, mag, overflow) = parse_radix(s, from.unsigned_abs());
    let dec: u64 = if from < 0 {
        let v: i64 = if overflow {
            if neg { i64::MIN } else { i64::MAX }
        } else if neg {
            i64::try_from(-i128::from(mag)).unwrap_or(i64::MIN)
        } else {
            i64::try_from(mag).unwrap_or(i64::MAX)
        };
        v as u64
    } else if overflow {
        u64::MAX
    } else if neg {
        mag.wrapping_neg()
    } else {
        mag
    };
    let to_b = to.unsigned_abs();
    let signed = dec as i64;
    if to < 0 && signed < 0 {
        Value::str(format!("-{}", to_radix(signed.unsigned_abs(), to_b)))
    } else {
        Value::str(to_radix(dec, to_b))
    }
}

/// CONV(n, from_base, to_base).
pub(super) fn conv(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let s = text(arg(a, 0));
    let from = int_arg(arg(a, 1), ctx);
    let to = int_arg(arg(a, 2), ctx);
    match (s, from, to) {
        (Some(s), Some(from), Some(to)) => conv_text(&s, from, to),
        _ => Value::Null,
    }
}

/// BIN(n) = CONV(n, 10, 2), OCT(n) = CONV(n, 10, 8).
pub(super) fn conv_values(v: &Value, from: i64, to: i64) -> Value {
    text(v).map_or(Value::Null, |s| conv_text(&s, from, to))
}

/// QUOTE(str): `'...'` with `\`, `'`, NUL and Ctrl-Z escaped; NULL gives the word NULL.
pub(super) fn quote(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let Some(s) = text(arg(a, 0)) else {
        return Value::str("NULL");
    };
    let extra = s
        .iter()
        .filter(|&&c| matches!(c, b'\\' | b'\'' | 0 | 0x1a))
        .count();
    if !fits_packet(f, s.len() as u128 + extra as u128 + 2, ctx) {
        return Value::Null;
    }
    let mut out = Vec::with_capacity(s.len() + extra + 2);
    out.push(b'\'');
    for &c in s.iter() {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\'' => out.extend_from_slice(b"\\'"),
            0 => out.extend_from_slice(b"\\0"),
            0x1a => out.extend_from_slice(b"\\Z"),
            c => out.push(c),
        }
    }
    out.push(b'\'');
    Value::Bytes(out)
}

/// Largest number of decimals FORMAT() prints.
const FORMAT_MAX_DECIMALS: i64 = 30;

/// A decimal rounded (half away from zero) and printed with exactly `scale` decimals.
pub(super) fn dec_fixed(d: Dec, scale: u32) -> String {
    let r = d.round(scale);
    let mut s = r.to_string();
    if r.scale < scale {
        if r.scale == 0 {
            s.push('.');
        }
        s.extend(std::iter::repeat_n('0', (scale - r.scale) as usize));
    }
    s
}

/// FORMAT(x, d[, locale]): `#,###,###.##` rounded to `d` (0..=30) decimals, en_US only.
pub(super) fn format(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let x = num(arg(a, 0), ctx);
    let d = int_arg(arg(a, 1), ctx);
    let (Some(x), Some(d)) = (x, d) else {
        return Value::Null;
    };
    let d = d.clamp(0, FORMAT_MAX_DECIMALS);
    let scale = u32::try_from(d).unwrap_or(0);
    let plain = match x {
        Num::F(f) => {
            let r = super::math::double_round(f, d, false);
            format!("{r:.*}", scale as usize)
        }
        other => dec_fixed(other.to_dec(), scale),
    };
    Value::str(group_thousands(&plain))
}

/// Inserts `,` every three integer digits of a plain number.
fn group_thousands(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(plain.len() + int.len() / 3 + 1);
    out.push_str(sign);
    let n = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// SOUNDEX(str), MySQL's variant: every significant letter coded (not only four), padded to
/// four characters, non-letters ignored, vowels not separating equal codes.
pub(super) fn soundex(a: &[Value]) -> Value {
    const CODES: &[u8; 26] = b"01230120022455012623010202";
    let Some(s) = text(arg(a, 0)) else {
        return Value::Null;
    };
    let code = |c: u8| {
        CODES
            .get(usize::from(c.to_ascii_uppercase().wrapping_sub(b'A')))
            .copied()
            .unwrap_or(b'0')
    };
    let mut letters = s.iter().copied().filter(u8::is_ascii_alphabetic);
    let Some(first) = letters.next() else {
        return empty();
    };
    let mut out = vec![first.to_ascii_uppercase()];
    let mut last = code(first);
    for c in letters {
        let k = code(c);
        if k != b'0' && k != last {
            out.push(k);
            last = k;
        }
    }
    while out.len() < 4 {
        out.push(b'0');
    }
    Value::Bytes(out)
}
