//! Reading the raw ClientHello the server recorded, for the two things rustls' `Accepted`
//! does not hand out as OpenSSL does: the server name as the client spelled it (rustls
//! lower-cases it) and the TLS 1.3 PSK identities offered (to tell a resumption from a
//! full handshake before the `ServerConfig` is chosen — OpenSSL sends one ticket after a
//! resumption, `num_tickets` after a full handshake).

/// Packs what a server keeps of the ClientHello (appended to `out`): the suite count
/// (u16) and ids (u16 each), the server name's length (u16, `u16::MAX`: none) and
/// bytes, then the ALPN offers as on the wire (a u8 length before each). A
/// [`HelloInfo`](super::HelloInfo) is three `Vec`s; this is a few dozen bytes, packed
/// straight from the borrowed hello (`alpn` gives the offers, each time it is called).
pub(crate) fn pack<'a, I: Iterator<Item = &'a [u8]>>(
    server_name: Option<&str>,
    cipher_suites: &[rustls::CipherSuite],
    alpn: impl Fn() -> I,
    out: &mut Vec<u8>,
) {
    let name = server_name.map(str::as_bytes);
    out.reserve_exact(packed_len(server_name, cipher_suites, alpn()));
    let suites = cipher_suites.len().min(u16::MAX as usize);
    out.extend_from_slice(&(suites as u16).to_be_bytes());
    for s in &cipher_suites[..suites] {
        out.extend_from_slice(&u16::from(*s).to_be_bytes());
    }
    match name {
        Some(n) if n.len() < u16::MAX as usize => {
            out.extend_from_slice(&(n.len() as u16).to_be_bytes());
            out.extend_from_slice(n);
        }
        _ => out.extend_from_slice(&u16::MAX.to_be_bytes()),
    }
    for p in alpn() {
        let p = &p[..p.len().min(255)];
        out.push(p.len() as u8);
        out.extend_from_slice(p);
    }
}

/// How many bytes [`pack`] appends.
pub(crate) fn packed_len<'a>(
    server_name: Option<&str>,
    cipher_suites: &[rustls::CipherSuite],
    alpn: impl Iterator<Item = &'a [u8]>,
) -> usize {
    let name = server_name.map_or(0, str::len);
    let alpn: usize = alpn.map(|p| 1 + p.len().min(255)).sum();
    4 + 2 * cipher_suites.len().min(u16::MAX as usize) + name + alpn
}

/// The [`HelloInfo`](super::HelloInfo) that [`pack`] packed.
pub(crate) fn unpack(mut b: &[u8]) -> super::HelloInfo {
    let mut info = super::HelloInfo::default();
    let u16_at = |b: &mut &[u8]| take(b, 2).map(|x| u16::from_be_bytes([x[0], x[1]]));
    let n = u16_at(&mut b).unwrap_or(0);
    for _ in 0..n {
        if let Some(id) = u16_at(&mut b) {
            info.cipher_suites.push(rustls::CipherSuite::from(id));
        }
    }
    if let Some(len) = u16_at(&mut b).filter(|&l| l != u16::MAX) {
        let name = take(&mut b, len as usize).unwrap_or_default();
        info.server_name = Some(String::from_utf8_lossy(name).into_owned());
    }
    while let Some(p) = vector(&mut b, 1) {
        info.alpn.push(p.to_vec());
    }
    info
}

/// What the server reads in the raw ClientHello body (after the 4-byte handshake
/// header), found in one walk over its extensions.
#[derive(Default)]
pub(crate) struct RawHello<'a> {
    /// The host_name entry of the server_name extension (RFC 6066), as sent.
    pub(crate) server_name: Option<&'a str>,
    /// The identities list of the pre_shared_key extension (RFC 8446 §4.2.11).
    psk: &'a [u8],
}

fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, rest) = (b.get(..n)?, b.get(n..)?);
    *b = rest;
    Some(head)
}

/// A `len_bytes`-length-prefixed vector.
fn vector<'a>(b: &mut &'a [u8], len_bytes: usize) -> Option<&'a [u8]> {
    let len = take(b, len_bytes)?
        .iter()
        .fold(0usize, |acc, &x| acc << 8 | x as usize);
    take(b, len)
}

