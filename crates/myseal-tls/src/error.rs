//! The one error type of myseal-tls.

use std::path::PathBuf;

/// Everything that can go wrong loading, generating or using TLS material.
///
/// Messages name the file involved and what is wrong with it, so they can be shown to an operator
/// as-is (server start-up, `ALTER INSTANCE RELOAD TLS`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A file could not be read, written or created.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A PEM file holds no `CERTIFICATE` section.
    #[error("no certificate found in PEM file {}", path.display())]
    NoCertificate {
        /// The file that was read.
        path: PathBuf,
    },
    /// A PEM file holds no private key section (PKCS#8, SEC1 or PKCS#1).
    #[error("no private key (PKCS#8, SEC1 or PKCS#1 PEM) found in {}", path.display())]
    NoPrivateKey {
        /// The file that was read.
        path: PathBuf,
    },
    /// A PEM file, or the certificate or key inside it, is malformed or unsupported.
    #[error("{}: {reason}", path.display())]
    BadPem {
        /// The file that was read.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The private key does not belong to the certificate.
    #[error("private key {} does not match the certificate in {}", key.display(), cert.display())]
    KeyMismatch {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
    },
    /// Some, but not all, auto-generated certificate files exist; nothing was overwritten.
    #[error(
        "incomplete auto-generated TLS files, missing: {}; remove the remaining ones to regenerate, or provide all of them",
        missing.join(", ")
    )]
    PartialDevCerts {
        /// Paths of the files that are missing.
        missing: Vec<String>,
    },
    /// Generating a key or certificate failed.
    #[error("certificate generation failed: {0}")]
    Generate(String),
    /// rustls rejected the configuration.
    #[error("TLS configuration error: {0}")]
    Rustls(#[from] rustls::Error),
    /// The TLS handshake with a client failed; `reason` is meant for a handshake trace.
    #[error("TLS handshake failed: {reason}")]
    Handshake {
        /// Human-readable reason, e.g. `client certificate not trusted: UnknownIssuer`.
        reason: String,
    },
    /// The client-certificate verifier could not be built from the CA file.
    #[error("cannot build client certificate verifier: {0}")]
    Verifier(String),
    /// A certificate could not be parsed or used.
    #[error("bad certificate: {0}")]
    BadCertificate(String),
}

impl TlsError {
    /// Wraps an I/O error with the path it concerns.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TlsError::Io {
            path: path.into(),
            source,
        }
    }
}
