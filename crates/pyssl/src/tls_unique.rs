//! `tls-unique` (RFC 5929) for TLS 1.2: the first Finished message's verify_data,
//! recomputed from what pyssl saw.
//!
//! rustls exposes neither the Finished message nor the master secret through its API,
//! so the engine follows the plaintext handshake records both ways up to the first
//! ChangeCipherSpec ([`Recorder`]), and the TLS 1.2 master secret is taken from rustls'
//! key-log hook (the `CLIENT_RANDOM` line; [`capture_log`] — held in a small in-memory
//! table only until the handshake completes). Then
//! `verify_data = PRF(master_secret, label, Hash(handshake messages))[..12]` with the
//! suite's hash, where the first Finished is the client's for a full handshake (label
//! "client finished") and the server's for an abbreviated one ("server finished").
//! A full handshake's messages are hashed as they pass (once the ServerHello tells the
//! hash) and only the master secret and the hash are kept; an abbreviated handshake's
//! few hundred bytes of messages are kept instead. The PRF runs only when the binding
//! is asked for. The extended master secret changes only the master secret, not this
//! formula. TLS 1.3: None (RFC 9266 deprecates tls-unique there; CPython returns
//! OpenSSL's value).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use ring::hmac;

/// Cap on handshake bytes kept before a hash runs (certificate chains fit easily).
const MAX_RECORDED: usize = 256 * 1024;
/// The kept bytes' first allocation: a ClientHello, ServerHello and NewSessionTicket.
const FIRST_CAPACITY: usize = 1024;
/// Master secrets of handshakes in progress, by client_random.
const MAX_PENDING: usize = 512;

/// (client_random, master secret): fixed sizes in TLS 1.2, so no allocation per entry.
type Pending = VecDeque<([u8; 32], [u8; 48])>;

fn pending() -> &'static Mutex<Pending> {
    static P: OnceLock<Mutex<Pending>> = OnceLock::new();
    P.get_or_init(Mutex::default)
}

/// The key log that rustls calls: captures TLS 1.2 master secrets for tls-unique and
/// forwards everything to the user's key log file, if any.
pub(crate) struct CaptureLog {
    pub(crate) file: Option<Arc<crate::keylog::KeyLogFile>>,
}

impl std::fmt::Debug for CaptureLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureLog").finish_non_exhaustive()
    }
}

impl rustls::KeyLog for CaptureLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if label == "CLIENT_RANDOM" {
            if let (Ok(random), Ok(secret)) = (client_random.try_into(), secret.try_into()) {
                let mut p = pending().lock().unwrap_or_else(|e| e.into_inner());
                if p.len() >= MAX_PENDING {
                    p.pop_front();
                }
                p.push_back((random, secret));
            }
        }
        if let Some(f) = &self.file {
            f.log(label, client_random, secret);
        }
    }

    fn will_log(&self, label: &str) -> bool {
        label == "CLIENT_RANDOM" || self.file.is_some()
    }
}

/// The key log for a config: capture + the user's file.
pub(crate) fn capture_log(file: Option<Arc<crate::keylog::KeyLogFile>>) -> Arc<dyn rustls::KeyLog> {
    Arc::new(CaptureLog { file })
}

fn take_master_secret(client_random: &[u8]) -> Option<[u8; 48]> {
    let mut p = pending().lock().unwrap_or_else(|e| e.into_inner());
    let i = p.iter().position(|(r, _)| r[..] == *client_random)?;
    p.remove(i).map(|(_, s)| s)
}

/// Where one direction's record stream is: the current record's header and how much
/// of its body is still to come.
#[derive(Debug, Default)]
struct Stream {
    header: [u8; 5],
    have: u8,
    left: u16,
}

/// What the handshake turned out to be (known once the ServerHello is processed).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Kind {
    #[default]
    Unknown,
    /// Full: the client's Finished comes first; its transcript is hashed as it passes.
    Full { sha384: bool },
    /// Abbreviated: the server's Finished comes first; the few hundred bytes it covers
    /// are kept and hashed only when the binding is asked for.
    Resumed { sha384: bool },
}

