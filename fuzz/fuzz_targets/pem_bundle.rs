//! `pyssl_cert::read_pem_bundle` (certificates, keys, CRLs with text between) on arbitrary
//! bytes, plus the single-certificate helpers: errors, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(items) = pyssl_cert::read_pem_bundle(data) {
        for item in items {
            if let pyssl_cert::PemItem::Certificate(der) = item {
                let pem = pyssl_cert::der_cert_to_pem_cert(&der);
                let back = pyssl_cert::pem_cert_to_der_cert(&pem).expect("round trip");
                assert_eq!(back, der, "DER -> PEM -> DER changed the bytes");
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = pyssl_cert::pem_cert_to_der_cert(text);
    }
});
