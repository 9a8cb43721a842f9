//! MySQL statement forms sqlparser does not parse (`parse::forms`) and the statements behind
//! them: START TRANSACTION WITH CONSISTENT SNAPSHOT, ALTER TABLE options / CONVERT TO, comma
//! multi-table UPDATE, SHOW TABLE STATUS/INDEX filters, SHOW CREATE DATABASE, DEFAULT(col),
//! LOCK/UNLOCK TABLES, FLUSH, ANALYZE/OPTIMIZE/CHECK/CHECKSUM TABLE, SHOW ENGINES/CHARSET/
//! COLLATION. Expected outputs are MySQL 8.4's (see each statement's manual page).

use super::ddl::{create_text, run, setup, steps_on};
use super::session;

/// `d` with `t (id, a DEFAULT 5, b NOT NULL, KEY ia (a))` and `u (id, b)`, two rows each.
fn setup_tu() -> (crate::Engine, crate::Session) {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE TABLE t (id INT PRIMARY KEY, a INT DEFAULT 5, b VARCHAR(5) NOT NULL, KEY ia (a))",
                "ok",
            ),
            ("CREATE TABLE u (id INT PRIMARY KEY, b INT)", "ok"),
            (
                "INSERT INTO t VALUES (1, 1, 'x'), (2, 2, 'y')",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
            (
                "INSERT INTO u VALUES (1, 10), (2, 20)",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
        ],
    );
    (e, s)
}

#[test]
fn start_transaction_with_consistent_snapshot_reads_from_its_start() {
    let (e, mut a) = setup_tu();
    let mut b = session(&e);
    steps_on(&e, &mut b, &[("USE d", "ok")]);
    // The snapshot is taken at START TRANSACTION, before b's insert.
    steps_on(
        &e,
        &mut a,
        &[("START TRANSACTION WITH CONSISTENT SNAPSHOT", "ok")],
    );
    steps_on(
        &e,
        &mut b,
        &[("INSERT INTO u VALUES (3, 30)", "ok affected=1")],
    );
    steps_on(
        &e,
        &mut a,
        &[("SELECT COUNT(*) FROM u", "COUNT(*)\n2"), ("COMMIT", "ok")],
    );
    // Without it, the first read takes the snapshot.
    steps_on(&e, &mut a, &[("START TRANSACTION", "ok")]);
    steps_on(
        &e,
        &mut b,
        &[("INSERT INTO u VALUES (4, 40)", "ok affected=1")],
    );
    steps_on(
        &e,
        &mut a,
        &[
            ("SELECT COUNT(*) FROM u", "COUNT(*)\n4"),
            ("COMMIT", "ok"),
            (
                "START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT",
                "ok",
            ),
            (
                "INSERT INTO u VALUES (5, 50)",
                "ERROR 1792 (25006): Cannot execute statement in a READ ONLY transaction.",
            ),
            ("COMMIT", "ok"),
            (
                "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ WRITE",
                "ok",
            ),
            ("INSERT INTO u VALUES (5, 50)", "ok affected=1"),
            ("COMMIT", "ok"),
            (
                "START TRANSACTION READ ONLY, READ WRITE",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '' at line 1",
            ),
            (
                "START TRANSACTION WITH SNAPSHOT",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'SNAPSHOT' at line 1",
            ),
        ],
    );
}

