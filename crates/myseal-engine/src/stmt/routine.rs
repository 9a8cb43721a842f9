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
use crate::parse::compound::{CondValue, Sp, Target};
use crate::types::SqlType;
use crate::value::Value;
use crate::{Engine, Session};

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
        /// The block's handlers, in force from `body[handlers_at]` on.
        handlers: Vec<Handler>,
        handlers_at: usize,
        /// The block's cursors (closed when it ends).
        cursors: Vec<usize>,
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
    /// `RESIGNAL [SQLSTATE 'x'] [SET ...]` (a named condition is resolved to its SQLSTATE).
    Resignal {
        sqlstate: Option<String>,
        items: Vec<(String, ast::Expr)>,
    },
    /// DECLARE ... CURSOR: the cursor is closed when its block starts.
    DeclareCursor(usize),
    Open {
        cursor: usize,
        query: Box<ast::Query>,
    },
    Fetch {
        cursor: usize,
        into: Vec<Dest>,
    },
    Close(usize),
    GetDiagnostics {
        stacked: bool,
        condition: Option<ast::Expr>,
        items: Vec<(Dest, String)>,
    },
    /// What runs nothing (DECLARE ... CONDITION, a handler's place in its block).
    Nothing,
    /// A SET of system variables (through `Engine::set_system`), locals as `?N`.
    SetSystem(Vec<crate::parse::SetItem>),
    /// A SELECT of a stored procedure: its rows are a result set of the CALL.
    Select(Box<ast::Query>),
    Sql(Box<ast::Statement>),
    /// CALL of a stored procedure: the arguments (locals as `?N`), where each one's value can
    /// be written back (a local, a user variable or NEW.col, for OUT and INOUT), and whether
    /// the callee may send result sets (only a procedure's body passes them on).
    Call {
        name: ast::ObjectName,
        args: Vec<ast::Expr>,
        dests: Vec<Option<Dest>>,
        results: bool,
    },
    /// A stored function's RETURN.
    Return(ast::Expr),
}

/// What a handler catches, with a named condition resolved.
#[derive(Clone, Debug, PartialEq)]
enum Catch {
    Code(u16),
    SqlState(String),
    SqlWarning,
    NotFound,
    SqlException,
}

/// A compiled DECLARE ... HANDLER.
#[derive(Clone, Debug)]
struct Handler {
    exit: bool,
    catches: Vec<Catch>,
    body: Box<Op>,
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
    /// Conditions and cursors declared so far.
    decl: Decls,
}

/// The conditions and cursors of the blocks being compiled.
#[derive(Default)]
struct Decls {
    /// Per block, innermost last.
    blocks: Vec<BlockDecls>,
    /// Cursors declared so far (a cursor's number is its place in the runtime's table).
    cursors: usize,
}

#[derive(Default)]
struct BlockDecls {
    conditions: Vec<(String, CondValue)>,
    /// Name, number and query (with the locals visible where it was declared).
    cursors: Vec<(String, usize, Box<ast::Query>)>,
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
        decl: Decls::default(),
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
        decl: Decls::default(),
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

/// The parameters' names and SQL types, as a body's first locals.
pub(crate) fn param_types(
    params: &[crate::catalog::RoutineParam],
) -> Result<Vec<(String, SqlType)>, EngineError> {
    params
        .iter()
        .map(|p| Ok((p.name.clone(), param_type(&p.name, &p.ty)?)))
        .collect()
}

/// `[db.]name` → (db, name as written).
pub(crate) fn name_of(
    session: &Session,
    name: &ast::ObjectName,
) -> Result<(String, String), EngineError> {
    let parts = crate::bind::name_parts(name);
    match parts.as_slice() {
        [n] => Ok((
            session.database.clone().ok_or_else(EngineError::no_db)?,
            n.clone(),
        )),
        [d, n] => Ok((d.clone(), n.clone())),
        _ => Err(EngineError::parse_error(&name.to_string(), 1)),
    }
}

/// The stored function (`function`) or procedure `key` (its lowercase name) of `schema`, as
/// the latest state has it.
pub(crate) fn find(
    engine: &Engine,
    schema: &str,
    key: &str,
    function: bool,
) -> Option<Arc<crate::catalog::RoutineDef>> {
    let state = engine.store.latest();
    let s = state.schemas.get(schema)?;
    if function {
        s.functions.get(key).cloned()
    } else {
        s.procedures.get(key).cloned()
    }
}

/// ER_SP_DOES_NOT_EXIST for a `kind` (PROCEDURE or FUNCTION).
pub(crate) fn does_not_exist_as(kind: &str, schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1305,
        "42000",
        format!("{kind} {schema}.{name} does not exist"),
    )
}

