//! The portability checks also run natively, so a broken check shows up in
//! `cargo test --workspace` before the wasm step of CI.

#[test]
fn every_portability_check_passes_on_the_host() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut failures = Vec::new();
    for check in pyssl_wasm_test::CHECKS {
        if let Err(e) = (check.run)(&data) {
            failures.push(format!("{}: {e}", check.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
