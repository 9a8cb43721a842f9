//! Text queries that differ only in their constants share one cached plan.
//!
//! A lexical pass over a COM_QUERY text (no parsing): the literals used as comparison operands
//! in WHERE, ON and HAVING, and the LIMIT/OFFSET counts, become `?` markers, and their values are
//! returned as the parameters. `SELECT c FROM t WHERE id = 5` and `... WHERE id = 7` both become
//! `SELECT c FROM t WHERE id = ?`, the key under which [`crate::stmt::cache`] keeps the bound
//! plan. A `?` binds with its value's type ([`crate::bind::param_type`]), as the literal would.
//!
//! The pass is deliberately narrow, so that a marker means exactly what its literal meant:
//! - only a plain integer, a plain decimal or a string without backslashes is replaced, and only
//!   between a comparison operator, `(`, `,`, AND/OR, BETWEEN, LIKE, LIMIT or OFFSET and a
//!   comparison operator, `)`, `,`, AND/OR or the end of a clause, so no literal that is an
//!   operand of arithmetic, an argument of a function, a typed literal (`DATE '..'`), after an
//!   introducer (`_utf8mb4'..'`), before COLLATE or ESCAPE, or in a select list, ORDER BY or
//!   GROUP BY (where a number is an ordinal) is touched;
//! - a text with a comment, a `?`, a user or system variable (`@`), INTO, or more than one
//!   statement is not normalized at all (None): it takes the ordinary path.

use crate::value::Value;

/// Longer texts are not normalized (nor cached): a query worth caching is short, and the lexer
/// must not cost a large statement time and memory.
const MAX_TEXT: usize = 16 * 1024;

