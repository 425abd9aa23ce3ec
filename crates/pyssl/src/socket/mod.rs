//! [`SslSocket`]: CPython's `SSLSocket` over a real stream — a thin driver that moves bytes
//! between a [`Transport`] (usually a `TcpStream`) and the same engine [`SslObject`] uses.
//!
//! Blocking, timeout and non-blocking modes follow CPython 3.5+: a timeout bounds a whole
//! operation and expires with `TimeoutError` ("The read operation timed out", ...), a
//! non-blocking socket raises SSLWantRead/SSLWantWrite. Bytes are read from the stream
//! without ever crossing the end of a record that may hold an alert, so
//! [`unwrap`](SslSocket::unwrap) leaves everything after the peer's
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
mod wire;

pub use connect::{create_connection, get_server_certificate};
pub use errors::os_error;
pub use listener::SslListener;
pub use transport::{Blocking, Transport};

use std::fmt;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::time::Duration;

use crate::engine::{Connection, TlsIo};
use crate::{
    ErrorKind, MemoryBio, Result, SslContext, SslError, SslObject, SslSession, WrapOptions,
};
use timeout::{Mode, OpKind};
use wire::Wire;

/// Plaintext handed to the engine per write call (bounds buffered ciphertext).
const WRITE_CHUNK: usize = 64 * 1024;

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
        self.wrap_stream(sock, opts, None)
    }

    /// [`wrap_socket`](Self::wrap_socket) for a stream whose state pyssl knows because it
    /// made it (`fresh`: blocking, with this read and write timeout), so no system call is
    /// spent asking the stream.
    fn wrap_stream<S: Transport>(
        &self,
        sock: S,
        opts: SocketOptions,
        fresh: Option<Option<Duration>>,
    ) -> Result<SslSocket<S>> {
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
        if !opts.server_side && opts.server_hostname.is_none() && self.check_hostname() {
            // CPython checks this when creating the SSL socket, before any I/O.
            return Err(SslError::value("check_hostname requires server_hostname"));
        }
        let mode = Mode::from_timeout(opts.timeout);
        if opts.do_handshake_on_connect && mode == Mode::NonBlocking {
            return Err(SslError::value(
                "do_handshake_on_connect should not be specified for non-blocking sockets",
            ));
        }
        // The SslObject supplies the accessors; its memory BIOs stay unused because the
        // socket drives the same engine connection directly over the stream (no copies).
        let obj = self.wrap_bio(
            MemoryBio::new(),
            MemoryBio::new(),
            WrapOptions {
                server_side: opts.server_side,
                server_hostname: opts.server_hostname.clone(),
                session: opts.session.clone(),
            },
        )?;
        let mut wire = Wire::new(sock);
        if let Some(timeout) = fresh {
            wire.assume_fresh(timeout);
        }
        let mut s = SslSocket {
            obj,
            wire,
            pending_write: None,
            suppress_ragged_eofs: opts.suppress_ragged_eofs,
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
    obj: SslObject,
    wire: Wire<S>,
    /// Plaintext count the engine accepted while its ciphertext could not all be sent
    /// (non-blocking `send` that must be retried, as with OpenSSL).
    pending_write: Option<usize>,
    suppress_ragged_eofs: bool,
    shut: bool,
}

impl<S: Transport> fmt::Debug for SslSocket<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslSocket")
            .field("server_side", &self.obj.server_side())
            .field("timeout", &self.wire.mode.timeout())
            .field("version", &self.obj.version())
            .finish_non_exhaustive()
    }
}

/// The error of a failed [`SslSocket::unwrap`]: the socket is handed back so a non-blocking
/// caller can retry after SSLWantRead/SSLWantWrite.
pub struct UnwrapError<S: Transport> {
    error: SslError,
    socket: Box<SslSocket<S>>,
}

impl<S: Transport> UnwrapError<S> {
    /// What went wrong.
    pub fn error(&self) -> &SslError {
        &self.error
    }
    /// The socket, to retry or close.
    pub fn into_socket(self) -> SslSocket<S> {
        *self.socket
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
        self.run(OpKind::Handshake, |conn, io| conn.do_handshake(io))
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

    /// `recv_into(buffer)`: decrypts straight into `buf`, returns the count (0 at EOF).
    pub fn recv_into(&mut self, buf: &mut [u8]) -> Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let suppress = self.suppress_ragged_eofs;
        self.run(OpKind::Read, |conn, io| match conn.read(io, buf) {
            Err(e) if e.kind() == ErrorKind::Eof && suppress => Ok(0),
            other => other,
        })
    }

