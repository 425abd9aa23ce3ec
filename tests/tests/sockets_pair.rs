//! `SslSocket` against `SslSocket` over loopback TCP: handshakes in every version/key
//! combination, bulk data, 100 concurrent clients, unwrap with trailing plaintext,
//! timeouts, non-blocking operation and ragged EOFs.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use pyssl::socket::{SocketOptions, SslListener};
use pyssl::{ErrorKind, SslSocket, TlsVersion, VerifyMode};
use pyssl_tests::peers::{
    bulk_size, cert_der, client_cert_mode, client_ctx, echo_once, listener, pattern, pin_version,
    pki, recv_exact, server_ctx, sha256_hex, version_text,
};

const T: Option<Duration> = Some(Duration::from_secs(30));

fn client_opts() -> SocketOptions {
    pyssl_tests::peers::client_opts(T)
}

#[test]
fn handshake_matrix_versions_keys_client_certs_alpn() {
    for version in [TlsVersion::TlsV1_2, TlsVersion::TlsV1_3] {
        for (kname, pair) in [("rsa", &pki().rsa), ("ecdsa", &pki().ecdsa)] {
            for client_cert in [false, true] {
                let sctx = server_ctx(pair, client_cert_mode(client_cert), &["h2", "http/1.1"]);
                pin_version(&sctx, version);
                let (port, server) = echo_once(sctx, T);
                let cctx = client_ctx(client_cert, &["http/1.1"]);
                let mut c = cctx.connect(("127.0.0.1", port), client_opts()).unwrap();
                c.sendall(b"ping").unwrap();
                assert_eq!(c.recv(100).unwrap(), b"ping");
                let s = server.join().unwrap();
                let want = version_text(version);
                assert_eq!(c.version(), Some(want), "{kname}");
                assert_eq!(s.version(), Some(want));
                assert_eq!(c.cipher(), s.cipher(), "both ends agree on the suite");
                let suite = c.cipher().unwrap().0;
                if version == TlsVersion::TlsV1_2 {
                    let auth = if kname == "rsa" {
                        "ECDHE-RSA-"
                    } else {
                        "ECDHE-ECDSA-"
                    };
                    assert!(suite.starts_with(auth), "{suite}");
                }
                assert_eq!(c.selected_alpn_protocol().as_deref(), Some("http/1.1"));
                assert_eq!(s.selected_alpn_protocol().as_deref(), Some("http/1.1"));
                assert_eq!(s.getpeercert_der().unwrap().is_some(), client_cert);
                assert_eq!(
                    c.getpeercert_der().unwrap().unwrap(),
                    cert_der(&pair.cert),
                    "client saw the server's certificate"
                );
            }
        }
    }
}

#[test]
fn bulk_each_way_checksummed() {
    let n = bulk_size();
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let server = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut got = vec![0u8; n];
        s.read_exact(&mut got).unwrap();
        let down = pattern(2, n);
        s.sendall(&down).unwrap();
        sha256_hex(&got)
    });
    let mut c = client_ctx(false, &[])
        .connect(("127.0.0.1", port), client_opts())
        .unwrap();
    let up = pattern(1, n);
    c.sendall(&up).unwrap();
    let mut down = vec![0u8; n];
    c.read_exact(&mut down).unwrap();
    assert_eq!(
        server.join().unwrap(),
        sha256_hex(&up),
        "server received every byte"
    );
    assert_eq!(
        sha256_hex(&down),
        sha256_hex(&pattern(2, n)),
        "client received every byte"
    );
}

