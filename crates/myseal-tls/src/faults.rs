//! TLS fault scenarios (`--tls-fault`, `--tls-fault-port`): a server that presents one fault a
//! verifying client must reject, for teaching and for testing clients' verification.
//!
//! Faults exist only when asked for; a server without them verifies and serves as always.
//! Certificates are generated in memory at start: from the server's own (dev) CA where the fault
//! needs a CA, from a second CA nobody trusts for `untrusted-ca`, and through an intermediate CA
//! the server does not send for `incomplete-chain`. Two faults are in the MySQL protocol rather
//! than in a certificate (`no-tls`, `error-before-tls`): [`TlsFault::offers_tls`] is false for
//! them and the server's session carries them out.
//!
//! `weak-key`: ring (the only provider) cannot sign with an RSA key under 2048 bits, so the leaf
//! has a 1024-bit RSA key generated with the `rsa` crate, and the TLS handshake signature
//! (CertificateVerify / ServerKeyExchange) is made by that crate through a rustls `SigningKey` of
//! our own ([`WeakRsaKey`]). The certificate itself is signed by the dev CA (ECDSA P-256), so the
//! key size is the only fault: OpenSSL at security level 2 refuses the certificate ("EE
//! certificate key too weak"), rustls/webpki refuses the handshake signature, because ring verifies
//! RSA signatures only for 2048 to 8192-bit keys (`BadSignature`).

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PublicKeyData, SigningKey as RcgenSigningKey,
};
use rsa::rand_core::{self, CryptoRng, RngCore};
use rsa::RsaPrivateKey;
use rustls::sign::{Signer, SigningKey};
use rustls::{SignatureAlgorithm, SignatureScheme};
use x509_parser::time::ASN1Time;

use crate::certs::{common_name_dn, gen_err, issuer_from_pem, new_ca, new_key, unix_now, DAY_SECS};
use crate::{TlsContext, TlsError, TlsPem};

/// One fault a server can present instead of a correct TLS setup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TlsFault {
    /// The server certificate's notAfter is in the past.
    Expired,
    /// The server certificate's notBefore is in the future.
    NotYetValid,
    /// The server certificate names another host (`wrong-host.myseal.invalid`), not
    /// `localhost`/`127.0.0.1`/`::1`.
    WrongHost,
    /// The server certificate is issued by a CA the client does not trust.
    UntrustedCa,
    /// The server certificate is self-signed.
    SelfSigned,
    /// The server certificate is issued by an intermediate CA the server does not send.
    IncompleteChain,
    /// The server certificate has a 1024-bit RSA key.
    WeakKey,
    /// The greeting does not offer SSL (no CLIENT_SSL): the BACKRONYM downgrade, CVE-2015-3152.
    NoTls,
    /// The greeting does not offer SSL and a client that logs in anyway gets an ERR packet
    /// before any TLS: the "Riddle" attack, CVE-2017-3305.
    ErrorBeforeTls,
    /// The TLS handshake fails without a client certificate signed by the server's CA.
    ClientCertRequired,
}

impl TlsFault {
    /// Every fault, in the order the demonstration shows them.
    pub const ALL: [TlsFault; 10] = [
        TlsFault::Expired,
        TlsFault::NotYetValid,
        TlsFault::WrongHost,
        TlsFault::UntrustedCa,
        TlsFault::SelfSigned,
        TlsFault::IncompleteChain,
        TlsFault::WeakKey,
        TlsFault::NoTls,
        TlsFault::ErrorBeforeTls,
        TlsFault::ClientCertRequired,
    ];

