//! OpenSSL cipher strings over the suites rustls implements: [`parse_cipher_list`] (what
//! `SSLContext.set_ciphers` does), [`CipherInfo`] (one `get_ciphers()` dict) and name mapping.
//!
//! The parser runs OpenSSL 3.0's rule engine over OpenSSL's whole TLS ≤ 1.2 cipher table, so
//! a string is accepted, rejected and ordered exactly as CPython (with OpenSSL 3.0) does; the
//! result is then filtered to the six TLS 1.2 suites rustls' ring provider has. TLS 1.3
//! suites are not affected by cipher strings (as in CPython) and always come first.
//!
//! ```
//! use pyssl::ciphers::parse_cipher_list;
//! let list = parse_cipher_list("ECDHE+AESGCM:!ECDSA").unwrap();
//! let names: Vec<&str> = list.to_dicts().iter().map(|d| d.name).collect();
//! assert_eq!(names, [
//!     "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
//!     "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
//! ]);
//! let err = parse_cipher_list("!ALL").unwrap_err();
//! assert_eq!(err.to_string(), "No cipher can be selected.");
//! ```
// `SslError` is the crate-wide error type; its size is the error module's concern.
#![allow(clippy::result_large_err)]

mod parser;
mod suites;
mod table;

use crate::{ErrorKind, Result, SslError};
use rustls::SupportedCipherSuite;

/// An ordered cipher suite selection, the result of a cipher string.
#[derive(Debug, Clone, PartialEq)]
pub struct CipherList {
    suites: Vec<SupportedCipherSuite>,
    security_level: Option<u8>,
}

impl CipherList {
    /// All selected suites in preference order: TLS 1.3 first (OpenSSL's order), then the
    /// TLS 1.2 suites the string selected (may be none when the string selected only TLS 1.2
    /// ciphers rustls lacks; CPython accepts such strings too).
    pub fn suites(&self) -> &[SupportedCipherSuite] {
        &self.suites
    }

    /// The TLS 1.2 part of [`suites`](Self::suites).
    pub fn tls12_suites(&self) -> impl Iterator<Item = SupportedCipherSuite> + '_ {
        self.suites
            .iter()
            .copied()
            .filter(|s| s.version() == &rustls::version::TLS12)
    }

    /// The security level an `@SECLEVEL=n` in the string set (the context's
    /// `security_level` becomes `n`), or `None`.
    pub fn security_level(&self) -> Option<u8> {
        self.security_level
    }

    /// CPython's `get_ciphers()` for this list.
    pub fn to_dicts(&self) -> Vec<CipherInfo> {
        self.suites.iter().map(|&s| cipher_info(s)).collect()
    }

    /// The TLS 1.3 part of [`suites`](Self::suites).
    pub fn tls13_suites(&self) -> impl Iterator<Item = SupportedCipherSuite> + '_ {
        self.suites
            .iter()
            .copied()
            .filter(|s| s.version() == &rustls::version::TLS13)
    }

    /// This list with its TLS 1.3 suites replaced by `tls13` (in that order; TLS 1.2
    /// suites unchanged): what [`parse_ciphersuites`] results are applied with.
    pub fn with_tls13(&self, tls13: impl IntoIterator<Item = SupportedCipherSuite>) -> CipherList {
        let mut suites: Vec<SupportedCipherSuite> = tls13.into_iter().collect();
        suites.extend(self.tls12_suites());
        CipherList {
            suites,
            security_level: self.security_level,
        }
    }
}

