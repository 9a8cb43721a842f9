//! CREATE TEMPORARY TABLE: visible to its session only, hiding a permanent table of the same
//! name there, gone with the session, outside SHOW TABLES, transactional DML, no implicit
//! commit, and cached plans that never cross sessions.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-temporary-table.html>

use super::{engine, render, run, session};
use crate::{Engine, Session, Value};

fn steps(e: &Engine, s: &mut Session, steps: &[(&str, &str)]) {
    for (sql, expected) in steps {
        assert_eq!(run(e, s, sql), expected.trim(), "for SQL: {sql}");
    }
}

fn exec(e: &Engine, s: &mut Session, p: &crate::Prepared, params: &[Value]) -> String {
    let (o, err) = e.execute_prepared(s, p, params);
    render(&o, err.as_ref())
}

/// An engine with database `d` holding the permanent table `t` (one row, 'perm'), and two
/// sessions using `d`.
fn setup() -> (Engine, Session, Session) {
    let e = engine();
    let mut a = session(&e);
    steps(
        &e,
        &mut a,
        &[
            ("CREATE DATABASE d", "ok affected=1"),
            ("USE d", "ok"),
            ("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))", "ok"),
            ("INSERT INTO t VALUES (1, 'perm')", "ok affected=1"),
        ],
    );
    let mut b = session(&e);
    steps(&e, &mut b, &[("USE d", "ok")]);
    (e, a, b)
}

/// Session `a` creates a temporary `t` (other columns than the permanent one) with one row.
fn shadow(e: &Engine, a: &mut Session) {
    steps(
        e,
        a,
        &[
            (
                "CREATE TEMPORARY TABLE t (id INT PRIMARY KEY, v VARCHAR(10), w INT)",
                "ok",
            ),
            ("INSERT INTO t VALUES (1, 'temp', 5)", "ok affected=1"),
        ],
    );
}

#[test]
fn a_temporary_table_hides_the_permanent_one_in_its_session_only() {
    let (e, mut a, mut b) = setup();
    shadow(&e, &mut a);
    steps(
        &e,
        &mut a,
        &[
            ("SELECT * FROM t", "id|v|w\n1|temp|5"),
            ("INSERT INTO t VALUES (2, 'x', 6)", "ok affected=1"),
            ("UPDATE t SET v = 'y' WHERE id = 2", "ok affected=1"),
            ("DELETE FROM t WHERE id = 1", "ok affected=1"),
            ("SELECT * FROM d.t", "id|v|w\n2|y|6"),
            (
                "DESCRIBE t",
                "Field|Type|Null|Key|Default|Extra
id|int|NO|PRI|NULL|
v|varchar(10)|YES||NULL|
w|int|YES||NULL|",
            ),
        ],
    );
    // The other session sees the permanent table, untouched.
    steps(
        &e,
        &mut b,
        &[
            ("SELECT * FROM t", "id|v\n1|perm"),
            (
                "DESCRIBE t",
                "Field|Type|Null|Key|Default|Extra
id|int|NO|PRI|NULL|
v|varchar(10)|YES||NULL|",
            ),
            ("INSERT INTO t VALUES (3, 'b')", "ok affected=1"),
            ("SELECT id FROM t ORDER BY id", "id\n1\n3"),
        ],
    );
    // A temporary table without a permanent namesake does not exist for the other session.
    steps(
        &e,
        &mut a,
        &[("CREATE TEMPORARY TABLE only_a (x INT)", "ok")],
    );
    steps(
        &e,
        &mut b,
        &[
            (
                "SELECT * FROM only_a",
                "ERROR 1146 (42S02): Table 'd.only_a' doesn't exist",
            ),
            (
                "INSERT INTO only_a VALUES (1)",
                "ERROR 1146 (42S02): Table 'd.only_a' doesn't exist",
            ),
        ],
    );
    // Dropping the temporary table uncovers the permanent one (with b's insert).
    steps(
        &e,
        &mut a,
        &[
            ("DROP TEMPORARY TABLE t", "ok"),
            ("SELECT * FROM t ORDER BY id", "id|v\n1|perm\n3|b"),
        ],
    );
}

