//! Query plans: typed expressions and plan nodes.
//!
//! The binder (`crate::bind`) turns sqlparser's AST into a [`Plan`]: a tree of [`Node`]s whose
//! expressions refer to columns by position in their input row, never by name, and whose output
//! columns ([`OutCol`]) carry their types. The optimizer ([`optimize`]) then rewrites that
//! logical tree into the physical one: it pushes filters down to the scans, turns conjuncts on
//! indexed columns into index lookups and ranges ([`Access`]), chooses index or hash joins, and
//! drops sorts that an index order already satisfies; [`prune`] then marks the columns each scan
//! must decode. The executor (`crate::execute`) runs it.
//!
//! Correlated values (an outer query's columns inside a subquery, the left row of an index
//! join) travel through numbered registers: the node that owns them writes the values before it
//! (re)opens the inner plan, and inner expressions read them with [`Expr::Reg`].

pub(crate) mod explain;
pub(crate) mod optimize;
pub(crate) mod prune;

use std::sync::Arc;

use crate::catalog::TableDef;
use crate::collation::Collation;
use crate::func::{ArithOp, Func};
use crate::types::SqlType;
use crate::value::Value;

/// How two values compare, decided when binding from both sides' types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CmpKind {
    /// As signed/unsigned integers.
    Int,
    /// As exact decimals.
    Decimal,
    /// As doubles.
    Real,
    /// As strings under a collation.
    String(Collation),
    /// As temporal values (strings converted to DATETIME/TIME).
    Temporal,
    /// As JSON values (MySQL's JSON comparator): both sides are JSON text, the binder having
    /// converted a non-JSON side to JSON.
    Json,
    /// Decided per value from the runtime values (parameters, user variables).
    Dynamic,
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `<=>`.
    NullSafeEq,
}

impl CmpOp {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::NullSafeEq => "<=>",
        }
    }

    /// The operator with its operands swapped (`a < b` ⇔ `b > a`).
    pub(crate) fn flip(self) -> Self {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }
}

/// Bit operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BitOp {
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

/// What a subquery expression computes.
#[derive(Clone, Debug)]
pub(crate) enum SubqueryKind {
    /// `(SELECT ...)`: one value (NULL for no row, ER 1242 for more than one).
    Scalar,
    /// `EXISTS (SELECT ...)`.
    Exists,
    /// `expr [NOT] IN (SELECT ...)`.
    In { expr: Box<Expr>, kind: CmpKind },
    /// `expr op ANY|ALL (SELECT ...)`.
    Quantified {
        expr: Box<Expr>,
        op: CmpOp,
        all: bool,
        kind: CmpKind,
    },
}

/// A subquery inside an expression.
#[derive(Clone, Debug)]
pub(crate) struct Subquery {
    pub(crate) plan: Arc<Plan>,
    pub(crate) kind: SubqueryKind,
    /// Registers written before each execution: (register, expression over the outer row).
    pub(crate) binds: Vec<(usize, Expr)>,
    /// Slot in the execution context's subquery cache.
    pub(crate) id: usize,
}

/// Result type and source text of an arithmetic node (the text is quoted by ER 1690).
#[derive(Clone, Debug)]
pub(crate) struct ArithInfo {
    pub(crate) ty: SqlType,
    pub(crate) text: std::sync::Arc<str>,
}

/// CAST targets.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CastTo {
    Signed,
    Unsigned,
    Decimal(u32, u8),
    Double,
    Char(Option<u32>, Collation),
    Binary(Option<u32>),
    Date,
    DateTime(u8),
    Time(u8),
    Year,
    /// The text's bytes in a character set other than the engine's UTF-8 (a latin1 string
    /// handed to a function that reads bytes: HEX, MD5, ORD ...); never written by a user.
    Encoded(crate::charset::Charset),
}

