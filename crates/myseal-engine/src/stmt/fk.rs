//! FOREIGN KEY enforcement in DML, as InnoDB does it.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-table-foreign-keys.html>
//!
//! The rules:
//!
//! - Every row a DML statement writes goes through [`write`], which knows the row replaced or
//!   deleted (by primary key) and the row stored. A table that has no FOREIGN KEY and that no
//!   FOREIGN KEY references (`Store::is_referenced`, one lookup in a map rebuilt by DDL) is
//!   written directly; so is everything with `foreign_key_checks=0` and temporary tables.
//! - A child row inserted, or updated so that its FOREIGN KEY columns change, needs a parent
//!   row with equal values (NULL in any column: no check). The parent row is read from the
//!   latest committed state plus the transaction's own changes and share-locked, then read
//!   again: a transaction deleting it makes the check wait, and fail (1452) once it commits.
//! - A parent row deleted, or updated so that its referenced columns change, finds the child
//!   rows holding the old values through the child's FOREIGN KEY index and locks them:
//!   RESTRICT / NO ACTION fail (1451), CASCADE deletes them or sets their columns to the new
//!   values, SET NULL sets them to NULL. The changes of a cascade are written through
//!   [`write`] again (cascades of cascades, at most 15 deep: 3008); they are part of the
//!   statement (undone with it) and not counted as affected rows.

use std::ops::Bound;
use std::sync::Arc;

use crate::Session;
use crate::catalog::{FkRule, ForeignKeyDef, TableDef};
use crate::error::EngineError;
use crate::execute::{self, Ctx, ReadMode};
use crate::storage::{self, FkRef, key, key::Key};
use crate::value::Value;

/// InnoDB's FK_MAX_CASCADE_DEL.
const MAX_DEPTH: usize = 15;

/// True unless the session set `foreign_key_checks=0`.
pub(crate) fn checks_on(session: &Session) -> bool {
    session
        .vars
        .get("foreign_key_checks")
        .is_none_or(|v| v == "ON" || v == "1")
}

/// The text of a constraint in errors: `` (`db`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY ...) ``.
fn constraint_text(child: &TableDef, fk: &ForeignKeyDef) -> String {
    format!(
        "(`{}`.`{}`, {})",
        child.schema,
        child.name,
        super::show::foreign_key_sql(child, fk)
    )
}

/// ER_NO_REFERENCED_ROW_2.
pub(crate) fn no_parent(child: &TableDef, fk: &ForeignKeyDef) -> EngineError {
    EngineError::new(
        1452,
        "23000",
        format!(
            "Cannot add or update a child row: a foreign key constraint fails {}",
            constraint_text(child, fk)
        ),
    )
}

/// ER_ROW_IS_REFERENCED_2.
fn has_children(child: &TableDef, fk: &ForeignKeyDef) -> EngineError {
    EngineError::new(
        1451,
        "23000",
        format!(
            "Cannot delete or update a parent row: a foreign key constraint fails {}",
            constraint_text(child, fk)
        ),
    )
}

/// Writes one row: deletes the row at `old` (unless `new` goes to the same key) and stores
/// `new` at its key, enforcing the FOREIGN KEYs on both sides.
pub(super) fn write(
    cx: &mut Ctx<'_>,
    def: &Arc<TableDef>,
    old: Option<&Key>,
    new: Option<(&Key, Vec<Value>)>,
) -> Result<(), EngineError> {
    write_at(cx, def, old, new, 0)
}

fn store(cx: &mut Ctx<'_>, def: &Arc<TableDef>, old: Option<&Key>, new: Option<(&Key, &[Value])>) {
    if let Some(o) = old
        && new.is_none_or(|(k, _)| k != o)
    {
        cx.txn.put(def, o, None);
    }
    if let Some((k, row)) = new {
        cx.txn.put(def, k, Some(storage::Row::new(k, row)));
    }
}

