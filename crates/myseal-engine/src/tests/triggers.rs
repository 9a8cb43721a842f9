//! Triggers: CREATE/DROP TRIGGER, SHOW TRIGGERS, firing on every write path, compound bodies
//! (DECLARE, SET, IF, CASE, loops, SIGNAL, SELECT ... INTO), MySQL 8.4's errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/triggers.html>

use super::{run, set_up, steps_after};
use crate::{Engine, Session};

const SETUP: &[&str] = &[
    "CREATE DATABASE d",
    "USE d",
    "CREATE TABLE t (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(20))",
    "CREATE TABLE log (n INT AUTO_INCREMENT PRIMARY KEY, what VARCHAR(40), v INT)",
];

/// A session in database `d` with `t` (id, a, b) and a log table.
fn setup() -> (Engine, Session) {
    set_up(SETUP)
}

fn steps(steps: &[(&str, &str)]) {
    steps_after(SETUP, steps);
}

#[test]
fn before_insert_sets_new_columns_and_after_insert_logs() {
    steps(&[
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW SET NEW.b = UPPER(NEW.b), NEW.a = NEW.a * 10",
            "ok",
        ),
        (
            "CREATE TRIGGER ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log (what, v) VALUES (CONCAT('ins ', NEW.b), NEW.a)",
            "ok",
        ),
        (
            "INSERT INTO t VALUES (1, 2, 'x'), (2, 3, 'y')",
            "ok affected=2",
        ),
        ("SELECT * FROM t ORDER BY id", "id|a|b\n1|20|X\n2|30|Y"),
        (
            "SELECT what, v FROM log ORDER BY n",
            "what|v\nins X|20\nins Y|30",
        ),
    ]);
}

#[test]
fn compound_body_with_locals_if_case_and_loops() {
    steps(&[
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW
             BEGIN
               DECLARE i INT DEFAULT 0;
               DECLARE acc INT DEFAULT 0;
               DECLARE label VARCHAR(20);
               WHILE i < NEW.a DO
                 SET i = i + 1;
                 IF i % 2 = 0 THEN ITERATE_SKIP: LOOP LEAVE ITERATE_SKIP; END LOOP; ELSE SET acc = acc + i; END IF;
               END WHILE;
               outer_loop: REPEAT
                 SET acc = acc + 100;
                 IF acc > 150 THEN LEAVE outer_loop; END IF;
               UNTIL acc > 1000 END REPEAT outer_loop;
               CASE WHEN acc > 200 THEN SET label = 'big'; ELSE SET label = 'small'; END CASE;
               CASE NEW.id WHEN 1 THEN SET label = CONCAT(label, '-one'); WHEN 2 THEN SET label = CONCAT(label, '-two'); ELSE BEGIN END; END CASE;
               SET NEW.a = acc, NEW.b = label;
             END",
            "ok",
        ),
        // 1+3+5 = 9, then +100 +100 = 209 > 150 leaves.
        ("INSERT INTO t (id, a) VALUES (1, 5)", "ok affected=1"),
        ("INSERT INTO t (id, a) VALUES (2, 0)", "ok affected=1"),
        ("SELECT * FROM t ORDER BY id", "id|a|b\n1|209|big-one\n2|200|small-two"),
    ]);
}

#[test]
fn signal_fails_the_statement_and_undoes_its_rows() {
    steps(&[
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW BEGIN IF NEW.a < 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'negative a'; END IF; END",
            "ok",
        ),
        (
            "INSERT INTO t VALUES (1, 1, 'ok'), (2, -1, 'bad')",
            "ERROR 1644 (45000): negative a",
        ),
        ("SELECT COUNT(*) FROM t", "COUNT(*)\n0"),
        (
            "CREATE TRIGGER bu BEFORE UPDATE ON t FOR EACH ROW SIGNAL SQLSTATE '23000' SET MYSQL_ERRNO = 1062, MESSAGE_TEXT = 'custom'",
            "ok",
        ),
        ("INSERT INTO t VALUES (1, 1, 'ok')", "ok affected=1"),
        ("UPDATE t SET a = 2", "ERROR 1062 (23000): custom"),
        ("SELECT a FROM t", "a\n1"),
        (
            "CREATE TRIGGER bd BEFORE DELETE ON t FOR EACH ROW SIGNAL SQLSTATE '01000' SET MESSAGE_TEXT = 'just a warning'",
            "ok",
        ),
        ("DELETE FROM t", "ok affected=1 warnings=1"),
        (
            "SHOW WARNINGS",
            "Level|Code|Message\nWarning|1642|just a warning",
        ),
    ]);
}

