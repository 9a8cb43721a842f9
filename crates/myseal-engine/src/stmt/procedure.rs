//! Stored procedures (a first part): CREATE PROCEDURE, DROP PROCEDURE, CALL with IN, OUT and
//! INOUT parameters and the result sets of the SELECTs inside, run by the `routine.rs`
//! interpreter.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-procedure.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/call.html>
//!
//! A procedure (`catalog::RoutineDef`) lives in its schema (`storage::Schema::procedures`, by
//! lower-cased name), so snapshots and CLONE carry it. A CALL runs the whole body as one
//! statement in the session's transaction (or an implicit one): an error undoes everything the
//! CALL did, where MySQL keeps what the statements before the error did. The client gets each
//! SELECT's result set, then an OK. OUT and INOUT arguments must be user variables (`@x`),
//! set when the body ends.

use std::sync::Arc;

use sqlparser::ast;

use crate::catalog::{ParamMode, RoutineDef};
use crate::error::EngineError;
use crate::parse::compound::{self, ProcedureSpec};
use crate::value::Value;
use crate::{Column, Engine, Outcome, Session};

use super::routine::{self, does_not_exist_as};
use super::{Reads, in_txn_as};

pub(super) use super::routine::name_of;

/// CREATE FUNCTION's checks for binary logging, which MySQL 8.4 has on by default: unless
/// log_bin_trust_function_creators is ON, a function must say DETERMINISTIC, NO SQL or READS
/// SQL DATA (ER 1418, whoever creates it), and its creator must hold SUPER (ER 1419).
fn check_binlog_safe(
    engine: &Engine,
    session: &Session,
    chars: &crate::catalog::RoutineChars,
) -> Result<(), EngineError> {
    use crate::catalog::DataAccess;
    if !crate::privilege::binlog_untrusted(engine, session) {
        return Ok(());
    }
    if !chars.deterministic
        && matches!(
            chars.data_access,
            DataAccess::ContainsSql | DataAccess::ModifiesSqlData
        )
    {
        return Err(EngineError::new(
            1418,
            "HY000",
            "This function has none of DETERMINISTIC, NO SQL, or READS SQL DATA in its declaration and binary logging is enabled (you *might* want to use the less safe log_bin_trust_function_creators variable)",
        ));
    }
    crate::privilege::check_creator_super(engine, session)
}

/// CREATE PROCEDURE and CREATE FUNCTION (`spec.returns` set).
pub(crate) fn create(
    engine: &Engine,
    session: &mut Session,
    spec: &ProcedureSpec,
) -> Result<Outcome, EngineError> {
    let (schema, name) = name_of(session, &spec.name)?;
    let function = spec.returns.is_some();
    let kind = if function { "FUNCTION" } else { "PROCEDURE" };
    crate::privilege::check_db(
        engine,
        session,
        &schema,
        crate::privilege::Privs::CREATE_ROUTINE,
    )?;
    let chars = spec.chars.resolve();
    if function {
        check_binlog_safe(engine, session, &chars)?;
    }
    super::implicit_commit(engine, session);
    if !engine.database_exists(&schema) {
        return Err(EngineError::bad_db(&schema));
    }
    for (i, p) in spec.params.iter().enumerate() {
        if spec.params[..i]
            .iter()
            .any(|q| q.name.eq_ignore_ascii_case(&p.name))
        {
            return Err(EngineError::new(
                1330,
                "42000",
                format!("Duplicate parameter: {}", p.name),
            ));
        }
    }
    // The body must compile now (unknown labels, SELECT INTO a missing variable, ...).
    let body = compound::parse_body(&spec.body)?;
    let types = routine::param_types(&spec.params)?;
    if function {
        routine::compile_function(&body, &types)?;
    } else {
        routine::compile_procedure(&body, &types)?;
    }
    let database_collation = engine
        .store
        .latest()
        .schemas
        .get(&schema)
        .map_or(crate::collation::Collation::Utf8mb4_0900_ai_ci, |s| {
            s.def.collation
        });
    let param_types = spec
        .params
        .iter()
        .map(|p| super::ddl::column_type(&p.ty, &p.name, database_collation))
        .collect::<Result<Vec<_>, EngineError>>()?;
    let returns = match &spec.returns {
        None => None,
        Some(r) => {
            let collation = match (&r.collate, &r.charset) {
                (Some(c), _) => crate::collation::Collation::from_name(c)
                    .ok_or_else(|| EngineError::unknown_collation(c))?,
                (None, Some(cs)) => crate::collation::Collation::default_for_charset(cs)
                    .ok_or_else(|| EngineError::unknown_charset(cs))?,
                (None, None) => database_collation,
            };
            Some(crate::catalog::RoutineReturns {
                ty: r.ty.clone(),
                text: r.text.clone(),
                sql: super::ddl::column_type(&r.ty, &name, collation)?,
            })
        }
    };
    let var = |n: &str| session.vars.get(n).cloned().unwrap_or_default();
    let now = crate::temporal_now_secs();
    let definer = match &spec.definer {
        Some(Some(d)) => d.clone(),
        _ => (session.info.user.clone(), session.info.account_host.clone()),
    };
    let def = RoutineDef {
        name: name.clone(),
        params: spec.params.clone(),
        param_text: spec.param_text.clone(),
        body: spec.body.clone(),
        definer,
        sql_mode: var("sql_mode"),
        client_charset: var("character_set_client"),
        connection_collation: var("collation_connection"),
        param_types,
        database_collation: database_collation.name().to_string(),
        created: now,
        modified: now,
        returns,
        chars,
    };
    let key = name.to_lowercase();
    let if_not_exists = spec.if_not_exists;
    let created = engine.store.ddl(|st| {
        let Some(s) = st.schemas.get_mut(&schema) else {
            return Err(EngineError::bad_db(&schema));
        };
        let map = if function {
            &mut s.functions
        } else {
            &mut s.procedures
        };
        if map.contains_key(&key) {
            return if if_not_exists {
                Ok(false)
            } else {
                Err(EngineError::new(
                    1304,
                    "42000",
                    format!("{kind} {name} already exists"),
                ))
            };
        }
        map.insert(key.clone(), Arc::new(def));
        Ok(true)
    })?;
    if !created {
        session.add_warning("Note", 1304, format!("{kind} {name} already exists"));
    } else if function && crate::func::Func::lookup(&name.to_ascii_uppercase()).is_some() {
        session.add_warning(
            "Note",
            1585,
            format!("This function '{name}' has the same name as a native function"),
        );
    }
    Ok(super::ok(session, 0, 0, String::new()))
}

