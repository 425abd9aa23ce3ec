//! `pyssl s_server --cert F ...`: a TLS server on a real socket, one thread per connection,
//! reporting each handshake as CPython's `SSLSocket` would (`--json`: one line each).

use std::io::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use pyssl::engine::Connection;
use pyssl::socket::SocketOptions;
use pyssl::{create_default_context, Purpose, SslContext, SslError, SslSocket, VerifyMode};
use serde_json::{json, Value};

use super::tls_common::{cipher_json, error_json, fail, password, peercert_json, TlsOptions};

/// Client-certificate policy (`--verify-client`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyClient {
    /// CERT_NONE: no certificate requested.
    None,
    /// CERT_OPTIONAL: requested, not required.
    Optional,
    /// CERT_REQUIRED: a verified certificate is required.
    Required,
}

/// Arguments of `pyssl s_server`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Server certificate chain (PEM).
    #[arg(long)]
    pub cert: PathBuf,
    /// Private key (PEM), when not in `--cert`.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// Password of an encrypted key (also used for `--sni` keys).
    #[arg(long)]
    pub pass: Option<String>,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// CA certificates for verifying client certificates.
    #[arg(long)]
    pub cafile: Option<PathBuf>,
    /// Client certificate policy.
    #[arg(long, value_enum, default_value_t = VerifyClient::None)]
    pub verify_client: VerifyClient,
    /// Another certificate for an SNI name: `NAME=CERT[,KEY]` (repeatable).
    #[arg(long)]
    pub sni: Vec<String>,
    /// ALPN, TLS versions, ciphers, key log.
    #[command(flatten)]
    pub tls: TlsOptions,
    /// TLS 1.3 session tickets to send after a full handshake.
    #[arg(long)]
    pub num_tickets: Option<u32>,
    /// Echo everything back until the client's EOF.
    #[arg(long, conflicts_with = "reply")]
    pub echo: bool,
    /// Send TEXT right after the handshake, then close_notify and close.
    #[arg(long)]
    pub reply: Option<String>,
    /// Exit after this many accepted connections (failed handshakes included).
    #[arg(long)]
    pub max_conns: Option<u64>,
    /// One JSON line per handshake.
    #[arg(long)]
    pub json: bool,
}

/// Runs `pyssl s_server`.
pub fn run(args: Args) -> ExitCode {
    let json_out = args.json;
    let context = match build_contexts(&args) {
        Ok(c) => c,
        Err(e) => return fail(&e, json_out),
    };
    let listener = match TcpListener::bind((args.host.as_str(), args.port)) {
        Ok(l) => l,
        Err(e) => return fail(&pyssl::socket::os_error(&e), json_out),
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}:{}", args.host, port);
        let _ = out.flush();
    }
    let out_lock = Mutex::new(());
    let behaviour = Behaviour::of(&args);
    std::thread::scope(|scope| {
        let mut accepted = 0u64;
        while args.max_conns.is_none_or(|m| accepted < m) {
            let tcp = match listener.accept() {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    eprintln!("accept: {e}");
                    continue;
                }
            };
            accepted += 1;
            let ctx = &context;
            let out_lock = &out_lock;
            let behaviour = &behaviour;
            scope.spawn(move || serve(ctx, tcp, behaviour, json_out, out_lock));
        }
    });
    ExitCode::SUCCESS
}

/// What to do after the handshake.
enum Behaviour {
    Echo,
    Reply(Vec<u8>),
    Close,
}

impl Behaviour {
    fn of(args: &Args) -> Behaviour {
        if args.echo {
            Behaviour::Echo
        } else if let Some(r) = &args.reply {
            Behaviour::Reply(r.as_bytes().to_vec())
        } else {
            Behaviour::Close
        }
    }
}

/// The default context, with an `sni_callback` that switches a connection to the
/// `--sni NAME=CERT[,KEY]` context its ClientHello names (same options otherwise) — the
/// way a Python server does it (`ssl_sock.context = other`).
pub fn build_contexts(args: &Args) -> pyssl::Result<SslContext> {
    let default = build_context(args, &args.cert, args.key.as_deref())?;
    let mut by_name = Vec::new();
    for spec in &args.sni {
        let (name, files) = spec.split_once('=').ok_or_else(|| {
            SslError::value(format!("--sni expects NAME=CERT[,KEY], got {spec:?}"))
        })?;
        let (cert, key) = match files.split_once(',') {
            Some((c, k)) => (c, Some(std::path::Path::new(k))),
            None => (files, None),
        };
        let ctx = build_context(args, std::path::Path::new(cert), key)?;
        by_name.push((name.to_ascii_lowercase(), ctx));
    }
    if !by_name.is_empty() {
        default.set_sni_callback(Some(Arc::new(
            move |conn: &mut Connection, name: Option<&str>, _ctx: &SslContext| {
                let chosen = name.and_then(|name| {
                    by_name
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(name))
                        .map(|(_, c)| c.clone())
                });
                if let Some(ctx) = chosen {
                    conn.set_context(ctx)?;
                }
                Ok(None)
            },
        )));
    }
    Ok(default)
}