/// Runs `f` as a routine's body runs (MySQL's sp_head::execute): in the routine's database,
/// under the sql_mode it was created with, with `key` on the session's routine stack (what
/// recursion checks read); all three are restored afterwards.
pub(crate) fn in_routine<T>(
    cx: &mut Ctx<'_>,
    key: String,
    schema: &str,
    sql_mode: &str,
    f: impl FnOnce(&mut Ctx<'_>) -> T,
) -> T {
    cx.session.routine_stack.push(key);
    let saved_db = cx.session.database.replace(schema.to_string());
    let saved_mode = cx.session.vars.insert("sql_mode", sql_mode.to_string());
    let out = f(cx);
    match saved_mode {
        Some(m) => cx.session.vars.insert("sql_mode", m),
        None => cx.session.vars.remove("sql_mode"),
    };
    cx.session.database = saved_db;
    cx.session.routine_stack.pop();
    out
}

/// ER_SP_NO_RETSET: a trigger's or a function's body sending a result set.
fn no_result_set(trigger: bool) -> EngineError {
    let what = if trigger { "trigger" } else { "function" };
    EngineError::new(
        1415,
        "0A000",
        format!("Not allowed to return a result set from a {what}"),
    )
}

/// A procedure about to be called: where it lives, its definition, its parameters' names and
/// types, and its compiled body.
pub(crate) struct Callee {
    pub(crate) schema: String,
    pub(crate) def: Arc<crate::catalog::RoutineDef>,
    pub(crate) types: Vec<(String, SqlType)>,
    program: Program,
}

/// The procedure `name` for a CALL with `nargs` arguments: ER 1305 when it does not exist,
/// EXECUTE on its database, ER 1318 for a wrong number of arguments.
pub(crate) fn callee(
    engine: &Engine,
    session: &Session,
    name: &ast::ObjectName,
    nargs: usize,
) -> Result<Callee, EngineError> {
    let (schema, pname) = name_of(session, name)?;
    let Some(def) = find(engine, &schema, &pname.to_lowercase(), false) else {
        return Err(does_not_exist_as("PROCEDURE", &schema, &pname));
    };
    crate::privilege::check_db(engine, session, &schema, crate::privilege::Privs::EXECUTE)?;
    if nargs != def.params.len() {
        return Err(EngineError::new(
            1318,
            "42000",
            format!(
                "Incorrect number of arguments for PROCEDURE {schema}.{}; expected {}, got {}",
                def.name,
                def.params.len(),
                nargs
            ),
        ));
    }
    let body = crate::parse::compound::parse_body(&def.body)?;
    let types = param_types(&def.params)?;
    let program = compile_procedure(&body, &types)?;
    Ok(Callee {
        schema,
        def,
        types,
        program,
    })
}

/// ER_WRONG_ARGUMENTS-like 1414 for OUT or INOUT argument `i` (0-based) that cannot be
/// written.
pub(crate) fn not_a_variable(callee: &Callee, i: usize) -> EngineError {
    EngineError::new(
        1414,
        "42000",
        format!(
            "OUT or INOUT argument {} for routine {}.{} is not a variable or NEW pseudo-variable in BEFORE trigger",
            i + 1,
            callee.schema,
            callee.def.name
        ),
    )
}

/// A body's result sets, and how it ended: the parameters' final values, or an error.
pub(crate) type BodyEnd = (Vec<crate::Outcome>, Result<Vec<Value>, EngineError>);

/// Runs the callee's body over its parameters' values, in its database and under the sql_mode
/// it was created with: its result sets and the body's end, with the parameters' values at
/// the end (for OUT and INOUT). ER 1456 when the procedure is already running
/// max_sp_recursion_depth times (MySQL's default 0 forbids recursion).
pub(crate) fn run_body(
    cx: &mut Ctx<'_>,
    callee: &Callee,
    inputs: Vec<Value>,
    exec: Exec,
) -> Result<BodyEnd, EngineError> {
    let key = format!("PROCEDURE {}.{}", callee.schema, callee.def.name).to_lowercase();
    let depth = cx
        .session
        .routine_stack
        .iter()
        .filter(|k| **k == key)
        .count();
    let limit = cx
        .session
        .variable("max_sp_recursion_depth")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_RECURSION);
    if depth > limit {
        return Err(EngineError::new(
            1456,
            "HY000",
            format!(
                "Recursive limit {limit} (as set by the max_sp_recursion_depth variable) was exceeded for routine {}.{}",
                callee.schema, callee.def.name
            ),
        ));
    }
    let program = &callee.program;
    let mut frame = vec![Value::Null; program.slots()];
    for (i, v) in inputs.into_iter().enumerate() {
        set_local(cx, program, &mut frame, i, v)?;
    }
    let (results, end) = in_routine(cx, key, &callee.schema, &callee.def.sql_mode, |cx| {
        run_collecting(cx, program, &mut frame, exec)
    });
    let params = callee.def.params.len();
    Ok((
        results,
        end.map(|()| frame.into_iter().take(params).collect()),
    ))
}

