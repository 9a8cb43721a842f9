//! GRANT, REVOKE and SHOW GRANTS over the engine's grant table ([`crate::privilege::Grants`]).
//! `exec/account.rs` parses them.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/grant.html>
//! <https://dev.mysql.com/doc/refman/8.4/en/revoke.html>
//!
//! As in MySQL 8.4:
//! - GRANT never creates an account (1410); the privileges must be valid at the level (1221 for
//!   a global privilege at `db.*`, 1144 at a table, 3619 for a dynamic one below `*.*`); a
//!   table must exist (1146), and so must the columns of a column grant (1054).
//! - Granting or revoking needs GRANT OPTION and the privileges themselves at that level or
//!   above: 1045 at `*.*`, 1044 at `db.*`, 1142 at a table.
//! - REVOKE of a database or table grant the account does not have is 1141 / 1147;
//!   `REVOKE ALL PRIVILEGES, GRANT OPTION FROM` needs CREATE USER and clears every level.
//! - Every statement is checked in full before anything changes.

use std::collections::BTreeMap;

use crate::error::EngineError;
use crate::exec::ok;
use crate::privilege::{self, AccountGrants, DYNAMIC, Privs};
use crate::{Engine, Outcome, Session};

use super::names::{UserRef, resolve, text_column};

/// One item of a privilege list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PrivSpec {
    /// A static privilege, with its column list (empty: the whole table/level).
    Static(Privs, Vec<String>),
    /// A dynamic privilege by name as written (checked against the registered ones when run).
    Dynamic(String),
    /// `ALL [PRIVILEGES]`.
    All,
    /// `USAGE`: nothing.
    Usage,
    /// `GRANT OPTION`.
    GrantOption,
}

/// Privilege level of GRANT / REVOKE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GrantLevel {
    /// `*.*`.
    Global,
    /// `db.*`.
    Database(String),
    /// `*`: the current database.
    CurrentDatabase,
    /// `db.t` or `t` (in the current database).
    Table(Option<String>, String),
}

/// A level with the current database filled in.
enum Level {
    Global,
    Database(String),
    Table(String, String),
}

fn resolve_level(session: &Session, level: &GrantLevel) -> Result<Level, EngineError> {
    Ok(match level {
        GrantLevel::Global => Level::Global,
        GrantLevel::Database(db) => Level::Database(db.clone()),
        GrantLevel::CurrentDatabase => {
            Level::Database(session.database.clone().ok_or_else(EngineError::no_db)?)
        }
        GrantLevel::Table(db, t) => {
            let db = match db {
                Some(d) => d.clone(),
                None => session.database.clone().ok_or_else(EngineError::no_db)?,
            };
            Level::Table(db, t.clone())
        }
    })
}

/// What a privilege list amounts to at one level.
#[derive(Default)]
struct Wanted {
    /// Static privileges at the level (GRANT OPTION included).
    privs: Privs,
    /// Column → privileges (table level only).
    columns: BTreeMap<String, Privs>,
    /// Dynamic privileges (global level only).
    dynamic: Vec<&'static str>,
    /// `ALL` was named (at the global level it includes every dynamic privilege).
    all: bool,
}

impl Wanted {
    /// Every static privilege named, for the granter check.
    fn all_static(&self) -> Privs {
        self.columns.values().fold(self.privs, |a, p| a | *p)
    }
}

fn wrong_usage(a: &str, b: &str) -> EngineError {
    EngineError::new(1221, "HY000", format!("Incorrect usage of {a} and {b}"))
}

fn illegal_for_table() -> EngineError {
    EngineError::new(
        1144,
        "42000",
        "Illegal GRANT/REVOKE command; please consult the manual to see which privileges can be used",
    )
}

fn illegal_level(name: &str) -> EngineError {
    EngineError::new(
        3619,
        "HY000",
        format!("Illegal privilege level specified for {name}"),
    )
}

fn not_registered(name: &str) -> EngineError {
    EngineError::new(
        3929,
        "HY000",
        format!("Dynamic privilege '{name}' is not registered with the server."),
    )
}

