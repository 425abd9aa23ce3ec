//! Session resumption with CPython's rules: a client resumes only from a session given
//! explicitly; second and third connections resume (TLS 1.2 and 1.3) against pyssl,
//! python3 and openssl peers in both roles; `num_tickets`, `OP_NO_TICKET`,
//! `session_stats()`.

use std::process::Command;

use pyssl::{SocketOptions, SslContext, SslSession, TlsVersion, WrapOptions};
use pyssl_tests::peers::{self, client_ctx, pin_version, pki, serve_tcp, server_ctx};
use pyssl_tests::pump::{drive, End};
use pyssl_tests::py_peers::{next_json, python_client_n, python_server_n, PyOpts};

/// One in-memory connection; returns (session_reused, session after reading data).
fn pyssl_pair(
    cctx: &SslContext,
    sctx: &SslContext,
    session: Option<SslSession>,
) -> (bool, Option<SslSession>) {
    let client = End::new(
        cctx,
        WrapOptions {
            server_hostname: Some("localhost".into()),
            session,
            ..Default::default()
        },
    )
    .unwrap();
    let server = End::server(sctx).unwrap();
    let mut o = drive(client, server);
    o.client_result.as_ref().expect("client handshake");
    o.server_result.as_ref().expect("server handshake");
    // TLS 1.3 tickets arrive after the handshake: read some data first.
    o.server.obj.write(b"x").unwrap();
    o.server.send_to(&o.client);
    assert_eq!(o.client.obj.read(10).unwrap(), b"x");
    let reused = o.client.obj.session_reused();
    assert_eq!(reused, o.server.obj.session_reused());
    (reused, o.client.obj.session())
}

fn chain_pyssl(version: TlsVersion, no_ticket: bool) {
    let sctx = server_ctx(&pki().ecdsa, pyssl::CERT_NONE, &[]);
    if no_ticket {
        sctx.set_options(sctx.options() | pyssl::OP_NO_TICKET);
    }
    let cctx = client_ctx(false, &[]);
    pin_version(&cctx, version);
    // No session given: never resumed (CPython never resumes behind the user's back).
    let (r1, s1) = pyssl_pair(&cctx, &sctx, None);
    let (r1b, _) = pyssl_pair(&cctx, &sctx, None);
    assert!(!r1 && !r1b);
    let s1 = s1.expect("session after the handshake");
    let (r2, s2) = pyssl_pair(&cctx, &sctx, Some(s1.clone()));
    assert!(r2, "second connection resumed");
    let (r3, _) = pyssl_pair(&cctx, &sctx, s2);
    assert!(r3, "third connection resumed");
    let stats: std::collections::HashMap<_, _> = sctx.session_stats().into_iter().collect();
    assert_eq!(stats["accept"], 4);
    assert_eq!(stats["accept_good"], 4);
    assert_eq!(stats["hits"], 2);
    assert_eq!(stats["connect"], 0);
    let cstats: std::collections::HashMap<_, _> = cctx.session_stats().into_iter().collect();
    assert_eq!((cstats["connect"], cstats["connect_good"]), (4, 4));
    if version == TlsVersion::TlsV1_3 || !no_ticket {
        assert!(s1.has_ticket());
    }
    assert!(s1.ticket_lifetime_hint() > 0 || version == TlsVersion::TlsV1_2);
    assert!(!s1.id().is_empty());
}

#[test]
fn pyssl_pair_resumes_tls13() {
    chain_pyssl(TlsVersion::TlsV1_3, false);
}

#[test]
fn pyssl_pair_resumes_tls12_tickets() {
    chain_pyssl(TlsVersion::TlsV1_2, false);
}

#[test]
fn pyssl_pair_resumes_tls12_session_ids_with_op_no_ticket() {
    chain_pyssl(TlsVersion::TlsV1_2, true);
}

#[test]
fn pyssl_pair_resumes_tls13_stateful_with_op_no_ticket() {
    chain_pyssl(TlsVersion::TlsV1_3, true);
}

