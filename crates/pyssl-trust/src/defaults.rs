//! Default verify paths: `get_default_verify_paths()`, `set_default_verify_paths()` /
//! `load_default_certs()` with OpenSSL's `SSL_CERT_FILE` / `SSL_CERT_DIR` rules, the
//! platform store, and the embedded webpki-roots fallback.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rustls_pki_types::CertificateDer;

use crate::entry::{parse_cert, Object};
use crate::load::{read_cafile, scan_capath};
use crate::store::TrustStore;

/// Name of the environment variable that replaces the default CA file.
pub const OPENSSL_CAFILE_ENV: &str = "SSL_CERT_FILE";
/// Name of the environment variable that replaces the default CA directory.
pub const OPENSSL_CAPATH_ENV: &str = "SSL_CERT_DIR";

/// OpenSSL's compiled-in default CA file (Debian's, as CPython prints it there).
#[cfg(not(any(target_os = "macos", target_os = "ios", windows)))]
pub const OPENSSL_CAFILE: &str = "/usr/lib/ssl/cert.pem";
/// OpenSSL's compiled-in default CA directory (Debian's, as CPython prints it there).
#[cfg(not(any(target_os = "macos", target_os = "ios", windows)))]
pub const OPENSSL_CAPATH: &str = "/usr/lib/ssl/certs";
/// OpenSSL's conventional default CA file on Apple platforms.
#[cfg(any(target_os = "macos", target_os = "ios"))]
pub const OPENSSL_CAFILE: &str = "/etc/ssl/cert.pem";
/// OpenSSL's conventional default CA directory on Apple platforms.
#[cfg(any(target_os = "macos", target_os = "ios"))]
pub const OPENSSL_CAPATH: &str = "/etc/ssl/certs";
/// OpenSSL's default CA file on Windows.
#[cfg(windows)]
pub const OPENSSL_CAFILE: &str = r"C:\Program Files\Common Files\SSL/cert.pem";
/// OpenSSL's default CA directory on Windows.
#[cfg(windows)]
pub const OPENSSL_CAPATH: &str = r"C:\Program Files\Common Files\SSL/certs";

/// The two environment variables as seen by one lookup. Pass an explicit value in tests
/// instead of mutating the process environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertEnv {
    /// `SSL_CERT_FILE`, if set (an empty value counts as set).
    pub cert_file: Option<OsString>,
    /// `SSL_CERT_DIR`, if set: one directory or a `:`-separated list.
    pub cert_dir: Option<OsString>,
}

impl CertEnv {
    /// The variables of this process.
    pub fn from_process() -> Self {
        CertEnv {
            cert_file: std::env::var_os(OPENSSL_CAFILE_ENV),
            cert_dir: std::env::var_os(OPENSSL_CAPATH_ENV),
        }
    }
}

/// `ssl.get_default_verify_paths()`: the `DefaultVerifyPaths` named tuple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultVerifyPaths {
    /// The effective CA file, if it is a file.
    pub cafile: Option<String>,
    /// The effective CA directory, if it is a directory.
    pub capath: Option<String>,
    /// `"SSL_CERT_FILE"`.
    pub openssl_cafile_env: String,
    /// The compiled-in default CA file.
    pub openssl_cafile: String,
    /// `"SSL_CERT_DIR"`.
    pub openssl_capath_env: String,
    /// The compiled-in default CA directory.
    pub openssl_capath: String,
}

impl DefaultVerifyPaths {
    /// As JSON with the named tuple's field order.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("cafile".into(), self.cafile.clone().into());
        m.insert("capath".into(), self.capath.clone().into());
        m.insert(
            "openssl_cafile_env".into(),
            self.openssl_cafile_env.clone().into(),
        );
        m.insert("openssl_cafile".into(), self.openssl_cafile.clone().into());
        m.insert(
            "openssl_capath_env".into(),
            self.openssl_capath_env.clone().into(),
        );
        m.insert("openssl_capath".into(), self.openssl_capath.clone().into());
        serde_json::Value::Object(m)
    }
}

