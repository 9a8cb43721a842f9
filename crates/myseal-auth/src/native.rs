//! `mysql_native_password`: SHA-1 based challenge/response.
//!
//! MySQL reference: <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_authentication_methods_native_password_authentication.html>
//!
//! Stored hash: `*` + 40 upper-case hex digits of `SHA1(SHA1(password))` (empty password: empty
//! string). Client response: `SHA1(password) XOR SHA1(nonce ‖ SHA1(SHA1(password)))`.

use sha1::{Digest, Sha1};

use crate::ct;

/// Length of a `mysql_native_password` scramble (a SHA-1 digest).
pub const SCRAMBLE_LEN: usize = 20;

/// The `authentication_string` MySQL stores for `password`: `*` + upper-hex
/// `SHA1(SHA1(password))`, or `""` for the empty password.
pub fn hash(password: &[u8]) -> String {
    if password.is_empty() {
        return String::new();
    }
    let stage2 = Sha1::digest(Sha1::digest(password));
    let mut out = String::with_capacity(41);
    out.push('*');
    for b in stage2 {
        out.push_str(&format!("{b:02X}"));
    }
    out
}

/// The client's answer to `nonce` for `password` (what libmysqlclient's `scramble()` sends).
/// Used by tests and tools; the server never knows the password.
pub fn scramble(password: &[u8], nonce: &[u8]) -> [u8; SCRAMBLE_LEN] {
    let stage1 = Sha1::digest(password);
    let stage2 = Sha1::digest(stage1);
    let mask = Sha1::new()
        .chain_update(nonce)
        .chain_update(stage2)
        .finalize();
    let mut out = [0u8; SCRAMBLE_LEN];
    for ((o, a), b) in out.iter_mut().zip(stage1.iter()).zip(mask.iter()) {
        *o = a ^ b;
    }
    out
}

/// Checks a client `response` to `nonce` against the `stored` hash, in constant time.
///
/// `stored == ""` (no password) accepts only an empty response. A malformed stored hash or a
/// response of the wrong length never verifies.
pub fn verify(stored: &str, nonce: &[u8], response: &[u8]) -> bool {
    if stored.is_empty() {
        return response.is_empty();
    }
    let Some(stage2) = parse_stored(stored) else {
        return false;
    };
    if response.len() != SCRAMBLE_LEN {
        return false;
    }
    let mask = Sha1::new()
        .chain_update(nonce)
        .chain_update(stage2)
        .finalize();
    let mut stage1 = [0u8; SCRAMBLE_LEN];
    for ((o, r), m) in stage1.iter_mut().zip(response).zip(mask.iter()) {
        *o = r ^ m;
    }
    let candidate = Sha1::digest(stage1);
    ct::eq(&candidate, &stage2)
}

/// Decodes `*` + 40 hex digits (either case) into the 20-byte `SHA1(SHA1(password))`.
fn parse_stored(stored: &str) -> Option<[u8; SCRAMBLE_LEN]> {
    let hex = stored.strip_prefix('*')?.as_bytes();
    if hex.len() != 2 * SCRAMBLE_LEN {
        return None;
    }
    let mut out = [0u8; SCRAMBLE_LEN];
    for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let (hi, lo) = match pair {
            [hi, lo] => (hex_val(*hi)?, hex_val(*lo)?),
            _ => return None,
        };
        *o = (hi << 4) | lo;
    }
    Some(out)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const NONCE: &[u8; 20] = b"abcdefghij0123456789";

    #[test]
    fn hash_of_password_matches_mysql() {
        assert_eq!(
            hash(b"password"),
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19"
        );
    }

    #[test]
    fn scramble_matches_independent_known_answer() {
        // Computed with Python's hashlib following mysql_common's scramble_native.
        let got = scramble(b"secret", b"0123456789abcdefghij");
        let hex: String = got.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "f5cac3f3b3df2133feb57db682c71e6ed433a988");
    }

    #[test]
    fn hash_of_empty_password_is_empty() {
        assert_eq!(hash(b""), "");
    }

    #[test]
    fn client_scramble_verifies_against_stored_hash() {
        let stored = hash(b"s3cret");
        let resp = scramble(b"s3cret", NONCE);
        assert!(verify(&stored, NONCE, &resp));
    }

    #[test]
    fn lower_case_stored_hash_still_verifies() {
        let stored = hash(b"s3cret").to_lowercase();
        assert!(verify(&stored, NONCE, &scramble(b"s3cret", NONCE)));
    }

    #[test]
    fn rejects_wrong_password() {
        let stored = hash(b"s3cret");
        assert!(!verify(&stored, NONCE, &scramble(b"S3cret", NONCE)));
    }

    #[test]
    fn rejects_scramble_for_another_nonce() {
        let stored = hash(b"s3cret");
        let resp = scramble(b"s3cret", b"zzzzzzzzzzzzzzzzzzzz");
        assert!(!verify(&stored, NONCE, &resp));
    }

    #[test]
    fn empty_stored_hash_accepts_only_empty_response() {
        assert!(verify("", NONCE, b""));
        assert!(!verify("", NONCE, &scramble(b"x", NONCE)));
    }

    #[test]
    fn empty_response_does_not_verify_a_real_password() {
        assert!(!verify(&hash(b"x"), NONCE, b""));
    }

    #[test]
    fn malformed_stored_hash_never_verifies() {
        let resp = scramble(b"password", NONCE);
        for stored in [
            "2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19",
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1",
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1G",
            "*",
            "$A$005$",
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19ü",
        ] {
            assert!(!verify(stored, NONCE, &resp), "{stored}");
        }
    }

    #[test]
    fn rejects_responses_of_the_wrong_length() {
        let stored = hash(b"password");
        let resp = scramble(b"password", NONCE);
        assert!(!verify(&stored, NONCE, &resp[..19]));
        let mut long = resp.to_vec();
        long.push(0);
        assert!(!verify(&stored, NONCE, &long));
    }
}
