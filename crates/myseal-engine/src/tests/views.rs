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
        // The printed text, created again (as a dump restores it), prints the same: the
        // condition's parentheses are not added to.
        (
            "CREATE VIEW d1 AS select `t`.`id` AS `id` from `t` where ((`id` > 1) AND ((`id` < 5) OR (`id` = 9))) having ((`id` > 0))",
            "ok",
        ),
        (
            "SELECT VIEW_DEFINITION FROM information_schema.VIEWS WHERE TABLE_NAME = 'd1'",
            "VIEW_DEFINITION\n\
             select `t`.`id` AS `id` from `t` where ((`id` > 1) AND ((`id` < 5) OR (`id` = 9))) having (`id` > 0)",
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
fn non_updatable_views_refuse_writes_with_mysqls_errors() {
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
        ("CREATE VIEW dis AS SELECT DISTINCT a FROM t", "ok"),
        (
            "UPDATE dis SET a = 1",
            "ERROR 1288 (HY000): The target table dis of the UPDATE is not updatable",
        ),
        (
            "CREATE ALGORITHM=TEMPTABLE VIEW tmp AS SELECT id, a FROM t",
            "ok",
        ),
        (
            "UPDATE tmp SET a = 1",
            "ERROR 1288 (HY000): The target table tmp of the UPDATE is not updatable",
        ),
        (
            "INSERT INTO tmp VALUES (9, 9)",
            "ERROR 1471 (HY000): The target table tmp of the INSERT is not insertable-into",
        ),
        ("CREATE VIEW lim AS SELECT id, a FROM t LIMIT 2", "ok"),
        (
            "DELETE FROM lim",
            "ERROR 1288 (HY000): The target table lim of the DELETE is not updatable",
        ),
        // A view over a non-updatable view is not updatable either.
        ("CREATE VIEW over_agg AS SELECT n FROM agg", "ok"),
        (
            "UPDATE over_agg SET n = 2",
            "ERROR 1288 (HY000): The target table over_agg of the UPDATE is not updatable",
        ),
        (
            "CREATE VIEW chk AS SELECT DISTINCT a FROM t WITH CHECK OPTION",
            "ERROR 1368 (HY000): CHECK OPTION on non-updatable view 'd.chk'",
        ),
        (
            "CREATE ALGORITHM=TEMPTABLE VIEW chk AS SELECT a FROM t WITH LOCAL CHECK OPTION",
            "ERROR 1368 (HY000): CHECK OPTION on non-updatable view 'd.chk'",
        ),
        (
            "SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS \
             WHERE TABLE_SCHEMA = 'd' ORDER BY TABLE_NAME",
            "TABLE_NAME|IS_UPDATABLE\nagg|NO\ndis|NO\nlim|NO\nover_agg|NO\ntmp|NO",
        ),
        ("SELECT COUNT(*), SUM(a) FROM t", "COUNT(*)|SUM(a)\n3|60"),
    ]);
}

