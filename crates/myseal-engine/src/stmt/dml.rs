//! INSERT/REPLACE, UPDATE, DELETE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/insert.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/update.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/delete.html>
//!
//! The rules, as InnoDB has them:
//!
//! - A writing statement works on the latest committed rows plus the transaction's own changes,
//!   never on its snapshot, and locks every row it reads to change (the scan re-reads a row
//!   once its lock is granted). It takes no REPEATABLE READ snapshot (`Reads::Locking`).
//! - Before anything else it fails with 1792 in a READ ONLY transaction, and takes the shared
//!   metadata lock of each table it uses, held to the end of the transaction.
//! - An INSERT locks the primary key of each new row and each UNIQUE value it takes (NULLs take
//!   none), so a second inserter of the same key waits for the first: 1062 when the first
//!   commits, success when it rolls back. A row found holding one of those keys is locked and
//!   read again before the statement acts on it (1062, IGNORE, REPLACE, ON DUPLICATE KEY UPDATE).
//! - Each statement is atomic: it writes into the transaction's change set, which the caller
//!   restores when the statement fails (`in_txn_as`).
//! - Counting as MySQL's `sql_insert.cc`/`sql_update.cc`: affected rows are rows inserted +
//!   deleted by REPLACE + updated by ON DUPLICATE KEY UPDATE (counted twice, or once per row
//!   touched with CLIENT_FOUND_ROWS); UPDATE reports changed rows (matched rows with
//!   CLIENT_FOUND_ROWS). Multi-row INSERT/REPLACE and INSERT ... SELECT say
//!   `Records: N  Duplicates: D  Warnings: W`; UPDATE says `Rows matched: M  Changed: C
//!   Warnings: W`.

use std::collections::HashSet;
use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::Ordering as AtomicOrdering;

use sqlparser::ast;

use crate::bind::dml::{Assigned, Assignment, JoinTable, Upsert, is_default, table_scope};
use crate::bind::{Binder, name_parts};
use crate::catalog::{ColumnDefault, TableDef};
use crate::error::EngineError;
use crate::execute::{self, Ctx, ReadMode};
use crate::plan::{
    Access, Expr, LockMode, LockWait, Node, Plan, SortKey, TableRef, optimize::optimize,
};
use crate::privilege::Privs;
use crate::storage::{self, key, key::Key};
use crate::types::{BaseType, SqlType};
use crate::value::{Dec, Value};
use crate::{Engine, Outcome, Session};

use super::mdl::lock_tables;
use super::trigger::{self, Triggers};
use super::{Reads, check, convert, convert_in, fk, in_txn_as, ok};
use crate::catalog::{TriggerEvent, TriggerTiming};

// ---------------------------------------------------------------------------------------------
// Shared by the statements

/// ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION.
fn read_only_error() -> EngineError {
    EngineError::new(
        1792,
        "25006",
        "Cannot execute statement in a READ ONLY transaction.",
    )
}

/// The start of every writing statement: 1792 in a READ ONLY transaction (unless it writes
/// only temporary tables, which MySQL allows), then the metadata locks of the tables it writes.
fn start_writing(cx: &mut Ctx<'_>, tables: &[&Arc<TableDef>]) -> Result<(), EngineError> {
    if cx.txn.read_only && tables.iter().any(|d| !d.temporary) {
        return Err(read_only_error());
    }
    // A trigger may not write the table whose rows the statement that fired it is changing.
    if let Some(d) = tables
        .iter()
        .find(|d| cx.session.trigger_tables.contains(&d.id))
    {
        return Err(EngineError::new(
            1442,
            "HY000",
            format!(
                "Can't update table '{}' in stored function/trigger because it is already used by statement which invoked this stored function/trigger.",
                d.name
            ),
        ));
    }
    // Under LOCK TABLES a table locked for READ cannot be written (ER_TABLE_NOT_LOCKED_FOR_WRITE).
    for d in tables.iter().filter(|d| !d.temporary) {
        // A table written through a view may be one LOCK TABLES locked for the view.
        if !cx
            .session
            .table_lock_via(&d.schema, &d.name, &d.name, true)?
        {
            return Err(EngineError::new(
                1099,
                "HY000",
                format!(
                    "Table '{}' was locked with a READ lock and can't be updated",
                    d.name
                ),
            ));
        }
    }
    lock_tables(cx, tables.iter().map(|d| d.id))
}

/// The ids of the tables a plan scans (subqueries inside expressions aside).
pub(super) fn plan_tables(node: &Node, out: &mut Vec<u64>) {
    match node {
        Node::Scan { table, .. } => {
            if !out.contains(&table.def.id) {
                out.push(table.def.id);
            }
        }
        Node::Filter { input, .. }
        | Node::Project { input, .. }
        | Node::Aggregate { input, .. }
        | Node::Window { input, .. }
        | Node::Sort { input, .. }
        | Node::Limit { input, .. }
        | Node::Distinct { input, .. } => plan_tables(input, out),
        Node::Join { left, right, .. }
        | Node::HashJoin { left, right, .. }
        | Node::SetOp { left, right, .. } => {
            plan_tables(left, out);
            plan_tables(right, out);
        }
        Node::With { ctes, input } => {
            for c in ctes {
                plan_tables(&c.anchor, out);
                if let Some((r, _)) = &c.recursive {
                    plan_tables(r, out);
                }
            }
            plan_tables(input, out);
        }
        Node::Values { .. }
        | Node::Virtual { .. }
        | Node::CteRef { .. }
        | Node::RecursiveRef { .. } => {}
    }
}

/// Makes every consistent-read scan of a plan a locking read FOR SHARE (the source of INSERT
/// ... SELECT under REPEATABLE READ, as InnoDB reads it).
fn share_scans(node: &mut Node) {
    if let Node::Scan { lock, .. } = node {
        if *lock == LockMode::None {
            *lock = LockMode::Share;
        }
        return;
    }
    node.for_each_input(&mut share_scans);
}

/// True when the statement calls `LAST_INSERT_ID(expr)`: its value then becomes the OK
/// packet's insert id.
fn sets_last_insert_id<V: ast::Visit>(stmt: &V) -> bool {
    let found = ast::visit_expressions(stmt, |e| {
        if let ast::Expr::Function(f) = e
            && name_parts(&f.name)
                .last()
                .is_some_and(|n| n.eq_ignore_ascii_case("LAST_INSERT_ID"))
            && matches!(&f.args, ast::FunctionArguments::List(l) if !l.args.is_empty())
        {
            return std::ops::ControlFlow::Break(());
        }
        std::ops::ControlFlow::Continue(())
    });
    found.is_break()
}

/// Duplicate-key error for index `idx` of `def`, with the values of `row`.
fn duplicate(def: &TableDef, idx: usize, row: &[Value]) -> EngineError {
    let Some(index) = def.indexes.get(idx) else {
        return EngineError::new(1062, "23000", "Duplicate entry");
    };
    let vals: Vec<String> = index
        .parts
        .iter()
        .map(|p| {
            let text = row
                .get(p.column)
                .and_then(|v| v.to_string_lossy())
                .unwrap_or_else(|| "NULL".into());
            match p.prefix {
                Some(n) => text.chars().take(n as usize).collect(),
                None => text,
            }
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

/// Locks a row (by primary key or row id) exclusively, waiting per innodb_lock_wait_timeout.
fn lock_row(cx: &mut Ctx<'_>, def: &TableDef, pk: &Key) -> Result<(), EngineError> {
    execute::ops_lock_row(cx, def.id, pk, true).map(|_| ())
}

/// Locks the value `prefix` of UNIQUE index `idx` exclusively.
fn lock_unique_value(
    cx: &mut Ctx<'_>,
    def: &TableDef,
    idx: usize,
    prefix: &[u8],
) -> Result<(), EngineError> {
    // 0xFF never starts a primary key (0x00/0x01) or a row id below 2^56.
    let mut k = Vec::with_capacity(prefix.len() + 3);
    k.push(0xFF);
    k.extend_from_slice(&u16::try_from(idx + 1).unwrap_or(u16::MAX).to_be_bytes());
    k.extend_from_slice(prefix);
    execute::ops_lock_row(cx, def.id, &key::key(&k), true).map(|_| ())
}

/// The latest committed state of a table plus own changes.
fn latest_view(cx: &Ctx<'_>, def: &TableDef) -> Result<storage::TableView, EngineError> {
    cx.view(def, ReadMode::Latest)
        .ok_or_else(|| EngineError::no_such_table(&def.schema, &def.name))
}

/// A row holding a key that a row being written wants.
struct Conflict {
    /// The index (position in `TableDef::indexes`) whose key collides.
    index: usize,
    /// The primary key (or row id) of the row holding it.
    pk: Key,
    /// That row, locked, as committed now (plus own changes).
    row: Vec<Value>,
}

/// Locks the keys `row` (to be stored at `pk`) takes, its primary key and its UNIQUE values
/// without NULLs, and returns the first row other than `own` (the row being updated) holding
/// one of them. The holder is locked before it is returned, and looked at again once locked:
/// a transaction that held it may have changed or deleted it meanwhile.
fn find_conflict(
    cx: &mut Ctx<'_>,
    def: &TableDef,
    row: &[Value],
    pk: &Key,
    own: Option<&Key>,
) -> Result<Option<Conflict>, EngineError> {
    let has_pk = def.primary().is_some();
    if has_pk {
        lock_row(cx, def, pk)?;
    }
    let mut uniques = Vec::new();
    for (i, index) in def.indexes.iter().enumerate() {
        if index.primary || !index.unique || storage::index_has_null(def, i, row) {
            continue;
        }
        let prefix = storage::index_prefix(def, i, row);
        lock_unique_value(cx, def, i, &prefix)?;
        uniques.push((i, prefix));
    }
    // A holder that changes while this waits for it is looked for again; each round waits for
    // a lock, so this ends, but it need not go round forever either.
    for _ in 0..16 {
        let view = latest_view(cx, def)?;
        if has_pk
            && own != Some(pk)
            && let Some(r) = view.get(pk)
        {
            return Ok(Some(Conflict {
                index: 0,
                pk: pk.clone(),
                row: r.unpack(),
            }));
        }
        let mut found = None;
        'indexes: for (i, prefix) in &uniques {
            let lo = Bound::Included(key::key(prefix));
            let hi = match key::prefix_successor(prefix) {
                Some(s) => Bound::Excluded(key::key(&s)),
                None => Bound::Unbounded,
            };
            for entry in view.index_batch(*i, &lo, &hi, false, None, 4) {
                let other = storage::entry_pk(&entry);
                if own.is_none_or(|o| **o != *other) && *other != **pk {
                    let other = key::key(other);
                    found = Some((*i, other));
                    break 'indexes;
                }
            }
        }
        let Some((index, other)) = found else {
            return Ok(None);
        };
        lock_row(cx, def, &other)?;
        let fresh = latest_view(cx, def)?.get(&other).map(|r| r.unpack());
        if let Some(r) = fresh
            && !storage::index_has_null(def, index, &r)
            && uniques
                .iter()
                .any(|(i, p)| *i == index && storage::index_prefix(def, index, &r) == *p)
        {
            return Ok(Some(Conflict {
                index,
                pk: other,
                row: r,
            }));
        }
    }
    Ok(None)
}

/// MySQL's "implicit default" of a type: what a NOT NULL column gets instead of NULL when the
/// error is only a warning.
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
        K::String => {
            if ty.base == BaseType::Enum {
                let first = ty
                    .elements
                    .as_deref()
                    .and_then(|e| e.first())
                    .cloned()
                    .unwrap_or_default();
                Value::str(first)
            } else {
                Value::str("")
            }
        }
        K::Temporal => match ty.base {
            BaseType::Date => Value::Date(Default::default()),
            BaseType::Time => Value::Time(Default::default()),
            _ => Value::DateTime(Default::default()),
        },
    }
}

