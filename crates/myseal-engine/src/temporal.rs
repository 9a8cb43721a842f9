//! Temporal values: DATE, TIME, DATETIME/TIMESTAMP, with MySQL's text forms.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/date-and-time-types.html>
//!
//! Values are kept as their fields (not epoch numbers) because MySQL allows dates no calendar
//! has: `0000-00-00` and `2024-02-00` exist when sql_mode allows them.
//!
//! Besides the value types this module holds everything the date/time functions
//! (`crate::func::time`) build on, each part following MySQL 8.4's own algorithms
//! (`mysys/my_time.cc`, `sql/sql_time.cc`, `sql/item_timefunc.cc`) so results match bit for bit:
//!
//! - **Calendar** ([`days_from_civil`], [`civil_from_days`], [`week`], ...): MySQL's day numbers
//!   (`TO_DAYS()`), where day 1 is `0000-01-01` and year 0 is *not* a leap year.
//!   <https://dev.mysql.com/doc/refman/8.4/en/date-and-time-functions.html#function_to-days>
//! - **Parsing** ([`parse_datetime`], [`parse_time`], [`datetime_from_number`], ...): the
//!   literal rules of <https://dev.mysql.com/doc/refman/8.4/en/date-and-time-literals.html>.
//!   Parsers accept zero dates and zero-in-date values; the caller applies sql_mode with
//!   [`check_date`].
//! - **Conversions** (`value_to_datetime`, `to_datetime`, [`round_datetime`],
//!   [`datetime_to_epoch_micros`], ...): how functions read their arguments, with the 1292
//!   warnings MySQL gives.
//! - **Intervals** ([`IntervalUnit`], [`Interval`], [`add_interval`]): `INTERVAL expr unit`.
//!   <https://dev.mysql.com/doc/refman/8.4/en/expressions.html#temporal-intervals>
//! - **Formatting** ([`date_format`], [`time_format`], [`str_to_date`]).
//!   <https://dev.mysql.com/doc/refman/8.4/en/date-and-time-functions.html#function_date-format>

use crate::ctx::FuncCtx;
use crate::value::{Dec, Value};

pub use crate::datetime::{Date, DateTime, TIME_MAX_MICROS, Time};

// ---------------------------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------------------------

/// Largest fractional-second precision.
pub const MAX_FSP: u8 = 6;
/// Day number ([`days_from_civil`]) of 9999-12-31, MySQL's `MAX_DAY_NUMBER`.
pub const MAX_DAY_NUMBER: i64 = 3_652_424;
/// Day number of 1970-01-01.
pub const DAYS_AT_EPOCH: i64 = 719_528;
/// Largest Unix timestamp `FROM_UNIXTIME()` / `UNIX_TIMESTAMP()` accept on 64-bit platforms
/// (`3001-01-19 03:14:07` UTC).
pub const MAX_EPOCH_SECS: i64 = 32_536_771_199;
/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400_000_000;
/// Microseconds in a second.
pub const MICROS_PER_SEC: i64 = 1_000_000;
/// Largest TIME value as a number, `8385959` (838:59:59).
const TIME_MAX_NUMBER: i64 = 8_385_959;

/// English month names (`%M`, MONTHNAME()).
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
/// English day names, Monday first (`%W`, DAYNAME()).
pub const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Leap year as MySQL counts it (`calc_days_in_year`): year 0 is *not* a leap year.
pub fn is_leap_year(year: i64) -> bool {
    year & 3 == 0 && (year % 100 != 0 || (year % 400 == 0 && year != 0))
}

/// 365 or 366.
pub fn days_in_year(year: i64) -> i64 {
    if is_leap_year(year) { 366 } else { 365 }
}

/// Days in a month of a year; 0 for month 0 or a month above 12.
pub fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// MySQL's day number (`calc_daynr`, what `TO_DAYS()` returns): `0000-01-01` is day 1,
/// `1970-01-01` is 719528, `0000-00-00` is 0. Month 0 and day 0 are accepted (they count as
/// the day before the 1st / the month before January) so that zero-in-date values still order.
/// Arguments are expected in the DATE field ranges; larger ones saturate instead of overflowing.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    if year == 0 && month == 0 {
        return 0;
    }
    let year = year.clamp(-100_000, 100_000);
    let month = month.clamp(-1_000, 1_000);
    let day = day.clamp(-100_000, 100_000);
    let mut y = year;
    let mut delsum = 365 * y + 31 * (month - 1) + day;
    if month <= 2 {
        y -= 1;
    } else {
        delsum -= (month * 4 + 23) / 10;
    }
    let temp = ((y / 100 + 1) * 3) / 4;
    delsum + y / 4 - temp
}

/// The date of a MySQL day number (`get_date_from_daynr`, `FROM_DAYS()`): numbers up to 365 and
/// from 3652500 on give `0000-00-00`, as in MySQL.
pub fn civil_from_days(daynr: i64) -> Date {
    if daynr <= 365 || daynr >= 3_652_500 {
        return Date::default();
    }
    let mut year = daynr * 100 / 36525;
    let temp = (((year - 1) / 100 + 1) * 3) / 4;
    let mut day_of_year = daynr - year * 365 - (year - 1) / 4 + temp;
    let mut diy = days_in_year(year);
    while day_of_year > diy {
        day_of_year -= diy;
        year += 1;
        diy = days_in_year(year);
    }
    let mut leap_day = 0;
    if diy == 366 && day_of_year > 31 + 28 {
        day_of_year -= 1;
        if day_of_year == 31 + 28 {
            leap_day = 1;
        }
    }
    const DIM: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut month = 1;
    for d in DIM {
        if day_of_year > d {
            day_of_year -= d;
            month += 1;
        } else {
            break;
        }
    }
    Date {
        year: u16::try_from(year).unwrap_or(0),
        month: u8::try_from(month).unwrap_or(0),
        day: u8::try_from(day_of_year + leap_day).unwrap_or(0),
    }
}

/// True for a real calendar date: month 1..=12 and day 1..=days in that month (year 0..=9999).
pub fn is_valid(d: Date) -> bool {
    d.year <= 9999
        && (1..=12).contains(&d.month)
        && d.day >= 1
        && d.day <= days_in_month(i64::from(d.year), d.month)
}

/// Weekday of a day number (`calc_weekday`): 0 = Monday .. 6 = Sunday, or with `sunday_first`
/// 0 = Sunday .. 6 = Saturday.
pub fn weekday_of_daynr(daynr: i64, sunday_first: bool) -> u8 {
    u8::try_from((daynr + 5 + i64::from(sunday_first)).rem_euclid(7)).unwrap_or(0)
}

/// `WEEKDAY()`: 0 = Monday .. 6 = Sunday.
pub fn weekday(d: Date) -> u8 {
    weekday_of_daynr(d.day_number(), false)
}

/// `DAYOFWEEK()`: 1 = Sunday .. 7 = Saturday.
pub fn day_of_week(d: Date) -> u8 {
    weekday_of_daynr(d.day_number(), true) + 1
}

/// `DAYOFYEAR()`: 1..=366.
pub fn day_of_year(d: Date) -> i64 {
    d.day_number() - days_from_civil(i64::from(d.year), 1, 1) + 1
}

/// `calc_week` behaviour flag: Monday is the first day of the week.
const WEEK_MONDAY_FIRST: u32 = 1;
/// `calc_week` behaviour flag: weeks range 1..=53 and belong to the week's year.
const WEEK_YEAR: u32 = 2;
/// `calc_week` behaviour flag: week 1 is the first week with a first-day-of-week.
const WEEK_FIRST_WEEKDAY: u32 = 4;

/// MySQL's `week_mode()`: the `calc_week` flags of a WEEK() mode 0..=7 (higher bits ignored).
fn week_mode(mode: u32) -> u32 {
    let mut f = mode & 7;
    if f & WEEK_MONDAY_FIRST == 0 {
        f ^= WEEK_FIRST_WEEKDAY;
    }
    f
}

/// MySQL's `calc_week`: (week number, year the week belongs to). Computed with MySQL's unsigned
/// 32-bit arithmetic so even zero dates give MySQL's numbers.
fn calc_week(d: Date, behaviour: u32) -> (u32, u32) {
    let daynr = d.day_number();
    let mut first_daynr = days_from_civil(i64::from(d.year), 1, 1);
    let monday_first = behaviour & WEEK_MONDAY_FIRST != 0;
    let mut week_year = behaviour & WEEK_YEAR != 0;
    let first_weekday = behaviour & WEEK_FIRST_WEEKDAY != 0;
    let mut weekday = i64::from(weekday_of_daynr(first_daynr, !monday_first));
    let mut year = u32::from(d.year);
    if d.month == 1 && i64::from(d.day) <= 7 - weekday {
        if !week_year && ((first_weekday && weekday != 0) || (!first_weekday && weekday >= 4)) {
            return (0, year);
        }
        week_year = true;
        year = year.wrapping_sub(1);
        let days = days_in_year(i64::from(year));
        first_daynr -= days;
        weekday = (weekday + 53 * 7 - days).rem_euclid(7);
    }
    let diff = if (first_weekday && weekday != 0) || (!first_weekday && weekday >= 4) {
        daynr - (first_daynr + (7 - weekday))
    } else {
        daynr - (first_daynr - weekday)
    };
    // C assigns the difference to an unsigned 32-bit variable.
    let days = diff as u32;
    if week_year && days >= 52 * 7 {
        let wd = (weekday + days_in_year(i64::from(year))).rem_euclid(7);
        if (!first_weekday && wd < 4) || (first_weekday && wd == 0) {
            return (1, year.wrapping_add(1));
        }
    }
    (days / 7 + 1, year)
}

/// `WEEK(date, mode)` for modes 0..=7 (see the mode table of
/// <https://dev.mysql.com/doc/refman/8.4/en/date-and-time-functions.html#function_week>).
pub fn week(d: Date, mode: u32) -> u32 {
    calc_week(d, week_mode(mode)).0
}

/// `YEARWEEK(date, mode)`: year * 100 + week, the week counted as in WEEK() with range 1..=53.
pub fn yearweek(d: Date, mode: u32) -> u32 {
    let (w, y) = calc_week(d, week_mode(mode) | WEEK_YEAR);
    y.wrapping_mul(100).wrapping_add(w)
}

impl Date {
    /// `0000-00-00`.
    pub fn is_zero(&self) -> bool {
        self.year == 0 && self.month == 0 && self.day == 0
    }

    /// True when the month or the day is 0 (a "zero-in-date" value).
    pub fn has_zero_part(&self) -> bool {
        self.month == 0 || self.day == 0
    }

    /// MySQL's day number ([`days_from_civil`]).
    pub fn day_number(&self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }

    /// The date of a day number ([`civil_from_days`]).
    pub fn from_day_number(daynr: i64) -> Date {
        civil_from_days(daynr)
    }

    /// The last day of this date's month (None for month 0).
    pub fn last_day_of_month(&self) -> Option<Date> {
        let dim = days_in_month(i64::from(self.year), self.month);
        (dim > 0).then_some(Date { day: dim, ..*self })
    }
}

impl DateTime {
    /// True for `0000-00-00 00:00:00.000000`.
    pub fn is_zero(&self) -> bool {
        *self == DateTime::default()
    }

    /// Microseconds since midnight.
    pub fn micros_of_day(&self) -> i64 {
        (i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second))
            * MICROS_PER_SEC
            + i64::from(self.micro)
    }

    /// Microseconds since day number 0 (MySQL's day numbering), the scale on which DATETIME
    /// arithmetic (TIMEDIFF, ADDTIME, TIMESTAMPDIFF) happens.
    pub fn total_micros(&self) -> i64 {
        self.date.day_number() * MICROS_PER_DAY + self.micros_of_day()
    }

    /// Inverse of [`DateTime::total_micros`] for values whose day number lies in
    /// 366..=[`MAX_DAY_NUMBER`]; smaller day numbers give the zero date with the time of day
    /// (as MySQL's `get_date_from_daynr`), negative totals or later days give None.
    pub fn from_total_micros(us: i64) -> Option<DateTime> {
        if us < 0 {
            return None;
        }
        let days = us / MICROS_PER_DAY;
        if days > MAX_DAY_NUMBER {
            return None;
        }
        let rest = us % MICROS_PER_DAY;
        let secs = rest / MICROS_PER_SEC;
        Some(DateTime {
            date: civil_from_days(days),
            hour: u8::try_from(secs / 3600).ok()?,
            minute: u8::try_from(secs / 60 % 60).ok()?,
            second: u8::try_from(secs % 60).ok()?,
            micro: u32::try_from(rest % MICROS_PER_SEC).ok()?,
        })
    }

    /// The time-of-day part as a TIME.
    pub fn time(&self) -> Time {
        Time {
            micros: self.micros_of_day(),
        }
    }

    /// Date and time fields combined.
    pub fn new(date: Date, hour: u8, minute: u8, second: u8, micro: u32) -> DateTime {
        DateTime {
            date,
            hour,
            minute,
            second,
            micro,
        }
    }
}

impl Time {
    /// The largest TIME, `838:59:59`.
    pub const MAX: Time = Time {
        micros: TIME_MAX_MICROS,
    };

    /// A TIME from its sign and (unbounded) parts, clamped to ±838:59:59 (true when clamped).
    pub fn from_parts(
        neg: bool,
        hours: u64,
        minutes: u64,
        seconds: u64,
        micros: u64,
    ) -> (Time, bool) {
        let total = (i128::from(hours) * 3600 + i128::from(minutes) * 60 + i128::from(seconds))
            * i128::from(MICROS_PER_SEC)
            + i128::from(micros);
        let total = if neg { -total } else { total };
        Time::from_micros_clamped(total)
    }

    /// A TIME from signed microseconds, clamped to ±838:59:59 (true when clamped).
    pub fn from_micros_clamped(us: i128) -> (Time, bool) {
        let max = i128::from(TIME_MAX_MICROS);
        if us > max {
            (Time::MAX, true)
        } else if us < -max {
            (
                Time {
                    micros: -TIME_MAX_MICROS,
                },
                true,
            )
        } else {
            (
                Time {
                    micros: i64::try_from(us).unwrap_or(0),
                },
                false,
            )
        }
    }

    /// True for negative values.
    pub fn is_negative(&self) -> bool {
        self.micros < 0
    }

    /// Hours of the magnitude (0..=838).
    pub fn hours(&self) -> u32 {
        u32::try_from(self.micros.unsigned_abs() / 3_600_000_000).unwrap_or(u32::MAX)
    }

    /// Minutes of the magnitude (0..=59).
    pub fn minutes(&self) -> u32 {
        u32::try_from(self.micros.unsigned_abs() / 60_000_000 % 60).unwrap_or(0)
    }

    /// Seconds of the magnitude (0..=59).
    pub fn seconds(&self) -> u32 {
        u32::try_from(self.micros.unsigned_abs() / 1_000_000 % 60).unwrap_or(0)
    }

