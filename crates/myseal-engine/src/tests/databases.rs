//! CREATE / ALTER DATABASE options: the default character set and collation (stored, shown by
//! SHOW CREATE DATABASE and information_schema.SCHEMATA, followed by `@@collation_database`
//! and taken by new tables) and `ENCRYPTION`, with MySQL 8.4's errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/create-database.html>

use super::{check_steps, steps_after};

#[test]
fn show_create_database_text_parses_back() {
    check_steps(&[
        // SHOW CREATE DATABASE's own text, and mysqldump --databases's form of it.
        (
            "CREATE DATABASE `x` /*!40100 DEFAULT CHARACTER SET utf8mb4 COLLATE \
             utf8mb4_0900_ai_ci */ /*!80016 DEFAULT ENCRYPTION='N' */",
            "ok affected=1",
        ),
        (
            "CREATE DATABASE /*!32312 IF NOT EXISTS*/ `y` /*!40100 DEFAULT CHARACTER SET \
             utf8mb4 COLLATE utf8mb4_bin */ /*!80016 DEFAULT ENCRYPTION='N' */",
            "ok affected=1",
        ),
        (
            "SHOW CREATE DATABASE y",
            "Database|Create Database\ny|CREATE DATABASE `y` /*!40100 DEFAULT CHARACTER SET \
             utf8mb4 COLLATE utf8mb4_bin */ /*!80016 DEFAULT ENCRYPTION='N' */",
        ),
        (
            "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME, \
             DEFAULT_ENCRYPTION FROM information_schema.SCHEMATA \
             WHERE SCHEMA_NAME IN ('x', 'y') ORDER BY 1",
            "SCHEMA_NAME|DEFAULT_CHARACTER_SET_NAME|DEFAULT_COLLATION_NAME|DEFAULT_ENCRYPTION\n\
             x|utf8mb4|utf8mb4_0900_ai_ci|NO\n\
             y|utf8mb4|utf8mb4_bin|NO",
        ),
        // Every spelling of the options MySQL's grammar has.
        (
            "CREATE SCHEMA z CHARSET = 'latin1' DEFAULT COLLATE = latin1_bin ENCRYPTION 'n'",
            "ok affected=1",
        ),
        (
            "SHOW CREATE SCHEMA z",
            "Database|Create Database\nz|CREATE DATABASE `z` /*!40100 DEFAULT CHARACTER SET \
             latin1 COLLATE latin1_bin */ /*!80016 DEFAULT ENCRYPTION='N' */",
        ),
        ("CREATE DATABASE b CHARACTER SET BINARY", "ok affected=1"),
        (
            "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA \
             WHERE SCHEMA_NAME = 'b'",
            "DEFAULT_COLLATION_NAME\nbinary",
        ),
        // An existing database keeps its options under IF NOT EXISTS.
        (
            "CREATE DATABASE IF NOT EXISTS y CHARACTER SET latin1",
            "ok warnings=1",
        ),
        (
            "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA \
             WHERE SCHEMA_NAME = 'y'",
            "DEFAULT_COLLATION_NAME\nutf8mb4_bin",
        ),
    ]);
}

#[test]
fn encryption_is_n_or_an_error_without_a_keyring() {
    check_steps(&[
        (
            "CREATE DATABASE e DEFAULT ENCRYPTION='Y'",
            "ERROR 3185 (HY000): Can't find master key from keyring, please check in the server \
             log if a keyring is loaded and initialized successfully.",
        ),
        (
            "CREATE DATABASE e ENCRYPTION='yes'",
            "ERROR 3184 (HY000): Invalid encryption option.",
        ),
        (
            "CREATE DATABASE e ENCRYPTION=N",
            "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
             corresponds to your MySQL server version for the right syntax to use near 'N' at \
             line 1",
        ),
        ("SHOW DATABASES LIKE 'e'", "Database (e)"),
        ("CREATE DATABASE e", "ok affected=1"),
        ("ALTER DATABASE e ENCRYPTION 'N'", "ok affected=1"),
        (
            "ALTER DATABASE e ENCRYPTION 'Y'",
            "ERROR 3185 (HY000): Can't find master key from keyring, please check in the server \
             log if a keyring is loaded and initialized successfully.",
        ),
    ]);
}