#[test]
fn show_create_table_says_temporary_and_show_tables_skips_it() {
    let (e, mut a, mut b) = setup();
    steps(
        &e,
        &mut a,
        &[
            (
                "CREATE TEMPORARY TABLE tt (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(10), KEY (v))",
                "ok",
            ),
            ("INSERT INTO tt (v) VALUES ('a'), ('b')", "ok affected=2"),
            (
                "SHOW CREATE TABLE tt",
                "Table|Create Table
tt|CREATE TEMPORARY TABLE `tt` (
  `id` int NOT NULL AUTO_INCREMENT,
  `v` varchar(10) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `v` (`v`)
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci",
            ),
            ("SHOW TABLES", "Tables_in_d\nt"),
            (
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'd'",
                "TABLE_NAME\nt",
            ),
            (
                "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_NAME = 'tt'",
                "COUNT(*)\n0",
            ),
            (
                "SHOW INDEX FROM tt",
                "Table|Non_unique|Key_name|Seq_in_index|Column_name|Collation|Cardinality|Sub_part|Packed|Null|Index_type|Comment|Index_comment|Visible|Expression
tt|0|PRIMARY|1|id|A|2|NULL|NULL||BTREE|||YES|NULL
tt|1|v|1|v|A|2|NULL|NULL|YES|BTREE|||YES|NULL",
            ),
        ],
    );
    // Shadowing: SHOW CREATE TABLE shows the session's temporary table.
    shadow(&e, &mut a);
    let shown = run(&e, &mut a, "SHOW CREATE TABLE t");
    assert!(shown.contains("CREATE TEMPORARY TABLE `t`"), "{shown}");
    assert!(shown.contains("`w` int"), "{shown}");
    let shown = run(&e, &mut b, "SHOW CREATE TABLE t");
    assert!(shown.contains("t|CREATE TABLE `t`"), "{shown}");
    assert!(!shown.contains("`w`"), "{shown}");
}

#[test]
fn drop_temporary_table_drops_only_temporary_tables() {
    let (e, mut a, mut b) = setup();
    steps(
        &e,
        &mut a,
        &[
            (
                "DROP TEMPORARY TABLE t",
                "ERROR 1051 (42S02): Unknown table 'd.t'",
            ),
            ("DROP TEMPORARY TABLE IF EXISTS t", "ok warnings=1"),
            (
                "SHOW WARNINGS",
                "Level|Code|Message\nNote|1051|Unknown table 'd.t'",
            ),
            ("SELECT v FROM t", "v\nperm"),
            ("CREATE TEMPORARY TABLE x (a INT)", "ok"),
            // All or nothing: x stays when another name is unknown.
            (
                "DROP TEMPORARY TABLE x, nope",
                "ERROR 1051 (42S02): Unknown table 'd.nope'",
            ),
            ("SELECT * FROM x", "a"),
        ],
    );
    shadow(&e, &mut a);
    steps(
        &e,
        &mut a,
        &[
            // Plain DROP TABLE drops the temporary table first ...
            ("DROP TABLE t", "ok"),
            ("SELECT v FROM t", "v\nperm"),
        ],
    );
    steps(&e, &mut b, &[("SELECT v FROM t", "v\nperm")]);
    steps(
        &e,
        &mut a,
        &[
            // ... and the permanent one when there is no temporary one.
            ("DROP TABLE t", "ok"),
            ("DROP TABLE x", "ok"),
            (
                "SELECT * FROM x",
                "ERROR 1146 (42S02): Table 'd.x' doesn't exist",
            ),
        ],
    );
    steps(
        &e,
        &mut b,
        &[(
            "SELECT v FROM t",
            "ERROR 1146 (42S02): Table 'd.t' doesn't exist",
        )],
    );
}

#[test]
fn create_and_drop_temporary_do_not_commit_the_transaction() {
    let (e, mut a, mut b) = setup();
    steps(
        &e,
        &mut a,
        &[
            ("BEGIN", "ok"),
            ("INSERT INTO t VALUES (2, 'txn')", "ok affected=1"),
            ("CREATE TEMPORARY TABLE tt (a INT)", "ok"),
        ],
    );
    steps(&e, &mut b, &[("SELECT id FROM t", "id\n1")]);
    steps(
        &e,
        &mut a,
        &[
            ("DROP TEMPORARY TABLE tt", "ok"),
            ("CREATE TEMPORARY TABLE t2 LIKE t", "ok"),
            (
                "CREATE TEMPORARY TABLE t3 AS SELECT id FROM t",
                "ok affected=2",
            ),
        ],
    );
    steps(&e, &mut b, &[("SELECT id FROM t", "id\n1")]);
    steps(
        &e,
        &mut a,
        &[
            ("ROLLBACK", "ok"),
            ("SELECT id FROM t", "id\n1"),
            // The tables stay (CREATE TEMPORARY cannot be rolled back), without the rolled-back
            // rows of later statements.
            ("SELECT * FROM t2", "id|v"),
            ("SELECT id FROM t3 ORDER BY id", "id\n1\n2"),
        ],
    );
    // Control: a plain CREATE TABLE does commit.
    steps(
        &e,
        &mut a,
        &[
            ("BEGIN", "ok"),
            ("INSERT INTO t VALUES (4, 'c')", "ok affected=1"),
            ("CREATE TABLE p (a INT)", "ok"),
        ],
    );
    steps(&e, &mut b, &[("SELECT id FROM t ORDER BY id", "id\n1\n4")]);
}

#[test]
fn dml_on_temporary_tables_follows_the_transaction() {
    let (e, mut a, _) = setup();
    steps(
        &e,
        &mut a,
        &[
            (
                "CREATE TEMPORARY TABLE tt (id INT PRIMARY KEY, v INT, UNIQUE KEY (v))",
                "ok",
            ),
            ("INSERT INTO tt VALUES (1, 10)", "ok affected=1"),
            ("BEGIN", "ok"),
            ("INSERT INTO tt VALUES (2, 20)", "ok affected=1"),
            ("UPDATE tt SET v = 11 WHERE id = 1", "ok affected=1"),
            ("SELECT * FROM tt", "id|v\n1|11\n2|20"),
            ("ROLLBACK", "ok"),
            ("SELECT * FROM tt", "id|v\n1|10"),
            ("BEGIN", "ok"),
            ("INSERT INTO tt VALUES (3, 30)", "ok affected=1"),
            ("SAVEPOINT s", "ok"),
            ("DELETE FROM tt", "ok affected=2"),
            ("ROLLBACK TO SAVEPOINT s", "ok"),
            ("COMMIT", "ok"),
            ("SELECT * FROM tt", "id|v\n1|10\n3|30"),
            // A failing statement undoes only itself.
            (
                "INSERT INTO tt VALUES (4, 40), (5, 10)",
                "ERROR 1062 (23000): Duplicate entry '10' for key 'tt.v'",
            ),
            ("SELECT * FROM tt WHERE v >= 10", "id|v\n1|10\n3|30"),
            // READ ONLY transactions may write temporary tables, not permanent ones.
            ("START TRANSACTION READ ONLY", "ok"),
            ("INSERT INTO tt VALUES (6, 60)", "ok affected=1"),
            (
                "INSERT INTO t VALUES (6, 'x')",
                "ERROR 1792 (25006): Cannot execute statement in a READ ONLY transaction.",
            ),
            ("COMMIT", "ok"),
            ("SELECT id FROM tt WHERE v = 60", "id\n6"),
        ],
    );
}

#[test]
fn like_select_if_not_exists_and_auto_increment() {
    let (e, mut a, mut b) = setup();
    steps(
        &e,
        &mut a,
        &[
            ("CREATE TEMPORARY TABLE c LIKE t", "ok"),
            ("INSERT INTO c VALUES (1, 'c')", "ok affected=1"),
            (
                "CREATE TEMPORARY TABLE IF NOT EXISTS c (z INT)",
                "ok warnings=1",
            ),
            (
                "SHOW WARNINGS",
                "Level|Code|Message\nNote|1050|Table 'c' already exists",
            ),
            (
                "CREATE TEMPORARY TABLE c (z INT)",
                "ERROR 1050 (42S01): Table 'c' already exists",
            ),
            // A temporary table may take the name of a permanent one (and the other way round).
            ("CREATE TEMPORARY TABLE IF NOT EXISTS t (z INT)", "ok"),
            ("SELECT * FROM t", "z"),
            ("DROP TEMPORARY TABLE t", "ok"),
            (
                "CREATE TEMPORARY TABLE s AS SELECT id, UPPER(v) AS u FROM t",
                "ok affected=1",
            ),
            ("SELECT * FROM s", "id|u\n1|PERM"),
            // ... and a copy of a temporary table, LIKE or SELECT.
            ("CREATE TEMPORARY TABLE c2 LIKE c", "ok"),
            ("CREATE TABLE p AS SELECT * FROM c", "ok affected=1"),
            (
                "CREATE TEMPORARY TABLE ai (id INT AUTO_INCREMENT PRIMARY KEY, v INT) AUTO_INCREMENT = 5",
                "ok",
            ),
            ("INSERT INTO ai (v) VALUES (1), (2)", "ok affected=2"),
            ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n5"),
            ("SELECT id FROM ai", "id\n5\n6"),
            ("TRUNCATE TABLE ai", "ok"),
            ("INSERT INTO ai (v) VALUES (3)", "ok affected=1"),
            ("SELECT id FROM ai", "id\n1"),
        ],
    );
    steps(
        &e,
        &mut b,
        &[
            ("SELECT * FROM p", "id|v\n1|c"),
            (
                "SELECT * FROM c",
                "ERROR 1146 (42S02): Table 'd.c' doesn't exist",
            ),
        ],
    );
}

#[test]
fn alter_rename_and_indexes_on_temporary_tables() {
    let (e, mut a, mut b) = setup();
    shadow(&e, &mut a);
    steps(
        &e,
        &mut a,
        &[
            ("ALTER TABLE t ADD COLUMN x INT DEFAULT 7", "ok"),
            ("SELECT * FROM t", "id|v|w|x\n1|temp|5|7"),
            ("CREATE INDEX iw ON t (w)", "ok"),
            ("SELECT id FROM t WHERE w = 5", "id\n1"),
            ("DROP INDEX iw ON t", "ok"),
            ("ALTER TABLE t RENAME TO t1", "ok"),
            ("SELECT v FROM t", "v\nperm"),
            ("SELECT v FROM t1", "v\ntemp"),
            ("RENAME TABLE t1 TO t2", "ok"),
            ("SELECT v FROM t2", "v\ntemp"),
            (
                "SELECT v FROM t1",
                "ERROR 1146 (42S02): Table 'd.t1' doesn't exist",
            ),
            ("SHOW TABLES", "Tables_in_d\nt"),
        ],
    );
    steps(
        &e,
        &mut b,
        &[
            ("SELECT * FROM t", "id|v\n1|perm"),
            (
                "SELECT * FROM t2",
                "ERROR 1146 (42S02): Table 'd.t2' doesn't exist",
            ),
        ],
    );
}

#[test]
fn the_plan_cache_never_serves_a_temporary_table_plan_to_another_session() {
    // Order 1: the session without temporary tables binds the text first.
    let (e, mut a, mut b) = setup();
    let q = "SELECT v FROM t WHERE id = 1";
    steps(&e, &mut b, &[(q, "v\nperm")]);
    steps(&e, &mut a, &[(q, "v\nperm")]);
    shadow(&e, &mut a);
    steps(
        &e,
        &mut a,
        &[(q, "v\ntemp"), ("SELECT * FROM t", "id|v|w\n1|temp|5")],
    );
    steps(
        &e,
        &mut b,
        &[(q, "v\nperm"), ("SELECT * FROM t", "id|v\n1|perm")],
    );
    // A change to the temporary table is a new plan, in its session too.
    steps(
        &e,
        &mut a,
        &[
            ("ALTER TABLE t DROP COLUMN w", "ok"),
            ("SELECT * FROM t", "id|v\n1|temp"),
            ("DROP TEMPORARY TABLE t", "ok"),
            (q, "v\nperm"),
        ],
    );
    // Re-created with the same definition: still its own plan, not the permanent table's.
    shadow(&e, &mut a);
    steps(&e, &mut a, &[(q, "v\ntemp")]);

    // Order 2: the session with the temporary table binds the text first.
    let (e, mut a, mut b) = setup();
    shadow(&e, &mut a);
    let q = "SELECT v FROM t WHERE id = 1";
    steps(&e, &mut a, &[(q, "v\ntemp")]);
    steps(&e, &mut b, &[(q, "v\nperm")]);
    steps(&e, &mut a, &[(q, "v\ntemp")]);
    // Both sessions with a temporary `t` of their own.
    steps(
        &e,
        &mut b,
        &[
            ("CREATE TEMPORARY TABLE t (id INT, v VARCHAR(10))", "ok"),
            ("INSERT INTO t VALUES (1, 'temp b')", "ok affected=1"),
            (q, "v\ntemp b"),
        ],
    );
    steps(&e, &mut a, &[(q, "v\ntemp")]);
    steps(&e, &mut b, &[(q, "v\ntemp b")]);
}

#[test]
fn prepared_selects_follow_temporary_tables() {
    let (e, mut a, _) = setup();
    let p = e
        .prepare(&mut a, "SELECT v FROM t WHERE id = ?")
        .map_err(|err| err.message)
        .unwrap();
    assert_eq!(exec(&e, &mut a, &p, &[Value::Int(1)]), "v\nperm");
    shadow(&e, &mut a);
    assert_eq!(exec(&e, &mut a, &p, &[Value::Int(1)]), "v\ntemp");
    steps(&e, &mut a, &[("DROP TEMPORARY TABLE t", "ok")]);
    assert_eq!(exec(&e, &mut a, &p, &[Value::Int(1)]), "v\nperm");
}

#[test]
fn temporary_tables_go_with_their_session() {
    let (e, mut a, mut b) = setup();
    steps(
        &e,
        &mut a,
        &[
            (
                "CREATE TEMPORARY TABLE gone (id INT PRIMARY KEY, v VARCHAR(10))",
                "ok",
            ),
            ("INSERT INTO gone VALUES (1, 'row')", "ok affected=1"),
            ("SELECT v FROM gone", "v\nrow"),
        ],
    );
    assert_eq!(a.temporary_tables(), 1);
    // The rows are the session's alone: nothing else keeps them alive.
    let row = a
        .temp
        .table("d", "gone")
        .and_then(|t| t.data.rows.iter().next().cloned())
        .unwrap();
    let weak = row.downgrade();
    drop(row);
    drop(a);
    assert!(
        weak.upgrade().is_none(),
        "the temporary table outlived its session"
    );
    let mut c = session(&e);
    steps(
        &e,
        &mut c,
        &[
            ("USE d", "ok"),
            (
                "SELECT v FROM gone",
                "ERROR 1146 (42S02): Table 'd.gone' doesn't exist",
            ),
            ("CREATE TEMPORARY TABLE gone (a INT)", "ok"),
        ],
    );
    steps(
        &e,
        &mut b,
        &[(
            "SELECT v FROM gone",
            "ERROR 1146 (42S02): Table 'd.gone' doesn't exist",
        )],
    );
}

#[test]
fn sessions_never_wait_for_each_others_temporary_tables() {
    let (e, mut a, mut b) = setup();
    shadow(&e, &mut a);
    steps(
        &e,
        &mut a,
        &[
            ("BEGIN", "ok"),
            ("UPDATE t SET v = 'locked' WHERE id = 1", "ok affected=1"),
            ("SELECT v FROM t WHERE id = 1 FOR UPDATE", "v\nlocked"),
        ],
    );
    // a's open transaction holds locks on its temporary `t` only: b writes the permanent `t`
    // and changes its definition without waiting (a wait would end in 1205 after 1 second).
    steps(
        &e,
        &mut b,
        &[
            ("SET SESSION innodb_lock_wait_timeout = 1", "ok"),
            ("SET SESSION lock_wait_timeout = 1", "ok"),
            ("UPDATE t SET v = 'b' WHERE id = 1", "ok affected=1"),
            ("ALTER TABLE t ADD COLUMN z INT", "ok"),
            ("CREATE TEMPORARY TABLE t (id INT PRIMARY KEY)", "ok"),
            ("INSERT INTO t VALUES (1)", "ok affected=1"),
        ],
    );
    steps(
        &e,
        &mut a,
        &[("COMMIT", "ok"), ("SELECT v FROM t", "v\nlocked")],
    );
}

#[test]
fn drop_database_keeps_the_sessions_temporary_tables() {
    let (e, mut a, mut b) = setup();
    steps(
        &e,
        &mut a,
        &[
            ("CREATE DATABASE d2", "ok affected=1"),
            ("CREATE TEMPORARY TABLE d2.k (a INT)", "ok"),
            ("INSERT INTO d2.k VALUES (1)", "ok affected=1"),
        ],
    );
    steps(&e, &mut b, &[("DROP DATABASE d2", "ok")]);
    steps(
        &e,
        &mut a,
        &[
            ("SELECT a FROM d2.k", "a\n1"),
            ("DROP TEMPORARY TABLE d2.k", "ok"),
            (
                "SELECT a FROM d2.k",
                "ERROR 1146 (42S02): Table 'd2.k' doesn't exist",
            ),
        ],
    );
}

#[test]
fn joins_subqueries_explain_and_autocommit_reach_temporary_tables() {
    let (e, mut a, mut b) = setup();
    steps(
        &e,
        &mut a,
        &[
            ("BEGIN", "ok"),
            // The snapshot is taken here; the table created after it is still visible.
            ("SELECT COUNT(*) FROM t", "COUNT(*)\n1"),
            ("CREATE TEMPORARY TABLE tt (id INT PRIMARY KEY, v INT)", "ok"),
            ("INSERT INTO tt SELECT id, 1 FROM t", "ok affected=1"),
            ("INSERT INTO tt SELECT id + 10, v FROM tt", "ok affected=1"),
            ("UPDATE tt JOIN t ON t.id = tt.id SET tt.v = 9", "ok affected=1"),
            ("DELETE tt FROM tt WHERE id > 10", "ok affected=1"),
            (
                "SELECT id, (SELECT v FROM t WHERE t.id = tt.id) AS pv FROM tt",
                "id|pv\n1|perm",
            ),
            (
                "EXPLAIN SELECT * FROM tt WHERE id = 1",
                "id|select_type|table|partitions|type|possible_keys|key|key_len|ref|rows|filtered|Extra
1|SIMPLE|tt|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL",
            ),
            ("COMMIT", "ok"),
            ("SELECT * FROM tt", "id|v\n1|9"),
            // SET autocommit = 1 commits the open transaction, temporary rows included.
            ("SET autocommit = 0", "ok"),
            ("INSERT INTO tt VALUES (50, 5)", "ok affected=1"),
            ("SET autocommit = 1", "ok"),
            ("ROLLBACK", "ok"),
            ("SELECT * FROM tt", "id|v\n1|9\n50|5"),
            (
                "CREATE TEMPORARY TABLE nodb.x (a INT)",
                "ERROR 1049 (42000): Unknown database 'nodb'",
            ),
            // One DROP TABLE for a temporary and a permanent table.
            ("DROP TABLE tt, t", "ok"),
        ],
    );
    steps(
        &e,
        &mut b,
        &[(
            "SELECT * FROM t",
            "ERROR 1146 (42S02): Table 'd.t' doesn't exist",
        )],
    );
}
