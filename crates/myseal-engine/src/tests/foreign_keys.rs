//! FOREIGN KEY constraints as InnoDB enforces them: declaring them (CREATE TABLE, ALTER
//! TABLE), their errors with MySQL 8.4's codes and texts, the actions on parent writes
//! (RESTRICT, NO ACTION, CASCADE, SET NULL), foreign_key_checks, the DDL guards, the metadata
//! (SHOW CREATE TABLE, information_schema) and a child insert waiting for a parent row lock.

use std::thread;
use std::time::{Duration, Instant};

use crate::tests::ddl::{create_text, setup};
use crate::{Engine, Session};

/// Runs SQL and renders it as `tests::ddl::run` does, without OK packets' info strings.
fn run(e: &Engine, s: &mut Session, sql: &str) -> String {
    crate::tests::ddl::run(e, s, sql)
        .lines()
        .map(|l| match l.find(" info=") {
            Some(i) if l.starts_with("ok") => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs steps on one session, comparing each rendering.
fn steps_on(e: &Engine, s: &mut Session, steps: &[(&str, &str)]) {
    for (sql, expected) in steps {
        assert_eq!(run(e, s, sql), expected.trim(), "for SQL: {sql}");
    }
}

/// Runs steps in database `d` of a fresh engine.
fn check_steps(steps: &[(&str, &str)]) {
    let (e, mut s) = setup();
    steps_on(&e, &mut s, steps);
}

const P: &str = "CREATE TABLE p (id INT PRIMARY KEY, v INT)";

fn parent_with_rows() -> (Engine, Session) {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            (P, "ok"),
            ("INSERT INTO p VALUES (1, 10), (2, 20)", "ok affected=2"),
        ],
    );
    (e, s)
}

#[test]
fn a_foreign_key_is_kept_with_a_generated_name_and_index() {
    let (e, mut s) = parent_with_rows();
    steps_on(
        &e,
        &mut s,
        &[(
            "CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id) ON DELETE CASCADE)",
            "ok",
        )],
    );
    assert_eq!(
        create_text(&e, &mut s, "c"),
        "CREATE TABLE `c` (\n  `id` int NOT NULL,\n  `pid` int DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `pid` (`pid`),\n  CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`) ON DELETE CASCADE\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
}

#[test]
fn a_child_row_needs_a_parent_row() {
    let (e, mut s) = parent_with_rows();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id) ON DELETE CASCADE)",
                "ok",
            ),
            ("INSERT INTO c VALUES (1, 1), (2, NULL)", "ok affected=2"),
            (
                "INSERT INTO c VALUES (3, 3)",
                "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`) ON DELETE CASCADE)",
            ),
            (
                "UPDATE c SET pid = 5 WHERE id = 1",
                "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`) ON DELETE CASCADE)",
            ),
            ("UPDATE c SET pid = 2 WHERE id = 1", "ok affected=1"),
            ("SELECT * FROM c ORDER BY id", "id|pid\n1|2\n2|NULL"),
        ],
    );
}

#[test]
fn restrict_and_no_action_refuse_to_delete_or_update_a_referenced_parent() {
    for (clause, shown) in [
        ("", ""),
        (" ON DELETE NO ACTION ON UPDATE NO ACTION", ""),
        (
            " ON DELETE RESTRICT ON UPDATE RESTRICT",
            " ON DELETE RESTRICT ON UPDATE RESTRICT",
        ),
    ] {
        let (e, mut s) = parent_with_rows();
        let msg = format!(
            "ERROR 1451 (23000): Cannot delete or update a parent row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`){shown})"
        );
        let create = format!(
            "CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p(id){clause})"
        );
        steps_on(
            &e,
            &mut s,
            &[
                (&create, "ok"),
                ("INSERT INTO c VALUES (1, 1)", "ok affected=1"),
                ("DELETE FROM p WHERE id = 1", &msg),
                ("UPDATE p SET id = 3 WHERE id = 1", &msg),
                ("DELETE FROM p", &msg),
                ("SELECT COUNT(*) FROM p", "COUNT(*)\n2"),
                // Unreferenced rows and columns change freely.
                ("UPDATE p SET v = 11 WHERE id = 1", "ok affected=1"),
                ("DELETE FROM p WHERE id = 2", "ok affected=1"),
                ("DELETE FROM c", "ok affected=1"),
                ("DELETE FROM p", "ok affected=1"),
            ],
        );
    }
}

