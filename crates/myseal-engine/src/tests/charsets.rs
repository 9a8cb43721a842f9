//! Character sets: SET NAMES / SET CHARACTER SET and the handshake's collation, latin1 and
//! ascii columns (one byte per character), CONVERT ... USING and 1366 for characters a column's
//! set lacks.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/charset-connection.html>

use super::{engine, run, set_up};
use crate::SessionInfo;
use crate::charset::Charset;
use crate::collation::Collation;

fn session_with_handshake(collation: &str) -> (crate::Engine, crate::Session) {
    let e = engine();
    let s = e.new_session(SessionInfo {
        connection_id: 7,
        user: "root".into(),
        client_host: "localhost".into(),
        account_host: "%".into(),
        character_set_client: collation.into(),
        ..SessionInfo::default()
    });
    (e, s)
}

const VARS: &str = "SELECT @@character_set_client AS c, @@character_set_connection AS n, \
                    @@character_set_results AS r, @@collation_connection AS k";

#[test]
fn set_names_sets_the_three_variables_and_the_results_collation() {
    let (e, mut s) = set_up(&[]);
    assert_eq!(s.client_charset(), Charset::Utf8mb4);
    assert_eq!(s.results_collation(), Some(Collation::Utf8mb4_0900_ai_ci));
    assert_eq!(run(&e, &mut s, "SET NAMES latin1 COLLATE latin1_bin"), "ok");
    assert_eq!(
        run(&e, &mut s, VARS),
        "c|n|r|k\nlatin1|latin1|latin1|latin1_bin"
    );
    assert_eq!(s.client_charset(), Charset::Latin1);
    // MySQL keeps the collation in character_set_results: column definitions carry 47.
    assert_eq!(s.results_collation(), Some(Collation::Latin1_bin));
    // Setting the variable alone takes the set's default collation.
    assert_eq!(run(&e, &mut s, "SET character_set_results = latin1"), "ok");
    assert_eq!(s.results_collation(), Some(Collation::Latin1_swedish_ci));
    assert_eq!(run(&e, &mut s, "SET character_set_results = utf8mb4"), "ok");
    assert_eq!(s.results_collation(), Some(Collation::Utf8mb4_0900_ai_ci));
    // SET CHARACTER SET: client and results, the connection takes the database's.
    assert_eq!(run(&e, &mut s, "SET CHARACTER SET ascii"), "ok");
    assert_eq!(
        run(&e, &mut s, VARS),
        "c|n|r|k\nascii|utf8mb4|ascii|utf8mb4_0900_ai_ci"
    );
    assert_eq!(s.results_collation(), Some(Collation::Ascii_general_ci));
    assert_eq!(s.client_charset(), Charset::Ascii);
}

#[test]
fn unknown_charsets_and_collations_are_mysql_errors() {
    let (e, mut s) = set_up(&[]);
    assert_eq!(
        run(&e, &mut s, "SET NAMES 'nope'"),
        "ERROR 1115 (42000): Unknown character set: 'nope'"
    );
    assert_eq!(
        run(&e, &mut s, "SET NAMES latin1 COLLATE utf8mb4_bin"),
        "ERROR 1253 (42000): COLLATION 'utf8mb4_bin' is not valid for CHARACTER SET 'latin1'"
    );
    assert_eq!(
        run(&e, &mut s, "SET NAMES latin1 COLLATE nope"),
        "ERROR 1273 (HY000): Unknown collation: 'nope'"
    );
    assert_eq!(
        run(&e, &mut s, "SET character_set_client = 'nope'"),
        "ERROR 1115 (42000): Unknown character set: 'nope'"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT CONVERT('a' USING nope)"),
        "ERROR 1115 (42000): Unknown character set: 'nope'"
    );
    // Nothing changed.
    assert_eq!(s.client_charset(), Charset::Utf8mb4);
}

