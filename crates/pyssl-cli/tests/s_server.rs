//! `pyssl s_server` driven by python3 and `openssl s_client` clients on 127.0.0.1: the
//! `listening on` line, one JSON line per handshake compared with the client's view,
//! `--reply`, `--echo`, `--max-conns`, failed handshakes, startup failures.

mod common;

use common::{path, run_json, s_client_json, s_server, s_server_for};
use pyssl_tests::peers::{
    next_line, openssl_client, pki, python_client, spawn, wait_for_line, PEER_WAIT,
};
use serde_json::Value;

const PY_CLIENT: &str = r#"
import json, socket, ssl, sys
port, ca, cert, key, alpn, send = sys.argv[1:7]
ctx = ssl.create_default_context(cafile=ca)
if cert != '-':
    ctx.load_cert_chain(cert, key)
if alpn != '-':
    ctx.set_alpn_protocols(alpn.split(','))
try:
    s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(port)), timeout=20), server_hostname='localhost')
    info = {'version': s.version(), 'cipher': list(s.cipher()), 'alpn': s.selected_alpn_protocol()}
    if send != '-':
        s.sendall(send.encode())
    got = b''
    while True:
        b = s.recv(1000)
        if not b:
            break
        got += b
    info['received'] = got.decode()
except Exception as e:
    info = {'error': type(e).__name__, 'reason': getattr(e, 'reason', None)}
print(json.dumps(info))
"#;

fn py_client(port: u16, cert: bool, alpn: &str, send: &str) -> Value {
    let (c, k) = if cert {
        (path(&pki().client.cert), path(&pki().client.key))
    } else {
        ("-", "-")
    };
    let port = port.to_string();
    python_client(
        PY_CLIENT,
        &[&port, path(&pki().ca), c, k, alpn, send],
        PEER_WAIT,
    )
}

const LINE_KEYS: [&str; 6] = [
    "version",
    "cipher",
    "alpn",
    "server_name",
    "peercert",
    "session_reused",
];

#[test]
fn json_lines_reply_and_client_certs_match_the_python_client() {
    let (mut g, port, rx) = s_server_for(
        &pki().rsa,
        &[
            "--cafile",
            path(&pki().ca),
            "--verify-client",
            "optional",
            "--alpn",
            "h2,http/1.1",
            "--reply",
            "hi there",
            "--max-conns",
            "2",
            "--json",
        ],
    );
    for with_cert in [false, true] {
        let py = py_client(port, with_cert, "http/1.1", "-");
        let line: Value = serde_json::from_str(&next_line(&rx, "handshake")).unwrap();
        let keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(keys, LINE_KEYS);
        assert_eq!(py["received"], "hi there", "--reply then close_notify");
        assert_eq!(line["version"], py["version"]);
        assert_eq!(line["cipher"], py["cipher"]);
        assert_eq!(line["alpn"], py["alpn"]);
        assert_eq!(line["alpn"], "http/1.1");
        assert_eq!(line["session_reused"], false);
        if with_cert {
            assert_eq!(line["peercert"]["subject"][0][0][1], "pyssl-client");
        } else {
            assert_eq!(line["peercert"], Value::Null);
        }
    }
    assert!(
        g.wait_bounded(PEER_WAIT).success(),
        "exits after --max-conns"
    );
}

