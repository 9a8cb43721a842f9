//! Privileges: what each account holds (global, database, table and column grants, and the
//! dynamic privileges) and the checks every statement makes against them.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/privileges-provided.html>
//! <https://dev.mysql.com/doc/refman/8.4/en/privilege-system.html>
//!
//! - [`Grants`] is the engine's grant table, keyed by account (`user`, host pattern). GRANT,
//!   REVOKE, DROP USER and RENAME USER change it (`exec/account.rs`); every change bumps its
//!   version.
//! - A session keeps the grants of its account (`Session::grants`), refreshed when the version
//!   moved, so checking a privilege is a few bit tests and, below the global level, a map
//!   lookup. An account with the privilege globally (root) never looks further.
//! - The checks return MySQL's errors: 1142 (table), 1044 (database), 1227 (a global or
//!   dynamic privilege).
//! - Column grants: a query may read a table with SELECT on some of its columns; every column
//!   it uses is checked (1143) and `*` needs the whole table (1142). The binder records the
//!   tables and columns a query reads (`Plan::reads`, `Plan::column_reads`) and a cached plan
//!   is checked against them at each run. INSERT and UPDATE column grants work the same way
//!   for the columns an INSERT lists or an UPDATE sets (`Binder::note_write_columns`).
//!
//! Static privileges are bits in MySQL's own order (`SELECT_ACL` = 1, `INSERT_ACL` = 2, ...),
//! which is also the order SHOW GRANTS lists them in.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::RwLock;

use crate::error::EngineError;
use crate::{Engine, Session};

/// A set of static privileges (MySQL's `*_ACL` bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Privs(u64);

impl Privs {
    pub(crate) const NONE: Privs = Privs(0);
    pub(crate) const SELECT: Privs = Privs(1);
    pub(crate) const INSERT: Privs = Privs(1 << 1);
    pub(crate) const UPDATE: Privs = Privs(1 << 2);
    pub(crate) const DELETE: Privs = Privs(1 << 3);
    pub(crate) const CREATE: Privs = Privs(1 << 4);
    pub(crate) const DROP: Privs = Privs(1 << 5);
    pub(crate) const RELOAD: Privs = Privs(1 << 6);
    pub(crate) const SHUTDOWN: Privs = Privs(1 << 7);
    pub(crate) const PROCESS: Privs = Privs(1 << 8);
    pub(crate) const FILE: Privs = Privs(1 << 9);
    pub(crate) const GRANT: Privs = Privs(1 << 10);
    pub(crate) const REFERENCES: Privs = Privs(1 << 11);
    pub(crate) const INDEX: Privs = Privs(1 << 12);
    pub(crate) const ALTER: Privs = Privs(1 << 13);
    pub(crate) const SHOW_DB: Privs = Privs(1 << 14);
    pub(crate) const SUPER: Privs = Privs(1 << 15);
    pub(crate) const CREATE_TMP: Privs = Privs(1 << 16);
    pub(crate) const LOCK_TABLES: Privs = Privs(1 << 17);
    pub(crate) const EXECUTE: Privs = Privs(1 << 18);
    pub(crate) const REPL_SLAVE: Privs = Privs(1 << 19);
    pub(crate) const REPL_CLIENT: Privs = Privs(1 << 20);
    pub(crate) const CREATE_VIEW: Privs = Privs(1 << 21);
    pub(crate) const SHOW_VIEW: Privs = Privs(1 << 22);
    pub(crate) const CREATE_ROUTINE: Privs = Privs(1 << 23);
    pub(crate) const ALTER_ROUTINE: Privs = Privs(1 << 24);
    pub(crate) const CREATE_USER: Privs = Privs(1 << 25);
    pub(crate) const EVENT: Privs = Privs(1 << 26);
    pub(crate) const TRIGGER: Privs = Privs(1 << 27);
    pub(crate) const CREATE_TABLESPACE: Privs = Privs(1 << 28);
    pub(crate) const CREATE_ROLE: Privs = Privs(1 << 29);
    pub(crate) const DROP_ROLE: Privs = Privs(1 << 30);

