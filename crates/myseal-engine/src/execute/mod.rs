//! Execution: operators that pull rows from a snapshot, and expression evaluation.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/select.html>
//!
//! [`build`] turns a plan [`Node`] into a tree of [`Op`]s; each `next()` returns one row or
//! None at the end. Scans read [`TableView`]s (a committed state plus the transaction's own
//! changes) in batches, so an operator owns all its state and nothing borrows the storage.
//! Every operator checks the statement's cancellation flag (KILL QUERY, max_execution_time).

mod eval;
mod ops;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub(crate) use eval::{compare, eval, truth};
pub(crate) use ops::{build, scan_keyed};

/// Steps (calls of [`Ctx::check`], about one per row an operator handles) a statement may take
/// on the caller's thread before it gives up there and runs on an engine thread: about a
/// hundred microseconds, so an async worker is never held for long. A sysbench range query
/// (100 rows, sorted) fits.
pub(crate) const INLINE_BUDGET: u32 = 1024;

/// Locks a row exclusively for a write (waits per innodb_lock_wait_timeout).
pub(crate) fn ops_lock_row(
    cx: &mut Ctx<'_>,
    table_id: u64,
    pk: &crate::storage::key::Key,
    exclusive: bool,
) -> Result<bool, EngineError> {
    ops::lock_row(cx, table_id, pk, exclusive, crate::plan::LockWait::Wait)
}

use crate::error::EngineError;
use crate::storage::{self, State, TableView, Txn};
use crate::temporal::DateTime;
use crate::value::Value;
use crate::{Engine, Session};

/// A row flowing between operators.
pub(crate) type Row = Vec<Value>;

/// Which committed state a read uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReadMode {
    /// Consistent read: the transaction's snapshot.
    Consistent,
    /// Locking read/write: the latest committed state.
    Latest,
}

/// Everything a statement's execution needs.
pub(crate) struct Ctx<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) session: &'a mut Session,
    pub(crate) txn: &'a mut Txn,
    /// The consistent-read state of this statement.
    pub(crate) snapshot: Arc<State>,
    /// The `?` values of a prepared statement (the session's, shared).
    pub(crate) params: Arc<[Value]>,
    pub(crate) regs: Vec<Value>,
    /// Cached results of uncorrelated subqueries, by subquery id.
    pub(crate) sub_cache: std::collections::HashMap<usize, Arc<Vec<Row>>>,
    /// Materialized recursive CTEs, by slot.
    pub(crate) ctes: std::collections::HashMap<usize, Arc<Vec<Row>>>,
    /// The previous iteration's rows of a recursive CTE being computed.
    pub(crate) working: std::collections::HashMap<usize, Arc<Vec<Row>>>,
    pub(crate) now: DateTime,
    pub(crate) utc_now: DateTime,
    pub(crate) cancel: Arc<AtomicBool>,
    pub(crate) deadline: Option<Instant>,
    pub(crate) lock_timeout: std::time::Duration,
    /// Rows a SQL_CALC_FOUND_ROWS query found in all, LIMIT aside (set by its Limit).
    pub(crate) found_total: Option<u64>,
    checks: u32,
    /// Work left (in [`Ctx::check`] calls) for a statement tried on the caller's thread; when
    /// it runs out the statement fails with the session's `inline_blocked` set and runs again
    /// on an engine thread.
    pub(crate) budget: Option<u32>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        engine: &'a Engine,
        session: &'a mut Session,
        txn: &'a mut Txn,
        snapshot: Arc<State>,
        registers: usize,
    ) -> Self {
        let (now, utc_now) = session.statement_clock();
        let cancel = session.cancel.clone();
        let params = session.params.clone();
        let budget = session.inline_try.then_some(INLINE_BUDGET);
        let deadline = session.deadline;
        let lock_timeout = std::time::Duration::from_secs(
            session
                .vars
                .get("innodb_lock_wait_timeout")
                .and_then(|v| v.parse().ok())
                .unwrap_or(50),
        );
        Ctx {
            engine,
            session,
            txn,
            snapshot,
            params,
            regs: vec![Value::Null; registers.max(16)],
            sub_cache: std::collections::HashMap::new(),
            ctes: std::collections::HashMap::new(),
            working: std::collections::HashMap::new(),
            now,
            utc_now,
            cancel,
            deadline,
            lock_timeout,
            found_total: None,
            checks: 0,
            budget,
        }
    }

    /// ER 1317 when the statement was killed, 3024 when max_execution_time passed.
    pub(crate) fn check(&mut self) -> Result<(), EngineError> {
        self.checks = self.checks.wrapping_add(1);
        if let Some(left) = self.budget.as_mut() {
            if *left == 0 {
                self.session.inline_blocked = true;
                return Err(EngineError::new(
                    1317,
                    "70100",
                    "Query execution was interrupted",
                ));
            }
            *left -= 1;
        }
        if !self.checks.is_multiple_of(64) {
            return Ok(());
        }
        if self.cancel.load(Ordering::Relaxed) {
            return Err(EngineError::new(
                1317,
                "70100",
                "Query execution was interrupted",
            ));
        }
        if let Some(d) = self.deadline
            && Instant::now() >= d
        {
            return Err(EngineError::new(
                3024,
                "HY000",
                "Query execution was interrupted, maximum statement execution time exceeded",
            ));
        }
        Ok(())
    }

    /// A view of a table for reading in `mode`. A temporary table is read from the session
    /// (only this session writes it, so its committed rows are the same in either mode).
    pub(crate) fn view(&self, def: &crate::catalog::TableDef, mode: ReadMode) -> Option<TableView> {
        if def.temporary {
            return self
                .session
                .temp
                .table(&def.schema, &def.name)
                .filter(|t| t.def.id == def.id)
                .map(|t| storage::view_of(t, Some(self.txn)));
        }
        let latest;
        let state: &State = match mode {
            ReadMode::Consistent => &self.snapshot,
            ReadMode::Latest => {
                latest = self.engine.store.latest();
                &latest
            }
        };
        storage::view(state, Some(self.txn), &def.schema, &def.name).filter(|v| v.def.id == def.id)
    }

    /// Adds a warning to the statement.
    pub(crate) fn warn(&mut self, code: u16, message: String) {
        self.session.add_warning("Warning", code, message);
    }
}

/// Runs a plan to completion, handing each row to `sink`.
pub(crate) fn run_plan(
    plan: &crate::plan::Plan,
    cx: &mut Ctx<'_>,
    sink: &mut dyn FnMut(Row) -> Result<(), EngineError>,
) -> Result<(), EngineError> {
    let mut op = build(&plan.root, cx)?;
    while let Some(row) = op.next(cx)? {
        sink(row)?;
    }
    Ok(())
}