/// `c` referencing `p` with `rules` (after the REFERENCES clause), child rows (1, 1), (2, 1),
/// (3, 2), (4, NULL).
fn child_with(rules: &str) -> (Engine, Session) {
    let (e, mut s) = parent_with_rows();
    let create = format!(
        "CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id){rules})"
    );
    steps_on(
        &e,
        &mut s,
        &[
            (&create, "ok"),
            (
                "INSERT INTO c VALUES (1, 1), (2, 1), (3, 2), (4, NULL)",
                "ok affected=4",
            ),
        ],
    );
    (e, s)
}

#[test]
fn cascade_deletes_and_updates_child_rows_without_counting_them() {
    let (e, mut s) = child_with(" ON DELETE CASCADE ON UPDATE CASCADE");
    steps_on(
        &e,
        &mut s,
        &[
            ("UPDATE p SET id = 5 WHERE id = 1", "ok affected=1"),
            (
                "SELECT * FROM c ORDER BY id",
                "id|pid\n1|5\n2|5\n3|2\n4|NULL",
            ),
            ("DELETE FROM p WHERE id = 5", "ok affected=1"),
            ("SELECT * FROM c ORDER BY id", "id|pid\n3|2\n4|NULL"),
            ("DELETE FROM p", "ok affected=1"),
            ("SELECT * FROM c ORDER BY id", "id|pid\n4|NULL"),
        ],
    );
}

#[test]
fn set_null_clears_the_child_columns() {
    let (e, mut s) = child_with(" ON DELETE SET NULL ON UPDATE SET NULL");
    steps_on(
        &e,
        &mut s,
        &[
            ("DELETE FROM p WHERE id = 1", "ok affected=1"),
            (
                "SELECT * FROM c ORDER BY id",
                "id|pid\n1|NULL\n2|NULL\n3|2\n4|NULL",
            ),
            ("UPDATE p SET id = 7 WHERE id = 2", "ok affected=1"),
            (
                "SELECT * FROM c ORDER BY id",
                "id|pid\n1|NULL\n2|NULL\n3|NULL\n4|NULL",
            ),
        ],
    );
}

#[test]
fn cascades_go_two_levels_deep_and_a_rollback_undoes_them() {
    let (e, mut s) = child_with(" ON DELETE CASCADE ON UPDATE CASCADE");
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE TABLE g (id INT PRIMARY KEY, cid INT, CONSTRAINT g_c FOREIGN KEY (cid) REFERENCES c (id) ON DELETE CASCADE)",
                "ok",
            ),
            (
                "INSERT INTO g VALUES (10, 1), (11, 2), (12, 3)",
                "ok affected=3",
            ),
            ("BEGIN", "ok"),
            ("DELETE FROM p WHERE id = 1", "ok affected=1"),
            ("SELECT * FROM c ORDER BY id", "id|pid\n3|2\n4|NULL"),
            ("SELECT * FROM g ORDER BY id", "id|cid\n12|3"),
            ("ROLLBACK", "ok"),
            (
                "SELECT * FROM c ORDER BY id",
                "id|pid\n1|1\n2|1\n3|2\n4|NULL",
            ),
            ("SELECT * FROM g ORDER BY id", "id|cid\n10|1\n11|2\n12|3"),
            // A grandchild that restricts fails the whole statement, cascade included.
            ("ALTER TABLE g DROP FOREIGN KEY g_c", "ok"),
            (
                "ALTER TABLE g ADD CONSTRAINT g_c FOREIGN KEY (cid) REFERENCES c (id)",
                "ok",
            ),
            (
                "DELETE FROM p WHERE id = 2",
                "ERROR 1451 (23000): Cannot delete or update a parent row: a foreign key constraint fails (`d`.`g`, CONSTRAINT `g_c` FOREIGN KEY (`cid`) REFERENCES `c` (`id`))",
            ),
            (
                "SELECT * FROM c ORDER BY id",
                "id|pid\n1|1\n2|1\n3|2\n4|NULL",
            ),
        ],
    );
}