fn write_at(
    cx: &mut Ctx<'_>,
    def: &Arc<TableDef>,
    old: Option<&Key>,
    new: Option<(&Key, Vec<Value>)>,
    depth: usize,
) -> Result<(), EngineError> {
    let referenced = !def.temporary && cx.engine.store.is_referenced(def.id);
    let child = !def.temporary && !def.foreign_keys.is_empty();
    if !(referenced || child) || !checks_on(cx.session) {
        store(cx, def, old, new.as_ref().map(|(k, v)| (*k, v.as_slice())));
        return Ok(());
    }
    let old_row = match old {
        Some(pk) => view(cx, def)?.get(pk).map(|r| r.unpack()),
        None => None,
    };
    let new_row = new.as_ref().map(|(_, v)| v.clone());
    store(cx, def, old, new.as_ref().map(|(k, v)| (*k, v.as_slice())));
    if let Some(row) = &new_row {
        for fk in &def.foreign_keys {
            let changed = old_row
                .as_ref()
                .is_none_or(|o| fk.columns.iter().any(|&c| o.get(c) != row.get(c)));
            if changed {
                check_parent(cx, def, fk, row)?;
            }
        }
    }
    if referenced && let Some(old_row) = &old_row {
        let refs: Vec<FkRef> = cx
            .engine
            .store
            .latest()
            .referenced
            .get(&def.id)
            .cloned()
            .unwrap_or_default();
        for r in &refs {
            parent_changed(cx, def, r, old_row, new_row.as_deref(), depth)?;
        }
    }
    Ok(())
}

/// The latest committed state of a table plus own changes.
fn view(cx: &Ctx<'_>, def: &TableDef) -> Result<storage::TableView, EngineError> {
    cx.view(def, ReadMode::Latest)
        .ok_or_else(|| EngineError::no_such_table(&def.schema, &def.name))
}

/// The key bytes of `vals` as columns `cols` of `def` (compared under their collations).
fn encode(def: &TableDef, cols: &[usize], vals: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    for (c, v) in cols.iter().zip(vals) {
        if let Some(col) = def.columns.get(*c) {
            key::encode(v, &col.ty, None, &mut out);
        }
    }
    out
}

/// Primary keys of the rows of `def` whose columns `cols` equal `vals`, through an index
/// that leads with them when there is one.
fn matching(
    cx: &mut Ctx<'_>,
    def: &TableDef,
    cols: &[usize],
    vals: &[Value],
    limit: usize,
) -> Result<Vec<Key>, EngineError> {
    let v = view(cx, def)?;
    let prefix = encode(def, cols, vals);
    let lo = Bound::Included(key::key(&prefix));
    let hi = match key::prefix_successor(&prefix) {
        Some(s) => Bound::Excluded(key::key(&s)),
        None => Bound::Unbounded,
    };
    Ok(match def.index_leading(cols) {
        Some(i) if def.indexes.get(i).is_some_and(|x| x.primary) => v
            .rows_batch(&lo, &hi, false, None, limit)
            .iter()
            .map(|r| key::key(r.key()))
            .collect(),
        Some(i) => v
            .index_batch(i, &lo, &hi, false, None, limit)
            .iter()
            .map(|e| key::key(storage::entry_pk(e)))
            .collect(),
        None => v
            .rows_batch(
                &Bound::Unbounded,
                &Bound::Unbounded,
                false,
                None,
                usize::MAX,
            )
            .iter()
            .filter(|r| {
                let row = r.unpack();
                let got: Vec<Value> = cols
                    .iter()
                    .map(|c| row.get(*c).cloned().unwrap_or(Value::Null))
                    .collect();
                encode(def, cols, &got) == prefix
            })
            .take(limit)
            .map(|r| key::key(r.key()))
            .collect(),
    })
}

/// True when the row at `pk` of `def` (read again, after its lock) still holds `prefix` in
/// `cols`; the row if so.
fn still_matches(
    cx: &Ctx<'_>,
    def: &TableDef,
    pk: &Key,
    cols: &[usize],
    prefix: &[u8],
) -> Result<Option<Vec<Value>>, EngineError> {
    let Some(row) = view(cx, def)?.get(pk).map(|r| r.unpack()) else {
        return Ok(None);
    };
    let got: Vec<Value> = cols
        .iter()
        .map(|c| row.get(*c).cloned().unwrap_or(Value::Null))
        .collect();
    if got.iter().any(Value::is_null) || encode(def, cols, &got) != prefix {
        return Ok(None);
    }
    Ok(Some(row))
}

/// Positions of a constraint's referenced columns in the parent (None when one is missing).
fn parent_columns(parent: &TableDef, fk: &ForeignKeyDef) -> Option<Vec<usize>> {
    fk.parent_columns
        .iter()
        .map(|n| parent.column_index(n))
        .collect()
}