/// The deepest max_sp_recursion_depth honoured (MySQL's maximum).
const MAX_RECURSION: usize = 255;

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
                self.decl.blocks.push(BlockDecls::default());
                let out = self.labelled(label, false, |c| c.block(body));
                self.decl.blocks.pop();
                self.scopes.pop();
                let (body, handlers, handlers_at, cursors) = out?;
                Op::Block {
                    label: label.clone(),
                    body,
                    handlers,
                    handlers_at,
                    cursors,
                }
            }
            Sp::DeclareCondition { name, value } => {
                let Some(block) = self.decl.blocks.last_mut() else {
                    return Err(EngineError::parse_error("DECLARE", 1));
                };
                if block
                    .conditions
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(name))
                {
                    return Err(EngineError::new(
                        1332,
                        "42000",
                        format!("Duplicate condition: {name}"),
                    ));
                }
                check_condition(value)?;
                block.conditions.push((name.clone(), value.clone()));
                Op::Nothing
            }
            Sp::DeclareCursor { name, query, into } => {
                if *into {
                    return Err(EngineError::new(
                        1323,
                        "42000",
                        "Cursor SELECT must not have INTO",
                    ));
                }
                let mut q = query.clone();
                self.rewrite(&mut *q)?;
                let slot = self.decl.cursors;
                let Some(block) = self.decl.blocks.last_mut() else {
                    return Err(EngineError::parse_error("DECLARE", 1));
                };
                if block
                    .cursors
                    .iter()
                    .any(|(n, _, _)| n.eq_ignore_ascii_case(name))
                {
                    return Err(EngineError::new(
                        1333,
                        "42000",
                        format!("Duplicate cursor: {name}"),
                    ));
                }
                block.cursors.push((name.clone(), slot, q));
                self.decl.cursors += 1;
                Op::DeclareCursor(slot)
            }
            Sp::DeclareHandler { .. } => {
                // Only at the start of a BEGIN ... END block (see `block`).
                return Err(EngineError::parse_error("DECLARE", 1));
            }
            Sp::Open(name) => {
                let (cursor, query) = self.cursor(name)?;
                Op::Open {
                    cursor,
                    query: Box::new(query.clone()),
                }
            }
            Sp::Close(name) => Op::Close(self.cursor(name)?.0),
            Sp::Fetch { cursor, into } => Op::Fetch {
                cursor: self.cursor(cursor)?.0,
                into: into
                    .iter()
                    .map(|t| self.dest(t))
                    .collect::<Result<_, _>>()?,
            },
            Sp::SignalNamed { name, items } => {
                let sqlstate = self.signal_sqlstate(name)?;
                return self.statement(&Sp::Signal {
                    sqlstate,
                    items: items.clone(),
                });
            }
            Sp::Resignal { value, items } => {
                let sqlstate = match value {
                    None => None,
                    Some(CondValue::SqlState(s)) => {
                        check_condition(&CondValue::SqlState(s.clone()))?;
                        Some(s.clone())
                    }
                    Some(CondValue::Name(n)) => Some(self.signal_sqlstate(n)?),
                    Some(_) => return Err(EngineError::parse_error("RESIGNAL", 1)),
                };
                Op::Resignal {
                    sqlstate,
                    items: self.signal_items(items)?,
                }
            }
            Sp::SetSystem(set) => self.set_system(&set.0)?,
            Sp::GetDiagnostics(d) => Op::GetDiagnostics {
                stacked: d.stacked,
                condition: d.condition.as_ref().map(|e| self.expr(e)).transpose()?,
                items: d
                    .items
                    .iter()
                    .map(|(t, item)| Ok((self.dest(t)?, item.clone())))
                    .collect::<Result<_, EngineError>>()?,
            },
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
                // `SET name = ...` of a system variable no local hides.
                let system = |t: &Target| match t {
                    Target::Name(parts) => match parts.as_slice() {
                        [n] => self.local(n).is_none() && crate::vars::lookup(n).is_some(),
                        _ => false,
                    },
                    Target::User(_) => false,
                };
                if items.iter().any(|(t, _)| system(t))
                    && items.iter().all(|(t, _)| {
                        matches!(t, Target::User(_)) || matches!(t, Target::Name(p) if p.len() == 1)
                    })
                {
                    use crate::parse::{SetItem, SetValue};
                    let items: Vec<SetItem> = items
                        .iter()
                        .map(|(t, e)| match t {
                            Target::User(name) => SetItem::User {
                                name: name.clone(),
                                value: Box::new(e.clone()),
                            },
                            Target::Name(parts) => SetItem::System {
                                scope: None,
                                name: parts.join("."),
                                value: match e {
                                    ast::Expr::Identifier(id)
                                        if id.quote_style.is_none()
                                            && self.local(&id.value).is_none() =>
                                    {
                                        SetValue::Word(id.value.clone())
                                    }
                                    _ => SetValue::Expr(Box::new(e.clone())),
                                },
                            },
                        })
                        .collect();
                    return self.set_system(&items);
                }
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
                // Digits and capital letters only, as MySQL's is_sqlstate_valid.
                if bad_sqlstate(sqlstate) {
                    return Err(EngineError::new(
                        1407,
                        "42000",
                        format!("Bad SQLSTATE: '{sqlstate}'"),
                    ));
                }
                Op::Signal {
                    sqlstate: sqlstate.clone(),
                    items: self.signal_items(items)?,
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
                    return Err(no_result_set(self.row.is_some()));
                }
                let mut s = stmt.clone();
                self.rewrite(&mut *s)?;
                Op::Sql(s)
            }
            Sp::Call { name, args } => {
                let mut dests = Vec::with_capacity(args.len());
                let mut exprs = Vec::with_capacity(args.len());
                for a in args {
                    let target = match a {
                        ast::Expr::Identifier(id)
                            if id.quote_style.is_none()
                                && id.value.starts_with('@')
                                && !id.value.starts_with("@@") =>
                        {
                            Some(Target::User(
                                id.value.trim_start_matches('@').to_lowercase(),
                            ))
                        }
                        ast::Expr::Identifier(id) => Some(Target::Name(vec![id.value.clone()])),
                        ast::Expr::CompoundIdentifier(parts) => Some(Target::Name(
                            parts.iter().map(|p| p.value.clone()).collect(),
                        )),
                        _ => None,
                    };
                    dests.push(target.and_then(|t| self.dest(&t).ok()));
                    exprs.push(self.expr(a)?);
                }
                Op::Call {
                    name: name.clone(),
                    args: exprs,
                    dests,
                    results: self.procedure,
                }
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

    /// The statements of a BEGIN ... END block, its handlers, where they take effect and its
    /// cursors. Declarations come in MySQL's order: variables and conditions, then cursors,
    /// then handlers (1337, 1338).
    #[allow(clippy::type_complexity)]
    fn block(
        &mut self,
        body: &[Sp],
    ) -> Result<(Vec<Op>, Vec<Handler>, usize, Vec<usize>), EngineError> {
        // 0: variables and conditions, 1: cursors, 2: handlers.
        let mut stage = 0;
        let mut ops = Vec::with_capacity(body.len());
        let mut handlers: Vec<Handler> = Vec::new();
        let mut handlers_at = 0;
        let mut cursors = Vec::new();
        for sp in body {
            match sp {
                Sp::Declare { .. } | Sp::DeclareCondition { .. } if stage > 0 => {
                    return Err(EngineError::new(
                        1337,
                        "42000",
                        "Variable or condition declaration after cursor or handler declaration",
                    ));
                }
                Sp::DeclareCursor { .. } if stage > 1 => {
                    return Err(EngineError::new(
                        1338,
                        "42000",
                        "Cursor declaration after handler declaration",
                    ));
                }
                Sp::DeclareCursor { .. } => stage = 1,
                Sp::DeclareHandler {
                    exit,
                    conditions,
                    body,
                } => {
                    stage = 2;
                    let h = self.handler(*exit, conditions, body, &handlers)?;
                    handlers.push(h);
                    ops.push(Op::Nothing);
                    handlers_at = ops.len();
                    continue;
                }
                _ => {}
            }
            let op = self.statement(sp)?;
            if let Op::DeclareCursor(slot) = op {
                cursors.push(slot);
            }
            ops.push(op);
        }
        Ok((ops, handlers, handlers_at, cursors))
    }

    /// A DECLARE ... HANDLER: its conditions resolved (1319, 1413 for one its block already
    /// handles) and its statement compiled without the labels around it.
    fn handler(
        &mut self,
        exit: bool,
        conditions: &[CondValue],
        body: &Sp,
        earlier: &[Handler],
    ) -> Result<Handler, EngineError> {
        let mut catches = Vec::with_capacity(conditions.len());
        for c in conditions {
            let resolved = match c {
                CondValue::Name(n) => self.condition(n)?,
                other => other.clone(),
            };
            check_condition(&resolved)?;
            let catch = match resolved {
                CondValue::Code(n) => Catch::Code(u16::try_from(n).unwrap_or(u16::MAX)),
                CondValue::SqlState(s) => Catch::SqlState(s),
                CondValue::SqlWarning => Catch::SqlWarning,
                CondValue::NotFound => Catch::NotFound,
                CondValue::SqlException | CondValue::Name(_) => Catch::SqlException,
            };
            if catches.contains(&catch) || earlier.iter().any(|h| h.catches.contains(&catch)) {
                return Err(EngineError::new(
                    1413,
                    "42000",
                    "Duplicate handler declared in the same block",
                ));
            }
            catches.push(catch);
        }
        let labels = std::mem::take(&mut self.labels);
        let body = self.statement(body);
        self.labels = labels;
        Ok(Handler {
            exit,
            catches,
            body: Box::new(body?),
        })
    }

    /// A SET with system variables: its local and user variable items become `Op::Set`s,
    /// the rest one `Op::SetSystem`, in their order.
    fn set_system(&mut self, items: &[crate::parse::SetItem]) -> Result<Op, EngineError> {
        use crate::parse::{SetItem, SetValue};
        let mut ops = Vec::new();
        let mut system = Vec::new();
        let value_expr = |v: &SetValue, name: &str| match v {
            SetValue::Expr(e) => Ok((**e).clone()),
            SetValue::Word(w) => Ok(ast::Expr::Identifier(ast::Ident::new(w.clone()))),
            SetValue::Default => Err(EngineError::parse_error(name, 1)),
        };
        for item in items {
            let local = match item {
                SetItem::System {
                    scope: None, name, ..
                } => self.local(name).map(Dest::Local),
                SetItem::User { name, .. } => Some(Dest::User(name.to_lowercase())),
                _ => None,
            };
            if let Some(dest) = local {
                let e = match item {
                    SetItem::System { name, value, .. } => value_expr(value, name)?,
                    SetItem::User { value, .. } => (**value).clone(),
                    _ => return Err(EngineError::parse_error("SET", 1)),
                };
                if !system.is_empty() {
                    ops.push(Op::SetSystem(std::mem::take(&mut system)));
                }
                ops.push(Op::Set(vec![(dest, self.expr(&e)?)]));
                continue;
            }
            let mut item = item.clone();
            if let SetItem::System { value, .. } = &mut item {
                match value {
                    // A bare word that names a local is the local's value.
                    SetValue::Word(w) if self.local(w).is_some() => {
                        let e = ast::Expr::Identifier(ast::Ident::new(w.clone()));
                        *value = SetValue::Expr(Box::new(self.expr(&e)?));
                    }
                    SetValue::Expr(e) => **e = self.expr(e)?,
                    _ => {}
                }
            }
            system.push(item);
        }
        if !system.is_empty() {
            ops.push(Op::SetSystem(system));
        }
        Ok(match ops.len() {
            1 => ops.pop().unwrap_or(Op::Nothing),
            _ => Op::Block {
                label: None,
                body: ops,
                handlers: Vec::new(),
                handlers_at: 0,
                cursors: Vec::new(),
            },
        })
    }

    /// A declared condition (ER 1319 when there is none of that name).
    fn condition(&self, name: &str) -> Result<CondValue, EngineError> {
        self.decl
            .blocks
            .iter()
            .rev()
            .find_map(|b| {
                b.conditions
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            })
            .ok_or_else(|| EngineError::new(1319, "42000", format!("Undefined CONDITION: {name}")))
    }

    /// The SQLSTATE of a condition SIGNAL or RESIGNAL names (1646 for one declared with an
    /// error code).
    fn signal_sqlstate(&self, name: &str) -> Result<String, EngineError> {
        match self.condition(name)? {
            CondValue::SqlState(s) => Ok(s),
            _ => Err(EngineError::new(
                1646,
                "HY000",
                "SIGNAL/RESIGNAL can only use a CONDITION defined with SQLSTATE",
            )),
        }
    }

    /// SIGNAL/RESIGNAL's `SET` items (1641 for one named twice).
    fn signal_items(
        &self,
        items: &[(String, ast::Expr)],
    ) -> Result<Vec<(String, ast::Expr)>, EngineError> {
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
        Ok(out)
    }

    /// A declared cursor's number and query (ER 1324 when there is none of that name).
    fn cursor(&self, name: &str) -> Result<(usize, &ast::Query), EngineError> {
        self.decl
            .blocks
            .iter()
            .rev()
            .find_map(|b| {
                b.cursors
                    .iter()
                    .rev()
                    .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, slot, q)| (*slot, &**q))
            })
            .ok_or_else(|| EngineError::new(1324, "42000", format!("Undefined CURSOR: {name}")))
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

