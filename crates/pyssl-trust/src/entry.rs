//! Parsed store objects: certificates (with OpenSSL's `X509_check_ca` classification) and
//! CRLs, each with the canonical name that orders OpenSSL's store.

use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use x509_parser::prelude::*;

use crate::crl::Crl;
use crate::name::canonical_name;

/// SHA-256 of a DER encoding: the identity used for de-duplication and "used" marks.
pub(crate) type Digest = [u8; 32];

pub(crate) fn sha256(der: &[u8]) -> Digest {
    let d = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A certificate as the store keeps it.
#[derive(Debug)]
pub(crate) struct CertEntry {
    pub der: CertificateDer<'static>,
    pub subject_canon: Vec<u8>,
    pub is_ca: bool,
    pub digest: Digest,
}

/// A CRL as the store keeps it.
#[derive(Debug)]
pub(crate) struct CrlEntry {
    pub crl: Crl,
    pub issuer_canon: Vec<u8>,
    pub digest: Digest,
}

/// A store object: OpenSSL's `X509_OBJECT` (certificates sort before CRLs).
#[derive(Debug, Clone)]
pub(crate) enum Object {
    Cert(Arc<CertEntry>),
    Crl(Arc<CrlEntry>),
}

impl Object {
    pub(crate) fn digest(&self) -> &Digest {
        match self {
            Object::Cert(c) => &c.digest,
            Object::Crl(c) => &c.digest,
        }
    }

    /// `x509_object_cmp`: type first, then the subject (certificates) or issuer (CRLs).
    pub(crate) fn cmp_openssl(&self, other: &Object) -> std::cmp::Ordering {
        use crate::name::cmp_canonical;
        match (self, other) {
            (Object::Cert(a), Object::Cert(b)) => cmp_canonical(&a.subject_canon, &b.subject_canon),
            (Object::Crl(a), Object::Crl(b)) => cmp_canonical(&a.issuer_canon, &b.issuer_canon),
            (Object::Cert(_), Object::Crl(_)) => std::cmp::Ordering::Less,
            (Object::Crl(_), Object::Cert(_)) => std::cmp::Ordering::Greater,
        }
    }
}

/// Parses one certificate (`d2i_X509`); trailing bytes after it are ignored. Returns the
/// entry and the number of bytes the certificate occupies.
pub(crate) fn parse_cert(der: &[u8]) -> Option<(CertEntry, usize)> {
    let (rest, cert) = X509Certificate::from_der(der).ok()?;
    let used = der.len() - rest.len();
    let der = &der[..used];
    if !openssl_shape(der) {
        return None;
    }
    let subject_canon = canonical_name(cert.subject().as_raw())?;
    let is_ca = check_ca(&cert, &subject_canon);
    Some((
        CertEntry {
            der: CertificateDer::from(der.to_vec()),
            subject_canon,
            is_ca,
            digest: sha256(der),
        },
        used,
    ))
}

/// The element layout `d2i_X509` insists on where x509-parser is lenient: exactly
/// `SEQUENCE { tbs, algorithm, signature }`, and inside `tbs` nothing after the subject
/// key but the optional `[1]`, `[2]`, `[3]` fields, in order.
fn openssl_shape(der: &[u8]) -> bool {
    use crate::der::{children, read_tlv};
    let Some((cert, _)) = read_tlv(der) else {
        return false;
    };
    let Some(parts) = children(cert.content) else {
        return false;
    };
    if parts.len() != 3 || parts[0].tag != 0x30 || parts[1].tag != 0x30 || parts[2].tag != 0x03 {
        return false;
    }
    let Some(tbs) = children(parts[0].content) else {
        return false;
    };
    let fixed = if tbs.first().is_some_and(|t| t.tag == 0xa0) {
        7
    } else {
        6
    };
    if tbs.len() < fixed {
        return false;
    }
    let mut last = 0u8;
    tbs[fixed..].iter().all(|t| {
        let ok = matches!(t.tag, 0x81 | 0xa1 | 0x82 | 0xa2 | 0xa3) && (t.tag & 0x1f) > last;
        last = t.tag & 0x1f;
        ok
    })
}

/// Parses one CRL (`d2i_X509_CRL`); trailing bytes are ignored.
pub(crate) fn parse_crl(der: &[u8]) -> Option<CrlEntry> {
    let crl = Crl::from_der(der).ok()?;
    let issuer_canon = canonical_name(crl.issuer_der())?;
    let digest = sha256(crl.der().as_ref());
    Some(CrlEntry {
        crl,
        issuer_canon,
        digest,
    })
}

/// OpenSSL 3.0 `X509_check_ca() != 0`.
fn check_ca(cert: &X509Certificate<'_>, subject_canon: &[u8]) -> bool {
    // Undecodable or duplicated key extensions make OpenSSL mark the certificate invalid.
    let Ok(bc) = cert.basic_constraints() else {
        return false;
    };
    let Ok(ku) = cert.key_usage() else {
        return false;
    };
    if cert.extensions().iter().any(|e| {
        matches!(e.parsed_extension(), ParsedExtension::ParseError { .. })
            && [
                x509_parser::oid_registry::OID_X509_EXT_BASIC_CONSTRAINTS,
                x509_parser::oid_registry::OID_X509_EXT_KEY_USAGE,
            ]
            .contains(&e.oid)
    }) {
        return false;
    }
    if let Some(ku) = &ku {
        if !ku.value.key_cert_sign() {
            return false; // ku_reject
        }
    }
    if let Some(bc) = bc {
        return bc.value.ca;
    }
    if cert.version() == X509Version::V1 && is_self_signed(cert, subject_canon) {
        return true;
    }
    if ku.is_some() {
        return true;
    }
    cert.extensions()
        .iter()
        .any(|e| match e.parsed_extension() {
            ParsedExtension::NSCertType(t) => t.ssl_ca() || t.smime_ca() || t.object_signing_ca(),
            _ => false,
        })
}

/// OpenSSL's `EXFLAG_SS`: self-issued, AKID (if any) consistent with itself, and a
/// signature algorithm that fits the key type.
fn is_self_signed(cert: &X509Certificate<'_>, subject_canon: &[u8]) -> bool {
    let Some(issuer_canon) = canonical_name(cert.issuer().as_raw()) else {
        return false;
    };
    if issuer_canon != subject_canon {
        return false;
    }
    let mut skid = None;
    let mut akid_ok = true;
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => skid = Some(k.0),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                if let Some(serial) = a.authority_cert_serial {
                    akid_ok &= strip_zeros(serial) == strip_zeros(cert.raw_serial());
                }
                if let Some(k) = &a.key_identifier {
                    if let Some(s) = skid.or_else(|| find_skid(cert)) {
                        akid_ok &= k.0 == s;
                    }
                }
            }
            _ => {}
        }
    }
    akid_ok && sig_alg_matches_key(cert)
}

