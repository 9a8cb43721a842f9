//! In-memory MVCC storage with InnoDB-like transactions.
//!
//! The rules, which the code below follows:
//!
//! - The committed state of the whole server ([`State`]: schemas → tables → rows and indexes) is
//!   one immutable value built from persistent (structurally shared) maps. It is published
//!   through an [`ArcSwap`]: readers take the current `Arc<State>` without any lock, and taking a
//!   snapshot of everything is one `Arc` clone.
//! - A table is a clustered index (primary key, or a hidden row id when the table has none →
//!   row) plus one map per secondary index whose keys are `index columns ++ primary key`.
//! - A transaction never changes the committed state in place. It collects its writes in
//!   [`TableChanges`] (primary key → new row or deletion, plus index entries of the new rows),
//!   which are persistent maps too, so a savepoint or the start of a statement is an O(1) copy.
//! - A consistent read (plain SELECT) sees a snapshot plus the transaction's own changes. Under
//!   REPEATABLE READ the snapshot is taken at the transaction's first read and kept; under READ
//!   COMMITTED each statement takes a fresh one.
//! - Locking reads and writes (UPDATE, DELETE, INSERT, SELECT ... FOR UPDATE/SHARE) see the
//!   latest committed state plus the transaction's own changes, and take row locks
//!   ([`lock::LockManager`]) on the primary key (and on unique key values they insert), held to
//!   the end of the transaction. A row is re-read after its lock is granted.
//! - Commit applies the changes to the latest committed state under a short commit mutex and
//!   publishes the new state. Because every changed row is exclusively locked by its writer, two
//!   transactions never change the same row, so applying is always possible and deterministic.
//! - DDL builds a new state directly (it commits implicitly, as in MySQL) and bumps the schema
//!   version, which invalidates cached plans. A transaction that touched a table holds a shared
//!   metadata lock on it, so DDL on that table waits for the transaction to end.
//! - Temporary tables live in their session ([`temp::TempTables`]), not in the shared state;
//!   a transaction's changes to them are applied there at commit.

pub(crate) mod key;
pub(crate) mod lock;
pub(crate) mod row;
pub(crate) mod snapshot;
pub(crate) mod temp;

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arc_swap::ArcSwap;
use imbl::{OrdMap, OrdSet};
use parking_lot::Mutex;

use crate::catalog::{SchemaDef, TableDef};
use crate::value::Value;
use key::Key;

pub(crate) use row::Row;

/// Rows and secondary indexes of one table.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableData {
    /// Clustered index: rows ordered by their primary key (or hidden row id), which each row
    /// carries ([`Row::key`]); look rows up with the key's bytes.
    pub(crate) rows: OrdSet<Row>,
    /// One set of entries per entry of `TableDef::indexes` (the primary's slot stays empty);
    /// see [`index_entry`].
    pub(crate) indexes: Vec<OrdSet<Key>>,
}

/// A table: its definition and data at one version.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub(crate) def: Arc<TableDef>,
    pub(crate) data: TableData,
}

/// A schema and its tables.
#[derive(Clone, Debug)]
pub(crate) struct Schema {
    pub(crate) def: Arc<SchemaDef>,
    pub(crate) tables: OrdMap<String, Table>,
    /// Views by name (one namespace with `tables`: a name is in at most one of them).
    pub(crate) views: OrdMap<String, Arc<crate::catalog::ViewDef>>,
    /// Triggers by name (a schema-wide namespace), each naming its table.
    pub(crate) triggers: OrdMap<String, Arc<crate::catalog::TriggerDef>>,
    /// Stored procedures by lower-cased name (routine names are case-insensitive).
    pub(crate) procedures: OrdMap<String, Arc<crate::catalog::RoutineDef>>,
    /// Stored functions by lower-cased name (a namespace of their own).
    pub(crate) functions: OrdMap<String, Arc<crate::catalog::RoutineDef>>,
}

impl Schema {
    /// DROP TABLE: the table's triggers go with it.
    pub(crate) fn drop_table_triggers(&mut self, table: &str) {
        let names: Vec<String> = self
            .triggers
            .values()
            .filter(|t| t.table == table)
            .map(|t| t.name.clone())
            .collect();
        for n in names {
            self.triggers.remove(&n);
        }
    }
}

