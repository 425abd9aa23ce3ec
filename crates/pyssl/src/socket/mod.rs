//! [`SslSocket`]: CPython's `SSLSocket` over a real stream — a thin driver that moves bytes
//! between a [`Transport`] (usually a `TcpStream`) and the same engine [`SslObject`] uses.
//!
//! Blocking, timeout and non-blocking modes follow CPython 3.5+: a timeout bounds a whole
//! operation and expires with `TimeoutError` ("The read operation timed out", ...), a
//! non-blocking socket raises SSLWantRead/SSLWantWrite. Bytes are read from the stream one TLS
//! record at a time, so [`unwrap`](SslSocket::unwrap) leaves everything after the peer's
//! close_notify unread on the stream.
//!
//! ```no_run
//! use pyssl::{create_default_context, Purpose};
//! use pyssl::socket::SocketOptions;
//! use std::io::{Read, Write};
//!
//! let ctx = create_default_context(Purpose::ServerAuth, None, None, None)?;
//! let tcp = std::net::TcpStream::connect(("example.org", 443))?;
//! let mut tls = ctx.wrap_socket(tcp, SocketOptions::client("example.org"))?;
//! tls.sendall(b"HEAD / HTTP/1.0\r\nHost: example.org\r\n\r\n")?;
//! let mut reply = Vec::new();
//! tls.read_to_end(&mut reply)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod accessors;
mod connect;
mod errors;
mod listener;
mod record;
mod timeout;
mod transport;

pub use connect::{create_connection, get_server_certificate};
pub use errors::os_error;
pub use listener::SslListener;
pub use transport::{Blocking, Transport};

use std::fmt;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::time::Duration;

use crate::{ErrorKind, MemoryBio, Result, SslContext, SslError, SslObject, SslSession, WrapOptions};
use record::RecordReader;
use timeout::{timeout_error, Deadline, Direction, Mode, OpKind};

/// Plaintext handed to the engine per write call (bounds buffered ciphertext).
const WRITE_CHUNK: usize = 64 * 1024;
/// Receive buffer: one full TLS record (header + largest body).
const RECV_BUF: usize = 5 + 16384 + 2048;

/// The keyword arguments of CPython's `SSLContext.wrap_socket()`, plus the socket's timeout
/// (which CPython reads from the socket object).
#[derive(Debug, Clone)]
pub struct SocketOptions {
    /// Server role (`server_side=True`).
    pub server_side: bool,
    /// Handshake inside `wrap_socket`/`accept` (CPython's default `True`).
    pub do_handshake_on_connect: bool,
    /// EOF without close_notify reads as an empty read (`True`) or raises SSLEOFError.
    pub suppress_ragged_eofs: bool,
    /// SNI and hostname to check (client only).
    pub server_hostname: Option<String>,
    /// A session to resume (client only).
    pub session: Option<SslSession>,
    /// The socket timeout, as `settimeout()`: `None` blocks, zero is non-blocking.
    pub timeout: Option<Duration>,
}

impl Default for SocketOptions {
    fn default() -> Self {
        SocketOptions {
            server_side: false,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            server_hostname: None,
            session: None,
            timeout: None,
        }
    }
}

impl SocketOptions {
    /// Client options with `server_hostname` set, everything else at CPython's defaults.
    pub fn client(server_hostname: &str) -> Self {
        SocketOptions {
            server_hostname: Some(server_hostname.to_owned()),
            ..Default::default()
        }
    }

    /// Server options (`server_side=True`), everything else at CPython's defaults.
    pub fn server() -> Self {
        SocketOptions {
            server_side: true,
            ..Default::default()
        }
    }
}

