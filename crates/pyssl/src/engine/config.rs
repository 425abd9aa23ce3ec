//! rustls configurations built from an [`SslContext`]'s settings, cached per settings
//! generation so handshakes never rebuild them.

use std::sync::{Arc, OnceLock};

use rustls::client::ResolvesClientCert;
use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, ServerConfig, SignatureScheme, SupportedProtocolVersion};

use crate::context::{Settings, SslContext};
use crate::keys::KeyPair;
use crate::{ErrorKind, Options, Protocol, Result, SslError, TlsVersion};

/// ring's provider, built once.
pub(crate) fn provider_base() -> Arc<CryptoProvider> {
    static P: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    P.get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

/// A cached server config's key: the ALPN choice, and whether it is for a TLS 1.3
/// resumption (one ticket, as OpenSSL).
type ServerKey = (Option<Vec<u8>>, bool);

/// Configs for one settings generation.
#[derive(Default)]
pub(crate) struct ConfigCache {
    generation: u64,
    provider: Option<Arc<CryptoProvider>>,
    /// Index 0: SNI off (no server_hostname), 1: SNI on.
    client: [Option<Arc<ClientConfig>>; 2],
    /// Server configs keyed by the ALPN protocol chosen for the connection and resumption.
    server: Vec<(ServerKey, Arc<ServerConfig>)>,
}

impl ConfigCache {
    fn sync(&mut self, generation: u64) {
        if self.generation != generation {
            *self = ConfigCache {
                generation,
                ..ConfigCache::default()
            };
        }
    }
}

/// Whether a context allows TLS 1.2 (`tls13` false) or TLS 1.3.
pub(crate) fn allows(s: &Settings, tls13: bool) -> bool {
    let (v, no) = if tls13 {
        (TlsVersion::TlsV1_3, crate::OP_NO_TLSV1_3)
    } else {
        (TlsVersion::TlsV1_2, crate::OP_NO_TLSV1_2)
    };
    let above_min = s.minimum_version == TlsVersion::MinimumSupported || v >= s.minimum_version;
    let below_max = s.maximum_version == TlsVersion::MaximumSupported || v <= s.maximum_version;
    let proto_ok = s.protocol != Protocol::TlsV1_2 || v == TlsVersion::TlsV1_2;
    above_min && below_max && proto_ok && !s.options.contains(no)
}

/// The protocol versions a context allows; empty is OpenSSL's `NO_PROTOCOLS_AVAILABLE`.
pub(crate) fn versions(s: &Settings) -> Result<Vec<&'static SupportedProtocolVersion>> {
    let mut out = Vec::new();
    for (tls13, ver) in [
        (false, &rustls::version::TLS12),
        (true, &rustls::version::TLS13),
    ] {
        if allows(s, tls13) {
            out.push(ver);
        }
    }
    if out.is_empty() {
        return Err(SslError::ssl(
            ErrorKind::Ssl,
            "SSL",
            "NO_PROTOCOLS_AVAILABLE",
        ));
    }
    Ok(out)
}

fn build_provider(s: &Settings) -> Arc<CryptoProvider> {
    let base = provider_base();
    let mut p = (*base).clone();
    p.cipher_suites = super::suites::enabled_suites(s);
    crate::context_ext::apply_provider(s, &mut p);
    // Offer only suites of the enabled versions (OpenSSL omits TLS 1.3 suites from a
    // TLS 1.2-only ClientHello, and peers' shared_ciphers() reflect that).
    if let Ok(versions) = versions(s) {
        p.cipher_suites.retain(|suite| {
            versions
                .iter()
                .any(|v| v.version == suite.version().version)
        });
    }
    Arc::new(p)
}

impl SslContext {
    fn with_cache<T>(
        &self,
        f: impl FnOnce(&Settings, &mut ConfigCache, Arc<CryptoProvider>) -> Result<T>,
    ) -> Result<T> {
        let s = self.settings();
        let generation = self.generation();
        let mut cache = self.shared.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.sync(generation);
        let provider = cache
            .provider
            .get_or_insert_with(|| build_provider(&s))
            .clone();
        f(&s, &mut cache, provider)
    }

