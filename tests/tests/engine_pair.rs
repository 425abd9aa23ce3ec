//! pyssl ↔ pyssl over MemoryBio pairs: handshake, data, close_notify semantics.

use pyssl::{ErrorKind, SslContext, PROTOCOL_TLS_CLIENT};
use pyssl_tests::pki::{Alg, Pki};
use pyssl_tests::pump::{self, handshake};

fn contexts(pki: &Pki, alg: Alg) -> (SslContext, SslContext) {
    pump::contexts(
        pki,
        &pki.leaf(alg, "localhost", &["localhost", "127.0.0.1"]),
    )
}

#[test]
fn handshake_and_data_ecdsa_tls13() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki, Alg::Ecdsa);
    let mut o = handshake(&c, &s, Some("localhost"));
    o.client_result.as_ref().unwrap();
    o.server_result.as_ref().unwrap();
    assert_eq!(o.client.obj.version(), Some("TLSv1.3"));
    assert_eq!(o.server.obj.version(), Some("TLSv1.3"));
    assert_eq!(
        o.client.obj.cipher(),
        Some(("TLS_AES_256_GCM_SHA384".into(), "TLSv1.3".into(), 256))
    );
    assert_eq!(o.client.obj.compression(), None);
    assert_eq!(o.client.obj.write(b"hello").unwrap(), 5);
    o.client.send_to(&o.server);
    assert_eq!(o.server.obj.read(3).unwrap(), b"hel");
    assert_eq!(o.server.obj.pending(), 2);
    assert_eq!(o.server.obj.read(100).unwrap(), b"lo");
    let e = o.server.obj.read(100).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WantRead);
}

#[test]
fn tls12_rsa_names_openssl_suite() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki, Alg::Rsa);
    c.set_maximum_version(pyssl::TlsVersion::TlsV1_2).unwrap();
    let o = handshake(&c, &s, Some("localhost"));
    o.client_result.as_ref().unwrap();
    assert_eq!(o.client.obj.version(), Some("TLSv1.2"));
    assert_eq!(
        o.server.obj.cipher().unwrap().0,
        "ECDHE-RSA-AES256-GCM-SHA384"
    );
}

#[test]
fn close_notify_semantics_match_cpython() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki, Alg::Ecdsa);
    let mut o = handshake(&c, &s, Some("localhost"));
    o.client_result.as_ref().unwrap();
    // Server unwraps first: WantRead until the client's close_notify arrives.
    assert_eq!(
        o.server.obj.unwrap().unwrap_err().kind(),
        ErrorKind::WantRead
    );
    o.server.send_to(&o.client);
    // The client sees the close_notify: b'' (repeatedly) while its own is unsent.
    assert_eq!(o.client.obj.read(10).unwrap(), b"");
    assert_eq!(o.client.obj.read(10).unwrap(), b"");
    o.client.obj.unwrap().unwrap();
    // Both sent: SSLZeroReturnError, and writing is PROTOCOL_IS_SHUTDOWN.
    assert_eq!(
        o.client.obj.read(10).unwrap_err().kind(),
        ErrorKind::ZeroReturn
    );
    assert_eq!(
        o.client.obj.write(b"x").unwrap_err().reason(),
        Some("PROTOCOL_IS_SHUTDOWN")
    );
    o.client.send_to(&o.server);
    o.server.obj.unwrap().unwrap();
}

#[test]
fn bytes_after_close_notify_stay_in_the_bio() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki, Alg::Ecdsa);
    let mut o = handshake(&c, &s, Some("localhost"));
    o.client_result.as_ref().unwrap();
    assert_eq!(
        o.client.obj.unwrap().unwrap_err().kind(),
        ErrorKind::WantRead
    );
    o.client.send_to(&o.server);
    o.server.obj.unwrap().unwrap();
    o.server.send_to(&o.client);
    o.client.incoming.write(b"PLAINTEXT AFTER TLS").unwrap();
    o.client.obj.unwrap().unwrap();
    assert_eq!(o.client.incoming.read(None), b"PLAINTEXT AFTER TLS");
}

#[test]
fn ragged_eof_is_ssleoferror() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki, Alg::Ecdsa);
    let mut o = handshake(&c, &s, Some("localhost"));
    o.client_result.as_ref().unwrap();
    o.client.incoming.write_eof();
    let e = o.client.obj.read(10).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Eof);
    assert_eq!(
        e.to_string(),
        "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol"
    );
}

#[test]
fn no_implicit_resumption_between_connections() {
    // CPython resumes only when a session is passed explicitly.
    let pki = Pki::new();
    for alg in [Alg::Ecdsa] {
        let (c, s) = contexts(&pki, alg);
        for v in [pyssl::TlsVersion::TlsV1_2, pyssl::TlsVersion::TlsV1_3] {
            c.set_maximum_version(v).unwrap();
            for _ in 0..3 {
                let mut o = handshake(&c, &s, Some("localhost"));
                o.client_result.as_ref().unwrap();
                // Let the client see any tickets.
                o.server.send_to(&o.client);
                let _ = o.client.obj.read(1);
                assert!(!o.client.obj.session_reused());
                assert!(!o.server.obj.session_reused());
            }
        }
    }
}

#[test]
fn explicit_session_resumes_tls12_and_tls13() {
    use pyssl::WrapOptions;
    use pyssl_tests::pump::{drive, End};
    let pki = Pki::new();
    let (c, s) = contexts(&pki, Alg::Ecdsa);
    for v in [pyssl::TlsVersion::TlsV1_2, pyssl::TlsVersion::TlsV1_3] {
        c.set_maximum_version(v).unwrap();
        let mut session = None;
        for round in 0..3 {
            let client = End::new(
                &c,
                WrapOptions {
                    server_hostname: Some("localhost".into()),
                    session: session.take(),
                    ..Default::default()
                },
            )
            .unwrap();
            let server = End::server(&s).unwrap();
            let mut o = drive(client, server);
            o.client_result.as_ref().unwrap();
            // TLS 1.3 tickets arrive after the handshake.
            o.server.send_to(&o.client);
            let _ = o.client.obj.read(1);
            assert_eq!(
                o.client.obj.session_reused(),
                round > 0,
                "{v:?} round {round}"
            );
            assert_eq!(
                o.server.obj.session_reused(),
                round > 0,
                "{v:?} round {round}"
            );
            let sess = o
                .client
                .obj
                .session()
                .expect("client session after handshake");
            assert!(sess.has_ticket(), "{v:?}");
            assert_eq!(o.client.obj.session(), Some(sess.clone()));
            session = Some(sess);
        }
    }
    // A session from another context is refused, as CPython does.
    let other = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    let o = handshake(&c, &s, Some("localhost"));
    let sess = o.client.obj.session().unwrap();
    let e = other
        .wrap_bio(
            pyssl::MemoryBio::new(),
            pyssl::MemoryBio::new(),
            WrapOptions {
                server_hostname: Some("localhost".into()),
                session: Some(sess),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "Session refers to a different SSLContext.");
}
