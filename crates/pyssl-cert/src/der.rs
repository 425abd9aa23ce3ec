//! A small BER/DER TLV reader with OpenSSL's (`ASN1_get_object`) acceptance rules.
//!
//! x509-parser and asn1-rs enforce DER more strictly than OpenSSL's `d2i_X509` in a few
//! places (long-form lengths, tag checks on string types, version values), and CPython's
//! dict depends on what OpenSSL accepts, so the certificate walk uses this reader.

use crate::CertError;

/// Tag class: universal.
pub(crate) const UNIVERSAL: u8 = 0;
/// Tag class: context-specific.
pub(crate) const CONTEXT: u8 = 2;

pub(crate) const BOOLEAN: u32 = 1;
pub(crate) const INTEGER: u32 = 2;
pub(crate) const BIT_STRING: u32 = 3;
pub(crate) const OCTET_STRING: u32 = 4;
pub(crate) const OID: u32 = 6;
pub(crate) const SEQUENCE: u32 = 16;
pub(crate) const SET: u32 = 17;
pub(crate) const UTC_TIME: u32 = 23;
pub(crate) const GENERALIZED_TIME: u32 = 24;

/// Maximum nesting OpenSSL follows when collecting constructed strings.
const MAX_COLLECT_DEPTH: u32 = 5;

/// One decoded TLV.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub class: u8,
    pub constructed: bool,
    pub tag: u32,
    pub content: &'a [u8],
    /// The whole encoding, header included.
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// True when this is the universal tag `tag`.
    pub fn is_universal(&self, tag: u32) -> bool {
        self.class == UNIVERSAL && self.tag == tag
    }

    /// True when this is context tag `[tag]`.
    pub fn is_context(&self, tag: u32) -> bool {
        self.class == CONTEXT && self.tag == tag
    }

    /// Reader over the children of a constructed TLV.
    pub fn children(&self) -> Result<Reader<'a>, CertError> {
        if !self.constructed {
            return Err(asn1_err("TYPE_NOT_CONSTRUCTED", "type not constructed"));
        }
        Ok(Reader::new(self.content))
    }

    /// Reader over the elements of a SEQUENCE OF / SET OF. OpenSSL's template decoder
    /// does not check the constructed bit for these (only for SEQUENCEs).
    pub fn items(&self) -> Reader<'a> {
        Reader::new(self.content)
    }

    /// The value of a string type: the content of a primitive encoding, or the
    /// concatenated contents of a constructed (BER) one, as OpenSSL's `asn1_collect`.
    pub fn string_bytes(&self) -> Result<Vec<u8>, CertError> {
        if !self.constructed {
            return Ok(self.content.to_vec());
        }
        let mut out = Vec::new();
        collect(self.content, &mut out, 0)?;
        Ok(out)
    }
}

/// OpenSSL's `asn1_collect`: children of any tag and class are concatenated; EOC
/// octets are illegal in definite-length encodings; nesting is limited.
fn collect(data: &[u8], out: &mut Vec<u8>, depth: u32) -> Result<(), CertError> {
    let mut r = Reader::new(data);
    while !r.is_empty() {
        if r.rest().starts_with(&[0, 0]) {
            return Err(asn1_err("UNEXPECTED_EOC", "unexpected eoc"));
        }
        let t = r.read()?;
        if t.constructed {
            if depth >= MAX_COLLECT_DEPTH {
                return Err(asn1_err("NESTED_ASN1_STRING", "nested asn1 string"));
            }
            collect(t.content, out, depth + 1)?;
        } else {
            out.extend_from_slice(t.content);
        }
    }
    Ok(())
}

/// An `ASN1` library error with an OpenSSL reason.
pub(crate) fn asn1_err(reason: &str, message: &str) -> CertError {
    CertError::ssl("ASN1", Some(reason), message)
}