    /// Microseconds of the magnitude (0..=999999).
    pub fn micro(&self) -> u32 {
        u32::try_from(self.micros.unsigned_abs() % 1_000_000).unwrap_or(0)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Which temporal type a string or number held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TemporalKind {
    /// A date without a time part (`'2024-01-31'`, `20240131`).
    Date,
    /// A date with a time part.
    DateTime,
    /// A time of day or duration.
    Time,
}

impl TemporalKind {
    /// The word MySQL uses in warnings: "date", "datetime" or "time".
    pub fn warning_name(self) -> &'static str {
        match self {
            TemporalKind::Date => "date",
            TemporalKind::DateTime => "datetime",
            TemporalKind::Time => "time",
        }
    }
}

/// Why a string or number is not a temporal value. Every variant is reported by the caller as
/// warning 1292 `Incorrect datetime value: '...'` (or `Truncated incorrect time value` for TIME).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParseError {
    /// Not a date/time at all (`'abc'`, `'2024'`).
    Syntax,
    /// A field out of range (`'2024-13-01'`, `'2024-02-30'`, `'25:00:00'` in a datetime).
    OutOfRange,
    /// `0000-00-00` where sql_mode NO_ZERO_DATE forbids it.
    ZeroDate,
    /// A zero month or day (`'2024-00-10'`) where NO_ZERO_IN_DATE (or a non-fuzzy caller)
    /// forbids it.
    ZeroInDate,
}

/// Which zero dates a caller accepts (MySQL's `TIME_FUZZY_DATE`, `TIME_NO_ZERO_DATE`,
/// `TIME_NO_ZERO_IN_DATE` flags). sql_mode NO_ZERO_DATE adds `no_zero_date` to every string
/// conversion.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DateFlags {
    /// Zero month/day parts are fine (`TIME_FUZZY_DATE`); most extraction functions use this.
    pub fuzzy: bool,
    /// `0000-00-00` is rejected.
    pub no_zero_date: bool,
    /// Zero month/day parts are rejected even when `fuzzy`.
    pub no_zero_in_date: bool,
}

impl DateFlags {
    /// `TIME_FUZZY_DATE`: YEAR(), MONTH(), DATE_FORMAT() ...
    pub const FUZZY: DateFlags = DateFlags {
        fuzzy: true,
        no_zero_date: false,
        no_zero_in_date: false,
    };
    /// `TIME_NO_ZERO_DATE` without fuzzy: TO_DAYS(), WEEK(), DATE_ADD() ... reject any zero part.
    pub const STRICT: DateFlags = DateFlags {
        fuzzy: false,
        no_zero_date: true,
        no_zero_in_date: false,
    };
}

/// MySQL's `check_date`: zero-date and zero-in-date rules of `flags` (the calendar itself was
/// checked when parsing). `0000-00-00 10:00:00` is not a zero date (its time is non-zero).
pub fn check_date(dt: &DateTime, flags: DateFlags) -> Result<(), ParseError> {
    if !dt.is_zero() {
        if (flags.no_zero_in_date || !flags.fuzzy) && dt.date.has_zero_part() {
            return Err(ParseError::ZeroInDate);
        }
        if dt.date.month != 0 && dt.date.day > days_in_month(i64::from(dt.date.year), dt.date.month)
        {
            return Err(ParseError::OutOfRange);
        }
    } else if flags.no_zero_date {
        return Err(ParseError::ZeroDate);
    }
    Ok(())
}

/// A string parsed as DATE/DATETIME.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedDateTime {
    /// The value (midnight for a DATE); fractional digits past the 6th are rounded in.
    pub value: DateTime,
    /// [`TemporalKind::Date`] when the string had no time part, else [`TemporalKind::DateTime`].
    pub kind: TemporalKind,
    /// Fractional digits present (0..=6): the "datetime precision" of a constant string.
    pub fsp: u8,
    /// Trailing characters were ignored: the caller warns 1292
    /// `Truncated incorrect datetime value: '...'` (or `date value`) and uses the value.
    pub truncated: bool,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Result of the literal port of MySQL's `str_to_datetime`.
enum RawDateTime {
    /// `MYSQL_TIMESTAMP_NONE`: not a datetime at all.
    None,
    /// `MYSQL_TIMESTAMP_ERROR`: looked like one, but a field is out of range.
    Error,
    /// Parsed.
    Ok {
        fields: [u64; 7],
        is_date: bool,
        fsp: u8,
        nanos: u32,
        truncated: bool,
    },
}

/// MySQL's `str_to_datetime` (without the zero-date flag checks): `datetime_only` is
/// `TIME_DATETIME_ONLY`, used when a TIME string is first tried as a full datetime.
fn str_to_datetime_raw(s: &[u8], datetime_only: bool) -> RawDateTime {
    let end = s.len();
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut p = 0;
    while p < end && is_space(at(p)) {
        p += 1;
    }
    if p == end || !at(p).is_ascii_digit() {
        return RawDateTime::None;
    }
    let mut pos = p;
    while pos < end && (at(pos).is_ascii_digit() || at(pos) == b'T') {
        pos += 1;
    }
    let digits = pos - p;
    let is_internal = pos == end || at(pos) == b'.';
    let mut year_length = 0;
    let mut field_length: u32 = 4;
    if is_internal {
        year_length = if digits == 4 || digits == 8 || digits >= 14 {
            4
        } else {
            2
        };
        field_length = year_length;
    }
    // Spaces are allowed only after the day and after the fraction.
    let allow_space: u32 = (1 << 2) | (1 << 6);
    let mut date = [0u64; 8];
    let mut date_len = [0u32; 8];
    let mut not_zero = false;
    let mut found_delimiter = false;
    let mut found_space = false;
    let mut last_field_pos = p;
    let mut i = 0usize;
    let mut st = p;
    while i < 7 && st < end && at(st).is_ascii_digit() {
        let start = st;
        let mut tmp = u64::from(at(st) - b'0');
        st += 1;
        let scan_until_delim = !is_internal && i != 6;
        while st < end && at(st).is_ascii_digit() {
            if !scan_until_delim {
                field_length = field_length.wrapping_sub(1);
                if field_length == 0 {
                    break;
                }
            }
            tmp = tmp
                .saturating_mul(10)
                .saturating_add(u64::from(at(st) - b'0'));
            st += 1;
        }
        if let (Some(len), Some(slot)) = (date_len.get_mut(i), date.get_mut(i)) {
            *len = u32::try_from(st - start).unwrap_or(u32::MAX);
            *slot = tmp;
        }
        if tmp > 999_999 {
            return RawDateTime::None;
        }
        not_zero |= tmp != 0;
        field_length = 2;
        last_field_pos = st;
        if st == end {
            i += 1;
            break;
        }
        if i == 2 && at(st) == b'T' {
            st += 1;
            i += 1;
            continue;
        }
        if i == 5 {
            if at(st) == b'.' {
                st += 1;
                last_field_pos = st;
                field_length = 6;
            } else if at(st).is_ascii_digit() {
                i += 1;
                break;
            }
            i += 1;
            continue;
        }
        while st < end && (at(st).is_ascii_punctuation() || is_space(at(st))) {
            if is_space(at(st)) {
                if allow_space & (1 << i) == 0 {
                    return RawDateTime::None;
                }
                found_space = true;
            }
            st += 1;
            found_delimiter = true;
        }
        if i == 6 {
            i += 1; // the AM/PM slot, unused in the default format
        }
        last_field_pos = st;
        i += 1;
    }
    if found_delimiter && !found_space && datetime_only {
        return RawDateTime::None;
    }
    let mut st = last_field_pos;
    let number_of_fields = i;
    for k in i.min(8)..8 {
        date[k] = 0;
        date_len[k] = 0;
    }
    if !is_internal {
        year_length = date_len[0];
        if year_length == 0 {
            return RawDateTime::None;
        }
    }
    let frac_len = date_len[6].min(6);
    let mut micro = date[6];
    if frac_len < 6 {
        micro = micro.saturating_mul(10u64.pow(6 - frac_len));
    }
    let mut year = date[0];
    if year_length == 2 && not_zero {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let fields = [year, date[1], date[2], date[3], date[4], date[5], micro];
    if number_of_fields < 3
        || year > 9999
        || fields[1] > 12
        || fields[2] > 31
        || fields[3] > 23
        || fields[4] > 59
        || fields[5] > 59
        || micro > 999_999
    {
        return RawDateTime::Error;
    }
    // The calendar part of check_date: a non-zero value with a day its month does not have.
    let month = u8::try_from(fields[1]).unwrap_or(0);
    if not_zero
        && month != 0
        && fields[2] > u64::from(days_in_month(i64::try_from(year).unwrap_or(0), month))
    {
        return RawDateTime::Error;
    }
    let mut nanos = 0;
    if frac_len == 6 && st < end && at(st).is_ascii_digit() {
        nanos = 100 * u32::from(at(st) - b'0');
        st += 1;
        while st < end && at(st).is_ascii_digit() {
            st += 1;
        }
    }
    let truncated = s
        .get(st..)
        .is_some_and(|rest| rest.iter().any(|&c| !is_space(c)));
    RawDateTime::Ok {
        fields,
        is_date: number_of_fields <= 3,
        fsp: u8::try_from(frac_len).unwrap_or(6),
        nanos,
        truncated,
    }
}

fn datetime_from_fields(f: &[u64; 7]) -> Option<DateTime> {
    Some(DateTime {
        date: Date {
            year: u16::try_from(f[0]).ok()?,
            month: u8::try_from(f[1]).ok()?,
            day: u8::try_from(f[2]).ok()?,
        },
        hour: u8::try_from(f[3]).ok()?,
        minute: u8::try_from(f[4]).ok()?,
        second: u8::try_from(f[5]).ok()?,
        micro: u32::try_from(f[6]).ok()?,
    })
}

/// Adds rounding nanoseconds (0..1000 past the microsecond) to a datetime as MySQL does
/// (`datetime_add_nanoseconds_with_round`): None when the carry cannot be applied (a zero
/// part in the date, or past 9999-12-31 23:59:59.999999).
fn datetime_add_nanos(dt: DateTime, nanos: u32) -> Option<DateTime> {
    if nanos < 500 {
        return Some(dt);
    }
    if dt.micro < 999_999 {
        return Some(DateTime {
            micro: dt.micro + 1,
            ..dt
        });
    }
    if dt.date.has_zero_part() || !is_valid(dt.date) {
        return None;
    }
    DateTime::from_total_micros(dt.total_micros() + 1)
}

/// Parses a DATE/DATETIME string with MySQL's rules: `'2024-01-31'`, `'2024-1-5'`,
/// `'24-01-31'` (years 70-99 → 19xx, 00-69 → 20xx), `'2024/01/31'` (any punctuation as
/// delimiter), `'20240131'`, `'240131'`, `'20240131102030'`, `'2024-01-31T10:20:30.5'`,
/// `'2024-01-31 10:20'`. Zero dates and zero-in-date values are returned as they are; apply
/// [`check_date`] for sql_mode. A day its month does not have is [`ParseError::OutOfRange`].
pub fn parse_datetime(s: &[u8]) -> Result<ParsedDateTime, ParseError> {
    match str_to_datetime_raw(s, false) {
        RawDateTime::None => Err(ParseError::Syntax),
        RawDateTime::Error => Err(ParseError::OutOfRange),
        RawDateTime::Ok {
            fields,
            is_date,
            fsp,
            nanos,
            truncated,
        } => {
            let dt = datetime_from_fields(&fields).ok_or(ParseError::OutOfRange)?;
            let dt = datetime_add_nanos(dt, nanos).ok_or(ParseError::OutOfRange)?;
            Ok(ParsedDateTime {
                value: dt,
                kind: if is_date {
                    TemporalKind::Date
                } else {
                    TemporalKind::DateTime
                },
                fsp,
                truncated,
            })
        }
    }
}

/// Parses a DATE string ([`parse_datetime`] keeping only the date).
pub fn parse_date(s: &[u8]) -> Result<Date, ParseError> {
    parse_datetime(s).map(|p| p.value.date)
}

/// A string parsed as TIME.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedTime {
    /// The value, clamped to ±838:59:59.
    pub value: Time,
    /// Set when the string was a full datetime (`'2024-01-31 10:20:30'`): `value` is its time
    /// of day. TIMEDIFF/ADDTIME treat such strings as DATETIME.
    pub datetime: Option<DateTime>,
    /// Fractional digits present (0..=6).
    pub fsp: u8,
    /// Trailing garbage was ignored or the value was clamped: the caller warns 1292
    /// `Truncated incorrect time value: '...'` and uses the value.
    pub warning: bool,
}