impl State {
    /// RENAME TABLE / ALTER TABLE ... RENAME: the triggers follow the table within its schema;
    /// a table with triggers cannot move to another schema (ER_TRG_IN_WRONG_SCHEMA).
    pub(crate) fn rename_table_triggers(
        &mut self,
        from: (&str, &str),
        to: (&str, &str),
    ) -> Result<(), crate::EngineError> {
        let Some(s) = self.schemas.get_mut(from.0) else {
            return Ok(());
        };
        let mine: Vec<Arc<crate::catalog::TriggerDef>> = s
            .triggers
            .values()
            .filter(|t| t.table == from.1)
            .cloned()
            .collect();
        if mine.is_empty() {
            return Ok(());
        }
        if from.0 != to.0 {
            return Err(crate::EngineError::new(
                1435,
                "HY000",
                "Trigger in wrong schema",
            ));
        }
        for t in mine {
            let mut moved = (*t).clone();
            moved.table = to.1.to_string();
            s.triggers.insert(moved.name.clone(), Arc::new(moved));
        }
        Ok(())
    }
}

/// A FOREIGN KEY that references a table: the child table and the constraint's position in
/// its `TableDef::foreign_keys`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FkRef {
    pub(crate) schema: String,
    pub(crate) table: String,
    pub(crate) fk: usize,
}

/// The committed state of every schema.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    pub(crate) schemas: OrdMap<String, Schema>,
    /// Parent table id → the FOREIGN KEYs referencing it, rebuilt by every DDL
    /// ([`State::index_foreign_keys`]), so a write to a table nothing references costs one
    /// lookup in an (usually empty) map.
    pub(crate) referenced: Arc<HashMap<u64, Vec<FkRef>>>,
}

impl State {
    /// Rebuilds [`State::referenced`] from the tables' definitions.
    pub(crate) fn index_foreign_keys(&mut self) {
        let mut map: HashMap<u64, Vec<FkRef>> = HashMap::new();
        for (sname, schema) in &self.schemas {
            for (tname, table) in &schema.tables {
                for (n, fk) in table.def.foreign_keys.iter().enumerate() {
                    if let Some(parent) = self.table(&fk.parent_schema, &fk.parent_table) {
                        map.entry(parent.def.id).or_default().push(FkRef {
                            schema: sname.clone(),
                            table: tname.clone(),
                            fk: n,
                        });
                    }
                }
            }
        }
        if !(map.is_empty() && self.referenced.is_empty()) {
            self.referenced = Arc::new(map);
        }
    }

    /// A table by schema and name.
    pub(crate) fn table(&self, schema: &str, name: &str) -> Option<&Table> {
        self.schemas.get(schema)?.tables.get(name)
    }

    /// A view by schema and name.
    pub(crate) fn view(&self, schema: &str, name: &str) -> Option<&Arc<crate::catalog::ViewDef>> {
        self.schemas.get(schema)?.views.get(name)
    }

    /// A table by id (the changes of a transaction refer to tables by id).
    fn table_by_def(&self, def: &TableDef) -> Option<&Table> {
        self.table(&def.schema, &def.name)
            .filter(|t| t.def.id == def.id)
    }
}

/// Encodes the primary key of `row` (None for tables without one: they use row ids).
pub(crate) fn primary_key(def: &TableDef, row: &[Value]) -> Option<Key> {
    let pk = def.primary()?;
    let mut out = Vec::with_capacity(16);
    for p in &pk.parts {
        let col = def.columns.get(p.column)?;
        key::encode(
            row.get(p.column).unwrap_or(&Value::Null),
            &col.ty,
            p.prefix,
            &mut out,
        );
    }
    Some(Key::from(out))
}

/// Encodes the columns of index `idx` of `row` (without the primary key suffix).
pub(crate) fn index_prefix(def: &TableDef, idx: usize, row: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(24);
    if let Some(index) = def.indexes.get(idx) {
        for p in &index.parts {
            if let Some(col) = def.columns.get(p.column) {
                key::encode(
                    row.get(p.column).unwrap_or(&Value::Null),
                    &col.ty,
                    p.prefix,
                    &mut out,
                );
            }
        }
    }
    out
}

/// True when the index columns of `row` contain a NULL (such entries never conflict in a
/// UNIQUE index).
pub(crate) fn index_has_null(def: &TableDef, idx: usize, row: &[Value]) -> bool {
    def.indexes.get(idx).is_some_and(|i| {
        i.parts
            .iter()
            .any(|p| row.get(p.column).is_none_or(Value::is_null))
    })
}

