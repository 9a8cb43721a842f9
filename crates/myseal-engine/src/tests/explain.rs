//! EXPLAIN: the traditional table, FORMAT=TREE, and that explaining never runs the statement.

use std::time::{Duration, Instant};

use super::{engine, run, session};
use crate::{Engine, Session};

fn steps(e: &Engine, s: &mut Session, steps: &[(&str, &str)]) {
    for (sql, expected) in steps {
        assert_eq!(run(e, s, sql), *expected, "for SQL: {sql}");
    }
}

const HEADER: &str =
    "id|select_type|table|partitions|type|possible_keys|key|key_len|ref|rows|filtered|Extra";

fn setup() -> (Engine, Session) {
    let e = engine();
    let mut s = session(&e);
    steps(
        &e,
        &mut s,
        &[
            ("CREATE DATABASE d", "ok affected=1"),
            ("USE d", "ok"),
            (
                "CREATE TABLE t (id INT PRIMARY KEY, a INT, b VARCHAR(10), KEY ia (a))",
                "ok",
            ),
            (
                "INSERT INTO t VALUES (1,10,'x'),(2,20,'y'),(3,20,'z'),(4,40,'x'),(5,50,'y'),(6,60,'z')",
                "ok affected=6",
            ),
            (
                "CREATE TABLE u (id INT PRIMARY KEY, t_id INT NOT NULL, c INT)",
                "ok",
            ),
            (
                "INSERT INTO u VALUES (1,1,7),(2,2,8),(3,2,9)",
                "ok affected=3",
            ),
        ],
    );
    (e, s)
}

/// The traditional rows of `sql` (header first).
fn table(e: &Engine, s: &mut Session, sql: &str) -> String {
    run(e, s, sql)
}

#[test]
fn primary_key_point_lookup_is_const() {
    let (e, mut s) = setup();
    assert_eq!(
        table(&e, &mut s, "EXPLAIN SELECT * FROM t WHERE id = 3"),
        format!("{HEADER}\n1|SIMPLE|t|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL")
    );
    // DESCRIBE and FORMAT=TRADITIONAL are the same statement.
    assert_eq!(
        table(&e, &mut s, "DESCRIBE SELECT b FROM t WHERE id = 3"),
        format!("{HEADER}\n1|SIMPLE|t|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL")
    );
    assert_eq!(
        table(
            &e,
            &mut s,
            "EXPLAIN FORMAT=TRADITIONAL SELECT b FROM t WHERE id = 3"
        ),
        format!("{HEADER}\n1|SIMPLE|t|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL")
    );
}

#[test]
fn ranges_secondary_indexes_and_full_scans() {
    let (e, mut s) = setup();
    steps(
        &e,
        &mut s,
        &[
            (
                "EXPLAIN SELECT * FROM t WHERE id > 2",
                &format!(
                    "{HEADER}\n1|SIMPLE|t|NULL|range|PRIMARY|PRIMARY|4|NULL|2|100.00|Using where"
                ),
            ),
            (
                "EXPLAIN SELECT * FROM t WHERE id BETWEEN 2 AND 4",
                &format!(
                    "{HEADER}\n1|SIMPLE|t|NULL|range|PRIMARY|PRIMARY|4|NULL|1|100.00|Using where"
                ),
            ),
            (
                "EXPLAIN SELECT id FROM t WHERE a = 20",
                &format!("{HEADER}\n1|SIMPLE|t|NULL|ref|ia|ia|5|const|1|100.00|NULL"),
            ),
            (
                "EXPLAIN SELECT id FROM t WHERE a = 20 AND b = 'y'",
                &format!("{HEADER}\n1|SIMPLE|t|NULL|ref|ia|ia|5|const|1|100.00|Using where"),
            ),
            (
                "EXPLAIN SELECT * FROM t WHERE b = 'x'",
                &format!("{HEADER}\n1|SIMPLE|t|NULL|ALL|NULL|NULL|NULL|NULL|6|100.00|Using where"),
            ),
            (
                "EXPLAIN SELECT * FROM t",
                &format!("{HEADER}\n1|SIMPLE|t|NULL|ALL|NULL|NULL|NULL|NULL|6|100.00|NULL"),
            ),
            (
                "EXPLAIN SELECT b, COUNT(*) FROM t GROUP BY b ORDER BY b",
                &format!(
                    "{HEADER}\n1|SIMPLE|t|NULL|ALL|NULL|NULL|NULL|NULL|6|100.00|Using temporary; Using filesort"
                ),
            ),
        ],
    );
}

#[test]
fn a_join_shows_one_row_per_table() {
    let (e, mut s) = setup();
    steps(
        &e,
        &mut s,
        &[
            (
                "EXPLAIN SELECT t.b, u.c FROM t JOIN u ON u.t_id = t.id",
                &format!(
                    "{HEADER}\n\
                     1|SIMPLE|t|NULL|ALL|NULL|NULL|NULL|NULL|6|100.00|NULL\n\
                     1|SIMPLE|u|NULL|ALL|NULL|NULL|NULL|NULL|3|100.00|Using where; Using join buffer (hash join)"
                ),
            ),
            (
                "EXPLAIN SELECT t.b, u.c FROM t, u WHERE u.t_id = t.id AND t.a > 15",
                &format!(
                    "{HEADER}\n\
                     1|SIMPLE|t|NULL|range|ia|ia|5|NULL|2|100.00|Using where\n\
                     1|SIMPLE|u|NULL|ALL|NULL|NULL|NULL|NULL|3|100.00|Using where; Using join buffer (hash join)"
                ),
            ),
        ],
    );
}

