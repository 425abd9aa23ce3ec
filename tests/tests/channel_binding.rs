//! `get_channel_binding`: `tls-exporter` equals what `openssl s_client -keymatexport
//! EXPORTER-Channel-Binding -keymatexportlen 32` prints for the same connection (TLS 1.3
//! and 1.2); `tls-unique` on TLS 1.2 equals a python3 peer's value in both roles, for
//! full and resumed handshakes, and is None on TLS 1.3 (documented); None before the
//! handshake; unknown types are CPython's ValueError.

use std::process::Command;

use pyssl::{MemoryBio, SocketOptions, SslObject, TlsVersion, WrapOptions};
use pyssl_tests::peers::{self, hex, pin_version, pki, serve_tcp, server_ctx, Pair};
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

/// `suite`: the one TLS 1.2 cipher string the pyssl client offers (None: its defaults).
fn tls_unique_vs_python_server(ticket: &str, suite: Option<&str>) {
    let opts = PyOpts {
        tls12: true,
        no_ticket: ticket == "noticket",
        ..PyOpts::default()
    };
    let (mut guard, port, rx) = python_server_n(2, opts);
    let ctx = pyssl_tests::peers::client_ctx(false, &[]);
    if let Some(suite) = suite {
        ctx.set_ciphers(suite).unwrap();
    }
    let mut session = None;
    for i in 0..2 {
        let mut s = peers::connect_with_session(&ctx, port, session.take()).unwrap();
        assert_eq!(s.recv(10).unwrap(), b"ok");
        if let Some(suite) = suite {
            assert_eq!(s.cipher().unwrap().0, suite);
        }
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
    tls_unique_vs_python_server("ticket", None);
}

/// The pyssl client's value (its own Finished record in the full handshake, the
/// python3 server's in the resumption) for each TLS 1.2 AEAD and PRF hash.
#[test]
fn tls_unique_equals_python_server_per_suite() {
    for suite in [
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
    ] {
        tls_unique_vs_python_server("ticket", Some(suite));
    }
}

#[test]
fn tls_unique_equals_python_server_op_no_ticket() {
    tls_unique_vs_python_server("noticket", None);
}

#[test]
fn tls_unique_equals_python_client_full_and_resumed() {
    tls_unique_vs_python_client(&pki().rsa, None, false);
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

/// tls-unique of a pyssl server restricted to `suite` equals the python3 client's, for a
/// full handshake and the resumption after it (SHA-256 and SHA-384 transcripts, every
/// TLS 1.2 AEAD).
fn tls_unique_vs_python_client_suite(suite: &str) {
    tls_unique_vs_python_client(&pki().ecdsa, Some(suite), false);
}

/// [`tls_unique_vs_python_client_suite`] with `OP_NO_TICKET` on the pyssl server when
/// `session_ids`: the python3 client then resumes by session ID.
/// `suite`: the one TLS 1.2 cipher string the server allows (None: its defaults).
fn tls_unique_vs_python_client(pair: &Pair, suite: Option<&str>, session_ids: bool) {
    let ctx = server_ctx(pair, pyssl::CERT_NONE, &[]);
    if let Some(suite) = suite {
        ctx.set_ciphers(suite).unwrap();
    }
    if session_ids {
        ctx.set_options(ctx.options() | pyssl::OP_NO_TICKET);
    }
    let (port, server) = serve_tcp(2, move |tcp| {
        let mut s = ctx.wrap_socket(tcp, SocketOptions::server()).unwrap();
        s.sendall(b"ok").unwrap();
        let cb = hex(&s
            .get_channel_binding("tls-unique")
            .unwrap()
            .expect("tls-unique"));
        let name = s.cipher().unwrap().0;
        let reused = s.session_reused();
        let _ = s.close_notify();
        (cb, name, reused)
    });
    let tls12 = PyOpts {
        tls12: true,
        ..PyOpts::default()
    };
    let theirs = python_client_n(port, 2, tls12);
    let ours = server.join().unwrap();
    for (i, (cb, name, reused)) in ours.iter().enumerate() {
        if let Some(suite) = suite {
            assert_eq!(name, suite);
        }
        assert_eq!(
            cb,
            theirs[i]["tls_unique"].as_str().unwrap(),
            "connection {i}"
        );
        assert_eq!(
            Some(*reused),
            theirs[i]["reused"].as_bool(),
            "connection {i}"
        );
    }
    assert!(!ours[0].2 && ours[1].2, "full, then resumed");
}

#[test]
fn tls_unique_equals_python_client_aes128_sha256() {
    tls_unique_vs_python_client_suite("ECDHE-ECDSA-AES128-GCM-SHA256");
}

#[test]
fn tls_unique_equals_python_client_chacha20() {
    tls_unique_vs_python_client_suite("ECDHE-ECDSA-CHACHA20-POLY1305");
}

#[test]
fn tls_unique_equals_python_client_aes256_sha384() {
    tls_unique_vs_python_client_suite("ECDHE-ECDSA-AES256-GCM-SHA384");
}

#[test]
fn tls_unique_equals_python_client_session_id_resumption() {
    tls_unique_vs_python_client(&pki().ecdsa, Some("ECDHE-ECDSA-AES128-GCM-SHA256"), true);
}

/// Both ends of one in-memory TLS 1.2 connection agree on tls-unique when every record
/// reaches the peer one byte at a time (records split anywhere, headers included), for
/// a full handshake and a resumption (ticket).
#[test]
fn tls_unique_agrees_with_bytewise_delivery() {
    bytewise_pair(false, false, None);
}

/// The same with a client certificate (Certificate and CertificateVerify in the full
/// handshake's transcript) and session-ID resumption (no NewSessionTicket).
#[test]
fn tls_unique_agrees_with_client_cert_and_session_ids() {
    bytewise_pair(true, true, None);
}

/// Both ends agree, byte-wise delivery, for each TLS 1.2 AEAD (the first Finished
/// record opened with AES-128-GCM / AES-256-GCM and a SHA-384 key block /
/// ChaCha20-Poly1305's IV-as-nonce), full and resumed (ticket and session ID).
#[test]
fn tls_unique_agrees_per_suite() {
    for suite in [
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305",
    ] {
        bytewise_pair(false, false, Some(suite));
        bytewise_pair(false, true, Some(suite));
    }
}

/// A client (for "localhost", offering `session`) and a server `SslObject`, each over
/// two fresh `MemoryBio`s: `[client in, client out, server in, server out]`.
fn wrapped_pair(
    client: &pyssl::SslContext,
    server: &pyssl::SslContext,
    session: Option<pyssl::SslSession>,
) -> (SslObject, SslObject, [MemoryBio; 4]) {
    let (ci, co, si, so) = (
        MemoryBio::new(),
        MemoryBio::new(),
        MemoryBio::new(),
        MemoryBio::new(),
    );
    let opts = WrapOptions {
        server_hostname: Some("localhost".into()),
        session,
        ..Default::default()
    };
    let c = client.wrap_bio(ci.clone(), co.clone(), opts).unwrap();
    let sopts = WrapOptions {
        server_side: true,
        ..Default::default()
    };
    let s = server.wrap_bio(si.clone(), so.clone(), sopts).unwrap();
    (c, s, [ci, co, si, so])
}

fn bytewise_pair(client_cert: bool, session_ids: bool, suite: Option<&str>) {
    let p = pki();
    let mode = if client_cert {
        pyssl::CERT_REQUIRED
    } else {
        pyssl::CERT_NONE
    };
    let server = server_ctx(&p.ecdsa, mode, &[]);
    if session_ids {
        server.set_options(server.options() | pyssl::OP_NO_TICKET);
    }
    let client = pyssl_tests::peers::client_ctx(client_cert, &[]);
    pin_version(&client, TlsVersion::TlsV1_2);
    if let Some(suite) = suite {
        client.set_ciphers(suite).unwrap();
    }
    let trickle = |from: &MemoryBio, to: &MemoryBio| {
        let data = from.read(None);
        for b in &data {
            to.write(std::slice::from_ref(b)).unwrap();
        }
        !data.is_empty()
    };
    let mut session = None;
    for round in 0..2 {
        let (mut c, mut s, [ci, co, si, so]) = wrapped_pair(&client, &server, session.take());
        let (mut c_done, mut s_done) = (false, false);
        for _ in 0..200 {
            while !c_done {
                match c.do_handshake() {
                    Ok(()) => c_done = true,
                    Err(e) if e.kind() == pyssl::ErrorKind::WantRead => break,
                    Err(e) => panic!("client: {e}"),
                }
            }
            let moved = trickle(&co, &si);
            while !s_done {
                match s.do_handshake() {
                    Ok(()) => s_done = true,
                    Err(e) if e.kind() == pyssl::ErrorKind::WantRead => break,
                    Err(e) => panic!("server: {e}"),
                }
            }
            let moved = trickle(&so, &ci) | moved;
            if c_done && s_done && !moved {
                break;
            }
        }
        assert!(c_done && s_done);
        assert_eq!(c.session_reused(), round == 1);
        let (cu, su) = (
            c.get_channel_binding("tls-unique").unwrap(),
            s.get_channel_binding("tls-unique").unwrap(),
        );
        assert_eq!(cu.as_ref().map(Vec::len), Some(12), "round {round}");
        assert_eq!(cu, su, "round {round}");
        if let Some(suite) = suite {
            assert_eq!(c.cipher().unwrap().0, suite);
        }
        assert_eq!(s.getpeercert().unwrap().is_some(), client_cert);
        if round == 1 {
            assert_eq!(c.session().unwrap().has_ticket(), !session_ids);
        }
        session = c.session();
    }
}

/// tls-unique does not depend on the thread a connection was made on: every
/// handshake step of both ends runs on a new thread, and four such pairs (full and
/// resumed) handshake at once; every pair's ends agree.
#[test]
fn tls_unique_with_handshake_steps_on_other_threads() {
    let p = pki();
    let server = server_ctx(&p.ecdsa, pyssl::CERT_NONE, &[]);
    let client = pyssl_tests::peers::client_ctx(false, &[]);
    pin_version(&client, TlsVersion::TlsV1_2);
    // One step on a thread of its own: true once the handshake is done.
    let step = |o: &mut SslObject| {
        std::thread::scope(|sc| {
            sc.spawn(|| match o.do_handshake() {
                Ok(()) => true,
                Err(e) if e.kind() == pyssl::ErrorKind::WantRead => false,
                Err(e) => panic!("{e}"),
            })
            .join()
            .unwrap()
        })
    };
    let pair = |session: Option<pyssl::SslSession>| {
        let (mut c, mut s, [ci, co, si, so]) = wrapped_pair(&client, &server, session);
        let (mut c_done, mut s_done) = (false, false);
        for _ in 0..20 {
            c_done = c_done || step(&mut c);
            si.write(&co.read(None)).unwrap();
            s_done = s_done || step(&mut s);
            ci.write(&so.read(None)).unwrap();
            if c_done && s_done {
                break;
            }
        }
        assert!(c_done && s_done);
        let cu = c.get_channel_binding("tls-unique").unwrap();
        assert_eq!(cu.as_ref().map(Vec::len), Some(12));
        assert_eq!(cu, s.get_channel_binding("tls-unique").unwrap());
        (c.session(), c.session_reused())
    };
    let (session, reused) = pair(None);
    assert!(!reused);
    std::thread::scope(|sc| {
        let runs: Vec<_> = (0..4)
            .map(|i| {
                let session = session.clone();
                let pair = &pair;
                sc.spawn(move || pair(if i % 2 == 0 { session } else { None }).1)
            })
            .collect();
        let reused: Vec<bool> = runs.into_iter().map(|r| r.join().unwrap()).collect();
        assert_eq!(reused, [true, false, true, false]);
    });
}
