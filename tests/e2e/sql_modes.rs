//! sql_mode NO_BACKSLASH_ESCAPES and ANSI_QUOTES over the wire: how literals read, and the
//! SERVER_STATUS_NO_BACKSLASH_ESCAPES status flag clients read to escape strings.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/sql-mode.html>

use myseal_wire::constants::StatusFlags;
use myseal_wire::response::OkPacket;
use mysql_async::prelude::Queryable;

use crate::util::{self, Raw};

const NBE: &str = "SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_backslash_escapes_reads_literals_and_sets_the_status_flag() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();

    // mysql_async: a literal with a backslash, before and under the mode.
    let mut conn = util::root_conn(port).await;
    let q = r"SELECT 'a\nb', LENGTH('a\nb'), 'it''s'";
    let before: Option<(String, u64, String)> = conn.query_first(q).await.unwrap();
    assert_eq!(before, Some(("a\nb".into(), 3, "it's".into())));
    conn.query_drop(NBE).await.unwrap();
    let after: Option<(String, u64, String)> = conn.query_first(q).await.unwrap();
    assert_eq!(after, Some((r"a\nb".into(), 4, "it's".into())));
    conn.query_drop("CREATE DATABASE d").await.unwrap();
    conn.query_drop("CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(40))")
        .await
        .unwrap();
    conn.query_drop(r"INSERT INTO d.t VALUES (1, 'C:\new\table\')")
        .await
        .unwrap();
    // Prepared with a parameter, and read back.
    conn.exec_drop("INSERT INTO d.t VALUES (2, ?)", (r"x\'y",))
        .await
        .unwrap();
    let rows: Vec<(i32, String)> = conn
        .query("SELECT id, v FROM d.t ORDER BY id")
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![(1, r"C:\new\table\".to_string()), (2, r"x\'y".to_string())]
    );
    drop(conn);

    // The raw protocol: the flag on OK and on the EOF-OK closing rows.
    let caps = util::client_caps();
    let flag = StatusFlags::SERVER_STATUS_NO_BACKSLASH_ESCAPES;
    let mut raw = Raw::login(port, "root", util::ROOT_PASSWORD).await;
    let ok = |p: myseal_wire::codec::Packet| OkPacket::decode(&p.payload, caps).unwrap();
    assert!(!ok(raw.query("DO 1").await).status_flags.contains(flag));
    assert!(ok(raw.query(NBE).await).status_flags.contains(flag));
    assert!(ok(raw.query("DO 1").await).status_flags.contains(flag));
    let first = raw.query("SELECT 1").await;
    assert_eq!(first.payload.first(), Some(&1));
    raw.read().await.expect("column definition");
    raw.read().await.expect("row");
    let end = ok(raw.read().await.expect("end of rows"));
    assert!(end.status_flags.contains(flag));
    // Bytes that are not UTF-8 after a backslash: the backslash is kept, as a byte.
    raw.seq = 0;
    raw.write(b"\x03SELECT HEX('\\\xFF')").await;
    let count = raw.read().await.expect("column count");
    assert_eq!(
        count.payload.first(),
        Some(&1),
        "{:?}",
        util::err_of(&count)
    );
    raw.read().await.expect("column definition");
    let row = raw.read().await.expect("row");
    let row = myseal_wire::resultset::decode_text_row(&row.payload, 1).unwrap();
    assert_eq!(row[0].as_deref(), Some(&b"5CFF"[..]));
    raw.read().await.expect("end of rows");
    let cleared = ok(raw.query("SET sql_mode = DEFAULT").await);
    assert!(!cleared.status_flags.contains(flag));
    // The greeting carries the flag when the global sql_mode has the mode.
    assert!(!Raw::connect(port)
        .await
        .greeting()
        .await
        .status_flags
        .contains(flag));
    ok(raw
        .query("SET GLOBAL sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')")
        .await);
    assert!(Raw::connect(port)
        .await
        .greeting()
        .await
        .status_flags
        .contains(flag));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ansi_quotes_reads_double_quotes_as_identifiers() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::root_conn(port).await;
    conn.query_drop("CREATE DATABASE d").await.unwrap();
    conn.query_drop("CREATE TABLE d.t (x INT)").await.unwrap();
    conn.query_drop("INSERT INTO d.t VALUES (7)").await.unwrap();
    let s: Option<String> = conn.query_first(r#"SELECT "x" FROM d.t"#).await.unwrap();
    assert_eq!(s.as_deref(), Some("x"));
    conn.query_drop("SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")
        .await
        .unwrap();
    let v: Option<i64> = conn.query_first(r#"SELECT "x" FROM d."t""#).await.unwrap();
    assert_eq!(v, Some(7));
    let e = conn
        .query_drop(r#"SELECT "nope" FROM d.t"#)
        .await
        .unwrap_err();
    assert_eq!(util::server_code(&e), Some(1054));
    server.shutdown().await;
}
