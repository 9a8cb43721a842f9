//! Privileges: GRANT, REVOKE and SHOW GRANTS, and the checks statements make, with MySQL
//! 8.4's errors. Root (`root`@`%`) holds everything; `app`@`%` is created with nothing.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/privileges-provided.html>

use myseal_auth::account::AuthPlugin;

use super::{engine, run, session};
use crate::{Engine, Session, SessionInfo};

fn steps(e: &Engine, s: &mut Session, steps: &[(&str, &str)]) {
    for (sql, expected) in steps {
        assert_eq!(run(e, s, sql), expected.trim(), "for SQL: {sql}");
    }
}

/// A session of `user`@`%` connected from localhost.
fn session_of(e: &Engine, user: &str) -> Session {
    e.new_session(SessionInfo {
        connection_id: 9,
        user: user.into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: None,
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    })
}

/// Root creates database `d` with tables `t` (id, a, b) and `t2`, and the account `app`.
fn setup() -> (Engine, Session, Session) {
    let e = engine();
    e.accounts()
        .create_user("root", "%", AuthPlugin::CachingSha2Password, b"")
        .unwrap();
    let mut root = session(&e);
    steps(
        &e,
        &mut root,
        &[
            ("CREATE DATABASE d", "ok affected=1"),
            ("CREATE TABLE d.t (id INT PRIMARY KEY, a INT, b INT)", "ok"),
            ("CREATE TABLE d.t2 (id INT PRIMARY KEY)", "ok"),
            ("INSERT INTO d.t VALUES (1, 10, 100)", "ok affected=1"),
            ("CREATE USER app IDENTIFIED BY 'pw'", "ok"),
        ],
    );
    let app = session_of(&e, "app");
    (e, root, app)
}

const ROOT_STATIC: &str = "SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, SHUTDOWN, \
    PROCESS, FILE, REFERENCES, INDEX, ALTER, SHOW DATABASES, SUPER, CREATE TEMPORARY TABLES, \
    LOCK TABLES, EXECUTE, REPLICATION SLAVE, REPLICATION CLIENT, CREATE VIEW, SHOW VIEW, \
    CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER, CREATE TABLESPACE, CREATE ROLE, \
    DROP ROLE";

#[test]
fn root_holds_every_static_and_dynamic_privilege() {
    let (e, mut root, _) = setup();
    let out = run(&e, &mut root, "SHOW GRANTS");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Grants for root@%");
    assert_eq!(
        lines[1],
        format!("GRANT {ROOT_STATIC} ON *.* TO `root`@`%` WITH GRANT OPTION")
    );
    assert!(
        lines[2].starts_with(
            "GRANT ALLOW_NONEXISTENT_DEFINER,APPLICATION_PASSWORD_ADMIN,AUDIT_ABORT_EXEMPT,"
        ) && lines[2].contains(",SYSTEM_VARIABLES_ADMIN,")
            && lines[2].ends_with(",XA_RECOVER_ADMIN ON *.* TO `root`@`%` WITH GRANT OPTION"),
        "{}",
        lines[2]
    );
    assert_eq!(lines.len(), 3);
}

