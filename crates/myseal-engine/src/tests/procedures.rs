//! Stored procedures (first part): CREATE/DROP PROCEDURE, CALL with IN/OUT/INOUT parameters
//! and result sets, with MySQL 8.4's errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-procedure.html>

use super::{engine, render, session};
use crate::{Engine, Session};

fn setup() -> (Engine, Session) {
    let e = engine();
    let mut s = session(&e);
    for sql in [
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, v INT)",
        "INSERT INTO t VALUES (1, 10), (2, 20), (3, 30)",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    (e, s)
}

fn run_all(e: &Engine, s: &mut Session, sql: &str) -> String {
    let (outs, err) = e.execute(s, sql);
    render(&outs, err.as_ref())
}

#[test]
fn call_returns_result_sets_and_sets_out_parameters() {
    let (e, mut s) = setup();
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE PROCEDURE stats(IN lo INT, OUT n INT, INOUT acc INT)
             BEGIN
               DECLARE total INT;
               SELECT COUNT(*), SUM(v) INTO n, total FROM t WHERE id >= lo;
               SET acc = acc + total;
               SELECT id, v FROM t WHERE id >= lo ORDER BY id;
               SELECT n AS rows_seen;
               INSERT INTO t VALUES (100 + lo, total);
             END"
        ),
        "ok"
    );
    assert_eq!(run_all(&e, &mut s, "SET @acc = 5"), "ok");
    assert_eq!(
        run_all(&e, &mut s, "CALL stats(2, @n, @acc)"),
        "id|v\n2|20\n3|30\nrows_seen\n2\nok"
    );
    assert_eq!(run_all(&e, &mut s, "SELECT @n, @acc"), "@n|@acc\n2|55");
    assert_eq!(
        run_all(&e, &mut s, "SELECT v FROM t WHERE id = 102"),
        "v\n50"
    );
}

#[test]
fn procedure_errors_as_mysql() {
    let (e, mut s) = setup();
    for (sql, expected) in [
        ("CREATE PROCEDURE p(a INT) SELECT a", "ok"),
        ("CALL p(7)", "a\n7\nok"),
        (
            "CREATE PROCEDURE p() SELECT 1",
            "ERROR 1304 (42000): PROCEDURE p already exists",
        ),
        (
            "CREATE PROCEDURE IF NOT EXISTS p() SELECT 1",
            "ok warnings=1",
        ),
        (
            "CALL p(1, 2)",
            "ERROR 1318 (42000): Incorrect number of arguments for PROCEDURE d.p; expected 1, got 2",
        ),
        (
            "CALL nope()",
            "ERROR 1305 (42000): PROCEDURE d.nope does not exist",
        ),
        ("CREATE PROCEDURE q(OUT x INT) SET x = 1", "ok"),
        (
            "CALL q(1)",
            "ERROR 1414 (42000): OUT or INOUT argument 1 for routine d.q is not a variable or NEW pseudo-variable in BEFORE trigger",
        ),
        (
            "CREATE PROCEDURE r() BEGIN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'stop'; END",
            "ok",
        ),
        ("CALL r()", "ERROR 1644 (45000): stop"),
        (
            "CREATE PROCEDURE dup(a INT, A INT) SELECT 1",
            "ERROR 1330 (42000): Duplicate parameter: A",
        ),
        (
            "SHOW CREATE PROCEDURE p",
            "Procedure|sql_mode|Create Procedure|character_set_client|collation_connection|Database Collation\n\
             p|ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION|CREATE DEFINER=`root`@`%` PROCEDURE `p`(a INT)\nSELECT a|utf8mb4|utf8mb4_0900_ai_ci|utf8mb4_0900_ai_ci",
        ),
        (
            "SHOW CREATE PROCEDURE nope",
            "ERROR 1305 (42000): PROCEDURE d.nope does not exist",
        ),
        ("DROP PROCEDURE p", "ok"),
        (
            "DROP PROCEDURE p",
            "ERROR 1305 (42000): PROCEDURE d.p does not exist",
        ),
        ("DROP PROCEDURE IF EXISTS p", "ok warnings=1"),
    ] {
        assert_eq!(run_all(&e, &mut s, sql), expected, "for SQL: {sql}");
    }
}
