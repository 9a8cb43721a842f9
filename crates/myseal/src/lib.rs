//! myseal as a library: a MySQL 8.4 server (TLS-only by default, in-memory engine) to start
//! inside a test, with one dependency line:
//!
//! ```toml
//! [dev-dependencies]
//! myseal = { path = "../myseal/crates/myseal", default-features = false, features = ["mysql_async"] }
//! ```
//!
//! `default-features = false` leaves out the binary's dependencies (feature `cli`); the
//! features `mysql_async` and `sqlx` add ready-made connection options for those clients, whose
//! versions must match this workspace's (mysql_async 0.37, sqlx 0.9).
//!
//! ```no_run
//! # #[cfg(feature = "mysql_async")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use mysql_async::prelude::Queryable;
//! use myseal::{Account, Server};
//!
//! let server = Server::builder()
//!     .database("app")
//!     .account(Account::new("app", "app-pw").grant("ALL ON app.*"))
//!     .init_sql("CREATE TABLE app.items (id INT PRIMARY KEY)")
//!     .start()
//!     .await?; // ready: accepts connections
//! // Verified TLS against the server's in-memory CA, with a client certificate it signed.
//! let mut conn = mysql_async::Conn::new(server.mysql_async_opts("app", "app-pw", Some("app"))).await?;
//! conn.query_drop("INSERT INTO items VALUES (1)").await?;
//! conn.disconnect().await?;
//! server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! - [`Server::builder`] → [`Builder`] → [`Builder::start`] → [`TestServer`], or
//!   [`Builder::start_blocking`] → [`BlockingTestServer`] for tests without a runtime.
//! - [`external`]: with `MYSEAL_EXTERNAL_URL` set, the same tests run against a server that is
//!   already running.
//! - Test isolation: [`TestServer::snapshot`] / [`TestServer::restore`] and
//!   [`TestServer::clone_database`] (SQL: `CREATE DATABASE t CLONE seed`), O(tables) whatever
//!   the number of rows.
//! - [`Server::start`] with a [`Config`] is the lower-level API the `myseal` binary uses.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use myseal_server::{
    external, Account, Actor, BlockingTestServer, Builder, CertVerification, ClientIdentity,
    Config, ConnectionState, EngineError, ExternalUrl, HandshakeEvent, HandshakeStep, InitSql,
    InitialUser, MemoryCerts, Server, ServerError, Snapshot, TestServer, TlsFault, TlsOptions,
};
