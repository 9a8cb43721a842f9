//! Roles: CREATE ROLE, DROP ROLE, GRANT role TO, REVOKE role FROM, SET DEFAULT ROLE, SET ROLE,
//! and the roles a session starts with. `exec/account.rs` parses the statements.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/roles.html>
//!
//! As in MySQL 8.4:
//! - a role is a locked account without a password; its privileges count for a session only
//!   while it is active (SET ROLE, the default roles at login, or every granted role with
//!   `activate_all_roles_on_login`), together with the roles granted to it;
//! - the roles named in `mandatory_roles` count as granted to every account (they are not
//!   shown by SHOW GRANTS, and still need activating);
//! - granting and revoking roles needs ROLE_ADMIN (or SUPER, or WITH ADMIN OPTION on each role);
//!   CREATE ROLE needs CREATE ROLE or CREATE USER, DROP ROLE needs DROP ROLE or CREATE USER.

use std::collections::BTreeSet;

use myseal_auth::account::{Account, AuthPlugin};

use crate::error::EngineError;
use crate::exec::ok;
use crate::privilege::{self, Privs, Role, role_text};
use crate::{Engine, Outcome, Session};

use super::names::{UserRef, account_text, resolve};

/// Which roles SET ROLE / SET DEFAULT ROLE names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RoleSpec {
    /// `DEFAULT` (SET ROLE only): the account's default roles.
    Default,
    /// `NONE`.
    None,
    /// `ALL`: every granted role.
    All,
    /// `ALL EXCEPT r, ...` (SET ROLE only).
    AllExcept(Vec<UserRef>),
    /// `r, ...`.
    List(Vec<UserRef>),
}

/// ER_UNKNOWN_AUTHID (3523).
fn unknown_authid(r: &Role) -> EngineError {
    EngineError::new(
        3523,
        "HY000",
        format!("Unknown authorization ID {}", role_text(r)),
    )
}

/// ER_ROLE_NOT_GRANTED (3530).
fn not_granted(role: &Role, to: &Role) -> EngineError {
    EngineError::new(
        3530,
        "HY000",
        format!("{} is not granted to {}", role_text(role), role_text(to)),
    )
}

/// The roles of `mandatory_roles` (`r`, `'r'@'h'`, `` `r`@`h` ``, comma-separated) that exist.
fn mandatory_roles(engine: &Engine) -> Vec<Role> {
    let text = engine
        .global_variable("mandatory_roles")
        .unwrap_or_default();
    text.split(',')
        .filter_map(|item| {
            let item = item.trim();
            if item.is_empty() {
                return None;
            }
            let unquote = |p: &str| {
                p.trim()
                    .trim_matches(|c| c == '`' || c == '\'' || c == '"')
                    .to_string()
            };
            let (u, h) = match item.split_once('@') {
                Some((u, h)) => (unquote(u), unquote(h).to_lowercase()),
                None => (unquote(item), "%".to_string()),
            };
            engine.accounts.get(&u, &h).map(|_| (u, h))
        })
        .collect()
}

/// Every role the account may activate: those granted to it and the mandatory ones.
pub(crate) fn granted_roles(engine: &Engine, user: &str, host: &str) -> BTreeSet<Role> {
    let mut roles: BTreeSet<Role> = engine.grants.of(user, host).roles.keys().cloned().collect();
    roles.extend(mandatory_roles(engine));
    roles
}

impl Session {
    /// The roles a new session starts with: every granted one with
    /// `activate_all_roles_on_login`, else the account's default roles.
    pub(crate) fn with_login_roles(mut self, engine: &Engine) -> Session {
        let (user, host) = (
            self.info.user.clone(),
            self.info.account_host.to_lowercase(),
        );
        let all = engine
            .global_variable("activate_all_roles_on_login")
            .is_some_and(|v| v == "ON");
        self.active_roles = if all {
            granted_roles(engine, &user, &host).into_iter().collect()
        } else {
            let granted = granted_roles(engine, &user, &host);
            engine
                .grants
                .of(&user, &host)
                .default_roles
                .iter()
                .filter(|r| granted.contains(*r))
                .cloned()
                .collect()
        };
        self
    }

    /// CURRENT_ROLE(): the active roles, `` `r`@`h` `` comma-separated and sorted, or NONE.
    pub(crate) fn current_role(&self) -> String {
        if self.active_roles.is_empty() {
            return "NONE".to_string();
        }
        let mut roles: Vec<&Role> = self.active_roles.iter().collect();
        roles.sort();
        roles
            .into_iter()
            .map(role_text)
            .collect::<Vec<_>>()
            .join(",")
    }

