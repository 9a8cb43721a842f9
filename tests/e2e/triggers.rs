//! Triggers through the real server with mysql_async over verified TLS: a `BEGIN ... END` body
//! with inner semicolons sent as one COM_QUERY without DELIMITER (alone, and inside a
//! multi-statement text, which must not be split inside the body), mysqldump's versioned-comment
//! form, SIGNAL reaching the client as ERR 1644 with its SQLSTATE and text, and triggers fired by
//! prepared statements.

use mysql_async::prelude::Queryable;
use mysql_async::Conn;

use crate::util;

/// A root connection using database `trg` (created if needed).
async fn trg(port: u16) -> Conn {
    util::root_conn_in(port, "trg").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compound_trigger_body_arrives_as_one_statement_and_fires() {
    let server = util::start(util::config()).await;
    let mut conn = trg(server.local_addr().port()).await;
    conn.query_drop(
        "CREATE TABLE orders (id INT PRIMARY KEY, qty INT NOT NULL, status VARCHAR(20))",
    )
    .await
    .unwrap();
    conn.query_drop("CREATE TABLE history (n INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(60))")
        .await
        .unwrap();
    // One COM_QUERY: the body's semicolons belong to it.
    conn.query_drop(
        "CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW
         BEGIN
           DECLARE n INT DEFAULT 0;
           IF NEW.qty <= 0 THEN
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'qty must be positive';
           END IF;
           WHILE n < 2 DO SET n = n + 1; END WHILE;
           SET NEW.status = CONCAT('new/', n);
         END",
    )
    .await
    .unwrap();
    // A multi-statement text: a trigger body in the middle is one statement, then the rest runs.
    let mut result = conn
        .query_iter(
            "CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW BEGIN INSERT INTO history (msg) VALUES (CONCAT('order ', NEW.id)); SET @last_order = NEW.id; END; \
             INSERT INTO orders (id, qty) VALUES (1, 5), (2, 7); \
             SELECT id, status FROM orders ORDER BY id",
        )
        .await
        .unwrap();
    let mut sets: Vec<Vec<(i64, String)>> = Vec::new();
    while !result.is_empty() {
        sets.push(result.collect().await.unwrap());
    }
    drop(result);
    // Three statements: two OKs and the SELECT's rows.
    assert_eq!(sets.len(), 3, "{sets:?}");
    let results = sets.pop().unwrap_or_default();
    assert_eq!(
        results,
        vec![(1, "new/2".to_string()), (2, "new/2".to_string())]
    );
    let history: Vec<String> = conn
        .query("SELECT msg FROM history ORDER BY n")
        .await
        .unwrap();
    assert_eq!(history, vec!["order 1", "order 2"]);
    let last: Option<i64> = conn.query_first("SELECT @last_order").await.unwrap();
    assert_eq!(last, Some(2));

    // SIGNAL: ERR 1644 with the SQLSTATE and text, and the statement's rows are undone.
    let err = util::server_error(
        conn.query_drop("INSERT INTO orders (id, qty) VALUES (3, 1), (4, 0)")
            .await,
    );
    assert_eq!(
        err,
        (
            1644,
            "45000".to_string(),
            "qty must be positive".to_string()
        )
    );
    let count: Option<i64> = conn
        .query_first("SELECT COUNT(*) FROM orders")
        .await
        .unwrap();
    assert_eq!(count, Some(2));

    // A prepared INSERT fires them too.
    conn.exec_drop("INSERT INTO orders (id, qty) VALUES (?, ?)", (10, 3))
        .await
        .unwrap();
    let status: Option<String> = conn
        .exec_first("SELECT status FROM orders WHERE id = ?", (10,))
        .await
        .unwrap();
    assert_eq!(status.as_deref(), Some("new/2"));
    let err = util::server_error(
        conn.exec_drop("INSERT INTO orders (id, qty) VALUES (?, ?)", (11, -1))
            .await,
    );
    assert_eq!(err.0, 1644);

    // What SHOW TRIGGERS and information_schema say.
    let names: Vec<(String, String, String)> = conn
        .query(
            "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'trg' ORDER BY TRIGGER_NAME",
        )
        .await
        .unwrap();
    assert_eq!(
        names,
        vec![
            ("orders_ai".into(), "AFTER".into(), "INSERT".into()),
            ("orders_bi".into(), "BEFORE".into(), "INSERT".into()),
        ]
    );
    let shown: Vec<mysql_async::Row> = conn.query("SHOW TRIGGERS").await.unwrap();
    assert_eq!(shown.len(), 2);
    conn.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysqldumps_trigger_text_loads() {
    let server = util::start(util::config()).await;
    let mut conn = trg(server.local_addr().port()).await;
    conn.query_drop("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))")
        .await
        .unwrap();
    // What `mysql < dump.sql` sends for mysqldump's trigger between `DELIMITER ;;` lines.
    conn.query_drop(
        "/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `t_bi` BEFORE INSERT ON `t` FOR EACH ROW BEGIN\n  SET NEW.v = UPPER(NEW.v);\nEND */",
    )
    .await
    .unwrap();
    conn.query_drop("INSERT INTO t VALUES (1, 'dumped')")
        .await
        .unwrap();
    let v: Option<String> = conn.query_first("SELECT v FROM t").await.unwrap();
    assert_eq!(v.as_deref(), Some("DUMPED"));
    let create: Option<(String, String, String)> = conn
        .query_first(
            "SELECT TRIGGER_NAME, DEFINER, ACTION_STATEMENT FROM information_schema.TRIGGERS",
        )
        .await
        .unwrap();
    assert_eq!(
        create,
        Some((
            "t_bi".into(),
            "root@localhost".into(),
            "BEGIN\n  SET NEW.v = UPPER(NEW.v);\nEND".into()
        ))
    );
    conn.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_triggers_works_as_a_prepared_statement_and_update_delete_fire() {
    let server = util::start(util::config()).await;
    let mut conn = trg(server.local_addr().port()).await;
    conn.query_drop("CREATE TABLE t (id INT PRIMARY KEY, v INT)")
        .await
        .unwrap();
    conn.query_drop("CREATE TABLE gone (id INT, v INT)")
        .await
        .unwrap();
    conn.query_drop(
        "CREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW BEGIN IF NEW.v < OLD.v THEN SET NEW.v = OLD.v; END IF; END",
    )
    .await
    .unwrap();
    conn.query_drop(
        "CREATE TRIGGER t_ad AFTER DELETE ON t FOR EACH ROW INSERT INTO gone VALUES (OLD.id, OLD.v)",
    )
    .await
    .unwrap();
    conn.query_drop("INSERT INTO t VALUES (1, 10), (2, 20)")
        .await
        .unwrap();
    conn.exec_drop("UPDATE t SET v = ? WHERE id = ?", (5, 1))
        .await
        .unwrap();
    conn.exec_drop("UPDATE t SET v = ? WHERE id = ?", (25, 2))
        .await
        .unwrap();
    let rows: Vec<(i64, i64)> = conn.query("SELECT id, v FROM t ORDER BY id").await.unwrap();
    assert_eq!(rows, vec![(1, 10), (2, 25)]);
    conn.exec_drop("DELETE FROM t WHERE id = ?", (2,))
        .await
        .unwrap();
    let gone: Vec<(i64, i64)> = conn.query("SELECT id, v FROM gone").await.unwrap();
    assert_eq!(gone, vec![(2, 25)]);
    let shown: Vec<(String, String, String)> = conn
        .exec_map("SHOW TRIGGERS LIKE 't'", (), |row: mysql_async::Row| {
            let name: String = row.get(0).unwrap_or_default();
            let event: String = row.get(1).unwrap_or_default();
            let timing: String = row.get(4).unwrap_or_default();
            (name, event, timing)
        })
        .await
        .unwrap();
    assert_eq!(
        shown,
        vec![
            ("t_bu".into(), "UPDATE".into(), "BEFORE".into()),
            ("t_ad".into(), "DELETE".into(), "AFTER".into()),
        ]
    );
    conn.disconnect().await.unwrap();
}

/// A procedure with a cursor loop ended by a CONTINUE HANDLER FOR NOT FOUND sums a table into
/// an OUT parameter; an EXIT HANDLER FOR SQLEXCEPTION catches a duplicate key, records its
/// GET DIAGNOSTICS text, and the CALL succeeds without warnings; an unhandled FETCH past the
/// end is ERR 1329 with SQLSTATE 02000.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_and_cursors_run_in_a_procedure() {
    let server = util::start(util::config()).await;
    let mut conn = trg(server.local_addr().port()).await;
    for sql in [
        "CREATE TABLE amounts (id INT PRIMARY KEY, amount INT)",
        "INSERT INTO amounts VALUES (1, 5), (2, 7), (3, 11)",
        "CREATE TABLE errors_seen (n INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(200))",
        "CREATE PROCEDURE sum_amounts(OUT total INT)
         BEGIN
           DECLARE done INT DEFAULT 0;
           DECLARE a INT;
           DECLARE cur CURSOR FOR SELECT amount FROM amounts ORDER BY id;
           DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;
           SET total = 0;
           OPEN cur;
           read_loop: LOOP
             FETCH cur INTO a;
             IF done THEN
               LEAVE read_loop;
             END IF;
             SET total = total + a;
           END LOOP;
           CLOSE cur;
         END",
        "CREATE PROCEDURE add_amount(IN k INT, IN v INT, OUT status VARCHAR(200))
         BEGIN
           DECLARE EXIT HANDLER FOR SQLEXCEPTION
           BEGIN
             GET DIAGNOSTICS CONDITION 1 status = MESSAGE_TEXT;
             INSERT INTO errors_seen (msg) VALUES (status);
           END;
           SET status = 'added';
           INSERT INTO amounts VALUES (k, v);
         END",
        "CREATE PROCEDURE past_end()
         BEGIN
           DECLARE a INT;
           DECLARE cur CURSOR FOR SELECT amount FROM amounts WHERE id = 1;
           OPEN cur;
           FETCH cur INTO a;
           FETCH cur INTO a;
         END",
    ] {
        conn.query_drop(sql).await.unwrap();
    }
    conn.query_drop("CALL sum_amounts(@total)").await.unwrap();
    let total: Option<i64> = conn.query_first("SELECT @total").await.unwrap();
    assert_eq!(total, Some(23));

    conn.query_drop("CALL add_amount(4, 13, @status)")
        .await
        .unwrap();
    let status: Option<String> = conn.query_first("SELECT @status").await.unwrap();
    assert_eq!(status.as_deref(), Some("added"));
    conn.query_drop("CALL add_amount(1, 99, @status)")
        .await
        .unwrap();
    assert_eq!(conn.get_warnings(), 0);
    let status: Option<String> = conn.query_first("SELECT @status").await.unwrap();
    let dup = "Duplicate entry '1' for key 'amounts.PRIMARY'";
    assert_eq!(status.as_deref(), Some(dup));
    let seen: Vec<String> = conn.query("SELECT msg FROM errors_seen").await.unwrap();
    assert_eq!(seen, vec![dup.to_string()]);
    let amount: Option<i64> = conn
        .query_first("SELECT amount FROM amounts WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(amount, Some(5));
    conn.query_drop("CALL sum_amounts(@total)").await.unwrap();
    let total: Option<i64> = conn.query_first("SELECT @total").await.unwrap();
    assert_eq!(total, Some(36));

    let err = conn.query_drop("CALL past_end()").await;
    match err {
        Err(mysql_async::Error::Server(e)) => {
            assert_eq!((e.code, e.state.as_str()), (1329, "02000"));
            assert_eq!(
                e.message,
                "No data - zero rows fetched, selected, or processed"
            );
        }
        other => panic!("expected ERR 1329, got {other:?}"),
    }
    conn.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_procedure_returns_its_result_sets_and_out_parameters() {
    let server = util::start(util::config()).await;
    let mut conn = trg(server.local_addr().port()).await;
    conn.query_drop("CREATE TABLE items (id INT PRIMARY KEY, price INT)")
        .await
        .unwrap();
    conn.query_drop("INSERT INTO items VALUES (1, 5), (2, 7), (3, 11)")
        .await
        .unwrap();
    conn.query_drop(
        "CREATE PROCEDURE summary(IN lo INT, OUT total INT)
         BEGIN
           SELECT SUM(price) INTO total FROM items WHERE id >= lo;
           SELECT id, price FROM items WHERE id >= lo ORDER BY id;
           SELECT total AS sum_seen;
         END",
    )
    .await
    .unwrap();
    let mut result = conn.query_iter("CALL summary(2, @t)").await.unwrap();
    let first: Vec<(i64, i64)> = result.collect().await.unwrap();
    let second: Vec<i64> = result.collect().await.unwrap();
    let rest: Vec<mysql_async::Row> = result.collect().await.unwrap();
    assert!(result.is_empty());
    drop(result);
    assert_eq!(first, vec![(2, 7), (3, 11)]);
    assert_eq!(second, vec![18]);
    assert!(rest.is_empty());
    let t: Option<i64> = conn.query_first("SELECT @t").await.unwrap();
    assert_eq!(t, Some(18));
    let err = util::server_error(conn.query_drop("CALL summary(1)").await);
    assert_eq!(err.0, 1318);
    conn.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_function_is_called_in_queries_and_prepared_statements() {
    let server = util::start(util::config()).await;
    let mut conn = trg(server.local_addr().port()).await;
    conn.query_drop("CREATE TABLE prices (id INT PRIMARY KEY, price INT)")
        .await
        .unwrap();
    conn.query_drop("INSERT INTO prices VALUES (1, 5), (2, 7), (3, 11)")
        .await
        .unwrap();
    // One COM_QUERY with a BEGIN ... END body.
    conn.query_drop(
        "CREATE FUNCTION with_tax(id_in INT, pct INT) RETURNS INT READS SQL DATA
         BEGIN
           DECLARE p INT;
           SELECT price INTO p FROM prices WHERE id = id_in;
           IF p IS NULL THEN
             RETURN NULL;
           END IF;
           RETURN p + p * pct DIV 100;
         END",
    )
    .await
    .unwrap();
    let got: Vec<(i64, Option<i64>)> = conn
        .query("SELECT id, with_tax(id, 100) FROM prices WHERE with_tax(id, 0) > 5 ORDER BY id")
        .await
        .unwrap();
    assert_eq!(got, vec![(2, Some(14)), (3, Some(22))]);
    // As a prepared statement (COM_STMT_PREPARE / COM_STMT_EXECUTE, binary rows).
    let stmt = conn.prep("SELECT trg.with_tax(?, ?)").await.unwrap();
    let one: Option<Option<i64>> = conn.exec_first(&stmt, (1, 20)).await.unwrap();
    assert_eq!(one, Some(Some(6)));
    let none: Option<Option<i64>> = conn.exec_first(&stmt, (9, 20)).await.unwrap();
    assert_eq!(none, Some(None));
    conn.close(stmt).await.unwrap();
    // MySQL's errors, with their texts.
    let err = util::server_error(conn.query_drop("SELECT no_such_fn(1)").await);
    assert_eq!(
        err,
        (
            1305,
            "42000".into(),
            "FUNCTION trg.no_such_fn does not exist".into()
        )
    );
    let err = util::server_error(conn.query_drop("SELECT with_tax(1)").await);
    assert_eq!(
        err,
        (
            1318,
            "42000".into(),
            "Incorrect number of arguments for FUNCTION trg.with_tax; expected 2, got 1".into()
        )
    );
    conn.query_drop(
        "CREATE FUNCTION countdown(n INT) RETURNS INT DETERMINISTIC
         BEGIN
           IF n = 0 THEN RETURN 0; END IF;
           RETURN countdown(n - 1);
         END",
    )
    .await
    .unwrap();
    let err = util::server_error(conn.query_drop("SELECT countdown(2)").await);
    assert_eq!(
        err,
        (
            1424,
            "HY000".into(),
            "Recursive stored functions and triggers are not allowed.".into()
        )
    );
    let text: Option<(String, String)> = conn
        .query_first("SHOW CREATE FUNCTION with_tax")
        .await
        .map(
            |r: Option<(String, String, String, String, String, String)>| {
                r.map(|(name, _, create, ..)| (name, create))
            },
        )
        .unwrap();
    let (name, create) = text.unwrap();
    assert_eq!(name, "with_tax");
    assert!(
        create.starts_with("CREATE DEFINER=`root`@`%` FUNCTION `with_tax`(id_in INT, pct INT) RETURNS INT\n    READS SQL DATA\nBEGIN"),
        "{create}"
    );
    conn.disconnect().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prepared_call_sends_its_out_parameters_back() {
    let server = util::start(util::config()).await;
    let port = server.local_addr().port();
    let mut conn = trg(port).await;
    conn.query_drop(
        "CREATE PROCEDURE bump(IN step INT, INOUT n BIGINT, OUT label VARCHAR(20))
         BEGIN
           SET n = n + step;
           SET label = CONCAT('n=', n);
           SELECT step AS s;
         END",
    )
    .await
    .unwrap();
    // mysql_async: the body's result set, then the OUT and INOUT parameters as one row.
    let mut r = conn
        .exec_iter("CALL bump(?, ?, ?)", (5, 10, mysql_async::Value::NULL))
        .await
        .unwrap();
    let body: Vec<i64> = r.collect().await.unwrap();
    let outs: Vec<(i64, String)> = r.collect().await.unwrap();
    assert!(r.is_empty());
    drop(r);
    assert_eq!(body, vec![5]);
    assert_eq!(outs, vec![(15, "n=15".to_string())]);
    // An IN argument may be an expression over a marker; OUT ones must be markers or variables.
    let mut r = conn
        .exec_iter("CALL bump(? * 2, ?, ?)", (4, 1, mysql_async::Value::NULL))
        .await
        .unwrap();
    let _: Vec<i64> = r.collect().await.unwrap();
    let outs: Vec<(i64, String)> = r.collect().await.unwrap();
    drop(r);
    assert_eq!(outs, vec![(9, "n=9".to_string())]);
    let err = util::server_error(
        conn.exec_drop("CALL bump(?, 7, ?)", (1, mysql_async::Value::NULL))
            .await,
    );
    assert_eq!(err.0, 1414, "{err:?}");
    // SQL-level EXECUTE ... USING: the values go to the variables bound to the markers.
    conn.query_drop("SET @n = 1, @step = 2").await.unwrap();
    conn.query_drop("PREPARE c FROM 'CALL bump(?, ?, ?)'")
        .await
        .unwrap();
    conn.query_drop("EXECUTE c USING @step, @n, @label")
        .await
        .unwrap();
    let got: Option<(i64, String)> = conn.query_first("SELECT @n, @label").await.unwrap();
    assert_eq!(got, Some((3, "n=3".to_string())));

    // The bytes, from a raw client: the row's end carries SERVER_PS_OUT_PARAMS and
    // SERVER_MORE_RESULTS_EXISTS, then the CALL's own OK ends the response.
    use myseal_wire::constants::{CapabilityFlags as Caps, StatusFlags};
    conn.query_drop(
        "CREATE PROCEDURE twice(INOUT n BIGINT, OUT s VARCHAR(20))
         BEGIN SET n = n * 2; SET s = 'doubled'; END",
    )
    .await
    .unwrap();
    let execute = |id: u32| {
        let mut out = vec![0x17];
        out.extend_from_slice(&id.to_le_bytes());
        out.push(0);
        out.extend_from_slice(&1u32.to_le_bytes());
        out.push(0b10); // the second parameter is NULL
        out.push(1); // types follow
        out.extend_from_slice(&[0x08, 0, 0x06, 0]); // LONGLONG, NULL
        out.extend_from_slice(&21i64.to_le_bytes());
        out
    };
    let extra = Caps::CLIENT_MULTI_RESULTS | Caps::CLIENT_PS_MULTI_RESULTS;
    let mut raw = util::Raw::login_with(port, "root", util::ROOT_PASSWORD, extra).await;
    let (id, _) = crate::cursors::prepare(&mut raw, "CALL trg.twice(?, ?)").await;
    raw.seq = 0;
    raw.write(&execute(id)).await;
    let count = raw.read().await.unwrap();
    assert_eq!(count.payload, vec![2], "{:?}", util::err_of(&count));
    let mut types = Vec::new();
    for _ in 0..2 {
        let p = raw.read().await.unwrap();
        let def = myseal_wire::resultset::ColumnDefinition41::decode(&p.payload).unwrap();
        types.push(def.column_type);
    }
    let row = raw.read().await.unwrap();
    let values = myseal_wire::statement::decode_binary_row(&row.payload, &types).unwrap();
    assert_eq!(values[0].as_deref(), Some(&42i64.to_le_bytes()[..]));
    assert_eq!(values[1].as_deref(), Some(&b"doubled"[..]));
    let end = raw.read().await.unwrap();
    assert_eq!(end.payload[0], 0xFE);
    let flags = crate::cursors::status_of(&end);
    let want = StatusFlags::SERVER_PS_OUT_PARAMS.0 | StatusFlags::SERVER_MORE_RESULTS_EXISTS.0;
    assert_eq!(flags.0 & want, want, "{flags:?}");
    let ok = raw.read().await.unwrap();
    assert_eq!(ok.payload[0], 0x00);
    let ok = myseal_wire::response::OkPacket::decode(&ok.payload, util::client_caps()).unwrap();
    assert_eq!(
        ok.status_flags.0 & want,
        0,
        "the CALL's OK ends the response"
    );
    // A client without CLIENT_PS_MULTI_RESULTS gets the OK alone, as from MySQL.
    let mut plain = util::Raw::login(port, "root", util::ROOT_PASSWORD).await;
    let (id, _) = crate::cursors::prepare(&mut plain, "CALL trg.twice(?, ?)").await;
    plain.seq = 0;
    plain.write(&execute(id)).await;
    let ok = plain.read().await.unwrap();
    assert_eq!(ok.payload[0], 0x00, "{:?}", util::err_of(&ok));
    conn.disconnect().await.unwrap();
}
