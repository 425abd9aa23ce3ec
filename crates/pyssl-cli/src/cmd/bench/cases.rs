//! The case table and the glue turning a case into a measurable closure for each side.

use super::fixtures::{Fixtures, KeyKind};
use super::spec::{Resume, Spec, Suite, Version};
use super::{alloc, pyside, raw, tcp};

/// One side's work: `run(n)` does `n` iterations and returns the units of work done
/// (handshakes, MiB), or for heap cases the bytes per connection pair measured over `n` pairs.
pub type Work = Box<dyn FnMut(u64) -> Result<f64, String>>;

/// What a case measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Full handshakes (new client and server connection each, no session offered).
    Handshake,
    /// Resumed handshakes (client offers the session from the previous connection).
    Resumed,
    /// Bulk transfer, 16 KiB application writes client to server; pyssl moves records
    /// between the BIOs with `MemoryBio::transfer_to` (no copy, like raw's shared wire
    /// buffer).
    Bulk,
    /// [`Kind::Bulk`] with the Python-shaped pump `incoming.write(&outgoing.read(None))`
    /// on the pyssl side: one more 16 KiB copy per record than raw rustls makes.
    BulkCopyPump,
    /// Live heap bytes per established connection pair.
    Heap,
    /// Loopback TCP: connect, handshake, close.
    TcpHandshake,
    /// Loopback TCP: one connection, 16 KiB writes client to server.
    TcpBulk,
}

impl Kind {
    /// Whether the figure is a rate (work per CPU second) rather than a size.
    pub fn is_rate(self) -> bool {
        self != Kind::Heap
    }

    /// Whether the work spans threads (CPU time is then the whole process's).
    pub fn is_tcp(self) -> bool {
        matches!(self, Kind::TcpHandshake | Kind::TcpBulk)
    }
}

/// Which implementation a closure drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// pyssl: `SslContext` + `SslObject` + `MemoryBio`.
    Pyssl,
    /// rustls `ClientConnection` / `ServerConnection`.
    Raw,
}

/// One benchmark case.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// Name, as listed by `--cases` and printed in reports.
    pub name: &'static str,
    /// Unit of the figures.
    pub unit: &'static str,
    /// What is measured.
    pub kind: Kind,
    /// Connection parameters.
    pub spec: Spec,
}

/// Size of each application write in the bulk cases.
pub const CHUNK: usize = 16 * 1024;

const MIB: f64 = (1 << 20) as f64;

const fn case(name: &'static str, kind: Kind, spec: Spec) -> Case {
    let unit = match kind {
        Kind::Handshake | Kind::Resumed | Kind::TcpHandshake => "handshakes/s",
        Kind::Bulk | Kind::BulkCopyPump | Kind::TcpBulk => "MiB/s",
        Kind::Heap => "bytes/pair",
    };
    Case {
        name,
        unit,
        kind,
        spec,
    }
}

const fn with(spec: Spec, version: Version, suite: Option<Suite>, resume: Resume) -> Spec {
    Spec {
        key: spec.key,
        version,
        suite,
        resume,
    }
}

const ECDSA: Spec = Spec::tls13(KeyKind::EcdsaP256);
const RSA: Spec = Spec::tls13(KeyKind::Rsa2048);
const V13: Version = Version::Tls13;
const V12: Version = Version::Tls12;

/// Every in-memory case, in report order.
pub const ALL: &[Case] = &[
    case("handshake-tls13-ecdsa-p256", Kind::Handshake, ECDSA),
    case("handshake-tls13-rsa2048", Kind::Handshake, RSA),
    case(
        "handshake-tls12-ecdsa-p256",
        Kind::Handshake,
        with(ECDSA, V12, None, Resume::No),
    ),
    case(
        "resumed-tls13-ticket",
        Kind::Resumed,
        with(ECDSA, V13, None, Resume::Ticket),
    ),
    case(
        "resumed-tls12-ticket",
        Kind::Resumed,
        with(ECDSA, V12, None, Resume::Ticket),
    ),
    case(
        "resumed-tls12-session-id",
        Kind::Resumed,
        with(ECDSA, V12, None, Resume::SessionId),
    ),
    case(
        "bulk-tls13-aes128gcm",
        Kind::Bulk,
        with(ECDSA, V13, Some(Suite::Aes128Gcm), Resume::No),
    ),
    case(
        "bulk-tls13-aes256gcm",
        Kind::Bulk,
        with(ECDSA, V13, Some(Suite::Aes256Gcm), Resume::No),
    ),
    case(
        "bulk-tls13-chacha20poly1305",
        Kind::Bulk,
        with(ECDSA, V13, Some(Suite::Chacha20Poly1305), Resume::No),
    ),
    case(
        "bulk-copy-pump-tls13-aes128gcm",
        Kind::BulkCopyPump,
        with(ECDSA, V13, Some(Suite::Aes128Gcm), Resume::No),
    ),
    case("heap-tls13-ecdsa-p256", Kind::Heap, ECDSA),
    case(
        "heap-tls12-ecdsa-p256",
        Kind::Heap,
        with(ECDSA, V12, None, Resume::No),
    ),
    case("tcp-handshake-tls13-ecdsa-p256", Kind::TcpHandshake, ECDSA),
    case(
        "tcp-bulk-tls13-aes256gcm",
        Kind::TcpBulk,
        with(ECDSA, V13, Some(Suite::Aes256Gcm), Resume::No),
    ),
    case(
        "tcp-bulk-tls12-ecdsa-p256",
        Kind::TcpBulk,
        with(ECDSA, V12, None, Resume::No),
    ),
];

