//! Expression evaluation with MySQL semantics.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/functions.html>
//!
//! [`Eval`] walks sqlparser's [`Expr`] directly. Integer arithmetic is checked (ER 1690), `/`
//! yields DECIMAL with `div_precision_increment` extra digits, division by zero yields NULL with
//! warning 1365, strings compare case-insensitively (utf8mb4_0900_ai_ci) and convert to numbers by
//! their numeric prefix. Nesting is bounded so hostile input cannot overflow the stack.

use std::cmp::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlparser::ast::{
    BinaryOperator, CeilFloorKind, DataType, ExactNumberInfo, Expr, Function, FunctionArg,
    FunctionArgExpr, FunctionArguments, InTarget, ObjectName, ObjectNamePart, TrimWhereField,
    UnaryOperator, Value as SqlValue,
};

use crate::error::EngineError;
use crate::parse::{Script, VarScope};
use crate::value::{Dec, Value, ci_cmp, compare, format_double};
use crate::vars::{self, Scope};
use crate::{Engine, Session, Warning};

/// Deepest expression nesting evaluated before ER 1436.
const MAX_DEPTH: usize = 250;

/// Largest string a function may build (MySQL returns NULL past max_allowed_packet).
const MAX_STRING: usize = 64 * 1024 * 1024;

/// Named values visible to an expression (a result row, SHOW output row); empty without FROM.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Row<'r> {
    pub(crate) names: &'r [String],
    pub(crate) values: &'r [Value],
}

/// Evaluation context for one statement.
pub(crate) struct Eval<'e> {
    pub(crate) engine: &'e Engine,
    pub(crate) session: &'e mut Session,
    /// Clause named in ER_BAD_FIELD_ERROR: "field list", "where clause", ...
    pub(crate) clause: &'static str,
    depth: usize,
}

enum Num {
    I(i128, bool),
    D(Dec),
    F(f64),
}

fn num(v: &Value) -> Option<Num> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => Num::I(i128::from(*i), false),
        Value::UInt(u) => Num::I(i128::from(*u), true),
        Value::Decimal(s) => Num::D(*s),
        other @ (Value::Date(_) | Value::DateTime(_) | Value::Time(_)) => {
            Num::D(other.to_dec().unwrap_or(Dec::ZERO))
        }
        Value::Double(d) => Num::F(*d),
        Value::Bytes(_) => Num::F(v.to_f64().unwrap_or(0.0)),
    })
}

fn int_value(v: i128, unsigned: bool) -> Option<Value> {
    if unsigned {
        u64::try_from(v).ok().map(Value::UInt)
    } else {
        i64::try_from(v).ok().map(Value::Int)
    }
}

fn bool_value(b: bool) -> Value {
    Value::Int(i64::from(b))
}

fn text(v: &Value) -> Option<String> {
    v.to_string_lossy()
}

/// Value of a bit-operation operand as MySQL's unsigned 64-bit integer.
fn to_u64_bits(v: &Value) -> Option<u64> {
    match v {
        Value::Null => None,
        Value::Int(i) => Some(*i as u64),
        Value::UInt(u) => Some(*u),
        other => {
            let f = other.to_f64().unwrap_or(0.0).round();
            Some(if f < 0.0 { f as i64 as u64 } else { f as u64 })
        }
    }
}

/// Seconds and microseconds since the epoch.
pub(crate) fn now_micros() -> (i64, u32) {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (i64::try_from(d.as_secs()).unwrap_or(0), d.subsec_micros())
}

/// (year, month, day) from days since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD hh:mm:ss[.ffffff]` for epoch seconds.
pub(crate) fn format_datetime(secs: i64, micros: u32, fsp: u32) -> String {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    let base = format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    );
    if fsp == 0 {
        base
    } else {
        let frac = format!("{micros:06}");
        format!(
            "{base}.{}",
            frac.get(..fsp.min(6) as usize).unwrap_or_default()
        )
    }
}

/// Parses `YYYY-MM-DD[ hh:mm:ss]` as UTC epoch seconds.
fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = s.split_once([' ', 'T']).unwrap_or((s, "00:00:00"));
    let mut dp = date.split('-');
    let y: i64 = dp.next()?.parse().ok()?;
    let m: u32 = dp.next()?.parse().ok()?;
    let d: u32 = dp.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let time = time.split('.').next().unwrap_or_default();
    let mut tp = time.split(':');
    let h: i64 = tp.next().unwrap_or("0").parse().ok()?;
    let mi: i64 = tp.next().unwrap_or("0").parse().ok()?;
    let se: i64 = tp.next().unwrap_or("0").parse().ok()?;
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + se)
}

/// Offset in seconds of a `time_zone` value (`SYSTEM`/`UTC` are UTC here).
fn tz_offset(tz: &str) -> i64 {
    let b = tz.as_bytes();
    let sign = match b.first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return 0,
    };
    let Some((h, m)) = tz.get(1..).and_then(|r| r.split_once(':')) else {
        return 0;
    };
    sign * (h.parse::<i64>().unwrap_or(0) * 3600 + m.parse::<i64>().unwrap_or(0) * 60)
}

/// LIKE pattern element.
enum Pat {
    Any,
    One,
    Lit(char),
}

fn like_match(s: &str, pattern: &str, escape: Option<char>) -> bool {
    let mut pat = Vec::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        if Some(c) == escape {
            match it.next() {
                Some(n) => pat.extend(n.to_lowercase().map(Pat::Lit)),
                None => pat.push(Pat::Lit(c)),
            }
        } else if c == '%' {
            pat.push(Pat::Any);
        } else if c == '_' {
            pat.push(Pat::One);
        } else {
            pat.extend(c.to_lowercase().map(Pat::Lit));
        }
    }
    let s: Vec<char> = s.chars().flat_map(char::to_lowercase).collect();
    let (mut si, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match pat.get(pi) {
            Some(Pat::Any) => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(Pat::One) => {
                si += 1;
                pi += 1;
            }
            Some(Pat::Lit(c)) if s.get(si) == Some(c) => {
                si += 1;
                pi += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    pat.iter().skip(pi).all(|p| matches!(p, Pat::Any))
}

/// Public LIKE helper for SHOW ... LIKE filters.
pub(crate) fn like(s: &str, pattern: &str) -> bool {
    like_match(s, pattern, Some('\\'))
}

/// MySQL's printed form of an expression, for ER_DATA_OUT_OF_RANGE messages.
pub(crate) fn print_expr(e: &Expr) -> String {
    match e {
        Expr::BinaryOp { left, op, right } => {
            let op = match op {
                BinaryOperator::MyIntegerDivide => "DIV".to_string(),
                other => other.to_string(),
            };
            format!("({} {} {})", print_expr(left), op, print_expr(right))
        }
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => format!("-({})", print_expr(expr)),
        Expr::Nested(inner) => print_expr(inner),
        Expr::Cast {
            expr, data_type, ..
        } => {
            format!(
                "cast({} as {})",
                print_expr(expr),
                data_type.to_string().to_ascii_lowercase()
            )
        }
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => n.clone(),
            SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => format!("'{s}'"),
            other => other.to_string(),
        },
        Expr::Function(f) => {
            let args = match &f.args {
                FunctionArguments::List(l) => l
                    .args
                    .iter()
                    .map(|a| match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => print_expr(e),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                _ => String::new(),
            };
            format!("{}({args})", f.name.to_string().to_ascii_lowercase())
        }
        other => other.to_string(),
    }
}

fn function_name(name: &ObjectName) -> (Option<String>, String) {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => i.value.clone(),
            other => other.to_string(),
        })
        .collect();
    match parts.as_slice() {
        [db, .., last] => (Some(db.clone()), last.clone()),
        [only] => (None, only.clone()),
        [] => (None, String::new()),
    }
}

