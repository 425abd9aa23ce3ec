//! Helpers shared by the CLI integration tests: running the `pyssl` binary under test
//! (bounded in time) and starting `pyssl s_server` on an ephemeral port.
#![allow(dead_code)]

use std::process::Command;
use std::sync::mpsc::Receiver;

use pyssl_tests::peers::{pki, run_bounded, start_peer, Guard, Pair, PEER_WAIT};
use serde_json::Value;

pub use pyssl_tests::peers::path;

/// A command for the `pyssl` binary under test.
pub fn pyssl() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pyssl"))
}

/// Runs `pyssl ARGS` to completion (bounded by [`PEER_WAIT`]): (success, stdout, stderr).
pub fn run(args: &[&str]) -> (bool, Vec<u8>, String) {
    run_bounded(pyssl().args(args), Vec::new(), PEER_WAIT)
}

/// [`run`] for a command whose stdout is one JSON document: (success, JSON, stderr).
pub fn run_json(args: &[&str]) -> (bool, Value, String) {
    let (ok, out, err) = run(args);
    let text = String::from_utf8_lossy(&out);
    let v = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("stdout not JSON ({e}): {text}\nstderr: {err}"));
    (ok, v, err)
}

/// Starts `pyssl s_server ARGS`; returns its guard, the port of its `listening on` line
/// and the rest of its stdout.
pub fn s_server(args: &[&str]) -> (Guard, u16, Receiver<String>) {
    start_peer(pyssl().arg("s_server").args(args), |l| {
        l.strip_prefix("listening on 127.0.0.1:")
            .and_then(|p| p.parse::<u16>().ok())
    })
}

/// [`s_server`] serving `pair` (`--cert`, `--key`) with the `extra` arguments.
pub fn s_server_for(pair: &Pair, extra: &[&str]) -> (Guard, u16, Receiver<String>) {
    let mut args = vec!["--cert", path(&pair.cert), "--key", path(&pair.key)];
    args.extend_from_slice(extra);
    s_server(&args)
}

/// `pyssl s_client 127.0.0.1:PORT`, trusting the test CA and naming `localhost`, with
/// the `extra` arguments; stdout parsed as JSON (see [`run_json`]).
pub fn s_client_json(port: u16, extra: &[&str]) -> (bool, Value, String) {
    let target = format!("127.0.0.1:{port}");
    let mut args = vec![
        "s_client",
        &target,
        "--cafile",
        path(&pki().ca),
        "--servername",
        "localhost",
    ];
    args.extend_from_slice(extra);
    run_json(&args)
}
