//! `load_verify_locations` argument rules and all-or-nothing loading.

mod support;

use pyssl_trust::{CaData, TrustStore};
use support::{Fixtures, Scratch};

#[test]
fn at_least_one_argument_is_required() {
    let err = TrustStore::new()
        .load_verify_locations(None, None, None)
        .unwrap_err();
    assert_eq!(err.python_class, "TypeError");
    assert_eq!(
        err.message,
        "cafile, capath and cadata cannot be all omitted"
    );
}

#[test]
fn a_failed_load_leaves_the_store_unchanged() {
    let fx = Fixtures::get();
    let dir = Scratch::new("atomic");
    let mut store = TrustStore::new();
    store
        .load_verify_locations(Some(&fx.path("root_c.pem")), None, None)
        .unwrap();
    let before = (store.cert_store_stats(), store.get_ca_certs_der());

    // Good cadata, missing cafile: CPython would keep the cadata certificates.
    let missing = dir.0.join("missing.pem");
    let err = store
        .load_verify_locations(Some(&missing), None, Some(CaData::Text(fx.pem("root_a"))))
        .unwrap_err();
    assert_eq!(err.python_class, "FileNotFoundError");
    assert_eq!(err.errno, Some(2));
    // A good certificate followed by bad base64 in the same cadata.
    let text = fx.pem("root_b") + "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n";
    let err = store.load_cadata(CaData::Text(text)).unwrap_err();
    assert_eq!(err.reason.as_deref(), Some("BAD_BASE64_DECODE"));
    // Good DER followed by a truncated one.
    let der = [fx.der("root_d"), fx.der("root_a")[..40].to_vec()].concat();
    let err = store.load_cadata(CaData::Der(der)).unwrap_err();
    assert_eq!(err.reason.as_deref(), Some("NOT_ENOUGH_DATA"));
    // A bundle whose last block is broken.
    let bad = dir.file(
        "bad.pem",
        fx.pem("root_b") + "-----BEGIN CERTIFICATE-----\nQUJD\n",
    );
    let err = store
        .load_verify_locations(Some(&bad), None, None)
        .unwrap_err();
    assert_eq!(err.to_string(), "[X509] PEM lib");

    assert_eq!((store.cert_store_stats(), store.get_ca_certs_der()), before);
    assert_eq!(store.certificates().len(), 1);
}

#[test]
fn cadata_type_and_emptiness_errors() {
    let mut store = TrustStore::new();
    let err = store.load_cadata(CaData::Text("é".into())).unwrap_err();
    assert_eq!(
        (err.python_class, err.message.as_str()),
        (
            "TypeError",
            "cadata should be an ASCII string or a bytes-like object"
        )
    );
    let err = store.load_cadata(CaData::Der(Vec::new())).unwrap_err();
    assert_eq!(
        (err.python_class, err.message.as_str()),
        ("ValueError", "Empty certificate data")
    );
    let err = store
        .load_cadata(CaData::Der(b"junk".to_vec()))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "not enough data: cadata does not contain a certificate"
    );
    assert_eq!(
        (err.library.as_deref(), err.reason.as_deref()),
        (None, None)
    );
}
