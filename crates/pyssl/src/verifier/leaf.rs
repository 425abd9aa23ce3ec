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
            if has_extension(&exts[..exts.len() - list.0.len()], oid) {
                return None;
            }
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
    let month_days = [31, 28 + i64::from(leap), 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
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

/// Whether `oid_wanted` occurs more than once among the extensions in `seen`.
fn has_extension(seen: &[u8], oid_wanted: &[u8]) -> bool {
    let mut d = Der(seen);
    let mut found = 0usize;
    while let Some(content) = d.expect(SEQUENCE) {
        if oid(&mut Der(content)) == Some(oid_wanted) {
            found += 1;
        }
    }
    found > 1
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
