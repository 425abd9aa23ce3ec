//! TLS record boundaries, so the engine feeds rustls one record at a time: nothing
//! after a close_notify is ever consumed (`unwrap()` / STARTTLS leave it for the user),
//! and non-TLS input is recognised from the record header as OpenSSL does.

/// Tracks where the current record ends in the incoming byte stream.
#[derive(Debug, Default)]
pub(crate) struct RecordSplitter {
    header: [u8; 5],
    /// Small integer types: this sits in every connection.
    header_len: u8,
    body_left: u16,
    /// The first bytes ever received (for HTTP detection): `first[..first_len]`.
    first: [u8; 8],
    first_len: u8,
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

impl RecordSplitter {
    /// How many bytes of `data` belong to the current record (never beyond its end).
    pub(crate) fn limit(&self, data: &[u8]) -> usize {
        if self.header_len == 5 && self.body_left > 0 {
            return (self.body_left as usize).min(data.len());
        }
        let have = if self.header_len == 5 {
            0
        } else {
            self.header_len as usize
        };
        let need = 5 - have;
        if data.len() <= need {
            return data.len();
        }
        let mut hdr = self.header;
        hdr[have..].copy_from_slice(&data[..need]);
        let len = u16::from_be_bytes([hdr[3], hdr[4]]) as usize;
        need + len.min(data.len() - need)
    }

    /// Checks the header that `data` (about to be fed) completes, if any.
    pub(crate) fn check(&self, data: &[u8]) -> Result<(), BadHeader> {
        let have = if self.header_len == 5 && self.body_left == 0 {
            0
        } else if self.header_len == 5 {
            return Ok(());
        } else {
            self.header_len as usize
        };
        let mut hdr = self.header;
        let take = (5 - have).min(data.len());
        hdr[have..have + take].copy_from_slice(&data[..take]);
        let known = have + take;
        // Content type: 20..=24 (change_cipher_spec, alert, handshake, application_data, heartbeat).
        if known >= 1 && !(20..=24).contains(&hdr[0]) {
            return Err(self.wrong_version(&hdr[..known], data));
        }
        if known >= 2 && hdr[1] != 3 {
            return Err(self.wrong_version(&hdr[..known], data));
        }
        if known == 5 && u16::from_be_bytes([hdr[3], hdr[4]]) as usize > MAX_RECORD {
            return Err(BadHeader::TooLong);
        }
        Ok(())
    }

    fn wrong_version(&self, hdr: &[u8], data: &[u8]) -> BadHeader {
        let mut start = self.first[..self.first_len as usize].to_vec();
        start.extend_from_slice(&data[..data.len().min(8)]);
        let _ = hdr;
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
        .any(|m| start.starts_with(m));
        BadHeader::WrongVersion { http }
    }

    /// Whether nothing has been received yet.
    pub(crate) fn is_fresh(&self) -> bool {
        self.first_len == 0
    }

    /// Records that `data` was consumed.
    pub(crate) fn advance(&mut self, mut data: &[u8]) {
        let first_len = self.first_len as usize;
        if first_len < 8 {
            let n = (8 - first_len).min(data.len());
            self.first[first_len..first_len + n].copy_from_slice(&data[..n]);
            self.first_len = (first_len + n) as u8;
        }
        while !data.is_empty() {
            if self.header_len == 5 && self.body_left == 0 {
                self.header_len = 0;
            }
            let have = self.header_len as usize;
            if have < 5 {
                let take = (5 - have).min(data.len());
                self.header[have..have + take].copy_from_slice(&data[..take]);
                self.header_len = (have + take) as u8;
                data = &data[take..];
                if self.header_len == 5 {
                    self.body_left = u16::from_be_bytes([self.header[3], self.header[4]]);
                }
            } else {
                let take = (self.body_left as usize).min(data.len());
                self.body_left -= take as u16;
                data = &data[take..];
            }
        }
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
        assert_eq!(r.limit(&data), 7);
        r.advance(&data[..3]);
        assert_eq!(r.limit(&data[3..]), 4);
        r.advance(&data[3..7]);
        assert_eq!(r.limit(&data[7..]), 6);
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
            r.check(b"GET / HTTP/1.1\r\n"),
            Err(BadHeader::WrongVersion { http: true })
        );
        assert_eq!(
            r.check(b"garbage"),
            Err(BadHeader::WrongVersion { http: false })
        );
        assert_eq!(r.check(&[22, 3, 1, 0, 5]), Ok(()));
        assert_eq!(r.check(&[22, 3, 1, 0xff, 0xff]), Err(BadHeader::TooLong));
    }
}
