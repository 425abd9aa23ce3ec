//! Reading TLS records from a stream without ever reading past a close_notify.
//!
//! `unwrap()` must hand back the plain stream with every byte after the peer's close_notify
//! still unread (STARTTLS-style protocols continue in plaintext on the same connection).
//! Only a record that may carry an alert needs an exact stop: the reader then takes its body
//! and nothing more. After any other record it also asks for the next record's 5-byte header
//! in the same `read`, which is always TLS (the peer has not closed yet), so a stream of
//! records costs one `read` each.
//!
//! Which records may carry an alert: alert records (content type 21) always; in TLS 1.3 also
//! every application_data record (23), because TLS 1.3 encrypts the real content type — a
//! close_notify looks like data, and padding lets it have any length. So under TLS 1.3 (and
//! until the connection is known to be TLS 1.2) data records are read exactly: header, then
//! body, as OpenSSL does without read-ahead. Handshake (22) and change_cipher_spec (20)
//! records never carry an alert.

use std::io::{self, Read};

/// TLS record header length.
const HEADER_LEN: usize = 5;
/// Largest legal record body (TLSCiphertext: 2^14 + 2048).
const MAX_BODY: usize = 16384 + 2048;
/// Content types.
const ALERT: u8 = 21;
const APPLICATION_DATA: u8 = 23;

/// Whether `bytes` start with what looks like a TLS record header (content type 20–24,
/// major version 3, a legal length): bytes a TLS peer may send, not garbage.
pub(crate) fn plausible_header(bytes: &[u8]) -> bool {
    match bytes {
        [ct, 3, _, hi, lo, ..] => {
            (20..=24).contains(ct) && usize::from(u16::from_be_bytes([*hi, *lo])) <= MAX_BODY
        }
        _ => false,
    }
}

/// Tracks where the stream is within the current TLS record.
#[derive(Debug, Default)]
pub(crate) struct RecordReader {
    header: [u8; HEADER_LEN],
    header_got: usize,
    body_left: usize,
    /// Content type of the record whose body is being read.
    content_type: u8,
    /// The connection is TLS 1.2: application_data records are never alerts.
    tls12: bool,
    /// Set when the peer sent something that is not TLS: boundaries are meaningless then, so
    /// bytes pass through unframed and the engine reports the protocol error.
    passthrough: bool,
}

impl RecordReader {
    /// Declares the negotiated version (TLS 1.2 lets data records be read ahead).
    pub(crate) fn set_tls12(&mut self, tls12: bool) {
        self.tls12 = tls12;
    }

    /// Whether the current record may be an alert (then nothing after it may be read).
    fn may_be_alert(&self) -> bool {
        self.content_type == ALERT || (self.content_type == APPLICATION_DATA && !self.tls12)
    }

    /// How many bytes the next `read` may ask for without crossing a record boundary that
    /// must be respected.
    pub(crate) fn next_len(&self, room: usize) -> usize {
        if self.passthrough {
            room
        } else if self.body_left > 0 {
            let ahead = if self.may_be_alert() { 0 } else { HEADER_LEN };
            room.min(self.body_left + ahead)
        } else {
            room.min(HEADER_LEN - self.header_got)
        }
    }

    /// Reads once from `stream` into `buf` (never past where [`next_len`](Self::next_len)
    /// allows) and accounts for the bytes. `Ok(0)` is EOF.
    pub(crate) fn read_from<R: Read + ?Sized>(
        &mut self,
        stream: &mut R,
        buf: &mut [u8],
    ) -> io::Result<usize> {
        let want = self.next_len(buf.len());
        let n = stream.read(&mut buf[..want])?;
        self.consumed(&buf[..n]);
        Ok(n)
    }

