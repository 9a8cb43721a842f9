//! Test isolation over the wire: a seeded database cloned per test with `CREATE DATABASE ...
//! CLONE`, and the whole server snapshotted and restored through the embedding API while
//! clients are connected.

use mysql_async::prelude::Queryable;

use crate::util;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seeded_database_is_cloned_per_test_over_the_wire() {
    let server = util::start(util::config()).await;
    let mut conn = util::root_conn(server.local_addr().port()).await;
    for sql in [
        "CREATE DATABASE seed",
        "CREATE TABLE seed.users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(50) UNIQUE)",
        "INSERT INTO seed.users (email) VALUES ('a@x'), ('b@x')",
    ] {
        conn.query_drop(sql).await.unwrap();
    }
    for n in 0..3 {
        let db = format!("test_{n}");
        conn.query_drop(format!("CREATE DATABASE {db} CLONE seed"))
            .await
            .unwrap();
        assert_eq!(conn.affected_rows(), 1);
        conn.query_drop(format!("USE {db}")).await.unwrap();
        conn.exec_drop("INSERT INTO users (email) VALUES (?)", ("c@x",))
            .await
            .unwrap();
        let ids: Vec<(i32, String)> = conn
            .query("SELECT id, email FROM users ORDER BY id")
            .await
            .unwrap();
        // Every clone starts from the seed: same rows, same next AUTO_INCREMENT.
        assert_eq!(
            ids,
            vec![(1, "a@x".into()), (2, "b@x".into()), (3, "c@x".into())]
        );
        // The UNIQUE index came along.
        let dup = conn
            .query_drop("INSERT INTO users (email) VALUES ('a@x')")
            .await;
        assert_eq!(dup.as_ref().err().and_then(util::server_code), Some(1062));
        conn.query_drop(format!("DROP DATABASE {db}"))
            .await
            .unwrap();
    }
    let seed: Vec<i64> = conn.query("SELECT COUNT(*) FROM seed.users").await.unwrap();
    assert_eq!(seed, vec![2]);
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_undoes_what_connected_clients_committed() {
    let server = util::start(util::config()).await;
    let mut conn = util::root_conn(server.local_addr().port()).await;
    for sql in [
        "CREATE DATABASE app",
        "CREATE TABLE app.t (id INT PRIMARY KEY, v INT)",
        "INSERT INTO app.t VALUES (1, 10)",
    ] {
        conn.query_drop(sql).await.unwrap();
    }
    let snap = server.snapshot();
    conn.query_drop("UPDATE app.t SET v = 99").await.unwrap();
    conn.query_drop("CREATE DATABASE scratch").await.unwrap();
    // A statement prepared before the restore is planned again after it.
    let stmt = conn.prep("SELECT v FROM app.t WHERE id = ?").await.unwrap();
    let v: Option<i32> = conn.exec_first(&stmt, (1,)).await.unwrap();
    assert_eq!(v, Some(99));
    server.restore(&snap).unwrap();
    let v: Option<i32> = conn.exec_first(&stmt, (1,)).await.unwrap();
    assert_eq!(v, Some(10));
    let dbs: Vec<String> = conn.query("SHOW DATABASES LIKE 'scratch'").await.unwrap();
    assert!(dbs.is_empty());
    // A clone takes what is committed.
    conn.query_drop("BEGIN").await.unwrap();
    conn.query_drop("UPDATE app.t SET v = 11").await.unwrap();
    conn.query_drop("COMMIT").await.unwrap();
    server.clone_database("app", "app_copy").unwrap();
    let copy: Option<i32> = conn.query_first("SELECT v FROM app_copy.t").await.unwrap();
    assert_eq!(copy, Some(11));
    assert_eq!(
        server.clone_database("app", "app_copy").map_err(|e| e.code),
        Err(1007)
    );
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}
