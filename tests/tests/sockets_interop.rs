//! `SslSocket` against foreign peers over loopback TCP: a python3 `ssl` server and client
//! and `openssl s_server`/`s_client`, in TLS 1.2 and 1.3, RSA and ECDSA, with and without
//! client certificates, with ALPN; bulk data checksummed; `unwrap()` followed by plaintext.
//! Results are compared with what the foreign side reports.

use std::io::{Read, Write};
use std::process::Command;
use std::sync::mpsc::Receiver;
use std::thread;
use std::time::Duration;

use pyssl::{SslSocket, TlsVersion, VerifyMode};
use pyssl_tests::peers::{
    bulk_size, client_cert_mode, client_ctx, client_opts, echo_once, free_port, listener,
    next_line, openssl_client, openssl_server, path, pattern, pin_version, pki, python_client,
    python_server, run_bounded, server_ctx, sha256_hex, spawn, version_text, Guard, Pair,
    PEER_WAIT,
};
use serde_json::Value;

const T: Option<Duration> = Some(Duration::from_secs(60));

/// Python for both scripts: `recv_hash(s, n)` reads up to `n` bytes (less at EOF) and
/// returns their count and SHA-256 (hex).
macro_rules! py_recv_hash {
    () => {
        r#"
import hashlib
def recv_hash(s, n):
    h = hashlib.sha256(); got = 0
    while got < n:
        b = s.recv(1 << 16)
        if not b:
            break
        h.update(b); got += len(b)
    return got, h.hexdigest()
"#
    };
}

/// python3 TLS server: argv = cert key ca verify(none|optional|required) alpn(-|a,b)
/// version(-|TLSv1_2|TLSv1_3) mode(info|bulk|unwrap) n.
const PY_SERVER: &str = concat!(
    py_recv_hash!(),
    r#"
import hashlib, json, random, socket, ssl, sys
cert, key, ca, verify, alpn, version, mode, n = sys.argv[1:9]
n = int(n)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.load_verify_locations(ca)
ctx.verify_mode = {'none': ssl.CERT_NONE, 'optional': ssl.CERT_OPTIONAL, 'required': ssl.CERT_REQUIRED}[verify]
if alpn != '-':
    ctx.set_alpn_protocols(alpn.split(','))
if version != '-':
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version)
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(4)
srv.settimeout(60)
print('PORT', srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
conn.settimeout(60)
s = ctx.wrap_socket(conn, server_side=True)
print(json.dumps({'version': s.version(), 'cipher': list(s.cipher()),
                  'alpn': s.selected_alpn_protocol(), 'peercert': s.getpeercert(),
                  'own': ssl._ssl._test_decode_cert(cert)}), flush=True)
if mode == 'info':
    s.sendall(s.recv(100))
elif mode == 'bulk':
    got, sha_in = recv_hash(s, n)
    data = random.Random(5).randbytes(n)
    s.sendall(data)
    print(json.dumps({'got': got, 'sha_in': sha_in, 'sha_out': hashlib.sha256(data).hexdigest()}), flush=True)
    s.recv(1)
elif mode == 'unwrap':
    b = s.recv(100)
    plain = s.unwrap()
    plain.sendall(b'PLAINTEXT AFTER TLS')
    got = plain.recv(100)
    print(json.dumps({'tls': b.decode(), 'plain': got.decode()}), flush=True)
s.close()
"#
);

/// python3 TLS client: argv = port ca cert(-|path) key alpn version mode n.
const PY_CLIENT: &str = concat!(
    py_recv_hash!(),
    r#"
import hashlib, json, random, socket, ssl, sys
port, ca, cert, key, alpn, version, mode, n = sys.argv[1:9]
n = int(n)
ctx = ssl.create_default_context(cafile=ca)
if cert != '-':
    ctx.load_cert_chain(cert, key)
if alpn != '-':
    ctx.set_alpn_protocols(alpn.split(','))
if version != '-':
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version)
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(port)), timeout=60), server_hostname='localhost')
info = {'version': s.version(), 'cipher': list(s.cipher()), 'alpn': s.selected_alpn_protocol(),
        'peercert': s.getpeercert(), 'client_cert_dict': ssl._ssl._test_decode_cert(cert) if cert != '-' else None}
