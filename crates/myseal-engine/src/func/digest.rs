//! Hashes and encodings: MD5 (RFC 1321, written here), SHA1/SHA2 (the `sha1`/`sha2` crates),
//! CRC32 (IEEE, written here) and base64 as MySQL's TO_BASE64/FROM_BASE64 use it.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/encryption-functions.html>

use sha1::Digest;

use super::string::text;
use super::{Func, arg, fits_packet, int_arg};
use crate::ctx::FuncCtx;
use crate::value::Value;

const MD5_SHIFTS: [u32; 64] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9,
    14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15,
    21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];

const MD5_K: [u32; 64] = [
    0xd76a_a478,
    0xe8c7_b756,
    0x2420_70db,
    0xc1bd_ceee,
    0xf57c_0faf,
    0x4787_c62a,
    0xa830_4613,
    0xfd46_9501,
    0x6980_98d8,
    0x8b44_f7af,
    0xffff_5bb1,
    0x895c_d7be,
    0x6b90_1122,
    0xfd98_7193,
    0xa679_438e,
    0x49b4_0821,
    0xf61e_2562,
    0xc040_b340,
    0x265e_5a51,
    0xe9b6_c7aa,
    0xd62f_105d,
    0x0244_1453,
    0xd8a1_e681,
    0xe7d3_fbc8,
    0x21e1_cde6,
    0xc337_07d6,
    0xf4d5_0d87,
    0x455a_14ed,
    0xa9e3_e905,
    0xfcef_a3f8,
    0x676f_02d9,
    0x8d2a_4c8a,
    0xfffa_3942,
    0x8771_f681,
    0x6d9d_6122,
    0xfde5_380c,
    0xa4be_ea44,
    0x4bde_cfa9,
    0xf6bb_4b60,
    0xbebf_bc70,
    0x289b_7ec6,
    0xeaa1_27fa,
    0xd4ef_3085,
    0x0488_1d05,
    0xd9d4_d039,
    0xe6db_99e5,
    0x1fa2_7cf8,
    0xc4ac_5665,
    0xf429_2244,
    0x432a_ff97,
    0xab94_23a7,
    0xfc93_a039,
    0x655b_59c3,
    0x8f0c_cc92,
    0xffef_f47d,
    0x8584_5dd1,
    0x6fa8_7e4f,
    0xfe2c_e6e0,
    0xa301_4314,
    0x4e08_11a1,
    0xf753_7e82,
    0xbd3a_f235,
    0x2ad7_d2bb,
    0xeb86_d391,
];

fn md5_block(state: &mut [u32; 4], block: &[u8]) {
    let mut m = [0u32; 16];
    for (w, chunk) in m.iter_mut().zip(block.chunks_exact(4)) {
        *w = u32::from_le_bytes([
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
            chunk.get(3).copied().unwrap_or(0),
        ]);
    }
    let [mut a, mut b, mut c, mut d] = *state;
    for i in 0..64 {
        let (f, g) = match i / 16 {
            0 => ((b & c) | (!b & d), i),
            1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
            2 => (b ^ c ^ d, (3 * i + 5) % 16),
            _ => (c ^ (b | !d), (7 * i) % 16),
        };
        let f = f
            .wrapping_add(a)
            .wrapping_add(MD5_K.get(i).copied().unwrap_or(0))
            .wrapping_add(m.get(g).copied().unwrap_or(0));
        a = d;
        d = c;
        c = b;
        b = b.wrapping_add(f.rotate_left(MD5_SHIFTS.get(i).copied().unwrap_or(0)));
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d]) {
        *s = s.wrapping_add(v);
    }
}

