//! CREATE/DROP/TRUNCATE TABLE, SHOW TABLES, DESCRIBE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-table.html>

use std::sync::Arc;

use sqlparser::ast::{self as ast, DataType};

use crate::bind::{Binder, name_parts};
use crate::catalog::{
    ColumnDef, ColumnDefault, IndexDef, IndexPart, TableCounters, TableDef, TableOptions,
};
use crate::collation::Collation;
use crate::error::EngineError;
use crate::plan::Expr;
use crate::storage::{Schema, Table, TableData};
use crate::types::{BaseType, SqlType};
use crate::value::Value;
use crate::{Column, Engine, Outcome, Session};

use super::{convert, implicit_commit, ok};

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

pub(super) fn create_table(
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

pub(super) fn drop_tables(
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

pub(super) fn truncate(
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

pub(super) fn show_tables(
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

pub(super) fn describe(
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
