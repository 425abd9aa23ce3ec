//! A small, strict DER reader for the peer's leaf certificate, run on every handshake.
//!
//! webpki verifies the chain; the verifier still needs a handful of facts about the leaf
//! (names, validity, basicConstraints, keyUsage, EKU, SAN, key identifiers) to reproduce
//! OpenSSL's verify codes and Python's host-name rules. Parsing the whole certificate with
//! x509-parser for that costs ~12k instructions and ~30 KiB of code per handshake, so this
//! module walks the DER directly: no allocation, every length bounds-checked, no panics.
//!
//! It accepts only the ordinary shape of a v3 certificate in strict DER (definite minimal
//! lengths, no unique IDs, no duplicate extensions, UTCTime/GeneralizedTime in `…Z` form,
//! SAN entries that are rfc822Name/dNSName/URI in ASCII or iPAddress). Anything else yields
//! `None`, and the caller falls back to x509-parser, so decisions never depend on which
//! reader ran; when both read a certificate, their facts are equal (tested against every
//! fixture certificate and generated ones).

use super::path::CertFacts;

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const BOOLEAN: u8 = 0x01;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;

/// id-ce-subjectKeyIdentifier (2.5.29.14) and the other extension OIDs read here.
const OID_SKID: &[u8] = &[0x55, 0x1d, 0x0e];
const OID_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];
const OID_BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
const OID_AKID: &[u8] = &[0x55, 0x1d, 0x23];
const OID_EKU: &[u8] = &[0x55, 0x1d, 0x25];
/// id-at-commonName (2.5.4.3).
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
/// id-kp-serverAuth / id-kp-clientAuth.
const OID_SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
const OID_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
/// Netscape (2.16.840.1.113730.4.1) and Microsoft (1.3.6.1.4.1.311.10.3.3) SGC.
const OID_NS_SGC: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x86, 0xf8, 0x42, 0x04, 0x01];
const OID_MS_SGC: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x0a, 0x03, 0x03];

/// A SAN entry the host-name check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum San<'a> {
    /// dNSName (ASCII).
    Dns(&'a [u8]),
    /// iPAddress octets.
    Ip(&'a [u8]),
    /// Any other (accepted) kind of name.
    Other,
}

/// The leaf certificate as read by [`Leaf::parse`]: its [`CertFacts`] plus the raw pieces
/// the host-name check reads.
#[derive(Debug, Clone)]
pub(crate) struct Leaf<'a> {
    /// What the chain checks need.
    pub(crate) facts: CertFacts,
    /// The subject Name's content (RDNs), already checked for shape.
    subject: &'a [u8],
    /// The subjectAltName GeneralNames' content, already checked for shape.
    san: Option<&'a [u8]>,
}

