//! Statements over tables: CREATE/DROP TABLE, INSERT, UPDATE, DELETE, SELECT, SHOW TABLES,
//! DESCRIBE. Each runs parse → bind → plan (optimize) → execute, inside the session's
//! transaction or an implicit one for autocommit.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-data-manipulation-statements.html>

use std::sync::Arc;

use sqlparser::ast::{self as ast, DataType, Statement};

use crate::bind::{Binder, name_parts};
use crate::catalog::{
    ColumnDef, ColumnDefault, IndexDef, IndexPart, TableCounters, TableDef, TableOptions,
};
use crate::collation::Collation;
use crate::error::EngineError;
use crate::execute::{self, Ctx, ReadMode};
use crate::parse::Script;
use crate::plan::{Access, Expr, LockMode, LockWait, Node, TableRef, optimize::optimize};
use crate::storage::{self, Isolation, Schema, Table, TableData, key};
use crate::types::{BaseType, SqlType};
use crate::value::{Dec, Value};
use crate::{Column, Engine, Outcome, Session};

/// True when a statement reads or writes tables (it then runs through the new pipeline).
pub(crate) fn uses_tables(stmt: &Statement) -> bool {
    match stmt {
        Statement::CreateTable(_)
        | Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::ShowTables { .. }
        | Statement::ExplainTable { .. }
        | Statement::Truncate(_) => true,
        Statement::Drop {
            object_type: ast::ObjectType::Table,
            ..
        } => true,
        Statement::Query(_) => {
            let mut found = false;
            let _ = ast::visit_relations(stmt, |r| {
                let n = name_parts(r);
                if !(n.len() == 1 && n[0].eq_ignore_ascii_case("dual")) {
                    found = true;
                }
                std::ops::ControlFlow::<()>::Continue(())
            });
            found
        }
        _ => false,
    }
}

/// Runs a statement that uses tables.
pub(crate) fn run(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    stmt: &Statement,
) -> Result<Outcome, EngineError> {
    match stmt {
        Statement::CreateTable(ct) => create_table(engine, session, ct),
        Statement::Drop {
            object_type: ast::ObjectType::Table,
            if_exists,
            names,
            ..
        } => drop_tables(engine, session, names, *if_exists),
        Statement::Truncate(t) => {
            let names: Vec<ast::ObjectName> =
                t.table_names.iter().map(|n| n.name.clone()).collect();
            truncate(engine, session, &names)
        }
        Statement::ShowTables { show_options, .. } => show_tables(engine, session, show_options),
        Statement::ExplainTable { table_name, .. } => describe(engine, session, table_name),
        Statement::Query(q) => select(engine, session, script, q),
        Statement::Insert(ins) => insert(engine, session, ins),
        Statement::Update(u) => update(engine, session, u),
        Statement::Delete(d) => delete(engine, session, d),
        _ => Err(EngineError::not_supported("this statement")),
    }
}

/// Runs `f` inside the session's transaction, or an implicit one committed (or rolled back)
/// at the end. A failing statement undoes only its own changes.
fn in_txn<T>(
    engine: &Engine,
    session: &mut Session,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let explicit = session.txn.is_some();
    let mut txn = match session.txn.take() {
        Some(t) => t,
        None => {
            let iso = Isolation::from_name(
                session
                    .vars
                    .get("transaction_isolation")
                    .map(String::as_str)
                    .unwrap_or(""),
            );
            engine.store.begin(iso, false)
        }
    };
    let saved = txn.changes.clone();
    let snapshot = match (&txn.snapshot, txn.isolation) {
        (Some(s), Isolation::RepeatableRead | Isolation::Serializable) => s.clone(),
        _ => {
            let s = engine.store.latest();
            if matches!(
                txn.isolation,
                Isolation::RepeatableRead | Isolation::Serializable
            ) && explicit
            {
                txn.snapshot = Some(s.clone());
            }
            s
        }
    };
    let result = {
        let mut cx = Ctx::new(engine, session, &mut txn, snapshot, &[], 64);
        f(&mut cx)
    };
    match &result {
        Ok(_) => {
            if explicit {
                session.txn = Some(txn);
            } else {
                engine.store.commit(txn);
            }
        }
        Err(e) => {
            if e.code == 1213 {
                // Deadlock: the whole transaction is rolled back.
                engine.store.rollback(txn);
                if explicit {
                    session.in_transaction = false;
                }
            } else if explicit {
                txn.changes = saved;
                session.txn = Some(txn);
            } else {
                engine.store.rollback(txn);
            }
        }
    }
    result
}

/// Commits DDL: ends an open transaction first (implicit commit, as MySQL).
fn implicit_commit(engine: &Engine, session: &mut Session) {
    if let Some(t) = session.txn.take() {
        engine.store.commit(t);
    }
    session.in_transaction = false;
}

fn bind_plan(
    engine: &Engine,
    session: &Session,
    script: Option<&Script<'_>>,
    q: &ast::Query,
) -> Result<(crate::plan::Plan, usize), EngineError> {
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    b.script = script.map(|s| unsafe_script(s));
    let (root, columns) = b.query_plan(q)?;
    let plan = crate::plan::Plan {
        root: optimize(root),
        columns,
        registers: b.registers,
        subqueries: b.subqueries,
        ctes: b.ctes,
    };
    Ok((plan, b.params))
}

// The binder borrows the script for select-item texts only while binding.
fn unsafe_script<'a>(s: &'a Script<'a>) -> &'a Script<'a> {
    s
}

/// Result-set columns of a plan.
pub(crate) fn columns_of(plan: &crate::plan::Plan) -> Vec<Column> {
    plan.columns
        .iter()
        .map(|c| {
            let (schema, table, org_table, org_name) = match &c.origin {
                Some(o) => (
                    o.schema.clone(),
                    o.table.clone(),
                    o.org_table.clone(),
                    o.org_name.clone(),
                ),
                None => Default::default(),
            };
            let mut flags = c.ty.type_flags() | c.flags;
            if !c.nullable {
                flags |= crate::types::flags::NOT_NULL;
            } else {
                flags &= !crate::types::flags::NOT_NULL;
            }
            Column::from_type(
                c.name.clone(),
                org_name,
                table,
                org_table,
                schema,
                &c.ty,
                flags,
            )
        })
        .collect()
}

fn select(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    q: &ast::Query,
) -> Result<Outcome, EngineError> {
    let (plan, _) = bind_plan(engine, session, Some(script), q)?;
    let columns = columns_of(&plan);
    let fsps: Vec<u8> = plan
        .columns
        .iter()
        .map(|c| if c.ty.is_temporal() { c.ty.scale } else { 0 })
        .collect();
    let registers = plan.registers;
    let rows = in_txn(engine, session, |cx| {
        cx.regs.resize(registers.max(16), Value::Null);
        let mut rows = Vec::new();
        execute::run_plan(&plan, cx, &mut |r| {
            rows.push(r);
            Ok(())
        })?;
        Ok(rows)
    })?;
    let _ = fsps;
    session.found_rows = rows.len() as u64;
    session.row_count = -1;
    Ok(Outcome::Rows { columns, rows })
}

fn ok(session: &Session, affected: u64, last_id: u64, info: String) -> Outcome {
    Outcome::Ok {
        affected_rows: affected,
        last_insert_id: last_id,
        warnings: session.warning_count(),
        info,
    }
}

// ---------------------------------------------------------------------------------------------
// DDL