/// Follows the plaintext handshake of both directions up to the first ChangeCipherSpec
/// (whoever sends it: what comes before it is what the first Finished covers), keeping
/// the handshake messages' bytes — no record headers, no copies of whole records —
/// until the handshake's kind and hash are known, and then, for a full handshake,
/// hashing them as they pass.
#[derive(Default)]
pub(crate) struct Recorder {
    client: Stream,
    server: Stream,
    /// Handshake message bytes in the order seen (both directions), while no hash runs.
    buf: Vec<u8>,
    /// A full handshake's transcript hash.
    hash: Option<ring::digest::Context>,
    client_random: [u8; 32],
    kind: Kind,
    /// The first ChangeCipherSpec was seen: nothing more belongs to the transcript.
    stopped: bool,
    /// More than [`MAX_RECORDED`] bytes waited for the hash: no binding.
    overflow: bool,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Recorder {
    /// TLS bytes sent by the client (`from_client`) or the server, in stream order.
    pub(crate) fn observe(&mut self, from_client: bool, mut data: &[u8]) {
        let st = if from_client {
            &mut self.client
        } else {
            &mut self.server
        };
        while !data.is_empty() && !self.stopped {
            if st.left == 0 {
                let have = st.have as usize;
                let n = (5 - have).min(data.len());
                st.header[have..have + n].copy_from_slice(&data[..n]);
                data = &data[n..];
                st.have = (have + n) as u8;
                if st.have < 5 {
                    break;
                }
                st.left = u16::from_be_bytes([st.header[3], st.header[4]]);
                if st.header[0] == 20 {
                    self.stopped = true;
                }
                if st.left == 0 {
                    st.have = 0;
                }
                continue;
            }
            let n = (st.left as usize).min(data.len());
            if st.header[0] == 22 {
                let body = &data[..n];
                match &mut self.hash {
                    Some(h) => h.update(body),
                    None if self.buf.len() + n <= MAX_RECORDED => {
                        if self.buf.capacity() == 0 {
                            // One allocation for what usually precedes the hash or
                            // makes an abbreviated handshake's transcript.
                            self.buf.reserve(n.max(FIRST_CAPACITY));
                        }
                        self.buf.extend_from_slice(body)
                    }
                    None => self.overflow = true,
                }
            }
            data = &data[n..];
            st.left -= n as u16;
            if st.left == 0 {
                st.have = 0;
            }
        }
    }

    /// Learns, once rustls knows them, the handshake's kind and hash; a full handshake's
    /// kept bytes then go into the hash and are freed.
    pub(crate) fn learn(&mut self, conn: &rustls::CommonState) {
        if self.kind != Kind::Unknown {
            return;
        }
        let Some(kind) = conn.handshake_kind() else {
            return;
        };
        let Some(rustls::SupportedCipherSuite::Tls12(suite)) = conn.negotiated_cipher_suite()
        else {
            return;
        };
        let sha384 =
            suite.common.hash_provider.algorithm() == rustls::crypto::hash::HashAlgorithm::SHA384;
        if kind == rustls::HandshakeKind::Resumed {
            self.kind = Kind::Resumed { sha384 };
            return;
        }
        self.kind = Kind::Full { sha384 };
        let Some(random) = client_random(&self.buf) else {
            self.overflow = true;
            return;
        };
        self.client_random = random;
        let mut hash = ring::digest::Context::new(digest_alg(sha384));
        hash.update(&self.buf);
        self.hash = Some(hash);
        self.buf = Vec::new();
    }

    /// The body of the recorded ClientHello (for `engine::hello`), if whole.
    pub(crate) fn client_hello_body(&self) -> Option<&[u8]> {
        match messages(&self.buf).next()?? {
            (1, msg) => Some(&msg[4..]),
            _ => None,
        }
    }
}

/// The random of the ClientHello at the start of `hs` (message header, version, random).
fn client_random(hs: &[u8]) -> Option<[u8; 32]> {
    match messages(hs).next()?? {
        (1, msg) => msg.get(6..38)?.try_into().ok(),
        _ => None,
    }
}

fn digest_alg(sha384: bool) -> &'static ring::digest::Algorithm {
    if sha384 {
        &ring::digest::SHA384
    } else {
        &ring::digest::SHA256
    }
}

