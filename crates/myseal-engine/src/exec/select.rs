//! SELECT without tables (and FROM DUAL): expressions, WHERE, UNION, ORDER BY, LIMIT.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/select.html>
//!
//! Column names follow MySQL: the alias, else the item's text exactly as written (`1+1`,
//! `@@session.transaction_isolation`, `DATABASE()`), string literals named by their value.

use std::cmp::Ordering;

use sqlparser::ast::{
    BinaryOperator, Expr, LimitClause, OrderByKind, Query, Select, SelectItem, SetExpr,
    SetOperator, SetQuantifier, TableFactor, UnaryOperator, Value as SqlValue,
};

use crate::error::EngineError;
use crate::expr::{Eval, Row, number_literal};
use crate::parse::Script;
use crate::value::{Value, compare};
use crate::{Column, ColumnKind, Engine, Outcome, Session};

type Rows = Vec<Vec<Value>>;

/// Runs a top-level query.
pub(crate) fn run(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    q: &Query,
) -> Result<Outcome, EngineError> {
    let mut ev = Eval::new(engine, session, script);
    let (columns, rows) = query(&mut ev, q, true)?;
    Ok(Outcome::Rows { columns, rows })
}

/// Rows of a subquery (column metadata not needed).
pub(crate) fn subquery_rows(ev: &mut Eval<'_>, q: &Query) -> Result<Rows, EngineError> {
    let saved = ev.clause;
    let r = query(ev, q, false).map(|(_, rows)| rows);
    ev.clause = saved;
    r
}

