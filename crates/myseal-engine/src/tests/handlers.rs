//! Condition handling in compound bodies: DECLARE ... CONDITION / HANDLER, cursors (OPEN,
//! FETCH, CLOSE), RESIGNAL and GET DIAGNOSTICS, with MySQL 8.4's errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/condition-handling.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/cursors.html>

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
        "CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(200))",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    (e, s)
}

fn run(e: &Engine, s: &mut Session, sql: &str) -> String {
    let (outs, err) = e.execute(s, sql);
    render(&outs, err.as_ref())
}

fn check_all(e: &Engine, s: &mut Session, cases: &[(&str, &str)]) {
    for (sql, expected) in cases {
        assert_eq!(run(e, s, sql), *expected, "for SQL: {sql}");
    }
}

#[test]
fn a_cursor_loop_with_a_not_found_handler_sums_a_table() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE total(OUT n INT, OUT total INT)
                 BEGIN
                   DECLARE done INT DEFAULT 0;
                   DECLARE a, b INT;
                   DECLARE cur CURSOR FOR SELECT id, v FROM t ORDER BY id;
                   DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;
                   SET n = 0, total = 0;
                   OPEN cur;
                   read_loop: LOOP
                     FETCH cur INTO a, b;
                     IF done THEN
                       LEAVE read_loop;
                     END IF;
                     SET n = n + 1, total = total + b;
                     INSERT INTO t VALUES (a + 100, b);
                   END LOOP;
                   CLOSE cur;
                 END",
                "ok",
            ),
            // The cursor reads the rows as they were when it opened, not its own inserts.
            ("CALL total(@n, @total)", "ok"),
            ("SELECT @n, @total", "@n|@total\n3|60"),
            ("SELECT COUNT(*) FROM t", "COUNT(*)\n6"),
            // FETCH after the last row, without a handler, is ERROR 1329.
            (
                "CREATE PROCEDURE past_end()
                 BEGIN
                   DECLARE a INT;
                   DECLARE c CURSOR FOR SELECT id FROM t WHERE id = 1;
                   OPEN c;
                   FETCH c INTO a;
                   FETCH NEXT FROM c INTO a;
                 END",
                "ok",
            ),
            (
                "CALL past_end()",
                "ERROR 1329 (02000): No data - zero rows fetched, selected, or processed",
            ),
        ],
    );
}

#[test]
fn cursor_errors_are_mysqls() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE p() BEGIN DECLARE c CURSOR FOR SELECT id FROM t; OPEN c; OPEN c; END",
                "ok",
            ),
            ("CALL p()", "ERROR 1325 (24000): Cursor is already open"),
            ("DROP PROCEDURE p", "ok"),
            (
                "CREATE PROCEDURE p() BEGIN DECLARE c CURSOR FOR SELECT id FROM t; CLOSE c; END",
                "ok",
            ),
            ("CALL p()", "ERROR 1326 (24000): Cursor is not open"),
            ("DROP PROCEDURE p", "ok"),
            (
                "CREATE PROCEDURE p() BEGIN DECLARE a INT; DECLARE c CURSOR FOR SELECT id FROM t; FETCH c INTO a; END",
                "ok",
            ),
            ("CALL p()", "ERROR 1326 (24000): Cursor is not open"),
            ("DROP PROCEDURE p", "ok"),
            (
                "CREATE PROCEDURE p() BEGIN DECLARE a INT; DECLARE c CURSOR FOR SELECT id, v FROM t; OPEN c; FETCH c INTO a; END",
                "ok",
            ),
            (
                "CALL p()",
                "ERROR 1328 (HY000): Incorrect number of FETCH variables",
            ),
            // A closed cursor opens again, from its first row.
            ("DROP PROCEDURE p", "ok"),
            (
                "CREATE PROCEDURE p(OUT x INT) BEGIN DECLARE c CURSOR FOR SELECT id FROM t ORDER BY id DESC; OPEN c; FETCH c INTO x; CLOSE c; OPEN c; FETCH c INTO x; CLOSE c; END",
                "ok",
            ),
            ("CALL p(@x)", "ok"),
            ("SELECT @x", "@x\n3"),
            // Compile-time errors: CREATE PROCEDURE refuses the body.
            (
                "CREATE PROCEDURE q() BEGIN OPEN nope; END",
                "ERROR 1324 (42000): Undefined CURSOR: nope",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE a INT; DECLARE c CURSOR FOR SELECT id INTO a FROM t; END",
                "ERROR 1323 (42000): Cursor SELECT must not have INTO",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE c CURSOR FOR SELECT 1; DECLARE c CURSOR FOR SELECT 2; END",
                "ERROR 1333 (42000): Duplicate cursor: c",
            ),
        ],
    );
}

