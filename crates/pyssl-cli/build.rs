//! Link settings for the static musl binary (see README "Portability").

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "musl" {
        // A static-pie binary carries one 24-byte R_X86_64_RELATIVE entry per pointer in its
        // data (~6000, 146 KB); packed relative relocations (DT_RELR, which musl's static-pie
        // start-up code applies) store the same in ~2 KB. Still position-independent (ASLR).
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