/// A bound, typed expression.
#[derive(Clone, Debug)]
pub(crate) enum Expr {
    /// A constant.
    Const(Value),
    /// Column `i` of the input row.
    Column(usize),
    /// A correlated value (see the module docs).
    Reg(usize),
    /// Prepared-statement parameter `i` (0-based).
    Param(usize),
    /// A scalar function.
    Func(Func, Vec<Expr>),
    /// Arithmetic; the result type decides integer/decimal/double arithmetic.
    Arith(ArithOp, Box<Expr>, Box<Expr>, Box<ArithInfo>),
    /// Unary minus.
    Neg(Box<Expr>),
    /// Comparison.
    Cmp(CmpOp, CmpKind, Box<Expr>, Box<Expr>),
    /// NOT (SQL three-valued).
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Xor(Box<Expr>, Box<Expr>),
    /// `IS [NOT] NULL`.
    IsNull(Box<Expr>, bool),
    /// `IS [NOT] TRUE|FALSE` (value, negated).
    IsBool(Box<Expr>, bool, bool),
    /// `[NOT] LIKE`.
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<char>,
        collation: Collation,
        negated: bool,
    },
    /// `[NOT] IN (list)`.
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        kind: CmpKind,
        negated: bool,
    },
    /// `[NOT] BETWEEN`.
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        kind: CmpKind,
        negated: bool,
    },
    /// CASE [operand] WHEN ... THEN ... [ELSE ...] END.
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_: Option<Box<Expr>>,
        kind: CmpKind,
        ty: SqlType,
    },
    /// IF(c, a, b).
    If(Box<Expr>, Box<Expr>, Box<Expr>, SqlType),
    /// IFNULL/COALESCE.
    Coalesce(Vec<Expr>, SqlType),
    /// NULLIF(a, b).
    NullIf(Box<Expr>, Box<Expr>, CmpKind),
    /// Bitwise operators (unsigned 64-bit).
    Bit(BitOp, Box<Expr>, Box<Expr>),
    /// `~x`.
    BitNot(Box<Expr>),
    /// CAST/CONVERT.
    Cast(Box<Expr>, CastTo),
    /// A value converted to a type's domain for comparison or storage (e.g. text to DATETIME).
    Subquery(Box<Subquery>),
    /// Aggregate `k` of the query level being bound; the binder replaces it with a column of
    /// the Aggregate node before the plan leaves the binder.
    Agg(usize),
    /// Window function call `k` of the query level being bound; the binder replaces it with a
    /// column of the [`Node::Window`] node before the plan leaves the binder.
    Window(usize),
    /// `@name`.
    UserVar(String),
    /// `@name := expr`.
    SetUserVar(String, Box<Expr>),
    /// `@@[scope.]name`: (global?, canonical name).
    SysVar(bool, &'static str),
    /// `@@warning_count`-like session counters and other values computed at run time.
    Session(SessionValue),
    /// A stored function's call, with its arguments.
    Stored(Box<StoredCall>, Vec<Expr>),
}

/// A stored function resolved by the binder (the plan is bound again after any DDL).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoredCall {
    pub(crate) schema: String,
    pub(crate) def: std::sync::Arc<crate::catalog::RoutineDef>,
}

/// Values read from the session when evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SessionValue {
    WarningCount,
    ErrorCount,
    Identity,
}

impl Expr {
    /// A boolean constant.
    pub(crate) fn bool(b: bool) -> Expr {
        Expr::Const(Value::Int(i64::from(b)))
    }

    /// True when the expression reads no column and no register (its value is fixed for one
    /// execution: constants, parameters, variables, uncorrelated subqueries).
    pub(crate) fn is_row_independent(&self) -> bool {
        let mut independent = true;
        self.visit(&mut |e| {
            if matches!(
                e,
                Expr::Column(_)
                    | Expr::Reg(_)
                    | Expr::SetUserVar(..)
                    | Expr::Window(_)
                    | Expr::Stored(..)
            ) {
                independent = false;
            }
            if let Expr::Func(f, _) = e
                && !f.is_deterministic()
            {
                independent = false;
            }
            if let Expr::Subquery(s) = e
                && !s.binds.is_empty()
            {
                independent = false;
            }
        });
        independent
    }