#[test]
fn updates_deletes_and_inserts_through_a_view_write_its_base_table() {
    steps(&[
        (
            "CREATE VIEW v (k, x, twice) AS SELECT id, a, a * 2 FROM t WHERE a >= 20",
            "ok",
        ),
        // Only the rows the view shows, by the view's names.
        ("UPDATE v SET x = x + 1 WHERE k = 2", "ok affected=1"),
        ("UPDATE v SET x = x + 1 WHERE twice = 60", "ok affected=1"),
        ("UPDATE v SET x = 0 WHERE k = 1", "ok"),
        ("SELECT id, a FROM t ORDER BY id", "id|a\n1|10\n2|21\n3|31"),
        ("UPDATE v AS q SET q.x = 5 WHERE q.k = 9", "ok"),
        (
            "UPDATE v SET twice = 1",
            "ERROR 1348 (HY000): Column 'twice' is not updatable",
        ),
        (
            "UPDATE v SET id = 1",
            "ERROR 1054 (42S22): Unknown column 'id' in 'field list'",
        ),
        (
            "UPDATE v SET x = 1 WHERE b = 'y'",
            "ERROR 1054 (42S22): Unknown column 'b' in 'where clause'",
        ),
        // A view with an expression column is updatable, not insertable.
        (
            "INSERT INTO v (k, x) VALUES (4, 40)",
            "ERROR 1471 (HY000): The target table v of the INSERT is not insertable-into",
        ),
        (
            "UPDATE v SET x = 40 ORDER BY k DESC LIMIT 1",
            "ok affected=1",
        ),
        ("DELETE FROM v WHERE twice > 60", "ok affected=1"),
        ("DELETE FROM v", "ok affected=1"),
        ("SELECT id, a FROM t ORDER BY id", "id|a\n1|10"),
        ("CREATE VIEW s AS SELECT id, b FROM t", "ok"),
        ("INSERT INTO s VALUES (5, 'e'), (6, 'f')", "ok affected=2"),
        ("INSERT INTO s SET b = 'g', id = 7", "ok affected=1"),
        ("REPLACE INTO s (id, b) VALUES (5, 'E')", "ok affected=2"),
        (
            "INSERT INTO s (id, b, id) VALUES (1, 'a', 1)",
            "ERROR 1110 (42000): Column 'id' specified twice",
        ),
        (
            "INSERT INTO s VALUES (1, 'dup')",
            "ERROR 1062 (23000): Duplicate entry '1' for key 't.PRIMARY'",
        ),
        (
            "INSERT INTO s SELECT id + 10, b FROM s WHERE id > 5",
            "ok affected=2",
        ),
        (
            "SELECT id, a, b FROM t ORDER BY id",
            "id|a|b\n1|10|x\n5|NULL|E\n6|NULL|f\n7|NULL|g\n16|NULL|f\n17|NULL|g",
        ),
        // Views over views.
        (
            "CREATE VIEW s2 (n, label) AS SELECT id, b FROM s WHERE id > 5",
            "ok",
        ),
        ("UPDATE s2 SET label = 'big' WHERE n > 10", "ok affected=2"),
        ("INSERT INTO s2 VALUES (8, 'h')", "ok affected=1"),
        ("DELETE FROM s2 WHERE label = 'big'", "ok affected=2"),
        (
            "SELECT id, b FROM t ORDER BY id",
            "id|b\n1|x\n5|E\n6|f\n7|g\n8|h",
        ),
        (
            "SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS \
             WHERE TABLE_SCHEMA = 'd' ORDER BY TABLE_NAME",
            "TABLE_NAME|IS_UPDATABLE\ns|YES\ns2|YES\nv|YES",
        ),
    ]);
}

