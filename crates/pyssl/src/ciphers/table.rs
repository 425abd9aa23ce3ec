//! OpenSSL's cipher table model: algorithm bit masks, the ciphers OpenSSL 3.0 offers for
//! TLS ≤ 1.2 (in the order `ALL:COMPLEMENTOFALL` lists them) and the cipher-string aliases.
//!
//! The bits are pyssl's own; only their grouping (one bit per algorithm, aliases as unions)
//! mirrors OpenSSL, because the cipher-string grammar ANDs aliases bitwise.

/// Key exchange bits.
pub(super) const K_RSA: u32 = 0x1;
pub(super) const K_DHE: u32 = 0x2;
pub(super) const K_ECDHE: u32 = 0x4;
pub(super) const K_PSK: u32 = 0x8;
pub(super) const K_SRP: u32 = 0x20;
pub(super) const K_RSAPSK: u32 = 0x40;
pub(super) const K_ECDHEPSK: u32 = 0x80;
pub(super) const K_DHEPSK: u32 = 0x100;
const K_ANY_PSK: u32 = K_PSK | K_RSAPSK | K_ECDHEPSK | K_DHEPSK;

/// Authentication bits.
pub(super) const A_RSA: u32 = 0x1;
pub(super) const A_DSS: u32 = 0x2;
pub(super) const A_NULL: u32 = 0x4;
pub(super) const A_ECDSA: u32 = 0x8;
pub(super) const A_PSK: u32 = 0x10;
pub(super) const A_SRP: u32 = 0x40;

/// Bulk encryption bits.
pub(super) const E_3DES: u32 = 0x2;
pub(super) const E_NULL: u32 = 0x20;
pub(super) const E_AES128: u32 = 0x40;
pub(super) const E_AES256: u32 = 0x80;
pub(super) const E_CAMELLIA128: u32 = 0x100;
pub(super) const E_CAMELLIA256: u32 = 0x200;
pub(super) const E_AES128GCM: u32 = 0x1000;
pub(super) const E_AES256GCM: u32 = 0x2000;
pub(super) const E_AES128CCM: u32 = 0x4000;
pub(super) const E_AES256CCM: u32 = 0x8000;
pub(super) const E_AES128CCM8: u32 = 0x10000;
pub(super) const E_AES256CCM8: u32 = 0x20000;
pub(super) const E_CHACHA20POLY1305: u32 = 0x80000;
pub(super) const E_ARIA128GCM: u32 = 0x100000;
pub(super) const E_ARIA256GCM: u32 = 0x200000;
const E_AES_CCM: u32 = E_AES128CCM | E_AES256CCM | E_AES128CCM8 | E_AES256CCM8;
const E_AES: u32 = E_AES128 | E_AES256 | E_AES128GCM | E_AES256GCM | E_AES_CCM;
const E_CBC: u32 = E_3DES | E_AES128 | E_AES256 | E_CAMELLIA128 | E_CAMELLIA256;

/// MAC bits.
pub(super) const M_MD5: u32 = 0x1;
pub(super) const M_SHA1: u32 = 0x2;
pub(super) const M_SHA256: u32 = 0x10;
pub(super) const M_SHA384: u32 = 0x20;
pub(super) const M_AEAD: u32 = 0x40;

/// Minimum protocol versions.
pub(super) const SSL3: u16 = 0x300;
pub(super) const TLS1: u16 = 0x301;
pub(super) const TLS1_2: u16 = 0x303;

/// Strength classes (`SSL_STRONG_MASK` part) and the `SSL_NOT_DEFAULT` flag.
pub(super) const S_NONE: u32 = 0x1;
pub(super) const S_LOW: u32 = 0x2;
pub(super) const S_MEDIUM: u32 = 0x4;
pub(super) const S_HIGH: u32 = 0x8;
pub(super) const S_FIPS: u32 = 0x10;
pub(super) const S_STRONG_MASK: u32 = 0x1f;
pub(super) const S_NOT_DEFAULT: u32 = 0x20;
pub(super) const S_DEFAULT_MASK: u32 = 0x20;

