//! PEM: OpenSSL's block reader (`PEM_read_bio_ex` rules, used for certificate files,
//! bundles and key files) and CPython's `DER_cert_to_PEM_cert` / `PEM_cert_to_DER_cert`.
//!
//! rustls-pki-types' PEM parser is stricter and drops headers, while OpenSSL skips
//! junk lines, keeps `Proc-Type`/`DEK-Info` headers and has its own base64 rules, so
//! this module has its own tolerant reader.

use crate::pybase64;
use crate::{CertError, Result};

/// `ssl.PEM_HEADER`.
pub const PEM_HEADER: &str = "-----BEGIN CERTIFICATE-----";
/// `ssl.PEM_FOOTER`.
pub const PEM_FOOTER: &str = "-----END CERTIFICATE-----";

/// One block of a PEM text, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PemItem {
    /// `CERTIFICATE` or `X509 CERTIFICATE`: DER bytes.
    Certificate(Vec<u8>),
    /// Any `... PRIVATE KEY` block, with its RFC 1421 headers (`Proc-Type`, `DEK-Info`)
    /// for legacy encrypted keys.
    PrivateKey {
        /// The label, e.g. `"RSA PRIVATE KEY"` or `"ENCRYPTED PRIVATE KEY"`.
        label: String,
        /// The (possibly encrypted) DER bytes.
        der: Vec<u8>,
        /// Header lines as `(name, value)`, in order.
        headers: Vec<(String, String)>,
    },
    /// `X509 CRL`: DER bytes.
    Crl(Vec<u8>),
    /// Any other block (`TRUSTED CERTIFICATE`, `PUBLIC KEY`, ...).
    Other {
        /// The label.
        label: String,
        /// The DER bytes.
        der: Vec<u8>,
    },
}

/// A raw PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label between `-----BEGIN ` and `-----`.
    pub label: String,
    /// RFC 1421 header lines (`name: value`), in order.
    pub headers: Vec<(String, String)>,
    /// The base64-decoded body.
    pub der: Vec<u8>,
}

fn pem_err(reason: &str, message: &str) -> CertError {
    CertError::ssl("PEM", Some(reason), message)
}

/// OpenSSL's `sanitize_line` in EAY-compatible mode: trailing bytes `<= ' '` go,
/// compared as C `char`s (signed), so bytes `>= 0x80` count as whitespace too.
fn trim_end(line: &[u8]) -> &[u8] {
    let n = line
        .iter()
        .rposition(|&c| (c as i8) > b' ' as i8)
        .map_or(0, |i| i + 1);
    &line[..n]
}

/// `BIO_gets(bp, buf, 255)`: at most 254 bytes, through the first newline.
const GETS_MAX: usize = 254;

/// Iterator-like reader over the PEM blocks of a text, with OpenSSL's line rules.
#[derive(Debug, Clone)]
pub struct PemReader<'a> {
    rest: &'a [u8],
    /// File BIOs read lines with `fgets`, so a NUL ends the line's visible text
    /// (and a line starting with NUL reads as end of file).
    file_semantics: bool,
    /// The previous read stopped at [`GETS_MAX`] bytes without a newline.
    partial: bool,
}

impl<'a> PemReader<'a> {
    /// Reads blocks from the contents of a file (OpenSSL file-BIO line semantics).
    pub fn new(text: &'a [u8]) -> Self {
        PemReader {
            rest: text,
            file_semantics: true,
            partial: false,
        }
    }

    /// Reads blocks from an in-memory text such as `cadata` (memory-BIO semantics:
    /// NUL bytes are ordinary characters).
    pub fn from_memory(text: &'a [u8]) -> Self {
        PemReader {
            file_semantics: false,
            ..PemReader::new(text)
        }
    }