fn find_skid<'a>(cert: &'a X509Certificate<'_>) -> Option<&'a [u8]> {
    cert.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(k) => Some(k.0),
            _ => None,
        })
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let skip = b.iter().take_while(|&&x| x == 0).count();
    &b[skip..]
}

/// `check_sig_alg_match`: the key type implied by the signature algorithm equals the
/// subject key's type.
fn sig_alg_matches_key(cert: &X509Certificate<'_>) -> bool {
    let sig = cert.signature_algorithm.algorithm.to_id_string();
    let key = cert.public_key().algorithm.algorithm.to_id_string();
    let family = |oid: &str| -> Option<&'static str> {
        Some(match oid {
            "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => "rsa",
            o if o.starts_with("1.2.840.113549.1.1.") => "rsa",
            "1.2.840.10045.2.1" => "ec",
            o if o.starts_with("1.2.840.10045.4.") => "ec",
            "1.3.101.112" => "ed25519",
            "1.3.101.113" => "ed448",
            "1.2.840.10040.4.1" | "1.2.840.10040.4.3" => "dsa",
            o if o.starts_with("2.16.840.1.101.3.4.3.") => {
                let n: u32 = o.rsplit('.').next()?.parse().ok()?;
                match n {
                    1 | 2 | 5..=8 => "dsa",
                    9..=12 => "ec",
                    13..=16 => "rsa",
                    _ => return None,
                }
            }
            _ => return None,
        })
    };
    match (family(&sig), family(&key)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}
