//! The pyssl side: `SslContext`, `SslObject` and two `MemoryBio`s per peer, driven exactly as a
//! Python program drives `SSLObject` — `do_handshake()` until it stops asking for input, bytes
//! moved between the BIOs with `read()` / `write()`, application data through `write()` and
//! `read_into()`. `bench/compare_cpython.py` runs the same pump with CPython's ssl.

use super::cases::{check_suite, heap_per_pair, Case, Kind, Work, CHUNK};
use super::fixtures::{Fixtures, HOST};
use super::spec::{Resume, Spec, Version};
use pyssl::{ErrorKind, MemoryBio, SslContext, SslError, SslObject, SslSession, TlsVersion};
use pyssl::{WrapOptions, OP_NO_TICKET, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};

const MIB: f64 = (1 << 20) as f64;

/// One peer: its `SslObject` and the user's handles on its two BIOs.
struct Peer {
    obj: SslObject,
    incoming: MemoryBio,
    outgoing: MemoryBio,
}

/// An established client/server pair.
struct Pair {
    client: Peer,
    server: Peer,
}

/// Client and server contexts for one spec.
pub struct Contexts {
    /// `PROTOCOL_TLS_CLIENT`, trusting the fixtures' CA.
    pub client: SslContext,
    /// `PROTOCOL_TLS_SERVER` with the spec's key.
    pub server: SslContext,
}

impl Contexts {
    /// Builds both contexts as a Python program would.
    pub fn new(fx: &Fixtures, spec: &Spec) -> Result<Contexts, String> {
        let version = match spec.version {
            Version::Tls13 => TlsVersion::TlsV1_3,
            Version::Tls12 => TlsVersion::TlsV1_2,
        };
        let client = SslContext::new(PROTOCOL_TLS_CLIENT).map_err(err)?;
        client
            .load_verify_locations(Some(&fx.ca_file), None, None)
            .map_err(err)?;
        let server = SslContext::new(PROTOCOL_TLS_SERVER).map_err(err)?;
        let id = fx.identity(spec.key);
        server
            .load_cert_chain(&id.cert_file, Some(&id.key_file), None)
            .map_err(err)?;
        for ctx in [&client, &server] {
            ctx.set_minimum_version(version).map_err(err)?;
            ctx.set_maximum_version(version).map_err(err)?;
        }
        if spec.resume == Resume::SessionId {
            server.set_options(server.options() | OP_NO_TICKET);
        }
        if let Some(suite) = spec.suite {
            // pyssl's extension (OpenSSL's SSL_CTX_set_ciphersuites): Python's ssl API has no
            // way to choose TLS 1.3 suites. Both peers get only this suite, as on the raw side.
            for ctx in [&client, &server] {
                ctx.set_ciphersuites(suite.name()).map_err(err)?;
            }
        }
        Ok(Contexts { client, server })
    }

    /// A handshake without a session, which must not have resumed.
    fn full_handshake(&self) -> Result<Pair, String> {
        let pair = self.handshake(None)?;
        if pair.client.obj.session_reused() {
            return Err("pyssl resumed a session nobody offered: not a full handshake".into());
        }
        Ok(pair)
    }

    /// One handshake through four `MemoryBio`s; then, if the server sent more (TLS 1.3
    /// tickets), one client `read()` so it is processed, as a Python user must before taking
    /// `session`.
    fn handshake(&self, session: Option<SslSession>) -> Result<Pair, String> {
        self.handshake_seen(session, None)
    }

    /// [`handshake`](Self::handshake), keeping a copy of the server's bytes in `seen`.
    fn handshake_seen(
        &self,
        session: Option<SslSession>,
        mut seen: Option<&mut Vec<u8>>,
    ) -> Result<Pair, String> {
        let mut client = peer(
            &self.client,
            WrapOptions {
                server_side: false,
                server_hostname: Some(HOST.to_string()),
                session,
            },
        )?;
        let mut server = peer(
            &self.server,
            WrapOptions {
                server_side: true,
                ..WrapOptions::default()
            },
        )?;
        let (mut client_done, mut server_done) = (false, false);
        for _ in 0..64 {
            if !client_done {
                client_done = step(&mut client.obj)?;
            }
            let mut moved = transfer(&client.outgoing, &server.incoming)?;
            if !server_done {
                server_done = step(&mut server.obj)?;
            }
            moved |= transfer_seen(&server.outgoing, &client.incoming, seen.as_deref_mut())?;
            if client_done && server_done && !moved {
                if client.incoming.pending() > 0 {
                    match client.obj.read(1) {
                        Err(e) if e.kind() == ErrorKind::WantRead => {}
                        Err(e) => return Err(err(e)),
                        Ok(data) if data.is_empty() => {}
                        Ok(_) => return Err("unexpected application data".into()),
                    }
                }
                return Ok(Pair { client, server });
            }
        }
        Err("pyssl handshake did not complete in 64 steps".into())
    }
}

fn peer(ctx: &SslContext, opts: WrapOptions) -> Result<Peer, String> {
    let incoming = MemoryBio::new();
    let outgoing = MemoryBio::new();
    let obj = ctx
        .wrap_bio(incoming.clone(), outgoing.clone(), opts)
        .map_err(err)?;
    Ok(Peer {
        obj,
        incoming,
        outgoing,
    })
}

