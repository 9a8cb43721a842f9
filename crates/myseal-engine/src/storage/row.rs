//! Stored rows in a compact, self-describing byte format.
//!
//! A row in the clustered index is one shared allocation of bytes instead of a slice of
//! [`Value`]s (48 bytes each, plus a heap allocation per string). Values are decoded when a
//! statement reads the row; scans copied every row into a `Vec<Value>` anyway, so reading costs
//! about what it did, and a 1,000,000-row table needs about half the memory.
//!
//! A row starts with its clustered-index key (a varint length, then the key bytes), so the
//! clustered index is a set of rows ordered by that key, with no separate key allocation.
//! Rows compare, and [`std::borrow::Borrow`] as, their key.
//!
//! Each value is a tag byte followed by its payload:
//!
//! | tag | value | payload |
//! |---|---|---|
//! | 0 | NULL | none |
//! | 1 | `Int` | zigzag varint |
//! | 2 | `UInt` | varint |
//! | 3 | `Double` | 8 bytes, little endian |
//! | 4 | `Decimal` | varint scale, zigzag varint mantissa (i128) |
//! | 5 | `Bytes` | varint length, the bytes |
//! | 6 | `Date` | year (2 bytes LE), month, day |
//! | 7 | `DateTime` | date as for 6, hour, minute, second, varint microseconds |
//! | 8 | `Time` | zigzag varint microseconds |
//!
//! The format is private to the process (nothing is written to disk), so it can change freely.

use std::fmt;
use std::sync::Arc;

use crate::datetime::{Date, DateTime, Time};
use crate::value::{Dec, Value};

const NULL: u8 = 0;
const INT: u8 = 1;
const UINT: u8 = 2;
const DOUBLE: u8 = 3;
const DECIMAL: u8 = 4;
const BYTES: u8 = 5;
const DATE: u8 = 6;
const DATETIME: u8 = 7;
const TIME: u8 = 8;

/// A stored row: its clustered-index key and the packed values of every column, in column
/// order. Cloning is O(1).
#[derive(Clone)]
pub(crate) struct Row(Arc<[u8]>);

impl fmt::Debug for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Row {}

impl PartialOrd for Row {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Row {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(other.key())
    }
}

impl std::borrow::Borrow<[u8]> for Row {
    fn borrow(&self) -> &[u8] {
        self.key()
    }
}

impl Row {
    /// Packs a row with clustered-index key `key`.
    pub(crate) fn new(key: &[u8], values: &[Value]) -> Row {
        let size: usize = varint_len(key.len() as u128)
            + key.len()
            + values.iter().map(packed_size).sum::<usize>();
        let mut out = Vec::with_capacity(size);
        put_varint(&mut out, key.len() as u128);
        out.extend_from_slice(key);
        for v in values {
            put(&mut out, v);
        }
        Row(Arc::from(out))
    }

    /// The key and the offset of the first value.
    fn split(&self) -> (&[u8], &[u8]) {
        let mut header = Values { bytes: &self.0 };
        let len = header
            .varint()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0);
        let rest = header.bytes;
        rest.split_at(len.min(rest.len()))
    }

    /// The row's clustered-index key (primary key, or hidden row id).
    pub(crate) fn key(&self) -> &[u8] {
        self.split().0
    }

    /// Every value, decoded.
    pub(crate) fn unpack(&self) -> Vec<Value> {
        let mut out = Vec::with_capacity(8);
        out.extend(self.iter());
        out
    }

    /// The values of the columns `mask` marks, with NULL for the others (and for columns past
    /// the mask).
    pub(crate) fn unpack_only(&self, mask: &[bool]) -> Vec<Value> {
        let mut it = self.iter();
        let mut out = Vec::with_capacity(mask.len());
        let mut n = 0;
        loop {
            if mask.get(n).copied().unwrap_or(false) {
                match it.next() {
                    Some(v) => out.push(v),
                    None => break,
                }
            } else {
                if it.skip_one().is_none() {
                    break;
                }
                out.push(Value::Null);
            }
            n += 1;
        }
        out
    }

    /// The values in column order.
    pub(crate) fn iter(&self) -> Values<'_> {
        Values {
            bytes: self.split().1,
        }
    }

    /// The value of column `n` (None past the last column).
    pub(crate) fn get(&self, n: usize) -> Option<Value> {
        let mut it = self.iter();
        for _ in 0..n {
            it.skip_one()?;
        }
        it.next()
    }

    /// Bytes of the packed values.
    #[cfg(test)]
    pub(crate) fn packed_len(&self) -> usize {
        self.split().1.len()
    }

    /// A weak reference to the row's allocation (tests check that nothing keeps rows alive).
    #[cfg(test)]
    pub(crate) fn downgrade(&self) -> std::sync::Weak<[u8]> {
        Arc::downgrade(&self.0)
    }
}

