//! SHOW VARIABLES, SHOW STATUS, SHOW DATABASES, SHOW WARNINGS / ERRORS.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/show-variables.html>

use sqlparser::ast::{
    Expr, ShowStatementFilter, ShowStatementFilterPosition, ShowStatementOptions,
};

use crate::error::EngineError;
use crate::expr::{Eval, Row, display, like};
use crate::parse::{Script, VarScope};
use crate::vars::{self, Scope};
use crate::{Column, ColumnKind, Engine, Outcome, Session, Value, status};

fn string_column(name: &str, chars: u32, nullable: bool) -> Column {
    Column {
        name: name.to_string(),
        org_name: name.to_string(),
        table: String::new(),
        org_table: String::new(),
        schema: String::new(),
        kind: ColumnKind::VarString,
        length: chars * 4,
        decimals: 0,
        nullable,
        unsigned: false,
        binary: false,
        meta: None,
    }
}

/// Applies a LIKE / WHERE filter to `(name, value)` rows whose columns are `names`.
fn filter_rows(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    names: &[String],
    rows: Vec<Vec<Value>>,
    filter: Option<&ShowStatementFilter>,
) -> Result<Vec<Vec<Value>>, EngineError> {
    match filter {
        None => Ok(rows),
        Some(ShowStatementFilter::Like(p))
        | Some(ShowStatementFilter::ILike(p))
        | Some(ShowStatementFilter::NoKeyword(p)) => Ok(rows
            .into_iter()
            .filter(|r| {
                r.first()
                    .and_then(Value::to_string_lossy)
                    .is_some_and(|n| like(&n, p))
            })
            .collect()),
        Some(ShowStatementFilter::Where(e)) => {
            let mut ev = Eval::new(engine, session, script);
            ev.clause = "where clause";
            let mut out = Vec::new();
            for r in rows {
                if ev.eval(e, Row { names, values: &r })?.to_bool() == Some(true) {
                    out.push(r);
                }
            }
            Ok(out)
        }
    }
}

fn name_value_result(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    pairs: Vec<(String, String)>,
    filter: Option<&ShowStatementFilter>,
) -> Result<Outcome, EngineError> {
    let names = vec!["Variable_name".to_string(), "Value".to_string()];
    let rows = pairs
        .into_iter()
        .map(|(n, v)| vec![Value::str(n), Value::str(v)])
        .collect();
    let rows = filter_rows(engine, session, script, &names, rows, filter)?;
    Ok(Outcome::Rows {
        columns: vec![
            string_column("Variable_name", 64, false),
            string_column("Value", 1024, true),
        ],
        rows,
    })
}

/// SHOW [GLOBAL|SESSION] VARIABLES [LIKE | WHERE].
pub(crate) fn variables(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    filter: Option<&ShowStatementFilter>,
    global: bool,
) -> Result<Outcome, EngineError> {
    let globals = engine.read_globals().clone();
    let mut pairs = Vec::with_capacity(vars::VARS.len());
    {
        let mut ev = Eval::new(engine, session, script);
        for def in vars::VARS {
            let value = match (global, def.scope) {
                (true, Scope::Session) => continue,
                (true, _) | (false, Scope::Global) => {
                    globals.get(def.name).cloned().unwrap_or_default()
                }
                (false, _) => {
                    let v = ev.system_variable(Some(VarScope::Session), def.name)?;
                    match (def.ty, &v) {
                        (vars::VarType::Bool, Value::Int(i)) => {
                            if *i != 0 { "ON" } else { "OFF" }.to_string()
                        }
                        (vars::VarType::Double, _) => {
                            ev.session.vars.get(def.name).cloned().unwrap_or_else(|| {
                                v.to_f64().map(|f| format!("{f:.6}")).unwrap_or_default()
                            })
                        }
                        (_, Value::Null) => String::new(),
                        _ => display(&v),
                    }
                }
            };
            pairs.push((def.name.to_string(), value));
        }
    }
    name_value_result(engine, session, script, pairs, filter)
}