/// `ssl.get_default_verify_paths()` for this process's environment.
pub fn get_default_verify_paths() -> DefaultVerifyPaths {
    get_default_verify_paths_with(&CertEnv::from_process())
}

/// `ssl.get_default_verify_paths()` for an explicit environment: the variable wins when set
/// (even to `""`); the file is kept only if it is a file, the directory only if it is a
/// directory (symlinks followed), else `None`.
///
/// ```
/// use pyssl_trust::{get_default_verify_paths_with, CertEnv};
/// let env = CertEnv { cert_file: Some("".into()), cert_dir: Some("/".into()) };
/// let paths = get_default_verify_paths_with(&env);
/// assert_eq!(paths.cafile, None);
/// assert_eq!(paths.capath.as_deref(), Some("/"));
/// assert_eq!(paths.openssl_cafile_env, "SSL_CERT_FILE");
/// ```
pub fn get_default_verify_paths_with(env: &CertEnv) -> DefaultVerifyPaths {
    let pick = |var: &Option<OsString>, default: &str| -> PathBuf {
        var.as_ref()
            .map_or_else(|| PathBuf::from(default), PathBuf::from)
    };
    let cafile = pick(&env.cert_file, OPENSSL_CAFILE);
    let capath = pick(&env.cert_dir, OPENSSL_CAPATH);
    DefaultVerifyPaths {
        cafile: cafile
            .is_file()
            .then(|| cafile.to_string_lossy().into_owned()),
        capath: capath
            .is_dir()
            .then(|| capath.to_string_lossy().into_owned()),
        openssl_cafile_env: OPENSSL_CAFILE_ENV.into(),
        openssl_cafile: OPENSSL_CAFILE.into(),
        openssl_capath_env: OPENSSL_CAPATH_ENV.into(),
        openssl_capath: OPENSSL_CAPATH.into(),
    }
}

/// What the platform offers when the environment does not override it.
#[derive(Debug, Clone, Default)]
pub struct PlatformCerts {
    /// A PEM bundle to load like `cafile` (OpenSSL-style platforms).
    pub file: Option<PathBuf>,
    /// Hashed directories to use like `capath` (OpenSSL-style platforms).
    pub dirs: Vec<PathBuf>,
    /// Certificates from an OS API (macOS keychain, Windows store).
    pub certificates: Vec<CertificateDer<'static>>,
}

/// The platform store lookup used by [`TrustStore::load_default_certs_with`]; injectable so
/// tests can simulate an empty platform. Closures returning [`PlatformCerts`] implement it.
pub trait PlatformRoots {
    /// Looks up the platform's CA locations / certificates.
    fn platform_certs(&self) -> PlatformCerts;
}

impl<F: Fn() -> PlatformCerts> PlatformRoots for F {
    fn platform_certs(&self) -> PlatformCerts {
        self()
    }
}

/// The real platform store.
///
/// On Linux and other OpenSSL-style systems: OpenSSL's default file and directory
/// (Debian: `/usr/lib/ssl/cert.pem`, `/usr/lib/ssl/certs`), or the first existing
/// well-known bundle/directory of other distributions — loaded exactly like CPython loads
/// them, so the statistics match. On macOS and Windows (with the `system-store` feature):
/// the OS store through rustls-native-certs. Elsewhere (wasm): nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRoots;

#[cfg(not(any(target_os = "macos", target_os = "ios", windows)))]
impl PlatformRoots for SystemRoots {
    fn platform_certs(&self) -> PlatformCerts {
        const FILES: &[&str] = &[
            OPENSSL_CAFILE,
            "/etc/ssl/certs/ca-certificates.crt",
            "/etc/pki/tls/certs/ca-bundle.crt",
            "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
            "/etc/ssl/ca-bundle.pem",
            "/etc/ssl/cert.pem",
            "/usr/local/share/certs/ca-root-nss.crt",
        ];
        const DIRS: &[&str] = &[OPENSSL_CAPATH, "/etc/ssl/certs", "/etc/pki/tls/certs"];
        PlatformCerts {
            file: FILES.iter().map(PathBuf::from).find(|p| p.is_file()),
            dirs: DIRS
                .iter()
                .map(PathBuf::from)
                .find(|p| p.is_dir())
                .into_iter()
                .collect(),
            certificates: Vec::new(),
        }
    }
}