    /// One `BIO_gets` chunk, or `None` at end of input.
    fn next_line(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            return None;
        }
        let limit = self.rest.len().min(GETS_MAX);
        let n = self.rest[..limit]
            .iter()
            .position(|&c| c == b'\n')
            .map_or(limit, |i| i + 1);
        let (mut line, rest) = self.rest.split_at(n);
        self.rest = rest;
        if self.file_semantics {
            if let Some(z) = line.iter().position(|&c| c == 0) {
                if z == 0 {
                    self.rest = &[];
                    return None;
                }
                line = &line[..z];
            }
        }
        self.partial = line.len() == GETS_MAX && line.last() != Some(&b'\n');
        Some(line)
    }

    /// The next block; `Ok(None)` when no `-----BEGIN` line is left (OpenSSL's
    /// "no start line"); an error for a malformed block.
    pub fn next_block(&mut self) -> Result<Option<PemBlock>> {
        let mut first_call = true;
        let label = loop {
            let Some(mut line) = self.next_line() else {
                return Ok(None);
            };
            // OpenSSL drops a UTF-8 BOM from the first line each search reads.
            if std::mem::take(&mut first_call) && line.len() > 3 {
                line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
            }
            if !line.starts_with(b"-----BEGIN ") {
                continue;
            }
            let l = trim_end(line);
            if l.len() >= 16 && l.ends_with(b"-----") {
                break l[11..l.len() - 5].to_vec();
            }
        };
        #[derive(PartialEq)]
        enum Hdr {
            Maybe,
            In,
            Post,
        }
        let mut got = Hdr::Maybe;
        let mut pending: Vec<&[u8]> = Vec::new();
        let mut header_lines: Vec<&[u8]> = Vec::new();
        let mut end = false;
        let bad_end = || pem_err("BAD_END_LINE", "bad end line");
        loop {
            let prev_partial = self.partial;
            let raw = self.next_line().ok_or_else(bad_end)?;
            if got == Hdr::Maybe && raw.contains(&b':') {
                got = Hdr::In;
            }
            let line = trim_end(raw);
            if line.is_empty() {
                if !prev_partial {
                    if got == Hdr::Post {
                        return Err(bad_end());
                    }
                    got = Hdr::Post;
                    header_lines = std::mem::take(&mut pending);
                }
                continue;
            }
            if let Some(tail) = line.strip_prefix(b"-----END ") {
                if tail.strip_prefix(label.as_slice()) != Some(b"-----") {
                    return Err(bad_end());
                }
                break;
            } else if end {
                return Err(bad_end());
            }
            pending.push(line);
            if got == Hdr::Post {
                // Lines after a header must be full 64-column base64 lines until the last.
                if line.len() + 1 > 65 {
                    return Err(bad_end());
                }
                if line.len() + 1 < 65 {
                    end = true;
                }
            }
        }
        let data_lines = match got {
            Hdr::In => {
                header_lines = pending;
                Vec::new()
            }
            _ => pending,
        };
        let mut data = Vec::new();
        for l in &data_lines {
            data.extend_from_slice(l);
            data.push(b'\n');
        }
        // OpenSSL also fails on an empty body (its zero-byte allocation fails).
        let der = evp_decode(&data)
            .filter(|d| !d.is_empty())
            .ok_or_else(|| pem_err("BAD_BASE64_DECODE", "bad base64 decode"))?;
        let headers = header_lines
            .iter()
            .map(|l| {
                let s = String::from_utf8_lossy(l);
                match s.split_once(':') {
                    Some((k, v)) => (k.to_owned(), v.trim_start().to_owned()),
                    None => (s.into_owned(), String::new()),
                }
            })
            .collect();
        Ok(Some(PemBlock {
            label: String::from_utf8_lossy(&label).into_owned(),
            headers,
            der,
        }))
    }
}

/// OpenSSL's `EVP_DecodeUpdate` + `EVP_DecodeFinal` over a PEM body.
fn evp_decode(data: &[u8]) -> Option<Vec<u8>> {
    let mut chars = Vec::with_capacity(data.len());
    let mut eof = 0;
    for &c in data {
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            b'-' => break,
            b'=' => {
                eof += 1;
                if eof > 2 {
                    return None;
                }
                chars.push(c);
            }
            c if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' => {
                if eof > 0 {
                    return None;
                }
                chars.push(c);
            }
            _ => return None,
        }
    }
    if chars.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(chars.len() / 4 * 3);
    for quad in chars.chunks(4) {
        let mut v = 0u32;
        let mut pads = 0;
        for &c in quad {
            let d = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                _ => {
                    pads += 1;
                    0
                }
            };
            v = (v << 6) | u32::from(d);
        }
        let bytes = v.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pads]);
    }
    Some(out)
}

