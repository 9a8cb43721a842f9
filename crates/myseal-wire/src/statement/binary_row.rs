//! ProtocolBinary::ResultsetRow: the rows of a prepared statement's result set.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_binary_resultset.html#sect_protocol_binary_resultset_row>
//!
//! A row is a 0x00 header, a NULL bitmap of `(columns + 7 + 2) / 8` bytes whose bits start at
//! offset 2, then the value of every non-NULL column in the binary encoding of its column type.

use super::{
    put_datetime, put_time, shortest_datetime_len, shortest_time_len, BinaryKind, DateTimeFields,
    TimeFields,
};
use crate::buf::{put_lenenc_bytes, put_u16_le, put_u32_le, put_u64_le, Reader};
use crate::constants::ColumnType;
use crate::error::{Context, WireError};

/// Header byte of a binary row.
const HEADER: u8 = 0x00;
/// Bit offset of the first column in a binary row's NULL bitmap.
const BITMAP_OFFSET: usize = 2;

/// One cell of a binary row, as the engine hands it over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BinaryCell<'a> {
    /// SQL NULL.
    Null,
    /// A signed integer.
    I64(i64),
    /// An unsigned integer.
    U64(u64),
    /// A floating-point number.
    F64(f64),
    /// Text or binary bytes (strings, decimals, temporal values as MySQL text, ...).
    Bytes(&'a [u8]),
}

/// Appends one binary row. Each non-NULL cell is written in the encoding of its column's type
/// (`types[i]`; a cell without a type is written as a string):
///
/// - LONGLONG: 8 bytes, LONG/INT24: 4, SHORT/YEAR: 2, TINY: 1, little-endian two's complement
///   (wider values keep their low bytes; the caller sends in-range values). An `F64` is rounded
///   (saturating); `Bytes` are parsed as a decimal integer, else as a float and rounded, else 0.
/// - DOUBLE: 8 bytes, FLOAT: 4 bytes (`f32`); integers are converted, `Bytes` parsed, else 0.
/// - DATE/DATETIME/TIMESTAMP: `Bytes` in MySQL text form (`YYYY-MM-DD[ hh:mm:ss[.ffffff]]`) are
///   written in the binary form, as short as MySQL's `Protocol_binary::store_datetime` makes it;
///   anything unparsable becomes the zero value (length 0).
/// - TIME: `Bytes` as `[-]h..h:mm:ss[.ffffff]`, written like `store_time`; unparsable → zero.
/// - NULL: no bytes.
/// - everything else: a length-encoded string; a numeric cell is written as its decimal text
///   (an `F64` as Rust's shortest round-trip form, which can differ from MySQL's `%g` style).
pub fn encode_binary_row(out: &mut Vec<u8>, cells: &[BinaryCell<'_>], types: &[ColumnType]) {
    out.push(HEADER);
    let start = out.len();
    out.resize(start + (cells.len() + 7 + BITMAP_OFFSET) / 8, 0);
    for (i, cell) in cells.iter().enumerate() {
        if *cell == BinaryCell::Null {
            let bit = i + BITMAP_OFFSET;
            if let Some(byte) = out.get_mut(start + bit / 8) {
                *byte |= 1 << (bit % 8);
            }
            continue;
        }
        let kind = types
            .get(i)
            .and_then(|t| BinaryKind::of(*t))
            .unwrap_or(BinaryKind::Bytes);
        encode_cell(out, *cell, kind);
    }
}

/// Writes one non-NULL cell in the encoding `kind`.
fn encode_cell(out: &mut Vec<u8>, cell: BinaryCell<'_>, kind: BinaryKind) {
    match kind {
        BinaryKind::Int1 => out.push(cell_bits(cell) as u8),
        BinaryKind::Int2 => put_u16_le(out, cell_bits(cell) as u16),
        BinaryKind::Int4 => put_u32_le(out, cell_bits(cell) as u32),
        BinaryKind::Int8 => put_u64_le(out, cell_bits(cell)),
        BinaryKind::Float => put_u32_le(out, (cell_f64(cell) as f32).to_bits()),
        BinaryKind::Double => put_u64_le(out, cell_f64(cell).to_bits()),
        BinaryKind::DateTime => {
            let v = cell_text(cell, parse_datetime).unwrap_or_default();
            put_datetime(out, &v, shortest_datetime_len(&v));
        }
        BinaryKind::Time => {
            let v = cell_text(cell, parse_time).unwrap_or_default();
            put_time(out, &v, shortest_time_len(&v));
        }
        BinaryKind::Null => {}
        BinaryKind::Bytes => match cell {
            BinaryCell::Bytes(b) => put_lenenc_bytes(out, b),
            BinaryCell::I64(v) => put_lenenc_bytes(out, v.to_string().as_bytes()),
            BinaryCell::U64(v) => put_lenenc_bytes(out, v.to_string().as_bytes()),
            BinaryCell::F64(v) => put_lenenc_bytes(out, v.to_string().as_bytes()),
            BinaryCell::Null => {}
        },
    }
}

/// Applies `parse` to the text of a `Bytes` cell.
fn cell_text<T>(cell: BinaryCell<'_>, parse: fn(&str) -> Option<T>) -> Option<T> {
    match cell {
        BinaryCell::Bytes(b) => std::str::from_utf8(b).ok().and_then(|s| parse(s.trim())),
        _ => None,
    }
}

/// The two's-complement bits of an integer cell (see [`encode_binary_row`]).
fn cell_bits(cell: BinaryCell<'_>) -> u64 {
    match cell {
        BinaryCell::I64(v) => v as u64,
        BinaryCell::U64(v) => v,
        BinaryCell::F64(v) => v.round() as i64 as u64,
        BinaryCell::Bytes(b) => {
            let s = std::str::from_utf8(b).map(str::trim).unwrap_or_default();
            if let Ok(v) = s.parse::<i64>() {
                v as u64
            } else if let Ok(v) = s.parse::<u64>() {
                v
            } else {
                s.parse::<f64>().map_or(0, |v| v.round() as i64 as u64)
            }
        }
        BinaryCell::Null => 0,
    }
}

/// The floating-point value of a cell (see [`encode_binary_row`]).
fn cell_f64(cell: BinaryCell<'_>) -> f64 {
    match cell {
        BinaryCell::I64(v) => v as f64,
        BinaryCell::U64(v) => v as f64,
        BinaryCell::F64(v) => v,
        BinaryCell::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0.0),
        BinaryCell::Null => 0.0,
    }
}

