//! The loaded TLS configuration: certificate, key, optional client CA, rustls `ServerConfig`.
//!
//! MySQL docs: <https://dev.mysql.com/doc/refman/8.4/en/using-encrypted-connections.html>
//!
//! A [`TlsContext`] is immutable. `ALTER INSTANCE RELOAD TLS` loads a new one and swaps the `Arc`
//! the server holds; connections already established keep the old one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};

use crate::certs::{certs_from_pem, load_certs, load_private_key, private_key_from_pem};
use crate::ciphers::openssl_cipher_name;
use crate::{CertSummary, TlsError};

/// Where the server's TLS material lives (`ssl_cert`, `ssl_key`, `ssl_ca`, `ssl_crl`,
/// `ssl_crlpath`).
///
/// A context built from PEM text ([`TlsContext::from_pem`]) reports empty paths here, which is
/// what the `ssl_*` variables and `Current_tls_*` status variables then show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// PEM certificate chain, leaf first (`ssl_cert`).
    pub cert: PathBuf,
    /// PEM private key matching the leaf (`ssl_key`).
    pub key: PathBuf,
    /// PEM CA certificates used to verify client certificates (`ssl_ca`); `None` means client
    /// certificates are not requested.
    pub ca: Option<PathBuf>,
    /// PEM certificate revocation lists (`ssl_crl`): client certificates they list are refused.
    /// Needs `ca`.
    pub crl: Option<PathBuf>,
    /// A directory whose files hold PEM CRLs (`ssl_crlpath`), read as `crl` is. Needs `ca`.
    pub crlpath: Option<PathBuf>,
    /// Fail the TLS handshake of a client that sends no certificate. MySQL has no such server
    /// option (accounts ask for certificates with `REQUIRE X509`); myseal offers it so that a test
    /// server can insist on mutual TLS for every connection. Needs `ca`.
    pub require_client_cert: bool,
}

/// TLS material held in memory as PEM text, for a server that writes nothing to disk.
///
/// `Debug` leaves the private key out.
#[derive(Clone, PartialEq, Eq)]
pub struct TlsPem {
    /// PEM certificate chain, leaf first.
    pub cert_chain: String,
    /// PEM private key (PKCS#8, SEC1 or PKCS#1) matching the leaf.
    pub key: String,
    /// PEM CA certificates used to verify client certificates; `None` means client certificates
    /// are not requested.
    pub ca: Option<String>,
}

impl std::fmt::Debug for TlsPem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsPem")
            .field("cert_chain", &self.cert_chain)
            .field("key", &"<redacted>")
            .field("ca", &self.ca)
            .finish()
    }
}

/// What error messages call the parts of an in-memory [`TlsPem`] (they name files otherwise).
const PEM_CERT: &str = "(in-memory server certificate)";
const PEM_KEY: &str = "(in-memory server key)";
const PEM_CA: &str = "(in-memory CA certificate)";

/// A loaded, immutable TLS configuration.
///
/// Reloading means loading a new `TlsContext` and swapping the `Arc` that holds it; the server
/// does that.
#[derive(Clone, Debug)]
pub struct TlsContext {
    config: Arc<ServerConfig>,
    server_cert: CertSummary,
    settings: TlsSettings,
    cipher_names: Vec<&'static str>,
    client_ca: bool,
}

/// The only crypto provider myseal uses. Never installed process-wide.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// TLS 1.2 and 1.3 only, like MySQL 8.4's default `tls_version`.
pub(crate) static PROTOCOL_VERSIONS: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

/// The server's certificate chain and key, checked against each other's formats and summarized.
struct ServerIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    server_cert: CertSummary,
    cipher_names: Vec<&'static str>,
}

