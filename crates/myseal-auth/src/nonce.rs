//! The 20-byte authentication nonce ("scramble") of the connection phase.
//!
//! MySQL reference: <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase_packets_protocol_handshake_v10.html>
//!
//! MySQL's `generate_user_salt` draws random bytes, masks each to 7 bits and bumps NUL and `$`
//! by one, so the nonce is printable-ish ASCII that never ends the C string early and never
//! contains the `$` delimiter of `caching_sha2_password` hashes. The same generator makes the
//! salts of new `caching_sha2_password` hashes.

use std::sync::atomic::{AtomicU64, Ordering};

use ring::rand::{SecureRandom, SystemRandom};

/// Length of the nonce and of `caching_sha2_password` salts.
pub const NONCE_LEN: usize = 20;

/// Returns 20 fresh random bytes shaped like MySQL's `generate_user_salt`: each byte `& 0x7f`,
/// never `0x00` and never `b'$'`.
pub fn generate() -> [u8; NONCE_LEN] {
    let mut buf = [0u8; NONCE_LEN];
    if SystemRandom::new().fill(&mut buf).is_err() {
        // The OS generator does not fail on supported platforms; if it ever does, fall back to
        // a hash of per-process random SipHash keys, a counter and the clock rather than panic.
        tracing::error!("system random generator failed; using fallback nonce source");
        buf = fallback();
    }
    for b in &mut buf {
        *b = shape(*b);
    }
    buf
}

/// Maps one random byte into MySQL's nonce alphabet.
pub(crate) fn shape(b: u8) -> u8 {
    let b = b & 0x7f;
    if b == 0 || b == b'$' {
        b + 1
    } else {
        b
    }
}

fn fallback() -> [u8; NONCE_LEN] {
    use sha2::{Digest, Sha256};
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    hasher.write_u128(nanos);
    let digest = Sha256::digest(hasher.finish().to_le_bytes());
    let mut out = [0u8; NONCE_LEN];
    for (o, d) in out.iter_mut().zip(digest.iter()) {
        *o = *d;
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn nonce_bytes_are_seven_bit_and_never_nul_or_dollar() {
        for _ in 0..200 {
            let n = generate();
            assert!(n.iter().all(|&b| b != 0 && b != b'$' && b < 0x80), "{n:?}");
        }
    }

    #[test]
    fn consecutive_nonces_differ() {
        assert_ne!(generate(), generate());
    }

    #[test]
    fn shape_bumps_nul_and_dollar_and_masks_the_high_bit() {
        assert_eq!(shape(0), 1);
        assert_eq!(shape(0x80), 1);
        assert_eq!(shape(b'$'), b'%');
        assert_eq!(shape(0xff), 0x7f);
        assert_eq!(shape(b'a'), b'a');
    }

    #[test]
    fn fallback_source_produces_distinct_values() {
        assert_ne!(fallback(), fallback());
    }
}
