//! What functions may ask of the running statement (copied into the engine's func/mod.rs later).
use crate::datetime::DateTime;

/// Context a function evaluation may use: warnings, the statement's clock, session facts.
pub(crate) trait FuncCtx {
    /// Adds a warning (level "Warning") to the statement, e.g. 1292 "Truncated incorrect DOUBLE value: 'x'",
    /// 1365 "Division by 0", 1301 "Result of repeat() was larger than max_allowed_packet (67108864) - truncated".
    fn warn(&mut self, code: u16, message: String);
    /// The statement's start time in the session time zone (NOW(), CURDATE(), ...; constant within a statement).
    fn now(&self) -> DateTime;
    /// The statement's start time in UTC (UTC_TIMESTAMP()).
    fn utc_now(&self) -> DateTime;
    /// Seconds east of UTC of the session time zone (`time_zone`, '+00:00' style or SYSTEM = UTC here).
    fn tz_offset_secs(&self) -> i64;
    /// @@div_precision_increment.
    fn div_precision_increment(&self) -> u32;
    /// @@max_allowed_packet: string results longer than this are NULL with warning 1301.
    fn max_allowed_packet(&self) -> usize;
    /// True when sql_mode has STRICT_TRANS_TABLES or STRICT_ALL_TABLES.
    fn strict(&self) -> bool;
    /// True when sql_mode has ERROR_FOR_DIVISION_BY_ZERO.
    fn error_for_division_by_zero(&self) -> bool;
    /// DATABASE().
    fn database(&self) -> Option<String>;
    /// USER(): 'user@client_host'.
    fn user(&self) -> String;
    /// CURRENT_USER(): 'user@account_host'.
    fn current_user(&self) -> String;
    /// CURRENT_ROLE(): the active roles, or NONE.
    fn current_role(&self) -> String {
        "NONE".to_string()
    }
    /// CONNECTION_ID().
    fn connection_id(&self) -> u64;
    /// LAST_INSERT_ID() without arguments.
    fn last_insert_id(&self) -> u64;
    /// LAST_INSERT_ID(expr) sets it (and returns expr).
    fn set_last_insert_id(&mut self, v: u64);
    /// ROW_COUNT().
    fn row_count(&self) -> i64;
    /// FOUND_ROWS().
    fn found_rows(&self) -> u64;
    /// VERSION().
    fn version(&self) -> String;
    /// A pseudo-random double in [0,1) for RAND() (seeded per session); `seed` re-seeds (RAND(N)).
    fn rand(&mut self, seed: Option<i64>) -> f64;
}