impl ServerIdentity {
    fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        cert_label: &Path,
        key_label: &Path,
        provider: &CryptoProvider,
    ) -> Result<Self, TlsError> {
        let leaf = chain.first().ok_or_else(|| TlsError::NoCertificate {
            path: cert_label.to_path_buf(),
        })?;
        let server_cert = CertSummary::from_der(leaf).map_err(|e| TlsError::BadPem {
            path: cert_label.to_path_buf(),
            reason: e.to_string(),
        })?;
        let signing_key = provider
            .key_provider
            .load_private_key(key.clone_key())
            .map_err(|e| TlsError::BadPem {
                path: key_label.to_path_buf(),
                reason: format!("unsupported or malformed private key: {e}"),
            })?;
        let cipher_names = provider
            .cipher_suites
            .iter()
            .filter(|suite| suite.usable_for_signature_algorithm(signing_key.algorithm()))
            .map(|suite| openssl_cipher_name(suite.suite()))
            .filter(|name| !name.is_empty())
            .collect();
        Ok(ServerIdentity {
            chain,
            key,
            server_cert,
            cipher_names,
        })
    }
}

impl TlsContext {
    /// Loads the certificate chain and private key (PKCS#8, SEC1 or PKCS#1 PEM) and, with `ca`, a
    /// client-certificate verifier.
    ///
    /// With `ca`, clients are asked for a certificate: a client that sends none is still accepted
    /// (accounts decide with REQUIRE X509 later) unless `require_client_cert` is set; one whose
    /// certificate does not verify against the CA fails the handshake. Without `ca`, client
    /// certificates are not requested.
    ///
    /// With `crl`/`crlpath` (MySQL's `ssl_crl`/`ssl_crlpath`), every certificate of the client's
    /// chain is checked against the CRLs, as MySQL asks OpenSSL to (`X509_V_FLAG_CRL_CHECK |
    /// X509_V_FLAG_CRL_CHECK_ALL`): a revoked certificate, or one whose issuer has no CRL among
    /// those given, fails the handshake.
    ///
    /// Errors name the file and what is wrong with it (missing file, no certificate in the PEM, no
    /// key, key does not match the certificate, unusable CA, unreadable CRL).
    pub fn load(settings: &TlsSettings) -> Result<Self, TlsError> {
        let provider = provider();
        let identity = ServerIdentity::new(
            load_certs(&settings.cert)?,
            load_private_key(&settings.key)?,
            &settings.cert,
            &settings.key,
            &provider,
        )?;
        let verifier = match &settings.ca {
            Some(ca) => {
                let crls = load_crls(settings)?;
                let roots = load_certs(ca)?;
                Some(client_verifier(
                    ca,
                    roots,
                    &crls,
                    settings.require_client_cert,
                    provider.clone(),
                )?)
            }
            None if settings.crl.is_some() || settings.crlpath.is_some() => {
                return Err(TlsError::Verifier(
                    "ssl_crl and ssl_crlpath need ssl_ca: revocation lists apply to client \
                     certificates, which are only verified against a CA"
                        .to_owned(),
                ))
            }
            None if settings.require_client_cert => return Err(no_ca_to_require()),
            None => None,
        };
        let ctx = Self::build(
            identity,
            verifier,
            settings.clone(),
            provider,
            &settings.cert,
            &settings.key,
        )?;
        tracing::debug!(
            cert = %settings.cert.display(),
            subject = %ctx.server_cert.subject,
            client_ca = settings.ca.is_some(),
            crl = settings.crl.is_some() || settings.crlpath.is_some(),
            "loaded TLS context"
        );
        Ok(ctx)
    }

