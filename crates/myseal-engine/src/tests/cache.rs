//! Plans bound once and reused: text queries that differ only in constants, and prepared
//! SELECTs. Every case checks that a reused plan gives what binding the text again would.

use super::{engine, run, session};
use crate::{Engine, Session, Value};

fn steps(e: &Engine, s: &mut Session, steps: &[(&str, &str)]) {
    for (sql, expected) in steps {
        assert_eq!(run(e, s, sql), expected.trim(), "for SQL: {sql}");
    }
}

fn exec(e: &Engine, s: &mut Session, sql: &str, params: &[Value]) -> String {
    let p = match e.prepare(s, sql) {
        Ok(p) => p,
        Err(err) => panic!("prepare {sql}: {err:?}"),
    };
    let (o, err) = e.execute_prepared(s, &p, params);
    super::render(&o, err.as_ref())
}

/// What [`Engine::execute_inline`] does with `sql`, rendered (None: not run inline).
fn inline(e: &Engine, s: &mut Session, sql: &str) -> Option<String> {
    e.execute_inline(s, sql)
        .map(|(o, err)| super::render(&o, err.as_ref()))
}

fn setup(e: &Engine, s: &mut Session) {
    steps(
        e,
        s,
        &[
            ("CREATE DATABASE d1", "ok affected=1"),
            ("CREATE DATABASE d2", "ok affected=1"),
            ("USE d1", "ok"),
            (
                "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), at DATETIME, price DECIMAL(6,2))",
                "ok",
            ),
            (
                "INSERT INTO t VALUES (1,'café','2020-01-01 10:00:00',1.10),(2,'tea','2021-06-01 00:00:00',0.30),(3,'Cafe','2022-01-01 00:00:00',2.00)",
                "ok affected=3",
            ),
            (
                "CREATE TABLE d2.t (id INT PRIMARY KEY, name VARCHAR(20))",
                "ok",
            ),
            ("INSERT INTO d2.t VALUES (1, 'other')", "ok affected=1"),
        ],
    );
}

#[test]
fn constants_share_a_plan_and_each_gets_its_own_rows() {
    let e = engine();
    let mut s = session(&e);
    setup(&e, &mut s);
    steps(
        &e,
        &mut s,
        &[
            ("SELECT name FROM t WHERE id = 1", "name\ncafé"),
            ("SELECT name FROM t WHERE id = 2", "name\ntea"),
            ("SELECT name FROM t WHERE id = 9", "name"),
            (
                "SELECT id FROM t WHERE name = 'cafe' ORDER BY id",
                "id\n1\n3",
            ),
            ("SELECT id FROM t WHERE name = 'TEA' ORDER BY id", "id\n2"),
            (
                "SELECT id FROM t WHERE at > '2021-01-01' ORDER BY id",
                "id\n2\n3",
            ),
            (
                "SELECT id FROM t WHERE at > '2021-12-31' ORDER BY id",
                "id\n3",
            ),
            ("SELECT id FROM t WHERE price = 0.3", "id\n2"),
            ("SELECT id FROM t WHERE price = 1.1", "id\n1"),
            (
                "SELECT id FROM t WHERE id BETWEEN 2 AND 3 ORDER BY id LIMIT 1",
                "id\n2",
            ),
            (
                "SELECT id FROM t WHERE id BETWEEN 1 AND 3 ORDER BY id LIMIT 2",
                "id\n1\n2",
            ),
            (
                "SELECT id FROM t WHERE id IN (1, 3) ORDER BY id DESC",
                "id\n3\n1",
            ),
            (
                "SELECT id FROM t WHERE id IN (2, 9) ORDER BY id DESC",
                "id\n2",
            ),
            // A string where a number was: compared as MySQL compares them.
            ("SELECT id FROM t WHERE id = '2'", "id\n2"),
            ("SELECT id FROM t WHERE id = 2.0", "id\n2"),
        ],
    );
}

