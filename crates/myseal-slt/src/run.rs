//! Running a parsed script against a [`Database`] and reporting per file.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::Future;
use std::time::Duration;

use crate::format::{md5_of_values, render_rows};
use crate::parse::{Expected, Kind, Query, Script, StatementExpect};

/// What the database answered to one SQL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// The statement completed without a result set (an OK packet).
    StatementComplete,
    /// A result set: its column count and rows of text values (None is SQL NULL).
    Rows {
        columns: usize,
        rows: Vec<Vec<Option<String>>>,
    },
}

/// Why a statement did not produce an [`Output`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    /// The server answered with an error packet.
    #[error("ERROR {code} ({state}): {message}")]
    Server {
        code: u16,
        state: String,
        message: String,
    },
    /// No answer within the per-statement time limit (the record fails; the run goes on).
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// A client-side or connection error (the record fails; the run goes on).
    #[error("client error: {0}")]
    Client(String),
    /// The database cannot be used any more (the server is gone): the rest of the file is not run.
    #[error("database unavailable: {0}")]
    Fatal(String),
}

/// A database the runner sends SQL to.
pub trait Database {
    /// Runs one SQL text and returns its first result set, or that it completed without one.
    fn run(&mut self, sql: &str) -> impl Future<Output = Result<Output, DbError>> + Send;
}

/// Runner settings.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// sqllogictest's name for the database under test, matched by `skipif` / `onlyif`.
    pub engine_name: String,
    /// How many failures each [`FileReport`] keeps in detail.
    pub max_failures_kept: usize,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            engine_name: "mysql".to_string(),
            max_failures_kept: 5,
        }
    }
}

/// One failed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub file: String,
    pub line: usize,
    pub sql: String,
    pub expected: String,
    pub got: String,
}

/// The outcome of one script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub file: String,
    /// Statement and query records run (passed + failed).
    pub run: usize,
    pub passed: usize,
    pub failed: usize,
    /// Statement and query records skipped by `skipif` / `onlyif`.
    pub skipped: usize,
    /// The first failures, up to [`RunConfig::max_failures_kept`].
    pub failures: Vec<Failure>,
    /// Line of the `halt` that ended the script early.
    pub halted_at: Option<usize>,
    /// Set when a [`DbError::Fatal`] stopped the run (the records after it count as failed), or when the
    /// file's database could not be dropped afterwards.
    pub aborted: Option<String>,
}

impl FileReport {
    /// An empty report for `file`.
    pub fn new(file: &str) -> FileReport {
        FileReport {
            file: file.to_string(),
            run: 0,
            passed: 0,
            failed: 0,
            skipped: 0,
            failures: Vec::new(),
            halted_at: None,
            aborted: None,
        }
    }

    /// Percentage of run records that passed (100 when none ran).
    pub fn pass_rate(&self) -> f64 {
        if self.run == 0 {
            100.0
        } else {
            self.passed as f64 * 100.0 / self.run as f64
        }
    }

    /// `passed/run (pct%)  file`, plus notes on skips, halts and aborts.
    pub fn summary_line(&self) -> String {
        let mut s = format!(
            "{}/{} ({:.1}%)  {}",
            self.passed,
            self.run,
            self.pass_rate(),
            self.file
        );
        if self.skipped > 0 {
            let _ = write!(s, "  [{} skipped]", self.skipped);
        }
        if let Some(line) = self.halted_at {
            let _ = write!(s, "  [halt at line {line}]");
        }
        if let Some(why) = &self.aborted {
            let _ = write!(s, "  [ABORTED: {why}]");
        }
        s
    }

    /// The kept failures, each as `file:line`, the SQL, what was expected and what came back.
    pub fn failures_text(&self) -> String {
        let mut s = String::new();
        for f in &self.failures {
            let _ = writeln!(s, "  {}:{}", f.file, f.line);
            for l in f.sql.lines() {
                let _ = writeln!(s, "    | {l}");
            }
            let _ = writeln!(s, "    expected: {}", f.expected);
            let _ = writeln!(s, "    got:      {}", f.got);
        }
        if self.failed > self.failures.len() {
            let _ = writeln!(
                s,
                "  ... and {} more failures",
                self.failed - self.failures.len()
            );
        }
        s
    }

    fn record(&mut self, failure: Option<Failure>, keep: usize) {
        self.run += 1;
        match failure {
            None => self.passed += 1,
            Some(f) => {
                self.failed += 1;
                if self.failures.len() < keep {
                    self.failures.push(f);
                }
            }
        }
    }
}

