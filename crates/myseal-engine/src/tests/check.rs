//! CHECK constraints: declaring, naming, enforcing on every write, ALTER TABLE, metadata,
//! with MySQL 8.4's errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-table-check-constraints.html>

use super::{run, set_up, steps_after};
use crate::tests::ddl::create_text;
use crate::{Engine, Session};

const SETUP: &[&str] = &["CREATE DATABASE d", "USE d"];

/// A session in database `d`.
fn setup() -> (Engine, Session) {
    set_up(SETUP)
}

/// Runs each step on one session set up by [`setup`].
fn steps(steps: &[(&str, &str)]) {
    steps_after(SETUP, steps);
}

#[test]
fn column_check_is_enforced_on_insert_and_null_passes() {
    steps(&[
        ("CREATE TABLE ck (a INT CHECK (a > 0))", "ok"),
        ("INSERT INTO ck VALUES (1)", "ok affected=1"),
        (
            "INSERT INTO ck VALUES (-1)",
            "ERROR 3819 (HY000): Check constraint 'ck_chk_1' is violated.",
        ),
        ("INSERT INTO ck VALUES (NULL)", "ok affected=1"),
        (
            "INSERT INTO ck VALUES (2),(0),(3)",
            "ERROR 3819 (HY000): Check constraint 'ck_chk_1' is violated.",
        ),
        ("SELECT COUNT(*) FROM ck", "COUNT(*)\n2"),
    ]);
}

#[test]
fn insert_ignore_skips_the_row_with_a_warning() {
    steps(&[
        ("CREATE TABLE ck (a INT CHECK (a > 0))", "ok"),
        (
            "INSERT IGNORE INTO ck VALUES (1),(-1),(2)",
            "ok affected=2 warnings=1",
        ),
        (
            "SHOW WARNINGS",
            "Level|Code|Message\nWarning|3819|Check constraint 'ck_chk_1' is violated.",
        ),
        ("SELECT a FROM ck ORDER BY a", "a\n1\n2"),
    ]);
}

#[test]
fn update_replace_and_upsert_are_checked() {
    steps(&[
        (
            "CREATE TABLE t (id INT PRIMARY KEY, a INT, CONSTRAINT pos CHECK (a >= 0))",
            "ok",
        ),
        ("INSERT INTO t VALUES (1, 5), (2, 6)", "ok affected=2"),
        (
            "UPDATE t SET a = a - 6",
            "ERROR 3819 (HY000): Check constraint 'pos' is violated.",
        ),
        ("SELECT a FROM t ORDER BY id", "a\n5\n6"),
        ("UPDATE t SET a = a - 5 WHERE id = 1", "ok affected=1"),
        (
            "REPLACE INTO t VALUES (2, -1)",
            "ERROR 3819 (HY000): Check constraint 'pos' is violated.",
        ),
        (
            "INSERT INTO t VALUES (2, 0) ON DUPLICATE KEY UPDATE a = -7",
            "ERROR 3819 (HY000): Check constraint 'pos' is violated.",
        ),
        (
            "INSERT INTO t VALUES (2, 0) ON DUPLICATE KEY UPDATE a = 7",
            "ok affected=2",
        ),
        ("CREATE TABLE u (id INT PRIMARY KEY)", "ok"),
        ("INSERT INTO u VALUES (1)", "ok affected=1"),
        (
            "UPDATE t, u SET t.a = -1 WHERE t.id = u.id",
            "ERROR 3819 (HY000): Check constraint 'pos' is violated.",
        ),
        ("SELECT id, a FROM t ORDER BY id", "id|a\n1|0\n2|7"),
    ]);
}

#[test]
fn not_enforced_constraints_are_kept_but_not_checked() {
    steps(&[
        (
            "CREATE TABLE t (a INT, CONSTRAINT c1 CHECK (a < 10) NOT ENFORCED)",
            "ok",
        ),
        ("INSERT INTO t VALUES (50)", "ok affected=1"),
        (
            "ALTER TABLE t ALTER CHECK c1 ENFORCED",
            "ERROR 3819 (HY000): Check constraint 'c1' is violated.",
        ),
        ("DELETE FROM t", "ok affected=1"),
        ("ALTER TABLE t ALTER CHECK c1 ENFORCED", "ok"),
        (
            "INSERT INTO t VALUES (50)",
            "ERROR 3819 (HY000): Check constraint 'c1' is violated.",
        ),
        ("ALTER TABLE t ALTER CONSTRAINT c1 NOT ENFORCED", "ok"),
        ("INSERT INTO t VALUES (50)", "ok affected=1"),
    ]);
}