/// The entry of `row` in secondary index `idx`: `index columns ++ primary key ++ length of the
/// primary key (4 bytes)`. Every key encoding is self-delimiting, so entries order by the index
/// columns, then the primary key; the trailing length finds the primary key again
/// ([`entry_pk`]), so an index needs no map from entry to primary key.
pub(crate) fn index_entry(def: &TableDef, idx: usize, row: &[Value], pk: &[u8]) -> Key {
    entry_of(index_prefix(def, idx, row), pk)
}

/// An index entry from the encoded index columns and the primary key (see [`index_entry`]).
pub(crate) fn entry_of(mut prefix: Vec<u8>, pk: &[u8]) -> Key {
    prefix.reserve(pk.len() + 4);
    prefix.extend_from_slice(pk);
    prefix.extend_from_slice(&u32::try_from(pk.len()).unwrap_or(u32::MAX).to_be_bytes());
    Key::from(prefix)
}

/// The primary key an index entry points to (empty for a malformed entry).
pub(crate) fn entry_pk(entry: &[u8]) -> &[u8] {
    let Some(split) = entry.len().checked_sub(4) else {
        return &[];
    };
    let (body, len) = entry.split_at(split);
    let n = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    body.len()
        .checked_sub(n)
        .and_then(|start| body.get(start..))
        .unwrap_or(&[])
}

/// Secondary index numbers of a table (every index but the clustered primary key).
pub(crate) fn secondary_indexes(def: &TableDef) -> impl Iterator<Item = usize> + '_ {
    def.indexes
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.primary)
        .map(|(n, _)| n)
}

impl TableData {
    /// Empty data for a definition.
    pub(crate) fn empty(def: &TableDef) -> Self {
        TableData {
            rows: OrdSet::new(),
            indexes: vec![OrdSet::new(); def.indexes.len()],
        }
    }

    /// Sets or removes the row at `pk`, keeping the secondary indexes in step.
    pub(crate) fn put(&mut self, def: &TableDef, pk: &Key, row: Option<Row>) {
        debug_assert!(row.as_ref().is_none_or(|r| r.key() == &pk[..]));
        let indexed = secondary_indexes(def).next().is_some();
        if indexed && let Some(old) = self.rows.get::<[u8]>(pk).map(Row::unpack) {
            for i in secondary_indexes(def) {
                if let Some(m) = self.indexes.get_mut(i) {
                    m.remove(&index_entry(def, i, &old, pk));
                }
            }
        }
        match row {
            Some(r) => {
                if indexed {
                    let values = r.unpack();
                    for i in secondary_indexes(def) {
                        if let Some(m) = self.indexes.get_mut(i) {
                            m.insert(index_entry(def, i, &values, pk));
                        }
                    }
                }
                self.rows.insert(r);
            }
            None => {
                self.rows.remove::<[u8]>(pk);
            }
        }
    }

    /// Builds the data and every index from rows (ALTER TABLE, CREATE TABLE ... SELECT).
    pub(crate) fn rebuild(def: &TableDef, rows: impl IntoIterator<Item = Row>) -> Self {
        let mut data = TableData::empty(def);
        let indexed = secondary_indexes(def).next().is_some();
        for row in rows {
            if indexed {
                let values = row.unpack();
                let pk = key::key(row.key());
                for i in secondary_indexes(def) {
                    if let Some(m) = data.indexes.get_mut(i) {
                        m.insert(index_entry(def, i, &values, &pk));
                    }
                }
            }
            data.rows.insert(row);
        }
        data
    }
}

/// A transaction's writes to one table.
#[derive(Clone, Debug)]
pub(crate) struct TableChanges {
    pub(crate) def: Arc<TableDef>,
    /// Primary key → new row, or None for a deletion.
    pub(crate) rows: OrdMap<Key, Option<Row>>,
    /// Index entries of the new rows, per index (as in [`TableData::indexes`]).
    pub(crate) indexes: Vec<OrdSet<Key>>,
}

impl TableChanges {
    fn new(def: Arc<TableDef>) -> Self {
        let n = def.indexes.len();
        TableChanges {
            def,
            rows: OrdMap::new(),
            indexes: vec![OrdSet::new(); n],
        }
    }