    /// Every static privilege but GRANT OPTION (`ALL` at the global level).
    pub(crate) const GLOBAL_ALL: Privs = Privs(((1 << 31) - 1) & !(1 << 10));
    /// The privileges a database-level grant may hold (`ALL` at `db.*`), GRANT OPTION aside.
    pub(crate) const DB_ALL: Privs = Privs(
        Self::SELECT.0
            | Self::INSERT.0
            | Self::UPDATE.0
            | Self::DELETE.0
            | Self::CREATE.0
            | Self::DROP.0
            | Self::REFERENCES.0
            | Self::INDEX.0
            | Self::ALTER.0
            | Self::CREATE_TMP.0
            | Self::LOCK_TABLES.0
            | Self::EXECUTE.0
            | Self::CREATE_VIEW.0
            | Self::SHOW_VIEW.0
            | Self::CREATE_ROUTINE.0
            | Self::ALTER_ROUTINE.0
            | Self::EVENT.0
            | Self::TRIGGER.0,
    );
    /// The privileges a table-level grant may hold (`ALL` at `db.t`), GRANT OPTION aside.
    pub(crate) const TABLE_ALL: Privs = Privs(
        Self::SELECT.0
            | Self::INSERT.0
            | Self::UPDATE.0
            | Self::DELETE.0
            | Self::CREATE.0
            | Self::DROP.0
            | Self::REFERENCES.0
            | Self::INDEX.0
            | Self::ALTER.0
            | Self::CREATE_VIEW.0
            | Self::SHOW_VIEW.0
            | Self::TRIGGER.0,
    );
    /// The privileges a column-level grant may hold.
    pub(crate) const COLUMN_ALL: Privs =
        Privs(Self::SELECT.0 | Self::INSERT.0 | Self::UPDATE.0 | Self::REFERENCES.0);

    pub(crate) fn contains(self, other: Privs) -> bool {
        self.0 & other.0 == other.0
    }

    pub(crate) fn intersects(self, other: Privs) -> bool {
        self.0 & other.0 != 0
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub(crate) fn without(self, other: Privs) -> Privs {
        Privs(self.0 & !other.0)
    }

    /// The names of the privileges in the set, in MySQL's order (GRANT OPTION left out).
    pub(crate) fn names(self) -> Vec<&'static str> {
        STATIC
            .iter()
            .filter(|(p, _)| self.contains(*p))
            .map(|(_, n)| *n)
            .collect()
    }

    /// The name of a single privilege, as MySQL's messages spell it.
    pub(crate) fn name(self) -> &'static str {
        STATIC
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("GRANT", |(_, n)| *n)
    }
}