#[test]
fn a_table_may_reference_itself_and_cascades_stop_at_depth_15() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[(
            "CREATE TABLE t (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES t (id) ON DELETE CASCADE)",
            "ok",
        )],
    );
    let rows: Vec<String> = (1..=17)
        .map(|i| {
            let parent = if i == 1 {
                "NULL".to_string()
            } else {
                (i - 1).to_string()
            };
            format!("({i}, {parent})")
        })
        .collect();
    steps_on(
        &e,
        &mut s,
        &[
            (
                &format!("INSERT INTO t VALUES {}", rows.join(", ")),
                "ok affected=17",
            ),
            (
                "INSERT INTO t VALUES (18, 99)",
                "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`d`.`t`, CONSTRAINT `t_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `t` (`id`) ON DELETE CASCADE)",
            ),
            // A row referencing itself.
            ("INSERT INTO t VALUES (20, 20)", "ok affected=1"),
            ("DELETE FROM t WHERE id = 20", "ok affected=1"),
            (
                "DELETE FROM t WHERE id = 1",
                "ERROR 3008 (HY000): Foreign key cascade delete/update exceeds max depth of 15.",
            ),
            ("DELETE FROM t WHERE id = 2", "ok affected=1"),
            ("SELECT COUNT(*) FROM t", "COUNT(*)\n1"),
        ],
    );
}

#[test]
fn create_table_checks_the_parent_as_innodb_does() {
    check_steps(&[
        (P, "ok"),
        (
            "CREATE TABLE c (pid INT, FOREIGN KEY (pid) REFERENCES nope (id))",
            "ERROR 1824 (HY000): Failed to open the referenced table 'nope'",
        ),
        (
            "CREATE TABLE c (pid INT, FOREIGN KEY (pid) REFERENCES p (x))",
            "ERROR 3734 (HY000): Failed to add the foreign key constraint. Missing column 'x' for constraint 'c_ibfk_1' in the referenced table 'p'",
        ),
        (
            "CREATE TABLE c (pid INT, FOREIGN KEY (pid) REFERENCES p (v))",
            "ERROR 1822 (HY000): Failed to add the foreign key constraint. Missing index for constraint 'c_ibfk_1' in the referenced table 'p'",
        ),
        (
            "CREATE TABLE c (pid BIGINT, FOREIGN KEY (pid) REFERENCES p (id))",
            "ERROR 3780 (HY000): Referencing column 'pid' and referenced column 'id' in foreign key constraint 'c_ibfk_1' are incompatible.",
        ),
        (
            "CREATE TABLE c (pid INT UNSIGNED, CONSTRAINT fk1 FOREIGN KEY (pid) REFERENCES p (id))",
            "ERROR 3780 (HY000): Referencing column 'pid' and referenced column 'id' in foreign key constraint 'fk1' are incompatible.",
        ),
        (
            "CREATE TABLE c (pid INT NOT NULL, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE SET NULL)",
            "ERROR 1830 (HY000): Column 'pid' cannot be NOT NULL: needed in a foreign key constraint 'c_ibfk_1' SET NULL",
        ),
        (
            "CREATE TABLE c (pid INT, FOREIGN KEY (pid) REFERENCES p (id) ON DELETE SET DEFAULT)",
            "ERROR 1215 (HY000): Cannot add foreign key constraint",
        ),
        (
            "CREATE TEMPORARY TABLE c (pid INT, FOREIGN KEY (pid) REFERENCES p (id))",
            "ERROR 1215 (HY000): Cannot add foreign key constraint",
        ),
        (
            "CREATE TABLE c (pid INT, CONSTRAINT fk1 FOREIGN KEY (pid) REFERENCES p (id))",
            "ok",
        ),
        (
            "CREATE TABLE c2 (pid INT, CONSTRAINT fk1 FOREIGN KEY (pid) REFERENCES p (id))",
            "ERROR 1826 (HY000): Duplicate foreign key constraint name 'fk1'",
        ),
        (
            "CREATE TABLE s1 (a VARCHAR(10) CHARACTER SET latin1 PRIMARY KEY)",
            "ok",
        ),
        (
            "CREATE TABLE s2 (a VARCHAR(20), FOREIGN KEY (a) REFERENCES s1 (a))",
            "ERROR 3780 (HY000): Referencing column 'a' and referenced column 'a' in foreign key constraint 's2_ibfk_1' are incompatible.",
        ),
        (
            "CREATE TABLE s2 (a VARCHAR(20) CHARACTER SET latin1, FOREIGN KEY (a) REFERENCES s1 (a))",
            "ok",
        ),
    ]);
}

