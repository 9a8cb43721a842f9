//! Binding queries: FROM (tables, joins, derived tables), WHERE, GROUP BY/HAVING, the select
//! list, DISTINCT, ORDER BY, LIMIT and UNION.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/select.html>
//!
//! The plan built for a SELECT is, bottom-up: the join tree of FROM → Filter(WHERE) →
//! [Aggregate → Filter(HAVING)] → Project(select list + hidden ORDER BY keys) → [Distinct] →
//! Sort → Limit → Project(drop hidden keys).
//!
//! `GROUP BY ... WITH ROLLUP` sets the Aggregate's `rollup`; `GROUPING()` calls are collected
//! like aggregates and resolved to GROUP BY positions here, and select items that read a
//! group expression become nullable
//! (<https://dev.mysql.com/doc/refman/8.4/en/group-by-modifiers.html>). `SQL_CALC_FOUND_ROWS`
//! is allowed only on the statement's first SELECT (ER 1234 elsewhere); `stmt::bind_plan`
//! marks the query's LIMIT to count every row.

use std::sync::Arc;

use sqlparser::ast::{
    self as ast, GroupByExpr, GroupByWithModifier, JoinConstraint, JoinOperator, LimitClause,
    OrderByKind, SelectItem, SetExpr, SetOperator, SetQuantifier, TableFactor,
};

use super::{Binder, Bound, Scope, ScopeCol, cmp_kind, name_parts};
use crate::error::EngineError;
use crate::plan::{
    Access, CmpKind, ColumnOrigin, Expr, JoinKind, LockMode, LockWait, Node, OutCol, SetOpKind,
    SortKey, TableRef,
};
use crate::privilege::Privs;
use crate::types::SqlType;
use crate::value::Value;

/// `base` followed by the columns and tables of `item` (a FROM item bound on its own).
pub(crate) fn appended(base: &Scope, item: Scope) -> Scope {
    let mut s = base.clone();
    let shift = s.tables.len();
    let width = s.cols.len();
    s.cols.extend(item.cols.into_iter().map(|mut c| {
        c.table_no += shift;
        c
    }));
    s.tables.extend(item.tables);
    s.view_cols
        .extend(item.view_cols.into_iter().map(|v| v.shifted(width, shift)));
    s.merged_views.extend(
        item.merged_views
            .into_iter()
            .map(|m| m.shifted(width, shift)),
    );
    s
}

/// Appends a derived table's columns (a subquery, a CTE or a view bound in place) to `scope`
/// under `alias`, with the names `names`.
pub(crate) fn push_derived(
    scope: &mut Scope,
    alias: &str,
    cols: &[OutCol],
    names: impl IntoIterator<Item = String>,
    table_no: usize,
) {
    for (c, n) in cols.iter().zip(names) {
        scope.cols.push(ScopeCol {
            table: Some(alias.to_string()),
            schema: String::new(),
            name: n,
            ty: c.ty.clone(),
            nullable: c.nullable,
            origin: None,
            flags: 0,
            merged: false,
            invisible: false,
            table_no,
        });
    }
    scope.tables.push(derived_def(alias));
}