/// A session's fields describe the value it was taken with, even after a resumption
/// used that (single-use) TLS 1.3 ticket up; TLS 1.2 sessions resume repeatedly.
#[test]
fn session_fields_outlive_the_ticket_they_describe() {
    for version in [TlsVersion::TlsV1_3, TlsVersion::TlsV1_2] {
        let sctx = server_ctx(&pki().ecdsa, pyssl::CERT_NONE, &[]);
        let cctx = client_ctx(false, &[]);
        pin_version(&cctx, version);
        let (_, s1) = pyssl_pair(&cctx, &sctx, None);
        let s1 = s1.expect("session");
        let same = s1.clone();
        // Nothing about s1 was read before it is used.
        let (r2, s2) = pyssl_pair(&cctx, &sctx, Some(s1.clone()));
        assert!(r2, "{version:?}: resumed from s1");
        assert!(s1.has_ticket(), "{version:?}");
        assert_eq!(s1.id().len(), 32, "{version:?}");
        assert!(s1.time() > 0);
        if version == TlsVersion::TlsV1_3 {
            // Read off what the used-up ticket left (OpenSSL: timeout = lifetime).
            assert!(s1.ticket_lifetime_hint() > 0);
            assert_eq!(s1.timeout(), s1.ticket_lifetime_hint());
        }
        assert_eq!(s1, same);
        if version == TlsVersion::TlsV1_3 {
            // A new ticket, a new session (CPython: `s.session != sess` on TLS 1.3).
            assert_ne!(Some(s1.clone()), s2);
        }
        let (r3, _) = pyssl_pair(&cctx, &sctx, Some(s1.clone()));
        // rustls' TLS 1.3 tickets are single-use; a TLS 1.2 session is not used up.
        assert_eq!(r3, version == TlsVersion::TlsV1_2, "{version:?}: s1 again");
        assert_eq!(s1, same);
    }
}

