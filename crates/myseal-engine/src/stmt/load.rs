//! `LOAD DATA LOCAL INFILE`: the statement's options, MySQL's field and line splitting
//! (`READ_INFO` in sql_load.cc), and loading the rows through a prepared INSERT.
//!
//! MySQL docs: <https://dev.mysql.com/doc/refman/8.4/en/load-data.html>
//!
//! The server asks the client for the file (a LOCAL INFILE request), collects it and hands it
//! to [`load_local`]. As in MySQL, LOCAL turns duplicate-key and data-interpretation errors
//! into warnings (the server cannot stop the client's transfer), unless REPLACE is given; the
//! whole load is one statement: in autocommit mode it commits once at the end.

use std::sync::Arc;

use crate::error::EngineError;
use crate::value::Value;
use crate::{Engine, Outcome, Session};

/// What to do with a row whose key exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OnDuplicate {
    /// LOCAL's default (and `IGNORE`): keep the existing row, count the new one as skipped.
    Ignore,
    /// `REPLACE`: delete the existing row.
    Replace,
}

/// The options of one `LOAD DATA` statement.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LoadSpec {
    /// `LOCAL`: the client sends the file.
    pub(crate) local: bool,
    /// The file name as written (sent back to the client in the LOCAL INFILE request).
    pub(crate) file: String,
    pub(crate) on_duplicate: OnDuplicate,
    pub(crate) schema: Option<String>,
    pub(crate) table: String,
    /// `FIELDS TERMINATED BY` (default tab).
    pub(crate) field_term: Vec<u8>,
    /// `[OPTIONALLY] ENCLOSED BY` (default none).
    pub(crate) enclosed: Option<u8>,
    /// `ESCAPED BY` (default backslash; '' = none).
    pub(crate) escaped: Option<u8>,
    /// `LINES STARTING BY` (default none).
    pub(crate) line_start: Vec<u8>,
    /// `LINES TERMINATED BY` (default newline).
    pub(crate) line_term: Vec<u8>,
    /// `IGNORE n LINES`.
    pub(crate) ignore_lines: u64,
    /// The column list (empty: every column in table order).
    pub(crate) columns: Vec<String>,
}

impl LoadSpec {
    pub(crate) fn new(local: bool, file: String, table: String) -> Self {
        LoadSpec {
            local,
            file,
            on_duplicate: OnDuplicate::Ignore,
            schema: None,
            table,
            field_term: b"\t".to_vec(),
            enclosed: None,
            escaped: Some(b'\\'),
            line_start: Vec::new(),
            line_term: b"\n".to_vec(),
            ignore_lines: 0,
            columns: Vec::new(),
        }
    }
}

/// One input field: None is NULL (`\N`, or the word NULL with ENCLOSED BY).
type Field = Option<Vec<u8>>;

/// Splits a file into records of fields as MySQL's READ_INFO does.
pub(crate) fn split(data: &[u8], spec: &LoadSpec) -> Vec<Vec<Field>> {
    let mut r = Reader { data, pos: 0, spec };
    let mut skip = spec.ignore_lines;
    let mut rows = Vec::new();
    while r.pos < data.len() {
        if !spec.line_start.is_empty() {
            match find(data, r.pos, &spec.line_start) {
                Some(at) => r.pos = at + spec.line_start.len(),
                None => break,
            }
        }
        let row = r.record();
        if skip > 0 {
            skip -= 1;
            continue;
        }
        rows.push(row);
    }
    rows
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    spec: &'a LoadSpec,
}

impl Reader<'_> {
    fn at(&self, s: &[u8]) -> bool {
        !s.is_empty()
            && self
                .data
                .get(self.pos..)
                .is_some_and(|rest| rest.starts_with(s))
    }

    /// One record: fields up to the line terminator (consumed) or the end of the data.
    fn record(&mut self) -> Vec<Field> {
        let mut fields = Vec::new();
        loop {
            fields.push(self.field());
            if self.at(&self.spec.field_term) {
                self.pos += self.spec.field_term.len();
                continue;
            }
            if self.at(&self.spec.line_term) {
                self.pos += self.spec.line_term.len();
            }
            return fields;
        }
    }

    /// The escaped meaning of the byte after the escape character.
    fn unescape(b: u8) -> u8 {
        match b {
            b'0' => 0,
            b'b' => 8,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'Z' => 26,
            other => other,
        }
    }

    fn field(&mut self) -> Field {
        let spec = self.spec;
        let esc = spec.escaped;
        if let Some(q) = spec.enclosed
            && self.data.get(self.pos) == Some(&q)
        {
            self.pos += 1;
            let mut out = Vec::new();
            while let Some(&b) = self.data.get(self.pos) {
                if Some(b) == esc && self.pos + 1 < self.data.len() {
                    out.push(Self::unescape(self.data[self.pos + 1]));
                    self.pos += 2;
                } else if b == q {
                    if self.data.get(self.pos + 1) == Some(&q) {
                        out.push(q);
                        self.pos += 2;
                        continue;
                    }
                    self.pos += 1;
                    // A quote ends the field only before a separator or the end.
                    if self.at(&spec.field_term)
                        || self.at(&spec.line_term)
                        || self.pos >= self.data.len()
                    {
                        return Some(out);
                    }
                    out.push(q);
                } else {
                    out.push(b);
                    self.pos += 1;
                }
            }
            return Some(out);
        }
        let mut out = Vec::new();
        let mut escaped_n = false;
        while let Some(&b) = self.data.get(self.pos) {
            if self.at(&spec.field_term) || self.at(&spec.line_term) {
                break;
            }
            if Some(b) == esc && self.pos + 1 < self.data.len() {
                let next = self.data[self.pos + 1];
                escaped_n = out.is_empty() && next == b'N';
                out.push(Self::unescape(next));
                self.pos += 2;
                continue;
            }
            escaped_n = false;
            out.push(b);
            self.pos += 1;
        }
        if (escaped_n && out == b"N") || (spec.enclosed.is_some() && out == b"NULL") {
            return None;
        }
        Some(out)
    }
}