#[test]
fn alter_table_takes_table_options_and_convert_to() {
    let (e, mut s) = setup_tu();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "ALTER TABLE d.t ENGINE=InnoDB",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "ALTER TABLE t DEFAULT CHARSET=latin1, COMMENT='hi', ADD COLUMN c VARCHAR(3)",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "ALTER TABLE t AUTO_INCREMENT=10 ROW_FORMAT=DYNAMIC",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
            (
                "ALTER TABLE t ADD COLUMN z INT, ENGINE=MyISAM",
                "ok info=Records: 0  Duplicates: 0  Warnings: 0",
            ),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "t"),
        "CREATE TABLE `t` (
  `id` int NOT NULL,
  `a` int DEFAULT '5',
  `b` varchar(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci NOT NULL,
  `c` varchar(3) DEFAULT NULL,
  `z` int DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ia` (`a`)
) ENGINE=MyISAM DEFAULT CHARSET=latin1 COMMENT='hi'"
    );
    steps_on(
        &e,
        &mut s,
        &[
            (
                "ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, DROP COLUMN z",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
            (
                "ALTER TABLE t ENGINE=nope",
                "ERROR 1286 (42000): Unknown storage engine 'nope'",
            ),
            (
                "ALTER TABLE t ENGINE=InnoDB ADD COLUMN y INT",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'ADD COLUMN y INT' at line 1",
            ),
            // mysqldump's restore text: InnoDB ignores it with a note.
            ("/*!40000 ALTER TABLE `t` DISABLE KEYS */", "ok warnings=1"),
            (
                "SHOW WARNINGS",
                "Level|Code|Message\nNote|1031|Table storage engine for 't' doesn't have this option",
            ),
        ],
    );
    assert_eq!(
        create_text(&e, &mut s, "t"),
        "CREATE TABLE `t` (
  `id` int NOT NULL,
  `a` int DEFAULT '5',
  `b` varchar(5) COLLATE utf8mb4_bin NOT NULL,
  `c` varchar(3) COLLATE utf8mb4_bin DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ia` (`a`)
) ENGINE=MyISAM DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='hi'"
    );
}

#[test]
fn comma_multi_table_update_joins_its_tables() {
    let (e, mut s) = setup_tu();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "UPDATE d.t, d.u SET t.a = u.b WHERE t.id = u.id",
                "ok affected=2 info=Rows matched: 2  Changed: 2  Warnings: 0",
            ),
            ("SELECT id, a FROM t", "id|a\n1|10\n2|20"),
            (
                "UPDATE t AS x, (SELECT 1 AS id) AS y SET x.a = 7 WHERE x.id = y.id",
                "ok affected=1 info=Rows matched: 1  Changed: 1  Warnings: 0",
            ),
            ("SELECT id, a FROM t", "id|a\n1|7\n2|20"),
            (
                "UPDATE t, u SET t.a = 1 ORDER BY t.id",
                "ERROR 1221 (HY000): Incorrect usage of UPDATE and ORDER BY",
            ),
            // A comma after SET is an assignment list, not a table list.
            (
                "UPDATE t SET a = 1, b = 'z' WHERE id = 1",
                "ok affected=1 info=Rows matched: 1  Changed: 1  Warnings: 0",
            ),
        ],
    );
}