/// Sequential reader over concatenated TLVs.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Bytes not yet read.
    pub fn rest(&self) -> &'a [u8] {
        self.data
    }

    /// Reads the next TLV.
    pub fn read(&mut self) -> Result<Tlv<'a>, CertError> {
        let (tlv, rest) = read_tlv(self.data)?;
        self.data = rest;
        Ok(tlv)
    }

    /// Reads the next TLV if it satisfies `pred`.
    pub fn read_if(
        &mut self,
        pred: impl Fn(&Tlv<'a>) -> bool,
    ) -> Result<Option<Tlv<'a>>, CertError> {
        if self.data.is_empty() {
            return Ok(None);
        }
        let (tlv, rest) = read_tlv(self.data)?;
        if pred(&tlv) {
            self.data = rest;
            Ok(Some(tlv))
        } else {
            Ok(None)
        }
    }

    /// Reads the next TLV, which must be universal `tag`.
    pub fn expect(&mut self, tag: u32) -> Result<Tlv<'a>, CertError> {
        let t = self.read()?;
        if !t.is_universal(tag) {
            return Err(asn1_err("WRONG_TAG", "wrong tag"));
        }
        Ok(t)
    }

    /// Reads the next TLV, which must be a primitive INTEGER; returns its content.
    pub fn integer(&mut self) -> Result<&'a [u8], CertError> {
        let t = self.expect(INTEGER)?;
        if t.constructed {
            return Err(asn1_err("TYPE_NOT_PRIMITIVE", "type not primitive"));
        }
        Ok(t.content)
    }

    /// Fails if anything is left (OpenSSL's `SEQUENCE_LENGTH_MISMATCH`).
    pub fn finish(&self) -> Result<(), CertError> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(asn1_err(
                "SEQUENCE_LENGTH_MISMATCH",
                "sequence length mismatch",
            ))
        }
    }
}

/// A parsed identifier + length header.
struct Header {
    class: u8,
    constructed: bool,
    tag: u32,
    /// `None` for the indefinite form.
    len: Option<usize>,
    /// Bytes the header occupies.
    size: usize,
}

fn read_header(data: &[u8]) -> Result<Header, CertError> {
    let too_short = || asn1_err("HEADER_TOO_LONG", "header too long");
    let first = *data.first().ok_or_else(too_short)?;
    let class = first >> 6;
    let constructed = first & 0x20 != 0;
    let mut pos = 1;
    let mut tag = u32::from(first & 0x1f);
    if tag == 0x1f {
        tag = 0;
        loop {
            let b = *data.get(pos).ok_or_else(too_short)?;
            pos += 1;
            if tag > (u32::MAX >> 7) {
                return Err(too_short());
            }
            tag = (tag << 7) | u32::from(b & 0x7f);
            if b & 0x80 == 0 {
                break;
            }
        }
    }
    let lb = *data.get(pos).ok_or_else(too_short)?;
    pos += 1;
    let len = if lb & 0x80 == 0 {
        Some(usize::from(lb))
    } else {
        let n = usize::from(lb & 0x7f);
        if n == 0 {
            if !constructed {
                return Err(too_short());
            }
            None
        } else {
            let bytes = data.get(pos..pos + n).ok_or_else(too_short)?;
            pos += n;
            let mut v: u64 = 0;
            for &b in bytes {
                if v > (u64::MAX >> 8) {
                    return Err(too_short());
                }
                v = (v << 8) | u64::from(b);
            }
            if v > i64::MAX as u64 {
                return Err(too_short());
            }
            Some(usize::try_from(v).map_err(|_| asn1_err("TOO_LONG", "too long"))?)
        }
    };
    Ok(Header {
        class,
        constructed,
        tag,
        len,
        size: pos,
    })
}

/// Length of the contents of an indefinite-length encoding starting at `data`
/// (which begins right after its header), found without recursion.
fn indefinite_content_len(data: &[u8]) -> Result<usize, CertError> {
    let mut pending_eocs = 1usize;
    let mut p = 0usize;
    loop {
        let rest = &data[p..];
        if rest.starts_with(&[0, 0]) {
            pending_eocs -= 1;
            if pending_eocs == 0 {
                return Ok(p);
            }
            p += 2;
            continue;
        }
        if rest.is_empty() {
            return Err(asn1_err("MISSING_EOC", "missing eoc"));
        }
        let h = read_header(rest)?;
        p += h.size;
        match h.len {
            None => pending_eocs += 1,
            Some(len) => {
                if len > data.len() - p {
                    return Err(asn1_err("TOO_LONG", "too long"));
                }
                p += len;
            }
        }
    }
}

/// Reads the SEQUENCE at the front of `data` (what follows it is ignored), as an
/// extension value's outer SEQUENCE; any other tag is `[ASN1: WRONG_TAG]`.
pub(crate) fn read_sequence(data: &[u8]) -> Result<Tlv<'_>, CertError> {
    let (t, _) = read_tlv(data)?;
    if !t.is_universal(SEQUENCE) {
        return Err(asn1_err("WRONG_TAG", "wrong tag"));
    }
    Ok(t)
}