    /// A config of the current generation from the cache, if built already (the common
    /// case: no settings lock, no provider handle taken).
    fn cached<T>(&self, f: impl FnOnce(&ConfigCache) -> Option<T>) -> Option<T> {
        let generation = self.generation();
        let cache = self.shared.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.generation != generation {
            return None;
        }
        f(&cache)
    }

    /// The client config (cached).
    pub(crate) fn client_config(&self, sni: bool) -> Result<Arc<ClientConfig>> {
        if let Some(c) = self.cached(|cache| cache.client[sni as usize].clone()) {
            return Ok(c);
        }
        self.with_cache(|s, cache, provider| {
            if let Some(c) = &cache.client[sni as usize] {
                return Ok(c.clone());
            }
            let versions = versions(s)?;
            let verifier = super::verify::server_verifier(s, &provider, sni);
            let b = ClientConfig::builder_with_provider(provider)
                .with_protocol_versions(&versions)
                .map_err(|e| SslError::new(ErrorKind::Ssl, e.to_string()))?
                .dangerous()
                .with_custom_certificate_verifier(verifier);
            let mut cfg = if s.keys.is_empty() {
                b.with_no_client_auth()
            } else {
                b.with_client_cert_resolver(Arc::new(KeyResolver::new(&s.keys)))
            };
            cfg.alpn_protocols = s.alpn.clone();
            cfg.enable_sni = sni;
            crate::context_ext::apply_client(s, &mut cfg);
            // CPython clients resume only a session given explicitly (`session=`), never
            // one remembered behind the user's back: the store serves each connection
            // its own values (`session_store::client_scope`).
            cfg.resumption =
                rustls::client::Resumption::store(Arc::new(crate::session_store::Dispatch));
            let cfg = Arc::new(cfg);
            cache.client[sni as usize] = Some(cfg.clone());
            Ok(cfg)
        })
    }

    /// The server config for a connection whose ALPN choice is `alpn` and that is
    /// (`resumed`) or is not expected to resume a TLS 1.3 session (cached).
    pub(crate) fn server_config(
        &self,
        alpn: Option<&[u8]>,
        resumed: bool,
    ) -> Result<Arc<ServerConfig>> {
        let hit = self.cached(|cache| {
            let (_, c) = cache
                .server
                .iter()
                .find(|((a, r), _)| a.as_deref() == alpn && *r == resumed)?;
            Some(c.clone())
        });
        if let Some(c) = hit {
            return Ok(c);
        }
        self.with_cache(|s, cache, provider| {
            if let Some((_, c)) = cache
                .server
                .iter()
                .find(|((a, r), _)| a.as_deref() == alpn && *r == resumed)
            {
                return Ok(c.clone());
            }
            let versions = versions(s)?;
            let b = ServerConfig::builder_with_provider(provider.clone())
                .with_protocol_versions(&versions)
                .map_err(|e| SslError::new(ErrorKind::Ssl, e.to_string()))?;
            let b = match super::verify::client_verifier(s, &provider) {
                Some(v) => b.with_client_cert_verifier(v),
                None => b.with_no_client_auth(),
            };
            let mut cfg = b.with_cert_resolver(Arc::new(KeyResolver::new(&s.keys)));
            cfg.alpn_protocols = alpn.map(|a| vec![a.to_vec()]).unwrap_or_default();
            cfg.ignore_client_order = s.options.contains(Options(0x0040_0000));
            cfg.max_early_data_size = 0;
            crate::context_ext::apply_server(s, &self.shared.sessions, &mut cfg, resumed);
            let cfg = Arc::new(cfg);
            cache
                .server
                .push(((alpn.map(<[u8]>::to_vec), resumed), cfg.clone()));
            Ok(cfg)
        })
    }
}

