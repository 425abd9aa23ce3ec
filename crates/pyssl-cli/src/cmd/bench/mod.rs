//! `pyssl bench [--json] [--quick] [--cases LIST]`: pyssl against raw rustls in the same run.
//!
//! Every case runs the same work twice — once through pyssl's Python-shaped API (`SslObject`
//! over `MemoryBio`, driven as a Python program drives `SSLObject`), once through rustls'
//! own buffered API with the same provider, certificates and parameters — in many short
//! adjacent pairs of rounds, timed in CPU seconds. The report gives each side's median and
//! min–max, and per case the median of the per-pair pyssl/raw ratios with a 95 % confidence
//! interval. See docs/performance.md.

mod alloc;
mod cases;
mod clock;
mod fixtures;
mod pyside;
mod raw;
mod report;
mod runner;
mod spec;
mod stats;
mod tcp;
mod wire;

use std::process::ExitCode;

/// Arguments of `pyssl bench`.
#[derive(clap::Args)]
pub struct Args {
    /// Print a JSON array (one object per case: case, unit, pyssl, raw, ratio, …).
    #[arg(long)]
    pub json: bool,
    /// Fewer, shorter rounds (the whole run takes well under a minute).
    #[arg(long)]
    pub quick: bool,
    /// Comma-separated case names or prefixes (e.g. `handshake,bulk-tls13-aes128gcm`).
    #[arg(long, value_name = "LIST")]
    pub cases: Option<String>,
    /// Measured pairs of rounds (default 201, or 41 with --quick; heap cases at most 11).
    #[arg(long, value_name = "N")]
    pub rounds: Option<usize>,
    /// Fixed iterations per batch instead of calibrating to a CPU-time target.
    #[arg(long, value_name = "N", hide = true)]
    pub iters: Option<u64>,
    /// Run only one side (`pyssl` or `raw`), untimed: for callgrind, with `--iters`.
    #[arg(long, value_name = "SIDE", hide = true)]
    pub side: Option<String>,
}

/// Runs `pyssl bench`.
pub fn run(args: Args) -> ExitCode {
    let selected = match cases::select(args.cases.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("pyssl bench: {e}");
            return ExitCode::from(2);
        }
    };
    let fx = match fixtures::Fixtures::new() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("pyssl bench: {e}");
            return ExitCode::FAILURE;
        }
    };
    let only = match args.side.as_deref() {
        None => None,
        Some("pyssl") => Some(cases::Side::Pyssl),
        Some("raw") => Some(cases::Side::Raw),
        Some(other) => {
            eprintln!("pyssl bench: --side takes pyssl or raw, not {other:?}");
            return ExitCode::from(2);
        }
    };
    let plan = runner::Plan {
        only,
        rounds: args
            .rounds
            .unwrap_or(if args.quick { 41 } else { 201 })
            .max(1),
        target_secs: if args.quick { 0.005 } else { 0.01 },
        iters: args.iters,
        heap_pairs: if args.quick { 16 } else { 64 },
        tcp_bulk_bytes: if args.quick { 16 << 20 } else { 48 << 20 },
        tcp_max_handshakes: 30,
    };
    let progress = runner::Progress::new(selected.len());
    let outcomes: Vec<runner::Outcome> = selected
        .iter()
        .enumerate()
        .map(|(i, case)| runner::run(case, &fx, &plan, &progress, i))
        .collect();
    progress.done();

    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report::json(&outcomes)).unwrap_or_default()
        );
    } else {
        let header = format!(
            "pyssl bench: {} adjacent pairs of ~{} ms rounds; rates per second of {}; \
             ratio = median of per-pair pyssl/raw (heap: bytes, lower is better)",
            plan.rounds,
            plan.target_secs * 1e3,
            clock::describe()
        );
        print!("{}", report::table(&outcomes, &header));
    }
    ExitCode::SUCCESS
}
