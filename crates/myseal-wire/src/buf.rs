//! Basic data types of the protocol: a bounds-checked [`Reader`] cursor and `put_*` writers.
//!
//! <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_basic_data_types.html>
//!
//! Integers are little-endian. A length-encoded integer is one byte below 0xFB, or a prefix byte
//! 0xFC / 0xFD / 0xFE followed by 2 / 3 / 8 bytes. 0xFB means NULL, and only in text rows; 0xFF
//! never starts a length-encoded integer (it is the ERR packet header).

use crate::error::WireError;

/// Prefix byte of a NULL column value in a text row.
pub const NULL_MARKER: u8 = 0xFB;

/// A cursor over an untrusted payload. Every read is bounds-checked and fails with
/// [`WireError::Truncated`] instead of panicking; a failed read consumes nothing.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Starts reading at the beginning of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    /// Number of bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.buf.len()
    }

    /// True when every byte has been consumed.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The next byte without consuming it.
    pub fn peek(&self) -> Option<u8> {
        self.buf.first().copied()
    }

    /// Consumes exactly `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.buf.len() {
            return Err(WireError::Truncated {
                what: "fixed-length bytes",
            });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], WireError> {
        let Some((head, tail)) = self.buf.split_first_chunk::<N>() else {
            return Err(WireError::Truncated { what });
        };
        self.buf = tail;
        Ok(*head)
    }

    /// Consumes a `int<1>`.
    pub fn u8(&mut self) -> Result<u8, WireError> {
        let [b] = self.array::<1>("int<1>")?;
        Ok(b)
    }

    /// Consumes a little-endian `int<2>`.
    pub fn u16_le(&mut self) -> Result<u16, WireError> {
        self.array::<2>("int<2>").map(u16::from_le_bytes)
    }

    /// Consumes a little-endian `int<3>`.
    pub fn u24_le(&mut self) -> Result<u32, WireError> {
        let [a, b, c] = self.array::<3>("int<3>")?;
        Ok(u32::from_le_bytes([a, b, c, 0]))
    }

    /// Consumes a little-endian `int<4>`.
    pub fn u32_le(&mut self) -> Result<u32, WireError> {
        self.array::<4>("int<4>").map(u32::from_le_bytes)
    }

    /// Consumes a little-endian `int<8>`.
    pub fn u64_le(&mut self) -> Result<u64, WireError> {
        self.array::<8>("int<8>").map(u64::from_le_bytes)
    }

    /// Consumes a length-encoded integer where 0xFB (NULL) is allowed, i.e. a text-row value prefix.
    pub fn lenenc_int_or_null(&mut self) -> Result<Option<u64>, WireError> {
        const WHAT: WireError = WireError::Truncated {
            what: "int<lenenc>",
        };
        let mut probe = self.clone();
        let first = probe.u8().map_err(|_| WHAT)?;
        let value = match first {
            0..=0xFA => Some(u64::from(first)),
            NULL_MARKER => None,
            0xFC => Some(u64::from(probe.u16_le().map_err(|_| WHAT)?)),
            0xFD => Some(u64::from(probe.u24_le().map_err(|_| WHAT)?)),
            0xFE => Some(probe.u64_le().map_err(|_| WHAT)?),
            0xFF => {
                return Err(WireError::Malformed(
                    "0xFF is not a length-encoded integer prefix",
                ))
            }
        };
        self.buf = probe.buf;
        Ok(value)
    }

    /// Consumes a length-encoded integer (`int<lenenc>`); 0xFB (NULL) is an error here.
    pub fn lenenc_int(&mut self) -> Result<u64, WireError> {
        if self.peek() == Some(NULL_MARKER) {
            return Err(WireError::Malformed(
                "NULL (0xFB) where a length-encoded integer was expected",
            ));
        }
        self.lenenc_int_or_null()?.ok_or(WireError::Malformed(
            "NULL (0xFB) where a length-encoded integer was expected",
        ))
    }

    /// Consumes a length-encoded string (`string<lenenc>`) and returns its bytes.
    pub fn lenenc_bytes(&mut self) -> Result<&'a [u8], WireError> {
        let mut probe = self.clone();
        let len = probe.lenenc_int()?;
        let bytes = probe.bytes_u64(len, "string<lenenc>")?;
        self.buf = probe.buf;
        Ok(bytes)
    }

    /// Consumes `len` bytes where `len` came off the wire as a `u64`.
    fn bytes_u64(&mut self, len: u64, what: &'static str) -> Result<&'a [u8], WireError> {
        match usize::try_from(len) {
            Ok(n) if n <= self.buf.len() => self.bytes(n),
            _ => Err(WireError::Truncated { what }),
        }
    }

    /// Consumes a NUL-terminated string (`string<NUL>`): returns the bytes before the NUL and
    /// consumes the NUL too. Fails if there is no NUL.
    pub fn null_terminated(&mut self) -> Result<&'a [u8], WireError> {
        let Some(pos) = self.buf.iter().position(|&b| b == 0) else {
            return Err(WireError::Truncated {
                what: "string<NUL>",
            });
        };
        let (head, tail) = self.buf.split_at(pos);
        self.buf = tail.get(1..).unwrap_or_default();
        Ok(head)
    }

    /// Like [`Reader::null_terminated`], but a missing NUL makes the rest of the payload the
    /// string (MySQL tolerates this for the last string of some packets).
    pub fn null_terminated_or_rest(&mut self) -> &'a [u8] {
        match self.null_terminated() {
            Ok(s) => s,
            Err(_) => self.rest(),
        }
    }

    /// Consumes and returns everything that is left (`string<EOF>`).
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }

    /// Fails with [`WireError::TrailingBytes`] unless everything has been consumed.
    pub fn finish(&self, what: &'static str) -> Result<(), WireError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(WireError::TrailingBytes {
                what,
                count: self.buf.len(),
            })
        }
    }
}

