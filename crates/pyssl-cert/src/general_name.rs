//! GeneralNames and the extensions built from them: subjectAltName
//! (`_get_peer_alt_names`), Authority Information Access (`_get_aia_uri`) and CRL
//! distribution points (`_get_crl_dp`), with CPython's renderings.
//!
//! Parsing follows OpenSSL's `d2i` templates: anything malformed makes the whole
//! extension "undecodable", which CPython reports by leaving the key out. Conversion
//! to text can still *raise* (strict UTF-8, unprintable OIDs), which fails the call.

use crate::der::{self, asn1_err, Reader, Tlv};
use crate::name::{self, Name, RawName};
use crate::{CertError, Result};

/// A subjectAltName value: text, or a directory name (`'DirName'`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SanValue {
    /// The text CPython shows (`'DNS'`, `'IP Address'`, `'othername'`, ...).
    Text(String),
    /// A `DirName` entry, shaped like a subject.
    DirName(Name),
}

impl SanValue {
    /// The text, unless this is a `DirName`.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            SanValue::Text(s) => Some(s),
            SanValue::DirName(_) => None,
        }
    }
}

/// A GeneralName after OpenSSL's d2i checks.
#[derive(Debug, Clone)]
pub(crate) enum RawGeneralName<'a> {
    Other {
        type_id: &'a [u8],
        value_tag: Option<u32>,
        value: Vec<u8>,
    },
    Email(Vec<u8>),
    Dns(Vec<u8>),
    X400,
    DirName(RawName<'a>),
    EdiParty,
    Uri(Vec<u8>),
    Ip(Vec<u8>),
    Rid(&'a [u8]),
}

fn ia5(t: &Tlv<'_>) -> Result<Vec<u8>> {
    t.string_bytes()
}

/// Parses one GeneralName TLV (CHOICE with IMPLICIT/EXPLICIT tags as in RFC 5280).
pub(crate) fn parse_general_name<'a>(t: &Tlv<'a>) -> Result<RawGeneralName<'a>> {
    if t.class != der::CONTEXT {
        return Err(asn1_err(
            "NO_MATCHING_CHOICE_TYPE",
            "no matching choice type",
        ));
    }
    Ok(match t.tag {
        0 => {
            let mut r = t.children()?;
            let type_id = der::read_oid(&mut r)?;
            let explicit = r.read()?;
            if !explicit.is_context(0) || !explicit.constructed {
                return Err(asn1_err("WRONG_TAG", "wrong tag"));
            }
            r.finish()?;
            let mut er = explicit.children()?;
            let any = er.read()?;
            er.finish()?;
            der::check_any(&any)?;
            let (value_tag, value) = if any.class == der::UNIVERSAL && !any.constructed {
                (Some(any.tag), any.content.to_vec())
            } else {
                (None, any.raw.to_vec())
            };
            RawGeneralName::Other {
                type_id,
                value_tag,
                value,
            }
        }
        1 => RawGeneralName::Email(ia5(t)?),
        2 => RawGeneralName::Dns(ia5(t)?),
        3 => {
            t.children()?;
            RawGeneralName::X400
        }
        4 => {
            let mut r = t.children()?;
            let n = r.read()?;
            r.finish()?;
            RawGeneralName::DirName(name::parse(&n)?)
        }
        5 => {
            let mut r = t.children()?;
            if let Some(a) = r.read_if(|x| x.is_context(0))? {
                directory_string(&a)?;
            }
            let b = r.read()?;
            if !b.is_context(1) {
                return Err(asn1_err("WRONG_TAG", "wrong tag"));
            }
            directory_string(&b)?;
            r.finish()?;
            RawGeneralName::EdiParty
        }
        6 => RawGeneralName::Uri(ia5(t)?),
        7 => RawGeneralName::Ip(t.string_bytes()?),
        8 => {
            if t.constructed {
                return Err(asn1_err("TYPE_NOT_PRIMITIVE", "type not primitive"));
            }
            der::check_oid(t.content)?;
            RawGeneralName::Rid(t.content)
        }
        _ => {
            return Err(asn1_err(
                "NO_MATCHING_CHOICE_TYPE",
                "no matching choice type",
            ))
        }
    })
}