#[test]
fn update_and_delete_triggers_see_old_and_new() {
    steps(&[
        (
            "INSERT INTO t VALUES (1, 1, 'x'), (2, 2, 'y')",
            "ok affected=2",
        ),
        (
            "CREATE TRIGGER au AFTER UPDATE ON t FOR EACH ROW INSERT INTO log (what, v) VALUES (CONCAT(OLD.b, '->', NEW.b), NEW.a - OLD.a)",
            "ok",
        ),
        (
            "CREATE TRIGGER bd BEFORE DELETE ON t FOR EACH ROW INSERT INTO log (what, v) VALUES ('del', OLD.id)",
            "ok",
        ),
        (
            "UPDATE t SET a = a + 5, b = CONCAT(b, b) WHERE id = 2",
            "ok affected=1",
        ),
        ("DELETE FROM t WHERE id = 1", "ok affected=1"),
        (
            "SELECT what, v FROM log ORDER BY n",
            "what|v\ny->yy|5\ndel|1",
        ),
    ]);
}

#[test]
fn replace_and_upsert_fire_delete_and_update_triggers() {
    steps(&[
        ("INSERT INTO t VALUES (1, 1, 'x')", "ok affected=1"),
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW INSERT INTO log (what, v) VALUES ('bi', NEW.id)",
            "ok",
        ),
        (
            "CREATE TRIGGER ad AFTER DELETE ON t FOR EACH ROW INSERT INTO log (what, v) VALUES ('ad', OLD.a)",
            "ok",
        ),
        (
            "CREATE TRIGGER bu BEFORE UPDATE ON t FOR EACH ROW SET NEW.b = CONCAT('u:', NEW.b)",
            "ok",
        ),
        ("REPLACE INTO t VALUES (1, 7, 'r')", "ok affected=2"),
        (
            "INSERT INTO t VALUES (1, 8, 'z') ON DUPLICATE KEY UPDATE b = VALUES(b)",
            "ok affected=2",
        ),
        ("SELECT * FROM t", "id|a|b\n1|7|u:z"),
        (
            "SELECT what, v FROM log ORDER BY n",
            "what|v\nbi|1\nad|1\nbi|1",
        ),
    ]);
}

#[test]
fn errors_as_mysql() {
    steps(&[
        (
            "CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW SET NEW.a = OLD.a",
            "ERROR 1363 (HY000): There is no OLD row in on INSERT trigger",
        ),
        (
            "CREATE TRIGGER x BEFORE DELETE ON t FOR EACH ROW SET @v = NEW.a",
            "ERROR 1363 (HY000): There is no NEW row in on DELETE trigger",
        ),
        (
            "CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW SET NEW.a = 1",
            "ERROR 1362 (HY000): Updating of NEW row is not allowed in after trigger",
        ),
        (
            "CREATE TRIGGER x BEFORE UPDATE ON t FOR EACH ROW SET OLD.a = 1",
            "ERROR 1362 (HY000): Updating of OLD row is not allowed in trigger",
        ),
        (
            "CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW SET NEW.nope = 1",
            "ERROR 1054 (42S22): Unknown column 'nope' in 'NEW'",
        ),
        (
            "CREATE TRIGGER x BEFORE INSERT ON nope FOR EACH ROW SET @a = 1",
            "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
        ),
        (
            "CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW SELECT 1",
            "ERROR 1415 (0A000): Not allowed to return a result set from a trigger",
        ),
        (
            "CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW SET @a = 1",
            "ok",
        ),
        (
            "CREATE TRIGGER x BEFORE UPDATE ON t FOR EACH ROW SET @a = 2",
            "ERROR 1359 (HY000): Trigger already exists",
        ),
        (
            "CREATE TRIGGER IF NOT EXISTS x BEFORE UPDATE ON t FOR EACH ROW SET @a = 2",
            "ok warnings=1",
        ),
        ("DROP TRIGGER x", "ok"),
        (
            "DROP TRIGGER x",
            "ERROR 1360 (HY000): Trigger does not exist",
        ),
        ("DROP TRIGGER IF EXISTS x", "ok warnings=1"),
        (
            "CREATE TRIGGER y AFTER INSERT ON t FOR EACH ROW INSERT INTO t VALUES (NEW.id + 100, 1, 'again')",
            "ok",
        ),
        (
            "INSERT INTO t VALUES (1, 1, 'a')",
            "ERROR 1442 (HY000): Can't update table 't' in stored function/trigger because it is already used by statement which invoked this stored function/trigger.",
        ),
        ("SELECT COUNT(*) FROM t", "COUNT(*)\n0"),
        (
            "CREATE TRIGGER z BEFORE INSERT ON log FOR EACH ROW BEGIN LEAVE nowhere; END",
            "ERROR 1308 (42000): LEAVE with no matching label: nowhere",
        ),
    ]);
}

