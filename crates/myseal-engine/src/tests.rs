//! sqllogictest-style tests: every case runs SQL through [`Engine::execute`] and compares the
//! rendered outcomes (`col|col` header, rows, `ok`, or `ERROR code (state): message`).

use std::sync::Arc;

use myseal_auth::account::AccountStore;

mod cache;
mod charsets;
mod check;
mod databases;
pub(crate) mod ddl;
mod dml_rules;
mod explain;
mod foreign_keys;
mod forms;
mod functions;
mod generated;
mod handlers;
mod invisible;
mod json;
mod optimizer;
mod privileges;
mod procedures;
mod rollup;
mod snapshot;
mod sql_mode_lexing;
mod stream;
mod temporary;
mod triggers;
mod txn;
mod views;
mod window;

use crate::value::Dec;
use crate::{
    Column, ColumnKind, Engine, EngineConfig, Outcome, Session, SessionInfo, StatusSource,
};

struct TestStatus;

impl StatusSource for TestStatus {
    fn global_status(&self) -> Vec<(String, String)> {
        vec![
            ("Threads_connected".into(), "1".into()),
            ("Uptime".into(), "42".into()),
        ]
    }
}

fn engine_with(globals: &[(&str, &str)]) -> Engine {
    let config = EngineConfig {
        version: "8.4.3-myseal".into(),
        version_comment: "myseal test".into(),
        globals: globals
            .iter()
            .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
            .collect(),
    };
    let e = Engine::new(config, Arc::new(TestStatus), Arc::new(AccountStore::new())).unwrap();
    // The sessions of these tests are root's.
    e.grant_all_privileges("root", "%");
    e
}

pub(crate) fn engine() -> Engine {
    engine_with(&[("have_ssl", "YES")])
}

pub(crate) fn session(engine: &Engine) -> Session {
    engine.new_session(SessionInfo {
        connection_id: 7,
        user: "root".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: vec![("Ssl_cipher".into(), "TLS_AES_256_GCM_SHA384".into())],
        database: None,
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    })
}

fn render(outcomes: &[Outcome], err: Option<&crate::EngineError>) -> String {
    let mut out = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Streamed { rows } => out.push(format!("streamed {rows}")),
            Outcome::LocalInfile { filename } => out.push(format!("local infile {filename}")),
            Outcome::OutParams { row, .. } => out.push(format!("out params {row:?}")),
            Outcome::Ok {
                affected_rows,
                warnings,
                ..
            } => {
                let mut s = "ok".to_string();
                if *affected_rows != 0 {
                    s.push_str(&format!(" affected={affected_rows}"));
                }
                if *warnings != 0 {
                    s.push_str(&format!(" warnings={warnings}"));
                }
                out.push(s);
            }
            Outcome::Rows { columns, rows } => {
                out.push(
                    columns
                        .iter()
                        .map(|c| c.name.clone())
                        .collect::<Vec<_>>()
                        .join("|"),
                );
                for r in rows {
                    assert_eq!(r.len(), columns.len());
                    out.push(
                        r.iter()
                            .map(|v| {
                                v.to_text()
                                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                                    .unwrap_or("NULL".into())
                            })
                            .collect::<Vec<_>>()
                            .join("|"),
                    );
                }
            }
        }
    }
    if let Some(e) = err {
        out.push(format!("ERROR {} ({}): {}", e.code, e.sql_state, e.message));
    }
    out.join("\n")
}

fn run(engine: &Engine, s: &mut Session, sql: &str) -> String {
    let (o, e) = engine.execute(s, sql);
    render(&o, e.as_ref())
}

/// Runs `sql` on a fresh engine and session and compares the rendered result.
fn check(sql: &str, expected: &str) {
    let e = engine();
    let mut s = session(&e);
    assert_eq!(run(&e, &mut s, sql), expected.trim(), "for SQL: {sql}");
}

/// Runs several steps on one session.
fn check_steps(steps: &[(&str, &str)]) {
    steps_after(&[], steps);
}

