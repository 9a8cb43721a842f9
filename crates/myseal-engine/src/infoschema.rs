//! information_schema: SCHEMATA, TABLES, COLUMNS, STATISTICS, KEY_COLUMN_USAGE and
//! TABLE_CONSTRAINTS, computed from the catalog when a plan reads them.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/information-schema-introduction.html>
//!
//! A query names one of these tables (`information_schema.tables`, case-insensitively, or
//! `tables` after `USE information_schema`); the binder asks [`lookup`] for it and plans a
//! `Node::Virtual`, whose rows [`rows`] builds from the latest committed catalog (as MySQL's
//! data dictionary, information_schema is not read through a transaction's snapshot). Column
//! names, types and nullability are MySQL 8.4's. The helpers below (`column_key`,
//! `default_text`, `extra`, `table_stats`, ...) are shared with SHOW COLUMNS / INDEX / TABLE
//! STATUS, which print the same facts.

use std::sync::Arc;

use crate::catalog::{ColumnDef, ColumnDefault, IndexDef, TableCounters, TableDef, TableOptions};
use crate::collation::Collation;
use crate::error::EngineError;
use crate::grant_tables::GrantTable;
use crate::privilege::{AccountGrants, Privs};
use crate::{Engine, Session};

/// A row of a virtual table.
type Row = Vec<Value>;
use crate::storage::{State, Table, key};
use crate::types::{BaseType, NOT_FIXED_DEC, SqlType};
use crate::value::Value;

/// The name of the schema, as MySQL spells it.
pub(crate) const SCHEMA: &str = "information_schema";

/// An information_schema table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VirtualTable {
    /// SCHEMATA: one row per database.
    Schemata,
    /// TABLES: one row per table (and per information_schema table, as SYSTEM VIEW).
    Tables,
    /// COLUMNS: one row per table column.
    Columns,
    /// STATISTICS: one row per index column.
    Statistics,
    /// KEY_COLUMN_USAGE: one row per column of a PRIMARY KEY, UNIQUE or FOREIGN KEY constraint.
    KeyColumnUsage,
    /// TABLE_CONSTRAINTS: one row per PRIMARY KEY, UNIQUE or FOREIGN KEY constraint.
    TableConstraints,
    /// USER_PRIVILEGES: one row per global privilege of an account.
    UserPrivileges,
    /// SCHEMA_PRIVILEGES: one row per database-level privilege.
    SchemaPrivileges,
    /// TABLE_PRIVILEGES: one row per table-level privilege.
    TablePrivileges,
    /// COLUMN_PRIVILEGES: one row per column-level privilege.
    ColumnPrivileges,
    /// TRIGGERS, ROUTINES, PARAMETERS, VIEWS, EVENTS, REFERENTIAL_CONSTRAINTS: views of the
    /// catalog's triggers, stored procedures and their parameters, views and FOREIGN KEYs;
    /// EVENTS is empty (there are no events here; tools like mysqldump read it).
    Empty(EmptyView),
    /// A grant table of the `mysql` schema (see [`crate::grant_tables`]).
    Grant(GrantTable),
}

/// The information_schema views of plain shape (EVENTS is always empty here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EmptyView {
    /// CHECK_CONSTRAINTS: one row per CHECK constraint (not empty, but of the same shape).
    CheckConstraints,
    Events,
    Parameters,
    ReferentialConstraints,
    Routines,
    Triggers,
    Views,
}

/// A column of a virtual table: name, type, nullable.
pub(crate) type VirtualColumn = (String, SqlType, bool);

impl VirtualTable {
    /// Every information_schema table there is, in name (byte) order.
    pub(crate) const ALL: [VirtualTable; 17] = [
        VirtualTable::Empty(EmptyView::CheckConstraints),
        VirtualTable::Columns,
        VirtualTable::ColumnPrivileges,
        VirtualTable::Empty(EmptyView::Events),
        VirtualTable::KeyColumnUsage,
        VirtualTable::Empty(EmptyView::Parameters),
        VirtualTable::Empty(EmptyView::ReferentialConstraints),
        VirtualTable::Empty(EmptyView::Routines),
        VirtualTable::Schemata,
        VirtualTable::SchemaPrivileges,
        VirtualTable::Statistics,
        VirtualTable::Tables,
        VirtualTable::TableConstraints,
        VirtualTable::TablePrivileges,
        VirtualTable::Empty(EmptyView::Triggers),
        VirtualTable::UserPrivileges,
        VirtualTable::Empty(EmptyView::Views),
    ];

