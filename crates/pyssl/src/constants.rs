//! Constants with CPython 3.13's numeric values (`ssl.CERT_*`, `ssl.VERIFY_*`, `ssl.OP_*`,
//! `ssl.PROTOCOL_*`, `ssl.TLSVersion`, `ssl.Purpose`, `ssl.AlertDescription`, `SSL_ERROR_*`,
//! `HAS_*`, `OPENSSL_VERSION*`, `CHANNEL_BINDING_TYPES`). See [`constant_table`].

/// `ssl.VerifyMode`: `CERT_NONE`, `CERT_OPTIONAL`, `CERT_REQUIRED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum VerifyMode {
    /// `ssl.CERT_NONE` (0).
    CertNone = 0,
    /// `ssl.CERT_OPTIONAL` (1).
    CertOptional = 1,
    /// `ssl.CERT_REQUIRED` (2).
    CertRequired = 2,
}

/// `ssl.CERT_NONE`.
pub const CERT_NONE: VerifyMode = VerifyMode::CertNone;
/// `ssl.CERT_OPTIONAL`.
pub const CERT_OPTIONAL: VerifyMode = VerifyMode::CertOptional;
/// `ssl.CERT_REQUIRED`.
pub const CERT_REQUIRED: VerifyMode = VerifyMode::CertRequired;

/// `ssl.VerifyFlags`: a bit set of `VERIFY_*` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct VerifyFlags(pub u64);

