//! The cipher suites rustls (ring provider) implements, with their OpenSSL and IANA names
//! and what CPython's `get_ciphers()` reports for each.

use rustls::crypto::ring::cipher_suite as cs;
use rustls::SupportedCipherSuite;

/// What pyssl knows about one rustls suite.
pub(super) struct SuiteInfo {
    pub suite: SupportedCipherSuite,
    /// OpenSSL's name (TLS 1.3 suites use the IANA name, as OpenSSL does).
    pub openssl: &'static str,
    /// The IANA/RFC name.
    pub iana: &'static str,
    pub protocol: &'static str,
    /// `Kx=`, `Au=` and `Enc=` columns of OpenSSL's description.
    pub kx: &'static str,
    pub au: &'static str,
    pub enc: &'static str,
    pub bits: u32,
    pub symmetric: &'static str,
    pub kea: &'static str,
    pub auth: &'static str,
}

macro_rules! suite {
    ($s:ident, $openssl:literal, $proto:literal, $kx:literal, $au:literal, $enc:literal, $bits:literal, $sym:literal, $kea:literal, $auth:literal) => {
        SuiteInfo {
            suite: cs::$s,
            openssl: $openssl,
            iana: iana_name(stringify!($s)),
            protocol: $proto,
            kx: $kx,
            au: $au,
            enc: $enc,
            bits: $bits,
            symmetric: $sym,
            kea: $kea,
            auth: $auth,
        }
    };
}

/// rustls spells TLS 1.3 suites `TLS13_…`; the IANA name is `TLS_…`.
const fn iana_name(rustls_name: &'static str) -> &'static str {
    match rustls_name.as_bytes() {
        b"TLS13_AES_256_GCM_SHA384" => "TLS_AES_256_GCM_SHA384",
        b"TLS13_AES_128_GCM_SHA256" => "TLS_AES_128_GCM_SHA256",
        b"TLS13_CHACHA20_POLY1305_SHA256" => "TLS_CHACHA20_POLY1305_SHA256",
        _ => rustls_name,
    }
}

/// TLS 1.3 suites in OpenSSL's default order (what CPython lists first).
pub(super) static TLS13: [SuiteInfo; 3] = [
    suite!(
        TLS13_AES_256_GCM_SHA384,
        "TLS_AES_256_GCM_SHA384",
        "TLSv1.3",
        "any",
        "any",
        "AESGCM(256)",
        256,
        "aes-256-gcm",
        "kx-any",
        "auth-any"
    ),
    suite!(
        TLS13_CHACHA20_POLY1305_SHA256,
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLSv1.3",
        "any",
        "any",
        "CHACHA20/POLY1305(256)",
        256,
        "chacha20-poly1305",
        "kx-any",
        "auth-any"
    ),
    suite!(
        TLS13_AES_128_GCM_SHA256,
        "TLS_AES_128_GCM_SHA256",
        "TLSv1.3",
        "any",
        "any",
        "AESGCM(128)",
        128,
        "aes-128-gcm",
        "kx-any",
        "auth-any"
    ),
];

/// TLS 1.2 suites (their order here is irrelevant: the cipher string decides).
pub(super) static TLS12: [SuiteInfo; 6] = [
    suite!(
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "TLSv1.2",
        "ECDH",
        "ECDSA",
        "AESGCM(256)",
        256,
        "aes-256-gcm",
        "kx-ecdhe",
        "auth-ecdsa"
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        "ECDHE-RSA-AES256-GCM-SHA384",
        "TLSv1.2",
        "ECDH",
        "RSA",
        "AESGCM(256)",
        256,
        "aes-256-gcm",
        "kx-ecdhe",
        "auth-rsa"
    ),
    suite!(
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        "ECDHE-ECDSA-CHACHA20-POLY1305",
        "TLSv1.2",
        "ECDH",
        "ECDSA",
        "CHACHA20/POLY1305(256)",
        256,
        "chacha20-poly1305",
        "kx-ecdhe",
        "auth-ecdsa"
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        "ECDHE-RSA-CHACHA20-POLY1305",
        "TLSv1.2",
        "ECDH",
        "RSA",
        "CHACHA20/POLY1305(256)",
        256,
        "chacha20-poly1305",
        "kx-ecdhe",
        "auth-rsa"
    ),
    suite!(
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "TLSv1.2",
        "ECDH",
        "ECDSA",
        "AESGCM(128)",
        128,
        "aes-128-gcm",
        "kx-ecdhe",
        "auth-ecdsa"
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        "ECDHE-RSA-AES128-GCM-SHA256",
        "TLSv1.2",
        "ECDH",
        "RSA",
        "AESGCM(128)",
        128,
        "aes-128-gcm",
        "kx-ecdhe",
        "auth-rsa"
    ),
];

/// Every suite pyssl knows (TLS 1.3 first).
pub(super) fn all() -> impl Iterator<Item = &'static SuiteInfo> {
    TLS13.iter().chain(TLS12.iter())
}

/// The info for a rustls suite (every suite of the ring provider is listed).
pub(super) fn info(suite: SupportedCipherSuite) -> Option<&'static SuiteInfo> {
    all().find(|i| i.suite.suite() == suite.suite())
}
