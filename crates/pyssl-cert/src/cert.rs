//! The certificate walk: OpenSSL's `d2i_X509` acceptance rules, then CPython's
//! `_decode_certificate` to build the dict.

use crate::asn1_time::{self, TimeKind};
use crate::der::{self, asn1_err, Reader, Tlv};
use crate::general_name;
use crate::info::{CertDict, CertInfo};
use crate::name::{self, RawName};
use crate::Result;

/// A certificate after OpenSSL's d2i checks, fields not yet converted.
struct Parsed<'a> {
    version: i64,
    serial: (bool, Vec<u8>),
    issuer: RawName<'a>,
    subject: RawName<'a>,
    not_before: (TimeKind, Vec<u8>),
    not_after: (TimeKind, Vec<u8>),
    /// `(OID content, extnValue content)`.
    extensions: Vec<(&'a [u8], Vec<u8>)>,
}

fn algorithm_identifier(r: &mut Reader<'_>) -> Result<()> {
    let alg = r.expect(der::SEQUENCE)?;
    let mut ar = alg.children()?;
    der::read_oid(&mut ar)?;
    if !ar.is_empty() {
        der::check_any(&ar.read()?)?;
    }
    ar.finish()
}

fn time(t: &Tlv<'_>) -> Result<(TimeKind, Vec<u8>)> {
    let kind = if t.is_universal(der::UTC_TIME) {
        TimeKind::Utc
    } else if t.is_universal(der::GENERALIZED_TIME) {
        TimeKind::Generalized
    } else {
        return Err(asn1_err("MSTRING_WRONG_TAG", "mstring wrong tag"));
    };
    Ok((kind, t.string_bytes()?))
}

fn primitive_bit_string(t: &Tlv<'_>) -> Result<()> {
    der::bit_string(&t.string_bytes()?).map(|_| ())
}

fn parse(input: &[u8]) -> Result<Parsed<'_>> {
    let (cert, _trailing) = der::read_tlv(input)?;
    if !cert.is_universal(der::SEQUENCE) {
        return Err(asn1_err("WRONG_TAG", "wrong tag"));
    }
    let mut cr = cert.children()?;
    let tbs = cr.expect(der::SEQUENCE)?;
    algorithm_identifier(&mut cr)?;
    primitive_bit_string(&cr.expect(der::BIT_STRING)?)?;
    cr.finish()?;

    let mut r = tbs.children()?;
    let version = match r.read_if(|t| t.is_context(0))? {
        Some(v) => {
            let mut vr = v.children()?;
            let int = vr.integer()?;
            vr.finish()
                .map_err(|_| asn1_err("EXPLICIT_LENGTH_MISMATCH", "explicit length mismatch"))?;
            der::integer_get(int)?
        }
        None => 0,
    };
    let serial = der::integer(r.integer()?)?;
    algorithm_identifier(&mut r)?;
    let issuer = name::parse(&r.read()?)?;
    let validity = r.expect(der::SEQUENCE)?;
    let mut vr = validity.children()?;
    let not_before = time(&vr.read()?)?;
    let not_after = time(&vr.read()?)?;
    vr.finish()?;
    let subject = name::parse(&r.read()?)?;
    let spki = r.expect(der::SEQUENCE)?;
    let mut sr = spki.children()?;
    algorithm_identifier(&mut sr)?;
    primitive_bit_string(&sr.expect(der::BIT_STRING)?)?;
    sr.finish()?;
    for tag in [1, 2] {
        if let Some(uid) = r.read_if(|t| t.is_context(tag))? {
            primitive_bit_string(&uid)?;
        }
    }
    let mut extensions = Vec::new();
    if let Some(exts) = r.read_if(|t| t.is_context(3))? {
        let mut xr = exts.children()?;
        let seq = xr.expect(der::SEQUENCE)?;
        xr.finish()
            .map_err(|_| asn1_err("EXPLICIT_LENGTH_MISMATCH", "explicit length mismatch"))?;
        let mut er = seq.items();
        while !er.is_empty() {
            let ext = er.expect(der::SEQUENCE)?;
            let mut fr = ext.children()?;
            let oid = der::read_oid(&mut fr)?;
            if let Some(b) = fr.read_if(|t| t.is_universal(der::BOOLEAN))? {
                if b.constructed || b.content.len() != 1 {
                    return Err(asn1_err(
                        "BOOLEAN_IS_WRONG_LENGTH",
                        "boolean is wrong length",
                    ));
                }
            }
            let value = fr.expect(der::OCTET_STRING)?.string_bytes()?;
            fr.finish()?;
            extensions.push((oid, value));
        }
    }
    r.finish()?;
    Ok(Parsed {
        version: version.wrapping_add(1),
        serial,
        issuer,
        subject,
        not_before,
        not_after,
        extensions,
    })
}

