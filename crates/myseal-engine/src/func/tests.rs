//! Tests with examples from the MySQL 8.4 manual, NULL handling, result types, the
//! max_allowed_packet limit, and a no-panic sweep over every function with random arguments.

use super::cast::*;
use super::*;
use crate::temporal::{Date, DateTime, Time};
use crate::types::{BaseType, NOT_FIXED_DEC};

/// A FuncCtx that records warnings and session effects.
struct Ctx {
    warnings: Vec<(u16, String)>,
    max_packet: usize,
    strict: bool,
    last_id: u64,
    seeds: Vec<Option<i64>>,
    incr: u32,
}

impl Default for Ctx {
    fn default() -> Self {
        Ctx {
            warnings: Vec::new(),
            max_packet: 64 * 1024 * 1024,
            strict: false,
            last_id: 0,
            seeds: Vec::new(),
            incr: 4,
        }
    }
}

impl FuncCtx for Ctx {
    fn warn(&mut self, code: u16, message: String) {
        self.warnings.push((code, message));
    }
    fn now(&self) -> DateTime {
        DateTime {
            date: Date {
                year: 2024,
                month: 1,
                day: 31,
            },
            hour: 10,
            minute: 30,
            second: 0,
            micro: 0,
        }
    }
    fn utc_now(&self) -> DateTime {
        self.now()
    }
    fn tz_offset_secs(&self) -> i64 {
        0
    }
    fn div_precision_increment(&self) -> u32 {
        self.incr
    }
    fn max_allowed_packet(&self) -> usize {
        self.max_packet
    }
    fn strict(&self) -> bool {
        self.strict
    }
    fn error_for_division_by_zero(&self) -> bool {
        true
    }
    fn database(&self) -> Option<String> {
        Some("shop".into())
    }
    fn user(&self) -> String {
        "root@localhost".into()
    }
    fn current_user(&self) -> String {
        "root@%".into()
    }
    fn connection_id(&self) -> u64 {
        42
    }
    fn last_insert_id(&self) -> u64 {
        self.last_id
    }
    fn set_last_insert_id(&mut self, v: u64) {
        self.last_id = v;
    }
    fn row_count(&self) -> i64 {
        -1
    }
    fn found_rows(&self) -> u64 {
        7
    }
    fn version(&self) -> String {
        "8.4.0-myseal".into()
    }
    fn rand(&mut self, seed: Option<i64>) -> f64 {
        self.seeds.push(seed);
        0.25
    }
}

fn s(x: &str) -> Value {
    Value::str(x)
}
fn i(x: i64) -> Value {
    Value::Int(x)
}
fn u(x: u64) -> Value {
    Value::UInt(x)
}
fn f(x: f64) -> Value {
    Value::Double(x)
}
fn d(x: &str) -> Value {
    Value::Decimal(Dec::parse(x).expect("decimal literal"))
}
fn null() -> Value {
    Value::Null
}

fn func(name: &str) -> Func {
    Func::lookup(name).unwrap_or_else(|| panic!("no function {name}"))
}

/// Evaluates `name(args)` with a fresh context.
fn call(name: &str, args: &[Value]) -> Value {
    call_ctx(&mut Ctx::default(), name, args).expect("no error")
}

fn call_ctx(ctx: &mut Ctx, name: &str, args: &[Value]) -> Result<Value, EngineError> {
    func(name).eval(args, ctx)
}

fn call_in(name: &str, args: &[Value], coll: Collation) -> Value {
    func(name)
        .eval_in(args, coll, &mut Ctx::default())
        .expect("no error")
}

/// The value's text (panics on NULL).
fn txt(v: Value) -> String {
    v.to_string_lossy().expect("not NULL")
}

fn assert_str(name: &str, args: &[Value], want: &str) {
    assert_eq!(txt(call(name, args)), want, "{name}{args:?}");
}

fn assert_close(v: Value, want: f64) {
    match v {
        Value::Double(x) => assert!((x - want).abs() < 1e-12, "{x} != {want}"),
        other => panic!("not a double: {other:?}"),
    }
}

fn varchar(n: u32) -> SqlType {
    SqlType::varchar(n, Collation::Utf8mb4_0900_ai_ci)
}

fn ty(base: BaseType) -> SqlType {
    SqlType::new(base)
}

// ---------------------------------------------------------------- binding

#[test]
fn lookup_finds_every_canonical_name_and_the_aliases() {
    for &f in ALL_FUNCS {
        if f.by_name() {
            assert_eq!(Func::lookup(f.name()), Some(f), "{}", f.name());
        }
    }
    assert_eq!(Func::lookup("UCASE"), Some(Func::Upper));
    assert_eq!(Func::lookup("LCASE"), Some(Func::Lower));
    assert_eq!(Func::lookup("SUBSTR"), Some(Func::Substring));
    assert_eq!(Func::lookup("MID"), Some(Func::Substring));
    assert_eq!(Func::lookup("OCTET_LENGTH"), Some(Func::Length));
    assert_eq!(Func::lookup("CHARACTER_LENGTH"), Some(Func::CharLength));
    assert_eq!(Func::lookup("CEILING"), Some(Func::Ceil));
    assert_eq!(Func::lookup("POWER"), Some(Func::Pow));
    assert_eq!(Func::lookup("SHA"), Some(Func::Sha1));
    assert_eq!(Func::lookup("SCHEMA"), Some(Func::Database));
    assert_eq!(Func::lookup("SESSION_USER"), Some(Func::User));
    assert_eq!(Func::lookup("SYSTEM_USER"), Some(Func::User));
    assert_eq!(Func::lookup("TRIM"), Some(Func::Trim));
    assert_eq!(Func::lookup("NOW"), Some(Func::Time(time::TimeFunc::Now)));
    assert_eq!(Func::lookup("CASE"), None);
    assert_eq!(Func::lookup("AND"), None);
    assert_eq!(Func::lookup("NO_SUCH_FUNCTION"), None);
    assert_eq!(
        Func::lookup("concat"),
        None,
        "lookup takes upper-case names"
    );
}

#[test]
fn arity_mismatch_is_error_1582_with_the_function_name() {
    let e = Func::Substring
        .eval(&[s("a")], &mut Ctx::default())
        .expect_err("too few");
    assert_eq!(e.code, 1582);
    assert_eq!(
        e.message,
        "Incorrect parameter count in the call to native function 'SUBSTRING'"
    );
    assert_eq!(Func::Concat.arity(), (1, usize::MAX));
    assert_eq!(Func::Locate.arity(), (2, 3));
    assert_eq!(Func::Pi.arity(), (0, 0));
}

#[test]
fn rand_uuid_sleep_and_last_insert_id_are_not_deterministic() {
    assert!(!Func::Rand.is_deterministic());
    assert!(!Func::Uuid.is_deterministic());
    assert!(!Func::Sleep.is_deterministic());
    assert!(!Func::LastInsertId.is_deterministic());
    assert!(Func::Concat.is_deterministic());
    assert!(Func::Time(time::TimeFunc::Now).is_deterministic());
}

#[test]
fn time_functions_are_delegated() {
    let v = call("CURDATE", &[]);
    assert_eq!(
        v,
        Value::Date(Date {
            year: 2024,
            month: 1,
            day: 31
        })
    );
    assert_eq!(
        Func::lookup("NOW").map(|f| f.return_type(&[], &[]).base),
        Some(BaseType::DateTime)
    );
}

// ---------------------------------------------------------------- strings

#[test]
fn concat_joins_and_returns_null_when_any_argument_is_null() {
    assert_str("CONCAT", &[s("My"), s("S"), s("QL")], "MySQL");
    assert_eq!(call("CONCAT", &[s("My"), null(), s("QL")]), null());
    assert_str("CONCAT", &[d("14.3")], "14.3");
    assert_str("CONCAT", &[i(1), f(0.5), s("x")], "10.5x");
}

#[test]
fn concat_ws_skips_null_arguments_but_not_a_null_separator() {
    assert_str(
        "CONCAT_WS",
        &[s(","), s("First name"), s("Second name"), s("Last Name")],
        "First name,Second name,Last Name",
    );
    assert_str(
        "CONCAT_WS",
        &[s(","), s("First name"), null(), s("Last Name")],
        "First name,Last Name",
    );
    assert_eq!(call("CONCAT_WS", &[null(), s("a")]), null());
}

#[test]
fn length_counts_bytes_and_char_length_counts_characters() {
    assert_eq!(call("LENGTH", &[s("text")]), i(4));
    assert_eq!(call("LENGTH", &[s("é")]), i(2));
    assert_eq!(call("CHAR_LENGTH", &[s("é")]), i(1));
    assert_eq!(call_in("CHAR_LENGTH", &[s("é")], Collation::Binary), i(2));
    assert_eq!(call("BIT_LENGTH", &[s("text")]), i(32));
    assert_eq!(call("LENGTH", &[null()]), null());
    assert_eq!(call("LENGTH", &[i(-12)]), i(3));
}