    fn set_active_roles(&mut self, roles: Vec<Role>) {
        self.active_roles = roles;
        // The cached grants were merged with the old roles.
        *self.grants.lock() = None;
    }
}

fn resolve_all(session: &Session, users: &[UserRef]) -> Result<Vec<Role>, EngineError> {
    users
        .iter()
        .map(|u| resolve(session, u).map(|(u, h)| (u, h.to_lowercase())))
        .collect()
}

/// `CREATE ROLE [IF NOT EXISTS] role [, role] ...`.
pub(crate) fn create_role(
    engine: &Engine,
    session: &mut Session,
    if_not_exists: bool,
    roles: &[UserRef],
) -> Result<Outcome, EngineError> {
    if !privilege::has_global(engine, session, Privs::CREATE_ROLE, &[])
        && !privilege::has_global(engine, session, Privs::CREATE_USER, &[])
    {
        return Err(privilege::specific_denied("CREATE USER or CREATE ROLE"));
    }
    let roles = resolve_all(session, roles)?;
    let existing: Vec<&Role> = roles
        .iter()
        .filter(|(u, h)| engine.accounts.get(u, h).is_some())
        .collect();
    if !existing.is_empty() && !if_not_exists {
        let list: Vec<String> = existing.iter().map(|(u, h)| account_text(u, h)).collect();
        return Err(EngineError::cannot_user("CREATE ROLE", &list.join(",")));
    }
    for (u, h) in &roles {
        if engine.accounts.get(u, h).is_some() {
            session.add_warning(
                "Note",
                3163,
                format!("Authorization ID {} already exists.", account_text(u, h)),
            );
            continue;
        }
        // A role is a locked account without a password, made in one step.
        engine.accounts.upsert(Account {
            user: u.clone(),
            host: h.clone(),
            plugin: AuthPlugin::CachingSha2Password,
            locked: true,
            ..Account::default()
        });
    }
    Ok(ok(session, 0))
}

/// `DROP ROLE [IF EXISTS] role [, role] ...`.
pub(crate) fn drop_role(
    engine: &Engine,
    session: &mut Session,
    if_exists: bool,
    roles: &[UserRef],
) -> Result<Outcome, EngineError> {
    if !privilege::has_global(engine, session, Privs::DROP_ROLE, &[])
        && !privilege::has_global(engine, session, Privs::CREATE_USER, &[])
    {
        return Err(privilege::specific_denied("CREATE USER or DROP ROLE"));
    }
    let roles = resolve_all(session, roles)?;
    let missing: Vec<&Role> = roles
        .iter()
        .filter(|(u, h)| engine.accounts.get(u, h).is_none())
        .collect();
    if !missing.is_empty() && !if_exists {
        let list: Vec<String> = missing.iter().map(|(u, h)| account_text(u, h)).collect();
        return Err(EngineError::cannot_user("DROP ROLE", &list.join(",")));
    }
    for (u, h) in &roles {
        if engine.accounts.get(u, h).is_none() {
            session.add_warning(
                "Note",
                3162,
                format!("Authorization ID {} does not exist.", account_text(u, h)),
            );
            continue;
        }
        let _ = engine.accounts.drop_user(u, h);
        engine.grants.remove(u, h);
    }
    Ok(ok(session, 0))
}

/// Granting or revoking roles: ROLE_ADMIN or SUPER, or WITH ADMIN OPTION on every role.
fn check_role_admin(engine: &Engine, session: &Session, roles: &[Role]) -> Result<(), EngineError> {
    if privilege::has_global(engine, session, Privs::SUPER, &["ROLE_ADMIN"]) {
        return Ok(());
    }
    let g = session.grants(engine);
    let mine = engine
        .grants
        .of(&session.info.user, &session.info.account_host);
    if roles
        .iter()
        .all(|r| mine.roles.get(r) == Some(&true) || g.roles.get(r) == Some(&true))
    {
        return Ok(());
    }
    Err(privilege::specific_denied("WITH ADMIN, ROLE_ADMIN, SUPER"))
}

