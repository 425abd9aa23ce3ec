//! Parsing what `load_verify_locations` reads — a CA file, `cadata`, a hashed directory —
//! with CPython's (OpenSSL's) acceptance rules and error messages. Nothing here touches a
//! store: the store adds the parsed objects only once everything parsed (no half loads).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use pyssl_cert::CertError;
use rustls_pki_types::CertificateDer;

use crate::crl::Crl;
use crate::der::{header, Header};
use crate::entry::{parse_cert, parse_crl, Object};
use crate::name::name_hash;
use crate::pem::{PemBlock, PemFailure, PemReader, Source};

/// `cadata` for `load_verify_locations`: Python `str` (PEM text) or `bytes` (DER).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaData {
    /// One or more PEM certificates; text outside `CERTIFICATE` blocks is ignored.
    Text(String),
    /// One or more concatenated DER certificates.
    Der(Vec<u8>),
}

/// What a CA bundle file holds, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaBundle {
    /// The certificates (duplicates included).
    pub certificates: Vec<CertificateDer<'static>>,
    /// The CRLs.
    pub crls: Vec<Crl>,
}

fn ssl_error(library: Option<&str>, reason: Option<&str>, message: &str) -> CertError {
    CertError {
        python_class: "SSLError",
        library: library.map(str::to_owned),
        reason: reason.map(str::to_owned),
        message: message.to_owned(),
        errno: None,
    }
}

/// An I/O error the way Python names it (`FileNotFoundError: [Errno 2] ...`).
pub(crate) fn io_error(err: &std::io::Error) -> CertError {
    let (class, text) = match err.raw_os_error() {
        Some(21) => ("IsADirectoryError", "Is a directory"),
        Some(20) => ("NotADirectoryError", "Not a directory"),
        _ => return CertError::io(err),
    };
    let errno = err.raw_os_error().unwrap_or_default();
    CertError {
        python_class: class,
        library: None,
        reason: None,
        message: format!("[Errno {errno}] {text}"),
        errno: Some(errno),
    }
}

fn pem_lib() -> CertError {
    ssl_error(Some("X509"), None, "PEM lib")
}

/// Reads a CA file (`cafile=`): every `CERTIFICATE`/`X509 CERTIFICATE`/`TRUSTED CERTIFICATE`
/// and `X509 CRL` block, all or nothing.
pub(crate) fn read_cafile(path: &Path) -> Result<Vec<Object>, CertError> {
    let bytes = std::fs::read(path).map_err(|e| io_error(&e))?;
    cafile_objects(&bytes)
}

/// `X509_load_cert_crl_file` over the bytes of a CA file.
pub(crate) fn cafile_objects(bytes: &[u8]) -> Result<Vec<Object>, CertError> {
    let mut reader = PemReader::new(bytes, Source::File);
    let mut out = Vec::new();
    loop {
        let block = match reader.next_block() {
            Ok(b) => b,
            Err(PemFailure::NoStartLine) => break,
            Err(_) => return Err(pem_lib()),
        };
        match block.name.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                let (entry, _) = parse_cert(&block.data).ok_or_else(pem_lib)?;
                out.push(Object::Cert(Arc::new(entry)));
            }
            "X509 CRL" => {
                let entry = parse_crl(&block.data).ok_or_else(pem_lib)?;
                out.push(Object::Crl(Arc::new(entry)));
            }
            name if name.contains("PRIVATE KEY") && !private_key_acceptable(&block) => {
                return Err(pem_lib());
            }
            _ => {}
        }
    }
    if out.is_empty() {
        return Err(ssl_error(
            Some("X509"),
            Some("NO_CERTIFICATE_OR_CRL_FOUND"),
            "no certificate or crl found",
        ));
    }
    Ok(out)
}

/// OpenSSL decodes unencrypted private keys found in a CA file; a broken one fails the
/// file. Encrypted ones are kept undecoded. A structural check stands in for the decode.
fn private_key_acceptable(block: &PemBlock) -> bool {
    if block.header_len > 10 || block.name == "ENCRYPTED PRIVATE KEY" {
        return true;
    }
    match crate::der::read_tlv(&block.data) {
        Some((seq, _)) if seq.tag == 0x30 => {
            crate::der::children(seq.content).is_some_and(|c| c.len() >= 2 && c[0].tag == 0x02)
        }
        _ => false,
    }
}