    /// Calls `f` on this expression and every sub-expression (not into subquery plans, but
    /// into their bind expressions).
    pub(crate) fn visit(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        self.children(&mut |c| c.visit(f));
    }

    /// Calls `f` on each direct child.
    pub(crate) fn children(&self, f: &mut impl FnMut(&Expr)) {
        match self {
            Expr::Const(_)
            | Expr::Column(_)
            | Expr::Reg(_)
            | Expr::Param(_)
            | Expr::Agg(_)
            | Expr::Window(_)
            | Expr::UserVar(_)
            | Expr::SysVar(..)
            | Expr::Session(_) => {}
            Expr::Func(_, args) | Expr::Coalesce(args, _) | Expr::Stored(_, args) => {
                args.iter().for_each(f)
            }
            Expr::Arith(_, a, b, _)
            | Expr::Cmp(_, _, a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Xor(a, b)
            | Expr::NullIf(a, b, _)
            | Expr::Bit(_, a, b) => {
                f(a);
                f(b);
            }
            Expr::Neg(a)
            | Expr::Not(a)
            | Expr::IsNull(a, _)
            | Expr::IsBool(a, _, _)
            | Expr::BitNot(a)
            | Expr::Cast(a, _)
            | Expr::SetUserVar(_, a) => f(a),
            Expr::Like { expr, pattern, .. } => {
                f(expr);
                f(pattern);
            }
            Expr::InList { expr, list, .. } => {
                f(expr);
                list.iter().for_each(f);
            }
            Expr::Between {
                expr, low, high, ..
            } => {
                f(expr);
                f(low);
                f(high);
            }
            Expr::Case {
                operand,
                whens,
                else_,
                ..
            } => {
                if let Some(o) = operand {
                    f(o);
                }
                for (w, t) in whens {
                    f(w);
                    f(t);
                }
                if let Some(e) = else_ {
                    f(e);
                }
            }
            Expr::If(c, a, b, _) => {
                f(c);
                f(a);
                f(b);
            }
            Expr::Subquery(s) => {
                for (_, e) in &s.binds {
                    f(e);
                }
                match &s.kind {
                    SubqueryKind::In { expr, .. } | SubqueryKind::Quantified { expr, .. } => {
                        f(expr)
                    }
                    _ => {}
                }
            }
        }
    }

    /// Rewrites this expression bottom-up with `f` (used to remap column positions).
    pub(crate) fn transform(self, f: &mut impl FnMut(Expr) -> Expr) -> Expr {
        let e = self.map_children(&mut |c| c.transform(f));
        f(e)
    }

    /// Applies `f` to each direct child, rebuilding the node.
    pub(crate) fn map_children(self, f: &mut impl FnMut(Expr) -> Expr) -> Expr {
        fn bxf(mut b: Box<Expr>, f: &mut impl FnMut(Expr) -> Expr) -> Box<Expr> {
            let e = std::mem::replace(&mut *b, Expr::Const(Value::Null));
            *b = f(e);
            b
        }
        macro_rules! bx {
            ($e:expr) => {
                bxf($e, f)
            };
        }
        match self {
            e @ (Expr::Const(_)
            | Expr::Column(_)
            | Expr::Reg(_)
            | Expr::Param(_)
            | Expr::Agg(_)
            | Expr::Window(_)
            | Expr::UserVar(_)
            | Expr::SysVar(..)
            | Expr::Session(_)) => e,
            Expr::Func(func, args) => Expr::Func(func, args.into_iter().map(&mut *f).collect()),
            Expr::Stored(call, args) => Expr::Stored(call, args.into_iter().map(&mut *f).collect()),
            Expr::Coalesce(args, t) => Expr::Coalesce(args.into_iter().map(&mut *f).collect(), t),
            Expr::Arith(op, a, b, info) => Expr::Arith(op, bx!(a), bx!(b), info),
            Expr::Cmp(op, k, a, b) => Expr::Cmp(op, k, bx!(a), bx!(b)),
            Expr::And(a, b) => Expr::And(bx!(a), bx!(b)),
            Expr::Or(a, b) => Expr::Or(bx!(a), bx!(b)),
            Expr::Xor(a, b) => Expr::Xor(bx!(a), bx!(b)),
            Expr::NullIf(a, b, k) => Expr::NullIf(bx!(a), bx!(b), k),
            Expr::Bit(op, a, b) => Expr::Bit(op, bx!(a), bx!(b)),
            Expr::Neg(a) => Expr::Neg(bx!(a)),
            Expr::Not(a) => Expr::Not(bx!(a)),
            Expr::IsNull(a, n) => Expr::IsNull(bx!(a), n),
            Expr::IsBool(a, v, n) => Expr::IsBool(bx!(a), v, n),
            Expr::BitNot(a) => Expr::BitNot(bx!(a)),
            Expr::Cast(a, t) => Expr::Cast(bx!(a), t),
            Expr::SetUserVar(n, a) => Expr::SetUserVar(n, bx!(a)),
            Expr::Like {
                expr,
                pattern,
                escape,
                collation,
                negated,
            } => Expr::Like {
                expr: bx!(expr),
                pattern: bx!(pattern),
                escape,
                collation,
                negated,
            },
            Expr::InList {
                expr,
                list,
                kind,
                negated,
            } => Expr::InList {
                expr: bx!(expr),
                list: list.into_iter().map(&mut *f).collect(),
                kind,
                negated,
            },
            Expr::Between {
                expr,
                low,
                high,
                kind,
                negated,
            } => Expr::Between {
                expr: bx!(expr),
                low: bx!(low),
                high: bx!(high),
                kind,
                negated,
            },
            Expr::Case {
                operand,
                whens,
                else_,
                kind,
                ty,
            } => Expr::Case {
                operand: operand.map(|o| bx!(o)),
                whens: whens.into_iter().map(|(w, t)| (f(w), f(t))).collect(),
                else_: else_.map(|o| bx!(o)),
                kind,
                ty,
            },
            Expr::If(c, a, b, t) => Expr::If(bx!(c), bx!(a), bx!(b), t),
            Expr::Subquery(mut s) => {
                s.binds = std::mem::take(&mut s.binds)
                    .into_iter()
                    .map(|(r, e)| (r, f(e)))
                    .collect();
                s.kind = match s.kind {
                    SubqueryKind::In { expr, kind } => SubqueryKind::In {
                        expr: bx!(expr),
                        kind,
                    },
                    SubqueryKind::Quantified {
                        expr,
                        op,
                        all,
                        kind,
                    } => SubqueryKind::Quantified {
                        expr: bx!(expr),
                        op,
                        all,
                        kind,
                    },
                    k => k,
                };
                Expr::Subquery(s)
            }
        }
    }

    /// Splits a conjunction into its conjuncts.
    pub(crate) fn conjuncts(self) -> Vec<Expr> {
        let mut out = Vec::new();
        fn go(e: Expr, out: &mut Vec<Expr>) {
            match e {
                Expr::And(a, b) => {
                    go(*a, out);
                    go(*b, out);
                }
                other => out.push(other),
            }
        }
        go(self, &mut out);
        out
    }

    /// Joins conjuncts with AND (None for none).
    pub(crate) fn and_all(mut parts: Vec<Expr>) -> Option<Expr> {
        let first = if parts.is_empty() {
            return None;
        } else {
            parts.remove(0)
        };
        Some(
            parts
                .into_iter()
                .fold(first, |acc, e| Expr::And(Box::new(acc), Box::new(e))),
        )
    }

    /// The highest column position read, +1 (0 when none).
    pub(crate) fn column_span(&self) -> usize {
        let mut n = 0;
        self.visit(&mut |e| {
            if let Expr::Column(i) = e {
                n = n.max(i + 1);
            }
        });
        n
    }

    /// The first window call placeholder ([`Expr::Window`]) in the expression.
    pub(crate) fn window_in(&self) -> Option<usize> {
        let mut found = None;
        self.visit(&mut |e| {
            if let Expr::Window(k) = e {
                found = found.or(Some(*k));
            }
        });
        found
    }

    /// Columns read.
    pub(crate) fn columns(&self) -> Vec<usize> {
        let mut v = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Column(i) = e {
                v.push(*i);
            }
        });
        v
    }

    /// Shifts column references by `-offset` (columns below `offset` must not occur).
    pub(crate) fn shift_columns(self, offset: usize) -> Expr {
        self.transform(&mut |e| match e {
            Expr::Column(i) => Expr::Column(i.saturating_sub(offset)),
            other => other,
        })
    }
}