/// A condition value as DECLARE ... CONDITION and DECLARE ... HANDLER accept it: not error
/// code 0 (ER 1525), a valid SQLSTATE not of class 00 (ER 1407).
fn check_condition(v: &CondValue) -> Result<(), EngineError> {
    match v {
        CondValue::Code(0) => Err(EngineError::new(
            1525,
            "HY000",
            "Incorrect CONDITION value: '0'",
        )),
        CondValue::SqlState(s) if bad_sqlstate(s) => Err(EngineError::new(
            1407,
            "42000",
            format!("Bad SQLSTATE: '{s}'"),
        )),
        _ => Ok(()),
    }
}

/// Not five digits or upper-case letters, or of class 00 (success).
fn bad_sqlstate(s: &str) -> bool {
    s.len() != 5
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        || s.starts_with("00")
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
    run_collecting(cx, program, frame, exec).1
}

/// [`run`], returning the result sets of the body's SELECTs (a stored procedure's).
pub(crate) fn run_collecting(
    cx: &mut Ctx<'_>,
    program: &Program,
    frame: &mut [Value],
    exec: Exec,
) -> (Vec<crate::Outcome>, Result<(), EngineError>) {
    let mut rt = Runtime {
        program,
        frame,
        exec,
        results: Vec::new(),
        h: Handling::default(),
    };
    // Flow::Leave/Iterate/Return at the top level just end the body.
    let end = rt.list(cx, &program.body).map(|_| ());
    (rt.results, end)
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
        h: Handling::default(),
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
    /// Handlers, cursors and the diagnostics area.
    h: Handling<'p>,
}

