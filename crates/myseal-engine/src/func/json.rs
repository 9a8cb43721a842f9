//! The JSON functions: <https://dev.mysql.com/doc/refman/8.4/en/json-function-reference.html>.
//!
//! Arguments arrive as values: a JSON document is its text (normalized when it comes from a
//! JSON column or another JSON function, any JSON text when it is a string), SQL NULL is NULL.
//! Where a function takes a *value* (JSON_ARRAY's elements, JSON_OBJECT's values, JSON_SET's
//! new values, MEMBER OF's left side) the binder has already turned the SQL argument into JSON
//! text with the conversion functions at the end of [`JsonFunc`] ([`JsonFunc::Scalar`],
//! [`JsonFunc::Bool`], [`JsonFunc::Opaque`]), because how an SQL value becomes JSON depends on
//! its type (a string becomes a JSON string, a predicate a JSON boolean, a JSON value stays
//! itself), which the values alone do not tell. Those positions read SQL NULL as the JSON null.
//!
//! Errors follow MySQL's order: the document is read first (NULL ends the call with NULL,
//! before any path is checked), then each path as the call reaches it.

use crate::collation::Collation;
use crate::ctx::FuncCtx;
use crate::error::EngineError;
use crate::json::path::{Leg, Path, get_mut, location_text, push_member, seek};
use crate::json::{self, Json, Object};
use crate::types::{BaseType, SqlType};
use crate::value::Value;

use super::typing::{long_string, str_chars, string_type};

/// A JSON function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum JsonFunc {
    /// JSON_ARRAY(val, ...)
    Array,
    /// JSON_OBJECT(key, val, ...)
    Object,
    /// JSON_QUOTE(str)
    Quote,
    /// JSON_UNQUOTE(json_val), also `->>`.
    Unquote,
    /// JSON_EXTRACT(json_doc, path, ...), also `->`.
    Extract,
    /// JSON_SET(json_doc, path, val, ...)
    Set,
    /// JSON_INSERT(json_doc, path, val, ...)
    Insert,
    /// JSON_REPLACE(json_doc, path, val, ...)
    Replace,
    /// JSON_REMOVE(json_doc, path, ...)
    Remove,
    /// JSON_ARRAY_APPEND(json_doc, path, val, ...)
    ArrayAppend,
    /// JSON_ARRAY_INSERT(json_doc, path, val, ...)
    ArrayInsert,
    /// JSON_CONTAINS(target, candidate[, path])
    Contains,
    /// JSON_CONTAINS_PATH(json_doc, one_or_all, path, ...)
    ContainsPath,
    /// JSON_KEYS(json_doc[, path])
    Keys,
    /// JSON_LENGTH(json_doc[, path])
    Length,
    /// JSON_DEPTH(json_doc)
    Depth,
    /// JSON_TYPE(json_val)
    Type,
    /// JSON_VALID(val)
    Valid,
    /// JSON_SEARCH(json_doc, one_or_all, search_str[, escape_char[, path] ...])
    Search,
    /// JSON_MERGE_PRESERVE(json_doc, json_doc, ...)
    MergePreserve,
    /// JSON_MERGE(json_doc, json_doc, ...): deprecated alias of JSON_MERGE_PRESERVE.
    Merge,
    /// JSON_MERGE_PATCH(json_doc, json_doc, ...)
    MergePatch,
    /// JSON_PRETTY(json_val)
    Pretty,
    /// JSON_OVERLAPS(json_doc1, json_doc2)
    Overlaps,
    /// `value MEMBER OF(json_array)` (built by the binder).
    MemberOf,
    /// An SQL value in a value position: a string or temporal value becomes JSON text (a
    /// JSON string), a number stays the SQL number (so that a DECIMAL keeps its digits, as
    /// MySQL's JSON DECIMAL does), NULL stays SQL NULL.
    Scalar,
    /// CAST(x AS JSON) of a number or temporal value: its JSON text.
    CastScalar,
    /// A predicate's truth value as a JSON boolean.
    Bool,
    /// A binary string as MySQL's opaque JSON value, printed `"base64:typeN:..."` with N the
    /// MySQL field type of the string.
    Opaque(u8),
    /// CAST(string AS JSON): the string parsed as JSON text.
    Parse,
    /// A JSON value read as a number where SQL wants one (arithmetic, numeric CASTs), with
    /// MySQL's warning 3156 for values that are not numbers. The second argument is the
    /// constant name the warning quotes (the column or function).
    ToNumber(NumTarget),
}

