//! EXPLAIN output of a plan: MySQL's tree format (`EXPLAIN FORMAT=TREE`) and its traditional
//! table (one row per table access).
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/explain-output.html>
//!
//! The shapes follow MySQL 8.4; the numbers are rough. A full scan reads the table's row count,
//! a unique full-key equality one row, a non-unique equality a tenth of the table, a range a
//! third (a ninth with both bounds); a residual condition keeps a tenth (equality) or a third of
//! its input. Costs are 0.1 per row read plus 0.25 per table access: printed to keep the shape
//! of MySQL's lines, not comparable with its numbers. Derived tables and non-recursive CTEs are
//! bound inline (as MySQL merges them), so their tables show in the outer query's block.
//!
//! The statement layer (`crate::stmt::explain`) binds the statement, passes the tables' row
//! counts and builds the result set.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::{
    Access, AggCall, AggFunc, BitOp, CastTo, CmpOp, CteDef, Expr, JoinKind, KeyRange, Node, Plan,
    SessionValue, SetOpKind, SortKey, Subquery, SubqueryKind, WindowCall, WindowFunc,
};
use crate::catalog::{IndexDef, TableDef};
use crate::func::Func;
use crate::func::json::JsonFunc;
use crate::types::BaseType;
use crate::value::Value;

/// Row count of a table, as the planner's statistics.
pub(crate) type RowCount<'a> = &'a dyn Fn(&TableDef) -> u64;

/// One row of the traditional EXPLAIN table.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TradRow {
    pub(crate) id: Option<u64>,
    pub(crate) select_type: String,
    pub(crate) table: Option<String>,
    /// The `type` column (join type).
    pub(crate) access: Option<&'static str>,
    pub(crate) possible_keys: Option<String>,
    pub(crate) key: Option<String>,
    pub(crate) key_len: Option<String>,
    pub(crate) reference: Option<String>,
    pub(crate) rows: Option<u64>,
    /// Percentage of rows kept by the table condition (None for rows that read no table).
    pub(crate) filtered: Option<f64>,
    pub(crate) extra: Vec<String>,
}

/// What a single-table UPDATE or DELETE does with the rows its scan finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DmlKind {
    Update,
    Delete,
}

/// `EXPLAIN FORMAT=TREE` text of a query: one line per iterator, children indented by four
/// spaces, each line starting with `-> ` (and ending with a newline, as MySQL's).
pub(crate) fn tree(plan: &Plan, rows_of: RowCount<'_>) -> String {
    let mut cx = Explainer::new(rows_of);
    let mut out = Vec::new();
    cx.walk(&plan.root, 0, &mut out);
    finish(out)
}

/// `EXPLAIN FORMAT=TREE` text of a single-table UPDATE or DELETE whose rows `scan` finds.
pub(crate) fn tree_dml(kind: DmlKind, scan: &Node, sorted: bool, rows_of: RowCount<'_>) -> String {
    let mut cx = Explainer::new(rows_of);
    let mut out = Vec::new();
    let alias = match scan {
        Node::Scan { table, .. } => table.alias.clone(),
        _ => String::new(),
    };
    out.push(match kind {
        DmlKind::Update => format!("-> Update {alias}"),
        DmlKind::Delete => format!("-> Delete from {alias}"),
    });
    if sorted {
        let at = out.len();
        out.push(String::new());
        let est = cx.walk(scan, 2, &mut out);
        out[at] = line(1, "Sort row IDs".into(), Some(est));
    } else {
        cx.walk(scan, 1, &mut out);
    }
    finish(out)
}

/// The traditional EXPLAIN rows of a query.
pub(crate) fn traditional(plan: &Plan, rows_of: RowCount<'_>) -> Vec<TradRow> {
    let mut cx = Explainer::new(rows_of);
    let mut rows = Vec::new();
    cx.select(&plan.root, 1, "SIMPLE", &mut rows);
    let mut simple = true;
    while let Some(p) = cx.pending.pop_front() {
        simple = false;
        match p {
            Pending::Subquery(plan, n, kind) => cx.select(&plan.root, n, kind, &mut rows),
            Pending::Derived(node, n) => cx.select(&node, n, "DERIVED", &mut rows),
            Pending::Cte(def, n) => {
                cx.select(&def.anchor, n, "DERIVED", &mut rows);
                if let Some((rec, all)) = &def.recursive {
                    let m = cx.next_number();
                    cx.select(rec, m, "UNION", &mut rows);
                    if !all {
                        rows.push(result_row("UNION RESULT", "union", &[n, m]));
                    }
                }
            }
        }
    }
    if !simple || cx.union_seen {
        for r in rows.iter_mut().filter(|r| r.select_type == "SIMPLE") {
            r.select_type = "PRIMARY".into();
        }
    }
    rows
}

/// The traditional EXPLAIN row of a single-table UPDATE or DELETE.
pub(crate) fn traditional_dml(
    kind: DmlKind,
    scan: &Node,
    sorted: bool,
    rows_of: RowCount<'_>,
) -> Vec<TradRow> {
    let mut cx = Explainer::new(rows_of);
    let select_type = match kind {
        DmlKind::Update => "UPDATE",
        DmlKind::Delete => "DELETE",
    };
    let mut rows = Vec::new();
    cx.select(scan, 1, select_type, &mut rows);
    if sorted && let Some(r) = rows.first_mut() {
        add_extra(r, "Using filesort");
    }
    rows
}