impl VerifyFlags {
    /// Whether every bit of `other` is set.
    pub fn contains(self, other: VerifyFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for VerifyFlags {
    type Output = VerifyFlags;
    fn bitor(self, rhs: Self) -> Self {
        VerifyFlags(self.0 | rhs.0)
    }
}

impl std::ops::BitAnd for VerifyFlags {
    type Output = VerifyFlags;
    fn bitand(self, rhs: Self) -> Self {
        VerifyFlags(self.0 & rhs.0)
    }
}

/// `ssl.VERIFY_DEFAULT`.
pub const VERIFY_DEFAULT: VerifyFlags = VerifyFlags(0);
/// `ssl.VERIFY_CRL_CHECK_LEAF`.
pub const VERIFY_CRL_CHECK_LEAF: VerifyFlags = VerifyFlags(0x4);
/// `ssl.VERIFY_CRL_CHECK_CHAIN`.
pub const VERIFY_CRL_CHECK_CHAIN: VerifyFlags = VerifyFlags(0xc);
/// `ssl.VERIFY_X509_STRICT`.
pub const VERIFY_X509_STRICT: VerifyFlags = VerifyFlags(0x20);
/// `ssl.VERIFY_ALLOW_PROXY_CERTS`.
pub const VERIFY_ALLOW_PROXY_CERTS: VerifyFlags = VerifyFlags(0x40);
/// `ssl.VERIFY_X509_TRUSTED_FIRST`.
pub const VERIFY_X509_TRUSTED_FIRST: VerifyFlags = VerifyFlags(0x8000);
/// `ssl.VERIFY_X509_PARTIAL_CHAIN`.
pub const VERIFY_X509_PARTIAL_CHAIN: VerifyFlags = VerifyFlags(0x80000);

/// `ssl.Options`: a bit set of `OP_*` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Options(pub u64);

impl Options {
    /// Whether every bit of `other` is set.
    pub fn contains(self, other: Options) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for Options {
    type Output = Options;
    fn bitor(self, rhs: Self) -> Self {
        Options(self.0 | rhs.0)
    }
}

impl std::ops::BitAnd for Options {
    type Output = Options;
    fn bitand(self, rhs: Self) -> Self {
        Options(self.0 & rhs.0)
    }
}

impl std::ops::Not for Options {
    type Output = Options;
    fn not(self) -> Self {
        Options(!self.0)
    }
}

/// `ssl.OP_ALL`.
pub const OP_ALL: Options = Options(0x8000_0050);
/// `ssl.OP_NO_SSLv2` (0: no effect, as in CPython).
pub const OP_NO_SSLV2: Options = Options(0);
/// `ssl.OP_NO_SSLv3`.
pub const OP_NO_SSLV3: Options = Options(0x0200_0000);
/// `ssl.OP_NO_TLSv1`.
pub const OP_NO_TLSV1: Options = Options(0x0400_0000);
/// `ssl.OP_NO_TLSv1_1`.
pub const OP_NO_TLSV1_1: Options = Options(0x1000_0000);
/// `ssl.OP_NO_TLSv1_2`.
pub const OP_NO_TLSV1_2: Options = Options(0x0800_0000);
/// `ssl.OP_NO_TLSv1_3`.
pub const OP_NO_TLSV1_3: Options = Options(0x2000_0000);
/// `ssl.OP_NO_TICKET`.
pub const OP_NO_TICKET: Options = Options(0x4000);
/// `ssl.OP_CIPHER_SERVER_PREFERENCE`.
pub const OP_CIPHER_SERVER_PREFERENCE: Options = Options(0x0040_0000);
/// `ssl.OP_SINGLE_DH_USE` (0 in OpenSSL 3).
pub const OP_SINGLE_DH_USE: Options = Options(0);
/// `ssl.OP_SINGLE_ECDH_USE` (0 in OpenSSL 3).
pub const OP_SINGLE_ECDH_USE: Options = Options(0);
/// `ssl.OP_NO_COMPRESSION`.
pub const OP_NO_COMPRESSION: Options = Options(0x0002_0000);
/// `ssl.OP_NO_RENEGOTIATION`.
pub const OP_NO_RENEGOTIATION: Options = Options(0x4000_0000);
/// `ssl.OP_ENABLE_MIDDLEBOX_COMPAT`.
pub const OP_ENABLE_MIDDLEBOX_COMPAT: Options = Options(0x0010_0000);
/// `ssl.OP_IGNORE_UNEXPECTED_EOF`.
pub const OP_IGNORE_UNEXPECTED_EOF: Options = Options(0x80);
/// `ssl.OP_LEGACY_SERVER_CONNECT`.
pub const OP_LEGACY_SERVER_CONNECT: Options = Options(0x4);
/// `ssl.OP_ENABLE_KTLS`.
pub const OP_ENABLE_KTLS: Options = Options(0x8);

/// `ssl._SSLMethod`: the `PROTOCOL_*` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum Protocol {
    /// `ssl.PROTOCOL_TLS` / `PROTOCOL_SSLv23` (2): either side, negotiates the highest version.
    Tls = 2,
    /// `ssl.PROTOCOL_TLSv1` (3): not supported by rustls.
    TlsV1 = 3,
    /// `ssl.PROTOCOL_TLSv1_1` (4): not supported by rustls.
    TlsV1_1 = 4,
    /// `ssl.PROTOCOL_TLSv1_2` (5): TLS 1.2 only.
    TlsV1_2 = 5,
    /// `ssl.PROTOCOL_TLS_CLIENT` (16).
    TlsClient = 16,
    /// `ssl.PROTOCOL_TLS_SERVER` (17).
    TlsServer = 17,
}

/// `ssl.PROTOCOL_TLS`.
pub const PROTOCOL_TLS: Protocol = Protocol::Tls;
/// `ssl.PROTOCOL_SSLv23` (alias of `PROTOCOL_TLS`).
pub const PROTOCOL_SSLV23: Protocol = Protocol::Tls;
/// `ssl.PROTOCOL_TLS_CLIENT`.
pub const PROTOCOL_TLS_CLIENT: Protocol = Protocol::TlsClient;
/// `ssl.PROTOCOL_TLS_SERVER`.
pub const PROTOCOL_TLS_SERVER: Protocol = Protocol::TlsServer;

/// `ssl.TLSVersion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(i32)]
pub enum TlsVersion {
    /// `TLSVersion.MINIMUM_SUPPORTED` (-2).
    MinimumSupported = -2,
    /// `TLSVersion.MAXIMUM_SUPPORTED` (-1).
    MaximumSupported = -1,
    /// `TLSVersion.SSLv3` (0x300).
    SslV3 = 0x300,
    /// `TLSVersion.TLSv1` (0x301).
    TlsV1 = 0x301,
    /// `TLSVersion.TLSv1_1` (0x302).
    TlsV1_1 = 0x302,
    /// `TLSVersion.TLSv1_2` (0x303).
    TlsV1_2 = 0x303,
    /// `TLSVersion.TLSv1_3` (0x304).
    TlsV1_3 = 0x304,
}

/// `ssl.Purpose`: what a context's certificates are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// `Purpose.SERVER_AUTH` (OID 1.3.6.1.5.5.7.3.1): a client context verifying servers.
    ServerAuth,
    /// `Purpose.CLIENT_AUTH` (OID 1.3.6.1.5.5.7.3.2): a server context verifying clients.
    ClientAuth,
}

impl Purpose {
    /// The extended key usage OID, dotted (`"1.3.6.1.5.5.7.3.1"`).
    pub fn oid(self) -> &'static str {
        match self {
            Purpose::ServerAuth => "1.3.6.1.5.5.7.3.1",
            Purpose::ClientAuth => "1.3.6.1.5.5.7.3.2",
        }
    }
}

