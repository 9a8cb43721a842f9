//! Server-side prepared statements (COM_STMT_PREPARE / COM_STMT_EXECUTE).
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-prepared-statements.html>
//!
//! Preparing checks the syntax of exactly one statement and records the byte span of every `?`
//! marker (found by sqlparser's tokenizer, so a `?` in a string, comment or quoted identifier is
//! not a marker). Executing binds the values as typed parameters, never as SQL text:
//! - a SELECT is bound and planned once per signature of parameter types, and its plans kept
//!   with the statement (`stmt::cache::QueryPlans`); a `?` binds like a literal of its value's
//!   type ([`crate::bind::param_type`]);
//! - INSERT, REPLACE, UPDATE, DELETE, SET and DO are bound at each execution with the values'
//!   types (the parsed INSERT/UPDATE/DELETE is kept);
//! - the statements that do not go through the binder (account statements, SHOW ... LIKE ?,
//!   DDL) still get each marker replaced by a SQL literal that reads back exactly the bound
//!   value (strings escaped, invalid UTF-8 as `X'..'`, doubles with an exponent so they stay
//!   DOUBLE).
//!
//! Select-list columns keep the names of the prepared text (`SELECT ?` → `?`). Result metadata
//! at prepare time comes from the plan bound without parameter values (a query) or from a dry
//! run with every parameter NULL on a clone of the session (SHOW), so preparing never changes
//! the session or the engine.

use std::fmt::Write as _;
use std::ops::Range;

use std::sync::Arc;

use sqlparser::ast::Statement;

use crate::error::EngineError;
use crate::exec::select;
use crate::parse::{Script, Stmt};
use crate::value::Value;
use crate::{Column, Engine, Outcome, Session, record_error};

/// A statement prepared for later execution with `?` parameters.
#[derive(Clone)]
pub struct Prepared {
    /// The statement text as prepared.
    sql: String,
    /// Byte spans of the `?` markers in `sql`, in order.
    placeholders: Vec<Range<usize>>,
    /// Result columns known at prepare time (empty if none or unknown).
    columns: Vec<Column>,
    /// Select-list names from the prepared text, applied to each execution's result.
    names: Option<Vec<String>>,
    /// How executing binds the parameters.
    exec: Exec,
}

/// How a prepared statement runs.
#[derive(Clone, Debug)]
enum Exec {
    /// A SELECT with its plans.
    Query(Arc<crate::stmt::cache::QueryPlans>),
    /// INSERT/REPLACE/UPDATE/DELETE (parsed once) or SET/DO (parsed per execution from the
    /// text): bound at each execution with typed parameters.
    Typed(Option<Arc<Statement>>),
    /// Anything else: the values are written into the text as literals.
    Splice,
}

/// Leaves the statement text (it may hold secrets) out of debug output.
impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("param_count", &self.placeholders.len())
            .field("columns", &self.columns.len())
            .finish_non_exhaustive()
    }
}

impl Prepared {
    /// Number of `?` parameters (COM_STMT_PREPARE_OK `num_params`).
    pub fn param_count(&self) -> usize {
        self.placeholders.len()
    }

    /// Result columns as known at prepare time (COM_STMT_PREPARE_OK column definitions); empty
    /// for statements that return no rows or whose columns could not be determined.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The text with every marker replaced by the literal of its parameter. Markers and
    /// parameters are paired in order; the caller has checked the counts.
    fn bind(&self, params: &[Value], lexing: crate::parse::Lexing) -> String {
        let mut out = String::with_capacity(self.sql.len() + 16 * params.len());
        let mut pos = 0;
        for (span, value) in self.placeholders.iter().zip(params) {
            out.push_str(self.sql.get(pos..span.start).unwrap_or_default());
            // Spaces keep the literal from merging with a neighbouring token (`?FROM`).
            out.push(' ');
            out.push_str(&literal(value, lexing));
            out.push(' ');
            pos = span.end;
        }
        out.push_str(self.sql.get(pos..).unwrap_or_default());
        out
    }