/// The SQL number a JSON value is read as, named in warning 3156.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum NumTarget {
    /// `INTEGER` (CAST AS SIGNED/UNSIGNED).
    Integer,
    /// `DOUBLE` (arithmetic, CAST AS DOUBLE).
    Double,
    /// `DECIMAL` (CAST AS DECIMAL).
    Decimal,
}

/// Every JSON function found by name.
const NAMED: &[JsonFunc] = &[
    JsonFunc::Array,
    JsonFunc::Object,
    JsonFunc::Quote,
    JsonFunc::Unquote,
    JsonFunc::Extract,
    JsonFunc::Set,
    JsonFunc::Insert,
    JsonFunc::Replace,
    JsonFunc::Remove,
    JsonFunc::ArrayAppend,
    JsonFunc::ArrayInsert,
    JsonFunc::Contains,
    JsonFunc::ContainsPath,
    JsonFunc::Keys,
    JsonFunc::Length,
    JsonFunc::Depth,
    JsonFunc::Type,
    JsonFunc::Valid,
    JsonFunc::Search,
    JsonFunc::MergePreserve,
    JsonFunc::Merge,
    JsonFunc::MergePatch,
    JsonFunc::Pretty,
    JsonFunc::Overlaps,
];

const MANY: usize = usize::MAX;

impl JsonFunc {
    /// The function for an upper-case name.
    pub(crate) fn lookup(upper_name: &str) -> Option<JsonFunc> {
        NAMED.iter().copied().find(|f| f.name() == upper_name)
    }