/// The signature schemes whose support [`KeyResolver`] works out once per key, so a
/// handshake asks no key (`choose_scheme` builds a signer per call); others are asked.
const KNOWN_SCHEMES: [SignatureScheme; 13] = [
    SignatureScheme::ECDSA_NISTP256_SHA256,
    SignatureScheme::ECDSA_NISTP384_SHA384,
    SignatureScheme::ECDSA_NISTP521_SHA512,
    SignatureScheme::ED25519,
    SignatureScheme::ED448,
    SignatureScheme::RSA_PSS_SHA256,
    SignatureScheme::RSA_PSS_SHA384,
    SignatureScheme::RSA_PSS_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
    SignatureScheme::RSA_PKCS1_SHA1,
    SignatureScheme::ECDSA_SHA1_Legacy,
];

/// Chooses among the loaded certificate/key pairs by the peer's signature schemes
/// (RSA + ECDSA loaded together: each client gets one it can verify).
#[derive(Debug)]
pub(crate) struct KeyResolver {
    /// Each key with a bit per [`KNOWN_SCHEMES`] entry it can sign with.
    keys: Vec<(Arc<CertifiedKey>, u16)>,
}

impl KeyResolver {
    fn new(keys: &[Arc<KeyPair>]) -> Self {
        KeyResolver {
            keys: keys
                .iter()
                .map(|k| {
                    let c = k.certified.clone();
                    let mask = KNOWN_SCHEMES
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| c.key.choose_scheme(&[**s]).is_some())
                        .fold(0_u16, |m, (i, _)| m | 1 << i);
                    (c, mask)
                })
                .collect(),
        }
    }

    fn choose(&self, schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        // The peer lists schemes in preference order; take the first we can sign with.
        for scheme in schemes {
            let known = KNOWN_SCHEMES.iter().position(|s| s == scheme);
            if let Some((k, _)) = self.keys.iter().find(|(k, mask)| match known {
                Some(i) => mask & 1 << i != 0,
                None => k.key.choose_scheme(&[*scheme]).is_some(),
            }) {
                return Some(k.clone());
            }
        }
        None
    }
}

impl ResolvesServerCert for KeyResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.choose(hello.signature_schemes())
    }
}

impl ResolvesClientCert for KeyResolver {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        self.choose(sigschemes)
    }

    fn has_certs(&self) -> bool {
        !self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(alg: &'static rcgen::SignatureAlgorithm) -> Arc<KeyPair> {
        let k = rcgen::KeyPair::generate_for(alg).expect("key");
        let der = rustls::pki_types::PrivateKeyDer::try_from(k.serialize_der()).expect("der");
        let signer = rustls::crypto::ring::sign::any_supported_type(&der).expect("signer");
        Arc::new(KeyPair {
            certified: Arc::new(CertifiedKey::new(Vec::new(), signer)),
        })
    }

    #[test]
    fn precomputed_schemes_choose_as_the_keys_do() {
        let keys = [
            key(&rcgen::PKCS_ECDSA_P384_SHA384),
            key(&rcgen::PKCS_ECDSA_P256_SHA256),
            key(&rcgen::PKCS_ED25519),
        ];
        let resolver = KeyResolver::new(&keys);
        let mut schemes = KNOWN_SCHEMES.to_vec();
        schemes.extend([
            SignatureScheme::Unknown(0x081a),
            SignatureScheme::Unknown(0x0777),
        ]);
        for s in &schemes {
            let direct = keys
                .iter()
                .find(|k| k.certified.key.choose_scheme(&[*s]).is_some())
                .map(|k| Arc::as_ptr(&k.certified));
            let got = resolver.choose(&[*s]).map(|k| Arc::as_ptr(&k));
            assert_eq!(got, direct, "{s:?}");
        }
        let p256 = Arc::as_ptr(&keys[1].certified);
        let got = resolver.choose(&[
            SignatureScheme::RSA_PSS_SHA256,
            SignatureScheme::ECDSA_NISTP256_SHA256,
        ]);
        assert_eq!(got.map(|k| Arc::as_ptr(&k)), Some(p256));
    }
}
