//! The client protocol beyond single small packets: payloads of 16 MiB and more in both
//! directions (split into 0xFFFFFF-byte chunks), long data, multi-statements and COM_SET_OPTION,
//! SQL-level PREPARE.

use mysql_async::prelude::Queryable;

use crate::util;

/// 17 MiB: more than one 0xFFFFFF chunk.
const BIG: usize = 17 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payloads_over_16_mib_go_both_ways() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::root_conn(port).await;
    // A text command of 17 MiB.
    let sql = format!("SELECT LENGTH('{}')", "x".repeat(BIG));
    let n: Option<u64> = conn.query_first(sql).await.unwrap();
    assert_eq!(n, Some(BIG as u64));
    // A 17 MiB row back, in the text and the binary protocol.
    let s: Option<String> = conn
        .query_first(format!("SELECT REPEAT('ab', {})", BIG / 2))
        .await
        .unwrap();
    assert_eq!(s.map(|s| s.len()), Some(BIG));
    let s: Option<Vec<u8>> = conn
        .exec_first("SELECT REPEAT(?, ?)", ("cd", BIG / 2))
        .await
        .unwrap();
    assert_eq!(s.map(|s| s.len()), Some(BIG));
    // A 17 MiB parameter, stored and read back.
    conn.query_drop("CREATE DATABASE p").await.unwrap();
    conn.query_drop("CREATE TABLE p.b (id INT PRIMARY KEY, v LONGBLOB)")
        .await
        .unwrap();
    let blob: Vec<u8> = (0..BIG).map(|i| (i % 251) as u8).collect();
    conn.exec_drop("INSERT INTO p.b VALUES (1, ?)", (blob.clone(),))
        .await
        .unwrap();
    let back: Option<Vec<u8>> = conn
        .exec_first("SELECT v FROM p.b WHERE id = ?", (1,))
        .await
        .unwrap();
    assert!(back.as_deref() == Some(blob.as_slice()), "blob differs");
    let len: Option<u64> = conn.query_first("SELECT LENGTH(v) FROM p.b").await.unwrap();
    assert_eq!(len, Some(BIG as u64));
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

/// COM_STMT_SEND_LONG_DATA byte by byte: chunks are concatenated, the execute carries no value
/// for that parameter, a chunk for a parameter that does not exist is reported by the execute
/// (1210), and COM_STMT_RESET forgets what was sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_data_is_collected_until_execute() {
    use util::{err_of, Raw};
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", util::ROOT_PASSWORD).await;
    let mut prepare = vec![0x16];
    prepare.extend_from_slice(b"SELECT CONCAT(?, '!')");
    command(&mut raw, &prepare).await;
    let ok = raw.read().await.unwrap();
    let ok = myseal_wire::statement::StmtPrepareOk::decode(&ok.payload).unwrap();
    assert_eq!((ok.num_params, ok.num_columns), (1, 1));
    for _ in 0..2 {
        raw.read().await.unwrap(); // the parameter's and the column's definitions
    }
    let id = ok.statement_id.to_le_bytes();
    let long = |param: u16, data: &[u8]| {
        let mut p = vec![0x18];
        p.extend_from_slice(&id);
        p.extend_from_slice(&param.to_le_bytes());
        p.extend_from_slice(data);
        p
    };
    // stmt id, no cursor, 1 iteration, NULL bitmap, types bound: one VAR_STRING, no value.
    let mut execute = vec![0x17];
    execute.extend_from_slice(&id);
    execute.extend_from_slice(&[0, 1, 0, 0, 0, 0, 1, 0xFD, 0]);

    command(&mut raw, &long(0, b"hello ")).await;
    command(&mut raw, &long(0, b"world")).await;
    command(&mut raw, &execute).await;
    let first = raw.read().await.unwrap();
    assert!(err_of(&first).is_none(), "{:?}", err_of(&first));
    raw.read().await.unwrap(); // column definition
    let row = raw.read().await.unwrap();
    assert!(row.payload.ends_with(b"hello world!"), "{:?}", row.payload);
    raw.read().await.unwrap(); // end of rows

    command(&mut raw, &long(7, b"nowhere")).await;
    command(&mut raw, &execute).await;
    let err = raw.read().await.unwrap();
    assert_eq!(
        err_of(&err).map(|(code, _, msg)| (code, msg)),
        Some((
            1210,
            "Incorrect arguments to mysqld_stmt_send_long_data".to_string()
        ))
    );

    // Sent, then reset: the execute must bring its own value again (here: none, so it is
    // malformed).
    command(&mut raw, &long(0, b"forgotten")).await;
    let mut reset = vec![0x1A];
    reset.extend_from_slice(&id);
    command(&mut raw, &reset).await;
    assert!(err_of(&raw.read().await.unwrap()).is_none());
    command(&mut raw, &execute).await;
    let err = raw.read().await.unwrap();
    assert_eq!(err_of(&err).map(|(code, _, _)| code), Some(1210));
    server.shutdown().await;
}