fn finish(out: Vec<String>) -> String {
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// Estimated rows and cost of an iterator.
#[derive(Clone, Copy, Debug)]
struct Est {
    rows: f64,
    cost: f64,
}

fn line(depth: usize, text: String, est: Option<Est>) -> String {
    let pad = "    ".repeat(depth);
    match est {
        Some(e) => format!(
            "{pad}-> {text}  (cost={} rows={})",
            number(e.cost),
            number(e.rows)
        ),
        None => format!("{pad}-> {text}"),
    }
}

/// A number as MySQL prints estimates: at most three significant digits, no trailing zeros.
fn number(x: f64) -> String {
    if !x.is_finite() || x <= 0.0 {
        return "0".into();
    }
    if x >= 1e6 {
        let exp = x.log10().floor();
        let mant = (x / 10f64.powf(exp) * 100.0).round() / 100.0;
        return format!("{mant}e+{exp}");
    }
    let digits = (2 - x.log10().floor() as i32).max(0);
    let s = format!("{x:.*}", usize::try_from(digits).unwrap_or(0));
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn add_extra(r: &mut TradRow, what: &str) {
    if !r.extra.iter().any(|e| e == what) {
        r.extra.push(what.to_string());
    }
}

fn result_row(select_type: &str, what: &str, ids: &[u64]) -> TradRow {
    let list: Vec<String> = ids.iter().map(u64::to_string).collect();
    TradRow {
        id: None,
        select_type: select_type.into(),
        table: Some(format!("<{what}{}>", list.join(","))),
        access: Some("ALL"),
        extra: vec!["Using temporary".into()],
        ..TradRow::default()
    }
}

/// A select to list after the current one (traditional format).
enum Pending {
    Subquery(Arc<Plan>, u64, &'static str),
    Derived(Box<Node>, u64),
    Cte(Box<CteDef>, u64),
}

/// How an index access reads its table.
struct Lookup<'a> {
    index: &'a IndexDef,
    range: &'a KeyRange,
}

struct Explainer<'r> {
    rows_of: RowCount<'r>,
    /// Select numbers of subqueries (by plan address) and of CTEs (by slot).
    subqueries: HashMap<usize, u64>,
    ctes: HashMap<usize, u64>,
    next: u64,
    /// CTE definitions of the WITH clauses seen so far, by slot.
    cte_defs: HashMap<usize, CteDef>,
    /// CTEs whose plan has been printed (tree format).
    printed: HashSet<usize>,
    /// Selects already queued (traditional format) or printed (tree format).
    queued: HashSet<u64>,
    shown: HashSet<u64>,
    pending: std::collections::VecDeque<Pending>,
    union_seen: bool,
    /// What each register holds, as text (the outer columns a subquery reads).
    regs: HashMap<usize, String>,
}

impl<'r> Explainer<'r> {
    fn new(rows_of: RowCount<'r>) -> Self {
        Explainer {
            rows_of,
            subqueries: HashMap::new(),
            ctes: HashMap::new(),
            next: 2,
            cte_defs: HashMap::new(),
            printed: HashSet::new(),
            queued: HashSet::new(),
            shown: HashSet::new(),
            pending: std::collections::VecDeque::new(),
            union_seen: false,
            regs: HashMap::new(),
        }
    }

    fn next_number(&mut self) -> u64 {
        let n = self.next;
        self.next += 1;
        n
    }

    fn subquery_number(&mut self, s: &Subquery) -> u64 {
        let key = Arc::as_ptr(&s.plan) as usize;
        if let Some(n) = self.subqueries.get(&key) {
            return *n;
        }
        let n = self.next_number();
        self.subqueries.insert(key, n);
        n
    }

    fn cte_number(&mut self, id: usize) -> u64 {
        if let Some(n) = self.ctes.get(&id) {
            return *n;
        }
        let n = self.next_number();
        self.ctes.insert(id, n);
        n
    }

    // -----------------------------------------------------------------------------------------
    // Names and expressions

    /// Text of each output column of `node`.
    fn names(&mut self, node: &Node) -> Vec<String> {
        match node {
            Node::Values { rows, width } => {
                let mut v: Vec<String> = rows
                    .first()
                    .map(|r| r.iter().map(|e| self.expr(e, &[])).collect())
                    .unwrap_or_default();
                v.resize(*width, "NULL".into());
                v
            }
            Node::Scan { table, .. } => table
                .def
                .columns
                .iter()
                .map(|c| format!("{}.{}", table.alias, c.name))
                .collect(),
            Node::Virtual { table, width } => {
                let def = crate::infoschema::table_def(*table);
                let mut v: Vec<String> = def
                    .columns
                    .iter()
                    .map(|c| format!("{}.{}", table.name(), c.name))
                    .collect();
                v.resize(*width, "?".into());
                v
            }
            Node::Filter { input, .. }
            | Node::Sort { input, .. }
            | Node::Limit { input, .. }
            | Node::Distinct { input, .. }
            | Node::With { input, .. } => self.names(input),
            Node::Project { input, exprs } => {
                let inner = self.names(input);
                exprs.iter().map(|e| self.expr(e, &inner)).collect()
            }
            Node::Join {
                left, right, kind, ..
            }
            | Node::HashJoin {
                left, right, kind, ..
            } => {
                let mut v = self.names(left);
                if !matches!(kind, JoinKind::Semi | JoinKind::Anti) {
                    v.extend(self.names(right));
                }
                v
            }
            Node::Aggregate {
                input, group, aggs, ..
            } => {
                let inner = self.names(input);
                let mut v: Vec<String> = group.iter().map(|e| self.expr(e, &inner)).collect();
                v.extend(aggs.iter().map(|a| self.agg(a, &inner)));
                v
            }
            Node::SetOp { left, .. } => self.names(left),
            Node::Window { input, calls, .. } => {
                let mut v = self.names(input);
                let inner = v.clone();
                v.extend(calls.iter().map(|c| self.window_call(c, &inner)));
                v
            }
            Node::CteRef { id, width } | Node::RecursiveRef { id, width } => {
                let n = self.cte_number(*id);
                (0..*width).map(|i| format!("<derived{n}>.{i}")).collect()
            }
        }
    }

    /// An expression as MySQL prints it in EXPLAIN: `(t.a > 1)`, `(t.a = 'x')`, `sleep(5)`.
    fn expr(&mut self, e: &Expr, names: &[String]) -> String {
        let bin = |cx: &mut Self, a: &Expr, op: &str, b: &Expr| {
            format!("({} {op} {})", cx.expr(a, names), cx.expr(b, names))
        };
        match e {
            Expr::Const(v) => literal(v),
            Expr::Column(i) => names.get(*i).cloned().unwrap_or_else(|| format!("#{i}")),
            Expr::Reg(r) => self
                .regs
                .get(r)
                .cloned()
                .unwrap_or_else(|| format!("<ref{r}>")),
            Expr::Param(_) => "?".into(),
            Expr::Func(f, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a, names)).collect();
                let first = args.first().cloned().unwrap_or_default();
                match f {
                    // The binder's conversions of SQL values to JSON print as their operand.
                    Func::Json(JsonFunc::Parse) => format!("cast({first} as json)"),
                    Func::Json(j) if j.is_conversion() => first,
                    Func::Json(JsonFunc::MemberOf) => format!(
                        "{first} member of ({})",
                        args.get(1).cloned().unwrap_or_default()
                    ),
                    _ => format!("{}({})", f.name().to_ascii_lowercase(), args.join(",")),
                }
            }
            Expr::Arith(op, a, b, _) => bin(self, a, op.symbol(), b),
            Expr::Neg(a) => format!("-({})", self.expr(a, names)),
            Expr::Cmp(op, _, a, b) => bin(self, a, op.sql(), b),
            Expr::Not(a) => format!("(not({}))", self.expr(a, names)),
            Expr::And(a, b) => bin(self, a, "and", b),
            Expr::Or(a, b) => bin(self, a, "or", b),
            Expr::Xor(a, b) => bin(self, a, "xor", b),
            Expr::IsNull(a, negated) => {
                let not = if *negated { " not" } else { "" };
                format!("({} is{not} null)", self.expr(a, names))
            }
            Expr::IsBool(a, value, negated) => {
                let not = if *negated { " not" } else { "" };
                let v = if *value { "true" } else { "false" };
                format!("({} is{not} {v})", self.expr(a, names))
            }
            Expr::Like {
                expr,
                pattern,
                negated,
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                format!(
                    "({} {not}like {})",
                    self.expr(expr, names),
                    self.expr(pattern, names)
                )
            }
            Expr::InList {
                expr,
                list,
                negated,
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                let items: Vec<String> = list.iter().map(|x| self.expr(x, names)).collect();
                format!("({} {not}in ({}))", self.expr(expr, names), items.join(","))
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                format!(
                    "({} {not}between {} and {})",
                    self.expr(expr, names),
                    self.expr(low, names),
                    self.expr(high, names)
                )
            }
            Expr::Case {
                operand,
                whens,
                else_,
                ..
            } => {
                let mut s = "(case".to_string();
                if let Some(o) = operand {
                    s.push(' ');
                    s.push_str(&self.expr(o, names));
                }
                for (w, t) in whens {
                    let (w, t) = (self.expr(w, names), self.expr(t, names));
                    s.push_str(&format!(" when {w} then {t}"));
                }
                if let Some(x) = else_ {
                    s.push_str(&format!(" else {}", self.expr(x, names)));
                }
                s.push_str(" end)");
                s
            }
            Expr::If(c, a, b, _) => format!(
                "if({},{},{})",
                self.expr(c, names),
                self.expr(a, names),
                self.expr(b, names)
            ),
            Expr::Coalesce(args, _) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a, names)).collect();
                format!("coalesce({})", args.join(","))
            }
            Expr::NullIf(a, b, _) => {
                format!("nullif({},{})", self.expr(a, names), self.expr(b, names))
            }
            Expr::Bit(op, a, b) => {
                let op = match op {
                    BitOp::And => "&",
                    BitOp::Or => "|",
                    BitOp::Xor => "^",
                    BitOp::Shl => "<<",
                    BitOp::Shr => ">>",
                };
                bin(self, a, op, b)
            }
            Expr::BitNot(a) => format!("~({})", self.expr(a, names)),
            Expr::Cast(a, to) => format!("cast({} as {})", self.expr(a, names), cast_name(to)),
            Expr::Subquery(s) => {
                let n = self.subquery_number(s);
                match &s.kind {
                    SubqueryKind::Scalar => format!("(select #{n})"),
                    SubqueryKind::Exists => format!("exists(select #{n})"),
                    SubqueryKind::In { expr, .. } => {
                        format!("({} in (select #{n}))", self.expr(expr, names))
                    }
                    SubqueryKind::Quantified { expr, op, all, .. } => {
                        let q = if *all { "all" } else { "any" };
                        format!(
                            "({} {} {q} (select #{n}))",
                            self.expr(expr, names),
                            op.sql()
                        )
                    }
                }
            }
            Expr::Agg(k) => format!("<aggregate {k}>"),
            Expr::Window(k) => format!("<window function {k}>"),
            Expr::UserVar(v) => format!("@{v}"),
            Expr::Stored(call, args) => {
                let args: Vec<String> = args.iter().map(|a| self.expr(a, names)).collect();
                format!("`{}`.`{}`({})", call.schema, call.def.name, args.join(","))
            }
            Expr::SetUserVar(v, a) => format!("(@{v} := {})", self.expr(a, names)),
            Expr::SysVar(global, name) => {
                if *global {
                    format!("@@GLOBAL.{name}")
                } else {
                    format!("@@{name}")
                }
            }
            Expr::Session(v) => match v {
                SessionValue::WarningCount => "@@warning_count".into(),
                SessionValue::ErrorCount => "@@error_count".into(),
                SessionValue::Identity => "last_insert_id()".into(),
            },
        }
    }

    fn agg(&mut self, a: &AggCall, names: &[String]) -> String {
        let name = match a.func {
            AggFunc::CountStar => return "count(0)".into(),
            AggFunc::Count => "count",
            AggFunc::Sum => "sum",
            AggFunc::Avg => "avg",
            AggFunc::Min => "min",
            AggFunc::Max => "max",
            AggFunc::GroupConcat => "group_concat",
            AggFunc::BitAnd => "bit_and",
            AggFunc::BitOr => "bit_or",
            AggFunc::BitXor => "bit_xor",
            AggFunc::Std => "std",
            AggFunc::StdSamp => "stddev_samp",
            AggFunc::Variance => "variance",
            AggFunc::VarSamp => "var_samp",
            AggFunc::AnyValue => "any_value",
            AggFunc::JsonArrayAgg => "json_arrayagg",
            AggFunc::JsonObjectAgg => "json_objectagg",
            AggFunc::Grouping => "grouping",
        };
        let args: Vec<String> = a.args.iter().map(|x| self.expr(x, names)).collect();
        let distinct = if a.distinct { "distinct " } else { "" };
        format!("{name}({distinct}{})", args.join(","))
    }

    /// A window function call as MySQL prints it: `row_number() OVER (...)`, `sum(t.a) OVER w`.
    fn window_call(&mut self, c: &WindowCall, names: &[String]) -> String {
        let mut args: Vec<String> = c.args.iter().map(|x| self.expr(x, names)).collect();
        if c.func == WindowFunc::Agg(AggFunc::CountStar) {
            args = vec!["0".into()];
        }
        format!(
            "{}({}) OVER (#{})",
            c.func.name(),
            args.join(","),
            c.window + 1
        )
    }

    fn sort_keys(&mut self, keys: &[SortKey], names: &[String]) -> String {
        keys.iter()
            .map(|k| {
                let e = self.expr(&k.expr, names);
                if k.desc { format!("{e} DESC") } else { e }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    // -----------------------------------------------------------------------------------------
    // Index accesses

    fn lookup<'t>(def: &'t TableDef, access: &'t Access) -> Option<Lookup<'t>> {
        let (index, ranges) = match access {
            Access::Full => return None,
            Access::Primary(r) => (def.primary()?, r),
            Access::Index(i, r) => (def.indexes.get(*i)?, r),
        };
        // The optimizer builds one range; more would print as a range scan over the first.
        let range = ranges.first()?;
        Some(Lookup { index, range })
    }

    /// The conjuncts of a scan's filter that its index access does not already guarantee.
    fn residual<'e>(
        &mut self,
        def: &TableDef,
        access: &Access,
        filter: Option<&'e Expr>,
    ) -> Vec<&'e Expr> {
        let mut conj = Vec::new();
        if let Some(f) = filter {
            split_and(f, &mut conj);
        }
        let Some(l) = Self::lookup(def, access) else {
            return conj;
        };
        conj.into_iter().filter(|c| !self.served(c, &l)).collect()
    }

    /// True when the index lookup of `l` guarantees conjunct `c`: it is an equality the
    /// optimizer turned into a key part. Range conditions stay (MySQL shows them as a Filter
    /// over the range scan, "Using where").
    fn served(&mut self, c: &Expr, l: &Lookup<'_>) -> bool {
        let Expr::Cmp(CmpOp::Eq, _, a, b) = c else {
            return false;
        };
        let (col, other) = match (&**a, &**b) {
            (Expr::Column(x), o) if o.is_row_independent() => (*x, o),
            (o, Expr::Column(x)) if o.is_row_independent() => (*x, o),
            _ => return false,
        };
        l.index
            .parts
            .iter()
            .position(|p| p.column == col)
            .and_then(|pos| l.range.eq.get(pos))
            .is_some_and(|v| self.same(v, other))
    }

    fn same(&mut self, a: &Expr, b: &Expr) -> bool {
        self.expr(a, &[]) == self.expr(b, &[])
    }

    /// MySQL's join type of an index access, and whether it reads one row.
    fn join_type(l: &Lookup<'_>) -> (&'static str, bool) {
        let r = l.range;
        let correlated =
            r.eq.iter()
                .chain(r.lower.iter().map(|(v, _)| v))
                .chain(r.upper.iter().map(|(v, _)| v))
                .any(reads_register);
        if r.lower.is_some() || r.upper.is_some() {
            return ("range", false);
        }
        let unique = (l.index.unique || l.index.primary) && r.eq.len() == l.index.parts.len();
        match (unique, correlated) {
            (true, false) => ("const", true),
            (true, true) => ("eq_ref", true),
            (false, _) => ("ref", false),
        }
    }

    fn access_rows(&self, def: &TableDef, access: &Access) -> f64 {
        let n = (self.rows_of)(def) as f64;
        match Self::lookup(def, access) {
            None => n,
            Some(l) => {
                let r = l.range;
                match Self::join_type(&l) {
                    (_, true) => 1.0,
                    ("ref", _) => (n / 10.0).ceil().max(1.0),
                    _ if r.lower.is_some() && r.upper.is_some() => (n / 9.0).ceil().max(1.0),
                    _ => (n / 3.0).ceil().max(1.0),
                }
            }
        }
    }

    /// The tree line of a scan's access (without its filter).
    fn access_text(&mut self, table: &super::TableRef, access: &Access, reverse: bool) -> String {
        let alias = &table.alias;
        let def = &table.def;
        let rev = if reverse { " (reverse)" } else { "" };
        let Some(l) = Self::lookup(def, access) else {
            return if reverse {
                let key = def.primary().map_or("PRIMARY", |i| i.name.as_str());
                format!("Index scan on {alias} using {key}{rev}")
            } else {
                format!("Table scan on {alias}")
            };
        };
        let col = |pos: usize| {
            l.index
                .parts
                .get(pos)
                .and_then(|p| def.columns.get(p.column))
                .map_or("?", |c| c.name.as_str())
        };
        let r = l.range;
        let key = &l.index.name;
        let eqs: Vec<(String, String)> =
            r.eq.iter()
                .enumerate()
                .map(|(i, v)| (col(i).to_string(), self.expr(v, &[])))
                .collect();
        if r.lower.is_none() && r.upper.is_none() {
            let cond: Vec<String> = eqs.iter().map(|(c, v)| format!("{c}={v}")).collect();
            let what = if Self::join_type(&l).1 {
                "Single-row index lookup"
            } else {
                "Index lookup"
            };
            return format!("{what} on {alias} using {key} ({}){rev}", cond.join(", "));
        }
        let mut parts: Vec<String> = eqs.iter().map(|(c, v)| format!("{c} = {v}")).collect();
        let c = col(r.eq.len());
        let lower = r.lower.as_ref().map(|(v, inc)| {
            let op = if *inc { "<=" } else { "<" };
            format!("{} {op} ", self.expr(v, &[]))
        });
        let upper = r.upper.as_ref().map(|(v, inc)| {
            let op = if *inc { "<=" } else { "<" };
            format!(" {op} {}", self.expr(v, &[]))
        });
        parts.push(format!(
            "{}{c}{}",
            lower.unwrap_or_default(),
            upper.unwrap_or_default()
        ));
        format!(
            "Index range scan on {alias} using {key} over ({}){rev}",
            parts.join(" AND ")
        )
    }

    // -----------------------------------------------------------------------------------------
    // Tree format

    /// Prints `node` at `depth`; returns its estimate.
    fn walk(&mut self, node: &Node, depth: usize, out: &mut Vec<String>) -> Est {
        let at = out.len();
        out.push(String::new());
        let (text, est) = match node {
            Node::Values { rows, width } => {
                self.subqueries_of(rows.iter().flatten(), &[], depth + 1, "projection", out);
                let text = if rows.len() == 1 && *width == 0 {
                    // MySQL's exact line for a FROM-less SELECT.
                    out[at] = line(
                        depth,
                        "Rows fetched before execution  (cost=0..0 rows=1)".into(),
                        None,
                    );
                    return Est {
                        rows: 1.0,
                        cost: 0.0,
                    };
                } else {
                    "Rows fetched before execution".to_string()
                };
                (
                    text,
                    Est {
                        rows: rows.len() as f64,
                        cost: 0.0,
                    },
                )
            }
            Node::Scan {
                table,
                access,
                reverse,
                filter,
                ..
            } => {
                let rows = self.access_rows(&table.def, access);
                let scan = Est {
                    rows,
                    cost: 0.25 + 0.1 * rows,
                };
                let how = self.access_text(table, access, *reverse);
                let residual = self.residual(&table.def, access, filter.as_ref());
                if residual.is_empty() {
                    self.subqueries_of(key_values(access), &[], depth + 1, "condition", out);
                    (how, scan)
                } else {
                    let names = self.names(node);
                    let cond = and_text(self, &residual, &names);
                    out.push(line(depth + 1, how, Some(scan)));
                    self.subqueries_of(key_values(access), &[], depth + 2, "condition", out);
                    self.subqueries_of(
                        residual.iter().copied(),
                        &names,
                        depth + 1,
                        "condition",
                        out,
                    );
                    (
                        format!("Filter: {cond}"),
                        Est {
                            rows: scan.rows * selectivity(&residual),
                            cost: scan.cost,
                        },
                    )
                }
            }
            Node::Virtual { table, .. } => {
                out[at] = line(depth, format!("Table scan on {}", table.name()), None);
                return Est {
                    rows: 10.0,
                    cost: 1.25,
                };
            }
            Node::Filter { input, predicate } => {
                let names = self.names(input);
                let cond = self.expr(predicate, &names);
                let inner = self.walk(input, depth + 1, out);
                self.subqueries_of([predicate], &names, depth + 1, "condition", out);
                let mut conj = Vec::new();
                split_and(predicate, &mut conj);
                (
                    format!("Filter: {cond}"),
                    Est {
                        rows: inner.rows * selectivity(&conj),
                        cost: inner.cost,
                    },
                )
            }
            Node::Project { input, exprs } => {
                // Projections are not iterators of their own in MySQL's tree.
                out.pop();
                let names = self.names(input);
                let est = self.walk(input, depth, out);
                self.subqueries_of(exprs.iter(), &names, depth, "projection", out);
                return est;
            }
            Node::With { ctes, input } => {
                out.pop();
                for c in ctes {
                    self.cte_defs.insert(c.id, c.clone());
                }
                return self.walk(input, depth, out);
            }
            Node::Join {
                left,
                right,
                kind,
                on,
                params,
                ..
            } => {
                let l = self.walk(left, depth + 1, out);
                let lnames = self.names(left);
                let saved = self.regs.clone();
                for (reg, e) in params {
                    let text = self.expr(e, &lnames);
                    self.regs.insert(*reg, text);
                }
                let r = match on {
                    Some(on) => {
                        let mut names = lnames.clone();
                        names.extend(self.names(right));
                        let cond = self.expr(on, &names);
                        let fat = out.len();
                        out.push(String::new());
                        let r = self.walk(right, depth + 2, out);
                        self.subqueries_of([on], &names, depth + 2, "condition", out);
                        let mut conj = Vec::new();
                        split_and(on, &mut conj);
                        let est = Est {
                            rows: r.rows * selectivity(&conj),
                            cost: r.cost,
                        };
                        out[fat] = line(depth + 1, format!("Filter: {cond}"), Some(est));
                        est
                    }
                    None => self.walk(right, depth + 1, out),
                };
                self.regs = saved;
                let name = match kind {
                    JoinKind::Inner => "Nested loop inner join",
                    JoinKind::Left => "Nested loop left join",
                    JoinKind::Semi => "Nested loop semijoin",
                    JoinKind::Anti => "Nested loop antijoin",
                };
                let rows = match kind {
                    JoinKind::Inner => l.rows * r.rows,
                    JoinKind::Left => l.rows * r.rows.max(1.0),
                    JoinKind::Semi | JoinKind::Anti => l.rows,
                };
                (
                    name.to_string(),
                    Est {
                        rows,
                        cost: l.cost + l.rows * r.cost,
                    },
                )
            }
            Node::HashJoin {
                left,
                right,
                kind,
                left_keys,
                right_keys,
                on,
                ..
            } => {
                let lnames = self.names(left);
                let rnames = self.names(right);
                let mut conds = Vec::new();
                for (a, b) in left_keys.iter().zip(right_keys) {
                    let (a, b) = (self.expr(a, &lnames), self.expr(b, &rnames));
                    conds.push(format!("{a} = {b}"));
                }
                let mut all = lnames.clone();
                all.extend(rnames);
                let mut text = match kind {
                    JoinKind::Inner => "Inner hash join",
                    JoinKind::Left => "Left hash join",
                    JoinKind::Semi => "Hash semijoin",
                    JoinKind::Anti => "Hash antijoin",
                }
                .to_string();
                text.push_str(&format!(" ({})", conds.join(", ")));
                if let Some(on) = on {
                    text.push_str(&format!(", extra conditions: {}", self.expr(on, &all)));
                }
                let l = self.walk(left, depth + 1, out);
                out.push(line(depth + 1, "Hash".into(), None));
                let r = self.walk(right, depth + 2, out);
                if let Some(on) = on {
                    self.subqueries_of([on], &all, depth + 1, "condition", out);
                }
                let rows = match kind {
                    JoinKind::Inner => l.rows * r.rows * 0.1,
                    JoinKind::Left => (l.rows * r.rows * 0.1).max(l.rows),
                    JoinKind::Semi | JoinKind::Anti => l.rows,
                };
                (
                    text,
                    Est {
                        rows,
                        cost: l.cost + r.cost + 0.1 * (l.rows + r.rows),
                    },
                )
            }
            Node::Aggregate {
                input,
                group,
                aggs,
                rollup,
                ..
            } => {
                let names = self.names(input);
                let list: Vec<String> = aggs.iter().map(|a| self.agg(a, &names)).collect();
                if group.is_empty() {
                    let inner = self.walk(input, depth + 1, out);
                    (
                        format!("Aggregate: {}", list.join(", ")),
                        Est {
                            rows: 1.0,
                            cost: inner.cost + 0.1 * inner.rows,
                        },
                    )
                } else if *rollup {
                    let inner = self.walk(input, depth + 1, out);
                    let text = if list.is_empty() {
                        "Group (no aggregates) with rollup".to_string()
                    } else {
                        format!("Group aggregate with rollup: {}", list.join(", "))
                    };
                    (text, inner)
                } else {
                    let what = if list.is_empty() {
                        "Temporary table with deduplication".to_string()
                    } else {
                        "Aggregate using temporary table".to_string()
                    };
                    out.push(line(depth + 1, what, None));
                    let inner = self.walk(input, depth + 2, out);
                    let est = Est {
                        rows: inner.rows,
                        cost: inner.cost + 0.1 * inner.rows * 2.0,
                    };
                    ("Table scan on <temporary>".into(), est)
                }
            }
            Node::Window {
                input,
                windows,
                calls,
            } => {
                // MySQL 8.4 prints one line per window, the sort under it.
                let names = self.names(input);
                let list: Vec<String> = calls.iter().map(|c| self.window_call(c, &names)).collect();
                let multi = calls
                    .iter()
                    .any(|c| c.func.uses_frame() && !matches!(c.func, WindowFunc::Agg(_)))
                    || windows.iter().any(|w| w.frame.is_some());
                let keys: Vec<SortKey> = windows
                    .iter()
                    .flat_map(|w| w.partition.iter().chain(&w.order).cloned())
                    .collect();
                let mut d = depth + 1;
                if !keys.is_empty() {
                    let keys = self.sort_keys(&keys, &names);
                    out.push(line(d, format!("Sort: {keys}"), None));
                    d += 1;
                }
                let inner = self.walk(input, d, out);
                let what = if multi {
                    "Window multi-pass aggregate with buffering"
                } else {
                    "Window aggregate"
                };
                (
                    format!("{what}: {}", list.join(", ")),
                    Est {
                        rows: inner.rows,
                        cost: inner.cost + 0.1 * inner.rows,
                    },
                )
            }
            Node::Sort { input, keys } => {
                let names = self.names(input);
                let keys = self.sort_keys(keys, &names);
                let inner = self.walk(input, depth + 1, out);
                (
                    format!("Sort: {keys}"),
                    Est {
                        rows: inner.rows,
                        cost: inner.cost + 0.1 * inner.rows,
                    },
                )
            }
            Node::Limit {
                input,
                limit,
                offset,
                ..
            } => {
                let n = limit.as_ref().map(|e| self.expr(e, &[]));
                let o = offset.as_ref().map(|e| self.expr(e, &[]));
                let inner = self.walk(input, depth + 1, out);
                let text = match (&n, &o) {
                    (Some(n), None) => format!("Limit: {n} row(s)"),
                    (n, Some(o)) => format!(
                        "Limit/Offset: {}/{o} row(s)",
                        n.as_deref().unwrap_or("18446744073709551615")
                    ),
                    (None, None) => "Limit: 18446744073709551615 row(s)".into(),
                };
                let cap = limit
                    .as_ref()
                    .and_then(|e| match e {
                        Expr::Const(v) => v.to_text(),
                        _ => None,
                    })
                    .and_then(|b| String::from_utf8_lossy(&b).parse::<f64>().ok())
                    .unwrap_or(f64::INFINITY);
                (
                    text,
                    Est {
                        rows: inner.rows.min(cap),
                        cost: inner.cost,
                    },
                )
            }
            Node::Distinct { input, .. } => {
                out.push(line(
                    depth + 1,
                    "Temporary table with deduplication".into(),
                    None,
                ));
                let inner = self.walk(input, depth + 2, out);
                ("Table scan on <temporary>".into(), inner)
            }
            Node::SetOp { op, all, .. } => {
                let mut parts = Vec::new();
                flatten_setop(node, *op, *all, &mut parts);
                let mut est = Est {
                    rows: 0.0,
                    cost: 0.0,
                };
                let kind = match op {
                    SetOpKind::Union => "union",
                    SetOpKind::Intersect => "intersect",
                    SetOpKind::Except => "except",
                };
                if *all && *op == SetOpKind::Union {
                    for p in parts {
                        let sat = out.len();
                        out.push(String::new());
                        let e = self.walk(p, depth + 2, out);
                        out[sat] = line(depth + 1, "Stream results".into(), Some(e));
                        est.rows += e.rows;
                        est.cost += e.cost;
                    }
                    ("Append".into(), est)
                } else {
                    let mat = out.len();
                    out.push(String::new());
                    for p in parts {
                        let e = self.walk(p, depth + 2, out);
                        est.rows += e.rows;
                        est.cost += e.cost;
                    }
                    let what = if *all {
                        format!("{} all materialize", capitalize(kind))
                    } else {
                        format!("{} materialize with deduplication", capitalize(kind))
                    };
                    out[mat] = line(depth + 1, what, Some(est));
                    (format!("Table scan on <{kind} temporary>"), est)
                }
            }
            Node::CteRef { id, .. } => {
                let n = self.cte_number(*id);
                let name = format!("<derived{n}>");
                let mut est = Est {
                    rows: 1.0,
                    cost: 0.25,
                };
                if self.printed.insert(*id) {
                    if let Some(def) = self.cte_defs.get(id).cloned() {
                        let mat = out.len();
                        out.push(String::new());
                        let what = match &def.recursive {
                            None => {
                                est = self.walk(&def.anchor, depth + 2, out);
                                format!("Materialize CTE {name}")
                            }
                            Some((rec, _)) => {
                                let a = self.walk(&def.anchor, depth + 2, out);
                                let rat = out.len();
                                out.push(String::new());
                                let r = self.walk(rec, depth + 3, out);
                                out[rat] = line(depth + 2, "Repeat until convergence".into(), None);
                                est = Est {
                                    rows: a.rows + r.rows,
                                    cost: a.cost + r.cost,
                                };
                                format!("Materialize recursive CTE {name}")
                            }
                        };
                        out[mat] = line(depth + 1, what, Some(est));
                    }
                } else {
                    out.push(line(
                        depth + 1,
                        format!("Materialize CTE {name} if needed (query plan printed elsewhere)"),
                        None,
                    ));
                }
                (format!("Table scan on {name}"), est)
            }
            Node::RecursiveRef { id, .. } => {
                let n = self.cte_number(*id);
                (
                    format!("Scan new records on <derived{n}>"),
                    Est {
                        rows: 1.0,
                        cost: 0.25,
                    },
                )
            }
        };
        out[at] = line(depth, text, Some(est));
        est
    }

    /// Prints the subqueries of `exprs` (over rows named `names`) as `Select #n` children.
    fn subqueries_of<'e>(
        &mut self,
        exprs: impl IntoIterator<Item = &'e Expr>,
        names: &[String],
        depth: usize,
        place: &str,
        out: &mut Vec<String>,
    ) {
        let mut subs = Vec::new();
        for e in exprs {
            collect_subqueries(e, &mut subs);
        }
        for s in subs {
            let n = self.subquery_number(&s);
            if !self.shown.insert(n) {
                continue;
            }
            let how = if s.binds.is_empty() {
                "run only once"
            } else {
                "dependent"
            };
            out.push(line(
                depth,
                format!("Select #{n} (subquery in {place}; {how})"),
                None,
            ));
            let saved = self.regs.clone();
            for (reg, e) in &s.binds {
                let text = self.expr(e, names);
                self.regs.insert(*reg, text);
            }
            self.walk(&s.plan.root, depth + 1, out);
            self.regs = saved;
        }
    }

    // -----------------------------------------------------------------------------------------
    // Traditional format

    /// Appends the rows of one select (query block) numbered `id`.
    fn select(&mut self, node: &Node, id: u64, select_type: &str, rows: &mut Vec<TradRow>) {
        if let Node::With { ctes, input } = node {
            for c in ctes {
                self.cte_defs.insert(c.id, c.clone());
            }
            return self.select(input, id, select_type, rows);
        }
        if let Some(SetInfo { op, all, parts }) = find_setop(node) {
            self.union_seen = true;
            let (member, what) = match op {
                SetOpKind::Union => ("UNION", "union"),
                SetOpKind::Intersect => ("INTERSECT", "intersect"),
                SetOpKind::Except => ("EXCEPT", "except"),
            };
            let mut ids = Vec::new();
            for (i, p) in parts.into_iter().enumerate() {
                let n = if i == 0 { id } else { self.next_number() };
                let st = if i == 0 {
                    if select_type == "SIMPLE" {
                        "PRIMARY"
                    } else {
                        select_type
                    }
                } else {
                    member
                };
                self.select(p, n, st, rows);
                ids.push(n);
            }
            if !(all && op == SetOpKind::Union) {
                rows.push(result_row(&format!("{member} RESULT"), what, &ids));
            }
            return;
        }
        let mut block = Block::default();
        self.collect(node, &mut block);
        let mut mine = block.rows;
        if mine.is_empty() {
            mine.push(TradRow {
                extra: vec!["No tables used".into()],
                ..TradRow::default()
            });
        }
        if let Some(first) = mine.first_mut() {
            if block.temporary {
                add_extra(first, "Using temporary");
            }
            if block.filesort {
                add_extra(first, "Using filesort");
            }
        }
        for mut r in mine {
            r.id = Some(id);
            r.select_type = select_type.to_string();
            rows.push(r);
        }
    }

    fn queue_subqueries<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>) {
        let mut subs = Vec::new();
        for e in exprs {
            collect_subqueries(e, &mut subs);
        }
        for s in subs {
            let n = self.subquery_number(&s);
            if self.queued.insert(n) {
                let kind = if s.binds.is_empty() {
                    "SUBQUERY"
                } else {
                    "DEPENDENT SUBQUERY"
                };
                self.pending
                    .push_back(Pending::Subquery(s.plan.clone(), n, kind));
            }
        }
    }

    /// Collects the table accesses of one query block, in join order.
    fn collect(&mut self, node: &Node, b: &mut Block) {
        match node {
            Node::Values { rows, .. } => self.queue_subqueries(rows.iter().flatten()),
            Node::Scan {
                table,
                access,
                reverse,
                filter,
                ..
            } => {
                let def = &table.def;
                let residual = self.residual(def, access, filter.as_ref());
                self.queue_subqueries(key_values(access));
                self.queue_subqueries(residual.iter().copied());
                let mut r = TradRow {
                    table: Some(table.alias.clone()),
                    rows: Some(self.access_rows(def, access) as u64),
                    filtered: Some(100.0),
                    possible_keys: possible_keys(def, filter.as_ref(), access),
                    ..TradRow::default()
                };
                match Self::lookup(def, access) {
                    None => {
                        r.access = Some(if *reverse { "index" } else { "ALL" });
                        if *reverse {
                            r.key = def.primary().map(|i| i.name.clone());
                            r.key_len = def.primary().map(|i| key_len(def, i, i.parts.len()));
                        }
                    }
                    Some(l) => {
                        let (ty, _) = Self::join_type(&l);
                        r.access = Some(ty);
                        r.key = Some(l.index.name.clone());
                        let used = l.range.eq.len()
                            + usize::from(l.range.lower.is_some() || l.range.upper.is_some());
                        r.key_len = Some(key_len(def, l.index, used));
                        if ty != "range" {
                            let refs: Vec<&str> = l
                                .range
                                .eq
                                .iter()
                                .map(|v| match v {
                                    Expr::Const(_) | Expr::Param(_) => "const",
                                    v if v.is_row_independent() => "const",
                                    _ => "func",
                                })
                                .collect();
                            r.reference = Some(refs.join(","));
                        }
                    }
                }
                if !residual.is_empty() {
                    r.extra.push("Using where".into());
                }
                b.rows.push(r);
            }
            Node::Virtual { table, .. } => b.rows.push(TradRow {
                table: Some(table.name().to_string()),
                access: Some("ALL"),
                filtered: Some(100.0),
                ..TradRow::default()
            }),
            Node::Filter { input, predicate } => {
                let start = b.rows.len();
                self.collect(input, b);
                self.queue_subqueries([predicate]);
                if b.rows.len() > start
                    && let Some(last) = b.rows.last_mut()
                {
                    add_extra(last, "Using where");
                }
            }
            Node::Project { input, exprs } => {
                self.collect(input, b);
                self.queue_subqueries(exprs);
            }
            Node::With { ctes, input } => {
                for c in ctes {
                    self.cte_defs.insert(c.id, c.clone());
                }
                self.collect(input, b);
            }
            Node::Join {
                left,
                right,
                kind,
                on,
                ..
            } => {
                self.collect(left, b);
                let mid = b.rows.len();
                self.collect(right, b);
                self.join_marks(b, mid, *kind, on.is_some(), false);
                self.queue_subqueries(on);
            }
            Node::HashJoin {
                left,
                right,
                kind,
                on,
                ..
            } => {
                self.collect(left, b);
                let mid = b.rows.len();
                self.collect(right, b);
                self.join_marks(b, mid, *kind, true, true);
                self.queue_subqueries(on);
            }
            Node::Aggregate {
                input, group, aggs, ..
            } => {
                if !group.is_empty() {
                    b.temporary = true;
                }
                self.collect(input, b);
                self.queue_subqueries(group.iter().chain(aggs.iter().flat_map(|a| &a.args)));
            }
            Node::Sort { input, keys } => {
                b.filesort = true;
                self.collect(input, b);
                self.queue_subqueries(keys.iter().map(|k| &k.expr));
            }
            Node::Limit { input, .. } => self.collect(input, b),
            Node::Window {
                input,
                windows,
                calls,
            } => {
                b.temporary = true;
                if windows
                    .iter()
                    .any(|w| !w.partition.is_empty() || !w.order.is_empty())
                {
                    b.filesort = true;
                }
                self.collect(input, b);
                self.queue_subqueries(calls.iter().flat_map(|c| &c.args));
            }
            Node::Distinct { input, .. } => {
                b.temporary = true;
                self.collect(input, b);
            }
            Node::SetOp { .. } => {
                // A union inside a FROM clause: a derived table of its own.
                let n = self.next_number();
                b.rows.push(TradRow {
                    table: Some(format!("<derived{n}>")),
                    access: Some("ALL"),
                    filtered: Some(100.0),
                    ..TradRow::default()
                });
                self.pending
                    .push_back(Pending::Derived(Box::new(node.clone()), n));
            }
            Node::CteRef { id, .. } => {
                let n = self.cte_number(*id);
                b.rows.push(TradRow {
                    table: Some(format!("<derived{n}>")),
                    access: Some("ALL"),
                    filtered: Some(100.0),
                    ..TradRow::default()
                });
                if self.queued.insert(n)
                    && let Some(def) = self.cte_defs.get(id).cloned()
                {
                    self.pending.push_back(Pending::Cte(Box::new(def), n));
                }
            }
            Node::RecursiveRef { id, .. } => {
                let n = self.cte_number(*id);
                b.rows.push(TradRow {
                    table: Some(format!("<derived{n}>")),
                    access: Some("ALL"),
                    filtered: Some(100.0),
                    extra: vec!["Recursive".into()],
                    ..TradRow::default()
                });
            }
        }
    }

    /// Extra notes on the rows of a join's inner side (`b.rows[mid..]`).
    fn join_marks(&mut self, b: &mut Block, mid: usize, kind: JoinKind, cond: bool, hash: bool) {
        let first = b
            .rows
            .first()
            .and_then(|r| r.table.clone())
            .unwrap_or_default();
        let end = b.rows.len();
        if end == mid {
            return;
        }
        if cond && let Some(last) = b.rows.last_mut() {
            add_extra(last, "Using where");
        }
        for r in &mut b.rows[mid..end] {
            match kind {
                JoinKind::Semi => add_extra(r, &format!("FirstMatch({first})")),
                JoinKind::Anti => add_extra(r, "Not exists"),
                _ => {}
            }
            if hash {
                add_extra(r, "Using join buffer (hash join)");
            }
        }
    }
}

