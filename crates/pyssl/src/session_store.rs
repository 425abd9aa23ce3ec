//! Session resumption with CPython's rules, on rustls' session hooks.
//!
//! **Clients** resume only from a session given explicitly (`session=` / `set_session`),
//! never from one remembered behind the user's back. Each client connection gets its
//! own [`ClientStore`] (in a per-connection copy of the cached `ClientConfig`): it
//! captures the TLS 1.2 session / TLS 1.3 tickets this connection receives (the
//! connection's `session()` hands them out as an [`SslSession`]), and serves resumption
//! values only from the store of the session that was set. rustls keeps session values
//! opaque; TLS 1.3 tickets are single-use, so a session whose tickets are used up
//! gives a full handshake (as a server refusing a ticket would).
//!
//! **Servers** keep one stateful session cache and one ticket key set per context
//! ([`ServerSessions`]), surviving config rebuilds: TLS 1.2 session ids and tickets,
//! TLS 1.3 tickets (`num_tickets` of them after a full handshake). `OP_NO_TICKET` turns
//! the ticketer off: TLS 1.2 falls back to session ids and TLS 1.3 sends stateful
//! tickets, as OpenSSL does. `session_stats()` counts what really happened.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::server::{ProducesTickets, StoresServerSessions};
use rustls::NamedGroup;

use crate::session::{SessionData, SslSession};

/// At most this many TLS 1.3 tickets are kept per connection.
const MAX_TICKETS: usize = 8;
/// OpenSSL's default session cache size (`SSL_SESSION_CACHE_MAX_SIZE_DEFAULT`).
const SERVER_CACHE_SIZE: usize = 20 * 1024;

#[derive(Default)]
struct Slot {
    kx_hint: Option<NamedGroup>,
    tls12: Option<Tls12ClientSessionValue>,
    tls13: VecDeque<Tls13ClientSessionValue>,
    /// A Debug rendering of the newest value received (for the derived fields).
    newest: Option<String>,
    tls13_seen: bool,
}

/// One client connection's session store (see the [module docs](self)).
pub(crate) struct ClientStore {
    own: Mutex<Slot>,
    /// The store of the session set with `set_session`, if any.
    resume_from: Option<Arc<ClientStore>>,
}

impl std::fmt::Debug for ClientStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientStore").finish_non_exhaustive()
    }
}

impl ClientStore {
    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.own.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ClientSessionStore for ClientStore {
    fn set_kx_hint(&self, _server_name: ServerName<'static>, group: NamedGroup) {
        self.slot().kx_hint = Some(group);
    }

    fn kx_hint(&self, _server_name: &ServerName<'_>) -> Option<NamedGroup> {
        self.resume_from.as_ref().and_then(|s| s.slot().kx_hint)
    }

    fn set_tls12_session(&self, _server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        let mut s = self.slot();
        s.newest = Some(format!("{value:?}"));
        s.tls12 = Some(value);
    }

    fn tls12_session(&self, _server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.resume_from
            .as_ref()
            .and_then(|s| s.slot().tls12.clone())
    }

    fn remove_tls12_session(&self, _server_name: &ServerName<'static>) {
        // Only this connection's own value: a set session stays as the user gave it.
        self.slot().tls12 = None;
    }

    fn insert_tls13_ticket(
        &self,
        _server_name: ServerName<'static>,
        value: Tls13ClientSessionValue,
    ) {
        let mut s = self.slot();
        s.newest = Some(format!("{value:?}"));
        s.tls13_seen = true;
        if s.tls13.len() == MAX_TICKETS {
            s.tls13.pop_front();
        }
        s.tls13.push_back(value);
    }

    fn take_tls13_ticket(
        &self,
        _server_name: &ServerName<'static>,
    ) -> Option<Tls13ClientSessionValue> {
        // The newest ticket first (OpenSSL's client session holds the last one).
        self.resume_from
            .as_ref()
            .and_then(|s| s.slot().tls13.pop_back())
    }
}

/// A per-connection copy of `base` whose resumption goes through a new [`ClientStore`]
/// that resumes from `session` (if given).
pub(crate) fn client_config_for(
    base: &Arc<rustls::ClientConfig>,
    session: Option<&SslSession>,
) -> (Arc<rustls::ClientConfig>, Arc<ClientStore>) {
    let store = Arc::new(ClientStore {
        own: Mutex::new(Slot::default()),
        resume_from: session.and_then(|s| s.inner.store.clone()),
    });
    let mut cfg = (**base).clone();
    cfg.resumption = rustls::client::Resumption::store(store.clone());
    (Arc::new(cfg), store)
}

/// Extracts `name: <hex or digits>` from rustls' Debug rendering of a session value.
fn debug_field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = text.find(name)? + name.len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}