/// Aggregate functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AggFunc {
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    GroupConcat,
    BitAnd,
    BitOr,
    BitXor,
    Std,
    StdSamp,
    Variance,
    VarSamp,
    AnyValue,
    /// `JSON_ARRAYAGG(value)`: its argument is already JSON text (NULL is the JSON null).
    JsonArrayAgg,
    /// `JSON_OBJECTAGG(key, value)`: a NULL key is ER 3158.
    JsonObjectAgg,
    /// `GROUPING(expr, ...)` under WITH ROLLUP: not accumulated; its value is the bit mask of
    /// which arguments ([`AggCall::grouping`]) the output row has rolled up.
    Grouping,
}

/// One aggregate computed by an [`Node::Aggregate`].
#[derive(Clone, Debug)]
pub(crate) struct AggCall {
    pub(crate) func: AggFunc,
    pub(crate) args: Vec<Expr>,
    pub(crate) distinct: bool,
    /// GROUP_CONCAT: ORDER BY keys and separator.
    pub(crate) order: Vec<SortKey>,
    pub(crate) separator: String,
    pub(crate) ty: SqlType,
    /// Comparison used by MIN/MAX and DISTINCT.
    pub(crate) kind: CmpKind,
    /// GROUPING: the GROUP BY position of each argument (the first argument is the highest
    /// bit). Empty for every other function.
    pub(crate) grouping: Vec<usize>,
}

