//! Scalar SQL functions, bound once into [`Func`] and evaluated on already-evaluated arguments.
//!
//! MySQL reference: <https://dev.mysql.com/doc/refman/8.4/en/functions.html>, in particular
//! - string functions: <https://dev.mysql.com/doc/refman/8.4/en/string-functions.html>
//! - numeric functions: <https://dev.mysql.com/doc/refman/8.4/en/numeric-functions.html>
//! - flow control: <https://dev.mysql.com/doc/refman/8.4/en/flow-control-functions.html>
//! - comparison functions (GREATEST, LEAST, INTERVAL, COALESCE, ISNULL):
//!   <https://dev.mysql.com/doc/refman/8.4/en/comparison-operators.html>
//! - information functions: <https://dev.mysql.com/doc/refman/8.4/en/information-functions.html>
//! - casts: <https://dev.mysql.com/doc/refman/8.4/en/cast-functions.html>
//! - type aggregation: <https://dev.mysql.com/doc/refman/8.4/en/flow-control-functions.html>
//!   (the IF/IFNULL result-type table) and
//!   <https://dev.mysql.com/doc/refman/8.4/en/arithmetic-functions.html> (operator result types).
//!
//! # How the engine uses this module
//!
//! * The binder resolves a call with [`Func::lookup`] (all names and aliases, upper-case),
//!   checks [`Func::arity`] (reporting ER 1582 with the name as the user wrote it), asks
//!   [`Func::return_type`] for result metadata and [`Func::call_collation`] for the collation
//!   the call compares and counts characters under, and may fold constant calls when
//!   [`Func::is_deterministic`].
//! * The executor evaluates the arguments and calls [`Func::eval_in`] with that collation
//!   ([`Func::eval`] guesses it from the values: text unless a string argument is not valid
//!   UTF-8, which is then treated as a binary string).
//! * IF, IFNULL, COALESCE, NULLIF, CASE, AND and OR short-circuit, so the executor normally
//!   evaluates them itself; their `eval` works on already-evaluated arguments for simple cases.
//!   CASE takes `[when1, then1, when2, then2, ..., else?]` with the WHEN conditions already
//!   evaluated to truth values (searched CASE; the executor rewrites the simple form).
//! * SLEEP's `eval` only validates its argument and returns 0: the executor sleeps (in short
//!   slices, checking for KILL) using [`sleep_duration`].
//! * Date and time functions live in [`time`] as [`time::TimeFunc`], wrapped by [`Func::Time`];
//!   JSON functions in [`json`] as [`json::JsonFunc`], wrapped by [`Func::Json`].
//!
//! # Rules every function follows
//!
//! * NULL in, NULL out, unless MySQL says otherwise (CONCAT_WS, ELT, FIELD, INTERVAL, ISNULL,
//!   COALESCE, IFNULL, QUOTE, CHAR, ...).
//! * Strings converted to numbers warn like MySQL (1292 `Truncated incorrect DOUBLE value: 'x'`).
//! * A string result longer than `max_allowed_packet` is NULL with warning 1301; functions that
//!   grow strings (REPEAT, SPACE, LPAD, RPAD, CONCAT, CONCAT_WS, INSERT, REPLACE, QUOTE, HEX,
//!   TO_BASE64, ...) check before allocating.
//! * Errors that MySQL raises for overflow (ER 1690) quote the call as `name(arg, ...)` rebuilt
//!   from the argument values, which matches MySQL for literal arguments; the executor may
//!   replace the quoted text with the printed expression.
//! * No input panics: arithmetic is checked, slices use `.get()`, decimals with a scale over 30
//!   or an `i128::MIN` mantissa are normalised first.
//! * `eval` returns the natural value of the computation and does not convert it to
//!   [`Func::return_type`]: IF(1, 1, 'a') is `Int(1)` although the type is VARCHAR, FLOOR of a
//!   DECIMAL is `Int` when it fits even if the type says DECIMAL(19,0), ROUND(x, d) of a
//!   DECIMAL pads to `d` decimals even when `d` is not a constant (MySQL then keeps x's scale).
//!   The executor converts where it stores or sends values by type.
//!
//! Not implemented: REGEXP_* (no regex engine), WEIGHT_STRING, BENCHMARK, LOAD_FILE, the
//! locale argument of FORMAT (always en_US), CHAR(... USING charset).

use std::borrow::Cow;
use std::time::Duration;

use crate::collation::Collation;
use crate::ctx::FuncCtx;
use crate::error::EngineError;
use crate::types::SqlType;
use crate::value::{DECIMAL_MAX_SCALE, Dec, Value};

/// CAST/CONVERT helpers: `cast_signed`, `cast_unsigned`, `cast_decimal`,
/// `check_decimal_precision`, `cast_double`, `cast_char`, `cast_binary`.
pub(crate) mod cast;
mod digest;

pub(crate) use digest::crc32;
pub(crate) mod json;
mod math;
mod misc;
mod string;
pub(crate) mod time;
mod typing;

