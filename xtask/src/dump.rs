//! mysqldump (mariadb-dump) of a database with every type and a foreign key, restored into a
//! fresh database through the CLI, over verified TLS: the data and the table definitions must
//! come back identical (BLOB bytes included: mysqldump writes them raw inside string literals);
//! and `mysqldump --databases` of views, a trigger, FKs, JSON and a database collation restored
//! into a second, fresh server.

use std::path::Path;

use crate::outcome::{mysql_cli, run_client, run_client_with_input, Outcome};
use crate::server::{self, Myseal, ROOT_PASSWORD};

const SETUP: &str = "DROP DATABASE IF EXISTS dump_src; DROP DATABASE IF EXISTS dump_dst; \
CREATE DATABASE dump_src; CREATE DATABASE dump_dst; USE dump_src; \
CREATE TABLE parent (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(20) NOT NULL UNIQUE); \
CREATE TABLE child (id BIGINT UNSIGNED PRIMARY KEY, parent_id INT, d DECIMAL(10,2), f DOUBLE, \
dt DATETIME(6), tm TIME, da DATE, ts TIMESTAMP NULL, e ENUM('a','b'), s VARCHAR(30), t TEXT, \
b BLOB, j JSON, KEY (parent_id), CONSTRAINT fk FOREIGN KEY (parent_id) REFERENCES parent (id)); \
INSERT INTO parent (name) VALUES ('p1'), ('p2'); \
INSERT INTO child VALUES (18446744073709551615, 1, -12.5, 1.5e300, '2026-12-01 10:11:12.123456', \
'-838:59:59', '2026-01-01', '2026-01-01 00:00:01', 'b', 'emoji \u{1F600} ''quote''', 'line\\nbreak', \
0x00FF27805C, '{\"a\": [1, 2]}'), (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
NULL, NULL)";

const COMPARE: &str = "SELECT id, parent_id, d, f, dt, tm, da, ts, e, s, t, HEX(b), j FROM child \
ORDER BY id; SELECT * FROM parent ORDER BY id; SHOW CREATE TABLE child; SHOW CREATE TABLE parent";

/// Arguments of the mysql CLI (or mysqldump) as root over verified TLS, with `-e sql` and the
/// database, when given.
fn root_args(srv: &Myseal, certs: &Path, db: Option<&str>, sql: Option<&str>) -> Vec<String> {
    let mut v = vec![
        "--ssl-verify-server-cert".to_string(),
        format!("--ssl-ca={}", certs.join("ca.pem").display()),
        "-h".into(),
        "127.0.0.1".into(),
        "-P".into(),
        srv.port.to_string(),
        "-u".into(),
        "root".into(),
        format!("-p{ROOT_PASSWORD}"),
    ];
    if let Some(sql) = sql {
        v.extend(["-e".to_string(), sql.to_string()]);
    }
    v.extend(db.map(str::to_string));
    v
}

