//! How `SslSocket` reads a `TcpStream` (peek, hand the engine whole records, consume exactly
//! what it took): between operations the stream holds exactly the bytes the engine has not
//! taken (so `select()` readiness and `detach()` mean what they do with CPython/OpenSSL), and
//! a handshake answers a whole received flight in one write.

use std::io::{self, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use pyssl::socket::{SocketOptions, Transport};
use pyssl::{TlsVersion, VerifyMode};
use pyssl_tests::peers::{client_ctx, listener, pin_version, pki, recv_exact, server_ctx};

const T: Option<Duration> = Some(Duration::from_secs(30));
/// Plaintext per TLS record when sending 16 KiB at a time.
const RECORD: usize = 16 * 1024;

fn client_opts() -> SocketOptions {
    pyssl_tests::peers::client_opts(T)
}

/// Bytes queued on `tcp` right now, without consuming or waiting (0 when none).
fn queued(tcp: &TcpStream) -> usize {
    tcp.set_nonblocking(true).unwrap();
    let mut buf = vec![0u8; 1 << 20];
    let n = match tcp.peek(&mut buf) {
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => 0,
        Err(e) => panic!("peek: {e}"),
    };
    tcp.set_nonblocking(false).unwrap();
    n
}

/// A server that sends `records` 16 KiB records in one go once the client is connected,
/// then waits (keeping the connection open) until told to finish.
fn sending_server(records: usize) -> (u16, mpsc::Sender<()>, thread::JoinHandle<()>) {
    let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
    let (tx, rx) = mpsc::channel::<()>();
    let h = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.sendall(&vec![7u8; records * RECORD]).unwrap();
        let _ = rx.recv_timeout(Duration::from_secs(30));
    });
    (port, tx, h)
}

/// Reads until `total` plaintext bytes arrived.
fn recv_exactly(c: &mut pyssl::SslSocket, total: usize) {
    let mut got = 0;
    let mut buf = vec![0u8; RECORD];
    while got < total {
        let n = c.recv_into(&mut buf).unwrap();
        assert!(n > 0, "early EOF");
        got += n;
    }
    assert_eq!(got, total);
}

#[test]
fn stream_holds_no_taken_bytes_once_everything_was_read() {
    let (port, done, server) = sending_server(4);
    let mut c = client_ctx(false, &[])
        .connect(("127.0.0.1", port), client_opts())
        .unwrap();
    recv_exactly(&mut c, 4 * RECORD);
    // Every record was taken by the engine: nothing may look readable any more (a
    // select()-then-recv caller would block forever otherwise).
    assert_eq!(
        queued(c.get_ref()),
        0,
        "consumed records left on the stream"
    );
    done.send(()).unwrap();
    server.join().unwrap();
}

#[test]
fn detach_mid_stream_leaves_exactly_what_the_engine_did_not_take() {
    let (port, done, server) = sending_server(3);
    let mut c = client_ctx(false, &[])
        .connect(("127.0.0.1", port), client_opts())
        .unwrap();
    assert_eq!(c.version(), Some("TLSv1.3"));
    recv_exactly(&mut c, RECORD);
    // Make sure all three records have arrived before detaching.
    let wire_record = 5 + RECORD + 1 + 16; // header, data, inner type, AEAD tag
    let mut waited = 0;
    while queued(c.get_ref()) < 2 * wire_record - 5 && waited < 3000 {
        thread::sleep(Duration::from_millis(10));
        waited += 10;
    }
    let tcp = c.into_inner();
    // The engine took the first record and the second one's header (so rustls keeps its
    // buffer); everything else is still on the stream, the third record intact.
    let rest = queued(&tcp);
    assert_eq!(rest, 2 * wire_record - 5);
    let mut bytes = vec![0u8; rest];
    (&tcp).read_exact(&mut bytes).unwrap();
    let third = &bytes[wire_record - 5..];
    assert_eq!(&third[..3], &[23, 3, 3], "the third record's header");
    assert_eq!(
        usize::from(u16::from_be_bytes([third[3], third[4]])),
        wire_record - 5
    );
    done.send(()).unwrap();
    server.join().unwrap();
}

/// A `TcpStream` that counts its write calls.
struct Counting {
    tcp: TcpStream,
    writes: Arc<AtomicUsize>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.tcp.read(buf)
    }
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.tcp.write(buf)
    }
    fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.tcp.write_vectored(bufs)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Transport for Counting {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.tcp.set_read_timeout(t)
    }
    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        self.tcp.set_write_timeout(t)
    }
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        self.tcp.set_nonblocking(nonblocking)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.tcp.shutdown(how)
    }
    fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.tcp.peek(buf)
    }
}

