//! JSON path expressions: `$`, `.key`, `."quoted key"`, `.*`, `[n]`, `[last]`, `[last-n]`,
//! `[m to n]`, `[*]` and `**`, parsed as MySQL parses them (`json_path.cc`, with the error
//! position ER 3143 reports), and looked up in a [`Json`] value.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/json.html#json-path-syntax>

use super::{Json, quote_into};

/// An array index of a path leg: `n` from the start, or `last - n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ArrayIndex {
    index: u32,
    from_end: bool,
}

impl ArrayIndex {
    /// The position this index names in an array of `len` elements and whether it is inside
    /// the array (MySQL's `Json_array_index`): past the end it is `len` (from the start) or 0
    /// (from the end).
    pub(crate) fn resolve(self, len: usize) -> (usize, bool) {
        let index = self.index as usize;
        let within = index < len;
        let pos = if self.from_end {
            if within { len - index - 1 } else { 0 }
        } else {
            index.min(len)
        };
        (pos, within)
    }

    fn write(self, out: &mut String) {
        if self.from_end {
            out.push_str("last");
            if self.index > 0 {
                out.push('-');
                out.push_str(&self.index.to_string());
            }
        } else {
            out.push_str(&self.index.to_string());
        }
    }
}

/// One leg of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Leg {
    /// `.key`.
    Member(String),
    /// `.*`.
    MemberWildcard,
    /// `[n]`.
    Cell(ArrayIndex),
    /// `[m to n]`.
    Range(ArrayIndex, ArrayIndex),
    /// `[*]`.
    CellWildcard,
    /// `**`.
    Ellipsis,
}

impl Leg {
    /// The half-open range of positions `[*]` or `[m to n]` selects in an array of `len`.
    fn range(&self, len: usize) -> (usize, usize) {
        match self {
            Leg::Range(a, b) => {
                let (begin, _) = a.resolve(len);
                let (last, within) = b.resolve(len);
                (begin, if within { last + 1 } else { last })
            }
            _ => (0, len),
        }
    }

    /// True for an array leg that also matches a non-array value, as if it were wrapped in a
    /// one-element array (`[0]`, `[last]`, ranges that include the first element).
    pub(crate) fn is_autowrap(&self) -> bool {
        match self {
            Leg::Cell(i) => i.resolve(1).1,
            Leg::Range(..) => {
                let (b, e) = self.range(1);
                b < e
            }
            _ => false,
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Leg::Member(name) => push_member(out, name),
            Leg::MemberWildcard => out.push_str(".*"),
            Leg::Cell(i) => {
                out.push('[');
                i.write(out);
                out.push(']');
            }
            Leg::Range(a, b) => {
                out.push('[');
                a.write(out);
                out.push_str(" to ");
                b.write(out);
                out.push(']');
            }
            Leg::CellWildcard => out.push_str("[*]"),
            Leg::Ellipsis => out.push_str("**"),
        }
    }
}

/// A parsed path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Path {
    legs: Vec<Leg>,
}

/// One step of a concrete location in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// Appends a member leg as MySQL prints it: `.key`, or `."key"` when the key is no
/// ECMAScript identifier.
pub(crate) fn push_member(out: &mut String, name: &str) {
    out.push('.');
    if is_ecmascript_identifier(name) {
        out.push_str(name);
    } else {
        quote_into(name, out);
    }
}