fn column_type(dt: &DataType, table_collation: Collation) -> Result<SqlType, EngineError> {
    use DataType as D;
    let len = |l: &Option<u64>| l.map(|x| u32::try_from(x).unwrap_or(u32::MAX)).unwrap_or(0);
    let chars = |l: &Option<ast::CharacterLength>, default: u32| match l {
        Some(ast::CharacterLength::IntegerLength { length, .. }) => {
            u32::try_from(*length).unwrap_or(u32::MAX)
        }
        _ => default,
    };
    let mut t = match dt {
        D::TinyInt(l) => SqlType {
            length: len(l),
            ..SqlType::new(BaseType::TinyInt)
        },
        D::TinyIntUnsigned(l) => SqlType {
            length: len(l),
            unsigned: true,
            ..SqlType::new(BaseType::TinyInt)
        },
        D::Bool | D::Boolean => SqlType {
            length: 1,
            ..SqlType::new(BaseType::TinyInt)
        },
        D::SmallInt(l) | D::Int2(l) => SqlType {
            length: len(l),
            ..SqlType::new(BaseType::SmallInt)
        },
        D::SmallIntUnsigned(l) => SqlType {
            length: len(l),
            unsigned: true,
            ..SqlType::new(BaseType::SmallInt)
        },
        D::MediumInt(l) => SqlType {
            length: len(l),
            ..SqlType::new(BaseType::MediumInt)
        },
        D::MediumIntUnsigned(l) => SqlType {
            length: len(l),
            unsigned: true,
            ..SqlType::new(BaseType::MediumInt)
        },
        D::Int(l) | D::Integer(l) | D::Int4(l) => SqlType {
            length: len(l),
            ..SqlType::new(BaseType::Int)
        },
        D::IntUnsigned(l) | D::IntegerUnsigned(l) => SqlType {
            length: len(l),
            unsigned: true,
            ..SqlType::new(BaseType::Int)
        },
        D::UnsignedInteger => SqlType {
            unsigned: true,
            ..SqlType::new(BaseType::Int)
        },
        D::BigInt(l) | D::Int8(l) => SqlType {
            length: len(l),
            ..SqlType::new(BaseType::BigInt)
        },
        D::BigIntUnsigned(l) => SqlType {
            length: len(l),
            unsigned: true,
            ..SqlType::new(BaseType::BigInt)
        },
        D::Decimal(info)
        | D::Numeric(info)
        | D::Dec(info)
        | D::DecimalUnsigned(info)
        | D::DecUnsigned(info) => {
            let (m, d) = match info {
                ast::ExactNumberInfo::None => (10, 0),
                ast::ExactNumberInfo::Precision(m) => (*m as u32, 0),
                ast::ExactNumberInfo::PrecisionAndScale(m, d) => (*m as u32, *d as u8),
            };
            if m > 65 {
                return Err(EngineError::new(
                    1426,
                    "42000",
                    format!("Too-big precision {m} specified for ''. Maximum is 65."),
                ));
            }
            SqlType {
                unsigned: matches!(dt, D::DecimalUnsigned(_) | D::DecUnsigned(_)),
                ..SqlType::decimal(m, d)
            }
        }
        D::Float(_) | D::Real | D::Float4 => SqlType::new(BaseType::Float),
        D::Double(_) | D::DoublePrecision | D::Float8 | D::Float64 => {
            SqlType::new(BaseType::Double)
        }
        D::Char(l) | D::Character(l) => SqlType {
            length: chars(l, 1),
            collation: table_collation,
            ..SqlType::new(BaseType::Char)
        },
        D::Varchar(l) | D::CharacterVarying(l) | D::Nvarchar(l) => {
            let n = chars(l, 0);
            SqlType {
                length: n,
                collation: table_collation,
                ..SqlType::new(BaseType::VarChar)
            }
        }
        D::TinyText => SqlType {
            collation: table_collation,
            ..SqlType::new(BaseType::TinyText)
        },
        D::Text | D::String(_) => SqlType {
            collation: table_collation,
            ..SqlType::new(BaseType::Text)
        },
        D::MediumText => SqlType {
            collation: table_collation,
            ..SqlType::new(BaseType::MediumText)
        },
        D::LongText => SqlType {
            collation: table_collation,
            ..SqlType::new(BaseType::LongText)
        },
        D::Binary(l) => SqlType {
            length: len(l).max(1),
            ..SqlType::new(BaseType::Binary)
        },
        D::Varbinary(l) => SqlType {
            length: l
                .as_ref()
                .map(|x| match x {
                    ast::BinaryLength::IntegerLength { length } => {
                        u32::try_from(*length).unwrap_or(u32::MAX)
                    }
                    ast::BinaryLength::Max => 65535,
                })
                .unwrap_or(0),
            ..SqlType::new(BaseType::VarBinary)
        },
        D::TinyBlob => SqlType::new(BaseType::TinyBlob),
        D::Blob(_) | D::Bytea => SqlType::new(BaseType::Blob),
        D::MediumBlob => SqlType::new(BaseType::MediumBlob),
        D::LongBlob => SqlType::new(BaseType::LongBlob),
        D::Date => SqlType::new(BaseType::Date),
        D::Datetime(p) => SqlType {
            scale: p.map(|p| p.min(6) as u8).unwrap_or(0),
            ..SqlType::new(BaseType::DateTime)
        },
        D::Timestamp(p, _) => SqlType {
            scale: p.map(|p| p.min(6) as u8).unwrap_or(0),
            ..SqlType::new(BaseType::Timestamp)
        },
        D::Time(p, _) => SqlType {
            scale: p.map(|p| p.min(6) as u8).unwrap_or(0),
            ..SqlType::new(BaseType::Time)
        },
        D::Bit(l) => SqlType {
            length: len(l).max(1),
            ..SqlType::new(BaseType::Bit)
        },
        D::Enum(members, _) => {
            let els: Vec<String> = members
                .iter()
                .map(|m| match m {
                    ast::EnumMember::Name(n) => n.clone(),
                    ast::EnumMember::NamedValue(n, _) => n.clone(),
                })
                .collect();
            SqlType {
                elements: Some(els.into()),
                collation: table_collation,
                ..SqlType::new(BaseType::Enum)
            }
        }
        D::Set(members) => SqlType {
            elements: Some(members.clone().into()),
            collation: table_collation,
            ..SqlType::new(BaseType::Set)
        },
        D::JSON => SqlType::new(BaseType::Json),
        D::Custom(name, _) if name.to_string().eq_ignore_ascii_case("year") => {
            SqlType::new(BaseType::Year)
        }
        other => return Err(EngineError::not_supported(&format!("column type {other}"))),
    };
    if matches!(t.base, BaseType::VarChar)
        && t.length == 0
        && !matches!(
            dt,
            D::Varchar(Some(_)) | D::CharacterVarying(Some(_)) | D::Nvarchar(Some(_))
        )
    {
        return Err(EngineError::parse_error(&dt.to_string(), 1));
    }
    if t.is_text() && t.collation.is_binary() {
        t.collation = Collation::Utf8mb4_0900_ai_ci;
    }
    Ok(t)
}

fn index_parts(
    def_cols: &[ColumnDef],
    cols: &[ast::IndexColumn],
) -> Result<Vec<IndexPart>, EngineError> {
    let mut parts = Vec::new();
    for c in cols {
        let (name, prefix) = match &c.column.expr {
            ast::Expr::Identifier(i) => (i.value.clone(), None),
            ast::Expr::Function(f) => {
                let n = name_parts(&f.name).pop().unwrap_or_default();
                let p = match &f.args {
                    ast::FunctionArguments::List(l) => l.args.first().and_then(|a| match a {
                        ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(
                            ast::Expr::Value(v),
                        )) => v.value.to_string().parse::<u32>().ok(),
                        _ => None,
                    }),
                    _ => None,
                };
                (n, p)
            }
            other => return Err(EngineError::not_supported(&format!("index on {other}"))),
        };
        let pos = def_cols
            .iter()
            .position(|d| d.name.eq_ignore_ascii_case(&name))
            .ok_or_else(|| {
                EngineError::new(
                    1072,
                    "42000",
                    format!("Key column '{name}' doesn't exist in table"),
                )
            })?;
        parts.push(IndexPart {
            column: pos,
            prefix,
            desc: matches!(c.column.options.sort, Some(ast::OrderBySort::Desc)),
        });
    }
    Ok(parts)
}