#[cfg(test)]
mod tests;

/// MySQL's type aggregation for UNION, CASE, IF, IFNULL, COALESCE, GREATEST and LEAST (NULL
/// ignored, integers widen, integer + DECIMAL gives DECIMAL, anything + DOUBLE gives DOUBLE, a
/// string wins with the aggregated collation, temporal + temporal gives the common temporal
/// type).
pub(crate) fn aggregate_type(types: &[SqlType]) -> SqlType {
    typing::aggregate_type(types)
}

/// Result type of `a op b` for `+ - * / DIV %` (see [`typing::arith_type`] for the rules).
pub(crate) fn arith_type(
    op: ArithOp,
    a: &SqlType,
    b: &SqlType,
    div_precision_increment: u32,
) -> SqlType {
    typing::arith_type(op, a, b, div_precision_increment)
}

/// Evaluates `a op b` with MySQL's rules (checked integers with ER 1690, exact DECIMAL, `/`
/// with `div_precision_increment` extra digits, doubles for strings, NULL with warning 1365 on
/// division by zero).
pub(crate) fn arith(
    op: ArithOp,
    a: &Value,
    b: &Value,
    ctx: &mut dyn FuncCtx,
) -> Result<Value, EngineError> {
    math::arith(op, a, b, ctx)
}

/// The collation a value of type `t` carries (binary for non-strings).
pub(crate) fn type_collation(t: &SqlType) -> Collation {
    typing::type_collation(t)
}

/// How long SLEEP(v) should sleep (None: not at all); the executor sleeps in short slices so
/// KILL can interrupt it.
pub(crate) fn sleep_duration(v: &Value) -> Option<Duration> {
    misc::sleep_duration(v)
}

/// Collation used for the results of information functions (DATABASE(), USER(), VERSION(),
/// CHARSET(), ...). MySQL uses utf8mb3_general_ci (id 33); switch when the full collation list
/// lands.
pub(crate) const SYSTEM_COLLATION: Collation = Collation::Utf8mb4_0900_ai_ci;

/// The connection collation string results of non-string arguments get (CONCAT(1, 2), HEX(),
/// MD5(), ...).
pub(crate) const DEFAULT_COLLATION: Collation = Collation::Utf8mb4_0900_ai_ci;

/// An arithmetic operator, for [`arith_type`] and [`arith`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `DIV`
    IntDiv,
    /// `%` / `MOD`
    Mod,
}

impl ArithOp {
    /// The operator as MySQL prints it in expressions.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::IntDiv => "DIV",
            ArithOp::Mod => "%",
        }
    }
}

/// Variadic upper bound in [`Func::arity`].
const MANY: usize = usize::MAX;

