//! Stored procedures (first part): CREATE/DROP PROCEDURE, CALL with IN/OUT/INOUT parameters
//! and result sets, with MySQL 8.4's errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-procedure.html>

use super::{engine, render, session};
use crate::{Engine, Session};

/// Database `d` (current) with `t (id, v)` holding (1, 10), (2, 20), (3, 30).
pub(super) fn setup() -> (Engine, Session) {
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

/// Every outcome of `sql` and its error, rendered.
pub(super) fn run_all(e: &Engine, s: &mut Session, sql: &str) -> String {
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
fn an_error_ends_a_call_and_keeps_the_statements_before_it() {
    let (e, mut s) = setup();
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE PROCEDURE fill(a INT, b INT)
             BEGIN
               INSERT INTO t VALUES (a, 1);
               SELECT COUNT(*) AS n FROM t;
               INSERT INTO t VALUES (b, 2), (a, 3);
               INSERT INTO t VALUES (99, 99);
             END"
        ),
        "ok"
    );
    // MySQL runs a procedure's statements one by one: the first INSERT stays, the failing
    // one is undone whole (its row b too), nothing after it runs, and the result set sent
    // before the error still arrives.
    assert_eq!(
        run_all(&e, &mut s, "CALL fill(4, 5)"),
        "n\n4\nERROR 1062 (23000): Duplicate entry '4' for key 't.PRIMARY'"
    );
    assert_eq!(
        run_all(&e, &mut s, "SELECT id, v FROM t WHERE id > 3 ORDER BY id"),
        "id|v\n4|1"
    );
    // In a transaction the kept statement belongs to it: ROLLBACK takes it away.
    assert_eq!(run_all(&e, &mut s, "BEGIN"), "ok");
    assert_eq!(
        run_all(&e, &mut s, "CALL fill(6, 7)"),
        "n\n5\nERROR 1062 (23000): Duplicate entry '6' for key 't.PRIMARY'"
    );
    assert_eq!(
        run_all(&e, &mut s, "SELECT id FROM t WHERE id > 5"),
        "id\n6"
    );
    assert_eq!(run_all(&e, &mut s, "ROLLBACK"), "ok");
    assert_eq!(run_all(&e, &mut s, "SELECT id FROM t WHERE id > 5"), "id");
    // OUT parameters are not set by a CALL that failed.
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE PROCEDURE half(OUT x INT) BEGIN SET x = 1; INSERT INTO t VALUES (1, 1); END"
        ),
        "ok"
    );
    assert_eq!(run_all(&e, &mut s, "SET @x = 0"), "ok");
    assert_eq!(
        run_all(&e, &mut s, "CALL half(@x)"),
        "ERROR 1062 (23000): Duplicate entry '1' for key 't.PRIMARY'"
    );
    assert_eq!(run_all(&e, &mut s, "SELECT @x"), "@x\n0");
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