/// The state of condition handling while a body runs.
///
/// <https://dev.mysql.com/doc/refman/8.4/en/handler-scope.html>,
/// <https://dev.mysql.com/doc/refman/8.4/en/diagnostics-area.html>
///
/// The body's diagnostics area is the session's warnings from `base` on (a trigger's start
/// after the firing statement's own). A statement that reads tables clears it first, as
/// MySQL's do. When a statement fails or warns, the handlers of the blocks around it are
/// searched innermost block first; in a block an error-code handler beats an SQLSTATE one,
/// which beats SQLWARNING/NOT FOUND/SQLEXCEPTION. A handler's statement runs with its own
/// block's handlers (and those inside it) out of scope; then CONTINUE goes on after the
/// failing statement (which is undone), EXIT leaves the handler's block. What the handler
/// caught is gone from the diagnostics area afterwards: the client sees only what the
/// handler itself raised.
#[derive(Default)]
struct Handling<'p> {
    /// The handlers of the blocks running, innermost last.
    frames: Vec<HandlerFrame<'p>>,
    /// The handlers running, innermost last: the condition each caught and the diagnostics
    /// area when it started (GET STACKED DIAGNOSTICS).
    active: Vec<(Condition, Vec<crate::Warning>)>,
    /// Open cursors by number: the rows still to fetch and the column count.
    cursors: Vec<Option<(std::vec::IntoIter<Vec<Value>>, usize)>>,
    /// Numbers the blocks run, for EXIT.
    blocks: usize,
    /// Where the body's diagnostics area starts in the session's warnings.
    base: usize,
    started: bool,
    /// The error passing up was already offered to the handlers in scope.
    searched: bool,
    /// SQLSTATEs of conditions raised here (SIGNAL, caught errors), for GET DIAGNOSTICS.
    states: Vec<(u16, &'static str)>,
}

struct HandlerFrame<'p> {
    block: usize,
    handlers: &'p [Handler],
}

/// A condition raised by a statement of the body.
#[derive(Clone, Debug)]
struct Condition {
    level: &'static str,
    code: u16,
    sqlstate: &'static str,
    message: String,
}

impl Condition {
    fn of_error(e: &EngineError) -> Self {
        Condition {
            level: "Error",
            code: e.code,
            sqlstate: e.sql_state,
            message: e.message.clone(),
        }
    }

    fn error(&self) -> EngineError {
        EngineError::new(self.code, self.sqlstate, self.message.clone())
    }
}

/// How well a handler's condition matches (0: not at all): an error code beats an SQLSTATE,
/// which beats a class (MySQL's `sp_pcontext::find_handler`).
fn matches(catch: &Catch, c: &Condition) -> u8 {
    let class = c.sqlstate.get(..2).unwrap_or("");
    match catch {
        Catch::Code(n) if *n == c.code => 3,
        Catch::SqlState(s) if s == c.sqlstate => 2,
        Catch::SqlWarning if class == "01" || c.level == "Warning" => 1,
        Catch::NotFound if class == "02" => 1,
        Catch::SqlException if c.level == "Error" && !matches!(class, "00" | "01" | "02") => 1,
        _ => 0,
    }
}

/// SIGNAL's defaults for an SQLSTATE's class: (level, code, message).
fn signal_defaults(sqlstate: &str) -> (&'static str, u16, &'static str) {
    if sqlstate.starts_with("01") {
        ("Warning", 1642, "Unhandled user-defined warning condition")
    } else if sqlstate.starts_with("02") {
        ("Error", 1643, "Unhandled user-defined not found condition")
    } else {
        ("Error", 1644, "Unhandled user-defined exception condition")
    }
}

/// ER_GET_STACKED_DA_WITHOUT_ACTIVE_HANDLER.
fn stacked_without_handler() -> EngineError {
    EngineError::new(
        1887,
        "0Z002",
        "GET STACKED DIAGNOSTICS when handler not active",
    )
}

/// The values of GET DIAGNOSTICS items (`names`) over a diagnostics area: statement items,
/// or condition `n`'s. A condition number out of range adds ER 1758 to the area (as an
/// error the statement survives, as MySQL does) and gives no values.
fn diagnostics_values(
    cx: &mut Ctx<'_>,
    area: &[crate::Warning],
    n: Option<&Value>,
    names: &[&str],
    sqlstate: impl Fn(&Ctx<'_>, u16) -> &'static str,
) -> Vec<Value> {
    let Some(n) = n else {
        return names
            .iter()
            .map(|name| match *name {
                "NUMBER" => Value::Int(area.len() as i64),
                _ => Value::Int(cx.session.row_count),
            })
            .collect();
    };
    let w = n
        .to_i64()
        .and_then(|i| usize::try_from(i).ok())
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| area.get(i));
    let Some(w) = w else {
        cx.session.error_sqlstate = Some((1758, "35000"));
        cx.session
            .add_warning("Error", 1758, "Invalid condition number".to_string());
        return Vec::new();
    };
    let state = sqlstate(cx, w.code);
    names
        .iter()
        .map(|name| match *name {
            "MESSAGE_TEXT" => Value::str(w.message.clone()),
            "MYSQL_ERRNO" => Value::Int(i64::from(w.code)),
            "RETURNED_SQLSTATE" => Value::str(state.to_string()),
            "CLASS_ORIGIN" => Value::str(origin(state, false).to_string()),
            "SUBCLASS_ORIGIN" => Value::str(origin(state, true).to_string()),
            _ => Value::str(String::new()),
        })
        .collect()
}