    /// Renames the select-list columns of a result to the names of the prepared text.
    fn rename(&self, columns: &mut [Column]) {
        if let Some(names) = &self.names
            && names.len() == columns.len()
        {
            for (c, n) in columns.iter_mut().zip(names) {
                c.name.clone_from(n);
            }
        }
    }
}

/// A name quoted with backticks for SQL text.
fn backquote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// ER_UNKNOWN_STMT_HANDLER (1243) for a statement name that was not prepared.
fn unknown_statement(name: &str, what: &str) -> EngineError {
    EngineError::new(
        1243,
        "HY000",
        format!("Unknown prepared statement handler ({name}) given to {what}"),
    )
}

impl Engine {
    /// COM_FIELD_LIST: the columns of `table` in the current database whose names match the
    /// LIKE pattern `wildcard` (all when empty), with the metadata `SELECT *` would send and
    /// each column's default value as text. ER 1046 without a database, 1146 for an unknown
    /// table, the privilege errors of `SELECT *` otherwise.
    pub fn field_list(
        &self,
        session: &mut Session,
        table: &str,
        wildcard: &str,
    ) -> Result<Vec<(Column, Option<String>)>, EngineError> {
        let Some(db) = session.database.clone() else {
            return Err(record_error(session, EngineError::no_db()));
        };
        let sql = format!("SELECT * FROM {}.{}", backquote(&db), backquote(table));
        let found = self.prepare_checked(session, &sql).and_then(|p| {
            let defaults = crate::stmt::show::column_defaults(self, session, table)?;
            Ok((p, defaults))
        });
        let (prepared, defaults) = found.map_err(|e| record_error(session, e))?;
        let pattern = wildcard.to_lowercase();
        Ok(prepared
            .columns
            .into_iter()
            .filter(|c| pattern.is_empty() || crate::expr::like(&c.name.to_lowercase(), &pattern))
            .map(|c| {
                let default = defaults
                    .iter()
                    .find(|(n, _)| *n == c.org_name)
                    .and_then(|(_, d)| d.clone());
                (c, default)
            })
            .collect())
    }

    /// SQL-level `PREPARE name FROM ...`: prepares the text as COM_STMT_PREPARE does. A
    /// statement of the same name is deallocated first, even if the new one fails, as in MySQL.
    pub(crate) fn sql_prepare(
        &self,
        session: &mut Session,
        name: &str,
        source: &crate::parse::PrepareSource,
    ) -> Result<Outcome, EngineError> {
        session.sql_prepared.remove(&name.to_lowercase());
        let text = match source {
            crate::parse::PrepareSource::Text(t) => t.clone(),
            crate::parse::PrepareSource::Var(v) => match session.user_vars.get(v) {
                None | Some(Value::Null) => return Err(EngineError::parse_error("NULL", 1)),
                Some(value) => value
                    .to_text()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default(),
            },
        };
        let prepared = self.prepare_checked(session, &text)?;
        session
            .sql_prepared
            .insert(name.to_lowercase(), Arc::new(prepared));
        Ok(Outcome::Ok {
            affected_rows: 0,
            last_insert_id: 0,
            warnings: 0,
            info: "Statement prepared".to_string(),
        })
    }

    /// SQL-level `{DEALLOCATE | DROP} PREPARE name`: ER 1243 if there is no such statement.
    pub(crate) fn sql_deallocate(
        &self,
        session: &mut Session,
        name: &str,
    ) -> Result<Outcome, EngineError> {
        match session.sql_prepared.remove(&name.to_lowercase()) {
            Some(_) => Ok(crate::exec::ok(session, 0)),
            None => Err(unknown_statement(name, "DEALLOCATE PREPARE")),
        }
    }

