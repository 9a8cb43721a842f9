//! Transactions and DML, two sessions at a time on one engine: InnoDB's answers to the isolation
//! anomalies (in the manner of toydb's `mvcc/anomaly_*` scripts), locks, waits, deadlocks, and
//! MySQL's counting of INSERT/REPLACE/UPDATE/DELETE.
//!
//! Lock waits run the waiting session on a scoped thread; the test goes on once the lock manager
//! lists it as waiting (no sleeping for readiness).

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use myseal_auth::account::AccountStore;

use crate::{Engine, EngineConfig, Outcome, Session, SessionInfo, StatusSource};

struct NoStatus;

impl StatusSource for NoStatus {
    fn global_status(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// An engine with database `d`.
fn engine() -> Engine {
    let e = Engine::new(
        EngineConfig::default(),
        Arc::new(NoStatus),
        Arc::new(AccountStore::new()),
    )
    .unwrap();
    e.create_database("d", false).unwrap();
    e.grant_all_privileges("root", "%");
    e
}

/// A session using database `d`.
fn session(e: &Engine, id: u32) -> Session {
    e.new_session(SessionInfo {
        connection_id: id,
        user: "root".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: Some("d".into()),
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    })
}

/// Two sessions on `e`.
fn two(e: &Engine) -> (Session, Session) {
    (session(e, 1), session(e, 2))
}

fn text(v: &crate::Value) -> String {
    v.to_text()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|| "NULL".into())
}

/// Runs SQL and renders it: result rows as `a|b` lines (no header), `ok N` for an OK packet
/// with N affected rows, `ERROR code: message` for an error.
fn run(e: &Engine, s: &mut Session, sql: &str) -> String {
    let (outcomes, err) = e.execute(s, sql);
    let mut out = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Ok { affected_rows, .. } => out.push(format!("ok {affected_rows}")),
            Outcome::Streamed { rows } => out.push(format!("streamed {rows}")),
            Outcome::LocalInfile { filename } => out.push(format!("local infile {filename}")),
            Outcome::OutParams { row, .. } => out.push(format!("out params {row:?}")),
            Outcome::Rows { rows, .. } => {
                for r in rows {
                    out.push(r.iter().map(text).collect::<Vec<_>>().join("|"));
                }
            }
        }
    }
    if let Some(err) = err {
        out.push(format!("ERROR {}: {}", err.code, err.message));
    }
    out.join("\n")
}

/// Runs SQL that must succeed with an OK packet: (affected rows, insert id, info).
fn ok(e: &Engine, s: &mut Session, sql: &str) -> (u64, u64, String) {
    let (outcomes, err) = e.execute(s, sql);
    assert!(err.is_none(), "{sql}: {err:?}");
    match outcomes.into_iter().last() {
        Some(Outcome::Ok {
            affected_rows,
            last_insert_id,
            info,
            ..
        }) => (affected_rows, last_insert_id, info),
        other => panic!("{sql}: expected OK, got {other:?}"),
    }
}

