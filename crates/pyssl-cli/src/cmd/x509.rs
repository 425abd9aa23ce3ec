//! `pyssl x509 FILE [--json|--pem|--der] [--all]`.

use std::process::ExitCode;

/// Arguments of `pyssl x509`.
#[derive(clap::Args)]
pub struct Args {
    /// Certificate file (PEM or DER, detected).
    pub file: std::path::PathBuf,
}

/// Runs `pyssl x509`.
pub fn run(_args: Args) -> ExitCode {
    eprintln!("not implemented yet");
    ExitCode::FAILURE
}