/// One entry of OpenSSL's cipher list or alias list.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cipher {
    pub name: &'static str,
    /// IANA code point; 0 for an alias.
    pub id: u16,
    pub strength_bits: u32,
    pub mkey: u32,
    pub auth: u32,
    pub enc: u32,
    pub mac: u32,
    pub min_tls: u16,
    pub strength: u32,
}

impl Cipher {
    #[allow(clippy::too_many_arguments)]
    const fn new(
        name: &'static str,
        id: u16,
        strength_bits: u32,
        mkey: u32,
        auth: u32,
        enc: u32,
        mac: u32,
        min_tls: u16,
        strength: u32,
    ) -> Cipher {
        Cipher {
            name,
            id,
            strength_bits,
            mkey,
            auth,
            enc,
            mac,
            min_tls,
            strength,
        }
    }

    const fn alias(name: &'static str, mkey: u32, auth: u32, enc: u32, mac: u32) -> Cipher {
        Cipher::new(name, 0, 0, mkey, auth, enc, mac, 0, 0)
    }

    const fn version(name: &'static str, min_tls: u16) -> Cipher {
        Cipher::new(name, 0, 0, 0, 0, 0, 0, min_tls, 0)
    }

    const fn class(name: &'static str, enc: u32, strength: u32) -> Cipher {
        Cipher::new(name, 0, 0, 0, 0, enc, 0, 0, strength)
    }
}

#[rustfmt::skip]
#[path = "openssl_table.rs"]
mod generated;
pub(super) use generated::OPENSSL_CIPHERS;