/// A fresh engine and a session that has run each statement of `setup`, all of which must succeed.
pub(crate) fn set_up(setup: &[&str]) -> (Engine, Session) {
    let e = engine();
    let mut s = session(&e);
    for sql in setup {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    (e, s)
}

/// Runs `steps` on one session after [`set_up`] of `setup`, comparing each rendered result.
pub(crate) fn steps_after(setup: &[&str], steps: &[(&str, &str)]) {
    let (e, mut s) = set_up(setup);
    for (sql, expected) in steps {
        assert_eq!(run(&e, &mut s, sql), expected.trim(), "for SQL: {sql}");
    }
}

fn columns(sql: &str) -> Vec<Column> {
    let e = engine();
    let mut s = session(&e);
    let (o, err) = e.execute(&mut s, sql);
    assert!(err.is_none(), "{err:?}");
    match o.into_iter().next() {
        Some(Outcome::Rows { columns, .. }) => columns,
        other => panic!("expected rows, got {other:?}"),
    }
}

#[test]
fn selects_literals_with_mysql_column_names() {
    check("SELECT 1", "1\n1");
    check("SELECT 1+1", "1+1\n2");
    check("SELECT 1 + 1, 2*3 AS six", "1 + 1|six\n2|6");
    check(
        "select @@version_comment limit 1",
        "@@version_comment\nmyseal test",
    );
    check(
        "SELECT @@session.transaction_isolation",
        "@@session.transaction_isolation\nREPEATABLE-READ",
    );
    check("SELECT DATABASE()", "DATABASE()\nNULL");
    check("SELECT 'abc', \"d\"", "abc|d\nabc|d");
    check(
        "SELECT (1), CONCAT('a', 'b') x, NULL",
        "(1)|x|NULL\n1|ab|NULL",
    );
    check("SELECT /* hi */ 1 /* there */ ;", "1\n1");
    check("SELECT 1 FROM DUAL", "1\n1");
}

#[test]
fn where_limit_and_offset_filter_the_single_row() {
    check("SELECT 1 WHERE 0", "1");
    check("SELECT 1 WHERE 1 = 1", "1\n1");
    check("SELECT 1 LIMIT 0", "1");
    check("SELECT 1 LIMIT 1 OFFSET 1", "1");
    check(
        "SELECT 1 UNION SELECT 2 UNION SELECT 1 ORDER BY 1 DESC",
        "1\n2\n1",
    );
    check("SELECT 1 AS a UNION ALL SELECT 1 LIMIT 1, 1", "a\n1");
}

#[test]
fn arithmetic_follows_mysql_types() {
    check(
        "SELECT 1/3, 2/3, 10/4",
        "1/3|2/3|10/4\n0.3333|0.6667|2.5000",
    );
    check("SELECT 1.0/3", "1.0/3\n0.33333");
    check(
        "SELECT 1/0, 5 DIV 2, 5 MOD 2, -5 % 3, 5 % 0",
        "1/0|5 DIV 2|5 MOD 2|-5 % 3|5 % 0\nNULL|2|1|-2|NULL",
    );
    check(
        "SELECT 0.1+0.2, 0.1e0+0.2e0, 1e300, 1.5e0",
        "0.1+0.2|0.1e0+0.2e0|1e300|1.5e0\n0.3|0.30000000000000004|1e300|1.5",
    );
    check(
        "SELECT '3' + 4, 'abc' + 1, 2.50 * 2",
        "'3' + 4|'abc' + 1|2.50 * 2\n7|1|5.00",
    );
    check(
        "SELECT -9223372036854775808, 18446744073709551615",
        "-9223372036854775808|18446744073709551615\n-9223372036854775808|18446744073709551615",
    );
    check(
        "SELECT 1 | 2, 6 & 3, 1 << 4, ~0",
        "1 | 2|6 & 3|1 << 4|~0\n3|2|16|18446744073709551615",
    );
}

#[test]
fn integer_overflow_is_error_1690() {
    check(
        "SELECT 9223372036854775807 + 1",
        "ERROR 1690 (22003): BIGINT value is out of range in '(9223372036854775807 + 1)'",
    );
    check(
        "SELECT 18446744073709551615 + 1",
        "ERROR 1690 (22003): BIGINT UNSIGNED value is out of range in '(18446744073709551615 + 1)'",
    );
    check(
        "SELECT CAST(0 AS UNSIGNED) - 1",
        "ERROR 1690 (22003): BIGINT UNSIGNED value is out of range in '(cast(0 as unsigned) - 1)'",
    );
}

#[test]
fn comparisons_and_logic_use_three_valued_logic() {
    check(
        "SELECT 1 = 1, 1 <> 1, NULL = 1, NULL <=> NULL, 2 > 1, 'a' = 'A'",
        "1 = 1|1 <> 1|NULL = 1|NULL <=> NULL|2 > 1|'a' = 'A'\n1|0|NULL|1|1|1",
    );
    check(
        "SELECT 1 AND NULL, 0 AND NULL, 1 OR NULL, 0 OR NULL, 1 XOR 1, NOT 0, NOT NULL",
        "1 AND NULL|0 AND NULL|1 OR NULL|0 OR NULL|1 XOR 1|NOT 0|NOT NULL\nNULL|0|1|NULL|0|1|NULL",
    );
    check(
        "SELECT NULL IS NULL, 1 IS NOT NULL, 2 IN (1,2), 3 IN (1,NULL), 3 NOT IN (1,2)",
        "NULL IS NULL|1 IS NOT NULL|2 IN (1,2)|3 IN (1,NULL)|3 NOT IN (1,2)\n1|1|1|NULL|1",
    );
    check(
        "SELECT 2 BETWEEN 1 AND 3, 'b' BETWEEN 'a' AND 'c', 5 NOT BETWEEN 1 AND 3",
        "2 BETWEEN 1 AND 3|'b' BETWEEN 'a' AND 'c'|5 NOT BETWEEN 1 AND 3\n1|1|1",
    );
    check(
        "SELECT 'Hello' LIKE 'h%', 'a_c' LIKE 'a\\\\_c', 'abc' LIKE 'a\\\\_c', 'x' NOT LIKE '%y%'",
        "'Hello' LIKE 'h%'|'a_c' LIKE 'a\\\\_c'|'abc' LIKE 'a\\\\_c'|'x' NOT LIKE '%y%'\n1|1|0|1",
    );
    check(
        "SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END AS c, CASE WHEN NULL THEN 1 END AS d",
        "c|d\ntwo|NULL",
    );
    check("SELECT 'a' || 'b', 1 || 0", "'a' || 'b'|1 || 0\n0|1");
}

#[test]
fn string_and_numeric_functions_work() {
    check(
        "SELECT CONCAT('a', 1, 2.5), CONCAT('a', NULL), CONCAT_WS('-', 'a', NULL, 'b')",
        "CONCAT('a', 1, 2.5)|CONCAT('a', NULL)|CONCAT_WS('-', 'a', NULL, 'b')\na12.5|NULL|a-b",
    );
    check(
        "SELECT UPPER('abé'), LCASE('ABC'), LENGTH('é'), CHAR_LENGTH('é')",
        "UPPER('abé')|LCASE('ABC')|LENGTH('é')|CHAR_LENGTH('é')\nABÉ|abc|2|1",
    );
    check(
        "SELECT SUBSTRING('Quadratically', 5, 6), SUBSTRING('abc' FROM 2), TRIM('  x  '), TRIM(LEADING 'x' FROM 'xxay')",
        "SUBSTRING('Quadratically', 5, 6)|SUBSTRING('abc' FROM 2)|TRIM('  x  ')|TRIM(LEADING 'x' FROM 'xxay')\nratica|bc|x|ay",
    );
    check(
        "SELECT REPLACE('aXbX', 'X', 'y'), REPEAT('ab', 3), IF(1 > 2, 'y', 'n'), IFNULL(NULL, 3), COALESCE(NULL, NULL, 'z'), NULLIF(1, 1)",
        "REPLACE('aXbX', 'X', 'y')|REPEAT('ab', 3)|IF(1 > 2, 'y', 'n')|IFNULL(NULL, 3)|COALESCE(NULL, NULL, 'z')|NULLIF(1, 1)\nayby|ababab|n|3|z|NULL",
    );
    check(
        "SELECT ABS(-3), ROUND(2.5), ROUND(1.2345, 2), ROUND(2.5e0), FLOOR(-1.5), CEIL(1.2), CEILING(2)",
        "ABS(-3)|ROUND(2.5)|ROUND(1.2345, 2)|ROUND(2.5e0)|FLOOR(-1.5)|CEIL(1.2)|CEILING(2)\n3|3|1.23|2|-2|2|2",
    );
    check(
        "SELECT GREATEST(1, 5, 3), LEAST('b', 'a'), GREATEST(1, NULL)",
        "GREATEST(1, 5, 3)|LEAST('b', 'a')|GREATEST(1, NULL)\n5|a|NULL",
    );
    check(
        "SELECT CAST('12abc' AS SIGNED), CAST(-1 AS UNSIGNED), CAST(12 AS CHAR), CAST(1.25 AS DECIMAL(5,1)), CAST('2' AS DECIMAL)",
        "CAST('12abc' AS SIGNED)|CAST(-1 AS UNSIGNED)|CAST(12 AS CHAR)|CAST(1.25 AS DECIMAL(5,1))|CAST('2' AS DECIMAL)\n12|18446744073709551615|12|1.3|2",
    );
    check(
        "SELECT (SELECT 5) + 1, (SELECT 1 WHERE 0)",
        "(SELECT 5) + 1|(SELECT 1 WHERE 0)\n6|NULL",
    );
    check(
        "SELECT (SELECT 1 UNION SELECT 2)",
        "ERROR 1242 (21000): Subquery returns more than 1 row",
    );
    check(
        "SELECT 0x41, X'4243', b'01000001'",
        "0x41|X'4243'|b'01000001'\nA|BC|A",
    );
}

#[test]
fn session_functions_report_the_connection() {
    check(
        "SELECT VERSION(), USER(), CURRENT_USER(), CURRENT_USER, CONNECTION_ID(), LAST_INSERT_ID()",
        "VERSION()|USER()|CURRENT_USER()|CURRENT_USER|CONNECTION_ID()|LAST_INSERT_ID()\n8.4.3-myseal|root@localhost|root@%|root@%|7|0",
    );
    let e = engine();
    let mut s = session(&e);
    let out = run(
        &e,
        &mut s,
        "SELECT NOW(), UTC_TIMESTAMP(), CURRENT_TIMESTAMP, UNIX_TIMESTAMP()",
    );
    let row: Vec<&str> = out.lines().nth(1).unwrap().split('|').collect();
    assert_eq!(row[0].len(), 19);
    assert_eq!(&row[0][4..5], "-");
    assert_eq!(&row[0][13..14], ":");
    assert!(row[3].parse::<i64>().unwrap() > 1_600_000_000);
}

#[test]
fn unknown_function_and_column_errors_match_mysql() {
    check(
        "SELECT nosuch(1)",
        "ERROR 1046 (3D000): No database selected",
    );
    check_steps(&[
        ("CREATE DATABASE d1", "ok affected=1"),
        ("USE d1", "ok"),
        (
            "SELECT nosuch(1)",
            "ERROR 1305 (42000): FUNCTION d1.nosuch does not exist",
        ),
        (
            "SELECT x",
            "ERROR 1054 (42S22): Unknown column 'x' in 'field list'",
        ),
        (
            "SELECT 1 WHERE y",
            "ERROR 1054 (42S22): Unknown column 'y' in 'where clause'",
        ),
        (
            "SELECT * FROM t",
            "ERROR 1146 (42S02): Table 'd1.t' doesn't exist",
        ),
        // The select list is resolved before WHERE, as in MySQL.
        ("CREATE TABLE t (a INT)", "ok"),
        (
            "SELECT b FROM t WHERE c = 1",
            "ERROR 1054 (42S22): Unknown column 'b' in 'field list'",
        ),
        (
            "SELECT a FROM t WHERE c = 1",
            "ERROR 1054 (42S22): Unknown column 'c' in 'where clause'",
        ),
        (
            "SELECT COUNT(*) FROM t WHERE COUNT(*) > 0",
            "ERROR 1111 (HY000): Invalid use of group function",
        ),
    ]);
    check("SELECT *", "ERROR 1096 (HY000): No tables used");
}

#[test]
fn system_variables_have_scopes_and_types() {
    check(
        "SELECT @@autocommit, @@AUTOCOMMIT, @@max_allowed_packet, @@sql_mode",
        "@@autocommit|@@AUTOCOMMIT|@@max_allowed_packet|@@sql_mode\n1|1|67108864|ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
    );
    check(
        "SELECT @@global.port, @@local.wait_timeout, @@protocol_version, @@lower_case_table_names",
        "@@global.port|@@local.wait_timeout|@@protocol_version|@@lower_case_table_names\n3306|28800|10|0",
    );
    check(
        "SELECT @@nosuch",
        "ERROR 1193 (HY000): Unknown system variable 'nosuch'",
    );
    check(
        "SELECT @@session.port",
        "ERROR 1238 (HY000): Variable 'port' is a GLOBAL variable",
    );
    check(
        "SELECT @@global.warning_count",
        "ERROR 1238 (HY000): Variable 'warning_count' is a SESSION variable",
    );
    check(
        "SELECT @u, @@character_set_client, @@collation_connection",
        "@u|@@character_set_client|@@collation_connection\nNULL|utf8mb4|utf8mb4_0900_ai_ci",
    );
}

#[test]
fn set_changes_session_and_global_variables() {
    check_steps(&[
        (
            "SET autocommit = 0, @x = 5, SESSION wait_timeout = 10",
            "ok",
        ),
        (
            "SELECT @@autocommit, @x, @@wait_timeout, @@global.wait_timeout",
            "@@autocommit|@x|@@wait_timeout|@@global.wait_timeout\n0|5|10|28800",
        ),
        (
            "SET @@session.autocommit = ON, @@global.max_connections = 10",
            "ok",
        ),
        (
            "SELECT @@autocommit, @@max_connections",
            "@@autocommit|@@max_connections\n1|10",
        ),
        (
            "SET GLOBAL wait_timeout = 100, interactive_timeout = 200",
            "ok",
        ),
        (
            "SELECT @@global.wait_timeout, @@global.interactive_timeout, @@wait_timeout",
            "@@global.wait_timeout|@@global.interactive_timeout|@@wait_timeout\n100|200|10",
        ),
        ("SET wait_timeout = DEFAULT", "ok"),
        ("SELECT @@wait_timeout", "@@wait_timeout\n100"),
        ("SET @a := 'x', @b = @a", "ok"),
        ("SELECT @b", "@b\nx"),
        ("SET transaction_isolation = 'read-committed'", "ok"),
        (
            "SELECT @@transaction_isolation",
            "@@transaction_isolation\nREAD-COMMITTED",
        ),
        ("SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE", "ok"),
        (
            "SELECT @@transaction_isolation",
            "@@transaction_isolation\nSERIALIZABLE",
        ),
    ]);
}

#[test]
fn set_rejects_bad_values_with_mysql_errors() {
    check(
        "SET autocommit = 'maybe'",
        "ERROR 1231 (42000): Variable 'autocommit' can't be set to the value of 'maybe'",
    );
    check(
        "SET autocommit = 2",
        "ERROR 1231 (42000): Variable 'autocommit' can't be set to the value of '2'",
    );
    check(
        "SET wait_timeout = 'abc'",
        "ERROR 1232 (42000): Incorrect argument type to variable 'wait_timeout'",
    );
    check(
        "SET version = 'x'",
        "ERROR 1238 (HY000): Variable 'version' is a read only variable",
    );
    check(
        "SET nosuch = 1",
        "ERROR 1193 (HY000): Unknown system variable 'nosuch'",
    );
    check(
        "SET max_connections = 5",
        "ERROR 1229 (HY000): Variable 'max_connections' is a GLOBAL variable and should be set with SET GLOBAL",
    );
    check(
        "SET GLOBAL last_insert_id = 5",
        "ERROR 1228 (HY000): Variable 'last_insert_id' is a SESSION variable and can't be used with SET GLOBAL",
    );
    check(
        "SET max_allowed_packet = 1024",
        "ERROR 1621 (HY000): SESSION variable 'max_allowed_packet' is read-only. Use SET GLOBAL to assign the value",
    );
    check(
        "SET sql_mode = 'NOPE'",
        "ERROR 1231 (42000): Variable 'sql_mode' can't be set to the value of 'NOPE'",
    );
    check(
        "SET time_zone = 'Mars'",
        "ERROR 1298 (HY000): Unknown or incorrect time zone: 'Mars'",
    );
    check(
        "SET NAMES nosuch",
        "ERROR 1115 (42000): Unknown character set: 'nosuch'",
    );
    check(
        "SET NAMES utf8mb4 COLLATE latin1_swedish_ci",
        "ERROR 1253 (42000): COLLATION 'latin1_swedish_ci' is not valid for CHARACTER SET 'utf8mb4'",
    );
    // A failing item leaves earlier items unapplied.
    check_steps(&[
        (
            "SET wait_timeout = 5, autocommit = 'bad'",
            "ERROR 1231 (42000): Variable 'autocommit' can't be set to the value of 'bad'",
        ),
        ("SELECT @@wait_timeout", "@@wait_timeout\n28800"),
    ]);
}

#[test]
fn sqlx_connect_set_line_succeeds() {
    check_steps(&[
        (
            "SET sql_mode=(SELECT CONCAT(@@sql_mode, ',PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION')),time_zone='+00:00',NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;",
            "ok",
        ),
        (
            "SELECT @@sql_mode, @@time_zone, @@character_set_client, @@collation_connection",
            "@@sql_mode|@@time_zone|@@character_set_client|@@collation_connection\nPIPES_AS_CONCAT,ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION|+00:00|utf8mb4|utf8mb4_unicode_ci",
        ),
        ("SELECT 'a' || 'b'", "'a' || 'b'\nab"),
    ]);
}

#[test]
fn set_names_and_character_set_update_connection_charsets() {
    check_steps(&[
        ("SET NAMES latin1", "ok"),
        (
            "SELECT @@character_set_client, @@character_set_results, @@collation_connection",
            "@@character_set_client|@@character_set_results|@@collation_connection\nlatin1|latin1|latin1_swedish_ci",
        ),
        ("SET CHARACTER SET utf8", "ok"),
        (
            "SELECT @@character_set_client, @@character_set_connection",
            "@@character_set_client|@@character_set_connection\nutf8mb3|utf8mb4",
        ),
        ("SET NAMES DEFAULT", "ok"),
        (
            "SELECT @@character_set_results",
            "@@character_set_results\nutf8mb4",
        ),
    ]);
}

#[test]
fn require_secure_transport_needs_tls() {
    let e = engine_with(&[("have_ssl", "DISABLED")]);
    let mut s = session(&e);
    assert_eq!(
        run(&e, &mut s, "SET GLOBAL require_secure_transport = ON"),
        "ERROR 3160 (HY000): No secure transports (SSL or Shared Memory) are configured, unable to set --require_secure_transport=ON."
    );
    let e = engine();
    let mut s = session(&e);
    assert_eq!(
        run(&e, &mut s, "SET GLOBAL require_secure_transport = ON"),
        "ok"
    );
    assert_eq!(
        e.global_variable("require_secure_transport").as_deref(),
        Some("ON")
    );
    assert_eq!(
        e.global_variable("REQUIRE_SECURE_TRANSPORT").as_deref(),
        Some("ON")
    );
    assert_eq!(e.global_variable("nosuch"), None);
}

#[test]
fn engine_config_sets_globals_and_rejects_unknown_names() {
    let e = engine_with(&[
        ("port", "3307"),
        ("ssl_ca", "/certs/ca.pem"),
        ("bind_address", "127.0.0.1"),
    ]);
    let mut s = session(&e);
    assert_eq!(
        run(&e, &mut s, "SELECT @@port, @@ssl_ca, @@bind_address"),
        "@@port|@@ssl_ca|@@bind_address\n3307|/certs/ca.pem|127.0.0.1"
    );
    let bad = EngineConfig {
        globals: vec![("nosuch".into(), "1".into())],
        ..EngineConfig::default()
    };
    assert_eq!(
        Engine::new(bad, Arc::new(TestStatus), Arc::new(AccountStore::new()))
            .unwrap_err()
            .code,
        1193
    );
}

#[test]
fn show_variables_lists_sorted_name_value_pairs() {
    check(
        "SHOW VARIABLES LIKE 'autocommit'",
        "Variable_name|Value\nautocommit|ON",
    );
    check(
        "SHOW SESSION VARIABLES LIKE 'version%'",
        "Variable_name|Value\nversion|8.4.3-myseal\nversion_comment|myseal test\nversion_compile_machine|x86_64\nversion_compile_os|Linux\nversion_compile_zlib|1.3.1",
    );
    check(
        "SHOW GLOBAL VARIABLES WHERE Variable_name = 'max_allowed_packet'",
        "Variable_name|Value\nmax_allowed_packet|67108864",
    );
    check(
        "SHOW GLOBAL VARIABLES LIKE 'warning_count'",
        "Variable_name|Value",
    );
    check_steps(&[
        ("SET autocommit = 0", "ok"),
        (
            "SHOW VARIABLES WHERE Variable_name IN ('autocommit', 'sql_auto_is_null')",
            "Variable_name|Value\nautocommit|OFF\nsql_auto_is_null|OFF",
        ),
        (
            "SHOW GLOBAL VARIABLES LIKE 'autocommit'",
            "Variable_name|Value\nautocommit|ON",
        ),
    ]);
    let e = engine();
    let mut s = session(&e);
    let all = run(&e, &mut s, "SHOW VARIABLES");
    assert!(all.lines().count() > 100);
}

#[test]
fn show_status_merges_session_and_global_status() {
    check(
        "SHOW STATUS LIKE 'Ssl_cipher'",
        "Variable_name|Value\nSsl_cipher|TLS_AES_256_GCM_SHA384",
    );
    check(
        "SHOW SESSION STATUS LIKE 'Ssl_version'",
        "Variable_name|Value\nSsl_version|",
    );
    check(
        "SHOW GLOBAL STATUS LIKE 'Uptime'",
        "Variable_name|Value\nUptime|42",
    );
    check(
        "SHOW STATUS WHERE Variable_name = 'Threads_connected'",
        "Variable_name|Value\nThreads_connected|1",
    );
    let e = engine();
    let mut s = session(&e);
    s.set_status("Ssl_version", "TLSv1.3".into());
    assert_eq!(
        run(&e, &mut s, "SHOW STATUS LIKE 'ssl_version'"),
        "Variable_name|Value\nSsl_version|TLSv1.3"
    );
}

#[test]
fn databases_can_be_created_listed_used_and_dropped() {
    check_steps(&[
        (
            "SHOW DATABASES",
            "Database\ninformation_schema\nmysql\nperformance_schema\nsys",
        ),
        ("CREATE DATABASE app", "ok affected=1"),
        ("CREATE SCHEMA IF NOT EXISTS app", "ok warnings=1"),
        (
            "SHOW WARNINGS",
            "Level|Code|Message\nNote|1007|Can't create database 'app'; database exists",
        ),
        (
            "CREATE DATABASE app",
            "ERROR 1007 (HY000): Can't create database 'app'; database exists",
        ),
        ("SHOW DATABASES LIKE 'a%'", "Database (a%)\napp"),
        ("USE app", "ok"),
        (
            "SELECT DATABASE(), SCHEMA()",
            "DATABASE()|SCHEMA()\napp|app",
        ),
        (
            "USE nosuch",
            "ERROR 1049 (42000): Unknown database 'nosuch'",
        ),
        ("DROP DATABASE app", "ok"),
        ("SELECT DATABASE()", "DATABASE()\nNULL"),
        (
            "DROP DATABASE app",
            "ERROR 1008 (HY000): Can't drop database 'app'; database doesn't exist",
        ),
        ("DROP SCHEMA IF EXISTS app", "ok warnings=1"),
    ]);
    let e = engine();
    let mut s = session(&e);
    e.create_database("seeded", false).unwrap();
    assert!(e.database_exists("seeded"));
    assert!(e.database_exists("mysql"));
    e.use_database(&mut s, "seeded").unwrap();
    assert_eq!(s.database(), Some("seeded"));
    assert_eq!(e.use_database(&mut s, "nope").unwrap_err().code, 1049);
}

#[test]
fn transactions_track_in_transaction_flag() {
    let e = engine();
    let mut s = session(&e);
    assert!(!s.in_transaction());
    assert!(s.autocommit());
    assert_eq!(run(&e, &mut s, "BEGIN"), "ok");
    assert!(s.in_transaction());
    assert_eq!(run(&e, &mut s, "COMMIT"), "ok");
    assert!(!s.in_transaction());
    assert_eq!(run(&e, &mut s, "START TRANSACTION; ROLLBACK"), "ok\nok");
    assert!(!s.in_transaction());
    assert_eq!(run(&e, &mut s, "START TRANSACTION"), "ok");
    // autocommit is already 1: the explicit transaction goes on.
    assert_eq!(run(&e, &mut s, "SET autocommit = 1"), "ok");
    assert!(s.in_transaction());
    assert_eq!(run(&e, &mut s, "COMMIT"), "ok");
    assert_eq!(run(&e, &mut s, "SET autocommit = 0"), "ok");
    assert!(!s.autocommit());
    assert_eq!(run(&e, &mut s, "CREATE DATABASE ac"), "ok affected=1");
    assert_eq!(run(&e, &mut s, "CREATE TABLE ac.t (a INT)"), "ok");
    assert_eq!(
        run(&e, &mut s, "INSERT INTO ac.t VALUES (1)"),
        "ok affected=1"
    );
    let mut other = session(&e);
    assert_eq!(
        run(&e, &mut other, "SELECT COUNT(*) FROM ac.t"),
        "COUNT(*)\n0"
    );
    // Turning autocommit back on commits.
    assert_eq!(run(&e, &mut s, "SET autocommit = 1"), "ok");
    assert!(!s.in_transaction());
    assert_eq!(
        run(&e, &mut other, "SELECT COUNT(*) FROM ac.t"),
        "COUNT(*)\n1"
    );
    assert_eq!(s.connection_id(), 7);
}

#[test]
fn warnings_are_listed_and_counted() {
    check_steps(&[
        ("SELECT 1/0", "1/0\nNULL"),
        (
            "SHOW WARNINGS",
            "Level|Code|Message\nWarning|1365|Division by 0",
        ),
        ("SHOW COUNT(*) WARNINGS", "@@session.warning_count\n1"),
        ("SELECT 1", "1\n1"),
        ("SHOW WARNINGS", "Level|Code|Message"),
        (
            "SELEC 1",
            "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'SELEC 1' at line 1",
        ),
        (
            "SHOW ERRORS",
            "Level|Code|Message\nError|1064|You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'SELEC 1' at line 1",
        ),
        ("DO 1, @z := 3", "ok"),
    ]);
}

#[test]
fn multi_statements_stop_at_the_first_error() {
    check("SELECT 1; SELECT 2", "1\n1\n2\n2");
    check(
        "SELECT 1;\nSELECT nosuch_col; SELECT 3",
        "1\n1\nERROR 1054 (42S22): Unknown column 'nosuch_col' in 'field list'",
    );
    check(
        "SELECT 1;\n\nSELEC 2",
        "1\n1\nERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'SELEC 2' at line 3",
    );
}

#[test]
fn syntax_errors_quote_the_rest_of_the_statement() {
    check(
        "SELECT 1 +",
        "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' at line 1",
    );
    let long = format!("SELEC {}", "x".repeat(200));
    let e = engine();
    let mut s = session(&e);
    let (_, err) = e.execute(&mut s, &long);
    let err = err.unwrap();
    assert_eq!(err.code, 1064);
    assert!(
        err.message
            .contains(&format!("near 'SELEC {}' at line 1", "x".repeat(74)))
    );
    check(
        "SELECT 'unterminated",
        "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near ''unterminated' at line 1",
    );
}

#[test]
fn empty_and_unsupported_statements_get_mysql_errors() {
    check("", "ERROR 1065 (42000): Query was empty");
    check(
        "   /* only a comment */  ",
        "ERROR 1065 (42000): Query was empty",
    );
    check(";;;", "ERROR 1065 (42000): Query was empty");
    check(
        "SHOW PROCESSLIST",
        "Id|User|Host|db|Command|Time|State|Info",
    );
    check(
        "GRANT PROXY ON root TO app",
        "ERROR 1235 (42000): This version of MySQL doesn't yet support 'GRANT PROXY'",
    );
}

#[test]
fn column_metadata_matches_mysql_for_literals() {
    let c = columns("SELECT 1, 'abc', NULL, 1.5e0, 2.50, -7");
    assert_eq!(
        (c[0].kind, c[0].length, c[0].nullable),
        (ColumnKind::Int, 1, false)
    );
    assert_eq!(
        (c[1].kind, c[1].length, c[1].nullable),
        (ColumnKind::VarString, 12, false)
    );
    assert_eq!(c[2].kind, ColumnKind::Null);
    assert!(c[2].nullable);
    assert_eq!(c[3].kind, ColumnKind::Double);
    assert_eq!((c[4].kind, c[4].decimals), (ColumnKind::Decimal, 2));
    assert_eq!(c[5].kind, ColumnKind::Int);
    let c = columns("SELECT 18446744073709551615, @@version, 0x41");
    assert!(c[0].unsigned);
    assert_eq!(c[0].kind, ColumnKind::UInt);
    assert_eq!(c[1].kind, ColumnKind::VarString);
    assert!(c[2].binary);
    let c = columns("SELECT 1 WHERE 0");
    assert_eq!(c[0].kind, ColumnKind::Int);
}

#[test]
fn odd_input_never_panics() {
    let e = engine();
    let mut s = session(&e);
    let deep = format!("SELECT {}1{}", "(".repeat(500), ")".repeat(500));
    let (_, err) = e.execute(&mut s, &deep);
    assert!(matches!(err.map(|e| e.code), Some(1436 | 1064)));
    let chain = format!("SELECT 1{}", "+1".repeat(5000));
    let (o, err) = e.execute(&mut s, &chain);
    assert!(err.is_some() || !o.is_empty());
    for sql in [
        "SELECT 99999999999999999999999999999999999999999999999999999999",
        "SELECT 1e999",
        "SELECT -",
        "SELECT CAST(1 AS DECIMAL(99,2))",
        "SELECT REPEAT('x', 99999999999)",
        "SELECT SUBSTRING('abc', -9223372036854775808, 9223372036854775807)",
        "SELECT 1 DIV 0.0, 1.5 DIV 0.5, -9223372036854775808 DIV -1",
        "SELECT ROUND(1.5, -9999), ROUND(1e300, 400), TRUNCATE(1.99, 1)",
        "SELECT @@session.",
        "SET @",
        "SET",
        "SHOW",
        "\u{0}\u{1}\u{ff}",
        "SELECT '\\",
        "SELECT 'é' LIKE '_', 'x' LIKE 'x' ESCAPE ''",
        "SELECT 1 MOD 0, MOD(5, 0), 5 % 0.0",
        "SELECT NOW(7)",
        "SELECT ROUND(1.5, -9223372036854775808), ROUND(15, -9223372036854775808), TRUNCATE(1.5, -9223372036854775808)",
        "SELECT CAST(99999999999999999999999999999999999.5 AS DECIMAL(65,30))",
        "SELECT 1 ORDER BY 0",
        "SELECT 1 LIMIT 18446744073709551615",
        "SHOW WARNINGS LIMIT -1",
    ] {
        let _ = e.execute(&mut s, sql);
    }
}

#[test]
fn doubles_render_like_mysql() {
    use crate::Value;
    let t = |d: f64| String::from_utf8(Value::Double(d).to_text().unwrap()).unwrap();
    assert_eq!(t(0.1 + 0.2), "0.30000000000000004");
    assert_eq!(t(1e300), "1e300");
    assert_eq!(t(1e15), "1e15");
    assert_eq!(t(1e14), "100000000000000");
    assert_eq!(t(-1.5), "-1.5");
    assert_eq!(t(0.0001), "0.0001");
    assert_eq!(t(1.2345678901234568e20), "1.2345678901234568e20");
    assert_eq!(t(2.0), "2");
    assert_eq!(Value::Null.to_text(), None);
    assert_eq!(
        Value::Decimal(Dec::from_text("-1.50").unwrap())
            .to_text()
            .unwrap(),
        b"-1.50"
    );
}

#[test]
fn hostile_right_nesting_is_bounded() {
    let e = engine();
    let mut s = session(&e);
    let nested = format!("SELECT {}1", "-".repeat(2000));
    let (_, err) = e.execute(&mut s, &nested);
    assert!(err.is_some());
    let nots = format!("SELECT {}1", "NOT ".repeat(2000));
    let (_, err) = e.execute(&mut s, &nots);
    assert!(err.is_some());
}

#[test]
fn huge_operator_chains_fail_cleanly_on_a_small_stack() {
    for n in [300usize, 5000, 100_000] {
        let h = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let e = engine();
                let mut s = session(&e);
                let chain = format!("SELECT 1{}", "+1".repeat(n));
                e.execute(&mut s, &chain).1.map(|e| e.code)
            })
            .unwrap();
        assert_eq!(h.join().unwrap(), Some(1436), "chain of {n}");
    }
    check(
        &format!("SELECT 1{}", "+1".repeat(100)),
        &format!("1{}\n101", "+1".repeat(100)),
    );
}

