//! Portability checks for pyssl on wasm32-wasip1: the same checks run natively as a normal
//! test (`cargo test -p pyssl-wasm-test`) and, built for wasm32-wasip1, under wasmtime
//! (`.ci/run`). Every check uses only in-memory I/O plus reading fixture files from `data`.
#![forbid(unsafe_code)]

use std::path::Path;

mod handshake;

/// One named check: returns a one-line detail on success, the failure reason otherwise.
pub struct Check {
    /// Short name printed by the runner.
    pub name: &'static str,
    /// The check, given the fixture directory (`wasm-test/data`, preopened as `/data` on WASI).
    pub run: fn(&Path) -> Result<String, String>,
}

/// Every check, in the order the runner prints them.
pub const CHECKS: &[Check] = &[Check {
    name: "in-memory TLS handshake",
    run: handshake::check,
}];

/// Reads a fixture file, with the path in the error.
pub(crate) fn read(data: &Path, name: &str) -> Result<Vec<u8>, String> {
    let path = data.join(name);
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
}