/// The `session` of a client connection: None before the handshake; afterwards a handle
/// on what this connection received (TLS 1.3 tickets arrive after the handshake, so a
/// handle taken before the first read may have no ticket yet).
pub(crate) fn session_of(
    store: &Arc<ClientStore>,
    context_id: usize,
    version: Option<&str>,
) -> SslSession {
    let (id, time, lifetime, has_ticket) = {
        let s = store.slot();
        match &s.newest {
            Some(text) => {
                let time = debug_field(text, "epoch: ").and_then(|d| d.parse().ok());
                let lifetime = debug_field(text, "lifetime_secs: ")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(0);
                let ticket = debug_field(text, "ticket: ").map(unhex).unwrap_or_default();
                let id = match debug_field(text, "session_id: ").map(unhex) {
                    Some(id) if !id.is_empty() => id,
                    // TLS 1.3 / ticket-only: OpenSSL makes up an id too; derive a stable
                    // one from the ticket.
                    _ => ring::digest::digest(&ring::digest::SHA256, &ticket)
                        .as_ref()
                        .to_vec(),
                };
                (id, time, lifetime, !ticket.is_empty())
            }
            None => (Vec::new(), None, 0, false),
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // OpenSSL's session timeout: the ticket lifetime for TLS 1.3, 7200 s for TLS 1.2.
    let timeout = if version == Some("TLSv1.3") && lifetime > 0 {
        lifetime
    } else {
        7200
    };
    SslSession {
        inner: Arc::new(SessionData {
            id,
            time: time.unwrap_or(now),
            timeout,
            ticket_lifetime_hint: lifetime,
            has_ticket,
            context_id,
            store: Some(store.clone()),
        }),
    }
}

// ----- server side -----------------------------------------------------------------

/// `session_stats()` counters (OpenSSL's `SSL_CTX_sess_*`).
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub(crate) connect: AtomicU64,
    pub(crate) connect_good: AtomicU64,
    pub(crate) accept: AtomicU64,
    pub(crate) accept_good: AtomicU64,
    pub(crate) hits: AtomicU64,
    pub(crate) misses: AtomicU64,
    pub(crate) cache_full: AtomicU64,
}

/// Entries by key, and keys in insertion order (for eviction).
type CacheMap = (HashMap<Vec<u8>, Vec<u8>>, VecDeque<Vec<u8>>);

/// The server's stateful session cache with OpenSSL's counters.
#[derive(Debug, Default)]
pub(crate) struct ServerCache {
    map: Mutex<CacheMap>,
    stats: Arc<Stats>,
}

impl ServerCache {
    fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).0.len()
    }
}

impl StoresServerSessions for ServerCache {
    fn put(&self, key: Vec<u8>, value: Vec<u8>) -> bool {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if !m.0.contains_key(&key) {
            if m.0.len() >= SERVER_CACHE_SIZE {
                if let Some(old) = m.1.pop_front() {
                    m.0.remove(&old);
                }
                self.stats.cache_full.fetch_add(1, Ordering::Relaxed);
            }
            m.1.push_back(key.clone());
        }
        m.0.insert(key, value);
        true
    }

    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        let m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let v = m.0.get(key).cloned();
        if v.is_none() {
            self.stats.misses.fetch_add(1, Ordering::Relaxed);
        }
        v
    }

    fn take(&self, key: &[u8]) -> Option<Vec<u8>> {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let v = m.0.remove(key);
        match v {
            Some(_) => m.1.retain(|k| k != key),
            None => {
                self.stats.misses.fetch_add(1, Ordering::Relaxed);
            }
        }
        v
    }

    fn can_cache(&self) -> bool {
        true
    }
}

/// A context's server-side session state (shared by every config generation).
pub(crate) struct ServerSessions {
    pub(crate) cache: Arc<ServerCache>,
    pub(crate) ticketer: Option<Arc<dyn ProducesTickets>>,
    pub(crate) stats: Arc<Stats>,
}

impl Default for ServerSessions {
    fn default() -> Self {
        let stats = Arc::new(Stats::default());
        ServerSessions {
            cache: Arc::new(ServerCache {
                map: Mutex::default(),
                stats: stats.clone(),
            }),
            ticketer: rustls::crypto::ring::Ticketer::new().ok(),
            stats,
        }
    }
}

impl std::fmt::Debug for ServerSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerSessions").finish_non_exhaustive()
    }
}

/// `SSLContext.session_stats()`: CPython's eleven keys, in CPython's order.
pub(crate) fn stats_of(s: &ServerSessions) -> Vec<(&'static str, u64)> {
    let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let st = &s.stats;
    vec![
        ("number", s.cache.len() as u64),
        ("connect", g(&st.connect)),
        ("connect_good", g(&st.connect_good)),
        ("connect_renegotiate", 0),
        ("accept", g(&st.accept)),
        ("accept_good", g(&st.accept_good)),
        ("accept_renegotiate", 0),
        ("hits", g(&st.hits)),
        ("misses", g(&st.misses)),
        ("timeouts", 0),
        ("cache_full", g(&st.cache_full)),
    ]
}