/// Parses a TIME string with MySQL's rules (`str_to_time`): `'10:20:30'`, `'-838:59:59'`,
/// `'1 10:20:30'` (days), `'10:20'` (hours:minutes), `'102030'`, `'2030'` (MMSS), `'30'`
/// (seconds), with a fraction (`'10:20:30.5'`); strings of 12+ characters are first tried as
/// a full datetime. Values past ±838:59:59 are clamped (`warning` set). `'2024-01-31'` (too
/// short for a datetime) reads as `00:20:24` with a warning, as in MySQL.
pub fn parse_time(s: &[u8]) -> Result<ParsedTime, ParseError> {
    let end = s.len();
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut st = 0;
    while st < end && is_space(at(st)) {
        st += 1;
    }
    let mut neg = false;
    if st < end && at(st) == b'-' {
        neg = true;
        st += 1;
    }
    if st == end {
        return Err(ParseError::Syntax);
    }
    let start = st;
    if end - st >= 12 {
        match str_to_datetime_raw(s.get(st..).unwrap_or_default(), true) {
            RawDateTime::Error => return Err(ParseError::OutOfRange),
            RawDateTime::Ok {
                fields,
                fsp,
                nanos,
                truncated,
                ..
            } => {
                let dt = datetime_from_fields(&fields).ok_or(ParseError::OutOfRange)?;
                let dt = datetime_add_nanos(dt, nanos).ok_or(ParseError::OutOfRange)?;
                return Ok(ParsedTime {
                    value: dt.time(),
                    datetime: Some(dt),
                    fsp,
                    warning: truncated,
                });
            }
            RawDateTime::None => {}
        }
    }
    let mut value: u64 = 0;
    while st < end && at(st).is_ascii_digit() {
        value = value
            .saturating_mul(10)
            .saturating_add(u64::from(at(st) - b'0'));
        st += 1;
    }
    if value > u64::from(u32::MAX) {
        return Err(ParseError::OutOfRange);
    }
    let end_of_days = st;
    while st < end && is_space(at(st)) {
        st += 1;
    }
    // date[0] days, [1] hours, [2] minutes, [3] seconds.
    let mut date = [0u64; 4];
    if end - st > 1 && st != end_of_days && at(st).is_ascii_digit() {
        date[0] = value;
        let state = read_hms(s, &mut st, &mut date, 1);
        for d in date.iter_mut().skip(state) {
            *d = 0;
        }
    } else if end - st > 1 && at(st) == b':' && at(st + 1).is_ascii_digit() {
        date[1] = value;
        st += 1;
        let state = read_hms(s, &mut st, &mut date, 2);
        for d in date.iter_mut().skip(state) {
            *d = 0;
        }
    } else {
        date[1] = value / 10000;
        date[2] = value / 100 % 100;
        date[3] = value % 100;
    }
    // Fraction.
    let mut micro: u64 = 0;
    let mut fsp: u8 = 0;
    let mut nanos: u32 = 0;
    if end - st >= 2 && at(st) == b'.' && at(st + 1).is_ascii_digit() {
        st += 1;
        let mut digits = 0u32;
        let mut last = 0u8;
        while st < end && at(st).is_ascii_digit() {
            if digits < 6 {
                micro = micro * 10 + u64::from(at(st) - b'0');
            }
            last = at(st) - b'0';
            digits += 1;
            st += 1;
        }
        if digits <= 6 {
            micro *= 10u64.pow(6 - digits);
            fsp = u8::try_from(digits).unwrap_or(6);
        } else {
            // MySQL rounds by the *last* digit of an over-long fraction.
            fsp = 6;
            nanos = 100 * u32::from(last);
        }
    } else if end - st == 1 && at(st) == b'.' {
        st += 1;
    }
    // An exponent ("1e5") is not a time.
    if end - st > 1
        && (at(st) == b'e' || at(st) == b'E')
        && (at(st + 1).is_ascii_digit()
            || ((at(st + 1) == b'-' || at(st + 1) == b'+')
                && end - st > 2
                && at(st + 2).is_ascii_digit()))
    {
        return Err(ParseError::Syntax);
    }
    if date[2] >= 60 || date[3] >= 60 {
        return Err(ParseError::OutOfRange);
    }
    let hours = date[1].saturating_add(date[0].saturating_mul(24));
    let mut warning = false;
    let rest = s.get(st..).unwrap_or_default();
    if rest.iter().any(|&c| !is_space(c)) {
        if st == start {
            return Err(ParseError::Syntax);
        }
        warning = true;
    }
    let (t, clamped) = Time::from_parts(neg, hours, date[2], date[3], micro);
    let mut value = t;
    let mut clamped = clamped;
    if !clamped && nanos >= 500 {
        let bumped = i128::from(t.micros) + if neg { -1 } else { 1 };
        let (t2, c2) = Time::from_micros_clamped(bumped);
        value = t2;
        clamped = c2;
    }
    Ok(ParsedTime {
        value,
        datetime: None,
        fsp,
        warning: warning || clamped,
    })
}

/// Reads `n[:n[:n]]` into `date[state..4]` (hours, minutes, seconds); returns the next state.
/// Values given partly are right-aligned by the caller's rule (MySQL: `'10:20'` is 10:20:00).
fn read_hms(s: &[u8], st: &mut usize, date: &mut [u64; 4], mut state: usize) -> usize {
    let end = s.len();
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    loop {
        let mut value: u64 = 0;
        while *st < end && at(*st).is_ascii_digit() {
            value = value
                .saturating_mul(10)
                .saturating_add(u64::from(at(*st) - b'0'));
            *st += 1;
        }
        if let Some(slot) = date.get_mut(state) {
            *slot = value;
        }
        state += 1;
        if state == 4 || end - *st < 2 || at(*st) != b':' || !at(*st + 1).is_ascii_digit() {
            break;
        }
        *st += 1;
    }
    state
}

/// MySQL's `number_to_datetime`: `20240131` → DATE, `20240131102030` → DATETIME, `240131` /
/// `700101` → 2024 / 1970 (two-digit years), `240131102030` → DATETIME; `0` is the zero
/// datetime. Without `fuzzy`, dates before 1000-01-01 given as 8 digits are rejected. Zero-date
/// rules are left to [`check_date`].
pub fn datetime_from_number(nr: i64, fuzzy: bool) -> Result<(DateTime, TemporalKind), ParseError> {
    const YY: i64 = 70;
    let mut kind = TemporalKind::Date;
    let nr = if nr == 0 || nr >= 10_000_101_000_000 {
        kind = TemporalKind::DateTime;
        if nr > 99_999_999_999_999 {
            return Err(ParseError::OutOfRange);
        }
        nr
    } else if nr < 101 {
        return Err(ParseError::Syntax);
    } else if nr <= (YY - 1) * 10000 + 1231 {
        (nr + 20_000_000) * 1_000_000
    } else if nr < YY * 10000 + 101 {
        return Err(ParseError::Syntax);
    } else if nr <= 991_231 {
        (nr + 19_000_000) * 1_000_000
    } else if nr < 10_000_101 && !fuzzy {
        return Err(ParseError::Syntax);
    } else if nr <= 99_991_231 {
        nr * 1_000_000
    } else if nr < 101_000_000 {
        return Err(ParseError::Syntax);
    } else {
        kind = TemporalKind::DateTime;
        if nr <= (YY - 1) * 10_000_000_000 + 1_231_235_959 {
            nr + 20_000_000_000_000
        } else if nr < YY * 10_000_000_000 + 101_000_000 {
            return Err(ParseError::Syntax);
        } else if nr <= 991_231_235_959 {
            nr + 19_000_000_000_000
        } else {
            nr
        }
    };
    let part1 = nr / 1_000_000;
    let part2 = nr % 1_000_000;
    let f = [
        part1 / 10000,
        part1 % 10000 / 100,
        part1 % 100,
        part2 / 10000,
        part2 % 10000 / 100,
        part2 % 100,
    ];
    if f[0] > 9999 || f[1] > 12 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59 {
        return Err(ParseError::OutOfRange);
    }
    let fields = [
        f[0].unsigned_abs(),
        f[1].unsigned_abs(),
        f[2].unsigned_abs(),
        f[3].unsigned_abs(),
        f[4].unsigned_abs(),
        f[5].unsigned_abs(),
        0,
    ];
    let dt = datetime_from_fields(&fields).ok_or(ParseError::OutOfRange)?;
    if !dt.is_zero()
        && dt.date.month != 0
        && dt.date.day > days_in_month(i64::from(dt.date.year), dt.date.month)
    {
        return Err(ParseError::OutOfRange);
    }
    Ok((dt, kind))
}

/// MySQL's `number_to_time`: `102030` → 10:20:30, `-30` → -00:00:30; numbers past 8385959 are
/// tried as a datetime (`20240131102030` → its time of day, returned in the second member) and
/// otherwise are out of range. Minutes or seconds ≥ 60 are out of range.
pub fn time_from_number(nr: i64) -> Result<(Time, Option<DateTime>), ParseError> {
    if nr > TIME_MAX_NUMBER {
        if nr >= 10_000_000_000
            && let Ok((dt, _)) = datetime_from_number(nr, false)
        {
            return Ok((dt.time(), Some(dt)));
        }
        return Err(ParseError::OutOfRange);
    }
    if nr < -TIME_MAX_NUMBER {
        return Err(ParseError::OutOfRange);
    }
    let neg = nr < 0;
    let a = nr.unsigned_abs();
    if a % 100 >= 60 || a / 100 % 100 >= 60 {
        return Err(ParseError::OutOfRange);
    }
    let (t, _) = Time::from_parts(neg, a / 10000, a / 100 % 100, a % 100, 0);
    Ok((t, None))
}

// ---------------------------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------------------------

/// Warning code of every conversion warning here (ER_TRUNCATED_WRONG_VALUE).
pub const WARN_TRUNCATED_WRONG_VALUE: u16 = 1292;
/// ER_DATETIME_FUNCTION_OVERFLOW: `Datetime function: %s field overflow`.
pub const WARN_DATETIME_OVERFLOW: u16 = 1441;

/// How a value is quoted in a warning (MySQL prints at most 128 characters).
pub(crate) fn warning_text(v: &Value) -> String {
    let s = v.to_string_lossy().unwrap_or_else(|| "NULL".into());
    s.chars().take(128).collect()
}

/// `Incorrect <kind> value: '<v>'`: a value that could not be converted at all.
pub(crate) fn incorrect_value_message(kind: &str, v: &Value) -> String {
    format!("Incorrect {kind} value: '{}'", warning_text(v))
}

/// `Truncated incorrect <kind> value: '<v>'`: a value used after dropping or clamping parts.
pub(crate) fn truncated_value_message(kind: &str, v: &Value) -> String {
    format!("Truncated incorrect {kind} value: '{}'", warning_text(v))
}

/// True when the session's sql_mode has NO_ZERO_DATE / NO_ZERO_IN_DATE. [`FuncCtx`] has no
/// sql_mode accessor, so strict mode stands in for them (MySQL's default sql_mode has all
/// three; `sql_mode=''` has none).
pub(crate) fn sql_mode_no_zero_dates(ctx: &dyn FuncCtx) -> bool {
    ctx.strict()
}

/// A number split as MySQL's `lldiv_t`: integer part and fraction in nanoseconds (same sign).
fn split_number(v: &Value) -> Option<(i64, i64)> {
    match v {
        Value::Int(i) => Some((*i, 0)),
        Value::UInt(u) => i64::try_from(*u).ok().map(|q| (q, 0)),
        Value::Double(d) => {
            if !d.is_finite() || *d >= 9.223_372_036_854_776e18 || *d <= -9.223_372_036_854_776e18 {
                return None;
            }
            let q = d.trunc();
            let rem = ((d - q) * 1e9).round();
            Some((q as i64, rem as i64))
        }
        Value::Decimal(d) => split_dec(*d),
        _ => None,
    }
}

/// A decimal split as MySQL's `my_decimal2lldiv_t`: integer part and the fraction in
/// nanoseconds (same sign); None when the integer part does not fit an i64.
pub(crate) fn split_dec(d: Dec) -> Option<(i64, i64)> {
    let p = 10i128.checked_pow(d.scale)?;
    let q = i64::try_from(d.mant / p).ok()?;
    let frac = d.mant % p;
    let rem = if d.scale <= 9 {
        frac * 10i128.pow(9 - d.scale)
    } else {
        frac / 10i128.checked_pow(d.scale - 9)?
    };
    Some((q, i64::try_from(rem).ok()?))
}

/// Reads a value as DATE/DATETIME the way MySQL's `Item::get_date(flags)` does: DATE values at
/// midnight, TIME values on the statement's current date, strings by [`parse_datetime`] (sql_mode
/// NO_ZERO_DATE added), numbers by [`datetime_from_number`] (`20240131`, `20240131102030.5`).
/// Unconvertible values give None after warning 1292 `Incorrect datetime value: '...'`; strings
/// with ignored trailing characters warn `Truncated incorrect ...` and convert. Temporal values
/// that violate `flags` give None silently (as MySQL's fields do).
pub(crate) fn value_to_datetime(
    v: &Value,
    flags: DateFlags,
    ctx: &mut dyn FuncCtx,
) -> Option<(DateTime, TemporalKind)> {
    match v {
        Value::Null => None,
        Value::Date(d) => {
            let dt = DateTime::from_date(*d);
            check_date(&dt, flags).ok()?;
            Some((dt, TemporalKind::Date))
        }
        Value::DateTime(dt) => {
            check_date(dt, flags).ok()?;
            Some((*dt, TemporalKind::DateTime))
        }
        Value::Time(t) => {
            let today = ctx.now().date;
            let dt = DateTime::from_total_micros(
                (today.day_number() * MICROS_PER_DAY).checked_add(t.micros)?,
            )?;
            Some((dt, TemporalKind::DateTime))
        }
        Value::Bytes(s) => {
            let flags = DateFlags {
                no_zero_date: flags.no_zero_date || sql_mode_no_zero_dates(ctx),
                ..flags
            };
            match parse_datetime(s) {
                Ok(p) => {
                    if check_date(&p.value, flags).is_err() {
                        ctx.warn(
                            WARN_TRUNCATED_WRONG_VALUE,
                            incorrect_value_message("datetime", v),
                        );
                        return None;
                    }
                    if p.truncated {
                        ctx.warn(
                            WARN_TRUNCATED_WRONG_VALUE,
                            truncated_value_message(p.kind.warning_name(), v),
                        );
                    }
                    Some((p.value, p.kind))
                }
                Err(_) => {
                    ctx.warn(
                        WARN_TRUNCATED_WRONG_VALUE,
                        incorrect_value_message("datetime", v),
                    );
                    None
                }
            }
        }
        Value::Int(_) | Value::UInt(_) => {
            let n = match v {
                Value::Int(i) => Some(*i),
                Value::UInt(u) => i64::try_from(*u).ok(),
                _ => None,
            };
            let res = n.ok_or(ParseError::OutOfRange).and_then(|n| {
                let (dt, kind) = datetime_from_number(n, flags.fuzzy)?;
                check_date(&dt, flags).map(|_| (dt, kind))
            });
            match res {
                Ok(r) => Some(r),
                Err(ParseError::ZeroDate) => None,
                Err(_) => {
                    ctx.warn(
                        WARN_TRUNCATED_WRONG_VALUE,
                        incorrect_value_message("datetime", v),
                    );
                    None
                }
            }
        }
        Value::Double(_) | Value::Decimal(_) => {
            let res = split_number(v)
                .filter(|&(_, rem)| rem >= 0)
                .and_then(|(q, rem)| {
                    let (dt, kind) = datetime_from_number(q, flags.fuzzy).ok()?;
                    check_date(&dt, flags).ok()?;
                    Some((dt, kind, rem))
                });
            let Some((dt, kind, rem)) = res else {
                ctx.warn(
                    WARN_TRUNCATED_WRONG_VALUE,
                    incorrect_value_message("datetime", v),
                );
                return None;
            };
            if kind == TemporalKind::Date {
                if rem != 0 {
                    ctx.warn(
                        WARN_TRUNCATED_WRONG_VALUE,
                        truncated_value_message("date", v),
                    );
                }
                return Some((dt, kind));
            }
            let rem = u32::try_from(rem).unwrap_or(0);
            let dt = DateTime {
                micro: rem / 1000,
                ..dt
            };
            match datetime_add_nanos(dt, rem % 1000) {
                Some(dt) => Some((dt, kind)),
                None => {
                    ctx.warn(WARN_DATETIME_OVERFLOW, overflow_message("datetime"));
                    None
                }
            }
        }
    }
}

/// `Datetime function: <what> field overflow` (warning 1441).
pub(crate) fn overflow_message(what: &str) -> String {
    format!("Datetime function: {what} field overflow")
}

/// A value read as TIME (`value_to_time`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeArg {
    /// The time (the time of day when the value had a date).
    pub time: Time,
    /// The full value when it had a date: DATE/DATETIME values and datetime strings.
    pub datetime: Option<DateTime>,
}

