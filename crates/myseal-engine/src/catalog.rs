//! The catalog: what schemas, tables, columns and indexes are declared.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-table.html>
//!
//! Definitions are immutable values behind `Arc`s; the storage layer keeps them in its versioned
//! state next to the rows, so a snapshot sees the definitions and the data of one moment.
//! Database and table names are case-sensitive (`lower_case_table_names = 0`, as on Linux);
//! column and index names are case-insensitive. The four system schemas always exist.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::collation::Collation;
use crate::types::SqlType;
use crate::value::Value;

/// System schemas every MySQL 8.4 server has.
pub(crate) const SYSTEM_SCHEMAS: &[&str] =
    &["information_schema", "mysql", "performance_schema", "sys"];

/// True for the system schemas (information_schema matched case-insensitively, as MySQL does).
pub(crate) fn is_system_schema(name: &str) -> bool {
    SYSTEM_SCHEMAS.contains(&name) || name.eq_ignore_ascii_case("information_schema")
}

/// A schema (database) definition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SchemaDef {
    pub(crate) name: String,
    pub(crate) collation: Collation,
}

/// What a column's DEFAULT is.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ColumnDefault {
    /// No DEFAULT clause: NULL for nullable columns, "no default" (1364) for NOT NULL ones.
    None,
    /// A constant, already converted to the column type.
    Value(Value),
    /// CURRENT_TIMESTAMP[(fsp)] for DATETIME/TIMESTAMP columns.
    CurrentTimestamp(u8),
    /// `DEFAULT (expr)`: the expression's SQL text, bound when a row needs it.
    Expr(String),
}

/// A column definition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ColumnDef {
    pub(crate) name: String,
    pub(crate) ty: SqlType,
    pub(crate) nullable: bool,
    pub(crate) default: ColumnDefault,
    pub(crate) on_update_now: bool,
    pub(crate) auto_increment: bool,
    pub(crate) comment: String,
    /// `GENERATED ALWAYS AS (expr) [VIRTUAL | STORED]`: computed and stored on every write of
    /// the row (also VIRTUAL ones, which MySQL computes on read; the results are the same).
    pub(crate) generated: Option<Generated>,
    /// `INVISIBLE`: left out of `SELECT *`, `TABLE t` and `INSERT` without a column list,
    /// but usable by name (<https://dev.mysql.com/doc/refman/8.4/en/invisible-columns.html>).
    pub(crate) invisible: bool,
}

/// A generated column's expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Generated {
    /// MySQL's normalized text (`(`a` + 1)`), as GENERATION_EXPRESSION shows it.
    pub(crate) text: String,
    pub(crate) stored: bool,
}

/// One column of an index, with an optional prefix length (characters).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct IndexPart {
    pub(crate) column: usize,
    pub(crate) prefix: Option<u32>,
    pub(crate) desc: bool,
}

/// An index definition. The PRIMARY KEY is the clustered index.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct IndexDef {
    pub(crate) name: String,
    pub(crate) primary: bool,
    pub(crate) unique: bool,
    pub(crate) parts: Vec<IndexPart>,
    pub(crate) comment: String,
}

impl IndexDef {
    /// True when the index covers column `c` (in any position).
    pub(crate) fn has_column(&self, c: usize) -> bool {
        self.parts.iter().any(|p| p.column == c)
    }
}

/// What a FOREIGN KEY does to child rows when their parent row is deleted or its referenced
/// columns change (InnoDB has no SET DEFAULT).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FkRule {
    Restrict,
    Cascade,
    SetNull,
    /// The default; InnoDB checks it at once, like RESTRICT.
    NoAction,
}

impl FkRule {
    /// The rule as information_schema and SHOW CREATE TABLE spell it.
    pub(crate) fn sql(self) -> &'static str {
        match self {
            FkRule::Restrict => "RESTRICT",
            FkRule::Cascade => "CASCADE",
            FkRule::SetNull => "SET NULL",
            FkRule::NoAction => "NO ACTION",
        }
    }
}