impl std::ops::BitOr for Privs {
    type Output = Privs;
    fn bitor(self, rhs: Privs) -> Privs {
        Privs(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for Privs {
    fn bitor_assign(&mut self, rhs: Privs) {
        self.0 |= rhs.0;
    }
}

/// Static privileges and their names, in MySQL's order (GRANT OPTION is not listed: SHOW
/// GRANTS prints it as `WITH GRANT OPTION`).
pub(crate) const STATIC: &[(Privs, &str)] = &[
    (Privs::SELECT, "SELECT"),
    (Privs::INSERT, "INSERT"),
    (Privs::UPDATE, "UPDATE"),
    (Privs::DELETE, "DELETE"),
    (Privs::CREATE, "CREATE"),
    (Privs::DROP, "DROP"),
    (Privs::RELOAD, "RELOAD"),
    (Privs::SHUTDOWN, "SHUTDOWN"),
    (Privs::PROCESS, "PROCESS"),
    (Privs::FILE, "FILE"),
    (Privs::REFERENCES, "REFERENCES"),
    (Privs::INDEX, "INDEX"),
    (Privs::ALTER, "ALTER"),
    (Privs::SHOW_DB, "SHOW DATABASES"),
    (Privs::SUPER, "SUPER"),
    (Privs::CREATE_TMP, "CREATE TEMPORARY TABLES"),
    (Privs::LOCK_TABLES, "LOCK TABLES"),
    (Privs::EXECUTE, "EXECUTE"),
    (Privs::REPL_SLAVE, "REPLICATION SLAVE"),
    (Privs::REPL_CLIENT, "REPLICATION CLIENT"),
    (Privs::CREATE_VIEW, "CREATE VIEW"),
    (Privs::SHOW_VIEW, "SHOW VIEW"),
    (Privs::CREATE_ROUTINE, "CREATE ROUTINE"),
    (Privs::ALTER_ROUTINE, "ALTER ROUTINE"),
    (Privs::CREATE_USER, "CREATE USER"),
    (Privs::EVENT, "EVENT"),
    (Privs::TRIGGER, "TRIGGER"),
    (Privs::CREATE_TABLESPACE, "CREATE TABLESPACE"),
    (Privs::CREATE_ROLE, "CREATE ROLE"),
    (Privs::DROP_ROLE, "DROP ROLE"),
];

/// The dynamic privileges a MySQL 8.4 server registers without plugins, sorted (the order
/// SHOW GRANTS lists them in).
pub(crate) const DYNAMIC: &[&str] = &[
    "ALLOW_NONEXISTENT_DEFINER",
    "APPLICATION_PASSWORD_ADMIN",
    "AUDIT_ABORT_EXEMPT",
    "AUDIT_ADMIN",
    "AUTHENTICATION_POLICY_ADMIN",
    "BACKUP_ADMIN",
    "BINLOG_ADMIN",
    "BINLOG_ENCRYPTION_ADMIN",
    "CLONE_ADMIN",
    "CONNECTION_ADMIN",
    "ENCRYPTION_KEY_ADMIN",
    "FIREWALL_EXEMPT",
    "FLUSH_OPTIMIZER_COSTS",
    "FLUSH_PRIVILEGES",
    "FLUSH_STATUS",
    "FLUSH_TABLES",
    "FLUSH_USER_RESOURCES",
    "GROUP_REPLICATION_ADMIN",
    "GROUP_REPLICATION_STREAM",
    "INNODB_REDO_LOG_ARCHIVE",
    "INNODB_REDO_LOG_ENABLE",
    "OPTIMIZE_LOCAL_TABLE",
    "PASSWORDLESS_USER_ADMIN",
    "PERSIST_RO_VARIABLES_ADMIN",
    "REPLICATION_APPLIER",
    "REPLICATION_SLAVE_ADMIN",
    "RESOURCE_GROUP_ADMIN",
    "RESOURCE_GROUP_USER",
    "ROLE_ADMIN",
    "SENSITIVE_VARIABLES_OBSERVER",
    "SERVICE_CONNECTION_ADMIN",
    "SESSION_VARIABLES_ADMIN",
    "SET_ANY_DEFINER",
    "SHOW_ROUTINE",
    "SYSTEM_USER",
    "SYSTEM_VARIABLES_ADMIN",
    "TABLE_ENCRYPTION_ADMIN",
    "TELEMETRY_LOG_ADMIN",
    "TRANSACTION_GTID_TAG",
    "XA_RECOVER_ADMIN",
];

/// A registered dynamic privilege by name (any case), as MySQL spells it.
pub(crate) fn dynamic_named(name: &str) -> Option<&'static str> {
    DYNAMIC
        .iter()
        .find(|d| d.eq_ignore_ascii_case(name))
        .copied()
}

/// The grants of one table: table-level privileges and per-column ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TableGrant {
    /// Table-level privileges (GRANT OPTION included).
    pub(crate) privs: Privs,
    /// Column name → column privileges.
    pub(crate) columns: BTreeMap<String, Privs>,
}

impl TableGrant {
    /// The union of the column privileges.
    pub(crate) fn column_privs(&self) -> Privs {
        self.columns.values().fold(Privs::NONE, |a, p| a | *p)
    }

    fn is_empty(&self) -> bool {
        self.privs.is_empty() && self.columns.values().all(|p| p.is_empty())
    }
}

/// Everything granted to one account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct AccountGrants {
    /// Global static privileges (GRANT OPTION included).
    pub(crate) global: Privs,
    /// Dynamic privileges held, with their grant option.
    pub(crate) dynamic: BTreeMap<&'static str, bool>,
    /// Database (or database pattern, with `%` and `_` wildcards) → privileges.
    pub(crate) dbs: BTreeMap<String, Privs>,
    /// (database, table) → grants.
    pub(crate) tables: BTreeMap<(String, String), TableGrant>,
    /// Roles granted to the account, `(user, host)` → WITH ADMIN OPTION.
    pub(crate) roles: BTreeMap<Role, bool>,
    /// The roles activated when the account logs in (SET DEFAULT ROLE).
    pub(crate) default_roles: BTreeSet<Role>,
}

/// A role: an account name, `(user, host)`.
pub(crate) type Role = (String, String);

/// `` `user`@`host` ``, as SHOW GRANTS and CURRENT_ROLE() print a role.
pub(crate) fn role_text(r: &Role) -> String {
    format!("{}@{}", quote(&r.0), quote(&r.1))
}