/// OpenSSL 3.0's cipher-string aliases that survive in a default-provider build (aliases of
/// algorithms the build lacks — RC4, IDEA, SEED, GOST — are unknown words there, as here).
pub(super) const ALIASES: &[Cipher] = &[
    Cipher::class("ALL", !E_NULL, 0),
    Cipher::class("COMPLEMENTOFALL", E_NULL, 0),
    Cipher::class("COMPLEMENTOFDEFAULT", 0, S_NOT_DEFAULT),
    Cipher::alias("kRSA", K_RSA, 0, 0, 0),
    Cipher::alias("kEDH", K_DHE, 0, 0, 0),
    Cipher::alias("kDHE", K_DHE, 0, 0, 0),
    Cipher::alias("DH", K_DHE, 0, 0, 0),
    Cipher::alias("kEECDH", K_ECDHE, 0, 0, 0),
    Cipher::alias("kECDHE", K_ECDHE, 0, 0, 0),
    Cipher::alias("ECDH", K_ECDHE, 0, 0, 0),
    Cipher::alias("kPSK", K_PSK, 0, 0, 0),
    Cipher::alias("kRSAPSK", K_RSAPSK, 0, 0, 0),
    Cipher::alias("kECDHEPSK", K_ECDHEPSK, 0, 0, 0),
    Cipher::alias("kDHEPSK", K_DHEPSK, 0, 0, 0),
    Cipher::alias("kSRP", K_SRP, 0, 0, 0),
    Cipher::alias("aRSA", 0, A_RSA, 0, 0),
    Cipher::alias("aDSS", 0, A_DSS, 0, 0),
    Cipher::alias("DSS", 0, A_DSS, 0, 0),
    Cipher::alias("aNULL", 0, A_NULL, 0, 0),
    Cipher::alias("aECDSA", 0, A_ECDSA, 0, 0),
    Cipher::alias("ECDSA", 0, A_ECDSA, 0, 0),
    Cipher::alias("aPSK", 0, A_PSK, 0, 0),
    Cipher::alias("aSRP", 0, A_SRP, 0, 0),
    Cipher::alias("EDH", K_DHE, !A_NULL, 0, 0),
    Cipher::alias("DHE", K_DHE, !A_NULL, 0, 0),
    Cipher::alias("EECDH", K_ECDHE, !A_NULL, 0, 0),
    Cipher::alias("ECDHE", K_ECDHE, !A_NULL, 0, 0),
    Cipher::alias("NULL", 0, 0, E_NULL, 0),
    Cipher::alias("RSA", K_RSA, A_RSA, 0, 0),
    Cipher::alias("ADH", K_DHE, A_NULL, 0, 0),
    Cipher::alias("AECDH", K_ECDHE, A_NULL, 0, 0),
    Cipher::alias("PSK", K_ANY_PSK, 0, 0, 0),
    Cipher::alias("SRP", K_SRP, 0, 0, 0),
    Cipher::alias("3DES", 0, 0, E_3DES, 0),
    Cipher::alias("eNULL", 0, 0, E_NULL, 0),
    Cipher::alias(
        "AES128",
        0,
        0,
        E_AES128 | E_AES128GCM | E_AES128CCM | E_AES128CCM8,
        0,
    ),
    Cipher::alias(
        "AES256",
        0,
        0,
        E_AES256 | E_AES256GCM | E_AES256CCM | E_AES256CCM8,
        0,
    ),
    Cipher::alias("AES", 0, 0, E_AES, 0),
    Cipher::alias("AESGCM", 0, 0, E_AES128GCM | E_AES256GCM, 0),
    Cipher::alias("AESCCM", 0, 0, E_AES_CCM, 0),
    Cipher::alias("AESCCM8", 0, 0, E_AES128CCM8 | E_AES256CCM8, 0),
    Cipher::alias("CAMELLIA128", 0, 0, E_CAMELLIA128, 0),
    Cipher::alias("CAMELLIA256", 0, 0, E_CAMELLIA256, 0),
    Cipher::alias("CAMELLIA", 0, 0, E_CAMELLIA128 | E_CAMELLIA256, 0),
    Cipher::alias("CHACHA20", 0, 0, E_CHACHA20POLY1305, 0),
    Cipher::alias("ARIA", 0, 0, E_ARIA128GCM | E_ARIA256GCM, 0),
    Cipher::alias("ARIAGCM", 0, 0, E_ARIA128GCM | E_ARIA256GCM, 0),
    Cipher::alias("ARIA128", 0, 0, E_ARIA128GCM, 0),
    Cipher::alias("ARIA256", 0, 0, E_ARIA256GCM, 0),
    Cipher::alias("CBC", 0, 0, E_CBC, 0),
    Cipher::alias("MD5", 0, 0, 0, M_MD5),
    Cipher::alias("SHA1", 0, 0, 0, M_SHA1),
    Cipher::alias("SHA", 0, 0, 0, M_SHA1),
    Cipher::alias("SHA256", 0, 0, 0, M_SHA256),
    Cipher::alias("SHA384", 0, 0, 0, M_SHA384),
    Cipher::version("SSLv3", SSL3),
    Cipher::version("TLSv1", TLS1),
    Cipher::version("TLSv1.0", TLS1),
    Cipher::version("TLSv1.2", TLS1_2),
    Cipher::class("LOW", 0, S_LOW),
    Cipher::class("MEDIUM", 0, S_MEDIUM),
    Cipher::class("HIGH", 0, S_HIGH),
    Cipher::class("FIPS", !E_NULL, S_FIPS),
    Cipher::new(
        "EDH-DSS-DES-CBC3-SHA",
        0,
        0,
        K_DHE,
        A_DSS,
        E_3DES,
        M_SHA1,
        0,
        S_HIGH | S_FIPS,
    ),
    Cipher::new(
        "EDH-RSA-DES-CBC3-SHA",
        0,
        0,
        K_DHE,
        A_RSA,
        E_3DES,
        M_SHA1,
        0,
        S_HIGH | S_FIPS,
    ),
];

/// Finds a word: cipher names first, then aliases (OpenSSL's search order). Case-sensitive.
pub(super) fn lookup(word: &[u8]) -> Option<&'static Cipher> {
    OPENSSL_CIPHERS
        .iter()
        .chain(ALIASES.iter())
        .find(|c| c.name.as_bytes() == word)
}

/// `ALL:!COMPLEMENTOFDEFAULT:!eNULL`: what a leading `DEFAULT` expands to.
pub(super) const DEFAULT_RULES: &str = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";