const NILADIC: &[&str] = &[
    "CURRENT_USER",
    "CURRENT_TIMESTAMP",
    "CURRENT_DATE",
    "CURRENT_TIME",
    "LOCALTIME",
    "LOCALTIMESTAMP",
    "UTC_TIMESTAMP",
    "UTC_DATE",
    "UTC_TIME",
];

impl<'e> Eval<'e> {
    pub(crate) fn new(
        engine: &'e Engine,
        session: &'e mut Session,
        _script: &'e Script<'e>,
    ) -> Self {
        Self {
            engine,
            session,
            clause: "field list",
            depth: 0,
        }
    }

    /// SHOW ... WHERE filters are evaluated here, over the rows SHOW built; subqueries are
    /// for the pipeline (SELECT, SET, DO).
    fn no_subqueries(&self) -> Result<Vec<Vec<Value>>, EngineError> {
        Err(EngineError::not_supported("subqueries in SHOW ... WHERE"))
    }

    pub(crate) fn warn(&mut self, code: u16, message: impl Into<String>) {
        self.session.warnings.push(Warning {
            level: "Warning",
            code,
            message: message.into(),
        });
    }

    /// Evaluates an expression against a row.
    pub(crate) fn eval(&mut self, e: &Expr, row: Row<'_>) -> Result<Value, EngineError> {
        if self.depth >= MAX_DEPTH {
            return Err(EngineError::stack_overrun());
        }
        self.depth += 1;
        let r = self.eval_inner(e, row);
        self.depth -= 1;
        r
    }