/// Reads every block of a PEM text in order, classified; text between blocks is
/// ignored. A malformed block is an error; no blocks at all gives an empty list.
pub fn read_pem_bundle(text: &[u8]) -> Result<Vec<PemItem>> {
    let mut r = PemReader::new(text);
    let mut items = Vec::new();
    while let Some(b) = r.next_block()? {
        items.push(match b.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" => PemItem::Certificate(b.der),
            "X509 CRL" => PemItem::Crl(b.der),
            l if l.ends_with("PRIVATE KEY") => PemItem::PrivateKey {
                label: b.label,
                der: b.der,
                headers: b.headers,
            },
            _ => PemItem::Other {
                label: b.label,
                der: b.der,
            },
        });
    }
    Ok(items)
}

/// The DER of the first certificate, as `PEM_read_bio_X509` finds it.
pub fn first_certificate(text: &[u8]) -> Result<Vec<u8>> {
    let mut r = PemReader::new(text);
    while let Some(b) = r.next_block()? {
        if b.label == "CERTIFICATE" || b.label == "X509 CERTIFICATE" {
            if let Some((k, _)) = b.headers.first() {
                return Err(if k == "Proc-Type" {
                    pem_err("BAD_PASSWORD_READ", "bad password read")
                } else {
                    pem_err("NOT_PROC_TYPE", "not proc type")
                });
            }
            return Ok(b.der);
        }
    }
    Err(pem_err("NO_START_LINE", "no start line"))
}

/// Every certificate of a PEM text, in order (`pyssl x509 --all`).
pub fn all_certificates(text: &[u8]) -> Result<Vec<Vec<u8>>> {
    Ok(read_pem_bundle(text)?
        .into_iter()
        .filter_map(|i| match i {
            PemItem::Certificate(d) => Some(d),
            _ => None,
        })
        .collect())
}

/// `ssl.DER_cert_to_PEM_cert`: header, base64 in 64-column lines, footer, newline.
///
/// ```
/// assert_eq!(
///     pyssl_cert::pem::der_cert_to_pem_cert(b"\x30\x00"),
///     "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
/// );
/// assert_eq!(
///     pyssl_cert::pem::der_cert_to_pem_cert(b""),
///     "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
/// );
/// ```
pub fn der_cert_to_pem_cert(der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = String::with_capacity(b64.len() + b64.len() / 64 + 60);
    s.push_str(PEM_HEADER);
    s.push('\n');
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        s.push('\n');
    }
    s.push_str(PEM_FOOTER);
    s.push('\n');
    s
}

