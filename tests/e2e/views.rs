//! Writing through updatable views with the real server and mysql_async over verified TLS:
//! prepared UPDATE, INSERT and DELETE statements through a view WITH CHECK OPTION reach the
//! base table with its affected-row counts and LAST_INSERT_ID, and a row the view would not
//! show is refused with ERR 1369 as MySQL 8.4 sends it.

use mysql_async::prelude::Queryable;
use mysql_async::Conn;

use crate::util;

/// A root connection using database `vw` (created if needed).
async fn vw(port: u16) -> Conn {
    util::root_conn_in(port, "vw").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prepared_statements_write_through_a_view_with_check_option() {
    let server = util::start(util::config()).await;
    let mut conn = vw(server.local_addr().port()).await;
    conn.query_drop(
        "CREATE TABLE stock (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(20) NOT NULL, \
         qty INT NOT NULL, CHECK (qty < 1000))",
    )
    .await
    .unwrap();
    conn.query_drop("INSERT INTO stock (item, qty) VALUES ('bolt', 10), ('nut', 0), ('gear', 5)")
        .await
        .unwrap();
    conn.query_drop(
        "CREATE VIEW in_stock (n, what, amount) AS SELECT id, item, qty FROM stock WHERE qty > 0 \
         WITH CHECK OPTION",
    )
    .await
    .unwrap();

    // UPDATE through the view: only the rows it shows, by its column names.
    let update = conn
        .prep("UPDATE in_stock SET amount = amount + ? WHERE what <> ?")
        .await
        .unwrap();
    conn.exec_drop(&update, (5, "gear")).await.unwrap();
    assert_eq!(conn.affected_rows(), 1, "only bolt: nut is not in the view");
    let rows: Vec<(String, i32)> = conn
        .query("SELECT item, qty FROM stock ORDER BY id")
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![("bolt".into(), 15), ("nut".into(), 0), ("gear".into(), 5)]
    );
    // A row the view would no longer show: ERR 1369, nothing changed.
    let err = util::server_error(conn.exec_drop(&update, (-20, "gear")).await);
    assert_eq!(
        err,
        (
            1369,
            "HY000".into(),
            "CHECK OPTION failed 'vw.in_stock'".into()
        )
    );
    // The base table's CHECK constraint still holds through the view.
    let err = util::server_error(conn.exec_drop(&update, (2000, "x")).await);
    assert_eq!(err.0, 3819);
    let qty: Option<i32> = conn
        .exec_first("SELECT amount FROM in_stock WHERE n = ?", (1,))
        .await
        .unwrap();
    assert_eq!(qty, Some(15));

    // INSERT through the view: AUTO_INCREMENT and LAST_INSERT_ID are the base table's.
    let insert = conn
        .prep("INSERT INTO in_stock (what, amount) VALUES (?, ?)")
        .await
        .unwrap();
    conn.exec_drop(&insert, ("washer", 3)).await.unwrap();
    assert_eq!(conn.affected_rows(), 1);
    assert_eq!(conn.last_insert_id(), Some(4));
    let err = util::server_error(conn.exec_drop(&insert, ("spring", 0)).await);
    assert_eq!(err.0, 1369);

    // A column that is not updatable, and DELETE through the view.
    conn.query_drop("CREATE VIEW doubled AS SELECT id, qty * 2 AS twice FROM stock")
        .await
        .unwrap();
    let err = util::server_error(conn.exec_drop("UPDATE doubled SET twice = ?", (1,)).await);
    assert_eq!(
        err,
        (
            1348,
            "HY000".into(),
            "Column 'twice' is not updatable".into()
        )
    );
    conn.exec_drop("DELETE FROM in_stock WHERE amount < ?", (10,))
        .await
        .unwrap();
    assert_eq!(
        conn.affected_rows(),
        2,
        "gear and washer; nut is not in the view"
    );
    let left: Vec<String> = conn
        .query("SELECT item FROM stock ORDER BY id")
        .await
        .unwrap();
    assert_eq!(left, vec!["bolt".to_string(), "nut".to_string()]);
}
