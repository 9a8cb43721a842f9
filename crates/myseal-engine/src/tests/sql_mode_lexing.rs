//! sql_mode ANSI_QUOTES and NO_BACKSLASH_ESCAPES change how statement text is read.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-mode.html>

use super::{engine, render, run, session, set_up};
use crate::Value;

const NBE: &str = "SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')";
const ANSI: &str = "SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')";

#[test]
fn no_backslash_escapes_reads_backslash_as_a_character() {
    let e = engine();
    let mut s = session(&e);
    let q = r"SELECT LENGTH('a\nb') AS n, 'it''s' AS q, HEX('\0') AS h";
    assert_eq!(run(&e, &mut s, q), "n|q|h\n3|it's|00");
    assert!(!s.no_backslash_escapes());
    assert_eq!(run(&e, &mut s, NBE), "ok");
    assert!(s.no_backslash_escapes());
    assert_eq!(run(&e, &mut s, q), "n|q|h\n4|it's|5C30");
    // A backslash before the closing quote no longer escapes it.
    assert_eq!(run(&e, &mut s, r"SELECT 'a\' AS v"), "v\na\\");
    assert_eq!(run(&e, &mut s, "SET sql_mode = DEFAULT"), "ok");
    assert_eq!(run(&e, &mut s, q), "n|q|h\n3|it's|00");
}

#[test]
fn no_backslash_escapes_is_kept_by_stored_values() {
    let (e, mut s) = set_up(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))",
        NBE,
        r"INSERT INTO t VALUES (1, 'C:\temp\new')",
    ]);
    assert_eq!(
        run(&e, &mut s, "SELECT v, LENGTH(v) AS n FROM t"),
        "v|n\nC:\\temp\\new|11"
    );
}

#[test]
fn ansi_quotes_makes_double_quotes_identifiers() {
    let (e, mut s) = set_up(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (x INT)",
        "INSERT INTO t VALUES (7)",
    ]);
    assert_eq!(run(&e, &mut s, r#"SELECT "x" AS v FROM t"#), "v\nx");
    assert_eq!(run(&e, &mut s, ANSI), "ok");
    assert!(s.ansi_quotes());
    assert_eq!(run(&e, &mut s, r#"SELECT "x" AS v FROM t"#), "v\n7");
    assert_eq!(
        run(&e, &mut s, r#"SELECT "y" FROM t"#),
        "ERROR 1054 (42S22): Unknown column 'y' in 'field list'"
    );
    // Single quotes are still strings.
    assert_eq!(run(&e, &mut s, "SELECT 'x' AS v FROM t"), "v\nx");
}

/// A prepared statement whose parameters are written into its text as literals (CALL) reads
/// them back under the session's mode: the value arrives unchanged in both modes.
#[test]
fn spliced_parameters_follow_the_mode() {
    let (e, mut s) = set_up(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE PROCEDURE p(IN x VARCHAR(20)) SELECT x, LENGTH(x) AS n",
    ]);
    let value = Value::Bytes(b"a\\'b\\".to_vec());
    for mode in ["SET sql_mode = DEFAULT", NBE] {
        assert_eq!(run(&e, &mut s, mode), "ok");
        let stmt = e.prepare(&mut s, "CALL p(?)").expect("prepares");
        let (out, err) = e.execute_prepared(&mut s, &stmt, std::slice::from_ref(&value));
        let text = render(&out, err.as_ref());
        assert!(text.starts_with("x|n\na\\'b\\|5"), "{mode}: {text}");
    }
}

/// LIKE's default escape is `\`; under NO_BACKSLASH_ESCAPES there is none, and ESCAPE ''
/// (no escape) is refused.
#[test]
fn like_has_no_default_escape_under_no_backslash_escapes() {
    let e = engine();
    let mut s = session(&e);
    // Default mode: the literal '50\\%' is the pattern 50\% (an escaped %).
    assert_eq!(
        run(
            &e,
            &mut s,
            r"SELECT '50%' LIKE '50\\%' AS a, '50x' LIKE '50\\%' AS b"
        ),
        "a|b\n1|0"
    );
    assert_eq!(run(&e, &mut s, NBE), "ok");
    // The pattern 50\% is a literal backslash then any characters.
    assert_eq!(
        run(
            &e,
            &mut s,
            r"SELECT '50\x' LIKE '50\%' AS a, '50%' LIKE '50\%' AS b, '5%' LIKE '5|%' ESCAPE '|' AS c"
        ),
        "a|b|c\n1|0|1"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT 'a' LIKE 'a' ESCAPE ''"),
        "ERROR 1210 (HY000): Incorrect arguments to ESCAPE"
    );
}

/// In a multi-statement text, the statements after a SET sql_mode are read under the new mode.
#[test]
fn statements_after_set_sql_mode_read_under_the_new_mode() {
    let e = engine();
    let mut s = session(&e);
    s.multi_statements = true;
    let text = format!(
        "{NBE};\n SELECT LENGTH('a\\nb') AS n; {ANSI}; SELECT \"n\" FROM (SELECT 1 AS n) AS d;\n\
         SET sql_mode = DEFAULT; SELECT LENGTH('a\\nb') AS n, \"n\" AS m"
    );
    assert_eq!(run(&e, &mut s, &text), "ok\nn\n4\nok\nn\n1\nok\nn|m\n3|n");
}
