//! The loopback-TCP half of `pyssl demo`: the same exchange as the in-memory demo, but
//! through `SslListener`/`SslSocket` on 127.0.0.1.

use std::time::Duration;

use pyssl::socket::{SocketOptions, SslListener};
use pyssl::SslContext;

/// What the TCP exchange saw, for printing.
#[derive(Debug, Clone)]
pub struct TcpReport {
    /// The address the server listened on.
    pub addr: std::net::SocketAddr,
    /// `version()` on the client.
    pub version: Option<&'static str>,
    /// `cipher()` on the client.
    pub cipher: Option<(String, String, u32)>,
    /// ALPN chosen.
    pub alpn: Option<String>,
    /// What the server echoed back.
    pub echoed: String,
}

/// Runs one client/server exchange over loopback TCP with the given contexts: the server
/// accepts one connection and echoes one message; the client sends `message` and reads it
/// back. Bounded by a 10 s timeout on every socket.
pub fn exchange(
    server_ctx: &SslContext,
    client_ctx: &SslContext,
    server_hostname: &str,
    message: &str,
) -> pyssl::Result<TcpReport> {
    let timeout = Some(Duration::from_secs(10));
    let listener = SslListener::bind(
        "127.0.0.1:0",
        server_ctx.clone(),
        SocketOptions {
            timeout,
            ..SocketOptions::server()
        },
    )?;
    let addr = listener.local_addr()?;
    let server = std::thread::spawn(move || -> pyssl::Result<()> {
        let (mut s, _) = listener.accept()?;
        let data = s.recv(4096)?;
        s.sendall(&data)?;
        s.close_notify()
    });
    let opts = SocketOptions {
        timeout,
        ..SocketOptions::client(server_hostname)
    };
    let mut c = client_ctx.connect(addr, opts)?;
    c.sendall(message.as_bytes())?;
    let mut echoed = Vec::new();
    while echoed.len() < message.len() {
        let b = c.recv(4096)?;
        if b.is_empty() {
            break;
        }
        echoed.extend(b);
    }
    let report = TcpReport {
        addr,
        version: c.version(),
        cipher: c.cipher(),
        alpn: c.selected_alpn_protocol(),
        echoed: String::from_utf8_lossy(&echoed).into_owned(),
    };
    server
        .join()
        .map_err(|_| pyssl::SslError::os("OSError", None, "demo server thread panicked"))??;
    Ok(report)
}

/// Prints the TCP part of the demo.
pub fn print(report: &TcpReport) {
    println!(
        "over loopback TCP ({}): SslListener + SslSocket",
        report.addr
    );
    println!("version:   {}", report.version.unwrap_or("None"));
    if let Some((name, proto, bits)) = &report.cipher {
        println!("cipher:    ('{name}', '{proto}', {bits})");
    }
    match &report.alpn {
        Some(p) => println!("alpn:      '{p}'"),
        None => println!("alpn:      None"),
    }
    println!("echoed:    {:?}", report.echoed);
}