mod accounts {
    //! CREATE / ALTER / DROP / RENAME USER, SET PASSWORD, SHOW CREATE USER, SHOW GRANTS, GRANT.

    use super::*;
    use myseal_auth::account::{AuthPlugin, SslRequirement};
    use myseal_auth::caching_sha2;

    /// Runs steps on one session (logged in as root@%, which exists) and returns the engine.
    fn steps(steps: &[(&str, &str)]) -> Engine {
        let e = engine();
        e.accounts()
            .create_user("root", "%", AuthPlugin::CachingSha2Password, b"rootpw")
            .unwrap();
        let mut s = session(&e);
        for (sql, expected) in steps {
            assert_eq!(run(&e, &mut s, sql), expected.trim(), "for SQL: {sql}");
        }
        e
    }

    const W: &str = "SHOW WARNINGS";

    #[test]
    fn create_user_stores_the_account_with_every_quoting_style() {
        let e = steps(&[
            ("CREATE USER 'a'@'localhost' IDENTIFIED BY 'pa'", "ok"),
            ("CREATE USER b@LocalHost IDENTIFIED BY 'pb'", "ok"),
            ("CREATE USER `c`@`10.0.0.%`", "ok"),
            ("CREATE USER 'd'", "ok"),
            (
                "CREATE USER e@127.0.0.1, \"f\"@'%' IDENTIFIED BY 'pf'",
                "ok",
            ),
        ]);
        let st = e.accounts();
        let a = st.get("a", "localhost").unwrap();
        assert_eq!(a.plugin, AuthPlugin::CachingSha2Password);
        assert!(caching_sha2::verify_full(&a.auth_string, b"pa"));
        assert!(!a.locked);
        assert_eq!(a.require, SslRequirement::None);
        assert_eq!(st.get("b", "localhost").unwrap().host, "localhost");
        assert_eq!(st.get("c", "10.0.0.%").unwrap().auth_string, "");
        assert!(st.get("d", "%").is_some());
        assert!(st.get("e", "127.0.0.1").is_some());
        assert!(caching_sha2::verify_full(
            &st.get("f", "%").unwrap().auth_string,
            b"pf"
        ));
    }