#[test]
fn upper_and_lower_map_characters_but_leave_binary_strings_alone() {
    assert_str("UPPER", &[s("Hej")], "HEJ");
    assert_str("LOWER", &[s("QUADRATICALLY")], "quadratically");
    assert_str("UCASE", &[s("straße é")], "STRAßE É");
    assert_eq!(call_in("UPPER", &[s("abc")], Collation::Binary), s("abc"));
    // Invalid UTF-8 makes eval treat the string as binary: bytes survive unchanged.
    assert_eq!(
        call("LOWER", &[Value::Bytes(vec![0xFF, b'A'])]),
        Value::Bytes(vec![0xFF, b'A'])
    );
}

#[test]
fn substring_follows_the_manual_examples() {
    assert_str("SUBSTRING", &[s("Quadratically"), i(5)], "ratically");
    assert_str("SUBSTRING", &[s("foobarbar"), i(4)], "barbar");
    assert_str("SUBSTRING", &[s("Quadratically"), i(5), i(6)], "ratica");
    assert_str("SUBSTRING", &[s("Sakila"), i(-3)], "ila");
    assert_str("SUBSTRING", &[s("Sakila"), i(-5), i(3)], "aki");
    assert_str("SUBSTRING", &[s("Sakila"), i(-4), i(2)], "ki");
    assert_str("SUBSTRING", &[s("Sakila"), i(0)], "");
    assert_str("SUBSTRING", &[s("Sakila"), i(-7)], "");
    assert_str("SUBSTRING", &[s("Sakila"), i(2), i(-1)], "");
    assert_str("MID", &[s("héllo"), i(2), i(2)], "él");
    assert_eq!(call("SUBSTR", &[s("x"), null()]), null());
    assert_eq!(call("SUBSTR", &[s("x"), i(1), null()]), null());
}

#[test]
fn substring_index_counts_delimiters_from_either_end() {
    assert_str(
        "SUBSTRING_INDEX",
        &[s("www.mysql.com"), s("."), i(2)],
        "www.mysql",
    );
    assert_str(
        "SUBSTRING_INDEX",
        &[s("www.mysql.com"), s("."), i(-2)],
        "mysql.com",
    );
    assert_str(
        "SUBSTRING_INDEX",
        &[s("www.mysql.com"), s("."), i(9)],
        "www.mysql.com",
    );
    assert_str("SUBSTRING_INDEX", &[s("a.b"), s("."), i(0)], "");
    assert_str("SUBSTRING_INDEX", &[s("a.b"), s(""), i(1)], "");
}

#[test]
fn left_and_right_take_characters() {
    assert_str("LEFT", &[s("foobarbar"), i(5)], "fooba");
    assert_str("RIGHT", &[s("foobarbar"), i(4)], "rbar");
    assert_str("RIGHT", &[s("ab"), i(9)], "ab");
    assert_str("LEFT", &[s("ab"), i(-1)], "");
    assert_str("RIGHT", &[s("añb"), i(2)], "ñb");
}

#[test]
fn lpad_and_rpad_pad_or_truncate() {
    assert_str("LPAD", &[s("hi"), i(4), s("??")], "??hi");
    assert_str("LPAD", &[s("hi"), i(1), s("??")], "h");
    assert_str("RPAD", &[s("hi"), i(5), s("?")], "hi???");
    assert_str("RPAD", &[s("hi"), i(1), s("?")], "h");
    assert_str("LPAD", &[s("hi"), i(7), s("ab")], "ababahi");
    assert_eq!(call("LPAD", &[s("hi"), i(-1), s("?")]), null());
    assert_eq!(call("RPAD", &[s("hi"), i(5), s("")]), null());
    assert_str("RPAD", &[s("hi"), i(2), s("")], "hi");
}

#[test]
fn trims_remove_spaces_or_the_given_string() {
    assert_str("LTRIM", &[s("  barbar")], "barbar");
    assert_str("RTRIM", &[s("barbar   ")], "barbar");
    assert_str("TRIM", &[s("  bar   ")], "bar");
    assert_str("TRIM", &[s("\tbar ")], "\tbar");
    let both = Func::TrimBoth.eval(&[s("xxxbarxxx"), s("x")], &mut Ctx::default());
    assert_eq!(both.map(txt).ok().as_deref(), Some("bar"));
    let lead = Func::TrimLeading.eval(&[s("xxxbarxxx"), s("x")], &mut Ctx::default());
    assert_eq!(lead.map(txt).ok().as_deref(), Some("barxxx"));
    let trail = Func::TrimTrailing.eval(&[s("barxxyz"), s("xyz")], &mut Ctx::default());
    assert_eq!(trail.map(txt).ok().as_deref(), Some("barx"));
    let none = Func::TrimBoth.eval(&[s("abc"), null()], &mut Ctx::default());
    assert_eq!(none.ok(), Some(null()));
}

#[test]
fn replace_is_case_sensitive() {
    assert_str(
        "REPLACE",
        &[s("www.mysql.com"), s("w"), s("Ww")],
        "WwWwWw.mysql.com",
    );
    assert_str("REPLACE", &[s("aAa"), s("a"), s("b")], "bAb");
    assert_str("REPLACE", &[s("abc"), s(""), s("x")], "abc");
    assert_eq!(call("REPLACE", &[s("abc"), null(), s("x")]), null());
}

#[test]
fn repeat_space_and_reverse_follow_the_manual() {
    assert_str("REPEAT", &[s("MySQL"), i(3)], "MySQLMySQLMySQL");
    assert_str("REPEAT", &[s("MySQL"), i(0)], "");
    assert_str("SPACE", &[i(6)], "      ");
    assert_str("SPACE", &[i(-6)], "");
    assert_str("REVERSE", &[s("abc")], "cba");
    assert_str("REVERSE", &[s("añb€")], "€bña");
    assert_eq!(
        call("REVERSE", &[Value::Bytes(vec![1, 0xFF, 2])]),
        Value::Bytes(vec![2, 0xFF, 1])
    );
}

#[test]
fn insert_replaces_a_range_and_ignores_positions_outside_the_string() {
    assert_str(
        "INSERT",
        &[s("Quadratic"), i(3), i(4), s("What")],
        "QuWhattic",
    );
    assert_str(
        "INSERT",
        &[s("Quadratic"), i(-1), i(4), s("What")],
        "Quadratic",
    );
    assert_str(
        "INSERT",
        &[s("Quadratic"), i(3), i(100), s("What")],
        "QuWhat",
    );
    assert_eq!(call("INSERT", &[s("a"), i(1), i(1), null()]), null());
}

#[test]
fn instr_locate_and_position_find_substrings_under_the_collation() {
    assert_eq!(call("INSTR", &[s("foobarbar"), s("bar")]), i(4));
    assert_eq!(call("INSTR", &[s("xbar"), s("foobar")]), i(0));
    assert_eq!(call("LOCATE", &[s("bar"), s("foobarbar")]), i(4));
    assert_eq!(call("LOCATE", &[s("xbar"), s("foobar")]), i(0));
    assert_eq!(call("LOCATE", &[s("bar"), s("foobarbar"), i(5)]), i(7));
    assert_eq!(call("POSITION", &[s("bar"), s("foobarbar")]), i(4));
    assert_eq!(
        call("LOCATE", &[s("BAR"), s("foobar")]),
        i(4),
        "case-insensitive"
    );
    assert_eq!(
        call_in("LOCATE", &[s("BAR"), s("foobar")], Collation::Binary),
        i(0)
    );
    assert_eq!(call("LOCATE", &[s("b"), s("ñab")]), i(3));
    assert_eq!(call("LOCATE", &[s(""), s("abc")]), i(1));
    assert_eq!(call("LOCATE", &[s(""), s("abc"), i(4)]), i(4));
    assert_eq!(call("LOCATE", &[s(""), s("abc"), i(5)]), i(0));
    assert_eq!(call("LOCATE", &[s("a"), s("abc"), i(0)]), i(0));
    assert_eq!(call("LOCATE", &[s("a"), null()]), null());
}

#[test]
fn strcmp_compares_under_the_collation() {
    assert_eq!(call("STRCMP", &[s("text"), s("text2")]), i(-1));
    assert_eq!(call("STRCMP", &[s("text2"), s("text")]), i(1));
    assert_eq!(call("STRCMP", &[s("text"), s("text")]), i(0));
    assert_eq!(call("STRCMP", &[s("A"), s("a")]), i(0));
    assert_eq!(
        call_in("STRCMP", &[s("A"), s("a")], Collation::Binary),
        i(-1)
    );
    assert_eq!(call("STRCMP", &[s("a"), null()]), null());
}