#[test]
fn not_null_is_checked_after_before_triggers() {
    steps(&[
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW BEGIN IF NEW.a IS NULL THEN SET NEW.a = 42; END IF; END",
            "ok",
        ),
        ("INSERT INTO t VALUES (1, NULL, 'x')", "ok affected=1"),
        ("SELECT a FROM t", "a\n42"),
        ("DROP TRIGGER bi", "ok"),
        (
            "INSERT INTO t VALUES (2, NULL, 'x')",
            "ERROR 1048 (23000): Column 'a' cannot be null",
        ),
    ]);
}

#[test]
fn select_into_locals_and_user_variables() {
    steps(&[
        (
            "INSERT INTO log (what, v) VALUES ('a', 5), ('b', 7)",
            "ok affected=2",
        ),
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW BEGIN DECLARE total INT; SELECT SUM(v) INTO total FROM log; SELECT COUNT(*), MAX(v) INTO @cnt, @mx FROM log WHERE v > NEW.id; SET NEW.a = total; END",
            "ok",
        ),
        ("INSERT INTO t (id, a) VALUES (6, 0)", "ok affected=1"),
        ("SELECT a, @cnt, @mx FROM t", "a|@cnt|@mx\n12|1|7"),
    ]);
}

#[test]
fn show_triggers_information_schema_and_show_create() {
    let (e, mut s) = setup();
    for (sql, expected) in [
        (
            "CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.b = 'x'",
            "ok",
        ),
        (
            "CREATE TRIGGER t_bi0 BEFORE INSERT ON t FOR EACH ROW PRECEDES t_bi SET NEW.b = 'y'",
            "ok",
        ),
        (
            "CREATE TRIGGER t_bi2 BEFORE INSERT ON t FOR EACH ROW FOLLOWS nope SET NEW.b = 'y'",
            "ERROR 3011 (HY000): Referenced trigger 'nope' for the given action time and event type does not exist",
        ),
        (
            "SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_ORDER, ACTION_TIMING, ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'd' ORDER BY ACTION_ORDER",
            "TRIGGER_NAME|EVENT_MANIPULATION|EVENT_OBJECT_TABLE|ACTION_ORDER|ACTION_TIMING|ACTION_STATEMENT\n\
             t_bi0|INSERT|t|1|BEFORE|SET NEW.b = 'y'\n\
             t_bi|INSERT|t|2|BEFORE|SET NEW.b = 'x'",
        ),
        ("INSERT INTO t (id, a) VALUES (1, 1)", "ok affected=1"),
        // t_bi runs last.
        ("SELECT b FROM t", "b\nx"),
    ] {
        assert_eq!(run(&e, &mut s, sql), expected, "for SQL: {sql}");
    }
    let show = run(&e, &mut s, "SHOW TRIGGERS LIKE 't'");
    let mut lines = show.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Trigger|Event|Table|Statement|Timing|Created|sql_mode|Definer|character_set_client|collation_connection|Database Collation"
        )
    );
    let first = lines.next().unwrap_or_default();
    assert!(
        first.starts_with("t_bi0|INSERT|t|SET NEW.b = 'y'|BEFORE|"),
        "{show}"
    );
    assert!(
        first.ends_with("|root@%|utf8mb4|utf8mb4_0900_ai_ci|utf8mb4_0900_ai_ci"),
        "{show}"
    );
    assert_eq!(lines.count(), 1, "{show}");
    assert_eq!(
        run(&e, &mut s, "SHOW TRIGGERS LIKE 'x%'").lines().count(),
        1
    );
    let create = run(&e, &mut s, "SHOW CREATE TRIGGER d.t_bi");
    assert!(
        create.contains("|CREATE DEFINER=`root`@`%` TRIGGER `t_bi` BEFORE INSERT ON `t` FOR EACH ROW SET NEW.b = 'x'|utf8mb4|"),
        "{create}"
    );
    assert_eq!(
        run(&e, &mut s, "SHOW CREATE TRIGGER nope"),
        "ERROR 1360 (HY000): Trigger does not exist"
    );
}