/// A sort key.
#[derive(Clone, Debug)]
pub(crate) struct SortKey {
    pub(crate) expr: Expr,
    pub(crate) desc: bool,
    pub(crate) kind: CmpKind,
}

/// Join types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JoinKind {
    Inner,
    Left,
    /// Left semi join (EXISTS/IN rewritten): left rows with a match.
    Semi,
    /// Left anti join: left rows without a match.
    Anti,
}

/// Row locking requested by the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LockMode {
    /// Consistent read.
    None,
    /// FOR SHARE.
    Share,
    /// FOR UPDATE (and UPDATE/DELETE).
    Update,
}

/// Lock wait behaviour (NOWAIT / SKIP LOCKED).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LockWait {
    Wait,
    NoWait,
    SkipLocked,
}

/// One bound of an index range over the leading columns: values for the first columns of the
/// index (an equality prefix), then an optional range on the next column.
#[derive(Clone, Debug)]
pub(crate) struct KeyRange {
    /// Equality values for the first `eq.len()` index columns.
    pub(crate) eq: Vec<Expr>,
    /// Lower bound on the next column: (value, inclusive).
    pub(crate) lower: Option<(Expr, bool)>,
    /// Upper bound on the next column.
    pub(crate) upper: Option<(Expr, bool)>,
}

/// How a scan reads its table.
#[derive(Clone, Debug)]
pub(crate) enum Access {
    /// Every row in primary key order.
    Full,
    /// Primary key ranges (point lookups are ranges with a full equality prefix).
    Primary(Vec<KeyRange>),
    /// Secondary index ranges.
    Index(usize, Vec<KeyRange>),
}