    #[test]
    fn create_user_identified_with_plugins_and_hashes() {
        let native = "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19";
        let sha2 = caching_sha2::hash(b"secret", &[b'a'; 20]);
        let e = steps(&[
            (
                "CREATE USER n IDENTIFIED WITH mysql_native_password BY 'password'",
                "ok",
            ),
            (
                &format!("CREATE USER m IDENTIFIED WITH 'mysql_native_password' AS '{native}'"),
                "ok",
            ),
            (
                &format!("CREATE USER s IDENTIFIED WITH caching_sha2_password AS '{sha2}'"),
                "ok",
            ),
            ("CREATE USER p IDENTIFIED WITH mysql_native_password", "ok"),
            (
                "CREATE USER x IDENTIFIED WITH sha256_password BY 'x'",
                "ERROR 1524 (HY000): Plugin 'sha256_password' is not loaded",
            ),
            (
                "CREATE USER x IDENTIFIED WITH mysql_native_password AS 'nope'",
                "ERROR 1827 (HY000): The password hash doesn't have the expected format.",
            ),
            (
                "CREATE USER x IDENTIFIED WITH caching_sha2_password AS '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19'",
                "ERROR 1827 (HY000): The password hash doesn't have the expected format.",
            ),
        ]);
        let st = e.accounts();
        let n = st.get("n", "%").unwrap();
        assert_eq!(n.plugin, AuthPlugin::MysqlNativePassword);
        assert_eq!(n.auth_string, native);
        assert_eq!(st.get("m", "%").unwrap().auth_string, native);
        let s = st.get("s", "%").unwrap();
        assert_eq!(s.auth_string, sha2);
        assert!(caching_sha2::verify_full(&s.auth_string, b"secret"));
        let p = st.get("p", "%").unwrap();
        assert_eq!(
            (p.plugin, p.auth_string.as_str()),
            (AuthPlugin::MysqlNativePassword, "")
        );
        assert!(st.get("x", "%").is_none());
    }

