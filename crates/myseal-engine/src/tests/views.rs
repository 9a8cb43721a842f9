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

#[test]
fn views_read_through_joins_subqueries_and_other_views() {
    steps(&[
        ("CREATE VIEW v AS SELECT id, a FROM t WHERE a >= 20", "ok"),
        (
            "SELECT v.id, u.c FROM v JOIN u ON u.t_id = v.id ORDER BY u.c",
            "id|c\n3|300",
        ),
        (
            "SELECT id FROM t WHERE id IN (SELECT id FROM v) ORDER BY id",
            "id\n2\n3",
        ),
        ("SELECT (SELECT MAX(a) FROM v) AS m", "m\n30"),
        ("CREATE VIEW vv AS SELECT id FROM v WHERE id > 2", "ok"),
        ("SELECT * FROM vv", "id\n3"),
        (
            "SELECT x.id FROM vv AS x, v AS y WHERE x.id = y.id",
            "id\n3",
        ),
        (
            "CREATE VIEW agg AS SELECT COUNT(*) AS n, SUM(a) AS s FROM t",
            "ok",
        ),
        ("SELECT n, s FROM agg", "n|s\n3|60"),
    ]);
}

#[test]
fn create_view_errors_have_mysqls_codes_and_texts() {
    steps(&[
        (
            "CREATE VIEW v AS SELECT * FROM nope",
            "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
        ),
        (
            "CREATE VIEW v AS SELECT nope FROM t",
            "ERROR 1054 (42S22): Unknown column 'nope' in 'field list'",
        ),
        (
            "CREATE VIEW v AS SELECT a, a FROM t",
            "ERROR 1060 (42S21): Duplicate column name 'a'",
        ),
        (
            "CREATE VIEW v (x, x) AS SELECT a, b FROM t",
            "ERROR 1060 (42S21): Duplicate column name 'x'",
        ),
        (
            "CREATE VIEW t AS SELECT 1",
            "ERROR 1050 (42S01): Table 't' already exists",
        ),
        ("CREATE VIEW v AS SELECT 1", "ok"),
        (
            "CREATE VIEW v AS SELECT 2",
            "ERROR 1050 (42S01): Table 'v' already exists",
        ),
        (
            "CREATE TABLE v (x INT)",
            "ERROR 1050 (42S01): Table 'v' already exists",
        ),
        ("CREATE OR REPLACE VIEW v AS SELECT 2 AS two", "ok"),
        ("SELECT * FROM v", "two\n2"),
        (
            "CREATE OR REPLACE VIEW v AS SELECT * FROM v",
            "ERROR 1462 (HY000): `d`.`v` contains view recursion",
        ),
        ("CREATE VIEW w AS SELECT * FROM v", "ok"),
        (
            "ALTER VIEW v AS SELECT * FROM w",
            "ERROR 1462 (HY000): `d`.`v` contains view recursion",
        ),
        (
            "ALTER VIEW nope AS SELECT 1",
            "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
        ),
        ("DROP TABLE v", "ERROR 1051 (42S02): Unknown table 'd.v'"),
        ("DROP VIEW t", "ERROR 1347 (HY000): 'd.t' is not VIEW"),
        (
            "DROP VIEW nope",
            "ERROR 1051 (42S02): Unknown table 'd.nope'",
        ),
        ("DROP VIEW IF EXISTS nope", "ok warnings=1"),
        (
            "SHOW WARNINGS",
            "Level|Code|Message\nNote|1051|Unknown table 'd.nope'",
        ),
        ("DROP VIEW w, v RESTRICT", "ok"),
        (
            "SELECT * FROM v",
            "ERROR 1146 (42S02): Table 'd.v' doesn't exist",
        ),
    ]);
}

#[test]
fn a_view_over_a_dropped_table_or_column_is_invalid() {
    steps(&[
        ("CREATE TABLE x (k INT, m INT)", "ok"),
        ("CREATE VIEW v AS SELECT k, m FROM x", "ok"),
        ("ALTER TABLE x DROP COLUMN m", "ok"),
        (
            "SELECT * FROM v",
            "ERROR 1356 (HY000): View 'd.v' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them",
        ),
        ("DROP TABLE x", "ok"),
        (
            "SELECT * FROM v",
            "ERROR 1356 (HY000): View 'd.v' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them",
        ),
    ]);
}

#[test]
fn alter_view_invalidates_cached_plans() {
    let sql = "SELECT * FROM v WHERE id = 2";
    steps(&[
        ("CREATE VIEW v AS SELECT id, a FROM t", "ok"),
        (sql, "id|a\n2|20"),
        (sql, "id|a\n2|20"),
        ("ALTER VIEW v AS SELECT id, b FROM t", "ok"),
        (sql, "id|b\n2|y"),
        (
            "CREATE OR REPLACE VIEW v (id, z) AS SELECT id, a + 1 FROM t",
            "ok",
        ),
        (sql, "id|z\n2|21"),
        ("DROP VIEW v", "ok"),
        (sql, "ERROR 1146 (42S02): Table 'd.v' doesn't exist"),
    ]);
}