/// SHOW [GLOBAL|SESSION] STATUS [LIKE | WHERE].
pub(crate) fn status(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    filter: Option<&ShowStatementFilter>,
    global: bool,
) -> Result<Outcome, EngineError> {
    let pairs = status::rows(engine, session, global);
    name_value_result(engine, session, script, pairs, filter)
}

/// SHOW DATABASES [LIKE | WHERE].
pub(crate) fn databases(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    options: &ShowStatementOptions,
) -> Result<Outcome, EngineError> {
    if options.show_in.is_some() || options.starts_with.is_some() || options.limit.is_some() {
        return Err(EngineError::not_supported(
            "SHOW DATABASES with these options",
        ));
    }
    let filter = match &options.filter_position {
        Some(ShowStatementFilterPosition::Infix(f) | ShowStatementFilterPosition::Suffix(f)) => {
            Some(f)
        }
        None => None,
    };
    let header = match filter {
        Some(ShowStatementFilter::Like(p)) => format!("Database ({p})"),
        _ => "Database".to_string(),
    };
    let names = vec!["Database".to_string()];
    let rows = crate::privilege::visible_databases(engine, session)
        .into_iter()
        .map(|n| vec![Value::str(n)])
        .collect();
    let rows = filter_rows(engine, session, script, &names, rows, filter)?;
    Ok(Outcome::Rows {
        columns: vec![string_column(&header, 64, false)],
        rows,
    })
}

/// SHOW [COUNT(*)] WARNINGS | ERRORS [LIMIT [offset,] n].
pub(crate) fn warnings(
    engine: &Engine,
    session: &mut Session,
    script: &Script<'_>,
    errors: bool,
    count: bool,
    limit: Option<&Expr>,
    offset: Option<&Expr>,
) -> Result<Outcome, EngineError> {
    let list: Vec<crate::Warning> = session
        .warnings
        .iter()
        .filter(|w| !errors || w.level == "Error")
        .cloned()
        .collect();
    if count {
        let name = if errors {
            "@@session.error_count"
        } else {
            "@@session.warning_count"
        };
        let mut col = string_column(name, 0, false);
        col.kind = ColumnKind::Int;
        col.length = 21;
        col.org_name = String::new();
        return Ok(Outcome::Rows {
            columns: vec![col],
            rows: vec![vec![Value::Int(list.len() as i64)]],
        });
    }
    let mut ev = Eval::new(engine, session, script);
    let mut n = |e: Option<&Expr>| -> Result<Option<usize>, EngineError> {
        match e {
            None => Ok(None),
            Some(e) => Ok(ev
                .eval(e, Row::default())?
                .to_i64()
                .and_then(|i| usize::try_from(i).ok())),
        }
    };
    let limit = n(limit)?.unwrap_or(usize::MAX);
    let offset = n(offset)?.unwrap_or(0);
    let rows = list
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|w| {
            vec![
                Value::str(w.level),
                Value::UInt(u64::from(w.code)),
                Value::str(w.message),
            ]
        })
        .collect();
    let mut code = string_column("Code", 0, false);
    code.kind = ColumnKind::UInt;
    code.unsigned = true;
    code.length = 4;
    Ok(Outcome::Rows {
        columns: vec![
            string_column("Level", 7, false),
            code,
            string_column("Message", 512, false),
        ],
        rows,
    })
}

