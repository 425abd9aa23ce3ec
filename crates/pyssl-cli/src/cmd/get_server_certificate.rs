//! `pyssl get-server-certificate HOST:PORT [--cafile F] [--timeout S]`: prints the server's
//! certificate as PEM, like `ssl.get_server_certificate`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::tls_common::{fail, parse_host_port, usage};

/// Arguments of `pyssl get-server-certificate`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The server, `HOST:PORT` (`[ADDR]:PORT` for IPv6 literals).
    pub target: String,
    /// Verify the server's chain against these CA certificates (no verification without).
    #[arg(long)]
    pub cafile: Option<PathBuf>,
    /// Socket timeout in seconds (default: none, as CPython).
    #[arg(long)]
    pub timeout: Option<f64>,
}

/// Runs `pyssl get-server-certificate`.
pub fn run(args: Args) -> ExitCode {
    let (host, port) = match parse_host_port(&args.target) {
        Ok(hp) => hp,
        Err(m) => return usage(m, false),
    };
    let timeout = match args.timeout {
        None => None,
        Some(t) if t.is_finite() && t > 0.0 => Some(Duration::from_secs_f64(t)),
        Some(_) => return usage("--timeout must be a positive number of seconds", false),
    };
    match pyssl::socket::get_server_certificate(
        (&host, port),
        pyssl::PROTOCOL_TLS_CLIENT,
        args.cafile.as_deref(),
        timeout,
    ) {
        Ok(pem) => {
            print!("{pem}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, false),
    }
}
