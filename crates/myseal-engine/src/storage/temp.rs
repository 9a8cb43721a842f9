//! A session's temporary tables (CREATE TEMPORARY TABLE).
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-temporary-table.html>
//!
//! The rules, which the code below follows:
//!
//! - A session keeps its temporary tables itself, in a [`State`] of their own (schemas →
//!   tables, persistent maps as in the shared store), so they are visible to that session only
//!   and freed with it: a client that disconnects, COM_RESET_CONNECTION and KILL CONNECTION all
//!   drop the engine's `Session`, and its temporary tables with it.
//! - Their definitions carry `TableDef::temporary`; name resolution looks here first, so a
//!   temporary table hides a permanent table of the same name in its session only.
//! - DML on them goes through the session's transaction like any other table (the write set
//!   keyed by table id, savepoints, ROLLBACK); COMMIT applies those changes here instead of the
//!   shared state ([`TempTables::apply`]). Row and metadata locks on them are taken as usual but
//!   no other session ever knows their ids, so no one ever waits for them.
//! - Their DDL ([`TempTables::ddl`]) edits the session's state only: no schema version bump,
//!   no metadata locks. Instead every change sets a new engine-wide unique
//!   [`generation`](TempTables::generation) (0 while the session has none), which cached plans
//!   are keyed by, so a plan bound while a temporary table hid a permanent one is never used
//!   by another session or after the temporary table changed.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use imbl::OrdMap;

use super::{Schema, State, Table, Txn};

/// Source of temporary-table generations; unique engine-wide, never 0.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// The temporary tables of one session.
#[derive(Clone, Debug, Default)]
pub(crate) struct TempTables {
    state: State,
    generation: u64,
}

impl TempTables {
    /// A temporary table by schema and name.
    pub(crate) fn table(&self, schema: &str, name: &str) -> Option<&Table> {
        self.state.table(schema, name)
    }

    /// Number of temporary tables.
    pub(crate) fn len(&self) -> usize {
        self.state.schemas.values().map(|s| s.tables.len()).sum()
    }

    /// True when the session has no temporary table.
    pub(crate) fn is_empty(&self) -> bool {
        self.state.schemas.values().all(|s| s.tables.is_empty())
    }

    /// 0 while the session has no temporary table; otherwise a number no other session and no
    /// earlier set of this session's temporary tables ever had.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// Runs a DDL change on the temporary tables: `f` edits a copy in which every schema of
    /// `shared` exists (so a table can move to any database); on Ok the copy replaces them and
    /// the generation changes.
    pub(crate) fn ddl<T>(
        &mut self,
        shared: &State,
        f: impl FnOnce(&mut State) -> Result<T, crate::EngineError>,
    ) -> Result<T, crate::EngineError> {
        let mut work = self.state.clone();
        for (name, s) in shared.schemas.iter() {
            if !work.schemas.contains_key(name) {
                work.schemas.insert(
                    name.clone(),
                    Schema {
                        def: Arc::clone(&s.def),
                        tables: OrdMap::new(),
                        views: OrdMap::new(),
                        triggers: OrdMap::new(),
                        procedures: OrdMap::new(),
                        functions: OrdMap::new(),
                    },
                );
            }
        }
        let out = f(&mut work)?;
        let empty: Vec<String> = work
            .schemas
            .iter()
            .filter(|(_, s)| s.tables.is_empty())
            .map(|(n, _)| n.clone())
            .collect();
        for n in empty {
            work.schemas.remove(&n);
        }
        self.state = work;
        self.generation = if self.is_empty() {
            0
        } else {
            NEXT_GENERATION.fetch_add(1, Ordering::Relaxed)
        };
        Ok(out)
    }

    /// COMMIT: applies the transaction's changes to temporary tables (those of tables dropped
    /// meanwhile have no home and are discarded).
    pub(crate) fn apply(&mut self, txn: &Txn) {
        for ch in txn.changes.values().filter(|c| c.def.temporary) {
            let Some(table) = self
                .state
                .schemas
                .get_mut(&ch.def.schema)
                .and_then(|s| s.tables.get_mut(&ch.def.name))
                .filter(|t| t.def.id == ch.def.id)
            else {
                continue;
            };
            let def = table.def.clone();
            for (pk, row) in ch.rows.iter() {
                table.data.put(&def, pk, row.clone());
            }
        }
    }
}