impl<'a> Leaf<'a> {
    /// Reads `der`; None when it is not a certificate of the plain shape this reader
    /// handles (the caller then uses x509-parser).
    pub(crate) fn parse(der: &'a [u8]) -> Option<Leaf<'a>> {
        let mut top = Der(der);
        let cert = top.expect(SEQUENCE)?;
        top.end()?;
        let mut c = Der(cert);
        let tbs = c.expect(SEQUENCE)?;
        let outer_alg = alg_id(c.expect(SEQUENCE)?)?;
        let sig = c.expect(BIT_STRING)?;
        bit_string(sig)?;
        c.end()?;

        let mut t = Der(tbs);
        let mut v = Der(t.expect(0xa0)?);
        if v.expect(INTEGER)? != [2] {
            return None;
        }
        v.end()?;
        let serial = t.expect(INTEGER)?;
        if serial.is_empty() {
            return None;
        }
        let inner_alg = alg_id(t.expect(SEQUENCE)?)?;
        let (issuer_raw, issuer) = t.tlv_of(SEQUENCE)?;
        let issuer_empty = name_is_empty(issuer)?;
        let mut validity = Der(t.expect(SEQUENCE)?);
        let not_before = time(&mut validity)?;
        let not_after = time(&mut validity)?;
        validity.end()?;
        let (subject_raw, subject) = t.tlv_of(SEQUENCE)?;
        let subject_empty = name_is_empty(subject)?;
        let mut spki = Der(t.expect(SEQUENCE)?);
        alg_id(spki.expect(SEQUENCE)?)?;
        bit_string(spki.expect(BIT_STRING)?)?;
        spki.end()?;
        let exts = match t.0.first() {
            None => &[][..],
            Some(0xa3) => {
                let mut wrapper = Der(t.expect(0xa3)?);
                let exts = wrapper.expect(SEQUENCE)?;
                wrapper.end()?;
                t.end()?;
                if exts.is_empty() {
                    return None;
                }
                exts
            }
            Some(_) => return None,
        };

        let mut facts = CertFacts {
            subject: subject_raw.to_vec(),
            issuer: issuer_raw.to_vec(),
            serial: serial.to_vec(),
            not_before,
            not_after,
            self_signed: false,
            eku: None,
            version: 2,
            bcons: None,
            key_usage: None,
            akid_critical: None,
            skid_critical: None,
            san: None,
            subject_empty,
            issuer_empty,
            sig_alg_consistent: outer_alg == inner_alg,
            extension_count: 0,
        };
        let mut skid = None;
        let mut akid = None;
        let mut san = None;
        let mut seen: [&[u8]; 24] = [&[]; 24];
        let mut list = Der(exts);
        while !list.is_empty() {
            let mut ext = Der(list.expect(SEQUENCE)?);
            let oid = oid(&mut ext)?;
            let critical = match ext.0.first() {
                Some(&BOOLEAN) => match ext.expect(BOOLEAN)? {
                    [0xff] => true,
                    _ => return None,
                },
                _ => false,
            };
            let value = ext.expect(OCTET_STRING)?;
            ext.end()?;
            // Duplicates (and more extensions than tracked) are left to x509-parser.
            let n = facts.extension_count;
            if n == seen.len() || seen[..n].contains(&oid) {
                return None;
            }
            seen[n] = oid;
            facts.extension_count += 1;
            match oid {
                OID_SKID => {
                    skid = Some(single(value, OCTET_STRING)?);
                    facts.skid_critical = Some(critical);
                }
                OID_AKID => {
                    akid = akid_key_id(single(value, SEQUENCE)?)?;
                    facts.akid_critical = Some(critical);
                }
                OID_BASIC_CONSTRAINTS => {
                    let (ca, path_len) = basic_constraints(single(value, SEQUENCE)?)?;
                    facts.bcons = Some((critical, ca, path_len));
                }
                OID_KEY_USAGE => facts.key_usage = Some(key_usage(single(value, BIT_STRING)?)?),
                OID_SAN => {
                    let names = single(value, SEQUENCE)?;
                    let mut count = 0;
                    for entry in Sans(Der(names)) {
                        entry?;
                        count += 1;
                    }
                    san = Some(names);
                    facts.san = Some((critical, count));
                }
                OID_EKU => facts.eku = Some(eku(single(value, SEQUENCE)?)?),
                _ => {}
            }
        }
        let akid_ok = match (akid, skid) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        };
        facts.self_signed = facts.subject == facts.issuer && akid_ok;
        Some(Leaf {
            facts,
            subject,
            san,
        })
    }

    /// The subjectAltName entries, in order (empty without the extension).
    pub(crate) fn sans(&self) -> impl Iterator<Item = San<'a>> {
        Sans(Der(self.san.unwrap_or(&[]))).map_while(|entry| entry)
    }

    /// The subject's commonName values (content bytes), in order.
    pub(crate) fn common_names(&self) -> impl Iterator<Item = &'a [u8]> {
        let mut rdns = Der(self.subject);
        let mut rdn = Der(&[]);
        std::iter::from_fn(move || loop {
            if rdn.is_empty() {
                rdn = Der(rdns.expect(SET)?);
            }
            let mut atv = Der(rdn.expect(SEQUENCE)?);
            let oid = oid(&mut atv)?;
            let (_, value, _) = atv.tlv()?;
            if oid == OID_CN {
                return Some(value);
            }
        })
    }
}