fn default_value(e: &ast::Expr, ty: &SqlType, name: &str) -> Result<ColumnDefault, EngineError> {
    let text = e.to_string().to_ascii_uppercase();
    if text.starts_with("CURRENT_TIMESTAMP")
        || text.starts_with("NOW(")
        || text.starts_with("LOCALTIMESTAMP")
    {
        return Ok(ColumnDefault::CurrentTimestamp(ty.scale));
    }
    let v = match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Null => return Ok(ColumnDefault::Value(Value::Null)),
            ast::Value::Number(n, _) => crate::bind::number_literal(n).expr,
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                Expr::Const(Value::str(s.clone()))
            }
            ast::Value::Boolean(b) => Expr::Const(Value::Int(i64::from(*b))),
            _ => {
                return Err(EngineError::new(
                    1067,
                    "42000",
                    format!("Invalid default value for '{name}'"),
                ));
            }
        },
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => match &**expr {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::Number(n, _) => crate::bind::number_literal(&format!("-{n}")).expr,
                _ => {
                    return Err(EngineError::new(
                        1067,
                        "42000",
                        format!("Invalid default value for '{name}'"),
                    ));
                }
            },
            _ => {
                return Err(EngineError::new(
                    1067,
                    "42000",
                    format!("Invalid default value for '{name}'"),
                ));
            }
        },
        ast::Expr::Nested(_) => return Ok(ColumnDefault::Expr(e.to_string())),
        _ => {
            return Err(EngineError::new(
                1067,
                "42000",
                format!("Invalid default value for '{name}'"),
            ));
        }
    };
    let Expr::Const(v) = v else {
        return Err(EngineError::new(
            1067,
            "42000",
            format!("Invalid default value for '{name}'"),
        ));
    };
    let mut warnings = Vec::new();
    match convert(&v, ty, true, name, 1, &mut warnings) {
        Ok(c) => Ok(ColumnDefault::Value(c)),
        Err(_) => Err(EngineError::new(
            1067,
            "42000",
            format!("Invalid default value for '{name}'"),
        )),
    }
}

