//! Character sets between the wire and the engine.
//!
//! The engine keeps every text value as UTF-8, whatever the character set of its column
//! (`latin1` and `ascii` columns too: a `latin1` column holds only characters `latin1` can
//! represent, one byte each in MySQL). The character sets matter where bytes meet text:
//!
//! * statement text and string parameters arrive in `character_set_client` and are decoded
//!   into UTF-8 ([`Charset::decode`]);
//! * result text leaves in `character_set_results` ([`Charset::encode`]: a character the
//!   target cannot represent becomes `?`, as MySQL's `copy_and_convert` does);
//! * `CONVERT(x USING cs)` keeps only what `cs` can represent ([`Charset::restrict`]).
//!
//! MySQL's `latin1` is Windows-1252, with the five bytes cp1252 leaves undefined (0x81, 0x8D,
//! 0x8F, 0x90, 0x9D) mapped to the C1 controls of the same number (`strings/ctype-latin1.cc`),
//! so every byte decodes. Only `utf8mb4` (the default everywhere) and `binary` never convert:
//! both directions borrow their input, so the common case costs nothing.

use std::borrow::Cow;

use crate::collation::Collation;

/// A character set the server converts between (the others MySQL knows pass through as
/// UTF-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Charset {
    /// `utf8mb4`: UTF-8, the engine's own encoding.
    Utf8mb4,
    /// `utf8mb3` (alias `utf8`): UTF-8 without supplementary characters.
    Utf8mb3,
    /// `latin1`: Windows-1252, as in MySQL.
    Latin1,
    /// `ascii`: 7-bit US-ASCII.
    Ascii,
    /// `binary`: bytes, never converted.
    Binary,
}

/// cp1252 bytes 0x80..=0x9F as code points (MySQL's `cs_to_uni` of `latin1`).
const CP1252_80_9F: [u16; 32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
];

/// The character a `latin1` byte stands for.
pub fn latin1_char(b: u8) -> char {
    let cp = match b {
        0x80..=0x9F => u32::from(CP1252_80_9F[usize::from(b - 0x80)]),
        _ => u32::from(b),
    };
    char::from_u32(cp).unwrap_or('?')
}

/// The `latin1` byte of a character, if `latin1` has it.
pub fn latin1_byte(c: char) -> Option<u8> {
    let cp = u32::from(c);
    match cp {
        0x00..=0x7F | 0xA0..=0xFF => u8::try_from(cp).ok(),
        _ => CP1252_80_9F
            .iter()
            .position(|&u| u32::from(u) == cp)
            .and_then(|i| u8::try_from(0x80 + i).ok()),
    }
}