#[test]
fn declarations_come_in_mysqls_order() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE q() BEGIN DECLARE c CURSOR FOR SELECT 1; DECLARE a INT; END",
                "ERROR 1337 (42000): Variable or condition declaration after cursor or handler declaration",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END; DECLARE x CONDITION FOR 1051; END",
                "ERROR 1337 (42000): Variable or condition declaration after cursor or handler declaration",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE CONTINUE HANDLER FOR NOT FOUND BEGIN END; DECLARE c CURSOR FOR SELECT 1; END",
                "ERROR 1338 (42000): Cursor declaration after handler declaration",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE CONTINUE HANDLER FOR 1062, SQLSTATE '23000', 1062 BEGIN END; END",
                "ERROR 1413 (42000): Duplicate handler declared in the same block",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE dup CONDITION FOR 1062; DECLARE EXIT HANDLER FOR 1062 BEGIN END; DECLARE CONTINUE HANDLER FOR dup BEGIN END; END",
                "ERROR 1413 (42000): Duplicate handler declared in the same block",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE CONTINUE HANDLER FOR no_such BEGIN END; END",
                "ERROR 1319 (42000): Undefined CONDITION: no_such",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE x CONDITION FOR 1051; DECLARE x CONDITION FOR 1052; END",
                "ERROR 1332 (42000): Duplicate condition: x",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE CONTINUE HANDLER FOR 0 BEGIN END; END",
                "ERROR 1525 (HY000): Incorrect CONDITION value: '0'",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE CONTINUE HANDLER FOR SQLSTATE '00000' BEGIN END; END",
                "ERROR 1407 (42000): Bad SQLSTATE: '00000'",
            ),
            (
                // Capital letters only, as MySQL's is_sqlstate_valid.
                "CREATE PROCEDURE q() SIGNAL SQLSTATE '4500a'",
                "ERROR 1407 (42000): Bad SQLSTATE: '4500a'",
            ),
            (
                "CREATE PROCEDURE q() BEGIN DECLARE x CONDITION FOR 1051; SIGNAL x; END",
                "ERROR 1646 (HY000): SIGNAL/RESIGNAL can only use a CONDITION defined with SQLSTATE",
            ),
            // A handler and its conditions in an inner block do not clash with the outer's.
            (
                "CREATE PROCEDURE q() BEGIN DECLARE x CONDITION FOR 1062; DECLARE CONTINUE HANDLER FOR x BEGIN END; BEGIN DECLARE x CONDITION FOR SQLSTATE '45000'; DECLARE CONTINUE HANDLER FOR x BEGIN END; END; END",
                "ok",
            ),
        ],
    );
}

#[test]
fn continue_resumes_after_the_failing_statement_which_is_undone() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE p(OUT caught INT)
                 BEGIN
                   DECLARE CONTINUE HANDLER FOR 1062 SET caught = caught + 1;
                   SET caught = 0;
                   INSERT INTO t VALUES (10, 1);
                   INSERT INTO t VALUES (11, 1), (1, 1);
                   INSERT INTO t VALUES (12, 1);
                 END",
                "ok",
            ),
            // The caught error is gone: the CALL succeeds without warnings.
            ("CALL p(@c)", "ok"),
            ("SHOW WARNINGS", "Level|Code|Message"),
            ("SELECT @c", "@c\n1"),
            // The failing INSERT is undone (row 11 too); the ones around it stay.
            ("SELECT id FROM t WHERE id >= 10 ORDER BY id", "id\n10\n12"),
        ],
    );
}