    #[test]
    fn create_user_accepts_a_hex_hash_as_mysqldump_writes_it() {
        let sha2 = caching_sha2::hash(b"secret", &[b'b'; 20]);
        let hex: String = sha2.bytes().map(|b| format!("{b:02X}")).collect();
        let e = steps(&[(
            &format!("CREATE USER h IDENTIFIED WITH caching_sha2_password AS 0x{hex}"),
            "ok",
        )]);
        assert_eq!(e.accounts().get("h", "%").unwrap().auth_string, sha2);
    }

    #[test]
    fn require_variants_are_stored() {
        let e = steps(&[
            ("CREATE USER n REQUIRE NONE", "ok"),
            ("CREATE USER s REQUIRE SSL", "ok"),
            ("CREATE USER x REQUIRE X509", "ok"),
            (
                "CREATE USER c REQUIRE SUBJECT '/CN=client' AND ISSUER '/CN=ca' CIPHER 'TLS_AES_256_GCM_SHA384'",
                "ok",
            ),
            ("CREATE USER i REQUIRE ISSUER '/CN=ca' ACCOUNT LOCK", "ok"),
            (
                "CREATE USER d REQUIRE ISSUER 'a' ISSUER 'b'",
                "ERROR 1225 (HY000): Option 'ISSUER' used twice in statement",
            ),
        ]);
        let st = e.accounts();
        assert_eq!(st.get("n", "%").unwrap().require, SslRequirement::None);
        assert_eq!(st.get("s", "%").unwrap().require, SslRequirement::Ssl);
        assert_eq!(st.get("x", "%").unwrap().require, SslRequirement::X509);
        assert_eq!(
            st.get("c", "%").unwrap().require,
            SslRequirement::Specified {
                cipher: Some("TLS_AES_256_GCM_SHA384".into()),
                issuer: Some("/CN=ca".into()),
                subject: Some("/CN=client".into()),
            }
        );
        let i = st.get("i", "%").unwrap();
        assert!(i.locked);
        assert_eq!(
            i.require,
            SslRequirement::Specified {
                cipher: None,
                issuer: Some("/CN=ca".into()),
                subject: None,
            }
        );
        assert!(st.get("d", "%").is_none());
    }

    #[test]
    fn create_user_errors_and_if_not_exists_notes() {
        let e = steps(&[
            ("CREATE USER u@'%'", "ok"),
            (
                "CREATE USER u",
                "ERROR 1396 (HY000): Operation CREATE USER failed for 'u'@'%'",
            ),
            // Atomic: v is not created when u fails; every failing account is listed.
            (
                "CREATE USER v, u, w@localhost, u@localhost, w@localhost",
                "ERROR 1396 (HY000): Operation CREATE USER failed for 'u'@'%','w'@'localhost'",
            ),
            (
                "CREATE USER IF NOT EXISTS u IDENTIFIED BY 'new', v",
                "ok warnings=1",
            ),
            (
                W,
                "Level|Code|Message\nNote|3163|Authorization ID 'u'@'%' already exists.",
            ),
        ]);
        let st = e.accounts();
        assert!(st.get("v", "%").is_some());
        assert!(st.get("w", "localhost").is_none());
        assert_eq!(
            st.get("u", "%").unwrap().auth_string,
            "",
            "IF NOT EXISTS keeps u as is"
        );
    }

    #[test]
    fn alter_user_changes_password_plugin_require_and_lock() {
        let e = steps(&[
            ("CREATE USER u IDENTIFIED BY 'old'", "ok"),
            ("ALTER USER u IDENTIFIED BY 'new'", "ok"),
        ]);
        let st = e.accounts();
        st.cache_digest("u", "%", caching_sha2::cache_digest(b"new"));
        let mut s = session(&e);
        let acc = st.get("u", "%").unwrap();
        assert!(caching_sha2::verify_full(&acc.auth_string, b"new"));
        assert!(!caching_sha2::verify_full(&acc.auth_string, b"old"));
        assert_eq!(
            run(&e, &mut s, "ALTER USER 'u'@'%' REQUIRE X509 ACCOUNT LOCK"),
            "ok"
        );
        let acc2 = st.get("u", "%").unwrap();
        assert_eq!(acc2.auth_string, acc.auth_string, "password unchanged");
        assert_eq!(acc2.require, SslRequirement::X509);
        assert!(acc2.locked);
        assert_eq!(
            run(&e, &mut s, "ALTER USER u ACCOUNT UNLOCK REQUIRE NONE"),
            "ok"
        );
        let acc3 = st.get("u", "%").unwrap();
        assert!(!acc3.locked);
        assert_eq!(acc3.require, SslRequirement::None);
        assert_eq!(
            run(
                &e,
                &mut s,
                "ALTER USER u IDENTIFIED WITH mysql_native_password BY 'password'"
            ),
            "ok"
        );
        let acc4 = st.get("u", "%").unwrap();
        assert_eq!(acc4.plugin, AuthPlugin::MysqlNativePassword);
        assert_eq!(
            acc4.auth_string,
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"
        );
        assert!(st.cached_digest("u", "%").is_none(), "cache cleared");
    }

    #[test]
    fn alter_user_errors_and_if_exists_notes() {
        let e2 = steps(&[
            (
                "ALTER USER nobody IDENTIFIED BY 'x'",
                "ERROR 1396 (HY000): Operation ALTER USER failed for 'nobody'@'%'",
            ),
            (
                "ALTER USER IF EXISTS nobody IDENTIFIED BY 'x'",
                "ok warnings=1",
            ),
            (
                W,
                "Level|Code|Message\nNote|3162|Authorization ID 'nobody'@'%' does not exist.",
            ),
            (
                "ALTER USER root IDENTIFIED WITH dialog",
                "ERROR 1524 (HY000): Plugin 'dialog' is not loaded",
            ),
            (
                "ALTER USER root PASSWORD EXPIRE INTERVAL 0 DAY",
                "ERROR 1525 (HY000): Incorrect DAY value: '0'",
            ),
            (
                "CREATE USER life PASSWORD EXPIRE INTERVAL 90 DAY \
                 WITH MAX_QUERIES_PER_HOUR 7 MAX_CONNECTIONS_PER_HOUR 2",
                "ok",
            ),
            (
                "SELECT password_lifetime, password_last_changed IS NOT NULL, max_questions, \
                 max_connections FROM mysql.user WHERE User = 'life'",
                "password_lifetime|password_last_changed IS NOT NULL|max_questions|max_connections\n90|1|7|2",
            ),
            (
                "CREATE USER pol FAILED_LOGIN_ATTEMPTS 3 PASSWORD_LOCK_TIME UNBOUNDED \
                 WITH MAX_USER_CONNECTIONS 5 PASSWORD EXPIRE",
                "ok",
            ),
            (
                "ALTER USER pol FAILED_LOGIN_ATTEMPTS 40000",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
                 corresponds to your MySQL server version for the right syntax to use near '40000' \
                 at line 1",
            ),
        ]);
        let mut s = session(&e2);
        let text = run(&e2, &mut s, "SHOW CREATE USER life");
        assert!(
            text.contains(
                "REQUIRE NONE WITH MAX_QUERIES_PER_HOUR 7 MAX_CONNECTIONS_PER_HOUR 2 \
                 PASSWORD EXPIRE INTERVAL 90 DAY ACCOUNT UNLOCK"
            ),
            "{text}"
        );
        assert_eq!(
            run(&e2, &mut s, "ALTER USER life PASSWORD EXPIRE NEVER"),
            "ok"
        );
        assert!(run(&e2, &mut s, "SHOW CREATE USER life").contains(" PASSWORD EXPIRE NEVER "));
        let text = run(&e2, &mut s, "SHOW CREATE USER pol");
        assert!(
            text.ends_with(
                "REQUIRE NONE WITH MAX_USER_CONNECTIONS 5 PASSWORD EXPIRE ACCOUNT UNLOCK \
                 PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT \
                 DEFAULT FAILED_LOGIN_ATTEMPTS 3 PASSWORD_LOCK_TIME UNBOUNDED"
            ),
            "{text}"
        );
    }

    #[test]
    fn alter_user_user_and_set_password_change_the_current_account() {
        let e = steps(&[("ALTER USER USER() IDENTIFIED BY 'one'", "ok")]);
        let st = e.accounts();
        assert!(caching_sha2::verify_full(
            &st.get("root", "%").unwrap().auth_string,
            b"one"
        ));
        let mut s = session(&e);
        assert_eq!(run(&e, &mut s, "SET PASSWORD = 'two'"), "ok");
        assert!(caching_sha2::verify_full(
            &st.get("root", "%").unwrap().auth_string,
            b"two"
        ));
        assert_eq!(
            run(
                &e,
                &mut s,
                "ALTER USER CURRENT_USER() IDENTIFIED BY 'three'"
            ),
            "ok"
        );
        assert!(caching_sha2::verify_full(
            &st.get("root", "%").unwrap().auth_string,
            b"three"
        ));
        assert_eq!(
            run(
                &e,
                &mut s,
                "CREATE USER u@localhost; SET PASSWORD FOR u@localhost = 'p'"
            ),
            "ok\nok"
        );
        assert!(caching_sha2::verify_full(
            &st.get("u", "localhost").unwrap().auth_string,
            b"p"
        ));
        assert_eq!(
            run(&e, &mut s, "SET PASSWORD FOR nobody = 'x'"),
            "ERROR 1133 (42000): Can't find any matching row in the user table"
        );
        assert_eq!(
            run(&e, &mut s, "SELECT USER(), CURRENT_USER()"),
            "USER()|CURRENT_USER()\nroot@localhost|root@%"
        );
    }

    #[test]
    fn drop_user_is_atomic_and_lists_every_failure() {
        let e = steps(&[
            ("CREATE USER a, b, c@localhost", "ok"),
            (
                "DROP USER a, x, 'y'@'h'",
                "ERROR 1396 (HY000): Operation DROP USER failed for 'x'@'%','y'@'h'",
            ),
            ("DROP USER IF EXISTS a, x", "ok warnings=1"),
            (
                W,
                "Level|Code|Message\nNote|3162|Authorization ID 'x'@'%' does not exist.",
            ),
            ("DROP USER b, c@LOCALHOST", "ok"),
        ]);
        let st = e.accounts();
        assert!(st.get("a", "%").is_none());
        assert!(st.get("b", "%").is_none());
        assert!(st.get("c", "localhost").is_none());
        assert!(st.get("root", "%").is_some());
    }

