//! Queries bound and planned once, run many times.
//!
//! - A prepared SELECT keeps its plans in its [`QueryPlans`], one per signature of parameter
//!   types (a `?` binds like a literal of its value's type).
//! - A text SELECT is normalized ([`crate::normalize`]: the constants of its WHERE/ON/HAVING
//!   comparisons and LIMIT become parameters) and looked up in the engine's [`PlanCache`], so
//!   `... WHERE id = 5` and `... WHERE id = 7` share a plan and skip parsing and binding.
//!
//! A plan depends on what the binder read besides the text: the catalog (checked by the schema
//! version, bumped by every DDL), the session's temporary tables (their generation), the
//! current database, `sql_mode` and `div_precision_increment`. All of these are part of the key, so a plan is never used where
//! binding the text again could give another one.

use std::sync::Arc;

use dashmap::DashMap;
use sqlparser::ast;

use super::{Reads, bind_plan, columns_of, dml, in_txn_as};
use crate::error::EngineError;
use crate::execute::{self, INLINE_BUDGET};
use crate::parse::{Script, Stmt};
use crate::plan::Plan;
use crate::types::SqlType;
use crate::value::Value;
use crate::{Column, Engine, Outcome, Session};

/// Entries kept in the engine-wide cache before it is emptied and refilled.
const CAPACITY: usize = 4096;
/// Plans kept per prepared statement (one per signature of parameter types).
const PER_STATEMENT: usize = 8;

/// A bound, optimized SELECT with what running it needs.
pub(crate) struct Compiled {
    plan: Plan,
    columns: Vec<Column>,
    reads: Reads,
    /// Tables it scans (metadata locks inside a transaction).
    tables: Vec<u64>,
    /// Work that never waits (see [`inline_safe`]): it may run on the caller's thread.
    inline: bool,
    /// Set when an inline run used up [`INLINE_BUDGET`]: the plan is not tried inline again.
    too_big: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("columns", &self.columns.len())
            .finish_non_exhaustive()
    }
}

/// Binds and plans `q`. `script` is the text it was parsed from (select-list names as written).
pub(crate) fn compile(
    engine: &Engine,
    session: &Session,
    script: Option<&Script<'_>>,
    q: &ast::Query,
) -> Result<Compiled, EngineError> {
    let (plan, _) = bind_plan(engine, session, script, q)?;
    let columns = columns_of(&plan);
    let mut tables = Vec::new();
    dml::plan_tables(&plan.root, &mut tables);
    // A locking read must not fix the REPEATABLE READ snapshot.
    let reads = if q.locks.is_empty() {
        Reads::Consistent
    } else {
        Reads::Locking
    };
    let inline = inline_safe(&plan);
    Ok(Compiled {
        plan,
        columns,
        reads,
        tables,
        inline,
        too_big: std::sync::atomic::AtomicBool::new(false),
    })
}

