//! Session resumption with CPython's rules, on rustls' session hooks.
//!
//! **Clients** resume only from a session given explicitly (`session=` / `set_session`),
//! never from one remembered behind the user's back. Every client config a context
//! builds carries one [`Dispatch`] store, which learns through thread-locals which
//! connection it serves: the engine creates each client connection inside
//! [`resume_scope`] (resumption values come only from the store of the session that was
//! set) and runs its `process_new_packets` inside [`client_scope`] (what the connection
//! receives goes into its own [`ClientStore`], made when the first value arrives).
//! rustls looks values up only in `ClientConnection::new` and stores them only while
//! processing packets. No config is copied per connection.
//!
//! A store keeps the TLS 1.2 session and the newest TLS 1.3 ticket (OpenSSL's client
//! session holds the last ticket too). rustls keeps session values opaque and TLS 1.3
//! tickets single-use, so a session whose ticket was used gives a full handshake (as a
//! server refusing a ticket would). The `SSLSession` fields are read off rustls' Debug
//! rendering of the value that was newest when `session` was read — only when first
//! asked for.
//!
//! **Servers** keep one stateful session cache and one ticket key set per context
//! ([`ServerSessions`]), surviving config rebuilds: TLS 1.2 session ids and tickets,
//! TLS 1.3 tickets (`num_tickets` of them after a full handshake). `OP_NO_TICKET` turns
//! the ticketer off: TLS 1.2 falls back to session ids and TLS 1.3 sends stateful
//! tickets, as OpenSSL does. `session_stats()` counts what really happened.

use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::server::{ProducesTickets, StoresServerSessions};
use rustls::NamedGroup;

use crate::session::{SessionData, SessionFields, SslSession};

/// OpenSSL's default session cache size (`SSL_SESSION_CACHE_MAX_SIZE_DEFAULT`).
const SERVER_CACHE_SIZE: usize = 20 * 1024;

/// The derived fields of one value, shared with the sessions taken while it was newest.
type FieldsCell = Arc<Fields>;

/// A session value's Debug rendering source: what [`fields_of`] reads.
type Rendered = Box<dyn std::fmt::Debug + Send + Sync>;

/// The `SSLSession` fields of one session value: worked out on first use, from the
/// value while a connection's store still holds it, else from what the store left
/// here when the value went (rendering values nobody reads would cost more than a
/// resumption's own work).
#[derive(Default)]
pub(crate) struct Fields {
    done: OnceLock<SessionFields>,
    /// What the value left when it went from the store, and whether it is TLS 1.3.
    left: Mutex<Option<(Rendered, bool)>>,
}

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fields").finish_non_exhaustive()
    }
}

impl Fields {
    fn settled(f: SessionFields) -> Fields {
        let cell = Fields::default();
        let _ = cell.done.set(f);
        cell
    }
}

/// A session value as rustls hands it over.
enum Value {
    Tls12(Tls12ClientSessionValue),
    Tls13(Tls13ClientSessionValue),
}

impl Value {
    fn fields(&self) -> SessionFields {
        match self {
            Value::Tls12(v) => fields_of(v, false),
            Value::Tls13(v) => fields_of(v, true),
        }
    }

    /// What [`fields_of`] needs of the value, owned (the value itself).
    fn into_rendered(self) -> (Rendered, bool) {
        match self {
            Value::Tls12(v) => (Box::new(v), false),
            Value::Tls13(v) => (Box::new(v), true),
        }
    }
}

/// A connection's newest session value and, once a session was taken while it was the
/// newest, that session's fields.
struct Kept {
    value: Value,
    fields: Option<FieldsCell>,
}

impl Kept {
    /// The cell of sessions still holding this value's fields, if they are not known yet.
    fn unsettled(&self) -> Option<&FieldsCell> {
        self.fields
            .as_ref()
            .filter(|cell| Arc::strong_count(cell) > 1 && cell.done.get().is_none())
    }

    /// The value goes for good: the sessions still holding its fields keep it.
    fn settle(self) {
        if let Some(cell) = self.unsettled() {
            let cell = cell.clone();
            *cell.left.lock().unwrap_or_else(|e| e.into_inner()) = Some(self.value.into_rendered());
        }
    }
}

#[derive(Default)]
struct Slot {
    kx_hint: Option<NamedGroup>,
    newest: Option<Kept>,
}