#[test]
fn check_option_refuses_rows_the_view_would_not_show() {
    steps(&[
        (
            "CREATE VIEW big AS SELECT id, a FROM t WHERE a >= 20 WITH CHECK OPTION",
            "ok",
        ),
        (
            "INSERT INTO big VALUES (4, 5)",
            "ERROR 1369 (HY000): CHECK OPTION failed 'd.big'",
        ),
        (
            "INSERT INTO big VALUES (4, NULL)",
            "ERROR 1369 (HY000): CHECK OPTION failed 'd.big'",
        ),
        ("INSERT INTO big VALUES (4, 40)", "ok affected=1"),
        (
            "UPDATE big SET a = 1 WHERE id = 4",
            "ERROR 1369 (HY000): CHECK OPTION failed 'd.big'",
        ),
        ("UPDATE big SET a = 41 WHERE id = 4", "ok affected=1"),
        // IGNORE turns the failure into a warning and skips the row.
        (
            "INSERT IGNORE INTO big VALUES (5, 1), (6, 60)",
            "ok affected=1 warnings=1",
        ),
        (
            "SHOW WARNINGS",
            "Level|Code|Message\nWarning|1369|CHECK OPTION failed 'd.big'",
        ),
        // LOCAL checks only its own WHERE (and views below that have a CHECK OPTION);
        // CASCADED checks the WHERE of every view below too.
        (
            "CREATE VIEW plain AS SELECT id, a FROM t WHERE a < 100",
            "ok",
        ),
        (
            "CREATE VIEW loc AS SELECT id, a FROM plain WHERE a > 0 WITH LOCAL CHECK OPTION",
            "ok",
        ),
        (
            "CREATE VIEW cas AS SELECT id, a FROM plain WHERE a > 0 WITH CASCADED CHECK OPTION",
            "ok",
        ),
        ("INSERT INTO loc VALUES (7, 500)", "ok affected=1"),
        (
            "INSERT INTO cas VALUES (8, 500)",
            "ERROR 1369 (HY000): CHECK OPTION failed 'd.cas'",
        ),
        (
            "INSERT INTO loc VALUES (8, -1)",
            "ERROR 1369 (HY000): CHECK OPTION failed 'd.loc'",
        ),
        ("INSERT INTO cas VALUES (8, 50)", "ok affected=1"),
        // A view without a CHECK OPTION over one with: the lower view's check still holds.
        ("CREATE VIEW top AS SELECT id, a FROM big", "ok"),
        (
            "INSERT INTO top VALUES (9, 1)",
            "ERROR 1369 (HY000): CHECK OPTION failed 'd.top'",
        ),
        ("INSERT INTO top VALUES (9, 90)", "ok affected=1"),
        (
            "SELECT id, a FROM t WHERE id > 3 ORDER BY id",
            "id|a\n4|41\n6|60\n7|500\n8|50\n9|90",
        ),
        (
            "SHOW CREATE VIEW cas",
            "View|Create View|character_set_client|collation_connection\n\
             cas|CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`%` SQL SECURITY DEFINER VIEW `cas` AS select `plain`.`id` AS `id`,`plain`.`a` AS `a` from `plain` where (`a` > 0) WITH CASCADED CHECK OPTION|utf8mb4|utf8mb4_0900_ai_ci",
        ),
        (
            "SELECT TABLE_NAME, CHECK_OPTION, IS_UPDATABLE FROM information_schema.VIEWS \
             WHERE TABLE_SCHEMA = 'd' ORDER BY TABLE_NAME",
            "TABLE_NAME|CHECK_OPTION|IS_UPDATABLE\nbig|CASCADED|YES\ncas|CASCADED|YES\nloc|LOCAL|YES\nplain|NONE|YES\ntop|NONE|YES",
        ),
    ]);
}

#[test]
fn join_views_update_one_table_and_insert_into_one() {
    steps(&[
        (
            "CREATE VIEW j AS SELECT t.id, t.a, u.id AS uid, u.c FROM t JOIN u ON u.t_id = t.id",
            "ok",
        ),
        ("UPDATE j SET c = c + 1 WHERE id = 1", "ok affected=2"),
        ("UPDATE j SET a = 11 WHERE uid = 1", "ok affected=1"),
        (
            "UPDATE j SET a = 1, c = 1",
            "ERROR 1393 (HY000): Can not modify more than one base table through a join view 'd.j'",
        ),
        (
            "DELETE FROM j WHERE id = 1",
            "ERROR 1395 (HY000): Can not delete from join view 'd.j'",
        ),
        (
            "INSERT INTO j VALUES (9, 9, 9, 9)",
            "ERROR 1394 (HY000): Can not insert into join view 'd.j' without fields list",
        ),
        (
            "INSERT INTO j (id, c) VALUES (9, 9)",
            "ERROR 1393 (HY000): Can not modify more than one base table through a join view 'd.j'",
        ),
        ("INSERT INTO j (uid, c) VALUES (9, 900)", "ok affected=1"),
        ("SELECT id, a FROM t ORDER BY id", "id|a\n1|11\n2|20\n3|30"),
        (
            "SELECT id, t_id, c FROM u ORDER BY id",
            "id|t_id|c\n1|1|101\n2|1|102\n3|3|300\n9|NULL|900",
        ),
    ]);
}

