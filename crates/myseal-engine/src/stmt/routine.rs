//! The compound-statement interpreter: runs a body parsed by `parse::compound` (a trigger's
//! now; stored procedures and functions later) inside the running statement's [`Ctx`], so its
//! statements belong to the invoking statement's transaction and fail with it.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-compound-statements.html>
//!
//! A body is compiled once per statement that runs it ([`compile`]): local variables and the
//! `NEW`/`OLD` columns of a trigger get slots of a frame, and every reference to one in an
//! expression or statement becomes a `?N` parameter naming its slot. Each statement of the
//! body is then bound as it runs with the frame as its parameters (their types are the
//! values' types), exactly as a prepared statement's parameters are.

use std::sync::Arc;

use sqlparser::ast;

use crate::bind::Binder;
use crate::catalog::{TableDef, TriggerEvent, TriggerTiming};
use crate::collation::Collation;
use crate::error::EngineError;
use crate::execute::{self, Ctx};
use crate::parse::compound::{Sp, Target};
use crate::types::SqlType;
use crate::value::Value;

/// Runs an INSERT, REPLACE, UPDATE or DELETE of a body in the running statement's context,
/// with the session's parameters as the frame (`dml::run_nested`, handed in by the caller so
/// that this interpreter does not import the statements that run it).
pub(crate) type Exec = fn(&mut Ctx<'_>, &ast::Statement) -> Result<(), EngineError>;

/// Where a SET or SELECT ... INTO stores its value.
#[derive(Clone, Debug)]
enum Dest {
    User(String),
    /// A local variable's slot.
    Local(usize),
    /// Column of the trigger's NEW row.
    New(usize),
}

/// A compiled statement.
#[derive(Clone, Debug)]
enum Op {
    Block {
        label: Option<String>,
        body: Vec<Op>,
    },
    Declare {
        slots: Vec<usize>,
        default: Option<ast::Expr>,
    },
    Set(Vec<(Dest, ast::Expr)>),
    If {
        arms: Vec<(ast::Expr, Vec<Op>)>,
        otherwise: Option<Vec<Op>>,
    },
    Case {
        operand: Option<ast::Expr>,
        arms: Vec<(ast::Expr, Vec<Op>)>,
        otherwise: Option<Vec<Op>>,
    },
    While {
        label: Option<String>,
        cond: ast::Expr,
        body: Vec<Op>,
    },
    Repeat {
        label: Option<String>,
        body: Vec<Op>,
        until: ast::Expr,
    },
    Loop {
        label: Option<String>,
        body: Vec<Op>,
    },
    Leave(String),
    Iterate(String),
    Signal {
        sqlstate: String,
        items: Vec<(String, ast::Expr)>,
    },
    SelectInto {
        query: Box<ast::Query>,
        into: Vec<Dest>,
    },
    /// A SELECT of a stored procedure: its rows are a result set of the CALL.
    Select(Box<ast::Query>),
    Sql(Box<ast::Statement>),
    /// A stored function's RETURN.
    Return(ast::Expr),
}

/// The row a trigger body sees.
pub(crate) struct RowContext {
    pub(crate) def: Arc<TableDef>,
    pub(crate) timing: TriggerTiming,
    pub(crate) event: TriggerEvent,
}

/// A body ready to run: its statements and the layout of its frame (`OLD` columns, `NEW`
/// columns, then local variables).
#[derive(Debug)]
pub(crate) struct Program {
    body: Vec<Op>,
    /// Slots before the first local variable (twice the table's width for a trigger).
    row_slots: usize,
    /// The declared type of each local variable, by slot - row_slots.
    locals: Vec<SqlType>,
    table: Option<Arc<TableDef>>,
}

impl Program {
    /// Frame size.
    pub(crate) fn slots(&self) -> usize {
        self.row_slots + self.locals.len()
    }
}

/// ER_TRG_NO_SUCH_ROW_IN_TRG.
fn no_such_row(which: &str, event: TriggerEvent) -> EngineError {
    EngineError::new(
        1363,
        "HY000",
        format!("There is no {which} row in on {} trigger", event.sql()),
    )
}

/// ER_TRG_CANT_CHANGE_ROW.
fn cant_change(which: &str, after: bool) -> EngineError {
    EngineError::new(
        1362,
        "HY000",
        format!(
            "Updating of {which} row is not allowed in {}trigger",
            if after { "after " } else { "" }
        ),
    )
}

/// ER_SP_UNDECLARED_VAR.
fn undeclared(name: &str) -> EngineError {
    EngineError::new(1327, "42000", format!("Undeclared variable: {name}"))
}

struct Compiler<'a> {
    row: Option<&'a RowContext>,
    /// A stored procedure's body: a SELECT returns a result set.
    procedure: bool,
    /// A stored function's body: RETURN is allowed.
    function: bool,
    /// Visible local variables per block, innermost last: (name, slot).
    scopes: Vec<Vec<(String, usize)>>,
    locals: Vec<SqlType>,
    row_slots: usize,
    /// Enclosing labels: (name, is a loop).
    labels: Vec<(String, bool)>,
}