    /// Canonical upper-case name.
    pub(crate) fn name(self) -> &'static str {
        use JsonFunc as J;
        match self {
            J::Array => "JSON_ARRAY",
            J::Object => "JSON_OBJECT",
            J::Quote => "JSON_QUOTE",
            J::Unquote => "JSON_UNQUOTE",
            J::Extract => "JSON_EXTRACT",
            J::Set => "JSON_SET",
            J::Insert => "JSON_INSERT",
            J::Replace => "JSON_REPLACE",
            J::Remove => "JSON_REMOVE",
            J::ArrayAppend => "JSON_ARRAY_APPEND",
            J::ArrayInsert => "JSON_ARRAY_INSERT",
            J::Contains => "JSON_CONTAINS",
            J::ContainsPath => "JSON_CONTAINS_PATH",
            J::Keys => "JSON_KEYS",
            J::Length => "JSON_LENGTH",
            J::Depth => "JSON_DEPTH",
            J::Type => "JSON_TYPE",
            J::Valid => "JSON_VALID",
            J::Search => "JSON_SEARCH",
            J::MergePreserve => "JSON_MERGE_PRESERVE",
            J::Merge => "JSON_MERGE",
            J::MergePatch => "JSON_MERGE_PATCH",
            J::Pretty => "JSON_PRETTY",
            J::Overlaps => "JSON_OVERLAPS",
            J::MemberOf => "MEMBER OF",
            J::Scalar | J::CastScalar | J::Bool | J::Opaque(_) => "JSON_VALUE_OF",
            J::Parse => "CAST_AS_JSON",
            J::ToNumber(_) => "JSON_NUMBER",
        }
    }

    /// True for the conversions the binder inserts (never called by name).
    pub(crate) fn is_conversion(self) -> bool {
        matches!(
            self,
            JsonFunc::Scalar
                | JsonFunc::CastScalar
                | JsonFunc::Bool
                | JsonFunc::Opaque(_)
                | JsonFunc::Parse
                | JsonFunc::ToNumber(_)
        )
    }

    /// (min, max) argument count; the binder also checks JSON_OBJECT's even and JSON_SET's
    /// odd counts.
    pub(crate) fn arity(self) -> (usize, usize) {
        use JsonFunc as J;
        match self {
            J::Array | J::Object => (0, MANY),
            J::Quote | J::Unquote | J::Depth | J::Type | J::Valid | J::Pretty => (1, 1),
            J::Extract | J::Remove => (2, MANY),
            J::Set | J::Insert | J::Replace | J::ArrayAppend | J::ArrayInsert => (3, MANY),
            J::Contains => (2, 3),
            J::ContainsPath | J::Search => (3, MANY),
            J::Keys | J::Length => (1, 2),
            J::MergePreserve | J::Merge | J::MergePatch => (2, MANY),
            J::Overlaps | J::MemberOf => (2, 2),
            J::Scalar | J::CastScalar | J::Bool | J::Opaque(_) | J::Parse => (1, 1),
            J::ToNumber(_) => (2, 2),
        }
    }

    /// True when argument `i` of `n` is a JSON *value* (converted from SQL by the binder)
    /// rather than a document, path or string.
    pub(crate) fn is_value_position(self, i: usize) -> bool {
        use JsonFunc as J;
        match self {
            J::Array => true,
            J::Object => !i.is_multiple_of(2),
            J::Set | J::Insert | J::Replace | J::ArrayAppend | J::ArrayInsert => {
                i >= 2 && i.is_multiple_of(2)
            }
            J::MemberOf => i == 0,
            _ => false,
        }
    }

    /// The name MySQL uses in error messages (`json_extract`).
    fn error_name(self) -> String {
        self.name().to_ascii_lowercase()
    }

    /// MySQL's result type.
    pub(crate) fn return_type(self, args: &[SqlType]) -> SqlType {
        use JsonFunc as J;
        let json = SqlType::new(BaseType::Json);
        let chars = |i: usize| args.get(i).map_or(0, str_chars);
        let bin = Collation::Utf8mb4_bin;
        match self {
            J::Quote => string_type(chars(0).saturating_mul(6).saturating_add(2), bin),
            J::Unquote => match args.first() {
                Some(t) if t.base == BaseType::Json => long_string(bin),
                _ => string_type(chars(0), bin),
            },
            J::Pretty => long_string(bin),
            J::Type => string_type(17, bin),
            J::Length | J::Depth => SqlType::bigint(),
            J::Contains | J::ContainsPath | J::Valid | J::Overlaps | J::MemberOf => SqlType {
                length: 1,
                ..SqlType::bigint()
            },
            J::ToNumber(NumTarget::Integer) => SqlType::bigint(),
            J::ToNumber(NumTarget::Double) => SqlType::double(),
            J::ToNumber(NumTarget::Decimal) => SqlType::decimal(65, 30),
            _ => json,
        }
    }

    /// Evaluates on evaluated arguments.
    pub(crate) fn eval(self, args: &[Value], ctx: &mut dyn FuncCtx) -> Result<Value, EngineError> {
        use JsonFunc as J;
        let c = Call { f: self, args };
        match self {
            J::Array => {
                let items = (0..args.len()).map(|i| c.value(i)).collect();
                out(&Json::Array(items))
            }
            J::Object => c.object(),
            J::Quote => Ok(match c.arg(0) {
                Value::Null => Value::Null,
                Value::Bytes(b) => {
                    let s =
                        std::str::from_utf8(b).map_err(|_| EngineError::json_binary_charset())?;
                    Value::Bytes(json::quote(s).into_bytes())
                }
                other => Value::Bytes(
                    json::quote(&other.to_string_lossy().unwrap_or_default()).into_bytes(),
                ),
            }),
            J::Unquote => c.unquote(),
            J::Extract => c.extract(),
            J::Set | J::Insert | J::Replace => c.set(),
            J::Remove => c.remove(),
            J::ArrayAppend => c.array_append(),
            J::ArrayInsert => c.array_insert(),
            J::Contains => c.contains(),
            J::ContainsPath => c.contains_path(),
            J::Keys => c.keys(),
            J::Length => c.length(),
            J::Depth => Ok(match c.doc(0)? {
                None => Value::Null,
                Some(d) => Value::Int(i64::try_from(d.depth()).unwrap_or(i64::MAX)),
            }),
            J::Type => Ok(match c.doc(0)? {
                None => Value::Null,
                Some(d) => Value::str(d.type_name()),
            }),
            J::Valid => c.valid(),
            J::Search => c.search(),
            J::MergePreserve | J::Merge => {
                let mut acc: Option<Json> = None;
                for i in 0..args.len() {
                    let Some(d) = c.doc(i)? else {
                        return Ok(Value::Null);
                    };
                    acc = Some(match acc {
                        None => d,
                        Some(a) => a.merge_preserve(d),
                    });
                }
                acc.map_or(Ok(Value::Null), |a| out(&a))
            }
            J::MergePatch => c.merge_patch(),
            J::Pretty => match c.doc(0)? {
                None => Ok(Value::Null),
                Some(d) => Ok(Value::Bytes(d.to_pretty()?.into_bytes())),
            },
            J::Overlaps => c.overlaps(),
            J::MemberOf => c.member_of(),
            J::Scalar => match c.arg(0) {
                v @ (Value::Null
                | Value::Int(_)
                | Value::UInt(_)
                | Value::Double(_)
                | Value::Decimal(_)) => Ok(v.clone()),
                v => out(&Json::from_value(v)),
            },
            J::CastScalar => match c.arg(0) {
                Value::Null => Ok(Value::Null),
                v => out(&Json::from_value(v)),
            },
            J::Bool => match c.arg(0).to_bool() {
                None => Ok(Value::Null),
                Some(b) => out(&Json::Bool(b)),
            },
            J::Opaque(field_type) => match c.arg(0) {
                Value::Null => Ok(Value::Null),
                Value::Bytes(b) => {
                    let b64 = super::digest::base64_encode(b);
                    let text = format!("base64:type{field_type}:{}", String::from_utf8_lossy(&b64));
                    out(&Json::String(text))
                }
                v => out(&Json::from_value(v)),
            },
            J::Parse => match c.arg(0) {
                Value::Null => Ok(Value::Null),
                Value::Bytes(b) => {
                    let j = json::parse_bytes(b)?.map_err(|e| e.in_argument(1, "cast_as_json"))?;
                    out(&j)
                }
                v => out(&Json::from_value(v)),
            },
            J::ToNumber(target) => c.to_number(target, ctx),
        }
    }
}

