//! [`Transport`]: what an [`SslSocket`](super::SslSocket) needs from the stream under it.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// A byte stream an [`SslSocket`](super::SslSocket) can run over.
///
/// `TcpStream` (and `UnixStream` on Unix) implement every method, so timeouts and
/// non-blocking mode work. Any other `Read + Write` stream can be used for blocking I/O by
/// wrapping it in [`Blocking`]; setting a timeout on such a socket is then an error.
pub trait Transport: Read + Write {
    /// Bounds the next blocking `read` (`None`: wait forever). Expiry surfaces as
    /// `WouldBlock` or `TimedOut`.
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match timeout {
            None => Ok(()),
            Some(_) => Err(unsupported("timeouts")),
        }
    }
    /// Bounds the next blocking `write`.
    fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        match timeout {
            None => Ok(()),
            Some(_) => Err(unsupported("timeouts")),
        }
    }
    /// The read timeout set on the stream now (`None`: none). Querying is cheaper than
    /// setting, so the socket asks before re-arming; streams that cannot tell return
    /// `ErrorKind::Unsupported` (the default) and are always set.
    fn read_timeout(&self) -> io::Result<Option<Duration>> {
        Err(unsupported("timeout queries"))
    }
    /// The write timeout set on the stream now (see [`read_timeout`](Self::read_timeout)).
    fn write_timeout(&self) -> io::Result<Option<Duration>> {
        Err(unsupported("timeout queries"))
    }
    /// Switches non-blocking mode (reads and writes that would block fail with `WouldBlock`).
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        if nonblocking {
            Err(unsupported("non-blocking mode"))
        } else {
            Ok(())
        }
    }
    /// Shuts down the read half, the write half or both (`socket.shutdown(how)`).
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        let _ = how;
        Ok(())
    }
    /// Copies received bytes into `buf` without consuming them (`MSG_PEEK`), waiting as
    /// `read` does; a later `read` returns the same bytes. Streams that cannot peek return
    /// `ErrorKind::Unsupported` (the default): the socket then reads TLS records exactly,
    /// which costs more system calls.
    fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        let _ = buf;
        Err(unsupported("peeks"))
    }
    /// Consumes up to `buf.len()` bytes that [`peek`](Self::peek) has already returned and
    /// says how many; the bytes may or may not be copied into `buf`. The default reads.
    fn consume_peeked(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read(buf)
    }
}

fn unsupported(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{what} are not supported by this stream"),
    )
}

impl Transport for TcpStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, timeout)
    }
    fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        TcpStream::set_write_timeout(self, timeout)
    }
    fn read_timeout(&self) -> io::Result<Option<Duration>> {
        TcpStream::read_timeout(self)
    }
    fn write_timeout(&self) -> io::Result<Option<Duration>> {
        TcpStream::write_timeout(self)
    }
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        TcpStream::set_nonblocking(self, nonblocking)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        TcpStream::shutdown(self, how)
    }
    fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        TcpStream::peek(self, buf)
    }
    /// On Linux `recv(MSG_TRUNC)`: the kernel drops the bytes without copying them.
    #[cfg(target_os = "linux")]
    fn consume_peeked(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (_, n) = rustix::net::recv(&*self, buf, rustix::net::RecvFlags::TRUNC)?;
        Ok(n)
    }
}

#[cfg(unix)]
impl Transport for std::os::unix::net::UnixStream {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, timeout)
    }
    fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_write_timeout(self, timeout)
    }
    fn read_timeout(&self) -> io::Result<Option<Duration>> {
        std::os::unix::net::UnixStream::read_timeout(self)
    }
    fn write_timeout(&self) -> io::Result<Option<Duration>> {
        std::os::unix::net::UnixStream::write_timeout(self)
    }
    fn set_nonblocking(&self, nonblocking: bool) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_nonblocking(self, nonblocking)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        std::os::unix::net::UnixStream::shutdown(self, how)
    }
}

/// Any `Read + Write` stream as a blocking-only [`Transport`] (no timeouts, no
/// non-blocking mode, `shutdown` does nothing).
///
/// ```
/// use pyssl::socket::{Blocking, Transport};
/// let t = Blocking(std::io::Cursor::new(Vec::<u8>::new()));
/// assert!(t.set_read_timeout(Some(std::time::Duration::from_secs(1))).is_err());
/// ```
#[derive(Debug)]
pub struct Blocking<S>(pub S);

impl<S: Read> Read for Blocking<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<S: Write> Write for Blocking<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl<S: Read + Write> Transport for Blocking<S> {}