/// Parses a TLS 1.3 ciphersuite list like OpenSSL's `SSL_CTX_set_ciphersuites` (a pyssl
/// extension: Python's `ssl` has no way to choose TLS 1.3 suites).
///
/// The string is a colon-separated list of IANA names (`TLS_AES_128_GCM_SHA256`), case
/// sensitive, surrounding blanks ignored, in preference order. As in OpenSSL 3.0, unknown
/// names are skipped, the empty string selects no TLS 1.3 suite at all, and a non-empty string
/// with no known name is `SSLError: [SSL: NO_CIPHER_MATCH] no cipher match`. Names OpenSSL
/// knows but rustls does not implement (`TLS_AES_128_CCM_SHA256`,
/// `TLS_AES_128_CCM_8_SHA256`) count as known but select nothing; duplicates are kept once.
///
/// ```
/// use pyssl::ciphers::{openssl_name, parse_ciphersuites};
/// let s = parse_ciphersuites("TLS_CHACHA20_POLY1305_SHA256:bogus:TLS_AES_128_GCM_SHA256").unwrap();
/// let names: Vec<&str> = s.iter().map(|&c| openssl_name(c)).collect();
/// assert_eq!(names, ["TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256"]);
/// assert!(parse_ciphersuites("").unwrap().is_empty());
/// let e = parse_ciphersuites("ECDHE-RSA-AES128-GCM-SHA256").unwrap_err();
/// assert_eq!(e.reason(), Some("NO_CIPHER_MATCH"));
/// ```
pub fn parse_ciphersuites(s: &str) -> Result<Vec<SupportedCipherSuite>> {
    if s.contains('\0') {
        return Err(SslError::value("embedded null character"));
    }
    /// TLS 1.3 suites OpenSSL 3.0 knows that rustls' ring provider lacks.
    const OPENSSL_ONLY: [&str; 2] = ["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"];
    let mut known = 0;
    let mut out: Vec<SupportedCipherSuite> = Vec::new();
    for name in s
        .split(':')
        .map(|n| n.trim_matches([' ', '\t', '\n', '\r']))
    {
        if let Some(info) = suites::TLS13.iter().find(|i| i.iana == name) {
            known += 1;
            if !out.contains(&info.suite) {
                out.push(info.suite);
            }
        } else if OPENSSL_ONLY.contains(&name) {
            known += 1;
        }
    }
    if !s.is_empty() && known == 0 {
        return Err(SslError::ssl(ErrorKind::Ssl, "SSL", "NO_CIPHER_MATCH"));
    }
    Ok(out)
}

impl Default for CipherList {
    /// The list CPython 3.13 contexts start with ([`crate::DEFAULT_CIPHERS`]).
    fn default() -> Self {
        parse_cipher_list(crate::DEFAULT_CIPHERS).expect("default cipher string is valid")
    }
}

/// Parses an OpenSSL cipher string like `SSLContext.set_ciphers`.
///
/// Errors with CPython's `SSLError("No cipher can be selected.")` when the string is
/// malformed or selects no TLS ≤ 1.2 cipher at all (OpenSSL's rule), and with
/// `ValueError("embedded null character")` for a NUL. Never panics.
pub fn parse_cipher_list(s: &str) -> Result<CipherList> {
    let outcome = set_ciphers_outcome(s);
    match outcome.error {
        Some(e) => Err(e),
        None => Ok(outcome.list.expect("a successful parse has a list")),
    }
}

/// Everything `SSLContext.set_ciphers(s)` does to a context, including OpenSSL's side
/// effects on failure, which CPython exposes: see [`set_ciphers_outcome`].
#[derive(Debug, Clone)]
pub struct SetCiphersOutcome {
    /// The context's cipher list afterwards; `None` leaves it unchanged. After a string that
    /// parsed but selected no TLS ≤ 1.2 cipher, OpenSSL has already installed the
    /// TLS 1.3-only list when it reports the error, so this is `Some` then too.
    pub list: Option<CipherList>,
    /// The security level an `@SECLEVEL=n` set (applied even when the call fails).
    pub security_level: Option<u8>,
    /// The error `set_ciphers` raises, if any.
    pub error: Option<SslError>,
}

/// Runs a cipher string with all of OpenSSL's effects on the context (for an engine that
/// wants CPython's exact state after a failed `set_ciphers`):
///
/// ```
/// let o = pyssl::ciphers::set_ciphers_outcome("@SECLEVEL=1:NOSUCHCIPHER");
/// assert!(o.error.is_some());
/// assert_eq!(o.security_level, Some(1));
/// assert_eq!(o.list.unwrap().suites().len(), 3); // TLS 1.3 only, as in CPython
/// ```
pub fn set_ciphers_outcome(s: &str) -> SetCiphersOutcome {
    if s.contains('\0') {
        return SetCiphersOutcome {
            list: None,
            security_level: None,
            error: Some(SslError::value("embedded null character")),
        };
    }
    let tls13 = || -> Vec<SupportedCipherSuite> { suites::TLS13.iter().map(|i| i.suite).collect() };
    match parser::select(s) {
        Ok(selection) => {
            let mut suites = tls13();
            for &i in &selection.active {
                let name = table::OPENSSL_CIPHERS[i].name;
                if let Some(info) = suites::TLS12.iter().find(|x| x.openssl == name) {
                    suites.push(info.suite);
                }
            }
            SetCiphersOutcome {
                list: Some(CipherList {
                    suites,
                    security_level: selection.security_level,
                }),
                security_level: selection.security_level,
                error: None,
            }
        }
        Err((failure, security_level)) => SetCiphersOutcome {
            list: (failure == parser::ParseFailure::NoCipherMatch).then(|| CipherList {
                suites: tls13(),
                security_level,
            }),
            security_level,
            error: Some(no_cipher_error()),
        },
    }
}

