//! `pyssl`: the command-line face of pyssl (see `pyssl --help`).
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;
mod pyjson;

/// pyssl: Python's ssl module, in pure Rust over rustls.
#[derive(Parser)]
#[command(name = "pyssl", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode a certificate the way CPython's getpeercert() shows it.
    X509(cmd::x509::Args),
    /// Run an in-memory TLS demo: fresh CA, server and create_default_context() client.
    Demo(cmd::demo::Args),
    /// Measure pyssl against raw rustls (handshakes, resumption, bulk, heap).
    Bench(cmd::bench::Args),
    /// List the cipher suites an OpenSSL cipher string selects (like `openssl ciphers`).
    Ciphers(cmd::ciphers::Args),
    /// Load a CA store like SSLContext.load_verify_locations and show what it holds.
    Trust(cmd::trust::Args),
    /// Verify a certificate chain with CPython's rules (like `openssl verify`).
    Verify(cmd::verify::Args),
    /// Connect to a TLS server and report the connection (CPython's SSLSocket view).
    #[command(name = "s_client")]
    SClient(cmd::s_client::Args),
    /// Run a TLS server on a real socket, one thread per connection.
    #[command(name = "s_server")]
    SServer(cmd::s_server::Args),
    /// Print a server's certificate as PEM (ssl.get_server_certificate).
    GetServerCertificate(cmd::get_server_certificate::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::X509(args) => cmd::x509::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Ciphers(args) => cmd::ciphers::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Trust(args) => cmd::trust::run(args),
        Command::Verify(args) => cmd::verify::run(args),
        Command::SClient(args) => cmd::s_client::run(args),
        Command::SServer(args) => cmd::s_server::run(args),
        Command::GetServerCertificate(args) => cmd::get_server_certificate::run(args),
    }
}