/// Bound `DEFAULT (expr)` expressions of a table's columns (None for other defaults).
fn default_exprs(b: &mut Binder<'_>, def: &TableDef) -> Result<Vec<Option<Expr>>, EngineError> {
    let dialect = sqlparser::dialect::MySqlDialect {};
    let mut out = Vec::with_capacity(def.columns.len());
    for c in &def.columns {
        out.push(match &c.default {
            ColumnDefault::Expr(text) => {
                let e = sqlparser::parser::Parser::new(&dialect)
                    .try_with_sql(text)
                    .and_then(|mut p| p.parse_expr())
                    .map_err(|_| EngineError::parse_error(text, 1))?;
                Some(b.expr(&e)?.expr)
            }
            _ => None,
        });
    }
    Ok(out)
}

/// The value `DEFAULT` stands for in column `c` (before conversion; None: it has none).
fn default_value(
    cx: &mut Ctx<'_>,
    def: &TableDef,
    exprs: &[Option<Expr>],
    c: usize,
) -> Result<Option<Value>, EngineError> {
    let Some(col) = def.columns.get(c) else {
        return Ok(None);
    };
    Ok(match &col.default {
        ColumnDefault::Value(v) => Some(v.clone()),
        ColumnDefault::CurrentTimestamp(fsp) => Some(Value::DateTime(
            crate::temporal::truncate_datetime(cx.now, *fsp),
        )),
        ColumnDefault::Expr(_) => match exprs.get(c) {
            Some(Some(e)) => Some(execute::eval(e, &[], cx)?),
            _ => Some(Value::Null),
        },
        ColumnDefault::None if col.nullable || col.auto_increment => Some(Value::Null),
        ColumnDefault::None => None,
    })
}

/// The session's LIMIT of a single-table UPDATE/DELETE (a literal, as MySQL's grammar has it).
fn limit_of(l: Option<&ast::Expr>) -> Result<Option<u64>, EngineError> {
    match l {
        None => Ok(None),
        Some(ast::Expr::Value(v)) => match &v.value {
            ast::Value::Number(n, _) => n
                .parse()
                .map(Some)
                .map_err(|_| EngineError::parse_error(n, 1)),
            _ => Err(EngineError::parse_error(&v.to_string(), 1)),
        },
        Some(other) => Err(EngineError::parse_error(&other.to_string(), 1)),
    }
}

/// Sorts keyed rows by ORDER BY keys (NULLs first ascending, as MySQL).
fn sort_rows(
    cx: &mut Ctx<'_>,
    keys: &[SortKey],
    rows: Vec<(Key, execute::Row)>,
) -> Result<Vec<(Key, execute::Row)>, EngineError> {
    if keys.is_empty() {
        return Ok(rows);
    }
    let mut keyed = Vec::with_capacity(rows.len());
    for (pk, row) in rows {
        let mut k = Vec::with_capacity(keys.len());
        for key in keys {
            k.push(execute::eval(&key.expr, &row, cx)?);
        }
        keyed.push((k, pk, row));
    }
    keyed.sort_by(|a, b| {
        for (i, key) in keys.iter().enumerate() {
            let (x, y) = (&a.0[i], &b.0[i]);
            let o = match (x.is_null(), y.is_null()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Less,
                (false, true) => std::cmp::Ordering::Greater,
                _ => execute::compare(key.kind, x, y),
            };
            let o = if key.desc { o.reverse() } else { o };
            if o != std::cmp::Ordering::Equal {
                return o;
            }
        }
        std::cmp::Ordering::Equal
    });
    Ok(keyed.into_iter().map(|(_, pk, row)| (pk, row)).collect())
}

/// Stores `v` into column `c` of an UPDATE's new row: NULL into NOT NULL is 1048 (in strict
/// mode, else a warning and the implicit default), then the column's conversion.
fn assign(
    def: &TableDef,
    c: usize,
    v: Value,
    strict: bool,
    rown: u64,
    warnings: &mut Vec<(u16, String)>,
) -> Result<Value, EngineError> {
    let Some(col) = def.columns.get(c) else {
        return Ok(v);
    };
    if v.is_null() && !col.nullable {
        let msg = format!("Column '{}' cannot be null", col.name);
        if strict {
            return Err(EngineError::new(1048, "23000", msg));
        }
        warnings.push((1048, msg));
        return Ok(implicit_default(&col.ty));
    }
    convert_in(&v, &col.ty, strict, &def.name, &col.name, rown, warnings)
}

/// Sets the `ON UPDATE CURRENT_TIMESTAMP` columns not assigned explicitly; called only for a
/// row that changes.
fn touch_timestamps(
    cx: &Ctx<'_>,
    def: &TableDef,
    new: &mut [Value],
    assigned: &[usize],
    warnings: &mut Vec<(u16, String)>,
) -> Result<(), EngineError> {
    for (i, c) in def.columns.iter().enumerate() {
        if c.on_update_now
            && !assigned.contains(&i)
            && let Some(slot) = new.get_mut(i)
        {
            *slot = convert(&Value::DateTime(cx.now), &c.ty, false, &c.name, 1, warnings)?;
        }
    }
    Ok(())
}

/// Moves a row from `old_pk` to its new primary key if that changed, and stores it (FOREIGN
/// KEYs enforced, see `fk::write`).
fn store_update(
    cx: &mut Ctx<'_>,
    def: &Arc<TableDef>,
    old_pk: &Key,
    new_pk: &Key,
    new: Vec<Value>,
) -> Result<(), EngineError> {
    fk::write(cx, def, Some(old_pk), Some((new_pk, new)))
}

// ---------------------------------------------------------------------------------------------
// INSERT / REPLACE

/// Where the rows of an INSERT come from.
enum Source {
    /// VALUES rows or the one row of `INSERT ... SET`: an expression per target column, None
    /// for `DEFAULT`. Expressions see the row being built (earlier columns already set).
    Rows(Vec<Vec<Option<Expr>>>),
    /// INSERT ... SELECT.
    Select(Box<Plan>),
}

/// A bound INSERT / REPLACE.
struct InsertStmt {
    def: Arc<TableDef>,
    /// Target column positions, in the order values come.
    positions: Vec<usize>,
    source: Source,
    upsert: Option<Upsert>,
    defaults: Vec<Option<Expr>>,
    /// Enforced CHECK constraints (empty for most tables).
    checks: check::Rules,
    registers: usize,
    ignore: bool,
    replace: bool,
    /// Strict mode and no IGNORE: conversion problems are errors.
    strict: bool,
    sets_last_insert_id: bool,
    /// Through a view that does not show the table's AUTO_INCREMENT column: LAST_INSERT_ID()
    /// keeps its value (the OK packet still carries the generated id), as MySQL does.
    hides_auto_increment: bool,
    /// The table's INSERT triggers (and DELETE ones for REPLACE, UPDATE ones for ON
    /// DUPLICATE KEY UPDATE); None for most tables.
    triggers: Option<Arc<Triggers>>,
}

/// What an INSERT did, counted as MySQL's `COPY_INFO`.
#[derive(Default)]
struct InsertCounts {
    /// Rows the statement tried to write.
    records: u64,
    /// Rows inserted, plus rows changed by ON DUPLICATE KEY UPDATE.
    copied: u64,
    /// Rows REPLACE deleted.
    deleted: u64,
    /// Rows ON DUPLICATE KEY UPDATE changed.
    updated: u64,
    /// Rows ON DUPLICATE KEY UPDATE found, changed or not.
    touched: u64,
    /// The first AUTO_INCREMENT value generated for a row that was inserted.
    first_generated: Option<u64>,
    /// The AUTO_INCREMENT column of the last row written.
    last_auto: Option<u64>,
    /// Warnings so far (IGNORE, relaxed conversions).
    warnings: Vec<(u16, String)>,
}

