//! Driving two pyssl `SslObject`s against each other through MemoryBio pairs.

use pyssl::{ErrorKind, MemoryBio, Protocol, SslContext, SslError, SslObject, WrapOptions};

use crate::pki::{Leaf, Pki};

/// One side of an in-memory connection: the object and its two BIOs.
pub struct End {
    /// The TLS object.
    pub obj: SslObject,
    /// What the peer wrote to us.
    pub incoming: MemoryBio,
    /// What we write to the peer.
    pub outgoing: MemoryBio,
}

impl End {
    /// Wraps a new object over fresh BIOs.
    pub fn new(ctx: &SslContext, opts: WrapOptions) -> Result<End, SslError> {
        let incoming = MemoryBio::new();
        let outgoing = MemoryBio::new();
        let obj = ctx.wrap_bio(incoming.clone(), outgoing.clone(), opts)?;
        Ok(End {
            obj,
            incoming,
            outgoing,
        })
    }

    /// A client end sending `server_hostname` (SNI and the name checked).
    pub fn client(ctx: &SslContext, server_hostname: Option<&str>) -> Result<End, SslError> {
        End::new(
            ctx,
            WrapOptions {
                server_hostname: server_hostname.map(str::to_owned),
                ..Default::default()
            },
        )
    }

    /// A server end.
    pub fn server(ctx: &SslContext) -> Result<End, SslError> {
        End::new(
            ctx,
            WrapOptions {
                server_side: true,
                ..Default::default()
            },
        )
    }

    /// Moves our outgoing bytes into the peer's incoming BIO. Returns how many moved.
    pub fn send_to(&self, peer: &End) -> usize {
        let data = self.outgoing.read(None);
        peer.incoming.write(&data).unwrap();
        data.len()
    }
}

/// A client context trusting `pki`'s CA and a server context serving `leaf`:
/// `(client, server)`.
pub fn contexts(pki: &Pki, leaf: &Leaf) -> (SslContext, SslContext) {
    let server = SslContext::new(Protocol::TlsServer).expect("server context");
    server
        .load_cert_chain(&leaf.cert, Some(&leaf.key), None)
        .expect("load_cert_chain");
    let client = SslContext::new(Protocol::TlsClient).expect("client context");
    client
        .load_verify_locations(Some(&pki.ca_cert), None, None)
        .expect("load_verify_locations");
    (client, server)
}

/// Result of a handshake between two in-memory ends.
pub struct Outcome {
    /// Client end.
    pub client: End,
    /// Server end.
    pub server: End,
    /// The client's final handshake result.
    pub client_result: Result<(), SslError>,
    /// The server's final handshake result.
    pub server_result: Result<(), SslError>,
}

fn blocked(r: &Result<(), SslError>) -> bool {
    matches!(r, Err(e) if e.kind() == ErrorKind::WantRead)
}

/// Runs a handshake between `client` and `server` contexts (bounded: 20 rounds).
pub fn handshake(
    client_ctx: &SslContext,
    server_ctx: &SslContext,
    server_hostname: Option<&str>,
) -> Outcome {
    let client = End::client(client_ctx, server_hostname).expect("wrap client");
    let server = End::server(server_ctx).expect("wrap server");
    drive(client, server)
}

/// Drives two ends until both finished (or failed, or nothing moves).
pub fn drive(mut client: End, mut server: End) -> Outcome {
    let mut cr = Err(SslError::want_read());
    let mut sr = Err(SslError::want_read());
    for _ in 0..20 {
        if blocked(&cr) {
            cr = client.obj.do_handshake();
        }
        let moved_c = client.send_to(&server);
        if blocked(&sr) {
            sr = server.obj.do_handshake();
        }
        let moved_s = server.send_to(&client);
        if !blocked(&cr) && !blocked(&sr) && moved_c == 0 && moved_s == 0 {
            break;
        }
        if moved_c == 0 && moved_s == 0 && (blocked(&cr) || blocked(&sr)) {
            // Give the blocked side one more chance with what it has, then stop.
            if blocked(&cr) {
                cr = client.obj.do_handshake();
            }
            if blocked(&sr) {
                sr = server.obj.do_handshake();
            }
            if client.outgoing.pending() == 0 && server.outgoing.pending() == 0 {
                break;
            }
        }
    }
    Outcome {
        client,
        server,
        client_result: cr,
        server_result: sr,
    }
}
