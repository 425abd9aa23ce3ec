//! The first Finished message, read back from its record when tls-unique is asked
//! for: the sender's key and IV come from the TLS 1.2 key block
//! (`PRF(master_secret, "key expansion", server_random + client_random)`, RFC 5246
//! §6.3), and the record is the first one its sender protected (sequence number 0).
//!
//! Kept is only what that needs: the record's tag is not (the record was authenticated
//! when it passed: rustls made it, or opened it before completing the handshake), nor
//! the protected message's first byte (its type). The message is its ciphertext XOR the
//! AEAD's keystream (got by sealing zeros under the same key and nonce: GCM's and
//! ChaCha20-Poly1305's encryption is a stream cipher), and must read `.. 00 00 0c`
//! (12 bytes follow) before its verify_data is trusted. So a completed handshake keeps
//! 136 bytes, inline in the connection (no allocation).

use ring::{aead, hmac};

/// The longest protected Finished: AES-GCM's explicit nonce (8) + message (16) + tag (16).
pub(crate) const MAX_RECORD: usize = 40;
/// What is kept of it: the explicit nonce (GCM) and the protected message but its
/// first byte; no tag.
const KEPT: usize = 23;
/// The AEADs' tag length.
const TAG: usize = 16;

/// The TLS 1.2 AEADs rustls offers (every TLS 1.2 suite it has is one of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Aead {
    /// AES-128-GCM, SHA-256 PRF.
    Aes128Gcm,
    /// AES-256-GCM, SHA-384 PRF.
    Aes256Gcm,
    /// ChaCha20-Poly1305, SHA-256 PRF.
    Chacha20,
}

impl Aead {
    /// The AEAD of a negotiated TLS 1.2 suite (None: not one tls-unique can open).
    pub(crate) fn of(suite: rustls::CipherSuite) -> Option<Aead> {
        use rustls::CipherSuite as S;
        match suite {
            S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
            | S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 => Some(Aead::Aes128Gcm),
            S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
            | S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 => Some(Aead::Aes256Gcm),
            S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
            | S::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 => Some(Aead::Chacha20),
            _ => None,
        }
    }

    /// The protected Finished's length: (explicit nonce +) 16-byte message + tag.
    pub(crate) fn record_len(self) -> usize {
        match self {
            Aead::Aes128Gcm | Aead::Aes256Gcm => 40,
            Aead::Chacha20 => 32,
        }
    }

    /// The explicit nonce's length (GCM) in front of the protected message.
    fn explicit_len(self) -> usize {
        self.record_len() - 16 - TAG
    }

    /// (algorithm, key length, fixed IV length, PRF).
    fn shape(self) -> (&'static aead::Algorithm, usize, usize, hmac::Algorithm) {
        match self {
            Aead::Aes128Gcm => (&aead::AES_128_GCM, 16, 4, hmac::HMAC_SHA256),
            Aead::Aes256Gcm => (&aead::AES_256_GCM, 32, 4, hmac::HMAC_SHA384),
            Aead::Chacha20 => (&aead::CHACHA20_POLY1305, 32, 12, hmac::HMAC_SHA256),
        }
    }
}

/// Who sent the first Finished (the client in a full handshake, the server in an
/// abbreviated one) under which AEAD, in one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum First {
    ClientAes128Gcm,
    ClientAes256Gcm,
    ClientChacha20,
    ServerAes128Gcm,
    ServerAes256Gcm,
    ServerChacha20,
}

impl First {
    fn new(aead: Aead, from_client: bool) -> First {
        match (from_client, aead) {
            (true, Aead::Aes128Gcm) => First::ClientAes128Gcm,
            (true, Aead::Aes256Gcm) => First::ClientAes256Gcm,
            (true, Aead::Chacha20) => First::ClientChacha20,
            (false, Aead::Aes128Gcm) => First::ServerAes128Gcm,
            (false, Aead::Aes256Gcm) => First::ServerAes256Gcm,
            (false, Aead::Chacha20) => First::ServerChacha20,
        }
    }

    fn by_client(self) -> bool {
        matches!(
            self,
            First::ClientAes128Gcm | First::ClientAes256Gcm | First::ClientChacha20
        )
    }

    fn aead(self) -> Aead {
        match self {
            First::ClientAes128Gcm | First::ServerAes128Gcm => Aead::Aes128Gcm,
            First::ClientAes256Gcm | First::ServerAes256Gcm => Aead::Aes256Gcm,
            First::ClientChacha20 | First::ServerChacha20 => Aead::Chacha20,
        }
    }
}

/// What a completed TLS 1.2 handshake keeps for tls-unique (136 bytes).
pub(crate) struct Ready {
    master_secret: [u8; 48],
    client_random: [u8; 32],
    server_random: [u8; 32],
    /// The first Finished's record body as sent, without the protected message's
    /// first byte and without the tag.
    record: [u8; KEPT],
    first: First,
}