#[test]
fn the_default_collation_is_stored_and_used_by_new_tables() {
    steps_after(
        &["CREATE DATABASE d COLLATE utf8mb4_bin", "USE d"],
        &[
            (
                "SELECT @@character_set_database, @@collation_database",
                "@@character_set_database|@@collation_database\nutf8mb4|utf8mb4_bin",
            ),
            ("CREATE TABLE t (a VARCHAR(10))", "ok"),
            (
                "SHOW CREATE TABLE t",
                "Table|Create Table\nt|CREATE TABLE `t` (\n  `a` varchar(10) COLLATE \
                 utf8mb4_bin DEFAULT NULL\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 \
                 COLLATE=utf8mb4_bin",
            ),
            (
                "SELECT COLLATION_NAME FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 't'",
                "COLLATION_NAME\nutf8mb4_bin",
            ),
            // The column compares case-sensitively, as utf8mb4_bin does.
            ("INSERT INTO t VALUES ('a'), ('A')", "ok affected=2"),
            ("SELECT COUNT(*) FROM t WHERE a = 'a'", "COUNT(*)\n1"),
            // A table's own options still win.
            ("CREATE TABLE u (a CHAR(1)) DEFAULT CHARSET=latin1", "ok"),
            (
                "SELECT TABLE_COLLATION FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = 'd' AND TABLE_NAME = 'u'",
                "TABLE_COLLATION\nlatin1_swedish_ci",
            ),
        ],
    );
}

#[test]
fn a_character_set_alone_takes_its_default_collation() {
    steps_after(
        &[
            "CREATE DATABASE l CHARACTER SET latin1",
            "USE l",
            "CREATE TABLE t (a TEXT)",
        ],
        &[
            (
                "SHOW CREATE DATABASE l",
                "Database|Create Database\nl|CREATE DATABASE `l` /*!40100 DEFAULT CHARACTER SET \
                 latin1 */ /*!80016 DEFAULT ENCRYPTION='N' */",
            ),
            (
                "SELECT @@character_set_database, @@collation_database",
                "@@character_set_database|@@collation_database\nlatin1|latin1_swedish_ci",
            ),
            (
                "SHOW CREATE TABLE t",
                "Table|Create Table\nt|CREATE TABLE `t` (\n  `a` text\n) ENGINE=InnoDB DEFAULT \
                 CHARSET=latin1",
            ),
        ],
    );
}

#[test]
fn alter_database_changes_the_default_for_new_tables_only() {
    steps_after(
        &[
            "CREATE DATABASE d",
            "USE d",
            "CREATE TABLE old (a VARCHAR(5))",
        ],
        &[
            ("ALTER DATABASE d CHARACTER SET latin1", "ok affected=1"),
            (
                "SELECT @@character_set_database, @@collation_database",
                "@@character_set_database|@@collation_database\nlatin1|latin1_swedish_ci",
            ),
            // No name: the current database.
            ("ALTER SCHEMA DEFAULT COLLATE = latin1_bin", "ok affected=1"),
            (
                "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME \
                 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'd'",
                "DEFAULT_CHARACTER_SET_NAME|DEFAULT_COLLATION_NAME\nlatin1|latin1_bin",
            ),
            ("CREATE TABLE new (a VARCHAR(5))", "ok"),
            (
                "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = 'd' ORDER BY 1",
                "TABLE_NAME|TABLE_COLLATION\nnew|latin1_bin\nold|utf8mb4_0900_ai_ci",
            ),
            (
                "ALTER DATABASE d CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci \
                 ENCRYPTION = 'N'",
                "ok affected=1",
            ),
            (
                "SHOW CREATE DATABASE d",
                "Database|Create Database\nd|CREATE DATABASE `d` /*!40100 DEFAULT CHARACTER SET \
                 utf8mb4 COLLATE utf8mb4_general_ci */ /*!80016 DEFAULT ENCRYPTION='N' */",
            ),
            // ENCRYPTION alone leaves the collation alone.
            ("ALTER DATABASE d ENCRYPTION 'N'", "ok affected=1"),
            (
                "SELECT @@collation_database",
                "@@collation_database\nutf8mb4_general_ci",
            ),
            // Dropping the current database brings back the server's defaults.
            ("DROP DATABASE d", "ok affected=2"),
            (
                "SELECT @@character_set_database, @@collation_database",
                "@@character_set_database|@@collation_database\nutf8mb4|utf8mb4_0900_ai_ci",
            ),
        ],
    );
}

