//! Statements over tables. Each runs parse → bind → plan (optimize) → execute, inside the
//! session's transaction or an implicit one for autocommit.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-data-manipulation-statements.html>
//!
//! - `mod.rs`: dispatch, transactions (implicit for autocommit; BEGIN/COMMIT/ROLLBACK), SELECT.
//! - `ddl.rs`: CREATE/DROP/TRUNCATE TABLE, SHOW TABLES, DESCRIBE.
//! - `cache.rs`: SELECTs bound once and run many times (prepared statements, text queries
//!   that differ only in constants).
//! - `convert.rs`: values into columns (strict mode and its warnings).
//! - `dml.rs`: INSERT/REPLACE, UPDATE, DELETE.
//! - `explain.rs`: EXPLAIN / DESCRIBE of a query or a single-table UPDATE/DELETE (planned,
//!   never run).
//! - `show.rs`: SHOW statements over the catalog (tables, columns, indexes, status, CREATE
//!   TABLE/DATABASE, engines, character sets, collations).
//! - `admin.rs`: LOCK/UNLOCK TABLES, FLUSH, ANALYZE/OPTIMIZE/CHECK/CHECKSUM TABLE.

pub(crate) mod admin;
pub(crate) mod cache;
mod check;
mod convert;
mod ddl;
mod dml;
mod explain;
mod fk;
pub(crate) mod function;
pub(crate) mod load;
mod mdl;
pub(crate) mod procedure;
mod routine;
pub(crate) mod show;
pub(crate) mod trigger;
pub(crate) mod view;

pub(crate) use convert::{convert, convert_in};

use sqlparser::ast::{self as ast, Statement};

use crate::bind::Binder;
use crate::error::EngineError;
use crate::execute::{self, Ctx};
use crate::parse::Script;
use crate::plan::optimize::optimize;
use crate::storage::Isolation;
use crate::value::Value;
use crate::{Column, Engine, Outcome, Session};

/// True for the statements that run through the pipeline (every query, and the statements
/// over tables).
pub(crate) fn uses_tables(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::CreateTable(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::ShowTables { .. }
            | Statement::ShowColumns { .. }
            | Statement::ExplainTable { .. }
            | Statement::Explain { .. }
            | Statement::AlterTable(_)
            | Statement::CreateIndex(_)
            | Statement::RenameTable(_)
            | Statement::Truncate(_)
            | Statement::ShowCreate {
                obj_type: ast::ShowCreateObject::Table,
                ..
            }
            | Statement::ShowCreate {
                obj_type: ast::ShowCreateObject::View,
                ..
            }
            | Statement::Drop {
                object_type: ast::ObjectType::Table
                    | ast::ObjectType::Index
                    | ast::ObjectType::View,
                ..
            }
            | Statement::Query(_)
    )
}

/// Runs a statement that uses tables.
pub(crate) fn run(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    stmt: &Statement,
) -> Result<Outcome, EngineError> {
    match stmt {
        Statement::CreateTable(ct) => ddl::create_table(engine, session, ct),
        Statement::Drop {
            object_type: ast::ObjectType::Table,
            if_exists,
            names,
            temporary,
            ..
        } => ddl::drop_tables(engine, session, names, *if_exists, *temporary),
        Statement::Drop {
            object_type: ast::ObjectType::View,
            if_exists,
            names,
            ..
        } => view::drop(engine, session, names, *if_exists),
        Statement::ShowCreate {
            obj_type: ast::ShowCreateObject::View,
            obj_name,
        } => view::show_create(engine, session, obj_name),
        Statement::Drop {
            object_type: ast::ObjectType::Index,
            names,
            table,
            ..
        } => ddl::drop_index(engine, session, names, table.as_ref()),
        Statement::Truncate(t) => {
            let names: Vec<ast::ObjectName> =
                t.table_names.iter().map(|n| n.name.clone()).collect();
            ddl::truncate(engine, session, &names)
        }
        Statement::AlterTable(at) => ddl::alter_table(engine, session, at),
        Statement::CreateIndex(ci) => ddl::create_index(engine, session, ci),
        Statement::RenameTable(r) => ddl::rename_tables(engine, session, r),
        Statement::ShowTables {
            full, show_options, ..
        } => show::show_tables(engine, session, *full, show_options),
        Statement::ShowColumns {
            full, show_options, ..
        } => show::show_columns(engine, session, *full, show_options),
        Statement::ExplainTable { table_name, .. } => show::describe(engine, session, table_name),
        Statement::Explain {
            analyze,
            format,
            statement,
            ..
        } => explain::explain(
            engine,
            session,
            script,
            *analyze,
            format.as_ref(),
            statement,
        ),
        Statement::ShowCreate {
            obj_type: ast::ShowCreateObject::Table,
            obj_name,
        } => match show::show_create_table(engine, session, obj_name)? {
            Some(out) => Ok(out),
            None => view::show_create(engine, session, obj_name),
        },
        Statement::Query(q) => select(engine, session, script, q),
        Statement::Insert(ins) => dml::insert(engine, session, ins),
        Statement::Update(u) => dml::update(engine, session, u),
        Statement::Delete(d) => dml::delete(engine, session, d),
        _ => Err(EngineError::not_supported("this statement")),
    }
}