/// Whether database `schema` has a stored function (`function`) or procedure whose lower-cased
/// name is `key`.
pub(super) fn routine_exists(engine: &Engine, schema: &str, key: &str, function: bool) -> bool {
    routine::find(engine, schema, key, function).is_some()
}

/// DROP PROCEDURE and DROP FUNCTION (`function`).
pub(crate) fn drop(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
    if_exists: bool,
    function: bool,
) -> Result<Outcome, EngineError> {
    let kind = if function { "FUNCTION" } else { "PROCEDURE" };
    let (schema, pname) = name_of(session, name)?;
    let key = pname.to_lowercase();
    let exists = routine_exists(engine, &schema, &key, function);
    if !exists {
        if if_exists {
            session.add_warning(
                "Note",
                1305,
                format!("{kind} {schema}.{pname} does not exist"),
            );
            return Ok(super::ok(session, 0, 0, String::new()));
        }
        return Err(does_not_exist_as(kind, &schema, &pname));
    }
    crate::privilege::check_db(
        engine,
        session,
        &schema,
        crate::privilege::Privs::ALTER_ROUTINE,
    )?;
    super::implicit_commit(engine, session);
    engine.store.ddl(|st| {
        if let Some(s) = st.schemas.get_mut(&schema) {
            if function {
                s.functions.remove(&key);
            } else {
                s.procedures.remove(&key);
            }
        }
        Ok(())
    })?;
    Ok(super::ok(session, 0, 0, String::new()))
}

/// What a CALL that started its body gives: its result sets and final OK, or the result sets
/// sent before an error ended it and that error.
pub(crate) type CallResult = Result<Vec<Outcome>, (Vec<Outcome>, EngineError)>;

