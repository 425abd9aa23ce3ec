//! `get_channel_binding`: `tls-exporter` equals what `openssl s_client -keymatexport
//! EXPORTER-Channel-Binding -keymatexportlen 32` prints for the same connection (TLS 1.3
//! and 1.2); `tls-unique` on TLS 1.2 equals a python3 peer's value in both roles, for
//! full and resumed handshakes, and is None on TLS 1.3 (documented); None before the
//! handshake; unknown types are CPython's ValueError.

use std::process::Command;

use pyssl::{SocketOptions, TlsVersion};
use pyssl_tests::peers::{self, hex, pin_version, pki, serve_tcp, server_ctx};
use pyssl_tests::py_peers::{next_json, python_client_n, python_server_n, PyOpts};

fn exporter_vs_openssl(version: TlsVersion, flag: &str) {
    let p = pki();
    let ctx = server_ctx(&p.ecdsa, pyssl::CERT_NONE, &[]);
    pin_version(&ctx, version);
    let (port, server) = serve_tcp(1, move |tcp| {
        let mut s = ctx.wrap_socket(tcp, SocketOptions::server()).unwrap();
        let cb = s.get_channel_binding("tls-exporter").unwrap().unwrap();
        let unique = s.get_channel_binding("tls-unique").unwrap();
        let _ = s.recv(10);
        (cb, unique)
    });
    let (ok, out, err) = peers::run_bounded(
        Command::new("openssl").args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            flag,
            "-keymatexport",
            "EXPORTER-Channel-Binding",
            "-keymatexportlen",
            "32",
        ]),
        Vec::new(),
        peers::PEER_WAIT,
    );
    assert!(ok, "openssl s_client failed: {err}");
    let out = String::from_utf8_lossy(&out);
    let theirs = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Keying material: "))
        .unwrap_or_else(|| panic!("no keying material in {out}"))
        .to_ascii_lowercase();
    let (cb, unique) = server.join().unwrap().remove(0);
    assert_eq!(hex(&cb), theirs);
    if version == TlsVersion::TlsV1_3 {
        assert_eq!(unique, None, "tls-unique is documented as None on TLS 1.3");
    } else {
        assert_eq!(unique.map(|u| u.len()), Some(12));
    }
}

fn tls_unique_vs_python_server(ticket: &str) {
    let opts = PyOpts {
        tls12: true,
        no_ticket: ticket == "noticket",
        ..PyOpts::default()
    };
    let (mut guard, port, rx) = python_server_n(2, opts);
    let ctx = pyssl_tests::peers::client_ctx(false, &[]);
    let mut session = None;
    for i in 0..2 {
        let mut s = peers::connect_with_session(&ctx, port, session.take()).unwrap();
        assert_eq!(s.recv(10).unwrap(), b"ok");
        // An OpenSSL server under OP_NO_TICKET does not resume a CPython client
        // either (checked with python3 on both ends): both handshakes are full then.
        let resumed = i == 1 && ticket == "ticket";
        assert_eq!(s.session_reused(), resumed);
        let ours = hex(&s
            .get_channel_binding("tls-unique")
            .unwrap()
            .expect("tls-unique on TLS 1.2"));
        session = s.session();
        let _ = s.close_notify();
        drop(s);
        let line = next_json(&rx, "connection");
        assert_eq!(line["tls_unique"], ours, "connection {i}");
        assert_eq!(line["reused"], resumed, "connection {i}");
    }
    guard.wait_bounded(peers::PEER_WAIT);
}

#[test]
fn tls_unique_equals_python_server_full_and_resumed_ticket() {
    tls_unique_vs_python_server("ticket");
}

#[test]
fn tls_unique_equals_python_server_op_no_ticket() {
    tls_unique_vs_python_server("noticket");
}

#[test]
fn tls_unique_equals_python_client_full_and_resumed() {
    let p = pki();
    let ctx = server_ctx(&p.rsa, pyssl::CERT_NONE, &[]);
    let (port, server) = serve_tcp(2, move |tcp| {
        let mut s = ctx.wrap_socket(tcp, SocketOptions::server()).unwrap();
        s.sendall(b"ok").unwrap();
        let cb = hex(&s
            .get_channel_binding("tls-unique")
            .unwrap()
            .expect("tls-unique"));
        let reused = s.session_reused();
        let _ = s.close_notify();
        (cb, reused)
    });
    let tls12 = PyOpts {
        tls12: true,
        ..PyOpts::default()
    };
    let theirs: Vec<(String, bool)> = python_client_n(port, 2, tls12)
        .iter()
        .map(|v| {
            (
                v["tls_unique"].as_str().unwrap().to_owned(),
                v["reused"].as_bool().unwrap(),
            )
        })
        .collect();
    let ours = server.join().unwrap();
    assert_eq!(ours, theirs);
    assert!(!ours[0].1 && ours[1].1, "full, then resumed");
}

#[test]
fn tls_exporter_equals_openssl_tls13() {
    exporter_vs_openssl(TlsVersion::TlsV1_3, "-tls1_3");
}

#[test]
fn tls_exporter_equals_openssl_tls12() {
    exporter_vs_openssl(TlsVersion::TlsV1_2, "-tls1_2");
}

#[test]
fn before_handshake_and_unknown_type() {
    let ctx = pyssl::SslContext::new(pyssl::PROTOCOL_TLS_CLIENT).unwrap();
    let obj = ctx
        .wrap_bio(
            pyssl::MemoryBio::new(),
            pyssl::MemoryBio::new(),
            pyssl::WrapOptions {
                server_hostname: Some("localhost".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(obj.get_channel_binding("tls-exporter").unwrap(), None);
    assert_eq!(obj.get_channel_binding("tls-unique").unwrap(), None);
    let e = obj.get_channel_binding("tls-server-end-point").unwrap_err();
    assert_eq!(e.python_class(), "ValueError");
    assert_eq!(
        e.to_string(),
        "'tls-server-end-point' channel binding type not implemented"
    );
    // Same message as CPython's _ssl.
    let py = pyssl_tests::run_python(
        "import ssl\nc=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n\
         o=c.wrap_bio(ssl.MemoryBIO(),ssl.MemoryBIO(),server_hostname='localhost')\n\
         try: o.get_channel_binding('tls-server-end-point')\n\
         except ValueError as e: print(e)",
        &[],
    );
    assert_eq!(py.trim(), e.to_string());
}