#[test]
fn subqueries_and_unions_get_their_select_types() {
    let (e, mut s) = setup();
    assert_eq!(
        table(
            &e,
            &mut s,
            "EXPLAIN SELECT b, (SELECT MAX(c) FROM u) FROM t WHERE id = 1"
        ),
        format!(
            "{HEADER}\n\
             1|PRIMARY|t|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL\n\
             2|SUBQUERY|u|NULL|ALL|NULL|NULL|NULL|NULL|3|100.00|NULL"
        )
    );
    assert_eq!(
        table(
            &e,
            &mut s,
            "EXPLAIN SELECT id FROM t UNION SELECT id FROM u"
        ),
        format!(
            "{HEADER}\n\
             1|PRIMARY|t|NULL|ALL|NULL|NULL|NULL|NULL|6|100.00|NULL\n\
             2|UNION|u|NULL|ALL|NULL|NULL|NULL|NULL|3|100.00|NULL\n\
             NULL|UNION RESULT|<union1,2>|NULL|ALL|NULL|NULL|NULL|NULL|NULL|NULL|Using temporary"
        )
    );
    // UNION ALL streams: no result table.
    assert_eq!(
        table(
            &e,
            &mut s,
            "EXPLAIN SELECT id FROM t UNION ALL SELECT id FROM u"
        ),
        format!(
            "{HEADER}\n\
             1|PRIMARY|t|NULL|ALL|NULL|NULL|NULL|NULL|6|100.00|NULL\n\
             2|UNION|u|NULL|ALL|NULL|NULL|NULL|NULL|3|100.00|NULL"
        )
    );
}

#[test]
fn select_without_tables_uses_none() {
    let (e, mut s) = setup();
    assert_eq!(
        table(&e, &mut s, "EXPLAIN SELECT 1"),
        format!("{HEADER}\n1|SIMPLE|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|No tables used")
    );
    assert_eq!(
        run(&e, &mut s, "EXPLAIN FORMAT=TREE SELECT 1"),
        "EXPLAIN\n-> Rows fetched before execution  (cost=0..0 rows=1)\n"
    );
}

#[test]
fn explain_leaves_note_1003() {
    let (e, mut s) = setup();
    run(&e, &mut s, "EXPLAIN SELECT a FROM t WHERE id = 1");
    assert_eq!(
        run(&e, &mut s, "SHOW WARNINGS"),
        "Level|Code|Message\nNote|1003|/* select#1 */ SELECT a FROM t WHERE id = 1"
    );
    // The tree format leaves none.
    run(
        &e,
        &mut s,
        "EXPLAIN FORMAT=TREE SELECT a FROM t WHERE id = 1",
    );
    assert_eq!(run(&e, &mut s, "SHOW WARNINGS"), "Level|Code|Message");
}

#[test]
fn tree_format_shows_lookups_scans_and_joins() {
    let (e, mut s) = setup();
    steps(
        &e,
        &mut s,
        &[
            (
                "EXPLAIN FORMAT=TREE SELECT * FROM t WHERE id = 5",
                "EXPLAIN\n-> Single-row index lookup on t using PRIMARY (id=5)  (cost=0.35 rows=1)\n",
            ),
            (
                "EXPLAIN FORMAT=TREE SELECT id FROM t WHERE a = 20",
                "EXPLAIN\n-> Index lookup on t using ia (a=20)  (cost=0.35 rows=1)\n",
            ),
            (
                "EXPLAIN FORMAT=TREE SELECT * FROM t WHERE b = 'x'",
                "EXPLAIN\n\
                 -> Filter: (t.b = 'x')  (cost=0.85 rows=0.6)\n    \
                 -> Table scan on t  (cost=0.85 rows=6)\n",
            ),
            (
                "EXPLAIN FORMAT=TREE SELECT * FROM t WHERE id > 4 ORDER BY b LIMIT 10",
                "EXPLAIN\n\
                 -> Limit: 10 row(s)  (cost=0.517 rows=0.667)\n    \
                 -> Sort: t.b  (cost=0.517 rows=0.667)\n        \
                 -> Filter: (t.id > 4)  (cost=0.45 rows=0.667)\n            \
                 -> Index range scan on t using PRIMARY over (4 < id)  (cost=0.45 rows=2)\n",
            ),
            (
                "EXPLAIN FORMAT=TREE SELECT t.b, u.c FROM t JOIN u ON u.t_id = t.id",
                "EXPLAIN\n\
                 -> Inner hash join (t.id = u.t_id)  (cost=2.3 rows=1.8)\n    \
                 -> Table scan on t  (cost=0.85 rows=6)\n    \
                 -> Hash\n        \
                 -> Table scan on u  (cost=0.55 rows=3)\n",
            ),
            (
                "EXPLAIN FORMAT=TREE SELECT COUNT(*), SUM(a) FROM t",
                "EXPLAIN\n\
                 -> Aggregate: count(0), sum(t.a)  (cost=1.45 rows=1)\n    \
                 -> Table scan on t  (cost=0.85 rows=6)\n",
            ),
        ],
    );
}

