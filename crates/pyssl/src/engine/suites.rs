//! Cipher suites as the engine reports them, via [`crate::ciphers`].

use rustls::SupportedCipherSuite;

use crate::context::Settings;

/// The suites a context enables, in preference order (TLS 1.3 first).
pub(crate) fn enabled_suites(s: &Settings) -> Vec<SupportedCipherSuite> {
    s.ciphers.suites().to_vec()
}

/// `(name, protocol, secret bits)` as `cipher()` and `shared_ciphers()` report it.
pub(crate) fn describe(suite: SupportedCipherSuite) -> (String, String, u32) {
    let proto = match suite {
        SupportedCipherSuite::Tls12(_) => "TLSv1.2",
        SupportedCipherSuite::Tls13(_) => "TLSv1.3",
    };
    (
        crate::ciphers::openssl_name(suite).to_owned(),
        proto.to_owned(),
        crate::ciphers::secret_bits(suite),
    )
}
