//! Following a TLS 1.2 handshake's records both ways for tls-unique: the two hello
//! randoms, the first Finished's record (as sent: still protected) and, on a server, the
//! ClientHello for `engine::hello`. Record framing and a few small copies; nothing hashed.

use super::finished::{Aead, Ready, MAX_RECORD};

/// Cap on a ClientHello a server keeps for `engine::hello`.
const MAX_HELLO: usize = 256 * 1024;
/// Where a hello's random ends within its message (header 4, version 2, random 32).
const RANDOM_END: u32 = 38;

/// Where one direction's record stream is: the current record's header, how much of
/// its body is still to come, and how many handshake bytes passed before its first
/// ChangeCipherSpec.
#[derive(Debug, Default)]
struct Stream {
    header: [u8; 5],
    have: u8,
    left: u16,
    /// Handshake-content bytes seen, counted until the hello's random has passed
    /// (only the first message's start matters).
    handshake: u32,
}

/// The first Finished's record: how far its capture got.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Capture {
    /// No ChangeCipherSpec yet.
    #[default]
    Waiting,
    /// The first ChangeCipherSpec came from this side (`true`: the client); its next
    /// record is the Finished.
    AfterCcs(bool),
    /// That record's body is being copied (`len` bytes in all).
    Copying { from_client: bool, len: u8 },
    /// Copied whole.
    Done { from_client: bool, len: u8 },
    /// Not a TLS 1.2 Finished record (or not one that fits): no binding.
    Failed,
}

/// Follows the handshake of both directions until the first Finished's record has
/// passed (the record after the first ChangeCipherSpec, whoever sends it: the client
/// in a full handshake, the server in an abbreviated one).
pub(crate) struct Recorder {
    client: Stream,
    server: Stream,
    capture: Capture,
    /// Servers keep the ClientHello (for `engine::hello`).
    keep_hello: bool,
    /// The ClientHello message (header included), while it arrives and after, when it
    /// came in pieces.
    hello: Vec<u8>,
    /// Where the ClientHello message lies (start, length) in the bytes of the
    /// client's `observe` that brought it whole in one record: then it is not copied
    /// (the engine reads it there, in the same `feed`).
    hello_fed: Option<(usize, usize)>,
    client_random: [u8; 32],
    server_random: [u8; 32],
    master_secret: Option<[u8; 48]>,
    record: [u8; MAX_RECORD],
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("capture", &self.capture)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder for a server (`keep_hello`: it keeps the ClientHello) or a client.
    pub(crate) fn new(keep_hello: bool) -> Recorder {
        Recorder {
            client: Stream::default(),
            server: Stream::default(),
            capture: Capture::Waiting,
            keep_hello,
            hello: Vec::new(),
            hello_fed: None,
            client_random: [0; 32],
            server_random: [0; 32],
            master_secret: None,
            record: [0; MAX_RECORD],
        }
    }

    /// Whether this is a server's recorder (it keeps the ClientHello).
    pub(crate) fn keeps_hello(&self) -> bool {
        self.keep_hello
    }

    /// Done with (its box is kept for the thread's next connection): frees what it holds
    /// beyond itself (a ClientHello that came in pieces) and wipes the master secret and
    /// the Finished record, which a spare box would otherwise keep until its next use.
    pub(crate) fn release(&mut self) {
        self.hello = Vec::new();
        if let Some(secret) = &mut self.master_secret {
            secret.fill(0);
        }
        self.master_secret = None;
        self.record.fill(0);
    }

    /// Whether nothing more needs to be followed.
    fn stopped(&self) -> bool {
        matches!(self.capture, Capture::Done { .. } | Capture::Failed)
    }

