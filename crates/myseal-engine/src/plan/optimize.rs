//! The optimizer: logical plan → physical plan.
//!
//! - WHERE conjuncts are pushed down: through projections-free joins to the side whose columns
//!   they read, and into scans.
//! - A scan's conjuncts on its primary key or a secondary index become an index access:
//!   equalities on a prefix of the index columns (`col = expr` where expr does not depend on
//!   the row), then a range on the next column (`<`, `<=`, `>`, `>=`, BETWEEN). The conjuncts
//!   stay as the scan's filter, so the index only narrows what is read and never decides a
//!   result by itself.
//! - `col IN (..)` on an index column (after equalities on the columns before it) reads one
//!   point range per value, sorted and without duplicates.
//! - An inner or left join whose condition equates leading index columns of a right-side table
//!   with left-row expressions becomes an index nested-loop join (registers carry the left
//!   values into the right scan's key range); other cross-side column equalities make a hash
//!   join; WHERE conjuncts still reach its inputs (for a LEFT join, the preserved side only).
//! - A sort that the scanned index's order already gives (keys a prefix of its columns, one
//!   direction) is dropped; the scan runs backwards for DESC, so ORDER BY ... LIMIT n stops
//!   after n rows.

use super::{Access, CmpKind, CmpOp, Expr, JoinKind, KeyRange, Node};