if mode == 'info':
    s.sendall(b'ping')
    info['echo'] = s.recv(100).decode()
elif mode == 'bulk':
    data = random.Random(9).randbytes(n)
    s.sendall(data)
    got, sha_in = recv_hash(s, n)
    info.update({'got': got, 'sha_in': sha_in, 'sha_out': hashlib.sha256(data).hexdigest()})
print(json.dumps(info), flush=True)
s.close()
"#
);

fn keys() -> [(&'static str, &'static Pair); 2] {
    [("rsa", &pki().rsa), ("ecdsa", &pki().ecdsa)]
}

fn cipher_json(c: Option<(String, String, u32)>) -> Value {
    let (a, b, n) = c.unwrap();
    serde_json::json!([a, b, n])
}

#[test]
fn pyssl_client_against_python_server_matrix() {
    for version in [TlsVersion::TlsV1_2, TlsVersion::TlsV1_3] {
        for (kname, pair) in keys() {
            for client_cert in [false, true] {
                let verify = if client_cert { "required" } else { "none" };
                let (_g, port, rx) = python_server(
                    PY_SERVER,
                    &[
                        path(&pair.cert),
                        path(&pair.key),
                        path(&pki().ca),
                        verify,
                        "h2,http/1.1",
                        version.name(),
                        "info",
                        "0",
                    ],
                );
                let ctx = client_ctx(client_cert, &["http/1.1", "h2"]);
                let mut c = ctx.connect(("127.0.0.1", port), client_opts(T)).unwrap();
                let py: Value = serde_json::from_str(&next_line(&rx, "info")).unwrap();
                c.sendall(b"hi").unwrap();
                assert_eq!(c.recv(10).unwrap(), b"hi");
                let ctxt = format!("{version:?} {kname} client_cert={client_cert}");
                assert_eq!(py["version"], c.version().unwrap(), "{ctxt}");
                assert_eq!(py["cipher"], cipher_json(c.cipher()), "{ctxt}");
                assert_eq!(py["alpn"], c.selected_alpn_protocol().unwrap(), "{ctxt}");
                assert_eq!(py["alpn"], "h2", "server preference wins");
                let mine = c.getpeercert().unwrap().map(|i| i.to_json());
                assert_eq!(
                    mine.as_ref(),
                    Some(&py["own"]),
                    "{ctxt}: getpeercert dict as CPython"
                );
                if client_cert {
                    assert_eq!(py["peercert"]["subject"][0][0][1], "pyssl-client", "{ctxt}");
                } else {
                    assert!(py["peercert"].is_null(), "{ctxt}");
                }
            }
        }
    }
}

#[test]
fn python_client_against_pyssl_server_matrix() {
    for version in [TlsVersion::TlsV1_2, TlsVersion::TlsV1_3] {
        for (kname, pair) in keys() {
            for client_cert in [false, true] {
                let sctx = server_ctx(pair, client_cert_mode(client_cert), &["h2", "http/1.1"]);
                pin_version(&sctx, version);
                let (port, server) = echo_once(sctx, T);
                let (cert, key) = if client_cert {
                    (path(&pki().client.cert), path(&pki().client.key))
                } else {
                    ("-", "-")
                };
                let port_s = port.to_string();
                let py = python_client(
                    PY_CLIENT,
                    &[
                        &port_s,
                        path(&pki().ca),
                        cert,
                        key,
                        "http/1.1,h2",
                        "-",
                        "info",
                        "0",
                    ],
                    PEER_WAIT,
                );
                let s = server.join().unwrap();
                let speer = s.getpeercert().unwrap().map(|i| i.to_json());
                let ctxt = format!("{version:?} {kname} client_cert={client_cert}");
                assert_eq!(py["echo"], "ping");
                assert_eq!(py["version"], s.version().unwrap(), "{ctxt}");
                assert_eq!(py["cipher"], cipher_json(s.cipher()), "{ctxt}");
                assert_eq!(py["alpn"], s.selected_alpn_protocol().unwrap(), "{ctxt}");
                assert_eq!(
                    py["alpn"], "h2",
                    "{ctxt}: the server's preference wins, as in OpenSSL"
                );
                assert_eq!(py["peercert"]["subject"][0][0][1], "localhost");
                if client_cert {
                    assert_eq!(speer.as_ref(), Some(&py["client_cert_dict"]), "{ctxt}");
                } else {
                    assert!(speer.is_none(), "{ctxt}");
                }
            }
        }
    }
}