/// Appends a little-endian `int<2>`.
pub fn put_u16_le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends a little-endian `int<3>`; the top byte of `v` is dropped.
pub fn put_u24_le(out: &mut Vec<u8>, v: u32) {
    let [a, b, c, _] = v.to_le_bytes();
    out.extend_from_slice(&[a, b, c]);
}

/// Appends a little-endian `int<4>`.
pub fn put_u32_le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends a little-endian `int<8>`.
pub fn put_u64_le(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends a length-encoded integer in its shortest form, as MySQL's `net_store_length` does.
pub fn put_lenenc_int(out: &mut Vec<u8>, v: u64) {
    if v < 0xFB {
        out.push(v as u8);
    } else if let Ok(v) = u16::try_from(v) {
        out.push(0xFC);
        put_u16_le(out, v);
    } else if v < 1 << 24 {
        out.push(0xFD);
        put_u24_le(out, v as u32);
    } else {
        out.push(0xFE);
        put_u64_le(out, v);
    }
}

/// Appends a length-encoded string.
pub fn put_lenenc_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_lenenc_int(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends `bytes` followed by a NUL. The caller guarantees `bytes` contains no NUL.
pub fn put_null_terminated(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(bytes);
    out.push(0);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lenenc(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        put_lenenc_int(&mut out, v);
        out
    }

    #[test]
    fn lenenc_ints_use_the_shortest_form_at_every_boundary() {
        assert_eq!(lenenc(0), [0x00]);
        assert_eq!(lenenc(250), [0xFA]);
        assert_eq!(lenenc(251), [0xFC, 0xFB, 0x00]);
        assert_eq!(lenenc(0xFFFF), [0xFC, 0xFF, 0xFF]);
        assert_eq!(lenenc(0x1_0000), [0xFD, 0x00, 0x00, 0x01]);
        assert_eq!(lenenc(0xFF_FFFF), [0xFD, 0xFF, 0xFF, 0xFF]);
        assert_eq!(lenenc(0x100_0000), [0xFE, 0, 0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(
            lenenc(u64::MAX),
            [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
    }

    #[test]
    fn lenenc_ints_round_trip() {
        for v in [
            0,
            1,
            250,
            251,
            252,
            0xFFFF,
            0x1_0000,
            0xFF_FFFF,
            0x100_0000,
            u64::MAX,
        ] {
            let bytes = lenenc(v);
            let mut r = Reader::new(&bytes);
            assert_eq!(r.lenenc_int().unwrap(), v);
            assert!(r.is_empty());
        }
    }

    #[test]
    fn lenenc_int_rejects_null_and_ff_prefixes() {
        assert!(matches!(
            Reader::new(&[0xFB]).lenenc_int(),
            Err(WireError::Malformed(_))
        ));
        assert!(matches!(
            Reader::new(&[0xFF]).lenenc_int(),
            Err(WireError::Malformed(_))
        ));
        assert_eq!(Reader::new(&[0xFB]).lenenc_int_or_null(), Ok(None));
        assert_eq!(Reader::new(&[0x05]).lenenc_int_or_null(), Ok(Some(5)));
    }

    #[test]
    fn truncated_lenenc_int_consumes_nothing() {
        let mut r = Reader::new(&[0xFD, 0x01, 0x02]);
        assert_eq!(
            r.lenenc_int(),
            Err(WireError::Truncated {
                what: "int<lenenc>"
            })
        );
        assert_eq!(r.remaining(), 3);
    }

    #[test]
    fn fixed_width_integers_are_little_endian() {
        let bytes = [
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
        ];
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u8().unwrap(), 1);
        assert_eq!(r.u16_le().unwrap(), 0x0302);
        assert_eq!(r.u24_le().unwrap(), 0x06_0504);
        assert_eq!(r.u32_le().unwrap(), 0x0A09_0807);
        assert_eq!(r.u64_le().unwrap(), 0x1211_100F_0E0D_0C0B);
        assert!(r.is_empty());
        assert_eq!(r.u8(), Err(WireError::Truncated { what: "int<1>" }));

        let mut out = Vec::new();
        out.push(1);
        put_u16_le(&mut out, 0x0302);
        put_u24_le(&mut out, 0x06_0504);
        put_u32_le(&mut out, 0x0A09_0807);
        put_u64_le(&mut out, 0x1211_100F_0E0D_0C0B);
        assert_eq!(out, bytes);
    }

    #[test]
    fn lenenc_bytes_longer_than_the_payload_are_truncated() {
        let mut r = Reader::new(&[0x05, b'a', b'b']);
        assert_eq!(
            r.lenenc_bytes(),
            Err(WireError::Truncated {
                what: "string<lenenc>"
            })
        );
        assert_eq!(r.remaining(), 3);
        let mut huge = vec![0xFE];
        huge.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(Reader::new(&huge).lenenc_bytes().is_err());
    }

    #[test]
    fn lenenc_bytes_round_trip() {
        let mut out = Vec::new();
        put_lenenc_bytes(&mut out, b"hello");
        put_lenenc_bytes(&mut out, &[7u8; 300]);
        let mut r = Reader::new(&out);
        assert_eq!(r.lenenc_bytes().unwrap(), b"hello");
        assert_eq!(r.lenenc_bytes().unwrap(), &[7u8; 300][..]);
        assert!(r.is_empty());
    }

    #[test]
    fn null_terminated_consumes_the_nul() {
        let mut out = Vec::new();
        put_null_terminated(&mut out, b"root");
        out.push(9);
        let mut r = Reader::new(&out);
        assert_eq!(r.null_terminated().unwrap(), b"root");
        assert_eq!(r.rest(), [9]);
        assert_eq!(
            Reader::new(b"abc").null_terminated(),
            Err(WireError::Truncated {
                what: "string<NUL>"
            })
        );
        assert_eq!(Reader::new(b"abc").null_terminated_or_rest(), b"abc");
    }

    #[test]
    fn bytes_and_finish_check_bounds() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert!(r.bytes(4).is_err());
        assert_eq!(r.bytes(2).unwrap(), [1, 2]);
        assert_eq!(
            r.finish("x"),
            Err(WireError::TrailingBytes {
                what: "x",
                count: 1
            })
        );
        assert_eq!(r.rest(), [3]);
        assert_eq!(r.finish("x"), Ok(()));
    }
}
