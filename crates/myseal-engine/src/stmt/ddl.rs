//! CREATE TABLE (plain, `LIKE`, `... SELECT`), DROP TABLE, TRUNCATE TABLE, ALTER TABLE,
//! CREATE INDEX, DROP INDEX, RENAME TABLE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-table.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/alter-table.html>
//!
//! Every statement here commits the session's transaction first (implicit commit), takes the
//! exclusive metadata lock of the tables it changes (waiting for transactions that use them),
//! and publishes a new catalog state in one `Store::ddl` step. A definition is built in three
//! stages: columns ([`column_spec`]), indexes declared by column name ([`IndexSpec`]), then
//! [`resolve_indexes`] turns names into positions, names unnamed indexes as MySQL does
//! (`col`, `col_2`, ...), orders them as MySQL does (PRIMARY, then UNIQUE NOT NULL, ...) and
//! checks them. ALTER TABLE runs its operations on a working copy of the columns and index
//! specs, then rewrites the rows into the new definition (converting values with the strict
//! mode rules) and rebuilds the indexes; the table keeps its id, so its AUTO_INCREMENT counter
//! carries over.
//!
//! Temporary tables (<https://dev.mysql.com/doc/refman/8.4/en/create-temporary-table.html>)
//! take the same paths, but their changes go to the session's own
//! [`TempTables`](crate::storage::temp::TempTables) instead of `Store::ddl`, without metadata
//! locks. A name resolves to the session's temporary table first. CREATE TEMPORARY TABLE and
//! DROP TEMPORARY TABLE do not commit the open transaction; ALTER, TRUNCATE, CREATE/DROP INDEX
//! and RENAME do, as in MySQL.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use sqlparser::ast::{self as ast, DataType};

use super::check::{self, CheckSpec};
use crate::bind::{Binder, name_parts};
use crate::catalog::{
    CheckDef, ColumnDef, ColumnDefault, ForeignKeyDef, Generated, IndexDef, IndexPart, SchemaDef,
    TableCounters, TableDef, TableOptions,
};
use crate::collation::Collation;
use crate::error::EngineError;
use crate::execute;
use crate::infoschema;
use crate::parse::AlterExtras;
use crate::plan::Expr;
use crate::privilege::{self, Privs};
use crate::storage::{self, DdlLock, Schema, Table, TableData, key};
use crate::types::{BaseType, NOT_FIXED_DEC, SqlType};
use crate::value::{Dec, Value};
use crate::{Engine, Outcome, Session};

use super::fk::{self, FkSpec};
use super::{convert, implicit_commit, ok};

/// Warnings collected while building rows: (code, message).
type Warnings = Vec<(u16, String)>;

// ---------------------------------------------------------------------------------------------
// Errors

fn err(code: u16, state: &'static str, msg: String) -> EngineError {
    EngineError::new(code, state, msg)
}

fn invalid_default(name: &str) -> EngineError {
    err(1067, "42000", format!("Invalid default value for '{name}'"))
}

fn dup_column(name: &str) -> EngineError {
    err(1060, "42S21", format!("Duplicate column name '{name}'"))
}

fn cant_drop(name: &str) -> EngineError {
    err(
        1091,
        "42000",
        format!("Can't DROP '{name}'; check that column/key exists"),
    )
}

fn unknown_column(name: &str, table: &str) -> EngineError {
    err(
        1054,
        "42S22",
        format!("Unknown column '{name}' in '{table}'"),
    )
}

fn table_exists(name: &str) -> EngineError {
    err(1050, "42S01", format!("Table '{name}' already exists"))
}

fn too_long(name: &str, max: u64) -> EngineError {
    err(
        1074,
        "42000",
        format!(
            "Column length too big for column '{name}' (max = {max}); use BLOB or TEXT instead"
        ),
    )
}

/// Takes the exclusive metadata locks of `ids` for a DDL statement (`lock_wait_timeout`).
fn lock_for_ddl(engine: &Engine, session: &Session, ids: &[u64]) -> Result<DdlLock, EngineError> {
    let secs = session
        .vars
        .get("lock_wait_timeout")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(31_536_000);
    engine
        .store
        .lock_tables_for_ddl(ids, std::time::Duration::from_secs(secs), &session.cancel)
        .map_err(EngineError::from)
}

// ---------------------------------------------------------------------------------------------
// Column types

fn u32_of(x: u64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

fn fsp_of(p: &Option<u64>, name: &str) -> Result<u8, EngineError> {
    match p {
        None => Ok(0),
        Some(p) if *p <= 6 => Ok(*p as u8),
        Some(p) => Err(err(
            1426,
            "42000",
            format!("Too-big precision {p} specified for '{name}'. Maximum is 6."),
        )),
    }
}

/// M and D of DECIMAL/FLOAT/DOUBLE, checked as MySQL does (1425, 1426, 1427).
fn precision_scale(
    info: &ast::ExactNumberInfo,
    name: &str,
    default_m: u32,
    max_m: u32,
) -> Result<(u32, Option<u8>), EngineError> {
    let (m, d) = match info {
        ast::ExactNumberInfo::None => return Ok((default_m, None)),
        ast::ExactNumberInfo::Precision(m) => (u32_of(*m), None),
        ast::ExactNumberInfo::PrecisionAndScale(m, d) => (u32_of(*m), Some(*d)),
    };
    if m > max_m {
        return Err(err(
            1426,
            "42000",
            format!("Too-big precision {m} specified for '{name}'. Maximum is {max_m}."),
        ));
    }
    if let Some(d) = d {
        if !(0..=30).contains(&d) {
            return Err(err(
                1425,
                "42000",
                format!("Too big scale {d} specified for column '{name}'. Maximum is 30."),
            ));
        }
        if i64::from(m) < d {
            return Err(err(
                1427,
                "42000",
                format!(
                    "For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column '{name}')."
                ),
            ));
        }
    }
    Ok((m, d.map(|d| u8::try_from(d).unwrap_or(30))))
}

/// The SQL type of a declared column (`name` is for error messages). String types get
/// `coll`, the table's collation, unless the column says otherwise later.
pub(super) fn column_type(
    dt: &DataType,
    name: &str,
    coll: Collation,
) -> Result<SqlType, EngineError> {
    use DataType as D;
    let len = |l: &Option<u64>| l.map(u32_of).unwrap_or(0);
    let chars = |l: &Option<ast::CharacterLength>, default: u32| match l {
        Some(ast::CharacterLength::IntegerLength { length, .. }) => u32_of(*length),
        _ => default,
    };
    let int = |base: BaseType, l: &Option<u64>, unsigned: bool| SqlType {
        length: len(l),
        unsigned,
        ..SqlType::new(base)
    };
    let text = |base: BaseType| SqlType {
        collation: coll,
        ..SqlType::new(base)
    };
    let t = match dt {
        D::TinyInt(l) => int(BaseType::TinyInt, l, false),
        D::TinyIntUnsigned(l) => int(BaseType::TinyInt, l, true),
        D::Bool | D::Boolean => SqlType {
            length: 1,
            ..SqlType::new(BaseType::TinyInt)
        },
        D::SmallInt(l) | D::Int2(l) => int(BaseType::SmallInt, l, false),
        D::SmallIntUnsigned(l) => int(BaseType::SmallInt, l, true),
        D::MediumInt(l) => int(BaseType::MediumInt, l, false),
        D::MediumIntUnsigned(l) => int(BaseType::MediumInt, l, true),
        D::Int(l) | D::Integer(l) | D::Int4(l) => int(BaseType::Int, l, false),
        D::IntUnsigned(l) | D::IntegerUnsigned(l) => int(BaseType::Int, l, true),
        D::UnsignedInteger => int(BaseType::Int, &None, true),
        D::BigInt(l) | D::Int8(l) => int(BaseType::BigInt, l, false),
        D::BigIntUnsigned(l) => int(BaseType::BigInt, l, true),
        D::Decimal(info)
        | D::Numeric(info)
        | D::Dec(info)
        | D::DecimalUnsigned(info)
        | D::DecUnsigned(info) => {
            let (m, d) = precision_scale(info, name, 10, 65)?;
            SqlType {
                unsigned: matches!(dt, D::DecimalUnsigned(_) | D::DecUnsigned(_)),
                ..SqlType::decimal(m, d.unwrap_or(0))
            }
        }
        D::Float(info) | D::FloatUnsigned(info) => {
            let unsigned = matches!(dt, D::FloatUnsigned(_));
            match info {
                ast::ExactNumberInfo::Precision(p) if *p > 24 => SqlType {
                    unsigned,
                    ..SqlType::new(BaseType::Double)
                },
                _ => {
                    let (m, d) = precision_scale(info, name, 0, 255)?;
                    SqlType {
                        unsigned,
                        length: if d.is_some() { m } else { 0 },
                        scale: d.unwrap_or(NOT_FIXED_DEC),
                        ..SqlType::new(BaseType::Float)
                    }
                }
            }
        }
        D::Real | D::Float4 => SqlType::new(BaseType::Float),
        D::RealUnsigned => SqlType {
            unsigned: true,
            ..SqlType::new(BaseType::Double)
        },
        D::Double(info) | D::DoubleUnsigned(info) => {
            let (m, d) = precision_scale(info, name, 0, 255)?;
            SqlType {
                unsigned: matches!(dt, D::DoubleUnsigned(_)),
                length: if d.is_some() { m } else { 0 },
                scale: d.unwrap_or(NOT_FIXED_DEC),
                ..SqlType::new(BaseType::Double)
            }
        }
        D::DoublePrecision | D::Float8 | D::Float64 => SqlType::new(BaseType::Double),
        D::DoublePrecisionUnsigned => SqlType {
            unsigned: true,
            ..SqlType::new(BaseType::Double)
        },
        D::Char(l) | D::Character(l) => SqlType {
            length: chars(l, 1),
            ..text(BaseType::Char)
        },
        D::Varchar(l) | D::CharacterVarying(l) | D::CharVarying(l) | D::Nvarchar(l) => {
            if l.is_none() {
                return Err(EngineError::parse_error(&dt.to_string(), 1));
            }
            SqlType {
                length: chars(l, 0),
                ..text(BaseType::VarChar)
            }
        }
        D::TinyText => text(BaseType::TinyText),
        D::Text | D::String(_) => text(BaseType::Text),
        D::MediumText => text(BaseType::MediumText),
        D::LongText => text(BaseType::LongText),
        D::Binary(l) => SqlType {
            length: l.map(u32_of).unwrap_or(1),
            ..SqlType::new(BaseType::Binary)
        },
        D::Varbinary(l) => match l {
            Some(ast::BinaryLength::IntegerLength { length }) => SqlType {
                length: u32_of(*length),
                ..SqlType::new(BaseType::VarBinary)
            },
            _ => return Err(EngineError::parse_error(&dt.to_string(), 1)),
        },
        D::TinyBlob => SqlType::new(BaseType::TinyBlob),
        D::Blob(None) | D::Bytea => SqlType::new(BaseType::Blob),
        D::Blob(Some(n)) => SqlType::new(match *n {
            0..=255 => BaseType::TinyBlob,
            256..=65_535 => BaseType::Blob,
            65_536..=16_777_215 => BaseType::MediumBlob,
            _ => BaseType::LongBlob,
        }),
        D::MediumBlob => SqlType::new(BaseType::MediumBlob),
        D::LongBlob => SqlType::new(BaseType::LongBlob),
        D::Date => SqlType::new(BaseType::Date),
        D::Datetime(p) => SqlType {
            scale: fsp_of(p, name)?,
            ..SqlType::new(BaseType::DateTime)
        },
        D::Timestamp(p, _) => SqlType {
            scale: fsp_of(p, name)?,
            ..SqlType::new(BaseType::Timestamp)
        },
        D::Time(p, _) => SqlType {
            scale: fsp_of(p, name)?,
            ..SqlType::new(BaseType::Time)
        },
        D::Bit(l) => {
            let n = l.map(u32_of).unwrap_or(1);
            if n > 64 {
                return Err(err(
                    1439,
                    "42000",
                    format!("Display width out of range for column '{name}' (max = 64)"),
                ));
            }
            SqlType {
                length: n.max(1),
                ..SqlType::new(BaseType::Bit)
            }
        }
        D::Enum(members, _) => {
            let els: Vec<String> = members
                .iter()
                .map(|m| match m {
                    ast::EnumMember::Name(n) | ast::EnumMember::NamedValue(n, _) => n.clone(),
                })
                .collect();
            SqlType {
                elements: Some(els.into()),
                ..text(BaseType::Enum)
            }
        }
        D::Set(members) => SqlType {
            elements: Some(members.clone().into()),
            ..text(BaseType::Set)
        },
        D::JSON => SqlType::new(BaseType::Json),
        D::Custom(n, _) if n.to_string().eq_ignore_ascii_case("year") => {
            SqlType::new(BaseType::Year)
        }
        other => return Err(EngineError::not_supported(&format!("column type {other}"))),
    };
    Ok(t)
}

/// Applies `CHARACTER SET` / `COLLATE` of a column to its type (string types only);
/// `CHARACTER SET binary` makes CHAR/VARCHAR/TEXT their binary counterparts.
fn apply_charset(
    ty: &mut SqlType,
    charset: Option<&str>,
    collation: Option<&str>,
) -> Result<(), EngineError> {
    let coll = resolve_collation(charset, collation)?;
    let Some(coll) = coll else {
        return Ok(());
    };
    if coll == Collation::Binary && ty.is_text() {
        ty.base = match ty.base {
            BaseType::Char => BaseType::Binary,
            BaseType::VarChar => BaseType::VarBinary,
            BaseType::TinyText => BaseType::TinyBlob,
            BaseType::Text => BaseType::Blob,
            BaseType::MediumText => BaseType::MediumBlob,
            _ => BaseType::LongBlob,
        };
        ty.collation = Collation::Binary;
        return Ok(());
    }
    if ty.is_text() || matches!(ty.base, BaseType::Enum | BaseType::Set) {
        ty.collation = coll;
    }
    Ok(())
}

/// The collation `[CHARACTER SET cs] [COLLATE c]` names (1115, 1273, 1253), None for neither.
fn resolve_collation(
    charset: Option<&str>,
    collation: Option<&str>,
) -> Result<Option<Collation>, EngineError> {
    let cs = match charset {
        Some(cs) => Some(
            Collation::default_for_charset(cs).ok_or_else(|| EngineError::unknown_charset(cs))?,
        ),
        None => None,
    };
    match collation {
        Some(c) => {
            let coll = Collation::from_name(c).ok_or_else(|| EngineError::unknown_collation(c))?;
            if let (Some(cs), Some(name)) = (cs, charset)
                && cs.charset() != coll.charset()
            {
                return Err(EngineError::collation_mismatch(coll.name(), name));
            }
            Ok(Some(coll))
        }
        None => Ok(cs),
    }
}

/// Checks the declared length of string columns (1074); in relaxed mode a too long VARCHAR
/// becomes a TEXT type instead, with note 1246, as MySQL does.
fn check_length(
    ty: &mut SqlType,
    name: &str,
    strict: bool,
    notes: &mut Warnings,
) -> Result<(), EngineError> {
    match ty.base {
        BaseType::Char if ty.length > 255 => Err(too_long(name, 255)),
        BaseType::Binary if ty.length > 255 => Err(too_long(name, 255)),
        BaseType::VarBinary if ty.length > 65_535 => Err(too_long(name, 65_535)),
        BaseType::VarChar => {
            let max = 65_535 / u64::from(ty.collation.max_bytes_per_char().max(1));
            if u64::from(ty.length) <= max {
                return Ok(());
            }
            if strict {
                return Err(too_long(name, max));
            }
            let bytes = u64::from(ty.length) * u64::from(ty.collation.max_bytes_per_char());
            ty.base = if bytes < 16_777_216 {
                BaseType::MediumText
            } else {
                BaseType::LongText
            };
            ty.length = 0;
            let kind = if ty.base == BaseType::MediumText {
                "MEDIUMTEXT"
            } else {
                "LONGTEXT"
            };
            notes.push((
                1246,
                format!("Converting column '{name}' from VARCHAR to {kind}"),
            ));
            Ok(())
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Defaults

/// For `CURRENT_TIMESTAMP`, `CURRENT_TIMESTAMP(n)`, `NOW()`, `LOCALTIME`, `LOCALTIMESTAMP`:
/// the fsp written (0 without one). None for other expressions.
fn now_fsp(e: &ast::Expr) -> Option<u8> {
    let text: String = e
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    for name in ["CURRENT_TIMESTAMP", "NOW", "LOCALTIMESTAMP", "LOCALTIME"] {
        let Some(rest) = text.strip_prefix(name) else {
            continue;
        };
        if rest.is_empty() && name != "NOW" {
            return Some(0);
        }
        let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
        if inner.is_empty() {
            return Some(0);
        }
        return inner.parse::<u8>().ok();
    }
    None
}

/// A column's DEFAULT clause as stored, checked against its type (1067, 1101).
fn default_value(e: &ast::Expr, ty: &SqlType, name: &str) -> Result<ColumnDefault, EngineError> {
    if let Some(fsp) = now_fsp(e) {
        if !matches!(ty.base, BaseType::DateTime | BaseType::Timestamp) || fsp != ty.scale {
            return Err(invalid_default(name));
        }
        return Ok(ColumnDefault::CurrentTimestamp(ty.scale));
    }
    let literal = |v: &ast::Value, negate: bool| -> Result<Value, EngineError> {
        let c = match v {
            ast::Value::Null if !negate => return Ok(Value::Null),
            ast::Value::Number(n, _) => {
                let text = if negate { format!("-{n}") } else { n.clone() };
                crate::bind::number_literal(&text).expr
            }
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) if !negate => {
                Expr::Const(Value::str(s.clone()))
            }
            ast::Value::Boolean(b) if !negate => Expr::Const(Value::Int(i64::from(*b))),
            ast::Value::HexStringLiteral(h) if !negate => Expr::Const(Value::Bytes(
                hex_bytes(h).ok_or_else(|| invalid_default(name))?,
            )),
            ast::Value::SingleQuotedByteStringLiteral(b) if !negate => {
                match u64::from_str_radix(b, 2) {
                    Ok(n) if ty.base == BaseType::Bit => Expr::Const(Value::UInt(n)),
                    _ => Expr::Const(Value::str(b.clone())),
                }
            }
            _ => return Err(invalid_default(name)),
        };
        match c {
            Expr::Const(v) => Ok(v),
            _ => Err(invalid_default(name)),
        }
    };
    let v = match e {
        ast::Expr::Value(v) => literal(&v.value, false)?,
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => match &**expr {
            ast::Expr::Value(v) => literal(&v.value, true)?,
            _ => return Err(invalid_default(name)),
        },
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Plus,
            expr,
        } => match &**expr {
            ast::Expr::Value(v) => literal(&v.value, false)?,
            _ => return Err(invalid_default(name)),
        },
        ast::Expr::TypedString(ts) => match &ts.value.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                Value::str(s.clone())
            }
            _ => return Err(invalid_default(name)),
        },
        ast::Expr::Nested(_) => return Ok(ColumnDefault::Expr(e.to_string())),
        _ => return Err(invalid_default(name)),
    };
    if v.is_null() {
        return Ok(ColumnDefault::Value(Value::Null));
    }
    if ty.is_blob() || ty.base == BaseType::Json {
        return Err(err(
            1101,
            "42000",
            format!("BLOB, TEXT, GEOMETRY or JSON column '{name}' can't have a default value"),
        ));
    }
    let mut warnings = Vec::new();
    match convert(&v, ty, true, name, 1, &mut warnings) {
        Ok(c) => Ok(ColumnDefault::Value(c)),
        Err(_) => Err(invalid_default(name)),
    }
}