/// A cursor over DER bytes.
#[derive(Debug, Clone, Copy)]
struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Some(()) when nothing is left.
    fn end(&self) -> Option<()> {
        self.is_empty().then_some(())
    }

    /// The next element: (tag, content, whole encoding). Low tag numbers and minimal
    /// definite lengths only.
    fn tlv(&mut self) -> Option<(u8, &'a [u8], &'a [u8])> {
        let all = self.0;
        let (&tag, rest) = all.split_first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 3 || rest.len() < n || rest[0] == 0 {
                return None;
            }
            let (bytes, after) = rest.split_at(n);
            rest = after;
            let len = bytes.iter().fold(0, |acc, b| (acc << 8) | usize::from(*b));
            if len < 0x80 {
                return None;
            }
            len
        };
        if rest.len() < len {
            return None;
        }
        let (content, after) = rest.split_at(len);
        self.0 = after;
        Some((tag, content, &all[..all.len() - after.len()]))
    }

    /// The content of the next element, which must have tag `tag`.
    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        self.tlv_of(tag).map(|(_, content)| content)
    }

    /// (whole encoding, content) of the next element, which must have tag `tag`.
    fn tlv_of(&mut self, tag: u8) -> Option<(&'a [u8], &'a [u8])> {
        match self.tlv()? {
            (t, content, whole) if t == tag => Some((whole, content)),
            _ => None,
        }
    }
}

/// The content of `der`, which must be exactly one element with tag `tag`.
fn single(der: &[u8], tag: u8) -> Option<&[u8]> {
    let mut d = Der(der);
    let content = d.expect(tag)?;
    d.end()?;
    Some(content)
}

/// A well-formed OBJECT IDENTIFIER's content.
fn oid<'a>(d: &mut Der<'a>) -> Option<&'a [u8]> {
    let o = d.expect(OID)?;
    let well_formed = !o.is_empty()
        && o.last().is_some_and(|b| b & 0x80 == 0)
        && o.iter()
            .enumerate()
            .all(|(i, &b)| b != 0x80 || (i > 0 && o[i - 1] & 0x80 != 0));
    well_formed.then_some(o)
}

/// AlgorithmIdentifier content → (OID, parameters' content) as x509-parser compares them.
fn alg_id(content: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let mut d = Der(content);
    let oid = oid(&mut d)?;
    let params = match d.is_empty() {
        true => None,
        false => Some(d.tlv()?.1),
    };
    d.end()?;
    Some((oid, params))
}

/// Checks a BIT STRING's content (unused-bits count 0..=7, zero padding); returns the bits.
fn bit_string(content: &[u8]) -> Option<&[u8]> {
    let (&unused, bits) = content.split_first()?;
    let pad_ok = match bits.last() {
        None => unused == 0,
        Some(last) => unused <= 7 && last & ((1u16 << unused) - 1) as u8 == 0,
    };
    pad_ok.then_some(bits)
}

/// Whether a Name's content has no attributes at all; None when malformed.
fn name_is_empty(rdns: &[u8]) -> Option<bool> {
    let mut d = Der(rdns);
    while !d.is_empty() {
        let mut rdn = Der(d.expect(SET)?);
        rdn.end().is_none().then_some(())?;
        while !rdn.is_empty() {
            let mut atv = Der(rdn.expect(SEQUENCE)?);
            oid(&mut atv)?;
            atv.tlv()?;
            atv.end()?;
        }
    }
    Some(rdns.is_empty())
}

/// UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ` → Unix seconds.
fn time(d: &mut Der<'_>) -> Option<i64> {
    let (tag, s, _) = d.tlv()?;
    let (year, rest) = match (tag, s.len()) {
        (UTC_TIME, 13) => {
            let yy = digits(&s[..2])?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &s[2..])
        }
        (GENERALIZED_TIME, 15) => (digits(&s[..4])?, &s[4..]),
        _ => return None,
    };
    if rest[10] != b'Z' {
        return None;
    }
    let month = digits(&rest[0..2])?;
    let day = digits(&rest[2..4])?;
    let hour = digits(&rest[4..6])?;
    let minute = digits(&rest[6..8])?;
    let second = digits(&rest[8..10])?;
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        28 + i64::from(leap),
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_days[(month - 1) as usize]
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