    /// The table name, as MySQL spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            VirtualTable::Schemata => "SCHEMATA",
            VirtualTable::Tables => "TABLES",
            VirtualTable::Columns => "COLUMNS",
            VirtualTable::Statistics => "STATISTICS",
            VirtualTable::KeyColumnUsage => "KEY_COLUMN_USAGE",
            VirtualTable::TableConstraints => "TABLE_CONSTRAINTS",
            VirtualTable::UserPrivileges => "USER_PRIVILEGES",
            VirtualTable::SchemaPrivileges => "SCHEMA_PRIVILEGES",
            VirtualTable::TablePrivileges => "TABLE_PRIVILEGES",
            VirtualTable::ColumnPrivileges => "COLUMN_PRIVILEGES",
            VirtualTable::Empty(v) => match v {
                EmptyView::CheckConstraints => "CHECK_CONSTRAINTS",
                EmptyView::Events => "EVENTS",
                EmptyView::Parameters => "PARAMETERS",
                EmptyView::ReferentialConstraints => "REFERENTIAL_CONSTRAINTS",
                EmptyView::Routines => "ROUTINES",
                EmptyView::Triggers => "TRIGGERS",
                EmptyView::Views => "VIEWS",
            },
            VirtualTable::Grant(t) => t.name(),
        }
    }

    /// The schema the table is in: information_schema, or `mysql` for the grant tables.
    pub(crate) fn schema(self) -> &'static str {
        match self {
            VirtualTable::Grant(_) => crate::grant_tables::SCHEMA,
            _ => SCHEMA,
        }
    }

    /// The columns, in order, as `DESCRIBE information_schema.<table>` lists them in MySQL 8.4.
    pub(crate) fn columns(self) -> Vec<VirtualColumn> {
        let c = |n: &str, ty: SqlType, nullable: bool| (n.to_string(), ty, nullable);
        match self {
            VirtualTable::Schemata => vec![
                c("CATALOG_NAME", name_type(), false),
                c("SCHEMA_NAME", name_type(), false),
                c("DEFAULT_CHARACTER_SET_NAME", text_varchar(64), false),
                c("DEFAULT_COLLATION_NAME", text_varchar(64), false),
                c("SQL_PATH", binary0(), true),
                c("DEFAULT_ENCRYPTION", enum_type(&["NO", "YES"]), false),
            ],
            VirtualTable::Tables => vec![
                c("TABLE_CATALOG", name_type(), false),
                c("TABLE_SCHEMA", name_type(), false),
                c("TABLE_NAME", name_type(), false),
                c(
                    "TABLE_TYPE",
                    enum_type(&["BASE TABLE", "VIEW", "SYSTEM VIEW"]),
                    false,
                ),
                c("ENGINE", text_varchar(64), true),
                c("VERSION", SqlType::new(BaseType::Int), true),
                c(
                    "ROW_FORMAT",
                    enum_type(&[
                        "Fixed",
                        "Dynamic",
                        "Compressed",
                        "Redundant",
                        "Compact",
                        "Paged",
                    ]),
                    true,
                ),
                c("TABLE_ROWS", SqlType::ubigint(), true),
                c("AVG_ROW_LENGTH", SqlType::ubigint(), true),
                c("DATA_LENGTH", SqlType::ubigint(), true),
                c("MAX_DATA_LENGTH", SqlType::ubigint(), true),
                c("INDEX_LENGTH", SqlType::ubigint(), true),
                c("DATA_FREE", SqlType::ubigint(), true),
                c("AUTO_INCREMENT", SqlType::ubigint(), true),
                c("CREATE_TIME", SqlType::new(BaseType::Timestamp), false),
                c("UPDATE_TIME", SqlType::new(BaseType::DateTime), true),
                c("CHECK_TIME", SqlType::new(BaseType::DateTime), true),
                c("TABLE_COLLATION", text_varchar(64), true),
                c("CHECKSUM", SqlType::bigint(), true),
                c("CREATE_OPTIONS", text_varchar(256), true),
                c("TABLE_COMMENT", text_type(BaseType::Text), true),
            ],
            VirtualTable::Columns => vec![
                c("TABLE_CATALOG", name_type(), false),
                c("TABLE_SCHEMA", name_type(), false),
                c("TABLE_NAME", name_type(), false),
                c("COLUMN_NAME", ci_name_type(), true),
                c("ORDINAL_POSITION", uint(), false),
                c("COLUMN_DEFAULT", text_type(BaseType::Text), true),
                c("IS_NULLABLE", text_varchar(3), false),
                c("DATA_TYPE", text_type(BaseType::LongText), true),
                c("CHARACTER_MAXIMUM_LENGTH", SqlType::bigint(), true),
                c("CHARACTER_OCTET_LENGTH", SqlType::bigint(), true),
                c("NUMERIC_PRECISION", SqlType::ubigint(), true),
                c("NUMERIC_SCALE", SqlType::ubigint(), true),
                c("DATETIME_PRECISION", uint(), true),
                c("CHARACTER_SET_NAME", text_varchar(64), true),
                c("COLLATION_NAME", text_varchar(64), true),
                c("COLUMN_TYPE", text_type(BaseType::MediumText), false),
                c("COLUMN_KEY", enum_type(&["", "PRI", "UNI", "MUL"]), false),
                c("EXTRA", text_varchar(256), true),
                c("PRIVILEGES", text_varchar(154), true),
                c("COLUMN_COMMENT", text_type(BaseType::Text), false),
                c(
                    "GENERATION_EXPRESSION",
                    text_type(BaseType::LongText),
                    false,
                ),
                c("SRS_ID", uint(), true),
            ],
            VirtualTable::Statistics => vec![
                c("TABLE_CATALOG", name_type(), false),
                c("TABLE_SCHEMA", name_type(), false),
                c("TABLE_NAME", name_type(), false),
                c("NON_UNIQUE", SqlType::new(BaseType::Int), false),
                c("INDEX_SCHEMA", name_type(), false),
                c("INDEX_NAME", ci_name_type(), true),
                c("SEQ_IN_INDEX", uint(), false),
                c("COLUMN_NAME", ci_name_type(), true),
                c("COLLATION", text_varchar(1), true),
                c("CARDINALITY", SqlType::bigint(), true),
                c("SUB_PART", SqlType::bigint(), true),
                c("PACKED", binary0(), true),
                c("NULLABLE", text_varchar(3), false),
                c("INDEX_TYPE", text_varchar(11), false),
                c("COMMENT", text_varchar(8), false),
                c("INDEX_COMMENT", text_varchar(2048), false),
                c("IS_VISIBLE", text_varchar(3), false),
                c("EXPRESSION", text_type(BaseType::LongText), true),
            ],
            VirtualTable::KeyColumnUsage => vec![
                c("CONSTRAINT_CATALOG", name_type(), false),
                c("CONSTRAINT_SCHEMA", name_type(), false),
                c("CONSTRAINT_NAME", ci_name_type(), true),
                c("TABLE_CATALOG", name_type(), false),
                c("TABLE_SCHEMA", name_type(), false),
                c("TABLE_NAME", name_type(), false),
                c("COLUMN_NAME", ci_name_type(), true),
                c("ORDINAL_POSITION", uint(), false),
                c("POSITION_IN_UNIQUE_CONSTRAINT", uint(), true),
                c("REFERENCED_TABLE_SCHEMA", name_type(), true),
                c("REFERENCED_TABLE_NAME", name_type(), true),
                c("REFERENCED_COLUMN_NAME", ci_name_type(), true),
            ],
            VirtualTable::TableConstraints => vec![
                c("CONSTRAINT_CATALOG", name_type(), false),
                c("CONSTRAINT_SCHEMA", name_type(), false),
                c("CONSTRAINT_NAME", ci_name_type(), true),
                c("TABLE_SCHEMA", name_type(), false),
                c("TABLE_NAME", name_type(), false),
                c("CONSTRAINT_TYPE", text_varchar(11), false),
                c("ENFORCED", text_varchar(3), false),
            ],
            VirtualTable::UserPrivileges
            | VirtualTable::SchemaPrivileges
            | VirtualTable::TablePrivileges
            | VirtualTable::ColumnPrivileges => {
                let mut cols = vec![
                    c("GRANTEE", text_varchar(292), false),
                    c("TABLE_CATALOG", text_varchar(512), false),
                ];
                if self != VirtualTable::UserPrivileges {
                    cols.push(c("TABLE_SCHEMA", text_varchar(64), false));
                }
                if matches!(
                    self,
                    VirtualTable::TablePrivileges | VirtualTable::ColumnPrivileges
                ) {
                    cols.push(c("TABLE_NAME", text_varchar(64), false));
                }
                if self == VirtualTable::ColumnPrivileges {
                    cols.push(c("COLUMN_NAME", text_varchar(64), false));
                }
                cols.push(c("PRIVILEGE_TYPE", text_varchar(64), false));
                cols.push(c("IS_GRANTABLE", text_varchar(3), false));
                cols
            }
            VirtualTable::Empty(v) => {
                let names: &[&str] = match v {
                    EmptyView::CheckConstraints => &[
                        "CONSTRAINT_CATALOG",
                        "CONSTRAINT_SCHEMA",
                        "CONSTRAINT_NAME",
                        "CHECK_CLAUSE",
                    ],
                    EmptyView::Events => &[
                        "EVENT_CATALOG",
                        "EVENT_SCHEMA",
                        "EVENT_NAME",
                        "DEFINER",
                        "TIME_ZONE",
                        "EVENT_BODY",
                        "EVENT_DEFINITION",
                        "EVENT_TYPE",
                        "EXECUTE_AT",
                        "INTERVAL_VALUE",
                        "INTERVAL_FIELD",
                        "SQL_MODE",
                        "STARTS",
                        "ENDS",
                        "STATUS",
                        "ON_COMPLETION",
                        "CREATED",
                        "LAST_ALTERED",
                        "LAST_EXECUTED",
                        "EVENT_COMMENT",
                        "ORIGINATOR",
                        "CHARACTER_SET_CLIENT",
                        "COLLATION_CONNECTION",
                        "DATABASE_COLLATION",
                    ],
                    EmptyView::Parameters => &[
                        "SPECIFIC_CATALOG",
                        "SPECIFIC_SCHEMA",
                        "SPECIFIC_NAME",
                        "ORDINAL_POSITION",
                        "PARAMETER_MODE",
                        "PARAMETER_NAME",
                        "DATA_TYPE",
                        "CHARACTER_MAXIMUM_LENGTH",
                        "CHARACTER_OCTET_LENGTH",
                        "NUMERIC_PRECISION",
                        "NUMERIC_SCALE",
                        "DATETIME_PRECISION",
                        "CHARACTER_SET_NAME",
                        "COLLATION_NAME",
                        "DTD_IDENTIFIER",
                        "ROUTINE_TYPE",
                    ],
                    EmptyView::ReferentialConstraints => &[
                        "CONSTRAINT_CATALOG",
                        "CONSTRAINT_SCHEMA",
                        "CONSTRAINT_NAME",
                        "UNIQUE_CONSTRAINT_CATALOG",
                        "UNIQUE_CONSTRAINT_SCHEMA",
                        "UNIQUE_CONSTRAINT_NAME",
                        "MATCH_OPTION",
                        "UPDATE_RULE",
                        "DELETE_RULE",
                        "TABLE_NAME",
                        "REFERENCED_TABLE_NAME",
                    ],
                    EmptyView::Routines => &[
                        "SPECIFIC_NAME",
                        "ROUTINE_CATALOG",
                        "ROUTINE_SCHEMA",
                        "ROUTINE_NAME",
                        "ROUTINE_TYPE",
                        "DATA_TYPE",
                        "CHARACTER_MAXIMUM_LENGTH",
                        "CHARACTER_OCTET_LENGTH",
                        "NUMERIC_PRECISION",
                        "NUMERIC_SCALE",
                        "DATETIME_PRECISION",
                        "CHARACTER_SET_NAME",
                        "COLLATION_NAME",
                        "DTD_IDENTIFIER",
                        "ROUTINE_BODY",
                        "ROUTINE_DEFINITION",
                        "EXTERNAL_NAME",
                        "EXTERNAL_LANGUAGE",
                        "PARAMETER_STYLE",
                        "IS_DETERMINISTIC",
                        "SQL_DATA_ACCESS",
                        "SQL_PATH",
                        "SECURITY_TYPE",
                        "CREATED",
                        "LAST_ALTERED",
                        "SQL_MODE",
                        "ROUTINE_COMMENT",
                        "DEFINER",
                        "CHARACTER_SET_CLIENT",
                        "COLLATION_CONNECTION",
                        "DATABASE_COLLATION",
                    ],
                    EmptyView::Triggers => &[
                        "TRIGGER_CATALOG",
                        "TRIGGER_SCHEMA",
                        "TRIGGER_NAME",
                        "EVENT_MANIPULATION",
                        "EVENT_OBJECT_CATALOG",
                        "EVENT_OBJECT_SCHEMA",
                        "EVENT_OBJECT_TABLE",
                        "ACTION_ORDER",
                        "ACTION_CONDITION",
                        "ACTION_STATEMENT",
                        "ACTION_ORIENTATION",
                        "ACTION_TIMING",
                        "ACTION_REFERENCE_OLD_TABLE",
                        "ACTION_REFERENCE_NEW_TABLE",
                        "ACTION_REFERENCE_OLD_ROW",
                        "ACTION_REFERENCE_NEW_ROW",
                        "CREATED",
                        "SQL_MODE",
                        "DEFINER",
                        "CHARACTER_SET_CLIENT",
                        "COLLATION_CONNECTION",
                        "DATABASE_COLLATION",
                    ],
                    EmptyView::Views => &[
                        "TABLE_CATALOG",
                        "TABLE_SCHEMA",
                        "TABLE_NAME",
                        "VIEW_DEFINITION",
                        "CHECK_OPTION",
                        "IS_UPDATABLE",
                        "DEFINER",
                        "SECURITY_TYPE",
                        "CHARACTER_SET_CLIENT",
                        "COLLATION_CONNECTION",
                    ],
                };
                match v {
                    EmptyView::Triggers => return trigger_columns(names),
                    EmptyView::Routines => return routine_columns(names),
                    EmptyView::Parameters => return parameter_columns(names),
                    _ => {}
                }
                // The column names as MySQL 8.4 has them; with no rows, a text type each.
                names.iter().map(|n| c(n, text_varchar(64), true)).collect()
            }
            VirtualTable::Grant(t) => crate::grant_tables::columns(t),
        }
    }
}

