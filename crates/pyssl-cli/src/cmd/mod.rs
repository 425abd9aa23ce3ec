//! One module per subcommand; each has an `Args` (clap) and a `run(Args) -> ExitCode`.

pub mod bench;
pub mod demo;
pub mod trust;
pub mod x509;
pub mod get_server_certificate;
pub mod s_client;
pub mod s_server;
pub mod tls_common;
#[allow(dead_code)] // used by `pyssl demo` (cmd::demo) for its loopback-TCP part
pub mod demo_tcp;
