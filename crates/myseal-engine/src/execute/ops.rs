//! The operators, one per plan node.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Bound;

use super::{Ctx, ReadMode, Row, compare, eval, truth};
use crate::error::EngineError;
use crate::plan::{
    Access, AggCall, AggFunc, CmpKind, Expr, FrameBound, FrameUnit, JoinKind, KeyRange, LockMode,
    LockWait, Node, SetOpKind, SortKey, WindowCall, WindowDef, WindowFunc,
};
use crate::storage::TableView;
use crate::storage::key::{self, Key};
use crate::storage::lock::{Acquired, LockError, LockKey, Wait};
use crate::value::{Dec, Value};

/// A running operator.
pub(crate) trait Op: Send {
    /// The next row, or None at the end.
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError>;
}

/// Builds the operator tree of a node.
pub(crate) fn build(node: &Node, cx: &mut Ctx<'_>) -> Result<Box<dyn Op>, EngineError> {
    Ok(match node {
        Node::Values { rows, .. } => {
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let mut vals = Vec::with_capacity(r.len());
                for e in r {
                    vals.push(eval(e, &[], cx)?);
                }
                out.push(vals);
            }
            Box::new(RowsOp {
                rows: out.into_iter(),
            })
        }
        Node::Scan {
            table,
            access,
            reverse,
            filter,
            lock,
            wait,
        } => {
            let mode = if *lock == LockMode::None {
                ReadMode::Consistent
            } else {
                ReadMode::Latest
            };
            let view = cx
                .view(&table.def, mode)
                .ok_or_else(|| EngineError::no_such_table(&table.def.schema, &table.def.name))?;
            let ranges = encode_ranges(&view, access, *reverse, cx)?;
            Box::new(ScanOp {
                view,
                ranges,
                range_no: 0,
                reverse: *reverse,
                after: None,
                buf: Vec::new(),
                pos: 0,
                done_range: false,
                filter: filter.clone(),
                lock: *lock,
                wait: *wait,
                decode: table.decode.clone(),
            })
        }
        Node::Virtual { table, .. } => {
            let rows = crate::infoschema::rows(*table, cx.engine, cx.session)?;
            Box::new(RowsOp {
                rows: rows.into_iter(),
            })
        }
        Node::Filter { input, predicate } => Box::new(FilterOp {
            input: build(input, cx)?,
            predicate: predicate.clone(),
        }),
        Node::Project { input, exprs } => Box::new(ProjectOp {
            input: build(input, cx)?,
            take: movable_columns(exprs),
            exprs: exprs.clone(),
        }),
        Node::Join {
            left,
            right,
            kind,
            on,
            params,
            right_width,
        } => Box::new(JoinOp {
            left: build(left, cx)?,
            right_node: (**right).clone(),
            right_rows: None,
            kind: *kind,
            on: on.clone(),
            params: params.clone(),
            right_width: *right_width,
            current: None,
            inner: None,
            matched: false,
        }),
        Node::HashJoin {
            left,
            right,
            kind,
            left_keys,
            right_keys,
            key_kinds,
            on,
            right_width,
        } => Box::new(HashJoinOp {
            left: build(left, cx)?,
            right: Some(build(right, cx)?),
            table: HashMap::new(),
            kind: *kind,
            left_keys: left_keys.clone(),
            right_keys: right_keys.clone(),
            key_kinds: key_kinds.clone(),
            on: on.clone(),
            right_width: *right_width,
            pending: Vec::new(),
        }),
        Node::Aggregate {
            input,
            group,
            group_kinds,
            aggs,
            rollup,
        } => {
            let mut child = build(input, cx)?;
            let rows = aggregate(child.as_mut(), group, group_kinds, aggs, *rollup, cx)?;
            Box::new(RowsOp {
                rows: rows.into_iter(),
            })
        }
        Node::Window {
            input,
            windows,
            calls,
        } => {
            let base = input.width();
            let mut child = build(input, cx)?;
            let rows = window(child.as_mut(), base, windows, calls, cx)?;
            Box::new(RowsOp {
                rows: rows.into_iter(),
            })
        }
        Node::Sort { input, keys } => {
            // `SELECT DISTINCT a, b ... ORDER BY b, a`: sorting first and dropping neighbours
            // with equal keys gives the same rows in the same order, with one sort key per row
            // instead of a sort key for DISTINCT and another for the sort.
            let (input, dedupe) = match &**input {
                Node::Distinct {
                    input: inner,
                    kinds,
                } if sort_covers_distinct(keys, kinds) => (&**inner, true),
                other => (other, false),
            };
            let mut child = build(input, cx)?;
            let mut rows = Vec::new();
            while let Some(r) = child.next(cx)? {
                cx.check()?;
                rows.push(r);
            }
            Box::new(RowsOp {
                rows: sort_rows(rows, keys, dedupe, cx)?.into_iter(),
            })
        }
        Node::Limit {
            input,
            limit,
            offset,
            count_all,
        } => {
            let count = |e: &Option<Expr>, cx: &mut Ctx<'_>| -> Result<Option<u64>, EngineError> {
                match e {
                    None => Ok(None),
                    Some(e) => match eval(e, &[], cx)? {
                        Value::Int(i) if i >= 0 => Ok(Some(i as u64)),
                        Value::UInt(u) => Ok(Some(u)),
                        Value::Bytes(b) => {
                            Ok(Some(crate::value::parse_i64_prefix(&b).max(0) as u64))
                        }
                        _ => Err(EngineError::wrong_arguments("LIMIT")),
                    },
                }
            };
            let l = count(limit, cx)?;
            let o = count(offset, cx)?.unwrap_or(0);
            Box::new(LimitOp {
                input: build(input, cx)?,
                remaining: l,
                skip: o,
                count_all: *count_all,
                seen: 0,
                done: false,
            })
        }
        Node::Distinct { input, kinds } => Box::new(DistinctOp {
            input: build(input, cx)?,
            kinds: kinds.clone(),
            seen: std::collections::HashSet::new(),
        }),
        Node::SetOp {
            op,
            all,
            left,
            right,
            kinds,
        } => {
            let mut l = build(left, cx)?;
            let mut r = build(right, cx)?;
            let rows = set_op(*op, *all, l.as_mut(), r.as_mut(), kinds, cx)?;
            Box::new(RowsOp {
                rows: rows.into_iter(),
            })
        }
        Node::With { ctes, input } => {
            for c in ctes {
                materialize_cte(c, cx)?;
            }
            build(input, cx)?
        }
        Node::CteRef { id, .. } => {
            let rows = cx.ctes.get(id).cloned().unwrap_or_default();
            Box::new(RowsOp {
                rows: rows.as_ref().clone().into_iter(),
            })
        }
        Node::RecursiveRef { id, .. } => {
            let rows = cx.working.get(id).cloned().unwrap_or_default();
            Box::new(RowsOp {
                rows: rows.as_ref().clone().into_iter(),
            })
        }
    })
}

/// Computes a recursive CTE: the anchor, then the recursive part over the previous
/// iteration's rows until it adds nothing (ER 3636 past cte_max_recursion_depth).
fn materialize_cte(c: &crate::plan::CteDef, cx: &mut Ctx<'_>) -> Result<(), EngineError> {
    let max_depth: u64 = cx
        .session
        .vars
        .get("cte_max_recursion_depth")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let mut all = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let kinds = vec![CmpKind::Dynamic; c.width];
    let mut op = build(&c.anchor, cx)?;
    let mut last = Vec::new();
    let distinct = !matches!(c.recursive, Some((_, true)));
    while let Some(r) = op.next(cx)? {
        if distinct && !seen.insert(row_key(&kinds, &r)) {
            continue;
        }
        last.push(r.clone());
        all.push(r);
    }
    if let Some((rec, _)) = &c.recursive {
        let mut depth = 0u64;
        while !last.is_empty() {
            depth += 1;
            if depth > max_depth {
                return Err(EngineError::new(
                    3636,
                    "HY000",
                    format!(
                        "Recursive query aborted after {depth} iterations. Try increasing @@cte_max_recursion_depth to a larger value."
                    ),
                ));
            }
            cx.working
                .insert(c.id, std::sync::Arc::new(std::mem::take(&mut last)));
            let mut op = build(rec, cx)?;
            while let Some(r) = op.next(cx)? {
                cx.check()?;
                if distinct && !seen.insert(row_key(&kinds, &r)) {
                    continue;
                }
                last.push(r.clone());
                all.push(r);
            }
        }
        cx.working.remove(&c.id);
    }
    cx.ctes.insert(c.id, std::sync::Arc::new(all));
    Ok(())
}