/// Compiles a body (see the module documentation). Errors are MySQL's for the body's
/// mistakes: 1363/1362/1054 for NEW and OLD, 1327 for an unknown variable, 1308 for a LEAVE
/// or ITERATE without its label, 1415 for a SELECT that would return rows, 1235 for what is
/// not supported yet.
pub(crate) fn compile(body: &Sp, row: Option<&RowContext>) -> Result<Program, EngineError> {
    let row_slots = row.map_or(0, |r| 2 * r.def.columns.len());
    let mut c = Compiler {
        row,
        procedure: false,
        function: false,
        scopes: vec![Vec::new()],
        locals: Vec::new(),
        row_slots,
        labels: Vec::new(),
    };
    let op = c.statement(body)?;
    Ok(Program {
        body: vec![op],
        row_slots,
        locals: c.locals,
        table: row.map(|r| r.def.clone()),
    })
}

/// Compiles a stored procedure's body: its parameters are the first locals (slots 0, 1, ...
/// in order), and a SELECT without INTO returns a result set.
pub(crate) fn compile_procedure(
    body: &Sp,
    params: &[(String, SqlType)],
) -> Result<Program, EngineError> {
    compile_routine(body, params, false)
}

/// Compiles a stored function's body: its parameters are the first locals, RETURN ends it
/// with a value, and a SELECT without INTO is ER 1415.
pub(crate) fn compile_function(
    body: &Sp,
    params: &[(String, SqlType)],
) -> Result<Program, EngineError> {
    compile_routine(body, params, true)
}

fn compile_routine(
    body: &Sp,
    params: &[(String, SqlType)],
    function: bool,
) -> Result<Program, EngineError> {
    let mut c = Compiler {
        row: None,
        procedure: !function,
        function,
        scopes: vec![Vec::new()],
        locals: Vec::new(),
        row_slots: 0,
        labels: Vec::new(),
    };
    for (i, (name, ty)) in params.iter().enumerate() {
        c.locals.push(ty.clone());
        if let Some(scope) = c.scopes.last_mut() {
            scope.push((name.clone(), i));
        }
    }
    let op = c.statement(body)?;
    Ok(Program {
        body: vec![op],
        row_slots: 0,
        locals: c.locals,
        table: None,
    })
}

/// A parameter's declared type (what DECLARE would make of it).
pub(crate) fn param_type(name: &str, ty: &ast::DataType) -> Result<SqlType, EngineError> {
    super::ddl::column_type(ty, name, Collation::Utf8mb4_0900_ai_ci)
}

