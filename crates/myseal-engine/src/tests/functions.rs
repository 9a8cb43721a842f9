//! Stored functions: CREATE/DROP/ALTER/SHOW CREATE FUNCTION, calls in expressions, routine
//! characteristics, with MySQL 8.4's errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-procedure.html>

use super::procedures::{run_all, setup};
use super::{engine, session};
use crate::{Engine, Session};

fn ok(e: &Engine, s: &mut Session, sql: &str) {
    let out = run_all(e, s, sql);
    assert!(out.starts_with("ok"), "{sql}: {out}");
}

#[test]
fn functions_are_called_in_select_where_and_insert() {
    let (e, mut s) = setup();
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION twice(x INT) RETURNS INT DETERMINISTIC RETURN x * 2",
    );
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION total(lo INT) RETURNS INT READS SQL DATA
         BEGIN
           DECLARE n INT DEFAULT 0;
           SELECT SUM(v) INTO n FROM t WHERE id >= lo;
           IF n IS NULL THEN
             RETURN -1;
           END IF;
           RETURN n;
         END",
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT twice(21), d.twice(1) + 1, total(2), total(9)"
        ),
        "twice(21)|d.twice(1) + 1|total(2)|total(9)\n42|3|50|-1"
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT id FROM t WHERE twice(v) > 30 ORDER BY id"
        ),
        "id\n2\n3"
    );
    ok(&e, &mut s, "INSERT INTO t VALUES (4, twice(total(1)))");
    assert_eq!(
        run_all(&e, &mut s, "SELECT v FROM t WHERE id = 4"),
        "v\n120"
    );
    // From another database, qualified; a view and a procedure call it too.
    ok(&e, &mut s, "CREATE DATABASE other");
    ok(&e, &mut s, "USE other");
    assert_eq!(run_all(&e, &mut s, "SELECT d.twice(5)"), "d.twice(5)\n10");
    assert_eq!(
        run_all(&e, &mut s, "SELECT twice(5)"),
        "ERROR 1305 (42000): FUNCTION other.twice does not exist"
    );
    ok(&e, &mut s, "USE d");
    ok(
        &e,
        &mut s,
        "CREATE VIEW w AS SELECT id, twice(v) AS t2 FROM t",
    );
    assert_eq!(
        run_all(&e, &mut s, "SELECT t2 FROM w WHERE id = 1"),
        "t2\n20"
    );
    ok(
        &e,
        &mut s,
        "CREATE PROCEDURE p(x INT) BEGIN DECLARE y INT; SET y = twice(x); SELECT y; END",
    );
    assert_eq!(run_all(&e, &mut s, "CALL p(4)"), "y\n8\nok");
    // SET and DO evaluate through the same binder.
    assert_eq!(run_all(&e, &mut s, "SET @z = twice(3)"), "ok");
    assert_eq!(run_all(&e, &mut s, "SELECT @z"), "@z\n6");
}

#[test]
fn arguments_and_results_are_converted_to_the_declared_types() {
    let (e, mut s) = setup();
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION half(x DECIMAL(5,1)) RETURNS DECIMAL(6,2) DETERMINISTIC RETURN x / 2",
    );
    assert_eq!(run_all(&e, &mut s, "SELECT half(3.14)"), "half(3.14)\n1.55");
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION small(x INT) RETURNS TINYINT DETERMINISTIC RETURN x",
    );
    assert_eq!(run_all(&e, &mut s, "SELECT small(5)"), "small(5)\n5");
    let out = run_all(&e, &mut s, "SELECT small(1000)");
    assert!(out.starts_with("ERROR 1264 (22003)"), "{out}");
    // The RETURN value is stored under the sql_mode the function was created with.
    ok(&e, &mut s, "SET sql_mode = ''");
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION lenient(x INT) RETURNS TINYINT DETERMINISTIC RETURN x",
    );
    ok(&e, &mut s, "SET sql_mode = DEFAULT");
    assert_eq!(
        run_all(&e, &mut s, "SELECT lenient(1000)"),
        "lenient(1000)\n127"
    );
    assert_eq!(
        run_all(&e, &mut s, "SHOW WARNINGS"),
        "Level|Code|Message\nWarning|1264|Out of range value for column 'lenient' at row 1"
    );
    assert!(run_all(&e, &mut s, "SELECT @@sql_mode").contains("STRICT_TRANS_TABLES"));
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION greet(n VARCHAR(10)) RETURNS VARCHAR(20) CHARSET utf8mb4 NO SQL
         RETURN CONCAT('hi ', n)",
    );
    assert_eq!(
        run_all(&e, &mut s, "SELECT greet('bob'), greet(NULL)"),
        "greet('bob')|greet(NULL)\nhi bob|NULL"
    );
}

