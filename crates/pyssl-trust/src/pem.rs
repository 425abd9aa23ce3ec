//! PEM blocks for the trust loaders: `pyssl-cert`'s OpenSSL-compatible reader
//! (`PEM_read_bio` rules), with its outcomes sorted into the failure kinds that decide
//! between "end of data" and an error in CPython's loaders.

use pyssl_cert::pem::PemReader as CertPemReader;

/// One PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PemBlock {
    /// The label between `-----BEGIN ` and `-----`.
    pub name: String,
    /// Length of the RFC 1421 header text (`Proc-Type: ...` lines), 0 when none.
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
    /// A failure OpenSSL reports without queuing an error: a block with no body.
    Silent,
}

/// Sequential PEM block reader over a byte buffer.
pub(crate) struct PemReader<'a>(CertPemReader<'a>);

impl<'a> PemReader<'a> {
    /// A reader at the start of `input`.
    pub(crate) fn new(input: &'a [u8]) -> Self {
        PemReader(CertPemReader::new(input))
    }

    /// Reads the next block, like one `PEM_read_bio` call.
    pub(crate) fn next_block(&mut self) -> Result<PemBlock, PemFailure> {
        match self.0.next_block() {
            Ok(None) => Err(PemFailure::NoStartLine),
            Ok(Some(b)) if b.der.is_empty() => Err(PemFailure::Silent),
            Ok(Some(b)) => Ok(PemBlock {
                header_len: b.headers.iter().map(|(k, v)| k.len() + v.len() + 3).sum(),
                name: b.label,
                data: b.der,
            }),
            Err(e) if e.reason.as_deref() == Some("BAD_BASE64_DECODE") => {
                Err(PemFailure::BadBase64)
            }
            Err(_) => Err(PemFailure::BadEndLine),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(input: &str) -> Vec<Result<PemBlock, PemFailure>> {
        let mut r = PemReader::new(input.as_bytes());
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
    fn failure_kinds() {
        let ok = "junk\n-----BEGIN FOO-----  \nQUJD\n-----END FOO-----";
        let r = blocks(ok);
        assert_eq!(r[0].as_ref().unwrap().name, "FOO");
        assert_eq!(r[0].as_ref().unwrap().data, b"ABC");
        assert_eq!(r[1], Err(PemFailure::NoStartLine));
        for bad_end in [
            "-----BEGIN FOO-----\nQUJD\n",
            "-----BEGIN FOO-----\nQUJD\n-----END BAR-----\n",
        ] {
            assert_eq!(blocks(bad_end)[0], Err(PemFailure::BadEndLine));
        }
        for silent in [
            "-----BEGIN FOO-----\n-----END FOO-----\n",
            "-----BEGIN FOO-----\nProc-Type: 4\nQUJD\n-----END FOO-----\n",
        ] {
            assert_eq!(blocks(silent)[0], Err(PemFailure::Silent));
        }
        assert_eq!(
            blocks("-----BEGIN FOO-----\n!!\n-----END FOO-----\n")[0],
            Err(PemFailure::BadBase64)
        );
        let r = blocks("-----BEGIN FOO-----\nProc-Type: 4\n\nQUJD\n-----END FOO-----\n");
        assert_eq!(r[0].as_ref().unwrap().data, b"ABC");
        assert_eq!(r[0].as_ref().unwrap().header_len, 13);
    }
}
