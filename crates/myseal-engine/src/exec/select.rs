//! Select-list column names as MySQL gives them, from the statement text: the alias, else a
//! string literal's value, else the item's text exactly as written (`1+1`,
//! `@@session.transaction_isolation`, `DATABASE()`). Prepared statements use them to name the
//! columns of the prepared text (`SELECT ?` → `?`), not of the text with parameters bound.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/select.html>

use sqlparser::ast::{Expr, Query, Select, SelectItem, SetExpr, Value as SqlValue};

use crate::parse::Script;

/// Column names of a select list: the alias, else a string literal's value, else the item's
/// text as written.
fn item_names(script: &Script<'_>, s: &Select, items: &[(&Expr, Option<String>)]) -> Vec<String> {
    let aliased: Vec<bool> = items.iter().map(|(_, a)| a.is_some()).collect();
    let texts = script.select_item_texts(s.select_token.0.span.start, &aliased);
    items
        .iter()
        .enumerate()
        .map(|(i, (e, alias))| match alias {
            Some(a) => a.clone(),
            None => literal_name(e)
                .or_else(|| texts.as_ref().and_then(|t| t.get(i).cloned()))
                .unwrap_or_else(|| e.to_string()),
        })
        .collect()
}

/// Column names a query's result would get, from its own text (its leftmost SELECT names the
/// columns); None for forms that do not name columns this way. Prepared statements use this to
/// name columns from the text with `?` markers (`SELECT ?` → `?`), not the bound text.
pub(crate) fn query_names(script: &Script<'_>, q: &Query) -> Option<Vec<String>> {
    let mut body = &*q.body;
    loop {
        match body {
            SetExpr::Select(s) => {
                let mut items = Vec::with_capacity(s.projection.len());
                for item in &s.projection {
                    match item {
                        SelectItem::UnnamedExpr(e) => items.push((e, None)),
                        SelectItem::ExprWithAlias { expr, alias } => {
                            items.push((expr, Some(alias.value.clone())))
                        }
                        _ => return None,
                    }
                }
                return Some(item_names(script, s, &items));
            }
            SetExpr::Query(q) => body = &q.body,
            SetExpr::SetOperation { left, .. } => body = left,
            _ => return None,
        }
    }
}

/// MySQL names a string-literal item by its value (`SELECT 'abc'` → column `abc`).
fn literal_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        Expr::Prefixed { value, .. } => literal_name(value),
        _ => None,
    }
}