#[test]
fn the_handshake_collation_sets_all_three_variables() {
    let (e, mut s) = session_with_handshake("latin1_bin");
    assert_eq!(
        run(&e, &mut s, VARS),
        "c|n|r|k\nlatin1|latin1|latin1|latin1_bin"
    );
    assert_eq!(s.results_collation(), Some(Collation::Latin1_bin));
    let (e, mut s) = session_with_handshake("latin1_swedish_ci");
    assert_eq!(
        run(&e, &mut s, VARS),
        "c|n|r|k\nlatin1|latin1|latin1|latin1_swedish_ci"
    );
    let (e, mut s) = session_with_handshake("utf8mb4_general_ci");
    assert_eq!(
        run(&e, &mut s, VARS),
        "c|n|r|k\nutf8mb4|utf8mb4|utf8mb4|utf8mb4_general_ci"
    );
    assert_eq!(s.results_collation(), Some(Collation::Utf8mb4_general_ci));
    // A charset name (the server's fallback for ids it does not know) takes the default.
    let (e, mut s) = session_with_handshake("latin1");
    assert_eq!(
        run(&e, &mut s, VARS),
        "c|n|r|k\nlatin1|latin1|latin1|latin1_swedish_ci"
    );
}

#[test]
fn a_latin1_column_counts_one_byte_per_character() {
    let (e, mut s) = set_up(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, u VARCHAR(10), l VARCHAR(10) CHARACTER SET latin1, \
         a VARCHAR(10) CHARACTER SET ascii)",
        "INSERT INTO t VALUES (1, 'café €', 'café €', 'abc')",
    ]);
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT LENGTH(u) AS lu, LENGTH(l) AS ll, CHAR_LENGTH(l) AS cl, LENGTH(a) AS la, \
             CHARSET(l) AS cs, COLLATION(l) AS co, l FROM t"
        ),
        "lu|ll|cl|la|cs|co|l\n9|6|6|3|latin1|latin1_swedish_ci|café €"
    );
}

#[test]
fn a_character_the_column_set_lacks_is_1366_or_a_question_mark() {
    let (e, mut s) = set_up(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, l VARCHAR(10) CHARACTER SET latin1, \
         a VARCHAR(10) CHARACTER SET ascii)",
    ]);
    assert_eq!(
        run(&e, &mut s, "INSERT INTO t VALUES (1, 'a中b', 'x')"),
        "ERROR 1366 (HY000): Incorrect string value: '\\xE4\\xB8\\xADb' for column 'l' at row 1"
    );
    assert_eq!(
        run(&e, &mut s, "INSERT INTO t VALUES (1, 'x', 'é')"),
        "ERROR 1366 (HY000): Incorrect string value: '\\xC3\\xA9' for column 'a' at row 1"
    );
    assert_eq!(run(&e, &mut s, "SET sql_mode = ''"), "ok");
    assert_eq!(
        run(&e, &mut s, "INSERT INTO t VALUES (1, 'a中b', 'é')"),
        "ok affected=1 warnings=2"
    );
    assert_eq!(
        run(&e, &mut s, "SHOW WARNINGS"),
        "Level|Code|Message\n\
         Warning|1366|Incorrect string value: '\\xE4\\xB8\\xADb' for column 'l' at row 1\n\
         Warning|1366|Incorrect string value: '\\xC3\\xA9' for column 'a' at row 1"
    );
    // A binary string's bytes are latin1 characters in a latin1 column.
    assert_eq!(
        run(&e, &mut s, "INSERT INTO t VALUES (2, X'E980', 'y')"),
        "ok affected=1"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT id, l, a FROM t ORDER BY id"),
        "id|l|a\n1|a?b|?\n2|é€|y"
    );
}

#[test]
fn convert_using_keeps_what_the_target_set_represents() {
    let (e, mut s) = set_up(&[]);
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT CONVERT('é€中' USING latin1) AS a, LENGTH(CONVERT('é€中' USING latin1)) AS b, \
             CONVERT('aé' USING ascii) AS c, CHARSET(CONVERT('x' USING latin1)) AS d, \
             CONVERT(X'E9' USING latin1) AS f, CONVERT('é😀' USING utf8mb3) AS g, \
             LENGTH(_latin1 X'E9E9') AS h, COLLATION(_latin1'a' COLLATE latin1_bin) AS i"
        ),
        "a|b|c|d|f|g|h|i\né€?|3|a?|latin1|é|é?|2|latin1_bin"
    );
}

