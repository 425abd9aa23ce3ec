//! Foreign TLS peers on 127.0.0.1 for the socket interop tests: a test PKI made with the
//! `openssl` CLI, `openssl s_server`/`s_client` and python3 `ssl` scripts as child processes
//! that are always killed (guards), and bounded waits for everything.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::openssl;

/// How long any single wait on a peer may take before the test fails.
pub const PEER_WAIT: Duration = Duration::from_secs(60);

/// A child process killed (and reaped) when dropped, whatever the test's outcome.
#[derive(Debug)]
pub struct Guard(pub Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Guard {
    /// Waits up to `limit` for the child to exit; kills it and panics past that.
    pub fn wait_bounded(&mut self, limit: Duration) -> std::process::ExitStatus {
        let end = Instant::now() + limit;
        loop {
            if let Some(st) = self.0.try_wait().expect("try_wait") {
                return st;
            }
            assert!(
                Instant::now() < end,
                "peer process did not exit within {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A certificate and its key.
#[derive(Debug, Clone)]
pub struct Pair {
    /// PEM certificate.
    pub cert: PathBuf,
    /// PEM private key (unencrypted PKCS#8).
    pub key: PathBuf,
}

/// The test PKI: one CA, RSA and ECDSA server certificates for `localhost`/127.0.0.1/::1,
/// and a client certificate, all issued by the CA.
#[derive(Debug)]
pub struct Pki {
    /// Where the files live (kept for the process's life).
    pub dir: PathBuf,
    /// The CA certificate (PEM).
    pub ca: PathBuf,
    /// RSA-2048 server pair.
    pub rsa: Pair,
    /// ECDSA P-256 server pair.
    pub ecdsa: Pair,
    /// ECDSA client pair (CN=pyssl-client).
    pub client: Pair,
}

/// The shared test PKI (made once per test binary).
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("pyssl-sockets-pki")
            .tempdir()
            .expect("tempdir")
            .keep();
        let d = dir.as_path();
        pyssl_testutil::openssl_p256_key(d, "ca.key.sec1");
        openssl(
            d,
            &[
                "pkcs8",
                "-topk8",
                "-nocrypt",
                "-in",
                "ca.key.sec1",
                "-out",
                "ca.key",
            ],
        );
        openssl(
            d,
            &[
                "req",
                "-x509",
                "-new",
                "-key",
                "ca.key",
                "-sha256",
                "-days",
                "30",
                "-subj",
                "/CN=pyssl test CA/O=pyssl",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-out",
                "ca.pem",
            ],
        );
        std::fs::write(
            d.join("server.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n",
        )
        .unwrap();
        std::fs::write(
            d.join("client.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
             extendedKeyUsage=clientAuth\n",
        )
        .unwrap();
        let issue = |name: &str, newkey: &[&str], cn: &str, ext: &str| {
            let key = format!("{name}.key");
            let csr = format!("{name}.csr");
            let pem = format!("{name}.pem");
            let mut a = vec!["req", "-new", "-nodes"];
            a.extend_from_slice(newkey);
            a.extend_from_slice(&["-keyout", &key, "-subj", cn, "-out", &csr]);
            openssl(d, &a);
            openssl(
                d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "30",
                    "-sha256",
                    "-extfile",
                    ext,
                    "-out",
                    &pem,
                ],
            );
            Pair {
                cert: d.join(pem),
                key: d.join(key),
            }
        };
        let rsa = issue(
            "rsa",
            &["-newkey", "rsa:2048"],
            "/CN=localhost/O=pyssl",
            "server.ext",
        );
        let ecdsa = issue(
            "ecdsa",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "/CN=localhost/O=pyssl",
            "server.ext",
        );
        let client = issue(
            "client",
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "/CN=pyssl-client/O=pyssl",
            "client.ext",
        );
        Pki {
            ca: d.join("ca.pem"),
            dir,
            rsa,
            ecdsa,
            client,
        }
    })
}

/// A path as `&str` for a command line (test paths are UTF-8).
pub fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 test path")
}

/// An ephemeral 127.0.0.1 port that was free a moment ago (bound, then released): for a
/// peer that cannot report its port, or for a connection that must be refused.
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local_addr").port()
}

/// Spawns a child with piped stdio.
pub fn spawn(cmd: &mut Command) -> Guard {
    Guard(
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn peer"),
    )
}

/// Reads lines from `out` on a thread until `pick` accepts one (bounded by [`PEER_WAIT`]);
/// returns the picked value and a channel with the rest of the lines.
pub fn wait_for_line<T: Send + 'static>(
    out: ChildStdout,
    pick: impl Fn(&str) -> Option<T> + Send + 'static,
) -> (T, mpsc::Receiver<String>) {
    let (tx_first, rx_first) = mpsc::channel();
    let (tx_rest, rx_rest) = mpsc::channel();
    std::thread::spawn(move || {
        let mut found = false;
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if !found {
                if let Some(v) = pick(&line) {
                    found = true;
                    let _ = tx_first.send(v);
                }
                continue;
            }
            if tx_rest.send(line).is_err() {
                break;
            }
        }
    });
    let v = rx_first
        .recv_timeout(PEER_WAIT)
        .expect("peer did not print its start line in time");
    (v, rx_rest)
}

