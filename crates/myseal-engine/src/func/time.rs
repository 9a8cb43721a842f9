//! Date and time functions: NOW(), DATE_ADD(), DATE_FORMAT(), TIMESTAMPDIFF() ...
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/date-and-time-functions.html>
//!
//! `TimeFunc` names each function; the planner finds it with `TimeFunc::lookup`, checks the
//! argument count against `TimeFunc::arity` (ER 1582 otherwise), types it with
//! `TimeFunc::return_type` and evaluates it per row with `TimeFunc::eval` on evaluated
//! arguments. Units (`DATE_ADD(d, INTERVAL 1 DAY)`, `EXTRACT(YEAR FROM d)`,
//! `TIMESTAMPDIFF(MONTH, a, b)`) arrive as a `Value::Bytes` holding the unit keyword.
//!
//! Semantics follow MySQL 8.4's `item_timefunc.cc`: which arguments may be zero dates, when a
//! result is NULL with warning 1292 (`Incorrect datetime value: '...'`) or 1441
//! (`Datetime function: datetime field overflow`), and which type each function returns
//! (e.g. DATE_ADD on a string argument returns a VARCHAR).
//!
//! Session facts come from [`FuncCtx`]: the statement's clock (`now()`, `utc_now()`; constant
//! within a statement, as NOW() is in MySQL), the time zone offset, and `strict()` standing in
//! for sql_mode's NO_ZERO_DATE / NO_ZERO_IN_DATE (the trait has no sql_mode accessor).

use crate::collation::Collation;
use crate::ctx::FuncCtx;
use crate::error::EngineError;
use crate::temporal::{
    self, DateFlags, DateTime, Interval, IntervalUnit, MAX_DAY_NUMBER, MAX_EPOCH_SECS,
    MICROS_PER_DAY, MICROS_PER_SEC, TemporalKind, Time, TimeArg, WARN_DATETIME_OVERFLOW,
    WARN_TRUNCATED_WRONG_VALUE,
};
use crate::types::{BaseType, SqlType};
use crate::value::{Dec, Value};

/// A date/time SQL function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum TimeFunc {
    /// NOW([fsp]), CURRENT_TIMESTAMP, LOCALTIME, LOCALTIMESTAMP.
    Now,
    /// SYSDATE([fsp]): the real time of the call.
    SysDate,
    /// CURDATE(), CURRENT_DATE.
    CurDate,
    /// CURTIME([fsp]), CURRENT_TIME.
    CurTime,
    /// UTC_DATE().
    UtcDate,
    /// UTC_TIME([fsp]).
    UtcTime,
    /// UTC_TIMESTAMP([fsp]).
    UtcTimestamp,
    /// UNIX_TIMESTAMP([date]).
    UnixTimestamp,
    /// FROM_UNIXTIME(ts[, format]).
    FromUnixtime,
    /// DATE(expr).
    Date,
    /// TIME(expr).
    Time,
    /// TIMESTAMP(expr[, time]).
    Timestamp,
    /// YEAR(date).
    Year,
    /// MONTH(date).
    Month,
    /// DAY(date), DAYOFMONTH(date).
    Day,
    /// HOUR(time).
    Hour,
    /// MINUTE(time).
    Minute,
    /// SECOND(time).
    Second,
    /// MICROSECOND(time).
    Microsecond,
    /// DAYOFWEEK(date): 1 = Sunday.
    DayOfWeek,
    /// WEEKDAY(date): 0 = Monday.
    WeekDay,
    /// DAYOFYEAR(date).
    DayOfYear,
    /// DAYNAME(date).
    DayName,
    /// MONTHNAME(date).
    MonthName,
    /// WEEK(date[, mode]).
    Week,
    /// WEEKOFYEAR(date) = WEEK(date, 3).
    WeekOfYear,
    /// YEARWEEK(date[, mode]).
    YearWeek,
    /// QUARTER(date).
    Quarter,
    /// LAST_DAY(date).
    LastDay,
    /// DATE_FORMAT(date, format).
    DateFormat,
    /// TIME_FORMAT(time, format).
    TimeFormat,
    /// STR_TO_DATE(str, format).
    StrToDate,
    /// DATEDIFF(a, b).
    DateDiff,
    /// TIMEDIFF(a, b).
    TimeDiff,
    /// TIMESTAMPDIFF(unit, a, b): unit passed as first argument `Value::Bytes(unit name)`.
    TimestampDiff,
    /// TIMESTAMPADD(unit, n, date): unit passed as first argument.
    TimestampAdd,
    /// DATE_ADD(date, interval_value, unit_name).
    DateAdd,
    /// DATE_SUB(date, interval_value, unit_name).
    DateSub,
    /// ADDDATE(date, days) or ADDDATE(date, interval_value, unit_name).
    AddDate,
    /// SUBDATE(date, days) or SUBDATE(date, interval_value, unit_name).
    SubDate,
    /// ADDTIME(t, time).
    AddTime,
    /// SUBTIME(t, time).
    SubTime,
    /// MAKEDATE(year, dayofyear).
    MakeDate,
    /// MAKETIME(hour, minute, second).
    MakeTime,
    /// SEC_TO_TIME(seconds).
    SecToTime,
    /// TIME_TO_SEC(time).
    TimeToSec,
    /// TO_DAYS(date).
    ToDays,
    /// FROM_DAYS(n).
    FromDays,
    /// TO_SECONDS(date).
    ToSeconds,
    /// CONVERT_TZ(dt, from_tz, to_tz).
    ConvertTz,
    /// EXTRACT(unit FROM date): (unit_name, value).
    Extract,
    /// PERIOD_ADD(period, months).
    PeriodAdd,
    /// PERIOD_DIFF(period1, period2).
    PeriodDiff,
    /// GET_FORMAT({DATE|TIME|DATETIME|TIMESTAMP}, standard): type passed as `Value::Bytes`.
    GetFormat,
}

/// Names and aliases, upper case.
const NAMES: &[(&str, TimeFunc)] = &[
    ("NOW", TimeFunc::Now),
    ("CURRENT_TIMESTAMP", TimeFunc::Now),
    ("LOCALTIME", TimeFunc::Now),
    ("LOCALTIMESTAMP", TimeFunc::Now),
    ("SYSDATE", TimeFunc::SysDate),
    ("CURDATE", TimeFunc::CurDate),
    ("CURRENT_DATE", TimeFunc::CurDate),
    ("CURTIME", TimeFunc::CurTime),
    ("CURRENT_TIME", TimeFunc::CurTime),
    ("UTC_DATE", TimeFunc::UtcDate),
    ("UTC_TIME", TimeFunc::UtcTime),
    ("UTC_TIMESTAMP", TimeFunc::UtcTimestamp),
    ("UNIX_TIMESTAMP", TimeFunc::UnixTimestamp),
    ("FROM_UNIXTIME", TimeFunc::FromUnixtime),
    ("DATE", TimeFunc::Date),
    ("TIME", TimeFunc::Time),
    ("TIMESTAMP", TimeFunc::Timestamp),
    ("YEAR", TimeFunc::Year),
    ("MONTH", TimeFunc::Month),
    ("DAY", TimeFunc::Day),
    ("DAYOFMONTH", TimeFunc::Day),
    ("HOUR", TimeFunc::Hour),
    ("MINUTE", TimeFunc::Minute),
    ("SECOND", TimeFunc::Second),
    ("MICROSECOND", TimeFunc::Microsecond),
    ("DAYOFWEEK", TimeFunc::DayOfWeek),
    ("WEEKDAY", TimeFunc::WeekDay),
    ("DAYOFYEAR", TimeFunc::DayOfYear),
    ("DAYNAME", TimeFunc::DayName),
    ("MONTHNAME", TimeFunc::MonthName),
    ("WEEK", TimeFunc::Week),
    ("WEEKOFYEAR", TimeFunc::WeekOfYear),
    ("YEARWEEK", TimeFunc::YearWeek),
    ("QUARTER", TimeFunc::Quarter),
    ("LAST_DAY", TimeFunc::LastDay),
    ("DATE_FORMAT", TimeFunc::DateFormat),
    ("TIME_FORMAT", TimeFunc::TimeFormat),
    ("STR_TO_DATE", TimeFunc::StrToDate),
    ("DATEDIFF", TimeFunc::DateDiff),
    ("TIMEDIFF", TimeFunc::TimeDiff),
    ("TIMESTAMPDIFF", TimeFunc::TimestampDiff),
    ("TIMESTAMPADD", TimeFunc::TimestampAdd),
    ("DATE_ADD", TimeFunc::DateAdd),
    ("DATE_SUB", TimeFunc::DateSub),
    ("ADDDATE", TimeFunc::AddDate),
    ("SUBDATE", TimeFunc::SubDate),
    ("ADDTIME", TimeFunc::AddTime),
    ("SUBTIME", TimeFunc::SubTime),
    ("MAKEDATE", TimeFunc::MakeDate),
    ("MAKETIME", TimeFunc::MakeTime),
    ("SEC_TO_TIME", TimeFunc::SecToTime),
    ("TIME_TO_SEC", TimeFunc::TimeToSec),
    ("TO_DAYS", TimeFunc::ToDays),
    ("FROM_DAYS", TimeFunc::FromDays),
    ("TO_SECONDS", TimeFunc::ToSeconds),
    ("CONVERT_TZ", TimeFunc::ConvertTz),
    ("EXTRACT", TimeFunc::Extract),
    ("PERIOD_ADD", TimeFunc::PeriodAdd),
    ("PERIOD_DIFF", TimeFunc::PeriodDiff),
    ("GET_FORMAT", TimeFunc::GetFormat),
];

/// ER_TOO_BIG_PRECISION (1426).
fn too_big_precision(n: i64, func: &str) -> EngineError {
    EngineError::new(
        1426,
        "42000",
        format!("Too-big precision {n} specified for '{func}'. Maximum is 6."),
    )
}

/// ER_WRONG_ARGUMENTS (1210) for PERIOD_ADD/PERIOD_DIFF.
fn wrong_arguments(func: &str) -> EngineError {
    EngineError::new(1210, "HY000", format!("Incorrect arguments to {func}"))
}

fn utf8_varchar(chars: u32) -> SqlType {
    SqlType::varchar(chars, Collation::Utf8mb4_0900_ai_ci)
}

fn int_type(chars: u32) -> SqlType {
    SqlType {
        length: chars,
        ..SqlType::bigint()
    }
}

fn temporal_type(base: BaseType, fsp: u8) -> SqlType {
    SqlType {
        scale: if base == BaseType::Date {
            0
        } else {
            fsp.min(6)
        },
        ..SqlType::new(base)
    }
}

/// MySQL's `Item::decimals` of an argument (31 = not fixed), from its constant value or type.
fn arg_decimals(t: Option<&SqlType>, c: Option<&Value>) -> u8 {
    match c {
        Some(Value::Int(_) | Value::UInt(_) | Value::Null | Value::Date(_)) => return 0,
        Some(Value::Decimal(d)) => return u8::try_from(d.scale.min(31)).unwrap_or(31),
        Some(Value::Double(_) | Value::Bytes(_)) => return 31,
        _ => {}
    }
    let Some(t) = t else { return 0 };
    match t.base {
        BaseType::Decimal
        | BaseType::Float
        | BaseType::Double
        | BaseType::Time
        | BaseType::DateTime
        | BaseType::Timestamp => t.scale,
        _ if t.is_string() => 31,
        _ => 0,
    }
}

