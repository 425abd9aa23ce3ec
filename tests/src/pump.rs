//! Driving two pyssl `SslObject`s against each other through MemoryBio pairs.

use pyssl::{ErrorKind, MemoryBio, SslContext, SslError, SslObject, WrapOptions};

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

    /// Moves our outgoing bytes into the peer's incoming BIO. Returns how many moved.
    pub fn send_to(&self, peer: &End) -> usize {
        let data = self.outgoing.read(None);
        peer.incoming.write(&data).unwrap();
        data.len()
    }
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
    let client = End::new(
        client_ctx,
        WrapOptions {
            server_hostname: server_hostname.map(str::to_owned),
            ..Default::default()
        },
    )
    .expect("wrap client");
    let server = End::new(
        server_ctx,
        WrapOptions {
            server_side: true,
            ..Default::default()
        },
    )
    .expect("wrap server");
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