/// Runs each statement, asserting it succeeds.
fn setup(e: &Engine, s: &mut Session, sqls: &[&str]) {
    for sql in sqls {
        let (_, err) = e.execute(s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
}

/// `t (id INT PRIMARY KEY, v INT)` with rows (1, 10) and (2, 20).
fn table_t(e: &Engine) {
    let mut s = session(e, 99);
    setup(
        e,
        &mut s,
        &[
            "CREATE TABLE t (id INT PRIMARY KEY, v INT)",
            "INSERT INTO t VALUES (1, 10), (2, 20)",
        ],
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

/// Far below the default lock wait timeout: what "at once" means.
const PROMPT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------------
// Isolation anomalies

#[test]
fn a_dirty_read_is_impossible() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut a, &["BEGIN", "UPDATE t SET v = 11 WHERE id = 1"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
    assert_eq!(run(&e, &mut a, "SELECT v FROM t WHERE id = 1"), "11");
    setup(&e, &mut a, &["COMMIT"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "11");
}

#[test]
fn a_non_repeatable_read_is_impossible_under_repeatable_read() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut b, &["BEGIN"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
    setup(&e, &mut a, &["UPDATE t SET v = 11 WHERE id = 1"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
    setup(&e, &mut b, &["COMMIT"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "11");
}

#[test]
fn the_snapshot_is_taken_by_the_first_read_not_by_begin() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut b, &["START TRANSACTION"]);
    setup(&e, &mut a, &["UPDATE t SET v = 11 WHERE id = 1"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "11");
    setup(&e, &mut a, &["UPDATE t SET v = 12 WHERE id = 1"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "11");
}

#[test]
fn a_write_does_not_take_the_snapshot_the_next_read_does() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut b, &["BEGIN", "UPDATE t SET v = 21 WHERE id = 2"]);
    setup(&e, &mut a, &["UPDATE t SET v = 11 WHERE id = 1"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t ORDER BY id"), "11\n21");
}

#[test]
fn with_consistent_snapshot_takes_the_snapshot_at_once() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    // What `START TRANSACTION WITH CONSISTENT SNAPSHOT` runs (the statement itself does not
    // parse yet).
    crate::stmt::begin(&e, &mut b, true, false);
    setup(&e, &mut a, &["UPDATE t SET v = 11 WHERE id = 1"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
}

#[test]
fn a_phantom_is_impossible_for_consistent_reads_under_repeatable_read() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut b, &["BEGIN"]);
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t WHERE v > 5"), "2");
    setup(&e, &mut a, &["INSERT INTO t VALUES (3, 30)"]);
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t WHERE v > 5"), "2");
    setup(&e, &mut b, &["COMMIT"]);
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t WHERE v > 5"), "3");
}

#[test]
fn read_committed_sees_commits_between_statements() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(
        &e,
        &mut b,
        &[
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
            "BEGIN",
        ],
    );
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
    setup(&e, &mut a, &["BEGIN", "UPDATE t SET v = 11 WHERE id = 1"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
    setup(&e, &mut a, &["COMMIT"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "11");
}

#[test]
fn a_locking_read_sees_the_latest_committed_row() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut b, &["BEGIN"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
    setup(&e, &mut a, &["UPDATE t SET v = 11 WHERE id = 1"]);
    assert_eq!(
        run(&e, &mut b, "SELECT v FROM t WHERE id = 1 FOR UPDATE"),
        "11"
    );
    assert_eq!(
        run(&e, &mut b, "SELECT v FROM t WHERE id = 1 FOR SHARE"),
        "11"
    );
    // The consistent read still uses the snapshot.
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
}

#[test]
fn an_update_works_on_the_latest_row_and_later_reads_see_its_result() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut b, &["BEGIN"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "10");
    setup(&e, &mut a, &["UPDATE t SET v = 20 WHERE id = 1"]);
    assert_eq!(
        run(&e, &mut b, "UPDATE t SET v = v + 1 WHERE id = 1"),
        "ok 1"
    );
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "21");
}

#[test]
fn a_lost_update_is_prevented_by_row_locks() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(
        &e,
        &mut a,
        &["BEGIN", "UPDATE t SET v = v + 1 WHERE id = 1"],
    );
    thread::scope(|scope| {
        let waiter = scope.spawn(|| run(&e, &mut b, "UPDATE t SET v = v + 1 WHERE id = 1"));
        until_waiting(&e);
        assert!(!waiter.is_finished());
        setup(&e, &mut a, &["COMMIT"]);
        assert_eq!(waiter.join().unwrap(), "ok 1");
    });
    assert_eq!(run(&e, &mut a, "SELECT v FROM t WHERE id = 1"), "12");
}

// ---------------------------------------------------------------------------------------------
// Lock waits, timeouts, deadlocks, NOWAIT, SKIP LOCKED

#[test]
fn a_lock_wait_timeout_is_1205_and_rolls_back_only_the_statement() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut a, &["BEGIN", "UPDATE t SET v = 11 WHERE id = 1"]);
    setup(
        &e,
        &mut b,
        &[
            "SET innodb_lock_wait_timeout = 1",
            "BEGIN",
            "UPDATE t SET v = 21 WHERE id = 2",
        ],
    );
    let start = Instant::now();
    assert_eq!(
        run(&e, &mut b, "UPDATE t SET v = 99"),
        "ERROR 1205: Lock wait timeout exceeded; try restarting transaction"
    );
    let waited = start.elapsed();
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
    assert!(waited < PROMPT, "{waited:?}");
    // The transaction is still open with its earlier change; the failed statement left nothing.
    assert!(b.in_transaction());
    assert_eq!(run(&e, &mut b, "SELECT v FROM t ORDER BY id"), "10\n21");
    setup(&e, &mut a, &["ROLLBACK"]);
    setup(&e, &mut b, &["COMMIT"]);
    assert_eq!(run(&e, &mut a, "SELECT v FROM t ORDER BY id"), "10\n21");
}

#[test]
fn a_deadlock_fails_one_transaction_with_1213_at_once_and_rolls_it_back() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut a, &["BEGIN", "UPDATE t SET v = 11 WHERE id = 1"]);
    setup(&e, &mut b, &["BEGIN", "UPDATE t SET v = 21 WHERE id = 2"]);
    thread::scope(|scope| {
        let first = scope.spawn(|| run(&e, &mut a, "UPDATE t SET v = 22 WHERE id = 2"));
        until_waiting(&e);
        let start = Instant::now();
        assert_eq!(
            run(&e, &mut b, "UPDATE t SET v = 12 WHERE id = 1"),
            "ERROR 1213: Deadlock found when trying to get lock; try restarting transaction"
        );
        assert!(start.elapsed() < PROMPT, "{:?}", start.elapsed());
        // The victim's whole transaction is gone, so the other one goes on.
        assert!(!b.in_transaction());
        assert_eq!(first.join().unwrap(), "ok 1");
    });
    setup(&e, &mut a, &["COMMIT"]);
    assert_eq!(run(&e, &mut b, "SELECT v FROM t ORDER BY id"), "11\n22");
}

#[test]
fn nowait_fails_at_once_with_3572_and_skip_locked_leaves_locked_rows_out() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(
        &e,
        &mut a,
        &["BEGIN", "SELECT * FROM t WHERE id = 1 FOR UPDATE"],
    );
    setup(&e, &mut b, &["BEGIN"]);
    assert_eq!(
        run(&e, &mut b, "SELECT * FROM t WHERE id = 1 FOR UPDATE NOWAIT"),
        "ERROR 3572: Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set."
    );
    assert_eq!(
        run(&e, &mut b, "SELECT id FROM t FOR UPDATE SKIP LOCKED"),
        "2"
    );
    assert!(b.in_transaction());
}

#[test]
fn inserting_a_key_another_transaction_inserted_waits_then_fails_with_1062_when_it_commits() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut a, &["BEGIN", "INSERT INTO t VALUES (5, 50)"]);
    thread::scope(|scope| {
        let waiter = scope.spawn(|| run(&e, &mut b, "INSERT INTO t VALUES (5, 55)"));
        until_waiting(&e);
        setup(&e, &mut a, &["COMMIT"]);
        assert_eq!(
            waiter.join().unwrap(),
            "ERROR 1062: Duplicate entry '5' for key 't.PRIMARY'"
        );
    });
}

