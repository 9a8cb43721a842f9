//! Binding the parts of INSERT, UPDATE and DELETE that are not a query: the rows of VALUES and
//! `INSERT ... SET`, assignments (`UPDATE ... SET`, `ON DUPLICATE KEY UPDATE` with `VALUES(col)`
//! and the row alias), ORDER BY of a single-table UPDATE/DELETE, and the join query of a
//! multi-table UPDATE/DELETE.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/insert-on-duplicate.html>
//!
//! An ON DUPLICATE KEY UPDATE assignment sees two rows: the row in the table (`b`, `t.b`), and
//! the row the INSERT tried to add (`VALUES(b)`, or `new.b` with `... AS new`). The binder's scope
//! for it is the table's columns twice (three times with a row alias): the old row, then the new
//! row under a qualifier no query can write (`VALUES(b)` is rewritten to it), then the new row
//! under the row alias. The new-row columns are hidden from unqualified names, so a bare `b` is
//! the old row's, as in MySQL. The executor evaluates the assignments over `old ++ new [++ new]`.

use std::sync::Arc;

use sqlparser::ast::{self as ast, Ident};

use super::{Binder, Scope, ScopeCol, cmp_kind, name_parts};
use crate::catalog::TableDef;
use crate::error::EngineError;
use crate::plan::{ColumnOrigin, Expr, Node, OutCol, SortKey};
use crate::privilege::Privs;

/// The qualifier `VALUES(col)` is rewritten to; no identifier a client sends can name it.
const NEW_ROW: &str = "\u{1}values";

/// What an assignment stores in its column.
#[derive(Clone, Debug)]
pub(crate) enum Assigned {
    /// The value of an expression over the statement's row image.
    Expr(Expr),
    /// `col = DEFAULT`: the column's default.
    Default,
}

/// `col = value`, bound.
#[derive(Clone, Debug)]
pub(crate) struct Assignment {
    /// Position of the column in the table.
    pub(crate) column: usize,
    pub(crate) value: Assigned,
}

/// The bound ON DUPLICATE KEY UPDATE clause.
#[derive(Clone, Debug)]
pub(crate) struct Upsert {
    pub(crate) sets: Vec<Assignment>,
    /// How many copies of the new row follow the old row in the row image (1, or 2 with a row
    /// alias).
    pub(crate) new_copies: usize,
}

/// A table of a multi-table UPDATE/DELETE's FROM clause.
#[derive(Clone, Debug)]
pub(crate) struct JoinTable {
    /// The name the statement uses for it (alias or table name).
    pub(crate) alias: String,
    /// The base table; None for a derived table (not updatable).
    pub(crate) def: Option<Arc<TableDef>>,
}

/// A view among the tables of a multi-table UPDATE/DELETE, merged: its tables are entries of
/// the statement's table list under hidden names (see `bind/view.rs`).
#[derive(Clone, Debug)]
pub(crate) struct JoinView {
    pub(crate) schema: String,
    pub(crate) name: String,
    /// The name the statement uses for it.
    pub(crate) alias: String,
    /// Its tables: a range of the statement's table list.
    pub(crate) tables: std::ops::Range<usize>,
    /// Each column's name and the (table, column) it is, None for an expression.
    pub(crate) columns: Vec<(String, Option<(usize, usize)>)>,
    /// Its CHECK OPTION condition over its table's row (single-table views).
    pub(crate) check: Option<Expr>,
}

/// The join query of a multi-table UPDATE/DELETE: one row per joined row, holding every column
/// of each target table (in target order), then one value per extra expression.
#[derive(Debug)]
pub(crate) struct JoinQuery {
    pub(crate) root: Node,
    pub(crate) columns: Vec<OutCol>,
}

/// True for the bare keyword `DEFAULT` in a value position.
pub(crate) fn is_default(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Identifier(i)
        if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("DEFAULT"))
}

/// Appends the columns of `def` to `scope` under the qualifier `alias`. `hidden` columns are
/// found only when qualified.
pub(crate) fn push_table(scope: &mut Scope, def: &Arc<TableDef>, alias: &str, hidden: bool) {
    let table_no = scope.tables.len();
    for (i, c) in def.columns.iter().enumerate() {
        scope.cols.push(ScopeCol {
            table: Some(alias.to_string()),
            schema: def.schema.clone(),
            name: c.name.clone(),
            ty: c.ty.clone(),
            nullable: c.nullable,
            origin: Some(ColumnOrigin {
                schema: def.schema.clone(),
                table: alias.to_string(),
                org_table: def.name.clone(),
                org_name: c.name.clone(),
            }),
            flags: def.column_flags(i),
            merged: hidden,
            invisible: c.invisible,
            table_no,
        });
    }
    scope.tables.push(def.clone());
}