/// Reads a value as TIME the way MySQL's `Item::get_time()` does: DATETIME values keep their
/// date in [`TimeArg::datetime`], strings go through [`parse_time`], numbers through
/// [`time_from_number`] (`102030.5` → 10:20:30.5). Unconvertible values give None after warning
/// 1292 `Truncated incorrect time value: '...'`.
pub(crate) fn value_to_time(v: &Value, ctx: &mut dyn FuncCtx) -> Option<TimeArg> {
    let warn = |ctx: &mut dyn FuncCtx| {
        ctx.warn(
            WARN_TRUNCATED_WRONG_VALUE,
            truncated_value_message("time", v),
        )
    };
    match v {
        Value::Null => None,
        Value::Time(t) => Some(TimeArg {
            time: *t,
            datetime: None,
        }),
        Value::DateTime(dt) => Some(TimeArg {
            time: dt.time(),
            datetime: Some(*dt),
        }),
        Value::Date(d) => Some(TimeArg {
            time: Time::default(),
            datetime: Some(DateTime::from_date(*d)),
        }),
        Value::Bytes(s) => match parse_time(s) {
            Ok(p) => {
                if p.warning {
                    warn(ctx);
                }
                Some(TimeArg {
                    time: p.value,
                    datetime: p.datetime,
                })
            }
            Err(_) => {
                warn(ctx);
                None
            }
        },
        Value::Int(_) | Value::UInt(_) | Value::Double(_) | Value::Decimal(_) => {
            let res = split_number(v).and_then(|(q, rem)| {
                let (t, dt) = time_from_number(q).ok()?;
                let neg = t.is_negative() || rem < 0;
                let frac = rem.unsigned_abs();
                let micro = frac / 1000;
                if (q == TIME_MAX_NUMBER || q == -TIME_MAX_NUMBER) && micro != 0 {
                    return None;
                }
                if let Some(dt) = dt {
                    let dt = DateTime {
                        micro: u32::try_from(micro).ok()?,
                        ..dt
                    };
                    let dt = datetime_add_nanos(dt, u32::try_from(frac % 1000).ok()?)?;
                    return Some((
                        TimeArg {
                            time: dt.time(),
                            datetime: Some(dt),
                        },
                        false,
                    ));
                }
                let mag = i128::from(t.micros.unsigned_abs())
                    + i128::from(micro)
                    + i128::from(frac % 1000 >= 500);
                let (time, clamped) = Time::from_micros_clamped(if neg { -mag } else { mag });
                Some((
                    TimeArg {
                        time,
                        datetime: None,
                    },
                    clamped,
                ))
            });
            match res {
                Some((arg, clamped)) => {
                    if clamped {
                        warn(ctx);
                    }
                    Some(arg)
                }
                None => {
                    warn(ctx);
                    None
                }
            }
        }
    }
}

/// `value_to_datetime` with [`DateFlags::FUZZY`], dropping the kind.
pub(crate) fn to_datetime(v: &Value, ctx: &mut dyn FuncCtx) -> Option<DateTime> {
    value_to_datetime(v, DateFlags::FUZZY, ctx).map(|(dt, _)| dt)
}

/// `to_datetime` keeping only the date.
pub(crate) fn to_date(v: &Value, ctx: &mut dyn FuncCtx) -> Option<Date> {
    to_datetime(v, ctx).map(|dt| dt.date)
}

/// `value_to_time` keeping only the time.
pub(crate) fn to_time(v: &Value, ctx: &mut dyn FuncCtx) -> Option<Time> {
    value_to_time(v, ctx).map(|t| t.time)
}

/// Rounds the fraction to `fsp` digits, half up, as MySQL stores into DATETIME(fsp) by default
/// (`2024-01-01 10:00:00.5` → `10:00:01` at fsp 0). None when the carry leaves the supported
/// range or hits a zero-in-date value.
pub fn round_datetime(dt: DateTime, fsp: u8) -> Option<DateTime> {
    if dt.micro > 999_999 {
        return None;
    }
    let unit = 10u32.pow(u32::from(6 - fsp.min(6)));
    let rem = dt.micro % unit;
    let base = dt.micro - rem;
    if rem * 2 < unit {
        return Some(DateTime { micro: base, ..dt });
    }
    let up = base + unit;
    if up < 1_000_000 {
        return Some(DateTime { micro: up, ..dt });
    }
    if dt.date.has_zero_part() || !is_valid(dt.date) {
        return None;
    }
    DateTime::from_total_micros(dt.total_micros() - i64::from(dt.micro) + MICROS_PER_SEC)
}

/// Drops fractional digits past `fsp` (NOW(fsp), TIME_TRUNCATE_FRACTIONAL).
pub fn truncate_datetime(dt: DateTime, fsp: u8) -> DateTime {
    let unit = 10u32.pow(u32::from(6 - fsp.min(6)));
    DateTime {
        micro: dt.micro - dt.micro % unit,
        ..dt
    }
}

/// Rounds a TIME's fraction to `fsp` digits, half away from zero, clamping to ±838:59:59
/// (`10:00:00.5` → `10:00:01` at fsp 0).
pub fn round_time(t: Time, fsp: u8) -> Time {
    let unit = 10i64.pow(u32::from(6 - fsp.min(6)));
    let mag = t.micros.unsigned_abs();
    let unit_u = unit.unsigned_abs();
    let rem = mag % unit_u;
    let mut m = mag - rem;
    if rem * 2 >= unit_u {
        m += unit_u;
    }
    let signed = if t.micros < 0 {
        -i128::from(m)
    } else {
        i128::from(m)
    };
    Time::from_micros_clamped(signed).0
}

/// Drops fractional digits past `fsp`.
pub fn truncate_time(t: Time, fsp: u8) -> Time {
    let unit = 10i64.pow(u32::from(6 - fsp.min(6)));
    Time {
        micros: t.micros - t.micros % unit,
    }
}

/// A local DATETIME (in a zone `tz_offset_secs` east of UTC) as microseconds since the Unix
/// epoch: how TIMESTAMP values are stored.
pub fn datetime_to_epoch_micros(dt: &DateTime, tz_offset_secs: i64) -> i64 {
    (dt.date.day_number() - DAYS_AT_EPOCH) * MICROS_PER_DAY + dt.micros_of_day()
        - tz_offset_secs.clamp(-86_400, 86_400) * MICROS_PER_SEC
}

/// Microseconds since the Unix epoch shown in a zone `tz_offset_secs` east of UTC; None when
/// the result falls outside years 1..=9999 (or overflows).
pub fn datetime_from_epoch_micros(us: i64, tz_offset_secs: i64) -> Option<DateTime> {
    let local = us.checked_add(tz_offset_secs.checked_mul(MICROS_PER_SEC)?)?;
    let total = local.checked_add(DAYS_AT_EPOCH * MICROS_PER_DAY)?;
    if total < 366 * MICROS_PER_DAY {
        return None;
    }
    DateTime::from_total_micros(total)
}

/// Seconds east of UTC of a time zone name MySQL knows without time zone tables: `'+05:30'`,
/// `'-8:00'` (from -13:59 to +14:00), `'UTC'`, `'SYSTEM'` (UTC here). Named zones
/// (`'Europe/Paris'`) need the tz tables and give None, as in a server without them.
pub fn parse_tz_offset(name: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(name).ok()?.trim();
    if s.eq_ignore_ascii_case("UTC") || s.eq_ignore_ascii_case("SYSTEM") {
        return Some(0);
    }
    let (neg, rest) = match s.as_bytes().first()? {
        b'+' => (false, s.get(1..)?),
        b'-' => (true, s.get(1..)?),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let h: i64 = h.parse().ok()?;
    let m: i64 = m.parse().ok()?;
    if m > 59 || !h.to_string().chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let secs = h * 3600 + m * 60;
    let secs = if neg { -secs } else { secs };
    if !(-(13 * 3600 + 59 * 60)..=14 * 3600).contains(&secs) {
        return None;
    }
    Some(secs)
}

// ---------------------------------------------------------------------------------------------
// Intervals
// ---------------------------------------------------------------------------------------------

/// The unit of `INTERVAL expr unit` (and of EXTRACT / TIMESTAMPDIFF), in MySQL's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntervalUnit {
    /// YEAR.
    Year,
    /// QUARTER.
    Quarter,
    /// MONTH.
    Month,
    /// WEEK.
    Week,
    /// DAY.
    Day,
    /// HOUR.
    Hour,
    /// MINUTE.
    Minute,
    /// SECOND.
    Second,
    /// MICROSECOND.
    Microsecond,
    /// YEAR_MONTH: `'YEARS-MONTHS'`.
    YearMonth,
    /// DAY_HOUR: `'DAYS HOURS'`.
    DayHour,
    /// DAY_MINUTE: `'DAYS HOURS:MINUTES'`.
    DayMinute,
    /// DAY_SECOND: `'DAYS HOURS:MINUTES:SECONDS'`.
    DaySecond,
    /// HOUR_MINUTE: `'HOURS:MINUTES'`.
    HourMinute,
    /// HOUR_SECOND: `'HOURS:MINUTES:SECONDS'`.
    HourSecond,
    /// MINUTE_SECOND: `'MINUTES:SECONDS'`.
    MinuteSecond,
    /// DAY_MICROSECOND: `'DAYS HOURS:MINUTES:SECONDS.MICROSECONDS'`.
    DayMicrosecond,
    /// HOUR_MICROSECOND: `'HOURS:MINUTES:SECONDS.MICROSECONDS'`.
    HourMicrosecond,
    /// MINUTE_MICROSECOND: `'MINUTES:SECONDS.MICROSECONDS'`.
    MinuteMicrosecond,
    /// SECOND_MICROSECOND: `'SECONDS.MICROSECONDS'`.
    SecondMicrosecond,
}

impl IntervalUnit {
    const ALL: [IntervalUnit; 20] = [
        IntervalUnit::Year,
        IntervalUnit::Quarter,
        IntervalUnit::Month,
        IntervalUnit::Week,
        IntervalUnit::Day,
        IntervalUnit::Hour,
        IntervalUnit::Minute,
        IntervalUnit::Second,
        IntervalUnit::Microsecond,
        IntervalUnit::YearMonth,
        IntervalUnit::DayHour,
        IntervalUnit::DayMinute,
        IntervalUnit::DaySecond,
        IntervalUnit::HourMinute,
        IntervalUnit::HourSecond,
        IntervalUnit::MinuteSecond,
        IntervalUnit::DayMicrosecond,
        IntervalUnit::HourMicrosecond,
        IntervalUnit::MinuteMicrosecond,
        IntervalUnit::SecondMicrosecond,
    ];

    /// The unit of a keyword, case-insensitively; the ODBC names TIMESTAMPADD/TIMESTAMPDIFF
    /// accept (`SQL_TSI_DAY`, `FRAC_SECOND` is not MySQL 8) are recognised too.
    pub fn from_name(name: &str) -> Option<Self> {
        let upper = name.trim().to_ascii_uppercase();
        let n = upper.strip_prefix("SQL_TSI_").unwrap_or(&upper);
        Self::ALL.into_iter().find(|u| u.name() == n)
    }

    /// The keyword, upper case.
    pub fn name(self) -> &'static str {
        match self {
            IntervalUnit::Year => "YEAR",
            IntervalUnit::Quarter => "QUARTER",
            IntervalUnit::Month => "MONTH",
            IntervalUnit::Week => "WEEK",
            IntervalUnit::Day => "DAY",
            IntervalUnit::Hour => "HOUR",
            IntervalUnit::Minute => "MINUTE",
            IntervalUnit::Second => "SECOND",
            IntervalUnit::Microsecond => "MICROSECOND",
            IntervalUnit::YearMonth => "YEAR_MONTH",
            IntervalUnit::DayHour => "DAY_HOUR",
            IntervalUnit::DayMinute => "DAY_MINUTE",
            IntervalUnit::DaySecond => "DAY_SECOND",
            IntervalUnit::HourMinute => "HOUR_MINUTE",
            IntervalUnit::HourSecond => "HOUR_SECOND",
            IntervalUnit::MinuteSecond => "MINUTE_SECOND",
            IntervalUnit::DayMicrosecond => "DAY_MICROSECOND",
            IntervalUnit::HourMicrosecond => "HOUR_MICROSECOND",
            IntervalUnit::MinuteMicrosecond => "MINUTE_MICROSECOND",
            IntervalUnit::SecondMicrosecond => "SECOND_MICROSECOND",
        }
    }

    /// YEAR .. MICROSECOND: the units whose value is a single number (and the only ones
    /// TIMESTAMPDIFF/TIMESTAMPADD take).
    pub fn is_simple(self) -> bool {
        self <= IntervalUnit::Microsecond
    }

    /// Units that keep a DATE a DATE (YEAR .. DAY, YEAR_MONTH).
    pub fn is_date_only(self) -> bool {
        self <= IntervalUnit::Day || self == IntervalUnit::YearMonth
    }

    /// Units that keep a TIME a TIME in DATE_ADD (HOUR .. MICROSECOND, HOUR_MINUTE ..
    /// SECOND_MICROSECOND; DAY_* units turn it into a DATETIME).
    pub fn is_time_only(self) -> bool {
        (IntervalUnit::Hour..=IntervalUnit::Microsecond).contains(&self)
            || (IntervalUnit::HourMinute..=IntervalUnit::SecondMicrosecond).contains(&self)
    }

    /// True for the units with a microseconds part (the result gets 6 fractional digits).
    pub fn has_micros(self) -> bool {
        self == IntervalUnit::Microsecond || self >= IntervalUnit::DayMicrosecond
    }
}

/// An interval value: the parts of `INTERVAL expr unit` (MySQL's `Interval` struct).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// The unit it was given in (decides how it is added).
    pub unit: IntervalUnit,
    /// Years.
    pub year: u64,
    /// Months (QUARTER is stored as 3 months).
    pub month: u64,
    /// Days (WEEK is stored as 7 days).
    pub day: u64,
    /// Hours.
    pub hour: u64,
    /// Minutes.
    pub minute: u64,
    /// Seconds.
    pub second: u64,
    /// Microseconds.
    pub micro: u64,
    /// A leading `-`.
    pub neg: bool,
}

impl Interval {
    fn zero(unit: IntervalUnit) -> Self {
        Interval {
            unit,
            year: 0,
            month: 0,
            day: 0,
            hour: 0,
            minute: 0,
            second: 0,
            micro: 0,
            neg: false,
        }
    }

