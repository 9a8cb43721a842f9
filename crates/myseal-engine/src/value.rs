//! SQL values and MySQL's conversions between them.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/type-conversion.html>
//!
//! [`Value`] is what the engine hands to the server; [`Dec`] is the exact decimal arithmetic
//! MySQL uses for DECIMAL literals and the `/` operator.

use std::cmp::Ordering;

use crate::datetime::{Date, DateTime, Time};

/// A value in a result row or expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// Signed 64-bit integer (BIGINT).
    Int(i64),
    /// Unsigned 64-bit integer (BIGINT UNSIGNED).
    UInt(u64),
    /// Approximate number (DOUBLE).
    Double(f64),
    /// Exact number (DECIMAL).
    Decimal(Dec),
    /// A string: UTF-8 bytes for text, arbitrary bytes for binary strings.
    Bytes(Vec<u8>),
    /// A DATE.
    Date(Date),
    /// A DATETIME or TIMESTAMP (in the session's time zone).
    DateTime(DateTime),
    /// A TIME.
    Time(Time),
}

impl Value {
    /// MySQL text-protocol rendering (None for NULL): 1, -3, 1.5 (doubles like MySQL: %g-ish shortest
    /// round-trip, e.g. 0.1+0.2 = 0.30000000000000004, 1e300 = 1e300), Decimal as is, bytes as is.
    /// Temporal values print with all their fractional digits trimmed to 6 when non-zero; the
    /// result-set path uses [`Value::to_text_fsp`] with the column's fsp.
    pub fn to_text(&self) -> Option<Vec<u8>> {
        match self {
            Value::Null => None,
            Value::Int(i) => Some(i.to_string().into_bytes()),
            Value::UInt(u) => Some(u.to_string().into_bytes()),
            Value::Double(d) => Some(format_double(*d).into_bytes()),
            Value::Decimal(d) => Some(d.to_string().into_bytes()),
            Value::Bytes(b) => Some(b.clone()),
            Value::Date(d) => Some(d.to_string().into_bytes()),
            Value::DateTime(dt) => {
                let fsp = if dt.micro == 0 { 0 } else { 6 };
                Some(dt.display(fsp).to_string().into_bytes())
            }
            Value::Time(t) => {
                let fsp = if t.micros % 1_000_000 == 0 { 0 } else { 6 };
                Some(t.display(fsp).to_string().into_bytes())
            }
        }
    }

    /// Text rendering with a column's fractional-second precision for temporal values.
    pub fn to_text_fsp(&self, fsp: u8) -> Option<Vec<u8>> {
        match self {
            Value::DateTime(dt) => Some(dt.display(fsp.min(6)).to_string().into_bytes()),
            Value::Time(t) => Some(t.display(fsp.min(6)).to_string().into_bytes()),
            other => other.to_text(),
        }
    }

    /// A string value from UTF-8 text.
    pub fn str(s: impl Into<String>) -> Self {
        Value::Bytes(s.into().into_bytes())
    }

    /// True for SQL NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// True for the numeric variants.
    pub(crate) fn is_numeric(&self) -> bool {
        matches!(
            self,
            Value::Int(_) | Value::UInt(_) | Value::Double(_) | Value::Decimal(_)
        )
    }

    /// True for DATE, DATETIME and TIME values.
    pub(crate) fn is_temporal(&self) -> bool {
        matches!(self, Value::Date(_) | Value::DateTime(_) | Value::Time(_))
    }

    /// The value as text (lossy for invalid UTF-8), None for NULL.
    pub(crate) fn to_string_lossy(&self) -> Option<String> {
        self.to_text()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// Numeric value as a double (strings parsed by MySQL's prefix rules), None for NULL.
    pub(crate) fn to_f64(&self) -> Option<f64> {
        match self {
            Value::Null => None,
            Value::Int(i) => Some(*i as f64),
            Value::UInt(u) => Some(*u as f64),
            Value::Double(d) => Some(*d),
            Value::Decimal(d) => Some(d.to_f64()),
            Value::Bytes(b) => Some(parse_f64_prefix(b)),
            Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
                Some(self.temporal_number().map(|d| d.to_f64()).unwrap_or(0.0))
            }
        }
    }

