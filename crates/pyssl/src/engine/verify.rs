//! The glue between the engine and the verifier: building rustls verifiers from a
//! context's settings and turning verifier failures back into `SslError`s.
//!
//! INTERIM: until `crate::verifier::PyVerifier` lands, this uses rustls' WebPKI
//! verifiers (and an accept-any verifier for `CERT_NONE`).

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::ClientCertVerifier;
use rustls::server::WebPkiClientVerifier;
use rustls::{DigitallySignedStruct, OtherError, RootCertStore, SignatureScheme};

use crate::context::Settings;
use crate::{Result, SslError, CERT_NONE, CERT_OPTIONAL};

/// A verifier's failure payload → `SslError` (None when it is not ours).
pub(crate) fn failure_to_error(other: &OtherError) -> Option<SslError> {
    let _ = other;
    None
}

fn roots(s: &Settings) -> RootCertStore {
    let mut roots = RootCertStore::empty();
    for c in s.store.certificates() {
        let _ = roots.add(c);
    }
    roots
}

/// The server-certificate verifier for a client config.
pub(crate) fn server_verifier(
    s: &Settings,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>> {
    if s.verify_mode == CERT_NONE {
        return Ok(Arc::new(AcceptAny(provider.clone())));
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots(s)), provider.clone())
        .build()
        .map(|v| v as Arc<dyn ServerCertVerifier>)
        .map_err(|_| SslError::cert_verification(20, "unable to get local issuer certificate"))
}

/// The client-certificate verifier for a server config (None: don't ask).
pub(crate) fn client_verifier(
    s: &Settings,
    provider: &Arc<CryptoProvider>,
) -> Result<Option<Arc<dyn ClientCertVerifier>>> {
    if s.verify_mode == CERT_NONE {
        return Ok(None);
    }
    let mut b = WebPkiClientVerifier::builder_with_provider(Arc::new(roots(s)), provider.clone());
    if s.verify_mode == CERT_OPTIONAL {
        b = b.allow_unauthenticated();
    }
    b.build()
        .map(Some)
        .map_err(|_| SslError::cert_verification(20, "unable to get local issuer certificate"))
}

/// `CERT_NONE` on a client: any chain, but handshake signatures are still checked.
#[derive(Debug)]
struct AcceptAny(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `getpeercert()` under `CERT_NONE`: an empty dict.
/// INTERIM: until `pyssl_cert::CertInfo::empty()` lands, the decoded certificate.
pub(crate) fn empty_cert_info(der: &[u8]) -> Result<pyssl_cert::CertInfo> {
    Ok(pyssl_cert::decode_cert(der)?)
}

/// The chain the verifier accepted (leaf … anchor).
/// INTERIM: the peer's chain as sent, until `crate::verifier::verified_chain` lands.
pub(crate) fn verified_chain(conn: &super::Connection) -> Vec<Vec<u8>> {
    if !conn.is_handshake_done() || conn.context().verify_mode() == CERT_NONE {
        return Vec::new();
    }
    conn.peer_certificates()
        .map(|c| c.iter().map(|d| d.as_ref().to_vec()).collect())
        .unwrap_or_default()
}