#[test]
fn inserting_a_key_another_transaction_inserted_succeeds_when_it_rolls_back() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut a, &["BEGIN", "INSERT INTO t VALUES (5, 50)"]);
    thread::scope(|scope| {
        let waiter = scope.spawn(|| run(&e, &mut b, "INSERT INTO t VALUES (5, 55)"));
        until_waiting(&e);
        setup(&e, &mut a, &["ROLLBACK"]);
        assert_eq!(waiter.join().unwrap(), "ok 1");
    });
    assert_eq!(run(&e, &mut a, "SELECT v FROM t WHERE id = 5"), "55");
}

#[test]
fn a_unique_secondary_key_waits_for_the_inserter_like_the_primary_key() {
    let e = engine();
    let (mut a, mut b) = two(&e);
    setup(
        &e,
        &mut a,
        &["CREATE TABLE u (id INT PRIMARY KEY, email VARCHAR(50), UNIQUE KEY email (email))"],
    );
    setup(
        &e,
        &mut a,
        &["BEGIN", "INSERT INTO u VALUES (1, 'x@example.com')"],
    );
    thread::scope(|scope| {
        let waiter = scope.spawn(|| run(&e, &mut b, "INSERT INTO u VALUES (2, 'X@example.com')"));
        until_waiting(&e);
        setup(&e, &mut a, &["COMMIT"]);
        assert_eq!(
            waiter.join().unwrap(),
            "ERROR 1062: Duplicate entry 'X@example.com' for key 'u.email'"
        );
    });
    setup(
        &e,
        &mut a,
        &["BEGIN", "INSERT INTO u VALUES (3, 'y@example.com')"],
    );
    thread::scope(|scope| {
        let waiter = scope.spawn(|| run(&e, &mut b, "INSERT INTO u VALUES (4, 'y@example.com')"));
        until_waiting(&e);
        setup(&e, &mut a, &["ROLLBACK"]);
        assert_eq!(waiter.join().unwrap(), "ok 1");
    });
    assert_eq!(run(&e, &mut a, "SELECT id FROM u ORDER BY id"), "1\n4");
}

