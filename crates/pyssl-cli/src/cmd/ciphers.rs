//! `pyssl ciphers [STRING] [-v] [--json]`: the suites a cipher string selects, like
//! `openssl ciphers`, from the same `get_ciphers()` data `SSLContext` reports.
//!
//! The list is what CPython's `ctx.get_ciphers()` shows after `ctx.set_ciphers(STRING)` on a
//! `PROTOCOL_TLS_CLIENT` context, restricted to the suites rustls implements; without STRING
//! it is a new context's default list.

use pyssl::ciphers::CipherInfo;
use pyssl::{SslContext, PROTOCOL_TLS_CLIENT};
use std::process::ExitCode;

/// Arguments of `pyssl ciphers`.
#[derive(clap::Args)]
pub struct Args {
    /// OpenSSL cipher string (e.g. `ECDHE+AESGCM:!ECDSA`); default: CPython's default list.
    #[arg(allow_hyphen_values = true)]
    pub string: Option<String>,
    /// Verbose: one OpenSSL-style description line per suite.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Print the `get_ciphers()` dicts as Python's `json.dumps` would.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pyssl ciphers`.
pub fn run(args: Args) -> ExitCode {
    match dicts(args.string.as_deref()) {
        Ok(dicts) => {
            print_dicts(&dicts, &args);
            ExitCode::SUCCESS
        }
        Err(e) => {
            // CPython: `ssl.SSLError: ('No cipher can be selected.',)` (an SSLError
            // with a single argument prints as a tuple).
            if e.kind().is_ssl_error() {
                eprintln!("{}: ('{}',)", e.python_class(), e.message());
            } else {
                eprintln!("{}: {}", e.python_class(), e.message());
            }
            ExitCode::FAILURE
        }
    }
}

/// `ctx.get_ciphers()` after `ctx.set_ciphers(string)` on a new `PROTOCOL_TLS_CLIENT` context.
fn dicts(string: Option<&str>) -> pyssl::Result<Vec<CipherInfo>> {
    let ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
    if let Some(s) = string {
        ctx.set_ciphers(s)?;
    }
    Ok(ctx.get_ciphers())
}

fn print_dicts(dicts: &[CipherInfo], args: &Args) {
    if args.json {
        let value = serde_json::Value::Array(dicts.iter().map(|d| d.to_json()).collect());
        println!("{}", crate::pyjson::dumps(&value));
    } else if args.verbose {
        for d in dicts {
            println!("{}", d.description);
        }
    } else {
        let names: Vec<&str> = dicts.iter().map(|d| d.name).collect();
        println!("{}", names.join(":"));
    }
}