fn query(
    ev: &mut Eval<'_>,
    q: &Query,
    want_names: bool,
) -> Result<(Vec<Column>, Rows), EngineError> {
    if q.with.is_some() {
        return Err(EngineError::not_supported("WITH"));
    }
    if q.fetch.is_some() {
        return Err(EngineError::not_supported("FETCH"));
    }
    let (columns, mut rows) = set_expr(ev, &q.body, want_names)?;
    if let Some(ob) = &q.order_by {
        let OrderByKind::Expressions(exprs) = &ob.kind else {
            return Err(EngineError::not_supported("ORDER BY ALL"));
        };
        let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        let mut keyed: Vec<(Vec<Value>, Vec<Value>)> = Vec::with_capacity(rows.len());
        ev.clause = "order clause";
        for row in rows {
            let mut keys = Vec::with_capacity(exprs.len());
            for o in exprs {
                let k = match &o.expr {
                    Expr::Value(v) if matches!(v.value, SqlValue::Number(..)) => {
                        let pos = number_literal(&v.value.to_string()).to_i64().unwrap_or(0);
                        let idx = usize::try_from(pos - 1).ok().filter(|i| *i < row.len());
                        match idx {
                            Some(i) => row.get(i).cloned().unwrap_or(Value::Null),
                            None => {
                                return Err(EngineError::bad_field(
                                    &pos.to_string(),
                                    "order clause",
                                ));
                            }
                        }
                    }
                    other => ev.eval(
                        other,
                        Row {
                            names: &names,
                            values: &row,
                        },
                    )?,
                };
                keys.push(k);
            }
            keyed.push((keys, row));
        }
        let desc: Vec<bool> = exprs
            .iter()
            .map(|o| matches!(o.options.sort, Some(sqlparser::ast::OrderBySort::Desc)))
            .collect();
        keyed.sort_by(|(a, _), (b, _)| {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let o = match (x.is_null(), y.is_null()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    _ => compare(x, y),
                };
                let o = if desc.get(i).copied().unwrap_or(false) {
                    o.reverse()
                } else {
                    o
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
        rows = keyed.into_iter().map(|(_, r)| r).collect();
    }
    if let Some(lc) = &q.limit_clause {
        let (limit, offset) = match lc {
            LimitClause::LimitOffset { limit, offset, .. } => {
                (limit.as_ref(), offset.as_ref().map(|o| &o.value))
            }
            LimitClause::OffsetCommaLimit { offset, limit } => (Some(limit), Some(offset)),
        };
        let mut eval_count = |e: Option<&Expr>| -> Result<Option<usize>, EngineError> {
            match e {
                None => Ok(None),
                Some(e) => {
                    let v = ev.eval(e, Row::default())?;
                    match v {
                        Value::Int(i) if i >= 0 => {
                            Ok(Some(usize::try_from(i).unwrap_or(usize::MAX)))
                        }
                        Value::UInt(u) => Ok(Some(usize::try_from(u).unwrap_or(usize::MAX))),
                        _ => Err(EngineError::wrong_arguments("LIMIT")),
                    }
                }
            }
        };
        let limit = eval_count(limit)?;
        let offset = eval_count(offset)?.unwrap_or(0);
        rows = rows
            .into_iter()
            .skip(offset)
            .take(limit.unwrap_or(usize::MAX))
            .collect();
    }
    Ok((columns, rows))
}

fn set_expr(
    ev: &mut Eval<'_>,
    body: &SetExpr,
    want_names: bool,
) -> Result<(Vec<Column>, Rows), EngineError> {
    match body {
        SetExpr::Select(s) => select(ev, s, want_names),
        SetExpr::Query(q) => query(ev, q, want_names),
        SetExpr::SetOperation {
            op: SetOperator::Union,
            set_quantifier,
            left,
            right,
        } => {
            let (mut cols, mut rows) = set_expr(ev, left, want_names)?;
            let (rcols, rrows) = set_expr(ev, right, false)?;
            if cols.len() != rcols.len() {
                return Err(EngineError::new(
                    1222,
                    "21000",
                    "The used SELECT statements have a different number of columns",
                ));
            }
            for (c, r) in cols.iter_mut().zip(&rcols) {
                merge_column(c, r);
            }
            rows.extend(rrows);
            if !matches!(set_quantifier, SetQuantifier::All) {
                let mut out: Rows = Vec::with_capacity(rows.len());
                for r in rows {
                    let dup = out.iter().any(|o| {
                        o.iter()
                            .zip(&r)
                            .all(|(a, b)| match (a.is_null(), b.is_null()) {
                                (true, true) => true,
                                (false, false) => compare(a, b) == Ordering::Equal,
                                _ => false,
                            })
                    });
                    if !dup {
                        out.push(r);
                    }
                }
                rows = out;
            }
            Ok((cols, rows))
        }
        SetExpr::SetOperation { op, .. } => Err(EngineError::not_supported(&op.to_string())),
        _ => Err(EngineError::not_supported("this query form")),
    }
}

fn merge_column(c: &mut Column, r: &Column) {
    c.nullable |= r.nullable;
    if c.kind != r.kind {
        c.kind = match (c.kind, r.kind) {
            (ColumnKind::Null, k) => k,
            (k, ColumnKind::Null) => k,
            (ColumnKind::Int | ColumnKind::UInt, ColumnKind::Int | ColumnKind::UInt) => {
                ColumnKind::Decimal
            }
            (
                ColumnKind::Int | ColumnKind::UInt | ColumnKind::Decimal,
                ColumnKind::Int | ColumnKind::UInt | ColumnKind::Decimal,
            ) => ColumnKind::Decimal,
            (ColumnKind::Double, ColumnKind::Int | ColumnKind::UInt | ColumnKind::Decimal)
            | (ColumnKind::Int | ColumnKind::UInt | ColumnKind::Decimal, ColumnKind::Double) => {
                ColumnKind::Double
            }
            _ => ColumnKind::VarString,
        };
        if c.kind == ColumnKind::VarString {
            c.decimals = 31;
        }
    }
    c.length = c.length.max(r.length);
}

fn check_from(ev: &Eval<'_>, s: &Select) -> Result<(), EngineError> {
    match s.from.as_slice() {
        [] => Ok(()),
        [twj] if twj.joins.is_empty() => match &twj.relation {
            TableFactor::Table { name, .. } => {
                let parts: Vec<String> = name
                    .0
                    .iter()
                    .map(|p| p.as_ident().map(|i| i.value.clone()).unwrap_or_default())
                    .collect();
                match parts.as_slice() {
                    [t] if t.eq_ignore_ascii_case("DUAL") => Ok(()),
                    [t] => match &ev.session.database {
                        Some(db) => Err(EngineError::no_such_table(db, t)),
                        None => Err(EngineError::no_db()),
                    },
                    [db, t] => Err(EngineError::no_such_table(db, t)),
                    _ => Err(EngineError::not_supported("this table reference")),
                }
            }
            _ => Err(EngineError::not_supported("derived tables")),
        },
        _ => Err(EngineError::not_supported("joins")),
    }
}

fn select(
    ev: &mut Eval<'_>,
    s: &Select,
    want_names: bool,
) -> Result<(Vec<Column>, Rows), EngineError> {
    check_from(ev, s)?;
    if s.into.is_some() {
        return Err(EngineError::not_supported("SELECT ... INTO"));
    }
    if s.having.is_some()
        || !matches!(&s.group_by, sqlparser::ast::GroupByExpr::Expressions(g, _) if g.is_empty())
    {
        return Err(EngineError::not_supported(
            "GROUP BY / HAVING without tables",
        ));
    }
    let mut items: Vec<(&Expr, Option<String>)> = Vec::with_capacity(s.projection.len());
    for item in &s.projection {
        match item {
            SelectItem::UnnamedExpr(e) => items.push((e, None)),
            SelectItem::ExprWithAlias { expr, alias } => {
                items.push((expr, Some(alias.value.clone())))
            }
            _ => return Err(EngineError::no_tables_used()),
        }
    }
    let keep = match &s.selection {
        Some(w) => {
            ev.clause = "where clause";
            let v = ev.eval(w, Row::default())?;
            ev.clause = "field list";
            v.to_bool() == Some(true)
        }
        None => true,
    };
    let mut values = Vec::with_capacity(items.len());
    if keep {
        ev.clause = "field list";
        for (e, _) in &items {
            values.push(ev.eval(e, Row::default())?);
        }
    }
    let names: Vec<String> = if want_names {
        item_names(ev.script, s, &items)
    } else {
        items
            .iter()
            .map(|(e, a)| a.clone().unwrap_or_else(|| e.to_string()))
            .collect()
    };
    let columns = items
        .iter()
        .zip(names)
        .enumerate()
        .map(|(i, ((e, _), name))| column_for(name, e, values.get(i)))
        .collect();
    let rows = if keep { vec![values] } else { Vec::new() };
    Ok((columns, rows))
}

/// Column names of a select list: the alias, else a string literal's value, else the item's
/// text as written.
fn item_names(script: &Script<'_>, s: &Select, items: &[(&Expr, Option<String>)]) -> Vec<String> {
    let aliased: Vec<bool> = items.iter().map(|(_, a)| a.is_some()).collect();
    let texts = script.select_item_texts(s.select_token.0.span.start, &aliased);
    items
        .iter()
        .enumerate()
        .map(|(i, (e, alias))| match alias {
            Some(a) => a.clone(),
            None => literal_name(e)
                .or_else(|| texts.as_ref().and_then(|t| t.get(i).cloned()))
                .unwrap_or_else(|| e.to_string()),
        })
        .collect()
}

/// Column names a query's result would get, from its own text (its leftmost SELECT names the
/// columns); None for forms that do not name columns this way. Prepared statements use this to
/// name columns from the text with `?` markers (`SELECT ?` → `?`), not the bound text.
pub(crate) fn query_names(script: &Script<'_>, q: &Query) -> Option<Vec<String>> {
    let mut body = &*q.body;
    loop {
        match body {
            SetExpr::Select(s) => {
                let mut items = Vec::with_capacity(s.projection.len());
                for item in &s.projection {
                    match item {
                        SelectItem::UnnamedExpr(e) => items.push((e, None)),
                        SelectItem::ExprWithAlias { expr, alias } => {
                            items.push((expr, Some(alias.value.clone())))
                        }
                        _ => return None,
                    }
                }
                return Some(item_names(script, s, &items));
            }
            SetExpr::Query(q) => body = &q.body,
            SetExpr::SetOperation { left, .. } => body = left,
            _ => return None,
        }
    }
}

/// MySQL names a string-literal item by its value (`SELECT 'abc'` → column `abc`).
fn literal_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        Expr::Prefixed { value, .. } => literal_name(value),
        _ => None,
    }
}

/// True when MySQL would mark the column NOT NULL.
fn not_nullable(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => !matches!(v.value, SqlValue::Null),
        Expr::Nested(x) => not_nullable(x),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => not_nullable(expr),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply,
            right,
        } => not_nullable(left) && not_nullable(right),
        Expr::Prefixed { value, .. } => not_nullable(value),
        _ => false,
    }
}