/// ASCII decimal digits → value.
fn digits(s: &[u8]) -> Option<i64> {
    s.iter().try_fold(0i64, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

/// AuthorityKeyIdentifier content → its keyIdentifier (if any).
fn akid_key_id(content: &[u8]) -> Option<Option<&[u8]>> {
    let mut d = Der(content);
    let mut key_id = None;
    if d.0.first() == Some(&0x80) {
        key_id = Some(d.expect(0x80)?);
    }
    // authorityCertIssuer [1] is left to x509-parser; a serial [2] is fine.
    if d.0.first() == Some(&0x82) {
        d.expect(0x82)?;
    }
    d.end()?;
    Some(key_id)
}

/// BasicConstraints content → (cA, pathLenConstraint present).
fn basic_constraints(content: &[u8]) -> Option<(bool, bool)> {
    let mut d = Der(content);
    let ca = match d.0.first() {
        Some(&BOOLEAN) => match d.expect(BOOLEAN)? {
            [0xff] => true,
            _ => return None,
        },
        _ => false,
    };
    let path_len = match d.is_empty() {
        true => false,
        false => {
            let n = d.expect(INTEGER)?;
            // A non-negative value that fits a u32, minimally encoded.
            let ok = match n {
                [b] => b & 0x80 == 0,
                [0, b, ..] => b & 0x80 != 0 && n.len() <= 5,
                [b, ..] => b & 0x80 == 0 && n.len() <= 4,
                [] => false,
            };
            ok.then_some(true)?
        }
    };
    d.end()?;
    Some((ca, path_len))
}

/// KeyUsage BIT STRING content → (keyCertSign, cRLSign).
fn key_usage(content: &[u8]) -> Option<(bool, bool)> {
    let bits = bit_string(content)?;
    let first = *bits.first()?;
    Some((first & 0x04 != 0, first & 0x02 != 0))
}

/// ExtKeyUsageSyntax content → (serverAuth or SGC, clientAuth).
fn eku(content: &[u8]) -> Option<(bool, bool)> {
    let mut d = Der(content);
    let (mut server, mut client) = (false, false);
    if d.is_empty() {
        return None;
    }
    while !d.is_empty() {
        match oid(&mut d)? {
            OID_SERVER_AUTH | OID_NS_SGC | OID_MS_SGC => server = true,
            OID_CLIENT_AUTH => client = true,
            _ => {}
        }
    }
    Some((server, client))
}

/// Iterator over GeneralNames content; yields None (once) for an entry it does not accept.
struct Sans<'a>(Der<'a>);

impl<'a> Iterator for Sans<'a> {
    type Item = Option<San<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let entry = match self.0.tlv() {
            // dNSName [2]; rfc822Name [1] and URI [6] (IA5String).
            Some((0x82, v, _)) if v.is_ascii() => Some(San::Dns(v)),
            Some((0x81 | 0x86, v, _)) if v.is_ascii() => Some(San::Other),
            Some((0x87, v, _)) => Some(San::Ip(v)),
            _ => None,
        };
        if entry.is_none() {
            self.0 = Der(&[]);
        }
        Some(entry)
    }
}

