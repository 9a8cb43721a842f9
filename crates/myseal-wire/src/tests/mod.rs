//! Cross-cutting tests: cross-checks against `mysql_common` and the no-panic sweep.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod mysql_common_crosscheck;
mod no_panic;
mod statement_crosscheck;

use crate::command::Command;
use crate::connect::{
    AuthMoreData, AuthSwitchRequest, HandshakeResponse41, HandshakeV10, SslRequest,
};
use crate::constants::{CapabilityFlags, ColumnFlags, ColumnType, StatusFlags};
use crate::response::{EofPacket, ErrPacket, OkPacket};
use crate::resultset::{encode_text_row, ColumnDefinition41};
use crate::statement::{
    encode_binary_row, BinaryCell, ParamType, ParamValue, StmtExecute, StmtPrepareOk,
    StmtSendLongData,
};

/// Column types of the binary row in [`valid_encodings`], also used by the no-panic sweep.
pub(crate) const ROW_TYPES: [ColumnType; 6] = [
    ColumnType::LONGLONG,
    ColumnType::VAR_STRING,
    ColumnType::DATETIME,
    ColumnType::TIME,
    ColumnType::DOUBLE,
    ColumnType::TINY,
];

/// Parameter types of the COM_STMT_EXECUTE body in [`valid_encodings`].
pub(crate) fn execute_types() -> Vec<ParamType> {
    [
        (ColumnType::LONGLONG, true),
        (ColumnType::VAR_STRING, false),
        (ColumnType::NULL, false),
        (ColumnType::DATETIME, false),
        (ColumnType::TIME, false),
        (ColumnType::SHORT, false),
    ]
    .into_iter()
    .map(|(column_type, unsigned)| ParamType {
        column_type,
        unsigned,
    })
    .collect()
}

/// Capabilities a modern client (libmysqlclient 8.4) sends.
pub(crate) fn client_caps() -> CapabilityFlags {
    CapabilityFlags::CLIENT_LONG_PASSWORD
        | CapabilityFlags::CLIENT_LONG_FLAG
        | CapabilityFlags::CLIENT_PROTOCOL_41
        | CapabilityFlags::CLIENT_TRANSACTIONS
        | CapabilityFlags::CLIENT_SECURE_CONNECTION
        | CapabilityFlags::CLIENT_MULTI_STATEMENTS
        | CapabilityFlags::CLIENT_MULTI_RESULTS
        | CapabilityFlags::CLIENT_PS_MULTI_RESULTS
        | CapabilityFlags::CLIENT_PLUGIN_AUTH
        | CapabilityFlags::CLIENT_CONNECT_ATTRS
        | CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | CapabilityFlags::CLIENT_SESSION_TRACK
        | CapabilityFlags::CLIENT_DEPRECATE_EOF
}

pub(crate) fn greeting() -> HandshakeV10 {
    HandshakeV10 {
        server_version: "8.4.3-myseal".into(),
        connection_id: 17,
        auth_plugin_data: *b"\x01\x02\x03\x04\x05\x06\x07\x08abcdefghijkl",
        capability_flags: CapabilityFlags(0xDFFF_FFFF),
        character_set: 255,
        status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT,
        auth_plugin_name: "caching_sha2_password".into(),
    }
}

pub(crate) fn response41() -> HandshakeResponse41 {
    HandshakeResponse41 {
        capability_flags: client_caps()
            | CapabilityFlags::CLIENT_CONNECT_WITH_DB
            | CapabilityFlags::CLIENT_ZSTD_COMPRESSION_ALGORITHM,
        max_packet_size: 1 << 24,
        character_set: 255,
        username: "app".into(),
        auth_response: vec![0x5A; 32],
        database: Some("shop".into()),
        auth_plugin_name: Some("caching_sha2_password".into()),
        connect_attrs: vec![
            ("_client_name".into(), "libmysql".into()),
            ("_pid".into(), "4242".into()),
        ],
        zstd_compression_level: Some(3),
    }
}

