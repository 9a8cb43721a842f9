//! Views in statements (<https://dev.mysql.com/doc/refman/8.4/en/view-algorithms.html>).
//!
//! Read by a query, a view is bound in place as a derived table from its stored SELECT (what
//! ALGORITHM=TEMPTABLE describes, whatever the view says; the result is the same).
//!
//! Written through (INSERT, REPLACE, UPDATE, DELETE, and the tables of a multi-table UPDATE or
//! DELETE), an updatable view is merged into the statement, as MySQL's MERGE algorithm does
//! (<https://dev.mysql.com/doc/refman/8.4/en/view-updatability.html>): its tables join the
//! statement's FROM under qualifiers no statement can write, its WHERE filters them, and its
//! column names stand for its select-list expressions over their rows ([`ViewCol`]). The
//! statement is then bound and run as one over the base table: the write path is the base
//! table's, with its constraints, foreign keys, generated columns and AUTO_INCREMENT. A view
//! column that is not a plain column cannot be assigned (1348), a view that cannot be merged
//! is not updatable (1288) or insertable-into (1471), a join view changes one table per
//! statement (1393) and cannot be deleted from (1395). WITH CHECK OPTION becomes a condition
//! on every row written ([`MergedView::check_due`], 1369).
//!
//! The SELECT is bound with the view's schema as the default database. The invoker needs
//! SELECT (or the statement's privilege) on the view; with SQL SECURITY DEFINER the view's own
//! tables are then used without checking the invoker's privileges on them (the definer's
//! rights were checked when the view was created and are not checked again), with SQL
//! SECURITY INVOKER as the invoker.

use std::ops::Range;

use sqlparser::ast::{self, SelectItem, SetExpr, Statement};

use super::query::{appended, push_derived};
use super::{Binder, Bound, Scope, name_parts};
use crate::catalog::{CheckOption, ViewDef};
use crate::error::EngineError;
use crate::plan::{Expr, LockMode, LockWait, Node};
use crate::privilege::Privs;

/// How deep views may name views (MySQL is bounded by its stack; this by a count).
const MAX_VIEW_DEPTH: usize = 32;

/// ER_VIEW_INVALID.
pub(crate) fn view_invalid(schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1356,
        "HY000",
        format!(
            "View '{schema}.{name}' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them"
        ),
    )
}

/// ER_VIEW_RECURSIVE.
pub(crate) fn view_recursive(schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1462,
        "HY000",
        format!("`{schema}`.`{name}` contains view recursion"),
    )
}

/// The SELECT of a view's text (ER_VIEW_INVALID if it no longer parses as one).
pub(crate) fn parse_select(view: &ViewDef) -> Result<Box<ast::Query>, EngineError> {
    let invalid = || view_invalid(&view.schema, &view.name);
    let mut script = crate::parse::Script::new(&view.select).map_err(|_| invalid())?;
    match script.next_statement() {
        Some(Ok(parsed)) => match parsed.stmt {
            crate::parse::Stmt::Sql(s) => match *s {
                Statement::Query(q) => Ok(q),
                _ => Err(invalid()),
            },
            _ => Err(invalid()),
        },
        _ => Err(invalid()),
    }
}

