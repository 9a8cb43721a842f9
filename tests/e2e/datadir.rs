//! `--datadir`: the whole state survives a restart exactly, FLUSH TABLES saves it, and a
//! damaged, cut or foreign state file stops the start with a clear error and is left alone.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use myseal_server::{Server, ServerError, STATE_FILE};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, Value};

use crate::util;

/// A fresh directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "myseal-datadir-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn start_in(dir: &Path) -> Result<Server, ServerError> {
    let mut config = util::config();
    config.datadir = Some(dir.to_path_buf());
    Server::start(config).await
}

async fn values(conn: &mut Conn, sql: &str) -> Vec<Vec<Value>> {
    let rows: Vec<Row> = conn
        .query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    rows.into_iter().map(Row::unwrap).collect()
}

/// Everything a client can see of the state: definitions, rows, accounts and grants.
async fn everything(conn: &mut Conn) -> Vec<(String, Vec<Vec<Value>>)> {
    let mut out = Vec::new();
    for sql in [
        "SHOW CREATE DATABASE shop",
        "SHOW CREATE TABLE shop.parent",
        "SHOW CREATE TABLE shop.t",
        "SHOW CREATE VIEW shop.v",
        "SHOW CREATE VIEW shop.a_v",
        "SELECT * FROM shop.parent ORDER BY id",
        "SELECT * FROM shop.t ORDER BY id",
        "SELECT id, HEX(b), HEX(vb), HEX(txt), HEX(j) FROM shop.t ORDER BY id",
        "SELECT * FROM shop.a_v",
        "SELECT AUTO_INCREMENT FROM information_schema.TABLES WHERE TABLE_NAME = 'parent'",
        "SHOW CREATE USER app",
        "SHOW CREATE USER reader",
        "SHOW GRANTS FOR app",
        "SHOW GRANTS FOR app USING reader",
        "SHOW GRANTS FOR reader",
        "SELECT * FROM mysql.default_roles",
        "SELECT User, Host FROM mysql.user ORDER BY User, Host",
    ] {
        out.push((sql.to_string(), values(conn, sql).await));
    }
    out
}