#[test]
fn hundred_concurrent_clients_every_byte_checked() {
    const CLIENTS: usize = 100;
    const SIZE: usize = 64 * 1024;
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let server = thread::spawn(move || {
        let mut workers = Vec::new();
        for _ in 0..CLIENTS {
            let (tcp, _) = l.accept_tcp().unwrap();
            let s = l.wrap(tcp);
            workers.push(thread::spawn(move || {
                let mut s = s.unwrap();
                let mut buf = vec![0u8; SIZE];
                s.read_exact(&mut buf).unwrap();
                s.sendall(&buf).unwrap();
            }));
        }
        for w in workers {
            w.join().unwrap();
        }
    });
    let ctx = client_ctx(false, &[]);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|i| {
            let ctx = ctx.clone();
            thread::spawn(move || {
                let mut c = ctx.connect(("127.0.0.1", port), client_opts()).unwrap();
                let data = pattern(1000 + i as u64, SIZE);
                c.sendall(&data).unwrap();
                let mut back = vec![0u8; SIZE];
                c.read_exact(&mut back).unwrap();
                assert!(back == data, "client {i}: echo differs");
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    server.join().unwrap();
}

#[test]
fn unwrap_leaves_following_plaintext_unread() {
    // TLS 1.3 hides the close_notify in a data record; TLS 1.2 data records are read ahead
    // into the next header (which here is the close_notify's).
    for version in [pyssl::TlsVersion::TlsV1_3, pyssl::TlsVersion::TlsV1_2] {
        unwrap_leaves_following_plaintext_unread_with(version);
    }
}

fn version_name(v: pyssl::TlsVersion) -> &'static str {
    if v == pyssl::TlsVersion::TlsV1_2 {
        "TLSv1.2"
    } else {
        "TLSv1.3"
    }
}

fn unwrap_leaves_following_plaintext_unread_with(version: pyssl::TlsVersion) {
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let server = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.sendall(b"tls data").unwrap();
        // close_notify and plaintext back to back, usually in one TCP segment.
        s.close_notify().unwrap();
        (&mut s.get_ref())
            .write_all(b"PLAINTEXT AFTER TLS")
            .unwrap();
        let mut tcp = s.unwrap().unwrap();
        let mut buf = [0u8; 5];
        tcp.read_exact(&mut buf).unwrap();
        buf
    });
    let cctx = client_ctx(false, &[]);
    cctx.set_maximum_version(version).unwrap();
    let mut c = cctx.connect(("127.0.0.1", port), client_opts()).unwrap();
    assert_eq!(c.version(), Some(version_name(version)));
    assert_eq!(recv_exact(&mut c, 8), b"tls data");
    let mut tcp = c.unwrap().unwrap();
    let mut plain = [0u8; 19];
    tcp.read_exact(&mut plain).unwrap();
    assert_eq!(&plain, b"PLAINTEXT AFTER TLS");
    tcp.write_all(b"hello").unwrap();
    assert_eq!(&server.join().unwrap(), b"hello");
}

#[test]
fn handshake_times_out_against_silent_peer() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let keep = thread::spawn(move || silent.accept().map(|(s, _)| s));
    let opts = SocketOptions {
        timeout: Some(Duration::from_millis(300)),
        ..client_opts()
    };
    let start = Instant::now();
    let e = client_ctx(false, &[])
        .connect(("127.0.0.1", port), opts)
        .unwrap_err();
    assert_eq!(e.python_class(), "TimeoutError");
    assert_eq!(e.to_string(), "The handshake operation timed out");
    assert!(start.elapsed() < Duration::from_secs(20));
    drop(keep.join());
}

#[test]
fn server_handshake_times_out_when_client_says_nothing() {
    let (l, port) = listener(
        server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]),
        Some(Duration::from_millis(300)),
    );
    let _quiet = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let e = l.accept().unwrap_err();
    assert_eq!(e.to_string(), "The handshake operation timed out");
}

#[test]
fn read_and_write_time_out_and_io_traits_report_timed_out() {
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let server = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        // Neither read nor write until told.
        let _ = rx.recv_timeout(Duration::from_secs(60));
        drop(s);
    });
    let mut c = client_ctx(false, &[])
        .connect(("127.0.0.1", port), client_opts())
        .unwrap();
    c.settimeout(Some(Duration::from_millis(200))).unwrap();
    assert_eq!(c.gettimeout(), Some(Duration::from_millis(200)));
    let e = c.recv(10).unwrap_err();
    assert_eq!(e.python_class(), "TimeoutError");
    assert_eq!(e.to_string(), "The read operation timed out");
    let mut buf = [0u8; 10];
    let ioe = Read::read(&mut c, &mut buf).unwrap_err();
    assert_eq!(ioe.kind(), std::io::ErrorKind::TimedOut);
    assert_eq!(ioe.to_string(), "The read operation timed out");
    // The peer never reads: sooner or later the send buffers fill up.
    let chunk = vec![0u8; 1 << 20];
    let mut err = None;
    for _ in 0..256 {
        if let Err(e) = c.sendall(&chunk) {
            err = Some(e);
            break;
        }
    }
    let e = err.expect("a peer that never reads makes sendall time out");
    assert_eq!(e.to_string(), "The write operation timed out");
    tx.send(()).unwrap();
    server.join().unwrap();
}

