//! Link settings for the static musl binary (see README "Portability"): smaller without
//! changing what the program does.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let cfg = |key: &str| std::env::var(key).unwrap_or_default();
    if cfg("CARGO_CFG_TARGET_OS") != "linux" || cfg("CARGO_CFG_TARGET_ENV") != "musl" {
        return;
    }
    // A static-pie binary carries one 24-byte R_X86_64_RELATIVE entry per pointer in its
    // data (~6000, 146 KB); packed relative relocations (DT_RELR, which musl's static-pie
    // start-up code applies) store the same in ~2 KB. Still position-independent (ASLR).
    println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");

    // The size-tuned profile (`release-small` in the root Cargo.toml: opt-level "z",
    // panic = "abort") links with the toolchain's own LLD when it ships one (rustup does),
    // for two more savings. Build scripts are not told the profile's name or panic strategy
    // (CARGO_CFG_PANIC is the target's default), so it is read off OUT_DIR
    // (target/<triple>/release-small/build/...).
    let out_dir = PathBuf::from(cfg("OUT_DIR"));
    if !out_dir
        .components()
        .any(|c| c.as_os_str() == "release-small")
    {
        return;
    }
    let Some(gcc_ld) = rust_lld_dir() else {
        println!("cargo:warning=rust-lld not found: linking without identical code folding");
        return;
    };
    println!("cargo:rustc-link-arg-bins=-fuse-ld=lld");
    println!("cargo:rustc-link-arg-bins=-B{}", gcc_ld.display());
    // Identical code folding: merges functions with identical machine code (~30 KB of
    // generic instances). Only code is folded (LLD keeps read-only data apart), and Rust
    // does not promise distinct addresses for distinct functions.
    println!("cargo:rustc-link-arg-bins=-Wl,--icf=all");
    // No .eh_frame_hdr (~36 KB): with panic = "abort" nothing unwinds; the table only
    // served RUST_BACKTRACE printing, which in a stripped binary has no names to show.
    // A panic still prints its message and location, then aborts.
    println!("cargo:rustc-link-arg-bins=-Wl,--no-eh-frame-hdr");
    // Nor the unwind tables themselves (`.eh_frame`, ~270 KB): the unwinder finds them only
    // through the header dropped above, so they were already unreachable. An `INSERT`
    // script adds one discard rule to LLD's default layout and changes nothing else.
    let script = out_dir.join("discard-eh-frame.ld");
    let rule = "SECTIONS { /DISCARD/ : { *(.eh_frame) } } INSERT AFTER .text;\n";
    if std::fs::write(&script, rule).is_ok() {
        println!("cargo:rustc-link-arg-bins=-Wl,-T,{}", script.display());
    }
}

/// The `gcc-ld` directory of the running toolchain (holds the `ld.lld` wrapper for
/// `rust-lld` that `cc -fuse-ld=lld -B<dir>` picks up).
fn rust_lld_dir() -> Option<PathBuf> {
    let rustc = std::env::var_os("RUSTC")?;
    let host = std::env::var("HOST").ok()?;
    let out = Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let sysroot = String::from_utf8(out.stdout).ok()?;
    let dir = PathBuf::from(sysroot.trim())
        .join("lib/rustlib")
        .join(host)
        .join("bin/gcc-ld");
    dir.join("ld.lld").exists().then_some(dir)
}