    fn put(&mut self, pk: &Key, row: Option<Row>) {
        debug_assert!(row.as_ref().is_none_or(|r| r.key() == &pk[..]));
        let def = self.def.clone();
        if secondary_indexes(&def).next().is_some() {
            if let Some(Some(old)) = self.rows.get(pk).map(|r| r.as_ref().map(Row::unpack)) {
                for i in secondary_indexes(&def) {
                    if let Some(m) = self.indexes.get_mut(i) {
                        m.remove(&index_entry(&def, i, &old, pk));
                    }
                }
            }
            if let Some(r) = &row {
                let values = r.unpack();
                for i in secondary_indexes(&def) {
                    if let Some(m) = self.indexes.get_mut(i) {
                        m.insert(index_entry(&def, i, &values, pk));
                    }
                }
            }
        }
        self.rows.insert(pk.clone(), row);
    }
}

/// What a statement sees of one table: committed data (a snapshot or the latest) plus the
/// transaction's own changes. Cloning is O(1).
#[derive(Clone, Debug)]
pub(crate) struct TableView {
    pub(crate) def: Arc<TableDef>,
    pub(crate) base: TableData,
    pub(crate) changes: Option<TableChanges>,
}

/// Lower bound after `after` in the scan direction.
fn narrow(
    lo: &Bound<Key>,
    hi: &Bound<Key>,
    after: Option<&Key>,
    reverse: bool,
) -> (Bound<Key>, Bound<Key>) {
    match after {
        None => (lo.clone(), hi.clone()),
        Some(a) if reverse => (lo.clone(), Bound::Excluded(a.clone())),
        Some(a) => (Bound::Excluded(a.clone()), hi.clone()),
    }
}

fn empty_range(lo: &Bound<Key>, hi: &Bound<Key>) -> bool {
    match (lo, hi) {
        (Bound::Included(a), Bound::Included(b)) => a > b,
        (Bound::Included(a), Bound::Excluded(b))
        | (Bound::Excluded(a), Bound::Included(b))
        | (Bound::Excluded(a), Bound::Excluded(b)) => a >= b,
        _ => false,
    }
}

/// Collects up to `limit` entries of an ordered map in a range, in the scan direction, that
/// pass `keep`.
fn collect_range<V: Clone, T>(
    map: &OrdMap<Key, V>,
    lo: Bound<Key>,
    hi: Bound<Key>,
    reverse: bool,
    limit: usize,
    mut keep: impl FnMut(&Key, &V) -> Option<T>,
) -> Vec<(Key, T)> {
    let mut out = Vec::new();
    if empty_range(&lo, &hi) {
        return out;
    }
    let range = map.range((lo, hi));
    if reverse {
        for (k, v) in range.rev() {
            if let Some(t) = keep(k, v) {
                out.push((k.clone(), t));
                if out.len() >= limit {
                    break;
                }
            }
        }
    } else {
        for (k, v) in range {
            if let Some(t) = keep(k, v) {
                out.push((k.clone(), t));
                if out.len() >= limit {
                    break;
                }
            }
        }
    }
    out
}

/// Collects up to `limit` elements of an ordered set in a range (on their key bytes), in the
/// scan direction, that pass `keep`.
fn collect_set<T: Clone + Ord + std::borrow::Borrow<[u8]>>(
    rows: &OrdSet<T>,
    lo: &Bound<Key>,
    hi: &Bound<Key>,
    reverse: bool,
    limit: usize,
    mut keep: impl FnMut(&T) -> bool,
) -> Vec<T> {
    let mut out = Vec::new();
    if empty_range(lo, hi) {
        return out;
    }
    fn bytes(b: &Bound<Key>) -> Bound<&[u8]> {
        match b {
            Bound::Included(k) => Bound::Included(&k[..]),
            Bound::Excluded(k) => Bound::Excluded(&k[..]),
            Bound::Unbounded => Bound::Unbounded,
        }
    }
    let range = rows.range::<_, [u8]>((bytes(lo), bytes(hi)));
    let mut take = |r: &T| {
        if keep(r) {
            out.push(r.clone());
        }
        out.len() < limit
    };
    if reverse {
        for r in range.rev() {
            if !take(r) {
                break;
            }
        }
    } else {
        for r in range {
            if !take(r) {
                break;
            }
        }
    }
    out
}

