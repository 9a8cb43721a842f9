//! Cross-checks against `mysql_common` 0.37, the codec crate real Rust clients (mysql_async) use:
//! what we write must parse there, and what it writes must decode here.

use std::collections::HashMap;

use bytes::BytesMut;
use mysql_common::constants::{CapabilityFlags as TheirCaps, StatusFlags as TheirStatus};
use mysql_common::io::ParseBuf;
use mysql_common::packets::{
    self as their, AuthPlugin, CommonOkPacket, HandshakePacket, OkPacketDeserializer, OldEofPacket,
    ResultSetTerminator,
};
use mysql_common::proto::MySerialize;

use super::{column, greeting, response41};
use crate::codec::{decode_packet, encode_packet, MAX_CHUNK};
use crate::connect::{
    AuthMoreData, AuthSwitchRequest, ClientHandshake, HandshakeResponse41, HandshakeV10, SslRequest,
};
use crate::constants::{CapabilityFlags, StatusFlags};
use crate::response::{EofPacket, ErrPacket, OkPacket};
use crate::resultset::ColumnDefinition41;

fn their_caps(caps: CapabilityFlags) -> TheirCaps {
    TheirCaps::from_bits_truncate(caps.bits())
}

fn encode_with(f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    f(&mut out);
    out
}

#[test]
fn our_greeting_parses_as_a_mysql_common_handshake_packet() {
    let ours = greeting();
    let bytes = encode_with(|o| ours.encode(o));
    let theirs: HandshakePacket<'_> = ParseBuf(&bytes).parse(()).unwrap();
    assert_eq!(theirs.protocol_version(), 10);
    assert_eq!(theirs.server_version_ref(), b"8.4.3-myseal");
    assert_eq!(theirs.connection_id(), 17);
    assert_eq!(theirs.scramble_1_ref(), &ours.auth_plugin_data[..8]);
    assert_eq!(theirs.scramble_2_ref(), Some(&b"abcdefghijkl\0"[..]));
    assert_eq!(theirs.nonce(), ours.auth_plugin_data.to_vec());
    assert_eq!(theirs.capabilities().bits(), ours.capability_flags.bits());
    assert_eq!(theirs.default_collation(), 255);
    assert_eq!(theirs.status_flags(), TheirStatus::SERVER_STATUS_AUTOCOMMIT);
    assert_eq!(
        theirs.auth_plugin_name_ref(),
        Some(&b"caching_sha2_password"[..])
    );
    assert_eq!(theirs.auth_plugin(), Some(AuthPlugin::CachingSha2Password));
    // And mysql_common writes the very same bytes back.
    assert_eq!(encode_with(|o| theirs.serialize(o)), bytes);
}

#[test]
fn a_mysql_common_handshake_packet_decodes_with_ours() {
    let caps = their_caps(CapabilityFlags(0xC3FF_F7FF));
    let theirs = HandshakePacket::new(
        10,
        &b"8.4.0"[..],
        99,
        *b"12345678",
        Some(&b"abcdefghijkl\0"[..]),
        caps,
        45,
        TheirStatus::SERVER_STATUS_AUTOCOMMIT | TheirStatus::SERVER_STATUS_IN_TRANS,
        Some(&b"mysql_native_password"[..]),
    );
    let bytes = encode_with(|o| theirs.serialize(o));
    let ours = HandshakeV10::decode(&bytes).unwrap();
    assert_eq!(
        ours,
        HandshakeV10 {
            server_version: "8.4.0".into(),
            connection_id: 99,
            auth_plugin_data: *b"12345678abcdefghijkl",
            capability_flags: CapabilityFlags(caps.bits()),
            character_set: 45,
            status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT
                | StatusFlags::SERVER_STATUS_IN_TRANS,
            auth_plugin_name: "mysql_native_password".into(),
        }
    );
}

fn their_response(
    caps: CapabilityFlags,
    db: Option<&str>,
    plugin: Option<&'static [u8]>,
    attrs: Option<HashMap<String, String>>,
) -> Vec<u8> {
    let theirs = their::HandshakeResponse::new(
        Some(&[0xA5u8; 32][..]),
        (8, 4, 3),
        Some(&b"app"[..]),
        db.map(str::as_bytes),
        plugin.map(AuthPlugin::from_bytes),
        their_caps(caps),
        attrs,
        0x0100_0000,
    );
    encode_with(|o| theirs.serialize(o))
}

