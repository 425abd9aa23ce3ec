//! `pyssl demo` runs offline, exits 0 and shows the handshake and the hostname error.

#[test]
fn demo_prints_handshake_and_hostname_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .arg("demo")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("version:   TLSv1.3"), "{text}");
    assert!(text.contains("alpn:      'h2'"), "{text}");
    assert!(
        text.contains("'subjectAltName': (('DNS', 'localhost'), ('IP Address', '127.0.0.1'))"),
        "{text}"
    );
    assert!(text.contains("CN=pyssl demo CA"), "{text}");
    assert!(text.contains(
        "SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: \
         Hostname mismatch, certificate is not valid for 'wrong.example'."
    ), "{text}");
}