/// `i2a_ASN1_INTEGER` + one `BIO_gets`: upper-case hex of the magnitude, `-` for
/// negatives, and OpenSSL's `\`+newline after every 35 bytes (only the first line kept).
pub(crate) fn serial_text(negative: bool, magnitude: &[u8]) -> String {
    let mut s = String::new();
    if negative {
        s.push('-');
    }
    if magnitude.is_empty() {
        s.push_str("00");
        return s;
    }
    for (i, b) in magnitude.iter().enumerate() {
        if i == 35 {
            s.push_str("\\\n");
            break;
        }
        s.push_str(&format!("{b:02X}"));
    }
    s
}

/// The single extension with this OID, as `X509_get_ext_d2i` finds it (none if repeated).
fn unique_extension<'p>(exts: &'p [(&[u8], Vec<u8>)], oid: &[u8]) -> Option<&'p [u8]> {
    let mut found = exts.iter().filter(|(o, _)| *o == oid);
    let first = found.next()?;
    match found.next() {
        Some(_) => None,
        None => Some(&first.1),
    }
}

const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];
const OID_AIA: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];
const OID_CDP: &[u8] = &[0x55, 0x1d, 0x1f];

/// Decodes one DER certificate (trailing bytes after it are ignored, as OpenSSL does).
pub fn decode_cert_der(input: &[u8]) -> Result<CertInfo> {
    let p = parse(input)?;
    let subject = name::convert(&p.subject)?;
    let issuer = name::convert(&p.issuer)?;
    let serial_number = serial_text(p.serial.0, &p.serial.1);
    let not_before = asn1_time::print(p.not_before.0, &p.not_before.1);
    let not_after = asn1_time::print(p.not_after.0, &p.not_after.1);
    let subject_alt_name = match unique_extension(&p.extensions, OID_SAN) {
        Some(v) => general_name::subject_alt_name(v)?,
        None => None,
    };
    let aia = unique_extension(&p.extensions, OID_AIA);
    let ocsp = match aia {
        Some(v) => general_name::aia_uris(v, general_name::AD_OCSP)?,
        None => None,
    };
    let ca_issuers = match aia {
        Some(v) => general_name::aia_uris(v, general_name::AD_CA_ISSUERS)?,
        None => None,
    };
    let crl_distribution_points = match unique_extension(&p.extensions, OID_CDP) {
        Some(v) => general_name::crl_distribution_points(v)?,
        None => None,
    };
    Ok(CertInfo::from_dict(CertDict {
        subject,
        issuer,
        version: p.version,
        serial_number,
        not_before,
        not_after,
        subject_alt_name,
        ocsp,
        ca_issuers,
        crl_distribution_points,
    }))
}

/// The encoding of the first DER element of `input` (a certificate without whatever
/// trails it), or the ASN.1 error reading its header.
pub fn der_cert_slice(input: &[u8]) -> Result<&[u8]> {
    Ok(der::read_tlv(input)?.0.raw)
}

/// True when `input` contains a PEM `-----BEGIN ` line marker.
pub fn looks_like_pem(input: &[u8]) -> bool {
    contains(input, b"-----BEGIN ")
}

/// Decodes a certificate given as PEM text or DER bytes (detected).
///
/// PEM follows OpenSSL's `PEM_read_bio_X509`: the first `CERTIFICATE` or
/// `X509 CERTIFICATE` block is used; leading text and other blocks (keys) are skipped.
pub fn decode_cert(input: &[u8]) -> Result<CertInfo> {
    if input.first() == Some(&0x30) {
        match decode_cert_der(input) {
            Ok(info) => return Ok(info),
            Err(e) if !contains(input, b"-----BEGIN ") => return Err(e),
            Err(_) => {}
        }
    }
    let der = crate::pem::first_certificate(input)?;
    decode_cert_der(&der)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials() {
        assert_eq!(serial_text(false, &[]), "00");
        assert_eq!(serial_text(false, &[0x80]), "80");
        assert_eq!(serial_text(false, &[0xff, 0x00]), "FF00");
        assert_eq!(serial_text(false, &[0x01, 0x00]), "0100");
        assert_eq!(serial_text(true, &[0x01]), "-01");
        assert_eq!(serial_text(true, &[0x01, 0x00]), "-0100");
        let long = serial_text(false, &[0xab; 36]);
        assert_eq!(long.len(), 72);
        assert!(long.ends_with("AB\\\n"));
        assert_eq!(serial_text(false, &[0xab; 35]).len(), 70);
    }
}
