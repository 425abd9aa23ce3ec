//! `tls-unique` (RFC 5929) for TLS 1.2: the first Finished message's verify_data,
//! recomputed from what pyssl saw.
//!
//! rustls exposes neither the Finished message nor the master secret through its API,
//! so the engine records the plaintext handshake records both ways until each side's
//! ChangeCipherSpec ([`Recorder`]), and the TLS 1.2 master secret is taken from rustls'
//! key-log hook (the `CLIENT_RANDOM` line; [`capture_log`] — held in a small in-memory
//! table only until the handshake completes). Then
//! `verify_data = PRF(master_secret, label, Hash(handshake messages))[..12]` with the
//! suite's hash (computed when a full handshake completes; an abbreviated handshake's
//! few hundred recorded bytes are kept instead, and used only when asked for), where the first Finished is the client's for a full handshake (label
//! "client finished") and the server's for an abbreviated one ("server finished").
//! The extended master secret changes only the master secret, not this formula.
//! TLS 1.3: None (RFC 9266 deprecates tls-unique there; CPython returns OpenSSL's value).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use ring::hmac;

/// Per-direction cap on recorded handshake bytes (certificate chains fit easily).
const MAX_RECORDED: usize = 256 * 1024;
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

/// Records the plaintext TLS records of both directions until their ChangeCipherSpec.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    client: Vec<u8>,
    server: Vec<u8>,
}

impl Recorder {
    /// Bytes sent by the client (`from_client`) or the server.
    pub(crate) fn observe(&mut self, from_client: bool, data: &[u8]) {
        let buf = if from_client {
            &mut self.client
        } else {
            &mut self.server
        };
        if buf.len() < MAX_RECORDED {
            buf.extend_from_slice(&data[..data.len().min(MAX_RECORDED - buf.len())]);
        }
    }
}

impl Recorder {
    /// The body of the client's recorded ClientHello (for `engine::hello`), if whole.
    /// Usually the whole ClientHello is in the first record: no copy then.
    pub(crate) fn client_hello_body(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        if let Some(Some((1, msg))) = self.client.get(5..).and_then(|r| messages(r).next()) {
            let record_len = u16::from_be_bytes([self.client[3], self.client[4]]) as usize;
            if self.client[0] == 22 && msg.len() <= record_len {
                return Some(std::borrow::Cow::Borrowed(&msg[4..]));
            }
        }
        let hs = handshake_bytes(&self.client)?;
        let body = match messages(&hs).next()?? {
            (1, msg) => msg[4..].to_vec(),
            _ => return None,
        };
        Some(std::borrow::Cow::Owned(body))
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

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The handshake bytes of a record stream, up to the first ChangeCipherSpec (a server
/// completes before writing its own, so it may be absent).
fn handshake_bytes(stream: &[u8]) -> Option<Vec<u8>> {
    let mut hs = Vec::with_capacity(stream.len());
    let mut rest = stream;
    while rest.len() >= 5 {
        let len = u16::from_be_bytes([rest[3], rest[4]]) as usize;
        if rest.len() < 5 + len {
            break;
        }
        match rest[0] {
            22 => hs.extend_from_slice(&rest[5..5 + len]),
            20 => break,
            _ => return None,
        }
        rest = &rest[5 + len..];
    }
    Some(hs)
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

/// What a completed TLS 1.2 handshake leaves for tls-unique.
#[derive(Debug)]
pub(crate) enum Binding {
    /// A full handshake's value, computed when it completed (its transcript, with the
    /// certificates, is too large to keep around).
    Value([u8; 12]),
    /// An abbreviated handshake's inputs (its records are a few hundred bytes): parsing,
    /// hashing and the PRF run only when the binding is asked for (eagerly they would be
    /// a noticeable part of such a cheap handshake).
    Kept(Box<Kept>),
}

/// The inputs of an abbreviated handshake's tls-unique.
pub(crate) struct Kept {
    master_secret: [u8; 48],
    /// The records as recorded (ClientHello, ServerHello, NewSessionTicket: what the
    /// server's Finished covers), parsed only when asked for.
    records: Recorder,
    sha384: bool,
}

impl std::fmt::Debug for Kept {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kept").finish_non_exhaustive()
    }
}

impl Binding {
    /// The tls-unique value (12 bytes of verify_data).
    pub(crate) fn value(&self) -> Option<Vec<u8>> {
        match self {
            Binding::Value(v) => Some(v.to_vec()),
            Binding::Kept(k) => {
                let alg = if k.sha384 {
                    &ring::digest::SHA384
                } else {
                    &ring::digest::SHA256
                };
                let client = handshake_bytes(&k.records.client)?;
                let server = handshake_bytes(&k.records.server)?;
                let (_, first) = messages(&client).next()??;
                let mut transcript = ring::digest::Context::new(alg);
                transcript.update(first);
                for m in messages(&server) {
                    transcript.update(m?.1);
                }
                let hash = transcript.finish();
                let v = verify_data(
                    &k.master_secret,
                    b"server finished",
                    hash.as_ref(),
                    k.sha384,
                );
                Some(v.to_vec())
            }
        }
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

/// Takes what tls-unique needs once the TLS 1.2 handshake is complete (None otherwise).
pub(crate) fn finish(rec: Recorder, conn: &rustls::CommonState) -> Option<Binding> {
    if conn.protocol_version()? != rustls::ProtocolVersion::TLSv1_2 {
        return None;
    }
    let rustls::SupportedCipherSuite::Tls12(suite) = conn.negotiated_cipher_suite()? else {
        return None;
    };
    let sha384 =
        suite.common.hash_provider.algorithm() == rustls::crypto::hash::HashAlgorithm::SHA384;
    if conn.handshake_kind()? == rustls::HandshakeKind::Resumed {
        // The ClientHello's random, straight from the first record (record header,
        // message header, version); everything else waits until asked for.
        let r = &rec.client;
        if r.len() < 43 || r[0] != 22 || r[5] != 1 {
            return None;
        }
        let master_secret = take_master_secret(&r[11..43])?;
        return Some(Binding::Kept(Box::new(Kept {
            master_secret,
            records: rec,
            sha384,
        })));
    }
    let client = handshake_bytes(&rec.client)?;
    let server = handshake_bytes(&rec.server)?;
    let mut client_msgs = messages(&client);
    let (first_type, first) = client_msgs.next()??;
    if first_type != 1 || first.len() < 4 + 2 + 32 {
        return None;
    }
    let client_random = &first[6..38];
    let digest_alg = if sha384 {
        &ring::digest::SHA384
    } else {
        &ring::digest::SHA256
    };
    let master_secret = take_master_secret(client_random)?;
    let mut transcript = ring::digest::Context::new(digest_alg);
    transcript.update(first);
    for m in messages(&server) {
        let (t, m) = m?;
        // The server's NewSessionTicket comes after the client's Finished.
        if t != 4 {
            transcript.update(m);
        }
    }
    for m in client_msgs {
        transcript.update(m?.1);
    }
    let hash = transcript.finish();
    Some(Binding::Value(verify_data(
        &master_secret,
        b"client finished",
        hash.as_ref(),
        sha384,
    )))
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
