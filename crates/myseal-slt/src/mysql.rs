//! A [`Database`] over a mysql_async connection, and running a script in a database of its own.
//!
//! TLS is whatever the caller's [`Opts`] say; myseal's tests and xtask pass `SslOpts` that verify the server
//! against the dev CA. Every statement has a time limit: a statement that does not answer in time fails its
//! record ([`DbError::Timeout`]), the connection is dropped and the next statement reconnects (and re-enters
//! the script's database). When a reconnect fails the server is taken as gone ([`DbError::Fatal`]).

use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, Row, Value};

use crate::parse::Script;
use crate::run::{run_script, Database, DbError, FileReport, Output, RunConfig};

/// A connection that reconnects after client errors and timeouts.
pub struct MysqlDatabase {
    opts: Opts,
    conn: Option<Conn>,
    /// Database to `USE` after a reconnect.
    database: Option<String>,
    timeout: Duration,
}

impl MysqlDatabase {
    /// Connects (within `timeout`); `timeout` is also the limit for each statement.
    pub async fn connect(opts: Opts, timeout: Duration) -> Result<MysqlDatabase, DbError> {
        let mut db = MysqlDatabase {
            opts,
            conn: None,
            database: None,
            timeout,
        };
        db.conn = Some(db.open().await?);
        Ok(db)
    }

    async fn open(&self) -> Result<Conn, DbError> {
        let mut conn = match tokio::time::timeout(self.timeout, Conn::new(self.opts.clone())).await
        {
            Err(_) => {
                return Err(DbError::Fatal(format!(
                    "connect: no answer within {:?}",
                    self.timeout
                )))
            }
            Ok(Err(e)) => return Err(DbError::Fatal(format!("connect: {e}"))),
            Ok(Ok(c)) => c,
        };
        if let Some(db) = &self.database {
            let use_db = format!("USE `{db}`");
            match tokio::time::timeout(self.timeout, conn.query_drop(use_db)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(DbError::Fatal(format!("USE {db} after reconnect: {e}"))),
                Err(_) => {
                    return Err(DbError::Fatal(format!(
                        "USE {db} after reconnect: timed out"
                    )))
                }
            }
        }
        Ok(conn)
    }

    /// `CREATE DATABASE name` and `USE name`; later reconnects use it again.
    pub async fn create_and_use(&mut self, name: &str) -> Result<(), DbError> {
        expect_ok(self.run(&format!("CREATE DATABASE `{name}`")).await)?;
        expect_ok(self.run(&format!("USE `{name}`")).await)?;
        self.database = Some(name.to_string());
        Ok(())
    }

    /// `DROP DATABASE name` (the one from [`MysqlDatabase::create_and_use`]).
    pub async fn drop_database(&mut self) -> Result<(), DbError> {
        if let Some(name) = self.database.take() {
            expect_ok(self.run(&format!("DROP DATABASE `{name}`")).await)?;
        }
        Ok(())
    }

    /// Closes the connection politely.
    pub async fn disconnect(mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = tokio::time::timeout(self.timeout, conn.disconnect()).await;
        }
    }

    async fn query(conn: &mut Conn, sql: &str) -> Result<Output, mysql_async::Error> {
        let mut result = conn.query_iter(sql).await?;
        let columns = result.columns_ref().len();
        let rows: Vec<Row> = result.collect().await?;
        result.drop_result().await?;
        if columns == 0 {
            return Ok(Output::StatementComplete);
        }
        let rows = rows
            .iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| row.as_ref(i).and_then(value_text))
                    .collect()
            })
            .collect();
        Ok(Output::Rows { columns, rows })
    }
}

/// The text of a value; None for NULL. (The text protocol sends everything as bytes.)
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::Int(i) => Some(i.to_string()),
        Value::UInt(u) => Some(u.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Double(d) => Some(d.to_string()),
        Value::Date(y, mo, d, h, mi, s, us) => Some(if *us > 0 {
            format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{us:06}")
        } else {
            format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
        }),
        Value::Time(neg, d, h, mi, s, us) => {
            let sign = if *neg { "-" } else { "" };
            let hours = u32::from(*h) + d * 24;
            Some(if *us > 0 {
                format!("{sign}{hours:02}:{mi:02}:{s:02}.{us:06}")
            } else {
                format!("{sign}{hours:02}:{mi:02}:{s:02}")
            })
        }
    }
}

fn expect_ok(r: Result<Output, DbError>) -> Result<(), DbError> {
    r.map(|_| ())
}

impl Database for MysqlDatabase {
    async fn run(&mut self, sql: &str) -> Result<Output, DbError> {
        let mut conn = match self.conn.take() {
            Some(c) => c,
            None => self.open().await?,
        };
        match tokio::time::timeout(self.timeout, Self::query(&mut conn, sql)).await {
            // The connection is mid-statement: drop it; the next statement reconnects.
            Err(_) => Err(DbError::Timeout(self.timeout)),
            Ok(Ok(out)) => {
                self.conn = Some(conn);
                Ok(out)
            }
            Ok(Err(mysql_async::Error::Server(e))) => {
                self.conn = Some(conn);
                Err(DbError::Server {
                    code: e.code,
                    state: e.state,
                    message: e.message,
                })
            }
            Ok(Err(e)) => Err(DbError::Client(e.to_string())),
        }
    }
}

/// Runs `script` in a database of its own: connects with `opts`, `CREATE DATABASE database; USE database`,
/// runs the script, then drops the database (also when records failed) and disconnects.
///
/// Errors only when the database could not be set up (the server is unusable); failing records are in the
/// report, and a failed `DROP DATABASE` sets [`FileReport::aborted`].
pub async fn run_in_fresh_database(
    opts: Opts,
    timeout: Duration,
    database: &str,
    script: &Script,
    config: &RunConfig,
) -> Result<FileReport, DbError> {
    let mut db = MysqlDatabase::connect(opts, timeout).await?;
    db.create_and_use(database).await?;
    let mut report = run_script(&mut db, script, config).await;
    if let Err(e) = db.drop_database().await {
        report
            .aborted
            .get_or_insert_with(|| format!("DROP DATABASE {database}: {e}"));
    }
    db.disconnect().await;
    Ok(report)
}
