//! Whole-server snapshots and database clones for test isolation.
//!
//! Both are O(number of tables), never O(rows): the committed [`State`] is made of persistent
//! maps, so keeping or copying a table's rows and indexes is an `Arc` clone. What is copied is
//! each table's definition, because a restored or cloned table must be a new table: it gets a
//! new id (changes of a transaction that still names the old table can never land in it) and
//! its own AUTO_INCREMENT and row-id counters, set to the values they had at the snapshot (or
//! in the source database).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use imbl::OrdMap;

use super::{Schema, State, Store, Table};
use crate::catalog::{SchemaDef, TableCounters, TableDef, new_table_id};

/// The committed rows, indexes and definitions of every user database at one moment.
#[derive(Clone, Debug)]
pub struct Snapshot {
    state: Arc<State>,
    /// AUTO_INCREMENT and hidden row-id counters per table id, read when the snapshot was taken.
    counters: HashMap<u64, (u64, u64)>,
}

impl Snapshot {
    /// Names of the databases the snapshot holds.
    pub fn databases(&self) -> Vec<String> {
        self.state.schemas.keys().cloned().collect()
    }

    /// Rows over all tables of the snapshot (an O(tables) count, for reports and tests).
    pub fn rows(&self) -> usize {
        self.state
            .schemas
            .values()
            .flat_map(|s| s.tables.values())
            .map(|t| t.data.rows.len())
            .sum()
    }
}

fn counters_of(def: &TableDef) -> (u64, u64) {
    (
        def.counters.auto_increment.load(Ordering::Acquire),
        def.counters.row_id.load(Ordering::Acquire),
    )
}

/// A copy of `table` as a new table in `schema`: new id, own counters, the same rows.
fn renewed(table: &Table, schema: &str, counters: (u64, u64)) -> Table {
    // FOREIGN KEYs to tables of the same schema follow the copy.
    let mut foreign_keys = table.def.foreign_keys.clone();
    for fk in &mut foreign_keys {
        if fk.parent_schema == table.def.schema {
            fk.parent_schema = schema.to_string();
        }
    }
    let def = TableDef {
        foreign_keys,
        id: new_table_id(),
        schema: schema.to_string(),
        counters: Arc::new(TableCounters {
            auto_increment: counters.0.into(),
            row_id: counters.1.into(),
        }),
        ..(*table.def).clone()
    };
    Table {
        def: Arc::new(def),
        data: table.data.clone(),
    }
}

impl Store {
    /// Every table of the latest committed state, by id.
    pub(crate) fn table_ids(&self) -> Vec<u64> {
        self.latest()
            .schemas
            .values()
            .flat_map(|s| s.tables.values())
            .map(|t| t.def.id)
            .collect()
    }

    /// A snapshot of the latest committed state (what a new transaction would read).
    pub(crate) fn snapshot(&self) -> Snapshot {
        let state = self.latest();
        let counters = state
            .schemas
            .values()
            .flat_map(|s| s.tables.values())
            .map(|t| (t.def.id, counters_of(&t.def)))
            .collect();
        Snapshot { state, counters }
    }

    /// Makes `snap` the committed state: databases created since are gone, dropped ones are
    /// back, every table holds the rows and counters it had. The caller holds the exclusive
    /// metadata locks of every current table, so no transaction is using one.
    pub(crate) fn restore(&self, snap: &Snapshot) -> Result<(), crate::EngineError> {
        self.ddl(|st| {
            let mut schemas = OrdMap::new();
            for (name, schema) in &snap.state.schemas {
                let mut tables = OrdMap::new();
                for (tname, table) in &schema.tables {
                    let counters = snap
                        .counters
                        .get(&table.def.id)
                        .copied()
                        .unwrap_or_else(|| counters_of(&table.def));
                    tables.insert(tname.clone(), renewed(table, name, counters));
                }
                schemas.insert(
                    name.clone(),
                    Schema {
                        def: schema.def.clone(),
                        tables,
                        views: schema.views.clone(),
                        triggers: schema.triggers.clone(),
                        procedures: schema.procedures.clone(),
                        functions: schema.functions.clone(),
                    },
                );
            }
            st.schemas = schemas;
            Ok(())
        })
    }

    /// `CREATE DATABASE dst CLONE src`: a new database with `src`'s tables, rows and counters
    /// as committed now. Ok(false) when `dst` exists and `if_not_exists`.
    pub(crate) fn clone_schema(
        &self,
        src: &str,
        dst: &str,
        if_not_exists: bool,
    ) -> Result<bool, crate::EngineError> {
        self.ddl(|st| {
            let Some(source) = st.schemas.get(src) else {
                return Err(crate::EngineError::bad_db(src));
            };
            if st.schemas.contains_key(dst) {
                return if if_not_exists {
                    Ok(false)
                } else {
                    Err(crate::EngineError::db_create_exists(dst))
                };
            }
            let tables = source
                .tables
                .iter()
                .map(|(n, t)| (n.clone(), renewed(t, dst, counters_of(&t.def))))
                .collect();
            // A view's SELECT is kept as written and bound with its own schema as the default
            // database, so the clone's views read the clone's tables wherever they named them
            // unqualified; a name qualified with the source database still reads the source.
            let views = source
                .views
                .iter()
                .map(|(n, v)| {
                    let def = crate::catalog::ViewDef {
                        schema: dst.to_string(),
                        ..(**v).clone()
                    };
                    (n.clone(), Arc::new(def))
                })
                .collect();
            // Triggers name their table within the schema, so the clone's fire on the clone's.
            let triggers = source.triggers.clone();
            let schema = Schema {
                def: Arc::new(SchemaDef {
                    name: dst.to_string(),
                    collation: source.def.collation,
                }),
                tables,
                views,
                triggers,
                procedures: source.procedures.clone(),
                functions: source.functions.clone(),
            };
            st.schemas.insert(dst.to_string(), schema);
            Ok(true)
        })
    }

    /// True when every table of the latest state shares its clustered index with the table of
    /// the same name in `snap` (no row was copied by a snapshot, restore or clone).
    #[cfg(test)]
    pub(crate) fn latest_shares_rows_with(&self, snap: &Snapshot) -> bool {
        let latest = self.latest();
        latest.schemas.iter().all(|(name, schema)| {
            schema.tables.iter().all(|(t, table)| {
                snap.state
                    .table(name, t)
                    .is_some_and(|old| old.data.rows.ptr_eq(&table.data.rows))
            })
        })
    }
}