/// The table accesses of one query block and what its other iterators need.
#[derive(Default)]
struct Block {
    rows: Vec<TradRow>,
    temporary: bool,
    filesort: bool,
}

struct SetInfo<'a> {
    op: SetOpKind,
    all: bool,
    parts: Vec<&'a Node>,
}

/// The set operation a query block is made of, under its ORDER BY / LIMIT / projection.
fn find_setop(node: &Node) -> Option<SetInfo<'_>> {
    match node {
        Node::Project { input, .. } | Node::Sort { input, .. } | Node::Limit { input, .. } => {
            find_setop(input)
        }
        Node::SetOp { op, all, .. } => {
            let mut parts = Vec::new();
            flatten_setop(node, *op, *all, &mut parts);
            Some(SetInfo {
                op: *op,
                all: *all,
                parts,
            })
        }
        _ => None,
    }
}

/// The members of a chain of the same set operation (`a UNION b UNION c`).
fn flatten_setop<'a>(node: &'a Node, op: SetOpKind, all: bool, out: &mut Vec<&'a Node>) {
    match node {
        Node::SetOp {
            op: o,
            all: a,
            left,
            right,
            ..
        } if *o == op && *a == all => {
            flatten_setop(left, op, all, out);
            flatten_setop(right, op, all, out);
        }
        other => out.push(other),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn split_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::And(a, b) => {
            split_and(a, out);
            split_and(b, out);
        }
        other => out.push(other),
    }
}