#[test]
fn function_errors_match_mysql() {
    let (e, mut s) = setup();
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x",
    );
    assert_eq!(
        run_all(&e, &mut s, "SELECT f(1, 2)"),
        "ERROR 1318 (42000): Incorrect number of arguments for FUNCTION d.f; expected 1, got 2"
    );
    assert_eq!(
        run_all(&e, &mut s, "SELECT NoSuch(1)"),
        "ERROR 1305 (42000): FUNCTION d.NoSuch does not exist"
    );
    // Names are matched without regard to case.
    assert_eq!(run_all(&e, &mut s, "SELECT F(7)"), "F(7)\n7");
    assert_eq!(
        run_all(&e, &mut s, "SELECT nodb.f(1)"),
        "ERROR 1305 (42000): FUNCTION nodb.f does not exist"
    );
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION fact(n INT) RETURNS INT DETERMINISTIC
         BEGIN
           IF n <= 1 THEN RETURN 1; END IF;
           RETURN n * fact(n - 1);
         END",
    );
    assert_eq!(run_all(&e, &mut s, "SELECT fact(1)"), "fact(1)\n1");
    assert_eq!(
        run_all(&e, &mut s, "SELECT fact(3)"),
        "ERROR 1424 (HY000): Recursive stored functions and triggers are not allowed."
    );
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION noret(x INT) RETURNS INT DETERMINISTIC
         BEGIN
           IF x > 0 THEN RETURN x; END IF;
         END",
    );
    assert_eq!(run_all(&e, &mut s, "SELECT noret(1)"), "noret(1)\n1");
    assert_eq!(
        run_all(&e, &mut s, "SELECT noret(0)"),
        "ERROR 1321 (2F005): FUNCTION noret ended without RETURN"
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE FUNCTION rs() RETURNS INT DETERMINISTIC BEGIN SELECT 1; RETURN 1; END"
        ),
        "ERROR 1415 (0A000): Not allowed to return a result set from a function"
    );
    assert_eq!(
        run_all(&e, &mut s, "CREATE PROCEDURE pr() BEGIN RETURN 1; END"),
        "ERROR 1313 (42000): RETURN is only allowed in a FUNCTION"
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC RETURN x"
        ),
        "ERROR 1304 (42000): FUNCTION f already exists"
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE FUNCTION IF NOT EXISTS f(x INT) RETURNS INT DETERMINISTIC RETURN x"
        ),
        "ok warnings=1"
    );
    // A function and a procedure may share a name.
    ok(&e, &mut s, "CREATE PROCEDURE f() SELECT 1");
}

