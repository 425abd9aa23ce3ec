//! One module per subcommand; each has an `Args` (clap) and a `run(Args) -> ExitCode`.

pub mod bench;
pub mod ciphers;
pub mod demo;
pub mod trust;
pub mod verify;
pub mod x509;
