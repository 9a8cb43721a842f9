//! Server-side cursors of prepared statements over the raw protocol and verified TLS:
//! COM_STMT_EXECUTE with CURSOR_TYPE_READ_ONLY sends only the column definitions and an EOF
//! with SERVER_STATUS_CURSOR_EXISTS, COM_STMT_FETCH reads the rows in batches, and the cursor
//! ends as MySQL's `Materialized_cursor` does (LAST_ROW_SENT on the fetch that runs out, then
//! ER 1421). Closing, resetting and executing again close it; a client that leaves with one
//! open leaves nothing behind; a 1,000,000-row cursor costs the server disk, not memory.

use std::time::{Duration, Instant};

use myseal_wire::codec::Packet;
use myseal_wire::constants::{ColumnType, StatusFlags};
use myseal_wire::response::OkPacket;
use myseal_wire::resultset::ColumnDefinition41;
use myseal_wire::statement::{decode_binary_row, StmtFetch, StmtPrepareOk};
use mysql_async::prelude::Queryable;

use crate::util::{self, err_of, Raw, ROOT_PASSWORD};

const CURSOR_READ_ONLY: u8 = 0x01;
const CURSOR_FOR_UPDATE: u8 = 0x02;

/// The status flags of an EOF / OK-as-EOF packet (CLIENT_DEPRECATE_EOF: always the OK form).
pub(crate) fn status_of(p: &Packet) -> StatusFlags {
    assert_eq!(
        p.payload.first(),
        Some(&0xFE),
        "not an EOF: {:?}",
        err_of(p)
    );
    OkPacket::decode(&p.payload, util::client_caps())
        .unwrap()
        .status_flags
}

/// COM_STMT_PREPARE: the statement id and the number of result columns.
pub(crate) async fn prepare(raw: &mut Raw, sql: &str) -> (u32, usize) {
    raw.seq = 0;
    let mut out = vec![0x16];
    out.extend_from_slice(sql.as_bytes());
    raw.write(&out).await;
    let p = raw.read().await.unwrap();
    assert!(err_of(&p).is_none(), "{sql}: {:?}", err_of(&p));
    let ok = StmtPrepareOk::decode(&p.payload).unwrap();
    // CLIENT_DEPRECATE_EOF: no EOF after either group of definitions.
    for _ in 0..usize::from(ok.num_params) + usize::from(ok.num_columns) {
        raw.read().await.unwrap();
    }
    (ok.statement_id, usize::from(ok.num_columns))
}

/// Sends COM_STMT_EXECUTE (no parameters) with the cursor `flags`.
async fn send_execute(raw: &mut Raw, id: u32, flags: u8) {
    raw.seq = 0;
    let mut out = vec![0x17];
    out.extend_from_slice(&id.to_le_bytes());
    out.push(flags);
    out.extend_from_slice(&1u32.to_le_bytes());
    raw.write(&out).await;
}

/// A cursor's execute: the column types and the status of the one EOF after them (no rows
/// may come before it).
async fn open(raw: &mut Raw, id: u32) -> (Vec<ColumnType>, StatusFlags) {
    send_execute(raw, id, CURSOR_READ_ONLY).await;
    let first = raw.read().await.unwrap();
    assert!(err_of(&first).is_none(), "{:?}", err_of(&first));
    let n = usize::from(first.payload[0]);
    let mut types = Vec::new();
    for _ in 0..n {
        let p = raw.read().await.unwrap();
        types.push(ColumnDefinition41::decode(&p.payload).unwrap().column_type);
    }
    let eof = raw.read().await.unwrap();
    (types, status_of(&eof))
}

/// A plain (no cursor) result of an execute: rows until the EOF, and its status.
async fn read_result(raw: &mut Raw) -> (Vec<Vec<Option<Vec<u8>>>>, StatusFlags) {
    let first = raw.read().await.unwrap();
    assert!(err_of(&first).is_none(), "{:?}", err_of(&first));
    let n = usize::from(first.payload[0]);
    let mut types = Vec::new();
    for _ in 0..n {
        let p = raw.read().await.unwrap();
        types.push(ColumnDefinition41::decode(&p.payload).unwrap().column_type);
    }
    read_rows(raw, &types).await
}