    /// A temporal value as MySQL's number form: 20240131, 20240131103000.5, 103000.
    pub(crate) fn temporal_number(&self) -> Option<Dec> {
        match self {
            Value::Date(d) => Some(Dec::from_i128(
                i128::from(d.year) * 10_000 + i128::from(d.month) * 100 + i128::from(d.day),
            )),
            Value::DateTime(dt) => {
                let int = i128::from(dt.date.year) * 10_000_000_000
                    + i128::from(dt.date.month) * 100_000_000
                    + i128::from(dt.date.day) * 1_000_000
                    + i128::from(dt.hour) * 10_000
                    + i128::from(dt.minute) * 100
                    + i128::from(dt.second);
                if dt.micro == 0 {
                    Some(Dec::from_i128(int))
                } else {
                    Some(Dec {
                        mant: int * 1_000_000 + i128::from(dt.micro),
                        scale: 6,
                    })
                }
            }
            Value::Time(t) => {
                let a = t.micros.unsigned_abs();
                let secs = a / 1_000_000;
                let int = i128::from(secs / 3600 * 10_000 + secs / 60 % 60 * 100 + secs % 60);
                let micro = i128::from(a % 1_000_000);
                let sign = if t.micros < 0 { -1 } else { 1 };
                if micro == 0 {
                    Some(Dec::from_i128(sign * int))
                } else {
                    Some(Dec {
                        mant: sign * (int * 1_000_000 + micro),
                        scale: 6,
                    })
                }
            }
            _ => None,
        }
    }

    /// Truth value as MySQL sees it (non-zero is true), None for NULL.
    pub(crate) fn to_bool(&self) -> Option<bool> {
        match self {
            Value::Null => None,
            Value::Int(i) => Some(*i != 0),
            Value::UInt(u) => Some(*u != 0),
            Value::Decimal(d) => Some(d.mant != 0),
            other => other.to_f64().map(|f| f != 0.0),
        }
    }

    /// Signed integer as MySQL converts it (rounding doubles and decimals, saturating), None for NULL.
    pub(crate) fn to_i64(&self) -> Option<i64> {
        match self {
            Value::Null => None,
            Value::Int(i) => Some(*i),
            Value::UInt(u) => Some(i64::try_from(*u).unwrap_or(i64::MAX)),
            Value::Double(d) => Some(f64_to_i64(d.round())),
            Value::Decimal(d) => {
                let v = d.round(0).to_i128();
                Some(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
            }
            Value::Bytes(b) => Some(parse_i64_prefix(b)),
            Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
                let v = self
                    .temporal_number()
                    .map(|d| d.round(0).to_i128())
                    .unwrap_or(0);
                Some(i64::try_from(v).unwrap_or(0))
            }
        }
    }

    /// Exact decimal of a numeric value (strings via their numeric prefix), None for NULL.
    pub(crate) fn to_dec(&self) -> Option<Dec> {
        match self {
            Value::Null => None,
            Value::Int(i) => Some(Dec::from_i128(i128::from(*i))),
            Value::UInt(u) => Some(Dec::from_i128(i128::from(*u))),
            Value::Decimal(d) => Some(*d),
            Value::Double(d) => Some(Dec::from_f64(*d)),
            Value::Bytes(b) => Some(
                Dec::parse(numeric_prefix(b)).unwrap_or_else(|| Dec::from_f64(parse_f64_prefix(b))),
            ),
            Value::Date(_) | Value::DateTime(_) | Value::Time(_) => self.temporal_number(),
        }
    }
}

fn f64_to_i64(d: f64) -> i64 {
    if d.is_nan() {
        0
    } else if d >= 9.223_372_036_854_776e18 {
        i64::MAX
    } else if d <= -9.223_372_036_854_776e18 {
        i64::MIN
    } else {
        d as i64
    }
}

