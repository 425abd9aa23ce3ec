//! The sans-IO engine: one [`Connection`] type under both `SslObject` (memory BIOs)
//! and `SslSocket` (std sockets).
//!
//! The engine never does I/O itself. A driver implements [`TlsIo`] — "feed the
//! connection some incoming bytes" and "take the connection's outgoing bytes" — and calls
//! [`Connection::do_handshake`], [`Connection::read`], [`Connection::write`] and
//! [`Connection::shutdown`], which implement CPython's non-blocking semantics on top.
//! Incoming bytes go to rustls one TLS record at a time ([`Connection::feed`] consumes
//! at most up to the end of the current record), so nothing after a close_notify is
//! ever consumed.
//!
//! Server handshakes always go through [`rustls::server::Acceptor`]: the ServerConfig
//! is taken from the connection's context when the ClientHello has arrived (so the
//! context may still be switched until then), and ALPN is chosen there with OpenSSL's
//! rule (server preference among the client's offers; no overlap = no ALPN).

pub(crate) mod config;
mod hello;
mod records;
pub(crate) mod suites;
pub(crate) mod verify;

use std::io;

use rustls::pki_types::{CertificateDer, ServerName};
use rustls::server::Acceptor;

use crate::context::{SslContext, WrapOptions};
use crate::error::{from_rustls, map::Side};
use crate::session::SslSession;
use crate::{ErrorKind, Protocol, Result, SslError};
use records::{BadHeader, RecordSplitter};

/// How a driver answered "give the connection more input".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pull {
    /// Some bytes were fed (with [`Connection::feed`]).
    Fed,
    /// Nothing available now (non-blocking): the operation reports `SSLWantReadError`.
    WouldBlock,
    /// The transport reached EOF.
    Eof,
}

/// The transport side of a driver: moves bytes between the wire (or memory BIOs) and a
/// [`Connection`].
pub trait TlsIo {
    /// Feeds incoming bytes to `conn` with [`Connection::feed`] (any amount; the
    /// connection consumes at most one record per call — call again for more).
    fn pull(&mut self, conn: &mut Connection) -> Result<Pull>;
    /// Sends what [`Connection::write_tls`] produces. A non-blocking driver that cannot
    /// send everything returns `SSLWantWriteError` (kind `WantWrite`) and keeps the rest
    /// inside the connection.
    fn push(&mut self, conn: &mut Connection) -> Result<()>;
}

/// `$body` with `$c` bound to the rustls connection (client or server), else `$none`.
macro_rules! with_tls {
    ($state:expr, |$c:ident| $body:expr, $none:expr) => {
        match $state {
            State::Client($c) => $body,
            State::Server($c) => $body,
            _ => $none,
        }
    };
}

enum State {
    /// Created; rustls state is made at the first operation.
    New,
    /// Server waiting for the ClientHello.
    Accepting(Box<Acceptor>),
    /// A rustls client connection. (Boxed apart from servers' rather than as a
    /// `rustls::Connection`, whose size is the larger server's.)
    Client(Box<rustls::ClientConnection>),
    /// A rustls server connection (after the ClientHello).
    Server(Box<rustls::ServerConnection>),
    /// A fatal error happened (sticky: every later operation reports it).
    Failed(SslError),
}

/// One spent [`Acceptor`]'s box per thread (`crate::spare`), reused by the next server
/// connection made there: the Acceptor (over 1 KiB, past the allocator's small-size
/// caches) is then not allocated and freed per handshake. A spent Acceptor owns no
/// other memory (its connection moved on with the `Accepted`).
mod spare_acceptor {
    use crate::spare::{self, Slot};
    use rustls::server::Acceptor;
    use std::cell::Cell;

    thread_local! {
        static SPARE: Slot<Box<Acceptor>> = const { Cell::new(None) };
    }

    /// A fresh Acceptor, in the spare box if there is one.
    pub(super) fn take() -> Box<Acceptor> {
        spare::boxed(&SPARE, Acceptor::default())
    }

    /// Keeps the box of an Acceptor that has accepted (the thread's one spare).
    pub(super) fn put(spent: Box<Acceptor>) {
        spare::keep(&SPARE, spent);
    }
}

/// What the server learned from the ClientHello.
#[derive(Debug, Clone, Default)]
pub struct HelloInfo {
    /// The SNI server name the client sent, if any.
    pub server_name: Option<String>,
    /// The cipher suites the client offered (IANA ids), in its order.
    pub cipher_suites: Vec<rustls::CipherSuite>,
    /// The ALPN protocols the client offered.
    pub alpn: Vec<Vec<u8>>,
}

/// One TLS connection, sans I/O. See the [module docs](self).
pub struct Connection {
    ctx: SslContext,
    server_side: bool,
    /// `server_hostname` and what a server keeps of the ClientHello (see [`Aux`]).
    aux: Aux,
    session: Option<SslSession>,
    state: State,
    records: RecordSplitter,
    /// Outgoing bytes produced outside rustls' own buffer (alerts from the Acceptor).
    out: Out,
    sent_close: bool,
    received_close: bool,
    plain_pending: usize,
    /// Client: the session values this connection received (`session_store`).
    received: Option<std::sync::Arc<crate::session_store::ClientStore>>,
    /// Whether the completed handshake was counted in `session_stats()`.
    counted: bool,
    /// tls-unique (`crate::tls_unique`): the handshake followed both ways, then what
    /// a TLS 1.2 handshake leaves for it.
    tls_unique: crate::tls_unique::Tracker,
}