/// True when sort `keys` over a DISTINCT's output are each of its columns exactly once, as
/// bare columns compared the way DISTINCT compares them (strings under a collation, numbers),
/// so that equal sort keys mean equal rows for DISTINCT.
fn sort_covers_distinct(keys: &[SortKey], kinds: &[CmpKind]) -> bool {
    let mut seen = vec![false; kinds.len()];
    keys.len() == kinds.len()
        && keys.iter().all(|k| match k.expr {
            Expr::Column(i) => {
                let fresh = seen.get(i).is_some_and(|s| !s);
                if let Some(s) = seen.get_mut(i) {
                    *s = true;
                }
                fresh
                    && kinds.get(i) == Some(&k.kind)
                    && matches!(
                        k.kind,
                        CmpKind::String(_) | CmpKind::Int | CmpKind::Decimal | CmpKind::Real
                    )
            }
            _ => false,
        })
}

/// A sort key's value made cheap to compare: a string under a collation becomes its sort key
/// (computed once per row instead of the collation's comparison once per comparison).
fn sort_value(kind: CmpKind, v: Value) -> Value {
    match (kind, v) {
        (_, Value::Null) => Value::Null,
        (CmpKind::String(c), Value::Bytes(b)) => {
            let mut out = Vec::with_capacity(b.len() * 2);
            c.sort_key(&b, &mut out);
            Value::Bytes(out)
        }
        (CmpKind::String(c), v) => {
            let mut out = Vec::new();
            c.sort_key(&v.to_text().unwrap_or_default(), &mut out);
            Value::Bytes(out)
        }
        (_, v) => v,
    }
}