    #[test]
    fn rename_user_moves_the_account_and_its_credentials() {
        let e = steps(&[
            (
                "CREATE USER a IDENTIFIED BY 'pa' REQUIRE SSL; CREATE USER b",
                "ok\nok",
            ),
            (
                "RENAME USER a TO b",
                "ERROR 1396 (HY000): Operation RENAME USER failed for 'a'@'%'",
            ),
            (
                "RENAME USER nobody TO z, b TO a",
                "ERROR 1396 (HY000): Operation RENAME USER failed for 'nobody'@'%','b'@'%'",
            ),
            ("RENAME USER a TO 'n'@'localhost', b TO a", "ok"),
        ]);
        let st = e.accounts();
        let n = st.get("n", "localhost").unwrap();
        assert!(caching_sha2::verify_full(&n.auth_string, b"pa"));
        assert_eq!(n.require, SslRequirement::Ssl);
        assert_eq!(st.get("a", "%").unwrap().auth_string, "");
        assert!(st.get("b", "%").is_none());
    }

    #[test]
    fn flush_privileges_clears_the_digest_cache() {
        let e = engine();
        e.accounts().cache_digest("u", "%", [1; 32]);
        let mut s = session(&e);
        assert_eq!(run(&e, &mut s, "FLUSH PRIVILEGES"), "ok");
        assert!(e.accounts().cached_digest("u", "%").is_none());
        assert_eq!(run(&e, &mut s, "flush local privileges"), "ok");
    }

    #[test]
    fn show_create_user_prints_mysql_text_that_recreates_the_account() {
        let e = steps(&[(
            "CREATE USER 'u'@'%' IDENTIFIED WITH mysql_native_password BY 'password' REQUIRE X509",
            "ok",
        )]);
        let mut s = session(&e);
        assert_eq!(
            run(&e, &mut s, "SHOW CREATE USER u"),
            "CREATE USER for u@%\nCREATE USER `u`@`%` IDENTIFIED WITH 'mysql_native_password' AS \
             '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19' REQUIRE X509 PASSWORD EXPIRE DEFAULT \
             ACCOUNT UNLOCK PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD \
             REQUIRE CURRENT DEFAULT"
        );
        assert_eq!(
            run(&e, &mut s, "SHOW CREATE USER nobody@localhost"),
            "ERROR 1396 (HY000): Operation SHOW CREATE USER failed for 'nobody'@'localhost'"
        );
        // Round trip for a caching_sha2 account, whose salt may hold quotes and backslashes.
        let mut salt = [b'q'; 20];
        salt[0] = b'\'';
        salt[1] = b'\\';
        salt[2] = b'"';
        let hash = caching_sha2::hash(b"pw", &salt);
        e.accounts().upsert(myseal_auth::account::Account {
            user: "c".into(),
            host: "%".into(),
            plugin: AuthPlugin::CachingSha2Password,
            auth_string: hash.clone(),
            locked: true,
            require: SslRequirement::None,
            ..Default::default()
        });
        let (o, err) = e.execute(&mut s, "SHOW CREATE USER c");
        assert!(err.is_none());
        let Some(Outcome::Rows { rows, .. }) = o.first() else {
            panic!("{o:?}")
        };
        let text = rows[0][0].to_string_lossy().unwrap();
        assert!(text.ends_with("ACCOUNT LOCK PASSWORD HISTORY DEFAULT PASSWORD REUSE INTERVAL DEFAULT PASSWORD REQUIRE CURRENT DEFAULT"), "{text}");
        assert_eq!(run(&e, &mut s, "DROP USER c"), "ok");
        assert_eq!(run(&e, &mut s, &text), "ok");
        let c = e.accounts().get("c", "%").unwrap();
        assert_eq!(c.auth_string, hash);
        assert!(c.locked);
        assert!(caching_sha2::verify_full(&c.auth_string, b"pw"));
    }

    #[test]
    fn account_statement_syntax_errors_quote_the_rest_of_the_text() {
        steps(&[
            (
                "CREATE USER u IDENTIFIED FOO 'x'",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
                 corresponds to your MySQL server version for the right syntax to use near 'FOO 'x'' \
                 at line 1",
            ),
            (
                "SELECT 1;\nDROP USER",
                "1\n1\nERROR 1064 (42000): You have an error in your SQL syntax; check the manual \
                 that corresponds to your MySQL server version for the right syntax to use near '' \
                 at line 2",
            ),
            (
                "CREATE USER 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
                "ERROR 1470 (HY000): String 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is too long for \
                 user name (should be no longer than 32)",
            ),
        ]);
    }

    #[test]
    fn odd_account_statements_never_panic() {
        let e = engine();
        let mut s = session(&e);
        for sql in [
            "CREATE USER",
            "CREATE USER '",
            "CREATE USER u@",
            "CREATE USER u IDENTIFIED WITH",
            "CREATE USER u IDENTIFIED WITH caching_sha2_password AS X'4'",
            "CREATE USER u IDENTIFIED WITH caching_sha2_password AS 0xZZ",
            "CREATE USER u IDENTIFIED WITH caching_sha2_password AS 0xFF",
            "CREATE USER u REQUIRE",
            "CREATE USER u REQUIRE CIPHER",
            "ALTER USER USER(",
            "RENAME USER a TO",
            "SET PASSWORD FOR",
            "SHOW GRANTS FOR",
            "GRANT",
            "REVOKE",
            "DROP USER 'é'@'ü', ``@``",
            "CREATE USER u /* comment */ IDENTIFIED BY 'x' # trailing",
            "SHOW CREATE USER CURRENT_USER",
        ] {
            let _ = e.execute(&mut s, sql);
        }
    }
}

mod prepared {
    use super::*;
    use crate::{Prepared, Value};

    fn prepare(e: &Engine, s: &mut Session, sql: &str) -> Prepared {
        match e.prepare(s, sql) {
            Ok(p) => p,
            Err(err) => panic!("prepare {sql}: {err:?}"),
        }
    }

    fn prepare_error(sql: &str) -> String {
        let e = engine();
        let mut s = session(&e);
        let err = e.prepare(&mut s, sql).unwrap_err();
        format!("ERROR {} ({}): {}", err.code, err.sql_state, err.message)
    }

    #[test]
    fn writes_to_unknown_tables_and_columns_fail_at_prepare_as_in_mysql() {
        let e = engine();
        let mut s = session(&e);
        run(&e, &mut s, "CREATE DATABASE d");
        run(&e, &mut s, "USE d");
        run(&e, &mut s, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
        let err = |sql: &str, s: &mut Session| {
            let e = e.prepare(s, sql).expect_err(sql);
            format!("{} {}", e.code, e.message)
        };
        assert_eq!(
            err("INSERT INTO nope VALUES (?)", &mut s),
            "1146 Table 'd.nope' doesn't exist"
        );
        assert_eq!(
            err("UPDATE t SET w = ? WHERE id = ?", &mut s),
            "1054 Unknown column 'w' in 'field list'"
        );
        assert_eq!(
            err("DELETE FROM t WHERE x = ?", &mut s),
            "1054 Unknown column 'x' in 'where clause'"
        );
        assert_eq!(
            err("INSERT INTO t (id, nope) VALUES (?, ?)", &mut s),
            "1054 Unknown column 'nope' in 'field list'"
        );
        // The valid forms still prepare and run with their parameters.
        let p = prepare(&e, &mut s, "INSERT INTO t VALUES (?, ?)");
        assert_eq!(
            exec(&e, &mut s, &p, &[Value::Int(1), Value::Int(5)]),
            "ok affected=1"
        );
        let p = prepare(&e, &mut s, "UPDATE t SET v = v + ? WHERE id = ?");
        assert!(exec(&e, &mut s, &p, &[Value::Int(1), Value::Int(1)]).starts_with("ok affected=1"));
        let p = prepare(&e, &mut s, "DELETE FROM t WHERE id = ?");
        assert_eq!(exec(&e, &mut s, &p, &[Value::Int(1)]), "ok affected=1");
    }

    fn exec(e: &Engine, s: &mut Session, p: &Prepared, params: &[Value]) -> String {
        let (o, err) = e.execute_prepared(s, p, params);
        render(&o, err.as_ref())
    }

    /// Prepares `sql` on a fresh session, executes it with `params` and returns the outcomes.
    fn outcomes(sql: &str, params: &[Value]) -> Vec<Outcome> {
        let e = engine();
        let mut s = session(&e);
        let p = prepare(&e, &mut s, sql);
        let (o, err) = e.execute_prepared(&mut s, &p, params);
        assert!(err.is_none(), "{sql}: {err:?}");
        o
    }

    fn single_value(sql: &str, params: &[Value]) -> (Column, Value) {
        match outcomes(sql, params).into_iter().next() {
            Some(Outcome::Rows { columns, rows }) => (
                columns.into_iter().next().unwrap(),
                rows.into_iter().next().unwrap().into_iter().next().unwrap(),
            ),
            other => panic!("expected rows, got {other:?}"),
        }
    }

    fn param_count(sql: &str) -> usize {
        let e = engine();
        let mut s = session(&e);
        prepare(&e, &mut s, sql).param_count()
    }

    #[test]
    fn placeholders_inside_strings_comments_and_backticks_are_not_counted() {
        assert_eq!(param_count("SELECT 1"), 0);
        assert_eq!(param_count("SELECT ?"), 1);
        assert_eq!(param_count("SELECT ?, ?+?"), 3);
        assert_eq!(param_count("SELECT '?', \"?\", ? AS `a?`"), 1);
        assert_eq!(param_count("SELECT ? /* ? */ -- ?\n, ?"), 2);
        assert_eq!(param_count("SELECT ? # ?\n"), 1);
        assert_eq!(param_count("SELECT 'it''s ?', 'a\\'?', ?"), 1);
        assert_eq!(
            param_count("SELECT ? AS `?` FROM DUAL WHERE '?' = ? /* ? */"),
            2
        );
    }

    #[test]
    fn strings_round_trip_byte_for_byte() {
        for text in [
            "",
            "plain",
            "it's",
            "back\\slash",
            "\\'; DROP DATABASE x; -- ",
            "nul\0byte",
            "line\nbreak\r\n",
            "ctrl-z\u{1a}",
            "%_\\%\\_",
            "ünïcødé ✓",
            "?",
        ] {
            let (col, v) = single_value("SELECT ?", &[Value::str(text)]);
            assert_eq!(v, Value::str(text), "{text:?}");
            assert_eq!(col.kind, ColumnKind::VarString);
            assert!(!col.binary);
        }
        let raw = vec![0xff, 0x00, b'\'', b'\\', 0x80, b'a'];
        let (col, v) = single_value("SELECT ?", &[Value::Bytes(raw.clone())]);
        assert_eq!(v, Value::Bytes(raw));
        assert!(col.binary);
    }

    #[test]
    fn numbers_keep_their_types() {
        let (col, v) = single_value("SELECT ?", &[Value::Int(42)]);
        assert_eq!((col.kind, v), (ColumnKind::Int, Value::Int(42)));
        let (col, v) = single_value("SELECT ?", &[Value::Int(-5)]);
        assert_eq!((col.kind, v), (ColumnKind::Int, Value::Int(-5)));
        let (col, v) = single_value("SELECT ?", &[Value::UInt(u64::MAX)]);
        assert_eq!((col.kind, v), (ColumnKind::UInt, Value::UInt(u64::MAX)));
        for d in [1.5, -2e-3, 0.1, 1e300, -0.0, 5e-324, 3.0] {
            let (col, v) = single_value("SELECT ?", &[Value::Double(d)]);
            assert_eq!(col.kind, ColumnKind::Double, "{d}");
            assert_eq!(v, Value::Double(d), "{d}");
        }
        let (col, v) = single_value("SELECT ?", &[Value::Double(f64::NAN)]);
        assert_eq!((col.kind, v), (ColumnKind::Null, Value::Null));
        let (col, v) = single_value(
            "SELECT ?",
            &[Value::Decimal(Dec::from_text("-1.50").unwrap())],
        );
        assert_eq!(
            (col.kind, v),
            (
                ColumnKind::Decimal,
                Value::Decimal(Dec::from_text("-1.50").unwrap())
            )
        );
        let (col, v) = single_value("SELECT ?", &[Value::Null]);
        assert_eq!((col.kind, v), (ColumnKind::Null, Value::Null));
    }

    #[test]
    fn negative_parameters_work_in_arithmetic() {
        let e = engine();
        let mut s = session(&e);
        let p = prepare(&e, &mut s, "SELECT 1-?, ?-?, 2*?");
        assert_eq!(
            exec(
                &e,
                &mut s,
                &p,
                &[
                    Value::Int(-5),
                    Value::Int(-1),
                    Value::Double(-0.5),
                    Value::Decimal(Dec::from_text("-1.5").unwrap())
                ]
            ),
            "1-?|?-?|2*?\n6|-0.5|-3.0"
        );
        let p = prepare(&e, &mut s, "SELECT ?");
        assert_eq!(
            exec(&e, &mut s, &p, &[Value::Int(i64::MIN)]),
            "?\n-9223372036854775808"
        );
    }

    #[test]
    fn select_items_are_named_from_the_prepared_text() {
        let e = engine();
        let mut s = session(&e);
        let p = prepare(&e, &mut s, "SELECT ?, ? + 1 AS n, 'lit', ?");
        let names: Vec<&str> = p.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["?", "n", "lit", "?"]);
        assert_eq!(
            exec(
                &e,
                &mut s,
                &p,
                &[Value::str("a"), Value::Int(1), Value::Null]
            ),
            "?|n|lit|?\na|2|lit|NULL"
        );
        let p = prepare(&e, &mut s, "SELECT ? UNION SELECT 2");
        assert_eq!(exec(&e, &mut s, &p, &[Value::Int(1)]), "?\n1\n2");
    }

