//! `pyssl get-server-certificate` against `openssl s_server`, compared with CPython's
//! `ssl.get_server_certificate` on the same server.

use std::process::Command;

use pyssl_tests::peers::{openssl_server, pki, run_bounded, PEER_WAIT};

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn pem_equals_cpythons_and_cafile_verifies() {
    let pair = &pki().rsa;
    let (_g, port, _rx) = openssl_server(&["-cert", path(&pair.cert), "-key", path(&pair.key)]);
    let target = format!("127.0.0.1:{port}");
    let (ok, out, err) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_pyssl")).args([
            "get-server-certificate",
            &target,
            "--timeout",
            "20",
        ]),
        Vec::new(),
        PEER_WAIT,
    );
    assert!(ok, "{err}");
    let py = pyssl_tests::run_python(
        "import ssl,sys; sys.stdout.write(ssl.get_server_certificate(('127.0.0.1', int(sys.argv[1]))))",
        &[&port.to_string()],
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        py,
        "same PEM text as CPython"
    );

    let (ok, _, err) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_pyssl")).args([
            "get-server-certificate",
            &target,
            "--cafile",
            path(&pki().ca),
        ]),
        Vec::new(),
        PEER_WAIT,
    );
    assert!(ok, "verifies against the right CA: {err}");
    let (ok, _, err) = run_bounded(
        Command::new(env!("CARGO_BIN_EXE_pyssl")).args([
            "get-server-certificate",
            &target,
            "--cafile",
            path(&pki().client.cert),
        ]),
        Vec::new(),
        PEER_WAIT,
    );
    assert!(!ok);
    assert!(err.contains("certificate verify failed"), "{err}");
}
