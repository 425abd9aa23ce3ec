//! `TrustStore::load_verify_locations(None, None, Some(cadata))` with hostile cadata: the
//! first byte picks text (even) or DER bytes (odd). A failed load must leave the store
//! unchanged; a successful one must be reflected in the stats and listings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pyssl_trust::{CaData, TrustStore};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let cadata = if kind & 1 == 0 {
        CaData::Text(String::from_utf8_lossy(rest).into_owned())
    } else {
        CaData::Der(rest.to_vec())
    };
    let mut store = TrustStore::new();
    let before = store.cert_store_stats();
    match store.load_verify_locations(None, None, Some(cadata)) {
        Ok(()) => {
            let _ = store.cert_store_stats().to_json();
            let _ = store.get_ca_certs_der();
            let _ = store.get_ca_certs_dicts();
        }
        Err(_) => assert_eq!(
            store.cert_store_stats(),
            before,
            "failed load changed the store"
        ),
    }
});
