//! [`SslError`]: one error type whose [`ErrorKind`] mirrors CPython's exception classes.

use std::fmt;

/// Which Python exception class an [`SslError`] corresponds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `ssl.SSLError`.
    Ssl,
    /// `ssl.SSLZeroReturnError`: the peer closed the TLS connection cleanly.
    ZeroReturn,
    /// `ssl.SSLWantReadError`: more input is needed.
    WantRead,
    /// `ssl.SSLWantWriteError`: output must be flushed first.
    WantWrite,
    /// `ssl.SSLSyscallError`.
    Syscall,
    /// `ssl.SSLEOFError`: EOF without close_notify.
    Eof,
    /// `ssl.SSLCertVerificationError` (see [`SslError::verify_code`]).
    CertVerification,
    /// `ValueError`: a bad argument value.
    Value,
    /// `TypeError`: a bad argument combination.
    Type,
    /// `NotImplementedError`: a feature rustls does not provide.
    NotImplemented,
    /// `OSError` (and subclasses: `FileNotFoundError`, `TimeoutError`, ...).
    Os,
}

impl ErrorKind {
    /// The Python class name, e.g. `"SSLCertVerificationError"`.
    pub fn python_name(self) -> &'static str {
        match self {
            ErrorKind::Ssl => "SSLError",
            ErrorKind::ZeroReturn => "SSLZeroReturnError",
            ErrorKind::WantRead => "SSLWantReadError",
            ErrorKind::WantWrite => "SSLWantWriteError",
            ErrorKind::Syscall => "SSLSyscallError",
            ErrorKind::Eof => "SSLEOFError",
            ErrorKind::CertVerification => "SSLCertVerificationError",
            ErrorKind::Value => "ValueError",
            ErrorKind::Type => "TypeError",
            ErrorKind::NotImplemented => "NotImplementedError",
            ErrorKind::Os => "OSError",
        }
    }

    /// Whether the Python class derives from `ssl.SSLError`.
    pub fn is_ssl_error(self) -> bool {
        matches!(
            self,
            ErrorKind::Ssl
                | ErrorKind::ZeroReturn
                | ErrorKind::WantRead
                | ErrorKind::WantWrite
                | ErrorKind::Syscall
                | ErrorKind::Eof
                | ErrorKind::CertVerification
        )
    }
}

/// The error type of pyssl, shaped like CPython's `ssl.SSLError` family.
///
/// `Display` reads like CPython's `str(exc)` without the `(_ssl.c:N)` suffix:
///
/// ```
/// use pyssl::{SslError, ErrorKind};
/// let e = SslError::cert_verification(18, "self-signed certificate");
/// assert_eq!(e.kind(), ErrorKind::CertVerification);
/// assert_eq!(
///     e.to_string(),
///     "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
/// );
/// ```
#[derive(Clone)]
pub struct SslError(Shared);

/// Where an [`SslError`]'s fields live: in a `static` for the frequent non-blocking
/// outcomes (`SSLWantReadError`/`SSLWantWriteError`: no allocation and no reference
/// counting per `WantRead`), otherwise behind an `Arc` (errors stay small and cheap to
/// clone).
#[derive(Clone)]
enum Shared {
    Static(&'static Repr),
    Counted(std::sync::Arc<Repr>),
}

/// The fields of an [`SslError`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct Repr {
    kind: ErrorKind,
    errno: Option<i32>,
    library: Option<String>,
    reason: Option<String>,
    /// Static for the frequent non-blocking outcomes.
    message: std::borrow::Cow<'static, str>,
    verify_code: Option<i64>,
    verify_message: Option<String>,
    python_class: Option<&'static str>,
}

impl Repr {
    /// The fields of an error of `kind` with a static message and nothing else.
    const fn fixed(kind: ErrorKind, errno: i32, message: &'static str) -> Repr {
        Repr {
            kind,
            errno: Some(errno),
            library: None,
            reason: None,
            message: std::borrow::Cow::Borrowed(message),
            verify_code: None,
            verify_message: None,
            python_class: None,
        }
    }
}