#[test]
fn set_session_rules_match_cpython() {
    let sctx = server_ctx(&pki().ecdsa, pyssl::CERT_NONE, &[]);
    let cctx = client_ctx(false, &[]);
    let (_, s1) = pyssl_pair(&cctx, &sctx, None);
    let other = client_ctx(false, &[]);
    let mut obj = other
        .wrap_bio(
            pyssl::MemoryBio::new(),
            pyssl::MemoryBio::new(),
            WrapOptions {
                server_hostname: Some("localhost".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(obj.session(), None);
    let e = obj.set_session(s1.unwrap()).unwrap_err();
    assert_eq!(e.to_string(), "Session refers to a different SSLContext.");
    assert_eq!(e.python_class(), "ValueError");
}

fn pyssl_client_vs_python(version: &str) {
    let opts = PyOpts {
        tls12: version == "1.2",
        ..PyOpts::default()
    };
    let (mut guard, port, rx) = python_server_n(3, opts);
    let ctx = client_ctx(false, &[]);
    let mut session: Option<SslSession> = None;
    for i in 0..3 {
        let mut s = peers::connect_with_session(&ctx, port, session.take())
            .expect("handshake with python3");
        assert_eq!(s.recv(10).unwrap(), b"ok");
        assert_eq!(s.session_reused(), i > 0, "connection {i}");
        session = s.session();
        assert!(session.as_ref().unwrap().has_ticket() || version == "1.2");
        let _ = s.close_notify();
        drop(s);
        assert_eq!(
            next_json(&rx, "connection")["reused"],
            i > 0,
            "connection {i}: python3 server's session_reused"
        );
    }
    guard.wait_bounded(peers::PEER_WAIT);
}

#[test]
fn pyssl_client_resumes_with_python_server_tls13() {
    pyssl_client_vs_python("1.3");
}

#[test]
fn pyssl_client_resumes_with_python_server_tls12() {
    pyssl_client_vs_python("1.2");
}

/// python3 client (three connections chaining `session`) against a pyssl server: its
/// `(session_reused, session.has_ticket)` per connection.
fn python_client_vs_pyssl(version: &str, no_ticket: bool) -> Vec<(bool, bool)> {
    let p = pki();
    let ctx = server_ctx(&p.ecdsa, pyssl::CERT_NONE, &[]);
    if no_ticket {
        ctx.set_options(ctx.options() | pyssl::OP_NO_TICKET);
    }
    let (port, server) = serve_tcp(3, {
        let ctx = ctx.clone();
        move |tcp| {
            let mut s = ctx.wrap_socket(tcp, SocketOptions::server()).unwrap();
            s.sendall(b"ok").unwrap();
            let reused = s.session_reused();
            let _ = s.close_notify();
            reused
        }
    });
    let opts = PyOpts {
        tls12: version == "1.2",
        ..PyOpts::default()
    };
    let theirs: Vec<(bool, bool)> = python_client_n(port, 3, opts)
        .iter()
        .map(|v| {
            (
                v["reused"].as_bool().unwrap(),
                v["has_ticket"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(server.join().unwrap(), vec![false, true, true]);
    let stats: std::collections::HashMap<_, _> = ctx.session_stats().into_iter().collect();
    assert_eq!(stats["hits"], 2);
    assert_eq!(stats["accept_good"], 3);
    theirs
}

#[test]
fn python_client_resumes_with_pyssl_server_tls13() {
    assert_eq!(
        python_client_vs_pyssl("1.3", false),
        [(false, true), (true, true), (true, true)]
    );
}

#[test]
fn python_client_resumes_with_pyssl_server_tls12() {
    assert_eq!(
        python_client_vs_pyssl("1.2", false),
        [(false, true), (true, true), (true, true)]
    );
}

#[test]
fn python_client_resumes_with_pyssl_server_tls12_op_no_ticket() {
    assert_eq!(
        python_client_vs_pyssl("1.2", true),
        [(false, false), (true, false), (true, false)]
    );
}

/// `openssl s_client -tls1_3 -msg` against `port` with `extra` arguments: the
/// NewSessionTicket messages it received, whether it resumed, and its output for messages.
fn openssl_tickets(port: u16, extra: &[&str]) -> (usize, bool, String) {
    let addr = format!("127.0.0.1:{port}");
    let mut args = vec!["s_client", "-connect", &addr, "-tls1_3", "-ign_eof", "-msg"];
    args.extend_from_slice(extra);
    let (_, out, err) = peers::run_bounded(
        Command::new("openssl").args(&args),
        Vec::new(),
        peers::PEER_WAIT,
    );
    let out = String::from_utf8_lossy(&out).into_owned();
    let tickets = out
        .lines()
        .filter(|l| l.starts_with("<<<") && l.contains("NewSessionTicket"))
        .count();
    let reused = out.contains("Reused, TLSv1.3");
    (tickets, reused, format!("{out}\n{err}"))
}

/// A pyssl TLS 1.3 server with `num_tickets` = `n` for `conns` connections.
fn ticket_server(n: usize, conns: usize) -> (u16, std::thread::JoinHandle<Vec<()>>) {
    let ctx = server_ctx(&pki().ecdsa, pyssl::CERT_NONE, &[]);
    ctx.set_num_tickets(n).unwrap();
    serve_tcp(conns, move |tcp| {
        let mut s = ctx.wrap_socket(tcp, SocketOptions::server()).unwrap();
        s.sendall(b"ok").unwrap();
        let _ = s.close_notify();
    })
}

/// `num_tickets`: an OpenSSL client (`s_client -msg`) counts the NewSessionTicket
/// messages the pyssl server sends after a full TLS 1.3 handshake.
#[test]
fn num_tickets_is_what_openssl_receives() {
    for n in [0usize, 1, 3] {
        let (port, server) = ticket_server(n, 1);
        let (got, _, log) = openssl_tickets(port, &[]);
        server.join().unwrap();
        assert_eq!(got, n, "tickets received by openssl: {log}");
    }
}

/// After a TLS 1.3 *resumption* OpenSSL's server sends one ticket, not `num_tickets`
/// (cli-contract: s_server); python3's server does the same (measured by hand with
/// `num_tickets = 3` and `openssl s_client -sess_out/-sess_in`: 3, then 1).
#[test]
fn one_ticket_after_a_tls13_resumption_as_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let sess = dir.path().join("sess.pem");
    let sess = sess.to_str().unwrap();
    for n in [1usize, 3] {
        let (port, server) = ticket_server(n, 2);
        let (full, reused, log) = openssl_tickets(port, &["-sess_out", sess]);
        assert_eq!((full, reused), (n, false), "full handshake: {log}");
        let (resumed, reused, log) = openssl_tickets(port, &["-sess_in", sess]);
        assert!(reused, "openssl did not resume: {log}");
        assert_eq!(resumed, 1, "tickets after resumption: {log}");
        server.join().unwrap();
    }
}
