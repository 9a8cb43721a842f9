//! Result types of function calls, of `+ - * / DIV %`, and MySQL's type aggregation (UNION,
//! CASE, IF, IFNULL, COALESCE, GREATEST, LEAST).
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/flow-control-functions.html> (IF result types),
//! <https://dev.mysql.com/doc/refman/8.4/en/arithmetic-functions.html>,
//! <https://dev.mysql.com/doc/refman/8.4/en/precision-math-decimal-characteristics.html>.

use super::{ArithOp, DEFAULT_COLLATION, Func, SYSTEM_COLLATION};
use crate::collation::Collation;
use crate::types::{BaseType, SqlType};
use crate::value::Value;

/// Largest DECIMAL precision.
const MAX_PRECISION: u32 = 65;
/// Largest DECIMAL scale.
const MAX_SCALE: u32 = 30;

/// The collation a value of type `t` carries: its own for text, ENUM and SET, utf8mb4 for
/// JSON, binary for binary strings and non-strings.
pub(super) fn type_collation(t: &SqlType) -> Collation {
    if t.is_text() || matches!(t.base, BaseType::Enum | BaseType::Set) {
        t.collation
    } else if t.base == BaseType::Json {
        DEFAULT_COLLATION
    } else {
        Collation::Binary
    }
}

/// Binary strings (BINARY, VARBINARY, BLOB, BIT, text declared with the binary collation).
fn is_binary_type(t: &SqlType) -> bool {
    t.is_binary_string()
        || t.base == BaseType::Bit
        || ((t.is_text() || matches!(t.base, BaseType::Enum | BaseType::Set))
            && t.collation.is_binary())
}

/// Aggregated collation of the string arguments: binary if any is a binary string, else the
/// first text argument's collation, else the connection default. (MySQL's coercibility rules
/// and ER 1267 "Illegal mix of collations" are the binder's business.)
pub(super) fn string_collation(args: &[SqlType]) -> Collation {
    let mut found = None;
    for t in args {
        if is_binary_type(t) {
            return Collation::Binary;
        }
        if found.is_none() && t.is_string() {
            found = Some(type_collation(t));
        }
    }
    found.unwrap_or(DEFAULT_COLLATION)
}

/// Characters a value of type `t` takes as a string.
pub(super) fn str_chars(t: &SqlType) -> u64 {
    if t.base == BaseType::Null {
        0
    } else if t.is_string() {
        t.max_chars()
    } else if t.length > 255 {
        // Lengths past MySQL's limits (65 digits, 255 for FLOAT/DOUBLE/BIT/display widths)
        // would overflow `display_length`.
        let sane = SqlType {
            length: 255,
            ..t.clone()
        };
        u64::from(sane.display_length())
    } else {
        u64::from(t.display_length())
    }
}

/// A string result of at most `chars` characters: VARCHAR/VARBINARY while the bytes fit 65535,
/// MEDIUMTEXT/MEDIUMBLOB, then LONGTEXT/LONGBLOB (MySQL's `set_data_type_string`).
pub(super) fn string_type(chars: u64, coll: Collation) -> SqlType {
    let binary = coll.is_binary();
    let bytes = chars.saturating_mul(u64::from(coll.max_bytes_per_char()));
    let base = if bytes <= 65_535 {
        if binary {
            BaseType::VarBinary
        } else {
            BaseType::VarChar
        }
    } else if bytes <= 16_777_215 {
        if binary {
            BaseType::MediumBlob
        } else {
            BaseType::MediumText
        }
    } else if binary {
        BaseType::LongBlob
    } else {
        BaseType::LongText
    };
    let mut t = SqlType::new(base);
    t.collation = coll;
    if bytes <= 65_535 {
        t.length = u32::try_from(chars).unwrap_or(u32::MAX);
    }
    t
}

/// The longest string a function can build (LONGTEXT).
pub(super) fn long_string(coll: Collation) -> SqlType {
    string_type(u64::from(u32::MAX), coll)
}