/// MySQL's `Item::datetime_precision()`: a constant string's fractional digits, else the
/// argument's decimals capped at 6.
fn datetime_precision(t: Option<&SqlType>, c: Option<&Value>) -> u8 {
    if let Some(Value::Bytes(s)) = c
        && let Ok(p) = temporal::parse_datetime(s)
    {
        return p.fsp;
    }
    arg_decimals(t, c).min(6)
}

/// MySQL's `Item::time_precision()`.
fn time_precision(t: Option<&SqlType>, c: Option<&Value>) -> u8 {
    if let Some(Value::Bytes(s)) = c
        && let Ok(p) = temporal::parse_time(s)
    {
        return p.fsp;
    }
    arg_decimals(t, c).min(6)
}

/// DATE_FORMAT's result length for a constant format (MySQL's `format_length`).
fn format_length(fmt: &[u8]) -> u32 {
    let mut size: u32 = 0;
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] != b'%' || i + 1 == fmt.len() {
            size = size.saturating_add(1);
        } else {
            i += 1;
            size = size.saturating_add(match fmt[i] {
                b'M' | b'W' => 64,
                b'D' | b'Y' | b'x' | b'X' => 4,
                b'a' | b'b' => 32,
                b'j' => 3,
                b'U' | b'u' | b'V' | b'v' | b'y' | b'm' | b'd' | b'h' | b'I' | b'i' | b'l'
                | b'p' | b'S' | b's' | b'c' | b'e' => 2,
                b'k' | b'H' => 7,
                b'r' => 11,
                b'T' => 8,
                b'f' => 6,
                _ => 1,
            });
        }
        i += 1;
    }
    size
}

/// Result type of DATE_FORMAT-like functions given the format argument.
fn date_format_type(t: Option<&SqlType>, c: Option<&Value>) -> SqlType {
    const MAX_BLOB_WIDTH: u64 = 16_777_216;
    let chars = match c {
        Some(Value::Bytes(f)) => u64::from(format_length(f)),
        _ => t
            .map(|t| t.max_chars().min(MAX_BLOB_WIDTH).saturating_mul(10))
            .unwrap_or(MAX_BLOB_WIDTH)
            .min(MAX_BLOB_WIDTH),
    };
    utf8_varchar(u32::try_from(chars).unwrap_or(u32::MAX))
}

fn unit_of(v: Option<&Value>) -> Option<IntervalUnit> {
    match v {
        Some(Value::Bytes(b)) => IntervalUnit::from_name(std::str::from_utf8(b).ok()?),
        _ => None,
    }
}

/// The (date, value, unit) argument positions of the DATE_ADD family.
fn add_positions(f: TimeFunc, n: usize) -> (usize, usize, Option<usize>) {
    match f {
        TimeFunc::TimestampAdd => (2, 1, Some(0)),
        TimeFunc::AddDate | TimeFunc::SubDate if n == 2 => (0, 1, None),
        _ => (0, 1, Some(2)),
    }
}

/// Fractional digits an interval adds (MySQL: 6 for microsecond units, the value's decimals
/// for SECOND).
fn interval_decimals(unit: IntervalUnit, t: Option<&SqlType>, c: Option<&Value>) -> u8 {
    if unit.has_micros() {
        6
    } else if unit == IntervalUnit::Second {
        arg_decimals(t, c).min(6)
    } else {
        0
    }
}

fn is_date_type(t: &SqlType) -> bool {
    matches!(
        t.base,
        BaseType::Date | BaseType::DateTime | BaseType::Timestamp
    )
}

impl TimeFunc {
    /// The function for an upper-case name or alias (`CURRENT_DATE`, `DAYOFMONTH`, ...).
    pub(crate) fn lookup(upper_name: &str) -> Option<Self> {
        NAMES
            .iter()
            .find(|(n, _)| *n == upper_name)
            .map(|&(_, f)| f)
    }