/// A document as its normalized text.
fn out(j: &Json) -> Result<Value, EngineError> {
    Ok(Value::Bytes(j.to_text()?.into_bytes()))
}

/// One call: the function and its evaluated arguments.
struct Call<'a> {
    f: JsonFunc,
    args: &'a [Value],
}

static NULL: Value = Value::Null;

impl Call<'_> {
    fn arg(&self, i: usize) -> &Value {
        self.args.get(i).unwrap_or(&NULL)
    }

    /// Argument `i` as a JSON document: None for NULL, ER 3141 for text that is not JSON,
    /// ER 3144 for a binary string, ER 3146 for any other type.
    fn doc(&self, i: usize) -> Result<Option<Json>, EngineError> {
        match self.arg(i) {
            Value::Null => Ok(None),
            Value::Bytes(b) => json::parse_bytes(b)?
                .map(Some)
                .map_err(|e| e.in_argument(i + 1, &self.f.error_name())),
            _ => Err(EngineError::invalid_type_for_json(
                i + 1,
                &self.f.error_name(),
            )),
        }
    }

    /// Argument `i` as a JSON value (see the module docs): SQL NULL is the JSON null.
    fn value(&self, i: usize) -> Json {
        json::value_as_json(self.arg(i))
    }

    /// Argument `i` as a path: None for NULL, ER 3143 when it does not parse, ER 3149 for a
    /// wildcard or range where `forbid_wildcards`.
    fn path(&self, i: usize, forbid_wildcards: bool) -> Result<Option<Path>, EngineError> {
        let owned;
        let text = match self.arg(i) {
            Value::Null => return Ok(None),
            Value::Bytes(b) => {
                std::str::from_utf8(b).map_err(|_| EngineError::json_binary_charset())?
            }
            other => {
                owned = other.to_string_lossy().unwrap_or_default();
                owned.as_str()
            }
        };
        let p = Path::parse(text).map_err(EngineError::invalid_json_path)?;
        if forbid_wildcards && p.can_match_many() {
            return Err(EngineError::json_path_wildcard());
        }
        Ok(Some(p))
    }

    /// A `one_or_all` argument: Some(true) for 'all', None for NULL, ER 3154 otherwise.
    fn one_or_all(&self, i: usize) -> Result<Option<bool>, EngineError> {
        let v = self.arg(i);
        if v.is_null() {
            return Ok(None);
        }
        let s = v.to_string_lossy().unwrap_or_default();
        if s.eq_ignore_ascii_case("all") {
            Ok(Some(true))
        } else if s.eq_ignore_ascii_case("one") {
            Ok(Some(false))
        } else {
            Err(EngineError::json_bad_one_or_all(&self.f.error_name()))
        }
    }

    fn object(&self) -> Result<Value, EngineError> {
        let mut o = Object::new();
        for i in (0..self.args.len()).step_by(2) {
            let key = match self.arg(i) {
                Value::Null => return Err(EngineError::json_null_key()),
                Value::Bytes(b) => std::str::from_utf8(b)
                    .map_err(|_| EngineError::json_binary_charset())?
                    .to_string(),
                other => other.to_string_lossy().unwrap_or_default(),
            };
            o.insert(key, self.value(i + 1));
        }
        out(&Json::Object(o))
    }

    fn unquote(&self) -> Result<Value, EngineError> {
        let b = match self.arg(0) {
            Value::Null => return Ok(Value::Null),
            Value::Bytes(b) => b,
            other => return Ok(other.clone()),
        };
        let s = std::str::from_utf8(b).map_err(|_| EngineError::json_binary_charset())?;
        if s.len() < 2 || !s.starts_with('"') || !s.ends_with('"') {
            return Ok(Value::Bytes(b.clone()));
        }
        match json::parse(s) {
            Ok(j) => Ok(Value::Bytes(j.to_unquoted()?.into_bytes())),
            Err(e) => Err(e.in_argument(1, "json_unquote")),
        }
    }

    fn extract(&self) -> Result<Value, EngineError> {
        let Some(doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        let mut many = self.args.len() > 2;
        let mut hits: Vec<Json> = Vec::new();
        for i in 1..self.args.len() {
            let Some(p) = self.path(i, false)? else {
                return Ok(Value::Null);
            };
            many |= p.can_match_many();
            hits.extend(
                seek(&doc, p.legs(), true, false)
                    .into_iter()
                    .map(|(_, v)| v.clone()),
            );
        }
        match (hits.len(), many) {
            (0, _) => Ok(Value::Null),
            (_, true) => out(&Json::Array(hits)),
            (_, false) => hits.first().map_or(Ok(Value::Null), out),
        }
    }

    fn length(&self) -> Result<Value, EngineError> {
        let Some(doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        let len = if self.args.len() > 1 {
            let Some(p) = self.path(1, false)? else {
                return Ok(Value::Null);
            };
            let hits = seek(&doc, p.legs(), true, false);
            match hits.first() {
                None => return Ok(Value::Null),
                Some((_, v)) if !p.can_match_many() => v.length(),
                Some(_) => hits.len(),
            }
        } else {
            doc.length()
        };
        Ok(Value::Int(i64::try_from(len).unwrap_or(i64::MAX)))
    }

    fn keys(&self) -> Result<Value, EngineError> {
        let Some(doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        let target = if self.args.len() > 1 {
            let Some(p) = self.path(1, true)? else {
                return Ok(Value::Null);
            };
            let hits = seek(&doc, p.legs(), false, true);
            match hits.as_slice() {
                [(_, v)] => (*v).clone(),
                _ => return Ok(Value::Null),
            }
        } else {
            doc
        };
        match target {
            Json::Object(o) => out(&Json::Array(
                o.iter().map(|(k, _)| Json::String(k.clone())).collect(),
            )),
            _ => Ok(Value::Null),
        }
    }

    fn contains(&self) -> Result<Value, EngineError> {
        let Some(doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        let Some(candidate) = self.doc(1)? else {
            return Ok(Value::Null);
        };
        let target = if self.args.len() > 2 {
            let Some(p) = self.path(2, true)? else {
                return Ok(Value::Null);
            };
            match seek(&doc, p.legs(), true, false).first() {
                Some((_, v)) => (*v).clone(),
                None => return Ok(Value::Null),
            }
        } else {
            doc
        };
        Ok(Value::Int(i64::from(target.contains(&candidate))))
    }

    fn contains_path(&self) -> Result<Value, EngineError> {
        let Some(doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        let Some(all) = self.one_or_all(1)? else {
            return Ok(Value::Null);
        };
        let mut result = 0;
        for i in 2..self.args.len() {
            let Some(p) = self.path(i, false)? else {
                return Ok(Value::Null);
            };
            if seek(&doc, p.legs(), true, true).is_empty() {
                if all {
                    result = 0;
                    break;
                }
            } else {
                result = 1;
                if !all {
                    break;
                }
            }
        }
        Ok(Value::Int(result))
    }

    fn valid(&self) -> Result<Value, EngineError> {
        Ok(match self.arg(0) {
            Value::Null => Value::Null,
            Value::Bytes(b) => match std::str::from_utf8(b) {
                Err(_) => Value::Int(0),
                Ok(s) => match json::parse(s) {
                    Ok(_) => Value::Int(1),
                    Err(json::ParseError::TooDeep) => return Err(EngineError::json_too_deep()),
                    Err(_) => Value::Int(0),
                },
            },
            _ => Value::Int(0),
        })
    }

    fn search(&self) -> Result<Value, EngineError> {
        let Some(doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        let Some(all) = self.one_or_all(1)? else {
            return Ok(Value::Null);
        };
        let escape = match self.args.get(3) {
            None | Some(Value::Null) => '\\',
            Some(v) => {
                let s = v.to_string_lossy().unwrap_or_default();
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (None, _) => '\\',
                    (Some(c), None) => c,
                    _ => return Err(EngineError::wrong_arguments("ESCAPE")),
                }
            }
        };
        let mut paths = Vec::new();
        for i in 4..self.args.len() {
            let Some(p) = self.path(i, false)? else {
                return Ok(Value::Null);
            };
            paths.push(p);
        }
        let Some(pattern) = self.arg(2).to_text() else {
            return Ok(Value::Null);
        };
        let mut s = Search {
            pattern,
            escape,
            one: !all,
            found: Vec::new(),
        };
        if paths.is_empty() {
            s.find(&doc, &mut String::from("$"));
        }
        for p in &paths {
            if s.done() {
                break;
            }
            if p.can_match_many() {
                for (loc, v) in seek(&doc, p.legs(), false, false) {
                    if s.done() {
                        break;
                    }
                    s.find(v, &mut location_text(&loc));
                }
            } else if let Some((_, v)) = seek(&doc, p.legs(), false, false).first() {
                s.find(v, &mut p.text());
            }
        }
        match s.found.len() {
            0 => Ok(Value::Null),
            1 => out(&Json::String(s.found.swap_remove(0))),
            _ => out(&Json::Array(
                s.found.into_iter().map(Json::String).collect(),
            )),
        }
    }

    /// JSON_SET, JSON_INSERT and JSON_REPLACE.
    fn set(&self) -> Result<Value, EngineError> {
        let Some(mut doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        for i in (1..self.args.len()).step_by(2) {
            let Some(p) = self.path(i, true)? else {
                return Ok(Value::Null);
            };
            let value = self.value(i + 1);
            if self.f == JsonFunc::Insert {
                insert(&mut doc, p.legs(), value);
                continue;
            }
            let p = p.without_autowrap(&doc);
            let found = seek(&doc, p.legs(), false, true)
                .into_iter()
                .next()
                .map(|(loc, _)| loc);
            match found {
                Some(loc) => {
                    if let Some(slot) = get_mut(&mut doc, &loc) {
                        *slot = value;
                    }
                }
                None if self.f == JsonFunc::Set => add(&mut doc, p.legs(), value, false),
                None => {}
            }
        }
        out(&doc)
    }

    fn remove(&self) -> Result<Value, EngineError> {
        let Some(mut doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        let mut paths = Vec::new();
        for i in 1..self.args.len() {
            let Some(p) = self.path(i, true)? else {
                return Ok(Value::Null);
            };
            paths.push(p);
        }
        if paths.iter().any(Path::is_root) {
            return Err(EngineError::json_vacuous_path());
        }
        for p in paths {
            let p = p.without_autowrap(&doc);
            let Some((last, parent_legs)) = p.legs().split_last() else {
                continue;
            };
            let Some(parent) = seek(&doc, parent_legs, false, true)
                .into_iter()
                .next()
                .map(|(loc, _)| loc)
            else {
                continue;
            };
            match (get_mut(&mut doc, &parent), last) {
                (Some(Json::Object(o)), Leg::Member(k)) => {
                    o.remove(k);
                }
                (Some(Json::Array(items)), Leg::Cell(idx)) => {
                    let (pos, within) = idx.resolve(items.len());
                    if within && pos < items.len() {
                        items.remove(pos);
                    }
                }
                _ => {}
            }
        }
        out(&doc)
    }

    fn array_append(&self) -> Result<Value, EngineError> {
        let Some(mut doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        for i in (1..self.args.len()).step_by(2) {
            let Some(p) = self.path(i, true)? else {
                return Ok(Value::Null);
            };
            let Some(loc) = seek(&doc, p.legs(), true, true)
                .into_iter()
                .next()
                .map(|(loc, _)| loc)
            else {
                continue;
            };
            let value = self.value(i + 1);
            if let Some(slot) = get_mut(&mut doc, &loc) {
                match slot {
                    Json::Array(items) => items.push(value),
                    other => {
                        let old = std::mem::replace(other, Json::Null);
                        *other = Json::Array(vec![old, value]);
                    }
                }
            }
        }
        out(&doc)
    }

    fn array_insert(&self) -> Result<Value, EngineError> {
        let Some(mut doc) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        for i in (1..self.args.len()).step_by(2) {
            let Some(p) = self.path(i, true)? else {
                return Ok(Value::Null);
            };
            let Some((Leg::Cell(idx), parent_legs)) = p.legs().split_last() else {
                return Err(EngineError::json_path_not_cell());
            };
            let Some(parent) = seek(&doc, parent_legs, false, true)
                .into_iter()
                .next()
                .map(|(loc, _)| loc)
            else {
                continue;
            };
            let value = self.value(i + 1);
            if let Some(Json::Array(items)) = get_mut(&mut doc, &parent) {
                let (pos, _) = idx.resolve(items.len());
                items.insert(pos.min(items.len()), value);
            }
        }
        out(&doc)
    }

    fn merge_patch(&self) -> Result<Value, EngineError> {
        let mut result = self.doc(0)?;
        let mut null = result.is_none();
        for i in 1..self.args.len() {
            let Some(patch) = self.doc(i)? else {
                null = true;
                continue;
            };
            if !matches!(patch, Json::Object(_)) {
                result = Some(patch);
                null = false;
                continue;
            }
            if null {
                continue;
            }
            result = Some(result.take().unwrap_or(Json::Null).merge_patch(patch));
        }
        match result {
            Some(r) if !null => out(&r),
            _ => Ok(Value::Null),
        }
    }

    fn overlaps(&self) -> Result<Value, EngineError> {
        let Some(a) = self.doc(0)? else {
            return Ok(Value::Null);
        };
        let Some(b) = self.doc(1)? else {
            return Ok(Value::Null);
        };
        let eq = |x: &Json, y: &Json| x.compare(y) == std::cmp::Ordering::Equal;
        let (a, b) = match (&a, &b) {
            (Json::Array(_), _) | (_, Json::Array(_)) if !matches!(a, Json::Array(_)) => (b, a),
            _ => (a, b),
        };
        let hit = match (&a, &b) {
            (Json::Array(xs), Json::Array(ys)) => ys.iter().any(|y| xs.iter().any(|x| eq(x, y))),
            (Json::Array(xs), y) => xs.iter().any(|x| eq(x, y)),
            (Json::Object(x), Json::Object(y)) => {
                x.iter().any(|(k, v)| y.get(k).is_some_and(|w| eq(v, w)))
            }
            (Json::Object(_), _) => false,
            (x, y) => eq(x, y),
        };
        Ok(Value::Int(i64::from(hit)))
    }

    fn member_of(&self) -> Result<Value, EngineError> {
        if self.arg(0).is_null() {
            return Ok(Value::Null);
        }
        let v = self.value(0);
        let Some(array) = self.doc(1)? else {
            return Ok(Value::Null);
        };
        let eq = |x: &Json| x.compare(&v) == std::cmp::Ordering::Equal;
        let hit = match &array {
            Json::Array(items) => items.iter().any(eq),
            other => eq(other),
        };
        Ok(Value::Int(i64::from(hit)))
    }

    fn to_number(&self, target: NumTarget, ctx: &mut dyn FuncCtx) -> Result<Value, EngineError> {
        let j = match self.arg(0) {
            Value::Null => return Ok(Value::Null),
            Value::Bytes(b) => match std::str::from_utf8(b)
                .ok()
                .and_then(|s| json::parse(s).ok())
            {
                Some(j) => j,
                None => return Ok(self.arg(0).clone()),
            },
            other => return Ok(other.clone()),
        };
        let target_name = match target {
            NumTarget::Integer => "INTEGER",
            NumTarget::Double => "DOUBLE",
            NumTarget::Decimal => "DECIMAL",
        };
        let warn = |ctx: &mut dyn FuncCtx| {
            let column = self.arg(1).to_string_lossy().unwrap_or_default();
            ctx.warn(
                3156,
                format!(
                    "Invalid JSON value for CAST to {target_name} from column {column} at row 1"
                ),
            );
        };
        Ok(match j {
            Json::Int(i) => Value::Int(i),
            Json::UInt(u) => Value::UInt(u),
            Json::Double(d) => Value::Double(d),
            Json::Decimal(d) => Value::Decimal(d),
            Json::Bool(b) => Value::Int(i64::from(b)),
            Json::String(s) => {
                let t = s.as_str();
                let numeric = !t.is_empty()
                    && t.bytes()
                        .all(|c| c.is_ascii_digit() || b"+-.eE".contains(&c));
                match target {
                    NumTarget::Integer => match t.parse::<i64>() {
                        Ok(i) => Value::Int(i),
                        Err(_) => {
                            warn(ctx);
                            Value::Int(crate::value::parse_i64_prefix(t.as_bytes()))
                        }
                    },
                    _ => match t.parse::<f64>() {
                        Ok(d) if numeric && d.is_finite() => Value::Double(d),
                        _ => {
                            warn(ctx);
                            Value::Double(crate::value::parse_f64_prefix(t.as_bytes()))
                        }
                    },
                }
            }
            Json::Null | Json::Array(_) | Json::Object(_) => {
                warn(ctx);
                match target {
                    NumTarget::Integer => Value::Int(0),
                    _ => Value::Double(0.0),
                }
            }
        })
    }
}

/// JSON_SET's insertion of a value at a path that does not exist: into the parent array at
/// the leg's position, or into the parent object; a non-array parent accessed as an array is
/// wrapped in one first. `auto_wrapped` parents (JSON_INSERT) keep a leg that would select
/// the parent itself.
fn add(doc: &mut Json, legs: &[Leg], value: Json, auto_wrap: bool) {
    let Some((last, parent_legs)) = legs.split_last() else {
        return;
    };
    let Some(parent) = seek(doc, parent_legs, auto_wrap, true)
        .into_iter()
        .next()
        .map(|(loc, _)| loc)
    else {
        return;
    };
    let Some(slot) = get_mut(doc, &parent) else {
        return;
    };
    match (last, slot) {
        (Leg::Cell(idx), Json::Array(items)) => {
            let (pos, _) = idx.resolve(items.len());
            items.insert(pos.min(items.len()), value);
        }
        (Leg::Cell(idx), other) => {
            if auto_wrap && last.is_autowrap() {
                return;
            }
            let (pos, _) = idx.resolve(1);
            let old = std::mem::replace(other, Json::Null);
            let mut items = vec![old];
            items.insert(pos.min(1), value);
            *other = Json::Array(items);
        }
        (Leg::Member(k), Json::Object(o)) => o.insert(k.clone(), value),
        _ => {}
    }
}

/// JSON_INSERT of one path: only where nothing is (array legs auto-wrap), never at the root.
fn insert(doc: &mut Json, legs: &[Leg], value: Json) {
    if legs.is_empty() || !seek(doc, legs, true, true).is_empty() {
        return;
    }
    add(doc, legs, value, true);
}

/// JSON_SEARCH's walk over the strings of a document.
struct Search {
    pattern: Vec<u8>,
    escape: char,
    one: bool,
    found: Vec<String>,
}

impl Search {
    fn done(&self) -> bool {
        self.one && !self.found.is_empty()
    }

    fn find(&mut self, v: &Json, path: &mut String) {
        match v {
            Json::String(s) => {
                if self.done() {
                    return;
                }
                let hit =
                    Collation::Utf8mb4_bin.like(s.as_bytes(), &self.pattern, Some(self.escape));
                if hit && !self.found.contains(path) {
                    self.found.push(path.clone());
                }
            }
            Json::Object(o) => {
                for (k, child) in o.iter() {
                    let len = path.len();
                    push_member(path, k);
                    self.find(child, path);
                    path.truncate(len);
                    if self.done() {
                        return;
                    }
                }
            }
            Json::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.find(child, path);
                    path.truncate(len);
                    if self.done() {
                        return;
                    }
                }
            }
            _ => {}
        }
    }
}
