//! The one verifier that owns Python's certificate verification rules.
//!
//! [`PyVerifier`] implements both rustls verifier traits:
//! - as a client (`ServerCertVerifier`): `CERT_NONE` accepts any chain but still checks the
//!   handshake signatures; `CERT_OPTIONAL`/`CERT_REQUIRED` verify the chain, and the name only
//!   when `check_hostname` is on (Python's matching rules, see [`hostname`]);
//! - as a server (`ClientCertVerifier`): `CERT_NONE` requests no certificate,
//!   `CERT_OPTIONAL` requests one but accepts none, `CERT_REQUIRED` demands one.
//!
//! Chains are verified with rustls-webpki against a [`pyssl_trust::TrustStore`] and failures
//! carry OpenSSL 3.0's verify code and message ([`VerifyFailure`]). An empty store is not an
//! error up front (rustls' own verifier refuses to be built without roots): it fails each
//! handshake with code 20, as OpenSSL does.
//!
//! ## How a failure reaches the engine
//! rustls picks the TLS alert from the `CertificateError` variant, and only the standard
//! variants carry the alerts OpenSSL sends (`unknown_ca`, `certificate_expired`,
//! `certificate_revoked`, `unsupported_certificate`, `bad_certificate`…); `Other` always
//! sends `certificate_unknown`. So the verifier returns the standard variant and records the
//! full [`VerifyFailure`] in a per-thread slot (rustls calls the verifier synchronously from
//! `process_new_packets` on the calling thread); [`VerifyFailure::from_rustls`] recovers it
//! (it also accepts `CertificateError::Other(OtherError(Arc<VerifyFailure>))`, which is how
//! codes without an OpenSSL-specific alert travel: rustls then sends `certificate_unknown`,
//! as OpenSSL does for them).
//!
//! ## OpenSSL's rules reproduced
//! Codes and messages are OpenSSL 3.0's, in the order of its `verify_chain()`: chain
//! building (18 self-signed leaf, 19 self-signed certificate in the chain, 2 issuer of a
//! store certificate missing, 20), CA-ness and purpose (79, 26), the
//! `VERIFY_X509_STRICT` checks (78, 80–93), host/IP (62/64 with CPython's messages),
//! revocation (3, 23, 12, 8), then validity times from the anchor down (9, 10). Trust:
//! self-signed store certificates only, any store certificate with
//! `VERIFY_X509_PARTIAL_CHAIN`; other store certificates serve as intermediates. A trusted
//! leaf is a complete chain. The `tests/tests/verify_matrix.rs` matrix checks all of this
//! against python3 handshakes.
//!
//! ## The leaf, per handshake
//! webpki parses and checks the chain; the facts OpenSSL's checks and the name match read
//! from the peer's leaf come from `leaf.rs`, a small strict DER reader (no allocation beyond
//! the names kept, bounds-checked). Certificates outside its plain v3 shape go to
//! x509-parser, which also reads store certificates and CRLs once per context.
//!
//! ## Known differences (rustls-webpki limits)
//! - A CA certificate (`cA=TRUE`) as the leaf, which webpki refuses as an end entity, is
//!   verified along the chain built by name (signatures checked with ring through webpki),
//!   with the same OpenSSL checks; its CRL lookup is by issuer name only.
//! - X.509 v1 certificates other than trust anchors cannot be parsed by webpki: the
//!   handshake fails with a `bad_certificate` error instead of a verify code.
//! - A bad signature is reported (7) as soon as path building meets it, where OpenSSL
//!   would report earlier-ordered problems (hostname, revocation) first.
//! - CRLs are matched to certificates by issuer name (no indirect CRLs, no delta CRLs); the
//!   trust anchor's own entry (checked with `VERIFY_CRL_CHECK_CHAIN`, as OpenSSL does) is
//!   looked up in the CRLs named after its issuer without a second signature check.

mod codes;
pub(crate) mod hostname;
mod leaf;
mod path;

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};

use crate::constants::{Purpose, VerifyFlags, VerifyMode};
use crate::error::SslError;

use path::{Rejection, Request, StoreIndex};

/// The verification settings of one context, as CPython holds them.
///
/// Public so that raw rustls users (and tests) can plug Python's rules into their own
/// configs with [`PyVerifier`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyPolicy {
    /// `SSLContext.verify_mode`.
    pub verify_mode: VerifyMode,
    /// `SSLContext.check_hostname`.
    pub check_hostname: bool,
    /// `SSLContext.hostname_checks_common_name`.
    pub hostname_checks_common_name: bool,
    /// `SSLContext.verify_flags`.
    pub verify_flags: VerifyFlags,
    /// What the peer's certificate must be good for: `ServerAuth` on clients,
    /// `ClientAuth` on servers (OpenSSL's "ssl_server"/"ssl_client" purposes).
    pub purpose: Purpose,
}