/// A FOREIGN KEY constraint of a (child) table.
///
/// <https://dev.mysql.com/doc/refman/8.4/en/create-table-foreign-keys.html>
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ForeignKeyDef {
    /// The constraint symbol, unique per schema (`<table>_ibfk_<n>` when none was given).
    pub(crate) name: String,
    /// Positions of the child columns, in constraint order.
    pub(crate) columns: Vec<usize>,
    pub(crate) parent_schema: String,
    pub(crate) parent_table: String,
    /// Referenced columns by name (the parent may not exist with foreign_key_checks=0).
    pub(crate) parent_columns: Vec<String>,
    pub(crate) on_delete: FkRule,
    pub(crate) on_update: FkRule,
}

/// A CHECK constraint of a table.
///
/// <https://dev.mysql.com/doc/refman/8.4/en/create-table-check-constraints.html>
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CheckDef {
    /// The constraint symbol, unique per schema (`<table>_chk_<n>` when none was given).
    pub(crate) name: String,
    /// MySQL's normalized text of the expression (`(`a` > 0)`), as CHECK_CLAUSE shows it;
    /// parsed and bound again by each statement that enforces it.
    pub(crate) text: String,
    /// `ENFORCED` (the default) or `NOT ENFORCED`.
    pub(crate) enforced: bool,
}

/// Table options that SHOW CREATE TABLE prints back.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TableOptions {
    pub(crate) engine: String,
    pub(crate) collation: Collation,
    pub(crate) comment: String,
}

/// Counters shared by every version of a table (InnoDB's AUTO_INCREMENT is not transactional).
#[derive(Debug, Default)]
pub(crate) struct TableCounters {
    /// Next AUTO_INCREMENT value to hand out.
    pub(crate) auto_increment: AtomicU64,
    /// Next hidden row id for tables without a primary key.
    pub(crate) row_id: AtomicU64,
}

/// A table definition.
#[derive(Clone, Debug)]
pub(crate) struct TableDef {
    /// Unique for the server's lifetime (a re-created table gets a new id).
    pub(crate) id: u64,
    pub(crate) schema: String,
    pub(crate) name: String,
    pub(crate) columns: Vec<ColumnDef>,
    /// Indexes in SHOW INDEX order; the PRIMARY KEY, when present, is first.
    pub(crate) indexes: Vec<IndexDef>,
    pub(crate) options: TableOptions,
    pub(crate) counters: Arc<TableCounters>,
    /// Creation time for information_schema (seconds since the epoch).
    pub(crate) created: i64,
    /// A session's TEMPORARY table (kept by its session, see `storage::temp`).
    pub(crate) temporary: bool,
    /// FOREIGN KEY constraints of this table as a child, in declaration order.
    pub(crate) foreign_keys: Vec<ForeignKeyDef>,
    /// CHECK constraints, in declaration order.
    pub(crate) checks: Vec<CheckDef>,
}

static NEXT_TABLE_ID: AtomicU64 = AtomicU64::new(1);

/// A new table id.
pub(crate) fn new_table_id() -> u64 {
    NEXT_TABLE_ID.fetch_add(1, Ordering::Relaxed)
}