impl Slot {
    fn keep(&mut self, value: Value) {
        let old = self.newest.replace(Kept {
            value,
            fields: None,
        });
        if let Some(old) = old {
            old.settle();
        }
    }
}

/// What one client connection received (see the [module docs](self)); sessions taken
/// from the connection share it.
#[derive(Default)]
pub(crate) struct ClientStore {
    slot: Mutex<Slot>,
}

impl std::fmt::Debug for ClientStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientStore").finish_non_exhaustive()
    }
}

impl ClientStore {
    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }
}

thread_local! {
    /// The store of the connection whose packets rustls processes on this thread (moved
    /// in and back out by [`client_scope`]): values arrive here.
    static OWN: Cell<Option<Arc<ClientStore>>> = const { Cell::new(None) };
    /// The store of the session the connection being created resumes from
    /// ([`resume_scope`]): resumption values come from here.
    static RESUME: Cell<Option<Arc<ClientStore>>> = const { Cell::new(None) };
}

/// Puts the value back into its thread-local slot and hands the slot's previous value
/// back to its owner, even if the scoped code unwinds.
struct Restore<'a> {
    key: &'static std::thread::LocalKey<Cell<Option<Arc<ClientStore>>>>,
    owner: &'a mut Option<Arc<ClientStore>>,
    outer: Option<Arc<ClientStore>>,
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        *self.owner = self.key.with(|c| c.replace(self.outer.take()));
    }
}

/// `f` with `value` (moved) in the thread-local `key`; afterwards `value` holds what
/// the slot holds then (the store, possibly created meanwhile).
fn scoped<R>(
    key: &'static std::thread::LocalKey<Cell<Option<Arc<ClientStore>>>>,
    value: &mut Option<Arc<ClientStore>>,
    f: impl FnOnce() -> R,
) -> R {
    let outer = key.with(|c| c.replace(value.take()));
    let _restore = Restore {
        key,
        owner: value,
        outer,
    };
    f()
}

/// Runs `f` — `process_new_packets` of one client connection, where rustls stores the
/// session values it receives — with [`Dispatch`] storing them in `own` (created on
/// the first one). No reference count changes: the store is moved in and back out.
pub(crate) fn client_scope<R>(own: &mut Option<Arc<ClientStore>>, f: impl FnOnce() -> R) -> R {
    scoped(&OWN, own, f)
}

/// Runs `f` — `ClientConnection::new`, the only place rustls looks up resumption
/// values — with [`Dispatch`] serving them from the store of `resume`, if any.
pub(crate) fn resume_scope<R>(resume: Option<&SslSession>, f: impl FnOnce() -> R) -> R {
    let mut store = resume.and_then(|s| s.inner.store.clone());
    scoped(&RESUME, &mut store, f)
}

/// `f` on the current connection's own slot (made on first use).
fn own_slot(f: impl FnOnce(&mut Slot)) {
    OWN.with(|c| {
        let mut own = c.take();
        f(&mut own.get_or_insert_with(Arc::default).slot());
        c.set(own);
    });
}

/// `f` on the slot of the session being resumed, if any.
fn resume_slot<R>(f: impl FnOnce(&mut Slot) -> Option<R>) -> Option<R> {
    RESUME.with(|c| {
        let store = c.take();
        let out = store.as_ref().and_then(|st| f(&mut st.slot()));
        c.set(store);
        out
    })
}

/// The client configs' session store: serves the connection of the current
/// [`client_scope`] / [`resume_scope`] (outside them it stores nothing and resumes
/// nothing).
#[derive(Debug)]
pub(crate) struct Dispatch;

impl ClientSessionStore for Dispatch {
    fn set_kx_hint(&self, _server_name: ServerName<'static>, group: NamedGroup) {
        own_slot(|s| s.kx_hint = Some(group));
    }

    fn kx_hint(&self, _server_name: &ServerName<'_>) -> Option<NamedGroup> {
        resume_slot(|s| s.kx_hint)
    }

    fn set_tls12_session(&self, _server_name: ServerName<'static>, value: Tls12ClientSessionValue) {
        own_slot(|s| s.keep(Value::Tls12(value)));
    }

    fn tls12_session(&self, _server_name: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        resume_slot(|s| match &s.newest.as_ref()?.value {
            Value::Tls12(v) => Some(v.clone()),
            Value::Tls13(_) => None,
        })
    }