/// The `server_hostname` given at creation (A-label) and, on a server once the
/// ClientHello arrived, the facts behind [`Connection::client_hello`] (`hello::pack`),
/// after a copy of that hostname (a u32 length first, `u32::MAX` for none). One field
/// for what would otherwise be two in every connection.
#[derive(Default)]
enum Aux {
    #[default]
    None,
    Host(Box<str>),
    Hello(Box<[u8]>),
}

impl Aux {
    fn new(host: Option<Box<str>>) -> Aux {
        host.map_or(Aux::None, Aux::Host)
    }

    /// (server_hostname, packed ClientHello facts — empty until they are added).
    fn split(&self) -> (Option<&str>, &[u8]) {
        match self {
            Aux::None => (None, &[]),
            Aux::Host(h) => (Some(h), &[]),
            Aux::Hello(b) => {
                let len = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                if len == u32::MAX {
                    return (None, &b[4..]);
                }
                let (host, rest) = b[4..].split_at(len as usize);
                // Copied from a `str`.
                (std::str::from_utf8(host).ok(), rest)
            }
        }
    }

    fn host(&self) -> Option<&str> {
        match self {
            Aux::Host(h) => Some(h),
            Aux::None => None,
            Aux::Hello(_) => self.split().0,
        }
    }

    /// Adds the packed ClientHello facts (see [`hello::pack`]).
    fn add_hello<'a, I: Iterator<Item = &'a [u8]>>(
        &mut self,
        server_name: Option<&str>,
        cipher_suites: &[rustls::CipherSuite],
        alpn: impl Fn() -> I,
    ) {
        let host_len = self.host().map_or(0, str::len);
        let packed = hello::packed_len(server_name, cipher_suites, alpn());
        let mut b = Vec::with_capacity(4 + host_len + packed);
        match self.host() {
            Some(h) => {
                b.extend_from_slice(&(h.len() as u32).to_be_bytes());
                b.extend_from_slice(h.as_bytes());
            }
            None => b.extend_from_slice(&u32::MAX.to_be_bytes()),
        }
        hello::pack(server_name, cipher_suites, alpn, &mut b);
        *self = Aux::Hello(b.into_boxed_slice());
    }
}

/// The recorded ClientHello's body, read (servers, while the handshake is followed;
/// nothing found when it is not there or malformed). The PSK identities are looked
/// for only when settings `s` allow TLS 1.3. `fed`: the bytes of the `feed` that
/// completed the ClientHello (the recorder notes where it lies there when it came whole).
fn raw_hello<'a>(
    t: &'a crate::tls_unique::Tracker,
    s: &crate::context::Settings,
    fed: &'a [u8],
) -> hello::RawHello<'a> {
    match t {
        crate::tls_unique::Tracker::Recording(r) => r.client_hello_body(fed),
        _ => None,
    }
    .and_then(|body| hello::RawHello::parse(body, config::allows(s, true)))
    .unwrap_or_default()
}

/// For a server's ClientHello under settings `s` of `ctx`: the ALPN protocol chosen
/// with OpenSSL's rule (server preference among the client's offers), and whether a
/// TLS 1.3 resumption will be accepted — it gets OpenSSL's one ticket, not
/// `num_tickets` (the context's sessions decide: the SNI callback may have switched it).
fn negotiate<'a, 'b, I: Iterator<Item = &'a [u8]>>(
    ctx: &SslContext,
    s: &crate::context::Settings,
    alpn: impl Fn() -> I,
    mut psk_identities: impl Iterator<Item = &'b [u8]>,
) -> (Option<Vec<u8>>, bool) {
    let chosen = s
        .alpn
        .iter()
        .find(|p| alpn().any(|offer| offer == p.as_slice()))
        .cloned();
    let tickets_on = !s.options.contains(crate::OP_NO_TICKET);
    let sessions = &ctx.shared.sessions;
    let resumed = psk_identities.any(|id| sessions.knows_tls13_identity(id, tickets_on));
    (chosen, resumed)
}

/// Outgoing bytes produced outside rustls' own buffer (rare: alerts), boxed so that a
/// connection without any pays one pointer.
#[derive(Default)]
#[allow(clippy::box_collection)] // deliberate: one word inline instead of a `Vec`'s three
struct Out(Option<Box<Vec<u8>>>);

impl Out {
    fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|v| v.is_empty())
    }

    fn extend_from_slice(&mut self, data: &[u8]) {
        self.0
            .get_or_insert_with(Box::default)
            .extend_from_slice(data);
    }
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("server_side", &self.server_side)
            .field("server_hostname", &self.server_hostname())
            .field("handshake_done", &self.is_handshake_done())
            .finish_non_exhaustive()
    }
}

