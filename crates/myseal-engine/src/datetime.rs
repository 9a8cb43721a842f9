//! The temporal value types (DATE, DATETIME/TIMESTAMP, TIME) and their text forms; the rules
//! for parsing, arithmetic and formatting live in `temporal`. A leaf module: values, function
//! contexts and the temporal rules all build on it.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/date-and-time-types.html>

use std::fmt;

/// A DATE: year 0..=9999, month 0..=12, day 0..=31 (zero parts allowed by relaxed modes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Date {
    /// Year, 0..=9999.
    pub year: u16,
    /// Month, 0..=12.
    pub month: u8,
    /// Day, 0..=31.
    pub day: u8,
}

/// A DATETIME or TIMESTAMP value (TIMESTAMP as seen in the session's time zone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DateTime {
    /// The date part.
    pub date: Date,
    /// Hour, 0..=23.
    pub hour: u8,
    /// Minute, 0..=59.
    pub minute: u8,
    /// Second, 0..=59.
    pub second: u8,
    /// Microseconds, 0..=999_999.
    pub micro: u32,
}

/// A TIME value: a signed duration of at most 838:59:59.000000, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time {
    /// Signed microseconds.
    pub micros: i64,
}

/// Largest TIME magnitude: 838:59:59 in microseconds.
pub const TIME_MAX_MICROS: i64 = (838 * 3600 + 59 * 60 + 59) * 1_000_000;

fn frac(f: &mut fmt::Formatter<'_>, micro: u32, fsp: u8) -> fmt::Result {
    if fsp == 0 {
        return Ok(());
    }
    let s = format!("{micro:06}");
    write!(f, ".{}", s.get(..usize::from(fsp.min(6))).unwrap_or(""))
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl DateTime {
    /// Midnight of a date.
    pub fn from_date(date: Date) -> Self {
        DateTime {
            date,
            ..Default::default()
        }
    }

    /// `YYYY-MM-DD hh:mm:ss[.f]` with `fsp` fractional digits.
    pub fn display(&self, fsp: u8) -> impl fmt::Display + '_ {
        struct D<'a>(&'a DateTime, u8);
        impl fmt::Display for D<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let d = self.0;
                write!(
                    f,
                    "{} {:02}:{:02}:{:02}",
                    d.date, d.hour, d.minute, d.second
                )?;
                frac(f, d.micro, self.1)
            }
        }
        D(self, fsp)
    }
}

impl Time {
    /// `[-]hh:mm:ss[.f]` with `fsp` fractional digits.
    pub fn display(&self, fsp: u8) -> impl fmt::Display + '_ {
        struct D<'a>(&'a Time, u8);
        impl fmt::Display for D<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let m = self.0.micros;
                let sign = if m < 0 { "-" } else { "" };
                let a = m.unsigned_abs();
                let secs = a / 1_000_000;
                let micro = u32::try_from(a % 1_000_000).unwrap_or(0);
                write!(
                    f,
                    "{sign}{:02}:{:02}:{:02}",
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60
                )?;
                frac(f, micro, self.1)
            }
        }
        D(self, fsp)
    }
}