fn and_text(cx: &mut Explainer<'_>, conj: &[&Expr], names: &[String]) -> String {
    let mut parts = conj.iter().map(|c| cx.expr(c, names));
    let first = parts.next().unwrap_or_default();
    parts.fold(first, |acc, p| format!("({acc} and {p})"))
}

/// Fraction of rows a conjunction keeps (MySQL's defaults without statistics).
fn selectivity(conj: &[&Expr]) -> f64 {
    conj.iter()
        .map(|c| match c {
            Expr::Cmp(CmpOp::Eq | CmpOp::NullSafeEq, ..) => 0.1,
            Expr::Between { .. } => 0.1111,
            _ => 0.3333,
        })
        .product()
}

/// The values an index access looks up (its key parts and range bounds).
fn key_values(access: &Access) -> Vec<&Expr> {
    let ranges = match access {
        Access::Full => return Vec::new(),
        Access::Primary(r) | Access::Index(_, r) => r,
    };
    ranges
        .iter()
        .flat_map(|r| {
            r.eq.iter()
                .chain(r.lower.iter().map(|(v, _)| v))
                .chain(r.upper.iter().map(|(v, _)| v))
        })
        .collect()
}

fn reads_register(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |x| {
        if matches!(x, Expr::Reg(_)) {
            found = true;
        }
    });
    found
}