#[test]
fn functions_of_the_bytes_read_a_latin1_string_in_latin1() {
    let (e, mut s) = set_up(&[
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE l (c VARCHAR(10) CHARACTER SET latin1, u VARCHAR(10))",
        "INSERT INTO l VALUES ('é', 'é')",
    ]);
    // MySQL: the bytes of 'é' are E9 in latin1 and C3A9 in utf8mb4.
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT HEX(c), BIT_LENGTH(c), ASCII(c), ORD(c), TO_BASE64(c), MD5(c), CRC32(c), \
             HEX(u), BIT_LENGTH(u), ORD(u) FROM l"
        ),
        "HEX(c)|BIT_LENGTH(c)|ASCII(c)|ORD(c)|TO_BASE64(c)|MD5(c)|CRC32(c)|HEX(u)|BIT_LENGTH(u)|ORD(u)\n\
         E9|8|233|233|6Q==|3406877694691ddd1dfb0aca54681407|198489425|C3A9|16|50089"
    );
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT HEX(CONVERT('é' USING latin1)) a, SHA1(CONVERT('é' USING latin1)) b"
        ),
        "a|b\nE9|1599e9fa41ec68c80230491902786bee889f5bcb"
    );
}

#[test]
fn cast_as_char_takes_a_character_set() {
    let (e, mut s) = set_up(&["CREATE DATABASE d", "USE d"]);
    assert_eq!(
        run(
            &e,
            &mut s,
            "SELECT CAST('é' AS CHAR CHARACTER SET latin1) a, \
             HEX(CAST('é' AS CHAR(5) CHARSET latin1)) b, \
             CHARSET(CAST('x' AS CHAR CHARACTER SET ascii)) c, \
             HEX(CONVERT('é', CHAR CHARACTER SET latin1)) d, \
             CAST('abcdef' AS CHAR(3) CHARACTER SET utf8mb4) f, 1 AS char_alias"
        ),
        "a|b|c|d|f|char_alias\né|E9|ascii|E9|abc|1"
    );
    assert_eq!(
        run(&e, &mut s, "SELECT CAST('x' AS CHAR CHARACTER SET nope)"),
        "ERROR 1115 (42000): Unknown character set: 'nope'"
    );
    // A column's CHAR CHARACTER SET is untouched.
    assert_eq!(
        run(
            &e,
            &mut s,
            "CREATE TABLE t (a CHAR(3) CHARACTER SET latin1, b INT)"
        ),
        "ok"
    );
    assert_eq!(run(&e, &mut s, "SELECT CHARSET(a) FROM t"), "CHARSET(a)");
}

#[test]
fn character_set_results_may_be_null() {
    let (e, mut s) = set_up(&[]);
    // Connector/J's SET character_set_results = NULL: results go unconverted.
    assert_eq!(run(&e, &mut s, "SET character_set_results = NULL"), "ok");
    assert_eq!(
        run(&e, &mut s, "SELECT @@character_set_results IS NULL AS n"),
        "n\n1"
    );
    assert_eq!(s.results_collation(), None);
    assert_eq!(
        run(&e, &mut s, "SHOW VARIABLES LIKE 'character_set_results'"),
        "Variable_name|Value\ncharacter_set_results|"
    );
    assert_eq!(run(&e, &mut s, "SET character_set_results = DEFAULT"), "ok");
    assert_eq!(s.results_collation(), Some(Collation::Utf8mb4_0900_ai_ci));
    // Only character_set_results takes NULL.
    assert_eq!(
        run(&e, &mut s, "SET character_set_client = NULL"),
        "ERROR 1231 (42000): Variable 'character_set_client' can't be set to the value of 'NULL'"
    );
}