impl Compiled {
    /// Whether the caller's thread may try this plan.
    fn try_inline(&self) -> bool {
        self.inline && !self.too_big.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Expression nodes an inline plan may evaluate in all, and how deep (the caller's thread may
/// be an async worker with a small stack).
const INLINE_EXPR_NODES: usize = 256;
const INLINE_EXPR_DEPTH: usize = 24;

/// True for a plan that never waits and whose side effects are all undone if it stops part
/// way: a consistent (non-locking) read with no subqueries, no SLEEP() or other
/// non-deterministic function, no `:=` and small expressions, over scans, filters,
/// projections, sorts, DISTINCT, aggregates (without ROLLUP) and limits. Such a query may
/// start where it arrives instead of being handed to an engine thread; a point select is done
/// at once, and anything that takes more than [`INLINE_BUDGET`] steps stops and runs again on
/// an engine thread (see [`run_inline`]).
fn inline_safe(plan: &Plan) -> bool {
    use crate::plan::{Access, LockMode, Node};
    fn expr_ok(e: &crate::plan::Expr, budget: &mut usize, depth: usize) -> bool {
        use crate::plan::Expr;
        if depth > INLINE_EXPR_DEPTH || *budget == 0 {
            return false;
        }
        *budget -= 1;
        match e {
            Expr::Subquery(_) | Expr::SetUserVar(..) | Expr::Stored(..) => return false,
            Expr::Func(f, _) if !f.is_deterministic() => return false,
            _ => {}
        }
        let mut ok = true;
        e.children(&mut |c| ok = ok && expr_ok(c, budget, depth + 1));
        ok
    }
    fn node_ok(n: &Node, budget: &mut usize) -> bool {
        match n {
            Node::Project { input, exprs } => {
                exprs.iter().all(|e| expr_ok(e, budget, 0)) && node_ok(input, budget)
            }
            Node::Filter { input, predicate } => {
                expr_ok(predicate, budget, 0) && node_ok(input, budget)
            }
            Node::Limit {
                input,
                limit,
                offset,
                ..
            } => {
                limit.iter().chain(offset).all(|e| expr_ok(e, budget, 0)) && node_ok(input, budget)
            }
            Node::Sort { input, keys } => {
                keys.iter().all(|k| expr_ok(&k.expr, budget, 0)) && node_ok(input, budget)
            }
            Node::Distinct { input, .. } => node_ok(input, budget),
            Node::Aggregate {
                input,
                group,
                aggs,
                rollup: false,
                ..
            } => {
                group.iter().all(|e| expr_ok(e, budget, 0))
                    && aggs.iter().all(|a| {
                        a.args.iter().all(|e| expr_ok(e, budget, 0))
                            && a.order.iter().all(|k| expr_ok(&k.expr, budget, 0))
                    })
                    && node_ok(input, budget)
            }
            Node::Scan {
                access,
                filter,
                lock: LockMode::None,
                ..
            } => {
                let ranges = match access {
                    Access::Primary(r) | Access::Index(_, r) => r.as_slice(),
                    Access::Full => &[],
                };
                ranges.iter().all(|r| {
                    r.eq.iter()
                        .chain(r.lower.iter().map(|(e, _)| e))
                        .chain(r.upper.iter().map(|(e, _)| e))
                        .all(|e| expr_ok(e, budget, 0))
                }) && filter.iter().all(|f| expr_ok(f, budget, 0))
            }
            _ => false,
        }
    }
    plan.subqueries == 0
        && plan.ctes == 0
        && plan.warnings.is_empty()
        && node_ok(&plan.root, &mut INLINE_EXPR_NODES.clone())
}

/// Runs a compiled SELECT with the session's parameters. Its rows stream to the session's
/// [`RowSink`](crate::RowSink) when it has one and the statement may stream; otherwise they
/// are collected into the outcome.
pub(crate) fn run(
    engine: &Engine,
    session: &mut Session,
    c: &Compiled,
) -> Result<Outcome, EngineError> {
    // The plan may have been bound for another account.
    crate::privilege::check_reads(engine, session, &c.plan.reads, &c.plan.column_reads)?;
    for (code, message) in &c.plan.warnings {
        session.add_warning("Warning", *code, message.clone());
    }
    // Metadata locks matter only while a transaction stays open after this statement.
    let lasting = session.txn.is_some() || !session.autocommit();
    let sink = if session.may_stream {
        session.sink.take()
    } else {
        None
    };
    if let Some(mut sink) = sink {
        let (autocommit, in_transaction) = (session.autocommit(), session.in_transaction);
        let mut sent = 0u64;
        let result = in_txn_as(engine, session, c.reads, |cx| {
            enter(cx, c, lasting, false, &mut false)?;
            execute::run_plan(&c.plan, cx, &mut |r| {
                if sent == 0 {
                    sink.begin(&c.columns, autocommit, in_transaction)
                        .map_err(|_| EngineError::net_write())?;
                }
                sink.row(&r).map_err(|_| EngineError::net_write())?;
                sent += 1;
                Ok(())
            })?;
            Ok(cx.found_total)
        });
        if sent > 0 {
            sink.end();
        }
        session.sink = Some(sink);
        let found_total = result?;
        session.found_rows = found_total.unwrap_or(sent);
        session.row_count = -1;
        // With no row, nothing went out: the result set is sent whole.
        return Ok(if sent == 0 {
            Outcome::Rows {
                columns: c.columns.clone(),
                rows: Vec::new(),
            }
        } else {
            Outcome::Streamed { rows: sent }
        });
    }
    let rows = collect(engine, session, c, lasting, &mut false)?;
    Ok(rows_outcome(session, c, rows))
}

/// Runs `c` and collects its rows. With `lasting` (a transaction stays open) the tables'
/// metadata locks are taken first. If `*nowait` is true (a try on the caller's thread) they
/// are only tried and the run has [`INLINE_BUDGET`] steps; when a lock is not free at once or
/// the budget runs out, `*nowait` stays true and the result is an error (the caller runs the
/// statement again where it may wait, and a plan over the budget is marked too big);
/// otherwise `*nowait` ends false.
fn collect(
    engine: &Engine,
    session: &mut Session,
    c: &Compiled,
    lasting: bool,
    nowait: &mut bool,
) -> Result<(Vec<Vec<Value>>, Option<u64>), EngineError> {
    let try_only = *nowait;
    let mut blocked = false;
    let rows = in_txn_as(engine, session, c.reads, |cx| {
        enter(cx, c, lasting, try_only, &mut blocked)?;
        if try_only {
            cx.budget = Some(INLINE_BUDGET);
        }
        let mut rows = Vec::new();
        let run = execute::run_plan(&c.plan, cx, &mut |r| {
            rows.push(r);
            Ok(())
        });
        if std::mem::take(&mut cx.session.inline_blocked) {
            blocked = true;
            c.too_big.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        run?;
        Ok((rows, cx.found_total))
    });
    *nowait = blocked;
    rows
}

/// The outcome of collected rows; FOUND_ROWS() is the count without LIMIT when
/// SQL_CALC_FOUND_ROWS counted one.
/// The start of running `c` in its transaction: the tables' metadata locks when a transaction
/// stays open after the statement (`lasting`), only tried with `try_only` (a lock not free at
/// once sets `*blocked` and fails), then the registers.
fn enter(
    cx: &mut execute::Ctx<'_>,
    c: &Compiled,
    lasting: bool,
    try_only: bool,
    blocked: &mut bool,
) -> Result<(), EngineError> {
    if lasting && try_only {
        for id in &c.tables {
            if !cx.engine.store.try_lock_table(cx.txn, *id) {
                *blocked = true;
                return Err(EngineError::not_supported(
                    "waiting for a metadata lock here",
                ));
            }
        }
    } else if lasting {
        super::mdl::lock_tables(cx, c.tables.iter().copied())?;
    }
    cx.regs.resize(c.plan.registers.max(16), Value::Null);
    Ok(())
}

fn rows_outcome(
    session: &mut Session,
    c: &Compiled,
    (rows, found_total): (Vec<Vec<Value>>, Option<u64>),
) -> Outcome {
    session.found_rows = found_total.unwrap_or(rows.len() as u64);
    session.row_count = -1;
    Outcome::Rows {
        columns: c.columns.clone(),
        rows,
    }
}

/// Runs `c` on the caller's thread if it is inline-safe and needs no wait for a metadata lock;
/// None (having changed nothing that matters) when the caller must run it on an engine thread.
fn run_inline(
    engine: &Engine,
    session: &mut Session,
    c: &Compiled,
) -> Option<Result<Outcome, EngineError>> {
    if !c.try_inline() {
        return None;
    }
    if let Err(e) =
        crate::privilege::check_reads(engine, session, &c.plan.reads, &c.plan.column_reads)
    {
        return Some(Err(e));
    }
    let lasting = session.txn.is_some() || !session.autocommit();
    let mut nowait = true;
    let warnings = session.warnings.len();
    match collect(engine, session, c, lasting, &mut nowait) {
        Err(_) if nowait => {
            // Blocked on a metadata lock, or over the budget: nothing was sent, and what the
            // run added to the session is dropped, for the engine thread to do it all again.
            session.warnings.truncate(warnings);
            None
        }
        Err(e) => Some(Err(e)),
        Ok(rows) => Some(Ok(rows_outcome(session, c, rows))),
    }
}

/// What a plan was bound under, besides its text.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct Env {
    database: Option<String>,
    sql_mode: String,
    div_precision_increment: String,
    types: Vec<SqlType>,
    /// The session's temporary-table generation (0 without temporary tables): a temporary
    /// table hides a permanent one for its session only, so a plan bound while the session
    /// had some is used by no other session, and by this one only until they change.
    temporary: u64,
    /// The session's LOCK TABLES generation (0 without LOCK TABLES): binding checks that the
    /// tables are locked.
    table_locks: u64,
}

impl Env {
    /// Whether `session` would give this Env ([`Env::of`] without building one: this runs for
    /// every execution of a prepared SELECT).
    fn matches(&self, session: &Session) -> bool {
        let var = |n: &str| session.vars.get(n).map_or("", String::as_str);
        self.database.as_deref() == session.database.as_deref()
            && self.sql_mode == var("sql_mode")
            && self.div_precision_increment == var("div_precision_increment")
            && self.types.len() == session.params.len()
            && self
                .types
                .iter()
                .zip(session.params.iter())
                .all(|(t, p)| *t == crate::bind::param_type(p))
            && self.temporary == session.temp.generation()
            && self.table_locks
                == if session.locked_tables.is_some() {
                    session.lock_generation
                } else {
                    0
                }
    }

    fn of(session: &Session) -> Env {
        let var = |n: &str| session.vars.get(n).cloned().unwrap_or_default();
        Env {
            database: session.database.clone(),
            sql_mode: var("sql_mode"),
            div_precision_increment: var("div_precision_increment"),
            types: session.params.iter().map(crate::bind::param_type).collect(),
            temporary: session.temp.generation(),
            table_locks: if session.locked_tables.is_some() {
                session.lock_generation
            } else {
                0
            },
        }
    }
}

/// The plans of one prepared SELECT.
pub(crate) struct QueryPlans {
    query: Box<ast::Query>,
    /// Select-list names as the prepared text wrote them.
    names: Option<Vec<String>>,
    plans: parking_lot::Mutex<Vec<(u64, Env, Arc<Compiled>)>>,
}

impl QueryPlans {
    pub(crate) fn new(query: Box<ast::Query>, names: Option<Vec<String>>) -> Self {
        QueryPlans {
            query,
            names,
            plans: parking_lot::Mutex::new(Vec::new()),
        }
    }

    /// The plan for the session's parameters, bound now if there is none for their types.
    pub(crate) fn plan(
        &self,
        engine: &Engine,
        session: &Session,
    ) -> Result<Arc<Compiled>, EngineError> {
        let version = engine.store.schema_version();
        let env = Env::of(session);
        {
            let mut plans = self.plans.lock();
            plans.retain(|(v, ..)| *v == version);
            if let Some((_, _, c)) = plans.iter().find(|(_, e, _)| *e == env) {
                return Ok(c.clone());
            }
        }
        let mut c = compile(engine, session, None, &self.query)?;
        if let Some(names) = &self.names
            && names.len() == c.columns.len()
        {
            for (col, n) in c.columns.iter_mut().zip(names) {
                col.name.clone_from(n);
            }
        }
        let c = Arc::new(c);
        let mut plans = self.plans.lock();
        if plans.len() >= PER_STATEMENT {
            plans.remove(0);
        }
        plans.push((version, env, c.clone()));
        Ok(c)
    }
}

impl QueryPlans {
    /// The plan for the session's parameters if it is already bound and inline-safe.
    pub(crate) fn inline_plan(&self, engine: &Engine, session: &Session) -> Option<Arc<Compiled>> {
        let version = engine.store.schema_version();
        let plans = self.plans.lock();
        plans
            .iter()
            .find(|(v, e, c)| *v == version && c.try_inline() && e.matches(session))
            .map(|(_, _, c)| c.clone())
    }
}

/// Runs a prepared SELECT's inline-safe plan on the caller's thread (see [`run_inline`]).
pub(crate) fn run_prepared_inline(
    engine: &Engine,
    session: &mut Session,
    c: &Compiled,
) -> Option<(Vec<Outcome>, Option<EngineError>)> {
    begin_select(session, false);
    run_inline(engine, session, c).map(|r| finish(session, r))
}

impl std::fmt::Debug for QueryPlans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryPlans").finish_non_exhaustive()
    }
}

#[derive(Hash, PartialEq, Eq)]
struct Key {
    text: String,
    env: Env,
}

/// A cached text query: its plan, or None when its normalized text does not bind (it then
/// takes the ordinary path, which reports the error), at a schema version.
struct Entry {
    version: u64,
    compiled: Option<Arc<Compiled>>,
}

/// The engine-wide cache of text-query plans.
#[derive(Default)]
pub(crate) struct PlanCache {
    map: DashMap<Key, Entry>,
}

impl std::fmt::Debug for PlanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanCache")
            .field("entries", &self.map.len())
            .finish()
    }
}