/// Compares two rows of sort values made by [`sort_value`] under `keys` (NULL first, DESC
/// reversed); strings compare as their collation sort keys' bytes.
fn sort_cmp_prepared(keys: &[SortKey], a: &[Value], b: &[Value]) -> Ordering {
    for (i, k) in keys.iter().enumerate() {
        let (x, y) = (
            a.get(i).unwrap_or(&Value::Null),
            b.get(i).unwrap_or(&Value::Null),
        );
        let o = match (x, y) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Less,
            (_, Value::Null) => Ordering::Greater,
            (Value::Bytes(p), Value::Bytes(q)) if matches!(k.kind, CmpKind::String(_)) => p.cmp(q),
            _ => compare(k.kind, x, y),
        };
        let o = if k.desc { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Where a sort key's value is: a column of the row itself (bare-column keys are not copied),
/// or a value computed once per row.
#[derive(Clone, Copy)]
enum KeyAt {
    Row(usize),
    Extra(usize),
}

/// How a sort key's values compare.
#[derive(Clone, Copy)]
enum KeyCmp {
    /// [`compare`] under the key's kind (numbers, temporals).
    Plain,
    /// Strings whose every value the collation compares without a pass over the whole string
    /// or an allocation (e.g. ASCII under `utf8mb4_0900_ai_ci`), compared directly.
    Cheap(crate::collation::Collation),
    /// Collation sort keys made by [`sort_value`], compared as bytes.
    SortKey,
}

/// Sorts `rows` under `keys` (stable: equal rows keep their order), dropping rows whose keys
/// equal their predecessor's when `dedupe`.
///
/// Strings compare directly when the collation compares every one of them cheaply, and through
/// sort keys computed once per row otherwise: a sort key costs a pass over the string and an
/// allocation, a direct comparison usually stops within the first few characters.
fn sort_rows(
    rows: Vec<Row>,
    keys: &[SortKey],
    dedupe: bool,
    cx: &mut Ctx<'_>,
) -> Result<Vec<Row>, EngineError> {
    let mut at = Vec::with_capacity(keys.len());
    let mut computed = 0;
    for k in keys {
        at.push(match k.expr {
            Expr::Column(i) => KeyAt::Row(i),
            _ => {
                computed += 1;
                KeyAt::Extra(computed - 1)
            }
        });
    }
    let mut keyed: Vec<(Vec<Value>, Row)> = Vec::with_capacity(rows.len());
    for r in rows {
        let mut extra = Vec::with_capacity(computed);
        for (k, a) in keys.iter().zip(&at) {
            if let KeyAt::Extra(_) = a {
                extra.push(eval(&k.expr, &r, cx)?);
            }
        }
        keyed.push((extra, r));
    }
    let mut how = Vec::with_capacity(keys.len());
    for (k, a) in keys.iter().zip(at.iter_mut()) {
        let CmpKind::String(c) = k.kind else {
            how.push(KeyCmp::Plain);
            continue;
        };
        let cheap = keyed.iter().all(|(e, r)| match sort_key_at(*a, e, r) {
            Value::Null => true,
            Value::Bytes(b) => c.compares_cheaply(b),
            _ => false,
        });
        if cheap {
            how.push(KeyCmp::Cheap(c));
            continue;
        }
        match *a {
            KeyAt::Extra(n) => {
                for (e, _) in &mut keyed {
                    if let Some(v) = e.get_mut(n) {
                        *v = sort_value(k.kind, std::mem::replace(v, Value::Null));
                    }
                }
            }
            KeyAt::Row(i) => {
                for (e, r) in &mut keyed {
                    let v = r.get(i).cloned().unwrap_or(Value::Null);
                    e.push(sort_value(k.kind, v));
                }
                *a = KeyAt::Extra(computed);
                computed += 1;
            }
        }
        how.push(KeyCmp::SortKey);
    }
    let cmp = |x: &(Vec<Value>, Row), y: &(Vec<Value>, Row)| {
        for ((k, a), h) in keys.iter().zip(&at).zip(&how) {
            let (p, q) = (sort_key_at(*a, &x.0, &x.1), sort_key_at(*a, &y.0, &y.1));
            let o = match (p, q, h) {
                (Value::Null, Value::Null, _) => Ordering::Equal,
                (Value::Null, _, _) => Ordering::Less,
                (_, Value::Null, _) => Ordering::Greater,
                (Value::Bytes(p), Value::Bytes(q), KeyCmp::SortKey) => p.cmp(q),
                (Value::Bytes(p), Value::Bytes(q), KeyCmp::Cheap(c)) => c.compare_cheap(p, q),
                _ => compare(k.kind, p, q),
            };
            let o = if k.desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    };
    keyed.sort_by(cmp);
    if dedupe {
        // The sort is stable, so the first of equal rows read is the one kept, as DISTINCT
        // keeps it.
        keyed.dedup_by(|b, a| cmp(a, b) == Ordering::Equal);
    }
    Ok(keyed.into_iter().map(|(_, r)| r).collect())
}

fn sort_key_at<'a>(at: KeyAt, extra: &'a [Value], row: &'a [Value]) -> &'a Value {
    let v = match at {
        KeyAt::Row(i) => row.get(i),
        KeyAt::Extra(i) => extra.get(i),
    };
    v.unwrap_or(&Value::Null)
}

/// A hashable identity of a value under a comparison kind (GROUP BY, DISTINCT, hash joins).
pub(crate) fn group_key(kind: CmpKind, v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(0),
        _ => {
            out.push(1);
            match kind {
                CmpKind::String(c) => match v {
                    Value::Bytes(b) => c.sort_key(b, out),
                    _ => c.sort_key(&v.to_text().unwrap_or_default(), out),
                },
                CmpKind::Int | CmpKind::Decimal => {
                    let d = v.to_dec().unwrap_or(Dec::ZERO);
                    // Normalise the scale so 1.0 and 1 group together.
                    let mut d = d;
                    while d.scale > 0 && d.mant % 10 == 0 {
                        d = Dec {
                            mant: d.mant / 10,
                            scale: d.scale - 1,
                        };
                    }
                    out.extend_from_slice(&d.mant.to_be_bytes());
                    out.extend_from_slice(&d.scale.to_be_bytes());
                }
                CmpKind::Real => {
                    let f = v.to_f64().unwrap_or(0.0);
                    let f = if f == 0.0 { 0.0 } else { f };
                    out.extend_from_slice(&f.to_bits().to_be_bytes());
                }
                CmpKind::Json => crate::json::value_as_json(v).write_key(out),
                CmpKind::Temporal | CmpKind::Dynamic => match v {
                    Value::Bytes(b) => {
                        crate::collation::Collation::Utf8mb4_0900_ai_ci.sort_key(b, out)
                    }
                    Value::Int(_) | Value::UInt(_) | Value::Decimal(_) | Value::Double(_) => {
                        let f = v.to_f64().unwrap_or(0.0);
                        out.extend_from_slice(&f.to_bits().to_be_bytes());
                    }
                    other => out.extend(other.to_text().unwrap_or_default()),
                },
            }
        }
    }
}

struct RowsOp {
    rows: std::vec::IntoIter<Row>,
}

impl Op for RowsOp {
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        cx.check()?;
        Ok(self.rows.next())
    }
}

/// An encoded key range.
struct EncRange {
    lo: Bound<Key>,
    hi: Bound<Key>,
    /// Secondary index number, or None for the primary key / full scan.
    index: Option<usize>,
    /// An equality on every primary key column: the range holds at most the row whose key is
    /// `lo` (key encodings are self-delimiting, so no other full key starts with it), which
    /// is read with one lookup instead of a range iterator.
    point: bool,
}

/// The key ranges an access reads, in index order (descending when `reverse`); several ranges
/// (an IN list) are sorted and duplicates removed, so each row is read once.
fn encode_ranges(
    view: &TableView,
    access: &Access,
    reverse: bool,
    cx: &mut Ctx<'_>,
) -> Result<Vec<EncRange>, EngineError> {
    let full = || {
        vec![EncRange {
            lo: Bound::Unbounded,
            hi: Bound::Unbounded,
            index: None,
            point: false,
        }]
    };
    let (index_no, ranges) = match access {
        Access::Full => return Ok(full()),
        Access::Primary(r) => (0, r),
        Access::Index(i, r) => (*i, r),
    };
    let def = &view.def;
    let Some(index) = def.indexes.get(index_no) else {
        return Ok(full());
    };
    let mut out = Vec::new();
    for r in ranges {
        match encode_range(def, index, r, cx)? {
            Some((lo, hi)) => out.push(EncRange {
                point: index.primary
                    && r.eq.len() == index.parts.len()
                    && r.lower.is_none()
                    && r.upper.is_none()
                    && matches!(lo, Bound::Included(_)),
                lo,
                hi,
                index: if index.primary { None } else { Some(index_no) },
            }),
            None => {
                // A value that cannot be encoded exactly in the column's type: read everything
                // and let the filter decide.
                return Ok(full());
            }
        }
    }
    if out.len() > 1 {
        let start = |b: &Bound<Key>| match b {
            Bound::Included(k) | Bound::Excluded(k) => Some(k.clone()),
            Bound::Unbounded => None,
        };
        out.sort_by_key(|r| start(&r.lo));
        out.dedup_by(|a, b| a.lo == b.lo && a.hi == b.hi);
        if reverse {
            out.reverse();
        }
    }
    Ok(out)
}

/// Converts a lookup value to the column's domain; None when that is not exact.
fn key_value(v: &Value, ty: &crate::types::SqlType) -> Option<Value> {
    use crate::types::ResultKind;
    if v.is_null() {
        return Some(Value::Null);
    }
    match ty.result_kind() {
        ResultKind::Int => match v {
            Value::Int(i) if ty.unsigned => u64::try_from(*i).ok().map(Value::UInt),
            Value::Int(_) => Some(v.clone()),
            Value::UInt(u) if !ty.unsigned => i64::try_from(*u).ok().map(Value::Int),
            Value::UInt(_) => Some(v.clone()),
            Value::Decimal(d) if d.round(0) == *d || d.scale == 0 => {
                let i = d.trunc_int();
                if ty.unsigned {
                    u64::try_from(i).ok().map(Value::UInt)
                } else {
                    i64::try_from(i).ok().map(Value::Int)
                }
            }
            _ => None,
        },
        ResultKind::Decimal => match v {
            Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => {
                let d = v.to_dec()?;
                let r = d.rescale(u32::from(ty.scale))?;
                (r.cmp(d) == Ordering::Equal).then_some(Value::Decimal(r))
            }
            _ => None,
        },
        ResultKind::Real => match v {
            Value::Double(_) | Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => {
                Some(Value::Double(v.to_f64()?))
            }
            _ => None,
        },
        ResultKind::String => match v {
            Value::Bytes(_) => Some(v.clone()),
            _ => None,
        },
        ResultKind::Temporal => match v {
            Value::Date(_) | Value::DateTime(_) | Value::Time(_) => Some(v.clone()),
            _ => None,
        },
    }
}

type Range = (Bound<Key>, Bound<Key>);

fn encode_range(
    def: &crate::catalog::TableDef,
    index: &crate::catalog::IndexDef,
    r: &KeyRange,
    cx: &mut Ctx<'_>,
) -> Result<Option<Range>, EngineError> {
    let mut prefix = Vec::new();
    for (i, e) in r.eq.iter().enumerate() {
        let Some(part) = index.parts.get(i) else {
            return Ok(None);
        };
        let Some(col) = def.columns.get(part.column) else {
            return Ok(None);
        };
        let v = eval(e, &[], cx)?;
        if v.is_null() {
            // `col = NULL` matches nothing.
            return Ok(Some((
                Bound::Excluded(key::key(&[])),
                Bound::Excluded(key::key(&[])),
            )));
        }
        let Some(kv) = key_value(&v, &col.ty) else {
            return Ok(None);
        };
        if part.prefix.is_some() {
            return Ok(None);
        }
        key::encode(&kv, &col.ty, None, &mut prefix);
    }
    let next = index.parts.get(r.eq.len());
    let mut lo: Bound<Key> = Bound::Included(key::key(&prefix));
    let mut hi: Bound<Key> = match key::prefix_successor(&prefix) {
        Some(s) => Bound::Excluded(key::key(&s)),
        None => Bound::Unbounded,
    };
    if prefix.is_empty() {
        lo = Bound::Unbounded;
        hi = Bound::Unbounded;
    }
    if let Some(part) = next {
        let Some(col) = def.columns.get(part.column) else {
            return Ok(None);
        };
        if r.lower.is_some() || r.upper.is_some() {
            if part.prefix.is_some() {
                return Ok(None);
            }
            // Range values exclude NULL, which encodes as 0x00.
            let mut not_null = prefix.clone();
            not_null.push(1);
            lo = Bound::Included(key::key(&not_null));
        }
        if let Some((e, inclusive)) = &r.lower {
            let v = eval(e, &[], cx)?;
            if v.is_null() {
                return Ok(Some((
                    Bound::Excluded(key::key(&[])),
                    Bound::Excluded(key::key(&[])),
                )));
            }
            let Some(kv) = key_value(&v, &col.ty) else {
                return Ok(None);
            };
            let mut k = prefix.clone();
            key::encode(&kv, &col.ty, None, &mut k);
            lo = if *inclusive {
                Bound::Included(key::key(&k))
            } else {
                match key::prefix_successor(&k) {
                    Some(s) => Bound::Included(key::key(&s)),
                    None => {
                        return Ok(Some((
                            Bound::Excluded(key::key(&[])),
                            Bound::Excluded(key::key(&[])),
                        )));
                    }
                }
            };
        }
        if let Some((e, inclusive)) = &r.upper {
            let v = eval(e, &[], cx)?;
            if v.is_null() {
                return Ok(Some((
                    Bound::Excluded(key::key(&[])),
                    Bound::Excluded(key::key(&[])),
                )));
            }
            let Some(kv) = key_value(&v, &col.ty) else {
                return Ok(None);
            };
            let mut k = prefix.clone();
            key::encode(&kv, &col.ty, None, &mut k);
            hi = if *inclusive {
                match key::prefix_successor(&k) {
                    Some(s) => Bound::Excluded(key::key(&s)),
                    None => Bound::Unbounded,
                }
            } else {
                Bound::Excluded(key::key(&k))
            };
        }
    }
    Ok(Some((lo, hi)))
}

const BATCH: usize = 128;

struct ScanOp {
    view: TableView,
    ranges: Vec<EncRange>,
    range_no: usize,
    reverse: bool,
    after: Option<Key>,
    buf: Vec<crate::storage::Row>,
    pos: usize,
    done_range: bool,
    filter: Option<Expr>,
    lock: LockMode,
    wait: LockWait,
    /// The columns to decode (None: all); see [`crate::plan::TableRef::decode`].
    decode: Option<std::sync::Arc<[bool]>>,
}

impl ScanOp {
    fn fill(&mut self) -> bool {
        loop {
            let Some(r) = self.ranges.get(self.range_no) else {
                return false;
            };
            if self.done_range {
                self.range_no += 1;
                self.after = None;
                self.done_range = false;
                continue;
            }
            let batch: Vec<crate::storage::Row> = match r.index {
                None if r.point => {
                    self.done_range = true;
                    let Bound::Included(k) = &r.lo else {
                        continue;
                    };
                    match self.view.get(k) {
                        Some(row) => {
                            self.buf = vec![row];
                            self.pos = 0;
                            return true;
                        }
                        None => continue,
                    }
                }
                None => {
                    self.view
                        .rows_batch(&r.lo, &r.hi, self.reverse, self.after.as_ref(), BATCH)
                }
                Some(i) => {
                    let entries = self.view.index_batch(
                        i,
                        &r.lo,
                        &r.hi,
                        self.reverse,
                        self.after.as_ref(),
                        BATCH,
                    );
                    if let Some(k) = entries.last() {
                        self.after = Some(k.clone());
                    }
                    if entries.len() < BATCH {
                        self.done_range = true;
                    }
                    let rows: Vec<_> = entries
                        .into_iter()
                        .filter_map(|e| self.view.get(crate::storage::entry_pk(&e)))
                        .collect();
                    if rows.is_empty() && !self.done_range {
                        continue;
                    }
                    self.buf = rows;
                    self.pos = 0;
                    if self.buf.is_empty() {
                        continue;
                    }
                    return true;
                }
            };
            if batch.len() < BATCH {
                self.done_range = true;
            }
            if let Some(last) = batch.last() {
                self.after = Some(crate::storage::key::key(last.key()));
            }
            self.buf = batch;
            self.pos = 0;
            if self.buf.is_empty() {
                continue;
            }
            return true;
        }
    }
}

/// Takes a row lock; maps lock errors to MySQL's.
pub(crate) fn lock_row(
    cx: &mut Ctx<'_>,
    table_id: u64,
    pk: &[u8],
    exclusive: bool,
    wait: LockWait,
) -> Result<bool, EngineError> {
    let trying = cx.session.inline_try && wait == LockWait::Wait;
    let w = match wait {
        // A write tried on the caller's thread never waits: it runs again where it may.
        LockWait::Wait if trying => Wait::NoWait,
        LockWait::Wait => Wait::Timeout(cx.lock_timeout),
        LockWait::NoWait => Wait::NoWait,
        LockWait::SkipLocked => Wait::SkipLocked,
    };
    let mut k = Vec::with_capacity(pk.len() + 1);
    k.push(0);
    k.extend_from_slice(pk);
    let mode = if exclusive {
        crate::storage::lock::LockMode::Exclusive
    } else {
        crate::storage::lock::LockMode::Shared
    };
    let cancel = cx.cancel.clone();
    match cx.engine.store.locks.acquire(
        cx.txn.id,
        LockKey::Row(table_id, k.into()),
        mode,
        w,
        &cancel,
    ) {
        Ok(Acquired::Granted) => Ok(true),
        Ok(Acquired::Skipped) => Ok(false),
        Err(LockError::NoWait) if trying => {
            cx.session.inline_blocked = true;
            Err(LockError::NoWait.into())
        }
        Err(e) => Err(e.into()),
    }
}

impl Op for ScanOp {
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        Ok(self.next_stored(cx)?.map(|(_, r)| r))
    }
}