#[cfg(any(target_os = "macos", target_os = "ios", windows))]
impl PlatformRoots for SystemRoots {
    fn platform_certs(&self) -> PlatformCerts {
        #[cfg(feature = "system-store")]
        let certificates = rustls_native_certs::load_native_certs().certs;
        #[cfg(not(feature = "system-store"))]
        let certificates = Vec::new();
        PlatformCerts {
            certificates,
            ..PlatformCerts::default()
        }
    }
}

fn split_dirs(dirs: &std::ffi::OsStr) -> Vec<PathBuf> {
    std::env::split_paths(dirs)
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
}

impl TrustStore {
    /// `SSLContext.load_default_certs()` (on non-Windows CPython this is
    /// `set_default_verify_paths()`): [`load_default_certs_with`](Self::load_default_certs_with)
    /// with this process's environment and the real platform store. Never fails.
    pub fn load_default_certs(&mut self) {
        self.load_default_certs_with(&CertEnv::from_process(), &SystemRoots);
    }

    /// `SSLContext.set_default_verify_paths()`: the same as
    /// [`load_default_certs`](Self::load_default_certs).
    pub fn set_default_verify_paths(&mut self) {
        self.load_default_certs();
    }

    /// Loads the default CA locations, like OpenSSL's `X509_STORE_set_default_paths`:
    ///
    /// * the CA **file**: `SSL_CERT_FILE` when set, else the platform's bundle/certificates;
    /// * the CA **directory**: `SSL_CERT_DIR` (`:`-separated) when set, else the platform's
    ///   hashed directory (certificates from directories are reported once used, as for
    ///   `capath`).
    ///
    /// Each variable replaces only its own half. Errors (missing files, bad PEM) are
    /// ignored, as OpenSSL does. When neither variable is set and the platform yields no
    /// certificate at all, the embedded webpki-roots are loaded and a warning is logged;
    /// an explicitly configured empty location stays empty.
    ///
    /// ```
    /// use pyssl_trust::{CertEnv, PlatformCerts, TrustStore};
    /// let mut store = TrustStore::new();
    /// store.load_default_certs_with(&CertEnv::default(), &|| PlatformCerts::default());
    /// assert!(!store.embedded_roots().is_empty()); // fell back to webpki-roots
    /// ```
    pub fn load_default_certs_with(&mut self, env: &CertEnv, platform: &dyn PlatformRoots) {
        let mut platform_certs: Option<PlatformCerts> = None;
        let mut lookup = || platform.platform_certs();
        let mut yielded = false;

        match &env.cert_file {
            Some(file) => {
                if let Ok(objects) = read_cafile(Path::new(file)) {
                    self.add_objects(objects);
                }
            }
            None => {
                let p = platform_certs.get_or_insert_with(&mut lookup);
                if let Some(file) = &p.file {
                    if let Ok(objects) = read_cafile(file) {
                        yielded |= !objects.is_empty();
                        self.add_objects(objects);
                    }
                }
                let objects: Vec<Object> = p
                    .certificates
                    .iter()
                    .filter_map(|der| parse_cert(der).map(|(c, _)| Object::Cert(c.into())))
                    .collect();
                yielded |= !objects.is_empty();
                self.add_objects(objects);
            }
        }

        let dirs = match &env.cert_dir {
            Some(dirs) => split_dirs(dirs),
            None => platform_certs.get_or_insert_with(&mut lookup).dirs.clone(),
        };
        for dir in dirs {
            let objects = scan_capath(&dir);
            if env.cert_dir.is_none() {
                yielded |= !objects.is_empty();
            }
            self.add_capath(objects);
        }

        if env.cert_file.is_none() && env.cert_dir.is_none() && !yielded {
            log::warn!(
                "no CA certificates found in the platform store and neither {} nor {} is set: \
                 falling back to the embedded Mozilla roots (webpki-roots)",
                OPENSSL_CAFILE_ENV,
                OPENSSL_CAPATH_ENV
            );
            self.load_webpki_roots();
        }
    }
}