#[test]
fn field_find_in_set_and_elt_follow_the_manual() {
    let list = [s("Aa"), s("Bb"), s("Cc"), s("Dd"), s("Ff")];
    let mut args = vec![s("Bb")];
    args.extend(list.iter().cloned());
    assert_eq!(call("FIELD", &args), i(2));
    args[0] = s("Gg");
    assert_eq!(call("FIELD", &args), i(0));
    assert_eq!(call("FIELD", &[null(), null(), s("a")]), i(0));
    assert_eq!(call("FIELD", &[i(2), d("1.0"), d("2.0")]), i(2));
    assert_eq!(call("FIND_IN_SET", &[s("b"), s("a,b,c,d")]), i(2));
    assert_eq!(call("FIND_IN_SET", &[s("B"), s("a,b,c,d")]), i(2));
    assert_eq!(call("FIND_IN_SET", &[s("a,b"), s("a,b,c")]), i(0));
    assert_eq!(call("FIND_IN_SET", &[s("a"), s("")]), i(0));
    assert_eq!(call("FIND_IN_SET", &[null(), s("a")]), null());
    assert_str("ELT", &[i(1), s("Aa"), s("Bb"), s("Cc"), s("Dd")], "Aa");
    assert_str("ELT", &[i(4), s("Aa"), s("Bb"), s("Cc"), s("Dd")], "Dd");
    assert_eq!(call("ELT", &[i(5), s("Aa")]), null());
    assert_eq!(call("ELT", &[i(0), s("Aa")]), null());
}

#[test]
fn ascii_ord_and_char_convert_between_codes_and_bytes() {
    assert_eq!(call("ASCII", &[s("2")]), i(50));
    assert_eq!(call("ASCII", &[i(2)]), i(50));
    assert_eq!(call("ASCII", &[s("dx")]), i(100));
    assert_eq!(call("ASCII", &[s("")]), i(0));
    assert_eq!(call("ORD", &[s("2")]), i(50));
    assert_eq!(call("ORD", &[s("é")]), i(0xC3A9));
    assert_str("CHAR", &[i(77), i(121), i(83), i(81), s("76")], "MySQL");
    let mut ctx = Ctx::default();
    let v = call_ctx(&mut ctx, "CHAR", &[i(77), f(77.3), s("77.3")]).expect("ok");
    assert_eq!(txt(v), "MMM");
    assert_eq!(ctx.warnings.len(), 1, "{:?}", ctx.warnings);
    assert_eq!(call("CHAR", &[i(1), i(0)]), Value::Bytes(vec![1, 0]));
    assert_eq!(call("CHAR", &[i(256)]), Value::Bytes(vec![1, 0]));
    assert_eq!(call("CHAR", &[i(65536)]), Value::Bytes(vec![1, 0, 0]));
    assert_eq!(call("CHAR", &[null(), i(65)]), Value::Bytes(vec![65]));
}

#[test]
fn hex_unhex_bin_oct_and_conv_follow_the_manual() {
    assert_str("HEX", &[s("abc")], "616263");
    assert_str("HEX", &[i(255)], "FF");
    assert_str("HEX", &[i(-1)], "FFFFFFFFFFFFFFFF");
    assert_str("HEX", &[f(2.5)], "3");
    assert_str("UNHEX", &[s("4D7953514C")], "MySQL");
    assert_str("UNHEX", &[s("F")], "\u{f}");
    assert_eq!(call("UNHEX", &[s("GG")]), null());
    assert_str("BIN", &[i(12)], "1100");
    assert_str("OCT", &[i(12)], "14");
    assert_str("BIN", &[i(-1)], &"1".repeat(64));
    assert_str("CONV", &[s("a"), i(16), i(2)], "1010");
    assert_str("CONV", &[s("6E"), i(18), i(8)], "172");
    assert_str("CONV", &[i(-17), i(10), i(-18)], "-H");
    assert_str("CONV", &[i(40), i(10), i(10)], "40");
    assert_eq!(call("CONV", &[s("1"), i(1), i(10)]), null());
    assert_eq!(call("CONV", &[s("1"), i(10), i(37)]), null());
    assert_str(
        "CONV",
        &[s("zzzzzzzzzzzzzzzzzz"), i(36), i(10)],
        "18446744073709551615",
    );
}

#[test]
fn quote_escapes_and_quotes_null_as_a_word() {
    assert_str("QUOTE", &[s("Don't!")], "'Don\\'t!'");
    assert_str("QUOTE", &[null()], "NULL");
    assert_eq!(
        call("QUOTE", &[Value::Bytes(b"a\\\0\x1a".to_vec())]),
        s("'a\\\\\\0\\Z'")
    );
}

#[test]
fn format_groups_thousands_and_rounds() {
    assert_str("FORMAT", &[d("12332.123456"), i(4)], "12,332.1235");
    assert_str("FORMAT", &[d("12332.1"), i(4)], "12,332.1000");
    assert_str("FORMAT", &[d("12332.2"), i(0)], "12,332");
    assert_str("FORMAT", &[f(1234567.891), i(2)], "1,234,567.89");
    assert_str("FORMAT", &[i(-1234567), i(-2)], "-1,234,567");
    assert_str("FORMAT", &[i(123), i(2), s("en_US")], "123.00");
    assert_eq!(call("FORMAT", &[null(), i(2)]), null());
}

#[test]
fn base64_round_trips_and_wraps_lines_at_76_characters() {
    assert_str("TO_BASE64", &[s("abc")], "YWJj");
    assert_str("TO_BASE64", &[s("a")], "YQ==");
    assert_str("FROM_BASE64", &[s("YWJj")], "abc");
    assert_str("FROM_BASE64", &[s("YQ==")], "a");
    assert_eq!(call("FROM_BASE64", &[s("Y!==")]), null());
    let long = "x".repeat(100);
    let enc = txt(call("TO_BASE64", &[s(&long)]));
    assert_eq!(enc.find('\n'), Some(76));
    assert!(!enc.ends_with('\n'));
    assert_str("FROM_BASE64", &[s(&enc)], &long);
}