fn want(e: &pyssl::SslError) -> bool {
    matches!(e.kind(), ErrorKind::WantRead | ErrorKind::WantWrite)
}

#[test]
fn non_blocking_handshake_and_io_with_poll_loop() {
    let n = 1 << 20;
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let server = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut got = vec![0u8; n];
        s.read_exact(&mut got).unwrap();
        s.sendall(&got).unwrap();
    });
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let opts = SocketOptions {
        do_handshake_on_connect: false,
        timeout: Some(Duration::ZERO),
        ..SocketOptions::client("localhost")
    };
    let mut c: SslSocket = client_ctx(false, &[]).wrap_socket(tcp, opts).unwrap();
    assert_eq!(c.gettimeout(), Some(Duration::ZERO));
    let end = Instant::now() + Duration::from_secs(60);
    let mut wants = 0u64;
    let mut spin = |e: pyssl::SslError| {
        assert!(want(&e), "unexpected {e}");
        wants += 1;
        assert!(
            Instant::now() < end,
            "non-blocking loop did not finish in time"
        );
        thread::sleep(Duration::from_micros(200));
    };
    loop {
        match c.do_handshake() {
            Ok(()) => break,
            Err(e) => spin(e),
        }
    }
    assert!(c.version().is_some());
    let data = pattern(7, n);
    let mut off = 0;
    while off < n {
        match c.send(&data[off..]) {
            Ok(k) => off += k,
            Err(e) => spin(e),
        }
    }
    let mut back = Vec::with_capacity(n);
    let mut buf = vec![0u8; 32 * 1024];
    while back.len() < n {
        match c.recv_into(&mut buf) {
            Ok(0) => panic!("early EOF"),
            Ok(k) => back.extend_from_slice(&buf[..k]),
            Err(e) => spin(e),
        }
    }
    assert!(
        back == data,
        "non-blocking round trip lost or changed bytes"
    );
    assert!(wants > 0, "the loop really had to wait");
    server.join().unwrap();
}

#[test]
fn ragged_eof_both_ways_with_and_without_suppression() {
    use std::net::Shutdown;
    use std::sync::mpsc;
    for suppress in [true, false] {
        for server_reads in [false, true] {
            let sopts = SocketOptions {
                suppress_ragged_eofs: suppress,
                timeout: T,
                ..SocketOptions::server()
            };
            let l = SslListener::bind(
                "127.0.0.1:0",
                server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]),
                sopts,
            )
            .unwrap();
            let port = l.local_addr().unwrap().port();
            let (done_tx, done_rx) = mpsc::channel::<()>();
            let server = thread::spawn(move || {
                let (mut s, _) = l.accept().unwrap();
                if server_reads {
                    assert_eq!(s.recv(10).unwrap(), b"x");
                    s.recv(10)
                } else {
                    s.sendall(b"x").unwrap();
                    // TCP FIN without close_notify; keep the socket until the reader is done.
                    s.shutdown(Shutdown::Write).unwrap();
                    let _ = done_rx.recv_timeout(Duration::from_secs(60));
                    Ok(Vec::new())
                }
            });
            let copts = SocketOptions {
                suppress_ragged_eofs: suppress,
                ..client_opts()
            };
            let mut c = client_ctx(false, &[])
                .connect(("127.0.0.1", port), copts)
                .unwrap();
            let reader_result = if server_reads {
                c.sendall(b"x").unwrap();
                c.shutdown(Shutdown::Write).unwrap();
                let r = server.join().unwrap();
                drop(c);
                r
            } else {
                assert_eq!(c.recv(10).unwrap(), b"x");
                let r = c.recv(10);
                done_tx.send(()).unwrap();
                server.join().unwrap().unwrap();
                r
            };
            if suppress {
                assert_eq!(
                    reader_result.unwrap(),
                    b"",
                    "suppressed ragged EOF reads empty"
                );
            } else {
                let e = reader_result.unwrap_err();
                assert_eq!(e.kind(), ErrorKind::Eof, "{e}");
                assert_eq!(e.python_class(), "SSLEOFError");
            }
        }
    }
}

