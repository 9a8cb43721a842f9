//! `cargo xtask compat`: real third-party clients against the release server (or the binary named by
//! `MYSEAL_BIN`: CI passes the debug build that `cargo test` made).
//!
//! Each check runs a client process with a timeout and looks at its exit status and output. Clients that are
//! not installed are reported as skipped (`--require-all`, used by CI, turns a skip into a failure).

use std::path::Path;
use std::process::Command;

use crate::outcome::{
    expect_err, expect_ok, mysql_cli, run_client, run_client_with_input, script_result, Outcome,
};
use crate::server::{self, Myseal, ROOT_PASSWORD};

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let require_all = args.iter().any(|a| a == "--require-all");
    let bin = server::build_release()?;
    let certs = server::scratch("compat-certs");
    myseal_tls::ensure_dev_certs(&certs).map_err(|e| e.to_string())?;
    let other = certs.join("other");
    std::fs::create_dir_all(&other).map_err(|e| e.to_string())?;
    myseal_tls::generate_ca("Other CA", &other.join("ca.pem"), &other.join("ca-key.pem"))
        .map_err(|e| e.to_string())?;
    let srv = Myseal::start(&bin, &certs, &["--trace-handshake", "--local-infile"])?;
    println!(
        "myseal ({}) on 127.0.0.1:{} (ready after {:?})",
        bin.display(),
        srv.port,
        srv.ready_after
    );
    let mut o = Outcome {
        passed: 0,
        failed: 0,
        skipped: 0,
    };
    cli_checks(&srv, &certs, &mut o);
    python_checks(&srv, &certs, &mut o);
    node_checks(&srv, &certs, &mut o);
    java_checks(&srv, &certs, &mut o);
    crate::clients::checks(&srv, &certs, &mut o);
    crate::clients::pytest_example(&bin, &mut o);
    crate::dump::checks(&srv, &certs, &mut o);
    crate::dump::databases_round_trip(&bin, &srv, &certs, &mut o);
    crate::dump::sysbench_checks(&srv, &certs, &mut o);
    let log = srv.log.clone();
    srv.stop();
    if o.failed > 0 {
        println!("--- server log (last 40 lines) ---");
        if let Ok(l) = log.lock() {
            for line in l
                .iter()
                .rev()
                .take(40)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                println!("{line}");
            }
        }
    }
    println!(
        "{} passed, {} failed, {} skipped",
        o.passed, o.failed, o.skipped
    );
    if o.failed > 0 || (require_all && o.skipped > 0) {
        return Err("compat checks failed".into());
    }
    Ok(())
}

