//! INSERT/REPLACE, UPDATE, DELETE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/insert.html>

use std::sync::Arc;

use sqlparser::ast::{self as ast};

use crate::bind::{Binder, name_parts};
use crate::catalog::{ColumnDefault, TableDef};
use crate::error::EngineError;
use crate::execute::{self, Ctx, ReadMode};
use crate::plan::{Access, Expr, LockMode, LockWait, Node, TableRef, optimize::optimize};
use crate::storage::{self, key};
use crate::types::{BaseType, SqlType};
use crate::value::{Dec, Value};
use crate::{Engine, Outcome, Session};

use super::{convert, in_txn, ok};

// ---------------------------------------------------------------------------------------------
// DML

fn target(
    engine: &Engine,
    session: &Session,
    name: &ast::ObjectName,
) -> Result<Arc<TableDef>, EngineError> {
    let state = engine.store.latest();
    let b = Binder::new(engine, session, &state);
    let (s, t) = b.table_name(name)?;
    b.table_def(&s, &t)
}

/// Duplicate-key error for a unique index.
fn duplicate(def: &TableDef, idx: usize, row: &[Value]) -> EngineError {
    let index = &def.indexes[idx];
    let vals: Vec<String> = index
        .parts
        .iter()
        .map(|p| {
            row.get(p.column)
                .and_then(|v| v.to_string_lossy())
                .unwrap_or_else(|| "NULL".into())
        })
        .collect();
    EngineError::new(
        1062,
        "23000",
        format!(
            "Duplicate entry '{}' for key '{}.{}'",
            vals.join("-"),
            def.name,
            index.name
        ),
    )
}

/// Finds a row (other than `own_pk`) that conflicts with `row` on a unique index, in the latest
/// state plus own changes, after locking the unique values. Returns (index, conflicting pk).
fn find_conflict(
    cx: &mut Ctx<'_>,
    def: &Arc<TableDef>,
    row: &[Value],
    pk: &key::Key,
    own_pk: Option<&key::Key>,
) -> Result<Option<(usize, key::Key)>, EngineError> {
    let has_pk = def.primary().is_some();
    if has_pk {
        execute::ops_lock_row(cx, def.id, pk, true)?;
    }
    let view = cx
        .view(def, ReadMode::Latest)
        .ok_or_else(|| EngineError::no_such_table(&def.schema, &def.name))?;
    if has_pk && own_pk != Some(pk) && view.get(pk).is_some() {
        return Ok(Some((0, pk.clone())));
    }
    for (i, index) in def.indexes.iter().enumerate() {
        if index.primary || !index.unique || storage::index_has_null(def, i, row) {
            continue;
        }
        let prefix = storage::index_prefix(def, i, row);
        let mut lk = vec![u8::try_from(i + 1).unwrap_or(255)];
        lk.extend_from_slice(&prefix);
        execute::ops_lock_row(cx, def.id, &key::key(&lk), true)?;
        let hi = match key::prefix_successor(&prefix) {
            Some(s) => std::ops::Bound::Excluded(key::key(&s)),
            None => std::ops::Bound::Unbounded,
        };
        let lo = std::ops::Bound::Included(key::key(&prefix));
        for (_, other) in view.index_batch(i, &lo, &hi, false, None, 4) {
            if Some(&other) != own_pk {
                return Ok(Some((i, other)));
            }
        }
    }
    Ok(None)
}

