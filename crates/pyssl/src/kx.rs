//! Key-exchange settings of `SSLContext`: `set_ecdh_curve` names → rustls key-exchange
//! groups, and `load_dh_params` validation.
//!
//! rustls (ring provider) offers X25519, P-256 and P-384 ECDHE and no finite-field DHE at
//! all, so [`check_dh_params`] only validates the file the way OpenSSL would (and then has
//! no effect), and curves OpenSSL knows but rustls lacks are refused with a clear
//! not-supported error instead of being silently ignored.

// `SslError` is the crate-wide error type; its size is the error module's concern.
#![allow(clippy::result_large_err)]

use crate::{ErrorKind, Result, SslError};
use rustls::crypto::ring::kx_group;
use rustls::crypto::SupportedKxGroup;
use std::path::Path;

/// OpenSSL short names of groups OpenSSL accepts in `set_ecdh_curve` but rustls lacks.
const OPENSSL_ONLY_GROUPS: &[&str] = &[
    "X448",
    "secp521r1",
    "secp256k1",
    "secp224r1",
    "secp224k1",
    "secp192k1",
    "prime192v1",
    "prime192v2",
    "prime192v3",
    "prime239v1",
    "prime239v2",
    "prime239v3",
    "secp112r1",
    "secp112r2",
    "secp128r1",
    "secp128r2",
    "secp160k1",
    "secp160r1",
    "secp160r2",
    "sect113r1",
    "sect113r2",
    "sect131r1",
    "sect131r2",
    "sect163k1",
    "sect163r1",
    "sect163r2",
    "sect193r1",
    "sect193r2",
    "sect233k1",
    "sect233r1",
    "sect239k1",
    "sect283k1",
    "sect283r1",
    "sect409k1",
    "sect409r1",
    "sect571k1",
    "sect571r1",
    "c2pnb163v1",
    "c2pnb163v2",
    "c2pnb163v3",
    "c2pnb176v1",
    "c2tnb191v1",
    "c2tnb191v2",
    "c2tnb191v3",
    "c2pnb208w1",
    "c2tnb239v1",
    "c2tnb239v2",
    "c2tnb239v3",
    "c2pnb272w1",
    "c2pnb304w1",
    "c2tnb359v1",
    "c2pnb368w1",
    "c2tnb431r1",
    "brainpoolP160r1",
    "brainpoolP160t1",
    "brainpoolP192r1",
    "brainpoolP192t1",
    "brainpoolP224r1",
    "brainpoolP224t1",
    "brainpoolP256r1",
    "brainpoolP256t1",
    "brainpoolP320r1",
    "brainpoolP320t1",
    "brainpoolP384r1",
    "brainpoolP384t1",
    "brainpoolP512r1",
    "brainpoolP512t1",
    "SM2",
    "ffdhe2048",
    "ffdhe3072",
    "ffdhe4096",
    "ffdhe6144",
    "ffdhe8192",
];

/// `SSLContext.set_ecdh_curve(name)`: the rustls group for an OpenSSL curve short name.
///
/// Accepts the names CPython accepts for the curves rustls has: `prime256v1` (P-256),
/// `secp384r1` (P-384) and `X25519` — case-sensitive, like OpenSSL's `OBJ_sn2nid`. Other
/// curves OpenSSL knows (`X448`, `secp521r1`, brainpool, ffdhe…) are a `NotImplementedError`
/// naming rustls; anything else is CPython's `ValueError("unknown elliptic curve name …")`.
///
/// ```
/// let g = pyssl::kx::ecdh_curve("prime256v1").unwrap();
/// assert_eq!(g.name(), rustls::NamedGroup::secp256r1);
/// let e = pyssl::kx::ecdh_curve("foo").unwrap_err();
/// assert_eq!(e.to_string(), "unknown elliptic curve name 'foo'");
/// ```
pub fn ecdh_curve(name: &str) -> Result<&'static dyn SupportedKxGroup> {
    if name.contains('\0') {
        return Err(SslError::value("embedded null byte"));
    }
    match name {
        "prime256v1" => Ok(kx_group::SECP256R1),
        "secp384r1" => Ok(kx_group::SECP384R1),
        "X25519" => Ok(kx_group::X25519),
        _ if OPENSSL_ONLY_GROUPS.contains(&name) => Err(SslError::not_implemented(format!(
            "elliptic curve {} is not supported by rustls (supported: prime256v1, secp384r1, X25519)",
            pyssl_cert::python_repr_str(name)
        ))),
        _ => Err(SslError::value(format!(
            "unknown elliptic curve name {}",
            pyssl_cert::python_repr_str(name)
        ))),
    }
}

