//! [`SslListener`]: a listening socket whose `accept()` returns [`SslSocket`]s.

use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::{errors, SocketOptions, SslSocket};
use crate::{Result, SslContext};

/// CPython's `context.wrap_socket(listening_socket, server_side=True)`: `accept()` returns
/// the connection, already handshaken when `do_handshake_on_connect`, and the peer address.
///
/// ```no_run
/// # fn demo(ctx: pyssl::SslContext) -> pyssl::Result<()> {
/// use pyssl::socket::{SocketOptions, SslListener};
/// let listener = SslListener::bind("127.0.0.1:0", ctx, SocketOptions::server())?;
/// let (mut conn, peer) = listener.accept()?;
/// conn.sendall(b"hello\n")?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SslListener {
    listener: TcpListener,
    ctx: SslContext,
    opts: SocketOptions,
}

impl SslListener {
    /// Wraps a bound listener. `opts.server_side` is forced on; `opts.timeout` becomes the
    /// timeout of each accepted socket (and so bounds the handshake on accept).
    pub fn new(listener: TcpListener, ctx: SslContext, opts: SocketOptions) -> Result<Self> {
        if opts.server_hostname.is_some() {
            return Err(crate::SslError::value(
                "server_hostname can only be specified in client mode",
            ));
        }
        Ok(SslListener {
            listener,
            ctx,
            opts: SocketOptions {
                server_side: true,
                ..opts
            },
        })
    }

    /// Binds `addr` and wraps the listener.
    pub fn bind(addr: impl ToSocketAddrs, ctx: SslContext, opts: SocketOptions) -> Result<Self> {
        let l = TcpListener::bind(addr).map_err(|e| errors::os_error(&e))?;
        SslListener::new(l, ctx, opts)
    }

    /// Accepts one connection and wraps it (handshaking when `do_handshake_on_connect`).
    /// A failed handshake returns its error; the connection is closed after the alert.
    pub fn accept(&self) -> Result<(SslSocket<TcpStream>, SocketAddr)> {
        let (tcp, addr) = self.accept_tcp()?;
        Ok((self.wrap(tcp)?, addr))
    }

    /// Accepts a TCP connection without wrapping it (wrap it with [`wrap`](Self::wrap),
    /// e.g. on another thread).
    pub fn accept_tcp(&self) -> Result<(TcpStream, SocketAddr)> {
        self.listener.accept().map_err(|e| errors::os_error(&e))
    }

    /// Wraps an accepted connection with this listener's context and options.
    pub fn wrap(&self, tcp: TcpStream) -> Result<SslSocket<TcpStream>> {
        self.ctx.wrap_socket(tcp, self.opts.clone())
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener.local_addr().map_err(|e| errors::os_error(&e))
    }

    /// The timeout given to accepted sockets.
    pub fn accepted_timeout(&self) -> Option<Duration> {
        self.opts.timeout
    }

    /// The context new connections use.
    pub fn context(&self) -> &SslContext {
        &self.ctx
    }

    /// The plain listener (e.g. for non-blocking accept).
    pub fn get_ref(&self) -> &TcpListener {
        &self.listener
    }
}