impl<'a> RawHello<'a> {
    /// Reads a ClientHello body; None if it is malformed (up to the extensions).
    /// `want_psk`: look for the pre_shared_key extension too (it comes last, so the
    /// walk covers every extension), else stop at the server name.
    pub(crate) fn parse(body: &'a [u8], want_psk: bool) -> Option<RawHello<'a>> {
        let mut b = body;
        take(&mut b, 2 + 32)?; // legacy_version, random
        vector(&mut b, 1)?; // legacy_session_id
        vector(&mut b, 2)?; // cipher_suites
        vector(&mut b, 1)?; // legacy_compression_methods
        let mut hello = RawHello::default();
        if b.is_empty() {
            return Some(hello);
        }
        let mut exts = vector(&mut b, 2)?;
        let (mut sni_seen, mut psk_seen) = (false, !want_psk);
        while !(sni_seen && psk_seen) {
            let [t0, t1, l0, l1, rest @ ..] = exts else {
                break;
            };
            let len = usize::from(u16::from_be_bytes([*l0, *l1]));
            let Some((data, next)) = rest.split_at_checked(len) else {
                break;
            };
            exts = next;
            // The first extension of each type counts.
            match (*t0, *t1) {
                (0, 0) if !sni_seen => {
                    sni_seen = true;
                    hello.server_name = host_name(data);
                }
                (0, 41) if !psk_seen => {
                    psk_seen = true;
                    hello.psk = vector(&mut &data[..], 2).unwrap_or_default();
                }
                _ => {}
            }
        }
        Some(hello)
    }

    /// The identities of the pre_shared_key extension, in order.
    pub(crate) fn psk_identities(&self) -> impl Iterator<Item = &'a [u8]> {
        let mut ids = self.psk;
        std::iter::from_fn(move || {
            let id = vector(&mut ids, 2)?;
            take(&mut ids, 4)?; // obfuscated_ticket_age
            Some(id)
        })
    }
}

/// The host_name entry of a server_name extension's body.
fn host_name(mut data: &[u8]) -> Option<&str> {
    let mut list = vector(&mut data, 2)?;
    while !list.is_empty() {
        let name_type = take(&mut list, 1)?[0];
        let name = vector(&mut list, 2)?;
        if name_type == 0 {
            return std::str::from_utf8(name).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{pack, unpack, RawHello};
    use crate::engine::HelloInfo;

    #[test]
    fn packed_hello_unpacks_to_the_same_facts() {
        let full = HelloInfo {
            server_name: Some("Bücher.example".into()),
            cipher_suites: vec![
                rustls::CipherSuite::TLS13_AES_128_GCM_SHA256,
                rustls::CipherSuite::from(0x1234),
            ],
            alpn: vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        };
        let empty = HelloInfo::default();
        for info in [full, empty] {
            let mut packed = Vec::new();
            pack(
                info.server_name.as_deref(),
                &info.cipher_suites,
                || info.alpn.iter().map(Vec::as_slice),
                &mut packed,
            );
            let back = unpack(&packed);
            assert_eq!(back.server_name, info.server_name);
            assert_eq!(back.cipher_suites, info.cipher_suites);
            assert_eq!(back.alpn, info.alpn);
        }
    }

    fn ext(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut e = kind.to_be_bytes().to_vec();
        e.extend_from_slice(&(data.len() as u16).to_be_bytes());
        e.extend_from_slice(data);
        e
    }

    fn hello() -> Vec<u8> {
        let name = b"MiXeD.Example";
        let mut sni = vec![0u8]; // host_name
        sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
        sni.extend_from_slice(name);
        let mut list = (sni.len() as u16).to_be_bytes().to_vec();
        list.extend_from_slice(&sni);
        let mut ids = Vec::new();
        for id in [&b"first"[..], b"second"] {
            ids.extend_from_slice(&(id.len() as u16).to_be_bytes());
            ids.extend_from_slice(id);
            ids.extend_from_slice(&[0, 0, 0, 9]); // obfuscated_ticket_age
        }
        let mut psk = (ids.len() as u16).to_be_bytes().to_vec();
        psk.extend_from_slice(&ids);
        psk.extend_from_slice(&[0, 33, 32]);
        psk.extend_from_slice(&[1; 32]); // binders
        let mut exts = ext(0xff01, &[0]);
        exts.extend(ext(0, &list));
        exts.extend(ext(41, &psk));
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
        body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
        body.extend_from_slice(&exts);
        body
    }

    #[test]
    fn server_name_keeps_case_and_psk_identities_come_in_order() {
        let body = hello();
        let h = RawHello::parse(&body, true).unwrap();
        assert_eq!(h.server_name, Some("MiXeD.Example"));
        let ids: Vec<_> = h.psk_identities().collect();
        assert_eq!(ids, [&b"first"[..], b"second"]);
    }

    #[test]
    fn truncated_hellos_give_nothing_and_never_panic() {
        let body = hello();
        for cut in 0..body.len() {
            let h = RawHello::parse(&body[..cut], true);
            if let Some(h) = h {
                assert_eq!(h.server_name, None, "cut at {cut}");
            }
        }
        // No extensions at all (a bare TLS 1.2 hello) is well-formed.
        let bare = &body[..2 + 32 + 7];
        let h = RawHello::parse(bare, true).unwrap();
        assert_eq!((h.server_name, h.psk_identities().count()), (None, 0));
    }
}