/// Every table or view a view's SELECT names (in subqueries and derived tables too), CTE
/// names aside: what LOCK TABLES of the view locks.
pub(crate) fn tables_named(query: &ast::Query) -> Vec<ast::ObjectName> {
    let mut ctes = Vec::new();
    collect_ctes(query, &mut ctes);
    let mut out = Vec::new();
    let _ = ast::visit_relations(query, |n| {
        let parts = name_parts(n);
        if !matches!(parts.as_slice(), [one] if ctes.contains(one)) {
            out.push(n.clone());
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    out
}

/// The names of the CTEs of `query` and of the queries in it.
fn collect_ctes(query: &ast::Query, out: &mut Vec<String>) {
    struct Ctes<'o>(&'o mut Vec<String>);
    impl ast::Visitor for Ctes<'_> {
        type Break = ();
        fn pre_visit_query(&mut self, q: &ast::Query) -> std::ops::ControlFlow<()> {
            if let Some(with) = &q.with {
                self.0
                    .extend(with.cte_tables.iter().map(|c| c.alias.name.value.clone()));
            }
            std::ops::ControlFlow::Continue(())
        }
    }
    let _ = ast::Visit::visit(query, &mut Ctes(out));
}

/// ER_NONUPDATEABLE_COLUMN.
pub(crate) fn column_not_updatable(name: &str) -> EngineError {
    EngineError::new(1348, "HY000", format!("Column '{name}' is not updatable"))
}

/// ER_NON_UPDATABLE_TABLE (UPDATE, DELETE) or ER_NON_INSERTABLE_TABLE (INSERT).
pub(crate) fn not_updatable(name: &str, stmt: &str) -> EngineError {
    if stmt == "INSERT" {
        EngineError::new(
            1471,
            "HY000",
            format!("The target table {name} of the INSERT is not insertable-into"),
        )
    } else {
        EngineError::new(
            1288,
            "HY000",
            format!("The target table {name} of the {stmt} is not updatable"),
        )
    }
}

/// ER_VIEW_MULTIUPDATE.
pub(crate) fn view_multiupdate(schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1393,
        "HY000",
        format!("Can not modify more than one base table through a join view '{schema}.{name}'"),
    )
}

/// ER_VIEW_NO_INSERT_FIELD_LIST.
pub(crate) fn view_no_insert_field_list(schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1394,
        "HY000",
        format!("Can not insert into join view '{schema}.{name}' without fields list"),
    )
}

/// ER_VIEW_DELETE_MERGE_VIEW.
pub(crate) fn view_delete_merge_view(schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1395,
        "HY000",
        format!("Can not delete from join view '{schema}.{name}'"),
    )
}

/// ER_VIEW_CHECK_FAILED.
pub(crate) fn view_check_failed(schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1369,
        "HY000",
        format!("CHECK OPTION failed '{schema}.{name}'"),
    )
}

/// The qualifier of a merged view's table: `\u{1}` cannot be written by a client's
/// statement, so only the view's column names reach these columns.
pub(crate) fn hidden_alias(view_alias: &str, inner: &str) -> String {
    if inner.starts_with('\u{1}') {
        format!("\u{1}{view_alias}{inner}")
    } else {
        format!("\u{1}{view_alias}\u{1}{inner}")
    }
}

/// `e` over a row whose columns start `width` further on.
fn shift(e: Expr, width: usize) -> Expr {
    if width == 0 {
        return e;
    }
    e.transform(&mut |x| match x {
        Expr::Column(i) => Expr::Column(i + width),
        other => other,
    })
}

/// A column of a view merged into a statement: its name under the view's alias and the
/// expression it stands for over the level's row.
#[derive(Clone, Debug)]
pub(crate) struct ViewCol {
    pub(crate) table: String,
    pub(crate) schema: String,
    pub(crate) name: String,
    pub(crate) bound: Bound,
    /// The scope column it is, when it is a plain column of a base table.
    pub(crate) base: Option<usize>,
    /// Found only when qualified (the new row of ON DUPLICATE KEY UPDATE).
    pub(crate) hidden: bool,
}

impl ViewCol {
    /// The same column in a scope where it starts `width` columns further on.
    pub(crate) fn shifted(mut self, width: usize, _tables: usize) -> Self {
        self.bound.expr = shift(self.bound.expr, width);
        self.base = self.base.map(|b| b + width);
        self
    }
}