#[test]
fn generated_names_and_show_create_table() {
    let (e, mut s) = setup();
    let sql = "CREATE TABLE t1 (c1 INT CHECK (c1 > 10), c2 INT CONSTRAINT c2_positive CHECK (c2 > 0), \
               c3 VARCHAR(5), CHECK (c1 <> c2), CHECK (c3 IN ('a', 'b') OR c3 IS NULL) NOT ENFORCED)";
    assert_eq!(run(&e, &mut s, sql), "ok");
    assert_eq!(
        create_text(&e, &mut s, "t1"),
        "CREATE TABLE `t1` (\n  `c1` int DEFAULT NULL,\n  `c2` int DEFAULT NULL,\n  \
         `c3` varchar(5) DEFAULT NULL,\n  \
         CONSTRAINT `c2_positive` CHECK ((`c2` > 0)),\n  \
         CONSTRAINT `t1_chk_1` CHECK ((`c1` > 10)),\n  \
         CONSTRAINT `t1_chk_2` CHECK ((`c1` <> `c2`)),\n  \
         CONSTRAINT `t1_chk_3` CHECK (((`c3` in (_utf8mb4'a',_utf8mb4'b')) or (`c3` is null))) \
         /*!80016 NOT ENFORCED */\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT CONSTRAINT_CATALOG, CONSTRAINT_SCHEMA, CONSTRAINT_NAME, CHECK_CLAUSE \
             FROM information_schema.CHECK_CONSTRAINTS ORDER BY CONSTRAINT_NAME"
        ),
        "CONSTRAINT_CATALOG|CONSTRAINT_SCHEMA|CONSTRAINT_NAME|CHECK_CLAUSE\n\
         def|d|c2_positive|(`c2` > 0)\n\
         def|d|t1_chk_1|(`c1` > 10)\n\
         def|d|t1_chk_2|(`c1` <> `c2`)\n\
         def|d|t1_chk_3|((`c3` in (_utf8mb4'a',_utf8mb4'b')) or (`c3` is null))"
    );
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE, ENFORCED FROM information_schema.TABLE_CONSTRAINTS \
             WHERE TABLE_NAME = 't1' ORDER BY CONSTRAINT_NAME"
        ),
        "CONSTRAINT_NAME|CONSTRAINT_TYPE|ENFORCED\nc2_positive|CHECK|YES\nt1_chk_1|CHECK|YES\n\
         t1_chk_2|CHECK|YES\nt1_chk_3|CHECK|NO"
    );
}

#[test]
fn names_are_unique_per_schema() {
    steps(&[
        ("CREATE TABLE a (x INT, CONSTRAINT c CHECK (x > 0))", "ok"),
        (
            "CREATE TABLE b (x INT, CONSTRAINT c CHECK (x > 0))",
            "ERROR 3822 (HY000): Duplicate check constraint name 'c'.",
        ),
        (
            "CREATE TABLE b (x INT, CONSTRAINT k CHECK (x > 0), CONSTRAINT K CHECK (x < 9))",
            "ERROR 3822 (HY000): Duplicate check constraint name 'K'.",
        ),
        (
            "ALTER TABLE a ADD CONSTRAINT c CHECK (x < 100)",
            "ERROR 3822 (HY000): Duplicate check constraint name 'c'.",
        ),
        ("CREATE DATABASE d2", "ok affected=1"),
        (
            "CREATE TABLE d2.b (x INT, CONSTRAINT c CHECK (x > 0))",
            "ok",
        ),
    ]);
}

