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
/// `X509_V_ERR_INVALID_CA` (79 in OpenSSL 3.0).
pub(crate) const INVALID_CA: i64 = 79;
/// `X509_V_ERR_PATH_LENGTH_EXCEEDED`.
pub(crate) const PATH_LENGTH_EXCEEDED: i64 = 25;
/// `X509_V_ERR_INVALID_PURPOSE`.
pub(crate) const INVALID_PURPOSE: i64 = 26;
/// `X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION`.
pub(crate) const UNHANDLED_CRITICAL_EXTENSION: i64 = 34;
/// `X509_V_ERR_PERMITTED_VIOLATION`.
pub(crate) const PERMITTED_VIOLATION: i64 = 47;
/// `X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY` (VERIFY_X509_STRICT).
pub(crate) const SIGNATURE_ALGORITHM_INCONSISTENCY: i64 = 78;
/// `X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA` (VERIFY_X509_STRICT).
pub(crate) const PATHLEN_INVALID_FOR_NON_CA: i64 = 80;
/// `X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN` (VERIFY_X509_STRICT).
pub(crate) const PATHLEN_WITHOUT_KU_KEY_CERT_SIGN: i64 = 81;
/// `X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA` (VERIFY_X509_STRICT).
pub(crate) const KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA: i64 = 82;
/// `X509_V_ERR_ISSUER_NAME_EMPTY` (VERIFY_X509_STRICT).
pub(crate) const ISSUER_NAME_EMPTY: i64 = 83;
/// `X509_V_ERR_SUBJECT_NAME_EMPTY` (VERIFY_X509_STRICT).
pub(crate) const SUBJECT_NAME_EMPTY: i64 = 84;
/// `X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER` (VERIFY_X509_STRICT).
pub(crate) const MISSING_AUTHORITY_KEY_IDENTIFIER: i64 = 85;
/// `X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER` (VERIFY_X509_STRICT).
pub(crate) const MISSING_SUBJECT_KEY_IDENTIFIER: i64 = 86;
/// `X509_V_ERR_EMPTY_SUBJECT_ALT_NAME` (VERIFY_X509_STRICT).
pub(crate) const EMPTY_SUBJECT_ALT_NAME: i64 = 87;
/// `X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL` (VERIFY_X509_STRICT).
pub(crate) const EMPTY_SUBJECT_SAN_NOT_CRITICAL: i64 = 88;
/// `X509_V_ERR_CA_BCONS_NOT_CRITICAL` (VERIFY_X509_STRICT).
pub(crate) const CA_BCONS_NOT_CRITICAL: i64 = 89;
/// `X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL` (VERIFY_X509_STRICT).
pub(crate) const AUTHORITY_KEY_IDENTIFIER_CRITICAL: i64 = 90;
/// `X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL` (VERIFY_X509_STRICT).
pub(crate) const SUBJECT_KEY_IDENTIFIER_CRITICAL: i64 = 91;
/// `X509_V_ERR_CA_CERT_MISSING_KEY_USAGE` (VERIFY_X509_STRICT).
pub(crate) const CA_CERT_MISSING_KEY_USAGE: i64 = 92;
/// `X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3` (VERIFY_X509_STRICT).
pub(crate) const EXTENSIONS_REQUIRE_VERSION_3: i64 = 93;
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
        SIGNATURE_ALGORITHM_INCONSISTENCY => "cert info signature and signature algorithm mismatch",
        EXTENSIONS_REQUIRE_VERSION_3 => "Using cert extension requires at least X509v3",
        PATHLEN_INVALID_FOR_NON_CA => "Path length invalid for non-CA cert",
        PATHLEN_WITHOUT_KU_KEY_CERT_SIGN => "Path length given without key usage keyCertSign",
        KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA => "Key usage keyCertSign invalid for non-CA cert",
        ISSUER_NAME_EMPTY => "Issuer name empty",
        SUBJECT_NAME_EMPTY => "Subject name empty",
        MISSING_AUTHORITY_KEY_IDENTIFIER => "Missing Authority Key Identifier",
        MISSING_SUBJECT_KEY_IDENTIFIER => "Missing Subject Key Identifier",
        EMPTY_SUBJECT_ALT_NAME => "Empty Subject Alternative Name extension",
        EMPTY_SUBJECT_SAN_NOT_CRITICAL => {
            "Subject empty and Subject Alt Name extension not critical"
        }
        CA_BCONS_NOT_CRITICAL => "Basic Constraints of CA cert not marked critical",
        AUTHORITY_KEY_IDENTIFIER_CRITICAL => "Authority Key Identifier marked critical",
        SUBJECT_KEY_IDENTIFIER_CRITICAL => "Subject Key Identifier marked critical",
        CA_CERT_MISSING_KEY_USAGE => "CA cert does not include key usage extension",
        PATH_LENGTH_EXCEEDED => "path length constraint exceeded",
        INVALID_PURPOSE => "unsuitable certificate purpose",
        UNHANDLED_CRITICAL_EXTENSION => "unhandled critical extension",
        PERMITTED_VIOLATION => "permitted subtree violation",
        HOSTNAME_MISMATCH => "hostname mismatch",
        IP_ADDRESS_MISMATCH => "IP address mismatch",
        _ => "unspecified certificate verification error",
    }
}

/// The rustls error variant whose alert matches what OpenSSL sends for `code` (`ssl_x509err2alert`)
/// (`unknown_ca`, `certificate_expired`, `certificate_revoked`, `unsupported_certificate`,
/// `decrypt_error`, else `bad_certificate` — OpenSSL 3.0 sends `bad_certificate` for
/// "not yet valid").
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
        CERT_REVOKED => CertificateError::Revoked,
        INVALID_PURPOSE => CertificateError::InvalidPurpose,
        CERT_SIGNATURE_FAILURE | CRL_SIGNATURE_FAILURE => CertificateError::BadSignature,
        UNHANDLED_CRITICAL_EXTENSION
        | CERT_NOT_YET_VALID
        | PERMITTED_VIOLATION
        | HOSTNAME_MISMATCH
        | IP_ADDRESS_MISMATCH => CertificateError::NotValidForName,
        // Not in OpenSSL's x509table: it sends certificate_unknown, as rustls does for Other.
        _ => CertificateError::Other(rustls::OtherError(std::sync::Arc::new(
            super::VerifyFailure::from_code(code),
        ))),
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
