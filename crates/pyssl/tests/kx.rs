//! `set_ecdh_curve` names and `load_dh_params` validation against python3.

mod common;

use pyssl::kx::{check_dh_params, ecdh_curve};
use pyssl::ErrorKind;
use serde_json::Value;
use std::path::PathBuf;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/dh")
        .join(name)
}

const PY_DH: &str = r#"
import json, re, ssl, sys
out = []
for line in sys.stdin:
    path, level = json.loads(line)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.set_ciphers("@SECLEVEL=%d:ALL" % level)
    try:
        ctx.load_dh_params(path)
        out.append(None)
    except Exception as e:
        msg = re.sub(r" \(_ssl\.c:\d+\)$", "", str(e.args[1] if len(e.args) > 1 else e))
        out.append({"type": type(e).__name__, "library": getattr(e, "library", None),
                    "reason": getattr(e, "reason", None), "message": msg,
                    "errno": e.errno if isinstance(e, OSError) and not isinstance(e, ssl.SSLError) else None})
print(json.dumps(out))
"#;

#[test]
fn load_dh_params_matches_python3() {
    let files = [
        "dh2048.pem",
        "dh1024.pem",
        "dh512.pem",
        "dhx.pem",
        "badb64.pem",
        "baddera.pem",
        "badder.pem",
        "certdh.pem",
        "dh.der",
        "empty.pem",
        "missing.pem",
        "",
    ];
    let mut cases = Vec::new();
    for f in files {
        for level in [0u8, 1, 2, 3] {
            let path = if f.is_empty() { data("") } else { data(f) };
            cases.push((path, level));
        }
    }
    let input: String = cases
        .iter()
        .map(|(p, l)| serde_json::json!([p, l]).to_string() + "\n")
        .collect();
    let py: Vec<Value> = serde_json::from_str(&common::run_python_stdin(PY_DH, &input)).unwrap();
    assert_eq!(py.len(), cases.len());
    for ((path, level), expect) in cases.iter().zip(&py) {
        let ours = check_dh_params(path, *level);
        let what = format!("{} at level {level}", path.display());
        match (expect, ours) {
            (Value::Null, Ok(())) => {}
            (Value::Null, Err(e)) => panic!("{what}: python3 accepts, pyssl: {e}"),
            (e, Ok(())) => panic!("{what}: python3 fails with {e}, pyssl accepts"),
            (e, Err(ours)) => {
                assert_eq!(e["type"], ours.python_class(), "{what}");
                if ours.kind() == ErrorKind::Os {
                    assert_eq!(e["errno"], serde_json::json!(ours.errno()), "{what}");
                } else {
                    assert_eq!(e["library"], serde_json::json!(ours.library()), "{what}");
                    assert_eq!(e["reason"], serde_json::json!(ours.reason()), "{what}");
                    assert_eq!(e["message"], ours.to_string(), "{what}");
                }
            }
        }
    }
}

const PY_CURVES: &str = r#"
import json, ssl, sys
out = []
for line in sys.stdin:
    name = json.loads(line)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        ctx.set_ecdh_curve(name)
        out.append(None)
    except Exception as e:
        out.append([type(e).__name__, str(e)])
print(json.dumps(out))
"#;

#[test]
fn set_ecdh_curve_matches_python3() {
    let names = [
        "prime256v1",
        "secp384r1",
        "X25519",
        "secp256r1",
        "P-256",
        "P-384",
        "x25519",
        "X448",
        "secp521r1",
        "brainpoolP256r1",
        "ffdhe2048",
        "secp256k1",
        "",
        "foo",
        "it's",
        "a\"b'c",
        "tab\there",
        "é",
        "nbsp\u{a0}",
        "line\u{2028}sep",
        "del\u{7f}",
    ];
    let input: String = names
        .iter()
        .map(|n| serde_json::to_string(n).unwrap() + "\n")
        .collect();
    let py: Vec<Value> =
        serde_json::from_str(&common::run_python_stdin(PY_CURVES, &input)).unwrap();
    for (name, expect) in names.iter().zip(&py) {
        match (expect, ecdh_curve(name)) {
            (Value::Null, Ok(_)) => {}
            // Curves OpenSSL has and rustls lacks: a truthful refusal.
            (Value::Null, Err(e)) => {
                assert_eq!(e.kind(), ErrorKind::NotImplemented, "{name}");
                assert!(e.to_string().contains("rustls"), "{name}");
            }
            (e, Ok(_)) => panic!("{name:?}: python3 fails with {e}, pyssl accepts"),
            (e, Err(ours)) => {
                assert_eq!(e[0], ours.python_class(), "{name:?}");
                assert_eq!(e[1], ours.to_string(), "{name:?}");
            }
        }
    }
}