fn hex_bytes(h: &str) -> Option<Vec<u8>> {
    let h = if h.len() % 2 == 1 {
        format!("0{h}")
    } else {
        h.to_string()
    };
    (0..h.len())
        .step_by(2)
        .map(|i| h.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

/// The zero value MySQL stores for a NOT NULL column without a value in relaxed mode.
fn implicit_default(ty: &SqlType) -> Value {
    use crate::types::ResultKind as K;
    match ty.result_kind() {
        K::Int if ty.unsigned || matches!(ty.base, BaseType::Bit | BaseType::Year) => {
            Value::UInt(0)
        }
        K::Int => Value::Int(0),
        K::Decimal => Value::Decimal(Dec {
            mant: 0,
            scale: u32::from(ty.scale),
        }),
        K::Real => Value::Double(0.0),
        K::String => match (ty.base, ty.elements.as_deref()) {
            (BaseType::Enum, Some(els)) => Value::str(els.first().cloned().unwrap_or_default()),
            (BaseType::Binary, _) => Value::Bytes(vec![0; ty.length as usize]),
            _ => Value::str(""),
        },
        K::Temporal => match ty.base {
            BaseType::Date => Value::Date(Default::default()),
            BaseType::Time => Value::Time(Default::default()),
            _ => Value::DateTime(Default::default()),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Columns

/// A column as declared, with the keys declared on it.
struct ColumnSpec {
    def: ColumnDef,
    /// `PRIMARY KEY` on the column.
    primary: bool,
    /// `UNIQUE [KEY]` on the column.
    unique: bool,
    /// `NULL` was written (a PRIMARY KEY column must not say so: 1171).
    explicit_null: bool,
}

fn check_identifier(name: &str, kind: &str) -> Result<(), EngineError> {
    if name.chars().count() > 64 {
        return Err(err(
            1059,
            "42000",
            format!("Identifier name '{name}' is too long"),
        ));
    }
    if name.is_empty() || name.ends_with(' ') {
        return Err(err(
            1166,
            "42000",
            format!("Incorrect {kind} name '{name}'"),
        ));
    }
    Ok(())
}

/// Builds a column from its declaration (type, NULL/NOT NULL, DEFAULT, ON UPDATE,
/// AUTO_INCREMENT, COMMENT, CHARACTER SET/COLLATE, inline PRIMARY KEY/UNIQUE).
fn column_spec(
    c: &ast::ColumnDef,
    table_coll: Collation,
    strict: bool,
    notes: &mut Warnings,
) -> Result<ColumnSpec, EngineError> {
    let name = c.name.value.clone();
    check_identifier(&name, "column")?;
    let mut ty = column_type(&c.data_type, &name, table_coll)?;
    let mut spec = ColumnSpec {
        def: ColumnDef {
            name: name.clone(),
            ty: ty.clone(),
            nullable: true,
            default: ColumnDefault::None,
            on_update_now: false,
            auto_increment: false,
            comment: String::new(),
            generated: None,
            invisible: false,
        },
        primary: false,
        unique: false,
        explicit_null: false,
    };
    let mut default_expr = None;
    let mut on_update = None;
    let mut charset = None;
    let mut collation = None;
    for opt in &c.options {
        match &opt.option {
            ast::ColumnOption::Null => {
                spec.def.nullable = true;
                spec.explicit_null = true;
            }
            ast::ColumnOption::NotNull => spec.def.nullable = false,
            ast::ColumnOption::Default(e) => default_expr = Some(e),
            ast::ColumnOption::PrimaryKey(_) => spec.primary = true,
            ast::ColumnOption::Unique(_) => spec.unique = true,
            ast::ColumnOption::Comment(s) => spec.def.comment = s.clone(),
            ast::ColumnOption::OnUpdate(e) => on_update = Some(e),
            ast::ColumnOption::Collation(n) => collation = Some(name_parts(n).join(".")),
            ast::ColumnOption::CharacterSet(n) => charset = Some(name_parts(n).join(".")),
            ast::ColumnOption::DialectSpecific(toks) => {
                let t = toks
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_ascii_uppercase();
                if t.contains("AUTO_INCREMENT") {
                    spec.def.auto_increment = true;
                }
                if t.contains("UNSIGNED") {
                    ty.unsigned = true;
                }
            }
            ast::ColumnOption::Generated {
                generation_expr: Some(e),
                generation_expr_mode,
                ..
            } => {
                spec.def.generated = Some(Generated {
                    text: check::normalize(e),
                    stored: matches!(
                        generation_expr_mode,
                        Some(ast::GeneratedExpressionMode::Stored)
                    ),
                });
            }
            ast::ColumnOption::Generated { .. } | ast::ColumnOption::Materialized(_) => {
                return Err(EngineError::not_supported(
                    "generated columns without AS (expr)",
                ));
            }
            ast::ColumnOption::Invisible => spec.def.invisible = true,
            // FOREIGN KEY and CHECK are handled by the table; SRID is accepted and ignored.
            _ => {}
        }
    }
    apply_charset(&mut ty, charset.as_deref(), collation.as_deref())?;
    check_length(&mut ty, &name, strict, notes)?;
    spec.def.ty = ty;
    let ty = &spec.def.ty;
    if spec.def.auto_increment && !ty.is_numeric() {
        return Err(err(
            1063,
            "42000",
            format!("Incorrect column specifier for column '{name}'"),
        ));
    }
    if let Some(e) = default_expr {
        if spec.def.auto_increment {
            return Err(invalid_default(&name));
        }
        spec.def.default = default_value(e, ty, &name)?;
        if matches!(spec.def.default, ColumnDefault::Value(Value::Null)) && !spec.def.nullable {
            return Err(invalid_default(&name));
        }
    }
    if let Some(e) = on_update {
        let ok = matches!(ty.base, BaseType::DateTime | BaseType::Timestamp)
            && now_fsp(e) == Some(ty.scale);
        if !ok {
            return Err(err(
                1294,
                "HY000",
                format!("Invalid ON UPDATE clause for '{name}' column"),
            ));
        }
        spec.def.on_update_now = true;
    }
    if spec.def.auto_increment || spec.primary {
        spec.def.nullable = false;
    }
    Ok(spec)
}

/// A column declaration from the parts ALTER TABLE MODIFY/CHANGE carry.
fn column_decl(name: &ast::Ident, dt: &DataType, options: &[ast::ColumnOption]) -> ast::ColumnDef {
    ast::ColumnDef {
        name: name.clone(),
        data_type: dt.clone(),
        options: options
            .iter()
            .map(|o| ast::ColumnOptionDef {
                name: None,
                option: o.clone(),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Indexes

/// One column of an index as declared.
#[derive(Clone, Debug)]
struct PartSpec {
    column: String,
    prefix: Option<u32>,
    desc: bool,
}

/// An index as declared: columns by name, name None when MySQL is to make one up.
#[derive(Clone, Debug)]
struct IndexSpec {
    name: Option<String>,
    primary: bool,
    unique: bool,
    parts: Vec<PartSpec>,
    comment: String,
    /// An index the table has already (ALTER TABLE): a prefix longer than a shortened column
    /// is dropped, as MySQL does, instead of being an error.
    existing: bool,
}

impl IndexSpec {
    fn on_column(name: &str, primary: bool) -> Self {
        IndexSpec {
            name: primary.then(|| "PRIMARY".to_string()),
            primary,
            unique: true,
            parts: vec![PartSpec {
                column: name.to_string(),
                prefix: None,
                desc: false,
            }],
            comment: String::new(),
            existing: false,
        }
    }

    fn of(def: &TableDef, idx: &IndexDef) -> Self {
        IndexSpec {
            name: Some(idx.name.clone()),
            primary: idx.primary,
            unique: idx.unique,
            parts: idx
                .parts
                .iter()
                .map(|p| PartSpec {
                    column: def
                        .columns
                        .get(p.column)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    prefix: p.prefix,
                    desc: p.desc,
                })
                .collect(),
            comment: idx.comment.clone(),
            existing: true,
        }
    }
}

fn part_specs(cols: &[ast::IndexColumn]) -> Result<Vec<PartSpec>, EngineError> {
    let mut parts = Vec::new();
    for c in cols {
        let (column, prefix) = match &c.column.expr {
            ast::Expr::Identifier(i) => (i.value.clone(), None),
            ast::Expr::Function(f) => {
                let n = name_parts(&f.name).pop().unwrap_or_default();
                let p = match &f.args {
                    ast::FunctionArguments::List(l) if l.args.len() == 1 => {
                        l.args.first().and_then(|a| match a {
                            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(
                                ast::Expr::Value(v),
                            )) => v.value.to_string().parse::<u32>().ok(),
                            _ => None,
                        })
                    }
                    _ => None,
                };
                match p {
                    Some(p) => (n, Some(p)),
                    None => return Err(EngineError::not_supported("functional key parts")),
                }
            }
            _ => return Err(EngineError::not_supported("functional key parts")),
        };
        parts.push(PartSpec {
            column,
            prefix,
            desc: matches!(c.column.options.sort, Some(ast::OrderBySort::Desc)),
        });
    }
    Ok(parts)
}

fn index_comment(opts: &[ast::IndexOption]) -> String {
    opts.iter()
        .find_map(|o| match o {
            ast::IndexOption::Comment(s) => Some(s.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The index a table constraint declares; None for FOREIGN KEY and CHECK (accepted, not
/// enforced).
fn constraint_spec(con: &ast::TableConstraint) -> Result<Option<IndexSpec>, EngineError> {
    Ok(Some(match con {
        ast::TableConstraint::PrimaryKey(pk) => IndexSpec {
            name: Some("PRIMARY".into()),
            primary: true,
            unique: true,
            parts: part_specs(&pk.columns)?,
            comment: index_comment(&pk.index_options),
            existing: false,
        },
        ast::TableConstraint::Unique(u) => IndexSpec {
            name: u
                .index_name
                .as_ref()
                .or(u.name.as_ref())
                .map(|n| n.value.clone()),
            primary: false,
            unique: true,
            parts: part_specs(&u.columns)?,
            comment: index_comment(&u.index_options),
            existing: false,
        },
        ast::TableConstraint::Index(i) => IndexSpec {
            name: i.name.as_ref().map(|n| n.value.clone()),
            primary: false,
            unique: false,
            parts: part_specs(&i.columns)?,
            comment: index_comment(&i.index_options),
            existing: false,
        },
        ast::TableConstraint::FulltextOrSpatial(_) => {
            return Err(EngineError::not_supported("FULLTEXT and SPATIAL indexes"));
        }
        _ => return Ok(None),
    }))
}

/// Adds the index a FOREIGN KEY needs unless one leads with its columns already (named after
/// the FOREIGN KEY's index name, else its symbol, else its first column, as MySQL does).
fn push_fk_index(specs: &mut Vec<IndexSpec>, f: &FkSpec) {
    let leads = |s: &IndexSpec| {
        s.parts.len() >= f.columns.len()
            && s.parts
                .iter()
                .zip(&f.columns)
                .all(|(p, c)| p.prefix.is_none() && p.column.eq_ignore_ascii_case(c))
    };
    if specs.iter().any(leads) {
        return;
    }
    specs.push(IndexSpec {
        name: f.index_name.clone().or_else(|| f.name.clone()),
        primary: false,
        unique: false,
        parts: f
            .columns
            .iter()
            .map(|c| PartSpec {
                column: c.clone(),
                prefix: None,
                desc: false,
            })
            .collect(),
        comment: String::new(),
        existing: false,
    });
}

/// Adds an index spec, refusing a second PRIMARY KEY (1068).
fn push_index(specs: &mut Vec<IndexSpec>, spec: IndexSpec) -> Result<(), EngineError> {
    if spec.primary && specs.iter().any(|s| s.primary) {
        return Err(err(1068, "42000", "Multiple primary key defined".into()));
    }
    specs.push(spec);
    Ok(())
}

/// Turns index specs into definitions over `columns`: column positions (1072), PRIMARY KEY
/// columns NOT NULL (1171 when declared NULL), prefix lengths (1089, 1170), names (1061,
/// 1280, generated ones), MySQL's index order, and the AUTO_INCREMENT rule (1075).
fn resolve_indexes(
    columns: &mut [ColumnDef],
    specs: Vec<IndexSpec>,
    explicit_null: &[String],
) -> Result<Vec<IndexDef>, EngineError> {
    if columns.is_empty() {
        return Err(err(
            1113,
            "42000",
            "A table must have at least 1 column".into(),
        ));
    }
    if columns.iter().all(|c| c.invisible) {
        return Err(EngineError::table_must_have_visible_column());
    }
    let mut taken: Vec<String> = Vec::new();
    for s in &specs {
        if let Some(n) = &s.name {
            if !s.primary && n.eq_ignore_ascii_case("PRIMARY") {
                return Err(err(1280, "42000", format!("Incorrect index name '{n}'")));
            }
            if taken.iter().any(|t| t.eq_ignore_ascii_case(n)) {
                return Err(err(1061, "42000", format!("Duplicate key name '{n}'")));
            }
            taken.push(n.clone());
        }
    }
    let mut out = Vec::new();
    for s in specs {
        let mut parts: Vec<IndexPart> = Vec::new();
        for p in &s.parts {
            let pos = columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(&p.column))
                .ok_or_else(|| {
                    err(
                        1072,
                        "42000",
                        format!("Key column '{}' doesn't exist in table", p.column),
                    )
                })?;
            if parts.iter().any(|x| x.column == pos) {
                return Err(dup_column(&columns[pos].name));
            }
            let col = &mut columns[pos];
            if s.primary {
                if explicit_null
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&col.name))
                {
                    return Err(err(
                        1171,
                        "42000",
                        "All parts of a PRIMARY KEY must be NOT NULL; if you need NULL in a key, use UNIQUE instead".into(),
                    ));
                }
                col.nullable = false;
            }
            let ty = &col.ty;
            let mut prefix = p.prefix;
            if ty.base == BaseType::Json {
                return Err(err(
                    3152,
                    "42000",
                    format!(
                        "JSON column '{}' supports indexing only via generated columns on a specified JSON path.",
                        col.name
                    ),
                ));
            }
            match prefix {
                Some(n) => {
                    let stringy = ty.is_string() && ty.base != BaseType::Json;
                    let fixed = matches!(
                        ty.base,
                        BaseType::Char | BaseType::VarChar | BaseType::Binary | BaseType::VarBinary
                    );
                    if !stringy
                        || matches!(ty.base, BaseType::Enum | BaseType::Set)
                        || n == 0
                        || (fixed && n > ty.length && !s.existing)
                    {
                        return Err(err(
                            1089,
                            "HY000",
                            "Incorrect prefix key; the used key part isn't a string, the used length is longer than the key part, or the storage engine doesn't support unique prefix keys".into(),
                        ));
                    }
                    if fixed && n >= ty.length && s.existing {
                        prefix = None;
                    }
                    if fixed && n == ty.length {
                        prefix = None;
                    }
                }
                None if ty.is_blob() => {
                    return Err(err(
                        1170,
                        "42000",
                        format!(
                            "BLOB/TEXT column '{}' used in key specification without a key length",
                            col.name
                        ),
                    ));
                }
                None => {}
            }
            parts.push(IndexPart {
                column: pos,
                prefix,
                desc: p.desc,
            });
        }
        let name = match s.name {
            Some(n) => n,
            None => {
                let base = parts
                    .first()
                    .and_then(|p| columns.get(p.column))
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                let mut name = base.clone();
                let mut n = 2;
                while name.eq_ignore_ascii_case("PRIMARY")
                    || taken.iter().any(|t| t.eq_ignore_ascii_case(&name))
                {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                taken.push(name.clone());
                name
            }
        };
        out.push(IndexDef {
            name: if s.primary { "PRIMARY".into() } else { name },
            primary: s.primary,
            unique: s.unique || s.primary,
            parts,
            comment: s.comment,
        });
    }
    // MySQL's order (sort_keys): UNIQUE before others; among UNIQUE ones those whose columns
    // are all NOT NULL first, the PRIMARY KEY first, whole-column ones before prefixed ones;
    // otherwise as declared.
    out.sort_by_key(|i| {
        if !i.unique {
            return (1u8, 0u8, 0u8, 0u8);
        }
        let nullable = i
            .parts
            .iter()
            .any(|p| columns.get(p.column).is_some_and(|c| c.nullable));
        let prefixed = i.parts.iter().any(|p| p.prefix.is_some());
        (
            0,
            u8::from(nullable),
            u8::from(!i.primary),
            u8::from(prefixed),
        )
    });
    let autos: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.auto_increment)
        .map(|(i, _)| i)
        .collect();
    let keyed = |c: usize| {
        out.iter()
            .any(|i| i.parts.first().is_some_and(|p| p.column == c))
    };
    if autos.len() > 1 || autos.first().is_some_and(|c| !keyed(*c)) {
        return Err(err(
            1075,
            "42000",
            "Incorrect table definition; there can be only one auto column and it must be defined as a key".into(),
        ));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Rows

/// Renders a duplicate-key error (1062) for `row` on index `idx`.
fn duplicate(def: &TableDef, idx: usize, row: &[Value]) -> EngineError {
    let Some(index) = def.indexes.get(idx) else {
        return err(1062, "23000", "Duplicate entry".into());
    };
    let vals: Vec<String> = index
        .parts
        .iter()
        .map(|p| {
            let v = row.get(p.column).unwrap_or(&Value::Null);
            let ty = def.columns.get(p.column).map(|c| &c.ty);
            ty.and_then(|t| infoschema::value_text(v, t))
                .or_else(|| v.to_string_lossy())
                .unwrap_or_else(|| "NULL".into())
        })
        .collect();
    err(
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

/// Builds a table's data from whole rows, checking the PRIMARY KEY and UNIQUE indexes (1062).
/// A row's key is its primary key; without one, the given row id key or a new one.
fn build_data(
    def: &TableDef,
    rows: Vec<(Option<key::Key>, Vec<Value>)>,
) -> Result<TableData, EngineError> {
    let mut keyed: Vec<storage::Row> = Vec::with_capacity(rows.len());
    let mut pks: HashSet<key::Key> = HashSet::new();
    let uniques: Vec<usize> = storage::secondary_indexes(def)
        .filter(|i| def.indexes.get(*i).is_some_and(|x| x.unique))
        .collect();
    let mut seen: Vec<HashSet<Vec<u8>>> = vec![HashSet::new(); uniques.len()];
    for (old_key, row) in rows {
        let pk = match storage::primary_key(def, &row) {
            Some(k) => {
                if !pks.insert(k.clone()) {
                    return Err(duplicate(def, 0, &row));
                }
                k
            }
            None => match old_key {
                Some(k) => k,
                None => key::row_id_key(def.counters.row_id.fetch_add(1, Ordering::Relaxed)),
            },
        };
        for (n, i) in uniques.iter().enumerate() {
            if storage::index_has_null(def, *i, &row) {
                continue;
            }
            let prefix = storage::index_prefix(def, *i, &row);
            if let Some(set) = seen.get_mut(n)
                && !set.insert(prefix)
            {
                return Err(duplicate(def, *i, &row));
            }
        }
        keyed.push(storage::Row::new(&pk, &row));
    }
    Ok(TableData::rebuild(def, keyed))
}

/// The data of a table whose secondary indexes change while its columns and primary key stay:
/// the rows (and indexes that stay the same) are shared with `data`; each new index is built
/// from the rows, checking UNIQUE ones (1062).
fn with_indexes(
    old: &TableDef,
    def: &TableDef,
    data: &TableData,
) -> Result<TableData, EngineError> {
    let mut indexes = Vec::with_capacity(def.indexes.len());
    for (n, index) in def.indexes.iter().enumerate() {
        if index.primary {
            indexes.push(imbl::OrdSet::new());
            continue;
        }
        let kept = old
            .indexes
            .iter()
            .position(|o| !o.primary && o.parts == index.parts)
            .and_then(|j| data.indexes.get(j));
        if let Some(m) = kept {
            // A kept index may become UNIQUE (DROP + ADD UNIQUE on the same columns).
            if !index.unique
                || old
                    .indexes
                    .iter()
                    .any(|o| o.unique && o.parts == index.parts)
            {
                indexes.push(m.clone());
                continue;
            }
        }
        let mut map = imbl::OrdSet::new();
        let mut seen: HashSet<Vec<u8>> = HashSet::new();
        for row in data.rows.iter() {
            let (pk, values) = (row.key(), row.unpack());
            let prefix = storage::index_prefix(def, n, &values);
            if index.unique
                && !storage::index_has_null(def, n, &values)
                && !seen.insert(prefix.clone())
            {
                return Err(duplicate(def, n, &values));
            }
            map.insert(storage::entry_of(prefix, pk));
        }
        indexes.push(map);
    }
    Ok(TableData {
        rows: data.rows.clone(),
        indexes,
    })
}

/// Raises the AUTO_INCREMENT counter above the values in `rows` (and to `at_least`).
fn bump_auto_increment(def: &TableDef, rows: &[(Option<key::Key>, Vec<Value>)], at_least: u64) {
    let Some(a) = def.auto_increment_column() else {
        return;
    };
    let max = rows
        .iter()
        .filter_map(|(_, r)| r.get(a).and_then(Value::to_i64))
        .filter(|v| *v > 0)
        .max()
        .unwrap_or(0) as u64;
    let next = (max + 1).max(at_least).max(1);
    def.counters
        .auto_increment
        .fetch_max(next, Ordering::Relaxed);
}

/// The value a new column gets in existing rows (ALTER TABLE ADD) or rows without it
/// (CREATE TABLE ... SELECT).
fn fill_value(c: &ColumnDef, now: crate::temporal::DateTime) -> Value {
    match &c.default {
        ColumnDefault::Value(v) => v.clone(),
        ColumnDefault::CurrentTimestamp(_) => Value::DateTime(now),
        ColumnDefault::Expr(_) | ColumnDefault::None if c.nullable || c.auto_increment => {
            Value::Null
        }
        ColumnDefault::Expr(_) | ColumnDefault::None => implicit_default(&c.ty),
    }
}

/// Converts an existing value into a changed column (ALTER TABLE MODIFY/CHANGE): strict mode
/// errors abort; NULL into NOT NULL is 1138 (strict) or the zero value with a warning.
fn convert_existing(
    v: &Value,
    from: &SqlType,
    to: &ColumnDef,
    strict: bool,
    rown: u64,
    warnings: &mut Warnings,
) -> Result<Value, EngineError> {
    let truncated = |rown: u64| format!("Data truncated for column '{}' at row {rown}", to.name);
    if v.is_null() {
        if to.nullable || to.auto_increment {
            return Ok(Value::Null);
        }
        if strict {
            return Err(err(1138, "22004", "Invalid use of NULL value".into()));
        }
        warnings.push((1265, truncated(rown)));
        return Ok(implicit_default(&to.ty));
    }
    if *from == to.ty {
        return Ok(v.clone());
    }
    match convert(v, &to.ty, strict, &to.name, rown, warnings) {
        Err(e) if e.code == 1406 => Err(err(1265, "01000", truncated(rown))),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------------
// Table options

/// `ENGINE`, `[DEFAULT] CHARSET`, `[DEFAULT] COLLATE`, `COMMENT`, `AUTO_INCREMENT` of CREATE
/// TABLE; other options (ROW_FORMAT, KEY_BLOCK_SIZE, ...) are accepted and ignored.
struct TableOpts {
    engine: Option<String>,
    charset: Option<String>,
    collation: Option<String>,
    comment: Option<String>,
    auto_increment: Option<u64>,
}

fn option_text(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => s.clone(),
            ast::Value::Number(n, _) => n.clone(),
            other => other.to_string(),
        },
        ast::Expr::Identifier(i) => i.value.clone(),
        other => other.to_string(),
    }
}

fn table_opts(ct: &ast::CreateTable) -> Result<TableOpts, EngineError> {
    let list: &[ast::SqlOption] = match &ct.table_options {
        ast::CreateTableOptions::None => &[],
        ast::CreateTableOptions::With(v)
        | ast::CreateTableOptions::Options(v)
        | ast::CreateTableOptions::Plain(v)
        | ast::CreateTableOptions::TableProperties(v) => v,
    };
    let mut o = plain_opts(list)?;
    if let Some(ast::CommentDef::WithEq(s) | ast::CommentDef::WithoutEq(s)) = &ct.comment {
        o.comment = Some(s.clone());
    }
    Ok(o)
}

/// Reads the table options MySQL keeps from a list of plain options.
fn plain_opts(list: &[ast::SqlOption]) -> Result<TableOpts, EngineError> {
    let mut o = TableOpts {
        engine: None,
        charset: None,
        collation: None,
        comment: None,
        auto_increment: None,
    };
    for opt in list {
        match opt {
            ast::SqlOption::NamedParenthesizedList(l)
                if l.key.value.eq_ignore_ascii_case("ENGINE") =>
            {
                o.engine = l.name.as_ref().map(|n| n.value.clone());
            }
            ast::SqlOption::Comment(ast::CommentDef::WithEq(s) | ast::CommentDef::WithoutEq(s)) => {
                o.comment = Some(s.clone());
            }
            ast::SqlOption::KeyValue { key, value } => {
                let k = name_parts(key).join(" ").to_ascii_uppercase();
                let v = option_text(value);
                match k.as_str() {
                    "ENGINE" => o.engine = Some(v),
                    "DEFAULT CHARSET" | "CHARSET" | "DEFAULT CHARACTER SET" | "CHARACTER SET" => {
                        o.charset = Some(v);
                    }
                    "DEFAULT COLLATE" | "COLLATE" => o.collation = Some(v),
                    "AUTO_INCREMENT" => {
                        o.auto_increment = Some(
                            v.parse::<u64>()
                                .map_err(|_| EngineError::parse_error(&v, 1))?,
                        );
                    }
                    "COMMENT" => o.comment = Some(v),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(o)
}

/// MySQL's name of a storage engine (1286 for unknown ones). Every table is stored the same
/// way here; the name is kept for SHOW CREATE TABLE.
fn engine_name(name: &str) -> Result<String, EngineError> {
    const ENGINES: &[&str] = &[
        "InnoDB",
        "MyISAM",
        "MEMORY",
        "CSV",
        "ARCHIVE",
        "BLACKHOLE",
        "MRG_MYISAM",
    ];
    if name.eq_ignore_ascii_case("HEAP") {
        return Ok("MEMORY".into());
    }
    ENGINES
        .iter()
        .find(|e| e.eq_ignore_ascii_case(name))
        .map(|e| (*e).to_string())
        .ok_or_else(|| err(1286, "42000", format!("Unknown storage engine '{name}'")))
}

fn new_counters(auto_increment: u64) -> Arc<TableCounters> {
    let counters = Arc::new(TableCounters::default());
    counters
        .auto_increment
        .store(auto_increment.max(1), Ordering::Relaxed);
    counters.row_id.store(1, Ordering::Relaxed);
    counters
}

// ---------------------------------------------------------------------------------------------
// CREATE TABLE

/// Checks that the session holds `need` on a table a DDL statement names (ER 1142, ER 1046
/// without a database). The session's own temporary tables need no privilege.
fn check_ddl(
    engine: &Engine,
    session: &Session,
    name: &ast::ObjectName,
    need: Privs,
) -> Result<(), EngineError> {
    let parts = name_parts(name);
    let (schema, table) = match parts.as_slice() {
        [t] => (
            session.database.clone().ok_or_else(EngineError::no_db)?,
            t.clone(),
        ),
        [d, t] => (d.clone(), t.clone()),
        _ => return Ok(()),
    };
    if session.temp.table(&schema, &table).is_some() {
        return Ok(());
    }
    privilege::check_table(engine, session, &schema, &table, need)
}

/// Resolves and checks the name of a table to create.
fn new_table_name(
    engine: &Engine,
    session: &Session,
    name: &ast::ObjectName,
) -> Result<(String, String), EngineError> {
    let state = engine.store.latest();
    let (schema, table) = Binder::new(engine, session, &state).table_name(name)?;
    if !engine.database_exists(&schema) {
        return Err(EngineError::bad_db(&schema));
    }
    if table.chars().count() > 64 {
        return Err(err(
            1059,
            "42000",
            format!("Identifier name '{table}' is too long"),
        ));
    }
    if table.is_empty() || table.ends_with(' ') {
        return Err(err(
            1103,
            "42000",
            format!("Incorrect table name '{table}'"),
        ));
    }
    if crate::catalog::is_system_schema(&schema) {
        return Err(err(
            1044,
            "42000",
            format!(
                "Access denied for user '{}'@'{}' to database '{}'",
                session.info.user, session.info.account_host, schema
            ),
        ));
    }
    Ok((schema, table))
}

/// Publishes a new table (a temporary one to the session); Ok(false) when it exists and
/// `if_not_exists`.
fn publish(
    engine: &Engine,
    session: &mut Session,
    def: &Arc<TableDef>,
    data: TableData,
    if_not_exists: bool,
) -> Result<bool, EngineError> {
    let add = |st: &mut storage::State| add_table(st, def, data, if_not_exists);
    if def.temporary {
        session.temp.ddl(&engine.store.latest(), add)
    } else {
        engine.store.ddl(add)
    }
}

/// Adds a table to a state; Ok(false) when it exists and `if_not_exists`.
fn add_table(
    st: &mut storage::State,
    def: &Arc<TableDef>,
    data: TableData,
    if_not_exists: bool,
) -> Result<bool, EngineError> {
    {
        let sch = st
            .schemas
            .entry(def.schema.clone())
            .or_insert_with(|| Schema {
                def: Arc::new(SchemaDef {
                    name: def.schema.clone(),
                    collation: Collation::Utf8mb4_0900_ai_ci,
                }),
                tables: imbl::OrdMap::new(),
                views: imbl::OrdMap::new(),
                triggers: imbl::OrdMap::new(),
                procedures: imbl::OrdMap::new(),
                functions: imbl::OrdMap::new(),
            });
        if sch.tables.contains_key(&def.name) || sch.views.contains_key(&def.name) {
            if if_not_exists {
                return Ok(false);
            }
            return Err(table_exists(&def.name));
        }
        sch.tables.insert(
            def.name.clone(),
            Table {
                def: def.clone(),
                data,
            },
        );
        Ok(true)
    }
}

/// The table `schema.name` as the session sees it: its temporary table of that name, or the
/// shared one.
fn visible_table(
    session: &Session,
    state: &storage::State,
    schema: &str,
    name: &str,
) -> Option<Table> {
    session
        .temp
        .table(schema, name)
        .or_else(|| state.table(schema, name))
        .cloned()
}

pub(super) fn create_table(
    engine: &Engine,
    session: &mut Session,
    ct: &ast::CreateTable,
) -> Result<Outcome, EngineError> {
    if ct.temporary {
        let parts = name_parts(&ct.name);
        let db = match parts.as_slice() {
            [d, _] => Some(d.clone()),
            _ => session.database.clone(),
        };
        if let Some(db) = db {
            privilege::check_db(engine, session, &db, Privs::CREATE_TMP)?;
        }
    } else {
        let need = if ct.query.is_some() {
            Privs::CREATE | Privs::INSERT
        } else {
            Privs::CREATE
        };
        check_ddl(engine, session, &ct.name, need)?;
    }
    // CREATE TEMPORARY TABLE does not commit the open transaction.
    if !ct.temporary {
        implicit_commit(engine, session);
    }
    let (schema, name) = new_table_name(engine, session, &ct.name)?;
    let state = engine.store.latest();
    let exists = if ct.temporary {
        session.temp.table(&schema, &name).is_some()
    } else {
        state.table(&schema, &name).is_some()
    };
    if exists {
        if ct.if_not_exists {
            session.add_warning("Note", 1050, format!("Table '{name}' already exists"));
            return Ok(ok(session, 0, 0, String::new()));
        }
        return Err(table_exists(&name));
    }
    if let Some(like) = &ct.like {
        let (ast::CreateTableLikeKind::Plain(l) | ast::CreateTableLikeKind::Parenthesized(l)) =
            like;
        return create_like(
            engine,
            session,
            (&schema, &name),
            &l.name,
            ct.if_not_exists,
            ct.temporary,
        );
    }
    let strict = session.strict();
    let opts = table_opts(ct)?;
    let engine_name = engine_name(opts.engine.as_deref().unwrap_or("InnoDB"))?;
    let table_coll = resolve_collation(opts.charset.as_deref(), opts.collation.as_deref())?
        .unwrap_or_else(|| infoschema::schema_collation(&state, &schema));
    let mut notes = Vec::new();
    let mut columns: Vec<ColumnDef> = Vec::new();
    let mut specs: Vec<IndexSpec> = Vec::new();
    let mut explicit_null = Vec::new();
    for c in &ct.columns {
        let spec = column_spec(c, table_coll, strict, &mut notes)?;
        if columns
            .iter()
            .any(|x| x.name.eq_ignore_ascii_case(&spec.def.name))
        {
            return Err(dup_column(&spec.def.name));
        }
        if spec.primary {
            push_index(&mut specs, IndexSpec::on_column(&spec.def.name, true))?;
        }
        if spec.unique {
            push_index(&mut specs, IndexSpec::on_column(&spec.def.name, false))?;
        }
        if spec.explicit_null {
            explicit_null.push(spec.def.name.clone());
        }
        columns.push(spec.def);
    }
    let mut fk_specs = Vec::new();
    let mut check_specs = Vec::new();
    for c in &ct.columns {
        for opt in &c.options {
            if let ast::ColumnOption::Check(k) = &opt.option {
                check_specs.push(CheckSpec::of(k, Some((&c.name.value, opt.name.as_ref()))));
            }
        }
    }
    for con in &ct.constraints {
        if let ast::TableConstraint::Check(k) = con {
            check_specs.push(CheckSpec::of(k, None));
            continue;
        }
        if let ast::TableConstraint::ForeignKey(f) = con {
            fk_specs.push(fk::spec(&Binder::new(engine, session, &state), f)?);
            continue;
        }
        if let Some(s) = constraint_spec(con)? {
            push_index(&mut specs, s)?;
        }
    }
    if ct.temporary && !fk_specs.is_empty() {
        return Err(fk::cannot_add());
    }
    let options = TableOptions {
        engine: engine_name,
        collation: table_coll,
        comment: opts.comment.unwrap_or_default(),
    };
    let auto_start = opts.auto_increment.unwrap_or(1);
    if ct.query.is_some() && !check_specs.is_empty() {
        return Err(EngineError::not_supported(
            "CHECK constraints in CREATE TABLE ... SELECT",
        ));
    }
    if let Some(q) = &ct.query {
        return create_select(
            engine,
            session,
            Target {
                schema,
                name,
                options,
                auto_start,
                if_not_exists: ct.if_not_exists,
                temporary: ct.temporary,
            },
            columns,
            specs,
            explicit_null,
            notes,
            q,
        );
    }
    for f in &fk_specs {
        push_fk_index(&mut specs, f);
    }
    let indexes = resolve_indexes(&mut columns, specs, &explicit_null)?;
    let def = Arc::new(TableDef {
        id: crate::catalog::new_table_id(),
        schema,
        name: name.clone(),
        columns,
        indexes,
        options,
        counters: new_counters(auto_start),
        created: crate::temporal_now_secs(),
        temporary: ct.temporary,
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    });
    if def.columns.iter().any(|c| c.generated.is_some()) {
        check::validate_generated(&mut Binder::new(engine, session, &state), &def)?;
    }
    let def = if check_specs.is_empty() {
        def
    } else {
        let checks = check::declare(
            &mut Binder::new(engine, session, &state),
            &state,
            &def,
            &check_specs,
        )?;
        Arc::new(TableDef {
            checks,
            ..(*def).clone()
        })
    };
    let data = TableData::empty(&def);
    let published = if fk_specs.is_empty() {
        publish(engine, session, &def, data, ct.if_not_exists)?
    } else {
        let checks = fk::checks_on(session);
        engine.store.ddl(|st| {
            let foreign_keys = fk::resolve(st, &def, &fk_specs, checks)?;
            let def = Arc::new(TableDef {
                foreign_keys,
                ..(*def).clone()
            });
            add_table(st, &def, data, ct.if_not_exists)
        })?
    };
    if !published {
        session.add_warning("Note", 1050, format!("Table '{name}' already exists"));
    }
    for (code, msg) in notes {
        session.add_warning("Note", code, msg);
    }
    Ok(ok(session, 0, 0, String::new()))
}

/// ALTER TABLE: the existing rows, as the new definition holds them, must pass its enforced
/// CHECK constraints (ER 3819).
fn check_rows(
    engine: &Engine,
    session: &mut Session,
    old: &TableDef,
    new_def: &Arc<TableDef>,
    sources: &[Option<usize>],
    rows: Vec<Vec<Value>>,
) -> Result<(), EngineError> {
    if rows.is_empty() || new_def.checks.iter().all(|c| !c.enforced) {
        return Ok(());
    }
    let state = engine.store.latest();
    let (bound, registers) = {
        let mut b = Binder::new(engine, session, &state);
        let bound = check::bind(&mut b, new_def)?;
        (bound, b.registers)
    };
    let now = session.statement_clock().0;
    let mut warnings = Vec::new();
    let mut images = Vec::with_capacity(rows.len());
    for (rn, row) in rows.iter().enumerate() {
        let mut image = Vec::with_capacity(new_def.columns.len());
        for (c, s) in new_def.columns.iter().zip(sources) {
            image.push(match s {
                Some(s) => {
                    let from = old.columns.get(*s).map(|o| &o.ty).unwrap_or(&c.ty);
                    let v = row.get(*s).unwrap_or(&Value::Null);
                    convert_existing(v, from, c, false, rn as u64 + 1, &mut warnings)?
                }
                None if c.auto_increment => Value::Null,
                None => fill_value(c, now),
            });
        }
        images.push(image);
    }
    super::in_txn(engine, session, |cx| {
        cx.regs.resize(registers.max(16), Value::Null);
        for image in &images {
            if let Some(e) = check::violated(cx, &bound, image)? {
                return Err(e);
            }
        }
        Ok(())
    })
}

/// The CHECK constraints CREATE TABLE ... LIKE copies: renamed `<table>_chk_<n>` in order, as
/// MySQL names them (constraint names are unique per schema).
fn like_checks(source: &TableDef, name: &str) -> Vec<CheckDef> {
    source
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| CheckDef {
            name: format!("{name}_chk_{}", i + 1),
            ..c.clone()
        })
        .collect()
}

/// CREATE [TEMPORARY] TABLE t LIKE src: the same columns, indexes and options, no rows. The
/// source may be a temporary table.
fn create_like(
    engine: &Engine,
    session: &mut Session,
    (schema, name): (&str, &str),
    src: &ast::ObjectName,
    if_not_exists: bool,
    temporary: bool,
) -> Result<Outcome, EngineError> {
    check_ddl(engine, session, src, Privs::SELECT)?;
    let state = engine.store.latest();
    let (ss, st) = Binder::new(engine, session, &state).table_name(src)?;
    if ss == schema && st == name {
        return Err(err(
            1066,
            "42000",
            format!("Not unique table/alias: '{name}'"),
        ));
    }
    let source = match infoschema::lookup(&ss, &st) {
        Some((vt, _)) => infoschema::table_def(vt),
        None => visible_table(session, &state, &ss, &st)
            .map(|t| t.def)
            .ok_or_else(|| EngineError::no_such_table(&ss, &st))?,
    };
    let mut options = source.options.clone();
    if options.engine.is_empty() {
        options.engine = "InnoDB".into();
    }
    let def = Arc::new(TableDef {
        id: crate::catalog::new_table_id(),
        schema: schema.to_string(),
        name: name.to_string(),
        columns: source.columns.clone(),
        indexes: source.indexes.clone(),
        options,
        counters: new_counters(1),
        created: crate::temporal_now_secs(),
        temporary,
        foreign_keys: Vec::new(),
        checks: like_checks(&source, name),
    });
    let data = TableData::empty(&def);
    if !publish(engine, session, &def, data, if_not_exists)? {
        session.add_warning("Note", 1050, format!("Table '{name}' already exists"));
    }
    Ok(ok(session, 0, 0, String::new()))
}

/// Where CREATE TABLE ... SELECT puts its table.
struct Target {
    schema: String,
    name: String,
    options: TableOptions,
    auto_start: u64,
    if_not_exists: bool,
    temporary: bool,
}

/// The column CREATE TABLE ... SELECT makes for a result column: a copy of the column it reads
/// (without AUTO_INCREMENT), or one of the expression's type; NOT NULL expressions get the
/// type's zero as DEFAULT, as MySQL gives them.
fn select_column(
    session: &Session,
    state: &storage::State,
    out: &crate::plan::OutCol,
) -> ColumnDef {
    if let Some(o) = &out.origin
        && let Some(src) = visible_table(session, state, &o.schema, &o.org_table).and_then(|t| {
            t.def
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(&o.org_name))
                .cloned()
        })
    {
        return ColumnDef {
            name: out.name.clone(),
            nullable: out.nullable,
            auto_increment: false,
            generated: None,
            invisible: false,
            ..src
        };
    }
    let mut ty = out.ty.clone();
    if ty.base == BaseType::Null {
        ty = SqlType::new(BaseType::Binary);
    } else if ty.is_integer() && ty.base == BaseType::BigInt && ty.length > 0 && ty.length < 10 {
        ty.base = BaseType::Int;
    }
    if ty.is_integer() && !(ty.base == BaseType::TinyInt && ty.length == 1) {
        ty.length = 0;
    }
    if ty.is_text() && ty.collation.is_binary() {
        ty.collation = Collation::Utf8mb4_0900_ai_ci;
    }
    let default = if out.nullable || ty.is_temporal() || ty.is_blob() || ty.base == BaseType::Json {
        ColumnDefault::None
    } else {
        ColumnDefault::Value(implicit_default(&ty))
    };
    ColumnDef {
        name: out.name.clone(),
        ty,
        nullable: out.nullable,
        default,
        on_update_now: false,
        auto_increment: false,
        comment: String::new(),
        generated: None,
        invisible: false,
    }
}

#[allow(clippy::too_many_arguments)]
fn create_select(
    engine: &Engine,
    session: &mut Session,
    target: Target,
    mut columns: Vec<ColumnDef>,
    specs: Vec<IndexSpec>,
    explicit_null: Vec<String>,
    notes: Warnings,
    q: &ast::Query,
) -> Result<Outcome, EngineError> {
    let (plan, _) = super::bind_plan(engine, session, None, q)?;
    let state = engine.store.latest();
    // Where each result column goes.
    let mut dest = Vec::with_capacity(plan.columns.len());
    let declared = columns.len();
    for out in &plan.columns {
        if let Some(p) = columns
            .iter()
            .take(declared)
            .position(|c| c.name.eq_ignore_ascii_case(&out.name))
        {
            dest.push(p);
            continue;
        }
        if columns
            .iter()
            .skip(declared)
            .any(|c| c.name.eq_ignore_ascii_case(&out.name))
        {
            return Err(dup_column(&out.name));
        }
        check_identifier(&out.name, "column")?;
        columns.push(select_column(session, &state, out));
        dest.push(columns.len() - 1);
    }
    let indexes = resolve_indexes(&mut columns, specs, &explicit_null)?;
    let def = Arc::new(TableDef {
        id: crate::catalog::new_table_id(),
        schema: target.schema.clone(),
        name: target.name.clone(),
        columns,
        indexes,
        options: target.options,
        counters: new_counters(target.auto_start),
        created: crate::temporal_now_secs(),
        temporary: target.temporary,
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    });
    let registers = plan.registers;
    let (source, now) = super::in_txn(engine, session, |cx| {
        cx.regs.resize(registers.max(16), Value::Null);
        let mut rows = Vec::new();
        execute::run_plan(&plan, cx, &mut |r| {
            rows.push(r);
            Ok(())
        })?;
        Ok((rows, cx.now))
    })?;
    // CREATE TEMPORARY TABLE ... SELECT leaves the transaction open; its rows belong to the
    // new table from the start (MySQL cannot roll the statement back either).
    if !target.temporary {
        implicit_commit(engine, session);
    }
    let strict = session.strict();
    let mut warnings: Warnings = Vec::new();
    let auto = def.auto_increment_column();
    let mut rows = Vec::with_capacity(source.len());
    for (n, src) in source.into_iter().enumerate() {
        let rown = n as u64 + 1;
        let mut row: Vec<Option<Value>> = vec![None; def.columns.len()];
        for (v, d) in src.into_iter().zip(&dest) {
            if let Some(slot) = row.get_mut(*d) {
                *slot = Some(v);
            }
        }
        let mut full = Vec::with_capacity(def.columns.len());
        for (i, (c, v)) in def.columns.iter().zip(row).enumerate() {
            let v = match v {
                None => fill_value(c, now),
                Some(v) if v.is_null() && !c.nullable && !c.auto_increment => {
                    let msg = format!("Column '{}' cannot be null", c.name);
                    if strict {
                        return Err(err(1048, "23000", msg));
                    }
                    warnings.push((1048, msg));
                    implicit_default(&c.ty)
                }
                Some(v) => convert(&v, &c.ty, strict, &c.name, rown, &mut warnings)?,
            };
            let v = if Some(i) == auto && (v.is_null() || v.to_i64() == Some(0)) {
                let next = super::next_auto_increment(session, &def.counters.auto_increment);
                convert(
                    &Value::UInt(next),
                    &c.ty,
                    true,
                    &c.name,
                    rown,
                    &mut warnings,
                )?
            } else {
                v
            };
            full.push(v);
        }
        rows.push((None, full));
    }
    bump_auto_increment(&def, &rows, 1);
    let n = rows.len() as u64;
    let data = build_data(&def, rows)?;
    if !publish(engine, session, &def, data, target.if_not_exists)? {
        session.add_warning(
            "Note",
            1050,
            format!("Table '{}' already exists", target.name),
        );
        return Ok(ok(session, 0, 0, String::new()));
    }
    for (code, msg) in notes {
        session.add_warning("Note", code, msg);
    }
    for (code, msg) in warnings {
        session.add_warning("Warning", code, msg);
    }
    let info = format!(
        "Records: {n}  Duplicates: 0  Warnings: {}",
        session.warning_count()
    );
    session.row_count = n as i64;
    Ok(ok(session, n, 0, info))
}

// ---------------------------------------------------------------------------------------------
// DROP TABLE, TRUNCATE TABLE

/// DROP [TEMPORARY] TABLE [IF EXISTS] t, ...: a name drops the session's temporary table of
/// that name first; with TEMPORARY only temporary tables are looked for (and the open
/// transaction is not committed). All or nothing: an unknown table (1051) drops none.
pub(super) fn drop_tables(
    engine: &Engine,
    session: &mut Session,
    names: &[ast::ObjectName],
    if_exists: bool,
    temporary: bool,
) -> Result<Outcome, EngineError> {
    if !temporary {
        for n in names {
            check_ddl(engine, session, n, Privs::DROP)?;
        }
    }
    if !temporary {
        implicit_commit(engine, session);
    }
    let state = engine.store.latest();
    let mut targets = Vec::new();
    {
        let b = Binder::new(engine, session, &state);
        for n in names {
            targets.push(b.table_name(n)?);
        }
    }
    let mut missing = Vec::new();
    let mut ids = Vec::new();
    let mut temps = Vec::new();
    for (s, t) in &targets {
        if session.temp.table(s, t).is_some() {
            temps.push((s.clone(), t.clone()));
            continue;
        }
        match state.table(s, t) {
            Some(tb) if !temporary => ids.push(tb.def.id),
            _ => missing.push(format!("{s}.{t}")),
        }
    }
    if !missing.is_empty() && !if_exists {
        return Err(err(
            1051,
            "42S02",
            format!("Unknown table '{}'", missing.join(",")),
        ));
    }
    if !ids.is_empty() {
        let _mdl = lock_for_ddl(engine, session, &ids)?;
        let checks = fk::checks_on(session);
        engine.store.ddl(|st| {
            if checks {
                let dropped: Vec<(String, String)> = targets
                    .iter()
                    .filter(|(s, t)| st.table(s, t).is_some_and(|tb| ids.contains(&tb.def.id)))
                    .cloned()
                    .collect();
                fk::check_drop(st, &dropped)?;
            }
            for (s, t) in &targets {
                if let Some(sch) = st.schemas.get_mut(s)
                    && sch.tables.get(t).is_some_and(|tb| ids.contains(&tb.def.id))
                {
                    sch.tables.remove(t);
                    // The table's triggers go with it.
                    sch.drop_table_triggers(t);
                }
            }
            Ok(())
        })?;
    }
    if !temps.is_empty() {
        session.temp.ddl(&state, |st| {
            for (s, t) in &temps {
                if let Some(sch) = st.schemas.get_mut(s) {
                    sch.tables.remove(t);
                }
            }
            Ok(())
        })?;
    }
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
    for n in names {
        check_ddl(engine, session, n, Privs::DROP)?;
    }
    implicit_commit(engine, session);
    let state = engine.store.latest();
    let mut targets = Vec::new();
    let mut temps = Vec::new();
    {
        let b = Binder::new(engine, session, &state);
        for n in names {
            let (s, t) = b.table_name(n)?;
            let def = b.table_def(&s, &t)?;
            if def.temporary {
                temps.push((s, t, def.id));
            } else {
                targets.push((s, t, def.id));
            }
        }
    }
    let empty = |st: &mut storage::State, targets: &[(String, String, u64)]| {
        for (s, t, _) in targets {
            if let Some(tb) = st.schemas.get_mut(s).and_then(|x| x.tables.get_mut(t)) {
                tb.data = TableData::empty(&tb.def);
                tb.def.counters.auto_increment.store(1, Ordering::Relaxed);
            }
        }
        Ok::<(), EngineError>(())
    };
    if !targets.is_empty() {
        let ids: Vec<u64> = targets.iter().map(|t| t.2).collect();
        let _mdl = lock_for_ddl(engine, session, &ids)?;
        let checks = fk::checks_on(session);
        engine.store.ddl(|st| {
            if checks {
                for (s, t, _) in &targets {
                    fk::check_truncate(st, s, t)?;
                }
            }
            empty(st, &targets)
        })?;
    }
    if !temps.is_empty() {
        session.temp.ddl(&state, |st| empty(st, &temps))?;
    }
    Ok(ok(session, 0, 0, String::new()))
}

// ---------------------------------------------------------------------------------------------
// ALTER TABLE, CREATE INDEX, DROP INDEX

/// One operation of ALTER TABLE (CREATE/DROP INDEX are one-operation ALTERs).
enum Op<'a> {
    Ast(&'a ast::AlterTableOperation),
    AddIndex(IndexSpec),
    DropIndex(String),
    /// Table options: ENGINE, [DEFAULT] CHARSET/COLLATE (the default for new columns),
    /// COMMENT, AUTO_INCREMENT.
    Options(&'a [ast::SqlOption]),
    /// CONVERT TO CHARACTER SET cs [COLLATE c]: every character column and the table default.
    Convert(&'a str, Option<&'a str>),
    /// DROP CHECK name (None), ALTER CHECK name [NOT] ENFORCED (Some).
    Check(&'a str, Option<bool>),
    /// ALTER [COLUMN] name SET {VISIBLE | INVISIBLE} (true: invisible).
    Visibility(&'a str, bool),
}

/// A column of the table being altered, and where its values come from.
struct WorkCol {
    def: ColumnDef,
    /// Position in the old rows; None for an added column.
    src: Option<usize>,
}

fn find_col(cols: &[WorkCol], name: &str) -> Option<usize> {
    cols.iter()
        .position(|c| c.def.name.eq_ignore_ascii_case(name))
}

fn place(
    cols: &mut Vec<WorkCol>,
    col: WorkCol,
    at: usize,
    position: Option<&ast::MySQLColumnPosition>,
    table: &str,
) -> Result<(), EngineError> {
    let idx = match position {
        None => at.min(cols.len()),
        Some(ast::MySQLColumnPosition::First) => 0,
        Some(ast::MySQLColumnPosition::After(a)) => {
            find_col(cols, &a.value).ok_or_else(|| unknown_column(&a.value, table))? + 1
        }
    };
    cols.insert(idx.min(cols.len()), col);
    Ok(())
}

fn rename_parts(specs: &mut [IndexSpec], old: &str, new: &str) {
    for s in specs {
        for p in &mut s.parts {
            if p.column.eq_ignore_ascii_case(old) {
                p.column = new.to_string();
            }
        }
    }
}

pub(super) fn alter_table(
    engine: &Engine,
    session: &mut Session,
    at: &ast::AlterTable,
) -> Result<Outcome, EngineError> {
    alter_table_with(engine, session, at, &AlterExtras::default())
}

/// ALTER TABLE with the parts sqlparser cannot parse ([`AlterExtras`]), applied before the
/// parsed operations (so columns added in the same statement get the new default charset).
pub(super) fn alter_table_with(
    engine: &Engine,
    session: &mut Session,
    at: &ast::AlterTable,
    extras: &AlterExtras,
) -> Result<Outcome, EngineError> {
    // ALTER first: it is the privilege the message should name.
    check_ddl(engine, session, &at.name, Privs::ALTER)?;
    check_ddl(engine, session, &at.name, Privs::CREATE | Privs::INSERT)?;
    let mut ops: Vec<Op<'_>> = Vec::new();
    if !extras.options.is_empty() {
        ops.push(Op::Options(&extras.options));
    }
    if let Some((cs, coll)) = &extras.convert_to {
        ops.push(Op::Convert(cs, coll.as_deref()));
    }
    for (n, e) in &extras.checks {
        ops.push(Op::Check(n, *e));
    }
    for (i, a) in at.operations.iter().enumerate() {
        ops.extend(
            extras
                .visibility
                .iter()
                .filter(|v| v.0 == i)
                .map(|(_, c, inv)| Op::Visibility(c, *inv)),
        );
        ops.push(Op::Ast(a));
    }
    ops.extend(
        extras
            .visibility
            .iter()
            .filter(|v| v.0 >= at.operations.len())
            .map(|(_, c, inv)| Op::Visibility(c, *inv)),
    );
    alter(engine, session, &at.name, ops)
}

/// CREATE [UNIQUE] INDEX name ON t (cols): ALTER TABLE t ADD [UNIQUE] INDEX name (cols).
pub(super) fn create_index(
    engine: &Engine,
    session: &mut Session,
    ci: &ast::CreateIndex,
) -> Result<Outcome, EngineError> {
    check_ddl(engine, session, &ci.table_name, Privs::INDEX)?;
    let Some(name) = &ci.name else {
        return Err(EngineError::parse_error(
            &format!("ON {}", ci.table_name),
            1,
        ));
    };
    let spec = IndexSpec {
        name: name_parts(name).pop(),
        primary: false,
        unique: ci.unique,
        parts: part_specs(&ci.columns)?,
        comment: index_comment(&ci.index_options),
        existing: false,
    };
    alter(engine, session, &ci.table_name, vec![Op::AddIndex(spec)])
}

/// DROP INDEX name ON t: ALTER TABLE t DROP INDEX name.
pub(super) fn drop_index(
    engine: &Engine,
    session: &mut Session,
    names: &[ast::ObjectName],
    table: Option<&ast::ObjectName>,
) -> Result<Outcome, EngineError> {
    if let Some(t) = table {
        check_ddl(engine, session, t, Privs::INDEX)?;
    }
    let (Some(table), [name]) = (table, names) else {
        let near = names.first().map(|n| n.to_string()).unwrap_or_default();
        return Err(EngineError::parse_error(&near, 1));
    };
    let index = name_parts(name).pop().unwrap_or_default();
    alter(engine, session, table, vec![Op::DropIndex(index)])
}

fn alter(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
    ops: Vec<Op<'_>>,
) -> Result<Outcome, EngineError> {
    implicit_commit(engine, session);
    let (schema, tname) = {
        let state = engine.store.latest();
        let b = Binder::new(engine, session, &state);
        let (s, t) = b.table_name(name)?;
        if infoschema::lookup(&s, &t).is_some() {
            return Err(err(
                1044,
                "42000",
                format!(
                    "Access denied for user '{}'@'{}' to database '{}'",
                    session.info.user,
                    session.info.account_host,
                    infoschema::SCHEMA
                ),
            ));
        }
        b.table_def(&s, &t)?;
        (s, t)
    };
    // A temporary table is the session's own: no metadata lock, its own state.
    let temporary = session.temp.table(&schema, &tname).is_some();
    let _mdl = if temporary {
        None
    } else {
        let id = engine
            .store
            .latest()
            .table(&schema, &tname)
            .map(|t| t.def.id)
            .ok_or_else(|| EngineError::no_such_table(&schema, &tname))?;
        Some(lock_for_ddl(engine, session, &[id])?)
    };
    // The definition as it is once no transaction uses the table.
    let state = engine.store.latest();
    let old = if temporary {
        session.temp.table(&schema, &tname)
    } else {
        state.table(&schema, &tname)
    }
    .map(|t| t.def.clone())
    .ok_or_else(|| EngineError::no_such_table(&schema, &tname))?;
    let strict = session.strict();
    let mut notes: Warnings = Vec::new();
    let mut cols: Vec<WorkCol> = old
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| WorkCol {
            def: c.clone(),
            src: Some(i),
        })
        .collect();
    let mut specs: Vec<IndexSpec> = old.indexes.iter().map(|i| IndexSpec::of(&old, i)).collect();
    let mut explicit_null: Vec<String> = Vec::new();
    let mut options = old.options.clone();
    let mut new_name: Option<(String, String)> = None;
    let mut auto_increment: Option<u64> = None;
    let mut only_rename = true;
    let mut table_coll = options.collation;
    // FOREIGN KEYs kept, with their columns by name (positions change), and those added.
    let mut kept_fks: Vec<(ForeignKeyDef, Vec<String>)> = old
        .foreign_keys
        .iter()
        .map(|f| {
            let names = f
                .columns
                .iter()
                .filter_map(|c| old.columns.get(*c).map(|c| c.name.clone()))
                .collect();
            (f.clone(), names)
        })
        .collect();
    let mut new_fks: Vec<FkSpec> = Vec::new();
    // CHECK constraints kept, those added, and whether the rows must be checked again.
    let mut kept_checks = old.checks.clone();
    let mut add_checks: Vec<CheckSpec> = Vec::new();
    let mut verify_checks = false;
    let mut dropped_indexes: Vec<String> = Vec::new();
    // Renamed columns (old, new), which constraints referencing them follow.
    let mut col_renames: Vec<(String, String)> = Vec::new();
    // Constraints of other tables referencing this one: (child table, constraint).
    let mut referencing: Vec<(String, ForeignKeyDef)> = state
        .referenced
        .get(&old.id)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let c = state.table(&r.schema, &r.table)?;
            Some((c.def.name.clone(), c.def.foreign_keys.get(r.fk)?.clone()))
        })
        .collect();
    for op in &ops {
        let ast_op = match op {
            Op::AddIndex(spec) => {
                only_rename = false;
                push_index(&mut specs, spec.clone())?;
                continue;
            }
            Op::DropIndex(n) => {
                only_rename = false;
                drop_index_spec(&mut specs, n)?;
                dropped_indexes.push(n.clone());
                continue;
            }
            Op::Options(list) => {
                only_rename = false;
                let o = plain_opts(list)?;
                if let Some(e) = &o.engine {
                    options.engine = engine_name(e)?;
                }
                if let Some(c) = resolve_collation(o.charset.as_deref(), o.collation.as_deref())? {
                    table_coll = c;
                }
                if let Some(c) = o.comment {
                    options.comment = c;
                }
                if o.auto_increment.is_some() {
                    auto_increment = o.auto_increment;
                }
                continue;
            }
            Op::Convert(cs, coll) => {
                only_rename = false;
                let c = resolve_collation(Some(cs), *coll)?.unwrap_or(table_coll);
                for wc in &mut cols {
                    let ty = &mut wc.def.ty;
                    if ty.is_text() || matches!(ty.base, BaseType::Enum | BaseType::Set) {
                        apply_charset(ty, Some(c.charset()), Some(c.name()))?;
                        check_length(ty, &wc.def.name, strict, &mut notes)?;
                    }
                }
                table_coll = c;
                continue;
            }
            Op::Check(n, enforce) => {
                only_rename = false;
                let pos = kept_checks
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(n))
                    .ok_or_else(|| check::not_found(n))?;
                match enforce {
                    None => {
                        kept_checks.remove(pos);
                    }
                    Some(e) => {
                        if let Some(c) = kept_checks.get_mut(pos) {
                            verify_checks |= *e && !c.enforced;
                            c.enforced = *e;
                        }
                    }
                }
                continue;
            }
            Op::Visibility(n, invisible) => {
                only_rename = false;
                let pos = find_col(&cols, n).ok_or_else(|| unknown_column(n, &tname))?;
                cols[pos].def.invisible = *invisible;
                continue;
            }
            Op::Ast(a) => *a,
        };
        if !matches!(ast_op, ast::AlterTableOperation::RenameTable { .. }) {
            only_rename = false;
        }
        match ast_op {
            ast::AlterTableOperation::AddColumn {
                column_def,
                column_position,
                if_not_exists,
                ..
            } => {
                let spec = column_spec(column_def, table_coll, strict, &mut notes)?;
                for opt in &column_def.options {
                    if let ast::ColumnOption::Check(k) = &opt.option {
                        add_checks.push(CheckSpec::of(
                            k,
                            Some((&column_def.name.value, opt.name.as_ref())),
                        ));
                    }
                }
                if find_col(&cols, &spec.def.name).is_some() {
                    if *if_not_exists {
                        continue;
                    }
                    return Err(dup_column(&spec.def.name));
                }
                if spec.primary {
                    push_index(&mut specs, IndexSpec::on_column(&spec.def.name, true))?;
                }
                if spec.unique {
                    push_index(&mut specs, IndexSpec::on_column(&spec.def.name, false))?;
                }
                if spec.explicit_null {
                    explicit_null.push(spec.def.name.clone());
                }
                let at = cols.len();
                place(
                    &mut cols,
                    WorkCol {
                        def: spec.def,
                        src: None,
                    },
                    at,
                    column_position.as_ref(),
                    &tname,
                )?;
            }
            ast::AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                for n in column_names {
                    let Some(pos) = find_col(&cols, &n.value) else {
                        if *if_exists {
                            continue;
                        }
                        return Err(cant_drop(&n.value));
                    };
                    fk_column_in_use(&kept_fks, &referencing, &old, &n.value)?;
                    cols.remove(pos);
                    for s in &mut specs {
                        s.parts.retain(|p| !p.column.eq_ignore_ascii_case(&n.value));
                    }
                    specs.retain(|s| !s.parts.is_empty());
                }
                if cols.is_empty() {
                    return Err(err(
                        1090,
                        "42000",
                        "You can't delete all columns with ALTER TABLE; use DROP TABLE instead"
                            .into(),
                    ));
                }
            }
            ast::AlterTableOperation::ModifyColumn {
                col_name,
                data_type,
                options: copts,
                column_position,
            } => {
                let pos = find_col(&cols, &col_name.value)
                    .ok_or_else(|| unknown_column(&col_name.value, &tname))?;
                let ident = ast::Ident::new(cols[pos].def.name.clone());
                let decl = column_decl(&ident, data_type, copts);
                replace_column(
                    &mut cols,
                    &mut specs,
                    &mut explicit_null,
                    pos,
                    &decl,
                    column_position.as_ref(),
                    (table_coll, strict, &tname),
                    &mut notes,
                )?;
            }
            ast::AlterTableOperation::ChangeColumn {
                old_name,
                new_name: nn,
                data_type,
                options: copts,
                column_position,
            } => {
                let pos = find_col(&cols, &old_name.value)
                    .ok_or_else(|| unknown_column(&old_name.value, &tname))?;
                if let Some(other) = find_col(&cols, &nn.value)
                    && other != pos
                {
                    return Err(dup_column(&nn.value));
                }
                let old_col = cols[pos].def.name.clone();
                rename_parts(&mut specs, &old_col, &nn.value);
                rename_fk_columns(&mut kept_fks, &old_col, &nn.value);
                rename_referenced(&mut referencing, &mut col_renames, &old_col, &nn.value);
                let decl = column_decl(nn, data_type, copts);
                replace_column(
                    &mut cols,
                    &mut specs,
                    &mut explicit_null,
                    pos,
                    &decl,
                    column_position.as_ref(),
                    (table_coll, strict, &tname),
                    &mut notes,
                )?;
            }
            ast::AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let pos = find_col(&cols, &old_column_name.value)
                    .ok_or_else(|| unknown_column(&old_column_name.value, &tname))?;
                if let Some(other) = find_col(&cols, &new_column_name.value)
                    && other != pos
                {
                    return Err(dup_column(&new_column_name.value));
                }
                check_identifier(&new_column_name.value, "column")?;
                let old_col = cols[pos].def.name.clone();
                rename_parts(&mut specs, &old_col, &new_column_name.value);
                rename_fk_columns(&mut kept_fks, &old_col, &new_column_name.value);
                rename_referenced(
                    &mut referencing,
                    &mut col_renames,
                    &old_col,
                    &new_column_name.value,
                );
                cols[pos].def.name = new_column_name.value.clone();
            }
            ast::AlterTableOperation::AddConstraint {
                constraint: ast::TableConstraint::ForeignKey(f),
                ..
            } => {
                new_fks.push(fk::spec(&Binder::new(engine, session, &state), f)?);
            }
            ast::AlterTableOperation::DropForeignKey { name, .. } => {
                let pos = kept_fks
                    .iter()
                    .position(|(f, _)| f.name.eq_ignore_ascii_case(&name.value))
                    .ok_or_else(|| cant_drop(&name.value))?;
                kept_fks.remove(pos);
            }
            ast::AlterTableOperation::AddConstraint {
                constraint: ast::TableConstraint::Check(k),
                ..
            } => {
                add_checks.push(CheckSpec::of(k, None));
            }
            ast::AlterTableOperation::DropConstraint {
                name, if_exists, ..
            } => {
                let n = &name.value;
                if let Some(pos) = kept_checks
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(n))
                {
                    kept_checks.remove(pos);
                } else if let Some(pos) = kept_fks
                    .iter()
                    .position(|(f, _)| f.name.eq_ignore_ascii_case(n))
                {
                    kept_fks.remove(pos);
                } else if specs.iter().any(|s| {
                    s.unique && s.name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n))
                }) {
                    drop_index_spec(&mut specs, n)?;
                    dropped_indexes.push(n.clone());
                } else if !*if_exists {
                    return Err(err(
                        3940,
                        "HY000",
                        format!("Constraint '{n}' does not exist."),
                    ));
                }
            }
            ast::AlterTableOperation::AddConstraint { constraint, .. } => {
                if let Some(s) = constraint_spec(constraint)? {
                    push_index(&mut specs, s)?;
                }
            }
            ast::AlterTableOperation::DropIndex { name } => {
                drop_index_spec(&mut specs, &name.value)?;
                dropped_indexes.push(name.value.clone());
            }
            ast::AlterTableOperation::DropPrimaryKey { .. } => {
                drop_index_spec(&mut specs, "PRIMARY")?;
                dropped_indexes.push("PRIMARY".into());
            }
            ast::AlterTableOperation::RenameTable { table_name } => {
                let (ast::RenameTableNameKind::To(n) | ast::RenameTableNameKind::As(n)) =
                    table_name;
                new_name = Some(new_table_name(engine, session, n)?);
            }
            ast::AlterTableOperation::AlterColumn { column_name, op } => {
                let pos = find_col(&cols, &column_name.value)
                    .ok_or_else(|| unknown_column(&column_name.value, &tname))?;
                let c = &mut cols[pos].def;
                match op {
                    ast::AlterColumnOperation::SetDefault { value } => {
                        if c.auto_increment {
                            return Err(invalid_default(&c.name));
                        }
                        let d = default_value(value, &c.ty, &c.name)?;
                        if matches!(d, ColumnDefault::Value(Value::Null)) && !c.nullable {
                            return Err(invalid_default(&c.name));
                        }
                        c.default = d;
                    }
                    ast::AlterColumnOperation::DropDefault => c.default = ColumnDefault::None,
                    other => {
                        return Err(EngineError::not_supported(&format!("ALTER COLUMN {other}")));
                    }
                }
            }
            ast::AlterTableOperation::AutoIncrement { value, .. } => {
                let text = value.value.to_string();
                auto_increment = Some(
                    text.parse::<u64>()
                        .map_err(|_| EngineError::parse_error(&text, 1))?,
                );
            }
            ast::AlterTableOperation::Algorithm { .. } | ast::AlterTableOperation::Lock { .. } => {}
            other => {
                return Err(EngineError::not_supported(&format!("ALTER TABLE {other}")));
            }
        }
    }
    let (schema2, name2) = new_name.unwrap_or_else(|| (schema.clone(), tname.clone()));
    let renamed = schema2 != schema || name2 != tname;
    let taken = if temporary {
        session.temp.table(&schema2, &name2).is_some()
    } else {
        state.table(&schema2, &name2).is_some()
    };
    if renamed && taken {
        return Err(table_exists(&name2));
    }
    options.collation = table_coll;
    let new_generated = cols.iter().any(|c| {
        c.def.generated.is_some()
            && c.src
                .and_then(|s| old.columns.get(s))
                .is_none_or(|o| o.generated != c.def.generated || o.ty != c.def.ty)
    });
    if new_generated {
        return Err(EngineError::not_supported(
            "adding or changing generated columns with ALTER TABLE",
        ));
    }
    let sources: Vec<Option<usize>> = cols.iter().map(|c| c.src).collect();
    let mut columns: Vec<ColumnDef> = cols.into_iter().map(|c| c.def).collect();
    for f in &new_fks {
        push_fk_index(&mut specs, f);
    }
    let indexes = resolve_indexes(&mut columns, specs, &explicit_null)?;
    let foreign_keys: Vec<ForeignKeyDef> = kept_fks
        .into_iter()
        .map(|(f, names)| ForeignKeyDef {
            columns: names
                .iter()
                .filter_map(|n| columns.iter().position(|c| c.name.eq_ignore_ascii_case(n)))
                .collect(),
            ..f
        })
        .collect();
    check_fk_indexes(
        &foreign_keys,
        &referencing,
        &columns,
        &indexes,
        &dropped_indexes,
    )?;
    let checks = fk::checks_on(session);
    let new_def = Arc::new(TableDef {
        id: old.id,
        schema: schema2.clone(),
        name: name2.clone(),
        columns,
        indexes,
        options,
        counters: old.counters.clone(),
        created: old.created,
        temporary: old.temporary,
        foreign_keys,
        checks: kept_checks,
    });
    if new_def.columns.iter().any(|c| c.generated.is_some()) {
        check::revalidate_generated(&mut Binder::new(engine, session, &state), &new_def)?;
    }
    let new_def = if add_checks.is_empty() && new_def.checks.is_empty() {
        new_def
    } else {
        let mut b = Binder::new(engine, session, &state);
        check::revalidate(&mut b, &new_def)?;
        let checks = check::declare(&mut b, &state, &new_def, &add_checks)?;
        Arc::new(TableDef {
            checks,
            ..(*new_def).clone()
        })
    };
    // Which values must be rewritten, and whether MySQL would copy the rows.
    let columns_same = sources.len() == old.columns.len()
        && sources.iter().enumerate().all(|(i, s)| *s == Some(i))
        && new_def
            .columns
            .iter()
            .zip(&old.columns)
            .all(|(a, b)| a.ty == b.ty && (a.nullable || !b.nullable));
    let retyped = new_def.columns.iter().zip(&sources).any(|(c, s)| {
        s.and_then(|s| old.columns.get(s))
            .is_some_and(|o| o.ty != c.ty)
    });
    if verify_checks || add_checks.iter().any(|c| c.enforced) || !columns_same {
        let rows: Vec<Vec<Value>> = if temporary {
            session.temp.table(&schema, &tname)
        } else {
            state.table(&schema, &tname)
        }
        .map(|t| t.data.rows.iter().map(|r| r.unpack()).collect())
        .unwrap_or_default();
        check_rows(engine, session, &old, &new_def, &sources, rows)?;
    }
    let pk_dropped = old.primary().is_some() && new_def.primary().is_none();
    let indexes_same = new_def.indexes == old.indexes;
    let now = session.statement_clock().0;
    let rebuild = |st: &mut storage::State| {
        let current = st
            .table(&schema, &tname)
            .filter(|t| t.def.id == old.id)
            .cloned()
            .ok_or_else(|| EngineError::no_such_table(&schema, &tname))?;
        let n = current.data.rows.len() as u64;
        let mut warnings: Warnings = Vec::new();
        let data = if columns_same && indexes_same {
            current.data.clone()
        } else if columns_same
            && old.primary().map(|p| &p.parts) == new_def.primary().map(|p| &p.parts)
        {
            // Only secondary indexes change (CREATE/DROP INDEX, ADD UNIQUE ...): the rows are
            // shared, not copied; unchanged indexes are kept and new ones built.
            with_indexes(&old, &new_def, &current.data)?
        } else {
            let keep_keys = old.primary().is_none() && new_def.primary().is_none();
            let mut rows = Vec::with_capacity(current.data.rows.len());
            let mut next_auto = auto_increment.unwrap_or(1).max(1);
            for (rn, stored) in current.data.rows.iter().enumerate() {
                let (k, row) = (key::key(stored.key()), stored.unpack());
                let rown = rn as u64 + 1;
                let mut new_row = Vec::with_capacity(new_def.columns.len());
                for (c, s) in new_def.columns.iter().zip(&sources) {
                    let v = match s {
                        Some(s) => {
                            let from = old.columns.get(*s).map(|o| &o.ty).unwrap_or(&c.ty);
                            let v = row.get(*s).unwrap_or(&Value::Null);
                            convert_existing(v, from, c, strict, rown, &mut warnings)?
                        }
                        None if c.auto_increment => {
                            let v = Value::UInt(next_auto);
                            next_auto += 1;
                            convert(&v, &c.ty, true, &c.name, rown, &mut warnings)?
                        }
                        None => fill_value(c, now),
                    };
                    new_row.push(v);
                }
                rows.push((keep_keys.then(|| k.clone()), new_row));
            }
            bump_auto_increment(&new_def, &rows, 1);
            build_data(&new_def, rows)?
        };
        if let Some(n) = auto_increment {
            let max = data
                .rows
                .iter()
                .filter_map(|r| {
                    new_def
                        .auto_increment_column()
                        .and_then(|a| r.get(a))
                        .and_then(|v| v.to_i64())
                })
                .max()
                .unwrap_or(0);
            let next = n.max(u64::try_from(max).unwrap_or(0) + 1).max(1);
            new_def
                .counters
                .auto_increment
                .store(next, Ordering::Relaxed);
        }
        let final_def = if new_fks.is_empty() {
            new_def.clone()
        } else {
            let foreign_keys = fk::resolve(st, &new_def, &new_fks, checks)?;
            let added = foreign_keys
                .get(new_def.foreign_keys.len()..)
                .unwrap_or(&[]);
            let def = TableDef {
                foreign_keys: foreign_keys.clone(),
                ..(*new_def).clone()
            };
            if checks {
                fk::check_rows(st, &def, &data, added)?;
            }
            Arc::new(def)
        };
        if let Some(sch) = st.schemas.get_mut(&schema) {
            sch.tables.remove(&tname);
        }
        let Some(target) = st.schemas.get_mut(&schema2) else {
            return Err(EngineError::bad_db(&schema2));
        };
        if target.tables.contains_key(&name2) {
            return Err(table_exists(&name2));
        }
        target.tables.insert(
            name2.clone(),
            Table {
                def: final_def,
                data,
            },
        );
        if renamed {
            fk::repoint(st, (&schema, &tname), (&schema2, &name2));
            st.rename_table_triggers((&schema, &tname), (&schema2, &name2))?;
        }
        if !col_renames.is_empty() {
            fk::rename_referenced_columns(st, (&schema2, &name2), &col_renames);
        }
        Ok((n, warnings))
    };
    let (rows_n, warnings) = if temporary {
        session.temp.ddl(&state, rebuild)?
    } else {
        engine.store.ddl(rebuild)?
    };
    for (code, msg) in notes {
        session.add_warning("Note", code, msg);
    }
    for (code, msg) in warnings {
        session.add_warning("Warning", code, msg);
    }
    if only_rename {
        return Ok(ok(session, 0, 0, String::new()));
    }
    let copied = if retyped || pk_dropped { rows_n } else { 0 };
    let info = format!(
        "Records: {copied}  Duplicates: 0  Warnings: {}",
        session.warning_count()
    );
    Ok(ok(session, copied, 0, info))
}

/// Renames a column among the kept FOREIGN KEYs' columns (ALTER TABLE CHANGE / RENAME COLUMN).
fn rename_fk_columns(fks: &mut [(ForeignKeyDef, Vec<String>)], old: &str, new: &str) {
    for (_, names) in fks {
        for n in names.iter_mut() {
            if n.eq_ignore_ascii_case(old) {
                *n = new.to_string();
            }
        }
    }
}

/// A column of a referenced table renamed: the constraints referencing it (as seen by this
/// ALTER) follow, and the rename is remembered for the state's constraints.
fn rename_referenced(
    referencing: &mut [(String, ForeignKeyDef)],
    renames: &mut Vec<(String, String)>,
    old: &str,
    new: &str,
) {
    for (_, f) in referencing {
        for c in &mut f.parent_columns {
            if c.eq_ignore_ascii_case(old) {
                *c = new.to_string();
            }
        }
    }
    renames.push((old.to_string(), new.to_string()));
}

/// ALTER TABLE ... DROP COLUMN of a column a FOREIGN KEY uses: 1828 on the child side, 1829
/// when a constraint of another table references it.
fn fk_column_in_use(
    kept: &[(ForeignKeyDef, Vec<String>)],
    referencing: &[(String, ForeignKeyDef)],
    table: &TableDef,
    column: &str,
) -> Result<(), EngineError> {
    if let Some((f, _)) = kept
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(column)))
    {
        return Err(err(
            1828,
            "HY000",
            format!(
                "Cannot drop column '{column}': needed in a foreign key constraint '{}'",
                f.name
            ),
        ));
    }
    if let Some((child, f)) = referencing.iter().find(|(child, f)| {
        !(f.parent_table == *child && f.parent_schema == table.schema)
            && f.parent_columns
                .iter()
                .any(|n| n.eq_ignore_ascii_case(column))
    }) {
        return Err(err(
            1829,
            "HY000",
            format!(
                "Cannot drop column '{column}': needed in a foreign key constraint '{}' of table '{child}'",
                f.name
            ),
        ));
    }
    Ok(())
}

/// Every FOREIGN KEY of the table, and every one referencing it, still has an index leading
/// with its columns after ALTER TABLE (1553 names the index dropped).
fn check_fk_indexes(
    fks: &[ForeignKeyDef],
    referencing: &[(String, ForeignKeyDef)],
    columns: &[ColumnDef],
    indexes: &[IndexDef],
    dropped: &[String],
) -> Result<(), EngineError> {
    let leads = |cols: &[usize]| {
        indexes.iter().any(|i| {
            i.parts.len() >= cols.len()
                && i.parts
                    .iter()
                    .zip(cols)
                    .all(|(p, c)| p.column == *c && p.prefix.is_none())
        })
    };
    let position = |n: &String| columns.iter().position(|c| c.name.eq_ignore_ascii_case(n));
    let parents = referencing.iter().filter_map(|(_, f)| {
        f.parent_columns
            .iter()
            .map(position)
            .collect::<Option<Vec<usize>>>()
    });
    let unsupported = fks
        .iter()
        .map(|f| f.columns.clone())
        .chain(parents)
        .any(|cols| !leads(&cols));
    if unsupported && let Some(name) = dropped.first() {
        return Err(err(
            1553,
            "HY000",
            format!("Cannot drop index '{name}': needed in a foreign key constraint"),
        ));
    }
    Ok(())
}

/// Removes an index by name (`PRIMARY` for the primary key), or 1091.
fn drop_index_spec(specs: &mut Vec<IndexSpec>, name: &str) -> Result<(), EngineError> {
    let pos = if name.eq_ignore_ascii_case("PRIMARY") {
        specs.iter().position(|s| s.primary)
    } else {
        specs.iter().position(|s| {
            !s.primary
                && s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    };
    match pos {
        Some(p) => {
            specs.remove(p);
            Ok(())
        }
        None => Err(cant_drop(name)),
    }
}

/// MODIFY / CHANGE: the column at `pos` gets a new declaration (and maybe a new place).
#[allow(clippy::too_many_arguments)]
fn replace_column(
    cols: &mut Vec<WorkCol>,
    specs: &mut Vec<IndexSpec>,
    explicit_null: &mut Vec<String>,
    pos: usize,
    decl: &ast::ColumnDef,
    position: Option<&ast::MySQLColumnPosition>,
    (table_coll, strict, table): (Collation, bool, &str),
    notes: &mut Warnings,
) -> Result<(), EngineError> {
    let spec = column_spec(decl, table_coll, strict, notes)?;
    if spec.primary {
        push_index(specs, IndexSpec::on_column(&spec.def.name, true))?;
    }
    if spec.unique {
        push_index(specs, IndexSpec::on_column(&spec.def.name, false))?;
    }
    if spec.explicit_null {
        explicit_null.push(spec.def.name.clone());
    }
    let old = cols.remove(pos);
    place(
        cols,
        WorkCol {
            def: spec.def,
            src: old.src,
        },
        pos,
        position,
        table,
    )
}

// ---------------------------------------------------------------------------------------------
// RENAME TABLE

/// RENAME TABLE a TO b [, c TO d ...]: all or nothing, in order (so `a TO tmp, b TO a, tmp TO
/// b` swaps two tables). A source that is (by its turn) one of the session's temporary tables
/// is renamed among them, as MySQL 8.0.13+ does; the others in the shared state.
pub(super) fn rename_tables(
    engine: &Engine,
    session: &mut Session,
    renames: &[ast::RenameTable],
) -> Result<Outcome, EngineError> {
    for r in renames {
        check_ddl(engine, session, &r.old_name, Privs::ALTER | Privs::DROP)?;
        check_ddl(engine, session, &r.new_name, Privs::CREATE | Privs::INSERT)?;
    }
    implicit_commit(engine, session);
    let state = engine.store.latest();
    let mut moves = Vec::new();
    for r in renames {
        let from = Binder::new(engine, session, &state).table_name(&r.old_name)?;
        let to = new_table_name(engine, session, &r.new_name)?;
        moves.push((from, to));
    }
    // Temporary moves run on a copy of the session's temporary tables, kept only when the
    // shared ones succeed too.
    let mut temp = session.temp.clone();
    let mut shared = Vec::new();
    for (from, to) in moves {
        if temp.table(&from.0, &from.1).is_some() {
            temp.ddl(&state, |st| move_table(st, &from, &to))?;
        } else {
            shared.push((from, to));
        }
    }
    if !shared.is_empty() {
        let ids: Vec<u64> = shared
            .iter()
            .filter_map(|((s, t), _)| state.table(s, t).map(|x| x.def.id))
            .collect();
        let _mdl = lock_for_ddl(engine, session, &ids)?;
        engine.store.ddl(|st| {
            for (from, to) in &shared {
                move_table(st, from, to)?;
            }
            Ok(())
        })?;
    }
    session.temp = temp;
    Ok(ok(session, 0, 0, String::new()))
}

/// Moves table `from` to the name `to` within a state (1146 / 1049 / 1050).
fn move_table(
    st: &mut storage::State,
    (fs, ft): &(String, String),
    (ts, tt): &(String, String),
) -> Result<(), EngineError> {
    let table = st
        .schemas
        .get_mut(fs)
        .and_then(|s| s.tables.remove(ft))
        .ok_or_else(|| EngineError::no_such_table(fs, ft))?;
    let target = st
        .schemas
        .get_mut(ts)
        .ok_or_else(|| EngineError::bad_db(ts))?;
    if target.tables.contains_key(tt) || target.views.contains_key(tt) {
        return Err(table_exists(tt));
    }
    let def = Arc::new(TableDef {
        schema: ts.clone(),
        name: tt.clone(),
        ..(*table.def).clone()
    });
    target.tables.insert(
        tt.clone(),
        Table {
            def,
            data: table.data,
        },
    );
    fk::repoint(st, (fs, ft), (ts, tt));
    st.rename_table_triggers((fs, ft), (ts, tt))
}

#[cfg(test)]
mod tests {
    //! ALTER TABLE with what sqlparser does not parse ([`super::AlterExtras`]), run directly
    //! (the statement forms are in `tests/forms.rs`).

    use sqlparser::ast::{self as ast, Statement};
    use sqlparser::dialect::MySqlDialect;
    use sqlparser::parser::Parser;

    use super::{AlterExtras, alter_table_with};
    use crate::tests::ddl::{create_text, render, setup, steps_on};

    fn alter_of(sql: &str) -> ast::AlterTable {
        match Parser::parse_sql(&MySqlDialect {}, sql).unwrap().pop() {
            Some(Statement::AlterTable(at)) => at,
            other => panic!("{other:?}"),
        }
    }

    fn options(sql: &str) -> Vec<ast::SqlOption> {
        Parser::new(&MySqlDialect {})
            .try_with_sql(sql)
            .unwrap()
            .parse_plain_options()
            .unwrap()
    }

    #[test]
    fn alter_table_options_change_engine_charset_comment_and_counter() {
        let (e, mut s) = setup();
        steps_on(
            &e,
            &mut s,
            &[
                (
                    "CREATE TABLE o (id INT AUTO_INCREMENT PRIMARY KEY, a VARCHAR(5))",
                    "ok",
                ),
                ("INSERT INTO o (a) VALUES ('x')", "ok affected=1"),
            ],
        );
        let mut at = alter_of("ALTER TABLE o ADD COLUMN b VARCHAR(3)");
        let extras = AlterExtras {
            options: options("ENGINE=myisam DEFAULT CHARSET=latin1 COMMENT='c' AUTO_INCREMENT=7"),
            convert_to: None,
            keys: false,
            checks: Vec::new(),
            visibility: Vec::new(),
        };
        let out = alter_table_with(&e, &mut s, &at, &extras);
        assert_eq!(
            render(&[out.unwrap()], None),
            "ok info=Records: 0  Duplicates: 0  Warnings: 0"
        );
        assert_eq!(
            create_text(&e, &mut s, "o"),
            "CREATE TABLE `o` (
  `id` int NOT NULL AUTO_INCREMENT,
  `a` varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci DEFAULT NULL,
  `b` varchar(3) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=MyISAM AUTO_INCREMENT=7 DEFAULT CHARSET=latin1 COMMENT='c'"
        );
        at.operations.clear();
        let bad = AlterExtras {
            options: options("ENGINE=nope"),
            convert_to: None,
            keys: false,
            checks: Vec::new(),
            visibility: Vec::new(),
        };
        let out = alter_table_with(&e, &mut s, &at, &bad);
        assert_eq!(
            render(&[], out.err().as_ref()),
            "ERROR 1286 (42000): Unknown storage engine 'nope'"
        );
    }

    #[test]
    fn convert_to_character_set_changes_every_character_column() {
        let (e, mut s) = setup();
        steps_on(
            &e,
            &mut s,
            &[
                (
                    "CREATE TABLE c (a VARCHAR(5), b INT, c TEXT, KEY (a)) CHARSET=latin1",
                    "ok",
                ),
                ("INSERT INTO c VALUES ('Ab', 1, 'z')", "ok affected=1"),
            ],
        );
        let mut at = alter_of("ALTER TABLE c ADD COLUMN d INT");
        at.operations.clear();
        let extras = AlterExtras {
            options: Vec::new(),
            convert_to: Some(("utf8mb4".into(), Some("utf8mb4_bin".into()))),
            keys: false,
            checks: Vec::new(),
            visibility: Vec::new(),
        };
        let out = alter_table_with(&e, &mut s, &at, &extras);
        assert_eq!(
            render(&[out.unwrap()], None),
            "ok affected=1 info=Records: 1  Duplicates: 0  Warnings: 0"
        );
        assert_eq!(
            create_text(&e, &mut s, "c"),
            "CREATE TABLE `c` (
  `a` varchar(5) COLLATE utf8mb4_bin DEFAULT NULL,
  `b` int DEFAULT NULL,
  `c` text COLLATE utf8mb4_bin,
  KEY `a` (`a`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
        );
        steps_on(&e, &mut s, &[("SELECT b FROM c WHERE a = 'Ab'", "b\n1")]);
    }
}
