//! Accepting a TLS connection after the client's SSLRequest, and the facts MySQL reports about it.
//!
//! MySQL docs: <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html>
//! (SSL handshake) and <https://dev.mysql.com/doc/refman/8.4/en/server-status-variables.html#statvar_Ssl_cipher>.
//!
//! The session hands the raw stream to [`accept`] right after the SSLRequest packet (with no bytes
//! of the ClientHello already buffered elsewhere). On success it gets the TLS stream and a
//! [`PeerInfo`] for `Ssl_version`, `Ssl_cipher` and REQUIRE X509/SUBJECT/ISSUER/CIPHER checks. On
//! failure, [`TlsError::Handshake`] carries a one-line reason for the handshake trace; rustls and
//! I/O errors are turned into such reasons by [`describe_handshake_error`].
//!
//! `accept` has no timeout of its own: the caller wraps it in its connect timeout.

use std::io;

use rustls::{
    AlertDescription, CertificateError, InvalidMessage, PeerIncompatible, ProtocolVersion,
};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::{openssl_cipher_name, CertSummary, TlsError};

/// What MySQL's `Ssl_*` status variables and REQUIRE checks need about an established connection.
#[derive(Clone, Debug)]
pub struct PeerInfo {
    /// `"TLSv1.2"` or `"TLSv1.3"` (`Ssl_version`).
    pub version: &'static str,
    /// OpenSSL cipher name, e.g. `"TLS_AES_256_GCM_SHA384"` (`Ssl_cipher`).
    pub cipher: &'static str,
    /// Subject, issuer and dates of the client's leaf certificate, if it sent one and it parsed.
    pub client_cert: Option<CertSummary>,
    /// DER of the client's leaf certificate, if it sent one.
    pub client_cert_der: Option<Vec<u8>>,
    /// `true` if the client presented a certificate and it verified against `ssl_ca`.
    ///
    /// With a CA configured, rustls fails the handshake on a certificate that does not verify, so
    /// a completed handshake with a certificate means it verified; without a CA, certificates are
    /// never requested.
    pub client_cert_verified: bool,
    /// The client resumed an earlier TLS session (`Ssl_sessions_reused`): no full handshake and
    /// no new certificate verification (the session's own, from when it was made, stands).
    pub resumed: bool,
}

impl PeerInfo {
    /// Reads the negotiated version, cipher suite and client certificate of a connection whose
    /// handshake is complete. Never panics; unknown values come out as `""` / `None`.
    pub fn from_connection(conn: &rustls::ServerConnection) -> Self {
        let version = match conn.protocol_version() {
            Some(ProtocolVersion::TLSv1_2) => "TLSv1.2",
            Some(ProtocolVersion::TLSv1_3) => "TLSv1.3",
            _ => "",
        };
        let cipher = conn
            .negotiated_cipher_suite()
            .map(|suite| openssl_cipher_name(suite.suite()))
            .unwrap_or("");
        let client_cert_der = conn
            .peer_certificates()
            .and_then(|chain| chain.first())
            .map(|cert| cert.as_ref().to_vec());
        let client_cert = client_cert_der
            .as_deref()
            .and_then(|der| match CertSummary::from_der(der) {
                Ok(summary) => Some(summary),
                Err(e) => {
                    tracing::warn!(error = %e, "verified client certificate could not be summarized");
                    None
                }
            });
        PeerInfo {
            version,
            cipher,
            client_cert_verified: client_cert_der.is_some(),
            client_cert,
            client_cert_der,
            resumed: conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed),
        }
    }
}

