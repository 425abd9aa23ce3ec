//! [`TrustStore`]: CA certificates and CRLs, loaded and reported the way CPython's
//! `SSLContext` (OpenSSL's `X509_STORE`) does.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use pyssl_cert::{CertError, CertInfo};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, TrustAnchor};

use crate::crl::Crl;
use crate::entry::{sha256, Digest, Object};
use crate::load::{cadata_objects, read_cafile, scan_capath, CaData};
use crate::name::canonical_name;

/// `SSLContext.cert_store_stats()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CertStoreStats {
    /// Certificates in the store.
    pub x509: usize,
    /// CRLs in the store.
    pub crl: usize,
    /// Certificates that are CAs (`X509_check_ca`).
    pub x509_ca: usize,
}

impl CertStoreStats {
    /// The dict as JSON, keys in CPython's order: `{"x509", "crl", "x509_ca"}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        m.insert("x509".into(), self.x509.into());
        m.insert("crl".into(), self.crl.into());
        m.insert("x509_ca".into(), self.x509_ca.into());
        serde_json::Value::Object(m)
    }
}

/// State shared by a store and all its clones: the history clock that reproduces OpenSSL's
/// object order, and which hashed-directory objects a handshake has used.
#[derive(Debug, Default)]
struct Shared {
    /// Monotonic event counter.
    clock: u64,
    /// Event number of the last operation that sorted OpenSSL's object stack (a lookup or
    /// an add that found a duplicate).
    sorted_at: u64,
    /// Hashed-directory objects marked used, with the event number of that mark.
    used: HashMap<Digest, u64>,
}

impl Shared {
    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }
}