#[test]
fn bad_database_options_get_mysql_errors() {
    check_steps(&[
        (
            "CREATE DATABASE d CHARACTER SET nope",
            "ERROR 1115 (42000): Unknown character set: 'nope'",
        ),
        (
            "CREATE DATABASE d COLLATE nope_ci",
            "ERROR 1273 (HY000): Unknown collation: 'nope_ci'",
        ),
        (
            "CREATE DATABASE d CHARACTER SET latin1 COLLATE utf8mb4_bin",
            "ERROR 1253 (42000): COLLATION 'utf8mb4_bin' is not valid for CHARACTER SET 'latin1'",
        ),
        (
            "CREATE DATABASE d CHARACTER SET latin1 CHARACTER SET utf8mb4",
            "ERROR 1302 (42000): Conflicting declarations: 'CHARACTER SET latin1' and \
             'CHARACTER SET utf8mb4'",
        ),
        (
            "CREATE DATABASE d CHARACTER SET latin1 CHARSET latin1",
            "ok affected=1",
        ),
        (
            "ALTER DATABASE nope CHARACTER SET latin1",
            "ERROR 1049 (42000): Unknown database 'nope'",
        ),
        (
            "ALTER DATABASE CHARACTER SET latin1",
            "ERROR 1046 (3D000): No database selected",
        ),
        (
            "ALTER DATABASE d",
            "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual that \
             corresponds to your MySQL server version for the right syntax to use near '' at \
             line 1",
        ),
        (
            "ALTER DATABASE information_schema CHARACTER SET latin1",
            "ERROR 1044 (42000): Access denied for user 'root'@'%' to database \
             'information_schema'",
        ),
        (
            "ALTER DATABASE d READ ONLY = 1",
            "ERROR 1235 (42000): This version of MySQL doesn't yet support 'ALTER DATABASE'",
        ),
        (
            "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA \
             WHERE SCHEMA_NAME = 'd'",
            "DEFAULT_COLLATION_NAME\nlatin1_swedish_ci",
        ),
    ]);
}

#[test]
fn views_in_versioned_comments_as_mysqldump_writes_them() {
    steps_after(
        &[
            "CREATE DATABASE d COLLATE utf8mb4_bin",
            "USE d",
            "CREATE TABLE t (id INT PRIMARY KEY, a INT)",
            "INSERT INTO t VALUES (1, 10), (2, -5)",
        ],
        &[
            // The stand-in view of the dump's first pass, its SELECT on the comment's first line.
            (
                "/*!50001 CREATE VIEW `v` AS SELECT\n 1 AS `id`,\n 1 AS `a` */",
                "ok",
            ),
            ("SELECT * FROM v", "id|a\n1|1"),
            ("/*!50001 DROP VIEW IF EXISTS `v`*/", "ok"),
            // The final definition, split over three comments.
            (
                "/*!50001 CREATE ALGORITHM=UNDEFINED */\n\
                 /*!50013 DEFINER=`root`@`%` SQL SECURITY DEFINER */\n\
                 /*!50001 VIEW `v` AS select `t`.`id` AS `id`,`t`.`a` AS `a` from `t` \
                 where (`t`.`a` > 0) */",
                "ok",
            ),
            ("SELECT * FROM v", "id|a\n1|10"),
            (
                "SELECT SECURITY_TYPE, DEFINER FROM information_schema.VIEWS \
                 WHERE TABLE_NAME = 'v'",
                "SECURITY_TYPE|DEFINER\nDEFINER|root@%",
            ),
            (
                "/*!50001 CREATE VIEW `w` AS select `t`.`a` AS `a` from `t` where (`t`.`a` > 0) \
                 WITH CASCADED CHECK OPTION */",
                "ok",
            ),
            (
                "SELECT CHECK_OPTION FROM information_schema.VIEWS WHERE TABLE_NAME = 'w'",
                "CHECK_OPTION\nCASCADED",
            ),
            (
                "UPDATE w SET a = -1",
                "ERROR 1369 (HY000): CHECK OPTION failed 'd.w'",
            ),
        ],
    );
}