/// A pyssl client connected to [`PY_SERVER`] (ECDSA, no client certificate, no ALPN) in
/// `mode` for `n` bytes, past the server's info line; the receiver has the later lines.
fn connect_to_python_server(mode: &str, n: &str) -> (Guard, SslSocket, Receiver<String>) {
    let (g, port, rx) = python_server(
        PY_SERVER,
        &[
            path(&pki().ecdsa.cert),
            path(&pki().ecdsa.key),
            path(&pki().ca),
            "none",
            "-",
            "-",
            mode,
            n,
        ],
    );
    let c = client_ctx(false, &[])
        .connect(("127.0.0.1", port), client_opts(T))
        .unwrap();
    let _info = next_line(&rx, "info");
    (g, c, rx)
}

#[test]
fn bulk_through_python_server_and_client() {
    let n = bulk_size();
    let n_s = n.to_string();
    // pyssl client -> python server.
    let (_g, mut c, rx) = connect_to_python_server("bulk", &n_s);
    let up = pattern(11, n);
    c.sendall(&up).unwrap();
    let mut down = vec![0u8; n];
    c.read_exact(&mut down).unwrap();
    let sums: Value = serde_json::from_str(&next_line(&rx, "sums")).unwrap();
    assert_eq!(sums["got"], n);
    assert_eq!(
        sums["sha_in"],
        sha256_hex(&up),
        "python received every byte"
    );
    assert_eq!(
        sums["sha_out"],
        sha256_hex(&down),
        "pyssl received every byte"
    );
    c.sendall(b"x").unwrap();

    // python client -> pyssl server.
    let (l, port) = listener(server_ctx(&pki().rsa, VerifyMode::CertNone, &[]), T);
    let server = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut got = vec![0u8; n];
        s.read_exact(&mut got).unwrap();
        let down = pattern(12, n);
        s.sendall(&down).unwrap();
        (sha256_hex(&got), sha256_hex(&down))
    });
    let port_s = port.to_string();
    let py = python_client(
        PY_CLIENT,
        &[&port_s, path(&pki().ca), "-", "-", "-", "-", "bulk", &n_s],
        PEER_WAIT * 3,
    );
    let (server_in, server_out) = server.join().unwrap();
    assert_eq!(py["got"], n);
    assert_eq!(py["sha_out"], server_in, "pyssl server received every byte");
    assert_eq!(
        py["sha_in"], server_out,
        "python client received every byte"
    );
}

#[test]
fn unwrap_then_plaintext_with_python_peer() {
    let (_g, mut c, rx) = connect_to_python_server("unwrap", "0");
    c.sendall(b"STARTTLS-OFF").unwrap();
    let mut tcp = c.unwrap().expect("unwrap");
    let mut plain = [0u8; 19];
    tcp.read_exact(&mut plain).unwrap();
    assert_eq!(
        &plain, b"PLAINTEXT AFTER TLS",
        "nothing after the close_notify was lost"
    );
    tcp.write_all(b"plain from rust").unwrap();
    let done: Value = serde_json::from_str(&next_line(&rx, "unwrap result")).unwrap();
    assert_eq!(done["tls"], "STARTTLS-OFF");
    assert_eq!(done["plain"], "plain from rust");
}

