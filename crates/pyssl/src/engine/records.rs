//! TLS record boundaries, so the engine feeds rustls one record at a time: nothing
//! after a close_notify is ever consumed (`unwrap()` / STARTTLS leave it for the user),
//! and non-TLS input is recognised from the record header as OpenSSL does.

/// Tracks where the current record ends in the incoming byte stream.
#[derive(Debug, Default)]
pub(crate) struct RecordSplitter {
    /// The current record's header while it is incomplete: `header[..header_len]`.
    header: [u8; 5],
    /// Header bytes of the current record seen: 0 at a record boundary, 5 while its
    /// body is read (small integer types: this sits in every connection).
    header_len: u8,
    /// Body bytes of the current record still to come.
    body_left: u16,
    /// Whether any byte has been consumed.
    started: bool,
}

/// What is wrong with a record header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadHeader {
    /// Not a TLS record (wrong version or content type); `http` when it looks like an
    /// HTTP request line.
    WrongVersion { http: bool },
    /// A record longer than TLS allows.
    TooLong,
}

const MAX_RECORD: usize = 16384 + 2048;

/// How many bytes at the start of `data` are complete, well-formed handshake or
/// ChangeCipherSpec records (the engine feeds them together while handshaking).
pub(crate) fn whole_handshake_records(mut data: &[u8]) -> usize {
    let mut n = 0;
    while let [20 | 22, 3, _, hi, lo, rest @ ..] = data {
        let len = usize::from(u16::from_be_bytes([*hi, *lo]));
        if len > MAX_RECORD || rest.len() < len {
            break;
        }
        n += 5 + len;
        data = &rest[len..];
    }
    n
}

/// Checks the `known` first bytes of a record header (content type 20..=24:
/// change_cipher_spec, alert, handshake, application_data, heartbeat; major version 3;
/// a length TLS allows). `data` is the input, for telling an HTTP request.
fn check_header(hdr: &[u8], data: &[u8]) -> Result<(), BadHeader> {
    match *hdr {
        [ct, ..] if !(20..=24).contains(&ct) => Err(wrong_version(data)),
        [_, major, ..] if major != 3 => Err(wrong_version(data)),
        [_, _, _, hi, lo] if usize::from(u16::from_be_bytes([hi, lo])) > MAX_RECORD => {
            Err(BadHeader::TooLong)
        }
        _ => Ok(()),
    }
}

#[cold]
fn wrong_version(data: &[u8]) -> BadHeader {
    let http = [
        &b"GET "[..],
        b"POST ",
        b"HEAD ",
        b"PUT ",
        b"CONNECT ",
        b"OPTIONS ",
        b"DELETE ",
        b"PATCH ",
    ]
    .iter()
    .any(|m| data.starts_with(m));
    BadHeader::WrongVersion { http }
}

impl RecordSplitter {
    /// Checks the record header that `data` (about to be fed) completes, if any, and
    /// returns how many bytes of `data` belong to the current record (never beyond
    /// its end).
    pub(crate) fn next(&self, data: &[u8]) -> Result<usize, BadHeader> {
        match (self.header_len, data) {
            (5, _) => Ok(usize::from(self.body_left).min(data.len())),
            // The common case: a whole header at a record boundary, read in place.
            (0, [_, _, _, hi, lo, ..]) => {
                check_header(&data[..5], data)?;
                let len = usize::from(u16::from_be_bytes([*hi, *lo]));
                Ok(5 + len.min(data.len() - 5))
            }
            _ => self.next_partial(data),
        }
    }

    /// [`next`](Self::next) where the header is split between feeds.
    #[cold]
    #[inline(never)]
    fn next_partial(&self, data: &[u8]) -> Result<usize, BadHeader> {
        let have = usize::from(self.header_len);
        let mut hdr = self.header;
        let take = (5 - have).min(data.len());
        hdr[have..have + take].copy_from_slice(&data[..take]);
        check_header(&hdr[..have + take], data)?;
        if have + take < 5 {
            return Ok(data.len());
        }
        let len = usize::from(u16::from_be_bytes([hdr[3], hdr[4]]));
        Ok(take + len.min(data.len() - take))
    }

    /// Whether nothing has been received yet.
    pub(crate) fn is_fresh(&self) -> bool {
        !self.started
    }