/// Where rustls and OpenSSL send different fatal alerts for the same failure, rewrites
/// the (still plaintext) alert record rustls just produced into OpenSSL's, so peers see
/// what a CPython/OpenSSL endpoint would send:
/// - a server missing a required client certificate in TLS 1.2: rustls sends
///   certificate_required (a TLS 1.3 alert), OpenSSL handshake_failure;
/// - no certificate/suite usable for the client: rustls access_denied, OpenSSL
///   handshake_failure.
fn openssl_alert(buf: &mut [u8], e: &SslError) {
    let (from, to) = match e.reason() {
        Some("PEER_DID_NOT_RETURN_A_CERTIFICATE") => (116, 40),
        Some("NO_SHARED_CIPHER") => (49, 40),
        _ => return,
    };
    let n = buf.len();
    if n >= 7 && buf[n - 7] == 21 && buf[n - 6] == 3 && buf[n - 4..] == [0, 2, 2, from] {
        buf[n - 1] = to;
    }
}

/// Validates and converts `server_hostname` as CPython does (A-labels for IDNs).
pub(crate) fn normalize_hostname(name: &str) -> Result<String> {
    if name.is_empty() {
        return Err(SslError::value(
            "server_hostname cannot be an empty string or start with a leading dot.",
        ));
    }
    if name.is_ascii() && ascii_labels_ok(name) {
        return Ok(name.to_owned());
    }
    let encode_error = |pos: usize, ch: char| {
        SslError::from(pyssl_cert::CertError::other(
            "UnicodeEncodeError",
            format!(
                "'idna' codec can't encode character '\\x{:02x}' in position {pos}: label empty",
                ch as u32
            ),
        ))
    };
    // Python's idna codec rejects empty labels (a trailing dot is allowed) and, on its
    // ASCII fast path, labels of 64 characters or more.
    let trimmed = name.strip_suffix('.').unwrap_or(name);
    let mut pos = 0;
    for label in trimmed.split('.') {
        if label.is_empty() {
            return Err(encode_error(pos, '.'));
        }
        pos += label.chars().count() + 1;
    }
    if name.is_ascii() {
        let mut pos = 0;
        for label in name.split('.') {
            if label.len() >= 64 {
                return Err(SslError::from(pyssl_cert::CertError::other(
                    "UnicodeEncodeError",
                    format!(
                        "'idna' codec can't encode characters in position {pos}-{}: label too long",
                        pos + label.len() - 1
                    ),
                )));
            }
            pos += label.len() + 1;
        }
        return Ok(name.to_owned());
    }
    // Python's codec is IDNA 2003 (nameprep + punycode), not UTS 46: see `crate::idna2003`.
    crate::idna2003::to_ascii(name).map_err(|()| {
        SslError::from(pyssl_cert::CertError::other(
            "UnicodeEncodeError",
            format!("'idna' codec can't encode server_hostname {name:?}"),
        ))
    })
}

/// The common case of [`normalize_hostname`] in one pass: ASCII labels, none empty
/// (a trailing dot aside), none of 64 characters or more. Anything else takes the
/// checks that name the error.
fn ascii_labels_ok(name: &str) -> bool {
    let mut run = 0usize;
    for &c in name.strip_suffix('.').unwrap_or(name).as_bytes() {
        if c == b'.' {
            if run == 0 {
                return false;
            }
            run = 0;
        } else {
            run += 1;
            if run >= 64 {
                return false;
            }
        }
    }
    run > 0
}

/// Whether the verifier, told nothing, checks exactly `host`: the text of rustls'
/// `ServerName` for it, which is the name itself for a DNS name without a trailing dot
/// (rustls drops one; IP addresses are re-rendered). Names whose last label starts with a
/// digit may be IP addresses and take the exact hand-over.
fn verifier_reads_same(host: &str) -> bool {
    let b = host.as_bytes();
    let last = b.iter().rposition(|&c| c == b'.').map_or(0, |dot| dot + 1);
    b.get(last).is_some_and(|c| !c.is_ascii_digit()) && !b.contains(&b':')
}

/// CPython's checks of a session set on a connection (besides "after handshake").
fn check_session(server_side: bool, ctx: &SslContext, s: &SslSession) -> Result<()> {
    if server_side {
        return Err(SslError::value(
            "Cannot set session for server-side SSLSocket.",
        ));
    }
    if s.inner.context_id != ctx.id() {
        return Err(SslError::value("Session refers to a different SSLContext."));
    }
    Ok(())
}

impl Connection {
    /// A connection for `ctx` with `wrap_bio`'s / `wrap_socket`'s arguments, checked as
    /// CPython checks them.
    #[inline]
    pub fn new(ctx: &SslContext, opts: WrapOptions) -> Result<Connection> {
        let protocol = ctx.protocol();
        if opts.server_side && protocol == Protocol::TlsClient {
            return Err(SslError::new(
                ErrorKind::Ssl,
                "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
            ));
        }
        if !opts.server_side && protocol == Protocol::TlsServer {
            return Err(SslError::new(
                ErrorKind::Ssl,
                "Cannot create a client socket with a PROTOCOL_TLS_SERVER context",
            ));
        }
        let server_hostname = match opts.server_hostname {
            // What `normalize_hostname` returns unchanged: the caller's string is kept.
            Some(h) if h.is_ascii() && ascii_labels_ok(&h) => Some(h.into_boxed_str()),
            Some(h) => Some(normalize_hostname(&h)?.into_boxed_str()),
            None => None,
        };
        if let Some(session) = &opts.session {
            check_session(opts.server_side, ctx, session)?;
        }
        // Built in place (no checks after it): no copy of the connection on return.
        Ok(Connection {
            ctx: ctx.clone(),
            server_side: opts.server_side,
            aux: Aux::new(server_hostname),
            session: opts.session,
            state: State::New,
            records: RecordSplitter::default(),
            out: Out::default(),
            sent_close: false,
            received_close: false,
            plain_pending: 0,
            received: None,
            counted: false,
            tls_unique: crate::tls_unique::Tracker::new(opts.server_side),
        })
    }

