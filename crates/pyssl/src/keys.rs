//! Certificate chains and private keys for `SslContext.load_cert_chain`: PEM parsing,
//! key formats (PKCS#8, PKCS#1, SEC1, encrypted PKCS#8, legacy encrypted PEM), password
//! handling and the key/certificate consistency checks OpenSSL performs.

use std::path::Path;
use std::sync::Arc;

use rustls::sign::CertifiedKey;
use rustls::SignatureAlgorithm;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::{ErrorKind, Result, SslError};

/// The `password` argument of `load_cert_chain`: bytes/str, or a callable returning them.
pub enum Password {
    /// A fixed password (`str` or `bytes` in Python).
    Bytes(Vec<u8>),
    /// A callback, called only when the key is encrypted. An `Err` propagates as is.
    Callback(Box<dyn Fn() -> Result<Vec<u8>> + Send + Sync>),
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Password::Bytes(_) => f.write_str("Password::Bytes(..)"),
            Password::Callback(_) => f.write_str("Password::Callback(..)"),
        }
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password::Bytes(s.as_bytes().to_vec())
    }
}

impl From<&[u8]> for Password {
    fn from(s: &[u8]) -> Self {
        Password::Bytes(s.to_vec())
    }
}

impl Password {
    /// The password bytes (calling the callback), with CPython's 1024-byte limit.
    pub(crate) fn resolve(&self) -> Result<Vec<u8>> {
        let pw = match self {
            Password::Bytes(b) => b.clone(),
            Password::Callback(f) => f()?,
        };
        if pw.len() > 1024 {
            return Err(SslError::value("password cannot be longer than 1024 bytes"));
        }
        Ok(pw)
    }
}

/// A loaded certificate chain with its private key.
#[derive(Debug)]
pub(crate) struct KeyPair {
    pub(crate) certified: Arc<CertifiedKey>,
}

impl KeyPair {
    /// The key's algorithm (OpenSSL keeps one pair per algorithm).
    pub(crate) fn algorithm(&self) -> SignatureAlgorithm {
        self.certified.key.algorithm()
    }
}

/// OpenSSL's `[SSL] PEM lib` error (what CPython reports for unreadable keys/certs and
/// wrong passwords).
pub(crate) fn pem_lib() -> SslError {
    SslError::new(ErrorKind::Ssl, "PEM lib")
        .with_library("SSL")
        .with_errno(524297)
}

/// Loads `certfile` (+ `keyfile`, default: the key inside `certfile`).
pub(crate) fn load_pair(
    certfile: &Path,
    keyfile: Option<&Path>,
    password: Option<Password>,
) -> Result<KeyPair> {
    let cert_pem = std::fs::read(certfile)?;
    let key_pem = match keyfile {
        Some(k) => std::fs::read(k)?,
        None => cert_pem.clone(),
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| pem_lib())?;
    if chain.is_empty() {
        return Err(pem_lib());
    }
    let key = crate::keys::decode::private_key(&key_pem, password.as_ref())?;
    pair_from_der(chain, key)
}

/// Builds a pair from DER, with OpenSSL's consistency errors.
pub(crate) fn pair_from_der(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<KeyPair> {
    let provider = crate::engine::config::provider_base();
    let signing = provider
        .key_provider
        .load_private_key(key)
        .map_err(|_| pem_lib())?;
    let cert_alg = cert_key_algorithm(&chain[0]);
    if cert_alg != Some(signing.algorithm()) {
        return Err(
            SslError::ssl(ErrorKind::Ssl, "SSL", "NO_CERTIFICATE_ASSIGNED").with_errno(177),
        );
    }
    let certified = CertifiedKey::new(chain, signing);
    match certified.keys_match() {
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {}
        Err(_) => {
            return Err(SslError::ssl(ErrorKind::Ssl, "X509", "KEY_VALUES_MISMATCH").with_errno(116))
        }
    }
    Ok(KeyPair {
        certified: Arc::new(certified),
    })
}

/// The public key algorithm of a certificate.
fn cert_key_algorithm(cert: &CertificateDer<'_>) -> Option<SignatureAlgorithm> {
    let (_, parsed) = x509_parser::parse_x509_certificate(cert.as_ref()).ok()?;
    let oid = parsed.public_key().algorithm.algorithm.to_id_string();
    match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => Some(SignatureAlgorithm::RSA),
        "1.2.840.10045.2.1" => Some(SignatureAlgorithm::ECDSA),
        "1.3.101.112" => Some(SignatureAlgorithm::ED25519),
        "1.3.101.113" => Some(SignatureAlgorithm::ED448),
        _ => None,
    }
}

mod decode;
