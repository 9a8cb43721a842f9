//! DDL and metadata: CREATE TABLE (options, LIKE, SELECT), ALTER TABLE, CREATE/DROP INDEX,
//! RENAME TABLE, the SHOW statements and information_schema, compared with what MySQL 8.4
//! prints. Each case renders outcomes as `col|col` headers and rows, `ok [affected=n]
//! [info=...]`, or `ERROR code (state): message`.

use std::sync::Arc;

use myseal_auth::account::AccountStore;

use crate::infoschema::{self, VirtualTable};
use crate::{Engine, EngineConfig, Outcome, Session, SessionInfo, StatusSource, Value};

struct NoStatus;

impl StatusSource for NoStatus {
    fn global_status(&self) -> Vec<(String, String)> {
        Vec::new()
    }
}

fn engine() -> Engine {
    let config = EngineConfig {
        version: "8.4.3-myseal".into(),
        version_comment: "myseal test".into(),
        globals: Vec::new(),
    };
    let e = Engine::new(config, Arc::new(NoStatus), Arc::new(AccountStore::new())).unwrap();
    // The sessions of these tests are root's.
    e.grant_all_privileges("root", "%");
    e
}

fn session(engine: &Engine) -> Session {
    engine.new_session(SessionInfo {
        connection_id: 7,
        user: "root".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        status: Vec::new(),
        database: None,
        character_set_client: "utf8mb4".into(),
        password_expired: false,
        usage: None,
    })
}

fn text(v: &Value) -> String {
    v.to_text()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_else(|| "NULL".into())
}

pub(crate) fn render(outcomes: &[Outcome], err: Option<&crate::EngineError>) -> String {
    let mut out = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Streamed { rows } => out.push(format!("streamed {rows}")),
            Outcome::LocalInfile { filename } => out.push(format!("local infile {filename}")),
            Outcome::OutParams { row, .. } => out.push(format!("out params {row:?}")),
            Outcome::Ok {
                affected_rows,
                warnings,
                info,
                ..
            } => {
                let mut s = "ok".to_string();
                if *affected_rows != 0 {
                    s.push_str(&format!(" affected={affected_rows}"));
                }
                if *warnings != 0 {
                    s.push_str(&format!(" warnings={warnings}"));
                }
                if !info.is_empty() {
                    s.push_str(&format!(" info={info}"));
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
                    out.push(r.iter().map(text).collect::<Vec<_>>().join("|"));
                }
            }
        }
    }
    if let Some(e) = err {
        out.push(format!("ERROR {} ({}): {}", e.code, e.sql_state, e.message));
    }
    out.join("\n")
}

pub(crate) fn run(engine: &Engine, s: &mut Session, sql: &str) -> String {
    let (o, e) = engine.execute(s, sql);
    render(&o, e.as_ref())
}

/// An engine and a session using a fresh database `d`.
pub(crate) fn setup() -> (Engine, Session) {
    let e = engine();
    let mut s = session(&e);
    assert_eq!(run(&e, &mut s, "CREATE DATABASE d"), "ok affected=1");
    assert_eq!(run(&e, &mut s, "USE d"), "ok");
    (e, s)
}

/// Runs steps on one session in database `d`, comparing each rendering.
fn check_steps(steps: &[(&str, &str)]) {
    let (e, mut s) = setup();
    steps_on(&e, &mut s, steps);
}

pub(crate) fn steps_on(e: &Engine, s: &mut Session, steps: &[(&str, &str)]) {
    for (sql, expected) in steps {
        assert_eq!(run(e, s, sql), expected.trim(), "for SQL: {sql}");
    }
}

/// The `Create Table` text of SHOW CREATE TABLE.
pub(crate) fn create_text(e: &Engine, s: &mut Session, table: &str) -> String {
    let (o, err) = e.execute(s, &format!("SHOW CREATE TABLE {table}"));
    assert!(err.is_none(), "{err:?}");
    match o.first() {
        Some(Outcome::Rows { rows, .. }) => rows
            .first()
            .and_then(|r| r.get(1))
            .map(text)
            .unwrap_or_default(),
        other => panic!("expected rows, got {other:?}"),
    }
}

const T_DDL: &str = "CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, \
     name VARCHAR(20), k INT NOT NULL DEFAULT 0, \
     ts DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), \
     UNIQUE KEY (name), KEY (k))";