    /// Canonical upper-case name for error messages.
    pub(crate) fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, f)| *f == self)
            .map(|&(n, _)| n)
            .unwrap_or("UNKNOWN")
    }

    /// MySQL's lower-case internal name (`func_name()`), used in some messages.
    fn internal_name(self) -> &'static str {
        match self {
            TimeFunc::Now => "now",
            TimeFunc::SysDate => "sysdate",
            TimeFunc::CurTime => "curtime",
            TimeFunc::UtcTime => "utc_time",
            TimeFunc::UtcTimestamp => "utc_timestamp",
            TimeFunc::PeriodAdd => "period_add",
            TimeFunc::PeriodDiff => "period_diff",
            TimeFunc::AddTime | TimeFunc::SubTime | TimeFunc::Timestamp => "add_time",
            TimeFunc::DateAdd
            | TimeFunc::DateSub
            | TimeFunc::AddDate
            | TimeFunc::SubDate
            | TimeFunc::TimestampAdd => "date_add_interval",
            _ => "",
        }
    }

    /// (min, max) argument counts; the caller reports ER 1582 on a mismatch.
    pub(crate) fn arity(self) -> (usize, usize) {
        use TimeFunc::*;
        match self {
            CurDate | UtcDate => (0, 0),
            Now | SysDate | CurTime | UtcTime | UtcTimestamp | UnixTimestamp => (0, 1),
            FromUnixtime | Timestamp | Week | YearWeek => (1, 2),
            Date | Time | Year | Month | Day | Hour | Minute | Second | Microsecond | DayOfWeek
            | WeekDay | DayOfYear | DayName | MonthName | WeekOfYear | Quarter | LastDay
            | SecToTime | TimeToSec | ToDays | FromDays | ToSeconds => (1, 1),
            DateFormat | TimeFormat | StrToDate | DateDiff | TimeDiff | AddTime | SubTime
            | MakeDate | Extract | PeriodAdd | PeriodDiff | GetFormat => (2, 2),
            AddDate | SubDate => (2, 3),
            TimestampDiff | TimestampAdd | DateAdd | DateSub | MakeTime | ConvertTz => (3, 3),
        }
    }

    /// Result type given argument types (MySQL's metadata): NOW(3) → DATETIME(3) (fsp from the
    /// constant argument), CURDATE() → DATE, DATE_FORMAT → VARCHAR, DATEDIFF → BIGINT,
    /// DATE_ADD(<string>, ...) → VARCHAR, UNIX_TIMESTAMP(<value with fraction>) → DECIMAL ...
    /// `arg_consts[i]` is the value of argument `i` when it is a constant.
    pub(crate) fn return_type(self, args: &[SqlType], arg_consts: &[Option<Value>]) -> SqlType {
        use TimeFunc::*;
        let ty = |i: usize| args.get(i);
        let cv = |i: usize| arg_consts.get(i).and_then(Option::as_ref);
        let fsp_const = || match cv(0) {
            Some(v) => u8::try_from(v.to_i64().unwrap_or(0).clamp(0, 6)).unwrap_or(0),
            None => 0,
        };
        match self {
            Now | SysDate | UtcTimestamp => temporal_type(BaseType::DateTime, fsp_const()),
            CurDate | UtcDate | Date | LastDay | FromDays | MakeDate => {
                SqlType::new(BaseType::Date)
            }
            CurTime | UtcTime => temporal_type(BaseType::Time, fsp_const()),
            UnixTimestamp => {
                if args.is_empty() && arg_consts.is_empty() {
                    return SqlType::bigint();
                }
                let dec = datetime_precision(ty(0), cv(0));
                if dec > 0 {
                    SqlType::decimal(11 + u32::from(dec), dec)
                } else {
                    SqlType::bigint()
                }
            }
            FromUnixtime => {
                if args.len().max(arg_consts.len()) >= 2 {
                    date_format_type(ty(1), cv(1))
                } else {
                    temporal_type(BaseType::DateTime, arg_decimals(ty(0), cv(0)).min(6))
                }
            }
            Time => temporal_type(BaseType::Time, time_precision(ty(0), cv(0))),
            Timestamp => {
                let mut fsp = datetime_precision(ty(0), cv(0));
                if args.len().max(arg_consts.len()) >= 2 {
                    fsp = fsp.max(time_precision(ty(1), cv(1)));
                }
                temporal_type(BaseType::DateTime, fsp)
            }
            Year => int_type(5),
            Month | Day | Minute | Second | Week | WeekOfYear => int_type(3),
            Hour | DayOfYear => int_type(4),
            Quarter | DayOfWeek | WeekDay => int_type(2),
            YearWeek => int_type(7),
            ToDays => int_type(8),
            TimeToSec => int_type(10),
            Microsecond | ToSeconds | DateDiff | TimestampDiff | PeriodAdd | PeriodDiff => {
                SqlType::bigint()
            }
            DayName | MonthName => utf8_varchar(9),
            GetFormat => utf8_varchar(17),
            DateFormat | TimeFormat => date_format_type(ty(1), cv(1)),
            StrToDate => match cv(1) {
                Some(Value::Bytes(f)) => {
                    let (kind, fsp) = temporal::str_to_date_kind(f);
                    match kind {
                        TemporalKind::Date => SqlType::new(BaseType::Date),
                        TemporalKind::Time => temporal_type(BaseType::Time, fsp),
                        TemporalKind::DateTime => temporal_type(BaseType::DateTime, fsp),
                    }
                }
                _ => temporal_type(BaseType::DateTime, 6),
            },
            TimeDiff => temporal_type(
                BaseType::Time,
                time_precision(ty(0), cv(0)).max(time_precision(ty(1), cv(1))),
            ),
            AddTime | SubTime => {
                let base = ty(0).map(|t| t.base);
                let t1 = time_precision(ty(1), cv(1));
                match base {
                    Some(BaseType::Time) => {
                        temporal_type(BaseType::Time, time_precision(ty(0), cv(0)).max(t1))
                    }
                    Some(BaseType::DateTime | BaseType::Timestamp | BaseType::Date) => {
                        temporal_type(BaseType::DateTime, datetime_precision(ty(0), cv(0)).max(t1))
                    }
                    _ => utf8_varchar(29),
                }
            }
            DateAdd | DateSub | AddDate | SubDate | TimestampAdd => {
                let n = args.len().max(arg_consts.len());
                let (d, v, u) = add_positions(self, n);
                let unit = match u {
                    Some(u) => unit_of(cv(u)).unwrap_or(IntervalUnit::Day),
                    None => IntervalUnit::Day,
                };
                let idec = interval_decimals(unit, ty(v), cv(v));
                match ty(d).map(|t| t.base) {
                    Some(BaseType::DateTime | BaseType::Timestamp) => temporal_type(
                        BaseType::DateTime,
                        datetime_precision(ty(d), cv(d)).max(idec),
                    ),
                    Some(BaseType::Date) => {
                        if unit.is_date_only() {
                            SqlType::new(BaseType::Date)
                        } else {
                            temporal_type(BaseType::DateTime, idec)
                        }
                    }
                    Some(BaseType::Time) => {
                        if unit.is_time_only() {
                            temporal_type(BaseType::Time, time_precision(ty(d), cv(d)).max(idec))
                        } else {
                            temporal_type(
                                BaseType::DateTime,
                                datetime_precision(ty(d), cv(d)).max(idec),
                            )
                        }
                    }
                    _ => utf8_varchar(29),
                }
            }
            MakeTime => temporal_type(BaseType::Time, arg_decimals(ty(2), cv(2)).min(6)),
            SecToTime => temporal_type(BaseType::Time, arg_decimals(ty(0), cv(0)).min(6)),
            ConvertTz => temporal_type(BaseType::DateTime, datetime_precision(ty(0), cv(0))),
            Extract => int_type(match unit_of(cv(0)) {
                Some(IntervalUnit::Year) => 5,
                Some(IntervalUnit::YearMonth) => 7,
                Some(IntervalUnit::Quarter) => 2,
                Some(IntervalUnit::Hour) => 4,
                Some(IntervalUnit::DayHour | IntervalUnit::SecondMicrosecond) => 9,
                Some(IntervalUnit::DayMinute | IntervalUnit::MinuteMicrosecond) => 11,
                Some(IntervalUnit::DaySecond) => 13,
                Some(IntervalUnit::HourMinute) => 6,
                Some(IntervalUnit::HourSecond) => 8,
                Some(IntervalUnit::MinuteSecond) => 5,
                Some(IntervalUnit::Microsecond) => 7,
                Some(IntervalUnit::DayMicrosecond) => 20,
                Some(IntervalUnit::HourMicrosecond) => 14,
                _ => 3,
            }),
        }
    }

    /// Evaluates with already-evaluated arguments. NULL arguments give NULL; invalid input gives
    /// NULL plus a warning through `ctx.warn` (1292 `Incorrect datetime value: '...'`, 1441
    /// `Datetime function: datetime field overflow`, 1411 for STR_TO_DATE). Errors are only what
    /// MySQL raises as errors: a precision over 6 (1426), a bad PERIOD_ADD period (1210), an
    /// unknown unit, or a wrong argument count (1582).
    pub(crate) fn eval(self, args: &[Value], ctx: &mut dyn FuncCtx) -> Result<Value, EngineError> {
        use TimeFunc::*;
        let (min, max) = self.arity();
        if args.len() < min || args.len() > max {
            return Err(EngineError::wrong_param_count(self.name()));
        }
        if args.iter().any(Value::is_null) {
            return Ok(Value::Null);
        }
        let a = |i: usize| args.get(i).unwrap_or(&Value::Null);
        let strict_dates = temporal::sql_mode_no_zero_dates(ctx);
        let cast_flags = DateFlags {
            fuzzy: true,
            no_zero_date: strict_dates,
            no_zero_in_date: strict_dates,
        };
        let fuzzy = DateFlags::FUZZY;
        let strict = DateFlags::STRICT;
        let int = |v: Option<i64>| Ok(v.map_or(Value::Null, Value::Int));
        match self {
            Now | SysDate | UtcTimestamp => {
                let fsp = self.fsp_arg(args)?;
                let now = match self {
                    Now => ctx.now(),
                    UtcTimestamp => ctx.utc_now(),
                    _ => match system_now(ctx.tz_offset_secs()) {
                        Some(dt) => dt,
                        None => ctx.now(),
                    },
                };
                Ok(Value::DateTime(temporal::truncate_datetime(now, fsp)))
            }
            CurDate => Ok(Value::Date(ctx.now().date)),
            UtcDate => Ok(Value::Date(ctx.utc_now().date)),
            CurTime | UtcTime => {
                let fsp = self.fsp_arg(args)?;
                let now = if self == CurTime {
                    ctx.now()
                } else {
                    ctx.utc_now()
                };
                Ok(Value::Time(temporal::truncate_time(now.time(), fsp)))
            }
            UnixTimestamp => Ok(unix_timestamp(args.first(), ctx)),
            FromUnixtime => Ok(from_unixtime(a(0), args.get(1), ctx)),
            Date => Ok(temporal::value_to_datetime(a(0), cast_flags, ctx)
                .map_or(Value::Null, |(dt, _)| Value::Date(dt.date))),
            Time => {
                Ok(temporal::value_to_time(a(0), ctx).map_or(Value::Null, |t| Value::Time(t.time)))
            }
            Timestamp => {
                if args.len() == 2 {
                    return Ok(add_time(self, a(0), a(1), true, ctx));
                }
                Ok(temporal::value_to_datetime(a(0), cast_flags, ctx)
                    .map_or(Value::Null, |(dt, _)| Value::DateTime(dt)))
            }
            Year => int(date_arg(a(0), fuzzy, ctx).map(|d| i64::from(d.date.year))),
            Month => int(date_arg(a(0), fuzzy, ctx).map(|d| i64::from(d.date.month))),
            Day => int(date_arg(a(0), fuzzy, ctx).map(|d| i64::from(d.date.day))),
            Quarter => int(date_arg(a(0), fuzzy, ctx).map(|d| (i64::from(d.date.month) + 2) / 3)),
            Hour => int(temporal::value_to_time(a(0), ctx).map(|t| i64::from(t.time.hours()))),
            Minute => int(temporal::value_to_time(a(0), ctx).map(|t| i64::from(t.time.minutes()))),
            Second => int(temporal::value_to_time(a(0), ctx).map(|t| i64::from(t.time.seconds()))),
            Microsecond => {
                int(temporal::value_to_time(a(0), ctx).map(|t| i64::from(t.time.micro())))
            }
            DayOfWeek => {
                int(date_arg(a(0), strict, ctx).map(|d| i64::from(temporal::day_of_week(d.date))))
            }
            WeekDay => {
                int(date_arg(a(0), strict, ctx).map(|d| i64::from(temporal::weekday(d.date))))
            }
            DayOfYear => int(date_arg(a(0), strict, ctx).map(|d| temporal::day_of_year(d.date))),
            DayName => Ok(date_arg(a(0), strict, ctx).map_or(Value::Null, |d| {
                let name = temporal::DAY_NAMES
                    .get(usize::from(temporal::weekday(d.date)))
                    .copied()
                    .unwrap_or("");
                Value::str(name)
            })),
            MonthName => Ok(date_arg(a(0), fuzzy, ctx)
                .and_then(|d| {
                    temporal::MONTH_NAMES
                        .get(usize::from(d.date.month).checked_sub(1)?)
                        .copied()
                })
                .map_or(Value::Null, Value::str)),
            Week | WeekOfYear | YearWeek => {
                let mode = match self {
                    WeekOfYear => 3,
                    _ => match args.get(1) {
                        Some(m) => mode_of(m),
                        None => 0,
                    },
                };
                int(date_arg(a(0), strict, ctx).map(|d| {
                    if self == YearWeek {
                        i64::from(temporal::yearweek(d.date, mode))
                    } else {
                        i64::from(temporal::week(d.date, mode))
                    }
                }))
            }
            LastDay => {
                let Some(dt) = date_arg(a(0), fuzzy, ctx) else {
                    return Ok(Value::Null);
                };
                match dt.date.last_day_of_month() {
                    Some(d) => Ok(Value::Date(d)),
                    None => {
                        ctx.warn(
                            WARN_TRUNCATED_WRONG_VALUE,
                            format!("Incorrect datetime value: '{}'", dt.date),
                        );
                        Ok(Value::Null)
                    }
                }
            }
            DateFormat => {
                let fmt = text_of(a(1));
                if fmt.is_empty() {
                    return Ok(Value::Null);
                }
                Ok(date_arg(a(0), fuzzy, ctx)
                    .and_then(|dt| temporal::date_format(&dt, &fmt))
                    .map_or(Value::Null, Value::str))
            }
            TimeFormat => {
                let fmt = text_of(a(1));
                if fmt.is_empty() {
                    return Ok(Value::Null);
                }
                Ok(temporal::value_to_time(a(0), ctx)
                    .and_then(|t| temporal::time_format(&t.time, &fmt))
                    .map_or(Value::Null, Value::str))
            }
            StrToDate => {
                let s = text_of(a(0));
                let fmt = text_of(a(1));
                let mut warnings = Vec::new();
                let v =
                    temporal::str_to_date(&s, &fmt, cast_flags, &mut |c, m| warnings.push((c, m)));
                for (c, m) in warnings {
                    ctx.warn(c, m);
                }
                Ok(v.unwrap_or(Value::Null))
            }
            DateDiff => {
                let x = date_arg(a(0), strict, ctx);
                let y = date_arg(a(1), strict, ctx);
                int(x
                    .zip(y)
                    .map(|(x, y)| x.date.day_number() - y.date.day_number()))
            }
            TimeDiff => Ok(time_diff(a(0), a(1), ctx)),
            TimestampDiff => {
                let unit = self.unit_arg(a(0))?;
                let x = date_arg(a(1), strict, ctx);
                let y = date_arg(a(2), strict, ctx);
                int(x.zip(y).and_then(|(x, y)| timestamp_diff(unit, &x, &y)))
            }
            DateAdd | DateSub | AddDate | SubDate | TimestampAdd => {
                let (d, v, u) = add_positions(self, args.len());
                let unit = match u {
                    Some(u) => self.unit_arg(a(u))?,
                    None => IntervalUnit::Day,
                };
                let negate = matches!(self, DateSub | SubDate);
                Ok(date_add(a(d), a(v), unit, negate, ctx))
            }
            AddTime | SubTime => Ok(add_time(self, a(0), a(1), false, ctx)),
            MakeDate => {
                let (Some(year), Some(doy)) = (a(0).to_i64(), a(1).to_i64()) else {
                    return Ok(Value::Null);
                };
                if !(0..=9999).contains(&year) || doy <= 0 || doy > MAX_DAY_NUMBER {
                    return Ok(Value::Null);
                }
                let year = if year < 100 {
                    if year < 70 { year + 2000 } else { year + 1900 }
                } else {
                    year
                };
                let days = temporal::days_from_civil(year, 1, 1) + doy - 1;
                if !(0..=MAX_DAY_NUMBER).contains(&days) {
                    return Ok(Value::Null);
                }
                Ok(Value::Date(temporal::civil_from_days(days)))
            }
            MakeTime => Ok(make_time(a(0), a(1), a(2), ctx)),
            SecToTime => Ok(sec_to_time(a(0), ctx)),
            TimeToSec => int(temporal::value_to_time(a(0), ctx).map(|t| {
                let s = i64::from(t.time.hours()) * 3600
                    + i64::from(t.time.minutes()) * 60
                    + i64::from(t.time.seconds());
                if t.time.is_negative() { -s } else { s }
            })),
            ToDays => int(date_arg(a(0), strict, ctx).map(|d| d.date.day_number())),
            FromDays => Ok(a(0)
                .to_i64()
                .map_or(Value::Null, |n| Value::Date(temporal::civil_from_days(n)))),
            ToSeconds => int(date_arg(a(0), strict, ctx).map(|d| {
                d.date.day_number() * 86_400
                    + i64::from(d.hour) * 3600
                    + i64::from(d.minute) * 60
                    + i64::from(d.second)
            })),
            ConvertTz => {
                let from = temporal::parse_tz_offset(&text_of(a(1)));
                let to = temporal::parse_tz_offset(&text_of(a(2)));
                let (Some(from), Some(to)) = (from, to) else {
                    return Ok(Value::Null);
                };
                let Some(dt) = date_arg(a(0), strict, ctx) else {
                    return Ok(Value::Null);
                };
                let us = temporal::datetime_to_epoch_micros(&dt, from);
                let secs = us.div_euclid(MICROS_PER_SEC);
                if !(1..=MAX_EPOCH_SECS).contains(&secs) {
                    return Ok(Value::DateTime(dt));
                }
                Ok(temporal::datetime_from_epoch_micros(us, to)
                    .map_or(Value::DateTime(dt), Value::DateTime))
            }
            Extract => {
                let unit = self.unit_arg(a(0))?;
                Ok(extract(unit, a(1), ctx))
            }
            PeriodAdd | PeriodDiff => {
                let (Some(p), Some(n)) = (a(0).to_i64(), a(1).to_i64()) else {
                    return Ok(Value::Null);
                };
                if !valid_period(p) || (self == PeriodDiff && !valid_period(n)) {
                    return Err(wrong_arguments(self.internal_name()));
                }
                let m = period_to_month(p.unsigned_abs());
                if self == PeriodDiff {
                    let m2 = period_to_month(n.unsigned_abs());
                    return Ok(Value::Int((m as i64).wrapping_sub(m2 as i64)));
                }
                Ok(Value::Int(month_to_period(m.wrapping_add(n as u64)) as i64))
            }
            GetFormat => {
                let kind = String::from_utf8_lossy(&text_of(a(0))).into_owned();
                Ok(temporal::get_format(&kind, &text_of(a(1))).map_or(Value::Null, Value::str))
            }
        }
    }

    /// The fractional-seconds precision argument of NOW(fsp) & co.
    fn fsp_arg(self, args: &[Value]) -> Result<u8, EngineError> {
        let Some(v) = args.first() else {
            return Ok(0);
        };
        let n = v.to_i64().unwrap_or(0);
        if !(0..=6).contains(&n) {
            return Err(too_big_precision(n, self.internal_name()));
        }
        Ok(u8::try_from(n).unwrap_or(0))
    }

    /// A unit keyword argument.
    fn unit_arg(self, v: &Value) -> Result<IntervalUnit, EngineError> {
        let unit = unit_of(Some(v)).ok_or_else(|| EngineError::wrong_arguments(self.name()))?;
        if matches!(self, TimeFunc::TimestampDiff | TimeFunc::TimestampAdd) && !unit.is_simple() {
            return Err(EngineError::wrong_arguments(self.name()));
        }
        Ok(unit)
    }
}