/// Schema and table names: `varchar(64)`, compared as stored (`lower_case_table_names = 0`).
fn name_type() -> SqlType {
    SqlType::varchar(64, Collation::Utf8mb3_bin)
}

/// Column, index and constraint names: `varchar(64)`, case-insensitive as MySQL's are.
fn ci_name_type() -> SqlType {
    SqlType::varchar(64, Collation::Utf8mb3_general_ci)
}

fn text_varchar(n: u32) -> SqlType {
    SqlType::varchar(n, Collation::Utf8mb3_general_ci)
}

fn text_type(base: BaseType) -> SqlType {
    SqlType {
        collation: Collation::Utf8mb3_general_ci,
        ..SqlType::new(base)
    }
}

fn enum_type(members: &[&str]) -> SqlType {
    SqlType {
        elements: Some(members.iter().map(|m| (*m).to_string()).collect()),
        collation: Collation::Utf8mb3_general_ci,
        ..SqlType::new(BaseType::Enum)
    }
}

fn binary0() -> SqlType {
    SqlType::new(BaseType::Binary)
}

fn uint() -> SqlType {
    SqlType {
        unsigned: true,
        ..SqlType::new(BaseType::Int)
    }
}

/// Resolves `schema.table` to an information_schema table (both names case-insensitive): the
/// table and its columns. None for any other name.
pub(crate) fn lookup(schema: &str, table: &str) -> Option<(VirtualTable, Vec<VirtualColumn>)> {
    if schema == crate::grant_tables::SCHEMA {
        // Names in `mysql` are case-sensitive, as on Linux.
        let t = GrantTable::ALL
            .iter()
            .copied()
            .find(|t| t.name() == table)?;
        let vt = VirtualTable::Grant(t);
        return Some((vt, vt.columns()));
    }
    if !schema.eq_ignore_ascii_case(SCHEMA) {
        return None;
    }
    let t = VirtualTable::ALL
        .iter()
        .copied()
        .find(|t| t.name().eq_ignore_ascii_case(table))?;
    Some((t, t.columns()))
}

/// A definition of a virtual table (id 0, no indexes) for binder scopes and DESCRIBE.
pub(crate) fn table_def(table: VirtualTable) -> Arc<TableDef> {
    let columns = table
        .columns()
        .into_iter()
        .map(|(name, ty, nullable)| ColumnDef {
            name,
            ty,
            nullable,
            default: ColumnDefault::None,
            on_update_now: false,
            auto_increment: false,
            comment: String::new(),
            generated: None,
            invisible: false,
        })
        .collect();
    Arc::new(TableDef {
        id: 0,
        schema: table.schema().to_string(),
        name: table.name().to_string(),
        columns,
        indexes: Vec::new(),
        options: TableOptions {
            engine: String::new(),
            collation: Collation::Utf8mb3_general_ci,
            comment: String::new(),
        },
        counters: Arc::new(TableCounters::default()),
        created: 0,
        temporary: false,
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    })
}