    /// Accounts for `bytes` just read (which respected [`next_len`](Self::next_len), or
    /// were everything there was before any record boundary mattered).
    pub(crate) fn consumed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() && !self.passthrough {
            if self.body_left > 0 {
                let take = self.body_left.min(bytes.len());
                self.body_left -= take;
                bytes = &bytes[take..];
                continue;
            }
            let take = (HEADER_LEN - self.header_got).min(bytes.len());
            self.header[self.header_got..self.header_got + take].copy_from_slice(&bytes[..take]);
            self.header_got += take;
            bytes = &bytes[take..];
            if self.header_got == HEADER_LEN {
                let content_type = self.header[0];
                let len = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                self.header_got = 0;
                if !plausible_header(&self.header) {
                    self.passthrough = true;
                } else {
                    self.content_type = content_type;
                    self.body_left = len;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ct: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![ct, 3, 3];
        v.extend_from_slice(&(body.len() as u16).to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn stops_exactly_at_each_record_boundary() {
        let mut wire = record(23, &[7u8; 300]);
        wire.extend(record(21, &[1, 2]));
        wire.extend_from_slice(b"PLAINTEXT AFTER");
        let total_tls = wire.len() - b"PLAINTEXT AFTER".len();
        let (_, rest) = drain(wire, total_tls, false);
        assert_eq!(rest, b"PLAINTEXT AFTER");
    }

    /// Reads `wire` through a reader until `tls_len` bytes were taken; returns the number of
    /// reads and what is left on the stream.
    fn drain(wire: Vec<u8>, tls_len: usize, tls12: bool) -> (usize, Vec<u8>) {
        let mut cur = io::Cursor::new(wire);
        let mut rr = RecordReader::default();
        rr.set_tls12(tls12);
        let mut buf = [0u8; 4096];
        let (mut got, mut reads) = (0, 0);
        while got < tls_len {
            let n = rr.read_from(&mut cur, &mut buf).unwrap();
            assert!(n > 0);
            got += n;
            reads += 1;
            assert!(reads < 100);
        }
        assert_eq!(got, tls_len, "never read past the close_notify");
        let mut rest = Vec::new();
        cur.read_to_end(&mut rest).unwrap();
        (reads, rest)
    }

    #[test]
    fn tls12_data_records_read_ahead_but_alerts_stop_exactly() {
        let mut wire = Vec::new();
        for _ in 0..3 {
            wire.extend(record(23, &[7u8; 1000]));
        }
        wire.extend(record(21, &[1, 0]));
        let tls_len = wire.len();
        wire.extend_from_slice(b"PLAINTEXT AFTER");
        // TLS 1.2: header, then each body with the next header: 1 + 3 + 1 reads.
        let (reads, rest) = drain(wire.clone(), tls_len, true);
        assert_eq!(rest, b"PLAINTEXT AFTER");
        assert_eq!(reads, 5);
        // Unknown version / TLS 1.3: data records may hide a close_notify, so two reads each.
        let (reads, rest) = drain(wire, tls_len, false);
        assert_eq!(rest, b"PLAINTEXT AFTER");
        assert_eq!(reads, 8);
    }

    #[test]
    fn tls13_close_notify_in_a_data_record_is_not_read_past() {
        let mut wire = record(22, &[2u8; 90]);
        wire.extend(record(23, &[9u8; 19]));
        let tls_len = wire.len();
        wire.extend_from_slice(b"PLAIN");
        let (reads, rest) = drain(wire, tls_len, false);
        assert_eq!(rest, b"PLAIN");
        // Handshake record read ahead into the next header: header, body+header, body.
        assert_eq!(reads, 3);
    }

    #[test]
    fn non_tls_bytes_pass_through() {
        let mut cur = io::Cursor::new(b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec());
        let mut rr = RecordReader::default();
        let mut buf = [0u8; 64];
        assert_eq!(rr.read_from(&mut cur, &mut buf).unwrap(), 5);
        assert_eq!(rr.read_from(&mut cur, &mut buf).unwrap(), 23);
    }

    #[test]
    fn small_buffers_split_header_and_body() {
        let wire = record(22, &[9u8; 10]);
        let mut cur = io::Cursor::new(wire.clone());
        let mut rr = RecordReader::default();
        let mut out = Vec::new();
        let mut buf = [0u8; 3];
        for _ in 0..20 {
            let n = rr.read_from(&mut cur, &mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, wire);
    }
}