#[test]
fn a_new_account_holds_usage_only_and_is_refused_everything_else() {
    let (e, _, mut app) = setup();
    steps(
        &e,
        &mut app,
        &[
            (
                "SHOW GRANTS",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`",
            ),
            ("SELECT 1 + 1", "1 + 1\n2"),
            (
                "SELECT * FROM d.t",
                "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 't'",
            ),
            // Privileges are checked before existence: nothing leaks about other databases.
            (
                "SELECT * FROM d.nope",
                "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 'nope'",
            ),
            (
                "USE d",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'd'",
            ),
            (
                "USE nowhere",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'nowhere'",
            ),
            ("SHOW DATABASES", "Database\ninformation_schema"),
            (
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'd'",
                "COUNT(*)\n0",
            ),
            (
                "INSERT INTO d.t VALUES (2, 20, 200)",
                "ERROR 1142 (42000): INSERT command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "DROP TABLE d.t",
                "ERROR 1142 (42000): DROP command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "CREATE DATABASE e",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'e'",
            ),
            (
                "DROP DATABASE d",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'd'",
            ),
            (
                "SET GLOBAL max_connections = 10",
                "ERROR 1227 (42000): Access denied; you need (at least one of) the SUPER or \
                 SYSTEM_VARIABLES_ADMIN privilege(s) for this operation",
            ),
            (
                "SET GLOBAL require_secure_transport = OFF",
                "ERROR 1227 (42000): Access denied; you need (at least one of) the SUPER or \
                 SYSTEM_VARIABLES_ADMIN privilege(s) for this operation",
            ),
            ("SET SESSION sql_mode = ''", "ok"),
            (
                "CREATE USER x",
                "ERROR 1227 (42000): Access denied; you need (at least one of) the CREATE USER \
                 privilege(s) for this operation",
            ),
            (
                "DROP USER root",
                "ERROR 1227 (42000): Access denied; you need (at least one of) the CREATE USER \
                 privilege(s) for this operation",
            ),
            (
                "ALTER USER root IDENTIFIED BY 'mine'",
                "ERROR 1227 (42000): Access denied; you need (at least one of) the CREATE USER \
                 privilege(s) for this operation",
            ),
            (
                "SET PASSWORD FOR root = 'mine'",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'mysql'",
            ),
            (
                "SHOW CREATE USER root",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'mysql'",
            ),
            (
                "SHOW GRANTS FOR root",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'mysql'",
            ),
            (
                "GRANT SELECT ON d.* TO app",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'd'",
            ),
            (
                "GRANT SELECT ON *.* TO app",
                "ERROR 1045 (28000): Access denied for user 'app'@'%' (using password: YES)",
            ),
            (
                "FLUSH PRIVILEGES",
                "ERROR 1227 (42000): Access denied; you need (at least one of) the RELOAD or \
                 FLUSH_PRIVILEGES privilege(s) for this operation",
            ),
            // Its own password it may change.
            ("ALTER USER app IDENTIFIED BY 'new'", "ok"),
            ("SET PASSWORD = 'newer'", "ok"),
        ],
    );
    // Its own account it may show, with the hash hidden.
    let own = run(&e, &mut app, "SHOW CREATE USER app");
    assert!(
        own.contains("IDENTIFIED WITH 'caching_sha2_password' AS '<secret>' REQUIRE NONE"),
        "{own}"
    );
}

#[test]
fn database_grants_allow_what_they_name_in_that_database() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[("GRANT SELECT, INSERT ON d.* TO app", "ok")],
    );
    steps(
        &e,
        &mut app,
        &[
            (
                "SHOW GRANTS",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT SELECT, INSERT ON `d`.* TO `app`@`%`",
            ),
            ("USE d", "ok"),
            ("SHOW DATABASES", "Database\nd\ninformation_schema"),
            ("SHOW TABLES", "Tables_in_d\nt\nt2"),
            ("INSERT INTO t VALUES (2, 20, 200)", "ok affected=1"),
            ("SELECT id, a FROM t ORDER BY id", "id|a\n1|10\n2|20"),
            (
                "UPDATE t SET a = 0 WHERE id = 1",
                "ERROR 1142 (42000): UPDATE command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "DELETE FROM t",
                "ERROR 1142 (42000): DELETE command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "REPLACE INTO t VALUES (1, 1, 1)",
                "ERROR 1142 (42000): DELETE command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "CREATE TABLE t3 (id INT)",
                "ERROR 1142 (42000): CREATE command denied to user 'app'@'localhost' for table 't3'",
            ),
            (
                "ALTER TABLE t ADD COLUMN c INT",
                "ERROR 1142 (42000): ALTER command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "TRUNCATE TABLE t",
                "ERROR 1142 (42000): DROP command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "CREATE TEMPORARY TABLE tmp (x INT)",
                "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'd'",
            ),
            (
                "CREATE INDEX ia ON t (a)",
                "ERROR 1142 (42000): INDEX command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "SELECT * FROM d.t JOIN e.x",
                "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 'x'",
            ),
        ],
    );
    // The grant is the account's: root sees it too.
    steps(
        &e,
        &mut root,
        &[
            (
                "SHOW GRANTS FOR app",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT SELECT, INSERT ON `d`.* TO `app`@`%`",
            ),
            ("GRANT ALL ON d.* TO app", "ok"),
            (
                "SHOW GRANTS FOR app",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT ALL PRIVILEGES ON `d`.* TO `app`@`%`",
            ),
        ],
    );
    steps(
        &e,
        &mut app,
        &[
            ("UPDATE t SET a = 0 WHERE id = 1", "ok affected=1"),
            ("CREATE TABLE t3 (id INT)", "ok"),
            ("DROP TABLE t3", "ok"),
            ("CREATE TEMPORARY TABLE tmp (x INT)", "ok"),
            ("INSERT INTO tmp VALUES (1)", "ok affected=1"),
        ],
    );
}

#[test]
fn table_grants_open_one_table_and_hide_the_others() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[
            ("GRANT SELECT, UPDATE ON d.t TO app", "ok"),
            (
                "GRANT SELECT (a, b), INSERT (a) ON d.t2 TO app",
                "ERROR 1054 (42S22): Unknown column 'a' in 't2'",
            ),
            ("GRANT INSERT (id) ON d.t2 TO app", "ok"),
            (
                "SHOW GRANTS FOR app",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT SELECT, UPDATE ON `d`.`t` TO `app`@`%`\n\
                 GRANT INSERT (`id`) ON `d`.`t2` TO `app`@`%`",
            ),
        ],
    );
    steps(
        &e,
        &mut app,
        &[
            ("USE d", "ok"),
            ("SHOW TABLES", "Tables_in_d\nt\nt2"),
            (
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'd' \
                 ORDER BY 1",
                "TABLE_NAME\nt\nt2",
            ),
            ("SELECT a FROM t", "a\n10"),
            ("UPDATE t SET a = 11 WHERE id = 1", "ok affected=1"),
            (
                "SELECT * FROM t2",
                "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 't2'",
            ),
            (
                "SELECT * FROM t WHERE id IN (SELECT id FROM t2)",
                "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 't2'",
            ),
            (
                "DELETE FROM t",
                "ERROR 1142 (42000): DELETE command denied to user 'app'@'localhost' for table 't'",
            ),
        ],
    );
    steps(
        &e,
        &mut root,
        &[("REVOKE INSERT (id) ON d.t2 FROM app", "ok")],
    );
    // SHOW TABLE STATUS lists the visible tables only.
    let status = run(&e, &mut app, "SHOW TABLE STATUS FROM d");
    let names: Vec<&str> = status
        .lines()
        .skip(1)
        .map(|l| l.split('|').next().unwrap_or(""))
        .collect();
    assert_eq!(names, ["t"], "{status}");
    steps(
        &e,
        &mut app,
        &[
            ("SHOW TABLES", "Tables_in_d\nt"),
            (
                "SHOW CREATE TABLE t2",
                "ERROR 1142 (42000): SHOW command denied to user 'app'@'localhost' for table 't2'",
            ),
        ],
    );
}

#[test]
fn revoke_takes_effect_at_once_even_for_cached_and_prepared_plans() {
    let (e, mut root, mut app) = setup();
    steps(&e, &mut root, &[("GRANT SELECT ON d.* TO app", "ok")]);
    let prepared = e
        .prepare(&mut app, "SELECT a FROM d.t WHERE id = ?")
        .unwrap();
    let exec = |app: &mut Session| {
        let (o, err) = e.execute_prepared(app, &prepared, &[crate::Value::Int(1)]);
        super::render(&o, err.as_ref())
    };
    assert_eq!(exec(&mut app), "a\n10");
    // The text plan is cached (root runs it first, then app).
    let q = "SELECT b FROM d.t WHERE id = 1";
    assert_eq!(run(&e, &mut root, q), "b\n100");
    assert_eq!(run(&e, &mut app, q), "b\n100");
    steps(&e, &mut root, &[("REVOKE SELECT ON d.* FROM app", "ok")]);
    let denied =
        "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 't'";
    assert_eq!(run(&e, &mut app, q), denied);
    assert_eq!(exec(&mut app), denied);
    // Root still runs the cached plan.
    assert_eq!(run(&e, &mut root, q), "b\n100");
    steps(
        &e,
        &mut root,
        &[
            (
                "REVOKE SELECT ON d.* FROM app",
                "ERROR 1141 (42000): There is no such grant defined for user 'app' on host '%'",
            ),
            (
                "REVOKE SELECT ON d.t FROM app",
                "ERROR 1147 (42000): There is no such grant defined for user 'app' on host '%' on table 't'",
            ),
            ("REVOKE IF EXISTS SELECT ON d.t FROM app", "ok warnings=1"),
            ("GRANT ALL ON *.* TO app WITH GRANT OPTION", "ok"),
            ("GRANT SELECT ON d.t TO app", "ok"),
            ("REVOKE ALL PRIVILEGES, GRANT OPTION FROM app", "ok"),
            (
                "SHOW GRANTS FOR app",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`",
            ),
            (
                "REVOKE SELECT ON *.* FROM nobody",
                "ERROR 1141 (42000): There is no such grant defined for user 'nobody' on host '%'",
            ),
            (
                "REVOKE SELECT ON *.* FROM nobody IGNORE UNKNOWN USER",
                "ok warnings=1",
            ),
        ],
    );
}

