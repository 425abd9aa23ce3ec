//! rustls errors → [`SslError`], reported the way OpenSSL (and so CPython) reports them.

use rustls::{AlertDescription, CertificateError, Error, PeerIncompatible, PeerMisbehaved};

use crate::{ErrorKind, SslError};

/// OpenSSL's reason name for a received fatal alert (`SSL_R_SSLV3_ALERT_*`,
/// `SSL_R_TLSV1_ALERT_*`, `SSL_R_TLSV13_ALERT_*`).
pub(crate) fn alert_reason(alert: AlertDescription) -> String {
    let name = match u8::from(alert) {
        10 => "SSLV3_ALERT_UNEXPECTED_MESSAGE",
        20 => "SSLV3_ALERT_BAD_RECORD_MAC",
        21 => "TLSV1_ALERT_DECRYPTION_FAILED",
        22 => "TLSV1_ALERT_RECORD_OVERFLOW",
        30 => "SSLV3_ALERT_DECOMPRESSION_FAILURE",
        40 => "SSLV3_ALERT_HANDSHAKE_FAILURE",
        41 => "SSLV3_ALERT_NO_CERTIFICATE",
        42 => "SSLV3_ALERT_BAD_CERTIFICATE",
        43 => "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE",
        44 => "SSLV3_ALERT_CERTIFICATE_REVOKED",
        45 => "SSLV3_ALERT_CERTIFICATE_EXPIRED",
        46 => "SSLV3_ALERT_CERTIFICATE_UNKNOWN",
        47 => "SSLV3_ALERT_ILLEGAL_PARAMETER",
        48 => "TLSV1_ALERT_UNKNOWN_CA",
        49 => "TLSV1_ALERT_ACCESS_DENIED",
        50 => "TLSV1_ALERT_DECODE_ERROR",
        51 => "TLSV1_ALERT_DECRYPT_ERROR",
        60 => "TLSV1_ALERT_EXPORT_RESTRICTION",
        70 => "TLSV1_ALERT_PROTOCOL_VERSION",
        71 => "TLSV1_ALERT_INSUFFICIENT_SECURITY",
        80 => "TLSV1_ALERT_INTERNAL_ERROR",
        86 => "TLSV1_ALERT_INAPPROPRIATE_FALLBACK",
        90 => "TLSV1_ALERT_USER_CANCELLED",
        100 => "TLSV1_ALERT_NO_RENEGOTIATION",
        109 => "TLSV13_ALERT_MISSING_EXTENSION",
        110 => "TLSV1_UNSUPPORTED_EXTENSION",
        111 => "TLSV1_CERTIFICATE_UNOBTAINABLE",
        112 => "TLSV1_UNRECOGNIZED_NAME",
        113 => "TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE",
        114 => "TLSV1_BAD_CERTIFICATE_HASH_VALUE",
        115 => "TLSV1_ALERT_UNKNOWN_PSK_IDENTITY",
        116 => "TLSV13_ALERT_CERTIFICATE_REQUIRED",
        120 => "TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
        n => return format!("SSL/TLS_ALERT_{n}"),
    };
    name.to_owned()
}

fn ssl(reason: &str) -> SslError {
    SslError::ssl(ErrorKind::Ssl, "SSL", reason)
}

/// Which end of the connection saw the error (OpenSSL words some errors per side).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    Client,
    Server,
}