#[test]
fn echo_with_openssl_s_client_and_failed_handshake_keeps_serving() {
    let (mut g, port, rx) = s_server_for(&pki().ecdsa, &["--echo", "--max-conns", "2", "--json"]);
    // 1: not TLS at all -> an error line; the server keeps going.
    {
        use std::io::Write;
        let mut t = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        t.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        let line: Value = serde_json::from_str(&next_line(&rx, "error")).unwrap();
        assert_eq!(line["error"]["type"], "SSLError", "{line}");
    }
    // 2: openssl s_client echo.
    let mut client = spawn(&mut openssl_client(port, &["-quiet"]));
    {
        use std::io::Write;
        let mut sin = client.0.stdin.take().unwrap();
        sin.write_all(b"echo me please\n").unwrap();
        let out = client.0.stdout.take().unwrap();
        let (echoed, _) = wait_for_line(out, |l| l.contains("echo me please").then_some(()));
        let () = echoed;
        let line: Value = serde_json::from_str(&next_line(&rx, "handshake")).unwrap();
        assert_eq!(
            line["server_name"], "localhost",
            "the raw SNI the client sent"
        );
        assert!(line["version"].is_string());
        drop(client); // the client goes away; the echo loop ends
    }
    assert!(g.wait_bounded(PEER_WAIT).success());
}

#[test]
fn required_client_cert_without_cafile_rejects_every_client() {
    let (mut g, port, rx) = s_server_for(
        &pki().ecdsa,
        &[
            "--verify-client",
            "required",
            "--max-conns",
            "1",
            "--min-version",
            "TLSv1.2",
            "--max-version",
            "TLSv1.2",
            "--json",
        ],
    );
    let py = py_client(port, true, "-", "-");
    let line: Value = serde_json::from_str(&next_line(&rx, "error")).unwrap();
    assert!(line.get("error").is_some(), "{line}");
    assert!(
        py.get("error").is_some(),
        "the client sees the rejection: {py}"
    );
    assert!(g.wait_bounded(PEER_WAIT).success());
}

#[test]
fn startup_failure_prints_error_json_and_no_listening_line() {
    let (ok, v, _err) = run_json(&["s_server", "--cert", "/nonexistent/cert.pem", "--json"]);
    assert!(!ok);
    assert!(
        !v.to_string().contains("listening"),
        "only the error JSON: {v}"
    );
    assert_eq!(v["error"]["type"], "FileNotFoundError");
    assert_eq!(v["error"]["message"], "[Errno 2] No such file or directory");
}

#[test]
fn s_client_send_against_s_server_reply_gets_the_reply() {
    let (mut g, port, _rx) = s_server_for(&pki().ecdsa, &["--reply", "pong", "--max-conns", "3"]);
    for _ in 0..3 {
        let (ok, v, err) = s_client_json(
            port,
            &["--send", "a request the server never reads", "--json"],
        );
        assert!(ok, "{err}");
        assert_eq!(
            v["received"], "pong",
            "the reply survives the server's close"
        );
    }
    assert!(g.wait_bounded(PEER_WAIT).success());
}

const PY_SNI_CLIENT: &str = r#"
import json, socket, ssl, sys
port, ca, name = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=ca)
s = ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(port)), timeout=20), server_hostname=name)
print(json.dumps({'cn': dict(x[0] for x in s.getpeercert()['subject'])['commonName']}))
"#;

#[test]
fn sni_picks_the_certificate_for_the_name() {
    use pyssl_tests::pki::{Alg, Pki};
    let pki = Pki::new();
    let main = pki.leaf(Alg::Ecdsa, "main.example", &["main.example"]);
    let other = pki.leaf(Alg::Rsa, "other.example", &["other.example"]);
    let sni = format!("other.example={},{}", path(&other.cert), path(&other.key));
    let (mut g, port, rx) = s_server(&[
        "--cert",
        path(&main.cert),
        "--key",
        path(&main.key),
        "--sni",
        &sni,
        "--max-conns",
        "2",
        "--json",
    ]);
    for (name, want_cn) in [
        ("other.example", "other.example"),
        ("main.example", "main.example"),
    ] {
        let out = pyssl_tests::run_python(
            PY_SNI_CLIENT,
            &[&port.to_string(), path(&pki.ca_cert), name],
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["cn"], want_cn, "certificate served for SNI {name}");
        let line: Value = serde_json::from_str(&next_line(&rx, "handshake")).unwrap();
        assert_eq!(line["server_name"], name);
    }
    assert!(g.wait_bounded(PEER_WAIT).success());
}