    /// Builds an interval from the value of `INTERVAL expr unit` (MySQL's `get_interval_value`):
    /// simple units take the value as an integer (`1.5 DAY` is 2 days, `'1.5' DAY` 1 day), SECOND
    /// keeps a fraction (`1.5 SECOND`), composite units parse the value's text (`'1:30'`
    /// HOUR_MINUTE, `'-1 2'` DAY_HOUR, `'1.5'` SECOND_MICROSECOND = 1.5 s; missing leading
    /// parts are zero: `'30'` HOUR_MINUTE is 30 minutes). None for NULL and for values MySQL
    /// rejects (trailing text, overflow); the caller then returns NULL, warning 1441
    /// `Datetime function: date_add_interval field overflow` unless the value was NULL.
    pub fn from_value(v: &Value, unit: IntervalUnit) -> Option<Interval> {
        let mut iv = Interval::zero(unit);
        if v.is_null() {
            return None;
        }
        if unit == IntervalUnit::Second
            && matches!(v, Value::Bytes(_) | Value::Double(_) | Value::Decimal(_))
        {
            let dec = match v {
                Value::Double(d) => Dec::parse(&format!("{d:e}"))?,
                other => other.to_dec()?,
            };
            let (q, rem) = split_dec(dec)?;
            iv.neg = q < 0 || rem < 0;
            iv.second = q.unsigned_abs();
            iv.micro = rem.unsigned_abs() / 1000;
            return Some(iv);
        }
        if unit.is_simple() {
            let value = v.to_i64()?;
            if value == i64::MIN {
                return None;
            }
            iv.neg = value < 0;
            let value = value.unsigned_abs();
            match unit {
                IntervalUnit::Year => iv.year = value,
                IntervalUnit::Quarter => {
                    if value >= u64::from(u32::MAX / 3) {
                        return None;
                    }
                    iv.month = value * 3;
                }
                IntervalUnit::Month => iv.month = value,
                IntervalUnit::Week => {
                    if value >= u64::from(u32::MAX / 7) {
                        return None;
                    }
                    iv.day = value * 7;
                }
                IntervalUnit::Day => iv.day = value,
                IntervalUnit::Hour => iv.hour = value,
                IntervalUnit::Minute => iv.minute = value,
                IntervalUnit::Second => iv.second = value,
                _ => iv.micro = value,
            }
            return Some(iv);
        }
        let text = v.to_text()?;
        let (count, msec) = match unit {
            IntervalUnit::YearMonth
            | IntervalUnit::DayHour
            | IntervalUnit::HourMinute
            | IntervalUnit::MinuteSecond => (2, false),
            IntervalUnit::DayMinute | IntervalUnit::HourSecond => (3, false),
            IntervalUnit::DaySecond => (4, false),
            IntervalUnit::DayMicrosecond => (5, true),
            IntervalUnit::HourMicrosecond => (4, true),
            IntervalUnit::MinuteMicrosecond => (3, true),
            _ => (2, true),
        };
        let (neg, vals) = interval_parts(&text, count, msec)?;
        iv.neg = neg;
        let g = |i: usize| vals.get(i).copied().unwrap_or(0);
        match unit {
            IntervalUnit::YearMonth => (iv.year, iv.month) = (g(0), g(1)),
            IntervalUnit::DayHour => (iv.day, iv.hour) = (g(0), g(1)),
            IntervalUnit::DayMinute => (iv.day, iv.hour, iv.minute) = (g(0), g(1), g(2)),
            IntervalUnit::DaySecond => {
                (iv.day, iv.hour, iv.minute, iv.second) = (g(0), g(1), g(2), g(3))
            }
            IntervalUnit::HourMinute => (iv.hour, iv.minute) = (g(0), g(1)),
            IntervalUnit::HourSecond => (iv.hour, iv.minute, iv.second) = (g(0), g(1), g(2)),
            IntervalUnit::MinuteSecond => (iv.minute, iv.second) = (g(0), g(1)),
            IntervalUnit::DayMicrosecond => {
                (iv.day, iv.hour, iv.minute, iv.second, iv.micro) = (g(0), g(1), g(2), g(3), g(4))
            }
            IntervalUnit::HourMicrosecond => {
                (iv.hour, iv.minute, iv.second, iv.micro) = (g(0), g(1), g(2), g(3))
            }
            IntervalUnit::MinuteMicrosecond => {
                (iv.minute, iv.second, iv.micro) = (g(0), g(1), g(2))
            }
            _ => (iv.second, iv.micro) = (g(0), g(1)),
        }
        Some(iv)
    }

    /// Signed microseconds of the day..microsecond parts (what TIME arithmetic adds); None on
    /// overflow.
    fn signed_micros(&self, negate: bool) -> Option<i128> {
        let us = ((((i128::from(self.day) * 24 + i128::from(self.hour)) * 60
            + i128::from(self.minute))
            * 60
            + i128::from(self.second))
            * 1_000_000)
            .checked_add(i128::from(self.micro))?;
        Some(if self.neg != negate { -us } else { us })
    }
}

/// MySQL's `get_interval_info`: up to `count` numbers separated by any non-digits; fewer
/// numbers fill the low end. With `msec`, a last part of fewer than 6 digits is scaled
/// (`'1.5'` → 500000 µs).
fn interval_parts(text: &[u8], count: usize, msec: bool) -> Option<(bool, Vec<u64>)> {
    let end = text.len();
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    let mut st = 0;
    while st < end && is_space(at(st)) {
        st += 1;
    }
    let mut neg = false;
    if st < end && at(st) == b'-' {
        neg = true;
        st += 1;
    }
    while st < end && !at(st).is_ascii_digit() {
        st += 1;
    }
    let mut values = vec![0u64; count];
    let mut msec_length: i64 = 0;
    let mut i = 0;
    while i < count {
        let start = st;
        let mut value: u64 = 0;
        while st < end && at(st).is_ascii_digit() {
            if value > (i64::MAX as u64 - 10) / 10 {
                return None;
            }
            value = value * 10 + u64::from(at(st) - b'0');
            st += 1;
        }
        msec_length = 6 - i64::try_from(st - start).unwrap_or(6);
        if let Some(slot) = values.get_mut(i) {
            *slot = value;
        }
        while st < end && !at(st).is_ascii_digit() {
            st += 1;
        }
        if st == end && i != count - 1 {
            let read = i + 1;
            let mut shifted = vec![0u64; count];
            for k in 0..read {
                if let (Some(dst), Some(src)) = (shifted.get_mut(count - read + k), values.get(k)) {
                    *dst = *src;
                }
            }
            values = shifted;
            break;
        }
        i += 1;
    }
    if msec
        && msec_length > 0
        && let Some(last) = values.last_mut()
    {
        *last = last.checked_mul(10u64.pow(u32::try_from(msec_length).ok()?))?;
    }
    (st == end).then_some((neg, values))
}

/// Adds an interval to a DATE/DATETIME (`negate` subtracts it: DATE_SUB), with MySQL's rules
/// (`date_add_interval`): month arithmetic clamps to the month's last day (`2024-01-31` +
/// 1 MONTH = `2024-02-29`), YEAR keeps Feb 29 only in leap years, day and time units count
/// exact days/microseconds. None when the result leaves 0000..9999 (the caller returns NULL
/// with warning 1441 `Datetime function: datetime field overflow`).
pub fn add_interval(dt: DateTime, iv: &Interval, negate: bool) -> Option<DateTime> {
    let neg = iv.neg != negate;
    let sign: i128 = if neg { -1 } else { 1 };
    let mut out = dt;
    match iv.unit {
        IntervalUnit::Day | IntervalUnit::Week => {
            let period = i128::from(dt.date.day_number());
            let days = i128::from(iv.day);
            let p = if neg {
                if period < days {
                    return None;
                }
                period - days
            } else {
                if period + days > i128::from(MAX_DAY_NUMBER) {
                    return None;
                }
                period + days
            };
            out.date = civil_from_days(i64::try_from(p).ok()?);
        }
        IntervalUnit::Year => {
            if iv.year > 10000 {
                return None;
            }
            let y = i128::from(dt.date.year) + sign * i128::from(iv.year);
            if !(0..10000).contains(&y) {
                return None;
            }
            out.date.year = u16::try_from(y).ok()?;
            if out.date.month == 2 && out.date.day == 29 && !is_leap_year(i64::from(out.date.year))
            {
                out.date.day = 28;
            }
        }
        IntervalUnit::Month | IntervalUnit::Quarter | IntervalUnit::YearMonth => {
            if iv.month >= u64::from(u32::MAX / 2) || iv.year >= u64::from(u32::MAX / 12) {
                return None;
            }
            let period = i128::from(dt.date.year) * 12
                + sign * i128::from(iv.year) * 12
                + i128::from(dt.date.month)
                - 1
                + sign * i128::from(iv.month);
            if !(0..120_000).contains(&period) {
                return None;
            }
            out.date.year = u16::try_from(period / 12).ok()?;
            out.date.month = u8::try_from(period % 12 + 1).ok()?;
            let dim = days_in_month(i64::from(out.date.year), out.date.month);
            if out.date.day > dim {
                out.date.day = dim;
            }
        }
        _ => {
            let max = i128::from(MAX_DAY_NUMBER);
            if i128::from(iv.day) > max
                || i128::from(iv.hour) > max * 24
                || i128::from(iv.minute) > max * 24 * 60
                || i128::from(iv.second) > max * 24 * 3600
            {
                return None;
            }
            let mut micros = i128::from(dt.micro) + sign * i128::from(iv.micro);
            let extra_sec = micros / 1_000_000;
            micros %= 1_000_000;
            let mut sec = (i128::from(dt.date.day) - 1) * 86_400
                + i128::from(dt.hour) * 3600
                + i128::from(dt.minute) * 60
                + i128::from(dt.second)
                + sign
                    * (i128::from(iv.day) * 86_400
                        + i128::from(iv.hour) * 3600
                        + i128::from(iv.minute) * 60
                        + i128::from(iv.second))
                + extra_sec;
            if micros < 0 {
                micros += 1_000_000;
                sec -= 1;
            }
            let mut days = sec / 86_400;
            sec -= days * 86_400;
            if sec < 0 {
                days -= 1;
                sec += 86_400;
            }
            let daynr = i128::from(days_from_civil(
                i64::from(dt.date.year),
                i64::from(dt.date.month),
                1,
            )) + days;
            if !(0..=max).contains(&daynr) {
                return None;
            }
            out = DateTime {
                date: civil_from_days(i64::try_from(daynr).ok()?),
                hour: u8::try_from(sec / 3600).ok()?,
                minute: u8::try_from(sec / 60 % 60).ok()?,
                second: u8::try_from(sec % 60).ok()?,
                micro: u32::try_from(micros).ok()?,
            };
        }
    }
    Some(out)
}

/// Adds an interval of time units to a TIME (DATE_ADD on a TIME value): None when the result
/// leaves ±838:59:59 or the interval has years/months (MySQL warns 1441 `time field overflow`).
pub fn add_interval_to_time(t: Time, iv: &Interval, negate: bool) -> Option<Time> {
    if iv.year != 0 || iv.month != 0 {
        return None;
    }
    let r = i128::from(t.micros).checked_add(iv.signed_micros(negate)?)?;
    let (t, clamped) = Time::from_micros_clamped(r);
    (!clamped).then_some(t)
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

/// The broken-down value DATE_FORMAT/TIME_FORMAT print (MySQL's `MYSQL_TIME`).
struct Broken {
    neg: bool,
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    micro: u32,
    is_time: bool,
}

impl Broken {
    fn date(&self) -> Date {
        Date {
            year: u16::try_from(self.year).unwrap_or(0),
            month: u8::try_from(self.month).unwrap_or(0),
            day: u8::try_from(self.day).unwrap_or(0),
        }
    }
}

fn pad(out: &mut Vec<u8>, n: u64, width: usize) {
    out.extend_from_slice(format!("{n:0width$}").as_bytes());
}

/// MySQL's `make_date_time`: None where MySQL returns NULL (a name of month 0, a weekday of a
/// TIME or of a zero date).
fn make_date_time(t: &Broken, fmt: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    if t.neg {
        out.push(b'-');
    }
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' || i + 1 == fmt.len() {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let spec = fmt[i];
        i += 1;
        let no_weekday = t.is_time || (t.month == 0 && t.year == 0);
        match spec {
            b'M' | b'b' => {
                let name = MONTH_NAMES.get(usize::try_from(t.month).ok()?.checked_sub(1)?)?;
                let name = if spec == b'b' { name.get(..3)? } else { name };
                out.extend_from_slice(name.as_bytes());
            }
            b'W' | b'a' => {
                if no_weekday {
                    return None;
                }
                let name = DAY_NAMES.get(usize::from(weekday(t.date())))?;
                let name = if spec == b'a' { name.get(..3)? } else { name };
                out.extend_from_slice(name.as_bytes());
            }
            b'D' => {
                if t.is_time {
                    return None;
                }
                pad(&mut out, u64::from(t.day), 1);
                let suffix = if (10..=19).contains(&t.day) {
                    "th"
                } else {
                    match t.day % 10 {
                        1 => "st",
                        2 => "nd",
                        3 => "rd",
                        _ => "th",
                    }
                };
                out.extend_from_slice(suffix.as_bytes());
            }
            b'Y' => pad(&mut out, u64::from(t.year), 4),
            b'y' => pad(&mut out, u64::from(t.year % 100), 2),
            b'm' => pad(&mut out, u64::from(t.month), 2),
            b'c' => pad(&mut out, u64::from(t.month), 1),
            b'd' => pad(&mut out, u64::from(t.day), 2),
            b'e' => pad(&mut out, u64::from(t.day), 1),
            b'f' => pad(&mut out, u64::from(t.micro), 6),
            b'H' => pad(&mut out, u64::from(t.hour), 2),
            b'h' | b'I' => pad(&mut out, u64::from((t.hour % 24 + 11) % 12 + 1), 2),
            b'i' => pad(&mut out, u64::from(t.minute), 2),
            b'j' => {
                if t.is_time {
                    return None;
                }
                let d = day_of_year(t.date());
                if d < 0 {
                    out.extend_from_slice(format!("-{:03}", d.unsigned_abs()).as_bytes());
                } else {
                    pad(&mut out, d.unsigned_abs(), 3);
                }
            }
            b'k' => pad(&mut out, u64::from(t.hour), 1),
            b'l' => pad(&mut out, u64::from((t.hour % 24 + 11) % 12 + 1), 1),
            b'p' => out.extend_from_slice(if t.hour % 24 < 12 { b"AM" } else { b"PM" }),
            b'r' => {
                let s = format!(
                    "{:02}:{:02}:{:02} {}",
                    (t.hour + 11) % 12 + 1,
                    t.minute,
                    t.second,
                    if t.hour % 24 < 12 { "AM" } else { "PM" }
                );
                out.extend_from_slice(s.as_bytes());
            }
            b'S' | b's' => pad(&mut out, u64::from(t.second), 2),
            b'T' => {
                let s = format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second);
                out.extend_from_slice(s.as_bytes());
            }
            b'U' | b'u' | b'V' | b'v' | b'X' | b'x' => {
                if t.is_time {
                    return None;
                }
                let behaviour = match spec {
                    b'U' => WEEK_FIRST_WEEKDAY,
                    b'u' => WEEK_MONDAY_FIRST,
                    b'V' | b'X' => WEEK_YEAR | WEEK_FIRST_WEEKDAY,
                    _ => WEEK_YEAR | WEEK_MONDAY_FIRST,
                };
                let (w, y) = calc_week(t.date(), behaviour);
                if matches!(spec, b'X' | b'x') {
                    pad(&mut out, u64::from(y), 4);
                } else {
                    pad(&mut out, u64::from(w), 2);
                }
            }
            b'w' => {
                if no_weekday {
                    return None;
                }
                pad(
                    &mut out,
                    u64::from(weekday_of_daynr(t.date().day_number(), true)),
                    1,
                );
            }
            other => out.push(other),
        }
    }
    Some(out)
}