static WANT_READ: Repr = Repr::fixed(
    ErrorKind::WantRead,
    crate_consts::SSL_ERROR_WANT_READ,
    "The operation did not complete (read)",
);

static WANT_WRITE: Repr = Repr::fixed(
    ErrorKind::WantWrite,
    crate_consts::SSL_ERROR_WANT_WRITE,
    "The operation did not complete (write)",
);

impl std::ops::Deref for Shared {
    type Target = Repr;

    fn deref(&self) -> &Repr {
        match self {
            Shared::Static(r) => r,
            Shared::Counted(r) => r,
        }
    }
}

impl Shared {
    /// The fields, to change: copied first if shared or static.
    fn make_mut(&mut self) -> &mut Repr {
        match self {
            Shared::Counted(r) => std::sync::Arc::make_mut(r),
            Shared::Static(r) => {
                let fields: &'static Repr = r;
                *self = Shared::Counted(std::sync::Arc::new(fields.clone()));
                self.make_mut()
            }
        }
    }
}

impl std::fmt::Debug for SslError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SslError").field(&*self.0).finish()
    }
}

impl PartialEq for SslError {
    fn eq(&self, other: &SslError) -> bool {
        *self.0 == *other.0
    }
}

impl Eq for SslError {}

impl SslError {
    /// A general constructor.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        SslError(Shared::Counted(std::sync::Arc::new(Repr {
            kind,
            errno: default_errno(kind),
            library: None,
            reason: None,
            message: std::borrow::Cow::Owned(message.into()),
            verify_code: None,
            verify_message: None,
            python_class: None,
        })))
    }

    /// An `SSLError` (or subclass given by `kind`) with OpenSSL `library` and `reason`;
    /// the message defaults to the lower-cased reason with `_` as spaces, as OpenSSL does.
    pub fn ssl(kind: ErrorKind, library: &str, reason: &str) -> Self {
        let message = reason.to_ascii_lowercase().replace('_', " ");
        SslError::new(kind, message)
            .with_library(library)
            .with_reason(reason)
    }

    /// `SSLCertVerificationError` with OpenSSL's verify code and message.
    pub fn cert_verification(verify_code: i64, verify_message: impl Into<String>) -> Self {
        let verify_message = verify_message.into();
        let mut e = SslError::ssl(
            ErrorKind::CertVerification,
            "SSL",
            "CERTIFICATE_VERIFY_FAILED",
        );
        e.repr_mut().message = format!("certificate verify failed: {verify_message}").into();
        e.repr_mut().verify_code = Some(verify_code);
        e.repr_mut().verify_message = Some(verify_message);
        e
    }

    /// The fields, to change (copied first if shared).
    fn repr_mut(&mut self) -> &mut Repr {
        self.0.make_mut()
    }

    /// `SSLWantReadError` as CPython raises it.
    pub fn want_read() -> Self {
        SslError(Shared::Static(&WANT_READ))
    }

    /// `SSLWantWriteError` as CPython raises it.
    pub fn want_write() -> Self {
        SslError(Shared::Static(&WANT_WRITE))
    }

    /// `SSLZeroReturnError` as CPython raises it.
    pub fn zero_return() -> Self {
        SslError::new(
            ErrorKind::ZeroReturn,
            "TLS/SSL connection has been closed (EOF)",
        )
    }

    /// `SSLEOFError` for EOF without close_notify, as OpenSSL 3 reports it.
    pub fn unexpected_eof() -> Self {
        SslError::new(ErrorKind::Eof, "EOF occurred in violation of protocol")
            .with_library("SSL")
            .with_reason("UNEXPECTED_EOF_WHILE_READING")
    }

    /// `ValueError(message)`.
    pub fn value(message: impl Into<String>) -> Self {
        SslError::new(ErrorKind::Value, message)
    }

    /// `TypeError(message)`.
    pub fn type_error(message: impl Into<String>) -> Self {
        SslError::new(ErrorKind::Type, message)
    }

    /// `NotImplementedError(message)`: something rustls cannot do.
    pub fn not_implemented(message: impl Into<String>) -> Self {
        SslError::new(ErrorKind::NotImplemented, message)
    }

    /// An `OSError` subclass (`python_class`, e.g. `"FileNotFoundError"`, `"TimeoutError"`).
    pub fn os(python_class: &'static str, errno: Option<i32>, message: impl Into<String>) -> Self {
        let mut e = SslError::new(ErrorKind::Os, message);
        e.repr_mut().errno = errno;
        e.repr_mut().python_class = Some(python_class);
        e
    }

    /// Sets the OpenSSL library name.
    pub fn with_library(mut self, library: &str) -> Self {
        self.repr_mut().library = Some(library.to_owned());
        self
    }

    /// Sets the OpenSSL reason name.
    pub fn with_reason(mut self, reason: &str) -> Self {
        self.repr_mut().reason = Some(reason.to_owned());
        self
    }

    /// Sets CPython's `errno` attribute (OpenSSL's packed error code for some errors).
    pub fn with_errno(mut self, errno: i32) -> Self {
        self.repr_mut().errno = Some(errno);
        self
    }

    /// Clears `errno`, for the errors CPython raises as a bare `SSLError(message)`
    /// (such as `set_ciphers`' "No cipher can be selected.", whose `errno` is `None`).
    pub fn without_errno(mut self) -> Self {
        self.repr_mut().errno = None;
        self
    }

    /// Replaces the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.repr_mut().message = std::borrow::Cow::Owned(message.into());
        self
    }

    /// Which Python class this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The Python class name (`"SSLEOFError"`, `"FileNotFoundError"`, ...).
    pub fn python_class(&self) -> &'static str {
        self.0.python_class.unwrap_or(self.0.kind.python_name())
    }

    /// CPython's `errno` attribute: an `SSL_ERROR_*` code for SSL errors, an OS errno
    /// for OS errors.
    pub fn errno(&self) -> Option<i32> {
        self.0.errno
    }

    /// OpenSSL library name (`"SSL"`, `"PEM"`, `"X509"`), if any.
    pub fn library(&self) -> Option<&str> {
        self.0.library.as_deref()
    }

    /// OpenSSL reason name (`"CERTIFICATE_VERIFY_FAILED"`), if any.
    pub fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// The message without the `[LIB: REASON]` prefix.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// OpenSSL `X509_V_ERR_*` code for certificate verification errors.
    pub fn verify_code(&self) -> Option<i64> {
        self.0.verify_code
    }

    /// OpenSSL's verify message (`"self-signed certificate"`), for verification errors.
    pub fn verify_message(&self) -> Option<&str> {
        self.0.verify_message.as_deref()
    }
}