/// One line per file (`passed/run (pct%)  file`) and a total line.
pub fn summary(reports: &[FileReport]) -> String {
    let mut s = String::new();
    for r in reports {
        let _ = writeln!(s, "{}", r.summary_line());
    }
    let _ = writeln!(s, "{}", total_line(reports));
    s
}

/// `passed/run (pct%)  total over N files, M records skipped`.
pub fn total_line(reports: &[FileReport]) -> String {
    let mut total = FileReport::new("TOTAL");
    for r in reports {
        total.run += r.run;
        total.passed += r.passed;
        total.failed += r.failed;
        total.skipped += r.skipped;
    }
    format!(
        "{}/{} ({:.1}%)  total over {} files, {} records skipped",
        total.passed,
        total.run,
        total.pass_rate(),
        reports.len(),
        total.skipped
    )
}

/// Runs every record of `script` that applies to [`RunConfig::engine_name`] and reports the outcome.
pub async fn run_script<D: Database>(
    db: &mut D,
    script: &Script,
    config: &RunConfig,
) -> FileReport {
    let mut report = FileReport::new(&script.name);
    let mut hash_threshold = 0usize;
    // label → (line, count, md5) of the first query that carried it.
    let mut labels: HashMap<String, (usize, usize, String)> = HashMap::new();
    for rec in &script.records {
        let counted = matches!(rec.kind, Kind::Statement { .. } | Kind::Query(_));
        if !rec.applies_to(&config.engine_name) {
            if counted {
                report.skipped += 1;
            }
            continue;
        }
        let sql = rec.sql().unwrap_or_default();
        let fail = |expected: String, got: String| {
            Some(Failure {
                file: script.name.clone(),
                line: rec.line,
                sql: sql.to_string(),
                expected,
                got,
            })
        };
        let failure = match &rec.kind {
            Kind::Halt => {
                report.halted_at = Some(rec.line);
                break;
            }
            Kind::HashThreshold(n) => {
                hash_threshold = *n;
                continue;
            }
            _ if report.aborted.is_some() => fail("to run".into(), "not run (aborted)".into()),
            Kind::Statement { sql, expect } => {
                let result = db.run(sql).await;
                if let Err(DbError::Fatal(why)) = &result {
                    report.aborted = Some(why.clone());
                }
                check_statement(*expect, result).and_then(|(e, g)| fail(e, g))
            }
            Kind::Query(q) => {
                let result = db.run(&q.sql).await;
                if let Err(DbError::Fatal(why)) = &result {
                    report.aborted = Some(why.clone());
                }
                check_query(q, result, hash_threshold, rec.line, &mut labels)
                    .and_then(|(e, g)| fail(e, g))
            }
        };
        report.record(failure, config.max_failures_kept);
    }
    report
}

/// None when the statement behaved as expected, else (expected, got).
fn check_statement(
    expect: StatementExpect,
    result: Result<Output, DbError>,
) -> Option<(String, String)> {
    match (expect, result) {
        (StatementExpect::Ok, Ok(_)) => None,
        (StatementExpect::Ok, Err(e)) => Some(("ok".into(), e.to_string())),
        (StatementExpect::Error(None), Err(DbError::Server { .. })) => None,
        (StatementExpect::Error(Some(code)), Err(DbError::Server { code: got, .. }))
            if got == code =>
        {
            None
        }
        (StatementExpect::Error(code), got) => {
            let expected = match code {
                Some(c) => format!("ERROR {c}"),
                None => "an error".into(),
            };
            let got = match got {
                Ok(_) => "ok".into(),
                Err(e) => e.to_string(),
            };
            Some((expected, got))
        }
    }
}

/// None when the query's result matches, else (expected, got).
fn check_query(
    q: &Query,
    result: Result<Output, DbError>,
    hash_threshold: usize,
    line: usize,
    labels: &mut HashMap<String, (usize, usize, String)>,
) -> Option<(String, String)> {
    let expected_text = || match &q.expected {
        None => "a result set".to_string(),
        Some(Expected::Hash { count, md5 }) => format!("{count} values hashing to {md5}"),
        Some(Expected::Values(v)) => show_values(v),
    };
    let (columns, rows) = match result {
        Err(e) => return Some((expected_text(), e.to_string())),
        Ok(Output::StatementComplete) => {
            return Some((expected_text(), "no result set".to_string()))
        }
        Ok(Output::Rows { columns, rows }) => (columns, rows),
    };
    if columns != q.types.len() {
        return Some((
            format!("{} columns ({})", q.types.len(), expected_text()),
            format!("{columns} columns"),
        ));
    }
    let values = render_rows(&rows, &q.types, q.sort);
    let md5 = md5_of_values(&values);
    let hashed = hash_threshold > 0 && values.len() > hash_threshold;
    let got_text = || {
        if hashed || matches!(q.expected, Some(Expected::Hash { .. })) {
            format!("{} values hashing to {md5}", values.len())
        } else {
            show_values(&values)
        }
    };
    let matches = match &q.expected {
        None => true,
        Some(Expected::Hash { count, md5: want }) => *count == values.len() && *want == md5,
        Some(Expected::Values(want)) => *want == values,
    };
    if !matches {
        return Some((expected_text(), got_text()));
    }
    if let Some(label) = &q.label {
        match labels.get(label) {
            Some((first, count, want)) if *count != values.len() || *want != md5 => {
                return Some((
                    format!("the same result as line {first} (label {label}): {count} values hashing to {want}"),
                    format!("{} values hashing to {md5}", values.len()),
                ));
            }
            Some(_) => {}
            None => {
                labels.insert(label.clone(), (line, values.len(), md5));
            }
        }
    }
    None
}