#[test]
fn drop_table_drops_its_triggers_and_rename_keeps_them() {
    steps(&[
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW SET NEW.b = 'trg'",
            "ok",
        ),
        ("RENAME TABLE t TO t2", "ok"),
        ("INSERT INTO t2 (id, a) VALUES (1, 1)", "ok affected=1"),
        ("SELECT b FROM t2", "b\ntrg"),
        (
            "SELECT EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS",
            "EVENT_OBJECT_TABLE\nt2",
        ),
        ("CREATE DATABASE other", "ok affected=1"),
        (
            "RENAME TABLE t2 TO other.t3",
            "ERROR 1435 (HY000): Trigger in wrong schema",
        ),
        ("DROP TABLE t2", "ok"),
        (
            "SELECT COUNT(*) FROM information_schema.TRIGGERS",
            "COUNT(*)\n0",
        ),
        (
            "DROP TRIGGER bi",
            "ERROR 1360 (HY000): Trigger does not exist",
        ),
    ]);
}

#[test]
fn mysqldump_versioned_comment_form_loads() {
    let (e, mut s) = setup();
    let dump = "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `t_bi` BEFORE INSERT ON `t` FOR EACH ROW BEGIN\n  SET NEW.b = CONCAT('dump:', NEW.b);\nEND */";
    assert_eq!(run(&e, &mut s, dump), "ok");
    assert_eq!(
        run(&e, &mut s, "INSERT INTO t VALUES (1, 1, 'x')"),
        "ok affected=1"
    );
    assert_eq!(run(&e, &mut s, "SELECT b FROM t"), "b\ndump:x");
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT ACTION_STATEMENT, DEFINER FROM information_schema.TRIGGERS"
        ),
        "ACTION_STATEMENT|DEFINER\nBEGIN\n  SET NEW.b = CONCAT('dump:', NEW.b);\nEND|root@localhost"
    );
}

#[test]
fn multi_table_update_and_delete_fire_triggers() {
    steps(&[
        (
            "INSERT INTO t VALUES (1, 1, 'x'), (2, 2, 'y')",
            "ok affected=2",
        ),
        ("INSERT INTO log (what, v) VALUES ('k', 1)", "ok affected=1"),
        (
            "CREATE TRIGGER bu BEFORE UPDATE ON t FOR EACH ROW SET NEW.b = CONCAT(NEW.b, '!')",
            "ok",
        ),
        (
            "CREATE TRIGGER ad AFTER DELETE ON t FOR EACH ROW SET @deleted = CONCAT(IFNULL(@deleted, ''), OLD.id)",
            "ok",
        ),
        (
            "UPDATE t, log SET t.b = 'm' WHERE t.id = log.v",
            "ok affected=1",
        ),
        ("SELECT b FROM t ORDER BY id", "b\nm!\ny"),
        ("DELETE t FROM t JOIN log ON t.id = log.v", "ok affected=1"),
        ("SELECT @deleted", "@deleted\n1"),
    ]);
}

#[test]
fn insert_select_load_data_and_chained_triggers_fire() {
    let (e, mut s) = setup();
    for (sql, expected) in [
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW SET NEW.b = CONCAT('<', NEW.b, '>')",
            "ok",
        ),
        // log's own trigger runs for the rows t's trigger writes into it.
        (
            "CREATE TRIGGER ai AFTER INSERT ON t FOR EACH ROW INSERT INTO log (what, v) VALUES (NEW.b, NEW.id)",
            "ok",
        ),
        (
            "CREATE TRIGGER log_bi BEFORE INSERT ON log FOR EACH ROW SET NEW.v = NEW.v * 100",
            "ok",
        ),
        ("CREATE TABLE src (id INT, a INT, b VARCHAR(20))", "ok"),
        (
            "INSERT INTO src VALUES (1, 1, 'p'), (2, 2, 'q')",
            "ok affected=2",
        ),
        ("INSERT INTO t SELECT * FROM src", "ok affected=2"),
        ("SELECT * FROM t ORDER BY id", "id|a|b\n1|1|<p>\n2|2|<q>"),
        (
            "SELECT what, v FROM log ORDER BY n",
            "what|v\n<p>|100\n<q>|200",
        ),
        ("SET GLOBAL local_infile = 1", "ok"),
        (
            "LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE t",
            "local infile rows.tsv",
        ),
    ] {
        s.local_files = true;
        assert_eq!(run(&e, &mut s, sql), expected, "for SQL: {sql}");
    }
    let (_, err) = e.load_local_data(&mut s, b"3\t3\tr\n");
    assert!(err.is_none(), "{err:?}");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 3"), "b\n<r>");
    assert_eq!(
        run(&e, &mut s, "SELECT v FROM log WHERE what = '<r>'"),
        "v\n300"
    );
}