#[test]
fn show_table_status_and_index_take_like_and_where() {
    let (e, mut s) = setup_tu();
    let names = |out: String| -> Vec<String> {
        out.lines()
            .skip(1)
            .map(|l| l.split('|').next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(names(run(&e, &mut s, "SHOW TABLE STATUS LIKE 't'")), ["t"]);
    assert_eq!(
        names(run(&e, &mut s, "SHOW TABLE STATUS FROM d LIKE '%'")),
        ["t", "u"]
    );
    assert_eq!(
        names(run(&e, &mut s, "SHOW TABLE STATUS IN d WHERE Name = 'u'")),
        ["u"]
    );
    steps_on(
        &e,
        &mut s,
        &[
            (
                "SHOW TABLE STATUS WHERE nope = 1",
                "ERROR 1054 (42S22): Unknown column 'nope' in 'where clause'",
            ),
            (
                "SHOW INDEX FROM d.t WHERE Key_name='ia'",
                "Table|Non_unique|Key_name|Seq_in_index|Column_name|Collation|Cardinality|Sub_part|Packed|Null|Index_type|Comment|Index_comment|Visible|Expression
t|1|ia|1|a|A|2|NULL|NULL|YES|BTREE|||YES|NULL",
            ),
            (
                "SHOW KEYS IN t FROM d WHERE Non_unique = 0",
                "Table|Non_unique|Key_name|Seq_in_index|Column_name|Collation|Cardinality|Sub_part|Packed|Null|Index_type|Comment|Index_comment|Visible|Expression
t|0|PRIMARY|1|id|A|2|NULL|NULL||BTREE|||YES|NULL",
            ),
            (
                "SHOW INDEXES FROM u WHERE Key_name = 'nope'",
                "Table|Non_unique|Key_name|Seq_in_index|Column_name|Collation|Cardinality|Sub_part|Packed|Null|Index_type|Comment|Index_comment|Visible|Expression",
            ),
            (
                "SHOW INDEX FROM t LIKE 'ia'",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'LIKE 'ia'' at line 1",
            ),
        ],
    );
}

#[test]
fn show_create_database_statement() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "SHOW CREATE DATABASE d",
                "Database|Create Database\nd|CREATE DATABASE `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */",
            ),
            (
                "SHOW CREATE SCHEMA IF NOT EXISTS d",
                "Database|Create Database\nd|CREATE DATABASE /*!32312 IF NOT EXISTS*/ `d` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */",
            ),
            (
                "SHOW CREATE DATABASE nope",
                "ERROR 1049 (42000): Unknown database 'nope'",
            ),
        ],
    );
}

#[test]
fn default_function_gives_a_columns_default() {
    let (e, mut s) = setup_tu();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "CREATE TABLE v (id INT AUTO_INCREMENT PRIMARY KEY, n INT, s VARCHAR(3) DEFAULT 'ab', e INT DEFAULT (2 + 3))",
                "ok",
            ),
            ("INSERT INTO v () VALUES ()", "ok affected=1"),
            (
                "SELECT DEFAULT(id), DEFAULT(n), DEFAULT(v.s), DEFAULT(e) FROM d.v",
                "DEFAULT(id)|DEFAULT(n)|DEFAULT(v.s)|DEFAULT(e)\n0|NULL|ab|5",
            ),
            ("SELECT id FROM t WHERE a != DEFAULT(a)", "id\n1\n2"),
            (
                "UPDATE t SET a = DEFAULT(a) + 1 WHERE id = 1",
                "ok affected=1 info=Rows matched: 1  Changed: 1  Warnings: 0",
            ),
            (
                "UPDATE t SET a = DEFAULT WHERE id = 2",
                "ok affected=1 info=Rows matched: 1  Changed: 1  Warnings: 0",
            ),
            ("SELECT id, a FROM t", "id|a\n1|6\n2|5"),
            (
                "SELECT DEFAULT(b) FROM t",
                "ERROR 1364 (HY000): Field 'b' doesn't have a default value",
            ),
            (
                "SELECT DEFAULT(nope) FROM t",
                "ERROR 1054 (42S22): Unknown column 'nope' in 'field list'",
            ),
            (
                "SELECT DEFAULT(1)",
                "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '1)' at line 1",
            ),
        ],
    );
}

