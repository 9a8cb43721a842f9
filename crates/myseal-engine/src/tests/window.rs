//! Window functions: `func(...) OVER (PARTITION BY ... ORDER BY ... [frame])`, named windows,
//! frames, and the errors MySQL 8.4 gives.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/window-functions.html>

use super::{engine, run, session};
use crate::{Engine, Session};

/// A session over `d.t`: two partitions, ties in `v`, a NULL `v`.
fn setup() -> (Engine, Session) {
    let e = engine();
    let mut s = session(&e);
    for sql in [
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, g VARCHAR(10), v INT)",
        "INSERT INTO t VALUES (1,'a',10),(2,'a',20),(3,'a',20),(4,'a',30),(5,'b',5),(6,'b',NULL),\
         (7,'B',7)",
        "CREATE TABLE e (id INT PRIMARY KEY, v INT)",
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
fn row_number_over_the_whole_result_numbers_rows() {
    let sql = "SELECT id, ROW_NUMBER() OVER () AS rn FROM t WHERE id < 4 ORDER BY id";
    // The second run comes from the plan cache.
    steps(&[(sql, "id|rn\n1|1\n2|2\n3|3"), (sql, "id|rn\n1|1\n2|2\n3|3")]);
}

#[test]
fn ranks_give_ties_the_same_rank() {
    steps(&[(
        "SELECT id, v, ROW_NUMBER() OVER w AS rn, RANK() OVER w AS r, DENSE_RANK() OVER w AS dr, \
         PERCENT_RANK() OVER w AS pr, CUME_DIST() OVER w AS cd \
         FROM t WHERE g = 'a' WINDOW w AS (ORDER BY v) ORDER BY id",
        "id|v|rn|r|dr|pr|cd
1|10|1|1|1|0|0.25
2|20|2|2|2|0.3333333333333333|0.75
3|20|3|2|2|0.3333333333333333|0.75
4|30|4|4|3|1|1",
    )]);
}

#[test]
fn partitions_restart_numbering_and_compare_under_the_collation() {
    // 'b' and 'B' are one partition under utf8mb4_0900_ai_ci; NULL sorts first.
    steps(&[(
        "SELECT id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v) AS rn, \
         RANK() OVER (PARTITION BY g ORDER BY v DESC) AS r FROM t ORDER BY id",
        "id|rn|r
1|1|4
2|2|2
3|3|2
4|4|1
5|2|2
6|1|3
7|3|1",
    )]);
}

#[test]
fn ntile_spreads_the_remainder_over_the_first_buckets() {
    steps(&[
        (
            "SELECT id, NTILE(3) OVER (ORDER BY id) AS n, NTILE(100) OVER (ORDER BY id) AS m \
             FROM t ORDER BY id",
            "id|n|m\n1|1|1\n2|1|2\n3|1|3\n4|2|4\n5|2|5\n6|3|6\n7|3|7",
        ),
        (
            "SELECT id, NTILE(9223372036854775807) OVER (ORDER BY id) AS n FROM t WHERE id < 3",
            "id|n\n1|1\n2|2",
        ),
    ]);
}

#[test]
fn lag_and_lead_take_offsets_and_defaults() {
    steps(&[(
        "SELECT id, LAG(v) OVER w AS l1, LAG(v, 2, -1) OVER w AS l2, LEAD(v) OVER w AS n1, \
         LEAD(v, 0) OVER w AS n0, LEAD(v, 100, id * 10) OVER w AS far \
         FROM t WHERE g = 'a' WINDOW w AS (ORDER BY id) ORDER BY id",
        "id|l1|l2|n1|n0|far
1|NULL|-1|20|10|10
2|10|-1|20|20|20
3|20|10|30|20|30
4|20|20|NULL|30|40",
    )]);
}

#[test]
fn value_functions_read_the_frame() {
    // The default frame with ORDER BY ends at the current row's last peer.
    steps(&[(
        "SELECT id, FIRST_VALUE(id) OVER w AS f, LAST_VALUE(id) OVER w AS l, \
         NTH_VALUE(id, 2) OVER w AS n2, \
         LAST_VALUE(id) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS whole \
         FROM t WHERE g = 'a' WINDOW w AS (ORDER BY v) ORDER BY id",
        "id|f|l|n2|whole
1|1|1|NULL|4
2|1|3|2|4
3|1|3|2|4
4|1|4|2|4",
    )]);
}

#[test]
fn aggregates_over_default_frames_include_peers() {
    steps(&[(
        "SELECT id, SUM(v) OVER (ORDER BY v) AS run, SUM(v) OVER () AS total, \
         COUNT(*) OVER (PARTITION BY g) AS c, COUNT(v) OVER (PARTITION BY g) AS cv, \
         AVG(v) OVER (PARTITION BY g) AS a, MIN(v) OVER (PARTITION BY g) AS mn, \
         MAX(v) OVER (PARTITION BY g ORDER BY id) AS mx \
         FROM t ORDER BY id",
        "id|run|total|c|cv|a|mn|mx
1|22|92|4|4|20.0000|10|10
2|62|92|4|4|20.0000|10|20
3|62|92|4|4|20.0000|10|20
4|92|92|4|4|20.0000|10|30
5|5|92|3|2|6.0000|5|5
6|NULL|92|3|2|6.0000|5|5
7|12|92|3|2|6.0000|5|7",
    )]);
}

#[test]
fn rows_frames_slide() {
    steps(&[(
        "SELECT id, SUM(v) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s, \
         COUNT(*) OVER (ORDER BY id ROWS 2 PRECEDING) AS c, \
         SUM(v) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS rest, \
         SUM(v) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 2 PRECEDING) AS back, \
         FIRST_VALUE(v) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS fv \
         FROM t WHERE g = 'a' ORDER BY id",
        "id|s|c|rest|back|fv
1|30|1|70|NULL|10
2|50|2|50|NULL|20
3|70|3|30|10|20
4|50|3|NULL|30|30",
    )]);
}

#[test]
fn range_frames_with_numeric_offsets() {
    steps(&[(
        "SELECT id, v, SUM(v) OVER (ORDER BY v RANGE BETWEEN 10 PRECEDING AND CURRENT ROW) AS s, \
         COUNT(*) OVER (ORDER BY v DESC RANGE BETWEEN 5 PRECEDING AND 10 FOLLOWING) AS c, \
         COUNT(*) OVER (ORDER BY v RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS tail \
         FROM t WHERE g = 'a' ORDER BY id",
        "id|v|s|c|tail
1|10|10|1|4
2|20|50|3|3
3|20|50|3|3
4|30|70|3|1",
    )]);
}

#[test]
fn named_windows_can_build_on_each_other() {
    steps(&[(
        "SELECT id, ROW_NUMBER() OVER w2 AS a, SUM(v) OVER (w1 ORDER BY id) AS b, \
         COUNT(*) OVER w1 AS c FROM t \
         WINDOW w1 AS (PARTITION BY g), w2 AS (w1 ORDER BY id DESC) ORDER BY id",
        "id|a|b|c
1|4|10|4
2|3|30|4
3|2|50|4
4|1|80|4
5|3|5|3
6|2|5|3
7|1|12|3",
    )]);
}

#[test]
fn windows_see_grouped_rows_and_may_wrap_aggregates() {
    steps(&[(
        "SELECT g, SUM(v) AS s, SUM(SUM(v)) OVER () AS total, \
         RANK() OVER (ORDER BY SUM(v) DESC) AS r, COUNT(*) OVER () AS groups \
         FROM t GROUP BY g ORDER BY g",
        "g|s|total|r|groups\na|80|92|1|2\nb|12|92|2|2",
    )]);
}

#[test]
fn order_by_and_limit_apply_to_window_results() {
    steps(&[
        (
            "SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS rn FROM t ORDER BY rn LIMIT 3",
            "id|rn\n7|1\n6|2\n5|3",
        ),
        (
            "SELECT id FROM t ORDER BY ROW_NUMBER() OVER (ORDER BY v DESC, id) LIMIT 2",
            "id\n4\n2",
        ),
        (
            "SELECT DISTINCT g, COUNT(*) OVER (PARTITION BY g) AS c FROM t WHERE g = 'a'",
            "g|c\na|4",
        ),
        (
            "SELECT * FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v DESC) AS rn \
             FROM t) x WHERE rn = 1 ORDER BY id",
            "id|rn\n4|1\n7|1",
        ),
    ]);
}

#[test]
fn empty_input_gives_no_rows() {
    steps(&[
        (
            "SELECT ROW_NUMBER() OVER () AS rn, SUM(v) OVER () AS s, LAG(v) OVER () AS l FROM e",
            "rn|s|l",
        ),
        ("SELECT COUNT(*) OVER () AS c FROM t WHERE id > 100", "c"),
    ]);
}

#[test]
fn result_columns_have_mysql_types() {
    let (e, mut s) = setup();
    let (o, err) = e.execute(
        &mut s,
        "SELECT ROW_NUMBER() OVER () AS a, CUME_DIST() OVER () AS b, LAG(v) OVER () AS c, \
         COUNT(*) OVER () AS d FROM t",
    );
    assert!(err.is_none(), "{err:?}");
    let Some(crate::Outcome::Rows { columns, .. }) = o.first() else {
        panic!("no rows: {o:?}");
    };
    let types: Vec<String> = columns
        .iter()
        .map(|c| {
            format!(
                "{:?} unsigned={} nullable={}",
                c.kind, c.unsigned, c.nullable
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            "UInt unsigned=true nullable=false",
            "Double unsigned=false nullable=false",
            "Int unsigned=false nullable=true",
            "Int unsigned=false nullable=false",
        ]
    );
}

#[test]
fn window_functions_are_refused_outside_the_select_list_and_order_by() {
    let msg =
        "ERROR 3593 (HY000): You cannot use the window function 'row_number' in this context.'";
    steps(&[
        ("SELECT id FROM t WHERE ROW_NUMBER() OVER () > 1", msg),
        ("SELECT g FROM t GROUP BY ROW_NUMBER() OVER ()", msg),
        (
            "SELECT g, ROW_NUMBER() OVER () AS rn FROM t GROUP BY g HAVING rn > 1",
            msg,
        ),
        (
            "UPDATE t SET v = SUM(v) OVER ()",
            "ERROR 3593 (HY000): You cannot use the window function 'sum' in this context.'",
        ),
        (
            "SELECT SUM(ROW_NUMBER() OVER ()) FROM t",
            "ERROR 3593 (HY000): You cannot use the window function 'row_number' in this context.'",
        ),
    ]);
}

#[test]
fn bad_windows_and_frames_are_errors() {
    steps(&[
        (
            "SELECT ROW_NUMBER() OVER w FROM t",
            "ERROR 3579 (HY000): Window name 'w' is not defined.",
        ),
        (
            "SELECT 1 FROM t WINDOW w AS (), w AS ()",
            "ERROR 3591 (HY000): Window 'w' is defined twice.",
        ),
        (
            "SELECT COUNT(*) OVER a FROM t WINDOW a AS (b), b AS (a)",
            "ERROR 3580 (HY000): There is a circularity in the window dependency graph.",
        ),
        (
            "SELECT COUNT(*) OVER (w PARTITION BY id) FROM t WINDOW w AS ()",
            "ERROR 3581 (HY000): A window which depends on another cannot define partitioning.",
        ),
        (
            "SELECT COUNT(*) OVER (w ORDER BY id) FROM t WINDOW w AS (ORDER BY v)",
            "ERROR 3583 (HY000): Window '<unnamed window>' cannot inherit 'w' since both contain an ORDER BY clause.",
        ),
        (
            "SELECT COUNT(*) OVER (w) FROM t WINDOW w AS (ORDER BY v ROWS 1 PRECEDING)",
            "ERROR 3582 (HY000): Window 'w' has a frame definition, so cannot be referenced by another window.",
        ),
        (
            "SELECT SUM(v) OVER (ORDER BY id ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM t",
            "ERROR 3586 (HY000): Window '<unnamed window>': frame start or end is negative, NULL or of non-integral type",
        ),
        (
            "SELECT SUM(v) OVER (ORDER BY id ROWS BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM t",
            "ERROR 3586 (HY000): Window '<unnamed window>': frame start or end is negative, NULL or of non-integral type",
        ),
        (
            "SELECT SUM(v) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM t",
            "ERROR 3586 (HY000): Window '<unnamed window>': frame start or end is negative, NULL or of non-integral type",
        ),
        (
            "SELECT SUM(v) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM t",
            "ERROR 3584 (HY000): Window '<unnamed window>': frame start cannot be UNBOUNDED FOLLOWING.",
        ),
        (
            "SELECT SUM(v) OVER (ORDER BY g RANGE 1 PRECEDING) FROM t",
            "ERROR 3587 (HY000): Window '<unnamed window>' with RANGE N PRECEDING/FOLLOWING frame requires exactly one ORDER BY expression, of numeric or temporal type",
        ),
        (
            "SELECT LAG(v, -1) OVER () FROM t",
            "ERROR 1210 (HY000): Incorrect arguments to lag",
        ),
        (
            "SELECT NTILE(0) OVER () FROM t",
            "ERROR 1210 (HY000): Incorrect arguments to ntile",
        ),
        (
            "SELECT NTH_VALUE(v, 0) OVER () FROM t",
            "ERROR 1210 (HY000): Incorrect arguments to nth_value",
        ),
        (
            "SELECT COUNT(DISTINCT v) OVER () FROM t",
            "ERROR 1235 (42000): This version of MySQL doesn't yet support '<window function>(DISTINCT ..)'",
        ),
    ]);
}

#[test]
fn row_number_ignores_a_frame() {
    steps(&[(
        "SELECT id, ROW_NUMBER() OVER (ORDER BY id ROWS 1 PRECEDING) AS rn FROM t WHERE id < 3",
        "id|rn\n1|1\n2|2",
    )]);
}

#[test]
fn explain_shows_the_window_node() {
    let (e, mut s) = setup();
    let out = run(
        &e,
        &mut s,
        "EXPLAIN FORMAT=TREE SELECT id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v) FROM t",
    );
    assert!(out.contains("Window aggregate: row_number() OVER"), "{out}");
    assert!(out.contains("Sort: t.g, t.v"), "{out}");
    let out = run(
        &e,
        &mut s,
        "EXPLAIN SELECT id, SUM(v) OVER (ORDER BY id ROWS 1 PRECEDING) FROM t",
    );
    assert!(out.contains("Using temporary; Using filesort"), "{out}");
}

#[test]
fn huge_offsets_and_buckets_reach_past_the_partition_without_failing() {
    steps(&[
        (
            "SELECT id, LAG(v, 18446744073709551615) OVER () AS a, \
             NTH_VALUE(v, 18446744073709551615) OVER () AS b FROM t WHERE id < 3",
            "id|a|b\n1|NULL|NULL\n2|NULL|NULL",
        ),
        (
            "SELECT id, SUM(v) OVER (ORDER BY id ROWS BETWEEN 18446744073709551615 PRECEDING \
             AND 18446744073709551615 FOLLOWING) AS s FROM t WHERE id < 3",
            "id|s\n1|30\n2|30",
        ),
        (
            "SELECT id, COUNT(*) OVER (ORDER BY v RANGE BETWEEN 5 FOLLOWING AND 10 FOLLOWING) AS c \
             FROM t WHERE g = 'a' ORDER BY id",
            "id|c\n1|2\n2|1\n3|1\n4|0",
        ),
    ]);
}

#[test]
fn prepared_ntile_and_lag_take_parameters() {
    steps(&[
        (
            "PREPARE p FROM 'SELECT id, NTILE(?) OVER (ORDER BY id) n, LAG(id, ?) OVER (ORDER BY id) l \
             FROM t WHERE id < 4'",
            "ok",
        ),
        ("SET @a = 2, @b = 1", "ok"),
        ("EXECUTE p USING @a, @b", "id|n|l\n1|1|NULL\n2|1|1\n3|2|2"),
        ("SET @a = -2", "ok"),
        (
            "EXECUTE p USING @a, @b",
            "ERROR 1210 (HY000): Incorrect arguments to ntile",
        ),
    ]);
}
