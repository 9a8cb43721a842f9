//! Certificate generation (like MySQL's `auto_generate_certs`) and PEM loading.
//!
//! MySQL docs: <https://dev.mysql.com/doc/refman/8.4/en/creating-ssl-rsa-files-using-mysql.html>
//!
//! MySQL writes `ca.pem`, `ca-key.pem`, `server-cert.pem`, `server-key.pem`, `client-cert.pem` and
//! `client-key.pem` into its data directory when started without configured certificates.
//! [`ensure_dev_certs`] does the same, with ECDSA P-256 keys (ring cannot generate RSA keys), and
//! never overwrites a file that already exists. [`issue_cert`] and [`generate_ca`] make further
//! certificates for tests and `cargo xtask certs`.
//!
//! Loading accepts PEM only: certificate chains (`CERTIFICATE` sections) and private keys in
//! PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`) form.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, PublicKeyData,
    SigningKey,
};
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use x509_parser::asn1_rs::Tag;
use x509_parser::extensions::ParsedExtension;
use x509_parser::time::ASN1Time;

use crate::TlsError;

/// Common name of the auto-generated CA certificate.
pub const CA_COMMON_NAME: &str = "myseal_Auto_Generated_CA_Certificate";
/// Common name of the auto-generated server certificate.
pub const SERVER_COMMON_NAME: &str = "myseal_Auto_Generated_Server_Certificate";
/// Common name of the auto-generated client certificate.
pub const CLIENT_COMMON_NAME: &str = "myseal_Auto_Generated_Client_Certificate";

pub(crate) const DAY_SECS: i64 = 86_400;
/// Ten years of validity, counting leap days.
const VALIDITY_SECS: i64 = 3_652 * DAY_SECS;

/// Paths of what auto-generation writes, like MySQL's `auto_generate_certs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevCerts {
    /// Directory holding the six files.
    pub dir: PathBuf,
    /// `ca.pem`: the self-signed CA certificate (clients trust this; it is also the `ssl_ca`).
    pub ca_cert: PathBuf,
    /// `ca-key.pem`: the CA private key (PKCS#8, mode 0600).
    pub ca_key: PathBuf,
    /// `server-cert.pem`: the server certificate, signed by the CA.
    pub server_cert: PathBuf,
    /// `server-key.pem`: the server private key (PKCS#8, mode 0600).
    pub server_key: PathBuf,
    /// `client-cert.pem`: a client certificate, signed by the CA.
    pub client_cert: PathBuf,
    /// `client-key.pem`: the client private key (PKCS#8, mode 0600).
    pub client_key: PathBuf,
    /// `true` if this call generated the files, `false` if they already existed.
    pub created: bool,
}

impl DevCerts {
    fn in_dir(dir: &Path, created: bool) -> Self {
        DevCerts {
            dir: dir.to_path_buf(),
            ca_cert: dir.join("ca.pem"),
            ca_key: dir.join("ca-key.pem"),
            server_cert: dir.join("server-cert.pem"),
            server_key: dir.join("server-key.pem"),
            client_cert: dir.join("client-cert.pem"),
            client_key: dir.join("client-key.pem"),
            created,
        }
    }

    /// The six files, each with whether it holds a private key.
    fn files(&self) -> [(&Path, bool); 6] {
        [
            (&self.ca_cert, false),
            (&self.ca_key, true),
            (&self.server_cert, false),
            (&self.server_key, true),
            (&self.client_cert, false),
            (&self.client_key, true),
        ]
    }
}

