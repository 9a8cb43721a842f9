//! The optimizer: logical plan → physical plan.
//!
//! - WHERE conjuncts are pushed down: through projections-free joins to the side whose columns
//!   they read, and into scans.
//! - A scan's conjuncts on its primary key or a secondary index become an index access:
//!   equalities on a prefix of the index columns (`col = expr` where expr does not depend on
//!   the row), then a range on the next column (`<`, `<=`, `>`, `>=`, BETWEEN). The conjuncts
//!   stay as the scan's filter, so the index only narrows what is read and never decides a
//!   result by itself.
//! - An inner join whose condition has column equalities between the two sides becomes a hash
//!   join.

use super::{Access, CmpKind, CmpOp, Expr, JoinKind, KeyRange, Node};

/// Optimizes a plan tree.
pub(crate) fn optimize(node: Node) -> Node {
    match node {
        Node::Filter { input, predicate } => {
            let input = optimize(*input);
            push_filter(input, predicate.conjuncts())
        }
        Node::Project { input, exprs } => Node::Project {
            input: Box::new(optimize(*input)),
            exprs,
        },
        Node::Join {
            left,
            right,
            kind,
            on,
            params,
            right_width,
        } => {
            let left = optimize(*left);
            let right = optimize(*right);
            make_join(left, right, kind, on, params, right_width)
        }
        Node::Aggregate {
            input,
            group,
            group_kinds,
            aggs,
            rollup,
        } => Node::Aggregate {
            input: Box::new(optimize(*input)),
            group,
            group_kinds,
            aggs,
            rollup,
        },
        Node::Sort { input, keys } => Node::Sort {
            input: Box::new(optimize(*input)),
            keys,
        },
        Node::Limit {
            input,
            limit,
            offset,
            count_all,
        } => Node::Limit {
            input: Box::new(optimize(*input)),
            limit,
            offset,
            count_all,
        },
        Node::Distinct { input, kinds } => Node::Distinct {
            input: Box::new(optimize(*input)),
            kinds,
        },
        Node::SetOp {
            op,
            all,
            left,
            right,
            kinds,
        } => Node::SetOp {
            op,
            all,
            left: Box::new(optimize(*left)),
            right: Box::new(optimize(*right)),
            kinds,
        },
        Node::With { ctes, input } => Node::With {
            ctes: ctes
                .into_iter()
                .map(|c| super::CteDef {
                    id: c.id,
                    anchor: optimize(c.anchor),
                    recursive: c.recursive.map(|(n, all)| (optimize(n), all)),
                    width: c.width,
                })
                .collect(),
            input: Box::new(optimize(*input)),
        },
        Node::Scan {
            table,
            access,
            reverse,
            filter,
            lock,
            wait,
        } => {
            let conj = filter.map(|f| f.conjuncts()).unwrap_or_default();
            let access = choose_access(&table.def, &conj, access);
            Node::Scan {
                table,
                access,
                reverse,
                filter: Expr::and_all(conj),
                lock,
                wait,
            }
        }
        other => other,
    }
}

/// Pushes conjuncts as far down as they go; the rest stay in a Filter above `node`.
fn push_filter(node: Node, conj: Vec<Expr>) -> Node {
    if conj.is_empty() {
        return node;
    }
    match node {
        Node::Scan {
            table,
            access,
            reverse,
            filter,
            lock,
            wait,
        } => {
            let width = table.def.columns.len();
            let (mine, rest): (Vec<Expr>, Vec<Expr>) = conj
                .into_iter()
                .partition(|e| e.column_span() <= width && !has_agg(e));
            let mut all = filter.map(|f| f.conjuncts()).unwrap_or_default();
            all.extend(mine);
            let access = choose_access(&table.def, &all, access);
            let scan = Node::Scan {
                table,
                access,
                reverse,
                filter: Expr::and_all(all),
                lock,
                wait,
            };
            wrap(scan, rest)
        }
        Node::Join {
            left,
            right,
            kind: JoinKind::Inner,
            on,
            params,
            right_width,
        } => {
            let lw = left.width();
            let mut to_left = Vec::new();
            let mut to_right = Vec::new();
            let mut to_on = Vec::new();
            let mut rest = Vec::new();
            for e in conj {
                let cols = e.columns();
                if has_agg(&e) || matches!(e, Expr::Subquery(_)) && !cols.is_empty() {
                    rest.push(e);
                } else if cols.iter().all(|c| *c < lw) {
                    to_left.push(e);
                } else if cols.iter().all(|c| *c >= lw) && !cols.is_empty() {
                    to_right.push(e.shift_columns(lw));
                } else {
                    to_on.push(e);
                }
            }
            let left = push_filter(*left, to_left);
            let right = push_filter(*right, to_right);
            let mut on_parts = on.map(|o| o.conjuncts()).unwrap_or_default();
            on_parts.extend(to_on);
            let join = make_join(
                left,
                right,
                JoinKind::Inner,
                Expr::and_all(on_parts),
                params,
                right_width,
            );
            wrap(join, rest)
        }
        Node::HashJoin { .. } => wrap(node, conj),
        other => wrap(other, conj),
    }
}

fn has_agg(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |x| {
        if matches!(x, Expr::Agg(_)) {
            found = true;
        }
    });
    found
}

fn wrap(node: Node, rest: Vec<Expr>) -> Node {
    match Expr::and_all(rest) {
        Some(p) => Node::Filter {
            input: Box::new(node),
            predicate: p,
        },
        None => node,
    }
}

