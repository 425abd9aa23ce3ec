//! [`SslContext`]: CPython's `ssl.SSLContext` — settings shared by every connection
//! created from it, plus the rustls configurations built from those settings.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

use pyssl_trust::{CaData, CertStoreStats, TrustStore};

use crate::bio::MemoryBio;
use crate::constants::*;
use crate::engine::config::ConfigCache;
use crate::keys::{self, KeyPair, Password};
use crate::object::SslObject;
use crate::session::SslSession;
use crate::{Result, SslError};

/// Everything a context's setters change. Copied into the config builders.
#[derive(Clone)]
pub(crate) struct Settings {
    pub(crate) protocol: Protocol,
    pub(crate) verify_mode: VerifyMode,
    pub(crate) check_hostname: bool,
    pub(crate) hostname_checks_common_name: bool,
    pub(crate) verify_flags: VerifyFlags,
    pub(crate) options: Options,
    pub(crate) minimum_version: TlsVersion,
    pub(crate) maximum_version: TlsVersion,
    pub(crate) post_handshake_auth: bool,
    pub(crate) security_level: i32,
    /// ALPN protocols in preference order (wire form).
    pub(crate) alpn: Vec<Vec<u8>>,
    /// The suites `set_ciphers` selected (CPython's default string initially).
    pub(crate) ciphers: crate::ciphers::CipherList,
    /// Certificate + key pairs, at most one per key algorithm (as OpenSSL keeps them).
    pub(crate) keys: Vec<Arc<KeyPair>>,
    /// CA certificates and CRLs.
    pub(crate) store: Arc<TrustStore>,
    /// Issue 5's settings (keylog, num_tickets, ECDH curve, …).
    pub(crate) extras: crate::context_ext::Extras,
}

pub(crate) struct Shared {
    settings: RwLock<Settings>,
    /// Bumped by every setter; configs built for an older generation are rebuilt.
    generation: AtomicU64,
    pub(crate) cache: Mutex<ConfigCache>,
    /// Server session cache, ticket keys and statistics: one set for the context's
    /// life (outside the settings lock, so handshakes count without taking it).
    pub(crate) sessions: crate::session_store::ServerSessions,
    /// `Settings::protocol`, which never changes: read without the settings lock.
    protocol: Protocol,
}

/// An SSL context, like `ssl.SSLContext`.
///
/// Cheap to clone: clones share one state (setters take `&self`). Changes apply to
/// connections created afterwards; rustls configurations are built once per change and
/// reused by every handshake.
///
/// ```
/// use pyssl::{SslContext, PROTOCOL_TLS_CLIENT, CERT_REQUIRED, CERT_NONE};
/// let ctx = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
/// assert_eq!(ctx.verify_mode(), CERT_REQUIRED);
/// assert!(ctx.check_hostname());
/// let err = ctx.set_verify_mode(CERT_NONE).unwrap_err();
/// assert_eq!(err.to_string(), "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.");
/// ```
#[derive(Clone)]
pub struct SslContext {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for SslContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.settings();
        f.debug_struct("SslContext")
            .field("protocol", &s.protocol)
            .field("verify_mode", &s.verify_mode)
            .field("check_hostname", &s.check_hostname)
            .finish_non_exhaustive()
    }
}

