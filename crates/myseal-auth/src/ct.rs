//! Constant-time comparison of secrets.

/// Compares two byte strings in time that depends only on their lengths.
pub(crate) fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn equal_slices_compare_equal_and_others_do_not() {
        assert!(eq(b"abc", b"abc"));
        assert!(eq(b"", b""));
        assert!(!eq(b"abc", b"abd"));
        assert!(!eq(b"abc", b"ab"));
    }
}