fn default_errno(kind: ErrorKind) -> Option<i32> {
    use crate_consts::*;
    match kind {
        ErrorKind::Ssl | ErrorKind::CertVerification => Some(SSL_ERROR_SSL),
        ErrorKind::ZeroReturn => Some(SSL_ERROR_ZERO_RETURN),
        ErrorKind::WantRead => Some(SSL_ERROR_WANT_READ),
        ErrorKind::WantWrite => Some(SSL_ERROR_WANT_WRITE),
        ErrorKind::Syscall => Some(SSL_ERROR_SYSCALL),
        ErrorKind::Eof => Some(SSL_ERROR_EOF),
        _ => None,
    }
}

/// The SSL_ERROR_* values (kept local so this module stands alone; `constants` re-exports
/// the public ones with the same values).
mod crate_consts {
    pub const SSL_ERROR_SSL: i32 = 1;
    pub const SSL_ERROR_WANT_READ: i32 = 2;
    pub const SSL_ERROR_WANT_WRITE: i32 = 3;
    pub const SSL_ERROR_SYSCALL: i32 = 5;
    pub const SSL_ERROR_ZERO_RETURN: i32 = 6;
    pub const SSL_ERROR_EOF: i32 = 8;
}

impl fmt::Display for SslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.0.library, &self.0.reason) {
            (Some(lib), Some(reason)) => write!(f, "[{lib}: {reason}] {}", self.0.message),
            (Some(lib), None) => write!(f, "[{lib}] {}", self.0.message),
            _ => f.write_str(&self.0.message),
        }
    }
}