#[test]
fn exit_leaves_the_declaring_block_and_get_diagnostics_reads_the_error() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE p(IN k INT, OUT result VARCHAR(200))
                 BEGIN
                   DECLARE EXIT HANDLER FOR SQLEXCEPTION
                   BEGIN
                     GET DIAGNOSTICS CONDITION 1 result = MESSAGE_TEXT, @errno = MYSQL_ERRNO,
                       @state = RETURNED_SQLSTATE;
                     GET STACKED DIAGNOSTICS @n = NUMBER;
                     INSERT INTO log (msg) VALUES (result);
                   END;
                   SET result = 'fine';
                   BEGIN
                     INSERT INTO t VALUES (k, 0);
                     SET result = 'inserted';
                   END;
                   SET result = CONCAT(result, ' and done');
                 END",
                "ok",
            ),
            ("CALL p(50, @r)", "ok"),
            ("SELECT @r", "@r\ninserted and done"),
            ("CALL p(1, @r)", "ok"),
            (
                "SELECT @r, @errno, @state, @n",
                "@r|@errno|@state|@n\nDuplicate entry '1' for key 't.PRIMARY'|1062|23000|1",
            ),
            (
                "SELECT msg FROM log",
                "msg\nDuplicate entry '1' for key 't.PRIMARY'",
            ),
        ],
    );
}

#[test]
fn the_most_specific_handler_of_the_innermost_block_runs() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE p()
                 BEGIN
                   DECLARE CONTINUE HANDLER FOR 1062 SET @h = CONCAT(@h, ' outer-code');
                   BEGIN
                     DECLARE CONTINUE HANDLER FOR SQLEXCEPTION SET @h = CONCAT(@h, ' exception');
                     DECLARE CONTINUE HANDLER FOR SQLSTATE '23000' SET @h = CONCAT(@h, ' state');
                     INSERT INTO t VALUES (1, 1);
                     INSERT INTO no_such_table VALUES (1);
                   END;
                   INSERT INTO t VALUES (1, 1);
                 END",
                "ok",
            ),
            ("SET @h = 'h:'", "ok"),
            ("CALL p()", "ok"),
            ("SELECT @h", "@h\nh: state exception outer-code"),
        ],
    );
}

#[test]
fn a_handler_does_not_catch_its_own_conditions_but_an_outer_one_does() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE p()
                 BEGIN
                   DECLARE EXIT HANDLER FOR SQLSTATE '45000' SET @h = CONCAT(@h, ' outer');
                   BEGIN
                     DECLARE EXIT HANDLER FOR SQLEXCEPTION
                     BEGIN
                       SET @h = CONCAT(@h, ' inner');
                       SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'from the handler';
                     END;
                     SIGNAL SQLSTATE '45001';
                   END;
                   SET @h = CONCAT(@h, ' not reached');
                 END",
                "ok",
            ),
            ("SET @h = 'h:'", "ok"),
            ("CALL p()", "ok"),
            ("SELECT @h", "@h\nh: inner outer"),
            (
                "CREATE PROCEDURE q()
                 BEGIN
                   DECLARE EXIT HANDLER FOR SQLEXCEPTION
                     SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'again';
                   SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'first';
                 END",
                "ok",
            ),
            ("CALL q()", "ERROR 1644 (45000): again"),
        ],
    );
}