const T_SHOW: &str = "CREATE TABLE `t` (
  `id` int NOT NULL AUTO_INCREMENT,
  `name` varchar(20) DEFAULT NULL,
  `k` int NOT NULL DEFAULT '0',
  `ts` datetime(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`),
  UNIQUE KEY `name` (`name`),
  KEY `k` (`k`)
) ENGINE=InnoDB AUTO_INCREMENT=4 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci";

/// Database `d` with table `t` holding three rows.
fn setup_t() -> (Engine, Session) {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            (T_DDL, "ok"),
            (
                "INSERT INTO t (name) VALUES ('a'), ('b'), ('c')",
                "ok affected=3 info=Records: 3  Duplicates: 0  Warnings: 0",
            ),
        ],
    );
    (e, s)
}

// ---------------------------------------------------------------------------------------------
// SHOW CREATE TABLE and CREATE TABLE

#[test]
fn show_create_table_prints_the_table_as_mysql_does() {
    let (e, mut s) = setup_t();
    assert_eq!(
        run(&e, &mut s, "SHOW CREATE TABLE t"),
        format!("Table|Create Table\nt|{T_SHOW}")
    );
    assert_eq!(
        run(&e, &mut s, "SHOW CREATE TABLE nope"),
        "ERROR 1146 (42S02): Table 'd.nope' doesn't exist"
    );
}

#[test]
fn show_create_table_prints_charsets_comments_prefixes_and_defaults() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[(
            "CREATE TABLE c (a VARCHAR(10) COLLATE utf8mb4_bin NOT NULL COMMENT 'it''s', \
             b CHAR(2) CHARACTER SET latin1, c TEXT, d ENUM('x','y') DEFAULT 'y', \
             e DECIMAL(5,2) DEFAULT 1.5, f BIT(3) DEFAULT 5, g TIMESTAMP NULL, j JSON, \
             KEY p (a(4)), KEY d (e DESC, b) COMMENT 'idx') \
             ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='tbl'",
            "ok",
        )],
    );
    assert_eq!(
        create_text(&e, &mut s, "c"),
        "CREATE TABLE `c` (
  `a` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'it''s',
  `b` char(2) CHARACTER SET latin1 DEFAULT NULL,
  `c` text,
  `d` enum('x','y') DEFAULT 'y',
  `e` decimal(5,2) DEFAULT '1.50',
  `f` bit(3) DEFAULT b'101',
  `g` timestamp NULL DEFAULT NULL,
  `j` json DEFAULT NULL,
  KEY `p` (`a`(4)),
  KEY `d` (`e` DESC,`b`) COMMENT 'idx'
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='tbl'"
    );
}

#[test]
fn create_table_keeps_engine_charset_comment_and_auto_increment_options() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE TABLE o (a INT, b VARCHAR(5)) ENGINE=myisam DEFAULT CHARSET=latin1 COMMENT='hello'",
                "ok",
            ),
            (
                "CREATE TABLE ai (id INT AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=100",
                "ok",
            ),
            ("INSERT INTO ai VALUES (NULL)", "ok affected=1"),
            ("SELECT id FROM ai", "id\n100"),
            (
                "CREATE TABLE x (a INT) ENGINE=Foo",
                "ERROR 1286 (42000): Unknown storage engine 'Foo'",
            ),
            (
                "CREATE TABLE x (a INT) CHARSET=latin1 COLLATE=utf8mb4_bin",
                "ERROR 1253 (42000): COLLATION 'utf8mb4_bin' is not valid for CHARACTER SET 'latin1'",
            ),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "o"),
        "CREATE TABLE `o` (
  `a` int DEFAULT NULL,
  `b` varchar(5) DEFAULT NULL
) ENGINE=MyISAM DEFAULT CHARSET=latin1 COMMENT='hello'"
    );
    assert_eq!(
        create_text(&e, &mut s, "ai"),
        "CREATE TABLE `ai` (
  `id` int NOT NULL AUTO_INCREMENT,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB AUTO_INCREMENT=101 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
}

#[test]
fn create_table_names_unnamed_indexes_and_orders_them_as_mysql() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[(
            "CREATE TABLE g (a INT, b INT NOT NULL, c INT, KEY (a), KEY (a, c), UNIQUE (c), UNIQUE (b))",
            "ok",
        )],
    );
    assert_eq!(
        create_text(&e, &mut s, "g"),
        "CREATE TABLE `g` (
  `a` int DEFAULT NULL,
  `b` int NOT NULL,
  `c` int DEFAULT NULL,
  UNIQUE KEY `b` (`b`),
  UNIQUE KEY `c` (`c`),
  KEY `a` (`a`),
  KEY `a_2` (`a`,`c`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
    // A UNIQUE NOT NULL index stands in for the missing primary key.
    assert_eq!(
        run(&e, &mut s, "SHOW COLUMNS FROM g"),
        "Field|Type|Null|Key|Default|Extra
a|int|YES|MUL|NULL|
b|int|NO|PRI|NULL|
c|int|YES|UNI|NULL|"
    );
}

#[test]
fn create_table_errors_match_mysql() {
    check_steps(&[
        ("CREATE TABLE t (a INT)", "ok"),
        (
            "CREATE TABLE t (a INT)",
            "ERROR 1050 (42S01): Table 't' already exists",
        ),
        ("CREATE TABLE IF NOT EXISTS t (a INT)", "ok warnings=1"),
        (
            "CREATE TABLE x (a INT, A INT)",
            "ERROR 1060 (42S21): Duplicate column name 'A'",
        ),
        (
            "CREATE TABLE x (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))",
            "ERROR 1068 (42000): Multiple primary key defined",
        ),
        (
            "CREATE TABLE x (a INT AUTO_INCREMENT, b INT)",
            "ERROR 1075 (42000): Incorrect table definition; there can be only one auto column and it must be defined as a key",
        ),
        (
            "CREATE TABLE x (a INT, KEY (zz))",
            "ERROR 1072 (42000): Key column 'zz' doesn't exist in table",
        ),
        (
            "CREATE TABLE x (PRIMARY KEY (a))",
            "ERROR 1113 (42000): A table must have at least 1 column",
        ),
        (
            "CREATE TABLE x (a VARCHAR(16384))",
            "ERROR 1074 (42000): Column length too big for column 'a' (max = 16383); use BLOB or TEXT instead",
        ),
        (
            "CREATE TABLE x (a CHAR(256))",
            "ERROR 1074 (42000): Column length too big for column 'a' (max = 255); use BLOB or TEXT instead",
        ),
        (
            "CREATE TABLE x (a TEXT DEFAULT 'x')",
            "ERROR 1101 (42000): BLOB, TEXT, GEOMETRY or JSON column 'a' can't have a default value",
        ),
        ("CREATE TABLE x1 (a TEXT DEFAULT ('x'))", "ok"),
        (
            "CREATE TABLE x (a TEXT, KEY (a))",
            "ERROR 1170 (42000): BLOB/TEXT column 'a' used in key specification without a key length",
        ),
        (
            "CREATE TABLE x (a INT NOT NULL DEFAULT NULL)",
            "ERROR 1067 (42000): Invalid default value for 'a'",
        ),
        (
            "CREATE TABLE x (a INT DEFAULT 'abc')",
            "ERROR 1067 (42000): Invalid default value for 'a'",
        ),
        (
            "CREATE TABLE x (a DATETIME(3) DEFAULT CURRENT_TIMESTAMP)",
            "ERROR 1067 (42000): Invalid default value for 'a'",
        ),
        (
            "CREATE TABLE x (a INT, b INT, KEY k (a), KEY k (b))",
            "ERROR 1061 (42000): Duplicate key name 'k'",
        ),
        (
            "CREATE TABLE x (a INT NULL, PRIMARY KEY (a))",
            "ERROR 1171 (42000): All parts of a PRIMARY KEY must be NOT NULL; if you need NULL in a key, use UNIQUE instead",
        ),
        (
            "CREATE TABLE x (a INT, KEY (a(3)))",
            "ERROR 1089 (HY000): Incorrect prefix key; the used key part isn't a string, the used length is longer than the key part, or the storage engine doesn't support unique prefix keys",
        ),
        (
            "CREATE TABLE x (a DECIMAL(66,2))",
            "ERROR 1426 (42000): Too-big precision 66 specified for 'a'. Maximum is 65.",
        ),
        (
            "CREATE TABLE x (a DECIMAL(5,6))",
            "ERROR 1427 (42000): For float(M,D), double(M,D) or decimal(M,D), M must be >= D (column 'a').",
        ),
        (
            "CREATE TABLE x (a DATETIME(7))",
            "ERROR 1426 (42000): Too-big precision 7 specified for 'a'. Maximum is 6.",
        ),
        // A temporary table is not listed (tests/temporary.rs has the rest).
        ("CREATE TEMPORARY TABLE x (a INT)", "ok"),
        ("SHOW TABLES", "Tables_in_d\nt\nx1"),
    ]);
}

#[test]
fn create_table_like_copies_the_definition_without_rows() {
    let (e, mut s) = setup_t();
    steps_on(
        &e,
        &mut s,
        &[
            ("CREATE TABLE t2 LIKE t", "ok"),
            ("SELECT COUNT(*) FROM t2", "COUNT(*)\n0"),
            ("INSERT INTO t2 (name) VALUES ('z')", "ok affected=1"),
            ("SELECT id, name FROM t2", "id|name\n1|z"),
            (
                "CREATE TABLE t3 LIKE nope",
                "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
            ),
            (
                "CREATE TABLE t2 LIKE t",
                "ERROR 1050 (42S01): Table 't2' already exists",
            ),
        ],
    );
    let expected = T_SHOW
        .replace("`t`", "`t2`")
        .replace("AUTO_INCREMENT=4", "AUTO_INCREMENT=2");
    assert_eq!(create_text(&e, &mut s, "t2"), expected);
}

#[test]
fn create_table_select_takes_types_from_the_query_and_copies_rows() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE TABLE src (id INT PRIMARY KEY, name VARCHAR(10) NOT NULL DEFAULT 'x' COMMENT 'n', n INT)",
                "ok",
            ),
            (
                "INSERT INTO src VALUES (1, 'a', NULL), (2, 'b', 5)",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
            (
                "CREATE TABLE dst AS SELECT id, name, n, 'k' AS s FROM src",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
            (
                "SELECT * FROM dst ORDER BY id",
                "id|name|n|s\n1|a|NULL|k\n2|b|5|k",
            ),
            (
                "CREATE TABLE dst2 (id INT PRIMARY KEY, extra INT DEFAULT 7) SELECT id FROM src",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
            ("SELECT * FROM dst2 ORDER BY id", "id|extra\n1|7\n2|7"),
            (
                "CREATE TABLE dst3 (UNIQUE (x)) SELECT 1 AS x UNION ALL SELECT 1",
                "ERROR 1062 (23000): Duplicate entry '1' for key 'dst3.x'",
            ),
            ("SHOW TABLES LIKE 'dst%'", "Tables_in_d (dst%)\ndst\ndst2"),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "dst"),
        "CREATE TABLE `dst` (
  `id` int NOT NULL,
  `name` varchar(10) NOT NULL DEFAULT 'x' COMMENT 'n',
  `n` int DEFAULT NULL,
  `s` varchar(1) NOT NULL DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
    assert_eq!(
        create_text(&e, &mut s, "dst2"),
        "CREATE TABLE `dst2` (
  `id` int NOT NULL,
  `extra` int DEFAULT '7',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
}

// ---------------------------------------------------------------------------------------------
// ALTER TABLE, CREATE/DROP INDEX, RENAME TABLE

#[test]
fn alter_table_adds_moves_changes_and_drops_columns() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            ("CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(10))", "ok"),
            (
                "INSERT INTO a VALUES (1, '10'), (2, '20')",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
            (
                "ALTER TABLE a ADD COLUMN c INT NOT NULL DEFAULT 5 AFTER id, ADD d DATE FIRST",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            ("SELECT * FROM a", "d|id|c|v\nNULL|1|5|10\nNULL|2|5|20"),
            (
                "ALTER TABLE a MODIFY v INT NOT NULL",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
            (
                "ALTER TABLE a CHANGE v w BIGINT, RENAME COLUMN c TO cc, DROP COLUMN d",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
            ("SELECT * FROM a", "id|cc|w\n1|5|10\n2|5|20"),
            (
                "ALTER TABLE a ADD UNIQUE u (w), ADD INDEX (cc), ALTER COLUMN cc SET DEFAULT 9, ALTER w DROP DEFAULT",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            ("INSERT INTO a (id, w) VALUES (3, 30)", "ok affected=1"),
            ("SELECT * FROM a WHERE id = 3", "id|cc|w\n3|9|30"),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "a"),
        "CREATE TABLE `a` (
  `id` int NOT NULL,
  `cc` int NOT NULL DEFAULT '9',
  `w` bigint DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `u` (`w`),
  KEY `cc` (`cc`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
    steps_on(
        &e,
        &mut s,
        &[
            (
                "ALTER TABLE a DROP INDEX u, DROP PRIMARY KEY",
                "ok affected=3 info=Records: 3  Duplicates: 0  Warnings: 0",
            ),
            (
                "ALTER TABLE a ADD PRIMARY KEY (w)",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            ("SELECT w FROM a ORDER BY w DESC", "w\n30\n20\n10"),
            ("ALTER TABLE a RENAME TO b", "ok"),
            ("SHOW TABLES", "Tables_in_d\nb"),
            ("SELECT COUNT(*) FROM b", "COUNT(*)\n3"),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "b"),
        "CREATE TABLE `b` (
  `id` int NOT NULL,
  `cc` int NOT NULL DEFAULT '9',
  `w` bigint NOT NULL,
  PRIMARY KEY (`w`),
  KEY `cc` (`cc`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
}

#[test]
fn alter_table_errors_match_mysql_and_leave_the_table_unchanged() {
    check_steps(&[
        (
            "CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(10), n INT)",
            "ok",
        ),
        (
            "INSERT INTO a VALUES (1, 'abc', NULL), (2, 'abc', 2)",
            "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
        ),
        (
            "ALTER TABLE a MODIFY v VARCHAR(2)",
            "ERROR 1265 (01000): Data truncated for column 'v' at row 1",
        ),
        (
            "ALTER TABLE a MODIFY v INT",
            "ERROR 1366 (HY000): Incorrect integer value: 'abc' for column 'v' at row 1",
        ),
        (
            "ALTER TABLE a MODIFY n INT NOT NULL",
            "ERROR 1138 (22004): Invalid use of NULL value",
        ),
        (
            "ALTER TABLE a ADD UNIQUE (v)",
            "ERROR 1062 (23000): Duplicate entry 'abc' for key 'a.v'",
        ),
        (
            "ALTER TABLE a DROP COLUMN nope",
            "ERROR 1091 (42000): Can't DROP 'nope'; check that column/key exists",
        ),
        (
            "ALTER TABLE a DROP INDEX nope",
            "ERROR 1091 (42000): Can't DROP 'nope'; check that column/key exists",
        ),
        (
            "ALTER TABLE a MODIFY nope INT",
            "ERROR 1054 (42S22): Unknown column 'nope' in 'a'",
        ),
        (
            "ALTER TABLE a ADD COLUMN v INT",
            "ERROR 1060 (42S21): Duplicate column name 'v'",
        ),
        (
            "ALTER TABLE a ADD PRIMARY KEY (n)",
            "ERROR 1068 (42000): Multiple primary key defined",
        ),
        (
            "ALTER TABLE a ADD COLUMN x INT AFTER nope",
            "ERROR 1054 (42S22): Unknown column 'nope' in 'a'",
        ),
        (
            "ALTER TABLE a DROP COLUMN id, DROP COLUMN v, DROP COLUMN n",
            "ERROR 1090 (42000): You can't delete all columns with ALTER TABLE; use DROP TABLE instead",
        ),
        (
            "ALTER TABLE nope ADD COLUMN x INT",
            "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
        ),
        ("CREATE TABLE other (x INT)", "ok"),
        (
            "ALTER TABLE a RENAME TO other",
            "ERROR 1050 (42S01): Table 'other' already exists",
        ),
        ("SELECT * FROM a ORDER BY id", "id|v|n\n1|abc|NULL\n2|abc|2"),
    ]);
}

#[test]
fn alter_table_shortening_a_column_shortens_its_prefix_index() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            ("CREATE TABLE p (a VARCHAR(10), KEY (a(8)))", "ok"),
            (
                "ALTER TABLE p MODIFY a VARCHAR(5)",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "ALTER TABLE p ADD INDEX b (a(6))",
                "ERROR 1089 (HY000): Incorrect prefix key; the used key part isn't a string, the used length is longer than the key part, or the storage engine doesn't support unique prefix keys",
            ),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "p"),
        "CREATE TABLE `p` (
  `a` varchar(5) DEFAULT NULL,
  KEY `a` (`a`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    );
}

#[test]
fn alter_table_numbers_rows_for_a_new_auto_increment_key_and_sets_the_counter() {
    check_steps(&[
        ("CREATE TABLE q (v VARCHAR(5))", "ok"),
        (
            "INSERT INTO q VALUES ('a'), ('b')",
            "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
        ),
        (
            "ALTER TABLE q ADD id INT NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST",
            "ok info=Records: 0  Duplicates: 0  Warnings: 0",
        ),
        ("SELECT * FROM q ORDER BY id", "id|v\n1|a\n2|b"),
        (
            "ALTER TABLE q AUTO_INCREMENT = 50",
            "ok info=Records: 0  Duplicates: 0  Warnings: 0",
        ),
        ("INSERT INTO q (v) VALUES ('c')", "ok affected=1"),
        ("SELECT id FROM q WHERE v = 'c'", "id\n50"),
    ]);
}

#[test]
fn alter_table_in_relaxed_mode_converts_with_warnings() {
    check_steps(&[
        ("SET sql_mode = ''", "ok"),
        ("CREATE TABLE r (v VARCHAR(10), n INT)", "ok"),
        ("INSERT INTO r VALUES ('abcdef', NULL)", "ok affected=1"),
        (
            "ALTER TABLE r MODIFY v VARCHAR(3), MODIFY n INT NOT NULL",
            "ok affected=1 warnings=2 info=Records: 1  Duplicates: 0  Warnings: 2",
        ),
        ("SELECT * FROM r", "v|n\nabc|0"),
    ]);
}

#[test]
fn ddl_commits_the_open_transaction() {
    check_steps(&[
        ("CREATE TABLE c (a INT)", "ok"),
        ("BEGIN", "ok"),
        ("INSERT INTO c VALUES (1)", "ok affected=1"),
        (
            "ALTER TABLE c ADD b INT",
            "ok info=Records: 0  Duplicates: 0  Warnings: 0",
        ),
        ("ROLLBACK", "ok"),
        ("SELECT * FROM c", "a|b\n1|NULL"),
    ]);
}

#[test]
fn create_and_drop_index_change_the_indexes() {
    let (e, mut s) = setup_t();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE INDEX ix ON t (k, name(5))",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "CREATE UNIQUE INDEX ux ON t (ts, id)",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "CREATE INDEX ix ON t (k)",
                "ERROR 1061 (42000): Duplicate key name 'ix'",
            ),
            ("SELECT name FROM t WHERE k = 0 AND name = 'b'", "name\nb"),
            (
                "DROP INDEX ix ON t",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "DROP INDEX ix ON t",
                "ERROR 1091 (42000): Can't DROP 'ix'; check that column/key exists",
            ),
            (
                "DROP INDEX `PRIMARY` ON t",
                "ERROR 1075 (42000): Incorrect table definition; there can be only one auto column and it must be defined as a key",
            ),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "t"),
        T_SHOW.replace(
            "  KEY `k` (`k`)\n",
            "  UNIQUE KEY `ux` (`ts`,`id`),\n  KEY `k` (`k`)\n"
        )
    );
}

#[test]
fn rename_table_moves_and_swaps_tables_atomically() {
    check_steps(&[
        ("CREATE TABLE r1 (a INT)", "ok"),
        ("CREATE TABLE r2 (b INT)", "ok"),
        ("INSERT INTO r1 VALUES (1)", "ok affected=1"),
        ("RENAME TABLE r1 TO tmp, r2 TO r1, tmp TO r2", "ok"),
        ("SELECT * FROM r2", "a\n1"),
        ("SELECT * FROM r1", "b"),
        (
            "RENAME TABLE nope TO x",
            "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
        ),
        (
            "RENAME TABLE r1 TO r3, r2 TO r3",
            "ERROR 1050 (42S01): Table 'r3' already exists",
        ),
        ("SHOW TABLES", "Tables_in_d\nr1\nr2"),
        ("CREATE DATABASE e2", "ok affected=1"),
        ("RENAME TABLE r2 TO e2.r2", "ok"),
        ("SELECT * FROM e2.r2", "a\n1"),
    ]);
}

// ---------------------------------------------------------------------------------------------
// SHOW statements

#[test]
fn show_tables_lists_filters_and_shows_types() {
    check_steps(&[
        ("CREATE TABLE t1 (a INT)", "ok"),
        ("CREATE TABLE t2 (a INT)", "ok"),
        ("CREATE TABLE u (a INT)", "ok"),
        ("SHOW TABLES", "Tables_in_d\nt1\nt2\nu"),
        (
            "SHOW FULL TABLES",
            "Tables_in_d|Table_type\nt1|BASE TABLE\nt2|BASE TABLE\nu|BASE TABLE",
        ),
        ("SHOW TABLES LIKE 't%'", "Tables_in_d (t%)\nt1\nt2"),
        ("SHOW TABLES LIKE 'T%'", "Tables_in_d (T%)"),
        (
            "SHOW TABLES WHERE Tables_in_d <> 't1'",
            "Tables_in_d\nt2\nu",
        ),
        ("SHOW TABLES FROM d LIKE 'u'", "Tables_in_d (u)\nu"),
        (
            "SHOW TABLES FROM nope",
            "ERROR 1049 (42000): Unknown database 'nope'",
        ),
        (
            "SHOW FULL TABLES FROM information_schema LIKE 'TABLE%'",
            "Tables_in_information_schema (TABLE%)|Table_type\nTABLES|SYSTEM VIEW\nTABLE_CONSTRAINTS|SYSTEM VIEW\n\
             TABLE_PRIVILEGES|SYSTEM VIEW",
        ),
    ]);
}

#[test]
fn show_columns_and_describe_list_the_columns() {
    let (e, mut s) = setup_t();
    let describe = "Field|Type|Null|Key|Default|Extra
id|int|NO|PRI|NULL|auto_increment
name|varchar(20)|YES|UNI|NULL|
k|int|NO|MUL|0|
ts|datetime(3)|YES||CURRENT_TIMESTAMP(3)|DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)";
    steps_on(
        &e,
        &mut s,
        &[
            ("DESCRIBE t", describe),
            ("DESC t", describe),
            ("SHOW COLUMNS FROM t", describe),
            ("SHOW FIELDS FROM d.t", describe),
            ("SHOW COLUMNS IN t FROM d", describe),
            (
                "SHOW FULL COLUMNS FROM t LIKE 'n%'",
                "Field|Type|Collation|Null|Key|Default|Extra|Privileges|Comment
name|varchar(20)|utf8mb4_0900_ai_ci|YES|UNI|NULL||select,insert,update,references|",
            ),
            (
                "SHOW COLUMNS FROM t WHERE `Key` = 'PRI' OR `Default` = '0'",
                "Field|Type|Null|Key|Default|Extra\nid|int|NO|PRI|NULL|auto_increment\nk|int|NO|MUL|0|",
            ),
            (
                "SHOW COLUMNS FROM nope",
                "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
            ),
            (
                "DESCRIBE information_schema.schemata",
                "Field|Type|Null|Key|Default|Extra
CATALOG_NAME|varchar(64)|NO||NULL|
SCHEMA_NAME|varchar(64)|NO||NULL|
DEFAULT_CHARACTER_SET_NAME|varchar(64)|NO||NULL|
DEFAULT_COLLATION_NAME|varchar(64)|NO||NULL|
SQL_PATH|binary(0)|YES||NULL|
DEFAULT_ENCRYPTION|enum('NO','YES')|NO||NULL|",
            ),
        ],
    );
}

#[test]
fn show_index_lists_every_index_column() {
    let (e, mut s) = setup_t();
    let expected = "Table|Non_unique|Key_name|Seq_in_index|Column_name|Collation|Cardinality|Sub_part|Packed|Null|Index_type|Comment|Index_comment|Visible|Expression
t|0|PRIMARY|1|id|A|3|NULL|NULL||BTREE|||YES|NULL
t|0|name|1|name|A|3|NULL|NULL|YES|BTREE|||YES|NULL
t|1|k|1|k|A|1|NULL|NULL||BTREE|||YES|NULL";
    steps_on(
        &e,
        &mut s,
        &[
            ("SHOW INDEX FROM t", expected),
            ("SHOW INDEXES IN t FROM d", expected),
            ("SHOW KEYS FROM t", expected),
            ("SHOW INDEX FROM d.t", expected),
            (
                "CREATE INDEX p ON t (name(2) DESC, k) COMMENT 'c'",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "SHOW INDEX FROM nope",
                "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
            ),
        ],
    );
    let out = run(&e, &mut s, "SHOW INDEX FROM t");
    let last: Vec<&str> = out.lines().skip(4).collect();
    assert_eq!(
        last,
        [
            "t|1|p|1|name|D|3|2|NULL|YES|BTREE||c|YES|NULL",
            "t|1|p|2|k|A|3|NULL|NULL||BTREE||c|YES|NULL",
        ]
    );
}

#[test]
fn show_table_status_reports_plausible_numbers() {
    let (e, mut s) = setup_t();
    steps_on(
        &e,
        &mut s,
        &[("CREATE TABLE empty (a INT) COMMENT 'e'", "ok")],
    );
    let (o, err) = e.execute(&mut s, "SHOW TABLE STATUS");
    assert!(err.is_none(), "{err:?}");
    let Some(Outcome::Rows { columns, rows }) = o.first() else {
        panic!("expected rows");
    };
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Name",
            "Engine",
            "Version",
            "Row_format",
            "Rows",
            "Avg_row_length",
            "Data_length",
            "Max_data_length",
            "Index_length",
            "Data_free",
            "Auto_increment",
            "Create_time",
            "Update_time",
            "Check_time",
            "Collation",
            "Checksum",
            "Create_options",
            "Comment"
        ]
    );
    let row = |n: usize| -> Vec<String> { rows[n].iter().map(text).collect() };
    let empty = row(0);
    let t = row(1);
    assert_eq!(
        [&empty[..7], &empty[8..11]].concat(),
        [
            "empty", "InnoDB", "10", "Dynamic", "0", "0", "16384", "0", "0", "NULL"
        ]
    );
    assert_eq!(
        [&t[..5], &t[6..7], &t[8..11]].concat(),
        [
            "t", "InnoDB", "10", "Dynamic", "3", "16384", "32768", "0", "4"
        ]
    );
    assert_eq!(t[5], (16384 / 3).to_string());
    assert_ne!(t[11], "NULL");
    assert_eq!(
        &t[12..],
        ["NULL", "NULL", "utf8mb4_0900_ai_ci", "NULL", "", ""]
    );
    assert_eq!(empty[17], "e");
    assert_eq!(
        run(&e, &mut s, "SHOW TABLE STATUS FROM d").lines().count(),
        3
    );
    assert_eq!(
        run(&e, &mut s, "SHOW TABLE STATUS FROM nope"),
        "ERROR 1049 (42000): Unknown database 'nope'"
    );
}

#[test]
fn show_create_database_prints_charset_and_encryption() {
    let (e, mut s) = setup();
    let out = crate::stmt::show::show_create_database(&e, &mut s, "d", false);
    assert_eq!(
        render(&[out.unwrap()], None),
        "Database|Create Database\nd|CREATE DATABASE `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */"
    );
    let out = crate::stmt::show::show_create_database(&e, &mut s, "INFORMATION_SCHEMA", true);
    assert_eq!(
        render(&[out.unwrap()], None),
        "Database|Create Database\ninformation_schema|CREATE DATABASE /*!32312 IF NOT EXISTS*/ `information_schema` /*!40100 DEFAULT CHARACTER SET utf8mb3 */ /*!80016 DEFAULT ENCRYPTION='N' */"
    );
    let out = crate::stmt::show::show_create_database(&e, &mut s, "nope", false);
    assert_eq!(
        render(&[], out.err().as_ref()),
        "ERROR 1049 (42000): Unknown database 'nope'"
    );
}

