//! Binding window functions: `func(...) OVER (PARTITION BY ... ORDER BY ... [frame])`,
//! `OVER w` and the SELECT's `WINDOW w AS (...)` clause.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/window-functions-usage.html>
//!
//! Window calls are collected per query level like aggregates: a call binds to
//! [`Expr::Window`]`(k)`, and the SELECT binder (`query.rs`) places a [`Node::Window`] above
//! GROUP BY/HAVING whose output columns replace those placeholders. They are allowed only in
//! the select list and ORDER BY (ER 3593 elsewhere); their arguments and keys may use
//! aggregates of the same level (`SUM(SUM(x)) OVER ()`).
//!
//! [`Node::Window`]: crate::plan::Node::Window

use sqlparser::ast::{
    self as ast, FunctionArg, FunctionArgExpr, FunctionArguments, NamedWindowDefinition,
    NamedWindowExpr, WindowFrameBound, WindowFrameUnits, WindowType,
};

use super::{Binder, Bound, agg_func, cmp_kind};
use crate::error::EngineError;
use crate::plan::{
    AggCall, AggFunc, CmpKind, Expr, Frame, FrameBound, FrameUnit, SortKey, WindowCall, WindowDef,
    WindowFunc,
};
use crate::types::{ResultKind, SqlType};
use crate::value::Value;

/// The name MySQL's messages give a window defined inline.
const UNNAMED: &str = "<unnamed window>";

/// Window calls collected while binding a select list and ORDER BY.
#[derive(Default)]
pub(crate) struct WindowCollector {
    /// The SELECT's WINDOW clause.
    named: Vec<NamedWindowDefinition>,
    pub(crate) windows: Vec<WindowDef>,
    window_keys: Vec<String>,
    pub(crate) calls: Vec<WindowCall>,
    call_keys: Vec<String>,
}

/// A window specification with its named-window references resolved.
struct Spec {
    name: Option<String>,
    partition: Vec<ast::Expr>,
    order: Vec<ast::OrderByExpr>,
    frame: Option<ast::WindowFrame>,
}

fn err(code: u16, msg: String) -> EngineError {
    EngineError::new(code, "HY000", msg)
}

/// ER_WINDOW_INVALID_WINDOW_FUNC_USE (3593), MySQL's text with its stray quote.
pub(crate) fn invalid_use(name: &str) -> EngineError {
    err(
        3593,
        format!(
            "You cannot use the window function '{}' in this context.'",
            name.to_ascii_lowercase()
        ),
    )
}

fn frame_illegal(name: &str) -> EngineError {
    err(
        3586,
        format!("Window '{name}': frame start or end is negative, NULL or of non-integral type"),
    )
}

