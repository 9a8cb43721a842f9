//! Access paths the optimizer picks, checked through EXPLAIN FORMAT=TREE and the rows they
//! give (which must match what a full scan gives).

use super::{engine, run, session};
use crate::{Engine, Session};

fn setup() -> (Engine, Session) {
    let e = engine();
    let mut s = session(&e);
    for sql in [
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(10), KEY ia (a))",
        "INSERT INTO t VALUES (1,10,'x'),(2,20,'y'),(3,30,'z'),(4,NULL,'w'),(5,20,'v'),(6,60,'u')",
        "CREATE TABLE u (id INT PRIMARY KEY, t_id INT, c VARCHAR(10))",
        "INSERT INTO u VALUES (1,2,'p'),(2,3,'q'),(3,3,'r')",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    (e, s)
}

fn tree(e: &Engine, s: &mut Session, sql: &str) -> String {
    run(e, s, &format!("EXPLAIN FORMAT=TREE {sql}"))
}

#[test]
fn where_conjuncts_reach_the_tables_of_an_explicit_join() {
    let (e, mut s) = setup();
    let q =
        "SELECT t.b, u.c FROM t JOIN u ON u.t_id = t.id WHERE t.a > 15 AND u.c <> 'q' ORDER BY u.c";
    let plan = tree(&e, &mut s, q);
    assert!(plan.contains("Index range scan on t using ia"), "{plan}");
    assert!(!plan.contains("Table scan on t"), "{plan}");
    assert_eq!(run(&e, &mut s, q), "b|c\ny|p\nz|r");
    // The comma join gives the same rows.
    let q2 =
        "SELECT t.b, u.c FROM t, u WHERE u.t_id = t.id AND t.a > 15 AND u.c <> 'q' ORDER BY u.c";
    assert_eq!(run(&e, &mut s, q2), "b|c\ny|p\nz|r");
    // LEFT JOIN: a condition on the preserved side filters it; one on the other side stays
    // above the join (it sees the NULL-extended rows).
    let q = "SELECT t.id, u.c FROM t LEFT JOIN u ON u.t_id = t.id WHERE t.id = 1";
    let plan = tree(&e, &mut s, q);
    assert!(plan.contains("lookup on t using PRIMARY"), "{plan}");
    assert_eq!(run(&e, &mut s, q), "id|c\n1|NULL");
    let q = "SELECT t.id FROM t LEFT JOIN u ON u.t_id = t.id WHERE u.c IS NULL ORDER BY t.id";
    assert_eq!(run(&e, &mut s, q), "id\n1\n4\n5\n6");
}

#[test]
fn in_lists_read_one_range_per_value() {
    let (e, mut s) = setup();
    let q = "SELECT id, b FROM t WHERE id IN (5, 1, 5, 3, 99) ORDER BY id DESC";
    let plan = tree(&e, &mut s, q);
    assert!(!plan.contains("Table scan"), "{plan}");
    assert_eq!(run(&e, &mut s, q), "id|b\n5|v\n3|z\n1|x");
    let q = "SELECT id FROM t WHERE a IN (20, 60, NULL) ORDER BY id";
    let plan = tree(&e, &mut s, q);
    assert!(plan.contains("using ia"), "{plan}");
    assert_eq!(run(&e, &mut s, q), "id\n2\n5\n6");
    // Values that are not exact in the column's type fall back to reading everything.
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT id FROM t WHERE id IN (2.5, '3') ORDER BY id"
        ),
        "id\n3"
    );
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT id FROM t WHERE id NOT IN (1, 2, 3) ORDER BY id"
        ),
        "id\n4\n5\n6"
    );
}

#[test]
fn an_order_the_index_gives_needs_no_sort() {
    let (e, mut s) = setup();
    for (q, rows) in [
        ("SELECT id FROM t ORDER BY id DESC LIMIT 2", "id\n6\n5"),
        (
            "SELECT id, b FROM t WHERE id >= 2 ORDER BY id LIMIT 2",
            "id|b\n2|y\n3|z",
        ),
        (
            "SELECT a, id FROM t WHERE a >= 20 ORDER BY a LIMIT 3",
            "a|id\n20|2\n20|5\n30|3",
        ),
        (
            "SELECT id FROM t WHERE id IN (4, 2, 6) ORDER BY id DESC",
            "id\n6\n4\n2",
        ),
    ] {
        let plan = tree(&e, &mut s, q);
        assert!(!plan.contains("Sort"), "{q}: {plan}");
        assert_eq!(run(&e, &mut s, q), rows, "{q}");
    }
    // Orders the index does not give keep their sort.
    for (q, rows) in [
        ("SELECT id FROM t ORDER BY b LIMIT 2", "id\n6\n5"),
        (
            "SELECT id, a FROM t ORDER BY a DESC, id LIMIT 3",
            "id|a\n6|60\n3|30\n2|20",
        ),
        ("SELECT id FROM t ORDER BY id + 0 DESC LIMIT 1", "id\n6"),
    ] {
        let plan = tree(&e, &mut s, q);
        assert!(plan.contains("Sort"), "{q}: {plan}");
        assert_eq!(run(&e, &mut s, q), rows, "{q}");
    }
}

#[test]
fn joins_on_an_indexed_column_look_rows_up() {
    let (e, mut s) = setup();
    let q = "SELECT u.c, t.b FROM u JOIN t ON u.t_id = t.id ORDER BY u.id";
    let plan = tree(&e, &mut s, q);
    assert!(plan.contains("lookup on t using PRIMARY"), "{plan}");
    assert!(!plan.contains("hash join"), "{plan}");
    assert_eq!(run(&e, &mut s, q), "c|b\np|y\nq|z\nr|z");
    // LEFT JOIN keeps unmatched rows; ON conditions beyond the key still apply.
    let q =
        "SELECT t.id, u.c FROM t LEFT JOIN u ON u.t_id = t.id AND u.c <> 'q' ORDER BY t.id, u.c";
    assert_eq!(
        run(&e, &mut s, q),
        "id|c\n1|NULL\n2|p\n3|r\n4|NULL\n5|NULL\n6|NULL"
    );
    // A secondary index on the right: many rows per key, and NULL keys match nothing.
    let q = "SELECT x.id, y.id FROM t x JOIN t y ON y.a = x.a WHERE x.id <> y.id ORDER BY x.id";
    let plan = tree(&e, &mut s, q);
    assert!(plan.contains("using ia"), "{plan}");
    assert_eq!(run(&e, &mut s, q), "id|id\n2|5\n5|2");
    // A key compared as another type still finds the rows (the lookup falls back to a scan).
    let q = "SELECT u.id FROM u JOIN t ON t.b = u.t_id ORDER BY u.id";
    assert_eq!(run(&e, &mut s, q), "id");
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT COUNT(*) FROM t x JOIN t y ON y.id = x.id + 1"
        ),
        "COUNT(*)\n5"
    );
}
