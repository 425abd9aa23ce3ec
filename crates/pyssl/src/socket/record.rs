//! Reading TLS records from a stream without ever reading past a record boundary.
//!
//! `unwrap()` must hand back the plain stream with every byte after the peer's close_notify
//! still unread (STARTTLS-style protocols continue in plaintext on the same connection).
//! TLS 1.3 hides the close_notify inside an ordinary application-data record, so no record can
//! be told apart in advance: the reader stops at *every* record boundary — first the 5-byte
//! header, then exactly the body length it announces. That costs one extra `read` per record
//! and no copies.

use std::io::{self, Read};

/// TLS record header length.
const HEADER_LEN: usize = 5;
/// Largest legal record body (TLSCiphertext: 2^14 + 2048).
const MAX_BODY: usize = 16384 + 2048;

/// Tracks where the stream is within the current TLS record.
#[derive(Debug, Default)]
pub(crate) struct RecordReader {
    header: [u8; HEADER_LEN],
    header_got: usize,
    body_left: usize,
    /// Set when the peer sent something that is not TLS: boundaries are meaningless then, so
    /// bytes pass through unframed and the engine reports the protocol error.
    passthrough: bool,
}

impl RecordReader {
    /// How many bytes the next `read` may ask for without crossing a record boundary.
    pub(crate) fn next_len(&self, room: usize) -> usize {
        if self.passthrough {
            room
        } else if self.body_left > 0 {
            room.min(self.body_left)
        } else {
            room.min(HEADER_LEN - self.header_got)
        }
    }

    /// Reads once from `stream` into `buf` (never past the current record) and accounts
    /// for the bytes. `Ok(0)` is EOF.
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

    /// Accounts for `bytes` just read (which respected [`next_len`](Self::next_len)).
    fn consumed(&mut self, bytes: &[u8]) {
        if self.passthrough || bytes.is_empty() {
            return;
        }
        if self.body_left > 0 {
            self.body_left -= bytes.len();
            return;
        }
        self.header[self.header_got..self.header_got + bytes.len()].copy_from_slice(bytes);
        self.header_got += bytes.len();
        if self.header_got == HEADER_LEN {
            let content_type = self.header[0];
            let len = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
            self.header_got = 0;
            if !(20..=24).contains(&content_type) || self.header[1] != 3 || len > MAX_BODY {
                self.passthrough = true;
            } else {
                self.body_left = len;
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
        let mut cur = io::Cursor::new(wire);
        let mut rr = RecordReader::default();
        let mut buf = [0u8; 4096];
        let mut got = 0;
        let mut reads = 0;
        while got < total_tls {
            let n = rr.read_from(&mut cur, &mut buf).unwrap();
            assert!(n > 0);
            got += n;
            reads += 1;
            assert!(reads < 100);
        }
        assert_eq!(got, total_tls, "never read past the last record");
        let mut rest = Vec::new();
        cur.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"PLAINTEXT AFTER");
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
