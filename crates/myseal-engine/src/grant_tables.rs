//! The grant tables of the `mysql` schema, computed from the account store and the grant table
//! ([`crate::privilege::Grants`]) when a query reads them: `mysql.user`, `mysql.db`,
//! `mysql.tables_priv`, `mysql.columns_priv`, `mysql.global_grants`, `mysql.role_edges` and
//! `mysql.default_roles`, with MySQL 8.4's columns.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/grant-tables.html>
//!
//! They are read-only views (ER 1036 for a write: change accounts with the account statements,
//! as MySQL recommends); reading them needs SELECT on them, like any table (the binder checks).
//! `mysql.user.authentication_string` holds the hashes as MySQL stores them.

use myseal_auth::account::{Account, PasswordLockTime, SslRequirement};

use crate::Engine;
use crate::collation::Collation;
use crate::privilege::{Privs, STATIC};
use crate::types::{BaseType, SqlType};
use crate::value::Value;

/// The schema these tables live in.
pub(crate) const SCHEMA: &str = "mysql";

/// The `mysql.user` privilege columns, in MySQL's column order, and their privileges.
const USER_PRIVS: &[(&str, Privs)] = &[
    ("Select_priv", Privs::SELECT),
    ("Insert_priv", Privs::INSERT),
    ("Update_priv", Privs::UPDATE),
    ("Delete_priv", Privs::DELETE),
    ("Create_priv", Privs::CREATE),
    ("Drop_priv", Privs::DROP),
    ("Reload_priv", Privs::RELOAD),
    ("Shutdown_priv", Privs::SHUTDOWN),
    ("Process_priv", Privs::PROCESS),
    ("File_priv", Privs::FILE),
    ("Grant_priv", Privs::GRANT),
    ("References_priv", Privs::REFERENCES),
    ("Index_priv", Privs::INDEX),
    ("Alter_priv", Privs::ALTER),
    ("Show_db_priv", Privs::SHOW_DB),
    ("Super_priv", Privs::SUPER),
    ("Create_tmp_table_priv", Privs::CREATE_TMP),
    ("Lock_tables_priv", Privs::LOCK_TABLES),
    ("Execute_priv", Privs::EXECUTE),
    ("Repl_slave_priv", Privs::REPL_SLAVE),
    ("Repl_client_priv", Privs::REPL_CLIENT),
    ("Create_view_priv", Privs::CREATE_VIEW),
    ("Show_view_priv", Privs::SHOW_VIEW),
    ("Create_routine_priv", Privs::CREATE_ROUTINE),
    ("Alter_routine_priv", Privs::ALTER_ROUTINE),
    ("Create_user_priv", Privs::CREATE_USER),
    ("Event_priv", Privs::EVENT),
    ("Trigger_priv", Privs::TRIGGER),
    ("Create_tablespace_priv", Privs::CREATE_TABLESPACE),
];

/// The `mysql.db` privilege columns, in MySQL's column order.
const DB_PRIVS: &[(&str, Privs)] = &[
    ("Select_priv", Privs::SELECT),
    ("Insert_priv", Privs::INSERT),
    ("Update_priv", Privs::UPDATE),
    ("Delete_priv", Privs::DELETE),
    ("Create_priv", Privs::CREATE),
    ("Drop_priv", Privs::DROP),
    ("Grant_priv", Privs::GRANT),
    ("References_priv", Privs::REFERENCES),
    ("Index_priv", Privs::INDEX),
    ("Alter_priv", Privs::ALTER),
    ("Create_tmp_table_priv", Privs::CREATE_TMP),
    ("Lock_tables_priv", Privs::LOCK_TABLES),
    ("Create_view_priv", Privs::CREATE_VIEW),
    ("Show_view_priv", Privs::SHOW_VIEW),
    ("Create_routine_priv", Privs::CREATE_ROUTINE),
    ("Alter_routine_priv", Privs::ALTER_ROUTINE),
    ("Execute_priv", Privs::EXECUTE),
    ("Event_priv", Privs::EVENT),
    ("Trigger_priv", Privs::TRIGGER),
];

/// A grant table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GrantTable {
    User,
    Db,
    TablesPriv,
    ColumnsPriv,
    GlobalGrants,
    RoleEdges,
    DefaultRoles,
}