#[test]
fn writes_through_a_view_keep_the_base_tables_rules() {
    steps(&[
        (
            "CREATE TABLE p (id INT AUTO_INCREMENT PRIMARY KEY, n INT CHECK (n < 100), \
             dbl INT AS (n * 2), t_id INT, FOREIGN KEY (t_id) REFERENCES t (id))",
            "ok",
        ),
        ("CREATE VIEW pv AS SELECT id, n, dbl, t_id FROM p", "ok"),
        ("INSERT INTO pv (n, t_id) VALUES (1, 1)", "ok affected=1"),
        (
            "INSERT INTO pv (n, t_id) VALUES (2, 2), (3, 3)",
            "ok affected=2",
        ),
        ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n2"),
        (
            "INSERT INTO pv (n) VALUES (500)",
            "ERROR 3819 (HY000): Check constraint 'p_chk_1' is violated.",
        ),
        (
            "INSERT INTO pv (n, t_id) VALUES (4, 99)",
            "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`d`.`p`, CONSTRAINT `p_ibfk_1` FOREIGN KEY (`t_id`) REFERENCES `t` (`id`))",
        ),
        (
            "UPDATE pv SET dbl = 5",
            "ERROR 3105 (HY000): The value specified for generated column 'dbl' in table 'p' is not allowed.",
        ),
        ("UPDATE pv SET n = n + 10 WHERE id = 1", "ok affected=1"),
        (
            "SELECT id, n, dbl, t_id FROM pv ORDER BY id",
            "id|n|dbl|t_id\n1|11|22|1\n2|2|4|2\n3|3|6|3",
        ),
    ]);
}

#[test]
fn on_duplicate_key_update_and_multi_table_statements_through_views() {
    steps(&[
        (
            "CREATE VIEW s (k, label) AS SELECT id, b FROM t WHERE id < 10 WITH CHECK OPTION",
            "ok",
        ),
        (
            "INSERT INTO s VALUES (1, 'new') ON DUPLICATE KEY UPDATE label = CONCAT(label, '+', VALUES(label))",
            "ok affected=2",
        ),
        (
            "INSERT INTO s VALUES (2, 'two') AS n ON DUPLICATE KEY UPDATE label = n.label",
            "ok affected=2",
        ),
        (
            "INSERT INTO s VALUES (3, 'q') AS n (kk, ll) ON DUPLICATE KEY UPDATE label = ll",
            "ok affected=2",
        ),
        (
            "INSERT INTO s VALUES (3, 'x') ON DUPLICATE KEY UPDATE k = 50",
            "ERROR 1369 (HY000): CHECK OPTION failed 'd.s'",
        ),
        (
            "INSERT INTO s VALUES (3, 'x') ON DUPLICATE KEY UPDATE id = 5",
            "ERROR 1054 (42S22): Unknown column 'id' in 'field list'",
        ),
        (
            "SELECT id, b FROM t ORDER BY id",
            "id|b\n1|x+new\n2|two\n3|q",
        ),
        // A view in a multi-table UPDATE/DELETE: written through, or only read.
        (
            "UPDATE s JOIN u ON u.t_id = s.k SET s.label = 'has u' WHERE u.c > 200",
            "ok affected=1",
        ),
        (
            "UPDATE u JOIN s ON s.k = u.t_id SET u.c = u.c + 1 WHERE s.label = 'has u'",
            "ok affected=1",
        ),
        (
            "DELETE s FROM s JOIN u ON u.t_id = s.k WHERE u.c = 301",
            "ok affected=1",
        ),
        ("SELECT id, b FROM t ORDER BY id", "id|b\n1|x+new\n2|two"),
        (
            "SELECT id, c FROM u ORDER BY id",
            "id|c\n1|100\n2|101\n3|301",
        ),
    ]);
}

