//! # pyssl
//!
//! Python's `ssl` module API — `SSLContext`, `SSLObject` over `MemoryBIO`, `SSLSocket`,
//! `SSLSession`, `getpeercert()` dicts — in pure Rust, with rustls and ring underneath.
#![forbid(unsafe_code)]

pub mod ciphers;
pub mod constants;
mod error;
pub mod kx;
#[cfg(feature = "sockets")]
pub mod socket;
mod verifier;

mod bio;
mod context;
pub mod engine;
mod keys;
mod object;
mod session;

pub use bio::MemoryBio;
pub use constants::*;
pub use context::{create_default_context, SslContext, WrapOptions};
pub use error::{ErrorKind, Result, SslError};
pub use keys::Password;
pub use object::SslObject;
pub use pyssl_cert as cert;
pub use pyssl_trust as trust;
pub use pyssl_trust::{CaData, CertStoreStats};
pub use session::SslSession;
#[cfg(feature = "sockets")]
pub use socket::{SocketOptions, SslListener, SslSocket, UnwrapError};
pub use verifier::{verify_chain, PyVerifier, VerifyFailure, VerifyOptions, VerifyPolicy};