    /// The name on the command line (`expired`, `not-yet-valid`, ...).
    pub fn name(self) -> &'static str {
        match self {
            TlsFault::Expired => "expired",
            TlsFault::NotYetValid => "not-yet-valid",
            TlsFault::WrongHost => "wrong-host",
            TlsFault::UntrustedCa => "untrusted-ca",
            TlsFault::SelfSigned => "self-signed",
            TlsFault::IncompleteChain => "incomplete-chain",
            TlsFault::WeakKey => "weak-key",
            TlsFault::NoTls => "no-tls",
            TlsFault::ErrorBeforeTls => "error-before-tls",
            TlsFault::ClientCertRequired => "client-cert-required",
        }
    }

    /// What the server does wrong, in one line.
    pub fn what(self) -> &'static str {
        match self {
            TlsFault::Expired => "presents a certificate whose notAfter date has passed",
            TlsFault::NotYetValid => "presents a certificate whose notBefore date is a month ahead",
            TlsFault::WrongHost => {
                "presents a certificate for wrong-host.myseal.invalid, not for localhost/127.0.0.1"
            }
            TlsFault::UntrustedCa => "presents a certificate issued by a CA you do not trust",
            TlsFault::SelfSigned => "presents a self-signed certificate",
            TlsFault::IncompleteChain => {
                "presents a certificate issued by an intermediate CA it does not send"
            }
            TlsFault::WeakKey => "presents a certificate with a 1024-bit RSA key",
            TlsFault::NoTls => "offers no SSL in its greeting (BACKRONYM downgrade, CVE-2015-3152)",
            TlsFault::ErrorBeforeTls => {
                "offers no SSL and answers a login with an ERR packet before any TLS \
                 (Riddle, CVE-2017-3305)"
            }
            TlsFault::ClientCertRequired => {
                "fails the TLS handshake of a client that sends no certificate"
            }
        }
    }

    /// Which check of a correct client catches the fault, and what it does then.
    pub fn client_check(self) -> &'static str {
        match self {
            TlsFault::Expired | TlsFault::NotYetValid => {
                "validity dates: the client must refuse the certificate (certificate expired / \
                 not yet valid)"
            }
            TlsFault::WrongHost => {
                "host name check (--ssl-verify-server-cert / --ssl-mode=VERIFY_IDENTITY): the \
                 name connected to must be in the certificate's subjectAltName"
            }
            TlsFault::UntrustedCa => {
                "chain to a trusted CA (--ssl-ca): the issuer is unknown, the client must refuse"
            }
            TlsFault::SelfSigned => {
                "chain to a trusted CA (--ssl-ca): a self-signed certificate is its own unknown \
                 issuer"
            }
            TlsFault::IncompleteChain => {
                "chain to a trusted CA (--ssl-ca): without the intermediate no path to the CA \
                 exists, the client must refuse"
            }
            TlsFault::WeakKey => {
                "key strength: RSA keys under 2048 bits are refused (OpenSSL security level 2: \
                 'EE certificate key too weak'; rustls/ring: the handshake signature is refused)"
            }
            TlsFault::NoTls => {
                "TLS required (--ssl-mode=REQUIRED or stronger): the client must refuse before it \
                 sends its user name, never fall back to plain text"
            }
            TlsFault::ErrorBeforeTls => {
                "TLS required: the client must refuse at the greeting, before sending any login, \
                 and never show the unauthenticated ERR text as the server's answer"
            }
            TlsFault::ClientCertRequired => {
                "client identity (--ssl-cert/--ssl-key): without a certificate the handshake fails \
                 with a certificate_required / handshake_failure alert"
            }
        }
    }

    /// Whether the server offers TLS with this fault (false for `no-tls` and `error-before-tls`).
    pub fn offers_tls(self) -> bool {
        !matches!(self, TlsFault::NoTls | TlsFault::ErrorBeforeTls)
    }

    /// Whether the fault is in the server certificate a client must verify.
    pub fn is_certificate_fault(self) -> bool {
        self.offers_tls() && self != TlsFault::ClientCertRequired
    }
}

