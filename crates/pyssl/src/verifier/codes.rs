//! OpenSSL 3.0 `X509_V_ERR_*` codes the verifier reports, their `X509_verify_cert_error_string`
//! texts, and the TLS alert OpenSSL sends for each (`ssl_x509err2alert`), expressed as the
//! rustls `CertificateError` variant that makes rustls send that alert.

use rustls::CertificateError;

/// `X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT`.
pub(crate) const UNABLE_TO_GET_ISSUER_CERT: i64 = 2;
/// `X509_V_ERR_UNABLE_TO_GET_CRL`.
pub(crate) const UNABLE_TO_GET_CRL: i64 = 3;
/// `X509_V_ERR_CERT_SIGNATURE_FAILURE`.
pub(crate) const CERT_SIGNATURE_FAILURE: i64 = 7;
/// `X509_V_ERR_CRL_SIGNATURE_FAILURE`.
pub(crate) const CRL_SIGNATURE_FAILURE: i64 = 8;
/// `X509_V_ERR_CERT_NOT_YET_VALID`.
pub(crate) const CERT_NOT_YET_VALID: i64 = 9;
/// `X509_V_ERR_CERT_HAS_EXPIRED`.
pub(crate) const CERT_HAS_EXPIRED: i64 = 10;
/// `X509_V_ERR_CRL_HAS_EXPIRED`.
pub(crate) const CRL_HAS_EXPIRED: i64 = 12;
/// `X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT`.
pub(crate) const DEPTH_ZERO_SELF_SIGNED_CERT: i64 = 18;
/// `X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN`.
pub(crate) const SELF_SIGNED_CERT_IN_CHAIN: i64 = 19;
/// `X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY`.
pub(crate) const UNABLE_TO_GET_ISSUER_CERT_LOCALLY: i64 = 20;
/// `X509_V_ERR_CERT_REVOKED`.
pub(crate) const CERT_REVOKED: i64 = 23;
/// `X509_V_ERR_INVALID_CA`.
pub(crate) const INVALID_CA: i64 = 24;
/// `X509_V_ERR_PATH_LENGTH_EXCEEDED`.
pub(crate) const PATH_LENGTH_EXCEEDED: i64 = 25;
/// `X509_V_ERR_INVALID_PURPOSE`.
pub(crate) const INVALID_PURPOSE: i64 = 26;
/// `X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION`.
pub(crate) const UNHANDLED_CRITICAL_EXTENSION: i64 = 34;
/// `X509_V_ERR_PERMITTED_VIOLATION`.
pub(crate) const PERMITTED_VIOLATION: i64 = 47;
/// `X509_V_ERR_HOSTNAME_MISMATCH`.
pub(crate) const HOSTNAME_MISMATCH: i64 = 62;
/// `X509_V_ERR_IP_ADDRESS_MISMATCH`.
pub(crate) const IP_ADDRESS_MISMATCH: i64 = 64;

/// `X509_verify_cert_error_string(code)` for the codes above (OpenSSL 3.0 texts).
pub(crate) fn message(code: i64) -> &'static str {
    match code {
        0 => "ok",
        UNABLE_TO_GET_ISSUER_CERT => "unable to get issuer certificate",
        UNABLE_TO_GET_CRL => "unable to get certificate CRL",
        CERT_SIGNATURE_FAILURE => "certificate signature failure",
        CRL_SIGNATURE_FAILURE => "CRL signature failure",
        CERT_NOT_YET_VALID => "certificate is not yet valid",
        CERT_HAS_EXPIRED => "certificate has expired",
        CRL_HAS_EXPIRED => "CRL has expired",
        DEPTH_ZERO_SELF_SIGNED_CERT => "self-signed certificate",
        SELF_SIGNED_CERT_IN_CHAIN => "self-signed certificate in certificate chain",
        UNABLE_TO_GET_ISSUER_CERT_LOCALLY => "unable to get local issuer certificate",
        CERT_REVOKED => "certificate revoked",
        INVALID_CA => "invalid CA certificate",
        PATH_LENGTH_EXCEEDED => "path length constraint exceeded",
        INVALID_PURPOSE => "unsuitable certificate purpose",
        UNHANDLED_CRITICAL_EXTENSION => "unhandled critical extension",
        PERMITTED_VIOLATION => "permitted subtree violation",
        HOSTNAME_MISMATCH => "hostname mismatch",
        IP_ADDRESS_MISMATCH => "IP address mismatch",
        _ => "unspecified certificate verification error",
    }
}

/// The rustls error variant whose alert matches what OpenSSL sends for `code`
/// (`unknown_ca`, `certificate_expired`, `certificate_revoked`, `unsupported_certificate`,
/// `decrypt_error`, else `bad_certificate`).
pub(crate) fn rustls_error(code: i64) -> CertificateError {
    match code {
        UNABLE_TO_GET_ISSUER_CERT
        | UNABLE_TO_GET_CRL
        | DEPTH_ZERO_SELF_SIGNED_CERT
        | SELF_SIGNED_CERT_IN_CHAIN
        | UNABLE_TO_GET_ISSUER_CERT_LOCALLY
        | INVALID_CA
        | PATH_LENGTH_EXCEEDED => CertificateError::UnknownIssuer,
        CERT_HAS_EXPIRED | CRL_HAS_EXPIRED => CertificateError::Expired,
        CERT_NOT_YET_VALID => CertificateError::NotValidYet,
        CERT_REVOKED => CertificateError::Revoked,
        INVALID_PURPOSE => CertificateError::InvalidPurpose,
        CERT_SIGNATURE_FAILURE | CRL_SIGNATURE_FAILURE => CertificateError::BadSignature,
        UNHANDLED_CRITICAL_EXTENSION => CertificateError::UnhandledCriticalExtension,
        _ => CertificateError::NotValidForName,
    }
}

/// The OpenSSL code for a rustls certificate error that did not come from this verifier
/// (best effort, used when no recorded failure is available).
pub(crate) fn from_rustls(e: &CertificateError) -> Option<i64> {
    #[allow(deprecated)]
    let code = match e {
        CertificateError::UnknownIssuer => UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => CERT_HAS_EXPIRED,
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            CERT_NOT_YET_VALID
        }
        CertificateError::Revoked => CERT_REVOKED,
        CertificateError::UnknownRevocationStatus => UNABLE_TO_GET_CRL,
        CertificateError::ExpiredRevocationList
        | CertificateError::ExpiredRevocationListContext { .. } => CRL_HAS_EXPIRED,
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            INVALID_PURPOSE
        }
        CertificateError::BadSignature => CERT_SIGNATURE_FAILURE,
        CertificateError::UnhandledCriticalExtension => UNHANDLED_CRITICAL_EXTENSION,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            HOSTNAME_MISMATCH
        }
        _ => return None,
    };
    Some(code)
}
