//! JSON: the JSON column type, every JSON function with MySQL 8.4's answers (most of them the
//! examples of the reference manual), comparisons, CAST, normalization and the errors.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/json.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/json-function-reference.html>

use super::{check, check_steps, columns};
use crate::types::FieldType;

/// `SELECT <expr>` gives `expected` (the column name is the expression's text).
fn value(expr: &str, expected: &str) {
    check(&format!("SELECT {expr}"), &format!("{expr}\n{expected}"));
}

/// `SELECT <expr>` fails with `expected` (`ERROR code (state): message`).
fn error(expr: &str, expected: &str) {
    check(&format!("SELECT {expr}"), expected);
}

#[test]
fn json_object_and_json_array_build_normalized_documents() {
    value("JSON_OBJECT('a',1)", r#"{"a": 1}"#);
    value(
        "JSON_OBJECT('id', 87, 'name', 'carrot')",
        r#"{"id": 87, "name": "carrot"}"#,
    );
    value(
        "JSON_OBJECT('bb', 1, 'a', JSON_ARRAY(1, 2), 'ccc', NULL)",
        r#"{"a": [1, 2], "bb": 1, "ccc": null}"#,
    );
    value("JSON_OBJECT('a', 1, 'a', 2)", r#"{"a": 2}"#);
    value("JSON_OBJECT()", "{}");
    value("JSON_OBJECT(1, 2)", r#"{"1": 2}"#);
    value(
        r#"JSON_ARRAY(1, "abc", NULL, TRUE, FALSE)"#,
        r#"[1, "abc", null, true, false]"#,
    );
    value("JSON_ARRAY()", "[]");
    value(
        "JSON_ARRAY(1.50, 0.1e0, 1e300, -2)",
        "[1.50, 0.1, 1e300, -2]",
    );
    value(
        "JSON_ARRAY(1 = 1, 1 < 0, 2 IS NULL)",
        "[true, false, false]",
    );
    value(
        "JSON_ARRAY('{\"a\": 1}', CAST('{\"a\": 1}' AS JSON))",
        r#"["{\"a\": 1}", {"a": 1}]"#,
    );
    value(
        "JSON_ARRAY('tab\there', 'quote\"', 'back\\\\slash', 'é')",
        r#"["tab\there", "quote\"", "back\\slash", "é"]"#,
    );
    value(
        "JSON_ARRAY(DATE '2024-01-31', TIMESTAMP '2024-01-31 10:20:30', TIME '01:02:03')",
        r#"["2024-01-31", "2024-01-31 10:20:30.000000", "01:02:03.000000"]"#,
    );
    value("JSON_ARRAY(X'41')", r#"["base64:type15:QQ=="]"#);
    value(
        "JSON_ARRAY(18446744073709551615, -9223372036854775808)",
        "[18446744073709551615, -9223372036854775808]",
    );
}

#[test]
fn json_object_refuses_null_keys_and_odd_argument_counts() {
    error(
        "JSON_OBJECT(NULL, 1)",
        "ERROR 3158 (22032): JSON documents may not contain NULL member names.",
    );
    error(
        "JSON_OBJECT('a')",
        "ERROR 1582 (42000): Incorrect parameter count in the call to native function 'JSON_OBJECT'",
    );
    error(
        "JSON_SET('{}', '$.a')",
        "ERROR 1582 (42000): Incorrect parameter count in the call to native function 'JSON_SET'",
    );
}

#[test]
fn text_is_normalized_as_mysql_stores_it() {
    value(
        r#"CAST('{"bb": [1,2],  "a":1, "a": 3}' AS JSON)"#,
        r#"{"a": 3, "bb": [1, 2]}"#,
    );
    value(
        "CAST('[1.5e300, 0.1, 1.0, 1e2, 100]' AS JSON)",
        "[1.5e300, 0.1, 1.0, 100.0, 100]",
    );
    value(
        r#"CAST('{"x": "\\u00e9\\u0001\\n\\/"}' AS JSON)"#,
        r#"{"x": "é\u0001\n/"}"#,
    );
    value("CAST(' true ' AS JSON)", "true");
    value("CAST(1 AS JSON)", "1");
    value("CAST(1.5 AS JSON)", "1.5");
    value("CAST(1 = 1 AS JSON)", "true");
    value("CAST(NULL AS JSON)", "NULL");
    value("CAST(CAST('[1]' AS JSON) AS JSON)", "[1]");
    error(
        "CAST('abc' AS JSON)",
        r#"ERROR 3141 (22032): Invalid JSON text in argument 1 to function cast_as_json: "Invalid value." at position 0."#,
    );
}

#[test]
fn json_extract_and_the_arrow_operators() {
    value("JSON_EXTRACT('[10, 20, [30, 40]]', '$[1]')", "20");
    value(
        "JSON_EXTRACT('[10, 20, [30, 40]]', '$[1]', '$[0]')",
        "[20, 10]",
    );
    value("JSON_EXTRACT('[10, 20, [30, 40]]', '$[2][*]')", "[30, 40]");
    value("JSON_EXTRACT('[10, 20, [30, 40]]', '$[last]')", "[30, 40]");
    value(
        "JSON_EXTRACT('[10, 20, [30, 40]]', '$[0 to 1]')",
        "[10, 20]",
    );
    value("JSON_EXTRACT('[10, 20, [30, 40]]', '$[5]')", "NULL");
    value(
        r#"JSON_EXTRACT('{"a": {"b": 1}, "c": {"b": 2}}', '$**.b')"#,
        "[1, 2]",
    );
    value(
        r#"JSON_EXTRACT('{"a": {"b": 1}, "c": {"b": 2}}', '$.*.b')"#,
        "[1, 2]",
    );
    value(r#"JSON_EXTRACT('{"a b": 5}', '$."a b"')"#, "5");
    value(r#"JSON_EXTRACT('{"a": 5}', '$[0].a')"#, "5");
    value("JSON_EXTRACT('5', '$')", "5");
    value(r#"'{"a": 1}'->'$.a'"#, "1");
    value(r#"'{"a": "x"}'->'$.a'"#, "\"x\"");
    value(r#"'{"a": "x"}'->>'$.a'"#, "x");
    value(r#"'{"a": [1, 2]}'->>'$.a'"#, "[1, 2]");
    value(r#"'{"a":1}'->'$.a' + 1"#, "2");
    value(r#"JSON_EXTRACT('{"a":1}','$.a') = 1"#, "1");
}

#[test]
fn paths_and_documents_are_checked_with_mysql_errors() {
    error(
        r#"JSON_EXTRACT('{"a":}', '$')"#,
        r#"ERROR 3141 (22032): Invalid JSON text in argument 1 to function json_extract: "Invalid value." at position 5."#,
    );
    error(
        "JSON_EXTRACT('', '$')",
        r#"ERROR 3141 (22032): Invalid JSON text in argument 1 to function json_extract: "The document is empty." at position 0."#,
    );
    error(
        "JSON_EXTRACT('[1, 2', '$')",
        r#"ERROR 3141 (22032): Invalid JSON text in argument 1 to function json_extract: "Missing a comma or ']' after an array element." at position 5."#,
    );
    error(
        "JSON_CONTAINS('[1]', '[1')",
        r#"ERROR 3141 (22032): Invalid JSON text in argument 2 to function json_contains: "Missing a comma or ']' after an array element." at position 2."#,
    );
    error(
        "JSON_EXTRACT('{}', '$.')",
        "ERROR 3143 (42000): Invalid JSON path expression. The error is around character position 2.",
    );
    error(
        "JSON_EXTRACT('{}', 'a')",
        "ERROR 3143 (42000): Invalid JSON path expression. The error is around character position 1.",
    );
    error(
        "JSON_EXTRACT(1, '$')",
        "ERROR 3146 (22032): Invalid data type for JSON data in argument 1 to function json_extract; a JSON string or JSON type is required.",
    );
    error(
        "JSON_SET('{}', '$.*', 1)",
        "ERROR 3149 (42000): In this situation, path expressions may not contain the * and ** tokens or an array range.",
    );
    error(
        "JSON_KEYS('{}', '$[0 to 1]')",
        "ERROR 3149 (42000): In this situation, path expressions may not contain the * and ** tokens or an array range.",
    );
    error(
        "JSON_REMOVE('{}', '$')",
        "ERROR 3153 (42000): The path expression '$' is not allowed in this context.",
    );
    error(
        "JSON_CONTAINS_PATH('{}', 'any', '$')",
        "ERROR 3154 (42000): The oneOrAll argument to json_contains_path may take these values: 'one' or 'all'.",
    );
    error(
        "JSON_ARRAY_INSERT('[]', '$.a', 1)",
        "ERROR 3165 (42000): A path expression is not a path to a cell in an array.",
    );
    error(
        "JSON_QUOTE(1)",
        "ERROR 3064 (HY000): Incorrect type for argument 1 in function json_quote.",
    );
    error(
        "JSON_EXTRACT(X'FF', '$')",
        "ERROR 3144 (22032): Cannot create a JSON value from a string with CHARACTER SET 'binary'.",
    );
}

#[test]
fn nesting_is_bounded_at_depth_100() {
    let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
    check(&format!("SELECT JSON_DEPTH('{ok}') AS d"), "d\n100");
    let deep = format!("{}{}", "[".repeat(101), "]".repeat(101));
    let too_deep = "ERROR 3157 (22032): The JSON document exceeds the maximum depth.";
    check(&format!("SELECT JSON_DEPTH('{deep}') AS d"), too_deep);
    check(&format!("SELECT JSON_VALID('{deep}') AS d"), too_deep);
    check("SELECT JSON_VALID(REPEAT('[', 100000)) AS d", too_deep);
    check("SELECT JSON_VALID(REPEAT('[', 100)) AS d", "d\n0");
    check(
        &format!("SELECT JSON_ARRAY(CAST('{ok}' AS JSON)) AS d"),
        too_deep,
    );
}

#[test]
fn huge_numbers_and_odd_inputs_are_errors_or_values_never_panics() {
    value(
        "CAST('18446744073709551616' AS JSON)",
        "1.8446744073709552e19",
    );
    value("CAST('-1e-400' AS JSON)", "-0.0");
    error(
        "CAST('1e309' AS JSON)",
        r#"ERROR 3141 (22032): Invalid JSON text in argument 1 to function cast_as_json: "Number too big to be stored in double." at position 0."#,
    );
    error(
        "CAST('\"\\\\ud800\"' AS JSON)",
        r#"ERROR 3141 (22032): Invalid JSON text in argument 1 to function cast_as_json: "The surrogate pair in string is invalid." at position 1."#,
    );
    value("JSON_VALID('')", "0");
    value("JSON_VALID(X'FF')", "0");
    value("JSON_TYPE('4294967296')", "UNSIGNED INTEGER");
}

#[test]
fn json_set_insert_and_replace() {
    let doc = r#"'{ "a": 1, "b": [2, 3]}'"#;
    value(
        &format!("JSON_SET({doc}, '$.a', 10, '$.c', '[true, false]')"),
        r#"{"a": 10, "b": [2, 3], "c": "[true, false]"}"#,
    );
    value(
        &format!("JSON_INSERT({doc}, '$.a', 10, '$.c', '[true, false]')"),
        r#"{"a": 1, "b": [2, 3], "c": "[true, false]"}"#,
    );
    value(
        &format!("JSON_REPLACE({doc}, '$.a', 10, '$.c', '[true, false]')"),
        r#"{"a": 10, "b": [2, 3]}"#,
    );
    value(
        &format!("JSON_SET({doc}, '$.c', CAST('[true, false]' AS JSON))"),
        r#"{"a": 1, "b": [2, 3], "c": [true, false]}"#,
    );
    value("JSON_SET('[1, 2]', '$[5]', 3)", "[1, 2, 3]");
    value("JSON_SET('1', '$[1]', 2)", "[1, 2]");
    value("JSON_SET('1', '$[0]', 2)", "2");
    value("JSON_SET('{}', '$', 2)", "2");
    value("JSON_INSERT('1', '$[0]', 2)", "1");
    value("JSON_INSERT('1', '$[1]', 2)", "[1, 2]");
    value("JSON_INSERT('[1]', '$[last]', 2)", "[1]");
    value("JSON_SET('{\"a\": 1}', '$.a', NULL)", r#"{"a": null}"#);
    value("JSON_SET('{}', '$.a.b', 1)", "{}");
    value("JSON_SET('{}', '$.a', TRUE)", r#"{"a": true}"#);
}

#[test]
fn json_remove_and_the_array_functions() {
    value(
        r#"JSON_REMOVE('["a", ["b", "c"], "d"]', '$[1]')"#,
        r#"["a", "d"]"#,
    );
    value(
        r#"JSON_REMOVE('{"a": 1, "b": 2}', '$.a', '$.x')"#,
        r#"{"b": 2}"#,
    );
    value(r#"JSON_REMOVE('[1, 2]', '$[last]')"#, "[1]");
    let arr = r#"'["a", ["b", "c"], "d"]'"#;
    value(
        &format!("JSON_ARRAY_APPEND({arr}, '$[1]', 1)"),
        r#"["a", ["b", "c", 1], "d"]"#,
    );
    value(
        &format!("JSON_ARRAY_APPEND({arr}, '$[0]', 2)"),
        r#"[["a", 2], ["b", "c"], "d"]"#,
    );
    value(
        &format!("JSON_ARRAY_APPEND({arr}, '$[1][0]', 3)"),
        r#"["a", [["b", 3], "c"], "d"]"#,
    );
    value(
        r#"JSON_ARRAY_APPEND('{"a": 1, "b": [2, 3], "c": 4}', '$.b', 'x', '$.c', 'y')"#,
        r#"{"a": 1, "b": [2, 3, "x"], "c": [4, "y"]}"#,
    );
    value(
        r#"JSON_ARRAY_APPEND('{"a": 1}', '$', 'z')"#,
        r#"[{"a": 1}, "z"]"#,
    );
    let arr = r#"'["a", {"b": [1, 2]}, [3, 4]]'"#;
    value(
        &format!("JSON_ARRAY_INSERT({arr}, '$[1]', 'x')"),
        r#"["a", "x", {"b": [1, 2]}, [3, 4]]"#,
    );
    value(
        &format!("JSON_ARRAY_INSERT({arr}, '$[100]', 'x')"),
        r#"["a", {"b": [1, 2]}, [3, 4], "x"]"#,
    );
    value(
        &format!("JSON_ARRAY_INSERT({arr}, '$[1].b[0]', 'x')"),
        r#"["a", {"b": ["x", 1, 2]}, [3, 4]]"#,
    );
    value(
        &format!("JSON_ARRAY_INSERT({arr}, '$[2][1]', 'y')"),
        r#"["a", {"b": [1, 2]}, [3, "y", 4]]"#,
    );
    value(
        &format!("JSON_ARRAY_INSERT({arr}, '$[0]', 'x', '$[2][1]', 'y')"),
        r#"["x", "a", {"b": [1, 2]}, [3, 4]]"#,
    );
}

#[test]
fn json_contains_and_contains_path() {
    let doc = r#"'{"a": 1, "b": 2, "c": {"d": 4}}'"#;
    value(&format!("JSON_CONTAINS({doc}, '1', '$.a')"), "1");
    value(&format!("JSON_CONTAINS({doc}, '1', '$.b')"), "0");
    value(&format!("JSON_CONTAINS({doc}, '{{\"d\": 4}}', '$.a')"), "0");
    value(&format!("JSON_CONTAINS({doc}, '{{\"d\": 4}}', '$.c')"), "1");
    value(&format!("JSON_CONTAINS({doc}, '{{\"a\": 1}}')"), "1");
    value(&format!("JSON_CONTAINS({doc}, '1', '$.x')"), "NULL");
    value("JSON_CONTAINS('[1, 2, [3, 4]]', '[1, 3]')", "1");
    value("JSON_CONTAINS('[1, 2, [3, 4]]', '[[3]]')", "1");
    value("JSON_CONTAINS('[1, 2, [3, 4]]', '5')", "0");
    value("JSON_CONTAINS('[1, 2]', '1.0')", "1");
    value("JSON_CONTAINS('[\"1\"]', '1')", "0");
    value(
        &format!("JSON_CONTAINS_PATH({doc}, 'one', '$.a', '$.e')"),
        "1",
    );
    value(
        &format!("JSON_CONTAINS_PATH({doc}, 'all', '$.a', '$.e')"),
        "0",
    );
    value(&format!("JSON_CONTAINS_PATH({doc}, 'ONE', '$.c.d')"), "1");
    value(&format!("JSON_CONTAINS_PATH({doc}, 'one', '$.a.d')"), "0");
    value(&format!("JSON_CONTAINS_PATH({doc}, 'one', '$**.d')"), "1");
}

#[test]
fn json_keys_length_depth_type_and_valid() {
    value(r#"JSON_KEYS('{"a": 1, "b": {"c": 30}}')"#, r#"["a", "b"]"#);
    value(
        r#"JSON_KEYS('{"a": 1, "b": {"c": 30}}', '$.b')"#,
        r#"["c"]"#,
    );
    value(
        r#"JSON_KEYS('{"bb": 1, "a": 2, "ab": 3}')"#,
        r#"["a", "ab", "bb"]"#,
    );
    value("JSON_KEYS('[1]')", "NULL");
    value("JSON_LENGTH('[1, 2, {\"a\": 3}]')", "3");
    value(r#"JSON_LENGTH('{"a": 1, "b": {"c": 30}}')"#, "2");
    value(r#"JSON_LENGTH('{"a": 1, "b": {"c": 30}}', '$.b')"#, "1");
    value(r#"JSON_LENGTH('{"a": 1}', '$.x')"#, "NULL");
    value("JSON_LENGTH('\"abc\"')", "1");
    check(
        "SELECT JSON_DEPTH('{}') a, JSON_DEPTH('[]') b, JSON_DEPTH('true') c",
        "a|b|c\n1|1|1",
    );
    check(
        "SELECT JSON_DEPTH('[10, 20]') a, JSON_DEPTH('[[], {}]') b",
        "a|b\n2|2",
    );
    value(r#"JSON_DEPTH('[10, {"a": 20}]')"#, "3");
    value(r#"JSON_TYPE('{"a": [10, true]}')"#, "OBJECT");
    value(
        r#"JSON_TYPE(JSON_EXTRACT('{"a": [10, true]}', '$.a'))"#,
        "ARRAY",
    );
    value(
        r#"JSON_TYPE(JSON_EXTRACT('{"a": [10, true]}', '$.a[0]'))"#,
        "INTEGER",
    );
    value(
        r#"JSON_TYPE(JSON_EXTRACT('{"a": [10, true]}', '$.a[1]'))"#,
        "BOOLEAN",
    );
    check(
        "SELECT JSON_TYPE('1.5') a, JSON_TYPE('\"a\"') b, JSON_TYPE('null') c",
        "a|b|c\nDOUBLE|STRING|NULL",
    );
    error(
        "JSON_TYPE(1)",
        "ERROR 3146 (22032): Invalid data type for JSON data in argument 1 to function json_type; a JSON string or JSON type is required.",
    );
    check(
        r#"SELECT JSON_VALID('{"a": 1}') a, JSON_VALID('hello') b, JSON_VALID('"hello"') c"#,
        "a|b|c\n1|0|1",
    );
    check(
        "SELECT JSON_VALID(1) a, JSON_VALID(JSON_ARRAY()) b",
        "a|b\n0|1",
    );
}

#[test]
fn json_quote_unquote_and_pretty() {
    value("JSON_QUOTE('null')", r#""null""#);
    value(r#"JSON_QUOTE('"null"')"#, r#""\"null\"""#);
    value("JSON_QUOTE('[1, 2, 3]')", r#""[1, 2, 3]""#);
    value("JSON_QUOTE('a\tb')", r#""a\tb""#);
    value("JSON_UNQUOTE('\"abc\"')", "abc");
    value("JSON_UNQUOTE('[1, 2, 3]')", "[1, 2, 3]");
    value("JSON_UNQUOTE('\"a\\\\u0032\"')", "a2");
    value("JSON_UNQUOTE('abc')", "abc");
    value(
        r#"JSON_UNQUOTE(JSON_EXTRACT('{"a": "b\\"c"}', '$.a'))"#,
        "b\"c",
    );
    value("JSON_UNQUOTE('\"abc')", "\"abc");
    error(
        r#"JSON_UNQUOTE('"a" "b"')"#,
        r#"ERROR 3141 (22032): Invalid JSON text in argument 1 to function json_unquote: "The document root must not be followed by other values." at position 4."#,
    );
    error(
        "JSON_UNQUOTE(1)",
        "ERROR 3064 (HY000): Incorrect type for argument 1 in function json_unquote.",
    );
    error(
        "JSON_QUOTE(JSON_ARRAY())",
        "ERROR 3064 (HY000): Incorrect type for argument 1 in function json_quote.",
    );
    check(
        "SELECT JSON_PRETTY('[1,3,5]') AS p",
        "p\n[\n  1,\n  3,\n  5\n]",
    );
    check(
        r#"SELECT JSON_PRETTY('{"a":"10","b":"15","x":"25"}') AS p"#,
        "p\n{\n  \"a\": \"10\",\n  \"b\": \"15\",\n  \"x\": \"25\"\n}",
    );
    check(
        r#"SELECT JSON_PRETTY('{"a":[],"b":{}}') AS p"#,
        "p\n{\n  \"a\": [],\n  \"b\": {}\n}",
    );
}

#[test]
fn json_search_finds_string_paths() {
    let j = r#"'["abc", [{"k": "10"}, "def"], {"x":"abc"}, {"y":"bcd"}]'"#;
    let cases = [
        ("'one', 'abc'", r#""$[0]""#),
        ("'all', 'abc'", r#"["$[0]", "$[2].x"]"#),
        ("'all', 'ghi'", "NULL"),
        ("'all', '10'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$[*]'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$**.k'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$[*][0].k'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$[1]'", r#""$[1][0].k""#),
        ("'all', '10', NULL, '$[1][0]'", r#""$[1][0].k""#),
        ("'all', 'abc', NULL, '$[2]'", r#""$[2].x""#),
        ("'all', '%a%'", r#"["$[0]", "$[2].x"]"#),
        ("'all', '%b%'", r#"["$[0]", "$[2].x", "$[3].y"]"#),
        ("'all', '%b%', NULL, '$[0]'", r#""$[0]""#),
        ("'all', '%b%', NULL, '$[2]'", r#""$[2].x""#),
        ("'all', '%b%', NULL, '$[1]'", "NULL"),
        ("'all', '%b%', '', '$[1]'", "NULL"),
        ("'all', '%b%', '', '$[3]'", r#""$[3].y""#),
        ("'one', NULL", "NULL"),
    ];
    for (args, expected) in cases {
        check(
            &format!("SELECT JSON_SEARCH({j}, {args}) AS s"),
            &format!("s\n{expected}"),
        );
    }
    check(
        r#"SELECT JSON_SEARCH('{"a b": "x", "c": ["x"]}', 'all', 'x') AS s"#,
        "s\n[\"$.c[0]\", \"$.\\\"a b\\\"\"]",
    );
    error(
        "JSON_SEARCH('[]', 'some', 'x')",
        "ERROR 3154 (42000): The oneOrAll argument to json_search may take these values: 'one' or 'all'.",
    );
}

#[test]
fn json_merge_preserve_patch_and_the_deprecated_alias() {
    value(
        "JSON_MERGE_PRESERVE('[1, 2]', '[true, false]')",
        "[1, 2, true, false]",
    );
    value(
        r#"JSON_MERGE_PRESERVE('{"name": "x"}', '{"id": 47}')"#,
        r#"{"id": 47, "name": "x"}"#,
    );
    value("JSON_MERGE_PRESERVE('1', 'true')", "[1, true]");
    value(
        r#"JSON_MERGE_PRESERVE('[1, 2]', '{"id": 47}')"#,
        r#"[1, 2, {"id": 47}]"#,
    );
    value(
        r#"JSON_MERGE_PRESERVE('{ "a": 1, "b": 2 }', '{ "a": 3, "c": 4 }', '{ "a": 5, "d": 6 }')"#,
        r#"{"a": [1, 3, 5], "b": 2, "c": 4, "d": 6}"#,
    );
    value("JSON_MERGE_PRESERVE('[1]', NULL)", "NULL");
    value(
        "JSON_MERGE_PATCH('[1, 2]', '[true, false]')",
        "[true, false]",
    );
    value(
        r#"JSON_MERGE_PATCH('{"name": "x"}', '{"id": 47}')"#,
        r#"{"id": 47, "name": "x"}"#,
    );
    value("JSON_MERGE_PATCH('1', 'true')", "true");
    value(
        r#"JSON_MERGE_PATCH('[1, 2]', '{"id": 47}')"#,
        r#"{"id": 47}"#,
    );
    value(
        r#"JSON_MERGE_PATCH('{ "a": 1, "b":2 }','{ "a": 3, "c":4 }', '{ "a": 5, "d":6 }')"#,
        r#"{"a": 5, "b": 2, "c": 4, "d": 6}"#,
    );
    value(
        r#"JSON_MERGE_PATCH('{"a":1, "b":2}', '{"b":null}')"#,
        r#"{"a": 1}"#,
    );
    value(
        r#"JSON_MERGE_PATCH('{"a":{"x":1}}', '{"a":{"y":2}}')"#,
        r#"{"a": {"x": 1, "y": 2}}"#,
    );
    value(r#"JSON_MERGE_PATCH('{"a":1}', NULL)"#, "NULL");
    value(r#"JSON_MERGE_PATCH(NULL, '[1]')"#, "[1]");
    value(r#"JSON_MERGE_PATCH(NULL, '{"a": 1}')"#, "NULL");
    check_steps(&[
        ("SELECT JSON_MERGE('[1]', '[2]') AS m", "m\n[1, 2]"),
        (
            "SHOW WARNINGS",
            "Level|Code|Message\nWarning|1287|'JSON_MERGE' is deprecated and will be removed in a future release. Please use JSON_MERGE_PRESERVE/JSON_MERGE_PATCH instead",
        ),
    ]);
}

#[test]
fn member_of_and_json_overlaps() {
    value("17 MEMBER OF('[23, \"abc\", 17, \"ab\", 10]')", "1");
    value("'ab' MEMBER OF('[23, \"abc\", 17, \"ab\", 10]')", "1");
    value("7 MEMBER OF('[\"7\"]')", "0");
    value("CAST('[4,5]' AS JSON) MEMBER OF('[[3,4],[4,5]]')", "1");
    value("JSON_ARRAY(4,5) MEMBER OF('[[3,4],[4,5]]')", "1");
    value("'[4,5]' MEMBER OF('[[3,4],[4,5]]')", "0");
    value("5 MEMBER OF('5')", "1");
    value("NULL MEMBER OF('[1]')", "NULL");
    value("1 MEMBER OF(NULL)", "NULL");
    value("JSON_OVERLAPS('[1,3,5,7]', '[2,5,7]')", "1");
    value("JSON_OVERLAPS('[1,3,5,7]', '[2,6,8]')", "0");
    value(
        r#"JSON_OVERLAPS('{"a":1,"b":10,"d":10}', '{"c":1,"e":10,"f":1,"d":10}')"#,
        "1",
    );
    value("JSON_OVERLAPS('5', '[1, 5]')", "1");
}

#[test]
fn null_arguments_give_null() {
    for f in [
        "JSON_EXTRACT(NULL, '$')",
        "JSON_EXTRACT('{}', NULL)",
        "JSON_SET(NULL, '$.a', 1)",
        "JSON_SET('{}', NULL, 1)",
        "JSON_INSERT('{}', NULL, 1)",
        "JSON_REPLACE(NULL, '$.a', 1)",
        "JSON_REMOVE('{}', NULL)",
        "JSON_ARRAY_APPEND(NULL, '$', 1)",
        "JSON_ARRAY_INSERT('[]', NULL, 1)",
        "JSON_CONTAINS(NULL, '1')",
        "JSON_CONTAINS('[1]', NULL)",
        "JSON_CONTAINS_PATH(NULL, 'one', '$')",
        "JSON_CONTAINS_PATH('{}', NULL, '$')",
        "JSON_KEYS(NULL)",
        "JSON_LENGTH(NULL)",
        "JSON_DEPTH(NULL)",
        "JSON_TYPE(NULL)",
        "JSON_VALID(NULL)",
        "JSON_QUOTE(NULL)",
        "JSON_UNQUOTE(NULL)",
        "JSON_PRETTY(NULL)",
        "JSON_SEARCH(NULL, 'one', 'a')",
        "JSON_MERGE_PRESERVE(NULL, '[]')",
    ] {
        value(f, "NULL");
    }
    value("JSON_ARRAY(NULL)", "[null]");
    value("JSON_OBJECT('a', NULL)", r#"{"a": null}"#);
    value("JSON_ARRAY_APPEND('[]', '$', NULL)", "[null]");
}

#[test]
fn comparisons_follow_the_json_comparator() {
    value(r#"JSON_EXTRACT('{"a":"x"}', '$.a') = 'x'"#, "1");
    value("CAST('1' AS JSON) = 1", "1");
    value("CAST('1.0' AS JSON) = 1", "1");
    value("CAST('\"1\"' AS JSON) = 1", "0");
    value("CAST('true' AS JSON) = TRUE", "1");
    value("CAST('true' AS JSON) = 1", "0");
    value("CAST('[1, 2]' AS JSON) = CAST('[1, 2.0]' AS JSON)", "1");
    value("CAST('[1, 2]' AS JSON) < CAST('[1, 3]' AS JSON)", "1");
    value("CAST('{\"a\": 1}' AS JSON) = '{\"a\": 1}'", "0");
    value("CAST('\"abc\"' AS JSON) < CAST('1' AS JSON)", "0");
    value("CAST('null' AS JSON) < CAST('1' AS JSON)", "1");
    value("CAST('2' AS JSON) IN (1, 2)", "1");
    value("CAST('9007199254740993' AS JSON) = 9007199254740992e0", "0");
}

#[test]
fn json_values_read_as_numbers_and_strings() {
    value(r#"JSON_EXTRACT('{"a": 2.5}', '$.a') * 2"#, "5");
    value(r#"-JSON_EXTRACT('{"a": 2}', '$.a')"#, "-2");
    value(
        r#"CAST(JSON_EXTRACT('{"a": "12"}', '$.a') AS SIGNED)"#,
        "12",
    );
    value(r#"CAST(JSON_EXTRACT('{"a": 12}', '$.a') AS SIGNED)"#, "12");
    value(
        r#"CAST(JSON_EXTRACT('{"a": 1.5}', '$.a') AS DECIMAL(4,2))"#,
        "1.50",
    );
    value(
        r#"CAST(JSON_EXTRACT('{"a": "x"}', '$.a') AS CHAR)"#,
        "\"x\"",
    );
    value(
        r#"CAST(JSON_EXTRACT('{"d": "2024-02-03"}', '$.d') AS DATE)"#,
        "2024-02-03",
    );
    value(r#"CONCAT(JSON_ARRAY(1), 'x')"#, "[1]x");
    check_steps(&[
        (
            r#"SELECT JSON_EXTRACT('{"a": "x"}', '$.a') + 1 AS n"#,
            "n\n1",
        ),
        (
            "SHOW WARNINGS",
            "Level|Code|Message\nWarning|3156|Invalid JSON value for CAST to DOUBLE from column json_extract at row 1",
        ),
    ]);
}

#[test]
fn result_metadata_is_json_and_longtext() {
    let cols = columns(
        r#"SELECT JSON_OBJECT('a', 1) AS j, '{"a": "x"}'->>'$.a' AS u, JSON_TYPE('1') AS t, JSON_LENGTH('[]') AS l"#,
    );
    let meta: Vec<(FieldType, u16, u32)> = cols
        .iter()
        .map(|c| {
            let m = c.meta.as_ref().unwrap();
            (m.field_type, m.collation_id, c.length)
        })
        .collect();
    assert_eq!(meta[0], (FieldType::Json, 46, u32::MAX));
    assert_eq!(meta[1], (FieldType::Blob, 46, u32::MAX));
    assert_eq!(meta[2].0, FieldType::VarString);
    assert_eq!(meta[2].1, 46);
    assert_eq!(meta[3].0, FieldType::LongLong);
}

#[test]
fn a_json_column_validates_normalizes_and_updates() {
    check_steps(&[
        ("CREATE DATABASE d", "ok affected=1"),
        ("USE d", "ok"),
        ("CREATE TABLE t (id INT PRIMARY KEY, j JSON)", "ok"),
        (
            r#"INSERT INTO t VALUES (1, '{"b": [1,2], "a": "x"}'), (2, '[3, 1.0]'), (3, NULL), (4, '"s"')"#,
            "ok affected=4",
        ),
        (
            "SELECT id, j, JSON_TYPE(j), j->'$.a', j->>'$.a' FROM t ORDER BY id",
            "id|j|JSON_TYPE(j)|j->'$.a'|j->>'$.a'\n\
             1|{\"a\": \"x\", \"b\": [1, 2]}|OBJECT|\"x\"|x\n\
             2|[3, 1.0]|ARRAY|NULL|NULL\n\
             3|NULL|NULL|NULL|NULL\n\
             4|\"s\"|STRING|NULL|NULL",
        ),
        (
            "INSERT INTO t VALUES (5, '{\"a\": }')",
            r#"ERROR 3140 (22032): Invalid JSON text: "Invalid value." at position 6 in value for column 't.j'."#,
        ),
        (
            "INSERT INTO t VALUES (5, '')",
            r#"ERROR 3140 (22032): Invalid JSON text: "The document is empty." at position 0 in value for column 't.j'."#,
        ),
        (
            "INSERT INTO t VALUES (5, 5)",
            r#"ERROR 3140 (22032): Invalid JSON text: "not a JSON text, may need CAST" at position 0 in value for column 't.j'."#,
        ),
        ("SET sql_mode = ''", "ok"),
        (
            "INSERT INTO t VALUES (5, 'nope')",
            r#"ERROR 3140 (22032): Invalid JSON text: "Invalid value." at position 1 in value for column 't.j'."#,
        ),
        ("INSERT INTO t VALUES (5, CAST(5 AS JSON))", "ok affected=1"),
        (
            "UPDATE t SET j = JSON_SET(j, '$.a', 10, '$.c', JSON_ARRAY(TRUE)) WHERE id = 1",
            "ok affected=1",
        ),
        (
            "SELECT j FROM t WHERE id = 1",
            "j\n{\"a\": 10, \"b\": [1, 2], \"c\": [true]}",
        ),
        (
            "UPDATE t SET j = '{oops' WHERE id = 2",
            r#"ERROR 3140 (22032): Invalid JSON text: "Missing a name for object member." at position 1 in value for column 't.j'."#,
        ),
        ("SELECT id FROM t WHERE j->'$.a' = 10", "id\n1"),
        ("SELECT id FROM t WHERE j = CAST('5' AS JSON)", "id\n5"),
        (
            "SELECT id FROM t WHERE JSON_CONTAINS(j, '1', '$.b')",
            "id\n1",
        ),
        (
            "SELECT id, j FROM t ORDER BY j, id",
            "id|j\n3|NULL\n5|5\n4|\"s\"\n1|{\"a\": 10, \"b\": [1, 2], \"c\": [true]}\n2|[3, 1.0]",
        ),
        (
            "SELECT COUNT(*), COUNT(DISTINCT j) FROM t",
            "COUNT(*)|COUNT(DISTINCT j)\n5|4",
        ),
    ]);
}

#[test]
fn json_arrayagg_and_json_objectagg() {
    check_steps(&[
        ("CREATE DATABASE d", "ok affected=1"),
        ("USE d", "ok"),
        (
            "CREATE TABLE t3 (o_id INT, attribute VARCHAR(10), value VARCHAR(10))",
            "ok",
        ),
        (
            "INSERT INTO t3 VALUES (2, 'color', 'red'), (2, 'fabric', 'silk'), \
             (3, 'color', 'green'), (3, 'shape', 'square'), (4, 'n', NULL)",
            "ok affected=5",
        ),
        (
            "SELECT o_id, JSON_ARRAYAGG(attribute) AS attributes FROM t3 GROUP BY o_id",
            "o_id|attributes\n2|[\"color\", \"fabric\"]\n3|[\"color\", \"shape\"]\n4|[\"n\"]",
        ),
        (
            "SELECT o_id, JSON_OBJECTAGG(attribute, value) FROM t3 GROUP BY o_id",
            "o_id|JSON_OBJECTAGG(attribute, value)\n\
             2|{\"color\": \"red\", \"fabric\": \"silk\"}\n\
             3|{\"color\": \"green\", \"shape\": \"square\"}\n\
             4|{\"n\": null}",
        ),
        (
            "SELECT JSON_ARRAYAGG(value) FROM t3 WHERE o_id = 4",
            "JSON_ARRAYAGG(value)\n[null]",
        ),
        (
            "SELECT JSON_ARRAYAGG(o_id) FROM t3 WHERE o_id > 100",
            "JSON_ARRAYAGG(o_id)\nNULL",
        ),
        (
            "SELECT JSON_OBJECTAGG(value, o_id) FROM t3",
            "ERROR 3158 (22032): JSON documents may not contain NULL member names.",
        ),
        (
            "SELECT JSON_OBJECTAGG(attribute, o_id) FROM t3",
            "JSON_OBJECTAGG(attribute, o_id)\n{\"n\": 4, \"color\": 3, \"shape\": 3, \"fabric\": 2}",
        ),
    ]);
}

#[test]
fn prepared_statements_bind_json_text_and_report_the_json_type() {
    use super::{engine, render, session};
    use crate::{Outcome, Value};
    let e = engine();
    let mut s = session(&e);
    for sql in [
        "CREATE DATABASE d",
        "USE d",
        "CREATE TABLE t (id INT PRIMARY KEY, j JSON)",
    ] {
        let (_, err) = e.execute(&mut s, sql);
        assert!(err.is_none(), "{sql}: {err:?}");
    }
    let insert = e.prepare(&mut s, "INSERT INTO t VALUES (?, ?)").unwrap();
    let (o, err) = e.execute_prepared(
        &mut s,
        &insert,
        &[Value::Int(1), Value::str(r#"{"b": 1, "a": [true]}"#)],
    );
    assert_eq!(render(&o, err.as_ref()), "ok affected=1");
    // A number bound to a JSON column is refused, as MySQL refuses it.
    let (o, err) = e.execute_prepared(&mut s, &insert, &[Value::Int(2), Value::Int(5)]);
    assert_eq!(
        render(&o, err.as_ref()),
        r#"ERROR 3140 (22032): Invalid JSON text: "not a JSON text, may need CAST" at position 0 in value for column 't.j'."#
    );
    let select = e
        .prepare(
            &mut s,
            "SELECT j, JSON_EXTRACT(j, ?) AS x FROM t WHERE id = ?",
        )
        .unwrap();
    let types: Vec<FieldType> = select
        .columns()
        .iter()
        .map(|c| c.meta.as_ref().unwrap().field_type)
        .collect();
    assert_eq!(types, [FieldType::Json, FieldType::Json]);
    let (o, err) = e.execute_prepared(&mut s, &select, &[Value::str("$.a[0]"), Value::Int(1)]);
    assert!(err.is_none(), "{err:?}");
    let Some(Outcome::Rows { rows, .. }) = o.first() else {
        panic!("expected rows: {o:?}");
    };
    assert_eq!(
        rows,
        &[vec![
            Value::str(r#"{"a": [true], "b": 1}"#),
            Value::str("true")
        ]]
    );
}

#[test]
fn aggregates_read_json_as_numbers_and_compare_it_as_json() {
    check_steps(&[
        ("CREATE DATABASE d", "ok affected=1"),
        ("USE d", "ok"),
        ("CREATE TABLE t (id INT PRIMARY KEY, j JSON)", "ok"),
        (
            r#"INSERT INTO t VALUES (1, '{"n": 1.5}'), (2, '{"n": 2}'), (3, '{"n": "x"}')"#,
            "ok affected=3",
        ),
        (
            "SELECT SUM(j->'$.n'), MIN(j->'$.n'), MAX(j->'$.n') FROM t WHERE id < 3",
            "SUM(j->'$.n')|MIN(j->'$.n')|MAX(j->'$.n')\n3.5|1.5|2",
        ),
        ("SELECT MAX(j->'$.n') FROM t", "MAX(j->'$.n')\n\"x\""),
        (
            "SELECT id FROM t WHERE j->'$.n' > 1 ORDER BY j->'$.n' DESC",
            "id\n3\n2\n1",
        ),
        (
            "SELECT j->'$.n', COUNT(*) FROM t GROUP BY j->'$.n' ORDER BY 1",
            "j->'$.n'|COUNT(*)\n1.5|1\n2|1\n\"x\"|1",
        ),
    ]);
}

#[test]
fn a_json_condition_compares_with_json_zero_and_warns() {
    let warning = "Warning|3986|Evaluating a JSON value in SQL boolean context does an implicit comparison against JSON integer 0; if this is not what you want, consider converting JSON to a SQL numeric type with JSON_VALUE RETURNING";
    check_steps(&[
        ("CREATE DATABASE d", "ok affected=1"),
        ("USE d", "ok"),
        ("CREATE TABLE t (id INT PRIMARY KEY, j JSON)", "ok"),
        (
            r#"INSERT INTO t VALUES (1, '{"paid": true}'), (2, '{"paid": false}'), (3, '{"paid": 0}'), (4, '{}')"#,
            "ok affected=4",
        ),
        ("SELECT id FROM t WHERE j->'$.paid' ORDER BY id", "id\n1\n2"),
        ("SHOW WARNINGS", &format!("Level|Code|Message\n{warning}")),
        (
            "SELECT id FROM t WHERE NOT j->'$.paid' ORDER BY id",
            "id\n3",
        ),
        (
            "SELECT id FROM t WHERE id > 1 AND j->'$.paid' ORDER BY id",
            "id\n2",
        ),
    ]);
}

#[test]
fn json_columns_take_expression_defaults_and_insert_select() {
    check_steps(&[
        ("CREATE DATABASE d", "ok affected=1"),
        ("USE d", "ok"),
        (
            "CREATE TABLE t (id INT PRIMARY KEY, j JSON DEFAULT (JSON_ARRAY()), k JSON)",
            "ok",
        ),
        ("INSERT INTO t (id) VALUES (1)", "ok affected=1"),
        (
            r#"INSERT INTO t (id, k) SELECT id + 1, JSON_OBJECT('from', id) FROM t"#,
            "ok affected=1",
        ),
        (
            r#"INSERT INTO t (id, k) VALUES (3, '{"x": 1}') ON DUPLICATE KEY UPDATE k = '{"y": 2}'"#,
            "ok affected=1",
        ),
        (
            r#"INSERT INTO t (id, k) VALUES (3, '{"x": 1}') ON DUPLICATE KEY UPDATE k = '{"y": }'"#,
            r#"ERROR 3140 (22032): Invalid JSON text: "Invalid value." at position 6 in value for column 't.k'."#,
        ),
        (
            "SELECT id, j, k FROM t ORDER BY id",
            "id|j|k\n1|[]|NULL\n2|[]|{\"from\": 1}\n3|[]|{\"x\": 1}",
        ),
    ]);
}
