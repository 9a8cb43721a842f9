//! Rules of data-change statements MySQL 8.4 enforces: a subquery may not read the table the
//! statement changes (1093, 1443 through views), except through a materialized derived table.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/subquery-restrictions.html>

use super::steps_after;

const SETUP: &[&str] = &[
    "CREATE DATABASE d",
    "USE d",
    "CREATE TABLE t (id INT PRIMARY KEY, a INT)",
    "INSERT INTO t VALUES (1,10),(2,20),(3,30)",
    "CREATE TABLE u (id INT PRIMARY KEY)",
    "INSERT INTO u VALUES (1),(3)",
    "CREATE VIEW vt AS SELECT id, a FROM t",
    "CREATE VIEW vg AS SELECT id FROM t GROUP BY id",
    "CREATE VIEW vu AS SELECT id FROM u",
];

const E1093: &str =
    "ERROR 1093 (HY000): You can't specify target table 't' for update in FROM clause";

#[test]
fn a_subquery_may_not_read_the_changed_table() {
    steps_after(
        SETUP,
        &[
            ("UPDATE t SET a = 0 WHERE id IN (SELECT id FROM t)", E1093),
            ("DELETE FROM t WHERE id IN (SELECT id FROM t)", E1093),
            ("UPDATE t SET a = (SELECT MAX(a) FROM t)", E1093),
            (
                "DELETE FROM t WHERE EXISTS (SELECT 1 FROM u JOIN d.t ON u.id = t.id)",
                E1093,
            ),
            (
                "UPDATE t AS x SET a = 0 WHERE id IN (SELECT id FROM t)",
                "ERROR 1093 (HY000): You can't specify target table 'x' for update in FROM clause",
            ),
            (
                "UPDATE t JOIN u ON t.id = u.id SET t.a = 1 WHERE t.id IN (SELECT id FROM t)",
                E1093,
            ),
            (
                "DELETE t FROM t JOIN u ON t.id = u.id WHERE t.a > (SELECT MIN(a) FROM t)",
                E1093,
            ),
            // Reading another table, or the same one only in the join, is fine.
            (
                "UPDATE t JOIN t AS t2 ON t.id = t2.id SET t.a = t2.a + 1",
                "ok affected=3",
            ),
            ("SELECT a FROM t ORDER BY id", "a\n11\n21\n31"),
            (
                "UPDATE t SET a = a + 1 WHERE id IN (SELECT id FROM u)",
                "ok affected=2",
            ),
            ("SELECT a FROM t ORDER BY id", "a\n12\n21\n32"),
        ],
    );
}

#[test]
fn a_derived_table_or_cte_is_materialized_first() {
    steps_after(
        SETUP,
        &[
            (
                "UPDATE t SET a = 0 WHERE id IN (SELECT id FROM (SELECT id FROM t WHERE a > 15) AS x)",
                "ok affected=2",
            ),
            (
                "DELETE FROM t WHERE a = (SELECT m FROM (SELECT MIN(a) AS m FROM t) AS x)",
                "ok affected=2",
            ),
            (
                "DELETE FROM t WHERE id IN (WITH c AS (SELECT id FROM t) SELECT id FROM c)",
                "ok affected=1",
            ),
            ("SELECT COUNT(*) FROM t", "COUNT(*)\n0"),
            ("INSERT INTO u VALUES (5)", "ok affected=1"),
            // INSERT ... VALUES may not read the table in a subquery; INSERT ... SELECT may.
            (
                "INSERT INTO u VALUES ((SELECT MAX(id) + 1 FROM u))",
                "ERROR 1093 (HY000): You can't specify target table 'u' for update in FROM clause",
            ),
            (
                "INSERT INTO u SET id = (SELECT MAX(id) + 1 FROM u)",
                "ERROR 1093 (HY000): You can't specify target table 'u' for update in FROM clause",
            ),
            (
                "INSERT INTO u VALUES ((SELECT m FROM (SELECT MAX(id) + 1 AS m FROM u) AS x))",
                "ok affected=1",
            ),
            ("DELETE FROM u WHERE id = 6", "ok affected=1"),
            ("INSERT INTO u SELECT id + 10 FROM u", "ok affected=3"),
            ("SELECT id FROM u ORDER BY id", "id\n1\n3\n5\n11\n13\n15"),
        ],
    );
}

#[test]
fn views_reading_the_changed_table_are_reported_as_mysql_does() {
    steps_after(
        SETUP,
        &[
            (
                "DELETE FROM t WHERE id IN (SELECT id FROM vt)",
                "ERROR 1443 (HY000): The definition of table 'vt' prevents operation DELETE on table 't'.",
            ),
            (
                "UPDATE vt SET a = 0 WHERE id IN (SELECT id FROM t)",
                "ERROR 1443 (HY000): The definition of table 'vt' prevents operation UPDATE on table 'vt'.",
            ),
            (
                "UPDATE vt SET a = 0 WHERE id IN (SELECT id FROM vt)",
                "ERROR 1093 (HY000): You can't specify target table 'vt' for update in FROM clause",
            ),
            // A view MySQL cannot merge is materialized, like a derived table.
            (
                "UPDATE t SET a = 1 WHERE id IN (SELECT id FROM vg)",
                "ok affected=3",
            ),
            (
                "UPDATE vt SET a = 2 WHERE id IN (SELECT id FROM vu)",
                "ok affected=2",
            ),
            ("SELECT a FROM t ORDER BY id", "a\n2\n1\n2"),
        ],
    );
}