impl PartialEq for SslContext {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

/// Keyword arguments of `SSLContext.wrap_bio`.
#[derive(Default, Clone, Debug)]
pub struct WrapOptions {
    /// `server_side=`: act as the TLS server.
    pub server_side: bool,
    /// `server_hostname=`: SNI and the name checked against the certificate (clients).
    pub server_hostname: Option<String>,
    /// `session=`: a session to resume (clients).
    pub session: Option<SslSession>,
}

impl SslContext {
    /// `SSLContext(protocol)` with CPython's defaults for that protocol.
    ///
    /// `PROTOCOL_TLS_CLIENT` gives `CERT_REQUIRED` + `check_hostname`; the others
    /// `CERT_NONE`. Options are `OP_ALL | OP_NO_SSLv3 | OP_NO_COMPRESSION |
    /// OP_CIPHER_SERVER_PREFERENCE | OP_SINGLE_*_USE | OP_NO_RENEGOTIATION |
    /// OP_ENABLE_MIDDLEBOX_COMPAT` (0x82520050), minimum version TLS 1.2.
    /// `PROTOCOL_TLSv1`/`TLSv1_1` are refused: rustls does not implement them.
    pub fn new(protocol: Protocol) -> Result<SslContext> {
        if matches!(protocol, Protocol::TlsV1 | Protocol::TlsV1_1) {
            return Err(SslError::value(
                "invalid or unsupported protocol version (rustls implements TLS 1.2 and 1.3 only)",
            ));
        }
        let client = protocol == Protocol::TlsClient;
        let settings = Settings {
            protocol,
            verify_mode: if client { CERT_REQUIRED } else { CERT_NONE },
            check_hostname: client,
            hostname_checks_common_name: true,
            verify_flags: VERIFY_X509_TRUSTED_FIRST,
            options: Options(0x8252_0050),
            // Version-specific protocols leave the range open (the method fixes it).
            minimum_version: if protocol == Protocol::TlsV1_2 {
                TlsVersion::MinimumSupported
            } else {
                TlsVersion::TlsV1_2
            },
            maximum_version: TlsVersion::MaximumSupported,
            post_handshake_auth: false,
            security_level: 2,
            alpn: Vec::new(),
            ciphers: crate::ciphers::CipherList::default(),
            keys: Vec::new(),
            store: Arc::new(TrustStore::new()),
            extras: crate::context_ext::Extras::default(),
        };
        Ok(SslContext {
            shared: Arc::new(Shared {
                settings: RwLock::new(settings),
                generation: AtomicU64::new(1),
                cache: Mutex::new(ConfigCache::default()),
                sessions: crate::session_store::ServerSessions::default(),
                protocol,
            }),
        })
    }

    pub(crate) fn settings(&self) -> RwLockReadGuard<'_, Settings> {
        self.shared
            .settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Applies a change and invalidates cached configurations.
    pub(crate) fn update<T>(&self, f: impl FnOnce(&mut Settings) -> Result<T>) -> Result<T> {
        let mut s = self
            .shared
            .settings
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let out = f(&mut s)?;
        self.shared.generation.fetch_add(1, Ordering::AcqRel);
        Ok(out)
    }

    pub(crate) fn generation(&self) -> u64 {
        self.shared.generation.load(Ordering::Acquire)
    }