/// `ssl.PROTOCOL_TLSv1` (deprecated; rustls has no TLS 1.0, so a context with it fails).
pub const PROTOCOL_TLSV1: Protocol = Protocol::TlsV1;
/// `ssl.PROTOCOL_TLSv1_1` (deprecated; rustls has no TLS 1.1, so a context with it fails).
pub const PROTOCOL_TLSV1_1: Protocol = Protocol::TlsV1_1;
/// `ssl.PROTOCOL_TLSv1_2` (deprecated; TLS 1.2 only).
pub const PROTOCOL_TLSV1_2: Protocol = Protocol::TlsV1_2;

impl Protocol {
    /// CPython's name for this value (`"PROTOCOL_TLS_CLIENT"`).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tls => "PROTOCOL_TLS",
            Protocol::TlsV1 => "PROTOCOL_TLSv1",
            Protocol::TlsV1_1 => "PROTOCOL_TLSv1_1",
            Protocol::TlsV1_2 => "PROTOCOL_TLSv1_2",
            Protocol::TlsClient => "PROTOCOL_TLS_CLIENT",
            Protocol::TlsServer => "PROTOCOL_TLS_SERVER",
        }
    }

    /// The `Protocol` with CPython numeric value `value`, if any.
    pub fn from_value(value: i64) -> Option<Protocol> {
        Some(match value {
            2 => Protocol::Tls,
            3 => Protocol::TlsV1,
            4 => Protocol::TlsV1_1,
            5 => Protocol::TlsV1_2,
            16 => Protocol::TlsClient,
            17 => Protocol::TlsServer,
            _ => return None,
        })
    }
}

impl TlsVersion {
    /// The member name in `ssl.TLSVersion` (`"TLSv1_3"`).
    pub fn name(self) -> &'static str {
        match self {
            TlsVersion::MinimumSupported => "MINIMUM_SUPPORTED",
            TlsVersion::MaximumSupported => "MAXIMUM_SUPPORTED",
            TlsVersion::SslV3 => "SSLv3",
            TlsVersion::TlsV1 => "TLSv1",
            TlsVersion::TlsV1_1 => "TLSv1_1",
            TlsVersion::TlsV1_2 => "TLSv1_2",
            TlsVersion::TlsV1_3 => "TLSv1_3",
        }
    }

    /// The `TlsVersion` with CPython numeric value `value`, if any.
    pub fn from_value(value: i64) -> Option<TlsVersion> {
        Some(match value {
            -2 => TlsVersion::MinimumSupported,
            -1 => TlsVersion::MaximumSupported,
            0x300 => TlsVersion::SslV3,
            0x301 => TlsVersion::TlsV1,
            0x302 => TlsVersion::TlsV1_1,
            0x303 => TlsVersion::TlsV1_2,
            0x304 => TlsVersion::TlsV1_3,
            _ => return None,
        })
    }
}