#[test]
fn binary_logging_needs_deterministic_or_a_trusted_creator() {
    let (e, mut s) = setup();
    let unsafe_text = "ERROR 1418 (HY000): This function has none of DETERMINISTIC, NO SQL, or READS SQL DATA in its declaration and binary logging is enabled (you *might* want to use the less safe log_bin_trust_function_creators variable)";
    assert_eq!(
        run_all(&e, &mut s, "CREATE FUNCTION f() RETURNS INT RETURN 1"),
        unsafe_text
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "CREATE FUNCTION f() RETURNS INT MODIFIES SQL DATA RETURN 1"
        ),
        unsafe_text
    );
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION f1() RETURNS INT NO SQL RETURN 1",
    );
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION f2() RETURNS INT READS SQL DATA RETURN 1",
    );
    ok(
        &e,
        &mut s,
        "SET GLOBAL log_bin_trust_function_creators = ON",
    );
    ok(&e, &mut s, "CREATE FUNCTION f3() RETURNS INT RETURN 3");
    ok(
        &e,
        &mut s,
        "SET GLOBAL log_bin_trust_function_creators = OFF",
    );
    // Without SUPER, even a DETERMINISTIC function is refused.
    ok(&e, &mut s, "CREATE USER bob@'%' IDENTIFIED BY 'pw'");
    ok(
        &e,
        &mut s,
        "GRANT CREATE ROUTINE, EXECUTE ON d.* TO bob@'%'",
    );
    let mut bob = e.new_session(crate::SessionInfo {
        connection_id: 8,
        user: "bob".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: Some("d".into()),
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    });
    assert_eq!(
        run_all(
            &e,
            &mut bob,
            "CREATE FUNCTION b() RETURNS INT DETERMINISTIC RETURN 1"
        ),
        "ERROR 1419 (HY000): You do not have the SUPER privilege and binary logging is enabled (you *might* want to use the less safe log_bin_trust_function_creators variable)"
    );
    assert_eq!(run_all(&e, &mut bob, "SELECT f3()"), "f3()\n3");
    // A trigger's body is logged as a function's is: the same check (sql_trigger.cc).
    ok(&e, &mut s, "CREATE TABLE trg_t (id INT)");
    ok(&e, &mut s, "GRANT TRIGGER ON d.* TO bob@'%'");
    let trigger = "CREATE TRIGGER tb BEFORE INSERT ON trg_t FOR EACH ROW SET NEW.id = NEW.id + 1";
    assert_eq!(
        run_all(&e, &mut bob, trigger),
        "ERROR 1419 (HY000): You do not have the SUPER privilege and binary logging is enabled (you *might* want to use the less safe log_bin_trust_function_creators variable)"
    );
    ok(
        &e,
        &mut s,
        "SET GLOBAL log_bin_trust_function_creators = ON",
    );
    assert_eq!(run_all(&e, &mut bob, trigger), "ok");
    ok(
        &e,
        &mut s,
        "SET GLOBAL log_bin_trust_function_creators = OFF",
    );
    ok(&e, &mut s, "REVOKE EXECUTE ON d.* FROM bob@'%'");
    assert_eq!(
        run_all(&e, &mut bob, "SELECT f3()"),
        "ERROR 1370 (42000): execute command denied to user 'bob'@'%' for routine 'd.f3'"
    );
}

