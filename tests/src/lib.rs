//! Shared helpers for pyssl's integration tests: locating python3 / openssl peers,
//! running them on loopback with bounded time.
#![forbid(unsafe_code)]

pub mod peers;

pub use pyssl_testutil::{openssl, python3, python_output, run_python};

pub mod harness;
pub mod pki;
pub mod pump;
pub mod py_peers;

/// The code blocks of docs/guide.md, compiled and run as this crate's doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/guide.md")]
pub struct GuideDoctests;