/// Makes sure `dir` holds the six auto-generated TLS files and returns their paths.
///
/// Files: `ca.pem`, `ca-key.pem`, `server-cert.pem`, `server-key.pem`, `client-cert.pem`,
/// `client-key.pem` in `dir` (created with parents if missing). If all six exist they are reused
/// untouched (`created == false`). If none exist they are generated (`created == true`). If only
/// some exist, [`TlsError::PartialDevCerts`] lists the missing ones and nothing is written. Keys are
/// written with mode 0600 on unix. Keys are ECDSA P-256.
///
/// - CA: CN `myseal_Auto_Generated_CA_Certificate`, CA:TRUE, KeyCertSign.
/// - server: CN `myseal_Auto_Generated_Server_Certificate`, SAN DNS `localhost`, IP `127.0.0.1`,
///   IP `::1`, ServerAuth EKU.
/// - client: CN `myseal_Auto_Generated_Client_Certificate`, ClientAuth EKU.
///
/// All are valid from now minus one day, for ten years.
pub fn ensure_dev_certs(dir: &Path) -> Result<DevCerts, TlsError> {
    fs::create_dir_all(dir).map_err(|e| TlsError::io(dir, e))?;
    let certs = DevCerts::in_dir(dir, false);
    let mut missing = Vec::new();
    let mut present = 0usize;
    for (path, _) in certs.files() {
        // symlink_metadata: a dangling symlink still counts as "a user's file".
        match fs::symlink_metadata(path) {
            Ok(_) => present += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                missing.push(path.display().to_string());
            }
            Err(e) => return Err(TlsError::io(path, e)),
        }
    }
    if missing.is_empty() {
        tracing::debug!(dir = %dir.display(), "reusing auto-generated TLS files");
        return Ok(certs);
    }
    if present > 0 {
        return Err(TlsError::PartialDevCerts { missing });
    }

    let ca = new_ca(CA_COMMON_NAME)?;
    let issuer = Issuer::new(ca.params, &ca.key);
    let server = new_leaf(&issuer, SERVER_COMMON_NAME, false)?;
    let client = new_leaf(&issuer, CLIENT_COMMON_NAME, true)?;
    let contents: [&str; 6] = [
        &ca.cert_pem,
        &ca.key_pem,
        &server.cert_pem,
        &server.key_pem,
        &client.cert_pem,
        &client.key_pem,
    ];

    let mut written: Vec<&Path> = Vec::new();
    for ((path, private), text) in certs.files().into_iter().zip(contents) {
        if let Err(e) = write_file(path, text.as_bytes(), private, true) {
            // Leave the directory as we found it so the next start can retry.
            for done in written {
                let _ = fs::remove_file(done);
            }
            return Err(e);
        }
        written.push(path);
    }
    tracing::info!(dir = %dir.display(), "generated TLS CA, server and client certificates");
    Ok(DevCerts {
        created: true,
        ..certs
    })
}

/// The six PEM texts of [`ensure_dev_certs`], generated in memory and never written anywhere:
/// the same names, extensions, SANs and validity, ECDSA P-256 keys (PKCS#8). A test server uses
/// them so that starting it costs no file and no RSA key generation.
///
/// `Debug` leaves the private keys out.
#[derive(Clone, PartialEq, Eq)]
pub struct MemoryCerts {
    /// The self-signed CA certificate: what clients trust and what verifies client certificates.
    pub ca_cert: String,
    /// The CA's private key (signs [`MemoryCerts::issue_client_cert`]'s certificates).
    pub ca_key: String,
    /// The server certificate (SAN `localhost`, `127.0.0.1`, `::1`), signed by the CA.
    pub server_cert: String,
    /// The server's private key.
    pub server_key: String,
    /// A client certificate (CN `myseal_Auto_Generated_Client_Certificate`), signed by the CA.
    pub client_cert: String,
    /// The client certificate's private key.
    pub client_key: String,
}

impl std::fmt::Debug for MemoryCerts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryCerts")
            .field("ca_cert", &self.ca_cert)
            .field("server_cert", &self.server_cert)
            .field("client_cert", &self.client_cert)
            .finish_non_exhaustive()
    }
}

impl MemoryCerts {
    /// Generates a CA, a server certificate and a client certificate, in memory only.
    pub fn generate() -> Result<MemoryCerts, TlsError> {
        let ca = new_ca(CA_COMMON_NAME)?;
        let issuer = Issuer::new(ca.params, &ca.key);
        let server = new_leaf(&issuer, SERVER_COMMON_NAME, false)?;
        let client = new_leaf(&issuer, CLIENT_COMMON_NAME, true)?;
        Ok(MemoryCerts {
            ca_cert: ca.cert_pem,
            ca_key: ca.key_pem,
            server_cert: server.cert_pem,
            server_key: server.key_pem,
            client_cert: client.cert_pem,
            client_key: client.key_pem,
        })
    }

