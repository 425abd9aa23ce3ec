//! [`SslObject`]: CPython's `ssl.SSLObject` — a TLS connection over two
//! [`MemoryBio`]s, driven by the caller (what asyncio and other event loops use).

use crate::bio::MemoryBio;
use crate::context::SslContext;
use crate::engine::{Connection, Pull, TlsIo};
use crate::session::SslSession;
use crate::{Result, SslError};

/// A TLS connection over memory BIOs, like `ssl.SSLObject`; made by
/// [`SslContext::wrap_bio`].
///
/// All operations are non-blocking with CPython's outcomes: `SSLWantReadError`
/// (kind [`ErrorKind::WantRead`](crate::ErrorKind::WantRead)) when `incoming` has too
/// little data, `SSLEOFError` when `incoming` reached EOF without a close_notify.
#[derive(Debug)]
pub struct SslObject {
    conn: Connection,
    bios: BioPair,
}

/// The MemoryBio transport.
#[derive(Debug)]
struct BioPair {
    incoming: MemoryBio,
    outgoing: MemoryBio,
}

impl TlsIo for BioPair {
    fn pull(&mut self, conn: &mut Connection) -> Result<Pull> {
        match self.incoming.peek_state() {
            // Nothing there: answered without the lock.
            (0, false) => return Ok(Pull::WouldBlock),
            (0, true) => return Ok(Pull::Eof),
            _ => {}
        }
        let mut st = self.incoming.lock();
        if st.data().is_empty() {
            return Ok(if st.eof_written {
                Pull::Eof
            } else {
                Pull::WouldBlock
            });
        }
        let n = conn.feed(st.data())?;
        st.consume(n);
        Ok(if n == 0 { Pull::WouldBlock } else { Pull::Fed })
    }

    fn push(&mut self, conn: &mut Connection) -> Result<()> {
        if conn.wants_write() {
            let mut st = self.outgoing.lock();
            conn.write_tls(st.append_buf())?;
        }
        Ok(())
    }
}

impl SslObject {
    pub(crate) fn new(conn: Connection, incoming: MemoryBio, outgoing: MemoryBio) -> SslObject {
        SslObject {
            conn,
            bios: BioPair { incoming, outgoing },
        }
    }

    /// The engine connection underneath (for drivers and advanced use).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Mutable access to the engine connection.
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// `do_handshake()`.
    pub fn do_handshake(&mut self) -> Result<()> {
        self.conn.do_handshake(&mut self.bios)
    }

    /// `read(len)`: up to `len` decrypted bytes; empty after the peer's close_notify
    /// (as CPython returns `b''`), `SSLZeroReturnError` once both sides closed.
    pub fn read(&mut self, len: usize) -> Result<Vec<u8>> {
        let mut buf = vec![0u8; len];
        let n = self.read_into(&mut buf)?;
        buf.truncate(n);
        Ok(buf)
    }

    /// `read(len, buffer)`: decrypts straight into `buf`.
    pub fn read_into(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.conn.read(&mut self.bios, buf)
    }

    /// `write(data)`: encrypts all of `data` into `outgoing`.
    pub fn write(&mut self, data: &[u8]) -> Result<usize> {
        self.conn.write(&mut self.bios, data)
    }

    /// `pending()`: decrypted bytes ready to read.
    pub fn pending(&self) -> usize {
        self.conn.pending()
    }

    /// `unwrap()`: close_notify both ways; `SSLWantReadError` until the peer's arrives.
    pub fn unwrap(&mut self) -> Result<()> {
        self.conn.shutdown(&mut self.bios)
    }

