//! System variables: the MySQL 8.4 table of names, scopes, types and defaults, plus value
//! validation for `SET`.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/server-system-variables.html>
//!
//! Values are stored as canonical strings (booleans as `ON`/`OFF`, enums upper-cased); reading
//! through `@@name` converts them to typed [`Value`]s, `SHOW VARIABLES` shows the strings.

use crate::error::EngineError;
use crate::value::Value;

/// Where a variable lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Only a global value (`@@global.x`).
    Global,
    /// Only a session value (`@@session.x`).
    Session,
    /// Global default plus a per-session copy.
    Both,
}

/// How values are validated, stored and returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VarType {
    /// ON/OFF, returned as 1/0 through `@@`.
    Bool,
    /// Unsigned integer.
    UInt,
    /// Floating point, shown with 6 decimals.
    Double,
    /// Free text.
    Str,
    /// One of the listed (upper-case) words; numeric values index the list.
    Enum(&'static [&'static str]),
    /// `sql_mode`.
    SqlMode,
    /// A character set name.
    Charset,
    /// A collation name.
    Collation,
    /// `time_zone`.
    TimeZone,
}

/// Flag: the variable cannot be set at all.
pub(crate) const RO: u8 = 1;
/// Flag: the session value is read-only (SET GLOBAL only).
pub(crate) const SESSION_RO: u8 = 2;

/// Static description of one system variable.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VarDef {
    pub(crate) name: &'static str,
    pub(crate) scope: Scope,
    pub(crate) ty: VarType,
    pub(crate) default: &'static str,
    pub(crate) flags: u8,
}

const ISOLATION: &[&str] = &[
    "READ-UNCOMMITTED",
    "READ-COMMITTED",
    "REPEATABLE-READ",
    "SERIALIZABLE",
];
const COMPLETION: &[&str] = &["NO_CHAIN", "CHAIN", "RELEASE"];
const CONCURRENT_INSERT: &[&str] = &["NEVER", "AUTO", "ALWAYS"];
const BINLOG_FORMAT: &[&str] = &["MIXED", "STATEMENT", "ROW"];
const SESSION_TRACK_GTIDS: &[&str] = &["OFF", "OWN_GTID", "ALL_GTIDS"];
const SESSION_TRACK_TX: &[&str] = &["OFF", "STATE", "CHARACTERISTICS"];
const RESULTSET_METADATA: &[&str] = &["NONE", "FULL"];
const LOG_OUTPUT: &[&str] = &["NONE", "FILE", "TABLE"];
const EVENT_SCHEDULER: &[&str] = &["OFF", "ON", "DISABLED"];

/// MySQL 8.4 sql_mode words in bit order (SHOW VARIABLES lists set members in this order).
pub(crate) const SQL_MODES: &[&str] = &[
    "REAL_AS_FLOAT",
    "PIPES_AS_CONCAT",
    "ANSI_QUOTES",
    "IGNORE_SPACE",
    "NOT_USED",
    "ONLY_FULL_GROUP_BY",
    "NO_UNSIGNED_SUBTRACTION",
    "NO_DIR_IN_CREATE",
    "NOT_USED_9",
    "NOT_USED_10",
    "NOT_USED_11",
    "NOT_USED_12",
    "NOT_USED_13",
    "NOT_USED_14",
    "NOT_USED_15",
    "NOT_USED_16",
    "NOT_USED_17",
    "NOT_USED_18",
    "ANSI",
    "NO_AUTO_VALUE_ON_ZERO",
    "NO_BACKSLASH_ESCAPES",
    "STRICT_TRANS_TABLES",
    "STRICT_ALL_TABLES",
    "NO_ZERO_IN_DATE",
    "NO_ZERO_DATE",
    "ALLOW_INVALID_DATES",
    "ERROR_FOR_DIVISION_BY_ZERO",
    "TRADITIONAL",
    "NOT_USED_29",
    "HIGH_NOT_PRECEDENCE",
    "NO_ENGINE_SUBSTITUTION",
    "PAD_CHAR_TO_FULL_LENGTH",
    "TIME_TRUNCATE_FRACTIONAL",
];