/// Renders a double like MySQL: shortest round-trip digits, plain notation for decimal exponents
/// from -5 to 14 and `1.5e20` / `1e-7` style otherwise.
pub(crate) fn format_double(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    // `{:e}` yields the shortest round-trip digits as `d.ddddde±x`.
    let sci = format!("{d:e}");
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => return sci,
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if (-5..15).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        let len = digits.len() as i32;
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point >= len {
            format!("{}{}", digits, "0".repeat((point - len) as usize))
        } else {
            let (a, b) = digits.split_at(point as usize);
            format!("{a}.{b}")
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        if rest.is_empty() {
            format!("{sign}{first}e{exp}")
        } else {
            format!("{sign}{first}.{rest}e{exp}")
        }
    }
}

/// Length of the longest numeric prefix (after leading spaces) in MySQL's string→number rules.
fn numeric_prefix(b: &[u8]) -> &str {
    let s = std::str::from_utf8(b).unwrap_or_else(|e| {
        std::str::from_utf8(b.get(..e.valid_up_to()).unwrap_or_default()).unwrap_or_default()
    });
    let s = s.trim_start_matches([' ', '\t', '\n', '\r']);
    let bytes = s.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let int_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut have_digits = i > int_start;
    if bytes.get(i) == Some(&b'.') {
        let mut j = i + 1;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if j > i + 1 || have_digits {
            have_digits = have_digits || j > i + 1;
            i = j;
        }
    }
    if !have_digits {
        return "";
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_start = j;
        while bytes.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    s.get(..i).unwrap_or_default()
}

/// MySQL's string→double conversion: the longest numeric prefix, 0 if none.
pub(crate) fn parse_f64_prefix(b: &[u8]) -> f64 {
    numeric_prefix(b).parse().unwrap_or(0.0)
}

/// MySQL's string→integer conversion (CAST(... AS SIGNED)): integer prefix, saturating.
pub(crate) fn parse_i64_prefix(b: &[u8]) -> i64 {
    let p = numeric_prefix(b);
    let int_part = p.split(['.', 'e', 'E']).next().unwrap_or_default();
    match int_part.parse::<i64>() {
        Ok(v) => v,
        Err(_) if int_part.starts_with('-') && int_part.len() > 1 => i64::MIN,
        Err(_) if int_part.trim_start_matches('+').is_empty() => 0,
        Err(_) => i64::MAX,
    }
}

/// Maximum scale of a DECIMAL.
pub(crate) const DECIMAL_MAX_SCALE: u32 = 30;

/// An exact decimal number: `mant / 10^scale`. Backed by i128 (38 digits), enough for this issue;
/// operations return None on overflow and the caller reports ER 1690.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dec {
    pub(crate) mant: i128,
    pub(crate) scale: u32,
}

fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

impl Dec {
    pub(crate) const ZERO: Dec = Dec { mant: 0, scale: 0 };

    pub(crate) fn from_i128(v: i128) -> Self {
        Dec { mant: v, scale: 0 }
    }

