//! `pyssl bench` smoke test: one tiny case, nothing timed; checks the JSON shape.

use std::process::Command;

#[test]
fn bench_json_runs_one_tiny_case() {
    let out = Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .args(["bench", "--json", "--cases", "heap-tls13", "--rounds", "1"])
        .output()
        .expect("run pyssl bench");
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let cases = v.as_array().expect("a JSON array");
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    assert_eq!(c["case"], "heap-tls13-ecdsa-p256");
    assert_eq!(c["unit"], "bytes/pair");
    // The raw rustls side always runs: an established pair holds some heap.
    assert!(c["raw"].as_f64().expect("raw figure") > 1000.0);
    for key in ["pyssl", "ratio", "ratio_lo", "ratio_hi"] {
        assert!(
            c.get(key).is_some(),
            "{key} present (null when unavailable)"
        );
    }
}

#[test]
fn bench_rejects_unknown_case() {
    let out = Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .args(["bench", "--cases", "no-such-case"])
        .output()
        .expect("run pyssl bench");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no case matches"));
}
