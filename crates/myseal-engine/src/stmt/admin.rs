//! LOCK TABLES / UNLOCK TABLES, FLUSH, and the table maintenance statements ANALYZE, OPTIMIZE,
//! CHECK and CHECKSUM TABLE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/lock-tables.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/flush.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/table-maintenance-statements.html>
//!
//! LOCK TABLES commits the open transaction, then records the tables in the session
//! (`Session::locked_tables`). Until UNLOCK TABLES (or START TRANSACTION/BEGIN, which release
//! them), the binder refuses any other base table with ER_TABLE_NOT_LOCKED (1100) and a write
//! to a READ-locked table fails with ER_TABLE_NOT_LOCKED_FOR_WRITE (1099). Locking a view locks
//! it and the tables (and views) it reads, those only for use through a view. Not enforced, unlike
//! MySQL: other sessions are not blocked (a READ lock does not stop their writes, a WRITE lock
//! does not stop their reads or writes: rows are MVCC and row-locked as usual); a table locked
//! under an alias may still be named by its table name and vice versa (MySQL wants the
//! name it was locked under); DDL on a READ-locked table and CREATE TABLE are not refused; information_schema and temporary tables need no lock (as in MySQL).
//!
//! The maintenance statements have nothing to do on in-memory tables: they report what MySQL
//! reports for an InnoDB table that is fine, whatever the table's `ENGINE=` name (every table
//! is stored the same way).

use sqlparser::ast::{self as ast, FlushType, Statement};

use crate::bind::name_parts;
use crate::collation::Collation;
use crate::error::EngineError;
use crate::infoschema;
use crate::parse::{LockItem, TableOp};
use crate::privilege::{self, Privs};
use crate::types::{SqlType, flags};
use crate::value::Value;
use crate::{Column, Engine, LockedTable, Outcome, Session};

use super::{implicit_commit, ok};

