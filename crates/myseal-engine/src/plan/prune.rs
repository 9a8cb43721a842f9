//! Column pruning: which columns of each table a plan actually reads.
//!
//! Stored rows are packed ([`crate::storage::Row`]); decoding a column costs time and, for
//! strings, an allocation. `SELECT c FROM t WHERE id BETWEEN ...` or `SELECT SUM(k) ...` need
//! one column of a wide row, so the scan should decode only that one. This pass walks the plan
//! from the root, tracking which output columns of each node are needed, and records on each
//! scan ([`TableRef::decode`]) the columns its consumers and its own filter read.
//!
//! It is conservative: a node it does not know how to see through (joins, set operations,
//! CTEs, DISTINCT) makes its inputs keep every column. Column references inside correlated
//! subqueries are bind expressions of the outer row ([`Expr::visit`] reaches them), so they
//! count as reads.

use std::sync::Arc;

use super::{Expr, LockMode, Node};

/// Marks, on every scan it can see, the columns the plan reads. `needed` applies to the root's
/// output (None: all).
pub(crate) fn prune_columns(node: &mut Node) {
    prune(node, None);
}

/// Adds the columns an expression reads to `mask`.
fn mark(mask: &mut [bool], e: &Expr) {
    e.visit(&mut |x| {
        if let Expr::Column(i) = x
            && let Some(m) = mask.get_mut(*i)
        {
            *m = true;
        }
    });
}

fn prune(node: &mut Node, needed: Option<Vec<bool>>) {
    match node {
        Node::Scan {
            table,
            filter,
            lock,
            ..
        } => {
            let Some(mut mask) = needed else {
                return;
            };
            if *lock != LockMode::None {
                return;
            }
            mask.resize(table.def.columns.len(), false);
            if let Some(f) = filter {
                mark(&mut mask, f);
            }
            if mask.iter().all(|m| *m) {
                return;
            }
            table.decode = Some(Arc::from(mask));
        }
        Node::Project { input, exprs, .. } => {
            let mut mask = vec![false; input.width()];
            for e in exprs.iter() {
                mark(&mut mask, e);
            }
            prune(input, Some(mask));
        }
        Node::Filter { input, predicate } => {
            let next = needed.map(|mut mask| {
                mask.resize(input.width(), false);
                mark(&mut mask, predicate);
                mask
            });
            prune(input, next);
        }
        Node::Sort { input, keys } => {
            let next = needed.map(|mut mask| {
                mask.resize(input.width(), false);
                for k in keys.iter() {
                    mark(&mut mask, &k.expr);
                }
                mask
            });
            prune(input, next);
        }
        Node::Limit { input, .. } => prune(input, needed),
        Node::Aggregate {
            input, group, aggs, ..
        } => {
            let mut mask = vec![false; input.width()];
            for g in group.iter() {
                mark(&mut mask, g);
            }
            for a in aggs.iter() {
                for e in &a.args {
                    mark(&mut mask, e);
                }
                for k in &a.order {
                    mark(&mut mask, &k.expr);
                }
            }
            prune(input, Some(mask));
        }
        Node::Window {
            input,
            windows,
            calls,
        } => {
            // The input's columns pass through: those the consumer needs, plus what the
            // windows' keys and the calls' arguments read.
            let width = input.width();
            let next = needed.map(|mut mask| {
                mask.resize(width, false);
                for w in windows.iter() {
                    for k in w.partition.iter().chain(&w.order) {
                        mark(&mut mask, &k.expr);
                    }
                }
                for c in calls.iter() {
                    for e in &c.args {
                        mark(&mut mask, e);
                    }
                }
                mask
            });
            prune(input, next);
        }
        other => other.for_each_input(&mut |n| prune(n, None)),
    }
}