    // ----- accessors ---------------------------------------------------------------

    /// Whether this is the server end.
    pub fn server_side(&self) -> bool {
        self.server_side
    }

    /// The (A-label) server hostname given at creation (clients).
    pub fn server_hostname(&self) -> Option<&str> {
        self.aux.host()
    }

    /// The context this connection uses.
    pub fn context(&self) -> &SslContext {
        &self.ctx
    }

    /// Switches the context. Allowed until the server has processed the ClientHello
    /// (CPython allows it on servers, e.g. from an SNI callback); clients only before
    /// the first operation.
    pub fn set_context(&mut self, ctx: SslContext) -> Result<()> {
        match self.state {
            State::New | State::Accepting(_) => {
                self.ctx = ctx;
                Ok(())
            }
            _ => Err(SslError::value(
                "the context can only be changed before the handshake uses it",
            )),
        }
    }

    /// What the server saw in the ClientHello (None on clients / before it arrived).
    /// Built on each call from the few bytes the connection keeps.
    pub fn client_hello(&self) -> Option<HelloInfo> {
        match self.aux.split().1 {
            [] => None,
            packed => Some(hello::unpack(packed)),
        }
    }

    /// `session`: on a client after the handshake, a handle on what this connection
    /// received (see `session_store`); before it, the session set for resumption.
    pub fn session(&self) -> Option<SslSession> {
        if !self.server_side && self.is_handshake_done() {
            return Some(crate::session_store::session_of(
                self.received.as_ref(),
                self.ctx.id(),
            ));
        }
        self.session.clone()
    }

    /// tls-unique (RFC 5929) of a completed TLS 1.2 handshake.
    pub(crate) fn tls_unique(&self) -> Option<Vec<u8>> {
        self.tls_unique.value()
    }

    /// `session_stats()` bookkeeping: a handshake started / completed.
    fn count_handshake(&mut self, done: bool) {
        let st = &self.ctx.shared.sessions.stats;
        let bump = |a: &std::sync::atomic::AtomicU64| {
            a.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        };
        match (self.server_side, done) {
            (false, false) => bump(&st.connect),
            (true, false) => bump(&st.accept),
            (false, true) => bump(&st.connect_good),
            (true, true) => {
                bump(&st.accept_good);
                let resumed = self
                    .rustls()
                    .and_then(|c| c.handshake_kind())
                    .is_some_and(|k| k == rustls::HandshakeKind::Resumed);
                if resumed {
                    bump(&st.hits);
                }
            }
        }
    }

    /// Sets the session to resume (clients, before the handshake).
    pub fn set_session(&mut self, s: SslSession) -> Result<()> {
        if !self.server_side && !matches!(self.state, State::New) {
            return Err(SslError::value("Cannot set session after handshake."));
        }
        check_session(self.server_side, &self.ctx, &s)?;
        self.session = Some(s);
        Ok(())
    }

    /// The rustls connection's state (client or server).
    pub(crate) fn rustls(&self) -> Option<&rustls::CommonState> {
        with_tls!(&self.state, |c| Some(c), None)
    }

    /// Whether the handshake has completed.
    pub fn is_handshake_done(&self) -> bool {
        self.rustls().is_some_and(|c| !c.is_handshaking())
    }

    /// Whether the peer's close_notify has been received.
    pub fn received_close_notify(&self) -> bool {
        self.received_close
    }

    /// Whether our close_notify has been queued.
    pub fn sent_close_notify(&self) -> bool {
        self.sent_close
    }

    /// Decrypted bytes waiting to be read (`SSLObject.pending()`).
    pub fn pending(&self) -> usize {
        self.plain_pending
    }

    /// Whether outgoing TLS bytes are waiting for [`write_tls`](Self::write_tls).
    pub fn wants_write(&self) -> bool {
        !self.out.is_empty() || self.rustls().is_some_and(|c| c.wants_write())
    }

    /// Whether the connection wants more input for the operation in progress.
    pub fn wants_read(&self) -> bool {
        match &self.state {
            State::Accepting(_) => true,
            State::Client(c) => c.wants_read(),
            State::Server(c) => c.wants_read(),
            _ => false,
        }
    }