/// `[db.]table` of a statement, with the current database for an unqualified name (1046
/// without one).
fn qualified(session: &Session, name: &ast::ObjectName) -> Result<(String, String), EngineError> {
    let mut parts = name_parts(name);
    let table = parts.pop().unwrap_or_default();
    let schema = match parts.pop() {
        Some(s) => s,
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    Ok((schema, table))
}

/// LOCK {TABLE | TABLES} t [[AS] alias] {READ [LOCAL] | [LOW_PRIORITY] WRITE} [, ...]: commits
/// the open transaction, releases the session's table locks, then locks the named tables.
pub(crate) fn lock_tables(
    engine: &Engine,
    session: &mut Session,
    items: &[LockItem],
) -> Result<Outcome, EngineError> {
    implicit_commit(engine, session);
    session.locked_tables = None;
    let state = engine.store.latest();
    let mut locked: Vec<LockedTable> = Vec::with_capacity(items.len());
    for item in items {
        let (schema, table) = qualified(session, &item.name)?;
        let alias = item.alias.clone().unwrap_or_else(|| table.clone());
        if locked.iter().any(|l| !l.via_view && l.alias == alias) {
            return Err(EngineError::new(
                1066,
                "42000",
                format!("Not unique table/alias: '{alias}'"),
            ));
        }
        let def = match session.temp.table(&schema, &table) {
            Some(t) => t.def.clone(),
            None if state.view(&schema, &table).is_some() => {
                privilege::check_db(engine, session, &schema, Privs::LOCK_TABLES)?;
                privilege::check_table(engine, session, &schema, &table, Privs::SELECT)?;
                locked.push(LockedTable {
                    schema: schema.clone(),
                    name: table.clone(),
                    alias,
                    write: item.write,
                    via_view: false,
                });
                lock_view_tables(&state, &schema, &table, item.write, &mut locked, 0)?;
                continue;
            }
            None => {
                privilege::check_db(engine, session, &schema, Privs::LOCK_TABLES)?;
                privilege::check_table(engine, session, &schema, &table, Privs::SELECT)?;
                state
                    .table(&schema, &table)
                    .map(|t| t.def.clone())
                    .ok_or_else(|| EngineError::no_such_table(&schema, &table))?
            }
        };
        locked.push(LockedTable {
            schema: def.schema.clone(),
            name: def.name.clone(),
            alias,
            write: item.write,
            via_view: false,
        });
    }
    session.lock_generation += 1;
    session.locked_tables = Some(locked);
    Ok(ok(session, 0, 0, String::new()))
}

/// The tables (and views) the view `schema.name` reads, locked with its lock for use through
/// views only: MySQL's LOCK TABLES of a view locks the tables it uses. Not like MySQL: a table
/// the view reads only in a subquery gets the view's lock, not a READ lock.
fn lock_view_tables(
    state: &crate::storage::State,
    schema: &str,
    name: &str,
    write: bool,
    locked: &mut Vec<LockedTable>,
    depth: usize,
) -> Result<(), EngineError> {
    let Some(view) = state.view(schema, name) else {
        return Ok(());
    };
    if depth > 32 {
        return Err(crate::bind::view::view_recursive(schema, name));
    }
    let query = crate::bind::view::parse_select(view)?;
    for n in crate::bind::view::tables_named(&query) {
        let mut parts = name_parts(&n);
        let Some(table) = parts.pop() else { continue };
        let db = parts.pop().unwrap_or_else(|| view.schema.clone());
        if locked
            .iter()
            .any(|l| l.via_view && l.schema == db && l.name == table && l.write == write)
        {
            continue;
        }
        locked.push(LockedTable {
            schema: db.clone(),
            name: table.clone(),
            alias: String::new(),
            write,
            via_view: true,
        });
        lock_view_tables(state, &db, &table, write, locked, depth + 1)?;
    }
    Ok(())
}

/// UNLOCK {TABLE | TABLES}: releases the session's table locks, committing the open
/// transaction if LOCK TABLES was in effect (as MySQL does). It also ends FLUSH TABLES WITH
/// READ LOCK, which holds nothing here.
pub(crate) fn unlock_tables(engine: &Engine, session: &mut Session) -> Outcome {
    if session.locked_tables.take().is_some() {
        implicit_commit(engine, session);
    }
    ok(session, 0, 0, String::new())
}

/// FLUSH ...: OK, doing nothing, which is the truth for an in-memory server for FLUSH TABLES
/// (no table cache or files to close), FLUSH LOGS and its variants (no log files), FLUSH HOSTS
/// and FLUSH OPTIMIZER_COSTS. FLUSH USER_RESOURCES resets every account's per-hour counts. Not like MySQL: FLUSH STATUS does not reset
/// the session's status counters, and FLUSH TABLES WITH READ LOCK takes no global read lock
/// (other sessions may go on writing; a consistent dump should use START TRANSACTION WITH
/// CONSISTENT SNAPSHOT, which mysqldump --single-transaction does). FLUSH PRIVILEGES is an
/// account statement (`exec::account`). Every FLUSH but FLUSH TABLES WITH READ LOCK commits
/// the open transaction, as in MySQL. On a server with a data directory (`--datadir`), FLUSH
/// TABLES [names] without WITH READ LOCK saves the whole state there (ER 1026 if it cannot).
pub(crate) fn flush(
    engine: &Engine,
    session: &mut Session,
    stmt: &Statement,
) -> Result<Outcome, EngineError> {
    let Statement::Flush {
        object_type,
        read_lock,
        export,
        ..
    } = stmt
    else {
        return Err(EngineError::not_supported("this FLUSH statement"));
    };
    if *export {
        return Err(EngineError::not_supported("FLUSH TABLES ... FOR EXPORT"));
    }
    // RELOAD, or the dynamic privilege of that FLUSH (MySQL 8.4).
    let dynamic = match object_type {
        FlushType::Tables => Some("FLUSH_TABLES"),
        FlushType::Status => Some("FLUSH_STATUS"),
        FlushType::OptimizerCosts => Some("FLUSH_OPTIMIZER_COSTS"),
        FlushType::UserResources => Some("FLUSH_USER_RESOURCES"),
        _ => None,
    };
    match dynamic {
        Some(d) => privilege::check_global(
            engine,
            session,
            Privs::RELOAD,
            &[d],
            &format!("RELOAD or {d}"),
        )?,
        None => privilege::check_global(engine, session, Privs::RELOAD, &[], "RELOAD")?,
    }
    if !(matches!(object_type, FlushType::Tables) && *read_lock) {
        implicit_commit(engine, session);
    }
    if matches!(object_type, FlushType::UserResources) {
        engine.accounts.flush_user_resources();
    }
    // With a data directory, FLUSH TABLES (not WITH READ LOCK) saves the whole state there.
    if matches!(object_type, FlushType::Tables)
        && !*read_lock
        && let Some(p) = engine.persist.get()
    {
        p.save(engine)
            .map_err(|m| EngineError::new(1026, "HY000", m))?;
    }
    Ok(ok(session, 0, 0, String::new()))
}

fn text_column(name: &str, chars: u32, nullable: bool) -> Column {
    let ty = SqlType::varchar(chars, Collation::Utf8mb3_general_ci);
    let mut f = ty.type_flags();
    if !nullable {
        f |= flags::NOT_NULL;
    }
    Column::from_type(
        name.into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        &ty,
        f,
    )
}

/// ANALYZE / OPTIMIZE / CHECK / CHECKSUM TABLE t [, t] ...: one or more rows per table.
pub(crate) fn maintenance(
    engine: &Engine,
    session: &mut Session,
    op: TableOp,
    tables: &[ast::ObjectName],
) -> Result<Outcome, EngineError> {
    // CHECKSUM and CHECK read the table; ANALYZE and OPTIMIZE also write statistics.
    let need = match op {
        TableOp::Checksum | TableOp::Check => Privs::SELECT,
        _ => Privs::SELECT | Privs::INSERT,
    };
    for name in tables {
        let (schema, table) = qualified(session, name)?;
        if session.temp.table(&schema, &table).is_none()
            && infoschema::lookup(&schema, &table).is_none()
        {
            privilege::check_table(engine, session, &schema, &table, need)?;
        }
    }
    if op == TableOp::Checksum {
        return checksum(engine, session, tables);
    }
    // ANALYZE, OPTIMIZE and CHECK TABLE commit the open transaction (CHECKSUM does not).
    implicit_commit(engine, session);
    let state = engine.store.latest();
    let mut rows = Vec::new();
    for name in tables {
        let (schema, table) = qualified(session, name)?;
        let shown = format!("{schema}.{table}");
        let row = |msg_type: &str, text: &str| {
            vec![
                Value::str(shown.clone()),
                Value::str(op.name()),
                Value::str(msg_type),
                Value::str(text),
            ]
        };
        if infoschema::lookup(&schema, &table).is_some() {
            rows.push(row(
                "note",
                &format!(
                    "The storage engine for the table doesn't support {}",
                    op.name()
                ),
            ));
            continue;
        }
        let exists =
            session.temp.table(&schema, &table).is_some() || state.table(&schema, &table).is_some();
        if !exists {
            rows.push(row(
                "Error",
                &EngineError::no_such_table(&schema, &table).message,
            ));
            rows.push(row("status", "Operation failed"));
            continue;
        }
        if op == TableOp::Optimize {
            rows.push(row(
                "note",
                "Table does not support optimize, doing recreate + analyze instead",
            ));
        }
        rows.push(row("status", "OK"));
    }
    Ok(Outcome::Rows {
        columns: vec![
            text_column("Table", 128, false),
            text_column("Op", 10, false),
            text_column("Msg_type", 10, false),
            text_column("Msg_text", 512, false),
        ],
        rows,
    })
}

/// CHECKSUM TABLE t [, t] ... [QUICK | EXTENDED]: a checksum of each table's committed rows (the
/// session's own uncommitted changes are not included), or NULL with an error-level warning
/// (1146) for a table that does not exist. The value is the 32-bit wrapping sum of a CRC-32 per
/// row (so it does not depend on row order, and an empty table gives 0), computed over the
/// rows' values as text with a marker for NULL: deterministic, but not MySQL's number for the
/// same rows (MySQL's row CRCs cover its on-disk record format).
fn checksum(
    engine: &Engine,
    session: &mut Session,
    tables: &[ast::ObjectName],
) -> Result<Outcome, EngineError> {
    let state = engine.store.latest();
    let mut rows = Vec::new();
    for name in tables {
        let (schema, table) = qualified(session, name)?;
        let shown = format!("{schema}.{table}");
        let data = session
            .temp
            .table(&schema, &table)
            .or_else(|| state.table(&schema, &table));
        let value = match data {
            Some(t) => {
                let mut sum: u32 = 0;
                let mut bytes = Vec::new();
                for row in t.data.rows.iter() {
                    bytes.clear();
                    for v in row.iter() {
                        match v.to_text() {
                            Some(b) => {
                                bytes.push(1);
                                bytes.extend_from_slice(&(b.len() as u64).to_le_bytes());
                                bytes.extend_from_slice(&b);
                            }
                            None => bytes.push(0),
                        }
                    }
                    sum = sum.wrapping_add(crate::func::crc32(&bytes));
                }
                Value::UInt(u64::from(sum))
            }
            None => {
                let e = EngineError::no_such_table(&schema, &table);
                session.add_warning("Error", e.code, e.message);
                Value::Null
            }
        };
        rows.push(vec![Value::str(shown), value]);
    }
    let ty = SqlType::bigint();
    Ok(Outcome::Rows {
        columns: vec![
            text_column("Table", 128, false),
            Column::from_type(
                "Checksum".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                &ty,
                ty.type_flags(),
            ),
        ],
        rows,
    })
}