/// `GRANT role [, role] ... TO user [, user] ... [WITH ADMIN OPTION]`.
pub(crate) fn grant_roles(
    engine: &Engine,
    session: &mut Session,
    roles: &[UserRef],
    users: &[UserRef],
    admin: bool,
) -> Result<Outcome, EngineError> {
    let roles = resolve_all(session, roles)?;
    let users = resolve_all(session, users)?;
    check_role_admin(engine, session, &roles)?;
    for r in roles.iter().chain(&users) {
        if engine.accounts.get(&r.0, &r.1).is_none() {
            return Err(unknown_authid(r));
        }
    }
    for u in &users {
        if roles.contains(u) {
            // A role granted to itself.
            return Err(EngineError::new(
                3633,
                "HY000",
                format!(
                    "Role {} is a grantee of itself or of one of its roles",
                    role_text(u)
                ),
            ));
        }
    }
    for (u, h) in &users {
        engine.grants.update(u, h, |g| {
            for r in &roles {
                let e = g.roles.entry(r.clone()).or_insert(false);
                *e = *e || admin;
            }
        });
    }
    Ok(ok(session, 0))
}

/// `REVOKE role [, role] ... FROM user [, user] ...`.
pub(crate) fn revoke_roles(
    engine: &Engine,
    session: &mut Session,
    roles: &[UserRef],
    users: &[UserRef],
) -> Result<Outcome, EngineError> {
    let roles = resolve_all(session, roles)?;
    let users = resolve_all(session, users)?;
    check_role_admin(engine, session, &roles)?;
    for r in roles.iter().chain(&users) {
        if engine.accounts.get(&r.0, &r.1).is_none() {
            return Err(unknown_authid(r));
        }
    }
    for u in &users {
        let g = engine.grants.of(&u.0, &u.1);
        if let Some(r) = roles.iter().find(|r| !g.roles.contains_key(*r)) {
            return Err(not_granted(r, u));
        }
    }
    for (u, h) in &users {
        engine.grants.update(u, h, |g| {
            for r in &roles {
                g.roles.remove(r);
                g.default_roles.remove(r);
            }
        });
    }
    Ok(ok(session, 0))
}

/// The roles a spec names, checked to be granted to `(user, host)` (3530).
fn named_roles(
    engine: &Engine,
    session: &Session,
    spec: &RoleSpec,
    who: &Role,
) -> Result<Vec<Role>, EngineError> {
    let granted = granted_roles(engine, &who.0, &who.1);
    Ok(match spec {
        RoleSpec::None => Vec::new(),
        RoleSpec::All => granted.into_iter().collect(),
        RoleSpec::Default => engine
            .grants
            .of(&who.0, &who.1)
            .default_roles
            .iter()
            .filter(|r| granted.contains(*r))
            .cloned()
            .collect(),
        RoleSpec::AllExcept(except) => {
            let except = resolve_all(session, except)?;
            granted
                .into_iter()
                .filter(|r| !except.contains(r))
                .collect()
        }
        RoleSpec::List(list) => {
            let list = resolve_all(session, list)?;
            for r in &list {
                if engine.accounts.get(&r.0, &r.1).is_none() {
                    return Err(unknown_authid(r));
                }
                if !granted.contains(r) {
                    return Err(not_granted(r, who));
                }
            }
            let mut out = Vec::new();
            for r in list {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
            out
        }
    })
}

/// `SET ROLE {DEFAULT | NONE | ALL | ALL EXCEPT role, ... | role, ...}`.
pub(crate) fn set_role(
    engine: &Engine,
    session: &mut Session,
    spec: &RoleSpec,
) -> Result<Outcome, EngineError> {
    let me = (
        session.info.user.clone(),
        session.info.account_host.to_lowercase(),
    );
    let roles = named_roles(engine, session, spec, &me)?;
    session.set_active_roles(roles);
    Ok(ok(session, 0))
}

/// `SET DEFAULT ROLE {NONE | ALL | role, ...} TO user [, user] ...`: another account's needs
/// CREATE USER (1227).
pub(crate) fn set_default_role(
    engine: &Engine,
    session: &mut Session,
    spec: &RoleSpec,
    users: &[UserRef],
) -> Result<Outcome, EngineError> {
    let users = resolve_all(session, users)?;
    for u in &users {
        let own = u.0 == session.info.user && u.1.eq_ignore_ascii_case(&session.info.account_host);
        if !own {
            privilege::check_global(engine, session, Privs::CREATE_USER, &[], "CREATE USER")?;
        }
        if engine.accounts.get(&u.0, &u.1).is_none() {
            return Err(unknown_authid(u));
        }
    }
    let mut chosen = Vec::new();
    for u in &users {
        chosen.push(named_roles(engine, session, spec, u)?);
    }
    for ((u, h), roles) in users.iter().zip(chosen) {
        engine.grants.update(u, h, |g| {
            g.default_roles = roles.into_iter().collect();
        });
    }
    Ok(ok(session, 0))
}
