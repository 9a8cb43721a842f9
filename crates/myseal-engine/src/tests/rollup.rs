//! GROUP BY ... WITH ROLLUP, GROUPING(), and SQL_CALC_FOUND_ROWS with FOUND_ROWS().
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/group-by-modifiers.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/information-functions.html#function_found-rows>

use std::sync::{Arc, Mutex};

use super::{engine, run, session};
use crate::{Column, Engine, RowSink, Session, SinkClosed, Value};

/// A session over `d.t`: NULLs in both group columns, 'x' and 'X' in one group under
/// utf8mb4_0900_ai_ci, DECIMAL amounts.
fn setup() -> (Engine, Session) {
    let e = engine();
    let mut s = session(&e);
    for sql in [
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(10), b INT, amt DECIMAL(10,2))",
        "INSERT INTO t VALUES (1,'x',1,1.50),(2,'x',2,2.25),(3,'x',NULL,3.00),(4,'y',1,10.00),\
         (5,NULL,1,0.10),(6,'y',1,5.05),(7,'X',2,1.00)",
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
fn two_columns_roll_up_in_group_order_with_subtotals_after_their_groups() {
    let expected = "a|b|COUNT(*)|SUM(amt)
NULL|1|1|0.10
NULL|NULL|1|0.10
x|NULL|1|3.00
x|1|1|1.50
x|2|2|3.25
x|NULL|4|7.75
y|1|2|15.05
y|NULL|2|15.05
NULL|NULL|7|22.90";
    let sql = "SELECT a, b, COUNT(*), SUM(amt) FROM t GROUP BY a, b WITH ROLLUP";
    // The second run comes from the plan cache.
    steps(&[(sql, expected), (sql, expected)]);
}

#[test]
fn grouping_tells_rollup_nulls_from_data_nulls() {
    steps(&[(
        "SELECT a, b, GROUPING(a), GROUPING(b), GROUPING(a, b) AS m, GROUPING(b, a) \
         FROM t GROUP BY a, b WITH ROLLUP",
        "a|b|GROUPING(a)|GROUPING(b)|m|GROUPING(b, a)
NULL|1|0|0|0|0
NULL|NULL|0|1|1|2
x|NULL|0|0|0|0
x|1|0|0|0|0
x|2|0|0|0|0
x|NULL|0|1|1|2
y|1|0|0|0|0
y|NULL|0|1|1|2
NULL|NULL|1|1|3|3",
    )]);
}

#[test]
fn super_aggregates_are_computed_from_the_rows_not_from_the_subtotals() {
    // COUNT(DISTINCT b) of the total is 2, not 1 + 2 + 1; AVG is over all six values.
    steps(&[(
        "SELECT a, COUNT(DISTINCT b), AVG(b), GROUP_CONCAT(DISTINCT b ORDER BY b DESC), \
         MIN(b), MAX(amt), SUM(b), BIT_OR(b) FROM t GROUP BY a WITH ROLLUP",
        "a|COUNT(DISTINCT b)|AVG(b)|GROUP_CONCAT(DISTINCT b ORDER BY b DESC)|MIN(b)|MAX(amt)|SUM(b)|BIT_OR(b)
NULL|1|1.0000|1|1|0.10|1|1
x|2|1.6667|2,1|1|3.00|5|3
y|1|1.0000|1|1|10.00|2|1
NULL|2|1.3333|2,1|1|10.00|8|3",
    )]);
    steps(&[(
        "SELECT b, VAR_POP(id), STDDEV_SAMP(id) FROM t WHERE id IN (1, 4, 2, 7) \
         GROUP BY b WITH ROLLUP",
        "b|VAR_POP(id)|STDDEV_SAMP(id)
1|2.25|2.1213203435596424
2|6.25|3.5355339059327378
NULL|5.25|2.6457513110645907",
    )]);
}

#[test]
fn expressions_over_group_columns_are_null_in_super_aggregate_rows() {
    steps(&[(
        "SELECT IFNULL(a, 'all') AS k, CONCAT(a, '!') AS c, b + 1, COUNT(*) \
         FROM t WHERE a IS NOT NULL GROUP BY a, b WITH ROLLUP",
        "k|c|b + 1|COUNT(*)
x|x!|NULL|1
x|x!|2|1
x|x!|3|2
x|x!|NULL|4
y|y!|2|2
y|y!|NULL|2
all|NULL|NULL|6",
    )]);
}

#[test]
fn having_filters_super_aggregate_rows_too() {
    steps(&[
        (
            "SELECT a, b, COUNT(*) AS c FROM t GROUP BY a, b WITH ROLLUP HAVING c > 1",
            "a|b|c
x|2|2
x|NULL|4
y|1|2
y|NULL|2
NULL|NULL|7",
        ),
        (
            "SELECT a, b, COUNT(*) FROM t GROUP BY a, b WITH ROLLUP HAVING GROUPING(b) = 1",
            "a|b|COUNT(*)
NULL|NULL|1
x|NULL|4
y|NULL|2
NULL|NULL|7",
        ),
        // Not pushed below the grouping: the grand total's NULL passes too.
        (
            "SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP HAVING a IS NULL",
            "a|COUNT(*)
NULL|1
NULL|7",
        ),
        // GROUPING() of a select alias used in GROUP BY.
        (
            "SELECT a AS f1, COUNT(*) FROM t GROUP BY f1 WITH ROLLUP HAVING GROUPING(f1) = 1",
            "f1|COUNT(*)
NULL|7",
        ),
    ]);
}

#[test]
fn order_by_and_limit_apply_to_the_rolled_up_rows() {
    steps(&[
        (
            "SELECT a, COUNT(*) AS c FROM t GROUP BY a WITH ROLLUP ORDER BY c DESC",
            "a|c
NULL|7
x|4
y|2
NULL|1",
        ),
        (
            "SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP ORDER BY GROUPING(a) DESC, a DESC",
            "a|COUNT(*)
NULL|7
y|2
x|4
NULL|1",
        ),
        (
            "SELECT a, COUNT(*) FROM t GROUP BY a WITH ROLLUP LIMIT 2 OFFSET 2",
            "a|COUNT(*)
y|2
NULL|7",
        ),
        (
            "SELECT DISTINCT b FROM t GROUP BY a, b WITH ROLLUP",
            "b
1
NULL
2",
        ),
    ]);
}

#[test]
fn numeric_groups_sort_by_value_and_rollup_works_in_derived_tables() {
    steps(&[
        (
            "SELECT amt > 2 AS big, b, COUNT(*) FROM t GROUP BY big, b WITH ROLLUP",
            "big|b|COUNT(*)
0|1|2
0|2|1
0|NULL|3
1|NULL|1
1|1|2
1|2|1
1|NULL|4
NULL|NULL|7",
        ),
        (
            "SELECT COUNT(*), SUM(n) FROM (SELECT b, COUNT(*) AS n FROM t \
             GROUP BY b WITH ROLLUP) AS r WHERE b IS NULL",
            "COUNT(*)|SUM(n)
2|8",
        ),
    ]);
}

#[test]
fn no_input_rows_give_no_rows_even_with_rollup() {
    steps(&[
        (
            "SELECT a, COUNT(*) FROM t WHERE id > 100 GROUP BY a WITH ROLLUP",
            "a|COUNT(*)",
        ),
        // Without GROUP BY the one aggregate row stays.
        ("SELECT COUNT(*) FROM t WHERE id > 100", "COUNT(*)\n0"),
    ]);
}

#[test]
fn grouping_errors() {
    steps(&[
        (
            "SELECT a, GROUPING(a) FROM t GROUP BY a",
            "ERROR 1111 (HY000): Invalid use of group function",
        ),
        (
            "SELECT GROUPING(a) FROM t",
            "ERROR 1111 (HY000): Invalid use of group function",
        ),
        (
            "SELECT a FROM t WHERE GROUPING(a) = 0 GROUP BY a WITH ROLLUP",
            "ERROR 1111 (HY000): Invalid use of group function",
        ),
        (
            "SELECT a, GROUPING(b) FROM t GROUP BY a WITH ROLLUP",
            "ERROR 3602 (HY000): Argument #1 of GROUPING function is not in GROUP BY",
        ),
        (
            "SELECT a, GROUPING(a, b) FROM t GROUP BY a WITH ROLLUP",
            "ERROR 3602 (HY000): Argument #2 of GROUPING function is not in GROUP BY",
        ),
        (
            "SELECT a, GROUPING(1) FROM t GROUP BY a WITH ROLLUP",
            "ERROR 1210 (HY000): Incorrect arguments to GROUPING function",
        ),
    ]);
}

fn column<'c>(columns: &'c [Column], name: &str) -> &'c Column {
    columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn columns_of(e: &Engine, s: &mut Session, sql: &str) -> Vec<Column> {
    let (o, err) = e.execute(s, sql);
    assert!(err.is_none(), "{sql}: {err:?}");
    match o.into_iter().next() {
        Some(crate::Outcome::Rows { columns, .. }) => columns,
        other => panic!("expected rows, got {other:?}"),
    }
}

