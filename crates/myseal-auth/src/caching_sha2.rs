//! `caching_sha2_password`, MySQL 8.4's default authentication plugin.
//!
//! MySQL reference: <https://dev.mysql.com/doc/dev/mysql-server/latest/page_caching_sha2_authentication_exchanges.html>
//!
//! Two secrets are involved:
//! - the stored `authentication_string`, `$A$005$` + 20-byte salt + 43 characters of
//!   SHA-256-crypt (Ulrich Drepper's algorithm, <https://www.akkadia.org/drepper/SHA-crypt.txt>)
//!   over the password with that salt and 5000 rounds (`005` is the round count / 1000, in
//!   hex), checked by *full* authentication against a cleartext password;
//! - the in-memory cache entry `SHA256(SHA256(password))`, filled after a successful full
//!   authentication and used by *fast* authentication against the client scramble
//!   `SHA256(password) XOR SHA256(SHA256(SHA256(password)) ‖ nonce)`.
//!
//! MySQL's SHA-256-crypt differs from Drepper's only in the salt length limit (20 instead of
//! 16 characters), so one implementation serves both here.

use sha2::{Digest, Sha256};

use crate::{ct, nonce};

/// Length of the salt inside a stored hash.
pub const SALT_LEN: usize = 20;
/// Length of the SHA-256-crypt text inside a stored hash.
pub const DIGEST_TEXT_LEN: usize = 43;
/// Length of a client scramble and of a cache entry (a SHA-256 digest).
pub const SCRAMBLE_LEN: usize = 32;
/// Longest cleartext password MySQL hashes (`CACHING_SHA2_PASSWORD_MAX_PASSWORD_LENGTH`).
pub const MAX_PASSWORD_LEN: usize = 256;
/// Round count MySQL 8.4 uses for new hashes (`caching_sha2_password_digest_rounds` default).
pub const DEFAULT_ROUNDS: u32 = 5000;

const ITERATION_MULTIPLIER: u32 = 1000;
const MAX_ITERATION_FIELD: u32 = 0xFFF;
const PREFIX: &str = "$A$";
const MIXCHARS: usize = 32;
const B64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The `authentication_string` MySQL stores for `password` with this `salt`:
/// `$A$005$` + salt + 43 characters of SHA-256-crypt. The empty password stores `""`.
///
/// Salt bytes are taken into MySQL's salt alphabet (`& 0x7f`, NUL and `$` bumped by one), which
/// leaves every salt MySQL itself generates unchanged. SHA-256-crypt costs time quadratic in
/// the password length; MySQL refuses passwords over [`MAX_PASSWORD_LEN`] bytes before hashing
/// (as [`crate::account::AccountStore`] does), and so should other callers.
pub fn hash(password: &[u8], salt: &[u8; SALT_LEN]) -> String {
    if password.is_empty() {
        return String::new();
    }
    let salt = salt.map(nonce::shape);
    let text = sha256_crypt(password, &salt, DEFAULT_ROUNDS);
    let mut out = String::with_capacity(7 + SALT_LEN + DIGEST_TEXT_LEN);
    out.push_str(PREFIX);
    out.push_str(&format!("{:03X}$", DEFAULT_ROUNDS / ITERATION_MULTIPLIER));
    out.extend(salt.iter().map(|&b| char::from(b)));
    out.extend(text.iter().map(|&b| char::from(b)));
    out
}

/// [`hash`] with a fresh random salt, as `CREATE USER ... IDENTIFIED BY` does.
pub fn hash_random(password: &[u8]) -> String {
    hash(password, &nonce::generate())
}

/// Full authentication: checks a cleartext password (NUL terminator already stripped) against
/// the stored hash. `""` accepts only the empty password; a malformed hash or a password longer
/// than [`MAX_PASSWORD_LEN`] never verifies.
pub fn verify_full(stored: &str, cleartext: &[u8]) -> bool {
    if stored.is_empty() {
        return cleartext.is_empty();
    }
    if cleartext.len() > MAX_PASSWORD_LEN {
        return false;
    }
    let Some(parsed) = parse_stored(stored.as_bytes()) else {
        return false;
    };
    let text = sha256_crypt(cleartext, parsed.salt, parsed.rounds);
    ct::eq(&text, parsed.digest)
}