    /// Hot, recursive cases only: keeps the per-level stack frame small so deep (left-nested)
    /// operator chains do not exhaust a 2 MiB thread stack in debug builds.
    fn eval_inner(&mut self, e: &Expr, row: Row<'_>) -> Result<Value, EngineError> {
        match e {
            Expr::Nested(inner) => self.eval(inner, row),
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right, e, row),
            Expr::UnaryOp { op, expr } => {
                let v = self.eval(expr, row)?;
                self.unary(*op, v, e)
            }
            _ => self.eval_complex(e, row),
        }
    }

    #[inline(never)]
    fn eval_complex(&mut self, e: &Expr, row: Row<'_>) -> Result<Value, EngineError> {
        match e {
            Expr::Value(v) => literal(&v.value),
            Expr::Identifier(id) => self.identifier(&id.value, id.quote_style.is_some(), row),
            Expr::CompoundIdentifier(parts) => self.compound_identifier(parts, row),
            Expr::Nested(inner) => self.eval(inner, row),
            Expr::UnaryOp { op, expr } => {
                let v = self.eval(expr, row)?;
                self.unary(*op, v, e)
            }
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right, e, row),
            Expr::IsNull(x) => Ok(bool_value(self.eval(x, row)?.is_null())),
            Expr::IsNotNull(x) => Ok(bool_value(!self.eval(x, row)?.is_null())),
            Expr::IsTrue(x) => Ok(bool_value(self.eval(x, row)?.to_bool() == Some(true))),
            Expr::IsNotTrue(x) => Ok(bool_value(self.eval(x, row)?.to_bool() != Some(true))),
            Expr::IsFalse(x) => Ok(bool_value(self.eval(x, row)?.to_bool() == Some(false))),
            Expr::IsNotFalse(x) => Ok(bool_value(self.eval(x, row)?.to_bool() != Some(false))),
            Expr::IsUnknown(x) => Ok(bool_value(self.eval(x, row)?.is_null())),
            Expr::IsNotUnknown(x) => Ok(bool_value(!self.eval(x, row)?.is_null())),
            Expr::IsDistinctFrom(a, b) => {
                let (a, b) = (self.eval(a, row)?, self.eval(b, row)?);
                Ok(bool_value(!null_safe_eq(&a, &b)))
            }
            Expr::IsNotDistinctFrom(a, b) => {
                let (a, b) = (self.eval(a, row)?, self.eval(b, row)?);
                Ok(bool_value(null_safe_eq(&a, &b)))
            }
            Expr::In {
                expr,
                target,
                negated,
                ..
            } => {
                let v = self.eval(expr, row)?;
                let candidates = match target {
                    InTarget::List(list) => {
                        let mut out = Vec::with_capacity(list.len());
                        for x in list {
                            out.push(self.eval(x, row)?);
                        }
                        out
                    }
                    InTarget::Subquery(_q) => {
                        let rows = self.no_subqueries()?;
                        let mut out = Vec::with_capacity(rows.len());
                        for r in rows {
                            if r.len() != 1 {
                                return Err(EngineError::operand_columns(1));
                            }
                            out.extend(r);
                        }
                        out
                    }
                    _ => return Err(EngineError::not_supported("IN target")),
                };
                if v.is_null() {
                    return Ok(Value::Null);
                }
                let mut saw_null = false;
                for c in &candidates {
                    if c.is_null() {
                        saw_null = true;
                    } else if compare(&v, c) == Ordering::Equal {
                        return Ok(bool_value(!negated));
                    }
                }
                Ok(if saw_null {
                    Value::Null
                } else {
                    bool_value(*negated)
                })
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let v = self.eval(expr, row)?;
                let lo = self.eval(low, row)?;
                let hi = self.eval(high, row)?;
                let ge = if v.is_null() || lo.is_null() {
                    None
                } else {
                    Some(compare(&v, &lo) != Ordering::Less)
                };
                let le = if v.is_null() || hi.is_null() {
                    None
                } else {
                    Some(compare(&v, &hi) != Ordering::Greater)
                };
                let r = match (ge, le) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                Ok(match r {
                    None => Value::Null,
                    Some(b) => bool_value(b != *negated),
                })
            }
            Expr::Like {
                negated,
                expr,
                pattern,
                escape_char,
                any: false,
            } => {
                let v = self.eval(expr, row)?;
                let p = self.eval(pattern, row)?;
                let esc = match escape_char {
                    Some(x) => match self.eval(x, row)? {
                        Value::Null => Some('\\'),
                        other => text(&other).and_then(|t| t.chars().next()),
                    },
                    None => Some('\\'),
                };
                match (text(&v), text(&p)) {
                    (Some(s), Some(p)) => Ok(bool_value(like_match(&s, &p, esc) != *negated)),
                    _ => Ok(Value::Null),
                }
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let op = match operand {
                    Some(o) => Some(self.eval(o, row)?),
                    None => None,
                };
                for cw in conditions {
                    let c = self.eval(&cw.condition, row)?;
                    let hit = match &op {
                        Some(o) => {
                            !o.is_null() && !c.is_null() && compare(o, &c) == Ordering::Equal
                        }
                        None => c.to_bool() == Some(true),
                    };
                    if hit {
                        return self.eval(&cw.result, row);
                    }
                }
                match else_result {
                    Some(x) => self.eval(x, row),
                    None => Ok(Value::Null),
                }
            }
            Expr::Function(f) => self.function(f, e, row),
            Expr::Cast {
                expr, data_type, ..
            } => {
                let v = self.eval(expr, row)?;
                self.cast(v, data_type, e)
            }
            Expr::Convert {
                expr, data_type, ..
            } => {
                let v = self.eval(expr, row)?;
                match data_type {
                    Some(dt) => self.cast(v, dt, e),
                    None => Ok(match v {
                        Value::Null => Value::Null,
                        other => Value::Bytes(other.to_text().unwrap_or_default()),
                    }),
                }
            }
            Expr::Subquery(_q) => {
                let rows = self.no_subqueries()?;
                let mut it = rows.into_iter();
                match (it.next(), it.next()) {
                    (None, _) => Ok(Value::Null),
                    (Some(_), Some(_)) => Err(EngineError::subquery_rows()),
                    (Some(r), None) => {
                        if r.len() != 1 {
                            return Err(EngineError::operand_columns(1));
                        }
                        Ok(r.into_iter().next().unwrap_or(Value::Null))
                    }
                }
            }
            Expr::Exists {
                subquery: _,
                negated,
            } => {
                let rows = self.no_subqueries()?;
                Ok(bool_value(rows.is_empty() == *negated))
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let s = self.eval(expr, row)?;
                let from = match substring_from {
                    Some(x) => self.eval(x, row)?,
                    None => Value::Int(1),
                };
                let len = match substring_for {
                    Some(x) => Some(self.eval(x, row)?),
                    None => None,
                };
                Ok(substring(&s, &from, len.as_ref()))
            }
            Expr::Trim {
                trim_where,
                trim_what,
                expr,
                ..
            } => {
                let s = self.eval(expr, row)?;
                let what = match trim_what {
                    Some(w) => self.eval(w, row)?,
                    None => Value::str(" "),
                };
                let (Some(s), Some(w)) = (text(&s), text(&what)) else {
                    return Ok(Value::Null);
                };
                let (lead, trail) = match trim_where {
                    Some(TrimWhereField::Leading) => (true, false),
                    Some(TrimWhereField::Trailing) => (false, true),
                    _ => (true, true),
                };
                Ok(Value::str(trim(&s, &w, lead, trail)))
            }
            Expr::Ceil { expr, field } | Expr::Floor { expr, field } => {
                if !matches!(
                    field,
                    CeilFloorKind::DateTimeField(sqlparser::ast::DateTimeField::NoDateTime)
                ) {
                    return Err(EngineError::not_supported("CEIL/FLOOR with a unit"));
                }
                let v = self.eval(expr, row)?;
                Ok(ceil_floor(v, matches!(e, Expr::Ceil { .. })))
            }
            Expr::Prefixed { prefix, value } => {
                let v = self.eval(value, row)?;
                Ok(match (prefix.value.to_ascii_lowercase().as_str(), v) {
                    (_, Value::Null) => Value::Null,
                    (_, other) => Value::Bytes(other.to_text().unwrap_or_default()),
                })
            }
            Expr::TypedString(ts) => literal(&ts.value.value),
            Expr::Collate { expr, .. } => self.eval(expr, row),
            Expr::Tuple(_) => Err(EngineError::operand_columns(1)),
            Expr::Wildcard(_) | Expr::QualifiedWildcard(..) => Err(EngineError::no_tables_used()),
            other => Err(EngineError::not_supported(&format!(
                "expression {}",
                short(other)
            ))),
        }
    }

    fn identifier(&mut self, name: &str, quoted: bool, row: Row<'_>) -> Result<Value, EngineError> {
        if !quoted {
            if let Some(rest) = name.strip_prefix("@@") {
                return self.system_variable(None, rest);
            }
            if let Some(rest) = name.strip_prefix('@') {
                let rest = rest.trim_matches(|c| c == '\'' || c == '"' || c == '`');
                return Ok(self
                    .session
                    .user_vars
                    .get(&rest.to_lowercase())
                    .cloned()
                    .unwrap_or(Value::Null));
            }
        }
        if let Some(i) = row.names.iter().position(|n| n.eq_ignore_ascii_case(name)) {
            return Ok(row.values.get(i).cloned().unwrap_or(Value::Null));
        }
        if !quoted && NILADIC.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return self.call(&name.to_ascii_uppercase(), name, None, Vec::new(), None);
        }
        Err(EngineError::bad_field(name, self.clause))
    }

    fn compound_identifier(
        &mut self,
        parts: &[sqlparser::ast::Ident],
        row: Row<'_>,
    ) -> Result<Value, EngineError> {
        let names: Vec<&str> = parts.iter().map(|p| p.value.as_str()).collect();
        if let [first, rest @ ..] = names.as_slice()
            && let Some(scope) = first.strip_prefix("@@")
        {
            let scope_kw = match scope.to_ascii_lowercase().as_str() {
                "global" => Some(VarScope::Global),
                "session" | "local" => Some(VarScope::Session),
                _ => None,
            };
            return match scope_kw {
                Some(sc) => self.system_variable(Some(sc), &rest.join(".")),
                None => self.system_variable(None, names.join(".").trim_start_matches('@')),
            };
        }
        let _ = row;
        Err(EngineError::bad_field(&names.join("."), self.clause))
    }

    /// `@@[scope.]name`.
    pub(crate) fn system_variable(
        &mut self,
        scope: Option<VarScope>,
        name: &str,
    ) -> Result<Value, EngineError> {
        let def = vars::lookup(name).ok_or_else(|| EngineError::unknown_system_variable(name))?;
        match (scope, def.scope) {
            (Some(VarScope::Global), Scope::Session) => {
                return Err(EngineError::incorrect_global_local_var(def.name, "SESSION"));
            }
            (Some(VarScope::Session), Scope::Global) => {
                return Err(EngineError::incorrect_global_local_var(def.name, "GLOBAL"));
            }
            _ => {}
        }
        if scope == Some(VarScope::Global) || def.scope == Scope::Global {
            let stored = self
                .engine
                .read_globals()
                .get(def.name)
                .cloned()
                .unwrap_or_default();
            return Ok(vars::typed(def, &stored));
        }
        let s = &*self.session;
        Ok(match def.name {
            "warning_count" => Value::UInt(u64::from(s.warning_count())),
            "error_count" => {
                Value::UInt(s.warnings.iter().filter(|w| w.level == "Error").count() as u64)
            }
            "last_insert_id" | "identity" => Value::UInt(s.last_insert_id),
            "external_user" => Value::Null,
            "proxy_user" => Value::Null,
            "timestamp" => {
                let (secs, micros) = now_micros();
                Value::Double(secs as f64 + f64::from(micros) / 1e6)
            }
            _ => {
                let stored = s
                    .vars
                    .get(def.name)
                    .cloned()
                    .unwrap_or_else(|| def.default.to_string());
                vars::typed(def, &stored)
            }
        })
    }

    #[inline(never)]
    fn unary(&mut self, op: UnaryOperator, v: Value, e: &Expr) -> Result<Value, EngineError> {
        match op {
            UnaryOperator::Plus => Ok(v),
            UnaryOperator::Not => Ok(v.to_bool().map(|b| bool_value(!b)).unwrap_or(Value::Null)),
            UnaryOperator::Minus => Ok(match v {
                Value::Null => Value::Null,
                Value::Int(i) => match i.checked_neg() {
                    Some(n) => Value::Int(n),
                    None => return Err(EngineError::out_of_range("BIGINT", &print_expr(e))),
                },
                Value::UInt(u) => match i64::try_from(-i128::from(u)) {
                    Ok(n) => Value::Int(n),
                    Err(_) => Value::Decimal(Dec::from_i128(-i128::from(u))),
                },
                Value::Decimal(d) => Dec {
                    mant: -d.mant,
                    scale: d.scale,
                }
                .into_value(),
                Value::Double(d) => Value::Double(-d),
                b => Value::Double(-b.to_f64().unwrap_or(0.0)),
            }),
            UnaryOperator::BitwiseNot => Ok(to_u64_bits(&v)
                .map(|u| Value::UInt(!u))
                .unwrap_or(Value::Null)),
            other => Err(EngineError::not_supported(&format!("operator {other}"))),
        }
    }

    fn binary(
        &mut self,
        l: &Expr,
        op: &BinaryOperator,
        r: &Expr,
        e: &Expr,
        row: Row<'_>,
    ) -> Result<Value, EngineError> {
        use BinaryOperator as B;
        let op = match op {
            B::StringConcat => {
                let pipes = self
                    .session
                    .vars
                    .get("sql_mode")
                    .is_some_and(|m| m.contains("PIPES_AS_CONCAT"));
                if pipes {
                    let a = self.eval(l, row)?;
                    let b = self.eval(r, row)?;
                    return Ok(concat(&[a, b]));
                }
                &B::Or
            }
            other => other,
        };
        match op {
            B::And => {
                let a = self.eval(l, row)?.to_bool();
                if a == Some(false) {
                    return Ok(bool_value(false));
                }
                let b = self.eval(r, row)?.to_bool();
                Ok(match (a, b) {
                    (_, Some(false)) => bool_value(false),
                    (Some(true), Some(true)) => bool_value(true),
                    _ => Value::Null,
                })
            }
            B::Or => {
                let a = self.eval(l, row)?.to_bool();
                if a == Some(true) {
                    return Ok(bool_value(true));
                }
                let b = self.eval(r, row)?.to_bool();
                Ok(match (a, b) {
                    (_, Some(true)) => bool_value(true),
                    (Some(false), Some(false)) => bool_value(false),
                    _ => Value::Null,
                })
            }
            B::Xor => {
                let a = self.eval(l, row)?.to_bool();
                let b = self.eval(r, row)?.to_bool();
                Ok(match (a, b) {
                    (Some(x), Some(y)) => bool_value(x != y),
                    _ => Value::Null,
                })
            }
            _ => {
                let a = self.eval(l, row)?;
                let b = self.eval(r, row)?;
                self.binary_values(op, a, b, e)
            }
        }
    }

    #[inline(never)]
    fn binary_values(
        &mut self,
        op: &BinaryOperator,
        a: Value,
        b: Value,
        e: &Expr,
    ) -> Result<Value, EngineError> {
        use BinaryOperator as B;
        if *op == B::Spaceship {
            return Ok(bool_value(null_safe_eq(&a, &b)));
        }
        if a.is_null() || b.is_null() {
            return Ok(Value::Null);
        }
        let cmp = |o: Ordering| -> Value {
            bool_value(match op {
                B::Eq => o == Ordering::Equal,
                B::NotEq => o != Ordering::Equal,
                B::Lt => o == Ordering::Less,
                B::LtEq => o != Ordering::Greater,
                B::Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            })
        };
        match op {
            B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq => Ok(cmp(compare(&a, &b))),
            B::Plus | B::Minus | B::Multiply => self.arith(op, &a, &b, e),
            B::Divide => self.divide(&a, &b, e),
            B::Modulo => self.modulo(&a, &b),
            B::MyIntegerDivide => self.int_divide(&a, &b, e),
            B::BitwiseOr
            | B::BitwiseAnd
            | B::BitwiseXor
            | B::PGBitwiseShiftLeft
            | B::PGBitwiseShiftRight => {
                let (Some(x), Some(y)) = (to_u64_bits(&a), to_u64_bits(&b)) else {
                    return Ok(Value::Null);
                };
                Ok(Value::UInt(match op {
                    B::BitwiseOr => x | y,
                    B::BitwiseAnd => x & y,
                    B::BitwiseXor => x ^ y,
                    B::PGBitwiseShiftLeft => u32::try_from(y)
                        .ok()
                        .and_then(|s| x.checked_shl(s))
                        .unwrap_or(0),
                    _ => u32::try_from(y)
                        .ok()
                        .and_then(|s| x.checked_shr(s))
                        .unwrap_or(0),
                }))
            }
            other => Err(EngineError::not_supported(&format!("operator {other}"))),
        }
    }

    #[inline(never)]
    fn arith(
        &mut self,
        op: &BinaryOperator,
        a: &Value,
        b: &Value,
        e: &Expr,
    ) -> Result<Value, EngineError> {
        use BinaryOperator as B;
        let (Some(x), Some(y)) = (num(a), num(b)) else {
            return Ok(Value::Null);
        };
        match (x, y) {
            (x, y) if matches!(x, Num::F(_)) || matches!(y, Num::F(_)) => {
                let (x, y) = (as_f64(&x), as_f64(&y));
                let r = match op {
                    B::Plus => x + y,
                    B::Minus => x - y,
                    _ => x * y,
                };
                if r.is_finite() {
                    Ok(Value::Double(r))
                } else {
                    Err(EngineError::out_of_range("DOUBLE", &print_expr(e)))
                }
            }
            (Num::I(x, ux), Num::I(y, uy)) => {
                let unsigned = ux || uy;
                let r = match op {
                    B::Plus => x.checked_add(y),
                    B::Minus => x.checked_sub(y),
                    _ => x.checked_mul(y),
                };
                let name = if unsigned {
                    "BIGINT UNSIGNED"
                } else {
                    "BIGINT"
                };
                r.and_then(|r| int_value(r, unsigned))
                    .ok_or_else(|| EngineError::out_of_range(name, &print_expr(e)))
            }
            (x, y) => {
                let (x, y) = (as_dec(&x), as_dec(&y));
                let r = match op {
                    B::Plus => x.add(y),
                    B::Minus => x.sub(y),
                    _ => x.mul(y),
                };
                r.map(Dec::into_value)
                    .ok_or_else(|| EngineError::out_of_range("DECIMAL", &print_expr(e)))
            }
        }
    }

    fn div_incr(&self) -> u32 {
        self.session
            .vars
            .get("div_precision_increment")
            .and_then(|v| v.parse().ok())
            .unwrap_or(4)
            .min(30)
    }

    fn division_by_zero(&mut self) -> Value {
        self.warn(1365, "Division by 0");
        Value::Null
    }

    #[inline(never)]
    fn divide(&mut self, a: &Value, b: &Value, e: &Expr) -> Result<Value, EngineError> {
        let (Some(x), Some(y)) = (num(a), num(b)) else {
            return Ok(Value::Null);
        };
        if matches!(x, Num::F(_)) || matches!(y, Num::F(_)) {
            let (x, y) = (as_f64(&x), as_f64(&y));
            if y == 0.0 {
                return Ok(self.division_by_zero());
            }
            let r = x / y;
            return if r.is_finite() {
                Ok(Value::Double(r))
            } else {
                Err(EngineError::out_of_range("DOUBLE", &print_expr(e)))
            };
        }
        match as_dec(&x).div(as_dec(&y), self.div_incr()) {
            None => Err(EngineError::out_of_range("DECIMAL", &print_expr(e))),
            Some(None) => Ok(self.division_by_zero()),
            Some(Some(d)) => Ok(d.into_value()),
        }
    }

    #[inline(never)]
    fn modulo(&mut self, a: &Value, b: &Value) -> Result<Value, EngineError> {
        let (Some(x), Some(y)) = (num(a), num(b)) else {
            return Ok(Value::Null);
        };
        match (x, y) {
            (Num::I(x, ux), Num::I(y, _)) => {
                if y == 0 {
                    return Ok(self.division_by_zero());
                }
                Ok(int_value(x % y, ux).unwrap_or(Value::Null))
            }
            (x, y) if matches!(x, Num::F(_)) || matches!(y, Num::F(_)) => {
                let (x, y) = (as_f64(&x), as_f64(&y));
                if y == 0.0 {
                    return Ok(self.division_by_zero());
                }
                Ok(Value::Double(x % y))
            }
            (x, y) => match as_dec(&x).rem(as_dec(&y)) {
                Some(Some(d)) => Ok(d.into_value()),
                Some(None) => Ok(self.division_by_zero()),
                None => Ok(Value::Null),
            },
        }
    }

    #[inline(never)]
    fn int_divide(&mut self, a: &Value, b: &Value, e: &Expr) -> Result<Value, EngineError> {
        let (Some(x), Some(y)) = (num(a), num(b)) else {
            return Ok(Value::Null);
        };
        let out_of_range = || EngineError::out_of_range("BIGINT", &print_expr(e));
        match (x, y) {
            (Num::I(x, ux), Num::I(y, uy)) => {
                if y == 0 {
                    return Ok(self.division_by_zero());
                }
                int_value(x / y, ux || uy).ok_or_else(out_of_range)
            }
            (x, y) if matches!(x, Num::F(_)) || matches!(y, Num::F(_)) => {
                let (x, y) = (as_f64(&x), as_f64(&y));
                if y == 0.0 {
                    return Ok(self.division_by_zero());
                }
                let q = (x / y).trunc();
                if q.abs() < 9.2e18 {
                    Ok(Value::Int(q as i64))
                } else {
                    Err(out_of_range())
                }
            }
            (x, y) => match as_dec(&x).div(as_dec(&y), 0) {
                Some(None) => Ok(self.division_by_zero()),
                Some(Some(_)) => {
                    let (x, y) = (as_dec(&x), as_dec(&y));
                    // Truncating division: scale both to integers.
                    let s = x.scale.max(y.scale);
                    let xm = x
                        .mant
                        .checked_mul(10i128.pow(s - x.scale))
                        .ok_or_else(out_of_range)?;
                    let ym = y
                        .mant
                        .checked_mul(10i128.pow(s - y.scale))
                        .ok_or_else(out_of_range)?;
                    int_value(xm / ym, false).ok_or_else(out_of_range)
                }
                None => Err(out_of_range()),
            },
        }
    }

    fn args(&mut self, f: &Function, row: Row<'_>) -> Result<Vec<Value>, EngineError> {
        let list = match &f.args {
            FunctionArguments::None => return Ok(Vec::new()),
            FunctionArguments::List(l) => &l.args,
            FunctionArguments::Subquery(_) => {
                return Err(EngineError::not_supported("subquery as function argument"));
            }
        };
        let mut out = Vec::with_capacity(list.len());
        for a in list {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => out.push(self.eval(x, row)?),
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => {
                    return Err(EngineError::not_supported("* argument"));
                }
                other => {
                    return Err(EngineError::not_supported(&format!(
                        "function argument {other}"
                    )));
                }
            }
        }
        Ok(out)
    }

    #[inline(never)]
    fn function(&mut self, f: &Function, e: &Expr, row: Row<'_>) -> Result<Value, EngineError> {
        let (db, name) = function_name(&f.name);
        let upper = name.to_ascii_uppercase();
        if db.is_some() {
            return self.call("", &name, db, Vec::new(), Some(e));
        }
        // Lazy functions: only evaluate what is needed.
        if let FunctionArguments::List(l) = &f.args {
            let exprs: Vec<&Expr> = l
                .args
                .iter()
                .filter_map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(x),
                    _ => None,
                })
                .collect();
            match upper.as_str() {
                "IF" => {
                    let [c, a, b] = exprs.as_slice() else {
                        return Err(EngineError::wrong_param_count(&name));
                    };
                    let c = self.eval(c, row)?;
                    return if c.to_bool() == Some(true) {
                        self.eval(a, row)
                    } else {
                        self.eval(b, row)
                    };
                }
                "IFNULL" => {
                    let [a, b] = exprs.as_slice() else {
                        return Err(EngineError::wrong_param_count(&name));
                    };
                    let v = self.eval(a, row)?;
                    return if v.is_null() {
                        self.eval(b, row)
                    } else {
                        Ok(v)
                    };
                }
                "COALESCE" => {
                    if exprs.is_empty() {
                        return Err(EngineError::wrong_param_count(&name));
                    }
                    for x in exprs {
                        let v = self.eval(x, row)?;
                        if !v.is_null() {
                            return Ok(v);
                        }
                    }
                    return Ok(Value::Null);
                }
                _ => {}
            }
        }
        let args = self.args(f, row)?;
        self.call(&upper, &name, None, args, Some(e))
    }

    /// Calls a scalar function with evaluated arguments.
    #[inline(never)]
    fn call(
        &mut self,
        upper: &str,
        name: &str,
        db: Option<String>,
        args: Vec<Value>,
        e: Option<&Expr>,
    ) -> Result<Value, EngineError> {
        let n = args.len();
        let count = |ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(EngineError::wrong_param_count(name))
            }
        };
        let arg = |i: usize| args.get(i).cloned().unwrap_or(Value::Null);
        let tz = self
            .session
            .vars
            .get("time_zone")
            .map(|t| tz_offset(t))
            .unwrap_or(0);
        let printed = || e.map(print_expr).unwrap_or_else(|| name.to_string());
        Ok(match upper {
            "CONCAT" => {
                count(n >= 1)?;
                concat(&args)
            }
            "CONCAT_WS" => {
                count(n >= 2)?;
                let Some(sep) = text(&arg(0)) else {
                    return Ok(Value::Null);
                };
                let parts: Vec<String> = args.iter().skip(1).filter_map(text).collect();
                Value::str(parts.join(&sep))
            }
            "UPPER" | "UCASE" | "LOWER" | "LCASE" => {
                count(n == 1)?;
                match text(&arg(0)) {
                    None => Value::Null,
                    Some(s) if upper.starts_with('U') => Value::str(s.to_uppercase()),
                    Some(s) => Value::str(s.to_lowercase()),
                }
            }
            "LENGTH" | "OCTET_LENGTH" => {
                count(n == 1)?;
                arg(0)
                    .to_text()
                    .map(|b| Value::Int(b.len() as i64))
                    .unwrap_or(Value::Null)
            }
            "CHAR_LENGTH" | "CHARACTER_LENGTH" => {
                count(n == 1)?;
                text(&arg(0))
                    .map(|s| Value::Int(s.chars().count() as i64))
                    .unwrap_or(Value::Null)
            }
            "SUBSTRING" | "SUBSTR" | "MID" => {
                count(n == 2 || n == 3)?;
                substring(&arg(0), &arg(1), args.get(2))
            }
            "LEFT" | "RIGHT" => {
                count(n == 2)?;
                let (Some(s), Some(k)) = (text(&arg(0)), arg(1).to_i64()) else {
                    return Ok(Value::Null);
                };
                let chars: Vec<char> = s.chars().collect();
                let k = usize::try_from(k.max(0)).unwrap_or(0).min(chars.len());
                let slice = if upper == "LEFT" {
                    chars.get(..k)
                } else {
                    chars.get(chars.len() - k..)
                };
                Value::str(slice.unwrap_or_default().iter().collect::<String>())
            }
            "LTRIM" | "RTRIM" => {
                count(n == 1)?;
                text(&arg(0))
                    .map(|s| Value::str(trim(&s, " ", upper == "LTRIM", upper == "RTRIM")))
                    .unwrap_or(Value::Null)
            }
            "TRIM" => {
                count(n == 1)?;
                text(&arg(0))
                    .map(|s| Value::str(trim(&s, " ", true, true)))
                    .unwrap_or(Value::Null)
            }
            "REPLACE" => {
                count(n == 3)?;
                match (text(&arg(0)), text(&arg(1)), text(&arg(2))) {
                    (Some(s), Some(from), Some(to)) => {
                        if from.is_empty() {
                            Value::str(s)
                        } else {
                            Value::str(s.replace(&from, &to))
                        }
                    }
                    _ => Value::Null,
                }
            }
            "REPEAT" => {
                count(n == 2)?;
                let (Some(s), Some(k)) = (arg(0).to_text(), arg(1).to_i64()) else {
                    return Ok(Value::Null);
                };
                let k = usize::try_from(k.max(0)).unwrap_or(0);
                if s.len().saturating_mul(k) > MAX_STRING {
                    self.warn(1301, format!("Result of repeat() was larger than max_allowed_packet ({MAX_STRING}) - truncated"));
                    Value::Null
                } else {
                    Value::Bytes(s.repeat(k))
                }
            }
            "SPACE" => {
                count(n == 1)?;
                let Some(k) = arg(0).to_i64() else {
                    return Ok(Value::Null);
                };
                let k = usize::try_from(k.max(0)).unwrap_or(0);
                if k > MAX_STRING {
                    Value::Null
                } else {
                    Value::str(" ".repeat(k))
                }
            }
            "REVERSE" => {
                count(n == 1)?;
                text(&arg(0))
                    .map(|s| Value::str(s.chars().rev().collect::<String>()))
                    .unwrap_or(Value::Null)
            }
            "NULLIF" => {
                count(n == 2)?;
                let (a, b) = (arg(0), arg(1));
                if !a.is_null() && !b.is_null() && compare(&a, &b) == Ordering::Equal {
                    Value::Null
                } else {
                    a
                }
            }
            "ABS" => {
                count(n == 1)?;
                match num(&arg(0)) {
                    None => Value::Null,
                    Some(Num::I(i, u)) => int_value(i.abs(), u)
                        .ok_or_else(|| EngineError::out_of_range("BIGINT", &printed()))?,
                    Some(Num::D(d)) => Dec {
                        mant: d.mant.abs(),
                        scale: d.scale,
                    }
                    .into_value(),
                    Some(Num::F(f)) => Value::Double(f.abs()),
                }
            }
            "SIGN" => {
                count(n == 1)?;
                match num(&arg(0)) {
                    None => Value::Null,
                    Some(Num::I(i, _)) => Value::Int(i.signum() as i64),
                    Some(Num::D(d)) => Value::Int(d.mant.signum() as i64),
                    Some(Num::F(f)) => Value::Int(if f > 0.0 {
                        1
                    } else if f < 0.0 {
                        -1
                    } else {
                        0
                    }),
                }
            }
            "MOD" => {
                count(n == 2)?;
                self.modulo(&arg(0), &arg(1))?
            }
            "ROUND" | "TRUNCATE" => {
                count(if upper == "ROUND" {
                    n == 1 || n == 2
                } else {
                    n == 2
                })?;
                let d = if n == 2 {
                    match arg(1).to_i64() {
                        Some(d) => d,
                        None => return Ok(Value::Null),
                    }
                } else {
                    0
                };
                round(&arg(0), d, upper == "TRUNCATE")
            }
            "FLOOR" | "CEIL" | "CEILING" => {
                count(n == 1)?;
                ceil_floor(arg(0), upper != "FLOOR")
            }
            "GREATEST" | "LEAST" => {
                count(n >= 2)?;
                greatest(&args, upper == "GREATEST")
            }
            "VERSION" => {
                count(n == 0)?;
                Value::str(self.engine.version.clone())
            }
            "DATABASE" | "SCHEMA" => {
                count(n == 0)?;
                self.session
                    .database
                    .clone()
                    .map(Value::str)
                    .unwrap_or(Value::Null)
            }
            "USER" | "SESSION_USER" | "SYSTEM_USER" => {
                count(n == 0)?;
                Value::str(format!(
                    "{}@{}",
                    self.session.info.user, self.session.info.client_host
                ))
            }
            "CURRENT_USER" => {
                count(n == 0)?;
                Value::str(format!(
                    "{}@{}",
                    self.session.info.user, self.session.info.account_host
                ))
            }
            "CONNECTION_ID" => {
                count(n == 0)?;
                Value::UInt(u64::from(self.session.info.connection_id))
            }
            "LAST_INSERT_ID" => {
                count(n <= 1)?;
                if n == 1 {
                    let v = arg(0);
                    let id = match &v {
                        Value::UInt(u) => *u,
                        other => other.to_i64().map(|i| i as u64).unwrap_or(0),
                    };
                    self.session.last_insert_id = id;
                    Value::UInt(id)
                } else {
                    Value::UInt(self.session.last_insert_id)
                }
            }
            "NOW" | "CURRENT_TIMESTAMP" | "LOCALTIME" | "LOCALTIMESTAMP" | "SYSDATE"
            | "UTC_TIMESTAMP" => {
                count(n <= 1)?;
                let fsp = fsp(&arg(0), n, name)?;
                let (secs, micros) = now_micros();
                let off = if upper == "UTC_TIMESTAMP" { 0 } else { tz };
                Value::str(format_datetime(secs + off, micros, fsp))
            }
            "CURDATE" | "CURRENT_DATE" | "UTC_DATE" => {
                count(n == 0)?;
                let (secs, _) = now_micros();
                let off = if upper == "UTC_DATE" { 0 } else { tz };
                Value::str(
                    format_datetime(secs + off, 0, 0)
                        .get(..10)
                        .unwrap_or_default()
                        .to_string(),
                )
            }
            "CURTIME" | "CURRENT_TIME" | "UTC_TIME" => {
                count(n <= 1)?;
                let fsp = fsp(&arg(0), n, name)?;
                let (secs, micros) = now_micros();
                let off = if upper == "UTC_TIME" { 0 } else { tz };
                Value::str(
                    format_datetime(secs + off, micros, fsp)
                        .get(11..)
                        .unwrap_or_default()
                        .to_string(),
                )
            }
            "UNIX_TIMESTAMP" => {
                count(n <= 1)?;
                if n == 0 {
                    Value::Int(now_micros().0)
                } else {
                    match text(&arg(0)).and_then(|s| parse_datetime(&s)) {
                        Some(s) => Value::Int(s - tz),
                        None if arg(0).is_null() => Value::Null,
                        None => Value::Int(0),
                    }
                }
            }
            _ => {
                return match db.or_else(|| self.session.database.clone()) {
                    Some(db) => Err(EngineError::unknown_function(&db, name)),
                    None => Err(EngineError::no_db()),
                };
            }
        })
    }

    #[inline(never)]
    fn cast(&mut self, v: Value, dt: &DataType, e: &Expr) -> Result<Value, EngineError> {
        if v.is_null() {
            return Ok(Value::Null);
        }
        Ok(match dt {
            DataType::Signed | DataType::SignedInteger => Value::Int(match &v {
                Value::UInt(u) => *u as i64,
                other => other.to_i64().unwrap_or(0),
            }),
            DataType::Unsigned | DataType::UnsignedInteger => Value::UInt(match &v {
                Value::Int(i) => *i as u64,
                Value::UInt(u) => *u,
                Value::Double(d) if *d >= 0.0 => d.round() as u64,
                Value::Decimal(s) if s.mant >= 0 => {
                    u64::try_from(s.round(0).mant).unwrap_or(u64::MAX)
                }
                Value::Bytes(b) => {
                    let s = String::from_utf8_lossy(b);
                    let t = s.trim();
                    match t.parse::<u64>() {
                        Ok(u) => u,
                        Err(_) => v.to_i64().unwrap_or(0) as u64,
                    }
                }
                other => other.to_i64().unwrap_or(0) as u64,
            }),
            DataType::Char(_) | DataType::Varchar(_) | DataType::Text => {
                Value::Bytes(v.to_text().unwrap_or_default())
            }
            DataType::Binary(_) | DataType::Varbinary(_) => {
                Value::Bytes(v.to_text().unwrap_or_default())
            }
            DataType::Decimal(info) | DataType::Dec(info) | DataType::Numeric(info) => {
                let (m, d) = match info {
                    ExactNumberInfo::None => (10, 0),
                    ExactNumberInfo::Precision(m) => (*m, 0),
                    ExactNumberInfo::PrecisionAndScale(m, d) => {
                        (*m, u64::try_from(*d).unwrap_or(0))
                    }
                };
                if m > 65 || m == 0 {
                    return Err(EngineError::new(
                        1426,
                        "42000",
                        format!(
                            "Too-big precision {m} specified for '{}'. Maximum is 65.",
                            print_expr(e)
                        ),
                    ));
                }
                if d > 30 || d > m {
                    return Err(EngineError::new(
                        1425,
                        "42000",
                        format!(
                            "Too big scale {d} specified for '{}'. Maximum is 30.",
                            print_expr(e)
                        ),
                    ));
                }
                let dec = v.to_dec().unwrap_or(Dec::ZERO);
                let d32 = u32::try_from(d).unwrap_or(0);
                let mut r = dec.round(d32);
                if r.scale < d32 {
                    r = Dec {
                        mant: r.mant.saturating_mul(10i128.pow(d32 - r.scale)),
                        scale: d32,
                    };
                }
                // Clamp to the precision.
                let max = 10i128
                    .checked_pow(u32::try_from(m).unwrap_or(38))
                    .map(|p| p - 1);
                if let Some(max) = max
                    && r.mant.abs() > max
                {
                    self.warn(1264, "Out of range value for column '(null)' at row 1");
                    r = Dec {
                        mant: max * r.mant.signum(),
                        scale: d32,
                    };
                }
                r.into_value()
            }
            DataType::Double(_)
            | DataType::Float(_)
            | DataType::Real
            | DataType::DoublePrecision
            | DataType::Float64 => Value::Double(v.to_f64().unwrap_or(0.0)),
            other => return Err(EngineError::not_supported(&format!("CAST AS {other}"))),
        })
    }
}

