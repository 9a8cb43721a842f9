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

/// Tables `t{k}(a{k} INT PRIMARY KEY, b{k} INT, x{k} VARCHAR(40))` of ten rows each, as in
/// sqllogictest's select5.test; `b{k}` is a permutation of 1..10.
fn join_tables(e: &Engine, s: &mut Session, ks: &[usize]) {
    for &k in ks {
        let m = [1, 3, 7, 9][k % 4];
        let rows: Vec<String> = (1..=10)
            .map(|i| format!("({i},{},'table t{k} row {i}')", (i * m + k) % 10 + 1))
            .collect();
        for sql in [
            format!("CREATE TABLE t{k}(a{k} INT PRIMARY KEY, b{k} INT, x{k} VARCHAR(40))"),
            format!("INSERT INTO t{k} VALUES {}", rows.join(",")),
        ] {
            let (_, err) = e.execute(s, &sql);
            assert!(err.is_none(), "{sql}: {err:?}");
        }
    }
}

/// No join of the plan is a cross product: each is a hash join or an index lookup join.
fn assert_no_cross_join(plan: &str) {
    let lines: Vec<&str> = plan.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        if line.contains("Nested loop inner join") {
            // The inner side (the last child) must be an index lookup.
            let indent = |l: &&str| l.len() - l.trim_start().len();
            let depth = indent(line);
            let under: Vec<&str> = lines[n + 1..]
                .iter()
                .copied()
                .take_while(|l| indent(l) > depth)
                .collect();
            let inner = under
                .iter()
                .rposition(|l| indent(l) == depth + 4)
                .map(|i| &under[i..])
                .unwrap_or_default();
            let lookup = inner.iter().any(|l| l.contains("lookup on"));
            assert!(lookup && !inner.is_empty(), "cross join in:\n{plan}");
        }
    }
}

#[test]
fn inner_joins_are_reordered_to_follow_their_equalities() {
    let (e, mut s) = setup();
    join_tables(&e, &mut s, &[29, 31, 51, 55]);
    let bad = "SELECT x29,x31,x51,x55 FROM t51,t29,t31,t55 \
               WHERE a51=b31 AND a29=6 AND a29=b51 AND b55=a31";
    let good = "SELECT x29,x31,x51,x55 FROM t29,t51,t31,t55 \
                WHERE a29=6 AND a29=b51 AND a51=b31 AND b55=a31";
    let plan = tree(&e, &mut s, bad);
    // t29 first (its primary key is a constant), then each table an equality connects.
    assert!(
        plan.contains("Single-row index lookup on t29 using PRIMARY"),
        "{plan}"
    );
    assert_no_cross_join(&plan);
    let rows = run(&e, &mut s, bad);
    assert_eq!(rows.lines().count(), 2, "{rows}");
    assert_eq!(rows, run(&e, &mut s, good));
    // Every column keeps its place, for SELECT * too.
    let star = run(
        &e,
        &mut s,
        "SELECT * FROM t51,t29,t31,t55 WHERE a51=b31 AND a29=b51 AND b55=a31 ORDER BY a29",
    );
    assert_eq!(
        star,
        run(
            &e,
            &mut s,
            "SELECT a51,b51,x51,a29,b29,x29,a31,b31,x31,a55,b55,x55 FROM t29 JOIN t51 ON a29=b51 \
             JOIN t31 ON a51=b31 JOIN t55 ON b55=a31 ORDER BY a29"
        )
    );
    assert_eq!(star.lines().count(), 11, "{star}");
    // ON conditions take part as WHERE conjuncts do; expressions over several tables too.
    let q = "SELECT a29, a55 FROM t55 JOIN t31 ON b55=a31 JOIN t29 ON a29+0=a55 \
             JOIN t51 ON a51=b31 AND a29=b51 ORDER BY a29";
    assert_no_cross_join(&tree(&e, &mut s, q));
    let q2 = "SELECT a29, a55 FROM t29, t51, t31, t55 \
              WHERE a29=b51 AND a51=b31 AND b55=a31 AND a29+0=a55 ORDER BY a29";
    assert_eq!(run(&e, &mut s, q), run(&e, &mut s, q2));
}