/// Turns an inner join with cross-side column equalities into a hash join.
fn make_join(
    left: Node,
    right: Node,
    kind: JoinKind,
    on: Option<Expr>,
    params: Vec<(usize, Expr)>,
    right_width: usize,
) -> Node {
    if !params.is_empty() || !matches!(kind, JoinKind::Inner | JoinKind::Left) {
        return Node::Join {
            left: Box::new(left),
            right: Box::new(right),
            kind,
            on,
            params,
            right_width,
        };
    }
    let lw = left.width();
    let mut left_keys = Vec::new();
    let mut right_keys = Vec::new();
    let mut kinds = Vec::new();
    let mut residual = Vec::new();
    for e in on.map(|o| o.conjuncts()).unwrap_or_default() {
        match &e {
            Expr::Cmp(CmpOp::Eq, k, a, b) if *k != CmpKind::Dynamic => {
                let (ac, bc) = (a.columns(), b.columns());
                let a_left = !ac.is_empty() && ac.iter().all(|c| *c < lw);
                let a_right = !ac.is_empty() && ac.iter().all(|c| *c >= lw);
                let b_left = !bc.is_empty() && bc.iter().all(|c| *c < lw);
                let b_right = !bc.is_empty() && bc.iter().all(|c| *c >= lw);
                let simple =
                    a.is_row_independent_except_columns() && b.is_row_independent_except_columns();
                if simple && a_left && b_right {
                    left_keys.push((**a).clone());
                    right_keys.push((**b).clone().shift_columns(lw));
                    kinds.push(*k);
                    continue;
                }
                if simple && a_right && b_left {
                    left_keys.push((**b).clone());
                    right_keys.push((**a).clone().shift_columns(lw));
                    kinds.push(*k);
                    continue;
                }
                residual.push(e);
            }
            _ => residual.push(e),
        }
    }
    if left_keys.is_empty() {
        return Node::Join {
            left: Box::new(left),
            right: Box::new(right),
            kind,
            on: Expr::and_all(residual),
            params,
            right_width,
        };
    }
    Node::HashJoin {
        left: Box::new(left),
        right: Box::new(right),
        kind,
        left_keys,
        right_keys,
        key_kinds: kinds,
        on: Expr::and_all(residual),
        right_width,
    }
}

impl Expr {
    /// True when the expression reads only columns (no registers, no subqueries, no
    /// side effects), so it can be a hash key.
    fn is_row_independent_except_columns(&self) -> bool {
        let mut ok = true;
        self.visit(&mut |e| {
            if matches!(e, Expr::Reg(_) | Expr::Subquery(_) | Expr::SetUserVar(..)) {
                ok = false;
            }
        });
        ok
    }
}

/// A conjunct's use for an index column: equality or one-sided bound.
enum Pred {
    Eq(Expr),
    Lower(Expr, bool),
    Upper(Expr, bool),
}

fn column_pred(e: &Expr, column: usize) -> Vec<Pred> {
    let mut out = Vec::new();
    match e {
        Expr::Cmp(op, _, a, b) => {
            let (op, other) = match (&**a, &**b) {
                (Expr::Column(c), x) if *c == column && x.is_row_independent() => (*op, x.clone()),
                (x, Expr::Column(c)) if *c == column && x.is_row_independent() => {
                    (op.flip(), x.clone())
                }
                _ => return out,
            };
            match op {
                CmpOp::Eq => out.push(Pred::Eq(other)),
                CmpOp::Lt => out.push(Pred::Upper(other, false)),
                CmpOp::Le => out.push(Pred::Upper(other, true)),
                CmpOp::Gt => out.push(Pred::Lower(other, false)),
                CmpOp::Ge => out.push(Pred::Lower(other, true)),
                _ => {}
            }
        }
        Expr::Between {
            expr,
            low,
            high,
            negated: false,
            ..
        } if matches!(&**expr, Expr::Column(c) if *c == column)
            && low.is_row_independent()
            && high.is_row_independent() =>
        {
            out.push(Pred::Lower((**low).clone(), true));
            out.push(Pred::Upper((**high).clone(), true));
        }
        _ => {}
    }
    out
}

/// Chooses the best index for a scan's conjuncts: the longest equality prefix, preferring the
/// primary key and unique indexes, then a range on the next column.
fn choose_access(def: &crate::catalog::TableDef, conj: &[Expr], current: Access) -> Access {
    if !matches!(current, Access::Full) {
        return current;
    }
    let mut best: Option<(usize, usize, Access)> = None; // (score, index, access)
    for (n, index) in def.indexes.iter().enumerate() {
        let mut eq = Vec::new();
        let mut lower = None;
        let mut upper = None;
        for part in &index.parts {
            if part.prefix.is_some() {
                break;
            }
            let preds: Vec<Pred> = conj
                .iter()
                .flat_map(|e| column_pred(e, part.column))
                .collect();
            if let Some(Pred::Eq(v)) = preds.iter().find(|p| matches!(p, Pred::Eq(_))) {
                eq.push(v.clone());
                continue;
            }
            for p in preds {
                match p {
                    Pred::Lower(v, inc) if lower.is_none() => lower = Some((v, inc)),
                    Pred::Upper(v, inc) if upper.is_none() => upper = Some((v, inc)),
                    _ => {}
                }
            }
            break;
        }
        if eq.is_empty() && lower.is_none() && upper.is_none() {
            continue;
        }
        let full_unique = (index.unique || index.primary) && eq.len() == index.parts.len();
        let score = eq.len() * 4
            + usize::from(lower.is_some() || upper.is_some()) * 2
            + usize::from(full_unique) * 100
            + usize::from(index.primary);
        let range = KeyRange { eq, lower, upper };
        let access = if index.primary {
            Access::Primary(vec![range])
        } else {
            Access::Index(n, vec![range])
        };
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, n, access));
        }
    }
    best.map(|(_, _, a)| a).unwrap_or(Access::Full)
}