fn fsp(v: &Value, n: usize, name: &str) -> Result<u32, EngineError> {
    if n == 0 {
        return Ok(0);
    }
    match v.to_i64() {
        Some(f) if (0..=6).contains(&f) => Ok(u32::try_from(f).unwrap_or(0)),
        Some(f) => Err(EngineError::new(
            1426,
            "42000",
            format!(
                "Too-big precision {f} specified for '{}'. Maximum is 6.",
                name.to_ascii_lowercase()
            ),
        )),
        None => Err(EngineError::wrong_arguments(name)),
    }
}

fn as_f64(n: &Num) -> f64 {
    match n {
        Num::I(i, _) => *i as f64,
        Num::D(d) => d.to_f64(),
        Num::F(f) => *f,
    }
}

fn as_dec(n: &Num) -> Dec {
    match n {
        Num::I(i, _) => Dec::from_i128(*i),
        Num::D(d) => *d,
        Num::F(f) => Dec::from_f64(*f),
    }
}

fn short(e: &Expr) -> String {
    let s = e.to_string();
    s.chars().take(64).collect()
}

fn null_safe_eq(a: &Value, b: &Value) -> bool {
    match (a.is_null(), b.is_null()) {
        (true, true) => true,
        (false, false) => compare(a, b) == Ordering::Equal,
        _ => false,
    }
}