impl SslContext {
    /// CPython's `SSLContext.wrap_socket(sock, server_side, do_handshake_on_connect,
    /// suppress_ragged_eofs, server_hostname, session)`.
    ///
    /// `server_hostname` or `session` together with `server_side` is CPython's `ValueError`;
    /// so is `do_handshake_on_connect` on a non-blocking socket. With
    /// `do_handshake_on_connect` the handshake runs here (bounded by `opts.timeout`); a
    /// failed handshake closes the stream, after sending the peer the TLS alert.
    pub fn wrap_socket<S: Transport>(&self, sock: S, opts: SocketOptions) -> Result<SslSocket<S>> {
        if opts.server_side && opts.server_hostname.is_some() {
            return Err(SslError::value(
                "server_hostname can only be specified in client mode",
            ));
        }
        if opts.server_side && opts.session.is_some() {
            return Err(SslError::value(
                "session can only be specified in client mode",
            ));
        }
        let mode = Mode::from_timeout(opts.timeout);
        if opts.do_handshake_on_connect && mode == Mode::NonBlocking {
            return Err(SslError::value(
                "do_handshake_on_connect should not be specified for non-blocking sockets",
            ));
        }
        let incoming = MemoryBio::new();
        let outgoing = MemoryBio::new();
        let obj = self.wrap_bio(
            incoming.clone(),
            outgoing.clone(),
            WrapOptions {
                server_side: opts.server_side,
                server_hostname: opts.server_hostname.clone(),
                session: opts.session.clone(),
            },
        )?;
        let mut s = SslSocket {
            sock,
            obj,
            incoming,
            outgoing,
            records: RecordReader::default(),
            rbuf: vec![0; RECV_BUF],
            wbuf: Vec::new(),
            wpos: 0,
            pending_write: None,
            mode: Mode::Blocking,
            applied: None,
            suppress_ragged_eofs: opts.suppress_ragged_eofs,
            eof_fed: false,
            shut: false,
        };
        s.settimeout(opts.timeout)?;
        if opts.do_handshake_on_connect {
            s.do_handshake()?;
        }
        Ok(s)
    }
}

/// CPython's `ssl.SSLSocket`: TLS over a [`Transport`] (a `TcpStream` by default).
///
/// Made by [`SslContext::wrap_socket`], [`SslContext::connect`] or [`SslListener::accept`].
/// Dropping it closes the stream without a close_notify, as CPython's `close()` does; use
/// [`unwrap`](Self::unwrap) for an orderly TLS shutdown.
///
/// The inherent `read(len)`/`write(data)` are CPython's; the `std::io::Read`/`Write` impls
/// (for `BufReader`, `read_to_end`, `write_all`, ...) map errors to `io::Error` with a fitting
/// kind (`TimedOut`, `WouldBlock`, `UnexpectedEof`, ...) and the [`SslError`] inside.
pub struct SslSocket<S: Transport = std::net::TcpStream> {
    sock: S,
    obj: SslObject,
    incoming: MemoryBio,
    outgoing: MemoryBio,
    records: RecordReader,
    rbuf: Vec<u8>,
    /// Ciphertext taken from the engine but not yet accepted by the stream.
    wbuf: Vec<u8>,
    wpos: usize,
    /// Plaintext count the engine accepted while its ciphertext is still in `wbuf`
    /// (non-blocking `send` that must be retried, as with OpenSSL).
    pending_write: Option<usize>,
    mode: Mode,
    /// The read/write timeout last set on the stream (avoids a syscall per read).
    applied: Option<Option<Duration>>,
    suppress_ragged_eofs: bool,
    eof_fed: bool,
    shut: bool,
}

impl<S: Transport> fmt::Debug for SslSocket<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslSocket")
            .field("server_side", &self.obj.server_side())
            .field("timeout", &self.mode.timeout())
            .field("version", &self.obj.version())
            .finish_non_exhaustive()
    }
}

/// The error of a failed [`SslSocket::unwrap`]: the socket is handed back so a non-blocking
/// caller can retry after SSLWantRead/SSLWantWrite.
pub struct UnwrapError<S: Transport> {
    error: SslError,
    socket: SslSocket<S>,
}