impl fmt::Display for TlsFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TlsFault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TlsFault::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                let names: Vec<&str> = TlsFault::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown TLS fault '{s}'; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// The TLS context of a fault: the faulty server certificate, and client certificates verified
/// against `ca_cert` (the server's own CA, PEM), whose key (`ca_key`, PKCS#8 PEM) issues the
/// faulty certificates that need it. `None` for faults that serve no TLS.
pub fn fault_context(
    fault: TlsFault,
    ca_cert: &str,
    ca_key: &str,
) -> Result<Option<TlsContext>, TlsError> {
    if !fault.offers_tls() {
        return Ok(None);
    }
    let issuer = issuer_from_pem(
        ca_cert.as_bytes(),
        ca_key,
        std::path::Path::new("(CA certificate for --tls-fault)"),
        std::path::Path::new("(CA key for --tls-fault)"),
    )?;
    if fault == TlsFault::WeakKey {
        let (chain, key) = weak_key_identity(&issuer)?;
        return TlsContext::from_signing_key(&chain, Arc::new(key), ca_cert).map(Some);
    }
    let identity = fault_identity(fault, &issuer)?;
    if let Some(inter) = &identity.omitted_intermediate {
        tracing::debug!(
            bytes = inter.len(),
            "{fault}: the intermediate CA certificate is generated but not sent"
        );
    }
    let pem = TlsPem {
        cert_chain: identity.chain,
        key: identity.key,
        ca: Some(ca_cert.to_owned()),
    };
    TlsContext::from_pem(&pem, fault == TlsFault::ClientCertRequired).map(Some)
}

/// The certificate chain (PEM) a fault's server sends, its key, and for `incomplete-chain` the
/// intermediate CA it leaves out.
pub(crate) struct FaultIdentity {
    pub(crate) chain: String,
    pub(crate) key: String,
    pub(crate) omitted_intermediate: Option<String>,
}

/// Host names a correct server certificate of this server carries.
const SERVER_SANS: [&str; 3] = ["localhost", "127.0.0.1", "::1"];
/// The only name on the `wrong-host` certificate (`.invalid` never resolves).
pub const WRONG_HOST: &str = "wrong-host.myseal.invalid";

/// Server leaf parameters: `sans`, ServerAuth, valid from `start` to `end` (Unix seconds).
fn leaf_params(
    common_name: &str,
    sans: &[&str],
    start: i64,
    end: i64,
) -> Result<CertificateParams, TlsError> {
    let names: Vec<String> = sans.iter().map(|s| (*s).to_owned()).collect();
    let mut params = CertificateParams::new(names).map_err(gen_err)?;
    params.distinguished_name = common_name_dn(common_name);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    set_times(&mut params, start, end)?;
    Ok(params)
}

fn set_times(params: &mut CertificateParams, start: i64, end: i64) -> Result<(), TlsError> {
    let time = |secs: i64| {
        ASN1Time::from_timestamp(secs)
            .map(|t| t.to_datetime())
            .map_err(|e| TlsError::Generate(format!("bad validity time: {e}")))
    };
    params.not_before = time(start)?;
    params.not_after = time(end)?;
    Ok(())
}

fn signed_leaf(
    params: CertificateParams,
    issuer: &Issuer<'_, impl RcgenSigningKey>,
) -> Result<(String, KeyPair), TlsError> {
    let key = new_key()?;
    let cert = params.signed_by(&key, issuer).map_err(gen_err)?;
    Ok((cert.pem(), key))
}