fn concat(args: &[Value]) -> Value {
    let mut out = Vec::new();
    for a in args {
        match a.to_text() {
            Some(b) => out.extend(b),
            None => return Value::Null,
        }
    }
    Value::Bytes(out)
}

fn substring(s: &Value, pos: &Value, len: Option<&Value>) -> Value {
    let (Some(s), Some(pos)) = (text(s), pos.to_i64()) else {
        return Value::Null;
    };
    let len = match len {
        Some(l) => match l.to_i64() {
            Some(l) => Some(l),
            None => return Value::Null,
        },
        None => None,
    };
    let chars: Vec<char> = s.chars().collect();
    let n = i64::try_from(chars.len()).unwrap_or(i64::MAX);
    if pos == 0 || pos > n || pos < -n {
        return Value::str("");
    }
    let start = if pos > 0 { pos - 1 } else { n + pos };
    let end = match len {
        Some(l) if l <= 0 => return Value::str(""),
        Some(l) => start.saturating_add(l).min(n),
        None => n,
    };
    let (a, b) = (
        usize::try_from(start).unwrap_or(0),
        usize::try_from(end).unwrap_or(0),
    );
    Value::str(
        chars
            .get(a..b)
            .unwrap_or_default()
            .iter()
            .collect::<String>(),
    )
}