fn create_table(
    engine: &Engine,
    session: &mut Session,
    ct: &ast::CreateTable,
) -> Result<Outcome, EngineError> {
    implicit_commit(engine, session);
    let state = engine.store.latest();
    let (schema, name) = {
        let b = Binder::new(engine, session, &state);
        b.table_name(&ct.name)?
    };
    if !engine.database_exists(&schema) {
        return Err(EngineError::bad_db(&schema));
    }
    if name.is_empty() || name.chars().count() > 64 || name.ends_with(' ') {
        return Err(EngineError::new(
            1103,
            "42000",
            format!("Incorrect table name '{name}'"),
        ));
    }
    if crate::catalog::is_system_schema(&schema) {
        return Err(EngineError::new(
            1044,
            "42000",
            format!(
                "Access denied for user '{}'@'{}' to database '{}'",
                session.info.user, session.info.account_host, schema
            ),
        ));
    }
    if ct.query.is_some() || ct.like.is_some() {
        return Err(EngineError::not_supported(
            "CREATE TABLE ... AS SELECT / LIKE",
        ));
    }
    let table_collation = Collation::Utf8mb4_0900_ai_ci;
    let mut columns: Vec<ColumnDef> = Vec::new();
    let mut pk_cols: Vec<ast::IndexColumn> = Vec::new();
    let mut indexes: Vec<IndexDef> = Vec::new();
    let mut unique_cols: Vec<String> = Vec::new();
    for c in &ct.columns {
        if columns
            .iter()
            .any(|x| x.name.eq_ignore_ascii_case(&c.name.value))
        {
            return Err(EngineError::new(
                1060,
                "42S21",
                format!("Duplicate column name '{}'", c.name.value),
            ));
        }
        let mut ty = column_type(&c.data_type, table_collation)?;
        let mut col = ColumnDef {
            name: c.name.value.clone(),
            ty: ty.clone(),
            nullable: true,
            default: ColumnDefault::None,
            on_update_now: false,
            auto_increment: false,
            comment: String::new(),
        };
        let mut default_expr = None;
        for opt in &c.options {
            match &opt.option {
                ast::ColumnOption::Null => col.nullable = true,
                ast::ColumnOption::NotNull => col.nullable = false,
                ast::ColumnOption::Default(e) => default_expr = Some(e.clone()),
                ast::ColumnOption::PrimaryKey(_) => {
                    col.nullable = false;
                    pk_cols.push(ast::IndexColumn {
                        column: ast::OrderByExpr {
                            expr: ast::Expr::Identifier(c.name.clone()),
                            options: ast::OrderByOptions {
                                sort: None,
                                nulls_first: None,
                            },
                            with_fill: None,
                        },
                        operator_class: None,
                    });
                }
                ast::ColumnOption::Unique(_) => unique_cols.push(c.name.value.clone()),
                ast::ColumnOption::Comment(s) => col.comment = s.clone(),
                ast::ColumnOption::OnUpdate(_) => col.on_update_now = true,
                ast::ColumnOption::Collation(n) => {
                    let cn = name_parts(n).join(".");
                    ty.collation = Collation::from_name(&cn)
                        .ok_or_else(|| EngineError::unknown_collation(&cn))?;
                    col.ty = ty.clone();
                }
                ast::ColumnOption::CharacterSet(n) => {
                    let cs = name_parts(n).join(".");
                    ty.collation = Collation::default_for_charset(&cs)
                        .ok_or_else(|| EngineError::unknown_charset(&cs))?;
                    col.ty = ty.clone();
                }
                ast::ColumnOption::DialectSpecific(toks) => {
                    let t: String = toks
                        .iter()
                        .map(|t| t.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_ascii_uppercase();
                    if t.contains("AUTO_INCREMENT") {
                        col.auto_increment = true;
                    }
                    if t.contains("UNSIGNED") {
                        col.ty.unsigned = true;
                    }
                }
                _ => {}
            }
        }
        if let Some(e) = default_expr {
            col.default = default_value(&e, &col.ty, &col.name)?;
            if matches!(col.default, ColumnDefault::Value(Value::Null)) && !col.nullable {
                return Err(EngineError::new(
                    1067,
                    "42000",
                    format!("Invalid default value for '{}'", col.name),
                ));
            }
        }
        if col.auto_increment {
            col.nullable = false;
        }
        columns.push(col);
    }
    for con in &ct.constraints {
        match con {
            ast::TableConstraint::PrimaryKey(pk) => {
                if !pk_cols.is_empty() {
                    return Err(EngineError::new(
                        1068,
                        "42000",
                        "Multiple primary key defined",
                    ));
                }
                pk_cols = pk.columns.clone();
            }
            ast::TableConstraint::Unique(u) => {
                let parts = index_parts(&columns, &u.columns)?;
                let name = u
                    .name
                    .as_ref()
                    .map(|n| n.value.clone())
                    .or_else(|| u.index_name.as_ref().map(|n| n.value.clone()));
                let name = name.unwrap_or_else(|| columns[parts[0].column].name.clone());
                indexes.push(IndexDef {
                    name,
                    primary: false,
                    unique: true,
                    parts,
                    comment: String::new(),
                });
            }
            ast::TableConstraint::Index(i) => {
                let parts = index_parts(&columns, &i.columns)?;
                let name = i
                    .name
                    .as_ref()
                    .map(|n| n.value.clone())
                    .unwrap_or_else(|| columns[parts[0].column].name.clone());
                indexes.push(IndexDef {
                    name,
                    primary: false,
                    unique: false,
                    parts,
                    comment: String::new(),
                });
            }
            _ => {}
        }
    }
    for u in unique_cols {
        let parts = index_parts(
            &columns,
            &[ast::IndexColumn {
                column: ast::OrderByExpr {
                    expr: ast::Expr::Identifier(ast::Ident::new(u.clone())),
                    options: ast::OrderByOptions {
                        sort: None,
                        nulls_first: None,
                    },
                    with_fill: None,
                },
                operator_class: None,
            }],
        )?;
        indexes.push(IndexDef {
            name: u,
            primary: false,
            unique: true,
            parts,
            comment: String::new(),
        });
    }
    // Index names: unique per table (col, col_2, ...).
    let mut seen: Vec<String> = Vec::new();
    for i in indexes.iter_mut() {
        let base = i.name.clone();
        let mut n = 2;
        while seen.iter().any(|s| s.eq_ignore_ascii_case(&i.name)) {
            i.name = format!("{base}_{n}");
            n += 1;
        }
        seen.push(i.name.clone());
    }
    if !pk_cols.is_empty() {
        let parts = index_parts(&columns, &pk_cols)?;
        for p in &parts {
            columns[p.column].nullable = false;
        }
        indexes.insert(
            0,
            IndexDef {
                name: "PRIMARY".into(),
                primary: true,
                unique: true,
                parts,
                comment: String::new(),
            },
        );
    }
    let autos = columns.iter().filter(|c| c.auto_increment).count();
    if autos > 1
        || (autos == 1
            && !indexes.iter().any(|i| {
                i.parts
                    .first()
                    .is_some_and(|p| columns[p.column].auto_increment)
            }))
    {
        return Err(EngineError::new(
            1075,
            "42000",
            "Incorrect table definition; there can be only one auto column and it must be defined as a key",
        ));
    }
    let counters = Arc::new(TableCounters::default());
    counters
        .auto_increment
        .store(1, std::sync::atomic::Ordering::Relaxed);
    counters
        .row_id
        .store(1, std::sync::atomic::Ordering::Relaxed);
    let def = Arc::new(TableDef {
        id: crate::catalog::new_table_id(),
        schema: schema.clone(),
        name: name.clone(),
        columns,
        indexes,
        options: TableOptions {
            engine: "InnoDB".into(),
            collation: table_collation,
            comment: String::new(),
        },
        counters,
        created: crate::temporal_now_secs(),
    });
    let if_not_exists = ct.if_not_exists;
    let created = engine.store.ddl(|st| {
        let sch = st.schemas.entry(schema.clone()).or_insert_with(|| Schema {
            def: Arc::new(crate::catalog::SchemaDef {
                name: schema.clone(),
                collation: Collation::Utf8mb4_0900_ai_ci,
            }),
            tables: imbl::OrdMap::new(),
        });
        if sch.tables.contains_key(&name) {
            if if_not_exists {
                return Ok(false);
            }
            return Err(EngineError::new(
                1050,
                "42S01",
                format!("Table '{name}' already exists"),
            ));
        }
        let data = TableData::empty(&def);
        sch.tables.insert(
            name.clone(),
            Table {
                def: def.clone(),
                data,
            },
        );
        Ok(true)
    })?;
    if !created {
        session.add_warning("Note", 1050, format!("Table '{}' already exists", ct.name));
    }
    Ok(ok(session, 0, 0, String::new()))
}

fn drop_tables(
    engine: &Engine,
    session: &mut Session,
    names: &[ast::ObjectName],
    if_exists: bool,
) -> Result<Outcome, EngineError> {
    implicit_commit(engine, session);
    let state = engine.store.latest();
    let mut targets = Vec::new();
    {
        let b = Binder::new(engine, session, &state);
        for n in names {
            targets.push(b.table_name(n)?);
        }
    }
    let mut missing = Vec::new();
    for (s, t) in &targets {
        if state.table(s, t).is_none() {
            missing.push(format!("{s}.{t}"));
        }
    }
    if !missing.is_empty() && !if_exists {
        return Err(EngineError::new(
            1051,
            "42S02",
            format!("Unknown table '{}'", missing.join(",")),
        ));
    }
    engine.store.ddl(|st| {
        for (s, t) in &targets {
            if let Some(sch) = st.schemas.get_mut(s) {
                sch.tables.remove(t);
            }
        }
        Ok(())
    })?;
    for m in missing {
        session.add_warning("Note", 1051, format!("Unknown table '{m}'"));
    }
    Ok(ok(session, 0, 0, String::new()))
}

fn truncate(
    engine: &Engine,
    session: &mut Session,
    names: &[ast::ObjectName],
) -> Result<Outcome, EngineError> {
    implicit_commit(engine, session);
    let state = engine.store.latest();
    let mut targets = Vec::new();
    {
        let b = Binder::new(engine, session, &state);
        for n in names {
            let (s, t) = b.table_name(n)?;
            b.table_def(&s, &t)?;
            targets.push((s, t));
        }
    }
    engine.store.ddl(|st| {
        for (s, t) in &targets {
            if let Some(tb) = st.schemas.get_mut(s).and_then(|x| x.tables.get_mut(t)) {
                tb.data = TableData::empty(&tb.def);
                tb.def
                    .counters
                    .auto_increment
                    .store(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        Ok(())
    })?;
    Ok(ok(session, 0, 0, String::new()))
}

fn show_tables(
    engine: &Engine,
    session: &mut Session,
    opts: &ast::ShowStatementOptions,
) -> Result<Outcome, EngineError> {
    let db = match &opts.show_in {
        Some(si) => si
            .parent_name
            .as_ref()
            .map(|n| name_parts(n).join("."))
            .ok_or_else(EngineError::no_db)?,
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    if !engine.database_exists(&db) {
        return Err(EngineError::bad_db(&db));
    }
    let pattern = match &opts.filter_position {
        Some(ast::ShowStatementFilterPosition::Suffix(ast::ShowStatementFilter::Like(p)))
        | Some(ast::ShowStatementFilterPosition::Infix(ast::ShowStatementFilter::Like(p))) => {
            Some(p.clone())
        }
        _ => None,
    };
    let state = engine.store.latest();
    let mut rows = Vec::new();
    if let Some(s) = state.schemas.get(&db) {
        for name in s.tables.keys() {
            if let Some(p) = &pattern
                && !Collation::Utf8mb4_0900_ai_ci.like(name.as_bytes(), p.as_bytes(), Some('\\'))
            {
                continue;
            }
            rows.push(vec![Value::str(name.clone())]);
        }
    }
    let title = match &pattern {
        Some(p) => format!("Tables_in_{db} ({p})"),
        None => format!("Tables_in_{db}"),
    };
    let col = Column::from_type(
        title,
        "TABLE_NAME".into(),
        "TABLES".into(),
        "TABLES".into(),
        "information_schema".into(),
        &SqlType::varchar(64, Collation::Utf8mb4_0900_ai_ci),
        crate::types::flags::NOT_NULL,
    );
    Ok(Outcome::Rows {
        columns: vec![col],
        rows,
    })
}

fn describe(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
) -> Result<Outcome, EngineError> {
    let state = engine.store.latest();
    let def = {
        let b = Binder::new(engine, session, &state);
        let (s, t) = b.table_name(name)?;
        b.table_def(&s, &t)?
    };
    let vc = |n: &str, len: u32| {
        Column::from_type(
            n.into(),
            n.into(),
            "COLUMNS".into(),
            "COLUMNS".into(),
            "information_schema".into(),
            &SqlType::varchar(len, Collation::Utf8mb4_0900_ai_ci),
            0,
        )
    };
    let columns = vec![
        vc("Field", 64),
        vc("Type", 1024),
        vc("Null", 3),
        vc("Key", 3),
        vc("Default", 1024),
        vc("Extra", 256),
    ];
    let mut rows = Vec::new();
    for (i, c) in def.columns.iter().enumerate() {
        let key = if def.primary().is_some_and(|p| p.has_column(i)) {
            "PRI"
        } else if def
            .indexes
            .iter()
            .any(|x| x.unique && x.parts.len() == 1 && x.parts[0].column == i)
        {
            "UNI"
        } else if def
            .indexes
            .iter()
            .any(|x| x.parts.first().is_some_and(|p| p.column == i))
        {
            "MUL"
        } else {
            ""
        };
        let default = match &c.default {
            ColumnDefault::None => Value::Null,
            ColumnDefault::Value(v) => match v.to_text_fsp(c.ty.scale) {
                Some(t) => Value::Bytes(t),
                None => Value::Null,
            },
            ColumnDefault::CurrentTimestamp(_) => Value::str("CURRENT_TIMESTAMP"),
            ColumnDefault::Expr(e) => Value::str(e.clone()),
        };
        let mut extra = Vec::new();
        if c.auto_increment {
            extra.push("auto_increment".to_string());
        }
        if matches!(c.default, ColumnDefault::CurrentTimestamp(_)) {
            extra.push("DEFAULT_GENERATED".to_string());
        }
        if c.on_update_now {
            extra.push("on update CURRENT_TIMESTAMP".to_string());
        }
        rows.push(vec![
            Value::str(c.name.clone()),
            Value::str(c.ty.sql()),
            Value::str(if c.nullable { "YES" } else { "NO" }),
            Value::str(key),
            default,
            Value::str(extra.join(" ")),
        ]);
    }
    Ok(Outcome::Rows { columns, rows })
}

// ---------------------------------------------------------------------------------------------
// Values into columns

/// Converts a value to a column's type with MySQL's storage rules. Strict mode turns range and
/// length problems into errors; otherwise the value is clipped and a warning recorded.
pub(crate) fn convert(
    v: &Value,
    ty: &SqlType,
    strict: bool,
    col: &str,
    row: u64,
    warnings: &mut Vec<(u16, String)>,
) -> Result<Value, EngineError> {
    use crate::types::ResultKind as K;
    if v.is_null() {
        return Ok(Value::Null);
    }
    let out_of_range = |warnings: &mut Vec<(u16, String)>| -> Result<(), EngineError> {
        let msg = format!("Out of range value for column '{col}' at row {row}");
        if strict {
            Err(EngineError::new(1264, "22003", msg))
        } else {
            warnings.push((1264, msg));
            Ok(())
        }
    };
    let bad_value = |kind: &str, warnings: &mut Vec<(u16, String)>| -> Result<(), EngineError> {
        let msg = format!(
            "Incorrect {kind} value: '{}' for column '{col}' at row {row}",
            v.to_string_lossy().unwrap_or_default()
        );
        if strict {
            Err(EngineError::new(1366, "HY000", msg))
        } else {
            warnings.push((1366, msg));
            Ok(())
        }
    };
    Ok(match ty.result_kind() {
        K::Int if ty.base == BaseType::Bit => Value::UInt(match v {
            Value::Bytes(b) => b.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x)),
            other => other.to_i64().unwrap_or(0) as u64,
        }),
        K::Int => {
            let (lo, hi): (i128, i128) = match (ty.base, ty.unsigned) {
                (BaseType::TinyInt, false) => (-128, 127),
                (BaseType::TinyInt, true) => (0, 255),
                (BaseType::SmallInt, false) => (-32768, 32767),
                (BaseType::SmallInt, true) => (0, 65535),
                (BaseType::MediumInt, false) => (-8_388_608, 8_388_607),
                (BaseType::MediumInt, true) => (0, 16_777_215),
                (BaseType::Int, false) => (i128::from(i32::MIN), i128::from(i32::MAX)),
                (BaseType::Int, true) => (0, i128::from(u32::MAX)),
                (BaseType::Year, _) => (0, 2155),
                (_, false) => (i128::from(i64::MIN), i128::from(i64::MAX)),
                (_, true) => (0, i128::from(u64::MAX)),
            };
            let n: i128 = match v {
                Value::Int(i) => i128::from(*i),
                Value::UInt(u) => i128::from(*u),
                Value::Bytes(b) => {
                    let s = String::from_utf8_lossy(b);
                    let t = s.trim();
                    match Dec::parse(t) {
                        Some(d) => d.round(0).trunc_int(),
                        None => {
                            bad_value("integer", warnings)?;
                            crate::value::parse_i64_prefix(b).into()
                        }
                    }
                }
                Value::Double(d) => {
                    let r = d.round();
                    if r >= 1.8e19 {
                        i128::from(u64::MAX) + 1
                    } else if r <= -9.3e18 {
                        i128::from(i64::MIN) - 1
                    } else {
                        r as i128
                    }
                }
                other => other.to_dec().map(|d| d.round(0).trunc_int()).unwrap_or(0),
            };
            let clipped = n.clamp(lo, hi);
            if clipped != n {
                out_of_range(warnings)?;
            }
            if ty.unsigned || ty.base == BaseType::Year {
                Value::UInt(u64::try_from(clipped).unwrap_or(0))
            } else {
                Value::Int(i64::try_from(clipped).unwrap_or(0))
            }
        }
        K::Decimal => {
            let d = match v {
                Value::Bytes(b) => match Dec::parse(String::from_utf8_lossy(b).trim()) {
                    Some(d) => d,
                    None => {
                        bad_value("decimal", warnings)?;
                        v.to_dec().unwrap_or(Dec::ZERO)
                    }
                },
                other => other.to_dec().unwrap_or(Dec::ZERO),
            };
            let scale = u32::from(ty.scale);
            let r = d.round(scale).rescale(scale).unwrap_or(Dec::ZERO);
            let int_digits = ty.length.saturating_sub(scale);
            let limit = 10i128.checked_pow(int_digits + scale).unwrap_or(i128::MAX);
            if r.mant.abs() >= limit || (ty.unsigned && r.mant < 0) {
                out_of_range(warnings)?;
                let m = if r.mant < 0 && !ty.unsigned {
                    -(limit - 1)
                } else if r.mant < 0 {
                    0
                } else {
                    limit - 1
                };
                Value::Decimal(Dec { mant: m, scale })
            } else {
                Value::Decimal(r)
            }
        }
        K::Real => {
            let f = match v {
                Value::Bytes(b) => {
                    let s = String::from_utf8_lossy(b);
                    match s.trim().parse::<f64>() {
                        Ok(f) => f,
                        Err(_) => {
                            bad_value("double", warnings)?;
                            crate::value::parse_f64_prefix(b)
                        }
                    }
                }
                other => other.to_f64().unwrap_or(0.0),
            };
            let f = if ty.base == BaseType::Float {
                f as f32 as f64
            } else {
                f
            };
            Value::Double(f)
        }
        K::Temporal => match (ty.base, v) {
            (BaseType::Date, Value::Date(_)) => v.clone(),
            (BaseType::Date, Value::DateTime(d)) => Value::Date(d.date),
            (BaseType::DateTime | BaseType::Timestamp, Value::DateTime(_)) => v.clone(),
            (BaseType::DateTime | BaseType::Timestamp, Value::Date(d)) => {
                Value::DateTime(crate::temporal::DateTime::from_date(*d))
            }
            (BaseType::Time, Value::Time(_)) => v.clone(),
            (BaseType::Time, other) => {
                match crate::temporal::parse_time_loose(&other.to_text().unwrap_or_default()) {
                    Some(t) => Value::Time(t),
                    None => {
                        let msg = format!(
                            "Incorrect time value: '{}' for column '{col}' at row {row}",
                            other.to_string_lossy().unwrap_or_default()
                        );
                        if strict {
                            return Err(EngineError::new(1292, "22007", msg));
                        }
                        warnings.push((1292, msg));
                        Value::Time(crate::temporal::Time::default())
                    }
                }
            }
            (_, other) => {
                match crate::temporal::parse_datetime_loose(&other.to_text().unwrap_or_default()) {
                    Some(dt) => {
                        if ty.base == BaseType::Date {
                            Value::Date(dt.date)
                        } else {
                            Value::DateTime(dt)
                        }
                    }
                    None => {
                        let kind = if ty.base == BaseType::Date {
                            "date"
                        } else {
                            "datetime"
                        };
                        let msg = format!(
                            "Incorrect {kind} value: '{}' for column '{col}' at row {row}",
                            other.to_string_lossy().unwrap_or_default()
                        );
                        if strict {
                            return Err(EngineError::new(1292, "22007", msg));
                        }
                        warnings.push((
                            1265,
                            format!("Data truncated for column '{col}' at row {row}"),
                        ));
                        if ty.base == BaseType::Date {
                            Value::Date(Default::default())
                        } else {
                            Value::DateTime(Default::default())
                        }
                    }
                }
            }
        },
        K::String => {
            let mut b = match v {
                Value::Double(d) => crate::value::format_double(*d).into_bytes(),
                other => other.to_text().unwrap_or_default(),
            };
            if matches!(ty.base, BaseType::Enum | BaseType::Set) {
                let n = key::member_number(&Value::Bytes(b.clone()), ty);
                if n == 0 && !(ty.base == BaseType::Set && b.is_empty()) {
                    let msg = format!("Data truncated for column '{col}' at row {row}");
                    if strict {
                        return Err(EngineError::new(1265, "01000", msg));
                    }
                    warnings.push((1265, msg));
                    return Ok(Value::str(""));
                }
                if ty.base == BaseType::Enum {
                    let els = ty.elements.as_deref().unwrap_or(&[]);
                    return Ok(Value::str(
                        els.get(n as usize - 1).cloned().unwrap_or_default(),
                    ));
                }
                return Ok(Value::Bytes(b));
            }
            let max = ty.max_chars();
            let too_long =
                if ty.is_binary_string() || ty.collation.is_binary() || ty.max_bytes().is_some() {
                    let lim = ty.max_bytes().unwrap_or(max);
                    (b.len() as u64 > lim).then_some(lim as usize)
                } else {
                    let s = String::from_utf8_lossy(&b);
                    let n = s.chars().count() as u64;
                    (n > max).then(|| {
                        s.char_indices()
                            .nth(max as usize)
                            .map(|(i, _)| i)
                            .unwrap_or(b.len())
                    })
                };
            if let Some(cut) = too_long {
                let msg = format!("Data too long for column '{col}' at row {row}");
                if strict {
                    return Err(EngineError::new(1406, "22001", msg));
                }
                warnings.push((
                    1265,
                    format!("Data truncated for column '{col}' at row {row}"),
                ));
                b.truncate(cut);
            }
            if ty.base == BaseType::Binary {
                b.resize(ty.length as usize, 0);
            }
            if ty.base == BaseType::Char {
                while b.last() == Some(&b' ') {
                    b.pop();
                }
            }
            Value::Bytes(b)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// DML

fn target(
    engine: &Engine,
    session: &Session,
    name: &ast::ObjectName,
) -> Result<Arc<TableDef>, EngineError> {
    let state = engine.store.latest();
    let b = Binder::new(engine, session, &state);
    let (s, t) = b.table_name(name)?;
    b.table_def(&s, &t)
}

/// Duplicate-key error for a unique index.
fn duplicate(def: &TableDef, idx: usize, row: &[Value]) -> EngineError {
    let index = &def.indexes[idx];
    let vals: Vec<String> = index
        .parts
        .iter()
        .map(|p| {
            row.get(p.column)
                .and_then(|v| v.to_string_lossy())
                .unwrap_or_else(|| "NULL".into())
        })
        .collect();
    EngineError::new(
        1062,
        "23000",
        format!(
            "Duplicate entry '{}' for key '{}.{}'",
            vals.join("-"),
            def.name,
            index.name
        ),
    )
}

/// Finds a row (other than `own_pk`) that conflicts with `row` on a unique index, in the latest
/// state plus own changes, after locking the unique values. Returns (index, conflicting pk).
fn find_conflict(
    cx: &mut Ctx<'_>,
    def: &Arc<TableDef>,
    row: &[Value],
    pk: &key::Key,
    own_pk: Option<&key::Key>,
) -> Result<Option<(usize, key::Key)>, EngineError> {
    let has_pk = def.primary().is_some();
    if has_pk {
        execute::ops_lock_row(cx, def.id, pk, true)?;
    }
    let view = cx
        .view(def, ReadMode::Latest)
        .ok_or_else(|| EngineError::no_such_table(&def.schema, &def.name))?;
    if has_pk && own_pk != Some(pk) && view.get(pk).is_some() {
        return Ok(Some((0, pk.clone())));
    }
    for (i, index) in def.indexes.iter().enumerate() {
        if index.primary || !index.unique || storage::index_has_null(def, i, row) {
            continue;
        }
        let prefix = storage::index_prefix(def, i, row);
        let mut lk = vec![u8::try_from(i + 1).unwrap_or(255)];
        lk.extend_from_slice(&prefix);
        execute::ops_lock_row(cx, def.id, &key::key(&lk), true)?;
        let hi = match key::prefix_successor(&prefix) {
            Some(s) => std::ops::Bound::Excluded(key::key(&s)),
            None => std::ops::Bound::Unbounded,
        };
        let lo = std::ops::Bound::Included(key::key(&prefix));
        for (_, other) in view.index_batch(i, &lo, &hi, false, None, 4) {
            if Some(&other) != own_pk {
                return Ok(Some((i, other)));
            }
        }
    }
    Ok(None)
}

fn insert(
    engine: &Engine,
    session: &mut Session,
    ins: &ast::Insert,
) -> Result<Outcome, EngineError> {
    let name = match &ins.table {
        ast::TableObject::TableName(n) => n.clone(),
        _ => return Err(EngineError::not_supported("INSERT into a table function")),
    };
    let def = target(engine, session, &name)?;
    if ins.on.is_some() {
        return Err(EngineError::not_supported(
            "INSERT ... ON DUPLICATE KEY UPDATE",
        ));
    }
    let ignore = ins.ignore;
    let replace = ins.replace_into;
    // Target columns.
    let positions: Vec<usize> = if ins.columns.is_empty() {
        (0..def.columns.len()).collect()
    } else {
        let mut v = Vec::new();
        for c in &ins.columns {
            let cname = name_parts(c).pop().unwrap_or_default();
            let p = def
                .column_index(&cname)
                .ok_or_else(|| EngineError::bad_field(&cname, "field list"))?;
            if v.contains(&p) {
                return Err(EngineError::new(
                    1110,
                    "42000",
                    format!("Column '{cname}' specified twice"),
                ));
            }
            v.push(p);
        }
        v
    };
    let Some(source) = &ins.source else {
        return Err(EngineError::not_supported("INSERT without VALUES"));
    };
    // Source rows: VALUES bound without a scope, or a SELECT plan.
    let state = engine.store.latest();
    let mut value_rows: Option<Vec<Vec<Option<Expr>>>> = None;
    let mut select_plan = None;
    {
        let mut b = Binder::new(engine, session, &state);
        match &*source.body {
            ast::SetExpr::Values(vals) => {
                let mut rows = Vec::new();
                for r in vals.rows.iter().map(|p| &p.content) {
                    if r.len() != positions.len() {
                        return Err(EngineError::new(
                            1136,
                            "21S01",
                            format!(
                                "Column count doesn't match value count at row {}",
                                rows.len() + 1
                            ),
                        ));
                    }
                    let mut out = Vec::new();
                    for e in r {
                        if matches!(e, ast::Expr::Identifier(i) if i.value.eq_ignore_ascii_case("DEFAULT") && i.quote_style.is_none())
                        {
                            out.push(None);
                        } else {
                            out.push(Some(b.expr(e)?.expr));
                        }
                    }
                    rows.push(out);
                }
                value_rows = Some(rows);
            }
            _ => {
                let (root, cols) = b.query_plan(source)?;
                if cols.len() != positions.len() {
                    return Err(EngineError::new(
                        1136,
                        "21S01",
                        "Column count doesn't match value count at row 1",
                    ));
                }
                select_plan = Some(crate::plan::Plan {
                    root: optimize(root),
                    columns: cols,
                    registers: b.registers,
                    subqueries: b.subqueries,
                    ctes: 0,
                });
            }
        }
    }
    let strict = session.strict() && !ignore;
    let (affected, last_id, info) = in_txn(engine, session, |cx| {
        let sources: Vec<Vec<Option<Value>>> = match (&value_rows, &select_plan) {
            (Some(rows), _) => {
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    let mut vals = Vec::with_capacity(r.len());
                    for e in r {
                        vals.push(match e {
                            Some(e) => Some(execute::eval(e, &[], cx)?),
                            None => None,
                        });
                    }
                    out.push(vals);
                }
                out
            }
            (None, Some(plan)) => {
                let mut out = Vec::new();
                execute::run_plan(plan, cx, &mut |r| {
                    out.push(r.into_iter().map(Some).collect());
                    Ok(())
                })?;
                out
            }
            _ => Vec::new(),
        };
        let mut affected = 0u64;
        let mut first_auto = 0u64;
        let mut dups = 0u64;
        let mut warnings = Vec::new();
        let auto_col = def.auto_increment_column();
        for (rn, src) in sources.into_iter().enumerate() {
            let rown = rn as u64 + 1;
            let mut row = vec![Value::Null; def.columns.len()];
            let mut given = vec![false; def.columns.len()];
            for (p, v) in positions.iter().zip(src) {
                if let Some(v) = v {
                    row[*p] = v;
                    given[*p] = true;
                }
            }
            for (i, c) in def.columns.iter().enumerate() {
                if given[i] {
                    if row[i].is_null() && !c.nullable && !c.auto_increment {
                        let msg = format!("Column '{}' cannot be null", c.name);
                        if strict || value_rows.as_ref().is_some_and(|r| r.len() == 1) {
                            return Err(EngineError::new(1048, "23000", msg));
                        }
                        warnings.push((1048, msg));
                        row[i] = implicit_default(&c.ty);
                        continue;
                    }
                    row[i] = convert(&row[i], &c.ty, strict, &c.name, rown, &mut warnings)?;
                    continue;
                }
                row[i] = match &c.default {
                    ColumnDefault::Value(v) => v.clone(),
                    ColumnDefault::CurrentTimestamp(_) => Value::DateTime(cx.now),
                    ColumnDefault::Expr(_) => Value::Null,
                    ColumnDefault::None if c.nullable || c.auto_increment => Value::Null,
                    ColumnDefault::None => {
                        let msg = format!("Field '{}' doesn't have a default value", c.name);
                        if strict {
                            return Err(EngineError::new(1364, "HY000", msg));
                        }
                        warnings.push((1364, msg));
                        implicit_default(&c.ty)
                    }
                };
            }
            if let Some(a) = auto_col {
                let v = row[a].to_i64().unwrap_or(0);
                if row[a].is_null() || v == 0 {
                    let next = def
                        .counters
                        .auto_increment
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    row[a] = convert(
                        &Value::UInt(next),
                        &def.columns[a].ty,
                        true,
                        &def.columns[a].name,
                        rown,
                        &mut warnings,
                    )?;
                    if first_auto == 0 {
                        first_auto = next;
                    }
                } else if v > 0 {
                    let v = v as u64;
                    let _ = def
                        .counters
                        .auto_increment
                        .fetch_max(v + 1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            let pk = match storage::primary_key(&def, &row) {
                Some(k) => k,
                None => key::row_id_key(
                    def.counters
                        .row_id
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                ),
            };
            loop {
                match find_conflict(cx, &def, &row, &pk, None)? {
                    None => break,
                    Some((idx, other)) => {
                        if replace {
                            cx.txn.put(&def, &other, None);
                            affected += 1;
                            continue;
                        }
                        if ignore {
                            let e = duplicate(&def, idx, &row);
                            warnings.push((1062, e.message));
                            dups += 1;
                            break;
                        }
                        return Err(duplicate(&def, idx, &row));
                    }
                }
            }
            if ignore && dups > 0 && find_conflict(cx, &def, &row, &pk, None)?.is_some() {
                continue;
            }
            cx.txn.put(&def, &pk, Some(row.into()));
            affected += 1;
        }
        for (code, msg) in warnings {
            cx.session.add_warning("Warning", code, msg);
        }
        let n = positions.len().max(1);
        let _ = n;
        let rows_n = match (&value_rows, affected) {
            (Some(r), _) => r.len() as u64,
            (None, a) => a,
        };
        let info = if rows_n > 1 || select_plan.is_some() {
            format!(
                "Records: {rows_n}  Duplicates: {dups}  Warnings: {}",
                cx.session.warning_count()
            )
        } else {
            String::new()
        };
        Ok((affected, first_auto, info))
    })?;
    if last_id != 0 {
        session.last_insert_id = last_id;
    }
    session.row_count = affected as i64;
    Ok(ok(session, affected, last_id, info))
}

fn implicit_default(ty: &SqlType) -> Value {
    use crate::types::ResultKind as K;
    match ty.result_kind() {
        K::Int => {
            if ty.unsigned {
                Value::UInt(0)
            } else {
                Value::Int(0)
            }
        }
        K::Decimal => Value::Decimal(Dec {
            mant: 0,
            scale: u32::from(ty.scale),
        }),
        K::Real => Value::Double(0.0),
        K::String => Value::str(""),
        K::Temporal => match ty.base {
            BaseType::Date => Value::Date(Default::default()),
            BaseType::Time => Value::Time(Default::default()),
            _ => Value::DateTime(Default::default()),
        },
    }
}

/// The rows of `def` matching WHERE, locked for update, with their primary keys.
fn matching_rows(
    engine: &Engine,
    session: &Session,
    def: &Arc<TableDef>,
    alias: Option<&str>,
    selection: Option<&ast::Expr>,
) -> Result<(Node, usize), EngineError> {
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let alias = alias
        .map(str::to_string)
        .unwrap_or_else(|| def.name.clone());
    let mut scope = crate::bind::Scope::default();
    for c in &def.columns {
        scope.cols.push(crate::bind::ScopeCol {
            table: Some(alias.clone()),
            schema: def.schema.clone(),
            name: c.name.clone(),
            ty: c.ty.clone(),
            nullable: c.nullable,
            origin: None,
            flags: 0,
            merged: false,
            table_no: 0,
        });
    }
    scope.tables.push(def.clone());
    b.set_scope(scope);
    let filter = match selection {
        Some(w) => Some(b.condition(w, "where clause")?),
        None => None,
    };
    let node = optimize(Node::Scan {
        table: TableRef {
            def: def.clone(),
            alias,
        },
        access: Access::Full,
        reverse: false,
        filter,
        lock: LockMode::Update,
        wait: LockWait::Wait,
    });
    Ok((node, b.registers))
}

fn assignments(
    engine: &Engine,
    session: &Session,
    def: &Arc<TableDef>,
    alias: Option<&str>,
    sets: &[ast::Assignment],
) -> Result<Vec<(usize, Expr)>, EngineError> {
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let alias = alias
        .map(str::to_string)
        .unwrap_or_else(|| def.name.clone());
    let mut scope = crate::bind::Scope::default();
    for c in &def.columns {
        scope.cols.push(crate::bind::ScopeCol {
            table: Some(alias.clone()),
            schema: def.schema.clone(),
            name: c.name.clone(),
            ty: c.ty.clone(),
            nullable: c.nullable,
            origin: None,
            flags: 0,
            merged: false,
            table_no: 0,
        });
    }
    b.set_scope(scope);
    let mut out = Vec::new();
    for a in sets {
        let col = match &a.target {
            ast::AssignmentTarget::ColumnName(n) => name_parts(n).pop().unwrap_or_default(),
            ast::AssignmentTarget::Tuple(_) => {
                return Err(EngineError::not_supported("tuple assignment"));
            }
        };
        let p = def
            .column_index(&col)
            .ok_or_else(|| EngineError::bad_field(&col, "field list"))?;
        b.clause = "field list";
        let e = match &a.value {
            ast::Expr::Identifier(i)
                if i.value.eq_ignore_ascii_case("DEFAULT") && i.quote_style.is_none() =>
            {
                Expr::Const(match &def.columns[p].default {
                    ColumnDefault::Value(v) => v.clone(),
                    _ => Value::Null,
                })
            }
            other => b.expr(other)?.expr,
        };
        out.push((p, e));
    }
    Ok(out)
}

fn single_table(
    from: &ast::TableWithJoins,
) -> Result<(ast::ObjectName, Option<String>), EngineError> {
    if !from.joins.is_empty() {
        return Err(EngineError::not_supported("multi-table UPDATE/DELETE"));
    }
    match &from.relation {
        ast::TableFactor::Table { name, alias, .. } => {
            Ok((name.clone(), alias.as_ref().map(|a| a.name.value.clone())))
        }
        _ => Err(EngineError::not_supported("this UPDATE/DELETE target")),
    }
}

fn limit_of(
    engine: &Engine,
    session: &mut Session,
    l: Option<&ast::Expr>,
) -> Result<Option<u64>, EngineError> {
    match l {
        None => Ok(None),
        Some(ast::Expr::Value(v)) => match &v.value {
            ast::Value::Number(n, _) => Ok(n.parse().ok()),
            _ => Err(EngineError::parse_error(&v.to_string(), 1)),
        },
        Some(other) => {
            let _ = (engine, session);
            Err(EngineError::parse_error(&other.to_string(), 1))
        }
    }
}

fn update(engine: &Engine, session: &mut Session, u: &ast::Update) -> Result<Outcome, EngineError> {
    let (name, alias) = single_table(&u.table)?;
    let def = target(engine, session, &name)?;
    let (scan, regs) = matching_rows(
        engine,
        session,
        &def,
        alias.as_deref(),
        u.selection.as_ref(),
    )?;
    let sets = assignments(engine, session, &def, alias.as_deref(), &u.assignments)?;
    let limit = limit_of(engine, session, u.limit.as_ref())?;
    let strict = session.strict();
    let (matched, changed) = in_txn(engine, session, |cx| {
        cx.regs.resize(regs.max(16), Value::Null);
        let rows = execute::scan_keyed(&scan, cx)?;
        let mut matched = 0u64;
        let mut changed = 0u64;
        let mut warnings = Vec::new();
        for (pk, old) in rows {
            if limit.is_some_and(|l| matched >= l) {
                break;
            }
            matched += 1;
            let mut new = old.clone();
            for (p, e) in &sets {
                let v = execute::eval(e, &new, cx)?;
                let c = &def.columns[*p];
                if v.is_null() && !c.nullable {
                    let msg = format!("Column '{}' cannot be null", c.name);
                    if strict {
                        return Err(EngineError::new(1048, "23000", msg));
                    }
                    warnings.push((1048, msg));
                    new[*p] = implicit_default(&c.ty);
                    continue;
                }
                new[*p] = convert(&v, &c.ty, strict, &c.name, matched, &mut warnings)?;
            }
            if new == old {
                continue;
            }
            for (i, c) in def.columns.iter().enumerate() {
                if c.on_update_now && !sets.iter().any(|(p, _)| *p == i) {
                    new[i] = Value::DateTime(cx.now);
                }
            }
            let new_pk = storage::primary_key(&def, &new).unwrap_or_else(|| pk.clone());
            if let Some((idx, _)) = find_conflict(cx, &def, &new, &new_pk, Some(&pk))? {
                return Err(duplicate(&def, idx, &new));
            }
            if new_pk != pk {
                cx.txn.put(&def, &pk, None);
            }
            cx.txn.put(&def, &new_pk, Some(new.into()));
            changed += 1;
        }
        for (code, msg) in warnings {
            cx.session.add_warning("Warning", code, msg);
        }
        Ok((matched, changed))
    })?;
    session.row_count = changed as i64;
    let info = format!(
        "Rows matched: {matched}  Changed: {changed}  Warnings: {}",
        session.warning_count()
    );
    let affected = if session.found_rows_flag {
        matched
    } else {
        changed
    };
    Ok(ok(session, affected, 0, info))
}

fn delete(engine: &Engine, session: &mut Session, d: &ast::Delete) -> Result<Outcome, EngineError> {
    let from = match &d.from {
        ast::FromTable::WithFromKeyword(f) | ast::FromTable::WithoutKeyword(f) => f,
    };
    let [twj] = from.as_slice() else {
        return Err(EngineError::not_supported("multi-table DELETE"));
    };
    if !d.tables.is_empty() {
        return Err(EngineError::not_supported("multi-table DELETE"));
    }
    let (name, alias) = single_table(twj)?;
    let def = target(engine, session, &name)?;
    let (scan, regs) = matching_rows(
        engine,
        session,
        &def,
        alias.as_deref(),
        d.selection.as_ref(),
    )?;
    let limit = limit_of(engine, session, d.limit.as_ref())?;
    let n = in_txn(engine, session, |cx| {
        cx.regs.resize(regs.max(16), Value::Null);
        let rows = execute::scan_keyed(&scan, cx)?;
        let mut n = 0u64;
        for (pk, _) in rows {
            if limit.is_some_and(|l| n >= l) {
                break;
            }
            cx.txn.put(&def, &pk, None);
            n += 1;
        }
        Ok(n)
    })?;
    session.row_count = n as i64;
    Ok(ok(session, n, 0, String::new()))
}

/// BEGIN / START TRANSACTION.
pub(crate) fn begin(
    engine: &Engine,
    session: &mut Session,
    consistent_snapshot: bool,
    read_only: bool,
) {
    implicit_commit(engine, session);
    let iso = Isolation::from_name(
        session
            .vars
            .get("transaction_isolation")
            .map(String::as_str)
            .unwrap_or(""),
    );
    let mut txn = engine.store.begin(iso, read_only);
    if consistent_snapshot {
        txn.snapshot = Some(engine.store.latest());
    }
    session.txn = Some(txn);
    session.in_transaction = true;
}

/// COMMIT.
pub(crate) fn commit(engine: &Engine, session: &mut Session) {
    implicit_commit(engine, session);
}

/// ROLLBACK.
pub(crate) fn rollback(engine: &Engine, session: &mut Session) {
    if let Some(t) = session.txn.take() {
        engine.store.rollback(t);
    }
    session.in_transaction = false;
}