/// Sends one command packet (sequence id 0).
async fn command(raw: &mut util::Raw, payload: &[u8]) {
    raw.seq = 0;
    raw.write(payload).await;
}

/// Without CLIENT_MULTI_STATEMENTS a second statement is a syntax error and nothing runs;
/// COM_SET_OPTION turns multi-statements on and off, as in MySQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_statements_need_the_capability_or_com_set_option() {
    use myseal_wire::constants::CapabilityFlags as Caps;
    use util::{err_of, Raw};
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", util::ROOT_PASSWORD).await;
    let refused = err_of(&raw.query("SET @a = 1; SET @a = 2").await);
    assert_eq!(
        refused,
        Some((
            1064,
            "42000".to_string(),
            "You have an error in your SQL syntax; check the manual that corresponds to your \
             MySQL server version for the right syntax to use near 'SET @a = 2' at line 1"
                .to_string()
        ))
    );
    // Nothing ran; one statement with a trailing `;` is fine.
    assert_eq!(
        raw.query_rows("SELECT @a IS NULL;").await,
        vec![vec![Some("1".into())]]
    );
    // COM_SET_OPTION MYSQL_OPTION_MULTI_STATEMENTS_ON: answered with an EOF packet.
    command(&mut raw, &[0x1B, 0, 0]).await;
    assert_eq!(raw.read().await.unwrap().payload.first(), Some(&0xFE));
    let ok = raw.query("SET @a = 1; SET @a = 2").await;
    assert!(err_of(&ok).is_none(), "{:?}", err_of(&ok));
    raw.read().await.unwrap(); // the second statement's OK
    assert_eq!(
        raw.query_rows("SELECT @a").await,
        vec![vec![Some("2".into())]]
    );
    command(&mut raw, &[0x1B, 1, 0]).await;
    assert_eq!(raw.read().await.unwrap().payload.first(), Some(&0xFE));
    assert_eq!(
        err_of(&raw.query("SELECT 1; SELECT 2").await).map(|e| e.0),
        Some(1064)
    );
    // An unknown option.
    command(&mut raw, &[0x1B, 9, 0]).await;
    assert_eq!(err_of(&raw.read().await.unwrap()).map(|e| e.0), Some(1047));
    // A client that asks for it at connect may send several at once.
    let mut multi = Raw::login_with(
        port,
        "root",
        util::ROOT_PASSWORD,
        Caps::CLIENT_MULTI_STATEMENTS,
    )
    .await;
    assert!(err_of(&multi.query("DO 1; DO 2").await).is_none());
    server.shutdown().await;
}

/// SQL-level PREPARE / EXECUTE / DEALLOCATE from a real client, in one multi-statement text
/// and across statements.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_level_prepared_statements() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = util::root_conn(port).await;
    conn.query_drop("PREPARE sq FROM 'SELECT ? * ?'; SET @x = 6, @y = 7")
        .await
        .unwrap();
    let n: Option<i64> = conn.query_first("EXECUTE sq USING @x, @y").await.unwrap();
    assert_eq!(n, Some(42));
    conn.query_drop("DEALLOCATE PREPARE sq").await.unwrap();
    match conn.query_drop("EXECUTE sq USING @x, @y").await {
        Err(mysql_async::Error::Server(e)) => assert_eq!(e.code, 1243),
        other => panic!("{other:?}"),
    }
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