#[test]
fn a_deleted_key_can_be_inserted_again_once_the_deleter_commits() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut a, &["BEGIN", "DELETE FROM t WHERE id = 1"]);
    thread::scope(|scope| {
        let waiter = scope.spawn(|| run(&e, &mut b, "INSERT INTO t VALUES (1, 15)"));
        until_waiting(&e);
        setup(&e, &mut a, &["COMMIT"]);
        assert_eq!(waiter.join().unwrap(), "ok 1");
    });
    assert_eq!(run(&e, &mut a, "SELECT v FROM t WHERE id = 1"), "15");
}

// ---------------------------------------------------------------------------------------------
// Transaction boundaries

#[test]
fn savepoints_roll_back_to_their_point_and_an_unknown_one_is_1305() {
    let e = engine();
    table_t(&e);
    let mut a = session(&e, 1);
    setup(
        &e,
        &mut a,
        &[
            "BEGIN",
            "INSERT INTO t VALUES (3, 30)",
            "SAVEPOINT s1",
            "INSERT INTO t VALUES (4, 40)",
            "SAVEPOINT s2",
            "DELETE FROM t",
            "ROLLBACK TO SAVEPOINT s2",
        ],
    );
    assert_eq!(
        run(&e, &mut a, "SELECT id FROM t ORDER BY id"),
        "1\n2\n3\n4"
    );
    setup(&e, &mut a, &["ROLLBACK TO s1"]);
    assert_eq!(run(&e, &mut a, "SELECT id FROM t ORDER BY id"), "1\n2\n3");
    assert_eq!(
        run(&e, &mut a, "ROLLBACK TO SAVEPOINT s2"),
        "ERROR 1305: SAVEPOINT s2 does not exist"
    );
    setup(&e, &mut a, &["RELEASE SAVEPOINT s1", "COMMIT"]);
    assert_eq!(run(&e, &mut a, "SELECT id FROM t ORDER BY id"), "1\n2\n3");
}

#[test]
fn a_failing_multi_row_insert_inserts_nothing_and_the_transaction_goes_on() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    assert_eq!(
        run(&e, &mut a, "INSERT INTO t VALUES (3, 30), (1, 11), (4, 40)"),
        "ERROR 1062: Duplicate entry '1' for key 't.PRIMARY'"
    );
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t"), "2");
    setup(&e, &mut a, &["BEGIN", "INSERT INTO t VALUES (5, 50)"]);
    assert!(run(&e, &mut a, "INSERT INTO t VALUES (6, 60), (2, 0)").starts_with("ERROR 1062"));
    assert!(a.in_transaction());
    setup(&e, &mut a, &["COMMIT"]);
    assert_eq!(run(&e, &mut b, "SELECT id FROM t ORDER BY id"), "1\n2\n5");
}

#[test]
fn a_read_only_transaction_refuses_writes_with_1792() {
    let e = engine();
    table_t(&e);
    let mut a = session(&e, 1);
    setup(&e, &mut a, &["START TRANSACTION READ ONLY"]);
    let refused = "ERROR 1792: Cannot execute statement in a READ ONLY transaction.";
    assert_eq!(run(&e, &mut a, "INSERT INTO t VALUES (3, 30)"), refused);
    assert_eq!(run(&e, &mut a, "UPDATE t SET v = 0"), refused);
    assert_eq!(run(&e, &mut a, "DELETE FROM t"), refused);
    assert_eq!(run(&e, &mut a, "SELECT COUNT(*) FROM t"), "2");
    setup(
        &e,
        &mut a,
        &["COMMIT", "SET SESSION transaction_read_only = ON"],
    );
    assert_eq!(run(&e, &mut a, "DELETE FROM t"), refused);
    setup(&e, &mut a, &["SET SESSION transaction_read_only = OFF"]);
    assert_eq!(run(&e, &mut a, "DELETE FROM t"), "ok 2");
}