/// The start of a SELECT statement, as [`Engine::execute`] begins each statement.
pub(crate) fn begin_select(session: &mut Session, may_stream: bool) {
    session.warnings.clear();
    session.begin_statement(true);
    session.may_stream = may_stream;
}

/// A statement's outcome, or its error recorded for SHOW WARNINGS, as [`Engine::execute`]
/// returns them.
pub(crate) fn finish(
    session: &mut Session,
    r: Result<Outcome, EngineError>,
) -> (Vec<Outcome>, Option<EngineError>) {
    match r {
        Ok(o) => (vec![o], None),
        Err(e) => (Vec::new(), Some(crate::record_error(session, e))),
    }
}

/// The cache key of a text query, with its constants set as the session's parameters; None
/// when the text is not normalized (see [`crate::normalize`]).
fn text_key(session: &mut Session, sql: &str) -> Option<Key> {
    let mode = session
        .vars
        .get("sql_mode")
        .map(String::as_str)
        .unwrap_or("");
    // Both change how quotes and backslashes read, which the normalizer does not follow.
    if mode.contains("ANSI_QUOTES") || mode.contains("NO_BACKSLASH_ESCAPES") {
        return None;
    }
    let n = crate::normalize::normalize(sql)?;
    session.params = Arc::from(n.params);
    Some(Key {
        text: n.text,
        env: Env::of(session),
    })
}