#[test]
fn names_and_indexes_follow_mysql() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            ("CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b))", "ok"),
            (
                "CREATE TABLE c (x INT, y INT, z INT, KEY kx (x, y, z), FOREIGN KEY (x, y) REFERENCES p (a, b), CONSTRAINT named FOREIGN KEY (y) REFERENCES p (a) ON UPDATE CASCADE, FOREIGN KEY idx_z (z) REFERENCES p (a) ON DELETE RESTRICT)",
                "ok",
            ),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "c"),
        "CREATE TABLE `c` (\n  `x` int DEFAULT NULL,\n  `y` int DEFAULT NULL,\n  `z` int DEFAULT NULL,\n  KEY `kx` (`x`,`y`,`z`),\n  KEY `named` (`y`),\n  KEY `idx_z` (`z`),\n  CONSTRAINT `c_ibfk_1` FOREIGN KEY (`x`, `y`) REFERENCES `p` (`a`, `b`),\n  CONSTRAINT `c_ibfk_2` FOREIGN KEY (`z`) REFERENCES `p` (`a`) ON DELETE RESTRICT,\n  CONSTRAINT `named` FOREIGN KEY (`y`) REFERENCES `p` (`a`) ON UPDATE CASCADE\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
}

#[test]
fn foreign_key_checks_0_accepts_a_missing_parent_and_skips_checks() {
    check_steps(&[
        ("SET foreign_key_checks = 0", "ok"),
        (
            "CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id))",
            "ok",
        ),
        ("INSERT INTO c VALUES (1, 1), (2, 9)", "ok affected=2"),
        (P, "ok"),
        ("INSERT INTO p VALUES (1, 10)", "ok affected=1"),
        ("SET foreign_key_checks = 1", "ok"),
        (
            "INSERT INTO c VALUES (3, 3)",
            "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))",
        ),
        (
            "DELETE FROM p",
            "ERROR 1451 (23000): Cannot delete or update a parent row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))",
        ),
        (
            "DROP TABLE p",
            "ERROR 3730 (HY000): Cannot drop table 'p' referenced by a foreign key constraint 'c_ibfk_1' on table 'c'.",
        ),
        ("SET foreign_key_checks = 0", "ok"),
        ("DELETE FROM p", "ok affected=1"),
        ("DROP TABLE p", "ok"),
        ("SHOW TABLES", "Tables_in_d\nc"),
    ]);
}

#[test]
fn ddl_guards_drop_truncate_index_and_column() {
    let (e, mut s) = child_with("");
    steps_on(
        &e,
        &mut s,
        &[
            (
                "DROP TABLE p",
                "ERROR 3730 (HY000): Cannot drop table 'p' referenced by a foreign key constraint 'c_ibfk_1' on table 'c'.",
            ),
            (
                "TRUNCATE TABLE p",
                "ERROR 1701 (42000): Cannot truncate a table referenced in a foreign key constraint (`d`.`c`, CONSTRAINT `c_ibfk_1`)",
            ),
            (
                "DROP INDEX pid ON c",
                "ERROR 1553 (HY000): Cannot drop index 'pid': needed in a foreign key constraint",
            ),
            (
                "ALTER TABLE p DROP PRIMARY KEY",
                "ERROR 1553 (HY000): Cannot drop index 'PRIMARY': needed in a foreign key constraint",
            ),
            (
                "ALTER TABLE c DROP COLUMN pid",
                "ERROR 1828 (HY000): Cannot drop column 'pid': needed in a foreign key constraint 'c_ibfk_1'",
            ),
            (
                "ALTER TABLE c DROP FOREIGN KEY nope",
                "ERROR 1091 (42000): Can't DROP 'nope'; check that column/key exists",
            ),
            // An index that still serves may go; the child table may be truncated.
            ("CREATE INDEX pid2 ON c (pid, id)", "ok"),
            ("DROP INDEX pid ON c", "ok"),
            ("TRUNCATE TABLE c", "ok"),
            ("DROP TABLE p, c", "ok"),
            ("SHOW TABLES", "Tables_in_d"),
        ],
    );
}