/// Declares [`Func`] with one line per variant: canonical name, (min, max) arguments, and
/// whether [`Func::lookup`] finds it by that name (TRIM's BOTH/LEADING/TRAILING forms, CASE,
/// AND and OR are built by the parser, not called by name).
macro_rules! funcs {
    ($($(#[$doc:meta])* $variant:ident($name:literal, $min:expr, $max:expr, $named:expr);)*) => {
        /// A scalar function, bound once per call site.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub(crate) enum Func {
            $($(#[$doc])* $variant,)*
            /// A date/time function.
            Time(time::TimeFunc),
            /// A JSON function.
            Json(json::JsonFunc),
        }

        /// Every non-time variant, in declaration order.
        pub(crate) const ALL_FUNCS: &[Func] = &[$(Func::$variant,)*];

        impl Func {
            /// Canonical upper-case name (used in warnings and ER 1582).
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(Func::$variant => $name,)*
                    Func::Time(t) => t.name(),
                    Func::Json(j) => j.name(),
                }
            }

            /// (min, max) argument count; `usize::MAX` means variadic.
            pub(crate) fn arity(self) -> (usize, usize) {
                match self {
                    $(Func::$variant => ($min, $max),)*
                    Func::Time(t) => t.arity(),
                    Func::Json(j) => j.arity(),
                }
            }

            /// Whether [`Func::lookup`] resolves the canonical name to this variant.
            fn by_name(self) -> bool {
                match self {
                    $(Func::$variant => $named,)*
                    Func::Time(_) => true,
                    Func::Json(j) => !j.is_conversion() && j != json::JsonFunc::MemberOf,
                }
            }
        }
    };
}

funcs! {
    // ---- strings ----
    /// CONCAT(str, ...)
    Concat("CONCAT", 1, MANY, true);
    /// CONCAT_WS(sep, str, ...)
    ConcatWs("CONCAT_WS", 2, MANY, true);
    /// LENGTH(str), OCTET_LENGTH(str): bytes.
    Length("LENGTH", 1, 1, true);
    /// CHAR_LENGTH(str), CHARACTER_LENGTH(str): characters.
    CharLength("CHAR_LENGTH", 1, 1, true);
    /// BIT_LENGTH(str)
    BitLength("BIT_LENGTH", 1, 1, true);
    /// UPPER(str), UCASE(str)
    Upper("UPPER", 1, 1, true);
    /// LOWER(str), LCASE(str)
    Lower("LOWER", 1, 1, true);
    /// SUBSTRING(str, pos[, len]), SUBSTR, MID
    Substring("SUBSTRING", 2, 3, true);
    /// SUBSTRING_INDEX(str, delim, count)
    SubstringIndex("SUBSTRING_INDEX", 3, 3, true);
    /// LEFT(str, len)
    Left("LEFT", 2, 2, true);
    /// RIGHT(str, len)
    Right("RIGHT", 2, 2, true);
    /// LPAD(str, len, padstr)
    Lpad("LPAD", 3, 3, true);
    /// RPAD(str, len, padstr)
    Rpad("RPAD", 3, 3, true);
    /// LTRIM(str): leading spaces.
    Ltrim("LTRIM", 1, 1, true);
    /// RTRIM(str): trailing spaces.
    Rtrim("RTRIM", 1, 1, true);
    /// TRIM(str): leading and trailing spaces.
    Trim("TRIM", 1, 1, true);
    /// TRIM(BOTH remstr FROM str), passed as (str, remstr).
    TrimBoth("TRIM", 2, 2, false);
    /// TRIM(LEADING remstr FROM str), passed as (str, remstr).
    TrimLeading("TRIM", 2, 2, false);
    /// TRIM(TRAILING remstr FROM str), passed as (str, remstr).
    TrimTrailing("TRIM", 2, 2, false);
    /// REPLACE(str, from, to): case-sensitive.
    Replace("REPLACE", 3, 3, true);
    /// REPEAT(str, count)
    Repeat("REPEAT", 2, 2, true);
    /// SPACE(n)
    Space("SPACE", 1, 1, true);
    /// REVERSE(str)
    Reverse("REVERSE", 1, 1, true);
    /// INSERT(str, pos, len, newstr)
    Insert("INSERT", 4, 4, true);
    /// INSTR(str, substr)
    Instr("INSTR", 2, 2, true);
    /// LOCATE(substr, str[, pos])
    Locate("LOCATE", 2, 3, true);
    /// POSITION(substr IN str), passed as (substr, str).
    Position("POSITION", 2, 2, true);
    /// STRCMP(a, b): -1, 0, 1 under the call's collation.
    StrCmp("STRCMP", 2, 2, true);
    /// FIELD(str, str1, ...)
    Field("FIELD", 2, MANY, true);
    /// FIND_IN_SET(str, strlist)
    FindInSet("FIND_IN_SET", 2, 2, true);
    /// ELT(n, str1, ...)
    Elt("ELT", 2, MANY, true);
    /// ASCII(str)
    Ascii("ASCII", 1, 1, true);
    /// ORD(str)
    Ord("ORD", 1, 1, true);
    /// CHAR(n, ...): a binary string.
    Char("CHAR", 1, MANY, true);
    /// HEX(str or n)
    Hex("HEX", 1, 1, true);
    /// UNHEX(str): a binary string.
    Unhex("UNHEX", 1, 1, true);
    /// BIN(n)
    Bin("BIN", 1, 1, true);
    /// OCT(n)
    Oct("OCT", 1, 1, true);
    /// CONV(n, from_base, to_base)
    Conv("CONV", 3, 3, true);
    /// QUOTE(str)
    Quote("QUOTE", 1, 1, true);
    /// FORMAT(x, d[, locale]) (en_US only).
    Format("FORMAT", 2, 3, true);
    /// TO_BASE64(str)
    ToBase64("TO_BASE64", 1, 1, true);
    /// FROM_BASE64(str): a binary string.
    FromBase64("FROM_BASE64", 1, 1, true);
    /// MD5(str)
    Md5("MD5", 1, 1, true);
    /// SHA1(str), SHA(str)
    Sha1("SHA1", 1, 1, true);
    /// SHA2(str, bits)
    Sha2("SHA2", 2, 2, true);
    /// CRC32(str)
    Crc32("CRC32", 1, 1, true);
    /// SOUNDEX(str)
    Soundex("SOUNDEX", 1, 1, true);
    /// UUID()
    Uuid("UUID", 0, 0, true);
    /// CHARSET(str): needs the argument's type; see [`Func::call_collation`].
    Charset("CHARSET", 1, 1, true);
    /// COLLATION(str): needs the argument's type; see [`Func::call_collation`].
    Collation("COLLATION", 1, 1, true);
    // ---- numbers ----
    /// ABS(x)
    Abs("ABS", 1, 1, true);
    /// SIGN(x)
    Sign("SIGN", 1, 1, true);
    /// MOD(a, b)
    Mod("MOD", 2, 2, true);
    /// ROUND(x[, d])
    Round("ROUND", 1, 2, true);
    /// TRUNCATE(x, d)
    Truncate("TRUNCATE", 2, 2, true);
    /// FLOOR(x)
    Floor("FLOOR", 1, 1, true);
    /// CEIL(x), CEILING(x)
    Ceil("CEIL", 1, 1, true);
    /// GREATEST(a, b, ...)
    Greatest("GREATEST", 2, MANY, true);
    /// LEAST(a, b, ...)
    Least("LEAST", 2, MANY, true);
    /// POW(x, y), POWER(x, y)
    Pow("POW", 2, 2, true);
    /// SQRT(x)
    Sqrt("SQRT", 1, 1, true);
    /// EXP(x)
    Exp("EXP", 1, 1, true);
    /// LN(x)
    Ln("LN", 1, 1, true);
    /// LOG(x), LOG(b, x)
    Log("LOG", 1, 2, true);
    /// LOG2(x)
    Log2("LOG2", 1, 1, true);
    /// LOG10(x)
    Log10("LOG10", 1, 1, true);
    /// PI()
    Pi("PI", 0, 0, true);
    /// SIN(x)
    Sin("SIN", 1, 1, true);
    /// COS(x)
    Cos("COS", 1, 1, true);
    /// TAN(x)
    Tan("TAN", 1, 1, true);
    /// ASIN(x)
    Asin("ASIN", 1, 1, true);
    /// ACOS(x)
    Acos("ACOS", 1, 1, true);
    /// ATAN(x), ATAN(y, x)
    Atan("ATAN", 1, 2, true);
    /// ATAN2(y, x)
    Atan2("ATAN2", 2, 2, true);
    /// COT(x)
    Cot("COT", 1, 1, true);
    /// DEGREES(x)
    Degrees("DEGREES", 1, 1, true);
    /// RADIANS(x)
    Radians("RADIANS", 1, 1, true);
    /// `RAND([seed])`: through [`FuncCtx::rand`].
    Rand("RAND", 0, 1, true);
    /// BIT_COUNT(n)
    BitCount("BIT_COUNT", 1, 1, true);
    // ---- flow control and NULL handling ----
    /// IF(cond, a, b)
    If("IF", 3, 3, true);
    /// IFNULL(a, b)
    IfNull("IFNULL", 2, 2, true);
    /// NULLIF(a, b)
    NullIf("NULLIF", 2, 2, true);
    /// COALESCE(a, ...)
    Coalesce("COALESCE", 1, MANY, true);
    /// ISNULL(x)
    IsNull("ISNULL", 1, 1, true);
    /// INTERVAL(n, n1, n2, ...)
    Interval("INTERVAL", 2, MANY, true);
    /// Searched CASE: `[when1, then1, ..., else?]` (built by the parser).
    Case("CASE", 1, MANY, false);
    /// `a AND b AND ...` (built by the parser).
    And("AND", 2, MANY, false);
    /// `a OR b OR ...` (built by the parser).
    Or("OR", 2, MANY, false);
    // ---- information ----
    /// DATABASE(), SCHEMA()
    Database("DATABASE", 0, 0, true);
    /// USER(), SESSION_USER(), SYSTEM_USER()
    User("USER", 0, 0, true);
    /// CURRENT_USER()
    CurrentUser("CURRENT_USER", 0, 0, true);
    /// CURRENT_ROLE()
    CurrentRole("CURRENT_ROLE", 0, 0, true);
    /// CONNECTION_ID()
    ConnectionId("CONNECTION_ID", 0, 0, true);
    /// `LAST_INSERT_ID([expr])`
    LastInsertId("LAST_INSERT_ID", 0, 1, true);
    /// ROW_COUNT()
    RowCount("ROW_COUNT", 0, 0, true);
    /// FOUND_ROWS()
    FoundRows("FOUND_ROWS", 0, 0, true);
    /// VERSION()
    Version("VERSION", 0, 0, true);
    /// SLEEP(seconds): the executor sleeps, see [`sleep_duration`].
    Sleep("SLEEP", 1, 1, true);
    // ---- user-level locks (evaluated by the executor against the engine's registry) ----
    /// GET_LOCK(name, timeout)
    GetLock("GET_LOCK", 2, 2, true);
    /// RELEASE_LOCK(name)
    ReleaseLock("RELEASE_LOCK", 1, 1, true);
    /// RELEASE_ALL_LOCKS()
    ReleaseAllLocks("RELEASE_ALL_LOCKS", 0, 0, true);
    /// IS_FREE_LOCK(name)
    IsFreeLock("IS_FREE_LOCK", 1, 1, true);
    /// IS_USED_LOCK(name)
    IsUsedLock("IS_USED_LOCK", 1, 1, true);
}

impl Func {
    /// Whether the function reads its first argument's bytes rather than its characters:
    /// a latin1 or ascii string reaches it in its own encoding (see the binder).
    pub(crate) fn reads_bytes(self) -> bool {
        matches!(
            self,
            Func::BitLength
                | Func::Ascii
                | Func::Ord
                | Func::Hex
                | Func::ToBase64
                | Func::Md5
                | Func::Sha1
                | Func::Sha2
                | Func::Crc32
        )
    }

    /// The function for an upper-case name, aliases included; date/time names are delegated to
    /// [`time::TimeFunc::lookup`].
    pub(crate) fn lookup(upper_name: &str) -> Option<Func> {
        let alias = match upper_name {
            "UCASE" => Some(Func::Upper),
            "LCASE" => Some(Func::Lower),
            "SUBSTR" | "MID" => Some(Func::Substring),
            "OCTET_LENGTH" => Some(Func::Length),
            "CHARACTER_LENGTH" => Some(Func::CharLength),
            "SHA" => Some(Func::Sha1),
            "CEILING" => Some(Func::Ceil),
            "POWER" => Some(Func::Pow),
            "SCHEMA" => Some(Func::Database),
            "SESSION_USER" | "SYSTEM_USER" => Some(Func::User),
            _ => None,
        };
        alias
            .or_else(|| {
                ALL_FUNCS
                    .iter()
                    .copied()
                    .find(|f| f.by_name() && f.name() == upper_name)
            })
            .or_else(|| time::TimeFunc::lookup(upper_name).map(Func::Time))
            .or_else(|| json::JsonFunc::lookup(upper_name).map(Func::Json))
    }

    /// Whether the result depends only on the arguments and the statement (so a call with
    /// constant arguments may be folded once per statement): false for RAND, UUID, SLEEP,
    /// LAST_INSERT_ID (it reads and sets session state mid-statement) and SYSDATE.
    pub(crate) fn is_deterministic(self) -> bool {
        match self {
            Func::Rand | Func::Uuid | Func::Sleep | Func::LastInsertId => false,
            f if f.is_user_lock() => false,
            Func::Time(t) => !t.name().eq_ignore_ascii_case("SYSDATE"),
            _ => true,
        }
    }

    /// GET_LOCK, RELEASE_LOCK, RELEASE_ALL_LOCKS, IS_FREE_LOCK and IS_USED_LOCK: they act on
    /// the engine's lock registry, so the executor evaluates them (`execute/eval.rs`), and
    /// they never run on the caller's thread (they are not deterministic) since GET_LOCK waits.
    pub(crate) fn is_user_lock(self) -> bool {
        matches!(
            self,
            Func::GetLock
                | Func::ReleaseLock
                | Func::ReleaseAllLocks
                | Func::IsFreeLock
                | Func::IsUsedLock
        )
    }

    /// MySQL's result type for arguments of types `args`; `arg_consts[i]` is the value of
    /// argument `i` when it is a constant (ROUND(x, 2) uses it for the scale, LEFT(s, 3) for
    /// the length, ...).
    pub(crate) fn return_type(self, args: &[SqlType], arg_consts: &[Option<Value>]) -> SqlType {
        match self {
            Func::Time(t) => t.return_type(args, arg_consts),
            Func::Json(j) => j.return_type(args),
            f => typing::return_type(f, args, arg_consts),
        }
    }

    /// The collation [`Func::eval_in`] should get for argument types `args`: the aggregated
    /// collation of the string arguments (binary if any is a binary string), or for
    /// CHARSET()/COLLATION() the argument's own (binary for non-strings).
    pub(crate) fn call_collation(self, args: &[SqlType]) -> Collation {
        match self {
            Func::Charset | Func::Collation => args
                .first()
                .map(type_collation)
                .unwrap_or(Collation::Binary),
            _ => typing::string_collation(args),
        }
    }

    /// Evaluates on evaluated arguments, guessing the collation from the values: a string
    /// argument that is not valid UTF-8 makes the call binary, otherwise
    /// utf8mb4_0900_ai_ci. Prefer [`Func::eval_in`] with [`Func::call_collation`].
    pub(crate) fn eval(self, args: &[Value], ctx: &mut dyn FuncCtx) -> Result<Value, EngineError> {
        let coll = match self {
            Func::Charset | Func::Collation => match args.first() {
                Some(Value::Bytes(b)) if std::str::from_utf8(b).is_ok() => DEFAULT_COLLATION,
                _ => Collation::Binary,
            },
            _ => {
                let invalid = args
                    .iter()
                    .any(|a| matches!(a, Value::Bytes(b) if std::str::from_utf8(b).is_err()));
                if invalid {
                    Collation::Binary
                } else {
                    DEFAULT_COLLATION
                }
            }
        };
        self.eval_in(args, coll, ctx)
    }

    /// Evaluates on evaluated arguments under `collation` (from [`Func::call_collation`]):
    /// it decides how strings compare (STRCMP, LOCATE, FIELD, FIND_IN_SET, GREATEST, NULLIF,
    /// ...) and whether characters are bytes (binary) or UTF-8 characters.
    pub(crate) fn eval_in(
        self,
        args: &[Value],
        collation: Collation,
        ctx: &mut dyn FuncCtx,
    ) -> Result<Value, EngineError> {
        let (min, max) = self.arity();
        if args.len() < min || args.len() > max {
            return Err(EngineError::wrong_param_count(self.name()));
        }
        if let Func::Time(t) = self {
            return t.eval(args, ctx);
        }
        let args = sanitize(args);
        let v = self.dispatch(&args, collation, ctx)?;
        Ok(limit_result(self, v, ctx))
    }

    fn dispatch(
        self,
        a: &[Value],
        coll: Collation,
        ctx: &mut dyn FuncCtx,
    ) -> Result<Value, EngineError> {
        use Func as F;
        Ok(match self {
            F::Concat => string::concat(self, a, ctx),
            F::ConcatWs => string::concat_ws(self, a, ctx),
            F::Length => string::length(a, coll, 1),
            F::BitLength => string::length(a, coll, 8),
            F::CharLength => string::char_length(a, coll),
            F::Upper => string::case(a, coll, true),
            F::Lower => string::case(a, coll, false),
            F::Substring => string::substring(a, coll, ctx),
            F::SubstringIndex => string::substring_index(a, ctx),
            F::Left => string::left_right(a, coll, true, ctx),
            F::Right => string::left_right(a, coll, false, ctx),
            F::Lpad => string::pad(self, a, coll, true, ctx),
            F::Rpad => string::pad(self, a, coll, false, ctx),
            F::Ltrim => string::trim_spaces(a, true, false),
            F::Rtrim => string::trim_spaces(a, false, true),
            F::Trim => string::trim_spaces(a, true, true),
            F::TrimBoth => string::trim_str(a, true, true),
            F::TrimLeading => string::trim_str(a, true, false),
            F::TrimTrailing => string::trim_str(a, false, true),
            F::Replace => string::replace(self, a, ctx),
            F::Repeat => string::repeat(self, a, ctx),
            F::Space => string::space(self, a, ctx),
            F::Reverse => string::reverse(a, coll),
            F::Insert => string::insert(self, a, coll, ctx),
            F::Instr => string::locate(arg(a, 1), arg(a, 0), None, coll, ctx),
            F::Locate => string::locate(arg(a, 0), arg(a, 1), a.get(2), coll, ctx),
            F::Position => string::locate(arg(a, 0), arg(a, 1), None, coll, ctx),
            F::StrCmp => string::strcmp(a, coll),
            F::Field => string::field(a, coll, ctx),
            F::FindInSet => string::find_in_set(a, coll),
            F::Elt => string::elt(a, ctx),
            F::Ascii => string::ascii(a),
            F::Ord => string::ord(a, coll),
            F::Char => string::char_fn(a, ctx),
            F::Hex => string::hex(self, a, ctx),
            F::Unhex => string::unhex(a),
            F::Bin => string::conv_values(arg(a, 0), 10, 2),
            F::Oct => string::conv_values(arg(a, 0), 10, 8),
            F::Conv => string::conv(a, ctx),
            F::Quote => string::quote(self, a, ctx),
            F::Format => string::format(a, ctx),
            F::ToBase64 => digest::to_base64_value(self, a, ctx),
            F::FromBase64 => digest::from_base64_value(a),
            F::Md5 => digest::md5_value(a),
            F::Sha1 => digest::sha1_value(a),
            F::Sha2 => digest::sha2_value(a, ctx),
            F::Crc32 => digest::crc32_value(a),
            F::Soundex => string::soundex(a),
            F::Uuid => misc::uuid(),
            F::Charset => Value::str(coll.charset()),
            F::Collation => Value::str(coll.name()),
            F::Abs => math::abs(self, a, ctx)?,
            F::Sign => math::sign(a, ctx),
            F::Mod => math::arith(ArithOp::Mod, arg(a, 0), arg(a, 1), ctx)?,
            F::Round => math::round(self, a, false, ctx)?,
            F::Truncate => math::round(self, a, true, ctx)?,
            F::Floor => math::floor_ceil(a, false, ctx),
            F::Ceil => math::floor_ceil(a, true, ctx),
            F::Greatest => misc::greatest(a, coll, true, ctx),
            F::Least => misc::greatest(a, coll, false, ctx),
            F::Pow | F::Atan2 => math::real2(self, a, ctx)?,
            F::Log | F::Atan if a.len() == 2 => math::real2(self, a, ctx)?,
            F::Sqrt
            | F::Exp
            | F::Ln
            | F::Log
            | F::Log2
            | F::Log10
            | F::Sin
            | F::Cos
            | F::Tan
            | F::Asin
            | F::Acos
            | F::Atan
            | F::Cot
            | F::Degrees
            | F::Radians => math::real1(self, a, ctx)?,
            F::Pi => Value::Double(std::f64::consts::PI),
            F::Rand => math::rand(a, ctx),
            F::BitCount => math::bit_count(a, coll, ctx),
            F::If => misc::if_fn(a),
            F::IfNull => misc::coalesce(a),
            F::Coalesce => misc::coalesce(a),
            F::NullIf => misc::nullif(a, coll),
            F::IsNull => Value::Int(i64::from(arg(a, 0).is_null())),
            F::Interval => misc::interval(a, ctx),
            F::Case => misc::case(a),
            F::And => misc::and_or(a, true),
            F::Or => misc::and_or(a, false),
            F::Database => ctx.database().map(Value::str).unwrap_or(Value::Null),
            F::User => Value::str(ctx.user()),
            F::CurrentUser => Value::str(ctx.current_user()),
            F::CurrentRole => Value::str(ctx.current_role()),
            F::ConnectionId => Value::UInt(ctx.connection_id()),
            F::LastInsertId => misc::last_insert_id(a, ctx),
            F::RowCount => Value::Int(ctx.row_count()),
            F::FoundRows => Value::Int(i64::try_from(ctx.found_rows()).unwrap_or(i64::MAX)),
            F::Version => Value::str(ctx.version()),
            F::Sleep => misc::sleep(a, ctx)?,
            // The executor answers these before calling eval (see `Func::is_user_lock`);
            // without a lock registry there is no lock to report.
            F::GetLock | F::ReleaseLock | F::ReleaseAllLocks | F::IsFreeLock | F::IsUsedLock => {
                Value::Null
            }
            F::Time(t) => t.eval(a, ctx)?,
            F::Json(j) => j.eval(a, ctx)?,
        })
    }
}

/// Argument `i`, NULL when absent.
fn arg(args: &[Value], i: usize) -> &Value {
    static NULL: Value = Value::Null;
    args.get(i).unwrap_or(&NULL)
}

/// Restores [`Dec`]'s invariants (scale at most 30, mantissa not `i128::MIN`) so that the
/// decimal arithmetic below cannot overflow on hostile values.
fn sanitize(args: &[Value]) -> Cow<'_, [Value]> {
    let bad = |d: &Dec| d.scale > DECIMAL_MAX_SCALE || d.mant == i128::MIN;
    if !args
        .iter()
        .any(|a| matches!(a, Value::Decimal(d) if bad(d)))
    {
        return Cow::Borrowed(args);
    }
    Cow::Owned(
        args.iter()
            .map(|a| match a {
                Value::Decimal(d) if bad(d) => Value::Decimal(sane_dec(*d)),
                other => other.clone(),
            })
            .collect(),
    )
}