/// Runs a text query from the cache; None when it is not a cacheable SELECT (the caller runs
/// it the ordinary way).
pub(crate) fn try_text(
    engine: &Engine,
    session: &mut Session,
    sql: &str,
) -> Option<(Vec<Outcome>, Option<EngineError>)> {
    // The version is read before binding: a DDL in between leaves the entry stale, never a
    // plan of an older catalog marked current.
    let version = engine.store.schema_version();
    let key = text_key(session, sql)?;
    let out = cached(engine, session, key, version).map(|c| {
        begin_select(session, true);
        let r = run(engine, session, &c);
        finish(session, r)
    });
    session.params = Arc::from([]);
    out
}

/// [`try_text`] for the caller's thread: only a text whose plan is already cached and
/// inline-safe runs; None otherwise (nothing was done).
pub(crate) fn try_text_inline(
    engine: &Engine,
    session: &mut Session,
    sql: &str,
) -> Option<(Vec<Outcome>, Option<EngineError>)> {
    let version = engine.store.schema_version();
    let key = text_key(session, sql)?;
    let compiled = engine
        .plans
        .map
        .get(&key)
        .filter(|e| e.version == version)
        .and_then(|e| e.compiled.clone())
        .filter(|c| c.try_inline());
    let out = compiled.and_then(|c| {
        begin_select(session, false);
        run_inline(engine, session, &c).map(|r| finish(session, r))
    });
    session.params = Arc::from([]);
    out
}