/// BIGINT (UNSIGNED) with display width `width` (0 = default).
pub(super) fn int_type(width: u32, unsigned: bool) -> SqlType {
    SqlType {
        length: width,
        unsigned,
        ..SqlType::bigint()
    }
}

/// DECIMAL(prec, scale) with MySQL's limits applied.
fn dec_type(prec: u32, scale: u32, unsigned: bool) -> SqlType {
    let scale = scale.min(MAX_SCALE);
    let prec = prec.clamp(scale.max(1), MAX_PRECISION);
    SqlType {
        unsigned,
        ..SqlType::decimal(prec, u8::try_from(scale).unwrap_or(30))
    }
}

fn double_type(scale: u8) -> SqlType {
    SqlType {
        scale,
        ..SqlType::double()
    }
}

/// How a type computes in numeric context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NumT {
    /// The NULL type: takes the other operand's kind.
    Null,
    /// Integers with this many digits.
    Int { unsigned: bool, digits: u32 },
    /// DECIMAL(prec, scale).
    Dec {
        prec: u32,
        scale: u32,
        unsigned: bool,
    },
    /// DOUBLE (also strings, JSON, ENUM, SET in numeric context).
    Real,
}

/// Digits of an integer type's range.
fn int_digits(t: &SqlType) -> u32 {
    let u = t.unsigned;
    match t.base {
        BaseType::TinyInt => 3,
        BaseType::SmallInt => 5,
        BaseType::MediumInt => {
            if u {
                8
            } else {
                7
            }
        }
        BaseType::Int => 10,
        // An integer literal typed with its length (MySQL's max_length) keeps its precision.
        BaseType::BigInt if t.length > 0 && t.length < 20 => t.length,
        BaseType::BigInt => {
            if u {
                20
            } else {
                19
            }
        }
        _ => 20,
    }
}

fn numeric_view(t: &SqlType) -> NumT {
    let fsp = u32::from(t.scale.min(6));
    match t.base {
        BaseType::Null => NumT::Null,
        BaseType::TinyInt
        | BaseType::SmallInt
        | BaseType::MediumInt
        | BaseType::Int
        | BaseType::BigInt => NumT::Int {
            unsigned: t.unsigned,
            digits: int_digits(t),
        },
        BaseType::Year => NumT::Int {
            unsigned: true,
            digits: 4,
        },
        BaseType::Bit => NumT::Int {
            unsigned: true,
            digits: 20,
        },
        BaseType::Decimal => NumT::Dec {
            prec: if t.length == 0 {
                10
            } else {
                t.length.min(MAX_PRECISION)
            },
            scale: u32::from(t.scale).min(MAX_SCALE),
            unsigned: t.unsigned,
        },
        BaseType::Date => NumT::Int {
            unsigned: false,
            digits: 8,
        },
        BaseType::DateTime | BaseType::Timestamp if fsp > 0 => NumT::Dec {
            prec: 14 + fsp,
            scale: fsp,
            unsigned: false,
        },
        BaseType::DateTime | BaseType::Timestamp => NumT::Int {
            unsigned: false,
            digits: 14,
        },
        BaseType::Time if fsp > 0 => NumT::Dec {
            prec: 7 + fsp,
            scale: fsp,
            unsigned: false,
        },
        BaseType::Time => NumT::Int {
            unsigned: false,
            digits: 7,
        },
        _ => NumT::Real,
    }
}

/// (precision, scale) of an exact kind.
fn prec_scale(n: NumT) -> (u32, u32) {
    match n {
        NumT::Int { digits, .. } => (digits, 0),
        NumT::Dec { prec, scale, .. } => (prec, scale),
        NumT::Null | NumT::Real => (0, 0),
    }
}

fn is_unsigned(n: NumT) -> bool {
    matches!(
        n,
        NumT::Int { unsigned: true, .. } | NumT::Dec { unsigned: true, .. }
    )
}