#[test]
fn expressions_are_validated_at_create() {
    steps(&[
        (
            "CREATE TABLE t (a INT, CHECK (b > 0))",
            "ERROR 3820 (HY000): Check constraint 't_chk_1' refers to non-existing column 'b'.",
        ),
        (
            "CREATE TABLE t (a INT, CONSTRAINT c CHECK (a < NOW()))",
            "ERROR 3814 (HY000): An expression of a check constraint 'c' contains disallowed function: now.",
        ),
        (
            "CREATE TABLE t (a INT, CONSTRAINT c CHECK (a < RAND()))",
            "ERROR 3814 (HY000): An expression of a check constraint 'c' contains disallowed function: rand.",
        ),
        (
            "CREATE TABLE t (a INT, CONSTRAINT c CHECK (a < @x))",
            "ERROR 3816 (HY000): An expression of a check constraint 'c' cannot refer to a user or system variable.",
        ),
        (
            "CREATE TABLE t (a INT, CONSTRAINT c CHECK (a IN (SELECT 1)))",
            "ERROR 3815 (HY000): An expression of a check constraint 'c' contains disallowed function.",
        ),
        (
            "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, CONSTRAINT c CHECK (id > 0))",
            "ERROR 3818 (HY000): Check constraint 'c' cannot refer to an auto-increment column.",
        ),
        (
            "CREATE TABLE t (a INT CONSTRAINT c CHECK (b > 0), b INT)",
            "ERROR 3813 (HY000): Column check constraint 'c' references other column.",
        ),
        ("SHOW TABLES", "Tables_in_d"),
    ]);
}

#[test]
fn alter_table_add_drop_check() {
    steps(&[
        ("CREATE TABLE t (a INT)", "ok"),
        ("INSERT INTO t VALUES (5), (-5)", "ok affected=2"),
        (
            "ALTER TABLE t ADD CHECK (a > 0)",
            "ERROR 3819 (HY000): Check constraint 't_chk_1' is violated.",
        ),
        ("DELETE FROM t WHERE a < 0", "ok affected=1"),
        ("ALTER TABLE t ADD CHECK (a > 0)", "ok"),
        ("ALTER TABLE t ADD CONSTRAINT small CHECK (a < 100)", "ok"),
        (
            "INSERT INTO t VALUES (200)",
            "ERROR 3819 (HY000): Check constraint 'small' is violated.",
        ),
        (
            "ALTER TABLE t DROP CHECK nope",
            "ERROR 3821 (HY000): Check constraint 'nope' is not found in the table.",
        ),
        (
            "ALTER TABLE t ALTER CHECK nope NOT ENFORCED",
            "ERROR 3821 (HY000): Check constraint 'nope' is not found in the table.",
        ),
        ("ALTER TABLE t DROP CHECK small", "ok"),
        ("INSERT INTO t VALUES (200)", "ok affected=1"),
        ("ALTER TABLE t DROP CONSTRAINT t_chk_1", "ok"),
        ("INSERT INTO t VALUES (-1)", "ok affected=1"),
        (
            "ALTER TABLE t DROP CONSTRAINT t_chk_1",
            "ERROR 3940 (HY000): Constraint 't_chk_1' does not exist.",
        ),
        ("ALTER TABLE t ADD CHECK (a <> 0)", "ok"),
        (
            "SELECT CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS",
            "CONSTRAINT_NAME\nt_chk_1",
        ),
        (
            "ALTER TABLE t ADD COLUMN b INT, DROP COLUMN a",
            "ERROR 3959 (HY000): Check constraint 't_chk_1' uses column 'a', hence column cannot be dropped or renamed.",
        ),
    ]);
}

#[test]
fn create_table_like_copies_checks_under_new_names() {
    steps(&[
        (
            "CREATE TABLE t (a INT CHECK (a > 0), CONSTRAINT named CHECK (a < 9))",
            "ok",
        ),
        ("CREATE TABLE t2 LIKE t", "ok"),
        (
            "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_NAME LIKE 't2%' ORDER BY 1",
            "CONSTRAINT_NAME|CHECK_CLAUSE\nt2_chk_1|(`a` > 0)\nt2_chk_2|(`a` < 9)",
        ),
        (
            "INSERT INTO t2 VALUES (10)",
            "ERROR 3819 (HY000): Check constraint 't2_chk_2' is violated.",
        ),
    ]);
}