macro_rules! alert_descriptions {
    ($($variant:ident = $value:literal => $const_name:ident, $py:literal;)*) => {
        /// `ssl.AlertDescription`: TLS alert codes (RFC 8446 §6) with CPython's names.
        ///
        /// ```
        /// use pyssl::{AlertDescription, ALERT_DESCRIPTION_UNRECOGNIZED_NAME};
        /// assert_eq!(ALERT_DESCRIPTION_UNRECOGNIZED_NAME as u8, 112);
        /// assert_eq!(AlertDescription::from_code(112), Some(AlertDescription::UnrecognizedName));
        /// assert_eq!(AlertDescription::UnrecognizedName.name(), "ALERT_DESCRIPTION_UNRECOGNIZED_NAME");
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum AlertDescription {
            $(
                #[doc = concat!("`ssl.", $py, "` (", stringify!($value), ").")]
                $variant = $value,
            )*
        }

        $(
            #[doc = concat!("`ssl.", $py, "`.")]
            pub const $const_name: AlertDescription = AlertDescription::$variant;
        )*

        impl AlertDescription {
            /// Every member, in ascending code order.
            pub const ALL: &'static [AlertDescription] = &[$(AlertDescription::$variant),*];

            /// CPython's constant name (`"ALERT_DESCRIPTION_HANDSHAKE_FAILURE"`).
            pub fn name(self) -> &'static str {
                match self {
                    $(AlertDescription::$variant => $py,)*
                }
            }

            /// The member for a TLS alert code, if CPython names it.
            pub fn from_code(code: u8) -> Option<AlertDescription> {
                match code {
                    $($value => Some(AlertDescription::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

alert_descriptions! {
    CloseNotify = 0 => ALERT_DESCRIPTION_CLOSE_NOTIFY, "ALERT_DESCRIPTION_CLOSE_NOTIFY";
    UnexpectedMessage = 10 => ALERT_DESCRIPTION_UNEXPECTED_MESSAGE, "ALERT_DESCRIPTION_UNEXPECTED_MESSAGE";
    BadRecordMac = 20 => ALERT_DESCRIPTION_BAD_RECORD_MAC, "ALERT_DESCRIPTION_BAD_RECORD_MAC";
    RecordOverflow = 22 => ALERT_DESCRIPTION_RECORD_OVERFLOW, "ALERT_DESCRIPTION_RECORD_OVERFLOW";
    DecompressionFailure = 30 => ALERT_DESCRIPTION_DECOMPRESSION_FAILURE, "ALERT_DESCRIPTION_DECOMPRESSION_FAILURE";
    HandshakeFailure = 40 => ALERT_DESCRIPTION_HANDSHAKE_FAILURE, "ALERT_DESCRIPTION_HANDSHAKE_FAILURE";
    BadCertificate = 42 => ALERT_DESCRIPTION_BAD_CERTIFICATE, "ALERT_DESCRIPTION_BAD_CERTIFICATE";
    UnsupportedCertificate = 43 => ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE, "ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE";
    CertificateRevoked = 44 => ALERT_DESCRIPTION_CERTIFICATE_REVOKED, "ALERT_DESCRIPTION_CERTIFICATE_REVOKED";
    CertificateExpired = 45 => ALERT_DESCRIPTION_CERTIFICATE_EXPIRED, "ALERT_DESCRIPTION_CERTIFICATE_EXPIRED";
    CertificateUnknown = 46 => ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN, "ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN";
    IllegalParameter = 47 => ALERT_DESCRIPTION_ILLEGAL_PARAMETER, "ALERT_DESCRIPTION_ILLEGAL_PARAMETER";
    UnknownCa = 48 => ALERT_DESCRIPTION_UNKNOWN_CA, "ALERT_DESCRIPTION_UNKNOWN_CA";
    AccessDenied = 49 => ALERT_DESCRIPTION_ACCESS_DENIED, "ALERT_DESCRIPTION_ACCESS_DENIED";
    DecodeError = 50 => ALERT_DESCRIPTION_DECODE_ERROR, "ALERT_DESCRIPTION_DECODE_ERROR";
    DecryptError = 51 => ALERT_DESCRIPTION_DECRYPT_ERROR, "ALERT_DESCRIPTION_DECRYPT_ERROR";
    ProtocolVersion = 70 => ALERT_DESCRIPTION_PROTOCOL_VERSION, "ALERT_DESCRIPTION_PROTOCOL_VERSION";
    InsufficientSecurity = 71 => ALERT_DESCRIPTION_INSUFFICIENT_SECURITY, "ALERT_DESCRIPTION_INSUFFICIENT_SECURITY";
    InternalError = 80 => ALERT_DESCRIPTION_INTERNAL_ERROR, "ALERT_DESCRIPTION_INTERNAL_ERROR";
    UserCancelled = 90 => ALERT_DESCRIPTION_USER_CANCELLED, "ALERT_DESCRIPTION_USER_CANCELLED";
    NoRenegotiation = 100 => ALERT_DESCRIPTION_NO_RENEGOTIATION, "ALERT_DESCRIPTION_NO_RENEGOTIATION";
    UnsupportedExtension = 110 => ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION, "ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION";
    CertificateUnobtainable = 111 => ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE, "ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE";
    UnrecognizedName = 112 => ALERT_DESCRIPTION_UNRECOGNIZED_NAME, "ALERT_DESCRIPTION_UNRECOGNIZED_NAME";
    BadCertificateStatusResponse = 113 => ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE, "ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE";
    BadCertificateHashValue = 114 => ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE, "ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE";
    UnknownPskIdentity = 115 => ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY, "ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY";
}

impl From<AlertDescription> for rustls::AlertDescription {
    fn from(a: AlertDescription) -> Self {
        rustls::AlertDescription::from(a as u8)
    }
}

/// `ssl.SSLErrorNumber.SSL_ERROR_SSL` (the `errno` of a plain `SSLError`).
pub const SSL_ERROR_SSL: i32 = 1;
/// `ssl.SSL_ERROR_WANT_READ`.
pub const SSL_ERROR_WANT_READ: i32 = 2;
/// `ssl.SSL_ERROR_WANT_WRITE`.
pub const SSL_ERROR_WANT_WRITE: i32 = 3;
/// `ssl.SSL_ERROR_WANT_X509_LOOKUP` (never produced by pyssl).
pub const SSL_ERROR_WANT_X509_LOOKUP: i32 = 4;
/// `ssl.SSL_ERROR_SYSCALL`.
pub const SSL_ERROR_SYSCALL: i32 = 5;
/// `ssl.SSL_ERROR_ZERO_RETURN`.
pub const SSL_ERROR_ZERO_RETURN: i32 = 6;
/// `ssl.SSL_ERROR_WANT_CONNECT` (never produced by pyssl).
pub const SSL_ERROR_WANT_CONNECT: i32 = 7;
/// `ssl.SSL_ERROR_EOF`.
pub const SSL_ERROR_EOF: i32 = 8;
/// `ssl.SSL_ERROR_INVALID_ERROR_CODE`.
pub const SSL_ERROR_INVALID_ERROR_CODE: i32 = 10;

/// `ssl.HAS_SNI`: server name indication is supported.
pub const HAS_SNI: bool = true;
/// `ssl.HAS_ALPN`: ALPN is supported.
pub const HAS_ALPN: bool = true;
/// `ssl.HAS_ECDH`: ECDHE key exchange is supported (X25519, P-256, P-384).
pub const HAS_ECDH: bool = true;
/// `ssl.HAS_NPN`: false — rustls does not implement NPN.
pub const HAS_NPN: bool = false;
/// `ssl.HAS_NEVER_CHECK_COMMON_NAME`: `hostname_checks_common_name` is settable.
pub const HAS_NEVER_CHECK_COMMON_NAME: bool = true;
/// `ssl.HAS_SSLv2`: false.
pub const HAS_SSLV2: bool = false;
/// `ssl.HAS_SSLv3`: false — rustls does not implement SSL 3.0.
pub const HAS_SSLV3: bool = false;
/// `ssl.HAS_TLSv1`: false — rustls does not implement TLS 1.0.
pub const HAS_TLSV1: bool = false;
/// `ssl.HAS_TLSv1_1`: false — rustls does not implement TLS 1.1.
pub const HAS_TLSV1_1: bool = false;
/// `ssl.HAS_TLSv1_2`: true.
pub const HAS_TLSV1_2: bool = true;
/// `ssl.HAS_TLSv1_3`: true.
pub const HAS_TLSV1_3: bool = true;
/// `ssl.HAS_PSK`: false — rustls has no external-PSK (TLS-PSK) API.
pub const HAS_PSK: bool = false;
/// Post-handshake client authentication: false — rustls does not implement it
/// (`post_handshake_auth` is settable but has no effect). CPython has no `HAS_PHA`;
/// this flag records the truth for pyssl users.
pub const HAS_PHA: bool = false;

/// `ssl.OPENSSL_VERSION`: names the TLS stack actually in use.
///
/// ```
/// assert!(pyssl::OPENSSL_VERSION.starts_with("pyssl "));
/// assert!(pyssl::OPENSSL_VERSION.contains("rustls 0.23"));
/// ```
pub const OPENSSL_VERSION: &str =
    concat!("pyssl ", env!("CARGO_PKG_VERSION"), " (rustls 0.23, ring)");

const fn parse_version_part(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut i = 0;
    let mut n = 0u64;
    while i < b.len() {
        if b[i] < b'0' || b[i] > b'9' {
            break;
        }
        n = n * 10 + (b[i] - b'0') as u64;
        i += 1;
    }
    n
}

const VERSION_MAJOR: u64 = parse_version_part(env!("CARGO_PKG_VERSION_MAJOR"));
const VERSION_MINOR: u64 = parse_version_part(env!("CARGO_PKG_VERSION_MINOR"));
const VERSION_PATCH: u64 = parse_version_part(env!("CARGO_PKG_VERSION_PATCH"));

/// `ssl.OPENSSL_VERSION_NUMBER`: pyssl's own version in OpenSSL 3's `0xMNN00PP0` layout
/// (major, minor, patch; status 0 = release). For pyssl 0.1.0 this is `0x00100000`.
pub const OPENSSL_VERSION_NUMBER: u64 =
    (VERSION_MAJOR << 28) | (VERSION_MINOR << 20) | (VERSION_PATCH << 4);

/// `ssl.OPENSSL_VERSION_INFO`: `(major, minor, fix, patch, status)` decoded from
/// [`OPENSSL_VERSION_NUMBER`] the way CPython decodes it.
pub const OPENSSL_VERSION_INFO: (u32, u32, u32, u32, u32) = (
    (OPENSSL_VERSION_NUMBER >> 28) as u32,
    ((OPENSSL_VERSION_NUMBER >> 20) & 0xff) as u32,
    ((OPENSSL_VERSION_NUMBER >> 12) & 0xff) as u32,
    ((OPENSSL_VERSION_NUMBER >> 4) & 0xff) as u32,
    (OPENSSL_VERSION_NUMBER & 0xf) as u32,
);

/// `ssl.CHANNEL_BINDING_TYPES`: `tls-unique` (RFC 5929; TLS 1.2 only) and `tls-exporter`
/// (RFC 9266).
pub const CHANNEL_BINDING_TYPES: &[&str] = &["tls-unique", "tls-exporter"];

/// `ssl._DEFAULT_CIPHERS`: the cipher string every new context starts with (CPython 3.13's
/// default). Over rustls' TLS 1.2 suites it selects the ECDHE AES-GCM and ChaCha20 suites.
pub const DEFAULT_CIPHERS: &str =
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM";

/// Every numeric constant of Python's `ssl` module that pyssl defines, by its Python name,
/// with CPython 3.13's value: `ALERT_DESCRIPTION_*`, `SSL_ERROR_*`, `OP_*`, `PROTOCOL_*`,
/// `CERT_*`, `VERIFY_*`, and the `TLSVersion` members as `"TLSVersion.NAME"`.
///
/// ```
/// let t = pyssl::constant_table();
/// assert!(t.contains(&("OP_NO_TICKET", 0x4000)));
/// assert!(t.contains(&("TLSVersion.TLSv1_3", 0x304)));
/// ```
pub fn constant_table() -> &'static [(&'static str, i64)] {
    static TABLE: std::sync::OnceLock<Vec<(&'static str, i64)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(&'static str, i64)> = Vec::new();
        for a in AlertDescription::ALL {
            t.push((a.name(), *a as i64));
        }
        let errors: [(&'static str, i32); 9] = [
            ("SSL_ERROR_SSL", SSL_ERROR_SSL),
            ("SSL_ERROR_WANT_READ", SSL_ERROR_WANT_READ),
            ("SSL_ERROR_WANT_WRITE", SSL_ERROR_WANT_WRITE),
            ("SSL_ERROR_WANT_X509_LOOKUP", SSL_ERROR_WANT_X509_LOOKUP),
            ("SSL_ERROR_SYSCALL", SSL_ERROR_SYSCALL),
            ("SSL_ERROR_ZERO_RETURN", SSL_ERROR_ZERO_RETURN),
            ("SSL_ERROR_WANT_CONNECT", SSL_ERROR_WANT_CONNECT),
            ("SSL_ERROR_EOF", SSL_ERROR_EOF),
            ("SSL_ERROR_INVALID_ERROR_CODE", SSL_ERROR_INVALID_ERROR_CODE),
        ];
        t.extend(errors.iter().map(|&(n, v)| (n, v as i64)));
        let options: [(&'static str, Options); 17] = [
            ("OP_ALL", OP_ALL),
            ("OP_NO_SSLv2", OP_NO_SSLV2),
            ("OP_NO_SSLv3", OP_NO_SSLV3),
            ("OP_NO_TLSv1", OP_NO_TLSV1),
            ("OP_NO_TLSv1_1", OP_NO_TLSV1_1),
            ("OP_NO_TLSv1_2", OP_NO_TLSV1_2),
            ("OP_NO_TLSv1_3", OP_NO_TLSV1_3),
            ("OP_NO_TICKET", OP_NO_TICKET),
            ("OP_CIPHER_SERVER_PREFERENCE", OP_CIPHER_SERVER_PREFERENCE),
            ("OP_SINGLE_DH_USE", OP_SINGLE_DH_USE),
            ("OP_SINGLE_ECDH_USE", OP_SINGLE_ECDH_USE),
            ("OP_NO_COMPRESSION", OP_NO_COMPRESSION),
            ("OP_NO_RENEGOTIATION", OP_NO_RENEGOTIATION),
            ("OP_ENABLE_MIDDLEBOX_COMPAT", OP_ENABLE_MIDDLEBOX_COMPAT),
            ("OP_IGNORE_UNEXPECTED_EOF", OP_IGNORE_UNEXPECTED_EOF),
            ("OP_LEGACY_SERVER_CONNECT", OP_LEGACY_SERVER_CONNECT),
            ("OP_ENABLE_KTLS", OP_ENABLE_KTLS),
        ];
        t.extend(options.iter().map(|&(n, o)| (n, o.0 as i64)));
        t.push(("PROTOCOL_SSLv23", PROTOCOL_SSLV23 as i64));
        for p in [
            Protocol::Tls,
            Protocol::TlsV1,
            Protocol::TlsV1_1,
            Protocol::TlsV1_2,
            Protocol::TlsClient,
            Protocol::TlsServer,
        ] {
            t.push((p.name(), p as i64));
        }
        t.push(("CERT_NONE", CERT_NONE as i64));
        t.push(("CERT_OPTIONAL", CERT_OPTIONAL as i64));
        t.push(("CERT_REQUIRED", CERT_REQUIRED as i64));
        let flags: [(&'static str, VerifyFlags); 7] = [
            ("VERIFY_DEFAULT", VERIFY_DEFAULT),
            ("VERIFY_CRL_CHECK_LEAF", VERIFY_CRL_CHECK_LEAF),
            ("VERIFY_CRL_CHECK_CHAIN", VERIFY_CRL_CHECK_CHAIN),
            ("VERIFY_X509_STRICT", VERIFY_X509_STRICT),
            ("VERIFY_ALLOW_PROXY_CERTS", VERIFY_ALLOW_PROXY_CERTS),
            ("VERIFY_X509_TRUSTED_FIRST", VERIFY_X509_TRUSTED_FIRST),
            ("VERIFY_X509_PARTIAL_CHAIN", VERIFY_X509_PARTIAL_CHAIN),
        ];
        t.extend(flags.iter().map(|&(n, f)| (n, f.0 as i64)));
        for v in [
            TlsVersion::MinimumSupported,
            TlsVersion::SslV3,
            TlsVersion::TlsV1,
            TlsVersion::TlsV1_1,
            TlsVersion::TlsV1_2,
            TlsVersion::TlsV1_3,
            TlsVersion::MaximumSupported,
        ] {
            let name: &'static str = match v {
                TlsVersion::MinimumSupported => "TLSVersion.MINIMUM_SUPPORTED",
                TlsVersion::MaximumSupported => "TLSVersion.MAXIMUM_SUPPORTED",
                TlsVersion::SslV3 => "TLSVersion.SSLv3",
                TlsVersion::TlsV1 => "TLSVersion.TLSv1",
                TlsVersion::TlsV1_1 => "TLSVersion.TLSv1_1",
                TlsVersion::TlsV1_2 => "TLSVersion.TLSv1_2",
                TlsVersion::TlsV1_3 => "TLSVersion.TLSv1_3",
            };
            t.push((name, v as i64));
        }
        t
    })
}

/// The `HAS_*` flags by Python name. Unlike [`constant_table`] these are pyssl's truthful
/// answers, which differ from an OpenSSL build (`HAS_TLSv1`, `HAS_PSK` are false here).
/// `HAS_PHA` is pyssl-only; `HAS_TLS_UNIQUE` comes from the private `_ssl` module.
pub fn has_table() -> &'static [(&'static str, bool)] {
    &[
        ("HAS_SNI", HAS_SNI),
        ("HAS_ALPN", HAS_ALPN),
        ("HAS_ECDH", HAS_ECDH),
        ("HAS_NPN", HAS_NPN),
        ("HAS_NEVER_CHECK_COMMON_NAME", HAS_NEVER_CHECK_COMMON_NAME),
        ("HAS_SSLv2", HAS_SSLV2),
        ("HAS_SSLv3", HAS_SSLV3),
        ("HAS_TLSv1", HAS_TLSV1),
        ("HAS_TLSv1_1", HAS_TLSV1_1),
        ("HAS_TLSv1_2", HAS_TLSV1_2),
        ("HAS_TLSv1_3", HAS_TLSV1_3),
        ("HAS_PSK", HAS_PSK),
        ("HAS_PHA", HAS_PHA),
        ("HAS_TLS_UNIQUE", HAS_TLS_UNIQUE),
    ]
}

/// Looks a numeric constant up by its Python name (see [`constant_table`]).
///
/// ```
/// assert_eq!(pyssl::constants::lookup("PROTOCOL_TLS_CLIENT"), Some(16));
/// assert_eq!(pyssl::constants::lookup("NOPE"), None);
/// ```
pub fn lookup(name: &str) -> Option<i64> {
    constant_table()
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, v)| v)
}