    /// Records that `data` was consumed.
    pub(crate) fn advance(&mut self, mut data: &[u8]) {
        self.started |= !data.is_empty();
        while !data.is_empty() {
            match (self.header_len, data) {
                (5, _) => {
                    let take = usize::from(self.body_left).min(data.len());
                    self.body_left -= take as u16;
                    data = &data[take..];
                }
                (0, [_, _, _, hi, lo, rest @ ..]) => {
                    self.body_left = u16::from_be_bytes([*hi, *lo]);
                    self.header_len = 5;
                    data = rest;
                }
                _ => data = self.advance_partial(data),
            }
            if self.header_len == 5 && self.body_left == 0 {
                self.header_len = 0;
            }
        }
    }

    /// Takes the bytes of a header split between feeds; returns the rest of `data`.
    #[cold]
    #[inline(never)]
    fn advance_partial<'a>(&mut self, data: &'a [u8]) -> &'a [u8] {
        let have = usize::from(self.header_len);
        let take = (5 - have).min(data.len());
        self.header[have..have + take].copy_from_slice(&data[..take]);
        self.header_len = (have + take) as u8;
        if self.header_len == 5 {
            self.body_left = u16::from_be_bytes([self.header[3], self.header[4]]);
        }
        &data[take..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_to_one_record() {
        let mut r = RecordSplitter::default();
        let mut data = vec![23, 3, 3, 0, 2, 0xaa, 0xbb];
        data.extend_from_slice(&[21, 3, 3, 0, 1, 0]);
        assert_eq!(r.next(&data), Ok(7));
        r.advance(&data[..3]);
        assert_eq!(r.next(&data[3..]), Ok(4));
        r.advance(&data[3..7]);
        assert_eq!(r.next(&data[7..]), Ok(6));
    }

    #[test]
    fn pieces_never_cross_a_record_end_however_the_input_is_split() {
        let records: [&[u8]; 4] = [
            &[22, 3, 3, 0, 3, 1, 2, 3],
            &[20, 3, 3, 0, 1, 1],
            &[23, 3, 3, 0, 0],
            &[21, 3, 3, 0, 2, 1, 0],
        ];
        let stream = records.concat();
        let mut ends = Vec::new();
        let mut at = 0;
        for r in records {
            at += r.len();
            ends.push(at);
        }
        for chunk in 1..=stream.len() {
            let mut r = RecordSplitter::default();
            let mut pos = 0;
            while pos < stream.len() {
                let piece = &stream[pos..(pos + chunk).min(stream.len())];
                let n = r.next(piece).unwrap();
                assert!(n > 0 || piece.is_empty());
                let end = pos + n;
                // Within one record: no record end strictly inside the piece.
                assert!(
                    !ends.iter().any(|&e| pos < e && e < end),
                    "chunk {chunk} at {pos}"
                );
                r.advance(&stream[pos..end]);
                pos = end;
                assert!(!r.is_fresh());
            }
            assert_eq!(r.next(&[]), Ok(0));
        }
    }

    #[test]
    fn handshake_runs_stop_at_other_types_and_partial_records() {
        let hs = [22, 3, 3, 0, 2, 1, 2];
        let ccs = [20, 3, 3, 0, 1, 1];
        let app = [23, 3, 3, 0, 1, 9];
        let alert = [21, 3, 3, 0, 2, 1, 0];
        let cat = |parts: &[&[u8]]| parts.concat();
        assert_eq!(whole_handshake_records(&cat(&[&hs, &ccs, &hs])), 20);
        assert_eq!(whole_handshake_records(&cat(&[&hs, &app, &hs])), 7);
        assert_eq!(whole_handshake_records(&cat(&[&ccs, &alert])), 6);
        assert_eq!(whole_handshake_records(&cat(&[&hs, &hs[..6]])), 7);
        assert_eq!(whole_handshake_records(&[22, 3, 3, 0xff, 0xff]), 0);
        assert_eq!(whole_handshake_records(&[22, 2, 3, 0, 0]), 0);
        assert_eq!(whole_handshake_records(&[]), 0);
    }

    #[test]
    fn detects_http() {
        let r = RecordSplitter::default();
        assert_eq!(
            r.next(b"GET / HTTP/1.1\r\n"),
            Err(BadHeader::WrongVersion { http: true })
        );
        assert_eq!(
            r.next(b"garbage"),
            Err(BadHeader::WrongVersion { http: false })
        );
        assert_eq!(r.next(&[22, 3, 1, 0, 5]), Ok(5));
        assert_eq!(r.next(&[22, 3, 1, 0xff, 0xff]), Err(BadHeader::TooLong));
        // Known bytes are checked before the header is whole.
        assert_eq!(r.next(&[22, 3]), Ok(2));
        assert_eq!(
            r.next(&[22, 2]),
            Err(BadHeader::WrongVersion { http: false })
        );
    }
}
