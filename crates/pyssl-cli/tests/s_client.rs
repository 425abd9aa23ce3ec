//! `pyssl s_client` against python3 and `openssl s_server` peers on 127.0.0.1: the JSON
//! report's keys and values, and errors compared with what CPython raises for the same case.

use std::process::Command;
use std::time::Duration;

use pyssl_tests::peers::{
    next_line, openssl_server, pki, python_server, run_bounded, sha256_hex, PEER_WAIT,
};
use serde_json::Value;

fn pyssl() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pyssl"))
}

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

fn run(args: &[&str]) -> (bool, Value, String) {
    let (ok, out, err) = run_bounded(pyssl().args(args), Vec::new(), PEER_WAIT);
    let text = String::from_utf8_lossy(&out);
    let v = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("stdout not JSON ({e}): {text}\nstderr: {err}"));
    (ok, v, err)
}

/// One-connection python3 server: prints PORT, then its view of the connection as JSON,
/// then echoes one message and closes with close_notify.
const PY_ECHO_SERVER: &str = r#"
import json, socket, ssl, sys
cert, key, alpn, version = sys.argv[1:5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if alpn != '-':
    ctx.set_alpn_protocols(alpn.split(','))
if version != '-':
    ctx.minimum_version = ctx.maximum_version = getattr(ssl.TLSVersion, version)
names = []
ctx.sni_callback = lambda s, name, c: names.append(name)
srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(4); srv.settimeout(60)
print('PORT', srv.getsockname()[1], flush=True)
conn, _ = srv.accept(); conn.settimeout(60)
s = ctx.wrap_socket(conn, server_side=True)
print(json.dumps({'version': s.version(), 'cipher': list(s.cipher()),
                  'alpn': s.selected_alpn_protocol(), 'sni': names[0] if names else None,
                  'own': ssl._ssl._test_decode_cert(cert)}), flush=True)
s.sendall(s.recv(1000))
s.unwrap()
"#;

const REPORT_KEYS: [&str; 11] = [
    "version",
    "cipher",
    "alpn",
    "server_hostname",
    "peercert",
    "peercert_sha256",
    "unverified_chain",
    "verified_chain",
    "session_reused",
    "channel_binding",
    "received",
];

fn der_of_pem_file(p: &std::path::Path) -> Vec<u8> {
    let pem = std::fs::read_to_string(p).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64_decode(&b64)
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for ch in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in ch.iter().enumerate() {
            n |= u32::from(val(c)) << (18 - 6 * i);
        }
        for i in 0..ch.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

#[test]
fn json_report_against_python_server_matches_cpython() {
    for (version, want) in [("TLSv1_2", "TLSv1.2"), ("TLSv1_3", "TLSv1.3")] {
        let pair = &pki().ecdsa;
        let (_g, port, rx) = python_server(
            PY_ECHO_SERVER,
            &[path(&pair.cert), path(&pair.key), "h2,http/1.1", version],
        );
        let target = format!("127.0.0.1:{port}");
        let (ok, v, err) = run(&[
            "s_client",
            &target,
            "--cafile",
            path(&pki().ca),
            "--servername",
            "localhost",
            "--alpn",
            "http/1.1",
            "--send",
            "héllo \\n literal",
            "--json",
            "--timeout",
            "20",
        ]);
        assert!(ok, "{err}");
        let py: Value = serde_json::from_str(&next_line(&rx, "info")).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, REPORT_KEYS, "exact keys in order");
        assert_eq!(v["version"], want);
        assert_eq!(v["version"], py["version"]);
        assert_eq!(v["cipher"], py["cipher"]);
        assert_eq!(v["alpn"], "http/1.1");
        assert_eq!(v["alpn"], py["alpn"]);
        assert_eq!(py["sni"], "localhost");
        assert_eq!(v["server_hostname"], "localhost");
        assert_eq!(
            v["peercert"], py["own"],
            "getpeercert() as CPython shows it"
        );
        let leaf = der_of_pem_file(&pair.cert);
        assert_eq!(v["peercert_sha256"], sha256_hex(&leaf));
        assert_eq!(v["unverified_chain"][0], sha256_hex(&leaf));
        let ca = der_of_pem_file(&pki().ca);
        assert_eq!(
            v["verified_chain"],
            serde_json::json!([sha256_hex(&leaf), sha256_hex(&ca)])
        );
        assert_eq!(v["session_reused"], serde_json::json!([false]));
        assert_eq!(
            v["received"], "héllo \\n literal",
            "--send is literal UTF-8, echoed back"
        );
        let cb = &v["channel_binding"];
        assert!(cb.get("tls-unique").is_some() && cb.get("tls-exporter").is_some());
    }
}

/// What CPython raises connecting to 127.0.0.1:port with a given cafile and server_hostname.
const PY_CONNECT_ERROR: &str = r#"
import json, socket, ssl, sys
port, cafile, name = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=cafile)
try:
    ctx.wrap_socket(socket.create_connection(('127.0.0.1', int(port)), timeout=20), server_hostname=name)
    print(json.dumps(None))
except Exception as e:
    print(json.dumps({'type': type(e).__name__, 'library': getattr(e, 'library', None),
                      'reason': getattr(e, 'reason', None), 'verify_code': getattr(e, 'verify_code', None),
                      'verify_message': getattr(e, 'verify_message', None)}))
"#;