#[test]
fn md5_sha1_sha2_and_crc32_match_reference_digests() {
    let md5 = |x: &str| txt(call("MD5", &[s(x)]));
    assert_eq!(md5(""), "d41d8cd98f00b204e9800998ecf8427e");
    assert_eq!(md5("a"), "0cc175b9c0f1b6a831c399e269772661");
    assert_eq!(md5("abc"), "900150983cd24fb0d6963f7d28e17f72");
    assert_eq!(md5("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    assert_eq!(md5("testing"), "ae2b1fca515949e5d54fb22b8ed95575");
    assert_eq!(
        md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
        "57edf4a22be3c955ac49da2e2107b67a"
    );
    assert_eq!(
        md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
        "d174ab98d277d9f5a5611c2c9f419d9f"
    );
    assert_str(
        "SHA1",
        &[s("abc")],
        "a9993e364706816aba3e25717850c26c9cd0d89d",
    );
    assert_str(
        "SHA2",
        &[s("abc"), i(224)],
        "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
    );
    assert_str(
        "SHA2",
        &[s("abc"), i(256)],
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    assert_eq!(txt(call("SHA2", &[s("abc"), i(512)])).len(), 128);
    assert_eq!(txt(call("SHA2", &[s("abc"), i(384)])).len(), 96);
    let mut ctx = Ctx::default();
    assert_eq!(
        call_ctx(&mut ctx, "SHA2", &[s("abc"), i(100)]).ok(),
        Some(null())
    );
    assert_eq!(ctx.warnings.first().map(|w| w.0), Some(1583));
    assert_eq!(call("CRC32", &[s("MySQL")]), u(3_259_397_556));
    assert_eq!(call("CRC32", &[s("mysql")]), u(2_501_908_538));
    assert_eq!(call("CRC32", &[s("123456789")]), u(0xCBF4_3926));
    assert_eq!(call("MD5", &[null()]), null());
}

#[test]
fn soundex_codes_every_significant_letter() {
    assert_str("SOUNDEX", &[s("Hello")], "H400");
    assert_str("SOUNDEX", &[s("Quadratically")], "Q36324");
    assert_str("SOUNDEX", &[s("  1Robert")], "R163");
    assert_str("SOUNDEX", &[s("123")], "");
}

#[test]
fn uuid_is_a_version_1_uuid_and_never_repeats() {
    let a = txt(call("UUID", &[]));
    let b = txt(call("UUID", &[]));
    assert_ne!(a, b);
    assert_eq!(a.len(), 36);
    let parts: Vec<&str> = a.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(parts[2].starts_with('1'));
    assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
}

#[test]
fn charset_and_collation_use_the_call_collation() {
    assert_str("CHARSET", &[s("abc")], "utf8mb4");
    assert_str("CHARSET", &[i(1)], "binary");
    assert_str("COLLATION", &[s("abc")], "utf8mb4_0900_ai_ci");
    assert_str("COLLATION", &[null()], "binary");
    let coll = Func::Charset.call_collation(&[ty(BaseType::VarBinary)]);
    assert_eq!(coll, Collation::Binary);
    assert_eq!(
        call_in("CHARSET", &[s("abc")], coll),
        s("binary"),
        "CHARSET(varbinary) is binary"
    );
}

// ---------------------------------------------------------------- numbers

#[test]
fn abs_and_sign_keep_integers_and_report_overflow() {
    assert_eq!(call("ABS", &[i(2)]), i(2));
    assert_eq!(call("ABS", &[i(-32)]), i(32));
    assert_eq!(call("ABS", &[d("-1.50")]), d("1.50"));
    assert_eq!(call("ABS", &[f(-0.5)]), f(0.5));
    let e = call_ctx(&mut Ctx::default(), "ABS", &[i(i64::MIN)]).expect_err("overflow");
    assert_eq!(e.code, 1690);
    assert_eq!(
        e.message,
        "BIGINT value is out of range in 'abs(-9223372036854775808)'"
    );
    assert_eq!(call("SIGN", &[i(-32)]), i(-1));
    assert_eq!(call("SIGN", &[i(0)]), i(0));
    assert_eq!(call("SIGN", &[i(234)]), i(1));
    assert_eq!(call("SIGN", &[d("-0.01")]), i(-1));
}

#[test]
fn strings_in_numeric_functions_warn_like_mysql() {
    let mut ctx = Ctx::default();
    assert_eq!(call_ctx(&mut ctx, "ABS", &[s("-3abc")]).ok(), Some(f(3.0)));
    assert_eq!(
        ctx.warnings,
        [(
            1292,
            "Truncated incorrect DOUBLE value: '-3abc'".to_string()
        )]
    );
    let mut ctx = Ctx::default();
    assert_eq!(
        call_ctx(&mut ctx, "ABS", &[s(" 1.5e1 ")]).ok(),
        Some(f(15.0))
    );
    assert!(ctx.warnings.is_empty());
    let mut ctx = Ctx::default();
    assert_eq!(
        call_ctx(&mut ctx, "LEFT", &[s("abc"), s("2x")]).ok(),
        Some(s("ab"))
    );
    assert_eq!(
        ctx.warnings,
        [(1292, "Truncated incorrect INTEGER value: '2x'".to_string())]
    );
}

#[test]
fn mod_follows_the_dividend_sign_and_is_null_for_zero() {
    assert_eq!(call("MOD", &[i(234), i(10)]), i(4));
    assert_eq!(call("MOD", &[i(253), i(7)]), i(1));
    assert_eq!(call("MOD", &[i(29), i(9)]), i(2));
    assert_eq!(call("MOD", &[i(-29), i(9)]), i(-2));
    assert_eq!(call("MOD", &[d("34.5"), i(3)]), d("1.5"));
    assert_eq!(call("MOD", &[i(i64::MIN), i(-1)]), i(0));
    let mut ctx = Ctx::default();
    assert_eq!(call_ctx(&mut ctx, "MOD", &[i(1), i(0)]).ok(), Some(null()));
    assert_eq!(ctx.warnings, [(1365, "Division by 0".to_string())]);
}

#[test]
fn round_follows_the_manual_examples() {
    assert_eq!(call("ROUND", &[d("-1.23")]), d("-1"));
    assert_eq!(call("ROUND", &[d("-1.58")]), d("-2"));
    assert_eq!(call("ROUND", &[d("1.58")]), d("2"));
    assert_eq!(call("ROUND", &[d("1.298"), i(1)]), d("1.3"));
    assert_eq!(call("ROUND", &[d("1.298"), i(0)]), d("1"));
    assert_eq!(call("ROUND", &[d("23.298"), i(-1)]), d("20"));
    assert_eq!(call("ROUND", &[d("149.5"), i(-2)]), d("100"));
    assert_str(
        "ROUND",
        &[d(".12345678901234567890123456789012345"), i(35)],
        "0.123456789012345678901234567890",
    );
    assert_eq!(call("ROUND", &[d("2.5")]), d("3"));
    assert_eq!(
        call("ROUND", &[f(2.5)]),
        f(2.0),
        "doubles round half to even"
    );
    assert_eq!(call("ROUND", &[f(-2.5)]), f(-2.0));
    assert_str("ROUND", &[d("150.000"), i(2)], "150.00");
    assert_str("ROUND", &[d("1.5"), i(3)], "1.500");
    assert_eq!(call("ROUND", &[i(5), i(-1)]), i(10));
    assert_eq!(call("ROUND", &[i(-15), i(-1)]), i(-20));
    assert_eq!(call("ROUND", &[i(123), i(-20)]), i(0));
    assert_eq!(call("ROUND", &[u(u64::MAX)]), u(u64::MAX));
    assert_eq!(call("ROUND", &[f(1234.5678), i(-2)]), f(1200.0));
    assert_eq!(call("ROUND", &[null(), i(1)]), null());
    assert_eq!(call("ROUND", &[i(1), null()]), null());
    let e = call_ctx(&mut Ctx::default(), "ROUND", &[i(i64::MAX), i(-1)]).expect_err("overflow");
    assert_eq!(e.code, 1690);
}

#[test]
fn truncate_cuts_toward_zero() {
    assert_eq!(call("TRUNCATE", &[d("1.223"), i(1)]), d("1.2"));
    assert_eq!(call("TRUNCATE", &[d("1.999"), i(1)]), d("1.9"));
    assert_eq!(call("TRUNCATE", &[d("1.999"), i(0)]), d("1"));
    assert_eq!(call("TRUNCATE", &[d("-1.999"), i(1)]), d("-1.9"));
    assert_eq!(call("TRUNCATE", &[i(122), i(-2)]), i(100));
    assert_eq!(call("TRUNCATE", &[d("1028.00"), i(0)]), d("1028"));
    assert_eq!(call("TRUNCATE", &[f(-1.999), i(1)]), f(-1.9));
}

#[test]
fn floor_and_ceiling_return_integers_for_exact_values() {
    assert_eq!(call("FLOOR", &[d("1.23")]), i(1));
    assert_eq!(call("FLOOR", &[d("-1.23")]), i(-2));
    assert_eq!(call("CEILING", &[d("1.23")]), i(2));
    assert_eq!(call("CEIL", &[d("-1.23")]), i(-1));
    assert_eq!(call("FLOOR", &[f(-1.5)]), f(-2.0));
    assert_eq!(call("FLOOR", &[u(7)]), u(7));
    assert_eq!(call("CEIL", &[null()]), null());
}

#[test]
fn greatest_and_least_follow_the_comparison_rules() {
    assert_eq!(call("GREATEST", &[i(2), i(0)]), i(2));
    assert_eq!(
        call("GREATEST", &[d("34.0"), d("3.0"), d("5.0"), d("767.0")]),
        d("767.0")
    );
    assert_eq!(call("GREATEST", &[s("B"), s("A"), s("C")]), s("C"));
    assert_eq!(call("LEAST", &[i(2), i(0)]), i(0));
    assert_eq!(
        call("LEAST", &[d("34.0"), d("3.0"), d("5.0"), d("767.0")]),
        d("3.0")
    );
    assert_eq!(call("LEAST", &[s("B"), s("A"), s("C")]), s("A"));
    assert_eq!(call("GREATEST", &[i(1), null(), i(3)]), null());
    assert_eq!(call("GREATEST", &[i(1), d("2.5")]), d("2.5"));
    assert_eq!(call("GREATEST", &[i(7), f(4.5)]), f(7.0));
    assert_eq!(
        call("GREATEST", &[s("10"), i(1), s("0")]),
        s("10"),
        "numbers"
    );
    assert_eq!(call("GREATEST", &[u(u64::MAX), i(-1)]), u(u64::MAX));
    assert_eq!(call("LEAST", &[s("a"), s("A")]), s("a"), "first of equals");
    let day = Date {
        year: 2024,
        month: 1,
        day: 2,
    };
    let dt = DateTime::from_date(Date {
        year: 2024,
        month: 1,
        day: 1,
    });
    assert_eq!(
        call("GREATEST", &[Value::Date(day), Value::DateTime(dt)]),
        Value::DateTime(DateTime::from_date(day))
    );
}

#[test]
fn powers_roots_and_logarithms_follow_the_manual() {
    assert_close(call("POW", &[i(2), i(2)]), 4.0);
    assert_close(call("POWER", &[i(2), i(-2)]), 0.25);
    assert_close(call("SQRT", &[i(4)]), 2.0);
    assert_close(call("SQRT", &[i(20)]), 4.47213595499958);
    assert_eq!(call("SQRT", &[i(-16)]), null());
    assert_close(call("EXP", &[i(2)]), 7.38905609893065);
    assert_close(call("EXP", &[i(-2)]), 0.1353352832366127);
    assert_close(call("EXP", &[i(0)]), 1.0);
    assert_close(call("LN", &[i(2)]), std::f64::consts::LN_2);
    assert_close(call("LOG", &[i(2)]), std::f64::consts::LN_2);
    assert_close(call("LOG", &[i(2), i(65536)]), 16.0);
    assert_close(call("LOG", &[i(10), i(100)]), 2.0);
    assert_close(call("LOG", &[d("0.5"), i(8)]), -3.0);
    assert_close(call("LOG2", &[i(65536)]), 16.0);
    assert_close(call("LOG10", &[i(100)]), 2.0);
    assert_close(call("LOG10", &[i(2)]), std::f64::consts::LOG10_2);
    for (name, args) in [
        ("LN", vec![i(-2)]),
        ("LOG", vec![i(0)]),
        ("LOG", vec![i(1), i(100)]),
        ("LOG", vec![i(2), i(-1)]),
        ("LOG2", vec![i(-100)]),
        ("LOG10", vec![i(-100)]),
    ] {
        let mut ctx = Ctx::default();
        assert_eq!(call_ctx(&mut ctx, name, &args).ok(), Some(null()), "{name}");
        assert_eq!(
            ctx.warnings,
            [(3020, "Invalid argument for logarithm".to_string())]
        );
    }
    let e = call_ctx(&mut Ctx::default(), "POW", &[i(10), i(400)]).expect_err("overflow");
    assert_eq!(e.message, "DOUBLE value is out of range in 'pow(10,400)'");
    let e = call_ctx(&mut Ctx::default(), "EXP", &[i(1000)]).expect_err("overflow");
    assert_eq!(e.code, 1690);
}

#[test]
fn trigonometry_follows_the_manual() {
    assert_close(call("PI", &[]), std::f64::consts::PI);
    assert_close(
        call("SIN", &[f(std::f64::consts::PI)]),
        1.2246467991473532e-16,
    );
    assert_close(call("COS", &[f(std::f64::consts::PI)]), -1.0);
    assert_close(
        call("TAN", &[f(std::f64::consts::PI + 1.0)]),
        1.5574077246549,
    );
    assert_close(call("ASIN", &[d("0.2")]), 0.2013579207903308);
    assert_close(call("ACOS", &[i(1)]), 0.0);
    assert_eq!(call("ACOS", &[d("1.0001")]), null());
    assert_eq!(call("ASIN", &[i(2)]), null());
    assert_close(call("ACOS", &[i(0)]), std::f64::consts::FRAC_PI_2);
    assert_close(call("ATAN", &[i(2)]), 1.1071487177940904);
    assert_close(call("ATAN", &[i(-2)]), -1.1071487177940904);
    assert_close(call("ATAN", &[i(-2), i(2)]), -std::f64::consts::FRAC_PI_4);
    assert_close(
        call("ATAN2", &[f(std::f64::consts::PI), i(0)]),
        std::f64::consts::FRAC_PI_2,
    );
    assert_close(call("COT", &[i(12)]), -1.5726734063976893);
    let e = call_ctx(&mut Ctx::default(), "COT", &[i(0)]).expect_err("cot(0)");
    assert_eq!(e.message, "DOUBLE value is out of range in 'cot(0)'");
    assert_close(call("DEGREES", &[f(std::f64::consts::PI)]), 180.0);
    assert_close(call("DEGREES", &[f(std::f64::consts::FRAC_PI_2)]), 90.0);
    assert_close(call("RADIANS", &[i(90)]), std::f64::consts::FRAC_PI_2);
}

#[test]
fn rand_uses_the_session_generator_and_seeds() {
    let mut ctx = Ctx::default();
    assert_eq!(call_ctx(&mut ctx, "RAND", &[]).ok(), Some(f(0.25)));
    assert_eq!(call_ctx(&mut ctx, "RAND", &[i(3)]).ok(), Some(f(0.25)));
    assert_eq!(call_ctx(&mut ctx, "RAND", &[null()]).ok(), Some(f(0.25)));
    assert_eq!(ctx.seeds, [None, Some(3), Some(0)]);
}

#[test]
fn bit_count_counts_integer_bits_or_binary_string_bits() {
    assert_eq!(call("BIT_COUNT", &[i(64)]), i(1));
    assert_eq!(call("BIT_COUNT", &[i(-1)]), i(64));
    assert_eq!(call_in("BIT_COUNT", &[s("64")], Collation::Binary), i(7));
    assert_eq!(call("BIT_COUNT", &[s("64")]), i(1));
    assert_eq!(call("BIT_COUNT", &[null()]), null());
}

#[test]
fn arithmetic_follows_mysql_integer_decimal_and_double_rules() {
    let mut ctx = Ctx::default();
    let mut op = |o, a: Value, b: Value| arith(o, &a, &b, &mut ctx);
    assert_eq!(op(ArithOp::Add, i(1), i(2)).ok(), Some(i(3)));
    assert_eq!(op(ArithOp::Div, i(1), i(3)).ok(), Some(d("0.3333")));
    assert_eq!(op(ArithOp::Div, d("1.0"), i(3)).ok(), Some(d("0.33333")));
    assert_eq!(op(ArithOp::Mul, d("1.5"), d("2.25")).ok(), Some(d("3.375")));
    assert_eq!(op(ArithOp::Add, f(0.1), f(0.2)).ok(), Some(f(0.1 + 0.2)));
    assert_eq!(op(ArithOp::Add, s("1"), i(1)).ok(), Some(f(2.0)));
    assert_eq!(op(ArithOp::IntDiv, i(7), i(2)).ok(), Some(i(3)));
    assert_eq!(op(ArithOp::IntDiv, d("5.5"), i(2)).ok(), Some(i(2)));
    assert_eq!(op(ArithOp::Mod, i(-7), i(2)).ok(), Some(i(-1)));
    assert_eq!(op(ArithOp::Add, null(), i(1)).ok(), Some(null()));
    assert_eq!(op(ArithOp::Div, i(1), i(0)).ok(), Some(null()));
    let e = op(ArithOp::Add, i(i64::MAX), i(1)).expect_err("overflow");
    assert_eq!(
        e.message,
        "BIGINT value is out of range in '(9223372036854775807 + 1)'"
    );
    let e = op(ArithOp::Sub, u(1), u(2)).expect_err("unsigned");
    assert_eq!(
        e.message,
        "BIGINT UNSIGNED value is out of range in '(1 - 2)'"
    );
    assert_eq!(
        op(ArithOp::Add, u(u64::MAX), i(-1)).ok(),
        Some(u(u64::MAX - 1))
    );
}

// ---------------------------------------------------------------- flow and NULL handling

#[test]
fn if_ifnull_nullif_coalesce_and_isnull_follow_the_manual() {
    assert_eq!(call("IF", &[i(0), i(2), i(3)]), i(3));
    assert_eq!(call("IF", &[i(1), s("yes"), s("no")]), s("yes"));
    assert_eq!(call("IF", &[null(), s("yes"), s("no")]), s("no"));
    assert_eq!(call("IF", &[s("0.0"), s("yes"), s("no")]), s("no"));
    assert_eq!(call("IFNULL", &[i(1), i(0)]), i(1));
    assert_eq!(call("IFNULL", &[null(), i(10)]), i(10));
    assert_eq!(call("NULLIF", &[i(1), i(1)]), null());
    assert_eq!(call("NULLIF", &[i(1), i(2)]), i(1));
    assert_eq!(call("NULLIF", &[s("a"), s("A")]), null());
    assert_eq!(call("NULLIF", &[i(1), d("1.0")]), null());
    assert_eq!(call("NULLIF", &[null(), i(1)]), null());
    assert_eq!(call("COALESCE", &[null(), i(1)]), i(1));
    assert_eq!(call("COALESCE", &[null(), null(), null()]), null());
    assert_eq!(call("ISNULL", &[i(2)]), i(0));
    assert_eq!(call("ISNULL", &[null()]), i(1));
}

#[test]
fn interval_returns_the_index_of_the_last_bound_not_above_n() {
    assert_eq!(
        call(
            "INTERVAL",
            &[i(23), i(1), i(15), i(17), i(30), i(44), i(200)]
        ),
        i(3)
    );
    assert_eq!(
        call("INTERVAL", &[i(10), i(1), i(10), i(100), i(1000)]),
        i(2)
    );
    assert_eq!(
        call("INTERVAL", &[i(22), i(23), i(30), i(44), i(200)]),
        i(0)
    );
    assert_eq!(call("INTERVAL", &[i(500), i(1), i(10)]), i(2));
    assert_eq!(call("INTERVAL", &[null(), i(1)]), i(-1));
    assert_eq!(call("INTERVAL", &[f(1.5), i(1), d("1.6")]), i(1));
}

#[test]
fn case_and_or_evaluate_already_evaluated_operands() {
    let case = |a: &[Value]| Func::Case.eval(a, &mut Ctx::default()).expect("ok");
    assert_eq!(case(&[i(0), s("a"), i(1), s("b"), s("c")]), s("b"));
    assert_eq!(case(&[i(0), s("a"), s("c")]), s("c"));
    assert_eq!(case(&[null(), s("a")]), null());
    let and = |a: &[Value]| Func::And.eval(a, &mut Ctx::default()).expect("ok");
    let or = |a: &[Value]| Func::Or.eval(a, &mut Ctx::default()).expect("ok");
    assert_eq!(and(&[i(1), i(1)]), i(1));
    assert_eq!(and(&[i(1), null()]), null());
    assert_eq!(and(&[i(0), null()]), i(0));
    assert_eq!(or(&[i(0), null()]), null());
    assert_eq!(or(&[i(1), null()]), i(1));
    assert_eq!(or(&[i(0), i(0)]), i(0));
}

// ---------------------------------------------------------------- information

#[test]
fn information_functions_read_the_session() {
    assert_eq!(call("DATABASE", &[]), s("shop"));
    assert_eq!(call("SCHEMA", &[]), s("shop"));
    assert_eq!(call("USER", &[]), s("root@localhost"));
    assert_eq!(call("CURRENT_USER", &[]), s("root@%"));
    assert_eq!(call("CONNECTION_ID", &[]), u(42));
    assert_eq!(call("ROW_COUNT", &[]), i(-1));
    assert_eq!(call("FOUND_ROWS", &[]), i(7));
    assert_eq!(call("VERSION", &[]), s("8.4.0-myseal"));
}

#[test]
fn last_insert_id_with_an_argument_sets_the_session_value() {
    let mut ctx = Ctx::default();
    assert_eq!(call_ctx(&mut ctx, "LAST_INSERT_ID", &[]).ok(), Some(u(0)));
    assert_eq!(
        call_ctx(&mut ctx, "LAST_INSERT_ID", &[i(5)]).ok(),
        Some(u(5))
    );
    assert_eq!(call_ctx(&mut ctx, "LAST_INSERT_ID", &[]).ok(), Some(u(5)));
    assert_eq!(
        call_ctx(&mut ctx, "LAST_INSERT_ID", &[i(-1)]).ok(),
        Some(u(u64::MAX))
    );
    assert_eq!(
        call_ctx(&mut ctx, "LAST_INSERT_ID", &[null()]).ok(),
        Some(null())
    );
    assert_eq!(ctx.last_id, 0);
}

#[test]
fn sleep_returns_zero_and_rejects_negative_durations() {
    assert_eq!(call("SLEEP", &[d("0.5")]), i(0));
    let mut ctx = Ctx::default();
    assert_eq!(call_ctx(&mut ctx, "SLEEP", &[i(-1)]).ok(), Some(i(0)));
    assert_eq!(ctx.warnings.first().map(|w| w.0), Some(1210));
    let mut strict = Ctx {
        strict: true,
        ..Ctx::default()
    };
    let e = call_ctx(&mut strict, "SLEEP", &[null()]).expect_err("strict");
    assert_eq!(e.message, "Incorrect arguments to sleep.");
    assert_eq!(
        sleep_duration(&d("0.25")),
        Some(std::time::Duration::from_millis(250))
    );
    assert_eq!(sleep_duration(&i(-1)), None);
    assert_eq!(sleep_duration(&null()), None);
    assert_eq!(sleep_duration(&f(f64::INFINITY)), None);
}

// ---------------------------------------------------------------- casts

#[test]
fn cast_signed_and_unsigned_wrap_round_and_warn() {
    let mut ctx = Ctx::default();
    assert_eq!(cast_signed(&u(u64::MAX), &mut ctx), i(-1));
    assert_eq!(cast_signed(&f(1.5), &mut ctx), i(2));
    assert_eq!(cast_signed(&f(2.5), &mut ctx), i(2), "rint");
    assert_eq!(cast_signed(&d("-2.5"), &mut ctx), i(-3));
    assert_eq!(cast_signed(&s(" 42 "), &mut ctx), i(42));
    assert!(ctx.warnings.is_empty());
    assert_eq!(cast_signed(&s("abc"), &mut ctx), i(0));
    assert_eq!(cast_signed(&s("1.9"), &mut ctx), i(1));
    assert_eq!(
        ctx.warnings,
        [
            (1292, "Truncated incorrect INTEGER value: 'abc'".to_string()),
            (1292, "Truncated incorrect INTEGER value: '1.9'".to_string()),
        ]
    );
    let mut ctx = Ctx::default();
    assert_eq!(cast_signed(&f(1e20), &mut ctx), i(i64::MAX));
    assert_eq!(ctx.warnings.len(), 1);
    assert_eq!(cast_unsigned(&i(-1), &mut ctx), u(u64::MAX));
    assert_eq!(
        cast_unsigned(&s("18446744073709551615"), &mut ctx),
        u(u64::MAX)
    );
    assert_eq!(cast_unsigned(&f(3.5), &mut ctx), u(4));
    assert_eq!(cast_signed(&null(), &mut ctx), null());
    let dt = Value::Date(Date {
        year: 2024,
        month: 1,
        day: 31,
    });
    assert_eq!(cast_signed(&dt, &mut ctx), i(20_240_131));
}

#[test]
fn cast_decimal_rounds_pads_and_clamps_to_the_precision() {
    let mut ctx = Ctx::default();
    assert_eq!(cast_decimal(&s("1.235"), 10, 2, &mut ctx), d("1.24"));
    assert_eq!(cast_decimal(&i(5), 10, 2, &mut ctx), d("5.00"));
    assert!(ctx.warnings.is_empty());
    assert_eq!(cast_decimal(&i(1000), 3, 0, &mut ctx), d("999"));
    assert_eq!(cast_decimal(&f(-1e300), 5, 2, &mut ctx), d("-999.99"));
    assert_eq!(ctx.warnings.iter().filter(|w| w.0 == 1264).count(), 2);
    assert_eq!(cast_decimal(&s("x"), 5, 0, &mut ctx), d("0"));
    assert_eq!(
        ctx.warnings.last(),
        Some(&(1292, "Truncated incorrect DECIMAL value: 'x'".to_string()))
    );
    assert_eq!(check_decimal_precision(65, 30, "x"), Ok(()));
    assert_eq!(
        check_decimal_precision(66, 2, "1.5").map_err(|e| e.message),
        Err("Too-big precision 66 specified for '1.5'. Maximum is 65.".to_string())
    );
    assert_eq!(
        check_decimal_precision(10, 31, "x").map_err(|e| e.code),
        Err(1425)
    );
    assert_eq!(
        check_decimal_precision(2, 3, "x").map_err(|e| e.code),
        Err(1427)
    );
}

#[test]
fn cast_char_binary_and_double_convert_and_warn() {
    let mut ctx = Ctx::default();
    assert_eq!(cast_char(&i(123), None, &mut ctx), s("123"));
    assert_eq!(cast_char(&s("héllo"), Some(2), &mut ctx), s("hé"));
    assert_eq!(
        ctx.warnings,
        [(
            1292,
            "Truncated incorrect CHAR(2) value: 'héllo'".to_string()
        )]
    );
    assert_eq!(
        cast_binary(&s("ab"), Some(4), &mut ctx),
        Value::Bytes(b"ab\0\0".to_vec())
    );
    assert_eq!(cast_binary(&s("abc"), Some(2), &mut ctx), s("ab"));
    assert_eq!(cast_double(&s("1.5x"), &mut ctx), f(1.5));
    assert_eq!(
        ctx.warnings.last(),
        Some(&(1292, "Truncated incorrect DOUBLE value: '1.5x'".to_string()))
    );
    assert_eq!(cast_double(&d("2.25"), &mut ctx), f(2.25));
    assert_eq!(cast_char(&null(), Some(1), &mut ctx), null());
}

// ---------------------------------------------------------------- max_allowed_packet

#[test]
fn growing_string_functions_return_null_past_max_allowed_packet() {
    let huge = i(1_000_000_000_000);
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        ("REPEAT", vec![s("x"), i(1_000_000_000)], "repeat"),
        ("REPEAT", vec![s("abc"), huge.clone()], "repeat"),
        ("SPACE", vec![huge.clone()], "space"),
        ("LPAD", vec![s("a"), huge.clone(), s("b")], "lpad"),
        ("RPAD", vec![s("a"), i(300_000), s("b")], "rpad"),
        (
            "CONCAT",
            vec![s(&"x".repeat(700_000)), s(&"y".repeat(700_000))],
            "concat",
        ),
        (
            "CONCAT_WS",
            vec![s(&"x".repeat(600_000)), s("a"), s("b"), s("c")],
            "concat_ws",
        ),
        (
            "REPLACE",
            vec![s(&"a".repeat(600_000)), s("a"), s("bb")],
            "replace",
        ),
        (
            "INSERT",
            vec![s(&"a".repeat(600_000)), i(1), i(1), s(&"b".repeat(600_000))],
            "insert",
        ),
        ("QUOTE", vec![s(&"'".repeat(600_000))], "quote"),
        ("HEX", vec![s(&"a".repeat(600_000))], "hex"),
        ("TO_BASE64", vec![s(&"a".repeat(900_000))], "to_base64"),
        ("UPPER", vec![s(&"a".repeat(1_100_000))], "upper"),
    ];
    for (name, args, lower) in cases {
        let mut ctx = Ctx {
            max_packet: 1_048_576,
            ..Ctx::default()
        };
        assert_eq!(call_ctx(&mut ctx, name, &args).ok(), Some(null()), "{name}");
        assert_eq!(
            ctx.warnings,
            [(
                1301,
                format!(
                    "Result of {lower}() was larger than max_allowed_packet (1048576) - truncated"
                )
            )],
            "{name}"
        );
    }
    let mut ctx = Ctx {
        max_packet: 1_048_576,
        ..Ctx::default()
    };
    let ok = call_ctx(&mut ctx, "REPEAT", &[s("x"), i(1_048_576)]).expect("ok");
    assert_eq!(ok.to_text().map(|t| t.len()), Some(1_048_576));
    assert!(ctx.warnings.is_empty());
}

// ---------------------------------------------------------------- result types

#[test]
fn string_functions_type_their_results_from_the_arguments() {
    let t = Func::Concat.return_type(&[varchar(3), varchar(4)], &[None, None]);
    assert_eq!(
        (t.base, t.length, t.collation),
        (BaseType::VarChar, 7, Collation::Utf8mb4_0900_ai_ci)
    );
    let t = Func::Concat.return_type(
        &[
            varchar(3),
            SqlType {
                length: 2,
                ..ty(BaseType::VarBinary)
            },
        ],
        &[None, None],
    );
    assert_eq!(
        (t.base, t.length, t.collation),
        (BaseType::VarBinary, 5, Collation::Binary)
    );
    let t = Func::Concat.return_type(&[SqlType::bigint()], &[None]);
    assert_eq!((t.base, t.length), (BaseType::VarChar, 20));
    let t = Func::Concat.return_type(&[ty(BaseType::LongText)], &[None]);
    assert_eq!(t.base, BaseType::LongText);
    let t = Func::Left.return_type(&[varchar(10), SqlType::bigint()], &[None, Some(i(3))]);
    assert_eq!(t.length, 3);
    let t = Func::Repeat.return_type(&[varchar(2), SqlType::bigint()], &[None, Some(i(3))]);
    assert_eq!(t.length, 6);
    let t = Func::Repeat.return_type(&[varchar(2), SqlType::bigint()], &[None, None]);
    assert_eq!(t.base, BaseType::LongText);
    assert_eq!(
        Func::Length.return_type(&[varchar(3)], &[None]).base,
        BaseType::BigInt
    );
    assert!(Func::Crc32.return_type(&[varchar(3)], &[None]).unsigned);
    assert_eq!(
        Func::Char
            .return_type(&[SqlType::bigint()], &[None])
            .collation,
        Collation::Binary
    );
    assert_eq!(Func::Md5.return_type(&[varchar(3)], &[None]).length, 32);
    assert_eq!(
        Func::Sha2
            .return_type(&[varchar(3), SqlType::bigint()], &[None, Some(i(256))])
            .length,
        64
    );
}

#[test]
fn numeric_functions_type_their_results_like_mysql() {
    let int = ty(BaseType::Int);
    let dec = SqlType::decimal(10, 4);
    assert_eq!(
        Func::Abs
            .return_type(std::slice::from_ref(&int), &[None])
            .base,
        BaseType::Int
    );
    assert_eq!(
        Func::Abs.return_type(std::slice::from_ref(&dec), &[None]),
        SqlType::decimal(10, 4)
    );
    assert_eq!(
        Func::Abs.return_type(&[varchar(3)], &[None]).base,
        BaseType::Double
    );
    let r = Func::Round.return_type(&[dec.clone(), SqlType::bigint()], &[None, Some(i(2))]);
    assert_eq!((r.base, r.length, r.scale), (BaseType::Decimal, 9, 2));
    let r = Func::Round.return_type(std::slice::from_ref(&dec), &[None]);
    assert_eq!((r.base, r.length, r.scale), (BaseType::Decimal, 7, 0));
    let r = Func::Truncate.return_type(&[dec.clone(), SqlType::bigint()], &[None, Some(i(2))]);
    assert_eq!((r.length, r.scale), (8, 2));
    let r = Func::Round.return_type(&[SqlType::double(), SqlType::bigint()], &[None, Some(i(2))]);
    assert_eq!((r.base, r.scale), (BaseType::Double, 2));
    let r = Func::Round.return_type(&[SqlType::double(), SqlType::bigint()], &[None, None]);
    assert_eq!(r.scale, NOT_FIXED_DEC);
    let r = Func::Round.return_type(&[int.clone(), SqlType::bigint()], &[None, Some(i(-1))]);
    assert_eq!(r.base, BaseType::BigInt);
    assert_eq!(
        Func::Floor
            .return_type(std::slice::from_ref(&dec), &[None])
            .base,
        BaseType::BigInt
    );
    let big = SqlType::decimal(40, 2);
    assert_eq!(
        Func::Floor.return_type(&[big], &[None]).base,
        BaseType::Decimal
    );
    assert_eq!(
        Func::Ceil.return_type(&[SqlType::double()], &[None]).base,
        BaseType::Double
    );
    assert_eq!(
        Func::Sqrt
            .return_type(std::slice::from_ref(&int), &[None])
            .base,
        BaseType::Double
    );
    let pi = Func::Pi.return_type(&[], &[]);
    assert_eq!((pi.base, pi.scale), (BaseType::Double, 6));
    let m = Func::Mod.return_type(&[SqlType::ubigint(), int], &[None, None]);
    assert!(m.unsigned);
}

#[test]
fn flow_functions_aggregate_their_result_types() {
    let int = ty(BaseType::Int);
    let t = Func::IfNull.return_type(&[int.clone(), SqlType::bigint()], &[None, None]);
    assert_eq!(t.base, BaseType::BigInt);
    let t = Func::If.return_type(&[int.clone(), varchar(5), int.clone()], &[None, None, None]);
    assert_eq!((t.base, t.length), (BaseType::VarChar, 11));
    let t = Func::Coalesce.return_type(&[SqlType::null(), int.clone()], &[None, None]);
    assert_eq!(t.base, BaseType::Int);
    let t = Func::NullIf.return_type(&[int.clone(), varchar(5)], &[None, None]);
    assert_eq!(t.base, BaseType::Int);
    let t = Func::Case.return_type(
        &[
            int.clone(),
            SqlType::decimal(5, 2),
            int.clone(),
            int.clone(),
        ],
        &[None, None, None, None],
    );
    assert_eq!((t.base, t.length, t.scale), (BaseType::Decimal, 12, 2));
    let t = Func::Greatest.return_type(&[int, SqlType::double()], &[None, None]);
    assert_eq!(t.base, BaseType::Double);
}

#[test]
fn aggregate_type_widens_numbers_and_merges_strings_and_dates() {
    let int = ty(BaseType::Int);
    let uint = SqlType {
        unsigned: true,
        ..ty(BaseType::Int)
    };
    assert_eq!(
        aggregate_type(&[ty(BaseType::TinyInt), ty(BaseType::SmallInt)]).base,
        BaseType::SmallInt
    );
    assert_eq!(
        aggregate_type(&[int.clone(), uint.clone()]).base,
        BaseType::BigInt
    );
    assert!(aggregate_type(&[uint.clone(), uint]).unsigned);
    let t = aggregate_type(&[SqlType::bigint(), SqlType::ubigint()]);
    assert_eq!((t.base, t.length, t.scale), (BaseType::Decimal, 20, 0));
    let t = aggregate_type(&[int.clone(), SqlType::decimal(5, 2)]);
    assert_eq!((t.base, t.length, t.scale), (BaseType::Decimal, 12, 2));
    assert_eq!(
        aggregate_type(&[SqlType::decimal(5, 2), SqlType::double()]).base,
        BaseType::Double
    );
    let t = aggregate_type(&[
        ty(BaseType::Date),
        SqlType {
            scale: 3,
            ..ty(BaseType::DateTime)
        },
    ]);
    assert_eq!((t.base, t.scale), (BaseType::DateTime, 3));
    assert_eq!(
        aggregate_type(&[ty(BaseType::Date), ty(BaseType::Date)]).base,
        BaseType::Date
    );
    assert_eq!(
        aggregate_type(&[ty(BaseType::Date), ty(BaseType::Time)]).base,
        BaseType::DateTime
    );
    let t = aggregate_type(&[ty(BaseType::Date), int.clone()]);
    assert_eq!((t.base, t.length), (BaseType::VarChar, 11));
    let t = aggregate_type(&[
        varchar(5),
        SqlType {
            length: 9,
            ..ty(BaseType::VarBinary)
        },
    ]);
    assert_eq!(
        (t.base, t.length, t.collation),
        (BaseType::VarBinary, 9, Collation::Binary)
    );
    let t = aggregate_type(&[varchar(5), ty(BaseType::Text)]);
    assert_eq!(t.base, BaseType::Text);
    let chars = SqlType {
        length: 4,
        ..ty(BaseType::Char)
    };
    assert_eq!(aggregate_type(&[chars.clone(), chars]).base, BaseType::Char);
    assert_eq!(
        aggregate_type(&[SqlType::null(), SqlType::null()]).base,
        BaseType::Null
    );
    assert_eq!(aggregate_type(&[]).base, BaseType::Null);
}

#[test]
fn arith_type_follows_mysql_precision_rules() {
    let int = ty(BaseType::Int);
    let d52 = SqlType::decimal(5, 2);
    let d73 = SqlType::decimal(7, 3);
    let t = arith_type(ArithOp::Add, &int, &int, 4);
    assert_eq!((t.base, t.unsigned), (BaseType::BigInt, false));
    let t = arith_type(ArithOp::Sub, &SqlType::ubigint(), &int, 4);
    assert_eq!((t.base, t.unsigned), (BaseType::BigInt, true));
    let t = arith_type(ArithOp::Add, &d52, &d73, 4);
    assert_eq!((t.base, t.length, t.scale), (BaseType::Decimal, 8, 3));
    let t = arith_type(ArithOp::Mul, &d52, &d73, 4);
    assert_eq!((t.length, t.scale), (12, 5));
    let t = arith_type(ArithOp::Div, &int, &int, 4);
    assert_eq!((t.base, t.length, t.scale), (BaseType::Decimal, 14, 4));
    let t = arith_type(ArithOp::Div, &d52, &int, 4);
    assert_eq!((t.length, t.scale), (9, 6));
    let t = arith_type(ArithOp::Div, &d52, &int, 0);
    assert_eq!(t.scale, 2);
    assert_eq!(
        arith_type(ArithOp::Add, &int, &SqlType::double(), 4).base,
        BaseType::Double
    );
    assert_eq!(
        arith_type(ArithOp::Add, &int, &varchar(3), 4).base,
        BaseType::Double
    );
    assert_eq!(
        arith_type(ArithOp::IntDiv, &d52, &SqlType::double(), 4).base,
        BaseType::BigInt
    );
    assert_eq!(arith_type(ArithOp::Mod, &d52, &d73, 4).scale, 3);
    assert_eq!(
        arith_type(ArithOp::Add, &SqlType::null(), &int, 4).base,
        BaseType::BigInt
    );
    let dt = ty(BaseType::DateTime);
    assert_eq!(
        arith_type(ArithOp::Add, &dt, &int, 4).base,
        BaseType::BigInt
    );
    let dt3 = SqlType {
        scale: 3,
        ..ty(BaseType::DateTime)
    };
    assert_eq!(
        arith_type(ArithOp::Add, &dt3, &int, 4).base,
        BaseType::Decimal
    );
}

#[test]
fn call_collation_is_binary_when_any_string_argument_is_binary() {
    let vb = ty(BaseType::VarBinary);
    assert_eq!(
        Func::Locate.call_collation(&[varchar(3), vb]),
        Collation::Binary
    );
    assert_eq!(
        Func::Locate.call_collation(&[varchar(3), SqlType::bigint()]),
        Collation::Utf8mb4_0900_ai_ci
    );
    assert_eq!(
        Func::Collation.call_collation(&[SqlType::bigint()]),
        Collation::Binary
    );
}

// ---------------------------------------------------------------- no panics

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize].clone()
    }
}

