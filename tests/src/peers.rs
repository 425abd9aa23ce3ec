//! Foreign TLS peers on 127.0.0.1 for the socket interop tests: a test PKI made with the
//! `openssl` CLI, `openssl s_server`/`s_client` and python3 `ssl` scripts as child processes
//! that are always killed (guards), and bounded waits for everything.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
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
        openssl(
            d,
            &[
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
                "ca.key.sec1",
            ],
        );
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

/// Spawns a child with piped stdio.
fn spawn(cmd: &mut Command) -> Guard {
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

/// `openssl s_server -accept 127.0.0.1:0 ARGS...`: returns the guard and the port.
/// stdout after the ACCEPT line comes through the receiver (when not `-quiet`).
pub fn openssl_server(args: &[&str]) -> (Guard, u16, mpsc::Receiver<String>) {
    let mut g = spawn(
        Command::new("openssl")
            .args(["s_server", "-accept", "127.0.0.1:0"])
            .args(args),
    );
    let out = g.0.stdout.take().unwrap();
    let (port, rest) = wait_for_line(out, |l| {
        l.strip_prefix("ACCEPT ")
            .and_then(|a| a.rsplit_once(':'))
            .and_then(|(_, p)| p.parse::<u16>().ok())
    });
    (g, port, rest)
}

/// Runs `python3 -c CODE ARGS...` whose first stdout line is `PORT <n>`; returns the guard,
/// the port and the remaining lines.
pub fn python_server(code: &str, args: &[&str]) -> (Guard, u16, mpsc::Receiver<String>) {
    let mut g = spawn(
        Command::new(crate::python3())
            .arg("-c")
            .arg(code)
            .args(args),
    );
    let out = g.0.stdout.take().unwrap();
    let (port, rest) = wait_for_line(out, |l| {
        l.strip_prefix("PORT ").and_then(|p| p.parse().ok())
    });
    (g, port, rest)
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

/// SHA-256, lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    ring_sha256(data)
}

fn ring_sha256(data: &[u8]) -> String {
    use std::fmt::Write as _;
    let d = ring::digest::digest(&ring::digest::SHA256, data);
    let mut s = String::new();
    for b in d.as_ref() {
        let _ = write!(s, "{b:02x}");
    }
    s
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

/// A pyssl server context (`create_default_context(Purpose.CLIENT_AUTH)` style) for `pair`,
/// verifying clients against the test CA with `mode`, offering `alpn`.
pub fn server_ctx(pair: &Pair, mode: pyssl::VerifyMode, alpn: &[&str]) -> pyssl::SslContext {
    let ctx =
        pyssl::create_default_context(pyssl::Purpose::ClientAuth, Some(&pki().ca), None, None)
            .expect("server context");
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
    let ctx =
        pyssl::create_default_context(pyssl::Purpose::ServerAuth, Some(&pki().ca), None, None)
            .expect("client context");
    if cert {
        ctx.load_cert_chain(&pki().client.cert, Some(&pki().client.key), None)
            .expect("client cert");
    }
    if !alpn.is_empty() {
        ctx.set_alpn_protocols(alpn).expect("alpn");
    }
    ctx
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