#[test]
fn a_plan_is_not_reused_after_ddl_or_in_another_database_or_mode() {
    let e = engine();
    let mut s = session(&e);
    setup(&e, &mut s);
    steps(
        &e,
        &mut s,
        &[
            (
                "SELECT * FROM t WHERE id = 2",
                "id|name|at|price\n2|tea|2021-06-01 00:00:00|0.30",
            ),
            ("ALTER TABLE t DROP COLUMN at", "ok"),
            ("SELECT * FROM t WHERE id = 2", "id|name|price\n2|tea|0.30"),
            ("USE d2", "ok"),
            ("SELECT * FROM t WHERE id = 1", "id|name\n1|other"),
            ("USE d1", "ok"),
            ("SELECT * FROM t WHERE id = 1", "id|name|price\n1|café|1.10"),
            (
                "SELECT id, name FROM t WHERE id > 0 GROUP BY id",
                "id|name\n1|café\n2|tea\n3|Cafe",
            ),
            (
                "SELECT name FROM t WHERE id > 0 GROUP BY price",
                "ERROR 1055 (42000): Expression #1 of SELECT list is not in GROUP BY clause and contains nonaggregated column 'd1.t.name' which is not functionally dependent on columns in GROUP BY clause; this is incompatible with sql_mode=only_full_group_by",
            ),
            ("SET sql_mode = ''", "ok"),
            (
                "SELECT count(*) FROM (SELECT name FROM t WHERE id > 0 GROUP BY price) x",
                "count(*)\n3",
            ),
        ],
    );
}

#[test]
fn errors_are_not_cached() {
    let e = engine();
    let mut s = session(&e);
    steps(
        &e,
        &mut s,
        &[
            ("CREATE DATABASE d", "ok affected=1"),
            ("USE d", "ok"),
            (
                "SELECT a FROM n WHERE a = 1",
                "ERROR 1146 (42S02): Table 'd.n' doesn't exist",
            ),
            ("CREATE TABLE n (a INT)", "ok"),
            ("INSERT INTO n VALUES (1), (2)", "ok affected=2"),
            ("SELECT a FROM n WHERE a = 1", "a\n1"),
            (
                "SELECT b FROM n WHERE a = 1",
                "ERROR 1054 (42S22): Unknown column 'b' in 'field list'",
            ),
            (
                "SELECT a FROM n WHERE b = 1",
                "ERROR 1054 (42S22): Unknown column 'b' in 'where clause'",
            ),
            ("SELECT a FROM n WHERE a = 2 LIMIT 1", "a\n2"),
        ],
    );
}

#[test]
fn prepared_selects_bind_parameters_by_their_types() {
    let e = engine();
    let mut s = session(&e);
    setup(&e, &mut s);
    let q = "SELECT id FROM t WHERE name = ? ORDER BY id";
    assert_eq!(
        exec(&e, &mut s, q, &[Value::str("CAFE".to_string())]),
        "id\n1\n3"
    );
    // 'café' = 0 compares as numbers (both 0), as in MySQL.
    assert_eq!(exec(&e, &mut s, q, &[Value::Int(0)]), "id\n1\n2\n3");
    assert_eq!(exec(&e, &mut s, q, &[Value::Int(1)]), "id");
    let q = "SELECT id FROM t WHERE at >= ? ORDER BY id";
    assert_eq!(
        exec(&e, &mut s, q, &[Value::str("2021-06-01".to_string())]),
        "id\n2\n3"
    );
    let q = "SELECT id FROM t WHERE id = ?";
    assert_eq!(exec(&e, &mut s, q, &[Value::Int(3)]), "id\n3");
    assert_eq!(exec(&e, &mut s, q, &[Value::str("3".to_string())]), "id\n3");
    assert_eq!(exec(&e, &mut s, q, &[Value::Double(2.0)]), "id\n2");
    assert_eq!(exec(&e, &mut s, q, &[Value::Null]), "id");
    // One statement, executed with different types in turn.
    let p = e
        .prepare(&mut s, "SELECT price FROM t WHERE id = ? AND price > ?")
        .unwrap();
    let out = |s: &mut Session, params: &[Value]| {
        let (o, err) = e.execute_prepared(s, &p, params);
        super::render(&o, err.as_ref())
    };
    assert_eq!(out(&mut s, &[Value::Int(1), Value::Int(1)]), "price\n1.10");
    assert_eq!(out(&mut s, &[Value::Int(1), Value::Double(1.2)]), "price");
    assert_eq!(
        out(&mut s, &[Value::UInt(2), Value::str("0.2".to_string())]),
        "price\n0.30"
    );
    steps(&e, &mut s, &[("ALTER TABLE t ADD COLUMN extra INT", "ok")]);
    assert_eq!(out(&mut s, &[Value::Int(1), Value::Int(1)]), "price\n1.10");
    steps(&e, &mut s, &[("ALTER TABLE t DROP COLUMN price", "ok")]);
    let err = out(&mut s, &[Value::Int(1), Value::Int(1)]);
    assert!(
        err.starts_with("ERROR 1054 (42S22): Unknown column 'price' in "),
        "{err}"
    );
}