/// Reads `openssl s_server` output lines until one starts with `prefix`.
fn line_starting(rx: &std::sync::mpsc::Receiver<String>, prefix: &str) -> String {
    for _ in 0..200 {
        let l = next_line(rx, prefix);
        if let Some(rest) = l.strip_prefix(prefix) {
            return rest.trim().to_owned();
        }
    }
    panic!("no {prefix:?} line from openssl s_server");
}

#[test]
fn pyssl_client_against_openssl_s_server_matrix() {
    for (vflag, want_version) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
        for (kname, pair) in keys() {
            for client_cert in [false, true] {
                let mut args = vec![
                    "-cert",
                    path(&pair.cert),
                    "-key",
                    path(&pair.key),
                    vflag,
                    "-alpn",
                    "h2,http/1.1",
                    "-naccept",
                    "1",
                ];
                if client_cert {
                    args.extend_from_slice(&[
                        "-Verify",
                        "1",
                        "-CAfile",
                        path(&pki().ca),
                        "-verify_return_error",
                    ]);
                }
                let (_g, port, rx) = openssl_server(&args);
                let ctx = client_ctx(client_cert, &["http/1.1"]);
                let mut c = ctx.connect(("127.0.0.1", port), client_opts(T)).unwrap();
                c.sendall(b"hello from pyssl\n").unwrap();
                let ctxt = format!("{vflag} {kname} client_cert={client_cert}");
                assert_eq!(c.version(), Some(want_version), "{ctxt}");
                assert_eq!(c.selected_alpn_protocol().as_deref(), Some("http/1.1"));
                assert_eq!(
                    line_starting(&rx, "ALPN protocols selected:"),
                    "http/1.1",
                    "{ctxt}"
                );
                if client_cert {
                    let subject = line_starting(&rx, "subject=");
                    assert!(subject.contains("pyssl-client"), "{ctxt}: {subject}");
                }
                let cipher = line_starting(&rx, "CIPHER is ");
                assert_eq!(cipher, c.cipher().unwrap().0, "{ctxt}");
                assert_eq!(line_starting(&rx, "hello from"), "pyssl", "{ctxt}");
            }
        }
    }
}

#[test]
fn bulk_through_openssl_s_server() {
    let n = bulk_size();
    let pair = &pki().rsa;
    // -quiet prints nothing but data, so pick the port first (bind, release, reuse).
    let port = free_port();
    let accept = format!("127.0.0.1:{port}");
    let mut g = spawn(Command::new("openssl").args([
        "s_server",
        "-accept",
        &accept,
        "-cert",
        path(&pair.cert),
        "-key",
        path(&pair.key),
        "-naccept",
        "1",
        "-quiet",
    ]));
    let mut sin = g.0.stdin.take().unwrap();
    let mut sout = g.0.stdout.take().unwrap();
    let reader = thread::spawn(move || {
        let mut got = vec![0u8; n];
        sout.read_exact(&mut got).map(|_| sha256_hex(&got))
    });
    // Connect with retries while s_server starts (bounded: 30 s on a loaded machine).
    let ctx = client_ctx(false, &[]);
    let mut c = None;
    for _ in 0..600 {
        match ctx.connect(("127.0.0.1", port), client_opts(T)) {
            Ok(s) => {
                c = Some(s);
                break;
            }
            Err(_) => thread::sleep(Duration::from_millis(50)),
        }
    }
    let mut c = c.expect("openssl s_server did not come up");
    let up = pattern(21, n);
    c.sendall(&up).unwrap();
    assert_eq!(
        reader.join().unwrap().unwrap(),
        sha256_hex(&up),
        "openssl received every byte"
    );
    let down = pattern(22, n);
    let want = sha256_hex(&down);
    let writer = thread::spawn(move || sin.write_all(&down).map(|_| sin));
    let mut got = vec![0u8; n];
    c.read_exact(&mut got).unwrap();
    assert_eq!(
        sha256_hex(&got),
        want,
        "pyssl received every byte from openssl"
    );
    let _sin = writer.join().unwrap().unwrap();
}