#[test]
fn autocommit_off_keeps_a_transaction_open_until_commit() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(
        &e,
        &mut a,
        &["SET autocommit = 0", "INSERT INTO t VALUES (3, 30)"],
    );
    assert!(a.in_transaction());
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t"), "2");
    setup(&e, &mut a, &["COMMIT"]);
    assert!(!a.in_transaction());
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t"), "3");
    setup(&e, &mut a, &["DELETE FROM t WHERE id = 3", "ROLLBACK"]);
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t"), "3");
    // A read opens a transaction too, with its snapshot.
    assert_eq!(run(&e, &mut a, "SELECT COUNT(*) FROM t"), "3");
    setup(&e, &mut b, &["DELETE FROM t WHERE id = 3"]);
    assert_eq!(run(&e, &mut a, "SELECT COUNT(*) FROM t"), "3");
    setup(&e, &mut a, &["COMMIT"]);
    assert_eq!(run(&e, &mut a, "SELECT COUNT(*) FROM t"), "2");
}

#[test]
fn setting_autocommit_on_ends_the_open_transaction_with_a_commit() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(
        &e,
        &mut a,
        &[
            "SET autocommit = 0",
            "INSERT INTO t VALUES (3, 30)",
            "SET autocommit = 1",
        ],
    );
    assert!(!a.in_transaction());
    // A ROLLBACK now has nothing to undo.
    setup(&e, &mut a, &["ROLLBACK"]);
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t"), "3");
}

#[test]
fn ddl_commits_the_open_transaction() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(
        &e,
        &mut a,
        &[
            "BEGIN",
            "INSERT INTO t VALUES (3, 30)",
            "CREATE TABLE other (x INT)",
        ],
    );
    assert!(!a.in_transaction());
    setup(&e, &mut a, &["ROLLBACK"]);
    assert_eq!(run(&e, &mut b, "SELECT COUNT(*) FROM t"), "3");
}

#[test]
fn a_session_dropped_mid_transaction_is_rolled_back_and_its_locks_released() {
    let e = engine();
    table_t(&e);
    let (mut a, mut b) = two(&e);
    setup(&e, &mut a, &["BEGIN", "UPDATE t SET v = 11 WHERE id = 1"]);
    drop(a);
    assert_eq!(e.store.locks.locked_keys(), 0);
    setup(&e, &mut b, &["SET innodb_lock_wait_timeout = 1"]);
    assert_eq!(run(&e, &mut b, "UPDATE t SET v = 12 WHERE id = 1"), "ok 1");
    assert_eq!(run(&e, &mut b, "SELECT v FROM t WHERE id = 1"), "12");
}

#[test]
fn ddl_metadata_locks_wait_for_transactions_that_used_the_table() {
    let e = engine();
    table_t(&e);
    let mut a = session(&e, 1);
    let id = e.store.latest().table("d", "t").unwrap().def.id;
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let short = Duration::from_millis(50);
    setup(&e, &mut a, &["BEGIN", "UPDATE t SET v = 11 WHERE id = 1"]);
    assert_eq!(
        e.store.lock_tables_for_ddl(&[id], short, &cancel).err(),
        Some(crate::storage::lock::LockError::Timeout)
    );
    setup(&e, &mut a, &["COMMIT"]);
    let guard = e.store.lock_tables_for_ddl(&[id], short, &cancel).unwrap();
    // While the DDL holds it, a writer waits for it.
    setup(
        &e,
        &mut a,
        &[
            "SET innodb_lock_wait_timeout = 1",
            "SET lock_wait_timeout = 1",
        ],
    );
    assert!(run(&e, &mut a, "UPDATE t SET v = 12 WHERE id = 1").starts_with("ERROR 1205"));
    drop(guard);
    assert_eq!(run(&e, &mut a, "UPDATE t SET v = 12 WHERE id = 1"), "ok 1");
}

// ---------------------------------------------------------------------------------------------
// INSERT / REPLACE counting