#[test]
fn grants_are_checked_against_the_level_and_the_catalog() {
    let (e, mut root, _) = setup();
    steps(
        &e,
        &mut root,
        &[
            (
                "GRANT SUPER ON d.* TO app",
                "ERROR 1221 (HY000): Incorrect usage of DB GRANT and GLOBAL PRIVILEGES",
            ),
            (
                "GRANT CREATE USER ON d.t TO app",
                "ERROR 1144 (42000): Illegal GRANT/REVOKE command; please consult the manual to \
                 see which privileges can be used",
            ),
            (
                "GRANT DELETE (a) ON d.t TO app",
                "ERROR 1221 (HY000): Incorrect usage of COLUMN GRANT and NON-COLUMN PRIVILEGES",
            ),
            (
                "GRANT SELECT ON d.nope TO app",
                "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
            ),
            (
                "GRANT CONNECTION_ADMIN ON d.* TO app",
                "ERROR 3619 (HY000): Illegal privilege level specified for CONNECTION_ADMIN",
            ),
            (
                "GRANT NO_SUCH_PRIV ON *.* TO app",
                "ERROR 3929 (HY000): Dynamic privilege 'NO_SUCH_PRIV' is not registered with the server.",
            ),
            (
                "GRANT SELECT ON *.* TO nobody",
                "ERROR 1410 (42000): You are not allowed to create a user with GRANT",
            ),
            (
                "GRANT ALL ON * TO app",
                "ERROR 1046 (3D000): No database selected",
            ),
            ("GRANT ALL ON nodb.* TO app", "ok"),
            ("GRANT SELECT ON `shop\\_%`.* TO app", "ok"),
            (
                "SHOW GRANTS FOR app",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT ALL PRIVILEGES ON `nodb`.* TO `app`@`%`\n\
                 GRANT SELECT ON `shop\\_%`.* TO `app`@`%`",
            ),
            ("CREATE DATABASE shop_1", "ok affected=1"),
            ("CREATE DATABASE shopx1", "ok affected=1"),
        ],
    );
    let mut app = session_of(&e, "app");
    steps(
        &e,
        &mut app,
        &[
            ("SHOW DATABASES", "Database\ninformation_schema\nshop_1"),
            ("CREATE DATABASE nodb", "ok affected=1"),
        ],
    );
}