impl TableDef {
    /// Position of a column by case-insensitive name.
    pub(crate) fn column_index(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The primary key, if declared.
    pub(crate) fn primary(&self) -> Option<&IndexDef> {
        self.indexes.first().filter(|i| i.primary)
    }

    /// The AUTO_INCREMENT column, if any.
    pub(crate) fn auto_increment_column(&self) -> Option<usize> {
        self.columns.iter().position(|c| c.auto_increment)
    }

    /// Position of an index by case-insensitive name.
    pub(crate) fn index_position(&self, name: &str) -> Option<usize> {
        self.indexes
            .iter()
            .position(|i| i.name.eq_ignore_ascii_case(name))
    }

    /// The index whose leading columns are `cols` in order, without prefixes (what a FOREIGN
    /// KEY needs on either side); the primary key first.
    pub(crate) fn index_leading(&self, cols: &[usize]) -> Option<usize> {
        self.indexes.iter().position(|i| {
            i.parts.len() >= cols.len()
                && i.parts
                    .iter()
                    .zip(cols)
                    .all(|(p, c)| p.column == *c && p.prefix.is_none())
        })
    }

    /// Column flags for result metadata: NOT_NULL, PRI_KEY, UNIQUE_KEY, MULTIPLE_KEY, ...
    pub(crate) fn column_flags(&self, c: usize) -> u16 {
        use crate::types::flags;
        let Some(col) = self.columns.get(c) else {
            return 0;
        };
        let mut f = col.ty.type_flags();
        if !col.nullable {
            f |= flags::NOT_NULL;
        }
        if col.auto_increment {
            f |= flags::AUTO_INCREMENT;
        }
        if col.on_update_now {
            f |= flags::ON_UPDATE_NOW;
        }
        if col.ty.base == crate::types::BaseType::Timestamp {
            f |= flags::TIMESTAMP;
        }
        if matches!(col.default, ColumnDefault::None) && !col.nullable && !col.auto_increment {
            f |= flags::NO_DEFAULT_VALUE;
        }
        for idx in &self.indexes {
            if !idx.has_column(c) {
                continue;
            }
            f |= flags::PART_KEY;
            let first = idx.parts.first().map(|p| p.column) == Some(c);
            if idx.primary {
                f |= flags::PRI_KEY;
            } else if idx.unique && idx.parts.len() == 1 {
                f |= flags::UNIQUE_KEY;
            } else if first {
                f |= flags::MULTIPLE_KEY;
            }
        }
        f
    }
}

/// `WITH [CASCADED | LOCAL] CHECK OPTION` of a view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CheckOption {
    None,
    Cascaded,
    Local,
}

impl CheckOption {
    /// information_schema.VIEWS.CHECK_OPTION.
    pub(crate) fn sql(self) -> &'static str {
        match self {
            CheckOption::None => "NONE",
            CheckOption::Cascaded => "CASCADED",
            CheckOption::Local => "LOCAL",
        }
    }
}

/// A view definition, kept in its schema next to the tables (one namespace with them).
///
/// <https://dev.mysql.com/doc/refman/8.4/en/create-view.html>
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ViewDef {
    pub(crate) schema: String,
    pub(crate) name: String,
    /// The SELECT as written; bound again, with `schema` as the default database, wherever the
    /// view is used.
    pub(crate) select: String,
    /// The SELECT as SHOW CREATE VIEW and information_schema.VIEWS print it.
    pub(crate) body: String,
    /// The view's column names (the column list, or the select list's names).
    pub(crate) columns: Vec<String>,
    /// True when the CREATE VIEW named its columns.
    pub(crate) column_list: bool,
    /// UNDEFINED, MERGE or TEMPTABLE.
    pub(crate) algorithm: String,
    /// The definer account (user, host).
    pub(crate) definer: (String, String),
    /// SQL SECURITY DEFINER (true, the default) or INVOKER.
    pub(crate) security_definer: bool,
    pub(crate) check: CheckOption,
    /// A simple view over one table whose rows INSERT/UPDATE/DELETE may write.
    pub(crate) updatable: bool,
    /// character_set_client and collation_connection when the view was created.
    pub(crate) client_charset: String,
    pub(crate) connection_collation: String,
}

/// When a trigger runs relative to its row change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TriggerTiming {
    Before,
    After,
}

impl TriggerTiming {
    /// ACTION_TIMING / SHOW TRIGGERS' Timing.
    pub(crate) fn sql(self) -> &'static str {
        match self {
            TriggerTiming::Before => "BEFORE",
            TriggerTiming::After => "AFTER",
        }
    }
}

/// The row change a trigger runs for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TriggerEvent {
    Insert,
    Update,
    Delete,
}

impl TriggerEvent {
    /// EVENT_MANIPULATION / SHOW TRIGGERS' Event.
    pub(crate) fn sql(self) -> &'static str {
        match self {
            TriggerEvent::Insert => "INSERT",
            TriggerEvent::Update => "UPDATE",
            TriggerEvent::Delete => "DELETE",
        }
    }
}