#[test]
fn insert_on_duplicate_key_update_counts_one_for_insert_two_for_update_zero_for_no_change() {
    let e = engine();
    let mut a = session(&e, 1);
    setup(
        &e,
        &mut a,
        &["CREATE TABLE c (k INT PRIMARY KEY, n INT, note VARCHAR(10))"],
    );
    let upsert = "INSERT INTO c VALUES (1, 1, 'a') ON DUPLICATE KEY UPDATE n = n + VALUES(n)";
    assert_eq!(ok(&e, &mut a, upsert).0, 1);
    assert_eq!(ok(&e, &mut a, upsert).0, 2);
    assert_eq!(run(&e, &mut a, "SELECT n FROM c"), "2");
    let same = "INSERT INTO c VALUES (1, 7, 'a') ON DUPLICATE KEY UPDATE note = VALUES(note)";
    assert_eq!(ok(&e, &mut a, same).0, 0);
    // The row alias of 8.0.19, with and without column aliases.
    assert_eq!(
        ok(
            &e,
            &mut a,
            "INSERT INTO c VALUES (1, 5, 'b') AS new ON DUPLICATE KEY UPDATE n = new.n, note = new.note"
        )
        .0,
        2
    );
    assert_eq!(run(&e, &mut a, "SELECT n, note FROM c"), "5|b");
    assert_eq!(
        ok(
            &e,
            &mut a,
            "INSERT INTO c VALUES (1, 6, 'c') AS new (x, y, z) ON DUPLICATE KEY UPDATE n = n + y"
        )
        .0,
        2
    );
    assert_eq!(run(&e, &mut a, "SELECT n, note FROM c"), "11|b");
    let (affected, _, info) = ok(
        &e,
        &mut a,
        "INSERT INTO c VALUES (1, 0, 'd'), (2, 2, 'e') ON DUPLICATE KEY UPDATE note = VALUES(note)",
    );
    assert_eq!(affected, 3);
    assert_eq!(info, "Records: 2  Duplicates: 1  Warnings: 0");
    // With CLIENT_FOUND_ROWS an unchanged row counts once.
    a.set_client_found_rows(true);
    assert_eq!(ok(&e, &mut a, same.replace("'a'", "'d'").as_str()).0, 1);
}

#[test]
fn last_insert_id_is_the_first_id_the_statement_generated() {
    let e = engine();
    let mut a = session(&e, 1);
    setup(
        &e,
        &mut a,
        &["CREATE TABLE ai (id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY, x INT)"],
    );
    assert_eq!(
        ok(&e, &mut a, "INSERT INTO ai (x) VALUES (1), (2), (3)").1,
        1
    );
    assert_eq!(run(&e, &mut a, "SELECT LAST_INSERT_ID()"), "1");
    assert_eq!(ok(&e, &mut a, "INSERT INTO ai (x) VALUES (4)").1, 4);
    // An explicit value is the OK packet's id but does not change LAST_INSERT_ID().
    assert_eq!(ok(&e, &mut a, "INSERT INTO ai VALUES (10, 5)").1, 10);
    assert_eq!(run(&e, &mut a, "SELECT LAST_INSERT_ID()"), "4");
    assert_eq!(ok(&e, &mut a, "INSERT INTO ai VALUES (NULL, 6)").1, 11);
    assert_eq!(ok(&e, &mut a, "INSERT INTO ai VALUES (0, 7)").1, 12);
    assert_eq!(run(&e, &mut a, "SELECT LAST_INSERT_ID()"), "12");
    assert_eq!(ok(&e, &mut a, "UPDATE ai SET x = 8 WHERE id = 12").1, 0);
    assert_eq!(run(&e, &mut a, "SELECT LAST_INSERT_ID()"), "12");
}

#[test]
fn insert_select_from_the_same_table_reads_the_source_before_writing() {
    let e = engine();
    table_t(&e);
    let mut a = session(&e, 1);
    let (affected, _, info) = ok(&e, &mut a, "INSERT INTO t SELECT id + 10, v FROM t");
    assert_eq!(affected, 2);
    assert_eq!(info, "Records: 2  Duplicates: 0  Warnings: 0");
    assert_eq!(
        run(&e, &mut a, "SELECT id FROM t ORDER BY id"),
        "1\n2\n11\n12"
    );
}

#[test]
fn insert_set_and_values_expressions_see_earlier_columns() {
    let e = engine();
    table_t(&e);
    let mut a = session(&e, 1);
    assert_eq!(
        ok(&e, &mut a, "INSERT INTO t SET id = 3, v = id * 10"),
        (1, 0, String::new())
    );
    assert_eq!(
        ok(&e, &mut a, "INSERT INTO t (id, v) VALUES (4, id + 1)").0,
        1
    );
    assert_eq!(
        run(&e, &mut a, "SELECT v FROM t WHERE id > 2 ORDER BY id"),
        "30\n5"
    );
}

