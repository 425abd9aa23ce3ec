//! Loopback TCP cases: a server thread and the calling thread talk over 127.0.0.1, pyssl's
//! `SslSocket` against rustls' `StreamOwned` — same certificates, versions and suites as the
//! in-memory cases. Timed in process CPU seconds (both threads, kernel time included).

use super::cases::{Work, CHUNK};
use super::fixtures::{Fixtures, HOST};
use super::raw::Raw;
use super::spec::Spec;
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
                    // Tickets (TLS 1.3); the client may already be gone.
                    let _ = s.conn.complete_io(&mut s.sock);
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

/// The pyssl side of the TCP cases: `SslSocket` is not on main yet.
pub fn pyssl_work(_bulk: bool, _fx: &Fixtures, _spec: &Spec) -> Result<Work, String> {
    let _ = HOST;
    Err("SslSocket not available yet".into())
}

fn err(e: impl std::fmt::Display) -> String {
    format!("tcp: {e}")
}