/// The faulty certificate chain and key of a certificate fault, issued from `issuer` (the dev
/// CA) where the fault needs it.
pub(crate) fn fault_identity(
    fault: TlsFault,
    issuer: &Issuer<'_, impl RcgenSigningKey>,
) -> Result<FaultIdentity, TlsError> {
    let now = unix_now()?;
    let year = 365 * DAY_SECS;
    let cn = format!("myseal_Fault_{}", fault.name());
    let simple = |chain: String, key: KeyPair| FaultIdentity {
        chain,
        key: key.serialize_pem(),
        omitted_intermediate: None,
    };
    match fault {
        TlsFault::Expired => {
            let params = leaf_params(&cn, &SERVER_SANS, now - year, now - DAY_SECS)?;
            let (chain, key) = signed_leaf(params, issuer)?;
            Ok(simple(chain, key))
        }
        TlsFault::NotYetValid => {
            let params = leaf_params(&cn, &SERVER_SANS, now + 30 * DAY_SECS, now + year)?;
            let (chain, key) = signed_leaf(params, issuer)?;
            Ok(simple(chain, key))
        }
        TlsFault::WrongHost | TlsFault::ClientCertRequired => {
            let sans: &[&str] = if fault == TlsFault::WrongHost {
                &[WRONG_HOST]
            } else {
                &SERVER_SANS
            };
            let params = leaf_params(&cn, sans, now - DAY_SECS, now + year)?;
            let (chain, key) = signed_leaf(params, issuer)?;
            Ok(simple(chain, key))
        }
        TlsFault::UntrustedCa => {
            let other = new_ca("myseal_Untrusted_Fault_CA")?;
            let other_issuer = Issuer::new(other.params, &other.key);
            let params = leaf_params(&cn, &SERVER_SANS, now - DAY_SECS, now + year)?;
            let (chain, key) = signed_leaf(params, &other_issuer)?;
            Ok(simple(chain, key))
        }
        TlsFault::SelfSigned => {
            let params = leaf_params(&cn, &SERVER_SANS, now - DAY_SECS, now + year)?;
            let key = new_key()?;
            let cert = params.self_signed(&key).map_err(gen_err)?;
            Ok(simple(cert.pem(), key))
        }
        TlsFault::IncompleteChain => {
            let mut inter = CertificateParams::default();
            inter.distinguished_name = common_name_dn("myseal_Fault_Intermediate_CA");
            inter.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
            inter.key_usages = vec![
                KeyUsagePurpose::KeyCertSign,
                KeyUsagePurpose::CrlSign,
                KeyUsagePurpose::DigitalSignature,
            ];
            inter.use_authority_key_identifier_extension = true;
            set_times(&mut inter, now - DAY_SECS, now + year)?;
            let inter_key = new_key()?;
            let inter_cert = inter.signed_by(&inter_key, issuer).map_err(gen_err)?;
            let inter_issuer = Issuer::new(inter, &inter_key);
            let params = leaf_params(&cn, &SERVER_SANS, now - DAY_SECS, now + year)?;
            let (chain, key) = signed_leaf(params, &inter_issuer)?;
            Ok(FaultIdentity {
                chain,
                key: key.serialize_pem(),
                omitted_intermediate: Some(inter_cert.pem()),
            })
        }
        TlsFault::WeakKey | TlsFault::NoTls | TlsFault::ErrorBeforeTls => Err(TlsError::Generate(
            format!("{fault} has no ECDSA certificate to generate"),
        )),
    }
}

/// Bits of the `weak-key` fault's RSA key.
pub const WEAK_KEY_BITS: usize = 1024;

/// The `weak-key` certificate (PEM, issued by `issuer`) and its 1024-bit RSA key.
pub(crate) fn weak_key_identity(
    issuer: &Issuer<'_, impl RcgenSigningKey>,
) -> Result<(String, WeakRsaKey), TlsError> {
    use rsa::pkcs1::EncodeRsaPublicKey;
    let private = RsaPrivateKey::new(&mut RingRng::new(), WEAK_KEY_BITS)
        .map_err(|e| TlsError::Generate(format!("1024-bit RSA key: {e}")))?;
    let public = private
        .to_public_key()
        .to_pkcs1_der()
        .map_err(|e| TlsError::Generate(format!("1024-bit RSA public key: {e}")))?;
    let now = unix_now()?;
    let params = leaf_params(
        "myseal_Fault_weak-key",
        &SERVER_SANS,
        now - DAY_SECS,
        now + 365 * DAY_SECS,
    )?;
    let cert = params
        .signed_by(&RsaPublic(public.as_bytes().to_vec()), issuer)
        .map_err(gen_err)?;
    Ok((cert.pem(), WeakRsaKey(Arc::new(private))))
}

