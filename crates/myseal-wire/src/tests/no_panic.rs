//! Every decoder must return `Ok` or `Err` on any input, never panic.

use bytes::{BufMut, BytesMut};

use super::{client_caps, execute_types, valid_encodings, ROW_TYPES};
use crate::codec::{decode_packet, encode_packet};
use crate::command::Command;
use crate::connect::{
    AuthMoreData, AuthSwitchRequest, ClientHandshake, HandshakeResponse41, HandshakeV10, SslRequest,
};
use crate::constants::CapabilityFlags;
use crate::response::{EofPacket, ErrPacket, OkPacket};
use crate::resultset::{decode_text_row, ColumnDefinition41};
use crate::statement::{
    decode_binary_row, execute_statement_id, StmtExecute, StmtFetch, StmtPrepareOk,
    StmtSendLongData,
};

/// xorshift64*: tiny, deterministic, good enough to generate test inputs.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self, max_len: u64) -> Vec<u8> {
        let len = self.below(max_len + 1);
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Runs every message decoder on `payload`; returns how many accepted it.
fn decode_everything(payload: &[u8], caps: CapabilityFlags, columns: usize) -> usize {
    let types = execute_types();
    [
        HandshakeV10::decode(payload).is_ok(),
        SslRequest::decode(payload).is_ok(),
        HandshakeResponse41::decode(payload).is_ok(),
        ClientHandshake::decode(payload).is_ok(),
        AuthSwitchRequest::decode(payload).is_ok(),
        AuthMoreData::decode(payload).is_ok(),
        OkPacket::decode(payload, caps).is_ok(),
        ErrPacket::decode(payload).is_ok(),
        EofPacket::decode(payload).is_ok(),
        Command::decode(payload).is_ok(),
        ColumnDefinition41::decode(payload).is_ok(),
        decode_text_row(payload, columns).is_ok(),
        StmtPrepareOk::decode(payload).is_ok(),
        execute_statement_id(payload).is_ok(),
        StmtExecute::decode(payload, columns, None).is_ok(),
        StmtExecute::decode(payload, types.len(), Some(&types)).is_ok(),
        StmtExecute::decode(payload, columns, Some(&types)).is_ok(),
        StmtSendLongData::decode(payload).is_ok(),
        StmtFetch::decode(payload).is_ok(),
        decode_binary_row(payload, &ROW_TYPES[..columns.min(ROW_TYPES.len())]).is_ok(),
        decode_binary_row(payload, &ROW_TYPES).is_ok(),
    ]
    .into_iter()
    .filter(|&ok| ok)
    .count()
}

fn frame_everything(raw: &[u8], max_payload: usize) {
    let mut buf = BytesMut::from(raw);
    // Drain until the decoder wants more bytes or fails; each success consumes bytes.
    while let Ok(Some(_)) = decode_packet(&mut buf, max_payload) {}
}

#[test]
fn decoders_survive_20k_random_byte_strings() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut accepted = 0;
    for i in 0..20_000 {
        let payload = rng.bytes(if i % 10 == 0 { 300 } else { 48 });
        let caps = CapabilityFlags(rng.next() as u32);
        let columns = match rng.below(4) {
            0 => usize::MAX,
            _ => rng.below(6) as usize,
        };
        accepted += decode_everything(&payload, caps, columns);
        frame_everything(&payload, rng.below(64) as usize);
    }
    // Command::decode accepts any non-empty payload, so this cannot be vacuous.
    assert!(
        accepted >= 19_000,
        "only {accepted} inputs were accepted by any decoder"
    );
}

#[test]
fn decoders_survive_random_mutations_of_valid_messages() {
    let mut rng = XorShift(0x0123_4567_89AB_CDEF);
    let valid = valid_encodings();
    for _ in 0..20_000 {
        let (_, base) = &valid[rng.below(valid.len() as u64) as usize];
        let mut payload = base.clone();
        for _ in 0..=rng.below(3) {
            if payload.is_empty() {
                break;
            }
            let at = rng.below(payload.len() as u64) as usize;
            payload[at] = match rng.below(3) {
                0 => rng.next() as u8,
                1 => 0xFF,
                _ => 0xFB + rng.below(5) as u8,
            };
        }
        decode_everything(&payload, client_caps(), rng.below(4) as usize);
        let mut framed = BytesMut::new();
        encode_packet(&mut framed, 0, &payload);
        let cut = rng.below(framed.len() as u64 + 1) as usize;
        frame_everything(&framed[..cut], 64);
    }
}

#[test]
fn decoders_survive_every_truncation_of_valid_encodings() {
    for (name, full) in valid_encodings() {
        for cut in 0..=full.len() {
            decode_everything(&full[..cut], client_caps(), 3);
            decode_everything(&full[..cut], CapabilityFlags::default(), 0);
        }
        let mut framed = BytesMut::new();
        encode_packet(&mut framed, 0, &full);
        encode_packet(&mut framed, 1, &full);
        for cut in 0..=framed.len() {
            let mut buf = BytesMut::from(&framed[..cut]);
            let first = decode_packet(&mut buf, 1 << 20);
            let complete = cut >= full.len() + 4;
            assert_eq!(
                first.as_ref().map(Option::is_some),
                Ok(complete),
                "{name} cut at {cut}"
            );
        }
    }
}

#[test]
fn framing_survives_random_headers_with_huge_declared_lengths() {
    let mut rng = XorShift(42);
    for _ in 0..20_000 {
        let mut buf = BytesMut::new();
        for _ in 0..rng.below(4) {
            let len = match rng.below(3) {
                0 => 0xFF_FFFF,
                1 => rng.below(0x100_0000) as u32,
                _ => rng.below(8) as u32,
            };
            buf.put_u32_le(len | ((rng.next() as u32) << 24));
            let body = rng.bytes(16);
            buf.put_slice(&body);
        }
        let max = match rng.below(3) {
            0 => usize::MAX,
            1 => 0,
            _ => rng.below(1 << 25) as usize,
        };
        frame_everything(&buf, max);
    }
}
