//! What one benchmark case asks of both sides: server key, protocol version, cipher suite and
//! resumption mechanism. The pyssl and raw rustls sides each turn a [`Spec`] into the same work.

use super::fixtures::KeyKind;

/// Protocol version both peers are pinned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// TLS 1.3 only.
    Tls13,
    /// TLS 1.2 only.
    Tls12,
}

/// TLS 1.3 cipher suite for the bulk cases (`None` in a spec: the default preference).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    /// TLS13_AES_128_GCM_SHA256.
    Aes128Gcm,
    /// TLS13_AES_256_GCM_SHA384.
    Aes256Gcm,
    /// TLS13_CHACHA20_POLY1305_SHA256.
    Chacha20Poly1305,
}

impl Suite {
    /// IANA / OpenSSL TLS 1.3 name.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Aes128Gcm => "TLS_AES_128_GCM_SHA256",
            Suite::Aes256Gcm => "TLS_AES_256_GCM_SHA384",
            Suite::Chacha20Poly1305 => "TLS_CHACHA20_POLY1305_SHA256",
        }
    }

    /// The ring implementation rustls uses.
    pub fn rustls(self) -> rustls::SupportedCipherSuite {
        use rustls::crypto::ring::cipher_suite as cs;
        match self {
            Suite::Aes128Gcm => cs::TLS13_AES_128_GCM_SHA256,
            Suite::Aes256Gcm => cs::TLS13_AES_256_GCM_SHA384,
            Suite::Chacha20Poly1305 => cs::TLS13_CHACHA20_POLY1305_SHA256,
        }
    }
}

/// How a resumed handshake finds its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// Full handshakes only: the client offers no session.
    No,
    /// Session tickets (TLS 1.3 PSK tickets, or RFC 5077 tickets on TLS 1.2).
    Ticket,
    /// TLS 1.2 session IDs held in the server's session cache (tickets off).
    SessionId,
}

/// One case's parameters.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Server key type.
    pub key: KeyKind,
    /// Protocol version.
    pub version: Version,
    /// Cipher suite, or the default preference.
    pub suite: Option<Suite>,
    /// Resumption mechanism.
    pub resume: Resume,
}

impl Spec {
    /// A TLS 1.3 full handshake with `key` and default suites.
    pub const fn tls13(key: KeyKind) -> Spec {
        Spec {
            key,
            version: Version::Tls13,
            suite: None,
            resume: Resume::No,
        }
    }
}