fn char_len(b: &[u8]) -> u32 {
    u32::try_from(String::from_utf8_lossy(b).chars().count()).unwrap_or(u32::MAX / 4)
}

/// Column metadata for a select item: static for literals, from the value otherwise.
pub(crate) fn column_for(name: String, e: &Expr, v: Option<&Value>) -> Column {
    let mut col = Column {
        name,
        org_name: String::new(),
        table: String::new(),
        org_table: String::new(),
        schema: String::new(),
        kind: ColumnKind::Null,
        length: 0,
        decimals: 0,
        nullable: !not_nullable(e),
        unsigned: false,
        binary: false,
        meta: None,
    };
    let literal_text = match e {
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => Some(n.clone()),
            _ => None,
        },
        _ => None,
    };
    let binary_literal = matches!(e, Expr::Value(v) if matches!(v.value,
        SqlValue::HexStringLiteral(_) | SqlValue::SingleQuotedByteStringLiteral(_) | SqlValue::DoubleQuotedByteStringLiteral(_)));
    let value = match (v, &literal_text) {
        (Some(v), _) => Some(v.clone()),
        (None, Some(n)) => Some(number_literal(n)),
        (None, None) => None,
    };
    match value {
        Some(Value::Int(i)) => {
            col.kind = ColumnKind::Int;
            col.length = match &literal_text {
                Some(t) => u32::try_from(t.len()).unwrap_or(21),
                None if !col.nullable => {
                    u32::try_from(i.to_string().len() + 1).unwrap_or(21).max(3)
                }
                None => 21,
            };
        }
        Some(Value::UInt(u)) => {
            col.kind = ColumnKind::UInt;
            col.unsigned = true;
            col.length = literal_text
                .as_ref()
                .map(|t| u32::try_from(t.len()).unwrap_or(20))
                .unwrap_or_else(|| {
                    let _ = u;
                    21
                });
        }
        Some(Value::Double(_)) => {
            col.kind = ColumnKind::Double;
            col.length = 22;
            col.decimals = 31;
        }
        Some(Value::Decimal(d)) => {
            let s = d.to_string();
            col.kind = ColumnKind::Decimal;
            let scale = s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0);
            col.decimals = u8::try_from(scale).unwrap_or(30);
            let digits = s.bytes().filter(u8::is_ascii_digit).count();
            col.length = u32::try_from(digits + usize::from(scale > 0) + 1).unwrap_or(67);
        }
        Some(Value::Bytes(b)) => {
            col.kind = ColumnKind::VarString;
            col.decimals = 31;
            if binary_literal {
                col.binary = true;
                col.length = u32::try_from(b.len()).unwrap_or(u32::MAX);
            } else {
                col.length = char_len(&b).saturating_mul(4);
            }
        }
        Some(Value::Date(_) | Value::DateTime(_) | Value::Time(_)) => {
            col.kind = ColumnKind::VarString;
            col.decimals = 31;
            col.length = 26 * 4;
        }
        Some(Value::Null) | None => {
            col.kind = if matches!(e, Expr::Value(v) if matches!(v.value, SqlValue::Null)) {
                ColumnKind::Null
            } else if v.is_none() {
                ColumnKind::VarString
            } else {
                ColumnKind::Null
            };
            if col.kind == ColumnKind::VarString {
                col.decimals = 31;
            }
        }
    }
    col
}