/// A view merged into a statement's level.
#[derive(Clone, Debug)]
pub(crate) struct MergedView {
    pub(crate) schema: String,
    pub(crate) name: String,
    /// The name the statement uses for it.
    pub(crate) alias: String,
    /// The scope columns of its tables.
    pub(crate) cols: Range<usize>,
    /// Its tables in the scope.
    pub(crate) tables: Range<usize>,
    /// Its WHERE and those of the views it reads (what WITH CASCADED CHECK OPTION checks).
    pub(crate) check_all: Option<Expr>,
    /// What a written row must satisfy: the WHERE of each view that has a CHECK OPTION, or
    /// that lies below one WITH CASCADED CHECK OPTION.
    pub(crate) check_due: Option<Expr>,
    /// Every column is a plain column of a base table, none twice (INSERT may use it).
    pub(crate) insertable: bool,
}

impl MergedView {
    /// The same view in a scope where its columns start `width` and its tables `tables`
    /// further on.
    pub(crate) fn shifted(mut self, width: usize, tables: usize) -> Self {
        self.cols = self.cols.start + width..self.cols.end + width;
        self.tables = self.tables.start + tables..self.tables.end + tables;
        self.check_all = self.check_all.map(|e| shift(e, width));
        self.check_due = self.check_due.map(|e| shift(e, width));
        self
    }
}

/// A view a data-change statement writes through, merged (see the module comment).
pub(crate) struct WriteTarget {
    /// The join tree of the view's tables, filtered by its WHERE.
    pub(crate) node: Node,
    /// The view's tables (hidden) and its columns.
    pub(crate) scope: Scope,
    pub(crate) view: MergedView,
}

impl WriteTarget {
    /// The one base table of a single-table view, with its row's start in the scope; None for
    /// a join view.
    pub(crate) fn single_table(&self) -> Option<std::sync::Arc<crate::catalog::TableDef>> {
        match self.scope.tables.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    /// The view column an assignment target or INSERT column names (`col`, `alias.col`).
    pub(crate) fn column(&self, parts: &[String]) -> Result<&ViewCol, EngineError> {
        let full = parts.join(".");
        let (qualifier, col) = match parts {
            [c] => (None, c.as_str()),
            [t, c] => (Some(t.as_str()), c.as_str()),
            [d, t, c] if *d == self.view.schema => (Some(t.as_str()), c.as_str()),
            _ => return Err(EngineError::bad_field(&full, "field list")),
        };
        self.scope
            .view_cols
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(col) && qualifier.is_none_or(|q| q == c.table))
            .ok_or_else(|| EngineError::bad_field(&full, "field list"))
    }

    /// The base table and its column a view column writes: ER 1348 for a column that is
    /// not a plain column.
    pub(crate) fn written(&self, vc: &ViewCol) -> Result<(usize, usize), EngineError> {
        let at = vc.base.ok_or_else(|| column_not_updatable(&vc.name))?;
        let c = self
            .scope
            .cols
            .get(at)
            .ok_or_else(|| column_not_updatable(&vc.name))?;
        let first = self
            .scope
            .cols
            .iter()
            .position(|x| x.table_no == c.table_no)
            .unwrap_or(0);
        Ok((c.table_no, at.saturating_sub(first)))
    }
}

/// The tree under a single-table view's WHERE filters: the scan, and the filters above it.
pub(crate) fn scan_of(node: Node) -> Option<(crate::plan::TableRef, Option<Expr>)> {
    match node {
        Node::Scan { table, filter, .. } => Some((table, filter)),
        Node::Filter { input, predicate } => {
            let (t, f) = scan_of(*input)?;
            Some((t, Expr::and_all(f.into_iter().chain([predicate]).collect())))
        }
        _ => None,
    }
}

