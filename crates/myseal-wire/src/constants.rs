//! Protocol constants: capability and status flags, column types and flags, collation ids and
//! command bytes, with MySQL's names and values.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/group__group__cs__capabilities__flags.html>,
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/mysql__com_8h.html>

use std::ops::{BitAnd, BitAndAssign, BitOr, BitOrAssign};

/// Defines a transparent bit-set newtype with set operations.
macro_rules! flags_type {
    ($(#[$meta:meta])* $name:ident($int:ty)) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
        pub struct $name(pub $int);

        impl $name {
            /// The empty set.
            pub const fn empty() -> Self {
                Self(0)
            }

            /// The raw bits.
            pub const fn bits(self) -> $int {
                self.0
            }

            /// True if every bit of `other` is set in `self`.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// True if any bit of `other` is set in `self`.
            pub const fn intersects(self, other: Self) -> bool {
                self.0 & other.0 != 0
            }

            /// Sets every bit of `other`.
            pub fn insert(&mut self, other: Self) {
                self.0 |= other.0;
            }

            /// Clears every bit of `other`.
            pub fn remove(&mut self, other: Self) {
                self.0 &= !other.0;
            }
        }

        impl BitOr for $name {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                Self(self.0 | rhs.0)
            }
        }

        impl BitOrAssign for $name {
            fn bitor_assign(&mut self, rhs: Self) {
                self.0 |= rhs.0;
            }
        }

        impl BitAnd for $name {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                Self(self.0 & rhs.0)
            }
        }

        impl BitAndAssign for $name {
            fn bitand_assign(&mut self, rhs: Self) {
                self.0 &= rhs.0;
            }
        }
    };
}

flags_type! {
    /// Capability flags (`CLIENT_*`) exchanged in the connection phase. The effective set of a
    /// connection is what the server offered AND what the client asked for.
    CapabilityFlags(u32)
}

#[allow(missing_docs)] // each constant is MySQL's own name for the bit
impl CapabilityFlags {
    pub const CLIENT_LONG_PASSWORD: Self = Self(1);
    pub const CLIENT_FOUND_ROWS: Self = Self(1 << 1);
    pub const CLIENT_LONG_FLAG: Self = Self(1 << 2);
    pub const CLIENT_CONNECT_WITH_DB: Self = Self(1 << 3);
    pub const CLIENT_NO_SCHEMA: Self = Self(1 << 4);
    pub const CLIENT_COMPRESS: Self = Self(1 << 5);
    pub const CLIENT_ODBC: Self = Self(1 << 6);
    pub const CLIENT_LOCAL_FILES: Self = Self(1 << 7);
    pub const CLIENT_IGNORE_SPACE: Self = Self(1 << 8);
    pub const CLIENT_PROTOCOL_41: Self = Self(1 << 9);
    pub const CLIENT_INTERACTIVE: Self = Self(1 << 10);
    pub const CLIENT_SSL: Self = Self(1 << 11);
    pub const CLIENT_IGNORE_SIGPIPE: Self = Self(1 << 12);
    pub const CLIENT_TRANSACTIONS: Self = Self(1 << 13);
    pub const CLIENT_RESERVED: Self = Self(1 << 14);
    /// Called `CLIENT_RESERVED2` in MySQL 8.x headers.
    pub const CLIENT_SECURE_CONNECTION: Self = Self(1 << 15);
    pub const CLIENT_MULTI_STATEMENTS: Self = Self(1 << 16);
    pub const CLIENT_MULTI_RESULTS: Self = Self(1 << 17);
    pub const CLIENT_PS_MULTI_RESULTS: Self = Self(1 << 18);
    pub const CLIENT_PLUGIN_AUTH: Self = Self(1 << 19);
    pub const CLIENT_CONNECT_ATTRS: Self = Self(1 << 20);
    pub const CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA: Self = Self(1 << 21);
    pub const CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS: Self = Self(1 << 22);
    pub const CLIENT_SESSION_TRACK: Self = Self(1 << 23);
    pub const CLIENT_DEPRECATE_EOF: Self = Self(1 << 24);
    pub const CLIENT_OPTIONAL_RESULTSET_METADATA: Self = Self(1 << 25);
    pub const CLIENT_ZSTD_COMPRESSION_ALGORITHM: Self = Self(1 << 26);
    pub const CLIENT_QUERY_ATTRIBUTES: Self = Self(1 << 27);
    pub const MULTI_FACTOR_AUTHENTICATION: Self = Self(1 << 28);
    pub const CLIENT_CAPABILITY_EXTENSION: Self = Self(1 << 29);
    pub const CLIENT_SSL_VERIFY_SERVER_CERT: Self = Self(1 << 30);
    pub const CLIENT_REMEMBER_OPTIONS: Self = Self(1 << 31);
}