impl Binder<'_> {
    /// Binds a whole query into a plan root and its output columns.
    pub(crate) fn query_plan(
        &mut self,
        q: &ast::Query,
    ) -> Result<(Node, Vec<OutCol>), EngineError> {
        let outer_ctes = self.cte_names.len();
        let mut ctes = Vec::new();
        if let Some(with) = &q.with {
            for cte in &with.cte_tables {
                let name = cte.alias.name.value.clone();
                if self.cte_names[outer_ctes..].iter().any(|c| c.name == name) {
                    return Err(EngineError::new(
                        3822,
                        "HY000",
                        format!("Duplicate query name '{name}' in WITH clause"),
                    ));
                }
                let columns: Vec<String> = cte
                    .alias
                    .columns
                    .iter()
                    .map(|c| c.name.value.clone())
                    .collect();
                let binding = super::CteBinding {
                    name: name.clone(),
                    columns,
                    query: cte.query.clone(),
                    materialized: None,
                    recursing: false,
                };
                if with.recursive && refers_to(&cte.query, &name) {
                    let def = self.recursive_cte(binding)?;
                    ctes.push(def);
                } else {
                    self.cte_names.push(binding);
                }
            }
        }
        let r = self.query_plan_body(q);
        self.cte_names.truncate(outer_ctes);
        let (node, cols) = r?;
        if ctes.is_empty() {
            return Ok((node, cols));
        }
        Ok((
            Node::With {
                ctes,
                input: Box::new(node),
            },
            cols,
        ))
    }

    /// Binds `WITH RECURSIVE name AS (anchor UNION [ALL] recursive)`; the CTE stays visible
    /// (as a materialized slot) to the rest of the query.
    fn recursive_cte(
        &mut self,
        mut binding: super::CteBinding,
    ) -> Result<crate::plan::CteDef, EngineError> {
        let q = binding.query.clone();
        let SetExpr::SetOperation {
            op: SetOperator::Union,
            set_quantifier,
            left,
            right,
        } = &*q.body
        else {
            return Err(EngineError::new(
                3573,
                "HY000",
                format!(
                    "Recursive Common Table Expression '{}' should contain a UNION",
                    binding.name
                ),
            ));
        };
        let union_all = matches!(set_quantifier, SetQuantifier::All);
        // The anchor cannot see the CTE itself.
        self.push_level_pub();
        let anchor = self.set_expr(left);
        self.pop_level_pub();
        let (anchor, mut cols) = anchor?;
        if !binding.columns.is_empty() {
            if binding.columns.len() != cols.len() {
                return Err(EngineError::new(
                    1353,
                    "HY000",
                    "In definition of view, derived table or common table expression, SELECT list and column names list have different column counts",
                ));
            }
            for (c, n) in cols.iter_mut().zip(&binding.columns) {
                c.name = n.clone();
            }
        }
        for c in cols.iter_mut() {
            c.nullable = true;
            c.origin = None;
            c.flags = 0;
        }
        let id = self.ctes;
        self.ctes += 1;
        binding.materialized = Some((id, cols.clone()));
        binding.recursing = true;
        self.cte_names.push(binding);
        self.push_level_pub();
        let rec = self.set_expr(right);
        self.pop_level_pub();
        if let Some(b) = self.cte_names.last_mut() {
            b.recursing = false;
        }
        let (rec, rcols) = rec?;
        if rcols.len() != cols.len() {
            return Err(EngineError::new(
                1222,
                "21000",
                "The used SELECT statements have a different number of columns",
            ));
        }
        let width = cols.len();
        Ok(crate::plan::CteDef {
            id,
            anchor,
            recursive: Some((rec, union_all)),
            width,
        })
    }

    fn query_plan_body(&mut self, q: &ast::Query) -> Result<(Node, Vec<OutCol>), EngineError> {
        let lock = q.locks.first().map(|l| {
            let mode = match l.lock_type {
                ast::LockType::Share => LockMode::Share,
                ast::LockType::Update => LockMode::Update,
            };
            let wait = match l.nonblock {
                Some(ast::NonBlock::Nowait) => LockWait::NoWait,
                Some(ast::NonBlock::SkipLocked) => LockWait::SkipLocked,
                None => LockWait::Wait,
            };
            (mode, wait)
        });
        let order: Vec<ast::OrderByExpr> = match &q.order_by {
            Some(ob) => match &ob.kind {
                OrderByKind::Expressions(e) => e.clone(),
                OrderByKind::All(_) => return Err(EngineError::not_supported("ORDER BY ALL")),
            },
            None => Vec::new(),
        };
        let (limit, offset) = match &q.limit_clause {
            Some(LimitClause::LimitOffset { limit, offset, .. }) => {
                (limit.clone(), offset.as_ref().map(|o| o.value.clone()))
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => {
                (Some(limit.clone()), Some(offset.clone()))
            }
            None => (None, None),
        };
        let (mut node, cols) = match &*q.body {
            SetExpr::Select(s) => self.select(s, &order, lock)?,
            other => {
                let (n, c) = self.set_expr(other)?;
                let n = if order.is_empty() {
                    n
                } else {
                    // ORDER BY over a UNION: names and ordinals of the result columns.
                    let mut scope = Scope::default();
                    for c in &c {
                        scope.cols.push(ScopeCol {
                            table: None,
                            schema: String::new(),
                            name: c.name.clone(),
                            ty: c.ty.clone(),
                            nullable: c.nullable,
                            origin: None,
                            flags: 0,
                            merged: false,
                            invisible: false,
                            table_no: 0,
                        });
                    }
                    let saved = std::mem::replace(&mut self.levels_scope_mut().cols, scope.cols);
                    let mut keys = Vec::new();
                    for ob in &order {
                        let k = self.order_key_over_output(&ob.expr, &c)?;
                        keys.push(SortKey {
                            kind: k.1,
                            expr: k.0,
                            desc: matches!(ob.options.sort, Some(ast::OrderBySort::Desc)),
                        });
                    }
                    self.levels_scope_mut().cols = saved;
                    Node::Sort {
                        input: Box::new(n),
                        keys,
                    }
                };
                (n, c)
            }
        };
        if limit.is_some() || offset.is_some() {
            let l = limit.map(|e| self.limit_expr(&e)).transpose()?;
            let o = offset.map(|e| self.limit_expr(&e)).transpose()?;
            node = Node::Limit {
                input: Box::new(node),
                limit: l,
                offset: o,
                count_all: false,
            };
        }
        Ok((node, cols))
    }

    fn levels_scope_mut(&mut self) -> &mut Scope {
        &mut self.level_mut().scope
    }

    fn level_mut(&mut self) -> &mut super::Level {
        let n = self.levels.len();
        &mut self.levels[n.saturating_sub(1)]
    }

    fn limit_expr(&mut self, e: &ast::Expr) -> Result<Expr, EngineError> {
        let b = self.expr(e)?;
        match &b.expr {
            Expr::Const(Value::Int(i)) if *i >= 0 => Ok(b.expr),
            Expr::Const(Value::UInt(_)) | Expr::Param(_) => Ok(b.expr),
            _ => Err(EngineError::parse_error(&e.to_string(), 1)),
        }
    }

    fn order_key_over_output(
        &mut self,
        e: &ast::Expr,
        cols: &[OutCol],
    ) -> Result<(Expr, CmpKind), EngineError> {
        if let ast::Expr::Value(v) = e
            && let ast::Value::Number(n, _) = &v.value
        {
            let pos: usize = n.parse().unwrap_or(0);
            if pos == 0 || pos > cols.len() {
                return Err(EngineError::bad_field(n, "order clause"));
            }
            let c = &cols[pos - 1];
            return Ok((Expr::Column(pos - 1), cmp_kind(&c.ty, &c.ty, false)));
        }
        let b = self.expr(e)?;
        let k = cmp_kind(&b.ty, &b.ty, false);
        Ok((b.expr, k))
    }

    fn set_expr(&mut self, body: &SetExpr) -> Result<(Node, Vec<OutCol>), EngineError> {
        match body {
            SetExpr::Select(s) => self.select(s, &[], None),
            SetExpr::Query(q) => self.query_plan(q),
            SetExpr::SetOperation {
                op,
                set_quantifier,
                left,
                right,
            } => {
                let (l, mut lc) = self.set_expr(left)?;
                let (r, rc) = self.set_expr(right)?;
                if lc.len() != rc.len() {
                    return Err(EngineError::new(
                        1222,
                        "21000",
                        "The used SELECT statements have a different number of columns",
                    ));
                }
                let mut kinds = Vec::new();
                for (a, b) in lc.iter_mut().zip(&rc) {
                    a.ty = crate::func::aggregate_type(&[a.ty.clone(), b.ty.clone()]);
                    a.nullable |= b.nullable;
                    a.origin = None;
                    a.flags = 0;
                    kinds.push(cmp_kind(&a.ty, &a.ty, false));
                }
                let op = match op {
                    SetOperator::Union => SetOpKind::Union,
                    SetOperator::Intersect => SetOpKind::Intersect,
                    SetOperator::Except | SetOperator::Minus => SetOpKind::Except,
                };
                let all = matches!(set_quantifier, SetQuantifier::All);
                Ok((
                    Node::SetOp {
                        op,
                        all,
                        left: Box::new(l),
                        right: Box::new(r),
                        kinds,
                    },
                    lc,
                ))
            }
            SetExpr::Values(v) => {
                let mut rows = Vec::new();
                let mut cols: Vec<OutCol> = Vec::new();
                for (ri, row) in v.rows.iter().enumerate() {
                    let mut out = Vec::new();
                    for (i, e) in row.iter().enumerate() {
                        let b = self.expr(e)?;
                        if ri == 0 {
                            cols.push(OutCol {
                                name: format!("column_{i}"),
                                ty: b.ty.clone(),
                                nullable: b.nullable,
                                origin: None,
                                flags: 0,
                            });
                        }
                        out.push(b.expr);
                    }
                    rows.push(out);
                }
                let width = cols.len();
                Ok((Node::Values { rows, width }, cols))
            }
            _ => Err(EngineError::not_supported("this query form")),
        }
    }

    /// FROM: returns the join tree and sets the scope.
    fn from(
        &mut self,
        from: &[ast::TableWithJoins],
        lock: Option<(LockMode, LockWait)>,
    ) -> Result<Node, EngineError> {
        let (node, scope) = self.bind_from_items(from, lock)?;
        self.set_scope(scope);
        Ok(node)
    }

    /// The join tree of a FROM clause and its scope (the current level is not touched).
    pub(crate) fn bind_from_items(
        &mut self,
        from: &[ast::TableWithJoins],
        lock: Option<(LockMode, LockWait)>,
    ) -> Result<(Node, Scope), EngineError> {
        if from.is_empty() {
            return Ok((
                Node::Values {
                    rows: vec![Vec::new()],
                    width: 0,
                },
                Scope::default(),
            ));
        }
        let mut scope = Scope::default();
        let mut node: Option<Node> = None;
        for twj in from {
            // A comma binds looser than JOIN: the ON/USING of an item's joins see only the
            // item's own tables (`t4, t1 LEFT JOIN t3 ON t3.a = t1.b`), whose columns start
            // at 0 in the item's row; the item is then appended to the earlier ones.
            let (n, item) = self.table_with_joins(twj, &Scope::default(), lock)?;
            let s = appended(&scope, item);
            node = Some(match node {
                None => n,
                Some(left) => Node::Join {
                    right_width: n.width(),
                    left: Box::new(left),
                    right: Box::new(n),
                    kind: JoinKind::Inner,
                    on: None,
                    params: Vec::new(),
                },
            });
            scope = s;
        }
        let node = node.unwrap_or(Node::Values {
            rows: vec![Vec::new()],
            width: 0,
        });
        Ok((node, scope))
    }

    /// A table factor and its joins, appended to the columns of `base`; the node produces the
    /// item's own columns only, so callers pass an empty `base` (see [`Binder::from`]).
    fn table_with_joins(
        &mut self,
        twj: &ast::TableWithJoins,
        base: &Scope,
        lock: Option<(LockMode, LockWait)>,
    ) -> Result<(Node, Scope), EngineError> {
        let (mut node, mut scope) = self.table_factor(&twj.relation, base, lock)?;
        for j in &twj.joins {
            let (right, rscope) = self.table_factor(&j.relation, &scope, lock)?;
            let (kind, constraint, swap) = match &j.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) | JoinOperator::StraightJoin(c) => {
                    (JoinKind::Inner, c, false)
                }
                JoinOperator::CrossJoin(c) => (JoinKind::Inner, c, false),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (JoinKind::Left, c, false),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (JoinKind::Left, c, true),
                _ => return Err(EngineError::not_supported("this join type")),
            };
            let left_width = scope.cols.len();
            let right_width = rscope.cols.len() - left_width;
            // Scope of the joined row: left columns then right columns.
            let combined = rscope;
            let mut on_parts = Vec::new();
            let mut merged_cols = Vec::new();
            match constraint {
                JoinConstraint::On(e) => {
                    self.set_scope(combined.clone());
                    on_parts.push(self.condition(e, "on clause")?);
                }
                JoinConstraint::Using(names) | JoinConstraint::UsingAlias(names, _) => {
                    for n in names {
                        let col = name_parts(n).pop().unwrap_or_default();
                        let li = combined.cols[..left_width]
                            .iter()
                            .position(|c| c.name.eq_ignore_ascii_case(&col) && !c.merged)
                            .ok_or_else(|| EngineError::bad_field(&col, "from clause"))?;
                        let ri = combined.cols[left_width..]
                            .iter()
                            .position(|c| c.name.eq_ignore_ascii_case(&col))
                            .map(|p| p + left_width)
                            .ok_or_else(|| EngineError::bad_field(&col, "from clause"))?;
                        merged_cols.push((li, ri));
                    }
                }
                JoinConstraint::Natural => {
                    for ri in left_width..combined.cols.len() {
                        let name = &combined.cols[ri].name;
                        if let Some(li) = combined.cols[..left_width]
                            .iter()
                            .position(|c| c.name.eq_ignore_ascii_case(name) && !c.merged)
                        {
                            merged_cols.push((li, ri));
                        }
                    }
                }
                JoinConstraint::None => {}
            }
            let mut combined = combined;
            for (li, ri) in &merged_cols {
                let (lt, rt) = (combined.cols[*li].ty.clone(), combined.cols[*ri].ty.clone());
                on_parts.push(Expr::Cmp(
                    crate::plan::CmpOp::Eq,
                    cmp_kind(&lt, &rt, false),
                    Box::new(Expr::Column(*li)),
                    Box::new(Expr::Column(*ri)),
                ));
                let hide = if swap { *li } else { *ri };
                combined.cols[hide].merged = true;
            }
            let on = Expr::and_all(on_parts);
            node = if swap {
                // a RIGHT JOIN b ON c  ==  b LEFT JOIN a ON c, then the columns reordered.
                let lw = left_width;
                let rw = right_width;
                let remap = |e: Expr| {
                    e.transform(&mut |x| match x {
                        Expr::Column(i) if i < lw => Expr::Column(i + rw),
                        Expr::Column(i) => Expr::Column(i - lw),
                        other => other,
                    })
                };
                let joined = Node::Join {
                    left: Box::new(right),
                    right: Box::new(node),
                    kind,
                    on: on.map(remap),
                    params: Vec::new(),
                    right_width: lw,
                };
                let exprs = (0..lw)
                    .map(|i| Expr::Column(rw + i))
                    .chain((0..rw).map(Expr::Column))
                    .collect();
                for c in combined.cols.iter_mut().take(lw) {
                    c.nullable = true;
                }
                Node::Project {
                    input: Box::new(joined),
                    exprs,
                }
            } else {
                if kind == JoinKind::Left {
                    for c in combined.cols.iter_mut().skip(left_width) {
                        c.nullable = true;
                    }
                }
                Node::Join {
                    left: Box::new(node),
                    right: Box::new(right),
                    kind,
                    on,
                    params: Vec::new(),
                    right_width,
                }
            };
            scope = combined;
        }
        Ok((node, scope))
    }

    /// One table factor; the returned scope is `base` plus its columns.
    fn table_factor(
        &mut self,
        tf: &TableFactor,
        base: &Scope,
        lock: Option<(LockMode, LockWait)>,
    ) -> Result<(Node, Scope), EngineError> {
        let mut scope = base.clone();
        let table_no = scope.tables.len();
        match tf {
            TableFactor::Table { name, .. }
                if name.0.len() == 1
                    && name_parts(name)
                        .first()
                        .is_some_and(|n| n.eq_ignore_ascii_case("dual")) =>
            {
                Ok((
                    Node::Values {
                        rows: vec![Vec::new()],
                        width: 0,
                    },
                    scope,
                ))
            }
            TableFactor::Table { name, alias, .. }
                if name.0.len() == 1
                    && self.cte_names.iter().any(|c| {
                        Some(c.name.as_str()) == name_parts(name).first().map(String::as_str)
                    }) =>
            {
                let cname = name_parts(name).pop().unwrap_or_default();
                let Some(binding) = self
                    .cte_names
                    .iter()
                    .rev()
                    .find(|c| c.name == cname)
                    .cloned()
                else {
                    return Err(EngineError::no_tables_used());
                };
                let alias_name = alias
                    .as_ref()
                    .map(|a| a.name.value.clone())
                    .unwrap_or(cname.clone());
                let (node, cols) = match &binding.materialized {
                    Some((id, cols)) => {
                        let width = cols.len();
                        let node = if binding.recursing {
                            Node::RecursiveRef { id: *id, width }
                        } else {
                            Node::CteRef { id: *id, width }
                        };
                        (node, cols.clone())
                    }
                    None => {
                        // A non-recursive CTE is bound like a derived table at each reference.
                        let pos = self
                            .cte_names
                            .iter()
                            .rposition(|c| c.name == cname)
                            .unwrap_or(0);
                        let saved: Vec<super::CteBinding> = self.cte_names.drain(pos..).collect();
                        self.push_level_pub();
                        let r = self.query_plan(&binding.query);
                        self.pop_level_pub();
                        self.cte_names.extend(saved);
                        let (node, mut cols) = r?;
                        if !binding.columns.is_empty() {
                            if binding.columns.len() != cols.len() {
                                return Err(EngineError::new(
                                    1353,
                                    "HY000",
                                    "In definition of view, derived table or common table expression, SELECT list and column names list have different column counts",
                                ));
                            }
                            for (c, n) in cols.iter_mut().zip(&binding.columns) {
                                c.name = n.clone();
                            }
                        }
                        (node, cols)
                    }
                };
                let names: Vec<String> = cols.iter().map(|c| c.name.clone()).collect();
                push_derived(&mut scope, &alias_name, &cols, names, table_no);
                Ok((node, scope))
            }
            TableFactor::Table { name, alias, .. } => {
                let (schema, tname) = self.table_name(name)?;
                let virt = crate::infoschema::lookup(&schema, &tname);
                let def = match &virt {
                    Some((vt, _)) if vt.schema() == crate::grant_tables::SCHEMA => {
                        // The grant tables are read like any table: SELECT on them.
                        crate::privilege::check_table(
                            self.engine,
                            self.session,
                            &schema,
                            &tname,
                            Privs::SELECT,
                        )?;
                        // Recorded so that a cached plan checks it again for its next reader.
                        self.reads
                            .borrow_mut()
                            .push((schema.clone(), tname.clone()));
                        crate::infoschema::table_def(*vt)
                    }
                    Some((vt, _)) => crate::infoschema::table_def(*vt),
                    None if schema.eq_ignore_ascii_case("information_schema") => {
                        return Err(EngineError::new(
                            1109,
                            "42S02",
                            format!(
                                "Unknown table '{}' in information_schema",
                                tname.to_uppercase()
                            ),
                        ));
                    }
                    None if self.session.temp.table(&schema, &tname).is_none()
                        && self.state.view(&schema, &tname).is_some() =>
                    {
                        let alias = alias.as_ref().map(|a| a.name.value.as_str());
                        if self.merge_views
                            && let Some(merged) =
                                self.merge_view(&schema, &tname, alias, base, lock, Privs::SELECT)?
                        {
                            return Ok(merged);
                        }
                        return self.view_factor(&schema, &tname, alias, scope, table_no);
                    }
                    None => self.table_def(&schema, &tname)?,
                };
                let schema = def.schema.clone();
                let alias_name = alias
                    .as_ref()
                    .map(|a| a.name.value.clone())
                    .unwrap_or_else(|| tname.clone());
                if scope
                    .cols
                    .iter()
                    .any(|c| c.table.as_deref() == Some(alias_name.as_str()))
                {
                    return Err(EngineError::new(
                        1066,
                        "42000",
                        format!("Not unique table/alias: '{alias_name}'"),
                    ));
                }
                for (i, c) in def.columns.iter().enumerate() {
                    scope.cols.push(ScopeCol {
                        table: Some(alias_name.clone()),
                        schema: schema.clone(),
                        name: c.name.clone(),
                        ty: c.ty.clone(),
                        nullable: c.nullable,
                        origin: Some(ColumnOrigin {
                            schema: schema.clone(),
                            table: alias_name.clone(),
                            org_table: def.name.clone(),
                            org_name: c.name.clone(),
                        }),
                        flags: def.column_flags(i),
                        merged: false,
                        invisible: c.invisible,
                        table_no,
                    });
                }
                scope.tables.push(def.clone());
                if let Some((vt, cols)) = virt {
                    return Ok((
                        Node::Virtual {
                            table: vt,
                            width: cols.len(),
                        },
                        scope,
                    ));
                }
                let (lock, wait) = lock.unwrap_or((LockMode::None, LockWait::Wait));
                Ok((
                    Node::Scan {
                        table: TableRef {
                            def,
                            alias: alias_name,
                            decode: None,
                        },
                        access: Access::Full,
                        reverse: false,
                        filter: None,
                        lock,
                        wait,
                    },
                    scope,
                ))
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                let Some(alias) = alias else {
                    return Err(EngineError::new(
                        1248,
                        "42000",
                        "Every derived table must have its own alias",
                    ));
                };
                // A derived table is bound as its own level (not correlated).
                self.push_level_pub();
                let r = self.query_plan(subquery);
                self.pop_level_pub();
                let (node, cols) = r?;
                let names: Vec<String> = if alias.columns.is_empty() {
                    cols.iter().map(|c| c.name.clone()).collect()
                } else {
                    alias.columns.iter().map(|c| c.name.value.clone()).collect()
                };
                push_derived(&mut scope, &alias.name.value, &cols, names, table_no);
                Ok((node, scope))
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => {
                // The nested join's conditions see only its own tables (its node produces
                // only their columns).
                let (n, item) = self.table_with_joins(table_with_joins, &Scope::default(), lock)?;
                Ok((n, appended(base, item)))
            }
            _ => Err(EngineError::not_supported("this table reference")),
        }
    }

    pub(crate) fn push_level_pub(&mut self) {
        self.levels.push(super::Level::default());
    }

    pub(crate) fn pop_level_pub(&mut self) {
        self.levels.pop();
    }

    /// A SELECT block.
    fn select(
        &mut self,
        s: &ast::Select,
        order: &[ast::OrderByExpr],
        lock: Option<(LockMode, LockWait)>,
    ) -> Result<(Node, Vec<OutCol>), EngineError> {
        if s.into.is_some() {
            return Err(EngineError::not_supported("SELECT ... INTO"));
        }
        if s.select_modifiers
            .as_ref()
            .is_some_and(|m| m.sql_calc_found_rows)
        {
            self.warnings.push((
                1287,
                "SQL_CALC_FOUND_ROWS is deprecated and will be removed in a future release. Consider using two separate queries instead.".into(),
            ));
            // Only the first SELECT of the statement's query may count its rows.
            if self.calc_found_rows_at != 0
                && self.calc_found_rows_at != std::ptr::from_ref(s).addr()
            {
                return Err(EngineError::new(
                    1234,
                    "42000",
                    "Incorrect usage/placement of 'SQL_CALC_FOUND_ROWS'",
                ));
            }
        }
        let mut node = self.from(&s.from, lock)?;
        let (group_exprs, rollup) = match &s.group_by {
            GroupByExpr::Expressions(g, mods) => {
                (g.clone(), mods.contains(&GroupByWithModifier::Rollup))
            }
            GroupByExpr::All(_) => return Err(EngineError::not_supported("GROUP BY ALL")),
        };
        // Select items (expanding *), bound with aggregate and window collection on.
        self.begin_aggregates();
        self.begin_windows(&s.named_window)?;
        let mut items: Vec<(Bound, String, Option<ColumnOrigin>, u16)> = Vec::new();
        let scope = self.scope().clone();
        let texts = self.item_texts(s);
        for (pos, item) in s.projection.iter().enumerate() {
            match item {
                SelectItem::Wildcard(_) => {
                    if scope.cols.is_empty() {
                        return Err(EngineError::no_tables_used());
                    }
                    for (i, c) in scope.cols.iter().enumerate() {
                        if !c.merged && !c.invisible {
                            if let Some(origin) = &c.origin {
                                self.note_column(origin, true)?;
                            }
                            items.push((
                                Bound {
                                    expr: Expr::Column(i),
                                    ty: c.ty.clone(),
                                    nullable: c.nullable,
                                },
                                c.name.clone(),
                                c.origin.clone(),
                                c.flags,
                            ));
                        }
                    }
                }
                SelectItem::QualifiedWildcard(kind, _) => {
                    // `t.*` or `db.t.*`: the table's alias is the last name part.
                    let t = match kind {
                        ast::SelectItemQualifiedWildcardKind::ObjectName(name) => {
                            name_parts(name).pop().unwrap_or_default()
                        }
                        ast::SelectItemQualifiedWildcardKind::Expr(_) => {
                            return Err(EngineError::not_supported("expr.*"));
                        }
                    };
                    let mut any = false;
                    for (i, c) in scope.cols.iter().enumerate() {
                        if c.table.as_deref() == Some(t.as_str()) {
                            any = true;
                            if c.invisible {
                                continue;
                            }
                            if let Some(origin) = &c.origin {
                                self.note_column(origin, true)?;
                            }
                            items.push((
                                Bound {
                                    expr: Expr::Column(i),
                                    ty: c.ty.clone(),
                                    nullable: c.nullable,
                                },
                                c.name.clone(),
                                c.origin.clone(),
                                c.flags,
                            ));
                        }
                    }
                    if !any {
                        return Err(EngineError::new(
                            1051,
                            "42S02",
                            format!("Unknown table '{t}'"),
                        ));
                    }
                }
                SelectItem::UnnamedExpr(e) => {
                    self.clause = "field list";
                    let b = self.expr(e)?;
                    let (origin, flags) = match (&b.expr, e) {
                        (
                            Expr::Column(i),
                            ast::Expr::Identifier(_) | ast::Expr::CompoundIdentifier(_),
                        ) => {
                            let c = &scope.cols[*i];
                            (c.origin.clone(), c.flags)
                        }
                        _ => (None, 0),
                    };
                    let name = match (&b.expr, e) {
                        (
                            Expr::Column(i),
                            ast::Expr::Identifier(_) | ast::Expr::CompoundIdentifier(_),
                        ) => scope.cols[*i].name.clone(),
                        _ => literal_name(e)
                            .or_else(|| texts.as_ref().and_then(|t| t.get(pos).cloned()))
                            .unwrap_or_else(|| e.to_string()),
                    };
                    items.push((b, name, origin, flags));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    self.clause = "field list";
                    let b = self.expr(expr)?;
                    let (origin, flags) = match &b.expr {
                        Expr::Column(i)
                            if matches!(
                                expr,
                                ast::Expr::Identifier(_) | ast::Expr::CompoundIdentifier(_)
                            ) =>
                        {
                            let c = &scope.cols[*i];
                            (c.origin.clone(), c.flags)
                        }
                        _ => (None, 0),
                    };
                    items.push((b, alias.value.clone(), origin, flags));
                }
                _ => return Err(EngineError::not_supported("this select item")),
            }
        }
        // WHERE after the select list, in MySQL's order (Query_block::prepare: setup_fields,
        // then setup_conds), so an unknown column in both is reported for the 'field list'.
        // Aggregates are not allowed in WHERE.
        if let Some(w) = &s.selection {
            let aggs = self.level().aggs.take();
            let wins = self.swap_windows(None);
            let pred = self.condition(w, "where clause");
            self.level().aggs = aggs;
            self.swap_windows(wins);
            node = Node::Filter {
                input: Box::new(node),
                predicate: pred?,
            };
        }
        // GROUP BY: FROM columns first, then select aliases, then ordinals.
        let mut groups = Vec::new();
        let wins = self.swap_windows(None);
        for g in &group_exprs {
            self.clause = "group statement";
            let b = match g {
                ast::Expr::Value(v) if matches!(v.value, ast::Value::Number(..)) => {
                    let n: usize = v.value.to_string().parse().unwrap_or(0);
                    match items.get(n.wrapping_sub(1)) {
                        Some((b, ..)) => b.clone(),
                        None => {
                            return Err(EngineError::bad_field(
                                &v.value.to_string(),
                                "group statement",
                            ));
                        }
                    }
                }
                ast::Expr::Identifier(id) => match self.expr(g) {
                    Ok(b) => b,
                    Err(e) if e.code == 1054 => match items
                        .iter()
                        .find(|(_, n, ..)| n.eq_ignore_ascii_case(&id.value))
                    {
                        Some((b, ..)) => b.clone(),
                        None => return Err(e),
                    },
                    Err(e) => return Err(e),
                },
                other => self.expr(other)?,
            };
            if matches!(b.expr, Expr::Agg(_)) {
                return Err(EngineError::new(
                    1056,
                    "42000",
                    format!("Can't group on '{g}'"),
                ));
            }
            if let Some(w) = b.expr.window_in() {
                self.swap_windows(wins);
                return Err(self.window_misuse(w));
            }
            groups.push(b);
        }
        self.swap_windows(wins);
        // HAVING and ORDER BY may use select aliases.
        let aliases: Vec<(String, Bound)> = items
            .iter()
            .map(|(b, n, ..)| (n.clone(), b.clone()))
            .collect();
        self.set_aliases(aliases);
        let wins = self.swap_windows(None);
        let having = match &s.having {
            Some(h) => self.condition(h, "having clause").map(Some),
            None => Ok(None),
        };
        self.swap_windows(wins);
        let having = having?;
        if let Some(w) = having.as_ref().and_then(Expr::window_in) {
            return Err(self.window_misuse(w));
        }
        // ORDER BY keys over the pre-projection row (aliases/ordinals refer to items).
        let mut order_keys: Vec<(Bound, bool, Option<usize>)> = Vec::new();
        for ob in order {
            self.clause = "order clause";
            let desc = matches!(ob.options.sort, Some(ast::OrderBySort::Desc));
            match &ob.expr {
                ast::Expr::Value(v) if matches!(v.value, ast::Value::Number(..)) => {
                    let n: usize = v.value.to_string().parse().unwrap_or(0);
                    if n == 0 || n > items.len() {
                        return Err(EngineError::bad_field(&v.value.to_string(), "order clause"));
                    }
                    order_keys.push((items[n - 1].0.clone(), desc, Some(n - 1)));
                }
                ast::Expr::Identifier(id)
                    if items
                        .iter()
                        .any(|(_, n, ..)| n.eq_ignore_ascii_case(&id.value)) =>
                {
                    let pos = items
                        .iter()
                        .position(|(_, n, ..)| n.eq_ignore_ascii_case(&id.value))
                        .unwrap_or(0);
                    order_keys.push((items[pos].0.clone(), desc, Some(pos)));
                }
                other => {
                    let b = self.expr(other)?;
                    let pos = items
                        .iter()
                        .position(|(ib, ..)| format!("{:?}", ib.expr) == format!("{:?}", b.expr));
                    order_keys.push((b, desc, pos));
                }
            }
        }
        self.set_aliases(Vec::new());
        let mut windows = self.take_windows();
        let mut aggs = self.take_aggregates();
        let group_list: Vec<Expr> = groups.iter().map(|g| g.expr.clone()).collect();
        Self::resolve_grouping(&mut aggs, &group_list, rollup)?;
        let is_aggregate = !aggs.is_empty() || !groups.is_empty();
        // WITH ROLLUP: items that read a group expression are NULL in super-aggregate rows.
        let mut rolled = vec![false; items.len()];
        let mut item_exprs: Vec<Expr> = items.iter().map(|(b, ..)| b.expr.clone()).collect();
        let mut order_exprs: Vec<Expr> = order_keys.iter().map(|(b, ..)| b.expr.clone()).collect();
        let mut having = having;
        if is_aggregate {
            let strict = self.only_full_group_by();
            let group_exprs_b = group_list;
            let mut extra = Vec::new();
            let n_aggs = aggs.len();
            let mut new_items = Vec::new();
            for (i, e) in item_exprs.into_iter().enumerate() {
                new_items.push(self.rewrite_for_groups(
                    e,
                    &group_exprs_b,
                    &mut extra,
                    n_aggs,
                    strict,
                    i + 1,
                )?);
            }
            item_exprs = new_items;
            if rollup {
                for (r, e) in rolled.iter_mut().zip(&item_exprs) {
                    e.visit(&mut |x| {
                        if matches!(x, Expr::Column(c) if *c < group_exprs_b.len()) {
                            *r = true;
                        }
                    });
                }
            }
            let mut new_order = Vec::new();
            for e in order_exprs {
                new_order.push(self.rewrite_for_groups(
                    e,
                    &group_exprs_b,
                    &mut extra,
                    n_aggs,
                    false,
                    0,
                )?);
            }
            order_exprs = new_order;
            if let Some(h) = having.take() {
                having = Some(self.rewrite_for_groups(
                    h,
                    &group_exprs_b,
                    &mut extra,
                    n_aggs,
                    false,
                    0,
                )?);
            }
            // Window calls read the Aggregate node's output too.
            if let Some(w) = windows.as_mut() {
                let rw = |e: Expr, extra: &mut Vec<_>| {
                    self.rewrite_for_groups(e, &group_exprs_b, extra, n_aggs, false, 0)
                };
                for d in &mut w.windows {
                    for k in d.partition.iter_mut().chain(d.order.iter_mut()) {
                        let e = std::mem::replace(&mut k.expr, Expr::Const(Value::Null));
                        k.expr = rw(e, &mut extra)?;
                    }
                }
                for c in &mut w.calls {
                    for a in &mut c.args {
                        let e = std::mem::replace(a, Expr::Const(Value::Null));
                        *a = rw(e, &mut extra)?;
                    }
                    if let Some(agg) = &mut c.agg {
                        agg.args = c.args.clone();
                    }
                }
            }
            let mut all_aggs = aggs;
            all_aggs.extend(extra);
            let group_kinds = groups
                .iter()
                .map(|g| cmp_kind(&g.ty, &g.ty, false))
                .collect();
            node = Node::Aggregate {
                input: Box::new(node),
                group: group_exprs_b,
                group_kinds,
                aggs: all_aggs,
                rollup,
            };
            if let Some(h) = having {
                node = Node::Filter {
                    input: Box::new(node),
                    predicate: h,
                };
            }
        } else if let Some(h) = having {
            node = Node::Filter {
                input: Box::new(node),
                predicate: h,
            };
        }
        // Window functions, over the rows GROUP BY/HAVING leave; their results follow the
        // input's columns.
        if let Some(w) = windows {
            let base = node.width();
            let place = |e: Expr| {
                e.transform(&mut |x| match x {
                    Expr::Window(k) => Expr::Column(base + k),
                    other => other,
                })
            };
            item_exprs = item_exprs.into_iter().map(place).collect();
            order_exprs = order_exprs.into_iter().map(place).collect();
            node = Node::Window {
                input: Box::new(node),
                windows: w.windows,
                calls: w.calls,
            };
        }
        // Project the items plus hidden sort keys.
        let visible = item_exprs.len();
        let mut proj = item_exprs;
        let mut keys = Vec::new();
        for ((b, desc, pos), e) in order_keys.iter().zip(order_exprs) {
            let kind = cmp_kind(&b.ty, &b.ty, false);
            let col = match pos {
                Some(p) => *p,
                None => {
                    proj.push(e);
                    proj.len() - 1
                }
            };
            keys.push(SortKey {
                expr: Expr::Column(col),
                desc: *desc,
                kind,
            });
        }
        node = Node::Project {
            input: Box::new(node),
            exprs: proj.clone(),
        };
        let distinct = matches!(s.distinct, Some(ast::Distinct::Distinct));
        if distinct {
            let kinds = items
                .iter()
                .map(|(b, ..)| cmp_kind(&b.ty, &b.ty, false))
                .collect();
            if proj.len() > visible {
                return Err(EngineError::new(
                    3065,
                    "HY000",
                    "Expression #1 of ORDER BY clause is not in SELECT list, references column which is not in SELECT list; this is incompatible with DISTINCT",
                ));
            }
            node = Node::Distinct {
                input: Box::new(node),
                kinds,
            };
        }
        if !keys.is_empty() {
            node = Node::Sort {
                input: Box::new(node),
                keys,
            };
        }
        if proj.len() > visible {
            node = Node::Project {
                input: Box::new(node),
                exprs: (0..visible).map(Expr::Column).collect(),
            };
        }
        let cols = items
            .into_iter()
            .zip(rolled)
            .map(|((b, name, origin, flags), rolled)| OutCol {
                name,
                ty: if b.ty.base == crate::types::BaseType::Null
                    && !matches!(b.expr, Expr::Const(Value::Null) | Expr::Param(_))
                {
                    SqlType::varchar(0, crate::collation::Collation::Utf8mb4_0900_ai_ci)
                } else {
                    b.ty
                },
                nullable: b.nullable || rolled,
                origin,
                flags,
            })
            .collect();
        Ok((node, cols))
    }

    fn item_texts(&self, s: &ast::Select) -> Option<Vec<String>> {
        let script = self.script?;
        let aliased: Vec<bool> = s
            .projection
            .iter()
            .map(|i| matches!(i, SelectItem::ExprWithAlias { .. }))
            .collect();
        script.select_item_texts(s.select_token.0.span.start, &aliased)
    }
}