/// The subqueries of `e` (not those nested in their plans).
fn collect_subqueries(e: &Expr, out: &mut Vec<Subquery>) {
    e.visit(&mut |x| {
        if let Expr::Subquery(s) = x {
            out.push((**s).clone());
        }
    });
}

/// A constant as EXPLAIN prints it.
fn literal(v: &Value) -> String {
    let text = v
        .to_text()
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    match (v, text) {
        (Value::Null, _) | (_, None) => "NULL".into(),
        (Value::Int(_) | Value::UInt(_) | Value::Double(_) | Value::Decimal(_), Some(t)) => t,
        (_, Some(t)) => format!("'{}'", t.replace('\\', "\\\\").replace('\'', "\\'")),
    }
}

fn cast_name(to: &CastTo) -> String {
    match to {
        CastTo::Signed => "signed".into(),
        CastTo::Unsigned => "unsigned".into(),
        CastTo::Decimal(m, d) => format!("decimal({m},{d})"),
        CastTo::Double => "double".into(),
        CastTo::Char(Some(n), _) => format!("char({n})"),
        CastTo::Char(None, _) => "char".into(),
        CastTo::Binary(Some(n)) => format!("binary({n})"),
        CastTo::Binary(None) => "binary".into(),
        CastTo::Date => "date".into(),
        CastTo::DateTime(0) => "datetime".into(),
        CastTo::DateTime(n) => format!("datetime({n})"),
        CastTo::Time(0) => "time".into(),
        CastTo::Time(n) => format!("time({n})"),
        CastTo::Year => "year".into(),
        CastTo::Encoded(cs) => format!("char charset {}", cs.name()),
    }
}