/// `v` with [`sane_dec`] applied to a decimal.
pub(super) fn sane_value(v: &Value) -> Cow<'_, Value> {
    match v {
        Value::Decimal(d) if d.scale > DECIMAL_MAX_SCALE || d.mant == i128::MIN => {
            Cow::Owned(Value::Decimal(sane_dec(*d)))
        }
        other => Cow::Borrowed(other),
    }
}

/// A [`Dec`] with scale at most 30 and a mantissa that can be negated.
pub(super) fn sane_dec(d: Dec) -> Dec {
    let mut d = d;
    if d.mant == i128::MIN {
        d.mant = i128::MIN + 1;
    }
    if d.scale > DECIMAL_MAX_SCALE {
        d = d.round(DECIMAL_MAX_SCALE);
    }
    d
}

/// NULL with warning 1301 for a string result longer than max_allowed_packet.
fn limit_result(f: Func, v: Value, ctx: &mut dyn FuncCtx) -> Value {
    match v {
        Value::Bytes(b) if !fits_packet(f, b.len() as u128, ctx) => Value::Null,
        other => other,
    }
}

/// True when a `len`-byte result of `f` fits max_allowed_packet; otherwise warns 1301.
pub(super) fn fits_packet(f: Func, len: u128, ctx: &mut dyn FuncCtx) -> bool {
    let max = ctx.max_allowed_packet();
    if len <= max as u128 {
        return true;
    }
    ctx.warn(
        1301,
        format!(
            "Result of {}() was larger than max_allowed_packet ({max}) - truncated",
            f.name().to_ascii_lowercase()
        ),
    );
    false
}