/// COM_FIELD_LIST (what the mysql CLI's name completion sends): the table's column
/// definitions, each followed by its default value, filtered by the wildcard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn com_field_list_lists_columns_with_defaults() {
    use myseal_wire::resultset::ColumnDefinition41;
    use util::{err_of, Raw};
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", util::ROOT_PASSWORD).await;
    let field_list = |table: &str, wild: &str| {
        let mut p = vec![0x04];
        p.extend_from_slice(table.as_bytes());
        p.push(0);
        p.extend_from_slice(wild.as_bytes());
        p
    };
    command(&mut raw, &field_list("t", "")).await;
    assert_eq!(err_of(&raw.read().await.unwrap()).map(|e| e.0), Some(1046));
    for sql in [
        "CREATE DATABASE f",
        "USE f",
        "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(10) DEFAULT 'anon', note TEXT)",
    ] {
        assert!(err_of(&raw.query(sql).await).is_none(), "{sql}");
    }
    command(&mut raw, &field_list("t", "")).await;
    let mut got = Vec::new();
    loop {
        let p = raw.read().await.unwrap();
        if p.payload.first() == Some(&0xFE) && p.payload.len() < 9 {
            break;
        }
        let def = ColumnDefinition41::decode(&p.payload).unwrap();
        let tail = p.payload.last().copied();
        got.push((def.name, def.org_table, tail));
    }
    assert_eq!(
        got,
        vec![
            ("id".into(), "t".into(), Some(0xFB)),
            ("name".into(), "t".into(), Some(b'n')),
            ("note".into(), "t".into(), Some(0xFB)),
        ]
    );
    command(&mut raw, &field_list("t", "n%")).await;
    let mut names = 0;
    while raw.read().await.unwrap().payload.first() != Some(&0xFE) {
        names += 1;
    }
    assert_eq!(names, 2);
    command(&mut raw, &field_list("nope", "")).await;
    assert_eq!(
        err_of(&raw.read().await.unwrap()),
        Some((1146, "42S02".into(), "Table 'f.nope' doesn't exist".into()))
    );
    server.shutdown().await;
}

/// max_prepared_stmt_count is server-wide (ER 1461) and Prepared_stmt_count follows prepares,
/// closes and disconnects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_prepared_stmt_count_is_server_wide() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut root = util::root_conn(port).await;
    let count = |rows: Option<(String, u64)>| rows.map(|(_, n)| n);
    root.query_drop("SET GLOBAL max_prepared_stmt_count = 2")
        .await
        .unwrap();
    let mut a = util::root_conn(port).await;
    let mut b = util::root_conn(port).await;
    let s1 = a.prep("SELECT 1").await.unwrap();
    b.prep("SELECT 2").await.unwrap();
    match a.prep("SELECT 3").await {
        Err(mysql_async::Error::Server(e)) => assert_eq!(
            (e.code, e.message.as_str()),
            (
                1461,
                "Can't create more than max_prepared_stmt_count statements (current value: 2)"
            )
        ),
        other => panic!("{other:?}"),
    }
    let shown = root
        .query_first("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'")
        .await
        .unwrap();
    assert_eq!(count(shown), Some(2));
    a.close(s1).await.unwrap();
    a.prep("SELECT 3").await.unwrap();
    b.disconnect().await.unwrap();
    util::wait_for_connections(&server, 2).await;
    let shown = root
        .query_first("SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'")
        .await
        .unwrap();
    assert_eq!(count(shown), Some(1));
    a.disconnect().await.unwrap();
    root.disconnect().await.unwrap();
    server.shutdown().await;
}

/// CLIENT_SESSION_TRACK: the OK packet of a statement that changes the current database or a
/// tracked system variable carries the change, as MySQL 8.4's default trackers do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_state_changes_ride_on_the_ok_packet() {
    use myseal_wire::constants::{CapabilityFlags as Caps, StatusFlags};
    use myseal_wire::response::{encode_state_change, OkPacket, StateChange};
    use util::Raw;
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let caps = util::client_caps() | Caps::CLIENT_SESSION_TRACK;
    let mut raw = Raw::login_with(
        port,
        "root",
        util::ROOT_PASSWORD,
        Caps::CLIENT_SESSION_TRACK,
    )
    .await;
    let state_of = |changes: &[StateChange<'_>]| {
        let mut out = Vec::new();
        for c in changes {
            encode_state_change(&mut out, *c);
        }
        out
    };
    let ok = |p: myseal_wire::codec::Packet| OkPacket::decode(&p.payload, caps).unwrap();
    let use_db = ok(raw.query("USE mysql").await);
    assert!(use_db
        .status_flags
        .contains(StatusFlags::SERVER_SESSION_STATE_CHANGED));
    assert_eq!(
        use_db.session_state,
        state_of(&[StateChange::Schema("mysql")])
    );
    let set = ok(raw.query("SET autocommit = 0, @x = 1, sql_mode = ''").await);
    assert_eq!(
        set.session_state,
        state_of(&[StateChange::SystemVariable("autocommit", "OFF")])
    );
    // Untracked changes: no flag.
    let plain = ok(raw.query("SET @y = 2").await);
    assert!(!plain
        .status_flags
        .contains(StatusFlags::SERVER_SESSION_STATE_CHANGED));
    assert!(plain.session_state.is_empty());
    raw.query("SET session_track_state_change = ON").await;
    let any = ok(raw.query("SET @y = 3").await);
    assert_eq!(any.session_state, state_of(&[StateChange::StateChanged]));
    // A client without CLIENT_SESSION_TRACK is told nothing.
    let mut other = Raw::login(port, "root", util::ROOT_PASSWORD).await;
    let p = other.query("USE mysql").await;
    let quiet = OkPacket::decode(&p.payload, util::client_caps()).unwrap();
    assert!(!quiet
        .status_flags
        .contains(StatusFlags::SERVER_SESSION_STATE_CHANGED));
    server.shutdown().await;
}

