//! Parsed store objects: certificates (with OpenSSL's `X509_check_ca` classification) and
//! CRLs, each with the canonical name that orders OpenSSL's store.

use std::sync::Arc;

use rustls_pki_types::CertificateDer;

use crate::crl::Crl;
use crate::der::{children, read_tlv, Tlv};
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

/// Parses one certificate with `d2i_X509`'s acceptance rules (strict element layout and
/// INTEGER encodings, but any time string); trailing bytes after it are ignored. Returns the
/// entry and the number of bytes the certificate occupies.
pub(crate) fn parse_cert(der: &[u8]) -> Option<(CertEntry, usize)> {
    let (tbs, used) = parse_tbs(der)?;
    let der = &der[..used];
    let subject_canon = canonical_name(tbs.subject)?;
    let is_ca = check_ca(&tbs, &subject_canon);
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

/// One extension of a certificate.
struct Ext<'a> {
    oid: &'a [u8],
    value: &'a [u8],
}

/// The TBSCertificate fields the store needs.
struct Tbs<'a> {
    /// `[0]` version value; 0 (v1) when absent.
    version: i64,
    serial: &'a [u8],
    issuer: &'a [u8],
    subject: &'a [u8],
    sig_oid: &'a [u8],
    key_oid: &'a [u8],
    key: &'a [u8],
    exts: Vec<Ext<'a>>,
}

/// A DER INTEGER content as `d2i` accepts it: non-empty and minimally encoded.
fn integer_ok(c: &[u8]) -> bool {
    match c {
        [] => false,
        [0, b, ..] if b & 0x80 == 0 => false,
        [0xff, b, ..] if b & 0x80 != 0 => false,
        _ => true,
    }
}

/// An AlgorithmIdentifier: its OID content.
fn algorithm<'a>(t: &Tlv<'a>) -> Option<&'a [u8]> {
    let parts = children(t.content)?;
    (t.tag == 0x30 && parts.first()?.tag == 0x06).then(|| parts[0].content)
}

/// A BIT STRING's bytes after the unused-bits octet.
fn bit_string<'a>(t: &Tlv<'a>) -> Option<&'a [u8]> {
    (t.tag == 0x03 && t.content.first().is_some_and(|&u| u <= 7)).then(|| &t.content[1..])
}

/// `d2i_X509` structure: `SEQUENCE { tbs, algorithm, BIT STRING }`.
fn parse_tbs(der: &[u8]) -> Option<(Tbs<'_>, usize)> {
    let (cert, rest) = read_tlv(der)?;
    let parts = children(cert.content)?;
    if cert.tag != 0x30 || parts.len() != 3 || parts[0].tag != 0x30 {
        return None;
    }
    algorithm(&parts[1])?;
    bit_string(&parts[2])?;
    let f = children(parts[0].content)?;
    let mut i = 0;
    let mut version = 0i64;
    if f.first()?.tag == 0xa0 {
        let v = children(f[0].content)?;
        if v.len() != 1 || v[0].tag != 0x02 || !integer_ok(v[0].content) || v[0].content.len() > 8 {
            return None;
        }
        let fill = if v[0].content[0] & 0x80 != 0 { 0xff } else { 0 };
        let mut bytes = [fill; 8];
        bytes[8 - v[0].content.len()..].copy_from_slice(v[0].content);
        version = i64::from_be_bytes(bytes);
        i = 1;
    }
    let field = |k: usize| f.get(k).copied();
    let serial = field(i)?;
    if serial.tag != 0x02 || !integer_ok(serial.content) {
        return None;
    }
    let sig_oid = algorithm(&field(i + 1)?)?;
    let issuer = field(i + 2)?;
    let validity = field(i + 3)?;
    let subject = field(i + 4)?;
    let spki = field(i + 5)?;
    if issuer.tag != 0x30 || subject.tag != 0x30 || canonical_name(issuer.raw).is_none() {
        return None;
    }
    let times = children(validity.content)?;
    if validity.tag != 0x30
        || times.len() != 2
        || !times.iter().all(|t| matches!(t.tag, 0x17 | 0x18))
    {
        return None;
    }
    let key_parts = children(spki.content)?;
    if spki.tag != 0x30 || key_parts.len() != 2 {
        return None;
    }
    let key_oid = algorithm(&key_parts[0])?;
    let key = bit_string(&key_parts[1])?;
    let mut last = 0u8;
    let mut exts = Vec::new();
    for t in &f[i + 6..] {
        if !matches!(t.tag, 0x81 | 0xa1 | 0x82 | 0xa2 | 0xa3) || (t.tag & 0x1f) <= last {
            return None;
        }
        last = t.tag & 0x1f;
        if t.tag == 0xa3 {
            let inner = children(t.content)?;
            if inner.len() != 1 || inner[0].tag != 0x30 {
                return None;
            }
            for e in children(inner[0].content)? {
                let p = children(e.content)?;
                let ok = e.tag == 0x30
                    && p.first()?.tag == 0x06
                    && match p.len() {
                        2 => p[1].tag == 0x04,
                        3 => p[1].tag == 0x01 && p[1].content.len() == 1 && p[2].tag == 0x04,
                        _ => false,
                    };
                if !ok {
                    return None;
                }
                exts.push(Ext {
                    oid: p[0].content,
                    value: p[p.len() - 1].content,
                });
            }
        }
    }
    Some((
        Tbs {
            version,
            serial: serial.content,
            issuer: issuer.raw,
            subject: subject.raw,
            sig_oid,
            key_oid,
            key,
            exts,
        },
        der.len() - rest.len(),
    ))
}