/// `[n] EXPLICIT DirectoryString`.
fn directory_string(t: &Tlv<'_>) -> Result<()> {
    let mut r = t.children()?;
    let s = r.read()?;
    r.finish()?;
    if s.class != der::UNIVERSAL || !matches!(s.tag, 12 | 19 | 20 | 28 | 30) {
        return Err(asn1_err("MSTRING_WRONG_TAG", "mstring wrong tag"));
    }
    // Constructed (BER) strings must collect; BMP/Universal lengths are checked.
    der::check_any(&s)
}

/// Parses a `SEQUENCE OF GeneralName`.
pub(crate) fn parse_general_names<'a>(t: &Tlv<'a>) -> Result<Vec<RawGeneralName<'a>>> {
    let mut r = t.items();
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(parse_general_name(&r.read()?)?);
    }
    Ok(out)
}

/// Python's strict UTF-8 decode of raw bytes (`PyUnicode_FromStringAndSize`), with
/// CPython's `UnicodeDecodeError` message.
pub(crate) fn strict_utf8(b: &[u8]) -> Result<String> {
    std::str::from_utf8(b).map(str::to_owned).map_err(|e| {
        let pos = e.valid_up_to();
        let (n, reason) = match e.error_len() {
            None => (b.len() - pos, "unexpected end of data"),
            Some(n) if matches!(b[pos], 0x80..=0xc1 | 0xf5..=0xff) => (n, "invalid start byte"),
            Some(n) => (n, "invalid continuation byte"),
        };
        let what = if n == 1 {
            format!("byte 0x{:02x} in position {pos}", b[pos])
        } else {
            format!("bytes in position {pos}-{}", pos + n - 1)
        };
        CertError::other(
            "UnicodeDecodeError",
            format!("'utf-8' codec can't decode {what}: {reason}"),
        )
    })
}

const OID_MS_UPN: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03];
const OID_ON_PREFIX: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08];

/// What OpenSSL's `GENERAL_NAME_print` writes for an otherName.
fn othername_print(type_id: &[u8], tag: Option<u32>, value: &[u8]) -> Vec<u8> {
    let label = if type_id == OID_MS_UPN {
        Some(("UPN", 12))
    } else if let Some(rest) = type_id.strip_prefix(OID_ON_PREFIX) {
        match rest {
            [5] => Some(("XmppAddr", 12)),
            [7] => Some(("SRVName", 22)),
            [8] => Some(("NAIRealm", 12)),
            [9] => Some(("SmtpUTF8Mailbox", 12)),
            _ => None,
        }
    } else {
        None
    };
    // Non-SRVName OIDs demand a UTF8String, SRVName an IA5String.
    let is_srv = type_id.strip_prefix(OID_ON_PREFIX) == Some(&[7]);
    let wanted = if is_srv { 22 } else { 12 };
    let mut out = b"othername:".to_vec();
    match label {
        Some((l, _)) if tag == Some(wanted) => {
            out.extend_from_slice(l.as_bytes());
            out.push(b':');
            let end = value.iter().position(|&c| c == 0).unwrap_or(value.len());
            out.extend_from_slice(&value[..end]);
        }
        _ => out.extend_from_slice(b"<unsupported>"),
    }
    out
}

/// CPython's handling of a `GENERAL_NAME_print` line: `BIO_gets` into a 2048-byte
/// buffer (at most 2046 bytes, through the first newline), split at the first `:`.
fn split_printed(printed: &[u8]) -> Result<(String, SanValue)> {
    let mut line = &printed[..printed.len().min(2046)];
    if let Some(nl) = line.iter().position(|&c| c == b'\n') {
        line = &line[..=nl];
    }
    let colon = line.iter().position(|&c| c == b':').ok_or_else(|| {
        CertError::other(
            "ValueError",
            format!("Invalid value {}", String::from_utf8_lossy(line)),
        )
    })?;
    Ok((
        strict_utf8(&line[..colon])?,
        SanValue::Text(strict_utf8(&line[colon + 1..])?),
    ))
}

fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]),
        16 => b
            .chunks(2)
            .map(|c| format!("{:X}", u16::from_be_bytes([c[0], c[1]])))
            .collect::<Vec<_>>()
            .join(":"),
        _ => "<invalid>".to_owned(),
    }
}

fn rid_text(oid: &[u8]) -> Result<String> {
    let text = crate::oid::oid_to_text(oid)
        .map_err(|_| CertError::ssl("OBJ", None, "OID too long to print"))?;
    Ok(match text.len() {
        n if n >= 2048 => "<INVALID>".to_owned(),
        2047 => {
            // OpenSSL names and dotted OIDs are ASCII, so byte 2046 is a char boundary.
            let mut s = text.get(..2046).unwrap_or(&text).to_owned();
            s.push('\0');
            s
        }
        _ => text,
    })
}

/// Converts a GeneralName to CPython's `(type, value)` pair.
pub(crate) fn convert(g: &RawGeneralName<'_>) -> Result<(String, SanValue)> {
    let text = |k: &str, v: String| Ok((k.to_owned(), SanValue::Text(v)));
    match g {
        RawGeneralName::DirName(n) => {
            Ok(("DirName".to_owned(), SanValue::DirName(name::convert(n)?)))
        }
        RawGeneralName::Email(b) => text("email", strict_utf8(b)?),
        RawGeneralName::Dns(b) => text("DNS", strict_utf8(b)?),
        RawGeneralName::Uri(b) => text("URI", strict_utf8(b)?),
        RawGeneralName::Rid(oid) => text("Registered ID", rid_text(oid)?),
        RawGeneralName::Ip(b) => text("IP Address", ip_text(b)),
        RawGeneralName::Other {
            type_id,
            value_tag,
            value,
        } => split_printed(&othername_print(type_id, *value_tag, value)),
        RawGeneralName::X400 => split_printed(b"X400Name:<unsupported>"),
        RawGeneralName::EdiParty => split_printed(b"EdiPartyName:<unsupported>"),
    }
}

/// subjectAltName entries, or `None` when the extension is undecodable.
pub(crate) fn subject_alt_name(ext: &[u8]) -> Result<Option<Vec<(String, SanValue)>>> {
    let parse = || {
        let t = der::read_sequence(ext)?;
        parse_general_names(&t)
    };
    let Ok(names) = parse() else {
        return Ok(None);
    };
    names
        .iter()
        .map(convert)
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// id-ad-ocsp / id-ad-caIssuers content bytes.
pub(crate) const AD_OCSP: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
/// id-ad-caIssuers.
pub(crate) const AD_CA_ISSUERS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];

/// URIs of AIA entries with the given method; `None` when absent/undecodable/no match.
pub(crate) fn aia_uris(ext: &[u8], method: &[u8]) -> Result<Option<Vec<String>>> {
    let parse = || -> Result<Vec<(&[u8], RawGeneralName<'_>)>> {
        let t = der::read_sequence(ext)?;
        let mut r = t.items();
        let mut out = Vec::new();
        while !r.is_empty() {
            let ad = r.expect(der::SEQUENCE)?;
            let mut ar = ad.children()?;
            let m = der::read_oid(&mut ar)?;
            let loc = parse_general_name(&ar.read()?)?;
            ar.finish()?;
            out.push((m, loc));
        }
        Ok(out)
    };
    let Ok(entries) = parse() else {
        return Ok(None);
    };
    let mut uris = Vec::new();
    for (m, loc) in &entries {
        if let (true, RawGeneralName::Uri(b)) = (*m == method, loc) {
            uris.push(strict_utf8(b)?);
        }
    }
    Ok((!uris.is_empty()).then_some(uris))
}