/// A child row's FOREIGN KEY values need a parent row (1452 without one).
fn check_parent(
    cx: &mut Ctx<'_>,
    def: &TableDef,
    fk: &ForeignKeyDef,
    row: &[Value],
) -> Result<(), EngineError> {
    let vals: Vec<Value> = fk
        .columns
        .iter()
        .map(|c| row.get(*c).cloned().unwrap_or(Value::Null))
        .collect();
    if vals.iter().any(Value::is_null) {
        return Ok(());
    }
    let state = cx.engine.store.latest();
    let Some(parent) = state.table(&fk.parent_schema, &fk.parent_table) else {
        return Err(no_parent(def, fk));
    };
    let pdef = parent.def.clone();
    drop(state);
    let Some(pcols) = parent_columns(&pdef, fk) else {
        return Err(no_parent(def, fk));
    };
    super::dml::lock_tables(cx, [pdef.id])?;
    let prefix = encode(&pdef, &pcols, &vals);
    // A parent found is share-locked, then looked at again: its owner may have deleted or
    // changed it meanwhile. Each round waits for a lock, but need not go on forever.
    for _ in 0..16 {
        let Some(pk) = matching(cx, &pdef, &pcols, &vals, 1)?.into_iter().next() else {
            return Err(no_parent(def, fk));
        };
        execute::ops_lock_row(cx, pdef.id, &pk, false)?;
        if still_matches(cx, &pdef, &pk, &pcols, &prefix)?.is_some() {
            return Ok(());
        }
    }
    Err(no_parent(def, fk))
}

/// A parent row was deleted (`new` None) or updated: applies the rule of the constraint `r`
/// to the child rows holding its old values.
fn parent_changed(
    cx: &mut Ctx<'_>,
    pdef: &TableDef,
    r: &FkRef,
    old: &[Value],
    new: Option<&[Value]>,
    depth: usize,
) -> Result<(), EngineError> {
    let Some(cdef) = cx
        .engine
        .store
        .latest()
        .table(&r.schema, &r.table)
        .map(|t| t.def.clone())
    else {
        return Ok(());
    };
    let Some(fk) = cdef.foreign_keys.get(r.fk).cloned() else {
        return Ok(());
    };
    let Some(pcols) = parent_columns(pdef, &fk) else {
        return Ok(());
    };
    let pick = |row: &[Value]| -> Vec<Value> {
        pcols
            .iter()
            .map(|c| row.get(*c).cloned().unwrap_or(Value::Null))
            .collect()
    };
    let old_vals = pick(old);
    if old_vals.iter().any(Value::is_null) {
        return Ok(());
    }
    let new_vals = new.map(pick);
    if new_vals.as_ref().is_some_and(|n| *n == old_vals) {
        return Ok(());
    }
    let rule = if new_vals.is_some() {
        fk.on_update
    } else {
        fk.on_delete
    };
    super::dml::lock_tables(cx, [cdef.id])?;
    let prefix = encode(&cdef, &fk.columns, &old_vals);
    let children = matching(cx, &cdef, &fk.columns, &old_vals, usize::MAX)?;
    for pk in children {
        cx.check()?;
        execute::ops_lock_row(cx, cdef.id, &pk, true)?;
        let Some(mut row) = still_matches(cx, &cdef, &pk, &fk.columns, &prefix)? else {
            continue;
        };
        if matches!(rule, FkRule::Restrict | FkRule::NoAction) {
            return Err(has_children(&cdef, &fk));
        }
        if depth + 1 > MAX_DEPTH {
            return Err(EngineError::new(
                3008,
                "HY000",
                format!("Foreign key cascade delete/update exceeds max depth of {MAX_DEPTH}."),
            ));
        }
        match (rule, &new_vals) {
            (FkRule::Cascade, None) => write_at(cx, &cdef, Some(&pk), None, depth + 1)?,
            (_, _) => {
                for (i, c) in fk.columns.iter().enumerate() {
                    let v = match (rule, &new_vals) {
                        (FkRule::Cascade, Some(n)) => n.get(i).cloned().unwrap_or(Value::Null),
                        _ => Value::Null,
                    };
                    if let Some(slot) = row.get_mut(*c) {
                        *slot = v;
                    }
                }
                let new_pk = storage::primary_key(&cdef, &row).unwrap_or_else(|| pk.clone());
                write_at(cx, &cdef, Some(&pk), Some((&new_pk, row)), depth + 1)?;
            }
        }
    }
    Ok(())
}
