//! `pyssl x509 FILE [--json|--pem|--der] [--all]`: decode a certificate the way
//! CPython's `getpeercert()` shows it.
//!
//! Default output is what `pprint.pprint(cert)` prints; `--json` prints the dict as JSON
//! (tuples as arrays, bytes as `{"__bytes__": "<hex>"}`), `--all` decodes every
//! certificate of a PEM bundle, `--pem` / `--der` re-encode the first certificate.
//! On failure: exit status 1, one CPython-style line on stderr, and with `--json` an
//! `{"__error__": ...}` object on stdout.

use pyssl_cert::{CertError, CertInfo};
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `pyssl x509`.
#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("format").args(["json", "pem", "der"]))]
pub struct Args {
    /// Certificate file (PEM or DER, detected).
    pub file: std::path::PathBuf,
    /// Print the dict as JSON instead of Python's pprint form.
    #[arg(long)]
    pub json: bool,
    /// Decode every certificate of a PEM bundle (with --json: a JSON array).
    #[arg(long)]
    pub all: bool,
    /// Print `DER_cert_to_PEM_cert` of the first certificate.
    #[arg(long)]
    pub pem: bool,
    /// Write the first certificate's raw DER bytes to stdout.
    #[arg(long)]
    pub der: bool,
}

/// The DER of the certificates to show: the first one, or all of them with `all`.
/// DER input is detected by its leading SEQUENCE and holds one certificate (bytes after
/// it are ignored, as OpenSSL does); anything else is read as PEM.
fn load(data: &[u8], all: bool) -> Result<Vec<Vec<u8>>, CertError> {
    if data.first() == Some(&0x30) {
        let der = pyssl_cert::der_cert_slice(data)
            .and_then(|d| pyssl_cert::decode_cert_der(d).map(|_| d));
        match der {
            Ok(d) => return Ok(vec![d.to_vec()]),
            Err(e) if !pyssl_cert::looks_like_pem(data) => return Err(e),
            Err(_) => {}
        }
    }
    if all {
        let certs = pyssl_cert::pem::all_certificates(data)?;
        if certs.is_empty() {
            return Err(CertError::ssl(
                "PEM",
                Some("NO_START_LINE"),
                "no start line",
            ));
        }
        Ok(certs)
    } else {
        Ok(vec![pyssl_cert::pem::first_certificate(data)?])
    }
}

fn run_inner(args: &Args) -> Result<Vec<u8>, CertError> {
    let data = std::fs::read(&args.file).map_err(|e| CertError::io(&e))?;
    let ders = load(&data, args.all)?;
    let infos = ders
        .iter()
        .map(|d| pyssl_cert::decode_cert_der(d))
        .collect::<Result<Vec<CertInfo>, _>>()?;
    let mut out = Vec::new();
    if args.der {
        out.extend_from_slice(&ders[0]);
    } else if args.pem {
        let mut pems: Vec<String> = ders
            .iter()
            .map(|d| pyssl_cert::der_cert_to_pem_cert(d))
            .collect();
        if !args.all {
            pems.truncate(1);
        }
        out.extend_from_slice(pems.concat().as_bytes());
    } else if args.json {
        let v = if args.all {
            serde_json::Value::Array(infos.iter().map(CertInfo::to_json).collect())
        } else {
            infos[0].to_json()
        };
        out.extend_from_slice(v.to_string().as_bytes());
        out.push(b'\n');
    } else {
        for info in &infos {
            out.extend_from_slice(info.to_python_repr().as_bytes());
            out.push(b'\n');
        }
    }
    Ok(out)
}

/// The one-line stderr form of an error.
fn error_line(e: &CertError) -> String {
    if e.python_class == "SSLError" {
        e.to_string()
    } else {
        format!("{}: {}", e.python_class, e)
    }
}

/// Runs `pyssl x509`.
pub fn run(args: Args) -> ExitCode {
    match run_inner(&args) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(&out)
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", error_line(&e));
            if args.json {
                let v = serde_json::json!({
                    "__error__": e.python_class,
                    "library": e.library,
                    "reason": e.reason,
                    "message": e.message,
                });
                println!("{v}");
            }
            ExitCode::FAILURE
        }
    }
}
