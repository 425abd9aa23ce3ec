//! Just enough DER to walk names and split concatenated certificates the way OpenSSL's
//! BIO readers do (single TLVs, definite or indefinite lengths).

/// One TLV element: the identifier octet(s), its content and the whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    /// The first identifier octet (class, constructed bit, low tag number).
    pub tag: u8,
    /// The content octets.
    pub content: &'a [u8],
    /// The complete encoding (identifier, length and content).
    pub raw: &'a [u8],
}

/// What a header at the start of some input looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Header {
    /// The header itself is cut short (OpenSSL: `HEADER_TOO_LONG`).
    Incomplete,
    /// A definite length: header length and content length.
    Definite {
        header_len: usize,
        content_len: usize,
    },
    /// The indefinite-length form (`0x80`); the header length.
    Indefinite { header_len: usize },
}

/// Reads the identifier and length octets at the start of `input`.
pub(crate) fn header(input: &[u8]) -> Header {
    let Some(&first) = input.first() else {
        return Header::Incomplete;
    };
    let mut pos = 1;
    if first & 0x1f == 0x1f {
        // High tag number: base-128 continuation octets.
        loop {
            let Some(&b) = input.get(pos) else {
                return Header::Incomplete;
            };
            pos += 1;
            if b & 0x80 == 0 {
                break;
            }
            if pos > 6 {
                return Header::Incomplete;
            }
        }
    }
    let Some(&len0) = input.get(pos) else {
        return Header::Incomplete;
    };
    pos += 1;
    if len0 < 0x80 {
        return Header::Definite {
            header_len: pos,
            content_len: usize::from(len0),
        };
    }
    if len0 == 0x80 {
        return Header::Indefinite { header_len: pos };
    }
    let n = usize::from(len0 & 0x7f);
    if n > 4 || input.len() < pos + n {
        return Header::Incomplete;
    }
    let content_len = input[pos..pos + n]
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    Header::Definite {
        header_len: pos + n,
        content_len,
    }
}

/// Reads one complete definite-length TLV, returning it and the rest.
pub(crate) fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    match header(input) {
        Header::Definite {
            header_len,
            content_len,
        } => {
            let end = header_len.checked_add(content_len)?;
            if end > input.len() {
                return None;
            }
            Some((
                Tlv {
                    tag: input[0],
                    content: &input[header_len..end],
                    raw: &input[..end],
                },
                &input[end..],
            ))
        }
        _ => None,
    }
}

/// Reads every TLV of a constructed value's content (None if any is malformed).
pub(crate) fn children(mut content: &[u8]) -> Option<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (tlv, rest) = read_tlv(content)?;
        out.push(tlv);
        content = rest;
    }
    Some(out)
}

/// Appends a DER TLV with a single identifier octet.
pub(crate) fn write_tlv(tag: u8, content: &[u8], out: &mut Vec<u8>) {
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        assert_eq!(header(b""), Header::Incomplete);
        assert_eq!(header(b"\x30"), Header::Incomplete);
        assert_eq!(header(b"\x30\x82\x01"), Header::Incomplete);
        assert_eq!(
            header(b"\x30\x82\x01\x00"),
            Header::Definite {
                header_len: 4,
                content_len: 256
            }
        );
        assert_eq!(header(b"\x30\x80"), Header::Indefinite { header_len: 2 });
        assert_eq!(header(b"\x1f\x81"), Header::Incomplete);
    }

    #[test]
    fn tlv_round_trip() {
        let mut out = Vec::new();
        write_tlv(0x04, &[7u8; 300], &mut out);
        let (tlv, rest) = read_tlv(&out).unwrap();
        assert!(rest.is_empty());
        assert_eq!(tlv.content.len(), 300);
        assert_eq!(&out[..4], b"\x04\x82\x01\x2c");
    }
}