fn random_bytes(r: &mut Rng) -> Vec<u8> {
    let pieces: [&[u8]; 16] = [
        b"",
        b"a",
        b"abc",
        b"A,b,,c",
        b" 12.5e3x",
        b"-9223372036854775809",
        b"1e400",
        b"\xff\xfe",
        "é€😀".as_bytes(),
        b"\xe2\x82",
        b"0x1F",
        b"  ",
        b"%_\\'",
        b"99999999999999999999999999999999999999999",
        b".",
        b"ZZZZzz",
    ];
    let mut out = Vec::new();
    for _ in 0..r.below(4) {
        if r.below(3) == 0 {
            for _ in 0..r.below(7) {
                out.push(r.next() as u8);
            }
        } else {
            out.extend_from_slice(r.pick(&pieces));
        }
    }
    out
}

fn random_value(r: &mut Rng) -> Value {
    match r.below(10) {
        0 => Value::Null,
        1 => Value::Int(r.pick(&[
            0,
            1,
            -1,
            2,
            3,
            5,
            36,
            -36,
            64,
            256,
            i64::MIN,
            i64::MAX,
            1_000_000_000,
        ])),
        2 => Value::Int(r.next() as i64 >> r.below(64)),
        3 => Value::UInt(r.pick(&[0, 1, u64::MAX, 1 << 63, 224, 256])),
        4 => Value::Double(r.pick(&[
            0.0,
            -0.0,
            0.5,
            -2.5,
            1e308,
            -1e308,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            3.999_999,
            1e19,
            -1e19,
        ])),
        5 => Value::Decimal(Dec {
            mant: {
                let random = -i128::from(r.next());
                r.pick(&[
                    0,
                    1,
                    -1,
                    15,
                    i128::MAX,
                    i128::MIN,
                    i128::MIN + 1,
                    10i128.pow(37),
                    random,
                ])
            },
            scale: r.pick(&[0, 1, 2, 6, 30, 31, 38, 40, u32::MAX]),
        }),
        6 => Value::Date(Date {
            year: r.pick(&[0, 1, 2024, 9999, u16::MAX]),
            month: r.pick(&[0, 1, 12, 13, 255]),
            day: r.pick(&[0, 1, 31, 255]),
        }),
        7 => Value::DateTime(DateTime {
            date: Date {
                year: r.pick(&[0, 2024, u16::MAX]),
                month: r.pick(&[0, 2, 255]),
                day: r.pick(&[0, 29, 255]),
            },
            hour: r.pick(&[0, 23, 255]),
            minute: r.pick(&[0, 59, 255]),
            second: r.pick(&[0, 59, 255]),
            micro: r.pick(&[0, 1, 999_999, u32::MAX]),
        }),
        8 => Value::Time(Time {
            micros: r.pick(&[
                0,
                1,
                -1,
                i64::MIN,
                i64::MAX,
                crate::temporal::TIME_MAX_MICROS,
            ]),
        }),
        _ => Value::Bytes(random_bytes(r)),
    }
}