/// Merges the committed rows of a batch with the transaction's own (both sorted in the scan
/// direction) and keeps the first `limit`.
fn merge_rows(a: Vec<Row>, mine: Vec<(Key, Row)>, reverse: bool, limit: usize) -> Vec<Row> {
    let keyed = a.into_iter().map(|r| (key::key(r.key()), r)).collect();
    merge(keyed, mine, reverse, limit)
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

/// Merges two sorted batches (in scan direction) and keeps the first `limit`.
fn merge<T>(a: Vec<(Key, T)>, b: Vec<(Key, T)>, reverse: bool, limit: usize) -> Vec<(Key, T)> {
    if b.is_empty() {
        return a;
    }
    if a.is_empty() {
        return b;
    }
    let mut out = Vec::with_capacity(limit.min(a.len() + b.len()));
    let mut ai = a.into_iter().peekable();
    let mut bi = b.into_iter().peekable();
    while out.len() < limit {
        let take_a = match (ai.peek(), bi.peek()) {
            (Some(x), Some(y)) => {
                if reverse {
                    x.0 >= y.0
                } else {
                    x.0 <= y.0
                }
            }
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { ai.next() } else { bi.next() };
        match next {
            Some(n) => out.push(n),
            None => break,
        }
    }
    out
}

impl TableView {
    /// The row with primary key `pk`.
    pub(crate) fn get(&self, pk: &[u8]) -> Option<Row> {
        if let Some(ch) = &self.changes
            && let Some(v) = ch.rows.get(pk)
        {
            return v.clone();
        }
        self.base.rows.get(pk).cloned()
    }

    /// True when the transaction has changed the row at `pk`.
    fn shadowed(&self, pk: &[u8]) -> bool {
        self.changes
            .as_ref()
            .is_some_and(|c| c.rows.contains_key(pk))
    }

    /// Up to `limit` rows in primary key order (reverse: descending) within the range, after
    /// the key `after` (the last key of the previous batch).
    pub(crate) fn rows_batch(
        &self,
        lo: &Bound<Key>,
        hi: &Bound<Key>,
        reverse: bool,
        after: Option<&Key>,
        limit: usize,
    ) -> Vec<Row> {
        let (l, h) = narrow(lo, hi, after, reverse);
        let base = collect_set(&self.base.rows, &l, &h, reverse, limit, |r: &Row| {
            !self.shadowed(r.key())
        });
        match &self.changes {
            None => base,
            Some(ch) => {
                let mine = collect_range(&ch.rows, l, h, reverse, limit, |_, r| r.clone());
                merge_rows(base, mine, reverse, limit)
            }
        }
    }

    /// Up to `limit` entries of secondary index `idx` within the range (on entry keys); each
    /// leads to its row through [`entry_pk`].
    pub(crate) fn index_batch(
        &self,
        idx: usize,
        lo: &Bound<Key>,
        hi: &Bound<Key>,
        reverse: bool,
        after: Option<&Key>,
        limit: usize,
    ) -> Vec<Key> {
        let (l, h) = narrow(lo, hi, after, reverse);
        let Some(set) = self.base.indexes.get(idx) else {
            return Vec::new();
        };
        let base = collect_set(set, &l, &h, reverse, limit, |e| !self.shadowed(entry_pk(e)));
        match self.changes.as_ref().and_then(|c| c.indexes.get(idx)) {
            None => base,
            Some(m) => {
                let mine = collect_set(m, &l, &h, reverse, limit, |_| true);
                let keyed = |v: Vec<Key>| v.into_iter().map(|k| (k, ())).collect();
                merge(keyed(base), keyed(mine), reverse, limit)
                    .into_iter()
                    .map(|(k, ())| k)
                    .collect()
            }
        }
    }

    /// Number of rows (committed base; own changes approximate) for the planner and SHOW TABLE
    /// STATUS.
    pub(crate) fn approx_rows(&self) -> usize {
        self.base.rows.len()
    }
}

/// Isolation levels (transaction_isolation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isolation {
    ReadUncommitted,
    ReadCommitted,
    RepeatableRead,
    Serializable,
}

impl Isolation {
    /// From the variable's value (`REPEATABLE-READ` ...).
    pub(crate) fn from_name(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "READ-UNCOMMITTED" => Isolation::ReadUncommitted,
            "READ-COMMITTED" => Isolation::ReadCommitted,
            "SERIALIZABLE" => Isolation::Serializable,
            _ => Isolation::RepeatableRead,
        }
    }
}