#[cfg(test)]
mod tests {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        KeyUsagePurpose, SanType,
    };
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    use x509_parser::extensions::GeneralName;
    use x509_parser::prelude::{FromDer, X509Certificate};

    use super::*;
    use crate::verifier::hostname::{match_hostname, match_leaf};

    /// The oracle: facts, SAN entries and CNs as x509-parser reads them.
    fn oracle(der: &[u8]) -> Option<(CertFacts, Vec<San<'_>>, Vec<Vec<u8>>)> {
        let facts = CertFacts::parse(der)?;
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let sans = match cert.subject_alternative_name() {
            Ok(Some(ext)) => ext
                .value
                .general_names
                .iter()
                .map(|g| match g {
                    GeneralName::DNSName(s) => San::Dns(s.as_bytes()),
                    GeneralName::IPAddress(b) => San::Ip(b),
                    _ => San::Other,
                })
                .collect(),
            _ => Vec::new(),
        };
        let cns = cert
            .subject()
            .iter_common_name()
            .map(|cn| match cn.as_str() {
                Ok(s) => s.as_bytes().to_vec(),
                Err(_) => cn.as_slice().to_vec(),
            })
            .collect();
        Some((facts, sans, cns))
    }

    /// When the reader accepts `der`, x509-parser must too, with equal facts and names,
    /// and the host-name check must agree. Returns whether the reader accepted it.
    fn agrees(der: &[u8]) -> bool {
        let Some(leaf) = Leaf::parse(der) else {
            return false;
        };
        let (facts, sans, cns) = oracle(der).expect("x509-parser rejects what leaf.rs read");
        assert_eq!(leaf.facts, facts);
        assert_eq!(leaf.sans().collect::<Vec<_>>(), sans);
        assert_eq!(
            leaf.common_names().map(<[u8]>::to_vec).collect::<Vec<_>>(),
            cns
        );
        for host in [
            "localhost",
            "www.example.com",
            "a.example.com",
            "example.com",
            "127.0.0.1",
            "::1",
            "pyssl test CA",
        ] {
            for ccn in [false, true] {
                let a = match_leaf(&leaf, host, ccn).map_err(|f| f.code);
                let b = match_hostname(der, host, ccn).map_err(|f| f.code);
                assert_eq!(a, b, "{host} ccn={ccn}");
            }
        }
        true
    }

    fn fixture_certs() -> Vec<Vec<u8>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut out = Vec::new();
        let mut dirs = vec![
            root.join("tests"),
            root.join("crates"),
            root.join("fuzz/corpus"),
        ];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.ends_with("target") {
                    continue;
                }
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "pem") {
                    let bytes = std::fs::read(&p).unwrap();
                    out.extend(
                        CertificateDer::pem_slice_iter(&bytes)
                            .flatten()
                            .map(|c| c.to_vec()),
                    );
                }
            }
        }
        out
    }

    fn generated_certs() -> Vec<Vec<u8>> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(3));
        ca.distinguished_name
            .push(DnType::CommonName, "pyssl test CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca.self_signed(&key).unwrap();
        let issuer = rcgen::Issuer::from_params(&ca, &key);
        let mut out = vec![ca_cert.der().to_vec()];
        let variants: [fn(&mut CertificateParams); 5] = [
            |_| {},
            |p| {
                p.subject_alt_names = vec![
                    SanType::DnsName("*.example.com".try_into().unwrap()),
                    SanType::IpAddress("127.0.0.1".parse().unwrap()),
                    SanType::IpAddress("::1".parse().unwrap()),
                    SanType::Rfc822Name("a@example.com".try_into().unwrap()),
                    SanType::URI("https://example.com/".try_into().unwrap()),
                ];
                p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
                p.use_authority_key_identifier_extension = true;
            },
            |p| {
                p.distinguished_name = rcgen::DistinguishedName::new();
                p.distinguished_name.push(DnType::CommonName, "localhost");
                p.distinguished_name
                    .push(DnType::CommonName, "a.example.com");
                p.subject_alt_names.clear();
                p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
                p.extended_key_usages = vec![
                    ExtendedKeyUsagePurpose::ServerAuth,
                    ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 4, 1, 311, 10, 3, 3]),
                ];
            },
            |p| {
                p.is_ca = IsCa::ExplicitNoCa;
                p.key_usages = vec![KeyUsagePurpose::KeyCertSign];
                p.not_before = rcgen::date_time_ymd(2051, 2, 28);
                p.not_after = rcgen::date_time_ymd(2100, 12, 31);
            },
            |p| {
                p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
                p.not_before = rcgen::date_time_ymd(1950, 1, 1);
                p.not_after = rcgen::date_time_ymd(2049, 12, 31);
            },
        ];
        for v in variants {
            let mut p = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
            p.distinguished_name.push(DnType::CommonName, "leaf");
            v(&mut p);
            let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
            out.push(p.signed_by(&leaf_key, &issuer).unwrap().der().to_vec());
        }
        out
    }

    #[test]
    fn matches_x509_parser_on_fixtures_and_generated_certs() {
        let fixtures = fixture_certs();
        assert!(
            fixtures.len() >= 5,
            "found {} fixture certs",
            fixtures.len()
        );
        let read = fixtures.iter().filter(|d| agrees(d)).count();
        assert!(read * 2 >= fixtures.len(), "{read} of {}", fixtures.len());
        for der in generated_certs() {
            assert!(agrees(&der), "generated cert not read");
        }
    }

    #[test]
    fn mutations_are_rejected_or_agree_with_x509_parser() {
        let mut read = 0;
        for der in generated_certs().into_iter().take(3) {
            for i in 0..der.len() {
                for f in [|b: u8| b ^ 0xff, |b: u8| b.wrapping_add(1), |_| 0x80] {
                    let mut m = der.clone();
                    m[i] = f(m[i]);
                    read += usize::from(agrees(&m));
                }
            }
        }
        // Changes inside keys, signatures and names still read (and must agree).
        assert!(read > 100, "{read}");
    }

    #[test]
    fn malformed_input_is_rejected_cleanly() {
        let der = generated_certs().remove(1);
        assert!(Leaf::parse(&der).is_some());
        for n in 0..der.len() {
            assert!(Leaf::parse(&der[..n]).is_none(), "prefix {n}");
        }
        let mut trailing = der.clone();
        trailing.push(0);
        assert!(Leaf::parse(&trailing).is_none());
        for bad in [
            &[][..],
            &[0x30],
            &[0x30, 0x80, 0x00, 0x00],             // indefinite length
            &[0x30, 0x81, 0x05, 0, 0, 0, 0, 0],    // non-minimal length
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff], // overlong length
            &[0x31, 0x00],                         // wrong tag
            &[0x1f, 0x81, 0x00, 0x00],             // high tag number
            b"garbage garbage garbage garbage",
        ] {
            assert!(Leaf::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn duplicate_extensions_are_left_to_x509_parser() {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut p = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        let ext = || rcgen::CustomExtension::from_oid_content(&[1, 2, 3, 4], vec![0x05, 0x00]);
        p.custom_extensions = vec![ext()];
        assert!(Leaf::parse(p.self_signed(&key).unwrap().der()).is_some());
        p.custom_extensions = vec![ext(), ext()];
        assert!(Leaf::parse(p.self_signed(&key).unwrap().der()).is_none());
    }

    #[test]
    fn times_follow_the_calendar() {
        let t = |tag: u8, s: &str| {
            let mut enc = vec![tag, s.len() as u8];
            enc.extend_from_slice(s.as_bytes());
            time(&mut Der(&enc))
        };
        assert_eq!(t(UTC_TIME, "700101000000Z"), Some(0));
        assert_eq!(t(UTC_TIME, "491231235959Z"), Some(2_524_607_999));
        assert_eq!(t(GENERALIZED_TIME, "20000229120000Z"), Some(951_825_600));
        assert_eq!(t(GENERALIZED_TIME, "19000301000000Z"), Some(-2_203_891_200));
        assert_eq!(t(UTC_TIME, "230229000000Z"), None);
        assert_eq!(t(UTC_TIME, "231301000000Z"), None);
        assert_eq!(t(UTC_TIME, "230101000060Z"), None);
        assert_eq!(t(UTC_TIME, "2301010000Z00"), None);
        assert_eq!(t(GENERALIZED_TIME, "20230101000000+0100"), None);
    }

    #[test]
    fn oid_constants_are_the_named_oids() {
        use x509_parser::oid_registry::*;
        assert_eq!(OID_X509_EXT_SUBJECT_KEY_IDENTIFIER.as_bytes(), OID_SKID);
        assert_eq!(OID_X509_EXT_KEY_USAGE.as_bytes(), OID_KEY_USAGE);
        assert_eq!(OID_X509_EXT_SUBJECT_ALT_NAME.as_bytes(), OID_SAN);
        assert_eq!(
            OID_X509_EXT_BASIC_CONSTRAINTS.as_bytes(),
            OID_BASIC_CONSTRAINTS
        );
        assert_eq!(OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER.as_bytes(), OID_AKID);
        assert_eq!(OID_X509_EXT_EXTENDED_KEY_USAGE.as_bytes(), OID_EKU);
        assert_eq!(OID_X509_COMMON_NAME.as_bytes(), OID_CN);
        let oid = |s: &str| s.parse::<x509_parser::der_parser::Oid>().unwrap();
        assert_eq!(oid("1.3.6.1.5.5.7.3.1").as_bytes(), OID_SERVER_AUTH);
        assert_eq!(oid("1.3.6.1.5.5.7.3.2").as_bytes(), OID_CLIENT_AUTH);
        let ns: x509_parser::der_parser::Oid = "2.16.840.1.113730.4.1".parse().unwrap();
        let ms: x509_parser::der_parser::Oid = "1.3.6.1.4.1.311.10.3.3".parse().unwrap();
        assert_eq!(ns.as_bytes(), OID_NS_SGC);
        assert_eq!(ms.as_bytes(), OID_MS_SGC);
    }
}