/// An integer result of `digits` digits: BIGINT with MySQL's display length.
fn int_result(digits: u32, unsigned: bool) -> SqlType {
    int_type((digits + u32::from(!unsigned)).min(20), unsigned)
}

/// Result type of `a op b` (MySQL's `Item_num_op::resolve_type`): integers give BIGINT
/// (UNSIGNED if either operand is, for `+ - *` and `DIV`; `%` follows the dividend), `/` of
/// exact operands gives DECIMAL with `div_precision_increment` more decimals, DECIMAL follows
/// MySQL's precision/scale rules, a double or a string operand gives DOUBLE (`DIV` is always
/// BIGINT). A NULL operand takes the other's type.
pub(super) fn arith_type(
    op: ArithOp,
    a: &SqlType,
    b: &SqlType,
    div_precision_increment: u32,
) -> SqlType {
    let (x, y) = match (numeric_view(a), numeric_view(b)) {
        (NumT::Null, NumT::Null) => (NumT::Real, NumT::Real),
        (NumT::Null, o) | (o, NumT::Null) => (o, o),
        pair => pair,
    };
    if op == ArithOp::IntDiv {
        let (p1, s1) = prec_scale(x);
        let digits = if x == NumT::Real { 20 } else { p1 - s1.min(p1) };
        return int_result(digits.max(1), is_unsigned(x) || is_unsigned(y));
    }
    if x == NumT::Real || y == NumT::Real {
        return SqlType::double();
    }
    let (p1, s1) = prec_scale(x);
    let (p2, s2) = prec_scale(y);
    let (i1, i2) = (p1.saturating_sub(s1), p2.saturating_sub(s2));
    let both_int = matches!((x, y), (NumT::Int { .. }, NumT::Int { .. }));
    if both_int && op != ArithOp::Div {
        return match op {
            ArithOp::Add | ArithOp::Sub => {
                int_result(i1.max(i2) + 1, is_unsigned(x) || is_unsigned(y))
            }
            ArithOp::Mul => int_result(i1 + i2, is_unsigned(x) || is_unsigned(y)),
            _ => int_result(i1.max(i2), is_unsigned(x)),
        };
    }
    let incr = div_precision_increment.min(MAX_SCALE);
    match op {
        ArithOp::Add | ArithOp::Sub => {
            let scale = s1.max(s2);
            let unsigned = op == ArithOp::Add && is_unsigned(x) && is_unsigned(y);
            dec_type(i1.max(i2) + scale + 1, scale, unsigned)
        }
        ArithOp::Mul => dec_type(p1 + p2, s1 + s2, is_unsigned(x) && is_unsigned(y)),
        ArithOp::Div => {
            let scale = (s1 + incr).min(MAX_SCALE);
            dec_type(i1 + s2 + scale, scale, is_unsigned(x) && is_unsigned(y))
        }
        _ => {
            let scale = s1.max(s2);
            dec_type(i1.max(i2) + scale, scale, is_unsigned(x))
        }
    }
}

fn int_rank(t: &SqlType) -> u8 {
    match t.base {
        BaseType::TinyInt => 1,
        BaseType::SmallInt | BaseType::Year => 2,
        BaseType::MediumInt => 3,
        BaseType::Int => 4,
        _ => 5,
    }
}

fn rank_type(rank: u8) -> BaseType {
    match rank {
        1 => BaseType::TinyInt,
        2 => BaseType::SmallInt,
        3 => BaseType::MediumInt,
        4 => BaseType::Int,
        _ => BaseType::BigInt,
    }
}

fn is_stringish(t: &SqlType) -> bool {
    t.is_string()
        || !(t.is_numeric() || t.is_temporal() || matches!(t.base, BaseType::Year | BaseType::Bit))
}

