//! # pyssl-trust
//!
//! CA certificates and CRLs loaded the way CPython's `SSLContext` loads them
//! (`load_verify_locations`, `load_default_certs`, `get_ca_certs`, `cert_store_stats`,
//! `get_default_verify_paths`). Knows nothing about TLS connections; the core builds
//! its verifier from a [`TrustStore`].
//!
//! ```
//! use pyssl_trust::{CaData, TrustStore};
//! let mut store = TrustStore::new();
//! let err = store
//!     .load_verify_locations(Some("/nonexistent.pem".as_ref()), None, None)
//!     .unwrap_err();
//! assert_eq!(err.python_class, "FileNotFoundError");
//! assert_eq!(err.to_string(), "[Errno 2] No such file or directory");
//! assert_eq!(store.cert_store_stats().to_json().to_string(), r#"{"x509":0,"crl":0,"x509_ca":0}"#);
//! ```
#![forbid(unsafe_code)]

mod crl;
mod defaults;
mod der;
mod entry;
mod load;
mod name;
mod pem;
mod store;

pub use crl::Crl;
pub use defaults::{
    get_default_verify_paths, get_default_verify_paths_with, CertEnv, DefaultVerifyPaths,
    PlatformCerts, PlatformRoots, SystemRoots, OPENSSL_CAFILE, OPENSSL_CAFILE_ENV, OPENSSL_CAPATH,
    OPENSSL_CAPATH_ENV,
};
pub use load::{parse_ca_bundle, parse_cadata, CaBundle, CaData};
pub use name::{canonical_name, name_hash};
pub use store::{CertStoreStats, TrustStore};