/// Spawns `cmd` with piped stdio and waits (bounded) for the start line `pick` accepts;
/// returns the guard, the picked value (usually the port) and the rest of stdout.
pub fn start_peer<T: Send + 'static>(
    cmd: &mut Command,
    pick: impl Fn(&str) -> Option<T> + Send + 'static,
) -> (Guard, T, mpsc::Receiver<String>) {
    let mut g = spawn(cmd);
    let out = g.0.stdout.take().unwrap();
    let (v, rest) = wait_for_line(out, pick);
    (g, v, rest)
}

/// `openssl s_server -accept 127.0.0.1:0 ARGS...`: returns the guard and the port.
/// stdout after the ACCEPT line comes through the receiver (when not `-quiet`).
pub fn openssl_server(args: &[&str]) -> (Guard, u16, mpsc::Receiver<String>) {
    start_peer(
        Command::new("openssl")
            .args(["s_server", "-accept", "127.0.0.1:0"])
            .args(args),
        |l| {
            l.strip_prefix("ACCEPT ")
                .and_then(|a| a.rsplit_once(':'))
                .and_then(|(_, p)| p.parse::<u16>().ok())
        },
    )
}

/// `openssl s_client` connecting to 127.0.0.1:`port`, verifying against the test CA with
/// `-servername localhost -verify_return_error -nocommands`, then the `extra` arguments.
pub fn openssl_client(port: u16, extra: &[&str]) -> Command {
    let mut cmd = Command::new("openssl");
    cmd.args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-CAfile", path(&pki().ca), "-servername", "localhost"])
        .args(["-verify_return_error", "-nocommands"])
        .args(extra);
    cmd
}

/// A `python3 -c CODE ARGS...` command.
pub fn python_cmd(code: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(crate::python3());
    cmd.arg("-c").arg(code).args(args);
    cmd
}

/// Runs `python3 -c CODE ARGS...` whose first stdout line is `PORT <n>`; returns the guard,
/// the port and the remaining lines.
pub fn python_server(code: &str, args: &[&str]) -> (Guard, u16, mpsc::Receiver<String>) {
    start_peer(&mut python_cmd(code, args), |l| {
        l.strip_prefix("PORT ").and_then(|p| p.parse().ok())
    })
}

/// Runs the python3 client `python3 -c CODE ARGS...` to completion (bounded by `limit`);
/// asserts it succeeded and returns its stdout.
pub fn python_client_stdout(code: &str, args: &[&str], limit: Duration) -> String {
    let (ok, out, err) = run_bounded(&mut python_cmd(code, args), Vec::new(), limit);
    assert!(ok, "python3 client failed: {err}");
    String::from_utf8_lossy(&out).into_owned()
}

/// [`python_client_stdout`] split into lines.
pub fn python_client_lines(code: &str, args: &[&str], limit: Duration) -> Vec<String> {
    python_client_stdout(code, args, limit)
        .lines()
        .map(str::to_owned)
        .collect()
}

/// [`python_client_stdout`] parsed as JSON.
pub fn python_client(code: &str, args: &[&str], limit: Duration) -> serde_json::Value {
    serde_json::from_str(&python_client_stdout(code, args, limit))
        .expect("python3 client printed JSON")
}

/// python3 connecting to `127.0.0.1:argv[1]` with `create_default_context(cafile=argv[2])`
/// and `server_hostname=argv[3]`: prints `null`, or the exception's type, library, reason,
/// verify_code and verify_message as JSON.
pub const PY_CONNECT_ERROR: &str = r#"
import json, socket, ssl, sys
port, cafile, name = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=cafile)
try:
    s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(port)), timeout=20), server_hostname=name)
    print(json.dumps(None))