/// Binary rows up to an EOF: the rows and the EOF's status.
async fn read_rows(
    raw: &mut Raw,
    types: &[ColumnType],
) -> (Vec<Vec<Option<Vec<u8>>>>, StatusFlags) {
    let mut rows = Vec::new();
    loop {
        let p = raw.read().await.unwrap();
        if p.payload.first() == Some(&0xFE) && p.payload.len() < 0xFF_FFFF {
            return (rows, status_of(&p));
        }
        assert!(err_of(&p).is_none(), "{:?}", err_of(&p));
        rows.push(decode_binary_row(&p.payload, types).unwrap());
    }
}

/// Sends COM_STMT_FETCH.
async fn send_fetch(raw: &mut Raw, id: u32, num_rows: u32) {
    raw.seq = 0;
    let mut out = vec![0x1C];
    StmtFetch {
        statement_id: id,
        num_rows,
    }
    .encode(&mut out);
    raw.write(&out).await;
}

/// COM_STMT_FETCH that must succeed: rows and the status of the EOF.
async fn fetch(
    raw: &mut Raw,
    id: u32,
    num_rows: u32,
    types: &[ColumnType],
) -> (Vec<Vec<Option<Vec<u8>>>>, StatusFlags) {
    send_fetch(raw, id, num_rows).await;
    read_rows(raw, types).await
}

/// COM_STMT_FETCH that must fail: (code, state, message).
async fn fetch_err(raw: &mut Raw, id: u32) -> (u16, String, String) {
    send_fetch(raw, id, 10).await;
    let p = raw.read().await.unwrap();
    err_of(&p).expect("an error")
}

/// (id, name) of a row of `SELECT id, name FROM ...` (id INT: 4 bytes; name a string).
fn id_name(row: &[Option<Vec<u8>>]) -> (i32, String) {
    let id = row[0].as_ref().unwrap();
    let id = i32::from_le_bytes(id[..4].try_into().unwrap());
    let name = String::from_utf8(row[1].clone().unwrap()).unwrap();
    (id, name)
}

fn has(s: StatusFlags, f: StatusFlags) -> bool {
    s.0 & f.0 == f.0
}