const OID_BC: &[u8] = &[0x55, 0x1d, 0x13];
const OID_KU: &[u8] = &[0x55, 0x1d, 0x0f];
const OID_SKID: &[u8] = &[0x55, 0x1d, 0x0e];
const OID_AKID: &[u8] = &[0x55, 0x1d, 0x23];
const OID_NS_CERT_TYPE: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x01, 0x01];
/// Extensions OpenSSL decodes when caching a certificate's flags: a duplicate of any of
/// them marks the certificate invalid (`X509_get_ext_d2i` finds more than one).
const CACHED: &[&[u8]] = &[
    OID_BC,
    OID_KU,
    OID_SKID,
    OID_AKID,
    OID_NS_CERT_TYPE,
    &[0x55, 0x1d, 0x25],                               // extKeyUsage
    &[0x55, 0x1d, 0x11],                               // subjectAltName
    &[0x55, 0x1d, 0x1e],                               // nameConstraints
    &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x0e], // proxyCertInfo
];

/// What the cached extensions say, or `None` when OpenSSL would mark the certificate
/// invalid (duplicated or undecodable).
struct Flags<'a> {
    /// basicConstraints: `Some(ca)`.
    bc: Option<bool>,
    /// keyUsage bits (`data[0] | data[1] << 8`).
    ku: Option<u16>,
    ns_cert_type: Option<u8>,
    skid: Option<&'a [u8]>,
    akid_key: Option<&'a [u8]>,
    akid_serial: Option<&'a [u8]>,
}

fn one_value(value: &[u8]) -> Option<Tlv<'_>> {
    let (t, rest) = read_tlv(value)?;
    rest.is_empty().then_some(t)
}

fn flags<'a>(tbs: &Tbs<'a>) -> Option<Flags<'a>> {
    for (n, e) in tbs.exts.iter().enumerate() {
        if CACHED.contains(&e.oid) && tbs.exts[..n].iter().any(|o| o.oid == e.oid) {
            return None;
        }
    }
    let find = |oid: &[u8]| tbs.exts.iter().find(|e| e.oid == oid).map(|e| e.value);
    let mut f = Flags {
        bc: None,
        ku: None,
        ns_cert_type: None,
        skid: None,
        akid_key: None,
        akid_serial: None,
    };
    if let Some(v) = find(OID_BC) {
        let t = one_value(v)?;
        let parts = children(t.content)?;
        let mut ca = false;
        let mut rest = parts.as_slice();
        if let [b, tail @ ..] = rest {
            if b.tag == 0x01 {
                if b.content.len() != 1 {
                    return None;
                }
                ca = b.content[0] != 0;
                rest = tail;
            }
        }
        match rest {
            [] => {}
            [n] if n.tag == 0x02 && integer_ok(n.content) && n.content[0] & 0x80 == 0 => {}
            _ => return None,
        }
        if t.tag != 0x30 {
            return None;
        }
        f.bc = Some(ca);
    }
    if let Some(v) = find(OID_KU) {
        let bits = bit_string(&one_value(v)?)?;
        f.ku = Some(
            u16::from(bits.first().copied().unwrap_or(0))
                | u16::from(bits.get(1).copied().unwrap_or(0)) << 8,
        );
    }
    if let Some(v) = find(OID_NS_CERT_TYPE) {
        let bits = bit_string(&one_value(v)?)?;
        f.ns_cert_type = Some(bits.first().copied().unwrap_or(0));
    }
    if let Some(v) = find(OID_SKID) {
        let t = one_value(v)?;
        if t.tag != 0x04 {
            return None;
        }
        f.skid = Some(t.content);
    }
    if let Some(v) = find(OID_AKID) {
        let t = one_value(v)?;
        if t.tag != 0x30 {
            return None;
        }
        for p in children(t.content)? {
            match p.tag {
                0x80 => f.akid_key = Some(p.content),
                0x82 => f.akid_serial = Some(p.content),
                0xa1 => {}
                _ => return None,
            }
        }
    }
    Some(f)
}

