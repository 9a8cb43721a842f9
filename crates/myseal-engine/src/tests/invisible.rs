//! INVISIBLE columns: left out of `SELECT *`, `TABLE t` and INSERT/LOAD without a column
//! list, usable by name everywhere, with MySQL 8.4's DDL forms, error 4028 and metadata.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/invisible-columns.html>

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
fn star_and_table_leave_invisible_columns_out_and_names_reach_them() {
    steps(&[
        ("CREATE TABLE t (a INT, b INT INVISIBLE, c INT)", "ok"),
        ("INSERT INTO t VALUES (1, 3)", "ok affected=1"),
        ("INSERT INTO t (a, b, c) VALUES (2, 20, 4)", "ok affected=1"),
        (
            "INSERT INTO t VALUES (1, 2, 3)",
            "ERROR 1136 (21S01): Column count doesn't match value count at row 1",
        ),
        ("SELECT * FROM t ORDER BY a", "a|c\n1|3\n2|4"),
        ("TABLE t ORDER BY a", "a|c\n1|3\n2|4"),
        ("TABLE d.t ORDER BY a DESC LIMIT 1", "a|c\n2|4"),
        ("TABLE t UNION TABLE t", "a|c\n1|3\n2|4"),
        ("SELECT t.* FROM t ORDER BY a", "a|c\n1|3\n2|4"),
        ("SELECT *, b FROM t ORDER BY a", "a|c|b\n1|3|NULL\n2|4|20"),
        ("SELECT a, b FROM t WHERE b = 20", "a|b\n2|20"),
        ("UPDATE t SET b = a * 100 WHERE b IS NULL", "ok affected=1"),
        ("SELECT a, b, c FROM t ORDER BY b", "a|b|c\n2|20|4\n1|100|3"),
        (
            "SELECT x.a, y.b FROM t x JOIN t y ON x.b = y.b ORDER BY 1",
            "a|b\n1|100\n2|20",
        ),
    ]);
}

#[test]
fn insert_select_and_create_select_follow_star() {
    steps(&[
        ("CREATE TABLE t (a INT, b INT INVISIBLE DEFAULT 9)", "ok"),
        ("INSERT INTO t (a, b) VALUES (1, 2)", "ok affected=1"),
        ("CREATE TABLE u (a INT, b INT INVISIBLE DEFAULT 7)", "ok"),
        ("INSERT INTO u SELECT * FROM t", "ok affected=1"),
        ("SELECT a, b FROM u", "a|b\n1|7"),
        ("CREATE TABLE c1 AS SELECT * FROM t", "ok affected=1"),
        ("SELECT * FROM c1", "a\n1"),
        ("CREATE TABLE c2 AS SELECT a, b FROM t", "ok affected=1"),
        ("SELECT * FROM c2", "a|b\n1|2"),
    ]);
}

#[test]
fn a_table_needs_a_visible_column() {
    let msg = "ERROR 4028 (HY000): A table must have at least one visible column.";
    steps(&[
        ("CREATE TABLE t0 (a INT INVISIBLE, b INT INVISIBLE)", msg),
        ("CREATE TABLE t (a INT, b INT INVISIBLE)", "ok"),
        ("ALTER TABLE t ALTER COLUMN a SET INVISIBLE", msg),
        ("ALTER TABLE t MODIFY a INT INVISIBLE", msg),
        ("ALTER TABLE t DROP COLUMN a", msg),
        (
            "ALTER TABLE t ALTER COLUMN zz SET VISIBLE",
            "ERROR 1054 (42S22): Unknown column 'zz' in 't'",
        ),
        ("SELECT * FROM t", "a"),
    ]);
}