/// A number argument as MySQL computes with it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Num {
    /// Signed integer.
    I(i64),
    /// Unsigned integer.
    U(u64),
    /// Exact decimal.
    D(Dec),
    /// Double.
    F(f64),
}

impl Num {
    pub(super) fn to_f64(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::U(u) => u as f64,
            Num::D(d) => d.to_f64(),
            Num::F(f) => f,
        }
    }

    pub(super) fn to_dec(self) -> Dec {
        match self {
            Num::I(i) => Dec::from_i128(i128::from(i)),
            Num::U(u) => Dec::from_i128(i128::from(u)),
            Num::D(d) => d,
            Num::F(f) => Dec::from_f64(f),
        }
    }

    pub(super) fn into_value(self) -> Value {
        match self {
            Num::I(i) => Value::Int(i),
            Num::U(u) => Value::UInt(u),
            Num::D(d) => Value::Decimal(d),
            Num::F(f) => Value::Double(f),
        }
    }
}

/// The number in `v` (None for NULL): strings become doubles (warning 1292 when not wholly
/// numeric), temporal values their number form (20240131, 103000.5).
pub(super) fn num(v: &Value, ctx: &mut dyn FuncCtx) -> Option<Num> {
    Some(match v {
        Value::Null => return None,
        Value::Int(i) => Num::I(*i),
        Value::UInt(u) => Num::U(*u),
        Value::Double(d) => Num::F(*d),
        Value::Decimal(d) => Num::D(sane_dec(*d)),
        Value::Bytes(b) => Num::F(str_to_f64(b, ctx)),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => match v.temporal_number() {
            Some(d) if d.scale == 0 => i64::try_from(d.mant).map_or(Num::D(d), Num::I),
            Some(d) => Num::D(d),
            None => Num::I(0),
        },
    })
}