/// The real current time in the session zone (SYSDATE()).
fn system_now(tz_offset_secs: i64) -> Option<DateTime> {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let us = i64::try_from(d.as_micros()).ok()?;
    temporal::datetime_from_epoch_micros(us, tz_offset_secs)
}

/// Text of a value (NULL → empty).
fn text_of(v: &Value) -> Vec<u8> {
    v.to_text().unwrap_or_default()
}

/// A WEEK() mode argument (only its low bits matter).
fn mode_of(v: &Value) -> u32 {
    (v.to_i64().unwrap_or(0) & 0xffff_ffff) as u32
}

/// An argument read as DATE/DATETIME with the caller's zero-date rules.
fn date_arg(v: &Value, flags: DateFlags, ctx: &mut dyn FuncCtx) -> Option<DateTime> {
    temporal::value_to_datetime(v, flags, ctx).map(|(dt, _)| dt)
}

fn dec_value(mant: i128, scale: u32) -> Value {
    Value::Decimal(Dec { mant, scale })
}

/// How many fractional digits a value carries for UNIX_TIMESTAMP()'s DECIMAL result.
fn value_fsp(v: &Value) -> u8 {
    match v {
        Value::Bytes(s) => temporal::parse_datetime(s).map(|p| p.fsp).unwrap_or(0),
        Value::Decimal(d) => u8::try_from(d.scale.min(6)).unwrap_or(6),
        Value::Double(_) => 6,
        Value::DateTime(dt) if dt.micro != 0 => 6,
        Value::Time(t) if t.micros % MICROS_PER_SEC != 0 => 6,
        _ => 0,
    }
}

fn unix_timestamp(arg: Option<&Value>, ctx: &mut dyn FuncCtx) -> Value {
    let Some(v) = arg else {
        let us = temporal::datetime_to_epoch_micros(&ctx.utc_now(), 0);
        return Value::Int(us.div_euclid(MICROS_PER_SEC));
    };
    let dec = value_fsp(v);
    let (secs, micro) = match temporal::value_to_datetime(v, DateFlags::FUZZY, ctx) {
        None => (0, 0),
        Some((dt, _)) => {
            if dt.date.has_zero_part() {
                (0, 0)
            } else {
                let us = temporal::datetime_to_epoch_micros(&dt, ctx.tz_offset_secs());
                let secs = us.div_euclid(MICROS_PER_SEC);
                if (1..=MAX_EPOCH_SECS).contains(&secs) {
                    (secs, us.rem_euclid(MICROS_PER_SEC))
                } else {
                    (0, 0)
                }
            }
        }
    };
    if dec == 0 {
        return Value::Int(secs);
    }
    let scale = u32::from(dec);
    let frac = i128::from(micro) / 10i128.pow(6 - scale);
    dec_value(i128::from(secs) * 10i128.pow(scale) + frac, scale)
}

fn from_unixtime(ts: &Value, fmt: Option<&Value>, ctx: &mut dyn FuncCtx) -> Value {
    let decimals = match ts {
        Value::Int(_) | Value::UInt(_) => 0,
        Value::Decimal(d) => d.scale.min(6),
        _ => 6,
    };
    let (quot, rem) = if decimals > 0 {
        match ts.to_dec().and_then(temporal::split_dec) {
            Some(qr) => qr,
            None => return Value::Null,
        }
    } else {
        (ts.to_i64().unwrap_or(0), 0)
    };
    if !(0..=MAX_EPOCH_SECS).contains(&quot) || rem < 0 {
        return Value::Null;
    }
    let us = quot * MICROS_PER_SEC + rem / 1000 + i64::from(rem % 1000 >= 500);
    let Some(dt) = temporal::datetime_from_epoch_micros(us, ctx.tz_offset_secs()) else {
        return Value::Null;
    };
    match fmt {
        None => Value::DateTime(dt),
        Some(f) => {
            let f = text_of(f);
            if f.is_empty() {
                return Value::Null;
            }
            temporal::date_format(&dt, &f).map_or(Value::Null, Value::str)
        }
    }
}