#[test]
fn alter_table_sets_visibility_in_statement_order() {
    let (e, mut s) = setup();
    let steps: &[(&str, &str)] = &[
        ("CREATE TABLE t (a INT, b INT VISIBLE, visible INT)", "ok"),
        ("SELECT * FROM t", "a|b|visible"),
        ("ALTER TABLE t ALTER COLUMN b SET INVISIBLE", "ok"),
        ("SELECT * FROM t", "a|visible"),
        (
            "ALTER TABLE t ALTER b SET VISIBLE, ALTER COLUMN visible SET INVISIBLE",
            "ok",
        ),
        ("SELECT * FROM t", "a|b"),
        ("ALTER TABLE t MODIFY COLUMN b BIGINT INVISIBLE", "ok"),
        ("SELECT * FROM t", "a"),
        ("ALTER TABLE t CHANGE COLUMN b bb BIGINT VISIBLE", "ok"),
        ("SELECT * FROM t", "a|bb"),
        ("ALTER TABLE t MODIFY visible INT", "ok"),
        ("SELECT * FROM t", "a|bb|visible"),
        (
            "ALTER TABLE t ADD COLUMN n INT NOT NULL DEFAULT 5 INVISIBLE AFTER a",
            "ok",
        ),
        (
            "ALTER TABLE t ADD COLUMN m INT, ALTER COLUMN m SET INVISIBLE",
            "ok",
        ),
        ("SELECT * FROM t", "a|bb|visible"),
        ("ALTER TABLE t ADD COLUMN v2 INT VISIBLE COMMENT 'x'", "ok"),
        ("SELECT * FROM t", "a|bb|visible|v2"),
    ];
    for (sql, want) in steps {
        assert_eq!(strip_info(&run(&e, &mut s, sql)), *want, "for SQL: {sql}");
    }
    assert_eq!(
        create_text(&e, &mut s, "t"),
        "CREATE TABLE `t` (
  `a` int DEFAULT NULL,
  `n` int NOT NULL DEFAULT '5' /*!80023 INVISIBLE */,
  `bb` bigint DEFAULT NULL,
  `visible` int DEFAULT NULL,
  `m` int DEFAULT NULL /*!80023 INVISIBLE */,
  `v2` int DEFAULT NULL COMMENT 'x'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
}

fn strip_info(s: &str) -> String {
    match s.find(" info=") {
        Some(i) if s.starts_with("ok") => s[..i].to_string(),
        _ => s.to_string(),
    }
}

#[test]
fn metadata_shows_invisible() {
    let (e, mut s) = setup();
    assert_eq!(
        run(
            &e,
            &mut s,
            "CREATE TABLE t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT INVISIBLE PRIMARY KEY, \
             a INT, c INT INVISIBLE COMMENT 'hidden', g INT AS (a + 1) INVISIBLE)"
        ),
        "ok"
    );
    assert_eq!(
        create_text(&e, &mut s, "t"),
        "CREATE TABLE `t` (
  `id` bigint unsigned NOT NULL AUTO_INCREMENT /*!80023 INVISIBLE */,
  `a` int DEFAULT NULL,
  `c` int DEFAULT NULL /*!80023 INVISIBLE */ COMMENT 'hidden',
  `g` int GENERATED ALWAYS AS ((`a` + 1)) VIRTUAL /*!80023 INVISIBLE */,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT COLUMN_NAME, EXTRA FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION"
        ),
        "COLUMN_NAME|EXTRA\nid|auto_increment INVISIBLE\na|\nc|INVISIBLE\ng|VIRTUAL GENERATED INVISIBLE"
    );
    assert_eq!(
        run(&e, &mut s, "SHOW COLUMNS FROM t"),
        "Field|Type|Null|Key|Default|Extra\n\
         id|bigint unsigned|NO|PRI|NULL|auto_increment INVISIBLE\n\
         a|int|YES||NULL|\n\
         c|int|YES||NULL|INVISIBLE\n\
         g|int|YES||NULL|VIRTUAL GENERATED INVISIBLE"
    );
    // The SHOW CREATE TABLE text creates the same table again.
    let text = create_text(&e, &mut s, "t");
    assert_eq!(run(&e, &mut s, "DROP TABLE t"), "ok");
    assert_eq!(run(&e, &mut s, &text), "ok");
    assert_eq!(create_text(&e, &mut s, "t"), text);
    assert_eq!(run(&e, &mut s, "INSERT INTO t VALUES (4)"), "ok affected=1");
    assert_eq!(run(&e, &mut s, "SELECT *, id, g FROM t"), "a|id|g\n4|1|5");
}

#[test]
fn views_over_star_leave_invisible_columns_out() {
    steps(&[
        ("CREATE TABLE t (a INT, b INT INVISIBLE)", "ok"),
        ("INSERT INTO t (a, b) VALUES (1, 2)", "ok affected=1"),
        ("CREATE VIEW v AS SELECT * FROM t", "ok"),
        ("SELECT * FROM v", "a\n1"),
        ("CREATE VIEW w AS SELECT a, b FROM t", "ok"),
        ("SELECT * FROM w", "a|b\n1|2"),
        (
            "SELECT b FROM v",
            "ERROR 1054 (42S22): Unknown column 'b' in 'field list'",
        ),
    ]);
}

#[test]
fn a_dump_keeps_invisible_columns_and_their_values() {
    let e1 = crate::tests::engine();
    let mut s = e1.system_session();
    let (_, err) = e1.execute(
        &mut s,
        "CREATE DATABASE d; CREATE TABLE d.t (a INT PRIMARY KEY, b INT INVISIBLE); \
         INSERT INTO d.t (a, b) VALUES (1, 10), (2, 20)",
    );
    assert!(err.is_none(), "{err:?}");
    let d1 = e1.dump().unwrap_or_else(|e| panic!("{e:?}"));
    assert!(d1.contains("/*!80023 INVISIBLE */"), "{d1}");
    let e2 = crate::tests::engine();
    if let Err(e) = e2.load(&d1) {
        panic!("{e}\n{d1}");
    }
    assert_eq!(e2.dump().unwrap_or_else(|e| panic!("{e:?}")), d1);
    let mut s2 = e2.system_session();
    assert_eq!(run(&e2, &mut s2, "SELECT * FROM d.t ORDER BY a"), "a\n1\n2");
    assert_eq!(
        run(&e2, &mut s2, "SELECT a, b FROM d.t ORDER BY a"),
        "a|b\n1|10\n2|20"
    );
}

#[test]
fn create_like_keeps_the_attribute_and_describe_shows_it() {
    steps(&[
        ("CREATE TABLE t (a INT, b INT INVISIBLE)", "ok"),
        ("CREATE TABLE l LIKE t", "ok"),
        ("INSERT INTO l VALUES (1)", "ok affected=1"),
        ("SELECT * FROM l", "a\n1"),
        (
            "DESCRIBE l",
            "Field|Type|Null|Key|Default|Extra\na|int|YES||NULL|\nb|int|YES||NULL|INVISIBLE",
        ),
        ("PREPARE p FROM 'SELECT * FROM l'", "ok"),
        ("EXECUTE p", "a\n1"),
    ]);
}