    #[test]
    fn prepare_reports_columns_of_row_returning_statements_only() {
        let e = engine();
        let mut s = session(&e);
        let p = prepare(&e, &mut s, "SELECT ?");
        assert_eq!(p.param_count(), 1);
        assert_eq!(p.columns().len(), 1);
        assert_eq!(p.columns()[0].name, "?");
        let p = prepare(&e, &mut s, "SHOW VARIABLES WHERE Variable_name = ?");
        let names: Vec<&str> = p.columns().iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Variable_name", "Value"]);
        assert_eq!(
            exec(&e, &mut s, &p, &[Value::str("have_ssl")]),
            "Variable_name|Value\nhave_ssl|YES"
        );
        let p = prepare(&e, &mut s, "SHOW VARIABLES LIKE 'have_ssl'");
        assert_eq!(p.columns().len(), 2);
        assert!(prepare(&e, &mut s, "SET @x = ?").columns().is_empty());
        assert!(prepare(&e, &mut s, "DO ?").columns().is_empty());
        // The columns come from the plan, whatever the parameters will be.
        let p = prepare(&e, &mut s, "SELECT 1 LIMIT ?");
        assert_eq!(p.columns().len(), 1);
        // Names are resolved at prepare time, as in MySQL.
        assert_eq!(
            prepare_error("SELECT `?` FROM DUAL"),
            "ERROR 1054 (42S22): Unknown column '?' in 'field list'"
        );
        assert_eq!(exec(&e, &mut s, &p, &[Value::Int(1)]), "1\n1");
    }

    #[test]
    fn show_like_takes_only_a_string_literal_as_in_mysql() {
        assert_eq!(
            prepare_error("SHOW VARIABLES LIKE ?"),
            "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
             corresponds to your MySQL server version for the right syntax to use near '?' at line 1"
        );
    }

    #[test]
    fn preparing_has_no_side_effects() {
        let e = engine();
        let mut s = session(&e);
        let set = prepare(&e, &mut s, "SET @x = ?");
        let create = prepare(&e, &mut s, "CREATE DATABASE prepared_db");
        let select = prepare(&e, &mut s, "SELECT @y := ?");
        assert!(select.columns().len() == 1);
        assert_eq!(run(&e, &mut s, "SELECT @x, @y"), "@x|@y\nNULL|NULL");
        assert!(!e.database_exists("prepared_db"));
        assert_eq!(exec(&e, &mut s, &set, &[Value::Int(7)]), "ok");
        assert_eq!(exec(&e, &mut s, &create, &[]), "ok affected=1");
        assert!(e.database_exists("prepared_db"));
        assert_eq!(run(&e, &mut s, "SELECT @x"), "@x\n7");
    }

    #[test]
    fn wrong_parameter_count_is_error_1210() {
        let e = engine();
        let mut s = session(&e);
        let p = prepare(&e, &mut s, "SELECT ?, ?");
        let expected = "ERROR 1210 (HY000): Incorrect arguments to mysqld_stmt_execute";
        assert_eq!(exec(&e, &mut s, &p, &[Value::Int(1)]), expected);
        assert_eq!(
            exec(
                &e,
                &mut s,
                &p,
                &[Value::Int(1), Value::Int(2), Value::Int(3)]
            ),
            expected
        );
        assert_eq!(
            run(&e, &mut s, "SHOW ERRORS"),
            "Level|Code|Message\nError|1210|Incorrect arguments to mysqld_stmt_execute"
        );
        let p = prepare(&e, &mut s, "SELECT 1");
        assert_eq!(exec(&e, &mut s, &p, &[Value::Int(1)]), expected);
        assert_eq!(exec(&e, &mut s, &p, &[]), "1\n1");
    }

    #[test]
    fn syntax_errors_and_multiple_statements_fail_at_prepare() {
        let near = "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
                    corresponds to your MySQL server version for the right syntax to use near";
        assert_eq!(prepare_error("SELECT 1 +"), format!("{near} '' at line 1"));
        assert_eq!(prepare_error("SELECT ?1"), format!("{near} '?1' at line 1"));
        assert_eq!(
            prepare_error("SELECT 1; SELECT 2"),
            format!("{near} 'SELECT 2' at line 1")
        );
        assert_eq!(
            prepare_error("SELECT 1;\nSET @x = 1"),
            format!("{near} 'SET @x = 1' at line 2")
        );
        assert_eq!(prepare_error(""), "ERROR 1065 (42000): Query was empty");
        assert_eq!(param_count("SELECT ?;"), 1);
        let e = engine();
        let mut s = session(&e);
        assert!(e.prepare(&mut s, "SELECT 1 +").is_err());
        assert_eq!(
            run(&e, &mut s, "SHOW COUNT(*) ERRORS"),
            "@@session.error_count\n1"
        );
    }

    #[test]
    fn sql_prepare_execute_and_deallocate() {
        let e = engine();
        let mut s = session(&e);
        for (sql, expected) in [
            ("PREPARE s FROM 'SELECT ? + ?, CONCAT(?, \\'!\\')'", "ok"),
            ("SET @a = 40, @b = 2, @c = 'hi'", "ok"),
            ("EXECUTE s USING @a, @b, @c", "? + ?|CONCAT(?, '!')\n42|hi!"),
            // An unset variable is NULL; names are case-insensitive.
            (
                "EXECUTE S USING @a, @nope, @c",
                "? + ?|CONCAT(?, '!')\nNULL|hi!",
            ),
            (
                "EXECUTE s USING @a",
                "ERROR 1210 (HY000): Incorrect arguments to EXECUTE",
            ),
            (
                "SET @q = 'SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?'",
                "ok",
            ),
            ("PREPARE t FROM @q", "ok"),
            ("SET @m = 'mysql'", "ok"),
            ("EXECUTE t USING @m", "COUNT(*)\n1"),
            (
                "PREPARE u FROM @unset",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
                 corresponds to your MySQL server version for the right syntax to use near 'NULL' \
                 at line 1",
            ),
            (
                "PREPARE s FROM 'SELEKT 1'",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
                 corresponds to your MySQL server version for the right syntax to use near \
                 'SELEKT 1' at line 1",
            ),
            // The failed PREPARE dropped the old `s`.
            (
                "EXECUTE s USING @a, @b, @c",
                "ERROR 1243 (HY000): Unknown prepared statement handler (s) given to EXECUTE",
            ),
            ("DEALLOCATE PREPARE t", "ok"),
            (
                "DROP PREPARE t",
                "ERROR 1243 (HY000): Unknown prepared statement handler (t) given to DEALLOCATE PREPARE",
            ),
            (
                "PREPARE p FROM 'PREPARE q FROM \\'SELECT 1\\''",
                "ERROR 1295 (HY000): This command is not supported in the prepared statement protocol yet",
            ),
        ] {
            assert_eq!(run(&e, &mut s, sql), expected, "for SQL: {sql}");
        }
    }