    /// `version()`: `"TLSv1.2"` / `"TLSv1.3"`, None before the handshake.
    pub fn version(&self) -> Option<&'static str> {
        self.conn.version()
    }

    /// `cipher()`: `(name, protocol, secret bits)`.
    pub fn cipher(&self) -> Option<(String, String, u32)> {
        self.conn.cipher()
    }

    /// `shared_ciphers()`: on a server, the suites both sides support, in the server's
    /// preference order (as CPython lists them); None on clients and before the
    /// handshake.
    pub fn shared_ciphers(&self) -> Option<Vec<(String, String, u32)>> {
        if !self.conn.is_handshake_done() {
            return None;
        }
        let hello = self.conn.client_hello()?;
        let s = self.conn.context().settings();
        Some(
            crate::engine::suites::enabled_suites(&s)
                .into_iter()
                .filter(|ours| hello.cipher_suites.contains(&ours.suite()))
                .map(crate::engine::suites::describe)
                .collect(),
        )
    }

    /// `compression()`: always None (TLS compression is not supported).
    pub fn compression(&self) -> Option<String> {
        None
    }

    /// `selected_alpn_protocol()`.
    pub fn selected_alpn_protocol(&self) -> Option<String> {
        self.conn.selected_alpn_protocol()
    }

    /// `getpeercert()`: the peer certificate as a dict; `ValueError("handshake not
    /// done yet")` before the handshake, None without a peer certificate, and an empty
    /// dict when it was not verified (`CERT_NONE`), as CPython.
    pub fn getpeercert(&self) -> Result<Option<pyssl_cert::CertInfo>> {
        let Some(der) = self.getpeercert_der()? else {
            return Ok(None);
        };
        if self.conn.context().verify_mode() == crate::CERT_NONE {
            return Ok(Some(pyssl_cert::CertInfo::empty()));
        }
        Ok(Some(pyssl_cert::decode_cert(&der)?))
    }

    /// `getpeercert(binary_form=True)`: the peer certificate's DER.
    pub fn getpeercert_der(&self) -> Result<Option<Vec<u8>>> {
        if !self.conn.is_handshake_done() {
            return Err(SslError::value("handshake not done yet"));
        }
        Ok(self
            .conn
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| c.as_ref().to_vec()))
    }

    /// `get_verified_chain()`: the chain the verifier built (leaf … anchor), DER.
    pub fn get_verified_chain(&self) -> Vec<Vec<u8>> {
        crate::engine::verify::verified_chain(&self.conn)
    }

    /// `get_unverified_chain()`: the chain as the peer sent it, DER.
    pub fn get_unverified_chain(&self) -> Vec<Vec<u8>> {
        self.conn
            .peer_certificates()
            .map(|c| c.iter().map(|d| d.as_ref().to_vec()).collect())
            .unwrap_or_default()
    }

    /// `server_side`.
    pub fn server_side(&self) -> bool {
        self.conn.server_side()
    }

    /// `server_hostname` (A-label form).
    pub fn server_hostname(&self) -> Option<&str> {
        self.conn.server_hostname()
    }

    /// `context`.
    pub fn context(&self) -> SslContext {
        self.conn.context().clone()
    }

    /// Sets `context` (servers, before the ServerHello).
    pub fn set_context(&mut self, ctx: SslContext) -> Result<()> {
        self.conn.set_context(ctx)
    }

    /// `session`: None until session support lands (issue 5).
    pub fn session(&self) -> Option<SslSession> {
        self.conn.session()
    }

    /// Sets `session` for resumption (clients, before the handshake).
    pub fn set_session(&mut self, s: SslSession) -> Result<()> {
        self.conn.set_session(s)
    }

    /// `session_reused`.
    pub fn session_reused(&self) -> bool {
        self.conn
            .rustls()
            .and_then(|c| c.handshake_kind())
            .is_some_and(|k| k == rustls::HandshakeKind::Resumed)
    }

    /// `get_channel_binding(cb_type)`: `"tls-exporter"` (RFC 9266) after the handshake;
    /// `"tls-unique"` (RFC 5929) on TLS 1.2, None on TLS 1.3 (see the `channel_binding`
    /// module docs); None before the handshake; other types are CPython's `ValueError`.
    pub fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>> {
        crate::channel_binding::channel_binding(&self.conn, cb_type)
    }

    /// Whether the handshake has completed.
    pub fn is_handshake_done(&self) -> bool {
        self.conn.is_handshake_done()
    }
}
