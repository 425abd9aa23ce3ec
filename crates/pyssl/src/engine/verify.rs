//! The glue between the engine and [`crate::verifier`]: building the verifier for a
//! context's settings and turning verifier failures back into `SslError`s.

use std::sync::Arc;

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::server::danger::ClientCertVerifier;

use crate::context::Settings;
use crate::verifier::{PyVerifier, VerifyFailure, VerifyPolicy};
use crate::{Purpose, SslError, CERT_NONE};

/// A rustls certificate error → `SSLCertVerificationError` (None when not one).
pub(crate) fn failure_to_error(err: &rustls::Error) -> Option<SslError> {
    VerifyFailure::from_rustls(err).map(|f| f.to_ssl_error())
}

/// The policy of `s` for one side. `hostname` false: no name to check (a client
/// without `server_hostname`, where CPython checks no name).
pub(crate) fn policy(s: &Settings, server_side: bool, hostname: bool) -> VerifyPolicy {
    VerifyPolicy {
        verify_mode: s.verify_mode,
        check_hostname: s.check_hostname && hostname && !server_side,
        hostname_checks_common_name: s.hostname_checks_common_name,
        verify_flags: s.verify_flags,
        purpose: if server_side {
            Purpose::ClientAuth
        } else {
            Purpose::ServerAuth
        },
    }
}

/// The server-certificate verifier for a client config.
pub(crate) fn server_verifier(
    s: &Settings,
    provider: &Arc<CryptoProvider>,
    sni: bool,
) -> Arc<dyn ServerCertVerifier> {
    PyVerifier::new(policy(s, false, sni), s.store.clone(), provider.clone())
}

/// The client-certificate verifier for a server config (None: `CERT_NONE`, don't ask).
pub(crate) fn client_verifier(
    s: &Settings,
    provider: &Arc<CryptoProvider>,
) -> Option<Arc<dyn ClientCertVerifier>> {
    if s.verify_mode == CERT_NONE {
        return None;
    }
    Some(PyVerifier::new(
        policy(s, true, false),
        s.store.clone(),
        provider.clone(),
    ))
}

/// The chain the verifier accepts (leaf … anchor), recomputed; when it does not verify
/// (possible under `CERT_NONE`), the chain OpenSSL's chain building got as far as.
pub(crate) fn verified_chain(conn: &super::Connection) -> Vec<Vec<u8>> {
    if !conn.is_handshake_done() {
        return Vec::new();
    }
    let Some(chain) = conn.peer_certificates() else {
        return Vec::new();
    };
    // Under CERT_NONE too: OpenSSL still builds (and CPython returns) the chain.
    let s = conn.context().settings();
    let hostname = conn.server_hostname();
    let policy = policy(&s, conn.server_side(), hostname.is_some());
    crate::verifier::verified_chain(&policy, &s.store, chain, hostname)
        .into_iter()
        .map(|c| c.as_ref().to_vec())
        .collect()
}