#[test]
fn update_and_delete_show_their_access_and_change_nothing() {
    let (e, mut s) = setup();
    steps(
        &e,
        &mut s,
        &[
            (
                "EXPLAIN UPDATE t SET b = 'q' WHERE id = 2",
                &format!("{HEADER}\n1|UPDATE|t|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL"),
            ),
            (
                "EXPLAIN DELETE FROM t WHERE a = 20",
                &format!("{HEADER}\n1|DELETE|t|NULL|ref|ia|ia|5|const|1|100.00|NULL"),
            ),
            (
                "EXPLAIN FORMAT=TREE DELETE FROM t WHERE b = 'x'",
                "EXPLAIN\n\
                 -> Delete from t\n    \
                 -> Filter: (t.b = 'x')  (cost=0.85 rows=0.6)\n        \
                 -> Table scan on t  (cost=0.85 rows=6)\n",
            ),
            (
                "SELECT COUNT(*) FROM t WHERE b = 'q' OR a = 20",
                "COUNT(*)\n2",
            ),
            ("SELECT COUNT(*) FROM t", "COUNT(*)\n6"),
        ],
    );
}

#[test]
fn explain_does_not_run_the_query() {
    let (e, mut s) = setup();
    let start = Instant::now();
    let out = run(&e, &mut s, "EXPLAIN SELECT SLEEP(5) FROM t WHERE id = 1");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "EXPLAIN ran SLEEP"
    );
    assert!(out.contains("|const|PRIMARY|"), "{out}");
    let start = Instant::now();
    run(&e, &mut s, "EXPLAIN FORMAT=TREE SELECT SLEEP(5)");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "EXPLAIN ran SLEEP"
    );
}

#[test]
fn explain_of_a_locking_read_takes_no_lock() {
    let (e, mut s1) = setup();
    let mut s2 = session(&e);
    steps(
        &e,
        &mut s1,
        &[
            ("BEGIN", "ok"),
            (
                "EXPLAIN SELECT * FROM t WHERE id = 1 FOR UPDATE",
                &format!("{HEADER}\n1|SIMPLE|t|NULL|const|PRIMARY|PRIMARY|4|const|1|100.00|NULL"),
            ),
        ],
    );
    steps(
        &e,
        &mut s2,
        &[
            ("SET innodb_lock_wait_timeout = 1", "ok"),
            ("UPDATE d.t SET a = 11 WHERE id = 1", "ok affected=1"),
        ],
    );
    steps(&e, &mut s1, &[("COMMIT", "ok")]);
}

#[test]
fn errors_match_the_statement_and_unsupported_forms() {
    let (e, mut s) = setup();
    steps(
        &e,
        &mut s,
        &[
            (
                "EXPLAIN SELECT * FROM nope",
                "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
            ),
            (
                "EXPLAIN FORMAT=TREE SELECT * FROM t JOIN nope",
                "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
            ),
            (
                "EXPLAIN SELECT nocol FROM t",
                "ERROR 1054 (42S22): Unknown column 'nocol' in 'field list'",
            ),
            (
                "EXPLAIN DELETE FROM nope",
                "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
            ),
            (
                "EXPLAIN FORMAT=JSON SELECT * FROM t",
                "ERROR 1235 (42000): This version of MySQL doesn't yet support 'EXPLAIN FORMAT=JSON'",
            ),
            (
                "EXPLAIN ANALYZE SELECT * FROM t",
                "ERROR 1235 (42000): This version of MySQL doesn't yet support 'EXPLAIN ANALYZE'",
            ),
            // A table name is still DESCRIBE.
            (
                "EXPLAIN u",
                "Field|Type|Null|Key|Default|Extra\n\
                 id|int|NO|PRI|NULL|\n\
                 t_id|int|NO||NULL|\n\
                 c|int|YES||NULL|",
            ),
        ],
    );
}

#[test]
fn long_expressions_explain_on_a_small_stack() {
    let h = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let (e, mut s) = setup();
            let chain = format!("a{}", " + 1".repeat(60));
            let sql =
                format!("EXPLAIN FORMAT=TREE SELECT {chain} FROM t WHERE b = 'x' AND {chain} > 3");
            let out = run(&e, &mut s, &sql);
            let trad = run(
                &e,
                &mut s,
                &format!("EXPLAIN SELECT {chain} FROM t WHERE {chain} > 3"),
            );
            (out, trad)
        })
        .unwrap();
    let (tree, trad) = h.join().unwrap();
    assert!(tree.contains("-> Table scan on t"), "{tree}");
    assert!(
        trad.ends_with("|ALL|NULL|NULL|NULL|NULL|6|100.00|Using where"),
        "{trad}"
    );
}