/// The cached plan of `key` at schema `version`, bound now if there is none (None when the
/// text does not bind: the ordinary path then reports why).
fn cached(engine: &Engine, session: &Session, key: Key, version: u64) -> Option<Arc<Compiled>> {
    if let Some(e) = engine.plans.map.get(&key)
        && e.version == version
    {
        return e.compiled.clone();
    }
    let compiled = match compile_text(engine, session, &key.text) {
        Ok(c) => Some(Arc::new(c)),
        // Refused for this account only: another may bind it, so nothing is cached.
        Err(e) if crate::privilege::is_denial(&e) => return None,
        Err(_) => None,
    };
    if engine.plans.map.len() >= CAPACITY {
        engine.plans.map.clear();
    }
    engine.plans.map.insert(
        key,
        Entry {
            version,
            compiled: compiled.clone(),
        },
    );
    compiled
}

fn compile_text(engine: &Engine, session: &Session, text: &str) -> Result<Compiled, EngineError> {
    let mut script = Script::new(text)?;
    let parsed = script
        .next_statement()
        .ok_or_else(EngineError::empty_query)??;
    script.expect_end()?;
    match &parsed.stmt {
        Stmt::Sql(s) => match &**s {
            ast::Statement::Query(q) => compile(engine, session, Some(&script), q),
            _ => Err(EngineError::not_supported("this statement")),
        },
        _ => Err(EngineError::not_supported("this statement")),
    }
}

#[cfg(test)]
mod tests {
    use super::Env;
    use crate::tests::{engine, session};
    use crate::value::Value;
    use std::sync::Arc;

    #[test]
    fn an_env_matches_exactly_the_sessions_that_build_it() {
        let e = engine();
        let mut s = session(&e);
        s.params = Arc::from(vec![Value::Int(1)]);
        let env = Env::of(&s);
        assert!(env.matches(&s));
        s.params = Arc::from(vec![Value::Int(2)]);
        assert!(env.matches(&s), "same type, other value");
        s.params = Arc::from(vec![Value::str("1".to_string())]);
        assert!(!env.matches(&s), "other parameter type");
        s.params = Arc::from(vec![Value::Int(1)]);
        s.database = Some("d".into());
        assert!(!env.matches(&s), "other database");
        s.database = None;
        s.vars.insert("sql_mode", "ANSI".into());
        assert!(!env.matches(&s), "other sql_mode");
        assert!(Env::of(&s).matches(&s));
    }
}