pub(crate) fn column() -> ColumnDefinition41 {
    ColumnDefinition41 {
        schema: "shop".into(),
        table: "o".into(),
        org_table: "orders".into(),
        name: "total".into(),
        org_name: "total".into(),
        character_set: 63,
        column_length: 12,
        column_type: ColumnType::NEWDECIMAL,
        flags: ColumnFlags::NOT_NULL | ColumnFlags::NUM,
        decimals: 2,
    }
}

/// A valid encoding of every message kind, named, for the truncation and mutation sweeps.
pub(crate) fn valid_encodings() -> Vec<(&'static str, Vec<u8>)> {
    let mut all = Vec::new();
    let mut push = |name, f: &dyn Fn(&mut Vec<u8>)| {
        let mut out = Vec::new();
        f(&mut out);
        all.push((name, out));
    };
    push("greeting", &|o| greeting().encode(o));
    push("ssl", &|o| {
        SslRequest {
            capability_flags: client_caps() | CapabilityFlags::CLIENT_SSL,
            max_packet_size: 1 << 24,
            character_set: 255,
        }
        .encode(o)
    });
    push("response", &|o| response41().encode(o));
    push("switch", &|o| {
        AuthSwitchRequest {
            plugin_name: "mysql_native_password".into(),
            plugin_data: b"0123456789abcdefghij\0".to_vec(),
        }
        .encode(o)
    });
    push("more", &|o| AuthMoreData { data: vec![0x04] }.encode(o));
    push("ok", &|o| {
        OkPacket {
            affected_rows: 300,
            last_insert_id: 70000,
            status_flags: StatusFlags(2),
            warnings: 1,
            info: "info".into(),
            session_state: Vec::new(),
        }
        .encode(o, client_caps())
    });
    push("err", &|o| {
        ErrPacket::new(1146, "42S02", "Table 'shop.x' doesn't exist").encode(o)
    });
    push("eof", &|o| {
        EofPacket {
            warnings: 0,
            status_flags: StatusFlags(2),
        }
        .encode(o)
    });
    push("column", &|o| column().encode(o));
    push("row", &|o| {
        encode_text_row(o, [Some(&b"12.50"[..]), None, Some(&b""[..])])
    });
    push("query", &|o| Command::Query(b"select 1".to_vec()).encode(o));
    push("close", &|o| Command::StmtClose(3).encode(o));
    push("field_list", &|o| {
        Command::FieldList {
            table: "t".into(),
            wildcard: "%".into(),
        }
        .encode(o)
    });
    push("prepare_ok", &|o| {
        StmtPrepareOk {
            statement_id: 1,
            num_columns: 2,
            num_params: 3,
            warning_count: 0,
        }
        .encode(o)
    });
    push("execute", &|o| {
        StmtExecute {
            statement_id: 1,
            flags: 0,
            iteration_count: 1,
            params: vec![
                ParamValue::UInt(7),
                ParamValue::Bytes(b"abc".to_vec()),
                ParamValue::Null,
                ParamValue::DateTime {
                    year: 2024,
                    month: 1,
                    day: 2,
                    hour: 3,
                    minute: 4,
                    second: 5,
                    micro: 6,
                },
                ParamValue::Time {
                    negative: true,
                    days: 1,
                    hour: 2,
                    minute: 3,
                    second: 4,
                    micro: 0,
                },
                ParamValue::Int(-3),
            ],
            types: execute_types(),
        }
        .encode(o)
    });
    push("long_data", &|o| {
        StmtSendLongData {
            statement_id: 1,
            param_id: 0,
            data: b"chunk".to_vec(),
        }
        .encode(o)
    });
    push("binary_row", &|o| {
        encode_binary_row(
            o,
            &[
                BinaryCell::I64(-1),
                BinaryCell::Bytes(b"x"),
                BinaryCell::Bytes(b"2024-01-02 03:04:05.6"),
                BinaryCell::Bytes(b"-01:02:03"),
                BinaryCell::Null,
                BinaryCell::U64(9),
            ],
            &ROW_TYPES,
        )
    });
    all
}