#[test]
fn granting_needs_the_grant_option_and_the_privileges_granted() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[
            ("CREATE USER other", "ok"),
            ("GRANT SELECT ON d.* TO app", "ok"),
        ],
    );
    let denied = "ERROR 1044 (42000): Access denied for user 'app'@'%' to database 'd'";
    steps(&e, &mut app, &[("GRANT SELECT ON d.* TO other", denied)]);
    steps(
        &e,
        &mut root,
        &[("GRANT SELECT ON d.* TO app WITH GRANT OPTION", "ok")],
    );
    steps(
        &e,
        &mut app,
        &[
            ("GRANT SELECT ON d.* TO other", "ok"),
            ("GRANT SELECT ON d.t TO other", "ok"),
            ("GRANT INSERT ON d.* TO other", denied),
            (
                "GRANT INSERT ON d.t TO other",
                "ERROR 1142 (42000): GRANT command denied to user 'app'@'localhost' for table 't'",
            ),
            ("REVOKE SELECT ON d.t FROM other", "ok"),
            (
                "SHOW GRANTS",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT SELECT ON `d`.* TO `app`@`%` WITH GRANT OPTION",
            ),
        ],
    );
}

#[test]
fn dynamic_privileges_stand_in_for_super() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[
            ("GRANT SYSTEM_VARIABLES_ADMIN, PROCESS ON *.* TO app", "ok"),
            (
                "SHOW GRANTS FOR app",
                "Grants for app@%\nGRANT PROCESS ON *.* TO `app`@`%`\n\
                 GRANT SYSTEM_VARIABLES_ADMIN ON *.* TO `app`@`%`",
            ),
        ],
    );
    steps(
        &e,
        &mut app,
        &[
            ("SET GLOBAL max_connections = 20", "ok"),
            (
                "SELECT @@global.max_connections",
                "@@global.max_connections\n20",
            ),
        ],
    );
    steps(
        &e,
        &mut root,
        &[("REVOKE SYSTEM_VARIABLES_ADMIN ON *.* FROM app", "ok")],
    );
    steps(
        &e,
        &mut app,
        &[(
            "SET GLOBAL max_connections = 30",
            "ERROR 1227 (42000): Access denied; you need (at least one of) the SUPER or \
             SYSTEM_VARIABLES_ADMIN privilege(s) for this operation",
        )],
    );
}

