//! # pyssl-cert
//!
//! Certificates the way CPython's `ssl` module shows them: the `getpeercert()` /
//! `get_ca_certs()` dictionaries (value for value, key for key), PEM <-> DER helpers,
//! `cert_time_to_seconds`, and OpenSSL's OID long names.
//!
//! This crate has no TLS state and does no I/O beyond reading files the caller names.
//!
//! ```
//! let pem = pyssl_cert::pem::der_cert_to_pem_cert(b"\x30\x00");
//! assert!(pyssl_cert::decode_cert(pem.as_bytes()).is_err());
//! ```
//!
//! The rules (measured on CPython 3.11–3.13 with OpenSSL 3.0) are in
//! `getpeercert-rules.md`; in short: OpenSSL decides what parses, OpenSSL prints
//! serials, dates and othernames, and CPython assembles the dict.
//!
//! What parses is decided by a small BER/DER reader (`der`) that follows OpenSSL's
//! `d2i` templates (lenient lengths, `ANY` checks, primitive `SEQUENCE OF`, BER
//! constructed strings, UTF-8 canonicalisation of names) instead of x509-parser: on
//! 3000 randomly mutated certificates x509-parser's accept/reject decision differed
//! from CPython's on 422, this crate's on none (see `tests/decode_differential.rs`).
#![forbid(unsafe_code)]

pub mod asn1_time;
mod cert;
mod cert_time;
mod der;
mod error;
mod general_name;
mod info;
mod name;
pub mod oid;
mod oid_names;
pub mod pem;
pub mod pybase64;
mod pyrepr;

pub use cert::{decode_cert, decode_cert_der, der_cert_slice, looks_like_pem};
pub use cert_time::cert_time_to_seconds;
pub use error::CertError;
pub use general_name::SanValue;
pub use info::{CertDict, CertInfo};
pub use name::{Name, NameValue, Rdn};
pub use pem::{der_cert_to_pem_cert, pem_cert_to_der_cert, read_pem_bundle, PemItem};
pub use pyrepr::repr_str as python_repr_str;

/// Result type of this crate.
pub type Result<T, E = CertError> = std::result::Result<T, E>;

/// Reads a file the caller names and decodes its first certificate (PEM or DER).
///
/// A missing file gives a `FileNotFoundError`-class [`CertError`].
pub fn decode_cert_file(path: &std::path::Path) -> Result<CertInfo> {
    let data = std::fs::read(path).map_err(|e| CertError::io(&e))?;
    decode_cert(&data)
}
