//! CREATE DATABASE, DROP DATABASE, USE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-database.html>

use crate::error::EngineError;
use crate::exec::ok;
use crate::privilege::Privs;
use crate::{Engine, Outcome, Session, Warning};

fn note(session: &mut Session, e: EngineError) {
    session.warnings.push(Warning {
        level: "Note",
        code: e.code,
        message: e.message,
    });
}

/// CREATE DATABASE [IF NOT EXISTS]: affected rows 1 (MySQL's count), a Note 1007 if it existed.
pub(crate) fn create(
    engine: &Engine,
    session: &mut Session,
    name: &str,
    if_not_exists: bool,
) -> Result<Outcome, EngineError> {
    crate::privilege::check_db(engine, session, name, Privs::CREATE)?;
    let existed = engine.database_exists(name);
    engine.create_database(name, if_not_exists)?;
    if existed {
        note(session, EngineError::db_create_exists(name));
        return Ok(ok(session, 0));
    }
    Ok(ok(session, 1))
}

/// `CREATE DATABASE [IF NOT EXISTS] name CLONE source`: needs CREATE on the new database and
/// SELECT on the source; commits an open transaction first, as DDL does. Affected rows 1.
pub(crate) fn clone(
    engine: &Engine,
    session: &mut Session,
    name: &str,
    source: &str,
    if_not_exists: bool,
) -> Result<Outcome, EngineError> {
    crate::privilege::check_db(engine, session, name, Privs::CREATE)?;
    crate::privilege::check_db(engine, session, source, Privs::SELECT)?;
    if let Some(t) = session.txn.take() {
        engine.store.commit(t, &mut session.temp);
        session.in_transaction = false;
    }
    if if_not_exists && engine.database_exists(name) {
        note(session, EngineError::db_create_exists(name));
        return Ok(ok(session, 0));
    }
    engine.clone_database(source, name)?;
    Ok(ok(session, 1))
}

/// DROP DATABASE [IF EXISTS]: affected rows = tables dropped (0 for now).
pub(crate) fn drop(
    engine: &Engine,
    session: &mut Session,
    name: &str,
    if_exists: bool,
) -> Result<Outcome, EngineError> {
    if crate::catalog::is_system_schema(name) {
        return Err(EngineError::db_access_denied(
            &session.info.user,
            &session.info.account_host,
            name,
        ));
    }
    crate::privilege::check_db(engine, session, name, Privs::DROP)?;
    if let Some(t) = session.txn.take() {
        engine.store.commit(t, &mut session.temp);
        session.in_transaction = false;
    }
    let dropped = engine.store.drop_schema(name, if_exists)?;
    let tables = match dropped {
        None => {
            note(session, EngineError::db_drop_exists(name));
            0
        }
        Some(n) => {
            if session.database.as_deref() == Some(name) {
                session.database = None;
            }
            n
        }
    };
    Ok(ok(session, tables as u64))
}

/// USE db / COM_INIT_DB.
pub(crate) fn use_database(
    engine: &Engine,
    session: &mut Session,
    name: &str,
) -> Result<(), EngineError> {
    // Privileges first: a database the account may not use is 1044 whether it exists or not.
    if !name.eq_ignore_ascii_case("information_schema") {
        crate::privilege::check_db_visible(engine, session, name)?;
    }
    if !engine.database_exists(name) {
        return Err(EngineError::bad_db(name));
    }
    session.database = Some(name.to_string());
    session.track_schema(name);
    Ok(())
}
