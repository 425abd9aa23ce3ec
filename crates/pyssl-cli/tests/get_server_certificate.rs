//! `pyssl get-server-certificate` against `openssl s_server`, compared with CPython's
//! `ssl.get_server_certificate` on the same server.

mod common;

use common::{path, run};
use pyssl_tests::peers::{openssl_server, pki};

#[test]
fn pem_equals_cpythons_and_cafile_verifies() {
    let pair = &pki().rsa;
    let (_g, port, _rx) = openssl_server(&["-cert", path(&pair.cert), "-key", path(&pair.key)]);
    let target = format!("127.0.0.1:{port}");
    let (ok, out, err) = run(&["get-server-certificate", &target, "--timeout", "20"]);
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

    let (ok, _, err) = run(&[
        "get-server-certificate",
        &target,
        "--cafile",
        path(&pki().ca),
    ]);
    assert!(ok, "verifies against the right CA: {err}");
    let (ok, _, err) = run(&[
        "get-server-certificate",
        &target,
        "--cafile",
        path(&pki().client.cert),
    ]);
    assert!(!ok);
    assert!(err.contains("certificate verify failed"), "{err}");
}