fn random_type(r: &mut Rng) -> SqlType {
    let bases = [
        BaseType::TinyInt,
        BaseType::SmallInt,
        BaseType::MediumInt,
        BaseType::Int,
        BaseType::BigInt,
        BaseType::Decimal,
        BaseType::Float,
        BaseType::Double,
        BaseType::Bit,
        BaseType::Year,
        BaseType::Date,
        BaseType::Time,
        BaseType::DateTime,
        BaseType::Timestamp,
        BaseType::Char,
        BaseType::VarChar,
        BaseType::TinyText,
        BaseType::Text,
        BaseType::MediumText,
        BaseType::LongText,
        BaseType::Binary,
        BaseType::VarBinary,
        BaseType::TinyBlob,
        BaseType::Blob,
        BaseType::MediumBlob,
        BaseType::LongBlob,
        BaseType::Enum,
        BaseType::Set,
        BaseType::Json,
        BaseType::Null,
    ];
    let mut t = SqlType::new(r.pick(&bases));
    t.unsigned = r.below(2) == 0;
    t.length = r.pick(&[0, 1, 3, 20, 65, 255, 70_000, u32::MAX]);
    t.scale = r.pick(&[0, 2, 6, 30, NOT_FIXED_DEC, u8::MAX]);
    if r.below(4) == 0 {
        t.collation = Collation::Binary;
    }
    t
}