/// True when `name` matches a database pattern of a grant: `%` and `_` are wildcards and `\`
/// escapes them, as in MySQL's `db` grant table.
pub(crate) fn db_matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains(['%', '_', '\\']) {
        return pattern == name;
    }
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('%', rest)) => (0..=n.len()).any(|i| go(rest, &n[i..])),
            Some(('_', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some(('\\', rest)) if !rest.is_empty() => {
                n.first() == rest.first() && go(&rest[1..], &n[1..])
            }
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

impl AccountGrants {
    /// Every privilege, static and dynamic, each with the grant option: what root holds.
    pub(crate) fn superuser() -> Self {
        AccountGrants {
            global: Privs::GLOBAL_ALL | Privs::GRANT,
            dynamic: DYNAMIC.iter().map(|d| (*d, true)).collect(),
            ..AccountGrants::default()
        }
    }

    /// Adds the privileges of `other` (an active role's), not its roles.
    fn merge(&mut self, other: &AccountGrants) {
        self.global |= other.global;
        for (d, o) in &other.dynamic {
            let e = self.dynamic.entry(d).or_insert(false);
            *e = *e || *o;
        }
        for (db, p) in &other.dbs {
            *self.dbs.entry(db.clone()).or_default() |= *p;
        }
        for (k, t) in &other.tables {
            let mine = self.tables.entry(k.clone()).or_default();
            mine.privs |= t.privs;
            for (c, p) in &t.columns {
                *mine.columns.entry(c.clone()).or_default() |= *p;
            }
        }
    }

    /// True when the account holds the dynamic privilege `name`.
    pub(crate) fn has_dynamic(&self, name: &str) -> bool {
        self.dynamic.contains_key(name)
    }

    /// Privileges on a database: global ones plus those of every matching database grant.
    pub(crate) fn db_privs(&self, db: &str) -> Privs {
        let mut p = self.global;
        for (pattern, privs) in &self.dbs {
            if db_matches(pattern, db) {
                p |= *privs;
            }
        }
        p
    }

    /// Privileges on a table: database-level ones plus its table grant.
    pub(crate) fn table_privs(&self, db: &str, table: &str) -> Privs {
        let mut p = self.db_privs(db);
        if let Some(t) = self.table_grant(db, table) {
            p |= t.privs;
        }
        p
    }

    /// The table grant of `db.table`, if any.
    pub(crate) fn table_grant(&self, db: &str, table: &str) -> Option<&TableGrant> {
        if self.tables.is_empty() {
            return None;
        }
        self.tables.get(&(db.to_string(), table.to_string()))
    }

    /// The column privileges (SELECT, INSERT, UPDATE, REFERENCES) held on a column at any
    /// level, as SHOW FULL COLUMNS and information_schema.COLUMNS.PRIVILEGES list them
    /// (`select,insert,update,references`). Empty: the column is not shown at all, as in MySQL.
    pub(crate) fn column_privileges_text(&self, db: &str, table: &str, column: &str) -> String {
        let mut p = self.table_privs(db, table);
        if let Some(t) = self.table_grant(db, table)
            && let Some(c) = t.columns.get(column)
        {
            p |= *c;
        }
        [
            (Privs::SELECT, "select"),
            (Privs::INSERT, "insert"),
            (Privs::UPDATE, "update"),
            (Privs::REFERENCES, "references"),
        ]
        .iter()
        .filter(|(bit, _)| p.contains(*bit))
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(",")
    }

    /// True when the account may see the table at all: some privilege on it or on one of its
    /// columns (SHOW TABLES, information_schema).
    pub(crate) fn sees_table(&self, db: &str, table: &str) -> bool {
        self.table_privs(db, table)
            .intersects(Privs::TABLE_ALL | Privs::GRANT)
            || self
                .table_grant(db, table)
                .is_some_and(|t| !t.column_privs().is_empty())
    }

    /// True when the account has some privilege in the database, on the database or on one of
    /// its tables or columns (USE, SHOW DATABASES).
    pub(crate) fn sees_db(&self, db: &str) -> bool {
        self.db_privs(db).intersects(Privs::DB_ALL | Privs::GRANT)
            || self
                .tables
                .iter()
                .any(|((d, _), t)| d == db && !t.is_empty())
    }
}

/// The grant table of the server: every account's grants, versioned.
#[derive(Debug, Default)]
pub(crate) struct Grants {
    accounts: RwLock<HashMap<(String, String), Arc<AccountGrants>>>,
    version: AtomicU64,
}

fn account_key(user: &str, host: &str) -> (String, String) {
    (user.to_string(), host.to_lowercase())
}

impl Grants {
    /// Bumped by every change.
    pub(crate) fn version(&self) -> u64 {
        self.version.load(Ordering::Acquire)
    }

    /// The grants of an account (none for an account without grants or unknown).
    pub(crate) fn of(&self, user: &str, host: &str) -> Arc<AccountGrants> {
        self.accounts
            .read()
            .get(&account_key(user, host))
            .cloned()
            .unwrap_or_default()
    }

    /// Changes an account's grants. Grants that end up empty are removed.
    pub(crate) fn update<T>(
        &self,
        user: &str,
        host: &str,
        f: impl FnOnce(&mut AccountGrants) -> T,
    ) -> T {
        let key = account_key(user, host);
        let mut map = self.accounts.write();
        let mut g = map.get(&key).map(|g| (**g).clone()).unwrap_or_default();
        let out = f(&mut g);
        g.dbs.retain(|_, p| !p.is_empty());
        g.tables.retain(|_, t| {
            t.columns.retain(|_, p| !p.is_empty());
            !t.is_empty()
        });
        if g == AccountGrants::default() {
            map.remove(&key);
        } else {
            map.insert(key, Arc::new(g));
        }
        self.version.fetch_add(1, Ordering::AcqRel);
        out
    }

    /// Removes every grant of an account, and the account as a role from everyone who had it
    /// (DROP USER, DROP ROLE).
    pub(crate) fn remove(&self, user: &str, host: &str) {
        let key = account_key(user, host);
        let mut map = self.accounts.write();
        map.remove(&key);
        for g in map.values_mut() {
            if g.roles.contains_key(&key) || g.default_roles.contains(&key) {
                let g = Arc::make_mut(g);
                g.roles.remove(&key);
                g.default_roles.remove(&key);
            }
        }
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    /// Moves an account's grants to its new name, and renames it where it is a granted role
    /// (RENAME USER).
    pub(crate) fn rename(&self, from: (&str, &str), to: (&str, &str)) {
        let (old, new) = (account_key(from.0, from.1), account_key(to.0, to.1));
        let mut map = self.accounts.write();
        if let Some(g) = map.remove(&old) {
            map.insert(new.clone(), g);
        }
        for g in map.values_mut() {
            if g.roles.contains_key(&old) || g.default_roles.contains(&old) {
                let g = Arc::make_mut(g);
                if let Some(admin) = g.roles.remove(&old) {
                    g.roles.insert(new.clone(), admin);
                }
                if g.default_roles.remove(&old) {
                    g.default_roles.insert(new.clone());
                }
            }
        }
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    /// The privileges of an account with the roles `active` in effect (and the roles granted
    /// to those, transitively).
    pub(crate) fn effective(&self, user: &str, host: &str, active: &[Role]) -> Arc<AccountGrants> {
        let map = self.accounts.read();
        let own = map
            .get(&account_key(user, host))
            .cloned()
            .unwrap_or_default();
        if active.is_empty() {
            return own;
        }
        let mut g = (*own).clone();
        let mut seen: HashSet<Role> = HashSet::new();
        let mut queue: Vec<Role> = active.to_vec();
        while let Some(r) = queue.pop() {
            if !seen.insert(r.clone()) {
                continue;
            }
            if let Some(rg) = map.get(&account_key(&r.0, &r.1)) {
                g.merge(rg);
                queue.extend(rg.roles.keys().cloned());
            }
        }
        Arc::new(g)
    }

    /// Every privilege to an account (the root account at start).
    pub(crate) fn grant_superuser(&self, user: &str, host: &str) {
        self.update(user, host, |g| *g = AccountGrants::superuser());
    }
}

/// The session's account, as error messages name it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Who<'a> {
    /// The account's user name.
    pub(crate) user: &'a str,
    /// The client's host (1142, 1143, 1045).
    pub(crate) client_host: &'a str,
    /// The account's host pattern (1044).
    pub(crate) account_host: &'a str,
}

/// True for the errors of a failed privilege check (their outcome depends on the account).
pub(crate) fn is_denial(e: &EngineError) -> bool {
    matches!(e.code, 1044 | 1045 | 1142 | 1143 | 1227)
}

/// ER_TABLEACCESS_DENIED_ERROR (1142).
pub(crate) fn table_denied(who: Who<'_>, command: &str, table: &str) -> EngineError {
    let user: String = who.user.chars().take(48).collect();
    let host: String = who.client_host.chars().take(64).collect();
    let table: String = table.chars().take(64).collect();
    EngineError::new(
        1142,
        "42000",
        format!("{command} command denied to user '{user}'@'{host}' for table '{table}'"),
    )
}

/// ER_COLUMNACCESS_DENIED_ERROR (1143).
pub(crate) fn column_denied(who: Who<'_>, command: &str, column: &str, table: &str) -> EngineError {
    let user: String = who.user.chars().take(48).collect();
    let host: String = who.client_host.chars().take(64).collect();
    EngineError::new(
        1143,
        "42000",
        format!(
            "{command} command denied to user '{user}'@'{host}' for column '{column}' in table '{table}'"
        ),
    )
}

/// ER_DBACCESS_DENIED_ERROR (1044).
pub(crate) fn db_denied(who: Who<'_>, db: &str) -> EngineError {
    EngineError::db_access_denied(who.user, who.account_host, db)
}

/// ER_SPECIFIC_ACCESS_DENIED_ERROR (1227): `needed` is the privilege list as MySQL words it,
/// e.g. `SUPER or SYSTEM_VARIABLES_ADMIN`.
pub(crate) fn specific_denied(needed: &str) -> EngineError {
    EngineError::new(
        1227,
        "42000",
        format!(
            "Access denied; you need (at least one of) the {needed} privilege(s) for this operation"
        ),
    )
}

/// ER_ACCESS_DENIED_ERROR (1045) for a GRANT at the global level without the privileges. As
/// MySQL's `check_access`, it names the account (`priv_user`@`priv_host`), not the client.
pub(crate) fn access_denied(who: Who<'_>) -> EngineError {
    EngineError::new(
        1045,
        "28000",
        format!(
            "Access denied for user '{}'@'{}' (using password: YES)",
            who.user, who.account_host
        ),
    )
}

impl Session {
    /// The grants of the session's account, re-read when GRANT, REVOKE or an account statement
    /// changed the grant table since they were last read.
    pub(crate) fn grants(&self, engine: &Engine) -> Arc<AccountGrants> {
        if self.system {
            return Arc::new(AccountGrants::superuser());
        }
        let version = engine.grants.version();
        let mut cached = self.grants.lock();
        if let Some((v, g)) = &*cached
            && *v == version
        {
            return g.clone();
        }
        let g =
            engine
                .grants
                .effective(&self.info.user, &self.info.account_host, &self.active_roles);
        *cached = Some((version, g.clone()));
        g
    }

    /// The session's account for error messages.
    pub(crate) fn who(&self) -> Who<'_> {
        Who {
            user: &self.info.user,
            client_host: &self.info.client_host,
            account_host: &self.info.account_host,
        }
    }
}

/// The first privilege of `need` that `have` lacks.
fn first_missing(need: Privs, have: Privs) -> Privs {
    STATIC
        .iter()
        .map(|(p, _)| *p)
        .find(|p| need.contains(*p) && !have.contains(*p))
        .unwrap_or(Privs::GRANT)
}

/// Checks that the session may use `db.table` for `need` (every privilege of it): ER 1142
/// naming the first one missing.
pub(crate) fn check_table(
    engine: &Engine,
    session: &Session,
    db: &str,
    table: &str,
    need: Privs,
) -> Result<(), EngineError> {
    let g = session.grants(engine);
    if g.global.contains(need) {
        return Ok(());
    }
    let have = g.table_privs(db, table);
    if have.contains(need) {
        return Ok(());
    }
    Err(table_denied(
        session.who(),
        first_missing(need, have).name(),
        table,
    ))
}

/// Checks that the session may read every table of a cached plan: SELECT on each, or on each
/// column the plan uses of it.
pub(crate) fn check_reads(
    engine: &Engine,
    session: &Session,
    reads: &[(String, String)],
    column_reads: &[(String, String, String)],
) -> Result<(), EngineError> {
    if reads.is_empty() {
        return Ok(());
    }
    let g = session.grants(engine);
    if g.global.contains(Privs::SELECT) {
        return Ok(());
    }
    for (db, t) in reads {
        if g.table_privs(db, t).contains(Privs::SELECT) {
            continue;
        }
        let Some(tg) = g
            .table_grant(db, t)
            .filter(|tg| tg.column_privs().contains(Privs::SELECT))
        else {
            return Err(table_denied(session.who(), "SELECT", t));
        };
        for (cdb, ct, c) in column_reads {
            if cdb != db || ct != t {
                continue;
            }
            if c == "*" {
                return Err(table_denied(session.who(), "SELECT", t));
            }
            if !tg.columns.get(c).is_some_and(|p| p.contains(Privs::SELECT)) {
                return Err(column_denied(session.who(), "SELECT", c, t));
            }
        }
    }
    Ok(())
}

/// Checks `need` at the database level: ER 1044.
pub(crate) fn check_db(
    engine: &Engine,
    session: &Session,
    db: &str,
    need: Privs,
) -> Result<(), EngineError> {
    if session.grants(engine).db_privs(db).contains(need) {
        Ok(())
    } else {
        Err(db_denied(session.who(), db))
    }
}

/// Checks that the session may use a database at all (USE, a database named at connect):
/// ER 1044.
pub(crate) fn check_db_visible(
    engine: &Engine,
    session: &Session,
    db: &str,
) -> Result<(), EngineError> {
    if session.grants(engine).sees_db(db) {
        Ok(())
    } else {
        Err(db_denied(session.who(), db))
    }
}

/// Checks a global privilege, or any of the dynamic ones that stand in for it: ER 1227 with
/// `needed` as MySQL words the alternatives (`SUPER or SYSTEM_VARIABLES_ADMIN`).
pub(crate) fn check_global(
    engine: &Engine,
    session: &Session,
    need: Privs,
    dynamic: &[&str],
    needed: &str,
) -> Result<(), EngineError> {
    if has_global(engine, session, need, dynamic) {
        Ok(())
    } else {
        Err(specific_denied(needed))
    }
}

/// True when the session holds the global privilege (or one of the dynamic ones).
pub(crate) fn has_global(
    engine: &Engine,
    session: &Session,
    need: Privs,
    dynamic: &[&str],
) -> bool {
    let g = session.grants(engine);
    (!need.is_empty() && g.global.contains(need)) || dynamic.iter().any(|d| g.has_dynamic(d))
}

/// The databases SHOW DATABASES and information_schema list for the session: all of them with
/// the SHOW DATABASES privilege, else information_schema and those it has some privilege in.
pub(crate) fn visible_databases(engine: &Engine, session: &Session) -> Vec<String> {
    let g = session.grants(engine);
    let mut names = engine.database_names();
    if !g.global.contains(Privs::SHOW_DB) {
        names.retain(|n| n.eq_ignore_ascii_case("information_schema") || g.sees_db(n));
    }
    names
}

/// `` `name` `` with backticks doubled, as SHOW GRANTS quotes names.
fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// SHOW GRANTS: the GRANT statements that recreate an account's privileges, as MySQL 8.4
/// prints them (global, dynamic, database, then table and column grants).
pub(crate) fn grant_lines(user: &str, host: &str, g: &AccountGrants) -> Vec<String> {
    let to = format!("TO {}@{}", quote(user), quote(host));
    let with = |p: Privs| {
        if p.contains(Privs::GRANT) {
            " WITH GRANT OPTION"
        } else {
            ""
        }
    };
    let mut out = Vec::new();
    let global = g.global.without(Privs::GRANT);
    let names = if global.is_empty() {
        "USAGE".to_string()
    } else {
        global.names().join(", ")
    };
    out.push(format!("GRANT {names} ON *.* {to}{}", with(g.global)));
    for option in [false, true] {
        let names: Vec<&str> = g
            .dynamic
            .iter()
            .filter(|(_, o)| **o == option)
            .map(|(n, _)| *n)
            .collect();
        if !names.is_empty() {
            let tail = if option { " WITH GRANT OPTION" } else { "" };
            out.push(format!("GRANT {} ON *.* {to}{tail}", names.join(",")));
        }
    }
    for (db, privs) in &g.dbs {
        let p = privs.without(Privs::GRANT);
        let names = if p == Privs::DB_ALL {
            "ALL PRIVILEGES".to_string()
        } else if p.is_empty() {
            "USAGE".to_string()
        } else {
            p.names().join(", ")
        };
        out.push(format!(
            "GRANT {names} ON {}.* {to}{}",
            quote(db),
            with(*privs)
        ));
    }
    for ((db, table), t) in &g.tables {
        let p = t.privs.without(Privs::GRANT);
        let cols = t.column_privs();
        let names = if p == Privs::TABLE_ALL && cols.is_empty() {
            "ALL PRIVILEGES".to_string()
        } else if p.is_empty() && cols.is_empty() {
            "USAGE".to_string()
        } else {
            let mut items = Vec::new();
            for (bit, name) in STATIC {
                if p.contains(*bit) {
                    items.push((*name).to_string());
                }
                if cols.contains(*bit) {
                    let names: Vec<String> = t
                        .columns
                        .iter()
                        .filter(|(_, cp)| cp.contains(*bit))
                        .map(|(c, _)| quote(c))
                        .collect();
                    items.push(format!("{name} ({})", names.join(", ")));
                }
            }
            items.join(", ")
        };
        out.push(format!(
            "GRANT {names} ON {}.{} {to}{}",
            quote(db),
            quote(table),
            with(t.privs)
        ));
    }
    for admin in [false, true] {
        let roles: Vec<String> = g
            .roles
            .iter()
            .filter(|(_, a)| **a == admin)
            .map(|(r, _)| role_text(r))
            .collect();
        if !roles.is_empty() {
            let tail = if admin { " WITH ADMIN OPTION" } else { "" };
            out.push(format!("GRANT {} {to}{tail}", roles.join(",")));
        }
    }
    out
}

/// Whether binary logging asks more of routine and trigger creators: log_bin ON and
/// log_bin_trust_function_creators OFF (MySQL 8.4's defaults), and not the server's own
/// session (loading --datadir recreates what was accepted before).
pub(crate) fn binlog_untrusted(engine: &Engine, session: &Session) -> bool {
    let g = engine.read_globals();
    g.get("log_bin").is_some_and(|v| v == "ON")
        && g.get("log_bin_trust_function_creators")
            .is_none_or(|v| v != "ON")
        && !session.system
}

/// ER 1419 for a creator without SUPER while [`binlog_untrusted`]: a function's, and a
/// trigger's, whose body is logged the same way ("trust_function_creators applies to them
/// too", sql_trigger.cc).
pub(crate) fn check_creator_super(engine: &Engine, session: &Session) -> Result<(), EngineError> {
    if !binlog_untrusted(engine, session) || session.grants(engine).global.contains(Privs::SUPER) {
        return Ok(());
    }
    Err(EngineError::new(
        1419,
        "HY000",
        "You do not have the SUPER privilege and binary logging is enabled (you *might* want to use the less safe log_bin_trust_function_creators variable)",
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn database_patterns_use_like_wildcards_with_escapes() {
        assert!(db_matches("shop", "shop"));
        assert!(!db_matches("shop", "Shop"));
        assert!(db_matches("shop_%", "shop_1"));
        assert!(db_matches("shop_1", "shopx1"));
        assert!(!db_matches("shop\\_1", "shopx1"));
        assert!(db_matches("shop\\_1", "shop_1"));
        assert!(db_matches("%", "anything"));
        assert!(!db_matches("a_", "a"));
    }

    #[test]
    fn levels_add_up_and_root_holds_everything() {
        let root = AccountGrants::superuser();
        assert!(root.table_privs("d", "t").contains(Privs::GLOBAL_ALL));
        assert!(root.has_dynamic("SYSTEM_VARIABLES_ADMIN"));
        let mut g = AccountGrants::default();
        g.dbs.insert("d".into(), Privs::SELECT);
        g.tables.insert(
            ("d".into(), "t".into()),
            TableGrant {
                privs: Privs::INSERT,
                columns: BTreeMap::new(),
            },
        );
        assert_eq!(g.table_privs("d", "t"), Privs::SELECT | Privs::INSERT);
        assert_eq!(g.table_privs("d", "u"), Privs::SELECT);
        assert_eq!(g.table_privs("e", "t"), Privs::NONE);
        assert!(g.sees_db("d") && !g.sees_db("e"));
    }

    #[test]
    fn privilege_names_follow_mysql_order() {
        assert_eq!(
            (Privs::DELETE | Privs::SELECT | Privs::SHOW_DB).names(),
            ["SELECT", "DELETE", "SHOW DATABASES"]
        );
        assert_eq!(Privs::GLOBAL_ALL.names().len(), STATIC.len());
        assert!(!Privs::GLOBAL_ALL.contains(Privs::GRANT));
        assert!(Privs::GLOBAL_ALL.contains(Privs::DB_ALL | Privs::TABLE_ALL));
    }

    #[test]
    fn empty_grants_are_dropped() {
        let g = Grants::default();
        let v = g.version();
        g.update("u", "%", |a| {
            a.dbs.insert("d".into(), Privs::SELECT);
        });
        assert!(g.version() > v);
        assert_eq!(g.of("u", "%").db_privs("d"), Privs::SELECT);
        g.update("u", "%", |a| {
            a.dbs.insert("d".into(), Privs::NONE);
        });
        assert!(g.accounts.read().is_empty());
    }
}