#[test]
fn a_long_chain_in_a_bad_order_joins_quickly() {
    let (e, mut s) = setup();
    join_tables(&e, &mut s, &[1, 2, 3, 4, 5, 6, 7, 8]);
    // Neighbours in the FROM list share no condition: left to right, every join would be a
    // cross product (10^8 rows after eight tables).
    let conds = "b1=a2 AND b2=a3 AND b3=a4 AND b4=a5 AND b5=a6 AND b6=a7 AND b7=a8";
    let cols = "a1,a2,a3,a4,a5,a6,a7,a8";
    let bad = format!("SELECT {cols} FROM t8,t6,t4,t2,t7,t5,t3,t1 WHERE {conds} ORDER BY a1");
    let plan = tree(&e, &mut s, &bad);
    assert_no_cross_join(&plan);
    let rows = run(&e, &mut s, &bad);
    assert_eq!(rows.lines().count(), 11, "{rows}");
    let good = format!("SELECT {cols} FROM t1,t2,t3,t4,t5,t6,t7,t8 WHERE {conds} ORDER BY a1");
    assert_eq!(rows, run(&e, &mut s, &good));
    // A constant on the last table of the chain starts the join there.
    let q = format!("SELECT {cols} FROM t1,t2,t3,t4,t5,t6,t7,t8 WHERE {conds} AND a8=3");
    let plan = tree(&e, &mut s, &q);
    assert_no_cross_join(&plan);
    assert_eq!(run(&e, &mut s, &q).lines().count(), 2);
}

#[test]
fn left_joins_are_not_crossed_by_reordering() {
    let (e, mut s) = setup();
    join_tables(&e, &mut s, &[1, 2, 3, 4]);
    // t3 may only be NULL-extended against t1/t2; reordering happens around the LEFT JOIN.
    let q = "SELECT a1, a2, a3, a4 FROM t1 JOIN t2 ON b1 = a2 \
             LEFT JOIN t3 ON a3 = b2 AND a3 > 5 JOIN t4 ON a4 = b1 ORDER BY a1";
    let plan = tree(&e, &mut s, q);
    assert!(plan.contains("left join"), "{plan}");
    let rows = run(&e, &mut s, q);
    assert_eq!(rows.lines().count(), 11, "{rows}");
    assert!(rows.contains("NULL"), "{rows}");
    let q2 = "SELECT a1, a2, a3, a4 FROM t1 LEFT JOIN t3 ON a3 = b1 + 0 AND a3 > 5, t4, t2 \
              WHERE b1 = a2 AND a4 = b1 ORDER BY a1";
    let rows2 = run(&e, &mut s, q2);
    assert_eq!(rows2.lines().count(), 11, "{rows2}");
    // A WHERE condition on the NULL-extended side stays above the LEFT JOIN.
    let q3 = "SELECT a1 FROM t1 LEFT JOIN t3 ON a3 = b1 AND a3 > 5, t4, t2 \
              WHERE b1 = a2 AND a4 = b1 AND a3 IS NULL ORDER BY a1";
    let q4 = "SELECT a1 FROM t1 LEFT JOIN t3 ON a3 = b1 AND a3 > 5 WHERE b1 <= 5 ORDER BY a1";
    assert_eq!(run(&e, &mut s, q3), run(&e, &mut s, q4));
}

#[test]
fn join_conditions_see_their_own_from_item() {
    let (e, mut s) = setup();
    // A comma binds looser than JOIN: the LEFT JOIN's ON reads t and u at their own positions.
    let q = "SELECT x.id, t.id, u.c FROM t x, t LEFT JOIN u ON u.t_id = t.id WHERE x.id = 1 ORDER BY t.id, u.c";
    assert_eq!(
        run(&e, &mut s, q),
        "id|id|c\n1|1|NULL\n1|2|p\n1|3|q\n1|3|r\n1|4|NULL\n1|5|NULL\n1|6|NULL"
    );
    // ... and cannot see the earlier comma item, as in MySQL.
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT 1 FROM t x, t LEFT JOIN u ON u.t_id = x.id"
        ),
        "ERROR 1054 (42S22): Unknown column 'x.id' in 'on clause'"
    );
    // A nested join's condition reads its own tables.
    let q =
        "SELECT t.id, u.c FROM t JOIN (u JOIN t y ON y.id = u.t_id) ON t.id = u.id ORDER BY t.id";
    assert_eq!(run(&e, &mut s, q), "id|c\n1|p\n2|q\n3|r");
    // Qualified stars of any FROM item.
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT u.*, t.b FROM t, u WHERE u.t_id = t.id AND u.id = 1"
        ),
        "id|t_id|c|b\n1|2|p|y"
    );
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT t.b, u.* FROM t, u WHERE u.t_id = t.id AND u.id = 1"
        ),
        "b|id|t_id|c\ny|1|2|p"
    );
}

