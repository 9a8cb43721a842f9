//! BEGIN / START TRANSACTION / COMMIT / ROLLBACK / SAVEPOINT.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/commit.html>
//!
//! The transaction itself lives in the storage layer (`storage::Txn`); these statements open,
//! commit and roll it back (`crate::stmt::{begin, commit, rollback}`).

use crate::error::EngineError;
use crate::exec::ok;
use crate::{Engine, Outcome, Session};

/// BEGIN / START TRANSACTION: implicitly commits an open transaction, then opens one.
pub(crate) fn begin(
    engine: &Engine,
    session: &mut Session,
    consistent_snapshot: bool,
    read_only: bool,
) -> Outcome {
    crate::stmt::begin(engine, session, consistent_snapshot, read_only);
    ok(session, 0)
}

/// COMMIT.
pub(crate) fn commit(engine: &Engine, session: &mut Session) -> Outcome {
    crate::stmt::commit(engine, session);
    ok(session, 0)
}

/// ROLLBACK.
pub(crate) fn rollback(engine: &Engine, session: &mut Session) -> Outcome {
    crate::stmt::rollback(engine, session);
    ok(session, 0)
}

/// SAVEPOINT name.
pub(crate) fn savepoint(session: &mut Session, name: &str) -> Outcome {
    if let Some(t) = session.txn.as_mut() {
        t.savepoints.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        let changes = t.changes.clone();
        t.savepoints.push((name.to_string(), changes));
    }
    ok(session, 0)
}

/// ROLLBACK TO [SAVEPOINT] name.
pub(crate) fn rollback_to(session: &mut Session, name: &str) -> Result<Outcome, EngineError> {
    let missing = || EngineError::new(1305, "42000", format!("SAVEPOINT {name} does not exist"));
    let t = session.txn.as_mut().ok_or_else(missing)?;
    let pos = t
        .savepoints
        .iter()
        .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
        .ok_or_else(missing)?;
    t.changes = t.savepoints[pos].1.clone();
    t.savepoints.truncate(pos + 1);
    Ok(ok(session, 0))
}

/// RELEASE SAVEPOINT name.
pub(crate) fn release(session: &mut Session, name: &str) -> Result<Outcome, EngineError> {
    let missing = || EngineError::new(1305, "42000", format!("SAVEPOINT {name} does not exist"));
    let t = session.txn.as_mut().ok_or_else(missing)?;
    let pos = t
        .savepoints
        .iter()
        .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
        .ok_or_else(missing)?;
    t.savepoints.truncate(pos);
    Ok(ok(session, 0))
}