/// Checks a privilege list against a level and sums it up.
fn wanted(
    engine: &Engine,
    session: &Session,
    level: &Level,
    specs: &[PrivSpec],
) -> Result<Wanted, EngineError> {
    let mut w = Wanted::default();
    let (allowed, all) = match level {
        Level::Global => (Privs::GLOBAL_ALL, Privs::GLOBAL_ALL),
        Level::Database(_) => (Privs::DB_ALL, Privs::DB_ALL),
        Level::Table(..) => (Privs::TABLE_ALL, Privs::TABLE_ALL),
    };
    let table_def = match level {
        Level::Table(db, t) => {
            let state = engine.store.latest();
            let def = state
                .table(db, t)
                .map(|t| t.def.clone())
                .or_else(|| session.temp.table(db, t).map(|t| t.def.clone()))
                .or_else(|| {
                    // A view's columns, typed by binding it (for column grants).
                    let v = state.view(db, t)?;
                    (engine.view_table_def)(engine, session, v).ok()
                });
            match def {
                Some(d) => Some(d),
                None => return Err(EngineError::no_such_table(db, t)),
            }
        }
        _ => None,
    };
    for spec in specs {
        match spec {
            PrivSpec::All => {
                w.privs |= all;
                w.all = true;
            }
            PrivSpec::Usage => {}
            PrivSpec::GrantOption => w.privs |= Privs::GRANT,
            PrivSpec::Dynamic(name) => {
                let Some(d) = privilege::dynamic_named(name) else {
                    return Err(not_registered(name));
                };
                if !matches!(level, Level::Global) {
                    return Err(illegal_level(d));
                }
                if !w.dynamic.contains(&d) {
                    w.dynamic.push(d);
                }
            }
            PrivSpec::Static(p, cols) if cols.is_empty() => {
                if !allowed.contains(*p) {
                    return Err(match level {
                        Level::Database(_) => wrong_usage("DB GRANT", "GLOBAL PRIVILEGES"),
                        _ => illegal_for_table(),
                    });
                }
                w.privs |= *p;
            }
            PrivSpec::Static(p, cols) => {
                let Some(def) = &table_def else {
                    return Err(illegal_for_table());
                };
                if !Privs::COLUMN_ALL.contains(*p) {
                    return Err(wrong_usage("COLUMN GRANT", "NON-COLUMN PRIVILEGES"));
                }
                for c in cols {
                    let Some(i) = def.column_index(c) else {
                        return Err(EngineError::new(
                            1054,
                            "42S22",
                            format!("Unknown column '{c}' in '{}'", def.name),
                        ));
                    };
                    let name = def.columns.get(i).map_or(c.clone(), |col| col.name.clone());
                    *w.columns.entry(name).or_default() |= *p;
                }
            }
        }
    }
    Ok(w)
}

/// Checks that the session may grant (or revoke) `w` at `level`.
fn check_granter(
    engine: &Engine,
    session: &Session,
    level: &Level,
    w: &Wanted,
) -> Result<(), EngineError> {
    let g = session.grants(engine);
    let need = w.all_static() | Privs::GRANT;
    match level {
        Level::Global => {
            let dynamic_ok = if w.all {
                DYNAMIC.iter().all(|d| g.dynamic.get(d) == Some(&true))
            } else {
                w.dynamic.iter().all(|d| g.dynamic.get(d) == Some(&true))
            };
            if g.global.contains(need) && dynamic_ok {
                Ok(())
            } else {
                Err(privilege::access_denied(session.who()))
            }
        }
        Level::Database(db) => {
            if g.db_privs(db).contains(need) {
                Ok(())
            } else {
                Err(privilege::db_denied(session.who(), db))
            }
        }
        Level::Table(db, t) => {
            let have = g.table_privs(db, t);
            if have.contains(need) {
                return Ok(());
            }
            Err(privilege::table_denied(session.who(), "GRANT", t))
        }
    }
}

/// The accounts a statement names, resolved, each checked to exist.
fn accounts(
    engine: &Engine,
    session: &Session,
    users: &[UserRef],
    missing: impl Fn(&str, &str) -> EngineError,
) -> Result<Vec<(String, String)>, EngineError> {
    let mut out = Vec::new();
    for u in users {
        let (user, host) = resolve(session, u)?;
        let Some(acc) = engine.accounts.get(&user, &host) else {
            return Err(missing(&user, &host));
        };
        out.push((acc.user, acc.host));
    }
    Ok(out)
}

