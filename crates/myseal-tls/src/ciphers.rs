//! OpenSSL names of cipher suites, as MySQL shows them in `Ssl_cipher` and `Ssl_cipher_list`.
//!
//! MySQL docs: <https://dev.mysql.com/doc/refman/8.4/en/encrypted-connection-protocols-ciphers.html>
//!
//! MySQL uses OpenSSL, so clients see OpenSSL's names (`ECDHE-RSA-AES128-GCM-SHA256`,
//! `TLS_AES_256_GCM_SHA384`) rather than the IANA names rustls uses.

use rustls::CipherSuite;

use crate::TlsContext;

/// The OpenSSL name of a cipher suite, or `""` for one OpenSSL has no name for here.
///
/// TLS 1.3: `TLS13_AES_256_GCM_SHA384` → `TLS_AES_256_GCM_SHA384` (and likewise for the other
/// TLS 1.3 suites). TLS 1.2: `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256` →
/// `ECDHE-RSA-AES128-GCM-SHA256`, `TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256` →
/// `ECDHE-ECDSA-CHACHA20-POLY1305`, and so on. Never panics.
pub fn openssl_cipher_name(suite: CipherSuite) -> &'static str {
    match suite {
        CipherSuite::TLS13_AES_256_GCM_SHA384 => "TLS_AES_256_GCM_SHA384",
        CipherSuite::TLS13_AES_128_GCM_SHA256 => "TLS_AES_128_GCM_SHA256",
        CipherSuite::TLS13_CHACHA20_POLY1305_SHA256 => "TLS_CHACHA20_POLY1305_SHA256",
        CipherSuite::TLS13_AES_128_CCM_SHA256 => "TLS_AES_128_CCM_SHA256",
        CipherSuite::TLS13_AES_128_CCM_8_SHA256 => "TLS_AES_128_CCM_8_SHA256",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "ECDHE-ECDSA-AES128-GCM-SHA256",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "ECDHE-ECDSA-AES256-GCM-SHA384",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => {
            "ECDHE-ECDSA-CHACHA20-POLY1305"
        }
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "ECDHE-RSA-AES128-GCM-SHA256",
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "ECDHE-RSA-AES256-GCM-SHA384",
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => "ECDHE-RSA-CHACHA20-POLY1305",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 => "ECDHE-ECDSA-AES128-SHA256",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 => "ECDHE-ECDSA-AES256-SHA384",
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 => "ECDHE-RSA-AES128-SHA256",
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 => "ECDHE-RSA-AES256-SHA384",
        CipherSuite::TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 => "DHE-RSA-AES128-GCM-SHA256",
        CipherSuite::TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 => "DHE-RSA-AES256-GCM-SHA384",
        CipherSuite::TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => "DHE-RSA-CHACHA20-POLY1305",
        _ => "",
    }
}

/// All cipher names `ctx` can negotiate, `:`-joined in preference order (for `Ssl_cipher_list`
/// and the `ssl_cipher` variable).
///
/// Only suites usable with the configured server key are listed: with an ECDSA key the TLS 1.2
/// part is `ECDHE-ECDSA-*`, with an RSA key `ECDHE-RSA-*`.
pub fn cipher_list(ctx: &TlsContext) -> String {
    ctx.cipher_names().join(":")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn maps_tls13_suites_to_openssl_names() {
        assert_eq!(
            openssl_cipher_name(CipherSuite::TLS13_AES_256_GCM_SHA384),
            "TLS_AES_256_GCM_SHA384"
        );
        assert_eq!(
            openssl_cipher_name(CipherSuite::TLS13_AES_128_GCM_SHA256),
            "TLS_AES_128_GCM_SHA256"
        );
        assert_eq!(
            openssl_cipher_name(CipherSuite::TLS13_CHACHA20_POLY1305_SHA256),
            "TLS_CHACHA20_POLY1305_SHA256"
        );
    }

    #[test]
    fn maps_tls12_suites_to_openssl_names() {
        let cases = [
            (
                CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
                "ECDHE-RSA-AES128-GCM-SHA256",
            ),
            (
                CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
                "ECDHE-RSA-AES256-GCM-SHA384",
            ),
            (
                CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                "ECDHE-ECDSA-AES128-GCM-SHA256",
            ),
            (
                CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
                "ECDHE-ECDSA-AES256-GCM-SHA384",
            ),
            (
                CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
                "ECDHE-RSA-CHACHA20-POLY1305",
            ),
            (
                CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
                "ECDHE-ECDSA-CHACHA20-POLY1305",
            ),
        ];
        for (suite, name) in cases {
            assert_eq!(openssl_cipher_name(suite), name, "{suite:?}");
        }
    }

    #[test]
    fn unknown_suites_map_to_the_empty_string() {
        assert_eq!(openssl_cipher_name(CipherSuite::Unknown(0xfefe)), "");
        assert_eq!(
            openssl_cipher_name(CipherSuite::TLS_NULL_WITH_NULL_NULL),
            ""
        );
    }

    #[test]
    fn every_suite_of_the_ring_provider_has_a_name() {
        for suite in rustls::crypto::ring::default_provider().cipher_suites {
            assert_ne!(
                openssl_cipher_name(suite.suite()),
                "",
                "{:?}",
                suite.suite()
            );
        }
    }
}
