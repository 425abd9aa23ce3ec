//! OpenSSL's canonical form of an X.509 `Name` (`x509_name_canon`): what `X509_NAME_cmp`
//! compares (and so what orders the store), and what `X509_NAME_hash` hashes (and so what
//! names the files of an `openssl rehash` directory).

use crate::der::{children, read_tlv, write_tlv};

/// The canonical encoding of a DER `Name`: every RDN as a DER `SET OF` whose string values
/// are UTF8String, trimmed, whitespace-collapsed and ASCII-lower-cased, concatenated with no
/// outer `SEQUENCE`. `None` when `name_der` is not a well-formed `Name`.
pub fn canonical_name(name_der: &[u8]) -> Option<Vec<u8>> {
    let (seq, rest) = read_tlv(name_der)?;
    if seq.tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for rdn in children(seq.content)? {
        if rdn.tag != 0x31 {
            return None;
        }
        let mut entries = Vec::new();
        for atv in children(rdn.content)? {
            let parts = children(atv.content)?;
            if atv.tag != 0x30 || parts.len() != 2 || parts[0].tag != 0x06 {
                return None;
            }
            let mut entry = parts[0].raw.to_vec();
            canonical_value(parts[1].tag, parts[1].content, parts[1].raw, &mut entry);
            let mut seq = Vec::new();
            write_tlv(0x30, &entry, &mut seq);
            entries.push(seq);
        }
        if entries.is_empty() {
            continue; // an empty RDN disappears, as in OpenSSL
        }
        entries.sort();
        write_tlv(0x31, &entries.concat(), &mut out);
    }
    Some(out)
}

/// `X509_NAME_hash`: the first four bytes of SHA-1 over the canonical encoding, little
/// endian — the `%08lx` stem of `openssl rehash` file names.
pub fn name_hash(canonical: &[u8]) -> u32 {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, canonical);
    let b = digest.as_ref();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// `X509_NAME_cmp` on canonical encodings: the shorter encoding first, then the bytes.
pub fn cmp_canonical(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `asn1_string_canon` for one attribute value, appended to `out` as a TLV.
fn canonical_value(tag: u8, content: &[u8], raw: &[u8], out: &mut Vec<u8>) {
    let utf8 = match tag {
        0x0c => String::from_utf8(content.to_vec()).ok(),
        0x13 | 0x14 | 0x16 | 0x1a => Some(content.iter().map(|&b| char::from(b)).collect()),
        0x1e => (content.len() % 2 == 0)
            .then(|| {
                char::decode_utf16(content.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])))
                    .collect::<Result<String, _>>()
                    .ok()
            })
            .flatten(),
        0x1c => (content.len() % 4 == 0)
            .then(|| {
                content
                    .chunks(4)
                    .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                    .collect::<Option<String>>()
            })
            .flatten(),
        _ => None,
    };
    match utf8 {
        Some(s) => write_tlv(0x0c, &canonical_string(s.as_bytes()), out),
        None => out.extend_from_slice(raw),
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Trims ASCII whitespace, collapses inner runs to one space, lower-cases ASCII letters.
fn canonical_string(s: &[u8]) -> Vec<u8> {
    let start = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|&b| !is_space(b))
        .map_or(start, |p| p + 1);
    let mut out = Vec::with_capacity(end - start);
    let mut in_space = false;
    for &b in &s[start..end] {
        if is_space(b) {
            if !in_space {
                out.push(b' ');
            }
            in_space = true;
        } else {
            out.push(b.to_ascii_lowercase());
            in_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(entries: &[(&[u8], u8, &[u8])]) -> Vec<u8> {
        let mut rdns = Vec::new();
        for (oid, tag, value) in entries {
            let mut atv = Vec::new();
            write_tlv(0x06, oid, &mut atv);
            write_tlv(*tag, value, &mut atv);
            let mut seq = Vec::new();
            write_tlv(0x30, &atv, &mut seq);
            write_tlv(0x31, &seq, &mut rdns);
        }
        let mut out = Vec::new();
        write_tlv(0x30, &rdns, &mut out);
        out
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];

    #[test]
    fn case_and_space_insensitive() {
        let a = canonical_name(&name(&[(CN, 0x13, b"  Test   Root\tCA ")])).unwrap();
        let b = canonical_name(&name(&[(CN, 0x0c, b"test root ca")])).unwrap();
        assert_eq!(a, b);
        // BMPString "AB" canonicalises like UTF8 "ab".
        let c = canonical_name(&name(&[(CN, 0x1e, b"\0A\0B")])).unwrap();
        let d = canonical_name(&name(&[(CN, 0x0c, b"ab")])).unwrap();
        assert_eq!(c, d);
    }

    #[test]
    fn known_hash() {
        // `openssl x509 -hash` of a certificate whose subject is UTF8String "Test Root A".
        let canon = canonical_name(&name(&[(CN, 0x0c, b"Test Root A")])).unwrap();
        assert_eq!(format!("{:08x}", name_hash(&canon)), "97e1a225");
        // The same name as PrintableString, other case, extra spaces: same hash.
        let canon = canonical_name(&name(&[(CN, 0x13, b" TEST  root a")])).unwrap();
        assert_eq!(format!("{:08x}", name_hash(&canon)), "97e1a225");
        assert_eq!(canonical_name(b"\x30\x00").unwrap(), Vec::<u8>::new());
        assert!(canonical_name(b"\x31\x00").is_none());
    }
}