/// An RSA public key (PKCS#1 DER) for rcgen to put in a certificate it signs with another key.
struct RsaPublic(Vec<u8>);

impl PublicKeyData for RsaPublic {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

/// A rustls signing key for an RSA key ring refuses (under 2048 bits), signing with the `rsa`
/// crate: RSA-PSS with SHA-256 when offered (TLS 1.3 needs it), else PKCS#1 v1.5 with SHA-256.
#[derive(Clone)]
pub(crate) struct WeakRsaKey(Arc<RsaPrivateKey>);

impl fmt::Debug for WeakRsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WeakRsaKey(<redacted>)")
    }
}

impl SigningKey for WeakRsaKey {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        [
            SignatureScheme::RSA_PSS_SHA256,
            SignatureScheme::RSA_PKCS1_SHA256,
        ]
        .into_iter()
        .find(|s| offered.contains(s))
        .map(|scheme| {
            Box::new(WeakRsaSigner {
                key: self.0.clone(),
                scheme,
            }) as Box<dyn Signer>
        })
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::RSA
    }
}

struct WeakRsaSigner {
    key: Arc<RsaPrivateKey>,
    scheme: SignatureScheme,
}

impl fmt::Debug for WeakRsaSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WeakRsaSigner")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

impl Signer for WeakRsaSigner {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        use rsa::signature::{RandomizedSigner, SignatureEncoding};
        let key = (*self.key).clone();
        let mut rng = RingRng::new();
        let signature = if self.scheme == SignatureScheme::RSA_PSS_SHA256 {
            rsa::pss::BlindedSigningKey::<sha2::Sha256>::new(key)
                .try_sign_with_rng(&mut rng, message)
                .map(|s| s.to_vec())
        } else {
            rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key)
                .try_sign_with_rng(&mut rng, message)
                .map(|s| s.to_vec())
        };
        if rng.failed {
            return Err(rustls::Error::General(
                "the system random number generator failed".to_owned(),
            ));
        }
        signature.map_err(|e| rustls::Error::General(format!("RSA signing failed: {e}")))
    }

    fn scheme(&self) -> SignatureScheme {
        self.scheme
    }
}

/// `rand_core` 0.6 randomness from ring's `SystemRandom`, so the `rsa` crate needs no
/// `getrandom` feature. `fill_bytes` cannot fail: a failure sets `failed` (checked after use).
struct RingRng {
    sys: ring::rand::SystemRandom,
    failed: bool,
}

impl RingRng {
    fn new() -> Self {
        RingRng {
            sys: ring::rand::SystemRandom::new(),
            failed: false,
        }
    }
}

const RNG_FAILED: NonZeroU32 = match NonZeroU32::new(rand_core::Error::CUSTOM_START) {
    Some(code) => code,
    None => NonZeroU32::MIN,
};

impl RngCore for RingRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.try_fill_bytes(dest).is_err() {
            self.failed = true;
        }
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        ring::rand::SecureRandom::fill(&self.sys, dest)
            .map_err(|_| rand_core::Error::from(RNG_FAILED))
    }
}

