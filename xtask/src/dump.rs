//! mysqldump (mariadb-dump) of a database with every type and a foreign key, restored into a
//! fresh database through the CLI, over verified TLS: the data and the table definitions must
//! come back identical (BLOB bytes included: mysqldump writes them raw inside string literals).

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
