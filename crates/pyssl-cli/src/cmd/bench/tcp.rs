//! Loopback TCP cases: a server thread and the calling thread talk over 127.0.0.1, pyssl's
//! `SslSocket` against rustls' `StreamOwned` — same certificates, versions and suites as the
//! in-memory cases. Timed in process CPU seconds (both threads, kernel time included).

use super::cases::{Work, CHUNK};
use super::fixtures::{Fixtures, HOST};
use super::pyside::Contexts;
use super::raw::Raw;
use super::spec::Spec;
use pyssl::SocketOptions;
use rustls::{ClientConnection, ServerConnection, StreamOwned};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

const MIB: f64 = (1 << 20) as f64;

/// Every socket gets this timeout so a broken peer fails the case instead of hanging it.
pub const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// A listener on an ephemeral loopback port.
pub fn listen() -> Result<(TcpListener, SocketAddr), String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(err)?;
    let a = l.local_addr().map_err(err)?;
    Ok((l, a))
}

/// Connects to `addr` with timeouts set.
pub fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
    let s = TcpStream::connect_timeout(&addr, IO_TIMEOUT).map_err(err)?;
    timeouts(&s)?;
    Ok(s)
}

/// Accepts one connection with timeouts set.
pub fn accept(l: &TcpListener) -> Result<TcpStream, String> {
    let (s, _) = l.accept().map_err(err)?;
    timeouts(&s)?;
    Ok(s)
}

fn timeouts(s: &TcpStream) -> Result<(), String> {
    s.set_read_timeout(Some(IO_TIMEOUT)).map_err(err)?;
    s.set_write_timeout(Some(IO_TIMEOUT)).map_err(err)?;
    s.set_nodelay(true).map_err(err)
}

/// Runs `server` on a scoped thread while `client` runs here; both must succeed.
pub fn both<S, C>(server: S, client: C) -> Result<(), String>
where
    S: FnOnce() -> Result<(), String> + Send,
    C: FnOnce() -> Result<(), String>,
{
    std::thread::scope(|scope| {
        let h = scope.spawn(server);
        let c = client();
        let s = h
            .join()
            .unwrap_or_else(|_| Err("server thread panicked".into()));
        c.and(s)
    })
}

/// Raw rustls: `n` connect + handshake + close.
pub fn raw_handshakes(fx: &Fixtures, spec: &Spec) -> Result<Work, String> {
    let raw = Arc::new(Raw::new(fx, spec)?);
    let (listener, addr) = listen()?;
    Ok(Box::new(move |n| {
        let srv = raw.clone();
        let l = &listener;
        both(
            move || {
                for _ in 0..n {
                    let mut s = StreamOwned::new(srv.server_conn()?, accept(l)?);
                    while s.conn.is_handshaking() {
                        s.conn.complete_io(&mut s.sock).map_err(err)?;
                    }
                    // Tickets (TLS 1.3); the client may already be gone. Only written, as
                    // pyssl's server does: `complete_io` would go on to read, waiting for
                    // the client to close (work pyssl's side does not do).
                    while s.conn.wants_write() {
                        if s.conn.write_tls(&mut s.sock).is_err() {
                            break;
                        }
                    }
                }
                Ok(())
            },
            || {
                for _ in 0..n {
                    let mut c = StreamOwned::new(raw.client_conn()?, connect(addr)?);
                    while c.conn.is_handshaking() {
                        c.conn.complete_io(&mut c.sock).map_err(err)?;
                    }
                }
                Ok(())
            },
        )?;
        Ok(n as f64)
    }))
}