    /// Parses `-12.345`, `1e3`, `.5`; None if not a plain decimal number or too big.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (body, exp) = match s.find(['e', 'E']) {
            Some(pos) => (s.get(..pos)?, s.get(pos + 1..)?.parse::<i32>().ok()?),
            None => (s, 0),
        };
        let (neg, body) = match body.as_bytes().first() {
            Some(b'-') => (true, body.get(1..)?),
            Some(b'+') => (false, body.get(1..)?),
            _ => (false, body),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits = format!("{int}{frac}");
        let digits = digits.trim_start_matches('0');
        let mut mant: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let mut scale = i64::try_from(frac.len()).ok()? - i64::from(exp);
        if scale < 0 {
            mant = mant.checked_mul(pow10(u32::try_from(-scale).ok()?)?)?;
            scale = 0;
        }
        let mut d = Dec {
            mant: if neg { -mant } else { mant },
            scale: u32::try_from(scale).ok()?,
        };
        if d.scale > DECIMAL_MAX_SCALE {
            d = d.round(DECIMAL_MAX_SCALE);
        }
        Some(d)
    }

    pub(crate) fn from_f64(f: f64) -> Self {
        if !f.is_finite() {
            return Dec::ZERO;
        }
        Dec::parse(&format!("{f:e}"))
            .map(|d| if d.scale > 17 { d.round(17) } else { d })
            .unwrap_or(Dec::ZERO)
    }

    pub(crate) fn rescale(self, scale: u32) -> Option<Self> {
        if scale >= self.scale {
            Some(Dec {
                mant: self.mant.checked_mul(pow10(scale - self.scale)?)?,
                scale,
            })
        } else {
            Some(self.round(scale))
        }
    }

    /// Rounds half away from zero to `scale` digits (never increases the scale).
    pub(crate) fn round(self, scale: u32) -> Self {
        if scale >= self.scale {
            return self;
        }
        let Some(p) = pow10(self.scale - scale) else {
            return Dec { mant: 0, scale };
        };
        let q = self.mant / p;
        let r = self.mant % p;
        let adj = if r.abs() * 2 >= p {
            self.mant.signum()
        } else {
            0
        };
        Dec {
            mant: q + adj,
            scale,
        }
    }

    /// Rounds to `10^-d` where `d` may be negative (ROUND(x, -2)).
    pub(crate) fn round_signed(self, d: i64) -> Option<Self> {
        if d >= 0 {
            let d = u32::try_from(d.min(i64::from(DECIMAL_MAX_SCALE))).ok()?;
            return Some(self.round(d.min(self.scale)));
        }
        let k = u32::try_from(d.unsigned_abs().min(40)).ok()?;
        let int = self.round(0).mant;
        let p = pow10(k)?;
        let r = int % p;
        let base = int - r;
        let adj = if r.abs() * 2 >= p {
            p * int.signum()
        } else {
            0
        };
        Some(Dec {
            mant: base.checked_add(adj)?,
            scale: 0,
        })
    }

    pub(crate) fn floor(self) -> Self {
        let Some(p) = pow10(self.scale) else {
            return Dec::ZERO;
        };
        let q = self.mant.div_euclid(p);
        Dec { mant: q, scale: 0 }
    }

    pub(crate) fn ceil(self) -> Self {
        let Some(p) = pow10(self.scale) else {
            return Dec::ZERO;
        };
        let q = -((-self.mant).div_euclid(p));
        Dec { mant: q, scale: 0 }
    }

    /// Integer part, truncated toward zero.
    pub(crate) fn trunc_int(self) -> i128 {
        pow10(self.scale).map(|p| self.mant / p).unwrap_or(0)
    }

    pub(crate) fn to_i128(self) -> i128 {
        self.trunc_int()
    }

    pub(crate) fn add(self, o: Self) -> Option<Self> {
        let s = self.scale.max(o.scale);
        let a = self.rescale(s)?;
        let b = o.rescale(s)?;
        Some(Dec {
            mant: a.mant.checked_add(b.mant)?,
            scale: s,
        })
        .filter(Dec::fits)
    }

    pub(crate) fn sub(self, o: Self) -> Option<Self> {
        self.add(Dec {
            mant: o.mant.checked_neg()?,
            scale: o.scale,
        })
    }

    pub(crate) fn mul(self, o: Self) -> Option<Self> {
        let mut d = Dec {
            mant: self.mant.checked_mul(o.mant)?,
            scale: self.scale + o.scale,
        };
        if d.scale > DECIMAL_MAX_SCALE {
            d = d.round(DECIMAL_MAX_SCALE);
        }
        Some(d).filter(Dec::fits)
    }

    /// Division with MySQL's result scale `self.scale + incr`; None on overflow, Some(None) on /0.
    pub(crate) fn div(self, o: Self, incr: u32) -> Option<Option<Self>> {
        if o.mant == 0 {
            return Some(None);
        }
        let scale = (self.scale + incr).min(DECIMAL_MAX_SCALE);
        // self.mant/10^s1 / (o.mant/10^s2) = self.mant * 10^(s2 + scale + 1 - s1) / o.mant / 10^(scale+1)
        let shift = i64::from(o.scale) + i64::from(scale) + 1 - i64::from(self.scale);
        let num = if shift >= 0 {
            self.mant.checked_mul(pow10(u32::try_from(shift).ok()?)?)?
        } else {
            self.mant / pow10(u32::try_from(-shift).ok()?)?
        };
        let q = num / o.mant; // one extra digit for rounding
        let last = q % 10;
        let mut mant = q / 10;
        if last.abs() >= 5 {
            mant += q.signum();
        }
        Some(Some(Dec { mant, scale }).filter(Dec::fits))
    }

    /// MySQL MOD on decimals: sign of the dividend; None on /0.
    pub(crate) fn rem(self, o: Self) -> Option<Option<Self>> {
        if o.mant == 0 {
            return Some(None);
        }
        let s = self.scale.max(o.scale);
        let a = self.rescale(s)?;
        let b = o.rescale(s)?;
        Some(Some(Dec {
            mant: a.mant % b.mant,
            scale: s,
        }))
    }

    fn fits(&self) -> bool {
        // 38 digits of i128 are below MySQL's 65; treat anything i128 holds as in range.
        self.scale <= DECIMAL_MAX_SCALE
    }

    pub(crate) fn cmp(self, o: Self) -> Ordering {
        let s = self.scale.max(o.scale);
        match (self.rescale(s), o.rescale(s)) {
            (Some(a), Some(b)) => a.mant.cmp(&b.mant),
            _ => self
                .to_f64()
                .partial_cmp(&o.to_f64())
                .unwrap_or(Ordering::Equal),
        }
    }

    pub(crate) fn to_f64(self) -> f64 {
        self.to_string().parse().unwrap_or(0.0)
    }

    /// The value as a [`Value`].
    pub(crate) fn into_value(self) -> Value {
        Value::Decimal(self)
    }

    /// Parses a decimal from text (`-12.345`, `1e3`); None when the text is not a number.
    pub fn from_text(s: &str) -> Option<Self> {
        Dec::parse(s)
    }
}