#[test]
fn alter_table_adds_foreign_keys_checking_existing_rows_and_drops_them() {
    let (e, mut s) = parent_with_rows();
    steps_on(
        &e,
        &mut s,
        &[
            ("CREATE TABLE c (id INT PRIMARY KEY, pid INT)", "ok"),
            ("INSERT INTO c VALUES (1, 1), (2, 3)", "ok affected=2"),
            (
                "ALTER TABLE c ADD FOREIGN KEY (pid) REFERENCES p (id)",
                "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))",
            ),
            ("DELETE FROM c WHERE id = 2", "ok affected=1"),
            (
                "ALTER TABLE c ADD COLUMN extra INT FIRST, ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE",
                "ok",
            ),
            ("INSERT INTO c VALUES (0, 2, 2)", "ok affected=1"),
            ("DELETE FROM p WHERE id = 1", "ok affected=1"),
            ("SELECT * FROM c", "extra|id|pid\n0|2|2"),
            ("ALTER TABLE c RENAME COLUMN pid TO parent", "ok"),
            ("RENAME TABLE p TO p2", "ok"),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "c"),
        "CREATE TABLE `c` (\n  `extra` int DEFAULT NULL,\n  `id` int NOT NULL,\n  `parent` int DEFAULT NULL,\n  PRIMARY KEY (`id`),\n  KEY `fk` (`parent`),\n  CONSTRAINT `fk` FOREIGN KEY (`parent`) REFERENCES `p2` (`id`) ON DELETE CASCADE\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
    steps_on(
        &e,
        &mut s,
        &[
            ("DELETE FROM p2", "ok affected=1"),
            ("SELECT COUNT(*) FROM c", "COUNT(*)\n0"),
            ("ALTER TABLE c DROP FOREIGN KEY fk", "ok"),
            ("INSERT INTO c VALUES (0, 5, 5)", "ok affected=1"),
        ],
    );
}

#[test]
fn information_schema_lists_foreign_keys() {
    let (e, mut s) = child_with(" ON DELETE CASCADE ON UPDATE RESTRICT");
    steps_on(
        &e,
        &mut s,
        &[
            (
                "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 'c' ORDER BY CONSTRAINT_NAME",
                "CONSTRAINT_NAME|CONSTRAINT_TYPE\nc_ibfk_1|FOREIGN KEY\nPRIMARY|PRIMARY KEY",
            ),
            (
                "SELECT CONSTRAINT_NAME, COLUMN_NAME, ORDINAL_POSITION, POSITION_IN_UNIQUE_CONSTRAINT, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_NAME = 'c' AND REFERENCED_TABLE_NAME IS NOT NULL",
                "CONSTRAINT_NAME|COLUMN_NAME|ORDINAL_POSITION|POSITION_IN_UNIQUE_CONSTRAINT|REFERENCED_TABLE_SCHEMA|REFERENCED_TABLE_NAME|REFERENCED_COLUMN_NAME\nc_ibfk_1|pid|1|1|d|p|id",
            ),
            (
                "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME, MATCH_OPTION, UPDATE_RULE, DELETE_RULE, TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.REFERENTIAL_CONSTRAINTS",
                "CONSTRAINT_SCHEMA|CONSTRAINT_NAME|UNIQUE_CONSTRAINT_SCHEMA|UNIQUE_CONSTRAINT_NAME|MATCH_OPTION|UPDATE_RULE|DELETE_RULE|TABLE_NAME|REFERENCED_TABLE_NAME\nd|c_ibfk_1|d|PRIMARY|NONE|RESTRICT|CASCADE|c|p",
            ),
            ("CREATE DATABASE d2", "ok affected=1"),
            (
                "CREATE TABLE d2.x (pid INT, FOREIGN KEY (pid) REFERENCES d.p (id))",
                "ok",
            ),
        ],
    );
    assert!(
        create_text(&e, &mut s, "d2.x")
            .contains("CONSTRAINT `x_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `d`.`p` (`id`)\n")
    );
}

/// Waits until some transaction waits for a lock (failing the test after 10 s).
fn until_waiting(e: &Engine) {
    let start = Instant::now();
    while e.store.locks.waiters().is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "nothing started waiting for a lock"
        );
        thread::yield_now();
    }
}