impl Binder<'_> {
    /// Runs `f` inside the view `schema.name`: its schema is the default database, outer
    /// CTEs and the statement text are not visible, and a view met again is recursion.
    fn in_view<T>(
        &mut self,
        schema: &str,
        name: &str,
        definer_rights: bool,
        f: impl FnOnce(&mut Self) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        if self
            .view_stack
            .iter()
            .any(|(s, n)| s == schema && n == name)
        {
            return Err(view_recursive(schema, name));
        }
        if self.view_stack.len() >= MAX_VIEW_DEPTH {
            return Err(EngineError::stack_overrun());
        }
        let ctes = std::mem::take(&mut self.cte_names);
        let script = self.script.take();
        self.view_stack.push((schema.to_string(), name.to_string()));
        if definer_rights {
            self.definer_rights += 1;
        }
        let r = f(self);
        if definer_rights {
            self.definer_rights -= 1;
        }
        self.view_stack.pop();
        self.script = script;
        self.cte_names = ctes;
        r
    }

    /// Binds `query` as the SELECT of the view `schema.name` (see [`Binder::in_view`]).
    pub(crate) fn bind_view_select(
        &mut self,
        schema: &str,
        name: &str,
        query: &ast::Query,
        definer_rights: bool,
    ) -> Result<(Node, Vec<crate::plan::OutCol>), EngineError> {
        self.in_view(schema, name, definer_rights, |b| {
            b.push_level_pub();
            let r = b.query_plan(query);
            b.pop_level_pub();
            r
        })
    }

    /// The view `schema.name` as the statement uses it: its definition, after the invoker's
    /// privilege `need` on it (not checked inside a definer's view) and LOCK TABLES.
    fn use_view(
        &self,
        schema: &str,
        name: &str,
        need: Privs,
    ) -> Result<std::sync::Arc<ViewDef>, EngineError> {
        let Some(view) = self.state.view(schema, name).cloned() else {
            return Err(EngineError::no_such_table(schema, name));
        };
        if self.definer_rights == 0 {
            crate::privilege::check_table(self.engine, self.session, schema, name, need)?;
            if need.contains(Privs::SELECT) {
                let mut reads = self.reads.borrow_mut();
                if !reads.iter().any(|(s, t)| s == schema && t == name) {
                    reads.push((schema.to_string(), name.to_string()));
                }
            }
        }
        self.session
            .table_lock_via(schema, name, name, !self.view_stack.is_empty())?;
        Ok(view)
    }

    /// A view named in FROM: its SELECT bound as a derived table named by the alias (or the
    /// view's name), with the view's column names.
    pub(crate) fn view_factor(
        &mut self,
        schema: &str,
        name: &str,
        alias: Option<&str>,
        mut scope: Scope,
        table_no: usize,
    ) -> Result<(Node, Scope), EngineError> {
        let view = self.use_view(schema, name, Privs::SELECT)?;
        let query = parse_select(&view)?;
        let (node, cols) = self
            .bind_view_select(schema, name, &query, view.security_definer)
            .map_err(|e| invalid_unless_own(e, schema, name))?;
        if cols.len() != view.columns.len() {
            return Err(view_invalid(schema, name));
        }
        let alias_name = alias.unwrap_or(name).to_string();
        not_unique(&scope, &alias_name)?;
        push_derived(
            &mut scope,
            &alias_name,
            &cols,
            view.columns.iter().cloned(),
            table_no,
        );
        Ok((node, scope))
    }

    /// An updatable view merged into the level whose FROM is being bound (after `base`), the
    /// statement needing `need` on it: None when the view cannot be merged (it is then read as
    /// a derived table).
    pub(crate) fn merge_view(
        &mut self,
        schema: &str,
        name: &str,
        alias: Option<&str>,
        base: &Scope,
        lock: Option<(LockMode, LockWait)>,
        need: Privs,
    ) -> Result<Option<(Node, Scope)>, EngineError> {
        let Some(def) = self.state.view(schema, name) else {
            return Err(EngineError::no_such_table(schema, name));
        };
        if !def.updatable {
            return Ok(None);
        }
        let view = self.use_view(schema, name, need)?;
        let query = parse_select(&view)?;
        let SetExpr::Select(sel) = &*query.body else {
            return Ok(None);
        };
        let alias = alias.unwrap_or(name).to_string();
        not_unique(base, &alias)?;
        let (node, local, items, filter) = self
            .in_view(schema, name, view.security_definer, |b| {
                b.merge_body(sel, lock)
            })
            .map_err(|e| invalid_unless_own(e, schema, name))?;
        if items.len() != view.columns.len() {
            return Err(view_invalid(schema, name));
        }
        // The checks of the views below, then this view's own.
        let nested = &local.merged_views;
        let below_all: Vec<Expr> = nested.iter().filter_map(|m| m.check_all.clone()).collect();
        let below_due: Vec<Expr> = nested.iter().filter_map(|m| m.check_due.clone()).collect();
        let own: Vec<Expr> = filter.iter().cloned().collect();
        let check_all = Expr::and_all(own.iter().cloned().chain(below_all).collect());
        let check_due = match view.check {
            CheckOption::None => Expr::and_all(below_due),
            CheckOption::Local => Expr::and_all(own.into_iter().chain(below_due).collect()),
            CheckOption::Cascaded => check_all.clone(),
        };
        let mut seen = Vec::new();
        let mut insertable = true;
        let mut view_cols = Vec::with_capacity(items.len());
        for (b, n) in items.into_iter().zip(&view.columns) {
            let base_col = match b.expr {
                Expr::Column(i) if local.cols.get(i).is_some_and(|c| c.origin.is_some()) => Some(i),
                _ => None,
            };
            match base_col {
                Some(i) if !seen.contains(&i) => seen.push(i),
                _ => insertable = false,
            }
            view_cols.push(ViewCol {
                table: alias.clone(),
                schema: schema.to_string(),
                name: n.clone(),
                bound: b,
                base: base_col,
                hidden: false,
            });
        }
        let width = local.cols.len();
        let tables = local.tables.len();
        let cols = local
            .cols
            .into_iter()
            .map(|mut c| {
                c.table = Some(hidden_alias(&alias, c.table.as_deref().unwrap_or("")));
                c.merged = true;
                c
            })
            .collect();
        let item = Scope {
            cols,
            tables: local.tables,
            view_cols,
            merged_views: vec![MergedView {
                schema: schema.to_string(),
                name: name.to_string(),
                alias,
                cols: 0..width,
                tables: 0..tables,
                check_all,
                check_due,
                insertable,
            }],
        };
        let node = match filter {
            Some(predicate) => Node::Filter {
                input: Box::new(node),
                predicate,
            },
            None => node,
        };
        Ok(Some((node, appended(base, item))))
    }

    /// Binds a mergeable view's FROM, WHERE and select list (inside the view).
    #[allow(clippy::type_complexity)]
    fn merge_body(
        &mut self,
        sel: &ast::Select,
        lock: Option<(LockMode, LockWait)>,
    ) -> Result<(Node, Scope, Vec<Bound>, Option<Expr>), EngineError> {
        let (node, local) = self.bind_from_items(&sel.from, lock)?;
        self.push_level_pub();
        self.set_scope(local.clone());
        let r = (|| {
            let filter = match &sel.selection {
                Some(w) => Some(self.condition(w, "where clause")?),
                None => None,
            };
            let mut items = Vec::new();
            for item in &sel.projection {
                match item {
                    SelectItem::Wildcard(_) => items.extend(visible(&local, None)),
                    SelectItem::QualifiedWildcard(
                        ast::SelectItemQualifiedWildcardKind::ObjectName(n),
                        _,
                    ) => {
                        let t = name_parts(n).pop().unwrap_or_default();
                        let cols = visible(&local, Some(&t));
                        if cols.is_empty() {
                            return Err(EngineError::new(
                                1051,
                                "42S02",
                                format!("Unknown table '{t}'"),
                            ));
                        }
                        items.extend(cols);
                    }
                    SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                        self.clause = "field list";
                        items.push(self.expr(e)?);
                    }
                    _ => return Err(EngineError::not_supported("this select item in a view")),
                }
            }
            Ok((filter, items))
        })();
        self.pop_level_pub();
        let (filter, items) = r?;
        Ok((node, local, items, filter))
    }

    /// True when `schema.name` names a view (a temporary table of that name hides it).
    pub(crate) fn is_view(&self, schema: &str, name: &str) -> bool {
        self.session.temp.table(schema, name).is_none() && self.state.view(schema, name).is_some()
    }

    /// The view `schema.name` (`alias`) a data-change statement `stmt` ("INSERT", "UPDATE",
    /// "DELETE") writes through, merged, after the statement's privileges `need` on it:
    /// 1288/1471 when it cannot be merged.
    pub(crate) fn view_target(
        &mut self,
        schema: &str,
        name: &str,
        alias: Option<&str>,
        stmt: &str,
        need: Privs,
    ) -> Result<WriteTarget, EngineError> {
        let shown = alias.unwrap_or(name);
        let updatable = self.state.view(schema, name).is_some_and(|v| v.updatable);
        if !updatable {
            // The privilege is checked (and named in the error) first.
            self.use_view(schema, name, need)?;
            return Err(not_updatable(shown, stmt));
        }
        let saved = self.merge_views;
        self.merge_views = true;
        let r = self.merge_view(
            schema,
            name,
            alias,
            &Scope::default(),
            Some((LockMode::Update, LockWait::Wait)),
            need,
        );
        self.merge_views = saved;
        let Some((node, scope)) = r? else {
            return Err(not_updatable(shown, stmt));
        };
        let Some(view) = scope.merged_views.first().cloned() else {
            return Err(not_updatable(shown, stmt));
        };
        if stmt == "INSERT" && !view.insertable {
            return Err(not_updatable(shown, stmt));
        }
        // An SQL SECURITY INVOKER view: the invoker writes its tables too.
        if self.definer_rights == 0
            && self
                .state
                .view(schema, name)
                .is_some_and(|v| !v.security_definer)
        {
            let write = need.without(Privs::SELECT);
            for t in &scope.tables {
                if !t.temporary {
                    crate::privilege::check_table(
                        self.engine,
                        self.session,
                        &t.schema,
                        &t.name,
                        write,
                    )?;
                }
            }
        }
        Ok(WriteTarget { node, scope, view })
    }
}