    /// Builds a context from PEM text held in memory, as [`TlsContext::load`] does from files
    /// (without revocation lists). Nothing is read from or written to disk; [`Self::settings`]
    /// then holds empty paths, so `ssl_cert`, `ssl_key` and `ssl_ca` show empty values.
    pub fn from_pem(pem: &TlsPem, require_client_cert: bool) -> Result<Self, TlsError> {
        let provider = provider();
        let (cert_label, key_label) = (Path::new(PEM_CERT), Path::new(PEM_KEY));
        let identity = ServerIdentity::new(
            certs_from_pem(pem.cert_chain.as_bytes(), cert_label)?,
            private_key_from_pem(pem.key.as_bytes(), key_label)?,
            cert_label,
            key_label,
            &provider,
        )?;
        let verifier = match &pem.ca {
            Some(ca) => {
                let label = Path::new(PEM_CA);
                let roots = certs_from_pem(ca.as_bytes(), label)?;
                Some(client_verifier(
                    label,
                    roots,
                    &[],
                    require_client_cert,
                    provider.clone(),
                )?)
            }
            None if require_client_cert => return Err(no_ca_to_require()),
            None => None,
        };
        let settings = TlsSettings {
            require_client_cert,
            ..TlsSettings::default()
        };
        let ctx = Self::build(
            identity, verifier, settings, provider, cert_label, key_label,
        )?;
        tracing::debug!(
            subject = %ctx.server_cert.subject,
            client_ca = pem.ca.is_some(),
            "built in-memory TLS context"
        );
        Ok(ctx)
    }

    /// A context whose server key is not one the crypto provider can load: the `weak-key` TLS
    /// fault's 1024-bit RSA key, signing through `key`. Client certificates are verified against
    /// `ca` (PEM) as in [`Self::from_pem`].
    pub(crate) fn from_signing_key(
        chain_pem: &str,
        key: Arc<dyn rustls::sign::SigningKey>,
        ca: &str,
    ) -> Result<Self, TlsError> {
        let provider = provider();
        let cert_label = Path::new(PEM_CERT);
        let chain = certs_from_pem(chain_pem.as_bytes(), cert_label)?;
        let leaf = chain.first().ok_or_else(|| TlsError::NoCertificate {
            path: cert_label.to_path_buf(),
        })?;
        let server_cert = CertSummary::from_der(leaf).map_err(|e| TlsError::BadPem {
            path: cert_label.to_path_buf(),
            reason: e.to_string(),
        })?;
        let cipher_names = provider
            .cipher_suites
            .iter()
            .filter(|suite| suite.usable_for_signature_algorithm(key.algorithm()))
            .map(|suite| openssl_cipher_name(suite.suite()))
            .filter(|name| !name.is_empty())
            .collect();
        let label = Path::new(PEM_CA);
        let roots = certs_from_pem(ca.as_bytes(), label)?;
        let verifier = client_verifier(label, roots, &[], false, provider.clone())?;
        let certified = Arc::new(rustls::sign::CertifiedKey::new(chain, key));
        let config = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(PROTOCOL_VERSIONS)?
            .with_client_cert_verifier(verifier)
            .with_cert_resolver(Arc::new(OneCert(certified)));
        Ok(TlsContext {
            config: Arc::new(config),
            server_cert,
            settings: TlsSettings::default(),
            cipher_names,
            client_ca: true,
        })
    }

    fn build(
        identity: ServerIdentity,
        verifier: Option<Arc<dyn rustls::server::danger::ClientCertVerifier>>,
        settings: TlsSettings,
        provider: Arc<CryptoProvider>,
        cert_label: &Path,
        key_label: &Path,
    ) -> Result<Self, TlsError> {
        let builder = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(PROTOCOL_VERSIONS)?;
        let client_ca = verifier.is_some();
        let builder = match verifier {
            Some(v) => builder.with_client_cert_verifier(v),
            None => builder.with_no_client_auth(),
        };
        let config = builder
            .with_single_cert(identity.chain, identity.key)
            .map_err(|e| map_cert_error(e, cert_label, key_label))?;
        Ok(TlsContext {
            config: Arc::new(config),
            server_cert: identity.server_cert,
            settings,
            cipher_names: identity.cipher_names,
            client_ca,
        })
    }