/// An open transaction (explicit, or the implicit one of an autocommit statement).
///
/// Dropping a transaction that was neither committed nor rolled back (a client that went away
/// mid-transaction, COM_RESET_CONNECTION, a session torn down by KILL) rolls it back: its changes
/// are never published and its locks are released, so nothing waits for a transaction whose
/// owner is gone.
pub(crate) struct Txn {
    pub(crate) id: lock::TxnId,
    pub(crate) isolation: Isolation,
    pub(crate) read_only: bool,
    /// The consistent-read snapshot (REPEATABLE READ: taken at the first read).
    pub(crate) snapshot: Option<Arc<State>>,
    /// Writes by table id.
    pub(crate) changes: HashMap<u64, TableChanges>,
    /// Tables this transaction holds a shared metadata lock on.
    pub(crate) mdl: Vec<u64>,
    /// Savepoints: name and the changes as they were.
    pub(crate) savepoints: Vec<(String, HashMap<u64, TableChanges>)>,
    /// The lock manager its locks are in, to release them however the transaction ends.
    locks: Arc<lock::LockManager>,
}

impl std::fmt::Debug for Txn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Txn")
            .field("id", &self.id)
            .field("isolation", &self.isolation)
            .field("read_only", &self.read_only)
            .field("snapshot", &self.snapshot.is_some())
            .field("tables_changed", &self.changes.len())
            .finish_non_exhaustive()
    }
}

impl Drop for Txn {
    /// Commit and rollback end here too: releasing the locks is the last thing a transaction
    /// does, and a transaction dropped without either is rolled back.
    fn drop(&mut self) {
        self.locks.release_all(self.id);
    }
}

impl Txn {
    /// Rows the transaction has changed (inserted, updated or deleted), over all tables.
    pub(crate) fn changed_rows(&self) -> usize {
        self.changes.values().map(|c| c.rows.len()).sum()
    }

    /// True when the transaction has written anything.
    pub(crate) fn has_writes(&self) -> bool {
        self.changes.values().any(|c| !c.rows.is_empty())
    }

    /// True when the transaction has written to a table of the shared state (not only to
    /// temporary tables).
    fn has_shared_writes(&self) -> bool {
        self.changes
            .values()
            .any(|c| !c.def.temporary && !c.rows.is_empty())
    }

    /// Records a write.
    pub(crate) fn put(&mut self, def: &Arc<TableDef>, pk: &Key, row: Option<Row>) {
        self.changes
            .entry(def.id)
            .or_insert_with(|| TableChanges::new(def.clone()))
            .put(pk, row);
    }

    /// The own changes to a table.
    pub(crate) fn changes_of(&self, table_id: u64) -> Option<&TableChanges> {
        self.changes.get(&table_id)
    }

    /// True under REPEATABLE READ and SERIALIZABLE: consistent reads share one snapshot.
    pub(crate) fn keeps_snapshot(&self) -> bool {
        matches!(
            self.isolation,
            Isolation::RepeatableRead | Isolation::Serializable
        )
    }
}

/// An exclusive metadata lock held by a DDL statement on the tables it changes; released when
/// dropped. See [`Store::lock_tables_for_ddl`].
#[derive(Debug)]
pub(crate) struct DdlLock {
    owner: lock::TxnId,
    locks: Arc<lock::LockManager>,
}

impl Drop for DdlLock {
    fn drop(&mut self) {
        self.locks.release_all(self.owner);
    }
}

/// The storage engine shared by all sessions.
pub(crate) struct Store {
    current: ArcSwap<State>,
    commit_mutex: Mutex<()>,
    pub(crate) locks: Arc<lock::LockManager>,
    next_txn: AtomicU64,
    /// Bumped by every DDL; cached plans remember the version they were bound at.
    schema_version: AtomicU64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    pub(crate) fn new() -> Self {
        Store {
            current: ArcSwap::from_pointee(State::default()),
            commit_mutex: Mutex::new(()),
            locks: Arc::new(lock::LockManager::new()),
            next_txn: AtomicU64::new(1),
            schema_version: AtomicU64::new(1),
        }
    }

    /// The latest committed state (lock-free).
    pub(crate) fn latest(&self) -> Arc<State> {
        self.current.load_full()
    }

    /// True when a FOREIGN KEY of some table references table `id` (lock-free, no allocation).
    pub(crate) fn is_referenced(&self, id: u64) -> bool {
        let state = self.current.load();
        !state.referenced.is_empty() && state.referenced.contains_key(&id)
    }

    /// The schema version (see [`Store`]).
    pub(crate) fn schema_version(&self) -> u64 {
        self.schema_version.load(Ordering::Acquire)
    }