    /// The sticky fatal error, if the connection has failed.
    pub fn error(&self) -> Option<&SslError> {
        match &self.state {
            State::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The negotiated version, e.g. `"TLSv1.3"`.
    pub fn version(&self) -> Option<&'static str> {
        if !self.is_handshake_done() {
            return None;
        }
        match self.rustls()?.protocol_version()? {
            rustls::ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            rustls::ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            _ => None,
        }
    }

    /// `(name, protocol, secret bits)` of the negotiated suite.
    pub fn cipher(&self) -> Option<(String, String, u32)> {
        if !self.is_handshake_done() {
            return None;
        }
        Some(suites::describe(self.rustls()?.negotiated_cipher_suite()?))
    }

    /// The negotiated ALPN protocol.
    pub fn selected_alpn_protocol(&self) -> Option<String> {
        let p = self.rustls()?.alpn_protocol()?;
        Some(String::from_utf8_lossy(p).into_owned())
    }

    /// The peer's certificate chain as sent (leaf first).
    pub fn peer_certificates(&self) -> Option<&[CertificateDer<'static>]> {
        self.rustls()?.peer_certificates()
    }

    /// Exports keying material (RFC 5705 / 8446), for channel bindings.
    pub fn export_keying_material(
        &self,
        out: &mut [u8],
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<()> {
        with_tls!(
            &self.state,
            |c| c.export_keying_material(out, label, context),
            return Err(SslError::value("handshake not done yet"))
        )
        .map(|_| ())
        .map_err(|e| self.map_err(&e))
    }

    // ----- low-level sans-IO steps -------------------------------------------------

    fn side(&self) -> Side {
        if self.server_side {
            Side::Server
        } else {
            Side::Client
        }
    }

    fn map_err(&self, e: &rustls::Error) -> SslError {
        from_rustls(e, self.side())
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, e: SslError) -> SslError {
        // Keep the rustls connection only long enough to flush its alert.
        let mut buf = Vec::new();
        with_tls!(
            &mut self.state,
            |c| {
                while c.wants_write() {
                    match c.write_tls(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                }
            },
            ()
        );
        openssl_alert(&mut buf, &e);
        self.out.extend_from_slice(&buf);
        self.state = State::Failed(e.clone());
        e
    }

    /// Creates the rustls state on first use (client: the ClientHello is queued).
    #[inline]
    pub fn start(&mut self) -> Result<()> {
        match &self.state {
            State::New => self.create(),
            State::Failed(e) => Err(e.clone()),
            _ => Ok(()),
        }
    }

    /// [`start`](Self::start) on a new connection.
    #[inline(never)]
    fn create(&mut self) -> Result<()> {
        self.count_handshake(false);
        if self.server_side {
            self.state = State::Accepting(spare_acceptor::take());
            return Ok(());
        }
        let built = self
            .ctx
            .client_config(self.aux.host().is_some())
            .and_then(|cfg| {
                let name = match self.aux.host() {
                    Some(h) => ServerName::try_from(h)
                        .map(|n| n.to_owned())
                        .map_err(|_| SslError::value(format!("invalid server_hostname {h:?}")))?,
                    // No SNI is sent (enable_sni is off); the verifier skips the name check.
                    _ => ServerName::try_from("pyssl.invalid").expect("valid placeholder"),
                };
                // Resumption only from an explicitly set session (issue 5).
                crate::session_store::resume_scope(self.session.as_ref(), || {
                    rustls::ClientConnection::new(cfg, name)
                })
                .map_err(|e| from_rustls(&e, Side::Client))
            });
        match built {
            Ok(mut c) => {
                c.set_buffer_limit(None);
                self.state = State::Client(Box::new(c));
                Ok(())
            }
            Err(e) => Err(self.config_failed(e)),
        }
    }

    /// No config (or no client connection) could be made: fatal. OpenSSL answers an
    /// empty version range with a fatal protocol_version alert.
    #[cold]
    #[inline(never)]
    fn config_failed(&mut self, e: SslError) -> SslError {
        if e.reason() == Some("NO_PROTOCOLS_AVAILABLE") {
            self.out.extend_from_slice(&[21, 3, 3, 0, 2, 2, 70]);
        }
        self.fail(e)
    }

    /// Feeds incoming TLS bytes. Consumes at most up to the end of the current TLS
    /// record and returns how many bytes were consumed (0: the connection takes no
    /// more input now — after the peer's close_notify, or while decrypted data waits
    /// to be read). Errors are fatal and sticky; an alert may then be queued for
    /// [`write_tls`](Self::write_tls).
    pub fn feed(&mut self, data: &[u8]) -> Result<usize> {
        self.feed_records(data, false)
    }

    /// [`feed`](Self::feed) for stream drivers: once the handshake is done, a complete
    /// record that was not the peer's close_notify is taken together with the next
    /// record's 5-byte header when that is there. rustls then keeps its receive buffer
    /// instead of shrinking it after every record and regrowing it zeroed 4 KiB per read
    /// (what a raw rustls stream avoids by reading records in arbitrary pieces). Nothing
    /// after a close_notify is taken; nothing is decrypted early. Memory-BIO users keep
    /// exact record boundaries (`MemoryBio::pending` as in CPython).
    pub fn feed_stream(&mut self, data: &[u8]) -> Result<usize> {
        self.feed_records(data, true)
    }

    /// Input that is not TLS: OpenSSL's error, and no alert.
    #[cold]
    #[inline(never)]
    fn bad_header(&mut self, bad: BadHeader) -> SslError {
        let e = match bad {
            BadHeader::WrongVersion { http: true }
                if self.server_side && self.records.is_fresh() =>
            {
                SslError::ssl(ErrorKind::Ssl, "SSL", "HTTP_REQUEST")
            }
            BadHeader::WrongVersion { .. } => {
                SslError::ssl(ErrorKind::Ssl, "SSL", "WRONG_VERSION_NUMBER")
            }
            BadHeader::TooLong => SslError::ssl(ErrorKind::Ssl, "SSL", "PACKET_LENGTH_TOO_LONG"),
        };
        self.state = State::Failed(e.clone());
        e
    }

    fn feed_records(&mut self, data: &[u8], header_ahead: bool) -> Result<usize> {
        self.start()?;
        if data.is_empty() || self.received_close {
            return Ok(0);
        }
        let mut limit = match self.records.next(data) {
            Ok(limit) => limit,
            Err(bad) => return Err(self.bad_header(bad)),
        };
        let done = self.is_handshake_done();
        if !done {
            // Whole handshake/ChangeCipherSpec records right behind go in one
            // `process_new_packets` (a TLS 1.2 flight); application data, alerts and
            // anything after the handshake still go one record at a time.
            limit += records::whole_handshake_records(&data[limit..]);
        }
        let ahead = if header_ahead
            && data.len() >= limit + 5
            && done
            && !matches!(self.tls_unique, crate::tls_unique::Tracker::Recording(_))
            && matches!(data[limit..limit + 5], [ct, 3, _, hi, lo]
                if (20..=24).contains(&ct) && usize::from(u16::from_be_bytes([hi, lo])) <= 18432)
        {
            5
        } else {
            0
        };
        let mut rd = &data[..limit + ahead];
        // rustls takes at most 4 KiB per `read_tls`: hand it the whole record (or all of it
        // that is here) before processing, so a 16 KiB record costs one
        // `process_new_packets`, not five.
        let mut consumed = 0;
        while !rd.is_empty() {
            let n = match &mut self.state {
                State::Accepting(acc) => acc.read_tls(&mut rd),
                State::Client(c) => c.read_tls(&mut rd),
                State::Server(c) => c.read_tls(&mut rd),
                _ => return Ok(0),
            };
            match n {
                Ok(0) => break,
                Ok(n) => consumed += n,
                // rustls' buffers are full: the caller must read plaintext first.
                Err(e) if e.kind() == io::ErrorKind::Other => break,
                Err(e) => return Err(self.fail(SslError::from(e))),
            }
        }
        self.records.advance(&data[..consumed]);
        if let crate::tls_unique::Tracker::Recording(r) = &mut self.tls_unique {
            r.observe(self.server_side, &data[..consumed]);
        }
        self.process(&data[..consumed])?;
        if self.received_close {
            // The header after a close_notify stays the caller's (rustls takes nothing
            // after it and never processes the piece it holds).
            consumed = consumed.min(limit);
        }
        Ok(consumed)
    }

    /// Runs rustls on what was fed (`fed`: those bytes, for the ClientHello).
    fn process(&mut self, fed: &[u8]) -> Result<()> {
        let processed = match &mut self.state {
            State::Accepting(acc) => {
                return match acc.accept() {
                    Ok(None) => Ok(()),
                    Ok(Some(accepted)) => self.accepted(accepted, fed),
                    Err((e, alert)) => Err(self.accept_failed(&e, alert, true)),
                };
            }
            // The verifier checks the name exactly as given: told it only where rustls'
            // `ServerName` reads differently (a trailing dot, an IP address), and only
            // until the chain was verified (or taken from a resumed session).
            // Session values arrive in this connection's `received` (issue 5).
            State::Client(c) => {
                let host = self.aux.host();
                crate::session_store::client_scope(&mut self.received, || {
                    if c.is_handshaking()
                        && c.peer_certificates().is_none()
                        && host.is_some_and(|h| !verifier_reads_same(h))
                    {
                        crate::verifier::PyVerifier::with_server_hostname(host, || {
                            c.process_new_packets()
                        })
                    } else {
                        c.process_new_packets()
                    }
                })
            }
            State::Server(c) => c.process_new_packets(),
            _ => return Ok(()),
        };
        match processed {
            Ok(st) => {
                self.plain_pending = st.plaintext_bytes_to_read();
                if st.peer_has_closed() {
                    self.received_close = true;
                }
                let c: &rustls::CommonState = match &self.state {
                    State::Client(c) => c,
                    State::Server(c) => c,
                    _ => return Ok(()),
                };
                let (needed, done) = (crate::tls_unique::still_needed(c), !c.is_handshaking());
                if !needed {
                    self.tls_unique.stop();
                } else if done && !self.counted {
                    self.tls_unique = std::mem::take(&mut self.tls_unique).finish(c);
                } else if let crate::tls_unique::Tracker::Recording(r) = &mut self.tls_unique {
                    r.learn(c);
                }
                if !self.counted && done {
                    self.counted = true;
                    self.count_handshake(true);
                }
                Ok(())
            }
            Err(e) => Err(self.rustls_failed(&e)),
        }
    }

    /// A rustls error from processing: fatal.
    #[cold]
    #[inline(never)]
    fn rustls_failed(&mut self, e: &rustls::Error) -> SslError {
        let e = from_rustls(e, self.side());
        self.fail(e)
    }

    /// The Acceptor (`in_hello`: reading the ClientHello) or `into_connection` failed:
    /// queues the alert rustls made (OpenSSL's where they differ) and fails.
    #[cold]
    #[inline(never)]
    fn accept_failed(
        &mut self,
        e: &rustls::Error,
        mut alert: rustls::server::AcceptedAlert,
        in_hello: bool,
    ) -> SslError {
        let e = from_rustls(e, Side::Server);
        let mut buf = Vec::new();
        let _ = alert.write_all(&mut buf);
        if in_hello && buf.is_empty() && e.reason() == Some("UNEXPECTED_MESSAGE") {
            // rustls' Acceptor sends nothing for a malformed ClientHello;
            // OpenSSL sends a fatal unexpected_message alert.
            buf.extend_from_slice(&[21, 3, 3, 0, 2, 2, 10]);
        }
        openssl_alert(&mut buf, &e);
        self.out.extend_from_slice(&buf);
        self.fail(e)
    }

    /// The ClientHello has arrived: pick ALPN, build/reuse the ServerConfig, continue.
    /// `fed`: the bytes whose `feed` completed the ClientHello.
    fn accepted(&mut self, accepted: rustls::server::Accepted, fed: &[u8]) -> Result<()> {
        let hello = accepted.client_hello();
        let alpn = || hello.alpn().into_iter().flatten();
        let (chosen, resumed) = {
            let s = self.ctx.settings();
            let raw = raw_hello(&self.tls_unique, &s, fed);
            // rustls hands out the name lower-cased; CPython reports it as the client sent it.
            let server_name = hello.server_name().map(|lower| {
                raw.server_name
                    .filter(|sent| sent.eq_ignore_ascii_case(lower))
                    .unwrap_or(lower)
            });
            // Packed straight from the borrowed hello: no owned copies per handshake.
            self.aux.add_hello(server_name, hello.cipher_suites(), alpn);
            if s.extras.sni_callback.is_none() {
                negotiate(&self.ctx, &s, alpn, raw.psk_identities())
            } else {
                // The SNI callback (issue 5, `crate::sni`) may switch the context or abort.
                let name = server_name.map(str::to_owned);
                drop(s);
                self.run_sni_callback(name.as_deref())?;
                let s = self.ctx.settings();
                let raw = raw_hello(&self.tls_unique, &s, fed);
                negotiate(&self.ctx, &s, alpn, raw.psk_identities())
            }
        };
        let config = match self.ctx.server_config(chosen.as_deref(), resumed) {
            Ok(c) => c,
            Err(e) => return Err(self.config_failed(e)),
        };
        match accepted.into_connection(config) {
            Ok(mut conn) => {
                conn.set_buffer_limit(None);
                let spent = std::mem::replace(&mut self.state, State::Server(Box::new(conn)));
                if let State::Accepting(acceptor) = spent {
                    spare_acceptor::put(acceptor);
                }
                self.process(&[])
            }
            Err((e, alert)) => Err(self.accept_failed(&e, alert, false)),
        }
    }

    /// Runs the context's SNI callback; an abort queues its alert and fails.
    #[cold]
    #[inline(never)]
    fn run_sni_callback(&mut self, name: Option<&str>) -> Result<()> {
        if let crate::sni::SniOutcome::Abort(alert, e) = crate::sni::run(self, name) {
            self.out.extend_from_slice(&crate::sni::alert_record(alert));
            return Err(self.fail(e));
        }
        Ok(())
    }

    /// Moves outgoing TLS bytes into `wr`. Returns the number of bytes written.
    pub fn write_tls(&mut self, wr: &mut dyn io::Write) -> io::Result<usize> {
        let mut n = 0;
        if let Some(out) = &mut self.out.0 {
            let k = wr.write(out)?;
            out.drain(..k);
            n += k;
            if !out.is_empty() {
                return Ok(n);
            }
            self.out.0 = None;
        }
        let from_client = !self.server_side;
        let mut recorder = match &mut self.tls_unique {
            crate::tls_unique::Tracker::Recording(r) => Some(r),
            _ => None,
        };
        with_tls!(
            &mut self.state,
            |c| {
                while c.wants_write() {
                    let k = match &mut recorder {
                        Some(r) => c.write_tls(&mut crate::tls_unique::Tee {
                            inner: wr,
                            rec: r,
                            from_client,
                        })?,
                        None => c.write_tls(wr)?,
                    };
                    if k == 0 {
                        break;
                    }
                    n += k;
                }
            },
            ()
        );
        Ok(n)
    }

    /// Reads decrypted bytes straight into `buf` (no I/O). `Ok(None)`: nothing
    /// decrypted yet; `Ok(Some(0))`: the peer sent close_notify.
    pub fn read_plaintext(&mut self, buf: &mut [u8]) -> Result<Option<usize>> {
        let read = with_tls!(
            &mut self.state,
            |c| io::Read::read(&mut c.reader(), buf),
            return Ok(None)
        );
        match read {
            Ok(n) => {
                self.plain_pending = self.plain_pending.saturating_sub(n);
                Ok(Some(n))
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(SslError::from(e)),
        }
    }

    /// Encrypts `data` (queued for [`write_tls`](Self::write_tls)); no I/O.
    pub fn write_plaintext(&mut self, data: &[u8]) -> Result<usize> {
        if self.sent_close {
            return Err(SslError::ssl(ErrorKind::Ssl, "SSL", "PROTOCOL_IS_SHUTDOWN"));
        }
        with_tls!(
            &mut self.state,
            |c| io::Write::write_all(&mut c.writer(), data)?,
            return Err(SslError::value("handshake not done yet"))
        );
        Ok(data.len())
    }

    /// Queues our close_notify.
    pub fn send_close_notify(&mut self) {
        if !self.sent_close {
            with_tls!(&mut self.state, |c| c.send_close_notify(), ());
        }
        self.sent_close = true;
    }

    // ----- CPython semantics over a TlsIo ------------------------------------------

    fn pull_or(&mut self, io: &mut dyn TlsIo) -> Result<Pull> {
        match io.pull(self) {
            Ok(p) => Ok(p),
            Err(e) => {
                // Flush a queued alert before reporting the error.
                let _ = io.push(self);
                Err(e)
            }
        }
    }

    /// `do_handshake()`: runs the handshake as far as the input allows.
    pub fn do_handshake(&mut self, io: &mut dyn TlsIo) -> Result<()> {
        if let Err(e) = self.start() {
            let _ = io.push(self);
            return Err(e);
        }
        loop {
            io.push(self)?;
            if self.is_handshake_done() {
                return Ok(());
            }
            match self.pull_or(io)? {
                Pull::Fed => {}
                Pull::WouldBlock => return Err(SslError::want_read()),
                Pull::Eof => return Err(self.eof_error()),
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn eof_error(&mut self) -> SslError {
        let e = SslError::unexpected_eof();
        self.state = State::Failed(e.clone());
        e
    }

    /// `read(len)` / `read_into(buf)`: decrypted bytes, `Ok(0)` after the peer's
    /// close_notify (while ours is unsent, as CPython), `SSLZeroReturnError` once both
    /// were exchanged.
    pub fn read(&mut self, io: &mut dyn TlsIo, buf: &mut [u8]) -> Result<usize> {
        if let Some(e) = self.error() {
            return Err(e.clone());
        }
        if !self.is_handshake_done() {
            self.do_handshake(io)?;
        }
        loop {
            if !buf.is_empty() || self.received_close {
                if let Some(n) = self.read_plaintext(buf)? {
                    if n > 0 || buf.is_empty() {
                        return Ok(n);
                    }
                    // close_notify received and nothing buffered.
                    if self.sent_close {
                        return Err(SslError::zero_return());
                    }
                    return Ok(0);
                }
            } else {
                return Ok(0);
            }
            match self.pull_or(io)? {
                Pull::Fed => io.push(self)?,
                Pull::WouldBlock => return Err(SslError::want_read()),
                Pull::Eof => return Err(self.eof_error()),
            }
        }
    }

    /// `write(data)`: encrypts everything and pushes it out.
    pub fn write(&mut self, io: &mut dyn TlsIo, data: &[u8]) -> Result<usize> {
        if let Some(e) = self.error() {
            return Err(e.clone());
        }
        if !self.is_handshake_done() {
            self.do_handshake(io)?;
        }
        if data.is_empty() {
            return Ok(0);
        }
        let n = self.write_plaintext(data)?;
        io.push(self)?;
        Ok(n)
    }

    /// `unwrap()`: sends our close_notify and waits for the peer's
    /// (`SSLWantReadError` until it arrives). Bytes after it stay unread.
    pub fn shutdown(&mut self, io: &mut dyn TlsIo) -> Result<()> {
        if let Some(e) = self.error() {
            return Err(e.clone());
        }
        if !self.is_handshake_done() {
            return Err(SslError::ssl(
                ErrorKind::Ssl,
                "SSL",
                "SHUTDOWN_WHILE_IN_INIT",
            ));
        }
        self.send_close_notify();
        io.push(self)?;
        loop {
            if self.received_close {
                return Ok(());
            }
            let before = self.plain_pending;
            match self.pull_or(io)? {
                Pull::Fed => {
                    if self.plain_pending > before {
                        return Err(SslError::ssl(
                            ErrorKind::Ssl,
                            "SSL",
                            "APPLICATION_DATA_AFTER_CLOSE_NOTIFY",
                        ));
                    }
                    io.push(self)?;
                }
                Pull::WouldBlock => return Err(SslError::want_read()),
                Pull::Eof => return Err(self.eof_error()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ascii_labels_ok, normalize_hostname, verifier_reads_same};

    #[test]
    fn the_verifier_is_told_the_name_wherever_rustls_reads_it_differently() {
        use rustls::pki_types::ServerName;
        let same = ["localhost", "Example.COM", "xn--bcher-kva.example", "a-1.b"];
        let told = [
            "localhost.",
            "127.0.0.1",
            "::1",
            "10.1.2.3.",
            "host.1a",
            "x.0x7f",
        ];
        for h in same {
            assert!(verifier_reads_same(h), "{h}");
            match ServerName::try_from(h).unwrap() {
                ServerName::DnsName(d) => assert_eq!(d.as_ref(), h),
                other => panic!("{other:?}"),
            }
        }
        for h in told {
            assert!(!verifier_reads_same(h), "{h}");
        }
    }

    #[test]
    fn ascii_fast_path_accepts_exactly_what_the_full_checks_accept() {
        let long = "a".repeat(63);
        let too_long = "a".repeat(64);
        let names = [
            "localhost".to_string(),
            "a.b.".into(),
            ".".into(),
            "a..b".into(),
            ".a".into(),
            "a.".into(),
            "a..".into(),
            format!("{long}.x"),
            format!("{too_long}.x"),
            format!("x.{too_long}."),
            "127.0.0.1".into(),
        ];
        for n in &names {
            let full = normalize_hostname(n);
            assert_eq!(ascii_labels_ok(n), full.is_ok(), "{n}");
            if let Ok(v) = full {
                assert_eq!(&v, n);
            }
        }
    }
}
