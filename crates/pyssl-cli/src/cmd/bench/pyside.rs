//! The pyssl side: `SslContext`, `SslObject` and two `MemoryBio`s per peer, driven exactly as a
//! Python program drives `SSLObject` — `do_handshake()` until it stops asking for input, bytes
//! moved between the BIOs with `read()` / `write()`, application data through `write()` and
//! `read_into()`.

use super::cases::{Case, Work};
use super::fixtures::Fixtures;

/// Builds the pyssl closure for `case`.
pub fn work(_case: &Case, _fx: &Fixtures) -> Result<Work, String> {
    Err("pyssl engine not available yet".into())
}