impl GrantTable {
    /// The grant tables, in name order.
    pub(crate) const ALL: [GrantTable; 7] = [
        GrantTable::ColumnsPriv,
        GrantTable::Db,
        GrantTable::DefaultRoles,
        GrantTable::GlobalGrants,
        GrantTable::RoleEdges,
        GrantTable::TablesPriv,
        GrantTable::User,
    ];

    /// The table name, as MySQL spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            GrantTable::User => "user",
            GrantTable::Db => "db",
            GrantTable::TablesPriv => "tables_priv",
            GrantTable::ColumnsPriv => "columns_priv",
            GrantTable::GlobalGrants => "global_grants",
            GrantTable::RoleEdges => "role_edges",
            GrantTable::DefaultRoles => "default_roles",
        }
    }
}

/// A column: name, type, nullable.
pub(crate) type GrantColumn = (String, SqlType, bool);

/// CHAR(chars) in a collation.
fn char(chars: u32, collation: Collation) -> SqlType {
    SqlType {
        length: chars,
        collation,
        ..SqlType::new(BaseType::Char)
    }
}

fn host_type() -> SqlType {
    char(255, Collation::Ascii_general_ci)
}

fn user_type() -> SqlType {
    char(32, Collation::Utf8mb3_bin)
}

fn name_type() -> SqlType {
    char(64, Collation::Utf8mb3_bin)
}

fn enum_type(members: &[&str]) -> SqlType {
    SqlType {
        elements: Some(members.iter().map(|m| (*m).to_string()).collect()),
        collation: Collation::Utf8mb3_general_ci,
        ..SqlType::new(BaseType::Enum)
    }
}

fn yn() -> SqlType {
    enum_type(&["N", "Y"])
}

fn set_type(members: &[&str]) -> SqlType {
    SqlType {
        elements: Some(members.iter().map(|m| (*m).to_string()).collect()),
        collation: Collation::Utf8mb3_general_ci,
        ..SqlType::new(BaseType::Set)
    }
}

fn uint() -> SqlType {
    SqlType {
        unsigned: true,
        ..SqlType::new(BaseType::Int)
    }
}

fn usmall() -> SqlType {
    SqlType {
        unsigned: true,
        ..SqlType::new(BaseType::SmallInt)
    }
}

fn text(base: BaseType) -> SqlType {
    SqlType {
        collation: Collation::Utf8mb3_bin,
        ..SqlType::new(base)
    }
}

const TABLE_PRIV_SET: &[&str] = &[
    "Select",
    "Insert",
    "Update",
    "Delete",
    "Create",
    "Drop",
    "Grant",
    "References",
    "Index",
    "Alter",
    "Create View",
    "Show view",
    "Trigger",
];
const COLUMN_PRIV_SET: &[&str] = &["Select", "Insert", "Update", "References"];