    /// What a server serves: its certificate and key, and this CA for client certificates.
    pub fn server_pem(&self) -> crate::TlsPem {
        crate::TlsPem {
            cert_chain: self.server_cert.clone(),
            key: self.server_key.clone(),
            ca: Some(self.ca_cert.clone()),
        }
    }

    /// Issues another client certificate (ClientAuth EKU, subject `/CN=common_name`) signed by
    /// this CA, in memory: `(certificate PEM, private key PEM)`. For accounts created with
    /// `REQUIRE SUBJECT '/CN=...'`.
    pub fn issue_client_cert(&self, common_name: &str) -> Result<(String, String), TlsError> {
        let issuer = issuer_from_pem(
            self.ca_cert.as_bytes(),
            &self.ca_key,
            Path::new("(in-memory CA certificate)"),
            Path::new("(in-memory CA key)"),
        )?;
        let leaf = new_leaf(&issuer, common_name, true)?;
        Ok((leaf.cert_pem, leaf.key_pem))
    }
}

/// Issues another certificate signed by the CA at `ca_cert`/`ca_key` (for tests and
/// `cargo xtask certs`).
///
/// `client == true` gives a ClientAuth EKU; otherwise ServerAuth with SAN `localhost`,
/// `127.0.0.1`, `::1`. The CA key must be PKCS#8 PEM (what this crate writes). `out_cert` and
/// `out_key` are overwritten if they exist; the key is written with mode 0600 on unix.
pub fn issue_cert(
    ca_cert: &Path,
    ca_key: &Path,
    common_name: &str,
    client: bool,
    out_cert: &Path,
    out_key: &Path,
) -> Result<(), TlsError> {
    let issuer = load_issuer(ca_cert, ca_key)?;
    let leaf = new_leaf(&issuer, common_name, client)?;
    write_file(out_cert, leaf.cert_pem.as_bytes(), false, false)?;
    write_file(out_key, leaf.key_pem.as_bytes(), true, false)?;
    Ok(())
}

/// Writes a CRL, signed by the CA at `ca_cert`/`ca_key`, that revokes the certificates in the
/// `revoked` PEM files (for tests, demonstrations and `cargo xtask certs --revoke`). The CRL is
/// valid from a day ago for thirty days; `out_crl` is overwritten if it exists. Load it with
/// `--ssl-crl`.
pub fn write_crl(
    ca_cert: &Path,
    ca_key: &Path,
    revoked: &[&Path],
    out_crl: &Path,
) -> Result<(), TlsError> {
    let issuer = load_issuer(ca_cert, ca_key)?;
    let now = unix_now()?;
    let time = |secs: i64| {
        ASN1Time::from_timestamp(secs)
            .map(|t| t.to_datetime())
            .map_err(|e| TlsError::Generate(format!("bad CRL time: {e}")))
    };
    let mut revoked_certs = Vec::new();
    for path in revoked {
        for der in load_certs(path)? {
            let (_, cert) =
                x509_parser::parse_x509_certificate(&der).map_err(|e| TlsError::BadPem {
                    path: path.to_path_buf(),
                    reason: format!("invalid certificate: {e}"),
                })?;
            revoked_certs.push(rcgen::RevokedCertParams {
                serial_number: rcgen::SerialNumber::from_slice(cert.raw_serial()),
                revocation_time: time(now - 60)?,
                reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                invalidity_date: None,
            });
        }
    }
    let params = rcgen::CertificateRevocationListParams {
        this_update: time(now - DAY_SECS)?,
        next_update: time(now + 30 * DAY_SECS)?,
        crl_number: rcgen::SerialNumber::from(u64::try_from(now).unwrap_or_default()),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: KeyIdMethod::Sha256,
    };
    let crl = params.signed_by(&issuer).map_err(gen_err)?;
    let pem = crl.pem().map_err(gen_err)?;
    write_file(out_crl, pem.as_bytes(), false, false)
}

/// Generates a self-contained CA (certificate and PKCS#8 key) at the given paths.
///
/// Tests use this to make a "wrong CA". Existing files are overwritten; the key is written with
/// mode 0600 on unix.
pub fn generate_ca(common_name: &str, out_cert: &Path, out_key: &Path) -> Result<(), TlsError> {
    let ca = new_ca(common_name)?;
    write_file(out_cert, ca.cert_pem.as_bytes(), false, false)?;
    write_file(out_key, ca.key_pem.as_bytes(), true, false)?;
    Ok(())
}