/// OpenSSL 3.0 `X509_check_ca() != 0`.
fn check_ca(tbs: &Tbs<'_>, subject_canon: &[u8]) -> bool {
    const KU_KEY_CERT_SIGN: u16 = 0x0004;
    let Some(f) = flags(tbs) else {
        return false; // EXFLAG_INVALID
    };
    if f.ku.is_some_and(|ku| ku & KU_KEY_CERT_SIGN == 0) {
        return false; // ku_reject
    }
    if let Some(ca) = f.bc {
        return ca;
    }
    if tbs.version == 0 && is_self_signed(tbs, &f, subject_canon) {
        return true;
    }
    f.ku.is_some() || f.ns_cert_type.is_some_and(|t| t & 0x07 != 0)
}

/// OpenSSL's `EXFLAG_SS`: self-issued, AKID (if any) consistent with itself, a public key
/// that decodes, and a signature algorithm that fits the key type.
fn is_self_signed(tbs: &Tbs<'_>, f: &Flags<'_>, subject_canon: &[u8]) -> bool {
    if canonical_name(tbs.issuer).as_deref() != Some(subject_canon) {
        return false;
    }
    if let (Some(k), Some(s)) = (f.akid_key, f.skid) {
        if k != s {
            return false;
        }
    }
    if let Some(serial) = f.akid_serial {
        if strip_zeros(serial) != strip_zeros(tbs.serial) {
            return false;
        }
    }
    let sig = oid_string(tbs.sig_oid);
    let key = oid_string(tbs.key_oid);
    key_decodes(&key, tbs.key) && sig_alg_matches_key(&sig, &key)
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let skip = b.iter().take_while(|&&x| x == 0).count();
    &b[skip..]
}

/// Dotted text of OID content octets.
fn oid_string(content: &[u8]) -> String {
    let mut arcs: Vec<u128> = Vec::new();
    let mut acc: u128 = 0;
    for &b in content {
        acc = (acc << 7) | u128::from(b & 0x7f);
        if b & 0x80 == 0 {
            arcs.push(acc);
            acc = 0;
        }
    }
    let mut out = Vec::new();
    if let Some(&first) = arcs.first() {
        let (a, b) = match first {
            0..=39 => (0, first),
            40..=79 => (1, first - 40),
            _ => (2, first - 80),
        };
        out.push(a.to_string());
        out.push(b.to_string());
        out.extend(arcs[1..].iter().map(|a| a.to_string()));
    }
    out.join(".")
}

/// A light stand-in for `X509_get0_pubkey` succeeding: the key has the shape its type needs.
fn key_decodes(key_oid: &str, key: &[u8]) -> bool {
    match key_oid {
        "1.2.840.10045.2.1" => matches!(
            (key.first(), key.len()),
            (Some(4), 65 | 97 | 133) | (Some(2 | 3), 33 | 49 | 67)
        ),
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => one_value(key)
            .and_then(|t| children(t.content).map(|c| (t.tag, c)))
            .is_some_and(|(tag, c)| tag == 0x30 && c.len() == 2 && c.iter().all(|i| i.tag == 0x02)),
        "1.3.101.112" => key.len() == 32,
        "1.3.101.113" => key.len() == 57,
        _ => !key.is_empty(),
    }
}

/// `check_sig_alg_match`: the key type implied by the signature algorithm equals the
/// subject key's type.
fn sig_alg_matches_key(sig: &str, key: &str) -> bool {
    let family = |oid: &str| -> Option<&'static str> {
        Some(match oid {
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
    matches!((family(sig), family(key)), (Some(a), Some(b)) if a == b)
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