#[test]
fn rolled_up_columns_are_nullable_in_the_metadata() {
    let (e, mut s) = setup();
    let sql = "SELECT id, id + 1 AS n, COUNT(*) AS c FROM t GROUP BY id";
    let plain = columns_of(&e, &mut s, sql);
    assert!(!column(&plain, "id").nullable);
    assert!(!column(&plain, "n").nullable);
    let rolled = columns_of(&e, &mut s, &format!("{sql} WITH ROLLUP"));
    assert!(column(&rolled, "id").nullable);
    assert!(column(&rolled, "n").nullable);
    assert!(!column(&rolled, "c").nullable);
    let with_g = columns_of(
        &e,
        &mut s,
        "SELECT id, GROUPING(id) AS g FROM t GROUP BY id WITH ROLLUP",
    );
    assert!(!column(&with_g, "g").nullable);
}

#[test]
fn explain_shows_the_rollup_aggregate() {
    let (e, mut s) = setup();
    assert_eq!(
        run(
            &e,
            &mut s,
            "EXPLAIN FORMAT=TREE SELECT a, SUM(amt), GROUPING(a) FROM t GROUP BY a WITH ROLLUP"
        ),
        "EXPLAIN
-> Group aggregate with rollup: sum(t.amt), grouping(t.a)  (cost=0.95 rows=7)
    -> Table scan on t  (cost=0.95 rows=7)
"
    );
}

