//! Shared helpers for pyssl's integration tests: locating python3 / openssl peers,
//! running them on loopback with bounded time.
#![forbid(unsafe_code)]

pub mod peers;

use std::path::PathBuf;
use std::process::Command;

/// The python3 to compare against: 3.13 under pyenv when present, else `python3`.
///
/// A missing python3 is a test failure, not a skip.
pub fn python3() -> PathBuf {
    if let Some(home) = std::env::var_os("HOME") {
        let p = PathBuf::from(home).join(".pyenv/versions/3.13.0/bin/python3");
        if p.exists() {
            return p;
        }
    }
    PathBuf::from("python3")
}

/// Runs `python3 -c CODE ARGS...` and returns stdout; panics with stderr on failure.
pub fn run_python(code: &str, args: &[&str]) -> String {
    let out = Command::new(python3())
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .expect("python3 must be installed for the differential tests");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("python3 printed UTF-8")
}

pub mod harness;
pub mod pki;
pub mod pump;

/// The code blocks of docs/guide.md, compiled and run as this crate's doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/guide.md")]
pub struct GuideDoctests;
