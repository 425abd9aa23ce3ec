//! # pyssl-trust
//!
//! CA certificates and CRLs loaded the way CPython's `SSLContext` loads them
//! (`load_verify_locations`, `load_default_certs`, `get_ca_certs`, `cert_store_stats`,
//! `get_default_verify_paths`). Knows nothing about TLS connections; the core builds
//! its verifier from a [`TrustStore`].
#![forbid(unsafe_code)]

mod store;

pub use store::TrustStore;