impl Charset {
    /// The character set of a name (ASCII case ignored; `utf8` is `utf8mb3`), if the server
    /// converts it.
    pub fn from_name(name: &str) -> Option<Self> {
        let n = name.trim();
        [
            ("utf8mb4", Charset::Utf8mb4),
            ("utf8mb3", Charset::Utf8mb3),
            ("utf8", Charset::Utf8mb3),
            ("latin1", Charset::Latin1),
            ("ascii", Charset::Ascii),
            ("binary", Charset::Binary),
        ]
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(n))
        .map(|&(_, cs)| cs)
    }

    /// The character set of a collation.
    pub fn of(collation: Collation) -> Self {
        Charset::from_name(collation.charset()).unwrap_or(Charset::Utf8mb4)
    }

    /// MySQL's name.
    pub fn name(self) -> &'static str {
        match self {
            Charset::Utf8mb4 => "utf8mb4",
            Charset::Utf8mb3 => "utf8mb3",
            Charset::Latin1 => "latin1",
            Charset::Ascii => "ascii",
            Charset::Binary => "binary",
        }
    }

    /// The default collation.
    pub fn default_collation(self) -> Collation {
        match self {
            Charset::Utf8mb4 => Collation::Utf8mb4_0900_ai_ci,
            Charset::Utf8mb3 => Collation::Utf8mb3_general_ci,
            Charset::Latin1 => Collation::Latin1_swedish_ci,
            Charset::Ascii => Collation::Ascii_general_ci,
            Charset::Binary => Collation::Binary,
        }
    }

    /// `Maxlen`: the most bytes one character takes.
    pub fn max_bytes_per_char(self) -> u32 {
        match self {
            Charset::Utf8mb4 => 4,
            Charset::Utf8mb3 => 3,
            _ => 1,
        }
    }

    /// Whether text in this character set is the engine's UTF-8 byte for byte (nothing to
    /// convert on the way in).
    pub fn is_utf8(self) -> bool {
        matches!(self, Charset::Utf8mb4 | Charset::Utf8mb3)
    }

    /// Engine text (UTF-8) as bytes of this character set. A character the set cannot
    /// represent, and a byte that is not UTF-8, becomes `?`. Borrowed when nothing changes:
    /// always for `utf8mb4` and `binary`, and for ASCII text.
    pub fn encode(self, s: &[u8]) -> Cow<'_, [u8]> {
        let keep = match self {
            Charset::Utf8mb4 | Charset::Binary => true,
            // Only 4-byte sequences (lead bytes 0xF0..) are outside utf8mb3.
            Charset::Utf8mb3 => s.iter().all(|&b| b < 0xF0) && std::str::from_utf8(s).is_ok(),
            Charset::Latin1 | Charset::Ascii => s.is_ascii(),
        };
        if keep {
            return Cow::Borrowed(s);
        }
        let mut out = Vec::with_capacity(s.len());
        for chunk in s.utf8_chunks() {
            for c in chunk.valid().chars() {
                match self {
                    Charset::Latin1 => out.push(latin1_byte(c).unwrap_or(b'?')),
                    Charset::Ascii => out.push(if c.is_ascii() { c as u8 } else { b'?' }),
                    _ if c.len_utf8() == 4 => out.push(b'?'),
                    _ => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                }
            }
            out.extend(std::iter::repeat_n(b'?', chunk.invalid().len()));
        }
        Cow::Owned(out)
    }

    /// Bytes of this character set as engine text (UTF-8). `latin1` decodes every byte; for
    /// the others `Err` gives the offset of the first byte that is not a character of the set
    /// (`binary` is taken as UTF-8, as the engine keeps binary strings' bytes apart anyway).
    pub fn decode(self, b: &[u8]) -> Result<Cow<'_, str>, usize> {
        if b.is_ascii() {
            // ASCII is the same in every character set here.
            return std::str::from_utf8(b)
                .map(Cow::Borrowed)
                .map_err(|e| e.valid_up_to());
        }
        match self {
            Charset::Latin1 => Ok(Cow::Owned(b.iter().map(|&x| latin1_char(x)).collect())),
            Charset::Ascii => Err(b.iter().position(|x| !x.is_ascii()).unwrap_or(0)),
            Charset::Utf8mb3 => {
                let s = std::str::from_utf8(b).map_err(|e| e.valid_up_to())?;
                match s.char_indices().find(|(_, c)| c.len_utf8() == 4) {
                    Some((i, _)) => Err(i),
                    None => Ok(Cow::Borrowed(s)),
                }
            }
            Charset::Utf8mb4 | Charset::Binary => std::str::from_utf8(b)
                .map(Cow::Borrowed)
                .map_err(|e| e.valid_up_to()),
        }
    }

    /// Bytes of this character set as engine text, every byte that is not a character of the
    /// set becoming `?`.
    pub fn decode_lossy(self, b: &[u8]) -> Cow<'_, str> {
        if let Ok(s) = self.decode(b) {
            return s;
        }
        let mut out = String::with_capacity(b.len());
        for chunk in b.utf8_chunks() {
            for c in chunk.valid().chars() {
                let keep = match self {
                    Charset::Ascii => c.is_ascii(),
                    Charset::Utf8mb3 => c.len_utf8() < 4,
                    _ => true,
                };
                out.push(if keep { c } else { '?' });
            }
            out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
        }
        Cow::Owned(out)
    }

    /// Engine text limited to what this character set represents: `CONVERT(s USING cs)`,
    /// the value a column of this set stores (every other character becomes `?`).
    pub fn restrict(self, s: &str) -> Cow<'_, str> {
        match self {
            Charset::Utf8mb4 | Charset::Binary => Cow::Borrowed(s),
            _ if s.is_ascii() => Cow::Borrowed(s),
            Charset::Utf8mb3 => {
                if s.chars().all(|c| c.len_utf8() < 4) {
                    Cow::Borrowed(s)
                } else {
                    Cow::Owned(
                        s.chars()
                            .map(|c| if c.len_utf8() == 4 { '?' } else { c })
                            .collect(),
                    )
                }
            }
            Charset::Latin1 => {
                if s.chars().all(|c| latin1_byte(c).is_some()) {
                    Cow::Borrowed(s)
                } else {
                    Cow::Owned(
                        s.chars()
                            .map(|c| if latin1_byte(c).is_some() { c } else { '?' })
                            .collect(),
                    )
                }
            }
            Charset::Ascii => Cow::Owned(
                s.chars()
                    .map(|c| if c.is_ascii() { c } else { '?' })
                    .collect(),
            ),
        }
    }

    /// Whether the set has character `c`.
    pub fn represents(self, c: char) -> bool {
        match self {
            Charset::Utf8mb4 | Charset::Binary => true,
            Charset::Utf8mb3 => c.len_utf8() < 4,
            Charset::Latin1 => latin1_byte(c).is_some(),
            Charset::Ascii => c.is_ascii(),
        }
    }

    /// A value converted for a text column of this set (binary strings, `CAST`/`CONVERT` to
    /// it): bytes that are not UTF-8 come from a binary string and are read as characters of
    /// the set (`latin1` reads every byte; elsewhere a bad byte is `?`); characters the set
    /// lacks become `?`. `Err` holds the offset of the first byte that could not be kept, with
    /// the converted value, for MySQL's `Incorrect string value` (1366).
    ///
    /// `utf8mb4` takes the bytes as they are (the engine's own form; invalid UTF-8 is not
    /// checked here).
    pub fn convert(self, b: Vec<u8>) -> Result<Vec<u8>, (usize, Vec<u8>)> {
        if matches!(self, Charset::Binary | Charset::Utf8mb4) || b.is_ascii() {
            return Ok(b);
        }
        match String::from_utf8(b) {
            Ok(s) => match s.char_indices().find(|&(_, c)| !self.represents(c)) {
                None => Ok(s.into_bytes()),
                Some((at, _)) => Err((at, self.restrict(&s).into_owned().into_bytes())),
            },
            Err(e) if self == Charset::Latin1 => {
                Ok(self.decode_lossy(e.as_bytes()).into_owned().into_bytes())
            }
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let b = e.into_bytes();
                let fixed = self.decode_lossy(&b).into_owned().into_bytes();
                Err((at, fixed))
            }
        }
    }

    /// How many bytes engine text takes in this character set (`LENGTH()` of a value of the
    /// set: a `latin1` character is one byte).
    pub fn byte_length(self, s: &[u8]) -> usize {
        match self {
            Charset::Latin1 | Charset::Ascii if !s.is_ascii() => s
                .utf8_chunks()
                .map(|c| c.valid().chars().count() + c.invalid().len())
                .sum(),
            _ => s.len(),
        }
    }
}