/// A scope of one table's columns under `alias`.
pub(crate) fn table_scope(def: &Arc<TableDef>, alias: &str) -> Scope {
    let mut scope = Scope::default();
    push_table(&mut scope, def, alias, false);
    scope
}

/// The column an assignment target names in `def` (qualified names must use `alias`).
fn target_column(
    def: &TableDef,
    alias: &str,
    target: &ast::AssignmentTarget,
) -> Result<usize, EngineError> {
    let name = match target {
        ast::AssignmentTarget::ColumnName(n) => name_parts(n),
        ast::AssignmentTarget::Tuple(_) => {
            return Err(EngineError::not_supported("tuple assignment"));
        }
    };
    let full = name.join(".");
    let (qualifier, col) = match name.as_slice() {
        [c] => (None, c.as_str()),
        [t, c] => (Some(t.as_str()), c.as_str()),
        [d, t, c] if *d == def.schema => (Some(t.as_str()), c.as_str()),
        _ => return Err(EngineError::bad_field(&full, "field list")),
    };
    if qualifier.is_some_and(|q| q != alias) {
        return Err(EngineError::bad_field(&full, "field list"));
    }
    def.column_index(col)
        .ok_or_else(|| EngineError::bad_field(&full, "field list"))
}

/// The column `VALUES(col)` names, if `f` is such a call.
fn values_call(f: &ast::Function) -> Option<Ident> {
    let [ast::ObjectNamePart::Identifier(name)] = f.name.0.as_slice() else {
        return None;
    };
    if !name.value.eq_ignore_ascii_case("VALUES") {
        return None;
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.as_slice() {
        [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e))] => match e {
            ast::Expr::Identifier(col) => Some(col.clone()),
            ast::Expr::CompoundIdentifier(parts) => parts.last().cloned(),
            _ => None,
        },
        _ => None,
    }
}