    fn remove_tls12_session(&self, _server_name: &ServerName<'static>) {
        // A set session stays as the user gave it; a connection's own value is only
        // stored once its handshake succeeded.
    }

    fn insert_tls13_ticket(
        &self,
        _server_name: ServerName<'static>,
        value: Tls13ClientSessionValue,
    ) {
        own_slot(|s| s.keep(Value::Tls13(value)));
    }

    fn take_tls13_ticket(
        &self,
        _server_name: &ServerName<'static>,
    ) -> Option<Tls13ClientSessionValue> {
        resume_slot(|s| {
            if !matches!(s.newest.as_ref()?.value, Value::Tls13(_)) {
                return None;
            }
            let kept = s.newest.take()?;
            // rustls takes the value: the sessions holding its fields keep a copy of
            // the part they are read from (the TLS 1.3 value renders its fields there).
            let left = kept.unsettled().cloned();
            let Value::Tls13(v) = kept.value else {
                return None;
            };
            if let Some(cell) = left {
                let common: Rendered = Box::new((*v).clone());
                *cell.left.lock().unwrap_or_else(|e| e.into_inner()) = Some((common, true));
            }
            Some(v)
        })
    }
}

/// The `session` of a client connection whose handshake is done: a handle on what it
/// received (`store`), its fields those of the value newest now. TLS 1.3 tickets arrive
/// after the handshake, so a session taken before the first read may have no ticket.
pub(crate) fn session_of(store: Option<&Arc<ClientStore>>, context_id: usize) -> SslSession {
    let fields = store.and_then(|st| {
        let mut s = st.slot();
        let kept = s.newest.as_mut()?;
        Some(kept.fields.get_or_insert_with(FieldsCell::default).clone())
    });
    let fields = fields.unwrap_or_else(|| {
        Arc::new(Fields::settled(SessionFields {
            id: Vec::new(),
            time: now(),
            timeout: 7200,
            ticket_lifetime_hint: 0,
            has_ticket: false,
        }))
    });
    SslSession {
        inner: Arc::new(SessionData {
            store: store.cloned(),
            fields,
            context_id,
        }),
    }
}

/// The fields of a session (computed from its value on first use).
pub(crate) fn fields(d: &SessionData) -> &SessionFields {
    let cell = &d.fields;
    if let Some(f) = cell.done.get() {
        return f;
    }
    if let Some(st) = &d.store {
        let s = st.slot();
        let ours = s
            .newest
            .as_ref()
            .filter(|k| k.fields.as_ref().is_some_and(|c| Arc::ptr_eq(c, cell)));
        if let Some(k) = ours {
            return cell.done.get_or_init(|| k.value.fields());
        }
    }
    // The value went (under the store's lock, before it was released above): it left
    // what the fields are read from.
    let mut left = cell.left.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((r, tls13)) = left.as_ref() {
        let f = cell.done.get_or_init(|| fields_of(r, *tls13));
        *left = None;
        return f;
    }
    drop(left);
    cell.done.get_or_init(|| SessionFields {
        id: Vec::new(),
        time: now(),
        timeout: 7200,
        ticket_lifetime_hint: 0,
        has_ticket: false,
    })
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The field of a session value's Debug rendering being written.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Other,
    Ticket,
    SessionId,
    Epoch,
    Lifetime,
}

/// A `fmt::Write` that picks the fields [`fields_of`] needs out of rustls' Debug rendering
/// of a session value as it is written (`name: <hex or digits>`), and stops the rendering
/// at the server certificate chain (which comes after them and is most of the text).
struct FieldSink {
    field: Field,
    /// A first hex digit waiting for its second.
    nibble: Option<u8>,
    ticket: Vec<u8>,
    session_id: Vec<u8>,
    epoch: Option<u64>,
    lifetime: u64,
}

impl std::fmt::Write for FieldSink {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        // rustls' Debug impls write each field name in one piece.
        self.field = match s {
            "ticket" => Field::Ticket,
            "session_id" => Field::SessionId,
            "epoch" => Field::Epoch,
            "lifetime_secs" => Field::Lifetime,
            "server_cert_chain" => return Err(std::fmt::Error),
            _ => {
                self.take(s);
                return Ok(());
            }
        };
        self.nibble = None;
        Ok(())
    }
}