/// Reads every `CERTIFICATE` section of a PEM file, in file order (leaf first for a chain).
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = fs::read(path).map_err(|e| TlsError::io(path, e))?;
    certs_from_pem(&bytes, path)
}

/// Every `CERTIFICATE` section of PEM text, in order; `label` names the text in errors (a file's
/// path, or a description of in-memory text).
pub fn certs_from_pem(pem: &[u8], label: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_pem(label, &e))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            path: label.to_path_buf(),
        });
    }
    Ok(certs)
}

/// Reads the first private key (PKCS#8, SEC1 or PKCS#1) of a PEM file.
///
/// Encrypted keys are rejected with a message saying so.
pub fn load_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let bytes = fs::read(path).map_err(|e| TlsError::io(path, e))?;
    private_key_from_pem(&bytes, path)
}

/// The first private key (PKCS#8, SEC1 or PKCS#1) of PEM text; `label` names the text in errors.
pub fn private_key_from_pem(pem: &[u8], label: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    match PrivateKeyDer::from_pem_slice(pem) {
        Ok(key) => Ok(key),
        Err(pem::Error::NoItemsFound) => {
            if contains(pem, b"ENCRYPTED PRIVATE KEY") || contains(pem, b"Proc-Type: 4,ENCRYPTED") {
                Err(TlsError::BadPem {
                    path: label.to_path_buf(),
                    reason: "encrypted private keys are not supported".to_owned(),
                })
            } else {
                Err(TlsError::NoPrivateKey {
                    path: label.to_path_buf(),
                })
            }
        }
        Err(e) => Err(bad_pem(label, &e)),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn bad_pem(path: &Path, err: &pem::Error) -> TlsError {
    TlsError::BadPem {
        path: path.to_path_buf(),
        reason: format!("invalid PEM: {err}"),
    }
}

pub(crate) fn gen_err(e: rcgen::Error) -> TlsError {
    TlsError::Generate(e.to_string())
}

/// A freshly generated certificate with its key, as PEM text.
struct Generated {
    cert_pem: String,
    key_pem: String,
}

/// A freshly generated CA: its PEM files plus what is needed to sign with it.
pub(crate) struct NewCa {
    pub(crate) cert_pem: String,
    pub(crate) key_pem: String,
    pub(crate) params: CertificateParams,
    pub(crate) key: KeyPair,
}

pub(crate) fn new_key() -> Result<KeyPair, TlsError> {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(gen_err)
}

/// Sets notBefore to now minus one day and notAfter ten years later.
fn set_validity(params: &mut CertificateParams) -> Result<(), TlsError> {
    let start = unix_now()? - DAY_SECS;
    let time = |secs: i64| {
        ASN1Time::from_timestamp(secs)
            .map_err(|e| TlsError::Generate(format!("bad validity time: {e}")))
    };
    params.not_before = time(start)?.to_datetime();
    params.not_after = time(start + VALIDITY_SECS)?.to_datetime();
    Ok(())
}

pub(crate) fn unix_now() -> Result<i64, TlsError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| TlsError::Generate("system clock is before 1970".to_owned()))?
        .as_secs();
    i64::try_from(now).map_err(|_| TlsError::Generate("system clock out of range".to_owned()))
}

pub(crate) fn common_name_dn(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, common_name);
    dn
}

pub(crate) fn new_ca(common_name: &str) -> Result<NewCa, TlsError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = common_name_dn(common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    set_validity(&mut params)?;
    let key = new_key()?;
    let cert = params.self_signed(&key).map_err(gen_err)?;
    Ok(NewCa {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        params,
        key,
    })
}

