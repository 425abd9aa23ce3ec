//! Hostile input into both roles: random bytes, truncated and corrupted records give an
//! `SslError` (or a clean want-read), never a panic or a hang; non-TLS input gets
//! OpenSSL's reasons (checked against python3 on the same bytes).

use pyssl::{ErrorKind, SslContext, WrapOptions};
use pyssl_tests::harness::{Endpoint, PeerConfig, PythonEnd, Status};
use pyssl_tests::pki::{Alg, Pki};
use pyssl_tests::pump::{self, handshake, End};
use pyssl_testutil::Rng;

fn contexts(pki: &Pki) -> (SslContext, SslContext) {
    pump::contexts(pki, &pki.leaf(Alg::Ecdsa, "localhost", &["localhost"]))
}

/// Feeds `data` to a fresh end, in chunks, then EOF; every call must return.
fn feed(ctx: &SslContext, server_side: bool, data: &[u8], chunk: usize) {
    let mut end = End::new(
        ctx,
        WrapOptions {
            server_side,
            server_hostname: (!server_side).then(|| "localhost".to_owned()),
            ..Default::default()
        },
    )
    .unwrap();
    let _ = end.obj.do_handshake();
    for part in data.chunks(chunk.max(1)) {
        end.incoming.write(part).unwrap();
        match end.obj.do_handshake() {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::WantRead => {}
            Err(e) => {
                assert!(e.kind().is_ssl_error(), "{e:?}");
                // Sticky: the next call fails the same way, without panicking.
                assert_eq!(end.obj.do_handshake().unwrap_err(), e);
                let _ = end.obj.read(10);
                let _ = end.obj.write(b"x");
                return;
            }
        }
    }
    end.incoming.write_eof();
    let e = end.obj.do_handshake().unwrap_err();
    assert!(e.kind().is_ssl_error(), "{e:?}");
}

#[test]
fn random_bytes_into_both_roles() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..200 {
        let n = (rng.next() % 3000) as usize;
        let mut data = rng.bytes(n);
        // Half the time make it look like a TLS record header to go deeper.
        if i % 2 == 0 && data.len() > 5 {
            data[0] = 22 + (rng.next() % 2) as u8;
            data[1] = 3;
            data[2] = 3;
        }
        let chunk = 1 + (rng.next() % 700) as usize;
        feed(&s, true, &data, chunk);
        feed(&c, false, &data, chunk);
    }
}

#[test]
fn truncated_and_corrupted_real_flights() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki);
    // Record a real exchange: the ClientHello and the server's first flight.
    let client = End::client(&c, Some("localhost")).unwrap();
    let mut client = client;
    let _ = client.obj.do_handshake();
    let hello = client.outgoing.read(None);
    let mut server = End::server(&s).unwrap();
    server.incoming.write(&hello).unwrap();
    let _ = server.obj.do_handshake();
    let flight = server.outgoing.read(None);
    let mut rng = Rng(42);
    for cut in (0..hello.len()).step_by(7) {
        feed(&s, true, &hello[..cut], 13);
    }
    for _ in 0..100 {
        let mut bad = hello.clone();
        let i = (rng.next() as usize) % bad.len();
        bad[i] ^= 1 << (rng.next() % 8);
        feed(&s, true, &bad, 64);
    }
    // The server flight, truncated or corrupted, into a client that sent that hello.
    for _ in 0..60 {
        let mut c2 = End::client(&c, Some("localhost")).unwrap();
        let _ = c2.obj.do_handshake();
        let mut bad = flight.clone();
        let i = (rng.next() as usize) % bad.len();
        bad[i] ^= 1 << (rng.next() % 8);
        let cut = (rng.next() as usize) % (bad.len() + 1);
        c2.incoming.write(&bad[..cut]).unwrap();
        match c2.obj.do_handshake() {
            Ok(()) => panic!("a corrupted flight must not complete a handshake"),
            Err(e) => assert!(e.kind().is_ssl_error(), "{e:?}"),
        }
        c2.incoming.write_eof();
        assert!(c2.obj.do_handshake().is_err());
    }
}

