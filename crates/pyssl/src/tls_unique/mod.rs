//! `tls-unique` (RFC 5929) for TLS 1.2: the first Finished message's verify_data,
//! read back from that message's record.
//!
//! rustls exposes neither the Finished message nor the master secret through its API.
//! So the engine follows the handshake records both ways ([`Recorder`]: record framing
//! only, nothing hashed) and keeps the two hello randoms and the first Finished's record
//! exactly as it went over the wire — the record right after the first ChangeCipherSpec,
//! which is the client's Finished in a full handshake and the server's in an abbreviated
//! one; each end sees it either among the bytes it writes (the `write_tls` [`Tee`]) or
//! among those it reads. The master secret comes from rustls' key-log hook (the
//! `CLIENT_RANDOM` line, `capture`: a small table of the calling thread's own, emptied
//! right after the rustls call that derived it). A completed handshake keeps those,
//! with the negotiated AEAD, in 136 bytes inline in the connection ([`finished::Ready`]:
//! not the record's tag, nor its message's first byte).
//!
//! Only when the binding is asked for does the work happen (`finished`): the key block
//! `PRF(master_secret, "key expansion", server_random + client_random)` with the suite's
//! hash gives the sender's write key and IV, and the record, the first its sender
//! protected (sequence number 0), opens to the 16-byte Finished message
//! `14 00 00 0c ‖ verify_data`. rustls' TLS 1.2 suites are all AEADs (AES-GCM with an
//! explicit nonce in the record, ChaCha20-Poly1305 with the IV as nonce). Anything
//! missing or a record that does not open gives None. The extended master secret
//! changes only the master secret, which is what the key log reports. TLS 1.3: None
//! (RFC 9266 deprecates tls-unique there; CPython returns OpenSSL's value).
//!
//! Servers also keep the ClientHello while the handshake is followed
//! ([`Recorder::client_hello_body`], for `engine::hello`): copied only when it arrives
//! in pieces; one that comes whole in one record is read in the bytes the engine fed.
//!
//! The engine hands over whole records (whole flights) where it can: a record that is
//! there whole costs one header read and, unless it is a hello or the first Finished,
//! one look at its type; the recorder stops for good once that Finished is captured.

mod capture;
mod finished;
mod recorder;

pub(crate) use capture::capture_log;
pub(crate) use recorder::{Recorder, Tee};

/// Whether recording is still useful: stops once the handshake is known to be TLS 1.3.
pub(crate) fn still_needed(conn: &rustls::CommonState) -> bool {
    conn.protocol_version() != Some(rustls::ProtocolVersion::TLSv1_3)
}

std::thread_local! {
    /// Each thread's spare recorder boxes (`crate::spare`): one for a client's, one for
    /// a server's, as an in-process pair has both at once.
    static SPARE_CLIENT: crate::spare::Slot<Box<Recorder>> = const { std::cell::Cell::new(None) };
    static SPARE_SERVER: crate::spare::Slot<Box<Recorder>> = const { std::cell::Cell::new(None) };
}

/// Gives a recorder that is done with back to its thread's spare slot, emptied.
fn recycle(mut r: Box<Recorder>) {
    let slot = spare_slot(r.keeps_hello());
    r.release();
    crate::spare::keep(slot, r);
}

/// The thread's spare slot for a server's recorder or a client's.
fn spare_slot(
    server_side: bool,
) -> &'static std::thread::LocalKey<crate::spare::Slot<Box<Recorder>>> {
    if server_side {
        &SPARE_SERVER
    } else {
        &SPARE_CLIENT
    }
}

/// A connection's tls-unique state.
#[derive(Debug, Default)]
pub(crate) enum Tracker {
    /// Nothing to follow or keep (TLS 1.3, or the handshake gave no binding).
    #[default]
    Off,
    /// The handshake is being followed.
    Recording(Box<Recorder>),
    /// What a completed TLS 1.2 handshake keeps.
    Ready(finished::Ready),
}

impl Tracker {
    /// The state of a new connection: its handshake is followed (a server also keeps
    /// the ClientHello). The recorder's box is the thread's spare when it has one.
    pub(crate) fn new(server_side: bool) -> Tracker {
        Tracker::Recording(crate::spare::boxed(
            spare_slot(server_side),
            Recorder::new(server_side),
        ))
    }

    /// The handshake completed: keep what tls-unique needs (`Off` unless TLS 1.2).
    pub(crate) fn finish(self, conn: &rustls::CommonState) -> Tracker {
        match self {
            Tracker::Recording(mut r) => {
                let ready = r.finish(conn);
                recycle(r);
                ready.map_or(Tracker::Off, Tracker::Ready)
            }
            other => other,
        }
    }

    /// Nothing more to follow or keep (the handshake is TLS 1.3).
    pub(crate) fn stop(&mut self) {
        if let Tracker::Recording(r) = std::mem::take(self) {
            recycle(r);
        }
    }

    /// The tls-unique value of a completed TLS 1.2 handshake.
    pub(crate) fn value(&self) -> Option<Vec<u8>> {
        match self {
            Tracker::Ready(r) => r.value(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tracker_holds_a_completed_handshake_inline_in_136_bytes() {
        assert_eq!(std::mem::size_of::<super::Tracker>(), 136);
    }
}