/// Scans decode only the columns a plan reads; every way a column can be read must still see
/// its value.
#[test]
fn pruned_scans_still_see_every_column_the_query_reads() {
    let (e, mut s) = setup();
    let cases = [
        ("SELECT b FROM t WHERE id BETWEEN 2 AND 3", "b\ny\nz"),
        (
            "SELECT SUM(a) FROM t WHERE id BETWEEN 1 AND 3",
            "SUM(a)\n60",
        ),
        ("SELECT id FROM t ORDER BY b LIMIT 2", "id\n6\n5"),
        ("SELECT id FROM t WHERE b > 'x' ORDER BY id", "id\n2\n3"),
        (
            "SELECT a FROM t WHERE id < 4 HAVING a > 10 ORDER BY a",
            "a\n20\n30",
        ),
        (
            "SELECT id, (SELECT COUNT(*) FROM u WHERE u.t_id = t.id AND u.c > t.b) n FROM t WHERE id IN (2, 3) ORDER BY id",
            "id|n\n2|0\n3|0",
        ),
        (
            "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.c < t.b AND u.t_id = t.id) ORDER BY id",
            "id\n2\n3",
        ),
        (
            "SELECT DISTINCT a FROM t WHERE id > 1 ORDER BY a",
            "a\nNULL\n20\n30\n60",
        ),
        (
            "SELECT GROUP_CONCAT(id ORDER BY b) FROM t",
            "GROUP_CONCAT(id ORDER BY b)\n6,5,4,1,2,3",
        ),
        (
            "SELECT a, COUNT(*) FROM t GROUP BY a HAVING MAX(b) > 'w' ORDER BY a",
            "a|COUNT(*)\n10|1\n20|2\n30|1",
        ),
        (
            "SELECT t.b, u.c FROM t JOIN u ON u.t_id = t.id ORDER BY u.id",
            "b|c\ny|p\nz|q\nz|r",
        ),
        ("SELECT x.b FROM (SELECT * FROM t) x WHERE x.id = 4", "b\nw"),
        (
            "SELECT b FROM t WHERE id = 5 UNION SELECT c FROM u WHERE id = 1",
            "b\nv\np",
        ),
    ];
    for (sql, want) in cases {
        assert_eq!(run(&e, &mut s, sql), want, "{sql}");
    }
}