const DEFAULT_SQL_MODE: &str = "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,\
ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION";

const U64_MAX: &str = "18446744073709551615";

macro_rules! v {
    ($name:literal, $scope:ident, $ty:expr, $default:expr) => {
        v!($name, $scope, $ty, $default, 0)
    };
    ($name:literal, $scope:ident, $ty:expr, $default:expr, $flags:expr) => {
        VarDef {
            name: $name,
            scope: Scope::$scope,
            ty: $ty,
            default: $default,
            flags: $flags,
        }
    };
}

use VarType::{Bool, Charset, Collation, Double, Enum, SqlMode, Str, TimeZone, UInt};

/// The variable table, sorted by name (checked by a unit test).
pub(crate) static VARS: &[VarDef] = &[
    v!("activate_all_roles_on_login", Global, Bool, "OFF"),
    v!("admin_port", Global, UInt, "33062", RO),
    v!("authentication_policy", Global, Str, "*,,"),
    v!("auto_increment_increment", Both, UInt, "1"),
    v!("auto_increment_offset", Both, UInt, "1"),
    v!("autocommit", Both, Bool, "ON"),
    v!("back_log", Global, UInt, "151", RO),
    v!("basedir", Global, Str, "/usr/", RO),
    v!("big_tables", Both, Bool, "OFF"),
    v!("bind_address", Global, Str, "*", RO),
    v!("binlog_format", Both, Enum(BINLOG_FORMAT), "ROW"),
    v!("block_encryption_mode", Both, Str, "aes-128-ecb"),
    v!("character_set_client", Both, Charset, "utf8mb4"),
    v!("character_set_connection", Both, Charset, "utf8mb4"),
    v!("character_set_database", Both, Charset, "utf8mb4"),
    v!("character_set_filesystem", Both, Charset, "binary"),
    v!("character_set_results", Both, Charset, "utf8mb4"),
    v!("character_set_server", Both, Charset, "utf8mb4"),
    v!("character_set_system", Global, Str, "utf8mb3", RO),
    v!(
        "collation_connection",
        Both,
        Collation,
        "utf8mb4_0900_ai_ci"
    ),
    v!("collation_database", Both, Collation, "utf8mb4_0900_ai_ci"),
    v!("collation_server", Both, Collation, "utf8mb4_0900_ai_ci"),
    v!("completion_type", Both, Enum(COMPLETION), "NO_CHAIN"),
    v!("concurrent_insert", Global, Enum(CONCURRENT_INSERT), "AUTO"),
    v!("connect_timeout", Global, UInt, "10"),
    v!("core_file", Global, Bool, "OFF", RO),
    v!("cte_max_recursion_depth", Both, UInt, "1000"),
    v!("datadir", Global, Str, "/var/lib/mysql/", RO),
    v!(
        "default_collation_for_utf8mb4",
        Both,
        Collation,
        "utf8mb4_0900_ai_ci"
    ),
    v!("default_password_lifetime", Global, UInt, "0"),
    v!("default_storage_engine", Both, Str, "InnoDB"),
    v!("default_tmp_storage_engine", Both, Str, "InnoDB"),
    v!("default_week_format", Both, UInt, "0"),
    v!("div_precision_increment", Both, UInt, "4"),
    v!("end_markers_in_json", Both, Bool, "OFF"),
    v!("eq_range_index_dive_limit", Both, UInt, "200"),
    v!("error_count", Session, UInt, "0", RO),
    v!("event_scheduler", Global, Enum(EVENT_SCHEDULER), "ON"),
    v!("explicit_defaults_for_timestamp", Both, Bool, "ON"),
    v!("external_user", Session, Str, "", RO),
    v!("foreign_key_checks", Both, Bool, "ON"),
    v!("general_log", Global, Bool, "OFF"),
    v!("group_concat_max_len", Both, UInt, "1024"),
    v!("have_compress", Global, Str, "YES", RO),
    v!("have_dynamic_loading", Global, Str, "YES", RO),
    v!("have_geometry", Global, Str, "YES", RO),
    v!("have_openssl", Global, Str, "YES", RO),
    v!("have_profiling", Global, Str, "YES", RO),
    v!("have_query_cache", Global, Str, "NO", RO),
    v!("have_rtree_keys", Global, Str, "YES", RO),
    v!("have_ssl", Global, Str, "YES", RO),
    v!("have_statement_timeout", Global, Str, "YES", RO),
    v!("have_symlink", Global, Str, "DISABLED", RO),
    v!("hostname", Global, Str, "localhost", RO),
    v!("identity", Session, UInt, "0"),
    v!("init_connect", Global, Str, ""),
    v!("innodb_buffer_pool_size", Global, UInt, "134217728"),
    v!("innodb_lock_wait_timeout", Both, UInt, "50"),
    v!("innodb_version", Global, Str, "8.4.3", RO),
    v!("insert_id", Session, UInt, "0"),
    v!("interactive_timeout", Both, UInt, "28800"),
    v!("join_buffer_size", Both, UInt, "262144"),
    v!("key_buffer_size", Global, UInt, "8388608"),
    v!("large_files_support", Global, Bool, "ON", RO),
    v!("last_insert_id", Session, UInt, "0"),
    v!("lc_messages", Both, Str, "en_US"),
    v!("lc_time_names", Both, Str, "en_US"),
    v!("license", Global, Str, "GPL", RO),
    v!("local_infile", Global, Bool, "OFF"),
    v!("lock_wait_timeout", Both, UInt, "31536000"),
    v!("log_bin", Global, Bool, "ON", RO),
    v!("log_bin_trust_function_creators", Global, Bool, "OFF"),
    v!("log_error", Global, Str, "stderr", RO),
    v!("log_output", Global, Enum(LOG_OUTPUT), "FILE"),
    v!("long_query_time", Both, Double, "10.000000"),
    v!("lower_case_table_names", Global, UInt, "0", RO),
    v!("mandatory_roles", Global, Str, ""),
    v!("max_allowed_packet", Both, UInt, "67108864", SESSION_RO),
    v!("max_connect_errors", Global, UInt, "100"),
    v!("max_connections", Global, UInt, "151"),
    v!("max_execution_time", Both, UInt, "0"),
    v!("max_heap_table_size", Both, UInt, "16777216"),
    v!("max_join_size", Both, UInt, U64_MAX),
    v!("max_prepared_stmt_count", Global, UInt, "16382"),
    v!("max_sort_length", Both, UInt, "1024"),
    v!("max_sp_recursion_depth", Both, UInt, "0"),
    v!("max_user_connections", Both, UInt, "0", SESSION_RO),
    v!("mysqlx_port", Global, UInt, "33060", RO),
    v!("net_buffer_length", Both, UInt, "16384", SESSION_RO),
    v!("net_read_timeout", Both, UInt, "30"),
    v!("net_retry_count", Both, UInt, "10"),
    v!("net_write_timeout", Both, UInt, "60"),
    v!("offline_mode", Global, Bool, "OFF"),
    v!("open_files_limit", Global, UInt, "1048576", RO),
    v!("password_require_current", Global, Bool, "OFF"),
    v!("performance_schema", Global, Bool, "ON", RO),
    v!("pid_file", Global, Str, "/var/run/mysqld/mysqld.pid", RO),
    v!("port", Global, UInt, "3306", RO),
    v!(
        "protocol_compression_algorithms",
        Global,
        Str,
        "zlib,zstd,uncompressed"
    ),
    v!("protocol_version", Global, UInt, "10", RO),
    v!("proxy_user", Session, Str, "", RO),
    v!("pseudo_thread_id", Session, UInt, "0"),
    v!("read_buffer_size", Both, UInt, "131072"),
    v!("read_only", Global, Bool, "OFF"),
    v!("require_secure_transport", Global, Bool, "OFF"),
    v!(
        "resultset_metadata",
        Session,
        Enum(RESULTSET_METADATA),
        "FULL"
    ),
    v!("server_id", Global, UInt, "1"),
    v!(
        "server_uuid",
        Global,
        Str,
        "6d7e9b5c-0000-4000-8000-6d7973656171",
        RO
    ),
    v!(
        "session_track_gtids",
        Both,
        Enum(SESSION_TRACK_GTIDS),
        "OFF"
    ),
    v!("session_track_schema", Both, Bool, "ON"),
    v!("session_track_state_change", Both, Bool, "OFF"),
    v!(
        "session_track_system_variables",
        Both,
        Str,
        "time_zone,autocommit,character_set_client,character_set_results,character_set_connection"
    ),
    v!(
        "session_track_transaction_info",
        Both,
        Enum(SESSION_TRACK_TX),
        "OFF"
    ),
    v!("skip_name_resolve", Global, Bool, "OFF", RO),
    v!("skip_networking", Global, Bool, "OFF", RO),
    v!("slow_query_log", Global, Bool, "OFF"),
    v!("socket", Global, Str, "/var/run/mysqld/mysqld.sock", RO),
    v!("sort_buffer_size", Both, UInt, "262144"),
    v!("sql_auto_is_null", Both, Bool, "OFF"),
    v!("sql_big_selects", Both, Bool, "ON"),
    v!("sql_buffer_result", Both, Bool, "OFF"),
    v!("sql_log_bin", Session, Bool, "ON"),
    v!("sql_mode", Both, SqlMode, DEFAULT_SQL_MODE),
    v!("sql_notes", Both, Bool, "ON"),
    v!("sql_quote_show_create", Both, Bool, "ON"),
    v!("sql_require_primary_key", Both, Bool, "OFF"),
    v!("sql_safe_updates", Both, Bool, "OFF"),
    v!("sql_select_limit", Both, UInt, U64_MAX),
    v!("sql_warnings", Both, Bool, "OFF"),
    v!("ssl_ca", Global, Str, ""),
    v!("ssl_capath", Global, Str, ""),
    v!("ssl_cert", Global, Str, ""),
    v!("ssl_cipher", Global, Str, ""),
    v!("ssl_crl", Global, Str, ""),
    v!("ssl_crlpath", Global, Str, ""),
    v!("ssl_key", Global, Str, ""),
    v!("super_read_only", Global, Bool, "OFF"),
    v!("system_time_zone", Global, Str, "UTC", RO),
    v!("table_open_cache", Global, UInt, "4000"),
    v!("thread_cache_size", Global, UInt, "9"),
    v!("thread_stack", Global, UInt, "1048576", RO),
    v!("time_zone", Both, TimeZone, "SYSTEM"),
    v!("timestamp", Session, Double, "0"),
    v!("tls_ciphersuites", Global, Str, ""),
    v!("tls_version", Global, Str, "TLSv1.2,TLSv1.3"),
    v!("tmp_table_size", Both, UInt, "16777216"),
    v!("tmpdir", Global, Str, "/tmp", RO),
    v!(
        "transaction_isolation",
        Both,
        Enum(ISOLATION),
        "REPEATABLE-READ"
    ),
    v!("transaction_read_only", Both, Bool, "OFF"),
    v!("unique_checks", Both, Bool, "ON"),
    v!("updatable_views_with_limit", Both, Str, "YES"),
    v!("version", Global, Str, "8.4.3", RO),
    v!(
        "version_comment",
        Global,
        Str,
        "MySQL Community Server - GPL",
        RO
    ),
    v!("version_compile_machine", Global, Str, "x86_64", RO),
    v!("version_compile_os", Global, Str, "Linux", RO),
    v!("version_compile_zlib", Global, Str, "1.3.1", RO),
    v!("wait_timeout", Both, UInt, "28800"),
    v!("warning_count", Session, UInt, "0", RO),
];

