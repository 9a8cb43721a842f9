//! Memcomparable index keys.
//!
//! An index key is the concatenation of its columns' encodings; comparing two keys as bytes
//! gives the order of the index (columns compared one after another, NULL first). Every
//! encoding is self-delimiting, so a key followed by more bytes (the next column, or the primary
//! key appended to a secondary index entry) still compares correctly.
//!
//! - NULL is `0x00`; a value is `0x01` followed by its payload.
//! - Integers: 8 bytes big-endian, signed ones with the sign bit flipped.
//! - DECIMAL: the mantissa at the column's scale, 16 bytes big-endian with the sign bit flipped.
//! - DOUBLE/FLOAT: IEEE bits, flipped so that negative numbers order below positive ones.
//! - Text: the collation's sort key (so 'a' and 'A' are one key under a case-insensitive
//!   collation, which is what makes UNIQUE and lookups follow the collation).
//! - Binary strings: bytes with `0x00` escaped as `0x00 0x01`, terminated by `0x00 0x00`.
//! - Temporal values: their fields packed into 8 bytes; TIME as signed microseconds.
//! - ENUM: the member's index; SET: the member bitmask.

use std::sync::Arc;

use crate::types::{BaseType, SqlType};
use crate::value::{Dec, Value};

/// Bytes a [`Key`] holds without an allocation.
const INLINE: usize = 22;

/// An encoded key. Keys of up to 22 bytes (an integer primary key, or an index entry of one
/// integer column and an integer primary key) are stored inline; longer ones are shared (`Arc`)
/// so that index entries and map nodes copy them cheaply. Either way a key is 24 bytes and
/// behaves as its bytes (`Deref<Target = [u8]>`, ordering, equality, hashing).
#[derive(Clone)]
pub(crate) enum Key {
    /// Length and bytes.
    Inline(u8, [u8; INLINE]),
    /// A longer key.
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for Key {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Key::Inline(n, b) => b.get(..usize::from(*n)).unwrap_or(b),
            Key::Shared(a) => a,
        }
    }
}

impl AsRef<[u8]> for Key {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::borrow::Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (**self).cmp(&**other)
    }
}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl From<&[u8]> for Key {
    fn from(bytes: &[u8]) -> Key {
        match u8::try_from(bytes.len()) {
            Ok(n) if bytes.len() <= INLINE => {
                let mut b = [0u8; INLINE];
                b[..bytes.len()].copy_from_slice(bytes);
                Key::Inline(n, b)
            }
            _ => Key::Shared(Arc::from(bytes)),
        }
    }
}

impl From<Vec<u8>> for Key {
    fn from(bytes: Vec<u8>) -> Key {
        if bytes.len() <= INLINE {
            Key::from(bytes.as_slice())
        } else {
            Key::Shared(Arc::from(bytes))
        }
    }
}

