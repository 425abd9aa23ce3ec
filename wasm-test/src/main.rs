//! `pyssl-wasm-test [DATA_DIR]`: runs every portability check and exits non-zero on failure.
//! Built for wasm32-wasip1 and run under wasmtime by `.ci/run`
//! (`scripts/wasm-test-runner.py --dir wasm-test/data::/data target/…/pyssl-wasm-test.wasm /data`).
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let data = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"));
    println!("pyssl portability checks on {}", std::env::consts::ARCH);
    let mut failed = 0;
    for check in pyssl_wasm_test::CHECKS {
        match (check.run)(&data) {
            Ok(detail) => println!("ok   {}: {detail}", check.name),
            Err(err) => {
                failed += 1;
                println!("FAIL {}: {err}", check.name);
            }
        }
    }
    if failed == 0 {
        println!("all {} checks passed", pyssl_wasm_test::CHECKS.len());
        ExitCode::SUCCESS
    } else {
        println!("{failed} check(s) failed");
        ExitCode::FAILURE
    }
}