/// Prints a location as JSON_SEARCH does: `$`, `.key` or `."key"`, `[n]`.
pub(crate) fn location_text(steps: &[Step]) -> String {
    let mut out = String::from("$");
    for s in steps {
        match s {
            Step::Key(k) => push_member(&mut out, k),
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// MySQL's `my_isalpha` on a code point: its ctype table is indexed by the low byte, where
/// every byte from 0x80 up counts as a letter.
fn is_letter(cp: u32) -> bool {
    if (0x300..=0x36F).contains(&cp) {
        return false;
    }
    let b = (cp & 0xFF) as u8;
    b.is_ascii_alphabetic() || b >= 0x80
}

fn is_digit(cp: u32) -> bool {
    ((cp & 0xFF) as u8).is_ascii_digit()
}

/// An ECMAScript identifier (a member name that needs no quotes), with MySQL's character
/// classes.
pub(crate) fn is_ecmascript_identifier(name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    name.chars().enumerate().all(|(i, c)| {
        let cp = u32::from(c);
        if is_letter(cp) || cp == 0x24 || cp == 0x5F {
            return true;
        }
        i > 0
            && ((0x300..=0x36F).contains(&cp)
                || is_digit(cp)
                || matches!(
                    cp,
                    0x203F | 0x2040 | 0x2054 | 0xFE33 | 0xFE34 | 0xFE4D | 0xFE4E | 0xFE4F | 0xFF3F
                )
                || cp == 0x200C
                || cp == 0x200D)
    })
}

/// The path parser; on failure its position is what ER 3143 reports.
struct Stream<'a> {
    s: &'a [u8],
    i: usize,
}

impl Stream<'_> {
    fn exhausted(&self) -> bool {
        self.i >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// Reads one byte (moving past it even when it is not the one wanted, as MySQL does).
    fn read(&mut self) -> Option<u8> {
        let c = self.peek();
        if c.is_some() {
            self.i += 1;
        }
        c
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.i += 1;
        }
    }

    fn rest(&self) -> &[u8] {
        self.s.get(self.i..).unwrap_or_default()
    }
}

impl Path {
    /// Parses a path; `Err(position)` for ER 3143.
    pub(crate) fn parse(text: &str) -> Result<Path, usize> {
        let mut st = Stream {
            s: text.as_bytes(),
            i: 0,
        };
        let mut legs = Vec::new();
        match parse_legs(&mut st, &mut legs) {
            Some(()) => Ok(Path { legs }),
            None => Err(st.i),
        }
    }

    /// The legs.
    pub(crate) fn legs(&self) -> &[Leg] {
        &self.legs
    }

    /// True for `$` alone.
    pub(crate) fn is_root(&self) -> bool {
        self.legs.is_empty()
    }

    /// True when the path has a wildcard, `**` or a range.
    pub(crate) fn can_match_many(&self) -> bool {
        self.legs.iter().any(|l| {
            matches!(
                l,
                Leg::MemberWildcard | Leg::CellWildcard | Leg::Ellipsis | Leg::Range(..)
            )
        })
    }

    /// The path printed as MySQL prints it.
    pub(crate) fn text(&self) -> String {
        let mut out = String::from("$");
        for l in &self.legs {
            l.write(&mut out);
        }
        out
    }

    /// The path without its array legs that auto-wrap a non-array value (MySQL's
    /// `clone_without_autowrapping`, used by JSON_SET, JSON_REPLACE and JSON_REMOVE).
    pub(crate) fn without_autowrap(&self, doc: &Json) -> Path {
        let mut legs: Vec<Leg> = Vec::new();
        for leg in &self.legs {
            if leg.is_autowrap() {
                let hits = seek(doc, &legs, false, true);
                if hits
                    .first()
                    .is_some_and(|(_, v)| !matches!(v, Json::Array(_)))
                {
                    continue;
                }
            }
            legs.push(leg.clone());
        }
        Path { legs }
    }
}

fn parse_legs(st: &mut Stream<'_>, legs: &mut Vec<Leg>) -> Option<()> {
    st.skip_ws();
    if st.read() != Some(b'$') {
        return None;
    }
    st.skip_ws();
    while !st.exhausted() {
        match st.peek() {
            Some(b'[') => array_leg(st, legs)?,
            Some(b'.') => member_leg(st, legs)?,
            Some(b'*') => ellipsis_leg(st, legs)?,
            _ => return None,
        }
        st.skip_ws();
    }
    if legs.last() == Some(&Leg::Ellipsis) {
        return None;
    }
    Some(())
}

fn ellipsis_leg(st: &mut Stream<'_>, legs: &mut Vec<Leg>) -> Option<()> {
    st.i += 1;
    if st.read() != Some(b'*') {
        return None;
    }
    if st.exhausted() || st.peek() == Some(b'*') {
        return None;
    }
    legs.push(Leg::Ellipsis);
    Some(())
}

fn array_index(st: &mut Stream<'_>) -> Option<ArrayIndex> {
    let mut from_end = false;
    if st.rest().starts_with(b"last") {
        st.i += 4;
        from_end = true;
        st.skip_ws();
        if st.peek() == Some(b'-') {
            st.i += 1;
            st.skip_ws();
        } else {
            return Some(ArrayIndex { index: 0, from_end });
        }
    }
    if !st.peek().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let start = st.i;
    let mut end = start;
    while st.s.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    let digits = std::str::from_utf8(st.s.get(start..end)?).ok()?;
    let index = digits.parse::<u32>().ok()?;
    st.i = end;
    Some(ArrayIndex { index, from_end })
}

fn array_leg(st: &mut Stream<'_>, legs: &mut Vec<Leg>) -> Option<()> {
    st.i += 1;
    st.skip_ws();
    if st.exhausted() {
        return None;
    }
    if st.peek() == Some(b'*') {
        st.i += 1;
        legs.push(Leg::CellWildcard);
    } else {
        let first = array_index(st)?;
        st.skip_ws();
        if st.exhausted() {
            return None;
        }
        let rest = st.rest();
        let after_ws = st.i > 0 && st.s.get(st.i - 1).copied().is_some_and(is_whitespace);
        if rest.len() > 3
            && after_ws
            && rest.starts_with(b"to")
            && rest.get(2).copied().is_some_and(is_whitespace)
        {
            st.i += 3;
            st.skip_ws();
            let second = array_index(st)?;
            // Ranges that can never match anything are refused.
            if first.from_end == second.from_end
                && ((first.from_end && first.index < second.index)
                    || (!first.from_end && second.index < first.index))
            {
                return None;
            }
            legs.push(Leg::Range(first, second));
        } else {
            legs.push(Leg::Cell(first));
        }
    }
    st.skip_ws();
    if st.read() != Some(b']') {
        return None;
    }
    Some(())
}

/// Where a member name ends: after the closing quote of a quoted name (or at the end when it
/// is unterminated), else before whitespace, `[`, `.` or `*`.
fn end_of_member_name(s: &[u8], start: usize) -> usize {
    if s.get(start) == Some(&b'"') {
        let mut i = start + 1;
        while let Some(c) = s.get(i) {
            i += 1;
            match c {
                b'\\' => i += 1,
                b'"' => return i.min(s.len()),
                _ => {}
            }
        }
        return s.len();
    }
    let mut i = start;
    while let Some(c) = s.get(i) {
        if is_whitespace(*c) || matches!(c, b'[' | b'.' | b'*') {
            break;
        }
        i += 1;
    }
    i
}

fn member_leg(st: &mut Stream<'_>, legs: &mut Vec<Leg>) -> Option<()> {
    st.i += 1;
    st.skip_ws();
    if st.exhausted() {
        return None;
    }
    if st.peek() == Some(b'*') {
        st.i += 1;
        legs.push(Leg::MemberWildcard);
        return Some(());
    }
    let start = st.i;
    let end = end_of_member_name(st.s, start);
    let quoted = st.s.get(start) == Some(&b'"');
    st.i = end;
    let raw = std::str::from_utf8(st.s.get(start..end)?).ok()?;
    let text = if quoted {
        raw.to_string()
    } else {
        format!("\"{raw}\"")
    };
    let Ok(Json::String(name)) = super::parse(&text) else {
        return None;
    };
    if !quoted && !is_ecmascript_identifier(&name) {
        return None;
    }
    legs.push(Leg::Member(name));
    Some(())
}

/// The values `legs` select in `doc`, with their locations (MySQL's `Json_dom::seek`): array
/// legs auto-wrap non-arrays when `auto_wrap`, the search stops at the first match when
/// `only_one`, and a value reached twice through `**` is returned once.
pub(crate) fn seek<'a>(
    doc: &'a Json,
    legs: &[Leg],
    auto_wrap: bool,
    only_one: bool,
) -> Vec<(Vec<Step>, &'a Json)> {
    let mut hits = Vec::new();
    let ellipsis = legs.iter().position(|l| *l == Leg::Ellipsis);
    let dedupe = ellipsis.is_some_and(|e| {
        legs.iter()
            .skip(e + 1)
            .any(|l| *l == Leg::Ellipsis || (auto_wrap && l.is_autowrap()))
    });
    let mut s = Seek {
        auto_wrap,
        only_one,
        dedupe,
        hits: &mut hits,
    };
    let mut loc = Vec::new();
    s.find(doc, legs, &mut loc);
    hits
}