impl Compiler<'_> {
    fn list(&mut self, body: &[Sp]) -> Result<Vec<Op>, EngineError> {
        body.iter().map(|s| self.statement(s)).collect()
    }

    fn labelled<T>(
        &mut self,
        label: &Option<String>,
        is_loop: bool,
        f: impl FnOnce(&mut Self) -> Result<T, EngineError>,
    ) -> Result<T, EngineError> {
        if let Some(l) = label {
            self.labels.push((l.clone(), is_loop));
        }
        let out = f(self);
        if label.is_some() {
            self.labels.pop();
        }
        out
    }

    fn statement(&mut self, sp: &Sp) -> Result<Op, EngineError> {
        Ok(match sp {
            Sp::Block { label, body } => {
                self.scopes.push(Vec::new());
                let out = self.labelled(label, false, |c| c.list(body));
                self.scopes.pop();
                Op::Block {
                    label: label.clone(),
                    body: out?,
                }
            }
            Sp::Declare { names, ty, default } => {
                let sql_ty = super::ddl::column_type(
                    ty,
                    names.first().map_or("", String::as_str),
                    Collation::Utf8mb4_0900_ai_ci,
                )?;
                let default = default.as_ref().map(|e| self.expr(e)).transpose()?;
                let mut slots = Vec::with_capacity(names.len());
                for n in names {
                    let scope = self.scopes.last_mut();
                    if let Some(scope) = scope {
                        if scope.iter().any(|(m, _)| m.eq_ignore_ascii_case(n)) {
                            return Err(EngineError::new(
                                1331,
                                "42000",
                                format!("Duplicate variable: {n}"),
                            ));
                        }
                        let slot = self.row_slots + self.locals.len();
                        self.locals.push(sql_ty.clone());
                        scope.push((n.clone(), slot));
                        slots.push(slot);
                    }
                }
                Op::Declare { slots, default }
            }
            Sp::Set(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (t, e) in items {
                    out.push((self.dest(t)?, self.expr(e)?));
                }
                Op::Set(out)
            }
            Sp::If { arms, otherwise } => Op::If {
                arms: arms
                    .iter()
                    .map(|(c, b)| Ok((self.expr(c)?, self.list(b)?)))
                    .collect::<Result<_, EngineError>>()?,
                otherwise: otherwise.as_ref().map(|b| self.list(b)).transpose()?,
            },
            Sp::Case {
                operand,
                arms,
                otherwise,
            } => Op::Case {
                operand: operand.as_ref().map(|e| self.expr(e)).transpose()?,
                arms: arms
                    .iter()
                    .map(|(c, b)| Ok((self.expr(c)?, self.list(b)?)))
                    .collect::<Result<_, EngineError>>()?,
                otherwise: otherwise.as_ref().map(|b| self.list(b)).transpose()?,
            },
            Sp::While { label, cond, body } => {
                let cond = self.expr(cond)?;
                let body = self.labelled(label, true, |c| c.list(body))?;
                Op::While {
                    label: label.clone(),
                    cond,
                    body,
                }
            }
            Sp::Repeat { label, body, until } => {
                let body = self.labelled(label, true, |c| c.list(body))?;
                Op::Repeat {
                    label: label.clone(),
                    body,
                    until: self.expr(until)?,
                }
            }
            Sp::Loop { label, body } => {
                let body = self.labelled(label, true, |c| c.list(body))?;
                Op::Loop {
                    label: label.clone(),
                    body,
                }
            }
            Sp::Leave(l) => {
                if !self.labels.iter().any(|(m, _)| m.eq_ignore_ascii_case(l)) {
                    return Err(EngineError::new(
                        1308,
                        "42000",
                        format!("LEAVE with no matching label: {l}"),
                    ));
                }
                Op::Leave(l.clone())
            }
            Sp::Iterate(l) => {
                if !self
                    .labels
                    .iter()
                    .any(|(m, is_loop)| *is_loop && m.eq_ignore_ascii_case(l))
                {
                    return Err(EngineError::new(
                        1308,
                        "42000",
                        format!("ITERATE with no matching label: {l}"),
                    ));
                }
                Op::Iterate(l.clone())
            }
            Sp::Signal { sqlstate, items } => {
                if sqlstate.len() != 5
                    || !sqlstate.chars().all(|c| c.is_ascii_alphanumeric())
                    || sqlstate.starts_with("00")
                {
                    return Err(EngineError::new(
                        1407,
                        "42000",
                        format!("Bad SQLSTATE: '{sqlstate}'"),
                    ));
                }
                let mut out: Vec<(String, ast::Expr)> = Vec::with_capacity(items.len());
                for (name, e) in items {
                    if out.iter().any(|(n, _)| n == name) {
                        return Err(EngineError::new(
                            1641,
                            "42000",
                            format!("Duplicate condition information item '{name}'"),
                        ));
                    }
                    out.push((name.clone(), self.expr(e)?));
                }
                Op::Signal {
                    sqlstate: sqlstate.clone(),
                    items: out,
                }
            }
            Sp::SelectInto { query, into } => {
                let mut q = query.clone();
                self.rewrite(&mut *q)?;
                Op::SelectInto {
                    query: q,
                    into: into
                        .iter()
                        .map(|t| self.dest(t))
                        .collect::<Result<_, _>>()?,
                }
            }
            Sp::Sql(stmt) => {
                if let ast::Statement::Query(q) = &**stmt
                    && self.procedure
                {
                    let mut q = q.clone();
                    // A select item naming a local keeps its text as its column name.
                    if let ast::SetExpr::Select(sel) = &mut *q.body {
                        for item in &mut sel.projection {
                            if let ast::SelectItem::UnnamedExpr(e) = item {
                                let written = e.clone();
                                let rewritten = self.expr(e)?;
                                if rewritten != written {
                                    *item = ast::SelectItem::ExprWithAlias {
                                        expr: written.clone(),
                                        alias: ast::Ident::new(written.to_string()),
                                    };
                                }
                            }
                        }
                    }
                    self.rewrite(&mut *q)?;
                    return Ok(Op::Select(q));
                }
                if matches!(**stmt, ast::Statement::Query(_)) {
                    let what = if self.row.is_some() {
                        "trigger"
                    } else {
                        "function"
                    };
                    return Err(EngineError::new(
                        1415,
                        "0A000",
                        format!("Not allowed to return a result set from a {what}"),
                    ));
                }
                let mut s = stmt.clone();
                self.rewrite(&mut *s)?;
                Op::Sql(s)
            }
            Sp::Unsupported(what) => {
                return Err(EngineError::not_supported(&format!(
                    "{what} in a compound statement"
                )));
            }
            Sp::Return(e) => {
                if !self.function {
                    return Err(EngineError::new(
                        1313,
                        "42000",
                        "RETURN is only allowed in a FUNCTION",
                    ));
                }
                Op::Return(self.expr(e)?)
            }
        })
    }

    fn local(&self, name: &str) -> Option<usize> {
        self.scopes.iter().rev().find_map(|s| {
            s.iter()
                .rev()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, slot)| *slot)
        })
    }

    /// `NEW.col` / `OLD.col`: the slot, with MySQL's checks.
    fn row_column(&self, which: &str, col: &str) -> Result<Option<usize>, EngineError> {
        let Some(row) = self.row else {
            return Ok(None);
        };
        let new = which.eq_ignore_ascii_case("NEW");
        if !new && !which.eq_ignore_ascii_case("OLD") {
            return Ok(None);
        }
        if new && row.event == TriggerEvent::Delete {
            return Err(no_such_row("NEW", row.event));
        }
        if !new && row.event == TriggerEvent::Insert {
            return Err(no_such_row("OLD", row.event));
        }
        let Some(c) = row.def.column_index(col) else {
            return Err(EngineError::bad_field(col, if new { "NEW" } else { "OLD" }));
        };
        let n = row.def.columns.len();
        Ok(Some(if new { n + c } else { c }))
    }

    fn dest(&self, t: &Target) -> Result<Dest, EngineError> {
        match t {
            Target::User(n) => Ok(Dest::User(n.clone())),
            Target::Name(parts) => match parts.as_slice() {
                [n] => self.local(n).map(Dest::Local).ok_or_else(|| undeclared(n)),
                [which, col] => {
                    let Some(row) = self.row else {
                        return Err(undeclared(&parts.join(".")));
                    };
                    let Some(slot) = self.row_column(which, col)? else {
                        return Err(undeclared(&parts.join(".")));
                    };
                    let n = row.def.columns.len();
                    if slot < n {
                        return Err(cant_change("OLD", false));
                    }
                    if row.timing == TriggerTiming::After {
                        return Err(cant_change("NEW", true));
                    }
                    Ok(Dest::New(slot - n))
                }
                _ => Err(undeclared(&parts.join("."))),
            },
        }
    }

    fn expr(&self, e: &ast::Expr) -> Result<ast::Expr, EngineError> {
        let mut e = e.clone();
        self.rewrite(&mut e)?;
        Ok(e)
    }

    /// Replaces the references to locals and NEW/OLD columns by `?slot` parameters.
    fn rewrite<V: ast::VisitMut>(&self, node: &mut V) -> Result<(), EngineError> {
        let mut failed = None;
        let _ = ast::visit_expressions_mut(node, |e| {
            let slot = match e {
                ast::Expr::Identifier(id) => Ok(self.local(&id.value)),
                ast::Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                    [which, col] => self.row_column(&which.value, &col.value),
                    _ => Ok(None),
                },
                _ => Ok(None),
            };
            match slot {
                Ok(Some(slot)) => {
                    *e = ast::Expr::value(ast::Value::Placeholder(format!("?{slot}")));
                    std::ops::ControlFlow::Continue(())
                }
                Ok(None) => std::ops::ControlFlow::Continue(()),
                Err(err) => {
                    failed = Some(err);
                    std::ops::ControlFlow::Break(())
                }
            }
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// A SIGNAL's SQLSTATE as the `&'static str` errors carry: the common ones are constants,
/// others are kept once each (at most 1024 of them, then HY000; each is 5 bytes).
fn intern_sqlstate(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    const COMMON: [&str; 6] = ["45000", "HY000", "23000", "22000", "42000", "02000"];
    if let Some(c) = COMMON.iter().find(|c| **c == s) {
        return c;
    }
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let Ok(mut seen) = SEEN.get_or_init(|| Mutex::new(HashSet::new())).lock() else {
        return "HY000";
    };
    if let Some(k) = seen.get(s) {
        return k;
    }
    if seen.len() >= 1024 {
        return "HY000";
    }
    let k: &'static str = Box::leak(s.to_string().into_boxed_str());
    seen.insert(k);
    k
}

/// How a list of statements ended.
enum Flow {
    Next,
    Leave(String),
    Iterate(String),
    /// A stored function's RETURN, with its value.
    Return(Value),
}

/// Runs a program over `frame` (sized [`Program::slots`]; a trigger's OLD and NEW columns
/// filled in). Nested statements run in `cx`'s transaction.
pub(crate) fn run(
    cx: &mut Ctx<'_>,
    program: &Program,
    frame: &mut [Value],
    exec: Exec,
) -> Result<(), EngineError> {
    run_collecting(cx, program, frame, exec).map(|_| ())
}

/// [`run`], returning the result sets of the body's SELECTs (a stored procedure's).
pub(crate) fn run_collecting(
    cx: &mut Ctx<'_>,
    program: &Program,
    frame: &mut [Value],
    exec: Exec,
) -> Result<Vec<crate::Outcome>, EngineError> {
    let mut rt = Runtime {
        program,
        frame,
        exec,
        results: Vec::new(),
    };
    match rt.list(cx, &program.body)? {
        Flow::Next | Flow::Leave(_) | Flow::Iterate(_) | Flow::Return(_) => Ok(rt.results),
    }
}

/// Runs a stored function's program: the value of the RETURN that ended it, None when it
/// ended without one.
pub(crate) fn run_function(
    cx: &mut Ctx<'_>,
    program: &Program,
    frame: &mut [Value],
    exec: Exec,
) -> Result<Option<Value>, EngineError> {
    let mut rt = Runtime {
        program,
        frame,
        exec,
        results: Vec::new(),
    };
    match rt.list(cx, &program.body)? {
        Flow::Return(v) => Ok(Some(v)),
        Flow::Next | Flow::Leave(_) | Flow::Iterate(_) => Ok(None),
    }
}

struct Runtime<'p, 'f> {
    program: &'p Program,
    frame: &'f mut [Value],
    exec: Exec,
    /// Result sets of a procedure's SELECTs, in order.
    results: Vec<crate::Outcome>,
}

/// The statement's parameters, registers and caches while `f` runs a nested piece with the
/// frame as its parameters; restored afterwards.
fn with_frame<T>(
    cx: &mut Ctx<'_>,
    frame: &[Value],
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let params: Arc<[Value]> = Arc::from(frame);
    let saved_session = std::mem::replace(&mut cx.session.params, params.clone());
    let saved_params = std::mem::replace(&mut cx.params, params);
    let saved_regs = std::mem::take(&mut cx.regs);
    let saved_cache = std::mem::take(&mut cx.sub_cache);
    let saved_ctes = std::mem::take(&mut cx.ctes);
    let out = f(cx);
    cx.session.params = saved_session;
    cx.params = saved_params;
    cx.regs = saved_regs;
    cx.sub_cache = saved_cache;
    cx.ctes = saved_ctes;
    out
}

/// Evaluates an expression of a body over the frame.
fn eval(cx: &mut Ctx<'_>, frame: &[Value], e: &ast::Expr) -> Result<Value, EngineError> {
    with_frame(cx, frame, |cx| {
        let state = cx.engine.store.latest();
        let (expr, registers) = {
            let mut b = Binder::new(cx.engine, cx.session, &state);
            (b.expr(e)?.expr, b.registers)
        };
        cx.regs = vec![Value::Null; registers.max(16)];
        execute::eval(&expr, &[], cx)
    })
}

/// Evaluates an expression over a frame (a CALL's arguments: an empty one).
pub(crate) fn eval_expr(
    cx: &mut Ctx<'_>,
    frame: &[Value],
    e: &ast::Expr,
) -> Result<Value, EngineError> {
    eval(cx, frame, e)
}

/// Stores a value into local `slot` (a procedure's parameter), converted to its type.
pub(crate) fn set_local(
    cx: &mut Ctx<'_>,
    program: &Program,
    frame: &mut [Value],
    slot: usize,
    v: Value,
) -> Result<(), EngineError> {
    let mut rt = Runtime {
        program,
        frame,
        exec: |_, _| Ok(()),
        results: Vec::new(),
    };
    rt.store(cx, &Dest::Local(slot), v)
}

/// A nested statement's own context over the same session and transaction.
pub(crate) fn nested<T>(
    cx: &mut Ctx<'_>,
    f: impl FnOnce(&mut Ctx<'_>) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let snapshot = cx.snapshot.clone();
    let mut inner = Ctx::new(cx.engine, &mut *cx.session, &mut *cx.txn, snapshot, 16);
    inner.budget = cx.budget;
    let out = f(&mut inner);
    let left = inner.budget;
    cx.budget = left;
    out
}

impl Runtime<'_, '_> {
    fn list(&mut self, cx: &mut Ctx<'_>, ops: &[Op]) -> Result<Flow, EngineError> {
        for op in ops {
            match self.op(cx, op)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    fn eval(&mut self, cx: &mut Ctx<'_>, e: &ast::Expr) -> Result<Value, EngineError> {
        eval(cx, self.frame, e)
    }

    fn truth(&mut self, cx: &mut Ctx<'_>, e: &ast::Expr) -> Result<bool, EngineError> {
        let v = self.eval(cx, e)?;
        Ok(execute::truth(&v) == Some(true))
    }

    /// Stores a value, converted to the local's declared type or the NEW column's type.
    fn store(&mut self, cx: &mut Ctx<'_>, dest: &Dest, v: Value) -> Result<(), EngineError> {
        let strict = cx.session.strict();
        let mut warnings = Vec::new();
        match dest {
            Dest::User(name) => {
                cx.session.user_vars.insert(name.clone(), v);
                cx.session.note_state_change();
            }
            Dest::Local(slot) => {
                let ty = slot
                    .checked_sub(self.program.row_slots)
                    .and_then(|i| self.program.locals.get(i));
                let v = match ty {
                    Some(ty) if !v.is_null() => {
                        super::convert(&v, ty, strict, "", 1, &mut warnings)?
                    }
                    _ => v,
                };
                if let Some(s) = self.frame.get_mut(*slot) {
                    *s = v;
                }
            }
            Dest::New(c) => {
                let Some(def) = &self.program.table else {
                    return Ok(());
                };
                let n = def.columns.len();
                let v = match def.columns.get(*c) {
                    // NULL is kept: a NOT NULL column is checked after the BEFORE triggers.
                    Some(col) if !v.is_null() => super::convert_in(
                        &v,
                        &col.ty,
                        strict,
                        &def.name,
                        &col.name,
                        1,
                        &mut warnings,
                    )?,
                    _ => v,
                };
                if let Some(s) = self.frame.get_mut(n + c) {
                    *s = v;
                }
            }
        }
        for (code, msg) in warnings {
            cx.warn(code, msg);
        }
        Ok(())
    }

    fn op(&mut self, cx: &mut Ctx<'_>, op: &Op) -> Result<Flow, EngineError> {
        cx.check()?;
        match op {
            Op::Block { label, body } => match self.list(cx, body)? {
                Flow::Leave(l) if label.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(&l)) => {
                    Ok(Flow::Next)
                }
                other => Ok(other),
            },
            Op::Declare { slots, default } => {
                let v = match default {
                    Some(e) => self.eval(cx, e)?,
                    None => Value::Null,
                };
                for s in slots {
                    self.store(cx, &Dest::Local(*s), v.clone())?;
                }
                Ok(Flow::Next)
            }
            Op::Set(items) => {
                for (dest, e) in items {
                    let v = self.eval(cx, e)?;
                    self.store(cx, dest, v)?;
                }
                Ok(Flow::Next)
            }
            Op::If { arms, otherwise } => {
                for (cond, body) in arms {
                    if self.truth(cx, cond)? {
                        return self.list(cx, body);
                    }
                }
                match otherwise {
                    Some(body) => self.list(cx, body),
                    None => Ok(Flow::Next),
                }
            }
            Op::Case {
                operand,
                arms,
                otherwise,
            } => {
                for (when, body) in arms {
                    let hit = match operand {
                        Some(o) => {
                            let test = ast::Expr::BinaryOp {
                                left: Box::new(o.clone()),
                                op: ast::BinaryOperator::Eq,
                                right: Box::new(when.clone()),
                            };
                            self.truth(cx, &test)?
                        }
                        None => self.truth(cx, when)?,
                    };
                    if hit {
                        return self.list(cx, body);
                    }
                }
                match otherwise {
                    Some(body) => self.list(cx, body),
                    None => Err(EngineError::new(
                        1339,
                        "20000",
                        "Case not found for CASE statement",
                    )),
                }
            }
            Op::While { label, cond, body } => loop {
                if !self.truth(cx, cond)? {
                    return Ok(Flow::Next);
                }
                if let Some(f) = self.loop_body(cx, label, body)? {
                    return Ok(f);
                }
            },
            Op::Repeat { label, body, until } => loop {
                if let Some(f) = self.loop_body(cx, label, body)? {
                    return Ok(f);
                }
                if self.truth(cx, until)? {
                    return Ok(Flow::Next);
                }
            },
            Op::Loop { label, body } => loop {
                if let Some(f) = self.loop_body(cx, label, body)? {
                    return Ok(f);
                }
            },
            Op::Leave(l) => Ok(Flow::Leave(l.clone())),
            Op::Iterate(l) => Ok(Flow::Iterate(l.clone())),
            Op::Signal { sqlstate, items } => self.signal(cx, sqlstate, items),
            Op::SelectInto { query, into } => {
                self.select_into(cx, query, into)?;
                Ok(Flow::Next)
            }
            Op::Select(query) => {
                let frame: &[Value] = self.frame;
                let out = with_frame(cx, frame, |cx| {
                    let (plan, _) = super::bind_plan(cx.engine, cx.session, None, query)?;
                    let mut rows = Vec::new();
                    nested(cx, |inner| {
                        inner.regs.resize(plan.registers.max(16), Value::Null);
                        execute::run_plan(&plan, inner, &mut |r| {
                            rows.push(r);
                            Ok(())
                        })
                    })?;
                    Ok(crate::Outcome::Rows {
                        columns: super::columns_of(&plan),
                        rows,
                    })
                })?;
                self.results.push(out);
                Ok(Flow::Next)
            }
            Op::Sql(stmt) => {
                let frame: &[Value] = self.frame;
                let exec = self.exec;
                with_frame(cx, frame, |cx| exec(cx, stmt))?;
                Ok(Flow::Next)
            }
            Op::Return(e) => Ok(Flow::Return(self.eval(cx, e)?)),
        }
    }

    /// One pass of a loop body: Some(flow) ends the loop with that flow.
    fn loop_body(
        &mut self,
        cx: &mut Ctx<'_>,
        label: &Option<String>,
        body: &[Op],
    ) -> Result<Option<Flow>, EngineError> {
        let mine = |l: &str| label.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(l));
        // Every pass counts, an empty body's too: KILL QUERY and max_execution_time stop a
        // loop that never ends.
        cx.check()?;
        match self.list(cx, body)? {
            Flow::Next => Ok(None),
            Flow::Iterate(l) if mine(&l) => Ok(None),
            Flow::Leave(l) if mine(&l) => Ok(Some(Flow::Next)),
            other => Ok(Some(other)),
        }
    }

    /// SIGNAL: class 01 is a warning and the body goes on; any other class ends it with an
    /// error (1643 for class 02, else 1644 ER_SIGNAL_EXCEPTION), unless MYSQL_ERRNO says
    /// another code.
    fn signal(
        &mut self,
        cx: &mut Ctx<'_>,
        sqlstate: &str,
        items: &[(String, ast::Expr)],
    ) -> Result<Flow, EngineError> {
        let (mut code, mut text) = if sqlstate.starts_with("01") {
            (
                1642u16,
                "Unhandled user-defined warning condition".to_string(),
            )
        } else if sqlstate.starts_with("02") {
            (
                1643,
                "Unhandled user-defined not found condition".to_string(),
            )
        } else {
            (
                1644,
                "Unhandled user-defined exception condition".to_string(),
            )
        };
        for (name, e) in items {
            let v = self.eval(cx, e)?;
            match name.as_str() {
                "MESSAGE_TEXT" => {
                    text = v.to_string_lossy().unwrap_or_else(|| "NULL".into());
                }
                "MYSQL_ERRNO" => {
                    code = v
                        .to_i64()
                        .and_then(|n| u16::try_from(n).ok())
                        .filter(|n| *n > 0)
                        .ok_or_else(|| {
                            EngineError::new(
                                1231,
                                "42000",
                                format!(
                                    "Variable 'MYSQL_ERRNO' can't be set to the value of '{}'",
                                    v.to_string_lossy().unwrap_or_else(|| "NULL".into())
                                ),
                            )
                        })?;
                }
                "CLASS_ORIGIN" | "SUBCLASS_ORIGIN" | "CONSTRAINT_CATALOG" | "CONSTRAINT_SCHEMA"
                | "CONSTRAINT_NAME" | "CATALOG_NAME" | "SCHEMA_NAME" | "TABLE_NAME"
                | "COLUMN_NAME" | "CURSOR_NAME" => {}
                other => {
                    return Err(EngineError::parse_error(other, 1));
                }
            }
        }
        if sqlstate.starts_with("01") {
            cx.session.add_warning("Warning", code, text);
            return Ok(Flow::Next);
        }
        Err(EngineError::new(code, intern_sqlstate(sqlstate), text))
    }

    fn select_into(
        &mut self,
        cx: &mut Ctx<'_>,
        query: &ast::Query,
        into: &[Dest],
    ) -> Result<(), EngineError> {
        let frame: &[Value] = self.frame;
        let rows = with_frame(cx, frame, |cx| {
            let (plan, _) = super::bind_plan(cx.engine, cx.session, None, query)?;
            if plan.columns.len() != into.len() {
                return Err(EngineError::new(
                    1222,
                    "21000",
                    "The used SELECT statements have a different number of columns",
                ));
            }
            let mut rows = Vec::new();
            nested(cx, |inner| {
                inner.regs.resize(plan.registers.max(16), Value::Null);
                execute::run_plan(&plan, inner, &mut |r| {
                    if !rows.is_empty() {
                        return Err(EngineError::new(
                            1172,
                            "42000",
                            "Result consisted of more than one row",
                        ));
                    }
                    rows.push(r);
                    Ok(())
                })
            })?;
            Ok(rows)
        })?;
        let Some(row) = rows.into_iter().next() else {
            cx.session.add_warning(
                "Warning",
                1329,
                "No data - zero rows fetched, selected, or processed".into(),
            );
            return Ok(());
        };
        for (dest, v) in into.iter().zip(row) {
            self.store(cx, dest, v)?;
        }
        Ok(())
    }
}
