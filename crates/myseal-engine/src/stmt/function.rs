//! Stored functions called in expressions, and ALTER PROCEDURE / ALTER FUNCTION.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-procedure.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/alter-function.html>
//!
//! The binder resolves a call of a name that is not a built-in function to a stored function
//! of the current (or the named) database (`plan::Expr::Stored`); the executor runs it through
//! `Engine::call_function`, which is [`call`]: the body (parsed by `parse::compound`, compiled
//! by `routine.rs` with the parameters as its first locals) runs in the calling statement's
//! context and transaction, with the function's database as the default one. The arguments
//! are converted to the parameters' types (under the caller's sql_mode) and the RETURN value
//! to the RETURNS type (under the function's: its body runs with the sql_mode it was created
//! with). A function may not call itself, directly or through others (ER 1424).

use sqlparser::ast;

use crate::catalog::RoutineDef;
use crate::error::EngineError;
use crate::execute::Ctx;
use crate::parse::compound::{self, RoutineCharSpec};
use crate::plan::StoredCall;
use crate::value::Value;
use crate::{Engine, Outcome, Session};

use super::routine;

/// ER_PROCACCESS_DENIED_ERROR.
fn denied(session: &Session, what: &str, schema: &str, name: &str) -> EngineError {
    EngineError::new(
        1370,
        "42000",
        format!(
            "{what} command denied to user '{}'@'{}' for routine '{schema}.{name}'",
            session.info.user, session.info.account_host
        ),
    )
}

/// Compiles a function's body (CREATE FUNCTION checks it; every call compiles it again).
pub(crate) fn compile(
    def_body: &str,
    params: &[(String, crate::types::SqlType)],
) -> Result<routine::Program, EngineError> {
    let body = compound::parse_body(def_body)?;
    routine::compile_function(&body, params)
}

/// The parameters of a routine with their declared types.
pub(crate) fn param_types(
    def: &RoutineDef,
) -> Result<Vec<(String, crate::types::SqlType)>, EngineError> {
    def.params
        .iter()
        .map(|p| Ok((p.name.clone(), routine::param_type(&p.name, &p.ty)?)))
        .collect()
}

/// Functions compiled on this thread, most recent first (see [`compiled`]).
const COMPILED_KEPT: usize = 16;

thread_local! {
    static COMPILED: std::cell::RefCell<Vec<(std::sync::Weak<RoutineDef>, std::rc::Rc<routine::Program>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The compiled body of `def`: a statement calls a function once per row, so the last few
/// programs compiled on this thread are kept, by the definition they came from (any DDL makes
/// a new `RoutineDef`; the `Weak` keeps an old one's address from being reused).
fn compiled(
    def: &std::sync::Arc<RoutineDef>,
) -> Result<std::rc::Rc<routine::Program>, EngineError> {
    let hit = COMPILED.with(|c| {
        let mut c = c.borrow_mut();
        let i = c
            .iter()
            .position(|(w, _)| std::ptr::eq(w.as_ptr(), std::sync::Arc::as_ptr(def)))?;
        let entry = c.remove(i);
        let program = entry.1.clone();
        c.insert(0, entry);
        Some(program)
    });
    if let Some(p) = hit {
        return Ok(p);
    }
    let program = std::rc::Rc::new(compile(&def.body, &param_types(def)?)?);
    COMPILED.with(|c| {
        let mut c = c.borrow_mut();
        c.insert(0, (std::sync::Arc::downgrade(def), program.clone()));
        c.truncate(COMPILED_KEPT);
    });
    Ok(program)
}

/// Runs stored function `call` with `args` (see the module documentation).
pub(crate) fn call(
    cx: &mut Ctx<'_>,
    call: &StoredCall,
    args: Vec<Value>,
) -> Result<Value, EngineError> {
    let def = &call.def;
    if !cx
        .session
        .grants(cx.engine)
        .db_privs(&call.schema)
        .contains(crate::privilege::Privs::EXECUTE)
    {
        return Err(denied(cx.session, "execute", &call.schema, &def.name));
    }
    let key = format!("{}.{}", call.schema, def.name).to_lowercase();
    if cx.session.routine_stack.contains(&key) {
        return Err(EngineError::new(
            1424,
            "HY000",
            "Recursive stored functions and triggers are not allowed.",
        ));
    }
    let program = compiled(def)?;
    let program = &*program;
    let mut frame = vec![Value::Null; program.slots()];
    for (i, v) in args.into_iter().enumerate() {
        routine::set_local(cx, program, &mut frame, i, v)?;
    }
    // The body runs, and its RETURN value is stored, under the sql_mode the function was
    // created with, in its own database (MySQL's sp_head::execute).
    routine::in_routine(cx, key, &call.schema, &def.sql_mode, |cx| {
        routine::run_function(cx, program, &mut frame, super::dml::run_nested)
            .and_then(|v| returned(cx, def, v))
    })
}

/// The value a function's RETURN gave, converted to its RETURNS type (ER 1321 without one).
fn returned(cx: &mut Ctx<'_>, def: &RoutineDef, v: Option<Value>) -> Result<Value, EngineError> {
    let Some(v) = v else {
        return Err(EngineError::new(
            1321,
            "2F005",
            format!("FUNCTION {} ended without RETURN", def.name),
        ));
    };
    let Some(returns) = &def.returns else {
        return Ok(v);
    };
    if v.is_null() {
        return Ok(v);
    }
    let mut warnings = Vec::new();
    let strict = cx.session.strict();
    let out = super::convert(&v, &returns.sql, strict, &def.name, 1, &mut warnings)?;
    for (code, msg) in warnings {
        cx.warn(code, msg);
    }
    Ok(out)
}

/// ALTER PROCEDURE / ALTER FUNCTION: changes the characteristics it names (ER 1305 for a
/// routine that does not exist; ALTER ROUTINE on its database).
pub(crate) fn alter(
    engine: &Engine,
    session: &mut Session,
    function: bool,
    name: &ast::ObjectName,
    chars: &RoutineCharSpec,
) -> Result<Outcome, EngineError> {
    let kind = if function { "FUNCTION" } else { "PROCEDURE" };
    let (schema, rname) = super::procedure::name_of(session, name)?;
    let key = rname.to_lowercase();
    let exists = super::procedure::routine_exists(engine, &schema, &key, function);
    if !exists {
        return Err(EngineError::new(
            1305,
            "42000",
            format!("{kind} {schema}.{rname} does not exist"),
        ));
    }
    crate::privilege::check_db(
        engine,
        session,
        &schema,
        crate::privilege::Privs::ALTER_ROUTINE,
    )?;
    super::implicit_commit(engine, session);
    let now = crate::temporal_now_secs();
    engine.store.ddl(|st| {
        let Some(s) = st.schemas.get_mut(&schema) else {
            return Err(EngineError::bad_db(&schema));
        };
        let map = if function {
            &mut s.functions
        } else {
            &mut s.procedures
        };
        let Some(old) = map.get(&key) else {
            return Ok(());
        };
        let mut def = (**old).clone();
        if let Some(d) = chars.deterministic {
            def.chars.deterministic = d;
        }
        if let Some(a) = chars.data_access {
            def.chars.data_access = a;
        }
        if let Some(i) = chars.invoker {
            def.chars.invoker = i;
        }
        if let Some(c) = &chars.comment {
            def.chars.comment = c.clone();
        }
        def.modified = now;
        map.insert(key.clone(), std::sync::Arc::new(def));
        Ok(())
    })?;
    Ok(super::ok(session, 0, 0, String::new()))
}
