//! The sqllogictest script format, as SQLite's sqllogictest reads it.
//!
//! A script is a sequence of records separated by blank lines. Lines starting with `#` between records are
//! comments. A record is one of:
//!
//! - `statement ok` / `statement error` followed by the SQL (one or more lines). As an extension,
//!   `statement error <N>` also requires the MySQL error number N.
//! - `query <types> [nosort|rowsort|valuesort] [label]` followed by the SQL, then optionally `----` and the
//!   expected values, one value per line (row-major), or a single line `<N> values hashing to <md5>`.
//!   `<types>` has one letter per column: `I` integer, `R` real, `T` text.
//! - `hash-threshold <N>`: results with more than N values are compared by their MD5 (0 turns it off).
//! - `halt`: stop running the script here.
//!
//! Any record may be preceded by condition lines `skipif <db>` / `onlyif <db>` (text after the database
//! name, such as `# comment`, is ignored). Lines may end in CRLF.

use std::path::Path;

use crate::SltError;

/// Per-column rendering class, from one letter of a query's type string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// `I`: rendered as an integer.
    Integer,
    /// `R`: rendered as `%.3f`.
    Real,
    /// `T`: rendered as text.
    Text,
}

impl ColumnType {
    fn from_letter(c: char) -> Option<ColumnType> {
        match c {
            'I' => Some(ColumnType::Integer),
            'R' => Some(ColumnType::Real),
            'T' => Some(ColumnType::Text),
            _ => None,
        }
    }
}

/// How a query's rendered values are ordered before comparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortMode {
    /// In the order the database returned them.
    NoSort,
    /// Rows sorted, each row compared as a list of rendered strings.
    RowSort,
    /// Every value sorted individually.
    ValueSort,
}

/// The expected result of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Rendered values, one per line of the script, row-major.
    Values(Vec<String>),
    /// `<count> values hashing to <md5>`: the MD5 of all values, each followed by `\n`.
    Hash { count: usize, md5: String },
}

/// What a `statement` record expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementExpect {
    /// `statement ok`: the statement succeeds.
    Ok,
    /// `statement error [N]`: the statement fails (with MySQL error number N when given).
    Error(Option<u16>),
}

/// A `skipif` / `onlyif` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    SkipIf(String),
    OnlyIf(String),
}

/// A `query` record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub sql: String,
    pub types: Vec<ColumnType>,
    pub sort: SortMode,
    pub label: Option<String>,
    /// None when the record has no `----` section: only success is checked (and the label, if any).
    pub expected: Option<Expected>,
}

/// What a record does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Statement {
        sql: String,
        expect: StatementExpect,
    },
    Query(Query),
    HashThreshold(usize),
    Halt,
}

/// One record of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 1-based line of the `statement` / `query` / `hash-threshold` / `halt` line.
    pub line: usize,
    pub conditions: Vec<Condition>,
    pub kind: Kind,
}

impl Record {
    /// Whether this record runs on the database named `db` (sqllogictest's name for it: `mysql`).
    pub fn applies_to(&self, db: &str) -> bool {
        self.conditions.iter().all(|c| match c {
            Condition::SkipIf(name) => !name.eq_ignore_ascii_case(db),
            Condition::OnlyIf(name) => name.eq_ignore_ascii_case(db),
        })
    }

    /// The SQL of a statement or query record.
    pub fn sql(&self) -> Option<&str> {
        match &self.kind {
            Kind::Statement { sql, .. } => Some(sql),
            Kind::Query(q) => Some(&q.sql),
            Kind::HashThreshold(_) | Kind::Halt => None,
        }
    }
}

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// How reports name the file.
    pub name: String,
    pub records: Vec<Record>,
}

