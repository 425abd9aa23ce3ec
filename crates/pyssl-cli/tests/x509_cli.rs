//! `pyssl x509` end to end: output compared with python3 (`_test_decode_cert`, pprint,
//! `DER_cert_to_PEM_cert`), and bad input (empty, garbage, truncated, huge, missing)
//! giving exit status 1 with one error line — never a panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../pyssl-cert/tests/data");

fn python(code: &str, args: &[&Path]) -> Vec<u8> {
    pyssl_tests::python_output(code, args)
}

fn pyssl(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .arg("x509")
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

/// A scratch directory for this test (CARGO_TARGET_TMPDIR is per-package).
fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("x509-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Python that prints the dict for argv[1] (PEM or DER) in pyssl's JSON convention,
/// or its pprint form.
const PY: &str = r#"
import json, pprint, ssl, sys, tempfile, os
def conv(o):
    if isinstance(o, dict): return {k: conv(v) for k, v in o.items()}
    if isinstance(o, tuple): return [conv(x) for x in o]
    if isinstance(o, bytes): return {"__bytes__": o.hex()}
    return o
data = open(sys.argv[1], 'rb').read()
path = sys.argv[1]
if data[:1] == b'\x30':
    path = os.path.join(tempfile.mkdtemp(), 'c.pem')
    open(path, 'w').write(ssl.DER_cert_to_PEM_cert(data))
d = ssl._ssl._test_decode_cert(path)
if sys.argv[2] == 'json':
    print(json.dumps(conv(d)))
elif sys.argv[2] == 'pem':
    der = data if data[:1] == b'\x30' else ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())
    sys.stdout.write(ssl.DER_cert_to_PEM_cert(der))
else:
    pprint.pprint(d)
"#;

fn data_files() -> Vec<PathBuf> {
    [
        "python-org-like.pem",
        "every-san.der",
        "v1-empty-subject.der",
    ]
    .iter()
    .map(|f| Path::new(DATA).join(f))
    .collect()
}

fn normalize_json(bytes: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    v.to_string()
}

#[test]
fn json_output_matches_python() {
    for f in data_files() {
        let out = pyssl(&["--json"], &f);
        assert!(
            out.status.success(),
            "{f:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let want = python(PY, &[&f, Path::new("json")]);
        assert_eq!(normalize_json(&out.stdout), normalize_json(&want), "{f:?}");
    }
}

#[test]
fn default_output_is_pprint() {
    for f in data_files() {
        let out = pyssl(&[], &f);
        assert!(out.status.success());
        let want = python(PY, &[&f, Path::new("pprint")]);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&want),
            "{f:?}"
        );
    }
}

#[test]
fn pem_and_der_flags() {
    for f in data_files() {
        let pem = pyssl(&["--pem"], &f);
        assert!(pem.status.success());
        let want = python(PY, &[&f, Path::new("pem")]);
        assert_eq!(pem.stdout, want, "{f:?}");
        let der = pyssl(&["--der"], &f);
        assert!(der.status.success());
        let expected_der =
            pyssl_cert::pem::pem_cert_to_der_cert(std::str::from_utf8(&want).unwrap()).unwrap();
        assert_eq!(der.stdout, expected_der, "{f:?}");
    }
}

#[test]
fn all_flag_decodes_every_certificate_of_a_bundle() {
    let d = scratch("bundle");
    let a = std::fs::read_to_string(Path::new(DATA).join("python-org-like.pem")).unwrap();
    let b = pyssl_cert::der_cert_to_pem_cert(
        &std::fs::read(Path::new(DATA).join("every-san.der")).unwrap(),
    );
    let bundle = d.join("bundle.pem");
    let key = "-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n";
    std::fs::write(&bundle, format!("# a bundle\n{key}{a}\ntext between\n{b}")).unwrap();
    let out = pyssl(&["--json", "--all"], &bundle);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    let first = python(
        PY,
        &[
            &Path::new(DATA).join("python-org-like.pem"),
            Path::new("json"),
        ],
    );
    let second = python(
        PY,
        &[&Path::new(DATA).join("every-san.der"), Path::new("json")],
    );
    assert_eq!(arr[0].to_string(), normalize_json(&first));
    assert_eq!(arr[1].to_string(), normalize_json(&second));
    // Without --all only the first certificate is shown.
    let one = pyssl(&["--json"], &bundle);
    assert_eq!(normalize_json(&one.stdout), normalize_json(&first));
    // --pem --all re-encodes both.
    let pems = pyssl(&["--pem", "--all"], &bundle);
    assert_eq!(
        String::from_utf8(pems.stdout)
            .unwrap()
            .matches("-----BEGIN CERTIFICATE-----")
            .count(),
        2
    );
}