/// Values on one line, space-separated, cut after 20.
fn show_values(v: &[String]) -> String {
    const MAX: usize = 20;
    let mut s = v
        .iter()
        .take(MAX)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    if v.len() > MAX {
        let _ = write!(s, " ... ({} values)", v.len());
    }
    if v.is_empty() {
        s.push_str("(no rows)");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    /// Polls a future that never waits (the fake database answers at once).
    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = pin!(f);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    /// Answers from a table of SQL → result; records what it was sent.
    struct Fake {
        answers: Vec<(&'static str, Result<Output, DbError>)>,
        sent: Vec<String>,
    }

    impl Database for Fake {
        async fn run(&mut self, sql: &str) -> Result<Output, DbError> {
            self.sent.push(sql.to_string());
            self.answers
                .iter()
                .find(|(s, _)| *s == sql)
                .map(|(_, r)| r.clone())
                .unwrap_or_else(|| {
                    Err(DbError::Server {
                        code: 1064,
                        state: "42000".into(),
                        message: "syntax".into(),
                    })
                })
        }
    }

    fn rows(columns: usize, v: &[&[&str]]) -> Result<Output, DbError> {
        Ok(Output::Rows {
            columns,
            rows: v
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|s| (*s != "NULL").then(|| s.to_string()))
                        .collect()
                })
                .collect(),
        })
    }

    fn run(
        text: &str,
        answers: Vec<(&'static str, Result<Output, DbError>)>,
    ) -> (FileReport, Vec<String>) {
        let script = parse("f.test", text).unwrap();
        let mut db = Fake {
            answers,
            sent: Vec::new(),
        };
        let report = block_on(run_script(&mut db, &script, &RunConfig::default()));
        (report, db.sent)
    }

    #[test]
    fn passing_and_failing_records_are_counted_with_file_and_line() {
        let (r, _) = run(
            "statement ok\nCREATE TABLE t(x INT)\n\nquery I nosort\nSELECT 1\n----\n1\n\nquery I nosort\nSELECT 2\n----\n3\n\nstatement error\nSELEC\n",
            vec![
                ("CREATE TABLE t(x INT)", Ok(Output::StatementComplete)),
                ("SELECT 1", rows(1, &[&["1"]])),
                ("SELECT 2", rows(1, &[&["2"]])),
            ],
        );
        assert_eq!((r.run, r.passed, r.failed, r.skipped), (4, 3, 1, 0));
        assert_eq!(
            r.failures,
            [Failure {
                file: "f.test".into(),
                line: 9,
                sql: "SELECT 2".into(),
                expected: "3".into(),
                got: "2".into()
            }]
        );
        assert_eq!(r.summary_line(), "3/4 (75.0%)  f.test");
    }

    #[test]
    fn skipped_records_are_not_sent_and_halt_stops_the_script() {
        let (r, sent) = run(
            "skipif mysql\nstatement ok\nA\n\nonlyif sqlite\nstatement ok\nB\n\nonlyif mysql\nstatement ok\nC\n\nonlyif sqlite\nhalt\n\nskipif sqlite\nhalt\n\nstatement ok\nD\n",
            vec![("C", Ok(Output::StatementComplete))],
        );
        assert_eq!(sent, ["C"]);
        assert_eq!((r.run, r.passed, r.skipped), (1, 1, 2));
        assert_eq!(r.halted_at, Some(17));
    }

    #[test]
    fn statement_error_with_a_code_requires_that_code() {
        let (r, _) = run(
            "statement error 1064\nSELEC\n\nstatement error 1146\nSELEC\n\nstatement error\nSELECT 1\n",
            vec![("SELECT 1", Ok(Output::StatementComplete))],
        );
        assert_eq!((r.passed, r.failed), (1, 2));
        assert_eq!(r.failures[0].expected, "ERROR 1146");
        assert!(r.failures[0].got.starts_with("ERROR 1064"));
        assert_eq!(r.failures[1].got, "ok");
    }

    #[test]
    fn hashed_expectations_compare_count_and_md5_of_sorted_values() {
        // rowsort of (2),(1) renders 1 2; printf '1\n2\n' | md5sum
        let (r, _) = run(
            "query I rowsort\nSELECT x\n----\n2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0\n\nquery I nosort\nSELECT x\n----\n2 values hashing to 6ddb4095eb719e2a9f0a3f95677d24e0\n",
            vec![("SELECT x", rows(1, &[&["2"], &["1"]]))],
        );
        assert_eq!((r.passed, r.failed), (1, 1));
        assert_eq!(r.failures[0].line, 6);
        assert_eq!(
            r.failures[0].got,
            format!("2 values hashing to {}", md5_of_values(&["2", "1"]))
        );
    }

    #[test]
    fn results_over_the_hash_threshold_are_shown_as_a_hash() {
        let (r, _) = run(
            "hash-threshold 1\n\nquery I nosort\nSELECT x\n----\n1\n3\n",
            vec![("SELECT x", rows(1, &[&["1"], &["2"]]))],
        );
        assert_eq!(r.failed, 1);
        assert_eq!(r.failures[0].expected, "1 3");
        assert!(r.failures[0].got.starts_with("2 values hashing to "));
    }

    #[test]
    fn wrong_column_count_and_missing_result_set_fail() {
        let (r, _) = run(
            "query II nosort\nSELECT x\n----\n1\n2\n\nquery I nosort\nDO 1\n----\n1\n",
            vec![
                ("SELECT x", rows(1, &[&["1"], &["2"]])),
                ("DO 1", Ok(Output::StatementComplete)),
            ],
        );
        assert_eq!(r.failed, 2);
        assert_eq!(r.failures[0].got, "1 columns");
        assert_eq!(r.failures[1].got, "no result set");
    }

    #[test]
    fn queries_sharing_a_label_must_agree() {
        let (r, _) = run(
            "query I nosort label-1\nSELECT a\n\nquery I nosort label-1\nSELECT b\n\nquery I nosort label-1\nSELECT c\n",
            vec![
                ("SELECT a", rows(1, &[&["1"]])),
                ("SELECT b", rows(1, &[&["1"]])),
                ("SELECT c", rows(1, &[&["2"]])),
            ],
        );
        assert_eq!((r.passed, r.failed), (2, 1));
        assert_eq!(r.failures[0].line, 7);
        assert!(
            r.failures[0].expected.contains("line 1"),
            "{:?}",
            r.failures[0]
        );
    }

    #[test]
    fn a_fatal_error_fails_the_rest_of_the_file_without_sending_it() {
        let (r, sent) = run(
            "statement ok\nA\n\nquery I nosort\nB\n----\n1\n\nskipif mysql\nstatement ok\nC\n\nstatement ok\nD\n",
            vec![("A", Err(DbError::Fatal("server gone".into())))],
        );
        assert_eq!(sent, ["A"]);
        assert_eq!((r.run, r.failed, r.skipped), (3, 3, 1));
        assert_eq!(r.aborted.as_deref(), Some("server gone"));
        assert!(r.summary_line().contains("ABORTED"));
    }

    #[test]
    fn summary_has_a_line_per_file_and_a_total() {
        let mut a = FileReport::new("a.test");
        a.run = 4;
        a.passed = 1;
        a.failed = 3;
        let mut b = FileReport::new("b.test");
        b.run = 1;
        b.passed = 1;
        b.skipped = 2;
        assert_eq!(
            summary(&[a, b]),
            "1/4 (25.0%)  a.test\n1/1 (100.0%)  b.test  [2 skipped]\n2/5 (40.0%)  total over 2 files, 2 records skipped\n"
        );
    }

    #[test]
    fn only_the_first_failures_are_kept() {
        let text = "statement ok\nX\n\n".repeat(8);
        let script = parse("f.test", &text).unwrap();
        let mut db = Fake {
            answers: vec![],
            sent: vec![],
        };
        let cfg = RunConfig {
            max_failures_kept: 2,
            ..RunConfig::default()
        };
        let r = block_on(run_script(&mut db, &script, &cfg));
        assert_eq!((r.failed, r.failures.len()), (8, 2));
        assert!(r.failures_text().contains("and 6 more failures"));
    }
}