    /// Starts a transaction.
    pub(crate) fn begin(&self, isolation: Isolation, read_only: bool) -> Txn {
        Txn {
            id: self.next_txn.fetch_add(1, Ordering::Relaxed),
            isolation,
            read_only,
            snapshot: None,
            changes: HashMap::new(),
            mdl: Vec::new(),
            savepoints: Vec::new(),
            locks: Arc::clone(&self.locks),
        }
    }

    /// Applies a transaction's changes to the latest state and publishes it, and its changes to
    /// temporary tables to the session's `temp`, then releases its locks (when `txn` is dropped,
    /// after the new state is visible).
    pub(crate) fn commit(&self, txn: Txn, temp: &mut temp::TempTables) {
        temp.apply(&txn);
        if txn.has_shared_writes() {
            let _guard = self.commit_mutex.lock();
            let mut state = (*self.current.load_full()).clone();
            for ch in txn.changes.values() {
                apply_changes(&mut state, ch);
            }
            self.current.store(Arc::new(state));
        }
        drop(txn);
    }

    /// Discards a transaction's changes and releases its locks.
    pub(crate) fn rollback(&self, txn: Txn) {
        drop(txn);
    }

    /// Takes the shared metadata lock on a table for `txn`, held until the transaction ends
    /// (InnoDB's MDL: DDL on the table waits for the transaction). Taken once per table.
    pub(crate) fn lock_table(
        &self,
        txn: &mut Txn,
        table_id: u64,
        timeout: std::time::Duration,
        cancel: &std::sync::atomic::AtomicBool,
    ) -> Result<(), lock::LockError> {
        if txn.mdl.contains(&table_id) {
            return Ok(());
        }
        self.locks.acquire(
            txn.id,
            lock::LockKey::Table(table_id),
            lock::LockMode::Shared,
            lock::Wait::Timeout(timeout),
            cancel,
        )?;
        txn.mdl.push(table_id);
        Ok(())
    }

    /// [`Store::lock_table`] without waiting: false when a DDL holds or waits for the table.
    pub(crate) fn try_lock_table(&self, txn: &mut Txn, table_id: u64) -> bool {
        if txn.mdl.contains(&table_id) {
            return true;
        }
        let got = self.locks.acquire(
            txn.id,
            lock::LockKey::Table(table_id),
            lock::LockMode::Shared,
            lock::Wait::NoWait,
            &std::sync::atomic::AtomicBool::new(false),
        );
        if got.is_ok() {
            txn.mdl.push(table_id);
        }
        got.is_ok()
    }

    /// Takes exclusive metadata locks on tables for a DDL statement: it waits (at most
    /// `timeout`, MySQL's `lock_wait_timeout`) until no open transaction has used them, and new
    /// transactions wait for the DDL. The DDL runs while the returned guard lives. The caller has
    /// ended its own transaction first (DDL commits implicitly), so it never waits for itself.
    pub(crate) fn lock_tables_for_ddl(
        &self,
        table_ids: &[u64],
        timeout: std::time::Duration,
        cancel: &std::sync::atomic::AtomicBool,
    ) -> Result<DdlLock, lock::LockError> {
        let guard = DdlLock {
            owner: self.next_txn.fetch_add(1, Ordering::Relaxed),
            locks: Arc::clone(&self.locks),
        };
        for id in table_ids {
            self.locks.acquire(
                guard.owner,
                lock::LockKey::Table(*id),
                lock::LockMode::Exclusive,
                lock::Wait::Timeout(timeout),
                cancel,
            )?;
        }
        Ok(guard)
    }

    /// Runs a DDL change: `f` edits a copy of the latest state; on Ok it is published and the
    /// schema version bumped. Serialized with commits.
    pub(crate) fn ddl<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, crate::EngineError>,
    ) -> Result<T, crate::EngineError> {
        let _guard = self.commit_mutex.lock();
        let mut state = (*self.current.load_full()).clone();
        let out = f(&mut state)?;
        state.index_foreign_keys();
        self.current.store(Arc::new(state));
        self.schema_version.fetch_add(1, Ordering::AcqRel);
        Ok(out)
    }
}