/// SHOW PROCEDURE STATUS lists each procedure with MySQL's columns (mariadb-dump --routines
/// reads it); LIKE matches names, WHERE filters any column; SHOW FUNCTION STATUS has no rows
/// while stored functions don't exist.
#[test]
fn show_procedure_status_lists_procedures() {
    let (e, mut s) = setup();
    for sql in [
        "CREATE PROCEDURE p1() SELECT 1",
        "CREATE PROCEDURE p2(x INT) SELECT x",
    ] {
        assert_eq!(run_all(&e, &mut s, sql), "ok", "{sql}");
    }
    let (outs, err) = e.execute(&mut s, "SHOW PROCEDURE STATUS WHERE Db = 'd'");
    assert!(err.is_none(), "{err:?}");
    let Some(crate::Outcome::Rows { columns, rows }) = outs.first() else {
        panic!("no rows: {outs:?}");
    };
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Db",
            "Name",
            "Type",
            "Definer",
            "Modified",
            "Created",
            "Security_type",
            "Comment",
            "character_set_client",
            "collation_connection",
            "Database Collation"
        ]
    );
    let text = |r: &Vec<crate::value::Value>, i: usize| {
        r.get(i)
            .and_then(crate::value::Value::to_text)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let got: Vec<(String, String, String, String, String)> = rows
        .iter()
        .map(|r| (text(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 6)))
        .collect();
    let row = |n: &str| {
        (
            "d".to_string(),
            n.to_string(),
            "PROCEDURE".to_string(),
            "root@%".to_string(),
            "DEFINER".to_string(),
        )
    };
    assert_eq!(got, [row("p1"), row("p2")]);
    for (sql, n) in [
        ("SHOW PROCEDURE STATUS LIKE 'p2'", 1),
        ("SHOW PROCEDURE STATUS LIKE 'nothing%'", 0),
        ("SHOW PROCEDURE STATUS WHERE Db = 'other'", 0),
        ("SHOW FUNCTION STATUS WHERE Db = 'd'", 0),
        ("SHOW FUNCTION STATUS", 0),
    ] {
        let (outs, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
        match outs.first() {
            Some(crate::Outcome::Rows { rows, .. }) => assert_eq!(rows.len(), n, "{sql}"),
            other => panic!("{sql}: {other:?}"),
        }
    }
}

/// information_schema.ROUTINES has a row per procedure with MySQL 8.4's columns and values;
/// it filters and joins like any table.
#[test]
fn information_schema_routines_lists_procedures() {
    let (e, mut s) = setup();
    for sql in [
        "CREATE PROCEDURE p1() SELECT 1",
        "CREATE PROCEDURE p2(IN x INT, OUT y VARCHAR(10)) BEGIN SET y = x; END",
        "CREATE DATABASE other",
        "CREATE PROCEDURE other.q() SELECT 2",
    ] {
        let out = run_all(&e, &mut s, sql);
        assert!(out.starts_with("ok"), "{sql}: {out}");
    }
    let (outs, err) = e.execute(&mut s, "SELECT * FROM information_schema.ROUTINES");
    assert!(err.is_none(), "{err:?}");
    let Some(crate::Outcome::Rows { columns, rows }) = outs.first() else {
        panic!("no rows: {outs:?}");
    };
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "SPECIFIC_NAME",
            "ROUTINE_CATALOG",
            "ROUTINE_SCHEMA",
            "ROUTINE_NAME",
            "ROUTINE_TYPE",
            "DATA_TYPE",
            "CHARACTER_MAXIMUM_LENGTH",
            "CHARACTER_OCTET_LENGTH",
            "NUMERIC_PRECISION",
            "NUMERIC_SCALE",
            "DATETIME_PRECISION",
            "CHARACTER_SET_NAME",
            "COLLATION_NAME",
            "DTD_IDENTIFIER",
            "ROUTINE_BODY",
            "ROUTINE_DEFINITION",
            "EXTERNAL_NAME",
            "EXTERNAL_LANGUAGE",
            "PARAMETER_STYLE",
            "IS_DETERMINISTIC",
            "SQL_DATA_ACCESS",
            "SQL_PATH",
            "SECURITY_TYPE",
            "CREATED",
            "LAST_ALTERED",
            "SQL_MODE",
            "ROUTINE_COMMENT",
            "DEFINER",
            "CHARACTER_SET_CLIENT",
            "COLLATION_CONNECTION",
            "DATABASE_COLLATION"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT SPECIFIC_NAME, ROUTINE_CATALOG, ROUTINE_NAME, ROUTINE_TYPE, DATA_TYPE = '',
                CHARACTER_MAXIMUM_LENGTH, DTD_IDENTIFIER, ROUTINE_BODY, ROUTINE_DEFINITION,
                EXTERNAL_NAME, EXTERNAL_LANGUAGE, PARAMETER_STYLE, IS_DETERMINISTIC,
                SQL_DATA_ACCESS, SQL_PATH, SECURITY_TYPE, CREATED = LAST_ALTERED,
                ROUTINE_COMMENT = '', DEFINER, CHARACTER_SET_CLIENT, DATABASE_COLLATION
             FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'd' ORDER BY ROUTINE_NAME"
        ),
        "SPECIFIC_NAME|ROUTINE_CATALOG|ROUTINE_NAME|ROUTINE_TYPE|DATA_TYPE = ''|\
         CHARACTER_MAXIMUM_LENGTH|DTD_IDENTIFIER|ROUTINE_BODY|ROUTINE_DEFINITION|EXTERNAL_NAME|\
         EXTERNAL_LANGUAGE|PARAMETER_STYLE|IS_DETERMINISTIC|SQL_DATA_ACCESS|SQL_PATH|\
         SECURITY_TYPE|CREATED = LAST_ALTERED|ROUTINE_COMMENT = ''|DEFINER|CHARACTER_SET_CLIENT|\
         DATABASE_COLLATION\n\
         p1|def|p1|PROCEDURE|1|NULL|NULL|SQL|SELECT 1|NULL|SQL|SQL|NO|CONTAINS SQL|NULL|DEFINER|1|1|root@%|utf8mb4|utf8mb4_0900_ai_ci\n\
         p2|def|p2|PROCEDURE|1|NULL|NULL|SQL|BEGIN SET y = x; END|NULL|SQL|SQL|NO|CONTAINS SQL|NULL|DEFINER|1|1|root@%|utf8mb4|utf8mb4_0900_ai_ci"
    );
    // Joined with SCHEMATA, grouped, and filtered on the routine type.
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT s.SCHEMA_NAME, COUNT(r.ROUTINE_NAME) AS n FROM information_schema.SCHEMATA s
             JOIN information_schema.ROUTINES r ON r.ROUTINE_SCHEMA = s.SCHEMA_NAME
             WHERE r.ROUTINE_TYPE = 'PROCEDURE' GROUP BY s.SCHEMA_NAME ORDER BY s.SCHEMA_NAME"
        ),
        "SCHEMA_NAME|n\nd|2\nother|1"
    );
    // DROP PROCEDURE and DROP DATABASE remove the rows.
    assert_eq!(run_all(&e, &mut s, "DROP PROCEDURE p1"), "ok");
    assert_eq!(run_all(&e, &mut s, "DROP DATABASE other"), "ok");
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT ROUTINE_SCHEMA, ROUTINE_NAME FROM information_schema.ROUTINES"
        ),
        "ROUTINE_SCHEMA|ROUTINE_NAME\nd|p2"
    );
    // A database of the same name starts without the old procedures.
    assert_eq!(
        run_all(&e, &mut s, "CREATE DATABASE other"),
        "ok affected=1"
    );
    assert_eq!(
        run_all(&e, &mut s, "CALL other.q()"),
        "ERROR 1305 (42000): PROCEDURE other.q does not exist"
    );
}

