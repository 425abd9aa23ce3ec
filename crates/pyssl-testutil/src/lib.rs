//! Test-only helpers shared by the workspace's test suites: locating python3 (the
//! differential-test oracle) and running it or the `openssl` CLI, panicking with the
//! child's stderr on failure.
//!
//! No pyssl dependency, so every crate (and `pyssl-tests`) can dev-depend on it.
#![forbid(unsafe_code)]

use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

/// Runs `python3 -c CODE ARGS...` and returns its raw stdout; panics with stderr on failure.
pub fn python_output<I, S>(code: &str, args: I) -> Vec<u8>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    checked_output(
        Command::new(python3()).arg("-c").arg(code).args(args),
        "python3",
    )
}

/// Runs `cmd` to completion and returns its stdout; panics (with its stderr) when it
/// cannot start (`what` must be installed) or fails.
pub fn checked_output(cmd: &mut Command, what: &str) -> Vec<u8> {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what} must be installed for the tests: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({cmd:?}): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `python3 -c CODE ARGS...` and returns stdout; panics with stderr on failure.
pub fn run_python(code: &str, args: &[&str]) -> String {
    String::from_utf8(python_output(code, args)).expect("python3 printed UTF-8")
}

/// Runs `python3 -c CODE` with `stdin` as standard input and returns stdout; panics on failure.
pub fn run_python_stdin(code: &str, stdin: &str) -> String {
    let mut child = Command::new(python3())
        .arg("-c")
        .arg(code)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed for the differential tests");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write to python3");
    let out = child.wait_with_output().expect("python3 output");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("python3 printed UTF-8")
}

/// Runs `openssl ARGS` in `dir`, panicking with its stderr on failure.
pub fn openssl(dir: &Path, args: &[&str]) {
    checked_output(
        Command::new("openssl").args(args).current_dir(dir),
        "the openssl CLI",
    );
}

/// Writes a fresh P-256 private key (SEC1 PEM, `openssl ecparam -genkey`) to `dir/out`.
pub fn openssl_p256_key(dir: &Path, out: &str) {
    openssl(
        dir,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            out,
        ],
    );
}

/// A tiny deterministic PRNG (xorshift64, seeded) so randomised tests reproduce.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 pseudo-random bits.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// `n` pseudo-random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
