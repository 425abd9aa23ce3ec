//! X.509 Names (subject, issuer, dirName) as CPython's `_create_tuple_for_X509_NAME`
//! builds them, with OpenSSL's `d2i_X509_NAME` acceptance rules.

use crate::der::{self, asn1_err, Tlv};
use crate::{CertError, Result};

/// The value of one name attribute: text, or bytes for a BIT STRING
/// (`x500UniqueIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NameValue {
    /// A string value (after OpenSSL's `ASN1_STRING_to_UTF8`).
    Text(String),
    /// A BIT STRING value: the content without the unused-bits octet.
    Bytes(Vec<u8>),
    /// Python `None`: what CPython gives for an empty BIT STRING (no data bytes).
    None,
}

impl NameValue {
    /// The text, if this is a string value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            NameValue::Text(s) => Some(s),
            NameValue::Bytes(_) | NameValue::None => None,
        }
    }
}

/// One relative distinguished name: `(attribute name, value)` pairs in encoded order.
pub type Rdn = Vec<(String, NameValue)>;

/// A distinguished name: its RDNs in order (empty RDN sets are dropped, as CPython does).
pub type Name = Vec<Rdn>;

/// ASN.1 universal tags of string types.
const BIT_STRING: u32 = 3;
const UTF8: u32 = 12;
const SEQUENCE: u32 = 16;
const NUMERIC: u32 = 18;
const PRINTABLE: u32 = 19;
const T61: u32 = 20;
const IA5: u32 = 22;
const UNIVERSAL: u32 = 28;
const BMP: u32 = 30;

/// A parsed-but-not-yet-converted attribute value.
#[derive(Debug, Clone)]
pub(crate) struct RawValue {
    tag: u32,
    bytes: Vec<u8>,
}

/// A Name after OpenSSL's d2i checks: RDNs of `(OID content, value)`.
pub(crate) type RawName<'a> = Vec<Vec<(&'a [u8], RawValue)>>;

/// Parses a Name TLV with OpenSSL's acceptance rules (including the UTF-8
/// canonicalisation `d2i_X509_NAME` performs, which rejects bad BMP/UTF-8/UCS-4).
pub(crate) fn parse<'a>(tlv: &Tlv<'a>) -> Result<RawName<'a>> {
    if !tlv.is_universal(der::SEQUENCE) {
        return Err(asn1_err("WRONG_TAG", "wrong tag"));
    }
    let mut rdns = Vec::new();
    let mut r = tlv.items();
    while !r.is_empty() {
        let set = r.expect(der::SET)?;
        let mut entries = Vec::new();
        let mut sr = set.items();
        while !sr.is_empty() {
            let entry = sr.expect(der::SEQUENCE)?;
            let mut er = entry.children()?;
            let oid = der::read_oid(&mut er)?;
            let value = parse_value(&er.read()?)?;
            er.finish()?;
            entries.push((oid, value));
        }
        if !entries.is_empty() {
            rdns.push(entries);
        }
    }
    Ok(rdns)
}

/// An `ASN1_PRINTABLE` MSTRING: which types parse at all.
fn parse_value(t: &Tlv<'_>) -> Result<RawValue> {
    if t.class != der::UNIVERSAL {
        return Err(asn1_err("MSTRING_NOT_UNIVERSAL", "mstring not universal"));
    }
    let allowed = matches!(
        t.tag,
        BIT_STRING | UTF8 | SEQUENCE | NUMERIC | PRINTABLE | T61 | IA5 | UNIVERSAL | BMP
    ) || matches!(t.tag, 7 | 8 | 9 | 11 | 13 | 14 | 15 | 29);
    if !allowed {
        return Err(asn1_err("MSTRING_WRONG_TAG", "mstring wrong tag"));
    }
    let bytes = if t.tag == SEQUENCE {
        if !t.constructed {
            return Err(asn1_err("TYPE_NOT_CONSTRUCTED", "type not constructed"));
        }
        t.raw.to_vec()
    } else if t.tag == BIT_STRING {
        der::bit_string(&t.string_bytes()?)?
    } else {
        t.string_bytes()?
    };
    let v = RawValue { tag: t.tag, bytes };
    // d2i_X509_NAME canonicalises these types through UTF-8; failures fail the parse.
    if matches!(v.tag, UTF8 | BMP | UNIVERSAL) {
        to_utf8(v.tag, &v.bytes)?;
    }
    Ok(v)
}