/// Rewrites `VALUES(col)` calls to a column of the hidden new-row qualifier.
fn rewrite_values_calls(e: &ast::Expr) -> ast::Expr {
    let mut e = e.clone();
    let _ = ast::visit_expressions_mut(&mut e, |x| {
        if let ast::Expr::Function(f) = x
            && let Some(col) = values_call(f)
        {
            *x = ast::Expr::CompoundIdentifier(vec![Ident::new(NEW_ROW), col]);
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    e
}

/// Quotes an identifier with backticks for generated SQL.
fn quoted(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

impl Binder<'_> {
    /// Binds `col = expr, ...` of one table whose columns the current scope starts with, in
    /// order. A qualified target must use `alias`.
    pub(crate) fn assignments(
        &mut self,
        def: &TableDef,
        alias: &str,
        sets: &[ast::Assignment],
    ) -> Result<Vec<Assignment>, EngineError> {
        self.assignments_with(def, sets, |t| target_column(def, alias, t))
    }

    /// Binds `col = expr, ...` of `def`, the column of each target found by `resolve` (the
    /// columns of a view written through are its names, see `bind/view.rs`).
    pub(crate) fn assignments_with(
        &mut self,
        def: &TableDef,
        sets: &[ast::Assignment],
        resolve: impl Fn(&ast::AssignmentTarget) -> Result<usize, EngineError>,
    ) -> Result<Vec<Assignment>, EngineError> {
        let saved = self.clause;
        self.clause = "field list";
        let mut out = Vec::with_capacity(sets.len());
        for a in sets {
            let column = resolve(&a.target)?;
            self.note_write_columns(def, &[column], Privs::UPDATE)?;
            let value = if is_default(&a.value) {
                Assigned::Default
            } else {
                match self.expr(&a.value) {
                    Ok(b) => Assigned::Expr(b.expr),
                    Err(e) => {
                        self.clause = saved;
                        return Err(e);
                    }
                }
            };
            out.push(Assignment { column, value });
        }
        self.clause = saved;
        Ok(out)
    }

    /// Binds the assignments of `ON DUPLICATE KEY UPDATE` for an INSERT into `def` (see the
    /// module documentation for what they see).
    pub(crate) fn upsert(
        &mut self,
        def: &Arc<TableDef>,
        row_alias: Option<&ast::InsertAliases>,
        sets: &[ast::Assignment],
    ) -> Result<Upsert, EngineError> {
        let mut scope = table_scope(def, &def.name);
        push_table(&mut scope, def, NEW_ROW, true);
        let mut new_copies = 1;
        if let Some(a) = row_alias {
            let alias = name_parts(&a.row_alias).pop().unwrap_or_default();
            if alias == def.name {
                return Err(EngineError::new(
                    1066,
                    "42000",
                    format!("Not unique table/alias: '{alias}'"),
                ));
            }
            let start = scope.cols.len();
            push_table(&mut scope, def, &alias, true);
            if let Some(names) = a.col_aliases.as_ref().filter(|n| !n.is_empty()) {
                if names.len() != def.columns.len() {
                    return Err(EngineError::new(
                        1136,
                        "21S01",
                        "Column count doesn't match value count at row 1",
                    ));
                }
                for (c, n) in scope.cols[start..].iter_mut().zip(names) {
                    c.name = n.value.clone();
                    // A column alias no table column has can be used unqualified.
                    c.merged = def.column_index(&n.value).is_some();
                }
            }
            new_copies = 2;
        }
        let sets = self.upsert_sets(scope, def, sets, |t| target_column(def, &def.name, t))?;
        Ok(Upsert { sets, new_copies })
    }

    /// Binds the assignments of `ON DUPLICATE KEY UPDATE` for an INSERT through the view
    /// `target` into its table `def`: the rows are `def`'s, as for [`Binder::upsert`], their
    /// columns named by the view's names (`VALUES(col)` and the row alias too); `resolve`
    /// finds the column an assignment target names.
    pub(crate) fn upsert_through_view(
        &mut self,
        def: &Arc<TableDef>,
        target: &super::view::WriteTarget,
        row_alias: Option<&ast::InsertAliases>,
        sets: &[ast::Assignment],
        resolve: impl Fn(&ast::AssignmentTarget) -> Result<usize, EngineError>,
    ) -> Result<Upsert, EngineError> {
        let width = def.columns.len();
        let mut scope = target.scope.clone();
        let copy = |scope: &mut Scope, qualifier: &str, at: usize| {
            push_table(scope, def, &super::view::hidden_alias(qualifier, ""), true);
            for vc in &target.scope.view_cols {
                let mut c = vc.clone().shifted(at, 0);
                c.table = qualifier.to_string();
                c.hidden = true;
                scope.view_cols.push(c);
            }
        };
        copy(&mut scope, NEW_ROW, width);
        let mut new_copies = 1;
        if let Some(a) = row_alias {
            let alias = name_parts(&a.row_alias).pop().unwrap_or_default();
            if alias == target.view.alias {
                return Err(EngineError::new(
                    1066,
                    "42000",
                    format!("Not unique table/alias: '{alias}'"),
                ));
            }
            let start = scope.view_cols.len();
            copy(&mut scope, &alias, 2 * width);
            if let Some(names) = a.col_aliases.as_ref().filter(|n| !n.is_empty()) {
                if names.len() != target.scope.view_cols.len() {
                    return Err(EngineError::new(
                        1136,
                        "21S01",
                        "Column count doesn't match value count at row 1",
                    ));
                }
                let own: Vec<String> = target
                    .scope
                    .view_cols
                    .iter()
                    .map(|c| c.name.to_ascii_lowercase())
                    .collect();
                for (c, n) in scope.view_cols[start..].iter_mut().zip(names) {
                    c.name = n.value.clone();
                    // A column alias no view column has can be used unqualified.
                    c.hidden = own.contains(&n.value.to_ascii_lowercase());
                }
            }
            new_copies = 2;
        }
        let sets = self.upsert_sets(scope, def, sets, resolve)?;
        Ok(Upsert { sets, new_copies })
    }

    /// The assignments of ON DUPLICATE KEY UPDATE over the row image `scope` (`VALUES(col)`
    /// rewritten to the hidden new row).
    fn upsert_sets(
        &mut self,
        scope: Scope,
        def: &TableDef,
        sets: &[ast::Assignment],
        resolve: impl Fn(&ast::AssignmentTarget) -> Result<usize, EngineError>,
    ) -> Result<Vec<Assignment>, EngineError> {
        self.set_scope(scope);
        let sets: Vec<ast::Assignment> = sets
            .iter()
            .map(|a| ast::Assignment {
                target: a.target.clone(),
                value: rewrite_values_calls(&a.value),
            })
            .collect();
        self.assignments_with(def, &sets, resolve)
    }

    /// Binds the ORDER BY of a single-table UPDATE/DELETE over the current scope.
    pub(crate) fn order_keys(
        &mut self,
        order: &[ast::OrderByExpr],
    ) -> Result<Vec<SortKey>, EngineError> {
        let saved = self.clause;
        self.clause = "order clause";
        let mut keys = Vec::with_capacity(order.len());
        for ob in order {
            let b = match self.expr(&ob.expr) {
                Ok(b) => b,
                Err(e) => {
                    self.clause = saved;
                    return Err(e);
                }
            };
            keys.push(SortKey {
                kind: cmp_kind(&b.ty, &b.ty, false),
                expr: b.expr,
                desc: matches!(ob.options.sort, Some(ast::OrderBySort::Desc)),
            });
        }
        self.clause = saved;
        Ok(keys)
    }

    /// The tables of a FROM clause, in order, as the statement names them; an updatable view
    /// stands for its tables (hidden names) and is listed in the second list.
    pub(crate) fn join_tables(
        &mut self,
        from: &[ast::TableWithJoins],
    ) -> Result<(Vec<JoinTable>, Vec<JoinView>), EngineError> {
        fn factor(
            b: &mut Binder<'_>,
            tf: &ast::TableFactor,
            out: &mut Vec<JoinTable>,
            views: &mut Vec<JoinView>,
        ) -> Result<(), EngineError> {
            match tf {
                ast::TableFactor::Table { name, alias, .. } => {
                    let (schema, table) = b.table_name(name)?;
                    let alias = alias
                        .as_ref()
                        .map(|a| a.name.value.clone())
                        .unwrap_or(table.clone());
                    if b.is_view(&schema, &table) {
                        let saved = b.merge_views;
                        b.merge_views = true;
                        let merged = b.merge_view(
                            &schema,
                            &table,
                            Some(&alias),
                            &Scope::default(),
                            None,
                            Privs::SELECT,
                        );
                        b.merge_views = saved;
                        let Some((_, scope)) = merged? else {
                            // Not updatable: read as a derived table.
                            out.push(JoinTable { alias, def: None });
                            return Ok(());
                        };
                        let start = out.len();
                        let first_col =
                            |k: usize| scope.cols.iter().position(|c| c.table_no == k).unwrap_or(0);
                        for (k, def) in scope.tables.iter().enumerate() {
                            let hidden = scope
                                .cols
                                .get(first_col(k))
                                .and_then(|c| c.table.clone())
                                .unwrap_or_default();
                            out.push(JoinTable {
                                alias: hidden,
                                def: Some(def.clone()),
                            });
                        }
                        let columns = scope
                            .view_cols
                            .iter()
                            .map(|vc| {
                                let at = vc.base.and_then(|p| {
                                    let c = scope.cols.get(p)?;
                                    Some((
                                        start + c.table_no,
                                        p.saturating_sub(first_col(c.table_no)),
                                    ))
                                });
                                (vc.name.clone(), at)
                            })
                            .collect();
                        let check = scope.merged_views.first().and_then(|m| m.check_due.clone());
                        views.push(JoinView {
                            schema,
                            name: table,
                            alias,
                            tables: start..out.len(),
                            columns,
                            check,
                        });
                        return Ok(());
                    }
                    let def = b.table_def(&schema, &table)?;
                    out.push(JoinTable {
                        alias,
                        def: Some(def),
                    });
                }
                ast::TableFactor::Derived { alias, .. } => out.push(JoinTable {
                    alias: alias
                        .as_ref()
                        .map(|a| a.name.value.clone())
                        .unwrap_or_default(),
                    def: None,
                }),
                ast::TableFactor::NestedJoin {
                    table_with_joins, ..
                } => twj(b, table_with_joins, out, views)?,
                _ => return Err(EngineError::not_supported("this table reference")),
            }
            Ok(())
        }
        fn twj(
            b: &mut Binder<'_>,
            t: &ast::TableWithJoins,
            out: &mut Vec<JoinTable>,
            views: &mut Vec<JoinView>,
        ) -> Result<(), EngineError> {
            factor(b, &t.relation, out, views)?;
            for j in &t.joins {
                factor(b, &j.relation, out, views)?;
            }
            Ok(())
        }
        let mut out = Vec::new();
        let mut views = Vec::new();
        for t in from {
            twj(self, t, &mut out, &mut views)?;
        }
        Ok((out, views))
    }

    /// Binds the join query of a multi-table UPDATE/DELETE: `SELECT <every column of each
    /// target>, <extra expressions> FROM <from> WHERE <selection> FOR UPDATE`. It reads the
    /// latest committed rows and locks every row it reads, as InnoDB's multi-table statements do.
    pub(crate) fn join_query(
        &mut self,
        from: &[ast::TableWithJoins],
        targets: &[JoinTable],
        extra: &[ast::Expr],
        selection: Option<&ast::Expr>,
    ) -> Result<JoinQuery, EngineError> {
        let mut items = Vec::new();
        for t in targets {
            if let Some(def) = &t.def {
                for c in &def.columns {
                    items.push(format!("{}.{}", quoted(&t.alias), quoted(&c.name)));
                }
            }
        }
        for e in extra {
            items.push(format!("({e})"));
        }
        let from_text: Vec<String> = from.iter().map(ToString::to_string).collect();
        let mut sql = format!("SELECT {} FROM {}", items.join(", "), from_text.join(", "));
        if let Some(w) = selection {
            sql.push_str(&format!(" WHERE {w}"));
        }
        sql.push_str(" FOR UPDATE");
        let dialect = sqlparser::dialect::MySqlDialect {};
        let parsed = sqlparser::parser::Parser::parse_sql(&dialect, &sql)
            .map_err(|_| EngineError::not_supported("this multi-table statement"))?;
        let [ast::Statement::Query(q)] = parsed.as_slice() else {
            return Err(EngineError::not_supported("this multi-table statement"));
        };
        let saved = self.merge_views;
        self.merge_views = true;
        let r = self.query_plan(q);
        self.merge_views = saved;
        let (root, columns) = r?;
        Ok(JoinQuery { root, columns })
    }
}

/// ER_UPDATE_TABLE_USED: the table an UPDATE/DELETE (or INSERT ... VALUES) changes is read by
/// one of its subqueries.
pub(crate) fn update_table_used(alias: &str) -> EngineError {
    EngineError::new(
        1093,
        "HY000",
        format!("You can't specify target table '{alias}' for update in FROM clause"),
    )
}

/// ER_VIEW_PREVENT_UPDATE.
pub(crate) fn view_prevent_update(view: &str, op: &str, table: &str) -> EngineError {
    EngineError::new(
        1443,
        "HY000",
        format!("The definition of table '{view}' prevents operation {op} on table '{table}'."),
    )
}

/// Collects the tables the subqueries of a statement part read directly: not those of a
/// derived table or a CTE (MySQL materializes them before the change starts), nor CTE names.
#[derive(Default)]
struct SubqueryTables {
    /// Queries entered.
    depth: usize,
    /// Derived tables and CTE bodies entered.
    materialized: usize,
    /// Addresses of the CTE bodies of the queries entered.
    cte_bodies: Vec<usize>,
    /// CTE names visible, innermost last, with how many each query pushed.
    cte_names: Vec<String>,
    pushed: Vec<(usize, usize)>,
    found: Vec<ast::ObjectName>,
}

impl ast::Visitor for SubqueryTables {
    type Break = ();

    fn pre_visit_query(&mut self, q: &ast::Query) -> std::ops::ControlFlow<()> {
        self.depth += 1;
        let addr = q as *const ast::Query as usize;
        let body = self.cte_bodies.contains(&addr);
        if body {
            self.materialized += 1;
        }
        let mut names = 0;
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                self.cte_bodies
                    .push(&*cte.query as *const ast::Query as usize);
                self.cte_names.push(cte.alias.name.value.clone());
                names += 1;
            }
        }
        self.pushed.push((names, usize::from(body)));
        std::ops::ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _q: &ast::Query) -> std::ops::ControlFlow<()> {
        self.depth -= 1;
        if let Some((names, body)) = self.pushed.pop() {
            let keep = self.cte_names.len().saturating_sub(names);
            self.cte_names.truncate(keep);
            self.materialized -= body;
        }
        std::ops::ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, f: &ast::TableFactor) -> std::ops::ControlFlow<()> {
        if matches!(f, ast::TableFactor::Derived { .. }) {
            self.materialized += 1;
        }
        std::ops::ControlFlow::Continue(())
    }

    fn post_visit_table_factor(&mut self, f: &ast::TableFactor) -> std::ops::ControlFlow<()> {
        if matches!(f, ast::TableFactor::Derived { .. }) {
            self.materialized -= 1;
        }
        std::ops::ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, name: &ast::ObjectName) -> std::ops::ControlFlow<()> {
        if self.depth > 0 && self.materialized == 0 {
            let parts = name_parts(name);
            let cte = matches!(parts.as_slice(), [n] if self.cte_names.contains(n));
            if !cte {
                self.found.push(name.clone());
            }
        }
        std::ops::ControlFlow::Continue(())
    }
}

/// The tables named in FROM clauses of the subqueries of `node` (of `node` itself when it is a
/// query), outside derived tables and CTEs.
pub(crate) fn subquery_tables<V: ast::Visit>(node: &V) -> Vec<ast::ObjectName> {
    let mut v = SubqueryTables::default();
    let _ = node.visit(&mut v);
    v.found
}

/// The table a data-change statement changes, for [`Binder::check_target_unread`].
pub(crate) struct ChangedTable<'t> {
    pub(crate) schema: &'t str,
    pub(crate) name: &'t str,
    /// The name the statement uses for it (its alias, or the view's name or alias when the
    /// statement changes it through a view).
    pub(crate) alias: &'t str,
    /// The view (schema, name) the statement names for the table, if it changes it through one.
    pub(crate) through_view: Option<(&'t str, &'t str)>,
}