/// The client's fast-authentication scramble for `password` and `nonce`:
/// `SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) ‖ nonce)`. Used by tests and tools.
pub fn scramble(password: &[u8], nonce: &[u8]) -> [u8; SCRAMBLE_LEN] {
    let stage1 = Sha256::digest(password);
    let stage2 = Sha256::digest(stage1);
    let mask = Sha256::new()
        .chain_update(stage2)
        .chain_update(nonce)
        .finalize();
    let mut out = [0u8; SCRAMBLE_LEN];
    for ((o, a), b) in out.iter_mut().zip(stage1.iter()).zip(mask.iter()) {
        *o = a ^ b;
    }
    out
}

/// The cache entry for `password`: `SHA256(SHA256(password))`.
pub fn cache_digest(password: &[u8]) -> [u8; SCRAMBLE_LEN] {
    Sha256::digest(Sha256::digest(password)).into()
}

/// Fast authentication: checks a 32-byte client scramble against the cached digest.
/// `candidate = response XOR SHA256(cached ‖ nonce)`; ok iff `SHA256(candidate) == cached`.
pub fn verify_fast(cached: &[u8; SCRAMBLE_LEN], nonce: &[u8], response: &[u8]) -> bool {
    if response.len() != SCRAMBLE_LEN {
        return false;
    }
    let mask = Sha256::new()
        .chain_update(cached)
        .chain_update(nonce)
        .finalize();
    let mut candidate = [0u8; SCRAMBLE_LEN];
    for ((o, r), m) in candidate.iter_mut().zip(response).zip(mask.iter()) {
        *o = r ^ m;
    }
    ct::eq(&Sha256::digest(candidate), cached)
}

/// The parts of a stored `$A$xxx$<salt><digest>` string.
struct Stored<'a> {
    rounds: u32,
    salt: &'a [u8],
    digest: &'a [u8],
}

/// Splits a stored hash like MySQL's `Caching_sha2_password::deserialize`.
fn parse_stored(s: &[u8]) -> Option<Stored<'_>> {
    let rest = s.strip_prefix(PREFIX.as_bytes())?;
    let (count, rest) = rest.split_at_checked(3)?;
    let rest = rest.strip_prefix(b"$")?;
    let count = std::str::from_utf8(count).ok()?;
    let count = u32::from_str_radix(count, 16).ok()?;
    if count == 0 || count > MAX_ITERATION_FIELD {
        return None;
    }
    let (salt, digest) = rest.split_at_checked(SALT_LEN)?;
    if digest.len() != DIGEST_TEXT_LEN {
        return None;
    }
    // my_crypt_genhash sees the salt as a C string and stops at '$' (strcspn).
    let salt_end = salt
        .iter()
        .position(|&b| b == b'$' || b == 0)
        .unwrap_or(salt.len());
    Some(Stored {
        rounds: count * ITERATION_MULTIPLIER,
        salt: salt.get(..salt_end)?,
        digest,
    })
}

/// Fills `len` bytes by repeating `block` (Drepper's steps 16 and 20).
fn cycle(block: &[u8], len: usize) -> Vec<u8> {
    block.iter().copied().cycle().take(len).collect()
}

