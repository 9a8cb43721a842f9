#![forbid(unsafe_code)]
//! myseal-tls: everything rustls, for a server that must look like MySQL 8.4.
//!
//! MySQL docs: <https://dev.mysql.com/doc/refman/8.4/en/using-encrypted-connections.html>
//!
//! **Architecture invariant:** this is the only crate that configures rustls. It uses the ring
//! provider passed explicitly to every builder (never a process-wide default), allows TLS 1.2 and
//! 1.3 only, and never logs key material.
//!
//! Module map:
//! - [`certs`]: generating MySQL-style auto certificates ([`ensure_dev_certs`] on disk,
//!   [`MemoryCerts`] in memory), issuing test certificates, loading PEM files and text.
//! - [`names`]: OpenSSL text forms of names and dates ([`CertSummary`]), as MySQL shows them.
//! - `context`: [`TlsSettings`] (files) or [`TlsPem`] (PEM text in memory) → [`TlsContext`]
//!   (rustls `ServerConfig`, client-cert verifier, optionally requiring a client certificate).
//! - `handshake`: [`accept`] a TLS connection and read [`PeerInfo`] (version, cipher, client cert).
//! - [`faults`]: TLS fault scenarios ([`TlsFault`], `--tls-fault`): faulty server certificates
//!   generated in memory from the dev CA, and their [`TlsContext`]s ([`fault_context`]).
//! - `ciphers`: OpenSSL cipher names ([`openssl_cipher_name`], [`cipher_list`]).
//!
//! Flow: the server loads a `TlsContext` at start (and again on `ALTER INSTANCE RELOAD TLS`,
//! swapping an `Arc`); for each SSLRequest it calls [`accept`] with `ctx.acceptor()` and the raw
//! stream, and keeps the returned `PeerInfo` for `Ssl_*` status variables and REQUIRE checks.

pub mod certs;
mod ciphers;
mod context;
mod error;
pub mod faults;
mod handshake;
pub mod names;
mod stream;