impl Binder<'_> {
    /// ER 1093 when a subquery among `names` (see [`subquery_tables`]) reads the table the
    /// statement `op` changes, ER 1443 when it reads it through a merged view or the statement
    /// changes it through a view, as MySQL's `update_non_unique_table_error` reports them.
    pub(crate) fn check_target_unread(
        &self,
        names: &[ast::ObjectName],
        target: &ChangedTable<'_>,
        op: &str,
    ) -> Result<(), EngineError> {
        let default = self.session.database.clone().unwrap_or_default();
        for name in names {
            let Some((schema, table)) = resolve(name, &default) else {
                continue;
            };
            let is_view = self.session.temp.table(&schema, &table).is_none()
                && self.state.view(&schema, &table).is_some();
            let same_view = target.through_view == Some((schema.as_str(), table.as_str()));
            let hit = if is_view {
                same_view || self.view_reads(&schema, &table, target, 0)
            } else {
                schema == target.schema && table == target.name
            };
            if !hit {
                continue;
            }
            let shown = name_parts(name)
                .last()
                .cloned()
                .unwrap_or_else(|| table.clone());
            return Err(match (target.through_view, is_view) {
                (None, false) => update_table_used(target.alias),
                (Some(v), true) if v == (schema.as_str(), table.as_str()) => {
                    update_table_used(target.alias)
                }
                (_, true) => view_prevent_update(&shown, op, target.alias),
                (Some(_), false) => view_prevent_update(target.alias, op, target.alias),
            });
        }
        Ok(())
    }

    /// True when the view `schema.name`, merged into the statement (a view MySQL materializes
    /// reads its rows before the change), reads the target table.
    fn view_reads(
        &self,
        schema: &str,
        name: &str,
        target: &ChangedTable<'_>,
        depth: usize,
    ) -> bool {
        let Some(view) = self.state.view(schema, name) else {
            return false;
        };
        if !view.updatable || depth > 32 {
            return false;
        }
        let Ok(query) = crate::bind::view::parse_select(view) else {
            return false;
        };
        subquery_tables(&*query).iter().any(|n| {
            resolve(n, &view.schema).is_some_and(|(s, t)| {
                if self.state.view(&s, &t).is_some() {
                    self.view_reads(&s, &t, target, depth + 1)
                } else {
                    s == target.schema && t == target.name
                }
            })
        })
    }
}

/// `[db.]table` with `default` as the database of a bare name.
fn resolve(name: &ast::ObjectName, default: &str) -> Option<(String, String)> {
    match name_parts(name).as_slice() {
        [t] => Some((default.to_string(), t.clone())),
        [d, t] => Some((d.clone(), t.clone())),
        _ => None,
    }
}
