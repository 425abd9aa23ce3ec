//! The baseline: raw rustls 0.23 doing the same work as pyssl — `ClientConnection` and
//! `ServerConnection` over the buffered API, the same ring provider, certificates, versions and
//! suites, bytes moved between the peers through `Vec<u8>` buffers as a memory-BIO user would.

use super::fixtures::{Fixtures, HOST};
use super::spec::{Resume, Spec, Version};
use rustls::client::{Resumption, Tls12Resumption};
use rustls::server::ServerSessionMemoryCache;
use rustls::{ClientConfig, ClientConnection, ConnectionCommon, RootCertStore, ServerConfig};
use rustls::{HandshakeKind, ServerConnection};
use rustls_pki_types::ServerName;
use std::io::{Read, Write};
use std::sync::Arc;

/// OpenSSL's default server session cache size, which pyssl's servers use too.
const SERVER_CACHE_SIZE: usize = 20 * 1024;

/// Client and server configurations for one spec.
pub struct Raw {
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
    name: ServerName<'static>,
    resume: Resume,
}

/// An established client/server pair.
pub struct Pair {
    client: ClientConnection,
    server: ServerConnection,
    wire: Vec<u8>,
}

impl Raw {
    /// Builds both configurations from `spec`.
    pub fn new(fx: &Fixtures, spec: &Spec) -> Result<Raw, String> {
        let mut provider = rustls::crypto::ring::default_provider();
        if let Some(suite) = spec.suite {
            provider.cipher_suites = vec![suite.rustls()];
        }
        let provider = Arc::new(provider);
        let versions: &[&rustls::SupportedProtocolVersion] = match spec.version {
            Version::Tls13 => &[&rustls::version::TLS13],
            Version::Tls12 => &[&rustls::version::TLS12],
        };

        let mut roots = RootCertStore::empty();
        roots.add(fx.ca_der.clone()).map_err(err)?;
        let mut client = ClientConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(versions)
            .map_err(err)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        client.resumption = match spec.resume {
            // Nothing kept, nothing resumed — but TLS 1.2 tickets are still asked for, as
            // pyssl's (and CPython's) clients always do, so the servers do the same work.
            Resume::No => {
                Resumption::disabled().tls12_resumption(Tls12Resumption::SessionIdOrTickets)
            }
            Resume::Ticket | Resume::SessionId => Resumption::in_memory_sessions(256),
        };

        let id = fx.identity(spec.key);
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(versions)
            .map_err(err)?
            .with_no_client_auth()
            .with_single_cert(vec![id.cert_der.clone()], id.key())
            .map_err(err)?;
        // Stateless tickets unless the case is about session IDs — what pyssl's servers do
        // (and OpenSSL's), so both sides do the same work after every handshake. The
        // session cache has OpenSSL's (and pyssl's) size, not rustls' default 256.
        server.session_storage = ServerSessionMemoryCache::new(SERVER_CACHE_SIZE);
        if spec.resume == Resume::Ticket && spec.version == Version::Tls13 {
            // Every measured handshake is a resumption, after which pyssl's servers send
            // one ticket as OpenSSL does (rustls' default is 2 after every handshake).
            server.send_tls13_tickets = 1;
        }
        if spec.resume != Resume::SessionId {
            server.ticketer = rustls::crypto::ring::Ticketer::new().map_err(err)?;
        }
        Ok(Raw {
            client: Arc::new(client),
            server: Arc::new(server),
            name: ServerName::try_from(HOST).map_err(err)?,
            resume: spec.resume,
        })
    }

    /// A new client connection (not started).
    pub fn client_conn(&self) -> Result<ClientConnection, String> {
        ClientConnection::new(self.client.clone(), self.name.clone()).map_err(err)
    }

    /// A new server connection.
    pub fn server_conn(&self) -> Result<ServerConnection, String> {
        ServerConnection::new(self.server.clone()).map_err(err)
    }

    /// One complete handshake, including the TLS 1.3 tickets reaching the client.
    pub fn handshake(&self) -> Result<Pair, String> {
        let mut pair = Pair {
            client: self.client_conn()?,
            server: self.server_conn()?,
            wire: Vec::new(),
        };
        loop {
            let a = pump(&mut pair.client, &mut pair.server, &mut pair.wire)?;
            let b = pump(&mut pair.server, &mut pair.client, &mut pair.wire)?;
            if !a && !b {
                break;
            }
        }
        if pair.client.is_handshaking() || pair.server.is_handshaking() {
            return Err("raw rustls handshake did not complete".into());
        }
        if self.resume == Resume::No && pair.client.handshake_kind() != Some(HandshakeKind::Full) {
            return Err("raw rustls did not do a full handshake".into());
        }
        Ok(pair)
    }

    /// A handshake that must have resumed (the session store was primed earlier).
    pub fn resumed_handshake(&self) -> Result<Pair, String> {
        let pair = self.handshake()?;
        match pair.client.handshake_kind() {
            Some(HandshakeKind::Resumed) => Ok(pair),
            other => Err(format!(
                "raw rustls did not resume ({other:?}, {:?})",
                self.resume
            )),
        }
    }
}

impl Pair {
    /// The client writes `chunk` (one record); the server decrypts it into `out`.
    /// Returns the bytes delivered.
    pub fn send(&mut self, chunk: &[u8], out: &mut [u8]) -> Result<usize, String> {
        self.client.writer().write_all(chunk).map_err(err)?;
        pump(&mut self.client, &mut self.server, &mut self.wire)?;
        let mut got = 0;
        while got < chunk.len() {
            let n = self.server.reader().read(&mut out[got..]).map_err(err)?;
            if n == 0 {
                return Err("raw rustls server read returned 0".into());
            }
            got += n;
        }
        Ok(got)
    }

    /// Name of the negotiated suite (sanity checks).
    pub fn suite(&self) -> Option<String> {
        self.client
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
    }
}

/// Moves everything `from` wants to send into `to` and lets `to` process it.
/// Returns whether any bytes moved.
fn pump<A, B>(
    from: &mut ConnectionCommon<A>,
    to: &mut ConnectionCommon<B>,
    wire: &mut Vec<u8>,
) -> Result<bool, String> {
    wire.clear();
    while from.wants_write() {
        from.write_tls(wire).map_err(err)?;
    }
    let mut rest = &wire[..];
    while !rest.is_empty() {
        to.read_tls(&mut rest).map_err(err)?;
        to.process_new_packets().map_err(err)?;
    }
    Ok(!wire.is_empty())
}

fn err(e: impl std::fmt::Display) -> String {
    format!("raw rustls: {e}")
}