impl<S: Transport> UnwrapError<S> {
    /// What went wrong.
    pub fn error(&self) -> &SslError {
        &self.error
    }
    /// The socket, to retry or close.
    pub fn into_socket(self) -> SslSocket<S> {
        self.socket
    }
    /// The error alone (the socket is closed).
    pub fn into_error(self) -> SslError {
        self.error
    }
}

impl<S: Transport> fmt::Debug for UnwrapError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.error, f)
    }
}

impl<S: Transport> fmt::Display for UnwrapError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<S: Transport> std::error::Error for UnwrapError<S> {}

impl<S: Transport> From<UnwrapError<S>> for SslError {
    fn from(e: UnwrapError<S>) -> SslError {
        e.error
    }
}

impl<S: Transport> SslSocket<S> {
    /// Runs (or, non-blocking, continues) the handshake.
    pub fn do_handshake(&mut self) -> Result<()> {
        let deadline = Deadline::start(self.mode);
        self.drive(OpKind::Handshake, &deadline, |obj| obj.do_handshake())
    }

    /// `recv(buflen)`: up to `buflen` bytes; empty at EOF (close_notify, or a ragged EOF when
    /// `suppress_ragged_eofs`).
    pub fn recv(&mut self, buflen: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0; buflen];
        let n = self.recv_into(&mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// `read(len)`: the same as [`recv`](Self::recv).
    pub fn read(&mut self, len: usize) -> Result<Vec<u8>> {
        self.recv(len)
    }

    /// `recv_into(buffer)`: decrypts into `buf`, returns the count (0 at EOF).
    pub fn recv_into(&mut self, buf: &mut [u8]) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.ensure_handshake()?;
        let deadline = Deadline::start(self.mode);
        match self.drive(OpKind::Read, &deadline, |obj| obj.read_into(buf)) {
            Err(e) if e.kind() == ErrorKind::Eof && self.suppress_ragged_eofs => Ok(0),
            other => other,
        }
    }

    /// `send(data)`: blocking (or with a timeout) sends everything; non-blocking sends at
    /// most one chunk and raises SSLWantWrite when the stream is full — then call `send`
    /// again with the same data, as OpenSSL requires.
    pub fn send(&mut self, data: &[u8]) -> Result<usize> {
        let deadline = Deadline::start(self.mode);
        if let Some(n) = self.pending_write {
            self.flush_out(OpKind::Write, &deadline)?;
            self.pending_write = None;
            return Ok(n);
        }
        self.ensure_handshake()?;
        let mut off = 0;
        while off < data.len() {
            let end = data.len().min(off + WRITE_CHUNK);
            let chunk = &data[off..end];
            let mut accepted = None;
            let r = self.drive(OpKind::Write, &deadline, |obj| {
                let n = obj.write(chunk)?;
                accepted = Some(n);
                Ok(n)
            });
            match r {
                Ok(n) => off += n,
                Err(e) if e.kind() == ErrorKind::WantWrite && accepted.is_some() => {
                    self.pending_write = accepted.map(|n| off + n);
                    return Err(e);
                }
                Err(e) => return Err(e),
            }
            if self.mode == Mode::NonBlocking {
                break;
            }
        }
        Ok(off)
    }

