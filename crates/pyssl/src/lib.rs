//! # pyssl
//!
//! Python's `ssl` module API — `SSLContext`, `SSLObject` over `MemoryBIO`, `SSLSocket`,
//! `SSLSession`, `getpeercert()` dicts — in pure Rust, with rustls and ring underneath.
#![forbid(unsafe_code)]

pub mod constants;
mod error;
#[cfg(feature = "sockets")]
pub mod socket;

pub use constants::*;
pub use error::{ErrorKind, Result, SslError};
pub use pyssl_cert as cert;
pub use pyssl_trust as trust;
#[cfg(feature = "sockets")]
pub use socket::{SocketOptions, SslListener, SslSocket, UnwrapError};
