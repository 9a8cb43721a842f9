//! Cross-cutting tests: cross-checks against `mysql_common` and the no-panic sweep.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod mysql_common_crosscheck;
mod no_panic;

use crate::command::Command;
use crate::connect::{
    AuthMoreData, AuthSwitchRequest, HandshakeResponse41, HandshakeV10, SslRequest,
};
use crate::constants::{CapabilityFlags, ColumnFlags, ColumnType, StatusFlags};
use crate::response::{EofPacket, ErrPacket, OkPacket};
use crate::resultset::{encode_text_row, ColumnDefinition41};

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
    all
}
