//! # pyssl-cert
//!
//! Certificates the way CPython's `ssl` module shows them: the `getpeercert()` /
//! `get_ca_certs()` dictionaries (value for value, key for key), PEM <-> DER helpers,
//! `cert_time_to_seconds`, and OpenSSL's OID long names.
//!
//! This crate has no TLS state and does no I/O beyond reading files the caller names.
#![forbid(unsafe_code)]

mod error;

pub use error::CertError;

/// Result type of this crate.
pub type Result<T, E = CertError> = std::result::Result<T, E>;

mod info;
pub use info::{decode_cert, CertInfo};