fn bytes_to_string(b: Vec<u8>) -> String {
    match String::from_utf8(b) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// `DATE_FORMAT(dt, fmt)` with every specifier MySQL has (English names; `%x` for an unknown
/// `x` prints `x`). None where MySQL returns NULL: `%M`/`%b` of month 0, `%W`/`%a`/`%w` of the
/// zero date.
pub fn date_format(dt: &DateTime, fmt: &[u8]) -> Option<String> {
    let b = Broken {
        neg: false,
        year: u32::from(dt.date.year),
        month: u32::from(dt.date.month),
        day: u32::from(dt.date.day),
        hour: u32::from(dt.hour),
        minute: u32::from(dt.minute),
        second: u32::from(dt.second),
        micro: dt.micro,
        is_time: false,
    };
    make_date_time(&b, fmt).map(bytes_to_string)
}

/// `TIME_FORMAT(t, fmt)`: like [`date_format`] for a duration (hours may exceed 23, negative
/// values get a leading `-`); date specifiers print zeros, and names/weekdays give None.
pub fn time_format(t: &Time, fmt: &[u8]) -> Option<String> {
    let b = Broken {
        neg: t.is_negative(),
        year: 0,
        month: 0,
        day: 0,
        hour: t.hours(),
        minute: t.minutes(),
        second: t.seconds(),
        micro: t.micro(),
        is_time: true,
    };
    make_date_time(&b, fmt).map(bytes_to_string)
}

/// `GET_FORMAT(type, standard)`: `type` is DATE, DATETIME, TIMESTAMP or TIME, `standard` one of
/// EUR, USA, JIS, ISO, INTERNAL (case-insensitive); None otherwise.
pub fn get_format(kind: &str, standard: &[u8]) -> Option<&'static str> {
    const FORMATS: [(&str, &str, &str, &str); 5] = [
        ("USA", "%m.%d.%Y", "%Y-%m-%d %H.%i.%s", "%h:%i:%s %p"),
        ("JIS", "%Y-%m-%d", "%Y-%m-%d %H:%i:%s", "%H:%i:%s"),
        ("ISO", "%Y-%m-%d", "%Y-%m-%d %H:%i:%s", "%H:%i:%s"),
        ("EUR", "%d.%m.%Y", "%Y-%m-%d %H.%i.%s", "%H.%i.%s"),
        ("INTERNAL", "%Y%m%d", "%Y%m%d%H%i%s", "%H%i%s"),
    ];
    let std_name = std::str::from_utf8(standard).ok()?;
    let (_, d, dt, t) = FORMATS
        .iter()
        .find(|f| f.0.eq_ignore_ascii_case(std_name))?;
    match kind.to_ascii_uppercase().as_str() {
        "DATE" => Some(d),
        "DATETIME" | "TIMESTAMP" => Some(dt),
        "TIME" => Some(t),
        _ => None,
    }
}

/// What STR_TO_DATE returns for a format (MySQL's `fix_from_format`): DATE without time
/// specifiers, TIME without date specifiers, else DATETIME; fsp 6 when `%f` is present.
pub fn str_to_date_kind(fmt: &[u8]) -> (TemporalKind, u8) {
    const TIME_PART: &[u8] = b"HISThiklrs";
    const DATE_PART: &[u8] = b"MVUXYWabcjmvuxyw";
    let (mut date_used, mut time_used, mut frac_used) = (false, false, false);
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] == b'%' && i + 1 < fmt.len() {
            i += 1;
            let c = fmt[i];
            if c == b'f' {
                frac_used = true;
                time_used = true;
            } else if !time_used && TIME_PART.contains(&c) {
                time_used = true;
            } else if !date_used && DATE_PART.contains(&c) {
                date_used = true;
            }
            if date_used && frac_used {
                return (TemporalKind::DateTime, 6);
            }
        }
        i += 1;
    }
    if frac_used {
        (TemporalKind::Time, 6)
    } else if time_used {
        if date_used {
            (TemporalKind::DateTime, 0)
        } else {
            (TemporalKind::Time, 0)
        }
    } else {
        (TemporalKind::Date, 0)
    }
}

/// The fields STR_TO_DATE collects.
#[derive(Default)]
struct Extracted {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    micro: i64,
}

/// MySQL's `my_strtoll10` on at most `limit` bytes: optional sign and digits. None when there
/// is no digit. Returns the value and the bytes consumed.
fn strtoll_limited(s: &[u8], limit: usize) -> Option<(i64, usize)> {
    let s = s.get(..limit.min(s.len()))?;
    let mut i = 0;
    let mut neg = false;
    if let Some(&c) = s.first()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        i = 1;
    }
    let start = i;
    let mut v: i64 = 0;
    while let Some(&c) = s.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
        i += 1;
    }
    if i == start {
        return None;
    }
    Some((if neg { -v } else { v }, i))
}

/// MySQL's `check_word` over a name list: the alphabetic word at `s`, matched
/// case-insensitively in full or as a unique prefix; returns the 1-based index and length.
fn check_word(names: &[&str], s: &[u8], abbreviated: bool) -> Option<(i64, usize)> {
    let len = s.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let word = std::str::from_utf8(s.get(..len)?).ok()?;
    if word.is_empty() {
        return None;
    }
    let candidates: Vec<&str> = names
        .iter()
        .map(|n| {
            if abbreviated {
                n.get(..3).unwrap_or(n)
            } else {
                n
            }
        })
        .collect();
    if let Some(pos) = candidates.iter().position(|n| n.eq_ignore_ascii_case(word)) {
        return Some((i64::try_from(pos).ok()? + 1, len));
    }
    let mut found = None;
    for (pos, n) in candidates.iter().enumerate() {
        if n.len() > word.len()
            && n.get(..word.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(word))
        {
            if found.is_some() {
                return None;
            }
            found = Some(pos);
        }
    }
    found.map(|p| (i64::try_from(p).unwrap_or(0) + 1, len))
}

fn year_2000(y: i64) -> i64 {
    if y + 1900 < 1970 { y + 2000 } else { y + 1900 }
}

/// Week/yearday state of STR_TO_DATE.
struct WeekState {
    weekday: i64,
    yearday: i64,
    week_number: i64,
    strict_year: i64,
    usa_time: bool,
    daypart: i64,
    sunday_first: bool,
    strict_week: bool,
    strict_year_sunday: bool,
}

/// MySQL's `extract_date_time`; `Err(kind)` names the type for the 1411 warning ("datetime" or
/// "time" for the `%r`/`%T` sub-patterns). Returns the value position reached.
fn extract(
    fmt: &[u8],
    val: &[u8],
    mut pos: usize,
    t: &mut Extracted,
    w: &mut WeekState,
    depth: u8,
) -> Result<usize, &'static str> {
    let end = val.len();
    let at = |i: usize| val.get(i).copied().unwrap_or(0);
    let mut fi = 0;
    while fi < fmt.len() && pos < end {
        while pos < end && is_space(at(pos)) {
            pos += 1;
        }
        if pos >= end {
            break;
        }
        let c = fmt[fi];
        if c == b'%' && fi + 1 < fmt.len() {
            fi += 1;
            let spec = fmt[fi];
            let rest = val.get(pos..).unwrap_or_default();
            let num = |limit: usize| strtoll_limited(rest, limit).ok_or("datetime");
            match spec {
                b'Y' => {
                    let (v, n) = num(4)?;
                    t.year = if n <= 2 { year_2000(v) } else { v };
                    pos += n;
                }
                b'y' => {
                    let (v, n) = num(2)?;
                    t.year = year_2000(v);
                    pos += n;
                }
                b'm' | b'c' => {
                    let (v, n) = num(2)?;
                    t.month = v;
                    pos += n;
                }
                b'M' | b'b' => {
                    let (v, n) = check_word(&MONTH_NAMES, rest, spec == b'b').ok_or("datetime")?;
                    t.month = v;
                    pos += n;
                }
                b'd' | b'e' => {
                    let (v, n) = num(2)?;
                    t.day = v;
                    pos += n;
                }
                b'D' => {
                    let (v, n) = num(2)?;
                    t.day = v;
                    pos += n;
                    pos += (end - pos).min(2);
                }
                b'h' | b'I' | b'l' | b'k' | b'H' => {
                    if matches!(spec, b'h' | b'I' | b'l') {
                        w.usa_time = true;
                    }
                    let (v, n) = num(2)?;
                    t.hour = v;
                    pos += n;
                }
                b'i' => {
                    let (v, n) = num(2)?;
                    t.minute = v;
                    pos += n;
                }
                b's' | b'S' => {
                    let (v, n) = num(2)?;
                    t.second = v;
                    pos += n;
                }
                b'f' => {
                    let (v, n) = num(6)?;
                    t.micro = v * 10i64.pow(u32::try_from(6usize.saturating_sub(n)).unwrap_or(0));
                    pos += n;
                }
                b'p' => {
                    if rest.len() < 2 || !w.usa_time {
                        return Err("datetime");
                    }
                    let two = rest.get(..2).unwrap_or_default();
                    if two.eq_ignore_ascii_case(b"PM") {
                        w.daypart = 12;
                    } else if !two.eq_ignore_ascii_case(b"AM") {
                        return Err("datetime");
                    }
                    pos += 2;
                }
                b'W' | b'a' => {
                    let (v, n) = check_word(&DAY_NAMES, rest, spec == b'a').ok_or("datetime")?;
                    w.weekday = v;
                    pos += n;
                }
                b'w' => {
                    let (v, n) = num(1)?;
                    if !(0..7).contains(&v) {
                        return Err("datetime");
                    }
                    w.weekday = if v == 0 { 7 } else { v };
                    pos += n;
                }
                b'j' => {
                    let (v, n) = num(3)?;
                    w.yearday = v;
                    pos += n;
                }
                b'V' | b'U' | b'v' | b'u' => {
                    w.sunday_first = matches!(spec, b'U' | b'V');
                    w.strict_week = matches!(spec, b'V' | b'v');
                    let (v, n) = num(2)?;
                    if v < 0 || (w.strict_week && v == 0) || v > 53 {
                        return Err("datetime");
                    }
                    w.week_number = v;
                    pos += n;
                }
                b'X' | b'x' => {
                    w.strict_year_sunday = spec == b'X';
                    let (v, n) = num(4)?;
                    w.strict_year = v;
                    pos += n;
                }
                b'r' | b'T' => {
                    if depth > 0 {
                        return Err("time");
                    }
                    let sub: &[u8] = if spec == b'r' {
                        b"%I:%i:%S %p"
                    } else {
                        b"%H:%i:%S"
                    };
                    pos = extract(sub, val, pos, t, w, depth + 1).map_err(|_| "time")?;
                    if spec == b'r' {
                        // The sub-pattern applies AM/PM itself.
                        apply_usa_time(t, w).map_err(|_| "time")?;
                    }
                }
                b'.' => {
                    while pos < end && at(pos).is_ascii_punctuation() {
                        pos += 1;
                    }
                }
                b'@' => {
                    while pos < end && at(pos).is_ascii_alphabetic() {
                        pos += 1;
                    }
                }
                b'#' => {
                    while pos < end && at(pos).is_ascii_digit() {
                        pos += 1;
                    }
                }
                _ => return Err("datetime"),
            }
        } else if !is_space(c) {
            if at(pos) != c {
                return Err("datetime");
            }
            pos += 1;
        }
        fi += 1;
    }
    Ok(pos)
}

fn apply_usa_time(t: &mut Extracted, w: &mut WeekState) -> Result<(), ()> {
    if w.usa_time {
        if t.hour > 12 || t.hour < 1 {
            return Err(());
        }
        t.hour = t.hour % 12 + w.daypart;
        w.usa_time = false;
        w.daypart = 0;
    }
    Ok(())
}

/// `STR_TO_DATE(s, fmt)`: parses `s` by the format's specifiers and returns a DATE, TIME or
/// DATETIME value as [`str_to_date_kind`] decides from the format. None (NULL) when `s` does
/// not match, after warning 1411 `Incorrect datetime value: '...' for function str_to_date`;
/// trailing text after a match warns 1292 `Truncated incorrect ... value`. `flags` carry
/// sql_mode: with `no_zero_date`, a date result with a zero part is NULL (so
/// `STR_TO_DATE('2013','%Y')` is NULL under the default sql_mode).
pub fn str_to_date(
    s: &[u8],
    fmt: &[u8],
    flags: DateFlags,
    warn: &mut dyn FnMut(u16, String),
) -> Option<Value> {
    let (kind, _) = str_to_date_kind(fmt);
    let shown = || {
        let txt = String::from_utf8_lossy(s);
        txt.chars().take(127).collect::<String>()
    };
    let fail = |warn: &mut dyn FnMut(u16, String), what: &str| {
        warn(
            1411,
            format!(
                "Incorrect {what} value: '{}' for function str_to_date",
                shown()
            ),
        );
        None
    };
    let mut t = Extracted::default();
    let mut w = WeekState {
        weekday: 0,
        yearday: 0,
        week_number: -1,
        strict_year: -1,
        usa_time: false,
        daypart: 0,
        sunday_first: false,
        strict_week: false,
        strict_year_sunday: false,
    };
    let pos = match extract(fmt, s, 0, &mut t, &mut w, 0) {
        Ok(p) => p,
        Err(what) => return fail(warn, what),
    };
    if apply_usa_time(&mut t, &mut w).is_err() {
        return fail(warn, "datetime");
    }
    if w.yearday > 0 {
        let days = days_from_civil(t.year.clamp(0, 9999), 1, 1) + w.yearday - 1;
        if days <= 0 || days > MAX_DAY_NUMBER {
            return fail(warn, "datetime");
        }
        let d = civil_from_days(days);
        (t.year, t.month, t.day) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
    }
    if w.week_number >= 0 && w.weekday != 0 {
        if (w.strict_week && (w.strict_year < 0 || w.strict_year_sunday != w.sunday_first))
            || (!w.strict_week && w.strict_year >= 0)
        {
            return fail(warn, "datetime");
        }
        let y = if w.strict_week { w.strict_year } else { t.year };
        let mut days = days_from_civil(y.clamp(0, 9999), 1, 1);
        let weekday_b = i64::from(weekday_of_daynr(days, w.sunday_first));
        if w.sunday_first {
            days += if weekday_b == 0 { 0 } else { 7 } - weekday_b
                + (w.week_number - 1) * 7
                + w.weekday % 7;
        } else {
            days += if weekday_b <= 3 { 0 } else { 7 } - weekday_b
                + (w.week_number - 1) * 7
                + (w.weekday - 1);
        }
        if days <= 0 || days > MAX_DAY_NUMBER {
            return fail(warn, "datetime");
        }
        let d = civil_from_days(days);
        (t.year, t.month, t.day) = (i64::from(d.year), i64::from(d.month), i64::from(d.day));
    }
    if !(0..=9999).contains(&t.year)
        || !(0..=12).contains(&t.month)
        || !(0..=31).contains(&t.day)
        || !(0..=23).contains(&t.hour)
        || !(0..=59).contains(&t.minute)
        || !(0..=59).contains(&t.second)
        || !(0..=999_999).contains(&t.micro)
    {
        return fail(warn, "datetime");
    }
    let to = |v: i64| u8::try_from(v).unwrap_or(0);
    let dt = DateTime {
        date: Date {
            year: u16::try_from(t.year).unwrap_or(0),
            month: to(t.month),
            day: to(t.day),
        },
        hour: to(t.hour),
        minute: to(t.minute),
        second: to(t.second),
        micro: u32::try_from(t.micro).unwrap_or(0),
    };
    let date_part = DateTime::from_date(dt.date);
    let check_flags = DateFlags {
        no_zero_date: flags.no_zero_date && kind != TemporalKind::Time,
        ..flags
    };
    if check_date(&date_part, check_flags).is_err() {
        return fail(warn, "datetime");
    }
    if val_has_garbage(s, pos) {
        warn(
            WARN_TRUNCATED_WRONG_VALUE,
            format!(
                "Truncated incorrect {} value: '{}'",
                kind.warning_name(),
                shown()
            ),
        );
    }
    if flags.no_zero_date && kind != TemporalKind::Time && dt.date.has_zero_part() {
        return fail(warn, "datetime");
    }
    Some(match kind {
        TemporalKind::Date => Value::Date(dt.date),
        TemporalKind::DateTime => Value::DateTime(dt),
        TemporalKind::Time => {
            let (time, _) = Time::from_parts(
                false,
                u64::from(dt.date.day) * 24 + u64::from(dt.hour),
                u64::from(dt.minute),
                u64::from(dt.second),
                u64::from(dt.micro),
            );
            Value::Time(time)
        }
    })
}

