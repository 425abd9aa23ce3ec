//! pyssl ↔ python3 (OpenSSL) in memory, both roles, TLS 1.2 and 1.3, RSA and ECDSA —
//! and differential checks: the same scenario with python3 on both sides gives the same
//! version, cipher, ALPN, getpeercert() and errors.

use std::sync::OnceLock;

use pyssl_tests::harness::{connect, endpoint, handshake, Impl, Outcome, PeerConfig, Status};
use pyssl_tests::pki::{Alg, Leaf, Pki};

struct Fixture {
    pki: Pki,
    rsa: Leaf,
    ecdsa: Leaf,
    client_rsa: Leaf,
}

fn fx() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let pki = Pki::new();
        let rsa = pki.leaf(Alg::Rsa, "localhost", &["localhost", "127.0.0.1"]);
        let ecdsa = pki.leaf(Alg::Ecdsa, "localhost", &["localhost", "127.0.0.1"]);
        let client_rsa = pki.leaf(Alg::Rsa, "client", &["client.example"]);
        Fixture {
            pki,
            rsa,
            ecdsa,
            client_rsa,
        }
    })
}

fn server(leaf: &Leaf) -> PeerConfig {
    PeerConfig {
        server_side: true,
        cert: Some(leaf.cert.clone()),
        key: Some(leaf.key.clone()),
        ..Default::default()
    }
}

fn client() -> PeerConfig {
    PeerConfig {
        cafile: Some(fx().pki.ca_cert.clone()),
        server_hostname: Some("localhost".into()),
        ..Default::default()
    }
}

/// Runs the scenario with pyssl on `pyssl_side` and python3 on the other, and with
/// python3 on both; asserts both sides' outcomes agree with the all-python run.
fn differential(c: &PeerConfig, s: &PeerConfig) -> (Outcome, Outcome) {
    let (pc, ps) = connect(Impl::Python, c, Impl::Python, s);
    let (c1, s1) = connect(Impl::Pyssl, c, Impl::Python, s);
    assert_same(&c1, &pc, "pyssl client vs python client");
    assert_same(&s1, &ps, "python server facing pyssl vs facing python");
    let (c2, s2) = connect(Impl::Python, c, Impl::Pyssl, s);
    assert_same(&s2, &ps, "pyssl server vs python server");
    assert_same(&c2, &pc, "python client facing pyssl vs facing python");
    (pc, ps)
}

fn assert_same(ours: &Outcome, theirs: &Outcome, what: &str) {
    match (ours, theirs) {
        (Outcome::Done(a), Outcome::Done(b)) => {
            assert_eq!(a.version, b.version, "{what}: version");
            assert_eq!(a.cipher, b.cipher, "{what}: cipher");
            assert_eq!(a.alpn, b.alpn, "{what}: alpn");
            assert_eq!(a.peercert, b.peercert, "{what}: getpeercert()");
            assert_eq!(a.peercert_der, b.peercert_der, "{what}: getpeercert(True)");
            if let (Some(x), Some(y)) = (&a.shared_ciphers, &b.shared_ciphers) {
                // OpenSSL also lists suites rustls does not implement; compare the rest.
                let y: Vec<_> = y
                    .iter()
                    .filter(|c| pyssl::ciphers::suite_by_name(&c.0).is_some())
                    .cloned()
                    .collect();
                assert_eq!(x, &y, "{what}: shared_ciphers()");
            }
            if let (Some(x), Some(y)) = (&a.verified_chain, &b.verified_chain) {
                assert_eq!(x, y, "{what}: get_verified_chain()");
            }
        }
        (Outcome::Failed(a), Outcome::Failed(b)) => {
            assert_eq!(
                (
                    &a.class,
                    &a.library,
                    &a.reason,
                    a.verify_code,
                    &a.verify_message
                ),
                (
                    &b.class,
                    &b.library,
                    &b.reason,
                    b.verify_code,
                    &b.verify_message
                ),
                "{what}: error ({} vs {})",
                a.message,
                b.message
            );
            assert_eq!(a.message, b.message, "{what}: str(exc)");
        }
        _ => panic!("{what}: outcomes differ:\n ours   {ours:?}\n theirs {theirs:?}"),
    }
}