#[test]
fn prepared_writes_bind_typed_values() {
    let e = engine();
    let mut s = session(&e);
    setup(&e, &mut s);
    assert_eq!(
        exec(
            &e,
            &mut s,
            "INSERT INTO t (id, name, price) VALUES (?, ?, ?)",
            &[
                Value::Int(4),
                Value::str("it's \\ ok".to_string()),
                Value::str("3.456".to_string()),
            ]
        ),
        "ok affected=1"
    );
    assert_eq!(
        exec(
            &e,
            &mut s,
            "UPDATE t SET price = price + ? WHERE name = ?",
            &[Value::Double(1.0), Value::str("CAFÉ".to_string()),]
        ),
        "ok affected=2"
    );
    assert_eq!(
        exec(
            &e,
            &mut s,
            "DELETE FROM t WHERE id = ?",
            &[Value::str("2".to_string())]
        ),
        "ok affected=1"
    );
    assert_eq!(exec(&e, &mut s, "SET @v = ?", &[Value::Int(7)]), "ok");
    steps(
        &e,
        &mut s,
        &[
            (
                "SELECT id, name, price FROM t ORDER BY id",
                "id|name|price\n1|café|2.10\n3|Cafe|3.00\n4|it's \\ ok|3.46",
            ),
            ("SELECT @v, @v + 1", "@v|@v + 1\n7|8"),
        ],
    );
}

#[test]
fn cached_point_selects_run_inline_and_nothing_else_does() {
    let e = engine();
    let mut s = session(&e);
    setup(&e, &mut s);
    // Not cached yet.
    assert_eq!(inline(&e, &mut s, "SELECT name FROM t WHERE id = 2"), None);
    steps(
        &e,
        &mut s,
        &[("SELECT name FROM t WHERE id = 1", "name\ncafé")],
    );
    assert_eq!(
        inline(&e, &mut s, "SELECT name FROM t WHERE id = 2"),
        Some("name\ntea".into())
    );
    assert_eq!(
        inline(&e, &mut s, "SELECT name FROM t WHERE id = 9"),
        Some("name".into())
    );
    // Short reads of any shape run inline too.
    for (sql, want) in [
        (
            "SELECT name FROM t WHERE id > 1 ORDER BY id",
            "name\ntea\nCafe",
        ),
        ("SELECT name FROM t WHERE name = 'tea'", "name\ntea"),
        (
            "SELECT COUNT(*), MAX(price) FROM t",
            "COUNT(*)|MAX(price)\n3|2.00",
        ),
        (
            "SELECT DISTINCT name FROM t ORDER BY name",
            "name\ncafé\ntea",
        ),
    ] {
        let _ = run(&e, &mut s, sql);
        assert_eq!(inline(&e, &mut s, sql), Some(want.into()), "{sql}");
    }
    // Cached but locking, waiting, with subqueries or with effects a second run would repeat:
    // never inline.
    for sql in [
        "SELECT SLEEP(0) FROM t WHERE id = 1",
        "SELECT name FROM t WHERE id = 1 FOR UPDATE",
        "SELECT (SELECT 1) FROM t WHERE id = 1",
        "SELECT @x := name FROM t WHERE id = 1",
        "SELECT RAND() FROM t WHERE id = 1",
    ] {
        let _ = run(&e, &mut s, sql);
        assert_eq!(inline(&e, &mut s, sql), None, "{sql}");
    }
    // Inside a transaction (its metadata lock is free at once).
    steps(&e, &mut s, &[("BEGIN", "ok")]);
    assert_eq!(
        inline(&e, &mut s, "SELECT name FROM t WHERE id = 3"),
        Some("name\nCafe".into())
    );
    steps(&e, &mut s, &[("COMMIT", "ok")]);
    // After DDL the cached plan is stale: not inline until it is bound again.
    steps(&e, &mut s, &[("ALTER TABLE t ADD COLUMN z INT", "ok")]);
    assert_eq!(inline(&e, &mut s, "SELECT name FROM t WHERE id = 2"), None);
    // Prepared: inline once the plan for these parameter types exists.
    let p = e
        .prepare(&mut s, "SELECT name FROM t WHERE id = ?")
        .unwrap();
    assert!(
        e.execute_prepared_inline(&mut s, &p, &[Value::Int(1)])
            .is_none()
    );
    let (o, err) = e.execute_prepared(&mut s, &p, &[Value::Int(1)]);
    assert_eq!(super::render(&o, err.as_ref()), "name\ncafé");
    let (o, err) = e
        .execute_prepared_inline(&mut s, &p, &[Value::Int(2)])
        .expect("inline");
    assert_eq!(super::render(&o, err.as_ref()), "name\ntea");
    // Another parameter type has no plan yet.
    assert!(
        e.execute_prepared_inline(&mut s, &p, &[Value::str("2".to_string())])
            .is_none()
    );
    // Prepared BEGIN and COMMIT (sysbench prepares them) run inline as their text does.
    let begin = e.prepare(&mut s, "BEGIN").unwrap();
    let commit = e.prepare(&mut s, "COMMIT").unwrap();
    let (o, err) = e
        .execute_prepared_inline(&mut s, &begin, &[])
        .expect("inline BEGIN");
    assert_eq!(super::render(&o, err.as_ref()), "ok");
    assert!(s.in_transaction);
    let (o, err) = e
        .execute_prepared_inline(&mut s, &commit, &[])
        .expect("inline COMMIT");
    assert_eq!(super::render(&o, err.as_ref()), "ok");
    assert!(!s.in_transaction);
}