/// `create_default_context(Purpose.CLIENT_AUTH, cafile=F)` plus the flags.
pub fn build_context(
    args: &Args,
    cert: &std::path::Path,
    key: Option<&std::path::Path>,
) -> pyssl::Result<SslContext> {
    let ctx = create_default_context(Purpose::ClientAuth, args.cafile.as_deref(), None, None)?;
    ctx.load_cert_chain(cert, key, password(args.pass.as_ref()))?;
    ctx.set_verify_mode(match args.verify_client {
        VerifyClient::None => VerifyMode::CertNone,
        VerifyClient::Optional => VerifyMode::CertOptional,
        VerifyClient::Required => VerifyMode::CertRequired,
    })?;
    args.tls.apply(&ctx)?;
    if let Some(n) = args.num_tickets {
        ctx.set_num_tickets(n as usize)?;
    }
    args.tls.apply_keylog(&ctx)?;
    Ok(ctx)
}

fn emit(line: &Value, out_lock: &Mutex<()>) {
    let _g = out_lock.lock().unwrap_or_else(|p| p.into_inner());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn serve(
    ctx: &SslContext,
    tcp: TcpStream,
    behaviour: &Behaviour,
    json_out: bool,
    out_lock: &Mutex<()>,
) {
    let report_error = |e: &SslError| {
        eprintln!("{e}");
        if json_out {
            emit(&json!({ "error": error_json(e) }), out_lock);
        }
    };
    let opts = SocketOptions {
        do_handshake_on_connect: false,
        ..SocketOptions::server()
    };
    let mut sock = match ctx.wrap_socket(tcp, opts) {
        Ok(s) => s,
        Err(e) => return report_error(&e),
    };
    if let Err(e) = sock.do_handshake() {
        report_error(&e);
        // The alert is out; close without a reset so the client can read it.
        return linger_close(sock.into_inner());
    }
    let report = handshake_report(&sock);
    if json_out {
        emit(&report, out_lock);
    } else {
        emit(
            &json!(format!(
                "handshake: {} {}",
                sock.version().unwrap_or("?"),
                sock.cipher().map(|c| c.0).unwrap_or_default()
            )),
            out_lock,
        );
    }
    if let Err(e) = after_handshake(&mut sock, behaviour) {
        eprintln!("{e}");
    }
    linger_close(sock.into_inner());
}

/// Closes without a TCP reset: closing a socket with unread input (say, the client's
/// request that `--reply` never reads) makes the kernel send RST, which can destroy the
/// reply in flight. So: FIN first, then discard input until the client closes (bounded).
fn linger_close(mut tcp: TcpStream) {
    use std::io::Read as _;
    let _ = tcp.shutdown(std::net::Shutdown::Write);
    let end = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let mut buf = [0u8; 4096];
    while let Some(left) = end.checked_duration_since(std::time::Instant::now()) {
        if left.is_zero() || tcp.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match tcp.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

fn after_handshake(sock: &mut SslSocket, behaviour: &Behaviour) -> pyssl::Result<()> {
    match behaviour {
        Behaviour::Close => Ok(()),
        Behaviour::Reply(data) => {
            sock.sendall(data)?;
            sock.close_notify()
        }
        Behaviour::Echo => {
            let mut buf = vec![0u8; 16384];
            loop {
                let n = sock.recv_into(&mut buf)?;
                if n == 0 {
                    break;
                }
                sock.sendall(&buf[..n])?;
            }
            sock.close_notify()
        }
    }
}

fn handshake_report(sock: &SslSocket) -> Value {
    json!({
        "version": sock.version(),
        "cipher": cipher_json(sock.cipher()),
        "alpn": sock.selected_alpn_protocol(),
        "server_name": sock
            .ssl_object()
            .connection()
            .client_hello()
            .and_then(|h| h.server_name),
        "peercert": peercert_json(sock.getpeercert().ok().flatten()),
        "session_reused": sock.session_reused(),
    })
}