/// `GRANT privileges ON level TO users [WITH GRANT OPTION]`.
pub(crate) fn grant(
    engine: &Engine,
    session: &mut Session,
    specs: &[PrivSpec],
    level: &GrantLevel,
    users: &[UserRef],
    grant_option: bool,
) -> Result<Outcome, EngineError> {
    let level = resolve_level(session, level)?;
    let mut w = wanted(engine, session, &level, specs)?;
    if grant_option {
        w.privs |= Privs::GRANT;
    }
    check_granter(engine, session, &level, &w)?;
    let targets = accounts(engine, session, users, |_, _| {
        EngineError::cant_create_user_with_grant()
    })?;
    for (user, host) in &targets {
        engine.grants.update(user, host, |g| match &level {
            Level::Global => {
                g.global |= w.privs;
                let dynamic: Vec<&'static str> = if w.all {
                    DYNAMIC.to_vec()
                } else {
                    w.dynamic.clone()
                };
                for d in dynamic {
                    let option = g.dynamic.get(d).copied().unwrap_or(false);
                    g.dynamic.insert(d, option || grant_option);
                }
                if grant_option {
                    // WITH GRANT OPTION applies to every dynamic privilege the account holds.
                    for o in g.dynamic.values_mut() {
                        *o = true;
                    }
                }
            }
            Level::Database(db) => *g.dbs.entry(db.clone()).or_default() |= w.privs,
            Level::Table(db, t) => {
                let tg = g.tables.entry((db.clone(), t.clone())).or_default();
                tg.privs |= w.privs;
                for (c, p) in &w.columns {
                    *tg.columns.entry(c.clone()).or_default() |= *p;
                }
            }
        });
    }
    Ok(ok(session, 0))
}

/// ER_NONEXISTING_TABLE_GRANT (1147).
fn no_table_grant(user: &str, host: &str, table: &str) -> EngineError {
    EngineError::new(
        1147,
        "42000",
        format!(
            "There is no such grant defined for user '{user}' on host '{host}' on table '{table}'"
        ),
    )
}

/// The accounts a REVOKE names: ER 1141 for a missing one, or with IGNORE UNKNOWN USER a
/// warning (3162) and the others only.
fn revoke_targets(
    engine: &Engine,
    session: &mut Session,
    users: &[UserRef],
    ignore_unknown_user: bool,
) -> Result<Vec<(String, String)>, EngineError> {
    let mut targets = Vec::new();
    for u in users {
        let (user, host) = resolve(session, u)?;
        match engine.accounts.get(&user, &host) {
            Some(acc) => targets.push((acc.user, acc.host)),
            None if ignore_unknown_user => session.add_warning(
                "Warning",
                3162,
                format!(
                    "Authorization ID {} does not exist.",
                    super::names::account_text(&user, &host)
                ),
            ),
            None => return Err(EngineError::nonexisting_grant(&user, &host)),
        }
    }
    Ok(targets)
}

