//! CREATE/ALTER/DROP VIEW and SHOW CREATE VIEW
//! (<https://dev.mysql.com/doc/refman/8.4/en/create-view.html>).
//!
//! A view lives in its schema's `views` map, one namespace with the tables. Its SELECT is
//! kept as written (bound again wherever the view is used, see `bind/view.rs`) and as a
//! normalized text for SHOW CREATE VIEW: identifiers backquoted, each select item named with
//! `AS`, keywords of the top-level block lower-cased, as MySQL prints it.

use std::sync::Arc;

use sqlparser::ast::{self, SelectItem, SetExpr, TableFactor};

use crate::bind::Binder;
use crate::bind::view::{parse_select, view_recursive};
use crate::catalog::{CheckOption, ColumnDef, ColumnDefault, TableDef, ViewDef};
use crate::error::EngineError;
use crate::parse::forms::ViewSpec;
use crate::plan::OutCol;
use crate::privilege::{self, Privs};
use crate::stmt::implicit_commit;
use crate::value::Value;
use crate::{Engine, Outcome, Session};

use super::routine::name_of;

fn quote(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// ER_WRONG_OBJECT: `'db.t' is not VIEW`.
pub(crate) fn not_view(schema: &str, name: &str) -> EngineError {
    EngineError::new(1347, "HY000", format!("'{schema}.{name}' is not VIEW"))
}

/// Backquotes every identifier of `q` (column references, table names, aliases).
fn quote_idents(q: &mut ast::Query) {
    use std::ops::ControlFlow;
    fn q_ident(i: &mut ast::Ident) {
        i.quote_style = Some('`');
    }
    let _ = ast::visit_expressions_mut(q, |e| {
        match e {
            ast::Expr::Identifier(i) => q_ident(i),
            ast::Expr::CompoundIdentifier(parts) => parts.iter_mut().for_each(q_ident),
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    let _ = ast::visit_relations_mut(q, |r| {
        for p in &mut r.0 {
            if let ast::ObjectNamePart::Identifier(i) = p {
                q_ident(i);
            }
        }
        ControlFlow::<()>::Continue(())
    });
}

/// The normalized text of a view's SELECT (see the module comment).
fn body_text(q: &ast::Query, cols: &[OutCol]) -> String {
    let mut q = q.clone();
    quote_idents(&mut q);
    if let SetExpr::Select(s) = &mut *q.body {
        for twj in &mut s.from {
            let factors = std::iter::once(&mut twj.relation)
                .chain(twj.joins.iter_mut().map(|j| &mut j.relation));
            for f in factors {
                if let TableFactor::Table { alias: Some(a), .. }
                | TableFactor::Derived { alias: Some(a), .. } = f
                {
                    a.name.quote_style = Some('`');
                }
            }
        }
    }
    let SetExpr::Select(s) = &*q.body else {
        return q.to_string();
    };
    let wildcards = s
        .projection
        .iter()
        .filter(|i| {
            matches!(
                i,
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)
            )
        })
        .count();
    let plain = s.projection.len() - wildcards;
    // A column of a view or derived table (no base-table origin) is qualified by its FROM
    // item's name when the FROM has one item, as MySQL prints it.
    let single_from = match s.from.as_slice() {
        [t] if t.joins.is_empty() => match &t.relation {
            TableFactor::Table { alias: Some(a), .. }
            | TableFactor::Derived { alias: Some(a), .. } => Some(a.name.value.clone()),
            TableFactor::Table { name, .. } => crate::bind::name_parts(name).pop(),
            _ => None,
        },
        _ => None,
    };
    let unqualified = |name: &str| match &single_from {
        Some(t) => format!("{}.{}", quote(t), quote(name)),
        None => quote(name),
    };
    let mut items = Vec::new();
    let mut at = 0usize;
    for item in &s.projection {
        match item {
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) if wildcards == 1 => {
                let n = cols.len().saturating_sub(plain);
                for c in cols.iter().skip(at).take(n) {
                    let src = match &c.origin {
                        Some(o) => format!("{}.{}", quote(&o.table), quote(&o.org_name)),
                        None => unqualified(&c.name),
                    };
                    items.push(format!("{src} AS {}", quote(&c.name)));
                }
                at += n;
            }
            SelectItem::UnnamedExpr(e) => {
                let name = cols.get(at).map(|c| c.name.clone()).unwrap_or_default();
                let src = match (e, cols.get(at).and_then(|c| c.origin.as_ref())) {
                    (ast::Expr::Identifier(_), Some(o)) => {
                        format!("{}.{}", quote(&o.table), quote(&o.org_name))
                    }
                    (ast::Expr::Identifier(i), None) => unqualified(&i.value),
                    _ => e.to_string(),
                };
                items.push(format!("{src} AS {}", quote(&name)));
                at += 1;
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                items.push(format!("{expr} AS {}", quote(&alias.value)));
                at += 1;
            }
            other => {
                items.push(other.to_string());
                at += 1;
            }
        }
    }
    let mut out = String::from("select ");
    if s.distinct.is_some() {
        out.push_str("distinct ");
    }
    out.push_str(&items.join(","));
    if !s.from.is_empty() {
        let from: Vec<String> = s.from.iter().map(ToString::to_string).collect();
        out.push_str(" from ");
        out.push_str(&from.join(","));
    }
    // The condition in one pair of parentheses, as MySQL prints it: parentheses the text
    // already had around the whole are not added to (a dumped view's text, created again,
    // prints the same).
    if let Some(w) = &s.selection {
        out.push_str(&format!(" where ({})", unnested(w)));
    }
    match &s.group_by {
        ast::GroupByExpr::Expressions(e, _) if !e.is_empty() => {
            let g: Vec<String> = e.iter().map(ToString::to_string).collect();
            out.push_str(&format!(" group by {}", g.join(",")));
        }
        _ => {}
    }
    if let Some(h) = &s.having {
        out.push_str(&format!(" having ({})", unnested(h)));
    }
    if let Some(o) = &q.order_by {
        out.push_str(&format!(" {o}").replacen(" ORDER BY ", " order by ", 1));
    }
    if let Some(l) = &q.limit_clause {
        out.push_str(&format!(" {l}").replacen(" LIMIT ", " limit ", 1));
    }
    out
}

/// `e` without the parentheses around the whole of it.
fn unnested(mut e: &ast::Expr) -> &ast::Expr {
    while let ast::Expr::Nested(inner) = e {
        e = inner;
    }
    e
}

/// True for a view INSERT/UPDATE/DELETE may write through: MySQL's MERGE-able SELECT
/// (<https://dev.mysql.com/doc/refman/8.4/en/view-updatability.html>): tables and updatable
/// views joined by inner joins, no DISTINCT, GROUP BY, HAVING, aggregate or window functions,
/// subqueries in the select list, set operations, WITH or LIMIT, no subquery in WHERE reading
/// a table of its FROM, and not ALGORITHM=TEMPTABLE.
fn updatable(state: &crate::storage::State, schema: &str, q: &ast::Query, algorithm: &str) -> bool {
    use std::ops::ControlFlow;
    if algorithm.eq_ignore_ascii_case("TEMPTABLE") || q.with.is_some() || q.limit_clause.is_some() {
        return false;
    }
    let SetExpr::Select(s) = &*q.body else {
        return false;
    };
    let no_group = matches!(&s.group_by, ast::GroupByExpr::Expressions(e, _) if e.is_empty());
    if !no_group || s.distinct.is_some() || s.having.is_some() || s.from.is_empty() {
        return false;
    }
    // The FROM: tables and updatable views, inner joins only.
    let mut tables: Vec<String> = Vec::new();
    fn factor(
        state: &crate::storage::State,
        schema: &str,
        f: &TableFactor,
        tables: &mut Vec<String>,
    ) -> bool {
        match f {
            TableFactor::Table {
                name, args: None, ..
            } => {
                let parts = crate::bind::name_parts(name);
                let (db, t) = match parts.as_slice() {
                    [t] => (schema.to_string(), t.clone()),
                    [d, t] => (d.clone(), t.clone()),
                    _ => return false,
                };
                if let Some(v) = state.view(&db, &t)
                    && !v.updatable
                {
                    return false;
                }
                tables.push(t);
                true
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => twj(state, schema, table_with_joins, tables),
            _ => false,
        }
    }
    fn twj(
        state: &crate::storage::State,
        schema: &str,
        t: &ast::TableWithJoins,
        tables: &mut Vec<String>,
    ) -> bool {
        factor(state, schema, &t.relation, tables)
            && t.joins.iter().all(|j| {
                matches!(
                    j.join_operator,
                    ast::JoinOperator::Join(_)
                        | ast::JoinOperator::Inner(_)
                        | ast::JoinOperator::CrossJoin(_)
                        | ast::JoinOperator::StraightJoin(_)
                ) && factor(state, schema, &j.relation, tables)
            })
    }
    if !s.from.iter().all(|t| twj(state, schema, t, &mut tables)) {
        return false;
    }
    // The select list: no aggregate or window function, no subquery.
    let mut plain = true;
    for item in &s.projection {
        let e = match item {
            SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => continue,
            _ => return false,
        };
        let _ = ast::visit_expressions(e, |x| {
            match x {
                ast::Expr::Subquery(_)
                | ast::Expr::Exists { .. }
                | ast::Expr::In {
                    target: ast::InTarget::Subquery(_),
                    ..
                } => {
                    plain = false;
                }
                ast::Expr::Function(f) => {
                    let n = crate::bind::name_parts(&f.name)
                        .pop()
                        .unwrap_or_default()
                        .to_ascii_uppercase();
                    if f.over.is_some()
                        || matches!(
                            n.as_str(),
                            "COUNT"
                                | "SUM"
                                | "AVG"
                                | "MIN"
                                | "MAX"
                                | "GROUP_CONCAT"
                                | "BIT_AND"
                                | "BIT_OR"
                                | "BIT_XOR"
                                | "STD"
                                | "STDDEV"
                                | "STDDEV_POP"
                                | "STDDEV_SAMP"
                                | "VARIANCE"
                                | "VAR_POP"
                                | "VAR_SAMP"
                                | "ANY_VALUE"
                                | "JSON_ARRAYAGG"
                                | "JSON_OBJECTAGG"
                                | "GROUPING"
                        )
                    {
                        plain = false;
                    }
                }
                _ => {}
            }
            ControlFlow::<()>::Continue(())
        });
    }
    // A subquery of WHERE that reads a table of the FROM.
    if let Some(w) = &s.selection {
        let _ = ast::visit_relations(w, |r| {
            let t = crate::bind::name_parts(r).pop().unwrap_or_default();
            if tables.contains(&t) {
                plain = false;
            }
            ControlFlow::<()>::Continue(())
        });
    }
    plain
}

/// ER_VIEW_NONUPD_CHECK.
fn nonupdatable_check(schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1368,
        "HY000",
        format!("CHECK OPTION on non-updatable view '{schema}.{name}'"),
    )
}

/// Binds a view's SELECT as `schema.name` would be read (with the session's privileges, so a
/// CREATE checks the creator's rights on every table it reads).
fn bind_columns(
    engine: &Engine,
    session: &Session,
    schema: &str,
    name: &str,
    query: &ast::Query,
    script: Option<&crate::parse::Script<'_>>,
) -> Result<Vec<OutCol>, EngineError> {
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    b.script = script;
    b.bind_view_select(schema, name, query, false)
        .map(|(_, cols)| cols)
}

/// CREATE [OR REPLACE] VIEW / ALTER VIEW.
pub(crate) fn create(
    engine: &Engine,
    session: &mut Session,
    spec: &ViewSpec,
) -> Result<Outcome, EngineError> {
    let (schema, name) = name_of(session, &spec.name)?;
    privilege::check_table(engine, session, &schema, &name, Privs::CREATE_VIEW)?;
    if spec.alter || spec.or_replace {
        privilege::check_table(engine, session, &schema, &name, Privs::DROP)?;
    }
    implicit_commit(engine, session);
    if !engine.database_exists(&schema) {
        return Err(EngineError::bad_db(&schema));
    }
    let script = crate::parse::Script::new(&spec.select)?;
    let mut query = {
        let mut s = crate::parse::Script::new(&spec.select)?;
        match s.next_statement() {
            Some(Ok(crate::parse::Parsed {
                stmt: crate::parse::Stmt::Sql(st),
                ..
            })) => match *st {
                ast::Statement::Query(q) => q,
                _ => return Err(EngineError::parse_error(&spec.select, 1)),
            },
            Some(Err(e)) => return Err(e),
            _ => return Err(EngineError::parse_error(&spec.select, 1)),
        }
    };
    let mut select = spec.select.clone();
    // Unqualified tables are the current database's (MySQL resolves them at CREATE): when the
    // view goes to another schema, they are qualified in the text kept.
    if let Some(db) = session.database.clone()
        && db != schema
    {
        let ctes: Vec<String> = query
            .with
            .iter()
            .flat_map(|w| w.cte_tables.iter().map(|c| c.alias.name.value.clone()))
            .collect();
        let _ = ast::visit_relations_mut(&mut *query, |r| {
            if let [ast::ObjectNamePart::Identifier(i)] = r.0.as_slice()
                && !ctes.contains(&i.value)
                && !i.value.eq_ignore_ascii_case("dual")
            {
                r.0.insert(
                    0,
                    ast::ObjectNamePart::Identifier(ast::Ident::new(db.clone())),
                );
            }
            std::ops::ControlFlow::<()>::Continue(())
        });
        select = query.to_string();
    }
    let cols =
        bind_columns(engine, session, &schema, &name, &query, Some(&script)).map_err(|e| {
            if e.code == 1462 {
                view_recursive(&schema, &name)
            } else {
                e
            }
        })?;
    let names: Vec<String> = if spec.columns.is_empty() {
        cols.iter().map(|c| c.name.clone()).collect()
    } else {
        if spec.columns.len() != cols.len() {
            return Err(EngineError::new(
                1353,
                "HY000",
                "In definition of view, derived table or common table expression, SELECT list and column names list have different column counts",
            ));
        }
        spec.columns.clone()
    };
    for (i, n) in names.iter().enumerate() {
        if names[..i].iter().any(|m| m.eq_ignore_ascii_case(n)) {
            return Err(EngineError::new(
                1060,
                "42S21",
                format!("Duplicate column name '{n}'"),
            ));
        }
    }
    let state = engine.store.latest();
    let old = state.view(&schema, &name).cloned();
    let algorithm = spec
        .algorithm
        .clone()
        .unwrap_or_else(|| "UNDEFINED".to_string());
    let updatable = updatable(&state, &schema, &query, &algorithm);
    if spec.check != CheckOption::None && !updatable {
        return Err(nonupdatable_check(&schema, &name));
    }
    let definer = match &spec.definer {
        Some(Some(d)) => d.clone(),
        Some(None) => (session.info.user.clone(), session.info.account_host.clone()),
        None if spec.alter => old.as_ref().map_or_else(
            || (session.info.user.clone(), session.info.account_host.clone()),
            |v| v.definer.clone(),
        ),
        None => (session.info.user.clone(), session.info.account_host.clone()),
    };
    let var = |n: &str| session.vars.get(n).cloned().unwrap_or_default();
    let def = ViewDef {
        schema: schema.clone(),
        name: name.clone(),
        body: body_text(&query, &cols),
        select,
        columns: names,
        column_list: !spec.columns.is_empty(),
        algorithm,
        definer,
        security_definer: spec.security_definer.unwrap_or(true),
        check: spec.check,
        updatable,
        client_charset: var("character_set_client"),
        connection_collation: var("collation_connection"),
    };
    let def = Arc::new(def);
    let (alter, or_replace) = (spec.alter, spec.or_replace);
    engine.store.ddl(|st| {
        let Some(sch) = st.schemas.get_mut(&schema) else {
            return Err(EngineError::bad_db(&schema));
        };
        if sch.tables.contains_key(&name) {
            return Err(if alter {
                not_view(&schema, &name)
            } else {
                EngineError::new(1050, "42S01", format!("Table '{name}' already exists"))
            });
        }
        let exists = sch.views.contains_key(&name);
        if alter && !exists {
            return Err(EngineError::no_such_table(&schema, &name));
        }
        if exists && !alter && !or_replace {
            return Err(EngineError::new(
                1050,
                "42S01",
                format!("Table '{name}' already exists"),
            ));
        }
        sch.views.insert(name.clone(), def);
        Ok(())
    })?;
    Ok(crate::stmt::ok(session, 0, 0, String::new()))
}

/// DROP VIEW [IF EXISTS] v, ... [RESTRICT | CASCADE].
pub(crate) fn drop(
    engine: &Engine,
    session: &mut Session,
    names: &[ast::ObjectName],
    if_exists: bool,
) -> Result<Outcome, EngineError> {
    let mut targets = Vec::new();
    for n in names {
        let (s, v) = name_of(session, n)?;
        privilege::check_table(engine, session, &s, &v, Privs::DROP)?;
        targets.push((s, v));
    }
    implicit_commit(engine, session);
    let state = engine.store.latest();
    let mut missing = Vec::new();
    for (s, v) in &targets {
        if state.table(s, v).is_some() {
            return Err(not_view(s, v));
        }
        if state.view(s, v).is_none() {
            missing.push(format!("{s}.{v}"));
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
        for (s, v) in &targets {
            if let Some(sch) = st.schemas.get_mut(s) {
                sch.views.remove(v);
            }
        }
        Ok(())
    })?;
    for m in missing {
        session.add_warning("Note", 1051, format!("Unknown table '{m}'"));
    }
    Ok(crate::stmt::ok(session, 0, 0, String::new()))
}

/// The CREATE VIEW statement SHOW CREATE VIEW prints.
pub(crate) fn create_text(v: &ViewDef) -> String {
    let cols = if v.column_list {
        let c: Vec<String> = v.columns.iter().map(|c| quote(c)).collect();
        format!(" ({})", c.join(","))
    } else {
        String::new()
    };
    let check = match v.check {
        CheckOption::None => "",
        CheckOption::Cascaded => " WITH CASCADED CHECK OPTION",
        CheckOption::Local => " WITH LOCAL CHECK OPTION",
    };
    format!(
        "CREATE ALGORITHM={} DEFINER={}@{} SQL SECURITY {} VIEW {}{cols} AS {}{check}",
        v.algorithm,
        quote(&v.definer.0),
        quote(&v.definer.1),
        if v.security_definer {
            "DEFINER"
        } else {
            "INVOKER"
        },
        quote(&v.name),
        v.body
    )
}

/// SHOW CREATE VIEW v (and SHOW CREATE TABLE v): View, Create View, character_set_client,
/// collation_connection. ER 1347 for a table.
pub(crate) fn show_create(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
) -> Result<Outcome, EngineError> {
    let (schema, vname) = name_of(session, name)?;
    let state = engine.store.latest();
    let Some(v) = state.view(&schema, &vname).cloned() else {
        if state.table(&schema, &vname).is_some() {
            return Err(not_view(&schema, &vname));
        }
        return Err(EngineError::no_such_table(&schema, &vname));
    };
    privilege::check_table(engine, session, &schema, &vname, Privs::SHOW_VIEW)
        .and_then(|()| privilege::check_table(engine, session, &schema, &vname, Privs::SELECT))?;
    let cols = vec![
        crate::stmt::show::col("View", crate::stmt::show::varchar(64), false),
        crate::stmt::show::col("Create View", crate::stmt::show::varchar(1024), false),
        crate::stmt::show::col(
            "character_set_client",
            crate::stmt::show::varchar(32),
            false,
        ),
        crate::stmt::show::col(
            "collation_connection",
            crate::stmt::show::varchar(64),
            false,
        ),
    ];
    Ok(Outcome::Rows {
        columns: crate::stmt::show::result_columns("VIEWS", &cols),
        rows: vec![vec![
            Value::str(v.name.clone()),
            Value::str(create_text(&v)),
            Value::str(v.client_charset.clone()),
            Value::str(v.connection_collation.clone()),
        ]],
    })
}

/// A view as a table definition (its columns typed by binding it), for DESCRIBE and
/// information_schema.COLUMNS. Reads the view with the session's rights.
pub(crate) fn table_def(
    engine: &Engine,
    session: &Session,
    v: &ViewDef,
) -> Result<Arc<TableDef>, EngineError> {
    let query = parse_select(v)?;
    let state = engine.store.latest();
    let mut b = Binder::new(engine, session, &state);
    let cols = b
        .bind_view_select(&v.schema, &v.name, &query, v.security_definer)
        .map(|(_, c)| c)
        .map_err(|e| match e.code {
            1054 | 1146 | 1142 | 1143 | 1049 => crate::bind::view::view_invalid(&v.schema, &v.name),
            _ => e,
        })?;
    let base = crate::bind::query::derived_def(&v.name);
    let columns = cols
        .iter()
        .zip(&v.columns)
        .map(|(c, n)| ColumnDef {
            name: n.clone(),
            ty: c.ty.clone(),
            nullable: c.nullable,
            default: ColumnDefault::None,
            on_update_now: false,
            auto_increment: false,
            comment: String::new(),
            generated: None,
            invisible: false,
        })
        .collect();
    Ok(Arc::new(TableDef {
        schema: v.schema.clone(),
        columns,
        options: crate::catalog::TableOptions {
            engine: String::new(),
            ..base.options.clone()
        },
        ..(*base).clone()
    }))
}