fn no_cipher_error() -> SslError {
    // CPython raises a bare `SSLError('No cipher can be selected.')`: errno is None.
    SslError::new(ErrorKind::Ssl, "No cipher can be selected.").without_errno()
}

/// The OpenSSL cipher names (TLS ≤ 1.2 only, rustls or not) a string selects, in order:
/// the unfiltered result of the rule engine. For differential testing against OpenSSL.
#[doc(hidden)]
pub fn openssl_selection(s: &str) -> Result<Vec<&'static str>> {
    let selection = parser::select(s).map_err(|_| no_cipher_error())?;
    Ok(selection
        .active
        .iter()
        .map(|&i| table::OPENSSL_CIPHERS[i].name)
        .collect())
}

/// One `SSLContext.get_ciphers()` dict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CipherInfo {
    /// `id`: `0x03000000 | IANA code point`.
    pub id: u32,
    /// `name`: OpenSSL's name (IANA name for TLS 1.3 suites).
    pub name: &'static str,
    /// `protocol`: `"TLSv1.2"` or `"TLSv1.3"`.
    pub protocol: &'static str,
    /// `description`: OpenSSL's `SSL_CIPHER_description` line (without the newline).
    pub description: String,
    /// `strength_bits`.
    pub strength_bits: u32,
    /// `alg_bits`.
    pub alg_bits: u32,
    /// `aead` (always true for rustls suites).
    pub aead: bool,
    /// `symmetric`, e.g. `"aes-128-gcm"`.
    pub symmetric: &'static str,
    /// `digest`: `None` for AEAD suites.
    pub digest: Option<&'static str>,
    /// `kea`, e.g. `"kx-ecdhe"`.
    pub kea: &'static str,
    /// `auth`, e.g. `"auth-rsa"`.
    pub auth: &'static str,
}

impl CipherInfo {
    /// The dict as JSON, keys in CPython's order.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("id".into(), self.id.into());
        m.insert("name".into(), self.name.into());
        m.insert("protocol".into(), self.protocol.into());
        m.insert("description".into(), self.description.clone().into());
        m.insert("strength_bits".into(), self.strength_bits.into());
        m.insert("alg_bits".into(), self.alg_bits.into());
        m.insert("aead".into(), self.aead.into());
        m.insert("symmetric".into(), self.symmetric.into());
        m.insert("digest".into(), self.digest.into());
        m.insert("kea".into(), self.kea.into());
        m.insert("auth".into(), self.auth.into());
        serde_json::Value::Object(m)
    }
}

fn info(suite: SupportedCipherSuite) -> &'static suites::SuiteInfo {
    suites::info(suite).expect("every ring-provider suite is in the table")
}

/// The `get_ciphers()` dict for one suite.
pub fn cipher_info(suite: SupportedCipherSuite) -> CipherInfo {
    let i = info(suite);
    CipherInfo {
        id: 0x0300_0000 | u32::from(u16::from(suite.suite())),
        name: i.openssl,
        protocol: i.protocol,
        description: format!(
            "{:<30} {:<7} Kx={:<8} Au={:<5} Enc={:<22} Mac={:<4}",
            i.openssl, i.protocol, i.kx, i.au, i.enc, "AEAD"
        ),
        strength_bits: i.bits,
        alg_bits: i.bits,
        aead: true,
        symmetric: i.symmetric,
        digest: None,
        kea: i.kea,
        auth: i.auth,
    }
}

/// The name `SSLSocket.cipher()` reports: OpenSSL's for TLS 1.2
/// (`ECDHE-RSA-AES128-GCM-SHA256`), IANA's for TLS 1.3 (`TLS_AES_128_GCM_SHA256`).
///
/// ```
/// use rustls::crypto::ring::cipher_suite as cs;
/// assert_eq!(pyssl::ciphers::openssl_name(cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
///            "ECDHE-RSA-AES128-GCM-SHA256");
/// assert_eq!(pyssl::ciphers::openssl_name(cs::TLS13_AES_128_GCM_SHA256), "TLS_AES_128_GCM_SHA256");
/// ```
pub fn openssl_name(suite: SupportedCipherSuite) -> &'static str {
    info(suite).openssl
}

/// The IANA name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`, `TLS_AES_128_GCM_SHA256`).
pub fn iana_name(suite: SupportedCipherSuite) -> &'static str {
    info(suite).iana
}

/// The secret bits `SSLSocket.cipher()` reports (128 or 256).
pub fn secret_bits(suite: SupportedCipherSuite) -> u32 {
    info(suite).bits
}