/// MD5 digest (RFC 1321).
pub(super) fn md5(data: &[u8]) -> [u8; 16] {
    let mut state = [0x6745_2301u32, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut chunks = data.chunks_exact(64);
    for block in &mut chunks {
        md5_block(&mut state, block);
    }
    let mut tail = chunks.remainder().to_vec();
    tail.push(0x80);
    while tail.len() % 64 != 56 {
        tail.push(0);
    }
    let bits = (data.len() as u64).wrapping_mul(8);
    tail.extend_from_slice(&bits.to_le_bytes());
    for block in tail.chunks_exact(64) {
        md5_block(&mut state, block);
    }
    let mut out = [0u8; 16];
    for (dst, s) in out.chunks_exact_mut(4).zip(state) {
        dst.copy_from_slice(&s.to_le_bytes());
    }
    out
}

/// Lower-case hex, as MD5()/SHA1()/SHA2() print digests.
fn hex_lower(b: &[u8]) -> Value {
    let mut s = String::with_capacity(b.len() * 2);
    for c in b {
        s.push_str(&format!("{c:02x}"));
    }
    Value::str(s)
}

/// MD5(str).
pub(super) fn md5_value(a: &[Value]) -> Value {
    text(arg(a, 0)).map_or(Value::Null, |t| hex_lower(&md5(&t)))
}

/// SHA1(str).
pub(super) fn sha1_value(a: &[Value]) -> Value {
    text(arg(a, 0)).map_or(Value::Null, |t| hex_lower(&sha1::Sha1::digest(&t)))
}

/// SHA2(str, bits): 224, 256 (or 0), 384, 512; other lengths are NULL with warning 1583.
pub(super) fn sha2_value(a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let s = text(arg(a, 0));
    let bits = int_arg(arg(a, 1), ctx);
    let (Some(s), Some(bits)) = (s, bits) else {
        return Value::Null;
    };
    match bits {
        224 => hex_lower(&sha2::Sha224::digest(&s)),
        0 | 256 => hex_lower(&sha2::Sha256::digest(&s)),
        384 => hex_lower(&sha2::Sha384::digest(&s)),
        512 => hex_lower(&sha2::Sha512::digest(&s)),
        _ => {
            ctx.warn(
                1583,
                "Incorrect parameters in the call to native function 'sha2'".into(),
            );
            Value::Null
        }
    }
}

const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        // Evaluated at compile time: an out-of-bounds index would not compile.
        t[i] = c;
        i += 1;
    }
    t
};

/// CRC-32 (IEEE 802.3, as zlib's crc32).
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        let idx = ((c ^ u32::from(b)) & 0xFF) as usize;
        c = CRC_TABLE.get(idx).copied().unwrap_or(0) ^ (c >> 8);
    }
    !c
}

/// CRC32(str).
pub(super) fn crc32_value(a: &[Value]) -> Value {
    text(arg(a, 0)).map_or(Value::Null, |t| Value::UInt(u64::from(crc32(&t))))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Length of MySQL's base64 text for `n` bytes: groups of 4 with a newline every 76 characters.
pub(super) fn base64_len(n: u128) -> u128 {
    let chars = n.div_ceil(3) * 4;
    chars + chars.saturating_sub(1) / 76
}

/// Base64 with MySQL's line breaks (a `\n` after every 76 characters, none at the end).
pub(super) fn base64_encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(usize::try_from(base64_len(data.len() as u128)).unwrap_or(0));
    let sym = |v: u32| B64.get((v & 63) as usize).copied().unwrap_or(b'=');
    let mut line = 0;
    for group in data.chunks(3) {
        if line == 76 {
            out.push(b'\n');
            line = 0;
        }
        let b0 = u32::from(group.first().copied().unwrap_or(0));
        let b1 = u32::from(group.get(1).copied().unwrap_or(0));
        let b2 = u32::from(group.get(2).copied().unwrap_or(0));
        let n = (b0 << 16) | (b1 << 8) | b2;
        out.push(sym(n >> 18));
        out.push(sym(n >> 12));
        out.push(if group.len() > 1 { sym(n >> 6) } else { b'=' });
        out.push(if group.len() > 2 { sym(n) } else { b'=' });
        line += 4;
    }
    out
}

/// Decodes base64, skipping whitespace; None on any other non-alphabet character or on data
/// after the `=` padding.
pub(super) fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 3);
    let mut acc = 0u32;
    let mut nbits = 0;
    let mut padded = false;
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padded = true;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        if padded {
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push(((acc >> nbits) & 0xFF) as u8);
        }
    }
    Some(out)
}

/// TO_BASE64(str).
pub(super) fn to_base64_value(f: Func, a: &[Value], ctx: &mut dyn FuncCtx) -> Value {
    let Some(t) = text(arg(a, 0)) else {
        return Value::Null;
    };
    if !fits_packet(f, base64_len(t.len() as u128), ctx) {
        return Value::Null;
    }
    Value::Bytes(base64_encode(&t))
}

/// FROM_BASE64(str): NULL for invalid input.
pub(super) fn from_base64_value(a: &[Value]) -> Value {
    text(arg(a, 0))
        .and_then(|t| base64_decode(&t))
        .map_or(Value::Null, Value::Bytes)
}