/// The rows of a virtual table, from the latest committed catalog.
///
/// Only what the session's account may see: the databases of
/// [`crate::privilege::visible_databases`], and the tables it has some privilege on.
pub(crate) fn rows(
    table: VirtualTable,
    engine: &Engine,
    session: &Session,
) -> Result<Vec<Vec<Value>>, EngineError> {
    let tz = session.tz_offset_secs();
    let state = engine.store.latest();
    let grants = session.grants(engine);
    let mut out = Vec::new();
    match table {
        VirtualTable::Schemata => {
            for name in crate::privilege::visible_databases(engine, session) {
                let coll = schema_collation(&state, &name);
                out.push(vec![
                    Value::str("def"),
                    Value::str(name),
                    Value::str(coll.charset()),
                    Value::str(coll.name()),
                    Value::Null,
                    Value::str("NO"),
                ]);
            }
        }
        VirtualTable::Tables => {
            for t in VirtualTable::ALL {
                out.push(system_view_row(t));
            }
            for_each_table(&state, &grants, |t| {
                out.push(tables_row(t, tz));
            });
            for_each_view(&state, &grants, |v| out.push(view_tables_row(v)));
        }
        VirtualTable::Columns => {
            for t in VirtualTable::ALL {
                let def = table_def(t);
                for i in 0..def.columns.len() {
                    out.push(columns_row(
                        &def,
                        i,
                        "select,insert,update,references".into(),
                    ));
                }
            }
            // Only the columns the account holds some column privilege on, with those.
            for_each_table(&state, &grants, |t| {
                for (i, c) in t.def.columns.iter().enumerate() {
                    let privs = grants.column_privileges_text(&t.def.schema, &t.def.name, &c.name);
                    if !privs.is_empty() {
                        out.push(columns_row(&t.def, i, privs));
                    }
                }
            });
            // A view's columns are typed by binding it; a view that no longer binds has none.
            let mut views = Vec::new();
            for_each_view(&state, &grants, |v| views.push(v.clone()));
            for v in views {
                let Ok(def) = (engine.view_table_def)(engine, session, &v) else {
                    continue;
                };
                for (i, c) in def.columns.iter().enumerate() {
                    let privs = grants.column_privileges_text(&def.schema, &v.name, &c.name);
                    if !privs.is_empty() {
                        let mut named = (*def).clone();
                        named.name = v.name.clone();
                        out.push(columns_row(&named, i, privs));
                    }
                }
            }
        }
        VirtualTable::Empty(EmptyView::Triggers) => {
            out = trigger_rows(&state, &grants, tz);
        }
        VirtualTable::Empty(EmptyView::Routines) => {
            let account = (
                session.info.user.as_str(),
                session.info.account_host.as_str(),
            );
            out = routine_rows(&state, &grants, account, tz);
        }
        VirtualTable::Empty(EmptyView::Parameters) => {
            let account = (
                session.info.user.as_str(),
                session.info.account_host.as_str(),
            );
            out = parameter_rows(&state, &grants, account);
        }
        VirtualTable::Empty(EmptyView::Views) => {
            for_each_view(&state, &grants, |v| {
                out.push(vec![
                    Value::str("def"),
                    Value::str(v.schema.clone()),
                    Value::str(v.name.clone()),
                    Value::str(v.body.clone()),
                    Value::str(v.check.sql()),
                    Value::str(if v.updatable { "YES" } else { "NO" }),
                    Value::str(format!("{}@{}", v.definer.0, v.definer.1)),
                    Value::str(if v.security_definer {
                        "DEFINER"
                    } else {
                        "INVOKER"
                    }),
                    Value::str(v.client_charset.clone()),
                    Value::str(v.connection_collation.clone()),
                ]);
            });
        }
        VirtualTable::Statistics => for_each_table(&state, &grants, |t| {
            for (n, idx) in t.def.indexes.iter().enumerate() {
                for seq in 0..idx.parts.len() {
                    out.push(statistics_row(t, n, seq));
                }
            }
        }),
        VirtualTable::KeyColumnUsage => for_each_table(&state, &grants, |t| {
            let def = &t.def;
            for idx in def.indexes.iter().filter(|i| i.unique) {
                for (seq, p) in idx.parts.iter().enumerate() {
                    out.push(vec![
                        Value::str("def"),
                        Value::str(def.schema.clone()),
                        Value::str(idx.name.clone()),
                        Value::str("def"),
                        Value::str(def.schema.clone()),
                        Value::str(def.name.clone()),
                        column_name(def, p.column),
                        Value::UInt(seq as u64 + 1),
                        Value::Null,
                        Value::Null,
                        Value::Null,
                        Value::Null,
                    ]);
                }
            }
            for fk in &def.foreign_keys {
                for (seq, (c, pc)) in fk.columns.iter().zip(&fk.parent_columns).enumerate() {
                    out.push(vec![
                        Value::str("def"),
                        Value::str(def.schema.clone()),
                        Value::str(fk.name.clone()),
                        Value::str("def"),
                        Value::str(def.schema.clone()),
                        Value::str(def.name.clone()),
                        column_name(def, *c),
                        Value::UInt(seq as u64 + 1),
                        Value::UInt(seq as u64 + 1),
                        Value::str(fk.parent_schema.clone()),
                        Value::str(fk.parent_table.clone()),
                        Value::str(pc.clone()),
                    ]);
                }
            }
        }),
        VirtualTable::UserPrivileges
        | VirtualTable::SchemaPrivileges
        | VirtualTable::TablePrivileges
        | VirtualTable::ColumnPrivileges => {
            out = privilege_rows(engine, session, table);
        }
        VirtualTable::Grant(t) => out = crate::grant_tables::rows(engine, t),
        VirtualTable::Empty(EmptyView::ReferentialConstraints) => {
            for_each_table(&state, &grants, |t| {
                for fk in &t.def.foreign_keys {
                    out.push(referential_row(&state, &t.def, fk));
                }
            });
        }
        VirtualTable::Empty(EmptyView::CheckConstraints) => {
            for_each_table(&state, &grants, |t| {
                for c in &t.def.checks {
                    out.push(vec![
                        Value::str("def"),
                        Value::str(t.def.schema.clone()),
                        Value::str(c.name.clone()),
                        Value::str(c.text.clone()),
                    ]);
                }
            });
        }
        VirtualTable::Empty(_) => {}
        VirtualTable::TableConstraints => for_each_table(&state, &grants, |t| {
            let def = &t.def;
            for idx in def.indexes.iter().filter(|i| i.unique) {
                out.push(vec![
                    Value::str("def"),
                    Value::str(def.schema.clone()),
                    Value::str(idx.name.clone()),
                    Value::str(def.schema.clone()),
                    Value::str(def.name.clone()),
                    Value::str(if idx.primary { "PRIMARY KEY" } else { "UNIQUE" }),
                    Value::str("YES"),
                ]);
            }
            for fk in &def.foreign_keys {
                out.push(vec![
                    Value::str("def"),
                    Value::str(def.schema.clone()),
                    Value::str(fk.name.clone()),
                    Value::str(def.schema.clone()),
                    Value::str(def.name.clone()),
                    Value::str("FOREIGN KEY"),
                    Value::str("YES"),
                ]);
            }
            for c in &def.checks {
                out.push(vec![
                    Value::str("def"),
                    Value::str(def.schema.clone()),
                    Value::str(c.name.clone()),
                    Value::str(def.schema.clone()),
                    Value::str(def.name.clone()),
                    Value::str("CHECK"),
                    Value::str(if c.enforced { "YES" } else { "NO" }),
                ]);
            }
        }),
    }
    Ok(out)
}

/// A REFERENTIAL_CONSTRAINTS row: the constraint, the parent's index it uses (NULL while the
/// parent does not exist), its rules.
fn referential_row(state: &State, def: &TableDef, fk: &crate::catalog::ForeignKeyDef) -> Row {
    let unique = state
        .table(&fk.parent_schema, &fk.parent_table)
        .and_then(|p| {
            let cols = fk
                .parent_columns
                .iter()
                .map(|n| p.def.column_index(n))
                .collect::<Option<Vec<usize>>>()?;
            let i = p.def.index_leading(&cols)?;
            p.def.indexes.get(i).map(|i| Value::str(i.name.clone()))
        })
        .unwrap_or(Value::Null);
    vec![
        Value::str("def"),
        Value::str(def.schema.clone()),
        Value::str(fk.name.clone()),
        Value::str("def"),
        Value::str(fk.parent_schema.clone()),
        unique,
        Value::str("NONE"),
        Value::str(fk.on_update.sql()),
        Value::str(fk.on_delete.sql()),
        Value::str(def.name.clone()),
        Value::str(fk.parent_table.clone()),
    ]
}

/// The columns of TRIGGERS, typed as MySQL 8.4 types them.
fn trigger_columns(names: &[&str]) -> Vec<VirtualColumn> {
    names
        .iter()
        .map(|n| {
            let (ty, nullable) = match *n {
                "ACTION_ORDER" => (uint(), false),
                "ACTION_STATEMENT" => (text_type(BaseType::LongText), false),
                "CREATED" => (
                    SqlType {
                        scale: 2,
                        ..SqlType::new(BaseType::Timestamp)
                    },
                    false,
                ),
                "SQL_MODE" => (text_varchar(520), false),
                "DEFINER" => (text_varchar(288), false),
                "ACTION_CONDITION"
                | "ACTION_REFERENCE_OLD_TABLE"
                | "ACTION_REFERENCE_NEW_TABLE" => (binary0(), true),
                "EVENT_MANIPULATION" => (enum_type(&["INSERT", "UPDATE", "DELETE"]), false),
                "ACTION_TIMING" => (enum_type(&["BEFORE", "AFTER"]), false),
                "ACTION_ORIENTATION" | "ACTION_REFERENCE_OLD_ROW" | "ACTION_REFERENCE_NEW_ROW" => {
                    (text_varchar(3), false)
                }
                _ => (name_type(), false),
            };
            (n.to_string(), ty, nullable)
        })
        .collect()
}