#[test]
fn warnings_and_not_found_reach_their_handlers() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE p()
                 BEGIN
                   DECLARE x INT;
                   DECLARE CONTINUE HANDLER FOR NOT FOUND SET @nf = @nf + 1;
                   DECLARE CONTINUE HANDLER FOR SQLWARNING SET @w = @w + 1;
                   SELECT v INTO x FROM t WHERE id = 999;
                   SIGNAL SQLSTATE '01234' SET MESSAGE_TEXT = 'careful';
                 END",
                "ok",
            ),
            ("SET @nf = 0, @w = 0", "ok"),
            ("CALL p()", "ok"),
            ("SELECT @nf, @w", "@nf|@w\n1|1"),
            // Without handlers the warnings stay for the client.
            (
                "CREATE PROCEDURE q() BEGIN DECLARE x INT; SIGNAL SQLSTATE '01234' SET MESSAGE_TEXT = 'careful'; END",
                "ok",
            ),
            ("CALL q()", "ok warnings=1"),
            ("SHOW WARNINGS", "Level|Code|Message\nWarning|1642|careful"),
        ],
    );
}

#[test]
fn resignal_passes_the_caught_condition_on() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            ("CREATE PROCEDURE p() BEGIN RESIGNAL; END", "ok"),
            (
                "CALL p()",
                "ERROR 1645 (0K000): RESIGNAL when handler not active",
            ),
            (
                "CREATE PROCEDURE p1()
                 BEGIN
                   DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN SET @seen = 1; RESIGNAL; END;
                   INSERT INTO no_such_table VALUES (1);
                 END",
                "ok",
            ),
            (
                "CALL p1()",
                "ERROR 1146 (42S02): Table 'd.no_such_table' doesn't exist",
            ),
            ("SELECT @seen", "@seen\n1"),
            (
                "CREATE PROCEDURE p2()
                 BEGIN
                   DECLARE EXIT HANDLER FOR SQLEXCEPTION
                     RESIGNAL SET MESSAGE_TEXT = 'dropping failed';
                   INSERT INTO no_such_table VALUES (1);
                 END",
                "ok",
            ),
            ("CALL p2()", "ERROR 1146 (42S02): dropping failed"),
            (
                "CREATE PROCEDURE p3()
                 BEGIN
                   DECLARE EXIT HANDLER FOR SQLEXCEPTION
                     RESIGNAL SQLSTATE '45000' SET MYSQL_ERRNO = 5;
                   INSERT INTO no_such_table VALUES (1);
                 END",
                "ok",
            ),
            (
                "CALL p3()",
                "ERROR 5 (45000): Table 'd.no_such_table' doesn't exist",
            ),
            (
                "CREATE PROCEDURE p4()
                 BEGIN
                   DECLARE bad CONDITION FOR SQLSTATE '45002';
                   DECLARE EXIT HANDLER FOR SQLEXCEPTION RESIGNAL bad;
                   SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'kept';
                 END",
                "ok",
            ),
            ("CALL p4()", "ERROR 1644 (45002): kept"),
            (
                "CREATE PROCEDURE p5()
                 BEGIN
                   DECLARE not_ours CONDITION FOR SQLSTATE '45003';
                   DECLARE EXIT HANDLER FOR not_ours SET @p5 = 'caught';
                   SIGNAL not_ours SET MESSAGE_TEXT = 'named';
                 END",
                "ok",
            ),
            ("CALL p5()", "ok"),
            ("SELECT @p5", "@p5\ncaught"),
        ],
    );
}

