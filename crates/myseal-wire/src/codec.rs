//! Packet framing: 3-byte payload length, 1-byte sequence id, payload.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_packets.html>
//!
//! A payload of 0xFFFFFF bytes or more is sent as several chunks of exactly [`MAX_CHUNK`] bytes
//! followed by a shorter (possibly empty) one; every chunk takes the next sequence id.
//! This module only moves bytes between a `BytesMut` and [`Packet`]s: it does no I/O, like
//! mini-redis' `Frame`. "Not enough bytes yet" is `Ok(None)`, not an error.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::error::WireError;

/// Largest payload a single chunk can carry (`0xFFFFFF`).
pub const MAX_CHUNK: usize = 0xFF_FFFF;

/// Length of a chunk header: 3 bytes payload length, 1 byte sequence id.
pub const HEADER_LEN: usize = 4;

/// One logical packet, reassembled from its chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    /// Sequence id of the first chunk (a command must start at 0 even when it spans chunks).
    pub first_seq: u8,
    /// Sequence id of the last chunk; a reply uses `seq.wrapping_add(1)`.
    pub seq: u8,
    /// The reassembled payload.
    pub payload: Bytes,
}

/// Reads the chunk header at `offset`, if all four bytes are buffered.
fn header_at(buf: &[u8], offset: usize) -> Option<(usize, u8)> {
    let header = buf.get(offset..offset.checked_add(HEADER_LEN)?)?;
    let &[a, b, c, seq] = header else {
        return None;
    };
    Some((
        usize::from(a) | usize::from(b) << 8 | usize::from(c) << 16,
        seq,
    ))
}

/// Takes one complete logical packet (reassembling 0xFFFFFF-sized chunks) off the front of `buf`.
///
/// `Ok(None)`: not all bytes are buffered yet (`buf` untouched). `seq` is the sequence id of the
/// LAST chunk (so the reply uses `seq.wrapping_add(1)`).
///
/// # Errors
/// [`WireError::PacketTooLarge`] as soon as the headers seen declare a total payload larger than
/// `max_payload` (without waiting for the bytes); [`WireError::PacketsOutOfSync`] when a
/// continuation chunk's sequence id is not the previous one plus one (wrapping). After an error the
/// connection cannot be resynchronised; `buf` is left untouched.
pub fn decode_packet(buf: &mut BytesMut, max_payload: usize) -> Result<Option<Packet>, WireError> {
    // First pass: walk the chunk headers without consuming anything.
    let mut offset = 0usize;
    let mut total = 0usize;
    let mut chunks = 0usize;
    let mut prev_seq: Option<u8> = None;
    let mut first_seq = 0u8;
    let last_seq = loop {
        let Some((len, seq)) = header_at(buf, offset) else {
            return Ok(None);
        };
        if let Some(prev) = prev_seq {
            let expected = prev.wrapping_add(1);
            if seq != expected {
                return Err(WireError::PacketsOutOfSync { expected, got: seq });
            }
        }
        total = total.saturating_add(len);
        if total > max_payload {
            return Err(WireError::PacketTooLarge {
                size: total,
                max: max_payload,
            });
        }
        let end = offset.saturating_add(HEADER_LEN).saturating_add(len);
        if buf.len() < end {
            return Ok(None);
        }
        offset = end;
        if chunks == 0 {
            first_seq = seq;
        }
        chunks += 1;
        prev_seq = Some(seq);
        if len < MAX_CHUNK {
            break seq;
        }
    };

    // Second pass: everything is buffered, consume it.
    let payload = if chunks == 1 {
        buf.advance(HEADER_LEN);
        buf.split_to(total).freeze()
    } else {
        let mut payload = BytesMut::with_capacity(total);
        let mut whole = buf.split_to(offset);
        while let Some((len, _)) = header_at(&whole, 0) {
            whole.advance(HEADER_LEN);
            payload.put(whole.split_to(len.min(whole.len())));
        }
        payload.freeze()
    };
    Ok(Some(Packet {
        first_seq,
        seq: last_seq,
        payload,
    }))
}