/// GET [CURRENT] DIAGNOSTICS as a statement of its own: over the diagnostics area the
/// statement before left (the session's warnings), into user variables. STACKED is ER 1887
/// here, a local variable ER 1327.
pub(crate) fn get_diagnostics(
    engine: &crate::Engine,
    session: &mut crate::Session,
    d: &crate::parse::compound::Diagnostics,
) -> Result<crate::Outcome, EngineError> {
    if d.stacked {
        return Err(stacked_without_handler());
    }
    let mut vars = Vec::with_capacity(d.items.len());
    for (t, _) in &d.items {
        match t {
            Target::User(name) => vars.push(name.clone()),
            Target::Name(parts) => return Err(undeclared(&parts.join("."))),
        }
    }
    let names: Vec<&str> = d.items.iter().map(|(_, n)| n.as_str()).collect();
    let area = session.warnings.clone();
    let values = super::in_txn_as(engine, session, super::Reads::Consistent, |cx| {
        let n = match &d.condition {
            Some(e) => Some(eval(cx, &[], e)?),
            None => None,
        };
        Ok(diagnostics_values(
            cx,
            &area,
            n.as_ref(),
            &names,
            |cx, code| match cx.session.error_sqlstate {
                Some((c, s)) if c == code => s,
                _ => sqlstate_of_code(code),
            },
        ))
    })?;
    for (name, v) in vars.into_iter().zip(values) {
        session.user_vars.insert(name, v);
        session.note_state_change();
    }
    Ok(crate::Outcome::Ok {
        affected_rows: 0,
        last_insert_id: 0,
        warnings: session.warning_count(),
        info: String::new(),
    })
}

/// The label an EXIT handler leaves its block `block` with (no label a body can write).
fn exit_label(block: usize) -> String {
    format!("\u{0}exit {block}")
}

/// Errors no handler catches: KILL QUERY, max_execution_time, a deadlock (the transaction is
/// gone), and the stop of a statement tried on the caller's thread.
fn catchable(e: &EngineError, cx: &Ctx<'_>) -> bool {
    !cx.session.inline_blocked && !matches!(e.code, 1317 | 1213 | 3024 | 1436)
}

/// The SQLSTATE MySQL gives a warning or error code the engine reports without one.
fn sqlstate_of_code(code: u16) -> &'static str {
    match code {
        1329 | 1643 => "02000",
        1265 | 1642 => "01000",
        1264 => "22003",
        1292 => "22007",
        1406 => "22001",
        1365 => "22012",
        1048 | 1062 | 1451 | 1452 => "23000",
        1051 | 1146 => "42S02",
        1054 => "42S22",
        1050 => "42S01",
        1064 | 1304 | 1305 | 1327 => "42000",
        1758 => "35000",
        _ => "HY000",
    }
}

/// CLASS_ORIGIN / SUBCLASS_ORIGIN: 'ISO 9075' for the classes (and subclass 000) SQL
/// defines, else 'MySQL'.
fn origin(sqlstate: &str, subclass: bool) -> &'static str {
    const ISO: [&str; 38] = [
        "00", "01", "02", "07", "08", "09", "0A", "0D", "0E", "0F", "0K", "0L", "0M", "0N", "0P",
        "0S", "0T", "0U", "0V", "0W", "0X", "0Y", "0Z", "10", "20", "21", "22", "23", "24", "25",
        "26", "27", "28", "2B", "2C", "2D", "2E", "2F",
    ];
    const ISO2: [&str; 10] = ["2H", "30", "33", "34", "35", "36", "38", "39", "3B", "40"];
    let class = sqlstate.get(..2).unwrap_or("");
    let iso = ISO.contains(&class) || ISO2.contains(&class) || class == "42" || class == "44";
    if iso && (!subclass || sqlstate.get(2..) == Some("000")) {
        "ISO 9075"
    } else {
        "MySQL"
    }
}

/// True for a SELECT that reads tables (one that does clears the diagnostics area first).
fn reads_tables(q: &ast::Query) -> bool {
    match &*q.body {
        ast::SetExpr::Select(sel) => !sel.from.is_empty(),
        _ => true,
    }
}

impl Op {
    /// A simple statement: a failure in it is undone before a handler runs.
    fn is_simple(&self) -> bool {
        !matches!(
            self,
            Op::Block { .. }
                | Op::If { .. }
                | Op::Case { .. }
                | Op::While { .. }
                | Op::Repeat { .. }
                | Op::Loop { .. }
                // The callee's statements are undone one by one, as the caller's are.
                | Op::Call { .. }
        )
    }