// ---------------------------------------------------------------------------------------------
// information_schema

/// The rows of a virtual table as text, keeping those whose column `col` equals `eq`.
fn virtual_rows(e: &Engine, s: &mut Session, t: VirtualTable, col: usize, eq: &str) -> Vec<String> {
    let rows = infoschema::rows(t, e, s).unwrap();
    let width = t.columns().len();
    rows.iter()
        .inspect(|r| assert_eq!(r.len(), width, "{t:?}"))
        .filter(|r| r.get(col).map(text).as_deref() == Some(eq))
        .map(|r| r.iter().map(text).collect::<Vec<_>>().join("|"))
        .collect()
}

#[test]
fn information_schema_names_resolve_case_insensitively() {
    let (t, cols) = infoschema::lookup("INFORMATION_SCHEMA", "tables").unwrap();
    assert_eq!(t, VirtualTable::Tables);
    assert_eq!(cols.len(), 21);
    assert_eq!(cols[2].0, "TABLE_NAME");
    assert!(infoschema::lookup("information_schema", "Key_Column_Usage").is_some());
    assert!(infoschema::lookup("d", "tables").is_none());
    assert!(infoschema::lookup("information_schema", "nope").is_none());
    let widths: Vec<usize> = VirtualTable::ALL
        .iter()
        .map(|t| t.columns().len())
        .collect();
    assert_eq!(
        widths,
        [4, 22, 7, 24, 12, 16, 11, 31, 6, 5, 18, 21, 7, 6, 22, 4, 10]
    );
}