/// information_schema.PARAMETERS has a row per parameter, typed as declared: string
/// parameters take the database's character set and collation.
#[test]
fn information_schema_parameters_lists_parameters() {
    let (e, mut s) = setup();
    for sql in [
        "CREATE DATABASE l CHARACTER SET latin1",
        "CREATE PROCEDURE l.p(IN a INT UNSIGNED, OUT b VARCHAR(10), INOUT c DECIMAL(8,3),
            IN d DATETIME(3), IN e BLOB) BEGIN END",
        "CREATE PROCEDURE d.none() BEGIN END",
    ] {
        let out = run_all(&e, &mut s, sql);
        assert!(out.starts_with("ok"), "{sql}: {out}");
    }
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT SPECIFIC_CATALOG, SPECIFIC_SCHEMA, SPECIFIC_NAME, ORDINAL_POSITION,
                PARAMETER_MODE, PARAMETER_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH,
                CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION,
                CHARACTER_SET_NAME, COLLATION_NAME, DTD_IDENTIFIER, ROUTINE_TYPE
             FROM information_schema.PARAMETERS ORDER BY SPECIFIC_NAME, ORDINAL_POSITION"
        ),
        "SPECIFIC_CATALOG|SPECIFIC_SCHEMA|SPECIFIC_NAME|ORDINAL_POSITION|PARAMETER_MODE|\
         PARAMETER_NAME|DATA_TYPE|CHARACTER_MAXIMUM_LENGTH|CHARACTER_OCTET_LENGTH|\
         NUMERIC_PRECISION|NUMERIC_SCALE|DATETIME_PRECISION|CHARACTER_SET_NAME|COLLATION_NAME|\
         DTD_IDENTIFIER|ROUTINE_TYPE\n\
         def|l|p|1|IN|a|int|NULL|NULL|10|0|NULL|NULL|NULL|int unsigned|PROCEDURE\n\
         def|l|p|2|OUT|b|varchar|10|10|NULL|NULL|NULL|latin1|latin1_swedish_ci|varchar(10)|PROCEDURE\n\
         def|l|p|3|INOUT|c|decimal|NULL|NULL|8|3|NULL|NULL|NULL|decimal(8,3)|PROCEDURE\n\
         def|l|p|4|IN|d|datetime|NULL|NULL|NULL|NULL|3|NULL|NULL|datetime(3)|PROCEDURE\n\
         def|l|p|5|IN|e|blob|65535|65535|NULL|NULL|NULL|NULL|NULL|blob|PROCEDURE"
    );
    // Joined with ROUTINES: the procedures with their parameter counts, one without any.
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT r.ROUTINE_NAME, COUNT(p.PARAMETER_NAME) AS n
             FROM information_schema.ROUTINES r LEFT JOIN information_schema.PARAMETERS p
               ON p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.ROUTINE_NAME
             GROUP BY r.ROUTINE_NAME ORDER BY r.ROUTINE_NAME"
        ),
        "ROUTINE_NAME|n\nnone|0\np|5"
    );
}

