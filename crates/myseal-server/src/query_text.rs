//! Statement text from the wire. The engine parses UTF-8 text; the client sends its statements
//! in `character_set_client`, so a `latin1` client's text is decoded here (every byte: MySQL's
//! `latin1` is cp1252 with the five undefined bytes as C1 controls). A string literal keeps the
//! character set of its introducer: `_binary'...'` and `_utf8mb4'...'` keep their bytes
//! whatever the client's set, and `_latin1'...'` is decoded as `latin1` even from a `utf8mb4`
//! client. A statement may also carry any bytes inside a string literal: mysqldump writes
//! BLOBs that way (`'\0\xFF...'`), and MySQL keeps those bytes. A literal that is not valid
//! UTF-8 (and is not `latin1`) becomes a hex literal of the very bytes it stands for (its
//! escapes resolved), so a BLOB gets its bytes back; whatever else is not UTF-8 (comments,
//! identifiers) is replaced, as before. The literals are read under the session's sql_mode:
//! with ANSI_QUOTES `"x"` is an identifier, with NO_BACKSLASH_ESCAPES a backslash is an
//! ordinary byte.
//!
//! A `utf8mb4` statement that is valid UTF-8 and has no `_latin1` introducer before a
//! non-ASCII literal (nearly all) is taken as it is, without a copy.

use myseal_engine::charset::{latin1_char, Charset};

/// How the text is read: the sql_mode flags that change it, and the client's character set.
#[derive(Clone, Copy, Debug)]
struct Mode {
    ansi_quotes: bool,
    no_backslash_escapes: bool,
    client: Charset,
}

/// The statement text for the engine (see the module documentation).
pub(crate) fn from_wire(
    bytes: Vec<u8>,
    client: Charset,
    ansi_quotes: bool,
    no_backslash_escapes: bool,
) -> String {
    let mode = Mode {
        ansi_quotes,
        no_backslash_escapes,
        client,
    };
    if client == Charset::Latin1 && !bytes.is_ascii() {
        return rewrite(&bytes, mode);
    }
    match String::from_utf8(bytes) {
        Ok(s) if !has_latin1_introducer(s.as_bytes()) => s,
        Ok(s) => rewrite(s.as_bytes(), mode),
        Err(e) => rewrite(e.as_bytes(), mode),
    }
}

/// Whether non-ASCII text names the `_latin1` introducer somewhere (then its literals are
/// read one by one).
fn has_latin1_introducer(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && bytes.windows(7).any(|w| w.eq_ignore_ascii_case(b"_latin1"))
}

/// The character set of the introducer right before the literal at `quote` (`_latin1 '...'`),
/// if there is one the server converts.
fn introducer(bytes: &[u8], quote: usize) -> Option<Charset> {
    let before = bytes.get(..quote)?;
    let end = before.len()
        - before
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let word_start = before
        .get(..end)?
        .iter()
        .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$'))
        .map_or(0, |p| p + 1);
    let word = before.get(word_start..end)?;
    let name = word.strip_prefix(b"_")?;
    if word_start > 0 && matches!(before.get(word_start - 1), Some(b'.' | b'`' | b'@')) {
        return None;
    }
    Charset::from_name(std::str::from_utf8(name).ok()?)
}