#[test]
fn information_schema_schemata_and_tables_describe_the_catalog() {
    let (e, mut s) = setup_t();
    assert_eq!(
        virtual_rows(&e, &mut s, VirtualTable::Schemata, 1, "d"),
        ["def|d|utf8mb4|utf8mb4_0900_ai_ci|NULL|NO"]
    );
    assert_eq!(
        virtual_rows(&e, &mut s, VirtualTable::Schemata, 1, "information_schema"),
        ["def|information_schema|utf8mb3|utf8mb3_general_ci|NULL|NO"]
    );
    let tables = virtual_rows(&e, &mut s, VirtualTable::Tables, 1, "d");
    assert_eq!(tables.len(), 1);
    let f: Vec<&str> = tables[0].split('|').collect();
    assert_eq!(
        [&f[..14], &f[15..]].concat(),
        [
            "def",
            "d",
            "t",
            "BASE TABLE",
            "InnoDB",
            "10",
            "Dynamic",
            "3",
            "5461",
            "16384",
            "0",
            "32768",
            "0",
            "4",
            "NULL",
            "NULL",
            "utf8mb4_0900_ai_ci",
            "NULL",
            "",
            ""
        ]
    );
    let system = virtual_rows(&e, &mut s, VirtualTable::Tables, 1, "information_schema");
    assert_eq!(system.len(), 17);
    assert!(system[0].starts_with("def|information_schema|CHECK_CONSTRAINTS|SYSTEM VIEW|NULL"));
    assert!(system[1].starts_with("def|information_schema|COLUMNS|SYSTEM VIEW|NULL"));
}