fn every_func() -> Vec<Func> {
    let mut all = ALL_FUNCS.to_vec();
    all.extend(["NOW", "CURDATE"].iter().filter_map(|n| Func::lookup(n)));
    all
}

#[test]
fn every_function_survives_random_arguments_without_panicking() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ctx = Ctx {
        max_packet: 1 << 20,
        ..Ctx::default()
    };
    let (mut ok, mut err) = (0usize, 0usize);
    for f in every_func() {
        let (min, max) = f.arity();
        for n in min..=max.min(min + 3) {
            for round in 0..150 {
                let args: Vec<Value> = (0..n).map(|_| random_value(&mut r)).collect();
                match f.eval(&args, &mut ctx) {
                    Ok(_) => ok += 1,
                    Err(_) => err += 1,
                }
                let coll = if round % 2 == 0 {
                    Collation::Binary
                } else {
                    Collation::Utf8mb4_0900_ai_ci
                };
                let _ = f.eval_in(&args, coll, &mut ctx);
                let types: Vec<SqlType> = (0..n).map(|_| random_type(&mut r)).collect();
                let consts: Vec<Option<Value>> = args
                    .iter()
                    .map(|a| (r.below(2) == 0).then(|| a.clone()))
                    .collect();
                let _ = f.return_type(&types, &consts);
                let _ = f.call_collation(&types);
            }
        }
        ctx.warnings.clear();
    }
    assert!(ok > 20 * err, "{ok} results, {err} errors");
}