/// The indexes whose first column a conjunct of the scan's filter compares, or the chosen
/// index: MySQL's `possible_keys`.
fn possible_keys(def: &TableDef, filter: Option<&Expr>, access: &Access) -> Option<String> {
    let mut conj = Vec::new();
    if let Some(f) = filter {
        split_and(f, &mut conj);
    }
    let mut compared = HashSet::new();
    for c in conj {
        match c {
            Expr::Cmp(op, _, a, b) if *op != CmpOp::Ne => {
                for side in [a, b] {
                    if let Expr::Column(i) = &**side {
                        compared.insert(*i);
                    }
                }
            }
            Expr::Between {
                expr,
                negated: false,
                ..
            }
            | Expr::InList {
                expr,
                negated: false,
                ..
            }
            | Expr::Like {
                expr,
                negated: false,
                ..
            }
            | Expr::IsNull(expr, false) => {
                if let Expr::Column(i) = &**expr {
                    compared.insert(*i);
                }
            }
            _ => {}
        }
    }
    let chosen = match access {
        Access::Full => None,
        Access::Primary(_) => Some(0),
        Access::Index(i, _) => Some(*i),
    };
    let keys: Vec<&str> = def
        .indexes
        .iter()
        .enumerate()
        .filter(|(n, ix)| {
            Some(*n) == chosen
                || ix
                    .parts
                    .first()
                    .is_some_and(|p| compared.contains(&p.column))
        })
        .map(|(_, ix)| ix.name.as_str())
        .collect();
    (!keys.is_empty()).then(|| keys.join(","))
}

