//! Rendering result values the way sqllogictest does, sorting, and the MD5 of a result.
//!
//! sqllogictest compares text, not typed values: every value is rendered according to the letter of its
//! column in the query's type string, then the rendered values are sorted (rowsort/valuesort) and compared
//! with the script, or hashed when there are many of them.

use md5::{Digest, Md5};

use crate::parse::{ColumnType, SortMode};

/// Renders one value (as text from the server, None for SQL NULL) for a column of type `ty`.
///
/// - NULL is `NULL` whatever the type.
/// - `I`: the integer part, as SQLite's runner does when it reads a real through `sqlite3_column_int64`:
///   `12.9` → `12`, `-0.5` → `0`, `1e3` → `1000`; text that does not start with a number is `0`.
/// - `R`: `printf("%.3f")` of the value read as a double (text that is not a number reads as 0).
/// - `T`: the text; the empty string is `(empty)`; every byte outside printable ASCII (below 0x20 or above
///   0x7e, so control characters and each byte of a non-ASCII character) is replaced by `@`.
pub fn render(value: Option<&str>, ty: ColumnType) -> String {
    let Some(v) = value else {
        return "NULL".to_string();
    };
    match ty {
        ColumnType::Integer => render_integer(v),
        ColumnType::Real => format!("{:.3}", leading_f64(v)),
        ColumnType::Text => render_text(v),
    }
}

fn render_text(v: &str) -> String {
    if v.is_empty() {
        return "(empty)".to_string();
    }
    v.bytes()
        .map(|b| {
            if (0x20..=0x7e).contains(&b) {
                char::from(b)
            } else {
                '@'
            }
        })
        .collect()
}

/// The longest prefix of `v` (after leading whitespace) that reads as a number, split into its parts.
struct NumberPrefix<'a> {
    negative: bool,
    int_digits: &'a str,
    /// The whole prefix, for parsing as a double.
    text: &'a str,
}

fn number_prefix(v: &str) -> Option<NumberPrefix<'_>> {
    let s = v.trim_start();
    let b = s.as_bytes();
    let mut i = 0;
    let mut negative = false;
    if let Some(&c) = b.first() {
        if c == b'+' || c == b'-' {
            negative = c == b'-';
            i = 1;
        }
    }
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int_end = i;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        let mut j = i + 1;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        frac_digits = j - i - 1;
        if int_end > int_start || frac_digits > 0 {
            i = j;
        }
    }
    if int_end == int_start && frac_digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_start = j;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    Some(NumberPrefix {
        negative,
        int_digits: &s[int_start..int_end],
        text: &s[..i],
    })
}

fn render_integer(v: &str) -> String {
    let Some(n) = number_prefix(v) else {
        return "0".to_string();
    };
    let has_exponent = n.text.contains(['e', 'E']);
    if has_exponent {
        // Through a double, truncated toward zero and clamped like a C cast to a 64-bit integer.
        let f = n.text.parse::<f64>().unwrap_or(0.0).trunc();
        return if f >= i64::MAX as f64 {
            i64::MAX.to_string()
        } else if f <= i64::MIN as f64 {
            i64::MIN.to_string()
        } else {
            format!("{}", f as i64)
        };
    }
    // Digits with an optional fraction: truncate textually, exact for any length.
    let digits = n.int_digits.trim_start_matches('0');
    if digits.is_empty() {
        "0".to_string()
    } else if n.negative {
        format!("-{digits}")
    } else {
        digits.to_string()
    }
}

/// The value read as a double the way C's `atof` does: the numeric prefix, or 0.
fn leading_f64(v: &str) -> f64 {
    number_prefix(v)
        .and_then(|n| n.text.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// Renders every row (`types` gives each column's letter; extra columns render as text) and orders the
/// values per `sort`, returning them flattened row-major.
pub fn render_rows(
    rows: &[Vec<Option<String>>],
    types: &[ColumnType],
    sort: SortMode,
) -> Vec<String> {
    let mut rendered: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .enumerate()
                .map(|(i, v)| {
                    render(
                        v.as_deref(),
                        types.get(i).copied().unwrap_or(ColumnType::Text),
                    )
                })
                .collect()
        })
        .collect();
    match sort {
        SortMode::NoSort => rendered.into_iter().flatten().collect(),
        SortMode::RowSort => {
            rendered.sort();
            rendered.into_iter().flatten().collect()
        }
        SortMode::ValueSort => {
            let mut values: Vec<String> = rendered.drain(..).flatten().collect();
            values.sort();
            values
        }
    }
}