/// Raw rustls: one connection, `n` 16 KiB writes client to server.
pub fn raw_bulk(fx: &Fixtures, spec: &Spec) -> Result<Work, String> {
    let raw = Arc::new(Raw::new(fx, spec)?);
    let (listener, addr) = listen()?;
    Ok(Box::new(move |n| {
        let srv = raw.clone();
        let l = &listener;
        let total = n as usize * CHUNK;
        both(
            move || {
                let mut s: StreamOwned<ServerConnection, TcpStream> =
                    StreamOwned::new(srv.server_conn()?, accept(l)?);
                let mut buf = vec![0u8; CHUNK];
                let mut got = 0;
                while got < total {
                    match s.read(&mut buf).map_err(err)? {
                        0 => return Err("raw rustls: early EOF".into()),
                        k => got += k,
                    }
                }
                s.conn.send_close_notify();
                let _ = s.flush();
                Ok(())
            },
            || {
                let mut c: StreamOwned<ClientConnection, TcpStream> =
                    StreamOwned::new(raw.client_conn()?, connect(addr)?);
                let chunk = vec![0x5a_u8; CHUNK];
                for _ in 0..n {
                    c.write_all(&chunk).map_err(err)?;
                }
                c.flush().map_err(err)?;
                // Wait for the server's close_notify so the data was all consumed.
                let mut b = [0u8; 64];
                while c.read(&mut b).map_err(err)? > 0 {}
                Ok(())
            },
        )?;
        Ok(total as f64 / MIB)
    }))
}

/// pyssl: `SslSocket`s from `SslContext::wrap_socket` (handshake on connect, a socket
/// timeout as `settimeout(20)` in Python), the same work as the raw functions above.
pub fn pyssl_work(bulk: bool, fx: &Fixtures, spec: &Spec) -> Result<Work, String> {
    let ctxs = Arc::new(Contexts::new(fx, spec)?);
    let (listener, addr) = listen()?;
    let client_opts = SocketOptions {
        server_hostname: Some(HOST.to_string()),
        timeout: Some(IO_TIMEOUT),
        ..SocketOptions::default()
    };
    let server_opts = SocketOptions {
        server_side: true,
        timeout: Some(IO_TIMEOUT),
        ..SocketOptions::default()
    };
    if !bulk {
        return Ok(Box::new(move |n| {
            let (srv, l, so) = (ctxs.clone(), &listener, server_opts.clone());
            both(
                move || {
                    for _ in 0..n {
                        let s = srv
                            .server
                            .wrap_socket(accept(l)?, so.clone())
                            .map_err(perr)?;
                        drop(s);
                    }
                    Ok(())
                },
                || {
                    for _ in 0..n {
                        let c = ctxs
                            .client
                            .wrap_socket(connect(addr)?, client_opts.clone())
                            .map_err(perr)?;
                        if c.session_reused() {
                            return Err(
                                "pyssl resumed a session nobody offered: not a full handshake"
                                    .into(),
                            );
                        }
                        drop(c);
                    }
                    Ok(())
                },
            )?;
            Ok(n as f64)
        }));
    }
    Ok(Box::new(move |n| {
        let (srv, l, so) = (ctxs.clone(), &listener, server_opts.clone());
        let total = n as usize * CHUNK;
        both(
            move || {
                let mut s = srv.server.wrap_socket(accept(l)?, so).map_err(perr)?;
                let mut buf = vec![0u8; CHUNK];
                let mut got = 0;
                while got < total {
                    match s.recv_into(&mut buf).map_err(perr)? {
                        0 => return Err("pyssl: early EOF".into()),
                        k => got += k,
                    }
                }
                s.close_notify().map_err(perr)
            },
            || {
                let mut c = ctxs
                    .client
                    .wrap_socket(connect(addr)?, client_opts.clone())
                    .map_err(perr)?;
                let chunk = vec![0x5a_u8; CHUNK];
                for _ in 0..n {
                    c.sendall(&chunk).map_err(perr)?;
                }
                // Wait for the server's close_notify so the data was all consumed.
                while !c.recv(64).map_err(perr)?.is_empty() {}
                Ok(())
            },
        )?;
        Ok(total as f64 / MIB)
    }))
}

fn perr(e: pyssl::SslError) -> String {
    format!("pyssl: {e}")
}

fn err(e: impl std::fmt::Display) -> String {
    format!("tcp: {e}")
}
