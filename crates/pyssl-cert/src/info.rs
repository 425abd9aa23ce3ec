//! [`CertInfo`]: the typed `getpeercert()` dict. (Skeleton: the cert issue fills this in.)

use crate::{CertError, Result};

/// The decoded certificate, as CPython's `ssl._ssl._test_decode_cert` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct CertInfo {
    json: serde_json::Value,
}

impl CertInfo {
    /// The dict as JSON: tuples become arrays, bytes become `{"__bytes__": "<hex>"}`,
    /// keys in CPython's order.
    pub fn to_json(&self) -> serde_json::Value {
        self.json.clone()
    }
}

/// Decodes a certificate given as PEM text or DER bytes (detected).
pub fn decode_cert(input: &[u8]) -> Result<CertInfo> {
    let _ = input;
    Err(CertError::ssl("X509", None, "not implemented yet"))
}
