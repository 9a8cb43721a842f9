//! BEGIN / START TRANSACTION / COMMIT / ROLLBACK.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/commit.html>
//!
//! There is no table data yet, so transactions only track state for the server's status flags
//! (SERVER_STATUS_IN_TRANS).

use crate::exec::ok;
use crate::{Outcome, Session};

/// BEGIN / START TRANSACTION: implicitly commits an open transaction, then opens one.
pub(crate) fn begin(session: &mut Session) -> Outcome {
    session.in_transaction = true;
    ok(session, 0)
}

/// COMMIT.
pub(crate) fn commit(session: &mut Session) -> Outcome {
    session.in_transaction = false;
    ok(session, 0)
}

/// ROLLBACK.
pub(crate) fn rollback(session: &mut Session) -> Outcome {
    session.in_transaction = false;
    ok(session, 0)
}
