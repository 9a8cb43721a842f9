//! Every decoder of myseal-wire on arbitrary bytes: packet framing (`codec::decode_packet`, fed
//! the input as a byte stream), `Command`, the connection-phase packets (HandshakeResponse41,
//! SslRequest, the COM_CHANGE_USER body), COM_STMT_EXECUTE parameters (with and without types
//! bound before and with long data), COM_STMT_SEND_LONG_DATA, and the client-side decoders the
//! tools use. None may panic, loop or allocate beyond the input's size.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use myseal_wire::codec::decode_packet;
use myseal_wire::command::Command;
use myseal_wire::connect::{
    AuthMoreData, AuthSwitchRequest, ChangeUser, ClientHandshake, HandshakeResponse41,
    HandshakeV10, SslRequest,
};
use myseal_wire::constants::{CapabilityFlags, ColumnType};
use myseal_wire::response::{EofPacket, ErrPacket, OkPacket};
use myseal_wire::resultset::{decode_text_row, ColumnDefinition41};
use myseal_wire::statement::{
    decode_binary_row, execute_statement_id, ParamType, StmtExecute, StmtPrepareOk,
    StmtSendLongData,
};

/// The column types a parameter or binary-row column can have.
const TYPES: [u8; 20] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0f, 0x10,
    0xf5, 0xf6, 0xfc, 0xfe,
];

fn framing(data: &[u8]) {
    // The stream as it arrives, with a small and the default max_allowed_packet.
    for max in [64usize, 64 * 1024 * 1024] {
        let mut buf = BytesMut::from(data);
        let mut guard = 0;
        while let Ok(Some(packet)) = decode_packet(&mut buf, max) {
            assert!(packet.payload.len() <= max);
            guard += 1;
            assert!(
                guard <= data.len() / 4 + 1,
                "decode_packet made no progress"
            );
        }
    }
}

fn execute(body: &[u8], selector: u8) {
    let _ = execute_statement_id(body);
    // Parameter counts around the body's size (a count far beyond it must cost nothing).
    let num_params = match selector % 4 {
        0 => usize::from(selector >> 2),
        1 => body.len() * 8,
        2 => 65_535,
        _ => usize::MAX / 2,
    };
    let _ = StmtExecute::decode(body, num_params, None);
    let small = usize::from(selector >> 2).min(64);
    let previous: Vec<ParamType> = (0..small)
        .map(|i| ParamType {
            column_type: ColumnType(TYPES[(i + usize::from(selector)) % TYPES.len()]),
            unsigned: i % 3 == 0,
        })
        .collect();
    let long: Vec<bool> = (0..small).map(|i| (selector >> (i % 8)) & 1 == 1).collect();
    let _ = StmtExecute::decode_with_long_data(body, small, Some(&previous), &long);
    let _ = StmtExecute::decode_with_long_data(body, small, None, &long);
    let _ = StmtExecute::decode_with_long_data(body, small + 1, Some(&previous), &long);
}

fuzz_target!(|data: &[u8]| {
    framing(data);
    let selector = data.first().copied().unwrap_or(0);
    let caps = CapabilityFlags(u32::from_le_bytes(
        [data, &[0u8; 4]].concat()[..4].try_into().unwrap_or([0; 4]),
    ));

    // Server side: what a client sends.
    match Command::decode(data) {
        Ok(Command::StmtExecute(body)) => execute(&body, data.get(1).copied().unwrap_or(0)),
        Ok(Command::ChangeUser(body)) => {
            let _ = ChangeUser::decode(&body, caps);
            let _ = ChangeUser::decode(&body, CapabilityFlags(u32::MAX));
            let _ = ChangeUser::decode(&body, CapabilityFlags::empty());
        }
        Ok(Command::StmtSendLongData(body)) => {
            let _ = StmtSendLongData::decode(&body);
        }
        _ => {}
    }
    let _ = ClientHandshake::decode(data);
    let _ = HandshakeResponse41::decode(data);
    let _ = SslRequest::decode(data);
    let rest = data.get(1..).unwrap_or_default();
    let _ = ChangeUser::decode(rest, caps);
    let _ = StmtSendLongData::decode(data);
    execute(rest, selector);

    // Client side: what a server sends (the tools and tests decode these).
    let _ = HandshakeV10::decode(data);
    let _ = AuthSwitchRequest::decode(data);
    let _ = AuthMoreData::decode(data);
    let _ = OkPacket::decode(data, caps);
    let _ = ErrPacket::decode(data);
    let _ = EofPacket::decode(data);
    let _ = ColumnDefinition41::decode(data);
    let _ = StmtPrepareOk::decode(data);
    let _ = decode_text_row(rest, usize::from(selector));
    let types: Vec<ColumnType> = rest
        .iter()
        .take(usize::from(selector % 32))
        .map(|b| ColumnType(TYPES[usize::from(*b) % TYPES.len()]))
        .collect();
    let _ = decode_binary_row(rest.get(types.len()..).unwrap_or_default(), &types);
});
