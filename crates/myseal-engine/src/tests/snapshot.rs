//! Snapshots, restores and database clones: O(tables), and each copy independent of the other.

use std::time::Duration;

use super::{engine, run, session};

fn seeded() -> (crate::Engine, crate::Session) {
    let e = engine();
    let mut s = session(&e);
    for sql in [
        "CREATE DATABASE tpl",
        "USE tpl",
        "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), KEY (name))",
        "INSERT INTO t (name) VALUES ('a'), ('b'), ('c')",
        "CREATE TABLE h (v INT)",
        "INSERT INTO h VALUES (1), (2)",
    ] {
        assert!(!run(&e, &mut s, sql).contains("ERROR"), "{sql}");
    }
    (e, s)
}

#[test]
fn a_clone_has_the_rows_and_counters_and_changes_apart_from_its_source() {
    let (e, mut s) = seeded();
    assert_eq!(
        run(&e, &mut s, "CREATE DATABASE test_1 CLONE tpl"),
        "ok affected=1"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT id, name FROM test_1.t ORDER BY id"),
        "id|name\n1|a\n2|b\n3|c"
    );
    // The clone's AUTO_INCREMENT continues from the source's, and its writes stay in it.
    run(&e, &mut s, "INSERT INTO test_1.t (name) VALUES ('d')");
    run(&e, &mut s, "DELETE FROM test_1.h");
    assert_eq!(
        run(&e, &mut s, "SELECT id FROM test_1.t WHERE name = 'd'"),
        "id\n4"
    );
    assert_eq!(run(&e, &mut s, "SELECT COUNT(*) FROM tpl.t"), "COUNT(*)\n3");
    assert_eq!(run(&e, &mut s, "SELECT COUNT(*) FROM tpl.h"), "COUNT(*)\n2");
    // The source's counter did not move either.
    run(&e, &mut s, "INSERT INTO tpl.t (name) VALUES ('x')");
    assert_eq!(
        run(&e, &mut s, "SELECT id FROM tpl.t WHERE name = 'x'"),
        "id\n4"
    );
    // Secondary indexes came along.
    assert_eq!(
        run(&e, &mut s, "SELECT id FROM test_1.t WHERE name = 'b'"),
        "id\n2"
    );
}

#[test]
fn cloning_reports_mysql_errors_for_missing_sources_and_existing_targets() {
    let (e, mut s) = seeded();
    assert_eq!(
        run(&e, &mut s, "CREATE DATABASE c CLONE nope"),
        "ERROR 1049 (42000): Unknown database 'nope'"
    );
    assert_eq!(
        run(&e, &mut s, "CREATE SCHEMA tpl CLONE tpl"),
        "ERROR 1007 (HY000): Can't create database 'tpl'; database exists"
    );
    assert_eq!(
        run(&e, &mut s, "CREATE DATABASE IF NOT EXISTS tpl CLONE tpl"),
        "ok warnings=1"
    );
    assert!(run(&e, &mut s, "CREATE DATABASE c CLONE mysql").contains("ERROR 1235"));
    assert!(run(&e, &mut s, "CREATE DATABASE c CLONE").contains("ERROR 1064"));
}

#[test]
fn a_restore_brings_back_rows_databases_and_counters_of_the_snapshot() {
    let (e, mut s) = seeded();
    let snap = e.snapshot();
    assert_eq!(snap.rows(), 5);
    for sql in [
        "INSERT INTO tpl.t (name) VALUES ('d'), ('e')",
        "UPDATE tpl.t SET name = 'z' WHERE id = 1",
        "DROP TABLE tpl.h",
        "CREATE DATABASE extra",
    ] {
        assert!(!run(&e, &mut s, sql).contains("ERROR"), "{sql}");
    }
    e.restore(&snap, Duration::from_secs(5)).unwrap();
    assert_eq!(
        run(&e, &mut s, "SELECT id, name FROM tpl.t ORDER BY id"),
        "id|name\n1|a\n2|b\n3|c"
    );
    assert_eq!(run(&e, &mut s, "SELECT COUNT(*) FROM tpl.h"), "COUNT(*)\n2");
    assert!(!e.database_exists("extra"));
    // AUTO_INCREMENT is back at the snapshot's value, so a test run after a restore is
    // repeatable.
    run(&e, &mut s, "INSERT INTO tpl.t (name) VALUES ('n')");
    assert_eq!(
        run(&e, &mut s, "SELECT id FROM tpl.t WHERE name = 'n'"),
        "id\n4"
    );
    // The same snapshot restores again.
    e.restore(&snap, Duration::from_secs(5)).unwrap();
    assert_eq!(run(&e, &mut s, "SELECT COUNT(*) FROM tpl.t"), "COUNT(*)\n3");
}

#[test]
fn a_restore_waits_for_open_transactions_and_times_out_with_1205() {
    let (e, mut s) = seeded();
    let snap = e.snapshot();
    run(&e, &mut s, "BEGIN");
    run(&e, &mut s, "INSERT INTO t (name) VALUES ('open')");
    let err = e
        .restore(&snap, Duration::from_millis(50))
        .expect_err("a transaction holds the table");
    assert_eq!(err.code, 1205);
    run(&e, &mut s, "COMMIT");
    assert_eq!(run(&e, &mut s, "SELECT COUNT(*) FROM t"), "COUNT(*)\n4");
    e.restore(&snap, Duration::from_secs(5)).unwrap();
    assert_eq!(run(&e, &mut s, "SELECT COUNT(*) FROM t"), "COUNT(*)\n3");
}

#[test]
fn snapshots_and_clones_of_many_rows_copy_no_rows() {
    let e = engine();
    let mut s = session(&e);
    run(&e, &mut s, "CREATE DATABASE big");
    run(&e, &mut s, "USE big");
    run(&e, &mut s, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    run(&e, &mut s, "SET cte_max_recursion_depth = 200000");
    assert_eq!(
        run(
            &e,
            &mut s,
            "INSERT INTO t WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i, i FROM n"
        ),
        "ok affected=200000"
    );
    // Time is not asserted (tests share the machine); sharing is: the snapshot's rows are the
    // very same allocation as the live table's.
    let snap = e.snapshot();
    assert_eq!(snap.rows(), 200_000);
    assert!(e.store.latest_shares_rows_with(&snap));
    run(&e, &mut s, "CREATE DATABASE big2 CLONE big");
    assert_eq!(
        run(&e, &mut s, "SELECT SUM(v) FROM big2.t"),
        "SUM(v)\n20000100000"
    );
    e.restore(&snap, Duration::from_secs(5)).unwrap();
    assert!(e.store.latest_shares_rows_with(&snap));
}