/// A CA store: every loaded certificate's DER, CRLs, hashed directories, and optionally the
/// embedded Mozilla roots.
///
/// Loading takes `&mut self`; the verifier only needs `&self`. `Clone` is cheap (entries are
/// shared) and clones share the "used" marks of hashed-directory (`capath`) certificates, so
/// a verifier holding a snapshot can mark certificates that the context's store then reports.
///
/// ```
/// use pyssl_trust::{CaData, TrustStore};
/// let mut store = TrustStore::new();
/// let err = store.load_verify_locations(None, None, Some(CaData::Text(String::new()))).unwrap_err();
/// assert_eq!((err.python_class, err.message.as_str()), ("ValueError", "Empty certificate data"));
/// assert_eq!(store.cert_store_stats().x509, 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    /// Loaded objects (unique), with the event number of their addition.
    objects: Vec<(Object, u64)>,
    /// Objects found in hashed directories (unique); reported once marked used.
    capath: Vec<Object>,
    /// Whether the embedded webpki-roots anchors are loaded.
    embedded: bool,
    shared: Arc<Mutex<Shared>>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn shared(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `SSLContext.load_verify_locations(cafile, capath, cadata)`.
    ///
    /// `cadata` is read first, then `cafile` (as CPython does); `capath` is an OpenSSL
    /// hashed directory whose certificates are available to the verifier at once but only
    /// reported by [`get_ca_certs_der`](Self::get_ca_certs_der) and
    /// [`cert_store_stats`](Self::cert_store_stats) after [`mark_used`](Self::mark_used).
    /// A missing or unreadable `capath` is not an error (as in CPython).
    ///
    /// Errors are CPython's: `TypeError` when all three are `None`, `FileNotFoundError`
    /// for a missing `cafile`, `SSLError` with OpenSSL's library/reason for bad content.
    /// A failed call leaves the store unchanged (CPython may keep the `cadata`
    /// certificates read before the error; pyssl loads all or nothing).
    pub fn load_verify_locations(
        &mut self,
        cafile: Option<&Path>,
        capath: Option<&Path>,
        cadata: Option<CaData>,
    ) -> Result<(), CertError> {
        if cafile.is_none() && capath.is_none() && cadata.is_none() {
            return Err(CertError::other(
                "TypeError",
                "cafile, capath and cadata cannot be all omitted",
            ));
        }
        let mut staged = Vec::new();
        if let Some(cadata) = &cadata {
            staged.extend(cadata_objects(cadata)?);
        }
        if let Some(cafile) = cafile {
            staged.extend(read_cafile(cafile)?);
        }
        let dir_objects = capath.map(scan_capath).unwrap_or_default();
        self.add_objects(staged);
        self.add_capath(dir_objects);
        Ok(())
    }

    /// Loads `cadata` alone (a convenience for `load_verify_locations(None, None, Some(..))`).
    pub fn load_cadata(&mut self, cadata: CaData) -> Result<(), CertError> {
        self.load_verify_locations(None, None, Some(cadata))
    }

    /// Adds parsed objects one by one as `X509_STORE_add_cert`/`_crl` do.
    pub(crate) fn add_objects(&mut self, objects: Vec<Object>) {
        if objects.is_empty() {
            return;
        }
        let shared = Arc::clone(&self.shared);
        let mut shared = shared.lock().unwrap_or_else(|e| e.into_inner());
        for object in objects {
            let digest = *object.digest();
            let present = self.objects.iter().any(|(o, _)| *o.digest() == digest)
                || shared.used.contains_key(&digest);
            let now = shared.tick();
            if present {
                // The duplicate check sorted the stack; nothing is added.
                shared.sorted_at = now;
            } else {
                self.objects.push((object, now));
            }
        }
    }

    /// Adds hashed-directory objects (not reported until used).
    pub(crate) fn add_capath(&mut self, objects: Vec<Object>) {
        for object in objects {
            if !self.capath.iter().any(|o| o.digest() == object.digest()) {
                self.capath.push(object);
            }
        }
    }

    /// Makes the embedded Mozilla roots (webpki-roots) trusted. They count in
    /// [`cert_store_stats`](Self::cert_store_stats) (as `x509` and `x509_ca`) and are
    /// returned by [`embedded_roots`](Self::embedded_roots) /
    /// [`trust_anchors`](Self::trust_anchors), but `get_ca_certs` cannot list them: the
    /// crate embeds trust anchors, not certificates.
    pub fn load_webpki_roots(&mut self) {
        self.embedded = true;
    }

    /// The embedded roots when [`load_webpki_roots`](Self::load_webpki_roots) was used.
    pub fn embedded_roots(&self) -> &'static [TrustAnchor<'static>] {
        if self.embedded {
            webpki_roots::TLS_SERVER_ROOTS
        } else {
            &[]
        }
    }

    /// Every certificate the verifier may use as a trust anchor or chain element
    /// (cafile, cadata, defaults and capath certificates alike), in load order. The
    /// embedded roots are in [`embedded_roots`](Self::embedded_roots).
    pub fn certificates(&self) -> Vec<CertificateDer<'static>> {
        self.all_objects()
            .filter_map(|o| match o {
                Object::Cert(c) => Some(c.der.clone()),
                Object::Crl(_) => None,
            })
            .collect()
    }

    /// Every trust anchor: each certificate of [`certificates`](Self::certificates) that
    /// rustls-webpki can turn into an anchor, then the embedded roots.
    pub fn trust_anchors(&self) -> Vec<TrustAnchor<'static>> {
        let mut out: Vec<TrustAnchor<'static>> = self
            .certificates()
            .iter()
            .filter_map(|der| {
                webpki::anchor_from_trusted_cert(der)
                    .ok()
                    .map(|a| a.to_owned())
            })
            .collect();
        out.extend(self.embedded_roots().iter().cloned());
        out
    }

    /// The certificates (including capath ones) whose subject equals `subject_der` (a DER
    /// `Name`) under OpenSSL's `X509_NAME_cmp` (case- and space-insensitive strings).
    pub fn find_by_subject(&self, subject_der: &[u8]) -> Vec<CertificateDer<'static>> {
        let Some(want) = canonical_name(subject_der) else {
            return Vec::new();
        };
        self.all_objects()
            .filter_map(|o| match o {
                Object::Cert(c) if c.subject_canon == want => Some(c.der.clone()),
                _ => None,
            })
            .collect()
    }

    /// Every loaded CRL (including capath ones).
    pub fn crls(&self) -> Vec<CertificateRevocationListDer<'static>> {
        self.crl_list().iter().map(|c| c.der().clone()).collect()
    }

    /// Every loaded CRL, parsed (issuer, update times, revoked serials).
    pub fn crl_list(&self) -> Vec<Crl> {
        self.all_objects()
            .filter_map(|o| match o {
                Object::Crl(c) => Some(c.crl.clone()),
                Object::Cert(_) => None,
            })
            .collect()
    }

    fn all_objects(&self) -> impl Iterator<Item = &Object> {
        self.objects
            .iter()
            .map(|(o, _)| o)
            .chain(self.capath.iter())
    }

    /// Records that a handshake looked up / used this certificate or CRL. Hashed-directory
    /// objects are reported from then on (as CPython reports capath certificates only
    /// after a handshake loaded them). Any lookup also re-sorts OpenSSL's object list,
    /// which [`get_ca_certs_der`](Self::get_ca_certs_der) reproduces.
    pub fn mark_used(&self, der: &[u8]) {
        let mut shared = self.shared();
        let now = shared.tick();
        shared.sorted_at = now;
        if self.capath.is_empty() {
            // Nothing to load from a hashed directory (spares a hash per handshake).
            return;
        }
        let digest = sha256(der);
        let in_capath = self.capath.iter().any(|o| *o.digest() == digest);
        let loaded = self.objects.iter().any(|(o, _)| *o.digest() == digest);
        if in_capath && !loaded && !shared.used.contains_key(&digest) {
            let now = shared.tick();
            shared.used.insert(digest, now);
        }
    }

    /// Adds one DER certificate directly (as if loaded from `cadata`); bytes that do not
    /// parse as a certificate are ignored. Use [`load_cadata`](Self::load_cadata) to get
    /// CPython's errors instead.
    pub fn add_der(&mut self, der: CertificateDer<'static>) {
        if let Ok(objects) = cadata_objects(&CaData::Der(der.to_vec())) {
            self.add_objects(objects);
        }
    }

    /// The reported objects in OpenSSL's `X509_STORE` order: sorted by type then name,
    /// except that the object added last stays at the end when nothing sorted the stack
    /// after its addition.
    fn ordered(&self) -> Vec<Object> {
        let shared = self.shared();
        let mut items: Vec<(u64, Object)> = self
            .objects
            .iter()
            .map(|(o, seq)| (*seq, o.clone()))
            .collect();
        for o in &self.capath {
            if let Some(&seq) = shared.used.get(o.digest()) {
                if !self.objects.iter().any(|(l, _)| l.digest() == o.digest()) {
                    items.push((seq, o.clone()));
                }
            }
        }
        items.sort_by_key(|(seq, _)| *seq);
        let last = match items.last() {
            Some((seq, _)) if *seq > shared.sorted_at => items.pop(),
            _ => None,
        };
        drop(shared);
        let mut out: Vec<Object> = items.into_iter().map(|(_, o)| o).collect();
        out.sort_by(|a, b| a.cmp_openssl(b));
        out.extend(last.map(|(_, o)| o));
        out
    }

    /// `SSLContext.cert_store_stats()`.
    pub fn cert_store_stats(&self) -> CertStoreStats {
        let mut stats = CertStoreStats::default();
        for o in self.ordered() {
            match o {
                Object::Cert(c) => {
                    stats.x509 += 1;
                    stats.x509_ca += usize::from(c.is_ca);
                }
                Object::Crl(_) => stats.crl += 1,
            }
        }
        let embedded = self.embedded_roots().len();
        stats.x509 += embedded;
        stats.x509_ca += embedded;
        stats
    }

    /// `SSLContext.get_ca_certs(binary_form=True)`: the CA certificates (basicConstraints
    /// CA, v1 self-signed, or keyCertSign without basicConstraints), duplicates dropped,
    /// in OpenSSL's store order.
    pub fn get_ca_certs_der(&self) -> Vec<Vec<u8>> {
        self.ordered()
            .into_iter()
            .filter_map(|o| match o {
                Object::Cert(c) if c.is_ca => Some(c.der.to_vec()),
                _ => None,
            })
            .collect()
    }

    /// `SSLContext.get_ca_certs()`: the same certificates as
    /// [`get_ca_certs_der`](Self::get_ca_certs_der), as `getpeercert()`-style dicts.
    pub fn get_ca_certs_dicts(&self) -> Result<Vec<CertInfo>, CertError> {
        self.get_ca_certs_der()
            .iter()
            .map(|der| pyssl_cert::decode_cert_der(der))
            .collect()
    }
}