flags_type! {
    /// Server status flags (`SERVER_*`) sent in OK and EOF packets and in the greeting.
    StatusFlags(u16)
}

#[allow(missing_docs)] // each constant is MySQL's own name for the bit
impl StatusFlags {
    pub const SERVER_STATUS_IN_TRANS: Self = Self(1);
    pub const SERVER_STATUS_AUTOCOMMIT: Self = Self(1 << 1);
    pub const SERVER_MORE_RESULTS_EXISTS: Self = Self(1 << 3);
    pub const SERVER_STATUS_NO_GOOD_INDEX_USED: Self = Self(1 << 4);
    pub const SERVER_STATUS_NO_INDEX_USED: Self = Self(1 << 5);
    pub const SERVER_STATUS_CURSOR_EXISTS: Self = Self(1 << 6);
    pub const SERVER_STATUS_LAST_ROW_SENT: Self = Self(1 << 7);
    pub const SERVER_STATUS_DB_DROPPED: Self = Self(1 << 8);
    pub const SERVER_STATUS_NO_BACKSLASH_ESCAPES: Self = Self(1 << 9);
    pub const SERVER_STATUS_METADATA_CHANGED: Self = Self(1 << 10);
    pub const SERVER_QUERY_WAS_SLOW: Self = Self(1 << 11);
    pub const SERVER_PS_OUT_PARAMS: Self = Self(1 << 12);
    pub const SERVER_STATUS_IN_TRANS_READONLY: Self = Self(1 << 13);
    pub const SERVER_SESSION_STATE_CHANGED: Self = Self(1 << 14);
}

flags_type! {
    /// Column definition flags (`*_FLAG` in `mysql_com.h`).
    ColumnFlags(u16)
}

#[allow(missing_docs)] // each constant is MySQL's own name for the bit, minus `_FLAG`
impl ColumnFlags {
    pub const NOT_NULL: Self = Self(1);
    pub const PRI_KEY: Self = Self(1 << 1);
    pub const UNIQUE_KEY: Self = Self(1 << 2);
    pub const MULTIPLE_KEY: Self = Self(1 << 3);
    pub const BLOB: Self = Self(1 << 4);
    pub const UNSIGNED: Self = Self(1 << 5);
    pub const ZEROFILL: Self = Self(1 << 6);
    pub const BINARY: Self = Self(1 << 7);
    pub const ENUM: Self = Self(1 << 8);
    pub const AUTO_INCREMENT: Self = Self(1 << 9);
    pub const TIMESTAMP: Self = Self(1 << 10);
    pub const SET: Self = Self(1 << 11);
    pub const NO_DEFAULT_VALUE: Self = Self(1 << 12);
    pub const ON_UPDATE_NOW: Self = Self(1 << 13);
    pub const PART_KEY: Self = Self(1 << 14);
    pub const NUM: Self = Self(1 << 15);
}

/// Column type (`enum_field_types`, `MYSQL_TYPE_*`) of a column definition or binary value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ColumnType(pub u8);

#[allow(missing_docs)] // each constant is MySQL's own name, minus `MYSQL_TYPE_`
impl ColumnType {
    pub const DECIMAL: Self = Self(0x00);
    pub const TINY: Self = Self(0x01);
    pub const SHORT: Self = Self(0x02);
    pub const LONG: Self = Self(0x03);
    pub const FLOAT: Self = Self(0x04);
    pub const DOUBLE: Self = Self(0x05);
    pub const NULL: Self = Self(0x06);
    pub const TIMESTAMP: Self = Self(0x07);
    pub const LONGLONG: Self = Self(0x08);
    pub const INT24: Self = Self(0x09);
    pub const DATE: Self = Self(0x0a);
    pub const TIME: Self = Self(0x0b);
    pub const DATETIME: Self = Self(0x0c);
    pub const YEAR: Self = Self(0x0d);
    pub const VARCHAR: Self = Self(0x0f);
    pub const BIT: Self = Self(0x10);
    pub const JSON: Self = Self(0xf5);
    pub const NEWDECIMAL: Self = Self(0xf6);
    pub const ENUM: Self = Self(0xf7);
    pub const SET: Self = Self(0xf8);
    pub const TINY_BLOB: Self = Self(0xf9);
    pub const MEDIUM_BLOB: Self = Self(0xfa);
    pub const LONG_BLOB: Self = Self(0xfb);
    pub const BLOB: Self = Self(0xfc);
    pub const VAR_STRING: Self = Self(0xfd);
    pub const STRING: Self = Self(0xfe);
    pub const GEOMETRY: Self = Self(0xff);
}

