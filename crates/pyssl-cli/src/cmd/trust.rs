//! `pyssl trust [--cafile F] [--capath D] [--cadata-file F] [--cadata-der F] [--default]
//! [--binary] [--json]`: a bare `SslContext(PROTOCOL_TLS_CLIENT)` loads CA certificates
//! (one `load_verify_locations(cafile, capath, cadata=text)` call, one for the DER
//! `cadata`, then `load_default_certs()`), then `cert_store_stats()`, `get_ca_certs()` and
//! `get_default_verify_paths()` are printed.

use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine as _;
use pyssl::trust::{get_default_verify_paths, CaData};
use pyssl::{Purpose, SslContext, SslError, PROTOCOL_TLS_CLIENT};
use pyssl_cert::CertError;
use serde_json::{json, Value};

/// Arguments of `pyssl trust`.
#[derive(clap::Args)]
pub struct Args {
    /// PEM file of CA certificates and CRLs (`cafile=`).
    #[arg(long, value_name = "F")]
    pub cafile: Option<PathBuf>,
    /// OpenSSL hashed directory (`capath=`).
    #[arg(long, value_name = "D")]
    pub capath: Option<PathBuf>,
    /// File whose text is passed as `cadata=` (PEM).
    #[arg(long, value_name = "F")]
    pub cadata_file: Option<PathBuf>,
    /// File whose bytes are passed as `cadata=` (DER), in a second call.
    #[arg(long, value_name = "F")]
    pub cadata_der: Option<PathBuf>,
    /// Then call `load_default_certs()`.
    #[arg(long)]
    pub default: bool,
    /// List CA certificates as base64 DER (`get_ca_certs(binary_form=True)`).
    #[arg(long)]
    pub binary: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pyssl trust`.
pub fn run(args: Args) -> ExitCode {
    match load(&args).and_then(|ctx| report(&args, &ctx)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            if args.json {
                let error = json!({"error": {
                    "type": err.python_class(),
                    "library": err.library(),
                    "reason": err.reason(),
                    "message": err.to_string(),
                }});
                println!("{error}");
            }
            ExitCode::FAILURE
        }
    }
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, SslError> {
    Ok(std::fs::read(path)?)
}

/// Reads a file as Python's `open(path).read()` does: UTF-8 (with Python's decode error)
/// and universal newlines (`\r\n` and a lone `\r` become `\n`).
fn read_text(path: &std::path::Path) -> Result<String, SslError> {
    let bytes = read(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let err = e.utf8_error();
        let pos = err.valid_up_to();
        let (reason, span) = match err.error_len() {
            None if bytes.len() - pos > 1 => (
                "unexpected end of data",
                format!("bytes in position {pos}-{}", bytes.len() - 1),
            ),
            None => (
                "unexpected end of data",
                format!("byte 0x{:02x} in position {pos}", bytes[pos]),
            ),
            Some(_) => {
                let lead = bytes[pos];
                let reason = if (0x80..0xc2).contains(&lead) || lead > 0xf4 {
                    "invalid start byte"
                } else {
                    "invalid continuation byte"
                };
                (reason, format!("byte 0x{lead:02x} in position {pos}"))
            }
        };
        SslError::from(CertError {
            python_class: "UnicodeDecodeError",
            library: None,
            reason: Some(reason.to_owned()),
            message: format!("'utf-8' codec can't decode {span}: {reason}"),
            errno: None,
        })
    })?;
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The call sequence of the CLI contract.
fn load(args: &Args) -> Result<SslContext, SslError> {
    let ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
    if args.cafile.is_some() || args.capath.is_some() || args.cadata_file.is_some() {
        let cadata = match &args.cadata_file {
            Some(path) => Some(CaData::Text(read_text(path)?)),
            None => None,
        };
        ctx.load_verify_locations(args.cafile.as_deref(), args.capath.as_deref(), cadata)?;
    }
    if let Some(path) = &args.cadata_der {
        ctx.load_verify_locations(None, None, Some(CaData::Der(read(path)?)))?;
    }
    if args.default {
        ctx.load_default_certs(Purpose::ServerAuth)?;
    }
    Ok(ctx)
}

fn report(args: &Args, ctx: &SslContext) -> Result<(), SslError> {
    let stats = ctx.cert_store_stats();
    let paths = get_default_verify_paths();
    let ders = ctx.get_ca_certs_der();
    if args.json {
        let ca_certs: Vec<Value> = if args.binary {
            ders.iter()
                .map(|d| base64::engine::general_purpose::STANDARD.encode(d).into())
                .collect()
        } else {
            ctx.get_ca_certs()?
                .iter()
                .map(|info| info.to_json())
                .collect()
        };
        let out = json!({
            "stats": stats.to_json(),
            "ca_certs": ca_certs,
            "default_verify_paths": paths.to_json(),
        });
        println!("{out}");
        return Ok(());
    }
    println!(
        "x509: {}  crl: {}  x509_ca: {}",
        stats.x509, stats.crl, stats.x509_ca
    );
    println!("{:<40}  {:<24}  SHA-256", "subject CN", "notAfter");
    for der in &ders {
        let (cn, not_after) = match pyssl_cert::decode_cert_der(der) {
            Ok(info) => summary(&info.to_json()),
            Err(_) => ("?".to_owned(), "?".to_owned()),
        };
        let digest = ring::digest::digest(&ring::digest::SHA256, der);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        println!("{cn:<40}  {not_after:<24}  {hex}");
    }
    let embedded = ctx.trust_store().embedded_roots().len();
    if embedded > 0 {
        println!("(+ {embedded} embedded webpki-roots anchors)");
    }
    println!(
        "default verify paths: cafile={} capath={}",
        paths.cafile.as_deref().unwrap_or("None"),
        paths.capath.as_deref().unwrap_or("None")
    );
    Ok(())
}

/// The subject's last commonName and notAfter of a `getpeercert()` dict.
fn summary(dict: &Value) -> (String, String) {
    let cn = dict["subject"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|rdn| rdn.as_array().into_iter().flatten())
        .filter(|pair| pair[0] == "commonName")
        .filter_map(|pair| pair[1].as_str())
        .next_back()
        .unwrap_or("-")
        .to_owned();
    let not_after = dict["notAfter"].as_str().unwrap_or("-").to_owned();
    (cn, not_after)
}
