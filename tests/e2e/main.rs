#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub)]
//! End-to-end tests: each starts the real server on an ephemeral port with generated certificates and
//! talks to it with real client crates (mysql_async, sqlx) over verified TLS, or with raw sockets for
//! the refusal cases, and the sqllogictest quick subset (`slt`). One test binary (one link on 2 cores).

mod util;

mod accounts;
mod charsets;
mod clients;
mod compression;
mod cursors;
mod datadir;
mod faults;
mod hostile;
mod hostile_clients;
mod kill;
mod prepared;
mod privileges;
mod protocol;
mod refusals;
mod slt;
mod snapshot;
mod sql_modes;
mod stream;
mod tables;
mod tls_faults;
mod tls_reload;
mod triggers;
mod user_locks;
mod views;
