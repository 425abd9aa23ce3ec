//! `load_cert_chain` key formats and errors, compared with python3's `load_cert_chain`
//! on the same files: PKCS#8, PKCS#1, SEC1, encrypted PKCS#8 (PBKDF2/scrypt, AES/3DES),
//! legacy `Proc-Type: 4,ENCRYPTED` PEM (AES-128/256, DES-EDE3), wrong passwords,
//! mismatched pairs; RSA + ECDSA pairs on one context.

use std::path::{Path, PathBuf};

use pyssl::{Password, SslContext, PROTOCOL_TLS_SERVER};
use serde_json::Value;

struct Files {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Files {
    fn p(&self, name: &str) -> String {
        self.path.join(name).display().to_string()
    }
}

fn make_files() -> Files {
    let dir = tempfile::tempdir().unwrap();
    let f = Files {
        path: dir.path().to_owned(),
        _dir: dir,
    };
    let p = |n: &str| f.p(n);
    let openssl = |args: &[&str]| pyssl_tests::openssl(&f.path, args);
    for (alg, opt, out) in [
        ("RSA", "rsa_keygen_bits:2048", "rsa.key"),
        ("EC", "ec_paramgen_curve:P-256", "ec.key"),
        ("RSA", "rsa_keygen_bits:2048", "rsa2.key"),
    ] {
        openssl(&[
            "genpkey",
            "-algorithm",
            alg,
            "-pkeyopt",
            opt,
            "-out",
            &p(out),
        ]);
    }
    for k in ["rsa", "ec"] {
        openssl(&[
            "req",
            "-x509",
            "-new",
            "-key",
            &p(&format!("{k}.key")),
            "-subj",
            "/CN=localhost",
            "-days",
            "2",
            "-out",
            &p(&format!("{k}.crt")),
        ]);
    }
    // Traditional forms.
    openssl(&[
        "rsa",
        "-in",
        &p("rsa.key"),
        "-traditional",
        "-out",
        &p("rsa_pkcs1.key"),
    ]);
    openssl(&["ec", "-in", &p("ec.key"), "-out", &p("ec_sec1.key")]);
    // Encrypted PKCS#8.
    openssl(&[
        "pkcs8",
        "-topk8",
        "-in",
        &p("rsa.key"),
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:pw",
        "-out",
        &p("rsa_p8_aes.key"),
    ]);
    openssl(&[
        "pkcs8",
        "-topk8",
        "-in",
        &p("ec.key"),
        "-v2",
        "des3",
        "-passout",
        "pass:pw",
        "-out",
        &p("ec_p8_des3.key"),
    ]);
    openssl(&[
        "pkcs8",
        "-topk8",
        "-in",
        &p("ec.key"),
        "-scrypt",
        "-passout",
        "pass:pw",
        "-out",
        &p("ec_p8_scrypt.key"),
    ]);
    // Legacy encrypted PEM.
    openssl(&[
        "rsa",
        "-in",
        &p("rsa.key"),
        "-traditional",
        "-aes128",
        "-passout",
        "pass:pw",
        "-out",
        &p("rsa_legacy_aes.key"),
    ]);
    openssl(&[
        "rsa",
        "-in",
        &p("rsa.key"),
        "-traditional",
        "-des3",
        "-passout",
        "pass:pw",
        "-out",
        &p("rsa_legacy_des3.key"),
    ]);
    openssl(&[
        "ec",
        "-in",
        &p("ec.key"),
        "-aes256",
        "-passout",
        "pass:pw",
        "-out",
        &p("ec_legacy_aes.key"),
    ]);
    // A combined file: certificate + key.
    let combined = std::fs::read_to_string(p("ec.crt")).unwrap()
        + &std::fs::read_to_string(p("ec.key")).unwrap();
    std::fs::write(p("ec_combined.pem"), combined).unwrap();
    f
}

/// (cert, key, password) cases.
fn cases() -> Vec<(&'static str, Option<&'static str>, Option<&'static str>)> {
    vec![
        ("rsa.crt", Some("rsa.key"), None),
        ("rsa.crt", Some("rsa_pkcs1.key"), None),
        ("ec.crt", Some("ec_sec1.key"), None),
        ("ec_combined.pem", None, None),
        ("rsa.crt", Some("rsa_p8_aes.key"), Some("pw")),
        ("ec.crt", Some("ec_p8_des3.key"), Some("pw")),
        ("ec.crt", Some("ec_p8_scrypt.key"), Some("pw")),
        ("rsa.crt", Some("rsa_legacy_aes.key"), Some("pw")),
        ("rsa.crt", Some("rsa_legacy_des3.key"), Some("pw")),
        ("ec.crt", Some("ec_legacy_aes.key"), Some("pw")),
        ("rsa.crt", Some("rsa_p8_aes.key"), Some("wrong")),
        ("rsa.crt", Some("rsa_legacy_aes.key"), Some("wrong")),
        ("ec.crt", Some("ec_legacy_aes.key"), Some("wrong")),
        ("rsa.crt", Some("rsa2.key"), None),
        ("rsa.crt", Some("ec.key"), None),
        ("ec.crt", Some("rsa.key"), None),
        ("rsa.key", Some("rsa.key"), None),
        ("rsa.crt", Some("rsa.crt"), None),
        ("missing.crt", Some("rsa.key"), None),
        ("rsa.crt", Some("missing.key"), None),
    ]
}

const PY: &str = r#"
import json, re, ssl, sys
base = sys.argv[1]
out = []
for cert, key, pw in json.loads(sys.argv[2]):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        ctx.load_cert_chain(base + "/" + cert, key and base + "/" + key, pw)
        out.append(None)
    except Exception as e:
        out.append([type(e).__name__, getattr(e, "library", None), getattr(e, "reason", None),
                    re.sub(r" \(_ssl\.c:\d+\)$", "", str(e))])
print(json.dumps(out))
"#;

fn pyssl_result(base: &Path, cert: &str, key: Option<&str>, pw: Option<&str>) -> Value {
    let ctx = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    let key = key.map(|k| base.join(k));
    match ctx.load_cert_chain(&base.join(cert), key.as_deref(), pw.map(Password::from)) {
        Ok(()) => Value::Null,
        Err(e) => serde_json::json!([e.python_class(), e.library(), e.reason(), e.to_string()]),
    }
}

#[test]
fn key_formats_and_errors_match_python() {
    let f = make_files();
    let cases = cases();
    let arg = serde_json::to_string(&cases).unwrap();
    let py: Value = serde_json::from_str(&pyssl_tests::run_python(
        PY,
        &[&f.path.display().to_string(), &arg],
    ))
    .unwrap();
    for (i, (cert, key, pw)) in cases.iter().enumerate() {
        let ours = pyssl_result(&f.path, cert, *key, *pw);
        assert_eq!(ours, py[i], "load_cert_chain({cert}, {key:?}, {pw:?})");
    }
    // The cases above include successes for every format.
    assert!(
        py.as_array()
            .unwrap()
            .iter()
            .filter(|v| v.is_null())
            .count()
            >= 10
    );
}

#[test]
fn password_callback_only_called_for_encrypted_keys() {
    let f = make_files();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let ctx = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    let c2 = calls.clone();
    let cb = move || {
        c2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(b"pw".to_vec())
    };
    ctx.load_cert_chain(
        &f.path.join("rsa.crt"),
        Some(&f.path.join("rsa.key")),
        Some(Password::Callback(Box::new(cb.clone()))),
    )
    .unwrap();
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 0);
    ctx.load_cert_chain(
        &f.path.join("rsa.crt"),
        Some(&f.path.join("rsa_p8_aes.key")),
        Some(Password::Callback(Box::new(cb))),
    )
    .unwrap();
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    // A too-long password is CPython's ValueError.
    let e = ctx
        .load_cert_chain(
            &f.path.join("rsa.crt"),
            Some(&f.path.join("rsa_p8_aes.key")),
            Some(Password::Bytes(vec![b'x'; 1025])),
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "password cannot be longer than 1024 bytes");
    assert_eq!(e.python_class(), "ValueError");
}
