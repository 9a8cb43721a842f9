//! Views in FROM: a view is bound in place as a derived table from its stored SELECT
//! (<https://dev.mysql.com/doc/refman/8.4/en/view-algorithms.html>: this engine always does
//! what ALGORITHM=TEMPTABLE describes, whatever the view says; the result is the same).
//!
//! The SELECT is bound with the view's schema as the default database. The invoker needs
//! SELECT on the view; with SQL SECURITY DEFINER the view's own tables are then read without
//! checking the invoker's privileges on them (the definer's rights were checked when the view
//! was created and are not checked again), with SQL SECURITY INVOKER as the invoker.

use sqlparser::ast::{self, Statement, TableAlias};

use super::query::derived_def;
use super::{Binder, Scope, ScopeCol};
use crate::catalog::ViewDef;
use crate::error::EngineError;
use crate::plan::Node;
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

impl Binder<'_> {
    /// Binds `query` as the SELECT of the view `schema.name`: its default database is the
    /// view's schema, outer CTEs are not visible, and a view met again inside is recursion.
    pub(crate) fn bind_view_select(
        &mut self,
        schema: &str,
        name: &str,
        query: &ast::Query,
        definer_rights: bool,
    ) -> Result<(Node, Vec<crate::plan::OutCol>), EngineError> {
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
        self.push_level_pub();
        let r = self.query_plan(query);
        self.pop_level_pub();
        if definer_rights {
            self.definer_rights -= 1;
        }
        self.view_stack.pop();
        self.script = script;
        self.cte_names = ctes;
        r
    }

    /// A view named in FROM: its SELECT bound as a derived table named by the alias (or the
    /// view's name), with the view's column names.
    pub(crate) fn view_factor(
        &mut self,
        schema: &str,
        name: &str,
        alias: Option<&TableAlias>,
        mut scope: Scope,
        table_no: usize,
    ) -> Result<(Node, Scope), EngineError> {
        let Some(view) = self.state.view(schema, name).cloned() else {
            return Err(EngineError::no_such_table(schema, name));
        };
        if self.definer_rights == 0 {
            crate::privilege::check_table(self.engine, self.session, schema, name, Privs::SELECT)?;
            let mut reads = self.reads.borrow_mut();
            if !reads.iter().any(|(s, t)| s == schema && t == name) {
                reads.push((schema.to_string(), name.to_string()));
            }
        }
        self.session.table_lock(schema, name, name)?;
        let query = parse_select(&view)?;
        let (node, cols) = self
            .bind_view_select(schema, name, &query, view.security_definer)
            .map_err(|e| match e.code {
                1054 | 1146 | 1142 | 1143 | 1049 | 1305 | 1046 => view_invalid(schema, name),
                _ => e,
            })?;
        if cols.len() != view.columns.len() {
            return Err(view_invalid(schema, name));
        }
        let alias_name = alias
            .map(|a| a.name.value.clone())
            .unwrap_or_else(|| name.to_string());
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
        for (c, n) in cols.iter().zip(&view.columns) {
            scope.cols.push(ScopeCol {
                table: Some(alias_name.clone()),
                schema: String::new(),
                name: n.clone(),
                ty: c.ty.clone(),
                nullable: c.nullable,
                origin: None,
                flags: 0,
                merged: false,
                table_no,
            });
        }
        scope.tables.push(derived_def(&alias_name));
        Ok((node, scope))
    }
}