/// `ALTER INSTANCE RELOAD TLS`: new connections get the certificate, key, CA and CRLs the
/// `ssl_cert`, `ssl_key`, `ssl_ca`, `ssl_crl` and `ssl_crlpath` variables name now (SET GLOBAL may have changed them);
/// established ones keep theirs. Needs CONNECTION_ADMIN (1227). A file that does not load is
/// ER 3888 with the reason, and the old configuration stays (with NO ROLLBACK ON ERROR, new
/// connections get no TLS).
pub(crate) fn reload_tls(
    engine: &Engine,
    session: &mut Session,
    rollback_on_error: bool,
) -> Result<Outcome, EngineError> {
    crate::privilege::check_global(
        engine,
        session,
        crate::privilege::Privs::NONE,
        &["CONNECTION_ADMIN"],
        "CONNECTION_ADMIN",
    )?;
    let Some(t) = engine.tls_reload.get() else {
        return Err(EngineError::not_supported(
            "ALTER INSTANCE RELOAD TLS without a server",
        ));
    };
    t.reload_tls(&engine.tls_files(), rollback_on_error)
        .map_err(|reason| {
            EngineError::new(
                3888,
                "HY000",
                format!(
                    "Failed to set up SSL because of the following SSL library error: {reason}"
                ),
            )
        })?;
    Ok(crate::exec::ok(session, 0))
}

/// KILL [CONNECTION | QUERY] id.
pub(crate) fn kill(
    engine: &Engine,
    session: &mut Session,
    id: u64,
    query_only: bool,
) -> Result<Outcome, EngineError> {
    let unknown = || EngineError::new(1094, "HY000", format!("Unknown thread id: {id}"));
    let Some(p) = engine.processes.get() else {
        return Err(unknown());
    };
    let id32 = u32::try_from(id).map_err(|_| unknown())?;
    // Another account's connection needs CONNECTION_ADMIN (or SUPER): ER 1095.
    if id32 != session.info.connection_id
        && !crate::privilege::has_global(
            engine,
            session,
            crate::privilege::Privs::SUPER,
            &["CONNECTION_ADMIN"],
        )
        && let Some(target) = p.list().into_iter().find(|r| r.id == id32)
        && target.user != session.info.user
    {
        return Err(EngineError::new(
            1095,
            "HY000",
            format!("You are not owner of thread {id}"),
        ));
    }
    if !p.kill(id32, query_only, session.info.connection_id) {
        return Err(unknown());
    }
    engine.wake_lock_waiters();
    if id32 == session.info.connection_id && !query_only {
        return Err(EngineError::new(
            1317,
            "70100",
            "Query execution was interrupted",
        ));
    }
    Ok(crate::exec::ok(session, 0))
}

/// SHOW [FULL] PROCESSLIST.
pub(crate) fn processlist(
    engine: &Engine,
    session: &mut Session,
    full: bool,
) -> Result<Outcome, EngineError> {
    let mut rows = engine.processes.get().map(|p| p.list()).unwrap_or_default();
    // Without PROCESS an account sees its own connections only.
    if !crate::privilege::has_global(engine, session, crate::privilege::Privs::PROCESS, &[]) {
        rows.retain(|r| r.user == session.info.user);
    }
    rows.sort_by_key(|r| r.id);
    let opt = |s: Option<String>| s.map(Value::str).unwrap_or(Value::Null);
    let out = rows
        .into_iter()
        .map(|r| {
            let info = r.info.map(|i| {
                if full {
                    i
                } else {
                    i.chars().take(100).collect()
                }
            });
            vec![
                Value::UInt(u64::from(r.id)),
                Value::str(r.user),
                Value::str(r.host),
                opt(r.db),
                Value::str(r.command),
                Value::Int(i64::try_from(r.time).unwrap_or(i64::MAX)),
                Value::str(r.state),
                opt(info),
            ]
        })
        .collect();
    let mut id = string_column("Id", 21, false);
    id.kind = ColumnKind::UInt;
    id.unsigned = true;
    let mut time = string_column("Time", 7, false);
    time.kind = ColumnKind::Int;
    Ok(Outcome::Rows {
        columns: vec![
            id,
            string_column("User", 32, false),
            string_column("Host", 261, false),
            string_column("db", 64, true),
            string_column("Command", 16, false),
            time,
            string_column("State", 30, true),
            string_column("Info", if full { 65535 } else { 100 }, true),
        ],
        rows: out,
    })
}