#[test]
fn corrupted_application_data_fails_cleanly() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki);
    let mut o = handshake(&c, &s, Some("localhost"));
    o.client_result.as_ref().unwrap();
    o.client.obj.write(b"some application data").unwrap();
    let mut rec = o.client.outgoing.read(None);
    let last = rec.len() - 3;
    rec[last] ^= 0x55;
    o.server.incoming.write(&rec).unwrap();
    let e = o.server.obj.read(100).unwrap_err();
    assert_eq!(
        e.reason(),
        Some("DECRYPTION_FAILED_OR_BAD_RECORD_MAC"),
        "{e}"
    );
}

/// Non-TLS bytes: pyssl reports what OpenSSL reports (python3 on the same bytes).
#[test]
fn non_tls_input_matches_python() {
    let pki = Pki::new();
    let (c, s) = contexts(&pki);
    let leaf = pki.leaf(Alg::Ecdsa, "localhost", &["localhost"]);
    let inputs: [(&[u8], bool); 6] = [
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", true),
        (b"POST /x HTTP/1.1\r\n\r\n", true),
        (b"garbage garbage garbage", true),
        (b"\x16\x03\x01\x00\x05hello", true),
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", false),
        (b"\x15\x03\x03\x00\x02\x02\x28", false),
    ];
    for (data, server_side) in inputs {
        let cfg = if server_side {
            PeerConfig {
                server_side: true,
                cert: Some(leaf.cert.clone()),
                key: Some(leaf.key.clone()),
                ..Default::default()
            }
        } else {
            PeerConfig {
                cafile: Some(pki.ca_cert.clone()),
                server_hostname: Some("localhost".into()),
                ..Default::default()
            }
        };
        let mut py = PythonEnd::new(&cfg).unwrap();
        let mut ours =
            pyssl_tests::harness::PysslEnd::with_context(if server_side { &s } else { &c }, &cfg)
                .unwrap();
        if !server_side {
            // Let both clients send their ClientHello first.
            py.call("handshake", &[], false, &[]);
            ours.call("handshake", &[], false, &[]);
        }
        let (py_out, py_st) = py.call("handshake", data, false, &[]);
        let (our_out, our_st) = ours.call("handshake", data, false, &[]);
        let (Status::Error(pe), Status::Error(oe)) = (&py_st, &our_st) else {
            panic!("{data:?}: python {py_st:?}, pyssl {our_st:?}");
        };
        assert_eq!(
            (&oe.class, &oe.reason, &oe.message),
            (&pe.class, &pe.reason, &pe.message),
            "{:?}",
            String::from_utf8_lossy(data)
        );
        // Whether an alert went back (OpenSSL sends none for non-TLS bytes).
        assert_eq!(
            our_out.is_empty(),
            py_out.is_empty(),
            "{:?}: alert sent? pyssl {our_out:?} python {py_out:?}",
            String::from_utf8_lossy(data)
        );
    }
}

/// Every fatal alert a client can receive is reported with OpenSSL's reason and text.
#[test]
fn received_alerts_match_python() {
    let pki = Pki::new();
    let (c, _) = contexts(&pki);
    let cfg = PeerConfig {
        cafile: Some(pki.ca_cert.clone()),
        server_hostname: Some("localhost".into()),
        ..Default::default()
    };
    let codes: [u8; 33] = [
        10, 20, 21, 22, 30, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 60, 70, 71, 80, 86, 90,
        100, 109, 110, 111, 112, 113, 114, 115, 116, 120,
    ];
    let mut py = Vec::new();
    let mut ours = Vec::new();
    for code in codes {
        let alert = [21, 3, 3, 0, 2, 2, code];
        let mut p = PythonEnd::new(&cfg).unwrap();
        p.call("handshake", &[], false, &[]);
        let (_, st) = p.call("handshake", &alert, false, &[]);
        py.push(format!("{code}: {st:?}"));
        let mut o = pyssl_tests::harness::PysslEnd::with_context(&c, &cfg).unwrap();
        o.call("handshake", &[], false, &[]);
        let (_, st) = o.call("handshake", &alert, false, &[]);
        ours.push(format!("{code}: {st:?}"));
    }
    assert_eq!(ours, py);
}