/// A certificate verification failure with OpenSSL's verify code and CPython's message.
///
/// ```
/// use pyssl::VerifyFailure;
/// let f = VerifyFailure { code: 20, message: "unable to get local issuer certificate".into() };
/// let e = f.to_ssl_error();
/// assert_eq!(e.verify_code(), Some(20));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyFailure {
    /// OpenSSL's `X509_V_ERR_*` value (CPython's `verify_code`).
    pub code: i64,
    /// CPython's `verify_message`.
    pub message: String,
}

impl VerifyFailure {
    pub(crate) fn new(code: i64, message: impl Into<String>) -> Self {
        VerifyFailure {
            code,
            message: message.into(),
        }
    }

    /// A failure with OpenSSL's standard text for `code`.
    pub(crate) fn from_code(code: i64) -> Self {
        VerifyFailure::new(code, codes::message(code))
    }

    /// The `SSLCertVerificationError` CPython raises for this failure.
    pub fn to_ssl_error(&self) -> SslError {
        SslError::cert_verification(self.code, self.message.clone())
    }

    /// The rustls error that makes rustls send the alert OpenSSL sends for this code.
    pub(crate) fn certificate_error(&self) -> CertificateError {
        codes::rustls_error(self.code)
    }

    /// Recovers the failure behind a rustls error returned by a handshake: the failure the
    /// verifier recorded on this thread for that error, a `CertificateError::Other` carrying a
    /// `VerifyFailure`, or a best-effort mapping of a plain certificate error.
    /// `None` when `err` is not a certificate verification error.
    pub fn from_rustls(err: &rustls::Error) -> Option<VerifyFailure> {
        let rustls::Error::InvalidCertificate(ce) = err else {
            return None;
        };
        if let CertificateError::Other(other) = ce {
            return other.0.downcast_ref::<VerifyFailure>().cloned();
        }
        let recorded = LAST_FAILURE.with(|slot| slot.borrow_mut().take());
        if let Some((recorded_err, failure)) = recorded {
            if &recorded_err == ce {
                return Some(failure);
            }
        }
        codes::from_rustls(ce).map(VerifyFailure::from_code)
    }
}

impl fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "certificate verify failed: {}", self.message)
    }
}

impl std::error::Error for VerifyFailure {}

