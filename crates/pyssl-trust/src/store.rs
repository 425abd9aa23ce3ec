//! [`TrustStore`]. (Skeleton: the trust issue fills this in; the signatures below are the
//! contract the core's verifier codes against.)

use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};

/// A CA store: every loaded certificate's DER, trust anchors, CRLs.
///
/// Loading takes `&mut self`; the verifier only needs `&self` (marking capath
/// certificates as used is interior mutability).
#[derive(Debug, Default)]
pub struct TrustStore {
    certs: Vec<CertificateDer<'static>>,
    crls: Vec<CertificateRevocationListDer<'static>>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every certificate the verifier may use as a trust anchor or chain element
    /// (cafile, cadata, defaults and capath certificates alike).
    pub fn certificates(&self) -> Vec<CertificateDer<'static>> {
        self.certs.clone()
    }

    /// Every loaded CRL.
    pub fn crls(&self) -> Vec<CertificateRevocationListDer<'static>> {
        self.crls.clone()
    }

    /// Records that a handshake used this certificate (capath certificates are only
    /// reported by `get_ca_certs`/`cert_store_stats` once used, as in CPython).
    pub fn mark_used(&self, der: &[u8]) {
        let _ = der;
    }

    /// Adds certificates directly (used by tests and the core until loaders exist).
    pub fn add_der(&mut self, der: CertificateDer<'static>) {
        self.certs.push(der);
    }
}
