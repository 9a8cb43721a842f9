//! OpenSSL-style text forms of certificate facts, as MySQL exposes them.
//!
//! MySQL docs: <https://dev.mysql.com/doc/refman/8.4/en/create-user.html#create-user-tls>
//! (REQUIRE SUBJECT / ISSUER compare against these strings) and
//! <https://dev.mysql.com/doc/refman/8.4/en/server-status-variables.html#statvar_Ssl_server_not_after>.
//!
//! MySQL prints names with OpenSSL's `X509_NAME_oneline()` and dates with `ASN1_TIME_print()`; clients
//! see exactly those strings (`Ssl_server_not_before`, REQUIRE SUBJECT checks), so this module
//! reproduces both formats byte for byte:
//!
//! - [`x509_name_oneline`]: `/C=SE/ST=Stockholm/O=MySQL/CN=client`, one `/KEY=value` per attribute
//!   in certificate order (multi-valued RDNs are flattened, as OpenSSL does), OpenSSL short names
//!   where OpenSSL has one, the dotted OID otherwise, and every value byte outside `' '..='~'`
//!   written as `\xHH` (upper-case hex).
//! - [`asn1_time_print`]: `Apr 28 14:16:39 2025 GMT`, day padded with a space (`Jan  2`).
//! - [`CertSummary`]: both of the above for one certificate.

use x509_parser::asn1_rs::Tag;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::time::ASN1Time;
use x509_parser::x509::X509Name;

use crate::TlsError;

/// Subject, issuer and validity of one certificate, in the text forms MySQL shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertSummary {
    /// Subject in `X509_NAME_oneline` form, e.g. `/C=SE/ST=Stockholm/O=MySQL/CN=client`.
    pub subject: String,
    /// Issuer in `X509_NAME_oneline` form.
    pub issuer: String,
    /// notBefore in `ASN1_TIME_print` form, e.g. `Apr 28 14:16:39 2025 GMT`.
    pub not_before: String,
    /// notAfter in `ASN1_TIME_print` form.
    pub not_after: String,
}

impl CertSummary {
    /// Parses one DER-encoded X.509 certificate and formats its names and dates.
    ///
    /// Trailing bytes after the certificate are rejected.
    pub fn from_der(der: &[u8]) -> Result<Self, TlsError> {
        let (rest, cert) = X509Certificate::from_der(der)
            .map_err(|e| TlsError::BadCertificate(format!("cannot parse certificate: {e}")))?;
        if !rest.is_empty() {
            return Err(TlsError::BadCertificate(format!(
                "{} trailing bytes after the certificate",
                rest.len()
            )));
        }
        Ok(Self::from_x509(&cert))
    }

    /// Formats an already parsed certificate.
    pub(crate) fn from_x509(cert: &X509Certificate<'_>) -> Self {
        let validity = cert.validity();
        CertSummary {
            subject: x509_name_oneline(cert.subject()),
            issuer: x509_name_oneline(cert.issuer()),
            not_before: asn1_time_print(&validity.not_before),
            not_after: asn1_time_print(&validity.not_after),
        }
    }
}

/// OpenSSL's short name for an attribute type OID (`OBJ_nid2sn`), or `None` if OpenSSL would print
/// the dotted OID.
fn openssl_short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "street",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "title",
        "2.5.4.13" => "description",
        "2.5.4.15" => "businessCategory",
        "2.5.4.17" => "postalCode",
        "2.5.4.41" => "name",
        "2.5.4.42" => "GN",
        "2.5.4.43" => "initials",
        "2.5.4.44" => "generationQualifier",
        "2.5.4.45" => "x500UniqueIdentifier",
        "2.5.4.46" => "dnQualifier",
        "2.5.4.65" => "pseudonym",
        "2.5.4.97" => "organizationIdentifier",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.1" => "UID",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.3.6.1.4.1.311.60.2.1.1" => "jurisdictionL",
        "1.3.6.1.4.1.311.60.2.1.2" => "jurisdictionST",
        "1.3.6.1.4.1.311.60.2.1.3" => "jurisdictionC",
        _ => return None,
    })
}

/// Formats a name like OpenSSL's `X509_NAME_oneline(name, NULL, 0)`.
///
/// Each attribute becomes `/KEY=value`. Value bytes are copied raw (UTF-8 and BMP strings are not
/// decoded, exactly as OpenSSL does); bytes outside printable ASCII become `\xHH`. For a
/// GeneralString whose length is a multiple of 4 and which looks like UCS-4 (only every fourth
/// byte non-zero), only those bytes are printed, mirroring OpenSSL's special case.
pub fn x509_name_oneline(name: &X509Name<'_>) -> String {
    let mut out = String::new();
    for rdn in name.iter() {
        for attr in rdn.iter() {
            let oid = attr.attr_type().to_id_string();
            out.push('/');
            match openssl_short_name(&oid) {
                Some(short) => out.push_str(short),
                None => out.push_str(&oid),
            }
            out.push('=');
            let value = attr.attr_value();
            push_escaped(
                &mut out,
                value.data,
                value.header.tag() == Tag::GeneralString,
            );
        }
    }
    out
}