    /// A tokio-rustls acceptor sharing this context's `ServerConfig`.
    pub fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(Arc::clone(&self.config))
    }

    /// The rustls configuration.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        Arc::clone(&self.config)
    }

    /// Names and dates of the leaf server certificate (`Ssl_server_not_before`, ...).
    pub fn server_cert(&self) -> &CertSummary {
        &self.server_cert
    }

    /// The paths this context was loaded from (empty for one built with [`Self::from_pem`]).
    pub fn settings(&self) -> &TlsSettings {
        &self.settings
    }

    /// Whether client certificates are requested and verified (a CA was configured).
    pub fn verifies_client_certs(&self) -> bool {
        self.client_ca
    }

    /// Whether a client without a certificate fails the handshake.
    pub fn requires_client_certs(&self) -> bool {
        self.settings.require_client_cert
    }

    /// OpenSSL names of the cipher suites this context can negotiate, in preference order.
    pub(crate) fn cipher_names(&self) -> &[&'static str] {
        &self.cipher_names
    }
}

/// Always the same certificate and key (what `with_single_cert` does for keys the provider loads).
#[derive(Debug)]
struct OneCert(Arc<rustls::sign::CertifiedKey>);

impl rustls::server::ResolvesServerCert for OneCert {
    fn resolve(
        &self,
        _client_hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(self.0.clone())
    }
}

fn no_ca_to_require() -> TlsError {
    TlsError::Verifier(
        "requiring client certificates needs a CA to verify them against (ssl_ca)".to_owned(),
    )
}

/// The CRLs of `ssl_crl` (one PEM file, any number of `X509 CRL` sections) and of every regular
/// file in `ssl_crlpath`, in name order. The file must hold at least one CRL; files in the
/// directory without any are skipped (OpenSSL's hashed-name directories hold other links too).
fn load_crls(
    settings: &TlsSettings,
) -> Result<Vec<CertificateRevocationListDer<'static>>, TlsError> {
    let mut crls = Vec::new();
    if let Some(file) = &settings.crl {
        let found = read_crls(file)?;
        if found.is_empty() {
            return Err(TlsError::BadPem {
                path: file.clone(),
                reason: "no X509 CRL found in the PEM file".to_owned(),
            });
        }
        crls.extend(found);
    }
    if let Some(dir) = &settings.crlpath {
        let entries = std::fs::read_dir(dir).map_err(|e| TlsError::io(dir, e))?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| TlsError::io(dir, e))?;
            if entry
                .file_type()
                .map_err(|e| TlsError::io(dir, e))?
                .is_file()
            {
                files.push(entry.path());
            }
        }
        files.sort();
        for file in files {
            crls.extend(read_crls(&file)?);
        }
    }
    Ok(crls)
}

fn read_crls(path: &Path) -> Result<Vec<CertificateRevocationListDer<'static>>, TlsError> {
    let bytes = std::fs::read(path).map_err(|e| TlsError::io(path, e))?;
    CertificateRevocationListDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::BadPem {
            path: path.to_path_buf(),
            reason: format!("invalid PEM: {e}"),
        })
}

fn client_verifier(
    ca: &Path,
    ca_certs: Vec<CertificateDer<'static>>,
    crls: &[CertificateRevocationListDer<'static>],
    require_client_cert: bool,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn rustls::server::danger::ClientCertVerifier>, TlsError> {
    let mut roots = RootCertStore::empty();
    for (i, cert) in ca_certs.into_iter().enumerate() {
        roots.add(cert).map_err(|e| TlsError::BadPem {
            path: ca.to_path_buf(),
            reason: format!("certificate #{} is not a usable CA: {e}", i + 1),
        })?;
    }
    let builder = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
        .with_crls(crls.iter().cloned());
    let builder = if require_client_cert {
        builder
    } else {
        builder.allow_unauthenticated()
    };
    builder.build().map_err(|e| match e {
        rustls::server::VerifierBuilderError::InvalidCrl(_) => {
            TlsError::Verifier(format!("ssl_crl/ssl_crlpath: {e}"))
        }
        e => TlsError::Verifier(format!("{}: {e}", ca.display())),
    })
}

fn map_cert_error(err: rustls::Error, cert: &Path, key: &Path) -> TlsError {
    match err {
        rustls::Error::InconsistentKeys(_) => TlsError::KeyMismatch {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
        },
        other => TlsError::BadPem {
            path: cert.to_path_buf(),
            reason: other.to_string(),
        },
    }
}