/// DISTINCT under an ORDER BY of exactly its columns is done by sorting and dropping equal
/// neighbours: the same rows (the first read of equal ones) in the same order as DISTINCT then
/// sort.
#[test]
fn distinct_then_sort_keeps_the_first_of_equal_rows() {
    let (e, mut s) = setup();
    for sql in [
        "CREATE TABLE v (id INT PRIMARY KEY, c VARCHAR(5), n DECIMAL(4,1))",
        "INSERT INTO v VALUES (1,'b',1),(2,'A',2),(3,'a',1.0),(4,'B',2),(5,NULL,NULL),(6,'á',3),(7,NULL,1)",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    let cases = [
        ("SELECT DISTINCT c FROM v ORDER BY c", "c\nNULL\nA\nb"),
        ("SELECT DISTINCT c FROM v ORDER BY c DESC", "c\nb\nA\nNULL"),
        (
            "SELECT DISTINCT n FROM v ORDER BY n",
            "n\nNULL\n1.0\n2.0\n3.0",
        ),
        (
            "SELECT DISTINCT c, n FROM v ORDER BY n, c",
            "c|n\nNULL|NULL\nNULL|1.0\na|1.0\nb|1.0\nA|2.0\nB|2.0\ná|3.0",
        ),
        // Not every column, or an expression: DISTINCT then sort, as before.
        (
            "SELECT DISTINCT c, n FROM v ORDER BY n LIMIT 3",
            "c|n\nNULL|NULL\nb|1.0\na|1.0",
        ),
        (
            "SELECT DISTINCT c, CONCAT(c, '') x FROM v ORDER BY x",
            "c|x\nNULL|NULL\nA|A\nb|b",
        ),
        (
            "SELECT DISTINCT c FROM v ORDER BY c LIMIT 1 OFFSET 1",
            "c\nA",
        ),
    ];
    for (sql, want) in cases {
        assert_eq!(run(&e, &mut s, sql), want, "{sql}");
    }
}

/// ORDER BY and DISTINCT compare all-ASCII strings directly and other strings through sort
/// keys: both give the collation's order, and DISTINCT keeps one of each equal group.
#[test]
fn string_sorts_agree_with_and_without_non_ascii_values() {
    let (e, mut s) = setup();
    for sql in [
        "CREATE TABLE w (id INT PRIMARY KEY, v VARCHAR(20), bin VARCHAR(20) COLLATE utf8mb4_bin)",
        "INSERT INTO w VALUES (1,'b','b'),(2,'A','A'),(3,'a-b','a-b'),(4,'ab','ab'),(5,'B','B'),\
         (6,'a','a'),(7,'aa','aa'),(8,'Z','Z'),(9,'a b','a b'),(10,NULL,NULL)",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    let ascii = run(&e, &mut s, "SELECT v FROM w ORDER BY v, id");
    assert_eq!(ascii, "v\nNULL\nA\na\na b\na-b\naa\nab\nb\nB\nZ");
    let desc = run(&e, &mut s, "SELECT id FROM w ORDER BY v DESC, id DESC");
    assert_eq!(desc, "id\n8\n5\n1\n4\n7\n3\n9\n6\n2\n10");
    let distinct = run(&e, &mut s, "SELECT DISTINCT v FROM w ORDER BY v");
    assert_eq!(distinct, "v\nNULL\nA\na b\na-b\naa\nab\nb\nZ");
    let bin = run(&e, &mut s, "SELECT bin FROM w ORDER BY bin");
    assert_eq!(bin, "bin\nNULL\nA\nB\nZ\na\na b\na-b\naa\nab\nb");
    // One non-ASCII value sends the whole sort through sort keys: same order around it.
    let (_, err) = e.execute(&mut s, "INSERT INTO w VALUES (11,'ä','ä')");
    assert!(err.is_none(), "{err:?}");
    let mixed = run(
        &e,
        &mut s,
        "SELECT v FROM w WHERE id <> 11 OR v = 'ä' ORDER BY v, id",
    );
    assert_eq!(mixed, "v\nNULL\nA\na\nä\na b\na-b\naa\nab\nb\nB\nZ");
    let mixed = run(&e, &mut s, "SELECT DISTINCT v FROM w ORDER BY v");
    assert_eq!(mixed, "v\nNULL\nA\na b\na-b\naa\nab\nb\nZ");
}

#[test]
fn primary_key_lookups_read_one_row_and_see_the_transactions_own_changes() {
    let (e, mut s) = setup();
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 3"), "b\nz");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = '3'"), "b\nz");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 3.0"), "b\nz");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 3.5"), "b");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 99"), "b");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = NULL"), "b");
    assert_eq!(
        run(&e, &mut s, "SELECT b FROM t WHERE id = 3 AND a = 31"),
        "b"
    );
    // A composite key: both columns fixed is a lookup; the first alone is a range.
    for sql in [
        "CREATE TABLE p (s VARCHAR(10), n INT, v INT, PRIMARY KEY (s, n))",
        "INSERT INTO p VALUES ('x',1,1),('xy',1,2),('x',2,3),('',1,4)",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    assert_eq!(
        run(&e, &mut s, "SELECT v FROM p WHERE s = 'x' AND n = 1"),
        "v\n1"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT v FROM p WHERE s = 'X' AND n = 2"),
        "v\n3"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT v FROM p WHERE s = '' AND n = 1"),
        "v\n4"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT v FROM p WHERE s = 'x' ORDER BY n"),
        "v\n1\n3"
    );
    // Inside a transaction the lookup sees its own updates, deletes and inserts.
    for sql in [
        "BEGIN",
        "UPDATE t SET b = 'n' WHERE id = 3",
        "DELETE FROM t WHERE id = 5",
        "INSERT INTO t VALUES (7, 70, 'new')",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 3"), "b\nn");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 5"), "b");
    assert_eq!(
        run(&e, &mut s, "SELECT b FROM t WHERE id = 7 FOR UPDATE"),
        "b\nnew"
    );
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT id, b FROM t WHERE id IN (7, 5, 3, 1) ORDER BY id"
        ),
        "id|b\n1|x\n3|n\n7|new"
    );
    let (_, err) = e.execute(&mut s, "ROLLBACK");
    assert!(err.is_none(), "{err:?}");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 3"), "b\nz");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 5"), "b\nv");
    assert_eq!(run(&e, &mut s, "SELECT b FROM t WHERE id = 7"), "b");
}