impl std::fmt::Display for Dec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let neg = self.mant < 0;
        let digits = self.mant.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let body = if scale == 0 {
            digits
        } else if digits.len() > scale {
            let (a, b) = digits.split_at(digits.len() - scale);
            format!("{a}.{b}")
        } else {
            format!("0.{}{}", "0".repeat(scale - digits.len()), digits)
        };
        if neg {
            write!(f, "-{body}")
        } else {
            f.write_str(&body)
        }
    }
}

/// Case-insensitive (utf8mb4_0900_ai_ci-like, NO PAD) string comparison.
pub(crate) fn ci_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let a = String::from_utf8_lossy(a);
    let b = String::from_utf8_lossy(b);
    a.chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase))
}

/// MySQL comparison of two non-NULL values: numbers numerically, strings case-insensitively, a
/// string against a number as doubles.
pub(crate) fn compare(a: &Value, b: &Value) -> Ordering {
    use Value::*;
    match (a, b) {
        (Bytes(x), Bytes(y)) => ci_cmp(x, y),
        (Int(x), Int(y)) => x.cmp(y),
        (Int(_) | UInt(_), Int(_) | UInt(_)) => {
            let x = a.to_dec().map(|d| d.mant).unwrap_or(0);
            let y = b.to_dec().map(|d| d.mant).unwrap_or(0);
            x.cmp(&y)
        }
        (Int(_) | UInt(_) | Decimal(_), Int(_) | UInt(_) | Decimal(_)) => a
            .to_dec()
            .unwrap_or(Dec::ZERO)
            .cmp(b.to_dec().unwrap_or(Dec::ZERO)),
        _ => {
            let x = a.to_f64().unwrap_or(0.0);
            let y = b.to_f64().unwrap_or(0.0);
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
    }
}
