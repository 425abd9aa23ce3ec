//! `pyssl trust --json` beside its python3 mirror, for the trust CLI's differential tests
//! (each includes pyssl-trust's test support as `crate::support`).

use std::process::Command;

use serde_json::Value;

use crate::support::{python_trust, run_json, Env};

/// `pyssl trust ARGS --json` under `env`, its stdout as JSON.
pub fn pyssl_trust(args: &[&str], env: &Env) -> Value {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyssl"));
    cmd.arg("trust").args(args).arg("--json");
    env.apply(&mut cmd);
    run_json(cmd)
}

/// Asserts `pyssl trust` and CPython agree on `theirs` for `args` under `env`, values and
/// key order; returns pyssl's answer.
pub fn assert_matches(args: &[&str], env: &Env, theirs: Value) -> Value {
    let ours = pyssl_trust(args, env);
    assert_eq!(
        ours, theirs,
        "pyssl trust {args:?} under {env:?} differs from CPython"
    );
    assert_eq!(ours.to_string(), theirs.to_string(), "key order differs");
    ours
}

/// Runs both with the same arguments and environment; compares values and key order.
pub fn assert_same(args: &[&str], env: &Env) -> Value {
    assert_matches(args, env, python_trust(args, env))
}