/// Looks a variable up by (case-insensitive) name.
pub(crate) fn lookup(name: &str) -> Option<&'static VarDef> {
    let lower = name.to_ascii_lowercase();
    VARS.binary_search_by(|v| v.name.cmp(lower.as_str()))
        .ok()
        .and_then(|i| VARS.get(i))
}

/// Character sets myseal knows, with their default collation.
pub(crate) const CHARSETS: &[(&str, &str)] = &[
    ("armscii8", "armscii8_general_ci"),
    ("ascii", "ascii_general_ci"),
    ("big5", "big5_chinese_ci"),
    ("binary", "binary"),
    ("cp1250", "cp1250_general_ci"),
    ("cp1251", "cp1251_general_ci"),
    ("cp1256", "cp1256_general_ci"),
    ("cp1257", "cp1257_general_ci"),
    ("cp850", "cp850_general_ci"),
    ("cp852", "cp852_general_ci"),
    ("cp866", "cp866_general_ci"),
    ("cp932", "cp932_japanese_ci"),
    ("dec8", "dec8_swedish_ci"),
    ("eucjpms", "eucjpms_japanese_ci"),
    ("euckr", "euckr_korean_ci"),
    ("gb18030", "gb18030_chinese_ci"),
    ("gb2312", "gb2312_chinese_ci"),
    ("gbk", "gbk_chinese_ci"),
    ("geostd8", "geostd8_general_ci"),
    ("greek", "greek_general_ci"),
    ("hebrew", "hebrew_general_ci"),
    ("hp8", "hp8_english_ci"),
    ("keybcs2", "keybcs2_general_ci"),
    ("koi8r", "koi8r_general_ci"),
    ("koi8u", "koi8u_general_ci"),
    ("latin1", "latin1_swedish_ci"),
    ("latin2", "latin2_general_ci"),
    ("latin5", "latin5_turkish_ci"),
    ("latin7", "latin7_general_ci"),
    ("macce", "macce_general_ci"),
    ("macroman", "macroman_general_ci"),
    ("sjis", "sjis_japanese_ci"),
    ("swe7", "swe7_swedish_ci"),
    ("tis620", "tis620_thai_ci"),
    ("ucs2", "ucs2_general_ci"),
    ("ujis", "ujis_japanese_ci"),
    ("utf16", "utf16_general_ci"),
    ("utf16le", "utf16le_general_ci"),
    ("utf32", "utf32_general_ci"),
    ("utf8mb3", "utf8mb3_general_ci"),
    ("utf8mb4", "utf8mb4_0900_ai_ci"),
];