    /// A process-unique identity of this context (shared by its clones).
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.shared) as usize
    }

    /// `SSLContext.protocol`.
    pub fn protocol(&self) -> Protocol {
        self.shared.protocol
    }

    /// `SSLContext.verify_mode`.
    pub fn verify_mode(&self) -> VerifyMode {
        self.settings().verify_mode
    }

    /// Sets `verify_mode`. `CERT_NONE` while `check_hostname` is on is CPython's
    /// `ValueError`.
    pub fn set_verify_mode(&self, mode: VerifyMode) -> Result<()> {
        self.update(|s| {
            if mode == CERT_NONE && s.check_hostname {
                return Err(SslError::value(
                    "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.",
                ));
            }
            s.verify_mode = mode;
            Ok(())
        })
    }

    /// `SSLContext.check_hostname`.
    pub fn check_hostname(&self) -> bool {
        self.settings().check_hostname
    }

    /// Sets `check_hostname`; turning it on under `CERT_NONE` switches to
    /// `CERT_REQUIRED`, as CPython does.
    pub fn set_check_hostname(&self, on: bool) {
        let _ = self.update(|s| {
            if on && s.verify_mode == CERT_NONE {
                s.verify_mode = CERT_REQUIRED;
            }
            s.check_hostname = on;
            Ok(())
        });
    }

    /// `SSLContext.hostname_checks_common_name`.
    pub fn hostname_checks_common_name(&self) -> bool {
        self.settings().hostname_checks_common_name
    }

    /// Sets `hostname_checks_common_name`.
    pub fn set_hostname_checks_common_name(&self, on: bool) {
        let _ = self.update(|s| {
            s.hostname_checks_common_name = on;
            Ok(())
        });
    }

    /// `SSLContext.verify_flags`.
    pub fn verify_flags(&self) -> VerifyFlags {
        self.settings().verify_flags
    }

    /// Sets `verify_flags`.
    pub fn set_verify_flags(&self, flags: VerifyFlags) {
        let _ = self.update(|s| {
            s.verify_flags = flags;
            Ok(())
        });
    }

    /// `SSLContext.options`.
    pub fn options(&self) -> Options {
        self.settings().options
    }

    /// Sets `options`. As in CPython, `OP_NO_SSLv2` cannot be cleared (it is 0 here).
    pub fn set_options(&self, options: Options) {
        let _ = self.update(|s| {
            s.options = options;
            Ok(())
        });
    }

    /// `SSLContext.minimum_version`.
    pub fn minimum_version(&self) -> TlsVersion {
        self.settings().minimum_version
    }

    /// Sets `minimum_version`. Only for `PROTOCOL_TLS`, `_CLIENT` and `_SERVER` contexts
    /// (CPython's ValueError otherwise). An empty version range fails at handshake time
    /// with `NO_PROTOCOLS_AVAILABLE`, as OpenSSL does.
    pub fn set_minimum_version(&self, v: TlsVersion) -> Result<()> {
        self.update(|s| {
            check_version_settable(s.protocol)?;
            s.minimum_version = v;
            Ok(())
        })
    }

    /// `SSLContext.maximum_version`.
    pub fn maximum_version(&self) -> TlsVersion {
        self.settings().maximum_version
    }

    /// Sets `maximum_version` (see [`set_minimum_version`](Self::set_minimum_version)).
    pub fn set_maximum_version(&self, v: TlsVersion) -> Result<()> {
        self.update(|s| {
            check_version_settable(s.protocol)?;
            s.maximum_version = v;
            Ok(())
        })
    }

    /// `SSLContext.security_level` (2, OpenSSL's default; rustls' suites all meet it).
    pub fn security_level(&self) -> i32 {
        self.settings().security_level
    }

    /// `SSLContext.post_handshake_auth`.
    pub fn post_handshake_auth(&self) -> bool {
        self.settings().post_handshake_auth
    }

    /// Sets `post_handshake_auth`. Stored only: rustls does not implement TLS 1.3
    /// post-handshake authentication (`HAS_PHA` is false).
    pub fn set_post_handshake_auth(&self, on: bool) {
        let _ = self.update(|s| {
            s.post_handshake_auth = on;
            Ok(())
        });
    }

    /// `SSLContext.load_cert_chain(certfile, keyfile=None, password=None)`.
    ///
    /// Keys: PKCS#8, PKCS#1 (RSA), SEC1 (EC), encrypted PKCS#8 and legacy
    /// `Proc-Type: 4,ENCRYPTED` PEM. One pair per key type is kept, so an RSA and an
    /// ECDSA pair can be loaded together; the server picks per client.
    pub fn load_cert_chain(
        &self,
        certfile: &Path,
        keyfile: Option<&Path>,
        password: Option<Password>,
    ) -> Result<()> {
        let pair = keys::load_pair(certfile, keyfile, password)?;
        self.update(|s| {
            s.keys.retain(|k| k.algorithm() != pair.algorithm());
            s.keys.push(Arc::new(pair));
            Ok(())
        })
    }

    /// `SSLContext.load_verify_locations(cafile, capath, cadata)` (see
    /// [`TrustStore::load_verify_locations`] for the rules and errors).
    pub fn load_verify_locations(
        &self,
        cafile: Option<&Path>,
        capath: Option<&Path>,
        cadata: Option<CaData>,
    ) -> Result<()> {
        self.update(|s| {
            Arc::make_mut(&mut s.store).load_verify_locations(cafile, capath, cadata)?;
            Ok(())
        })
    }

    /// `SSLContext.load_default_certs(purpose)`: the platform's CA certificates (on
    /// non-Windows CPython, the same as `set_default_verify_paths()`).
    pub fn load_default_certs(&self, purpose: Purpose) -> Result<()> {
        let _ = purpose;
        self.set_default_verify_paths()
    }

    /// `SSLContext.set_default_verify_paths()`.
    pub fn set_default_verify_paths(&self) -> Result<()> {
        self.update(|s| {
            Arc::make_mut(&mut s.store).set_default_verify_paths();
            Ok(())
        })
    }

    /// `SSLContext.cert_store_stats()`: `{'x509': n, 'crl': n, 'x509_ca': n}`.
    pub fn cert_store_stats(&self) -> CertStoreStats {
        self.settings().store.cert_store_stats()
    }

    /// `SSLContext.get_ca_certs(binary_form=False)`: the CA certificates as dicts.
    pub fn get_ca_certs(&self) -> Result<Vec<pyssl_cert::CertInfo>> {
        Ok(self.settings().store.get_ca_certs_dicts()?)
    }

    /// `SSLContext.get_ca_certs(binary_form=True)`: the CA certificates' DER.
    pub fn get_ca_certs_der(&self) -> Vec<Vec<u8>> {
        self.settings().store.get_ca_certs_der()
    }

    /// The context's trust store (shared with the verifier).
    pub fn trust_store(&self) -> Arc<TrustStore> {
        self.settings().store.clone()
    }

    /// `SSLContext.set_alpn_protocols(protocols)`.
    ///
    /// ```
    /// let ctx = pyssl::SslContext::new(pyssl::PROTOCOL_TLS_SERVER).unwrap();
    /// ctx.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
    /// assert!(ctx.set_alpn_protocols(&[""]).is_err());
    /// ```
    pub fn set_alpn_protocols(&self, protocols: &[&str]) -> Result<()> {
        let mut wire = Vec::with_capacity(protocols.len());
        for p in protocols {
            let b = p.as_bytes();
            if b.is_empty() || b.len() > 255 {
                return Err(SslError::new(
                    crate::ErrorKind::Ssl,
                    "('ALPN protocols must be 1 to 255 in length',)",
                ));
            }
            wire.push(b.to_vec());
        }
        self.update(|s| {
            s.alpn = wire;
            Ok(())
        })
    }

    /// `SSLContext.set_ciphers(cipherlist)`: restricts the TLS 1.2 suites (TLS 1.3
    /// suites are unaffected, as in CPython).
    pub fn set_ciphers(&self, cipherlist: &str) -> Result<()> {
        let list = crate::ciphers::parse_cipher_list(cipherlist)?;
        self.update(|s| {
            if let Some(level) = list.security_level() {
                s.security_level = i32::from(level);
            }
            // The TLS 1.3 suites stay as `set_ciphersuites` left them (OpenSSL keeps them
            // separately too).
            s.ciphers = list.with_tls13(s.ciphers.tls13_suites());
            Ok(())
        })
    }

    /// **pyssl extension** (not in Python's `ssl`): chooses the TLS 1.3 suites and their
    /// order, like OpenSSL's `SSL_CTX_set_ciphersuites` — a colon-separated list of IANA
    /// names such as `"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"`. Unknown names
    /// are skipped; `""` disables every TLS 1.3 suite; a string naming no known suite fails
    /// with `SSLError: [SSL: NO_CIPHER_MATCH] no cipher match` and changes nothing. TLS 1.2
    /// suites stay [`set_ciphers`](Self::set_ciphers)' business. See
    /// [`parse_ciphersuites`](crate::ciphers::parse_ciphersuites) for the exact rules.
    ///
    /// ```
    /// use pyssl::{SslContext, PROTOCOL_TLS_CLIENT};
    /// let ctx = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    /// ctx.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256").unwrap();
    /// assert_eq!(ctx.get_ciphers()[0].name, "TLS_CHACHA20_POLY1305_SHA256");
    /// assert!(ctx.set_ciphersuites("nonsense").is_err());
    /// ```
    pub fn set_ciphersuites(&self, ciphersuites: &str) -> Result<()> {
        let tls13 = crate::ciphers::parse_ciphersuites(ciphersuites)?;
        self.update(|s| {
            s.ciphers = s.ciphers.with_tls13(tls13);
            Ok(())
        })
    }

    /// `SSLContext.get_ciphers()`: the enabled suites as CPython's dicts, in order.
    pub fn get_ciphers(&self) -> Vec<crate::ciphers::CipherInfo> {
        self.settings().ciphers.to_dicts()
    }

    /// `SSLContext.wrap_bio(incoming, outgoing, server_side, server_hostname, session)`.
    ///
    /// Checks as CPython: a `PROTOCOL_TLS_CLIENT` context cannot make a server, a
    /// `PROTOCOL_TLS_SERVER` context cannot make a client; `server_hostname` must not be
    /// empty or start with a dot; IDN names are converted to A-labels.
    pub fn wrap_bio(
        &self,
        incoming: MemoryBio,
        outgoing: MemoryBio,
        opts: WrapOptions,
    ) -> Result<SslObject> {
        let conn = crate::engine::Connection::new(self, opts)?;
        Ok(SslObject::new(conn, incoming, outgoing))
    }
}