/// LOCK TABLES of a view locks the view and the tables it reads; those tables may then be used
/// through views only.
#[test]
fn lock_tables_of_a_view_locks_its_tables() {
    steps_after(
        SETUP,
        &[
            ("CREATE VIEW vv AS SELECT id FROM vt WHERE id > 1", "ok"),
            ("LOCK TABLES vt WRITE", "ok"),
            ("SELECT id, a FROM vt ORDER BY id", "id|a\n1|10\n2|20\n3|30"),
            ("UPDATE vt SET a = a + 1 WHERE id = 1", "ok affected=1"),
            ("INSERT INTO vt VALUES (4, 40)", "ok affected=1"),
            ("DELETE FROM vt WHERE id = 4", "ok affected=1"),
            (
                "SELECT * FROM t",
                "ERROR 1100 (HY000): Table 't' was not locked with LOCK TABLES",
            ),
            (
                "SELECT * FROM u",
                "ERROR 1100 (HY000): Table 'u' was not locked with LOCK TABLES",
            ),
            (
                "SELECT * FROM vv",
                "ERROR 1100 (HY000): Table 'vv' was not locked with LOCK TABLES",
            ),
            ("LOCK TABLES vv READ, u WRITE", "ok"),
            ("SELECT id FROM vv ORDER BY id", "id\n2\n3"),
            ("SELECT COUNT(*) FROM u", "COUNT(*)\n2"),
            (
                "UPDATE vt SET a = 0",
                "ERROR 1100 (HY000): Table 'vt' was not locked with LOCK TABLES",
            ),
            ("LOCK TABLES vt READ", "ok"),
            (
                "UPDATE vt SET a = 0",
                "ERROR 1099 (HY000): Table 't' was locked with a READ lock and can't be updated",
            ),
            (
                "LOCK TABLES vt READ, vt WRITE",
                "ERROR 1066 (42000): Not unique table/alias: 'vt'",
            ),
            ("LOCK TABLES vt AS x READ, t WRITE", "ok"),
            ("UPDATE t SET a = 5 WHERE id = 1", "ok affected=1"),
            ("UNLOCK TABLES", "ok"),
            ("SELECT a FROM t WHERE id = 1", "a\n5"),
        ],
    );
}

/// auto_increment_increment and auto_increment_offset: generated values are
/// offset + N * increment, the first of the series after the table's counter.
#[test]
fn auto_increment_follows_increment_and_offset() {
    steps_after(
        &[
            "CREATE DATABASE d",
            "USE d",
            "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, x INT)",
        ],
        &[
            ("INSERT INTO a (x) VALUES (1)", "ok affected=1"),
            ("SET auto_increment_increment = 10", "ok"),
            ("INSERT INTO a (x) VALUES (2), (3), (4)", "ok affected=3"),
            ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n11"),
            ("SET auto_increment_offset = 5", "ok"),
            ("INSERT INTO a (x) VALUES (5)", "ok affected=1"),
            ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n35"),
            ("INSERT INTO a VALUES (100, 6)", "ok affected=1"),
            (
                "INSERT INTO a (x) SELECT x + 10 FROM a WHERE x < 3",
                "ok affected=2",
            ),
            ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n105"),
            // An offset above the increment is ignored.
            ("SET auto_increment_offset = 15", "ok"),
            ("INSERT INTO a (x) VALUES (7), (8)", "ok affected=2"),
            ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n121"),
            (
                "SET auto_increment_increment = 1, auto_increment_offset = 1",
                "ok",
            ),
            ("INSERT INTO a (x) VALUES (9)", "ok affected=1"),
            ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n132"),
            (
                "SET auto_increment_increment = 3, auto_increment_offset = 2",
                "ok",
            ),
            (
                "CREATE TABLE b (id INT AUTO_INCREMENT PRIMARY KEY) SELECT NULL AS id UNION ALL SELECT NULL",
                "ok affected=2",
            ),
            ("SELECT id FROM b ORDER BY id", "id\n2\n5"),
            (
                "SELECT id, x FROM a ORDER BY id",
                "id|x\n1|1\n11|2\n21|3\n31|4\n35|5\n100|6\n105|11\n115|12\n121|7\n131|8\n132|9",
            ),
        ],
    );
}

/// LOAD DATA generates values of the series too, and LAST_INSERT_ID() is the first of them.
#[test]
fn load_data_follows_increment_and_offset() {
    let (e, mut s) = super::set_up(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, x INT)",
        "INSERT INTO a VALUES (3, 0)",
        "SET GLOBAL local_infile = ON",
        "SET auto_increment_increment = 5, auto_increment_offset = 2",
    ]);
    s.set_local_files(true);
    let load = "LOAD DATA LOCAL INFILE 'f' INTO TABLE a (x)";
    assert_eq!(super::run(&e, &mut s, load), "local infile f");
    let (o, err) = e.load_local_data(&mut s, b"1\n2\n3\n");
    assert!(err.is_none(), "{err:?}");
    assert_eq!(super::render(&o, None), "ok affected=3");
    assert_eq!(
        super::run(&e, &mut s, "SELECT LAST_INSERT_ID()"),
        "LAST_INSERT_ID()\n7"
    );
    assert_eq!(
        super::run(&e, &mut s, "SELECT id, x FROM a ORDER BY id"),
        "id|x\n3|0\n7|1\n12|2\n17|3"
    );
}