/// `REVOKE [IF EXISTS] privileges ON level FROM users [IGNORE UNKNOWN USER]`.
pub(crate) fn revoke(
    engine: &Engine,
    session: &mut Session,
    specs: &[PrivSpec],
    level: &GrantLevel,
    users: &[UserRef],
    if_exists: bool,
    ignore_unknown_user: bool,
) -> Result<Outcome, EngineError> {
    let level = resolve_level(session, level)?;
    let w = match wanted(engine, session, &level, specs) {
        Err(e) if if_exists && e.code == 1146 => {
            session.add_warning("Warning", e.code, e.message);
            return Ok(ok(session, 0));
        }
        other => other?,
    };
    check_granter(engine, session, &level, &w)?;
    let targets = revoke_targets(engine, session, users, ignore_unknown_user)?;
    // Check every account first: the statement changes all of them or none.
    for (user, host) in &targets {
        let g = engine.grants.of(user, host);
        let missing = match &level {
            Level::Global => None,
            Level::Database(db) => {
                (!g.dbs.contains_key(db)).then(|| EngineError::nonexisting_grant(user, host))
            }
            Level::Table(db, t) => (!g.tables.contains_key(&(db.clone(), t.clone())))
                .then(|| no_table_grant(user, host, t)),
        };
        if let Some(e) = missing {
            if if_exists {
                session.add_warning("Warning", e.code, e.message);
                continue;
            }
            return Err(e);
        }
    }
    for (user, host) in &targets {
        engine.grants.update(user, host, |g| match &level {
            Level::Global => {
                g.global = g.global.without(w.privs);
                if w.all {
                    g.dynamic.clear();
                } else {
                    for d in &w.dynamic {
                        g.dynamic.remove(d);
                    }
                }
                if w.privs.contains(Privs::GRANT) {
                    for o in g.dynamic.values_mut() {
                        *o = false;
                    }
                }
            }
            Level::Database(db) => {
                if let Some(p) = g.dbs.get_mut(db) {
                    *p = p.without(w.privs);
                }
            }
            Level::Table(db, t) => {
                if let Some(tg) = g.tables.get_mut(&(db.clone(), t.clone())) {
                    tg.privs = tg.privs.without(w.privs);
                    // Revoking a privilege of the table revokes it from every column too.
                    for p in tg.columns.values_mut() {
                        *p = p.without(w.privs);
                    }
                    for (c, p) in &w.columns {
                        if let Some(cp) = tg.columns.get_mut(c) {
                            *cp = cp.without(*p);
                        }
                    }
                }
            }
        });
    }
    Ok(ok(session, 0))
}

/// `REVOKE [IF EXISTS] ALL [PRIVILEGES], GRANT OPTION FROM users [IGNORE UNKNOWN USER]`.
pub(crate) fn revoke_all(
    engine: &Engine,
    session: &mut Session,
    users: &[UserRef],
    ignore_unknown_user: bool,
) -> Result<Outcome, EngineError> {
    privilege::check_global(engine, session, Privs::CREATE_USER, &[], "CREATE USER")?;
    let targets = revoke_targets(engine, session, users, ignore_unknown_user)?;
    for (user, host) in &targets {
        engine
            .grants
            .update(user, host, |g| *g = AccountGrants::default());
    }
    Ok(ok(session, 0))
}

/// `SHOW GRANTS [FOR user [USING role, ...]]`: another account's grants need SELECT on the
/// `mysql` schema (1044). The session's own grants include its active roles' privileges, and
/// `USING` adds those of the roles named (which must be granted, 3530).
pub(crate) fn show_grants(
    engine: &Engine,
    session: &mut Session,
    user: Option<&UserRef>,
    using: &[UserRef],
) -> Result<Outcome, EngineError> {
    let (user, host) = resolve(session, user.unwrap_or(&UserRef::Current))?;
    let own = user == session.info.user && host == session.info.account_host.to_lowercase();
    if !own {
        privilege::check_db(engine, session, "mysql", Privs::SELECT)?;
    }
    let Some(acc) = engine.accounts.get(&user, &host) else {
        return Err(EngineError::nonexisting_grant(&user, &host));
    };
    let mut roles: Vec<privilege::Role> = Vec::new();
    if using.is_empty() {
        if own {
            roles.clone_from(&session.active_roles);
        }
    } else {
        let granted = super::role::granted_roles(engine, &acc.user, &acc.host);
        for r in using {
            let r = resolve(session, r).map(|(u, h)| (u, h.to_lowercase()))?;
            if !granted.contains(&r) {
                return Err(EngineError::new(
                    3530,
                    "HY000",
                    format!(
                        "{} is not granted to {}",
                        privilege::role_text(&r),
                        privilege::role_text(&(acc.user.clone(), acc.host.clone()))
                    ),
                ));
            }
            roles.push(r);
        }
    }
    let g = engine.grants.effective(&acc.user, &acc.host, &roles);
    let rows = privilege::grant_lines(&acc.user, &acc.host, &g)
        .into_iter()
        .map(|l| vec![crate::Value::str(l)])
        .collect();
    Ok(Outcome::Rows {
        columns: vec![text_column(format!("Grants for {user}@{host}"), 1024)],
        rows,
    })
}