except Exception as e:
    print(json.dumps({'type': type(e).__name__, 'library': getattr(e, 'library', None),
                      'reason': getattr(e, 'reason', None), 'verify_code': getattr(e, 'verify_code', None),
                      'verify_message': getattr(e, 'verify_message', None)}))
"#;

/// What CPython raises connecting to 127.0.0.1:`port` trusting `cafile` and naming
/// `server_hostname` (see [`PY_CONNECT_ERROR`]): `null` when it connects.
pub fn python_connect_error(port: u16, cafile: &Path, server_hostname: &str) -> serde_json::Value {
    python_client(
        PY_CONNECT_ERROR,
        &[&port.to_string(), path(cafile), server_hostname],
        PEER_WAIT,
    )
}

/// Accepts `n` TCP connections on an ephemeral 127.0.0.1 port on a thread and hands each
/// to `serve`; returns the port and the thread, which yields `serve`'s results in order.
pub fn serve_tcp<T: Send + 'static>(
    n: usize,
    mut serve: impl FnMut(std::net::TcpStream) -> T + Send + 'static,
) -> (u16, std::thread::JoinHandle<Vec<T>>) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = l.local_addr().expect("local_addr").port();
    let server = std::thread::spawn(move || {
        (0..n)
            .map(|_| serve(l.accept().expect("accept").0))
            .collect()
    });
    (port, server)
}

/// Runs a command to completion with `stdin` fed from a thread; kills it after `limit`.
/// Returns (status success, stdout, stderr).
pub fn run_bounded(cmd: &mut Command, stdin: Vec<u8>, limit: Duration) -> (bool, Vec<u8>, String) {
    let mut g = spawn(cmd);
    let mut sin = g.0.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = sin.write_all(&stdin);
    });
    let mut sout = g.0.stdout.take().unwrap();
    let mut serr = g.0.stderr.take().unwrap();
    let r_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = sout.read_to_end(&mut v);
        v
    });
    let r_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = serr.read_to_end(&mut v);
        v
    });
    let status = g.wait_bounded(limit);
    let _ = writer.join();
    let out = r_out.join().unwrap();
    let err = String::from_utf8_lossy(&r_err.join().unwrap()).into_owned();
    (status.success(), out, err)
}

/// A line received within [`PEER_WAIT`], or a panic naming `what`.
pub fn next_line(rx: &mpsc::Receiver<String>, what: &str) -> String {
    rx.recv_timeout(PEER_WAIT)
        .unwrap_or_else(|_| panic!("no {what} line from the peer in time"))
}

/// `n` deterministic pseudo-random bytes (xorshift64*, seeded).
pub fn pattern(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut v = Vec::with_capacity(n + 8);
    while v.len() < n {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        v.extend_from_slice(&x.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes());
    }
    v.truncate(n);
    v
}

/// The DER of the (first) certificate in the PEM file `p`.
pub fn cert_der(p: &Path) -> Vec<u8> {
    use rustls_pki_types::pem::PemObject as _;
    rustls_pki_types::CertificateDer::from_pem_file(p)
        .expect("PEM certificate file")
        .to_vec()
}