impl std::error::Error for SslError {}

impl From<pyssl_cert::CertError> for SslError {
    fn from(e: pyssl_cert::CertError) -> Self {
        let kind = match e.python_class {
            "SSLError" => ErrorKind::Ssl,
            // binascii.Error is a ValueError subclass; SystemError is what CPython raises
            // for OIDs OpenSSL refuses (a CPython quirk): neither is an OSError.
            "ValueError" | "UnicodeDecodeError" | "UnicodeEncodeError" | "binascii.Error"
            | "SystemError" => ErrorKind::Value,
            "TypeError" => ErrorKind::Type,
            _ => ErrorKind::Os,
        };
        let mut out = SslError::new(kind, e.message);
        out.repr_mut().library = e.library;
        out.repr_mut().reason = e.reason;
        if kind == ErrorKind::Os {
            out.repr_mut().errno = e.errno;
            out.repr_mut().python_class = Some(e.python_class);
        } else if kind != ErrorKind::Ssl {
            out.repr_mut().python_class = Some(e.python_class);
        }
        out
    }
}

impl From<std::io::Error> for SslError {
    fn from(e: std::io::Error) -> Self {
        SslError::from(pyssl_cert::CertError::io(&e))
    }
}

pub(crate) mod map;
pub(crate) use map::from_rustls;

/// Result type of pyssl.
pub type Result<T, E = SslError> = std::result::Result<T, E>;

#[cfg(test)]
mod cert_error_kind_tests {
    use super::*;

    #[test]
    fn cert_errors_keep_their_python_class() {
        let e = SslError::from(pyssl_cert::CertError::other(
            "binascii.Error",
            "Incorrect padding",
        ));
        assert_eq!(e.kind(), ErrorKind::Value);
        assert_eq!(e.python_class(), "binascii.Error");
        let e = SslError::from(pyssl_cert::CertError::io(&std::io::Error::from(
            std::io::ErrorKind::NotFound,
        )));
        assert_eq!(e.kind(), ErrorKind::Os);
        assert_eq!(e.python_class(), "FileNotFoundError");
        assert_eq!(e.errno(), Some(2));
    }
}

#[cfg(test)]
mod static_error_tests {
    use super::*;

    #[test]
    fn want_read_and_want_write_read_as_cpython_raises_them() {
        let r = SslError::want_read();
        assert_eq!(r.kind(), ErrorKind::WantRead);
        assert_eq!(r.python_class(), "SSLWantReadError");
        assert_eq!(r.errno(), Some(2));
        assert_eq!(r.to_string(), "The operation did not complete (read)");
        let w = SslError::want_write();
        assert_eq!((w.kind(), w.errno()), (ErrorKind::WantWrite, Some(3)));
        assert_eq!(w.to_string(), "The operation did not complete (write)");
        assert_ne!(r, w);
        // The static fields compare equal to the same fields built the general way.
        let mut built = SslError::new(ErrorKind::WantRead, "");
        built.repr_mut().message =
            std::borrow::Cow::Borrowed("The operation did not complete (read)");
        assert_eq!(r, built);
        assert_eq!(format!("{r:?}"), format!("{built:?}"));
    }

    #[test]
    fn changing_a_static_error_copies_it_and_leaves_the_static_alone() {
        let changed = SslError::want_read().with_library("SSL");
        assert_eq!(changed.library(), Some("SSL"));
        assert_eq!(
            changed.to_string(),
            "[SSL] The operation did not complete (read)"
        );
        assert_eq!(SslError::want_read().library(), None);
        assert_ne!(changed, SslError::want_read());
    }
}
