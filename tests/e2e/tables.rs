//! Tables over verified TLS with mysql_async: exact types back over the text and the binary
//! protocol, parameters, transactions, MySQL's errors, row locks between two connections, and a
//! client that vanishes mid-transaction.

use std::time::Duration;

use mysql_async::consts::{ColumnFlags, ColumnType};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, TxOpts, Value};

use crate::util;

/// A root connection using database `shop` (created if needed).
async fn shop(port: u16) -> Conn {
    util::root_conn_in(port, "shop").await
}

const TYPED: &str = "CREATE TABLE typed (
    id INT PRIMARY KEY,
    big BIGINT UNSIGNED,
    price DECIMAL(10,2),
    ratio DOUBLE,
    name VARCHAR(20),
    at DATETIME(6),
    day DATE,
    span TIME,
    data BLOB
)";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_table_keeps_exact_types_for_parameters_and_both_protocols() {
    let server = util::start(util::config()).await;
    let mut conn = shop(server.local_addr().port()).await;
    conn.query_drop(TYPED).await.unwrap();
    let params: Vec<Value> = vec![
        Value::Int(1),
        Value::UInt(u64::MAX),
        Value::from("12.50"),
        Value::Double(2.5),
        Value::from("crab 🦀 naïve"),
        Value::Date(2024, 2, 29, 13, 45, 6, 123_456),
        Value::Date(2024, 2, 29, 0, 0, 0, 0),
        Value::Time(false, 0, 12, 34, 56, 0),
        Value::Bytes(vec![0, 255, 39, 10]),
    ];
    conn.exec_drop(
        "INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params,
    )
    .await
    .unwrap();
    assert_eq!(conn.affected_rows(), 1);

    let expected_types = [
        ColumnType::MYSQL_TYPE_LONG,
        ColumnType::MYSQL_TYPE_LONGLONG,
        ColumnType::MYSQL_TYPE_NEWDECIMAL,
        ColumnType::MYSQL_TYPE_DOUBLE,
        ColumnType::MYSQL_TYPE_VAR_STRING,
        ColumnType::MYSQL_TYPE_DATETIME,
        ColumnType::MYSQL_TYPE_DATE,
        ColumnType::MYSQL_TYPE_TIME,
        ColumnType::MYSQL_TYPE_BLOB,
    ];
    let check_columns = |row: &Row| {
        let columns = row.columns_ref();
        let types: Vec<ColumnType> = columns.iter().map(|c| c.column_type()).collect();
        assert_eq!(types, expected_types);
        assert!(columns[1].flags().contains(ColumnFlags::UNSIGNED_FLAG));
        assert!(columns[0].flags().contains(ColumnFlags::PRI_KEY_FLAG));
        assert_eq!(columns[2].decimals(), 2);
        assert_eq!(columns[5].decimals(), 6);
    };

    // Binary protocol: typed values.
    let rows: Vec<Row> = conn
        .exec("SELECT * FROM typed WHERE id = ?", (1,))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    check_columns(&rows[0]);
    let values: Vec<Value> = rows[0].clone().unwrap();
    assert_eq!(
        values,
        vec![
            Value::Int(1),
            Value::UInt(u64::MAX),
            Value::Bytes(b"12.50".to_vec()),
            Value::Double(2.5),
            Value::Bytes("crab 🦀 naïve".as_bytes().to_vec()),
            Value::Date(2024, 2, 29, 13, 45, 6, 123_456),
            Value::Date(2024, 2, 29, 0, 0, 0, 0),
            Value::Time(false, 0, 12, 34, 56, 0),
            Value::Bytes(vec![0, 255, 39, 10]),
        ]
    );

    // Text protocol: MySQL's renderings.
    let rows: Vec<Row> = conn.query("SELECT * FROM typed").await.unwrap();
    check_columns(&rows[0]);
    let texts: Vec<Value> = rows[0].clone().unwrap();
    let text = |s: &str| Value::Bytes(s.as_bytes().to_vec());
    assert_eq!(
        texts,
        vec![
            text("1"),
            text("18446744073709551615"),
            text("12.50"),
            text("2.5"),
            text("crab 🦀 naïve"),
            text("2024-02-29 13:45:06.123456"),
            text("2024-02-29"),
            text("12:34:56"),
            Value::Bytes(vec![0, 255, 39, 10]),
        ]
    );
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn inserts_report_ids_counts_and_info_as_mysql_does() {
    let server = util::start(util::config()).await;
    let mut conn = shop(server.local_addr().port()).await;
    conn.query_drop(
        "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) UNIQUE, n INT)",
    )
    .await
    .unwrap();
    conn.exec_drop(
        "INSERT INTO items (name, n) VALUES (?, ?), (?, ?)",
        ("a", 1, "b", 2),
    )
    .await
    .unwrap();
    assert_eq!(conn.affected_rows(), 2);
    assert_eq!(conn.last_insert_id(), Some(1));
    assert_eq!(
        conn.info().as_ref(),
        "Records: 2  Duplicates: 0  Warnings: 0"
    );
    conn.query_drop("INSERT INTO items (name, n) VALUES ('a', 5) AS new ON DUPLICATE KEY UPDATE n = items.n + new.n")
        .await
        .unwrap();
    assert_eq!(conn.affected_rows(), 2);
    conn.query_drop("UPDATE items SET n = n * 2").await.unwrap();
    assert_eq!(conn.affected_rows(), 2);
    assert_eq!(
        conn.info().as_ref(),
        "Rows matched: 2  Changed: 2  Warnings: 0"
    );
    let ns: Vec<(String, i32)> = conn
        .query("SELECT name, n FROM items ORDER BY id")
        .await
        .unwrap();
    assert_eq!(ns, vec![("a".to_string(), 12), ("b".to_string(), 4)]);
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rolled_back_transaction_leaves_nothing_and_a_committed_one_stays() {
    let server = util::start(util::config()).await;
    let mut conn = shop(server.local_addr().port()).await;
    conn.query_drop("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
        .await
        .unwrap();
    let mut tx = conn.start_transaction(TxOpts::default()).await.unwrap();
    tx.exec_drop("INSERT INTO t VALUES (?, ?)", (1, 10))
        .await
        .unwrap();
    let inside: Option<i64> = tx.query_first("SELECT COUNT(*) FROM t").await.unwrap();
    assert_eq!(inside, Some(1));
    tx.rollback().await.unwrap();
    let after: Option<i64> = conn.query_first("SELECT COUNT(*) FROM t").await.unwrap();
    assert_eq!(after, Some(0));
    let mut tx = conn.start_transaction(TxOpts::default()).await.unwrap();
    tx.exec_drop("INSERT INTO t VALUES (?, ?)", (2, 20))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let v: Option<i32> = conn
        .query_first("SELECT v FROM t WHERE id = 2")
        .await
        .unwrap();
    assert_eq!(v, Some(20));
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn duplicate_keys_and_unknown_tables_get_mysql_errors_and_the_connection_lives() {
    let server = util::start(util::config()).await;
    let mut conn = shop(server.local_addr().port()).await;
    conn.query_drop("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
        .await
        .unwrap();
    conn.query_drop("INSERT INTO t VALUES (5, 1)")
        .await
        .unwrap();
    assert_eq!(
        util::server_error(conn.query_drop("INSERT INTO t VALUES (5, 2)").await),
        (
            1062,
            "23000".to_string(),
            "Duplicate entry '5' for key 't.PRIMARY'".to_string()
        )
    );
    assert_eq!(
        util::server_error(conn.exec_drop("INSERT INTO t VALUES (?, ?)", (5, 3)).await),
        (
            1062,
            "23000".to_string(),
            "Duplicate entry '5' for key 't.PRIMARY'".to_string()
        )
    );
    assert_eq!(
        util::server_error(conn.query_drop("SELECT * FROM nope").await),
        (
            1146,
            "42S02".to_string(),
            "Table 'shop.nope' doesn't exist".to_string()
        )
    );
    let v: Option<i32> = conn
        .query_first("SELECT v FROM t WHERE id = 5")
        .await
        .unwrap();
    assert_eq!(v, Some(1));
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_second_connection_waits_for_a_row_lock_until_the_first_commits() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = shop(port).await;
    let mut b = shop(port).await;
    a.query_drop("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
        .await
        .unwrap();
    a.query_drop("INSERT INTO t VALUES (1, 10)").await.unwrap();
    a.query_drop("BEGIN").await.unwrap();
    a.query_drop("UPDATE t SET v = v + 1 WHERE id = 1")
        .await
        .unwrap();

    // A short wait gives up with 1205, and the transaction of `b` survives it.
    b.query_drop("SET innodb_lock_wait_timeout = 1")
        .await
        .unwrap();
    b.query_drop("BEGIN").await.unwrap();
    assert_eq!(
        util::server_error(b.query_drop("UPDATE t SET v = v + 1 WHERE id = 1").await),
        (
            1205,
            "HY000".to_string(),
            "Lock wait timeout exceeded; try restarting transaction".to_string()
        )
    );
    b.query_drop("ROLLBACK").await.unwrap();

    // A longer wait ends when `a` commits, and `b` then updates `a`'s committed row.
    b.query_drop("SET innodb_lock_wait_timeout = 30")
        .await
        .unwrap();
    let mut waiting = tokio::spawn(async move {
        let r = b.query_drop("UPDATE t SET v = v + 1 WHERE id = 1").await;
        (b, r)
    });
    let still_waiting = tokio::time::timeout(Duration::from_millis(300), &mut waiting).await;
    assert!(
        still_waiting.is_err(),
        "the update did not wait for the lock"
    );
    a.query_drop("COMMIT").await.unwrap();
    let (mut b, r) = waiting.await.unwrap();
    r.unwrap();
    assert_eq!(b.affected_rows(), 1);
    let v: Option<i32> = b.query_first("SELECT v FROM t WHERE id = 1").await.unwrap();
    assert_eq!(v, Some(12));
    a.disconnect().await.unwrap();
    b.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_that_vanishes_mid_transaction_is_rolled_back_and_its_locks_released() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut a = shop(port).await;
    let mut b = shop(port).await;
    a.query_drop("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
        .await
        .unwrap();
    a.query_drop("INSERT INTO t VALUES (1, 10)").await.unwrap();
    a.query_drop("BEGIN").await.unwrap();
    a.query_drop("UPDATE t SET v = 99 WHERE id = 1")
        .await
        .unwrap();
    drop(a);
    // The update waits (at most 20 s) until the server has noticed and dropped the session.
    b.query_drop("SET innodb_lock_wait_timeout = 20")
        .await
        .unwrap();
    b.query_drop("UPDATE t SET v = v + 1 WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(b.affected_rows(), 1);
    let v: Option<i32> = b.query_first("SELECT v FROM t WHERE id = 1").await.unwrap();
    assert_eq!(v, Some(11));
    b.disconnect().await.unwrap();
    server.shutdown().await;
}
