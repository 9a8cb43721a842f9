//! Triggers: CREATE/DROP TRIGGER, SHOW TRIGGERS, SHOW CREATE TRIGGER, and firing them from
//! the row writes of `dml.rs`.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/triggers.html>
//!
//! - A trigger (`catalog::TriggerDef`) lives in its table's schema (`storage::Schema::triggers`),
//!   so snapshots, restores and `CREATE DATABASE ... CLONE` carry it; DROP TABLE drops the
//!   table's triggers and RENAME TABLE moves them along (ER 1435 to another schema).
//! - A writing statement loads the triggers of its table once ([`load`]): each body is parsed
//!   and compiled (`stmt::routine`) against the table as it is now. [`Triggers::fire`] runs
//!   them per row in ACTION_ORDER with the trigger's schema as the default database; a BEFORE
//!   trigger's changes to NEW become the row written. Their statements run in the invoking
//!   statement's transaction, and an error in one fails the statement, which undoes all it
//!   did. A trigger may not write a table whose rows a statement firing it is changing
//!   (ER 1442, checked in `dml::start_writing`). FOREIGN KEY cascades fire no triggers.

use std::sync::Arc;

use sqlparser::ast;

use crate::catalog::{TableDef, TriggerDef, TriggerEvent, TriggerTiming};
use crate::collation::Collation;
use crate::error::EngineError;
use crate::execute::Ctx;
use crate::parse::compound::{self, TriggerSpec, TriggerStmt};
use crate::privilege::{self, Privs};
use crate::value::Value;
use crate::{Engine, Outcome, Session};

use super::routine::{self, Exec, Program, RowContext};
use super::show::{col, filter_rows, result_columns, varchar};

/// ER_TRG_DOES_NOT_EXIST.
fn does_not_exist() -> EngineError {
    EngineError::new(1360, "HY000", "Trigger does not exist")
}

/// ER_TRG_ALREADY_EXISTS.
fn already_exists() -> EngineError {
    EngineError::new(1359, "HY000", "Trigger already exists")
}

/// ER_TRG_IN_WRONG_SCHEMA.
fn wrong_schema() -> EngineError {
    EngineError::new(1435, "HY000", "Trigger in wrong schema")
}