/// ER 1066 when `alias` already names a table of `scope`.
fn not_unique(scope: &Scope, alias: &str) -> Result<(), EngineError> {
    if scope.cols.iter().any(|c| c.table.as_deref() == Some(alias))
        || scope.view_cols.iter().any(|c| c.table == alias)
    {
        return Err(EngineError::new(
            1066,
            "42000",
            format!("Not unique table/alias: '{alias}'"),
        ));
    }
    Ok(())
}

/// A view's own errors pass; what its SELECT no longer finds is ER_VIEW_INVALID.
fn invalid_unless_own(e: EngineError, schema: &str, name: &str) -> EngineError {
    match e.code {
        1054 | 1146 | 1142 | 1143 | 1049 | 1305 | 1046 => view_invalid(schema, name),
        _ => e,
    }
}

/// The columns `*` (or `t.*`) selects from a scope with merged views: the tables' columns,
/// a merged view's columns in place of its tables'.
fn visible(scope: &Scope, table: Option<&str>) -> Vec<Bound> {
    let mut out = Vec::new();
    let mut p = 0;
    while p < scope.cols.len() {
        if let Some(m) = scope
            .merged_views
            .iter()
            .find(|m| m.cols.start == p && !m.cols.is_empty())
        {
            if table.is_none_or(|t| t == m.alias) {
                out.extend(
                    scope
                        .view_cols
                        .iter()
                        .filter(|c| c.table == m.alias)
                        .map(|c| c.bound.clone()),
                );
            }
            p = m.cols.end;
            continue;
        }
        if let Some(c) = scope.cols.get(p)
            && !c.merged
            && !c.invisible
            && table.is_none_or(|t| c.table.as_deref() == Some(t))
        {
            out.push(Bound::new(Expr::Column(p), c.ty.clone(), c.nullable));
        }
        p += 1;
    }
    out
}