impl CryptoRng for RingRng {}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::time::Duration;

    use rustls::pki_types::ServerName;
    use rustls::{CertificateError, ClientConfig, RootCertStore};
    use tokio_rustls::TlsConnector;

    use super::*;
    use crate::MemoryCerts;

    /// A verifying rustls client (trusting `certs`' CA, connecting to `localhost`) against a
    /// server with `ctx`: the client's handshake result.
    async fn client_handshake(ctx: &TlsContext, certs: &MemoryCerts) -> Result<(), rustls::Error> {
        let mut roots = RootCertStore::empty();
        for der in crate::certs::certs_from_pem(certs.ca_cert.as_bytes(), "ca".as_ref()).unwrap() {
            roots.add(der).unwrap();
        }
        let config = ClientConfig::builder_with_provider(crate::context::provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        let acceptor = ctx.acceptor();
        let server = tokio::spawn(async move { crate::accept(&acceptor, server_io).await });
        let connector = TlsConnector::from(Arc::new(config));
        let name = ServerName::try_from("localhost").unwrap();
        let out = tokio::time::timeout(Duration::from_secs(10), connector.connect(name, client_io))
            .await
            .expect("the handshake ends");
        let _ = server.await;
        match out {
            Ok(_) => Ok(()),
            Err(e) => Err(e
                .into_inner()
                .and_then(|inner| inner.downcast::<rustls::Error>().ok())
                .map(|b| *b)
                .expect("a rustls error")),
        }
    }

    fn context(fault: TlsFault, certs: &MemoryCerts) -> TlsContext {
        fault_context(fault, &certs.ca_cert, &certs.ca_key)
            .unwrap()
            .expect("a TLS fault has a context")
    }

    #[tokio::test]
    async fn every_certificate_fault_is_refused_by_a_verifying_client_for_its_own_reason() {
        let certs = MemoryCerts::generate().unwrap();
        let expect = |fault: TlsFault, err: &rustls::Error| match (fault, err) {
            (TlsFault::Expired, rustls::Error::InvalidCertificate(c)) => {
                matches!(
                    c,
                    CertificateError::Expired | CertificateError::ExpiredContext { .. }
                )
            }
            (TlsFault::NotYetValid, rustls::Error::InvalidCertificate(c)) => matches!(
                c,
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }
            ),
            (TlsFault::WrongHost, rustls::Error::InvalidCertificate(c)) => matches!(
                c,
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }
            ),
            (
                TlsFault::UntrustedCa | TlsFault::SelfSigned | TlsFault::IncompleteChain,
                rustls::Error::InvalidCertificate(c),
            ) => *c == CertificateError::UnknownIssuer,
            (TlsFault::WeakKey, rustls::Error::InvalidCertificate(c)) => {
                *c == CertificateError::BadSignature
            }
            _ => false,
        };
        for fault in TlsFault::ALL
            .into_iter()
            .filter(|f| f.is_certificate_fault())
        {
            let ctx = context(fault, &certs);
            let err = client_handshake(&ctx, &certs)
                .await
                .expect_err(fault.name());
            assert!(expect(fault, &err), "{fault}: unexpected error {err:?}");
        }
    }

    #[tokio::test]
    async fn the_dev_certificate_and_a_complete_chain_verify_so_the_faults_are_the_only_cause() {
        let certs = MemoryCerts::generate().unwrap();
        let good = TlsContext::from_pem(&certs.server_pem(), false).unwrap();
        client_handshake(&good, &certs).await.unwrap();
        // The incomplete-chain certificate verifies once the intermediate is sent.
        let issuer = issuer_from_pem(
            certs.ca_cert.as_bytes(),
            &certs.ca_key,
            "ca".as_ref(),
            "key".as_ref(),
        )
        .unwrap();
        let id = fault_identity(TlsFault::IncompleteChain, &issuer).unwrap();
        let full = TlsPem {
            cert_chain: format!("{}{}", id.chain, id.omitted_intermediate.unwrap()),
            key: id.key,
            ca: None,
        };
        let ctx = TlsContext::from_pem(&full, false).unwrap();
        client_handshake(&ctx, &certs).await.unwrap();
    }

    #[tokio::test]
    async fn client_cert_required_fails_a_client_without_a_certificate() {
        let certs = MemoryCerts::generate().unwrap();
        let ctx = context(TlsFault::ClientCertRequired, &certs);
        assert!(ctx.requires_client_certs());
        // TLS 1.3: the client's handshake ends before the server's verdict arrives; the server
        // refuses and the client sees the alert on its first read, so look at the server side.
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        let acceptor = ctx.acceptor();
        let server = tokio::spawn(async move { crate::accept(&acceptor, server_io).await });
        let mut roots = RootCertStore::empty();
        for der in crate::certs::certs_from_pem(certs.ca_cert.as_bytes(), "ca".as_ref()).unwrap() {
            roots.add(der).unwrap();
        }
        let config = ClientConfig::builder_with_provider(crate::context::provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = TlsConnector::from(Arc::new(config));
        let _client = connector
            .connect(ServerName::try_from("localhost").unwrap(), client_io)
            .await;
        let err = server.await.unwrap().expect_err("no client certificate");
        assert!(
            err.to_string().contains("did not present a certificate"),
            "{err}"
        );
    }

    #[test]
    fn fault_names_parse_back_and_unknown_names_list_the_choices() {
        for f in TlsFault::ALL {
            assert_eq!(f.name().parse::<TlsFault>().unwrap(), f);
            assert!(!f.client_check().is_empty() && !f.what().is_empty());
        }
        let err = "nope".parse::<TlsFault>().unwrap_err();
        assert!(err.contains("weak-key") && err.contains("no-tls"), "{err}");
        assert!(fault_context(TlsFault::NoTls, "", "").unwrap().is_none());
    }

    #[test]
    fn the_weak_key_certificate_has_a_1024_bit_rsa_key_signed_by_the_dev_ca() {
        let certs = MemoryCerts::generate().unwrap();
        let issuer = issuer_from_pem(
            certs.ca_cert.as_bytes(),
            &certs.ca_key,
            "ca".as_ref(),
            "key".as_ref(),
        )
        .unwrap();
        let (pem, _key) = weak_key_identity(&issuer).unwrap();
        let der = crate::certs::certs_from_pem(pem.as_bytes(), "weak".as_ref()).unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&der[0]).unwrap();
        match cert.public_key().parsed().unwrap() {
            x509_parser::public_key::PublicKey::RSA(rsa) => assert_eq!(rsa.key_size(), 1024),
            other => panic!("not RSA: {other:?}"),
        }
        let summary = crate::CertSummary::from_der(&der[0]).unwrap();
        assert!(
            summary.issuer.contains(crate::certs::CA_COMMON_NAME),
            "{}",
            summary.issuer
        );
    }

    #[test]
    fn the_weak_key_signatures_are_valid_rsa_signatures_so_only_the_key_size_is_wrong() {
        use rsa::signature::Verifier;
        let certs = MemoryCerts::generate().unwrap();
        let issuer = issuer_from_pem(
            certs.ca_cert.as_bytes(),
            &certs.ca_key,
            "ca".as_ref(),
            "key".as_ref(),
        )
        .unwrap();
        let (_, key) = weak_key_identity(&issuer).unwrap();
        let public = key.0.to_public_key();
        for scheme in [
            SignatureScheme::RSA_PSS_SHA256,
            SignatureScheme::RSA_PKCS1_SHA256,
        ] {
            let signer = key.choose_scheme(&[scheme]).unwrap();
            let sig = signer.sign(b"handshake transcript").unwrap();
            assert_eq!(sig.len(), 128);
            if scheme == SignatureScheme::RSA_PSS_SHA256 {
                let sig = rsa::pss::Signature::try_from(sig.as_slice()).unwrap();
                rsa::pss::VerifyingKey::<sha2::Sha256>::new(public.clone())
                    .verify(b"handshake transcript", &sig)
                    .unwrap();
            } else {
                let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).unwrap();
                rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(public.clone())
                    .verify(b"handshake transcript", &sig)
                    .unwrap();
            }
        }
        assert!(key
            .choose_scheme(&[SignatureScheme::ECDSA_NISTP256_SHA256])
            .is_none());
    }
}
