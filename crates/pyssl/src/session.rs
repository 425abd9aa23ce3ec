//! [`SslSession`]: CPython's `ssl.SSLSession`, and the per-connection rustls session
//! store that makes explicit resumption work (`session=` / `SslObject::set_session`).
//!
//! rustls keeps client session values opaque, so an `SslSession` is an in-process
//! handle: the TLS 1.2 session (id or ticket) and the TLS 1.3 tickets a connection
//! received live in a [`SessionSlot`]; a later connection given that session resumes
//! from the slot (TLS 1.3 tickets are single-use), while its own new session goes into
//! a fresh slot. A client never resumes implicitly, as in CPython.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::NamedGroup;

/// A TLS session that a client may reuse, like `ssl.SSLSession`.
///
/// Exact: `has_ticket`. Derived (rustls does not expose them): `id` (random, stable
/// per session), `time` (when the handshake finished), `timeout` (7200 s, OpenSSL's
/// default), `ticket_lifetime_hint` (0).
#[derive(Clone, Debug)]
pub struct SslSession {
    pub(crate) inner: Arc<SessionData>,
}

/// What an [`SslSession`] records.
#[derive(Debug)]
#[allow(dead_code)] // `ticket_lifetime_hint`/`timeout` are read through the accessors only
pub(crate) struct SessionData {
    pub(crate) id: Vec<u8>,
    pub(crate) time: u64,
    pub(crate) timeout: u64,
    pub(crate) ticket_lifetime_hint: u64,
    /// Identity of the context that created it (sessions only resume with their context).
    pub(crate) context_id: usize,
    /// The resumption values.
    pub(crate) slot: Arc<SessionSlot>,
}

impl SslSession {
    pub(crate) fn new(context_id: usize, slot: Arc<SessionSlot>) -> SslSession {
        let mut id = vec![0u8; 32];
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut id);
        let time = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        SslSession {
            inner: Arc::new(SessionData {
                id,
                time,
                timeout: 7200,
                ticket_lifetime_hint: 0,
                context_id,
                slot,
            }),
        }
    }

    /// `SSLSession.id`.
    pub fn id(&self) -> &[u8] {
        &self.inner.id
    }
    /// `SSLSession.time` (seconds since the epoch).
    pub fn time(&self) -> u64 {
        self.inner.time
    }
    /// `SSLSession.timeout` (seconds).
    pub fn timeout(&self) -> u64 {
        self.inner.timeout
    }
    /// `SSLSession.ticket_lifetime_hint` (seconds).
    pub fn ticket_lifetime_hint(&self) -> u64 {
        self.inner.ticket_lifetime_hint
    }
    /// `SSLSession.has_ticket`: whether resumption data is available (TLS 1.3 tickets;
    /// for TLS 1.2, a stored session, whether id- or ticket-based: rustls does not say).
    pub fn has_ticket(&self) -> bool {
        !self.inner.slot.is_empty()
    }
}

impl PartialEq for SslSession {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

/// Resumption values received on one connection.
#[derive(Debug, Default)]
pub(crate) struct SessionSlot(Mutex<SlotData>);

#[derive(Debug, Default)]
pub(crate) struct SlotData {
    kx_hint: Option<NamedGroup>,
    tls12: Option<Tls12ClientSessionValue>,
    tls13: VecDeque<Tls13ClientSessionValue>,
}

impl SessionSlot {
    fn lock(&self) -> MutexGuard<'_, SlotData> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether anything resumable was received.
    pub(crate) fn is_empty(&self) -> bool {
        let d = self.lock();
        d.tls12.is_none() && d.tls13.is_empty()
    }
}

thread_local! {
    /// The store of the client connection rustls is running on this thread.
    static CURRENT: std::cell::RefCell<Option<Arc<ConnectionStore>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` (a rustls call that may touch the session store) with `store` as the
/// current connection's store. rustls calls the store synchronously on this thread.
pub(crate) fn with_store<R>(store: &Arc<ConnectionStore>, f: impl FnOnce() -> R) -> R {
    let previous = CURRENT.with(|c| c.replace(Some(store.clone())));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = previous);
    out
}

fn current<R>(f: impl FnOnce(&ConnectionStore) -> R) -> Option<R> {
    CURRENT.with(|c| c.borrow().as_deref().map(f))
}

/// The store every cached client config uses: forwards to the current connection's
/// [`ConnectionStore`] (so configs stay shared, with no per-connection clone).
#[derive(Debug)]
pub(crate) struct DispatchStore;

impl ClientSessionStore for DispatchStore {
    fn set_kx_hint(&self, name: ServerName<'static>, group: NamedGroup) {
        current(|s| s.set_kx_hint(name, group));
    }
    fn kx_hint(&self, name: &ServerName<'_>) -> Option<NamedGroup> {
        current(|s| s.kx_hint(name)).flatten()
    }
    fn set_tls12_session(&self, name: ServerName<'static>, value: Tls12ClientSessionValue) {
        current(|s| s.set_tls12_session(name, value));
    }
    fn tls12_session(&self, name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        current(|s| s.tls12_session(name)).flatten()
    }
    fn remove_tls12_session(&self, name: &ServerName<'static>) {
        current(|s| s.remove_tls12_session(name));
    }
    fn insert_tls13_ticket(&self, name: ServerName<'static>, value: Tls13ClientSessionValue) {
        current(|s| s.insert_tls13_ticket(name, value));
    }
    fn take_tls13_ticket(&self, name: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        current(|s| s.take_tls13_ticket(name)).flatten()
    }
}

/// One client connection's rustls session store: resumes only from the session it was
/// given, records new values in its own slot.
#[derive(Debug)]
pub(crate) struct ConnectionStore {
    pub(crate) resume_from: Option<Arc<SessionSlot>>,
    pub(crate) own: Arc<SessionSlot>,
}

impl ClientSessionStore for ConnectionStore {
    fn set_kx_hint(&self, _: ServerName<'static>, group: NamedGroup) {
        self.own.lock().kx_hint = Some(group);
    }

    fn kx_hint(&self, _: &ServerName<'_>) -> Option<NamedGroup> {
        let from = self.resume_from.as_ref().and_then(|s| s.lock().kx_hint);
        from.or(self.own.lock().kx_hint)
    }

    fn set_tls12_session(&self, _: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.own.lock().tls12 = Some(value);
    }

    fn tls12_session(&self, _: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.resume_from
            .as_ref()
            .and_then(|s| s.lock().tls12.clone())
    }

    fn remove_tls12_session(&self, _: &ServerName<'static>) {
        if let Some(s) = &self.resume_from {
            s.lock().tls12 = None;
        }
    }

    fn insert_tls13_ticket(&self, _: ServerName<'static>, value: Tls13ClientSessionValue) {
        // Like OpenSSL's SSL_get1_session(), the session is the latest one received:
        // each rustls ticket carries a copy of the server's chain, so keeping one bounds
        // the memory an idle connection holds.
        let mut d = self.own.lock();
        d.tls13.clear();
        d.tls13.push_back(value);
    }

    fn take_tls13_ticket(&self, _: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        self.resume_from
            .as_ref()
            .and_then(|s| s.lock().tls13.pop_front())
    }
}