fn new_leaf(
    issuer: &Issuer<'_, impl SigningKey>,
    common_name: &str,
    client: bool,
) -> Result<Generated, TlsError> {
    let sans: Vec<String> = if client {
        Vec::new()
    } else {
        vec!["localhost".into(), "127.0.0.1".into(), "::1".into()]
    };
    let mut params = CertificateParams::new(sans).map_err(gen_err)?;
    params.distinguished_name = common_name_dn(common_name);
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![if client {
        ExtendedKeyUsagePurpose::ClientAuth
    } else {
        ExtendedKeyUsagePurpose::ServerAuth
    }];
    params.use_authority_key_identifier_extension = true;
    set_validity(&mut params)?;
    let key = new_key()?;
    let cert = params.signed_by(&key, issuer).map_err(gen_err)?;
    Ok(Generated {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// Rebuilds an rcgen [`Issuer`] from a CA certificate and key on disk.
///
/// The issuer name of issued certificates must be byte-identical to the CA's subject, so the
/// subject is rebuilt with the same string types; names rcgen cannot represent (multi-valued RDNs,
/// a repeated attribute type) are rejected rather than silently changed.
fn load_issuer(ca_cert: &Path, ca_key: &Path) -> Result<Issuer<'static, KeyPair>, TlsError> {
    let cert_pem = fs::read(ca_cert).map_err(|e| TlsError::io(ca_cert, e))?;
    let key_pem = fs::read_to_string(ca_key).map_err(|e| TlsError::io(ca_key, e))?;
    issuer_from_pem(&cert_pem, &key_pem, ca_cert, ca_key)
}

/// [`load_issuer`] from PEM text; the labels name the certificate and key in errors.
pub(crate) fn issuer_from_pem(
    cert_pem: &[u8],
    key_pem: &str,
    ca_cert: &Path,
    ca_key: &Path,
) -> Result<Issuer<'static, KeyPair>, TlsError> {
    let certs = certs_from_pem(cert_pem, ca_cert)?;
    let der = certs.first().ok_or_else(|| TlsError::NoCertificate {
        path: ca_cert.to_path_buf(),
    })?;
    let bad = |reason: String| TlsError::BadPem {
        path: ca_cert.to_path_buf(),
        reason,
    };
    let (_, x509) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| bad(format!("cannot parse CA certificate: {e}")))?;

    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    let mut seen: Vec<Vec<u64>> = Vec::new();
    for rdn in x509.subject().iter() {
        let mut attrs = rdn.iter();
        let (Some(attr), None) = (attrs.next(), attrs.next()) else {
            return Err(bad("CA subject has a multi-valued or empty RDN".to_owned()));
        };
        let oid: Vec<u64> = attr
            .attr_type()
            .iter()
            .ok_or_else(|| bad("CA subject attribute OID too large".to_owned()))?
            .collect();
        if seen.contains(&oid) {
            return Err(bad("CA subject repeats an attribute type".to_owned()));
        }
        seen.push(oid.clone());
        let value = attr.attr_value();
        let text = || {
            std::str::from_utf8(value.data)
                .map_err(|_| bad("CA subject attribute is not valid text".to_owned()))
        };
        let invalid = |e: rcgen::Error| bad(format!("CA subject attribute: {e}"));
        let dn_value = match value.header.tag() {
            Tag::Utf8String => DnValue::Utf8String(text()?.to_owned()),
            Tag::PrintableString => DnValue::PrintableString(text()?.try_into().map_err(invalid)?),
            Tag::Ia5String => DnValue::Ia5String(text()?.try_into().map_err(invalid)?),
            Tag::T61String => DnValue::TeletexString(text()?.try_into().map_err(invalid)?),
            Tag::BmpString => DnValue::BmpString(
                rcgen::string::BmpString::from_utf16be(value.data.to_vec()).map_err(invalid)?,
            ),
            Tag::UniversalString => DnValue::UniversalString(
                rcgen::string::UniversalString::from_utf32be(value.data.to_vec())
                    .map_err(invalid)?,
            ),
            other => {
                return Err(bad(format!(
                    "CA subject uses unsupported string type {other}"
                )))
            }
        };
        params
            .distinguished_name
            .push(DnType::from_oid(&oid), dn_value);
    }
    // Authority key identifiers of issued certificates must equal the CA's subject key identifier.
    for ext in x509.iter_extensions() {
        if let ParsedExtension::SubjectKeyIdentifier(id) = ext.parsed_extension() {
            params.key_identifier_method = KeyIdMethod::PreSpecified(id.0.to_vec());
        }
    }

    let key = KeyPair::from_pem(key_pem).map_err(|e| TlsError::BadPem {
        path: ca_key.to_path_buf(),
        reason: format!("cannot use CA key (PKCS#8 PEM required): {e}"),
    })?;
    if key.subject_public_key_info() != x509.public_key().raw {
        return Err(TlsError::KeyMismatch {
            cert: ca_cert.to_path_buf(),
            key: ca_key.to_path_buf(),
        });
    }
    Ok(Issuer::new(params, key))
}

