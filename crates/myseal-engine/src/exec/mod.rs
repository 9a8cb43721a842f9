//! Statement execution, one file per statement family.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-statements.html>
//!
//! [`execute`] dispatches a parsed statement; anything not handled yet is ER_NOT_SUPPORTED_YET.

pub(crate) mod account;
pub(crate) mod database;
pub(crate) mod grant;
pub(crate) mod names;
pub(crate) mod role;
pub(crate) mod select;
pub(crate) mod set;
pub(crate) mod show;
pub(crate) mod txn;

use sqlparser::ast::{ObjectName, ObjectNamePart, ObjectType, SchemaName, Statement, Use};

use crate::error::EngineError;
use crate::parse::{Parsed, Script, Stmt};
use crate::{Engine, Outcome, Session};

/// OK outcome carrying the session's warning count.
pub(crate) fn ok(session: &Session, affected_rows: u64) -> Outcome {
    Outcome::Ok {
        affected_rows,
        last_insert_id: 0,
        warnings: session.warning_count(),
        info: String::new(),
    }
}

/// Single-part object name (database names), unquoted.
pub(crate) fn simple_name(name: &ObjectName) -> Result<String, EngineError> {
    match name.0.as_slice() {
        [ObjectNamePart::Identifier(id)] => Ok(id.value.clone()),
        _ => Err(EngineError::wrong_db_name(&name.to_string())),
    }
}

/// Runs one statement.
pub(crate) fn execute(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    parsed: Parsed,
) -> Result<Outcome, EngineError> {
    let unsupported = || EngineError::not_supported(&parsed.head);
    match parsed.stmt {
        Stmt::Unsupported => Err(unsupported()),
        Stmt::LoadData(spec) => crate::stmt::load::start(engine, session, spec),
        Stmt::SqlPrepare { name, source } => engine.sql_prepare(session, &name, &source),
        Stmt::SqlDeallocate { name } => engine.sql_deallocate(session, &name),
        // Engine::execute runs EXECUTE itself (it yields the prepared statement's results).
        Stmt::SqlExecute { .. } => Err(crate::error::EngineError::unsupported_ps()),
        Stmt::Account(stmt) => account::run(engine, session, &stmt),
        Stmt::Failed(e) => Err(e),
        Stmt::Set(items) => set::run(engine, session, script, &items),
        Stmt::Do(exprs) => {
            for e in &exprs {
                crate::stmt::eval_scalar(engine, session, e)?;
            }
            Ok(ok(session, 0))
        }
        Stmt::ShowWarnings {
            errors,
            count,
            limit,
            offset,
        } => show::warnings(
            engine,
            session,
            script,
            errors,
            count,
            limit.as_deref(),
            offset.as_deref(),
        ),
        Stmt::StartTransaction {
            consistent_snapshot,
            read_only,
        } => Ok(txn::begin(engine, session, consistent_snapshot, read_only)),
        Stmt::AlterTable { alter, extras } => {
            crate::stmt::alter_table_with(engine, session, &alter, &extras)
        }
        Stmt::ShowIndex { table, db, filter } => {
            crate::stmt::show::show_index(engine, session, &table, db, filter.as_ref())
        }
        Stmt::ShowTableStatus { db, filter } => {
            crate::stmt::show::show_table_status(engine, session, db, filter.as_ref())
        }
        Stmt::ShowCreateDatabase {
            name,
            if_not_exists,
        } => crate::stmt::show::show_create_database(engine, session, &name, if_not_exists),
        Stmt::CloneDatabase {
            name,
            source,
            if_not_exists,
        } => database::clone(engine, session, &name, &source, if_not_exists),
        Stmt::Database(spec) => database::run(engine, session, &spec),
        Stmt::ShowEngines => Ok(crate::stmt::show::show_engines()),
        Stmt::ShowCharset(filter) => {
            crate::stmt::show::show_charset(engine, session, filter.as_ref())
        }
        Stmt::ShowCollation(filter) => {
            crate::stmt::show::show_collation(engine, session, filter.as_ref())
        }
        Stmt::LockTables(items) => crate::stmt::admin::lock_tables(engine, session, &items),
        Stmt::UnlockTables => Ok(crate::stmt::admin::unlock_tables(engine, session)),
        Stmt::TableMaintenance { op, tables } => {
            crate::stmt::admin::maintenance(engine, session, op, &tables)
        }
        Stmt::View(spec) => crate::stmt::view::create(engine, session, &spec),
        Stmt::Trigger(t) => {
            use crate::parse::compound::TriggerStmt as T;
            use crate::stmt::procedure;
            match &*t {
                T::CreateProcedure(spec) => procedure::create(engine, session, spec),
                T::ShowCreateProcedure(name) => {
                    procedure::show_create(engine, session, name, false)
                }
                T::ShowCreateFunction(name) => procedure::show_create(engine, session, name, true),
                T::DropFunction { if_exists, name } => {
                    procedure::drop(engine, session, name, *if_exists, true)
                }
                T::AlterRoutine {
                    function,
                    name,
                    chars,
                } => crate::stmt::function::alter(engine, session, *function, name, chars),
                T::ShowRoutineStatus { function, filter } => {
                    procedure::show_status(engine, session, *function, filter.as_ref())
                }
                T::DropProcedure { if_exists, name } => {
                    procedure::drop(engine, session, name, *if_exists, false)
                }
                // `Engine::execute` answers CALL with all its results; this is the last.
                T::Call { name, args } => procedure::call(engine, session, name, args)
                    .and_then(|r| r.map_err(|(_, e)| e))
                    .map(|mut outs| outs.pop().unwrap_or_else(|| ok(session, 0))),
                _ => crate::stmt::trigger::run(engine, session, &t),
            }
        }
        Stmt::ReloadTls { rollback_on_error } => {
            show::reload_tls(engine, session, rollback_on_error)
        }
        Stmt::Sql(stmt) if crate::stmt::uses_tables(&stmt) => {
            crate::stmt::run(engine, session, script, &stmt)
        }
        Stmt::Sql(stmt) => match *stmt {
            Statement::ShowVariables { filter, global, .. } => {
                show::variables(engine, session, script, filter.as_ref(), global)
            }
            Statement::ShowStatus { filter, global, .. } => {
                show::status(engine, session, script, filter.as_ref(), global)
            }
            Statement::ShowDatabases { show_options, .. }
            | Statement::ShowSchemas { show_options, .. } => {
                show::databases(engine, session, script, &show_options)
            }
            Statement::CreateDatabase {
                db_name,
                if_not_exists,
                ..
            } => database::create(engine, session, &simple_name(&db_name)?, if_not_exists),
            Statement::CreateSchema {
                schema_name: SchemaName::Simple(name),
                if_not_exists,
                ..
            } => database::create(engine, session, &simple_name(&name)?, if_not_exists),
            Statement::Drop {
                object_type: ObjectType::Database | ObjectType::Schema,
                if_exists,
                names,
                ..
            } => match names.as_slice() {
                [name] => database::drop(engine, session, &simple_name(name)?, if_exists),
                _ => Err(unsupported()),
            },
            Statement::Use(Use::Object(name) | Use::Database(name) | Use::Schema(name)) => {
                database::use_database(engine, session, &simple_name(&name)?)
                    .map(|()| ok(session, 0))
            }
            Statement::StartTransaction {
                statements,
                exception,
                has_end_keyword: false,
                modes,
                ..
            } if statements.is_empty() && exception.is_none() => {
                let read_only = modes.iter().any(|m| {
                    matches!(
                        m,
                        sqlparser::ast::TransactionMode::AccessMode(
                            sqlparser::ast::TransactionAccessMode::ReadOnly
                        )
                    )
                });
                let consistent = parsed.head.contains("CONSISTENT");
                Ok(txn::begin(engine, session, consistent, read_only))
            }
            Statement::Kill { modifier, id } => {
                let query_only = matches!(modifier, Some(sqlparser::ast::KillType::Query));
                show::kill(engine, session, id, query_only)
            }
            Statement::ShowProcessList { full } => show::processlist(engine, session, full),
            ref flush @ Statement::Flush { .. } => {
                crate::stmt::admin::flush(engine, session, flush)
            }
            Statement::Commit { end: false, .. } => Ok(txn::commit(engine, session)),
            Statement::Rollback {
                savepoint: None, ..
            } => Ok(txn::rollback(engine, session)),
            Statement::Rollback {
                savepoint: Some(name),
                ..
            } => txn::rollback_to(session, &name.value),
            Statement::Savepoint { name } => Ok(txn::savepoint(session, &name.value)),
            Statement::ReleaseSavepoint { name } => txn::release(session, &name.value),
            _ => Err(unsupported()),
        },
    }
}