/// Canonical charset name (`utf8` is `utf8mb3` in 8.4), None if unknown.
pub(crate) fn charset(name: &str) -> Option<(&'static str, &'static str)> {
    let lower = name.to_ascii_lowercase();
    let lower = if lower == "utf8" {
        "utf8mb3".to_string()
    } else {
        lower
    };
    CHARSETS.iter().find(|(cs, _)| *cs == lower).copied()
}

/// Validates a collation name, returning it canonical (lower-case) and its charset.
pub(crate) fn collation(name: &str) -> Result<(String, &'static str), EngineError> {
    let lower = name.to_ascii_lowercase();
    let lower = match lower.strip_prefix("utf8_") {
        Some(rest) => format!("utf8mb3_{rest}"),
        None => lower,
    };
    if lower == "binary" {
        return Ok((lower, "binary"));
    }
    let cs = CHARSETS
        .iter()
        .filter(|(cs, _)| lower.starts_with(&format!("{cs}_")))
        .max_by_key(|(cs, _)| cs.len())
        .map(|(cs, _)| *cs);
    let valid_suffix = |s: &str| {
        s.ends_with("_ci") || s.ends_with("_cs") || s.ends_with("_bin") || s.ends_with("_as_cs")
    };
    match cs {
        Some(cs) if valid_suffix(&lower) => Ok((lower, cs)),
        _ => Err(EngineError::unknown_collation(name)),
    }
}