    /// Clears the diagnostics area before it runs (reads or writes tables).
    fn clears_diagnostics(&self) -> bool {
        match self {
            Op::Sql(_) | Op::Open { .. } => true,
            Op::Select(q) | Op::SelectInto { query: q, .. } => reads_tables(q),
            _ => false,
        }
    }
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
        h: Handling::default(),
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

impl<'p> Runtime<'p, '_> {
    fn list(&mut self, cx: &mut Ctx<'_>, ops: &'p [Op]) -> Result<Flow, EngineError> {
        if !self.h.started {
            self.h.started = true;
            self.h.base = cx.session.warnings.len();
        }
        for op in ops {
            match self.guarded(cx, op)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    /// Runs one statement under the handlers in scope (see [`Handling`]).
    fn guarded(&mut self, cx: &mut Ctx<'_>, op: &'p Op) -> Result<Flow, EngineError> {
        if op.clears_diagnostics() {
            let base = self.h.base.min(cx.session.warnings.len());
            cx.session.warnings.truncate(base);
        }
        self.h.searched = false;
        let simple = op.is_simple();
        // A failing statement is undone, before its handler runs or as its error leaves the
        // body; the statements before it stay (MySQL's statement rollback).
        let saved = simple.then(|| cx.txn.changes.clone());
        if self.h.frames.is_empty() {
            let out = self.op(cx, op);
            if out.is_err()
                && let Some(changes) = saved
            {
                cx.txn.changes = changes;
            }
            return out;
        }
        let mark = cx.session.warnings.len();
        match self.op(cx, op) {
            Ok(flow) => {
                if !simple || cx.session.warnings.len() <= mark {
                    return Ok(flow);
                }
                // The last warning or note a handler takes (as MySQL picks).
                let mut found = None;
                for w in cx.session.warnings.get(mark..).unwrap_or_default() {
                    let c = Condition {
                        level: w.level,
                        code: w.code,
                        sqlstate: self.sqlstate(cx, w.code),
                        message: w.message.clone(),
                    };
                    if w.level != "Error"
                        && let Some((k, h)) = self.find(&c)
                    {
                        found = Some((k, h, c));
                    }
                }
                match found {
                    Some((k, h, c)) => self.activate(cx, k, h, c),
                    None => Ok(flow),
                }
            }
            Err(e) => {
                if let Some(changes) = saved {
                    cx.txn.changes = changes;
                }
                if self.h.searched || !catchable(&e, cx) {
                    return Err(e);
                }
                let c = Condition::of_error(&e);
                let Some((k, h)) = self.find(&c) else {
                    self.h.searched = true;
                    return Err(e);
                };
                if cx.session.warnings.len() < 1024 {
                    cx.session.warnings.push(crate::Warning {
                        level: "Error",
                        code: c.code,
                        message: c.message.clone(),
                    });
                }
                self.h.states.push((c.code, c.sqlstate));
                self.activate(cx, k, h, c)
            }
        }
    }

    /// The handler for a condition: (frame index, handler), innermost block first.
    fn find(&self, c: &Condition) -> Option<(usize, &'p Handler)> {
        for (k, f) in self.h.frames.iter().enumerate().rev() {
            let mut best: Option<(u8, &'p Handler)> = None;
            for h in f.handlers {
                let m = h.catches.iter().map(|x| matches(x, c)).max().unwrap_or(0);
                if m > 0 && best.is_none_or(|(b, _)| m > b) {
                    best = Some((m, h));
                }
            }
            if let Some((_, h)) = best {
                return Some((k, h));
            }
        }
        None
    }

    /// Runs handler `h` of frame `k` for condition `c`.
    fn activate(
        &mut self,
        cx: &mut Ctx<'_>,
        k: usize,
        h: &'p Handler,
        c: Condition,
    ) -> Result<Flow, EngineError> {
        let base = self.h.base.min(cx.session.warnings.len());
        let stacked: Vec<crate::Warning> =
            cx.session.warnings.get(base..).unwrap_or_default().to_vec();
        let hidden = self.h.frames.split_off(k);
        let block = hidden.first().map_or(0, |f| f.block);
        self.h.active.push((c, stacked.clone()));
        let out = self.guarded(cx, &h.body);
        self.h.active.pop();
        self.h.frames.extend(hidden);
        // The caught condition, and what was there when the handler started, are gone.
        let now = cx.session.warnings.get(base..).unwrap_or_default();
        let pushed = if now.starts_with(&stacked) {
            now.get(stacked.len()..).unwrap_or_default().to_vec()
        } else {
            now.to_vec()
        };
        cx.session.warnings.truncate(base);
        cx.session.warnings.extend(pushed);
        match out {
            Err(e) => {
                self.h.searched = true;
                Err(e)
            }
            Ok(Flow::Next) if h.exit => Ok(Flow::Leave(exit_label(block))),
            // An outer EXIT handler ran for a condition of this one (or a function returned).
            Ok(flow) => Ok(flow),
        }
    }

    /// The SQLSTATE of a condition in the diagnostics area.
    fn sqlstate(&self, cx: &Ctx<'_>, code: u16) -> &'static str {
        if let Some((_, s)) = self.h.states.iter().rev().find(|(c, _)| *c == code) {
            return s;
        }
        match cx.session.error_sqlstate {
            Some((c, s)) if c == code => s,
            _ => sqlstate_of_code(code),
        }
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

    fn op(&mut self, cx: &mut Ctx<'_>, op: &'p Op) -> Result<Flow, EngineError> {
        cx.check()?;
        match op {
            Op::Block {
                label,
                body,
                handlers,
                handlers_at,
                cursors,
            } => {
                self.h.blocks += 1;
                let block = self.h.blocks;
                let depth = self.h.frames.len();
                let (head, rest) = body.split_at((*handlers_at).min(body.len()));
                let mut out = self.list(cx, head);
                if matches!(out, Ok(Flow::Next)) {
                    if !handlers.is_empty() {
                        self.h.frames.push(HandlerFrame { block, handlers });
                    }
                    out = self.list(cx, rest);
                }
                self.h.frames.truncate(depth);
                for c in cursors {
                    if let Some(slot) = self.h.cursors.get_mut(*c) {
                        *slot = None;
                    }
                }
                match out? {
                    Flow::Leave(l)
                        if label.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(&l))
                            || l == exit_label(block) =>
                    {
                        Ok(Flow::Next)
                    }
                    other => Ok(other),
                }
            }
            Op::Nothing => Ok(Flow::Next),
            Op::SetSystem(items) => {
                let frame: &[Value] = self.frame;
                with_frame(cx, frame, |cx| {
                    (cx.engine.set_system)(cx.engine, cx.session, items)
                })?;
                Ok(Flow::Next)
            }
            Op::DeclareCursor(c) => {
                if self.h.cursors.len() <= *c {
                    self.h.cursors.resize_with(c + 1, || None);
                }
                if let Some(slot) = self.h.cursors.get_mut(*c) {
                    *slot = None;
                }
                Ok(Flow::Next)
            }
            Op::Open { cursor, query } => {
                if self.h.cursors.get(*cursor).is_some_and(Option::is_some) {
                    return Err(EngineError::new(1325, "24000", "Cursor is already open"));
                }
                // MySQL materializes the cursor's rows when it opens.
                let frame: &[Value] = self.frame;
                let (rows, width) = with_frame(cx, frame, |cx| {
                    let (plan, _) = super::bind_plan(cx.engine, cx.session, None, query)?;
                    let mut rows = Vec::new();
                    nested(cx, |inner| {
                        inner.regs.resize(plan.registers.max(16), Value::Null);
                        execute::run_plan(&plan, inner, &mut |r| {
                            rows.push(r);
                            Ok(())
                        })
                    })?;
                    Ok((rows, plan.columns.len()))
                })?;
                if self.h.cursors.len() <= *cursor {
                    self.h.cursors.resize_with(cursor + 1, || None);
                }
                if let Some(slot) = self.h.cursors.get_mut(*cursor) {
                    *slot = Some((rows.into_iter(), width));
                }
                Ok(Flow::Next)
            }
            Op::Fetch { cursor, into } => {
                let not_open = || EngineError::new(1326, "24000", "Cursor is not open");
                let Some(Some((rows, width))) = self.h.cursors.get_mut(*cursor) else {
                    return Err(not_open());
                };
                if *width != into.len() {
                    return Err(EngineError::new(
                        1328,
                        "HY000",
                        "Incorrect number of FETCH variables",
                    ));
                }
                let Some(row) = rows.next() else {
                    return Err(EngineError::new(
                        1329,
                        "02000",
                        "No data - zero rows fetched, selected, or processed",
                    ));
                };
                for (dest, v) in into.iter().zip(row) {
                    self.store(cx, dest, v)?;
                }
                Ok(Flow::Next)
            }
            Op::Close(c) => match self.h.cursors.get_mut(*c) {
                Some(slot @ Some(_)) => {
                    *slot = None;
                    Ok(Flow::Next)
                }
                _ => Err(EngineError::new(1326, "24000", "Cursor is not open")),
            },
            Op::Resignal { sqlstate, items } => self.resignal(cx, sqlstate.as_deref(), items),
            Op::GetDiagnostics {
                stacked,
                condition,
                items,
            } => {
                self.get_diagnostics(cx, *stacked, condition.as_ref(), items)?;
                Ok(Flow::Next)
            }
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
            Op::Call {
                name,
                args,
                dests,
                results,
            } => {
                self.call(cx, name, args, dests, *results)?;
                Ok(Flow::Next)
            }
            Op::Return(e) => Ok(Flow::Return(self.eval(cx, e)?)),
        }
    }

    /// CALL in a body: the arguments are evaluated here, the callee runs in the same
    /// transaction, its result sets become the caller's (ER 1415 where the caller may send
    /// none), and its OUT and INOUT values are stored where the arguments point.
    fn call(
        &mut self,
        cx: &mut Ctx<'_>,
        name: &ast::ObjectName,
        args: &[ast::Expr],
        dests: &[Option<Dest>],
        results: bool,
    ) -> Result<(), EngineError> {
        use crate::catalog::ParamMode;
        let callee = callee(cx.engine, cx.session, name, args.len())?;
        let mut inputs = Vec::with_capacity(args.len());
        for (i, (p, a)) in callee.def.params.iter().zip(args).enumerate() {
            if p.mode != ParamMode::In && dests.get(i).is_none_or(Option::is_none) {
                return Err(not_a_variable(&callee, i));
            }
            inputs.push(match p.mode {
                ParamMode::Out => Value::Null,
                _ => self.eval(cx, a)?,
            });
        }
        let (sets, end) = run_body(cx, &callee, inputs, self.exec)?;
        if !results && !sets.is_empty() {
            return Err(no_result_set(self.program.table.is_some()));
        }
        self.results.extend(sets);
        let values = end?;
        for ((p, v), dest) in callee.def.params.iter().zip(values).zip(dests) {
            if p.mode != ParamMode::In
                && let Some(dest) = dest
            {
                self.store(cx, dest, v)?;
            }
        }
        Ok(())
    }

    /// One pass of a loop body: Some(flow) ends the loop with that flow.
    fn loop_body(
        &mut self,
        cx: &mut Ctx<'_>,
        label: &Option<String>,
        body: &'p [Op],
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
        let (level, code, text) = signal_defaults(sqlstate);
        let mut c = Condition {
            level,
            code,
            sqlstate: intern_sqlstate(sqlstate),
            message: text.to_string(),
        };
        self.signal_items(cx, &mut c, items)?;
        self.raise(cx, c)
    }

    /// RESIGNAL: the condition the running handler caught, with a new SQLSTATE (and that
    /// class's code) if one is named, and the SET items, raised again. ER 1645 outside a
    /// handler.
    fn resignal(
        &mut self,
        cx: &mut Ctx<'_>,
        sqlstate: Option<&str>,
        items: &[(String, ast::Expr)],
    ) -> Result<Flow, EngineError> {
        let Some((caught, _)) = self.h.active.last() else {
            return Err(EngineError::new(
                1645,
                "0K000",
                "RESIGNAL when handler not active",
            ));
        };
        let mut c = caught.clone();
        if let Some(s) = sqlstate {
            let (level, code, _) = signal_defaults(s);
            c.level = level;
            c.code = code;
            c.sqlstate = intern_sqlstate(s);
        }
        self.signal_items(cx, &mut c, items)?;
        self.raise(cx, c)
    }

    /// Applies SIGNAL/RESIGNAL's SET items to a condition.
    fn signal_items(
        &mut self,
        cx: &mut Ctx<'_>,
        c: &mut Condition,
        items: &[(String, ast::Expr)],
    ) -> Result<(), EngineError> {
        for (name, e) in items {
            let v = self.eval(cx, e)?;
            match name.as_str() {
                "MESSAGE_TEXT" => {
                    c.message = v.to_string_lossy().unwrap_or_else(|| "NULL".into());
                }
                "MYSQL_ERRNO" => {
                    c.code = v
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
        Ok(())
    }

    /// A warning goes to the diagnostics area and the body goes on; an error ends the
    /// statement.
    fn raise(&mut self, cx: &mut Ctx<'_>, c: Condition) -> Result<Flow, EngineError> {
        self.h.states.push((c.code, c.sqlstate));
        if c.level == "Warning" {
            cx.session.add_warning("Warning", c.code, c.message);
            return Ok(Flow::Next);
        }
        Err(c.error())
    }

    /// GET [CURRENT | STACKED] DIAGNOSTICS (STACKED: the area when the running handler
    /// started, ER 1887 outside one).
    fn get_diagnostics(
        &mut self,
        cx: &mut Ctx<'_>,
        stacked: bool,
        condition: Option<&ast::Expr>,
        items: &[(Dest, String)],
    ) -> Result<(), EngineError> {
        let area = if stacked {
            match self.h.active.last() {
                Some((_, area)) => area.clone(),
                None => return Err(stacked_without_handler()),
            }
        } else {
            let base = self.h.base.min(cx.session.warnings.len());
            cx.session.warnings.get(base..).unwrap_or_default().to_vec()
        };
        let n = match condition {
            Some(e) => Some(self.eval(cx, e)?),
            None => None,
        };
        let names: Vec<&str> = items.iter().map(|(_, n)| n.as_str()).collect();
        let values = diagnostics_values(cx, &area, n.as_ref(), &names, |cx, code| {
            self.sqlstate(cx, code)
        });
        for ((dest, _), v) in items.iter().zip(values) {
            self.store(cx, dest, v)?;
        }
        Ok(())
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
