//! The whole server state as an SQL script (`--datadir`): what [`Engine::dump`] writes and a
//! fresh engine replays through [`Engine::execute`] in a [`Engine::system_session`].
//!
//! Why SQL and not a structured (serde) image of the storage: the script is made only of the
//! statements the engine already answers and already has to read back exactly (SHOW CREATE
//! TABLE / VIEW / USER, SHOW GRANTS, INSERT), so every feature that reaches them (FOREIGN KEYs,
//! CHECKs, generated columns, AUTO_INCREMENT, REQUIRE, roles) is saved without a second
//! description of the catalog to keep in step, a file from an older myseal still loads after
//! the in-memory structures change, and a person can read and repair it. Values are written
//! so that they come back bit for bit: integers and DECIMALs as their exact digits, doubles
//! with the shortest round-trip digits in `e` notation, temporal values with all six
//! fractional digits, binary strings, BLOBs, BIT and any text that is not UTF-8 as hex
//! literals, JSON as its normalized text, and text as escaped string literals.
//!
//! Order: accounts (CREATE USER ... IDENTIFIED WITH plugin AS 'hash', so passwords are never
//! needed), databases, tables (`foreign_key_checks=0`, so order and cycles do not matter),
//! their rows (generated columns are computed again), views (retried until every view it
//! reads exists), then grants and default roles, which may name those tables and views.
//!
//! The engine does no I/O: the server writes the text to a file and reads it back.

use crate::value::Value;
use crate::{Engine, EngineError, Outcome, Session};

/// The first line of every script; the number is the format version.
pub(crate) const HEADER: &str = "-- myseal datadir format 1";

/// The format this engine writes and reads.
pub(crate) const FORMAT: u32 = 1;

/// Rows per INSERT statement (and at most about this many bytes of values per statement).
const ROWS_PER_INSERT: usize = 500;
const BYTES_PER_INSERT: usize = 1 << 20;

fn ident(s: &str) -> String {
    format!("`{}`", s.replace('`', "``"))
}

/// A string literal that the engine reads back as the same bytes (backslash escapes on).
fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1a}' => out.push_str("\\Z"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn hex_literal(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(b.len() * 2 + 3);
    out.push_str("X'");
    for x in b {
        let _ = write!(out, "{x:02X}");
    }
    out.push('\'');
    out
}

/// CREATE VIEW from the view's SELECT as written, with its algorithm, definer, SQL SECURITY,
/// column list and CHECK OPTION.
fn view_text(v: &crate::catalog::ViewDef) -> String {
    let cols = if v.column_list {
        let c: Vec<String> = v.columns.iter().map(|c| ident(c)).collect();
        format!(" ({})", c.join(","))
    } else {
        String::new()
    };
    let check = match v.check {
        crate::catalog::CheckOption::None => "",
        crate::catalog::CheckOption::Cascaded => " WITH CASCADED CHECK OPTION",
        crate::catalog::CheckOption::Local => " WITH LOCAL CHECK OPTION",
    };
    format!(
        "CREATE ALGORITHM={} DEFINER={}@{} SQL SECURITY {} VIEW {}{cols} AS {}{check}",
        v.algorithm,
        ident(&v.definer.0),
        ident(&v.definer.1),
        if v.security_definer {
            "DEFINER"
        } else {
            "INVOKER"
        },
        ident(&v.name),
        v.select
    )
}

/// How a column's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Binary strings, BLOBs and BIT: hex.
    Binary,
    /// JSON: its text as a string literal.
    Json,
    /// Everything else.
    Other,
}

fn kind_of(data_type: &str) -> Kind {
    match data_type.to_ascii_lowercase().as_str() {
        "binary" | "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" | "bit" => {
            Kind::Binary
        }
        "json" => Kind::Json,
        _ => Kind::Other,
    }
}

/// A value as an SQL literal that converts back into the same stored value.
fn literal(v: &Value, kind: Kind) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        // `{:e}`: the shortest digits that read back as the same double, always a DOUBLE
        // literal.
        Value::Double(d) if d.is_finite() => format!("{d:e}"),
        Value::Double(_) => "NULL".into(),
        Value::Decimal(d) => d.to_string(),
        Value::Bytes(b) => match (kind, std::str::from_utf8(b)) {
            (Kind::Binary, _) | (_, Err(_)) => hex_literal(b),
            (_, Ok(s)) => string_literal(s),
        },
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            let text = v.to_text_fsp(6).unwrap_or_default();
            string_literal(&String::from_utf8_lossy(&text))
        }
    }
}