/// Decodes the values of a row in order.
pub(crate) struct Values<'a> {
    bytes: &'a [u8],
}

impl Values<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(*b)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (a, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(a)
    }

    fn varint(&mut self) -> Option<u128> {
        let mut out: u128 = 0;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            out |= u128::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(out);
            }
            shift += 7;
            if shift >= 128 {
                return None;
            }
        }
    }

    fn date(&mut self) -> Option<Date> {
        let d = self.take(4)?;
        Some(Date {
            year: u16::from_le_bytes([d[0], d[1]]),
            month: d[2],
            day: d[3],
        })
    }

    /// Skips one value without building it.
    fn skip_one(&mut self) -> Option<()> {
        match self.byte()? {
            NULL => {}
            INT | UINT | TIME => {
                self.varint()?;
            }
            DOUBLE => {
                self.take(8)?;
            }
            DECIMAL => {
                self.varint()?;
                self.varint()?;
            }
            BYTES => {
                let n = usize::try_from(self.varint()?).ok()?;
                self.take(n)?;
            }
            DATE => {
                self.take(4)?;
            }
            DATETIME => {
                self.take(7)?;
                self.varint()?;
            }
            _ => return None,
        }
        Some(())
    }
}

impl Iterator for Values<'_> {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        Some(match self.byte()? {
            NULL => Value::Null,
            INT => Value::Int(unzigzag(self.varint()?) as i64),
            UINT => Value::UInt(self.varint()? as u64),
            DOUBLE => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Value::Double(f64::from_le_bytes(a))
            }
            DECIMAL => {
                let scale = u32::try_from(self.varint()?).ok()?;
                let mant = unzigzag(self.varint()?);
                Value::Decimal(Dec { mant, scale })
            }
            BYTES => {
                let n = usize::try_from(self.varint()?).ok()?;
                Value::Bytes(self.take(n)?.to_vec())
            }
            DATE => Value::Date(self.date()?),
            DATETIME => {
                let date = self.date()?;
                let t = self.take(3)?;
                let (hour, minute, second) = (t[0], t[1], t[2]);
                let micro = u32::try_from(self.varint()?).ok()?;
                Value::DateTime(DateTime {
                    date,
                    hour,
                    minute,
                    second,
                    micro,
                })
            }
            TIME => Value::Time(Time {
                micros: unzigzag(self.varint()?) as i64,
            }),
            _ => return None,
        })
    }
}

fn zigzag(v: i128) -> u128 {
    ((v << 1) ^ (v >> 127)) as u128
}

fn unzigzag(v: u128) -> i128 {
    ((v >> 1) as i128) ^ -((v & 1) as i128)
}

fn varint_len(mut v: u128) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn put_varint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn packed_size(v: &Value) -> usize {
    1 + match v {
        Value::Null => 0,
        Value::Int(i) => varint_len(zigzag(i128::from(*i))),
        Value::UInt(u) => varint_len(u128::from(*u)),
        Value::Double(_) => 8,
        Value::Decimal(d) => varint_len(u128::from(d.scale)) + varint_len(zigzag(d.mant)),
        Value::Bytes(b) => varint_len(b.len() as u128) + b.len(),
        Value::Date(_) => 4,
        Value::DateTime(dt) => 7 + varint_len(u128::from(dt.micro)),
        Value::Time(t) => varint_len(zigzag(i128::from(t.micros))),
    }
}