/// `v` as a double (None for NULL), warning like [`num`].
pub(super) fn f64_arg(v: &Value, ctx: &mut dyn FuncCtx) -> Option<f64> {
    num(v, ctx).map(Num::to_f64)
}

/// `v` as a signed integer (None for NULL): doubles round half to even and decimals half away
/// from zero (as MySQL's `val_int`), strings take their
/// integer prefix with warning 1292 `Truncated incorrect INTEGER value` when more follows,
/// out-of-range values saturate.
pub(super) fn int_arg(v: &Value, ctx: &mut dyn FuncCtx) -> Option<i64> {
    match v {
        Value::Bytes(b) => {
            if !is_int_text(b) {
                warn_truncated(ctx, "INTEGER", b);
            }
            Some(crate::value::parse_i64_prefix(b))
        }
        Value::Decimal(d) => Value::Decimal(sane_dec(*d)).to_i64(),
        Value::Double(d) => Some(rint_i64(*d)),
        other => other.to_i64(),
    }
}

/// A double rounded half to even (C's `rint`, as MySQL's `val_int` does), saturating; NaN is 0.
pub(super) fn rint_i64(d: f64) -> i64 {
    let r = d.round_ties_even();
    if r.is_nan() { 0 } else { r as i64 }
}

/// A string as a double by MySQL's prefix rule, warning 1292 when it is not wholly a number.
/// Overflowing literals (`1e400`) saturate to ±DBL_MAX as MySQL's strtod does.
pub(super) fn str_to_f64(b: &[u8], ctx: &mut dyn FuncCtx) -> f64 {
    if !is_number_text(b) {
        warn_truncated(ctx, "DOUBLE", b);
    }
    let f = crate::value::parse_f64_prefix(b);
    if f.is_infinite() {
        f64::MAX.copysign(f)
    } else if f.is_nan() {
        0.0
    } else {
        f
    }
}