impl FieldSink {
    fn take(&mut self, s: &str) {
        for b in s.bytes() {
            if b == b',' || b == b'}' {
                self.field = Field::Other;
            }
            match self.field {
                Field::Other => return,
                Field::Ticket | Field::SessionId => {
                    let Some(v) = (b as char).to_digit(16) else {
                        continue;
                    };
                    match self.nibble.take() {
                        None => self.nibble = Some(v as u8),
                        Some(hi) => {
                            let out = if self.field == Field::Ticket {
                                &mut self.ticket
                            } else {
                                &mut self.session_id
                            };
                            out.push(hi << 4 | v as u8);
                        }
                    }
                }
                Field::Epoch | Field::Lifetime => {
                    let Some(d) = (b as char).to_digit(10) else {
                        continue;
                    };
                    let n = if self.field == Field::Epoch {
                        self.epoch.get_or_insert(0)
                    } else {
                        &mut self.lifetime
                    };
                    *n = n.saturating_mul(10).saturating_add(u64::from(d));
                }
            }
        }
    }
}

/// The derived `SSLSession` fields of a session value.
fn fields_of(value: &impl std::fmt::Debug, tls13: bool) -> SessionFields {
    use std::fmt::Write;
    let mut w = FieldSink {
        field: Field::Other,
        nibble: None,
        ticket: Vec::new(),
        session_id: Vec::new(),
        epoch: None,
        lifetime: 0,
    };
    let _ = write!(w, "{value:?}");
    let id = if w.session_id.is_empty() {
        // TLS 1.3 / ticket-only: like OpenSSL, the SHA-256 of the ticket.
        ring::digest::digest(&ring::digest::SHA256, &w.ticket)
            .as_ref()
            .to_vec()
    } else {
        w.session_id
    };
    SessionFields {
        id,
        time: w.epoch.unwrap_or_else(now),
        // OpenSSL's session timeout: the ticket lifetime for TLS 1.3, 7200 s for TLS 1.2.
        timeout: if tls13 && w.lifetime > 0 {
            w.lifetime
        } else {
            7200
        },
        ticket_lifetime_hint: w.lifetime,
        has_ticket: !w.ticket.is_empty(),
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
        if m.1.capacity() == 0 {
            // Full size on first use, as rustls' own cache: no rehash or regrowth while
            // the cache fills (heap stays flat per handshake; no copy of every entry).
            m.0.reserve(SERVER_CACHE_SIZE);
            m.1.reserve(SERVER_CACHE_SIZE);
        }
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

impl ServerSessions {
    /// Whether rustls will find TLS 1.3 resumption state for this PSK `identity` (the
    /// ticketer decrypts it, or — tickets off — the cache holds it). Counts nothing.
    pub(crate) fn knows_tls13_identity(&self, identity: &[u8], tickets_on: bool) -> bool {
        match (&self.ticketer, tickets_on) {
            (Some(t), true) => t.decrypt(identity).is_some(),
            _ => self
                .cache
                .map
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .0
                .contains_key(identity),
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Hex(&'static [u8]);
    impl std::fmt::Debug for Hex {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
        }
    }

    /// Shaped like rustls' `Tls12ClientSessionValue` rendering (hex payloads, the
    /// certificate chain after the fields).
    struct Shaped;
    impl std::fmt::Debug for Shaped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            struct Common;
            impl std::fmt::Debug for Common {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct("ClientSessionCommon")
                        .field("ticket", &Hex(&[0x0a, 0xff, 0x10]))
                        .field("epoch", &1_764_000_000_u64)
                        .field("lifetime_secs", &7200_u32)
                        .field("server_cert_chain", &"must not be rendered")
                        .finish()
                }
            }
            f.debug_struct("Tls12ClientSessionValue")
                .field("suite", &"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")
                .field("session_id", &Hex(&[1, 2, 0xab]))
                .field("extended_ms", &true)
                .field("common", &Common)
                .finish()
        }
    }

    #[test]
    fn fields_are_picked_out_of_the_debug_rendering() {
        let f = fields_of(&Shaped, false);
        assert_eq!(f.id, [1, 2, 0xab]);
        assert_eq!(f.time, 1_764_000_000);
        assert_eq!(f.ticket_lifetime_hint, 7200);
        assert_eq!(f.timeout, 7200);
        assert!(f.has_ticket);
        let f = fields_of(&Shaped, true);
        assert_eq!(f.timeout, 7200);
    }
}