impl Binder<'_> {
    /// Starts collecting window calls for the current level, with the SELECT's WINDOW clause
    /// (a name defined twice is ER 3591).
    pub(crate) fn begin_windows(
        &mut self,
        named: &[NamedWindowDefinition],
    ) -> Result<(), EngineError> {
        for (i, d) in named.iter().enumerate() {
            if named[..i]
                .iter()
                .any(|o| o.0.value.eq_ignore_ascii_case(&d.0.value))
            {
                return Err(err(
                    3591,
                    format!("Window '{}' is defined twice.", d.0.value),
                ));
            }
        }
        self.level().windows = Some(WindowCollector {
            named: named.to_vec(),
            ..WindowCollector::default()
        });
        Ok(())
    }

    /// Takes the collected window calls (None: none were collected).
    pub(crate) fn take_windows(&mut self) -> Option<WindowCollector> {
        self.level().windows.take().filter(|w| !w.calls.is_empty())
    }

    /// Disables (`None`) or restores window calls around a clause that may not have them.
    pub(crate) fn swap_windows(&mut self, w: Option<WindowCollector>) -> Option<WindowCollector> {
        std::mem::replace(&mut self.level().windows, w)
    }

    /// ER 3593 for window call `k` found where it may not be (a select alias or ordinal
    /// used in GROUP BY or HAVING).
    pub(crate) fn window_misuse(&mut self, k: usize) -> EngineError {
        let name = self
            .level()
            .windows
            .as_ref()
            .and_then(|w| w.calls.get(k))
            .map(|c| c.func.name())
            .unwrap_or("window");
        invalid_use(name)
    }

    /// `name(args) OVER window`.
    pub(super) fn window_function(
        &mut self,
        f: &ast::Function,
        name: &str,
        over: &WindowType,
    ) -> Result<Bound, EngineError> {
        // Inside an aggregate's arguments the level's aggregates are away.
        if self.level().aggs.is_none() {
            return Err(invalid_use(name));
        }
        let Some(coll) = self.level().windows.take() else {
            return Err(invalid_use(name));
        };
        let named = coll.named.clone();
        // Window calls may not nest: the collector is away while the call binds.
        let res = self.window_call(f, name, over, &named);
        self.level().windows = Some(coll);
        let (def, mut call, nullable) = res?;
        let ty = call.ty.clone();
        let Some(coll) = self.level().windows.as_mut() else {
            return Err(invalid_use(name));
        };
        let wkey = format!("{def:?}");
        call.window = match coll.window_keys.iter().position(|k| *k == wkey) {
            Some(i) => i,
            None => {
                coll.window_keys.push(wkey);
                coll.windows.push(def);
                coll.windows.len() - 1
            }
        };
        let ckey = format!("{call:?}");
        let idx = match coll.call_keys.iter().position(|k| *k == ckey) {
            Some(i) => i,
            None => {
                coll.call_keys.push(ckey);
                coll.calls.push(call);
                coll.calls.len() - 1
            }
        };
        Ok(Bound::new(Expr::Window(idx), ty, nullable))
    }

    fn window_call(
        &mut self,
        f: &ast::Function,
        name: &str,
        over: &WindowType,
        named: &[NamedWindowDefinition],
    ) -> Result<(WindowDef, WindowCall, bool), EngineError> {
        let spec = match over {
            WindowType::NamedWindow(id) => resolve_named(&id.value, named, 0)?,
            WindowType::WindowSpec(s) => inherit(
                None,
                s.window_name.as_ref().map(|i| i.value.as_str()),
                &s.partition_by,
                &s.order_by,
                s.window_frame.as_ref(),
                named,
                0,
            )?,
        };
        let def = self.window_def(spec)?;
        let (arg_list, distinct) = match &f.args {
            FunctionArguments::None => (Vec::new(), false),
            FunctionArguments::Subquery(_) => {
                return Err(EngineError::parse_error(&format!("{name}("), 1));
            }
            FunctionArguments::List(l) => (
                l.args.clone(),
                matches!(
                    l.duplicate_treatment,
                    Some(ast::DuplicateTreatment::Distinct)
                ),
            ),
        };
        if matches!(f.null_treatment, Some(ast::NullTreatment::IgnoreNulls)) {
            return Err(EngineError::not_supported("IGNORE NULLS"));
        }
        let func = match name {
            "ROW_NUMBER" => WindowFunc::RowNumber,
            "RANK" => WindowFunc::Rank,
            "DENSE_RANK" => WindowFunc::DenseRank,
            "PERCENT_RANK" => WindowFunc::PercentRank,
            "CUME_DIST" => WindowFunc::CumeDist,
            "NTILE" => WindowFunc::Ntile,
            "LAG" => WindowFunc::Lag,
            "LEAD" => WindowFunc::Lead,
            "FIRST_VALUE" => WindowFunc::FirstValue,
            "LAST_VALUE" => WindowFunc::LastValue,
            "NTH_VALUE" => WindowFunc::NthValue,
            other => match agg_func(other) {
                Some(
                    a @ (AggFunc::Count
                    | AggFunc::Sum
                    | AggFunc::Avg
                    | AggFunc::Min
                    | AggFunc::Max
                    | AggFunc::BitAnd
                    | AggFunc::BitOr
                    | AggFunc::BitXor
                    | AggFunc::Std
                    | AggFunc::StdSamp
                    | AggFunc::Variance
                    | AggFunc::VarSamp),
                ) => WindowFunc::Agg(a),
                Some(_) => {
                    return Err(EngineError::not_supported(&format!(
                        "{} as a window function",
                        other.to_ascii_lowercase()
                    )));
                }
                None => return Err(EngineError::parse_error("OVER", 1)),
            },
        };
        if distinct {
            return Err(EngineError::not_supported("<window function>(DISTINCT ..)"));
        }
        let mut args = Vec::with_capacity(arg_list.len());
        let mut star = false;
        for a in &arg_list {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard)
                    if func == WindowFunc::Agg(AggFunc::Count) =>
                {
                    star = true
                }
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(self.expr(e)?),
                _ => return Err(EngineError::parse_error(&format!("{a})"), 1)),
            }
        }
        let func = if star {
            WindowFunc::Agg(AggFunc::CountStar)
        } else {
            func
        };
        let (lo, hi) = match func {
            WindowFunc::RowNumber
            | WindowFunc::Rank
            | WindowFunc::DenseRank
            | WindowFunc::PercentRank
            | WindowFunc::CumeDist
            | WindowFunc::Agg(AggFunc::CountStar) => (0, 0),
            WindowFunc::Lag | WindowFunc::Lead => (1, 3),
            WindowFunc::NthValue => (2, 2),
            _ => (1, 1),
        };
        if args.len() < lo || args.len() > hi {
            return Err(EngineError::parse_error(")", 1));
        }
        let lname = func.name();
        let wrong = || err(1210, format!("Incorrect arguments to {lname}"));
        let first_ty = args
            .first()
            .map(|b| b.ty.clone())
            .unwrap_or_else(SqlType::bigint);
        let (ty, nullable) = match func {
            WindowFunc::RowNumber | WindowFunc::Rank | WindowFunc::DenseRank => {
                (SqlType::ubigint(), false)
            }
            WindowFunc::PercentRank | WindowFunc::CumeDist => (SqlType::double(), false),
            WindowFunc::Ntile => {
                let ok = match &args[0].expr {
                    Expr::Const(Value::Int(n)) => *n > 0,
                    Expr::Const(Value::UInt(n)) => *n > 0,
                    Expr::Param(_) => true,
                    _ => false,
                };
                if !ok {
                    return Err(wrong());
                }
                (SqlType::ubigint(), false)
            }
            WindowFunc::Lag | WindowFunc::Lead => {
                if let Some(off) = args.get(1) {
                    let ok = match &off.expr {
                        Expr::Const(Value::Int(n)) => *n >= 0,
                        Expr::Const(Value::UInt(_)) | Expr::Param(_) => true,
                        _ => false,
                    };
                    if !ok {
                        return Err(wrong());
                    }
                }
                (first_ty, true)
            }
            WindowFunc::NthValue => {
                let ok = match &args[1].expr {
                    Expr::Const(Value::Int(n)) => *n > 0,
                    Expr::Const(Value::UInt(n)) => *n > 0,
                    Expr::Param(_) => true,
                    _ => false,
                };
                if !ok {
                    return Err(wrong());
                }
                (first_ty, true)
            }
            WindowFunc::FirstValue | WindowFunc::LastValue => (first_ty, true),
            WindowFunc::Agg(a) => match a {
                AggFunc::CountStar | AggFunc::Count => (SqlType::bigint(), false),
                AggFunc::Sum => (
                    match first_ty.result_kind() {
                        ResultKind::Int | ResultKind::Decimal => {
                            SqlType::decimal(65, first_ty.decimals().min(30))
                        }
                        _ => SqlType::double(),
                    },
                    true,
                ),
                AggFunc::Avg => (
                    match first_ty.result_kind() {
                        ResultKind::Int | ResultKind::Decimal => SqlType::decimal(
                            65,
                            (u32::from(first_ty.decimals().min(30))
                                + self.div_precision_increment())
                            .min(30) as u8,
                        ),
                        _ => SqlType::double(),
                    },
                    true,
                ),
                AggFunc::Min | AggFunc::Max => (first_ty, true),
                AggFunc::BitAnd | AggFunc::BitOr | AggFunc::BitXor => (SqlType::ubigint(), false),
                _ => (SqlType::double(), true),
            },
        };
        let agg = match func {
            WindowFunc::Agg(a) => {
                let kind = match args.first() {
                    Some(b) => cmp_kind(&b.ty, &b.ty, self.is_dynamic(&b.expr)),
                    None => CmpKind::Int,
                };
                Some(AggCall {
                    func: a,
                    args: args.iter().map(|b| b.expr.clone()).collect(),
                    distinct: false,
                    order: Vec::new(),
                    separator: String::new(),
                    ty: ty.clone(),
                    kind,
                    grouping: Vec::new(),
                })
            }
            _ => None,
        };
        let call = WindowCall {
            func,
            args: args.into_iter().map(|b| b.expr).collect(),
            window: 0,
            ty,
            agg,
        };
        Ok((def, call, nullable))
    }

    /// Binds a resolved window: its keys and a checked frame.
    fn window_def(&mut self, spec: Spec) -> Result<WindowDef, EngineError> {
        let wname = spec.name.clone().unwrap_or_else(|| UNNAMED.to_string());
        let mut partition = Vec::with_capacity(spec.partition.len());
        for e in &spec.partition {
            let b = self.expr(e)?;
            let kind = cmp_kind(&b.ty, &b.ty, self.is_dynamic(&b.expr));
            partition.push(SortKey {
                expr: b.expr,
                desc: false,
                kind,
            });
        }
        let mut order = Vec::with_capacity(spec.order.len());
        let mut order_types = Vec::with_capacity(spec.order.len());
        for ob in &spec.order {
            let b = self.expr(&ob.expr)?;
            let kind = cmp_kind(&b.ty, &b.ty, self.is_dynamic(&b.expr));
            order_types.push(b.ty.clone());
            order.push(SortKey {
                expr: b.expr,
                desc: matches!(ob.options.sort, Some(ast::OrderBySort::Desc)),
                kind,
            });
        }
        let frame = match &spec.frame {
            None => None,
            Some(f) => {
                let unit = match f.units {
                    WindowFrameUnits::Rows => FrameUnit::Rows,
                    WindowFrameUnits::Range => FrameUnit::Range,
                    WindowFrameUnits::Groups => return Err(EngineError::parse_error("GROUPS", 1)),
                };
                let start = self.frame_bound(&f.start_bound, unit, &wname)?;
                let end = match &f.end_bound {
                    Some(b) => self.frame_bound(b, unit, &wname)?,
                    None => FrameBound::CurrentRow,
                };
                if start == FrameBound::UnboundedFollowing {
                    return Err(err(
                        3584,
                        format!("Window '{wname}': frame start cannot be UNBOUNDED FOLLOWING."),
                    ));
                }
                if end == FrameBound::UnboundedPreceding {
                    return Err(err(
                        3585,
                        format!("Window '{wname}': frame end cannot be UNBOUNDED PRECEDING."),
                    ));
                }
                let backwards = matches!(
                    (&start, &end),
                    (FrameBound::CurrentRow, FrameBound::Preceding(_))
                        | (
                            FrameBound::Following(_),
                            FrameBound::Preceding(_) | FrameBound::CurrentRow
                        )
                );
                if backwards {
                    return Err(frame_illegal(&wname));
                }
                let offsets = [&start, &end]
                    .iter()
                    .any(|b| matches!(b, FrameBound::Preceding(_) | FrameBound::Following(_)));
                if unit == FrameUnit::Range && offsets {
                    let numeric = order_types.len() == 1
                        && matches!(
                            order_types[0].result_kind(),
                            ResultKind::Int | ResultKind::Decimal | ResultKind::Real
                        );
                    if !numeric {
                        return Err(err(
                            3587,
                            format!(
                                "Window '{wname}' with RANGE N PRECEDING/FOLLOWING frame requires exactly one ORDER BY expression, of numeric or temporal type"
                            ),
                        ));
                    }
                }
                Some(Frame { unit, start, end })
            }
        };
        Ok(WindowDef {
            name: spec.name,
            partition,
            order,
            frame,
        })
    }

    fn frame_bound(
        &mut self,
        b: &WindowFrameBound,
        unit: FrameUnit,
        wname: &str,
    ) -> Result<FrameBound, EngineError> {
        let offset = |me: &mut Self, e: &ast::Expr| -> Result<Value, EngineError> {
            if matches!(e, ast::Expr::Interval(_)) {
                return Err(EngineError::not_supported("INTERVAL in a window frame"));
            }
            let v = match me.expr(e)?.expr {
                Expr::Const(v) => v,
                _ => {
                    return Err(err(
                        3590,
                        format!("Window '{wname}' has a non-constant frame bound."),
                    ));
                }
            };
            let ok = match (&v, unit) {
                (Value::Int(n), _) => *n >= 0,
                (Value::UInt(_), _) => true,
                (Value::Decimal(_) | Value::Double(_), FrameUnit::Range) => {
                    v.to_f64().is_some_and(|f| f >= 0.0)
                }
                _ => false,
            };
            if ok { Ok(v) } else { Err(frame_illegal(wname)) }
        };
        Ok(match b {
            WindowFrameBound::CurrentRow => FrameBound::CurrentRow,
            WindowFrameBound::Preceding(None) => FrameBound::UnboundedPreceding,
            WindowFrameBound::Following(None) => FrameBound::UnboundedFollowing,
            WindowFrameBound::Preceding(Some(e)) => FrameBound::Preceding(offset(self, e)?),
            WindowFrameBound::Following(Some(e)) => FrameBound::Following(offset(self, e)?),
        })
    }
}