#[test]
fn information_schema_columns_describe_each_column() {
    let (e, mut s) = setup_t();
    steps_on(
        &e,
        &mut s,
        &[(
            "CREATE TABLE c (a DECIMAL(6,2) UNSIGNED COMMENT 'x', b CHAR(3) CHARACTER SET latin1 NOT NULL, \
             c TEXT, d ENUM('p','qq'), e BIGINT UNSIGNED, f DOUBLE, g TIME(2), h DATE)",
            "ok",
        )],
    );
    let rows = virtual_rows(&e, &mut s, VirtualTable::Columns, 2, "t");
    assert_eq!(
        rows,
        [
            "def|d|t|id|1|NULL|NO|int|NULL|NULL|10|0|NULL|NULL|NULL|int|PRI|auto_increment|select,insert,update,references|||NULL",
            "def|d|t|name|2|NULL|YES|varchar|20|80|NULL|NULL|NULL|utf8mb4|utf8mb4_0900_ai_ci|varchar(20)|UNI||select,insert,update,references|||NULL",
            "def|d|t|k|3|0|NO|int|NULL|NULL|10|0|NULL|NULL|NULL|int|MUL||select,insert,update,references|||NULL",
            "def|d|t|ts|4|CURRENT_TIMESTAMP(3)|YES|datetime|NULL|NULL|NULL|NULL|3|NULL|NULL|datetime(3)||DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)|select,insert,update,references|||NULL",
        ]
    );
    let rows = virtual_rows(&e, &mut s, VirtualTable::Columns, 2, "c");
    let short: Vec<String> = rows
        .iter()
        .map(|r| {
            let f: Vec<&str> = r.split('|').collect();
            [3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 19]
                .iter()
                .map(|i| f[*i])
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert_eq!(
        short,
        [
            "a|YES|decimal|NULL|NULL|6|2|NULL|NULL|NULL|decimal(6,2) unsigned|x",
            "b|NO|char|3|3|NULL|NULL|NULL|latin1|latin1_swedish_ci|char(3)|",
            "c|YES|text|65535|65535|NULL|NULL|NULL|utf8mb4|utf8mb4_0900_ai_ci|text|",
            "d|YES|enum|2|8|NULL|NULL|NULL|utf8mb4|utf8mb4_0900_ai_ci|enum('p','qq')|",
            "e|YES|bigint|NULL|NULL|20|0|NULL|NULL|NULL|bigint unsigned|",
            "f|YES|double|NULL|NULL|22|NULL|NULL|NULL|NULL|double|",
            "g|YES|time|NULL|NULL|NULL|NULL|2|NULL|NULL|time(2)|",
            "h|YES|date|NULL|NULL|NULL|NULL|NULL|NULL|NULL|date|",
        ]
    );
}

#[test]
fn information_schema_statistics_and_constraints_describe_the_keys() {
    let (e, mut s) = setup_t();
    steps_on(
        &e,
        &mut s,
        &[(
            "CREATE TABLE m (a INT NOT NULL, b VARCHAR(10), c INT, PRIMARY KEY (a, c), UNIQUE KEY ub (b(4)))",
            "ok",
        )],
    );
    assert_eq!(
        virtual_rows(&e, &mut s, VirtualTable::Statistics, 2, "m"),
        [
            "def|d|m|0|d|PRIMARY|1|a|A|0|NULL|NULL||BTREE|||YES|NULL",
            "def|d|m|0|d|PRIMARY|2|c|A|0|NULL|NULL||BTREE|||YES|NULL",
            "def|d|m|0|d|ub|1|b|A|0|4|NULL|YES|BTREE|||YES|NULL",
        ]
    );
    assert_eq!(
        virtual_rows(&e, &mut s, VirtualTable::KeyColumnUsage, 5, "m"),
        [
            "def|d|PRIMARY|def|d|m|a|1|NULL|NULL|NULL|NULL",
            "def|d|PRIMARY|def|d|m|c|2|NULL|NULL|NULL|NULL",
            "def|d|ub|def|d|m|b|1|NULL|NULL|NULL|NULL",
        ]
    );
    assert_eq!(
        virtual_rows(&e, &mut s, VirtualTable::TableConstraints, 4, "m"),
        [
            "def|d|PRIMARY|d|m|PRIMARY KEY|YES",
            "def|d|ub|d|m|UNIQUE|YES",
        ]
    );
    assert_eq!(
        virtual_rows(&e, &mut s, VirtualTable::Statistics, 2, "t").len(),
        3
    );
}

fn expr(sql: &str) -> sqlparser::ast::Expr {
    sqlparser::parser::Parser::new(&sqlparser::dialect::MySqlDialect {})
        .try_with_sql(sql)
        .unwrap()
        .parse_expr()
        .unwrap()
}

#[test]
fn show_index_and_table_status_take_where_and_like_filters() {
    use sqlparser::ast::ShowStatementFilter as F;
    let (e, mut s) = setup_t();
    let out = crate::stmt::show::show_index(
        &e,
        &mut s,
        &sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::new("t")]),
        Some("d".into()),
        Some(&F::Where(expr(
            "Key_name = 'k' OR Non_unique = 0 AND Column_name = 'name'",
        ))),
    );
    assert_eq!(
        render(&[out.unwrap()], None),
        "Table|Non_unique|Key_name|Seq_in_index|Column_name|Collation|Cardinality|Sub_part|Packed|Null|Index_type|Comment|Index_comment|Visible|Expression
t|0|name|1|name|A|3|NULL|NULL|YES|BTREE|||YES|NULL
t|1|k|1|k|A|1|NULL|NULL||BTREE|||YES|NULL"
    );
    steps_on(&e, &mut s, &[("CREATE TABLE u (a INT)", "ok")]);
    let names = |out: Result<Outcome, crate::EngineError>| match out {
        Ok(Outcome::Rows { rows, .. }) => rows.iter().map(|r| text(&r[0])).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        names(crate::stmt::show::show_table_status(
            &e,
            &mut s,
            None,
            Some(&F::Like("u%".into()))
        )),
        ["u"]
    );
    assert_eq!(
        names(crate::stmt::show::show_table_status(
            &e,
            &mut s,
            None,
            Some(&F::Where(expr("`Rows` > 0 AND Engine = 'InnoDB'")))
        )),
        ["t"]
    );
}