thread_local! {
    static LAST_FAILURE: RefCell<Option<(CertificateError, VerifyFailure)>> =
        const { RefCell::new(None) };
    static SERVER_HOSTNAME: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records `failure` for [`VerifyFailure::from_rustls`] and builds the error for rustls.
fn reject(failure: VerifyFailure) -> rustls::Error {
    let ce = failure.certificate_error();
    LAST_FAILURE.with(|slot| *slot.borrow_mut() = Some((ce.clone(), failure)));
    rustls::Error::InvalidCertificate(ce)
}

fn clear_failure() {
    LAST_FAILURE.with(|slot| *slot.borrow_mut() = None);
}

/// Python's verifier: one per context configuration (policy + trust store snapshot).
///
/// Usable directly in rustls configs:
/// ```
/// use std::sync::Arc;
/// use pyssl::{PyVerifier, VerifyPolicy, Purpose, CERT_REQUIRED, VERIFY_DEFAULT};
/// let policy = VerifyPolicy {
///     verify_mode: CERT_REQUIRED,
///     check_hostname: true,
///     hostname_checks_common_name: true,
///     verify_flags: VERIFY_DEFAULT,
///     purpose: Purpose::ServerAuth,
/// };
/// let provider = Arc::new(rustls::crypto::ring::default_provider());
/// let verifier = PyVerifier::new(policy, Arc::new(pyssl::trust::TrustStore::new()), provider.clone());
/// let config = rustls::ClientConfig::builder_with_provider(provider)
///     .with_safe_default_protocol_versions()
///     .unwrap()
///     .dangerous()
///     .with_custom_certificate_verifier(verifier)
///     .with_no_client_auth();
/// # let _ = config;
/// ```
pub struct PyVerifier {
    policy: VerifyPolicy,
    store: Arc<pyssl_trust::TrustStore>,
    index: StoreIndex,
    provider: Arc<CryptoProvider>,
}

impl fmt::Debug for PyVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PyVerifier")
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl PyVerifier {
    /// A verifier for `policy` over `store`, checking signatures with `provider`'s algorithms.
    pub fn new(
        policy: VerifyPolicy,
        store: Arc<pyssl_trust::TrustStore>,
        provider: Arc<CryptoProvider>,
    ) -> Arc<PyVerifier> {
        let index = StoreIndex::new(&store, path::partial_chain(&policy));
        Arc::new(PyVerifier {
            policy,
            store,
            index,
            provider,
        })
    }

    /// The policy this verifier enforces.
    pub fn policy(&self) -> &VerifyPolicy {
        &self.policy
    }

    /// Runs `f` — code that drives a rustls client connection on this thread, e.g.
    /// `process_new_packets` — telling the verifier the exact `server_hostname` the user
    /// gave. rustls normalises its `ServerName` (drops a trailing dot, canonicalises IP
    /// addresses), but CPython checks and reports the name as given: `'localhost.'` does
    /// not match a certificate for `localhost`.
    pub fn with_server_hostname<R>(server_hostname: Option<&str>, f: impl FnOnce() -> R) -> R {
        let previous = SERVER_HOSTNAME.with(|h| h.replace(server_hostname.map(str::to_owned)));
        let out = f();
        SERVER_HOSTNAME.with(|h| *h.borrow_mut() = previous);
        out
    }

    /// Verifies a chain; on success marks the store certificates the path used.
    fn check_chain(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
        hostname: Option<&str>,
    ) -> Result<(), rustls::Error> {
        clear_failure();
        let req = Request {
            policy: &self.policy,
            algs: self.provider.signature_verification_algorithms.all,
            end_entity,
            intermediates,
            now,
            hostname,
        };
        match path::verify(&self.index, &req) {
            Ok(verified) => {
                mark_used(&self.store, &verified.store_used);
                Ok(())
            }
            Err(Rejection::Verify(f)) => Err(reject(f)),
            Err(Rejection::BadEncoding) => Err(rustls::Error::InvalidCertificate(
                CertificateError::BadEncoding,
            )),
        }
    }
}

/// Reports the store certificates a verified path used, as OpenSSL's lookups during chain
/// building load them (hashed-directory certificates become visible to `get_ca_certs`):
/// one lookup per issuer, in path order, then the anchor's own issuer lookup, which
/// re-sorts OpenSSL's object list once more.
fn mark_used(store: &pyssl_trust::TrustStore, used: &[&[u8]]) {
    for der in used {
        store.mark_used(der);
    }
    if let Some(last) = used.last() {
        store.mark_used(last);
    }
}

/// The name CPython would check: the `server_hostname` text rustls was given.
fn server_name_text(name: &ServerName<'_>) -> Option<String> {
    match name {
        ServerName::DnsName(d) => Some(d.as_ref().to_owned()),
        ServerName::IpAddress(ip) => Some(std::net::IpAddr::from(*ip).to_string()),
        _ => None,
    }
}

/// Handshake signatures (the same for both directions): the provider's algorithms.
impl PyVerifier {
    fn signature(
        &self,
        check: SignatureCheck,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        check(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `rustls::crypto::verify_tls12_signature` or `verify_tls13_signature`.
type SignatureCheck = fn(
    &[u8],
    &CertificateDer<'_>,
    &DigitallySignedStruct,
    &rustls::crypto::WebPkiSupportedAlgorithms,
) -> Result<HandshakeSignatureValid, rustls::Error>;

impl ServerCertVerifier for PyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self.policy.verify_mode == VerifyMode::CertNone {
            clear_failure();
            return Ok(ServerCertVerified::assertion());
        }
        let name = if self.policy.check_hostname {
            SERVER_HOSTNAME
                .with(|h| h.borrow().clone())
                .or_else(|| server_name_text(server_name))
        } else {
            None
        };
        self.check_chain(end_entity, intermediates, now, name.as_deref())?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(rustls::crypto::verify_tls12_signature, message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(rustls::crypto::verify_tls13_signature, message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.supported_schemes()
    }
}

impl ClientCertVerifier for PyVerifier {
    fn offer_client_auth(&self) -> bool {
        self.policy.verify_mode != VerifyMode::CertNone
    }

    fn client_auth_mandatory(&self) -> bool {
        self.policy.verify_mode == VerifyMode::CertRequired
    }

    /// CPython never calls `SSL_CTX_set_client_CA_list`, so OpenSSL servers send an empty
    /// certificate_authorities list; so do we.
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.check_chain(end_entity, intermediates, now, None)?;
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(rustls::crypto::verify_tls12_signature, message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.signature(rustls::crypto::verify_tls13_signature, message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.supported_schemes()
    }
}

/// Recomputes the verified chain (leaf first … anchor last) for `get_verified_chain()`
/// (the name is checked only when `policy.check_hostname` and `server_name` is given).
///
/// When the chain does not verify — which a handshake only survives under `CERT_NONE` —
/// this is the chain OpenSSL's chain building got as far as, which is what CPython
/// returns then: issuers by name, trust store first, up to a self-signed certificate
/// (or the first trusted one with `VERIFY_X509_PARTIAL_CHAIN`).
pub(crate) fn verified_chain(
    policy: &VerifyPolicy,
    store: &pyssl_trust::TrustStore,
    chain: &[CertificateDer<'_>],
    server_name: Option<&str>,
) -> Vec<CertificateDer<'static>> {
    let Some((end_entity, intermediates)) = chain.split_first() else {
        return Vec::new();
    };
    let index = StoreIndex::new(store, path::partial_chain(policy));
    let provider = rustls::crypto::ring::default_provider();
    let req = Request {
        policy,
        algs: provider.signature_verification_algorithms.all,
        end_entity,
        intermediates,
        now: UnixTime::now(),
        hostname: if policy.check_hostname {
            server_name
        } else {
            None
        },
    };
    match path::verify(&index, &req) {
        Ok(v) => v
            .chain
            .into_iter()
            .map(CertificateDer::into_owned)
            .collect(),
        Err(_) => path::built_chain(&index, end_entity, intermediates),
    }
}

/// Hostname/IP matching with Python's rules (SAN DNS/IP; CN only if
/// `checks_common_name` and no DNS SAN); the error is CPython's code 62/64 failure.
#[allow(dead_code)] // part of the engine contract
pub(crate) fn match_hostname(
    cert_der: &[u8],
    hostname: &str,
    checks_common_name: bool,
) -> Result<(), VerifyFailure> {
    hostname::match_hostname(cert_der, hostname, checks_common_name)
}

/// Options of [`verify_chain`] (what `openssl verify` takes as flags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOptions {
    /// The EKU the leaf (and its issuers) must allow.
    pub purpose: Purpose,
    /// `VERIFY_*` flags (CRL checks, partial chains).
    pub verify_flags: VerifyFlags,
    /// A host name or IP address to match (None: no name check).
    pub hostname: Option<String>,
    /// Whether the subject CN is consulted when no DNS SAN exists (CPython's default: true).
    pub hostname_checks_common_name: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            purpose: Purpose::ServerAuth,
            verify_flags: VerifyFlags::default(),
            hostname: None,
            hostname_checks_common_name: true,
        }
    }
}

/// Verifies `chain` (leaf first) against `store` outside any handshake, as `openssl verify`
/// does, with CPython's rules: returns the verified chain (leaf … anchor) or the failure
/// (OpenSSL verify code and CPython's message).
///
/// ```
/// use pyssl::{verify_chain, VerifyOptions};
/// let store = pyssl::trust::TrustStore::new();
/// let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap().cert;
/// let err = verify_chain(&store, &[cert.der().clone()], &VerifyOptions::default()).unwrap_err();
/// assert_eq!((err.code, err.message.as_str()), (18, "self-signed certificate"));
/// ```
pub fn verify_chain(
    store: &pyssl_trust::TrustStore,
    chain: &[CertificateDer<'_>],
    options: &VerifyOptions,
) -> std::result::Result<Vec<CertificateDer<'static>>, VerifyFailure> {
    let policy = VerifyPolicy {
        verify_mode: VerifyMode::CertRequired,
        check_hostname: options.hostname.is_some(),
        hostname_checks_common_name: options.hostname_checks_common_name,
        verify_flags: options.verify_flags,
        purpose: options.purpose,
    };
    let hostname = options.hostname.as_deref();
    let Some((end_entity, intermediates)) = chain.split_first() else {
        return Err(VerifyFailure::from_code(
            codes::UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        ));
    };
    let index = StoreIndex::new(store, path::partial_chain(&policy));
    let provider = rustls::crypto::ring::default_provider();
    let req = Request {
        policy: &policy,
        algs: provider.signature_verification_algorithms.all,
        end_entity,
        intermediates,
        now: UnixTime::now(),
        hostname,
    };
    match path::verify(&index, &req) {
        Ok(v) => {
            mark_used(store, &v.store_used);
            Ok(v.chain
                .into_iter()
                .map(CertificateDer::into_owned)
                .collect())
        }
        Err(Rejection::Verify(f)) => Err(f),
        Err(Rejection::BadEncoding) => Err(VerifyFailure::new(
            codes::CERT_SIGNATURE_FAILURE,
            "unable to decode certificate",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::AlertDescription as A;

    #[test]
    fn alerts_follow_openssl_x509err2alert() {
        let alert = |code| A::from(VerifyFailure::from_code(code).certificate_error());
        assert_eq!(
            alert(codes::UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
            A::UnknownCA
        );
        assert_eq!(alert(codes::DEPTH_ZERO_SELF_SIGNED_CERT), A::UnknownCA);
        assert_eq!(alert(codes::UNABLE_TO_GET_CRL), A::UnknownCA);
        assert_eq!(alert(codes::CERT_HAS_EXPIRED), A::CertificateExpired);
        assert_eq!(alert(codes::CERT_NOT_YET_VALID), A::BadCertificate);
        assert_eq!(alert(codes::CERT_REVOKED), A::CertificateRevoked);
        assert_eq!(alert(codes::INVALID_PURPOSE), A::UnsupportedCertificate);
        assert_eq!(alert(codes::HOSTNAME_MISMATCH), A::BadCertificate);
        assert_eq!(alert(codes::IP_ADDRESS_MISMATCH), A::BadCertificate);
        assert_eq!(
            alert(codes::MISSING_AUTHORITY_KEY_IDENTIFIER),
            A::CertificateUnknown
        );
    }

    #[test]
    fn recorded_failure_is_recovered_once() {
        let f = VerifyFailure::new(
            codes::HOSTNAME_MISMATCH,
            "Hostname mismatch, certificate is not valid for 'x'.",
        );
        let err = reject(f.clone());
        assert_eq!(VerifyFailure::from_rustls(&err), Some(f));
        // Taken: a second look falls back to the plain mapping of the variant.
        assert_eq!(
            VerifyFailure::from_rustls(&err).map(|f| f.code),
            Some(codes::HOSTNAME_MISMATCH)
        );
        // A different error does not pick up a stale record.
        let _ = reject(VerifyFailure::from_code(codes::CERT_REVOKED));
        let other = rustls::Error::InvalidCertificate(CertificateError::Expired);
        assert_eq!(
            VerifyFailure::from_rustls(&other),
            Some(VerifyFailure::from_code(codes::CERT_HAS_EXPIRED))
        );
        // Other(VerifyFailure) is unpacked; non-certificate errors are not failures.
        let strict = reject(VerifyFailure::from_code(codes::CA_BCONS_NOT_CRITICAL));
        clear_failure();
        assert_eq!(
            VerifyFailure::from_rustls(&strict).map(|f| f.code),
            Some(codes::CA_BCONS_NOT_CRITICAL)
        );
        assert_eq!(
            VerifyFailure::from_rustls(&rustls::Error::DecryptError),
            None
        );
    }

    #[test]
    fn to_ssl_error_is_cpythons_exception() {
        let e = VerifyFailure::from_code(codes::SELF_SIGNED_CERT_IN_CHAIN).to_ssl_error();
        assert_eq!(e.python_class(), "SSLCertVerificationError");
        assert_eq!(e.verify_code(), Some(19));
        assert_eq!(
            e.verify_message(),
            Some("self-signed certificate in certificate chain")
        );
    }
}

#[cfg(test)]
mod hostile {
    use super::*;

    /// Garbage, truncated and bit-flipped certificates give a failure, never a panic.
    #[test]
    fn bad_certificates_never_panic() {
        let ca = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
        let good = ca.cert.der().to_vec();
        let mut store = pyssl_trust::TrustStore::new();
        store.add_der(CertificateDer::from(good.clone()));
        let mut inputs: Vec<Vec<u8>> = vec![vec![], vec![0x30], vec![0x30, 0x82, 0xff, 0xff]];
        inputs.extend((0..good.len()).step_by(37).map(|n| good[..n].to_vec()));
        let mut x: u32 = 0x9e37_79b9;
        for _ in 0..200 {
            let mut v = good.clone();
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let i = x as usize % v.len();
            v[i] ^= 1 << (x % 8);
            inputs.push(v);
        }
        let opts = VerifyOptions {
            hostname: Some("localhost".into()),
            verify_flags: crate::VERIFY_CRL_CHECK_CHAIN | crate::VERIFY_X509_STRICT,
            ..VerifyOptions::default()
        };
        for input in inputs {
            let der = CertificateDer::from(input);
            let chain = [der.clone(), der.clone()];
            let _ = verify_chain(&store, &chain, &opts);
            let policy = VerifyPolicy {
                verify_mode: VerifyMode::CertNone,
                check_hostname: false,
                hostname_checks_common_name: true,
                verify_flags: VerifyFlags::default(),
                purpose: Purpose::ServerAuth,
            };
            let _ = verified_chain(&policy, &store, &chain, None);
            let _ = match_hostname(der.as_ref(), "localhost", true);
        }
    }
}
