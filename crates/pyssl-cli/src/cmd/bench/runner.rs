//! Runs one case: builds both sides, sizes a short batch, then measures the sides in many
//! adjacent pairs (A B, B A, A B, …) so that drift on a shared machine hits both sides of a
//! pair alike and cancels in the pair's ratio.

use super::cases::{self, Case, Kind, Side, Work};
use super::clock::{Scope, Stamp};
use super::fixtures::Fixtures;
use super::stats::{self, Paired, Summary};
use std::io::{IsTerminal, Write};

/// Tuning for a run.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Measured pairs of rounds (one round per side each).
    pub rounds: usize,
    /// Target CPU seconds per round.
    pub target_secs: f64,
    /// Fixed iterations per batch (skips calibration), if set.
    pub iters: Option<u64>,
    /// Connection pairs alive at once in heap cases.
    pub heap_pairs: u64,
    /// Bytes per batch of the TCP bulk cases.
    pub tcp_bulk_bytes: u64,
    /// Most TCP handshakes per batch (each leaves a socket in TIME_WAIT).
    pub tcp_max_handshakes: u64,
    /// Run only this side (profiling); the other reports "not selected".
    pub only: Option<Side>,
}

/// Result of one side of one case: its summary, or why there is none.
pub type SideResult = Result<Summary, String>;

/// Result of one case.
pub struct Outcome {
    /// The case.
    pub case: Case,
    /// pyssl's figures.
    pub pyssl: SideResult,
    /// raw rustls' figures.
    pub raw: SideResult,
    /// pyssl/raw from the paired rounds, when both sides have figures.
    pub paired: Option<Paired>,
}

/// Pairs measured for heap cases: their figure is a byte count, which load does not move.
const HEAP_ROUNDS: usize = 11;

/// Progress line on stderr, shown only when stderr is a terminal.
pub struct Progress {
    on: bool,
    total: usize,
}

impl Progress {
    /// A progress reporter for `total` cases.
    pub fn new(total: usize) -> Progress {
        Progress {
            on: std::io::stderr().is_terminal(),
            total,
        }
    }

    fn show(&self, index: usize, case: &str, what: &str) {
        if self.on {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[K[{}/{}] {case}: {what}", index + 1, self.total);
            let _ = e.flush();
        }
    }

    /// Clears the line.
    pub fn done(&self) {
        if self.on {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }
}

/// Measures `case`.
pub fn run(case: &Case, fx: &Fixtures, plan: &Plan, progress: &Progress, index: usize) -> Outcome {
    progress.show(index, case.name, "setting up");
    let mut sides: Vec<(Side, Result<Work, String>)> = [Side::Pyssl, Side::Raw]
        .into_iter()
        .map(|s| match plan.only {
            Some(only) if only != s => (s, Err("not selected (--side)".to_string())),
            _ => (s, cases::work(case, s, fx)),
        })
        .collect();

    let batch = match case.kind {
        Kind::Heap => {
            // Fill the servers' session caches (256 entries, 2 tickets per TLS 1.3
            // handshake) so the rounds see steady state, not cache growth.
            progress.show(index, case.name, "warming up");
            warm_up(&mut sides, 200);
            plan.heap_pairs
        }
        Kind::TcpBulk => {
            warm_up(&mut sides, 1);
            plan.iters
                .unwrap_or(plan.tcp_bulk_bytes / cases::CHUNK as u64)
                .max(1)
        }
        _ => {
            progress.show(index, case.name, "calibrating");
            let n = calibrate(&mut sides, plan, case.kind.is_tcp());
            if case.kind == Kind::TcpHandshake {
                n.min(plan.tcp_max_handshakes)
            } else {
                n
            }
        }
    };
    let scope = if case.kind.is_tcp() {
        Scope::Process
    } else {
        Scope::Thread
    };

    let rounds = if case.kind == Kind::Heap {
        plan.rounds.min(HEAP_ROUNDS)
    } else {
        plan.rounds
    };
    let mut samples: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        progress.show(index, case.name, &format!("pair {}/{rounds}", round + 1));
        let order: [usize; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let (_, slot) = &mut sides[i];
            let Ok(work) = slot else { continue };
            // `--side` is for profilers (callgrind cannot run rustix's vDSO clock): untimed.
            let rate = case.kind.is_rate() && plan.only.is_none();
            match measure(work, batch, rate, scope) {
                Ok(v) => samples[i].push(v),
                Err(e) => *slot = Err(e),
            }
        }
    }

    let [p, r] = &samples;
    let paired = stats::paired(p, r);
    let mut results = sides.into_iter().zip(&samples).map(|((_, slot), s)| {
        slot.and_then(|_| stats::summarize(s).ok_or_else(|| "no valid samples".to_string()))
    });
    let pyssl = results.next().unwrap_or_else(|| Err("missing".into()));
    let raw = results.next().unwrap_or_else(|| Err("missing".into()));
    Outcome {
        case: *case,
        paired: paired.filter(|_| pyssl.is_ok() && raw.is_ok()),
        pyssl,
        raw,
    }
}

/// One batch: a rate (units per CPU second) or, for heap cases, the closure's own figure.
fn measure(work: &mut Work, n: u64, rate: bool, scope: Scope) -> Result<f64, String> {
    if !rate {
        return work(n);
    }
    let t = Stamp::now(scope);
    let units = work(n)?;
    let secs = t.elapsed_secs();
    if secs <= 0.0 {
        return Err("batch took no measurable CPU time".into());
    }
    Ok(units / secs)
}

/// Warms both sides up and finds a batch size taking about `plan.target_secs` on the raw side
/// (or pyssl's when raw is unavailable). A side failing here is marked unavailable.
fn calibrate(sides: &mut [(Side, Result<Work, String>)], plan: &Plan, tcp: bool) -> u64 {
    const CAP: u64 = 1 << 24;
    warm_up(sides, 1);
    if let Some(n) = plan.iters {
        return n.max(1);
    }
    let probe = sides
        .iter_mut()
        .rev() // raw first
        .find_map(|(_, slot)| slot.as_mut().ok());
    let Some(work) = probe else { return 1 };
    let scope = if tcp { Scope::Process } else { Scope::Thread };
    let mut n = 1;
    loop {
        let t = Stamp::now(scope);
        if work(n).is_err() {
            return n;
        }
        let secs = t.elapsed_secs();
        if secs >= plan.target_secs / 8.0 || n >= CAP {
            return stats::batch_size(n, secs, plan.target_secs, CAP);
        }
        n *= 4;
    }
}

/// Runs each side once with `n` iterations; a side failing is marked unavailable.
fn warm_up(sides: &mut [(Side, Result<Work, String>)], n: u64) {
    for (_, slot) in sides.iter_mut() {
        if let Ok(work) = slot {
            if let Err(e) = work(n) {
                *slot = Err(e);
            }
        }
    }
}