pub use certs::{ensure_dev_certs, generate_ca, issue_cert, write_crl, DevCerts, MemoryCerts};
pub use ciphers::{cipher_list, openssl_cipher_name};
pub use context::{TlsContext, TlsPem, TlsSettings};
pub use error::TlsError;
pub use faults::{fault_context, TlsFault};
pub use handshake::{accept, describe_handshake_error, describe_rustls_error, PeerInfo};
pub use names::CertSummary;
pub use stream::ServerStream;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::fs;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    use std::path::{Path, PathBuf};
    use std::sync::Arc;
    use std::time::Duration;

    use rustls::pki_types::ServerName;
    use rustls::{ClientConfig, RootCertStore};
    use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
    use tokio::time::timeout;
    use tokio_rustls::client::TlsStream as ClientTls;
    use tokio_rustls::TlsConnector;

    use super::*;
    use crate::certs::tests::temp_dir;
    use crate::certs::{load_certs, load_private_key};

    const LIMIT: Duration = Duration::from_secs(10);

    type Versions = &'static [&'static rustls::SupportedProtocolVersion];
    static BOTH: Versions = &[&rustls::version::TLS13, &rustls::version::TLS12];
    static TLS12_ONLY: Versions = &[&rustls::version::TLS12];
    static TLS13_ONLY: Versions = &[&rustls::version::TLS13];

    /// A fresh directory with auto-generated certificates, removed on drop.
    struct Fixture {
        dir: PathBuf,
        dev: DevCerts,
    }

    impl Fixture {
        fn new(tag: &str) -> Self {
            let dir = temp_dir(tag);
            let dev = ensure_dev_certs(&dir).unwrap();
            Fixture { dir, dev }
        }

        fn settings(&self, with_ca: bool) -> TlsSettings {
            TlsSettings {
                cert: self.dev.server_cert.clone(),
                key: self.dev.server_key.clone(),
                ca: with_ca.then(|| self.dev.ca_cert.clone()),
                ..TlsSettings::default()
            }
        }

        fn context(&self, with_ca: bool) -> TlsContext {
            TlsContext::load(&self.settings(with_ca)).unwrap()
        }

        fn path(&self, name: &str) -> PathBuf {
            self.dir.join(name)
        }
    }

    impl Drop for Fixture {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    fn testdata(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(name)
    }

    /// Client-side knobs for one handshake.
    struct Client<'a> {
        trust: &'a Path,
        versions: Versions,
        suites: Option<&'a [rustls::CipherSuite]>,
        cert: Option<(&'a Path, &'a Path)>,
        server_name: ServerName<'static>,
    }

    impl<'a> Client<'a> {
        fn trusting(trust: &'a Path) -> Self {
            Client {
                trust,
                versions: BOTH,
                suites: None,
                cert: None,
                server_name: ServerName::try_from("localhost").unwrap(),
            }
        }

        fn connector(&self) -> TlsConnector {
            let mut provider = rustls::crypto::ring::default_provider();
            if let Some(suites) = self.suites {
                provider
                    .cipher_suites
                    .retain(|s| suites.contains(&s.suite()));
            }
            let mut roots = RootCertStore::empty();
            for cert in load_certs(self.trust).unwrap() {
                roots.add(cert).unwrap();
            }
            let builder = ClientConfig::builder_with_provider(Arc::new(provider))
                .with_protocol_versions(self.versions)
                .unwrap()
                .with_root_certificates(roots);
            let config = match self.cert {
                Some((cert, key)) => builder
                    .with_client_auth_cert(
                        load_certs(cert).unwrap(),
                        load_private_key(key).unwrap(),
                    )
                    .unwrap(),
                None => builder.with_no_client_auth(),
            };
            TlsConnector::from(Arc::new(config))
        }
    }

    type ServerSide = Result<(crate::ServerStream<DuplexStream>, PeerInfo), TlsError>;
    type ClientSide = std::io::Result<ClientTls<DuplexStream>>;

    /// Runs both sides of a handshake over an in-memory pipe, bounded by a timeout.
    async fn handshake(ctx: &TlsContext, client: &Client<'_>) -> (ServerSide, ClientSide) {
        handshake_with(ctx, client.connector(), client.server_name.clone()).await
    }

    async fn handshake_with(
        ctx: &TlsContext,
        connector: TlsConnector,
        name: ServerName<'static>,
    ) -> (ServerSide, ClientSide) {
        let (server_io, client_io) = tokio::io::duplex(64 * 1024);
        let acceptor = ctx.acceptor();
        let both = async {
            tokio::join!(
                accept(&acceptor, server_io),
                connector.connect(name, client_io)
            )
        };
        timeout(LIMIT, both).await.expect("handshake hung")
    }

    /// Proves the established streams carry data both ways.
    async fn exchange(
        server: &mut crate::ServerStream<DuplexStream>,
        client: &mut ClientTls<DuplexStream>,
    ) {
        client.write_all(b"ping").await.unwrap();
        client.flush().await.unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        server.write_all(b"pong").await.unwrap();
        server.flush().await.unwrap();
        client.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"pong");
    }

    #[tokio::test]
    async fn tls13_handshake_reports_version_and_openssl_cipher() {
        let fx = Fixture::new("tls13");
        let ctx = fx.context(true);
        let (server, client) = handshake(&ctx, &Client::trusting(&fx.dev.ca_cert)).await;
        let (mut server, info) = server.unwrap();
        let mut client = client.unwrap();
        assert_eq!(info.version, "TLSv1.3");
        assert_eq!(info.cipher, "TLS_AES_256_GCM_SHA384");
        assert!(info.client_cert.is_none());
        assert!(info.client_cert_der.is_none());
        assert!(!info.client_cert_verified);
        exchange(&mut server, &mut client).await;
    }

    #[tokio::test]
    async fn tls13_cipher_follows_the_negotiated_suite() {
        let fx = Fixture::new("tls13-chacha");
        let ctx = fx.context(false);
        let mut client = Client::trusting(&fx.dev.ca_cert);
        client.suites = Some(&[rustls::CipherSuite::TLS13_CHACHA20_POLY1305_SHA256]);
        let (server, client) = handshake(&ctx, &client).await;
        client.unwrap();
        assert_eq!(server.unwrap().1.cipher, "TLS_CHACHA20_POLY1305_SHA256");
    }

    #[tokio::test]
    async fn forced_tls12_handshake_reports_tls12_names() {
        let fx = Fixture::new("tls12");
        let ctx = fx.context(true);
        let mut client = Client::trusting(&fx.dev.ca_cert);
        client.versions = TLS12_ONLY;
        let (server, client_side) = handshake(&ctx, &client).await;
        let (mut server, info) = server.unwrap();
        let mut client_stream = client_side.unwrap();
        assert_eq!(info.version, "TLSv1.2");
        assert_eq!(info.cipher, "ECDHE-ECDSA-AES256-GCM-SHA384");
        exchange(&mut server, &mut client_stream).await;

        client.suites = Some(&[rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]);
        let (server, client_side) = handshake(&ctx, &client).await;
        client_side.unwrap();
        let info = server.unwrap().1;
        assert_eq!(info.version, "TLSv1.2");
        assert_eq!(info.cipher, "ECDHE-ECDSA-AES128-GCM-SHA256");
    }

    #[tokio::test]
    async fn server_certificate_is_valid_for_loopback_addresses() {
        let fx = Fixture::new("ip");
        let ctx = fx.context(false);
        for ip in [
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ] {
            let mut client = Client::trusting(&fx.dev.ca_cert);
            client.server_name = ServerName::IpAddress(ip.into());
            let (server, client) = handshake(&ctx, &client).await;
            client.unwrap();
            server.unwrap();
        }
        let mut client = Client::trusting(&fx.dev.ca_cert);
        client.server_name = ServerName::try_from("db.example.com").unwrap();
        let (server, client) = handshake(&ctx, &client).await;
        assert!(client.is_err());
        let reason = server.unwrap_err().to_string();
        assert!(reason.contains("server certificate"), "{reason}");
    }

    #[tokio::test]
    async fn generated_client_certificate_is_verified_and_summarized() {
        let fx = Fixture::new("client-cert");
        let ctx = fx.context(true);
        assert!(ctx.verifies_client_certs());
        for versions in [TLS13_ONLY, TLS12_ONLY] {
            let mut client = Client::trusting(&fx.dev.ca_cert);
            client.versions = versions;
            client.cert = Some((&fx.dev.client_cert, &fx.dev.client_key));
            let (server, client_side) = handshake(&ctx, &client).await;
            let (mut server, info) = server.unwrap();
            let mut client_stream = client_side.unwrap();
            let summary = info.client_cert.as_ref().unwrap();
            assert_eq!(
                summary.subject,
                "/CN=myseal_Auto_Generated_Client_Certificate"
            );
            assert_eq!(summary.issuer, "/CN=myseal_Auto_Generated_CA_Certificate");
            assert!(info.client_cert_verified);
            let der = info.client_cert_der.as_deref().unwrap();
            assert_eq!(der, load_certs(&fx.dev.client_cert).unwrap()[0].as_ref());
            exchange(&mut server, &mut client_stream).await;
        }
    }

    #[tokio::test]
    async fn client_certificate_from_another_ca_fails_the_handshake() {
        let fx = Fixture::new("wrong-client-ca");
        let ctx = fx.context(true);
        let (other_ca, other_ca_key) = (fx.path("other-ca.pem"), fx.path("other-ca-key.pem"));
        generate_ca("Other CA", &other_ca, &other_ca_key).unwrap();
        let (cert, key) = (fx.path("mallory.pem"), fx.path("mallory-key.pem"));
        issue_cert(&other_ca, &other_ca_key, "mallory", true, &cert, &key).unwrap();
        for versions in [TLS13_ONLY, TLS12_ONLY] {
            let mut client = Client::trusting(&fx.dev.ca_cert);
            client.versions = versions;
            client.cert = Some((&cert, &key));
            let (server, _client) = handshake(&ctx, &client).await;
            let err = server.unwrap_err();
            let TlsError::Handshake { reason } = &err else {
                panic!("unexpected error {err:?}");
            };
            assert_eq!(reason, "client certificate not trusted: UnknownIssuer");
        }
    }

    #[tokio::test]
    async fn revoked_client_certificate_fails_the_handshake_and_others_pass() {
        let fx = Fixture::new("crl");
        let (cert, key) = (fx.path("mallory.pem"), fx.path("mallory-key.pem"));
        issue_cert(
            &fx.dev.ca_cert,
            &fx.dev.ca_key,
            "mallory",
            true,
            &cert,
            &key,
        )
        .unwrap();
        let crl = fx.path("crl.pem");
        write_crl(&fx.dev.ca_cert, &fx.dev.ca_key, &[cert.as_path()], &crl).unwrap();
        let ctx = TlsContext::load(&TlsSettings {
            crl: Some(crl.clone()),
            ..fx.settings(true)
        })
        .unwrap();
        for versions in [TLS13_ONLY, TLS12_ONLY] {
            let mut client = Client::trusting(&fx.dev.ca_cert);
            client.versions = versions;
            client.cert = Some((&cert, &key));
            let (server, _client) = handshake(&ctx, &client).await;
            let err = server.unwrap_err();
            let TlsError::Handshake { reason } = &err else {
                panic!("unexpected error {err:?}");
            };
            assert_eq!(
                reason,
                "client certificate not trusted: Revoked (listed in ssl_crl/ssl_crlpath)"
            );
            // The CA's other client certificate is not on the list; no certificate at all is
            // still accepted (accounts decide with REQUIRE X509).
            client.cert = Some((&fx.dev.client_cert, &fx.dev.client_key));
            let (server, client_side) = handshake(&ctx, &client).await;
            client_side.unwrap();
            assert!(server.unwrap().1.client_cert_verified);
            client.cert = None;
            let (server, client_side) = handshake(&ctx, &client).await;
            client_side.unwrap();
            assert!(server.unwrap().1.client_cert.is_none());
        }
        // The same list from a directory (ssl_crlpath); a file without CRLs there is skipped.
        let dir = fx.path("crls");
        fs::create_dir_all(&dir).unwrap();
        fs::copy(&crl, dir.join("0.r0")).unwrap();
        fs::write(dir.join("README"), "not a CRL").unwrap();
        let ctx = TlsContext::load(&TlsSettings {
            crlpath: Some(dir),
            ..fx.settings(true)
        })
        .unwrap();
        let mut client = Client::trusting(&fx.dev.ca_cert);
        client.cert = Some((&cert, &key));
        assert!(handshake(&ctx, &client).await.0.is_err());
    }

    #[tokio::test]
    async fn client_certificate_from_an_issuer_without_a_crl_fails_when_crls_are_checked() {
        // MySQL sets X509_V_FLAG_CRL_CHECK_ALL: a certificate whose revocation status cannot be
        // known is refused. Here the CA trusts two issuers but the CRL is only the first one's.
        let fx = Fixture::new("crl-unknown");
        let (other_ca, other_key) = (fx.path("other-ca.pem"), fx.path("other-ca-key.pem"));
        generate_ca("Other CA", &other_ca, &other_key).unwrap();
        let both = fx.path("both-cas.pem");
        let mut pem = fs::read(&fx.dev.ca_cert).unwrap();
        pem.extend(fs::read(&other_ca).unwrap());
        fs::write(&both, pem).unwrap();
        let (cert, key) = (fx.path("o.pem"), fx.path("o-key.pem"));
        issue_cert(&other_ca, &other_key, "o", true, &cert, &key).unwrap();
        let crl = fx.path("crl.pem");
        write_crl(&fx.dev.ca_cert, &fx.dev.ca_key, &[], &crl).unwrap();
        let ctx = TlsContext::load(&TlsSettings {
            ca: Some(both),
            crl: Some(crl),
            ..fx.settings(true)
        })
        .unwrap();
        let mut client = Client::trusting(&fx.dev.ca_cert);
        client.cert = Some((&cert, &key));
        let err = handshake(&ctx, &client).await.0.unwrap_err();
        assert!(err.to_string().contains("UnknownRevocationStatus"), "{err}");
    }

    #[test]
    fn crl_settings_are_checked_when_loading() {
        let fx = Fixture::new("crl-bad");
        let not_crl = fx.path("not-crl.pem");
        fs::write(&not_crl, "nothing here").unwrap();
        let err = TlsContext::load(&TlsSettings {
            crl: Some(not_crl.clone()),
            ..fx.settings(true)
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: no X509 CRL found in the PEM file", not_crl.display())
        );
        let err = TlsContext::load(&TlsSettings {
            crl: Some(fx.path("missing.pem")),
            ..fx.settings(true)
        })
        .unwrap_err();
        assert!(err.to_string().contains("missing.pem"), "{err}");
        let crl = fx.path("crl.pem");
        write_crl(&fx.dev.ca_cert, &fx.dev.ca_key, &[], &crl).unwrap();
        let err = TlsContext::load(&TlsSettings {
            crl: Some(crl),
            ..fx.settings(false)
        })
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("ssl_crl and ssl_crlpath need ssl_ca"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn client_certificate_is_not_requested_without_a_ca() {
        let fx = Fixture::new("no-ca");
        let ctx = fx.context(false);
        assert!(!ctx.verifies_client_certs());
        let mut client = Client::trusting(&fx.dev.ca_cert);
        client.cert = Some((&fx.dev.client_cert, &fx.dev.client_key));
        let (server, client) = handshake(&ctx, &client).await;
        client.unwrap();
        let info = server.unwrap().1;
        assert!(info.client_cert.is_none());
        assert!(!info.client_cert_verified);
    }

    #[tokio::test]
    async fn client_trusting_another_ca_fails_and_server_errors_cleanly() {
        let fx = Fixture::new("wrong-server-ca");
        let ctx = fx.context(true);
        let (other_ca, other_ca_key) = (fx.path("other-ca.pem"), fx.path("other-ca-key.pem"));
        generate_ca("Other CA", &other_ca, &other_ca_key).unwrap();
        let (server, client) = handshake(&ctx, &Client::trusting(&other_ca)).await;
        let client_err = client.unwrap_err();
        assert!(
            client_err.to_string().contains("UnknownIssuer"),
            "{client_err}"
        );
        let TlsError::Handshake { reason } = server.unwrap_err() else {
            panic!("expected a handshake error");
        };
        assert_eq!(
            reason,
            "client rejected the server certificate (alert UnknownCA)"
        );
    }

    #[tokio::test]
    async fn http_request_instead_of_client_hello_is_rejected() {
        let fx = Fixture::new("garbage");
        let ctx = fx.context(true);
        let (server_io, mut client_io) = tokio::io::duplex(64 * 1024);
        client_io
            .write_all(b"GET / HTTP/1.1\r\n\r\n")
            .await
            .unwrap();
        // The client end stays open: the server must fail on the bytes, not on EOF.
        let result = timeout(LIMIT, accept(&ctx.acceptor(), server_io))
            .await
            .expect("accept hung on garbage");
        let TlsError::Handshake { reason } = result.unwrap_err() else {
            panic!("expected a handshake error");
        };
        assert_eq!(reason, "peer is not speaking TLS");
        drop(client_io);
    }

    #[tokio::test]
    async fn client_closing_mid_handshake_is_reported() {
        let fx = Fixture::new("eof");
        let ctx = fx.context(false);
        let (server_io, mut client_io) = tokio::io::duplex(64 * 1024);
        // The first five bytes of a TLS record header, then the client goes away.
        client_io
            .write_all(&[0x16, 0x03, 0x01, 0x00, 0x40])
            .await
            .unwrap();
        drop(client_io);
        let result = timeout(LIMIT, accept(&ctx.acceptor(), server_io))
            .await
            .expect("accept hung on EOF");
        let TlsError::Handshake { reason } = result.unwrap_err() else {
            panic!("expected a handshake error");
        };
        assert_eq!(
            reason,
            "client closed the connection during the TLS handshake"
        );
    }

    /// A minimal TLS 1.1 ClientHello, optionally with a signature_algorithms extension.
    fn tls11_client_hello(with_sigalgs: bool) -> Vec<u8> {
        let mut body = vec![0x03, 0x02];
        body.extend_from_slice(&[0u8; 32]); // random
        body.push(0); // session id
        body.extend_from_slice(&[0x00, 0x02, 0xc0, 0x13]); // ECDHE-RSA-AES128-SHA
        body.extend_from_slice(&[0x01, 0x00]); // null compression
        if with_sigalgs {
            body.extend_from_slice(&[0x00, 0x08, 0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03]);
        }
        let mut msg = vec![0x01, 0x00, 0x00, u8::try_from(body.len()).unwrap()];
        msg.extend_from_slice(&body);
        let mut record = vec![0x16, 0x03, 0x01, 0x00, u8::try_from(msg.len()).unwrap()];
        record.extend_from_slice(&msg);
        record
    }

    #[tokio::test]
    async fn client_offering_only_tls11_gets_unsupported_protocol_version() {
        let fx = Fixture::new("tls11");
        let ctx = fx.context(false);
        for with_sigalgs in [false, true] {
            let (server_io, mut client_io) = tokio::io::duplex(64 * 1024);
            client_io
                .write_all(&tls11_client_hello(with_sigalgs))
                .await
                .unwrap();
            let result = timeout(LIMIT, accept(&ctx.acceptor(), server_io))
                .await
                .expect("accept hung");
            let TlsError::Handshake { reason } = result.unwrap_err() else {
                panic!("expected a handshake error");
            };
            assert!(
                reason.starts_with("unsupported protocol version"),
                "{reason}"
            );
        }
    }

    #[tokio::test]
    async fn handshake_works_over_a_loopback_tcp_socket() {
        let fx = Fixture::new("tcp");
        let ctx = fx.context(true);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = Client::trusting(&fx.dev.ca_cert);
        client.server_name = ServerName::IpAddress(Ipv4Addr::LOCALHOST.into());
        client.cert = Some((&fx.dev.client_cert, &fx.dev.client_key));
        let connector = client.connector();
        let acceptor = ctx.acceptor();
        let server = async {
            let (tcp, _) = listener.accept().await.unwrap();
            let (mut tls, info) = accept(&acceptor, tcp).await.unwrap();
            tls.write_all(info.cipher.as_bytes()).await.unwrap();
            tls.shutdown().await.unwrap();
            info
        };
        let client_task = async {
            let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            let mut tls = connector
                .connect(client.server_name.clone(), tcp)
                .await
                .unwrap();
            let mut got = String::new();
            tls.read_to_string(&mut got).await.unwrap();
            got
        };
        let (info, got) = timeout(LIMIT, async { tokio::join!(server, client_task) })
            .await
            .unwrap();
        assert_eq!(got, "TLS_AES_256_GCM_SHA384");
        assert!(info.client_cert_verified);
    }

    #[tokio::test]
    async fn rsa_pkcs1_key_loads_and_negotiates_ecdhe_rsa() {
        let settings = TlsSettings {
            cert: testdata("rsa-cert.crt"),
            key: testdata("rsa.key"),
            ca: None,
            ..TlsSettings::default()
        };
        let ctx = TlsContext::load(&settings).unwrap();
        assert_eq!(
            ctx.server_cert().subject,
            "/C=SE/ST=Stockholm/O=MySQL/CN=localhost"
        );
        assert_eq!(
            ctx.server_cert().issuer,
            "/O=myseal test fixtures/CN=Fixture CA"
        );
        assert_eq!(ctx.server_cert().not_before, "Jan  2 03:04:05 2020 GMT");
        assert_eq!(ctx.server_cert().not_after, "Apr 28 14:16:39 2125 GMT");
        assert_eq!(
            cipher_list(&ctx),
            "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:\
             ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305"
        );
        let ca = testdata("ca.crt");
        let mut client = Client::trusting(&ca);
        client.versions = TLS12_ONLY;
        client.suites = Some(&[rustls::CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]);
        let (server, client_side) = handshake(&ctx, &client).await;
        client_side.unwrap();
        assert_eq!(server.unwrap().1.cipher, "ECDHE-RSA-AES128-GCM-SHA256");
    }

    #[test]
    fn sec1_key_loads_and_openssl_escapes_match() {
        let settings = TlsSettings {
            cert: testdata("ec-cert.crt"),
            key: testdata("ec.key"),
            ca: Some(testdata("ca.crt")),
            ..TlsSettings::default()
        };
        let ctx = TlsContext::load(&settings).unwrap();
        // Exactly what `openssl x509 -noout -subject -nameopt compat` prints.
        assert_eq!(
            ctx.server_cert().subject,
            "/C=SE/L=G\\xC3\\xB6teborg/O=Example AB/OU=DB/CN=localhost/emailAddress=dba@example.se"
        );
        assert_eq!(ctx.settings(), &settings);
        assert!(ctx.verifies_client_certs());
    }

    #[test]
    fn cipher_list_of_an_ecdsa_server_lists_ecdsa_suites_in_preference_order() {
        let fx = Fixture::new("cipher-list");
        let ctx = fx.context(false);
        assert_eq!(
            cipher_list(&ctx),
            "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:\
             ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305"
        );
    }

    #[test]
    fn context_exposes_server_certificate_summary_and_config() {
        let fx = Fixture::new("summary");
        let ctx = fx.context(true);
        assert_eq!(
            ctx.server_cert().subject,
            "/CN=myseal_Auto_Generated_Server_Certificate"
        );
        assert_eq!(
            ctx.server_cert().issuer,
            "/CN=myseal_Auto_Generated_CA_Certificate"
        );
        assert!(ctx.server_cert().not_after.ends_with(" GMT"));
        assert!(Arc::ptr_eq(&ctx.server_config(), &ctx.server_config()));
        assert_eq!(ctx.settings(), &fx.settings(true));
    }

    #[test]
    fn load_names_a_missing_file() {
        let fx = Fixture::new("load-missing");
        let mut settings = fx.settings(true);
        settings.cert = fx.path("absent-cert.pem");
        let err = TlsContext::load(&settings).unwrap_err();
        assert!(matches!(err, TlsError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains("absent-cert.pem"), "{err}");

        let mut settings = fx.settings(true);
        settings.ca = Some(fx.path("absent-ca.pem"));
        let err = TlsContext::load(&settings).unwrap_err();
        assert!(err.to_string().contains("absent-ca.pem"), "{err}");
    }

    #[test]
    fn load_rejects_a_pem_without_a_key() {
        let fx = Fixture::new("load-nokey");
        let mut settings = fx.settings(false);
        settings.key = fx.dev.server_cert.clone();
        let err = TlsContext::load(&settings).unwrap_err();
        let TlsError::NoPrivateKey { path } = &err else {
            panic!("unexpected error {err:?}");
        };
        assert_eq!(path, &fx.dev.server_cert);
        assert!(err.to_string().contains("server-cert.pem"));
    }

    #[test]
    fn load_rejects_a_pem_without_a_certificate() {
        let fx = Fixture::new("load-nocert");
        let mut settings = fx.settings(false);
        settings.cert = fx.dev.server_key.clone();
        let err = TlsContext::load(&settings).unwrap_err();
        assert!(matches!(err, TlsError::NoCertificate { .. }), "{err:?}");
    }

    #[test]
    fn load_rejects_a_key_that_does_not_match_the_certificate() {
        let fx = Fixture::new("load-mismatch");
        let mut settings = fx.settings(false);
        settings.key = fx.dev.client_key.clone();
        let err = TlsContext::load(&settings).unwrap_err();
        let TlsError::KeyMismatch { cert, key } = &err else {
            panic!("unexpected error {err:?}");
        };
        assert_eq!(cert, &fx.dev.server_cert);
        assert_eq!(key, &fx.dev.client_key);
        assert!(err.to_string().contains("does not match"), "{err}");
    }

    #[test]
    fn load_rejects_a_ca_file_without_certificates() {
        let fx = Fixture::new("load-badca");
        let mut settings = fx.settings(true);
        settings.ca = Some(fx.dev.ca_key.clone());
        let err = TlsContext::load(&settings).unwrap_err();
        assert!(matches!(err, TlsError::NoCertificate { .. }), "{err:?}");
    }

    /// A client that trusts `ca_pem` and, with `identity`, presents that certificate and key.
    fn pem_connector(ca_pem: &str, identity: Option<(&str, &str)>) -> TlsConnector {
        let mut roots = RootCertStore::empty();
        for cert in certs::certs_from_pem(ca_pem.as_bytes(), Path::new("ca")).unwrap() {
            roots.add(cert).unwrap();
        }
        let builder =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_protocol_versions(BOTH)
                .unwrap()
                .with_root_certificates(roots);
        let config = match identity {
            Some((cert, key)) => builder
                .with_client_auth_cert(
                    certs::certs_from_pem(cert.as_bytes(), Path::new("cert")).unwrap(),
                    certs::private_key_from_pem(key.as_bytes(), Path::new("key")).unwrap(),
                )
                .unwrap(),
            None => builder.with_no_client_auth(),
        };
        TlsConnector::from(Arc::new(config))
    }

    fn name(host: &str) -> ServerName<'static> {
        ServerName::try_from(host.to_owned()).unwrap()
    }

    #[test]
    fn memory_certs_carry_the_dev_certificate_names_and_a_context_from_them_names_no_file() {
        let mem = MemoryCerts::generate().unwrap();
        let ca = &certs::certs_from_pem(mem.ca_cert.as_bytes(), Path::new("ca")).unwrap()[0];
        assert_eq!(
            CertSummary::from_der(ca).unwrap().subject,
            "/CN=myseal_Auto_Generated_CA_Certificate"
        );
        let client = &certs::certs_from_pem(mem.client_cert.as_bytes(), Path::new("c")).unwrap()[0];
        assert_eq!(
            CertSummary::from_der(client).unwrap().issuer,
            "/CN=myseal_Auto_Generated_CA_Certificate"
        );
        let ctx = TlsContext::from_pem(&mem.server_pem(), false).unwrap();
        assert_eq!(
            ctx.server_cert().subject,
            "/CN=myseal_Auto_Generated_Server_Certificate"
        );
        assert_eq!(ctx.settings(), &TlsSettings::default());
        assert!(ctx.verifies_client_certs());
        assert!(!ctx.requires_client_certs());
        let debug = format!("{mem:?}");
        assert!(!debug.contains("PRIVATE KEY"), "{debug}");
    }

    #[tokio::test]
    async fn an_in_memory_context_verifies_its_name_and_client_certificates() {
        let mem = MemoryCerts::generate().unwrap();
        let ctx = TlsContext::from_pem(&mem.server_pem(), false).unwrap();
        for host in ["localhost", "127.0.0.1", "::1"] {
            let (server, client) =
                handshake_with(&ctx, pem_connector(&mem.ca_cert, None), name(host)).await;
            client.unwrap();
            assert!(server.unwrap().1.client_cert.is_none());
        }
        let identity = Some((mem.client_cert.as_str(), mem.client_key.as_str()));
        let (server, client) = handshake_with(
            &ctx,
            pem_connector(&mem.ca_cert, identity),
            name("localhost"),
        )
        .await;
        client.unwrap();
        let info = server.unwrap().1;
        assert!(info.client_cert_verified);
        assert_eq!(
            info.client_cert.unwrap().subject,
            "/CN=myseal_Auto_Generated_Client_Certificate"
        );
        let (cert, key) = mem.issue_client_cert("alice").unwrap();
        let (server, _client) = handshake_with(
            &ctx,
            pem_connector(&mem.ca_cert, Some((&cert, &key))),
            name("localhost"),
        )
        .await;
        assert_eq!(server.unwrap().1.client_cert.unwrap().subject, "/CN=alice");
    }

    #[tokio::test]
    async fn another_in_memory_ca_is_not_trusted_either_way() {
        let mem = MemoryCerts::generate().unwrap();
        let other = MemoryCerts::generate().unwrap();
        let ctx = TlsContext::from_pem(&mem.server_pem(), false).unwrap();
        let (_server, client) =
            handshake_with(&ctx, pem_connector(&other.ca_cert, None), name("localhost")).await;
        assert!(client.is_err());
        let identity = Some((other.client_cert.as_str(), other.client_key.as_str()));
        let (server, _client) = handshake_with(
            &ctx,
            pem_connector(&mem.ca_cert, identity),
            name("localhost"),
        )
        .await;
        assert!(server.is_err());
    }

    #[tokio::test]
    async fn requiring_client_certificates_fails_a_handshake_without_one() {
        let mem = MemoryCerts::generate().unwrap();
        let ctx = TlsContext::from_pem(&mem.server_pem(), true).unwrap();
        assert!(ctx.requires_client_certs());
        let (server, _client) =
            handshake_with(&ctx, pem_connector(&mem.ca_cert, None), name("localhost")).await;
        let err = server.unwrap_err();
        assert!(matches!(err, TlsError::Handshake { .. }), "{err:?}");
        let identity = Some((mem.client_cert.as_str(), mem.client_key.as_str()));
        let (server, client) = handshake_with(
            &ctx,
            pem_connector(&mem.ca_cert, identity),
            name("localhost"),
        )
        .await;
        client.unwrap();
        assert!(server.unwrap().1.client_cert_verified);

        let fx = Fixture::new("require-cert");
        let ctx = TlsContext::load(&TlsSettings {
            require_client_cert: true,
            ..fx.settings(true)
        })
        .unwrap();
        let (server, _client) = handshake(&ctx, &Client::trusting(&fx.dev.ca_cert)).await;
        assert!(server.is_err());
    }

    #[test]
    fn requiring_client_certificates_without_a_ca_is_refused() {
        let mem = MemoryCerts::generate().unwrap();
        let pem = TlsPem {
            ca: None,
            ..mem.server_pem()
        };
        assert!(matches!(
            TlsContext::from_pem(&pem, true),
            Err(TlsError::Verifier(_))
        ));
        let fx = Fixture::new("require-no-ca");
        let err = TlsContext::load(&TlsSettings {
            require_client_cert: true,
            ..fx.settings(false)
        })
        .unwrap_err();
        assert!(err.to_string().contains("ssl_ca"), "{err}");
    }

    #[test]
    fn bad_in_memory_pem_is_reported_as_in_memory() {
        let mem = MemoryCerts::generate().unwrap();
        let swapped = TlsPem {
            key: mem.client_key.clone(),
            ..mem.server_pem()
        };
        let err = TlsContext::from_pem(&swapped, false).unwrap_err();
        assert!(matches!(err, TlsError::KeyMismatch { .. }), "{err:?}");
        assert!(err.to_string().contains("in-memory server key"), "{err}");
        let no_cert = TlsPem {
            cert_chain: "nothing here".into(),
            ..mem.server_pem()
        };
        let err = TlsContext::from_pem(&no_cert, false).unwrap_err();
        assert!(
            err.to_string().contains("in-memory server certificate"),
            "{err}"
        );
    }
}
