//! SET: system variables, user variables, NAMES, CHARACTER SET, TRANSACTION.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/set-variable.html>
//!
//! Like MySQL, every system variable assignment is evaluated and checked before any is applied,
//! so a failing `SET a=1, b=bad` changes no system variable. User variables are assigned as they
//! are evaluated.

use crate::error::EngineError;
use crate::exec::ok;
use crate::parse::{Script, SetItem, SetValue, VarScope};
use crate::vars::{self, RO, SESSION_RO, Scope};
use crate::{Engine, Outcome, Session, Value};

enum Action {
    Global(&'static str, String),
    Session(&'static str, String),
    LastInsertId(u64),
    /// SET NAMES: the exact collation character_set_results takes (after its Session action).
    ResultsCollation(crate::collation::Collation),
}

fn names_actions(
    charset: Option<&str>,
    collation: Option<&str>,
    session: &Session,
) -> Result<Vec<Action>, EngineError> {
    let (cs, default_coll) = match charset {
        None => ("utf8mb4", "utf8mb4_0900_ai_ci"),
        Some(name) => vars::charset(name).ok_or_else(|| EngineError::unknown_charset(name))?,
    };
    let coll = match collation {
        Some(c) => {
            let (c, coll_cs) = vars::collation(c)?;
            if coll_cs != cs {
                return Err(EngineError::collation_mismatch(&c, cs));
            }
            c
        }
        None if cs == "utf8mb4" => session
            .vars
            .get("default_collation_for_utf8mb4")
            .cloned()
            .unwrap_or_else(|| default_coll.to_string()),
        None => default_coll.to_string(),
    };
    let exact = crate::collation::Collation::from_name(&coll);
    let mut actions = vec![
        Action::Session("character_set_client", cs.to_string()),
        Action::Session("character_set_connection", cs.to_string()),
        Action::Session("character_set_results", cs.to_string()),
        Action::Session("collation_connection", coll),
    ];
    actions.extend(exact.map(Action::ResultsCollation));
    Ok(actions)
}

/// Runs a SET statement.
pub(crate) fn run(
    engine: &Engine,
    session: &mut Session,
    _script: &Script<'_>,
    items: &[SetItem],
) -> Result<Outcome, EngineError> {
    let mut actions = Vec::new();
    for item in items {
        match item {
            SetItem::System { scope, name, value } => {
                let def =
                    vars::lookup(name).ok_or_else(|| EngineError::unknown_system_variable(name))?;
                let scope = scope.unwrap_or(VarScope::Session);
                if def.flags & RO != 0 {
                    return Err(EngineError::incorrect_global_local_var(
                        def.name,
                        "read only",
                    ));
                }
                match (scope, def.scope) {
                    (VarScope::Global, Scope::Session) => {
                        return Err(EngineError::local_variable(def.name));
                    }
                    (VarScope::Session, Scope::Global) => {
                        return Err(EngineError::global_variable(def.name));
                    }
                    (VarScope::Session, _) if def.flags & SESSION_RO != 0 => {
                        return Err(EngineError::session_read_only(def.name));
                    }
                    _ => {}
                }
                let stored = match value {
                    SetValue::Default => match scope {
                        VarScope::Global => def.default.to_string(),
                        VarScope::Session if def.scope == Scope::Session => def.default.to_string(),
                        VarScope::Session => engine
                            .read_globals()
                            .get(def.name)
                            .cloned()
                            .unwrap_or_else(|| def.default.to_string()),
                    },
                    SetValue::Word(w) => vars::normalize(def, &Value::str(w.clone()))?,
                    SetValue::Expr(e) => {
                        let v = crate::stmt::eval_scalar(engine, session, e)?;
                        vars::normalize(def, &v)?
                    }
                };
                if def.name == "require_secure_transport" && stored == "ON" {
                    let have_ssl = engine
                        .read_globals()
                        .get("have_ssl")
                        .cloned()
                        .unwrap_or_default();
                    if have_ssl != "YES" {
                        return Err(EngineError::no_secure_transports());
                    }
                }
                if matches!(def.name, "last_insert_id" | "identity") {
                    actions.push(Action::LastInsertId(stored.parse().unwrap_or(0)));
                }
                actions.push(match scope {
                    VarScope::Global => Action::Global(def.name, stored),
                    VarScope::Session => Action::Session(def.name, stored),
                });
            }
            SetItem::User { name, value } => {
                let v = crate::stmt::eval_scalar(engine, session, value)?;
                // User variables are visible to later items of the same SET (`SET @a=1, @b=@a`).
                session.user_vars.insert(name.to_lowercase(), v);
                session.note_state_change();
            }
            SetItem::Names { charset, collation } => {
                actions.extend(names_actions(
                    charset.as_deref(),
                    collation.as_deref(),
                    session,
                )?);
            }
            SetItem::CharacterSet(charset) => {
                let cs = match charset {
                    None => "utf8mb4",
                    Some(name) => {
                        vars::charset(name)
                            .ok_or_else(|| EngineError::unknown_charset(name))?
                            .0
                    }
                };
                let db_cs = session
                    .vars
                    .get("character_set_database")
                    .cloned()
                    .unwrap_or_else(|| "utf8mb4".into());
                let db_coll = session
                    .vars
                    .get("collation_database")
                    .cloned()
                    .unwrap_or_else(|| "utf8mb4_0900_ai_ci".into());
                actions.push(Action::Session("character_set_client", cs.to_string()));
                actions.push(Action::Session("character_set_results", cs.to_string()));
                actions.push(Action::Session("character_set_connection", db_cs));
                actions.push(Action::Session("collation_connection", db_coll));
            }
            SetItem::Transaction {
                scope,
                isolation,
                read_only,
            } => {
                if scope.is_none() && session.in_transaction {
                    return Err(EngineError::cant_change_tx_characteristics());
                }
                let mut push = |name: &'static str, v: String| match scope {
                    Some(VarScope::Global) => actions.push(Action::Global(name, v)),
                    Some(VarScope::Session) => actions.push(Action::Session(name, v)),
                    // Next transaction only: nothing to keep without real transactions.
                    None => {}
                };
                if let Some(i) = isolation {
                    push("transaction_isolation", i.clone());
                }
                if let Some(ro) = read_only {
                    push(
                        "transaction_read_only",
                        if *ro { "ON" } else { "OFF" }.to_string(),
                    );
                }
            }
        }
    }
    if actions.iter().any(|a| matches!(a, Action::Global(..))) {
        crate::privilege::check_global(
            engine,
            session,
            crate::privilege::Privs::SUPER,
            &["SYSTEM_VARIABLES_ADMIN"],
            "SUPER or SYSTEM_VARIABLES_ADMIN",
        )?;
    }
    for a in actions {
        match a {
            Action::Global(name, v) => {
                engine.write_globals().insert(name, v);
            }
            Action::Session(name, v) => {
                if name == "autocommit"
                    && v == "ON"
                    && session.vars.get("autocommit").map(String::as_str) == Some("OFF")
                {
                    // Turning autocommit on commits the open transaction (as MySQL's
                    // fix_autocommit); setting it when it is already on changes nothing.
                    crate::stmt::commit(engine, session);
                }
                if name == "character_set_results" {
                    session.results_collation = None;
                }
                session.track_variable(name, &v);
                session.vars.insert(name, v);
            }
            Action::LastInsertId(id) => session.last_insert_id = id,
            Action::ResultsCollation(c) => session.results_collation = Some(c),
        }
    }
    Ok(ok(session, 0))
}
