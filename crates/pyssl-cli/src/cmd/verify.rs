//! `pyssl verify [--cafile F] [--capath D] [--host NAME] [--purpose server|client]
//! [--partial-chain] [--x509-strict] [--crl-check leaf|chain] [--json] CHAIN.pem`:
//! verifies a certificate chain the way a CPython context would (like `openssl verify`).
//!
//! CHAIN.pem holds the leaf first, then any intermediates (PEM, or one DER certificate).
//! Without `--cafile`/`--capath` the default trust store is used (`load_default_certs()`).
//! Prints `CHAIN.pem: OK` (exit 0), or `error CODE: MESSAGE` and
//! `error CHAIN.pem: verification failed` (exit 2) with OpenSSL's verify code and CPython's
//! message; unreadable input exits 1. `--json` prints one object: `file`, `ok`,
//! `verify_code` (0 when OK), `verify_message`, and `chain` — the verified chain (leaf …
//! anchor) as `getpeercert()` dicts.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pyssl::{
    verify_chain, Purpose, VerifyFlags, VerifyOptions, VERIFY_CRL_CHECK_CHAIN,
    VERIFY_CRL_CHECK_LEAF, VERIFY_X509_PARTIAL_CHAIN, VERIFY_X509_STRICT,
};
use pyssl_trust::TrustStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde_json::{json, Value};

/// Which EKU the leaf must allow.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum PurposeArg {
    /// TLS server certificate (`Purpose.SERVER_AUTH`, what a client checks).
    Server,
    /// TLS client certificate (`Purpose.CLIENT_AUTH`, what a server checks).
    Client,
}

/// CRL checking depth.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum CrlArg {
    /// `VERIFY_CRL_CHECK_LEAF`.
    Leaf,
    /// `VERIFY_CRL_CHECK_CHAIN`.
    Chain,
}

/// Arguments of `pyssl verify`.
#[derive(clap::Args)]
pub struct Args {
    /// PEM file of trusted CA certificates and CRLs (`cafile=`).
    #[arg(long, value_name = "F")]
    pub cafile: Option<PathBuf>,
    /// OpenSSL hashed directory of CA certificates (`capath=`).
    #[arg(long, value_name = "D")]
    pub capath: Option<PathBuf>,
    /// Host name or IP address the leaf must be valid for (CPython's check_hostname rules).
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// What the certificate is for.
    #[arg(long, value_enum, default_value = "server")]
    pub purpose: PurposeArg,
    /// `VERIFY_X509_PARTIAL_CHAIN`: any trusted certificate is an anchor.
    #[arg(long)]
    pub partial_chain: bool,
    /// `VERIFY_X509_STRICT`.
    #[arg(long)]
    pub x509_strict: bool,
    /// Check revocation with the CRLs of the CA file.
    #[arg(long, value_enum, value_name = "DEPTH")]
    pub crl_check: Option<CrlArg>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The chain to verify: leaf first, then intermediates.
    pub chain: PathBuf,
}

/// Runs `pyssl verify`.
pub fn run(args: Args) -> ExitCode {
    let (store, chain) = match load(&args) {
        Ok(x) => x,
        Err(msg) => {
            eprintln!("pyssl verify: {msg}");
            if args.json {
                println!("{}", crate::pyjson::dumps(&json!({"error": msg})));
            }
            return ExitCode::FAILURE;
        }
    };
    let options = VerifyOptions {
        purpose: match args.purpose {
            PurposeArg::Server => Purpose::ServerAuth,
            PurposeArg::Client => Purpose::ClientAuth,
        },
        verify_flags: flags(&args),
        hostname: args.host.clone(),
        hostname_checks_common_name: true,
    };
    let file = args.chain.display().to_string();
    let result = verify_chain(&store, &chain, &options);
    if args.json {
        let (ok, code, message, verified) = match &result {
            Ok(v) => (true, 0, "ok".to_string(), v.as_slice()),
            Err(f) => (false, f.code, f.message.clone(), &[][..]),
        };
        let dicts: Vec<Value> = verified
            .iter()
            .map(|c| match pyssl_cert::decode_cert(c.as_ref()) {
                Ok(info) => info.to_json(),
                Err(_) => Value::Null,
            })
            .collect();
        let out = json!({
            "file": file,
            "ok": ok,
            "verify_code": code,
            "verify_message": message,
            "chain": dicts,
        });
        println!("{}", crate::pyjson::dumps(&out));
    } else {
        match &result {
            Ok(_) => println!("{file}: OK"),
            Err(f) => {
                println!("error {}: {}", f.code, f.message);
                println!("error {file}: verification failed");
            }
        }
    }
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

fn flags(args: &Args) -> VerifyFlags {
    let mut f = VerifyFlags::default();
    if args.partial_chain {
        f = f | VERIFY_X509_PARTIAL_CHAIN;
    }
    if args.x509_strict {
        f = f | VERIFY_X509_STRICT;
    }
    match args.crl_check {
        Some(CrlArg::Leaf) => f = f | VERIFY_CRL_CHECK_LEAF,
        Some(CrlArg::Chain) => f = f | VERIFY_CRL_CHECK_CHAIN,
        None => {}
    }
    f
}

fn load(args: &Args) -> Result<(TrustStore, Vec<CertificateDer<'static>>), String> {
    let mut store = TrustStore::new();
    if args.cafile.is_some() || args.capath.is_some() {
        store
            .load_verify_locations(args.cafile.as_deref(), args.capath.as_deref(), None)
            .map_err(|e| e.to_string())?;
    } else {
        store.load_default_certs();
    }
    Ok((store, read_chain(&args.chain)?))
}

/// The certificates of a PEM file (or a single DER certificate), leaf first.
fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: bad PEM: {e:?}", path.display()))?;
    if !certs.is_empty() {
        return Ok(certs);
    }
    if bytes.first() == Some(&0x30) {
        return Ok(vec![CertificateDer::from(bytes)]);
    }
    Err(format!("{}: no certificate found", path.display()))
}
