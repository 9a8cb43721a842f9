//! CREATE DATABASE, ALTER DATABASE, DROP DATABASE, USE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-database.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/alter-database.html>
//!
//! A database's default character set and collation are stored in its [`SchemaDef`]: SHOW
//! CREATE DATABASE and information_schema.SCHEMATA show them, `@@character_set_database` and
//! `@@collation_database` follow the current database, and CREATE TABLE takes them as the
//! table's default. `ENCRYPTION = 'N'` is accepted (mysqldump writes it); there is no keyring,
//! so `'Y'` is ER 3185.

use std::sync::Arc;

use crate::catalog::SchemaDef;
use crate::collation::Collation;
use crate::error::EngineError;
use crate::exec::ok;
use crate::parse::forms::{DatabaseSpec, DbOption};
use crate::privilege::Privs;
use crate::{Engine, Outcome, Session, Warning};

fn note(session: &mut Session, e: EngineError) {
    session.warnings.push(Warning {
        level: "Note",
        code: e.code,
        message: e.message,
    });
}

/// CREATE DATABASE [IF NOT EXISTS] with the default character set and collation.
pub(crate) fn create(
    engine: &Engine,
    session: &mut Session,
    name: &str,
    if_not_exists: bool,
) -> Result<Outcome, EngineError> {
    create_with(
        engine,
        session,
        name,
        if_not_exists,
        Collation::Utf8mb4_0900_ai_ci,
    )
}

/// CREATE / ALTER DATABASE with options.
pub(crate) fn run(
    engine: &Engine,
    session: &mut Session,
    spec: &DatabaseSpec,
) -> Result<Outcome, EngineError> {
    if spec.create {
        let name = spec.name.as_deref().unwrap_or_default();
        let coll = resolve_options(&spec.options)?.unwrap_or(Collation::Utf8mb4_0900_ai_ci);
        return create_with(engine, session, name, spec.if_not_exists, coll);
    }
    let name = match &spec.name {
        Some(n) => n.clone(),
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    alter(engine, session, &name, &spec.options)
}

/// The default collation CREATE / ALTER DATABASE options name (None when they name neither a
/// character set nor a collation), after checking them as MySQL does: a character set's
/// default collation unless COLLATE names one of its collations (1253 otherwise), two
/// different character sets are 1302, the last COLLATE wins. `ENCRYPTION` is `'N'` (any case)
/// or, without a keyring, 3185 for `'Y'` and 3184 for anything else.
fn resolve_options(options: &[DbOption]) -> Result<Option<Collation>, EngineError> {
    let mut charset: Option<Collation> = None;
    let mut collation: Option<Collation> = None;
    for option in options {
        match option {
            DbOption::Charset(name) => {
                let c = Collation::default_for_charset(name)
                    .ok_or_else(|| EngineError::unknown_charset(name))?;
                if let Some(prev) = charset
                    && prev.charset() != c.charset()
                {
                    return Err(EngineError::conflicting_charsets(
                        prev.charset(),
                        c.charset(),
                    ));
                }
                charset = Some(c);
            }
            DbOption::Collate(name) => {
                collation = Some(
                    Collation::from_name(name)
                        .ok_or_else(|| EngineError::unknown_collation(name))?,
                );
            }
            DbOption::Encryption(v) if v.eq_ignore_ascii_case("n") => {}
            DbOption::Encryption(v) if v.eq_ignore_ascii_case("y") => {
                return Err(EngineError::no_keyring());
            }
            DbOption::Encryption(_) => return Err(EngineError::invalid_encryption_option()),
        }
    }
    match (charset, collation) {
        (Some(cs), Some(c)) if cs.charset() != c.charset() => {
            Err(EngineError::collation_mismatch(c.name(), cs.charset()))
        }
        (_, Some(c)) => Ok(Some(c)),
        (cs, None) => Ok(cs),
    }
}

/// ALTER DATABASE: the new default character set / collation (ENCRYPTION='N' changes
/// nothing). Affected rows 1, as MySQL reports.
fn alter(
    engine: &Engine,
    session: &mut Session,
    name: &str,
    options: &[DbOption],
) -> Result<Outcome, EngineError> {
    if crate::catalog::is_system_schema(name) {
        return Err(EngineError::db_access_denied(
            &session.info.user,
            &session.info.account_host,
            name,
        ));
    }
    crate::privilege::check_db(engine, session, name, Privs::ALTER)?;
    let coll = resolve_options(options)?;
    crate::stmt::implicit_commit(engine, session);
    engine.store.ddl(|st| {
        let schema = st
            .schemas
            .get_mut(name)
            .ok_or_else(|| EngineError::bad_db(name))?;
        if let Some(collation) = coll {
            schema.def = Arc::new(SchemaDef {
                name: schema.def.name.clone(),
                collation,
            });
        }
        Ok(())
    })?;
    if session.database.as_deref() == Some(name) {
        set_database_vars(engine, session);
    }
    Ok(ok(session, 1))
}

/// `@@character_set_database` / `@@collation_database`: the current database's defaults, or
/// the server's when there is none.
fn set_database_vars(engine: &Engine, session: &mut Session) {
    let (cs, coll) = match session.database.as_deref() {
        Some(db) => {
            let c = crate::infoschema::schema_collation(&engine.store.latest(), db);
            (c.charset().to_string(), c.name().to_string())
        }
        None => {
            let globals = engine.read_globals();
            let get = |n: &str, d: &str| globals.get(n).cloned().unwrap_or_else(|| d.into());
            (
                get("character_set_server", "utf8mb4"),
                get("collation_server", "utf8mb4_0900_ai_ci"),
            )
        }
    };
    session.vars.insert("character_set_database", cs);
    session.vars.insert("collation_database", coll);
}

/// CREATE DATABASE [IF NOT EXISTS]: affected rows 1 (MySQL's count), a Note 1007 if it existed.
fn create_with(
    engine: &Engine,
    session: &mut Session,
    name: &str,
    if_not_exists: bool,
    collation: Collation,
) -> Result<Outcome, EngineError> {
    crate::privilege::check_db(engine, session, name, Privs::CREATE)?;
    crate::stmt::implicit_commit(engine, session);
    let existed = engine.database_exists(name);
    engine.create_database_with(name, collation, if_not_exists)?;
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
                set_database_vars(engine, session);
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
    set_database_vars(engine, session);
    session.track_schema(name);
    Ok(())
}