/// CALL: the result sets of the body's SELECTs, then an OK. An error before the body runs is
/// the outer `Err`; one that ends the body comes with the result sets before it.
pub(crate) fn call(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
    args: &[ast::Expr],
) -> Result<CallResult, EngineError> {
    let callee = routine::callee(engine, session, name, args.len())?;
    let def = &callee.def;
    // OUT and INOUT arguments name the user variables that receive the values, or, in a
    // prepared CALL, are `?` markers whose values go back to the client.
    let mut outs: Vec<(usize, OutTarget)> = Vec::new();
    for (i, (p, a)) in def.params.iter().zip(args).enumerate() {
        if p.mode == ParamMode::In {
            continue;
        }
        let target = match a {
            ast::Expr::Identifier(id)
                if id.value.starts_with('@') && !id.value.starts_with("@@") =>
            {
                Some(OutTarget::Var(
                    id.value.trim_start_matches('@').to_lowercase(),
                ))
            }
            ast::Expr::Value(v) => match &v.value {
                ast::Value::Placeholder(m) if !session.params.is_empty() => m
                    .strip_prefix('?')
                    .and_then(|n| n.parse().ok())
                    .map(OutTarget::Marker),
                _ => None,
            },
            _ => None,
        };
        let Some(target) = target else {
            return Err(routine::not_a_variable(&callee, i));
        };
        outs.push((i, target));
    }
    // The prepared statement's parameters, which `?` markers in the arguments stand for.
    let markers: Vec<Value> = session.params.to_vec();
    let saved_stream = std::mem::replace(&mut session.may_stream, false);
    let result = in_txn_as(engine, session, Reads::Locking, |cx| {
        let mut inputs = Vec::with_capacity(args.len());
        for (p, a) in def.params.iter().zip(args) {
            inputs.push(match p.mode {
                ParamMode::Out => Value::Null,
                _ => routine::eval_expr(cx, &markers, a)?,
            });
        }
        let (results, end) = routine::run_body(cx, &callee, inputs, super::dml::run_nested)?;
        match end {
            // A deadlock takes the whole transaction with it.
            Err(e) if e.code == 1213 => Err(e),
            // Any other error ends the CALL with the statements before it kept (the failing
            // one was undone), as MySQL runs a procedure's statements one by one.
            end => Ok((results, end)),
        }
    });
    session.may_stream = saved_stream;
    let (mut results, end) = result?;
    let values = match end {
        Ok(values) => values,
        // The result sets before the error still reach the client; no OUT value is set.
        Err(e) => return Ok(Err((results, e))),
    };
    let (mut columns, mut row, mut marked) = (Vec::new(), Vec::new(), Vec::new());
    for (i, target) in outs {
        let v = values.get(i).cloned().unwrap_or(Value::Null);
        match target {
            OutTarget::Var(var) => {
                session.user_vars.insert(var, v);
            }
            OutTarget::Marker(m) => {
                // `types` has one entry per parameter.
                if let Some((name, ty)) = callee.types.get(i) {
                    columns.push(out_param_column(name.clone(), ty));
                    row.push(v);
                    marked.push(m);
                }
            }
        }
    }
    if !columns.is_empty() {
        results.push(Outcome::OutParams {
            columns,
            row,
            markers: marked,
        });
    }
    results.push(super::ok(session, 0, 0, String::new()));
    Ok(Ok(results))
}

/// Where an OUT or INOUT argument's value goes when the procedure ends.
enum OutTarget {
    /// A user variable (`@name`, without the `@`).
    Var(String),
    /// The prepared statement's `?` marker with this index: back to the client.
    Marker(usize),
}

/// The column of an OUT parameter's result set: named as the parameter, typed as declared.
fn out_param_column(name: String, ty: &crate::types::SqlType) -> Column {
    let f = ty.type_flags() & !crate::types::flags::NOT_NULL;
    Column::from_type(
        name.clone(),
        name,
        String::new(),
        String::new(),
        String::new(),
        ty,
        f,
    )
}

/// The text SHOW CREATE PROCEDURE/FUNCTION prints (MySQL's `create_string`): the definer,
/// the parameters as written, RETURNS, each characteristic that is not the default on a line
/// of its own, then the body as written.
pub(crate) fn create_text(def: &RoutineDef) -> String {
    use crate::catalog::DataAccess;
    let quote = |s: &str| format!("`{}`", s.replace('`', "``"));
    let mut text = format!(
        "CREATE DEFINER={}@{} {} {}({})",
        quote(&def.definer.0),
        quote(&def.definer.1),
        if def.returns.is_some() {
            "FUNCTION"
        } else {
            "PROCEDURE"
        },
        quote(&def.name),
        def.param_text,
    );
    if let Some(r) = &def.returns {
        text.push_str(" RETURNS ");
        text.push_str(&r.text);
    }
    text.push('\n');
    if def.chars.data_access != DataAccess::ContainsSql {
        text.push_str("    ");
        text.push_str(def.chars.data_access.sql());
        text.push('\n');
    }
    if def.chars.deterministic {
        text.push_str("    DETERMINISTIC\n");
    }
    if def.chars.invoker {
        text.push_str("    SQL SECURITY INVOKER\n");
    }
    if !def.chars.comment.is_empty() {
        text.push_str("    COMMENT '");
        text.push_str(&def.chars.comment.replace('\\', "\\\\").replace('\'', "\\'"));
        text.push_str("'\n");
    }
    text.push_str(&def.body);
    text
}