/// A writer that records what passes through it.
pub(crate) struct Tee<'a> {
    pub(crate) inner: &'a mut dyn std::io::Write,
    pub(crate) rec: &'a mut Recorder,
    pub(crate) from_client: bool,
}

impl std::io::Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.rec.observe(self.from_client, &buf[..n]);
        Ok(n)
    }

    /// Passed on whole (rustls writes its queued records as one vectored write; one
    /// `write` per record would grow the destination once per record).
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        let n = self.inner.write_vectored(bufs)?;
        let mut left = n;
        for b in bufs {
            if left == 0 {
                break;
            }
            let k = left.min(b.len());
            self.rec.observe(self.from_client, &b[..k]);
            left -= k;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The handshake messages in `hs`: (type, whole message).
fn messages(hs: &[u8]) -> impl Iterator<Item = Option<(u8, &[u8])>> {
    let mut m = hs;
    std::iter::from_fn(move || {
        if m.len() < 4 {
            return None;
        }
        let len = u32::from_be_bytes([0, m[1], m[2], m[3]]) as usize;
        if m.len() < 4 + len {
            m = &[];
            return Some(None);
        }
        let (msg, rest) = m.split_at(4 + len);
        m = rest;
        Some(Some((msg[0], msg)))
    })
}

/// TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label + seed), `out.len()` bytes.
fn prf(alg: hmac::Algorithm, secret: &[u8], label: &[u8], seed: &[u8], out: &mut [u8]) {
    let key = hmac::Key::new(alg, secret);
    let mut label_seed = label.to_vec();
    label_seed.extend_from_slice(seed);
    let mut a = hmac::sign(&key, &label_seed);
    let mut pos = 0;
    while pos < out.len() {
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(a.as_ref());
        ctx.update(&label_seed);
        let block = ctx.sign();
        let n = (out.len() - pos).min(block.as_ref().len());
        out[pos..pos + n].copy_from_slice(&block.as_ref()[..n]);
        pos += n;
        if pos < out.len() {
            a = hmac::sign(&key, a.as_ref());
        }
    }
}

/// What a completed TLS 1.2 handshake leaves for tls-unique: the inputs of the first
/// Finished's PRF, which runs only when the binding is asked for (eagerly it would be
/// a noticeable part of a handshake's cost).
#[derive(Debug)]
pub(crate) enum Binding {
    /// A full handshake: the client's Finished, from its transcript hash.
    Full(Full),
    /// An abbreviated handshake: the server's Finished, from the few hundred bytes of
    /// handshake messages it covers (hashed only when asked for).
    Kept(Kept),
}

/// A full handshake's master secret and transcript hash (SHA-256: the first 32 bytes).
pub(crate) struct Full {
    master_secret: [u8; 48],
    hash: [u8; 48],
    sha384: bool,
}

/// The inputs of an abbreviated handshake's tls-unique.
pub(crate) struct Kept {
    master_secret: [u8; 48],
    /// The handshake messages (ClientHello, ServerHello, NewSessionTicket).
    messages: Vec<u8>,
    sha384: bool,
}

impl std::fmt::Debug for Full {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Full").finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept").finish_non_exhaustive()
    }
}

impl Binding {
    /// The tls-unique value (12 bytes of verify_data).
    pub(crate) fn value(&self) -> Option<Vec<u8>> {
        let v = match self {
            Binding::Full(f) => {
                let len = if f.sha384 { 48 } else { 32 };
                verify_data(
                    &f.master_secret,
                    b"client finished",
                    &f.hash[..len],
                    f.sha384,
                )
            }
            Binding::Kept(k) => {
                let hash = ring::digest::digest(digest_alg(k.sha384), &k.messages);
                verify_data(
                    &k.master_secret,
                    b"server finished",
                    hash.as_ref(),
                    k.sha384,
                )
            }
        };
        Some(v.to_vec())
    }
}