/// Normalizes a sql_mode value (names, combination modes, or a bitmask number).
fn normalize_sql_mode(name: &str, raw: &str) -> Result<String, EngineError> {
    let mut bits: u64 = 0;
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        bits = raw
            .parse()
            .map_err(|_| EngineError::wrong_value_for_var(name, raw))?;
        if bits >> SQL_MODES.len() != 0 {
            return Err(EngineError::wrong_value_for_var(name, raw));
        }
    } else {
        for part in raw.split(',') {
            let p = part.trim().to_ascii_uppercase();
            if p.is_empty() {
                continue;
            }
            match SQL_MODES
                .iter()
                .position(|m| *m == p && !m.starts_with("NOT_USED"))
            {
                Some(i) => bits |= 1 << i,
                None => return Err(EngineError::wrong_value_for_var(name, part.trim())),
            }
        }
    }
    let bit = |m: &str| {
        SQL_MODES
            .iter()
            .position(|x| *x == m)
            .map(|i| 1u64 << i)
            .unwrap_or(0)
    };
    if bits & bit("ANSI") != 0 {
        bits |= bit("REAL_AS_FLOAT")
            | bit("PIPES_AS_CONCAT")
            | bit("ANSI_QUOTES")
            | bit("IGNORE_SPACE")
            | bit("ONLY_FULL_GROUP_BY");
    }
    if bits & bit("TRADITIONAL") != 0 {
        bits |= bit("STRICT_TRANS_TABLES")
            | bit("STRICT_ALL_TABLES")
            | bit("NO_ZERO_IN_DATE")
            | bit("NO_ZERO_DATE")
            | bit("ERROR_FOR_DIVISION_BY_ZERO")
            | bit("NO_ENGINE_SUBSTITUTION");
    }
    Ok(SQL_MODES
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, m)| *m)
        .collect::<Vec<_>>()
        .join(","))
}