/// MySQL's type aggregation for UNION, CASE, IF, IFNULL, COALESCE, GREATEST and LEAST:
/// NULL is ignored; integers widen (signed with unsigned of the same or larger width goes one
/// size up, BIGINT to DECIMAL(20,0)); integers with DECIMAL give DECIMAL; anything numeric with
/// FLOAT/DOUBLE gives DOUBLE; temporal with temporal gives the common temporal type (DATETIME
/// for mixes); any string, or temporal mixed with numbers, gives a string in the aggregated
/// collation (binary if any is binary), VARCHAR of the longest, TEXT/BLOB if any is.
pub(super) fn aggregate_type(types: &[SqlType]) -> SqlType {
    let ts: Vec<&SqlType> = types.iter().filter(|t| t.base != BaseType::Null).collect();
    let Some(first) = ts.first() else {
        return SqlType::null();
    };
    if ts
        .iter()
        .all(|t| t.base == first.base && t.base == BaseType::Json)
    {
        return (*first).clone();
    }
    let any_string = ts.iter().any(|t| is_stringish(t));
    let all_temporal = ts.iter().all(|t| t.is_temporal());
    let any_temporal = ts.iter().any(|t| t.is_temporal());
    if all_temporal {
        return temporal_aggregate(&ts);
    }
    if any_string || any_temporal {
        return string_aggregate(&ts);
    }
    if ts.iter().all(|t| t.base == BaseType::Year) {
        return SqlType::new(BaseType::Year);
    }
    if ts.iter().all(|t| t.base == BaseType::Bit) {
        let len = ts.iter().map(|t| t.length.max(1)).max().unwrap_or(1);
        return SqlType {
            length: len,
            ..SqlType::new(BaseType::Bit)
        };
    }
    if ts
        .iter()
        .any(|t| matches!(t.base, BaseType::Float | BaseType::Double))
    {
        let small = |t: &&SqlType| {
            matches!(
                t.base,
                BaseType::Float | BaseType::TinyInt | BaseType::SmallInt
            )
        };
        return if ts.iter().all(small) {
            SqlType::new(BaseType::Float)
        } else {
            SqlType::double()
        };
    }
    let views: Vec<NumT> = ts.iter().map(|t| numeric_view(t)).collect();
    let all_unsigned = views.iter().all(|v| is_unsigned(*v));
    if views.iter().any(|v| matches!(v, NumT::Dec { .. })) {
        let scale = views.iter().map(|v| prec_scale(*v).1).max().unwrap_or(0);
        let int_part = views
            .iter()
            .map(|v| {
                let (p, s) = prec_scale(*v);
                p.saturating_sub(s)
            })
            .max()
            .unwrap_or(1);
        return dec_type(int_part + scale, scale, all_unsigned);
    }
    // Integers (BIT and YEAR count as unsigned integers here).
    let ints: Vec<(u8, bool)> = ts
        .iter()
        .map(|t| match t.base {
            BaseType::Bit => (5, true),
            BaseType::Year => (2, true),
            _ => (int_rank(t), t.unsigned),
        })
        .collect();
    let max_signed = ints.iter().filter(|(_, u)| !u).map(|(r, _)| *r).max();
    let max_unsigned = ints.iter().filter(|(_, u)| *u).map(|(r, _)| *r).max();
    let (rank, unsigned) = match (max_signed, max_unsigned) {
        (Some(s), Some(u)) if u >= s => (u + 1, false),
        (Some(s), Some(_)) => (s, false),
        (Some(s), None) => (s, false),
        (None, Some(u)) => (u, true),
        (None, None) => (5, false),
    };
    if rank > 5 {
        return dec_type(20, 0, false);
    }
    SqlType {
        unsigned,
        ..SqlType::new(rank_type(rank))
    }
}