#[test]
fn lock_tables_limits_the_session_to_its_locked_tables() {
    let (e, mut s) = setup_tu();
    steps_on(
        &e,
        &mut s,
        &[
            // Cached before the lock: the cache must not skip the check.
            ("SELECT a FROM t WHERE id = 1", "a\n1"),
            ("BEGIN", "ok"),
            ("INSERT INTO u VALUES (3, 30)", "ok affected=1"),
            // LOCK TABLES commits the open transaction.
            ("LOCK TABLES d.t READ, u WRITE", "ok"),
            ("ROLLBACK", "ok"),
            ("SELECT COUNT(*) FROM u", "COUNT(*)\n3"),
            ("SELECT a FROM t WHERE id = 1", "a\n1"),
            (
                "UPDATE t SET a = 1",
                "ERROR 1099 (HY000): Table 't' was locked with a READ lock and can't be updated",
            ),
            (
                "UPDATE u SET b = 1 WHERE id = 1",
                "ok affected=1 info=Rows matched: 1  Changed: 1  Warnings: 0",
            ),
            ("LOCK TABLES u READ", "ok"),
            (
                "SELECT a FROM t WHERE id = 1",
                "ERROR 1100 (HY000): Table 't' was not locked with LOCK TABLES",
            ),
            (
                "SELECT * FROM nope",
                "ERROR 1100 (HY000): Table 'nope' was not locked with LOCK TABLES",
            ),
            (
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'd'",
                "SCHEMA_NAME\nd",
            ),
            (
                "LOCK TABLES t WRITE, t READ",
                "ERROR 1066 (42000): Not unique table/alias: 't'",
            ),
            (
                "LOCK TABLES nope READ",
                "ERROR 1146 (42S02): Table 'd.nope' doesn't exist",
            ),
            ("UNLOCK TABLES", "ok"),
            ("SELECT a FROM t WHERE id = 1", "a\n1"),
            // mysqldump's restore text.
            ("LOCK TABLES `t` WRITE", "ok"),
            ("INSERT INTO `t` VALUES (3,3,'z')", "ok affected=1"),
            ("/*!40000 ALTER TABLE `t` ENABLE KEYS */", "ok warnings=1"),
            ("UNLOCK TABLES", "ok"),
            // and its dump text; BEGIN releases the locks.
            ("LOCK TABLES t READ /*!32311 LOCAL */", "ok"),
            (
                "SELECT * FROM u",
                "ERROR 1100 (HY000): Table 'u' was not locked with LOCK TABLES",
            ),
            ("BEGIN", "ok"),
            ("SELECT COUNT(*) FROM u", "COUNT(*)\n3"),
            ("COMMIT", "ok"),
            ("UNLOCK TABLE", "ok"),
        ],
    );
}

#[test]
fn flush_statements_are_accepted() {
    let (e, mut s) = setup_tu();
    steps_on(
        &e,
        &mut s,
        &[
            ("FLUSH TABLES", "ok"),
            ("FLUSH TABLES t, u", "ok"),
            ("FLUSH TABLES WITH READ LOCK", "ok"),
            ("UNLOCK TABLES", "ok"),
            ("FLUSH PRIVILEGES", "ok"),
            ("FLUSH STATUS", "ok"),
            ("FLUSH LOGS", "ok"),
            ("FLUSH LOCAL BINARY LOGS", "ok"),
            // FLUSH commits the open transaction.
            ("BEGIN", "ok"),
            ("INSERT INTO u VALUES (3, 30)", "ok affected=1"),
            ("FLUSH TABLES", "ok"),
            ("ROLLBACK", "ok"),
            ("SELECT COUNT(*) FROM u", "COUNT(*)\n3"),
        ],
    );
}