#[test]
fn get_diagnostics_at_top_level_reads_the_statement_before() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "SELECT CAST('1x' AS SIGNED), CAST('2y' AS SIGNED)",
                "CAST('1x' AS SIGNED)|CAST('2y' AS SIGNED)\n1|2",
            ),
            ("GET DIAGNOSTICS @n = NUMBER", "ok warnings=2"),
            ("SELECT @n", "@n\n2"),
            (
                "DROP TABLE no_such_table",
                "ERROR 1051 (42S02): Unknown table 'd.no_such_table'",
            ),
            (
                "GET DIAGNOSTICS CONDITION 1 @s = RETURNED_SQLSTATE, @m = MESSAGE_TEXT, @e = MYSQL_ERRNO, @o = CLASS_ORIGIN",
                "ok",
            ),
            // GET DIAGNOSTICS leaves the area as it found it.
            ("GET CURRENT DIAGNOSTICS @n = NUMBER, @rc = ROW_COUNT", "ok"),
            (
                "SELECT @s, @m, @e, @o, @n",
                "@s|@m|@e|@o|@n\n42S02|Unknown table 'd.no_such_table'|1051|ISO 9075|1",
            ),
            (
                "GET STACKED DIAGNOSTICS @n = NUMBER",
                "ERROR 1887 (0Z002): GET STACKED DIAGNOSTICS when handler not active",
            ),
            ("DO 1", "ok"),
            // A condition number that is not there adds ER 1758; the statement succeeds.
            ("GET DIAGNOSTICS CONDITION 3 @m = MESSAGE_TEXT", "ok"),
            (
                "SHOW WARNINGS",
                "Level|Code|Message\nError|1758|Invalid condition number",
            ),
            (
                "GET DIAGNOSTICS x = NUMBER",
                "ERROR 1327 (42000): Undeclared variable: x",
            ),
            (
                "CREATE PROCEDURE p() BEGIN GET STACKED DIAGNOSTICS @n = NUMBER; END",
                "ok",
            ),
            (
                "CALL p()",
                "ERROR 1887 (0Z002): GET STACKED DIAGNOSTICS when handler not active",
            ),
        ],
    );
}

#[test]
fn a_trigger_runs_a_cursor_loop_and_handles_its_errors() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            ("CREATE TABLE totals (id INT PRIMARY KEY, sum_v INT)", "ok"),
            ("INSERT INTO totals VALUES (1, 0)", "ok affected=1"),
            (
                "CREATE TRIGGER tr AFTER INSERT ON log FOR EACH ROW
                 BEGIN
                   DECLARE done INT DEFAULT FALSE;
                   DECLARE x, acc INT DEFAULT 0;
                   DECLARE c CURSOR FOR SELECT v FROM t;
                   DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = TRUE;
                   DECLARE CONTINUE HANDLER FOR 1062 SET acc = acc + 1000;
                   OPEN c;
                   l: LOOP
                     FETCH c INTO x;
                     IF done THEN LEAVE l; END IF;
                     SET acc = acc + x;
                   END LOOP;
                   CLOSE c;
                   INSERT INTO totals VALUES (1, 0);
                   UPDATE totals SET sum_v = acc WHERE id = 1;
                 END",
                "ok",
            ),
            ("INSERT INTO log (msg) VALUES ('x')", "ok affected=1"),
            ("SELECT sum_v FROM totals", "sum_v\n1060"),
        ],
    );
}

#[test]
fn a_body_sets_system_variables() {
    let (e, mut s) = setup();
    check_all(
        &e,
        &mut s,
        &[
            (
                "CREATE PROCEDURE p(IN w INT)
                 BEGIN
                   DECLARE mode VARCHAR(100) DEFAULT 'ANSI_QUOTES';
                   SET SESSION sql_mode = mode;
                   SET @inside = @@sql_mode;
                   SET @@session.max_execution_time = w, @seen = w + 1;
                   SET div_precision_increment = 7;
                   SET @@sort_buffer_size = DEFAULT;
                 END",
                "ok",
            ),
            ("CALL p(1234)", "ok"),
            // sql_mode is the routine's own while it runs, and the caller's again after it.
            (
                "SELECT @inside, @@sql_mode = @inside, @@max_execution_time, @seen, @@div_precision_increment",
                "@inside|@@sql_mode = @inside|@@max_execution_time|@seen|@@div_precision_increment\nANSI_QUOTES|0|1234|1235|7",
            ),
            (
                "CREATE PROCEDURE q() SET SESSION no_such_variable = 1",
                "ok",
            ),
            (
                "CALL q()",
                "ERROR 1193 (HY000): Unknown system variable 'no_such_variable'",
            ),
        ],
    );
}