/// The columns of a grant table, as `DESCRIBE mysql.<table>` lists them in MySQL 8.4.
pub(crate) fn columns(table: GrantTable) -> Vec<GrantColumn> {
    let c = |n: &str, ty: SqlType, nullable: bool| (n.to_string(), ty, nullable);
    let account = |host_first: bool| {
        if host_first {
            vec![c("Host", host_type(), false), c("User", user_type(), false)]
        } else {
            vec![c("USER", user_type(), false), c("HOST", host_type(), false)]
        }
    };
    match table {
        GrantTable::User => {
            let mut cols = account(true);
            cols.extend(USER_PRIVS.iter().map(|(n, _)| c(n, yn(), false)));
            cols.extend([
                c(
                    "ssl_type",
                    enum_type(&["", "ANY", "X509", "SPECIFIED"]),
                    false,
                ),
                c("ssl_cipher", SqlType::new(BaseType::Blob), false),
                c("x509_issuer", SqlType::new(BaseType::Blob), false),
                c("x509_subject", SqlType::new(BaseType::Blob), false),
                c("max_questions", uint(), false),
                c("max_updates", uint(), false),
                c("max_connections", uint(), false),
                c("max_user_connections", uint(), false),
                c("plugin", name_type(), false),
                c("authentication_string", text(BaseType::Text), true),
                c("password_expired", yn(), false),
                c(
                    "password_last_changed",
                    SqlType::new(BaseType::Timestamp),
                    true,
                ),
                c("password_lifetime", usmall(), true),
                c("account_locked", yn(), false),
                c("Create_role_priv", yn(), false),
                c("Drop_role_priv", yn(), false),
                c("Password_reuse_history", usmall(), true),
                c("Password_reuse_time", usmall(), true),
                c("Password_require_current", yn(), true),
                c("User_attributes", text(BaseType::LongText), true),
            ]);
            cols
        }
        GrantTable::Db => {
            let mut cols = vec![
                c("Host", host_type(), false),
                c("Db", name_type(), false),
                c("User", user_type(), false),
            ];
            cols.extend(DB_PRIVS.iter().map(|(n, _)| c(n, yn(), false)));
            cols
        }
        GrantTable::TablesPriv => vec![
            c("Host", host_type(), false),
            c("Db", name_type(), false),
            c("User", user_type(), false),
            c("Table_name", name_type(), false),
            c(
                "Grantor",
                SqlType::varchar(288, Collation::Utf8mb3_bin),
                false,
            ),
            c("Timestamp", SqlType::new(BaseType::Timestamp), false),
            c("Table_priv", set_type(TABLE_PRIV_SET), false),
            c("Column_priv", set_type(COLUMN_PRIV_SET), false),
        ],
        GrantTable::ColumnsPriv => vec![
            c("Host", host_type(), false),
            c("Db", name_type(), false),
            c("User", user_type(), false),
            c("Table_name", name_type(), false),
            c(
                "Column_name",
                char(64, Collation::Utf8mb3_general_ci),
                false,
            ),
            c("Timestamp", SqlType::new(BaseType::Timestamp), false),
            c("Column_priv", set_type(COLUMN_PRIV_SET), false),
        ],
        GrantTable::GlobalGrants => {
            let mut cols = account(false);
            cols.extend([
                c("PRIV", char(32, Collation::Utf8mb3_general_ci), false),
                c("WITH_GRANT_OPTION", yn(), false),
            ]);
            cols
        }
        GrantTable::RoleEdges => vec![
            c("FROM_HOST", host_type(), false),
            c("FROM_USER", user_type(), false),
            c("TO_HOST", host_type(), false),
            c("TO_USER", user_type(), false),
            c("WITH_ADMIN_OPTION", yn(), false),
        ],
        GrantTable::DefaultRoles => vec![
            c("HOST", host_type(), false),
            c("USER", user_type(), false),
            c("DEFAULT_ROLE_HOST", host_type(), false),
            c("DEFAULT_ROLE_USER", user_type(), false),
        ],
    }
}

fn y_n(b: bool) -> Value {
    Value::str(if b { "Y" } else { "N" })
}

/// The names of the privileges of `p` in a SET column (`Table_priv`, `Column_priv`).
fn set_text(p: Privs, members: &[&str]) -> Value {
    let names: Vec<&str> = members
        .iter()
        .filter(|m| {
            let want = m.to_ascii_uppercase();
            STATIC
                .iter()
                .any(|(bit, name)| p.contains(*bit) && name.eq_ignore_ascii_case(&want))
                || (**m == "Grant" && p.contains(Privs::GRANT))
        })
        .copied()
        .collect();
    Value::str(names.join(","))
}

fn user_row(acc: &Account, g: &crate::privilege::AccountGrants) -> Vec<Value> {
    let mut row = vec![Value::str(acc.host.clone()), Value::str(acc.user.clone())];
    row.extend(USER_PRIVS.iter().map(|(_, p)| y_n(g.global.contains(*p))));
    let (ssl_type, cipher, issuer, subject) = match &acc.require {
        SslRequirement::None => ("", "", "", ""),
        SslRequirement::Ssl => ("ANY", "", "", ""),
        SslRequirement::X509 => ("X509", "", "", ""),
        SslRequirement::Specified {
            cipher,
            issuer,
            subject,
        } => (
            "SPECIFIED",
            cipher.as_deref().unwrap_or(""),
            issuer.as_deref().unwrap_or(""),
            subject.as_deref().unwrap_or(""),
        ),
    };
    row.extend([
        Value::str(ssl_type),
        Value::Bytes(cipher.as_bytes().to_vec()),
        Value::Bytes(issuer.as_bytes().to_vec()),
        Value::Bytes(subject.as_bytes().to_vec()),
        Value::UInt(u64::from(acc.hourly_limits.queries)),
        Value::UInt(u64::from(acc.hourly_limits.updates)),
        Value::UInt(u64::from(acc.hourly_limits.connections)),
        Value::UInt(u64::from(acc.max_user_connections)),
        Value::str(acc.plugin.name()),
        Value::str(acc.auth_string.clone()),
        y_n(acc.password_expired),
        // password_last_changed (in UTC, the server's time zone), password_lifetime.
        acc.password_last_changed
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(Value::Null, |d| {
                let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                Value::DateTime(crate::temporal::from_epoch(secs, 0))
            }),
        match acc.password_lifetime {
            myseal_auth::account::PasswordLifetime::Default => Value::Null,
            myseal_auth::account::PasswordLifetime::Never => Value::UInt(0),
            myseal_auth::account::PasswordLifetime::Days(n) => Value::UInt(u64::from(n)),
        },
        y_n(acc.locked),
        y_n(g.global.contains(Privs::CREATE_ROLE)),
        y_n(g.global.contains(Privs::DROP_ROLE)),
        Value::Null,
        Value::Null,
        acc.password_require_current.map_or(Value::Null, y_n),
        user_attributes(acc),
    ]);
    row
}