/// SHA-256-crypt (Drepper, steps 1-22) of `key` with `salt` (already truncated by the caller)
/// and `rounds`; returns the 43-character crypt-base64 digest text.
fn sha256_crypt(key: &[u8], salt: &[u8], rounds: u32) -> [u8; DIGEST_TEXT_LEN] {
    // Steps 4-8: digest B = SHA256(key ‖ salt ‖ key).
    let b = Sha256::new()
        .chain_update(key)
        .chain_update(salt)
        .chain_update(key)
        .finalize();

    // Steps 1-3, 9-12: digest A.
    let mut ctx = Sha256::new();
    ctx.update(key);
    ctx.update(salt);
    let mut rest = key.len();
    while rest > MIXCHARS {
        ctx.update(b);
        rest -= MIXCHARS;
    }
    ctx.update(b.get(..rest).unwrap_or(&b));
    let mut i = key.len();
    while i > 0 {
        if i & 1 != 0 {
            ctx.update(b);
        } else {
            ctx.update(key);
        }
        i >>= 1;
    }
    let a = ctx.finalize();

    // Steps 13-16: P sequence.
    let mut ctx = Sha256::new();
    for _ in 0..key.len() {
        ctx.update(key);
    }
    let p = cycle(&ctx.finalize(), key.len());

    // Steps 17-20: S sequence.
    let mut ctx = Sha256::new();
    let first = a.first().copied().unwrap_or(0);
    for _ in 0..16 + usize::from(first) {
        ctx.update(salt);
    }
    let s = cycle(&ctx.finalize(), salt.len());

    // Step 21: the rounds.
    let mut c: [u8; 32] = a.into();
    for r in 0..rounds {
        let mut ctx = Sha256::new();
        if r & 1 != 0 {
            ctx.update(&p);
        } else {
            ctx.update(c);
        }
        if r % 3 != 0 {
            ctx.update(&s);
        }
        if r % 7 != 0 {
            ctx.update(&p);
        }
        if r & 1 != 0 {
            ctx.update(c);
        } else {
            ctx.update(&p);
        }
        c = ctx.finalize().into();
    }

    // Step 22: crypt base64 with Drepper's byte order.
    const ORDER: [[usize; 3]; 10] = [
        [0, 10, 20],
        [21, 1, 11],
        [12, 22, 2],
        [3, 13, 23],
        [24, 4, 14],
        [15, 25, 5],
        [6, 16, 26],
        [27, 7, 17],
        [18, 28, 8],
        [9, 19, 29],
    ];
    let byte = |i: usize| u32::from(c.get(i).copied().unwrap_or(0));
    let mut out = [0u8; DIGEST_TEXT_LEN];
    let mut pos = out.iter_mut();
    let mut emit = |w: u32, n: usize| {
        let mut w = w;
        for _ in 0..n {
            if let (Some(slot), Some(ch)) = (pos.next(), B64.get((w & 0x3f) as usize)) {
                *slot = *ch;
            }
            w >>= 6;
        }
    };
    for [x, y, z] in ORDER {
        emit((byte(x) << 16) | (byte(y) << 8) | byte(z), 4);
    }
    emit((byte(31) << 8) | byte(30), 3);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Drepper's `$5$[rounds=N$]salt$digest` for the spec's test vectors (salt cut at 16).
    fn drepper(key: &str, salt: &str, rounds: Option<u32>) -> String {
        let salt = &salt.as_bytes()[..salt.len().min(16)];
        let r = rounds.unwrap_or(5000).clamp(1000, 999_999_999);
        let text = sha256_crypt(key.as_bytes(), salt, r);
        let prefix = match rounds {
            Some(_) => format!("$5$rounds={r}$"),
            None => "$5$".to_string(),
        };
        format!(
            "{prefix}{}${}",
            std::str::from_utf8(salt).unwrap(),
            std::str::from_utf8(&text).unwrap()
        )
    }

    #[test]
    fn sha256_crypt_matches_drepper_default_rounds_vector() {
        assert_eq!(
            drepper("Hello world!", "saltstring", None),
            "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"
        );
    }

    #[test]
    fn sha256_crypt_matches_drepper_custom_rounds_vectors() {
        let cases: [(&str, &str, u32, &str); 6] = [
            (
                "Hello world!",
                "saltstringsaltstring",
                10000,
                "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA",
            ),
            (
                "This is just a test",
                "toolongsaltstring",
                5000,
                "$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5",
            ),
            (
                "a very much longer text to encrypt.  This one even stretches over morethan one line.",
                "anotherlongsaltstring",
                1400,
                "$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1",
            ),
            (
                "we have a short salt string but not a short password",
                "short",
                77777,
                "$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/",
            ),
            (
                "a short string",
                "asaltof16chars..",
                123456,
                "$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD",
            ),
            (
                "the minimum number is still observed",
                "roundstoolow",
                10,
                "$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC",
            ),
        ];
        for (key, salt, rounds, want) in cases {
            assert_eq!(drepper(key, salt, Some(rounds)), want, "{key}");
        }
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// `caching_sha2_password` hash of "foobar" as MySQL stored it (the vector TiDB's
    /// `caching_sha2_test.go` checks its MySQL-compatible implementation against).
    const FOOBAR_HEX: &str = "24412430303524031A69251C34295C4B35167C7F1E5A7B63091349503974624D34504B5A424679354856336868686F52485A736E4A733368786E427575516C73446469496537";

    #[test]
    fn mysql_stored_hash_of_foobar_verifies_and_rehashes_identically() {
        let stored = String::from_utf8(unhex(FOOBAR_HEX)).unwrap();
        assert!(verify_full(&stored, b"foobar"));
        assert!(!verify_full(&stored, b"foobaR"));
        let salt: [u8; SALT_LEN] = stored.as_bytes()[7..27].try_into().unwrap();
        assert_eq!(hash(b"foobar", &salt), stored);
    }

    #[test]
    fn new_hashes_have_mysql_layout() {
        let h = hash_random(b"secret");
        assert_eq!(h.len(), 70);
        assert!(h.starts_with("$A$005$"));
        let salt = &h.as_bytes()[7..27];
        assert!(salt.iter().all(|&b| b != 0 && b != b'$' && b < 0x80));
        assert!(h.as_bytes()[27..].iter().all(|b| B64.contains(b)));
        assert!(verify_full(&h, b"secret"));
        assert!(!verify_full(&h, b"secreT"));
        assert!(!verify_full(&h, b""));
    }

    #[test]
    fn random_salts_make_distinct_hashes() {
        assert_ne!(hash_random(b"secret"), hash_random(b"secret"));
    }

    #[test]
    fn hash_of_empty_password_is_empty_and_accepts_only_empty_password() {
        assert_eq!(hash(b"", &[b'a'; SALT_LEN]), "");
        assert_eq!(hash_random(b""), "");
        assert!(verify_full("", b""));
        assert!(!verify_full("", b"x"));
    }

    #[test]
    fn salt_bytes_outside_mysql_alphabet_are_normalized() {
        let h = hash(b"pw", &[0u8; SALT_LEN]);
        assert!(h.as_bytes()[7..27].iter().all(|&b| b == 1));
        assert!(verify_full(&h, b"pw"));
    }

    #[test]
    fn round_count_field_is_hex_thousands() {
        let salt = [b'x'; SALT_LEN];
        let stored = hash(b"pw", &salt);
        // Re-encode the same salt with 0x00A = 10 * 1000 rounds.
        let text = sha256_crypt(b"pw", &salt, 10_000);
        let custom = format!(
            "$A$00A${}{}",
            std::str::from_utf8(&salt).unwrap(),
            std::str::from_utf8(&text).unwrap()
        );
        assert!(verify_full(&custom, b"pw"));
        assert_ne!(custom[7..], stored[7..]);
    }

    #[test]
    fn malformed_stored_hashes_never_verify() {
        let good = hash(b"pw", &[b'q'; SALT_LEN]);
        let cases = [
            good[..69].to_string(),
            format!("{good}x"),
            good.replacen("$A$", "$B$", 1),
            good.replacen("$A$005$", "$A$000$", 1),
            good.replacen("$A$005$", "$A$0G5$", 1),
            good.replacen("$A$005$", "$A$05$", 1),
            "$A$005$".to_string(),
            "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19".to_string(),
            "$A$".to_string(),
            "garbage".to_string(),
        ];
        for stored in cases {
            assert!(!verify_full(&stored, b"pw"), "{stored}");
        }
    }

    #[test]
    fn overlong_passwords_never_verify() {
        let long = vec![b'a'; MAX_PASSWORD_LEN + 1];
        let stored = hash(&long, &[b'q'; SALT_LEN]);
        assert!(!verify_full(&stored, &long));
        let max = vec![b'a'; MAX_PASSWORD_LEN];
        assert!(verify_full(&hash(&max, &[b'q'; SALT_LEN]), &max));
    }

    #[test]
    fn client_scramble_passes_fast_auth_with_cached_digest() {
        let nonce = crate::nonce::generate();
        let cached = cache_digest(b"secret");
        assert!(verify_fast(&cached, &nonce, &scramble(b"secret", &nonce)));
    }

    #[test]
    fn fast_auth_rejects_wrong_password_other_nonce_and_bad_lengths() {
        let nonce = [b'n'; 20];
        let cached = cache_digest(b"secret");
        assert!(!verify_fast(&cached, &nonce, &scramble(b"Secret", &nonce)));
        assert!(!verify_fast(
            &cached,
            &nonce,
            &scramble(b"secret", &[b'm'; 20])
        ));
        let good = scramble(b"secret", &nonce);
        assert!(!verify_fast(&cached, &nonce, &good[..31]));
        assert!(!verify_fast(&cached, &nonce, b""));
    }

    #[test]
    fn scramble_matches_independent_known_answer() {
        // Computed with Python's hashlib following mysql_common's scramble_sha256.
        let got = scramble(b"secret", b"0123456789abcdefghij");
        let want = unhex("7e4adda2f2d5ef09b4147518becb0cee2939376203650a8c2bb2815959364bd0");
        assert_eq!(got.to_vec(), want);
    }

    #[test]
    fn scramble_matches_its_definition() {
        let nonce = [7u8; 20];
        let s1 = Sha256::digest(b"pw");
        let s2 = Sha256::digest(s1);
        let mut h = Sha256::new();
        h.update(s2);
        h.update(nonce);
        let m = h.finalize();
        let want: Vec<u8> = s1.iter().zip(m.iter()).map(|(a, b)| a ^ b).collect();
        assert_eq!(scramble(b"pw", &nonce).to_vec(), want);
        assert_eq!(cache_digest(b"pw").to_vec(), s2.to_vec());
    }
}