/// Reads one TLV from the front of `data`.
pub(crate) fn read_tlv(data: &[u8]) -> Result<(Tlv<'_>, &[u8]), CertError> {
    let h = read_header(data)?;
    let start = h.size;
    let (content_end, end) = match h.len {
        Some(len) => {
            let end = start
                .checked_add(len)
                .filter(|&e| e <= data.len())
                .ok_or_else(|| asn1_err("TOO_LONG", "too long"))?;
            (end, end)
        }
        None => {
            let n = indefinite_content_len(&data[start..])?;
            (start + n, start + n + 2)
        }
    };
    let tlv = Tlv {
        class: h.class,
        constructed: h.constructed,
        tag: h.tag,
        content: &data[start..content_end],
        raw: &data[..end],
    };
    Ok((tlv, &data[end..]))
}

/// An INTEGER's content as OpenSSL's `c2i_ASN1_INTEGER` sees it: `(negative, magnitude)`
/// with the magnitude big-endian and minimal (empty for zero).
pub(crate) fn integer(content: &[u8]) -> Result<(bool, Vec<u8>), CertError> {
    match content {
        [] => Err(asn1_err("ILLEGAL_ZERO_CONTENT", "illegal zero content")),
        [0x00, b, ..] if b & 0x80 == 0 => Err(asn1_err("ILLEGAL_PADDING", "illegal padding")),
        [0xff, b, ..] if b & 0x80 != 0 => Err(asn1_err("ILLEGAL_PADDING", "illegal padding")),
        [first, ..] if first & 0x80 != 0 => {
            // Two's complement negative: magnitude = -value.
            let mut mag = content.to_vec();
            for b in mag.iter_mut() {
                *b = !*b;
            }
            for b in mag.iter_mut().rev() {
                let (v, carry) = b.overflowing_add(1);
                *b = v;
                if !carry {
                    break;
                }
            }
            let skip = mag.iter().take_while(|&&b| b == 0).count();
            Ok((true, mag[skip..].to_vec()))
        }
        _ => {
            let skip = content.iter().take_while(|&&b| b == 0).count();
            Ok((false, content[skip..].to_vec()))
        }
    }
}

/// `ASN1_INTEGER_get`: the value as a C `long`, or -1 when it does not fit.
pub(crate) fn integer_get(content: &[u8]) -> Result<i64, CertError> {
    let (neg, mag) = integer(content)?;
    if mag.len() > 8 {
        return Ok(-1);
    }
    let v = mag.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    if v > i64::MAX as u64 {
        return Ok(-1);
    }
    Ok(if neg { -(v as i64) } else { v as i64 })
}

/// Checks an OBJECT IDENTIFIER's content like `c2i_ASN1_OBJECT`.
pub(crate) fn check_oid(content: &[u8]) -> Result<(), CertError> {
    let bad = || asn1_err("INVALID_OBJECT_ENCODING", "invalid object encoding");
    match content.last() {
        None => return Err(bad()),
        Some(b) if b & 0x80 != 0 => return Err(bad()),
        _ => {}
    }
    for (i, &b) in content.iter().enumerate() {
        if b == 0x80 && (i == 0 || content[i - 1] & 0x80 == 0) {
            return Err(bad());
        }
    }
    Ok(())
}

/// Reads an OBJECT IDENTIFIER TLV and checks it.
pub(crate) fn read_oid<'a>(r: &mut Reader<'a>) -> Result<&'a [u8], CertError> {
    let t = r.read()?;
    if !t.is_universal(OID) || t.constructed {
        return Err(asn1_err("WRONG_TAG", "wrong tag"));
    }
    check_oid(t.content)?;
    Ok(t.content)
}

/// Checks an `ANY` value the way OpenSSL's `asn1_ex_c2i` does for its universal type
/// (OIDs, INTEGERs, BOOLEANs, NULLs, BIT STRINGs are validated; other classes pass).
pub(crate) fn check_any(t: &Tlv<'_>) -> Result<(), CertError> {
    if t.class != UNIVERSAL {
        return Ok(());
    }
    let prim = |t: &Tlv<'_>| {
        if t.constructed {
            Err(asn1_err("TYPE_NOT_PRIMITIVE", "type not primitive"))
        } else {
            Ok(())
        }
    };
    match t.tag {
        BOOLEAN => {
            prim(t)?;
            if t.content.len() != 1 {
                return Err(asn1_err(
                    "BOOLEAN_IS_WRONG_LENGTH",
                    "boolean is wrong length",
                ));
            }
        }
        INTEGER | 10 => {
            prim(t)?;
            integer(t.content)?;
        }
        5 => {
            prim(t)?;
            if !t.content.is_empty() {
                return Err(asn1_err("NULL_IS_WRONG_LENGTH", "null is wrong length"));
            }
        }
        OID => {
            prim(t)?;
            check_oid(t.content)?;
        }
        SEQUENCE | SET => {
            if !t.constructed {
                return Err(asn1_err("TYPE_NOT_CONSTRUCTED", "type not constructed"));
            }
        }
        BIT_STRING => {
            bit_string(&t.string_bytes()?)?;
        }
        30 => {
            if t.string_bytes()?.len() % 2 != 0 {
                return Err(asn1_err(
                    "BMPSTRING_IS_WRONG_LENGTH",
                    "bmpstring is wrong length",
                ));
            }
        }
        28 => {
            if t.string_bytes()?.len() % 4 != 0 {
                return Err(asn1_err(
                    "UNIVERSALSTRING_IS_WRONG_LENGTH",
                    "universalstring is wrong length",
                ));
            }
        }
        _ => {
            t.string_bytes()?;
        }
    }
    Ok(())
}

