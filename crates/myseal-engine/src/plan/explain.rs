//! The plan printed as a tree (EXPLAIN FORMAT=TREE), toydb-style.

use super::{Access, Node};

/// One line per node, children indented.
pub(crate) fn tree(node: &Node) -> Vec<String> {
    let mut out = Vec::new();
    walk(node, 0, &mut out);
    out
}

fn walk(node: &Node, depth: usize, out: &mut Vec<String>) {
    let pad = "    ".repeat(depth);
    let line = match node {
        Node::Values { rows, .. } => format!("Rows fetched before execution ({} rows)", rows.len()),
        Node::Scan {
            table,
            access,
            filter,
            ..
        } => {
            let how = match access {
                Access::Full => format!("Table scan on {}", table.alias),
                Access::Primary(_) => {
                    format!("Single-row index lookup on {} using PRIMARY", table.alias)
                }
                Access::Index(i, _) => format!(
                    "Index lookup on {} using {}",
                    table.alias,
                    table
                        .def
                        .indexes
                        .get(*i)
                        .map(|x| x.name.as_str())
                        .unwrap_or("?")
                ),
            };
            if filter.is_some() {
                format!("Filter\n{pad}    -> {how}")
            } else {
                how
            }
        }
        Node::Virtual { .. } => "Virtual table".into(),
        Node::Filter { .. } => "Filter".into(),
        Node::Project { .. } => "Project".into(),
        Node::Join { kind, params, .. } => {
            if params.is_empty() {
                format!("Nested loop {kind:?} join")
            } else {
                format!("Nested loop {kind:?} join (index lookup)")
            }
        }
        Node::HashJoin { kind, .. } => format!("{kind:?} hash join"),
        Node::Aggregate { .. } => "Aggregate".into(),
        Node::Sort { .. } => "Sort".into(),
        Node::Limit { .. } => "Limit".into(),
        Node::Distinct { .. } => "Remove duplicates".into(),
        Node::SetOp { op, .. } => format!("{op:?}"),
        Node::CteRef { .. } | Node::RecursiveRef { .. } => "Materialized CTE".into(),
        Node::With { .. } => "With".into(),
    };
    out.push(format!("{pad}-> {line}"));
    match node {
        Node::Filter { input, .. }
        | Node::Project { input, .. }
        | Node::Aggregate { input, .. }
        | Node::Sort { input, .. }
        | Node::Limit { input, .. }
        | Node::Distinct { input, .. }
        | Node::With { input, .. } => walk(input, depth + 1, out),
        Node::Join { left, right, .. }
        | Node::HashJoin { left, right, .. }
        | Node::SetOp { left, right, .. } => {
            walk(left, depth + 1, out);
            walk(right, depth + 1, out);
        }
        _ => {}
    }
}
