//! `pyssl s_client HOST:PORT ...`: connect, handshake, optionally send and read, and report
//! what CPython's `SSLSocket` would (`--json`: one object on stdout).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use pyssl::socket::{create_connection, SocketOptions};
use pyssl::{create_default_context, ErrorKind, Purpose, SslContext, SslSocket, VerifyMode};
use serde_json::{json, Value};

use super::tls_common::{
    cipher_json, fail, hex, parse_host_port, password, peercert_json, sha256_hex, usage, TlsOptions,
};

/// Most bytes `--send` collects from the peer before it stops reading.
const RECEIVE_LIMIT: usize = 64 << 20;

/// Arguments of `pyssl s_client`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The server, `HOST:PORT` (`[ADDR]:PORT` for IPv6 literals).
    pub target: String,
    /// CA certificates (PEM) to verify the server with, instead of the system roots.
    #[arg(long)]
    pub cafile: Option<PathBuf>,
    /// A directory of hashed CA certificates, instead of the system roots.
    #[arg(long)]
    pub capath: Option<PathBuf>,
    /// Do not verify the server (CERT_NONE, no hostname check).
    #[arg(long)]
    pub no_verify: bool,
    /// Verify the chain but not the host name.
    #[arg(long)]
    pub no_check_hostname: bool,
    /// The name to send as SNI and check (default: HOST).
    #[arg(long, conflicts_with = "no_sni")]
    pub servername: Option<String>,
    /// Send no SNI (`server_hostname=None`).
    #[arg(long)]
    pub no_sni: bool,
    /// Client certificate chain (PEM).
    #[arg(long)]
    pub cert: Option<PathBuf>,
    /// Client private key (PEM), when not in `--cert`.
    #[arg(long, requires = "cert")]
    pub key: Option<PathBuf>,
    /// Password of an encrypted key.
    #[arg(long)]
    pub pass: Option<String>,
    /// ALPN, TLS versions, ciphers, key log.
    #[command(flatten)]
    pub tls: TlsOptions,
    /// Reconnect N more times, resuming the previous connection's session.
    #[arg(long, default_value_t = 0)]
    pub reconnect: u32,
    /// Send TEXT (UTF-8, literal) on every connection, then read the reply.
    #[arg(long)]
    pub send: Option<String>,
    /// Socket timeout in seconds for connect, handshake and each read.
    #[arg(long, default_value_t = 10.0)]
    pub timeout: f64,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pyssl s_client`.
pub fn run(args: Args) -> ExitCode {
    let json_out = args.json;
    let (host, port) = match parse_host_port(&args.target) {
        Ok(hp) => hp,
        Err(m) => return usage(m, json_out),
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return usage("--timeout must be a positive number of seconds", json_out);
    }
    match client(&args, &host, port) {
        Ok(report) => {
            print_report(&report, json_out);
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, json_out),
    }
}

/// Builds the client context as `ssl.create_default_context(cafile=, capath=)` plus flags.
pub fn build_context(args: &Args) -> pyssl::Result<SslContext> {
    let ctx = create_default_context(
        Purpose::ServerAuth,
        args.cafile.as_deref(),
        args.capath.as_deref(),
        None,
    )?;
    if args.no_check_hostname || args.no_verify {
        ctx.set_check_hostname(false);
    }
    if args.no_verify {
        ctx.set_verify_mode(VerifyMode::CertNone)?;
    }
    if let Some(cert) = &args.cert {
        ctx.load_cert_chain(cert, args.key.as_deref(), password(args.pass.as_ref()))?;
    }
    args.tls.apply(&ctx)?;
    args.tls.apply_keylog(&ctx)?;
    Ok(ctx)
}

fn client(args: &Args, host: &str, port: u16) -> pyssl::Result<Value> {
    let ctx = build_context(args)?;
    let timeout = Duration::from_secs_f64(args.timeout);
    let server_hostname = if args.no_sni {
        None
    } else {
        Some(args.servername.clone().unwrap_or_else(|| host.to_owned()))
    };
    let mut session = None;
    let mut reused = Vec::new();
    let mut first: Option<Value> = None;
    let mut received: Option<String> = None;
    for i in 0..=args.reconnect {
        let tcp = create_connection((host, port), Some(timeout))?;
        let opts = SocketOptions {
            server_hostname: server_hostname.clone(),
            session: session.take(),
            timeout: Some(timeout),
            ..Default::default()
        };
        let mut sock = ctx.wrap_socket(tcp, opts)?;
        if first.is_none() {
            first = Some(describe(&sock));
        }
        if let Some(text) = &args.send {
            sock.sendall(text.as_bytes())?;
            let got = read_reply(&mut sock)?;
            if i == 0 {
                received = Some(String::from_utf8_lossy(&got).into_owned());
            }
        }
        reused.push(sock.session_reused());
        session = sock.session();
    }
    let mut report = first.unwrap_or_else(|| json!({}));
    report["session_reused"] = json!(reused);
    report["received"] = json!(received);
    Ok(report)
}

/// Reads until EOF, close_notify or a read timeout (which just ends reading).
fn read_reply(sock: &mut SslSocket) -> pyssl::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 16384];
    while out.len() < RECEIVE_LIMIT {
        match sock.recv_into(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::Os && e.python_class() == "TimeoutError" => break,
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// The report fields of one connection.
fn describe(sock: &SslSocket) -> Value {
    let der = sock.getpeercert_der().ok().flatten();
    let cb = |t: &str| -> Value {
        match sock.get_channel_binding(t) {
            Ok(Some(v)) => json!(hex(&v)),
            _ => Value::Null,
        }
    };
    json!({
        "version": sock.version(),
        "cipher": cipher_json(sock.cipher()),
        "alpn": sock.selected_alpn_protocol(),
        "server_hostname": sock.server_hostname(),
        "peercert": peercert_json(sock.getpeercert().ok().flatten()),
        "peercert_sha256": der.as_deref().map(sha256_hex),
        "unverified_chain": sock.get_unverified_chain().iter().map(|c| sha256_hex(c)).collect::<Vec<_>>(),
        "verified_chain": sock.get_verified_chain().iter().map(|c| sha256_hex(c)).collect::<Vec<_>>(),
        "session_reused": [],
        "channel_binding": {"tls-unique": cb("tls-unique"), "tls-exporter": cb("tls-exporter")},
        "received": null,
    })
}

fn print_report(report: &Value, json_out: bool) {
    let mut out = std::io::stdout().lock();
    if json_out {
        let _ = writeln!(out, "{report}");
    } else if let Value::Object(map) = report {
        for (k, v) in map {
            let _ = writeln!(out, "{k}: {v}");
        }
    }
    let _ = out.flush();
}
