//! CHECK constraints (<https://dev.mysql.com/doc/refman/8.4/en/create-table-check-constraints.html>).
//!
//! A table keeps its constraints as [`CheckDef`]s: a name, MySQL's normalized text of the
//! expression and the ENFORCED flag. DDL validates an expression once against the table's
//! columns ([`declare`]); a writing statement binds the enforced ones against the table's
//! scope ([`bind`], nothing for a table without them) and evaluates them on every row it
//! writes ([`violated`]): FALSE fails (ER 3819), TRUE and NULL pass.

use std::ops::ControlFlow;
use std::sync::Arc;

use sqlparser::ast;

use crate::bind::Binder;
use crate::bind::dml::table_scope;
use crate::catalog::{CheckDef, ColumnDef, TableDef};
use crate::error::EngineError;
use crate::execute::{self, Ctx};
use crate::plan::Expr;
use crate::storage::State;
use crate::value::Value;

/// Functions a CHECK expression may not call (non-deterministic or session-dependent), ER 3814.
const DISALLOWED: &[&str] = &[
    "benchmark",
    "connection_id",
    "curdate",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "curtime",
    "database",
    "found_rows",
    "get_lock",
    "is_free_lock",
    "is_used_lock",
    "last_insert_id",
    "load_file",
    "localtime",
    "localtimestamp",
    "master_pos_wait",
    "now",
    "rand",
    "release_all_locks",
    "release_lock",
    "row_count",
    "schema",
    "session_user",
    "sleep",
    "source_pos_wait",
    "sysdate",
    "system_user",
    "unix_timestamp",
    "user",
    "utc_date",
    "utc_time",
    "utc_timestamp",
    "uuid",
    "uuid_short",
    "version",
];

fn hy(code: u16, message: String) -> EngineError {
    EngineError::new(code, "HY000", message)
}

/// ER_CHECK_CONSTRAINT_VIOLATED.
pub(super) fn violation(name: &str) -> EngineError {
    hy(3819, format!("Check constraint '{name}' is violated."))
}

/// ER_CHECK_CONSTRAINT_NOT_FOUND.
pub(super) fn not_found(name: &str) -> EngineError {
    hy(
        3821,
        format!("Check constraint '{name}' is not found in the table."),
    )
}

/// ER_CHECK_CONSTRAINT_DUP_NAME.
pub(super) fn duplicate(name: &str) -> EngineError {
    hy(3822, format!("Duplicate check constraint name '{name}'."))
}

