//! Cipher suites: which rustls suites a context enables (in OpenSSL's default order),
//! their OpenSSL names and secret bits.
//!
//! INTERIM: the full OpenSSL cipher-string grammar comes from the tables helper's
//! `ciphers` module; `parse_cipher_list` here only understands exact suite names and
//! the common aliases.

use rustls::crypto::ring::cipher_suite as cs;
use rustls::{CipherSuite, SupportedCipherSuite};

use crate::context::Settings;
use crate::{ErrorKind, Result, SslError};

/// Every suite rustls+ring implements, in OpenSSL's default preference order.
pub(crate) fn all_suites() -> [SupportedCipherSuite; 9] {
    [
        cs::TLS13_AES_256_GCM_SHA384,
        cs::TLS13_CHACHA20_POLY1305_SHA256,
        cs::TLS13_AES_128_GCM_SHA256,
        cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]
}

/// The suites a context enables: all TLS 1.3 suites plus the TLS 1.2 selection.
pub(crate) fn enabled_suites(s: &Settings) -> Vec<SupportedCipherSuite> {
    all_suites()
        .into_iter()
        .filter(|suite| match (suite, &s.tls12_suites) {
            (SupportedCipherSuite::Tls13(_), _) | (_, None) => true,
            (_, Some(list)) => list.contains(&suite.suite()),
        })
        .collect()
}

/// OpenSSL's name for a suite (`ECDHE-RSA-AES128-GCM-SHA256`; IANA names for TLS 1.3).
pub(crate) fn openssl_name(suite: CipherSuite) -> String {
    let n = match suite {
        CipherSuite::TLS13_AES_256_GCM_SHA384 => "TLS_AES_256_GCM_SHA384",
        CipherSuite::TLS13_AES_128_GCM_SHA256 => "TLS_AES_128_GCM_SHA256",
        CipherSuite::TLS13_CHACHA20_POLY1305_SHA256 => "TLS_CHACHA20_POLY1305_SHA256",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 => "ECDHE-ECDSA-AES256-GCM-SHA384",
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => "ECDHE-RSA-AES256-GCM-SHA384",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 => "ECDHE-ECDSA-AES128-GCM-SHA256",
        CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => "ECDHE-RSA-AES128-GCM-SHA256",
        CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 => {
            "ECDHE-ECDSA-CHACHA20-POLY1305"
        }
        CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => "ECDHE-RSA-CHACHA20-POLY1305",
        other => return format!("{other:?}"),
    };
    n.to_owned()
}

/// Secret bits of a suite's bulk cipher.
pub(crate) fn secret_bits(suite: CipherSuite) -> u32 {
    match suite {
        CipherSuite::TLS13_AES_128_GCM_SHA256
        | CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
        | CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => 128,
        _ => 256,
    }
}

/// `(name, protocol, secret bits)` as `cipher()` and `shared_ciphers()` report it.
pub(crate) fn describe(suite: SupportedCipherSuite) -> (String, String, u32) {
    let proto = match suite {
        SupportedCipherSuite::Tls12(_) => "TLSv1.2",
        SupportedCipherSuite::Tls13(_) => "TLSv1.3",
    };
    let id = suite.suite();
    (openssl_name(id), proto.to_owned(), secret_bits(id))
}

/// The TLS 1.2 suites a cipher string selects (interim subset of OpenSSL's grammar).
pub(crate) fn parse_cipher_list(list: &str) -> Result<Vec<CipherSuite>> {
    let tls12: Vec<SupportedCipherSuite> = all_suites()
        .into_iter()
        .filter(|s| matches!(s, SupportedCipherSuite::Tls12(_)))
        .collect();
    let mut out: Vec<CipherSuite> = Vec::new();
    for word in list.split([':', ',', ' ']).filter(|w| !w.is_empty()) {
        let (neg, w) = match word.strip_prefix(['!', '-']) {
            Some(rest) => (true, rest),
            None => (false, word.trim_start_matches('+')),
        };
        let matches: Vec<CipherSuite> = tls12
            .iter()
            .map(|s| s.suite())
            .filter(|s| {
                let name = openssl_name(*s);
                let parts: Vec<&str> = w.split('+').collect();
                parts.iter().all(|p| alias_matches(p, &name))
            })
            .collect();
        if neg {
            out.retain(|s| !matches.contains(s));
        } else {
            for m in matches {
                if !out.contains(&m) {
                    out.push(m);
                }
            }
        }
    }
    if out.is_empty() {
        return Err(SslError::new(ErrorKind::Ssl, "No cipher can be selected."));
    }
    Ok(out)
}

fn alias_matches(alias: &str, name: &str) -> bool {
    match alias {
        "ALL" | "DEFAULT" | "HIGH" | "ECDH" | "ECDHE" | "EECDH" | "kECDHE" | "TLSv1.2" => true,
        "aRSA" | "RSA" => name.contains("-RSA-"),
        "aECDSA" | "ECDSA" => name.contains("-ECDSA-"),
        "AES" => name.contains("AES"),
        "AES128" => name.contains("AES128"),
        "AES256" => name.contains("AES256"),
        "AESGCM" => name.contains("GCM"),
        "CHACHA20" => name.contains("CHACHA20"),
        "SHA256" => name.ends_with("SHA256") || name.contains("CHACHA20"),
        "SHA384" => name.ends_with("SHA384"),
        other => other == name,
    }
}
