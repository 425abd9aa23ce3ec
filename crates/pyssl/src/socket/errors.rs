//! Conversions between socket `io::Error`s and [`SslError`] with CPython's `OSError` classes.

use std::io;

use crate::{ErrorKind, SslError};

/// An OS-level socket error as CPython raises it: the `OSError` subclass for its errno and
/// the message `[Errno N] strerror`.
pub fn os_error(e: &io::Error) -> SslError {
    use io::ErrorKind as K;
    let class = match e.kind() {
        K::ConnectionRefused => "ConnectionRefusedError",
        K::ConnectionReset => "ConnectionResetError",
        K::ConnectionAborted => "ConnectionAbortedError",
        K::BrokenPipe => "BrokenPipeError",
        K::TimedOut => "TimeoutError",
        K::NotFound => "FileNotFoundError",
        K::PermissionDenied => "PermissionError",
        K::WouldBlock => "BlockingIOError",
        K::Interrupted => "InterruptedError",
        _ => "OSError",
    };
    match e.raw_os_error() {
        Some(errno) => {
            let text = e.to_string();
            let suffix = format!(" (os error {errno})");
            let text = text.strip_suffix(&suffix).unwrap_or(&text);
            SslError::os(class, Some(errno), format!("[Errno {errno}] {text}"))
        }
        None => SslError::os(class, None, e.to_string()),
    }
}

/// The `io::ErrorKind` a `std::io::Read`/`Write` caller should see for an [`SslError`].
pub(crate) fn io_kind(e: &SslError) -> io::ErrorKind {
    use io::ErrorKind as K;
    #[allow(unreachable_patterns)] // ErrorKind may grow
    match e.kind() {
        ErrorKind::WantRead | ErrorKind::WantWrite => K::WouldBlock,
        ErrorKind::Eof | ErrorKind::ZeroReturn => K::UnexpectedEof,
        ErrorKind::Value | ErrorKind::Type => K::InvalidInput,
        ErrorKind::NotImplemented => K::Unsupported,
        ErrorKind::CertVerification | ErrorKind::Ssl | ErrorKind::Syscall => K::InvalidData,
        ErrorKind::Os => match e.python_class() {
            "TimeoutError" => K::TimedOut,
            "ConnectionRefusedError" => K::ConnectionRefused,
            "ConnectionResetError" => K::ConnectionReset,
            "ConnectionAbortedError" => K::ConnectionAborted,
            "BrokenPipeError" => K::BrokenPipe,
            "FileNotFoundError" => K::NotFound,
            "PermissionError" => K::PermissionDenied,
            "BlockingIOError" => K::WouldBlock,
            "InterruptedError" => K::Interrupted,
            _ => K::Other,
        },
        _ => K::Other,
    }
}

/// Wraps an [`SslError`] in an `io::Error` of the matching kind (recoverable with
/// `get_ref()`/`into_inner()` + `downcast`), e.g. a timeout becomes `ErrorKind::TimedOut`
/// "The read operation timed out".
pub(crate) fn to_io_error(e: SslError) -> io::Error {
    io::Error::new(io_kind(&e), e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_reads_like_cpython() {
        let e = os_error(&io::Error::from_raw_os_error(111));
        assert_eq!(e.python_class(), "ConnectionRefusedError");
        assert_eq!(e.to_string(), "[Errno 111] Connection refused");
        assert_eq!(e.errno(), Some(111));
        assert_eq!(io_kind(&e), io::ErrorKind::ConnectionRefused);
    }

    #[test]
    fn timeout_and_want_map_to_io_kinds() {
        let t = SslError::os("TimeoutError", None, "The read operation timed out");
        let io = to_io_error(t);
        assert_eq!(io.kind(), io::ErrorKind::TimedOut);
        assert_eq!(io.to_string(), "The read operation timed out");
        assert_eq!(
            to_io_error(SslError::want_read()).kind(),
            io::ErrorKind::WouldBlock
        );
        assert_eq!(
            to_io_error(SslError::unexpected_eof()).kind(),
            io::ErrorKind::UnexpectedEof
        );
    }
}
