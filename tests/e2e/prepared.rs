//! Prepared statements over the binary protocol, with the clients' own prepare/execute paths
//! (sqlx's `query().bind()`, mysql_async's `exec*`).

use mysql_async::prelude::Queryable;
use sqlx::{Connection, Row};

use crate::util;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlx_query_with_binds_uses_prepared_statements() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::sqlx_connect(port).await.unwrap();
    let row = sqlx::query("SELECT ? + 1 AS n, CONCAT(?, '!') AS s, ? AS nothing, ? * 2 AS d")
        .bind(41_i64)
        .bind("it's \\ quoted")
        .bind(Option::<i64>::None)
        .bind(1.25_f64)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let n: i64 = row.try_get("n").unwrap();
    let s: String = row.try_get("s").unwrap();
    let nothing: Option<i64> = row.try_get("nothing").unwrap();
    let d: f64 = row.try_get("d").unwrap();
    assert_eq!(
        (n, s.as_str(), nothing, d),
        (42, "it's \\ quoted!", None, 2.5)
    );
    // Without parameters, and a statement that returns no rows.
    let one: i64 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(one, 1);
    sqlx::query("SET @greeting = ?")
        .bind("hello")
        .execute(&mut conn)
        .await
        .unwrap();
    let g: String = sqlx::query_scalar("SELECT @greeting")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(g, "hello");
    // A syntax error comes back at prepare time and the connection survives.
    let err = sqlx::query("SELEKT ?")
        .bind(1)
        .fetch_one(&mut conn)
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().and_then(|e| e.code()).as_deref(),
        Some("42000")
    );
    let v: String = sqlx::query_scalar("SELECT ?")
        .bind("after error")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(v, "after error");
    conn.close().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_async_exec_binds_every_kind_of_value() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::root_conn(port).await;
    type Six = (i64, u64, f64, String, Option<String>, Vec<u8>);
    let row: Option<Six> = conn
        .exec_first(
            "SELECT ?, ?, ?, ?, ?, ?",
            (
                -7_i64,
                u64::MAX,
                0.5_f64,
                "naïve 'quote'",
                Option::<String>::None,
                vec![0u8, 255, 39],
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        row,
        Some((
            -7,
            u64::MAX,
            0.5,
            "naïve 'quote'".to_string(),
            None,
            vec![0u8, 255, 39]
        ))
    );
    // The same statement executed again with other values (statement cache + remembered types).
    let stmt = conn.prep("SELECT ? * 2").await.unwrap();
    for i in 0..3_i64 {
        let v: Option<i64> = conn.exec_first(&stmt, (i,)).await.unwrap();
        assert_eq!(v, Some(i * 2));
    }
    conn.close(stmt).await.unwrap();
    // Wrong parameter count is the client's error; an unknown variable is the server's.
    let err = conn
        .exec_drop("SELECT @@no_such_variable_here, ?", (1,))
        .await
        .unwrap_err();
    match err {
        mysql_async::Error::Server(e) => assert_eq!(e.code, 1193),
        other => panic!("{other:?}"),
    }
    let ok: Option<i64> = conn.exec_first("SELECT ?", (5,)).await.unwrap();
    assert_eq!(ok, Some(5));
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}
