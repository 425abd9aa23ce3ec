//! The context's use of `pyssl-trust`: loading CA certificates, stats, listings.
//!
//! INTERIM: minimal loaders over the `TrustStore` skeleton until pyssl-trust's real
//! API lands (then these become thin calls).

use std::path::Path;

use pyssl_trust::TrustStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::{ErrorKind, Result, SslError};

/// `cadata=`: PEM text (`str`) or DER bytes (`bytes`), as CPython accepts it.
#[derive(Debug, Clone)]
pub enum CaData {
    /// PEM text with one or more certificates.
    Pem(String),
    /// One or more concatenated DER certificates.
    Der(Vec<u8>),
}

/// `cert_store_stats()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreStats {
    /// Number of certificates.
    pub x509: usize,
    /// Number of CRLs.
    pub crl: usize,
    /// Number of CA certificates.
    pub x509_ca: usize,
}

/// The store to load into: in place when no connection config shares it, else a copy
/// (connections made earlier keep the old store, as configs are per generation).
pub(crate) fn store_mut(store: &mut std::sync::Arc<TrustStore>) -> &mut TrustStore {
    if std::sync::Arc::get_mut(store).is_none() {
        let mut copy = TrustStore::new();
        for c in store.certificates() {
            copy.add_der(c);
        }
        *store = std::sync::Arc::new(copy);
    }
    std::sync::Arc::get_mut(store).expect("unique")
}

pub(crate) fn load_verify_locations(
    store: &mut TrustStore,
    cafile: Option<&Path>,
    capath: Option<&Path>,
    cadata: Option<CaData>,
) -> Result<()> {
    let _ = capath;
    if let Some(f) = cafile {
        let pem = std::fs::read(f)?;
        add_pem(store, &pem)?;
    }
    match cadata {
        Some(CaData::Pem(text)) => add_pem(store, text.as_bytes())?,
        Some(CaData::Der(der)) => store.add_der(CertificateDer::from(der)),
        None => {}
    }
    Ok(())
}

fn add_pem(store: &mut TrustStore, pem: &[u8]) -> Result<()> {
    let mut n = 0;
    for c in CertificateDer::pem_slice_iter(pem) {
        let c = c.map_err(|_| SslError::ssl(ErrorKind::Ssl, "X509", "PEM_LIB"))?;
        store.add_der(c);
        n += 1;
    }
    if n == 0 {
        return Err(SslError::ssl(
            ErrorKind::Ssl,
            "X509",
            "NO_CERTIFICATE_OR_CRL_FOUND",
        ));
    }
    Ok(())
}

pub(crate) fn load_default(store: &mut TrustStore) -> Result<()> {
    let _ = store;
    Ok(())
}

pub(crate) fn stats(store: &TrustStore) -> StoreStats {
    let n = store.certificates().len();
    StoreStats {
        x509: n,
        crl: store.crls().len(),
        x509_ca: n,
    }
}

pub(crate) fn ca_certs_der(store: &TrustStore) -> Vec<Vec<u8>> {
    store
        .certificates()
        .into_iter()
        .map(|c| c.as_ref().to_vec())
        .collect()
}
