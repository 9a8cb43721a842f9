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
use sqlparser::ast;

use crate::bind::Binder;
use crate::catalog::{ColumnDef, FkRule, ForeignKeyDef, IndexDef, TableDef};
use crate::error::EngineError;
use crate::execute::{self, Ctx, ReadMode};
use crate::storage::{self, FkRef, State, TableData, key, key::Key};
use crate::types::{BaseType, SqlType};
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
    Ok(matching_in(&view(cx, def)?, def, cols, vals, limit))
}

/// [`matching`] in a given view.
fn matching_in(
    v: &storage::TableView,
    def: &TableDef,
    cols: &[usize],
    vals: &[Value],
    limit: usize,
) -> Vec<Key> {
    let prefix = encode(def, cols, vals);
    let lo = Bound::Included(key::key(&prefix));
    let hi = match key::prefix_successor(&prefix) {
        Some(s) => Bound::Excluded(key::key(&s)),
        None => Bound::Unbounded,
    };
    match def.index_leading(cols) {
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
    }
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
    super::mdl::lock_tables(cx, [pdef.id])?;
    let prefix = encode(&pdef, &pcols, &vals);
    // A parent found is share-locked, then looked at again: its owner may have deleted or
    // changed it meanwhile. Each round waits for a lock, but need not go on forever.
    // The key a parent row would have when the referenced columns are its primary key: a
    // transaction inserting that row holds it, and is waited for as InnoDB waits for it.
    let whole_pk = pdef
        .primary()
        .is_some_and(|p| p.parts.len() == pcols.len() && pdef.index_leading(&pcols) == Some(0));
    let mut waited = false;
    for _ in 0..16 {
        let Some(pk) = matching(cx, &pdef, &pcols, &vals, 1)?.into_iter().next() else {
            if whole_pk && !waited {
                waited = true;
                execute::ops_lock_row(cx, pdef.id, &key::key(&prefix), false)?;
                continue;
            }
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
    super::mdl::lock_tables(cx, [cdef.id])?;
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

// ---------------------------------------------------------------------------------------------
// DDL: declaring, checking and guarding FOREIGN KEYs

/// A FOREIGN KEY as declared (CREATE TABLE, ALTER TABLE ... ADD), before it is checked.
#[derive(Clone, Debug)]
pub(super) struct FkSpec {
    pub(super) name: Option<String>,
    pub(super) index_name: Option<String>,
    pub(super) columns: Vec<String>,
    pub(super) parent: (String, String),
    pub(super) parent_columns: Vec<String>,
    pub(super) on_delete: FkRule,
    pub(super) on_update: FkRule,
}

fn err(code: u16, state: &'static str, msg: String) -> EngineError {
    EngineError::new(code, state, msg)
}

/// ER_CANNOT_ADD_FOREIGN.
pub(super) fn cannot_add() -> EngineError {
    err(1215, "HY000", "Cannot add foreign key constraint".into())
}

fn rule(a: Option<&ast::ReferentialAction>) -> Result<FkRule, EngineError> {
    Ok(match a {
        None | Some(ast::ReferentialAction::NoAction) => FkRule::NoAction,
        Some(ast::ReferentialAction::Restrict) => FkRule::Restrict,
        Some(ast::ReferentialAction::Cascade) => FkRule::Cascade,
        Some(ast::ReferentialAction::SetNull) => FkRule::SetNull,
        // InnoDB refuses SET DEFAULT.
        Some(ast::ReferentialAction::SetDefault) => return Err(cannot_add()),
    })
}

/// The declared FOREIGN KEY of a table constraint (the parent named as the session sees it).
pub(super) fn spec(b: &Binder<'_>, f: &ast::ForeignKeyConstraint) -> Result<FkSpec, EngineError> {
    Ok(FkSpec {
        name: f.name.as_ref().map(|n| n.value.clone()),
        index_name: f.index_name.as_ref().map(|n| n.value.clone()),
        columns: f.columns.iter().map(|c| c.value.clone()).collect(),
        parent: b.table_name(&f.foreign_table)?,
        parent_columns: f.referred_columns.iter().map(|c| c.value.clone()).collect(),
        on_delete: rule(f.on_delete.as_ref())?,
        on_update: rule(f.on_update.as_ref())?,
    })
}

/// True when a referencing and a referenced column may be paired (InnoDB's rules: integers
/// of the same size and signedness, strings of the same kind, charset and collation, other
/// types the same).
fn compatible(a: &SqlType, b: &SqlType) -> bool {
    use BaseType as B;
    let chars = |t: &SqlType| matches!(t.base, B::Char | B::VarChar);
    let bins = |t: &SqlType| matches!(t.base, B::Binary | B::VarBinary);
    if chars(a) || chars(b) {
        return chars(a) && chars(b) && a.collation == b.collation;
    }
    if bins(a) || bins(b) {
        return bins(a) && bins(b);
    }
    if a.base != b.base || a.unsigned != b.unsigned {
        return false;
    }
    match a.base {
        B::Decimal => a.length == b.length && a.scale == b.scale,
        _ if a.is_string() => a.collation == b.collation,
        _ => true,
    }
}

/// The trailing number of a generated constraint name `<table>_ibfk_<n>`.
fn ibfk_number(table: &str, name: &str) -> Option<u64> {
    let prefix = format!("{table}_ibfk_");
    name.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(&prefix))
        .and_then(|_| name.get(prefix.len()..))
        .and_then(|n| n.parse().ok())
}

/// Checks the declared FOREIGN KEYs of a table being created or altered (`def`: its final
/// columns and indexes, and in `foreign_keys` the constraints it keeps) against the state,
/// and returns the table's whole list. With `checks` off a parent that does not exist is
/// accepted (the constraint works once it does).
pub(super) fn resolve(
    st: &State,
    def: &TableDef,
    specs: &[FkSpec],
    checks: bool,
) -> Result<Vec<ForeignKeyDef>, EngineError> {
    let mut out = def.foreign_keys.clone();
    if specs.is_empty() {
        return Ok(out);
    }
    if def.temporary {
        return Err(cannot_add());
    }
    let mut taken: Vec<String> = st
        .schemas
        .get(&def.schema)
        .map(|s| {
            s.tables
                .values()
                .filter(|t| t.def.id != def.id)
                .flat_map(|t| t.def.foreign_keys.iter().map(|f| f.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    taken.extend(out.iter().map(|f| f.name.clone()));
    let mut next = out
        .iter()
        .filter_map(|f| ibfk_number(&def.name, &f.name))
        .max()
        .unwrap_or(0)
        + 1;
    for s in specs {
        let name = match &s.name {
            Some(n) => n.clone(),
            None => {
                let n = format!("{}_ibfk_{next}", def.name);
                next += 1;
                n
            }
        };
        if taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
            return Err(err(
                1826,
                "HY000",
                format!("Duplicate foreign key constraint name '{name}'"),
            ));
        }
        taken.push(name.clone());
        let mut columns = Vec::with_capacity(s.columns.len());
        for c in &s.columns {
            let pos = def.column_index(c).ok_or_else(|| {
                err(
                    1072,
                    "42000",
                    format!("Key column '{c}' doesn't exist in table"),
                )
            })?;
            columns.push(pos);
        }
        if columns.len() != s.parent_columns.len() {
            return Err(err(
                1239,
                "42000",
                format!(
                    "Incorrect foreign key definition for '{name}': Key reference and table reference don't match"
                ),
            ));
        }
        for (rule, c) in [(s.on_delete, &columns), (s.on_update, &columns)] {
            if rule != FkRule::SetNull {
                continue;
            }
            if let Some(col) = c
                .iter()
                .filter_map(|p| def.columns.get(*p))
                .find(|col| !col.nullable)
            {
                return Err(err(
                    1830,
                    "HY000",
                    format!(
                        "Column '{}' cannot be NOT NULL: needed in a foreign key constraint '{name}' SET NULL",
                        col.name
                    ),
                ));
            }
        }
        let (ps, pt) = &s.parent;
        let self_ref = *ps == def.schema && *pt == def.name;
        let parent: Option<(&[ColumnDef], &[IndexDef])> = if self_ref {
            Some((&def.columns, &def.indexes))
        } else {
            st.table(ps, pt)
                .map(|t| (t.def.columns.as_slice(), t.def.indexes.as_slice()))
        };
        let mut parent_columns = s.parent_columns.clone();
        match parent {
            None if checks => {
                return Err(err(
                    1824,
                    "HY000",
                    format!("Failed to open the referenced table '{pt}'"),
                ));
            }
            None => {}
            Some((pcols, pidx)) => {
                let mut ppos = Vec::with_capacity(parent_columns.len());
                for (i, pc) in parent_columns.iter_mut().enumerate() {
                    let Some(p) = pcols.iter().position(|c| c.name.eq_ignore_ascii_case(pc)) else {
                        return Err(err(
                            3734,
                            "HY000",
                            format!(
                                "Failed to add the foreign key constraint. Missing column '{pc}' for constraint '{name}' in the referenced table '{pt}'"
                            ),
                        ));
                    };
                    let (Some(pcol), Some(ccol)) = (
                        pcols.get(p),
                        columns.get(i).and_then(|c| def.columns.get(*c)),
                    ) else {
                        return Err(cannot_add());
                    };
                    if !compatible(&ccol.ty, &pcol.ty) {
                        return Err(err(
                            3780,
                            "HY000",
                            format!(
                                "Referencing column '{}' and referenced column '{}' in foreign key constraint '{name}' are incompatible.",
                                ccol.name, pcol.name
                            ),
                        ));
                    }
                    pc.clone_from(&pcol.name);
                    ppos.push(p);
                }
                let indexed = pidx.iter().any(|i| {
                    i.parts.len() >= ppos.len()
                        && i.parts
                            .iter()
                            .zip(&ppos)
                            .all(|(p, c)| p.column == *c && p.prefix.is_none())
                });
                if !indexed {
                    return Err(err(
                        1822,
                        "HY000",
                        format!(
                            "Failed to add the foreign key constraint. Missing index for constraint '{name}' in the referenced table '{pt}'"
                        ),
                    ));
                }
            }
        }
        out.push(ForeignKeyDef {
            name,
            columns,
            parent_schema: ps.clone(),
            parent_table: pt.clone(),
            parent_columns,
            on_delete: s.on_delete,
            on_update: s.on_update,
        });
    }
    Ok(out)
}

/// Checks the rows a table holds against constraints added to it (ALTER TABLE ... ADD
/// FOREIGN KEY): 1452 for the first row without a parent. `data` is the table's new data.
pub(super) fn check_rows(
    st: &State,
    def: &TableDef,
    data: &TableData,
    added: &[ForeignKeyDef],
) -> Result<(), EngineError> {
    for fk in added {
        let own = fk.parent_schema == def.schema && fk.parent_table == def.name;
        let (pdef, pview) = if own {
            let d = Arc::new(def.clone());
            let v = storage::TableView {
                def: d.clone(),
                base: data.clone(),
                changes: None,
            };
            (d, v)
        } else {
            match st.table(&fk.parent_schema, &fk.parent_table) {
                Some(t) => (t.def.clone(), storage::view_of(t, None)),
                // foreign_key_checks=0 let it be declared; nothing to check against.
                None => continue,
            }
        };
        let Some(pcols) = parent_columns(&pdef, fk) else {
            continue;
        };
        for r in &data.rows {
            let row = r.unpack();
            let vals: Vec<Value> = fk
                .columns
                .iter()
                .map(|c| row.get(*c).cloned().unwrap_or(Value::Null))
                .collect();
            if vals.iter().any(Value::is_null) {
                continue;
            }
            if matching_in(&pview, &pdef, &pcols, &vals, 1).is_empty() {
                return Err(no_parent(def, fk));
            }
        }
    }
    Ok(())
}

/// DROP TABLE: 3730 when a table dropped is referenced by a table that stays.
pub(super) fn check_drop(st: &State, dropped: &[(String, String)]) -> Result<(), EngineError> {
    for (s, t) in dropped {
        let Some(table) = st.table(s, t) else {
            continue;
        };
        for r in st.referenced.get(&table.def.id).into_iter().flatten() {
            if dropped
                .iter()
                .any(|(cs, ct)| *cs == r.schema && *ct == r.table)
            {
                continue;
            }
            let fk = st
                .table(&r.schema, &r.table)
                .and_then(|c| c.def.foreign_keys.get(r.fk))
                .map(|f| f.name.clone())
                .unwrap_or_default();
            return Err(err(
                3730,
                "HY000",
                format!(
                    "Cannot drop table '{t}' referenced by a foreign key constraint '{fk}' on table '{}'.",
                    r.table
                ),
            ));
        }
    }
    Ok(())
}

/// TRUNCATE TABLE: 1701 when another table references the table.
pub(super) fn check_truncate(st: &State, schema: &str, name: &str) -> Result<(), EngineError> {
    let Some(table) = st.table(schema, name) else {
        return Ok(());
    };
    for r in st.referenced.get(&table.def.id).into_iter().flatten() {
        if r.schema == schema && r.table == name {
            continue;
        }
        let fk = st
            .table(&r.schema, &r.table)
            .and_then(|c| c.def.foreign_keys.get(r.fk))
            .map(|f| f.name.clone())
            .unwrap_or_default();
        return Err(err(
            1701,
            "42000",
            format!(
                "Cannot truncate a table referenced in a foreign key constraint (`{}`.`{}`, CONSTRAINT `{fk}`)",
                r.schema, r.table
            ),
        ));
    }
    Ok(())
}

/// After RENAME TABLE / ALTER TABLE ... RENAME: the constraints that referenced `from` now
/// reference `to`, as InnoDB keeps them.
pub(super) fn repoint(st: &mut State, (fs, ft): (&str, &str), (ts, tt): (&str, &str)) {
    edit_referencing(st, (fs, ft), |f| {
        f.parent_schema = ts.to_string();
        f.parent_table = tt.to_string();
    });
}

/// After ALTER TABLE renamed columns of `table` (`renames`: old, new, in order): the
/// constraints referencing them name the new columns, as InnoDB keeps them.
pub(super) fn rename_referenced_columns(
    st: &mut State,
    parent: (&str, &str),
    renames: &[(String, String)],
) {
    edit_referencing(st, parent, |f| {
        for c in &mut f.parent_columns {
            for (old, new) in renames {
                if c.eq_ignore_ascii_case(old) {
                    c.clone_from(new);
                }
            }
        }
    });
}

/// Applies `edit` to every foreign key (in any schema) whose parent is `(ps, pt)`, giving each
/// child table that has one a new definition.
fn edit_referencing(
    st: &mut State,
    (ps, pt): (&str, &str),
    mut edit: impl FnMut(&mut ForeignKeyDef),
) {
    let refers = |f: &ForeignKeyDef| f.parent_schema == ps && f.parent_table == pt;
    let children: Vec<(String, String)> = st
        .schemas
        .iter()
        .flat_map(|(sn, s)| {
            s.tables
                .iter()
                .filter(|(_, t)| t.def.foreign_keys.iter().any(refers))
                .map(move |(tn, _)| (sn.clone(), tn.clone()))
        })
        .collect();
    for (sn, tn) in children {
        if let Some(t) = st.schemas.get_mut(&sn).and_then(|s| s.tables.get_mut(&tn)) {
            let mut def = (*t.def).clone();
            def.foreign_keys
                .iter_mut()
                .filter(|f| refers(f))
                .for_each(&mut edit);
            t.def = Arc::new(def);
        }
    }
}