fn val_has_garbage(s: &[u8], pos: usize) -> bool {
    s.get(pos..)
        .is_some_and(|r| r.iter().any(|&c| !is_space(c)))
}

/// Epoch seconds (already shifted to the wanted zone) → DATETIME; the epoch itself when the
/// value is out of range.
pub(crate) fn from_epoch(secs: i64, micros: u32) -> DateTime {
    let total = secs
        .saturating_mul(1_000_000)
        .saturating_add(i64::from(micros));
    datetime_from_epoch_micros(total, 0).unwrap_or_default()
}

/// A DATETIME from text as MySQL reads it (any of its formats); None when the text is not one
/// (callers issue the warning or error that fits their context).
pub(crate) fn parse_datetime_loose(b: &[u8]) -> Option<DateTime> {
    parse_datetime(b).ok().map(|p| p.value)
}

/// A TIME from text as MySQL reads it; None when the text is not one.
pub(crate) fn parse_time_loose(b: &[u8]) -> Option<Time> {
    parse_time(b).ok().map(|p| p.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: u8, day: u8) -> Date {
        Date {
            year: y,
            month: m,
            day,
        }
    }

    fn dt(s: &str) -> DateTime {
        parse_datetime(s.as_bytes()).unwrap().value
    }

    fn show(dt: &DateTime) -> String {
        dt.display(if dt.micro == 0 { 0 } else { 6 }).to_string()
    }

    #[test]
    fn day_numbers_match_to_days_and_from_days() {
        assert_eq!(days_from_civil(2007, 10, 7), 733_321);
        assert_eq!(days_from_civil(1995, 5, 1), 728_779);
        assert_eq!(days_from_civil(1970, 1, 1), DAYS_AT_EPOCH);
        assert_eq!(days_from_civil(0, 1, 1), 1);
        assert_eq!(days_from_civil(0, 0, 0), 0);
        assert_eq!(days_from_civil(9999, 12, 31), MAX_DAY_NUMBER);
        assert_eq!(civil_from_days(730_669), d(2000, 7, 3));
        assert_eq!(civil_from_days(366), d(1, 1, 1));
        assert_eq!(civil_from_days(365), Date::default());
        assert_eq!(civil_from_days(3_652_500), Date::default());
    }

    #[test]
    fn day_numbers_round_trip_over_the_whole_range() {
        let mut n = 366;
        while n <= MAX_DAY_NUMBER {
            let date = civil_from_days(n);
            assert!(is_valid(date), "{n} -> {date}");
            assert_eq!(date.day_number(), n);
            n += 97;
        }
        for n in [366, 367, 730_000, 730_119, 730_120, MAX_DAY_NUMBER] {
            assert_eq!(civil_from_days(n).day_number(), n);
        }
    }

    #[test]
    fn leap_years_follow_mysql_where_year_zero_is_common() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(0));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(2023, 0), 0);
        assert!(is_valid(d(2024, 2, 29)));
        assert!(!is_valid(d(2023, 2, 29)));
        assert!(!is_valid(d(2023, 4, 31)));
        assert!(!is_valid(d(2023, 0, 1)));
    }

    #[test]
    fn weekdays_and_days_of_year_match_the_manual() {
        assert_eq!(day_of_week(d(2007, 2, 3)), 7);
        assert_eq!(weekday(d(2008, 2, 3)), 6);
        assert_eq!(weekday(d(2007, 11, 6)), 1);
        assert_eq!(day_of_year(d(2007, 2, 3)), 34);
    }

    #[test]
    fn week_numbers_follow_every_mode() {
        assert_eq!(week(d(2008, 2, 20), 0), 7);
        assert_eq!(week(d(2008, 2, 20), 1), 8);
        assert_eq!(week(d(2008, 12, 31), 1), 53);
        assert_eq!(week(d(2000, 1, 1), 0), 0);
        assert_eq!(week(d(2000, 1, 1), 2), 52);
        assert_eq!(week(d(2007, 1, 1), 0), 0);
        assert_eq!(week(d(2007, 1, 1), 1), 1);
        assert_eq!(week(d(2007, 1, 1), 2), 53);
        assert_eq!(week(d(2008, 2, 20), 3), 8);
        // ISO 8601: 2021-01-01 is in week 53 of 2020.
        assert_eq!(week(d(2021, 1, 1), 3), 53);
        assert_eq!(yearweek(d(2021, 1, 1), 3), 202_053);
        assert_eq!(yearweek(d(1987, 1, 1), 0), 198_652);
        for mode in 0..8 {
            let w = week(d(2024, 6, 15), mode);
            assert!((23..=25).contains(&w), "mode {mode}: {w}");
        }
    }

    #[test]
    fn datetime_strings_parse_with_mysql_delimiters_and_short_years() {
        assert_eq!(show(&dt("2024-01-31")), "2024-01-31 00:00:00");
        assert_eq!(show(&dt("2024-1-5")), "2024-01-05 00:00:00");
        assert_eq!(show(&dt("20240131")), "2024-01-31 00:00:00");
        assert_eq!(show(&dt("20240131102030")), "2024-01-31 10:20:30");
        assert_eq!(show(&dt("24-01-31")), "2024-01-31 00:00:00");
        assert_eq!(show(&dt("70-01-31")), "1970-01-31 00:00:00");
        assert_eq!(show(&dt("69-01-31")), "2069-01-31 00:00:00");
        assert_eq!(show(&dt("240131")), "2024-01-31 00:00:00");
        assert_eq!(show(&dt("2024/01/31")), "2024-01-31 00:00:00");
        assert_eq!(show(&dt("2024.01.31 10.20.30")), "2024-01-31 10:20:30");
        assert_eq!(show(&dt("2024-01-31T10:20:30")), "2024-01-31 10:20:30");
        assert_eq!(show(&dt("20240131T102030")), "2024-01-31 10:20:30");
        assert_eq!(show(&dt("2024-01-31 10:20")), "2024-01-31 10:20:00");
        assert_eq!(
            show(&dt("2024-01-31 10:20:30.123456")),
            "2024-01-31 10:20:30.123456"
        );
        assert_eq!(
            show(&dt("  2024-01-31 10:20:30.5")),
            "2024-01-31 10:20:30.500000"
        );
        let p = parse_datetime(b"2024-01-31").unwrap();
        assert_eq!(p.kind, TemporalKind::Date);
        assert!(!p.truncated);
        let p = parse_datetime(b"2024-01-31 10:20:30.12").unwrap();
        assert_eq!((p.kind, p.fsp), (TemporalKind::DateTime, 2));
    }

    #[test]
    fn a_seventh_fractional_digit_rounds() {
        assert_eq!(
            show(&dt("2024-12-31 23:59:59.9999995")),
            "2025-01-01 00:00:00"
        );
        assert_eq!(
            show(&dt("2024-01-01 00:00:00.1234564")),
            "2024-01-01 00:00:00.123456"
        );
    }

    #[test]
    fn bad_datetime_strings_are_errors_and_garbage_is_truncation() {
        assert_eq!(parse_datetime(b"abc"), Err(ParseError::Syntax));
        assert_eq!(parse_datetime(b""), Err(ParseError::Syntax));
        assert_eq!(parse_datetime(b"2024"), Err(ParseError::OutOfRange));
        assert_eq!(parse_datetime(b"2024-13-01"), Err(ParseError::OutOfRange));
        assert_eq!(parse_datetime(b"2023-02-29"), Err(ParseError::OutOfRange));
        assert_eq!(
            parse_datetime(b"2024-01-01 24:00:00"),
            Err(ParseError::OutOfRange)
        );
        let p = parse_datetime(b"2024-01-31x").unwrap();
        assert!(p.truncated);
        assert_eq!(p.value.date, d(2024, 1, 31));
        assert!(parse_datetime(b"2024-01-31   ").is_ok_and(|p| !p.truncated));
    }

    #[test]
    fn zero_dates_parse_and_check_date_applies_sql_mode() {
        let z = dt("0000-00-00");
        assert!(z.is_zero());
        assert_eq!(check_date(&z, DateFlags::FUZZY), Ok(()));
        assert_eq!(check_date(&z, DateFlags::STRICT), Err(ParseError::ZeroDate));
        let zin = dt("2024-00-10");
        assert_eq!(check_date(&zin, DateFlags::FUZZY), Ok(()));
        assert_eq!(
            check_date(&zin, DateFlags::STRICT),
            Err(ParseError::ZeroInDate)
        );
        let flags = DateFlags {
            no_zero_in_date: true,
            ..DateFlags::FUZZY
        };
        assert_eq!(check_date(&zin, flags), Err(ParseError::ZeroInDate));
        assert_eq!(show(&dt("00-00-00")), "0000-00-00 00:00:00");
    }

    fn tm(s: &str) -> String {
        let p = parse_time(s.as_bytes()).unwrap();
        let fsp = if p.value.micros % 1_000_000 == 0 {
            0
        } else {
            6
        };
        p.value.display(fsp).to_string()
    }

    #[test]
    fn time_strings_parse_in_all_mysql_forms() {
        assert_eq!(tm("10:20:30"), "10:20:30");
        assert_eq!(tm("-838:59:59"), "-838:59:59");
        assert_eq!(tm("1 10:20:30"), "34:20:30");
        assert_eq!(tm("-1 10:20:30"), "-34:20:30");
        assert_eq!(tm("102030"), "10:20:30");
        assert_eq!(tm("2030"), "00:20:30");
        assert_eq!(tm("10:20"), "10:20:00");
        assert_eq!(tm("30"), "00:00:30");
        assert_eq!(tm("1 10"), "34:00:00");
        assert_eq!(tm("10:20:30.5"), "10:20:30.500000");
        assert_eq!(tm("2024-01-31 10:20:30"), "10:20:30");
        let p = parse_time(b"2024-01-31 10:20:30").unwrap();
        assert!(p.datetime.is_some());
        let p = parse_time(b"2024-01-31").unwrap();
        assert_eq!(p.value.display(0).to_string(), "00:20:24");
        assert!(p.warning);
    }

    #[test]
    fn times_out_of_range_clamp_and_bad_times_fail() {
        let p = parse_time(b"900:00:00").unwrap();
        assert_eq!(p.value, Time::MAX);
        assert!(p.warning);
        assert_eq!(parse_time(b"abc"), Err(ParseError::Syntax));
        assert_eq!(parse_time(b"10:60:00"), Err(ParseError::OutOfRange));
        assert_eq!(parse_time(b"1e5"), Err(ParseError::Syntax));
        assert!(parse_time(b"10:20:30x").is_ok_and(|p| p.warning));
    }

    #[test]
    fn numbers_convert_to_dates_and_times() {
        let (v, k) = datetime_from_number(20_240_131, true).unwrap();
        assert_eq!((v.date, k), (d(2024, 1, 31), TemporalKind::Date));
        let (v, k) = datetime_from_number(20_240_131_102_030, true).unwrap();
        assert_eq!(
            (show(&v).as_str(), k),
            ("2024-01-31 10:20:30", TemporalKind::DateTime)
        );
        assert_eq!(
            datetime_from_number(950_501, true).unwrap().0.date,
            d(1995, 5, 1)
        );
        assert_eq!(
            datetime_from_number(101, true).unwrap().0.date,
            d(2000, 1, 1)
        );
        assert!(datetime_from_number(100, true).is_err());
        assert!(datetime_from_number(20_241_301, true).is_err());
        assert!(datetime_from_number(0, true).unwrap().0.is_zero());
        assert_eq!(
            time_from_number(102_030).unwrap().0.display(0).to_string(),
            "10:20:30"
        );
        assert_eq!(
            time_from_number(-30).unwrap().0.display(0).to_string(),
            "-00:00:30"
        );
        assert!(time_from_number(8_385_960).is_err());
        assert!(time_from_number(1_060).is_err());
        assert!(time_from_number(20_240_131_102_030).unwrap().1.is_some());
    }

    #[test]
    fn fractional_seconds_round_rather_than_truncate() {
        let t = Time {
            micros: 36_000_500_000,
        };
        assert_eq!(round_time(t, 0).display(0).to_string(), "10:00:01");
        assert_eq!(truncate_time(t, 0).display(0).to_string(), "10:00:00");
        let neg = Time {
            micros: -36_000_500_000,
        };
        assert_eq!(round_time(neg, 0).display(0).to_string(), "-10:00:01");
        let x = dt("2024-12-31 23:59:59.5");
        assert_eq!(show(&round_datetime(x, 0).unwrap()), "2025-01-01 00:00:00");
        assert_eq!(show(&truncate_datetime(x, 0)), "2024-12-31 23:59:59");
        let y = dt("2024-01-01 10:00:00.123456");
        assert_eq!(round_datetime(y, 3).unwrap().micro, 123_000);
        assert_eq!(
            round_datetime(dt("2024-01-01 10:00:00.1235"), 3)
                .unwrap()
                .micro,
            124_000
        );
        assert!(round_datetime(dt("9999-12-31 23:59:59.9"), 0).is_none());
    }

    #[test]
    fn epoch_conversions_apply_the_time_zone_offset() {
        let x = dt("2015-11-13 10:20:19");
        assert_eq!(
            datetime_to_epoch_micros(&x, -6 * 3600),
            1_447_431_619_000_000
        );
        let back = datetime_from_epoch_micros(1_447_431_619_000_000, -6 * 3600).unwrap();
        assert_eq!(back, x);
        assert_eq!(
            show(&datetime_from_epoch_micros(0, 0).unwrap()),
            "1970-01-01 00:00:00"
        );
        assert!(datetime_from_epoch_micros(i64::MAX, 0).is_none());
        assert_eq!(parse_tz_offset(b"+10:00"), Some(36_000));
        assert_eq!(parse_tz_offset(b"-6:30"), Some(-23_400));
        assert_eq!(parse_tz_offset(b"UTC"), Some(0));
        assert_eq!(parse_tz_offset(b"+14:01"), None);
        assert_eq!(parse_tz_offset(b"Europe/Paris"), None);
    }

    fn add(s: &str, v: Value, unit: &str, negate: bool) -> Option<String> {
        let unit = IntervalUnit::from_name(unit).unwrap();
        let iv = Interval::from_value(&v, unit)?;
        add_interval(dt(s), &iv, negate).map(|r| show(&r))
    }

    #[test]
    fn intervals_add_like_the_manual_says() {
        assert_eq!(
            add("2018-05-01", Value::Int(1), "DAY", false).unwrap(),
            "2018-05-02 00:00:00"
        );
        assert_eq!(
            add("2020-12-31 23:59:59", Value::Int(1), "SECOND", false).unwrap(),
            "2021-01-01 00:00:00"
        );
        assert_eq!(
            add(
                "2100-12-31 23:59:59",
                Value::str("1:1"),
                "MINUTE_SECOND",
                false
            )
            .unwrap(),
            "2101-01-01 00:01:00"
        );
        assert_eq!(
            add(
                "2025-01-01 00:00:00",
                Value::str("1 1:1:1"),
                "DAY_SECOND",
                true
            )
            .unwrap(),
            "2024-12-30 22:58:59"
        );
        assert_eq!(
            add(
                "1900-01-01 00:00:00",
                Value::str("-1 10"),
                "DAY_HOUR",
                false
            )
            .unwrap(),
            "1899-12-30 14:00:00"
        );
        assert_eq!(
            add(
                "1992-12-31 23:59:59.000002",
                Value::str("1.999999"),
                "SECOND_MICROSECOND",
                false
            )
            .unwrap(),
            "1993-01-01 00:00:01.000001"
        );
        assert_eq!(
            add("2024-01-31", Value::Int(1), "MONTH", false).unwrap(),
            "2024-02-29 00:00:00"
        );
        assert_eq!(
            add("2024-02-29", Value::Int(1), "YEAR", false).unwrap(),
            "2025-02-28 00:00:00"
        );
        assert_eq!(
            add("2024-01-31", Value::str("1-2"), "YEAR_MONTH", false).unwrap(),
            "2025-03-31 00:00:00"
        );
        assert_eq!(
            add("2024-01-01", Value::Int(1), "QUARTER", true).unwrap(),
            "2023-10-01 00:00:00"
        );
    }

    #[test]
    fn interval_values_parse_composite_and_fractional_forms() {
        let hm = Interval::from_value(&Value::str("1:30"), IntervalUnit::HourMinute).unwrap();
        assert_eq!((hm.hour, hm.minute, hm.neg), (1, 30, false));
        let short = Interval::from_value(&Value::str("30"), IntervalUnit::HourMinute).unwrap();
        assert_eq!((short.hour, short.minute), (0, 30));
        let dh = Interval::from_value(&Value::str("-1 2"), IntervalUnit::DayHour).unwrap();
        assert_eq!((dh.day, dh.hour, dh.neg), (1, 2, true));
        let sec = Interval::from_value(
            &Value::Decimal(Dec { mant: 15, scale: 1 }),
            IntervalUnit::Second,
        )
        .unwrap();
        assert_eq!((sec.second, sec.micro), (1, 500_000));
        let day = Interval::from_value(
            &Value::Decimal(Dec { mant: 15, scale: 1 }),
            IntervalUnit::Day,
        )
        .unwrap();
        assert_eq!(day.day, 2);
        let day = Interval::from_value(&Value::str("1.5"), IntervalUnit::Day).unwrap();
        assert_eq!(day.day, 1);
        // 6/4 = 1.5000 read as HOUR_MINUTE is 1 hour 5000 minutes (the manual's example).
        let odd = Interval::from_value(
            &Value::Decimal(Dec {
                mant: 15000,
                scale: 4,
            }),
            IntervalUnit::HourMinute,
        )
        .unwrap();
        assert_eq!((odd.hour, odd.minute), (1, 5000));
        assert!(Interval::from_value(&Value::str("1:2:3"), IntervalUnit::HourMinute).is_none());
        assert!(Interval::from_value(&Value::Null, IntervalUnit::Day).is_none());
        assert!(Interval::from_value(&Value::Int(i64::MIN), IntervalUnit::Day).is_none());
        assert_eq!(
            IntervalUnit::from_name("day_hour"),
            Some(IntervalUnit::DayHour)
        );
        assert_eq!(
            IntervalUnit::from_name("SQL_TSI_DAY"),
            Some(IntervalUnit::Day)
        );
        assert_eq!(IntervalUnit::from_name("FORTNIGHT"), None);
    }

    #[test]
    fn intervals_leaving_years_0_to_9999_overflow() {
        assert!(add("9999-12-31", Value::Int(1), "DAY", false).is_none());
        assert!(add("0001-01-01", Value::Int(1), "YEAR", true).is_some());
        assert!(add("0000-01-01", Value::Int(1), "MONTH", true).is_none());
        assert!(add("2024-01-01", Value::Int(i64::MAX), "SECOND", false).is_none());
        assert!(add("2024-01-01", Value::Int(i64::MAX), "MICROSECOND", false).is_none());
        assert!(add("2024-01-01", Value::Int(10_001), "YEAR", false).is_none());
    }

    #[test]
    fn time_intervals_stay_within_the_time_range() {
        let iv = Interval::from_value(&Value::Int(2), IntervalUnit::Hour).unwrap();
        let t = Time {
            micros: 3_600_000_000,
        };
        assert_eq!(
            add_interval_to_time(t, &iv, false)
                .unwrap()
                .display(0)
                .to_string(),
            "03:00:00"
        );
        assert_eq!(
            add_interval_to_time(t, &iv, true)
                .unwrap()
                .display(0)
                .to_string(),
            "-01:00:00"
        );
        let big = Interval::from_value(&Value::Int(900), IntervalUnit::Hour).unwrap();
        assert!(add_interval_to_time(t, &big, false).is_none());
    }

    fn fmt(s: &str, f: &str) -> Option<String> {
        date_format(&dt(s), f.as_bytes())
    }

    #[test]
    fn date_format_prints_every_specifier() {
        assert_eq!(
            fmt("2009-10-04 22:23:00", "%W %M %Y").unwrap(),
            "Sunday October 2009"
        );
        assert_eq!(fmt("2007-10-04 22:23:00", "%H:%i:%s").unwrap(), "22:23:00");
        assert_eq!(
            fmt("1900-10-04 22:23:00", "%D %y %a %d %m %b %j").unwrap(),
            "4th 00 Thu 04 10 Oct 277"
        );
        assert_eq!(
            fmt("1997-10-04 22:23:00", "%H %k %I %r %T %S %w").unwrap(),
            "22 22 10 10:23:00 PM 22:23:00 00 6"
        );
        assert_eq!(fmt("1999-01-01", "%X %V").unwrap(), "1998 52");
        assert_eq!(fmt("2006-06-00", "%d").unwrap(), "00");
        assert_eq!(
            fmt(
                "2024-01-02 03:04:05.000006",
                "%c %e %f %h %l %p %U %u %v %x %%"
            )
            .unwrap(),
            "1 2 000006 03 3 AM 00 01 01 2024 %"
        );
        assert_eq!(fmt("2024-01-01", "%q%").unwrap(), "q%");
        assert_eq!(fmt("2024-01-21", "%D %D").unwrap(), "21st 21st");
        assert_eq!(fmt("2024-01-12", "%D").unwrap(), "12th");
        assert_eq!(fmt("0000-00-00", "%M"), None);
        assert_eq!(fmt("0000-00-00", "%W"), None);
        assert_eq!(fmt("0000-00-00", "%Y-%m-%d").unwrap(), "0000-00-00");
    }

    #[test]
    fn time_format_handles_long_and_negative_durations() {
        let t = parse_time(b"100:00:00").unwrap().value;
        assert_eq!(
            time_format(&t, b"%H %k %h %I %l").unwrap(),
            "100 100 04 04 4"
        );
        let n = parse_time(b"-01:02:03").unwrap().value;
        assert_eq!(time_format(&n, b"%H:%i:%s").unwrap(), "-01:02:03");
        assert_eq!(time_format(&t, b"%W"), None);
        assert_eq!(time_format(&t, b"%Y %d").unwrap(), "0000 00");
    }

    fn std_(s: &str, f: &str) -> (Option<String>, Vec<u16>) {
        let mut w = Vec::new();
        let v = str_to_date(
            s.as_bytes(),
            f.as_bytes(),
            DateFlags {
                fuzzy: true,
                no_zero_date: true,
                no_zero_in_date: true,
            },
            &mut |c, _| w.push(c),
        );
        (v.and_then(|v| v.to_string_lossy()), w)
    }

    #[test]
    fn str_to_date_reproduces_the_manual() {
        assert_eq!(std_("01,5,2013", "%d,%m,%Y").0.unwrap(), "2013-05-01");
        assert_eq!(std_("May 1, 2013", "%M %d,%Y").0.unwrap(), "2013-05-01");
        assert_eq!(std_("a09:30:17", "a%h:%i:%s").0.unwrap(), "09:30:17");
        assert_eq!(std_("a09:30:17", "%h:%i:%s"), (None, vec![1411]));
        assert_eq!(
            std_("09:30:17a", "%h:%i:%s"),
            (Some("09:30:17".into()), vec![1292])
        );
        assert_eq!(std_("200442 Monday", "%X%V %W").0.unwrap(), "2004-10-18");
        assert_eq!(std_("9", "%s").0.unwrap(), "00:00:09");
        assert_eq!(std_("10.31.2003", "%m.%d.%Y").0.unwrap(), "2003-10-31");
        assert_eq!(std_("15:35:00", "%h:%i:%s").0, None);
        assert_eq!(std_("03:35:00 PM", "%r").0.unwrap(), "15:35:00");
        assert_eq!(
            std_("2013-01-15 10:20:30.25", "%Y-%m-%d %T.%f").0.unwrap(),
            "2013-01-15 10:20:30.250000"
        );
        assert_eq!(std_("2024 032", "%Y %j").0.unwrap(), "2024-02-01");
        assert_eq!(std_("Jan 5 24", "%b %e %y").0.unwrap(), "2024-01-05");
        assert_eq!(std_("04/31/2004", "%m/%d/%Y").0, None);
        // Zero parts are NULL when sql_mode forbids them, allowed otherwise.
        assert_eq!(std_("2013", "%Y").0, None);
        let mut w = Vec::new();
        let v = str_to_date(b"abc", b"abc", DateFlags::FUZZY, &mut |c, _| w.push(c));
        assert_eq!(v, Some(Value::Date(Date::default())));
        let v = str_to_date(b"9", b"%m", DateFlags::FUZZY, &mut |c, _| w.push(c));
        assert_eq!(v.and_then(|v| v.to_string_lossy()).unwrap(), "0000-09-00");
    }

    #[test]
    fn str_to_date_result_type_follows_the_format() {
        assert_eq!(str_to_date_kind(b"%Y-%m-%d"), (TemporalKind::Date, 0));
        assert_eq!(str_to_date_kind(b"%H:%i"), (TemporalKind::Time, 0));
        assert_eq!(str_to_date_kind(b"%H:%i:%s.%f"), (TemporalKind::Time, 6));
        assert_eq!(str_to_date_kind(b"%Y %H"), (TemporalKind::DateTime, 0));
        assert_eq!(str_to_date_kind(b"%d %f"), (TemporalKind::Time, 6));
        assert_eq!(str_to_date_kind(b"%Y %f"), (TemporalKind::DateTime, 6));
    }

    #[test]
    fn get_format_knows_the_five_standards() {
        assert_eq!(get_format("DATE", b"EUR"), Some("%d.%m.%Y"));
        assert_eq!(get_format("DATETIME", b"usa"), Some("%Y-%m-%d %H.%i.%s"));
        assert_eq!(get_format("TIME", b"INTERNAL"), Some("%H%i%s"));
        assert_eq!(get_format("DATE", b"XYZ"), None);
    }

    /// xorshift64*: deterministic pseudo-random bytes for the no-panic tests.
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

    #[test]
    fn parsers_never_panic_on_random_input() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let b = rng.bytes();
            let f = rng.bytes();
            let _ = parse_datetime(&b);
            let _ = parse_time(&b);
            let _ = parse_tz_offset(&b);
            let _ = str_to_date(&b, &f, DateFlags::FUZZY, &mut |_, _| {});
            let _ = str_to_date_kind(&f);
            let n = rng.next() as i64;
            let _ = datetime_from_number(n, true);
            let _ = time_from_number(n);
            let _ = civil_from_days(n);
            let _ = days_from_civil(n, n >> 3, n >> 7);
            let any = Date {
                year: rng.next() as u16,
                month: rng.next() as u8,
                day: rng.next() as u8,
            };
            let x = DateTime {
                date: any,
                hour: rng.next() as u8,
                minute: rng.next() as u8,
                second: rng.next() as u8,
                micro: rng.next() as u32,
            };
            let _ = date_format(&x, &f);
            let _ = time_format(&Time { micros: n }, &f);
            let _ = week(any, rng.next() as u32);
            let _ = yearweek(any, rng.next() as u32);
            let _ = round_datetime(x, (rng.next() % 8) as u8);
            let _ = round_time(Time { micros: n }, (rng.next() % 8) as u8);
            let _ = datetime_from_epoch_micros(n, (rng.next() as i64) >> 40);
            let _ = datetime_to_epoch_micros(&x, (rng.next() as i64) >> 40);
            for unit in IntervalUnit::ALL {
                let v = match rng.next() % 4 {
                    0 => Value::Bytes(b.clone()),
                    1 => Value::Int(n),
                    2 => Value::Double(f64::from_bits(rng.next())),
                    _ => Value::Decimal(Dec {
                        mant: i128::from(n) * i128::from(rng.next() as i64),
                        scale: (rng.next() % 40) as u32,
                    }),
                };
                if let Some(iv) = Interval::from_value(&v, unit) {
                    let _ = add_interval(x, &iv, rng.next().is_multiple_of(2));
                    let _ = add_interval_to_time(Time { micros: n }, &iv, false);
                }
            }
        }
    }
}