/// ALTER TABLE with table options or CONVERT TO (parsed by `parse::forms`).
pub(crate) fn alter_table_with(
    engine: &Engine,
    session: &mut Session,
    at: &ast::AlterTable,
    extras: &crate::parse::AlterExtras,
) -> Result<Outcome, EngineError> {
    if extras.keys {
        let table = crate::bind::name_parts(&at.name).pop().unwrap_or_default();
        session.add_warning(
            "Note",
            1031,
            format!("Table storage engine for '{table}' doesn't have this option"),
        );
    }
    ddl::alter_table_with(engine, session, at, extras)
}

/// See [`dml::check_bind`].
pub(crate) fn check_dml(
    engine: &Engine,
    session: &Session,
    stmt: &Statement,
) -> Result<(), EngineError> {
    dml::check_bind(engine, session, stmt)
}

/// Runs an INSERT, REPLACE, UPDATE or DELETE parsed earlier (a prepared statement's).
pub(crate) fn run_parsed(
    engine: &Engine,
    session: &mut Session,
    stmt: &Statement,
) -> Result<Outcome, EngineError> {
    match stmt {
        Statement::Insert(ins) => dml::insert(engine, session, ins),
        Statement::Update(u) => dml::update(engine, session, u),
        Statement::Delete(d) => dml::delete(engine, session, d),
        _ => Err(EngineError::not_supported("this statement")),
    }
}

/// How a statement reads tables, which decides when a REPEATABLE READ transaction takes its
/// snapshot: at its first consistent read, not at BEGIN and not at a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reads {
    /// A plain SELECT (or anything reading through the snapshot).
    Consistent,
    /// UPDATE, DELETE, INSERT: they read the latest committed rows and lock them.
    Locking,
}

/// Runs `f` (a statement that reads consistently, such as a SELECT) inside the session's
/// transaction, or an implicit one. See [`in_txn_as`].
pub(crate) fn in_txn<T>(
    engine: &Engine,
    session: &mut Session,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    in_txn_as(engine, session, Reads::Consistent, f)
}

/// The session's isolation level for a new transaction (`transaction_isolation`).
fn session_isolation(session: &Session) -> Isolation {
    Isolation::from_name(
        session
            .vars
            .get("transaction_isolation")
            .map(String::as_str)
            .unwrap_or(""),
    )
}

/// Whether new transactions are READ ONLY (`transaction_read_only`).
fn session_read_only(session: &Session) -> bool {
    session
        .vars
        .get("transaction_read_only")
        .is_some_and(|v| v == "ON")
}

/// A transaction left behind with its flag cleared (`SET autocommit = 1` ends the transaction
/// by clearing `in_transaction`): commit it before anything else uses the session.
fn settle(engine: &Engine, session: &mut Session) {
    if !session.in_transaction
        && let Some(t) = session.txn.take()
    {
        engine.store.commit(t, &mut session.temp);
    }
}

/// Runs `f` inside the session's transaction. Without one, the statement runs in a transaction
/// of its own: committed (or rolled back) at its end under autocommit, or left open until
/// COMMIT/ROLLBACK when `autocommit = 0`.
///
/// - A failing statement undoes only its own changes and the transaction goes on (a lock wait
///   timeout, 1205, included); a deadlock (1213) rolls the whole transaction back.
/// - Under REPEATABLE READ, the first statement of a transaction that reads consistently takes
///   the snapshot every later consistent read uses; a writing statement (`Reads::Locking`)
///   sees the latest state and takes no snapshot. Under READ COMMITTED every statement reads
///   the latest committed state.
pub(crate) fn in_txn_as<T>(
    engine: &Engine,
    session: &mut Session,
    reads: Reads,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    settle(engine, session);
    let mut txn = match session.txn.take() {
        Some(t) => t,
        None => engine
            .store
            .begin(session_isolation(session), session_read_only(session)),
    };
    let keep_open = session.in_transaction || !session.autocommit();
    let saved = txn.changes.clone();
    let snapshot = match &txn.snapshot {
        Some(s) if txn.keeps_snapshot() => s.clone(),
        _ => {
            let s = engine.store.latest();
            if keep_open && reads == Reads::Consistent && txn.keeps_snapshot() {
                txn.snapshot = Some(s.clone());
            }
            s
        }
    };
    let result = {
        let mut cx = Ctx::new(engine, session, &mut txn, snapshot, 64);
        f(&mut cx)
    };
    match &result {
        Err(e) if e.code == 1213 => {
            // Deadlock: the victim's whole transaction is rolled back.
            engine.store.rollback(txn);
            session.in_transaction = false;
        }
        Ok(_) | Err(_) if keep_open => {
            if result.is_err() {
                txn.changes = saved;
            }
            session.txn = Some(txn);
            session.in_transaction = true;
        }
        Ok(_) => engine.store.commit(txn, &mut session.temp),
        Err(_) => engine.store.rollback(txn),
    }
    result
}