#[test]
fn a_child_insert_waits_for_a_parent_row_deleted_by_another_transaction() {
    let (e, mut a) = child_with("");
    let mut b = e.new_session(crate::SessionInfo {
        connection_id: 8,
        user: "root".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: Some("d".into()),
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    });
    steps_on(
        &e,
        &mut a,
        &[
            ("DELETE FROM c WHERE pid = 2", "ok affected=1"),
            ("BEGIN", "ok"),
            ("DELETE FROM p WHERE id = 2", "ok affected=1"),
        ],
    );
    thread::scope(|sc| {
        let waiter = sc.spawn(|| run(&e, &mut b, "INSERT INTO c VALUES (9, 2)"));
        until_waiting(&e);
        steps_on(&e, &mut a, &[("COMMIT", "ok")]);
        assert_eq!(
            waiter.join().unwrap(),
            "ERROR 1452 (23000): Cannot add or update a child row: a foreign key constraint fails (`d`.`c`, CONSTRAINT `c_ibfk_1` FOREIGN KEY (`pid`) REFERENCES `p` (`id`))"
        );
    });
    // A parent row another transaction holds is waited for: its rollback lets the insert
    // through; so does the commit of a parent row being inserted.
    steps_on(
        &e,
        &mut a,
        &[
            ("BEGIN", "ok"),
            ("UPDATE p SET v = 11 WHERE id = 1", "ok affected=1"),
        ],
    );
    thread::scope(|sc| {
        let waiter = sc.spawn(|| run(&e, &mut b, "INSERT INTO c VALUES (9, 1)"));
        until_waiting(&e);
        steps_on(&e, &mut a, &[("ROLLBACK", "ok")]);
        assert_eq!(waiter.join().unwrap(), "ok affected=1");
    });
    steps_on(
        &e,
        &mut a,
        &[
            ("BEGIN", "ok"),
            ("INSERT INTO p VALUES (3, 30)", "ok affected=1"),
        ],
    );
    thread::scope(|sc| {
        let waiter = sc.spawn(|| run(&e, &mut b, "INSERT INTO c VALUES (10, 3)"));
        until_waiting(&e);
        steps_on(&e, &mut a, &[("COMMIT", "ok")]);
        assert_eq!(waiter.join().unwrap(), "ok affected=1");
    });
}

#[test]
fn a_column_level_references_clause_is_parsed_and_ignored() {
    check_steps(&[
        (P, "ok"),
        (
            "CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p (id))",
            "ok",
        ),
        ("INSERT INTO c VALUES (1, 99)", "ok affected=1"),
        (
            "SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS",
            "COUNT(*)\n0",
        ),
        // What mysqldump writes: checks off, then the constraint; the dump loads as it was.
        ("/*!40014 SET FOREIGN_KEY_CHECKS=0 */", "ok"),
        (
            "CREATE TABLE c2 (id INT NOT NULL, pid INT DEFAULT NULL, PRIMARY KEY (id), KEY pid (pid), CONSTRAINT c2_ibfk_1 FOREIGN KEY (pid) REFERENCES p (id) ON DELETE CASCADE) ENGINE=InnoDB",
            "ok",
        ),
        ("INSERT INTO c2 VALUES (1, 7)", "ok affected=1"),
        ("/*!40014 SET FOREIGN_KEY_CHECKS=1 */", "ok"),
        ("INSERT INTO p VALUES (7, 70)", "ok affected=1"),
        ("DELETE FROM p", "ok affected=1"),
        ("SELECT COUNT(*) FROM c2", "COUNT(*)\n0"),
    ]);
}

#[test]
fn constraints_follow_a_renamed_parent_column() {
    let (e, mut s) = child_with(" ON DELETE CASCADE");
    steps_on(
        &e,
        &mut s,
        &[
            ("ALTER TABLE p RENAME COLUMN id TO pk", "ok"),
            ("DELETE FROM p WHERE pk = 1", "ok affected=1"),
            ("SELECT * FROM c ORDER BY id", "id|pid\n3|2\n4|NULL"),
            (
                "ALTER TABLE p DROP PRIMARY KEY",
                "ERROR 1553 (HY000): Cannot drop index 'PRIMARY': needed in a foreign key constraint",
            ),
        ],
    );
    assert!(create_text(&e, &mut s, "c").contains("REFERENCES `p` (`pk`) ON DELETE CASCADE"));
}