struct Seek<'h, 'a> {
    auto_wrap: bool,
    only_one: bool,
    dedupe: bool,
    hits: &'h mut Vec<(Vec<Step>, &'a Json)>,
}

impl<'a> Seek<'_, 'a> {
    fn done(&self) -> bool {
        self.only_one && !self.hits.is_empty()
    }

    fn find(&mut self, v: &'a Json, legs: &[Leg], loc: &mut Vec<Step>) {
        if self.done() {
            return;
        }
        let Some((leg, rest)) = legs.split_first() else {
            if !self.dedupe || !self.hits.iter().any(|(l, _)| l == loc) {
                self.hits.push((loc.clone(), v));
            }
            return;
        };
        match leg {
            Leg::Member(name) => {
                if let Json::Object(o) = v
                    && let Some(child) = o.get(name)
                {
                    loc.push(Step::Key(name.clone()));
                    self.find(child, rest, loc);
                    loc.pop();
                }
            }
            Leg::MemberWildcard => {
                if let Json::Object(o) = v {
                    for (k, child) in o.iter() {
                        loc.push(Step::Key(k.clone()));
                        self.find(child, rest, loc);
                        loc.pop();
                        if self.done() {
                            return;
                        }
                    }
                }
            }
            Leg::Cell(i) => match v {
                Json::Array(items) => {
                    let (pos, within) = i.resolve(items.len());
                    if within && let Some(child) = items.get(pos) {
                        loc.push(Step::Index(pos));
                        self.find(child, rest, loc);
                        loc.pop();
                    }
                }
                _ => {
                    if self.auto_wrap && leg.is_autowrap() {
                        self.find(v, rest, loc);
                    }
                }
            },
            Leg::Range(..) | Leg::CellWildcard => match v {
                Json::Array(items) => {
                    let (begin, end) = leg.range(items.len());
                    for pos in begin..end.min(items.len()) {
                        if let Some(child) = items.get(pos) {
                            loc.push(Step::Index(pos));
                            self.find(child, rest, loc);
                            loc.pop();
                        }
                        if self.done() {
                            return;
                        }
                    }
                }
                _ => {
                    if self.auto_wrap && leg.is_autowrap() {
                        self.find(v, rest, loc);
                    }
                }
            },
            Leg::Ellipsis => {
                self.find(v, rest, loc);
                match v {
                    Json::Array(items) => {
                        for (pos, child) in items.iter().enumerate() {
                            if self.done() {
                                return;
                            }
                            loc.push(Step::Index(pos));
                            self.find(child, legs, loc);
                            loc.pop();
                        }
                    }
                    Json::Object(o) => {
                        for (k, child) in o.iter() {
                            if self.done() {
                                return;
                            }
                            loc.push(Step::Key(k.clone()));
                            self.find(child, legs, loc);
                            loc.pop();
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The value at a concrete location, to change it.
pub(crate) fn get_mut<'a>(doc: &'a mut Json, loc: &[Step]) -> Option<&'a mut Json> {
    let mut v = doc;
    for step in loc {
        v = match (v, step) {
            (Json::Object(o), Step::Key(k)) => o.get_mut(k)?,
            (Json::Array(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn err(p: &str) -> usize {
        Path::parse(p).unwrap_err()
    }

    #[test]
    fn parses_every_leg_kind() {
        let p = Path::parse(r#" $ .a [1] [last-2] [1 to 3] [*] .* ."b c" **.d[last]"#).unwrap();
        assert_eq!(p.text(), r#"$.a[1][last-2][1 to 3][*].*."b c"**.d[last]"#);
        assert!(p.can_match_many());
        assert!(!Path::parse("$.a[0]").unwrap().can_match_many());
        assert!(Path::parse("$").unwrap().is_root());
        assert_eq!(
            Path::parse(r#"$."a\"b""#).unwrap().legs(),
            &[Leg::Member("a\"b".into())]
        );
        assert_eq!(Path::parse("$.é").unwrap().text(), "$.é");
    }

    #[test]
    fn reports_the_position_of_a_bad_path() {
        assert_eq!(err(""), 0);
        assert_eq!(err("a"), 1);
        assert_eq!(err("$a"), 1);
        assert_eq!(err("$."), 2);
        assert_eq!(err("$.1a"), 4);
        assert_eq!(err("$[1"), 3);
        assert_eq!(err("$[1}"), 4);
        assert_eq!(err("$[-1]"), 2);
        assert_eq!(err("$[3 to 1]"), 8);
        assert_eq!(err("$**"), 3);
        assert_eq!(err("$***.a"), 3);
        assert_eq!(err("$.a b"), 4);
        assert_eq!(err("$[4294967296]"), 2);
    }

    #[test]
    fn seeks_with_wildcards_and_autowrap() {
        let doc = parse(r#"{"a": [1, {"b": 2}], "c": {"b": 3}}"#).unwrap();
        let vals = |p: &str, wrap: bool| -> Vec<String> {
            seek(&doc, Path::parse(p).unwrap().legs(), wrap, false)
                .into_iter()
                .map(|(_, v)| v.to_text().unwrap())
                .collect()
        };
        assert_eq!(vals("$**.b", true), ["2", "3"]);
        assert_eq!(vals("$.a[*]", true), ["1", "{\"b\": 2}"]);
        assert_eq!(vals("$.a[last]", true), ["{\"b\": 2}"]);
        assert_eq!(vals("$.c[0].b", true), ["3"]);
        assert!(vals("$.c[0].b", false).is_empty());
        assert_eq!(vals("$.a[0 to last]", true).len(), 2);
        let locs: Vec<String> = seek(&doc, Path::parse("$**.b").unwrap().legs(), true, false)
            .iter()
            .map(|(l, _)| location_text(l))
            .collect();
        assert_eq!(locs, ["$.a[1].b", "$.c.b"]);
    }
}