fn temporal_aggregate(ts: &[&SqlType]) -> SqlType {
    let fsp = ts.iter().map(|t| t.scale.min(6)).max().unwrap_or(0);
    let base = ts.iter().skip(1).fold(
        ts.first().map_or(BaseType::DateTime, |t| t.base),
        |acc, t| match (acc, t.base) {
            (a, b) if a == b => a,
            _ => BaseType::DateTime,
        },
    );
    let mut t = SqlType::new(base);
    if base != BaseType::Date {
        t.scale = fsp;
    }
    t
}

fn string_aggregate(ts: &[&SqlType]) -> SqlType {
    let coll = ts
        .iter()
        .find(|t| is_binary_type(t))
        .map(|_| Collation::Binary)
        .or_else(|| ts.iter().find(|t| t.is_string()).map(|t| type_collation(t)))
        .unwrap_or(DEFAULT_COLLATION);
    let chars = ts.iter().map(|t| str_chars(t)).max().unwrap_or(0);
    let binary = coll.is_binary();
    if ts.iter().any(|t| t.is_blob() || t.base == BaseType::Json) {
        let bytes = ts
            .iter()
            .map(|t| {
                t.max_bytes()
                    .unwrap_or_else(|| str_chars(t) * u64::from(coll.max_bytes_per_char()))
            })
            .max()
            .unwrap_or(0);
        let base = match (bytes, binary) {
            (0..=65_535, false) => BaseType::Text,
            (0..=65_535, true) => BaseType::Blob,
            (65_536..=16_777_215, false) => BaseType::MediumText,
            (65_536..=16_777_215, true) => BaseType::MediumBlob,
            (_, false) => BaseType::LongText,
            (_, true) => BaseType::LongBlob,
        };
        let mut t = SqlType::new(base);
        t.collation = coll;
        return t;
    }
    let fixed = ts
        .iter()
        .all(|t| matches!(t.base, BaseType::Char | BaseType::Binary));
    let mut t = string_type(chars, coll);
    if fixed && matches!(t.base, BaseType::VarChar | BaseType::VarBinary) {
        t.base = if binary {
            BaseType::Binary
        } else {
            BaseType::Char
        };
    }
    t
}

/// A constant argument as an integer (no warnings: this is bind time).
fn const_int(consts: &[Option<Value>], i: usize) -> Option<i64> {
    consts
        .get(i)
        .and_then(Option::as_ref)
        .and_then(Value::to_i64)
}

/// ROUND / TRUNCATE result type (MySQL's `Item_func_round::resolve_type`).
fn round_type(x: &SqlType, d: Option<i64>, truncate: bool) -> SqlType {
    match numeric_view(x) {
        NumT::Int { unsigned, digits } => {
            let grow = u32::from(!truncate && d.is_some_and(|d| d < 0));
            int_result(digits + grow, unsigned)
        }
        NumT::Dec {
            prec,
            scale,
            unsigned,
        } => match d {
            None => dec_type(prec, scale, unsigned),
            Some(d) => {
                let want = u32::try_from(d.clamp(0, i64::from(MAX_SCALE))).unwrap_or(0);
                let grow = u32::from(!truncate && scale > want);
                let int_part = prec.saturating_sub(scale);
                dec_type(int_part + want + grow, want, unsigned)
            }
        },
        NumT::Null | NumT::Real => match d {
            Some(d) => double_type(u8::try_from(d.clamp(0, i64::from(MAX_SCALE))).unwrap_or(0)),
            None => SqlType::double(),
        },
    }
}

/// FLOOR / CEIL result type: integers keep theirs, DECIMAL becomes BIGINT when its integer
/// part fits, otherwise DECIMAL(p, 0); DOUBLE stays DOUBLE.
fn floor_type(x: &SqlType) -> SqlType {
    match numeric_view(x) {
        NumT::Int { unsigned, digits } => int_result(digits, unsigned),
        NumT::Dec {
            prec,
            scale,
            unsigned,
        } => {
            let int_part = prec.saturating_sub(scale) + u32::from(scale > 0);
            if int_part < 18 {
                int_result(int_part.max(1), unsigned)
            } else {
                dec_type(int_part, 0, unsigned)
            }
        }
        NumT::Null | NumT::Real => SqlType::double(),
    }
}