/// Runs the server side of a TLS handshake on an already-connected stream.
///
/// On failure the error is [`TlsError::Handshake`] with a human-readable reason ("client
/// certificate not trusted: UnknownIssuer", "peer is not speaking TLS", "unsupported protocol
/// version", "client closed the connection during the TLS handshake", ...).
pub async fn accept<IO>(
    acceptor: &tokio_rustls::TlsAcceptor,
    io: IO,
) -> Result<(crate::ServerStream<IO>, PeerInfo), TlsError>
where
    IO: AsyncRead + AsyncWrite + Unpin,
{
    match acceptor.accept(io).await {
        Ok(stream) => {
            let info = PeerInfo::from_connection(stream.get_ref().1);
            tracing::debug!(
                version = info.version,
                cipher = info.cipher,
                client_cert = info.client_cert.as_ref().map(|c| c.subject.as_str()),
                "TLS handshake complete"
            );
            Ok((crate::ServerStream::new(stream), info))
        }
        Err(err) => {
            let reason = describe_handshake_error(&err);
            tracing::debug!(%reason, "TLS handshake failed");
            Err(TlsError::Handshake { reason })
        }
    }
}

/// Turns the I/O error tokio-rustls returns from a failed handshake into a one-line reason.
///
/// rustls errors travel inside the `io::Error`; they are described by [`describe_rustls_error`].
pub fn describe_handshake_error(err: &io::Error) -> String {
    if let Some(tls) = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return describe_rustls_error(tls);
    }
    match err.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::WriteZero => {
            "client closed the connection during the TLS handshake".to_owned()
        }
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => "connection reset during the TLS handshake".to_owned(),
        io::ErrorKind::TimedOut => "TLS handshake timed out".to_owned(),
        _ => format!("I/O error during the TLS handshake: {err}"),
    }
}

/// Describes a rustls handshake error in words fit for a handshake trace.
pub fn describe_rustls_error(err: &rustls::Error) -> String {
    use rustls::Error as E;
    match err {
        E::InvalidMessage(
            InvalidMessage::InvalidContentType
            | InvalidMessage::UnknownProtocolVersion
            | InvalidMessage::MessageTooLarge
            | InvalidMessage::InvalidEmptyPayload,
        )
        | E::PeerSentOversizedRecord => "peer is not speaking TLS".to_owned(),
        E::InvalidMessage(m) => format!("malformed TLS message from client: {m:?}"),
        E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            format!("unexpected TLS message from client: {err}")
        }
        E::PeerIncompatible(p) => match p {
            PeerIncompatible::Tls12NotOffered
            | PeerIncompatible::Tls12NotOfferedOrEnabled
            | PeerIncompatible::SupportedVersionsExtensionRequired => {
                "unsupported protocol version: client offers neither TLSv1.2 nor TLSv1.3".to_owned()
            }
            // signature_algorithms exists only from TLS 1.2 on; TLS 1.0/1.1 clients never send
            // it, and rustls checks for it before looking at the version.
            PeerIncompatible::SignatureAlgorithmsExtensionRequired => {
                "unsupported protocol version: ClientHello lacks the TLSv1.2 signature_algorithms \
                 extension (TLSv1.0/1.1 client?)"
                    .to_owned()
            }
            PeerIncompatible::NoCipherSuitesInCommon => {
                "no cipher suite in common with the client".to_owned()
            }
            PeerIncompatible::NoKxGroupsInCommon => {
                "no key exchange group in common with the client".to_owned()
            }
            PeerIncompatible::NoSignatureSchemesInCommon => {
                "no signature scheme in common with the client".to_owned()
            }
            other => format!("client is incompatible: {other:?}"),
        },
        E::InvalidCertificate(c) => {
            format!(
                "client certificate not trusted: {}",
                certificate_error_name(c)
            )
        }
        E::NoCertificatesPresented => "client did not present a certificate".to_owned(),
        E::AlertReceived(alert) => match alert {
            AlertDescription::BadCertificate
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnknownCA
            | AlertDescription::AccessDenied => {
                format!("client rejected the server certificate (alert {alert:?})")
            }
            AlertDescription::ProtocolVersion => {
                "unsupported protocol version (client sent a protocol_version alert)".to_owned()
            }
            AlertDescription::CloseNotify => {
                "client closed the connection during the TLS handshake".to_owned()
            }
            other => format!("client aborted the TLS handshake (alert {other:?})"),
        },
        E::PeerMisbehaved(m) => format!("client violated the TLS protocol: {m:?}"),
        E::DecryptError => "could not decrypt a TLS record from the client".to_owned(),
        other => format!("TLS error: {other}"),
    }
}