impl ScanOp {
    /// The next row with its primary key (UPDATE and DELETE need the key).
    fn next_keyed(&mut self, cx: &mut Ctx<'_>) -> Result<Option<(Key, Row)>, EngineError> {
        Ok(self
            .next_stored(cx)?
            .map(|(stored, r)| (crate::storage::key::key(stored.key()), r)))
    }

    /// The next row as stored and decoded.
    fn next_stored(
        &mut self,
        cx: &mut Ctx<'_>,
    ) -> Result<Option<(crate::storage::Row, Row)>, EngineError> {
        loop {
            cx.check()?;
            if self.pos >= self.buf.len() && !self.fill() {
                return Ok(None);
            }
            let Some(mut stored) = self.buf.get(self.pos).cloned() else {
                return Ok(None);
            };
            self.pos += 1;
            if self.lock != LockMode::None {
                if !lock_row(
                    cx,
                    self.view.def.id,
                    stored.key(),
                    self.lock == LockMode::Update,
                    self.wait,
                )? {
                    continue;
                }
                // Re-read the latest version now that the row is locked.
                let fresh = cx
                    .view(&self.view.def, ReadMode::Latest)
                    .and_then(|v| v.get(stored.key()));
                match fresh {
                    Some(r) => stored = r,
                    None => continue,
                }
            }
            let row: Row = match &self.decode {
                None => stored.unpack(),
                Some(mask) => stored.unpack_only(mask),
            };
            if let Some(f) = &self.filter
                && truth(&eval(f, &row, cx)?) != Some(true)
            {
                continue;
            }
            return Ok(Some((stored, row)));
        }
    }
}

struct FilterOp {
    input: Box<dyn Op>,
    predicate: Expr,
}

impl Op for FilterOp {
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        while let Some(r) = self.input.next(cx)? {
            cx.check()?;
            if truth(&eval(&self.predicate, &r, cx)?) == Some(true) {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }
}

struct ProjectOp {
    input: Box<dyn Op>,
    exprs: Vec<Expr>,
    /// Per output: true for a bare column no other output reads, which is moved out of the
    /// input row instead of copied (see [`movable_columns`]).
    take: Vec<bool>,
}

/// For each projected expression, whether it is a bare column that appears nowhere else in
/// the projection (so its value can be moved out of the input row once every other output is
/// computed).
fn movable_columns(exprs: &[Expr]) -> Vec<bool> {
    let mut uses: HashMap<usize, usize> = HashMap::new();
    for e in exprs {
        e.visit(&mut |x| {
            if let Expr::Column(i) = x {
                *uses.entry(*i).or_default() += 1;
            }
        });
    }
    exprs
        .iter()
        .map(|e| matches!(e, Expr::Column(i) if uses.get(i) == Some(&1)))
        .collect()
}

impl Op for ProjectOp {
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        let Some(mut r) = self.input.next(cx)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(self.exprs.len());
        for (e, take) in self.exprs.iter().zip(&self.take) {
            out.push(match e {
                _ if *take => Value::Null,
                Expr::Column(i) => r.get(*i).cloned().unwrap_or(Value::Null),
                other => eval(other, &r, cx)?,
            });
        }
        for ((e, take), slot) in self.exprs.iter().zip(&self.take).zip(out.iter_mut()) {
            if *take
                && let Expr::Column(i) = e
                && let Some(v) = r.get_mut(*i)
            {
                *slot = std::mem::replace(v, Value::Null);
            }
        }
        Ok(Some(out))
    }
}

struct JoinOp {
    left: Box<dyn Op>,
    right_node: Node,
    /// The right side materialized once (when it does not depend on the left row).
    right_rows: Option<std::sync::Arc<Vec<Row>>>,
    kind: JoinKind,
    on: Option<Expr>,
    params: Vec<(usize, Expr)>,
    right_width: usize,
    current: Option<Row>,
    inner: Option<(std::sync::Arc<Vec<Row>>, usize)>,
    matched: bool,
}

impl Op for JoinOp {
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        loop {
            cx.check()?;
            if self.current.is_none() {
                let Some(l) = self.left.next(cx)? else {
                    return Ok(None);
                };
                let rows = if self.params.is_empty() {
                    match &self.right_rows {
                        Some(r) => r.clone(),
                        None => {
                            let mut op = build(&self.right_node, cx)?;
                            let mut v = Vec::new();
                            while let Some(r) = op.next(cx)? {
                                v.push(r);
                            }
                            let v = std::sync::Arc::new(v);
                            self.right_rows = Some(v.clone());
                            v
                        }
                    }
                } else {
                    for (reg, e) in &self.params {
                        let v = eval(e, &l, cx)?;
                        if let Some(s) = cx.regs.get_mut(*reg) {
                            *s = v;
                        }
                    }
                    let mut op = build(&self.right_node, cx)?;
                    let mut v = Vec::new();
                    while let Some(r) = op.next(cx)? {
                        v.push(r);
                    }
                    std::sync::Arc::new(v)
                };
                self.current = Some(l);
                self.inner = Some((rows, 0));
                self.matched = false;
            }
            let (rows, pos) = match &mut self.inner {
                Some(x) => x,
                None => continue,
            };
            let left = self.current.clone().unwrap_or_default();
            while *pos < rows.len() {
                let r = &rows[*pos];
                *pos += 1;
                let mut joined = left.clone();
                joined.extend(r.iter().cloned());
                let ok = match &self.on {
                    Some(on) => truth(&eval(on, &joined, cx)?) == Some(true),
                    None => true,
                };
                if ok {
                    self.matched = true;
                    match self.kind {
                        JoinKind::Inner | JoinKind::Left => return Ok(Some(joined)),
                        JoinKind::Semi => {
                            self.current = None;
                            return Ok(Some(left));
                        }
                        JoinKind::Anti => {
                            *pos = rows.len();
                            break;
                        }
                    }
                }
            }
            let matched = self.matched;
            self.current = None;
            match self.kind {
                JoinKind::Left if !matched => {
                    let mut joined = left;
                    joined.extend(std::iter::repeat_n(Value::Null, self.right_width));
                    return Ok(Some(joined));
                }
                JoinKind::Anti if !matched => return Ok(Some(left)),
                _ => {}
            }
        }
    }
}

struct HashJoinOp {
    left: Box<dyn Op>,
    right: Option<Box<dyn Op>>,
    table: HashMap<Vec<u8>, Vec<Row>>,
    kind: JoinKind,
    left_keys: Vec<Expr>,
    right_keys: Vec<Expr>,
    key_kinds: Vec<CmpKind>,
    on: Option<Expr>,
    right_width: usize,
    pending: Vec<Row>,
}