#[test]
fn matrix_versions_and_key_types_both_roles() {
    for leaf in [&fx().rsa, &fx().ecdsa] {
        for v in [0x303, 0x304] {
            let mut s = server(leaf);
            s.max_version = Some(v);
            let (c, _) = differential(&client(), &s);
            let info = c.info();
            assert_eq!(
                info.version.as_deref(),
                Some(if v == 0x303 { "TLSv1.2" } else { "TLSv1.3" })
            );
            assert!(info
                .peercert
                .as_ref()
                .is_some_and(|p| p["subject"].is_array()));
        }
    }
}

#[test]
fn data_flows_both_ways_in_both_roles() {
    for (ci, si) in [(Impl::Pyssl, Impl::Python), (Impl::Python, Impl::Pyssl)] {
        for leaf in [&fx().rsa, &fx().ecdsa] {
            let c = endpoint(ci, &client()).unwrap();
            let s = endpoint(si, &server(leaf)).unwrap();
            let mut conn = handshake(c, s);
            conn.client_outcome.info();
            conn.server_outcome.info();
            let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
            let mut got = Vec::new();
            let st = conn.client_to_server(&big);
            if let Status::Ok(d) = st {
                got.extend(d);
            }
            // Drain the rest (reads return at most one record each in OpenSSL).
            for _ in 0..50 {
                if got.len() >= big.len() {
                    break;
                }
                match conn
                    .server
                    .call("read", &std::mem::take(&mut conn.to_server), false, &[])
                {
                    (_, Status::Ok(d)) => got.extend(d),
                    (_, other) => panic!("{other:?}"),
                }
            }
            assert_eq!(got, big, "{ci:?} -> {si:?}");
            match conn.server_to_client(b"pong") {
                Status::Ok(d) => assert_eq!(d, b"pong"),
                other => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn alpn_server_preference_and_no_overlap() {
    let mut c = client();
    c.alpn = vec!["http/1.1".into(), "h2".into()];
    let mut s = server(&fx().ecdsa);
    s.alpn = vec!["h2".into(), "http/1.1".into()];
    let (co, _) = differential(&c, &s);
    assert_eq!(co.info().alpn.as_deref(), Some("h2"));
    s.alpn = vec!["spdy/1".into()];
    let (co, _) = differential(&c, &s);
    assert_eq!(co.info().alpn, None);
}

#[test]
fn client_certificates_required_optional_none() {
    for mode in [0, 1, 2] {
        let mut s = server(&fx().ecdsa);
        s.verify_mode = Some(mode);
        s.cafile = Some(fx().pki.ca_cert.clone());
        let mut c = client();
        c.cert = Some(fx().client_rsa.cert.clone());
        c.key = Some(fx().client_rsa.key.clone());
        let (_, so) = differential(&c, &s);
        let info = so.info();
        if mode == 0 {
            assert_eq!(info.peercert, None);
        } else {
            assert!(info.peercert.is_some());
        }
    }
}

#[test]
fn missing_client_certificate_errors_match() {
    for v in [0x303, 0x304] {
        let mut s = server(&fx().ecdsa);
        s.verify_mode = Some(2);
        s.cafile = Some(fx().pki.ca_cert.clone());
        s.max_version = Some(v);
        let (_, so) = differential(&client(), &s);
        assert_eq!(
            so.err().reason.as_deref(),
            Some("PEER_DID_NOT_RETURN_A_CERTIFICATE")
        );
    }
}

#[test]
fn verification_failures_match() {
    // Wrong host name.
    let mut c = client();
    c.server_hostname = Some("wrong.example".into());
    let (co, _) = differential(&c, &server(&fx().ecdsa));
    assert_eq!(co.err().verify_code, Some(62));
    // Unknown CA (no CA loaded at all).
    let mut c = client();
    c.cafile = None;
    let (co, _) = differential(&c, &server(&fx().rsa));
    assert_eq!(co.err().verify_code, Some(20));
    // CERT_NONE: {} and no verification.
    let mut c = client();
    c.cafile = None;
    c.check_hostname = Some(false);
    c.verify_mode = Some(0);
    let (co, _) = differential(&c, &server(&fx().rsa));
    assert_eq!(co.info().peercert, Some(serde_json::json!({})));
}

#[test]
fn protocol_and_cipher_mismatches_match() {
    // No common version.
    let mut c = client();
    c.max_version = Some(0x303);
    let mut s = server(&fx().ecdsa);
    s.min_version = Some(0x304);
    differential(&c, &s);
    let mut c = client();
    c.min_version = Some(0x304);
    let mut s = server(&fx().ecdsa);
    s.max_version = Some(0x303);
    differential(&c, &s);
    // No shared TLS 1.2 cipher: the client only offers ECDSA suites to an RSA server.
    let mut c = client();
    c.max_version = Some(0x303);
    c.ciphers = Some("ECDHE-ECDSA-AES128-GCM-SHA256".into());
    let (_, so) = differential(&c, &server(&fx().rsa));
    assert_eq!(so.err().reason.as_deref(), Some("NO_SHARED_CIPHER"));
    // Empty version range on one side: NO_PROTOCOLS_AVAILABLE at handshake time.
    let mut c = client();
    c.min_version = Some(0x304);
    c.max_version = Some(0x303);
    let (co, _) = differential(&c, &server(&fx().ecdsa));
    assert_eq!(co.err().reason.as_deref(), Some("NO_PROTOCOLS_AVAILABLE"));
}

#[test]
fn rsa_and_ecdsa_on_one_server_chosen_per_client() {
    let mut s = server(&fx().rsa);
    s.extra_certs = vec![(fx().ecdsa.cert.clone(), fx().ecdsa.key.clone())];
    // TLS 1.2 with only RSA suites → the RSA certificate; only ECDSA suites → ECDSA.
    for (ciphers, want) in [
        ("ECDHE-RSA-AES128-GCM-SHA256", &fx().rsa),
        ("ECDHE-ECDSA-AES128-GCM-SHA256", &fx().ecdsa),
    ] {
        let mut c = client();
        c.max_version = Some(0x303);
        c.ciphers = Some(ciphers.into());
        let (co, _) = differential(&c, &s);
        assert_eq!(
            co.info().peercert_der.as_deref(),
            Some(&want.der[..]),
            "{ciphers}"
        );
    }
    let (co, _) = differential(&client(), &s);
    co.info();
}

#[test]
fn unwrap_with_python_leaves_following_plaintext_unread() {
    use pyssl_tests::harness::{Endpoint, PysslEnd, PythonEnd};
    for v in [0x303, 0x304] {
        let mut s = server(&fx().ecdsa);
        s.max_version = Some(v);
        let mut py = PythonEnd::new(&s).unwrap();
        let mut ours = PysslEnd::new(&client()).unwrap();
        let mut to_py = Vec::new();
        let mut to_us = Vec::new();
        for _ in 0..10 {
            let (o, _) = ours.call("handshake", &std::mem::take(&mut to_us), false, &[]);
            to_py.extend(o);
            let (o, _) = py.call("handshake", &std::mem::take(&mut to_py), false, &[]);
            to_us.extend(o);
        }
        assert!(ours.obj.is_handshake_done());
        // pyssl starts the shutdown; python answers with its close_notify, then the
        // application switches to plaintext on the same stream (STARTTLS-style).
        let (o, st) = ours.call("unwrap", &std::mem::take(&mut to_us), false, &[]);
        assert!(matches!(st, Status::WantRead), "{st:?}");
        let (o2, st) = py.call("unwrap", &o, false, &[]);
        assert!(matches!(st, Status::Ok(_)), "{st:?}");
        let mut wire = o2;
        wire.extend_from_slice(b"PLAINTEXT AFTER TLS");
        let (_, st) = ours.call("unwrap", &wire, false, &[]);
        assert!(matches!(st, Status::Ok(_)), "{st:?}");
        // Everything after python's close_notify is still in the incoming BIO.
        let (_, st) = ours.call("read", &[], false, &[]);
        assert!(
            matches!(st, Status::Error(ref e) if e.class == "SSLZeroReturnError"),
            "{st:?}"
        );
        assert_eq!(ours.incoming().read(None), b"PLAINTEXT AFTER TLS");
    }
}

#[test]
fn core_types_are_send_and_sync() {
    fn send<T: Send>() {}
    fn sync<T: Send + Sync>() {}
    sync::<pyssl::SslContext>();
    sync::<pyssl::MemoryBio>();
    send::<pyssl::SslObject>();
    send::<pyssl::engine::Connection>();
    sync::<pyssl::SslError>();
}
