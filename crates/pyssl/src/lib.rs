//! # pyssl
//!
//! Python's `ssl` module API — `SSLContext`, `SSLObject` over `MemoryBIO`, `SSLSocket`,
//! `SSLSession`, `getpeercert()` dicts — in pure Rust, with rustls and ring underneath.
#![forbid(unsafe_code)]

pub mod constants;
mod error;
mod verifier;

pub use constants::*;
pub use error::{ErrorKind, Result, SslError};
pub use pyssl_cert as cert;
pub use pyssl_trust as trust;
pub use verifier::{verify_chain, PyVerifier, VerifyFailure, VerifyOptions, VerifyPolicy};