fn cli_checks(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let Some(client) = mysql_cli() else {
        o.record(
            "mysql CLI",
            Err("skip:no mysql/mariadb client (apt-get install mariadb-client)".into()),
        );
        return;
    };
    let p = |name: &str| certs.join(name).display().to_string();
    let base = |extra: &[&str], password: &str| -> Vec<String> {
        let mut v: Vec<String> = vec![
            "-h".into(),
            "127.0.0.1".into(),
            "-P".into(),
            srv.port.to_string(),
            "-u".into(),
            "root".into(),
            format!("-p{password}"),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let ssl = [
        format!("--ssl-ca={}", p("ca.pem")),
        format!("--ssl-cert={}", p("client-cert.pem")),
        format!("--ssl-key={}", p("client-key.pem")),
    ];
    let ssl_refs: Vec<&str> = ssl.iter().map(String::as_str).collect();
    let query = |q: &str| -> Vec<String> {
        let mut v = ssl_refs.clone();
        v.push("-e");
        v.push(q);
        base(&v, ROOT_PASSWORD)
    };

    o.record(
        &format!("{client} CLI with client certificate: SHOW SESSION STATUS LIKE 'Ssl_cipher'"),
        run_client(client, &query("SHOW SESSION STATUS LIKE 'Ssl_cipher'"))
            .and_then(|r| expect_ok(r, "TLS_")),
    );
    let mut verify = query("SHOW SESSION STATUS LIKE 'Ssl_version'");
    verify.push("--ssl-verify-server-cert".into());
    o.record(
        &format!("{client} CLI --ssl-verify-server-cert"),
        run_client(client, &verify).and_then(|r| expect_ok(r, "TLSv1.3")),
    );
    o.record(
        &format!("{client} CLI banner queries and expressions"),
        run_client(
            client,
            &query("select @@version_comment limit 1; SELECT 1+1 AS two; SHOW VARIABLES LIKE 'have_ssl'; SELECT USER()"),
        )
        .and_then(|r| expect_ok(r, "myseal").and_then(|_| expect_ok(run_client(client, &query("SELECT 1+1 AS two"))?, "2"))),
    );
    o.record(
        &format!("{client} CLI --skip-ssl gets ERROR 3159"),
        run_client(
            client,
            &base(&["--skip-ssl", "-e", "SELECT 1"], ROOT_PASSWORD),
        )
        .and_then(|r| expect_err(r, "3159")),
    );
    let wrong_ca = format!("--ssl-ca={}", certs.join("other").join("ca.pem").display());
    o.record(
        &format!("{client} CLI trusting another CA refuses the server (ERROR 2026)"),
        run_client(
            client,
            &base(
                &[&wrong_ca, "--ssl-verify-server-cert", "-e", "SELECT 1"],
                ROOT_PASSWORD,
            ),
        )
        .and_then(|r| expect_err(r, "2026")),
    );
    let mut wrong_pw = ssl_refs.clone();
    wrong_pw.extend(["-e", "SELECT 1"]);
    o.record(
        &format!("{client} CLI wrong password gets ERROR 1045"),
        run_client(client, &base(&wrong_pw, "not-the-password"))
            .and_then(|r| expect_err(r, "1045")),
    );
    // mTLS: an account that REQUIRE X509 gets in only with a client certificate signed by ssl_ca.
    let setup = query("DROP USER IF EXISTS 'mtls'@'%'; CREATE USER 'mtls'@'%' IDENTIFIED BY 'mtls-pw' REQUIRE X509");
    let mtls = |with_cert: bool| -> Vec<String> {
        let mut v: Vec<String> = vec![
            "-h".into(),
            "127.0.0.1".into(),
            "-P".into(),
            srv.port.to_string(),
            "-u".into(),
            "mtls".into(),
            "-pmtls-pw".into(),
            format!("--ssl-ca={}", p("ca.pem")),
        ];
        if with_cert {
            v.push(format!("--ssl-cert={}", p("client-cert.pem")));
            v.push(format!("--ssl-key={}", p("client-key.pem")));
        }
        v.extend(["-e".to_string(), "SELECT CURRENT_USER()".to_string()]);
        v
    };
    o.record(
        &format!("{client} CLI: REQUIRE X509 account with a client certificate"),
        run_client(client, &setup)
            .and_then(|r| {
                let (ok, out, err) = r;
                if ok {
                    Ok(())
                } else {
                    Err(format!("CREATE USER failed: {out}{err}"))
                }
            })
            .and_then(|()| run_client(client, &mtls(true)))
            .and_then(|r| expect_ok(r, "mtls@%")),
    );
    o.record(
        &format!("{client} CLI: REQUIRE X509 account without a client certificate gets ERROR 1045"),
        run_client(client, &mtls(false)).and_then(|r| expect_err(r, "1045")),
    );
    o.record(
        &format!("{client} CLI unknown statement gets ERROR 1064"),
        run_client(client, &query("SELEKT 1")).and_then(|r| expect_err(r, "1064")),
    );
    let with = |extra: &[&str], q: &str| -> Vec<String> {
        let mut v = ssl_refs.clone();
        v.extend_from_slice(extra);
        v.push("-e");
        v.push(q);
        base(&v, ROOT_PASSWORD)
    };
    let big = certs.join("compat-big.sql");
    let mut big_args: Vec<String> = ssl_refs.iter().map(|s| s.to_string()).collect();
    big_args.push("--compress".into());
    let big_args = base(
        &big_args.iter().map(String::as_str).collect::<Vec<_>>(),
        ROOT_PASSWORD,
    );
    o.record(
        &format!("{client} CLI --compress: Compression ON and an 18 MB statement"),
        run_client(
            client,
            &with(&["--compress"], "SHOW SESSION STATUS LIKE 'Compression'"),
        )
        .and_then(|r| expect_ok(r, "Compression\tON"))
        .and_then(|()| {
            let sql = format!("SELECT LENGTH('{}') AS n;\n", "z".repeat(18 * 1024 * 1024));
            std::fs::write(&big, sql).map_err(|e| format!("cannot write {}: {e}", big.display()))
        })
        .and_then(|()| run_client_with_input(client, &big_args, Some(&big)))
        .and_then(|r| expect_ok(r, "18874368")),
    );
    let csv = certs.join("compat-load.csv");
    let load = match std::fs::write(&csv, "1,\"Smith, J\"\n2,\\N\n3,ok\n") {
        Ok(()) => run_client(
            client,
            &with(
                &["--local-infile=1"],
                &format!(
                    "CREATE DATABASE IF NOT EXISTS compat_load; \
                     CREATE TABLE IF NOT EXISTS compat_load.t (id INT PRIMARY KEY, name VARCHAR(20)); \
                     LOAD DATA LOCAL INFILE '{}' REPLACE INTO TABLE compat_load.t \
                     FIELDS TERMINATED BY ',' ENCLOSED BY '\"'; \
                     SELECT GROUP_CONCAT(CONCAT(id, ':', IFNULL(name, 'NULL')) ORDER BY id SEPARATOR '|') FROM compat_load.t",
                    csv.display()
                ),
            ),
        )
        .and_then(|r| expect_ok(r, "1:Smith, J|2:NULL|3:ok")),
        Err(e) => Err(format!("cannot write {}: {e}", csv.display())),
    };
    o.record(
        &format!("{client} CLI LOAD DATA LOCAL INFILE (--local-infile=1) of a CSV file"),
        load,
    );
    cli_privilege_checks(client, srv, certs, o);
}

/// The CLI as non-root accounts over verified TLS: a table grant, a role, an expired password,
/// and a new connection after `ALTER INSTANCE RELOAD TLS`. Refusals are matched on the whole
/// `ERROR ...` line the client prints.
fn cli_privilege_checks(client: &str, srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let ca = format!("--ssl-ca={}", certs.join("ca.pem").display());
    let port = srv.port.to_string();
    let verified = |user: &str, password: &str, extra: &[&str], sql: &str| -> Vec<String> {
        let mut v: Vec<String> = [
            "-h",
            "127.0.0.1",
            "-P",
            &port,
            "-u",
            user,
            &format!("-p{password}"),
            &ca,
            "--ssl-verify-server-cert",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v.extend(["-e".to_string(), sql.to_string()]);
        v
    };
    let as_root = |sql: &str| -> Result<(), String> {
        let (ok, out, err) = run_client(client, &verified("root", ROOT_PASSWORD, &[], sql))?;
        if ok {
            Ok(())
        } else {
            Err(format!("as root: {}{}", out.trim(), err.trim()))
        }
    };
    let setup = as_root(
        "DROP DATABASE IF EXISTS cli_priv; DROP USER IF EXISTS cli_t, cli_ro, cli_exp; \
         DROP ROLE IF EXISTS cli_role; CREATE DATABASE cli_priv; \
         CREATE TABLE cli_priv.t (a INT PRIMARY KEY, b VARCHAR(10)); \
         INSERT INTO cli_priv.t VALUES (1, 'one'), (2, 'two'); \
         CREATE USER cli_t IDENTIFIED BY 'cli-pw'; GRANT SELECT ON cli_priv.t TO cli_t; \
         CREATE ROLE cli_role; GRANT SELECT, DELETE ON cli_priv.t TO cli_role; \
         CREATE USER cli_ro IDENTIFIED BY 'cli-pw'; GRANT cli_role TO cli_ro; \
         CREATE USER cli_exp IDENTIFIED BY 'cli-pw' PASSWORD EXPIRE",
    );
    if let Err(e) = setup {
        o.record(&format!("{client} CLI privilege accounts set-up"), Err(e));
        return;
    }
    let denied = |cmd: &str, user: &str| {
        format!(
            "ERROR 1142 (42000) at line 1: {cmd} command denied to user '{user}'@'127.0.0.1' \
             for table 't'"
        )
    };
    o.record(
        &format!("{client} CLI table-grant account: SELECT allowed, DELETE gets the exact 1142"),
        run_client(
            client,
            &verified(
                "cli_t",
                "cli-pw",
                &[],
                "SELECT b FROM cli_priv.t WHERE a = 2",
            ),
        )
        .and_then(|r| expect_ok(r, "two"))
        .and_then(|()| {
            run_client(
                client,
                &verified("cli_t", "cli-pw", &[], "DELETE FROM cli_priv.t"),
            )
        })
        .and_then(|r| expect_err(r, &denied("DELETE", "cli_t"))),
    );
    o.record(
        &format!("{client} CLI role account: refused without the role, allowed after SET ROLE"),
        run_client(
            client,
            &verified(
                "cli_ro",
                "cli-pw",
                &[],
                "DELETE FROM cli_priv.t WHERE a = 2",
            ),
        )
        .and_then(|r| expect_err(r, &denied("DELETE", "cli_ro")))
        .and_then(|()| {
            run_client(
                client,
                &verified(
                    "cli_ro",
                    "cli-pw",
                    &[],
                    "SET ROLE cli_role; DELETE FROM cli_priv.t WHERE a = 2; \
                     SELECT CURRENT_ROLE(), COUNT(*) FROM cli_priv.t",
                ),
            )
        })
        .and_then(|r| expect_ok(r, "`cli_role`@`%`\t1")),
    );
    o.record(
        &format!("{client} CLI expired password: ERROR 1862, then --connect-expired-password gets 1820 until ALTER USER"),
        run_client(client, &verified("cli_exp", "cli-pw", &[], "SELECT 1"))
            .and_then(|r| {
                expect_err(
                    r,
                    "ERROR 1862 (HY000): Your password has expired. To log in you must change \
                     it using a client that supports expired passwords.",
                )
            })
            .and_then(|()| {
                run_client(
                    client,
                    &verified("cli_exp", "cli-pw", &["--connect-expired-password"], "SELECT 1"),
                )
            })
            .and_then(|r| {
                expect_err(
                    r,
                    "ERROR 1820 (HY000) at line 1: You must reset your password using ALTER \
                     USER statement before executing this statement.",
                )
            })
            .and_then(|()| {
                run_client(
                    client,
                    &verified(
                        "cli_exp",
                        "cli-pw",
                        &["--connect-expired-password"],
                        "ALTER USER USER() IDENTIFIED BY 'cli-new-pw'; SELECT CURRENT_USER()",
                    ),
                )
            })
            .and_then(|r| expect_ok(r, "cli_exp@%"))
            .and_then(|()| {
                run_client(
                    client,
                    &verified("cli_exp", "cli-new-pw", &[], "SELECT 40 + 2"),
                )
            })
            .and_then(|r| expect_ok(r, "42")),
    );
    o.record(
        &format!("{client} CLI after ALTER INSTANCE RELOAD TLS: new verified connection as a non-root account"),
        as_root("ALTER INSTANCE RELOAD TLS")
            .and_then(|()| {
                run_client(
                    client,
                    &verified(
                        "cli_t",
                        "cli-pw",
                        &[],
                        "SELECT CURRENT_USER(); SHOW SESSION STATUS LIKE 'Ssl_version'",
                    ),
                )
            })
            .and_then(|r| expect_ok(r.clone(), "cli_t@%").and_then(|()| expect_ok(r, "TLSv1.3"))),
    );
}

fn python_checks(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let Some(python) = ["python3", "python"]
        .into_iter()
        .find(|p| server::which(p).is_some())
    else {
        o.record("python clients", Err("skip:no python3".into()));
        return;
    };
    let scripts = crate::root().join("xtask").join("scripts");
    let ca = certs.join("ca.pem").display().to_string();
    for driver in ["pymysql", "mysql.connector"] {
        let base = [
            driver.to_string(),
            srv.port.to_string(),
            ca.clone(),
            ROOT_PASSWORD.to_string(),
        ];
        let runs = [
            (
                "python_clients.py",
                None,
                format!("{driver}: verifying SSL context, SELECT 1, Ssl_cipher, parameters, wrong password"),
            ),
            (
                "python_privileges.py",
                Some(certs.display().to_string()),
                format!(
                    "{driver}: privileges as global/db/table/column-grant and role accounts, \
                     REQUIRE X509, PASSWORD EXPIRE, FAILED_LOGIN_ATTEMPTS, RELOAD TLS \
                     (exact error texts)"
                ),
            ),
        ];
        for (script, extra, name) in runs {
            let result = script_result(
                Command::new("timeout")
                    .arg("60")
                    .arg(python)
                    .arg(scripts.join(script))
                    .args(&base)
                    .args(extra)
                    .output(),
                "",
            );
            o.record(&name, result);
        }
    }
}

/// JDBC with MariaDB Connector/J as Debian packages it (`apt-get install libmariadb-java`),
/// server-side prepared statements, verified TLS: every type back exactly, rollback, 1062,
/// 1146, 1045. Java 11+ runs the one-file program without compiling it first.
fn java_checks(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let name = "JDBC (MariaDB Connector/J, useServerPrepStmts): verified TLS, types, rollback, 1062/1146/1045";
    let jar = Path::new("/usr/share/java/mariadb-java-client.jar");
    if server::which("java").is_none() || !jar.exists() {
        o.record(
            name,
            Err("skip:no java or /usr/share/java/mariadb-java-client.jar (apt-get install default-jre-headless libmariadb-java)".into()),
        );
        return;
    }
    let script = crate::root()
        .join("xtask")
        .join("scripts")
        .join("JdbcCheck.java");
    let result = script_result(
        Command::new("timeout")
            .arg("120")
            .arg("java")
            .arg("-cp")
            .arg(jar)
            .arg(&script)
            .arg(srv.port.to_string())
            .arg(certs.join("ca.pem"))
            .arg(ROOT_PASSWORD)
            .output(),
        "",
    );
    o.record(name, result);
}

/// node's mysql2, installed by `.ci/run` (or by hand) with `npm install --prefix target/xtask/node mysql2@3`.
fn node_checks(srv: &Myseal, certs: &Path, o: &mut Outcome) {
    let name = "node mysql2: verified TLS, SELECT, Ssl_version, execute() prepared, wrong password";
    if server::which("node").is_none() {
        o.record(name, Err("skip:no node".into()));
        return;
    }
    let modules = crate::root()
        .join("target")
        .join("xtask")
        .join("node")
        .join("node_modules");
    let script = crate::root()
        .join("xtask")
        .join("scripts")
        .join("node_mysql2.js");
    let result = script_result(
        Command::new("timeout")
            .arg("60")
            .arg("node")
            .arg(&script)
            .arg(srv.port.to_string())
            .arg(certs.join("ca.pem"))
            .arg(ROOT_PASSWORD)
            .env("NODE_PATH", &modules)
            .output(),
        " (npm install --prefix target/xtask/node mysql2@3)",
    );
    o.record(name, result);
}