/// A table read by a plan.
#[derive(Clone, Debug)]
pub(crate) struct TableRef {
    pub(crate) def: Arc<TableDef>,
    /// The name the query uses (alias or table name).
    pub(crate) alias: String,
    /// The columns the plan reads (None: all of them); a scan leaves the others NULL instead of
    /// decoding them. Set by [`prune::prune_columns`].
    pub(crate) decode: Option<Arc<[bool]>>,
}

/// Set operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetOpKind {
    Union,
    Intersect,
    Except,
}

/// A plan node. Each produces rows of a known width.
#[derive(Clone, Debug)]
pub(crate) enum Node {
    /// Constant rows (`SELECT 1`, `VALUES`, a FROM-less SELECT is one empty row).
    Values {
        rows: Vec<Vec<Expr>>,
        width: usize,
    },
    /// A table scan.
    Scan {
        table: TableRef,
        access: Access,
        reverse: bool,
        /// Conjuncts evaluated on each row of this table.
        filter: Option<Expr>,
        lock: LockMode,
        wait: LockWait,
    },
    /// information_schema and other rows computed when the plan runs.
    Virtual {
        table: crate::infoschema::VirtualTable,
        width: usize,
    },
    Filter {
        input: Box<Node>,
        predicate: Expr,
    },
    Project {
        input: Box<Node>,
        exprs: Vec<Expr>,
    },
    /// Nested-loop join; `on` sees the left columns then the right columns. When `params` is
    /// non-empty the right side is re-opened per left row after writing those registers from
    /// the left row (an index lookup join).
    Join {
        left: Box<Node>,
        right: Box<Node>,
        kind: JoinKind,
        on: Option<Expr>,
        params: Vec<(usize, Expr)>,
        right_width: usize,
    },
    /// Hash join on equal keys (left keys over left rows, right keys over right rows).
    HashJoin {
        left: Box<Node>,
        right: Box<Node>,
        kind: JoinKind,
        left_keys: Vec<Expr>,
        right_keys: Vec<Expr>,
        key_kinds: Vec<CmpKind>,
        on: Option<Expr>,
        right_width: usize,
    },
    /// GROUP BY: output is the group expressions then the aggregates. With `rollup` the groups
    /// come out sorted by the group expressions (NULLs first), each followed by the
    /// super-aggregate rows of the prefixes it ends (rolled-up group columns NULL), the grand
    /// total last; no input rows give no rows.
    Aggregate {
        input: Box<Node>,
        group: Vec<Expr>,
        group_kinds: Vec<CmpKind>,
        aggs: Vec<AggCall>,
        rollup: bool,
    },
    Sort {
        input: Box<Node>,
        keys: Vec<SortKey>,
    },
    Limit {
        input: Box<Node>,
        limit: Option<Expr>,
        offset: Option<Expr>,
        /// SQL_CALC_FOUND_ROWS: after the limit, keep reading (and discarding) the input to
        /// count every row, which the statement keeps for FOUND_ROWS().
        count_all: bool,
    },
    Distinct {
        input: Box<Node>,
        kinds: Vec<CmpKind>,
    },
    SetOp {
        op: SetOpKind,
        all: bool,
        left: Box<Node>,
        right: Box<Node>,
        kinds: Vec<CmpKind>,
    },
    /// A common table expression's result, computed once per execution (slot `id`).
    CteRef {
        id: usize,
        width: usize,
    },
    /// WITH: computes CTEs into slots, then runs `input`.
    With {
        ctes: Vec<CteDef>,
        input: Box<Node>,
    },
    /// Rows of a recursive CTE iteration (the previous iteration's rows).
    RecursiveRef {
        id: usize,
        width: usize,
    },
    /// Window functions: the input rows, each followed by the value of every call (in `calls`
    /// order). Each window sorts the rows by its partition and order keys; the rows come out
    /// in the order of the last window.
    Window {
        input: Box<Node>,
        windows: Vec<WindowDef>,
        calls: Vec<WindowCall>,
    },
}