#[test]
fn metadata_lists_views() {
    steps(&[
        (
            "CREATE VIEW v (x, y) AS SELECT id, b FROM t WITH CHECK OPTION",
            "ok",
        ),
        ("SHOW TABLES", "Tables_in_d\nt\nu\nv"),
        (
            "SHOW FULL TABLES",
            "Tables_in_d|Table_type\nt|BASE TABLE\nu|BASE TABLE\nv|VIEW",
        ),
        (
            "DESCRIBE v",
            "Field|Type|Null|Key|Default|Extra\nx|int|NO||NULL|\ny|varchar(10)|YES||NULL|",
        ),
        (
            "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COMMENT FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = 'd' ORDER BY TABLE_NAME",
            "TABLE_NAME|TABLE_TYPE|ENGINE|TABLE_COMMENT\nt|BASE TABLE|InnoDB|\nu|BASE TABLE|InnoDB|\nv|VIEW|NULL|VIEW",
        ),
        (
            "SELECT TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, IS_UPDATABLE, DEFINER, SECURITY_TYPE \
             FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'd'",
            "TABLE_NAME|VIEW_DEFINITION|CHECK_OPTION|IS_UPDATABLE|DEFINER|SECURITY_TYPE\n\
             v|select `t`.`id` AS `id`,`t`.`b` AS `b` from `t`|CASCADED|YES|root@%|DEFINER",
        ),
        (
            "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 'v' ORDER BY ORDINAL_POSITION",
            "COLUMN_NAME|DATA_TYPE\nx|int\ny|varchar",
        ),
    ]);
}

#[test]
fn a_view_in_another_schema_reads_the_current_databases_tables() {
    steps(&[
        ("CREATE DATABASE e", "ok affected=1"),
        ("CREATE VIEW e.v AS SELECT id FROM t WHERE id = 1", "ok"),
        ("USE e", "ok"),
        ("SELECT * FROM v", "id\n1"),
        ("CREATE DATABASE e2 CLONE e", "ok affected=1"),
        ("SELECT * FROM e2.v", "id\n1"),
        ("CREATE DATABASE d2 CLONE d", "ok affected=1"),
        (
            "SHOW FULL TABLES FROM d2",
            "Tables_in_d2|Table_type\nt|BASE TABLE\nu|BASE TABLE",
        ),
    ]);
}

/// A session of `user`@`%`.
fn session_of(e: &Engine, user: &str) -> Session {
    e.new_session(crate::SessionInfo {
        connection_id: 9,
        user: user.into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: Some("d".into()),
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    })
}

#[test]
fn reading_a_view_needs_select_on_it_and_definer_views_use_the_definers_rights() {
    let (e, mut root) = setup();
    for (sql, expected) in [
        ("CREATE USER app", "ok"),
        ("CREATE VIEW vd AS SELECT id, a FROM t", "ok"),
        (
            "CREATE SQL SECURITY INVOKER VIEW vi AS SELECT id, a FROM t",
            "ok",
        ),
        ("GRANT SELECT ON d.vd TO app", "ok"),
        ("GRANT SELECT ON d.vi TO app", "ok"),
    ] {
        assert_eq!(run(&e, &mut root, sql), expected, "for SQL: {sql}");
    }
    let mut app = session_of(&e, "app");
    for (sql, expected) in [
        ("SELECT id FROM vd WHERE id = 1", "id\n1"),
        (
            "SELECT id FROM vi WHERE id = 1",
            "ERROR 1356 (HY000): View 'd.vi' references invalid table(s) or column(s) or function(s) or definer/invoker of view lack rights to use them",
        ),
        (
            "SELECT * FROM t",
            "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 't'",
        ),
        (
            "CREATE VIEW mine AS SELECT 1",
            "ERROR 1142 (42000): CREATE VIEW command denied to user 'app'@'localhost' for table 'mine'",
        ),
    ] {
        assert_eq!(run(&e, &mut app, sql), expected, "for SQL: {sql}");
    }
    // The same text from root is cached; app still needs SELECT on the view.
    assert_eq!(
        run(&e, &mut root, "SELECT id FROM vi WHERE id = 1"),
        "id\n1"
    );
    assert_eq!(run(&e, &mut root, "REVOKE SELECT ON d.vd FROM app"), "ok");
    assert_eq!(
        run(&e, &mut app, "SELECT id FROM vd WHERE id = 1"),
        "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 'vd'"
    );
}

#[test]
fn writes_through_a_view_are_refused_as_mysql_refuses_non_updatable_views() {
    // Not done yet: INSERT/UPDATE/DELETE through an updatable view (and CHECK OPTION); every
    // view answers as a non-updatable one does in MySQL.
    steps(&[
        ("CREATE VIEW agg AS SELECT COUNT(*) AS n FROM t", "ok"),
        (
            "UPDATE agg SET n = 1",
            "ERROR 1288 (HY000): The target table agg of the UPDATE is not updatable",
        ),
        (
            "DELETE FROM agg",
            "ERROR 1288 (HY000): The target table agg of the DELETE is not updatable",
        ),
        (
            "INSERT INTO agg VALUES (1)",
            "ERROR 1471 (HY000): The target table agg of the INSERT is not insertable-into",
        ),
        ("SELECT COUNT(*) FROM t", "COUNT(*)\n3"),
    ]);
}