/// A server with `db.t(id INT PRIMARY KEY, name VARCHAR(20))` holding ids 1..=n named `n<id>`.
async fn server_with_rows(n: u32) -> myseal_server::Server {
    let server = util::start(util::config()).await;
    let mut c = util::root_conn(server.local_addr().port()).await;
    c.query_drop("CREATE DATABASE db").await.unwrap();
    c.query_drop("CREATE TABLE db.t (id INT PRIMARY KEY, name VARCHAR(20))")
        .await
        .unwrap();
    let ids: Vec<u32> = (1..=n).collect();
    for chunk in ids.chunks(5000) {
        let values: Vec<String> = chunk.iter().map(|i| format!("({i}, 'n{i}')")).collect();
        c.query_drop(format!("INSERT INTO db.t VALUES {}", values.join(",")))
            .await
            .unwrap();
    }
    c.disconnect().await.unwrap();
    util::wait_for_connections(&server, 0).await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_over_10000_rows_is_fetched_1000_at_a_time_then_closes() {
    let server = server_with_rows(10_000).await;
    let mut raw = Raw::login(server.local_addr().port(), "root", ROOT_PASSWORD).await;
    let (id, columns) = prepare(&mut raw, "SELECT id, name FROM db.t ORDER BY id").await;
    assert_eq!(columns, 2);
    let (types, status) = open(&mut raw, id).await;
    assert_eq!(types, [ColumnType::LONG, ColumnType::VAR_STRING]);
    assert!(
        has(status, StatusFlags::SERVER_STATUS_CURSOR_EXISTS),
        "{status:?}"
    );
    assert!(
        !has(status, StatusFlags::SERVER_STATUS_LAST_ROW_SENT),
        "{status:?}"
    );
    assert!(
        has(status, StatusFlags::SERVER_STATUS_AUTOCOMMIT),
        "{status:?}"
    );
    let mut next = 1;
    for _ in 0..10 {
        let (rows, status) = fetch(&mut raw, id, 1000, &types).await;
        assert_eq!(rows.len(), 1000);
        for r in &rows {
            assert_eq!(id_name(r), (next, format!("n{next}")));
            next += 1;
        }
        assert!(
            has(status, StatusFlags::SERVER_STATUS_CURSOR_EXISTS),
            "{status:?}"
        );
        assert!(
            !has(status, StatusFlags::SERVER_STATUS_LAST_ROW_SENT),
            "{status:?}"
        );
    }
    assert_eq!(next, 10_001);
    // The fetch that takes exactly the last rows still says CURSOR_EXISTS (as MySQL); the
    // next one finds nothing, says LAST_ROW_SENT and closes the cursor.
    let (rows, status) = fetch(&mut raw, id, 1000, &types).await;
    assert!(rows.is_empty());
    assert!(
        has(status, StatusFlags::SERVER_STATUS_LAST_ROW_SENT),
        "{status:?}"
    );
    assert!(
        !has(status, StatusFlags::SERVER_STATUS_CURSOR_EXISTS),
        "{status:?}"
    );
    assert_eq!(
        fetch_err(&mut raw, id).await,
        (
            1421,
            "HY000".into(),
            format!("The statement ({id}) has no open cursor.")
        )
    );
    // A fetch past the end in one go: the rows that are left, and LAST_ROW_SENT with them.
    let (_, status) = open(&mut raw, id).await;
    assert!(has(status, StatusFlags::SERVER_STATUS_CURSOR_EXISTS));
    let (rows, status) = fetch(&mut raw, id, 9_990, &types).await;
    assert_eq!(rows.len(), 9_990);
    assert!(has(status, StatusFlags::SERVER_STATUS_CURSOR_EXISTS));
    let (rows, status) = fetch(&mut raw, id, 1000, &types).await;
    assert_eq!(rows.len(), 10);
    assert_eq!(id_name(&rows[9]), (10_000, "n10000".into()));
    assert!(
        has(status, StatusFlags::SERVER_STATUS_LAST_ROW_SENT),
        "{status:?}"
    );
    assert_eq!(fetch_err(&mut raw, id).await.0, 1421);
    // An unknown statement, and a fetch body too short to hold its fields.
    assert_eq!(
        fetch_err(&mut raw, 999).await,
        (
            1243,
            "HY000".into(),
            "Unknown prepared statement handler (999) given to mysqld_stmt_fetch".into()
        )
    );
    raw.seq = 0;
    raw.write(&[0x1C, 1, 0, 0]).await;
    let p = raw.read().await.unwrap();
    assert_eq!(err_of(&p).unwrap().0, 1835);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_cursors_fetch_interleaved_and_the_connection_stays_free_between_fetches() {
    let server = server_with_rows(300).await;
    let mut raw = Raw::login(server.local_addr().port(), "root", ROOT_PASSWORD).await;
    let (up, _) = prepare(&mut raw, "SELECT id, name FROM db.t ORDER BY id").await;
    let (down, _) = prepare(&mut raw, "SELECT id, name FROM db.t ORDER BY id DESC").await;
    let (types, _) = open(&mut raw, up).await;
    let (types_down, _) = open(&mut raw, down).await;
    assert_eq!(types, types_down);
    let (mut a, mut b) = (1, 300);
    for round in 0..3 {
        let (rows, _) = fetch(&mut raw, up, 100, &types).await;
        for r in &rows {
            assert_eq!(id_name(r).0, a);
            a += 1;
        }
        // Other work between fetches: a query, and a change the cursors do not see.
        let got = raw.query_rows("SELECT COUNT(*) FROM db.t").await;
        assert_eq!(got, [[Some("300".to_string())]]);
        let ok = raw
            .query(&format!(
                "UPDATE db.t SET name = 'changed' WHERE id = {}",
                150 + round
            ))
            .await;
        assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", err_of(&ok));
        let (rows, _) = fetch(&mut raw, down, 100, &types).await;
        for r in &rows {
            let (id, name) = id_name(r);
            assert_eq!(id, b);
            assert_eq!(
                name,
                format!("n{id}"),
                "a cursor is a snapshot of its execute"
            );
            b -= 1;
        }
    }
    assert_eq!((a, b), (301, 0));
    for id in [up, down] {
        let (rows, status) = fetch(&mut raw, id, 1, &types).await;
        assert!(rows.is_empty());
        assert!(has(status, StatusFlags::SERVER_STATUS_LAST_ROW_SENT));
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_close_and_a_new_execute_close_the_cursor() {
    let server = server_with_rows(50).await;
    let mut raw = Raw::login(server.local_addr().port(), "root", ROOT_PASSWORD).await;
    let (id, _) = prepare(&mut raw, "SELECT id, name FROM db.t ORDER BY id").await;
    // COM_STMT_RESET.
    let (types, _) = open(&mut raw, id).await;
    fetch(&mut raw, id, 5, &types).await;
    raw.seq = 0;
    let mut out = vec![0x1A];
    out.extend_from_slice(&id.to_le_bytes());
    raw.write(&out).await;
    let ok = raw.read().await.unwrap();
    assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", err_of(&ok));
    assert_eq!(fetch_err(&mut raw, id).await.0, 1421);
    // Executing again starts a new cursor from the first row.
    open(&mut raw, id).await;
    fetch(&mut raw, id, 7, &types).await;
    open(&mut raw, id).await;
    let (rows, _) = fetch(&mut raw, id, 2, &types).await;
    assert_eq!(id_name(&rows[0]).0, 1);
    // A plain execute closes it too, and sends its rows at once.
    send_execute(&mut raw, id, 0).await;
    let (rows, status) = read_result(&mut raw).await;
    assert_eq!(rows.len(), 50);
    assert!(!has(status, StatusFlags::SERVER_STATUS_CURSOR_EXISTS));
    assert_eq!(fetch_err(&mut raw, id).await.0, 1421);
    // COM_STMT_CLOSE: the statement is gone.
    open(&mut raw, id).await;
    raw.seq = 0;
    let mut out = vec![0x19];
    out.extend_from_slice(&id.to_le_bytes());
    raw.write(&out).await;
    assert_eq!(fetch_err(&mut raw, id).await.0, 1243);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_read_only_cursors_on_statements_with_rows_are_opened() {
    let server = server_with_rows(20).await;
    let mut raw = Raw::login(server.local_addr().port(), "root", ROOT_PASSWORD).await;
    // CURSOR_TYPE_FOR_UPDATE alone is not a cursor (MySQL only looks at READ_ONLY).
    let (id, _) = prepare(&mut raw, "SELECT id, name FROM db.t").await;
    send_execute(&mut raw, id, CURSOR_FOR_UPDATE).await;
    let (rows, status) = read_result(&mut raw).await;
    assert_eq!(rows.len(), 20);
    assert!(!has(status, StatusFlags::SERVER_STATUS_CURSOR_EXISTS));
    assert_eq!(fetch_err(&mut raw, id).await.0, 1421);
    // A statement without rows executes as usual with the cursor flag.
    let (upd, columns) = prepare(&mut raw, "UPDATE db.t SET name = 'x' WHERE id <= 3").await;
    assert_eq!(columns, 0);
    send_execute(&mut raw, upd, CURSOR_READ_ONLY).await;
    let ok = raw.read().await.unwrap();
    let ok = OkPacket::decode(&ok.payload, util::client_caps()).unwrap();
    assert_eq!(ok.affected_rows, 3);
    assert!(!has(
        ok.status_flags,
        StatusFlags::SERVER_STATUS_CURSOR_EXISTS
    ));
    assert_eq!(fetch_err(&mut raw, upd).await.0, 1421);
    // An execute that fails opens nothing and sends only its error.
    let (bad, _) = prepare(
        &mut raw,
        "SELECT id, name FROM db.t WHERE id = (SELECT id FROM db.t WHERE id > 10)",
    )
    .await;
    send_execute(&mut raw, bad, CURSOR_READ_ONLY).await;
    let p = raw.read().await.unwrap();
    assert_eq!(err_of(&p).map(|e| e.0), Some(1242));
    assert_eq!(fetch_err(&mut raw, bad).await.0, 1421);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_sends_its_text_in_character_set_results() {
    let server = server_with_rows(2).await;
    let mut raw = Raw::login(server.local_addr().port(), "root", ROOT_PASSWORD).await;
    let ok = raw
        .query("UPDATE db.t SET name = 'caf\u{e9}' WHERE id = 2")
        .await;
    assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", err_of(&ok));
    let ok = raw.query("SET NAMES latin1").await;
    assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", err_of(&ok));
    let (id, _) = prepare(&mut raw, "SELECT id, name FROM db.t ORDER BY id").await;
    let (types, _) = open(&mut raw, id).await;
    let (rows, _) = fetch(&mut raw, id, 10, &types).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][1].as_deref(), Some(&b"caf\xe9"[..]), "latin1 bytes");
    server.shutdown().await;
}

/// Open descriptors of this process on a cursor's spill file (`/proc/self/fd`).
fn spill_files() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|p| p.to_string_lossy().contains("myseal-cursor-"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_leaves_with_a_cursor_on_disk_leaves_nothing_behind() {
    let server = server_with_rows(10_000).await;
    let port = server.local_addr().port();
    let baseline = server.connections();
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    // 1024 bytes in memory (MySQL's smallest tmp_table_size): the rows go to a file.
    let ok = raw.query("SET SESSION tmp_table_size = 1024").await;
    assert_eq!(ok.payload.first(), Some(&0x00), "{:?}", err_of(&ok));
    let (id, _) = prepare(&mut raw, "SELECT id, name FROM db.t ORDER BY id").await;
    let (types, _) = open(&mut raw, id).await;
    assert_eq!(
        spill_files(),
        1,
        "the cursor's rows are in one unlinked file"
    );
    let mut next = 1;
    for _ in 0..3 {
        let (rows, _) = fetch(&mut raw, id, 1500, &types).await;
        for r in &rows {
            assert_eq!(id_name(r), (next, format!("n{next}")));
            next += 1;
        }
    }
    // Leaves without closing anything.
    drop(raw);
    util::wait_for_connections(&server, baseline).await;
    let started = Instant::now();
    while spill_files() > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the spill file stayed open"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(server.connections(), baseline);
    server.shutdown().await;
}

#[test]
fn fetching_a_million_row_cursor_1000_at_a_time_costs_the_server_little_memory() {
    crate::hostile_clients::run_alone("cursors::a_million_row_cursor_alone", 1024);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run alone in a child process by fetching_a_million_row_cursor_..."]
async fn a_million_row_cursor_alone() {
    const ALLOWED_GROWTH: u64 = 48 << 20;
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut c = util::root_conn(port).await;
    c.query_drop("CREATE DATABASE db").await.unwrap();
    c.query_drop("CREATE TABLE db.k (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let values: Vec<String> = (0..1000).map(|i| format!("({i})")).collect();
    c.query_drop(format!("INSERT INTO db.k VALUES {}", values.join(",")))
        .await
        .unwrap();
    // 1,000,000 rows of about 110 bytes: a result of ~110 MB.
    let sql = "SELECT a.id * 1000 + b.id, REPEAT('x', 100) FROM db.k a, db.k b";
    let mut raw = Raw::login(port, "root", ROOT_PASSWORD).await;
    let (id, _) = prepare(&mut raw, sql).await;
    let before = crate::hostile_clients::rss();
    // The resident set size is sampled all along, the execute that fills the cursor included.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(crate::hostile_clients::rss());
                std::thread::sleep(Duration::from_millis(2));
            }
            peak
        })
    };
    let (types, status) = open(&mut raw, id).await;
    assert!(has(status, StatusFlags::SERVER_STATUS_CURSOR_EXISTS));
    let mut total = 0usize;
    loop {
        let (rows, status) = fetch(&mut raw, id, 1000, &types).await;
        total += rows.len();
        if has(status, StatusFlags::SERVER_STATUS_LAST_ROW_SENT) {
            break;
        }
        assert_eq!(rows.len(), 1000);
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().unwrap();
    assert_eq!(total, 1_000_000);
    println!(
        "RSS {} MiB before the cursor, peak {} MiB while it was read",
        before >> 20,
        peak >> 20
    );
    assert!(
        peak.saturating_sub(before) < ALLOWED_GROWTH,
        "server memory grew by {} MiB for a ~110 MB cursor",
        (peak - before) >> 20
    );
    server.shutdown().await;
}