#[test]
fn arithmetic_casts_and_aggregation_survive_random_values_without_panicking() {
    let mut r = Rng(0xDEAD_BEEF_CAFE_F00D);
    let mut ctx = Ctx {
        max_packet: 1 << 20,
        ..Ctx::default()
    };
    let ops = [
        ArithOp::Add,
        ArithOp::Sub,
        ArithOp::Mul,
        ArithOp::Div,
        ArithOp::IntDiv,
        ArithOp::Mod,
    ];
    for _ in 0..4000 {
        let (a, b) = (random_value(&mut r), random_value(&mut r));
        let op = r.pick(&ops);
        let _ = arith(op, &a, &b, &mut ctx);
        let _ = cast_signed(&a, &mut ctx);
        let _ = cast_unsigned(&a, &mut ctx);
        let _ = cast_double(&a, &mut ctx);
        let m = r.pick(&[0, 1, 5, 38, 39, 65, 70, u32::MAX]);
        let dd = r.pick(&[0, 2, 30, 31, u32::MAX]);
        let _ = cast_decimal(&a, m, dd, &mut ctx);
        let len = r.pick(&[None, Some(0), Some(1), Some(3), Some(u32::MAX)]);
        let _ = cast_char(&a, len, &mut ctx);
        let _ = cast_binary(&a, len, &mut ctx);
        let _ = sleep_duration(&a);
        let types: Vec<SqlType> = (0..r.below(5)).map(|_| random_type(&mut r)).collect();
        let _ = aggregate_type(&types);
        let (x, y) = (random_type(&mut r), random_type(&mut r));
        let _ = arith_type(op, &x, &y, r.pick(&[0, 4, 30, u32::MAX]));
        ctx.warnings.clear();
    }
}