/// Parses a run of ASCII digits of length `min..=max` into a number.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `ss[.ffffff]` into (seconds, microseconds).
fn seconds_and_micro(s: &str) -> Option<(u8, u32)> {
    let (sec, frac) = match s.split_once('.') {
        Some((sec, frac)) => (sec, Some(frac)),
        None => (s, None),
    };
    let sec = u8::try_from(digits(sec, 1, 2)?).ok()?;
    let micro = match frac {
        None => 0,
        Some(f) => {
            let v = digits(f, 1, 6)?;
            v * 10u32.pow(6 - f.len() as u32)
        }
    };
    Some((sec, micro))
}

/// Parses `YYYY-MM-DD[( |T)hh:mm:ss[.ffffff]]`.
fn parse_datetime(s: &str) -> Option<DateTimeFields> {
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = date.splitn(3, '-');
    let mut v = DateTimeFields {
        year: u16::try_from(digits(parts.next()?, 1, 4)?).ok()?,
        month: u8::try_from(digits(parts.next()?, 1, 2)?).ok()?,
        day: u8::try_from(digits(parts.next()?, 1, 2)?).ok()?,
        ..DateTimeFields::default()
    };
    if let Some(time) = time {
        let mut parts = time.splitn(3, ':');
        v.hour = u8::try_from(digits(parts.next()?, 1, 2)?).ok()?;
        v.minute = u8::try_from(digits(parts.next()?, 1, 2)?).ok()?;
        (v.second, v.micro) = seconds_and_micro(parts.next()?)?;
    }
    Some(v)
}

/// Parses `[-]h..h:mm:ss[.ffffff]` (hours may exceed 23; they are split into days and hours).
fn parse_time(s: &str) -> Option<TimeFields> {
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut parts = s.splitn(3, ':');
    let hours = digits(parts.next()?, 1, 9)?;
    let minute = u8::try_from(digits(parts.next()?, 1, 2)?).ok()?;
    let (second, micro) = seconds_and_micro(parts.next()?)?;
    Some(TimeFields {
        negative,
        days: hours / 24,
        hour: u8::try_from(hours % 24).ok()?,
        minute,
        second,
        micro,
    })
}

