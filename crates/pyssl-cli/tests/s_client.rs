//! `pyssl s_client` against python3 and `openssl s_server` peers on 127.0.0.1: the JSON
//! report's keys and values, and errors compared with what CPython raises for the same case.

mod common;

use std::time::Duration;

use common::{path, run_json as run, s_client_json, s_server_for};
use pyssl_tests::peers::{
    cert_der, free_port, next_line, openssl_server, pki, python_connect_error, python_server,
    sha256_hex, PEER_WAIT,
};
use serde_json::Value;

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

#[test]
fn json_report_against_python_server_matches_cpython() {
    for (version, want) in [("TLSv1_2", "TLSv1.2"), ("TLSv1_3", "TLSv1.3")] {
        let pair = &pki().ecdsa;
        let (_g, port, rx) = python_server(
            PY_ECHO_SERVER,
            &[path(&pair.cert), path(&pair.key), "h2,http/1.1", version],
        );
        let (ok, v, err) = s_client_json(
            port,
            &[
                "--alpn",
                "http/1.1",
                "--send",
                "héllo \\n literal",
                "--json",
                "--timeout",
                "20",
            ],
        );
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
        let leaf = cert_der(&pair.cert);
        assert_eq!(v["peercert_sha256"], sha256_hex(&leaf));
        assert_eq!(v["unverified_chain"][0], sha256_hex(&leaf));
        let ca = cert_der(&pki().ca);
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

#[test]
fn verification_errors_match_cpython() {
    let pair = &pki().rsa;
    let (_g, port, _rx) = openssl_server(&["-cert", path(&pair.cert), "-key", path(&pair.key)]);
    let target = format!("127.0.0.1:{port}");
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
        let py = python_connect_error(port, cafile, name);
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
    let target = format!("127.0.0.1:{}", free_port());
    let (ok, v, err) = run(&["s_client", &target, "--json", "--timeout", "5"]);
    assert!(!ok);
    assert_eq!(v["error"]["type"], "ConnectionRefusedError");
    assert_eq!(v["error"]["message"], "[Errno 111] Connection refused");
    assert!(err.contains("Connection refused"));

    let pair = &pki().ecdsa;
    let (_g, port, _rx) = openssl_server(&["-cert", path(&pair.cert), "-key", path(&pair.key)]);
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
    let pair = &pki().ecdsa;
    let (_g, port, _rx) = openssl_server(&["-cert", path(&pair.cert), "-key", path(&pair.key)]);
    for version in ["TLSv1.2", "TLSv1.3"] {
        // TLS 1.3 tickets arrive after the handshake: --send gives the read phase that
        // collects them (a read timeout just ends it).
        let (ok, v, err) = s_client_json(
            port,
            &[
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
            ],
        );
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
    let (mut g, port, _rx) = s_server_for(
        &pki().ecdsa,
        &[
            "--cafile",
            path(&pki().ca),
            "--verify-client",
            "required",
            "--max-conns",
            "1",
            "--echo",
        ],
    );
    let (ok, v, err) = s_client_json(port, &["--send", "x", "--json"]);
    assert!(!ok, "exit 1");
    assert_eq!(v["error"]["type"], "SSLError", "{v}");
    assert_eq!(
        v["error"]["reason"], "TLSV13_ALERT_CERTIFICATE_REQUIRED",
        "{v}"
    );
    assert!(err.contains("TLSV13_ALERT_CERTIFICATE_REQUIRED"), "{err}");
    let _ = g.wait_bounded(PEER_WAIT);
}