#[test]
fn dropping_or_renaming_an_account_takes_its_grants_along() {
    let (e, mut root, _) = setup();
    steps(
        &e,
        &mut root,
        &[
            ("GRANT SELECT ON d.* TO app", "ok"),
            ("RENAME USER app TO app2", "ok"),
            (
                "SHOW GRANTS FOR app2",
                "Grants for app2@%\nGRANT USAGE ON *.* TO `app2`@`%`\n\
                 GRANT SELECT ON `d`.* TO `app2`@`%`",
            ),
            ("DROP USER app2", "ok"),
            ("CREATE USER app2", "ok"),
            (
                "SHOW GRANTS FOR app2",
                "Grants for app2@%\nGRANT USAGE ON *.* TO `app2`@`%`",
            ),
        ],
    );
}

#[test]
fn column_grants_open_the_named_columns_only() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[("GRANT SELECT (a, id) ON d.t TO app", "ok")],
    );
    // Root binds and caches this text first; app's runs are checked against its columns.
    let b_query = "SELECT b FROM d.t WHERE id = 1";
    assert_eq!(run(&e, &mut root, b_query), "b\n100");
    // A `*` root bound and cached first is refused for the whole table, as when app binds it.
    let star = "SELECT * FROM d.t WHERE id = 1";
    assert!(run(&e, &mut root, star).starts_with("id|a|b"));
    steps(
        &e,
        &mut app,
        &[
            (
                "SHOW GRANTS",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT SELECT (`a`, `id`) ON `d`.`t` TO `app`@`%`",
            ),
            ("SELECT a FROM d.t WHERE id = 1", "a\n10"),
            ("SELECT COUNT(*) FROM d.t", "COUNT(*)\n1"),
            // Column metadata shows the granted columns only, with what is granted on each.
            (
                "SELECT COLUMN_NAME, PRIVILEGES FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION",
                "COLUMN_NAME|PRIVILEGES\nid|select\na|select",
            ),
            (
                "SHOW COLUMNS FROM d.t LIKE '%'",
                "Field|Type|Null|Key|Default|Extra\nid|int|NO|PRI|NULL|\na|int|YES||NULL|",
            ),
            (
                b_query,
                "ERROR 1143 (42000): SELECT command denied to user 'app'@'localhost' for column 'b' in table 't'",
            ),
            (
                "SELECT a, b FROM d.t",
                "ERROR 1143 (42000): SELECT command denied to user 'app'@'localhost' for column 'b' in table 't'",
            ),
            (
                "SELECT * FROM d.t",
                "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                star,
                "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 't'",
            ),
            (
                "SELECT x.a FROM (SELECT a, b FROM d.t) AS x",
                "ERROR 1143 (42000): SELECT command denied to user 'app'@'localhost' for column 'b' in table 't'",
            ),
            (
                "UPDATE d.t SET a = 1",
                "ERROR 1142 (42000): UPDATE command denied to user 'app'@'localhost' for table 't'",
            ),
        ],
    );
    let q = "SELECT a FROM d.t WHERE id = 1";
    assert_eq!(run(&e, &mut app, q), "a\n10");
    steps(
        &e,
        &mut root,
        &[("REVOKE SELECT (id) ON d.t FROM app", "ok")],
    );
    assert_eq!(
        run(&e, &mut app, q),
        "ERROR 1143 (42000): SELECT command denied to user 'app'@'localhost' for column 'id' in table 't'"
    );
}