const CALC_WARNING: &str = "Warning|1287|SQL_CALC_FOUND_ROWS is deprecated and will be removed in a future release. Consider using two separate queries instead.";
const FOUND_WARNING: &str = "Warning|1287|FOUND_ROWS() is deprecated and will be removed in a future release. Consider using COUNT(*) instead.";

#[test]
fn found_rows_counts_past_the_limit_only_with_sql_calc_found_rows() {
    let found = |n: u64| format!("FOUND_ROWS()\n{n}");
    steps(&[
        (
            "SELECT SQL_CALC_FOUND_ROWS id FROM t ORDER BY id LIMIT 2",
            "id\n1\n2",
        ),
        (
            "SHOW WARNINGS",
            &format!("Level|Code|Message\n{CALC_WARNING}"),
        ),
        ("SELECT FOUND_ROWS()", &found(7)),
        (
            "SHOW WARNINGS",
            &format!("Level|Code|Message\n{FOUND_WARNING}"),
        ),
        // FOUND_ROWS() of a one-row SELECT is 1.
        ("SELECT FOUND_ROWS()", &found(1)),
        // Without the modifier: the rows the LIMIT let through.
        ("SELECT id FROM t ORDER BY id LIMIT 2", "id\n1\n2"),
        ("SHOW WARNINGS", "Level|Code|Message"),
        ("SELECT FOUND_ROWS()", &found(2)),
        // OFFSET: the count is of every row the query finds.
        (
            "SELECT SQL_CALC_FOUND_ROWS id FROM t WHERE id > 2 ORDER BY id LIMIT 1 OFFSET 2",
            "id\n5",
        ),
        ("SELECT FOUND_ROWS()", &found(5)),
        (
            "SELECT SQL_CALC_FOUND_ROWS id FROM t LIMIT 3, 10",
            "id\n4\n5\n6\n7",
        ),
        ("SELECT FOUND_ROWS()", &found(7)),
        ("SELECT SQL_CALC_FOUND_ROWS id FROM t LIMIT 0", "id"),
        ("SELECT FOUND_ROWS()", &found(7)),
        (
            "SELECT SQL_CALC_FOUND_ROWS id FROM t LIMIT 5 OFFSET 20",
            "id",
        ),
        ("SELECT FOUND_ROWS()", &found(7)),
        // No LIMIT: the rows sent.
        (
            "SELECT SQL_CALC_FOUND_ROWS id FROM t WHERE id < 4",
            "id\n1\n2\n3",
        ),
        ("SELECT FOUND_ROWS()", &found(3)),
        // The same text again (the plan cache) counts again and warns again.
        (
            "SELECT SQL_CALC_FOUND_ROWS id FROM t ORDER BY id LIMIT 1",
            "id\n1",
        ),
        (
            "SHOW WARNINGS",
            &format!("Level|Code|Message\n{CALC_WARNING}"),
        ),
        ("SELECT FOUND_ROWS()", &found(7)),
        // Super-aggregate rows count.
        (
            "SELECT SQL_CALC_FOUND_ROWS a, COUNT(*) FROM t GROUP BY a WITH ROLLUP LIMIT 1",
            "a|COUNT(*)\nNULL|1",
        ),
        ("SELECT FOUND_ROWS()", &found(4)),
    ]);
}