/// Appends text of the client's character set, decoded when it is `latin1`.
fn push_text(out: &mut Vec<u8>, raw: &[u8], client: Charset) {
    if client != Charset::Latin1 {
        out.extend_from_slice(raw);
        return;
    }
    for &b in raw {
        if b.is_ascii() {
            out.push(b);
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(latin1_char(b).encode_utf8(&mut buf).as_bytes());
        }
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
                let charset = introducer(bytes, i).unwrap_or(mode.client);
                if charset == Charset::Latin1 {
                    // Every byte is a latin1 character; quotes and backslashes are ASCII, so
                    // the literal reads the same once decoded.
                    push_text(&mut out, raw, Charset::Latin1);
                } else if std::str::from_utf8(raw).is_ok() {
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
                    push_text(&mut out, bytes.get(i..end).unwrap_or_default(), mode.client);
                    i = end;
                }
                None => {
                    push_text(&mut out, &[b], mode.client);
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

    const U: Charset = Charset::Utf8mb4;

    #[test]
    fn valid_text_is_untouched() {
        let s = "INSERT INTO t VALUES ('it''s \\\\ 😀', \"x\")";
        assert_eq!(from_wire(s.as_bytes().to_vec(), U, false, false), s);
    }

    #[test]
    fn a_literal_with_raw_bytes_becomes_a_hex_literal_of_those_bytes() {
        let mut q = b"INSERT INTO `b` VALUES (1,'\\0".to_vec();
        q.extend_from_slice(&[0xFF, 0xFE]);
        q.extend_from_slice(b"\\'x''y'),(2,'plain')");
        assert_eq!(
            from_wire(q, U, false, false),
            "INSERT INTO `b` VALUES (1, X'00FFFE27782779'),(2,'plain')"
        );
        // With an introducer, and in double quotes.
        let mut q = b"SELECT _binary'".to_vec();
        q.push(0x80);
        q.extend_from_slice(b"', \"");
        q.push(0xC3);
        q.extend_from_slice(b"\"");
        assert_eq!(
            from_wire(q, U, false, false),
            "SELECT _binary X'80',  X'C3'"
        );
    }

    #[test]
    fn quotes_inside_comments_start_no_literal() {
        let mut q = b"SELECT 1 -- it's\n, '".to_vec();
        q.push(0xFF);
        q.extend_from_slice(b"' /* don't */ # can't\n");
        assert_eq!(
            from_wire(q, U, false, false),
            "SELECT 1 -- it's\n,  X'FF' /* don't */ # can't\n"
        );
        // Executable comments (`/*! ... */`) are SQL: their literals are read.
        let mut q = b"/*!40101 SET @a = '".to_vec();
        q.push(0xFE);
        q.extend_from_slice(b"' */");
        assert_eq!(from_wire(q, U, false, false), "/*!40101 SET @a =  X'FE' */");
    }

    #[test]
    fn other_invalid_bytes_are_replaced_and_unterminated_literals_end_the_text() {
        let mut q = b"SELECT 1 -- ".to_vec();
        q.push(0xFF);
        assert_eq!(from_wire(q, U, false, false), "SELECT 1 -- \u{FFFD}");
        let mut q = b"SELECT '".to_vec();
        q.push(0xFF);
        assert_eq!(from_wire(q, U, false, false), "SELECT  X'FF'");
    }

    #[test]
    fn sql_mode_changes_how_literals_are_read() {
        // NO_BACKSLASH_ESCAPES: the backslash is a byte and the quote after it ends the literal.
        let mut q = b"SELECT '\\".to_vec();
        q.push(0xFF);
        q.extend_from_slice(b"\\', 'x'");
        assert_eq!(
            from_wire(q.clone(), U, false, true),
            "SELECT  X'5CFF5C', 'x'"
        );
        // ANSI_QUOTES: "..." is an identifier, copied as it is (its bad byte replaced).
        let mut q = b"SELECT \"a".to_vec();
        q.push(0xFF);
        q.extend_from_slice(b"\"");
        assert_eq!(from_wire(q.clone(), U, true, false), "SELECT \"a\u{FFFD}\"");
        assert_eq!(from_wire(q, U, false, false), "SELECT  X'61FF'");
    }

    #[test]
    fn a_latin1_client_text_is_decoded_but_binary_and_utf8mb4_literals_keep_their_bytes() {
        const L: Charset = Charset::Latin1;
        // 'café €' in cp1252, an identifier and a comment too.
        let q = b"INSERT INTO `t\xE9` VALUES ('caf\xE9 \x80') -- \xE9".to_vec();
        assert_eq!(
            from_wire(q, L, false, false),
            "INSERT INTO `té` VALUES ('café €') -- é"
        );
        // _binary keeps the byte (a hex literal, as it is not UTF-8); _utf8mb4 reads UTF-8.
        let q = b"SELECT _binary'\xE9', _utf8mb4 '\xC3\xA9', _latin1'\xE9', '\xE9'".to_vec();
        assert_eq!(
            from_wire(q, L, false, false),
            "SELECT _binary X'E9', _utf8mb4 'é', _latin1'é', 'é'"
        );
        // ASCII text is taken as it is.
        assert_eq!(
            from_wire(b"SELECT 'a'".to_vec(), L, false, false),
            "SELECT 'a'"
        );
    }

    #[test]
    fn a_latin1_introducer_decodes_its_literal_for_a_utf8mb4_client() {
        let q = b"SELECT _latin1'\xC3\xA9', '\xC3\xA9', x._latin1".to_vec();
        assert_eq!(
            from_wire(q, U, false, false),
            "SELECT _latin1'\u{C3}\u{A9}', 'é', x._latin1"
        );
        assert_eq!(introducer(b"SELECT _LATIN1 'a'", 15), Some(Charset::Latin1));
        assert_eq!(introducer(b"SELECT N'a'", 8), None);
        assert_eq!(introducer(b"SELECT t._latin1'a'", 16), None);
        assert_eq!(introducer(b"'a'", 0), None);
    }
}