fn valid_time_zone(v: &str) -> bool {
    if v.eq_ignore_ascii_case("SYSTEM")
        || v.eq_ignore_ascii_case("UTC")
        || v.eq_ignore_ascii_case("GMT")
    {
        return true;
    }
    let b = v.as_bytes();
    if let (Some(b'+' | b'-'), Some((h, m))) =
        (b.first(), v.get(1..).and_then(|r| r.split_once(':')))
    {
        let (Ok(h), Ok(m)) = (h.parse::<i32>(), m.parse::<i32>()) else {
            return false;
        };
        if !(0..60).contains(&m) || h > 14 {
            return false;
        }
        let minutes = h * 60 + m;
        return if b.first() == Some(&b'+') {
            minutes <= 14 * 60
        } else {
            minutes <= 13 * 60 + 59
        };
    }
    // Named zones (the official image loads the tz tables): Region/City.
    v.contains('/')
        && v.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"/_+-".contains(&c))
}

/// Validates `value` for variable `def` and returns the canonical stored string.
pub(crate) fn normalize(def: &VarDef, value: &Value) -> Result<String, EngineError> {
    let name = def.name;
    let text = match value.to_string_lossy() {
        Some(t) => t,
        None => {
            return match def.ty {
                Str if matches!(name, "init_connect" | "ssl_cipher" | "tls_ciphersuites") => {
                    Ok(String::new())
                }
                SqlMode => Ok(String::new()),
                // NULL: results are sent in each column's own character set, unconverted
                // (Connector/J sets it so); stored empty, read back as NULL.
                Charset if name == "character_set_results" => Ok(String::new()),
                _ => Err(EngineError::wrong_value_for_var(name, "NULL")),
            };
        }
    };
    match def.ty {
        Bool => {
            let on = match value {
                Value::Int(_) | Value::UInt(_) | Value::Decimal(_) => match value.to_i64() {
                    Some(1) => true,
                    Some(0) => false,
                    _ => return Err(EngineError::wrong_value_for_var(name, &text)),
                },
                Value::Double(_) => return Err(EngineError::wrong_type_for_var(name)),
                _ => match text.to_ascii_uppercase().as_str() {
                    "ON" | "TRUE" | "1" => true,
                    "OFF" | "FALSE" | "0" => false,
                    _ => return Err(EngineError::wrong_value_for_var(name, &text)),
                },
            };
            Ok(if on { "ON" } else { "OFF" }.to_string())
        }
        UInt => {
            let n: i128 = match value {
                Value::Int(i) => i128::from(*i),
                Value::UInt(u) => i128::from(*u),
                Value::Decimal(_) | Value::Double(_) => {
                    return Err(EngineError::wrong_type_for_var(name));
                }
                _ => text
                    .trim()
                    .parse::<i128>()
                    .map_err(|_| EngineError::wrong_type_for_var(name))?,
            };
            let n = n.clamp(0, i128::from(u64::MAX));
            Ok(n.to_string())
        }
        Double => {
            let f = match value {
                Value::Bytes(_) => return Err(EngineError::wrong_type_for_var(name)),
                other => other.to_f64().unwrap_or(0.0),
            };
            Ok(format!("{f:.6}"))
        }
        Str if name == "protocol_compression_algorithms" => {
            // A non-empty list of zlib, zstd and uncompressed (MySQL's
            // validate_compression_attributes); kept as written.
            let names: Vec<&str> = text.split(',').map(str::trim).collect();
            let known = |n: &&str| {
                ["zlib", "zstd", "uncompressed"]
                    .iter()
                    .any(|k| n.eq_ignore_ascii_case(k))
            };
            if text.trim().is_empty() || !names.iter().all(known) {
                return Err(EngineError::wrong_value_for_var(name, &text));
            }
            Ok(text)
        }
        Str => Ok(text),
        Enum(options) => {
            let upper = text.to_ascii_uppercase();
            if let Some(o) = options.iter().find(|o| **o == upper) {
                return Ok((*o).to_string());
            }
            if matches!(value, Value::Int(_) | Value::UInt(_))
                && let Some(o) = value
                    .to_i64()
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| options.get(i))
            {
                return Ok((*o).to_string());
            }
            Err(EngineError::wrong_value_for_var(name, &text))
        }
        SqlMode => normalize_sql_mode(name, &text),
        Charset => match charset(&text) {
            Some((cs, _)) => Ok(cs.to_string()),
            None => Err(EngineError::unknown_charset(&text)),
        },
        Collation => collation(&text).map(|(c, _)| c),
        TimeZone => {
            if valid_time_zone(&text) {
                Ok(if text.eq_ignore_ascii_case("SYSTEM") {
                    "SYSTEM".to_string()
                } else {
                    text
                })
            } else {
                Err(EngineError::unknown_time_zone(&text))
            }
        }
    }
}