#[test]
fn found_rows_of_a_union_counts_the_whole_union() {
    let found = |n: u64| format!("FOUND_ROWS()\n{n}");
    steps(&[
        (
            "SELECT SQL_CALC_FOUND_ROWS id FROM t UNION ALL SELECT id FROM t ORDER BY id LIMIT 3",
            "id\n1\n1\n2",
        ),
        ("SELECT FOUND_ROWS()", &found(14)),
        (
            "SELECT SQL_CALC_FOUND_ROWS b FROM t UNION SELECT id FROM t WHERE id > 1 LIMIT 1",
            "b\n1",
        ),
        // b gives 1, 2, NULL; the ids 2..7 add 3..7.
        ("SELECT FOUND_ROWS()", &found(8)),
        (
            "SELECT id FROM t UNION SELECT SQL_CALC_FOUND_ROWS id FROM t LIMIT 1",
            "ERROR 1234 (42000): Incorrect usage/placement of 'SQL_CALC_FOUND_ROWS'",
        ),
        (
            "SELECT * FROM (SELECT SQL_CALC_FOUND_ROWS id FROM t LIMIT 1) AS d",
            "ERROR 1234 (42000): Incorrect usage/placement of 'SQL_CALC_FOUND_ROWS'",
        ),
        (
            "SELECT id FROM t WHERE id IN (SELECT SQL_CALC_FOUND_ROWS id FROM t)",
            "ERROR 1234 (42000): Incorrect usage/placement of 'SQL_CALC_FOUND_ROWS'",
        ),
    ]);
}

/// Keeps the rows it is given, as text.
#[derive(Debug)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl RowSink for Recorder {
    fn begin(&mut self, _: &[Column], _: bool, _: bool) -> Result<(), SinkClosed> {
        Ok(())
    }

    fn row(&mut self, row: &[Value]) -> Result<(), SinkClosed> {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v.to_text() {
                Some(b) => String::from_utf8_lossy(&b).into_owned(),
                None => "NULL".into(),
            })
            .collect();
        self.0.lock().unwrap().push(cells.join("|"));
        Ok(())
    }

    fn end(&mut self) {}
}

#[test]
fn found_rows_after_a_streamed_result() {
    let (e, mut s) = setup();
    let log = Arc::new(Mutex::new(Vec::new()));
    s.set_row_sink(Box::new(Recorder(log.clone())));
    let take = |e: &Engine, s: &mut Session, sql: &str| {
        let out = run(e, s, sql);
        let rows = std::mem::take(&mut *log.lock().unwrap()).join(",");
        format!("{out}: {rows}")
    };
    assert_eq!(
        take(
            &e,
            &mut s,
            "SELECT SQL_CALC_FOUND_ROWS id FROM t ORDER BY id LIMIT 2"
        ),
        "streamed 2: 1,2"
    );
    assert_eq!(take(&e, &mut s, "SELECT FOUND_ROWS()"), "streamed 1: 7");
    assert_eq!(
        take(&e, &mut s, "SELECT id FROM t ORDER BY id LIMIT 3"),
        "streamed 3: 1,2,3"
    );
    assert_eq!(take(&e, &mut s, "SELECT FOUND_ROWS()"), "streamed 1: 3");
}

#[test]
fn prepared_statements_roll_up_and_count_found_rows() {
    let (e, mut s) = setup();
    let exec = |e: &Engine, s: &mut Session, p: &crate::Prepared, params: &[Value]| {
        let (o, err) = e.execute_prepared(s, p, params);
        super::render(&o, err.as_ref())
    };
    let p = e
        .prepare(
            &mut s,
            "SELECT a, COUNT(*), GROUPING(a) FROM t WHERE id > ? GROUP BY a WITH ROLLUP",
        )
        .unwrap();
    assert_eq!(
        exec(&e, &mut s, &p, &[Value::Int(3)]),
        "a|COUNT(*)|GROUPING(a)\nNULL|1|0\nX|1|0\ny|2|0\nNULL|4|1"
    );
    let p = e
        .prepare(
            &mut s,
            "SELECT SQL_CALC_FOUND_ROWS id FROM t WHERE id > ? ORDER BY id LIMIT ?",
        )
        .unwrap();
    assert_eq!(
        exec(&e, &mut s, &p, &[Value::Int(2), Value::Int(1)]),
        "id\n3"
    );
    assert_eq!(run(&e, &mut s, "SELECT FOUND_ROWS()"), "FOUND_ROWS()\n5");
    // A parenthesized query counts too.
    assert_eq!(
        run(
            &e,
            &mut s,
            "(SELECT SQL_CALC_FOUND_ROWS id FROM t ORDER BY id LIMIT 1)"
        ),
        "id\n1"
    );
    assert_eq!(run(&e, &mut s, "SELECT FOUND_ROWS()"), "FOUND_ROWS()\n7");
}
