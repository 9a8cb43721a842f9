//! Expression evaluation with MySQL semantics: three-valued logic, typed comparisons, checked
//! integer arithmetic (ER 1690), decimal division with `div_precision_increment`, division by
//! zero as NULL with warning 1365.

use std::cmp::Ordering;
use std::sync::Arc;

use super::{Ctx, Row, build};
use crate::ctx::FuncCtx;
use crate::error::EngineError;
use crate::func::ArithOp;
use crate::plan::{BitOp, CastTo, CmpKind, CmpOp, Expr, SessionValue, SubqueryKind};
use crate::temporal::DateTime;
use crate::types::ResultKind;
use crate::value::{Dec, Value, compare as loose_compare};

fn int(b: bool) -> Value {
    Value::Int(i64::from(b))
}

/// SQL truth of a value: Some(true/false), None for NULL.
pub(crate) fn truth(v: &Value) -> Option<bool> {
    v.to_bool()
}

fn temporal_of(v: &Value) -> Option<DateTime> {
    match v {
        Value::DateTime(d) => Some(*d),
        Value::Date(d) => Some(DateTime::from_date(*d)),
        Value::Bytes(b) => crate::temporal::parse_datetime_loose(b),
        Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => {
            crate::temporal::parse_datetime_loose(&v.to_text().unwrap_or_default())
        }
        _ => None,
    }
}

fn time_of(v: &Value) -> Option<crate::temporal::Time> {
    match v {
        Value::Bytes(b) => crate::temporal::parse_time_loose(b),
        Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => {
            crate::temporal::parse_time_loose(&v.to_text().unwrap_or_default())
        }
        _ => None,
    }
}