/// Optimizes a plan tree; `registers` counts the plan's registers (index joins take new ones).
pub(crate) fn optimize(node: Node, registers: &mut usize) -> Node {
    match node {
        Node::Filter { input, predicate } => {
            let input = optimize(*input, registers);
            push_filter(input, predicate.conjuncts(), registers)
        }
        Node::Project { input, exprs } => Node::Project {
            input: Box::new(optimize(*input, registers)),
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
            let left = optimize(*left, registers);
            let right = optimize(*right, registers);
            make_join(left, right, kind, on, params, right_width, registers)
        }
        Node::Aggregate {
            input,
            group,
            group_kinds,
            aggs,
            rollup,
        } => Node::Aggregate {
            input: Box::new(optimize(*input, registers)),
            group,
            group_kinds,
            aggs,
            rollup,
        },
        Node::Sort { input, keys } => match in_index_order(optimize(*input, registers), &keys) {
            (ordered, true) => ordered,
            (input, false) => Node::Sort {
                input: Box::new(input),
                keys,
            },
        },
        Node::Limit {
            input,
            limit,
            offset,
            count_all,
        } => Node::Limit {
            input: Box::new(optimize(*input, registers)),
            limit,
            offset,
            count_all,
        },
        Node::Distinct { input, kinds } => Node::Distinct {
            input: Box::new(optimize(*input, registers)),
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
            left: Box::new(optimize(*left, registers)),
            right: Box::new(optimize(*right, registers)),
            kinds,
        },
        Node::With { ctes, input } => Node::With {
            ctes: ctes
                .into_iter()
                .map(|c| super::CteDef {
                    id: c.id,
                    anchor: optimize(c.anchor, registers),
                    recursive: c.recursive.map(|(n, all)| (optimize(n, registers), all)),
                    width: c.width,
                })
                .collect(),
            input: Box::new(optimize(*input, registers)),
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
fn push_filter(node: Node, conj: Vec<Expr>, registers: &mut usize) -> Node {
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
            kind: JoinKind::Left,
            on,
            params,
            right_width,
        } => {
            // WHERE conjuncts over the preserved (left) side only filter it; the rest stay above
            // the join (they see the NULL-extended rows).
            let (to_left, rest) = split_left(conj, left.width());
            let left = push_filter(*left, to_left, registers);
            let join = Node::Join {
                left: Box::new(left),
                right,
                kind: JoinKind::Left,
                on,
                params,
                right_width,
            };
            wrap(join, rest)
        }
        Node::HashJoin {
            left,
            right,
            kind,
            left_keys,
            right_keys,
            key_kinds,
            on,
            right_width,
        } => {
            let lw = left.width();
            let (to_left, mut rest) = split_left(conj, lw);
            let left = push_filter(*left, to_left, registers);
            let mut on_parts = on.map(|o| o.conjuncts()).unwrap_or_default();
            let right = if kind == JoinKind::Inner {
                let mut to_right = Vec::new();
                let mut above = Vec::new();
                for e in rest {
                    let cols = e.columns();
                    if has_agg(&e) || matches!(e, Expr::Subquery(_)) {
                        above.push(e);
                    } else if !cols.is_empty() && cols.iter().all(|c| *c >= lw) {
                        to_right.push(e.shift_columns(lw));
                    } else {
                        on_parts.push(e);
                    }
                }
                rest = above;
                push_filter(*right, to_right, registers)
            } else {
                *right
            };
            let join = Node::HashJoin {
                left: Box::new(left),
                right: Box::new(right),
                kind,
                left_keys,
                right_keys,
                key_kinds,
                on: Expr::and_all(on_parts),
                right_width,
            };
            wrap(join, rest)
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
            let left = push_filter(*left, to_left, registers);
            let right = push_filter(*right, to_right, registers);
            let mut on_parts = on.map(|o| o.conjuncts()).unwrap_or_default();
            on_parts.extend(to_on);
            let join = make_join(
                left,
                right,
                JoinKind::Inner,
                Expr::and_all(on_parts),
                params,
                right_width,
                registers,
            );
            wrap(join, rest)
        }
        other => wrap(other, conj),
    }
}

/// Splits conjuncts into those that read only the first `lw` columns (and may filter a join's
/// left input) and the rest.
fn split_left(conj: Vec<Expr>, lw: usize) -> (Vec<Expr>, Vec<Expr>) {
    conj.into_iter().partition(|e| {
        let cols = e.columns();
        !has_agg(e)
            && !matches!(e, Expr::Subquery(_))
            && !cols.is_empty()
            && cols.iter().all(|c| *c < lw)
    })
}

/// A sort whose keys are a prefix of the index a scan reads, all in one direction, is the
/// scan's own order (read backwards for DESC): the sort is dropped, so `ORDER BY pk LIMIT n`
/// reads n rows. Only for a projection straight over a scan; false (with the input unchanged)
/// otherwise.
fn in_index_order(input: Node, keys: &[super::SortKey]) -> (Node, bool) {
    let Node::Project {
        input: inner,
        exprs,
    } = input
    else {
        return (input, false);
    };
    let desc = keys.first().is_some_and(|k| k.desc);
    let ordered = match &*inner {
        Node::Scan {
            table,
            access,
            reverse: false,
            ..
        } => {
            let index = match access {
                Access::Full | Access::Primary(_) => table.def.indexes.iter().find(|i| i.primary),
                Access::Index(n, _) => table.def.indexes.get(*n),
            };
            index.is_some_and(|index| {
                keys.len() <= index.parts.len()
                    && keys.iter().zip(&index.parts).all(|(k, part)| {
                        k.desc == desc
                            && part.prefix.is_none()
                            && matches!(k.expr, Expr::Column(c)
                                if matches!(exprs.get(c), Some(Expr::Column(tc)) if *tc == part.column))
                    })
            })
        }
        _ => false,
    };
    if !ordered {
        return (
            Node::Project {
                input: inner,
                exprs,
            },
            false,
        );
    }
    let inner = match *inner {
        Node::Scan {
            table,
            access,
            filter,
            lock,
            wait,
            ..
        } => Node::Scan {
            table,
            access,
            reverse: desc,
            filter,
            lock,
            wait,
        },
        other => other,
    };
    (
        Node::Project {
            input: Box::new(inner),
            exprs,
        },
        true,
    )
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

/// Turns an inner or left join with cross-side column equalities into an index join (see
/// [`index_join`]) or else a hash join.
fn make_join(
    left: Node,
    right: Node,
    kind: JoinKind,
    on: Option<Expr>,
    params: Vec<(usize, Expr)>,
    right_width: usize,
    registers: &mut usize,
) -> Node {
    let (left, right) = if params.is_empty() && matches!(kind, JoinKind::Inner | JoinKind::Left) {
        match index_join(left, right, kind, &on, right_width, registers) {
            Ok(join) => return join,
            Err(sides) => *sides,
        }
    } else {
        (left, right)
    };
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

/// Most values of an IN list read as separate index lookups.
const MAX_IN_RANGES: usize = 1000;

/// An index nested-loop join (MySQL's `ref`/`eq_ref` access): when the right side is a table
/// scan and the join condition equates its leading index columns with expressions of the left
/// row, each left row sets registers and the right side reads just the matching index range.
/// The whole condition stays as the join's ON, so the index only narrows what is read. Err
/// gives the two sides back.
fn index_join(
    left: Node,
    right: Node,
    kind: JoinKind,
    on: &Option<Expr>,
    right_width: usize,
    registers: &mut usize,
) -> Result<Node, Box<(Node, Node)>> {
    let lw = left.width();
    let Node::Scan {
        table,
        access: Access::Full,
        reverse,
        filter,
        lock,
        wait,
    } = right
    else {
        return Err(Box::new((left, right)));
    };
    // (right table column, left expression) pairs from `l = r` conjuncts.
    let mut pairs: Vec<(usize, Expr)> = Vec::new();
    for e in on.clone().map(Expr::conjuncts).unwrap_or_default() {
        let Expr::Cmp(CmpOp::Eq, k, a, b) = &e else {
            continue;
        };
        if *k == CmpKind::Dynamic {
            continue;
        }
        for (x, y) in [(a, b), (b, a)] {
            if let Expr::Column(c) = **y
                && c >= lw
                && x.is_row_independent_except_columns()
                && !x.columns().is_empty()
                && x.columns().iter().all(|c| *c < lw)
            {
                pairs.push((c - lw, (**x).clone()));
            }
        }
    }
    // The index with the longest prefix of its columns equated (unique and primary first).
    let mut best: Option<(usize, usize, Vec<Expr>)> = None; // (score, index, left exprs)
    for (n, index) in table.def.indexes.iter().enumerate() {
        let mut exprs = Vec::new();
        for part in &index.parts {
            if part.prefix.is_some() {
                break;
            }
            match pairs.iter().find(|(c, _)| *c == part.column) {
                Some((_, x)) => exprs.push(x.clone()),
                None => break,
            }
        }
        if exprs.is_empty() {
            continue;
        }
        let full_unique = (index.unique || index.primary) && exprs.len() == index.parts.len();
        let score = exprs.len() * 4 + usize::from(full_unique) * 100 + usize::from(index.primary);
        if best.as_ref().is_none_or(|(s, ..)| score > *s) {
            best = Some((score, n, exprs));
        }
    }
    let right = Node::Scan {
        table,
        access: Access::Full,
        reverse,
        filter,
        lock,
        wait,
    };
    let Some((_, n, exprs)) = best else {
        return Err(Box::new((left, right)));
    };
    let Node::Scan {
        table,
        reverse,
        filter,
        lock,
        wait,
        ..
    } = right
    else {
        return Err(Box::new((left, right)));
    };
    let mut params = Vec::new();
    let mut eq = Vec::new();
    for x in exprs {
        let reg = *registers;
        *registers += 1;
        params.push((reg, x));
        eq.push(Expr::Reg(reg));
    }
    let range = KeyRange {
        eq,
        lower: None,
        upper: None,
    };
    let primary = table.def.indexes.get(n).is_some_and(|i| i.primary);
    let access = if primary {
        Access::Primary(vec![range])
    } else {
        Access::Index(n, vec![range])
    };
    Ok(Node::Join {
        left: Box::new(left),
        right: Box::new(Node::Scan {
            table,
            access,
            reverse,
            filter,
            lock,
            wait,
        }),
        kind,
        on: on.clone(),
        params,
        right_width,
    })
}

/// A conjunct's use for an index column: equality, IN list or one-sided bound.
enum Pred {
    Eq(Expr),
    In(Vec<Expr>),
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
        Expr::InList {
            expr,
            list,
            negated: false,
            ..
        } if matches!(&**expr, Expr::Column(c) if *c == column)
            && !list.is_empty()
            && list.len() <= MAX_IN_RANGES
            && list.iter().all(Expr::is_row_independent) =>
        {
            out.push(Pred::In(list.clone()));
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
        let mut in_list: Option<Vec<Expr>> = None;
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
            // `col IN (..)` after the equalities: one point range per value.
            if let Some(Pred::In(list)) = preds.into_iter().find(|p| matches!(p, Pred::In(_))) {
                in_list = Some(list);
                break;
            }
            let preds: Vec<Pred> = conj
                .iter()
                .flat_map(|e| column_pred(e, part.column))
                .collect();
            for p in preds {
                match p {
                    Pred::Lower(v, inc) if lower.is_none() => lower = Some((v, inc)),
                    Pred::Upper(v, inc) if upper.is_none() => upper = Some((v, inc)),
                    _ => {}
                }
            }
            break;
        }
        if eq.is_empty() && in_list.is_none() && lower.is_none() && upper.is_none() {
            continue;
        }
        let points = eq.len() + usize::from(in_list.is_some());
        let full_unique = (index.unique || index.primary) && points == index.parts.len();
        let score = points * 4
            + usize::from(lower.is_some() || upper.is_some()) * 2
            + usize::from(full_unique) * 100
            + usize::from(index.primary);
        let ranges = match in_list {
            Some(list) => list
                .into_iter()
                .map(|v| {
                    let mut eq = eq.clone();
                    eq.push(v);
                    KeyRange {
                        eq,
                        lower: None,
                        upper: None,
                    }
                })
                .collect(),
            None => vec![KeyRange { eq, lower, upper }],
        };
        let access = if index.primary {
            Access::Primary(ranges)
        } else {
            Access::Index(n, ranges)
        };
        if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
            best = Some((score, n, access));
        }
    }
    best.map(|(_, _, a)| a).unwrap_or(Access::Full)
}
