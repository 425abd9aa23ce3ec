//! `pyssl::ciphers::parse_cipher_list` (`SSLContext.set_ciphers`) on arbitrary strings:
//! `SSLError("No cipher can be selected.")` or a list, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(list) = pyssl::ciphers::parse_cipher_list(s) {
        let _ = list.to_dicts();
    }
});
