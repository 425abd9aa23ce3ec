//! A reader that splits PEM text into blocks exactly where OpenSSL's `PEM_read_bio` (in its
//! default "EAY compatible" mode) does, and says *how* it failed. CPython's loaders turn
//! those failure kinds into different outcomes (a block with no body silently ends
//! `cadata` but fails a CA file; a bad base64 body is an error in both), which the
//! general-purpose reader of `pyssl-cert` (built for `PEM_read_bio_X509`, where every
//! failure is the same error) does not distinguish.

/// One PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PemBlock {
    /// The label between `-----BEGIN ` and `-----`.
    pub name: String,
    /// Length of the RFC 1421 header part (`Proc-Type: ...`), 0 when none.
    pub header_len: usize,
    /// The base64-decoded body (never empty).
    pub data: Vec<u8>,
}

/// Why `PEM_read_bio` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PemFailure {
    /// No further BEGIN line (`PEM_R_NO_START_LINE`): the normal end of input.
    NoStartLine,
    /// Missing or mismatched END line, or a misplaced blank/short line (`PEM_R_BAD_END_LINE`).
    BadEndLine,
    /// The body is not valid base64 (`PEM_R_BAD_BASE64_DECODE`).
    BadBase64,
    /// A failure OpenSSL reports without queuing an error (empty body, over-long line).
    Silent,
}

/// Where the bytes come from: OpenSSL's `BIO_gets` differs for files (`fgets`: a line ends
/// at its first NUL) and memory (`cadata`: NULs are kept, C string functions stop there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// A file BIO (`cafile`, hashed directory files).
    File,
    /// A memory BIO (`cadata`).
    Memory,
}

/// OpenSSL's `LINESIZE` (255): `BIO_gets` returns at most 254 bytes per call.
const MAX_LINE: usize = 254;

/// Sequential PEM block reader over a byte buffer.
pub(crate) struct PemReader<'a> {
    rest: &'a [u8],
    source: Source,
    /// Whether the last line read filled the buffer without reaching a newline.
    partial: bool,
}

/// The part of `s` before its first NUL (what C string functions see).
fn cstr(s: &[u8]) -> &[u8] {
    s.iter().position(|&b| b == 0).map_or(s, |p| &s[..p])
}

impl<'a> PemReader<'a> {
    /// A reader at the start of `input`.
    pub(crate) fn new(input: &'a [u8], source: Source) -> Self {
        PemReader {
            rest: input,
            source,
            partial: false,
        }
    }

    /// `BIO_gets`: the next chunk (through `\n`, at most 254 bytes), as OpenSSL's caller
    /// sees it; `None` when `BIO_gets` returns 0 (end of input, or a file line that starts
    /// with NUL).
    fn next_line(&mut self) -> Option<&'a [u8]> {
        if self.rest.is_empty() {
            self.partial = false;
            return None;
        }
        let limit = self.rest.len().min(MAX_LINE);
        let end = self.rest[..limit]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(limit, |p| p + 1);
        let (chunk, rest) = self.rest.split_at(end);
        self.rest = rest;
        let line = match self.source {
            Source::File => cstr(chunk),
            Source::Memory => chunk,
        };
        self.partial = line.len() == MAX_LINE && line[MAX_LINE - 1] != b'\n';
        (!line.is_empty()).then_some(line)
    }

    /// Reads the next block, like one `PEM_read_bio` call.
    pub(crate) fn next_block(&mut self) -> Result<PemBlock, PemFailure> {
        let name = self.find_begin()?;
        let (header_len, text) = self.header_and_data(&name)?;
        if text.is_empty() {
            return Err(PemFailure::Silent);
        }
        let data = decode_base64(&text).ok_or(PemFailure::BadBase64)?;
        if data.is_empty() {
            return Err(PemFailure::Silent);
        }
        Ok(PemBlock {
            name: String::from_utf8_lossy(&name).into_owned(),
            header_len,
            data,
        })
    }

    /// `get_name`: skips lines until a `-----BEGIN X-----` line and returns `X`.
    fn find_begin(&mut self) -> Result<Vec<u8>, PemFailure> {
        let mut first = true;
        loop {
            let raw = self.next_line().ok_or(PemFailure::NoStartLine)?;
            let line = sanitize(raw, first);
            first = false;
            if line.len() >= 16
                && cstr(line).starts_with(b"-----BEGIN ")
                && line.ends_with(b"-----")
            {
                return Ok(cstr(&line[11..line.len() - 5]).to_vec());
            }
        }
    }

    /// `get_header_and_data`: reads to the END line; returns the header length and the
    /// base64 text (lines joined with `\n`).
    fn header_and_data(&mut self, name: &[u8]) -> Result<(usize, Vec<u8>), PemFailure> {
        #[derive(PartialEq)]
        enum State {
            Maybe,
            InHead,
            Post,
        }
        let mut state = State::Maybe;
        let mut first_part = Vec::new(); // header, or data when no blank line is seen
        let mut data = Vec::new();
        let mut end = false;
        let end_line = [b"-----END ".as_slice(), name, b"-----"].concat();
        loop {
            let prev_partial = self.partial;
            let raw = self.next_line().ok_or(PemFailure::BadEndLine)?;
            if state == State::Maybe && raw.contains(&b':') {
                state = State::InHead;
            }
            let line = sanitize(raw, false);
            if line.is_empty() {
                // A newline right after a full buffer ends that line; it is not blank.
                if !prev_partial {
                    if state == State::Post {
                        return Err(PemFailure::BadEndLine);
                    }
                    state = State::Post;
                }
                continue;
            }
            if cstr(line).starts_with(b"-----END ") {
                if line != end_line.as_slice() {
                    return Err(PemFailure::BadEndLine);
                }
                return Ok(match state {
                    State::Post => (first_part.len(), data),
                    // Header lines with no blank line after them: no body at all.
                    State::InHead => (first_part.len(), Vec::new()),
                    State::Maybe => (0, first_part),
                });
            } else if end {
                return Err(PemFailure::BadEndLine);
            }
            let target = if state == State::Post {
                &mut data
            } else {
                &mut first_part
            };
            // `BIO_puts` of the sanitized line plus its newline stops at a NUL.
            let text = cstr(line);
            target.extend_from_slice(text);
            if text.len() == line.len() {
                target.push(b'\n');
            }
            if state == State::Post {
                // Encrypted bodies must use 64-character lines; a short line ends them.
                if line.len() > 64 {
                    return Err(PemFailure::Silent);
                }
                if line.len() < 64 {
                    end = true;
                }
            }
        }
    }
}

