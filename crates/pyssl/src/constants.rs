//! Constants with CPython 3.13's numeric values (`ssl.CERT_*`, `ssl.VERIFY_*`, `ssl.OP_*`,
//! `ssl.PROTOCOL_*`, `ssl.TLSVersion`, `ssl.Purpose`).

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