/// ABS result type: integers and decimals keep their type, everything else is DOUBLE.
fn abs_type(x: &SqlType) -> SqlType {
    match numeric_view(x) {
        NumT::Int { .. } if x.is_integer() => x.clone(),
        NumT::Int { unsigned, digits } => int_result(digits, unsigned),
        NumT::Dec {
            prec,
            scale,
            unsigned,
        } => dec_type(prec, scale, unsigned),
        NumT::Null | NumT::Real => SqlType::double(),
    }
}

/// The result type of a (non-time) function call.
pub(super) fn return_type(f: Func, args: &[SqlType], consts: &[Option<Value>]) -> SqlType {
    let null = SqlType::null();
    let t = |i: usize| args.get(i).unwrap_or(&null);
    let chars = |i: usize| args.get(i).map_or(0, str_chars);
    let coll_of = |idx: &[usize]| {
        let picked: Vec<SqlType> = idx.iter().filter_map(|&i| args.get(i).cloned()).collect();
        string_collation(&picked)
    };
    let const_len = |i: usize| const_int(consts, i).map(|n| n.max(0).unsigned_abs());
    use Func as F;
    match f {
        F::Concat => string_type(
            args.iter().map(str_chars).fold(0, u64::saturating_add),
            string_collation(args),
        ),
        F::ConcatWs => {
            let parts = args
                .iter()
                .skip(1)
                .map(str_chars)
                .fold(0, u64::saturating_add);
            let seps = chars(0).saturating_mul(args.len().saturating_sub(2) as u64);
            string_type(parts.saturating_add(seps), string_collation(args))
        }
        F::Length | F::CharLength | F::BitLength => int_type(10, false),
        F::Upper | F::Lower | F::Reverse | F::Ltrim | F::Rtrim | F::Trim | F::SubstringIndex => {
            string_type(chars(0), coll_of(&[0]))
        }
        F::TrimBoth | F::TrimLeading | F::TrimTrailing => string_type(chars(0), coll_of(&[0, 1])),
        F::Substring => {
            let n = const_len(2).map_or(chars(0), |l| l.min(chars(0)));
            string_type(n, coll_of(&[0]))
        }
        F::Left | F::Right => {
            let n = const_len(1).map_or(chars(0), |l| l.min(chars(0)));
            string_type(n, coll_of(&[0]))
        }
        F::Lpad | F::Rpad => match const_len(1) {
            Some(n) => string_type(n, coll_of(&[0, 2])),
            None => long_string(coll_of(&[0, 2])),
        },
        F::Replace => {
            let grow = chars(2).saturating_sub(1);
            string_type(
                chars(0).saturating_add(chars(0).saturating_mul(grow)),
                string_collation(args),
            )
        }
        F::Repeat => match const_len(1) {
            Some(n) => string_type(chars(0).saturating_mul(n), coll_of(&[0])),
            None => long_string(coll_of(&[0])),
        },
        F::Space => match const_len(0) {
            Some(n) => string_type(n, DEFAULT_COLLATION),
            None => long_string(DEFAULT_COLLATION),
        },
        F::Insert => string_type(chars(0).saturating_add(chars(3)), coll_of(&[0, 3])),
        F::Instr | F::Locate | F::Position => int_type(11, false),
        F::StrCmp | F::Sign | F::BitCount | F::Interval => int_type(2, false),
        F::Field | F::FindInSet | F::Ascii => int_type(3, false),
        F::Elt => {
            let n = args.iter().skip(1).map(str_chars).max().unwrap_or(0);
            string_type(n, string_collation(args.get(1..).unwrap_or_default()))
        }
        F::Ord | F::RowCount | F::FoundRows | F::Sleep => SqlType::bigint(),
        F::Char => string_type(args.len() as u64 * 4, Collation::Binary),
        F::Hex => {
            let n = if t(0).is_numeric() || t(0).base == BaseType::Null {
                16
            } else {
                chars(0).saturating_mul(2)
            };
            string_type(n, DEFAULT_COLLATION)
        }
        F::Unhex => string_type(chars(0).div_ceil(2), Collation::Binary),
        F::Bin | F::Oct | F::Conv => string_type(64, DEFAULT_COLLATION),
        F::Quote => string_type(chars(0).saturating_mul(2).saturating_add(2), coll_of(&[0])),
        F::Format => {
            let d = const_len(1).map_or(u64::from(MAX_SCALE), |d| d.min(u64::from(MAX_SCALE)));
            let c = chars(0);
            string_type(c + c / 3 + u64::from(d > 0) + 1 + d, DEFAULT_COLLATION)
        }
        F::ToBase64 => {
            let bytes = u128::from(chars(0)) * u128::from(coll_of(&[0]).max_bytes_per_char());
            let n = super::digest::base64_len(bytes);
            string_type(u64::try_from(n).unwrap_or(u64::MAX), DEFAULT_COLLATION)
        }
        F::FromBase64 => string_type(chars(0) / 4 * 3 + 3, Collation::Binary),
        F::Md5 => string_type(32, DEFAULT_COLLATION),
        F::Sha1 => string_type(40, DEFAULT_COLLATION),
        F::Sha2 => {
            let n = match const_int(consts, 1) {
                Some(224) => 56,
                Some(0 | 256) => 64,
                Some(384) => 96,
                _ => 128,
            };
            string_type(n, DEFAULT_COLLATION)
        }
        F::Crc32 => int_type(10, true),
        F::Soundex => string_type(chars(0).max(4), coll_of(&[0])),
        F::Uuid => string_type(36, SYSTEM_COLLATION),
        F::Charset | F::Collation => string_type(64, SYSTEM_COLLATION),
        F::Abs => abs_type(t(0)),
        F::Mod => arith_type(ArithOp::Mod, t(0), t(1), 4),
        F::Round => {
            let d = if args.len() >= 2 {
                const_int(consts, 1)
            } else {
                Some(0)
            };
            round_type(t(0), d, false)
        }
        F::Truncate => round_type(t(0), const_int(consts, 1), true),
        F::Floor | F::Ceil => floor_type(t(0)),
        F::Greatest | F::Least | F::IfNull | F::Coalesce => aggregate_type(args),
        F::Pow
        | F::Sqrt
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
        | F::Atan2
        | F::Cot
        | F::Degrees
        | F::Radians
        | F::Rand => SqlType::double(),
        F::Pi => SqlType {
            length: 8,
            ..double_type(6)
        },
        F::If => aggregate_type(args.get(1..).unwrap_or_default()),
        F::NullIf => t(0).clone(),
        F::IsNull | F::And | F::Or => int_type(1, false),
        F::Case => {
            let results: Vec<SqlType> = args
                .iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == 1 || *i + 1 == args.len())
                .map(|(_, t)| t.clone())
                .collect();
            aggregate_type(&results)
        }
        F::Database => string_type(64, SYSTEM_COLLATION),
        F::User | F::CurrentUser => string_type(288, SYSTEM_COLLATION),
        F::CurrentRole => string_type(65535, SYSTEM_COLLATION),
        F::Version => string_type(60, SYSTEM_COLLATION),
        F::ConnectionId => int_type(10, true),
        F::LastInsertId => SqlType::ubigint(),
        F::GetLock | F::ReleaseLock | F::IsFreeLock => int_type(1, false),
        F::ReleaseAllLocks | F::IsUsedLock => SqlType::ubigint(),
        F::Time(tf) => tf.return_type(args, consts),
        F::Json(j) => j.return_type(args),
    }
}