/// `_ssl.ENCODING_PEM`: certificate encoding selector of the private `_ssl` module.
pub const ENCODING_PEM: i32 = 1;
/// `_ssl.ENCODING_DER`.
pub const ENCODING_DER: i32 = 2;

/// `_ssl.HOSTFLAG_ALWAYS_CHECK_SUBJECT` (OpenSSL `X509_CHECK_FLAG_*`; pyssl's verifier
/// implements CPython's default hostname rules, these only keep the numbering).
pub const HOSTFLAG_ALWAYS_CHECK_SUBJECT: i32 = 0x1;
/// `_ssl.HOSTFLAG_NO_WILDCARDS`.
pub const HOSTFLAG_NO_WILDCARDS: i32 = 0x2;
/// `_ssl.HOSTFLAG_NO_PARTIAL_WILDCARDS` (CPython sets it by default).
pub const HOSTFLAG_NO_PARTIAL_WILDCARDS: i32 = 0x4;
/// `_ssl.HOSTFLAG_MULTI_LABEL_WILDCARDS`.
pub const HOSTFLAG_MULTI_LABEL_WILDCARDS: i32 = 0x8;
/// `_ssl.HOSTFLAG_SINGLE_LABEL_SUBDOMAINS`.
pub const HOSTFLAG_SINGLE_LABEL_SUBDOMAINS: i32 = 0x10;
/// `_ssl.HOSTFLAG_NEVER_CHECK_SUBJECT`.
pub const HOSTFLAG_NEVER_CHECK_SUBJECT: i32 = 0x20;