#[test]
fn mysql_common_handshake_responses_decode_with_ours() {
    let attrs: HashMap<String, String> = [
        ("_client_name", "mysql_async"),
        ("_client_version", "0.37.1"),
        ("_os", "linux"),
        ("program_name", "myseal-test"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();

    for lenenc in [true, false] {
        let mut caps = super::client_caps();
        if !lenenc {
            caps.remove(CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA);
        }
        let bytes = their_response(
            caps,
            Some("shop"),
            Some(b"caching_sha2_password"),
            Some(attrs.clone()),
        );
        let ClientHandshake::Response(ours) = ClientHandshake::decode(&bytes).unwrap() else {
            panic!("decoded as SSLRequest");
        };
        let mut want_caps = caps;
        want_caps.insert(CapabilityFlags::CLIENT_CONNECT_WITH_DB);
        assert_eq!(ours.capability_flags, want_caps);
        assert_eq!(ours.max_packet_size, 0x0100_0000);
        assert_eq!(ours.character_set, crate::constants::UTF8MB4_GENERAL_CI);
        assert_eq!(ours.username, "app");
        assert_eq!(ours.auth_response, vec![0xA5; 32]);
        assert_eq!(ours.database.as_deref(), Some("shop"));
        assert_eq!(
            ours.auth_plugin_name.as_deref(),
            Some("caching_sha2_password")
        );
        let got: HashMap<String, String> = ours.connect_attrs.iter().cloned().collect();
        assert_eq!(got, attrs);
        assert_eq!(ours.connect_attrs.len(), attrs.len());
        assert_eq!(ours.zstd_compression_level, None);
    }
}

#[test]
fn a_minimal_mysql_common_handshake_response_decodes_with_ours() {
    let caps = CapabilityFlags::CLIENT_PROTOCOL_41 | CapabilityFlags::CLIENT_SECURE_CONNECTION;
    let bytes = their_response(caps, None, None, None);
    let ours = HandshakeResponse41::decode(&bytes).unwrap();
    assert_eq!(ours.capability_flags, caps);
    assert_eq!(ours.username, "app");
    assert_eq!(ours.auth_response, vec![0xA5; 32]);
    assert_eq!(ours.database, None);
    assert_eq!(ours.auth_plugin_name, None);
    assert!(ours.connect_attrs.is_empty());
}

#[test]
fn our_handshake_response_parses_with_mysql_common() {
    let mut ours = response41();
    ours.capability_flags
        .remove(CapabilityFlags::CLIENT_ZSTD_COMPRESSION_ALGORITHM);
    ours.zstd_compression_level = None;
    let bytes = encode_with(|o| ours.encode(o));
    let theirs: their::HandshakeResponse<'_> = ParseBuf(&bytes).parse(()).unwrap();
    assert_eq!(theirs.capabilities().bits(), ours.capability_flags.bits());
    assert_eq!(theirs.collation(), 255);
    assert_eq!(theirs.user(), b"app");
    assert_eq!(theirs.scramble_buf(), &ours.auth_response[..]);
    assert_eq!(theirs.db_name(), Some(&b"shop"[..]));
    assert_eq!(theirs.auth_plugin(), Some(&AuthPlugin::CachingSha2Password));
    let want: HashMap<String, String> = ours.connect_attrs.iter().cloned().collect();
    assert_eq!(theirs.connect_attributes(), Some(want));
}

#[test]
fn mysql_common_ssl_requests_decode_with_ours() {
    let caps = super::client_caps() | CapabilityFlags::CLIENT_SSL;
    let theirs = their::SslRequest::new(their_caps(caps), 0x0100_0000, 255);
    let bytes = encode_with(|o| theirs.serialize(o));
    let want = SslRequest {
        capability_flags: caps,
        max_packet_size: 0x0100_0000,
        character_set: 255,
    };
    assert_eq!(SslRequest::decode(&bytes).unwrap(), want);
    assert_eq!(
        ClientHandshake::decode(&bytes).unwrap(),
        ClientHandshake::SslRequest(want.clone())
    );
    // And the reverse direction.
    let ours = encode_with(|o| want.encode(o));
    assert_eq!(ours, bytes);
    let parsed: their::SslRequest = ParseBuf(&ours).parse(()).unwrap();
    assert_eq!(parsed.capabilities().bits(), caps.bits());
    assert_eq!(parsed.max_packet_size(), 0x0100_0000);
    assert_eq!(parsed.character_set(), 255);
}

#[test]
fn our_err_packet_parses_with_mysql_common() {
    let ours = ErrPacket::new(
        1045,
        "28000",
        "Access denied for user 'app'@'localhost' (using password: YES)",
    );
    let bytes = encode_with(|o| ours.encode(o));
    let theirs: their::ErrPacket<'_> = ParseBuf(&bytes)
        .parse(TheirCaps::CLIENT_PROTOCOL_41)
        .unwrap();
    let their::ErrPacket::Error(err) = theirs else {
        panic!("parsed as a progress report");
    };
    assert_eq!(err.error_code(), 1045);
    assert_eq!(err.sql_state_ref().map(|s| s.as_bytes()), Some(*b"28000"));
    assert_eq!(err.message_ref(), ours.message.as_bytes());
    // mysql_common writes the same bytes.
    assert_eq!(
        encode_with(|o| their::ErrPacket::Error(err.clone()).serialize(o)),
        bytes
    );
}

#[test]
fn our_ok_packets_parse_with_mysql_common() {
    for track in [false, true] {
        let mut caps = CapabilityFlags::CLIENT_PROTOCOL_41 | CapabilityFlags::CLIENT_TRANSACTIONS;
        if track {
            caps.insert(CapabilityFlags::CLIENT_SESSION_TRACK);
        }
        for info in ["", "Rows matched: 3  Changed: 2  Warnings: 0"] {
            let ours = OkPacket {
                affected_rows: 70_000,
                last_insert_id: 12,
                status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT,
                warnings: 3,
                info: info.into(),
                session_state: Vec::new(),
            };
            let bytes = encode_with(|o| ours.encode(o, caps));
            let theirs = ParseBuf(&bytes)
                .parse::<OkPacketDeserializer<'_, CommonOkPacket>>(their_caps(caps))
                .unwrap()
                .into_inner();
            assert_eq!(theirs.affected_rows(), 70_000);
            assert_eq!(theirs.last_insert_id(), Some(12));
            assert_eq!(theirs.status_flags(), TheirStatus::SERVER_STATUS_AUTOCOMMIT);
            assert_eq!(theirs.warnings(), 3);
            assert_eq!(
                theirs.info_ref().unwrap_or_default(),
                info.as_bytes(),
                "track={track}"
            );
            assert_eq!(theirs.session_state_info_ref(), None);

            let bytes = encode_with(|o| {
                ours.encode_as_eof(o, caps | CapabilityFlags::CLIENT_DEPRECATE_EOF)
            });
            let theirs = ParseBuf(&bytes)
                .parse::<OkPacketDeserializer<'_, ResultSetTerminator>>(their_caps(caps))
                .unwrap()
                .into_inner();
            assert_eq!(theirs.status_flags(), TheirStatus::SERVER_STATUS_AUTOCOMMIT);
            assert_eq!(theirs.warnings(), 3);
            assert_eq!(theirs.info_ref().unwrap_or_default(), info.as_bytes());
        }
    }
}

#[test]
fn our_eof_packet_parses_with_mysql_common() {
    let ours = EofPacket {
        warnings: 4,
        status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT
            | StatusFlags::SERVER_MORE_RESULTS_EXISTS,
    };
    let bytes = encode_with(|o| ours.encode(o));
    let theirs = ParseBuf(&bytes)
        .parse::<OkPacketDeserializer<'_, OldEofPacket>>(TheirCaps::CLIENT_PROTOCOL_41)
        .unwrap()
        .into_inner();
    assert_eq!(theirs.warnings(), 4);
    assert_eq!(
        theirs.status_flags(),
        TheirStatus::SERVER_STATUS_AUTOCOMMIT | TheirStatus::SERVER_MORE_RESULTS_EXISTS
    );
}

#[test]
fn our_auth_switch_and_more_data_parse_with_mysql_common() {
    let switch = AuthSwitchRequest {
        plugin_name: "mysql_native_password".into(),
        plugin_data: b"0123456789abcdefghij\0".to_vec(),
    };
    let bytes = encode_with(|o| switch.encode(o));
    let theirs: their::AuthSwitchRequest<'_> = ParseBuf(&bytes).parse(()).unwrap();
    assert_eq!(theirs.auth_plugin(), AuthPlugin::MysqlNativePassword);
    assert_eq!(theirs.plugin_data(), b"0123456789abcdefghij");
    let back = their::AuthSwitchRequest::new(
        &b"caching_sha2_password"[..],
        &b"nonce-nonce-nonce-no\0"[..],
    );
    let back_bytes = encode_with(|o| back.serialize(o));
    assert_eq!(
        AuthSwitchRequest::decode(&back_bytes).unwrap(),
        AuthSwitchRequest {
            plugin_name: "caching_sha2_password".into(),
            plugin_data: b"nonce-nonce-nonce-no\0".to_vec()
        }
    );

    let more = AuthMoreData { data: vec![0x03] };
    let bytes = encode_with(|o| more.encode(o));
    let theirs: their::AuthMoreData<'_> = ParseBuf(&bytes).parse(()).unwrap();
    assert_eq!(theirs.data(), [0x03]);
    let back = encode_with(|o| their::AuthMoreData::new(&b"\x04"[..]).serialize(o));
    assert_eq!(
        AuthMoreData::decode(&back).unwrap(),
        AuthMoreData { data: vec![0x04] }
    );
}

#[test]
fn our_column_definition_parses_with_mysql_common() {
    // Only this direction: mysql_common 0.37's `Column::serialize` writes column_length before
    // character_set (its own parser reads them the other way round), so its output is not MySQL's.
    let ours = column();
    let bytes = encode_with(|o| ours.encode(o));
    let theirs: their::Column = ParseBuf(&bytes).parse(()).unwrap();
    assert_eq!(theirs.schema_ref(), b"shop");
    assert_eq!(theirs.table_ref(), b"o");
    assert_eq!(theirs.org_table_ref(), b"orders");
    assert_eq!(theirs.name_ref(), b"total");
    assert_eq!(theirs.org_name_ref(), b"total");
    assert_eq!(theirs.character_set(), 63);
    assert_eq!(theirs.column_length(), 12);
    assert_eq!(theirs.column_type() as u8, ours.column_type.0);
    assert_eq!(theirs.flags().bits(), ours.flags.bits());
    assert_eq!(theirs.decimals(), 2);
    assert_eq!(ColumnDefinition41::decode(&bytes).unwrap(), ours);
}

#[test]
fn framing_matches_mysql_common_packet_to_chunks() {
    use mysql_common::proto::codec::packet_to_chunks;
    for len in [
        0,
        1,
        1000,
        MAX_CHUNK - 1,
        MAX_CHUNK,
        MAX_CHUNK + 1,
        2 * MAX_CHUNK,
    ] {
        let payload: Vec<u8> = (0..len).map(|i| (i % 256) as u8).collect();
        let mut ours = BytesMut::new();
        let our_next = encode_packet(&mut ours, 200, &payload);
        let mut theirs = BytesMut::new();
        let their_next = packet_to_chunks(200, &mut &payload[..], &mut theirs);
        assert_eq!(our_next, their_next, "len {len}");
        assert!(ours == theirs, "len {len}: framing differs");
        let packet = decode_packet(&mut theirs, 64 << 20).unwrap().unwrap();
        assert_eq!(packet.seq, our_next.wrapping_sub(1));
        assert!(packet.payload[..] == payload[..]);
    }
}

#[test]
fn our_session_state_changes_parse_with_mysql_common() {
    use crate::response::{encode_state_change, StateChange};
    use mysql_common::packets::session_state_change::SessionStateChange as Theirs;
    let caps = CapabilityFlags::CLIENT_PROTOCOL_41
        | CapabilityFlags::CLIENT_TRANSACTIONS
        | CapabilityFlags::CLIENT_SESSION_TRACK;
    let mut state = Vec::new();
    encode_state_change(&mut state, StateChange::Schema("shop"));
    encode_state_change(&mut state, StateChange::SystemVariable("autocommit", "OFF"));
    encode_state_change(&mut state, StateChange::StateChanged);
    let ours = OkPacket {
        status_flags: StatusFlags::SERVER_STATUS_AUTOCOMMIT
            | StatusFlags::SERVER_SESSION_STATE_CHANGED,
        session_state: state,
        ..Default::default()
    };
    let bytes = encode_with(|o| ours.encode(o, caps));
    let theirs = ParseBuf(&bytes)
        .parse::<OkPacketDeserializer<'_, CommonOkPacket>>(their_caps(caps))
        .unwrap()
        .into_inner();
    let changes: Vec<_> = theirs
        .session_state_info()
        .unwrap()
        .iter()
        .map(|i| i.decode().unwrap().into_owned())
        .collect();
    assert_eq!(changes.len(), 3);
    assert!(matches!(&changes[0], Theirs::Schema(s) if s.as_str() == "shop"));
    assert!(matches!(&changes[1], Theirs::SystemVariables(v)
        if v.len() == 1 && v[0].name_str() == "autocommit" && v[0].value_str() == "OFF"));
    assert_eq!(changes[2], Theirs::IsTracked(true));
}