/// Warning 1292 `Truncated incorrect KIND value: 'text'`.
pub(super) fn warn_truncated(ctx: &mut dyn FuncCtx, kind: &str, b: &[u8]) {
    ctx.warn(
        1292,
        format!("Truncated incorrect {kind} value: '{}'", err_text(b)),
    );
}

/// Bytes as MySQL quotes them in messages (lossy UTF-8, at most 128 characters).
pub(super) fn err_text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).chars().take(128).collect()
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Trims MySQL's whitespace from both ends.
fn trim_ws(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !is_space(*c)).unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !is_space(*c))
        .map_or(start, |e| e + 1);
    b.get(start..end.max(start)).unwrap_or_default()
}

/// Digits from `i` on; returns the index after them.
fn skip_digits(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// True when the whole string (surrounding whitespace aside) is a decimal or float literal.
pub(super) fn is_number_text(b: &[u8]) -> bool {
    let t = trim_ws(b);
    let mut i = usize::from(matches!(t.first(), Some(b'+' | b'-')));
    let int_end = skip_digits(t, i);
    let mut digits = int_end > i;
    i = int_end;
    if t.get(i) == Some(&b'.') {
        let frac_end = skip_digits(t, i + 1);
        digits |= frac_end > i + 1;
        i = frac_end;
    }
    if !digits {
        return false;
    }
    if matches!(t.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(t.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_end = skip_digits(t, j);
        if exp_end == j {
            return false;
        }
        i = exp_end;
    }
    i == t.len()
}

/// True when the whole string (surrounding whitespace aside) is an integer literal.
pub(super) fn is_int_text(b: &[u8]) -> bool {
    let t = trim_ws(b);
    let i = usize::from(matches!(t.first(), Some(b'+' | b'-')));
    let end = skip_digits(t, i);
    end > i && end == t.len()
}

/// A value as an SQL literal, for error messages that quote a call: `'abc'`, `12`, `NULL`.
pub(super) fn sql_literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Int(_) | Value::UInt(_) | Value::Double(_) | Value::Decimal(_) => {
            v.to_string_lossy().unwrap_or_default()
        }
        other => format!(
            "'{}'",
            other
                .to_string_lossy()
                .unwrap_or_default()
                .replace('\'', "''")
        ),
    }
}

/// `name(arg, ...)` as MySQL prints a call with literal arguments.
pub(super) fn printed_call(f: Func, args: &[Value]) -> String {
    let list: Vec<String> = args.iter().map(sql_literal).collect();
    format!("{}({})", f.name().to_ascii_lowercase(), list.join(","))
}