/// Whether a statement counts against MAX_UPDATES_PER_HOUR: the statements MySQL flags
/// `CF_CHANGES_DATA` (writes to tables, DDL, account and privilege changes).
pub(crate) fn changes_data(stmt: &crate::parse::Stmt) -> bool {
    use crate::parse::Stmt;
    use account::AccountStmt as A;
    match stmt {
        Stmt::Sql(s) => matches!(
            **s,
            Statement::Insert(_)
                | Statement::Update(_)
                | Statement::Delete(_)
                | Statement::CreateTable(_)
                | Statement::CreateIndex(_)
                | Statement::AlterTable(_)
                | Statement::Truncate(_)
                | Statement::Drop { .. }
                | Statement::CreateDatabase { .. }
                | Statement::CreateSchema { .. }
                | Statement::CreateView(_)
                | Statement::RenameTable(_)
                | Statement::LoadData { .. }
        ),
        Stmt::AlterTable { .. }
        | Stmt::CloneDatabase { .. }
        | Stmt::Database(_)
        | Stmt::View(_) => true,
        Stmt::Trigger(t) => matches!(
            **t,
            crate::parse::compound::TriggerStmt::Create(_)
                | crate::parse::compound::TriggerStmt::Drop { .. }
                | crate::parse::compound::TriggerStmt::CreateProcedure(_)
                | crate::parse::compound::TriggerStmt::DropProcedure { .. }
                | crate::parse::compound::TriggerStmt::DropFunction { .. }
                | crate::parse::compound::TriggerStmt::AlterRoutine { .. }
                | crate::parse::compound::TriggerStmt::Call { .. }
        ),
        Stmt::Account(a) => matches!(
            **a,
            A::CreateUser { .. }
                | A::AlterUser { .. }
                | A::DropUser { .. }
                | A::RenameUser(_)
                | A::SetPassword { .. }
                | A::CreateRole { .. }
                | A::DropRole { .. }
                | A::GrantRoles { .. }
                | A::RevokeRoles { .. }
                | A::Grant { .. }
                | A::Revoke { .. }
        ),
        _ => false,
    }
}

/// What a session whose password has expired may run: a password change (ALTER USER,
/// SET PASSWORD) and SET.
pub(crate) fn sandbox_allows(stmt: &crate::parse::Stmt) -> bool {
    use crate::parse::Stmt;
    match stmt {
        Stmt::Set(_) => true,
        Stmt::Account(a) => matches!(
            **a,
            account::AccountStmt::AlterUser { .. } | account::AccountStmt::SetPassword { .. }
        ),
        _ => false,
    }
}