/// `User_attributes`: the failed-login policy, as MySQL records it (NULL without one).
fn user_attributes(acc: &Account) -> Value {
    if acc.failed_login_attempts == 0 && acc.password_lock_time == PasswordLockTime::Days(0) {
        return Value::Null;
    }
    let lock = match acc.password_lock_time {
        PasswordLockTime::Days(d) => i64::from(d),
        PasswordLockTime::Unbounded => -1,
    };
    Value::str(format!(
        "{{\"Password_locking\": {{\"failed_login_attempts\": {}, \"password_lock_time_days\": {lock}}}}}",
        acc.failed_login_attempts
    ))
}

/// The rows of a grant table, every account's.
pub(crate) fn rows(engine: &Engine, table: GrantTable) -> Vec<Vec<Value>> {
    let mut out = Vec::new();
    let epoch = Value::DateTime(crate::temporal::from_epoch(0, 0));
    for acc in engine.accounts.accounts() {
        let g = engine.grants.of(&acc.user, &acc.host);
        let (host, user) = (Value::str(acc.host.clone()), Value::str(acc.user.clone()));
        match table {
            GrantTable::User => out.push(user_row(&acc, &g)),
            GrantTable::Db => {
                for (db, p) in &g.dbs {
                    let mut row = vec![host.clone(), Value::str(db.clone()), user.clone()];
                    row.extend(DB_PRIVS.iter().map(|(_, bit)| y_n(p.contains(*bit))));
                    out.push(row);
                }
            }
            GrantTable::TablesPriv => {
                for ((db, t), tg) in &g.tables {
                    out.push(vec![
                        host.clone(),
                        Value::str(db.clone()),
                        user.clone(),
                        Value::str(t.clone()),
                        Value::str(""),
                        epoch.clone(),
                        set_text(tg.privs, TABLE_PRIV_SET),
                        set_text(tg.column_privs(), COLUMN_PRIV_SET),
                    ]);
                }
            }
            GrantTable::ColumnsPriv => {
                for ((db, t), tg) in &g.tables {
                    for (col, p) in &tg.columns {
                        out.push(vec![
                            host.clone(),
                            Value::str(db.clone()),
                            user.clone(),
                            Value::str(t.clone()),
                            Value::str(col.clone()),
                            epoch.clone(),
                            set_text(*p, COLUMN_PRIV_SET),
                        ]);
                    }
                }
            }
            GrantTable::GlobalGrants => {
                for (priv_name, option) in &g.dynamic {
                    out.push(vec![
                        user.clone(),
                        host.clone(),
                        Value::str(*priv_name),
                        y_n(*option),
                    ]);
                }
            }
            GrantTable::RoleEdges => {
                for ((ru, rh), admin) in &g.roles {
                    out.push(vec![
                        Value::str(rh.clone()),
                        Value::str(ru.clone()),
                        host.clone(),
                        user.clone(),
                        y_n(*admin),
                    ]);
                }
            }
            GrantTable::DefaultRoles => {
                for (ru, rh) in &g.default_roles {
                    out.push(vec![
                        host.clone(),
                        user.clone(),
                        Value::str(rh.clone()),
                        Value::str(ru.clone()),
                    ]);
                }
            }
        }
    }
    out
}