/// Compares two non-NULL values the way `kind` says.
pub(crate) fn compare(kind: CmpKind, a: &Value, b: &Value) -> Ordering {
    match kind {
        CmpKind::Int => match (a, b) {
            (Value::Int(x), Value::Int(y)) => x.cmp(y),
            (Value::UInt(x), Value::UInt(y)) => x.cmp(y),
            _ => {
                let x = a.to_dec().map(|d| d.round(0).mant).unwrap_or(0);
                let y = b.to_dec().map(|d| d.round(0).mant).unwrap_or(0);
                if a.is_numeric()
                    && b.is_numeric()
                    && !matches!(a, Value::Double(_))
                    && !matches!(b, Value::Double(_))
                {
                    x.cmp(&y)
                } else {
                    loose_compare(a, b)
                }
            }
        },
        CmpKind::Decimal => {
            let x = a.to_dec().unwrap_or(Dec::ZERO);
            let y = b.to_dec().unwrap_or(Dec::ZERO);
            x.cmp(y)
        }
        CmpKind::Real => {
            let x = a.to_f64().unwrap_or(0.0);
            let y = b.to_f64().unwrap_or(0.0);
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        CmpKind::String(c) => {
            if let (Value::Bytes(x), Value::Bytes(y)) = (a, b) {
                return c.compare(x, y);
            }
            let x = a.to_text().unwrap_or_default();
            let y = b.to_text().unwrap_or_default();
            c.compare(&x, &y)
        }
        CmpKind::Temporal => match (a, b) {
            (Value::Time(x), Value::Time(y)) => x.cmp(y),
            // A TIME against a string or number: the other side is read as a TIME, as MySQL
            // compares a TIME column with '23:59:58' (not as numbers).
            (Value::Time(x), other) | (other, Value::Time(x)) if time_of(other).is_some() => {
                let y = time_of(other).unwrap_or(*x);
                if matches!(a, Value::Time(_)) {
                    x.cmp(&y)
                } else {
                    y.cmp(x)
                }
            }
            _ => match (temporal_of(a), temporal_of(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                _ => loose_compare(a, b),
            },
        },
        CmpKind::Json => crate::json::compare_values(a, b),
        CmpKind::Dynamic => loose_compare(a, b),
    }
}

fn cmp_result(op: CmpOp, o: Ordering) -> bool {
    match op {
        CmpOp::Eq | CmpOp::NullSafeEq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}

/// Evaluates `e` over `row`. The hot, recursive cases live in this small frame (deep operator
/// chains must not exhaust the stack); the rest is in `eval_other`.
pub(crate) fn eval(e: &Expr, row: &[Value], cx: &mut Ctx<'_>) -> Result<Value, EngineError> {
    match e {
        Expr::Const(v) => Ok(v.clone()),
        Expr::Column(i) => Ok(row.get(*i).cloned().unwrap_or(Value::Null)),
        Expr::Arith(op, a, b, info) => {
            let x = eval(a, row, cx)?;
            let y = eval(b, row, cx)?;
            arith(*op, &x, &y, info, cx)
        }
        Expr::Cmp(op, kind, a, b) => {
            let x = eval(a, row, cx)?;
            let y = eval(b, row, cx)?;
            Ok(compare_values(*op, *kind, &x, &y))
        }
        _ => eval_other(e, row, cx),
    }
}

fn compare_values(op: CmpOp, kind: CmpKind, x: &Value, y: &Value) -> Value {
    if op == CmpOp::NullSafeEq {
        return int(match (x.is_null(), y.is_null()) {
            (true, true) => true,
            (false, false) => compare(kind, x, y) == Ordering::Equal,
            _ => false,
        });
    }
    if x.is_null() || y.is_null() {
        Value::Null
    } else {
        int(cmp_result(op, compare(kind, x, y)))
    }
}

#[inline(never)]
fn eval_other(e: &Expr, row: &[Value], cx: &mut Ctx<'_>) -> Result<Value, EngineError> {
    Ok(match e {
        Expr::Const(v) => v.clone(),
        Expr::Column(i) => row.get(*i).cloned().unwrap_or(Value::Null),
        Expr::Reg(r) => cx.regs.get(*r).cloned().unwrap_or(Value::Null),
        Expr::Param(i) => cx.params.get(*i).cloned().unwrap_or(Value::Null),
        Expr::Agg(_) => {
            return Err(EngineError::new(
                1111,
                "HY000",
                "Invalid use of group function",
            ));
        }
        Expr::Window(_) => {
            return Err(EngineError::new(
                3593,
                "HY000",
                "You cannot use the window function 'window' in this context.'",
            ));
        }
        Expr::Cmp(op, kind, a, b) => {
            let x = eval(a, row, cx)?;
            let y = eval(b, row, cx)?;
            if *op == CmpOp::NullSafeEq {
                return Ok(int(match (x.is_null(), y.is_null()) {
                    (true, true) => true,
                    (false, false) => compare(*kind, &x, &y) == Ordering::Equal,
                    _ => false,
                }));
            }
            if x.is_null() || y.is_null() {
                Value::Null
            } else {
                int(cmp_result(*op, compare(*kind, &x, &y)))
            }
        }
        Expr::And(a, b) => {
            let x = truth(&eval(a, row, cx)?);
            if x == Some(false) {
                return Ok(int(false));
            }
            let y = truth(&eval(b, row, cx)?);
            match (x, y) {
                (_, Some(false)) => int(false),
                (Some(true), Some(true)) => int(true),
                _ => Value::Null,
            }
        }
        Expr::Or(a, b) => {
            let x = truth(&eval(a, row, cx)?);
            if x == Some(true) {
                return Ok(int(true));
            }
            let y = truth(&eval(b, row, cx)?);
            match (x, y) {
                (_, Some(true)) => int(true),
                (Some(false), Some(false)) => int(false),
                _ => Value::Null,
            }
        }
        Expr::Xor(a, b) => {
            let x = truth(&eval(a, row, cx)?);
            let y = truth(&eval(b, row, cx)?);
            match (x, y) {
                (Some(p), Some(q)) => int(p != q),
                _ => Value::Null,
            }
        }
        Expr::Not(a) => match truth(&eval(a, row, cx)?) {
            Some(b) => int(!b),
            None => Value::Null,
        },
        Expr::IsNull(a, neg) => int(eval(a, row, cx)?.is_null() != *neg),
        Expr::IsBool(a, want, neg) => {
            let t = truth(&eval(a, row, cx)?);
            int((t == Some(*want)) != *neg)
        }
        Expr::Neg(a) => match eval(a, row, cx)? {
            Value::Null => Value::Null,
            Value::Int(i) => match i.checked_neg() {
                Some(n) => Value::Int(n),
                None => return Err(EngineError::out_of_range("BIGINT", &format!("-({i})"))),
            },
            Value::UInt(u) => {
                if u <= i64::MAX as u64 + 1 {
                    Value::Int((u as i64).wrapping_neg())
                } else {
                    return Err(EngineError::out_of_range("BIGINT", &format!("-({u})")));
                }
            }
            Value::Decimal(d) => Value::Decimal(Dec {
                mant: -d.mant,
                scale: d.scale,
            }),
            other => Value::Double(-other.to_f64().unwrap_or(0.0)),
        },
        Expr::Arith(op, a, b, ty) => {
            let x = eval(a, row, cx)?;
            let y = eval(b, row, cx)?;
            arith(*op, &x, &y, ty, cx)?
        }
        Expr::Bit(op, a, b) => {
            let x = eval(a, row, cx)?;
            let y = eval(b, row, cx)?;
            match (bits(&x), bits(&y)) {
                (Some(p), Some(q)) => Value::UInt(match op {
                    BitOp::And => p & q,
                    BitOp::Or => p | q,
                    BitOp::Xor => p ^ q,
                    BitOp::Shl => p.checked_shl(u32::try_from(q).unwrap_or(64)).unwrap_or(0),
                    BitOp::Shr => p.checked_shr(u32::try_from(q).unwrap_or(64)).unwrap_or(0),
                }),
                _ => Value::Null,
            }
        }
        Expr::BitNot(a) => match bits(&eval(a, row, cx)?) {
            Some(p) => Value::UInt(!p),
            None => Value::Null,
        },
        Expr::Like {
            expr,
            pattern,
            escape,
            collation,
            negated,
        } => {
            let v = eval(expr, row, cx)?;
            let p = eval(pattern, row, cx)?;
            match (v.to_text(), p.to_text()) {
                (Some(s), Some(p)) => int(collation.like(&s, &p, *escape) != *negated),
                _ => Value::Null,
            }
        }
        Expr::InList {
            expr,
            list,
            kind,
            negated,
        } => {
            let v = eval(expr, row, cx)?;
            if v.is_null() {
                return Ok(Value::Null);
            }
            let mut saw_null = false;
            for item in list {
                let c = eval(item, row, cx)?;
                if c.is_null() {
                    saw_null = true;
                } else if compare(*kind, &v, &c) == Ordering::Equal {
                    return Ok(int(!negated));
                }
            }
            if saw_null { Value::Null } else { int(*negated) }
        }
        Expr::Between {
            expr,
            low,
            high,
            kind,
            negated,
        } => {
            let v = eval(expr, row, cx)?;
            let lo = eval(low, row, cx)?;
            let hi = eval(high, row, cx)?;
            let ge =
                (!v.is_null() && !lo.is_null()).then(|| compare(*kind, &v, &lo) != Ordering::Less);
            let le = (!v.is_null() && !hi.is_null())
                .then(|| compare(*kind, &v, &hi) != Ordering::Greater);
            match (ge, le) {
                (Some(false), _) | (_, Some(false)) => int(*negated),
                (Some(true), Some(true)) => int(!negated),
                _ => Value::Null,
            }
        }
        Expr::Case {
            operand,
            whens,
            else_,
            kind,
            ..
        } => {
            let op = match operand {
                Some(o) => Some(eval(o, row, cx)?),
                None => None,
            };
            for (w, t) in whens {
                let c = eval(w, row, cx)?;
                let hit = match &op {
                    Some(o) => {
                        !o.is_null() && !c.is_null() && compare(*kind, o, &c) == Ordering::Equal
                    }
                    None => truth(&c) == Some(true),
                };
                if hit {
                    return eval(t, row, cx);
                }
            }
            match else_ {
                Some(e) => eval(e, row, cx)?,
                None => Value::Null,
            }
        }
        Expr::If(c, a, b, _) => {
            if truth(&eval(c, row, cx)?) == Some(true) {
                eval(a, row, cx)?
            } else {
                eval(b, row, cx)?
            }
        }
        Expr::Coalesce(args, _) => {
            for a in args {
                let v = eval(a, row, cx)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            Value::Null
        }
        Expr::NullIf(a, b, kind) => {
            let x = eval(a, row, cx)?;
            let y = eval(b, row, cx)?;
            if !x.is_null() && !y.is_null() && compare(*kind, &x, &y) == Ordering::Equal {
                Value::Null
            } else {
                x
            }
        }
        Expr::Func(f, args) => {
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                vals.push(eval(a, row, cx)?);
            }
            if f.is_user_lock() {
                return user_lock(*f, &vals, cx);
            }
            let v = f.eval(&vals, cx)?;
            if *f == crate::func::Func::Sleep {
                return sleep(vals.first(), cx);
            }
            v
        }
        Expr::Cast(a, to) => {
            let v = eval(a, row, cx)?;
            cast(v, to, cx)?
        }
        Expr::UserVar(n) => cx.session.user_vars.get(n).cloned().unwrap_or(Value::Null),
        Expr::Stored(call, args) => {
            let mut values = Vec::with_capacity(args.len());
            for a in args {
                values.push(eval(a, row, cx)?);
            }
            (cx.engine.call_function)(cx, call, values)?
        }
        Expr::SetUserVar(n, a) => {
            let v = eval(a, row, cx)?;
            cx.session.user_vars.insert(n.clone(), v.clone());
            v
        }
        Expr::SysVar(global, name) => cx.engine.system_variable_value(cx.session, *global, name),
        Expr::Session(s) => match s {
            SessionValue::WarningCount => Value::UInt(u64::from(cx.session.warning_count())),
            SessionValue::ErrorCount => Value::UInt(cx.session.error_count()),
            SessionValue::Identity => Value::UInt(cx.session.last_insert_id),
        },
        Expr::Subquery(s) => {
            // Correlated values flow in through registers.
            for (r, b) in &s.binds {
                let v = eval(b, row, cx)?;
                if let Some(slot) = cx.regs.get_mut(*r) {
                    *slot = v;
                } else {
                    cx.regs.resize(*r + 1, Value::Null);
                    cx.regs[*r] = v;
                }
            }
            let rows = subquery_rows(s, cx)?;
            match &s.kind {
                SubqueryKind::Scalar => {
                    if rows.len() > 1 {
                        return Err(EngineError::subquery_rows());
                    }
                    rows.first()
                        .and_then(|r| r.first().cloned())
                        .unwrap_or(Value::Null)
                }
                SubqueryKind::Exists => int(!rows.is_empty()),
                SubqueryKind::In { expr, kind } => {
                    let v = eval(expr, row, cx)?;
                    if rows.is_empty() {
                        return Ok(int(false));
                    }
                    if v.is_null() {
                        return Ok(Value::Null);
                    }
                    let mut saw_null = false;
                    for r in rows.iter() {
                        let c = r.first().cloned().unwrap_or(Value::Null);
                        if c.is_null() {
                            saw_null = true;
                        } else if compare(*kind, &v, &c) == Ordering::Equal {
                            return Ok(int(true));
                        }
                    }
                    if saw_null { Value::Null } else { int(false) }
                }
                SubqueryKind::Quantified {
                    expr,
                    op,
                    all,
                    kind,
                } => {
                    let v = eval(expr, row, cx)?;
                    if rows.is_empty() {
                        return Ok(int(*all));
                    }
                    if v.is_null() {
                        return Ok(Value::Null);
                    }
                    let mut saw_null = false;
                    for r in rows.iter() {
                        let c = r.first().cloned().unwrap_or(Value::Null);
                        if c.is_null() {
                            saw_null = true;
                            continue;
                        }
                        let hit = cmp_result(*op, compare(*kind, &v, &c));
                        if *all && !hit {
                            return Ok(int(false));
                        }
                        if !*all && hit {
                            return Ok(int(true));
                        }
                    }
                    if saw_null { Value::Null } else { int(*all) }
                }
            }
        }
    })
}

/// SLEEP(n): sleeps in short slices so KILL QUERY (result 1, as MySQL) and
/// max_execution_time (ER 3024) interrupt it.
fn sleep(arg: Option<&Value>, cx: &mut Ctx<'_>) -> Result<Value, EngineError> {
    let Some(d) = arg.and_then(crate::func::sleep_duration) else {
        return Ok(Value::Int(0));
    };
    let end = std::time::Instant::now() + d;
    loop {
        if cx.cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(Value::Int(1));
        }
        let now = std::time::Instant::now();
        if let Some(deadline) = cx.deadline
            && now >= deadline
        {
            return Err(EngineError::new(
                3024,
                "HY000",
                "Query execution was interrupted, maximum statement execution time exceeded",
            ));
        }
        if now >= end {
            return Ok(Value::Int(0));
        }
        std::thread::sleep((end - now).min(std::time::Duration::from_millis(20)));
    }
}

/// GET_LOCK, RELEASE_LOCK, RELEASE_ALL_LOCKS, IS_FREE_LOCK and IS_USED_LOCK against the
/// engine's registry (`user_lock`); the session's handle on it is made on first use.
fn user_lock(f: crate::func::Func, args: &[Value], cx: &mut Ctx<'_>) -> Result<Value, EngineError> {
    use crate::func::Func;
    use crate::user_lock::{Acquired, lock_name, lock_timeout};
    let null = Value::Null;
    let name = || lock_name(args.first().unwrap_or(&null));
    let session = &mut *cx.session;
    let registry = &cx.engine.user_locks;
    let connection = u64::from(session.info.connection_id);
    Ok(match f {
        Func::GetLock => {
            let name = name()?;
            let timeout = lock_timeout(args.get(1).unwrap_or(&null));
            let owner = session
                .user_locks
                .get_or_insert_with(|| registry.owner(connection));
            match owner.acquire(&name, timeout, &cx.cancel, cx.deadline)? {
                Acquired::Granted => Value::Int(1),
                Acquired::TimedOut => Value::Int(0),
            }
        }
        Func::ReleaseLock => {
            let name = name()?;
            match &session.user_locks {
                Some(owner) => match owner.release(&name) {
                    Some(released) => Value::Int(i64::from(released)),
                    None => Value::Null,
                },
                // Holds nothing: 0 when another session holds the name, NULL when nobody does.
                None => match registry.holder(&name) {
                    Some(_) => Value::Int(0),
                    None => Value::Null,
                },
            }
        }
        Func::ReleaseAllLocks => {
            Value::UInt(session.user_locks.as_ref().map_or(0, |o| o.release_all()))
        }
        Func::IsFreeLock => Value::Int(i64::from(registry.holder(&name()?).is_none())),
        Func::IsUsedLock => registry.holder(&name()?).map_or(Value::Null, Value::UInt),
        _ => Value::Null,
    })
}

fn subquery_rows(
    s: &crate::plan::Subquery,
    cx: &mut Ctx<'_>,
) -> Result<Arc<Vec<Row>>, EngineError> {
    if s.binds.is_empty()
        && let Some(r) = cx.sub_cache.get(&s.id)
    {
        return Ok(r.clone());
    }
    let mut op = build(&s.plan.root, cx)?;
    let mut rows = Vec::new();
    let single = matches!(s.kind, SubqueryKind::Exists);
    while let Some(r) = op.next(cx)? {
        rows.push(r);
        if single {
            break;
        }
        if matches!(s.kind, SubqueryKind::Scalar) && rows.len() > 1 {
            break;
        }
    }
    let rows = Arc::new(rows);
    if s.binds.is_empty() {
        cx.sub_cache.insert(s.id, rows.clone());
    }
    Ok(rows)
}

fn bits(v: &Value) -> Option<u64> {
    match v {
        Value::Null => None,
        Value::Int(i) => Some(*i as u64),
        Value::UInt(u) => Some(*u),
        other => {
            let f = other.to_f64().unwrap_or(0.0).round();
            Some(if f < 0.0 { f as i64 as u64 } else { f as u64 })
        }
    }
}

fn div_by_zero(cx: &mut Ctx<'_>) -> Value {
    cx.warn(1365, "Division by 0".into());
    Value::Null
}

fn arith(
    op: ArithOp,
    x: &Value,
    y: &Value,
    info: &crate::plan::ArithInfo,
    cx: &mut Ctx<'_>,
) -> Result<Value, EngineError> {
    let ty = &info.ty;
    if x.is_null() || y.is_null() {
        return Ok(Value::Null);
    }
    let overflow = |kind: &str| EngineError::out_of_range(kind, &info.text);
    match ty.result_kind() {
        ResultKind::Int if op != ArithOp::Div => {
            let a = x
                .to_dec()
                .map(|d| d.trunc_int())
                .unwrap_or(0)
                .clamp(i128::from(i64::MIN), i128::from(u64::MAX));
            let b = y
                .to_dec()
                .map(|d| d.trunc_int())
                .unwrap_or(0)
                .clamp(i128::from(i64::MIN), i128::from(u64::MAX));
            let r = match op {
                ArithOp::Add => a.checked_add(b),
                ArithOp::Sub => a.checked_sub(b),
                ArithOp::Mul => a.checked_mul(b),
                ArithOp::IntDiv | ArithOp::Div => {
                    if b == 0 {
                        return Ok(div_by_zero(cx));
                    }
                    if op == ArithOp::IntDiv
                        && (!matches!(x, Value::Int(_) | Value::UInt(_))
                            || !matches!(y, Value::Int(_) | Value::UInt(_)))
                    {
                        let q = x.to_f64().unwrap_or(0.0) / y.to_f64().unwrap_or(1.0);
                        Some(q.trunc() as i128)
                    } else {
                        a.checked_div(b)
                    }
                }
                ArithOp::Mod => {
                    if b == 0 {
                        return Ok(div_by_zero(cx));
                    }
                    a.checked_rem(b)
                }
            };
            let r = r.ok_or_else(|| {
                overflow(if ty.unsigned {
                    "BIGINT UNSIGNED"
                } else {
                    "BIGINT"
                })
            })?;
            if ty.unsigned {
                u64::try_from(r)
                    .map(Value::UInt)
                    .map_err(|_| overflow("BIGINT UNSIGNED"))
            } else {
                i64::try_from(r)
                    .map(Value::Int)
                    .map_err(|_| overflow("BIGINT"))
            }
        }
        ResultKind::Int | ResultKind::Decimal => {
            let a = x.to_dec().unwrap_or(Dec::ZERO);
            let b = y.to_dec().unwrap_or(Dec::ZERO);
            let r = match op {
                ArithOp::Add => a.add(b),
                ArithOp::Sub => a.sub(b),
                ArithOp::Mul => a.mul(b),
                ArithOp::Div => match a.div(b, u32::from(ty.scale).saturating_sub(a.scale)) {
                    Some(None) => return Ok(div_by_zero(cx)),
                    Some(Some(d)) => Some(d),
                    None => None,
                },
                ArithOp::IntDiv => match a.div(b, 0) {
                    Some(None) => return Ok(div_by_zero(cx)),
                    Some(Some(d)) => Some(Dec::from_i128(d.trunc_int())),
                    None => None,
                },
                ArithOp::Mod => match a.rem(b) {
                    Some(None) => return Ok(div_by_zero(cx)),
                    Some(Some(d)) => Some(d),
                    None => None,
                },
            };
            r.map(Value::Decimal).ok_or_else(|| overflow("DECIMAL"))
        }
        _ => {
            let a = x.to_f64().unwrap_or(0.0);
            let b = y.to_f64().unwrap_or(0.0);
            let r = match op {
                ArithOp::Add => a + b,
                ArithOp::Sub => a - b,
                ArithOp::Mul => a * b,
                ArithOp::Div => {
                    if b == 0.0 {
                        return Ok(div_by_zero(cx));
                    }
                    a / b
                }
                ArithOp::IntDiv => {
                    if b == 0.0 {
                        return Ok(div_by_zero(cx));
                    }
                    return Ok(Value::Int((a / b).trunc() as i64));
                }
                ArithOp::Mod => {
                    if b == 0.0 {
                        return Ok(div_by_zero(cx));
                    }
                    a % b
                }
            };
            if r.is_finite() {
                Ok(Value::Double(r))
            } else {
                Err(overflow("DOUBLE"))
            }
        }
    }
}

/// CAST, with MySQL's conversions and warnings (`crate::func::cast`, `crate::temporal`).
pub(crate) fn cast(v: Value, to: &CastTo, cx: &mut Ctx<'_>) -> Result<Value, EngineError> {
    use crate::func::cast as c;
    if v.is_null() {
        return Ok(Value::Null);
    }
    Ok(match to {
        CastTo::Signed => c::cast_signed(&v, cx),
        CastTo::Unsigned => c::cast_unsigned(&v, cx),
        CastTo::Decimal(m, d) => c::cast_decimal(&v, *m, u32::from(*d), cx),
        CastTo::Double => c::cast_double(&v, cx),
        CastTo::Char(n, coll) => match c::cast_char(&v, *n, cx) {
            // CONVERT(x USING cs), CAST(x AS CHAR CHARACTER SET cs): only what cs represents
            // (a binary string's bytes read as characters of cs).
            Value::Bytes(b) => Value::Bytes(match crate::charset::Charset::of(*coll).convert(b) {
                Ok(b) | Err((_, b)) => b,
            }),
            other => other,
        },
        CastTo::Binary(n) => c::cast_binary(&v, *n, cx),
        CastTo::Date => crate::temporal::to_date(&v, cx).map_or(Value::Null, Value::Date),
        CastTo::DateTime(fsp) => crate::temporal::to_datetime(&v, cx)
            .and_then(|d| crate::temporal::round_datetime(d, *fsp))
            .map_or(Value::Null, Value::DateTime),
        CastTo::Time(fsp) => crate::temporal::to_time(&v, cx)
            .map(|t| crate::temporal::round_time(t, *fsp))
            .map_or(Value::Null, Value::Time),
        CastTo::Encoded(cs) => match v {
            Value::Bytes(b) => match cs.encode(&b) {
                std::borrow::Cow::Borrowed(_) => Value::Bytes(b),
                std::borrow::Cow::Owned(e) => Value::Bytes(e),
            },
            other => other,
        },
        CastTo::Year => {
            let i = v.to_i64().unwrap_or(0);
            Value::Int(match i {
                1..=69 => 2000 + i,
                70..=99 => 1900 + i,
                _ => i,
            })
        }
    })
}

impl FuncCtx for Ctx<'_> {
    fn warn(&mut self, code: u16, message: String) {
        Ctx::warn(self, code, message);
    }
    fn now(&self) -> DateTime {
        self.now
    }
    fn utc_now(&self) -> DateTime {
        self.utc_now
    }
    fn tz_offset_secs(&self) -> i64 {
        self.session.tz_offset_secs()
    }
    fn div_precision_increment(&self) -> u32 {
        self.session
            .vars
            .get("div_precision_increment")
            .and_then(|v| v.parse().ok())
            .unwrap_or(4)
    }
    fn max_allowed_packet(&self) -> usize {
        self.engine
            .global_variable("max_allowed_packet")
            .and_then(|v| v.parse().ok())
            .unwrap_or(64 << 20)
    }
    fn strict(&self) -> bool {
        self.session.strict()
    }
    fn error_for_division_by_zero(&self) -> bool {
        self.session.sql_mode_has("ERROR_FOR_DIVISION_BY_ZERO")
    }
    fn database(&self) -> Option<String> {
        self.session.database.clone()
    }
    fn user(&self) -> String {
        format!(
            "{}@{}",
            self.session.info.user, self.session.info.client_host
        )
    }
    fn current_role(&self) -> String {
        self.session.current_role()
    }
    fn current_user(&self) -> String {
        format!(
            "{}@{}",
            self.session.info.user, self.session.info.account_host
        )
    }
    fn connection_id(&self) -> u64 {
        u64::from(self.session.info.connection_id)
    }
    fn last_insert_id(&self) -> u64 {
        self.session.last_insert_id
    }
    fn set_last_insert_id(&mut self, v: u64) {
        self.session.last_insert_id = v;
    }
    fn row_count(&self) -> i64 {
        self.session.row_count
    }
    fn found_rows(&self) -> u64 {
        self.session.found_rows
    }
    fn version(&self) -> String {
        self.engine.version.clone()
    }
    fn rand(&mut self, seed: Option<i64>) -> f64 {
        self.session.rand(seed)
    }
}