/// Appends the encoding of `v` as a value of column type `ty`. `prefix` limits strings to their
/// first `prefix` characters (bytes for binary strings), for prefix indexes. The value must
/// already have the column's type (the executor converts before encoding); a value of another
/// kind is encoded by its nearest meaning and never panics.
pub(crate) fn encode(v: &Value, ty: &SqlType, prefix: Option<u32>, out: &mut Vec<u8>) {
    if v.is_null() {
        out.push(0);
        return;
    }
    out.push(1);
    match ty.base {
        BaseType::TinyInt
        | BaseType::SmallInt
        | BaseType::MediumInt
        | BaseType::Int
        | BaseType::BigInt
        | BaseType::Year => {
            if ty.unsigned {
                let u = match v {
                    Value::UInt(u) => *u,
                    Value::Int(i) => u64::try_from(*i).unwrap_or(0),
                    other => u64::try_from(other.to_i64().unwrap_or(0)).unwrap_or(0),
                };
                out.extend_from_slice(&u.to_be_bytes());
            } else {
                let i = match v {
                    Value::Int(i) => *i,
                    Value::UInt(u) => i64::try_from(*u).unwrap_or(i64::MAX),
                    other => other.to_i64().unwrap_or(0),
                };
                out.extend_from_slice(&((i as u64) ^ (1 << 63)).to_be_bytes());
            }
        }
        BaseType::Bit => {
            let u = match v {
                Value::UInt(u) => *u,
                Value::Int(i) => *i as u64,
                Value::Bytes(b) => b.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x)),
                other => other.to_i64().unwrap_or(0) as u64,
            };
            out.extend_from_slice(&u.to_be_bytes());
        }
        BaseType::Decimal => {
            let d = v.to_dec().unwrap_or(Dec::ZERO);
            let d = d.rescale(u32::from(ty.scale)).unwrap_or(d);
            out.extend_from_slice(&((d.mant as u128) ^ (1 << 127)).to_be_bytes());
        }
        BaseType::Float | BaseType::Double => {
            let f = v.to_f64().unwrap_or(0.0);
            let f = if f == 0.0 { 0.0 } else { f }; // -0 == 0
            let bits = f.to_bits();
            let bits = if f.is_sign_negative() {
                !bits
            } else {
                bits ^ (1 << 63)
            };
            out.extend_from_slice(&bits.to_be_bytes());
        }
        BaseType::Date | BaseType::DateTime | BaseType::Timestamp => {
            let dt = match v {
                Value::DateTime(dt) => *dt,
                Value::Date(d) => crate::temporal::DateTime::from_date(*d),
                _ => Default::default(),
            };
            let packed = (u64::from(dt.date.year) << 46)
                | (u64::from(dt.date.month) << 42)
                | (u64::from(dt.date.day) << 37)
                | (u64::from(dt.hour) << 32)
                | (u64::from(dt.minute) << 26)
                | (u64::from(dt.second) << 20)
                | u64::from(dt.micro & 0xF_FFFF);
            out.extend_from_slice(&packed.to_be_bytes());
        }
        BaseType::Time => {
            let m = match v {
                Value::Time(t) => t.micros,
                _ => 0,
            };
            out.extend_from_slice(&((m as u64) ^ (1 << 63)).to_be_bytes());
        }
        BaseType::Enum | BaseType::Set => {
            let n = member_number(v, ty);
            out.extend_from_slice(&n.to_be_bytes());
        }
        _ => {
            let bytes: std::borrow::Cow<'_, [u8]> = match v {
                Value::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
                other => std::borrow::Cow::Owned(other.to_text().unwrap_or_default()),
            };
            if ty.collation.is_binary() || ty.is_binary_string() {
                let b = match prefix {
                    Some(n) => bytes.get(..(n as usize).min(bytes.len())).unwrap_or(&bytes),
                    None => &bytes,
                };
                for &x in b {
                    if x == 0 {
                        out.extend_from_slice(&[0, 1]);
                    } else {
                        out.push(x);
                    }
                }
                out.extend_from_slice(&[0, 0]);
            } else {
                let s = match prefix {
                    Some(n) => char_prefix(&bytes, n as usize),
                    None => &bytes,
                };
                ty.collation.sort_key(s, out);
            }
        }
    }
}

/// The first `n` characters of UTF-8 text.
fn char_prefix(b: &[u8], n: usize) -> &[u8] {
    let mut count = 0;
    for (i, &x) in b.iter().enumerate() {
        if x & 0xC0 != 0x80 {
            if count == n {
                return b.get(..i).unwrap_or(b);
            }
            count += 1;
        }
    }
    b
}

/// ENUM index (1-based) or SET bitmask of a value stored as text.
pub(crate) fn member_number(v: &Value, ty: &SqlType) -> u64 {
    let els = ty.elements.as_deref().unwrap_or(&[]);
    let text = match v {
        Value::Bytes(b) => b.as_slice(),
        Value::Int(i) => return u64::try_from(*i).unwrap_or(0),
        Value::UInt(u) => return *u,
        _ => return 0,
    };
    if ty.base == BaseType::Enum {
        els.iter()
            .position(|e| ty.collation.eq(e.as_bytes(), text))
            .map(|p| p as u64 + 1)
            .unwrap_or(0)
    } else {
        let mut mask = 0u64;
        for part in text.split(|c| *c == b',') {
            if let Some(p) = els.iter().position(|e| ty.collation.eq(e.as_bytes(), part)) {
                mask |= 1u64.checked_shl(p as u32).unwrap_or(0);
            }
        }
        mask
    }
}