    /// SQL-level `EXECUTE name [USING @a, ...]`: the prepared statement with the user
    /// variables' values (NULL for an unset one) as its parameters. ER 1243 for an unknown
    /// name, 1210 when the number of variables is not the number of `?`.
    pub(crate) fn sql_execute(
        &self,
        session: &mut Session,
        name: &str,
        using: &[String],
    ) -> (Vec<Outcome>, Option<EngineError>) {
        let Some(prepared) = session.sql_prepared.get(&name.to_lowercase()).cloned() else {
            let e = unknown_statement(name, "EXECUTE");
            return (Vec::new(), Some(record_error(session, e)));
        };
        if using.len() != prepared.param_count() {
            let e = EngineError::wrong_arguments("EXECUTE");
            return (Vec::new(), Some(record_error(session, e)));
        }
        let params: Vec<Value> = using
            .iter()
            .map(|v| session.user_vars.get(v).cloned().unwrap_or(Value::Null))
            .collect();
        let (mut outcomes, error) = self.execute_prepared(session, &prepared, &params);
        // A CALL's OUT and INOUT `?` arguments go to the user variables bound to them
        // (MySQL's set_variables_from_parameters), not to the client.
        outcomes.retain_mut(|o| {
            let Outcome::OutParams { row, markers, .. } = o else {
                return true;
            };
            for (v, &m) in std::mem::take(row).into_iter().zip(markers.iter()) {
                if let Some(var) = using.get(m) {
                    session.user_vars.insert(var.clone(), v);
                }
            }
            false
        });
        (outcomes, error)
    }

    /// COM_STMT_PREPARE: checks the syntax of exactly one statement (a second one is ER 1064,
    /// as MySQL's parser reports it), counts the `?` markers and computes the result columns.
    /// PREPARE, EXECUTE and DEALLOCATE themselves are ER 1295. Errors are recorded for SHOW
    /// WARNINGS; success clears the warnings. Neither changes anything else in the session or
    /// the engine.
    pub fn prepare(&self, session: &mut Session, sql: &str) -> Result<Prepared, EngineError> {
        match self.prepare_checked(session, sql) {
            Ok(p) => {
                session.warnings.clear();
                Ok(p)
            }
            Err(e) => Err(record_error(session, e)),
        }
    }

