//! Shared setup for the `SslObject` fuzz targets: contexts built from the fixture PKI in
//! `wasm-test/data` (CA, `localhost` server certificate and key), and a driver that feeds
//! hostile bytes to one end through its incoming `MemoryBio`.
#![forbid(unsafe_code)]

use pyssl::{ErrorKind, MemoryBio, SslContext, SslObject, WrapOptions};
use std::path::PathBuf;
use std::sync::OnceLock;

const CA_PEM: &[u8] = include_bytes!("../../wasm-test/data/ca.pem");
const SERVER_PEM: &[u8] = include_bytes!("../../wasm-test/data/server.pem");
const SERVER_KEY: &[u8] = include_bytes!("../../wasm-test/data/server.key");

/// `load_cert_chain`/`load_verify_locations` take paths: write the fixtures once.
fn fixture_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // One shared directory; each file is written under a unique name and renamed into
        // place, so concurrent fuzzer processes never see a half-written fixture.
        let dir = std::env::temp_dir().join("pyssl-fuzz-fixtures");
        std::fs::create_dir_all(&dir).expect("create fixture dir");
        let pid = std::process::id();
        for (name, bytes) in [
            ("ca.pem", CA_PEM),
            ("server.pem", SERVER_PEM),
            ("server.key", SERVER_KEY),
        ] {
            let tmp = dir.join(format!("{name}.{pid}"));
            std::fs::write(&tmp, bytes).expect("write fixture");
            std::fs::rename(&tmp, dir.join(name)).expect("rename fixture");
        }
        dir
    })
}

/// A verifying client context (CERT_REQUIRED, check_hostname) trusting the fixture CA,
/// offering ALPN.
pub fn client_context() -> &'static SslContext {
    static CTX: OnceLock<SslContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let ctx = SslContext::new(pyssl::PROTOCOL_TLS_CLIENT).expect("client context");
        ctx.load_verify_locations(Some(&fixture_dir().join("ca.pem")), None, None)
            .expect("load CA");
        ctx.set_alpn_protocols(&["h2", "http/1.1"]).expect("alpn");
        ctx
    })
}

/// A server context with the fixture certificate that asks for (but does not require) a
/// client certificate, so hostile client `Certificate` messages reach the verifier.
pub fn server_context() -> &'static SslContext {
    static CTX: OnceLock<SslContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let ctx = SslContext::new(pyssl::PROTOCOL_TLS_SERVER).expect("server context");
        let dir = fixture_dir();
        ctx.load_cert_chain(&dir.join("server.pem"), Some(&dir.join("server.key")), None)
            .expect("load cert chain");
        ctx.load_verify_locations(Some(&dir.join("ca.pem")), None, None)
            .expect("load CA");
        ctx.set_verify_mode(pyssl::CERT_OPTIONAL)
            .expect("verify mode");
        ctx.set_alpn_protocols(&["http/1.1"]).expect("alpn");
        ctx
    })
}

/// One end of an in-memory connection.
pub struct End {
    /// The TLS object.
    pub obj: SslObject,
    /// Bytes from the peer.
    pub incoming: MemoryBio,
    /// Bytes to the peer.
    pub outgoing: MemoryBio,
}

impl End {
    /// A client for `localhost`.
    pub fn client() -> End {
        End::wrap(
            client_context(),
            WrapOptions {
                server_hostname: Some("localhost".into()),
                ..Default::default()
            },
        )
    }

    /// A server.
    pub fn server() -> End {
        End::wrap(
            server_context(),
            WrapOptions {
                server_side: true,
                ..Default::default()
            },
        )
    }

    fn wrap(ctx: &SslContext, opts: WrapOptions) -> End {
        let incoming = MemoryBio::new();
        let outgoing = MemoryBio::new();
        let obj = ctx
            .wrap_bio(incoming.clone(), outgoing.clone(), opts)
            .expect("wrap_bio");
        End {
            obj,
            incoming,
            outgoing,
        }
    }