/// The MD5 (lowercase hex) of the values, each followed by `\n`, as sqllogictest hashes results.
pub fn md5_of_values<S: AsRef<str>>(values: &[S]) -> String {
    let mut h = Md5::new();
    for v in values {
        h.update(v.as_ref().as_bytes());
        h.update(b"\n");
    }
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnType::{Integer, Real, Text};

    #[test]
    fn null_renders_as_null_for_every_type() {
        for t in [Integer, Real, Text] {
            assert_eq!(render(None, t), "NULL");
        }
    }

    #[test]
    fn integers_render_their_integer_part() {
        assert_eq!(render(Some("42"), Integer), "42");
        assert_eq!(render(Some("-7"), Integer), "-7");
        assert_eq!(render(Some("12.9000"), Integer), "12");
        assert_eq!(render(Some("-12.9"), Integer), "-12");
        assert_eq!(render(Some("-0.5"), Integer), "0");
        assert_eq!(render(Some("007"), Integer), "7");
        assert_eq!(render(Some("1e3"), Integer), "1000");
        assert_eq!(render(Some("-2.5E1"), Integer), "-25");
        assert_eq!(
            render(Some("18446744073709551615"), Integer),
            "18446744073709551615"
        );
        assert_eq!(render(Some("12abc"), Integer), "12");
        assert_eq!(render(Some("abc"), Integer), "0");
        assert_eq!(render(Some(""), Integer), "0");
        assert_eq!(render(Some(".5"), Integer), "0");
    }

    #[test]
    fn reals_render_with_three_decimals() {
        assert_eq!(render(Some("2.5"), Real), "2.500");
        assert_eq!(render(Some("-1"), Real), "-1.000");
        assert_eq!(render(Some("1.23456"), Real), "1.235");
        assert_eq!(render(Some("1e2"), Real), "100.000");
        assert_eq!(render(Some("x"), Real), "0.000");
        assert_eq!(render(Some("33.3333"), Real), "33.333");
    }

    #[test]
    fn text_renders_empty_and_unprintable_characters_like_sqllogictest() {
        assert_eq!(render(Some("abc def"), Text), "abc def");
        assert_eq!(render(Some(""), Text), "(empty)");
        assert_eq!(render(Some("a\tb\nc\x7f"), Text), "a@b@c@");
        assert_eq!(render(Some("é"), Text), "@@");
        assert_eq!(render(Some("12"), Text), "12");
    }

    fn rows(v: &[&[&str]]) -> Vec<Vec<Option<String>>> {
        v.iter()
            .map(|r| {
                r.iter()
                    .map(|s| (*s != "NULL").then(|| s.to_string()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn nosort_keeps_the_server_order_row_major() {
        let r = rows(&[&["3", "c"], &["1", "a"]]);
        assert_eq!(
            render_rows(&r, &[Integer, Text], SortMode::NoSort),
            ["3", "c", "1", "a"]
        );
    }

    #[test]
    fn rowsort_sorts_rendered_rows() {
        // Rows compare as lists of rendered strings: "10" < "9" as text, and the second column breaks ties.
        let r = rows(&[&["9", "b"], &["10", "z"], &["9", "a"], &["NULL", "x"]]);
        assert_eq!(
            render_rows(&r, &[Integer, Text], SortMode::RowSort),
            ["10", "z", "9", "a", "9", "b", "NULL", "x"]
        );
    }

    #[test]
    fn valuesort_sorts_every_value_on_its_own() {
        let r = rows(&[&["3", "1"], &["2", "10"]]);
        assert_eq!(
            render_rows(&r, &[Integer, Integer], SortMode::ValueSort),
            ["1", "10", "2", "3"]
        );
    }

    #[test]
    fn md5_hash_matches_sqllogictest() {
        // printf '1\n2\n' | md5sum
        assert_eq!(
            md5_of_values(&["1", "2"]),
            "6ddb4095eb719e2a9f0a3f95677d24e0"
        );
        // printf '' | md5sum
        assert_eq!(
            md5_of_values::<&str>(&[]),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
    }
}