/// The smallest key greater than every key that starts with `prefix`; None if there is none.
pub(crate) fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut v = prefix.to_vec();
    while let Some(last) = v.pop() {
        if last < 0xFF {
            v.push(last + 1);
            return Some(v);
        }
    }
    None
}

/// Builds a key from bytes.
pub(crate) fn key(bytes: &[u8]) -> Key {
    Key::from(bytes)
}

/// The key of a hidden row id (tables without a primary key).
pub(crate) fn row_id_key(id: u64) -> Key {
    Key::from(id.to_be_bytes().as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_are_inline_and_every_key_behaves_as_its_bytes() {
        assert_eq!(std::mem::size_of::<Key>(), 24);
        let short = key(&[1; 22]);
        let long = key(&[1; 23]);
        assert!(matches!(short, Key::Inline(22, _)));
        assert!(matches!(long, Key::Shared(_)));
        assert_eq!(&short[..], &[1; 22][..]);
        assert_eq!(&long[..], &[1; 23][..]);
        assert!(short < long);
        assert_eq!(Key::from(vec![1; 22]), short);
        assert_eq!(Key::from(vec![1; 23]), long);
        assert!(key(&[]).is_empty());
        let mut set = std::collections::HashSet::new();
        set.insert(short.clone());
        assert!(set.contains(&[1u8; 22][..]));
    }
    use crate::collation::Collation;

    fn enc(v: Value, ty: &SqlType) -> Vec<u8> {
        let mut out = Vec::new();
        encode(&v, ty, None, &mut out);
        out
    }

    #[test]
    fn signed_integers_order_as_numbers() {
        let t = SqlType::bigint();
        let vals = [i64::MIN, -5, -1, 0, 1, 7, i64::MAX];
        for w in vals.windows(2) {
            assert!(enc(Value::Int(w[0]), &t) < enc(Value::Int(w[1]), &t));
        }
        assert!(enc(Value::Null, &t) < enc(Value::Int(i64::MIN), &t));
    }

    #[test]
    fn doubles_and_decimals_order_as_numbers() {
        let t = SqlType::double();
        let vals = [-1e300, -2.5, -0.0, 0.5, 3.0, 1e300];
        for w in vals.windows(2) {
            assert!(enc(Value::Double(w[0]), &t) <= enc(Value::Double(w[1]), &t));
        }
        let d = SqlType::decimal(10, 2);
        let a = enc(Value::Decimal(Dec::parse("-1.50").unwrap()), &d);
        let b = enc(Value::Decimal(Dec::parse("0.25").unwrap()), &d);
        let c = enc(Value::Decimal(Dec::parse("12").unwrap()), &d);
        assert!(a < b && b < c);
    }

    #[test]
    fn case_insensitive_text_gives_one_key() {
        let t = SqlType::varchar(10, Collation::Utf8mb4_0900_ai_ci);
        assert_eq!(enc(Value::str("abc"), &t), enc(Value::str("ABC"), &t));
        assert!(enc(Value::str("ab"), &t) < enc(Value::str("abc"), &t));
    }

    #[test]
    fn composite_keys_compare_column_by_column() {
        let t = SqlType::varchar(10, Collation::Utf8mb4_bin);
        let mut a = enc(Value::str("a"), &t);
        a.extend(enc(Value::str("z"), &t));
        let mut b = enc(Value::str("ab"), &t);
        b.extend(enc(Value::str("a"), &t));
        assert!(a < b);
    }

    #[test]
    fn prefix_successor_bounds_every_extension() {
        let p = [1u8, 2, 0xFF];
        let s = prefix_successor(&p).unwrap();
        assert_eq!(s, vec![1, 3]);
        assert!(prefix_successor(&[0xFF, 0xFF]).is_none());
    }
}