/// Decodes a binary row (client side; tests and tools) into the raw value bytes of each column:
/// `None` for NULL; for length-encoded and temporal types the bytes after the length; for
/// fixed-width numbers their little-endian bytes; for type NULL (or an unknown type, which a
/// client could not parse either) an empty value.
///
/// # Errors
/// `Malformed` unless the header is 0x00 or when a type is unknown, `Truncated` when the row ends
/// early, `TrailingBytes` when bytes remain after the last column.
pub fn decode_binary_row(
    payload: &[u8],
    types: &[ColumnType],
) -> Result<Vec<Option<Vec<u8>>>, WireError> {
    const WHAT: &str = "row value";
    let mut r = Reader::new(payload);
    if r.u8().ctx("binary row header")? != HEADER {
        return Err(WireError::Malformed("binary row must start with 0x00"));
    }
    let bitmap = r
        .bytes((types.len() + 7 + BITMAP_OFFSET) / 8)
        .ctx("NULL bitmap")?;
    let mut row = Vec::with_capacity(types.len());
    for (i, t) in types.iter().enumerate() {
        let bit = i + BITMAP_OFFSET;
        if bitmap
            .get(bit / 8)
            .is_some_and(|byte| byte & (1 << (bit % 8)) != 0)
        {
            row.push(None);
            continue;
        }
        let kind = BinaryKind::of(*t).ok_or(WireError::Malformed("unknown column type"))?;
        let value = match kind {
            BinaryKind::Int1 => r.bytes(1).ctx(WHAT)?,
            BinaryKind::Int2 => r.bytes(2).ctx(WHAT)?,
            BinaryKind::Int4 | BinaryKind::Float => r.bytes(4).ctx(WHAT)?,
            BinaryKind::Int8 | BinaryKind::Double => r.bytes(8).ctx(WHAT)?,
            BinaryKind::DateTime | BinaryKind::Time => {
                let len = r.u8().ctx(WHAT)?;
                r.bytes(usize::from(len)).ctx(WHAT)?
            }
            BinaryKind::Null => &[],
            BinaryKind::Bytes => r.lenenc_bytes().ctx(WHAT)?,
        };
        row.push(Some(value.to_vec()));
    }
    r.finish("binary row")?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn row(cells: &[BinaryCell<'_>], types: &[ColumnType]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_binary_row(&mut out, cells, types);
        out
    }

    #[test]
    fn encodes_header_offset_bitmap_and_fixed_width_numbers() {
        let types = [
            ColumnType::LONGLONG,
            ColumnType::VAR_STRING,
            ColumnType::LONG,
            ColumnType::SHORT,
            ColumnType::TINY,
            ColumnType::DOUBLE,
            ColumnType::FLOAT,
        ];
        let cells = [
            BinaryCell::I64(-1),
            BinaryCell::Null,
            BinaryCell::U64(0x0102_0304),
            BinaryCell::I64(-2),
            BinaryCell::U64(255),
            BinaryCell::F64(1.5),
            BinaryCell::F64(0.5),
        ];
        let out = row(&cells, &types);
        let mut want = vec![0x00, 0b0000_1000, 0x00];
        want.extend_from_slice(&[0xFF; 8]);
        want.extend_from_slice(&[4, 3, 2, 1, 0xFE, 0xFF, 0xFF]);
        want.extend_from_slice(&1.5f64.to_le_bytes());
        want.extend_from_slice(&0.5f32.to_le_bytes());
        assert_eq!(out, want);
        let decoded = decode_binary_row(&out, &types).unwrap();
        assert_eq!(decoded[1], None);
        assert_eq!(decoded[2].as_deref(), Some(&[4, 3, 2, 1][..]));
        assert_eq!(decoded[6].as_deref(), Some(&0.5f32.to_le_bytes()[..]));
    }

    #[test]
    fn converts_cells_that_do_not_match_their_column_type() {
        let types = [
            ColumnType::VAR_STRING,
            ColumnType::NEWDECIMAL,
            ColumnType::LONGLONG,
            ColumnType::LONG,
            ColumnType::DOUBLE,
            ColumnType::TINY,
        ];
        let cells = [
            BinaryCell::I64(-42),
            BinaryCell::F64(2.5),
            BinaryCell::Bytes(b" 18446744073709551615 "),
            BinaryCell::Bytes(b"not a number"),
            BinaryCell::Bytes(b"3.25"),
            BinaryCell::Bytes(b"6.6"),
        ];
        let decoded = decode_binary_row(&row(&cells, &types), &types).unwrap();
        assert_eq!(decoded[0].as_deref(), Some(&b"-42"[..]));
        assert_eq!(decoded[1].as_deref(), Some(&b"2.5"[..]));
        assert_eq!(decoded[2].as_deref(), Some(&[0xFF; 8][..]));
        assert_eq!(decoded[3].as_deref(), Some(&[0; 4][..]));
        assert_eq!(decoded[4].as_deref(), Some(&3.25f64.to_le_bytes()[..]));
        assert_eq!(decoded[5].as_deref(), Some(&[7][..]));
    }

    #[test]
    fn writes_temporal_text_in_mysqls_shortest_binary_form() {
        let types = [
            ColumnType::DATE,
            ColumnType::DATETIME,
            ColumnType::TIMESTAMP,
            ColumnType::DATETIME,
            ColumnType::TIME,
            ColumnType::TIME,
            ColumnType::TIME,
            ColumnType::DATE,
        ];
        let cells = [
            BinaryCell::Bytes(b"2024-02-29"),
            BinaryCell::Bytes(b"2024-02-29 13:14:15"),
            BinaryCell::Bytes(b"2024-02-29 13:14:15.5"),
            BinaryCell::Bytes(b"0000-00-00 00:00:00"),
            BinaryCell::Bytes(b"-838:59:59"),
            BinaryCell::Bytes(b"01:02:03.000004"),
            BinaryCell::Bytes(b"00:00:00"),
            BinaryCell::Bytes(b"garbage"),
        ];
        let d = decode_binary_row(&row(&cells, &types), &types).unwrap();
        assert_eq!(d[0].as_deref(), Some(&[0xE8, 0x07, 2, 29][..]));
        assert_eq!(d[1].as_deref(), Some(&[0xE8, 0x07, 2, 29, 13, 14, 15][..]));
        assert_eq!(
            d[2].as_deref(),
            Some(&[0xE8, 0x07, 2, 29, 13, 14, 15, 0x20, 0xA1, 0x07, 0][..])
        );
        assert_eq!(d[3].as_deref(), Some(&[][..]));
        assert_eq!(d[4].as_deref(), Some(&[1, 34, 0, 0, 0, 22, 59, 59][..]));
        assert_eq!(
            d[5].as_deref(),
            Some(&[0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0][..])
        );
        assert_eq!(d[6].as_deref(), Some(&[][..]));
        assert_eq!(d[7].as_deref(), Some(&[][..]));
    }

    #[test]
    fn the_bitmap_grows_at_six_and_fourteen_columns() {
        for (n, bitmap_len) in [(0, 1), (6, 1), (7, 2), (14, 2), (15, 3)] {
            let cells = vec![BinaryCell::Null; n];
            let types = vec![ColumnType::LONG; n];
            let out = row(&cells, &types);
            assert_eq!(out.len(), 1 + bitmap_len, "{n} columns");
            assert_eq!(decode_binary_row(&out, &types).unwrap(), vec![None; n]);
        }
    }

    #[test]
    fn rejects_bad_header_truncation_and_trailing_bytes() {
        let types = [ColumnType::LONG, ColumnType::BLOB];
        let out = row(&[BinaryCell::I64(1), BinaryCell::Bytes(b"xy")], &types);
        for cut in 0..out.len() {
            assert!(decode_binary_row(&out[..cut], &types).is_err(), "cut {cut}");
        }
        let mut extra = out.clone();
        extra.push(0);
        assert_eq!(
            decode_binary_row(&extra, &types),
            Err(WireError::TrailingBytes {
                what: "binary row",
                count: 1
            })
        );
        let mut bad = out;
        bad[0] = 0xFE;
        assert!(matches!(
            decode_binary_row(&bad, &types),
            Err(WireError::Malformed(_))
        ));
        assert!(matches!(
            decode_binary_row(&[0, 0], &[ColumnType(0x0e)]),
            Err(WireError::Malformed(_))
        ));
    }
}
