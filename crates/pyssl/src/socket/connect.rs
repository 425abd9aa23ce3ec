//! `socket.create_connection` + `wrap_socket` ([`SslContext::connect`]) and
//! `ssl.get_server_certificate`.

use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::time::Duration;

use super::{errors, SocketOptions, SslSocket};
use crate::{Protocol, Result, SslContext, SslError, VerifyMode};

/// CPython's `socket.create_connection(address, timeout)`: tries every address `addr`
/// resolves to (IPv4 and IPv6) in order, each bounded by `timeout`, and returns the first
/// connection; otherwise the last error (`ConnectionRefusedError`, `TimeoutError('timed
/// out')`, `gaierror`, ...). The stream keeps `timeout` as its read/write timeout.
pub fn create_connection(addr: impl ToSocketAddrs, timeout: Option<Duration>) -> Result<TcpStream> {
    let addrs: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(|e| resolve_error(&e))?
        .collect();
    let mut last = None;
    for a in addrs {
        let r = match timeout {
            Some(t) if !t.is_zero() => TcpStream::connect_timeout(&a, t),
            _ => TcpStream::connect(a),
        };
        match r {
            Ok(s) => {
                if let Some(t) = timeout.filter(|t| !t.is_zero()) {
                    s.set_read_timeout(Some(t))
                        .map_err(|e| errors::os_error(&e))?;
                    s.set_write_timeout(Some(t))
                        .map_err(|e| errors::os_error(&e))?;
                }
                return Ok(s);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) if e.kind() == io::ErrorKind::TimedOut => {
            SslError::os("TimeoutError", None, "timed out")
        }
        Some(e) => errors::os_error(&e),
        None => SslError::os("OSError", None, "getaddrinfo returns an empty list"),
    })
}

/// A name-resolution failure as CPython's `socket.gaierror`.
fn resolve_error(e: &io::Error) -> SslError {
    let text = e.to_string();
    let text = text
        .strip_prefix("failed to lookup address information: ")
        .unwrap_or(&text);
    let errno = match text {
        "Name or service not known" => Some(-2),
        "Temporary failure in name resolution" => Some(-3),
        "No address associated with hostname" => Some(-5),
        _ => None,
    };
    match errno {
        Some(n) => SslError::os("gaierror", Some(n), format!("[Errno {n}] {text}")),
        None => SslError::os("gaierror", None, text.to_owned()),
    }
}

impl SslContext {
    /// `context.wrap_socket(socket.create_connection(addr, timeout), **opts)`: connects
    /// (IPv4 or IPv6, bounded by `opts.timeout`) and wraps the stream as a client.
    pub fn connect(
        &self,
        addr: impl ToSocketAddrs,
        opts: SocketOptions,
    ) -> Result<SslSocket<TcpStream>> {
        if opts.server_side {
            return Err(SslError::value(
                "connect() makes client sockets; server_side must be false",
            ));
        }
        let tcp = create_connection(addr, opts.timeout)?;
        // A fresh connection: blocking, and the timeouts are what `create_connection` set.
        let set = opts.timeout.filter(|t| !t.is_zero());
        self.wrap_stream(tcp, opts, Some(set))
    }
}

/// CPython's `ssl.get_server_certificate((host, port), ssl_version, ca_certs, timeout)`:
/// the server's certificate as PEM. Without `ca_certs` nothing is verified; with it the
/// chain is verified against that file (the host name is not checked, as in CPython).
pub fn get_server_certificate(
    addr: (&str, u16),
    ssl_version: Protocol,
    ca_certs: Option<&Path>,
    timeout: Option<Duration>,
) -> Result<String> {
    let ctx = SslContext::new(ssl_version)?;
    ctx.set_check_hostname(false);
    match ca_certs {
        Some(ca) => {
            ctx.set_verify_mode(VerifyMode::CertRequired)?;
            ctx.load_verify_locations(Some(ca), None, None)?;
        }
        None => ctx.set_verify_mode(VerifyMode::CertNone)?,
    }
    let opts = SocketOptions {
        server_hostname: Some(addr.0.to_owned()),
        timeout,
        ..Default::default()
    };
    let sock = ctx.connect(addr, opts)?;
    let der = sock
        .getpeercert_der()?
        .ok_or_else(|| SslError::value("the server sent no certificate"))?;
    Ok(pyssl_cert::der_cert_to_pem_cert(&der))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_connection_is_connection_refused_error() {
        // Bind then drop to get a port nobody listens on.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let e = create_connection(("127.0.0.1", port), Some(Duration::from_secs(5))).unwrap_err();
        assert_eq!(e.python_class(), "ConnectionRefusedError");
        assert_eq!(e.to_string(), "[Errno 111] Connection refused");
    }

    #[test]
    fn ipv6_loopback_connects() {
        let Ok(l) = std::net::TcpListener::bind("[::1]:0") else {
            return; // no IPv6 on this host
        };
        let port = l.local_addr().unwrap().port();
        let s = create_connection(("::1", port), Some(Duration::from_secs(5))).unwrap();
        assert!(s.peer_addr().unwrap().is_ipv6());
    }
}