/// SHOW CREATE PROCEDURE / FUNCTION (`function`): Procedure (Function), sql_mode, Create
/// Procedure (Create Function), character_set_client, collation_connection, Database
/// Collation.
pub(crate) fn show_create(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
    function: bool,
) -> Result<Outcome, EngineError> {
    use super::show::{col, result_columns, varchar};
    let kind = if function { "FUNCTION" } else { "PROCEDURE" };
    let (schema, pname) = name_of(session, name)?;
    let Some(def) = routine::find(engine, &schema, &pname.to_lowercase(), function) else {
        return Err(does_not_exist_as(kind, &schema, &pname));
    };
    crate::privilege::check_db_visible(engine, session, &schema)?;
    let text = create_text(&def);
    let (head, create) = if function {
        ("Function", "Create Function")
    } else {
        ("Procedure", "Create Procedure")
    };
    let cols = vec![
        col(head, varchar(64), false),
        col("sql_mode", varchar(520), false),
        col(create, varchar(1024), true),
        col("character_set_client", varchar(32), false),
        col("collation_connection", varchar(64), false),
        col("Database Collation", varchar(64), false),
    ];
    Ok(Outcome::Rows {
        columns: result_columns("ROUTINES", &cols),
        rows: vec![vec![
            Value::str(def.name.clone()),
            Value::str(def.sql_mode.clone()),
            Value::str(text),
            Value::str(def.client_charset.clone()),
            Value::str(def.connection_collation.clone()),
            Value::str(def.database_collation.clone()),
        ]],
    })
}

/// SHOW PROCEDURE STATUS / SHOW FUNCTION STATUS [LIKE 'name pattern' | WHERE expr]: one row per
/// routine of that kind the account may see (as information_schema.ROUTINES).
pub(crate) fn show_status(
    engine: &Engine,
    session: &mut Session,
    function: bool,
    filter: Option<&ast::ShowStatementFilter>,
) -> Result<Outcome, EngineError> {
    use crate::collation::Collation;
    use crate::types::{BaseType, SqlType};

    use super::show::{col, filter_rows, result_columns, varchar};
    let cols = vec![
        col("Db", varchar(64), false),
        col("Name", varchar(64), false),
        col("Type", varchar(9), false),
        col("Definer", varchar(288), false),
        col("Modified", SqlType::new(BaseType::Timestamp), false),
        col("Created", SqlType::new(BaseType::Timestamp), false),
        col("Security_type", varchar(7), false),
        col("Comment", SqlType::new(BaseType::Text), false),
        col("character_set_client", varchar(32), false),
        col("collation_connection", varchar(64), false),
        col("Database Collation", varchar(64), false),
    ];
    let mut rows = Vec::new();
    {
        let state = engine.store.latest();
        let grants = session.grants(engine);
        let tz = session.tz_offset_secs();
        let account = (
            session.info.user.as_str(),
            session.info.account_host.as_str(),
        );
        // The same routines information_schema.ROUTINES shows (MySQL's CAN_ACCESS_ROUTINE).
        for (db, def, _) in crate::infoschema::visible_routines(&state, &grants, account) {
            if def.returns.is_some() != function {
                continue;
            }
            let modified = Value::DateTime(crate::temporal::from_epoch(
                def.modified.saturating_add(tz),
                0,
            ));
            let at = Value::DateTime(crate::temporal::from_epoch(
                def.created.saturating_add(tz),
                0,
            ));
            rows.push(vec![
                Value::str(db.clone()),
                Value::str(def.name.clone()),
                Value::str(if function { "FUNCTION" } else { "PROCEDURE" }.to_string()),
                Value::str(format!("{}@{}", def.definer.0, def.definer.1)),
                modified,
                at,
                Value::str(
                    if def.chars.invoker {
                        "INVOKER"
                    } else {
                        "DEFINER"
                    }
                    .to_string(),
                ),
                Value::str(def.chars.comment.clone()),
                Value::str(def.client_charset.clone()),
                Value::str(def.connection_collation.clone()),
                Value::str(def.database_collation.clone()),
            ]);
        }
    }
    // LIKE matches the routine names.
    let rows = filter_rows(
        engine,
        session,
        &cols,
        rows,
        1,
        Collation::Utf8mb3_general_ci,
        filter,
    )?;
    Ok(Outcome::Rows {
        columns: result_columns("ROUTINES", &cols),
        rows,
    })
}
