//! SHOW [FULL] TABLES, SHOW [FULL] COLUMNS and DESCRIBE, SHOW INDEX, SHOW CREATE TABLE,
//! SHOW TABLE STATUS, SHOW CREATE DATABASE, SHOW ENGINES, SHOW CHARACTER SET, SHOW COLLATION.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/show.html>
//!
//! Each statement builds its rows from the latest committed catalog, with the facts
//! information_schema shows too (`crate::infoschema`), then applies its `LIKE 'pattern'` (on
//! the first column) or `WHERE expr` (bound over the result's own column names, as MySQL does).

use sqlparser::ast::{self as ast};

use crate::bind::{Binder, Scope, ScopeCol, name_parts};
use crate::catalog::{ColumnDef, ColumnDefault, FkRule, ForeignKeyDef, IndexDef, TableDef};
use crate::collation::Collation;
use crate::error::EngineError;
use crate::execute;
use crate::infoschema::{self, VirtualColumn, VirtualTable};
use crate::types::{BaseType, SqlType, flags};
use crate::value::Value;
use crate::{Column, Engine, Outcome, Session};

use super::in_txn;

// ---------------------------------------------------------------------------------------------
// Shared

pub(crate) fn varchar(n: u32) -> SqlType {
    SqlType::varchar(n, Collation::Utf8mb3_general_ci)
}

pub(crate) fn col(name: &str, ty: SqlType, nullable: bool) -> VirtualColumn {
    (name.to_string(), ty, nullable)
}

/// Result-set metadata for rows "read" from an information_schema table.
pub(crate) fn result_columns(org_table: &str, cols: &[VirtualColumn]) -> Vec<Column> {
    cols.iter()
        .map(|(name, ty, nullable)| {
            let mut f = ty.type_flags();
            if !nullable {
                f |= flags::NOT_NULL;
            }
            Column::from_type(
                name.clone(),
                name.clone(),
                org_table.to_string(),
                org_table.to_string(),
                infoschema::SCHEMA.to_string(),
                ty,
                f,
            )
        })
        .collect()
}

/// Keeps the rows that pass a SHOW statement's `LIKE` (on column `like_col`, under `like`) or
/// `WHERE` (bound over the result columns).
pub(super) fn filter_rows(
    engine: &Engine,
    session: &mut Session,
    cols: &[VirtualColumn],
    rows: Vec<Vec<Value>>,
    like_col: usize,
    like: Collation,
    filter: Option<&ast::ShowStatementFilter>,
) -> Result<Vec<Vec<Value>>, EngineError> {
    let pattern = match filter {
        None => return Ok(rows),
        Some(
            ast::ShowStatementFilter::Like(p)
            | ast::ShowStatementFilter::ILike(p)
            | ast::ShowStatementFilter::NoKeyword(p),
        ) => p,
        Some(ast::ShowStatementFilter::Where(e)) => {
            return filter_where(engine, session, cols, rows, e);
        }
    };
    Ok(rows
        .into_iter()
        .filter(|r| {
            r.get(like_col)
                .and_then(Value::to_text)
                .is_some_and(|s| like.like(&s, pattern.as_bytes(), Some('\\')))
        })
        .collect())
}

fn filter_where(
    engine: &Engine,
    session: &mut Session,
    cols: &[VirtualColumn],
    rows: Vec<Vec<Value>>,
    e: &ast::Expr,
) -> Result<Vec<Vec<Value>>, EngineError> {
    let state = engine.store.latest();
    let (predicate, registers) = {
        let mut b = Binder::new(engine, session, &state);
        let mut scope = Scope::default();
        for (name, ty, nullable) in cols {
            scope.cols.push(ScopeCol {
                table: None,
                schema: String::new(),
                name: name.clone(),
                ty: ty.clone(),
                nullable: *nullable,
                origin: None,
                flags: 0,
                merged: false,
                invisible: false,
                table_no: 0,
            });
        }
        b.set_scope(scope);
        let p = b.condition(e, "where clause")?;
        (p, b.registers)
    };
    in_txn(engine, session, |cx| {
        cx.regs.resize(registers.max(16), Value::Null);
        let mut out = Vec::new();
        for r in rows {
            if execute::truth(&execute::eval(&predicate, &r, cx)?) == Some(true) {
                out.push(r);
            }
        }
        Ok(out)
    })
}