pub(super) fn insert(
    engine: &Engine,
    session: &mut Session,
    ins: &ast::Insert,
) -> Result<Outcome, EngineError> {
    let name = match &ins.table {
        ast::TableObject::TableName(n) => n.clone(),
        _ => return Err(EngineError::not_supported("INSERT into a table function")),
    };
    let def = target(engine, session, &name)?;
    if ins.on.is_some() {
        return Err(EngineError::not_supported(
            "INSERT ... ON DUPLICATE KEY UPDATE",
        ));
    }
    let ignore = ins.ignore;
    let replace = ins.replace_into;
    // Target columns.
    let positions: Vec<usize> = if ins.columns.is_empty() {
        (0..def.columns.len()).collect()
    } else {
        let mut v = Vec::new();
        for c in &ins.columns {
            let cname = name_parts(c).pop().unwrap_or_default();
            let p = def
                .column_index(&cname)
                .ok_or_else(|| EngineError::bad_field(&cname, "field list"))?;
            if v.contains(&p) {
                return Err(EngineError::new(
                    1110,
                    "42000",
                    format!("Column '{cname}' specified twice"),
                ));
            }
            v.push(p);
        }
        v
    };
    let Some(source) = &ins.source else {
        return Err(EngineError::not_supported("INSERT without VALUES"));
    };
    // Source rows: VALUES bound without a scope, or a SELECT plan.
    let state = engine.store.latest();
    let mut value_rows: Option<Vec<Vec<Option<Expr>>>> = None;
    let mut select_plan = None;
    {
        let mut b = Binder::new(engine, session, &state);
        match &*source.body {
            ast::SetExpr::Values(vals) => {
                let mut rows = Vec::new();
                for r in vals.rows.iter().map(|p| &p.content) {
                    if r.len() != positions.len() {
                        return Err(EngineError::new(
                            1136,
                            "21S01",
                            format!(
                                "Column count doesn't match value count at row {}",
                                rows.len() + 1
                            ),
                        ));
                    }
                    let mut out = Vec::new();
                    for e in r {
                        if matches!(e, ast::Expr::Identifier(i) if i.value.eq_ignore_ascii_case("DEFAULT") && i.quote_style.is_none())
                        {
                            out.push(None);
                        } else {
                            out.push(Some(b.expr(e)?.expr));
                        }
                    }
                    rows.push(out);
                }
                value_rows = Some(rows);
            }
            _ => {
                let (root, cols) = b.query_plan(source)?;
                if cols.len() != positions.len() {
                    return Err(EngineError::new(
                        1136,
                        "21S01",
                        "Column count doesn't match value count at row 1",
                    ));
                }
                select_plan = Some(crate::plan::Plan {
                    root: optimize(root),
                    columns: cols,
                    registers: b.registers,
                    subqueries: b.subqueries,
                    ctes: 0,
                });
            }
        }
    }
    let strict = session.strict() && !ignore;
    let (affected, last_id, info) = in_txn(engine, session, |cx| {
        let sources: Vec<Vec<Option<Value>>> = match (&value_rows, &select_plan) {
            (Some(rows), _) => {
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let mut vals = Vec::with_capacity(r.len());
                    for e in r {
                        vals.push(match e {
                            Some(e) => Some(execute::eval(e, &[], cx)?),
                            None => None,
                        });
                    }
                    out.push(vals);
                }
                out
            }
            (None, Some(plan)) => {
                let mut out = Vec::new();
                execute::run_plan(plan, cx, &mut |r| {
                    out.push(r.into_iter().map(Some).collect());
                    Ok(())
                })?;
                out
            }
            _ => Vec::new(),
        };
        let mut affected = 0u64;
        let mut first_auto = 0u64;
        let mut dups = 0u64;
        let mut warnings = Vec::new();
        let auto_col = def.auto_increment_column();
        for (rn, src) in sources.into_iter().enumerate() {
            let rown = rn as u64 + 1;
            let mut row = vec![Value::Null; def.columns.len()];
            let mut given = vec![false; def.columns.len()];
            for (p, v) in positions.iter().zip(src) {
                if let Some(v) = v {
                    row[*p] = v;
                    given[*p] = true;
                }
            }
            for (i, c) in def.columns.iter().enumerate() {
                if given[i] {
                    if row[i].is_null() && !c.nullable && !c.auto_increment {
                        let msg = format!("Column '{}' cannot be null", c.name);
                        if strict || value_rows.as_ref().is_some_and(|r| r.len() == 1) {
                            return Err(EngineError::new(1048, "23000", msg));
                        }
                        warnings.push((1048, msg));
                        row[i] = implicit_default(&c.ty);
                        continue;
                    }
                    row[i] = convert(&row[i], &c.ty, strict, &c.name, rown, &mut warnings)?;
                    continue;
                }
                row[i] = match &c.default {
                    ColumnDefault::Value(v) => v.clone(),
                    ColumnDefault::CurrentTimestamp(_) => Value::DateTime(cx.now),
                    ColumnDefault::Expr(_) => Value::Null,
                    ColumnDefault::None if c.nullable || c.auto_increment => Value::Null,
                    ColumnDefault::None => {
                        let msg = format!("Field '{}' doesn't have a default value", c.name);
                        if strict {
                            return Err(EngineError::new(1364, "HY000", msg));
                        }
                        warnings.push((1364, msg));
                        implicit_default(&c.ty)
                    }
                };
            }
            if let Some(a) = auto_col {
                let v = row[a].to_i64().unwrap_or(0);
                if row[a].is_null() || v == 0 {
                    let next = def
                        .counters
                        .auto_increment
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    row[a] = convert(
                        &Value::UInt(next),
                        &def.columns[a].ty,
                        true,
                        &def.columns[a].name,
                        rown,
                        &mut warnings,
                    )?;
                    if first_auto == 0 {
                        first_auto = next;
                    }
                } else if v > 0 {
                    let v = v as u64;
                    let _ = def
                        .counters
                        .auto_increment
                        .fetch_max(v + 1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            let pk = match storage::primary_key(&def, &row) {
                Some(k) => k,
                None => key::row_id_key(
                    def.counters
                        .row_id
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                ),
            };
            loop {
                match find_conflict(cx, &def, &row, &pk, None)? {
                    None => break,
                    Some((idx, other)) => {
                        if replace {
                            cx.txn.put(&def, &other, None);
                            affected += 1;
                            continue;
                        }
                        if ignore {
                            let e = duplicate(&def, idx, &row);
                            warnings.push((1062, e.message));
                            dups += 1;
                            break;
                        }
                        return Err(duplicate(&def, idx, &row));
                    }
                }
            }
            if ignore && dups > 0 && find_conflict(cx, &def, &row, &pk, None)?.is_some() {
                continue;
            }
            cx.txn.put(&def, &pk, Some(row.into()));
            affected += 1;
        }
        for (code, msg) in warnings {
            cx.session.add_warning("Warning", code, msg);
        }
        let n = positions.len().max(1);
        let _ = n;
        let rows_n = match (&value_rows, affected) {
            (Some(r), _) => r.len() as u64,
            (None, a) => a,
        };
        let info = if rows_n > 1 || select_plan.is_some() {
            format!(
                "Records: {rows_n}  Duplicates: {dups}  Warnings: {}",
                cx.session.warning_count()
            )
        } else {
            String::new()
        };
        Ok((affected, first_auto, info))
    })?;
    if last_id != 0 {
        session.last_insert_id = last_id;
    }
    session.row_count = affected as i64;
    Ok(ok(session, affected, last_id, info))
}

fn implicit_default(ty: &SqlType) -> Value {
    use crate::types::ResultKind as K;
    match ty.result_kind() {
        K::Int => {
            if ty.unsigned {
                Value::UInt(0)
            } else {
                Value::Int(0)
            }
        }
        K::Decimal => Value::Decimal(Dec {
            mant: 0,
            scale: u32::from(ty.scale),
        }),
        K::Real => Value::Double(0.0),
        K::String => Value::str(""),
        K::Temporal => match ty.base {
            BaseType::Date => Value::Date(Default::default()),
            BaseType::Time => Value::Time(Default::default()),
            _ => Value::DateTime(Default::default()),
        },
    }
}

/// The rows of `def` matching WHERE, locked for update, with their primary keys.
fn matching_rows(
    engine: &Engine,
    session: &Session,
    def: &Arc<TableDef>,
    alias: Option<&str>,
    selection: Option<&ast::Expr>,
) -> Result<(Node, usize), EngineError> {
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let alias = alias
        .map(str::to_string)
        .unwrap_or_else(|| def.name.clone());
    let mut scope = crate::bind::Scope::default();
    for c in &def.columns {
        scope.cols.push(crate::bind::ScopeCol {
            table: Some(alias.clone()),
            schema: def.schema.clone(),
            name: c.name.clone(),
            ty: c.ty.clone(),
            nullable: c.nullable,
            origin: None,
            flags: 0,
            merged: false,
            table_no: 0,
        });
    }
    scope.tables.push(def.clone());
    b.set_scope(scope);
    let filter = match selection {
        Some(w) => Some(b.condition(w, "where clause")?),
        None => None,
    };
    let node = optimize(Node::Scan {
        table: TableRef {
            def: def.clone(),
            alias,
        },
        access: Access::Full,
        reverse: false,
        filter,
        lock: LockMode::Update,
        wait: LockWait::Wait,
    });
    Ok((node, b.registers))
}

fn assignments(
    engine: &Engine,
    session: &Session,
    def: &Arc<TableDef>,
    alias: Option<&str>,
    sets: &[ast::Assignment],
) -> Result<Vec<(usize, Expr)>, EngineError> {
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let alias = alias
        .map(str::to_string)
        .unwrap_or_else(|| def.name.clone());
    let mut scope = crate::bind::Scope::default();
    for c in &def.columns {
        scope.cols.push(crate::bind::ScopeCol {
            table: Some(alias.clone()),
            schema: def.schema.clone(),
            name: c.name.clone(),
            ty: c.ty.clone(),
            nullable: c.nullable,
            origin: None,
            flags: 0,
            merged: false,
            table_no: 0,
        });
    }
    b.set_scope(scope);
    let mut out = Vec::new();
    for a in sets {
        let col = match &a.target {
            ast::AssignmentTarget::ColumnName(n) => name_parts(n).pop().unwrap_or_default(),
            ast::AssignmentTarget::Tuple(_) => {
                return Err(EngineError::not_supported("tuple assignment"));
            }
        };
        let p = def
            .column_index(&col)
            .ok_or_else(|| EngineError::bad_field(&col, "field list"))?;
        b.clause = "field list";
        let e = match &a.value {
            ast::Expr::Identifier(i)
                if i.value.eq_ignore_ascii_case("DEFAULT") && i.quote_style.is_none() =>
            {
                Expr::Const(match &def.columns[p].default {
                    ColumnDefault::Value(v) => v.clone(),
                    _ => Value::Null,
                })
            }
            other => b.expr(other)?.expr,
        };
        out.push((p, e));
    }
    Ok(out)
}

fn single_table(
    from: &ast::TableWithJoins,
) -> Result<(ast::ObjectName, Option<String>), EngineError> {
    if !from.joins.is_empty() {
        return Err(EngineError::not_supported("multi-table UPDATE/DELETE"));
    }
    match &from.relation {
        ast::TableFactor::Table { name, alias, .. } => {
            Ok((name.clone(), alias.as_ref().map(|a| a.name.value.clone())))
        }
        _ => Err(EngineError::not_supported("this UPDATE/DELETE target")),
    }
}

fn limit_of(
    engine: &Engine,
    session: &mut Session,
    l: Option<&ast::Expr>,
) -> Result<Option<u64>, EngineError> {
    match l {
        None => Ok(None),
        Some(ast::Expr::Value(v)) => match &v.value {
            ast::Value::Number(n, _) => Ok(n.parse().ok()),
            _ => Err(EngineError::parse_error(&v.to_string(), 1)),
        },
        Some(other) => {
            let _ = (engine, session);
            Err(EngineError::parse_error(&other.to_string(), 1))
        }
    }
}

pub(super) fn update(
    engine: &Engine,
    session: &mut Session,
    u: &ast::Update,
) -> Result<Outcome, EngineError> {
    let (name, alias) = single_table(&u.table)?;
    let def = target(engine, session, &name)?;
    let (scan, regs) = matching_rows(
        engine,
        session,
        &def,
        alias.as_deref(),
        u.selection.as_ref(),
    )?;
    let sets = assignments(engine, session, &def, alias.as_deref(), &u.assignments)?;
    let limit = limit_of(engine, session, u.limit.as_ref())?;
    let strict = session.strict();
    let (matched, changed) = in_txn(engine, session, |cx| {
        cx.regs.resize(regs.max(16), Value::Null);
        let rows = execute::scan_keyed(&scan, cx)?;
        let mut matched = 0u64;
        let mut changed = 0u64;
        let mut warnings = Vec::new();
        for (pk, old) in rows {
            if limit.is_some_and(|l| matched >= l) {
                break;
            }
            matched += 1;
            let mut new = old.clone();
            for (p, e) in &sets {
                let v = execute::eval(e, &new, cx)?;
                let c = &def.columns[*p];
                if v.is_null() && !c.nullable {
                    let msg = format!("Column '{}' cannot be null", c.name);
                    if strict {
                        return Err(EngineError::new(1048, "23000", msg));
                    }
                    warnings.push((1048, msg));
                    new[*p] = implicit_default(&c.ty);
                    continue;
                }
                new[*p] = convert(&v, &c.ty, strict, &c.name, matched, &mut warnings)?;
            }
            if new == old {
                continue;
            }
            for (i, c) in def.columns.iter().enumerate() {
                if c.on_update_now && !sets.iter().any(|(p, _)| *p == i) {
                    new[i] = Value::DateTime(cx.now);
                }
            }
            let new_pk = storage::primary_key(&def, &new).unwrap_or_else(|| pk.clone());
            if let Some((idx, _)) = find_conflict(cx, &def, &new, &new_pk, Some(&pk))? {
                return Err(duplicate(&def, idx, &new));
            }
            if new_pk != pk {
                cx.txn.put(&def, &pk, None);
            }
            cx.txn.put(&def, &new_pk, Some(new.into()));
            changed += 1;
        }
        for (code, msg) in warnings {
            cx.session.add_warning("Warning", code, msg);
        }
        Ok((matched, changed))
    })?;
    session.row_count = changed as i64;
    let info = format!(
        "Rows matched: {matched}  Changed: {changed}  Warnings: {}",
        session.warning_count()
    );
    let affected = if session.found_rows_flag {
        matched
    } else {
        changed
    };
    Ok(ok(session, affected, 0, info))
}

pub(super) fn delete(
    engine: &Engine,
    session: &mut Session,
    d: &ast::Delete,
) -> Result<Outcome, EngineError> {
    let from = match &d.from {
        ast::FromTable::WithFromKeyword(f) | ast::FromTable::WithoutKeyword(f) => f,
    };
    let [twj] = from.as_slice() else {
        return Err(EngineError::not_supported("multi-table DELETE"));
    };
    if !d.tables.is_empty() {
        return Err(EngineError::not_supported("multi-table DELETE"));
    }
    let (name, alias) = single_table(twj)?;
    let def = target(engine, session, &name)?;
    let (scan, regs) = matching_rows(
        engine,
        session,
        &def,
        alias.as_deref(),
        d.selection.as_ref(),
    )?;
    let limit = limit_of(engine, session, d.limit.as_ref())?;
    let n = in_txn(engine, session, |cx| {
        cx.regs.resize(regs.max(16), Value::Null);
        let rows = execute::scan_keyed(&scan, cx)?;
        let mut n = 0u64;
        for (pk, _) in rows {
            if limit.is_some_and(|l| n >= l) {
                break;
            }
            cx.txn.put(&def, &pk, None);
            n += 1;
        }
        Ok(n)
    })?;
    session.row_count = n as i64;
    Ok(ok(session, n, 0, String::new()))
}
