//! The error type of `pyssl-cert`.

use std::fmt;

/// An error decoding certificate material.
///
/// Mirrors how OpenSSL (and so CPython) reports it: a `library` (`"PEM"`, `"X509"`,
/// `"ASN1"`), a `reason` in OpenSSL's upper-case style when OpenSSL has one, and a
/// human-readable message. `Display` reads like CPython's `str(SSLError)` without the
/// `(_ssl.c:N)` suffix, e.g. `[PEM: NO_START_LINE] no start line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertError {
    /// The Python exception class CPython raises (`"SSLError"`, `"ValueError"`,
    /// `"UnicodeDecodeError"`, `"FileNotFoundError"`, ...).
    pub python_class: &'static str,
    /// OpenSSL library name (`"PEM"`, `"X509"`, `"ASN1"`), if any.
    pub library: Option<String>,
    /// OpenSSL reason code name (`"NO_START_LINE"`), if any.
    pub reason: Option<String>,
    /// The message text.
    pub message: String,
    /// An `errno` for I/O errors (2 for a missing file).
    pub errno: Option<i32>,
}

impl CertError {
    /// An `ssl.SSLError` with library and reason.
    pub fn ssl(library: &str, reason: Option<&str>, message: impl Into<String>) -> Self {
        CertError {
            python_class: "SSLError",
            library: Some(library.to_owned()),
            reason: reason.map(str::to_owned),
            message: message.into(),
            errno: None,
        }
    }

    /// An error of another Python class (`ValueError`, `TypeError`, ...).
    pub fn other(python_class: &'static str, message: impl Into<String>) -> Self {
        CertError {
            python_class,
            library: None,
            reason: None,
            message: message.into(),
            errno: None,
        }
    }

    /// An I/O error, as Python's `OSError` subclasses print it.
    pub fn io(err: &std::io::Error) -> Self {
        let errno = err.raw_os_error().unwrap_or(match err.kind() {
            std::io::ErrorKind::NotFound => 2,
            std::io::ErrorKind::PermissionDenied => 13,
            _ => 5,
        });
        // Python picks the OSError subclass from errno (Linux numbering).
        let python_class = match errno {
            2 => "FileNotFoundError",
            1 | 13 => "PermissionError",
            20 => "NotADirectoryError",
            21 => "IsADirectoryError",
            _ => "OSError",
        };
        // std's text is strerror() plus " (os error N)".
        let full = err.to_string();
        let text = full
            .strip_suffix(&format!(" (os error {errno})"))
            .unwrap_or(&full);
        CertError {
            python_class,
            library: None,
            reason: None,
            message: format!("[Errno {errno}] {text}"),
            errno: Some(errno),
        }
    }
}

impl fmt::Display for CertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.library, &self.reason) {
            (Some(lib), Some(reason)) => write!(f, "[{lib}: {reason}] {}", self.message),
            (Some(lib), None) if self.python_class == "SSLError" => {
                write!(f, "[{lib}] {}", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CertError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_read_like_python() {
        let e = CertError::io(&std::fs::read("/nonexistent/pyssl").unwrap_err());
        assert_eq!(
            (e.python_class, e.message.as_str()),
            ("FileNotFoundError", "[Errno 2] No such file or directory")
        );
        let e = CertError::io(&std::fs::read("/").unwrap_err());
        assert_eq!(
            (e.python_class, e.message.as_str()),
            ("IsADirectoryError", "[Errno 21] Is a directory")
        );
        let e = CertError::io(&std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(e.errno, Some(2));
    }
}