    fn prepare_checked(&self, session: &Session, sql: &str) -> Result<Prepared, EngineError> {
        if session.info.password_expired {
            return Err(EngineError::must_change_password());
        }
        let mut script = Script::with_lexing(sql, session.lexing())?;
        let head = script.head_words();
        let first = head.split(' ').next().unwrap_or_default();
        if matches!(first, "PREPARE" | "EXECUTE" | "DEALLOCATE") || head == "DROP PREPARE" {
            return Err(EngineError::unsupported_ps());
        }
        let parsed = match script.next_statement() {
            None => return Err(EngineError::empty_query()),
            Some(p) => p?,
        };
        script.expect_end()?;
        let placeholders = script.placeholders()?;
        let (returns_rows, names) = match &parsed.stmt {
            Stmt::Sql(stmt) => match &**stmt {
                Statement::Query(q) => (true, select::query_names(&script, q)),
                Statement::ShowVariables { .. }
                | Statement::ShowStatus { .. }
                | Statement::ShowDatabases { .. }
                | Statement::ShowSchemas { .. }
                | Statement::Explain { .. } => (true, None),
                _ => (false, None),
            },
            Stmt::ShowWarnings { .. }
            | Stmt::ShowIndex { .. }
            | Stmt::ShowTableStatus { .. }
            | Stmt::ShowCreateDatabase { .. }
            | Stmt::ShowEngines
            | Stmt::ShowCharset(_)
            | Stmt::ShowCollation(_)
            | Stmt::TableMaintenance { .. } => (true, None),
            Stmt::Trigger(t) => (
                matches!(
                    **t,
                    crate::parse::compound::TriggerStmt::Show { .. }
                        | crate::parse::compound::TriggerStmt::ShowCreate(_)
                        | crate::parse::compound::TriggerStmt::ShowCreateProcedure(_)
                        | crate::parse::compound::TriggerStmt::ShowCreateFunction(_)
                        | crate::parse::compound::TriggerStmt::ShowRoutineStatus { .. }
                ),
                None,
            ),
            Stmt::Account(_) => (parsed.head.starts_with("SHOW"), None),
            _ => (false, None),
        };
        let exec = match &parsed.stmt {
            Stmt::Sql(stmt) => match &**stmt {
                Statement::Query(q) => Exec::Query(Arc::new(crate::stmt::cache::QueryPlans::new(
                    q.clone(),
                    names.clone(),
                ))),
                Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
                    crate::stmt::check_dml(self, session, stmt)?;
                    Exec::Typed(Some(Arc::new((**stmt).clone())))
                }
                _ => Exec::Splice,
            },
            Stmt::Set(_) | Stmt::Do(_) => Exec::Typed(None),
            // CALL: a `?` may be an OUT or INOUT argument, which a literal cannot be.
            Stmt::Trigger(t) if matches!(**t, crate::parse::compound::TriggerStmt::Call { .. }) => {
                Exec::Typed(None)
            }
            _ => Exec::Splice,
        };
        let mut prepared = Prepared {
            sql: sql.to_string(),
            placeholders,
            columns: Vec::new(),
            names,
            exec,
        };
        if let Stmt::Sql(stmt) = &parsed.stmt
            && let Statement::Query(q) = &**stmt
        {
            // Queries: the columns come from the plan, bound with the `?` parameters, without
            // running anything (a FOR UPDATE must not take locks at prepare time).
            let (plan, _) = crate::stmt::bind_plan(self, session, Some(&script), q)?;
            let mut columns = crate::stmt::columns_of(&plan);
            prepared.rename(&mut columns);
            prepared.columns = columns;
        } else if returns_rows {
            let nulls = vec![Value::Null; prepared.param_count()];
            let mut scratch = session.clone();
            let (outcomes, err) =
                self.execute(&mut scratch, &prepared.bind(&nulls, session.lexing()));
            if err.is_none()
                && let Some(Outcome::Rows { mut columns, .. }) = outcomes.into_iter().next()
            {
                prepared.rename(&mut columns);
                prepared.columns = columns;
            }
        }
        Ok(prepared)
    }

    /// [`Engine::execute_prepared`] on the caller's thread for a SELECT whose plan for these
    /// parameter types is bound already and is inline-safe, for BEGIN/COMMIT/ROLLBACK of a
    /// small transaction, and as a try for a write (see [`Engine::execute_inline`]); None when
    /// it must go to an engine thread.
    pub fn execute_prepared_inline(
        &self,
        session: &mut Session,
        stmt: &Prepared,
        params: &[Value],
    ) -> Option<(Vec<Outcome>, Option<EngineError>)> {
        if session.info.password_expired {
            return None;
        }
        if params.is_empty() && crate::stmt::is_transaction_control(&stmt.sql) {
            return self
                .small_transaction(session)
                .then(|| self.execute_prepared(session, stmt, params));
        }
        let plans = match &stmt.exec {
            Exec::Query(plans) => plans,
            Exec::Typed(Some(_)) if crate::stmt::inline_write_text(&stmt.sql) => {
                return self.try_write_inline(session, |e, s| e.execute_prepared(s, stmt, params));
            }
            _ => return None,
        };
        if params.len() != stmt.param_count()
            || params
                .iter()
                .any(|v| matches!(v, Value::Double(d) if !d.is_finite()))
        {
            return None;
        }
        session.params = Arc::from(params);
        let out = plans
            .inline_plan(self, session)
            .and_then(|c| crate::stmt::cache::run_prepared_inline(self, session, &c));
        session.params = Arc::from([]);
        out
    }

    /// COM_STMT_EXECUTE: binds `params` to the markers in order and runs the statement; the
    /// result has the shape of [`Engine::execute`]'s. A wrong number of parameters is ER 1210.
    pub fn execute_prepared(
        &self,
        session: &mut Session,
        stmt: &Prepared,
        params: &[Value],
    ) -> (Vec<Outcome>, Option<EngineError>) {
        if session.info.password_expired {
            let e = EngineError::must_change_password();
            return (Vec::new(), Some(record_error(session, e)));
        }
        if params.len() != stmt.param_count() {
            let e = EngineError::wrong_arguments("mysqld_stmt_execute");
            return (Vec::new(), Some(record_error(session, e)));
        }
        // MySQL has no NaN or infinity: such a DOUBLE parameter is NULL.
        let params: Vec<Value> = params
            .iter()
            .map(|v| match v {
                Value::Double(d) if !d.is_finite() => Value::Null,
                other => other.clone(),
            })
            .collect();
        let params = params.as_slice();
        let (mut outcomes, err) = match &stmt.exec {
            Exec::Splice => {
                let text = stmt.bind(params, session.lexing());
                self.execute(session, &text)
            }
            Exec::Typed(None) => {
                session.params = Arc::from(params);
                let out = self.execute(session, &stmt.sql);
                session.params = Arc::from([]);
                out
            }
            Exec::Typed(Some(ast)) => {
                session.params = Arc::from(params);
                session.warnings.clear();
                session.begin_statement(false);
                let out = crate::stmt::run_parsed(self, session, ast);
                session.params = Arc::from([]);
                crate::stmt::cache::finish(session, out)
            }
            Exec::Query(plans) => {
                session.params = Arc::from(params);
                crate::stmt::cache::begin_select(session, true);
                let out = plans
                    .plan(self, session)
                    .and_then(|c| crate::stmt::cache::run(self, session, &c));
                session.params = Arc::from([]);
                crate::stmt::cache::finish(session, out)
            }
        };
        if let Some(Outcome::Rows { columns, .. }) = outcomes.first_mut() {
            stmt.rename(columns);
        }
        (outcomes, err)
    }
}