/// The 12-byte Finished verify_data: PRF(master_secret, label, transcript hash).
fn verify_data(master_secret: &[u8], label: &[u8], hash: &[u8], sha384: bool) -> [u8; 12] {
    let alg = if sha384 {
        hmac::HMAC_SHA384
    } else {
        hmac::HMAC_SHA256
    };
    let mut out = [0u8; 12];
    prf(alg, master_secret, label, hash, &mut out);
    out
}

/// Whether recording is still useful: stops once the handshake is known to be TLS 1.3.
pub(crate) fn still_needed(conn: &rustls::CommonState) -> bool {
    conn.protocol_version() != Some(rustls::ProtocolVersion::TLSv1_3)
}

/// A connection's tls-unique state.
#[derive(Debug, Default)]
pub(crate) enum Tracker {
    /// Nothing to follow or keep (TLS 1.3, or the handshake gave no binding).
    #[default]
    Off,
    /// The handshake is being followed.
    Recording(Box<Recorder>),
    /// A completed TLS 1.2 handshake's inputs.
    Ready(Binding),
}

impl Tracker {
    /// The handshake completed: keep what tls-unique needs (`Off` unless TLS 1.2).
    pub(crate) fn finish(self, conn: &rustls::CommonState) -> Tracker {
        match self {
            Tracker::Recording(r) => finish(*r, conn).map_or(Tracker::Off, Tracker::Ready),
            other => other,
        }
    }

    /// The tls-unique value of a completed TLS 1.2 handshake.
    pub(crate) fn value(&self) -> Option<Vec<u8>> {
        match self {
            Tracker::Ready(b) => b.value(),
            _ => None,
        }
    }
}

/// Takes what tls-unique needs once the TLS 1.2 handshake is complete (None otherwise).
fn finish(mut rec: Recorder, conn: &rustls::CommonState) -> Option<Binding> {
    if conn.protocol_version()? != rustls::ProtocolVersion::TLSv1_2 {
        return None;
    }
    rec.learn(conn);
    if rec.overflow {
        return None;
    }
    match rec.kind {
        Kind::Full { sha384 } => {
            let master_secret = take_master_secret(&rec.client_random)?;
            let digest = rec.hash?.finish();
            let mut hash = [0u8; 48];
            hash[..digest.as_ref().len()].copy_from_slice(digest.as_ref());
            Some(Binding::Full(Full {
                master_secret,
                hash,
                sha384,
            }))
        }
        Kind::Resumed { sha384 } => {
            let master_secret = take_master_secret(&client_random(&rec.buf)?)?;
            Some(Binding::Kept(Kept {
                master_secret,
                messages: rec.buf,
                sha384,
            }))
        }
        Kind::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_matches_a_known_vector() {
        // The widely used TLS 1.2 PRF (SHA-256) test vector.
        let secret = [
            0x9b, 0xbe, 0x43, 0x6b, 0xa9, 0x40, 0xf0, 0x17, 0xb1, 0x76, 0x52, 0x84, 0x9a, 0x71,
            0xdb, 0x35,
        ];
        let seed = [
            0xa0, 0xba, 0x9f, 0x93, 0x6c, 0xda, 0x31, 0x18, 0x27, 0xa6, 0xf7, 0x96, 0xff, 0xd5,
            0x19, 0x8c,
        ];
        let mut out = [0u8; 16];
        prf(hmac::HMAC_SHA256, &secret, b"test label", &seed, &mut out);
        assert_eq!(
            out,
            [
                0xe3, 0xf2, 0x29, 0xba, 0x72, 0x7b, 0xe1, 0x7b, 0x8d, 0x12, 0x26, 0x20, 0x55, 0x7c,
                0xd4, 0x53
            ]
        );
    }
}
