//! Locating and running the python3 oracle for pyssl's own differential tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// The python3 to compare against: 3.13 under pyenv when present, else `python3`.
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

/// Runs `python3 -c CODE` with `stdin` as standard input and returns stdout; panics on failure.
pub fn run_python_stdin(code: &str, stdin: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(python3())
        .arg("-c")
        .arg(code)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
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