/// Dumps and restores, comparing the data.
pub(crate) fn checks(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let name = "mysqldump of every type and a foreign key, restored into a fresh database";
    let (Some(cli), Some(dump)) = (
        mysql_cli(),
        ["mariadb-dump", "mysqldump"]
            .into_iter()
            .find(|c| server::which(c).is_some()),
    ) else {
        o.record(
            name,
            Err("skip:no mariadb-dump/mysqldump (apt-get install mariadb-client)".into()),
        );
        return;
    };
    let args = |db: Option<&str>, sql: Option<&str>| root_args(srv, certs, db, sql);
    let ok = |r: (bool, String, String), what: &str| -> Result<String, String> {
        if r.0 {
            Ok(r.1)
        } else {
            Err(format!("{what}: {}{}", r.1.trim(), r.2.trim()))
        }
    };
    let file = certs.join("compat-dump.sql");
    let result = run_client(cli, &args(None, Some(SETUP)))
        .and_then(|r| ok(r, "set-up"))
        .and_then(|_| {
            // The dump's bytes as they are (BLOBs are raw inside its string literals).
            let mut a = args(Some("dump_src"), None);
            a.insert(0, "--single-transaction".into());
            let out = std::process::Command::new("timeout")
                .arg("60")
                .arg(dump)
                .args(&a)
                .output()
                .map_err(|e| format!("cannot run {dump}: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "dump: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            std::fs::write(&file, &out.stdout).map_err(|e| format!("{}: {e}", file.display()))
        })
        .and_then(|()| run_client_with_input(cli, &args(Some("dump_dst"), None), Some(&file)))
        .and_then(|r| ok(r, "restore"))
        .and_then(|_| {
            let before = run_client(cli, &args(Some("dump_src"), Some(COMPARE)))
                .and_then(|r| ok(r, "read source"))?;
            let after = run_client(cli, &args(Some("dump_dst"), Some(COMPARE)))
                .and_then(|r| ok(r, "read copy"))?;
            if before == after && before.contains("00FF27805C") {
                Ok(())
            } else {
                Err(format!(
                    "restored data differs:\n--- source\n{before}\n--- copy\n{after}"
                ))
            }
        });
    o.record(name, result);
}

/// sysbench oltp_read_write prepare / run / cleanup in both `--db-ps-mode` values (prepared
/// statements through libmysqlclient, and plain text), over TLS, with zero errors (one thread:
/// with more, a deadlock that sysbench retries is as possible as on InnoDB).
pub(crate) fn sysbench_checks(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    for mode in ["auto", "disable"] {
        let name = format!(
            "sysbench oltp_read_write --db-ps-mode={mode}: prepare, run 5 s, cleanup, 0 errors"
        );
        let Some(exe) = server::which("sysbench") else {
            o.record(
                &name,
                Err("skip:no sysbench (apt-get install sysbench)".into()),
            );
            continue;
        };
        o.record(&name, sysbench_mode(&exe, srv, certs, mode));
    }
}

fn sysbench_mode(exe: &Path, srv: &Myseal, certs: &Path, mode: &str) -> Result<(), String> {
    // sysbench reads cacert.pem, client-cert.pem and client-key.pem from its working directory.
    let dir = server::scratch(&format!("compat-sysbench-{mode}"));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (from, to) in [
        ("ca.pem", "cacert.pem"),
        ("client-cert.pem", "client-cert.pem"),
        ("client-key.pem", "client-key.pem"),
    ] {
        std::fs::copy(certs.join(from), dir.join(to)).map_err(|e| format!("{from}: {e}"))?;
    }
    let db = format!("sb_{mode}");
    run_client(
        mysql_cli().ok_or("no mariadb/mysql client")?,
        &root_args(
            srv,
            certs,
            None,
            Some(&format!(
                "DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}"
            )),
        ),
    )
    .and_then(|r| if r.0 { Ok(()) } else { Err(r.2) })?;
    for step in ["prepare", "run", "cleanup"] {
        let out = std::process::Command::new("timeout")
            .arg("120")
            .arg(exe)
            .arg("oltp_read_write")
            .args([
                "--db-driver=mysql",
                "--mysql-host=127.0.0.1",
                &format!("--mysql-port={}", srv.port),
                "--mysql-user=root",
                &format!("--mysql-password={ROOT_PASSWORD}"),
                &format!("--mysql-db={db}"),
                "--mysql-ssl=on",
                "--tables=2",
                "--table-size=1000",
                "--threads=1",
                "--time=5",
                &format!("--db-ps-mode={mode}"),
                step,
            ])
            .current_dir(&dir)
            .output()
            .map_err(|e| format!("cannot run sysbench: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(format!(
                "{step}: {}{}",
                stdout.lines().rev().take(5).collect::<Vec<_>>().join(" | "),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        if step == "run" {
            // sysbench stops on an error it does not ignore (the exit status above); the ones
            // it ignores (deadlocks, ...) and reconnects must be 0 too.
            for what in ["ignored errors:", "reconnects:"] {
                let n = stdout
                    .lines()
                    .find_map(|l| l.trim().strip_prefix(what))
                    .and_then(|rest| rest.split_whitespace().next())
                    .ok_or(format!("run: no '{what}' in sysbench's output"))?;
                if n != "0" {
                    return Err(format!("run: {what} {n}"));
                }
            }
        }
    }
    Ok(())
}

/// The database of [`databases_round_trip`]: a non-default default collation (so a
/// case-variant pair fits a UNIQUE key), a column with its own collation, JSON, an FK with ON
/// DELETE CASCADE, an AFTER INSERT trigger with a BEGIN ... END body and a view over a join.
const RT_SETUP: &str = "DROP DATABASE IF EXISTS dump_rt;
CREATE DATABASE dump_rt DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
USE dump_rt;
CREATE TABLE author (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(40) NOT NULL, UNIQUE KEY (name));
CREATE TABLE book (id INT PRIMARY KEY AUTO_INCREMENT, author_id INT NOT NULL,
  title VARCHAR(100) COLLATE utf8mb4_0900_ai_ci, meta JSON, price DECIMAL(8,2),
  CONSTRAINT fk_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE);
CREATE TABLE audit (id INT PRIMARY KEY AUTO_INCREMENT, book_id INT, note VARCHAR(200));
DELIMITER //
CREATE TRIGGER book_ai AFTER INSERT ON book FOR EACH ROW BEGIN
  INSERT INTO audit (book_id, note) VALUES (NEW.id, CONCAT('added ', NEW.title));
END//
DELIMITER ;
INSERT INTO author (name) VALUES ('Ann'), ('ann'), ('Bob');
INSERT INTO book (author_id, title, meta, price) VALUES
  (1, 'First', '{\"tags\": [\"a\", \"b\"], \"pages\": 120}', 9.99),
  (2, 'Second', '{\"tags\": []}', NULL), (3, 'Third ''q''', NULL, 100.00);
CREATE VIEW book_view AS SELECT b.id, a.name, b.title, b.meta->>'$.pages' AS pages
  FROM book b JOIN author a ON a.id = b.author_id;
";

/// What must read the same on the source and the restored copy: the database's options, every
/// row (and CHECKSUM TABLE), the view's rows, the tables' definitions and the trigger.
const RT_COMPARE: &str = "SHOW CREATE DATABASE dump_rt; USE dump_rt; \
SELECT * FROM author ORDER BY id; SELECT * FROM book ORDER BY id; SELECT * FROM audit ORDER BY id; \
SELECT * FROM book_view ORDER BY id; CHECKSUM TABLE author, book, audit; \
SHOW CREATE TABLE author; SHOW CREATE TABLE book; SHOW CREATE TABLE audit; \
SELECT TRIGGER_NAME, EVENT_MANIPULATION, EVENT_OBJECT_TABLE, ACTION_TIMING, ACTION_STATEMENT \
FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'dump_rt'; \
SELECT TABLE_NAME, IS_UPDATABLE FROM information_schema.VIEWS WHERE TABLE_SCHEMA = 'dump_rt'; \
SELECT COUNT(*) FROM author WHERE name = 'ANN'";

/// After the restore: the trigger fires and the FK cascades in the copy.
const RT_AFTER: &str = "USE dump_rt; INSERT INTO book (author_id, title) VALUES (3, 'Fourth'); \
SELECT note FROM audit WHERE book_id = 4; DELETE FROM author WHERE id = 1; \
SELECT COUNT(*) FROM book WHERE author_id = 1";

/// `mysqldump --databases --single-transaction --triggers [--routines]` of [`RT_SETUP`]'s
/// database, restored with the CLI into a second, fresh myseal server, which must then read
/// the same ([`RT_COMPARE`]) and run the trigger and the FK ([`RT_AFTER`]).
pub(crate) fn databases_round_trip(bin: &Path, srv: &Myseal, certs: &Path, o: &mut Outcome) {
    for routines in [false, true] {
        let name = format!(
            "mysqldump --databases --single-transaction --triggers{} (view, trigger, FK, JSON, \
             utf8mb4_bin database) restored into a fresh server",
            if routines { " --routines" } else { "" }
        );
        let (Some(cli), Some(dump)) = (
            mysql_cli(),
            ["mariadb-dump", "mysqldump"]
                .into_iter()
                .find(|c| server::which(c).is_some()),
        ) else {
            o.record(
                &name,
                Err("skip:no mariadb-dump/mysqldump (apt-get install mariadb-client)".into()),
            );
            continue;
        };
        let fresh = match Myseal::start(bin, certs, &[]) {
            Ok(f) => f,
            Err(e) => {
                o.record(&name, Err(format!("second server: {e}")));
                continue;
            }
        };
        let result = round_trip(cli, dump, srv, &fresh, certs, routines);
        fresh.stop();
        o.record(&name, result);
    }
}

fn round_trip(
    cli: &str,
    dump: &str,
    srv: &Myseal,
    fresh: &Myseal,
    certs: &Path,
    routines: bool,
) -> Result<(), String> {
    let ok = |r: (bool, String, String), what: &str| -> Result<String, String> {
        if r.0 {
            Ok(r.1)
        } else {
            Err(format!("{what}: {}{}", r.1.trim(), r.2.trim()))
        }
    };
    let setup = certs.join("compat-dump-rt-setup.sql");
    std::fs::write(&setup, RT_SETUP).map_err(|e| format!("{}: {e}", setup.display()))?;
    run_client_with_input(cli, &root_args(srv, certs, None, None), Some(&setup))
        .and_then(|r| ok(r, "set-up"))?;
    let mut a = vec![
        "--single-transaction".to_string(),
        "--triggers".into(),
        "--databases".into(),
    ];
    if routines {
        a.insert(2, "--routines".into());
    }
    a.extend(root_args(srv, certs, None, None));
    a.push("dump_rt".into());
    let out = std::process::Command::new("timeout")
        .arg("60")
        .arg(dump)
        .args(&a)
        .output()
        .map_err(|e| format!("cannot run {dump}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "dump: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let file = certs.join("compat-dump-rt.sql");
    std::fs::write(&file, &out.stdout).map_err(|e| format!("{}: {e}", file.display()))?;
    run_client_with_input(cli, &root_args(fresh, certs, None, None), Some(&file))
        .and_then(|r| ok(r, "restore"))?;
    let before = run_client(cli, &root_args(srv, certs, None, Some(RT_COMPARE)))
        .and_then(|r| ok(r, "read source"))?;
    let after = run_client(cli, &root_args(fresh, certs, None, Some(RT_COMPARE)))
        .and_then(|r| ok(r, "read copy"))?;
    if before != after || !before.contains("utf8mb4_bin") || !before.contains("book_ai") {
        return Err(format!(
            "restored database differs:\n--- source\n{before}\n--- copy\n{after}"
        ));
    }
    let later = run_client(cli, &root_args(fresh, certs, None, Some(RT_AFTER)))
        .and_then(|r| ok(r, "use the copy"))?;
    if !later.contains("added Fourth") || !later.lines().any(|l| l.trim() == "0") {
        return Err(format!("trigger or FK of the copy: {later}"));
    }
    Ok(())
}
