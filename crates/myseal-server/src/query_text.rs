//! Statement text from the wire. The engine parses UTF-8 text, but a statement may carry any
//! bytes inside a string literal: mysqldump writes BLOBs that way (`'\0\xFF...'`), and MySQL
//! keeps those bytes. A literal that is not valid UTF-8 becomes a hex literal of the very bytes
//! it stands for (its escapes resolved), so a BLOB gets its bytes back; whatever else is not
//! UTF-8 (comments, identifiers) is replaced, as before. The literals are read under the
//! session's sql_mode: with ANSI_QUOTES `"x"` is an identifier, with NO_BACKSLASH_ESCAPES a
//! backslash is an ordinary byte.

/// The sql_mode flags that change how the text is read.
#[derive(Clone, Copy, Debug, Default)]
struct Mode {
    ansi_quotes: bool,
    no_backslash_escapes: bool,
}

/// The statement text for the engine (see the module documentation).
pub(crate) fn from_wire(bytes: Vec<u8>, ansi_quotes: bool, no_backslash_escapes: bool) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => rewrite(
            e.as_bytes(),
            Mode {
                ansi_quotes,
                no_backslash_escapes,
            },
        ),
    }
}

fn rewrite(bytes: &[u8], mode: Mode) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len() + 16);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\'' | b'"' if b == b'\'' || !mode.ansi_quotes => {
                let (end, value) = literal(bytes, i, mode.no_backslash_escapes);
                let raw = bytes.get(i..end).unwrap_or_default();
                if std::str::from_utf8(raw).is_ok() {
                    out.extend_from_slice(raw);
                } else {
                    out.extend_from_slice(b" X'");
                    for v in value {
                        out.extend_from_slice(format!("{v:02X}").as_bytes());
                    }
                    out.push(b'\'');
                }
                i = end;
            }
            _ => match verbatim_end(bytes, i, mode.ansi_quotes) {
                Some(end) => {
                    out.extend_from_slice(bytes.get(i..end).unwrap_or_default());
                    i = end;
                }
                None => {
                    out.push(b);
                    i += 1;
                }
            },
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where a span copied as it is ends, if one starts at `i`: a comment (a quote inside one
/// starts no literal) or a quoted identifier. Executable comments (`/*! ... */`) are SQL and
/// are read on.
fn verbatim_end(bytes: &[u8], i: usize, ansi_quotes: bool) -> Option<usize> {
    let at = |k: usize| bytes.get(i + k).copied();
    let after = |from: usize, needle: &[u8]| {
        bytes
            .get(from..)
            .and_then(|rest| rest.windows(needle.len()).position(|w| w == needle))
            .map_or(bytes.len(), |p| from + p + needle.len())
    };
    match at(0)? {
        b'#' => Some(line_end(bytes, i)),
        b'-' if at(1) == Some(b'-') && at(2).is_none_or(|c| c.is_ascii_whitespace()) => {
            Some(line_end(bytes, i))
        }
        b'/' if at(1) == Some(b'*') && at(2) != Some(b'!') => Some(after(i + 2, b"*/")),
        b'`' => Some(after(i + 1, b"`")),
        b'"' if ansi_quotes => Some(after(i + 1, b"\"")),
        _ => None,
    }
}
/// Where the line comment starting at `start` ends (at its newline, which is kept).
fn line_end(bytes: &[u8], start: usize) -> usize {
    bytes
        .get(start..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        .map_or(bytes.len(), |p| start + p)
}

/// The quoted literal starting at `start` (a quote): where it ends (after the closing quote,
/// or the end of the text) and the bytes it stands for (backslash escapes and doubled quotes
/// resolved; `no_backslash_escapes`: a backslash is itself, as MySQL reads it in that mode).
fn literal(bytes: &[u8], start: usize, no_backslash_escapes: bool) -> (usize, Vec<u8>) {
    let quote = bytes.get(start).copied().unwrap_or(b'\'');
    let mut value = Vec::new();
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        if b == b'\\' && !no_backslash_escapes {
            if let Some(&next) = bytes.get(i + 1) {
                // MySQL keeps the backslash before % and _ (they are LIKE escapes).
                if matches!(next, b'%' | b'_') {
                    value.push(b'\\');
                }
                value.push(match next {
                    b'0' => 0,
                    b'b' => 8,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'Z' => 26,
                    other => other,
                });
                i += 2;
                continue;
            }
            value.push(b);
            i += 1;
            continue;
        }
        if b == quote {
            if bytes.get(i + 1) == Some(&quote) {
                value.push(quote);
                i += 2;
                continue;
            }
            return (i + 1, value);
        }
        value.push(b);
        i += 1;
    }
    (bytes.len(), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_text_is_untouched() {
        let s = "INSERT INTO t VALUES ('it''s \\\\ 😀', \"x\")";
        assert_eq!(from_wire(s.as_bytes().to_vec(), false, false), s);
    }

    #[test]
    fn a_literal_with_raw_bytes_becomes_a_hex_literal_of_those_bytes() {
        let mut q = b"INSERT INTO `b` VALUES (1,'\\0".to_vec();
        q.extend_from_slice(&[0xFF, 0xFE]);
        q.extend_from_slice(b"\\'x''y'),(2,'plain')");
        assert_eq!(
            from_wire(q, false, false),
            "INSERT INTO `b` VALUES (1, X'00FFFE27782779'),(2,'plain')"
        );
        // With an introducer, and in double quotes.
        let mut q = b"SELECT _binary'".to_vec();
        q.push(0x80);
        q.extend_from_slice(b"', \"");
        q.push(0xC3);
        q.extend_from_slice(b"\"");
        assert_eq!(from_wire(q, false, false), "SELECT _binary X'80',  X'C3'");
    }

    #[test]
    fn quotes_inside_comments_start_no_literal() {
        let mut q = b"SELECT 1 -- it's\n, '".to_vec();
        q.push(0xFF);
        q.extend_from_slice(b"' /* don't */ # can't\n");
        assert_eq!(
            from_wire(q, false, false),
            "SELECT 1 -- it's\n,  X'FF' /* don't */ # can't\n"
        );
        // Executable comments (`/*! ... */`) are SQL: their literals are read.
        let mut q = b"/*!40101 SET @a = '".to_vec();
        q.push(0xFE);
        q.extend_from_slice(b"' */");
        assert_eq!(from_wire(q, false, false), "/*!40101 SET @a =  X'FE' */");
    }

    #[test]
    fn other_invalid_bytes_are_replaced_and_unterminated_literals_end_the_text() {
        let mut q = b"SELECT 1 -- ".to_vec();
        q.push(0xFF);
        assert_eq!(from_wire(q, false, false), "SELECT 1 -- \u{FFFD}");
        let mut q = b"SELECT '".to_vec();
        q.push(0xFF);
        assert_eq!(from_wire(q, false, false), "SELECT  X'FF'");
    }

    #[test]
    fn sql_mode_changes_how_literals_are_read() {
        // NO_BACKSLASH_ESCAPES: the backslash is a byte and the quote after it ends the literal.
        let mut q = b"SELECT '\\".to_vec();
        q.push(0xFF);
        q.extend_from_slice(b"\\', 'x'");
        assert_eq!(from_wire(q.clone(), false, true), "SELECT  X'5CFF5C', 'x'");
        // ANSI_QUOTES: "..." is an identifier, copied as it is (its bad byte replaced).
        let mut q = b"SELECT \"a".to_vec();
        q.push(0xFF);
        q.extend_from_slice(b"\"");
        assert_eq!(from_wire(q.clone(), true, false), "SELECT \"a\u{FFFD}\"");
        assert_eq!(from_wire(q, false, false), "SELECT  X'61FF'");
    }
}