/// The window named `name` in the WINDOW clause, its own references resolved.
fn resolve_named(
    name: &str,
    named: &[NamedWindowDefinition],
    depth: usize,
) -> Result<Spec, EngineError> {
    if depth > named.len() {
        return Err(err(
            3580,
            "There is a circularity in the window dependency graph.".into(),
        ));
    }
    let Some(def) = named.iter().find(|d| d.0.value.eq_ignore_ascii_case(name)) else {
        return Err(err(3579, format!("Window name '{name}' is not defined.")));
    };
    let own = Some(def.0.value.clone());
    match &def.1 {
        NamedWindowExpr::NamedWindow(base) => {
            let mut s = resolve_named(&base.value, named, depth + 1)?;
            s.name = own;
            Ok(s)
        }
        NamedWindowExpr::WindowSpec(s) => inherit(
            own,
            s.window_name.as_ref().map(|i| i.value.as_str()),
            &s.partition_by,
            &s.order_by,
            s.window_frame.as_ref(),
            named,
            depth + 1,
        ),
    }
}

/// A window specification, completed from the window it names (`(w ORDER BY ...)`): it may
/// not partition (3581), the base may not have a frame (3582), and only one of them may
/// order (3583).
fn inherit(
    name: Option<String>,
    base: Option<&str>,
    partition: &[ast::Expr],
    order: &[ast::OrderByExpr],
    frame: Option<&ast::WindowFrame>,
    named: &[NamedWindowDefinition],
    depth: usize,
) -> Result<Spec, EngineError> {
    let Some(base) = base else {
        return Ok(Spec {
            name,
            partition: partition.to_vec(),
            order: order.to_vec(),
            frame: frame.cloned(),
        });
    };
    let b = resolve_named(base, named, depth)?;
    if !partition.is_empty() {
        return Err(err(
            3581,
            "A window which depends on another cannot define partitioning.".into(),
        ));
    }
    let bname = b.name.clone().unwrap_or_else(|| base.to_string());
    if b.frame.is_some() {
        return Err(err(
            3582,
            format!(
                "Window '{bname}' has a frame definition, so cannot be referenced by another window."
            ),
        ));
    }
    if !order.is_empty() && !b.order.is_empty() {
        let me = name.clone().unwrap_or_else(|| UNNAMED.to_string());
        return Err(err(
            3583,
            format!(
                "Window '{me}' cannot inherit '{bname}' since both contain an ORDER BY clause."
            ),
        ));
    }
    Ok(Spec {
        name,
        partition: b.partition,
        order: if order.is_empty() {
            b.order
        } else {
            order.to_vec()
        },
        frame: frame.cloned(),
    })
}