/// Appends `bytes` the way `X509_NAME_oneline` writes a value.
fn push_escaped(out: &mut String, bytes: &[u8], general_string: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut keep = [true; 4];
    if general_string && bytes.len().is_multiple_of(4) {
        let mut nonzero = [false; 4];
        for (i, b) in bytes.iter().enumerate() {
            if *b != 0 {
                nonzero[i % 4] = true;
            }
        }
        if !(nonzero[0] || nonzero[1] || nonzero[2]) {
            keep = [false, false, false, true];
        }
    }
    for (i, &b) in bytes.iter().enumerate() {
        if !keep[i % 4] {
            continue;
        }
        if (b' '..=b'~').contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str("\\x");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
}

/// Formats a time like OpenSSL's `ASN1_TIME_print`: `Apr 28 14:16:39 2025 GMT`.
///
/// The day of month is space-padded to two characters (`Jan  2 03:04:05 2030 GMT`).
pub fn asn1_time_print(time: &ASN1Time) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let dt = time.to_datetime();
    let month_index = usize::from(u8::from(dt.month())).saturating_sub(1);
    let month = MONTHS.get(month_index).copied().unwrap_or("???");
    format!(
        "{month} {:>2} {:02}:{:02}:{:02} {} GMT",
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        dt.year()
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair};

    fn cert_with_subject(dn: DistinguishedName) -> Vec<u8> {
        let mut params = CertificateParams::default();
        params.distinguished_name = dn;
        params.not_before = ASN1Time::from_timestamp(1_745_849_799)
            .unwrap()
            .to_datetime();
        params.not_after = ASN1Time::from_timestamp(1_893_553_445)
            .unwrap()
            .to_datetime();
        let key = KeyPair::generate().unwrap();
        params.self_signed(&key).unwrap().der().to_vec()
    }

    #[test]
    fn oneline_keeps_certificate_order_and_short_names() {
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CountryName,
            DnValue::PrintableString("SE".try_into().unwrap()),
        );
        dn.push(DnType::StateOrProvinceName, "Stockholm");
        dn.push(DnType::OrganizationName, "MySQL");
        dn.push(DnType::CommonName, "client");
        let summary = CertSummary::from_der(&cert_with_subject(dn)).unwrap();
        assert_eq!(summary.subject, "/C=SE/ST=Stockholm/O=MySQL/CN=client");
        // Self-signed: issuer is the same name.
        assert_eq!(summary.issuer, "/C=SE/ST=Stockholm/O=MySQL/CN=client");
    }

    #[test]
    fn oneline_prints_email_and_unknown_oids_like_openssl() {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "x");
        dn.push(
            DnType::CustomDnType(vec![1, 2, 840, 113_549, 1, 9, 1]),
            DnValue::Ia5String("a@b.se".try_into().unwrap()),
        );
        dn.push(DnType::CustomDnType(vec![1, 2, 3, 4]), "odd");
        dn.push(
            DnType::CustomDnType(vec![0, 9, 2342, 19_200_300, 100, 1, 25]),
            "example",
        );
        let summary = CertSummary::from_der(&cert_with_subject(dn)).unwrap();
        assert_eq!(
            summary.subject,
            "/CN=x/emailAddress=a@b.se/1.2.3.4=odd/DC=example"
        );
    }

    #[test]
    fn oneline_escapes_non_ascii_bytes_as_upper_hex() {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::LocalityName, "Göteborg");
        dn.push(DnType::CommonName, "tab\there");
        let summary = CertSummary::from_der(&cert_with_subject(dn)).unwrap();
        assert_eq!(summary.subject, "/L=G\\xC3\\xB6teborg/CN=tab\\x09here");
    }

    #[test]
    fn escaping_handles_ucs4_general_strings_like_openssl() {
        let mut out = String::new();
        push_escaped(&mut out, &[0, 0, 0, b'h', 0, 0, 0, b'i'], true);
        assert_eq!(out, "hi");
        let mut out = String::new();
        push_escaped(&mut out, &[0, b'h', 0, b'i'], false);
        assert_eq!(out, "\\x00h\\x00i");
    }

    #[test]
    fn time_print_pads_single_digit_days_with_a_space() {
        let t = ASN1Time::from_timestamp(1_893_553_445).unwrap();
        assert_eq!(asn1_time_print(&t), "Jan  2 03:04:05 2030 GMT");
        let t = ASN1Time::from_timestamp(1_745_849_799).unwrap();
        assert_eq!(asn1_time_print(&t), "Apr 28 14:16:39 2025 GMT");
    }

    #[test]
    fn summary_carries_validity_dates() {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "dates");
        let summary = CertSummary::from_der(&cert_with_subject(dn)).unwrap();
        assert_eq!(summary.not_before, "Apr 28 14:16:39 2025 GMT");
        assert_eq!(summary.not_after, "Jan  2 03:04:05 2030 GMT");
    }

    #[test]
    fn rejects_garbage_and_trailing_bytes() {
        assert!(matches!(
            CertSummary::from_der(b"not a certificate"),
            Err(TlsError::BadCertificate(_))
        ));
        assert!(CertSummary::from_der(&[]).is_err());
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "t");
        let mut der = cert_with_subject(dn);
        der.push(0);
        assert!(matches!(
            CertSummary::from_der(&der),
            Err(TlsError::BadCertificate(_))
        ));
        // Every truncation must fail cleanly, never panic.
        for len in 0..der.len() - 1 {
            assert!(CertSummary::from_der(&der[..len]).is_err());
        }
    }
}