fn insert_columns(def: &TableDef, columns: &[ast::ObjectName]) -> Result<Vec<usize>, EngineError> {
    if columns.is_empty() {
        // Without a column list the values are for the visible columns only.
        return Ok((0..def.columns.len())
            .filter(|&i| def.columns.get(i).is_some_and(|c| !c.invisible))
            .collect());
    }
    let mut v = Vec::with_capacity(columns.len());
    for c in columns {
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
    Ok(v)
}

/// The base table an INSERT through a view writes and the positions of the columns named
/// (every view column when none is): one table of a join view (1393; 1394 without a column
/// list).
fn view_insert_columns(
    t: &crate::bind::view::WriteTarget,
    names: &[ast::ObjectName],
) -> Result<(Arc<TableDef>, Vec<usize>), EngineError> {
    let cols = if names.is_empty() {
        t.scope.view_cols.iter().collect::<Vec<_>>()
    } else {
        names
            .iter()
            .map(|n| t.column(&name_parts(n)))
            .collect::<Result<Vec<_>, _>>()?
    };
    let (schema, view) = (&t.view.schema, &t.view.name);
    let mut table = None;
    let mut positions = Vec::with_capacity(cols.len());
    for vc in cols {
        let (tno, c) = t.written(vc)?;
        match table {
            None => table = Some(tno),
            Some(x) if x != tno => {
                return Err(if names.is_empty() {
                    crate::bind::view::view_no_insert_field_list(schema, view)
                } else {
                    crate::bind::view::view_multiupdate(schema, view)
                });
            }
            Some(_) => {}
        }
        if positions.contains(&c) {
            return Err(EngineError::new(
                1110,
                "42000",
                format!("Column '{}' specified twice", vc.name),
            ));
        }
        positions.push(c);
    }
    let def = t
        .scope
        .tables
        .get(table.unwrap_or(0))
        .cloned()
        .ok_or_else(|| crate::bind::view::not_updatable(view, "INSERT"))?;
    Ok((def, positions))
}

fn count_mismatch(row: usize) -> EngineError {
    EngineError::new(
        1136,
        "21S01",
        format!("Column count doesn't match value count at row {row}"),
    )
}

fn bind_insert(
    engine: &Engine,
    session: &Session,
    ins: &ast::Insert,
) -> Result<InsertStmt, EngineError> {
    let name = match &ins.table {
        ast::TableObject::TableName(n) => n,
        _ => return Err(EngineError::not_supported("INSERT into a table function")),
    };
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let (schema, table) = b.table_name(name)?;
    // REPLACE may delete rows, ON DUPLICATE KEY UPDATE update them.
    let mut need = Privs::INSERT;
    if ins.replace_into {
        need |= Privs::DELETE;
    }
    if ins.on.is_some() {
        need |= Privs::UPDATE;
    }
    // Through a view: its base table, the columns its names stand for (`bind/view.rs`).
    let target = if b.is_view(&schema, &table) {
        Some(b.view_target(&schema, &table, None, "INSERT", need)?)
    } else {
        None
    };
    let (def, view_positions) = match &target {
        None => (b.table_def_for(&schema, &table, need)?, None),
        Some(t) => {
            let mut named = Vec::with_capacity(ins.assignments.len());
            for a in &ins.assignments {
                match &a.target {
                    ast::AssignmentTarget::ColumnName(n) => named.push(n.clone()),
                    ast::AssignmentTarget::Tuple(_) => {
                        return Err(EngineError::not_supported("tuple assignment"));
                    }
                }
            }
            if ins.assignments.is_empty() {
                named = ins.columns.clone();
            }
            let (def, positions) = view_insert_columns(t, &named)?;
            (def, Some(positions))
        }
    };
    let defaults = default_exprs(&mut b, &def)?;
    let mut checks = check::bind(&mut b, &def)?;
    match &target {
        None => b.set_scope(table_scope(&def, &def.name)),
        Some(t) if t.single_table().is_some() => {
            checks = checks.with_view_check(&schema, &table, t.view.check_due.clone());
            b.set_scope(t.scope.clone());
        }
        Some(t) => {
            if t.view.check_due.is_some() {
                return Err(EngineError::not_supported(
                    "INSERT into a join view WITH CHECK OPTION",
                ));
            }
            b.set_scope(crate::bind::Scope::default());
        }
    }
    if target.as_ref().is_some_and(|t| t.single_table().is_none()) && ins.on.is_some() {
        return Err(EngineError::not_supported(
            "INSERT ... ON DUPLICATE KEY UPDATE through a join view",
        ));
    }
    let (positions, source) = if !ins.assignments.is_empty() {
        // INSERT ... SET a = 1, b = 2: one row.
        let mut positions = Vec::with_capacity(ins.assignments.len());
        let mut row = Vec::with_capacity(ins.assignments.len());
        for a in &ins.assignments {
            let cols = match &a.target {
                ast::AssignmentTarget::ColumnName(n) => vec![n.clone()],
                ast::AssignmentTarget::Tuple(_) => {
                    return Err(EngineError::not_supported("tuple assignment"));
                }
            };
            let p = match &view_positions {
                Some(v) => v.get(positions.len()).copied().unwrap_or(0),
                None => insert_columns(&def, &cols)?.pop().unwrap_or(0),
            };
            if positions.contains(&p) {
                let cname = def
                    .columns
                    .get(p)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                return Err(EngineError::new(
                    1110,
                    "42000",
                    format!("Column '{cname}' specified twice"),
                ));
            }
            positions.push(p);
            row.push(if is_default(&a.value) {
                None
            } else {
                Some(b.expr(&a.value)?.expr)
            });
        }
        (positions, Source::Rows(vec![row]))
    } else {
        let Some(query) = &ins.source else {
            return Err(EngineError::not_supported("INSERT without VALUES"));
        };
        let positions = match &view_positions {
            Some(v) => v.clone(),
            None => insert_columns(&def, &ins.columns)?,
        };
        match &*query.body {
            ast::SetExpr::Values(vals)
                if query.order_by.is_none() && query.limit_clause.is_none() =>
            {
                let mut rows = Vec::with_capacity(vals.rows.len());
                for r in vals.rows.iter().map(|p| &p.content) {
                    // `VALUES ()` without a column list: every column gets its default.
                    if r.is_empty() && ins.columns.is_empty() {
                        rows.push(Vec::new());
                        continue;
                    }
                    if r.len() != positions.len() {
                        return Err(count_mismatch(rows.len() + 1));
                    }
                    let mut out = Vec::with_capacity(r.len());
                    for e in r {
                        out.push(if is_default(e) {
                            None
                        } else {
                            Some(b.expr(e)?.expr)
                        });
                    }
                    rows.push(out);
                }
                (positions, Source::Rows(rows))
            }
            _ => {
                // One binder for the whole statement: registers and subquery cache slots
                // stay distinct.
                let (root, cols) = b.query_plan(query)?;
                if cols.len() != positions.len() {
                    return Err(count_mismatch(1));
                }
                let mut root = optimize(root, &mut b.registers);
                crate::plan::prune::prune_columns(&mut root);
                let plan = Plan {
                    root,
                    columns: cols,
                    registers: b.registers,
                    subqueries: b.subqueries,
                    ctes: b.ctes,
                    warnings: Vec::new(),
                    reads: Vec::new(),
                    column_reads: Vec::new(),
                };
                (positions, Source::Select(Box::new(plan)))
            }
        }
    };
    match &source {
        Source::Rows(rows) => {
            for r in rows {
                for (p, e) in positions.iter().zip(r) {
                    if e.is_some() {
                        check::refuse_value(&def, *p)?;
                    }
                }
            }
        }
        Source::Select(_) => {
            for p in &positions {
                check::refuse_value(&def, *p)?;
            }
        }
    }
    b.note_write_columns(&def, &positions, Privs::INSERT)?;
    let upsert = match &ins.on {
        None => None,
        Some(ast::OnInsert::DuplicateKeyUpdate(sets)) => {
            let up = match &target {
                None => b.upsert(&def, ins.insert_alias.as_ref(), sets)?,
                Some(t) => {
                    b.upsert_through_view(&def, t, ins.insert_alias.as_ref(), sets, |a| {
                        view_column(t, a)
                    })?
                }
            };
            for a in &up.sets {
                if matches!(a.value, Assigned::Expr(_)) {
                    check::refuse_value(&def, a.column)?;
                }
            }
            Some(up)
        }
        Some(_) => return Err(EngineError::not_supported("INSERT ... ON CONFLICT")),
    };
    let ignore = ins.ignore;
    // The view's columns over `def`'s row (`def` is one of the view's tables).
    let hides_auto_increment = match (&target, def.auto_increment_column()) {
        (Some(t), Some(auto)) => {
            let table_no = t.scope.tables.iter().position(|d| Arc::ptr_eq(d, &def));
            let first = t
                .scope
                .cols
                .iter()
                .position(|c| Some(c.table_no) == table_no);
            !t.scope
                .view_cols
                .iter()
                .any(|vc| vc.base.is_some() && vc.base == first.map(|f| f + auto))
        }
        _ => false,
    };
    // INSERT ... VALUES/SET: a subquery may not read the table (1093, 1443 through views);
    // INSERT ... SELECT may (MySQL reads the SELECT's rows first).
    if ins
        .source
        .as_ref()
        .is_none_or(|q| matches!(&*q.body, ast::SetExpr::Values(_)))
    {
        let mut read = crate::bind::dml::subquery_tables(&ins.source);
        read.extend(crate::bind::dml::subquery_tables(&ins.assignments));
        read.extend(crate::bind::dml::subquery_tables(&ins.on));
        b.check_target_unread(
            &read,
            &crate::bind::dml::ChangedTable {
                schema: &def.schema,
                name: &def.name,
                alias: &table,
                through_view: target.as_ref().map(|_| (schema.as_str(), table.as_str())),
            },
            "INSERT",
        )?;
    }
    Ok(InsertStmt {
        def,
        positions,
        source,
        upsert,
        defaults,
        checks,
        registers: b.registers,
        ignore,
        replace: ins.replace_into,
        strict: session.strict() && !ignore,
        sets_last_insert_id: sets_last_insert_id(ins),
        hides_auto_increment,
        triggers: None,
    })
}

/// Binds an INSERT and loads the triggers it may fire.
fn bind_insert_with_triggers(
    engine: &Engine,
    session: &mut Session,
    ins: &ast::Insert,
) -> Result<InsertStmt, EngineError> {
    let mut stmt = bind_insert(engine, session, ins)?;
    let mut events = vec![TriggerEvent::Insert];
    if stmt.replace {
        events.push(TriggerEvent::Delete);
    }
    if stmt.upsert.is_some() {
        events.push(TriggerEvent::Update);
    }
    stmt.triggers = trigger::load(engine, session, &stmt.def, &events, run_nested)?;
    Ok(stmt)
}

pub(super) fn insert(
    engine: &Engine,
    session: &mut Session,
    ins: &ast::Insert,
) -> Result<Outcome, EngineError> {
    let stmt = bind_insert_with_triggers(engine, session, ins)?;
    let found_rows_flag = session.found_rows_flag;
    let (mut counts, lid_during) =
        in_txn_as(engine, session, Reads::Locking, |cx| insert_rows(cx, &stmt))?;
    insert_outcome(session, &stmt, &mut counts, lid_during, found_rows_flag)
}

/// Runs a bound INSERT in `cx`: what it did, and LAST_INSERT_ID() at its end.
fn insert_rows(cx: &mut Ctx<'_>, stmt: &InsertStmt) -> Result<(InsertCounts, u64), EngineError> {
    {
        start_writing(cx, &[&stmt.def])?;
        cx.regs.resize(stmt.registers.max(16), Value::Null);
        let mut counts = InsertCounts::default();
        match &stmt.source {
            Source::Rows(rows) => {
                let single = rows.len() == 1;
                for (n, exprs) in rows.iter().enumerate() {
                    cx.check()?;
                    let rown = n as u64 + 1;
                    let row = build_row(
                        cx,
                        stmt,
                        RowValues::Exprs(exprs),
                        rown,
                        single,
                        &mut counts.warnings,
                    )?;
                    write_row(cx, stmt, row, rown, &mut counts)?;
                }
            }
            Source::Select(plan) => {
                let mut plan = Plan::clone(plan);
                let mut tables = Vec::new();
                plan_tables(&plan.root, &mut tables);
                lock_tables(cx, tables)?;
                if cx.txn.keeps_snapshot() {
                    share_scans(&mut plan.root);
                }
                // Read the source fully before writing: it may be the target table.
                let mut rows = Vec::new();
                execute::run_plan(&plan, cx, &mut |r| {
                    rows.push(r);
                    Ok(())
                })?;
                for (n, values) in rows.into_iter().enumerate() {
                    cx.check()?;
                    let rown = n as u64 + 1;
                    let row = build_row(
                        cx,
                        stmt,
                        RowValues::Values(values),
                        rown,
                        false,
                        &mut counts.warnings,
                    )?;
                    write_row(cx, stmt, row, rown, &mut counts)?;
                }
            }
        }
        let lid_during = cx.session.last_insert_id;
        Ok((counts, lid_during))
    }
}

/// The OK packet of an INSERT, as MySQL counts it.
fn insert_outcome(
    session: &mut Session,
    stmt: &InsertStmt,
    counts: &mut InsertCounts,
    lid_during: u64,
    found_rows_flag: bool,
) -> Result<Outcome, EngineError> {
    for (code, msg) in std::mem::take(&mut counts.warnings) {
        session.add_warning("Warning", code, msg);
    }
    let affected = counts.copied
        + counts.deleted
        + if found_rows_flag {
            counts.touched
        } else {
            counts.updated
        };
    let has_auto = stmt.def.auto_increment_column().is_some();
    let insert_id = match counts.first_generated {
        Some(id) => id,
        None if stmt.sets_last_insert_id => lid_during,
        None if has_auto && counts.copied > 0 => counts.last_auto.unwrap_or(0),
        None => 0,
    };
    if let Some(id) = counts.first_generated
        && !stmt.hides_auto_increment
    {
        session.last_insert_id = id;
    }
    session.row_count = i64::try_from(affected).unwrap_or(i64::MAX);
    let multi = match &stmt.source {
        Source::Rows(rows) => rows.len() > 1,
        Source::Select(_) => true,
    };
    let info = if multi {
        let dups = if stmt.ignore {
            counts.records.saturating_sub(counts.copied)
        } else {
            counts.deleted + counts.updated
        };
        format!(
            "Records: {}  Duplicates: {dups}  Warnings: {}",
            counts.records,
            session.warning_count()
        )
    } else {
        String::new()
    };
    Ok(ok(session, affected, insert_id, info))
}

/// The values of one INSERT row, as the source gives them.
enum RowValues<'a> {
    /// Expressions per target column (None: DEFAULT), evaluated over the row being built.
    Exprs(&'a [Option<Expr>]),
    /// Values per target column (INSERT ... SELECT).
    Values(Vec<Value>),
}

/// Builds one row to insert: defaults, then the given values in order (converted to their
/// columns), then the checks for columns left without a value, then AUTO_INCREMENT.
fn build_row(
    cx: &mut Ctx<'_>,
    stmt: &InsertStmt,
    values: RowValues<'_>,
    rown: u64,
    single_row: bool,
    warnings: &mut Vec<(u16, String)>,
) -> Result<(Vec<Value>, Option<u64>), EngineError> {
    let def = &stmt.def;
    let n = def.columns.len();
    let mut row = Vec::with_capacity(n);
    let mut missing = Vec::with_capacity(n);
    for c in 0..n {
        let default = default_value(cx, def, &stmt.defaults, c)?;
        missing
            .push(default.is_none() && def.columns.get(c).is_some_and(|x| x.generated.is_none()));
        row.push(default.unwrap_or(Value::Null));
    }
    let mut given = vec![false; n];
    let before = stmt
        .triggers
        .as_ref()
        .filter(|t| t.has(TriggerTiming::Before, TriggerEvent::Insert));
    let mut set = |row: &mut Vec<Value>, p: usize, v: Value| {
        let Some(col) = def.columns.get(p) else {
            return Ok(());
        };
        given[p] = true;
        missing[p] = false;
        if v.is_null() && before.is_some() {
            // A BEFORE INSERT trigger may still set it: NOT NULL is checked after it.
            row[p] = Value::Null;
            return Ok(());
        }
        if v.is_null() && !col.nullable && !col.auto_increment {
            let msg = format!("Column '{}' cannot be null", col.name);
            if stmt.strict || (single_row && !stmt.ignore) {
                return Err(EngineError::new(1048, "23000", msg));
            }
            warnings.push((1048, msg));
            row[p] = implicit_default(&col.ty);
            return Ok(());
        }
        row[p] = convert_in(
            &v,
            &col.ty,
            stmt.strict,
            &def.name,
            &col.name,
            rown,
            warnings,
        )?;
        Ok(())
    };
    match values {
        RowValues::Exprs(exprs) => {
            for (p, e) in stmt.positions.iter().zip(exprs) {
                if let Some(e) = e {
                    let v = execute::eval(e, &row, cx)?;
                    set(&mut row, *p, v)?;
                }
            }
        }
        RowValues::Values(vals) => {
            for (p, v) in stmt.positions.iter().zip(vals) {
                set(&mut row, *p, v)?;
            }
        }
    }
    for (c, col) in def.columns.iter().enumerate() {
        if missing[c] {
            let msg = format!("Field '{}' doesn't have a default value", col.name);
            if stmt.strict {
                return Err(EngineError::new(1364, "HY000", msg));
            }
            warnings.push((1364, msg));
            row[c] = implicit_default(&col.ty);
        } else if !given[c] && !row[c].is_null() {
            // Defaults computed now (CURRENT_TIMESTAMP, expressions) take the column's type.
            if !matches!(col.default, ColumnDefault::Value(_)) {
                row[c] = convert(&row[c], &col.ty, stmt.strict, &col.name, rown, warnings)?;
            }
        }
    }
    if let Some(trg) = before {
        trg.fire(
            cx,
            TriggerTiming::Before,
            TriggerEvent::Insert,
            None,
            Some(&mut row),
        )?;
        let strict = stmt.strict || (single_row && !stmt.ignore);
        nulls_after_trigger(def, &mut row, strict, true, warnings)?;
    }
    check::generate(
        cx,
        &stmt.checks,
        def,
        &mut row,
        (stmt.strict, rown),
        warnings,
    )?;
    let mut generated = None;
    if let Some(a) = def.auto_increment_column()
        && let Some(col) = def.columns.get(a)
    {
        let zero_is_value = cx.session.sql_mode_has("NO_AUTO_VALUE_ON_ZERO");
        let current = &row[a];
        let is_zero = current.to_f64().is_some_and(|f| f == 0.0);
        if current.is_null() || (is_zero && !zero_is_value) {
            let next = super::next_auto_increment(cx.session, &def.counters.auto_increment);
            row[a] = convert(&Value::UInt(next), &col.ty, true, &col.name, rown, warnings)?;
            generated = Some(next);
        } else if let Some(v) = auto_value(current)
            && v > 0
        {
            def.counters
                .auto_increment
                .fetch_max(v.saturating_add(1), AtomicOrdering::Relaxed);
        }
    }
    Ok((row, generated))
}

/// After BEFORE triggers ran: NULL in a NOT NULL column is 1048 (strict), else a warning and
/// the column's implicit default. An INSERT's AUTO_INCREMENT column may be NULL (generated).
fn nulls_after_trigger(
    def: &TableDef,
    row: &mut [Value],
    strict: bool,
    insert: bool,
    warnings: &mut Vec<(u16, String)>,
) -> Result<(), EngineError> {
    for (c, col) in def.columns.iter().enumerate() {
        let Some(v) = row.get_mut(c) else {
            continue;
        };
        if !v.is_null() || col.nullable || (insert && col.auto_increment) {
            continue;
        }
        if col.generated.is_some() {
            continue;
        }
        let msg = format!("Column '{}' cannot be null", col.name);
        if strict {
            return Err(EngineError::new(1048, "23000", msg));
        }
        warnings.push((1048, msg));
        *v = implicit_default(&col.ty);
    }
    Ok(())
}

/// An AUTO_INCREMENT column's value as a counter value.
fn auto_value(v: &Value) -> Option<u64> {
    match v {
        Value::UInt(u) => Some(*u),
        Value::Int(i) => u64::try_from(*i).ok(),
        Value::Double(d) if *d >= 1.0 => Some(*d as u64),
        other => other.to_i64().and_then(|i| u64::try_from(i).ok()),
    }
}

/// Writes one built row, resolving key conflicts as the statement says (error, IGNORE, REPLACE
/// or ON DUPLICATE KEY UPDATE).
fn write_row(
    cx: &mut Ctx<'_>,
    stmt: &InsertStmt,
    (row, generated): (Vec<Value>, Option<u64>),
    rown: u64,
    counts: &mut InsertCounts,
) -> Result<(), EngineError> {
    let def = &stmt.def;
    counts.records += 1;
    if let Some(err) = check::violated(cx, &stmt.checks, &row)? {
        if stmt.ignore {
            counts.warnings.push((err.code, err.message));
            return Ok(());
        }
        return Err(err);
    }
    let auto = def.auto_increment_column();
    let pk = match storage::primary_key(def, &row) {
        Some(k) => k,
        None => key::row_id_key(def.counters.row_id.fetch_add(1, AtomicOrdering::Relaxed)),
    };
    while let Some(conflict) = find_conflict(cx, def, &row, &pk, None)? {
        if let Some(up) = &stmt.upsert {
            return upsert_row(cx, stmt, up, &row, conflict, rown, counts);
        }
        if stmt.replace {
            if let Some(trg) = &stmt.triggers {
                trg.fire(
                    cx,
                    TriggerTiming::Before,
                    TriggerEvent::Delete,
                    Some(&conflict.row),
                    None,
                )?;
            }
            fk::write(cx, def, Some(&conflict.pk), None)?;
            if let Some(trg) = &stmt.triggers {
                trg.fire(
                    cx,
                    TriggerTiming::After,
                    TriggerEvent::Delete,
                    Some(&conflict.row),
                    None,
                )?;
            }
            // A row replaced by an identical one is not counted as deleted (MySQL updates it
            // in place and finds nothing changed).
            if !(conflict.pk == pk && conflict.row == row) {
                counts.deleted += 1;
            }
            continue;
        }
        let err = duplicate(def, conflict.index, &row);
        if stmt.ignore {
            counts.warnings.push((1062, err.message));
            return Ok(());
        }
        return Err(err);
    }
    if let Some(a) = auto {
        counts.last_auto = row.get(a).and_then(auto_value);
    }
    let after = stmt
        .triggers
        .as_ref()
        .filter(|t| t.has(TriggerTiming::After, TriggerEvent::Insert));
    let kept = after.map(|_| row.clone());
    fk::write(cx, def, None, Some((&pk, row)))?;
    if let (Some(trg), Some(mut kept)) = (after, kept) {
        trg.fire(
            cx,
            TriggerTiming::After,
            TriggerEvent::Insert,
            None,
            Some(&mut kept),
        )?;
    }
    counts.copied += 1;
    if counts.first_generated.is_none() {
        counts.first_generated = generated;
    }
    Ok(())
}

/// ON DUPLICATE KEY UPDATE: applies the assignments to the row in the way.
fn upsert_row(
    cx: &mut Ctx<'_>,
    stmt: &InsertStmt,
    up: &Upsert,
    new_row: &[Value],
    conflict: Conflict,
    rown: u64,
    counts: &mut InsertCounts,
) -> Result<(), EngineError> {
    let def = &stmt.def;
    let n = def.columns.len();
    counts.touched += 1;
    let strict = cx.session.strict() && !stmt.ignore;
    let mut image = conflict.row.clone();
    for _ in 0..up.new_copies {
        image.extend_from_slice(new_row);
    }
    let mut assigned = Vec::with_capacity(up.sets.len());
    for Assignment { column, value } in &up.sets {
        let v = match value {
            Assigned::Expr(e) => execute::eval(e, &image, cx)?,
            Assigned::Default => {
                default_value(cx, def, &stmt.defaults, *column)?.unwrap_or_else(|| {
                    def.columns
                        .get(*column)
                        .map(|c| implicit_default(&c.ty))
                        .unwrap_or(Value::Null)
                })
            }
        };
        let v = assign(def, *column, v, strict, rown, &mut counts.warnings)?;
        if let Some(slot) = image.get_mut(*column) {
            *slot = v;
        }
        assigned.push(*column);
    }
    image.truncate(n);
    let mut new = image;
    if let Some(trg) = &stmt.triggers
        && trg.has(TriggerTiming::Before, TriggerEvent::Update)
    {
        trg.fire(
            cx,
            TriggerTiming::Before,
            TriggerEvent::Update,
            Some(&conflict.row),
            Some(&mut new),
        )?;
        nulls_after_trigger(def, &mut new, strict, false, &mut counts.warnings)?;
    }
    check::generate(
        cx,
        &stmt.checks,
        def,
        &mut new,
        (strict, rown),
        &mut counts.warnings,
    )?;
    if new == conflict.row {
        return Ok(());
    }
    touch_timestamps(cx, def, &mut new, &assigned, &mut counts.warnings)?;
    if let Some(err) = check::violated(cx, &stmt.checks, &new)? {
        if stmt.ignore {
            counts.warnings.push((err.code, err.message));
            return Ok(());
        }
        return Err(err);
    }
    let new_pk = storage::primary_key(def, &new).unwrap_or_else(|| conflict.pk.clone());
    if let Some(other) = find_conflict(cx, def, &new, &new_pk, Some(&conflict.pk))? {
        let err = duplicate(def, other.index, &new);
        if stmt.ignore {
            counts.warnings.push((1062, err.message));
            return Ok(());
        }
        return Err(err);
    }
    if let Some(a) = def.auto_increment_column() {
        counts.last_auto = new.get(a).and_then(auto_value);
    }
    let kept = stmt.triggers.as_ref().map(|_| new.clone());
    store_update(cx, def, &conflict.pk, &new_pk, new)?;
    if let (Some(trg), Some(mut kept)) = (&stmt.triggers, kept) {
        trg.fire(
            cx,
            TriggerTiming::After,
            TriggerEvent::Update,
            Some(&conflict.row),
            Some(&mut kept),
        )?;
    }
    counts.updated += 1;
    counts.copied += 1;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// UPDATE / DELETE

/// The single table of an UPDATE/DELETE, and the name the statement uses for it.
fn single_table(from: &ast::TableWithJoins) -> Option<(&ast::ObjectName, Option<String>)> {
    if !from.joins.is_empty() {
        return None;
    }
    match &from.relation {
        ast::TableFactor::Table { name, alias, .. } => {
            Some((name, alias.as_ref().map(|a| a.name.value.clone())))
        }
        _ => None,
    }
}

/// A bound single-table UPDATE or DELETE: a locking scan of the matching rows, ORDER BY, LIMIT
/// and (UPDATE) the assignments.
struct SingleTable {
    def: Arc<TableDef>,
    scan: Node,
    order: Vec<SortKey>,
    limit: Option<u64>,
    sets: Vec<Assignment>,
    defaults: Vec<Option<Expr>>,
    /// Enforced CHECK constraints of an UPDATE's table.
    checks: check::Rules,
    registers: usize,
}

/// The clauses of a single-table UPDATE/DELETE.
struct Clauses<'a> {
    selection: Option<&'a ast::Expr>,
    sets: &'a [ast::Assignment],
    order: &'a [ast::OrderByExpr],
    limit: Option<&'a ast::Expr>,
}

fn bind_single(
    engine: &Engine,
    session: &Session,
    name: &ast::ObjectName,
    alias: Option<String>,
    clauses: Clauses<'_>,
    writes: Privs,
) -> Result<SingleTable, EngineError> {
    bind_single_or_join(engine, session, name, alias, clauses, writes)?
        .ok_or_else(|| EngineError::not_supported("UPDATE of a join view here"))
}

/// [`bind_single`], or None for an UPDATE of a join view (which runs as a multi-table UPDATE).
fn bind_single_or_join(
    engine: &Engine,
    session: &Session,
    name: &ast::ObjectName,
    alias: Option<String>,
    clauses: Clauses<'_>,
    writes: Privs,
) -> Result<Option<SingleTable>, EngineError> {
    let Clauses {
        selection,
        sets,
        order,
        limit,
    } = clauses;
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let (schema, table) = b.table_name(name)?;
    // Reading rows to find the ones to change needs SELECT too.
    // The write privilege is checked (and named in the error) first.
    let reads = selection.is_some() || !order.is_empty();
    let stmt = if writes.contains(Privs::UPDATE) {
        "UPDATE"
    } else {
        "DELETE"
    };
    // Through a view: the statement over its base table, the view's names standing for
    // their columns (`bind/view.rs`).
    let target = if b.is_view(&schema, &table) {
        crate::privilege::check_table(engine, session, &schema, &table, writes)?;
        let need = if reads {
            writes | Privs::SELECT
        } else {
            writes
        };
        Some(b.view_target(&schema, &table, alias.as_deref(), stmt, need)?)
    } else {
        None
    };
    let (def, view_scan) = match &target {
        None => {
            let mut def = b.table_def_for(&schema, &table, writes)?;
            if reads {
                def = b.table_def_for(&schema, &table, writes | Privs::SELECT)?;
            }
            (def, None)
        }
        Some(t) => match (t.single_table(), crate::bind::view::scan_of(t.node.clone())) {
            (Some(def), Some(scan)) => (def, Some(scan)),
            _ if stmt == "DELETE" => {
                return Err(crate::bind::view::view_delete_merge_view(&schema, &table));
            }
            // UPDATE of a join view: the multi-table form.
            _ => return Ok(None),
        },
    };
    let defaults = default_exprs(&mut b, &def)?;
    let mut checks = if writes.contains(Privs::UPDATE) {
        check::bind(&mut b, &def)?
    } else {
        check::Rules::default()
    };
    let view_alias = target
        .as_ref()
        .map(|_| alias.clone().unwrap_or_else(|| table.clone()));
    let alias = alias.unwrap_or_else(|| def.name.clone());
    let sets_ast = sets;
    let sets = match &target {
        None => {
            b.set_scope(table_scope(&def, &alias));
            b.assignments(&def, &alias, sets)?
        }
        Some(t) => {
            if writes.contains(Privs::UPDATE) {
                checks = checks.with_view_check(&schema, &table, t.view.check_due.clone());
            }
            b.set_scope(t.scope.clone());
            b.assignments_with(&def, sets, |a| view_column(t, a))?
        }
    };
    let filter = match selection {
        Some(w) => Some(b.condition(w, "where clause")?),
        None => None,
    };
    for a in &sets {
        if matches!(a.value, Assigned::Expr(_)) {
            check::refuse_value(&def, a.column)?;
        }
    }
    let order_exprs = order;
    let order = b.order_keys(order)?;
    let limit = limit_of(limit)?;
    // MySQL refuses a subquery reading the changed table (1093/1443).
    let mut read = Vec::new();
    if let Some(w) = selection {
        read.extend(crate::bind::dml::subquery_tables(w));
    }
    for a in sets_ast {
        read.extend(crate::bind::dml::subquery_tables(&a.value));
    }
    for o in order_exprs {
        read.extend(crate::bind::dml::subquery_tables(o));
    }
    b.check_target_unread(
        &read,
        &crate::bind::dml::ChangedTable {
            schema: &def.schema,
            name: &def.name,
            alias: view_alias.as_deref().unwrap_or(&alias),
            through_view: target.as_ref().map(|_| (schema.as_str(), table.as_str())),
        },
        stmt,
    )?;
    let (table_ref, filter) = match view_scan {
        None => (
            TableRef {
                def: def.clone(),
                alias,
                decode: None,
            },
            filter,
        ),
        Some((t, view_filter)) => (
            t,
            Expr::and_all(view_filter.into_iter().chain(filter).collect()),
        ),
    };
    let scan = optimize(
        Node::Scan {
            table: table_ref,
            access: Access::Full,
            reverse: false,
            filter,
            lock: LockMode::Update,
            wait: LockWait::Wait,
        },
        &mut b.registers,
    );
    Ok(Some(SingleTable {
        def,
        scan,
        order,
        limit,
        sets,
        defaults,
        checks,
        registers: b.registers,
    }))
}

/// The column of a single-table view's base table an assignment target names: ER 1348 for a
/// view column that is not a plain column.
fn view_column(
    t: &crate::bind::view::WriteTarget,
    target: &ast::AssignmentTarget,
) -> Result<usize, EngineError> {
    let parts = match target {
        ast::AssignmentTarget::ColumnName(n) => name_parts(n),
        ast::AssignmentTarget::Tuple(_) => {
            return Err(EngineError::not_supported("tuple assignment"));
        }
    };
    let (_, column) = t.written(t.column(&parts)?)?;
    Ok(column)
}

/// Binds an INSERT/REPLACE or single-table UPDATE/DELETE without running it, as
/// COM_STMT_PREPARE does in MySQL: an unknown table (1146), column (1054) or a missing
/// privilege is reported when the statement is prepared, not first at its execution.
pub(super) fn check_bind(
    engine: &Engine,
    session: &Session,
    stmt: &ast::Statement,
) -> Result<(), EngineError> {
    match stmt {
        ast::Statement::Insert(ins) => bind_insert(engine, session, ins).map(|_| ()),
        _ => explain_scan(engine, session, stmt).map(|_| ()),
    }
}

/// The scan of a single-table UPDATE or DELETE as it would run, for EXPLAIN (bound and
/// planned, not run), whether it sorts (ORDER BY), and which statement it is; None for the
/// multi-table forms.
pub(super) fn explain_scan(
    engine: &Engine,
    session: &Session,
    stmt: &ast::Statement,
) -> Result<Option<(crate::plan::explain::DmlKind, Node, bool)>, EngineError> {
    use crate::plan::explain::DmlKind;
    let (kind, name, alias, clauses) = match stmt {
        ast::Statement::Update(u) => {
            let single = if u.from.is_none() {
                single_table(&u.table)
            } else {
                None
            };
            let Some((name, alias)) = single else {
                return Ok(None);
            };
            let clauses = Clauses {
                selection: u.selection.as_ref(),
                sets: &u.assignments,
                order: &u.order_by,
                limit: u.limit.as_ref(),
            };
            (DmlKind::Update, name, alias, clauses)
        }
        ast::Statement::Delete(d) => {
            let from = match &d.from {
                ast::FromTable::WithFromKeyword(f) | ast::FromTable::WithoutKeyword(f) => f,
            };
            let single = match (from.as_slice(), d.tables.is_empty(), &d.using) {
                ([twj], true, None) => single_table(twj),
                _ => None,
            };
            let Some((name, alias)) = single else {
                return Ok(None);
            };
            let clauses = Clauses {
                selection: d.selection.as_ref(),
                sets: &[],
                order: &d.order_by,
                limit: d.limit.as_ref(),
            };
            (DmlKind::Delete, name, alias, clauses)
        }
        _ => return Ok(None),
    };
    let writes = if matches!(stmt, ast::Statement::Update(_)) {
        Privs::UPDATE
    } else {
        Privs::DELETE
    };
    let Some(bound) = bind_single_or_join(engine, session, name, alias, clauses, writes)? else {
        return Ok(None);
    };
    Ok(Some((kind, bound.scan, !bound.order.is_empty())))
}

impl SingleTable {
    /// The matching rows, locked, in ORDER BY order, at most LIMIT of them.
    fn rows(&self, cx: &mut Ctx<'_>) -> Result<Vec<(Key, execute::Row)>, EngineError> {
        cx.regs.resize(self.registers.max(16), Value::Null);
        let rows = execute::scan_keyed(&self.scan, cx)?;
        let mut rows = sort_rows(cx, &self.order, rows)?;
        if let Some(l) = self.limit {
            rows.truncate(usize::try_from(l).unwrap_or(usize::MAX));
        }
        Ok(rows)
    }
}

/// What an UPDATE did.
#[derive(Default)]
struct UpdateCounts {
    matched: u64,
    changed: u64,
    /// Strict mode: conversion problems are errors.
    strict: bool,
    warnings: Vec<(u16, String)>,
}

/// Applies `sets` to `old` (each assignment sees the ones before it) and writes the row if it
/// changed. `values` are precomputed values for multi-table assignments (by assignment index).
fn update_row(
    cx: &mut Ctx<'_>,
    (def, checks, trg): (&Arc<TableDef>, &check::Rules, Option<&Triggers>),
    defaults: &[Option<Expr>],
    pk: &Key,
    old: &[Value],
    sets: &[(usize, Option<Value>, Option<&Assigned>)],
    counts: &mut UpdateCounts,
) -> Result<(), EngineError> {
    counts.matched += 1;
    let rown = counts.matched;
    let mut new = old.to_vec();
    let mut assigned = Vec::with_capacity(sets.len());
    let before = trg.filter(|t| t.has(TriggerTiming::Before, TriggerEvent::Update));
    for (column, value, bound) in sets {
        let v = match (value, bound) {
            (Some(v), _) => v.clone(),
            (None, Some(Assigned::Expr(e))) => execute::eval(e, &new, cx)?,
            (None, _) => default_value(cx, def, defaults, *column)?.unwrap_or_else(|| {
                def.columns
                    .get(*column)
                    .map(|c| implicit_default(&c.ty))
                    .unwrap_or(Value::Null)
            }),
        };
        // With a BEFORE UPDATE trigger, NULL waits for it before NOT NULL is checked.
        let v = if v.is_null() && before.is_some() {
            v
        } else {
            assign(def, *column, v, counts.strict, rown, &mut counts.warnings)?
        };
        if let Some(slot) = new.get_mut(*column) {
            *slot = v;
        }
        assigned.push(*column);
    }
    if let Some(t) = before {
        t.fire(
            cx,
            TriggerTiming::Before,
            TriggerEvent::Update,
            Some(old),
            Some(&mut new),
        )?;
        nulls_after_trigger(def, &mut new, counts.strict, false, &mut counts.warnings)?;
    }
    let after = trg.filter(|t| t.has(TriggerTiming::After, TriggerEvent::Update));
    check::generate(
        cx,
        checks,
        def,
        &mut new,
        (counts.strict, rown),
        &mut counts.warnings,
    )?;
    if new == old {
        // MySQL runs AFTER UPDATE triggers for every matched row, changed or not.
        if let Some(t) = after {
            t.fire(
                cx,
                TriggerTiming::After,
                TriggerEvent::Update,
                Some(old),
                Some(&mut new),
            )?;
        }
        return Ok(());
    }
    touch_timestamps(cx, def, &mut new, &assigned, &mut counts.warnings)?;
    if let Some(err) = check::violated(cx, checks, &new)? {
        return Err(err);
    }
    let new_pk = storage::primary_key(def, &new).unwrap_or_else(|| pk.clone());
    if let Some(c) = find_conflict(cx, def, &new, &new_pk, Some(pk))? {
        return Err(duplicate(def, c.index, &new));
    }
    let kept = after.map(|_| new.clone());
    store_update(cx, def, pk, &new_pk, new)?;
    if let (Some(t), Some(mut kept)) = (after, kept) {
        t.fire(
            cx,
            TriggerTiming::After,
            TriggerEvent::Update,
            Some(old),
            Some(&mut kept),
        )?;
    }
    counts.changed += 1;
    Ok(())
}

/// The outcome of an UPDATE: affected rows (changed, or matched with CLIENT_FOUND_ROWS) and
/// MySQL's info string.
fn update_outcome(session: &mut Session, counts: UpdateCounts, insert_id: u64) -> Outcome {
    for (code, msg) in counts.warnings {
        session.add_warning("Warning", code, msg);
    }
    session.row_count = i64::try_from(counts.changed).unwrap_or(i64::MAX);
    let info = format!(
        "Rows matched: {}  Changed: {}  Warnings: {}",
        counts.matched,
        counts.changed,
        session.warning_count()
    );
    let affected = if session.found_rows_flag {
        counts.matched
    } else {
        counts.changed
    };
    ok(session, affected, insert_id, info)
}

pub(super) fn update(
    engine: &Engine,
    session: &mut Session,
    u: &ast::Update,
) -> Result<Outcome, EngineError> {
    let lid = sets_last_insert_id(u);
    let single = if u.from.is_none() {
        single_table(&u.table)
    } else {
        None
    };
    let Some((name, alias)) = single else {
        return update_multi(engine, session, u, lid);
    };
    let Some(stmt) = bind_single_or_join(
        engine,
        session,
        name,
        alias,
        Clauses {
            selection: u.selection.as_ref(),
            sets: &u.assignments,
            order: &u.order_by,
            limit: u.limit.as_ref(),
        },
        Privs::UPDATE,
    )?
    else {
        return update_multi(engine, session, u, lid);
    };
    let trg = trigger::load(
        engine,
        session,
        &stmt.def,
        &[TriggerEvent::Update],
        run_nested,
    )?;
    let strict = session.strict();
    let (counts, lid_value) = in_txn_as(engine, session, Reads::Locking, |cx| {
        update_single_rows(cx, &stmt, trg.as_deref(), strict)
    })?;
    let insert_id = if lid { lid_value } else { 0 };
    Ok(update_outcome(session, counts, insert_id))
}

/// Runs a bound single-table UPDATE in `cx`.
fn update_single_rows(
    cx: &mut Ctx<'_>,
    stmt: &SingleTable,
    trg: Option<&Triggers>,
    strict: bool,
) -> Result<(UpdateCounts, u64), EngineError> {
    start_writing(cx, &[&stmt.def])?;
    let rows = stmt.rows(cx)?;
    let sets: Vec<(usize, Option<Value>, Option<&Assigned>)> = stmt
        .sets
        .iter()
        .map(|a| (a.column, None, Some(&a.value)))
        .collect();
    let mut counts = UpdateCounts {
        strict,
        ..UpdateCounts::default()
    };
    for (pk, old) in rows {
        update_row(
            cx,
            (&stmt.def, &stmt.checks, trg),
            &stmt.defaults,
            &pk,
            &old,
            &sets,
            &mut counts,
        )?;
    }
    Ok((counts, cx.session.last_insert_id))
}

/// Deletes one row, firing the table's DELETE triggers around it.
fn delete_row(
    cx: &mut Ctx<'_>,
    def: &Arc<TableDef>,
    trg: Option<&Triggers>,
    pk: &Key,
    old: Option<&[Value]>,
) -> Result<(), EngineError> {
    let Some(t) = trg else {
        return fk::write(cx, def, Some(pk), None);
    };
    let fetched;
    let old = match old {
        Some(o) => o,
        None => {
            fetched = latest_view(cx, def)?
                .get(pk)
                .map(|r| r.unpack())
                .unwrap_or_default();
            &fetched
        }
    };
    t.fire(
        cx,
        TriggerTiming::Before,
        TriggerEvent::Delete,
        Some(old),
        None,
    )?;
    fk::write(cx, def, Some(pk), None)?;
    t.fire(
        cx,
        TriggerTiming::After,
        TriggerEvent::Delete,
        Some(old),
        None,
    )
}

/// Runs an INSERT, REPLACE, UPDATE or DELETE of a trigger's body inside the statement that
/// fired it (`cx`), with `cx.session.params` as its parameters. Warnings go to the session.
pub(super) fn run_nested(cx: &mut Ctx<'_>, stmt: &ast::Statement) -> Result<(), EngineError> {
    /// A nested statement's own context over the same session and transaction.
    fn nested<T>(
        cx: &mut Ctx<'_>,
        f: impl FnOnce(&mut Ctx<'_>) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        let snapshot = cx.snapshot.clone();
        let mut inner = Ctx::new(cx.engine, &mut *cx.session, &mut *cx.txn, snapshot, 16);
        inner.budget = cx.budget;
        let out = f(&mut inner);
        cx.budget = inner.budget;
        out
    }
    match stmt {
        ast::Statement::Insert(ins) => {
            let stmt = bind_insert_with_triggers(cx.engine, cx.session, ins)?;
            let (counts, _) = nested(cx, |inner| insert_rows(inner, &stmt))?;
            for (code, msg) in counts.warnings {
                cx.session.add_warning("Warning", code, msg);
            }
            Ok(())
        }
        ast::Statement::Update(u) => {
            let single = if u.from.is_none() {
                single_table(&u.table)
            } else {
                None
            };
            let Some((name, alias)) = single else {
                return Err(EngineError::not_supported(
                    "multi-table UPDATE in a trigger",
                ));
            };
            let stmt = bind_single(
                cx.engine,
                cx.session,
                name,
                alias,
                Clauses {
                    selection: u.selection.as_ref(),
                    sets: &u.assignments,
                    order: &u.order_by,
                    limit: u.limit.as_ref(),
                },
                Privs::UPDATE,
            )?;
            let trg = trigger::load(
                cx.engine,
                cx.session,
                &stmt.def,
                &[TriggerEvent::Update],
                run_nested,
            )?;
            let strict = cx.session.strict();
            let (counts, _) = nested(cx, |inner| {
                update_single_rows(inner, &stmt, trg.as_deref(), strict)
            })?;
            for (code, msg) in counts.warnings {
                cx.session.add_warning("Warning", code, msg);
            }
            Ok(())
        }
        ast::Statement::Delete(d) => {
            let from = match &d.from {
                ast::FromTable::WithFromKeyword(f) | ast::FromTable::WithoutKeyword(f) => f,
            };
            let single = match (from.as_slice(), d.tables.is_empty(), &d.using) {
                ([twj], true, None) => single_table(twj),
                _ => None,
            };
            let Some((name, alias)) = single else {
                return Err(EngineError::not_supported(
                    "multi-table DELETE in a trigger",
                ));
            };
            let stmt = bind_single(
                cx.engine,
                cx.session,
                name,
                alias,
                Clauses {
                    selection: d.selection.as_ref(),
                    sets: &[],
                    order: &d.order_by,
                    limit: d.limit.as_ref(),
                },
                Privs::DELETE,
            )?;
            let trg = trigger::load(
                cx.engine,
                cx.session,
                &stmt.def,
                &[TriggerEvent::Delete],
                run_nested,
            )?;
            nested(cx, |inner| delete_single_rows(inner, &stmt, trg.as_deref())).map(|_| ())
        }
        _ => Err(EngineError::not_supported("this statement in a trigger")),
    }
}

/// ER 1221 for ORDER BY / LIMIT on a multi-table statement.
fn incorrect_usage(stmt: &str, clause: &str) -> EngineError {
    EngineError::new(
        1221,
        "HY000",
        format!("Incorrect usage of {stmt} and {clause}"),
    )
}

/// A target table of a multi-table statement: its definition, where its columns start in the
/// join query's rows.
struct Target {
    def: Arc<TableDef>,
    offset: usize,
}

/// Looks up the join's targets and their column offsets in the join query.
fn targets_of(tables: &[JoinTable], chosen: &[usize]) -> Vec<Target> {
    let mut offset = 0;
    let mut out = Vec::with_capacity(chosen.len());
    for &i in chosen {
        if let Some(def) = tables.get(i).and_then(|t| t.def.clone()) {
            let width = def.columns.len();
            out.push(Target { def, offset });
            offset += width;
        }
    }
    out
}

/// The target tables of a multi-table UPDATE/DELETE need that privilege (the binder checked
/// SELECT on every table of the join). A temporary table needs none.
fn check_targets(
    engine: &Engine,
    session: &Session,
    targets: &[JoinTable],
    need: Privs,
) -> Result<(), EngineError> {
    for def in targets.iter().filter_map(|t| t.def.as_ref()) {
        if !def.temporary {
            crate::privilege::check_table(engine, session, &def.schema, &def.name, need)?;
        }
    }
    Ok(())
}

/// ER 1093/1443 when a subquery among `read` reads a table a multi-table UPDATE/DELETE `op`
/// changes (see [`Binder::check_target_unread`]).
fn check_multi_unread(
    b: &Binder<'_>,
    tables: &[JoinTable],
    views: &[crate::bind::dml::JoinView],
    chosen: &[usize],
    read: &[ast::ObjectName],
    op: &str,
) -> Result<(), EngineError> {
    for &i in chosen {
        let Some(t) = tables.get(i) else { continue };
        let Some(def) = &t.def else { continue };
        let view = views.iter().find(|v| v.tables.contains(&i));
        b.check_target_unread(
            read,
            &crate::bind::dml::ChangedTable {
                schema: &def.schema,
                name: &def.name,
                alias: view.map_or(t.alias.as_str(), |v| v.alias.as_str()),
                through_view: view.map(|v| (v.schema.as_str(), v.name.as_str())),
            },
            op,
        )?;
    }
    Ok(())
}

/// True for the hidden name of a merged view's table (`bind/view.rs`).
fn hidden(alias: &str) -> bool {
    alias.starts_with('\u{1}')
}

/// The targets of a multi-table statement that are tables the statement names itself (not
/// through a view).
fn base_targets(tables: &[JoinTable], chosen: &[usize]) -> Vec<JoinTable> {
    chosen
        .iter()
        .filter_map(|&i| tables.get(i))
        .filter(|t| !hidden(&t.alias))
        .cloned()
        .collect()
}

/// The views a multi-table statement writes through: the privilege on the view (and on its
/// tables for SQL SECURITY INVOKER), one table per view (1393; a DELETE 1395 from a join
/// view), and no CHECK OPTION of a join view.
fn check_view_targets(
    engine: &Engine,
    session: &Session,
    tables: &[JoinTable],
    views: &[crate::bind::dml::JoinView],
    chosen: &[usize],
    need: Privs,
    stmt: &str,
) -> Result<(), EngineError> {
    for v in views {
        let written = chosen.iter().filter(|i| v.tables.contains(i)).count();
        if written == 0 {
            continue;
        }
        crate::privilege::check_table(engine, session, &v.schema, &v.name, need)?;
        if stmt == "DELETE" && v.tables.len() > 1 {
            return Err(crate::bind::view::view_delete_merge_view(
                &v.schema, &v.name,
            ));
        }
        if written > 1 {
            return Err(crate::bind::view::view_multiupdate(&v.schema, &v.name));
        }
        if v.tables.len() > 1 && v.check.is_some() {
            return Err(EngineError::not_supported(
                "UPDATE of a join view WITH CHECK OPTION",
            ));
        }
        // SQL SECURITY INVOKER: the invoker writes the view's table too.
        let invoker = engine
            .store
            .latest()
            .view(&v.schema, &v.name)
            .is_some_and(|d| !d.security_definer);
        if invoker {
            let inside: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|i| v.tables.contains(i))
                .collect();
            let written: Vec<JoinTable> = inside
                .iter()
                .filter_map(|&i| tables.get(i))
                .cloned()
                .collect();
            check_targets(engine, session, &written, need)?;
        }
    }
    Ok(())
}

/// The primary key of a target's row in a join query row.
fn target_key(t: &Target, row: &[Value], stmt: &str) -> Result<Key, EngineError> {
    let cols = row
        .get(t.offset..t.offset + t.def.columns.len())
        .unwrap_or(&[]);
    storage::primary_key(&t.def, cols).ok_or_else(|| {
        EngineError::not_supported(&format!(
            "multi-table {stmt} of a table without a primary key"
        ))
    })
}

fn update_multi(
    engine: &Engine,
    session: &mut Session,
    u: &ast::Update,
    lid: bool,
) -> Result<Outcome, EngineError> {
    if !u.order_by.is_empty() {
        return Err(incorrect_usage("UPDATE", "ORDER BY"));
    }
    if u.limit.is_some() {
        return Err(incorrect_usage("UPDATE", "LIMIT"));
    }
    let mut from = vec![u.table.clone()];
    match &u.from {
        Some(ast::UpdateTableFromKind::BeforeSet(f) | ast::UpdateTableFromKind::AfterSet(f)) => {
            from.extend(f.iter().cloned());
        }
        None => {}
    }
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let (tables, views) = b.join_tables(&from)?;
    // Each assignment: (table index, column), its value expression.
    let mut resolved = Vec::with_capacity(u.assignments.len());
    let mut chosen: Vec<usize> = Vec::new();
    for a in &u.assignments {
        let parts = match &a.target {
            ast::AssignmentTarget::ColumnName(n) => name_parts(n),
            ast::AssignmentTarget::Tuple(_) => {
                return Err(EngineError::not_supported("tuple assignment"));
            }
        };
        let full = parts.join(".");
        let (qualifier, col) = match parts.as_slice() {
            [c] => (None, c.as_str()),
            [t, c] => (Some(t.as_str()), c.as_str()),
            [_, t, c] => (Some(t.as_str()), c.as_str()),
            _ => return Err(EngineError::bad_field(&full, "field list")),
        };
        let mut candidates: Vec<Result<(usize, usize), EngineError>> = tables
            .iter()
            .enumerate()
            .filter(|(_, t)| qualifier.is_none_or(|q| q == t.alias) && !hidden(&t.alias))
            .filter_map(|(i, t)| {
                t.def
                    .as_ref()
                    .and_then(|d| d.column_index(col))
                    .map(|c| Ok((i, c)))
            })
            .collect();
        // A view's column: the base column it is (1348 for an expression).
        for v in views
            .iter()
            .filter(|v| qualifier.is_none_or(|q| q == v.alias))
        {
            for (n, at) in &v.columns {
                if n.eq_ignore_ascii_case(col) {
                    candidates.push(at.ok_or_else(|| crate::bind::view::column_not_updatable(n)));
                }
            }
        }
        let (ti, ci) = match candidates.as_slice() {
            [Ok(one)] => *one,
            [Err(e)] => return Err(e.clone()),
            [] => {
                if let Some(t) = tables
                    .iter()
                    .find(|t| t.def.is_none() && qualifier.is_none_or(|q| q == t.alias))
                {
                    return Err(EngineError::new(
                        1288,
                        "HY000",
                        format!(
                            "The target table {} of the UPDATE is not updatable",
                            t.alias
                        ),
                    ));
                }
                return Err(EngineError::bad_field(&full, "field list"));
            }
            _ => {
                return Err(EngineError::new(
                    1052,
                    "23000",
                    format!("Column '{full}' in field list is ambiguous"),
                ));
            }
        };
        if is_default(&a.value) {
            return Err(EngineError::not_supported(
                "DEFAULT in a multi-table UPDATE",
            ));
        }
        if !chosen.contains(&ti) {
            chosen.push(ti);
        }
        if let Some(d) = tables.get(ti).and_then(|t| t.def.as_ref()) {
            check::refuse_value(d, ci)?;
        }
        resolved.push((ti, ci, a.value.clone()));
    }
    let target_tables: Vec<JoinTable> = chosen
        .iter()
        .filter_map(|&i| tables.get(i).cloned())
        .collect();
    check_view_targets(
        engine,
        session,
        &tables,
        &views,
        &chosen,
        Privs::UPDATE,
        "UPDATE",
    )?;
    check_targets(
        engine,
        session,
        &base_targets(&tables, &chosen),
        Privs::UPDATE,
    )?;
    let extra: Vec<ast::Expr> = resolved.iter().map(|(_, _, e)| e.clone()).collect();
    let jq = b.join_query(&from, &target_tables, &extra, u.selection.as_ref())?;
    let mut read = crate::bind::dml::subquery_tables(&from);
    read.extend(crate::bind::dml::subquery_tables(&extra));
    read.extend(crate::bind::dml::subquery_tables(&u.selection));
    check_multi_unread(&b, &tables, &views, &chosen, &read, "UPDATE")?;
    let plan = Plan {
        root: optimize(jq.root, &mut b.registers),
        columns: jq.columns,
        registers: b.registers,
        subqueries: b.subqueries,
        ctes: b.ctes,
        warnings: Vec::new(),
        reads: Vec::new(),
        column_reads: Vec::new(),
    };
    let targets = targets_of(&tables, &chosen);
    let extra_at: usize = targets.iter().map(|t| t.def.columns.len()).sum();
    let all_defs: Vec<Arc<TableDef>> = tables.iter().filter_map(|t| t.def.clone()).collect();
    let (target_checks, check_registers) = {
        let mut cb = Binder::new(engine, session, &state);
        let bound = targets
            .iter()
            .map(|t| check::bind(&mut cb, &t.def))
            .collect::<Result<Vec<_>, _>>()?;
        let mut bound = bound;
        for (slot, ti) in chosen.iter().enumerate() {
            if let Some(v) = views.iter().find(|v| v.tables.contains(ti))
                && let Some(rules) = bound.get_mut(slot)
            {
                *rules = std::mem::take(rules).with_view_check(&v.schema, &v.name, v.check.clone());
            }
        }
        (bound, cb.registers)
    };
    let no_checks = check::Rules::default();
    let target_triggers = targets
        .iter()
        .map(|t| trigger::load(engine, session, &t.def, &[TriggerEvent::Update], run_nested))
        .collect::<Result<Vec<_>, _>>()?;
    let strict = session.strict();
    let (counts, lid_value) = in_txn_as(engine, session, Reads::Locking, |cx| {
        let target_defs: Vec<&Arc<TableDef>> = targets.iter().map(|t| &t.def).collect();
        start_writing(cx, &target_defs)?;
        lock_tables(cx, all_defs.iter().map(|d| d.id))?;
        cx.regs
            .resize(plan.registers.max(check_registers).max(16), Value::Null);
        let mut rows = Vec::new();
        execute::run_plan(&plan, cx, &mut |r| {
            rows.push(r);
            Ok(())
        })?;
        let mut counts = UpdateCounts {
            strict,
            ..UpdateCounts::default()
        };
        let mut seen: HashSet<(usize, Key)> = HashSet::new();
        for row in rows {
            for (slot, t) in targets.iter().enumerate() {
                let pk = target_key(t, &row, "UPDATE")?;
                if !seen.insert((slot, pk.clone())) {
                    continue;
                }
                let Some(old) = latest_view(cx, &t.def)?.get(&pk).map(|r| r.unpack()) else {
                    continue;
                };
                let sets: Vec<(usize, Option<Value>, Option<&Assigned>)> = resolved
                    .iter()
                    .enumerate()
                    .filter(|(_, (ti, _, _))| chosen.get(slot) == Some(ti))
                    .map(|(j, (_, ci, _))| {
                        (
                            *ci,
                            Some(row.get(extra_at + j).cloned().unwrap_or(Value::Null)),
                            None,
                        )
                    })
                    .collect();
                let checks = target_checks.get(slot).unwrap_or(&no_checks);
                let trg = target_triggers.get(slot).and_then(|t| t.as_deref());
                update_row(
                    cx,
                    (&t.def, checks, trg),
                    &[],
                    &pk,
                    &old,
                    &sets,
                    &mut counts,
                )?;
            }
        }
        Ok((counts, cx.session.last_insert_id))
    })?;
    let insert_id = if lid { lid_value } else { 0 };
    Ok(update_outcome(session, counts, insert_id))
}

pub(super) fn delete(
    engine: &Engine,
    session: &mut Session,
    d: &ast::Delete,
) -> Result<Outcome, EngineError> {
    let from = match &d.from {
        ast::FromTable::WithFromKeyword(f) | ast::FromTable::WithoutKeyword(f) => f,
    };
    let single = match (from.as_slice(), d.tables.is_empty(), &d.using) {
        ([twj], true, None) => single_table(twj),
        _ => None,
    };
    let Some((name, alias)) = single else {
        return delete_multi(engine, session, d, from);
    };
    let stmt = bind_single(
        engine,
        session,
        name,
        alias,
        Clauses {
            selection: d.selection.as_ref(),
            sets: &[],
            order: &d.order_by,
            limit: d.limit.as_ref(),
        },
        Privs::DELETE,
    )?;
    let trg = trigger::load(
        engine,
        session,
        &stmt.def,
        &[TriggerEvent::Delete],
        run_nested,
    )?;
    let n = in_txn_as(engine, session, Reads::Locking, |cx| {
        delete_single_rows(cx, &stmt, trg.as_deref())
    })?;
    session.row_count = i64::try_from(n).unwrap_or(i64::MAX);
    Ok(ok(session, n, 0, String::new()))
}

/// Runs a bound single-table DELETE in `cx`: the number of rows deleted.
fn delete_single_rows(
    cx: &mut Ctx<'_>,
    stmt: &SingleTable,
    trg: Option<&Triggers>,
) -> Result<u64, EngineError> {
    start_writing(cx, &[&stmt.def])?;
    let rows = stmt.rows(cx)?;
    let mut n = 0u64;
    for (pk, old) in rows {
        // The scan's row is what DELETE triggers see as OLD (all columns are decoded).
        let full = (old.len() == stmt.def.columns.len()).then_some(old.as_slice());
        delete_row(cx, &stmt.def, trg, &pk, full)?;
        n += 1;
    }
    Ok(n)
}

/// `DELETE t1, t2 FROM <join> ...` and `DELETE FROM t1, t2 USING <join> ...`.
fn delete_multi(
    engine: &Engine,
    session: &mut Session,
    d: &ast::Delete,
    from: &[ast::TableWithJoins],
) -> Result<Outcome, EngineError> {
    if !d.order_by.is_empty() {
        return Err(incorrect_usage("DELETE", "ORDER BY"));
    }
    if d.limit.is_some() {
        return Err(incorrect_usage("DELETE", "LIMIT"));
    }
    // The tables to delete from, as named, and the join they are found in.
    let (names, join): (Vec<Vec<String>>, &[ast::TableWithJoins]) = match &d.using {
        Some(using) => {
            let mut names = Vec::new();
            for twj in from {
                match (&twj.relation, twj.joins.is_empty()) {
                    (ast::TableFactor::Table { name, .. }, true) => names.push(name_parts(name)),
                    _ => return Err(EngineError::parse_error(&twj.to_string(), 1)),
                }
            }
            (names, using.as_slice())
        }
        None => (d.tables.iter().map(name_parts).collect(), from),
    };
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let (tables, views) = b.join_tables(join)?;
    let mut chosen = Vec::new();
    for n in &names {
        let (schema, table) = match n.as_slice() {
            [t] => (None, t.as_str()),
            [s, t] => (Some(s.as_str()), t.as_str()),
            _ => return Err(EngineError::parse_error(&n.join("."), 1)),
        };
        // A view deletes from its one table (1395 for a join view).
        if let Some(v) = views
            .iter()
            .find(|v| v.alias == table && schema.is_none_or(|s| s == v.schema))
        {
            if v.tables.len() != 1 {
                return Err(crate::bind::view::view_delete_merge_view(
                    &v.schema, &v.name,
                ));
            }
            if !chosen.contains(&v.tables.start) {
                chosen.push(v.tables.start);
            }
            continue;
        }
        let found = tables.iter().position(|t| {
            t.alias == table && schema.is_none_or(|s| t.def.as_ref().is_some_and(|d| d.schema == s))
        });
        let Some(i) = found else {
            return Err(EngineError::new(
                1109,
                "42S02",
                format!("Unknown table '{table}' in MULTI DELETE"),
            ));
        };
        if tables.get(i).is_some_and(|t| t.def.is_none()) {
            return Err(EngineError::new(
                1288,
                "HY000",
                format!("The target table {table} of the DELETE is not updatable"),
            ));
        }
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    let target_tables: Vec<JoinTable> = chosen
        .iter()
        .filter_map(|&i| tables.get(i).cloned())
        .collect();
    check_view_targets(
        engine,
        session,
        &tables,
        &views,
        &chosen,
        Privs::DELETE,
        "DELETE",
    )?;
    check_targets(
        engine,
        session,
        &base_targets(&tables, &chosen),
        Privs::DELETE,
    )?;
    let jq = b.join_query(join, &target_tables, &[], d.selection.as_ref())?;
    let mut read = crate::bind::dml::subquery_tables(&join.to_vec());
    read.extend(crate::bind::dml::subquery_tables(&d.selection));
    check_multi_unread(&b, &tables, &views, &chosen, &read, "DELETE")?;
    let plan = Plan {
        root: optimize(jq.root, &mut b.registers),
        columns: jq.columns,
        registers: b.registers,
        subqueries: b.subqueries,
        ctes: b.ctes,
        warnings: Vec::new(),
        reads: Vec::new(),
        column_reads: Vec::new(),
    };
    let targets = targets_of(&tables, &chosen);
    let all_defs: Vec<Arc<TableDef>> = tables.iter().filter_map(|t| t.def.clone()).collect();
    let target_triggers = targets
        .iter()
        .map(|t| trigger::load(engine, session, &t.def, &[TriggerEvent::Delete], run_nested))
        .collect::<Result<Vec<_>, _>>()?;
    let n = in_txn_as(engine, session, Reads::Locking, |cx| {
        let target_defs: Vec<&Arc<TableDef>> = targets.iter().map(|t| &t.def).collect();
        start_writing(cx, &target_defs)?;
        lock_tables(cx, all_defs.iter().map(|d| d.id))?;
        cx.regs.resize(plan.registers.max(16), Value::Null);
        let mut rows = Vec::new();
        execute::run_plan(&plan, cx, &mut |r| {
            rows.push(r);
            Ok(())
        })?;
        let mut seen: HashSet<(usize, Key)> = HashSet::new();
        let mut n = 0u64;
        for row in rows {
            for (slot, t) in targets.iter().enumerate() {
                let pk = target_key(t, &row, "DELETE")?;
                if !seen.insert((slot, pk.clone())) {
                    continue;
                }
                if latest_view(cx, &t.def)?.get(&pk).is_some() {
                    let trg = target_triggers.get(slot).and_then(|t| t.as_deref());
                    delete_row(cx, &t.def, trg, &pk, None)?;
                    n += 1;
                }
            }
        }
        Ok(n)
    })?;
    session.row_count = i64::try_from(n).unwrap_or(i64::MAX);
    Ok(ok(session, n, 0, String::new()))
}