#[test]
fn clean_close_notify_reads_empty_even_without_suppression() {
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let server = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.close_notify().unwrap();
    });
    let copts = SocketOptions {
        suppress_ragged_eofs: false,
        ..client_opts()
    };
    let mut c = client_ctx(false, &[])
        .connect(("127.0.0.1", port), copts)
        .unwrap();
    assert_eq!(c.recv(10).unwrap(), b"");
    server.join().unwrap();
}

#[test]
fn wrap_socket_argument_errors_match_cpython() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let ctx = server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]);
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let opts = SocketOptions {
        server_hostname: Some("x".into()),
        ..SocketOptions::server()
    };
    let e = ctx.wrap_socket(tcp, opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Value);
    assert_eq!(
        e.to_string(),
        "server_hostname can only be specified in client mode"
    );
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let opts = SocketOptions {
        timeout: Some(Duration::ZERO),
        ..SocketOptions::client("localhost")
    };
    let e = client_ctx(false, &[]).wrap_socket(tcp, opts).unwrap_err();
    assert_eq!(
        e.to_string(),
        "do_handshake_on_connect should not be specified for non-blocking sockets"
    );
}

#[test]
fn ipv6_connect_and_socket_accessors() {
    let Ok(l) = SslListener::bind(
        "[::1]:0",
        server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]),
        SocketOptions {
            timeout: T,
            ..SocketOptions::server()
        },
    ) else {
        eprintln!("no IPv6 loopback here; IPv4 is covered elsewhere");
        return;
    };
    let port = l.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (mut s, peer) = l.accept().unwrap();
        assert!(peer.is_ipv6());
        s.sendall(b"six").unwrap();
    });
    let opts = SocketOptions {
        timeout: T,
        ..SocketOptions::client("::1")
    };
    let mut c = client_ctx(false, &[]).connect(("::1", port), opts).unwrap();
    assert_eq!(c.recv(3).unwrap(), b"six");
    assert_eq!(c.getpeername().unwrap().port(), port);
    assert!(c.getsockname().unwrap().is_ipv6());
    assert!(c.fileno() >= 0);
    server.join().unwrap();
}

#[test]
fn bufreader_and_bufwriter_work_over_the_socket() {
    use std::io::{BufRead, BufReader, BufWriter};
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let server = thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let mut r = BufReader::new(s);
        let mut lines = Vec::new();
        for _ in 0..3 {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            lines.push(line);
        }
        lines
    });
    let c = client_ctx(false, &[])
        .connect(("127.0.0.1", port), client_opts())
        .unwrap();
    let mut w = BufWriter::new(c);
    for i in 0..3 {
        writeln!(w, "line {i}").unwrap();
    }
    w.flush().unwrap();
    assert_eq!(
        server.join().unwrap(),
        vec!["line 0\n", "line 1\n", "line 2\n"]
    );
}

#[cfg(unix)]
#[test]
fn any_read_write_stream_works_blocking_and_refuses_timeouts() {
    use pyssl::socket::Blocking;
    use std::os::unix::net::UnixStream;
    let (a, b) = UnixStream::pair().unwrap();
    let sctx = server_ctx(&pki().rsa, VerifyMode::CertNone, &[]);
    let server = thread::spawn(move || {
        // UnixStream is a full Transport (timeouts work).
        let opts = SocketOptions {
            timeout: T,
            ..SocketOptions::server()
        };
        let mut s = sctx.wrap_socket(a, opts).unwrap();
        let got = s.recv(100).unwrap();
        s.sendall(&got).unwrap();
        s.unwrap().unwrap()
    });
    // A generic Read + Write stream through `Blocking`.
    let mut c = client_ctx(false, &[])
        .wrap_socket(Blocking(b), SocketOptions::client("localhost"))
        .unwrap();
    assert!(
        c.settimeout(Some(Duration::from_secs(1))).is_err(),
        "no timeouts on a plain stream"
    );
    assert_eq!(c.gettimeout(), None);
    c.sendall(b"over a unix socket").unwrap();
    let mut back = [0u8; 18];
    c.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"over a unix socket");
    let Blocking(mut plain) = c.unwrap().unwrap();
    let mut server_plain = server.join().unwrap();
    server_plain.write_all(b"plain").unwrap();
    let mut five = [0u8; 5];
    plain.read_exact(&mut five).unwrap();
    assert_eq!(&five, b"plain");
}