    /// `write(data)`: the same as [`send`](Self::send).
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        self.send(data)
    }

    /// `sendall(data)`: sends everything; a timeout bounds the whole call.
    pub fn sendall(&mut self, data: &[u8]) -> Result<()> {
        let mut off = 0;
        while off < data.len() {
            off += self.send(&data[off..])?;
        }
        Ok(())
    }

    /// Decrypted bytes buffered and readable without touching the stream.
    pub fn pending(&self) -> usize {
        self.obj.pending()
    }

    /// `unwrap()`: sends close_notify, waits for the peer's, and returns the plain stream.
    /// Every byte the peer sent after its close_notify is still unread on the stream.
    pub fn unwrap(mut self) -> std::result::Result<S, UnwrapError<S>> {
        let deadline = Deadline::start(self.mode);
        match self.drive(OpKind::Shutdown, &deadline, |obj| obj.unwrap()) {
            Ok(()) => Ok(self.sock),
            Err(error) => Err(UnwrapError {
                error,
                socket: self,
            }),
        }
    }

    /// Sends close_notify without waiting for the peer's (what a server does before
    /// closing); [`unwrap`](Self::unwrap) does this and then waits.
    pub fn close_notify(&mut self) -> Result<()> {
        let deadline = Deadline::start(self.mode);
        self.flush_out(OpKind::Shutdown, &deadline)?;
        let r = self.obj.unwrap();
        self.take_outgoing();
        self.flush_out(OpKind::Shutdown, &deadline)?;
        match r {
            Err(e) if e.kind() != ErrorKind::WantRead => Err(e),
            _ => Ok(()),
        }
    }

    /// `shutdown(how)`: shuts the stream down (no close_notify, as CPython); later TLS
    /// calls on this socket fail.
    pub fn shutdown(&mut self, how: Shutdown) -> Result<()> {
        self.shut = true;
        self.sock.shutdown(how).map_err(|e| errors::os_error(&e))
    }

    /// `close()`: closes the stream without a close_notify (the same as dropping).
    pub fn close(self) {}

    /// `settimeout(t)`: `None` blocks, zero is non-blocking, otherwise each operation as a
    /// whole must finish within `t`.
    pub fn settimeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        let mode = Mode::from_timeout(timeout);
        self.sock
            .set_nonblocking(mode == Mode::NonBlocking)
            .map_err(|e| errors::os_error(&e))?;
        if let Mode::Timeout(_) = mode {
            // Probe support now rather than at the first read.
            self.sock
                .set_read_timeout(timeout)
                .map_err(|e| errors::os_error(&e))?;
            self.applied = None;
        } else {
            self.apply_timeout(None)?;
        }
        self.mode = mode;
        Ok(())
    }

    /// `gettimeout()`.
    pub fn gettimeout(&self) -> Option<Duration> {
        self.mode.timeout()
    }

    /// `setblocking(flag)`: `settimeout(None)` or `settimeout(0)`.
    pub fn setblocking(&mut self, blocking: bool) -> Result<()> {
        self.settimeout(if blocking { None } else { Some(Duration::ZERO) })
    }

    /// Whether EOF without close_notify reads as empty (`suppress_ragged_eofs`).
    pub fn suppress_ragged_eofs(&self) -> bool {
        self.suppress_ragged_eofs
    }

    fn ensure_handshake(&mut self) -> Result<()> {
        if self.obj.is_handshake_done() {
            Ok(())
        } else {
            self.do_handshake()
        }
    }

    /// The driver: calls `step` on the engine, moving ciphertext between the engine's BIOs
    /// and the stream until it succeeds or fails for good. Every iteration either makes I/O
    /// progress or returns; waits are bounded by `deadline` (or are non-blocking).
    fn drive<T>(
        &mut self,
        op: OpKind,
        deadline: &Deadline,
        mut step: impl FnMut(&mut SslObject) -> Result<T>,
    ) -> Result<T> {
        if self.shut {
            return Err(SslError::os(
                "OSError",
                None,
                "the socket was shut down; TLS is no longer available on it",
            ));
        }
        self.flush_out(op, deadline)?;
        loop {
            let r = step(&mut self.obj);
            self.take_outgoing();
            match r {
                Ok(v) => {
                    match self.flush_out(op, deadline) {
                        // Decrypted data must not be lost: leftover ciphertext goes out with
                        // the next call.
                        Err(e) if e.kind() == ErrorKind::WantWrite && op == OpKind::Read => {}
                        Err(e) => return Err(e),
                        Ok(()) => {}
                    }
                    return Ok(v);
                }
                Err(e) if e.kind() == ErrorKind::WantRead => {
                    self.flush_out(op, deadline)?;
                    if self.eof_fed {
                        return Err(SslError::unexpected_eof());
                    }
                    self.fill(op, deadline)?;
                }
                Err(e) if e.kind() == ErrorKind::WantWrite => self.flush_out(op, deadline)?,
                Err(e) => {
                    // Let the peer see our alert (best effort, within the same budget).
                    let _ = self.flush_out(op, deadline);
                    return Err(e);
                }
            }
        }
    }

    /// Moves the engine's ciphertext into `wbuf`.
    fn take_outgoing(&mut self) {
        if self.outgoing.pending() == 0 {
            return;
        }
        let data = self.outgoing.read(None);
        if self.wpos == self.wbuf.len() {
            self.wbuf = data;
            self.wpos = 0;
        } else {
            self.wbuf.extend_from_slice(&data);
        }
    }

    /// Writes all of `wbuf` to the stream.
    fn flush_out(&mut self, op: OpKind, deadline: &Deadline) -> Result<()> {
        while self.wpos < self.wbuf.len() {
            self.wait_budget(op, Direction::Write, deadline)?;
            match self.sock.write(&self.wbuf[self.wpos..]) {
                Ok(0) => {
                    return Err(errors::os_error(&io::Error::from(io::ErrorKind::WriteZero)))
                }
                Ok(n) => self.wpos += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_would_block(&e) => self.blocked(op, Direction::Write, deadline)?,
                Err(e) => return Err(errors::os_error(&e)),
            }
        }
        self.wbuf.clear();
        self.wpos = 0;
        Ok(())
    }

    /// Reads once from the stream (up to the end of the current TLS record) into the
    /// engine's incoming BIO; EOF becomes the BIO's EOF.
    fn fill(&mut self, op: OpKind, deadline: &Deadline) -> Result<()> {
        loop {
            self.wait_budget(op, Direction::Read, deadline)?;
            match self.records.read_from(&mut self.sock, &mut self.rbuf) {
                Ok(0) => {
                    let _ = self.incoming.write_eof();
                    self.eof_fed = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.incoming.write(&self.rbuf[..n])?;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_would_block(&e) => self.blocked(op, Direction::Read, deadline)?,
                Err(e) => return Err(errors::os_error(&e)),
            }
        }
    }

    /// Before a wait: sets the stream's timeout to what is left of the budget.
    fn wait_budget(&mut self, op: OpKind, dir: Direction, deadline: &Deadline) -> Result<()> {
        if let Mode::Timeout(_) = self.mode {
            match deadline.remaining() {
                Ok(left) => self.apply_timeout(left)?,
                Err(()) => return Err(timeout_error(op, dir)),
            }
        }
        Ok(())
    }

    /// After the stream said "would block": non-blocking → SSLWant*; with a timeout →
    /// TimeoutError once the budget is spent (otherwise wait again).
    fn blocked(&mut self, op: OpKind, dir: Direction, deadline: &Deadline) -> Result<()> {
        match self.mode {
            Mode::Timeout(_) => match deadline.remaining() {
                Ok(_) => Ok(()),
                Err(()) => Err(timeout_error(op, dir)),
            },
            // A stream that is non-blocking by itself behaves as non-blocking mode.
            Mode::NonBlocking | Mode::Blocking => Err(match dir {
                Direction::Read => SslError::want_read(),
                Direction::Write => SslError::want_write(),
            }),
        }
    }

    fn apply_timeout(&mut self, t: Option<Duration>) -> Result<()> {
        if self.applied == Some(t) {
            return Ok(());
        }
        let set = |s: &S| -> io::Result<()> {
            s.set_read_timeout(t)?;
            s.set_write_timeout(t)
        };
        set(&self.sock).map_err(|e| errors::os_error(&e))?;
        self.applied = Some(t);
        Ok(())
    }
}

fn is_would_block(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
}

impl<S: Transport> Read for SslSocket<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv_into(buf).map_err(errors::to_io_error)
    }
}

impl<S: Transport> Write for SslSocket<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf).map_err(errors::to_io_error)
    }

    fn flush(&mut self) -> io::Result<()> {
        let deadline = Deadline::start(self.mode);
        self.flush_out(OpKind::Write, &deadline)
            .map_err(errors::to_io_error)
    }
}