/// Appends `payload` framed as packets starting at `seq`, splitting it into [`MAX_CHUNK`] chunks.
///
/// A payload whose length is a non-zero multiple of `MAX_CHUNK` ends with an empty chunk; an empty
/// payload is one empty packet. Returns the next sequence id to use.
pub fn encode_packet(out: &mut BytesMut, seq: u8, payload: &[u8]) -> u8 {
    let mut seq = seq;
    let mut rest = payload;
    out.reserve(payload.len() + HEADER_LEN * (payload.len() / MAX_CHUNK + 1));
    loop {
        let (chunk, tail) = rest.split_at(rest.len().min(MAX_CHUNK));
        let [a, b, c, _] = (chunk.len() as u32).to_le_bytes();
        out.put_slice(&[a, b, c, seq]);
        out.put_slice(chunk);
        seq = seq.wrapping_add(1);
        rest = tail;
        if chunk.len() < MAX_CHUNK {
            return seq;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn frame(seq: u8, payload: &[u8]) -> (BytesMut, u8) {
        let mut out = BytesMut::new();
        let next = encode_packet(&mut out, seq, payload);
        (out, next)
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn encodes_a_small_packet_with_its_header() {
        let (out, next) = frame(3, b"\x0eabc");
        assert_eq!(&out[..], b"\x04\x00\x00\x03\x0eabc");
        assert_eq!(next, 4);
    }

    #[test]
    fn encodes_an_empty_payload_as_one_empty_packet() {
        let (out, next) = frame(0, b"");
        assert_eq!(&out[..], [0, 0, 0, 0]);
        assert_eq!(next, 1);
    }

    #[test]
    fn round_trips_small_packets_and_leaves_following_bytes() {
        let (mut buf, _) = frame(7, b"first");
        encode_packet(&mut buf, 0, b"second");
        let p = decode_packet(&mut buf, 1024).unwrap().unwrap();
        assert_eq!(
            p,
            Packet {
                first_seq: 7,
                seq: 7,
                payload: Bytes::from_static(b"first")
            }
        );
        let p = decode_packet(&mut buf, 1024).unwrap().unwrap();
        assert_eq!(
            p,
            Packet {
                first_seq: 0,
                seq: 0,
                payload: Bytes::from_static(b"second")
            }
        );
        assert!(buf.is_empty());
        assert_eq!(decode_packet(&mut buf, 1024), Ok(None));
    }

    #[test]
    fn a_payload_of_exactly_max_chunk_bytes_ends_with_an_empty_chunk() {
        let payload = pattern(MAX_CHUNK);
        let (mut buf, next) = frame(0, &payload);
        assert_eq!(buf.len(), MAX_CHUNK + 2 * HEADER_LEN);
        assert_eq!(next, 2);
        assert_eq!(&buf[..4], [0xFF, 0xFF, 0xFF, 0]);
        assert_eq!(&buf[buf.len() - 4..], [0, 0, 0, 1]);
        let p = decode_packet(&mut buf, 1 << 30).unwrap().unwrap();
        assert_eq!(p.seq, 1);
        assert_eq!(p.payload.len(), MAX_CHUNK);
        assert!(p.payload[..] == payload[..]);
        assert!(buf.is_empty());
    }

    #[test]
    fn a_payload_larger_than_16_mib_round_trips_across_three_chunks() {
        let payload = pattern(2 * MAX_CHUNK + 1000);
        let (mut buf, next) = frame(254, &payload);
        assert_eq!(next, 1, "sequence ids wrap: 254, 255, 0");
        assert_eq!(buf.len(), payload.len() + 3 * HEADER_LEN);
        let p = decode_packet(&mut buf, 64 << 20).unwrap().unwrap();
        assert_eq!((p.first_seq, p.seq), (254, 0));
        assert!(p.payload[..] == payload[..]);
        assert!(buf.is_empty());
    }

    #[test]
    fn decodes_a_multi_chunk_packet_fed_one_byte_at_a_time() {
        let payload = pattern(MAX_CHUNK + 10);
        let (mut whole, _) = frame(5, &payload);
        encode_packet(&mut whole, 9, b"next");
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for &b in whole.iter() {
            buf.put_u8(b);
            if let Some(p) = decode_packet(&mut buf, 32 << 20).unwrap() {
                got.push(p);
            }
        }
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].seq, 6);
        assert!(got[0].payload[..] == payload[..]);
        assert_eq!(
            got[1],
            Packet {
                first_seq: 9,
                seq: 9,
                payload: Bytes::from_static(b"next")
            }
        );
        assert!(buf.is_empty());
    }

    #[test]
    fn decodes_small_packets_fed_one_byte_at_a_time() {
        let mut whole = BytesMut::new();
        let payloads: Vec<Vec<u8>> = vec![vec![], b"a".to_vec(), pattern(300)];
        for (i, p) in payloads.iter().enumerate() {
            encode_packet(&mut whole, i as u8, p);
        }
        let mut buf = BytesMut::new();
        let mut got = Vec::new();
        for &b in whole.iter() {
            buf.put_u8(b);
            while let Some(p) = decode_packet(&mut buf, 1024).unwrap() {
                got.push(p);
            }
        }
        let want: Vec<Packet> = payloads
            .iter()
            .enumerate()
            .map(|(i, p)| Packet {
                first_seq: i as u8,
                seq: i as u8,
                payload: Bytes::from(p.clone()),
            })
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn an_incomplete_packet_leaves_the_buffer_untouched() {
        let (whole, _) = frame(1, b"hello");
        let mut buf = BytesMut::from(&whole[..whole.len() - 1]);
        assert_eq!(decode_packet(&mut buf, 1024), Ok(None));
        assert_eq!(&buf[..], &whole[..whole.len() - 1]);
    }

    #[test]
    fn rejects_an_oversized_packet_from_its_header_alone() {
        let mut buf = BytesMut::from(&[0x00, 0x10, 0x00, 0x00][..]); // declares 4096 bytes
        assert_eq!(
            decode_packet(&mut buf, 4095),
            Err(WireError::PacketTooLarge {
                size: 4096,
                max: 4095
            })
        );
        let mut buf = BytesMut::from(&[0x00, 0x10, 0x00, 0x00][..]);
        assert_eq!(decode_packet(&mut buf, 4096), Ok(None));
    }

    #[test]
    fn rejects_an_oversized_multi_chunk_packet_once_the_second_header_arrives() {
        let (whole, _) = frame(0, &pattern(MAX_CHUNK + 5));
        let mut buf = BytesMut::from(&whole[..MAX_CHUNK + HEADER_LEN]);
        assert_eq!(decode_packet(&mut buf, MAX_CHUNK), Ok(None));
        let mut buf = BytesMut::from(&whole[..MAX_CHUNK + 2 * HEADER_LEN]);
        assert_eq!(
            decode_packet(&mut buf, MAX_CHUNK + 4),
            Err(WireError::PacketTooLarge {
                size: MAX_CHUNK + 5,
                max: MAX_CHUNK + 4
            })
        );
    }

    #[test]
    fn rejects_a_continuation_chunk_with_the_wrong_sequence_id() {
        let (mut whole, _) = frame(0, &pattern(MAX_CHUNK + 5));
        whole[MAX_CHUNK + HEADER_LEN + 3] = 7;
        assert_eq!(
            decode_packet(&mut whole, 64 << 20),
            Err(WireError::PacketsOutOfSync {
                expected: 1,
                got: 7
            })
        );
    }
}
