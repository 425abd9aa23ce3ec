//! `pyssl trust` default locations against CPython: `get_default_verify_paths()` and
//! `load_default_certs()` under explicit `SSL_CERT_FILE` / `SSL_CERT_DIR` settings (set or
//! removed for the child process only; machines here export both globally).

#[path = "../../pyssl-trust/tests/support/mod.rs"]
mod support;

#[path = "common/trust.rs"]
mod trust_cli;

use serde_json::Value;
use support::{Env, Fixtures, Scratch};
use trust_cli::{assert_same, pyssl_trust};

fn env(file: Option<&str>, dir: Option<&str>) -> Env {
    Env {
        cert_file: file.map(str::to_owned),
        cert_dir: dir.map(str::to_owned),
    }
}

#[test]
fn default_verify_paths_follow_the_environment() {
    let dir = Scratch::new("paths");
    let file = dir.file("bundle.pem", Fixtures::get().pem("root_a"));
    let file = file.to_str().unwrap();
    let d = dir.0.to_str().unwrap();
    let missing = dir.join("missing");
    let colon = format!("{d}:{d}");
    let cases = [
        env(None, None),
        env(Some(file), Some(d)),
        env(Some(""), Some("")),
        env(Some(&missing), Some(file)),
        env(Some(d), Some(&missing)),
        env(None, Some(&colon)),
        env(Some(file), None),
    ];
    for e in &cases {
        let out = assert_same(&["--binary"], e);
        assert_eq!(
            out["default_verify_paths"]["openssl_cafile"],
            "/usr/lib/ssl/cert.pem"
        );
    }
    let out = pyssl_trust(&["--binary"], &env(Some(""), Some("")));
    assert_eq!(out["default_verify_paths"]["cafile"], Value::Null);
}

#[test]
fn system_store_loads_the_debian_bundle() {
    let out = assert_same(&["--default", "--binary"], &env(None, None));
    let n = out["stats"]["x509"].as_u64().unwrap();
    assert!(n > 50, "the Debian bundle has well over 50 roots, got {n}");
    // Every root from the bundle is reported as a CA, as CPython does.
    assert_eq!(
        out["stats"]["x509_ca"],
        out["ca_certs"].as_array().unwrap().len()
    );
    // The same roots as getpeercert()-style dicts, in the same order.
    let dicts = assert_same(&["--default"], &env(None, None));
    assert_eq!(dicts["ca_certs"].as_array().unwrap().len() as u64, n);
}

#[test]
fn cert_file_and_dir_replace_each_half_independently() {
    let fx = Fixtures::get();
    let dir = Scratch::new("envs");
    let bundle: String = ["leaf", "root_c", "root_a", "inter", "root_b"]
        .iter()
        .map(|n| fx.pem(n))
        .chain([fx.crl("root_a.crl")])
        .collect();
    let bundle = dir.file("bundle.pem", bundle);
    let bundle = bundle.to_str().unwrap();
    let empty = dir.file("empty.pem", "");
    let empty = empty.to_str().unwrap();
    let bad = dir.file(
        "bad.pem",
        "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
    );
    let bad = bad.to_str().unwrap();
    let hashed = Scratch::new("hashed");
    hashed.file("root_d.pem", fx.pem("root_d"));
    support::openssl(&hashed.0, &["rehash", "."]);
    let hashed = hashed.0.to_str().unwrap();
    let empty_dir = dir.join("emptydir");
    std::fs::create_dir(&empty_dir).unwrap();

    let out = assert_same(
        &["--default", "--binary"],
        &env(Some(bundle), Some(&empty_dir)),
    );
    assert_eq!(out["stats"]["x509"], 5);
    // An explicitly empty file gives an empty store: no fallback.
    let out = assert_same(
        &["--default", "--binary"],
        &env(Some(empty), Some(&empty_dir)),
    );
    assert_eq!(out["stats"]["x509"], 0);
    let out = assert_same(&["--default", "--binary"], &env(Some(empty), None));
    assert_eq!(out["stats"]["x509"], 0);
    assert_same(&["--default", "--binary"], &env(Some(""), Some("")));
    assert_same(&["--default", "--binary"], &env(Some(bad), Some(hashed)));
    // Only SSL_CERT_DIR set: the built-in default file is still loaded.
    let out = assert_same(&["--default", "--binary"], &env(None, Some(hashed)));
    assert!(out["stats"]["x509"].as_u64().unwrap() > 50);
    // An explicit cafile first, then the defaults.
    let cafile = dir.file("ca.pem", fx.pem("root_d") + &fx.pem("root_a"));
    assert_same(
        &[
            "--cafile",
            cafile.to_str().unwrap(),
            "--default",
            "--binary",
        ],
        &env(Some(bundle), Some(hashed)),
    );
}