/// Text of a time value for messages and string results (`-838:59:59`, hours unbounded).
fn time_text(neg: bool, total_micros: u128, fsp: u8) -> String {
    let secs = total_micros / 1_000_000;
    let micro = total_micros % 1_000_000;
    let mut s = format!(
        "{}{:02}:{:02}:{:02}",
        if neg { "-" } else { "" },
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if fsp > 0 {
        let digits = format!("{micro:06}");
        s.push('.');
        s.push_str(digits.get(..usize::from(fsp.min(6))).unwrap_or(""));
    }
    s
}

/// A signed-microsecond TIME result: clamped to ±838:59:59 with warning 1292
/// `Truncated incorrect time value: '<unclamped>'` (MySQL's `adjust_time_range_with_warn`).
fn time_result(us: i128, ctx: &mut dyn FuncCtx) -> Time {
    let (t, clamped) = Time::from_micros_clamped(us);
    if clamped {
        let fsp = if us % 1_000_000 != 0 { 6 } else { 0 };
        ctx.warn(
            WARN_TRUNCATED_WRONG_VALUE,
            format!(
                "Truncated incorrect time value: '{}'",
                time_text(us < 0, us.unsigned_abs(), fsp)
            ),
        );
    }
    t
}

fn datetime_string(dt: &DateTime) -> Value {
    let fsp = if dt.micro != 0 { 6 } else { 0 };
    Value::str(dt.display(fsp).to_string())
}

fn time_string(t: &Time) -> Value {
    let fsp = if t.micros % MICROS_PER_SEC != 0 { 6 } else { 0 };
    Value::str(t.display(fsp).to_string())
}

fn time_diff(x: &Value, y: &Value, ctx: &mut dyn FuncCtx) -> Value {
    let has_date = |v: &Value| matches!(v, Value::Date(_) | Value::DateTime(_));
    if (has_date(x) && matches!(y, Value::Time(_))) || (has_date(y) && matches!(x, Value::Time(_)))
    {
        return Value::Null;
    }
    let diff = if has_date(x) || has_date(y) {
        let a = temporal::value_to_datetime(x, DateFlags::FUZZY, ctx);
        let b = temporal::value_to_datetime(y, DateFlags::FUZZY, ctx);
        let (Some((a, _)), Some((b, _))) = (a, b) else {
            return Value::Null;
        };
        i128::from(a.total_micros()) - i128::from(b.total_micros())
    } else {
        let a = temporal::value_to_time(x, ctx);
        let b = temporal::value_to_time(y, ctx);
        let (Some(a), Some(b)) = (a, b) else {
            return Value::Null;
        };
        match (a.datetime, b.datetime) {
            (Some(a), Some(b)) => i128::from(a.total_micros()) - i128::from(b.total_micros()),
            (None, None) => i128::from(a.time.micros) - i128::from(b.time.micros),
            _ => return Value::Null,
        }
    };
    Value::Time(time_result(diff, ctx))
}

/// ADDTIME / SUBTIME / TIMESTAMP(expr, time).
fn add_time(f: TimeFunc, x: &Value, y: &Value, timestamp: bool, ctx: &mut dyn FuncCtx) -> Value {
    let sign: i128 = if f == TimeFunc::SubTime { -1 } else { 1 };
    let Some(t2) = temporal::value_to_time(y, ctx) else {
        return Value::Null;
    };
    if t2.datetime.is_some() {
        return Value::Null;
    }
    let t1: TimeArg = if timestamp {
        let Some((dt, _)) = temporal::value_to_datetime(x, DateFlags::FUZZY, ctx) else {
            return Value::Null;
        };
        TimeArg {
            time: dt.time(),
            datetime: Some(dt),
        }
    } else {
        let Some(t1) = temporal::value_to_time(x, ctx) else {
            return Value::Null;
        };
        t1
    };
    let as_string = !timestamp && !x.is_temporal();
    match t1.datetime {
        None => {
            let t = time_result(
                i128::from(t1.time.micros) + sign * i128::from(t2.time.micros),
                ctx,
            );
            if as_string {
                time_string(&t)
            } else {
                Value::Time(t)
            }
        }
        Some(dt) => {
            let us = i128::from(dt.total_micros()) + sign * i128::from(t2.time.micros);
            if us < 0 {
                return Value::Null;
            }
            let days = us / i128::from(MICROS_PER_DAY);
            if days > i128::from(MAX_DAY_NUMBER) && days < 3_652_500 {
                ctx.warn(
                    WARN_DATETIME_OVERFLOW,
                    temporal::overflow_message(f.internal_name()),
                );
                return Value::Null;
            }
            let Some(res) = i64::try_from(us).ok().and_then(DateTime::from_total_micros) else {
                return Value::Null;
            };
            if res.date.day == 0 {
                return Value::Null;
            }
            if as_string {
                datetime_string(&res)
            } else {
                Value::DateTime(res)
            }
        }
    }
}

/// DATE_ADD / DATE_SUB and their synonyms.
fn date_add(
    d: &Value,
    v: &Value,
    unit: IntervalUnit,
    negate: bool,
    ctx: &mut dyn FuncCtx,
) -> Value {
    let overflow = |ctx: &mut dyn FuncCtx, what: &str| {
        ctx.warn(WARN_DATETIME_OVERFLOW, temporal::overflow_message(what));
        Value::Null
    };
    if let Value::Time(t) = d
        && unit.is_time_only()
    {
        let Some(iv) = Interval::from_value(v, unit) else {
            return overflow(ctx, "date_add_interval");
        };
        return match temporal::add_interval_to_time(*t, &iv, negate) {
            Some(t) => Value::Time(t),
            None => overflow(ctx, "time"),
        };
    }
    let Some((dt, kind)) = temporal::value_to_datetime(d, DateFlags::STRICT, ctx) else {
        return Value::Null;
    };
    let Some(iv) = Interval::from_value(v, unit) else {
        return overflow(ctx, "date_add_interval");
    };
    let Some(res) = temporal::add_interval(dt, &iv, negate) else {
        return overflow(ctx, "datetime");
    };
    let keeps_date = unit.is_date_only();
    match d {
        Value::Date(_) if keeps_date => Value::Date(res.date),
        Value::Date(_) | Value::DateTime(_) | Value::Time(_) => Value::DateTime(res),
        _ => {
            if kind == TemporalKind::Date && keeps_date {
                Value::str(res.date.to_string())
            } else {
                datetime_string(&res)
            }
        }
    }
}

/// TIMESTAMPDIFF(unit, a, b): b - a in whole units (months counted by calendar, like MySQL).
fn timestamp_diff(unit: IntervalUnit, a: &DateTime, b: &DateTime) -> Option<i64> {
    let diff = i128::from(b.total_micros()) - i128::from(a.total_micros());
    let neg: i128 = if diff < 0 { -1 } else { 1 };
    let mag = diff.abs();
    let seconds = mag / 1_000_000;
    let months = if matches!(
        unit,
        IntervalUnit::Year | IntervalUnit::Quarter | IntervalUnit::Month
    ) {
        let (beg, end) = if diff < 0 { (b, a) } else { (a, b) };
        let sec = |t: &DateTime| {
            i64::from(t.hour) * 3600 + i64::from(t.minute) * 60 + i64::from(t.second)
        };
        let (yb, ye) = (i128::from(beg.date.year), i128::from(end.date.year));
        let (mb, me) = (i128::from(beg.date.month), i128::from(end.date.month));
        let (db, de) = (beg.date.day, end.date.day);
        let before = me < mb || (me == mb && de < db);
        let mut years = ye - yb;
        if before {
            years -= 1;
        }
        let mut months = 12 * years;
        if before {
            months += 12 - (mb - me);
        } else {
            months += me - mb;
        }
        if de < db
            || (de == db
                && (sec(end) < sec(beg) || (sec(end) == sec(beg) && end.micro < beg.micro)))
        {
            months -= 1;
        }
        months
    } else {
        0
    };
    let r = match unit {
        IntervalUnit::Year => months / 12,
        IntervalUnit::Quarter => months / 3,
        IntervalUnit::Month => months,
        IntervalUnit::Week => seconds / 86_400 / 7,
        IntervalUnit::Day => seconds / 86_400,
        IntervalUnit::Hour => seconds / 3600,
        IntervalUnit::Minute => seconds / 60,
        IntervalUnit::Second => seconds,
        IntervalUnit::Microsecond => mag,
        _ => return None,
    };
    i64::try_from(r * neg).ok()
}

fn make_time(h: &Value, m: &Value, s: &Value, ctx: &mut dyn FuncCtx) -> Value {
    let (Some(hour), Some(minute), Some(sec)) = (h.to_i64(), m.to_i64(), s.to_dec()) else {
        return Value::Null;
    };
    let Some((q, rem)) = temporal::split_dec(sec) else {
        return Value::Null;
    };
    if !(0..=59).contains(&minute) || !(0..=59).contains(&q) || rem < 0 {
        return Value::Null;
    }
    let neg = hour < 0 || matches!(h, Value::UInt(u) if *u > i64::MAX as u64);
    let hour_mag = match h {
        Value::UInt(u) => *u,
        _ => hour.unsigned_abs(),
    };
    let mag = (i128::from(hour_mag) * 3600 + i128::from(minute) * 60 + i128::from(q)) * 1_000_000
        + i128::from(rem / 1000)
        + i128::from(rem % 1000 >= 500);
    let (t, clamped) = Time::from_micros_clamped(if neg { -mag } else { mag });
    if clamped {
        let mut text = format!(
            "{}{}:{:02}:{:02}",
            if neg { "-" } else { "" },
            hour_mag,
            minute,
            q
        );
        if rem != 0 {
            let scale = sec.scale.min(9);
            let digits = format!("{rem:09}");
            text.push('.');
            text.push_str(
                digits
                    .get(..usize::try_from(scale).unwrap_or(6))
                    .unwrap_or(""),
            );
        }
        ctx.warn(
            WARN_TRUNCATED_WRONG_VALUE,
            format!("Truncated incorrect time value: '{text}'"),
        );
    }
    Value::Time(t)
}

fn sec_to_time(v: &Value, ctx: &mut dyn FuncCtx) -> Value {
    let Some(d) = v.to_dec() else {
        return Value::Null;
    };
    let warn = |ctx: &mut dyn FuncCtx| {
        ctx.warn(
            WARN_TRUNCATED_WRONG_VALUE,
            format!(
                "Truncated incorrect time value: '{}'",
                temporal::warning_text(v)
            ),
        );
    };
    let Some((q, rem)) = temporal::split_dec(d) else {
        warn(ctx);
        return Value::Time(if d.mant < 0 {
            Time {
                micros: -Time::MAX.micros,
            }
        } else {
            Time::MAX
        });
    };
    let neg = q < 0 || rem < 0;
    let mag = i128::from(q.unsigned_abs()) * 1_000_000
        + i128::from(rem.unsigned_abs() / 1000)
        + i128::from(rem.unsigned_abs() % 1000 >= 500);
    let (t, clamped) = Time::from_micros_clamped(if neg { -mag } else { mag });
    if clamped {
        warn(ctx);
    }
    Value::Time(t)
}

fn extract(unit: IntervalUnit, v: &Value, ctx: &mut dyn FuncCtx) -> Value {
    use IntervalUnit::*;
    if matches!(unit, Year | YearMonth | Quarter | Month | Week | Day) {
        let Some(dt) = date_arg(v, DateFlags::FUZZY, ctx) else {
            return Value::Null;
        };
        let d = dt.date;
        return Value::Int(match unit {
            Year => i64::from(d.year),
            YearMonth => i64::from(d.year) * 100 + i64::from(d.month),
            Quarter => (i64::from(d.month) + 2) / 3,
            Month => i64::from(d.month),
            Week => i64::from(temporal::week(d, 0)),
            _ => i64::from(d.day),
        });
    }
    let Some(t) = temporal::value_to_time(v, ctx) else {
        return Value::Null;
    };
    let (neg, day, hour) = match t.datetime {
        Some(dt) => (1, i128::from(dt.date.day), i128::from(dt.hour)),
        None => (
            if t.time.is_negative() { -1 } else { 1 },
            0,
            i128::from(t.time.hours()),
        ),
    };
    let minute = i128::from(t.time.minutes());
    let second = i128::from(t.time.seconds());
    let micro = i128::from(t.time.micro());
    let hms = hour * 10_000 + minute * 100 + second;
    let r = neg
        * match unit {
            DayHour => day * 100 + hour,
            DayMinute => day * 10_000 + hour * 100 + minute,
            DaySecond => day * 1_000_000 + hms,
            Hour => hour,
            HourMinute => hour * 100 + minute,
            HourSecond => hms,
            Minute => minute,
            MinuteSecond => minute * 100 + second,
            Second => second,
            Microsecond => micro,
            DayMicrosecond => (day * 1_000_000 + hms) * 1_000_000 + micro,
            HourMicrosecond => hms * 1_000_000 + micro,
            MinuteMicrosecond => (minute * 100 + second) * 1_000_000 + micro,
            _ => second * 1_000_000 + micro,
        };
    i64::try_from(r).map_or(Value::Null, Value::Int)
}

/// MySQL's `valid_period`: YYMM or YYYYMM with a month 1..=12.
fn valid_period(p: i64) -> bool {
    p > 0 && p % 100 != 0 && p % 100 <= 12
}

/// MySQL's `convert_period_to_month` (unsigned arithmetic).
fn period_to_month(period: u64) -> u64 {
    if period == 0 {
        return 0;
    }
    let mut a = period / 100;
    if a < 70 {
        a += 2000;
    } else if a < 100 {
        a += 1900;
    }
    (a.wrapping_mul(12))
        .wrapping_add(period % 100)
        .wrapping_sub(1)
}

/// MySQL's `convert_month_to_period` (unsigned arithmetic).
fn month_to_period(month: u64) -> u64 {
    if month == 0 {
        return 0;
    }
    let mut year = month / 12;
    if year < 100 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    year.wrapping_mul(100).wrapping_add(month % 12 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::Date;

    /// A statement context with a fixed clock.
    struct Ctx {
        warnings: Vec<(u16, String)>,
        now: DateTime,
        tz: i64,
        strict: bool,
    }

    impl Ctx {
        fn new() -> Self {
            Ctx {
                warnings: Vec::new(),
                now: temporal::parse_datetime(b"2024-05-17 12:34:56.789012")
                    .map(|p| p.value)
                    .unwrap(),
                tz: 0,
                strict: true,
            }
        }
    }

    impl FuncCtx for Ctx {
        fn warn(&mut self, code: u16, message: String) {
            self.warnings.push((code, message));
        }
        fn now(&self) -> DateTime {
            self.now
        }
        fn utc_now(&self) -> DateTime {
            let us = temporal::datetime_to_epoch_micros(&self.now, self.tz);
            temporal::datetime_from_epoch_micros(us, 0).unwrap()
        }
        fn tz_offset_secs(&self) -> i64 {
            self.tz
        }
        fn div_precision_increment(&self) -> u32 {
            4
        }
        fn max_allowed_packet(&self) -> usize {
            67_108_864
        }
        fn strict(&self) -> bool {
            self.strict
        }
        fn error_for_division_by_zero(&self) -> bool {
            true
        }
        fn database(&self) -> Option<String> {
            None
        }
        fn user(&self) -> String {
            "root@localhost".into()
        }
        fn current_user(&self) -> String {
            "root@localhost".into()
        }
        fn connection_id(&self) -> u64 {
            1
        }
        fn last_insert_id(&self) -> u64 {
            0
        }
        fn set_last_insert_id(&mut self, _v: u64) {}
        fn row_count(&self) -> i64 {
            0
        }
        fn found_rows(&self) -> u64 {
            0
        }
        fn version(&self) -> String {
            "8.4.0".into()
        }
        fn rand(&mut self, _seed: Option<i64>) -> f64 {
            0.5
        }
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    fn i(x: i64) -> Value {
        Value::Int(x)
    }

    fn dec(mant: i128, scale: u32) -> Value {
        Value::Decimal(Dec { mant, scale })
    }

    fn run_in(ctx: &mut Ctx, name: &str, args: &[Value]) -> Value {
        let f = TimeFunc::lookup(name).unwrap_or_else(|| panic!("no function {name}"));
        f.eval(args, ctx).unwrap()
    }

    /// Evaluates and renders like the text protocol (None for NULL).
    fn call(name: &str, args: &[Value]) -> Option<String> {
        let mut ctx = Ctx::new();
        run_in(&mut ctx, name, args).to_string_lossy()
    }

    fn call_warn(name: &str, args: &[Value]) -> (Option<String>, Vec<(u16, String)>) {
        let mut ctx = Ctx::new();
        let v = run_in(&mut ctx, name, args).to_string_lossy();
        (v, ctx.warnings)
    }

    fn is(name: &str, args: &[Value], expected: &str) {
        assert_eq!(
            call(name, args).as_deref(),
            Some(expected),
            "{name}({args:?})"
        );
    }

    fn is_null(name: &str, args: &[Value]) {
        assert_eq!(call(name, args), None, "{name}({args:?})");
    }

    #[test]
    fn names_and_aliases_resolve() {
        assert_eq!(TimeFunc::lookup("CURRENT_TIMESTAMP"), Some(TimeFunc::Now));
        assert_eq!(TimeFunc::lookup("LOCALTIME"), Some(TimeFunc::Now));
        assert_eq!(TimeFunc::lookup("CURRENT_DATE"), Some(TimeFunc::CurDate));
        assert_eq!(TimeFunc::lookup("DAYOFMONTH"), Some(TimeFunc::Day));
        assert_eq!(TimeFunc::lookup("ADDDATE"), Some(TimeFunc::AddDate));
        assert_eq!(TimeFunc::lookup("now"), None);
        assert_eq!(TimeFunc::Day.name(), "DAY");
        assert_eq!(TimeFunc::Now.name(), "NOW");
        for (name, f) in NAMES {
            assert_eq!(TimeFunc::lookup(name), Some(*f));
            let (min, max) = f.arity();
            assert!(min <= max);
        }
    }

    #[test]
    fn wrong_argument_counts_are_errors_not_panics() {
        let mut ctx = Ctx::new();
        let e = TimeFunc::DateFormat
            .eval(&[s("2024-01-01")], &mut ctx)
            .unwrap_err();
        assert_eq!(e.code, 1582);
        assert!(e.message.contains("'DATE_FORMAT'"));
    }

    #[test]
    fn now_and_friends_return_the_statement_time() {
        is("NOW", &[], "2024-05-17 12:34:56");
        is("NOW", &[i(3)], "2024-05-17 12:34:56.789000");
        is("CURDATE", &[], "2024-05-17");
        is("CURTIME", &[], "12:34:56");
        is("CURTIME", &[i(6)], "12:34:56.789012");
        let mut ctx = Ctx::new();
        ctx.tz = 2 * 3600;
        assert_eq!(
            run_in(&mut ctx, "UTC_TIMESTAMP", &[])
                .to_string_lossy()
                .unwrap(),
            "2024-05-17 10:34:56"
        );
        assert_eq!(
            run_in(&mut ctx, "UTC_TIME", &[]).to_string_lossy().unwrap(),
            "10:34:56"
        );
        assert_eq!(
            run_in(&mut ctx, "UTC_DATE", &[]).to_string_lossy().unwrap(),
            "2024-05-17"
        );
        let e = TimeFunc::Now.eval(&[i(7)], &mut ctx).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                1426,
                "Too-big precision 7 specified for 'now'. Maximum is 6."
            )
        );
    }

    #[test]
    fn sysdate_reads_the_real_clock() {
        let mut ctx = Ctx::new();
        let Value::DateTime(dt) = run_in(&mut ctx, "SYSDATE", &[]) else {
            panic!("SYSDATE is a DATETIME");
        };
        assert!(dt.date.year >= 2024);
        assert_eq!(dt.micro, 0);
    }

    #[test]
    fn return_types_follow_mysql_metadata() {
        let none: &[Option<Value>] = &[];
        let rt = |f: TimeFunc, a: &[SqlType], c: &[Option<Value>]| f.return_type(a, c);
        assert_eq!(
            rt(TimeFunc::Now, &[], none),
            temporal_type(BaseType::DateTime, 0)
        );
        assert_eq!(
            rt(TimeFunc::Now, &[SqlType::bigint()], &[Some(i(3))]).scale,
            3
        );
        assert_eq!(rt(TimeFunc::CurDate, &[], none).base, BaseType::Date);
        let vc = utf8_varchar(20);
        let fmt = rt(
            TimeFunc::DateFormat,
            &[vc.clone(), vc.clone()],
            &[None, Some(s("%Y-%m-%d"))],
        );
        assert_eq!((fmt.base, fmt.length), (BaseType::VarChar, 10));
        assert_eq!(
            rt(TimeFunc::DateDiff, &[vc.clone(), vc.clone()], none).base,
            BaseType::BigInt
        );
        let add_str = rt(
            TimeFunc::DateAdd,
            &[vc.clone(), SqlType::bigint(), vc.clone()],
            &[Some(s("2024-01-01")), Some(i(1)), Some(s("DAY"))],
        );
        assert_eq!((add_str.base, add_str.length), (BaseType::VarChar, 29));
        let date = SqlType::new(BaseType::Date);
        let add_day = rt(
            TimeFunc::DateAdd,
            &[date.clone(), SqlType::bigint(), vc.clone()],
            &[None, Some(i(1)), Some(s("DAY"))],
        );
        assert_eq!(add_day.base, BaseType::Date);
        let add_hour = rt(
            TimeFunc::DateAdd,
            &[date.clone(), SqlType::bigint(), vc.clone()],
            &[None, Some(i(1)), Some(s("HOUR"))],
        );
        assert_eq!((add_hour.base, add_hour.scale), (BaseType::DateTime, 0));
        let add_us = rt(
            TimeFunc::DateAdd,
            &[date, SqlType::bigint(), vc.clone()],
            &[None, Some(i(1)), Some(s("MICROSECOND"))],
        );
        assert_eq!(add_us.scale, 6);
        assert_eq!(rt(TimeFunc::UnixTimestamp, &[], none), SqlType::bigint());
        let ut = rt(
            TimeFunc::UnixTimestamp,
            std::slice::from_ref(&vc),
            &[Some(s("2015-11-13 10:20:19.012"))],
        );
        assert_eq!((ut.base, ut.scale), (BaseType::Decimal, 3));
        let ut0 = rt(
            TimeFunc::UnixTimestamp,
            std::slice::from_ref(&vc),
            &[Some(s("2015-11-13 10:20:19"))],
        );
        assert_eq!(ut0.base, BaseType::BigInt);
        let st = rt(
            TimeFunc::StrToDate,
            &[vc.clone(), vc.clone()],
            &[None, Some(s("%H:%i:%s"))],
        );
        assert_eq!((st.base, st.scale), (BaseType::Time, 0));
        let st_dyn = rt(
            TimeFunc::StrToDate,
            &[vc.clone(), vc.clone()],
            &[None, None],
        );
        assert_eq!((st_dyn.base, st_dyn.scale), (BaseType::DateTime, 6));
        let t = rt(
            TimeFunc::Time,
            std::slice::from_ref(&vc),
            &[Some(s("10:00:00.25"))],
        );
        assert_eq!((t.base, t.scale), (BaseType::Time, 2));
        let ft = rt(TimeFunc::FromUnixtime, &[SqlType::bigint()], &[Some(i(1))]);
        assert_eq!((ft.base, ft.scale), (BaseType::DateTime, 0));
        let ft2 = rt(
            TimeFunc::FromUnixtime,
            &[SqlType::decimal(13, 3)],
            &[Some(dec(1_000, 3))],
        );
        assert_eq!(ft2.scale, 3);
        assert_eq!(
            rt(TimeFunc::DayName, std::slice::from_ref(&vc), none).base,
            BaseType::VarChar
        );
        assert_eq!(
            rt(TimeFunc::Year, std::slice::from_ref(&vc), none).length,
            5
        );
        let tdiff = rt(
            TimeFunc::TimeDiff,
            &[
                temporal_type(BaseType::Time, 3),
                temporal_type(BaseType::Time, 1),
            ],
            none,
        );
        assert_eq!((tdiff.base, tdiff.scale), (BaseType::Time, 3));
        let addtime = rt(
            TimeFunc::AddTime,
            &[temporal_type(BaseType::DateTime, 0), vc.clone()],
            &[None, Some(s("01:00:00.5"))],
        );
        assert_eq!((addtime.base, addtime.scale), (BaseType::DateTime, 1));
        let addtime_str = rt(TimeFunc::AddTime, &[vc.clone(), vc], none);
        assert_eq!(addtime_str.base, BaseType::VarChar);
    }

    #[test]
    fn date_add_and_date_sub_reproduce_the_manual() {
        is("DATE_ADD", &[s("2018-05-01"), i(1), s("DAY")], "2018-05-02");
        is(
            "DATE_SUB",
            &[s("2018-05-01"), i(1), s("YEAR")],
            "2017-05-01",
        );
        is(
            "DATE_ADD",
            &[s("2020-12-31 23:59:59"), i(1), s("SECOND")],
            "2021-01-01 00:00:00",
        );
        is(
            "DATE_ADD",
            &[s("2018-12-31 23:59:59"), i(1), s("DAY")],
            "2019-01-01 23:59:59",
        );
        is(
            "DATE_ADD",
            &[s("2100-12-31 23:59:59"), s("1:1"), s("MINUTE_SECOND")],
            "2101-01-01 00:01:00",
        );
        is(
            "DATE_SUB",
            &[s("2025-01-01 00:00:00"), s("1 1:1:1"), s("DAY_SECOND")],
            "2024-12-30 22:58:59",
        );
        is(
            "DATE_ADD",
            &[s("1900-01-01 00:00:00"), s("-1 10"), s("DAY_HOUR")],
            "1899-12-30 14:00:00",
        );
        is(
            "DATE_SUB",
            &[s("1998-01-02"), i(31), s("DAY")],
            "1997-12-02",
        );
        is(
            "DATE_ADD",
            &[
                s("1992-12-31 23:59:59.000002"),
                s("1.999999"),
                s("SECOND_MICROSECOND"),
            ],
            "1993-01-01 00:00:01.000001",
        );
        is(
            "DATE_ADD",
            &[s("2024-03-31"), i(1), s("MONTH")],
            "2024-04-30",
        );
        is(
            "DATE_ADD",
            &[s("2024-01-31"), i(1), s("MONTH")],
            "2024-02-29",
        );
        is(
            "DATE_ADD",
            &[s("2009-01-01"), dec(15_000, 4), s("HOUR_MINUTE")],
            "2009-01-04 12:20:00",
        );
        is(
            "DATE_ADD",
            &[s("2023-01-01"), i(1), s("HOUR")],
            "2023-01-01 01:00:00",
        );
        is("ADDDATE", &[s("2008-01-02"), i(31), s("DAY")], "2008-02-02");
        is("ADDDATE", &[s("2008-01-02"), i(31)], "2008-02-02");
        is("SUBDATE", &[s("2008-01-02"), i(31), s("DAY")], "2007-12-02");
        is(
            "SUBDATE",
            &[s("2008-01-02 12:00:00"), i(31)],
            "2007-12-02 12:00:00",
        );
        is(
            "TIMESTAMPADD",
            &[s("MINUTE"), i(1), s("2003-01-02")],
            "2003-01-02 00:01:00",
        );
        is(
            "TIMESTAMPADD",
            &[s("WEEK"), i(1), s("2003-01-02")],
            "2003-01-09",
        );
        is("DATE_ADD", &[i(20_240_131), i(1), s("DAY")], "2024-02-01");
    }

    #[test]
    fn date_add_keeps_the_argument_type() {
        let mut ctx = Ctx::new();
        let d = Value::Date(Date {
            year: 2024,
            month: 1,
            day: 31,
        });
        assert!(matches!(
            run_in(&mut ctx, "DATE_ADD", &[d.clone(), i(1), s("DAY")]),
            Value::Date(_)
        ));
        assert!(matches!(
            run_in(&mut ctx, "DATE_ADD", &[d, i(1), s("HOUR")]),
            Value::DateTime(_)
        ));
        let t = Value::Time(Time {
            micros: 3_600_000_000,
        });
        assert_eq!(
            run_in(&mut ctx, "DATE_ADD", &[t.clone(), i(30), s("MINUTE")]),
            Value::Time(Time {
                micros: 5_400_000_000
            })
        );
        let on_today = run_in(&mut ctx, "DATE_ADD", &[t, i(1), s("DAY")]);
        assert_eq!(on_today.to_string_lossy().unwrap(), "2024-05-18 01:00:00");
    }

    #[test]
    fn date_add_overflow_and_bad_input_give_null_with_warnings() {
        let (v, w) = call_warn("DATE_ADD", &[s("9999-12-31"), i(1), s("DAY")]);
        assert_eq!(v, None);
        assert_eq!(
            w,
            vec![(
                1441,
                "Datetime function: datetime field overflow".to_string()
            )]
        );
        let (v, w) = call_warn("DATE_ADD", &[s("2024-13-01"), i(1), s("DAY")]);
        assert_eq!(v, None);
        assert_eq!(
            w,
            vec![(1292, "Incorrect datetime value: '2024-13-01'".to_string())]
        );
        let (v, w) = call_warn("DATE_ADD", &[s("2024-01-01"), s("1:2:3"), s("HOUR_MINUTE")]);
        assert_eq!(v, None);
        assert_eq!(w[0].0, 1441);
        is_null("DATE_ADD", &[s("2006-07-00"), i(1), s("DAY")]);
        is_null("DATE_ADD", &[Value::Null, i(1), s("DAY")]);
        let mut ctx = Ctx::new();
        assert!(
            TimeFunc::DateAdd
                .eval(&[s("2024-01-01"), i(1), s("EON")], &mut ctx)
                .is_err()
        );
    }

    #[test]
    fn date_format_reproduces_the_manual() {
        is(
            "DATE_FORMAT",
            &[s("2009-10-04 22:23:00"), s("%W %M %Y")],
            "Sunday October 2009",
        );
        is(
            "DATE_FORMAT",
            &[s("2007-10-04 22:23:00"), s("%H:%i:%s")],
            "22:23:00",
        );
        is(
            "DATE_FORMAT",
            &[s("1900-10-04 22:23:00"), s("%D %y %a %d %m %b %j")],
            "4th 00 Thu 04 10 Oct 277",
        );
        is(
            "DATE_FORMAT",
            &[s("1997-10-04 22:23:00"), s("%H %k %I %r %T %S %w")],
            "22 22 10 10:23:00 PM 22:23:00 00 6",
        );
        is("DATE_FORMAT", &[s("1999-01-01"), s("%X %V")], "1998 52");
        is("DATE_FORMAT", &[s("2006-06-00"), s("%d")], "00");
        is(
            "DATE_FORMAT",
            &[s("2003-10-03"), s("%d.%m.%Y")],
            "03.10.2003",
        );
        is_null("DATE_FORMAT", &[s("2003-10-03"), s("")]);
        is(
            "TIME_FORMAT",
            &[s("100:00:00"), s("%H %k %h %I %l")],
            "100 100 04 04 4",
        );
    }

    #[test]
    fn str_to_date_and_get_format_work_together() {
        is(
            "STR_TO_DATE",
            &[s("01,5,2013"), s("%d,%m,%Y")],
            "2013-05-01",
        );
        is(
            "STR_TO_DATE",
            &[s("May 1, 2013"), s("%M %d,%Y")],
            "2013-05-01",
        );
        let usa = call("GET_FORMAT", &[s("DATE"), s("USA")]).unwrap();
        assert_eq!(usa, "%m.%d.%Y");
        is("STR_TO_DATE", &[s("10.31.2003"), s(&usa)], "2003-10-31");
        is(
            "GET_FORMAT",
            &[s("DATETIME"), s("USA")],
            "%Y-%m-%d %H.%i.%s",
        );
        is_null("GET_FORMAT", &[s("DATE"), s("MARS")]);
        let (v, w) = call_warn("STR_TO_DATE", &[s("a09:30:17"), s("%h:%i:%s")]);
        assert_eq!(v, None);
        assert_eq!(
            w,
            vec![(
                1411,
                "Incorrect datetime value: 'a09:30:17' for function str_to_date".to_string()
            )]
        );
        let mut ctx = Ctx::new();
        ctx.strict = false;
        assert_eq!(
            run_in(&mut ctx, "STR_TO_DATE", &[s("abc"), s("abc")]).to_string_lossy(),
            Some("0000-00-00".to_string())
        );
    }

    #[test]
    fn extraction_functions_reproduce_the_manual() {
        is("DATE", &[s("2003-12-31 01:02:03")], "2003-12-31");
        is("TIME", &[s("2003-12-31 01:02:03")], "01:02:03");
        is(
            "TIME",
            &[s("2003-12-31 01:02:03.000123")],
            "01:02:03.000123",
        );
        is("TIMESTAMP", &[s("2003-12-31")], "2003-12-31 00:00:00");
        is("YEAR", &[s("1987-01-01")], "1987");
        is("MONTH", &[s("2008-02-03")], "2");
        is("MONTHNAME", &[s("2008-02-03")], "February");
        is("DAYOFMONTH", &[s("2007-02-03")], "3");
        is("DAYNAME", &[s("2007-02-03")], "Saturday");
        is("DAYOFWEEK", &[s("2007-02-03")], "7");
        is("WEEKDAY", &[s("2008-02-03 22:23:00")], "6");
        is("WEEKDAY", &[s("2007-11-06")], "1");
        is("DAYOFYEAR", &[s("2007-02-03")], "34");
        is("QUARTER", &[s("2008-04-01")], "2");
        is("HOUR", &[s("10:05:03")], "10");
        is("HOUR", &[s("272:59:59")], "272");
        is("MINUTE", &[s("2008-02-03 10:05:03")], "5");
        is("SECOND", &[s("10:05:03")], "3");
        is("MICROSECOND", &[s("12:00:00.123456")], "123456");
        is("MICROSECOND", &[s("2019-12-31 23:59:59.000010")], "10");
        is("WEEK", &[s("2008-02-20")], "7");
        is("WEEK", &[s("2008-02-20"), i(0)], "7");
        is("WEEK", &[s("2008-02-20"), i(1)], "8");
        is("WEEK", &[s("2008-12-31"), i(1)], "53");
        is("WEEK", &[s("2000-01-01")], "0");
        is("WEEK", &[s("2000-01-01"), i(2)], "52");
        is("WEEKOFYEAR", &[s("2008-02-20")], "8");
        is("YEARWEEK", &[s("1987-01-01")], "198652");
        is("LAST_DAY", &[s("2003-02-05")], "2003-02-28");
        is("LAST_DAY", &[s("2004-02-05")], "2004-02-29");
        is("LAST_DAY", &[s("2004-01-01 01:01:01")], "2004-01-31");
        is_null("LAST_DAY", &[s("2003-03-32")]);
    }

    #[test]
    fn extract_reproduces_the_manual() {
        is("EXTRACT", &[s("YEAR"), s("2019-07-02")], "2019");
        is(
            "EXTRACT",
            &[s("YEAR_MONTH"), s("2019-07-02 01:02:03")],
            "201907",
        );
        is(
            "EXTRACT",
            &[s("DAY_MINUTE"), s("2019-07-02 01:02:03")],
            "20102",
        );
        is(
            "EXTRACT",
            &[s("MICROSECOND"), s("2003-01-02 10:30:00.000123")],
            "123",
        );
        is("EXTRACT", &[s("HOUR_SECOND"), s("-12:34:56")], "-123456");
        is("EXTRACT", &[s("WEEK"), s("2008-02-20")], "7");
    }

    #[test]
    fn day_numbers_and_seconds_reproduce_the_manual() {
        is("TO_DAYS", &[i(950_501)], "728779");
        is("TO_DAYS", &[s("2007-10-07")], "733321");
        is("TO_DAYS", &[s("08-10-07")], "733687");
        is("TO_DAYS", &[s("0000-01-01")], "1");
        let (v, w) = call_warn("TO_DAYS", &[s("0000-00-00")]);
        assert_eq!(v, None);
        assert_eq!(
            w,
            vec![(1292, "Incorrect datetime value: '0000-00-00'".to_string())]
        );
        is("FROM_DAYS", &[i(730_669)], "2000-07-03");
        is("FROM_DAYS", &[i(365)], "0000-00-00");
        is("TO_SECONDS", &[i(950_501)], "62966505600");
        is("TO_SECONDS", &[s("2009-11-29")], "63426672000");
        is("TO_SECONDS", &[s("2009-11-29 13:43:32")], "63426721412");
        is(
            "DATEDIFF",
            &[s("2007-12-31 23:59:59"), s("2007-12-30")],
            "1",
        );
        is(
            "DATEDIFF",
            &[s("2010-11-30 23:59:59"), s("2010-12-31")],
            "-31",
        );
        is("MAKEDATE", &[i(2011), i(31)], "2011-01-31");
        is("MAKEDATE", &[i(2011), i(32)], "2011-02-01");
        is("MAKEDATE", &[i(2011), i(365)], "2011-12-31");
        is("MAKEDATE", &[i(2014), i(365)], "2014-12-31");
        is_null("MAKEDATE", &[i(2011), i(0)]);
        is("PERIOD_ADD", &[i(200_801), i(2)], "200803");
        is("PERIOD_DIFF", &[i(200_802), i(200_703)], "11");
        let mut ctx = Ctx::new();
        let e = TimeFunc::PeriodAdd
            .eval(&[i(200_813), i(1)], &mut ctx)
            .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (1210, "Incorrect arguments to period_add")
        );
    }

    #[test]
    fn time_arithmetic_reproduces_the_manual() {
        is("MAKETIME", &[i(12), i(15), i(30)], "12:15:30");
        is("SEC_TO_TIME", &[i(2378)], "00:39:38");
        is("TIME_TO_SEC", &[s("22:23:00")], "80580");
        is("TIME_TO_SEC", &[s("00:39:38")], "2378");
        is(
            "TIMEDIFF",
            &[s("2000-01-01 00:00:00"), s("2000-01-01 00:00:00.000001")],
            "-00:00:00.000001",
        );
        is(
            "TIMEDIFF",
            &[
                s("2008-12-31 23:59:59.000001"),
                s("2008-12-30 01:01:01.000002"),
            ],
            "46:58:57.999999",
        );
        is_null("TIMEDIFF", &[s("10:00:00"), s("2000-01-01 00:00:00")]);
        is(
            "ADDTIME",
            &[s("2007-12-31 23:59:59.999999"), s("1 1:1:1.000002")],
            "2008-01-02 01:01:01.000001",
        );
        is(
            "ADDTIME",
            &[s("01:00:00.999999"), s("02:00:00.999998")],
            "03:00:01.999997",
        );
        is(
            "SUBTIME",
            &[s("2007-12-31 23:59:59.999999"), s("1 1:1:1.000002")],
            "2007-12-30 22:58:58.999997",
        );
        is(
            "SUBTIME",
            &[s("01:00:00.999999"), s("02:00:00.999998")],
            "-00:59:59.999999",
        );
        is(
            "TIMESTAMP",
            &[s("2003-12-31 12:00:00"), s("12:00:00")],
            "2004-01-01 00:00:00",
        );
        let (v, w) = call_warn("MAKETIME", &[i(900), i(0), i(0)]);
        assert_eq!(v.as_deref(), Some("838:59:59"));
        assert_eq!(
            w,
            vec![(
                1292,
                "Truncated incorrect time value: '900:00:00'".to_string()
            )]
        );
        is_null("MAKETIME", &[i(1), i(60), i(0)]);
        let (v, w) = call_warn("SEC_TO_TIME", &[i(4_000_000)]);
        assert_eq!(v.as_deref(), Some("838:59:59"));
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn timestampdiff_reproduces_the_manual() {
        is(
            "TIMESTAMPDIFF",
            &[s("MONTH"), s("2003-02-01"), s("2003-05-01")],
            "3",
        );
        is(
            "TIMESTAMPDIFF",
            &[s("YEAR"), s("2002-05-01"), s("2001-01-01")],
            "-1",
        );
        is(
            "TIMESTAMPDIFF",
            &[s("MINUTE"), s("2003-02-01"), s("2003-05-01 12:05:55")],
            "128885",
        );
        is(
            "TIMESTAMPDIFF",
            &[s("MONTH"), s("2024-01-31"), s("2024-02-29")],
            "0",
        );
        is(
            "TIMESTAMPDIFF",
            &[s("DAY"), s("2024-01-01 12:00:00"), s("2024-01-03")],
            "1",
        );
        is(
            "TIMESTAMPDIFF",
            &[
                s("MICROSECOND"),
                s("2024-01-01"),
                s("2024-01-01 00:00:01.5"),
            ],
            "1500000",
        );
        let mut ctx = Ctx::new();
        assert!(
            TimeFunc::TimestampDiff
                .eval(&[s("DAY_HOUR"), s("2024-01-01"), s("2024-01-02")], &mut ctx)
                .is_err()
        );
    }

    #[test]
    fn unix_timestamps_use_the_session_time_zone() {
        let mut ctx = Ctx::new();
        ctx.tz = -6 * 3600;
        let r = |ctx: &mut Ctx, f: &str, a: &[Value]| run_in(ctx, f, a).to_string_lossy();
        assert_eq!(
            r(&mut ctx, "UNIX_TIMESTAMP", &[s("2015-11-13 10:20:19")]).as_deref(),
            Some("1447431619")
        );
        assert_eq!(
            r(&mut ctx, "UNIX_TIMESTAMP", &[s("2015-11-13 10:20:19.012")]).as_deref(),
            Some("1447431619.012")
        );
        assert_eq!(
            r(&mut ctx, "FROM_UNIXTIME", &[i(1_447_430_881)]).as_deref(),
            Some("2015-11-13 10:08:01")
        );
        assert_eq!(
            r(
                &mut ctx,
                "FROM_UNIXTIME",
                &[i(1_447_430_881), s("%Y %D %M %h:%i:%s %x")]
            )
            .as_deref(),
            Some("2015 13th November 10:08:01 2015")
        );
        assert_eq!(
            r(&mut ctx, "UNIX_TIMESTAMP", &[s("1000-01-01")]).as_deref(),
            Some("0")
        );
        assert_eq!(r(&mut ctx, "FROM_UNIXTIME", &[i(-1)]), None);
        assert_eq!(
            r(&mut ctx, "FROM_UNIXTIME", &[dec(1_447_430_881_500, 3)]).as_deref(),
            Some("2015-11-13 10:08:01.500000")
        );
        let now = run_in(&mut ctx, "UNIX_TIMESTAMP", &[]);
        let expected = temporal::datetime_to_epoch_micros(&ctx.now, ctx.tz) / 1_000_000;
        assert_eq!(now, Value::Int(expected));
    }

    #[test]
    fn convert_tz_shifts_between_offsets() {
        is(
            "CONVERT_TZ",
            &[s("2004-01-01 12:00:00"), s("+00:00"), s("+10:00")],
            "2004-01-01 22:00:00",
        );
        is(
            "CONVERT_TZ",
            &[s("2004-01-01 12:00:00.5"), s("+01:00"), s("UTC")],
            "2004-01-01 11:00:00.500000",
        );
        is_null(
            "CONVERT_TZ",
            &[s("2004-01-01 12:00:00"), s("GMT"), s("MET")],
        );
        // Outside the TIMESTAMP range the value is returned unchanged.
        is(
            "CONVERT_TZ",
            &[s("1000-01-01 12:00:00"), s("+00:00"), s("+10:00")],
            "1000-01-01 12:00:00",
        );
    }

    #[test]
    fn zero_dates_follow_the_sql_mode() {
        let (v, w) = call_warn("YEAR", &[s("0000-00-00")]);
        assert_eq!(v, None);
        assert_eq!(w.len(), 1);
        is("DAYOFMONTH", &[s("2008-00-00")], "0");
        let mut ctx = Ctx::new();
        ctx.strict = false;
        assert_eq!(run_in(&mut ctx, "YEAR", &[s("0000-00-00")]), Value::Int(0));
        assert_eq!(
            run_in(&mut ctx, "DATE", &[s("2024-00-10")])
                .to_string_lossy()
                .unwrap(),
            "2024-00-10"
        );
        assert!(ctx.warnings.is_empty());
        is_null("DATE", &[s("2024-00-10")]);
        is_null("TO_DAYS", &[s("2008-00-01")]);
    }

    #[test]
    fn garbage_after_a_date_is_used_with_a_truncation_warning() {
        let (v, w) = call_warn("DATE_ADD", &[s("2024-01-01x"), i(1), s("DAY")]);
        assert_eq!(v.as_deref(), Some("2024-01-02"));
        assert_eq!(
            w,
            vec![(
                1292,
                "Truncated incorrect date value: '2024-01-01x'".to_string()
            )]
        );
        let (v, w) = call_warn("TIME", &[s("abc")]);
        assert_eq!(v, None);
        assert_eq!(
            w,
            vec![(1292, "Truncated incorrect time value: 'abc'".to_string())]
        );
    }

    #[test]
    fn null_arguments_give_null() {
        for (name, f) in NAMES {
            let (min, max) = f.arity();
            if min == 0 {
                continue;
            }
            let mut ctx = Ctx::new();
            let args = vec![Value::Null; max];
            assert_eq!(f.eval(&args, &mut ctx), Ok(Value::Null), "{name}");
        }
    }

    /// xorshift64*: deterministic pseudo-random input for the no-panic tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn bytes(&mut self) -> Vec<u8> {
            const ALPHABET: &[u8] = b"0123456789 -:./T%eYmdHisfMbDjWaUuVvXxprTSk+ E9\t\xff";
            let len = (self.next() % 24) as usize;
            (0..len)
                .map(|_| {
                    let r = self.next();
                    if r.is_multiple_of(5) {
                        (r >> 8) as u8
                    } else {
                        ALPHABET[(r >> 8) as usize % ALPHABET.len()]
                    }
                })
                .collect()
        }
    }

    fn random_value(rng: &mut Rng) -> Value {
        let n = rng.next();
        match n % 14 {
            0 => Value::Null,
            1 => Value::Int(rng.next() as i64),
            2 => Value::Int((rng.next() % 40_000_000) as i64 - 1_000),
            3 => Value::UInt(rng.next()),
            4 => Value::Double(f64::from_bits(rng.next())),
            5 => Value::Double((rng.next() % 100_000_000_000) as f64 / 7.0),
            6 => Value::Decimal(Dec {
                mant: i128::from(rng.next() as i64) * i128::from(rng.next() as i64),
                scale: (rng.next() % 40) as u32,
            }),
            7 | 8 => Value::Bytes(rng.bytes()),
            9 => Value::Date(Date {
                year: rng.next() as u16,
                month: rng.next() as u8,
                day: rng.next() as u8,
            }),
            10 => Value::DateTime(DateTime {
                date: Date {
                    year: (rng.next() % 10_001) as u16,
                    month: (rng.next() % 13) as u8,
                    day: (rng.next() % 32) as u8,
                },
                hour: rng.next() as u8,
                minute: rng.next() as u8,
                second: rng.next() as u8,
                micro: rng.next() as u32,
            }),
            11 => Value::Time(Time {
                micros: rng.next() as i64,
            }),
            12 => Value::Time(Time {
                micros: (rng.next() % 6_000_000_000_000) as i64 - 3_000_000_000_000,
            }),
            _ => {
                const UNITS: [&str; 6] = [
                    "DAY",
                    "HOUR_MINUTE",
                    "SECOND",
                    "YEAR",
                    "MICROSECOND",
                    "DAY_MICROSECOND",
                ];
                Value::str(UNITS[(rng.next() % 6) as usize])
            }
        }
    }

    fn random_type(rng: &mut Rng) -> SqlType {
        const BASES: [BaseType; 10] = [
            BaseType::BigInt,
            BaseType::Decimal,
            BaseType::Double,
            BaseType::Date,
            BaseType::DateTime,
            BaseType::Timestamp,
            BaseType::Time,
            BaseType::VarChar,
            BaseType::Null,
            BaseType::Year,
        ];
        SqlType {
            scale: (rng.next() % 40) as u8,
            length: rng.next() as u32,
            ..SqlType::new(BASES[(rng.next() % 10) as usize])
        }
    }

    #[test]
    fn every_function_survives_random_arguments() {
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        for _ in 0..400 {
            for (_, f) in NAMES {
                let (min, max) = f.arity();
                for n in min.saturating_sub(1)..=max + 1 {
                    let args: Vec<Value> = (0..n).map(|_| random_value(&mut rng)).collect();
                    let mut ctx = Ctx::new();
                    ctx.strict = rng.next().is_multiple_of(2);
                    ctx.tz = (rng.next() % 100_000) as i64 - 50_000;
                    let _ = f.eval(&args, &mut ctx);
                    let types: Vec<SqlType> = (0..n).map(|_| random_type(&mut rng)).collect();
                    let consts: Vec<Option<Value>> = args
                        .iter()
                        .map(|a| (rng.next().is_multiple_of(2)).then(|| a.clone()))
                        .collect();
                    let _ = f.return_type(&types, &consts);
                }
            }
        }
    }

    #[test]
    fn every_function_accepts_typical_values() {
        let pool = [
            s("2024-02-29 13:14:15.123456"),
            s("2024-02-29"),
            s("10:20:30"),
            s("DAY"),
            s("%Y-%m-%d %H:%i:%s.%f %W %j %U"),
            i(20_240_229),
            i(3),
            dec(15, 1),
            Value::Double(1.5),
            Value::Date(Date {
                year: 2024,
                month: 2,
                day: 29,
            }),
            Value::Time(Time {
                micros: -3_723_000_000,
            }),
        ];
        for (name, f) in NAMES {
            let (min, max) = f.arity();
            for n in min..=max {
                for a in &pool {
                    for b in &pool {
                        let args: Vec<Value> = [a, b, a].into_iter().take(n).cloned().collect();
                        let mut ctx = Ctx::new();
                        let r = f.eval(&args, &mut ctx);
                        if let Err(e) = r {
                            assert!(
                                [1210, 1426, 1582].contains(&e.code),
                                "{name}({args:?}): {e:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}