/// Maps a rustls error as OpenSSL would report it to CPython.
pub(crate) fn from_rustls(err: &Error, side: Side) -> SslError {
    match err {
        Error::AlertReceived(alert) => match u8::from(*alert) {
            // OpenSSL has reason codes for these, but CPython 3.13's table lacks their
            // names, so CPython shows only the library and OpenSSL's text.
            115 => SslError::new(ErrorKind::Ssl, "tlsv1 alert unknown psk identity")
                .with_library("SSL"),
            120 => SslError::new(ErrorKind::Ssl, "tlsv1 alert no application protocol")
                .with_library("SSL"),
            _ => ssl(&alert_reason(*alert)),
        },
        Error::InvalidCertificate(ce) => {
            crate::engine::verify::failure_to_error(err).unwrap_or_else(|| cert_error(ce))
        }
        Error::NoCertificatesPresented => match side {
            Side::Server => ssl("PEER_DID_NOT_RETURN_A_CERTIFICATE"),
            Side::Client => ssl("NO_CERTIFICATE_RETURNED"),
        },
        Error::PeerIncompatible(pi) => peer_incompatible(pi, side),
        Error::PeerMisbehaved(pm) => peer_misbehaved(pm),
        Error::InappropriateMessage { .. } | Error::InappropriateHandshakeMessage { .. } => {
            ssl("UNEXPECTED_MESSAGE")
        }
        Error::InvalidMessage(im) => {
            use rustls::InvalidMessage as M;
            match im {
                M::MessageTooLarge | M::MessageTooShort => ssl("PACKET_LENGTH_TOO_LONG"),
                M::InvalidContentType | M::UnknownProtocolVersion => ssl("WRONG_VERSION_NUMBER"),
                M::InvalidEmptyPayload => ssl("RECORD_LENGTH_MISMATCH"),
                _ => ssl("UNEXPECTED_MESSAGE"),
            }
        }
        Error::DecryptError => ssl("DECRYPTION_FAILED_OR_BAD_RECORD_MAC"),
        Error::EncryptError => ssl("INTERNAL_ERROR"),
        Error::NoApplicationProtocol => ssl("NO_APPLICATION_PROTOCOL"),
        Error::BadMaxFragmentSize => ssl("BAD_LENGTH"),
        Error::HandshakeNotComplete => ssl("SHUTDOWN_WHILE_IN_INIT"),
        Error::PeerSentOversizedRecord => ssl("PACKET_LENGTH_TOO_LONG"),
        Error::InvalidCertRevocationList(_) => {
            SslError::cert_verification(3, "unable to get certificate CRL")
        }
        // rustls' words when no loaded certificate suits the client (OpenSSL: no cipher
        // can use any of our certificates).
        Error::General(msg) if msg == "no server certificate chain resolved" => {
            ssl("NO_SHARED_CIPHER")
        }
        other => SslError::new(ErrorKind::Ssl, other.to_string()).with_library("SSL"),
    }
}

fn cert_error(ce: &CertificateError) -> SslError {
    let (code, msg) = match ce {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            (10, "certificate has expired")
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            (9, "certificate is not yet valid")
        }
        CertificateError::Revoked => (23, "certificate revoked"),
        CertificateError::UnknownIssuer => (20, "unable to get local issuer certificate"),
        CertificateError::BadSignature => (7, "certificate signature failure"),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            (26, "unsupported certificate purpose")
        }
        CertificateError::UnknownRevocationStatus => (3, "unable to get certificate CRL"),
        CertificateError::ExpiredRevocationList
        | CertificateError::ExpiredRevocationListContext { .. } => (12, "CRL has expired"),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            (62, "Hostname mismatch")
        }
        CertificateError::BadEncoding => (-1, "unable to decode issuer public key"),
        _ => (1, "unspecified certificate verification error"),
    };
    SslError::cert_verification(code, msg)
}

fn peer_incompatible(pi: &PeerIncompatible, side: Side) -> SslError {
    use PeerIncompatible as P;
    match pi {
        P::NoCipherSuitesInCommon => ssl("NO_SHARED_CIPHER"),
        P::NoKxGroupsInCommon | P::NoEcPointFormatsInCommon => match side {
            Side::Server => ssl("NO_SHARED_CIPHER"),
            Side::Client => ssl("NO_SUITABLE_KEY_SHARE"),
        },
        P::NoSignatureSchemesInCommon | P::SignatureAlgorithmsExtensionRequired => {
            ssl("NO_SUITABLE_SIGNATURE_ALGORITHM")
        }
        P::ServerDoesNotSupportTls12Or13
        | P::SupportedVersionsExtensionRequired
        | P::Tls12NotOffered
        | P::Tls12NotOfferedOrEnabled
        | P::Tls13RequiredForQuic => ssl("UNSUPPORTED_PROTOCOL"),
        P::ServerTlsVersionIsDisabledByOurConfig => ssl("UNSUPPORTED_PROTOCOL"),
        _ => SslError::new(ErrorKind::Ssl, format!("{pi:?}")).with_library("SSL"),
    }
}

fn peer_misbehaved(pm: &PeerMisbehaved) -> SslError {
    use PeerMisbehaved as P;
    match pm {
        P::SelectedUnofferedCipherSuite | P::SelectedTls12UsingTls13VersionExtension => {
            ssl("WRONG_CIPHER_RETURNED")
        }
        P::SignedHandshakeWithUnadvertisedSigScheme => ssl("WRONG_SIGNATURE_TYPE"),
        P::TooMuchEarlyDataReceived => ssl("TOO_MUCH_EARLY_DATA"),
        P::InvalidKeyShare | P::MissingKeyShare => ssl("BAD_KEY_SHARE"),
        _ => ssl("UNEXPECTED_MESSAGE").with_message(format!("unexpected message ({pm:?})")),
    }
}