fn check_version_settable(protocol: Protocol) -> Result<()> {
    match protocol {
        Protocol::Tls | Protocol::TlsClient | Protocol::TlsServer => Ok(()),
        _ => Err(SslError::value(
            "The context's protocol doesn't support modification of highest and lowest version.",
        )),
    }
}

/// `ssl.create_default_context(purpose, cafile=None, capath=None, cadata=None)` with
/// Python 3.13's settings: a client (`Purpose::ServerAuth`) or server
/// (`Purpose::ClientAuth`) context, `VERIFY_X509_PARTIAL_CHAIN | VERIFY_X509_STRICT`
/// added to the verify flags, and the system's CA certificates when no CA is given.
///
/// ```
/// use pyssl::{create_default_context, Purpose, CERT_REQUIRED};
/// let ctx = create_default_context(Purpose::ServerAuth, None, None, None).unwrap();
/// assert_eq!(ctx.verify_mode(), CERT_REQUIRED);
/// assert_eq!(ctx.verify_flags().0, 0x88020);
/// ```
pub fn create_default_context(
    purpose: Purpose,
    cafile: Option<&Path>,
    capath: Option<&Path>,
    cadata: Option<CaData>,
) -> Result<SslContext> {
    let ctx = match purpose {
        Purpose::ServerAuth => SslContext::new(Protocol::TlsClient)?,
        Purpose::ClientAuth => SslContext::new(Protocol::TlsServer)?,
    };
    ctx.set_verify_flags(ctx.verify_flags() | VERIFY_X509_PARTIAL_CHAIN | VERIFY_X509_STRICT);
    if cafile.is_some() || capath.is_some() || cadata.is_some() {
        ctx.load_verify_locations(cafile, capath, cadata)?;
    } else if ctx.verify_mode() != CERT_NONE {
        ctx.load_default_certs(purpose)?;
    }
    // As CPython's create_default_context: SSLKEYLOGFILE turns on key logging.
    if let Some(path) = std::env::var_os("SSLKEYLOGFILE").filter(|p| !p.is_empty()) {
        ctx.set_keylog_filename(Some(Path::new(&path)))?;
    }
    Ok(ctx)
}