#[test]
fn show_create_alter_and_information_schema_show_the_characteristics() {
    let (e, mut s) = setup();
    ok(
        &e,
        &mut s,
        "CREATE DEFINER = root@localhost FUNCTION f(a INT, b VARCHAR(5)) RETURNS VARCHAR(10)
         DETERMINISTIC READS SQL DATA SQL SECURITY INVOKER COMMENT 'it''s f'
         RETURN CONCAT(a, b)",
    );
    assert_eq!(
        run_all(&e, &mut s, "SHOW CREATE FUNCTION f"),
        "Function|sql_mode|Create Function|character_set_client|collation_connection|Database Collation\n\
         f|ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION|\
         CREATE DEFINER=`root`@`localhost` FUNCTION `f`(a INT, b VARCHAR(5)) RETURNS VARCHAR(10)\n    READS SQL DATA\n    DETERMINISTIC\n    SQL SECURITY INVOKER\n    COMMENT 'it\\'s f'\nRETURN CONCAT(a, b)|utf8mb4|utf8mb4_0900_ai_ci|utf8mb4_0900_ai_ci"
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT ROUTINE_TYPE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, DTD_IDENTIFIER, IS_DETERMINISTIC,
                    SQL_DATA_ACCESS, SECURITY_TYPE, ROUTINE_COMMENT
             FROM information_schema.ROUTINES WHERE ROUTINE_NAME = 'f'"
        ),
        "ROUTINE_TYPE|DATA_TYPE|CHARACTER_MAXIMUM_LENGTH|DTD_IDENTIFIER|IS_DETERMINISTIC|SQL_DATA_ACCESS|SECURITY_TYPE|ROUTINE_COMMENT\n\
         FUNCTION|varchar|10|varchar(10)|YES|READS SQL DATA|INVOKER|it's f"
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT ORDINAL_POSITION, PARAMETER_MODE, PARAMETER_NAME, DTD_IDENTIFIER, ROUTINE_TYPE
             FROM information_schema.PARAMETERS WHERE SPECIFIC_NAME = 'f' ORDER BY ORDINAL_POSITION"
        ),
        "ORDINAL_POSITION|PARAMETER_MODE|PARAMETER_NAME|DTD_IDENTIFIER|ROUTINE_TYPE\n\
         0|NULL|NULL|varchar(10)|FUNCTION\n1|IN|a|int|FUNCTION\n2|IN|b|varchar(5)|FUNCTION"
    );
    ok(
        &e,
        &mut s,
        "ALTER FUNCTION f SQL SECURITY DEFINER COMMENT 'new' NO SQL",
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, ROUTINE_COMMENT
             FROM information_schema.ROUTINES WHERE ROUTINE_NAME = 'f'"
        ),
        "IS_DETERMINISTIC|SQL_DATA_ACCESS|SECURITY_TYPE|ROUTINE_COMMENT\nYES|NO SQL|DEFINER|new"
    );
    // Procedures keep their characteristics too.
    ok(
        &e,
        &mut s,
        "CREATE PROCEDURE p() MODIFIES SQL DATA COMMENT 'writes' UPDATE t SET v = v",
    );
    assert_eq!(
        run_all(
            &e,
            &mut s,
            "SELECT ROUTINE_NAME, SQL_DATA_ACCESS, ROUTINE_COMMENT FROM information_schema.ROUTINES
             ORDER BY ROUTINE_NAME"
        ),
        "ROUTINE_NAME|SQL_DATA_ACCESS|ROUTINE_COMMENT\nf|NO SQL|new\np|MODIFIES SQL DATA|writes"
    );
    ok(&e, &mut s, "ALTER PROCEDURE p SQL SECURITY INVOKER");
    let out = run_all(&e, &mut s, "SHOW CREATE PROCEDURE p");
    assert!(
        out.contains("PROCEDURE `p`()\n    MODIFIES SQL DATA\n    SQL SECURITY INVOKER\n    COMMENT 'writes'\nUPDATE t SET v = v"),
        "{out}"
    );
    assert_eq!(
        run_all(&e, &mut s, "ALTER FUNCTION nosuch COMMENT 'x'"),
        "ERROR 1305 (42000): FUNCTION d.nosuch does not exist"
    );
    // SHOW FUNCTION STATUS lists functions only, SHOW PROCEDURE STATUS procedures only.
    let names = |e: &Engine, s: &mut Session, sql: &str| -> Vec<String> {
        let (outs, err) = e.execute(s, sql);
        assert!(err.is_none(), "{err:?}");
        let Some(crate::Outcome::Rows { rows, .. }) = outs.first() else {
            panic!("no rows: {outs:?}");
        };
        rows.iter()
            .map(|r| {
                let t = |i: usize| {
                    r.get(i)
                        .and_then(crate::value::Value::to_text)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default()
                };
                format!("{} {} {} {}", t(1), t(2), t(6), t(7))
            })
            .collect()
    };
    assert_eq!(
        names(&e, &mut s, "SHOW FUNCTION STATUS"),
        ["f FUNCTION DEFINER new"]
    );
    assert_eq!(
        names(&e, &mut s, "SHOW PROCEDURE STATUS LIKE 'p'"),
        ["p PROCEDURE INVOKER writes"]
    );
}

#[test]
fn drop_function_and_drop_database_remove_functions() {
    let (e, mut s) = setup();
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1",
    );
    ok(&e, &mut s, "DROP FUNCTION f");
    assert_eq!(
        run_all(&e, &mut s, "DROP FUNCTION f"),
        "ERROR 1305 (42000): FUNCTION d.f does not exist"
    );
    assert_eq!(
        run_all(&e, &mut s, "DROP FUNCTION IF EXISTS f"),
        "ok warnings=1"
    );
    assert_eq!(
        run_all(&e, &mut s, "SHOW WARNINGS"),
        "Level|Code|Message\nNote|1305|FUNCTION d.f does not exist"
    );
    assert_eq!(
        run_all(&e, &mut s, "SHOW CREATE FUNCTION f"),
        "ERROR 1305 (42000): FUNCTION d.f does not exist"
    );
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1",
    );
    ok(&e, &mut s, "DROP DATABASE d");
    ok(&e, &mut s, "CREATE DATABASE d");
    assert_eq!(
        run_all(&e, &mut s, "SELECT d.f()"),
        "ERROR 1305 (42000): FUNCTION d.f does not exist"
    );
}