/// `ssl.PEM_cert_to_DER_cert`: the text must start with [`PEM_HEADER`] and (stripped)
/// end with [`PEM_FOOTER`]; the middle goes through Python's lax
/// `base64.decodebytes`.
///
/// Errors: `ValueError` (bad header/footer), `UnicodeEncodeError` (non-ASCII body),
/// `binascii.Error` (bad padding).
pub fn pem_cert_to_der_cert(pem: &str) -> Result<Vec<u8>> {
    if !pem.starts_with(PEM_HEADER) {
        return Err(CertError::other(
            "ValueError",
            format!("Invalid PEM encoding; must start with {PEM_HEADER}"),
        ));
    }
    let stripped = pem.trim_matches(crate::pyrepr::is_space);
    if !stripped.ends_with(PEM_FOOTER) {
        return Err(CertError::other(
            "ValueError",
            format!("Invalid PEM encoding; must end with {PEM_FOOTER}"),
        ));
    }
    // Python slices [len(HEADER):-len(FOOTER)]; when they overlap the slice is empty.
    let body = stripped
        .get(PEM_HEADER.len()..stripped.len() - PEM_FOOTER.len())
        .unwrap_or("");
    if let Some((pos, c)) = body.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        let cp = u32::from(c);
        let ch = match cp {
            0..=0xff => format!("'\\x{cp:02x}'"),
            0x100..=0xffff => format!("'\\u{cp:04x}'"),
            _ => format!("'\\U{cp:08x}'"),
        };
        return Err(CertError::other(
            "UnicodeEncodeError",
            format!("'ascii' codec can't encode character {ch} in position {pos}: ordinal not in range(128)"),
        ));
    }
    pybase64::decodebytes(body.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "MAMCAQE=";

    #[test]
    fn reader_skips_text_and_keeps_headers() {
        let text = format!(
            "junk\n\n-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n{BODY}\n-----END RSA PRIVATE KEY-----\nmore\n-----BEGIN CERTIFICATE-----\r\n{BODY}\r\n-----END CERTIFICATE-----\r\n"
        );
        let items = read_pem_bundle(text.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        match &items[0] {
            PemItem::PrivateKey {
                label,
                headers,
                der,
            } => {
                assert_eq!(label, "RSA PRIVATE KEY");
                assert_eq!(headers[0], ("Proc-Type".into(), "4,ENCRYPTED".into()));
                assert_eq!(headers[1].0, "DEK-Info");
                assert_eq!(der, &[0x30, 0x03, 0x02, 0x01, 0x01]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            items[1],
            PemItem::Certificate(vec![0x30, 0x03, 0x02, 0x01, 0x01])
        );
        assert_eq!(
            first_certificate(text.as_bytes()).unwrap(),
            vec![0x30, 0x03, 0x02, 0x01, 0x01]
        );
    }

    #[test]
    fn reader_errors() {
        let no_start = first_certificate(b"").unwrap_err();
        assert_eq!(no_start.reason.as_deref(), Some("NO_START_LINE"));
        assert_eq!(no_start.to_string(), "[PEM: NO_START_LINE] no start line");
        let trusted = format!(
            "-----BEGIN TRUSTED CERTIFICATE-----\n{BODY}\n-----END TRUSTED CERTIFICATE-----\n"
        );
        assert!(first_certificate(trusted.as_bytes()).is_err());
        let unterminated = format!("-----BEGIN CERTIFICATE-----\n{BODY}\n");
        assert_eq!(
            first_certificate(unterminated.as_bytes())
                .unwrap_err()
                .reason
                .as_deref(),
            Some("BAD_END_LINE")
        );
        let bad = "-----BEGIN CERTIFICATE-----\nMAM*AQE=\n-----END CERTIFICATE-----\n";
        assert_eq!(
            first_certificate(bad.as_bytes())
                .unwrap_err()
                .reason
                .as_deref(),
            Some("BAD_BASE64_DECODE")
        );
        let mismatched = format!("-----BEGIN CERTIFICATE-----\n{BODY}\n-----END X509 CRL-----\n");
        assert!(first_certificate(mismatched.as_bytes()).is_err());
    }

    #[test]
    fn evp_decode_rules() {
        assert_eq!(
            evp_decode(b"MAMCAQE=\n").unwrap(),
            vec![0x30, 0x03, 0x02, 0x01, 0x01]
        );
        assert!(evp_decode(b"MAMCAQE").is_none());
        assert!(evp_decode(b"MA==MA==").is_none());
        assert!(evp_decode(b"M===").is_none());
        assert_eq!(evp_decode(b"MA==").unwrap(), vec![0x30]);
    }

    #[test]
    fn pem_roundtrip() {
        let der: Vec<u8> = (0..200u8).collect();
        let pem = der_cert_to_pem_cert(&der);
        assert!(pem.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
        assert_eq!(pem_cert_to_der_cert(&pem).unwrap(), der);
        assert_eq!(
            pem_cert_to_der_cert(&format!(" {pem}"))
                .unwrap_err()
                .python_class,
            "ValueError"
        );
    }
}