/// The rows of TRIGGERS: every trigger on a table the account may see, by schema, table,
/// event, timing and ACTION_ORDER.
pub(crate) fn trigger_rows(state: &State, grants: &AccountGrants, tz: i64) -> Vec<Row> {
    let mut list: Vec<&Arc<crate::catalog::TriggerDef>> = Vec::new();
    let mut out = Vec::new();
    for (sname, schema) in &state.schemas {
        list.clear();
        list.extend(
            schema
                .triggers
                .values()
                .filter(|t| grants.sees_table(sname, &t.table)),
        );
        list.sort_by(|a, b| {
            (&a.table, a.event as u8, a.timing as u8, a.order).cmp(&(
                &b.table,
                b.event as u8,
                b.timing as u8,
                b.order,
            ))
        });
        for t in &list {
            let created = crate::temporal::from_epoch(
                (t.created / 100).saturating_add(tz),
                u32::try_from(t.created.rem_euclid(100) * 10_000).unwrap_or(0),
            );
            out.push(vec![
                Value::str("def"),
                Value::str(sname.clone()),
                Value::str(t.name.clone()),
                Value::str(t.event.sql()),
                Value::str("def"),
                Value::str(sname.clone()),
                Value::str(t.table.clone()),
                Value::UInt(u64::from(t.order)),
                Value::Null,
                Value::str(t.body.clone()),
                Value::str("ROW"),
                Value::str(t.timing.sql()),
                Value::Null,
                Value::Null,
                Value::str("OLD"),
                Value::str("NEW"),
                Value::DateTime(created),
                Value::str(t.sql_mode.clone()),
                Value::str(format!("{}@{}", t.definer.0, t.definer.1)),
                Value::str(t.client_charset.clone()),
                Value::str(t.connection_collation.clone()),
                Value::str(t.database_collation.clone()),
            ]);
        }
    }
    out
}

/// The columns of ROUTINES, typed as MySQL 8.4 types them.
fn routine_columns(names: &[&str]) -> Vec<VirtualColumn> {
    names
        .iter()
        .map(|n| {
            let (ty, nullable) = match *n {
                "ROUTINE_TYPE" => (enum_type(&["FUNCTION", "PROCEDURE"]), false),
                "DATA_TYPE" | "DTD_IDENTIFIER" | "ROUTINE_DEFINITION" => {
                    (text_type(BaseType::LongText), true)
                }
                "CHARACTER_MAXIMUM_LENGTH" | "CHARACTER_OCTET_LENGTH" => {
                    (SqlType::new(BaseType::BigInt), true)
                }
                "NUMERIC_PRECISION" | "NUMERIC_SCALE" | "DATETIME_PRECISION" => (uint(), true),
                "CHARACTER_SET_NAME" | "COLLATION_NAME" => (name_type(), true),
                "ROUTINE_BODY" => (text_varchar(8), false),
                "EXTERNAL_NAME" | "SQL_PATH" => (binary0(), true),
                "PARAMETER_STYLE" | "IS_DETERMINISTIC" => (text_varchar(3), false),
                "SQL_DATA_ACCESS" => (
                    enum_type(&[
                        "CONTAINS SQL",
                        "NO SQL",
                        "READS SQL DATA",
                        "MODIFIES SQL DATA",
                    ]),
                    false,
                ),
                "SECURITY_TYPE" => (enum_type(&["DEFAULT", "INVOKER", "DEFINER"]), false),
                "CREATED" | "LAST_ALTERED" => (SqlType::new(BaseType::Timestamp), false),
                "SQL_MODE" => (text_varchar(520), false),
                "ROUTINE_COMMENT" => (text_type(BaseType::Text), false),
                "DEFINER" => (text_varchar(288), false),
                _ => (name_type(), false),
            };
            (n.to_string(), ty, nullable)
        })
        .collect()
}

/// The columns of PARAMETERS, typed as MySQL 8.4 types them.
fn parameter_columns(names: &[&str]) -> Vec<VirtualColumn> {
    names
        .iter()
        .map(|n| {
            let (ty, nullable) = match *n {
                "ORDINAL_POSITION" => (
                    SqlType {
                        unsigned: true,
                        ..SqlType::new(BaseType::BigInt)
                    },
                    false,
                ),
                "PARAMETER_MODE" => (text_varchar(5), true),
                "PARAMETER_NAME" | "CHARACTER_SET_NAME" | "COLLATION_NAME" => (name_type(), true),
                "DATA_TYPE" => (text_type(BaseType::LongText), true),
                "CHARACTER_MAXIMUM_LENGTH" | "CHARACTER_OCTET_LENGTH" | "NUMERIC_SCALE" => {
                    (SqlType::new(BaseType::BigInt), true)
                }
                "NUMERIC_PRECISION" | "DATETIME_PRECISION" => (uint(), true),
                "DTD_IDENTIFIER" => (text_type(BaseType::MediumText), false),
                "ROUTINE_TYPE" => (enum_type(&["FUNCTION", "PROCEDURE"]), false),
                _ => (name_type(), false),
            };
            (n.to_string(), ty, nullable)
        })
        .collect()
}

/// The stored procedures the account may see, by schema and name, each with whether it may
/// also see the body. As MySQL's CAN_ACCESS_ROUTINE: the definer, an account with SHOW_ROUTINE
/// or a global SELECT sees everything; an account with EXECUTE, CREATE ROUTINE or ALTER
/// ROUTINE on the database sees all but the body.
pub(crate) fn visible_routines<'a>(
    state: &'a State,
    grants: &AccountGrants,
    account: (&str, &str),
) -> Vec<(&'a String, &'a Arc<crate::catalog::RoutineDef>, bool)> {
    let full_access = grants.has_dynamic("SHOW_ROUTINE") || grants.global.contains(Privs::SELECT);
    let routine_privs = Privs::EXECUTE | Privs::CREATE_ROUTINE | Privs::ALTER_ROUTINE;
    let mut list: Vec<_> = state
        .schemas
        .iter()
        .flat_map(|(db, s)| {
            s.procedures
                .values()
                .chain(s.functions.values())
                .map(move |r| (db, r))
        })
        .filter_map(|(db, r)| {
            let full = full_access
                || (r.definer.0 == account.0 && r.definer.1.eq_ignore_ascii_case(account.1));
            (full || grants.db_privs(db).intersects(routine_privs)).then_some((db, r, full))
        })
        .collect();
    list.sort_by(|(da, a, _), (db, b, _)| {
        (da, &a.name, a.returns.is_none()).cmp(&(db, &b.name, b.returns.is_none()))
    });
    list
}

/// The rows of ROUTINES: every stored procedure the account may see, ROUTINE_DEFINITION NULL
/// where it may not see the body.
fn routine_rows(state: &State, grants: &AccountGrants, account: (&str, &str), tz: i64) -> Vec<Row> {
    visible_routines(state, grants, account)
        .into_iter()
        .map(|(db, r, full)| {
            let at = Value::DateTime(crate::temporal::from_epoch(r.created.saturating_add(tz), 0));
            let modified = Value::DateTime(crate::temporal::from_epoch(
                r.modified.saturating_add(tz),
                0,
            ));
            let mut row = vec![
                Value::str(r.name.clone()),
                Value::str("def"),
                Value::str(db.clone()),
                Value::str(r.name.clone()),
            ];
            match &r.returns {
                Some(ret) => {
                    row.push(Value::str("FUNCTION"));
                    let [
                        data_type,
                        max_len,
                        octets,
                        precision,
                        scale,
                        dt_precision,
                        charset,
                        collation,
                        dtd,
                    ] = type_cells(&ret.sql);
                    row.extend([
                        data_type,
                        max_len,
                        octets,
                        precision,
                        scale,
                        dt_precision,
                        charset,
                        collation,
                        dtd,
                    ]);
                }
                None => {
                    row.push(Value::str("PROCEDURE"));
                    row.push(Value::str(""));
                    row.extend(std::iter::repeat_n(Value::Null, 8));
                }
            }
            row.extend([
                Value::str("SQL"),
                if full {
                    Value::str(r.body.clone())
                } else {
                    Value::Null
                },
                Value::Null,
                Value::str("SQL"),
                Value::str("SQL"),
                Value::str(if r.chars.deterministic { "YES" } else { "NO" }),
                Value::str(r.chars.data_access.sql()),
                Value::Null,
                Value::str(if r.chars.invoker {
                    "INVOKER"
                } else {
                    "DEFINER"
                }),
                at,
                modified,
                Value::str(r.sql_mode.clone()),
                Value::str(r.chars.comment.clone()),
                Value::str(format!("{}@{}", r.definer.0, r.definer.1)),
                Value::str(r.client_charset.clone()),
                Value::str(r.connection_collation.clone()),
                Value::str(r.database_collation.clone()),
            ]);
            row
        })
        .collect()
}

/// DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION,
/// NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME, COLLATION_NAME and DTD_IDENTIFIER
/// of a routine's parameter or return type.
fn type_cells(ty: &SqlType) -> [Value; 9] {
    let (max_len, octets) = match char_lengths(ty) {
        Some((m, o)) => (Value::Int(m), Value::Int(o)),
        None => (Value::Null, Value::Null),
    };
    let (precision, scale) = numeric_precision(ty);
    let (datetime_precision, charset, collation) = precision_and_charset(ty);
    [
        Value::str(data_type_name(ty)),
        max_len,
        octets,
        precision.map_or(Value::Null, Value::UInt),
        match (precision, scale) {
            (Some(_), s) => Value::Int(s.map_or(0, |s| i64::try_from(s).unwrap_or(0))),
            (None, _) => Value::Null,
        },
        datetime_precision,
        charset,
        collation,
        Value::str(ty.sql()),
    ]
}

/// The rows of PARAMETERS: one per parameter of every stored procedure the account may see,
/// in order.
fn parameter_rows(state: &State, grants: &AccountGrants, account: (&str, &str)) -> Vec<Row> {
    let mut out = Vec::new();
    for (db, r, _) in visible_routines(state, grants, account) {
        let kind = if r.returns.is_some() {
            "FUNCTION"
        } else {
            "PROCEDURE"
        };
        let mut row = |position: u64, mode: Value, name: Value, ty: &SqlType| {
            let mut cells = vec![
                Value::str("def"),
                Value::str(db.clone()),
                Value::str(r.name.clone()),
                Value::UInt(position),
                mode,
                name,
            ];
            cells.extend(type_cells(ty));
            cells.push(Value::str(kind));
            out.push(cells);
        };
        // A function's return value is its row 0, without a mode or a name.
        if let Some(ret) = &r.returns {
            row(0, Value::Null, Value::Null, &ret.sql);
        }
        for (i, (p, ty)) in r.params.iter().zip(&r.param_types).enumerate() {
            let mode = Value::str(match p.mode {
                crate::catalog::ParamMode::In => "IN",
                crate::catalog::ParamMode::Out => "OUT",
                crate::catalog::ParamMode::InOut => "INOUT",
            });
            row(i as u64 + 1, mode, Value::str(p.name.clone()), ty);
        }
    }
    out
}

/// Calls `f` on every table the account may see.
fn for_each_view(
    state: &State,
    grants: &AccountGrants,
    mut f: impl FnMut(&Arc<crate::catalog::ViewDef>),
) {
    for schema in state.schemas.values() {
        for v in schema.views.values() {
            if grants.sees_table(&v.schema, &v.name) {
                f(v);
            }
        }
    }
}

/// A view's row of TABLES: TABLE_TYPE VIEW, no engine or statistics, TABLE_COMMENT VIEW.
fn view_tables_row(v: &crate::catalog::ViewDef) -> Row {
    let mut row = vec![
        Value::str("def"),
        Value::str(v.schema.clone()),
        Value::str(v.name.clone()),
        Value::str("VIEW"),
    ];
    row.extend(std::iter::repeat_n(Value::Null, 15));
    row.push(Value::Null);
    row.push(Value::str("VIEW"));
    row
}

fn for_each_table(state: &State, grants: &AccountGrants, mut f: impl FnMut(&Table)) {
    for schema in state.schemas.values() {
        for t in schema.tables.values() {
            if grants.sees_table(&t.def.schema, &t.def.name) {
                f(t);
            }
        }
    }
}