/// True for a text that is only BEGIN, COMMIT, ROLLBACK or a plain START TRANSACTION [READ
/// ONLY | READ WRITE] (any case, optional trailing `;`, no comments): statements that never
/// wait and, with few changes to commit, are short work.
pub(crate) fn is_transaction_control(sql: &str) -> bool {
    let t = sql.trim().trim_end_matches(';').trim_end();
    if t.len() > 32 {
        return false;
    }
    let words: Vec<String> = t
        .split_ascii_whitespace()
        .map(str::to_ascii_uppercase)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(
        words.as_slice(),
        ["BEGIN"]
            | ["BEGIN", "WORK"]
            | ["COMMIT"]
            | ["COMMIT", "WORK"]
            | ["ROLLBACK"]
            | ["ROLLBACK", "WORK"]
            | ["START", "TRANSACTION"]
            | ["START", "TRANSACTION", "READ", "ONLY"]
            | ["START", "TRANSACTION", "READ", "WRITE"]
    )
}

/// True for a text worth trying as a write on the caller's thread (see
/// `Engine::try_write_inline`): one INSERT, REPLACE, UPDATE or DELETE of at most 4 KiB that
/// has no subquery or INSERT ... SELECT, no SLEEP/BENCHMARK, no user-lock function (GET_LOCK,
/// RELEASE_LOCK, ...: any `_lock`) and no `:=` (nothing that could block, loop without reading
/// rows, or leave an effect a second run repeats).
/// Words inside string literals may refuse a text that would qualify; it then just runs on an
/// engine thread.
pub(crate) fn inline_write_text(sql: &str) -> bool {
    let t = sql.trim().trim_end_matches(';');
    if t.len() > 4096 || t.contains(';') {
        return false;
    }
    if !["INSERT", "REPLACE", "UPDATE", "DELETE"]
        .iter()
        .any(|w| t.get(..w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w)))
    {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    !["select", "sleep", "benchmark", "_lock", ":="]
        .iter()
        .any(|w| lower.contains(w))
}

/// Commits DDL: ends an open transaction first (implicit commit, as MySQL).
pub(crate) fn implicit_commit(engine: &Engine, session: &mut Session) {
    if let Some(t) = session.txn.take() {
        engine.store.commit(t, &mut session.temp);
    }
    session.in_transaction = false;
}

pub(crate) fn bind_plan(
    engine: &Engine,
    session: &Session,
    script: Option<&Script<'_>>,
    q: &ast::Query,
) -> Result<(crate::plan::Plan, usize), EngineError> {
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    b.script = script.map(|s| unsafe_script(s));
    let first = first_select(&q.body);
    b.calc_found_rows_at = first.map_or(0, |s| std::ptr::from_ref(s).addr());
    let (mut root, columns) = b.query_plan(q)?;
    if first
        .and_then(|s| s.select_modifiers.as_ref())
        .is_some_and(|m| m.sql_calc_found_rows)
    {
        count_all_rows(&mut root);
    }
    let mut root = optimize(root, &mut b.registers);
    crate::plan::prune::prune_columns(&mut root);
    let plan = crate::plan::Plan {
        root,
        columns,
        registers: b.registers,
        subqueries: b.subqueries,
        ctes: b.ctes,
        warnings: std::mem::take(&mut b.warnings),
        reads: b.reads.take(),
        column_reads: b.column_reads.take(),
    };
    Ok((plan, b.params))
}

/// The first SELECT block of a query body (the one SQL_CALC_FOUND_ROWS belongs on; for a
/// UNION it counts the whole union's rows).
fn first_select(body: &ast::SetExpr) -> Option<&ast::Select> {
    match body {
        ast::SetExpr::Select(s) => Some(s),
        ast::SetExpr::SetOperation { left, .. } => first_select(left),
        ast::SetExpr::Query(q) => first_select(&q.body),
        _ => None,
    }
}

/// SQL_CALC_FOUND_ROWS: the query's own LIMIT (the outermost node, under any WITH) counts
/// the rows past it. Without a LIMIT every row is sent and the sent rows are the count.
fn count_all_rows(node: &mut crate::plan::Node) {
    match node {
        crate::plan::Node::Limit { count_all, .. } => *count_all = true,
        crate::plan::Node::With { input, .. } => count_all_rows(input),
        _ => {}
    }
}