/// A text with its constants replaced by `?`, and their values in order.
#[derive(Debug, PartialEq)]
pub(crate) struct Normalized {
    pub(crate) text: String,
    pub(crate) params: Vec<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    /// A word: keyword or unquoted identifier.
    Word(&'a str),
    /// A run of operator characters (`=`, `<=>`, `+`, ...).
    Op(&'a str),
    Open,
    Close,
    Comma,
    /// A quoted identifier, or a literal that is never replaced.
    Other,
    /// A plain integer or decimal.
    Number(&'a str),
    /// A string literal: its unescaped value (None when it holds a backslash).
    Str(Option<&'a str>, u8),
    End,
}

#[derive(Clone, Copy, PartialEq)]
enum Clause {
    Other,
    /// WHERE, ON, HAVING: replaceable comparison operands.
    Filter,
    /// LIMIT / OFFSET counts.
    Limit,
}

/// Lexes `sql` into tokens with their byte spans; None for texts that are not normalized.
fn lex(sql: &str) -> Option<Vec<(Tok<'_>, usize, usize)>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let tok = match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                i += 1;
                continue;
            }
            b'#' | b'?' | b'@' | b'\\' => return None,
            b'-' if b.get(i + 1) == Some(&b'-') => return None,
            b'/' if b.get(i + 1) == Some(&b'*') => return None,
            b';' => {
                // Only a trailing `;` (and blanks) is allowed.
                if sql[i + 1..].trim().is_empty() {
                    break;
                }
                return None;
            }
            b'(' => {
                i += 1;
                Tok::Open
            }
            b')' => {
                i += 1;
                Tok::Close
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b'\'' | b'"' => {
                let (end, backslash) = scan_quoted(b, i, c)?;
                i = end;
                let body = &sql[start + 1..end - 1];
                Tok::Str((!backslash).then_some(body), c)
            }
            b'`' => {
                let (end, _) = scan_quoted(b, i, c)?;
                i = end;
                Tok::Other
            }
            b'0'..=b'9' => {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
                if i < b.len() && (is_word_byte(b[i]) || b[i] == b'.') {
                    // 1e5, 0x1F, 1abc, 1.: not a plain number.
                    while i < b.len() && (is_word_byte(b[i]) || b[i] == b'.') {
                        i += 1;
                    }
                    Tok::Other
                } else if start > 0 && b[start - 1] == b'.' {
                    // `t.1`: part of a qualified name.
                    Tok::Other
                } else {
                    Tok::Number(&sql[start..i])
                }
            }
            _ if is_word_byte(c) => {
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                Tok::Word(&sql[start..i])
            }
            _ => {
                while i < b.len() && is_op_byte(b[i]) {
                    i += 1;
                }
                if i == start {
                    // `.`, `{`, and anything else: no opinion, but never a neighbour of a marker.
                    i += 1;
                    Tok::Other
                } else {
                    Tok::Op(&sql[start..i])
                }
            }
        };
        out.push((tok, start, i));
    }
    out.push((Tok::End, sql.len(), sql.len()));
    Some(out)
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn is_op_byte(c: u8) -> bool {
    matches!(
        c,
        b'=' | b'<'
            | b'>'
            | b'!'
            | b'+'
            | b'-'
            | b'*'
            | b'/'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'~'
            | b':'
    )
}

/// The end of the quoted text starting at `i` (past the closing quote), and whether it holds
/// a backslash. A doubled quote is part of the text. None when it is not closed.
fn scan_quoted(b: &[u8], i: usize, q: u8) -> Option<(usize, bool)> {
    let mut j = i + 1;
    let mut backslash = false;
    while j < b.len() {
        match b[j] {
            b'\\' if q != b'`' => {
                backslash = true;
                j += 2;
            }
            c if c == q => {
                if b.get(j + 1) == Some(&q) {
                    j += 2;
                } else {
                    return Some((j + 1, backslash));
                }
            }
            _ => j += 1,
        }
    }
    None
}

fn word_is(t: Tok<'_>, words: &[&str]) -> bool {
    matches!(t, Tok::Word(w) if words.iter().any(|k| w.eq_ignore_ascii_case(k)))
}

const COMPARISONS: &[&str] = &["=", "<", ">", "<=", ">=", "<>", "!=", "<=>"];

/// May a marker follow this token?
fn marker_after(t: Tok<'_>) -> bool {
    match t {
        Tok::Op(op) => COMPARISONS.contains(&op),
        Tok::Open | Tok::Comma => true,
        _ => word_is(
            t,
            &[
                "AND", "OR", "XOR", "BETWEEN", "LIKE", "WHERE", "ON", "HAVING", "LIMIT", "OFFSET",
            ],
        ),
    }
}

/// May a marker precede this token?
fn marker_before(t: Tok<'_>) -> bool {
    match t {
        Tok::Op(op) => COMPARISONS.contains(&op),
        Tok::Close | Tok::Comma | Tok::End => true,
        _ => word_is(
            t,
            &[
                "AND",
                "OR",
                "XOR",
                "ORDER",
                "GROUP",
                "HAVING",
                "LIMIT",
                "OFFSET",
                "FOR",
                "LOCK",
                "UNION",
                "INTERSECT",
                "EXCEPT",
                "WINDOW",
            ],
        ),
    }
}

/// Words before `(` that make it a grouping (or a list), not a function call or a type.
const GROUPING: &[&str] = &[
    "IN",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "WHERE",
    "ON",
    "HAVING",
    "EXISTS",
    "ANY",
    "ALL",
    "SOME",
    "BETWEEN",
    "LIKE",
    "FROM",
    "JOIN",
    "SELECT",
    "UNION",
    "INTERSECT",
    "EXCEPT",
];

/// Normalizes a SELECT text; None when it is not one or is not normalized (see the module docs).
pub(crate) fn normalize(sql: &str) -> Option<Normalized> {
    // Cheap refusals first: this runs for every COM_QUERY, a 64 MiB INSERT included.
    if sql.len() > MAX_TEXT {
        return None;
    }
    let head = sql.trim_start().as_bytes();
    if !(head.len() > 6 && head[..6].eq_ignore_ascii_case(b"SELECT") && !is_word_byte(head[6])) {
        return None;
    }
    let toks = lex(sql)?;
    match toks.first() {
        Some((t, ..)) if word_is(*t, &["SELECT"]) => {}
        _ => return None,
    }
    let mut text = String::with_capacity(sql.len());
    let mut params = Vec::new();
    let mut copied = 0; // bytes of `sql` copied into `text` so far
    let mut clause = Clause::Other;
    // Per open parenthesis: the clause outside it, and whether it is a call (no markers inside).
    let mut stack: Vec<(Clause, bool)> = Vec::new();
    let mut in_call = false;
    let mut prev = Tok::End;
    for (k, &(tok, start, end)) in toks.iter().enumerate() {
        match tok {
            Tok::Word(w) => {
                if word_is(tok, &["INTO"]) {
                    return None;
                }
                clause = match w.to_ascii_uppercase().as_str() {
                    "WHERE" | "ON" | "HAVING" => Clause::Filter,
                    "LIMIT" | "OFFSET" => Clause::Limit,
                    "SELECT" | "FROM" | "JOIN" | "GROUP" | "ORDER" | "UNION" | "INTERSECT"
                    | "EXCEPT" | "FOR" | "LOCK" | "WINDOW" | "USING" => Clause::Other,
                    _ => clause,
                };
            }
            Tok::Open => {
                // Inside a select list, ORDER BY, GROUP BY or FROM nothing is replaced (the
                // text of a select-list subquery is its column's name).
                let call = in_call
                    || clause == Clause::Other
                    || match prev {
                        Tok::Word(_) => !word_is(prev, GROUPING),
                        Tok::Other | Tok::Str(..) | Tok::Number(_) | Tok::Close => true,
                        _ => false,
                    };
                stack.push((clause, in_call));
                in_call = call;
            }
            Tok::Close => {
                let (c, call) = stack.pop()?;
                clause = c;
                in_call = call;
            }
            Tok::Number(_) | Tok::Str(Some(_), _)
                if clause != Clause::Other
                    && !in_call
                    && marker_after(prev)
                    && toks.get(k + 1).is_some_and(|n| marker_before(n.0)) =>
            {
                let value = match tok {
                    Tok::Number(n) => match crate::bind::number_literal(n).expr {
                        crate::plan::Expr::Const(v) => v,
                        _ => return None,
                    },
                    Tok::Str(Some(body), q) => {
                        let doubled = [q, q];
                        let doubled = std::str::from_utf8(&doubled).ok()?;
                        let single = &doubled[..1];
                        Value::str(body.replace(doubled, single))
                    }
                    _ => return None,
                };
                text.push_str(sql.get(copied..start)?);
                text.push('?');
                copied = end;
                params.push(value);
            }
            _ => {}
        }
        prev = tok;
    }
    if !stack.is_empty() {
        return None;
    }
    let rest = sql.get(copied..)?;
    // Drop a trailing `;` (lex stopped there).
    let rest = match rest.trim_end().strip_suffix(';') {
        Some(r) => r,
        None => rest,
    };
    text.push_str(rest);
    Some(Normalized { text, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(sql: &str) -> Option<(String, Vec<Value>)> {
        normalize(sql).map(|n| (n.text, n.params))
    }

    #[test]
    fn where_constants_become_markers() {
        let (t, p) = norm("SELECT c FROM sbtest1 WHERE id=5123").unwrap_or_default();
        assert_eq!(t, "SELECT c FROM sbtest1 WHERE id=?");
        assert_eq!(p, vec![Value::Int(5123)]);
        let (t, p) =
            norm("SELECT c FROM t WHERE id BETWEEN 1 AND 100 ORDER BY c").unwrap_or_default();
        assert_eq!(t, "SELECT c FROM t WHERE id BETWEEN ? AND ? ORDER BY c");
        assert_eq!(p, vec![Value::Int(1), Value::Int(100)]);
        let (t, p) =
            norm("select * from t where a in (1, 2.50,'x''y') and b <> \"q\" limit 10 offset 2;")
                .unwrap_or_default();
        assert_eq!(
            t,
            "select * from t where a in (?, ?,?) and b <> ? limit ? offset ?"
        );
        assert_eq!(p.len(), 6);
        assert_eq!(p[2], Value::str("x'y".to_string()));
    }

    #[test]
    fn literals_whose_meaning_depends_on_their_place_stay() {
        for sql in [
            "SELECT 1",
            "SELECT a FROM t ORDER BY 1",
            "SELECT a FROM t GROUP BY 1",
            "SELECT a FROM t WHERE a = 1 + 2",
            "SELECT a FROM t WHERE a = -5",
            "SELECT a FROM t WHERE a = ROUND(b, 2)",
            "SELECT a FROM t WHERE d = DATE '2020-01-01'",
            "SELECT a FROM t WHERE s = _utf8mb4'x'",
            "SELECT a FROM t WHERE s = 'x' COLLATE utf8mb4_bin",
            "SELECT a FROM t WHERE s LIKE 'a!%' ESCAPE '!'",
            "SELECT a FROM t WHERE s = 'a\\'b'",
            "SELECT a FROM t WHERE a = 1e5",
            "SELECT a FROM t WHERE a = 0x10",
            "SELECT a FROM t WHERE CAST(a AS CHAR(10)) = b",
            "SELECT a FROM t WHERE d > NOW() - INTERVAL 1 DAY",
        ] {
            let n = normalize(sql).expect(sql);
            assert!(n.params.is_empty(), "{sql} → {}", n.text);
            assert_eq!(n.text, sql);
        }
    }

    #[test]
    fn texts_not_normalized() {
        for sql in [
            "SELECT ?",
            "SELECT @a",
            "SELECT 1 -- x",
            "SELECT 1 # x",
            "SELECT /*+ MAX_EXECUTION_TIME(1) */ 1",
            "SELECT 1; SELECT 2",
            "SELECT a INTO @x FROM t",
            "SELECT 'unterminated",
            "SELECT (1",
            "INSERT INTO t VALUES (1)",
            "SELECTED",
            "",
        ] {
            assert_eq!(normalize(sql), None, "{sql}");
        }
    }

    #[test]
    fn long_texts_are_not_lexed() {
        let long = format!(
            "SELECT a FROM t WHERE a IN ({})",
            vec!["1"; 10_000].join(",")
        );
        assert!(long.len() > MAX_TEXT);
        assert_eq!(normalize(&long), None);
        let ok = format!(
            "  select a FROM t WHERE a IN ({})",
            vec!["1"; 100].join(",")
        );
        assert_eq!(normalize(&ok).map(|n| n.params.len()), Some(100));
    }

    #[test]
    fn subquery_select_lists_and_calls_stay() {
        let sql = "SELECT (SELECT 1 WHERE 0), a FROM (SELECT a FROM t WHERE b = 1) d WHERE a = 2";
        let (t, p) = norm(sql).unwrap_or_default();
        assert_eq!(
            t,
            "SELECT (SELECT 1 WHERE 0), a FROM (SELECT a FROM t WHERE b = 1) d WHERE a = ?"
        );
        assert_eq!(p, vec![Value::Int(2)]);
        let (t, p) = norm("SELECT a FROM t WHERE b IN (SELECT 5 FROM u WHERE c = 6) AND f(7) = 8")
            .unwrap_or_default();
        assert_eq!(
            t,
            "SELECT a FROM t WHERE b IN (SELECT 5 FROM u WHERE c = ?) AND f(7) = ?"
        );
        assert_eq!(p, vec![Value::Int(6), Value::Int(8)]);
    }
}