/// A trigger, kept in its table's schema (trigger names are unique per schema).
///
/// <https://dev.mysql.com/doc/refman/8.4/en/create-trigger.html>
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TriggerDef {
    pub(crate) name: String,
    /// The subject table (in the same schema).
    pub(crate) table: String,
    pub(crate) timing: TriggerTiming,
    pub(crate) event: TriggerEvent,
    /// ACTION_ORDER among the table's triggers of the same timing and event (1, 2, ...).
    pub(crate) order: u32,
    /// The body as written (`BEGIN ... END` or one statement); parsed again by each statement
    /// that fires it.
    pub(crate) body: String,
    /// The definer account (user, host).
    pub(crate) definer: (String, String),
    /// sql_mode, character_set_client, collation_connection and the database collation when
    /// the trigger was created.
    pub(crate) sql_mode: String,
    pub(crate) client_charset: String,
    pub(crate) connection_collation: String,
    pub(crate) database_collation: String,
    /// Creation time, in hundredths of a second since the epoch (CREATED is TIMESTAMP(2)).
    pub(crate) created: i64,
}

/// How a stored procedure's parameter passes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamMode {
    In,
    Out,
    InOut,
}

/// A stored procedure's parameter.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RoutineParam {
    pub(crate) mode: ParamMode,
    pub(crate) name: String,
    pub(crate) ty: sqlparser::ast::DataType,
}

/// A stored procedure or function, kept in its schema.
///
/// <https://dev.mysql.com/doc/refman/8.4/en/create-procedure.html>
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RoutineDef {
    pub(crate) name: String,
    pub(crate) params: Vec<RoutineParam>,
    /// The parameters' SQL types, string types in the database's collation unless they name
    /// their own (information_schema.PARAMETERS).
    pub(crate) param_types: Vec<crate::types::SqlType>,
    /// The parameter list as written (SHOW CREATE PROCEDURE, information_schema).
    pub(crate) param_text: String,
    /// The body as written; parsed again by each CALL.
    pub(crate) body: String,
    pub(crate) definer: (String, String),
    pub(crate) sql_mode: String,
    /// character_set_client, collation_connection and the database collation when the
    /// procedure was created.
    pub(crate) client_charset: String,
    pub(crate) connection_collation: String,
    pub(crate) database_collation: String,
    /// Creation time, seconds since the epoch.
    pub(crate) created: i64,
    /// Last ALTER (or the creation), seconds since the epoch.
    pub(crate) modified: i64,
    /// A stored function's `RETURNS` type; None for a procedure.
    pub(crate) returns: Option<RoutineReturns>,
    pub(crate) chars: RoutineChars,
}

/// A stored function's `RETURNS` clause.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RoutineReturns {
    pub(crate) ty: sqlparser::ast::DataType,
    /// As written (SHOW CREATE FUNCTION).
    pub(crate) text: String,
    /// Its SQL type, a string type in the database's collation unless it names its own.
    pub(crate) sql: crate::types::SqlType,
}

/// A routine's SQL data access characteristic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum DataAccess {
    #[default]
    ContainsSql,
    NoSql,
    ReadsSqlData,
    ModifiesSqlData,
}

impl DataAccess {
    /// As information_schema.ROUTINES.SQL_DATA_ACCESS and SHOW CREATE write it.
    pub(crate) fn sql(self) -> &'static str {
        match self {
            DataAccess::ContainsSql => "CONTAINS SQL",
            DataAccess::NoSql => "NO SQL",
            DataAccess::ReadsSqlData => "READS SQL DATA",
            DataAccess::ModifiesSqlData => "MODIFIES SQL DATA",
        }
    }
}

/// A routine's characteristics (`DETERMINISTIC`, data access, `SQL SECURITY`, `COMMENT`).
///
/// <https://dev.mysql.com/doc/refman/8.4/en/create-procedure.html>
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct RoutineChars {
    pub(crate) deterministic: bool,
    pub(crate) data_access: DataAccess,
    /// `SQL SECURITY INVOKER` (the default is DEFINER).
    pub(crate) invoker: bool,
    pub(crate) comment: String,
}