/// CREATE/DROP INDEX and ADD UNIQUE share the table's rows instead of copying them, keep the
/// indexes that stay, and still check a new UNIQUE index against every row.
#[test]
fn index_changes_share_rows_and_check_uniqueness() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE TABLE t (id INT PRIMARY KEY, k INT, c VARCHAR(10), KEY kc (k, c))",
                "ok",
            ),
            (
                "INSERT INTO t VALUES (1, 5, 'a'), (2, 5, 'b'), (3, 7, NULL), (4, NULL, NULL)",
                "ok affected=4 info=Records: 4  Duplicates: 0  Warnings: 0",
            ),
        ],
    );
    let first_row = |e: &Engine| {
        e.store
            .latest()
            .table("d", "t")
            .and_then(|t| t.data.rows.iter().next().cloned())
            .unwrap()
    };
    let before = first_row(&e);
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE INDEX kk ON t (k)",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "SELECT id FROM t FORCE INDEX (kk) WHERE k = 5 ORDER BY id",
                "id\n1\n2",
            ),
            (
                "ALTER TABLE t ADD UNIQUE uk (k)",
                "ERROR 1062 (23000): Duplicate entry '5' for key 't.uk'",
            ),
            // NULLs never conflict in a UNIQUE index.
            (
                "ALTER TABLE t ADD UNIQUE uc (c)",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "INSERT INTO t VALUES (5, 1, 'a')",
                "ERROR 1062 (23000): Duplicate entry 'a' for key 't.uc'",
            ),
            (
                "DROP INDEX kk ON t",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            ("SELECT id FROM t WHERE k = 7", "id\n3"),
            ("SELECT id FROM t WHERE c = 'b'", "id\n2"),
            // The kept index `kc` answers as before.
            ("SELECT id, c FROM t WHERE k = 5 AND c > 'a'", "id|c\n2|b"),
        ],
    );
    let after = first_row(&e);
    assert!(
        std::ptr::eq(
            before.downgrade().as_ptr() as *const u8,
            after.downgrade().as_ptr() as *const u8
        ),
        "CREATE INDEX copied the rows"
    );
}