fn trim(s: &str, what: &str, lead: bool, trail: bool) -> String {
    if what.is_empty() {
        return s.to_string();
    }
    let mut s = s;
    if lead {
        while let Some(rest) = s.strip_prefix(what) {
            s = rest;
        }
    }
    if trail {
        while let Some(rest) = s.strip_suffix(what) {
            s = rest;
        }
    }
    s.to_string()
}

fn ceil_floor(v: Value, ceil: bool) -> Value {
    match num(&v) {
        None => Value::Null,
        Some(Num::I(..)) => v,
        Some(Num::D(d)) => {
            let r = if ceil { d.ceil() } else { d.floor() };
            i64::try_from(r.mant)
                .map(Value::Int)
                .unwrap_or_else(|_| r.into_value())
        }
        Some(Num::F(f)) => Value::Double(if ceil { f.ceil() } else { f.floor() }),
    }
}

fn round(v: &Value, d: i64, truncate: bool) -> Value {
    match num(v) {
        None => Value::Null,
        Some(Num::I(i, u)) => {
            if d >= 0 {
                return v.clone();
            }
            let k = u32::try_from(d.unsigned_abs().min(39)).unwrap_or(39);
            let Some(p) = 10i128.checked_pow(k) else {
                return int_value(0, u).unwrap_or(Value::Null);
            };
            let r = i % p;
            let mut base = i - r;
            if !truncate && r.abs() * 2 >= p {
                base += p * i.signum();
            }
            int_value(base, u).unwrap_or_else(|| Dec::from_i128(base).into_value())
        }
        Some(Num::D(dec)) => {
            if truncate {
                let keep = u32::try_from(d.clamp(0, 30)).unwrap_or(0).min(dec.scale);
                let p = 10i128.pow(dec.scale - keep);
                let mut r = Dec {
                    mant: dec.mant / p,
                    scale: keep,
                };
                if d < 0 {
                    let q = 10i128
                        .checked_pow(u32::try_from(d.unsigned_abs().min(38)).unwrap_or(38))
                        .unwrap_or(1);
                    r = Dec {
                        mant: r.mant / q * q,
                        scale: 0,
                    };
                }
                return r.into_value();
            }
            dec.round_signed(d)
                .map(Dec::into_value)
                .unwrap_or(Value::Null)
        }
        Some(Num::F(f)) => {
            let p = 10f64.powi(i32::try_from(d.clamp(-308, 308)).unwrap_or(0));
            let x = f * p;
            let r = if truncate {
                x.trunc()
            } else {
                x.round_ties_even()
            };
            Value::Double(r / p)
        }
    }
}