#[test]
fn insert_ignore_turns_errors_into_warnings() {
    let e = engine();
    let mut a = session(&e, 1);
    setup(
        &e,
        &mut a,
        &["CREATE TABLE g (id INT PRIMARY KEY, n TINYINT NOT NULL)"],
    );
    let (affected, _, info) = ok(
        &e,
        &mut a,
        "INSERT IGNORE INTO g VALUES (1, 1), (1, 2), (2, NULL), (3, 300)",
    );
    assert_eq!(affected, 3);
    assert_eq!(info, "Records: 4  Duplicates: 1  Warnings: 3");
    assert_eq!(
        run(&e, &mut a, "SHOW WARNINGS"),
        "Warning|1062|Duplicate entry '1' for key 'g.PRIMARY'\n\
         Warning|1048|Column 'n' cannot be null\n\
         Warning|1264|Out of range value for column 'n' at row 4"
    );
    assert_eq!(
        run(&e, &mut a, "SELECT * FROM g ORDER BY id"),
        "1|1\n2|0\n3|127"
    );
    // Without IGNORE, strict mode makes them errors.
    assert_eq!(
        run(&e, &mut a, "INSERT INTO g VALUES (4, 300)"),
        "ERROR 1264: Out of range value for column 'n' at row 1"
    );
    assert_eq!(
        run(&e, &mut a, "INSERT INTO g VALUES (4, NULL)"),
        "ERROR 1048: Column 'n' cannot be null"
    );
}

#[test]
fn replace_counts_one_plus_the_rows_it_deleted() {
    let e = engine();
    let mut a = session(&e, 1);
    setup(
        &e,
        &mut a,
        &[
            "CREATE TABLE r (id INT PRIMARY KEY, u INT, v INT, UNIQUE KEY u (u))",
            "INSERT INTO r VALUES (1, 1, 0), (2, 2, 0)",
        ],
    );
    assert_eq!(ok(&e, &mut a, "REPLACE INTO r VALUES (3, 3, 0)").0, 1);
    assert_eq!(ok(&e, &mut a, "REPLACE INTO r VALUES (3, 3, 1)").0, 2);
    // One new row that collides with two: both go.
    assert_eq!(ok(&e, &mut a, "REPLACE INTO r VALUES (1, 2, 9)").0, 3);
    assert_eq!(
        run(&e, &mut a, "SELECT * FROM r ORDER BY id"),
        "1|2|9\n3|3|1"
    );
    let (affected, _, info) = ok(&e, &mut a, "REPLACE INTO r VALUES (3, 3, 2), (4, 4, 4)");
    assert_eq!(affected, 3);
    assert_eq!(info, "Records: 2  Duplicates: 1  Warnings: 0");
}

#[test]
fn only_multi_row_inserts_carry_an_info_string() {
    let e = engine();
    table_t(&e);
    let mut a = session(&e, 1);
    assert_eq!(ok(&e, &mut a, "INSERT INTO t VALUES (3, 30)").2, "");
    assert_eq!(
        ok(&e, &mut a, "INSERT INTO t VALUES (4, 40), (5, 50)").2,
        "Records: 2  Duplicates: 0  Warnings: 0"
    );
    setup(
        &e,
        &mut a,
        &["CREATE TABLE dv (id INT AUTO_INCREMENT PRIMARY KEY, v INT DEFAULT 7)"],
    );
    assert_eq!(
        ok(&e, &mut a, "INSERT INTO dv () VALUES ()"),
        (1, 1, String::new())
    );
    assert_eq!(ok(&e, &mut a, "INSERT INTO dv VALUES ()").1, 2);
    assert_eq!(run(&e, &mut a, "SELECT * FROM dv"), "1|7\n2|7");
}

// ---------------------------------------------------------------------------------------------
// UPDATE / DELETE

#[test]
fn update_reports_rows_matched_and_changed() {
    let e = engine();
    table_t(&e);
    let mut a = session(&e, 1);
    assert_eq!(
        ok(&e, &mut a, "UPDATE t SET v = 10"),
        (1, 0, "Rows matched: 2  Changed: 1  Warnings: 0".to_string())
    );
    assert_eq!(a.row_count, 1, "ROW_COUNT()");
    a.set_client_found_rows(true);
    assert_eq!(ok(&e, &mut a, "UPDATE t SET v = 10").0, 2);
    assert_eq!(
        ok(&e, &mut a, "UPDATE t SET v = 11 WHERE id = 99").2,
        "Rows matched: 0  Changed: 0  Warnings: 0"
    );
}

#[test]
fn update_assignments_see_the_ones_before_them() {
    let e = engine();
    table_t(&e);
    let mut a = session(&e, 1);
    ok(&e, &mut a, "UPDATE t SET v = v + 1, id = v WHERE id = 1");
    assert_eq!(
        run(&e, &mut a, "SELECT id, v FROM t ORDER BY id"),
        "2|20\n11|11"
    );
}