/// A window function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WindowFunc {
    RowNumber,
    Rank,
    DenseRank,
    PercentRank,
    CumeDist,
    Ntile,
    Lag,
    Lead,
    FirstValue,
    LastValue,
    NthValue,
    /// An aggregate over the frame (no DISTINCT).
    Agg(AggFunc),
}

impl WindowFunc {
    /// The function's name as MySQL prints it (lower case).
    pub(crate) fn name(self) -> &'static str {
        match self {
            WindowFunc::RowNumber => "row_number",
            WindowFunc::Rank => "rank",
            WindowFunc::DenseRank => "dense_rank",
            WindowFunc::PercentRank => "percent_rank",
            WindowFunc::CumeDist => "cume_dist",
            WindowFunc::Ntile => "ntile",
            WindowFunc::Lag => "lag",
            WindowFunc::Lead => "lead",
            WindowFunc::FirstValue => "first_value",
            WindowFunc::LastValue => "last_value",
            WindowFunc::NthValue => "nth_value",
            WindowFunc::Agg(a) => match a {
                AggFunc::CountStar | AggFunc::Count => "count",
                AggFunc::Sum => "sum",
                AggFunc::Avg => "avg",
                AggFunc::Min => "min",
                AggFunc::Max => "max",
                AggFunc::BitAnd => "bit_and",
                AggFunc::BitOr => "bit_or",
                AggFunc::BitXor => "bit_xor",
                AggFunc::Std => "std",
                AggFunc::StdSamp => "stddev_samp",
                AggFunc::Variance => "variance",
                AggFunc::VarSamp => "var_samp",
                _ => "aggregate",
            },
        }
    }

    /// True for the functions that read the frame (the others see the whole partition).
    pub(crate) fn uses_frame(self) -> bool {
        matches!(
            self,
            WindowFunc::FirstValue
                | WindowFunc::LastValue
                | WindowFunc::NthValue
                | WindowFunc::Agg(_)
        )
    }
}

/// A frame's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrameUnit {
    Rows,
    Range,
}

/// One end of a frame. Offsets are constants checked when binding (non-negative; whole
/// numbers for ROWS).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FrameBound {
    UnboundedPreceding,
    Preceding(Value),
    CurrentRow,
    Following(Value),
    UnboundedFollowing,
}

/// `ROWS|RANGE BETWEEN start AND end`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Frame {
    pub(crate) unit: FrameUnit,
    pub(crate) start: FrameBound,
    pub(crate) end: FrameBound,
}

/// A window: PARTITION BY keys (ascending), ORDER BY keys, frame (None: MySQL's default,
/// RANGE UNBOUNDED PRECEDING to CURRENT ROW with ORDER BY, the whole partition without).
#[derive(Clone, Debug)]
pub(crate) struct WindowDef {
    /// The name given in the WINDOW clause, for EXPLAIN and errors.
    pub(crate) name: Option<String>,
    pub(crate) partition: Vec<SortKey>,
    pub(crate) order: Vec<SortKey>,
    pub(crate) frame: Option<Frame>,
}

/// One window function call computed by a [`Node::Window`].
#[derive(Clone, Debug)]
pub(crate) struct WindowCall {
    pub(crate) func: WindowFunc,
    /// Arguments over the input row (LAG/LEAD: value, offset, default; NTILE and NTH_VALUE:
    /// their constant second argument evaluated at run time).
    pub(crate) args: Vec<Expr>,
    /// Index into the node's `windows`.
    pub(crate) window: usize,
    pub(crate) ty: SqlType,
    /// For [`WindowFunc::Agg`]: the aggregate's accumulator description.
    pub(crate) agg: Option<AggCall>,
}

/// A WITH RECURSIVE entry, materialized into slot `id` before the query runs.
#[derive(Clone, Debug)]
pub(crate) struct CteDef {
    pub(crate) id: usize,
    pub(crate) anchor: Node,
    /// The recursive part (reads [`Node::RecursiveRef`], the previous iteration's rows) and
    /// whether the union is UNION ALL.
    pub(crate) recursive: Option<(Node, bool)>,
    pub(crate) width: usize,
}