/// `ASN1_STRING_to_UTF8` for the string types it handles; `None` for other types.
fn to_utf8(tag: u32, b: &[u8]) -> Result<String> {
    let bad = |what: &str| asn1_err(what, &what.to_ascii_lowercase().replace('_', " "));
    match tag {
        UTF8 => std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| bad("INVALID_UTF8STRING")),
        NUMERIC | PRINTABLE | T61 | IA5 => Ok(b.iter().map(|&c| char::from(c)).collect()),
        BMP => {
            if b.len() % 2 != 0 {
                return Err(bad("INVALID_BMPSTRING_LENGTH"));
            }
            b.chunks(2)
                .map(|c| char::from_u32(u32::from(u16::from_be_bytes([c[0], c[1]]))))
                .collect::<Option<String>>()
                .ok_or_else(|| bad("ILLEGAL_CHARACTERS"))
        }
        UNIVERSAL => {
            if b.len() % 4 != 0 {
                return Err(bad("INVALID_UNIVERSALSTRING_LENGTH"));
            }
            b.chunks(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect::<Option<String>>()
                .ok_or_else(|| bad("ILLEGAL_CHARACTERS"))
        }
        _ => Err(bad("UNKNOWN_FORMAT")),
    }
}

/// Converts a parsed Name to CPython's tuple form; fails where CPython raises
/// (attribute types `ASN1_STRING_to_UTF8` cannot convert, unprintable OIDs).
pub(crate) fn convert(raw: &RawName<'_>) -> Result<Name> {
    raw.iter()
        .map(|rdn| {
            rdn.iter()
                .map(|(oid, v)| {
                    let name = crate::oid::oid_to_text(oid).map_err(|_| {
                        CertError::other("SystemError", "error return without exception set")
                    })?;
                    let value = if v.tag == BIT_STRING && v.bytes.is_empty() {
                        NameValue::None
                    } else if v.tag == BIT_STRING {
                        NameValue::Bytes(v.bytes.clone())
                    } else {
                        NameValue::Text(to_utf8(v.tag, &v.bytes).map_err(|_| {
                            CertError::ssl("ASN1", Some("UNKNOWN_FORMAT"), "unknown format")
                        })?)
                    };
                    Ok((name, value))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_types_map_bytes_to_code_points() {
        assert_eq!(to_utf8(PRINTABLE, b"caf\xe9").unwrap(), "café");
        assert_eq!(to_utf8(T61, b"\x80\x9f").unwrap(), "\u{80}\u{9f}");
        assert_eq!(to_utf8(IA5, b"a@b*c_d&e").unwrap(), "a@b*c_d&e");
    }

    #[test]
    fn bmp_and_universal() {
        assert_eq!(to_utf8(BMP, &[0x00, 0x41, 0x20, 0xac]).unwrap(), "A€");
        assert!(to_utf8(BMP, &[0x00]).is_err());
        assert!(to_utf8(BMP, &[0xd8, 0x3d, 0xde, 0x00]).is_err());
        assert_eq!(
            to_utf8(UNIVERSAL, &[0, 1, 0xf6, 0x00]).unwrap(),
            "\u{1f600}"
        );
        assert!(to_utf8(UNIVERSAL, &[0, 0x11, 0, 0]).is_err());
        assert!(to_utf8(UTF8, b"\xc0\x80").is_err());
        assert!(to_utf8(UTF8, b"\xed\xa0\x80").is_err());
    }
}