#[test]
fn tls13_client_answers_the_server_flight_in_one_write() {
    let sctx = server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]);
    pin_version(&sctx, TlsVersion::TlsV1_3);
    let (l, port) = listener(sctx, T);
    let server = thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let got = s.recv(100).unwrap();
        s.sendall(&got).unwrap();
    });
    let writes = Arc::new(AtomicUsize::new(0));
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let stream = Counting {
        tcp,
        writes: writes.clone(),
    };
    let mut c = client_ctx(false, &[])
        .wrap_socket(stream, client_opts())
        .unwrap();
    assert_eq!(c.version(), Some("TLSv1.3"));
    // ClientHello, then change_cipher_spec + Finished together (not one segment each).
    assert_eq!(writes.load(Ordering::SeqCst), 2);
    c.sendall(b"ping").unwrap();
    assert_eq!(c.recv(100).unwrap(), b"ping");
    server.join().unwrap();
}

#[test]
fn a_non_blocking_stream_wrapped_for_blocking_io_blocks() {
    for timeout in [None, T] {
        let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
        let server = thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            // The client's handshake and first recv must wait for these.
            thread::sleep(Duration::from_millis(50));
            s.sendall(b"late").unwrap();
        });
        let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
        tcp.set_nonblocking(true).unwrap();
        let opts = SocketOptions {
            timeout,
            ..client_opts()
        };
        let mut c = client_ctx(false, &[]).wrap_socket(tcp, opts).unwrap();
        assert_eq!(c.recv(10).unwrap(), b"late", "timeout {timeout:?}");
        server.join().unwrap();
    }
}

#[test]
fn wrap_socket_leaves_matching_stream_timeouts_and_replaces_others() {
    let two = Duration::from_secs(2);
    for (preset, timeout) in [
        (Some(Duration::from_secs(30)), Some(two)),
        (Some(Duration::from_secs(5)), None),
        (Some(two), Some(two)),
    ] {
        let (l, port) = listener(server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]), T);
        let server = thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            s.sendall(b"hi").unwrap();
        });
        let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
        tcp.set_read_timeout(preset).unwrap();
        tcp.set_write_timeout(preset).unwrap();
        let opts = SocketOptions {
            timeout,
            ..client_opts()
        };
        let mut c = client_ctx(false, &[]).wrap_socket(tcp, opts).unwrap();
        assert_eq!(c.recv(10).unwrap(), b"hi");
        let (r, w) = (
            c.get_ref().read_timeout().unwrap(),
            c.get_ref().write_timeout().unwrap(),
        );
        match timeout {
            // Within the socket timeout (re-armed to what an operation had left, or kept
            // when already close to it).
            Some(t) => {
                for got in [r, w] {
                    let got = got.expect("a timeout is set");
                    assert!(got <= t + Duration::from_millis(50), "{preset:?}: {got:?}");
                }
            }
            None => assert_eq!((r, w), (None, None), "blocking mode clears {preset:?}"),
        }
        server.join().unwrap();
    }
}

#[test]
fn unwrap_leaves_a_tls_looking_record_after_close_notify_unread() {
    // After the peer's close_notify comes something shaped like a TLS record (a new
    // handshake, as after STARTTLS re-wrapping): none of it may be taken.
    const NEXT: &[u8] = b"\x16\x03\x01\x00\x05hello";
    for version in [TlsVersion::TlsV1_3, TlsVersion::TlsV1_2] {
        let sctx = server_ctx(&pki().ecdsa, VerifyMode::CertNone, &[]);
        pin_version(&sctx, version);
        let (l, port) = listener(sctx, T);
        let server = thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            s.sendall(b"tls data").unwrap();
            s.close_notify().unwrap();
            (&mut s.get_ref()).write_all(NEXT).unwrap();
            let _ = s.unwrap();
        });
        let mut c = client_ctx(false, &[])
            .connect(("127.0.0.1", port), client_opts())
            .unwrap();
        assert_eq!(recv_exact(&mut c, 8), b"tls data");
        let mut tcp = c.unwrap().unwrap();
        let mut next = [0u8; NEXT.len()];
        tcp.read_exact(&mut next).unwrap();
        assert_eq!(&next, NEXT, "{version:?}");
        server.join().unwrap();
    }
}
