//! `EXPLAIN` / `DESCRIBE` of a statement: MySQL's traditional table (the default and
//! `FORMAT=TRADITIONAL`) or `FORMAT=TREE`, for queries and single-table UPDATE/DELETE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/explain.html>
//!
//! The statement is bound and planned as it would run, so it fails with the same errors (an
//! unknown table is 1146), but it is never run: no rows are read, no lock is taken, no function
//! is called. The rows themselves come from `crate::plan::explain`. As MySQL, the traditional
//! format leaves a Note 1003 with the statement (MySQL shows its rewritten form; this is the
//! statement as parsed). `FORMAT=JSON` and `EXPLAIN ANALYZE` are not supported (1235).

use sqlparser::ast::{AnalyzeFormat, AnalyzeFormatKind, Statement};

use super::{bind_plan, dml};
use crate::catalog::TableDef;
use crate::collation::Collation;
use crate::error::EngineError;
use crate::parse::Script;
use crate::plan::explain::{self, TradRow};
use crate::types::{SqlType, flags};
use crate::value::{Dec, Value};
use crate::{Column, Engine, Outcome, Session};

/// The output formats.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Traditional,
    Tree,
}

/// Runs `EXPLAIN [ANALYZE] [FORMAT=...] statement`.
pub(super) fn explain(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    analyze: bool,
    format: Option<&AnalyzeFormatKind>,
    statement: &Statement,
) -> Result<Outcome, EngineError> {
    if analyze {
        return Err(EngineError::not_supported("EXPLAIN ANALYZE"));
    }
    let format = match format {
        None => Format::Traditional,
        Some(AnalyzeFormatKind::Keyword(f) | AnalyzeFormatKind::Assignment(f)) => match f {
            AnalyzeFormat::TRADITIONAL => Format::Traditional,
            AnalyzeFormat::TREE => Format::Tree,
            AnalyzeFormat::JSON => return Err(EngineError::not_supported("EXPLAIN FORMAT=JSON")),
            other => {
                return Err(EngineError::new(
                    1791,
                    "HY000",
                    format!(
                        "Unknown EXPLAIN format name: '{}'",
                        other.to_string().to_ascii_lowercase()
                    ),
                ));
            }
        },
    };
    let state = engine.store.latest();
    let temp = session.temp.clone();
    let rows_of = |def: &TableDef| {
        if def.temporary {
            temp.table(&def.schema, &def.name)
        } else {
            state.table(&def.schema, &def.name)
        }
        .filter(|t| t.def.id == def.id)
        .map_or(0, |t| t.data.rows.len() as u64)
    };
    let (output, note) = match statement {
        Statement::Query(q) => {
            let (plan, _) = bind_plan(engine, session, Some(script), q)?;
            let output = match format {
                Format::Tree => Output::Tree(explain::tree(&plan, &rows_of)),
                Format::Traditional => Output::Table(explain::traditional(&plan, &rows_of)),
            };
            (output, format!("/* select#1 */ {q}"))
        }
        Statement::Update(_) | Statement::Delete(_) => {
            let Some((kind, scan, sorted)) = dml::explain_scan(engine, session, statement)? else {
                return Err(EngineError::not_supported(
                    "EXPLAIN of a multi-table UPDATE or DELETE",
                ));
            };
            let output = match format {
                Format::Tree => Output::Tree(explain::tree_dml(kind, &scan, sorted, &rows_of)),
                Format::Traditional => {
                    Output::Table(explain::traditional_dml(kind, &scan, sorted, &rows_of))
                }
            };
            (output, statement.to_string())
        }
        Statement::Insert(_) => {
            return Err(EngineError::not_supported("EXPLAIN of INSERT or REPLACE"));
        }
        _ => return Err(EngineError::not_supported("EXPLAIN of this statement")),
    };
    Ok(match output {
        Output::Tree(text) => Outcome::Rows {
            columns: vec![text_column("EXPLAIN", 65_535, false)],
            rows: vec![vec![Value::str(text)]],
        },
        Output::Table(rows) => {
            session.add_warning("Note", 1003, note);
            Outcome::Rows {
                columns: table_columns(),
                rows: rows.into_iter().map(table_row).collect(),
            }
        }
    })
}

enum Output {
    Tree(String),
    Table(Vec<TradRow>),
}

fn text_column(name: &str, chars: u32, nullable: bool) -> Column {
    column(
        name,
        SqlType::varchar(chars, Collation::Utf8mb4_0900_ai_ci),
        nullable,
    )
}

fn column(name: &str, ty: SqlType, nullable: bool) -> Column {
    let mut f = ty.type_flags();
    if nullable {
        f &= !flags::NOT_NULL;
    } else {
        f |= flags::NOT_NULL;
    }
    Column::from_type(
        name.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        &ty,
        f,
    )
}

/// The twelve columns of MySQL's traditional EXPLAIN.
fn table_columns() -> Vec<Column> {
    vec![
        column("id", SqlType::bigint(), true),
        text_column("select_type", 19, false),
        text_column("table", 64, true),
        text_column("partitions", 8192, true),
        text_column("type", 10, true),
        text_column("possible_keys", 4096, true),
        text_column("key", 64, true),
        text_column("key_len", 4096, true),
        text_column("ref", 1024, true),
        column("rows", SqlType::bigint(), true),
        column("filtered", SqlType::decimal(5, 2), true),
        text_column("Extra", 255, true),
    ]
}

fn table_row(r: TradRow) -> Vec<Value> {
    let text = |s: Option<String>| s.map_or(Value::Null, Value::str);
    let int = |n: Option<u64>| {
        n.map_or(Value::Null, |n| {
            Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
        })
    };
    let filtered = r
        .filtered
        .and_then(|f| Dec::parse(&format!("{f:.2}")))
        .map_or(Value::Null, Value::Decimal);
    vec![
        int(r.id),
        Value::str(r.select_type),
        text(r.table),
        Value::Null,
        text(r.access.map(str::to_string)),
        text(r.possible_keys),
        text(r.key),
        text(r.key_len),
        text(r.reference),
        int(r.rows),
        filtered,
        text((!r.extra.is_empty()).then(|| r.extra.join("; "))),
    ]
}
