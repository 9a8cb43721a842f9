//! Generated columns: `col type [GENERATED ALWAYS] AS (expr) [VIRTUAL | STORED]`, computed on
//! every write of the row, with MySQL 8.4's errors and metadata.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-table-generated-columns.html>

use super::{run, set_up, steps_after};
use crate::tests::ddl::create_text;
use crate::{Engine, Session};

const SETUP: &[&str] = &["CREATE DATABASE d", "USE d"];

fn setup() -> (Engine, Session) {
    set_up(SETUP)
}

fn steps(steps: &[(&str, &str)]) {
    steps_after(SETUP, steps);
}

#[test]
fn values_are_computed_on_insert_update_and_upsert() {
    steps(&[
        (
            "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT AS (a + 1), c INT GENERATED ALWAYS AS (b * 2) STORED)",
            "ok",
        ),
        (
            "INSERT INTO t (id, a) VALUES (1, 10), (2, NULL)",
            "ok affected=2",
        ),
        (
            "INSERT INTO t VALUES (3, 5, DEFAULT, DEFAULT)",
            "ok affected=1",
        ),
        ("INSERT INTO t SET id = 4, a = 7", "ok affected=1"),
        (
            "SELECT id, a, b, c FROM t ORDER BY id",
            "id|a|b|c\n1|10|11|22\n2|NULL|NULL|NULL\n3|5|6|12\n4|7|8|16",
        ),
        ("UPDATE t SET a = 100 WHERE id = 1", "ok affected=1"),
        ("SELECT b, c FROM t WHERE id = 1", "b|c\n101|202"),
        (
            "INSERT INTO t (id, a) VALUES (1, 0) ON DUPLICATE KEY UPDATE a = a + 1",
            "ok affected=2",
        ),
        ("SELECT a, b, c FROM t WHERE id = 1", "a|b|c\n101|102|204"),
        ("REPLACE INTO t (id, a) VALUES (2, 1)", "ok affected=2"),
        ("SELECT b, c FROM t WHERE id = 2", "b|c\n2|4"),
        ("SELECT id FROM t WHERE c = 16", "id\n4"),
    ]);
}

#[test]
fn explicit_values_are_refused() {
    steps(&[
        ("CREATE TABLE t (a INT, b INT AS (a + 1))", "ok"),
        (
            "INSERT INTO t VALUES (1, 2)",
            "ERROR 3105 (HY000): The value specified for generated column 'b' in table 't' is not allowed.",
        ),
        (
            "INSERT INTO t (b) SELECT 1",
            "ERROR 3105 (HY000): The value specified for generated column 'b' in table 't' is not allowed.",
        ),
        ("INSERT INTO t (a) VALUES (1)", "ok affected=1"),
        (
            "UPDATE t SET b = 5",
            "ERROR 3105 (HY000): The value specified for generated column 'b' in table 't' is not allowed.",
        ),
        ("UPDATE t SET b = DEFAULT", "ok"),
        ("SELECT a, b FROM t", "a|b\n1|2"),
    ]);
}

#[test]
fn indexes_checks_and_metadata() {
    let (e, mut s) = setup();
    for (sql, want) in [
        (
            "CREATE TABLE t (a INT, b INT AS (a * 10) VIRTUAL, s VARCHAR(10) AS (CONCAT('x', a)) STORED NOT NULL, \
             UNIQUE KEY ub (b), CHECK (b < 100))",
            "ok",
        ),
        ("INSERT INTO t (a) VALUES (1), (2)", "ok affected=2"),
        (
            "INSERT INTO t (a) VALUES (1)",
            "ERROR 1062 (23000): Duplicate entry '10' for key 't.ub'",
        ),
        (
            "INSERT INTO t (a) VALUES (10)",
            "ERROR 3819 (HY000): Check constraint 't_chk_1' is violated.",
        ),
        ("SELECT a FROM t WHERE b = 20", "a\n2"),
        (
            "SELECT COLUMN_NAME, EXTRA, GENERATION_EXPRESSION FROM information_schema.COLUMNS \
             WHERE TABLE_NAME = 't' ORDER BY ORDINAL_POSITION",
            "COLUMN_NAME|EXTRA|GENERATION_EXPRESSION\na||\nb|VIRTUAL GENERATED|(`a` * 10)\n\
             s|STORED GENERATED|concat(_utf8mb4'x',`a`)",
        ),
    ] {
        assert_eq!(run(&e, &mut s, sql), want, "for SQL: {sql}");
    }
    assert_eq!(
        create_text(&e, &mut s, "t"),
        "CREATE TABLE `t` (\n  `a` int DEFAULT NULL,\n  \
         `b` int GENERATED ALWAYS AS ((`a` * 10)) VIRTUAL,\n  \
         `s` varchar(10) GENERATED ALWAYS AS (concat(_utf8mb4'x',`a`)) STORED NOT NULL,\n  \
         UNIQUE KEY `ub` (`b`),\n  CONSTRAINT `t_chk_1` CHECK ((`b` < 100))\n\
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
}

#[test]
fn expressions_are_validated_at_create() {
    steps(&[
        (
            "CREATE TABLE t (a INT, b INT AS (z + 1))",
            "ERROR 1054 (42S22): Unknown column 'z' in 'generated column function'",
        ),
        (
            "CREATE TABLE t (a INT, b INT AS (c + 1), c INT AS (a))",
            "ERROR 3107 (HY000): Generated column can refer only to generated columns defined prior to it.",
        ),
        (
            "CREATE TABLE t (a INT AUTO_INCREMENT PRIMARY KEY, b INT AS (a + 1))",
            "ERROR 3109 (HY000): Generated column 'b' cannot refer to auto-increment column.",
        ),
        (
            "CREATE TABLE t (a INT, b DATETIME AS (NOW()))",
            "ERROR 3763 (HY000): Expression of generated column 'b' contains a disallowed function: now.",
        ),
        ("CREATE TABLE t (a INT, b INT AS (a + 1))", "ok"),
        (
            "ALTER TABLE t ADD COLUMN c INT AS (a + 2)",
            "ERROR 1235 (42000): This version of MySQL doesn't yet support 'adding or changing generated columns with ALTER TABLE'",
        ),
        ("ALTER TABLE t ADD COLUMN c INT", "ok"),
        ("INSERT INTO t (a) VALUES (4)", "ok affected=1"),
        ("SELECT a, b, c FROM t", "a|b|c\n4|5|NULL"),
        (
            "ALTER TABLE t DROP COLUMN a",
            "ERROR 3108 (HY000): Column 'a' has a generated column dependency.",
        ),
        (
            "ALTER TABLE t RENAME COLUMN a TO z",
            "ERROR 3108 (HY000): Column 'a' has a generated column dependency.",
        ),
        ("ALTER TABLE t DROP COLUMN b", "ok"),
        ("SELECT * FROM t", "a|c\n4|NULL"),
    ]);
}