/// A result column.
#[derive(Clone, Debug)]
pub(crate) struct OutCol {
    pub(crate) name: String,
    pub(crate) ty: SqlType,
    pub(crate) nullable: bool,
    /// (schema, table alias, original table, original column) for columns read from tables.
    pub(crate) origin: Option<ColumnOrigin>,
    /// Extra flags from the table definition (PRI_KEY ...).
    pub(crate) flags: u16,
}

/// Where a result column comes from.
#[derive(Clone, Debug)]
pub(crate) struct ColumnOrigin {
    pub(crate) schema: String,
    pub(crate) table: String,
    pub(crate) org_table: String,
    pub(crate) org_name: String,
}

/// A bound query.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) root: Node,
    pub(crate) columns: Vec<OutCol>,
    /// Registers and subquery cache slots the plan uses.
    pub(crate) registers: usize,
    pub(crate) subqueries: usize,
    pub(crate) ctes: usize,
    /// Warnings the statement text itself raises (MySQL's parser raises them), given again
    /// on every run: 1287 for SQL_CALC_FOUND_ROWS and FOUND_ROWS().
    pub(crate) warnings: Vec<(u16, String)>,
    /// Every base table the statement reads, `(schema, table)`: a cached plan checks the
    /// SELECT privilege on each again at every run (it may run for another account).
    pub(crate) reads: Vec<(String, String)>,
    /// The base-table columns it reads, `(schema, table, column)`, for accounts that may read
    /// a table through column grants only; `*` stands for a wildcard over the table.
    pub(crate) column_reads: Vec<(String, String, String)>,
}

impl Node {
    /// Calls `f` on each input node (not into subquery plans).
    pub(crate) fn for_each_input(&mut self, f: &mut impl FnMut(&mut Node)) {
        match self {
            Node::Values { .. }
            | Node::Scan { .. }
            | Node::Virtual { .. }
            | Node::CteRef { .. }
            | Node::RecursiveRef { .. } => {}
            Node::Filter { input, .. }
            | Node::Project { input, .. }
            | Node::Aggregate { input, .. }
            | Node::Sort { input, .. }
            | Node::Limit { input, .. }
            | Node::Window { input, .. }
            | Node::Distinct { input, .. } => f(input),
            Node::Join { left, right, .. }
            | Node::HashJoin { left, right, .. }
            | Node::SetOp { left, right, .. } => {
                f(left);
                f(right);
            }
            Node::With { ctes, input } => {
                for c in ctes.iter_mut() {
                    f(&mut c.anchor);
                    if let Some((r, _)) = &mut c.recursive {
                        f(r);
                    }
                }
                f(input);
            }
        }
    }

    /// Width of the rows this node produces.
    pub(crate) fn width(&self) -> usize {
        match self {
            Node::Values { width, .. }
            | Node::Virtual { width, .. }
            | Node::CteRef { width, .. }
            | Node::RecursiveRef { width, .. } => *width,
            Node::Scan { table, .. } => table.def.columns.len(),
            Node::Filter { input, .. }
            | Node::Sort { input, .. }
            | Node::Limit { input, .. }
            | Node::Distinct { input, .. }
            | Node::With { input, .. } => input.width(),
            Node::Project { exprs, .. } => exprs.len(),
            Node::Join {
                left,
                kind,
                right_width,
                ..
            }
            | Node::HashJoin {
                left,
                kind,
                right_width,
                ..
            } => match kind {
                JoinKind::Semi | JoinKind::Anti => left.width(),
                _ => left.width() + right_width,
            },
            Node::Aggregate { group, aggs, .. } => group.len() + aggs.len(),
            Node::Window { input, calls, .. } => input.width() + calls.len(),
            Node::SetOp { left, .. } => left.width(),
        }
    }
}