/// Lowercase hex.
pub fn hex(data: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(2 * data.len());
    for b in data {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Exactly `n` bytes of application data from `s`, by `recv` calls of at most 100 bytes
/// (an empty `recv` before that, EOF, fails the test).
pub fn recv_exact<T: pyssl::socket::Transport>(s: &mut pyssl::SslSocket<T>, n: usize) -> Vec<u8> {
    let mut got = Vec::new();
    while got.len() < n {
        let b = s.recv(100).unwrap();
        assert!(!b.is_empty(), "EOF after {} of {n} bytes", got.len());
        got.extend(b);
    }
    got
}

/// SHA-256, lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
}

/// Bulk size for the "64 MiB each way" tests: 64 MiB with `PYSSL_BIG=1`, else 8 MiB (debug
/// builds on 2 cores).
pub fn bulk_size() -> usize {
    if std::env::var_os("PYSSL_BIG").is_some_and(|v| v == "1") {
        64 << 20
    } else {
        8 << 20
    }
}

/// Held while the process environment is read by `create_default_context` (which looks at
/// `SSLKEYLOGFILE`) or changed by a test: tests in one binary run on parallel threads.
pub static ENV_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `create_default_context(purpose, cafile=<test CA>)` under [`ENV_LOCK`].
pub fn default_context(purpose: pyssl::Purpose) -> pyssl::Result<pyssl::SslContext> {
    let _env = ENV_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    pyssl::create_default_context(purpose, Some(&pki().ca), None, None)
}

/// A pyssl server context (`create_default_context(Purpose.CLIENT_AUTH)` style) for `pair`,
/// verifying clients against the test CA with `mode`, offering `alpn`.
pub fn server_ctx(pair: &Pair, mode: pyssl::VerifyMode, alpn: &[&str]) -> pyssl::SslContext {
    let ctx = default_context(pyssl::Purpose::ClientAuth).expect("server context");
    ctx.load_cert_chain(&pair.cert, Some(&pair.key), None)
        .expect("load_cert_chain");
    ctx.set_verify_mode(mode).expect("verify_mode");
    if !alpn.is_empty() {
        ctx.set_alpn_protocols(alpn).expect("alpn");
    }
    ctx
}

/// A pyssl client context trusting the test CA, with the client certificate when `cert`.
pub fn client_ctx(cert: bool, alpn: &[&str]) -> pyssl::SslContext {
    let ctx = default_context(pyssl::Purpose::ServerAuth).expect("client context");
    if cert {
        ctx.load_cert_chain(&pki().client.cert, Some(&pki().client.key), None)
            .expect("client cert");
    }
    if !alpn.is_empty() {
        ctx.set_alpn_protocols(alpn).expect("alpn");
    }
    ctx
}

/// Client socket options for `localhost` with `timeout`.
pub fn client_opts(timeout: Option<Duration>) -> pyssl::socket::SocketOptions {
    pyssl::socket::SocketOptions {
        timeout,
        ..pyssl::socket::SocketOptions::client("localhost")
    }
}

/// The verify mode of a server that requires client certificates when `client_cert`.
pub fn client_cert_mode(client_cert: bool) -> pyssl::VerifyMode {
    if client_cert {
        pyssl::VerifyMode::CertRequired
    } else {
        pyssl::VerifyMode::CertNone
    }
}

/// Connects to 127.0.0.1:`port` and runs the client handshake as `localhost` with `ctx`,
/// offering `session` (None: a full handshake).
pub fn connect_with_session(
    ctx: &pyssl::SslContext,
    port: u16,
    session: Option<pyssl::SslSession>,
) -> Result<pyssl::SslSocket, pyssl::SslError> {
    let tcp = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect to 127.0.0.1");
    let mut opts = pyssl::socket::SocketOptions::client("localhost");
    opts.session = session;
    ctx.wrap_socket(tcp, opts)
}

/// Pins a context to one TLS version.
pub fn pin_version(ctx: &pyssl::SslContext, v: pyssl::TlsVersion) {
    ctx.set_minimum_version(v).expect("minimum_version");
    ctx.set_maximum_version(v).expect("maximum_version");
}

/// A pyssl server listening on an ephemeral 127.0.0.1 port, sockets with `timeout`;
/// returns the listener and its port.
pub fn listener(
    ctx: pyssl::SslContext,
    timeout: Option<Duration>,
) -> (pyssl::socket::SslListener, u16) {
    let opts = pyssl::socket::SocketOptions {
        timeout,
        ..pyssl::socket::SocketOptions::server()
    };
    let l = pyssl::socket::SslListener::bind("127.0.0.1:0", ctx, opts).expect("listen");
    let port = l.local_addr().expect("local_addr").port();
    (l, port)
}

/// A pyssl server for `ctx` on an ephemeral 127.0.0.1 port (sockets with `timeout`) that
/// accepts one client, echoes its first message (up to 100 bytes) and hands the socket back
/// for inspection; returns the port and the server thread.
pub fn echo_once(
    ctx: pyssl::SslContext,
    timeout: Option<Duration>,
) -> (u16, std::thread::JoinHandle<pyssl::SslSocket>) {
    let (l, port) = listener(ctx, timeout);
    let server = std::thread::spawn(move || {
        let (mut s, _) = l.accept().expect("accept");
        let msg = s.recv(100).expect("recv");
        s.sendall(&msg).expect("echo");
        s
    });
    (port, server)
}

/// What `SSLSocket.version()` says for `v` (`"TLSv1.2"`, `"TLSv1.3"`).
pub fn version_text(v: pyssl::TlsVersion) -> &'static str {
    if v == pyssl::TlsVersion::TlsV1_3 {
        "TLSv1.3"
    } else {
        "TLSv1.2"
    }
}
