//! A sqllogictest runner for myseal.
//!
//! [sqllogictest](https://www.sqlite.org/sqllogictest/) is SQLite's public-domain conformance suite: scripts
//! of statements and queries with the results every correct SQL engine must give. This crate
//!
//! - parses the script format ([`mod@parse`]),
//! - renders and compares results exactly as sqllogictest does ([`mod@format`]: `I`/`R`/`T` rendering,
//!   `nosort`/`rowsort`/`valuesort`, MD5 of hashed results, computed with the `md-5` crate),
//! - runs a script against anything implementing [`Database`] and reports per file ([`run`]),
//! - with the `mysql` feature, runs scripts against a real server through mysql_async ([`mysql`]).
//!
//! Records marked `skipif mysql`, and `onlyif X` records for any X other than `mysql`, are skipped.
//!
//! Extension: `statement error <N>` requires the statement to fail with MySQL error number N (plain
//! `statement error` accepts any error, as in sqllogictest).
//!
//! `cargo xtask slt` runs the whole corpus under `tests/slt` against the release server;
//! `tests/e2e/slt.rs` runs the quick subset listed in `tests/slt/quick.txt`.
#![forbid(unsafe_code)]

pub mod format;
#[cfg(feature = "mysql")]
pub mod mysql;
pub mod parse;
pub mod run;

pub use parse::{parse, parse_file, Script};
pub use run::{run_script, summary, total_line, Database, DbError, FileReport, Output, RunConfig};

/// Errors reading or parsing a script.
#[derive(Debug, thiserror::Error)]
pub enum SltError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Parse {
        file: String,
        line: usize,
        message: String,
    },
}