/// The rows of information_schema's USER_PRIVILEGES, SCHEMA_PRIVILEGES, TABLE_PRIVILEGES and
/// COLUMN_PRIVILEGES: the session's own account's grants, or every account's with SELECT on
/// the `mysql` schema. GRANTEE is `'user'@'host'`; an account without global privileges has
/// one USAGE row in USER_PRIVILEGES.
fn privilege_rows(
    engine: &Engine,
    session: &Session,
    table: VirtualTable,
) -> Vec<Vec<crate::Value>> {
    use crate::Value;
    use VirtualTable as V;
    let everyone = session
        .grants(engine)
        .db_privs("mysql")
        .contains(Privs::SELECT);
    let me = (
        session.info.user.clone(),
        session.info.account_host.to_lowercase(),
    );
    let mut accounts: Vec<(String, String)> = engine
        .accounts
        .accounts()
        .into_iter()
        .map(|a| (a.user, a.host))
        .filter(|k| everyone || *k == me)
        .collect();
    accounts.sort();
    let yes_no = |b: bool| Value::str(if b { "YES" } else { "NO" });
    let mut out = Vec::new();
    for (user, host) in accounts {
        let g = engine.grants.of(&user, &host);
        let grantee = Value::str(format!("'{user}'@'{host}'"));
        let head = |extra: &[&str]| {
            let mut row = vec![grantee.clone(), Value::str("def")];
            row.extend(extra.iter().map(|e| Value::str(*e)));
            row
        };
        match table {
            V::UserPrivileges => {
                let grantable = g.global.contains(Privs::GRANT);
                let names = g.global.without(Privs::GRANT).names();
                if names.is_empty() && g.dynamic.is_empty() {
                    let mut row = head(&[]);
                    row.extend([Value::str("USAGE"), yes_no(grantable)]);
                    out.push(row);
                }
                for n in names {
                    let mut row = head(&[]);
                    row.extend([Value::str(n), yes_no(grantable)]);
                    out.push(row);
                }
                for (n, option) in &g.dynamic {
                    let mut row = head(&[]);
                    row.extend([Value::str(*n), yes_no(*option)]);
                    out.push(row);
                }
            }
            V::SchemaPrivileges => {
                for (db, p) in &g.dbs {
                    for n in p.without(Privs::GRANT).names() {
                        let mut row = head(&[db]);
                        row.extend([Value::str(n), yes_no(p.contains(Privs::GRANT))]);
                        out.push(row);
                    }
                }
            }
            V::TablePrivileges => {
                for ((db, t), tg) in &g.tables {
                    for n in tg.privs.without(Privs::GRANT).names() {
                        let mut row = head(&[db, t]);
                        row.extend([Value::str(n), yes_no(tg.privs.contains(Privs::GRANT))]);
                        out.push(row);
                    }
                }
            }
            V::ColumnPrivileges => {
                for ((db, t), tg) in &g.tables {
                    for (c, p) in &tg.columns {
                        for n in p.names() {
                            let mut row = head(&[db, t, c]);
                            row.extend([Value::str(n), yes_no(tg.privs.contains(Privs::GRANT))]);
                            out.push(row);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The default collation of a schema (information_schema's is utf8mb3_general_ci).
pub(crate) fn schema_collation(state: &State, name: &str) -> Collation {
    if name.eq_ignore_ascii_case(SCHEMA) {
        return Collation::Utf8mb3_general_ci;
    }
    state
        .schemas
        .get(name)
        .map(|s| s.def.collation)
        .unwrap_or(Collation::Utf8mb4_0900_ai_ci)
}

fn column_name(def: &TableDef, c: usize) -> Value {
    def.columns
        .get(c)
        .map(|col| Value::str(col.name.clone()))
        .unwrap_or(Value::Null)
}

fn system_view_row(t: VirtualTable) -> Row {
    let mut row = vec![
        Value::str("def"),
        Value::str(SCHEMA),
        Value::str(t.name()),
        Value::str("SYSTEM VIEW"),
    ];
    row.extend(std::iter::repeat_n(Value::Null, 10));
    row.push(Value::DateTime(crate::temporal::from_epoch(0, 0)));
    row.extend([Value::Null, Value::Null, Value::Null, Value::Null]);
    row.push(Value::str(""));
    row.push(Value::str(""));
    row
}

/// A row of TABLES (SHOW TABLE STATUS shows the same facts).
pub(crate) fn tables_row(t: &Table, tz: i64) -> Row {
    let def = &t.def;
    let stats = table_stats(t);
    vec![
        Value::str("def"),
        Value::str(def.schema.clone()),
        Value::str(def.name.clone()),
        Value::str("BASE TABLE"),
        Value::str(def.options.engine.clone()),
        Value::Int(10),
        Value::str("Dynamic"),
        Value::UInt(stats.rows),
        Value::UInt(stats.avg_row_length),
        Value::UInt(stats.data_length),
        Value::UInt(0),
        Value::UInt(stats.index_length),
        Value::UInt(0),
        auto_increment_value(def).map_or(Value::Null, Value::UInt),
        Value::DateTime(created_time(def, tz)),
        Value::Null,
        Value::Null,
        Value::str(def.options.collation.name()),
        Value::Null,
        Value::str(""),
        Value::str(def.options.comment.clone()),
    ]
}

fn columns_row(def: &TableDef, i: usize, privileges: String) -> Row {
    let Some(c) = def.columns.get(i) else {
        return Vec::new();
    };
    let ty = &c.ty;
    let (max_len, octets) = match char_lengths(ty) {
        Some((m, o)) => (Value::Int(m), Value::Int(o)),
        None => (Value::Null, Value::Null),
    };
    let (precision, scale) = numeric_precision(ty);
    let (datetime_precision, charset, collation) = precision_and_charset(ty);
    vec![
        Value::str("def"),
        Value::str(def.schema.clone()),
        Value::str(def.name.clone()),
        Value::str(c.name.clone()),
        Value::UInt(i as u64 + 1),
        default_text(c).map_or(Value::Null, Value::str),
        Value::str(if c.nullable { "YES" } else { "NO" }),
        Value::str(data_type_name(ty)),
        max_len,
        octets,
        precision.map_or(Value::Null, Value::UInt),
        scale.map_or(Value::Null, Value::UInt),
        datetime_precision,
        charset,
        collation,
        Value::str(ty.sql()),
        Value::str(column_key(def, i)),
        Value::str(extra(c)),
        Value::str(privileges),
        Value::str(c.comment.clone()),
        Value::str(
            c.generated
                .as_ref()
                .map(|g| g.text.clone())
                .unwrap_or_default(),
        ),
        Value::Null,
    ]
}

fn statistics_row(t: &Table, n: usize, seq: usize) -> Row {
    let def = &t.def;
    let Some(idx) = def.indexes.get(n) else {
        return Vec::new();
    };
    let Some(part) = idx.parts.get(seq) else {
        return Vec::new();
    };
    let nullable = def.columns.get(part.column).is_some_and(|c| c.nullable);
    vec![
        Value::str("def"),
        Value::str(def.schema.clone()),
        Value::str(def.name.clone()),
        Value::Int(i64::from(!idx.unique)),
        Value::str(def.schema.clone()),
        Value::str(idx.name.clone()),
        Value::UInt(seq as u64 + 1),
        column_name(def, part.column),
        Value::str(if part.desc { "D" } else { "A" }),
        Value::Int(i64::try_from(cardinality(t, n, seq)).unwrap_or(i64::MAX)),
        part.prefix
            .map_or(Value::Null, |p| Value::Int(i64::from(p))),
        Value::Null,
        Value::str(if nullable { "YES" } else { "" }),
        Value::str("BTREE"),
        Value::str(""),
        Value::str(idx.comment.clone()),
        Value::str("YES"),
        Value::Null,
    ]
}

// ---------------------------------------------------------------------------------------------
// Facts shared with the SHOW statements

/// The index InnoDB clusters the table by: the PRIMARY KEY, or else the first UNIQUE index
/// whose columns are all NOT NULL and taken whole (MySQL then reports its columns as `PRI`).
pub(crate) fn effective_primary(def: &TableDef) -> Option<&IndexDef> {
    if let Some(p) = def.primary() {
        return Some(p);
    }
    def.indexes.iter().find(|i| {
        i.unique
            && i.parts.iter().all(|p| {
                p.prefix.is_none() && def.columns.get(p.column).is_some_and(|c| !c.nullable)
            })
    })
}

/// `COLUMN_KEY` / SHOW COLUMNS `Key`: PRI, UNI (first column of a one-column UNIQUE index),
/// MUL (first column of any other index) or empty, in that priority.
pub(crate) fn column_key(def: &TableDef, c: usize) -> &'static str {
    if effective_primary(def).is_some_and(|p| p.has_column(c)) {
        "PRI"
    } else if def
        .indexes
        .iter()
        .any(|x| x.unique && x.parts.len() == 1 && x.parts[0].column == c)
    {
        "UNI"
    } else if def
        .indexes
        .iter()
        .any(|x| x.parts.first().is_some_and(|p| p.column == c))
    {
        "MUL"
    } else {
        ""
    }
}

/// `CURRENT_TIMESTAMP` or `CURRENT_TIMESTAMP(fsp)`.
pub(crate) fn current_timestamp_text(fsp: u8) -> String {
    if fsp > 0 {
        format!("CURRENT_TIMESTAMP({fsp})")
    } else {
        "CURRENT_TIMESTAMP".to_string()
    }
}

/// The text of a column's default (`COLUMN_DEFAULT`, SHOW COLUMNS `Default`): None for no
/// default and for DEFAULT NULL; an expression default without its parentheses.
pub(crate) fn default_text(c: &ColumnDef) -> Option<String> {
    match &c.default {
        ColumnDefault::None => None,
        ColumnDefault::Value(v) => value_text(v, &c.ty),
        ColumnDefault::CurrentTimestamp(fsp) => Some(current_timestamp_text(*fsp)),
        ColumnDefault::Expr(e) => Some(strip_parens(e).to_string()),
    }
}

/// A value as text the way a column of type `ty` shows it (BIT as its number, temporal values
/// with the column's fractional digits).
pub(crate) fn value_text(v: &Value, ty: &SqlType) -> Option<String> {
    if ty.is_temporal() {
        return v
            .to_text_fsp(ty.scale)
            .map(|b| String::from_utf8_lossy(&b).into_owned());
    }
    match (ty.base, v) {
        (BaseType::Float | BaseType::Double, Value::Double(d)) => {
            Some(crate::value::format_double(*d))
        }
        (BaseType::Bit, Value::UInt(u)) => Some(format!("b'{u:b}'")),
        _ => v
            .to_text()
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
    }
}

fn strip_parens(e: &str) -> &str {
    let t = e.trim();
    match t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        Some(inner) => inner.trim(),
        None => t,
    }
}

/// `EXTRA` / SHOW COLUMNS `Extra`: `auto_increment`, `DEFAULT_GENERATED`, `on update
/// CURRENT_TIMESTAMP`, `STORED GENERATED`, then `INVISIBLE` (`auto_increment INVISIBLE`).
pub(crate) fn extra(c: &ColumnDef) -> String {
    let mut parts = Vec::new();
    if c.auto_increment {
        parts.push("auto_increment".to_string());
    }
    if matches!(
        c.default,
        ColumnDefault::CurrentTimestamp(_) | ColumnDefault::Expr(_)
    ) {
        parts.push("DEFAULT_GENERATED".to_string());
    }
    if c.on_update_now {
        parts.push(format!("on update {}", current_timestamp_text(c.ty.scale)));
    }
    if let Some(g) = &c.generated {
        parts.push(
            if g.stored {
                "STORED GENERATED"
            } else {
                "VIRTUAL GENERATED"
            }
            .to_string(),
        );
    }
    if c.invisible {
        parts.push("INVISIBLE".to_string());
    }
    parts.join(" ")
}

/// DATETIME_PRECISION, CHARACTER_SET_NAME and COLLATION_NAME of a column's or a routine
/// parameter's type (NULL where they do not apply).
fn precision_and_charset(ty: &SqlType) -> (Value, Value, Value) {
    let datetime_precision = if matches!(
        ty.base,
        BaseType::Time | BaseType::DateTime | BaseType::Timestamp
    ) {
        Value::UInt(u64::from(ty.scale))
    } else {
        Value::Null
    };
    if has_charset(ty) {
        (
            datetime_precision,
            Value::str(ty.collation.charset()),
            Value::str(ty.collation.name()),
        )
    } else {
        (datetime_precision, Value::Null, Value::Null)
    }
}

/// True for the types that have a character set (text, ENUM, SET).
pub(crate) fn has_charset(ty: &SqlType) -> bool {
    ty.is_text() || matches!(ty.base, BaseType::Enum | BaseType::Set)
}

/// `DATA_TYPE`: the type's name without lengths or attributes.
pub(crate) fn data_type_name(ty: &SqlType) -> &'static str {
    match ty.base {
        BaseType::TinyInt => "tinyint",
        BaseType::SmallInt => "smallint",
        BaseType::MediumInt => "mediumint",
        BaseType::Int => "int",
        BaseType::BigInt => "bigint",
        BaseType::Decimal => "decimal",
        BaseType::Float => "float",
        BaseType::Double => "double",
        BaseType::Bit => "bit",
        BaseType::Year => "year",
        BaseType::Date => "date",
        BaseType::Time => "time",
        BaseType::DateTime => "datetime",
        BaseType::Timestamp => "timestamp",
        BaseType::Char => "char",
        BaseType::VarChar => "varchar",
        BaseType::TinyText => "tinytext",
        BaseType::Text => "text",
        BaseType::MediumText => "mediumtext",
        BaseType::LongText => "longtext",
        BaseType::Binary => "binary",
        BaseType::VarBinary => "varbinary",
        BaseType::TinyBlob => "tinyblob",
        BaseType::Blob => "blob",
        BaseType::MediumBlob => "mediumblob",
        BaseType::LongBlob => "longblob",
        BaseType::Enum => "enum",
        BaseType::Set => "set",
        BaseType::Json => "json",
        BaseType::Null => "null",
    }
}

/// `CHARACTER_MAXIMUM_LENGTH` and `CHARACTER_OCTET_LENGTH` of string types.
fn char_lengths(ty: &SqlType) -> Option<(i64, i64)> {
    if let Some(bytes) = ty.max_bytes() {
        let b = i64::try_from(bytes).unwrap_or(i64::MAX);
        return Some((b, b));
    }
    let per_char = if ty.is_binary_string() {
        1
    } else {
        i64::from(ty.collation.max_bytes_per_char())
    };
    match ty.base {
        BaseType::Char | BaseType::VarChar | BaseType::Binary | BaseType::VarBinary => {
            let n = i64::from(ty.length);
            Some((n, n * per_char))
        }
        BaseType::Enum | BaseType::Set => {
            let n = i64::from(ty.display_length());
            Some((n, n * per_char))
        }
        _ => None,
    }
}

/// `NUMERIC_PRECISION` and `NUMERIC_SCALE`.
fn numeric_precision(ty: &SqlType) -> (Option<u64>, Option<u64>) {
    let p = match ty.base {
        BaseType::TinyInt => 3,
        BaseType::SmallInt => 5,
        BaseType::MediumInt => 7,
        BaseType::Int => 10,
        BaseType::BigInt if ty.unsigned => 20,
        BaseType::BigInt => 19,
        BaseType::Decimal => u64::from(ty.length),
        BaseType::Float if ty.scale == NOT_FIXED_DEC => 12,
        BaseType::Double if ty.scale == NOT_FIXED_DEC => 22,
        BaseType::Float | BaseType::Double => u64::from(ty.length),
        BaseType::Bit => u64::from(ty.length.max(1)),
        _ => return (None, None),
    };
    let s = match ty.base {
        BaseType::Decimal => Some(u64::from(ty.scale)),
        BaseType::Float | BaseType::Double if ty.scale != NOT_FIXED_DEC => {
            Some(u64::from(ty.scale))
        }
        BaseType::Float | BaseType::Double | BaseType::Bit => None,
        _ => Some(0),
    };
    (Some(p), s)
}

/// The next AUTO_INCREMENT value, for tables with an AUTO_INCREMENT column.
pub(crate) fn auto_increment_value(def: &TableDef) -> Option<u64> {
    def.auto_increment_column()?;
    Some(
        def.counters
            .auto_increment
            .load(std::sync::atomic::Ordering::Relaxed)
            .max(1),
    )
}

/// The table's creation time in the session's time zone.
pub(crate) fn created_time(def: &TableDef, tz_offset_secs: i64) -> crate::temporal::DateTime {
    crate::temporal::from_epoch(def.created.saturating_add(tz_offset_secs), 0)
}

/// Sizes InnoDB would report for a table (16 KiB pages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TableStats {
    pub(crate) rows: u64,
    pub(crate) avg_row_length: u64,
    pub(crate) data_length: u64,
    pub(crate) index_length: u64,
}

const PAGE: u64 = 16_384;

fn pages(bytes: u64) -> u64 {
    bytes.div_ceil(PAGE).max(1) * PAGE
}

fn value_bytes(v: &Value) -> u64 {
    match v {
        Value::Null => 0,
        Value::Int(_) | Value::UInt(_) | Value::Double(_) => 8,
        Value::Decimal(_) => 8,
        Value::Bytes(b) => b.len() as u64 + 2,
        Value::Date(_) => 3,
        Value::DateTime(_) => 8,
        Value::Time(_) => 6,
    }
}

/// Plausible row count and sizes of a table: data pages hold the rows (plus InnoDB's ~20 bytes
/// of header each), each secondary index its keys.
pub(crate) fn table_stats(t: &Table) -> TableStats {
    let rows = t.data.rows.len() as u64;
    let row_bytes: u64 = t
        .data
        .rows
        .iter()
        .map(|r| 20 + r.iter().map(|v| value_bytes(&v)).sum::<u64>())
        .sum();
    let data_length = pages(row_bytes);
    let index_length = crate::storage::secondary_indexes(&t.def)
        .map(|i| {
            let bytes: u64 = t
                .data
                .indexes
                .get(i)
                .map(|m| m.iter().map(|k| k.len() as u64 + 4).sum())
                .unwrap_or(0);
            pages(bytes)
        })
        .sum();
    TableStats {
        rows,
        avg_row_length: data_length.checked_div(rows).unwrap_or(0),
        data_length,
        index_length,
    }
}

/// `Cardinality` of index `idx` up to its column `seq` (0-based): the number of distinct values
/// of the index's first `seq + 1` columns.
pub(crate) fn cardinality(t: &Table, idx: usize, seq: usize) -> u64 {
    let def = &t.def;
    let Some(index) = def.indexes.get(idx) else {
        return 0;
    };
    if index.unique && seq + 1 == index.parts.len() {
        return t.data.rows.len() as u64;
    }
    let mut seen = std::collections::HashSet::new();
    for row in t.data.rows.iter() {
        let row = row.unpack();
        let mut k = Vec::new();
        for p in index.parts.iter().take(seq + 1) {
            if let Some(col) = def.columns.get(p.column) {
                key::encode(
                    row.get(p.column).unwrap_or(&Value::Null),
                    &col.ty,
                    p.prefix,
                    &mut k,
                );
            }
        }
        seen.insert(k);
    }
    seen.len() as u64
}
