//! `pyssl_cert::decode_cert` on arbitrary bytes (PEM text or DER): an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(info) = pyssl_cert::decode_cert(data) {
        // Rendering the dict must not panic either.
        let _ = info.to_json().to_string();
    }
});