/// MySQL's default max_error_count: the warnings kept for SHOW WARNINGS.
const MAX_ERROR_COUNT: usize = 1024;

fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// The first half of LOAD DATA: checks what can be checked before the file is sent (MySQL's
/// order: no server-side files here, LOCAL enabled on both sides, the table and the INSERT
/// privilege) and asks the server to fetch the file.
pub(crate) fn start(
    engine: &Engine,
    session: &mut Session,
    spec: Box<LoadSpec>,
) -> Result<Outcome, EngineError> {
    if !spec.local {
        // secure_file_priv is NULL here: the server reads and writes no files.
        return Err(EngineError::new(
            1290,
            "HY000",
            "The MySQL server is running with the --secure-file-priv option so it cannot execute this statement",
        ));
    }
    let enabled = engine
        .global_variable("local_infile")
        .is_some_and(|v| v == "ON");
    if !enabled || !session.local_files {
        return Err(EngineError::new(
            3948,
            "42000",
            "Loading local data is disabled; this must be enabled on both the client and server sides",
        ));
    }
    let schema = match &spec.schema {
        Some(s) => s.clone(),
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    // The INSERT privilege (MySQL checks it first), then the table.
    crate::privilege::check_table(
        engine,
        session,
        &schema,
        &spec.table,
        crate::privilege::Privs::INSERT,
    )?;
    let state = engine.store.latest();
    let Some(table) = state.table(&schema, &spec.table) else {
        return Err(EngineError::no_such_table(&schema, &spec.table));
    };
    if let Some(missing) = spec.columns.iter().find(|c| {
        !table
            .def
            .columns
            .iter()
            .any(|d| d.name.eq_ignore_ascii_case(c))
    }) {
        return Err(EngineError::new(
            1054,
            "42S22",
            format!("Unknown column '{missing}' in 'field list'"),
        ));
    }
    let filename = spec.file.clone();
    session.pending_load = Some(spec);
    Ok(Outcome::LocalInfile { filename })
}

/// Loads `data` (the client's file) as `spec` says: one INSERT IGNORE (or REPLACE) per row,
/// prepared once per number of fields, in one transaction. Warnings name the file's row.
pub(crate) fn load_local(
    engine: &Engine,
    session: &mut Session,
    spec: &LoadSpec,
    data: &[u8],
) -> Result<Outcome, EngineError> {
    let schema = match &spec.schema {
        Some(s) => s.clone(),
        None => session.database.clone().ok_or_else(EngineError::no_db)?,
    };
    let columns: Vec<String> = if spec.columns.is_empty() {
        engine
            .store
            .latest()
            .table(&schema, &spec.table)
            .ok_or_else(|| EngineError::no_such_table(&schema, &spec.table))?
            .def
            .columns
            .iter()
            .filter(|c| !c.invisible)
            .map(|c| c.name.clone())
            .collect()
    } else {
        spec.columns.clone()
    };
    let verb = match spec.on_duplicate {
        OnDuplicate::Ignore => "INSERT IGNORE",
        OnDuplicate::Replace => "REPLACE",
    };
    let target = format!("{}.{}", quote(&schema), quote(&spec.table));
    // One prepared INSERT per number of fields given (the other columns take their defaults).
    let mut prepared: Vec<Option<Arc<crate::Prepared>>> = vec![None; columns.len() + 1];
    let rows = split(data, spec);
    let own_txn = !session.in_transaction && session.autocommit();
    if own_txn {
        let (_, err) = engine.execute(session, "BEGIN");
        if let Some(e) = err {
            return Err(e);
        }
    }
    let mut warnings = Vec::new();
    let (mut affected, mut skipped, mut deleted) = (0u64, 0u64, 0u64);
    let mut failure = None;
    // LAST_INSERT_ID() is the first value the load generated (it is one statement in MySQL),
    // not the last row's: each row's INSERT changes it only when it generates one.
    let mut seen_id = session.last_insert_id;
    let mut first_id = None;
    for (i, row) in rows.iter().enumerate() {
        let n = row.len().min(columns.len());
        let row_no = i + 1;
        let stmt = match prepared.get(n).cloned().flatten() {
            Some(p) => p,
            None => {
                let list: Vec<String> = columns.iter().take(n).map(|c| quote(c)).collect();
                let marks = vec!["?"; n].join(", ");
                let sql = format!(
                    "{verb} INTO {target} ({}) VALUES ({marks})",
                    list.join(", ")
                );
                match engine.prepare(session, &sql) {
                    Ok(p) => {
                        let p = Arc::new(p);
                        if let Some(slot) = prepared.get_mut(n) {
                            *slot = Some(p.clone());
                        }
                        p
                    }
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
        };
        let params: Vec<Value> = row
            .iter()
            .take(n)
            .map(|f| f.clone().map_or(Value::Null, Value::Bytes))
            .collect();
        let (outcomes, err) = engine.execute_prepared(session, &stmt, &params);
        if let Some(e) = err {
            failure = Some(e);
            break;
        }
        if first_id.is_none() && session.last_insert_id != seen_id {
            first_id = Some(session.last_insert_id);
        }
        seen_id = session.last_insert_id;
        let rows_changed = match outcomes.first() {
            Some(Outcome::Ok { affected_rows, .. }) => *affected_rows,
            _ => 0,
        };
        match (spec.on_duplicate, rows_changed) {
            (OnDuplicate::Ignore, 0) => skipped += 1,
            (OnDuplicate::Replace, 2) => deleted += 1,
            _ => {}
        }
        affected += rows_changed;
        for mut w in std::mem::take(&mut session.warnings) {
            if let Some(stem) = w.message.strip_suffix(" at row 1") {
                w.message = format!("{stem} at row {row_no}");
            }
            warnings.push(w);
        }
        if row.len() < columns.len() {
            warnings.push(crate::Warning {
                level: "Warning",
                code: 1261,
                message: format!("Row {row_no} doesn't contain data for all columns"),
            });
        } else if row.len() > columns.len() {
            warnings.push(crate::Warning {
                level: "Warning",
                code: 1262,
                message: format!(
                    "Row {row_no} was truncated; it contained more data than there were input columns"
                ),
            });
        }
    }
    if let Some(e) = failure {
        if own_txn {
            let _ = engine.execute(session, "ROLLBACK");
        }
        return Err(e);
    }
    if own_txn {
        let (_, err) = engine.execute(session, "COMMIT");
        if let Some(e) = err {
            return Err(e);
        }
    }
    if let Some(id) = first_id {
        session.last_insert_id = id;
    }
    let count = warnings.len();
    warnings.truncate(MAX_ERROR_COUNT);
    session.warnings = warnings;
    session.row_count = i64::try_from(affected).unwrap_or(i64::MAX);
    Ok(Outcome::Ok {
        affected_rows: affected,
        last_insert_id: 0,
        warnings: u16::try_from(count).unwrap_or(u16::MAX),
        info: format!(
            "Records: {}  Deleted: {deleted}  Skipped: {skipped}  Warnings: {count}",
            rows.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &str, f: impl FnOnce(&mut LoadSpec)) -> Vec<Vec<Option<String>>> {
        let mut spec = LoadSpec::new(true, "f".into(), "t".into());
        f(&mut spec);
        split(data.as_bytes(), &spec)
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
                    .collect()
            })
            .collect()
    }

    fn s(v: &[Option<&str>]) -> Vec<Option<String>> {
        v.iter().map(|x| x.map(str::to_string)).collect()
    }

    #[test]
    fn default_format_is_tab_separated_with_backslash_escapes() {
        assert_eq!(
            rows("1\ta\\tb\t\\N\n2\tx\\\\y\tNULL\n", |_| {}),
            vec![
                s(&[Some("1"), Some("a\tb"), None]),
                s(&[Some("2"), Some("x\\y"), Some("NULL")]),
            ]
        );
    }

    #[test]
    fn csv_with_optional_quotes_doubled_quotes_and_crlf() {
        let got = rows(
            "id,name\r\n1,\"Smith, J\"\r\n2,\"say \"\"hi\"\"\"\r\n3,NULL\r\n4,\r\n",
            |s| {
                s.field_term = b",".to_vec();
                s.enclosed = Some(b'"');
                s.line_term = b"\r\n".to_vec();
                s.ignore_lines = 1;
            },
        );
        assert_eq!(
            got,
            vec![
                s(&[Some("1"), Some("Smith, J")]),
                s(&[Some("2"), Some("say \"hi\"")]),
                s(&[Some("3"), None]),
                s(&[Some("4"), Some("")]),
            ]
        );
    }

    #[test]
    fn lines_starting_by_skips_the_prefix_and_lines_without_it() {
        let got = rows("xxx1,a\nnoise\nxxx2,b\n", |s| {
            s.field_term = b",".to_vec();
            s.line_start = b"xxx".to_vec();
        });
        assert_eq!(
            got,
            vec![s(&[Some("1"), Some("a")]), s(&[Some("2"), Some("b")])]
        );
    }

    #[test]
    fn a_last_line_without_terminator_is_a_record() {
        assert_eq!(rows("1\n2", |_| {}), vec![s(&[Some("1")]), s(&[Some("2")])]);
    }
}