/// A read that outgrows the inline budget stops, leaves nothing behind (no rows, no warnings)
/// and runs whole on the ordinary path; its plan is not tried inline again.
#[test]
fn reads_over_the_inline_budget_run_again_on_the_ordinary_path() {
    let e = engine();
    let mut s = session(&e);
    steps(
        &e,
        &mut s,
        &[
            ("CREATE DATABASE d", "ok affected=1"),
            ("USE d", "ok"),
            ("CREATE TABLE big (id INT PRIMARY KEY, v VARCHAR(10))", "ok"),
        ],
    );
    for chunk in 0..6 {
        let values: Vec<String> = (0..500)
            .map(|i| format!("({}, 'x{}')", chunk * 500 + i, i % 7))
            .collect();
        let (_, err) = e.execute(
            &mut s,
            &format!("INSERT INTO big VALUES {}", values.join(",")),
        );
        assert!(err.is_none(), "{err:?}");
    }
    // Every row warns (1292: 'x3' is not a number); the whole table is over the budget.
    let sql = "SELECT COUNT(*) FROM big WHERE v + 0 = 0 AND id >= 0";
    let direct = run(&e, &mut s, sql);
    assert_eq!(direct, "COUNT(*)\n3000");
    let direct_warnings = run(&e, &mut s, "SHOW COUNT(*) WARNINGS");
    assert_eq!(inline(&e, &mut s, sql), None, "the budget stops it");
    assert_eq!(run(&e, &mut s, sql), direct);
    assert_eq!(run(&e, &mut s, "SHOW COUNT(*) WARNINGS"), direct_warnings);
    // Marked too big: not even tried again.
    assert_eq!(
        inline(
            &e,
            &mut s,
            "SELECT COUNT(*) FROM big WHERE v + 0 = 0 AND id >= 5"
        ),
        None
    );
    // A short range of the same table fits.
    let short = "SELECT COUNT(*) FROM big WHERE id BETWEEN 10 AND 109";
    let _ = run(&e, &mut s, short);
    assert_eq!(
        inline(
            &e,
            &mut s,
            "SELECT COUNT(*) FROM big WHERE id BETWEEN 10 AND 109"
        ),
        Some("COUNT(*)\n100".into())
    );
    // Transaction control is short unless a big transaction must be committed.
    assert_eq!(inline(&e, &mut s, "begin"), Some("ok".into()));
    assert_eq!(
        inline(
            &e,
            &mut s,
            "SELECT COUNT(*) FROM big WHERE id BETWEEN 10 AND 109"
        ),
        Some("COUNT(*)\n100".into())
    );
    assert_eq!(inline(&e, &mut s, "COMMIT;"), Some("ok".into()));
    steps(
        &e,
        &mut s,
        &[
            ("BEGIN", "ok"),
            ("UPDATE big SET v = 'y'", "ok affected=3000"),
        ],
    );
    assert_eq!(inline(&e, &mut s, "COMMIT"), None);
    steps(
        &e,
        &mut s,
        &[
            ("COMMIT", "ok"),
            ("SELECT COUNT(*) FROM big WHERE v = 'y'", "COUNT(*)\n3000"),
        ],
    );
    assert_eq!(inline(&e, &mut s, "COMMIT /* later */"), None);
    assert_eq!(inline(&e, &mut s, "COMMIT AND CHAIN"), None);
}