    /// TLS bytes sent by the client (`from_client`) or the server, in stream order.
    ///
    /// The engine passes whole records (and whole flights): a record that is here
    /// whole is taken in one step (header read in place, body seen once); pieces of
    /// records are framed byte-exactly across calls.
    pub(crate) fn observe(&mut self, from_client: bool, mut data: &[u8]) {
        let total = data.len();
        while !data.is_empty() && !self.stopped() {
            let st = if from_client {
                &mut self.client
            } else {
                &mut self.server
            };
            if st.left == 0 && st.have == 0 {
                if let [kind, _, _, hi, lo, rest @ ..] = data {
                    let len = u16::from_be_bytes([*hi, *lo]);
                    if let Some((body, after)) = rest.split_at_checked(usize::from(len)) {
                        self.record_starts(from_client, *kind, len);
                        if from_client && *kind == 22 {
                            self.hello_in_place(body, total - rest.len());
                        }
                        if !body.is_empty() && !self.stopped() {
                            self.body(from_client, *kind, 0, body);
                        }
                        data = after;
                        continue;
                    }
                }
            }
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
                let (kind, left) = (st.header[0], st.left);
                if left == 0 {
                    st.have = 0;
                }
                self.record_starts(from_client, kind, left);
                continue;
            }
            let n = (st.left as usize).min(data.len());
            let (body, rest) = data.split_at(n);
            let kind = st.header[0];
            let offset = usize::from(u16::from_be_bytes([st.header[3], st.header[4]]) - st.left);
            st.left -= n as u16;
            if st.left == 0 {
                st.have = 0;
            }
            self.body(from_client, kind, offset, body);
            data = rest;
        }
    }

    /// A server's ClientHello that is whole in the first handshake record, `body` (at
    /// `at` in the bytes observed): noted where it is instead of copied.
    fn hello_in_place(&mut self, body: &[u8], at: usize) {
        if let [1, a, b, c, ..] = body {
            let len = 4 + u32::from_be_bytes([0, *a, *b, *c]) as usize;
            if self.keep_hello && self.client.handshake == 0 && len <= body.len() {
                self.hello_fed = Some((at, len));
            }
        }
    }

    /// A record header passed: the first ChangeCipherSpec and the record after it.
    fn record_starts(&mut self, from_client: bool, kind: u8, len: u16) {
        match self.capture {
            Capture::Waiting if kind == 20 => self.capture = Capture::AfterCcs(from_client),
            Capture::AfterCcs(side) if side == from_client => {
                self.capture = if kind == 22 && (1..=MAX_RECORD as u16).contains(&len) {
                    Capture::Copying {
                        from_client,
                        len: len as u8,
                    }
                } else {
                    Capture::Failed
                };
            }
            _ => {}
        }
    }

    /// `body` (from `offset` in its record) of a record of type `kind`.
    fn body(&mut self, from_client: bool, kind: u8, offset: usize, body: &[u8]) {
        match self.capture {
            Capture::Copying {
                from_client: c,
                len,
            } if c == from_client => {
                self.record[offset..offset + body.len()].copy_from_slice(body);
                if offset + body.len() == len as usize {
                    self.capture = Capture::Done { from_client, len };
                }
                return;
            }
            // After its ChangeCipherSpec a side's handshake records are protected.
            Capture::AfterCcs(c) | Capture::Copying { from_client: c, .. } if c == from_client => {
                return;
            }
            _ => {}
        }
        if kind != 22 {
            return;
        }
        let (st, random) = if from_client {
            (&mut self.client, &mut self.client_random)
        } else {
            (&mut self.server, &mut self.server_random)
        };
        let pos = st.handshake;
        if pos < RANDOM_END {
            st.handshake = pos.saturating_add(body.len() as u32);
            copy_random(pos, body, random);
        }
        // Past its random only a server's ClientHello in pieces is still wanted.
        if from_client && self.keep_hello && self.hello_fed.is_none() {
            keep_hello(&mut self.hello, body);
        }
    }

    /// Takes the master secret, once rustls has derived it (call after each rustls call
    /// that processes handshake messages, on the same thread: see `capture`).
    pub(crate) fn learn(&mut self, _conn: &rustls::CommonState) {
        if self.master_secret.is_none() && self.client.handshake >= RANDOM_END {
            self.master_secret = super::capture::take(&self.client_random);
        }
    }

    /// The body of the recorded ClientHello (for `engine::hello`), if whole (servers).
    /// `fed`: the bytes of the client's last `observe` (where a ClientHello that came
    /// whole in one record is read: call in the same `feed`, once rustls accepted it).
    pub(crate) fn client_hello_body<'a>(&'a self, fed: &'a [u8]) -> Option<&'a [u8]> {
        let hello = match self.hello_fed {
            Some((at, len)) => fed.get(at..at.checked_add(len)?)?,
            None => self.hello.as_slice(),
        };
        match hello {
            [1, a, b, c, body @ ..]
                if body.len() == u32::from_be_bytes([0, *a, *b, *c]) as usize =>
            {
                Some(body)
            }
            _ => None,
        }
    }

    /// What tls-unique keeps once the TLS 1.2 handshake completed (None: no binding).
    pub(crate) fn finish(&mut self, conn: &rustls::CommonState) -> Option<Ready> {
        if conn.protocol_version()? != rustls::ProtocolVersion::TLSv1_2 {
            return None;
        }
        let Some(rustls::SupportedCipherSuite::Tls12(suite)) = conn.negotiated_cipher_suite()
        else {
            return None;
        };
        let aead = Aead::of(suite.common.suite)?;
        self.learn(conn);
        let Capture::Done { from_client, len } = self.capture else {
            return None;
        };
        // The first Finished is the client's in a full handshake, the server's in an
        // abbreviated one.
        let resumed = conn.handshake_kind()? == rustls::HandshakeKind::Resumed;
        if from_client == resumed
            || usize::from(len) != aead.record_len()
            || self.server.handshake < RANDOM_END
        {
            return None;
        }
        Some(Ready::new(
            self.master_secret?,
            self.client_random,
            self.server_random,
            &self.record[..aead.record_len()],
            aead,
            from_client,
        ))
    }
}