fn apply_changes(state: &mut State, ch: &TableChanges) {
    let def = &ch.def;
    if def.temporary || state.table_by_def(def).is_none() {
        // The table was dropped or re-created meanwhile (DDL waits for metadata locks, so this
        // only happens for tables the transaction did not lock); its changes have no home.
        return;
    }
    let Some(schema) = state.schemas.get_mut(&def.schema) else {
        return;
    };
    let Some(table) = schema.tables.get_mut(&def.name) else {
        return;
    };
    let live_def = table.def.clone();
    for (pk, row) in ch.rows.iter() {
        table.data.put(&live_def, pk, row.clone());
    }
}

/// Builds the view of a table from a committed state and a transaction's changes.
pub(crate) fn view(
    state: &State,
    txn: Option<&Txn>,
    schema: &str,
    name: &str,
) -> Option<TableView> {
    Some(view_of(state.table(schema, name)?, txn))
}

/// Builds the view of one table and a transaction's changes to it.
pub(crate) fn view_of(t: &Table, txn: Option<&Txn>) -> TableView {
    let changes = txn
        .and_then(|x| x.changes_of(t.def.id))
        .filter(|c| !c.rows.is_empty())
        .cloned();
    TableView {
        def: t.def.clone(),
        base: t.data.clone(),
        changes,
    }
}

impl Store {
    /// True when a user schema exists.
    pub(crate) fn schema_exists(&self, name: &str) -> bool {
        self.latest().schemas.contains_key(name)
    }

    /// CREATE DATABASE: Ok(false) when it exists and `if_not_exists`.
    pub(crate) fn create_schema(
        &self,
        name: &str,
        collation: crate::collation::Collation,
        if_not_exists: bool,
    ) -> Result<bool, crate::EngineError> {
        self.ddl(|st| {
            if st.schemas.contains_key(name) {
                return if if_not_exists {
                    Ok(false)
                } else {
                    Err(crate::EngineError::db_create_exists(name))
                };
            }
            st.schemas.insert(
                name.to_string(),
                Schema {
                    def: Arc::new(SchemaDef {
                        name: name.to_string(),
                        collation,
                    }),
                    tables: OrdMap::new(),
                    views: OrdMap::new(),
                    triggers: OrdMap::new(),
                    procedures: OrdMap::new(),
                    functions: OrdMap::new(),
                },
            );
            Ok(true)
        })
    }

    /// DROP DATABASE: the number of tables dropped, None when absent and `if_exists`.
    pub(crate) fn drop_schema(
        &self,
        name: &str,
        if_exists: bool,
    ) -> Result<Option<usize>, crate::EngineError> {
        self.ddl(|st| match st.schemas.remove(name) {
            Some(s) => Ok(Some(s.tables.len())),
            None if if_exists => Ok(None),
            None => Err(crate::EngineError::db_drop_exists(name)),
        })
    }

    /// User schema names.
    pub(crate) fn schema_names(&self) -> Vec<String> {
        self.latest().schemas.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_entries_find_their_primary_key_and_order_by_columns_then_key() {
        let a = entry_of(vec![1, 5], &[1, 0, 9]);
        let b = entry_of(vec![1, 5], &[1, 1]);
        let c = entry_of(vec![1, 6], &[0]);
        assert_eq!(entry_pk(&a), &[1, 0, 9]);
        assert_eq!(entry_pk(&b), &[1, 1]);
        assert_eq!(entry_pk(&c), &[0]);
        assert!(a < b && b < c);
        // Malformed entries lead nowhere instead of panicking.
        assert_eq!(entry_pk(&[]), &[] as &[u8]);
        assert_eq!(entry_pk(&[1, 0, 0, 0, 9]), &[] as &[u8]);
        assert_eq!(entry_pk(&[0, 0, 0, 0]), &[] as &[u8]);
    }

    #[test]
    fn the_clustered_index_is_a_set_of_rows_looked_up_by_key() {
        let mut rows: OrdSet<Row> = OrdSet::new();
        rows.insert(Row::new(&[2], &[Value::Int(20)]));
        rows.insert(Row::new(&[1], &[Value::Int(10)]));
        // Same key: the new version replaces the old.
        rows.insert(Row::new(&[2], &[Value::Int(21)]));
        assert_eq!(rows.len(), 2);
        let two: &[u8] = &[2];
        assert_eq!(rows.get(two).and_then(|r| r.get(0)), Some(Value::Int(21)));
        let keys: Vec<&[u8]> = rows.iter().map(Row::key).collect();
        assert_eq!(keys, vec![&[1u8][..], &[2u8][..]]);
    }
}