/// Runs `sql` and returns the rows of its last result set.
fn rows(engine: &Engine, session: &mut Session, sql: &str) -> Result<Vec<Vec<Value>>, EngineError> {
    let (outcomes, err) = engine.execute(session, sql);
    if let Some(e) = err {
        return Err(EngineError::new(
            e.code,
            e.sql_state,
            format!("{} (while saving: {sql})", e.message),
        ));
    }
    Ok(outcomes
        .into_iter()
        .rev()
        .find_map(|o| match o {
            Outcome::Rows { rows, .. } => Some(rows),
            _ => None,
        })
        .unwrap_or_default())
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::to_text)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// The second column of the single row of a SHOW CREATE / first column otherwise.
fn show_text(
    engine: &Engine,
    session: &mut Session,
    sql: &str,
    column: usize,
) -> Result<String, EngineError> {
    let r = rows(engine, session, sql)?;
    Ok(text(r.first().and_then(|row| row.get(column))))
}

/// A section marker line: views are replayed one by one (a view may read a view that sorts
/// after it), and grants come after them.
const VIEW_MARK: &str = "-- myseal:view";
const GRANTS_MARK: &str = "-- myseal:grants";
/// The last line: `-- myseal:end <statements> <fnv64 of everything before this line>`.
const END_MARK: &str = "-- myseal:end ";

