//! JSON values as MySQL 8.4 models them: parsing JSON text with the messages and offsets MySQL
//! reports (its parser is RapidJSON), MySQL's normalized text, comparison, containment and
//! merging.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/json.html>
//!
//! A JSON value travels through the engine as its normalized text in a [`crate::Value::Bytes`]
//! of type [`crate::types::BaseType::Json`] (that is also how a JSON column stores it); the JSON
//! functions (`func/json.rs`) parse it into a [`Json`] tree, work on the tree and print it
//! again. Normalized text is what MySQL prints: object keys sorted by length and then bytewise
//! (its storage order), `", "` and `": "` separators, doubles as MySQL's `my_gcvt` writes them
//! with `.0` added to integral ones, strings escaped as MySQL escapes them. So a value read back
//! from its text prints the same, except DECIMAL values built from SQL decimals (`1.50` is read
//! back as the double 1.5) and temporal and binary values, which the text keeps as strings.
//!
//! Nesting is bounded: a document deeper than [`MAX_DEPTH`] is ER 3157 when parsed or printed,
//! so every recursion below is at most that deep for parsed documents.

pub(crate) mod path;

use std::cmp::Ordering;

use crate::error::EngineError;
use crate::value::{Dec, Value};

/// MySQL's JSON_DOCUMENT_MAX_DEPTH: arrays and objects may nest this deep.
pub(crate) const MAX_DEPTH: usize = 100;

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A signed integer (JSON_TYPE `INTEGER`).
    Int(i64),
    /// An unsigned integer above the 32-bit range (JSON_TYPE `UNSIGNED INTEGER`).
    UInt(u64),
    /// A double (JSON_TYPE `DOUBLE`); always finite.
    Double(f64),
    /// An exact decimal made from an SQL DECIMAL (JSON_TYPE `DECIMAL`).
    Decimal(Dec),
    /// A string (JSON_TYPE `STRING`).
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object.
    Object(Object),
}

/// A JSON object: members kept in MySQL's key order ([`key_cmp`]), one per key.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Object(Vec<(String, Json)>);

/// MySQL's order of object keys: shorter keys first, keys of one length bytewise.
pub(crate) fn key_cmp(a: &str, b: &str) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

impl Object {
    /// An empty object.
    pub(crate) fn new() -> Self {
        Object(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| key_cmp(k, key))
    }