/// Short, stable name of a certificate verification failure (`UnknownIssuer`, `Expired`, ...).
fn certificate_error_name(err: &CertificateError) -> String {
    match err {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => "Expired".to_owned(),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "NotValidYet".to_owned()
        }
        CertificateError::UnsupportedSignatureAlgorithmContext { .. }
        | CertificateError::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "UnsupportedSignatureAlgorithm".to_owned()
        }
        CertificateError::InvalidPurposeContext { .. } => "InvalidPurpose".to_owned(),
        CertificateError::NotValidForNameContext { .. } => "NotValidForName".to_owned(),
        CertificateError::Revoked => "Revoked (listed in ssl_crl/ssl_crlpath)".to_owned(),
        CertificateError::UnknownRevocationStatus => {
            "UnknownRevocationStatus (no CRL in ssl_crl/ssl_crlpath from its issuer)".to_owned()
        }
        CertificateError::ExpiredRevocationList
        | CertificateError::ExpiredRevocationListContext { .. } => {
            "ExpiredRevocationList (the CRL in ssl_crl/ssl_crlpath is past its nextUpdate)"
                .to_owned()
        }
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn describes_untrusted_client_certificates_by_cause() {
        let e = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert_eq!(
            describe_rustls_error(&e),
            "client certificate not trusted: UnknownIssuer"
        );
        let e = rustls::Error::InvalidCertificate(CertificateError::ExpiredContext {
            time: rustls_pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(2)),
            not_after: rustls_pki_types::UnixTime::since_unix_epoch(
                std::time::Duration::from_secs(1),
            ),
        });
        assert_eq!(
            describe_rustls_error(&e),
            "client certificate not trusted: Expired"
        );
    }

    #[test]
    fn describes_non_tls_bytes_and_version_mismatches() {
        let e = rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType);
        assert_eq!(describe_rustls_error(&e), "peer is not speaking TLS");
        let e = rustls::Error::PeerIncompatible(PeerIncompatible::Tls12NotOffered);
        assert!(describe_rustls_error(&e).starts_with("unsupported protocol version"));
        let e = rustls::Error::AlertReceived(AlertDescription::ProtocolVersion);
        assert!(describe_rustls_error(&e).starts_with("unsupported protocol version"));
    }

    #[test]
    fn describes_alerts_about_the_server_certificate() {
        let e = rustls::Error::AlertReceived(AlertDescription::UnknownCA);
        assert_eq!(
            describe_rustls_error(&e),
            "client rejected the server certificate (alert UnknownCA)"
        );
        let e = rustls::Error::AlertReceived(AlertDescription::HandshakeFailure);
        assert_eq!(
            describe_rustls_error(&e),
            "client aborted the TLS handshake (alert HandshakeFailure)"
        );
    }

    #[test]
    fn unwraps_rustls_errors_carried_in_io_errors() {
        let io_err = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::BadSignature),
        );
        assert_eq!(
            describe_handshake_error(&io_err),
            "client certificate not trusted: BadSignature"
        );
    }

    #[test]
    fn describes_plain_io_failures() {
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "tls handshake eof");
        assert_eq!(
            describe_handshake_error(&eof),
            "client closed the connection during the TLS handshake"
        );
        let reset = io::Error::from(io::ErrorKind::ConnectionReset);
        assert_eq!(
            describe_handshake_error(&reset),
            "connection reset during the TLS handshake"
        );
        let other = io::Error::other("boom");
        assert_eq!(
            describe_handshake_error(&other),
            "I/O error during the TLS handshake: boom"
        );
    }
}