fn put_date(out: &mut Vec<u8>, d: &Date) {
    out.extend_from_slice(&d.year.to_le_bytes());
    out.push(d.month);
    out.push(d.day);
}

fn put(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(NULL),
        Value::Int(i) => {
            out.push(INT);
            put_varint(out, zigzag(i128::from(*i)));
        }
        Value::UInt(u) => {
            out.push(UINT);
            put_varint(out, u128::from(*u));
        }
        Value::Double(d) => {
            out.push(DOUBLE);
            out.extend_from_slice(&d.to_le_bytes());
        }
        Value::Decimal(d) => {
            out.push(DECIMAL);
            put_varint(out, u128::from(d.scale));
            put_varint(out, zigzag(d.mant));
        }
        Value::Bytes(b) => {
            out.push(BYTES);
            put_varint(out, b.len() as u128);
            out.extend_from_slice(b);
        }
        Value::Date(d) => {
            out.push(DATE);
            put_date(out, d);
        }
        Value::DateTime(dt) => {
            out.push(DATETIME);
            put_date(out, &dt.date);
            out.extend_from_slice(&[dt.hour, dt.minute, dt.second]);
            put_varint(out, u128::from(dt.micro));
        }
        Value::Time(t) => {
            out.push(TIME);
            put_varint(out, zigzag(i128::from(t.micros)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(values: Vec<Value>) {
        let row = Row::new(b"key", &values);
        assert_eq!(row.key(), b"key");
        assert_eq!(row.unpack(), values);
        for (n, v) in values.iter().enumerate() {
            assert_eq!(row.get(n).as_ref(), Some(v), "column {n}");
        }
        assert_eq!(row.get(values.len()), None);
        assert_eq!(
            row.packed_len(),
            values.iter().map(packed_size).sum::<usize>()
        );
    }

    #[test]
    fn every_kind_of_value_round_trips() {
        roundtrip(vec![]);
        roundtrip(vec![
            Value::Null,
            Value::Int(0),
            Value::Int(-1),
            Value::Int(i64::MIN),
            Value::Int(i64::MAX),
            Value::UInt(u64::MAX),
            Value::UInt(127),
            Value::UInt(128),
            Value::Double(-0.0),
            Value::Double(1e300),
        ]);
        roundtrip(vec![
            Value::Decimal(Dec {
                mant: i128::MAX,
                scale: 30,
            }),
            Value::Decimal(Dec {
                mant: i128::MIN,
                scale: 0,
            }),
            Value::Decimal(Dec {
                mant: -12345,
                scale: 2,
            }),
            Value::Bytes(Vec::new()),
            Value::Bytes(vec![0xff; 300]),
            Value::Bytes("café".into()),
        ]);
        roundtrip(vec![
            Value::Date(Date {
                year: 9999,
                month: 12,
                day: 31,
            }),
            Value::DateTime(DateTime {
                date: Date {
                    year: 2026,
                    month: 11,
                    day: 30,
                },
                hour: 23,
                minute: 59,
                second: 59,
                micro: 999_999,
            }),
            Value::Time(Time {
                micros: -838 * 3600 * 1_000_000,
            }),
            Value::Null,
        ]);
    }

    #[test]
    fn nan_survives_as_nan() {
        let row = Row::new(&[], &[Value::Double(f64::NAN)]);
        assert!(matches!(row.get(0), Some(Value::Double(d)) if d.is_nan()));
    }

    #[test]
    fn a_sysbench_row_is_compact() {
        let row = Row::new(
            &[0x80, 0, 0, 1],
            &[
                Value::Int(1_000_000),
                Value::Int(499_812),
                Value::Bytes(vec![b'7'; 119]),
                Value::Bytes(vec![b'1'; 59]),
            ],
        );
        assert_eq!(row.packed_len(), 4 + 4 + 121 + 61);
    }

    #[test]
    fn truncated_bytes_end_the_row_instead_of_panicking() {
        let full = Row::new(&[1, 2], &[Value::Int(5), Value::Bytes(vec![1, 2, 3])]);
        for cut in 0..full.0.len() {
            let row = Row(Arc::from(&full.0[..cut]));
            assert!(row.key().len() <= 2);
            assert!(row.unpack().len() <= 2);
        }
    }
}