/// MySQL names a string-literal item by its value (`SELECT 'abc'` → column `abc`).
fn literal_name(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s) | ast::Value::DoubleQuotedString(s) => {
                Some(crate::parse::alias_name(s))
            }
            _ => None,
        },
        ast::Expr::Prefixed { value, .. } => literal_name(value),
        _ => None,
    }
}

/// A placeholder definition for a derived table or CTE in a scope (no primary key, so no
/// functional dependencies).
pub(crate) fn derived_def(name: &str) -> Arc<crate::catalog::TableDef> {
    Arc::new(crate::catalog::TableDef {
        id: 0,
        schema: String::new(),
        name: name.to_string(),
        columns: Vec::new(),
        indexes: Vec::new(),
        options: crate::catalog::TableOptions {
            engine: String::new(),
            collation: crate::collation::Collation::Utf8mb4_0900_ai_ci,
            comment: String::new(),
        },
        counters: Arc::default(),
        created: 0,
        temporary: false,
        foreign_keys: Vec::new(),
        checks: Vec::new(),
    })
}

/// True when `q` mentions a table named `name` (a recursive CTE refers to itself).
fn refers_to(q: &ast::Query, name: &str) -> bool {
    let mut found = false;
    let _ = ast::visit_relations(q, |r| {
        if name_parts(r).last().is_some_and(|n| n == name) && r.0.len() == 1 {
            found = true;
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    found
}
