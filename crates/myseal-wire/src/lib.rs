//! MySQL client/server protocol packets for myseal: framing and message codecs.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/PAGE_PROTOCOL.html>
//!
//! Module map:
//! - [`buf`]: bounds-checked [`buf::Reader`] cursor and `put_*` writers for the basic data types.
//! - [`constants`]: capability and status flags, column types and flags, collation ids, command
//!   bytes.
//! - [`codec`]: splitting a byte stream into [`codec::Packet`]s (16 MiB chunks, sequence ids) and
//!   back.
//! - [`connect`]: connection phase (greeting, SSLRequest, HandshakeResponse41, auth switch).
//! - [`response`]: OK / ERR / EOF.
//! - [`command`]: command phase, `COM_*` decode/encode.
//! - [`resultset`]: column definitions and text rows.
//! - [`statement`]: prepared statements: COM_STMT_PREPARE_OK, COM_STMT_EXECUTE parameters,
//!   COM_STMT_SEND_LONG_DATA, binary rows.
//!
//! **Architecture Invariant:** no I/O, no async runtime, no global state. Decoders take the bytes
//! of one payload (plus the negotiated [`constants::CapabilityFlags`] where the layout depends on
//! them) and return a value or a [`WireError`]; they never panic on untrusted input.
//!
//! Why hand-written codecs: we evaluated `mysql_common`, the codec crate `mysql_async` builds on.
//! It only serializes some server messages and only parses some client ones, panics / `expect`s
//! in places, and we need both directions for round-trip tests. So this crate hand-writes every
//! codec and uses `mysql_common` only in tests, as an independent cross-check that real clients'
//! code parses what we write and writes what we parse.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod buf;
pub mod codec;
pub mod command;
pub mod connect;
pub mod constants;
mod error;
pub mod response;
pub mod resultset;
pub mod statement;

pub use error::WireError;

#[cfg(test)]
mod tests;
