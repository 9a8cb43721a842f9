//! Views: CREATE/ALTER/DROP VIEW, reading through views, updatable views and CHECK OPTION,
//! metadata, privileges and cached plans, with MySQL 8.4's errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/views.html>

use super::{engine, run, session};
use crate::{Engine, Session};

/// A session over `d.t` (id, a, b) and `d.u`.
fn setup() -> (Engine, Session) {
    let e = engine();
    let mut s = session(&e);
    for sql in [
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(10))",
        "INSERT INTO t VALUES (1,10,'x'),(2,20,'y'),(3,30,'z')",
        "CREATE TABLE u (id INT PRIMARY KEY, t_id INT, c INT)",
        "INSERT INTO u VALUES (1,1,100),(2,1,101),(3,3,300)",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    (e, s)
}

/// Runs each step on one session set up by [`setup`].
fn steps(steps: &[(&str, &str)]) {
    let (e, mut s) = setup();
    for (sql, expected) in steps {
        assert_eq!(run(&e, &mut s, sql), expected.trim(), "for SQL: {sql}");
    }
}

#[test]
fn create_view_and_select_from_it() {
    steps(&[
        ("CREATE VIEW v AS SELECT id, a FROM t WHERE a > 10", "ok"),
        ("SELECT * FROM v ORDER BY id", "id|a\n2|20\n3|30"),
        ("SELECT a FROM v WHERE id = 3", "a\n30"),
        ("CREATE VIEW w (x, y) AS SELECT id, a * 2 FROM t", "ok"),
        ("SELECT x, y FROM w ORDER BY x", "x|y\n1|20\n2|40\n3|60"),
        ("CREATE VIEW one AS SELECT 1", "ok"),
        ("SELECT * FROM one", "1\n1"),
    ]);
}

#[test]
fn show_create_view_prints_mysqls_normalized_text() {
    steps(&[
        ("CREATE VIEW v AS SELECT id, a FROM t WHERE a > 10", "ok"),
        (
            "SHOW CREATE VIEW v",
            "View|Create View|character_set_client|collation_connection\n\
             v|CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `v` AS select `t`.`id` AS `id`,`t`.`a` AS `a` from `t` where (`a` > 10)|utf8mb4|utf8mb4_0900_ai_ci",
        ),
        (
            "CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW w (x) AS SELECT * FROM t AS q WHERE id = 1 WITH LOCAL CHECK OPTION",
            "ERROR 1353 (HY000): In definition of view, derived table or common table expression, SELECT list and column names list have different column counts",
        ),
        (
            "CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW w (x, y, z) AS SELECT * FROM t AS q WHERE id = 1 WITH LOCAL CHECK OPTION",
            "ok",
        ),
        (
            "SHOW CREATE TABLE w",
            "View|Create View|character_set_client|collation_connection\n\
             w|CREATE ALGORITHM=MERGE DEFINER=`root`@`%` SQL SECURITY INVOKER VIEW `w` (`x`,`y`,`z`) AS select `q`.`id` AS `id`,`q`.`a` AS `a`,`q`.`b` AS `b` from `t` AS `q` where (`id` = 1) WITH LOCAL CHECK OPTION|utf8mb4|utf8mb4_0900_ai_ci",
        ),
    ]);
}
