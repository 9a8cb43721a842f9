//! The certificate loaders of myseal-tls on arbitrary files: `load_certs` and `load_private_key`
//! (PEM), `CertSummary::from_der` (X.509 DER, on the input and on every certificate the PEM
//! held), and `TlsContext::load` (certificate, key, CA and CRL files split from the input at
//! `\0` bytes) as `ALTER INSTANCE RELOAD TLS` or a start with `--ssl-*` files would run them.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use myseal_tls::certs::{load_certs, load_private_key};
use myseal_tls::{CertSummary, TlsContext, TlsSettings};

/// One directory per fuzzing process for the input files.
fn dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("myseal-fuzz-certs-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

fn file(name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir().join(name);
    std::fs::write(&p, bytes).expect("write input file");
    p
}

fuzz_target!(|data: &[u8]| {
    let whole = file("whole.pem", data);
    if let Ok(certs) = load_certs(&whole) {
        for c in &certs {
            let _ = CertSummary::from_der(c.as_ref());
        }
    }
    let _ = load_private_key(&whole);
    let _ = CertSummary::from_der(data);

    let mut parts = data.splitn(4, |b| *b == 0);
    let cert = file("cert.pem", parts.next().unwrap_or_default());
    let key = file("key.pem", parts.next().unwrap_or_default());
    let ca = parts.next().map(|p| file("ca.pem", p));
    let crl = parts.next().map(|p| file("crl.pem", p));
    let settings = TlsSettings {
        cert,
        key,
        ca,
        crl,
        ..TlsSettings::default()
    };
    let _ = TlsContext::load(&settings);
});