/// As MySQL's CAN_ACCESS_ROUTINE: an account sees the routines it defined, and those of the
/// databases where it holds EXECUTE, CREATE ROUTINE or ALTER ROUTINE (SELECT is not enough),
/// their definitions only as their definer (or with SHOW_ROUTINE or a global SELECT).
#[test]
fn routines_are_visible_by_routine_privileges() {
    let (e, mut s) = setup();
    for sql in [
        "CREATE DATABASE hidden",
        "CREATE PROCEDURE hidden.h(x INT) SELECT x",
        "CREATE PROCEDURE d.p(x INT) SELECT x",
        "CREATE USER bob@'%' IDENTIFIED BY 'pw'",
        "GRANT SELECT ON d.* TO bob@'%'",
        "CREATE DEFINER = 'bob'@'%' PROCEDURE d.mine() SELECT 'bob'",
    ] {
        let out = run_all(&e, &mut s, sql);
        assert!(out.starts_with("ok"), "{sql}: {out}");
    }
    let mut bob = e.new_session(crate::SessionInfo {
        connection_id: 8,
        user: "bob".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: None,
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    });
    assert_eq!(
        run_all(
            &e,
            &mut bob,
            "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES
             ORDER BY ROUTINE_NAME"
        ),
        "ROUTINE_SCHEMA|ROUTINE_NAME|ROUTINE_DEFINITION\nd|mine|SELECT 'bob'"
    );
    assert_eq!(
        run_all(
            &e,
            &mut bob,
            "SELECT COUNT(*) FROM information_schema.PARAMETERS"
        ),
        "COUNT(*)\n0"
    );
    assert_eq!(run_all(&e, &mut s, "GRANT EXECUTE ON d.* TO bob@'%'"), "ok");
    assert_eq!(
        run_all(
            &e,
            &mut bob,
            "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_DEFINITION FROM information_schema.ROUTINES
             ORDER BY ROUTINE_NAME"
        ),
        "ROUTINE_SCHEMA|ROUTINE_NAME|ROUTINE_DEFINITION\nd|mine|SELECT 'bob'\nd|p|NULL"
    );
    assert_eq!(
        run_all(
            &e,
            &mut bob,
            "SELECT SPECIFIC_SCHEMA, SPECIFIC_NAME, PARAMETER_NAME FROM information_schema.PARAMETERS"
        ),
        "SPECIFIC_SCHEMA|SPECIFIC_NAME|PARAMETER_NAME\nd|p|x"
    );
    // SHOW PROCEDURE STATUS lists the same routines as ROUTINES.
    let (outs, err) = e.execute(&mut bob, "SHOW PROCEDURE STATUS");
    assert!(err.is_none(), "{err:?}");
    let Some(crate::Outcome::Rows { rows, .. }) = outs.first() else {
        panic!("no rows: {outs:?}");
    };
    let names: Vec<Option<Vec<u8>>> = rows
        .iter()
        .map(|r| r.get(1).and_then(crate::value::Value::to_text))
        .collect();
    assert_eq!(names, [Some(b"mine".to_vec()), Some(b"p".to_vec())]);
}

/// `DEFINER = user@'host'` and `user@host` unquoted, as clients write them.
#[test]
fn definer_forms_parse() {
    let (e, mut s) = setup();
    for sql in [
        "CREATE USER bob@'%' IDENTIFIED BY 'pw'",
        "CREATE DEFINER = bob@'%' PROCEDURE p1() SELECT 1",
        "CREATE DEFINER=bob@localhost PROCEDURE p2() SELECT 1",
        "CREATE DEFINER = `bob`@`%` PROCEDURE p3() SELECT 1",
    ] {
        let out = run_all(&e, &mut s, sql);
        assert!(out.starts_with("ok"), "{sql}: {out}");
    }
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT ROUTINE_NAME, DEFINER FROM information_schema.ROUTINES ORDER BY ROUTINE_NAME"
        ),
        "ROUTINE_NAME|DEFINER\np1|bob@%\np2|bob@localhost\np3|bob@%"
    );
}