    #[test]
    fn prepared_statement_commands_cannot_be_prepared() {
        let unsupported = "ERROR 1295 (HY000): This command is not supported in the prepared statement protocol yet";
        for sql in [
            "PREPARE s FROM 'SELECT 1'",
            "EXECUTE s",
            "execute s USING @a",
            "DEALLOCATE PREPARE s",
            "DROP PREPARE s",
        ] {
            assert_eq!(prepare_error(sql), unsupported, "{sql}");
        }
    }

    #[test]
    fn odd_parameters_never_panic() {
        let e = engine();
        let mut s = session(&e);
        let p = prepare(&e, &mut s, "SELECT CONCAT(?, ?), ? + ?, ?");
        let params = [
            Value::Bytes(vec![0xc3]),
            Value::str("'"),
            Value::Decimal(Dec::from_text("-0.000").unwrap()),
            Value::Bytes(b"-".to_vec()),
            Value::Double(f64::NEG_INFINITY),
        ];
        let (_, err) = e.execute_prepared(&mut s, &p, &params);
        assert!(err.is_none(), "{err:?}");
        assert!(format!("{p:?}").contains("param_count: 5"));
        assert!(!format!("{p:?}").contains("CONCAT"));
    }
}

#[test]
fn tables_smoke() {
    check_steps(&[
        ("CREATE DATABASE d", "ok affected=1"),
        ("USE d", "ok"),
        (
            "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20), k INT, KEY (k))",
            "ok",
        ),
        (
            "INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 10)",
            "ok affected=3",
        ),
        ("SELECT * FROM t", "id|name|k\n1|a|10\n2|b|20\n3|c|10"),
        ("SELECT name FROM t WHERE id = 2", "name\nb"),
        (
            "SELECT k, COUNT(*) FROM t GROUP BY k ORDER BY k",
            "k|COUNT(*)\n10|2\n20|1",
        ),
        ("UPDATE t SET k = k + 1 WHERE id = 3", "ok affected=1"),
        ("DELETE FROM t WHERE name = 'a'", "ok affected=1"),
        ("SELECT id, k FROM t ORDER BY id DESC", "id|k\n3|11\n2|20"),
        (
            "INSERT INTO t VALUES (2, 'x', 0)",
            "ERROR 1062 (23000): Duplicate entry '2' for key 't.PRIMARY'",
        ),
        (
            "SELECT * FROM nope",
            "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
        ),
        (
            "SELECT a.id, b.name FROM t a JOIN t b ON a.id = b.id ORDER BY 1",
            "id|name\n2|b\n3|c",
        ),
        ("SELECT (SELECT MAX(id) FROM t) AS m", "m\n3"),
        (
            "SELECT id FROM t WHERE k IN (SELECT k FROM t WHERE id = 2)",
            "id\n2",
        ),
    ]);
}

#[test]
fn common_table_expressions_and_user_variable_assignment() {
    check_steps(&[
        ("CREATE DATABASE d", "ok affected=1"),
        ("USE d", "ok"),
        ("CREATE TABLE t (id INT PRIMARY KEY, p INT)", "ok"),
        (
            "INSERT INTO t VALUES (1, NULL), (2, 1), (3, 2), (4, 2)",
            "ok affected=4",
        ),
        (
            "WITH c AS (SELECT id FROM t WHERE p = 2) SELECT COUNT(*) AS n FROM c",
            "n\n2",
        ),
        (
            "WITH RECURSIVE seq (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < 5) SELECT SUM(n) AS s FROM seq",
            "s\n15",
        ),
        (
            "WITH RECURSIVE tree AS (SELECT id, 0 AS depth FROM t WHERE p IS NULL UNION ALL SELECT t.id, tree.depth + 1 FROM t JOIN tree ON t.p = tree.id) SELECT id, depth FROM tree ORDER BY id",
            "id|depth\n1|0\n2|1\n3|2\n4|2",
        ),
        (
            "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r",
            "ERROR 3636 (HY000): Recursive query aborted after 1001 iterations. Try increasing @@cte_max_recursion_depth to a larger value.",
        ),
        ("SELECT @a := MAX(id) AS m FROM t", "m\n4"),
        ("SELECT @a", "@a\n4"),
    ]);
}

#[test]
fn information_schema_tables_can_be_filtered_and_joined() {
    check_steps(&[
        ("CREATE DATABASE d", "ok affected=1"),
        ("USE d", "ok"),
        (
            "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20))",
            "ok",
        ),
        (
            "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'd'",
            "TABLE_NAME|TABLE_TYPE\nt|BASE TABLE",
        ),
        (
            "SELECT c.column_name, c.data_type FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema WHERE t.table_schema = 'd' ORDER BY c.ordinal_position",
            "COLUMN_NAME|DATA_TYPE\nid|int\nname|varchar",
        ),
        (
            "SELECT * FROM information_schema.nosuch",
            "ERROR 1109 (42S02): Unknown table 'NOSUCH' in information_schema",
        ),
    ]);
}

#[test]
fn in_subqueries_must_return_one_column() {
    check(
        "SELECT 1 IN (SELECT 1, 2)",
        "ERROR 1241 (21000): Operand should contain 1 column(s)",
    );
    check("SELECT 2 IN (SELECT 1 UNION SELECT 2) AS x", "x\n1");
}

mod load_data {
    use super::*;

    #[test]
    fn load_data_local_loads_the_clients_file_as_insert_ignore() {
        let e = engine();
        let mut s = session(&e);
        for sql in [
            "CREATE DATABASE d",
            "USE d",
            "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(5), n INT DEFAULT 7)",
            "INSERT INTO t VALUES (1, 'old', 0)",
        ] {
            assert!(run(&e, &mut s, sql).starts_with("ok"), "{sql}");
        }
        let load = "LOAD DATA LOCAL INFILE '/tmp/t.csv' INTO TABLE t FIELDS TERMINATED BY ',' \
                    OPTIONALLY ENCLOSED BY '\"' LINES TERMINATED BY '\\n' IGNORE 1 LINES";
        // Off on the server, or not allowed by the client: 3948, before any file is asked for.
        let disabled = "ERROR 3948 (42000): Loading local data is disabled; this must be enabled \
                        on both the client and server sides";
        assert_eq!(run(&e, &mut s, load), disabled);
        assert_eq!(run(&e, &mut s, "SET GLOBAL local_infile = ON"), "ok");
        assert_eq!(run(&e, &mut s, load), disabled);
        s.set_local_files(true);
        assert_eq!(run(&e, &mut s, load), "local infile /tmp/t.csv");
        let file = "id,name,n\n1,dup,1\n2,\"a,b\",2\n3,toolong,3\n4,x\n5,y,5,extra\n";
        let (o, err) = e.load_local_data(&mut s, file.as_bytes());
        assert!(err.is_none(), "{err:?}");
        assert_eq!(render(&o, None), "ok affected=4 warnings=4");
        assert!(
            matches!(&o[0], Outcome::Ok { info, .. }
                if info == "Records: 5  Deleted: 0  Skipped: 1  Warnings: 4"),
            "{o:?}"
        );
        assert_eq!(
            run(&e, &mut s, "SHOW WARNINGS"),
            "Level|Code|Message\n\
             Warning|1062|Duplicate entry '1' for key 't.PRIMARY'\n\
             Warning|1265|Data truncated for column 'name' at row 3\n\
             Warning|1261|Row 4 doesn't contain data for all columns\n\
             Warning|1262|Row 5 was truncated; it contained more data than there were input columns"
        );
        assert_eq!(run(&e, &mut s, "SELECT ROW_COUNT()"), "ROW_COUNT()\n4");
        assert_eq!(
            run(&e, &mut s, "SELECT * FROM t ORDER BY id"),
            "id|name|n\n1|old|0\n2|a,b|2\n3|toolo|3\n4|x|7\n5|y|5"
        );
        // REPLACE counts the rows it deleted; a server-side file is refused.
        let replace = "LOAD DATA LOCAL INFILE 'f' REPLACE INTO TABLE t (id, name)";
        assert_eq!(run(&e, &mut s, replace), "local infile f");
        let (o, _) = e.load_local_data(&mut s, b"2\tnew\n9\tnine\n");
        assert_eq!(render(&o, None), "ok affected=3");
        assert!(
            matches!(&o[0], Outcome::Ok { info, .. }
                if info == "Records: 2  Deleted: 1  Skipped: 0  Warnings: 0"),
            "{o:?}"
        );
        assert_eq!(
            run(&e, &mut s, "LOAD DATA INFILE '/etc/passwd' INTO TABLE t"),
            "ERROR 1290 (HY000): The MySQL server is running with the --secure-file-priv option \
             so it cannot execute this statement"
        );
        assert_eq!(
            run(&e, &mut s, "LOAD DATA LOCAL INFILE 'f' INTO TABLE nope"),
            "ERROR 1146 (42S02): Table 'd.nope' doesn't exist"
        );
    }
}

#[test]
fn generated_column_names_stop_at_256_bytes_as_mysqls_max_alias_name() {
    let long = "x".repeat(300);
    let cols = columns(&format!("SELECT '{long}', LENGTH('{long}')"));
    assert_eq!(cols[0].name, "x".repeat(256));
    assert_eq!(cols[1].name.len(), 256);
    assert!(cols[1].name.starts_with("LENGTH('xxx"));
    // Not in the middle of a character.
    let wide = "é".repeat(200);
    let cols = columns(&format!("SELECT '{wide}'"));
    assert_eq!(cols[0].name, "é".repeat(128));
}

#[test]
fn a_time_column_compares_with_strings_and_numbers_as_time() {
    check_steps(&[
        ("CREATE DATABASE tt", "ok affected=1"),
        ("CREATE TABLE tt.t (during TIME)", "ok"),
        (
            "INSERT INTO tt.t VALUES ('23:59:58'), ('-01:00:00')",
            "ok affected=2",
        ),
        (
            "SELECT during = '23:59:58', during < '24:00:00', during IN ('23:59:58'), during = 235958 \
             FROM tt.t ORDER BY during DESC LIMIT 1",
            "during = '23:59:58'|during < '24:00:00'|during IN ('23:59:58')|during = 235958\n1|1|1|1",
        ),
        (
            "SELECT COUNT(*) FROM tt.t WHERE during = '23:59:58'",
            "COUNT(*)\n1",
        ),
        (
            "SELECT COUNT(*) FROM tt.t WHERE '23:59:58' > during",
            "COUNT(*)\n1",
        ),
        (
            "SELECT COUNT(*) FROM tt.t WHERE during < '00:00:00'",
            "COUNT(*)\n1",
        ),
    ]);
}