/// Collation id of `utf8mb4_0900_ai_ci`, MySQL 8.4's default.
pub const UTF8MB4_0900_AI_CI: u8 = 255;
/// Collation id of `binary` (binary strings, numbers and temporal columns).
pub const BINARY: u8 = 63;
/// Collation id of `utf8mb4_general_ci`.
pub const UTF8MB4_GENERAL_CI: u8 = 45;
/// Collation id of `latin1_swedish_ci` (MariaDB clients' default).
pub const LATIN1_SWEDISH_CI: u8 = 8;
/// Collation id of `utf8mb3_general_ci`.
pub const UTF8MB3_GENERAL_CI: u8 = 33;

/// Command bytes: the first payload byte of every command-phase packet (`enum_server_command`).
pub mod com {
    /// `COM_QUIT`
    pub const QUIT: u8 = 0x01;
    /// `COM_INIT_DB`
    pub const INIT_DB: u8 = 0x02;
    /// `COM_QUERY`
    pub const QUERY: u8 = 0x03;
    /// `COM_FIELD_LIST` (deprecated)
    pub const FIELD_LIST: u8 = 0x04;
    /// `COM_STATISTICS`
    pub const STATISTICS: u8 = 0x09;
    /// `COM_PROCESS_KILL` (deprecated)
    pub const PROCESS_KILL: u8 = 0x0c;
    /// `COM_DEBUG`
    pub const DEBUG: u8 = 0x0d;
    /// `COM_PING`
    pub const PING: u8 = 0x0e;
    /// `COM_CHANGE_USER`
    pub const CHANGE_USER: u8 = 0x11;
    /// `COM_STMT_PREPARE`
    pub const STMT_PREPARE: u8 = 0x16;
    /// `COM_STMT_EXECUTE`
    pub const STMT_EXECUTE: u8 = 0x17;
    /// `COM_STMT_SEND_LONG_DATA`
    pub const STMT_SEND_LONG_DATA: u8 = 0x18;
    /// `COM_STMT_CLOSE`
    pub const STMT_CLOSE: u8 = 0x19;
    /// `COM_STMT_RESET`
    pub const STMT_RESET: u8 = 0x1a;
    /// `COM_SET_OPTION`
    pub const SET_OPTION: u8 = 0x1b;
    /// `COM_STMT_FETCH`
    pub const STMT_FETCH: u8 = 0x1c;
    /// `COM_RESET_CONNECTION`
    pub const RESET_CONNECTION: u8 = 0x1f;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_bits_match_mysql_common() {
        use mysql_common::constants::CapabilityFlags as Theirs;
        let pairs = [
            (
                CapabilityFlags::CLIENT_LONG_PASSWORD,
                Theirs::CLIENT_LONG_PASSWORD,
            ),
            (
                CapabilityFlags::CLIENT_CONNECT_WITH_DB,
                Theirs::CLIENT_CONNECT_WITH_DB,
            ),
            (
                CapabilityFlags::CLIENT_PROTOCOL_41,
                Theirs::CLIENT_PROTOCOL_41,
            ),
            (CapabilityFlags::CLIENT_SSL, Theirs::CLIENT_SSL),
            (
                CapabilityFlags::CLIENT_SECURE_CONNECTION,
                Theirs::CLIENT_SECURE_CONNECTION,
            ),
            (
                CapabilityFlags::CLIENT_PLUGIN_AUTH,
                Theirs::CLIENT_PLUGIN_AUTH,
            ),
            (
                CapabilityFlags::CLIENT_CONNECT_ATTRS,
                Theirs::CLIENT_CONNECT_ATTRS,
            ),
            (
                CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA,
                Theirs::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA,
            ),
            (
                CapabilityFlags::CLIENT_SESSION_TRACK,
                Theirs::CLIENT_SESSION_TRACK,
            ),
            (
                CapabilityFlags::CLIENT_DEPRECATE_EOF,
                Theirs::CLIENT_DEPRECATE_EOF,
            ),
            (
                CapabilityFlags::CLIENT_OPTIONAL_RESULTSET_METADATA,
                Theirs::CLIENT_OPTIONAL_RESULTSET_METADATA,
            ),
            (
                CapabilityFlags::CLIENT_ZSTD_COMPRESSION_ALGORITHM,
                Theirs::CLIENT_ZSTD_COMPRESSION_ALGORITHM,
            ),
            (
                CapabilityFlags::CLIENT_QUERY_ATTRIBUTES,
                Theirs::CLIENT_QUERY_ATTRIBUTES,
            ),
            (
                CapabilityFlags::MULTI_FACTOR_AUTHENTICATION,
                Theirs::MULTI_FACTOR_AUTHENTICATION,
            ),
            (
                CapabilityFlags::CLIENT_SSL_VERIFY_SERVER_CERT,
                Theirs::CLIENT_SSL_VERIFY_SERVER_CERT,
            ),
            (
                CapabilityFlags::CLIENT_REMEMBER_OPTIONS,
                Theirs::CLIENT_REMEMBER_OPTIONS,
            ),
        ];
        for (ours, theirs) in pairs {
            assert_eq!(ours.bits(), theirs.bits(), "{ours:?}");
        }
    }