#[test]
fn a_body_calls_other_procedures() {
    let (e, mut s) = setup();
    for sql in [
        "CREATE PROCEDURE add_row(IN a INT, OUT doubled INT)
         BEGIN
           INSERT INTO t VALUES (a, a * 10);
           SET doubled = a * 2;
           SELECT a AS added;
         END",
        "CREATE PROCEDURE twice(INOUT n INT) SET n = n * 2",
        "CREATE PROCEDURE outer_p()
         BEGIN
           DECLARE x INT DEFAULT 0;
           CALL add_row(4, x);
           CALL twice(x);
           SELECT x;
           CALL add_row(x, @y);
         END",
    ] {
        assert_eq!(run_all(&e, &mut s, sql), "ok", "{sql}");
    }
    // The callee's result sets are the caller's; OUT and INOUT reach locals and variables.
    assert_eq!(
        run_all(&e, &mut s, "CALL outer_p()"),
        "added\n4\nx\n16\nadded\n16\nok"
    );
    assert_eq!(run_all(&e, &mut s, "SELECT @y"), "@y\n32");
    assert_eq!(
        run_all(&e, &mut s, "SELECT id, v FROM t WHERE id > 3 ORDER BY id"),
        "id|v\n4|40\n16|160"
    );
    // An OUT argument that is not a variable, a missing procedure, a wrong count.
    for (body, expected) in [
        (
            "CALL twice(3)",
            "ERROR 1414 (42000): OUT or INOUT argument 1 for routine d.twice is not a variable or NEW pseudo-variable in BEFORE trigger",
        ),
        (
            "CALL nope()",
            "ERROR 1305 (42000): PROCEDURE d.nope does not exist",
        ),
        (
            "CALL twice()",
            "ERROR 1318 (42000): Incorrect number of arguments for PROCEDURE d.twice; expected 1, got 0",
        ),
    ] {
        let create = format!("CREATE PROCEDURE bad() BEGIN {body}; END");
        assert_eq!(run_all(&e, &mut s, &create), "ok");
        assert_eq!(run_all(&e, &mut s, "CALL bad()"), expected, "{body}");
        assert_eq!(run_all(&e, &mut s, "DROP PROCEDURE bad"), "ok");
    }
    // Recursion needs max_sp_recursion_depth (0 by default, as in MySQL).
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE PROCEDURE countdown(IN n INT)
             BEGIN
               IF n > 0 THEN
                 INSERT INTO t VALUES (1000 + n, n);
                 CALL countdown(n - 1);
               END IF;
             END"
        ),
        "ok"
    );
    assert_eq!(
        run_all(&e, &mut s, "CALL countdown(3)"),
        "ERROR 1456 (HY000): Recursive limit 0 (as set by the max_sp_recursion_depth variable) was exceeded for routine d.countdown"
    );
    // The first level's INSERT ran before the refused call and stays.
    assert_eq!(
        run_all(&e, &mut s, "SELECT id FROM t WHERE id > 1000"),
        "id\n1003"
    );
    assert_eq!(run_all(&e, &mut s, "SET max_sp_recursion_depth = 5"), "ok");
    assert_eq!(
        run_all(&e, &mut s, "DELETE FROM t WHERE id > 1000"),
        "ok affected=1"
    );
    assert_eq!(run_all(&e, &mut s, "CALL countdown(3)"), "ok");
    assert_eq!(
        run_all(&e, &mut s, "SELECT COUNT(*) FROM t WHERE id > 1000"),
        "COUNT(*)\n3"
    );
    // A function may call a procedure that sends no result set, not one that does.
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE FUNCTION f_ok(a INT) RETURNS INT DETERMINISTIC
             BEGIN DECLARE r INT DEFAULT a; CALL twice(r); RETURN r; END"
        ),
        "ok"
    );
    assert_eq!(run_all(&e, &mut s, "SELECT f_ok(21)"), "f_ok(21)\n42");
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE FUNCTION f_bad() RETURNS INT DETERMINISTIC
             BEGIN DECLARE r INT; CALL add_row(50, r); RETURN r; END"
        ),
        "ok"
    );
    assert_eq!(
        run_all(&e, &mut s, "SELECT f_bad()"),
        "ERROR 1415 (0A000): Not allowed to return a result set from a function"
    );
}