/// Runs a failing case: exit 1, exactly one stderr line, and the JSON error object.
fn expect_error(file: &Path, class: &str, library: Option<&str>) -> serde_json::Value {
    let out = pyssl(&[], file);
    assert_eq!(out.status.code(), Some(1), "{file:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err:?}");
    let out = pyssl(&["--json"], file);
    assert_eq!(out.status.code(), Some(1), "{file:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["__error__"], class, "{v}");
    assert_eq!(v["library"].as_str(), library, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
    v
}

#[test]
fn bad_input_gives_clear_errors() {
    let d = scratch("bad");
    let good_der = std::fs::read(Path::new(DATA).join("every-san.der")).unwrap();
    let write = |name: &str, data: &[u8]| {
        let p = d.join(name);
        std::fs::write(&p, data).unwrap();
        p
    };
    let v = expect_error(&write("empty", b""), "SSLError", Some("PEM"));
    assert_eq!(v["reason"], "NO_START_LINE");
    expect_error(
        &write("garbage", b"\x00\x01garbage\xff"),
        "SSLError",
        Some("PEM"),
    );
    let v = expect_error(
        &write("truncated.der", &good_der[..good_der.len() / 2]),
        "SSLError",
        Some("ASN1"),
    );
    assert!(v["reason"].is_string());
    expect_error(
        &write("header-only.der", &good_der[..3]),
        "SSLError",
        Some("ASN1"),
    );
    let truncated_pem = pyssl_cert::der_cert_to_pem_cert(&good_der[..100]);
    expect_error(
        &write("truncated.pem", truncated_pem.as_bytes()),
        "SSLError",
        Some("ASN1"),
    );
    // 10 MB of base64 inside a certificate block: decodes, then fails as DER.
    let big: Vec<u8> = (0..7_500_000u32).map(|i| (i % 251) as u8).collect();
    let big_pem = pyssl_cert::der_cert_to_pem_cert(&big);
    assert!(big_pem.len() > 10_000_000);
    expect_error(
        &write("big.pem", big_pem.as_bytes()),
        "SSLError",
        Some("ASN1"),
    );
    // 10 MB of base64 without any PEM armour.
    let raw = pyssl_cert::der_cert_to_pem_cert(&big).replace("-----BEGIN CERTIFICATE-----\n", "");
    expect_error(&write("big.b64", raw.as_bytes()), "SSLError", Some("PEM"));
    let bad_b64 = "-----BEGIN CERTIFICATE-----\nMIIB*****\n-----END CERTIFICATE-----\n";
    let v = expect_error(
        &write("badb64.pem", bad_b64.as_bytes()),
        "SSLError",
        Some("PEM"),
    );
    assert_eq!(v["reason"], "BAD_BASE64_DECODE");
    // Deeply nested indefinite-length encodings must not exhaust the stack.
    expect_error(
        &write("nested.der", &[0x30, 0x80].repeat(2_000_000)),
        "SSLError",
        Some("ASN1"),
    );
    let v = expect_error(&d.join("does-not-exist.pem"), "FileNotFoundError", None);
    assert_eq!(v["message"], "[Errno 2] No such file or directory");
    expect_error(
        &Path::new(DATA).join("san-invalid-utf8.der"),
        "UnicodeDecodeError",
        None,
    );
}

#[test]
fn der_with_trailing_bytes() {
    let d = scratch("trailing");
    let der = std::fs::read(Path::new(DATA).join("every-san.der")).unwrap();
    let p = d.join("t.der");
    std::fs::write(&p, [der.clone(), b"trailing junk".to_vec()].concat()).unwrap();
    let out = pyssl(&["--der"], &p);
    assert!(out.status.success());
    assert_eq!(out.stdout, der);
    let json = pyssl(&["--json"], &p);
    let want = python(
        PY,
        &[&Path::new(DATA).join("every-san.der"), Path::new("json")],
    );
    assert_eq!(normalize_json(&json.stdout), normalize_json(&want));
}

#[test]
fn ssl_error_line_is_cpython_style() {
    let d = scratch("line");
    let p = d.join("empty.pem");
    std::fs::write(&p, b"").unwrap();
    let out = pyssl(&[], &p);
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "[PEM: NO_START_LINE] no start line\n"
    );
}
