//! Character sets over the wire: statement text and string parameters in
//! `character_set_client`, result text, column names and column definitions in
//! `character_set_results`, and the handshake's collation byte, with mysql_async and a raw
//! client over verified TLS.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/charset-connection.html>

use myseal_wire::connect::HandshakeResponse41;
use myseal_wire::resultset::{decode_text_row, ColumnDefinition41};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, Value};

use crate::util::{self, Raw};

/// A column as a client sees it: name bytes, collation id, length.
type Meta = (Vec<u8>, u16, u32);

fn meta(columns: Option<std::sync::Arc<[mysql_async::Column]>>) -> Vec<Meta> {
    columns
        .map(|cs| {
            cs.iter()
                .map(|c| (c.name_ref().to_vec(), c.character_set(), c.column_length()))
                .collect()
        })
        .unwrap_or_default()
}

fn bytes(rows: Vec<Row>) -> Vec<Vec<Vec<u8>>> {
    rows.into_iter()
        .map(|r| {
            r.unwrap()
                .into_iter()
                .map(|v| match v {
                    Value::Bytes(b) => b,
                    other => panic!("not bytes: {other:?}"),
                })
                .collect()
        })
        .collect()
}

/// A text query given as bytes: its columns and rows (every value bytes).
async fn text(conn: &mut Conn, q: &[u8]) -> (Vec<Meta>, Vec<Vec<Vec<u8>>>) {
    let mut r = conn.query_iter(q).await.unwrap();
    let m = meta(r.columns());
    let rows: Vec<Row> = r.collect().await.unwrap();
    (m, bytes(rows))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_latin1_session_sends_cp1252_and_reads_it_back_in_either_charset() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::root_conn_in(port, "cs").await;
    conn.query_drop(
        "CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(10), \
         l VARCHAR(10) CHARACTER SET latin1)",
    )
    .await
    .unwrap();

    // cp1252 statement bytes ('café €'), and a string parameter in latin1 ('été').
    conn.query_drop("SET NAMES latin1").await.unwrap();
    conn.query_drop(&b"INSERT INTO t VALUES (1, 'caf\xE9 \x80', _utf8mb4'\xC3\xA9')"[..])
        .await
        .unwrap();
    conn.exec_drop(
        "INSERT INTO t VALUES (2, ?, ?)",
        (b"\xE9t\xE9".to_vec(), b"\x80".to_vec()),
    )
    .await
    .unwrap();

    // Under latin1 results: latin1 bytes, '?' for what latin1 lacks, collation 8, lengths in
    // latin1 bytes, column names converted too.
    let (m, rows) = text(
        &mut conn,
        b"SELECT u, l, _utf8mb4'\xE4\xB8\xAD' AS `\xE9` FROM t ORDER BY id",
    )
    .await;
    assert_eq!(
        m,
        vec![
            (b"u".to_vec(), 8, 10),
            (b"l".to_vec(), 8, 10),
            (b"\xE9".to_vec(), 8, 1)
        ]
    );
    assert_eq!(
        rows,
        vec![
            vec![b"caf\xE9 \x80".to_vec(), b"\xE9".to_vec(), b"?".to_vec()],
            vec![b"\xE9t\xE9".to_vec(), b"\x80".to_vec(), b"?".to_vec()],
        ]
    );

    // Under utf8mb4: the same text as UTF-8, collation 255, 4 bytes per character.
    conn.query_drop("SET NAMES utf8mb4").await.unwrap();
    let (m, rows) = text(
        &mut conn,
        b"SELECT u, l, LENGTH(u), LENGTH(l) FROM t ORDER BY id",
    )
    .await;
    assert_eq!(m[..2], [(b"u".to_vec(), 255, 40), (b"l".to_vec(), 255, 40)]);
    assert_eq!(
        rows,
        vec![
            vec![
                "café €".as_bytes().to_vec(),
                "é".as_bytes().to_vec(),
                b"9".to_vec(),
                b"1".to_vec()
            ],
            vec![
                "été".as_bytes().to_vec(),
                "€".as_bytes().to_vec(),
                b"5".to_vec(),
                b"1".to_vec()
            ],
        ]
    );

    // The binary protocol converts too; binary columns never do.
    conn.query_drop("SET character_set_results = latin1")
        .await
        .unwrap();
    let mut r = conn
        .exec_iter(
            "SELECT u, l, CAST(u AS BINARY) AS b FROM t WHERE id = ?",
            (1,),
        )
        .await
        .unwrap();
    let m = meta(r.columns());
    let rows: Vec<Row> = r.collect().await.unwrap();
    assert_eq!((m[0].1, m[1].1, m[2].1), (8, 8, 63));
    assert_eq!(
        bytes(rows),
        vec![vec![
            b"caf\xE9 \x80".to_vec(),
            b"\xE9".to_vec(),
            "café €".as_bytes().to_vec()
        ]]
    );

    // character_set_results = binary: nothing converted (a latin1 column's bytes as stored),
    // text columns labelled 63.
    conn.query_drop("SET character_set_results = binary")
        .await
        .unwrap();
    let (m, rows) = text(&mut conn, b"SELECT l, u FROM t WHERE id = 1").await;
    assert_eq!(m, vec![(b"l".to_vec(), 63, 10), (b"u".to_vec(), 63, 10)]);
    assert_eq!(
        rows,
        vec![vec![b"\xE9".to_vec(), "café €".as_bytes().to_vec()]]
    );
    // NULL (Connector/J sets it): nothing converted, each column labelled with its own
    // collation.
    conn.query_drop("SET character_set_results = NULL")
        .await
        .unwrap();
    let (m, rows) = text(&mut conn, b"SELECT l, u FROM t WHERE id = 1").await;
    assert_eq!(m, vec![(b"l".to_vec(), 8, 10), (b"u".to_vec(), 255, 40)]);
    assert_eq!(
        rows,
        vec![vec![b"\xE9".to_vec(), "café €".as_bytes().to_vec()]]
    );
    let null: Vec<Option<String>> = conn.query("SELECT @@character_set_results").await.unwrap();
    assert_eq!(null, vec![None]);

    // Errors as MySQL's.
    let e = util::server_error(conn.query_drop("SET NAMES nope").await);
    assert_eq!(
        e,
        (1115, "42000".into(), "Unknown character set: 'nope'".into())
    );
    let e = util::server_error(
        conn.query_drop("SET NAMES latin1 COLLATE utf8mb4_bin")
            .await,
    );
    assert_eq!(
        e,
        (
            1253,
            "42000".into(),
            "COLLATION 'utf8mb4_bin' is not valid for CHARACTER SET 'latin1'".into()
        )
    );
    conn.query_drop("SET NAMES utf8mb4").await.unwrap();
    let e = util::server_error(conn.query_drop("INSERT INTO t VALUES (3, 'x', '中')").await);
    assert_eq!(
        e,
        (
            1366,
            "HY000".into(),
            r"Incorrect string value: '\xE4\xB8\xAD' for column 'l' at row 1".into()
        )
    );
    drop(conn);
    server.shutdown().await;
}