/// Parses `cadata` with CPython's `_add_ca_certs` rules, all or nothing.
pub(crate) fn cadata_objects(cadata: &CaData) -> Result<Vec<Object>, CertError> {
    match cadata {
        CaData::Text(text) => {
            if !text.is_ascii() {
                return Err(CertError::other(
                    "TypeError",
                    "cadata should be an ASCII string or a bytes-like object",
                ));
            }
            if text.is_empty() {
                return Err(empty_cadata());
            }
            cadata_pem(text.as_bytes())
        }
        CaData::Der(der) => {
            if der.is_empty() {
                return Err(empty_cadata());
            }
            cadata_der(der)
        }
    }
}

fn empty_cadata() -> CertError {
    CertError::other("ValueError", "Empty certificate data")
}

/// `PEM_read_bio_X509` until it fails; the failure decides between end-of-data and error.
fn cadata_pem(text: &[u8]) -> Result<Vec<Object>, CertError> {
    let mut reader = PemReader::new(text, Source::Memory);
    let mut out = Vec::new();
    let failure = loop {
        match reader.next_block() {
            Ok(b) if b.name == "CERTIFICATE" || b.name == "X509 CERTIFICATE" => {
                match parse_cert(&b.data) {
                    Some((entry, _)) => out.push(Object::Cert(Arc::new(entry))),
                    None => break Some(ssl_error(Some("PEM"), None, "ASN1 lib")),
                }
            }
            Ok(_) => continue,
            Err(PemFailure::NoStartLine | PemFailure::Silent) => break None,
            Err(PemFailure::BadEndLine) => {
                break Some(ssl_error(Some("PEM"), Some("BAD_END_LINE"), "bad end line"))
            }
            Err(PemFailure::BadBase64) => {
                break Some(ssl_error(
                    Some("PEM"),
                    Some("BAD_BASE64_DECODE"),
                    "bad base64 decode",
                ))
            }
        }
    };
    if out.is_empty() {
        return Err(ssl_error(
            None,
            None,
            "no start line: cadata does not contain a certificate",
        ));
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// `d2i_X509_bio` until the data ends or a certificate fails to parse.
fn cadata_der(mut der: &[u8]) -> Result<Vec<Object>, CertError> {
    let mut out = Vec::new();
    let failure = loop {
        match header(der) {
            // CPython 3.13 stops cleanly only at the exact end (3.11 also accepted a
            // truncated header there).
            Header::Incomplete if der.is_empty() => break None,
            Header::Incomplete => {
                break Some(ssl_error(
                    Some("ASN1"),
                    Some("HEADER_TOO_LONG"),
                    "header too long",
                ))
            }
            Header::Definite {
                header_len,
                content_len,
            } => {
                let total = header_len.saturating_add(content_len);
                if total > der.len() {
                    break Some(ssl_error(
                        Some("ASN1"),
                        Some("NOT_ENOUGH_DATA"),
                        "not enough data",
                    ));
                }
                match parse_cert(&der[..total]) {
                    Some((entry, _)) => out.push(Object::Cert(Arc::new(entry))),
                    None if der[0] == 0x30 && content_len == 0 => {
                        break Some(ssl_error(
                            Some("ASN1"),
                            Some("FIELD_MISSING"),
                            "field missing",
                        ))
                    }
                    None => break Some(ssl_error(Some("ASN1"), None, "nested asn1 error")),
                }
                der = &der[total..];
            }
            Header::Indefinite { header_len } => {
                let empty = der.get(header_len..header_len + 2) == Some(&[0, 0][..]);
                break Some(if der[0] == 0x30 && empty {
                    ssl_error(Some("ASN1"), Some("FIELD_MISSING"), "field missing")
                } else {
                    ssl_error(Some("ASN1"), None, "nested asn1 error")
                });
            }
        }
    };
    if out.is_empty() {
        return Err(ssl_error(
            None,
            None,
            "not enough data: cadata does not contain a certificate",
        ));
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Reads an `openssl rehash` directory: `<hash>.<n>` certificate files and `<hash>.r<n>`
/// CRL files, each series read from 0 until the first gap (as OpenSSL's `by_dir` lookup
/// does), keeping objects whose subject (issuer for CRLs) hashes to the file's stem.
/// Unreadable files and a missing directory are ignored, as in OpenSSL.
pub(crate) fn scan_capath(dir: &Path) -> Vec<Object> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    // (hash, is_crl) -> indices present
    let mut series: BTreeMap<(u32, bool), Vec<u32>> = BTreeMap::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some((stem, suffix)) = name.split_once('.') else {
            continue;
        };
        if stem.len() != 8
            || !stem
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            continue;
        }
        let (is_crl, digits) = match suffix.strip_prefix('r') {
            Some(d) => (true, d),
            None => (false, suffix),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let (Ok(hash), Ok(index)) = (u32::from_str_radix(stem, 16), digits.parse::<u32>()) else {
            continue;
        };
        series.entry((hash, is_crl)).or_default().push(index);
    }
    let mut out = Vec::new();
    for ((hash, is_crl), mut indices) in series {
        indices.sort_unstable();
        for (expected, index) in (0u32..).zip(indices) {
            if index != expected {
                break;
            }
            let suffix = if is_crl { "r" } else { "" };
            let path = dir.join(format!("{hash:08x}.{suffix}{index}"));
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            out.extend(hashed_file_objects(&bytes, hash, is_crl));
        }
    }
    out
}

/// The PEM objects of one hashed-directory file (`X509_load_cert_file` / `X509_load_crl_file`).
fn hashed_file_objects(bytes: &[u8], hash: u32, is_crl: bool) -> Vec<Object> {
    let mut reader = PemReader::new(bytes, Source::File);
    let mut out = Vec::new();
    while let Ok(block) = reader.next_block() {
        let object = match (is_crl, block.name.as_str()) {
            (false, "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE") => {
                parse_cert(&block.data).and_then(|(c, _)| {
                    (name_hash(&c.subject_canon) == hash).then(|| Object::Cert(Arc::new(c)))
                })
            }
            (true, "X509 CRL") => parse_crl(&block.data).and_then(|c| {
                (name_hash(&c.issuer_canon) == hash).then(|| Object::Crl(Arc::new(c)))
            }),
            _ => None,
        };
        out.extend(object);
    }
    out
}

/// Parses CA-file bytes as `load_verify_locations(cafile=...)` would, without a store.
/// This is the fuzzing entry point for bundle loading.
///
/// ```
/// let err = pyssl_trust::parse_ca_bundle(b"no pem here\n").unwrap_err();
/// assert_eq!(err.reason.as_deref(), Some("NO_CERTIFICATE_OR_CRL_FOUND"));
/// ```
pub fn parse_ca_bundle(bytes: &[u8]) -> Result<CaBundle, CertError> {
    let mut bundle = CaBundle::default();
    for object in cafile_objects(bytes)? {
        match object {
            Object::Cert(c) => bundle.certificates.push(c.der.clone()),
            Object::Crl(c) => bundle.crls.push(c.crl.clone()),
        }
    }
    Ok(bundle)
}

/// Parses `cadata` as `load_verify_locations(cadata=...)` would, without a store.
/// This is the fuzzing entry point for `cadata`.
///
/// ```
/// use pyssl_trust::{parse_cadata, CaData};
/// let err = parse_cadata(&CaData::Text("hello".into())).unwrap_err();
/// assert_eq!(err.message, "no start line: cadata does not contain a certificate");
/// ```
pub fn parse_cadata(cadata: &CaData) -> Result<Vec<CertificateDer<'static>>, CertError> {
    Ok(cadata_objects(cadata)?
        .into_iter()
        .filter_map(|o| match o {
            Object::Cert(c) => Some(c.der.clone()),
            Object::Crl(_) => None,
        })
        .collect())
}