/// Checks a BIT STRING content like `c2i_ASN1_BIT_STRING` and returns the data bytes
/// with the unused bits cleared.
pub(crate) fn bit_string(content: &[u8]) -> Result<Vec<u8>, CertError> {
    let (&unused, data) = content
        .split_first()
        .ok_or_else(|| asn1_err("STRING_TOO_SHORT", "string too short"))?;
    if unused > 7 {
        return Err(asn1_err(
            "INVALID_BIT_STRING_BITS_LEFT",
            "invalid bit string bits left",
        ));
    }
    let mut v = data.to_vec();
    if let Some(last) = v.last_mut() {
        *last &= 0xffu8 << unused;
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_form_lengths_are_accepted() {
        let (t, rest) = read_tlv(&[0x04, 0x82, 0x00, 0x01, 0xaa, 0xbb]).unwrap();
        assert_eq!(t.content, &[0xaa]);
        assert_eq!(rest, &[0xbb]);
    }

    #[test]
    fn truncated_headers_and_contents_fail() {
        assert_eq!(
            read_tlv(&[]).unwrap_err().reason.as_deref(),
            Some("HEADER_TOO_LONG")
        );
        assert_eq!(
            read_tlv(&[0x30]).unwrap_err().reason.as_deref(),
            Some("HEADER_TOO_LONG")
        );
        assert_eq!(
            read_tlv(&[0x30, 0x05, 0]).unwrap_err().reason.as_deref(),
            Some("TOO_LONG")
        );
    }

    #[test]
    fn deeply_nested_indefinite_lengths_do_not_recurse() {
        let mut v = Vec::new();
        for _ in 0..200_000 {
            v.extend_from_slice(&[0x30, 0x80]);
        }
        assert!(read_tlv(&v).is_err());
        for _ in 0..200_000 {
            v.extend_from_slice(&[0, 0]);
        }
        let (t, rest) = read_tlv(&v).unwrap();
        assert!(rest.is_empty());
        assert_eq!(t.content.len(), v.len() - 4);
    }

    #[test]
    fn indefinite_length() {
        let (t, rest) = read_tlv(&[0x30, 0x80, 0x05, 0x00, 0x00, 0x00, 0x01]).unwrap();
        assert_eq!(t.content, &[0x05, 0x00]);
        assert_eq!(rest, &[0x01]);
    }

    #[test]
    fn integers_like_openssl() {
        assert_eq!(integer(&[0x00]).unwrap(), (false, vec![]));
        assert_eq!(integer(&[0x00, 0x80]).unwrap(), (false, vec![0x80]));
        assert_eq!(integer(&[0xff]).unwrap(), (true, vec![0x01]));
        assert_eq!(integer(&[0x80]).unwrap(), (true, vec![0x80]));
        assert_eq!(integer(&[0xff, 0x01]).unwrap(), (true, vec![0xff]));
        assert_eq!(integer(&[0xff, 0x00]).unwrap(), (true, vec![0x01, 0x00]));
        assert!(integer(&[]).is_err());
        assert!(integer(&[0x00, 0x01]).is_err());
        assert!(integer(&[0xff, 0xff]).is_err());
        assert_eq!(integer_get(&[0xff]).unwrap(), -1);
        assert_eq!(integer_get(&[0x03]).unwrap(), 3);
        assert_eq!(integer_get(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap(), -1);
    }

    #[test]
    fn oid_encoding_checks() {
        assert!(check_oid(&[0x2a, 0x03]).is_ok());
        assert!(check_oid(&[]).is_err());
        assert!(check_oid(&[0x2a, 0x83]).is_err());
        assert!(check_oid(&[0x2a, 0x80, 0x01]).is_err());
    }

    #[test]
    fn bit_strings_clear_unused_bits() {
        assert_eq!(bit_string(&[0x04, 0xff]).unwrap(), vec![0xf0]);
        assert!(bit_string(&[]).is_err());
        assert!(bit_string(&[0x08, 0x00]).is_err());
    }
}