/// The sqlx URL `myseal --print-dsn` prints connects with certificate and host-name checks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_printed_sqlx_url_verifies_and_connects() {
    use sqlx::Connection;
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let url = format!(
        "mysql://root:{}@127.0.0.1:{port}/?ssl-mode=verify_identity&ssl-ca={}",
        util::ROOT_PASSWORD,
        util::ca().display()
    );
    let mut conn = sqlx::MySqlConnection::connect(&url).await.unwrap();
    let one: i64 = sqlx::query_scalar("SELECT 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(one, 1);
    conn.close().await.unwrap();
    // Against another CA it is refused.
    let other = url.replace(
        &util::ca().display().to_string(),
        &util::certs().other_ca.display().to_string(),
    );
    assert!(sqlx::MySqlConnection::connect(&other).await.is_err());
    server.shutdown().await;
}

/// LOAD DATA LOCAL INFILE with mysql_async's file handler: off unless the server allows it
/// (3948), then the file is asked for, sent and loaded in one statement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_data_local_infile_from_a_real_client() {
    use mysql_async::WhiteListFsHandler;
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let file = util::certs().dir.join(format!("load-{port}.csv"));
    std::fs::write(&file, "1,\"Smith, J\"\n2,\\N\n3,😀\n").unwrap();
    let opts: mysql_async::Opts = mysql_async::OptsBuilder::from_opts(util::mysql_async_opts(
        port,
        "root",
        util::ROOT_PASSWORD,
        Some(util::verified_ssl()),
    ))
    .local_infile_handler(Some(WhiteListFsHandler::new([file.clone()])))
    .into();
    let mut conn = mysql_async::Conn::new(opts).await.unwrap();
    conn.query_drop("CREATE DATABASE ld; CREATE TABLE ld.t (id INT PRIMARY KEY, name VARCHAR(20))")
        .await
        .unwrap();
    let load = format!(
        "LOAD DATA LOCAL INFILE '{}' INTO TABLE ld.t FIELDS TERMINATED BY ',' ENCLOSED BY '\"'",
        file.display()
    );
    match conn.query_drop(&load).await {
        Err(mysql_async::Error::Server(e)) => assert_eq!(e.code, 3948),
        other => panic!("{other:?}"),
    }
    conn.query_drop("SET GLOBAL local_infile = ON")
        .await
        .unwrap();
    conn.query_drop(&load).await.unwrap();
    assert_eq!(conn.affected_rows(), 3);
    let rows: Vec<(i64, Option<String>)> = conn
        .query("SELECT id, name FROM ld.t ORDER BY id")
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (1, Some("Smith, J".into())),
            (2, None),
            (3, Some("😀".into()))
        ]
    );
    conn.disconnect().await.unwrap();
    server.shutdown().await;
}

/// Raw bytes inside a string literal (how mysqldump writes BLOBs) are kept, not replaced.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raw_bytes_in_a_string_literal_reach_a_blob_unchanged() {
    use util::{err_of, Raw};
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut raw = Raw::login(port, "root", util::ROOT_PASSWORD).await;
    for sql in [
        "CREATE DATABASE rb",
        "CREATE TABLE rb.t (id INT PRIMARY KEY, b BLOB)",
    ] {
        assert!(err_of(&raw.query(sql).await).is_none(), "{sql}");
    }
    let mut insert = b"INSERT INTO rb.t VALUES (1, '\\0".to_vec();
    insert.extend_from_slice(&[0xFF, 0x80]);
    insert.extend_from_slice(b"\\'x')");
    let mut packet = vec![0x03];
    packet.extend_from_slice(&insert);
    command(&mut raw, &packet).await;
    let ok = raw.read().await.unwrap();
    assert!(err_of(&ok).is_none(), "{:?}", err_of(&ok));
    assert_eq!(
        raw.query_rows("SELECT HEX(b) FROM rb.t").await,
        vec![vec![Some("00FF802778".into())]]
    );
    server.shutdown().await;
}