/// Builds `side`'s closure for `case`.
pub fn work(case: &Case, side: Side, fx: &Fixtures) -> Result<Work, String> {
    match side {
        Side::Raw => raw_work(case, fx),
        Side::Pyssl if case.kind.is_tcp() => {
            tcp::pyssl_work(case.kind == Kind::TcpBulk, fx, &case.spec)
        }
        Side::Pyssl => pyside::work(case, fx),
    }
}

fn raw_work(case: &Case, fx: &Fixtures) -> Result<Work, String> {
    match case.kind {
        Kind::TcpHandshake => return tcp::raw_handshakes(fx, &case.spec),
        Kind::TcpBulk => return tcp::raw_bulk(fx, &case.spec),
        Kind::Handshake | Kind::Resumed | Kind::Bulk | Kind::BulkCopyPump | Kind::Heap => {}
    }
    let raw = raw::Raw::new(fx, &case.spec)?;
    match case.kind {
        Kind::Handshake => Ok(Box::new(move |n| {
            for _ in 0..n {
                std::hint::black_box(raw.handshake()?);
            }
            Ok(n as f64)
        })),
        Kind::Resumed => {
            raw.handshake()?; // primes the client's session store
            Ok(Box::new(move |n| {
                for _ in 0..n {
                    std::hint::black_box(raw.resumed_handshake()?);
                }
                Ok(n as f64)
            }))
        }
        Kind::Bulk | Kind::BulkCopyPump => {
            let mut pair = raw.handshake()?;
            let expect = case.spec.suite.map(|s| s.name());
            check_suite(pair.suite(), expect)?;
            let chunk = vec![0x5a_u8; CHUNK];
            let mut out = vec![0_u8; CHUNK];
            Ok(Box::new(move |n| {
                for _ in 0..n {
                    pair.send(&chunk, &mut out)?;
                }
                Ok(n as f64 * CHUNK as f64 / MIB)
            }))
        }
        Kind::Heap => Ok(Box::new(move |n| {
            heap_per_pair(n, || {
                raw.handshake()
                    .map(|p| Box::new(p) as Box<dyn std::any::Any>)
            })
        })),
        Kind::TcpHandshake | Kind::TcpBulk => Err("handled above".into()),
    }
}

/// Live heap bytes per pair while `n` pairs made by `make` are alive.
pub fn heap_per_pair(
    n: u64,
    mut make: impl FnMut() -> Result<Box<dyn std::any::Any>, String>,
) -> Result<f64, String> {
    let mut keep = Vec::with_capacity(n as usize);
    let before = alloc::live_bytes();
    for _ in 0..n {
        keep.push(make()?);
    }
    let after = alloc::live_bytes();
    drop(keep);
    Ok(after.saturating_sub(before) as f64 / n.max(1) as f64)
}

/// Fails when a bulk case did not get the suite it is named for.
pub fn check_suite(got: Option<String>, want: Option<&str>) -> Result<(), String> {
    let (Some(want), Some(got)) = (want, got.as_deref()) else {
        return Ok(());
    };
    let norm = |s: &str| {
        s.trim_start_matches("TLS13_")
            .trim_start_matches("TLS_")
            .to_string()
    };
    if norm(got) == norm(want) {
        Ok(())
    } else {
        Err(format!("negotiated {got}, wanted {want}"))
    }
}

/// The cases `list` selects: comma-separated names or name prefixes (`handshake`, `bulk-tls13`).
pub fn select(list: Option<&str>) -> Result<Vec<Case>, String> {
    let Some(list) = list else {
        return Ok(ALL.to_vec());
    };
    let mut out: Vec<Case> = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let hits: Vec<&Case> = ALL.iter().filter(|c| c.name.starts_with(item)).collect();
        if hits.is_empty() {
            let names: Vec<&str> = ALL.iter().map(|c| c.name).collect();
            return Err(format!(
                "no case matches {item:?}; cases: {}",
                names.join(", ")
            ));
        }
        for c in hits {
            if !out.iter().any(|o| o.name == c.name) {
                out.push(*c);
            }
        }
    }
    if out.is_empty() {
        return Err("--cases selected nothing".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_start_with_a_known_family_and_are_unique() {
        for (i, c) in ALL.iter().enumerate() {
            assert!(
                ["handshake", "resumed", "bulk", "heap", "tcp"]
                    .iter()
                    .any(|p| c.name.starts_with(p)),
                "{}",
                c.name
            );
            assert!(ALL[..i].iter().all(|o| o.name != c.name));
        }
    }

    #[test]
    fn select_by_prefix_and_reject_unknown() {
        let hs = select(Some("handshake")).unwrap();
        assert_eq!(hs.len(), 3);
        let two = select(Some("bulk-tls13-aes128gcm, heap-tls13")).unwrap();
        let names: Vec<_> = two.iter().map(|c| c.name).collect();
        assert_eq!(names, ["bulk-tls13-aes128gcm", "heap-tls13-ecdsa-p256"]);
        assert!(select(Some("nope"))
            .unwrap_err()
            .contains("no case matches"));
        assert_eq!(select(None).unwrap().len(), ALL.len());
    }

    #[test]
    fn suite_check_accepts_both_spellings() {
        assert!(check_suite(
            Some("TLS13_AES_128_GCM_SHA256".into()),
            Some("TLS_AES_128_GCM_SHA256")
        )
        .is_ok());
        assert!(check_suite(
            Some("TLS13_AES_256_GCM_SHA384".into()),
            Some("TLS_AES_128_GCM_SHA256")
        )
        .is_err());
        assert!(check_suite(None, Some("TLS_AES_128_GCM_SHA256")).is_ok());
    }
}