impl std::fmt::Debug for Ready {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ready")
            .field("first", &self.first)
            .finish_non_exhaustive()
    }
}

impl Ready {
    /// Keeps what [`value`](Self::value) needs. `record`: the first Finished's record
    /// body, `aead.record_len()` bytes (checked by the caller).
    pub(crate) fn new(
        master_secret: [u8; 48],
        client_random: [u8; 32],
        server_random: [u8; 32],
        record: &[u8],
        aead: Aead,
        from_client: bool,
    ) -> Ready {
        let explicit = aead.explicit_len();
        let mut kept = [0u8; KEPT];
        kept[..explicit].copy_from_slice(&record[..explicit]);
        kept[explicit..explicit + 15].copy_from_slice(&record[explicit + 1..explicit + 16]);
        Ready {
            master_secret,
            client_random,
            server_random,
            record: kept,
            first: First::new(aead, from_client),
        }
    }

    /// The first Finished's verify_data (12 bytes), or None if its record does not
    /// read as a Finished message.
    pub(crate) fn value(&self) -> Option<Vec<u8>> {
        let aead_kind = self.first.aead();
        let (alg, key_len, iv_len, prf_alg) = aead_kind.shape();
        let mut seed = [0u8; 64];
        seed[..32].copy_from_slice(&self.server_random);
        seed[32..].copy_from_slice(&self.client_random);
        // client_write_key, server_write_key, client_write_IV, server_write_IV.
        let mut block = [0u8; 2 * 32 + 2 * 12];
        let block = &mut block[..2 * (key_len + iv_len)];
        prf(prf_alg, &self.master_secret, b"key expansion", &seed, block);
        let (key, iv) = if self.first.by_client() {
            (&block[..key_len], &block[2 * key_len..][..iv_len])
        } else {
            (&block[key_len..2 * key_len], &block[2 * key_len + iv_len..])
        };
        let key = aead::LessSafeKey::new(aead::UnboundKey::new(alg, key).ok()?);
        let explicit = aead_kind.explicit_len();
        let mut nonce = [0u8; 12];
        if explicit == 8 {
            // GCM: fixed salt + the record's explicit nonce.
            nonce[..4].copy_from_slice(iv);
            nonce[4..].copy_from_slice(&self.record[..8]);
        } else {
            // ChaCha20-Poly1305: IV XOR the sequence number, which is 0.
            nonce.copy_from_slice(iv);
        }
        let mut message = [0u8; 16];
        let _tag = key
            .seal_in_place_separate_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::empty(),
                &mut message,
            )
            .ok()?;
        for (m, c) in message[1..].iter_mut().zip(&self.record[explicit..]) {
            *m ^= c;
        }
        match message {
            [_, 0, 0, 12, verify_data @ ..] => Some(verify_data.to_vec()),
            _ => None,
        }
    }
}

/// TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label + seed), `out.len()` bytes.
fn prf(alg: hmac::Algorithm, secret: &[u8], label: &[u8], seed: &[u8], out: &mut [u8]) {
    let key = hmac::Key::new(alg, secret);
    let mut a = {
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(label);
        ctx.update(seed);
        ctx.sign()
    };
    let mut pos = 0;
    while pos < out.len() {
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(a.as_ref());
        ctx.update(label);
        ctx.update(seed);
        let block = ctx.sign();
        let n = (out.len() - pos).min(block.as_ref().len());
        out[pos..pos + n].copy_from_slice(&block.as_ref()[..n]);
        pos += n;
        if pos < out.len() {
            a = hmac::sign(&key, a.as_ref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prf_matches_a_known_vector() {
        // The widely used TLS 1.2 PRF (SHA-256) test vector.
        let secret = [
            0x9b, 0xbe, 0x43, 0x6b, 0xa9, 0x40, 0xf0, 0x17, 0xb1, 0x76, 0x52, 0x84, 0x9a, 0x71,
            0xdb, 0x35,
        ];
        let seed = [
            0xa0, 0xba, 0x9f, 0x93, 0x6c, 0xda, 0x31, 0x18, 0x27, 0xa6, 0xf7, 0x96, 0xff, 0xd5,
            0x19, 0x8c,
        ];
        let mut out = [0u8; 16];
        prf(hmac::HMAC_SHA256, &secret, b"test label", &seed, &mut out);
        assert_eq!(
            out,
            [
                0xe3, 0xf2, 0x29, 0xba, 0x72, 0x7b, 0xe1, 0x7b, 0x8d, 0x12, 0x26, 0x20, 0x55, 0x7c,
                0xd4, 0x53
            ]
        );
    }
    /// Records sealed by an independent implementation (python3's `cryptography`
    /// package: HMAC PRF, AESGCM, ChaCha20Poly1305) for master secret 00..2f, client
    /// random 64..83, server random c8..e7 and verify_data 0123456789abcdeffedcba98;
    /// GCM explicit nonce a1..a8. (aead, client's record, server's record).
    const SEALED: [(Aead, &str, &str); 3] = [
        (
            Aead::Aes128Gcm,
            "a1a2a3a4a5a6a7a83d187cbc2f00e1121e4b79c2cbeb64dab80392b48ad1bb118488eec51207b434",
            "a1a2a3a4a5a6a7a888ead8c3a497bdc277de22a181c854932c3f12e43333f783c89884c5d736d7a5",
        ),
        (
            Aead::Aes256Gcm,
            "a1a2a3a4a5a6a7a8dee53e4f5879e9abf69e997e4b032510f3e945905cb91053065b0b74a5325e51",
            "a1a2a3a4a5a6a7a814a0f184dc61e59356d8f3fd7aa9cc3198a497daa223a43fb86fa8e1bbf09524",
        ),
        (
            Aead::Chacha20,
            "56441249d58c0da9d7aae19e5597786f6e69056248a1057ab169ef40e52ac477",
            "e3304a006e2fc8c51fbdd6cbf7814c0bb0e5f9b1675777a5fb8c1da9cb37baba",
        ),
    ];

    const VERIFY_DATA: [u8; 12] = [
        0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98,
    ];

    fn seq<const N: usize>(start: u8) -> [u8; N] {
        std::array::from_fn(|i| start + i as u8)
    }

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    fn ready_from(aead: Aead, from_client: bool, record: &[u8]) -> Ready {
        assert_eq!(record.len(), aead.record_len());
        Ready::new(seq(0), seq(100), seq(200), record, aead, from_client)
    }

    fn ready(aead: Aead, from_client: bool, hex: &str) -> Ready {
        ready_from(aead, from_client, &bytes(hex))
    }

    #[test]
    fn opens_records_sealed_elsewhere_for_every_aead_and_sender() {
        for (aead, client, server) in SEALED {
            let c = ready(aead, true, client);
            assert_eq!(
                c.value().as_deref(),
                Some(&VERIFY_DATA[..]),
                "{aead:?} client"
            );
            let s = ready(aead, false, server);
            assert_eq!(
                s.value().as_deref(),
                Some(&VERIFY_DATA[..]),
                "{aead:?} server"
            );
            // The other sender's keys do not open it.
            assert_eq!(ready(aead, false, client).value(), None, "{aead:?}");
            assert_eq!(ready(aead, true, server).value(), None, "{aead:?}");
        }
    }

    #[test]
    fn a_damaged_record_or_wrong_secret_gives_none_or_another_value() {
        for (aead, client, _) in SEALED {
            let good = bytes(client);
            let explicit = aead.explicit_len();
            for i in 0..good.len() {
                let mut bad = good.clone();
                bad[i] ^= 0x40;
                let v = ready_from(aead, true, &bad).value();
                if i == explicit || i >= explicit + 16 {
                    // The message type and the tag are not kept.
                    assert_eq!(v.as_deref(), Some(&VERIFY_DATA[..]), "{aead:?} byte {i}");
                } else if i < explicit + 4 {
                    // The explicit nonce (GCM) or the length: not a Finished.
                    assert_eq!(v, None, "{aead:?} byte {i}");
                } else {
                    // A changed verify_data byte reads changed.
                    let mut want = VERIFY_DATA;
                    want[i - explicit - 4] ^= 0x40;
                    assert_eq!(v.as_deref(), Some(&want[..]), "{aead:?} byte {i}");
                }
            }
            let mut bad = ready(aead, true, client);
            bad.master_secret[47] ^= 1;
            assert_eq!(bad.value(), None, "{aead:?}");
            let mut bad = ready(aead, true, client);
            bad.server_random[0] ^= 1;
            assert_eq!(bad.value(), None, "{aead:?}");
            let zero = ready_from(aead, true, &vec![0; aead.record_len()]);
            assert_eq!(zero.value(), None, "{aead:?}");
        }
        // Another suite's record (other layout and keys).
        let (_, chacha, _) = SEALED[2];
        let mut r = ready(Aead::Chacha20, true, chacha);
        r.first = First::ClientAes128Gcm;
        assert_eq!(r.value(), None);
    }

    #[test]
    fn the_kept_state_is_small() {
        assert_eq!(std::mem::size_of::<Ready>(), 136);
        assert_eq!(First::new(Aead::Chacha20, false).aead(), Aead::Chacha20);
        assert!(!First::new(Aead::Aes128Gcm, false).by_client());
        assert!(First::new(Aead::Aes256Gcm, true).by_client());
    }

    #[test]
    fn only_tls12_aead_suites_are_recognised() {
        use rustls::CipherSuite as S;
        assert_eq!(
            Aead::of(S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384),
            Some(Aead::Aes256Gcm)
        );
        assert_eq!(
            Aead::of(S::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256),
            Some(Aead::Chacha20)
        );
        assert_eq!(Aead::of(S::TLS13_AES_128_GCM_SHA256), None);
        assert_eq!(Aead::of(S::TLS_RSA_WITH_AES_128_GCM_SHA256), None);
    }
}