impl Op for HashJoinOp {
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        if let Some(mut right) = self.right.take() {
            while let Some(r) = right.next(cx)? {
                cx.check()?;
                let mut k = Vec::new();
                let mut null = false;
                for (e, kind) in self.right_keys.iter().zip(&self.key_kinds) {
                    let v = eval(e, &r, cx)?;
                    null |= v.is_null();
                    group_key(*kind, &v, &mut k);
                }
                if !null {
                    self.table.entry(k).or_default().push(r);
                }
            }
        }
        loop {
            if let Some(r) = self.pending.pop() {
                return Ok(Some(r));
            }
            cx.check()?;
            let Some(l) = self.left.next(cx)? else {
                return Ok(None);
            };
            let mut k = Vec::new();
            let mut null = false;
            for (e, kind) in self.left_keys.iter().zip(&self.key_kinds) {
                let v = eval(e, &l, cx)?;
                null |= v.is_null();
                group_key(*kind, &v, &mut k);
            }
            let mut matched = false;
            let mut out = Vec::new();
            if !null && let Some(rows) = self.table.get(&k) {
                for r in rows {
                    let mut joined = l.clone();
                    joined.extend(r.iter().cloned());
                    let ok = match &self.on {
                        Some(on) => truth(&eval(on, &joined, cx)?) == Some(true),
                        None => true,
                    };
                    if ok {
                        matched = true;
                        if matches!(self.kind, JoinKind::Inner | JoinKind::Left) {
                            out.push(joined);
                        } else {
                            break;
                        }
                    }
                }
            }
            match self.kind {
                JoinKind::Inner | JoinKind::Left => {
                    if !matched && self.kind == JoinKind::Left {
                        let mut joined = l;
                        joined.extend(std::iter::repeat_n(Value::Null, self.right_width));
                        return Ok(Some(joined));
                    }
                    out.reverse();
                    self.pending = out;
                }
                JoinKind::Semi if matched => return Ok(Some(l)),
                JoinKind::Anti if !matched => return Ok(Some(l)),
                _ => {}
            }
        }
    }
}

struct LimitOp {
    input: Box<dyn Op>,
    remaining: Option<u64>,
    skip: u64,
    /// SQL_CALC_FOUND_ROWS: read the input to its end and record how many rows it had.
    count_all: bool,
    /// Input rows read so far (skipped and returned).
    seen: u64,
    done: bool,
}

impl LimitOp {
    /// The end of the limited rows: with `count_all`, counts the input's remaining rows
    /// into [`Ctx::found_total`].
    fn finish(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        if self.count_all && !self.done {
            while self.input.next(cx)?.is_some() {
                cx.check()?;
                self.seen += 1;
            }
            cx.found_total = Some(self.seen);
        }
        self.done = true;
        Ok(None)
    }
}

impl Op for LimitOp {
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        if self.done || self.remaining == Some(0) {
            return self.finish(cx);
        }
        while self.skip > 0 {
            if self.input.next(cx)?.is_none() {
                return self.finish(cx);
            }
            self.skip -= 1;
            self.seen += 1;
        }
        let Some(r) = self.input.next(cx)? else {
            return self.finish(cx);
        };
        self.seen += 1;
        if let Some(n) = &mut self.remaining {
            *n -= 1;
        }
        Ok(Some(r))
    }
}

struct DistinctOp {
    input: Box<dyn Op>,
    kinds: Vec<CmpKind>,
    seen: std::collections::HashSet<Vec<u8>>,
}

impl Op for DistinctOp {
    fn next(&mut self, cx: &mut Ctx<'_>) -> Result<Option<Row>, EngineError> {
        while let Some(r) = self.input.next(cx)? {
            let mut k = Vec::new();
            for (i, v) in r.iter().enumerate() {
                group_key(
                    self.kinds.get(i).copied().unwrap_or(CmpKind::Dynamic),
                    v,
                    &mut k,
                );
            }
            if self.seen.insert(k) {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }
}

fn row_key(kinds: &[CmpKind], r: &[Value]) -> Vec<u8> {
    let mut k = Vec::new();
    for (i, v) in r.iter().enumerate() {
        group_key(kinds.get(i).copied().unwrap_or(CmpKind::Dynamic), v, &mut k);
    }
    k
}

fn set_op(
    op: SetOpKind,
    all: bool,
    l: &mut dyn Op,
    r: &mut dyn Op,
    kinds: &[CmpKind],
    cx: &mut Ctx<'_>,
) -> Result<Vec<Row>, EngineError> {
    let mut left = Vec::new();
    while let Some(x) = l.next(cx)? {
        left.push(x);
    }
    let mut right = Vec::new();
    while let Some(x) = r.next(cx)? {
        right.push(x);
    }
    Ok(match op {
        SetOpKind::Union => {
            left.extend(right);
            if all {
                left
            } else {
                let mut seen = std::collections::HashSet::new();
                left.into_iter()
                    .filter(|x| seen.insert(row_key(kinds, x)))
                    .collect()
            }
        }
        SetOpKind::Intersect | SetOpKind::Except => {
            let mut counts: HashMap<Vec<u8>, usize> = HashMap::new();
            for x in &right {
                *counts.entry(row_key(kinds, x)).or_default() += 1;
            }
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::new();
            for x in left {
                let k = row_key(kinds, &x);
                let present = counts.get(&k).copied().unwrap_or(0) > 0;
                let keep = if op == SetOpKind::Intersect {
                    present
                } else {
                    !present
                };
                if keep && (all || seen.insert(k.clone())) {
                    if all
                        && op == SetOpKind::Intersect
                        && let Some(c) = counts.get_mut(&k)
                    {
                        *c -= 1;
                    }
                    out.push(x);
                }
            }
            out
        }
    })
}

/// Accumulator of one aggregate in one group.
#[derive(Clone, Debug)]
enum Acc {
    Count(i64),
    Sum(Option<Value>),
    Avg(Option<Value>, i64),
    MinMax(Option<Value>),
    Concat(Vec<(Vec<Value>, Vec<u8>)>),
    Bits(u64),
    Var(f64, f64, i64),
    Any(Option<Value>),
    /// JSON_ARRAYAGG: the elements' JSON texts (None: JSON null).
    JsonArray(Vec<Option<Vec<u8>>>),
    /// JSON_OBJECTAGG: members in MySQL's key order, a repeated key keeping its last value.
    JsonObject(Vec<(String, Option<Vec<u8>>)>),
}

fn new_acc(a: &AggCall) -> Acc {
    match a.func {
        AggFunc::CountStar | AggFunc::Count => Acc::Count(0),
        AggFunc::Sum => Acc::Sum(None),
        AggFunc::Avg => Acc::Avg(None, 0),
        AggFunc::Min | AggFunc::Max => Acc::MinMax(None),
        AggFunc::GroupConcat => Acc::Concat(Vec::new()),
        AggFunc::BitAnd => Acc::Bits(u64::MAX),
        AggFunc::BitOr | AggFunc::BitXor => Acc::Bits(0),
        AggFunc::Std | AggFunc::StdSamp | AggFunc::Variance | AggFunc::VarSamp => {
            Acc::Var(0.0, 0.0, 0)
        }
        AggFunc::AnyValue => Acc::Any(None),
        AggFunc::JsonArrayAgg => Acc::JsonArray(Vec::new()),
        AggFunc::JsonObjectAgg => Acc::JsonObject(Vec::new()),
        AggFunc::Grouping => Acc::Count(0),
    }
}

fn add(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Double(_), _) | (_, Value::Double(_)) => {
            Value::Double(a.to_f64().unwrap_or(0.0) + b.to_f64().unwrap_or(0.0))
        }
        _ => match a
            .to_dec()
            .unwrap_or(Dec::ZERO)
            .add(b.to_dec().unwrap_or(Dec::ZERO))
        {
            Some(d) => Value::Decimal(d),
            None => Value::Double(a.to_f64().unwrap_or(0.0) + b.to_f64().unwrap_or(0.0)),
        },
    }
}