const SETUP: &[&str] = &[
    "CREATE DATABASE shop CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
    "CREATE TABLE shop.parent (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, \
     UNIQUE KEY uq_name (name))",
    "CREATE TABLE shop.t (id BIGINT UNSIGNED PRIMARY KEY, d DECIMAL(30,10), f DOUBLE, \
     fl FLOAT, dt DATETIME(6), tm TIME(6), dd DATE, ts TIMESTAMP(3) NULL, j JSON, b BLOB, \
     vb VARBINARY(16), txt TEXT, n INT NULL, parent_id INT, \
     g INT GENERATED ALWAYS AS (n * 2) STORED, \
     CONSTRAINT n_ok CHECK (n IS NULL OR n >= 0), KEY k_dt (dt), \
     CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES shop.parent (id) ON DELETE CASCADE)",
    "INSERT INTO shop.parent (name) VALUES ('a'), ('b'), ('c')",
    // The counter stays at 4 after the highest row goes.
    "DELETE FROM shop.parent WHERE id = 3",
    "INSERT INTO shop.t (id, d, f, fl, dt, tm, dd, ts, j, b, vb, txt, n, parent_id) VALUES \
     (18446744073709551615, -12345678901234567890.0123456789, 1e-1 + 2e-1, 3.14159, \
      '2024-02-29 23:59:59.999999', '-838:59:59.000000', '1000-01-01', \
      '2038-01-19 03:14:07.123', '{\"a\": [1, 2.5, \"x\"], \"b\": null, \"c\": \"\\\\u00e9\"}', \
      X'00FF275C0A0D1A22', X'', 'it''s \\\\ \"q\" \\n😀 ñ', 7, 1), \
     (1, 0.0000000001, 1e300, -0, '1000-01-01 00:00:00', '00:00:00.000001', '9999-12-31', \
      NULL, '[]', NULL, X'41', '', NULL, NULL), \
     (2, NULL, -2.5e-300, NULL, NULL, '838:59:59', NULL, NULL, NULL, X'', NULL, NULL, 0, 2)",
    "CREATE VIEW shop.v AS SELECT id, n, g FROM shop.t WHERE n IS NOT NULL",
    // Sorts before the view it reads.
    "CREATE VIEW shop.a_v AS SELECT COUNT(*) AS c, SUM(g) AS s FROM shop.v",
    "CREATE USER app@'%' IDENTIFIED BY 'app-pw' REQUIRE SSL",
    "GRANT SELECT, INSERT ON shop.* TO app@'%'",
    "CREATE ROLE reader",
    "GRANT SELECT ON shop.t TO reader",
    "GRANT reader TO app@'%'",
    "SET DEFAULT ROLE reader TO app@'%'",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_state_survives_a_restart_exactly() {
    let dir = TempDir::new("restart");
    let server = start_in(&dir.0).await.unwrap();
    assert!(
        dir.0.join(STATE_FILE).is_file(),
        "a new data directory is saved at once"
    );
    let mut conn = util::root_conn(server.local_addr().port()).await;
    for sql in SETUP {
        conn.query_drop(*sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
    }
    let before = everything(&mut conn).await;
    drop(conn);
    server.shutdown().await;

    let server = start_in(&dir.0).await.unwrap();
    let port = server.local_addr().port();
    let mut conn = util::root_conn(port).await;
    let after = everything(&mut conn).await;
    for ((sql, b), (_, a)) in before.iter().zip(&after) {
        assert_eq!(b, a, "{sql}");
    }
    // The AUTO_INCREMENT counter, the CHECK, the FOREIGN KEY and the generated column work.
    conn.query_drop("INSERT INTO shop.parent (name) VALUES ('d')")
        .await
        .unwrap();
    let id: Option<i64> = conn
        .query_first("SELECT id FROM shop.parent WHERE name = 'd'")
        .await
        .unwrap();
    assert_eq!(id, Some(4));
    let err = conn
        .query_drop("INSERT INTO shop.t (id, n) VALUES (10, -1)")
        .await
        .unwrap_err();
    assert_eq!(util::server_code(&err), Some(3819), "{err:?}");
    let err = conn
        .query_drop("INSERT INTO shop.t (id, parent_id) VALUES (10, 99)")
        .await
        .unwrap_err();
    assert_eq!(util::server_code(&err), Some(1452), "{err:?}");
    conn.query_drop("INSERT INTO shop.t (id, n) VALUES (10, 21)")
        .await
        .unwrap();
    let g: Option<i64> = conn
        .query_first("SELECT g FROM shop.t WHERE id = 10")
        .await
        .unwrap();
    assert_eq!(g, Some(42));
    // The account logs in with its password (its hash was kept) and has its default role.
    let mut app = mysql_async::Conn::new(util::mysql_async_opts(
        port,
        "app",
        "app-pw",
        Some(util::verified_ssl()),
    ))
    .await
    .unwrap();
    let role: Option<String> = app.query_first("SELECT CURRENT_ROLE()").await.unwrap();
    assert_eq!(role.as_deref(), Some("`reader`@`%`"));
    let n: Option<i64> = app
        .query_first("SELECT COUNT(*) FROM shop.t")
        .await
        .unwrap();
    assert_eq!(n, Some(4));
    drop(app);
    drop(conn);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flush_tables_saves_the_state_and_flush_tables_with_read_lock_does_not() {
    let dir = TempDir::new("flush");
    let server = start_in(&dir.0).await.unwrap();
    let mut conn = util::root_conn(server.local_addr().port()).await;
    conn.query_drop("CREATE DATABASE f").await.unwrap();
    conn.query_drop("CREATE TABLE f.t (id INT PRIMARY KEY, s VARCHAR(10))")
        .await
        .unwrap();
    conn.query_drop("INSERT INTO f.t VALUES (1, 'one')")
        .await
        .unwrap();
    conn.query_drop("FLUSH TABLES").await.unwrap();
    let saved = std::fs::read(dir.0.join(STATE_FILE)).unwrap();
    conn.query_drop("INSERT INTO f.t VALUES (2, 'two')")
        .await
        .unwrap();
    conn.query_drop("FLUSH TABLES WITH READ LOCK")
        .await
        .unwrap();
    conn.query_drop("UNLOCK TABLES").await.unwrap();
    assert_eq!(
        std::fs::read(dir.0.join(STATE_FILE)).unwrap(),
        saved,
        "FLUSH TABLES WITH READ LOCK does not save"
    );

    // A copy of what FLUSH TABLES wrote, loaded by a second server while the first runs.
    let copy = TempDir::new("flush-copy");
    std::fs::create_dir_all(&copy.0).unwrap();
    std::fs::write(copy.0.join(STATE_FILE), &saved).unwrap();
    let second = start_in(&copy.0).await.unwrap();
    let mut c2 = util::root_conn(second.local_addr().port()).await;
    let rows: Vec<(i64, String)> = c2.query("SELECT id, s FROM f.t").await.unwrap();
    assert_eq!(rows, [(1, "one".to_string())]);
    drop(c2);
    second.shutdown().await;

    conn.query_drop("FLUSH TABLES f.t").await.unwrap();
    let text = std::fs::read_to_string(dir.0.join(STATE_FILE)).unwrap();
    assert!(text.contains("'two'"), "FLUSH TABLES t saves too");
    drop(conn);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_cut_or_foreign_state_file_stops_the_start_and_is_left_alone() {
    let dir = TempDir::new("damaged");
    let server = start_in(&dir.0).await.unwrap();
    let mut conn = util::root_conn(server.local_addr().port()).await;
    conn.query_drop("CREATE DATABASE keep").await.unwrap();
    conn.query_drop("CREATE TABLE keep.t (id INT PRIMARY KEY, s TEXT)")
        .await
        .unwrap();
    conn.query_drop("INSERT INTO keep.t VALUES (1, 'good'), (2, 'state')")
        .await
        .unwrap();
    drop(conn);
    server.shutdown().await;
    let file = dir.0.join(STATE_FILE);
    let good = std::fs::read(&file).unwrap();

    // A crash in the middle of a save leaves a partial temporary file: it is ignored.
    std::fs::write(
        dir.0.join(format!("{STATE_FILE}.tmp")),
        good.get(..good.len() / 2).unwrap(),
    )
    .unwrap();

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x01;
    let mut newer = b"-- myseal datadir format 99\n".to_vec();
    newer.extend_from_slice(
        good.get(good.iter().position(|b| *b == b'\n').unwrap() + 1..)
            .unwrap(),
    );
    for (bad, why) in [
        (good.get(..good.len() / 2).unwrap().to_vec(), "incomplete"),
        (good.get(..good.len() - 3).unwrap().to_vec(), "incomplete"),
        (flipped, "damaged"),
        (newer, "newer myseal (format 99"),
        (
            b"CREATE DATABASE x;\n".to_vec(),
            "not a myseal datadir file",
        ),
        (Vec::new(), "empty"),
        (vec![0xff, 0xfe, 0x00], "not UTF-8"),
    ] {
        std::fs::write(&file, &bad).unwrap();
        let err = match start_in(&dir.0).await {
            Ok(s) => {
                s.shutdown().await;
                panic!("started from a bad file ({why})");
            }
            Err(e) => e,
        };
        assert!(matches!(err, ServerError::Datadir(_)), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(why), "{why}: {text}");
        assert!(text.contains(STATE_FILE), "{text}");
        assert_eq!(
            std::fs::read(&file).unwrap(),
            bad,
            "the file is left as it was"
        );
    }

    std::fs::write(&file, &good).unwrap();
    let server = start_in(&dir.0).await.unwrap();
    let mut conn = util::root_conn(server.local_addr().port()).await;
    let rows: Vec<(i64, String)> = conn
        .query("SELECT id, s FROM keep.t ORDER BY id")
        .await
        .unwrap();
    assert_eq!(rows, [(1, "good".to_string()), (2, "state".to_string())]);
    drop(conn);
    server.shutdown().await;
}