fn quote(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

use super::routine::name_of;

/// Runs a trigger statement.
pub(crate) fn run(
    engine: &Engine,
    session: &mut Session,
    stmt: &TriggerStmt,
) -> Result<Outcome, EngineError> {
    match stmt {
        TriggerStmt::Create(spec) => create(engine, session, spec),
        TriggerStmt::Drop { if_exists, name } => drop(engine, session, name, *if_exists),
        TriggerStmt::Show { db, filter } => show(engine, session, db.clone(), filter.as_ref()),
        TriggerStmt::ShowCreate(name) => show_create(engine, session, name),
        TriggerStmt::GetDiagnostics(d) => routine::get_diagnostics(engine, session, d),
        // Stored procedures are run by `stmt::procedure` (see `exec::execute`).
        TriggerStmt::CreateProcedure(_)
        | TriggerStmt::DropProcedure { .. }
        | TriggerStmt::Call { .. }
        | TriggerStmt::ShowCreateProcedure(_)
        | TriggerStmt::ShowCreateFunction(_)
        | TriggerStmt::DropFunction { .. }
        | TriggerStmt::AlterRoutine { .. }
        | TriggerStmt::ShowRoutineStatus { .. } => {
            Err(EngineError::not_supported("this statement here"))
        }
    }
}

fn var(session: &Session, name: &str) -> String {
    session.vars.get(name).cloned().unwrap_or_default()
}

fn create(
    engine: &Engine,
    session: &mut Session,
    spec: &TriggerSpec,
) -> Result<Outcome, EngineError> {
    let (tschema, table) = name_of(session, &spec.table)?;
    let (schema, name) = match crate::bind::name_parts(&spec.name).as_slice() {
        [n] => (tschema.clone(), n.clone()),
        [d, n] => (d.clone(), n.clone()),
        _ => return Err(EngineError::parse_error(&spec.name.to_string(), 1)),
    };
    if schema != tschema {
        return Err(wrong_schema());
    }
    privilege::check_table(engine, session, &schema, &table, Privs::TRIGGER)?;
    privilege::check_creator_super(engine, session)?;
    super::implicit_commit(engine, session);
    if session.temp.table(&schema, &table).is_some() {
        return Err(EngineError::new(
            1361,
            "HY000",
            format!("Trigger's '{table}' is view or temporary table"),
        ));
    }
    let state = engine.store.latest();
    if state.view(&schema, &table).is_some() {
        return Err(EngineError::new(
            1361,
            "HY000",
            format!("Trigger's '{table}' is view or temporary table"),
        ));
    }
    let Some(t) = state.table(&schema, &table) else {
        if !engine.database_exists(&schema) {
            return Err(EngineError::bad_db(&schema));
        }
        return Err(EngineError::no_such_table(&schema, &table));
    };
    let def = t.def.clone();
    // The body must compile against the table now: NEW/OLD misuse is an error at CREATE.
    let body = compound::parse_body(&spec.body)?;
    routine::compile(
        &body,
        Some(&RowContext {
            def: def.clone(),
            timing: spec.timing,
            event: spec.event,
        }),
    )?;
    let definer = match &spec.definer {
        Some(Some(d)) => d.clone(),
        _ => (session.info.user.clone(), session.info.account_host.clone()),
    };
    let db_collation = state
        .schemas
        .get(&schema)
        .map_or(Collation::Utf8mb4_0900_ai_ci, |s| s.def.collation);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let created = i64::try_from(now.as_millis() / 10).unwrap_or(0);
    let mut trigger = TriggerDef {
        name: name.clone(),
        table: table.clone(),
        timing: spec.timing,
        event: spec.event,
        order: 1,
        body: spec.body.clone(),
        definer,
        sql_mode: var(session, "sql_mode"),
        client_charset: var(session, "character_set_client"),
        connection_collation: var(session, "collation_connection"),
        database_collation: db_collation.name().to_string(),
        created,
    };
    let order = spec.order.clone();
    let if_not_exists = spec.if_not_exists;
    let created_now = engine.store.ddl(|st| {
        let Some(s) = st.schemas.get_mut(&schema) else {
            return Err(EngineError::bad_db(&schema));
        };
        if s.triggers.contains_key(&name) {
            return if if_not_exists {
                Ok(false)
            } else {
                Err(already_exists())
            };
        }
        // The triggers of the same table, timing and event, in ACTION_ORDER.
        let mut peers: Vec<Arc<TriggerDef>> = s
            .triggers
            .values()
            .filter(|o| o.table == table && o.timing == spec.timing && o.event == spec.event)
            .cloned()
            .collect();
        peers.sort_by_key(|o| o.order);
        let at = match &order {
            None => peers.len(),
            Some((follows, other)) => {
                let Some(i) = peers.iter().position(|o| o.name.eq_ignore_ascii_case(other))
                else {
                    return Err(EngineError::new(
                        3011,
                        "HY000",
                        format!(
                            "Referenced trigger '{other}' for the given action time and event type does not exist"
                        ),
                    ));
                };
                if *follows { i + 1 } else { i }
            }
        };
        trigger.order = u32::try_from(at + 1).unwrap_or(u32::MAX);
        for (i, o) in peers.iter().enumerate().skip(at) {
            let mut moved = (**o).clone();
            moved.order = u32::try_from(i + 2).unwrap_or(u32::MAX);
            s.triggers.insert(moved.name.clone(), Arc::new(moved));
        }
        s.triggers.insert(name.clone(), Arc::new(trigger));
        Ok(true)
    })?;
    if !created_now {
        session.add_warning("Note", 1359, "Trigger already exists".into());
    }
    Ok(super::ok(session, 0, 0, String::new()))
}

fn drop(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
    if_exists: bool,
) -> Result<Outcome, EngineError> {
    let (schema, tname) = name_of(session, name)?;
    let state = engine.store.latest();
    let found = state
        .schemas
        .get(&schema)
        .and_then(|s| s.triggers.get(&tname))
        .cloned();
    let Some(t) = found else {
        if if_exists {
            session.add_warning("Note", 1360, "Trigger does not exist".into());
            return Ok(super::ok(session, 0, 0, String::new()));
        }
        return Err(does_not_exist());
    };
    privilege::check_table(engine, session, &schema, &t.table, Privs::TRIGGER)?;
    super::implicit_commit(engine, session);
    engine.store.ddl(|st| {
        let Some(s) = st.schemas.get_mut(&schema) else {
            return Err(does_not_exist());
        };
        let Some(gone) = s.triggers.remove(&tname) else {
            return Err(does_not_exist());
        };
        // Close the gap in ACTION_ORDER.
        let later: Vec<Arc<TriggerDef>> = s
            .triggers
            .values()
            .filter(|o| {
                o.table == gone.table
                    && o.timing == gone.timing
                    && o.event == gone.event
                    && o.order > gone.order
            })
            .cloned()
            .collect();
        for o in later {
            let mut moved = (*o).clone();
            moved.order -= 1;
            s.triggers.insert(moved.name.clone(), Arc::new(moved));
        }
        Ok(())
    })?;
    Ok(super::ok(session, 0, 0, String::new()))
}

/// The columns of SHOW TRIGGERS and their positions in information_schema.TRIGGERS.
const SHOW_COLUMNS: [(&str, usize); 11] = [
    ("Trigger", 2),
    ("Event", 3),
    ("Table", 6),
    ("Statement", 9),
    ("Timing", 11),
    ("Created", 16),
    ("sql_mode", 17),
    ("Definer", 18),
    ("character_set_client", 19),
    ("collation_connection", 20),
    ("Database Collation", 21),
];

/// SHOW TRIGGERS [FROM db] [LIKE 'table pattern' | WHERE expr].
fn show(
    engine: &Engine,
    session: &mut Session,
    db: Option<String>,
    filter: Option<&ast::ShowStatementFilter>,
) -> Result<Outcome, EngineError> {
    let db = match db {
        Some(d) => d,
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    privilege::check_db_visible(engine, session, &db)?;
    if !engine.database_exists(&db) {
        return Err(EngineError::bad_db(&db));
    }
    let all =
        crate::infoschema::VirtualTable::Empty(crate::infoschema::EmptyView::Triggers).columns();
    let cols: Vec<_> = SHOW_COLUMNS
        .iter()
        .filter_map(|(n, i)| {
            all.get(*i)
                .map(|(_, ty, null)| (n.to_string(), ty.clone(), *null))
        })
        .collect();
    let state = engine.store.latest();
    let grants = session.grants(engine);
    let rows: Vec<Vec<Value>> =
        crate::infoschema::trigger_rows(&state, &grants, session.tz_offset_secs())
            .into_iter()
            .filter(|r| {
                r.get(1)
                    .and_then(Value::to_text)
                    .is_some_and(|s| s == db.as_bytes())
            })
            .map(|r| {
                SHOW_COLUMNS
                    .iter()
                    .map(|(_, i)| r.get(*i).cloned().unwrap_or(Value::Null))
                    .collect()
            })
            .collect();
    // LIKE matches the table names, as MySQL's does.
    let rows = filter_rows(
        engine,
        session,
        &cols,
        rows,
        2,
        Collation::Utf8mb3_bin,
        filter,
    )?;
    Ok(Outcome::Rows {
        columns: result_columns("TRIGGERS", &cols),
        rows,
    })
}

/// SHOW CREATE TRIGGER [db.]name.
fn show_create(
    engine: &Engine,
    session: &mut Session,
    name: &ast::ObjectName,
) -> Result<Outcome, EngineError> {
    let (schema, tname) = name_of(session, name)?;
    let state = engine.store.latest();
    let Some(t) = state
        .schemas
        .get(&schema)
        .and_then(|s| s.triggers.get(&tname))
        .cloned()
    else {
        return Err(does_not_exist());
    };
    privilege::check_table(engine, session, &schema, &t.table, Privs::TRIGGER)?;
    let text = format!(
        "CREATE DEFINER={}@{} TRIGGER {} {} {} ON {} FOR EACH ROW {}",
        quote(&t.definer.0),
        quote(&t.definer.1),
        quote(&t.name),
        t.timing.sql(),
        t.event.sql(),
        quote(&t.table),
        t.body
    );
    let all =
        crate::infoschema::VirtualTable::Empty(crate::infoschema::EmptyView::Triggers).columns();
    let created_ty = all
        .get(16)
        .map(|c| c.1.clone())
        .unwrap_or_else(|| varchar(32));
    let cols = vec![
        col("Trigger", varchar(64), false),
        col("sql_mode", varchar(520), false),
        col("SQL Original Statement", varchar(1024), false),
        col("character_set_client", varchar(32), false),
        col("collation_connection", varchar(64), false),
        col("Database Collation", varchar(64), false),
        col("Created", created_ty, false),
    ];
    let grants = session.grants(engine);
    let created = crate::infoschema::trigger_rows(&state, &grants, session.tz_offset_secs())
        .into_iter()
        .find(|r| {
            r.get(1)
                .and_then(Value::to_text)
                .is_some_and(|s| s == schema.as_bytes())
                && r.get(2)
                    .and_then(Value::to_text)
                    .is_some_and(|s| s == t.name.as_bytes())
        })
        .and_then(|r| r.get(16).cloned())
        .unwrap_or(Value::Null);
    let row = vec![
        Value::str(t.name.clone()),
        Value::str(t.sql_mode.clone()),
        Value::str(text),
        Value::str(t.client_charset.clone()),
        Value::str(t.connection_collation.clone()),
        Value::str(t.database_collation.clone()),
        created,
    ];
    Ok(Outcome::Rows {
        columns: result_columns("TRIGGERS", &cols),
        rows: vec![row],
    })
}

// ---------------------------------------------------------------------------------------------
// Firing

/// One compiled trigger.
struct Loaded {
    timing: TriggerTiming,
    event: TriggerEvent,
    schema: String,
    program: Program,
}

/// The triggers a statement may fire on one table, compiled, in ACTION_ORDER.
pub(crate) struct Triggers {
    def: Arc<TableDef>,
    list: Vec<Loaded>,
    /// Runs the INSERT/UPDATE/DELETE statements of the bodies (`dml::run_nested`).
    exec: Exec,
}

/// The triggers of `def` for `events`, None when it has none (the usual case, one map
/// lookup). A statement tried on the caller's thread is sent to an engine thread instead: a
/// trigger may do any amount of work, and its effects on user variables could not be undone
/// for a second try.
pub(crate) fn load(
    engine: &Engine,
    session: &mut Session,
    def: &Arc<TableDef>,
    events: &[TriggerEvent],
    exec: Exec,
) -> Result<Option<Arc<Triggers>>, EngineError> {
    if def.temporary {
        return Ok(None);
    }
    let state = engine.store.latest();
    let Some(schema) = state.schemas.get(&def.schema) else {
        return Ok(None);
    };
    if schema.triggers.is_empty() {
        return Ok(None);
    }
    let mut defs: Vec<&Arc<TriggerDef>> = schema
        .triggers
        .values()
        .filter(|t| t.table == def.name && events.contains(&t.event))
        .collect();
    if defs.is_empty() {
        return Ok(None);
    }
    if session.inline_try {
        session.inline_blocked = true;
        return Err(EngineError::new(
            1317,
            "70100",
            "Query execution was interrupted",
        ));
    }
    defs.sort_by_key(|t| (t.timing as u8, t.event as u8, t.order));
    let mut list = Vec::with_capacity(defs.len());
    for t in defs {
        let body = compound::parse_body(&t.body)?;
        let program = routine::compile(
            &body,
            Some(&RowContext {
                def: def.clone(),
                timing: t.timing,
                event: t.event,
            }),
        )?;
        list.push(Loaded {
            timing: t.timing,
            event: t.event,
            schema: def.schema.clone(),
            program,
        });
    }
    Ok(Some(Arc::new(Triggers {
        def: def.clone(),
        list,
        exec,
    })))
}

impl Triggers {
    /// True when a trigger of that timing and event exists.
    pub(crate) fn has(&self, timing: TriggerTiming, event: TriggerEvent) -> bool {
        self.list
            .iter()
            .any(|l| l.timing == timing && l.event == event)
    }

    /// Runs the triggers of `timing` and `event` for one row. `new` is the row being written;
    /// BEFORE triggers may change it.
    pub(crate) fn fire(
        &self,
        cx: &mut Ctx<'_>,
        timing: TriggerTiming,
        event: TriggerEvent,
        old: Option<&[Value]>,
        mut new: Option<&mut Vec<Value>>,
    ) -> Result<(), EngineError> {
        let n = self.def.columns.len();
        for l in self
            .list
            .iter()
            .filter(|l| l.timing == timing && l.event == event)
        {
            let mut frame = vec![Value::Null; l.program.slots().max(2 * n)];
            if let Some(old) = old {
                for (slot, v) in frame.iter_mut().zip(old.iter().take(n)) {
                    *slot = v.clone();
                }
            }
            if let Some(new) = new.as_deref() {
                for (slot, v) in frame.iter_mut().skip(n).zip(new.iter().take(n)) {
                    *slot = v.clone();
                }
            }
            cx.session.trigger_tables.push(self.def.id);
            let saved_db = cx.session.database.replace(l.schema.clone());
            let out = routine::run(cx, &l.program, &mut frame, self.exec);
            cx.session.database = saved_db;
            cx.session.trigger_tables.pop();
            out?;
            if timing == TriggerTiming::Before
                && let Some(new) = new.as_deref_mut()
            {
                for (dst, v) in new.iter_mut().zip(frame.iter().skip(n).take(n)) {
                    *dst = v.clone();
                }
            }
        }
        Ok(())
    }
}
