//! Result sets streamed to a [`RowSink`] while the statement runs.

use std::sync::{Arc, Mutex};

use super::{engine, render, run, session};
use crate::{Column, RowSink, SinkClosed, Value};

/// Records what it is given; refuses rows after `limit` (a client that went away).
#[derive(Debug, Default)]
struct Recorder {
    log: Arc<Mutex<Vec<String>>>,
    limit: Option<usize>,
    rows: usize,
}

impl RowSink for Recorder {
    fn begin(
        &mut self,
        columns: &[Column],
        autocommit: bool,
        in_transaction: bool,
    ) -> Result<(), SinkClosed> {
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        self.log.lock().unwrap().push(format!(
            "begin {} autocommit={autocommit} trx={in_transaction}",
            names.join("|")
        ));
        Ok(())
    }

    fn row(&mut self, row: &[Value]) -> Result<(), SinkClosed> {
        if self.limit.is_some_and(|l| self.rows >= l) {
            return Err(SinkClosed);
        }
        self.rows += 1;
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v.to_text() {
                Some(b) => String::from_utf8_lossy(&b).into_owned(),
                None => "NULL".into(),
            })
            .collect();
        self.log.lock().unwrap().push(cells.join("|"));
        Ok(())
    }

    fn end(&mut self) {
        self.log.lock().unwrap().push("end".into());
    }
}

fn sink(limit: Option<usize>) -> (Box<Recorder>, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let r = Recorder {
        log: log.clone(),
        limit,
        rows: 0,
    };
    (Box::new(r), log)
}

fn setup() -> (crate::Engine, crate::Session) {
    let e = engine();
    let mut s = session(&e);
    for sql in [
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))",
        "INSERT INTO t VALUES (1,'a'),(2,'b'),(3,'c')",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    (e, s)
}

#[test]
fn the_first_result_of_a_text_streams_and_later_ones_are_collected() {
    let (e, mut s) = setup();
    let (sk, log) = sink(None);
    s.set_row_sink(sk);
    assert_eq!(
        run(&e, &mut s, "SELECT id, v FROM t ORDER BY id"),
        "streamed 3"
    );
    assert_eq!(
        log.lock().unwrap().join("\n"),
        "begin id|v autocommit=true trx=false\n1|a\n2|b\n3|c\nend"
    );
    log.lock().unwrap().clear();
    // A cached text query streams too (same text shape, other constant).
    assert_eq!(
        run(&e, &mut s, "SELECT v FROM t WHERE id = 2"),
        "streamed 1"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT v FROM t WHERE id = 3"),
        "streamed 1"
    );
    log.lock().unwrap().clear();
    // Multi-statement: only the first result streams.
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT id FROM t WHERE id < 3 ORDER BY id; SELECT v FROM t WHERE id = 3"
        ),
        "streamed 2\nv\nc"
    );
    assert_eq!(
        log.lock().unwrap().join("\n"),
        "begin id autocommit=true trx=false\n1\n2\nend"
    );
    log.lock().unwrap().clear();
    // No row: nothing went to the sink, the (empty) result set is whole.
    assert_eq!(run(&e, &mut s, "SELECT id FROM t WHERE id > 9"), "id");
    assert!(log.lock().unwrap().is_empty());
    // After an OK, a SELECT is not the first result.
    assert_eq!(
        run(&e, &mut s, "DO 1; SELECT id FROM t WHERE id = 1"),
        "ok\nid\n1"
    );
    assert!(log.lock().unwrap().is_empty());
    // Without a sink everything is collected.
    assert!(s.take_row_sink().is_some());
    assert_eq!(run(&e, &mut s, "SELECT id FROM t WHERE id = 1"), "id\n1");
}

#[test]
fn a_prepared_select_streams_with_its_prepared_names() {
    let (e, mut s) = setup();
    let (sk, log) = sink(None);
    s.set_row_sink(sk);
    let p = e
        .prepare(&mut s, "SELECT v, ? FROM t WHERE id >= ? ORDER BY id")
        .unwrap();
    let (o, err) = e.execute_prepared(&mut s, &p, &[Value::Int(7), Value::Int(2)]);
    assert_eq!(render(&o, err.as_ref()), "streamed 2");
    assert_eq!(
        log.lock().unwrap().join("\n"),
        "begin v|? autocommit=true trx=false\nb|7\nc|7\nend"
    );
}

#[test]
fn a_client_gone_mid_result_stops_the_statement_and_the_session_goes_on() {
    let (e, mut s) = setup();
    let (sk, log) = sink(Some(1));
    s.set_row_sink(sk);
    assert_eq!(run(&e, &mut s, "BEGIN"), "ok");
    assert_eq!(
        run(&e, &mut s, "SELECT id FROM t ORDER BY id"),
        "ERROR 1160 (08S01): Got an error writing communication packets"
    );
    assert_eq!(
        log.lock().unwrap().join("\n"),
        "begin id autocommit=true trx=true\n1\nend"
    );
    assert!(s.take_row_sink().is_some());
    assert_eq!(run(&e, &mut s, "SELECT COUNT(*) FROM t"), "COUNT(*)\n3");
    assert_eq!(run(&e, &mut s, "COMMIT"), "ok");
}

#[test]
fn an_error_after_rows_were_sent_ends_the_stream() {
    let (e, mut s) = setup();
    let (sk, log) = sink(None);
    s.set_row_sink(sk);
    // The third row fails: its scalar subquery returns more than one row.
    let out = run(
        &e,
        &mut s,
        "SELECT id, IF(id < 3, 0, (SELECT id FROM t)) FROM t",
    );
    assert_eq!(out, "ERROR 1242 (21000): Subquery returns more than 1 row");
    assert_eq!(
        log.lock().unwrap().join("\n"),
        "begin id|IF(id < 3, 0, (SELECT id FROM t)) autocommit=true trx=false\n1|0\n2|0\nend"
    );
}