    #[test]
    fn status_and_column_bits_match_mysql_common() {
        use mysql_common::constants::{ColumnFlags as TheirCol, StatusFlags as TheirStatus};
        assert_eq!(
            StatusFlags::SERVER_MORE_RESULTS_EXISTS.bits(),
            TheirStatus::SERVER_MORE_RESULTS_EXISTS.bits()
        );
        assert_eq!(
            StatusFlags::SERVER_SESSION_STATE_CHANGED.bits(),
            TheirStatus::SERVER_SESSION_STATE_CHANGED.bits()
        );
        assert_eq!(
            StatusFlags::SERVER_STATUS_IN_TRANS_READONLY.bits(),
            TheirStatus::SERVER_STATUS_IN_TRANS_READONLY.bits()
        );
        assert_eq!(ColumnFlags::NUM.bits(), TheirCol::NUM_FLAG.bits());
        assert_eq!(
            ColumnFlags::ON_UPDATE_NOW.bits(),
            TheirCol::ON_UPDATE_NOW_FLAG.bits()
        );
        assert_eq!(
            ColumnType::JSON.0,
            mysql_common::constants::ColumnType::MYSQL_TYPE_JSON as u8
        );
        assert_eq!(
            ColumnType::GEOMETRY.0,
            mysql_common::constants::ColumnType::MYSQL_TYPE_GEOMETRY as u8
        );
        assert_eq!(
            ColumnType::BIT.0,
            mysql_common::constants::ColumnType::MYSQL_TYPE_BIT as u8
        );
    }

    #[test]
    fn flag_set_operations_behave_like_bit_sets() {
        let mut f = CapabilityFlags::CLIENT_SSL | CapabilityFlags::CLIENT_PROTOCOL_41;
        assert!(f.contains(CapabilityFlags::CLIENT_SSL));
        assert!(!f.contains(CapabilityFlags::CLIENT_SSL | CapabilityFlags::CLIENT_COMPRESS));
        assert!(f.intersects(CapabilityFlags::CLIENT_SSL | CapabilityFlags::CLIENT_COMPRESS));
        f.remove(CapabilityFlags::CLIENT_SSL);
        assert_eq!(f, CapabilityFlags::CLIENT_PROTOCOL_41);
        f.insert(CapabilityFlags::CLIENT_COMPRESS);
        assert_eq!(f.bits(), 0x220);
        assert_eq!(
            (f & CapabilityFlags::CLIENT_COMPRESS),
            CapabilityFlags::CLIENT_COMPRESS
        );
        assert_eq!(CapabilityFlags::default(), CapabilityFlags::empty());
    }
}