/// URIs in every DistributionPoint's fullName; `None` when absent/undecodable/empty.
pub(crate) fn crl_distribution_points(ext: &[u8]) -> Result<Option<Vec<String>>> {
    let parse = || -> Result<Vec<Vec<RawGeneralName<'_>>>> {
        let t = der::read_sequence(ext)?;
        let mut r = t.items();
        let mut out = Vec::new();
        while !r.is_empty() {
            out.push(distribution_point(&r.expect(der::SEQUENCE)?)?);
        }
        Ok(out)
    };
    let Ok(dps) = parse() else {
        return Ok(None);
    };
    let mut uris = Vec::new();
    for g in dps.iter().flatten() {
        if let RawGeneralName::Uri(b) = g {
            uris.push(strict_utf8(b)?);
        }
    }
    Ok((!uris.is_empty()).then_some(uris))
}

/// One DistributionPoint: the fullName names (empty when there is no fullName).
fn distribution_point<'a>(dp: &Tlv<'a>) -> Result<Vec<RawGeneralName<'a>>> {
    let mut r = dp.children()?;
    let mut full = Vec::new();
    if let Some(dpn) = r.read_if(|x| x.is_context(0))? {
        let mut nr = dpn.children()?;
        let choice = nr.read()?;
        nr.finish()?;
        if choice.is_context(0) {
            full = parse_general_names(&choice)?;
        } else if choice.is_context(1) {
            relative_name(&choice)?;
        } else {
            return Err(asn1_err(
                "NO_MATCHING_CHOICE_TYPE",
                "no matching choice type",
            ));
        }
    }
    if let Some(reasons) = r.read_if(|x| x.is_context(1))? {
        if reasons.constructed {
            return Err(asn1_err("TYPE_NOT_PRIMITIVE", "type not primitive"));
        }
        der::bit_string(reasons.content)?;
    }
    if let Some(issuer) = r.read_if(|x| x.is_context(2))? {
        parse_general_names(&issuer)?;
    }
    r.finish()?;
    Ok(full)
}

/// `[1] IMPLICIT RelativeDistinguishedName`: parsed, then ignored (as CPython does).
fn relative_name(t: &Tlv<'_>) -> Result<()> {
    // Reuse the Name parser by viewing the SET's entries as a one-RDN name.
    let mut r: Reader<'_> = t.items();
    while !r.is_empty() {
        let entry = r.expect(der::SEQUENCE)?;
        let mut er = entry.children()?;
        der::read_oid(&mut er)?;
        er.read()?;
        er.finish()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_addresses() {
        assert_eq!(ip_text(&[127, 0, 0, 1]), "127.0.0.1");
        let mut v6 = [0u8; 16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[2] = 0x0d;
        v6[3] = 0xb8;
        v6[15] = 1;
        assert_eq!(ip_text(&v6), "2001:DB8:0:0:0:0:0:1");
        assert_eq!(ip_text(&[0; 16]), "0:0:0:0:0:0:0:0");
        for n in [0, 5, 8, 32] {
            assert_eq!(ip_text(&vec![1; n]), "<invalid>");
        }
    }

    #[test]
    fn othername_rendering() {
        let upn = |v: &[u8]| split_printed(&othername_print(OID_MS_UPN, Some(12), v)).unwrap();
        assert_eq!(upn(b"a@b").1, SanValue::Text("UPN:a@b".into()));
        assert_eq!(upn(b"left\0right").1, SanValue::Text("UPN:left".into()));
        assert_eq!(upn(b"line1\nline2").1, SanValue::Text("UPN:line1\n".into()));
        let long = vec![b'x'; 3000];
        assert_eq!(upn(&long).1.as_text().unwrap().len(), 2036);
        let (k, v) = split_printed(&othername_print(OID_MS_UPN, Some(22), b"x")).unwrap();
        assert_eq!(
            (k.as_str(), v.as_text().unwrap()),
            ("othername", "<unsupported>")
        );
        let srv = [OID_ON_PREFIX, &[7]].concat();
        assert_eq!(
            split_printed(&othername_print(&srv, Some(22), b"_x.y"))
                .unwrap()
                .1,
            SanValue::Text("SRVName:_x.y".into())
        );
    }

    #[test]
    fn registered_id_lengths() {
        assert_eq!(
            rid_text(&[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01]).unwrap(),
            "TLS Web Server Authentication"
        );
    }
}