/// A TLS login whose HandshakeResponse41 names `collation`.
async fn login_with_collation(port: u16, collation: u8) -> Raw {
    let mut raw = Raw::connect(port).await;
    let g = raw.greeting().await;
    raw.start_tls(util::ca()).await.unwrap();
    let mut out = Vec::new();
    HandshakeResponse41 {
        capability_flags: util::client_caps(),
        max_packet_size: 1 << 24,
        character_set: collation,
        username: "root".into(),
        auth_response: myseal_auth::caching_sha2::scramble(
            util::ROOT_PASSWORD.as_bytes(),
            &g.auth_plugin_data,
        )
        .to_vec(),
        database: None,
        auth_plugin_name: Some("caching_sha2_password".into()),
        connect_attrs: Vec::new(),
        zstd_compression_level: None,
    }
    .encode(&mut out);
    raw.write(&out).await;
    loop {
        let p = raw.read().await.expect("auth reply");
        match p.payload.first() {
            Some(0x00) => return raw,
            Some(0x01) if p.payload.get(1) == Some(&4) => {
                let mut pw = util::ROOT_PASSWORD.as_bytes().to_vec();
                pw.push(0);
                raw.write(&pw).await;
            }
            Some(0x01) => {}
            _ => panic!("login failed: {:?}", util::err_of(&p)),
        }
    }
}

/// COM_QUERY of raw bytes returning one column: its definition (decoded, and its payload) and
/// the values.
async fn one_column(
    raw: &mut Raw,
    q: &[u8],
) -> (ColumnDefinition41, Vec<u8>, Vec<Option<Vec<u8>>>) {
    raw.seq = 0;
    let mut out = vec![0x03];
    out.extend_from_slice(q);
    raw.write(&out).await;
    let first = raw.read().await.expect("column count");
    assert!(util::err_of(&first).is_none(), "{:?}", util::err_of(&first));
    let payload = raw.read().await.expect("definition").payload.to_vec();
    let def = ColumnDefinition41::decode(&payload).unwrap();
    let mut values = Vec::new();
    loop {
        let p = raw.read().await.expect("row or OK");
        if p.payload.first() == Some(&0xFE) {
            return (def, payload, values);
        }
        let mut row = decode_text_row(&p.payload, 1).unwrap();
        values.push(row.pop().flatten().map(|v| v.to_vec()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handshake_collation_sets_the_session_charsets() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();

    // latin1_swedish_ci (8), as the mariadb client sends by default.
    let mut raw = login_with_collation(port, 8).await;
    let rows = raw
        .query_rows(
            "SELECT CONCAT_WS(',', @@character_set_client, @@character_set_connection, \
             @@character_set_results, @@collation_connection)",
        )
        .await;
    assert_eq!(
        rows,
        vec![vec![Some(
            "latin1,latin1,latin1,latin1_swedish_ci".to_string()
        )]]
    );
    let (def, payload, values) = one_column(&mut raw, b"SELECT 'caf\xE9' AS `n\xE9`").await;
    assert_eq!(def.character_set, 8);
    // The name went out in latin1 too (length 2, then 'n', 0xE9).
    assert!(payload.windows(3).any(|w| w == b"\x02n\xE9"), "{payload:?}");
    assert_eq!(values, vec![Some(b"caf\xE9".to_vec())]);

    // latin1_bin (47): all three take the collation; definitions carry 47.
    let mut raw = login_with_collation(port, 47).await;
    let rows = raw.query_rows("SELECT @@collation_connection").await;
    assert_eq!(rows, vec![vec![Some("latin1_bin".to_string())]]);
    let (def, _, values) = one_column(&mut raw, b"SELECT '\x80'").await;
    assert_eq!(def.character_set, 47);
    assert_eq!(values, vec![Some(b"\x80".to_vec())]);
    drop(raw);
    server.shutdown().await;
}