/// `sanitize_line` in EAY mode: drops a UTF-8 BOM on the first line, then every trailing
/// byte that a signed `char` compares `<= ' '` (controls, NUL, space and bytes >= 0x80).
fn sanitize(line: &[u8], first: bool) -> &[u8] {
    let line = match line.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) if first && line.len() > 3 => rest,
        _ => line,
    };
    let end = line
        .iter()
        .rposition(|&b| b > b' ' && b < 0x80)
        .map_or(0, |p| p + 1);
    &line[..end]
}

/// `EVP_DecodeUpdate` + `EVP_DecodeFinal`: whitespace and line breaks are skipped, `-` ends
/// the input, padding only at the end, a total that is a multiple of four characters.
fn decode_base64(text: &[u8]) -> Option<Vec<u8>> {
    let mut values = Vec::with_capacity(text.len());
    let mut pad = 0usize;
    for &c in text {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                pad += 1;
                if pad > 2 {
                    return None;
                }
                values.push(0);
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' => continue,
            b'-' => break,
            _ => return None,
        };
        if pad > 0 {
            return None; // data after padding
        }
        values.push(v);
    }
    if values.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(values.len() / 4 * 3);
    for q in values.chunks(4) {
        let n = (u32::from(q[0]) << 18)
            | (u32::from(q[1]) << 12)
            | (u32::from(q[2]) << 6)
            | u32::from(q[3]);
        out.extend_from_slice(&n.to_be_bytes()[1..]);
    }
    out.truncate(out.len() - pad);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(input: &str) -> Vec<Result<PemBlock, PemFailure>> {
        let mut r = PemReader::new(input.as_bytes(), Source::Memory);
        let mut out = Vec::new();
        loop {
            let b = r.next_block();
            let stop = b.is_err();
            out.push(b);
            if stop {
                return out;
            }
        }
    }

    #[test]
    fn base64_rules() {
        assert_eq!(decode_base64(b"QUJD\n").unwrap(), b"ABC");
        assert_eq!(decode_base64(b"QU I=\n").unwrap(), b"AB");
        assert_eq!(decode_base64(b"QQ==").unwrap(), b"A");
        assert!(decode_base64(b"QQ=A").is_none());
        assert!(decode_base64(b"Q===").is_none());
        assert!(decode_base64(b"QUJ").is_none());
        assert!(decode_base64(b"QU!D").is_none());
    }

    #[test]
    fn block_shapes() {
        let ok = "junk\n-----BEGIN FOO-----  \nQUJD\n-----END FOO-----";
        let r = blocks(ok);
        assert_eq!(r[0].as_ref().unwrap().name, "FOO");
        assert_eq!(r[0].as_ref().unwrap().data, b"ABC");
        assert_eq!(r[1], Err(PemFailure::NoStartLine));
        assert_eq!(
            blocks("-----BEGIN FOO-----\nQUJD\n")[0],
            Err(PemFailure::BadEndLine)
        );
        assert_eq!(
            blocks("-----BEGIN FOO-----\nQUJD\n-----END BAR-----\n")[0],
            Err(PemFailure::BadEndLine)
        );
        assert_eq!(
            blocks("-----BEGIN FOO-----\n-----END FOO-----\n")[0],
            Err(PemFailure::Silent)
        );
        assert_eq!(
            blocks("-----BEGIN FOO-----\n!!\n-----END FOO-----\n")[0],
            Err(PemFailure::BadBase64)
        );
        // Leading spaces hide a BEGIN line.
        assert_eq!(
            blocks(" -----BEGIN FOO-----\nQUJD\n-----END FOO-----\n")[0],
            Err(PemFailure::NoStartLine)
        );
        // A blank line splits header from data: the part after it is the body.
        let r = blocks("-----BEGIN FOO-----\nProc-Type: 4\n\nQUJD\n-----END FOO-----\n");
        assert_eq!(r[0].as_ref().unwrap().data, b"ABC");
        assert_eq!(r[0].as_ref().unwrap().header_len, 13);
    }
}