    /// `send(data)`: blocking (or with a timeout) sends everything; non-blocking sends at
    /// most one chunk and raises SSLWantWrite when the stream is full — then call `send`
    /// again with the same data, as OpenSSL requires.
    pub fn send(&mut self, data: &[u8]) -> Result<usize> {
        let nonblocking = self.wire.mode == Mode::NonBlocking;
        let mut pending = self.pending_write.take();
        let r = self.run(OpKind::Write, |conn, io| {
            if let Some(n) = pending {
                io.push(conn)?;
                pending = None;
                return Ok(n);
            }
            if let Some(e) = conn.error() {
                return Err(e.clone());
            }
            if !conn.is_handshake_done() {
                conn.do_handshake(io)?;
            }
            let mut off = 0;
            while off < data.len() {
                let end = data.len().min(off + WRITE_CHUNK);
                let n = conn.write_plaintext(&data[off..end])?;
                if let Err(e) = io.push(conn) {
                    if e.kind() == ErrorKind::WantWrite {
                        pending = Some(off + n);
                    }
                    return Err(e);
                }
                off += n;
                if nonblocking {
                    break;
                }
            }
            Ok(off)
        });
        self.pending_write = pending;
        r
    }

    /// `write(data)`: the same as [`send`](Self::send).
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        self.send(data)
    }

    /// `sendall(data)`: sends everything.
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
        let r = self
            .run(OpKind::Shutdown, |conn, io| conn.shutdown(io))
            .and_then(|()| self.wire.settle());
        match r {
            Ok(()) => {
                debug_assert!(self.wire.stream_exact());
                Ok(self.wire.sock)
            }
            Err(error) => Err(UnwrapError {
                error,
                socket: Box::new(self),
            }),
        }
    }

    /// Sends close_notify without waiting for the peer's (what a server does before
    /// closing); [`unwrap`](Self::unwrap) does this and then waits.
    pub fn close_notify(&mut self) -> Result<()> {
        self.run(OpKind::Shutdown, |conn, io| {
            if let Some(e) = conn.error() {
                return Err(e.clone());
            }
            conn.send_close_notify();
            io.push(conn)
        })
    }

    /// `shutdown(how)`: shuts the stream down (no close_notify, as CPython); later TLS
    /// calls on this socket fail.
    pub fn shutdown(&mut self, how: Shutdown) -> Result<()> {
        self.shut = true;
        self.wire
            .sock
            .shutdown(how)
            .map_err(|e| errors::os_error(&e))
    }

    /// `close()`: closes the stream without a close_notify (the same as dropping).
    pub fn close(self) {}

    /// `settimeout(t)`: `None` blocks, zero is non-blocking, otherwise each operation as a
    /// whole must finish within `t`.
    pub fn settimeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        self.wire.set_mode(Mode::from_timeout(timeout))
    }

    /// `getblocking()`: false only in non-blocking mode (a timeout still blocks).
    pub fn getblocking(&self) -> bool {
        self.wire.mode != Mode::NonBlocking
    }

    /// `detach()`: the stream, without a TLS shutdown. Reads never consume a byte after a
    /// record that may be an alert, so after the peer's close_notify the stream is positioned
    /// right after it. Elsewhere a stream that can peek (`TcpStream`) is positioned right
    /// after the last byte the engine took; others may be up to one record header (5 bytes)
    /// further (see the `record` module).
    pub fn into_inner(mut self) -> S {
        // Only fails if someone else read the stream under us; nothing to report then.
        let _ = self.wire.settle();
        self.wire.sock
    }

    /// `gettimeout()`.
    pub fn gettimeout(&self) -> Option<Duration> {
        self.wire.mode.timeout()
    }

    /// `setblocking(flag)`: `settimeout(None)` or `settimeout(0)`.
    pub fn setblocking(&mut self, blocking: bool) -> Result<()> {
        self.settimeout(if blocking { None } else { Some(Duration::ZERO) })
    }

    /// Whether EOF without close_notify reads as empty (`suppress_ragged_eofs`).
    pub fn suppress_ragged_eofs(&self) -> bool {
        self.suppress_ragged_eofs
    }

    /// Runs one operation on the engine connection and the stream driver (with `op`'s
    /// clock started), then consumes from the stream exactly what the engine took.
    fn run<T>(
        &mut self,
        op: OpKind,
        f: impl FnOnce(&mut Connection, &mut Wire<S>) -> Result<T>,
    ) -> Result<T> {
        self.check_open()?;
        let r = f(self.obj.connection_mut(), self.wire.begin(op));
        let settled = self.wire.end_op();
        let v = r?;
        settled.map(|()| v)
    }

    fn check_open(&self) -> Result<()> {
        if self.shut {
            return Err(SslError::os(
                "OSError",
                None,
                "the socket was shut down; TLS is no longer available on it",
            ));
        }
        Ok(())
    }
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
        self.run(OpKind::Write, |conn, io| io.push(conn))
            .map_err(errors::to_io_error)
    }
}