fn greatest(args: &[Value], greatest: bool) -> Value {
    if args.iter().any(Value::is_null) {
        return Value::Null;
    }
    let all_str = args.iter().all(|a| matches!(a, Value::Bytes(_)));
    let all_num = args.iter().all(Value::is_numeric);
    let mut best: Option<&Value> = None;
    for a in args {
        best = Some(match best {
            None => a,
            Some(b) => {
                let o = if all_str {
                    ci_cmp(
                        &a.to_text().unwrap_or_default(),
                        &b.to_text().unwrap_or_default(),
                    )
                } else {
                    compare(a, b)
                };
                if (o == Ordering::Greater) == greatest && o != Ordering::Equal {
                    a
                } else {
                    b
                }
            }
        });
    }
    match best {
        None => Value::Null,
        Some(b) if all_str || all_num => b.clone(),
        Some(b) => Value::Double(b.to_f64().unwrap_or(0.0)),
    }
}

/// A literal's value.
pub(crate) fn literal(v: &SqlValue) -> Result<Value, EngineError> {
    Ok(match v {
        SqlValue::Number(n, _) => number_literal(n),
        SqlValue::SingleQuotedString(s)
        | SqlValue::DoubleQuotedString(s)
        | SqlValue::NationalStringLiteral(s)
        | SqlValue::EscapedStringLiteral(s)
        | SqlValue::TripleSingleQuotedString(s)
        | SqlValue::TripleDoubleQuotedString(s) => Value::str(s.clone()),
        SqlValue::HexStringLiteral(h) => Value::Bytes(crate::bind::decode_hex(h)),
        SqlValue::SingleQuotedByteStringLiteral(bits)
        | SqlValue::DoubleQuotedByteStringLiteral(bits) => {
            Value::Bytes(crate::bind::decode_bits(bits))
        }
        SqlValue::Boolean(b) => bool_value(*b),
        SqlValue::Null => Value::Null,
        other => return Err(EngineError::not_supported(&format!("literal {other}"))),
    })
}