/// The part of a hello's random (message bytes 6..38) in `body`, which starts at
/// handshake byte `pos`.
fn copy_random(pos: u32, body: &[u8], random: &mut [u8; 32]) {
    let (start, end) = (pos as usize, pos as usize + body.len());
    let (lo, hi) = (start.max(6), end.min(RANDOM_END as usize));
    if lo < hi {
        random[lo - 6..hi - 6].copy_from_slice(&body[lo - start..hi - start]);
    }
}

/// Appends to the kept ClientHello what of `body` still belongs to it.
fn keep_hello(hello: &mut Vec<u8>, mut body: &[u8]) {
    while !body.is_empty() {
        let want = match hello.as_slice() {
            [_, a, b, c, ..] => 4 + u32::from_be_bytes([0, *a, *b, *c]) as usize,
            _ => 4,
        };
        if want > MAX_HELLO || hello.len() >= want {
            return;
        }
        if let ([], [_, a, b, c, ..]) = (hello.as_slice(), body) {
            // One allocation of the right size when the header arrives whole.
            let len = 4 + u32::from_be_bytes([0, *a, *b, *c]) as usize;
            if len > MAX_HELLO {
                return;
            }
            hello.reserve_exact(len);
        }
        let n = (want - hello.len()).min(body.len());
        hello.extend_from_slice(&body[..n]);
        body = &body[n..];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_released_recorder_keeps_no_secret_record_or_hello() {
        let mut r = Recorder::new(true);
        r.master_secret = Some([7; 48]);
        r.record = [9; MAX_RECORD];
        r.hello = vec![1; 300];
        r.release();
        assert!(r.master_secret.is_none());
        assert!(r.record.iter().all(|&b| b == 0));
        assert_eq!(r.hello.capacity(), 0);
        assert!(r.keeps_hello());
    }

    /// A handshake record holding `msg_type` with a random of `fill` bytes and `extra`
    /// more body bytes.
    fn hello(msg_type: u8, fill: u8, extra: usize) -> Vec<u8> {
        let body_len = 2 + 32 + extra;
        let mut msg = vec![msg_type, 0, (body_len >> 8) as u8, body_len as u8, 3, 3];
        msg.extend_from_slice(&[fill; 32]);
        msg.extend((0..extra).map(|i| i as u8));
        record(22, &msg)
    }

    fn record(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![kind, 3, 3, (body.len() >> 8) as u8, body.len() as u8];
        r.extend_from_slice(body);
        r
    }

    /// Feeds `data` in pieces of `step` bytes.
    fn feed(r: &mut Recorder, from_client: bool, data: &[u8], step: usize) {
        for piece in data.chunks(step) {
            r.observe(from_client, piece);
        }
    }

    /// A full handshake's flights as the client sees them; the client's Finished
    /// record is `finished`.
    fn full(r: &mut Recorder, finished: &[u8], step: usize) {
        feed(r, true, &hello(1, 0xc1, 60), step);
        let mut server = hello(2, 0x5e, 20);
        server.extend(record(22, &[11, 0, 0, 3, 0, 0, 0]));
        feed(r, false, &server, step);
        let mut client = record(22, &[16, 0, 0, 2, 1, 9]);
        client.extend(record(20, &[1]));
        client.extend(record(22, finished));
        feed(r, true, &client, step);
        // The server's ChangeCipherSpec and Finished change nothing.
        let mut server = record(20, &[1]);
        server.extend(record(22, &[0xee; 40]));
        feed(r, false, &server, step);
    }

    #[test]
    fn keeps_randoms_and_the_first_finished_record_however_split() {
        let finished: Vec<u8> = (100..140).collect();
        for step in [1, 2, 3, 5, 7, 64, 1000] {
            let mut r = Recorder::new(true);
            full(&mut r, &finished, step);
            assert_eq!(r.client_random, [0xc1; 32], "step {step}");
            assert_eq!(r.server_random, [0x5e; 32], "step {step}");
            assert_eq!(
                r.capture,
                Capture::Done {
                    from_client: true,
                    len: 40
                }
            );
            assert_eq!(r.record[..], finished[..], "step {step}");
            let ch = hello(1, 0xc1, 60);
            let body = r.client_hello_body(&ch).expect("whole ClientHello");
            assert_eq!(body.len(), 2 + 32 + 60);
            assert_eq!(body[2..34], [0xc1; 32]);
        }
        // Clients keep no ClientHello.
        let mut r = Recorder::new(false);
        full(&mut r, &finished, 1000);
        assert_eq!(r.client_hello_body(&hello(1, 0xc1, 60)), None);
        assert!(r.hello.capacity() == 0);
    }

    #[test]
    fn flights_split_at_every_offset_keep_the_same_state() {
        // Whole records take the fast path, split ones the byte-wise framing; mixed
        // across one flight they must agree with the flight given whole.
        let mut client = hello(1, 0xc1, 60);
        client.extend(record(21, &[]));
        client.extend(record(22, &[16, 0, 0, 2, 1, 9]));
        client.extend(record(20, &[1]));
        let finished: Vec<u8> = (100..140).collect();
        client.extend(record(22, &finished));
        let server = hello(2, 0x5e, 20);
        for at in 0..=client.len() {
            let mut r = Recorder::new(true);
            feed(&mut r, false, &server, server.len());
            r.observe(true, &client[..at]);
            r.observe(true, &client[at..]);
            assert_eq!((r.client_random, r.server_random), ([0xc1; 32], [0x5e; 32]));
            assert_eq!(
                r.capture,
                Capture::Done {
                    from_client: true,
                    len: 40
                },
                "split at {at}"
            );
            assert_eq!(r.record[..], finished[..], "split at {at}");
            // Copied unless its record came whole in one piece.
            let whole = at == 0 || at >= 103;
            let fed = if at == 0 { &client[..] } else { &client[..at] };
            let body = r.client_hello_body(fed).expect("whole ClientHello");
            assert_eq!((body.len(), &body[2..34]), (2 + 32 + 60, &[0xc1; 32][..]));
            assert_eq!(r.hello.is_empty(), whole, "split at {at}");
        }
    }

    #[test]
    fn an_abbreviated_handshake_keeps_the_server_finished() {
        let mut r = Recorder::new(false);
        feed(&mut r, true, &hello(1, 1, 10), 3);
        let mut server = hello(2, 2, 10);
        server.extend(record(20, &[1]));
        server.extend(record(22, &[0xab; 32]));
        feed(&mut r, false, &server, 4);
        assert_eq!(
            r.capture,
            Capture::Done {
                from_client: false,
                len: 32
            }
        );
        assert_eq!(r.record[..32], [0xab; 32]);
        assert_eq!((r.client_random, r.server_random), ([1; 32], [2; 32]));
    }

    #[test]
    fn what_follows_the_first_change_cipher_spec_must_be_a_small_handshake_record() {
        for after in [record(22, &[0; 41]), record(23, &[0; 32]), record(22, &[])] {
            let mut r = Recorder::new(true);
            feed(&mut r, true, &hello(1, 1, 10), 1);
            feed(&mut r, true, &record(20, &[1]), 1);
            feed(&mut r, true, &after, 1);
            assert_eq!(r.capture, Capture::Failed);
            // Nothing more is followed.
            feed(&mut r, false, &hello(2, 2, 10), 1);
            assert_eq!(r.server_random, [0; 32]);
        }
    }

    #[test]
    fn a_truncated_or_garbage_stream_leaves_no_record() {
        let mut r = Recorder::new(true);
        let mut client = hello(1, 1, 10);
        client.extend(record(20, &[1]));
        client.extend(record(22, &[7; 40]));
        client.truncate(client.len() - 1);
        feed(&mut r, true, &client, 1);
        assert!(matches!(r.capture, Capture::Copying { .. }));
        // Garbage (lengths and types of any value) neither panics nor completes.
        let mut r = Recorder::new(true);
        let garbage: Vec<u8> = (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect();
        feed(&mut r, true, &garbage, 13);
        feed(&mut r, false, &garbage, 17);
        // A ClientHello claiming to be huge is not kept.
        for step in [1, 100] {
            let mut r = Recorder::new(true);
            feed(
                &mut r,
                true,
                &record(22, &[1, 0xff, 0xff, 0xff, 3, 3]),
                step,
            );
            assert_eq!(r.client_hello_body(&[]), None);
            assert!(r.hello.capacity() < 64);
        }
    }
}