fn quote(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

fn parse(text: &str) -> Result<ast::Expr, EngineError> {
    let dialect = sqlparser::dialect::MySqlDialect {};
    sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .map_err(|_| EngineError::parse_error(text, 1))
}

/// MySQL's normalized text of an expression: identifiers backquoted, every operation in
/// parentheses, keywords and function names in lower case, strings with their introducer.
pub(super) fn normalize(e: &ast::Expr) -> String {
    use ast::Expr as E;
    match e {
        E::Nested(inner) => normalize(inner),
        E::Identifier(i) => quote(&i.value),
        E::CompoundIdentifier(parts) => parts.last().map(|i| quote(&i.value)).unwrap_or_default(),
        E::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                format!("_utf8mb4'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
            }
            ast::Value::Null => "NULL".into(),
            ast::Value::Boolean(b) => (if *b { "true" } else { "false" }).into(),
            other => other.to_string(),
        },
        E::BinaryOp { left, op, right } => {
            let op = match op {
                ast::BinaryOperator::NotEq => "<>".to_string(),
                ast::BinaryOperator::And => "and".into(),
                ast::BinaryOperator::Or => "or".into(),
                ast::BinaryOperator::Xor => "xor".into(),
                other => other.to_string().to_lowercase(),
            };
            format!("({} {op} {})", normalize(left), normalize(right))
        }
        E::UnaryOp { op, expr } => match op {
            ast::UnaryOperator::Not => format!("(not({}))", normalize(expr)),
            ast::UnaryOperator::Minus => format!("-({})", normalize(expr)),
            other => format!("{other}{}", normalize(expr)),
        },
        E::IsNull(x) => format!("({} is null)", normalize(x)),
        E::IsNotNull(x) => format!("({} is not null)", normalize(x)),
        E::IsTrue(x) => format!("({} is true)", normalize(x)),
        E::IsFalse(x) => format!("({} is false)", normalize(x)),
        E::Between {
            expr,
            negated,
            low,
            high,
        } => format!(
            "({} {}between {} and {})",
            normalize(expr),
            if *negated { "not " } else { "" },
            normalize(low),
            normalize(high)
        ),
        E::In {
            expr,
            target: ast::InTarget::List(list),
            negated,
            ..
        } => format!(
            "({} {}in ({}))",
            normalize(expr),
            if *negated { "not " } else { "" },
            list.iter().map(normalize).collect::<Vec<_>>().join(",")
        ),
        E::Like {
            negated,
            expr,
            pattern,
            escape_char: None,
            any: false,
        } => format!(
            "({} {}like {})",
            normalize(expr),
            if *negated { "not " } else { "" },
            normalize(pattern)
        ),
        E::Function(f) => {
            let args = match &f.args {
                ast::FunctionArguments::List(l) if l.duplicate_treatment.is_none() => l
                    .args
                    .iter()
                    .map(|a| match a {
                        ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(x)) => normalize(x),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                ast::FunctionArguments::None => String::new(),
                other => return format!("{}{other}", f.name.to_string().to_lowercase()),
            };
            format!("{}({args})", f.name.to_string().to_lowercase())
        }
        other => {
            let mut x = other.clone();
            let _ = ast::visit_expressions_mut(&mut x, |e| {
                match e {
                    E::Identifier(i) => i.quote_style = Some('`'),
                    E::CompoundIdentifier(ps) => {
                        ps.iter_mut().for_each(|i| i.quote_style = Some('`'))
                    }
                    _ => {}
                }
                ControlFlow::<()>::Continue(())
            });
            x.to_string()
        }
    }
}

/// Checks what a CHECK expression may refer to (MySQL's 3813-3818, 3820) and binds it against
/// the table's columns; returns its normalized text. `column`: the column of a column-level
/// constraint, which may refer to no other column.
fn validate(
    b: &mut Binder<'_>,
    def: &Arc<TableDef>,
    name: &str,
    expr: &ast::Expr,
    column: Option<&str>,
) -> Result<String, EngineError> {
    first_disallowed(
        expr,
        |e| match e {
            ast::Expr::Identifier(i) if i.value.starts_with('@') => Some(hy(
                3816,
                format!(
                    "An expression of a check constraint '{name}' cannot refer to a user or system variable."
                ),
            )),
            ast::Expr::Identifier(i) => column_error(&def.columns, name, &i.value, column),
            ast::Expr::CompoundIdentifier(parts) => parts
                .last()
                .and_then(|i| column_error(&def.columns, name, &i.value, column)),
            _ => None,
        },
        || {
            hy(
                3815,
                format!(
                    "An expression of a check constraint '{name}' contains disallowed function."
                ),
            )
        },
        |fname| {
            hy(
                3814,
                format!(
                    "An expression of a check constraint '{name}' contains disallowed function: {fname}."
                ),
            )
        },
    )?;
    b.set_scope(table_scope(def, &def.name));
    b.expr(expr)?;
    Ok(normalize(expr))
}

/// Walks `expr` and fails with the first error found: `other`'s for the expressions it judges,
/// `subquery`'s for a subquery, `function`'s (given the lower-cased name) for a DISALLOWED
/// function. CHECK constraints and generated columns differ only in those errors.
fn first_disallowed(
    expr: &ast::Expr,
    mut other: impl FnMut(&ast::Expr) -> Option<EngineError>,
    subquery: impl Fn() -> EngineError,
    function: impl Fn(&str) -> EngineError,
) -> Result<(), EngineError> {
    let mut found: Option<EngineError> = None;
    let _ = ast::visit_expressions(expr, |e| {
        let bad = match e {
            ast::Expr::Subquery(_)
            | ast::Expr::Exists { .. }
            | ast::Expr::In {
                target: ast::InTarget::Subquery(_),
                ..
            } => Some(subquery()),
            ast::Expr::Function(f) => {
                let fname = f.name.to_string().to_lowercase();
                DISALLOWED
                    .contains(&fname.as_str())
                    .then(|| function(&fname))
            }
            _ => other(e),
        };
        match bad {
            Some(err) => {
                found = Some(err);
                ControlFlow::Break(())
            }
            None => ControlFlow::Continue(()),
        }
    });
    found.map_or(Ok(()), Err)
}

fn column_error(
    columns: &[ColumnDef],
    name: &str,
    col: &str,
    own: Option<&str>,
) -> Option<EngineError> {
    let Some(c) = columns.iter().find(|c| c.name.eq_ignore_ascii_case(col)) else {
        return Some(hy(
            3820,
            format!("Check constraint '{name}' refers to non-existing column '{col}'."),
        ));
    };
    if own.is_some_and(|o| !o.eq_ignore_ascii_case(col)) {
        return Some(hy(
            3813,
            format!("Column check constraint '{name}' references other column."),
        ));
    }
    c.auto_increment.then(|| {
        hy(
            3818,
            format!("Check constraint '{name}' cannot refer to an auto-increment column."),
        )
    })
}

/// A CHECK constraint as declared, before it is named and validated.
#[derive(Clone, Debug)]
pub(super) struct CheckSpec {
    pub(super) name: Option<String>,
    pub(super) expr: ast::Expr,
    pub(super) enforced: bool,
    /// The column of a column-level constraint.
    pub(super) column: Option<String>,
}

impl CheckSpec {
    /// `column`: the column of a column-level constraint, and the name its `CONSTRAINT name`
    /// gave (sqlparser keeps it on the column option).
    pub(super) fn of(
        c: &ast::CheckConstraint,
        column: Option<(&str, Option<&ast::Ident>)>,
    ) -> Self {
        let named = column.and_then(|(_, n)| n);
        CheckSpec {
            name: c.name.as_ref().or(named).map(|n| n.value.clone()),
            expr: (*c.expr).clone(),
            enforced: c.enforced.unwrap_or(true),
            column: column.map(|(c, _)| c.to_string()),
        }
    }
}

/// The number of a generated name `<table>_chk_<n>`.
fn generated_number(table: &str, name: &str) -> Option<u64> {
    let prefix = format!("{}_chk_", table.to_lowercase());
    name.to_lowercase()
        .strip_prefix(&prefix)
        .and_then(|n| n.parse().ok())
}

/// True when a table of `schema` other than `except` has a CHECK constraint named `name`.
pub(super) fn name_taken(state: &State, schema: &str, except: &str, name: &str) -> bool {
    state.schemas.get(schema).is_some_and(|s| {
        s.tables.iter().any(|(t, table)| {
            t != except
                && table
                    .def
                    .checks
                    .iter()
                    .any(|c| c.name.eq_ignore_ascii_case(name))
        })
    })
}

/// Names, validates and appends `specs` to `def.checks` (existing ones kept): generated names
/// continue after the highest `<table>_chk_<n>`; names are unique in the schema (3822).
pub(super) fn declare(
    b: &mut Binder<'_>,
    state: &State,
    def: &Arc<TableDef>,
    specs: &[CheckSpec],
) -> Result<Vec<CheckDef>, EngineError> {
    let mut out = def.checks.clone();
    let mut next = out
        .iter()
        .filter_map(|c| generated_number(&def.name, &c.name))
        .max()
        .unwrap_or(0);
    for s in specs {
        let name = match &s.name {
            Some(n) => n.clone(),
            None => {
                next += 1;
                format!("{}_chk_{next}", def.name)
            }
        };
        let dup = out.iter().any(|c| c.name.eq_ignore_ascii_case(&name))
            || (!def.temporary && name_taken(state, &def.schema, &def.name, &name));
        if dup {
            return Err(duplicate(&name));
        }
        let text = validate(b, def, &name, &s.expr, s.column.as_deref())?;
        out.push(CheckDef {
            name,
            text,
            enforced: s.enforced,
        });
    }
    Ok(out)
}

/// Validates the stored constraints again after ALTER TABLE changed the columns: a constraint
/// that names a dropped or renamed column is ER 3959.
pub(super) fn revalidate(b: &mut Binder<'_>, def: &Arc<TableDef>) -> Result<(), EngineError> {
    for c in &def.checks {
        let e = parse(&c.text)?;
        let mut missing = None;
        let _ = ast::visit_expressions(&e, |x| {
            if let ast::Expr::Identifier(i) = x
                && def.column_index(&i.value).is_none()
            {
                missing = Some(i.value.clone());
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        if let Some(col) = missing {
            return Err(hy(
                3959,
                format!(
                    "Check constraint '{}' uses column '{col}', hence column cannot be dropped or renamed.",
                    c.name
                ),
            ));
        }
        validate(b, def, &c.name, &e, None)?;
    }
    Ok(())
}

/// Checks the generation expressions of `def`'s columns (MySQL's 1054, 3102, 3107, 3109,
/// 3763) and binds them against the table's columns.
pub(super) fn validate_generated(
    b: &mut Binder<'_>,
    def: &Arc<TableDef>,
) -> Result<(), EngineError> {
    for (at, c) in def.columns.iter().enumerate() {
        let Some(g) = &c.generated else {
            continue;
        };
        let name = &c.name;
        let e = parse(&g.text)?;
        first_disallowed(
            &e,
            |x| match x {
                ast::Expr::Identifier(i) if i.value.starts_with('@') => Some(hy(
                    3102,
                    format!(
                        "Expression of generated column '{name}' contains a disallowed function."
                    ),
                )),
                ast::Expr::Identifier(i) => match def.column_index(&i.value) {
                    None => Some(EngineError::new(
                        1054,
                        "42S22",
                        format!(
                            "Unknown column '{}' in 'generated column function'",
                            i.value
                        ),
                    )),
                    Some(p) => {
                        let col = def.columns.get(p);
                        if col.is_some_and(|c| c.auto_increment) {
                            Some(hy(
                                3109,
                                format!(
                                    "Generated column '{name}' cannot refer to auto-increment column."
                                ),
                            ))
                        } else if p >= at && col.is_some_and(|c| c.generated.is_some()) {
                            Some(hy(
                            3107,
                            "Generated column can refer only to generated columns defined prior to it.".into(),
                        ))
                        } else {
                            None
                        }
                    }
                },
                _ => None,
            },
            || {
                hy(
                    3102,
                    format!(
                        "Expression of generated column '{name}' contains a disallowed function."
                    ),
                )
            },
            |fname| {
                hy(
                    3763,
                    format!(
                        "Expression of generated column '{name}' contains a disallowed function: {fname}."
                    ),
                )
            },
        )?;
        b.set_scope(table_scope(def, &def.name));
        b.expr(&e)?;
    }
    Ok(())
}

/// After ALTER TABLE changed the columns: a generation expression that names a dropped or
/// renamed column is ER 3108; the others are validated again.
pub(super) fn revalidate_generated(
    b: &mut Binder<'_>,
    def: &Arc<TableDef>,
) -> Result<(), EngineError> {
    for c in &def.columns {
        let Some(g) = &c.generated else {
            continue;
        };
        let e = parse(&g.text)?;
        let mut missing = None;
        let _ = ast::visit_expressions(&e, |x| {
            if let ast::Expr::Identifier(i) = x
                && def.column_index(&i.value).is_none()
            {
                missing = Some(i.value.clone());
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        if let Some(col) = missing {
            return Err(hy(
                3108,
                format!("Column '{col}' has a generated column dependency."),
            ));
        }
    }
    validate_generated(b, def)
}

/// What a writing statement computes and checks on each row of a table: generated columns
/// (in column order) and enforced CHECK constraints. Empty for most tables.
#[derive(Default)]
pub(crate) struct Rules {
    generated: Vec<(usize, Expr)>,
    checks: Vec<(String, Expr)>,
    /// A view's CHECK OPTION, when the statement writes through one: the view (schema, name)
    /// and the condition every row written must meet (ER 1369).
    view: Option<((String, String), Expr)>,
}

impl Rules {
    /// Adds the CHECK OPTION of the view `schema.name` written through: `cond` over the row.
    pub(crate) fn with_view_check(mut self, schema: &str, name: &str, cond: Option<Expr>) -> Self {
        self.view = cond.map(|c| ((schema.to_string(), name.to_string()), c));
        self
    }
}

/// Binds `def`'s generated columns and enforced constraints; the binder's scope is left at
/// the table's when there are any.
pub(crate) fn bind(b: &mut Binder<'_>, def: &Arc<TableDef>) -> Result<Rules, EngineError> {
    let mut out = Rules::default();
    let any_generated = def.columns.iter().any(|c| c.generated.is_some());
    if !any_generated && def.checks.iter().all(|c| !c.enforced) {
        return Ok(out);
    }
    b.set_scope(table_scope(def, &def.name));
    for (i, c) in def.columns.iter().enumerate() {
        if let Some(g) = &c.generated {
            out.generated.push((i, b.expr(&parse(&g.text)?)?.expr));
        }
    }
    for c in def.checks.iter().filter(|c| c.enforced) {
        out.checks
            .push((c.name.clone(), b.expr(&parse(&c.text)?)?.expr));
    }
    Ok(out)
}

/// Computes the generated columns of `row` (converted to their columns' types).
pub(crate) fn generate(
    cx: &mut Ctx<'_>,
    rules: &Rules,
    def: &TableDef,
    row: &mut [Value],
    (strict, rown): (bool, u64),
    warnings: &mut Vec<(u16, String)>,
) -> Result<(), EngineError> {
    for (c, e) in &rules.generated {
        let v = execute::eval(e, row, cx)?;
        let Some(col) = def.columns.get(*c) else {
            continue;
        };
        let v = if v.is_null() {
            if !col.nullable {
                return Err(EngineError::new(
                    1048,
                    "23000",
                    format!("Column '{}' cannot be null", col.name),
                ));
            }
            v
        } else {
            super::convert(&v, &col.ty, strict, &col.name, rown, warnings)?
        };
        if let Some(slot) = row.get_mut(*c) {
            *slot = v;
        }
    }
    Ok(())
}

/// ER_NON_DEFAULT_VALUE_FOR_GENERATED_COLUMN when `column` of `def` is generated.
pub(crate) fn refuse_value(def: &TableDef, column: usize) -> Result<(), EngineError> {
    match def.columns.get(column) {
        Some(c) if c.generated.is_some() => Err(EngineError::new(
            3105,
            "HY000",
            format!(
                "The value specified for generated column '{}' in table '{}' is not allowed.",
                c.name, def.name
            ),
        )),
        _ => Ok(()),
    }
}

/// The first constraint `row` violates (its expression is FALSE), as ER 3819, or the CHECK
/// OPTION of the view written through that it fails, as ER 1369.
pub(crate) fn violated(
    cx: &mut Ctx<'_>,
    rules: &Rules,
    row: &[Value],
) -> Result<Option<EngineError>, EngineError> {
    for (name, e) in &rules.checks {
        let v = execute::eval(e, row, cx)?;
        if execute::truth(&v) == Some(false) {
            return Ok(Some(violation(name)));
        }
    }
    // WITH CHECK OPTION: the row must be one the view shows (NULL fails, as a WHERE does).
    if let Some(((schema, name), e)) = &rules.view {
        let v = execute::eval(e, row, cx)?;
        if execute::truth(&v) != Some(true) {
            return Ok(Some(crate::bind::view::view_check_failed(schema, name)));
        }
    }
    Ok(None)
}