#[test]
fn clone_and_snapshot_carry_triggers_and_temporary_tables_refuse_them() {
    steps(&[
        (
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW SET NEW.b = DATABASE()",
            "ok",
        ),
        ("CREATE DATABASE d2 CLONE d", "ok affected=1"),
        ("INSERT INTO d2.t (id, a) VALUES (1, 1)", "ok affected=1"),
        // The clone's trigger runs with the clone as its database.
        ("SELECT b FROM d2.t", "b\nd2"),
        (
            "SELECT TRIGGER_SCHEMA, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS ORDER BY TRIGGER_SCHEMA",
            "TRIGGER_SCHEMA|EVENT_OBJECT_TABLE\nd|t\nd2|t",
        ),
        ("CREATE TEMPORARY TABLE tmp (x INT)", "ok"),
        (
            "CREATE TRIGGER tb BEFORE INSERT ON tmp FOR EACH ROW SET NEW.x = 1",
            "ERROR 1361 (HY000): Trigger's 'tmp' is view or temporary table",
        ),
        ("CREATE VIEW v AS SELECT id FROM t", "ok"),
        (
            "CREATE TRIGGER tv BEFORE INSERT ON v FOR EACH ROW SET NEW.id = 1",
            "ERROR 1361 (HY000): Trigger's 'v' is view or temporary table",
        ),
        (
            "CREATE TRIGGER d2.x BEFORE INSERT ON d.t FOR EACH ROW SET NEW.a = 1",
            "ERROR 1435 (HY000): Trigger in wrong schema",
        ),
    ]);
}

#[test]
fn a_snapshot_restore_brings_dropped_triggers_back() {
    let (e, mut s) = setup();
    assert_eq!(
        run(
            &e,
            &mut s,
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW SET NEW.b = 'snap'"
        ),
        "ok"
    );
    let snap = e.snapshot();
    assert_eq!(run(&e, &mut s, "DROP TRIGGER bi"), "ok");
    e.restore(&snap, std::time::Duration::from_secs(5)).unwrap();
    assert_eq!(
        run(&e, &mut s, "INSERT INTO t (id, a) VALUES (1, 1)"),
        "ok affected=1"
    );
    assert_eq!(run(&e, &mut s, "SELECT b FROM t"), "b\nsnap");
}

#[test]
fn bodies_nested_too_deep_are_refused_not_recursed_into() {
    let (e, mut s) = setup();
    let deep = format!(
        "CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW {}SET @a = 1;{}",
        "BEGIN ".repeat(100_000),
        " END;".repeat(100_000)
    );
    let out = run(&e, &mut s, &deep);
    assert!(out.starts_with("ERROR 1436 (HY000)"), "{out}");
    // Nesting within the limit works.
    let fine = format!(
        "CREATE TRIGGER y BEFORE INSERT ON t FOR EACH ROW {}SET NEW.b = 'deep';{}",
        "BEGIN ".repeat(40),
        " END;".repeat(39) + " END"
    );
    assert_eq!(run(&e, &mut s, &fine), "ok");
    assert_eq!(
        run(&e, &mut s, "INSERT INTO t (id, a) VALUES (1, 1)"),
        "ok affected=1"
    );
    assert_eq!(run(&e, &mut s, "SELECT b FROM t"), "b\ndeep");
}

#[test]
fn an_endless_loop_in_a_body_stops_at_kill_query() {
    let (e, mut s) = setup();
    assert_eq!(
        run(
            &e,
            &mut s,
            "CREATE TRIGGER bi BEFORE INSERT ON t FOR EACH ROW BEGIN WHILE 1 DO END WHILE; END"
        ),
        "ok"
    );
    // KILL QUERY from another connection: the flag is set while the loop runs.
    let cancel = s.cancel.clone();
    let killer = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    let out = run(&e, &mut s, "INSERT INTO t (id, a) VALUES (1, 1)");
    killer.join().unwrap();
    assert_eq!(out, "ERROR 1317 (70100): Query execution was interrupted");
    assert_eq!(run(&e, &mut s, "SELECT COUNT(*) FROM t"), "COUNT(*)\n0");
}
