//! Smoke test: python3 is available (the differential tests depend on it).

#[test]
fn python3_has_ssl() {
    let out = pyssl_tests::run_python("import ssl; print(ssl.PROTOCOL_TLS_CLIENT)", &[]);
    assert_eq!(out.trim(), "16");
}