fn run_s_client(port: u16, extra: &[&str], stdin: Vec<u8>) -> (bool, Vec<u8>, String) {
    let mut cmd = openssl_client(port, &["-verify_hostname", "localhost"]);
    run_bounded(cmd.args(extra), stdin, PEER_WAIT)
}

#[test]
fn openssl_s_client_against_pyssl_server_matrix() {
    for (vflag, version) in [
        ("-tls1_2", TlsVersion::TlsV1_2),
        ("-tls1_3", TlsVersion::TlsV1_3),
    ] {
        for (kname, pair) in keys() {
            for client_cert in [false, true] {
                let sctx = server_ctx(pair, client_cert_mode(client_cert), &["h2", "http/1.1"]);
                let (l, port) = listener(sctx, T);
                let server = thread::spawn(move || {
                    let (mut s, _) = l.accept().unwrap();
                    s.sendall(b"greetings from pyssl\n").unwrap();
                    s.close_notify().unwrap();
                    (
                        s.version(),
                        s.cipher().unwrap().0,
                        s.selected_alpn_protocol(),
                        s.getpeercert_der().unwrap(),
                    )
                });
                let mut extra = vec![vflag, "-alpn", "http/1.1", "-ign_eof"];
                if client_cert {
                    extra.extend_from_slice(&[
                        "-cert",
                        path(&pki().client.cert),
                        "-key",
                        path(&pki().client.key),
                    ]);
                }
                let (ok, out, err) = run_s_client(port, &extra, Vec::new());
                let out = String::from_utf8_lossy(&out).into_owned();
                let (sv, scipher, salpn, speer) = server.join().unwrap();
                let ctxt = format!("{vflag} {kname} client_cert={client_cert}");
                assert!(ok, "{ctxt}: s_client failed: {err}\n{out}");
                assert!(out.contains("greetings from pyssl"), "{ctxt}: {out}");
                assert!(out.contains("Verify return code: 0 (ok)"), "{ctxt}: {out}");
                let want = version_text(version);
                assert_eq!(sv, Some(want));
                assert!(
                    out.contains(&format!("Protocol  : {want}")),
                    "{ctxt}: {out}"
                );
                assert!(
                    out.contains(&format!("Cipher    : {scipher}")),
                    "{ctxt}: {out}"
                );
                assert!(out.contains("ALPN protocol: http/1.1"), "{ctxt}: {out}");
                assert_eq!(salpn.as_deref(), Some("http/1.1"));
                assert_eq!(speer.is_some(), client_cert, "{ctxt}");
            }
        }
    }
}

#[test]
fn bulk_through_openssl_s_client_echo() {
    let n = bulk_size();
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let server = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut h_in = Vec::with_capacity(n);
        let mut buf = vec![0u8; 1 << 16];
        while h_in.len() < n {
            let k = s.recv_into(&mut buf).unwrap();
            assert!(k > 0, "early EOF from s_client");
            h_in.extend_from_slice(&buf[..k]);
            s.sendall(&buf[..k]).unwrap();
        }
        s.close_notify().unwrap();
        sha256_hex(&h_in)
    });
    let data = pattern(31, n);
    let want = sha256_hex(&data);
    let (ok, out, err) = run_s_client(port, &["-quiet"], data);
    assert!(ok, "s_client failed: {err}");
    assert_eq!(
        server.join().unwrap(),
        want,
        "pyssl received every byte from openssl"
    );
    assert_eq!(out.len(), n);
    assert_eq!(sha256_hex(&out), want, "openssl received every byte back");
}