    /// The value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Json> {
        self.find(key)
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, v)| v)
    }

    /// The value of `key`, to change it.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Json> {
        match self.find(key) {
            Ok(i) => self.0.get_mut(i).map(|(_, v)| v),
            Err(_) => None,
        }
    }

    /// Sets `key` (a duplicate key keeps the last value, as MySQL 8.0.3 and later do).
    pub(crate) fn insert(&mut self, key: String, value: Json) {
        match self.find(&key) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = value;
                }
            }
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// Removes `key`; false when it was not there.
    pub(crate) fn remove(&mut self, key: &str) -> bool {
        match self.find(key) {
            Ok(i) => {
                self.0.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    /// Number of members.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the object has no members.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&String, &Json)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for Object {
    type Item = (String, Json);
    type IntoIter = std::vec::IntoIter<(String, Json)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Why a JSON text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// A syntax error: RapidJSON's English message and the byte offset MySQL reports.
    Syntax { reason: &'static str, pos: usize },
    /// Nested deeper than [`MAX_DEPTH`] (ER 3157).
    TooDeep,
}

impl ParseError {
    /// ER 3141 for a function argument (`arg` counts from 1), or ER 3157.
    pub(crate) fn in_argument(self, arg: usize, func: &str) -> EngineError {
        match self {
            ParseError::Syntax { reason, pos } => {
                EngineError::invalid_json_text_in_param(arg, func, reason, pos)
            }
            ParseError::TooDeep => EngineError::json_too_deep(),
        }
    }

    /// ER 3140 for a value stored into column `column` (`table.column`), or ER 3157.
    pub(crate) fn in_column(self, column: &str) -> EngineError {
        match self {
            ParseError::Syntax { reason, pos } => {
                EngineError::invalid_json_text(reason, pos, column)
            }
            ParseError::TooDeep => EngineError::json_too_deep(),
        }
    }
}

const DOCUMENT_EMPTY: &str = "The document is empty.";
const ROOT_NOT_SINGULAR: &str = "The document root must not be followed by other values.";
const VALUE_INVALID: &str = "Invalid value.";
const MISS_NAME: &str = "Missing a name for object member.";
const MISS_COLON: &str = "Missing a colon after a name of object member.";
const MISS_COMMA_OR_CURLY: &str = "Missing a comma or '}' after an object member.";
const MISS_COMMA_OR_SQUARE: &str = "Missing a comma or ']' after an array element.";
const BAD_HEX: &str = "Incorrect hex digit after \\u escape in string.";
const BAD_SURROGATE: &str = "The surrogate pair in string is invalid.";
const BAD_ESCAPE: &str = "Invalid escape character in string.";
const MISS_QUOTE: &str = "Missing a closing quotation mark in string.";
const BAD_ENCODING: &str = "Invalid encoding in string.";
const TOO_BIG: &str = "Number too big to be stored in double.";
const MISS_FRACTION: &str = "Miss fraction part in number.";
const MISS_EXPONENT: &str = "Miss exponent in number.";

/// Parses a JSON text. Errors carry RapidJSON's messages and offsets: as in MySQL, a NUL byte
/// reads as the end of the text.
pub(crate) fn parse(text: &str) -> Result<Json, ParseError> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.skip_ws();
    if p.peek() == 0 {
        return Err(p.err(DOCUMENT_EMPTY));
    }
    let v = p.value()?;
    p.skip_ws();
    if p.peek() != 0 {
        return Err(p.err(ROOT_NOT_SINGULAR));
    }
    Ok(v)
}

/// Parses a JSON text given as bytes: text that is not UTF-8 is a binary string to MySQL,
/// ER 3144.
pub(crate) fn parse_bytes(b: &[u8]) -> Result<Result<Json, ParseError>, EngineError> {
    let text = std::str::from_utf8(b).map_err(|_| EngineError::json_binary_charset())?;
    Ok(parse(text))
}

/// A value that should hold JSON text (a JSON-typed expression's value) as JSON; anything
/// else (a number, a text that does not parse) as [`Json::from_value`] makes it.
pub(crate) fn value_as_json(v: &Value) -> Json {
    match v {
        Value::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .and_then(|s| parse(s).ok())
            .unwrap_or_else(|| Json::from_value(v)),
        other => Json::from_value(other),
    }
}

/// Compares two non-NULL JSON-typed values (`CmpKind::Json`).
pub(crate) fn compare_values(a: &Value, b: &Value) -> Ordering {
    value_as_json(a).compare(&value_as_json(b))
}

/// A recursive-descent parser that reports errors where RapidJSON does.
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> u8 {
        self.s.get(self.i).copied().unwrap_or(0)
    }

    fn err(&self, reason: &'static str) -> ParseError {
        ParseError::Syntax {
            reason,
            pos: self.i,
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    fn value(&mut self) -> Result<Json, ParseError> {
        match self.peek() {
            b'n' => self.literal(b"null", Json::Null),
            b't' => self.literal(b"true", Json::Bool(true)),
            b'f' => self.literal(b"false", Json::Bool(false)),
            b'"' => self.string().map(Json::String),
            b'{' => self.object(),
            b'[' => self.array(),
            _ => self.number(),
        }
    }

    fn literal(&mut self, word: &[u8], v: Json) -> Result<Json, ParseError> {
        self.i += 1;
        for c in word.iter().skip(1) {
            if self.peek() != *c {
                return Err(self.err(VALUE_INVALID));
            }
            self.i += 1;
        }
        Ok(v)
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::TooDeep);
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Json, ParseError> {
        self.i += 1;
        self.enter()?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == b']' {
            self.i += 1;
            self.depth -= 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                b',' => {
                    self.i += 1;
                    self.skip_ws();
                }
                b']' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.err(MISS_COMMA_OR_SQUARE)),
            }
        }
    }

    fn object(&mut self) -> Result<Json, ParseError> {
        self.i += 1;
        self.enter()?;
        let mut o = Object::new();
        self.skip_ws();
        if self.peek() == b'}' {
            self.i += 1;
            self.depth -= 1;
            return Ok(Json::Object(o));
        }
        loop {
            if self.peek() != b'"' {
                return Err(self.err(MISS_NAME));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != b':' {
                return Err(self.err(MISS_COLON));
            }
            self.i += 1;
            self.skip_ws();
            let v = self.value()?;
            o.insert(key, v);
            self.skip_ws();
            match self.peek() {
                b',' => {
                    self.i += 1;
                    self.skip_ws();
                }
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Ok(Json::Object(o));
                }
                _ => return Err(self.err(MISS_COMMA_OR_CURLY)),
            }
        }
    }

    fn hex4(&mut self, escape_at: usize) -> Result<u32, ParseError> {
        let mut cp = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => {
                    return Err(ParseError::Syntax {
                        reason: BAD_HEX,
                        pos: escape_at,
                    });
                }
            };
            cp = (cp << 4) | u32::from(d);
            self.i += 1;
        }
        Ok(cp)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            let c = self.peek();
            match c {
                b'\\' => {
                    let at = self.i;
                    let bad = |reason| ParseError::Syntax { reason, pos: at };
                    self.i += 1;
                    let e = self.peek();
                    let simple = match e {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        _ => None,
                    };
                    if let Some(x) = simple {
                        self.i += 1;
                        out.push(x);
                        continue;
                    }
                    if e != b'u' {
                        return Err(bad(BAD_ESCAPE));
                    }
                    self.i += 1;
                    let mut cp = self.hex4(at)?;
                    if (0xD800..=0xDBFF).contains(&cp) {
                        if self.peek() != b'\\' {
                            return Err(bad(BAD_SURROGATE));
                        }
                        self.i += 1;
                        if self.peek() != b'u' {
                            return Err(bad(BAD_SURROGATE));
                        }
                        self.i += 1;
                        let low = self.hex4(at)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(bad(BAD_SURROGATE));
                        }
                        cp = (((cp - 0xD800) << 10) | (low - 0xDC00)) + 0x10000;
                    } else if (0xDC00..=0xDFFF).contains(&cp) {
                        return Err(bad(BAD_SURROGATE));
                    }
                    let ch = char::from_u32(cp).ok_or_else(|| bad(BAD_SURROGATE))?;
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                b'"' => {
                    self.i += 1;
                    return String::from_utf8(out).map_err(|_| self.err(BAD_ENCODING));
                }
                0 => return Err(self.err(MISS_QUOTE)),
                c if c < 0x20 => return Err(self.err(BAD_ENCODING)),
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_ascii_digit() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Json, ParseError> {
        let start = self.i;
        let minus = self.peek() == b'-';
        if minus {
            self.i += 1;
        }
        match self.peek() {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return Err(self.err(VALUE_INVALID)),
        }
        let mut double = false;
        let mut frac = 0usize;
        if self.peek() == b'.' {
            self.i += 1;
            if !self.peek().is_ascii_digit() {
                return Err(self.err(MISS_FRACTION));
            }
            frac = self.digits();
            double = true;
        }
        if matches!(self.peek(), b'e' | b'E') {
            self.i += 1;
            double = true;
            let negative = match self.peek() {
                b'+' => {
                    self.i += 1;
                    false
                }
                b'-' => {
                    self.i += 1;
                    true
                }
                _ => false,
            };
            if !self.peek().is_ascii_digit() {
                return Err(self.err(MISS_EXPONENT));
            }
            let mut exp: u64 = 0;
            while let c @ b'0'..=b'9' = self.peek() {
                exp = exp.saturating_mul(10).saturating_add(u64::from(c - b'0'));
                self.i += 1;
                // RapidJSON refuses a positive exponent past 308 plus the fraction digits.
                if !negative && exp > 308 + frac as u64 {
                    return Err(ParseError::Syntax {
                        reason: TOO_BIG,
                        pos: start,
                    });
                }
            }
        }
        let text = self
            .s
            .get(start..self.i)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("0");
        if !double {
            if minus {
                if let Ok(v) = text.parse::<i64>() {
                    return Ok(Json::Int(v));
                }
            } else if let Ok(v) = text.parse::<u64>() {
                // RapidJSON reports values past 32 bits through Uint64, which MySQL keeps
                // unsigned.
                return Ok(match i64::try_from(v) {
                    Ok(i) if v <= u64::from(u32::MAX) => Json::Int(i),
                    _ => Json::UInt(v),
                });
            }
        }
        match text.parse::<f64>() {
            Ok(d) if d.is_finite() => Ok(Json::Double(d)),
            _ => Err(ParseError::Syntax {
                reason: TOO_BIG,
                pos: start,
            }),
        }
    }
}

/// Appends `s` as a JSON string literal, escaped as MySQL escapes it: `"` and `\`, the
/// short forms `\b \t \n \f \r`, other control characters as `\u00xx`; everything else as is.
pub(crate) fn quote_into(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `s` as a JSON string literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_into(s, &mut out);
    out
}

/// A double as MySQL writes it in JSON: `my_gcvt` with its widest field (34 characters), so
/// the shortest round-trip digits in plain notation for decimal exponents from -15 to 14 (and
/// for numbers with digits after the point) and `1.5e300` style otherwise; integral values
/// get `.0` so they read back as doubles.
pub(crate) fn format_double(d: f64) -> String {
    if !d.is_finite() {
        return "0".into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let sci = format!("{:e}", d.abs());
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (sci.as_str(), 0),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let len = i64::try_from(digits.len()).unwrap_or(17);
    let decpt = exp + 1;
    let width = if d < 0.0 { 33 } else { 34 };
    let f_len = if decpt <= 0 {
        len - decpt + 2
    } else if decpt < len {
        len + 1
    } else {
        decpt
    };
    let plain = f_len <= width && decpt > -15 && (decpt <= 15 || len > decpt);
    let mut out = String::new();
    if d < 0.0 {
        out.push('-');
    }
    if plain {
        if decpt <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat(usize::try_from(-decpt).unwrap_or(0)));
            out.push_str(&digits);
        } else if decpt < len {
            let (a, b) = digits.split_at(usize::try_from(decpt).unwrap_or(0));
            out.push_str(a);
            out.push('.');
            out.push_str(b);
        } else {
            out.push_str(&digits);
            out.push_str(&"0".repeat(usize::try_from(decpt - len).unwrap_or(0)));
            out.push_str(".0");
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push_str(&(decpt - 1).to_string());
    }
    out
}

impl Json {
    /// An SQL value as JSON: numbers keep their kind, strings become JSON strings, temporal
    /// values the strings MySQL prints for them in JSON (six fractional digits for DATETIME
    /// and TIME), NULL the JSON null.
    pub(crate) fn from_value(v: &Value) -> Json {
        match v {
            Value::Null => Json::Null,
            Value::Int(i) => Json::Int(*i),
            Value::UInt(u) => Json::UInt(*u),
            Value::Double(d) if d.is_finite() => Json::Double(*d),
            Value::Double(_) => Json::Double(0.0),
            Value::Decimal(d) => Json::Decimal(*d),
            Value::Bytes(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
            Value::Date(d) => Json::String(d.to_string()),
            Value::DateTime(dt) => Json::String(dt.display(6).to_string()),
            Value::Time(t) => Json::String(t.display(6).to_string()),
        }
    }

    /// MySQL's normalized text; ER 3157 past [`MAX_DEPTH`].
    pub(crate) fn to_text(&self) -> Result<String, EngineError> {
        let mut out = String::new();
        self.write(&mut out, 0, false)?;
        Ok(out)
    }

    /// JSON_PRETTY's text: one member or element per line, two spaces per level.
    pub(crate) fn to_pretty(&self) -> Result<String, EngineError> {
        let mut out = String::new();
        self.write(&mut out, 0, true)?;
        Ok(out)
    }

    /// The text JSON_UNQUOTE gives: a string's contents, any other value's text.
    pub(crate) fn to_unquoted(&self) -> Result<String, EngineError> {
        match self {
            Json::String(s) => Ok(s.clone()),
            other => other.to_text(),
        }
    }

    fn write(&self, out: &mut String, depth: usize, pretty: bool) -> Result<(), EngineError> {
        let newline = |out: &mut String, level: usize| {
            out.push('\n');
            out.push_str(&" ".repeat(level * 2));
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::UInt(u) => out.push_str(&u.to_string()),
            Json::Double(d) => out.push_str(&format_double(*d)),
            Json::Decimal(d) => out.push_str(&d.to_string()),
            Json::String(s) => quote_into(s, out),
            Json::Array(items) => {
                let depth = depth + 1;
                if depth > MAX_DEPTH {
                    return Err(EngineError::json_too_deep());
                }
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                        if !pretty {
                            out.push(' ');
                        }
                    }
                    if pretty {
                        newline(out, depth);
                    }
                    v.write(out, depth, pretty)?;
                }
                if pretty && !items.is_empty() {
                    newline(out, depth - 1);
                }
                out.push(']');
            }
            Json::Object(o) => {
                let depth = depth + 1;
                if depth > MAX_DEPTH {
                    return Err(EngineError::json_too_deep());
                }
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                        if !pretty {
                            out.push(' ');
                        }
                    }
                    if pretty {
                        newline(out, depth);
                    }
                    quote_into(k, out);
                    out.push_str(": ");
                    v.write(out, depth, pretty)?;
                }
                if pretty && !o.is_empty() {
                    newline(out, depth - 1);
                }
                out.push('}');
            }
        }
        Ok(())
    }

    /// JSON_TYPE's name for the value.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "NULL",
            Json::Bool(_) => "BOOLEAN",
            Json::Int(_) => "INTEGER",
            Json::UInt(_) => "UNSIGNED INTEGER",
            Json::Double(_) => "DOUBLE",
            Json::Decimal(_) => "DECIMAL",
            Json::String(_) => "STRING",
            Json::Array(_) => "ARRAY",
            Json::Object(_) => "OBJECT",
        }
    }

    /// JSON_DEPTH: 1 for scalars and empty containers, one more than the deepest member.
    pub(crate) fn depth(&self) -> usize {
        match self {
            Json::Array(items) => 1 + items.iter().map(Json::depth).max().unwrap_or(0),
            Json::Object(o) => 1 + o.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
            _ => 1,
        }
    }

    /// JSON_LENGTH: elements of an array, members of an object, 1 for a scalar.
    pub(crate) fn length(&self) -> usize {
        match self {
            Json::Array(items) => items.len(),
            Json::Object(o) => o.len(),
            _ => 1,
        }
    }

    fn is_number(&self) -> bool {
        matches!(
            self,
            Json::Int(_) | Json::UInt(_) | Json::Double(_) | Json::Decimal(_)
        )
    }

    /// The rank of MySQL's type order for comparisons: NULL, numbers, strings, objects,
    /// arrays, booleans.
    fn rank(&self) -> u8 {
        match self {
            Json::Null => 0,
            Json::Int(_) | Json::UInt(_) | Json::Double(_) | Json::Decimal(_) => 1,
            Json::String(_) => 2,
            Json::Object(_) => 3,
            Json::Array(_) => 4,
            Json::Bool(_) => 5,
        }
    }

    /// MySQL's comparison of JSON values (`Json_wrapper::compare`): first by type (NULL <
    /// numbers < strings < objects < arrays < booleans), numbers by exact value across
    /// INTEGER/UNSIGNED/DOUBLE/DECIMAL, strings bytewise, arrays element by element and then
    /// by length, objects by size and then member by member in key order.
    pub(crate) fn compare(&self, other: &Json) -> Ordering {
        let by_type = self.rank().cmp(&other.rank());
        if by_type != Ordering::Equal {
            return by_type;
        }
        match (self, other) {
            (Json::String(a), Json::String(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Json::Bool(a), Json::Bool(b)) => a.cmp(b),
            (Json::Array(a), Json::Array(b)) => {
                for (x, y) in a.iter().zip(b) {
                    let o = x.compare(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Json::Object(a), Json::Object(b)) => {
                let o = a.len().cmp(&b.len());
                if o != Ordering::Equal {
                    return o;
                }
                for ((ka, va), (kb, vb)) in a.iter().zip(b.iter()) {
                    let o = ka
                        .as_bytes()
                        .cmp(kb.as_bytes())
                        .then_with(|| va.compare(vb));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            }
            (a, b) if a.is_number() && b.is_number() => number_cmp(a, b),
            _ => Ordering::Equal,
        }
    }

    /// JSON_CONTAINS (`json_wrapper_contains`): an object contains an object whose every
    /// member it has with a containing value; an array contains a candidate (an array
    /// meaning each of its elements) when each is equal to an element, or contained in an
    /// array or object element (arrays only in arrays); a scalar contains an equal scalar.
    pub(crate) fn contains(&self, candidate: &Json) -> bool {
        match self {
            Json::Object(doc) => {
                let Json::Object(c) = candidate else {
                    return false;
                };
                c.len() <= doc.len()
                    && c.iter()
                        .all(|(k, cv)| doc.get(k).is_some_and(|dv| dv.contains(cv)))
            }
            Json::Array(doc) => {
                let one = [candidate.clone()];
                let wanted: &[Json] = match candidate {
                    Json::Array(items) => items,
                    _ => &one,
                };
                wanted.iter().all(|c| match c {
                    Json::Array(_) => doc
                        .iter()
                        .any(|d| matches!(d, Json::Array(_)) && d.contains(c)),
                    _ => doc.iter().any(|d| match d {
                        Json::Array(_) | Json::Object(_) => d.contains(c),
                        _ => d.compare(c) == Ordering::Equal,
                    }),
                })
            }
            _ => self.compare(candidate) == Ordering::Equal,
        }
    }

    /// JSON_MERGE_PRESERVE of two values: objects merge member by member (values of a
    /// shared key merge recursively), anything else becomes the concatenation of both as
    /// arrays (a non-array is wrapped in one).
    pub(crate) fn merge_preserve(self, right: Json) -> Json {
        match (self, right) {
            (Json::Object(mut l), Json::Object(r)) => {
                for (k, v) in r {
                    let merged = match l.get_mut(&k) {
                        Some(slot) => std::mem::replace(slot, Json::Null).merge_preserve(v),
                        None => v,
                    };
                    l.insert(k, merged);
                }
                Json::Object(l)
            }
            (l, r) => {
                let mut items = match l {
                    Json::Array(items) => items,
                    other => vec![other],
                };
                match r {
                    Json::Array(more) => items.extend(more),
                    other => items.push(other),
                }
                Json::Array(items)
            }
        }
    }

    /// JSON_MERGE_PATCH of a patch onto this target (RFC 7396): a non-object patch replaces
    /// the target; a member patched with null is removed, with an object merged recursively,
    /// with anything else replaced.
    pub(crate) fn merge_patch(self, patch: Json) -> Json {
        let Json::Object(p) = patch else {
            return patch;
        };
        let mut target = match self {
            Json::Object(o) => o,
            _ => Object::new(),
        };
        for (k, v) in p {
            match v {
                Json::Null => {
                    target.remove(&k);
                }
                Json::Object(_) => {
                    let old = match target.get_mut(&k) {
                        Some(slot) => std::mem::replace(slot, Json::Null),
                        None => Json::Object(Object::new()),
                    };
                    target.insert(k, old.merge_patch(v));
                }
                other => target.insert(k, other),
            }
        }
        Json::Object(target)
    }

    /// Bytes that are equal exactly when two values compare equal (GROUP BY, DISTINCT and
    /// hash joins over JSON): numbers by their exact value, whatever their kind.
    pub(crate) fn write_key(&self, out: &mut Vec<u8>) {
        match self {
            Json::Null => out.push(0),
            Json::Int(i) => number_key(&i.to_string(), out),
            Json::UInt(u) => number_key(&u.to_string(), out),
            Json::Double(d) => number_key(&format!("{d:e}"), out),
            Json::Decimal(d) => number_key(&d.to_string(), out),
            Json::String(s) => {
                out.push(2);
                out.extend_from_slice(&(s.len() as u64).to_be_bytes());
                out.extend_from_slice(s.as_bytes());
            }
            Json::Object(o) => {
                out.push(3);
                out.extend_from_slice(&(o.len() as u64).to_be_bytes());
                for (k, v) in o.iter() {
                    out.extend_from_slice(&(k.len() as u64).to_be_bytes());
                    out.extend_from_slice(k.as_bytes());
                    v.write_key(out);
                }
            }
            Json::Array(items) => {
                out.push(4);
                out.extend_from_slice(&(items.len() as u64).to_be_bytes());
                for v in items {
                    v.write_key(out);
                }
            }
            Json::Bool(b) => out.push(if *b { 6 } else { 5 }),
        }
    }
}

/// A number's key from its text (plain or `1.5e3`): sign, decimal exponent of the first
/// significant digit, and the significant digits.
fn number_key(text: &str, out: &mut Vec<u8>) {
    out.push(1);
    let (mantissa, exp) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i64>().unwrap_or(0)),
        None => (text, 0),
    };
    let negative = mantissa.starts_with('-');
    let (int, frac) = mantissa
        .trim_start_matches(['-', '+'])
        .split_once('.')
        .unwrap_or((mantissa.trim_start_matches(['-', '+']), ""));
    let all: String = int.chars().chain(frac.chars()).collect();
    let lead = all.chars().take_while(|c| *c == '0').count();
    let digits = all.trim_start_matches('0').trim_end_matches('0');
    if digits.is_empty() {
        out.push(b'0');
        return;
    }
    let point = i64::try_from(int.len()).unwrap_or(0) - i64::try_from(lead).unwrap_or(0) + exp;
    out.push(if negative { b'-' } else { b'+' });
    out.extend_from_slice(&point.to_be_bytes());
    out.extend_from_slice(digits.as_bytes());
    out.push(b';');
}

/// Exact comparison of two JSON numbers.
fn number_cmp(a: &Json, b: &Json) -> Ordering {
    let int = |j: &Json| match j {
        Json::Int(i) => Some(i128::from(*i)),
        Json::UInt(u) => Some(i128::from(*u)),
        _ => None,
    };
    match (a, b) {
        (Json::Double(x), Json::Double(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Json::Decimal(x), Json::Decimal(y)) => x.cmp(*y),
        (Json::Double(x), other) => match int(other) {
            Some(n) => double_int_cmp(*x, n),
            None => match other {
                Json::Decimal(d) => dec_double_cmp(*d, *x).reverse(),
                _ => Ordering::Equal,
            },
        },
        (Json::Decimal(d), other) => match int(other) {
            Some(n) => d.cmp(Dec::from_i128(n)),
            None => match other {
                Json::Double(x) => dec_double_cmp(*d, *x),
                _ => Ordering::Equal,
            },
        },
        (x, y) => match (int(x), int(y)) {
            (Some(p), Some(q)) => p.cmp(&q),
            _ => number_cmp(y, x).reverse(),
        },
    }
}

/// A double against an integer, exactly: as doubles first, then (when equal, so the double
/// is integral) as integers.
fn double_int_cmp(x: f64, n: i128) -> Ordering {
    let nf = n as f64;
    match x.partial_cmp(&nf) {
        Some(Ordering::Equal) | None => (x as i128).cmp(&n),
        Some(o) => o,
    }
}

/// A decimal against a double: as doubles first, then exactly through the double's shortest
/// decimal digits.
fn dec_double_cmp(d: Dec, x: f64) -> Ordering {
    match d.to_f64().partial_cmp(&x) {
        Some(Ordering::Equal) if x.abs() < 1e30 => d.cmp(Dec::from_f64(x)),
        Some(o) => o,
        None => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        parse(s).unwrap().to_text().unwrap()
    }

    fn syntax(s: &str) -> (&'static str, usize) {
        match parse(s) {
            Err(ParseError::Syntax { reason, pos }) => (reason, pos),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn normalizes_as_mysql_prints() {
        assert_eq!(norm(r#"{"bb":[1,2],"a":1}"#), r#"{"a": 1, "bb": [1, 2]}"#);
        assert_eq!(norm(r#"{"a":1,"a":2}"#), r#"{"a": 2}"#);
        assert_eq!(norm(" [ true , false,null ] "), "[true, false, null]");
        assert_eq!(norm("1.5e300"), "1.5e300");
        assert_eq!(norm("0.1"), "0.1");
        assert_eq!(norm("1.0"), "1.0");
        assert_eq!(norm("1e2"), "100.0");
        assert_eq!(norm("1e15"), "1e15");
        assert_eq!(norm("123456789012345.0"), "123456789012345.0");
        assert_eq!(norm("1e-15"), "0.000000000000001");
        assert_eq!(norm("1e-16"), "1e-16");
        assert_eq!(norm("-0.00001"), "-0.00001");
        assert_eq!(norm("18446744073709551616"), "1.8446744073709552e19");
        assert_eq!(norm("-9223372036854775808"), "-9223372036854775808");
        assert_eq!(norm("-0"), "0");
        assert_eq!(
            norm(r#""a\"b\\c\/d\u00e9\u0001\n""#),
            "\"a\\\"b\\\\c/dé\\u0001\\n\""
        );
        assert_eq!(norm(r#""\ud83d\ude00""#), "\"😀\"");
    }

    #[test]
    fn integers_keep_their_kind() {
        assert_eq!(parse("4294967295").unwrap(), Json::Int(4_294_967_295));
        assert_eq!(parse("4294967296").unwrap(), Json::UInt(4_294_967_296));
        assert_eq!(parse("-5").unwrap(), Json::Int(-5));
        assert!(matches!(parse("1.0").unwrap(), Json::Double(_)));
    }

    #[test]
    fn reports_errors_where_rapidjson_does() {
        assert_eq!(syntax(""), (DOCUMENT_EMPTY, 0));
        assert_eq!(syntax("   "), (DOCUMENT_EMPTY, 3));
        assert_eq!(syntax("abc"), (VALUE_INVALID, 0));
        assert_eq!(syntax("nul"), (VALUE_INVALID, 3));
        assert_eq!(syntax("[1,]"), (VALUE_INVALID, 3));
        assert_eq!(syntax("[1 2]"), (MISS_COMMA_OR_SQUARE, 3));
        assert_eq!(syntax("{\"a\" 1}"), (MISS_COLON, 5));
        assert_eq!(syntax("{a:1}"), (MISS_NAME, 1));
        assert_eq!(syntax("{\"a\":1 \"b\"}"), (MISS_COMMA_OR_CURLY, 7));
        assert_eq!(syntax("1 2"), (ROOT_NOT_SINGULAR, 2));
        assert_eq!(syntax("\"abc"), (MISS_QUOTE, 4));
        assert_eq!(syntax("\"a\tb\""), (BAD_ENCODING, 2));
        assert_eq!(syntax("\"a\\x\""), (BAD_ESCAPE, 2));
        assert_eq!(syntax("\"\\u12g4\""), (BAD_HEX, 1));
        assert_eq!(syntax("\"\\ud800\""), (BAD_SURROGATE, 1));
        assert_eq!(syntax("1."), (MISS_FRACTION, 2));
        assert_eq!(syntax("1e"), (MISS_EXPONENT, 2));
        assert_eq!(syntax("[1e400]"), (TOO_BIG, 1));
        assert_eq!(syntax("-"), (VALUE_INVALID, 1));
        assert_eq!(parse("[1]\0junk").unwrap(), Json::Array(vec![Json::Int(1)]));
    }

    #[test]
    fn bounds_the_nesting_depth() {
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(101), "]".repeat(101));
        assert_eq!(parse(&deep), Err(ParseError::TooDeep));
        let huge = "[".repeat(1_000_000);
        assert_eq!(parse(&huge), Err(ParseError::TooDeep));
        let mut v = Json::Null;
        for _ in 0..101 {
            v = Json::Array(vec![v]);
        }
        assert!(v.to_text().is_err());
    }

    #[test]
    fn compares_numbers_exactly_across_kinds() {
        let j = |s: &str| parse(s).unwrap();
        assert_eq!(j("1").compare(&j("1.0")), Ordering::Equal);
        assert_eq!(
            j("9007199254740993").compare(&j("9007199254740992.0")),
            Ordering::Greater
        );
        assert_eq!(
            Json::Decimal(Dec::parse("0.1").unwrap()).compare(&j("0.1")),
            Ordering::Equal
        );
        assert_eq!(j("\"a\"").compare(&j("1")), Ordering::Greater);
        assert_eq!(j("[1,2]").compare(&j("[1,3]")), Ordering::Less);
        assert_eq!(j("true").compare(&j("[]")), Ordering::Greater);
        let mut a = Vec::new();
        let mut b = Vec::new();
        j("[1, {\"a\": 2.50}]").write_key(&mut a);
        j("[1.0, {\"a\": 2.5}]").write_key(&mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn random_texts_never_panic_and_normal_text_is_a_fixed_point() {
        let alphabet: Vec<char> = r#"{}[]:,"\ 0123456789.eE+-truefalsnul\u00e9abcdxXé😀"#
            .chars()
            .chain(['\0', '\t', '\n', '\u{1}'])
            .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut parsed = 0;
        for _ in 0..50_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let _ = path::Path::parse(&text);
            if let Ok(j) = parse(&text) {
                parsed += 1;
                let t = j.to_text().unwrap();
                assert_eq!(parse(&t).unwrap().to_text().unwrap(), t, "{text:?}");
                let mut k1 = Vec::new();
                let mut k2 = Vec::new();
                j.write_key(&mut k1);
                parse(&t).unwrap().write_key(&mut k2);
                assert_eq!(k1, k2);
                assert_eq!(j.compare(&parse(&t).unwrap()), Ordering::Equal);
            }
        }
        assert!(parsed > 100, "{parsed}");
    }

    #[test]
    fn doubles_print_in_text_that_reads_back_to_the_same_double() {
        let mut seed: u64 = 12345;
        for _ in 0..20_000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let d = f64::from_bits(seed);
            if !d.is_finite() {
                continue;
            }
            let text = format_double(d);
            assert_eq!(parse(&text).unwrap(), Json::Double(d), "{text}");
        }
    }

    #[test]
    fn pretty_prints_two_spaces_per_level() {
        let j = parse(r#"{"a":[1,{"b":[]}],"c":{}}"#).unwrap();
        assert_eq!(
            j.to_pretty().unwrap(),
            "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}"
        );
    }
}