#[test]
fn writing_through_a_view_needs_the_privilege_on_the_view_and_invoker_views_on_the_table() {
    let (e, mut root) = setup();
    for (sql, expected) in [
        ("CREATE USER app", "ok"),
        ("CREATE VIEW vd AS SELECT id, a FROM t", "ok"),
        (
            "CREATE SQL SECURITY INVOKER VIEW vi AS SELECT id, a FROM t",
            "ok",
        ),
        ("GRANT SELECT, UPDATE ON d.vd TO app", "ok"),
        ("GRANT SELECT, UPDATE, INSERT ON d.vi TO app", "ok"),
        ("GRANT SELECT ON d.t TO app", "ok"),
    ] {
        assert_eq!(run(&e, &mut root, sql), expected, "for SQL: {sql}");
    }
    let mut app = session_of(&e, "app");
    for (sql, expected) in [
        // A definer's view: the view's privilege is enough.
        ("UPDATE vd SET a = 11 WHERE id = 1", "ok affected=1"),
        (
            "DELETE FROM vd WHERE id = 1",
            "ERROR 1142 (42000): DELETE command denied to user 'app'@'localhost' for table 'vd'",
        ),
        (
            "INSERT INTO vd VALUES (7, 70)",
            "ERROR 1142 (42000): INSERT command denied to user 'app'@'localhost' for table 'vd'",
        ),
        (
            "UPDATE t SET a = 1",
            "ERROR 1142 (42000): UPDATE command denied to user 'app'@'localhost' for table 't'",
        ),
        // An invoker's view: the invoker writes the table too.
        (
            "UPDATE vi SET a = 12 WHERE id = 1",
            "ERROR 1142 (42000): UPDATE command denied to user 'app'@'localhost' for table 't'",
        ),
        (
            "INSERT INTO vi VALUES (7, 70)",
            "ERROR 1142 (42000): INSERT command denied to user 'app'@'localhost' for table 't'",
        ),
        ("SELECT id, a FROM vd WHERE id = 1", "id|a\n1|11"),
    ] {
        assert_eq!(run(&e, &mut app, sql), expected, "for SQL: {sql}");
    }
}

#[test]
fn a_view_without_the_auto_increment_column_leaves_last_insert_id_alone() {
    steps(&[
        (
            "CREATE TABLE n (id INT AUTO_INCREMENT PRIMARY KEY, v INT)",
            "ok",
        ),
        ("CREATE VIEW with_id AS SELECT id, v FROM n", "ok"),
        ("CREATE VIEW without_id AS SELECT v FROM n", "ok"),
        ("INSERT INTO with_id (v) VALUES (1)", "ok affected=1"),
        ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n1"),
        ("INSERT INTO without_id VALUES (2)", "ok affected=1"),
        ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n1"),
        ("SELECT id, v FROM n ORDER BY id", "id|v\n1|1\n2|2"),
    ]);
}

#[test]
fn outer_join_views_and_select_list_subqueries_are_not_updatable() {
    steps(&[
        (
            "CREATE VIEW lj AS SELECT t.id, u.c FROM t LEFT JOIN u ON u.t_id = t.id",
            "ok",
        ),
        (
            "CREATE VIEW ij AS SELECT t.id, u.c FROM t, u WHERE u.t_id = t.id",
            "ok",
        ),
        (
            "CREATE VIEW sq AS SELECT id, (SELECT MAX(c) FROM u) AS m FROM t",
            "ok",
        ),
        (
            "CREATE VIEW self_ref AS SELECT id, a FROM t WHERE a > (SELECT MIN(a) FROM t)",
            "ok",
        ),
        (
            "UPDATE lj SET c = 1",
            "ERROR 1288 (HY000): The target table lj of the UPDATE is not updatable",
        ),
        ("UPDATE ij SET c = c + 1000 WHERE id = 3", "ok affected=1"),
        (
            "DELETE FROM self_ref",
            "ERROR 1288 (HY000): The target table self_ref of the DELETE is not updatable",
        ),
        (
            "SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS \
             WHERE TABLE_SCHEMA = 'd' ORDER BY TABLE_NAME",
            "TABLE_NAME|IS_UPDATABLE\nij|YES\nlj|NO\nself_ref|NO\nsq|NO",
        ),
        ("SELECT c FROM u WHERE id = 3", "c\n1300"),
    ]);
}