/// A SQL literal the engine reads back as `v`. Negative numbers are parenthesized so that
/// `1-?` with -5 reads `1-(-5)`, not a `--` comment.
fn literal(v: &Value, lexing: crate::parse::Lexing) -> String {
    let signed = |t: String| {
        if t.starts_with(['-', '+']) {
            format!("({t})")
        } else {
            t
        }
    };
    match v {
        Value::Null => "NULL".into(),
        Value::Int(i) => signed(i.to_string()),
        Value::UInt(u) => u.to_string(),
        // The exponent makes MySQL (and the engine) read the literal as DOUBLE; `{:e}` gives the
        // shortest digits that round-trip.
        Value::Double(d) if d.is_finite() => signed(format!("{d:e}")),
        Value::Double(_) => "NULL".into(),
        Value::Decimal(d) => signed(d.to_string()),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => {
            string_literal(&v.to_string_lossy().unwrap_or_default(), lexing)
        }
        Value::Bytes(b) => match std::str::from_utf8(b) {
            Ok(s) => string_literal(s, lexing),
            Err(_) => {
                let mut out = String::with_capacity(3 + 2 * b.len());
                out.push_str("X'");
                for byte in b {
                    let _ = write!(out, "{byte:02X}");
                }
                out.push('\'');
                out
            }
        },
    }
}

/// `[+-]digits[.digits]` or `[+-].digits`: a DECIMAL literal as written.
fn is_decimal_text(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    (!int.is_empty() || !frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A single-quoted string literal, read back by the engine under the same `lexing`: with
/// NO_BACKSLASH_ESCAPES only the quote is doubled, otherwise backslashes are escaped too.
fn string_literal(s: &str, lexing: crate::parse::Lexing) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    if lexing.no_backslash_escapes {
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
        return out;
    }
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
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