// The binder borrows the script for select-item texts only while binding.
fn unsafe_script<'a>(s: &'a Script<'a>) -> &'a Script<'a> {
    s
}

/// Result-set columns of a plan.
pub(crate) fn columns_of(plan: &crate::plan::Plan) -> Vec<Column> {
    plan.columns
        .iter()
        .map(|c| {
            let (schema, table, org_table, org_name) = match &c.origin {
                Some(o) => (
                    o.schema.clone(),
                    o.table.clone(),
                    o.org_table.clone(),
                    o.org_name.clone(),
                ),
                None => Default::default(),
            };
            let mut flags = c.ty.type_flags() | c.flags;
            if !c.nullable {
                flags |= crate::types::flags::NOT_NULL;
            } else {
                flags &= !crate::types::flags::NOT_NULL;
            }
            Column::from_type(
                c.name.clone(),
                org_name,
                table,
                org_table,
                schema,
                &c.ty,
                flags,
            )
        })
        .collect()
}

fn select(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    q: &ast::Query,
) -> Result<Outcome, EngineError> {
    let compiled = cache::compile(engine, session, Some(script), q)?;
    cache::run(engine, session, &compiled)
}

/// Evaluates one expression outside a query (SET, DO) through the pipeline, so that it may
/// hold subqueries over tables.
pub(crate) fn eval_scalar(
    engine: &Engine,
    session: &mut Session,
    e: &ast::Expr,
) -> Result<Value, EngineError> {
    let state = engine.store.latest();
    let (expr, registers, warnings) = {
        let mut b = Binder::new(engine, session, &state);
        (b.expr(e)?.expr, b.registers, b.warnings)
    };
    for (code, message) in warnings {
        session.add_warning("Warning", code, message);
    }
    in_txn(engine, session, |cx| {
        cx.regs.resize(registers.max(16), Value::Null);
        execute::eval(&expr, &[], cx)
    })
}

pub(crate) fn ok(session: &Session, affected: u64, last_id: u64, info: String) -> Outcome {
    Outcome::Ok {
        affected_rows: affected,
        last_insert_id: last_id,
        warnings: session.warning_count(),
        info,
    }
}

/// BEGIN / START TRANSACTION: commits an open transaction and releases LOCK TABLES, then opens one. Its snapshot is
/// taken by its first consistent read, or now `WITH CONSISTENT SNAPSHOT` (REPEATABLE READ
/// only, as InnoDB).
pub(crate) fn begin(
    engine: &Engine,
    session: &mut Session,
    consistent_snapshot: bool,
    read_only: bool,
) {
    implicit_commit(engine, session);
    // Beginning a transaction releases the table locks of LOCK TABLES.
    session.locked_tables = None;
    let read_only = read_only || session_read_only(session);
    let mut txn = engine.store.begin(session_isolation(session), read_only);
    if consistent_snapshot && txn.keeps_snapshot() {
        txn.snapshot = Some(engine.store.latest());
    }
    session.txn = Some(txn);
    session.in_transaction = true;
}

/// COMMIT.
pub(crate) fn commit(engine: &Engine, session: &mut Session) {
    implicit_commit(engine, session);
}

/// ROLLBACK.
pub(crate) fn rollback(engine: &Engine, session: &mut Session) {
    settle(engine, session);
    if let Some(t) = session.txn.take() {
        engine.store.rollback(t);
    }
    session.in_transaction = false;
}

/// Hands out the next AUTO_INCREMENT value of a table whose counter is `counter` (the least
/// value it may give): with the session's auto_increment_increment and auto_increment_offset,
/// the smallest value of the series offset + N * increment not below the counter (the offset
/// ignored when it is above the increment), as MySQL does; the counter moves past it.
///
/// <https://dev.mysql.com/doc/refman/8.4/en/replication-options-source.html#sysvar_auto_increment_increment>
pub(crate) fn next_auto_increment(
    session: &Session,
    counter: &std::sync::atomic::AtomicU64,
) -> u64 {
    let var = |name: &str| {
        session
            .vars
            .get(name)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(1)
            .clamp(1, 65_535)
    };
    let step = var("auto_increment_increment");
    if step == 1 {
        return counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let offset = match var("auto_increment_offset") {
        o if o > step => 1,
        o => o,
    };
    let series = |least: u64| {
        if least <= offset {
            offset
        } else {
            let n = (least - offset).div_ceil(step);
            n.saturating_mul(step).saturating_add(offset)
        }
    };
    let before = counter
        .fetch_update(
            std::sync::atomic::Ordering::Relaxed,
            std::sync::atomic::Ordering::Relaxed,
            |c| Some(series(c).saturating_add(1)),
        )
        .unwrap_or_else(|c| c);
    series(before)
}