/// The typed value `@@name` returns for a stored canonical string.
pub(crate) fn typed(def: &VarDef, stored: &str) -> Value {
    match def.ty {
        Bool => Value::Int(i64::from(stored == "ON")),
        Charset if stored.is_empty() => Value::Null,
        UInt => stored
            .parse()
            .map(Value::UInt)
            .unwrap_or_else(|_| Value::str(stored)),
        Double => stored
            .parse()
            .map(Value::Double)
            .unwrap_or_else(|_| Value::str(stored)),
        _ => Value::str(stored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_table_is_sorted_and_unique() {
        for w in VARS.windows(2) {
            if let [a, b] = w {
                assert!(a.name < b.name, "{} must sort before {}", a.name, b.name);
            }
        }
    }

    #[test]
    fn sql_mode_is_normalized_in_bit_order() {
        let def = lookup("sql_mode").unwrap();
        let v = normalize(def, &Value::str("no_engine_substitution,,PIPES_AS_CONCAT")).unwrap();
        assert_eq!(v, "PIPES_AS_CONCAT,NO_ENGINE_SUBSTITUTION");
        assert_eq!(normalize(def, &Value::str("BOGUS")).unwrap_err().code, 1231);
    }

    #[test]
    fn time_zone_offsets_are_validated() {
        let def = lookup("time_zone").unwrap();
        assert!(normalize(def, &Value::str("+00:00")).is_ok());
        assert!(normalize(def, &Value::str("-13:59")).is_ok());
        assert_eq!(
            normalize(def, &Value::str("+15:00")).unwrap_err().code,
            1298
        );
        assert_eq!(normalize(def, &Value::str("Mars")).unwrap_err().code, 1298);
    }
}