#[test]
fn verification_errors_match_cpython() {
    let pair = &pki().rsa;
    let (_g, port, _rx) = openssl_server(&["-cert", path(&pair.cert), "-key", path(&pair.key)]);
    let target = format!("127.0.0.1:{port}");
    let port_s = port.to_string();
    // Unknown CA (the client certificate is no CA of the server) and a wrong host name.
    for (cafile, name) in [
        (&pki().client.cert, "localhost"),
        (&pki().ca, "wrong.example"),
    ] {
        let (ok, v, err) = run(&[
            "s_client",
            &target,
            "--cafile",
            path(cafile),
            "--servername",
            name,
            "--json",
        ]);
        assert!(!ok, "must fail");
        let py: Value = serde_json::from_str(&pyssl_tests::run_python(
            PY_CONNECT_ERROR,
            &[&port_s, path(cafile), name],
        ))
        .unwrap();
        let e = &v["error"];
        for k in ["type", "library", "reason", "verify_code", "verify_message"] {
            assert_eq!(e[k], py[k], "{k} for cafile={cafile:?} name={name}");
        }
        assert!(e.get("message").is_some());
        assert!(
            err.contains("certificate verify failed"),
            "stderr is str(exc): {err}"
        );
    }
    // --no-verify connects to the same server; peercert is {} as with CERT_NONE.
    let (ok, v, err) = run(&["s_client", &target, "--no-verify", "--json"]);
    assert!(ok, "{err}");
    assert_eq!(v["peercert"], serde_json::json!({}));
    assert_eq!(v["received"], Value::Null, "nothing read without --send");
}

#[test]
fn refused_connection_and_check_hostname_without_sni() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let target = format!("127.0.0.1:{port}");
    let (ok, v, err) = run(&["s_client", &target, "--json", "--timeout", "5"]);
    assert!(!ok);
    assert_eq!(v["error"]["type"], "ConnectionRefusedError");
    assert_eq!(v["error"]["message"], "[Errno 111] Connection refused");
    assert!(err.contains("Connection refused"));

    let (_g, port, _rx) = openssl_server(&[
        "-cert",
        path(&pki().ecdsa.cert),
        "-key",
        path(&pki().ecdsa.key),
    ]);
    let target = format!("127.0.0.1:{port}");
    let (ok, v, _) = run(&[
        "s_client",
        &target,
        "--cafile",
        path(&pki().ca),
        "--no-sni",
        "--json",
    ]);
    assert!(!ok);
    assert_eq!(v["error"]["type"], "ValueError");
    assert_eq!(
        v["error"]["message"],
        "check_hostname requires server_hostname"
    );
}

#[test]
fn handshake_timeout_is_timeout_error() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let target = format!("127.0.0.1:{}", silent.local_addr().unwrap().port());
    let start = std::time::Instant::now();
    let (ok, v, _) = run(&["s_client", &target, "--json", "--timeout", "0.5"]);
    assert!(!ok);
    assert_eq!(v["error"]["type"], "TimeoutError");
    assert_eq!(v["error"]["message"], "The handshake operation timed out");
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn reconnect_resumes_the_previous_session_tls12_and_tls13() {
    let (_g, port, _rx) = openssl_server(&[
        "-cert",
        path(&pki().ecdsa.cert),
        "-key",
        path(&pki().ecdsa.key),
    ]);
    let target = format!("127.0.0.1:{port}");
    for version in ["TLSv1.2", "TLSv1.3"] {
        // TLS 1.3 tickets arrive after the handshake: --send gives the read phase that
        // collects them (a read timeout just ends it).
        let (ok, v, err) = run(&[
            "s_client",
            &target,
            "--cafile",
            path(&pki().ca),
            "--servername",
            "localhost",
            "--reconnect",
            "2",
            "--min-version",
            version,
            "--max-version",
            version,
            "--send",
            "x",
            // The read phase waits this long for the tickets; generous enough for a
            // loaded 2-core CI machine (the earlier 1 s flaked under load).
            "--timeout",
            "3",
            "--json",
        ]);
        assert!(ok, "{err}");
        assert_eq!(v["version"], version);
        assert_eq!(
            v["session_reused"],
            serde_json::json!([false, true, true]),
            "{version}: a full handshake, then two resumptions"
        );
        assert_eq!(v["received"], "", "openssl s_server echoes nothing back");
    }
}

#[test]
fn tls13_rejected_client_certificate_shows_on_first_read() {
    let pair = &pki().ecdsa;
    let mut g = pyssl_tests::peers::Guard(
        pyssl()
            .args([
                "s_server",
                "--cert",
                path(&pair.cert),
                "--key",
                path(&pair.key),
                "--cafile",
            ])
            .arg(path(&pki().ca))
            .args(["--verify-client", "required", "--max-conns", "1", "--echo"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let out = g.0.stdout.take().unwrap();
    let (port, _rx) = pyssl_tests::peers::wait_for_line(out, |l| {
        l.strip_prefix("listening on 127.0.0.1:")
            .and_then(|p| p.parse::<u16>().ok())
    });
    let target = format!("127.0.0.1:{port}");
    let (ok, v, err) = run(&[
        "s_client",
        &target,
        "--cafile",
        path(&pki().ca),
        "--servername",
        "localhost",
        "--send",
        "x",
        "--json",
    ]);
    assert!(!ok, "exit 1");
    assert_eq!(v["error"]["type"], "SSLError", "{v}");
    assert_eq!(
        v["error"]["reason"], "TLSV13_ALERT_CERTIFICATE_REQUIRED",
        "{v}"
    );
    assert!(err.contains("TLSV13_ALERT_CERTIFICATE_REQUIRED"), "{err}");
    let _ = g.wait_bounded(PEER_WAIT);
}
