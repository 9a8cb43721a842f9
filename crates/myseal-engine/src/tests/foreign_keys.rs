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
