//! Statements over tables. Each runs parse → bind → plan (optimize) → execute, inside the
//! session's transaction or an implicit one for autocommit.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-data-manipulation-statements.html>
//!
//! - `mod.rs`: dispatch, transactions (implicit for autocommit; BEGIN/COMMIT/ROLLBACK), SELECT.
//! - `ddl.rs`: CREATE/DROP/TRUNCATE TABLE, SHOW TABLES, DESCRIBE.
//! - `convert.rs`: values into columns (strict mode and its warnings).
//! - `dml.rs`: INSERT/REPLACE, UPDATE, DELETE.

mod convert;
mod ddl;
mod dml;

pub(crate) use convert::convert;

use sqlparser::ast::{self as ast, Statement};

use crate::bind::{Binder, name_parts};
use crate::error::EngineError;
use crate::execute::{self, Ctx};
use crate::parse::Script;
use crate::plan::optimize::optimize;
use crate::storage::Isolation;
use crate::value::Value;
use crate::{Column, Engine, Outcome, Session};

/// True when a statement reads or writes tables (it then runs through the new pipeline).
pub(crate) fn uses_tables(stmt: &Statement) -> bool {
    match stmt {
        Statement::CreateTable(_)
        | Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::ShowTables { .. }
        | Statement::ExplainTable { .. }
        | Statement::Truncate(_) => true,
        Statement::Drop {
            object_type: ast::ObjectType::Table,
            ..
        } => true,
        Statement::Query(_) => {
            let mut found = false;
            let _ = ast::visit_relations(stmt, |r| {
                let n = name_parts(r);
                if !(n.len() == 1 && n[0].eq_ignore_ascii_case("dual")) {
                    found = true;
                }
                std::ops::ControlFlow::<()>::Continue(())
            });
            found
        }
        _ => false,
    }
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
            ..
        } => ddl::drop_tables(engine, session, names, *if_exists),
        Statement::Truncate(t) => {
            let names: Vec<ast::ObjectName> =
                t.table_names.iter().map(|n| n.name.clone()).collect();
            ddl::truncate(engine, session, &names)
        }
        Statement::ShowTables { show_options, .. } => {
            ddl::show_tables(engine, session, show_options)
        }
        Statement::ExplainTable { table_name, .. } => ddl::describe(engine, session, table_name),
        Statement::Query(q) => select(engine, session, script, q),
        Statement::Insert(ins) => dml::insert(engine, session, ins),
        Statement::Update(u) => dml::update(engine, session, u),
        Statement::Delete(d) => dml::delete(engine, session, d),
        _ => Err(EngineError::not_supported("this statement")),
    }
}

/// Runs `f` inside the session's transaction, or an implicit one committed (or rolled back)
/// at the end. A failing statement undoes only its own changes.
pub(crate) fn in_txn<T>(
    engine: &Engine,
    session: &mut Session,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let explicit = session.txn.is_some();
    let mut txn = match session.txn.take() {
        Some(t) => t,
        None => {
            let iso = Isolation::from_name(
                session
                    .vars
                    .get("transaction_isolation")
                    .map(String::as_str)
                    .unwrap_or(""),
            );
            engine.store.begin(iso, false)
        }
    };
    let saved = txn.changes.clone();
    let snapshot = match (&txn.snapshot, txn.isolation) {
        (Some(s), Isolation::RepeatableRead | Isolation::Serializable) => s.clone(),
        _ => {
            let s = engine.store.latest();
            if matches!(
                txn.isolation,
                Isolation::RepeatableRead | Isolation::Serializable
            ) && explicit
            {
                txn.snapshot = Some(s.clone());
            }
            s
        }
    };
    let result = {
        let mut cx = Ctx::new(engine, session, &mut txn, snapshot, &[], 64);
        f(&mut cx)
    };
    match &result {
        Ok(_) => {
            if explicit {
                session.txn = Some(txn);
            } else {
                engine.store.commit(txn);
            }
        }
        Err(e) => {
            if e.code == 1213 {
                // Deadlock: the whole transaction is rolled back.
                engine.store.rollback(txn);
                if explicit {
                    session.in_transaction = false;
                }
            } else if explicit {
                txn.changes = saved;
                session.txn = Some(txn);
            } else {
                engine.store.rollback(txn);
            }
        }
    }
    result
}

/// Commits DDL: ends an open transaction first (implicit commit, as MySQL).
pub(crate) fn implicit_commit(engine: &Engine, session: &mut Session) {
    if let Some(t) = session.txn.take() {
        engine.store.commit(t);
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
    let (root, columns) = b.query_plan(q)?;
    let plan = crate::plan::Plan {
        root: optimize(root),
        columns,
        registers: b.registers,
        subqueries: b.subqueries,
        ctes: b.ctes,
    };
    Ok((plan, b.params))
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
    let (plan, _) = bind_plan(engine, session, Some(script), q)?;
    let columns = columns_of(&plan);
    let fsps: Vec<u8> = plan
        .columns
        .iter()
        .map(|c| if c.ty.is_temporal() { c.ty.scale } else { 0 })
        .collect();
    let registers = plan.registers;
    let rows = in_txn(engine, session, |cx| {
        cx.regs.resize(registers.max(16), Value::Null);
        let mut rows = Vec::new();
        execute::run_plan(&plan, cx, &mut |r| {
            rows.push(r);
            Ok(())
        })?;
        Ok(rows)
    })?;
    let _ = fsps;
    session.found_rows = rows.len() as u64;
    session.row_count = -1;
    Ok(Outcome::Rows { columns, rows })
}

pub(crate) fn ok(session: &Session, affected: u64, last_id: u64, info: String) -> Outcome {
    Outcome::Ok {
        affected_rows: affected,
        last_insert_id: last_id,
        warnings: session.warning_count(),
        info,
    }
}

/// BEGIN / START TRANSACTION.
pub(crate) fn begin(
    engine: &Engine,
    session: &mut Session,
    consistent_snapshot: bool,
    read_only: bool,
) {
    implicit_commit(engine, session);
    let iso = Isolation::from_name(
        session
            .vars
            .get("transaction_isolation")
            .map(String::as_str)
            .unwrap_or(""),
    );
    let mut txn = engine.store.begin(iso, read_only);
    if consistent_snapshot {
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
    if let Some(t) = session.txn.take() {
        engine.store.rollback(t);
    }
    session.in_transaction = false;
}