/// OpenSSL name → IANA name, for the suites rustls implements.
///
/// ```
/// assert_eq!(pyssl::ciphers::openssl_to_iana("ECDHE-ECDSA-CHACHA20-POLY1305"),
///            Some("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
/// assert_eq!(pyssl::ciphers::openssl_to_iana("AES128-SHA"), None);
/// ```
pub fn openssl_to_iana(name: &str) -> Option<&'static str> {
    suites::all().find(|i| i.openssl == name).map(|i| i.iana)
}

/// IANA name → OpenSSL name, for the suites rustls implements.
///
/// ```
/// assert_eq!(pyssl::ciphers::iana_to_openssl("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
///            Some("ECDHE-RSA-AES256-GCM-SHA384"));
/// ```
pub fn iana_to_openssl(name: &str) -> Option<&'static str> {
    suites::all().find(|i| i.iana == name).map(|i| i.openssl)
}

/// The rustls suite with this OpenSSL or IANA name.
pub fn suite_by_name(name: &str) -> Option<SupportedCipherSuite> {
    suites::all()
        .find(|i| i.openssl == name || i.iana == name)
        .map(|i| i.suite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ring_suite_is_known() {
        for s in rustls::crypto::ring::ALL_CIPHER_SUITES {
            assert!(suites::info(*s).is_some(), "{:?}", s.suite());
            let name = openssl_name(*s);
            assert_eq!(suite_by_name(name).map(|x| x.suite()), Some(s.suite()));
            assert_eq!(
                suite_by_name(iana_name(*s)).map(|x| x.suite()),
                Some(s.suite())
            );
            assert_eq!(
                iana_name(*s).trim_start_matches("TLS_"),
                format!("{:?}", s.suite())
                    .trim_start_matches("TLS13_")
                    .trim_start_matches("TLS_")
            );
        }
    }

    #[test]
    fn every_tls12_suite_is_in_the_openssl_table() {
        for i in &suites::TLS12 {
            let c = table::lookup(i.openssl.as_bytes()).expect("in table");
            assert_eq!(c.id, u16::from(i.suite.suite()), "{}", i.openssl);
            assert_eq!(c.strength_bits, i.bits);
        }
    }

    #[test]
    fn default_list() {
        let d = CipherList::default();
        assert_eq!(d.suites().len(), 9);
        assert_eq!(d.security_level(), Some(2));
        assert_eq!(d.tls12_suites().count(), 6);
    }

    #[test]
    fn empty_string_is_an_error() {
        let e = parse_cipher_list("").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Ssl);
        assert_eq!(e.to_string(), "No cipher can be selected.");
        // python3: `e.errno is None`, `e.args == ('No cipher can be selected.',)`.
        assert_eq!(e.errno(), None);
    }

    #[test]
    fn nul_is_a_value_error() {
        let e = parse_cipher_list("ALL\0x").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Value);
        assert_eq!(e.to_string(), "embedded null character");
    }

    #[test]
    fn ciphersuites_replace_only_the_tls13_part() {
        use rustls::crypto::ring::cipher_suite as cs;
        let l = CipherList::default();
        let only = parse_ciphersuites(" TLS_AES_128_GCM_SHA256 ::bogus").unwrap();
        assert_eq!(only.len(), 1);
        let l2 = l.with_tls13(only);
        assert_eq!(l2.suites()[0].suite(), cs::TLS13_AES_128_GCM_SHA256.suite());
        assert_eq!(l2.tls13_suites().count(), 1);
        assert_eq!(l2.tls12_suites().count(), l.tls12_suites().count());
        assert_eq!(l2.security_level(), l.security_level());
        // OpenSSL-only names are accepted and select nothing; case and commas matter.
        assert!(parse_ciphersuites("TLS_AES_128_CCM_SHA256")
            .unwrap()
            .is_empty());
        for bad in [
            "bogus",
            "tls_aes_128_gcm_sha256",
            "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384",
        ] {
            let e = parse_ciphersuites(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Ssl, "{bad}");
            assert_eq!(e.reason(), Some("NO_CIPHER_MATCH"), "{bad}");
            assert_eq!(e.library(), Some("SSL"), "{bad}");
        }
        assert_eq!(
            parse_ciphersuites("a\0").unwrap_err().kind(),
            ErrorKind::Value
        );
    }

    #[test]
    fn foreign_only_selection_keeps_tls13() {
        let l = parse_cipher_list("AES128-SHA").unwrap();
        assert_eq!(l.suites().len(), 3);
        assert_eq!(l.tls12_suites().count(), 0);
    }
}
