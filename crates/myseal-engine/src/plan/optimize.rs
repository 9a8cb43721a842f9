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
//! - Inner joins are reordered (MySQL's join order optimization, greedily): a tree of inner
//!   joins without registers is flattened into its inputs and the conjuncts of its ON
//!   conditions and of the WHERE above it. The join starts with the input whose own conjuncts
//!   read least (a unique lookup, then an index lookup or range, then any filter), then keeps
//!   adding an input an equality connects to those already joined (one whose index that
//!   equality reaches first, making an index join), and only when none is connected the next
//!   in FROM order (a cross join). Each conjunct is applied at the first join that has all its
//!   columns, and a projection restores the FROM order's columns above the new tree. LEFT
//!   joins, semi/anti joins and joins with registers are barriers: the tables under them
//!   are reordered among themselves only. STRAIGHT_JOIN is bound as a plain inner join and so
//!   is reordered too.
//! - A sort that the scanned index's order already gives (keys a prefix of its columns, one
//!   direction) is dropped; the scan runs backwards for DESC, so ORDER BY ... LIMIT n stops
//!   after n rows.

use super::{Access, CmpKind, CmpOp, Expr, JoinKind, KeyRange, Node};

/// Optimizes a plan tree; `registers` counts the plan's registers (index joins take new ones).
pub(crate) fn optimize(node: Node, registers: &mut usize) -> Node {
    match node {
        Node::Filter { input, predicate } => match *input {
            join if is_inner_join(&join) => reorder(join, predicate.conjuncts(), registers),
            Node::Join {
                left,
                right,
                kind: JoinKind::Left,
                on,
                params,
                right_width,
            } if params.is_empty() => {
                // Conjuncts over the preserved side filter it before it is optimized, so an
                // inner join there is ordered with them.
                let (to_left, rest) = split_left(predicate.conjuncts(), left.width());
                let left = optimize(wrap(*left, to_left), registers);
                let right = optimize(*right, registers);
                let join = make_join(
                    left,
                    right,
                    JoinKind::Left,
                    on,
                    params,
                    right_width,
                    registers,
                );
                wrap(join, rest)
            }
            input => {
                let input = optimize(input, registers);
                push_filter(input, predicate.conjuncts(), registers)
            }
        },
        join if is_inner_join(&join) => reorder(join, Vec::new(), registers),
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
        Node::Window {
            input,
            windows,
            calls,
        } => Node::Window {
            input: Box::new(optimize(*input, registers)),
            windows,
            calls,
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

/// True for an inner join that join reordering may take apart: no registers (not an index
/// join or a lateral join).
fn is_inner_join(node: &Node) -> bool {
    matches!(node, Node::Join { kind: JoinKind::Inner, params, .. } if params.is_empty())
}

/// Flattens a tree of inner joins into its inputs (`leaves`, in FROM order) and the conjuncts
/// of its ON conditions (`conj`, over the whole tree's row); `offset` is where `node`'s columns
/// start in that row.
fn flatten(node: Node, offset: usize, leaves: &mut Vec<Node>, conj: &mut Vec<Expr>) {
    if !is_inner_join(&node) {
        leaves.push(node);
        return;
    }
    let Node::Join {
        left, right, on, ..
    } = node
    else {
        leaves.push(node);
        return;
    };
    let lw = left.width();
    flatten(*left, offset, leaves, conj);
    flatten(*right, offset + lw, leaves, conj);
    if let Some(on) = on {
        conj.extend(
            on.conjuncts()
                .into_iter()
                .map(|e| map_columns(e, |c| c + offset)),
        );
    }
}

/// Renumbers the columns an expression reads.
fn map_columns(e: Expr, f: impl Fn(usize) -> usize) -> Expr {
    e.transform(&mut |x| match x {
        Expr::Column(i) => Expr::Column(f(i)),
        other => other,
    })
}

/// A conjunct that must stay above a reordered join tree: aggregates, a subquery over the
/// row's columns (as a pushed-down WHERE keeps it above a join), user variable assignments.
fn stays_above(e: &Expr) -> bool {
    let mut stay = has_agg(e) || matches!(e, Expr::Subquery(_)) && !e.columns().is_empty();
    e.visit(&mut |x| {
        if matches!(x, Expr::SetUserVar(..) | Expr::Stored(..)) {
            stay = true;
        }
    });
    stay
}

/// How much an input's own conjuncts narrow what it reads: 4 a unique lookup, 3 an index
/// lookup, 2 an index range, 1 some other filter, 0 none.
fn local_score(node: &Node, filtered: bool) -> u8 {
    let Node::Scan { table, access, .. } = node else {
        return u8::from(filtered);
    };
    let (index, ranges) = match access {
        Access::Full => return u8::from(filtered),
        Access::Primary(r) => (table.def.indexes.iter().find(|i| i.primary), r),
        Access::Index(n, r) => (table.def.indexes.get(*n), r),
    };
    let points = |k: &KeyRange| k.lower.is_none() && k.upper.is_none();
    match index {
        Some(i)
            if (i.unique || i.primary)
                && ranges.len() == 1
                && ranges
                    .iter()
                    .all(|k| points(k) && k.eq.len() == i.parts.len()) =>
        {
            4
        }
        _ if ranges.iter().all(|k| !k.eq.is_empty()) => 3,
        _ => 2,
    }
}

/// A join conjunct of a reordered tree: the inputs it reads (sorted, at least two).
struct JoinConj {
    expr: Expr,
    leaves: Vec<usize>,
    applied: bool,
}

/// How well `cand` joins the inputs already joined (`joined`) through `c`: 3 an equality with
/// a leading index column of `cand` (an index join), 2 another equality (a hash join), 1 any
/// other condition, 0 none (`c` reads an input not joined yet, or not `cand`).
fn connection(
    c: &JoinConj,
    cand: usize,
    joined: &[bool],
    leaf: &Node,
    start: usize,
    leaf_of: &impl Fn(usize) -> Option<usize>,
) -> u8 {
    if c.applied || !c.leaves.contains(&cand) || !c.leaves.iter().all(|l| *l == cand || joined[*l])
    {
        return 0;
    }
    let Expr::Cmp(CmpOp::Eq, kind, a, b) = &c.expr else {
        return 1;
    };
    if matches!(kind, CmpKind::Dynamic | CmpKind::Json) {
        return 1;
    }
    let on = |x: &Expr, want: &dyn Fn(usize) -> bool| {
        let cols = x.columns();
        !cols.is_empty()
            && x.is_row_independent_except_columns()
            && cols.iter().all(|c| leaf_of(*c).is_some_and(want))
    };
    let mut best = 1;
    for (x, y) in [(a, b), (b, a)] {
        if !on(x, &|l| l != cand && joined[l]) || !on(y, &|l| l == cand) {
            continue;
        }
        best = best.max(2);
        if let (
            Expr::Column(col),
            Node::Scan {
                table,
                access: Access::Full,
                ..
            },
        ) = (&**y, leaf)
            && table.def.indexes.iter().any(|i| {
                i.parts
                    .first()
                    .is_some_and(|p| p.prefix.is_none() && p.column + start == *col)
            })
        {
            best = 3;
        }
    }
    best
}

/// Join reordering (see the module docs) of a tree of inner joins with the WHERE conjuncts
/// directly above it. The result has the tree's columns in their original order.
fn reorder(node: Node, where_conj: Vec<Expr>, registers: &mut usize) -> Node {
    let width = node.width();
    let mut leaves = Vec::new();
    let mut all = Vec::new();
    flatten(node, 0, &mut leaves, &mut all);
    all.extend(where_conj);
    let starts: Vec<usize> = leaves
        .iter()
        .scan(0, |at, l| {
            let s = *at;
            *at += l.width();
            Some(s)
        })
        .collect();
    let widths: Vec<usize> = leaves.iter().map(Node::width).collect();
    let n = leaves.len();
    let leaf_of = |c: usize| (0..n).find(|&j| c >= starts[j] && c < starts[j] + widths[j]);
    // Sort the conjuncts: above the tree, on no input (row-independent), on one input, or
    // joining several.
    let mut above = Vec::new();
    let mut constant = Vec::new();
    let mut local: Vec<Vec<Expr>> = vec![Vec::new(); leaves.len()];
    let mut joins = Vec::new();
    for e in all {
        if stays_above(&e) {
            above.push(e);
            continue;
        }
        let mut on: Vec<usize> = e.columns().into_iter().filter_map(leaf_of).collect();
        on.sort_unstable();
        on.dedup();
        match on.as_slice() {
            [] if e.columns().is_empty() => constant.push(e),
            [] => above.push(e),
            [j] => local[*j].push(e.shift_columns(starts[*j])),
            _ => joins.push(JoinConj {
                expr: e,
                leaves: on,
                applied: false,
            }),
        }
    }
    let mut inputs: Vec<Option<Node>> = Vec::with_capacity(leaves.len());
    let mut scores = Vec::with_capacity(leaves.len());
    for (leaf, conj) in leaves.into_iter().zip(local) {
        let filtered = !conj.is_empty();
        let leaf = optimize(wrap(leaf, conj), registers);
        scores.push(local_score(&leaf, filtered));
        inputs.push(Some(leaf));
    }
    // The greedy order.
    let mut joined = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let mut best: Option<(u8, u8, usize)> = None;
        for j in (0..n).filter(|j| !joined[*j]) {
            let conn = match &inputs[j] {
                Some(leaf) if !order.is_empty() => joins
                    .iter()
                    .map(|c| connection(c, j, &joined, leaf, starts[j], &leaf_of))
                    .max()
                    .unwrap_or(0),
                _ => 0,
            };
            if best.is_none_or(|(bc, bs, _)| (conn, scores[j]) > (bc, bs)) {
                best = Some((conn, scores[j], j));
            }
        }
        let Some((_, _, j)) = best else { break };
        joined[j] = true;
        order.push(j);
    }
    // Build the left-deep tree; `pos` maps the original columns to the new row.
    let mut pos: Vec<usize> = (0..width).collect();
    let mut tree: Option<Node> = None;
    let mut at = 0;
    let mut in_tree = vec![false; n];
    for &j in &order {
        let Some(leaf) = inputs[j].take() else {
            continue;
        };
        for c in 0..widths[j] {
            pos[starts[j] + c] = at + c;
        }
        at += widths[j];
        in_tree[j] = true;
        tree = Some(match tree {
            None => push_filter(leaf, std::mem::take(&mut constant), registers),
            Some(left) => {
                let mut on = Vec::new();
                for c in joins.iter_mut() {
                    if !c.applied && c.leaves.iter().all(|l| in_tree[*l]) {
                        c.applied = true;
                        on.push(map_columns(c.expr.clone(), |i| pos[i]));
                    }
                }
                let rw = leaf.width();
                make_join(
                    left,
                    leaf,
                    JoinKind::Inner,
                    Expr::and_all(on),
                    Vec::new(),
                    rw,
                    registers,
                )
            }
        });
    }
    let Some(mut tree) = tree else {
        return Node::Values {
            rows: vec![Vec::new()],
            width: 0,
        };
    };
    if pos.iter().enumerate().any(|(i, p)| i != *p) {
        tree = Node::Project {
            input: Box::new(tree),
            exprs: pos.into_iter().map(Expr::Column).collect(),
        };
    }
    wrap(tree, above)
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
            Expr::Cmp(CmpOp::Eq, k, a, b) if !matches!(k, CmpKind::Dynamic | CmpKind::Json) => {
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
            if matches!(
                e,
                Expr::Reg(_) | Expr::Subquery(_) | Expr::SetUserVar(..) | Expr::Stored(..)
            ) {
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
        if matches!(k, CmpKind::Dynamic | CmpKind::Json) {
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
