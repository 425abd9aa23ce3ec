//! [`SslSession`]: CPython's `ssl.SSLSession` — a handle on the resumption values one
//! client connection received (see `session_store` for the rules).

use std::sync::Arc;

/// A TLS session that a client may reuse, like `ssl.SSLSession`.
///
/// rustls keeps client session values opaque, so this is an in-process handle (it
/// cannot be serialized). Field provenance: `has_ticket`, `time` and
/// `ticket_lifetime_hint` are the values rustls stored; `id` is the TLS 1.2 session id
/// as received, or for ticket-only / TLS 1.3 sessions a stable SHA-256 of the ticket;
/// `timeout` is derived (ticket lifetime on TLS 1.3, OpenSSL's 7200 s on TLS 1.2).
/// The fields describe the value that was newest when `session` was read (for TLS 1.3
/// the newest ticket, as OpenSSL's). A TLS 1.3 ticket is single-use in rustls: after
/// one resumption from a session, the next gives a full handshake.
#[derive(Clone, Debug)]
pub struct SslSession {
    pub(crate) inner: Arc<SessionData>,
}

/// What an [`SslSession`] records.
#[derive(Debug)]
pub(crate) struct SessionData {
    /// The store of the connection it came from (resumption values), if any.
    pub(crate) store: Option<Arc<crate::session_store::ClientStore>>,
    /// The fields of the value that was newest when the session was taken.
    pub(crate) fields: Arc<crate::session_store::Fields>,
    /// Identity of the context that created it (sessions only resume with their context).
    pub(crate) context_id: usize,
}

/// The `SSLSession` attributes derived from the session value.
#[derive(Debug)]
pub(crate) struct SessionFields {
    /// The session id (rustls does not expose the real one for TLS 1.3).
    pub(crate) id: Vec<u8>,
    /// Creation time, seconds since the epoch.
    pub(crate) time: u64,
    /// Lifetime in seconds.
    pub(crate) timeout: u64,
    /// The server's ticket lifetime hint, 0 when not known.
    pub(crate) ticket_lifetime_hint: u64,
    /// Whether a ticket was received.
    pub(crate) has_ticket: bool,
}

impl SessionData {
    fn fields(&self) -> &SessionFields {
        crate::session_store::fields(self)
    }
}

impl SslSession {
    /// `SSLSession.id`.
    pub fn id(&self) -> &[u8] {
        &self.inner.fields().id
    }
    /// `SSLSession.time` (seconds since the epoch).
    pub fn time(&self) -> u64 {
        self.inner.fields().time
    }
    /// `SSLSession.timeout` (seconds).
    pub fn timeout(&self) -> u64 {
        self.inner.fields().timeout
    }
    /// `SSLSession.ticket_lifetime_hint` (seconds).
    pub fn ticket_lifetime_hint(&self) -> u64 {
        self.inner.fields().ticket_lifetime_hint
    }
    /// `SSLSession.has_ticket`.
    pub fn has_ticket(&self) -> bool {
        self.inner.fields().has_ticket
    }
}

/// Sessions are equal when they have the same id and context (CPython compares
/// `SSLSession`s by id; each `session` access makes a new handle).
impl PartialEq for SslSession {
    fn eq(&self, other: &Self) -> bool {
        self.inner.context_id == other.inner.context_id && self.id() == other.id()
    }
}