/// Writes are tried on the caller's thread: they never wait for a lock there and stop at the
/// step budget, leaving nothing behind, and then run on the ordinary path.
#[test]
fn writes_are_tried_inline_and_run_again_when_they_would_wait() {
    let e = engine();
    let mut a = session(&e);
    let mut b = session(&e);
    steps(
        &e,
        &mut a,
        &[
            ("CREATE DATABASE d", "ok affected=1"),
            ("USE d", "ok"),
            (
                "CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v INT, u INT UNIQUE)",
                "ok",
            ),
            (
                "INSERT INTO t (v, u) VALUES (1, 1), (2, 2), (3, 3)",
                "ok affected=3",
            ),
        ],
    );
    steps(&e, &mut b, &[("USE d", "ok")]);
    // Free rows: done inline, autocommit or in a transaction.
    assert_eq!(
        inline(&e, &mut a, "UPDATE t SET v = 10 WHERE id = 1"),
        Some("ok affected=1".into())
    );
    assert_eq!(
        inline(&e, &mut a, "INSERT INTO t (v, u) VALUES (4, 4)"),
        Some("ok affected=1".into())
    );
    steps(
        &e,
        &mut a,
        &[("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n4")],
    );
    assert_eq!(
        inline(&e, &mut a, "DELETE FROM t WHERE id = 4"),
        Some("ok affected=1".into())
    );
    // Real errors are answered inline too.
    assert_eq!(
        inline(&e, &mut a, "INSERT INTO t (v, u) VALUES (9, 1)"),
        Some("ERROR 1062 (23000): Duplicate entry '1' for key 't.u'".into())
    );
    // b holds row 2 and unique value 5: a's writes that need them would wait, so they are not
    // done inline and change nothing.
    steps(
        &e,
        &mut b,
        &[
            ("BEGIN", "ok"),
            ("UPDATE t SET v = 20 WHERE id = 2", "ok affected=1"),
            ("INSERT INTO t (v, u) VALUES (5, 5)", "ok affected=1"),
        ],
    );
    steps(
        &e,
        &mut a,
        &[
            ("BEGIN", "ok"),
            ("UPDATE t SET v = 11 WHERE id = 1", "ok affected=1"),
        ],
    );
    assert_eq!(
        inline(&e, &mut a, "UPDATE t SET v = v + 100 WHERE id IN (3, 2)"),
        None
    );
    assert_eq!(
        inline(&e, &mut a, "INSERT INTO t (v, u) VALUES (6, 5)"),
        None
    );
    steps(
        &e,
        &mut a,
        &[
            ("SELECT LAST_INSERT_ID()", "LAST_INSERT_ID()\n4"),
            ("SELECT id, v FROM t ORDER BY id", "id|v\n1|11\n2|2\n3|3"),
        ],
    );
    steps(&e, &mut b, &[("ROLLBACK", "ok")]);
    assert_eq!(
        inline(&e, &mut a, "UPDATE t SET v = v + 100 WHERE id IN (3, 2)"),
        Some("ok affected=2".into())
    );
    steps(
        &e,
        &mut a,
        &[
            ("COMMIT", "ok"),
            (
                "SELECT id, v FROM t ORDER BY id",
                "id|v\n1|11\n2|102\n3|103",
            ),
        ],
    );
    // Over the budget: undone, and done whole on the ordinary path.
    let values: Vec<String> = (0..2000).map(|i| format!("({i}, {})", 100 + i)).collect();
    steps(
        &e,
        &mut a,
        &[(
            &format!("INSERT INTO t (v, u) VALUES {}", values.join(",")),
            "ok affected=2000",
        )],
    );
    assert_eq!(inline(&e, &mut a, "UPDATE t SET v = v + 1"), None);
    steps(
        &e,
        &mut a,
        &[
            ("SELECT SUM(v) FROM t", "SUM(v)\n1999216"),
            ("UPDATE t SET v = v + 1", "ok affected=2003"),
            ("SELECT SUM(v) FROM t", "SUM(v)\n2001219"),
        ],
    );
    // Texts that are never tried.
    for sql in [
        "UPDATE t SET v = (SELECT 1) WHERE id = 1",
        "INSERT INTO t (v) SELECT 1",
        "UPDATE t SET v = SLEEP(0) WHERE id = 1",
        "UPDATE t SET v = @x := 1 WHERE id = 1",
        "UPDATE t SET v = 1 WHERE id = 1; SELECT SLEEP(1)",
    ] {
        assert_eq!(inline(&e, &mut a, sql), None, "{sql}");
    }
}