#[test]
fn roles_carry_privileges_while_active() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[
            ("CREATE ROLE reader, 'writer'@'%'", "ok"),
            (
                "CREATE ROLE reader",
                "ERROR 1396 (HY000): Operation CREATE ROLE failed for 'reader'@'%'",
            ),
            ("CREATE ROLE IF NOT EXISTS reader", "ok warnings=1"),
            ("GRANT SELECT ON d.* TO reader", "ok"),
            ("GRANT INSERT ON d.t TO writer", "ok"),
            ("GRANT reader, writer TO app", "ok"),
            (
                "GRANT nosuchrole TO app",
                "ERROR 3523 (HY000): Unknown authorization ID `nosuchrole`@`%`",
            ),
            (
                "SHOW GRANTS FOR app",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT `reader`@`%`,`writer`@`%` TO `app`@`%`",
            ),
            (
                "SHOW GRANTS FOR app USING reader",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`\n\
                 GRANT SELECT ON `d`.* TO `app`@`%`\n\
                 GRANT `reader`@`%`,`writer`@`%` TO `app`@`%`",
            ),
        ],
    );
    let denied =
        "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 't'";
    steps(
        &e,
        &mut app,
        &[
            ("SELECT CURRENT_ROLE()", "CURRENT_ROLE()\nNONE"),
            // Granted but not active: no privileges yet.
            ("SELECT a FROM d.t", denied),
            ("SET ROLE reader", "ok"),
            ("SELECT CURRENT_ROLE()", "CURRENT_ROLE()\n`reader`@`%`"),
            ("SELECT a FROM d.t", "a\n10"),
            (
                "INSERT INTO d.t VALUES (2, 2, 2)",
                "ERROR 1142 (42000): INSERT command denied to user 'app'@'localhost' for table 't'",
            ),
            ("SET ROLE ALL", "ok"),
            (
                "SELECT CURRENT_ROLE()",
                "CURRENT_ROLE()\n`reader`@`%`,`writer`@`%`",
            ),
            ("INSERT INTO d.t VALUES (2, 2, 2)", "ok affected=1"),
            ("SET ROLE ALL EXCEPT reader", "ok"),
            ("SELECT a FROM d.t", denied),
            ("SET ROLE NONE", "ok"),
            (
                "SET ROLE root",
                "ERROR 3530 (HY000): `root`@`%` is not granted to `app`@`%`",
            ),
            (
                "GRANT reader TO app",
                "ERROR 1227 (42000): Access denied; you need (at least one of) the WITH ADMIN, \
                 ROLE_ADMIN, SUPER privilege(s) for this operation",
            ),
            ("SET DEFAULT ROLE reader TO app", "ok"),
            (
                "SET DEFAULT ROLE reader TO root",
                "ERROR 1227 (42000): Access denied; you need (at least one of) the CREATE USER \
                 privilege(s) for this operation",
            ),
        ],
    );
    // A new session starts with the default roles.
    let mut app2 = session_of(&e, "app");
    steps(
        &e,
        &mut app2,
        &[
            ("SELECT CURRENT_ROLE()", "CURRENT_ROLE()\n`reader`@`%`"),
            ("SELECT a FROM d.t WHERE id = 1", "a\n10"),
            ("SET ROLE DEFAULT", "ok"),
            ("SELECT CURRENT_ROLE()", "CURRENT_ROLE()\n`reader`@`%`"),
        ],
    );
    // Revoking the role's privilege reaches every session that has it active.
    steps(&e, &mut root, &[("REVOKE SELECT ON d.* FROM reader", "ok")]);
    steps(&e, &mut app2, &[("SELECT a FROM d.t WHERE id = 1", denied)]);
    steps(
        &e,
        &mut root,
        &[
            ("GRANT SELECT ON d.* TO reader", "ok"),
            ("REVOKE reader FROM app", "ok"),
            (
                "REVOKE reader FROM app",
                "ERROR 3530 (HY000): `reader`@`%` is not granted to `app`@`%`",
            ),
            ("SET GLOBAL activate_all_roles_on_login = ON", "ok"),
            ("DROP ROLE writer", "ok"),
            (
                "DROP ROLE writer",
                "ERROR 1396 (HY000): Operation DROP ROLE failed for 'writer'@'%'",
            ),
            (
                "SHOW GRANTS FOR app",
                "Grants for app@%\nGRANT USAGE ON *.* TO `app`@`%`",
            ),
            ("SET GLOBAL mandatory_roles = 'reader'", "ok"),
        ],
    );
    // Mandatory roles count as granted; activate_all_roles_on_login activates them.
    let mut app3 = session_of(&e, "app");
    steps(
        &e,
        &mut app3,
        &[
            ("SELECT CURRENT_ROLE()", "CURRENT_ROLE()\n`reader`@`%`"),
            ("SELECT a FROM d.t WHERE id = 1", "a\n10"),
        ],
    );
}

#[test]
fn information_schema_lists_the_grants_an_account_may_see() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[
            ("GRANT PROCESS ON *.* TO app WITH GRANT OPTION", "ok"),
            ("GRANT SELECT, INSERT ON d.* TO app", "ok"),
            ("GRANT UPDATE ON d.t TO app", "ok"),
            (
                "GRANT SELECT (a) ON d.t2 TO app",
                "ERROR 1054 (42S22): Unknown column 'a' in 't2'",
            ),
            ("GRANT SELECT (id) ON d.t2 TO app", "ok"),
            (
                "SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.USER_PRIVILEGES \
                 WHERE GRANTEE LIKE '%app%'",
                "GRANTEE|PRIVILEGE_TYPE|IS_GRANTABLE\n'app'@'%'|PROCESS|YES",
            ),
        ],
    );
    steps(
        &e,
        &mut app,
        &[
            (
                "SELECT * FROM information_schema.SCHEMA_PRIVILEGES",
                "GRANTEE|TABLE_CATALOG|TABLE_SCHEMA|PRIVILEGE_TYPE|IS_GRANTABLE\n\
                 'app'@'%'|def|d|SELECT|NO\n'app'@'%'|def|d|INSERT|NO",
            ),
            (
                "SELECT TABLE_NAME, PRIVILEGE_TYPE FROM information_schema.TABLE_PRIVILEGES",
                "TABLE_NAME|PRIVILEGE_TYPE\nt|UPDATE",
            ),
            (
                "SELECT TABLE_NAME, COLUMN_NAME, PRIVILEGE_TYPE \
                 FROM information_schema.COLUMN_PRIVILEGES",
                "TABLE_NAME|COLUMN_NAME|PRIVILEGE_TYPE\nt2|id|SELECT",
            ),
            // Its own rows only: root's are not listed.
            (
                "SELECT DISTINCT GRANTEE FROM information_schema.USER_PRIVILEGES",
                "GRANTEE\n'app'@'%'",
            ),
        ],
    );
}

#[test]
fn the_mysql_grant_tables_show_accounts_and_grants_to_those_allowed() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[
            ("CREATE ROLE r", "ok"),
            ("GRANT SELECT, INSERT ON d.* TO app", "ok"),
            ("GRANT UPDATE (a) ON d.t TO app", "ok"),
            ("GRANT r TO app WITH ADMIN OPTION", "ok"),
            ("SET DEFAULT ROLE r TO app", "ok"),
            ("GRANT SYSTEM_VARIABLES_ADMIN ON *.* TO app", "ok"),
            (
                "ALTER USER app REQUIRE X509 FAILED_LOGIN_ATTEMPTS 3 PASSWORD_LOCK_TIME 1",
                "ok",
            ),
            (
                "SELECT User, Host, Select_priv, Super_priv, ssl_type, plugin, account_locked, \
                 User_attributes FROM mysql.user ORDER BY User",
                "User|Host|Select_priv|Super_priv|ssl_type|plugin|account_locked|User_attributes\n\
                 app|%|N|N|X509|caching_sha2_password|N|{\"Password_locking\": \
                 {\"failed_login_attempts\": 3, \"password_lock_time_days\": 1}}\n\
                 r|%|N|N||caching_sha2_password|Y|NULL\n\
                 root|%|Y|Y||caching_sha2_password|N|NULL",
            ),
            (
                "SELECT Db, User, Select_priv, Insert_priv, Update_priv FROM mysql.db",
                "Db|User|Select_priv|Insert_priv|Update_priv\nd|app|Y|Y|N",
            ),
            (
                "SELECT Table_name, Table_priv, Column_priv FROM mysql.tables_priv",
                "Table_name|Table_priv|Column_priv\nt||Update",
            ),
            (
                "SELECT Column_name, Column_priv FROM mysql.columns_priv",
                "Column_name|Column_priv\na|Update",
            ),
            (
                "SELECT PRIV, WITH_GRANT_OPTION FROM mysql.global_grants WHERE USER = 'app'",
                "PRIV|WITH_GRANT_OPTION\nSYSTEM_VARIABLES_ADMIN|N",
            ),
            (
                "SELECT * FROM mysql.role_edges",
                "FROM_HOST|FROM_USER|TO_HOST|TO_USER|WITH_ADMIN_OPTION\n%|r|%|app|Y",
            ),
            (
                "SELECT * FROM mysql.default_roles",
                "HOST|USER|DEFAULT_ROLE_HOST|DEFAULT_ROLE_USER\n%|app|%|r",
            ),
            (
                "UPDATE mysql.user SET Super_priv = 'Y'",
                "ERROR 1036 (HY000): Table 'user' is read only",
            ),
        ],
    );
    // The hashes are there, as MySQL stores them, for those who may read mysql.user.
    let hash = run(
        &e,
        &mut root,
        "SELECT authentication_string FROM mysql.user WHERE User = 'app'",
    );
    assert!(hash.contains("$A$005$"), "{hash}");
    // app may not read them, even through root's cached plan.
    let q = "SELECT User FROM mysql.user WHERE User = 'root'";
    assert_eq!(run(&e, &mut root, q), "User\nroot");
    let denied =
        "ERROR 1142 (42000): SELECT command denied to user 'app'@'localhost' for table 'user'";
    assert_eq!(run(&e, &mut app, q), denied);
    assert_eq!(
        run(&e, &mut app, "SELECT authentication_string FROM mysql.user"),
        denied
    );
}

#[test]
fn column_grants_for_writes_cover_the_named_columns() {
    let (e, mut root, mut app) = setup();
    steps(
        &e,
        &mut root,
        &[(
            "GRANT SELECT (id), UPDATE (a), INSERT (id, a) ON d.t TO app",
            "ok",
        )],
    );
    let col = |cmd: &str, c: &str| {
        format!(
            "ERROR 1143 (42000): {cmd} command denied to user 'app'@'localhost' for column '{c}' in table 't'"
        )
    };
    steps(
        &e,
        &mut app,
        &[
            ("UPDATE d.t SET a = 11 WHERE id = 1", "ok affected=1"),
            ("UPDATE d.t SET b = 1 WHERE id = 1", &col("UPDATE", "b")),
            ("UPDATE d.t SET a = 12 WHERE b = 100", &col("SELECT", "b")),
            ("INSERT INTO d.t (id, a) VALUES (2, 20)", "ok affected=1"),
            (
                "INSERT INTO d.t (id, b) VALUES (3, 30)",
                &col("INSERT", "b"),
            ),
            ("INSERT INTO d.t VALUES (4, 40, 400)", &col("INSERT", "b")),
            (
                "DELETE FROM d.t WHERE id = 2",
                "ERROR 1142 (42000): DELETE command denied to user 'app'@'localhost' for table 't'",
            ),
        ],
    );
    assert_eq!(
        run(&e, &mut root, "SELECT id, a, b FROM d.t ORDER BY id"),
        "id|a|b\n1|11|100\n2|20|NULL"
    );
}

#[test]
fn password_require_current_makes_an_account_give_its_old_password() {
    let (e, mut root, _) = setup();
    steps(
        &e,
        &mut root,
        &[
            (
                "CREATE USER pc IDENTIFIED BY 'old' PASSWORD REQUIRE CURRENT",
                "ok",
            ),
            (
                "CREATE USER other IDENTIFIED BY 'a' REPLACE 'b'",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
                 corresponds to your MySQL server version for the right syntax to use near \
                 'other IDENTIFIED BY 'a' REPLACE 'b'' at line 1",
            ),
            (
                "SELECT Password_require_current FROM mysql.user WHERE User = 'pc'",
                "Password_require_current\nY",
            ),
        ],
    );
    assert!(
        run(&e, &mut root, "SHOW CREATE USER pc")
            .contains(" PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT")
    );
    let mut pc = session_of(&e, "pc");
    steps(
        &e,
        &mut pc,
        &[
            (
                "ALTER USER USER() IDENTIFIED BY 'new'",
                "ERROR 3892 (HY000): Current password needs to be specified in the REPLACE \
                 clause in order to change it.",
            ),
            (
                "ALTER USER USER() IDENTIFIED BY 'new' REPLACE 'wrong'",
                "ERROR 3891 (HY000): Incorrect current password. Specify the correct password \
                 which has to be replaced.",
            ),
            ("SET PASSWORD = 'new' REPLACE 'old'", "ok"),
            (
                "ALTER USER USER() IDENTIFIED BY 'newer' REPLACE 'new'",
                "ok",
            ),
        ],
    );
    // A privileged account needs no REPLACE, and may not give one for another account.
    steps(
        &e,
        &mut root,
        &[
            ("ALTER USER pc IDENTIFIED BY 'reset'", "ok"),
            (
                "SET PASSWORD FOR pc = 'x' REPLACE 'reset'",
                "ERROR 3893 (HY000): Do not specify the current password while changing it for \
                 other users.",
            ),
            ("ALTER USER pc PASSWORD REQUIRE CURRENT OPTIONAL", "ok"),
        ],
    );
    assert_eq!(run(&e, &mut pc, "SET PASSWORD = 'free'"), "ok");
    // DEFAULT follows password_require_current.
    steps(
        &e,
        &mut root,
        &[
            ("ALTER USER pc PASSWORD REQUIRE CURRENT DEFAULT", "ok"),
            ("SET GLOBAL password_require_current = ON", "ok"),
        ],
    );
    assert!(run(&e, &mut pc, "SET PASSWORD = 'again'").starts_with("ERROR 3892"));
    assert_eq!(
        run(&e, &mut pc, "SET PASSWORD = 'again' REPLACE 'free'"),
        "ok"
    );
    let hash = e.accounts().get("pc", "%").unwrap().auth_string;
    assert!(AuthPlugin::CachingSha2Password.verifies(&hash, b"again"));
}