/// Bytes as MySQL's `convert_to_printable` shows them in `Incorrect string value` (1366):
/// the first six, printable ASCII as it is and the rest as `\xHH`, then `...` if more follow.
pub fn printable(b: &[u8]) -> String {
    let mut out = String::new();
    for &x in b.iter().take(6) {
        if (0x20..=0x7F).contains(&x) {
            out.push(char::from(x));
        } else {
            out.push_str(&format!("\\x{x:02X}"));
        }
    }
    if b.len() > 6 {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_latin1_byte_round_trips_as_in_mysql() {
        for b in 0..=255u8 {
            let c = latin1_char(b);
            assert_eq!(latin1_byte(c), Some(b), "byte {b:#04X} -> {c:?}");
        }
        assert_eq!(latin1_char(0x80), '€');
        assert_eq!(latin1_char(0x81), '\u{81}');
        assert_eq!(latin1_char(0x9F), 'Ÿ');
        assert_eq!(latin1_char(0xE9), 'é');
    }

    #[test]
    fn encoding_replaces_what_the_set_cannot_represent_with_a_question_mark() {
        let s = "é€中😀".as_bytes();
        assert_eq!(&*Charset::Latin1.encode(s), b"\xE9\x80??");
        assert_eq!(&*Charset::Ascii.encode(s), b"????");
        assert_eq!(&*Charset::Utf8mb3.encode(s), "é€中?".as_bytes());
        assert_eq!(&*Charset::Utf8mb4.encode(s), s);
        assert_eq!(&*Charset::Latin1.encode(b"a\xFFb"), b"a?b");
    }

    #[test]
    fn utf8mb4_binary_and_ascii_text_are_never_copied() {
        let s = "é😀".as_bytes();
        assert!(matches!(Charset::Utf8mb4.encode(s), Cow::Borrowed(_)));
        assert!(matches!(Charset::Binary.encode(s), Cow::Borrowed(_)));
        assert!(matches!(Charset::Latin1.encode(b"plain"), Cow::Borrowed(_)));
        assert!(matches!(
            Charset::Utf8mb3.encode("é".as_bytes()),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            Charset::Latin1.decode(b"plain"),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn decoding_reads_bytes_of_the_set() {
        assert_eq!(Charset::Latin1.decode(b"caf\xE9 \x80").unwrap(), "café €");
        assert_eq!(Charset::Utf8mb4.decode("é".as_bytes()).unwrap(), "é");
        assert_eq!(Charset::Utf8mb4.decode(b"ab\xFF"), Err(2));
        assert_eq!(Charset::Utf8mb3.decode("a😀".as_bytes()), Err(1));
        assert_eq!(Charset::Ascii.decode(b"a\xE9"), Err(1));
        assert_eq!(Charset::Ascii.decode_lossy(b"a\xE9"), "a?");
        assert_eq!(Charset::Utf8mb4.decode_lossy(b"a\xFF"), "a?");
    }

    #[test]
    fn restrict_keeps_what_a_column_of_the_set_can_store() {
        assert_eq!(Charset::Latin1.restrict("é€中"), "é€?");
        assert_eq!(Charset::Ascii.restrict("aé"), "a?");
        assert_eq!(Charset::Utf8mb3.restrict("é😀"), "é?");
        assert!(matches!(Charset::Latin1.restrict("é€"), Cow::Borrowed(_)));
    }

    #[test]
    fn byte_length_counts_one_byte_per_latin1_character() {
        assert_eq!(Charset::Latin1.byte_length("é€".as_bytes()), 2);
        assert_eq!(Charset::Utf8mb4.byte_length("é€".as_bytes()), 5);
        assert_eq!(Charset::Utf8mb3.byte_length("é".as_bytes()), 2);
    }

    #[test]
    fn convert_reads_binary_bytes_in_the_set_and_reports_what_it_cannot_keep() {
        assert_eq!(
            Charset::Latin1.convert(b"\xE9".to_vec()),
            Ok("é".as_bytes().to_vec())
        );
        assert_eq!(
            Charset::Latin1.convert("a中b".as_bytes().to_vec()),
            Err((1, b"a?b".to_vec()))
        );
        assert_eq!(
            Charset::Ascii.convert(b"a\xFF".to_vec()),
            Err((1, b"a?".to_vec()))
        );
        assert_eq!(
            Charset::Utf8mb3.convert("é".as_bytes().to_vec()),
            Ok("é".as_bytes().to_vec())
        );
        assert_eq!(printable("中x".as_bytes()), "\\xE4\\xB8\\xADx");
        assert_eq!(
            printable("中中中".as_bytes()),
            "\\xE4\\xB8\\xAD\\xE4\\xB8\\xAD..."
        );
    }

    #[test]
    fn names_and_collations() {
        assert_eq!(Charset::from_name("UTF8"), Some(Charset::Utf8mb3));
        assert_eq!(Charset::from_name("Latin1"), Some(Charset::Latin1));
        assert_eq!(Charset::from_name("koi8r"), None);
        assert_eq!(Charset::of(Collation::Latin1_bin), Charset::Latin1);
        assert_eq!(Charset::Latin1.default_collation().id(), 8);
    }
}