/// The database a SHOW statement names with FROM/IN, or the current one (ER 1046 without).
fn show_db(session: &Session, opts: &ast::ShowStatementOptions) -> Result<String, EngineError> {
    match opts.show_in.as_ref().and_then(|si| si.parent_name.as_ref()) {
        Some(n) => name_parts(n).pop().ok_or_else(EngineError::no_db),
        None => session.database.clone().ok_or_else(EngineError::no_db),
    }
}

fn show_filter(opts: &ast::ShowStatementOptions) -> Option<&ast::ShowStatementFilter> {
    match &opts.filter_position {
        Some(
            ast::ShowStatementFilterPosition::Infix(f)
            | ast::ShowStatementFilterPosition::Suffix(f),
        ) => Some(f),
        None => None,
    }
}

/// ER 1142 (naming `command`) unless the account has some privilege on the table.
fn check_sees_table(
    engine: &Engine,
    session: &Session,
    schema: &str,
    table: &str,
    command: &str,
) -> Result<(), EngineError> {
    if session.grants(engine).sees_table(schema, table) {
        Ok(())
    } else {
        Err(crate::privilege::table_denied(
            session.who(),
            command,
            table,
        ))
    }
}

/// Resolves `[db.]table` to its definition (information_schema tables included), or ER 1146.
fn table_def(
    engine: &Engine,
    session: &Session,
    schema: Option<String>,
    table: &str,
) -> Result<std::sync::Arc<TableDef>, EngineError> {
    let schema = match schema {
        Some(s) => s,
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    if let Some((vt, _)) = infoschema::lookup(&schema, table) {
        return Ok(infoschema::table_def(vt));
    }
    if let Some(t) = session.temp.table(&schema, table) {
        return Ok(t.def.clone());
    }
    check_sees_table(engine, session, &schema, table, "SELECT")?;
    if let Some(v) = engine.store.latest().view(&schema, table).cloned() {
        return (engine.view_table_def)(engine, session, &v);
    }
    engine
        .store
        .latest()
        .table(&schema, table)
        .map(|t| t.def.clone())
        .ok_or_else(|| EngineError::no_such_table(&schema, table))
}

/// For COM_FIELD_LIST: each column of a table of the current database, with its default as
/// MySQL prints it (None: no default, or NULL).
pub(crate) fn column_defaults(
    engine: &Engine,
    session: &Session,
    table: &str,
) -> Result<Vec<(String, Option<String>)>, EngineError> {
    let def = table_def(engine, session, None, table)?;
    Ok(def
        .columns
        .iter()
        .map(|c| (c.name.clone(), infoschema::default_text(c)))
        .collect())
}

fn object_table(name: &ast::ObjectName) -> Result<(Option<String>, String), EngineError> {
    let mut parts = name_parts(name);
    match parts.len() {
        1 => Ok((None, parts.remove(0))),
        2 => {
            let t = parts.remove(1);
            Ok((Some(parts.remove(0)), t))
        }
        _ => Err(EngineError::parse_error(&name.to_string(), 1)),
    }
}

/// A name in backquotes, as SHOW CREATE prints identifiers.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A string literal as SHOW CREATE prints it (MySQL's `append_unescaped`).
pub(crate) fn quote_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        match ch {
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("''"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

// ---------------------------------------------------------------------------------------------
// SHOW TABLES

/// SHOW [FULL] TABLES [{FROM | IN} db] [LIKE 'pattern' | WHERE expr].
pub(super) fn show_tables(
    engine: &Engine,
    session: &mut Session,
    full: bool,
    opts: &ast::ShowStatementOptions,
) -> Result<Outcome, EngineError> {
    let db = show_db(session, opts)?;
    let is_infoschema = db.eq_ignore_ascii_case(infoschema::SCHEMA);
    if !is_infoschema {
        crate::privilege::check_db_visible(engine, session, &db)?;
    }
    if !engine.database_exists(&db) {
        return Err(EngineError::bad_db(&db));
    }
    let filter = show_filter(opts);
    let mut rows: Vec<Vec<Value>> = Vec::new();
    if is_infoschema {
        for t in VirtualTable::ALL {
            rows.push(vec![Value::str(t.name()), Value::str("SYSTEM VIEW")]);
        }
    } else if db == crate::grant_tables::SCHEMA {
        let grants = session.grants(engine);
        for t in crate::grant_tables::GrantTable::ALL {
            if grants.sees_table(&db, t.name()) {
                rows.push(vec![Value::str(t.name()), Value::str("BASE TABLE")]);
            }
        }
    } else if let Some(s) = engine.store.latest().schemas.get(&db) {
        // Only the tables the account has some privilege on.
        let grants = session.grants(engine);
        let mut names: Vec<(&String, &str)> = s
            .tables
            .keys()
            .map(|t| (t, "BASE TABLE"))
            .chain(s.views.keys().map(|v| (v, "VIEW")))
            .filter(|(t, _)| grants.sees_table(&db, t))
            .collect();
        names.sort();
        for (name, kind) in names {
            rows.push(vec![Value::str(name.clone()), Value::str(kind)]);
        }
    }
    let title = match filter {
        Some(ast::ShowStatementFilter::Like(p)) => format!("Tables_in_{db} ({p})"),
        _ => format!("Tables_in_{db}"),
    };
    let mut cols = vec![
        col(&title, varchar(64), false),
        col("Table_type", varchar(64), false),
    ];
    let rows = filter_rows(
        engine,
        session,
        &cols,
        rows,
        0,
        Collation::Utf8mb3_bin,
        filter,
    )?;
    let mut columns = result_columns("TABLES", &cols);
    if let Some(c) = columns.first_mut() {
        c.org_name = "TABLE_NAME".into();
    }
    let rows = if full {
        rows
    } else {
        cols.truncate(1);
        columns.truncate(1);
        rows.into_iter()
            .map(|mut r| {
                r.truncate(1);
                r
            })
            .collect()
    };
    Ok(Outcome::Rows { columns, rows })
}

// ---------------------------------------------------------------------------------------------
// SHOW COLUMNS, DESCRIBE

/// SHOW [FULL] {COLUMNS | FIELDS} {FROM | IN} t [{FROM | IN} db] [LIKE 'pattern' | WHERE expr].
pub(super) fn show_columns(
    engine: &Engine,
    session: &mut Session,
    full: bool,
    opts: &ast::ShowStatementOptions,
) -> Result<Outcome, EngineError> {
    let Some(name) = opts.show_in.as_ref().and_then(|si| si.parent_name.as_ref()) else {
        return Err(EngineError::parse_error("", 1));
    };
    let (schema, table) = object_table(name)?;
    let def = table_def(engine, session, schema, &table)?;
    columns_of(engine, session, &def, full, show_filter(opts))
}

/// DESCRIBE t / DESC t / EXPLAIN t: SHOW COLUMNS FROM t.
pub(super) fn describe(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
) -> Result<Outcome, EngineError> {
    let (schema, table) = object_table(name)?;
    let def = table_def(engine, session, schema, &table)?;
    columns_of(engine, session, &def, false, None)
}

fn columns_of(
    engine: &Engine,
    session: &mut Session,
    def: &TableDef,
    full: bool,
    filter: Option<&ast::ShowStatementFilter>,
) -> Result<Outcome, EngineError> {
    let mut cols = vec![
        col("Field", varchar(64), false),
        col("Type", varchar(1024), false),
    ];
    if full {
        cols.push(col("Collation", varchar(64), true));
    }
    cols.extend([
        col("Null", varchar(3), false),
        col("Key", varchar(3), false),
        col("Default", varchar(1024), true),
        col("Extra", varchar(256), false),
    ]);
    if full {
        cols.push(col("Privileges", varchar(154), false));
        cols.push(col("Comment", varchar(1024), false));
    }
    let grants = session.grants(engine);
    let mut rows = Vec::new();
    for (i, c) in def.columns.iter().enumerate() {
        // Only the columns the account holds some column privilege on, as in MySQL.
        let privileges = grants.column_privileges_text(&def.schema, &def.name, &c.name);
        if privileges.is_empty() && !crate::catalog::is_system_schema(&def.schema) {
            continue;
        }
        let mut row = vec![Value::str(c.name.clone()), Value::str(c.ty.sql())];
        if full {
            row.push(if infoschema::has_charset(&c.ty) {
                Value::str(c.ty.collation.name())
            } else {
                Value::Null
            });
        }
        row.extend([
            Value::str(if c.nullable { "YES" } else { "NO" }),
            Value::str(infoschema::column_key(def, i)),
            infoschema::default_text(c).map_or(Value::Null, Value::str),
            Value::str(infoschema::extra(c)),
        ]);
        if full {
            row.push(Value::str(if privileges.is_empty() {
                "select,insert,update,references".to_string()
            } else {
                privileges
            }));
            row.push(Value::str(c.comment.clone()));
        }
        rows.push(row);
    }
    let rows = filter_rows(
        engine,
        session,
        &cols,
        rows,
        0,
        Collation::Utf8mb3_general_ci,
        filter,
    )?;
    Ok(Outcome::Rows {
        columns: result_columns("COLUMNS", &cols),
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// SHOW INDEX

/// SHOW {INDEX | INDEXES | KEYS} {FROM | IN} t [{FROM | IN} db] [WHERE expr]. A database
/// named with FROM wins over one in the table name, as in MySQL.
pub(crate) fn show_index(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
    db: Option<String>,
    filter: Option<&ast::ShowStatementFilter>,
) -> Result<Outcome, EngineError> {
    let (schema, table) = object_table(name)?;
    let def = table_def(engine, session, db.or(schema), &table)?;
    let cols = vec![
        col("Table", varchar(64), false),
        col("Non_unique", SqlType::new(BaseType::Int), false),
        col("Key_name", varchar(64), true),
        col(
            "Seq_in_index",
            SqlType {
                unsigned: true,
                ..SqlType::new(BaseType::Int)
            },
            false,
        ),
        col("Column_name", varchar(64), true),
        col("Collation", varchar(1), true),
        col("Cardinality", SqlType::bigint(), true),
        col("Sub_part", SqlType::bigint(), true),
        col("Packed", SqlType::new(BaseType::Binary), true),
        col("Null", varchar(3), false),
        col("Index_type", varchar(11), false),
        col("Comment", varchar(8), false),
        col("Index_comment", varchar(2048), false),
        col("Visible", varchar(3), false),
        col("Expression", varchar(1024), true),
    ];
    let state = engine.store.latest();
    let table_data = if def.temporary {
        session.temp.table(&def.schema, &def.name)
    } else {
        state.table(&def.schema, &def.name)
    };
    let mut rows = Vec::new();
    for (n, idx) in def.indexes.iter().enumerate() {
        for (seq, p) in idx.parts.iter().enumerate() {
            let column = def.columns.get(p.column);
            let card = table_data.map_or(0, |t| infoschema::cardinality(t, n, seq));
            rows.push(vec![
                Value::str(def.name.clone()),
                Value::Int(i64::from(!idx.unique)),
                Value::str(idx.name.clone()),
                Value::UInt(seq as u64 + 1),
                column.map_or(Value::Null, |c| Value::str(c.name.clone())),
                Value::str(if p.desc { "D" } else { "A" }),
                Value::Int(i64::try_from(card).unwrap_or(i64::MAX)),
                p.prefix.map_or(Value::Null, |x| Value::Int(i64::from(x))),
                Value::Null,
                Value::str(if column.is_some_and(|c| c.nullable) {
                    "YES"
                } else {
                    ""
                }),
                Value::str("BTREE"),
                Value::str(""),
                Value::str(idx.comment.clone()),
                Value::str("YES"),
                Value::Null,
            ]);
        }
    }
    let rows = filter_rows(
        engine,
        session,
        &cols,
        rows,
        0,
        Collation::Utf8mb3_bin,
        filter,
    )?;
    Ok(Outcome::Rows {
        columns: result_columns("STATISTICS", &cols),
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// SHOW TABLE STATUS

/// SHOW TABLE STATUS [{FROM | IN} db] [LIKE 'pattern' | WHERE expr].
pub(crate) fn show_table_status(
    engine: &Engine,
    session: &mut Session,
    db: Option<String>,
    filter: Option<&ast::ShowStatementFilter>,
) -> Result<Outcome, EngineError> {
    let db = match db {
        Some(d) => d,
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    crate::privilege::check_db_visible(engine, session, &db)?;
    if !engine.database_exists(&db) {
        return Err(EngineError::bad_db(&db));
    }
    // The columns of information_schema.TABLES from TABLE_NAME on, without TABLE_TYPE.
    let all = VirtualTable::Tables.columns();
    let names = [
        "Name",
        "Engine",
        "Version",
        "Row_format",
        "Rows",
        "Avg_row_length",
        "Data_length",
        "Max_data_length",
        "Index_length",
        "Data_free",
        "Auto_increment",
        "Create_time",
        "Update_time",
        "Check_time",
        "Collation",
        "Checksum",
        "Create_options",
        "Comment",
    ];
    let keep: Vec<usize> = std::iter::once(2).chain(4..all.len()).collect();
    let cols: Vec<VirtualColumn> = keep
        .iter()
        .zip(names)
        .filter_map(|(i, n)| {
            all.get(*i)
                .map(|(_, ty, null)| (n.to_string(), ty.clone(), *null))
        })
        .collect();
    let state = engine.store.latest();
    let tz = session.tz_offset_secs();
    let mut rows = Vec::new();
    if let Some(s) = state.schemas.get(&db) {
        // Only the tables the account has some privilege on.
        let grants = session.grants(engine);
        for t in s
            .tables
            .values()
            .filter(|t| grants.sees_table(&db, &t.def.name))
        {
            let full = infoschema::tables_row(t, tz);
            rows.push(keep.iter().filter_map(|i| full.get(*i).cloned()).collect());
        }
    }
    let rows = filter_rows(
        engine,
        session,
        &cols,
        rows,
        0,
        Collation::Utf8mb3_bin,
        filter,
    )?;
    Ok(Outcome::Rows {
        columns: result_columns("TABLES", &cols),
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// SHOW ENGINES, SHOW CHARACTER SET, SHOW COLLATION

/// SHOW [STORAGE] ENGINES (<https://dev.mysql.com/doc/refman/8.4/en/show-engines.html>).
///
/// The engines `CREATE TABLE ... ENGINE=` accepts, with MySQL 8.4's rows for them. Only the
/// name is kept: every table, whatever its engine, is stored the same way (in memory, MVCC,
/// transactional, as InnoDB behaves). PERFORMANCE_SCHEMA and FEDERATED are not listed: there
/// is no performance_schema, and MySQL ships FEDERATED disabled.
pub(crate) fn show_engines() -> Outcome {
    let cols = vec![
        col("Engine", varchar(64), false),
        col("Support", varchar(8), false),
        col("Comment", varchar(80), false),
        col("Transactions", varchar(3), true),
        col("XA", varchar(3), true),
        col("Savepoints", varchar(3), true),
    ];
    const ROWS: &[[&str; 6]] = &[
        [
            "MEMORY",
            "YES",
            "Hash based, stored in memory, useful for temporary tables",
            "NO",
            "NO",
            "NO",
        ],
        [
            "InnoDB",
            "DEFAULT",
            "Supports transactions, row-level locking, and foreign keys",
            "YES",
            "YES",
            "YES",
        ],
        ["MyISAM", "YES", "MyISAM storage engine", "NO", "NO", "NO"],
        [
            "MRG_MYISAM",
            "YES",
            "Collection of identical MyISAM tables",
            "NO",
            "NO",
            "NO",
        ],
        [
            "BLACKHOLE",
            "YES",
            "/dev/null storage engine (anything you write to it disappears)",
            "NO",
            "NO",
            "NO",
        ],
        ["CSV", "YES", "CSV storage engine", "NO", "NO", "NO"],
        ["ARCHIVE", "YES", "Archive storage engine", "NO", "NO", "NO"],
    ];
    let rows = ROWS
        .iter()
        .map(|r| r.iter().map(|v| Value::str(*v)).collect())
        .collect();
    Outcome::Rows {
        columns: result_columns("ENGINES", &cols),
        rows,
    }
}

/// MySQL's description of a character set (SHOW CHARACTER SET's `Description`).
fn charset_description(cs: &str) -> &'static str {
    match cs {
        "ascii" => "US ASCII",
        "binary" => "Binary pseudo charset",
        "latin1" => "cp1252 West European",
        "utf8mb3" => "UTF-8 Unicode",
        _ => "UTF-8 Unicode",
    }
}

/// SHOW {CHARACTER SET | CHARSET} [LIKE 'pattern' | WHERE expr]
/// (<https://dev.mysql.com/doc/refman/8.4/en/show-character-set.html>): the character sets
/// the engine implements (`Collation::ALL`), by name.
pub(crate) fn show_charset(
    engine: &Engine,
    session: &mut Session,
    filter: Option<&ast::ShowStatementFilter>,
) -> Result<Outcome, EngineError> {
    let cols = vec![
        col("Charset", varchar(64), false),
        col("Description", varchar(2048), false),
        col("Default collation", varchar(64), false),
        col(
            "Maxlen",
            SqlType {
                unsigned: true,
                ..SqlType::new(BaseType::Int)
            },
            false,
        ),
    ];
    let mut defaults: Vec<Collation> = Collation::ALL
        .iter()
        .copied()
        .filter(|c| c.is_default())
        .collect();
    defaults.sort_by_key(|c| c.charset());
    let rows = defaults
        .into_iter()
        .map(|c| {
            vec![
                Value::str(c.charset()),
                Value::str(charset_description(c.charset())),
                Value::str(c.name()),
                Value::UInt(u64::from(c.max_bytes_per_char())),
            ]
        })
        .collect();
    let rows = filter_rows(
        engine,
        session,
        &cols,
        rows,
        0,
        Collation::Utf8mb3_general_ci,
        filter,
    )?;
    Ok(Outcome::Rows {
        columns: result_columns("CHARACTER_SETS", &cols),
        rows,
    })
}

/// MySQL's `Sortlen` of a collation.
fn sortlen(c: Collation) -> u64 {
    match c {
        Collation::Utf8mb4_0900_ai_ci
        | Collation::Utf8mb4_0900_as_ci
        | Collation::Utf8mb4_0900_as_cs
        | Collation::Utf8mb4_0900_bin => 0,
        Collation::Utf8mb4_unicode_ci => 8,
        _ => 1,
    }
}

/// SHOW COLLATION [LIKE 'pattern' | WHERE expr]
/// (<https://dev.mysql.com/doc/refman/8.4/en/show-collation.html>): the collations the engine
/// implements (`Collation::ALL`), by name.
pub(crate) fn show_collation(
    engine: &Engine,
    session: &mut Session,
    filter: Option<&ast::ShowStatementFilter>,
) -> Result<Outcome, EngineError> {
    let uint = |base| SqlType {
        unsigned: true,
        ..SqlType::new(base)
    };
    let cols = vec![
        col("Collation", varchar(64), false),
        col("Charset", varchar(64), false),
        col("Id", uint(BaseType::BigInt), false),
        col("Default", varchar(3), false),
        col("Compiled", varchar(3), false),
        col("Sortlen", uint(BaseType::Int), false),
        col("Pad_attribute", varchar(9), false),
    ];
    let mut all: Vec<Collation> = Collation::ALL.to_vec();
    all.sort_by_key(|c| c.name());
    let rows = all
        .into_iter()
        .map(|c| {
            vec![
                Value::str(c.name()),
                Value::str(c.charset()),
                Value::UInt(u64::from(c.id())),
                Value::str(if c.is_default() { "Yes" } else { "" }),
                Value::str("Yes"),
                Value::UInt(sortlen(c)),
                Value::str(if c.pad_space() { "PAD SPACE" } else { "NO PAD" }),
            ]
        })
        .collect();
    let rows = filter_rows(
        engine,
        session,
        &cols,
        rows,
        0,
        Collation::Utf8mb3_general_ci,
        filter,
    )?;
    Ok(Outcome::Rows {
        columns: result_columns("COLLATIONS", &cols),
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// SHOW CREATE DATABASE

/// SHOW CREATE {DATABASE | SCHEMA} [IF NOT EXISTS] db.
pub(crate) fn show_create_database(
    engine: &Engine,
    session: &mut Session,
    name: &str,
    if_not_exists: bool,
) -> Result<Outcome, EngineError> {
    let _ = &session;
    if !engine.database_exists(name) {
        return Err(EngineError::bad_db(name));
    }
    let coll = infoschema::schema_collation(&engine.store.latest(), name);
    let name = if name.eq_ignore_ascii_case(infoschema::SCHEMA) {
        infoschema::SCHEMA.to_string()
    } else {
        name.to_string()
    };
    let mut text = String::from("CREATE DATABASE ");
    if if_not_exists {
        text.push_str("/*!32312 IF NOT EXISTS*/ ");
    }
    text.push_str(&quote_ident(&name));
    text.push_str(" /*!40100 DEFAULT CHARACTER SET ");
    text.push_str(coll.charset());
    if shows_collation(coll) {
        text.push_str(" COLLATE ");
        text.push_str(coll.name());
    }
    text.push_str(" */ /*!80016 DEFAULT ENCRYPTION='N' */");
    let cols = vec![
        col("Database", varchar(64), false),
        col("Create Database", varchar(1024), false),
    ];
    Ok(Outcome::Rows {
        columns: result_columns("SCHEMATA", &cols),
        rows: vec![vec![Value::str(name), Value::str(text)]],
    })
}

/// MySQL 8 names a default collation only when it is not its character set's default, or is
/// utf8mb4_0900_ai_ci.
fn shows_collation(c: Collation) -> bool {
    !c.is_default() || c == Collation::Utf8mb4_0900_ai_ci
}

// ---------------------------------------------------------------------------------------------
// SHOW CREATE TABLE

/// SHOW CREATE TABLE t; None when `t` names a view (no temporary table hides it), which
/// SHOW CREATE VIEW answers (`stmt::view::show_create`).
pub(super) fn show_create_table(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
) -> Result<Option<Outcome>, EngineError> {
    let (schema, table) = object_table(name)?;
    let schema = match schema {
        Some(s) => s,
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    let def = match session.temp.table(&schema, &table) {
        Some(t) => t.def.clone(),
        None if engine.store.latest().view(&schema, &table).is_some() => {
            return Ok(None);
        }
        None => {
            check_sees_table(engine, session, &schema, &table, "SHOW")?;
            engine
                .store
                .latest()
                .table(&schema, &table)
                .map(|t| t.def.clone())
                .ok_or_else(|| EngineError::no_such_table(&schema, &table))?
        }
    };
    let cols = vec![
        col("Table", varchar(64), false),
        col("Create Table", varchar(1024), false),
    ];
    Ok(Some(Outcome::Rows {
        columns: result_columns("TABLES", &cols),
        rows: vec![vec![
            Value::str(def.name.clone()),
            Value::str(create_table_text(&def)),
        ]],
    }))
}

/// The CREATE TABLE statement MySQL 8.4 prints for a table.
pub(crate) fn create_table_text(def: &TableDef) -> String {
    let table_coll = def.options.collation;
    let mut lines: Vec<String> = def
        .columns
        .iter()
        .map(|c| format!("  {}", column_sql(c, table_coll)))
        .collect();
    for idx in &def.indexes {
        lines.push(format!("  {}", index_sql(def, idx)));
    }
    // The data dictionary lists a table's foreign keys by name.
    let mut fks: Vec<&ForeignKeyDef> = def.foreign_keys.iter().collect();
    fks.sort_by(|a, b| a.name.cmp(&b.name));
    for fk in fks {
        lines.push(format!("  {}", foreign_key_sql(def, fk)));
    }
    // CHECK constraints too, by name.
    let mut checks: Vec<&crate::catalog::CheckDef> = def.checks.iter().collect();
    checks.sort_by(|a, b| a.name.cmp(&b.name));
    for c in checks {
        let mut line = format!("  CONSTRAINT {} CHECK ({})", quote_ident(&c.name), c.text);
        if !c.enforced {
            line.push_str(" /*!80016 NOT ENFORCED */");
        }
        lines.push(line);
    }
    let kind = if def.temporary {
        "TEMPORARY TABLE"
    } else {
        "TABLE"
    };
    let mut s = format!("CREATE {kind} {} (\n", quote_ident(&def.name));
    s.push_str(&lines.join(",\n"));
    s.push_str("\n) ENGINE=");
    s.push_str(&def.options.engine);
    if let Some(n) = infoschema::auto_increment_value(def).filter(|n| *n > 1) {
        s.push_str(&format!(" AUTO_INCREMENT={n}"));
    }
    s.push_str(" DEFAULT CHARSET=");
    s.push_str(table_coll.charset());
    if shows_collation(table_coll) {
        s.push_str(" COLLATE=");
        s.push_str(table_coll.name());
    }
    if !def.options.comment.is_empty() {
        s.push_str(" COMMENT=");
        s.push_str(&quote_text(&def.options.comment));
    }
    s
}

/// A FOREIGN KEY as SHOW CREATE TABLE prints it (and errors 1451/1452/1701 quote it):
/// `CONSTRAINT `s` FOREIGN KEY (`a`) REFERENCES `p` (`id`) ON DELETE CASCADE`; the parent's
/// schema only when it is not the table's, NO ACTION not at all.
pub(crate) fn foreign_key_sql(def: &TableDef, fk: &ForeignKeyDef) -> String {
    let cols: Vec<String> = fk
        .columns
        .iter()
        .map(|c| quote_ident(def.columns.get(*c).map_or("", |c| c.name.as_str())))
        .collect();
    let parent = if fk.parent_schema == def.schema {
        quote_ident(&fk.parent_table)
    } else {
        format!(
            "{}.{}",
            quote_ident(&fk.parent_schema),
            quote_ident(&fk.parent_table)
        )
    };
    let refs: Vec<String> = fk.parent_columns.iter().map(|c| quote_ident(c)).collect();
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {parent} ({})",
        quote_ident(&fk.name),
        cols.join(", "),
        refs.join(", ")
    );
    if fk.on_delete != FkRule::NoAction {
        s.push_str(" ON DELETE ");
        s.push_str(fk.on_delete.sql());
    }
    if fk.on_update != FkRule::NoAction {
        s.push_str(" ON UPDATE ");
        s.push_str(fk.on_update.sql());
    }
    s
}

/// One column line of SHOW CREATE TABLE (without indentation).
pub(crate) fn column_sql(c: &ColumnDef, table_coll: Collation) -> String {
    let ty = &c.ty;
    let mut s = format!("{} {}", quote_ident(&c.name), ty.sql());
    if infoschema::has_charset(ty) {
        let coll = ty.collation;
        if coll != table_coll {
            s.push_str(" CHARACTER SET ");
            s.push_str(coll.charset());
        }
        if !coll.is_default()
            || (coll == Collation::Utf8mb4_0900_ai_ci
                && table_coll != Collation::Utf8mb4_0900_ai_ci)
        {
            s.push_str(" COLLATE ");
            s.push_str(coll.name());
        }
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.text,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
        if !c.nullable {
            s.push_str(" NOT NULL");
        }
        if c.invisible {
            s.push_str(" /*!80023 INVISIBLE */");
        }
        if !c.comment.is_empty() {
            s.push_str(" COMMENT ");
            s.push_str(&quote_text(&c.comment));
        }
        return s;
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    } else if ty.base == BaseType::Timestamp {
        s.push_str(" NULL");
    }
    if !c.auto_increment {
        match &c.default {
            ColumnDefault::None | ColumnDefault::Value(Value::Null) => {
                if c.nullable && !ty.is_blob() {
                    s.push_str(" DEFAULT NULL");
                }
            }
            ColumnDefault::Value(v) => {
                s.push_str(" DEFAULT ");
                s.push_str(&default_literal(v, ty));
            }
            ColumnDefault::CurrentTimestamp(fsp) => {
                s.push_str(" DEFAULT ");
                s.push_str(&infoschema::current_timestamp_text(*fsp));
            }
            ColumnDefault::Expr(e) => {
                s.push_str(" DEFAULT ");
                if e.starts_with('(') {
                    s.push_str(e);
                } else {
                    s.push_str(&format!("({e})"));
                }
            }
        }
    }
    if c.on_update_now {
        s.push_str(" ON UPDATE ");
        s.push_str(&infoschema::current_timestamp_text(ty.scale));
    }
    if c.auto_increment {
        s.push_str(" AUTO_INCREMENT");
    }
    if c.invisible {
        s.push_str(" /*!80023 INVISIBLE */");
    }
    if !c.comment.is_empty() {
        s.push_str(" COMMENT ");
        s.push_str(&quote_text(&c.comment));
    }
    s
}

fn default_literal(v: &Value, ty: &SqlType) -> String {
    if ty.base == BaseType::Bit {
        let n = match v {
            Value::UInt(u) => *u,
            other => other.to_i64().unwrap_or(0) as u64,
        };
        return format!("b'{n:b}'");
    }
    quote_text(&infoschema::value_text(v, ty).unwrap_or_default())
}

/// One index line of SHOW CREATE TABLE (without indentation).
pub(crate) fn index_sql(def: &TableDef, idx: &IndexDef) -> String {
    let parts: Vec<String> = idx
        .parts
        .iter()
        .map(|p| {
            let name = def
                .columns
                .get(p.column)
                .map(|c| c.name.as_str())
                .unwrap_or("");
            let mut s = quote_ident(name);
            if let Some(n) = p.prefix {
                s.push_str(&format!("({n})"));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    let mut s = if idx.primary {
        "PRIMARY KEY".to_string()
    } else if idx.unique {
        format!("UNIQUE KEY {}", quote_ident(&idx.name))
    } else {
        format!("KEY {}", quote_ident(&idx.name))
    };
    s.push_str(&format!(" ({})", parts.join(",")));
    if !idx.comment.is_empty() {
        s.push_str(" COMMENT ");
        s.push_str(&quote_text(&idx.comment));
    }
    s
}
