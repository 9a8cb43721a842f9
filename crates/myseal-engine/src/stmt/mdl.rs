//! The shared metadata locks a statement takes on the tables it uses, held to the end of its
//! transaction (InnoDB's MDL: DDL on such a table waits for the transaction).

use std::time::Duration;

use crate::error::EngineError;
use crate::execute::Ctx;

/// Seconds a metadata lock waits (`lock_wait_timeout`).
fn metadata_timeout(cx: &Ctx<'_>) -> Duration {
    Duration::from_secs(
        cx.session
            .vars
            .get("lock_wait_timeout")
            .and_then(|v| v.parse().ok())
            .unwrap_or(31_536_000),
    )
}

/// Takes the shared metadata lock on each table for the rest of the transaction.
pub(super) fn lock_tables(
    cx: &mut Ctx<'_>,
    ids: impl IntoIterator<Item = u64>,
) -> Result<(), EngineError> {
    let timeout = metadata_timeout(cx);
    let cancel = cx.cancel.clone();
    for id in ids {
        if cx.session.inline_try {
            // A write tried on the caller's thread never waits (see Engine::try_write_inline).
            if !cx.engine.store.try_lock_table(&mut *cx.txn, id) {
                cx.session.inline_blocked = true;
                return Err(EngineError::not_supported(
                    "waiting for a metadata lock here",
                ));
            }
            continue;
        }
        cx.engine
            .store
            .lock_table(&mut *cx.txn, id, timeout, &cancel)?;
    }
    Ok(())
}