#[test]
fn table_maintenance_statements_report_per_table() {
    let (e, mut s) = setup_tu();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "ANALYZE TABLE d.t",
                "Table|Op|Msg_type|Msg_text\nd.t|analyze|status|OK",
            ),
            (
                "ANALYZE NO_WRITE_TO_BINLOG TABLE t, nope",
                "Table|Op|Msg_type|Msg_text
d.t|analyze|status|OK
d.nope|analyze|Error|Table 'd.nope' doesn't exist
d.nope|analyze|status|Operation failed",
            ),
            (
                "OPTIMIZE TABLE d.t",
                "Table|Op|Msg_type|Msg_text
d.t|optimize|note|Table does not support optimize, doing recreate + analyze instead
d.t|optimize|status|OK",
            ),
            (
                "CHECK TABLE t, u FOR UPGRADE QUICK",
                "Table|Op|Msg_type|Msg_text\nd.t|check|status|OK\nd.u|check|status|OK",
            ),
            ("CHECKSUM TABLE nope", "Table|Checksum\nd.nope|NULL"),
            (
                "SHOW WARNINGS",
                "Level|Code|Message\nError|1146|Table 'd.nope' doesn't exist",
            ),
            ("CREATE TABLE w (a INT)", "ok"),
            ("CHECKSUM TABLE w EXTENDED", "Table|Checksum\nd.w|0"),
        ],
    );
    // Deterministic, order-independent, and sensitive to the contents.
    let sum = |e: &crate::Engine, s: &mut crate::Session, t: &str| {
        run(e, s, &format!("CHECKSUM TABLE {t}"))
            .lines()
            .nth(1)
            .and_then(|l| l.split('|').nth(1))
            .unwrap_or_default()
            .to_string()
    };
    steps_on(
        &e,
        &mut s,
        &[
            ("CREATE TABLE t2 LIKE t", "ok"),
            (
                "INSERT INTO t2 VALUES (2, 2, 'y'), (1, 1, 'x')",
                "ok affected=2 info=Records: 2  Duplicates: 0  Warnings: 0",
            ),
        ],
    );
    let (a, b) = (sum(&e, &mut s, "t"), sum(&e, &mut s, "t2"));
    assert_eq!(a, b);
    assert_ne!(a, "NULL");
    assert_ne!(a, "0");
    steps_on(
        &e,
        &mut s,
        &[(
            "UPDATE t2 SET b = 'X' WHERE id = 1",
            "ok affected=1 info=Rows matched: 1  Changed: 1  Warnings: 0",
        )],
    );
    assert_ne!(sum(&e, &mut s, "t2"), a);
}

#[test]
fn show_engines_charsets_and_collations() {
    let (e, mut s) = setup();
    steps_on(
        &e,
        &mut s,
        &[
            (
                "SHOW ENGINES",
                "Engine|Support|Comment|Transactions|XA|Savepoints
MEMORY|YES|Hash based, stored in memory, useful for temporary tables|NO|NO|NO
InnoDB|DEFAULT|Supports transactions, row-level locking, and foreign keys|YES|YES|YES
MyISAM|YES|MyISAM storage engine|NO|NO|NO
MRG_MYISAM|YES|Collection of identical MyISAM tables|NO|NO|NO
BLACKHOLE|YES|/dev/null storage engine (anything you write to it disappears)|NO|NO|NO
CSV|YES|CSV storage engine|NO|NO|NO
ARCHIVE|YES|Archive storage engine|NO|NO|NO",
            ),
            (
                "SHOW CHARACTER SET LIKE 'latin%'",
                "Charset|Description|Default collation|Maxlen\nlatin1|cp1252 West European|latin1_swedish_ci|1",
            ),
            (
                "SHOW CHARSET WHERE Maxlen > 1",
                "Charset|Description|Default collation|Maxlen
utf8mb3|UTF-8 Unicode|utf8mb3_general_ci|3
utf8mb4|UTF-8 Unicode|utf8mb4_0900_ai_ci|4",
            ),
            (
                "SHOW COLLATION LIKE 'latin1%'",
                "Collation|Charset|Id|Default|Compiled|Sortlen|Pad_attribute
latin1_bin|latin1|47||Yes|1|PAD SPACE
latin1_swedish_ci|latin1|8|Yes|Yes|1|PAD SPACE",
            ),
            (
                "SHOW COLLATION WHERE Charset = 'utf8mb4' AND `Default` = 'Yes'",
                "Collation|Charset|Id|Default|Compiled|Sortlen|Pad_attribute
utf8mb4_0900_ai_ci|utf8mb4|255|Yes|Yes|0|NO PAD",
            ),
        ],
    );
    assert_eq!(run(&e, &mut s, "SHOW STORAGE ENGINES").lines().count(), 8);
    assert_eq!(run(&e, &mut s, "SHOW CHARSET").lines().count(), 6);
    assert_eq!(run(&e, &mut s, "SHOW COLLATION").lines().count(), 15);
}
