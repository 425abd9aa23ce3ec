//! One module per subcommand; each has an `Args` (clap) and a `run(Args) -> ExitCode`.

pub mod bench;
pub mod ciphers;
pub mod demo;
pub mod demo_tcp;
pub mod get_server_certificate;
pub mod s_client;
pub mod s_server;
pub mod tls_common;
pub mod trust;
pub mod verify;
pub mod x509;
