//! CPU time, not wall time: the machine is shared, so only CPU seconds spent by the benchmark's
//! own threads are comparable between the pyssl and raw rustls sides.
//!
//! On Unix this is `clock_gettime(CLOCK_THREAD_CPUTIME_ID / CLOCK_PROCESS_CPUTIME_ID)` through
//! rustix's safe wrapper (nanosecond resolution; `/proc/thread-self/schedstat` only moves once
//! per scheduler tick, 4 ms here, too coarse). Elsewhere wall time stands in and the report
//! says so.

/// Which CPU clock a [`Stamp`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The calling thread only (in-memory cases run on one thread).
    Thread,
    /// Every thread of the process, exited ones included (loopback TCP cases).
    Process,
}

/// Human description of the clock, for reports.
pub fn describe() -> &'static str {
    if cfg!(unix) {
        "CPU time (clock_gettime thread/process CPU clocks)"
    } else {
        "wall time (no CPU clock on this platform)"
    }
}

/// A point in CPU time.
#[derive(Clone, Copy, Debug)]
pub struct Stamp {
    scope: Scope,
    ns: u128,
}

impl Stamp {
    /// Now, in `scope`.
    pub fn now(scope: Scope) -> Stamp {
        Stamp {
            scope,
            ns: read(scope),
        }
    }

    /// CPU seconds in the same scope since `self` (a thread stamp must be read on its thread).
    pub fn elapsed_secs(&self) -> f64 {
        read(self.scope).saturating_sub(self.ns) as f64 / 1e9
    }
}

#[cfg(unix)]
fn read(scope: Scope) -> u128 {
    use rustix::time::{clock_gettime, ClockId};
    let id = match scope {
        Scope::Thread => ClockId::ThreadCPUTime,
        Scope::Process => ClockId::ProcessCPUTime,
    };
    let t = clock_gettime(id);
    (t.tv_sec.max(0) as u128) * 1_000_000_000 + t.tv_nsec.max(0) as u128
}

#[cfg(not(unix))]
fn read(_scope: Scope) -> u128 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_cpu_time_advances_with_work_and_not_backwards() {
        let t = Stamp::now(Scope::Thread);
        let mut x = 0u64;
        for i in 0..2_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        std::hint::black_box(x);
        assert!(t.elapsed_secs() > 0.0);
    }

    #[test]
    fn process_clock_counts_other_threads() {
        let t = Stamp::now(Scope::Process);
        let own = Stamp::now(Scope::Thread);
        std::thread::spawn(|| {
            let mut x = 0u64;
            for i in 0..2_000_000u64 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
            }
            std::hint::black_box(x);
        })
        .join()
        .unwrap();
        // The spawned thread's work shows in the process clock, not in ours.
        assert!(t.elapsed_secs() > own.elapsed_secs());
    }
}