#[test]
fn update_and_delete_follow_order_by_and_limit() {
    let e = engine();
    let mut a = session(&e, 1);
    setup(
        &e,
        &mut a,
        &[
            "CREATE TABLE q (id INT PRIMARY KEY, v INT)",
            "INSERT INTO q VALUES (1, 3), (2, 1), (3, 2), (4, 5)",
        ],
    );
    assert_eq!(ok(&e, &mut a, "UPDATE q SET v = 0 ORDER BY v LIMIT 2").0, 2);
    assert_eq!(
        run(&e, &mut a, "SELECT id FROM q WHERE v = 0 ORDER BY id"),
        "2\n3"
    );
    assert_eq!(
        ok(&e, &mut a, "DELETE FROM q ORDER BY id DESC LIMIT 1").0,
        1
    );
    assert_eq!(ok(&e, &mut a, "DELETE FROM q WHERE v = 0 LIMIT 1").0, 1);
    assert_eq!(run(&e, &mut a, "SELECT id FROM q ORDER BY id"), "1\n3");
    // PRIMARY KEY shifts need the order that avoids collisions.
    assert_eq!(
        run(&e, &mut a, "UPDATE q SET id = id + 2"),
        "ERROR 1062: Duplicate entry '3' for key 'q.PRIMARY'"
    );
    assert_eq!(
        ok(&e, &mut a, "UPDATE q SET id = id + 2 ORDER BY id DESC").0,
        2
    );
    assert_eq!(run(&e, &mut a, "SELECT id FROM q ORDER BY id"), "3\n5");
}

#[test]
fn multi_table_update_and_delete_change_the_joined_rows() {
    let e = engine();
    let mut a = session(&e, 1);
    setup(
        &e,
        &mut a,
        &[
            "CREATE TABLE p (id INT PRIMARY KEY, price INT)",
            "CREATE TABLE m (id INT PRIMARY KEY, pid INT, price INT)",
            "INSERT INTO p VALUES (1, 0), (2, 0), (3, 0)",
            "INSERT INTO m VALUES (10, 1, 100), (11, 2, 200), (12, 2, 250)",
        ],
    );
    assert_eq!(
        ok(
            &e,
            &mut a,
            "UPDATE p JOIN m ON m.pid = p.id SET p.price = m.price WHERE m.price < 240"
        ),
        (2, 0, "Rows matched: 2  Changed: 2  Warnings: 0".to_string())
    );
    assert_eq!(
        run(&e, &mut a, "SELECT price FROM p ORDER BY id"),
        "100\n200\n0"
    );
    assert_eq!(
        run(&e, &mut a, "UPDATE p JOIN m ON m.pid = p.id SET price = 1"),
        "ERROR 1052: Column 'price' in field list is ambiguous"
    );
    assert_eq!(
        ok(
            &e,
            &mut a,
            "DELETE m FROM m JOIN p ON m.pid = p.id WHERE p.id = 2"
        )
        .0,
        2
    );
    assert_eq!(
        ok(
            &e,
            &mut a,
            "DELETE FROM x, y USING p AS x JOIN m AS y ON y.pid = x.id"
        )
        .0,
        2
    );
    assert_eq!(run(&e, &mut a, "SELECT id FROM p ORDER BY id"), "2\n3");
    assert_eq!(run(&e, &mut a, "SELECT COUNT(*) FROM m"), "0");
}

#[test]
fn on_update_current_timestamp_changes_only_when_the_row_changes() {
    let e = engine();
    let mut a = session(&e, 1);
    setup(
        &e,
        &mut a,
        &[
            "CREATE TABLE ts (id INT PRIMARY KEY, v INT, at DATETIME ON UPDATE CURRENT_TIMESTAMP)",
            "INSERT INTO ts VALUES (1, 1, '2000-01-01 00:00:00')",
        ],
    );
    ok(&e, &mut a, "UPDATE ts SET v = 1");
    assert_eq!(run(&e, &mut a, "SELECT at FROM ts"), "2000-01-01 00:00:00");
    ok(&e, &mut a, "UPDATE ts SET v = 2");
    let at = run(&e, &mut a, "SELECT at FROM ts");
    assert_ne!(at, "2000-01-01 00:00:00");
    assert_eq!(
        at.len(),
        "2000-01-01 00:00:00".len(),
        "{at}: no fraction at fsp 0"
    );
}