    /// Moves our outgoing bytes to the peer; returns how many.
    pub fn send_to(&self, peer: &End) -> usize {
        let data = self.outgoing.read(None);
        if !data.is_empty() {
            peer.incoming.write(&data).expect("peer BIO open");
        }
        data.len()
    }

    /// One step of work with whatever has arrived: the handshake until it is done, then
    /// application reads and a write. Returns false once the connection failed or closed.
    pub fn step(&mut self) -> bool {
        if !self.obj.is_handshake_done() {
            return match self.obj.do_handshake() {
                Ok(()) => {
                    self.inspect();
                    true
                }
                Err(e) => is_blocked(e.kind()),
            };
        }
        let mut alive = true;
        for _ in 0..4 {
            match self.obj.read(4096) {
                Ok(data) if data.is_empty() => {
                    alive = false;
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    alive = is_blocked(e.kind());
                    break;
                }
            }
        }
        if alive {
            alive = self.obj.write(b"pong").is_ok();
        }
        alive
    }

    /// Calls the read-only accessors a Python program would after a handshake.
    pub fn inspect(&self) {
        let _ = self.obj.version();
        let _ = self.obj.cipher();
        let _ = self.obj.shared_ciphers();
        let _ = self.obj.selected_alpn_protocol();
        let _ = self
            .obj
            .getpeercert()
            .map(|c| c.map(|c| c.to_json().to_string()));
        let _ = self.obj.getpeercert_der();
        let _ = self.obj.get_verified_chain();
        let _ = self.obj.get_unverified_chain();
        let _ = self.obj.get_channel_binding("tls-unique");
        let _ = self.obj.session();
        let _ = self.obj.pending();
    }
}

fn is_blocked(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::WantRead | ErrorKind::WantWrite)
}

/// Runs a handshake between two honest ends (bounded rounds). Returns true when both
/// finished it.
pub fn honest_handshake(client: &mut End, server: &mut End) -> bool {
    for _ in 0..16 {
        let c = client.step();
        client.send_to(server);
        let s = server.step();
        server.send_to(client);
        if !c || !s {
            return false;
        }
        if client.obj.is_handshake_done() && server.obj.is_handshake_done() {
            return true;
        }
    }
    false
}

/// How a fuzz input is fed: the first byte picks the stage at which hostile bytes start
/// (bits 0-1) and the chunk size they arrive in (bits 2-7; 0 = all at once).
pub struct Plan<'a> {
    /// 0: from the first byte; 1: after the honest peer's first flight; 2: after a
    /// complete honest handshake. (3 behaves as 0.)
    pub stage: u8,
    /// Bytes per `MemoryBio.write`.
    pub chunk: usize,
    /// The hostile bytes.
    pub bytes: &'a [u8],
}

impl<'a> Plan<'a> {
    /// Splits a fuzz input into its control byte and payload.
    pub fn parse(data: &'a [u8]) -> Option<Plan<'a>> {
        let (&ctl, bytes) = data.split_first()?;
        let chunk = match usize::from(ctl >> 2) {
            0 => bytes.len().max(1),
            n => n * 7,
        };
        Some(Plan {
            stage: ctl & 3,
            chunk,
            bytes,
        })
    }
}

/// Feeds `plan.bytes` to `victim` in chunks, stepping it after each, then EOF and unwrap.
/// The victim's own output is dropped (there is no honest peer any more).
pub fn feed_hostile(victim: &mut End, plan: &Plan<'_>) {
    let mut alive = true;
    for chunk in plan.bytes.chunks(plan.chunk) {
        victim.incoming.write(chunk).expect("incoming BIO open");
        alive = victim.step();
        victim.outgoing.read(None);
        if !alive {
            break;
        }
    }
    if alive {
        victim.incoming.write_eof();
        victim.step();
        let _ = victim.obj.unwrap();
    }
    victim.inspect();
    victim.outgoing.read(None);
}