/// Reads and parses a script file; `name` is how reports refer to it.
pub fn parse_file(path: &Path, name: &str) -> Result<Script, SltError> {
    let text = std::fs::read_to_string(path).map_err(|source| SltError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse(name, &text)
}

/// Parses the text of a script.
pub fn parse(name: &str, text: &str) -> Result<Script, SltError> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let err = |line: usize, message: String| SltError::Parse {
        file: name.to_string(),
        line,
        message,
    };
    let blank = |l: &str| l.trim().is_empty();
    let mut records = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if blank(line) || line.starts_with('#') {
            i += 1;
            continue;
        }
        // Conditions, then the record's head line.
        let mut conditions = Vec::new();
        let mut head_at = i;
        loop {
            let Some(&head) = lines.get(head_at) else {
                return Err(err(head_at, "condition without a record".into()));
            };
            let mut words = head.split_whitespace();
            let cond = match words.next() {
                Some("skipif") => Condition::SkipIf as fn(String) -> Condition,
                Some("onlyif") => Condition::OnlyIf,
                _ => break,
            };
            let Some(db) = words.next() else {
                return Err(err(
                    head_at + 1,
                    "skipif/onlyif needs a database name".into(),
                ));
            };
            conditions.push(cond(db.to_string()));
            head_at += 1;
        }
        let line_no = head_at + 1;
        let head = lines.get(head_at).copied().unwrap_or_default();
        if blank(head) || head.starts_with('#') {
            return Err(err(line_no, "condition without a record".into()));
        }
        let words: Vec<&str> = head.split_whitespace().collect();
        // The record's body: the lines after the head up to a blank line.
        let body_start = head_at + 1;
        let mut body_end = body_start;
        while body_end < lines.len() && !blank(lines[body_end]) {
            body_end += 1;
        }
        let body = &lines[body_start..body_end];
        i = body_end;
        let kind = match words.as_slice() {
            ["statement", rest @ ..] => {
                let expect = match rest {
                    ["ok"] => StatementExpect::Ok,
                    ["error"] => StatementExpect::Error(None),
                    ["error", code] => {
                        StatementExpect::Error(Some(code.parse().map_err(|_| {
                            err(
                                line_no,
                                format!("statement error takes a MySQL error number, not '{code}'"),
                            )
                        })?))
                    }
                    _ => return Err(err(line_no, format!("unknown statement record '{head}'"))),
                };
                if body.is_empty() {
                    return Err(err(line_no, "statement without SQL".into()));
                }
                Kind::Statement {
                    sql: body.join("\n"),
                    expect,
                }
            }
            ["query", types, rest @ ..] => {
                let types = types
                    .chars()
                    .map(|c| {
                        ColumnType::from_letter(c).ok_or_else(|| {
                            err(line_no, format!("unknown column type '{c}' in '{types}'"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                let (sort, label) = match rest {
                    [] => (SortMode::NoSort, None),
                    [sort, label @ ..] => {
                        let sort = match *sort {
                            "nosort" => SortMode::NoSort,
                            "rowsort" => SortMode::RowSort,
                            "valuesort" => SortMode::ValueSort,
                            other => {
                                return Err(err(line_no, format!("unknown sort mode '{other}'")))
                            }
                        };
                        match label {
                            [] => (sort, None),
                            [label] => (sort, Some((*label).to_string())),
                            _ => return Err(err(line_no, format!("unexpected words in '{head}'"))),
                        }
                    }
                };
                let (sql_lines, expected) = match body.iter().position(|l| *l == "----") {
                    Some(sep) => (&body[..sep], Some(expected_of(&body[sep + 1..]))),
                    None => (body, None),
                };
                if sql_lines.is_empty() {
                    return Err(err(line_no, "query without SQL".into()));
                }
                Kind::Query(Query {
                    sql: sql_lines.join("\n"),
                    types,
                    sort,
                    label,
                    expected,
                })
            }
            ["hash-threshold", n] => Kind::HashThreshold(
                n.parse()
                    .map_err(|_| err(line_no, format!("bad hash-threshold '{n}'")))?,
            ),
            ["halt"] => Kind::Halt,
            _ => return Err(err(line_no, format!("unknown record '{head}'"))),
        };
        records.push(Record {
            line: line_no,
            conditions,
            kind,
        });
    }
    Ok(Script {
        name: name.to_string(),
        records,
    })
}

/// The expected section after `----`.
fn expected_of(lines: &[&str]) -> Expected {
    if let [only] = lines {
        if let Some((count, md5)) = hash_line(only) {
            return Expected::Hash { count, md5 };
        }
    }
    Expected::Values(lines.iter().map(|l| (*l).to_string()).collect())
}

/// `<N> values hashing to <32 hex digits>`.
fn hash_line(line: &str) -> Option<(usize, String)> {
    let (count, rest) = line.trim().split_once(" values hashing to ")?;
    let count = count.parse().ok()?;
    let md5 = rest.trim();
    (md5.len() == 32 && md5.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| (count, md5.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Vec<Record> {
        parse("t.test", text).unwrap().records
    }

    #[test]
    fn statement_records_keep_their_sql_and_line() {
        let r = parse_ok("# comment\n\nstatement ok\nCREATE TABLE t1(a INTEGER,\n b INTEGER)\n\nstatement error\nDROP TABLE nope\n");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].line, 3);
        assert_eq!(
            r[0].kind,
            Kind::Statement {
                sql: "CREATE TABLE t1(a INTEGER,\n b INTEGER)".into(),
                expect: StatementExpect::Ok
            }
        );
        assert_eq!(r[1].line, 7);
        assert_eq!(
            r[1].kind,
            Kind::Statement {
                sql: "DROP TABLE nope".into(),
                expect: StatementExpect::Error(None)
            }
        );
    }

    #[test]
    fn statement_error_may_name_a_mysql_error_number() {
        let r = parse_ok("statement error 1064\nSELEC 1\n");
        assert_eq!(
            r[0].kind,
            Kind::Statement {
                sql: "SELEC 1".into(),
                expect: StatementExpect::Error(Some(1064))
            }
        );
        let e = parse("t.test", "statement error near\nSELEC 1\n").unwrap_err();
        assert!(e.to_string().contains("t.test:1"), "{e}");
    }

    #[test]
    fn query_records_read_types_sort_mode_label_and_values() {
        let r = parse_ok("query ITR rowsort label-7\nSELECT 1, 'a', 2.5\n----\n1\na\n2.500\n");
        let Kind::Query(q) = &r[0].kind else {
            panic!("not a query: {r:?}")
        };
        assert_eq!(
            q.types,
            [ColumnType::Integer, ColumnType::Text, ColumnType::Real]
        );
        assert_eq!(q.sort, SortMode::RowSort);
        assert_eq!(q.label.as_deref(), Some("label-7"));
        assert_eq!(q.sql, "SELECT 1, 'a', 2.5");
        assert_eq!(
            q.expected,
            Some(Expected::Values(vec![
                "1".into(),
                "a".into(),
                "2.500".into()
            ]))
        );
    }

    #[test]
    fn query_without_sort_mode_is_nosort_and_values_may_contain_spaces() {
        let r = parse_ok("query T\nSELECT x\n----\ntable t29 row 6\n");
        let Kind::Query(q) = &r[0].kind else { panic!() };
        assert_eq!(q.sort, SortMode::NoSort);
        assert_eq!(
            q.expected,
            Some(Expected::Values(vec!["table t29 row 6".into()]))
        );
    }

    #[test]
    fn hashed_results_are_recognised() {
        let r = parse_ok(
            "hash-threshold 8\n\nquery I valuesort\nSELECT a FROM t1\n----\n30 values hashing to 3C13DFD2A1F1D5F4E1C8A1E4F5E1C2D3\n",
        );
        assert_eq!(r[0].kind, Kind::HashThreshold(8));
        let Kind::Query(q) = &r[1].kind else { panic!() };
        assert_eq!(
            q.expected,
            Some(Expected::Hash {
                count: 30,
                md5: "3c13dfd2a1f1d5f4e1c8a1e4f5e1c2d3".into()
            })
        );
    }

    #[test]
    fn query_without_dashes_has_no_expected_result() {
        let r = parse_ok("query I nosort label-1\nSELECT 1\n\nhalt\n");
        let Kind::Query(q) = &r[0].kind else { panic!() };
        assert_eq!(q.expected, None);
        assert_eq!(r[1].kind, Kind::Halt);
        assert_eq!(r[1].line, 4);
    }

    #[test]
    fn conditions_attach_to_the_next_record_and_decide_for_mysql() {
        let r = parse_ok(
            "skipif mysql # not compatible\nquery I rowsort\nSELECT 1\n----\n1\n\nonlyif mysql # DIV\nstatement ok\nSELECT 1 DIV 1\n\nonlyif sqlite\nhalt\n\nskipif postgresql\nskipif mssql\nstatement ok\nSELECT 2\n",
        );
        assert_eq!(r[0].line, 2);
        assert_eq!(r[0].conditions, [Condition::SkipIf("mysql".into())]);
        assert!(!r[0].applies_to("mysql"));
        assert!(r[1].applies_to("mysql"));
        assert!(!r[1].applies_to("sqlite"));
        assert!(!r[2].applies_to("mysql"));
        assert_eq!(r[3].conditions.len(), 2);
        assert!(r[3].applies_to("mysql"));
    }

    #[test]
    fn crlf_line_endings_are_accepted() {
        let r = parse_ok("statement ok\r\nCREATE TABLE t(x INT)\r\n\r\nquery I nosort\r\nSELECT 1\r\n----\r\n1\r\n");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].sql(), Some("CREATE TABLE t(x INT)"));
        let Kind::Query(q) = &r[1].kind else { panic!() };
        assert_eq!(q.expected, Some(Expected::Values(vec!["1".into()])));
    }

    #[test]
    fn unknown_records_are_errors_with_file_and_line() {
        let e = parse("x.test", "\n\nfrobnicate 3\n").unwrap_err();
        assert_eq!(e.to_string(), "x.test:3: unknown record 'frobnicate 3'");
        assert!(parse("x.test", "query X\nSELECT 1\n").is_err());
        assert!(parse("x.test", "query I sideways\nSELECT 1\n").is_err());
        assert!(parse("x.test", "skipif mysql\n").is_err());
    }

    #[test]
    fn every_corpus_file_parses() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/slt");
        let mut stack = vec![root];
        let mut files = 0;
        let mut records = 0;
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "test" || e == "slt") {
                    let script = parse_file(&path, &path.display().to_string()).unwrap();
                    files += 1;
                    records += script.records.len();
                }
            }
        }
        assert!(files >= 28, "only {files} corpus files found");
        assert!(records > 100_000, "only {records} records");
    }
}
