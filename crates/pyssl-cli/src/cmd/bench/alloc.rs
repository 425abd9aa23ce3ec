//! Heap accounting for the `heap-*` cases: the `pyssl` binary's global allocator is the system
//! allocator wrapped by the `cap` crate, which counts live bytes with one relaxed atomic per
//! call. `cap` holds the `unsafe impl GlobalAlloc`; registering it needs no `unsafe` here, so
//! the workspace's `forbid(unsafe_code)` stands. Both sides of every case run under the same
//! allocator, so its small cost cancels out of the ratios.

use std::alloc::System;

#[global_allocator]
static ALLOCATOR: cap::Cap<System> = cap::Cap::new(System, usize::MAX);

/// Bytes currently allocated on the heap by the whole process.
pub fn live_bytes() -> usize {
    ALLOCATOR.allocated()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_a_live_allocation_and_its_release() {
        const MIB: usize = 1 << 20;
        // Other test threads allocate too: accept the first of a few attempts where 1 MiB
        // shows up (within 64 KiB) and goes away again.
        let seen = (0..5).any(|_| {
            let before = live_bytes();
            let v = std::hint::black_box(vec![7u8; MIB]);
            let during = live_bytes();
            drop(v);
            let after = live_bytes();
            during.abs_diff(before + MIB) < 64 << 10 && (after + MIB).abs_diff(during) < 64 << 10
        });
        assert!(seen);
    }
}