/// Writes `contents` to `path`; private files get mode 0600 on unix. With `create_new`, an existing
/// file is an error (never overwrite a user's file).
fn write_file(
    path: &Path,
    contents: &[u8],
    private: bool,
    create_new: bool,
) -> Result<(), TlsError> {
    let mut options = fs::OpenOptions::new();
    options.write(true);
    if create_new {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| TlsError::io(path, e))?;
    #[cfg(unix)]
    if private {
        // `mode` only applies to newly created files; tighten an overwritten one too.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(|e| TlsError::io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| TlsError::io(path, e))
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh, unique, empty directory under the system temp dir.
    pub(crate) fn temp_dir(tag: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!(
            "myseal-tls-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn summary(path: &Path) -> crate::CertSummary {
        let certs = load_certs(path).unwrap();
        crate::CertSummary::from_der(&certs[0]).unwrap()
    }

    #[test]
    fn ensure_dev_certs_creates_six_files_then_reuses_them() {
        let dir = temp_dir("dev").join("nested/data");
        let first = ensure_dev_certs(&dir).unwrap();
        assert!(first.created);
        let files = first.files().map(|(p, private)| (p.to_path_buf(), private));
        let mut before = Vec::new();
        for (path, private) in &files {
            assert!(path.starts_with(&dir), "{}", path.display());
            let bytes = fs::read(path).unwrap();
            assert!(!bytes.is_empty());
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
                if *private {
                    assert_eq!(mode, 0o600, "{}", path.display());
                }
            }
            let _ = private;
            before.push(bytes);
        }
        let names: Vec<String> = files
            .iter()
            .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "ca.pem",
                "ca-key.pem",
                "server-cert.pem",
                "server-key.pem",
                "client-cert.pem",
                "client-key.pem"
            ]
        );

        let second = ensure_dev_certs(&dir).unwrap();
        assert!(!second.created);
        assert_eq!(
            second,
            DevCerts {
                created: false,
                ..first.clone()
            }
        );
        for ((path, _), old) in files.iter().zip(&before) {
            assert_eq!(&fs::read(path).unwrap(), old, "{} changed", path.display());
        }
        fs::remove_dir_all(dir.parent().unwrap().parent().unwrap()).unwrap();
    }

    #[test]
    fn generated_certificates_have_the_documented_names_and_issuers() {
        let dir = temp_dir("names");
        let dev = ensure_dev_certs(&dir).unwrap();
        let ca = summary(&dev.ca_cert);
        assert_eq!(ca.subject, "/CN=myseal_Auto_Generated_CA_Certificate");
        assert_eq!(ca.issuer, ca.subject);
        let server = summary(&dev.server_cert);
        assert_eq!(
            server.subject,
            "/CN=myseal_Auto_Generated_Server_Certificate"
        );
        assert_eq!(server.issuer, ca.subject);
        let client = summary(&dev.client_cert);
        assert_eq!(
            client.subject,
            "/CN=myseal_Auto_Generated_Client_Certificate"
        );
        assert_eq!(client.issuer, ca.subject);
        assert!(server.not_before.ends_with(" GMT"));

        let der = load_certs(&dev.server_cert).unwrap().remove(0);
        let (_, x509) = x509_parser::parse_x509_certificate(&der).unwrap();
        let san = x509.subject_alternative_name().unwrap().unwrap();
        use x509_parser::extensions::GeneralName;
        let names: Vec<String> = san
            .value
            .general_names
            .iter()
            .map(|n| match n {
                GeneralName::DNSName(d) => format!("DNS:{d}"),
                GeneralName::IPAddress(ip) => match ip.len() {
                    4 => format!(
                        "IP:{}",
                        std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*ip).unwrap())
                    ),
                    16 => format!(
                        "IP:{}",
                        std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*ip).unwrap())
                    ),
                    _ => panic!("bad IP SAN"),
                },
                other => format!("{other}"),
            })
            .collect();
        assert_eq!(names, ["DNS:localhost", "IP:127.0.0.1", "IP:::1"]);
        let years = x509.validity().not_after.timestamp() - x509.validity().not_before.timestamp();
        assert_eq!(years, VALIDITY_SECS);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn partial_dev_cert_dir_is_refused_and_left_alone() {
        let dir = temp_dir("partial");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("ca.pem"), b"user's own file").unwrap();
        fs::write(dir.join("server-key.pem"), b"another").unwrap();
        let err = ensure_dev_certs(&dir).unwrap_err();
        let TlsError::PartialDevCerts { missing } = &err else {
            panic!("unexpected error {err:?}");
        };
        assert_eq!(missing.len(), 4);
        assert!(missing.iter().any(|m| m.ends_with("ca-key.pem")));
        assert!(!missing.iter().any(|m| m.ends_with("server-key.pem")));
        assert!(err.to_string().contains("client-cert.pem"));
        assert_eq!(fs::read(dir.join("ca.pem")).unwrap(), b"user's own file");
        assert!(!dir.join("ca-key.pem").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn dev_cert_dir_that_is_a_file_gives_an_io_error() {
        let dir = temp_dir("file");
        fs::create_dir_all(dir.parent().unwrap()).unwrap();
        fs::write(&dir, b"x").unwrap();
        assert!(matches!(ensure_dev_certs(&dir), Err(TlsError::Io { .. })));
        fs::remove_file(&dir).unwrap();
    }

    #[test]
    fn issue_cert_signs_with_an_existing_ca() {
        let dir = temp_dir("issue");
        let dev = ensure_dev_certs(&dir).unwrap();
        let (cert, key) = (dir.join("alice-cert.pem"), dir.join("alice-key.pem"));
        issue_cert(&dev.ca_cert, &dev.ca_key, "alice", true, &cert, &key).unwrap();
        let s = summary(&cert);
        assert_eq!(s.subject, "/CN=alice");
        assert_eq!(s.issuer, "/CN=myseal_Auto_Generated_CA_Certificate");
        load_private_key(&key).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&key).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn issue_cert_refuses_a_ca_key_that_does_not_match() {
        let dir = temp_dir("issue-mismatch");
        let dev = ensure_dev_certs(&dir).unwrap();
        let err = issue_cert(
            &dev.ca_cert,
            &dev.server_key,
            "x",
            true,
            &dir.join("x.pem"),
            &dir.join("x-key.pem"),
        )
        .unwrap_err();
        assert!(matches!(err, TlsError::KeyMismatch { .. }), "{err:?}");
        assert!(!dir.join("x.pem").exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn generate_ca_writes_a_self_signed_ca() {
        let dir = temp_dir("ca");
        fs::create_dir_all(&dir).unwrap();
        let (cert, key) = (dir.join("other-ca.pem"), dir.join("other-ca-key.pem"));
        generate_ca("Other CA", &cert, &key).unwrap();
        let s = summary(&cert);
        assert_eq!(s.subject, "/CN=Other CA");
        assert_eq!(s.issuer, "/CN=Other CA");
        let der = load_certs(&cert).unwrap().remove(0);
        let (_, x509) = x509_parser::parse_x509_certificate(&der).unwrap();
        assert!(x509.is_ca());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_reports_missing_files_and_empty_pem() {
        let dir = temp_dir("load");
        fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("nope.pem");
        let err = load_certs(&missing).unwrap_err();
        assert!(matches!(err, TlsError::Io { .. }));
        assert!(err.to_string().contains("nope.pem"));
        let empty = dir.join("empty.pem");
        fs::write(&empty, b"just text\n").unwrap();
        assert!(matches!(
            load_certs(&empty),
            Err(TlsError::NoCertificate { .. })
        ));
        assert!(matches!(
            load_private_key(&empty),
            Err(TlsError::NoPrivateKey { .. })
        ));
        let broken = dir.join("broken.pem");
        fs::write(
            &broken,
            b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(matches!(load_certs(&broken), Err(TlsError::BadPem { .. })));
        let encrypted = dir.join("enc.pem");
        fs::write(
            &encrypted,
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
        )
        .unwrap();
        let err = load_private_key(&encrypted).unwrap_err();
        assert!(err.to_string().contains("encrypted"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