/// `SSLContext.load_dh_params(path)`: validates a PEM DH-parameters file as OpenSSL does and
/// otherwise has no effect — rustls implements no finite-field DHE suites, so the
/// parameters are never used.
///
/// Checks, with CPython's errors: the file is readable (`FileNotFoundError`, …); it holds a
/// `DH PARAMETERS` or `X9.42 DH PARAMETERS` PEM block (`[PEM: NO_START_LINE]`) with valid
/// base64 (`[PEM: BAD_BASE64_DECODE]`) and DER (`[PEM] ASN1 lib`); the prime is large enough
/// for `security_level` (`[SSL: DH_KEY_TOO_SMALL]`; level 2, CPython's default, needs 2048
/// bits; even level 0 refuses less than 1024).
pub fn check_dh_params(path: &Path, security_level: u8) -> Result<()> {
    if path.is_dir() {
        return Err(SslError::os(
            "IsADirectoryError",
            Some(21),
            "[Errno 21] Is a directory",
        ));
    }
    let data = std::fs::read(path)?;
    let der = pem_dh_block(&data)?;
    let (p_bits, q_bits) = parse_dh_der(&der).ok_or_else(asn1_error)?;
    let mut bits = security_bits(p_bits);
    if let Some(q) = q_bits {
        bits = bits.min(q / 2);
    }
    let needed = match security_level {
        0 | 1 => 80,
        2 => 112,
        3 => 128,
        4 => 192,
        _ => 256,
    };
    if bits < needed {
        return Err(SslError::ssl(ErrorKind::Ssl, "SSL", "DH_KEY_TOO_SMALL"));
    }
    Ok(())
}

fn asn1_error() -> SslError {
    SslError::new(ErrorKind::Ssl, "ASN1 lib").with_library("PEM")
}

/// OpenSSL's `BN_security_bits` for a prime of `l` bits.
fn security_bits(l: u32) -> u32 {
    match l {
        15360.. => 256,
        7680.. => 192,
        3072.. => 128,
        2048.. => 112,
        1024.. => 80,
        _ => 0,
    }
}

/// Finds the first DH-parameters PEM block and decodes it.
fn pem_dh_block(data: &[u8]) -> Result<Vec<u8>> {
    use base64::Engine as _;
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let label = match line
            .trim_end()
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            Some(l @ ("DH PARAMETERS" | "X9.42 DH PARAMETERS")) => l.to_owned(),
            _ => continue,
        };
        let end = format!("-----END {label}-----");
        let mut b64 = String::new();
        let mut closed = false;
        for body in lines.by_ref() {
            let body = body.trim();
            if body == end {
                closed = true;
                break;
            }
            if body.contains(':') {
                continue; // RFC 1421 headers
            }
            b64.push_str(body);
        }
        if !closed {
            break;
        }
        if b64.is_empty() {
            return Err(SslError::new(ErrorKind::Ssl, "unknown error"));
        }
        return base64::engine::general_purpose::STANDARD
            .decode(b64.as_bytes())
            .map_err(|_| SslError::ssl(ErrorKind::Ssl, "PEM", "BAD_BASE64_DECODE"));
    }
    Err(SslError::ssl(ErrorKind::Ssl, "PEM", "NO_START_LINE"))
}

/// One DER TLV: (tag, contents, rest).
fn tlv(d: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, d) = d.split_first()?;
    let (&first, mut d) = d.split_first()?;
    let len = if first < 0x80 {
        first as usize
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || d.len() < n {
            return None;
        }
        let len = d[..n].iter().fold(0usize, |a, &b| (a << 8) | b as usize);
        d = &d[n..];
        len
    };
    if d.len() < len {
        return None;
    }
    Some((tag, &d[..len], &d[len..]))
}

/// Bit length of a positive DER INTEGER's contents.
fn int_bits(c: &[u8]) -> Option<u32> {
    if c.is_empty() || c[0] & 0x80 != 0 {
        return None;
    }
    let c = match c.iter().position(|&b| b != 0) {
        Some(i) => &c[i..],
        None => return None,
    };
    Some((c.len() as u32 - 1) * 8 + (8 - c[0].leading_zeros()))
}

/// PKCS#3 `DHParameter` (p, g, [len]) or X9.42 `DomainParameters` (p, g, q, …):
/// the bit lengths of p and, for X9.42, q.
fn parse_dh_der(der: &[u8]) -> Option<(u32, Option<u32>)> {
    let (tag, seq, _) = tlv(der)?;
    if tag != 0x30 {
        return None;
    }
    let (t, p, rest) = tlv(seq)?;
    let (t2, g, rest) = tlv(rest)?;
    if t != 0x02 || t2 != 0x02 {
        return None;
    }
    let p_bits = int_bits(p)?;
    int_bits(g)?;
    let q_bits = match tlv(rest) {
        Some((0x02, q, _)) if int_bits(q).is_some_and(|b| b > 64) => int_bits(q),
        _ => None,
    };
    Some((p_bits, q_bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves() {
        assert_eq!(
            ecdh_curve("secp384r1").unwrap().name(),
            rustls::NamedGroup::secp384r1
        );
        assert_eq!(
            ecdh_curve("X25519").unwrap().name(),
            rustls::NamedGroup::X25519
        );
        assert_eq!(
            ecdh_curve("X448").unwrap_err().kind(),
            ErrorKind::NotImplemented
        );
        let e = ecdh_curve("x25519").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Value);
        assert_eq!(e.to_string(), "unknown elliptic curve name 'x25519'");
        assert_eq!(
            ecdh_curve("it's").unwrap_err().to_string(),
            "unknown elliptic curve name \"it's\""
        );
        assert_eq!(
            ecdh_curve("a\0").unwrap_err().to_string(),
            "embedded null byte"
        );
    }

    #[test]
    fn der_lengths() {
        // p = 0x00 0x80 0x00 (16 bits), g = 2.
        let der = [0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x00, 0x02, 0x01, 0x02];
        assert_eq!(parse_dh_der(&der), Some((16, None)));
        assert_eq!(parse_dh_der(&der[..5]), None);
        assert_eq!(parse_dh_der(&[0x30, 0x03, 0x02, 0x01, 0x02]), None);
    }
}