fn feed(acc: &mut Acc, a: &AggCall, args: Vec<Value>, order: Vec<Value>) {
    let v = args.first().cloned().unwrap_or(Value::Null);
    let json = matches!(a.func, AggFunc::JsonArrayAgg | AggFunc::JsonObjectAgg);
    if a.func != AggFunc::CountStar && !json && args.iter().any(Value::is_null) {
        return;
    }
    match acc {
        Acc::Count(n) => *n += 1,
        Acc::Sum(s) => {
            let x = if a.ty.result_kind() == crate::types::ResultKind::Real {
                Value::Double(v.to_f64().unwrap_or(0.0))
            } else {
                v
            };
            *s = Some(match s.take() {
                None => x,
                Some(p) => add(&p, &x),
            })
        }
        Acc::Avg(s, n) => {
            let x = if a.ty.result_kind() == crate::types::ResultKind::Real {
                Value::Double(v.to_f64().unwrap_or(0.0))
            } else {
                v
            };
            *s = Some(match s.take() {
                None => x,
                Some(p) => add(&p, &x),
            });
            *n += 1;
        }
        Acc::MinMax(m) => {
            let better = match m {
                None => true,
                Some(cur) => {
                    let o = compare(a.kind, &v, cur);
                    if a.func == AggFunc::Min {
                        o == Ordering::Less
                    } else {
                        o == Ordering::Greater
                    }
                }
            };
            if better {
                *m = Some(v);
            }
        }
        Acc::Concat(items) => {
            let mut s = Vec::new();
            for x in &args {
                s.extend(x.to_text().unwrap_or_default());
            }
            items.push((order, s));
        }
        Acc::Bits(b) => {
            let x = v.to_i64().unwrap_or(0) as u64;
            match a.func {
                AggFunc::BitAnd => *b &= x,
                AggFunc::BitOr => *b |= x,
                _ => *b ^= x,
            }
        }
        Acc::Var(sum, sq, n) => {
            let x = v.to_f64().unwrap_or(0.0);
            *sum += x;
            *sq += x * x;
            *n += 1;
        }
        Acc::Any(m) => {
            if m.is_none() {
                *m = Some(v);
            }
        }
        Acc::JsonArray(items) => items.push(json_text(&v)),
        Acc::JsonObject(members) => {
            let key = v.to_string_lossy().unwrap_or_default();
            let value = args.get(1).and_then(json_text);
            match members.binary_search_by(|(k, _)| crate::json::key_cmp(k, &key)) {
                Ok(i) => {
                    if let Some(m) = members.get_mut(i) {
                        m.1 = value;
                    }
                }
                Err(i) => members.insert(i, (key, value)),
            }
        }
    }
}

/// A JSON aggregate's argument as JSON text: JSON values are their text already, the SQL
/// numbers the binder passes through are printed as JSON prints them; None for NULL.
fn json_text(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Null => None,
        Value::Bytes(b) => Some(b.clone()),
        other => crate::json::Json::from_value(other)
            .to_text()
            .ok()
            .map(String::into_bytes),
    }
}

fn finish(acc: &Acc, a: &AggCall, dpi: u32) -> Value {
    match acc {
        Acc::Count(n) => Value::Int(*n),
        Acc::Sum(s) => match s {
            None => Value::Null,
            Some(Value::Double(d)) => Value::Double(*d),
            Some(v) => Value::Decimal(v.to_dec().unwrap_or(Dec::ZERO)),
        },
        Acc::Avg(s, n) => match s {
            None => Value::Null,
            Some(Value::Double(d)) => Value::Double(d / *n as f64),
            Some(v) => {
                let d = v.to_dec().unwrap_or(Dec::ZERO);
                match d.div(Dec::from_i128(i128::from(*n)), dpi) {
                    Some(Some(q)) => Value::Decimal(q),
                    _ => Value::Double(v.to_f64().unwrap_or(0.0) / *n as f64),
                }
            }
        },
        Acc::MinMax(m) | Acc::Any(m) => m.clone().unwrap_or(Value::Null),
        Acc::JsonArray(items) => {
            if items.is_empty() {
                return Value::Null;
            }
            let mut out = b"[".to_vec();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                out.extend_from_slice(item.as_deref().unwrap_or(b"null"));
            }
            out.push(b']');
            Value::Bytes(out)
        }
        Acc::JsonObject(members) => {
            if members.is_empty() {
                return Value::Null;
            }
            let mut out = b"{".to_vec();
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                out.extend_from_slice(crate::json::quote(k).as_bytes());
                out.extend_from_slice(b": ");
                out.extend_from_slice(v.as_deref().unwrap_or(b"null"));
            }
            out.push(b'}');
            Value::Bytes(out)
        }
        Acc::Concat(items) => {
            if items.is_empty() {
                return Value::Null;
            }
            let mut items = items.clone();
            if !a.order.is_empty() {
                items.sort_by(|x, y| sort_cmp_prepared(&a.order, &x.0, &y.0));
            }
            let mut out = Vec::new();
            let mut seen = std::collections::HashSet::new();
            let mut first = true;
            for (_, s) in items {
                if a.distinct && !seen.insert(s.clone()) {
                    continue;
                }
                if !first {
                    out.extend_from_slice(a.separator.as_bytes());
                }
                first = false;
                out.extend(s);
            }
            out.truncate(1024);
            Value::Bytes(out)
        }
        Acc::Bits(b) => Value::UInt(*b),
        Acc::Var(sum, sq, n) => {
            if *n == 0 {
                return Value::Null;
            }
            let nf = *n as f64;
            let mean = sum / nf;
            let var_pop = (sq / nf - mean * mean).max(0.0);
            match a.func {
                AggFunc::Std => Value::Double(var_pop.sqrt()),
                AggFunc::Variance => Value::Double(var_pop),
                AggFunc::StdSamp | AggFunc::VarSamp => {
                    if *n < 2 {
                        return Value::Null;
                    }
                    let v = var_pop * nf / (nf - 1.0);
                    Value::Double(if a.func == AggFunc::StdSamp {
                        v.sqrt()
                    } else {
                        v
                    })
                }
                _ => Value::Null,
            }
        }
    }
}

/// One group: its key values, accumulators, and per-aggregate DISTINCT sets.
type Group = (
    Vec<Value>,
    Vec<Acc>,
    Vec<std::collections::HashSet<Vec<u8>>>,
);

/// The groups of one grouping level, in first-seen order, found by their key bytes.
#[derive(Default)]
struct Level {
    index: HashMap<Vec<u8>, usize>,
    groups: Vec<Group>,
    /// Level 0 (every group expression) under ROLLUP: each group's key bytes and where the
    /// key of each group expression ends in them.
    keys: Vec<(Vec<u8>, Vec<usize>)>,
}

/// One aggregate's inputs from one row: arguments, DISTINCT key, GROUP_CONCAT order values.
/// None when the row does not count (a NULL argument of a DISTINCT aggregate, GROUPING).
type Fed = Option<(Vec<Value>, Option<Vec<u8>>, Vec<Value>)>;