/// Bytes of the first `used` columns of an index, as MySQL's `key_len` counts them (a
/// nullable column takes one more, a variable-length one two more).
fn key_len(def: &TableDef, index: &IndexDef, used: usize) -> String {
    let mut total: u64 = 0;
    for part in index.parts.iter().take(used) {
        let Some(c) = def.columns.get(part.column) else {
            continue;
        };
        let ty = &c.ty;
        let fsp = u64::from(ty.scale.min(6)).div_ceil(2);
        let mb = u64::from(ty.collation.max_bytes_per_char());
        let chars = |n: u64| part.prefix.map_or(n, |p| u64::from(p).min(n));
        let bytes = match ty.base {
            BaseType::TinyInt | BaseType::Year => 1,
            BaseType::SmallInt => 2,
            BaseType::MediumInt | BaseType::Date => 3,
            BaseType::Int | BaseType::Float => 4,
            BaseType::BigInt | BaseType::Double => 8,
            BaseType::Decimal => decimal_bytes(ty.length, ty.scale),
            BaseType::Bit => u64::from(ty.length).div_ceil(8),
            BaseType::Time => 3 + fsp,
            BaseType::DateTime => 5 + fsp,
            BaseType::Timestamp => 4 + fsp,
            BaseType::Char => chars(u64::from(ty.length)) * mb,
            BaseType::Binary => chars(u64::from(ty.length)),
            BaseType::VarChar => chars(u64::from(ty.length)) * mb + 2,
            BaseType::VarBinary => chars(u64::from(ty.length)) + 2,
            BaseType::Enum => {
                if ty.elements.as_ref().is_some_and(|e| e.len() > 255) {
                    2
                } else {
                    1
                }
            }
            BaseType::Set => ty
                .elements
                .as_ref()
                .map_or(1, |e| (e.len() as u64).div_ceil(8).max(1)),
            _ => chars(ty.max_chars().min(255)) * mb.max(1) + 2,
        };
        total += bytes + u64::from(c.nullable);
    }
    total.to_string()
}

/// Storage bytes of DECIMAL(m,d) (9 digits in 4 bytes).
fn decimal_bytes(m: u32, d: u8) -> u64 {
    const LEFTOVER: [u64; 10] = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
    let part = |digits: u32| {
        u64::from(digits / 9) * 4 + LEFTOVER[usize::try_from(digits % 9).unwrap_or(0)]
    };
    let d = u32::from(d).min(m);
    part(m - d) + part(d)
}
