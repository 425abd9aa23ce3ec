//! `pyssl_cert::cert_time_to_seconds` on arbitrary strings: a value or CPython's
//! ValueError, never a panic (no overflow on huge years or fields).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let _ = pyssl_cert::cert_time_to_seconds(s);
});