/// GROUP BY [WITH ROLLUP]. Without ROLLUP the groups come out in first-seen order. With it,
/// every input row also feeds the group of each prefix of the GROUP BY list (level `l` keeps
/// the first `n - l` expressions), so super-aggregates are computed from the rows themselves
/// (DISTINCT, AVG, GROUP_CONCAT ... need no merging); the full groups are then sorted by
/// their values (NULLs first, ties by key bytes so a prefix's groups stay together) and each
/// prefix's row follows the last group of that prefix.
///
/// <https://dev.mysql.com/doc/refman/8.4/en/group-by-modifiers.html>
fn aggregate(
    input: &mut dyn Op,
    group: &[Expr],
    kinds: &[CmpKind],
    aggs: &[AggCall],
    rollup: bool,
    cx: &mut Ctx<'_>,
) -> Result<Vec<Row>, EngineError> {
    let dpi = cx
        .session
        .vars
        .get("div_precision_increment")
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let n = group.len();
    let rollup = rollup && n > 0;
    let mut levels: Vec<Level> = (0..if rollup { n + 1 } else { 1 })
        .map(|_| Level::default())
        .collect();
    let mut ends = Vec::with_capacity(n);
    let mut fed: Vec<Fed> = Vec::with_capacity(aggs.len());
    while let Some(r) = input.next(cx)? {
        cx.check()?;
        let mut gv = Vec::with_capacity(n);
        let mut k = Vec::new();
        ends.clear();
        for (e, kind) in group.iter().zip(kinds) {
            let v = eval(e, &r, cx)?;
            group_key(*kind, &v, &mut k);
            ends.push(k.len());
            gv.push(v);
        }
        fed.clear();
        for a in aggs {
            if a.func == AggFunc::Grouping {
                fed.push(None);
                continue;
            }
            let mut args = Vec::with_capacity(a.args.len());
            for e in &a.args {
                args.push(eval(e, &r, cx)?);
            }
            if a.func == AggFunc::JsonObjectAgg && args.first().is_some_and(Value::is_null) {
                return Err(EngineError::json_null_key());
            }
            let mut dk = None;
            if a.distinct && a.func != AggFunc::GroupConcat {
                if args.iter().any(Value::is_null) {
                    fed.push(None);
                    continue;
                }
                let mut key = Vec::new();
                for v in &args {
                    group_key(a.kind, v, &mut key);
                }
                dk = Some(key);
            }
            let mut order = Vec::new();
            for o in &a.order {
                order.push(sort_value(o.kind, eval(&o.expr, &r, cx)?));
            }
            fed.push(Some((args, dk, order)));
        }
        let last = levels.len() - 1;
        for (l, level) in levels.iter_mut().enumerate() {
            let kept = n - l;
            let key = &k[..if kept == 0 { 0 } else { ends[kept - 1] }];
            // A level without group columns (no GROUP BY, or ROLLUP's grand total) has one
            // group: no key to hash for each row.
            let known = if kept == 0 && !level.groups.is_empty() {
                Some(0)
            } else {
                level.index.get(key).copied()
            };
            let g = match known {
                Some(g) => g,
                None => {
                    level.groups.push((
                        gv[..kept].to_vec(),
                        aggs.iter().map(new_acc).collect(),
                        vec![Default::default(); aggs.len()],
                    ));
                    if rollup && l == 0 {
                        level.keys.push((k.clone(), ends.clone()));
                    }
                    level.index.insert(key.to_vec(), level.groups.len() - 1);
                    level.groups.len() - 1
                }
            };
            let (_, accs, seen) = &mut level.groups[g];
            for (i, a) in aggs.iter().enumerate() {
                // The last level takes the values; the ones before it copy them.
                let item = if l == last {
                    fed[i].take()
                } else {
                    fed[i].clone()
                };
                let Some((args, dk, order)) = item else {
                    continue;
                };
                if let Some(dk) = dk
                    && !seen[i].insert(dk)
                {
                    continue;
                }
                feed(&mut accs[i], a, args, order);
            }
        }
    }
    let finish_row = |(gv, accs, _): &Group| -> Row {
        let kept = gv.len();
        let mut row = gv.clone();
        row.resize(n, Value::Null);
        for (acc, a) in accs.iter().zip(aggs) {
            row.push(if a.func == AggFunc::Grouping {
                grouping_mask(a, kept)
            } else {
                finish(acc, a, dpi)
            });
        }
        row
    };
    if !rollup {
        let groups = std::mem::take(&mut levels[0].groups);
        if groups.is_empty() && n == 0 {
            let empty = (Vec::new(), aggs.iter().map(new_acc).collect(), Vec::new());
            return Ok(vec![finish_row(&empty)]);
        }
        return Ok(groups.iter().map(finish_row).collect());
    }
    let full = &levels[0];
    let segment = |g: usize, j: usize| -> &[u8] {
        let (key, ends) = &full.keys[g];
        let start = if j == 0 { 0 } else { ends[j - 1] };
        &key[start..ends[j]]
    };
    let mut order: Vec<usize> = (0..full.groups.len()).collect();
    order.sort_by(|&x, &y| {
        for (j, kind) in kinds.iter().enumerate().take(n) {
            let (a, b) = (&full.groups[x].0[j], &full.groups[y].0[j]);
            let o = match (a.is_null(), b.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => compare(*kind, a, b),
            }
            .then_with(|| segment(x, j).cmp(segment(y, j)));
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    let mut out = Vec::with_capacity(order.len() * 2 + 1);
    for (pos, &g) in order.iter().enumerate() {
        cx.check()?;
        out.push(finish_row(&full.groups[g]));
        // The prefixes this group ends: those longer than what the next group shares with
        // it, or all of them (down to the grand total) after the last group.
        let ended = match order.get(pos + 1) {
            Some(&next) => {
                (0..n)
                    .take_while(|&j| segment(g, j) == segment(next, j))
                    .count()
                    + 1
            }
            None => 0,
        };
        let (key, ends) = &full.keys[g];
        for kept in (ended..n).rev() {
            let prefix = &key[..if kept == 0 { 0 } else { ends[kept - 1] }];
            let level = &levels[n - kept];
            if let Some(&i) = level.index.get(prefix) {
                out.push(finish_row(&level.groups[i]));
            }
        }
    }
    Ok(out)
}

/// GROUPING(...) of an output row that keeps the first `kept` group expressions: one bit per
/// argument, the first argument highest, set when that argument is rolled up.
fn grouping_mask(a: &AggCall, kept: usize) -> Value {
    let mask = a
        .grouping
        .iter()
        .fold(0i64, |m, &p| (m << 1) | i64::from(p >= kept));
    Value::Int(mask)
}

/// Runs a (locking) scan node and returns the matching rows with their primary keys, for
/// UPDATE and DELETE.
pub(crate) fn scan_keyed(node: &Node, cx: &mut Ctx<'_>) -> Result<Vec<(Key, Row)>, EngineError> {
    let Node::Scan {
        table,
        access,
        reverse,
        filter,
        lock,
        wait,
    } = node
    else {
        return Err(EngineError::not_supported("this UPDATE/DELETE plan"));
    };
    let view = cx
        .view(&table.def, ReadMode::Latest)
        .ok_or_else(|| EngineError::no_such_table(&table.def.schema, &table.def.name))?;
    let ranges = encode_ranges(&view, access, *reverse, cx)?;
    let mut scan = ScanOp {
        view,
        ranges,
        range_no: 0,
        reverse: *reverse,
        after: None,
        buf: Vec::new(),
        pos: 0,
        done_range: false,
        filter: filter.clone(),
        lock: *lock,
        wait: *wait,
        decode: None,
    };
    let mut out = Vec::new();
    while let Some((pk, row)) = scan.next_keyed(cx)? {
        out.push((pk, row));
    }
    Ok(out)
}

/// Window functions ([`Node::Window`]): reads every input row, then per window sorts the rows
/// by its partition and order keys (stable, so equal rows keep the previous order) and fills
/// that window's call columns partition by partition.
///
/// <https://dev.mysql.com/doc/refman/8.4/en/window-function-descriptions.html>
fn window(
    input: &mut dyn Op,
    base: usize,
    windows: &[WindowDef],
    calls: &[WindowCall],
    cx: &mut Ctx<'_>,
) -> Result<Vec<Row>, EngineError> {
    let dpi = cx
        .session
        .vars
        .get("div_precision_increment")
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let mut rows = Vec::new();
    while let Some(mut r) = input.next(cx)? {
        cx.check()?;
        r.resize(base + calls.len(), Value::Null);
        rows.push(r);
    }
    for (w_no, w) in windows.iter().enumerate() {
        let mine: Vec<usize> = (0..calls.len())
            .filter(|&i| calls.get(i).is_some_and(|c| c.window == w_no))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let keys: Vec<SortKey> = w.partition.iter().chain(&w.order).cloned().collect();
        if !keys.is_empty() {
            rows = sort_rows(rows, &keys, false, cx)?;
        }
        let mut pvals = Vec::with_capacity(rows.len());
        let mut ovals = Vec::with_capacity(rows.len());
        for r in &rows {
            cx.check()?;
            let mut p = Vec::with_capacity(w.partition.len());
            for k in &w.partition {
                p.push(eval(&k.expr, r, cx)?);
            }
            let mut o = Vec::with_capacity(w.order.len());
            for k in &w.order {
                o.push(eval(&k.expr, r, cx)?);
            }
            pvals.push(p);
            ovals.push(o);
        }
        let mut start = 0;
        while start < rows.len() {
            let mut end = start + 1;
            while end < rows.len() && same_keys(&w.partition, &pvals[start], &pvals[end]) {
                end += 1;
            }
            let part = Partition {
                w,
                okeys: &ovals[start..end],
                base,
                dpi,
            };
            part.compute(&mut rows[start..end], calls, &mine, cx)?;
            start = end;
        }
    }
    Ok(rows)
}

/// True when two rows' values of `keys` are equal (NULLs equal each other).
fn same_keys(keys: &[SortKey], a: &[Value], b: &[Value]) -> bool {
    keys.iter()
        .zip(a.iter().zip(b))
        .all(|(k, (x, y))| match (x, y) {
            (Value::Null, Value::Null) => true,
            (Value::Null, _) | (_, Value::Null) => false,
            _ => compare(k.kind, x, y) == Ordering::Equal,
        })
}

/// One partition of one window, its rows sorted.
struct Partition<'a> {
    w: &'a WindowDef,
    /// Each row's ORDER BY values.
    okeys: &'a [Vec<Value>],
    /// Where the call columns start in a row.
    base: usize,
    dpi: u32,
}

/// A whole number argument (NTILE's buckets, LAG/LEAD's offset, NTH_VALUE's N).
fn whole_arg(e: Option<&Expr>, default: u64, cx: &mut Ctx<'_>) -> Result<Option<u64>, EngineError> {
    let Some(e) = e else {
        return Ok(Some(default));
    };
    Ok(match eval(e, &[], cx)? {
        Value::Int(n) => u64::try_from(n).ok(),
        Value::UInt(n) => Some(n),
        _ => None,
    })
}

impl Partition<'_> {
    fn compute(
        &self,
        rows: &mut [Row],
        calls: &[WindowCall],
        mine: &[usize],
        cx: &mut Ctx<'_>,
    ) -> Result<(), EngineError> {
        let n = rows.len();
        // Peer groups: rows with equal ORDER BY values (all rows without ORDER BY).
        let mut peer_start = vec![0; n];
        let mut peer_end = vec![n; n];
        let mut dense = vec![1u64; n];
        let mut s = 0;
        while s < n {
            let mut e = s + 1;
            while e < n && same_keys(&self.w.order, &self.okeys[s], &self.okeys[e]) {
                e += 1;
            }
            let d = if s == 0 { 1 } else { dense[s - 1] + 1 };
            for i in s..e {
                peer_start[i] = s;
                peer_end[i] = e;
                dense[i] = d;
            }
            s = e;
        }
        let mut frames: Option<Vec<(usize, usize)>> = None;
        for &ci in mine {
            let Some(c) = calls.get(ci) else { continue };
            let col = self.base + ci;
            let wrong = || {
                EngineError::new(
                    1210,
                    "HY000",
                    format!("Incorrect arguments to {}", c.func.name()),
                )
            };
            let mut out: Vec<Value> = Vec::with_capacity(n);
            match c.func {
                WindowFunc::RowNumber => out.extend((1..=n as u64).map(Value::UInt)),
                WindowFunc::Rank => {
                    out.extend(peer_start.iter().map(|p| Value::UInt(*p as u64 + 1)))
                }
                WindowFunc::DenseRank => out.extend(dense.iter().map(|d| Value::UInt(*d))),
                WindowFunc::PercentRank => out.extend(peer_start.iter().map(|p| {
                    Value::Double(if n > 1 {
                        *p as f64 / (n - 1) as f64
                    } else {
                        0.0
                    })
                })),
                WindowFunc::CumeDist => {
                    out.extend(peer_end.iter().map(|e| Value::Double(*e as f64 / n as f64)))
                }
                WindowFunc::Ntile => {
                    let b = match whole_arg(c.args.first(), 1, cx)? {
                        Some(b) if b > 0 => b,
                        _ => return Err(wrong()),
                    };
                    let size = n as u64;
                    let q = size / b;
                    let rem = size % b;
                    let big = rem * (q + 1);
                    for r in 0..size {
                        let bucket = if r < big {
                            r / (q + 1)
                        } else {
                            rem + (r - big) / q.max(1)
                        };
                        out.push(Value::UInt(bucket + 1));
                    }
                }
                WindowFunc::Lag | WindowFunc::Lead => {
                    let off = whole_arg(c.args.get(1), 1, cx)?.ok_or_else(wrong)?;
                    let vals = self.values(rows, c.args.first(), cx)?;
                    for (i, row) in rows.iter().enumerate() {
                        cx.check()?;
                        let target = match (c.func, usize::try_from(off)) {
                            (_, Err(_)) => None,
                            (WindowFunc::Lag, Ok(o)) => i.checked_sub(o),
                            (_, Ok(o)) => i.checked_add(o).filter(|t| *t < n),
                        };
                        out.push(match target {
                            Some(t) => vals.get(t).cloned().unwrap_or(Value::Null),
                            None => match c.args.get(2) {
                                Some(d) => eval(d, row, cx)?,
                                None => Value::Null,
                            },
                        });
                    }
                }
                WindowFunc::FirstValue | WindowFunc::LastValue | WindowFunc::NthValue => {
                    let nth = if c.func == WindowFunc::NthValue {
                        whole_arg(c.args.get(1), 1, cx)?
                            .filter(|k| *k > 0)
                            .ok_or_else(wrong)?
                    } else {
                        1
                    };
                    let vals = self.values(rows, c.args.first(), cx)?;
                    let fr = self.frames(&mut frames, &peer_start, &peer_end)?;
                    for &(lo, hi) in fr.iter() {
                        let at = match c.func {
                            WindowFunc::FirstValue => (lo < hi).then_some(lo),
                            WindowFunc::LastValue => (lo < hi).then(|| hi - 1),
                            _ => usize::try_from(nth - 1)
                                .ok()
                                .and_then(|k| lo.checked_add(k))
                                .filter(|t| *t < hi),
                        };
                        out.push(at.and_then(|t| vals.get(t).cloned()).unwrap_or(Value::Null));
                    }
                }
                WindowFunc::Agg(_) => {
                    let Some(a) = &c.agg else { continue };
                    let mut args: Vec<Vec<Value>> = Vec::with_capacity(n);
                    for r in rows.iter() {
                        cx.check()?;
                        let mut v = Vec::with_capacity(a.args.len());
                        for e in &a.args {
                            v.push(eval(e, r, cx)?);
                        }
                        args.push(v);
                    }
                    let fr = self.frames(&mut frames, &peer_start, &peer_end)?;
                    // Frames that start at the partition's first row grow monotonically: one
                    // running accumulator. Others are accumulated afresh per row.
                    let mut acc = new_acc(a);
                    let mut fed = 0;
                    for &(lo, hi) in fr.iter() {
                        cx.check()?;
                        if lo != 0 || hi < fed {
                            acc = new_acc(a);
                            fed = lo;
                        }
                        while fed < hi {
                            cx.check()?;
                            feed(&mut acc, a, args[fed].clone(), Vec::new());
                            fed += 1;
                        }
                        out.push(finish(&acc, a, self.dpi));
                        if lo != 0 {
                            fed = usize::MAX;
                        }
                    }
                }
            }
            for (r, v) in rows.iter_mut().zip(out) {
                if let Some(slot) = r.get_mut(col) {
                    *slot = v;
                }
            }
        }
        Ok(())
    }

    /// Each row's value of `e`.
    fn values(
        &self,
        rows: &[Row],
        e: Option<&Expr>,
        cx: &mut Ctx<'_>,
    ) -> Result<Vec<Value>, EngineError> {
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            cx.check()?;
            out.push(match e {
                Some(e) => eval(e, r, cx)?,
                None => Value::Null,
            });
        }
        Ok(out)
    }

    /// Each row's frame as `[lo, hi)` row positions, computed once per partition.
    fn frames<'f>(
        &self,
        cache: &'f mut Option<Vec<(usize, usize)>>,
        peer_start: &[usize],
        peer_end: &[usize],
    ) -> Result<&'f [(usize, usize)], EngineError> {
        if cache.is_none() {
            let n = peer_start.len();
            let mut v = Vec::with_capacity(n);
            for i in 0..n {
                v.push(self.frame(i, n, peer_start, peer_end));
            }
            *cache = Some(v);
        }
        Ok(cache.as_deref().unwrap_or(&[]))
    }

    fn frame(
        &self,
        i: usize,
        n: usize,
        peer_start: &[usize],
        peer_end: &[usize],
    ) -> (usize, usize) {
        let Some(f) = &self.w.frame else {
            return if self.w.order.is_empty() {
                (0, n)
            } else {
                (0, peer_end[i])
            };
        };
        let off = |v: &Value| -> usize {
            match v {
                Value::Int(x) => usize::try_from(*x).unwrap_or(0),
                Value::UInt(x) => usize::try_from(*x).unwrap_or(usize::MAX),
                _ => 0,
            }
        };
        // A frame's end is exclusive: one past the row its bound names.
        let edge = |bound: &FrameBound, start: bool| -> usize {
            let past = usize::from(!start);
            let peers = if start { peer_start } else { peer_end };
            match (&f.unit, bound) {
                (_, FrameBound::UnboundedPreceding) => 0,
                (_, FrameBound::UnboundedFollowing) => n,
                (FrameUnit::Rows, FrameBound::CurrentRow) => i + past,
                (FrameUnit::Rows, FrameBound::Preceding(v)) => (i + past).saturating_sub(off(v)),
                (FrameUnit::Rows, FrameBound::Following(v)) => {
                    i.saturating_add(off(v)).saturating_add(past)
                }
                (FrameUnit::Range, FrameBound::CurrentRow) => peers[i],
                (FrameUnit::Range, FrameBound::Preceding(v)) => {
                    self.range_edge(i, v, true, start, peers)
                }
                (FrameUnit::Range, FrameBound::Following(v)) => {
                    self.range_edge(i, v, false, start, peers)
                }
            }
        };
        let (lo, hi) = (edge(&f.start, true), edge(&f.end, false));
        let hi = hi.min(n);
        (lo.min(hi), hi)
    }

    /// A RANGE frame edge at `offset` before (`preceding`) or after the current row's ORDER BY
    /// value: the first row at or past that value for a start, the first row past it for an
    /// end. A NULL current value's frame edge is its peers' (`peers`).
    fn range_edge(
        &self,
        i: usize,
        offset: &Value,
        preceding: bool,
        start: bool,
        peers: &[usize],
    ) -> usize {
        let key = |j: usize| {
            self.okeys
                .get(j)
                .and_then(|k| k.first())
                .and_then(|v| if v.is_null() { None } else { v.to_f64() })
        };
        let Some(x) = key(i) else {
            return peers[i];
        };
        let desc = self.w.order.first().is_some_and(|k| k.desc);
        let d = offset.to_f64().unwrap_or(0.0);
        // Moving towards the start of the sort order is "preceding".
        let t = if preceding != desc { x - d } else { x + d };
        // Rows sorted: NULLs first ascending, last descending.
        let before = |j: usize| match key(j) {
            None => !desc,
            Some(y) => {
                if desc {
                    if start { y > t } else { y >= t }
                } else if start {
                    y < t
                } else {
                    y <= t
                }
            }
        };
        let (mut lo, mut hi) = (0, self.okeys.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if before(mid) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}