/// `_ssl.HAS_TLS_UNIQUE`: true — `tls-unique` is available on TLS 1.2 connections (on
/// TLS 1.3 pyssl returns `None`, see [`CHANNEL_BINDING_TYPES`]).
pub const HAS_TLS_UNIQUE: bool = true;

/// Numeric constants only the private `_ssl` module has (`ENCODING_*`, `HOSTFLAG_*`,
/// `PROTO_*`), for a drop-in `_ssl` binding; the public ones are in [`constant_table`].
///
/// ```
/// assert!(pyssl::constants::private_constant_table().contains(&("PROTO_TLSv1_3", 0x304)));
/// ```
pub fn private_constant_table() -> &'static [(&'static str, i64)] {
    const TABLE: &[(&str, i64)] = &[
        ("ENCODING_PEM", ENCODING_PEM as i64),
        ("ENCODING_DER", ENCODING_DER as i64),
        (
            "HOSTFLAG_ALWAYS_CHECK_SUBJECT",
            HOSTFLAG_ALWAYS_CHECK_SUBJECT as i64,
        ),
        ("HOSTFLAG_NO_WILDCARDS", HOSTFLAG_NO_WILDCARDS as i64),
        (
            "HOSTFLAG_NO_PARTIAL_WILDCARDS",
            HOSTFLAG_NO_PARTIAL_WILDCARDS as i64,
        ),
        (
            "HOSTFLAG_MULTI_LABEL_WILDCARDS",
            HOSTFLAG_MULTI_LABEL_WILDCARDS as i64,
        ),
        (
            "HOSTFLAG_SINGLE_LABEL_SUBDOMAINS",
            HOSTFLAG_SINGLE_LABEL_SUBDOMAINS as i64,
        ),
        (
            "HOSTFLAG_NEVER_CHECK_SUBJECT",
            HOSTFLAG_NEVER_CHECK_SUBJECT as i64,
        ),
        (
            "PROTO_MINIMUM_SUPPORTED",
            TlsVersion::MinimumSupported as i64,
        ),
        (
            "PROTO_MAXIMUM_SUPPORTED",
            TlsVersion::MaximumSupported as i64,
        ),
        ("PROTO_SSLv3", TlsVersion::SslV3 as i64),
        ("PROTO_TLSv1", TlsVersion::TlsV1 as i64),
        ("PROTO_TLSv1_1", TlsVersion::TlsV1_1 as i64),
        ("PROTO_TLSv1_2", TlsVersion::TlsV1_2 as i64),
        ("PROTO_TLSv1_3", TlsVersion::TlsV1_3 as i64),
    ];
    TABLE
}