/// Integer → BIGINT, too big → BIGINT UNSIGNED or DECIMAL, with a point → DECIMAL, with an
/// exponent → DOUBLE.
pub(crate) fn number_literal(n: &str) -> Value {
    if n.contains(['e', 'E']) {
        return Value::Double(n.parse().unwrap_or(0.0));
    }
    if !n.contains('.') {
        if let Ok(i) = n.parse::<i64>() {
            return Value::Int(i);
        }
        if let Ok(u) = n.parse::<u64>() {
            return Value::UInt(u);
        }
    }
    match Dec::parse(n) {
        Some(d) => {
            // Keep the scale as written (1.50 stays 1.50).
            Value::Decimal(d)
        }
        None => Value::Double(n.parse().unwrap_or(0.0)),
    }
}

/// Renders a value for messages like "can't be set to the value of 'x'".
pub(crate) fn display(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Double(d) => format_double(*d),
        other => other.to_string_lossy().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_handles_wildcards_escapes_and_case() {
        assert!(like_match("Hello", "h%o", Some('\\')));
        assert!(like_match("abc", "a_c", Some('\\')));
        assert!(!like_match("abc", "a\\_c", Some('\\')));
        assert!(like_match("a_c", "a\\_c", Some('\\')));
        assert!(like_match("", "%", Some('\\')));
        assert!(!like_match("abc", "ab", Some('\\')));
        assert!(like_match("aXbXc", "%b%c", Some('\\')));
    }

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(format_datetime(0, 0, 0), "1970-01-01 00:00:00");
        assert_eq!(format_datetime(951_782_400, 0, 0), "2000-02-29 00:00:00");
        assert_eq!(parse_datetime("2000-02-29 00:00:00"), Some(951_782_400));
        assert_eq!(format_datetime(1, 123_456, 3), "1970-01-01 00:00:01.123");
    }

    #[test]
    fn substring_follows_mysql_positions() {
        let s = Value::str("Quadratically");
        assert_eq!(substring(&s, &Value::Int(5), None), Value::str("ratically"));
        assert_eq!(
            substring(&s, &Value::Int(5), Some(&Value::Int(6))),
            Value::str("ratica")
        );
        assert_eq!(substring(&s, &Value::Int(-3), None), Value::str("lly"));
        assert_eq!(substring(&s, &Value::Int(0), None), Value::str(""));
    }
}