/// FNV-1a, 64 bits: enough to tell a damaged or cut file from a whole one.
fn fnv64(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for x in b {
        h ^= u64::from(*x);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Why a saved state did not load.
#[derive(Debug)]
pub enum LoadError {
    /// The file is not a myseal state file, or is damaged or cut short.
    Format(String),
    /// Written by a newer myseal.
    Newer(u32),
    /// A statement of the file failed.
    Statement(EngineError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Format(m) => f.write_str(m),
            LoadError::Newer(n) => write!(
                f,
                "written by a newer myseal (format {n}; this one reads format {FORMAT})"
            ),
            LoadError::Statement(e) => write!(
                f,
                "a saved statement failed: ERROR {} ({}): {}",
                e.code, e.sql_state, e.message
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// Checks the header, the format version and the end line with its checksum; returns the body
/// (between the header line and the end line).
fn verified_body(script: &str) -> Result<&str, LoadError> {
    let Some(first) = script.lines().next() else {
        return Err(LoadError::Format("the file is empty".into()));
    };
    let Some(version) = first.strip_prefix("-- myseal datadir format ") else {
        return Err(LoadError::Format(
            "not a myseal datadir file (no header line)".into(),
        ));
    };
    let version: u32 = version
        .trim()
        .parse()
        .map_err(|_| LoadError::Format(format!("unreadable format version {version:?}")))?;
    if version > FORMAT {
        return Err(LoadError::Newer(version));
    }
    let cut = || {
        LoadError::Format(
            "the file is incomplete (no end line): it was cut short or damaged".into(),
        )
    };
    let trimmed = script.strip_suffix('\n').ok_or_else(cut)?;
    let end_at = trimmed.rfind('\n').map_or(0, |i| i + 1);
    let last = trimmed.get(end_at..).ok_or_else(cut)?;
    let sum = last.strip_prefix(END_MARK).ok_or_else(cut)?;
    let expected = u64::from_str_radix(sum.trim(), 16).map_err(|_| cut())?;
    let before = script.get(..end_at).ok_or_else(cut)?;
    if fnv64(before.as_bytes()) != expected {
        return Err(LoadError::Format(
            "the file is damaged (its checksum does not match its contents)".into(),
        ));
    }
    let body_at = first.len() + 1;
    Ok(before.get(body_at..).unwrap_or_default())
}

impl Engine {
    /// The whole state (databases, tables with every row, views, accounts, grants, default
    /// roles) as an SQL script starting with [`HEADER`] and ending with a checksum line, read
    /// in one consistent snapshot. Temporary tables, sessions, user locks and status counters
    /// are not part of it.
    pub fn dump(&self) -> Result<String, EngineError> {
        let mut session = self.system_session();
        let mut out = String::new();
        out.push_str(HEADER);
        out.push('\n');
        out.push_str(
            "-- The whole state of a myseal server, replayed at start (--datadir). Edits by\n\
             -- hand must also fix the checksum on the last line (FNV-1a 64 of all lines before it).\n",
        );
        out.push_str(
            "SET foreign_key_checks = 0, time_zone = '+00:00', \
             sql_mode = 'NO_AUTO_VALUE_ON_ZERO', character_set_client = 'utf8mb4';\n",
        );
        // Both the saving and the loading session read TIMESTAMPs in UTC. A table locked by
        // LOCK TABLES ... WRITE (perhaps by the session running FLUSH TABLES) makes the save
        // fail after 10 s instead of waiting for it.
        rows(
            self,
            &mut session,
            "SET time_zone = '+00:00', lock_wait_timeout = 10",
        )?;
        rows(
            self,
            &mut session,
            "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
        )?;
        let r = self.dump_in(&mut session, &mut out);
        let _ = self.execute(&mut session, "ROLLBACK");
        r?;
        let sum = fnv64(out.as_bytes());
        out.push_str(&format!("{END_MARK}{sum:016x}\n"));
        Ok(out)
    }

    /// Replays a script [`Engine::dump`] wrote into this engine, which should be fresh (no
    /// accounts, no databases). The header, format version and checksum are checked before
    /// anything runs.
    pub fn load(&self, script: &str) -> Result<(), LoadError> {
        let body = verified_body(script)?;
        let mut session = self.system_session();
        let run = |session: &mut Session, sql: &str| -> Result<(), EngineError> {
            if sql.trim().is_empty() {
                return Ok(());
            }
            match self.execute(session, sql).1 {
                Some(e) => Err(e),
                None => Ok(()),
            }
        };
        let (main, grants) = match body.split_once(&format!("\n{GRANTS_MARK}\n")) {
            Some((m, g)) => (m, g),
            None => (body, ""),
        };
        let view_mark = format!("\n{VIEW_MARK}\n");
        let mut parts = main.split(view_mark.as_str());
        let first = parts.next().unwrap_or_default();
        run(&mut session, first).map_err(LoadError::Statement)?;
        // A view may read one that comes later: retry those that fail while any succeeds.
        let mut views: Vec<&str> = parts.collect();
        while !views.is_empty() {
            let mut failed = Vec::new();
            let mut last_error = None;
            for v in &views {
                if let Err(e) = run(&mut session, v) {
                    failed.push(*v);
                    last_error = Some(e);
                }
            }
            if failed.len() == views.len() {
                return Err(LoadError::Statement(last_error.unwrap_or_else(|| {
                    EngineError::new(1356, "HY000", "a saved view could not be created")
                })));
            }
            views = failed;
        }
        run(&mut session, grants).map_err(LoadError::Statement)?;
        Ok(())
    }

    fn dump_in(&self, s: &mut Session, out: &mut String) -> Result<(), EngineError> {
        // Accounts first: a view's DEFINER and the grants name them.
        let accounts = rows(
            self,
            s,
            "SELECT User, Host FROM mysql.user ORDER BY User, Host",
        )?;
        let accounts: Vec<(String, String)> = accounts
            .iter()
            .map(|r| (text(r.first()), text(r.get(1))))
            .collect();
        for (user, host) in &accounts {
            let sql = format!(
                "SHOW CREATE USER {}@{}",
                string_literal(user),
                string_literal(host)
            );
            out.push_str(&show_text(self, s, &sql, 0)?);
            out.push_str(";\n");
        }
        let dbs = rows(
            self,
            s,
            "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME \
             FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME",
        )?;
        let mut views = Vec::new();
        let mut dbs_saved = Vec::new();
        for r in &dbs {
            let db = text(r.first());
            if crate::catalog::is_system_schema(&db) {
                continue;
            }
            out.push_str(&format!(
                "CREATE DATABASE {} DEFAULT CHARACTER SET {} COLLATE {};\n",
                ident(&db),
                text(r.get(1)),
                text(r.get(2))
            ));
            dbs_saved.push(db.clone());
            let db = &db;
            let tables = rows(
                self,
                s,
                &format!(
                    "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES \
                     WHERE TABLE_SCHEMA = {} ORDER BY TABLE_NAME",
                    string_literal(db)
                ),
            )?;
            for t in &tables {
                let name = text(t.first());
                if text(t.get(1)) == "VIEW" {
                    views.push((db.clone(), name));
                    continue;
                }
                self.dump_table(s, out, db, &name)?;
            }
        }
        // Stored functions before the views (a view may call one), each as SHOW CREATE
        // FUNCTION prints it, with the sql_mode it was created under.
        let state = self.store.latest();
        let mut functions: Vec<_> = state
            .schemas
            .iter()
            .filter(|(db, _)| dbs_saved.contains(*db))
            .flat_map(|(db, sc)| sc.functions.values().map(move |f| (db.clone(), f.clone())))
            .collect();
        functions.sort_by(|(da, a), (db, b)| (da, &a.name).cmp(&(db, &b.name)));
        for (db, f) in &functions {
            let create = show_text(
                self,
                s,
                &format!("SHOW CREATE FUNCTION {}.{}", ident(db), ident(&f.name)),
                2,
            )?;
            out.push_str(&format!(
                "SET sql_mode = {};\nUSE {};\n{create};\n",
                string_literal(&f.sql_mode),
                ident(db),
            ));
        }
        if !functions.is_empty() {
            out.push_str("SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';\n");
        }
        // Views, each from its SELECT as written (SHOW CREATE VIEW's normalized text would be
        // normalized once more); the loader retries a view that reads a later one.
        for (db, name) in &views {
            let Some(v) = state.schemas.get(db).and_then(|sc| sc.views.get(name)) else {
                continue;
            };
            // The character sets it was created under (SHOW CREATE VIEW shows them).
            let charsets = if v.client_charset.is_empty() || v.connection_collation.is_empty() {
                String::new()
            } else {
                format!(
                    "SET character_set_client = '{}', collation_connection = '{}';\n",
                    v.client_charset.replace('\'', ""),
                    v.connection_collation.replace('\'', "")
                )
            };
            out.push_str(&format!(
                "{VIEW_MARK}\nUSE {};\n{charsets}{};\n",
                ident(db),
                view_text(v)
            ));
        }
        out.push_str(GRANTS_MARK);
        out.push('\n');
        // Triggers after the rows (loading must not fire them), in their action order, each
        // with the sql_mode it was created under.
        let mut triggers: Vec<_> = state
            .schemas
            .iter()
            .filter(|(db, _)| dbs_saved.contains(*db))
            .flat_map(|(db, sc)| sc.triggers.values().map(move |t| (db.clone(), t.clone())))
            .collect();
        triggers.sort_by(|(da, a), (db, b)| {
            (da, &a.table, a.timing.sql(), a.event.sql(), a.order).cmp(&(
                db,
                &b.table,
                b.timing.sql(),
                b.event.sql(),
                b.order,
            ))
        });
        for (db, t) in &triggers {
            out.push_str(&format!(
                "SET sql_mode = {};\nUSE {};\nCREATE DEFINER={}@{} TRIGGER {} {} {} ON {} FOR EACH ROW {};\n",
                string_literal(&t.sql_mode),
                ident(db),
                ident(&t.definer.0),
                ident(&t.definer.1),
                ident(&t.name),
                t.timing.sql(),
                t.event.sql(),
                ident(&t.table),
                t.body
            ));
        }
        // Stored procedures, each as SHOW CREATE PROCEDURE prints it, with the sql_mode it
        // was created under; they need the accounts (DEFINER) but no grants.
        let mut procedures: Vec<_> = state
            .schemas
            .iter()
            .filter(|(db, _)| dbs_saved.contains(*db))
            .flat_map(|(db, sc)| sc.procedures.values().map(move |p| (db.clone(), p.clone())))
            .collect();
        procedures.sort_by(|(da, a), (db, b)| (da, &a.name).cmp(&(db, &b.name)));
        for (db, p) in &procedures {
            let create = show_text(
                self,
                s,
                &format!("SHOW CREATE PROCEDURE {}.{}", ident(db), ident(&p.name)),
                2,
            )?;
            out.push_str(&format!(
                "SET sql_mode = {};\nUSE {};\n{create};\n",
                string_literal(&p.sql_mode),
                ident(db),
            ));
        }
        if !triggers.is_empty() || !procedures.is_empty() {
            out.push_str("SET sql_mode = 'NO_AUTO_VALUE_ON_ZERO';\n");
        }
        for (user, host) in &accounts {
            let sql = format!(
                "SHOW GRANTS FOR {}@{}",
                string_literal(user),
                string_literal(host)
            );
            for g in rows(self, s, &sql)? {
                let g = text(g.first());
                // Every account starts with USAGE; nothing to replay.
                if g.starts_with("GRANT USAGE ON *.* TO ") {
                    continue;
                }
                out.push_str(&g);
                out.push_str(";\n");
            }
        }
        let defaults = rows(
            self,
            s,
            "SELECT USER, HOST, DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles \
             ORDER BY USER, HOST, DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST",
        )?;
        let mut by_account: Vec<((String, String), Vec<String>)> = Vec::new();
        for r in &defaults {
            let account = (text(r.first()), text(r.get(1)));
            let role = format!(
                "{}@{}",
                string_literal(&text(r.get(2))),
                string_literal(&text(r.get(3)))
            );
            match by_account.last_mut() {
                Some((a, roles)) if *a == account => roles.push(role),
                _ => by_account.push((account, vec![role])),
            }
        }
        for ((user, host), roles) in by_account {
            out.push_str(&format!(
                "SET DEFAULT ROLE {} TO {}@{};\n",
                roles.join(", "),
                string_literal(&user),
                string_literal(&host)
            ));
        }
        Ok(())
    }

    fn dump_table(
        &self,
        s: &mut Session,
        out: &mut String,
        db: &str,
        name: &str,
    ) -> Result<(), EngineError> {
        let q = format!("SHOW CREATE TABLE {}.{}", ident(db), ident(name));
        let create = show_text(self, s, &q, 1)?;
        out.push_str(&format!("USE {};\n{create};\n", ident(db)));
        let cols = rows(
            self,
            s,
            &format!(
                "SELECT COLUMN_NAME, DATA_TYPE, EXTRA FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {} ORDER BY ORDINAL_POSITION",
                string_literal(db),
                string_literal(name)
            ),
        )?;
        // Generated columns are computed again from the others.
        let cols: Vec<(String, Kind)> = cols
            .iter()
            .filter(|c| !text(c.get(2)).to_ascii_uppercase().contains("GENERATED"))
            .map(|c| (text(c.first()), kind_of(&text(c.get(1)))))
            .collect();
        if cols.is_empty() {
            return Ok(());
        }
        let list = cols
            .iter()
            .map(|(c, _)| ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let data = rows(
            self,
            s,
            &format!("SELECT {list} FROM {}.{}", ident(db), ident(name)),
        )?;
        let head = format!(
            "INSERT INTO {}.{} ({list}) VALUES\n",
            ident(db),
            ident(name)
        );
        let mut stmt = String::new();
        let mut n = 0;
        for row in &data {
            if n == 0 {
                stmt.push_str(&head);
            } else {
                stmt.push_str(",\n");
            }
            stmt.push('(');
            for (i, (v, (_, kind))) in row.iter().zip(&cols).enumerate() {
                if i > 0 {
                    stmt.push_str(", ");
                }
                stmt.push_str(&literal(v, *kind));
            }
            stmt.push(')');
            n += 1;
            if n >= ROWS_PER_INSERT || stmt.len() >= BYTES_PER_INSERT {
                out.push_str(&stmt);
                out.push_str(";\n");
                stmt.clear();
                n = 0;
            }
        }
        if n > 0 {
            out.push_str(&stmt);
            out.push_str(";\n");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Outcome;
    use crate::value::Dec;

    const SETUP: &str = "
        CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
        CREATE TABLE shop.parent (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL,
            UNIQUE KEY uq_name (name));
        CREATE TABLE shop.t (id BIGINT UNSIGNED PRIMARY KEY, d DECIMAL(30,10), f DOUBLE,
            fl FLOAT, dt DATETIME(6), tm TIME(6), dd DATE, ts TIMESTAMP(3) NULL, j JSON, b BLOB,
            vb VARBINARY(16), txt TEXT, n INT NULL, parent_id INT,
            g INT GENERATED ALWAYS AS (n * 2) STORED,
            CONSTRAINT n_ok CHECK (n IS NULL OR n >= 0), KEY k_dt (dt),
            CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES shop.parent (id)
                ON DELETE CASCADE);
        INSERT INTO shop.parent (name) VALUES ('a'), ('b'), ('c');
        DELETE FROM shop.parent WHERE id = 3;
        INSERT INTO shop.t (id, d, f, fl, dt, tm, dd, ts, j, b, vb, txt, n, parent_id) VALUES
            (18446744073709551615, -12345678901234567890.0123456789, 1e-1 + 2e-1, 3.14159,
             '2024-02-29 23:59:59.999999', '-838:59:59.000000', '1000-01-01',
             '2038-01-19 03:14:07.123', '{\"a\": [1, 2.5, \"x\"], \"b\": null}',
             X'00FF275C0A0D1A22', X'', 'it''s \\\\ \"q\" \\n😀 ñ', 7, 1),
            (1, 0.0000000001, 1e300, -0, '1000-01-01 00:00:00', '00:00:00.000001',
             '9999-12-31', NULL, '[]', NULL, X'41', '', NULL, NULL),
            (2, NULL, -2.5e-300, NULL, NULL, '838:59:59', NULL, NULL, NULL, X'', NULL, NULL, 0, 2);
        CREATE VIEW shop.v AS SELECT id, n, g FROM shop.t WHERE n IS NOT NULL;
        CREATE VIEW shop.a_v AS SELECT COUNT(*) AS c, SUM(g) AS s FROM shop.v;
        CREATE USER app@'%' IDENTIFIED BY 'app-pw' REQUIRE SSL;
        GRANT SELECT, INSERT ON shop.* TO app@'%';
        CREATE ROLE reader;
        GRANT SELECT ON shop.t TO reader;
        GRANT reader TO app@'%';
        SET DEFAULT ROLE reader TO app@'%';
        CREATE VIEW shop.w (a, b) AS SELECT id, name FROM parent;
        CREATE TRIGGER shop.t_bi BEFORE INSERT ON shop.t FOR EACH ROW
        BEGIN
            IF NEW.n IS NULL THEN SET NEW.n = 5; END IF;
            SET NEW.txt = CONCAT(COALESCE(NEW.txt, ''), ';');
        END;
        CREATE TRIGGER shop.t_bi2 BEFORE INSERT ON shop.t FOR EACH ROW SET NEW.d = 1;
        SET sql_mode = 'STRICT_ALL_TABLES';
        CREATE DEFINER = 'app'@'%' PROCEDURE shop.`count rows`(IN lo INT, OUT n INT)
        BEGIN
            DECLARE c INT DEFAULT 0;
            SELECT COUNT(*) INTO c FROM shop.t WHERE id >= lo;
            SET n = c;
            SELECT id FROM shop.t WHERE id >= lo ORDER BY id;
        END;
        SET sql_mode = DEFAULT;
        CREATE PROCEDURE shop.nothing() BEGIN END;
    ";

    #[test]
    fn a_dump_loads_into_a_fresh_engine_and_dumps_the_same_again() {
        let e1 = crate::tests::engine();
        let mut s = e1.system_session();
        let (_, err) = e1.execute(&mut s, SETUP);
        assert!(err.is_none(), "{err:?}");
        let d1 = e1.dump().unwrap_or_else(|e| panic!("{e:?}"));
        let e2 = crate::tests::engine();
        if let Err(e) = e2.load(&d1) {
            panic!("{e}\n{d1}");
        }
        let d2 = e2.dump().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(d1, d2);
        // The triggers came after the rows (they did not fire) and still work.
        let mut s2 = e2.system_session();
        let (out, err) = e2.execute(
            &mut s2,
            "INSERT INTO shop.t (id) VALUES (3); SELECT n, txt, d FROM shop.t WHERE id = 3",
        );
        assert!(err.is_none(), "{err:?}");
        assert!(
            matches!(out.last(), Some(Outcome::Rows { rows, .. })
                if rows == &vec![vec![Value::Int(5), Value::str(";"), Value::Decimal(Dec::from_i128(1).rescale(10).unwrap_or(Dec::from_i128(1)))]]),
            "{out:?}"
        );
        // The procedures came back with their definer, sql_mode and body, and run.
        let (out, err) = e2.execute(&mut s2, "CALL shop.`count rows`(2, @n); SELECT @n");
        assert!(err.is_none(), "{err:?}");
        let got: Vec<_> = out
            .iter()
            .filter_map(|o| match o {
                Outcome::Rows { rows, .. } => Some(rows.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            got,
            vec![
                vec![
                    vec![Value::UInt(2)],
                    vec![Value::UInt(3)],
                    vec![Value::UInt(u64::MAX)]
                ],
                vec![vec![Value::Int(3)]]
            ],
            "{out:?}"
        );
        let routines = "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_DEFINITION, DEFINER, \
            SQL_MODE, CHARACTER_SET_CLIENT, COLLATION_CONNECTION, DATABASE_COLLATION \
            FROM information_schema.ROUTINES ORDER BY ROUTINE_NAME";
        let (r1, err) = e1.execute(&mut s, routines);
        assert!(err.is_none(), "{err:?}");
        let (r2, err) = e2.execute(&mut s2, routines);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(r1, r2);
        assert!(
            matches!(r2.last(), Some(Outcome::Rows { rows, .. })
                if rows.len() == 2
                    && rows[0][1] == Value::str("count rows")
                    && rows[0][3] == Value::str("app@%")
                    && rows[0][4] == Value::str("STRICT_ALL_TABLES")
                    && rows[1][1] == Value::str("nothing")),
            "{r2:?}"
        );
        assert!(d1.contains("X'00FF275C0A0D1A22'"), "{d1}");
        assert!(
            d1.contains(
                "18446744073709551615, -12345678901234567890.0123456789, 3.0000000000000004e-1"
            ),
            "{d1}"
        );
    }

    #[test]
    fn a_damaged_cut_or_newer_script_is_refused_before_anything_runs() {
        let e1 = crate::tests::engine();
        let mut s = e1.system_session();
        let (_, err) = e1.execute(&mut s, "CREATE DATABASE x");
        assert!(err.is_none(), "{err:?}");
        let d = e1.dump().unwrap_or_else(|e| panic!("{e:?}"));
        let fresh = crate::tests::engine();
        let cut = d.get(..d.len() / 2).unwrap_or_default();
        assert!(
            fresh
                .load(cut)
                .unwrap_err()
                .to_string()
                .contains("incomplete")
        );
        let damaged = d.replacen("CREATE DATABASE `x`", "CREATE DATABASE `y`", 1);
        assert!(
            fresh
                .load(&damaged)
                .unwrap_err()
                .to_string()
                .contains("damaged")
        );
        let newer = d.replacen("format 1", "format 2", 1);
        assert!(matches!(fresh.load(&newer), Err(LoadError::Newer(2))));
        assert!(!fresh.database_exists("x") && !fresh.database_exists("y"));
        assert!(fresh.load(&d).is_ok());
        assert!(fresh.database_exists("x"));
    }

    #[test]
    fn literals_keep_every_value_exact() {
        assert_eq!(literal(&Value::Null, Kind::Other), "NULL");
        assert_eq!(
            literal(&Value::UInt(u64::MAX), Kind::Other),
            "18446744073709551615"
        );
        assert_eq!(
            literal(&Value::Int(i64::MIN), Kind::Other),
            "-9223372036854775808"
        );
        assert_eq!(
            literal(&Value::Double(0.1 + 0.2), Kind::Other),
            "3.0000000000000004e-1"
        );
        assert_eq!(
            literal(
                &Value::Decimal(Dec::parse("-12.3400").unwrap_or(Dec::from_i128(0))),
                Kind::Other
            ),
            "-12.3400"
        );
        assert_eq!(
            literal(&Value::str("it's\\\n"), Kind::Other),
            "'it\\'s\\\\\\n'"
        );
        assert_eq!(literal(&Value::Bytes(vec![0, 255]), Kind::Other), "X'00FF'");
        assert_eq!(literal(&Value::str("ab"), Kind::Binary), "X'6162'");
        assert_eq!(
            literal(&Value::str("{\"a\": 1}"), Kind::Json),
            "'{\"a\": 1}'"
        );
    }
}