#[test]
fn functions_write_in_the_calling_statement_and_run_in_prepared_statements() {
    let (e, mut s) = setup();
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION bump(x INT) RETURNS INT DETERMINISTIC MODIFIES SQL DATA
         BEGIN
           UPDATE t SET v = v + x WHERE id = 1;
           RETURN (SELECT v FROM t WHERE id = 1);
         END",
    );
    assert_eq!(run_all(&e, &mut s, "SELECT bump(5)"), "bump(5)\n15");
    assert_eq!(run_all(&e, &mut s, "SELECT v FROM t WHERE id = 1"), "v\n15");
    ok(&e, &mut s, "PREPARE st FROM 'SELECT bump(?) AS b'");
    ok(&e, &mut s, "SET @a = 10");
    assert_eq!(run_all(&e, &mut s, "EXECUTE st USING @a"), "b\n25");
    // A failing statement undoes what its functions wrote.
    let out = run_all(&e, &mut s, "INSERT INTO t VALUES (1, bump(1))");
    assert!(out.starts_with("ERROR 1062"), "{out}");
    assert_eq!(run_all(&e, &mut s, "SELECT v FROM t WHERE id = 1"), "v\n25");
}

#[test]
fn functions_survive_a_dump_and_load() {
    let (e, mut s) = setup();
    ok(
        &e,
        &mut s,
        "CREATE FUNCTION f(x INT) RETURNS INT DETERMINISTIC COMMENT 'c' BEGIN RETURN x + 1; END",
    );
    ok(&e, &mut s, "CREATE VIEW w AS SELECT f(v) AS fv FROM t");
    ok(
        &e,
        &mut s,
        "SET GLOBAL log_bin_trust_function_creators = ON",
    );
    ok(&e, &mut s, "CREATE FUNCTION g() RETURNS INT RETURN 7");
    let d1 = e.dump().unwrap_or_else(|e| panic!("{e:?}"));
    let e2 = engine();
    if let Err(err) = e2.load(&d1) {
        panic!("{err}\n{d1}");
    }
    let d2 = e2.dump().unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(d1, d2);
    let mut s2 = session(&e2);
    assert_eq!(
        run_all(
            &e2,
            &mut s2,
            "SELECT d.f(1), d.g(), (SELECT MAX(fv) FROM d.w)"
        ),
        "d.f(1)|d.g()|(SELECT MAX(fv) FROM d.w)\n2|7|31"
    );
    assert_eq!(
        run_all(
            &e2,
            &mut s2,
            "SELECT ROUTINE_COMMENT, IS_DETERMINISTIC FROM information_schema.ROUTINES WHERE ROUTINE_NAME = 'f'"
        ),
        "ROUTINE_COMMENT|IS_DETERMINISTIC\nc|YES"
    );
}

/// mysqldump's form: `/*!50003 CREATE*/ /*!50020 DEFINER=...*/ /*!50003 FUNCTION ... */`, the
/// parameters on the comment's first line.
#[test]
fn mysqldumps_versioned_comment_form_loads() {
    let (e, mut s) = setup();
    ok(
        &e,
        &mut s,
        "/*!50003 CREATE*/ /*!50020 DEFINER=`root`@`%`*/ /*!50003 FUNCTION `addone`(x decimal(5,2), y int) RETURNS decimal(6,2)
    DETERMINISTIC
BEGIN
  RETURN x + y;
END */",
    );
    assert_eq!(
        run_all(&e, &mut s, "SELECT addone(1.5, 2)"),
        "addone(1.5, 2)\n3.50"
    );
    let out = run_all(&e, &mut s, "SHOW CREATE FUNCTION addone");
    assert!(
        out.contains(
            "CREATE DEFINER=`root`@`%` FUNCTION `addone`(x decimal(5,2), y int) RETURNS decimal(6,2)\n    DETERMINISTIC\nBEGIN\n  RETURN x + y;\nEND|"
        ),
        "{out}"
    );
    ok(
        &e,
        &mut s,
        "/*!50003 CREATE*/ /*!50020 DEFINER=`root`@`%`*/ /*!50003 PROCEDURE `pp`(IN a int, OUT b int)
    NO SQL
SET b = a */",
    );
    let out = run_all(&e, &mut s, "SHOW CREATE PROCEDURE pp");
    assert!(
        out.contains("PROCEDURE `pp`(IN a int, OUT b int)\n    NO SQL\nSET b = a|"),
        "{out}"
    );
}