/// `do_handshake()`: `Ok(true)` when done, `Ok(false)` on `SSLWantReadError`.
fn step(obj: &mut SslObject) -> Result<bool, String> {
    match obj.do_handshake() {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::WantRead => Ok(false),
        Err(e) => Err(err(e)),
    }
}

/// [`transfer`], appending what moved to `seen` when given.
fn transfer_seen(
    from: &MemoryBio,
    to: &MemoryBio,
    seen: Option<&mut Vec<u8>>,
) -> Result<bool, String> {
    let Some(seen) = seen else {
        return transfer(from, to);
    };
    let data = from.read(None);
    seen.extend_from_slice(&data);
    to.write(&data).map_err(err)?;
    Ok(!data.is_empty())
}

/// `from.transfer_to(to)` (no copy); whether anything moved.
fn transfer(from: &MemoryBio, to: &MemoryBio) -> Result<bool, String> {
    Ok(from.transfer_to(to).map_err(err)? > 0)
}

/// The pump Python code writes: `to.write(from.read())` (one copy).
fn copying_pump(from: &MemoryBio, to: &MemoryBio) -> Result<(), String> {
    to.write(&from.read(None)).map_err(err)?;
    Ok(())
}

impl Pair {
    /// The client writes `chunk`; the server reads it into `out` with `read_into`.
    /// `copy_pump`: move the record as Python code does, `incoming.write(outgoing.read())`.
    fn send(&mut self, chunk: &[u8], out: &mut [u8], copy_pump: bool) -> Result<(), String> {
        let n = self.client.obj.write(chunk).map_err(err)?;
        if n != chunk.len() {
            return Err(format!("short write: {n}"));
        }
        if copy_pump {
            copying_pump(&self.client.outgoing, &self.server.incoming)?;
        } else {
            transfer(&self.client.outgoing, &self.server.incoming)?;
        }
        let mut got = 0;
        while got < chunk.len() {
            let n = self.server.obj.read_into(&mut out[got..]).map_err(err)?;
            if n == 0 {
                return Err("pyssl server read returned 0".into());
            }
            got += n;
        }
        Ok(())
    }
}

/// Builds the pyssl closure for `case`.
pub fn work(case: &Case, fx: &Fixtures) -> Result<Work, String> {
    let ctxs = Contexts::new(fx, &case.spec)?;
    match case.kind {
        Kind::Handshake => Ok(Box::new(move |n| {
            for _ in 0..n {
                let pair = ctxs.handshake(None)?;
                if pair.client.obj.session_reused() {
                    return Err(
                        "pyssl resumed a session nobody offered: not a full handshake".into(),
                    );
                }
                std::hint::black_box(pair);
            }
            Ok(n as f64)
        })),
        Kind::Resumed => {
            let mut session = first_session(&ctxs, &case.spec)?;
            Ok(Box::new(move |n| {
                for _ in 0..n {
                    let pair = ctxs.handshake(Some(session.clone()))?;
                    if !pair.client.obj.session_reused() {
                        return Err("pyssl did not resume".into());
                    }
                    session = pair
                        .client
                        .obj
                        .session()
                        .ok_or("no session after a resumed handshake")?;
                }
                Ok(n as f64)
            }))
        }
        Kind::Bulk | Kind::BulkCopyPump => {
            let copy_pump = case.kind == Kind::BulkCopyPump;
            let mut pair = ctxs.full_handshake()?;
            let got = pair.client.obj.cipher().map(|c| c.0);
            check_suite(got, case.spec.suite.map(|s| s.name()))?;
            let chunk = vec![0x5a_u8; CHUNK];
            let mut out = vec![0_u8; CHUNK];
            Ok(Box::new(move |n| {
                for _ in 0..n {
                    pair.send(&chunk, &mut out, copy_pump)?;
                }
                Ok(n as f64 * CHUNK as f64 / MIB)
            }))
        }
        Kind::Heap => Ok(Box::new(move |n| {
            heap_per_pair(n, || {
                ctxs.full_handshake()
                    .map(|p| Box::new(p) as Box<dyn std::any::Any>)
            })
        })),
        Kind::TcpHandshake | Kind::TcpBulk => Err("not an in-memory case".into()),
    }
}

fn first_session(ctxs: &Contexts, spec: &Spec) -> Result<SslSession, String> {
    let mut seen = Vec::new();
    let pair = ctxs.handshake_seen(None, Some(&mut seen))?;
    let session = pair.client.obj.session().ok_or_else(|| {
        "pyssl produced no session to resume (session support not available yet)".to_string()
    })?;
    // TLS 1.2: check on the wire which mechanism the server offered (has_ticket() is the
    // session's own claim; the NewSessionTicket message is the fact).
    if spec.version == Version::Tls12 {
        let ticket = super::wire::tls12_ticket_issued(&seen);
        let want = spec.resume == Resume::Ticket;
        if ticket != want {
            return Err(format!(
                "the pyssl server issued {} TLS 1.2 session ticket; this case needs {}",
                if ticket { "a" } else { "no" },
                if want { "one" } else { "session-ID resumption" }
            ));
        }
    }
    Ok(session)
}

fn err(e: SslError) -> String {
    format!("pyssl: {e}")
}
