//! pyssl's `SslContext::set_ciphersuites` extension (OpenSSL's `SSL_CTX_set_ciphersuites`;
//! Python's `ssl` has none): parsing against the `openssl` CLI, and the choice reaching a
//! python3 (OpenSSL) peer in both roles.

use std::process::Command;

use pyssl_tests::harness::{connect, Impl, PeerConfig};
use pyssl_tests::pki::{Alg, Pki};

const RUSTLS_TLS13: [&str; 3] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
];

/// `openssl ciphers -s -tls1_3 -ciphersuites s`: Some(TLS 1.3 names in order) or None when
/// OpenSSL rejects the string.
fn openssl_ciphersuites(s: &str) -> Option<Vec<String>> {
    let out = Command::new("openssl")
        .args(["ciphers", "-s", "-tls1_3", "-ciphersuites", s])
        .output()
        .expect("the openssl CLI runs");
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no cipher match"), "{s:?}: {err}");
        return None;
    }
    let text = String::from_utf8(out.stdout).unwrap();
    Some(
        text.trim()
            .split(':')
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

#[test]
fn parsing_matches_openssl() {
    let cases = [
        "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256",
        "bogus:TLS_AES_128_GCM_SHA256",
        "bogus",
        " TLS_AES_128_GCM_SHA256 ",
        "TLS_AES_128_GCM_SHA256::",
        ":TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256:TLS_AES_128_GCM_SHA256",
        "TLS_AES_128_CCM_SHA256:TLS_AES_256_GCM_SHA384",
        "tls_aes_128_gcm_sha256",
        "TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384",
        "TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ALL",
    ];
    for s in cases {
        let theirs = openssl_ciphersuites(s);
        let ctx = pyssl::SslContext::new(pyssl::PROTOCOL_TLS_CLIENT).unwrap();
        let before = ctx.get_ciphers();
        match (ctx.set_ciphersuites(s), theirs) {
            (Ok(()), Some(names)) => {
                // OpenSSL keeps duplicates and knows CCM suites rustls lacks.
                let mut want: Vec<String> = Vec::new();
                for n in names {
                    if RUSTLS_TLS13.contains(&n.as_str()) && !want.contains(&n) {
                        want.push(n);
                    }
                }
                let got: Vec<String> = ctx
                    .get_ciphers()
                    .iter()
                    .filter(|c| c.protocol == "TLSv1.3")
                    .map(|c| c.name.to_owned())
                    .collect();
                assert_eq!(got, want, "{s:?}");
                // The TLS 1.2 suites are untouched.
                let tls12 = |l: &[pyssl::ciphers::CipherInfo]| {
                    l.iter()
                        .filter(|c| c.protocol == "TLSv1.2")
                        .map(|c| c.name)
                        .collect::<Vec<_>>()
                };
                assert_eq!(tls12(&ctx.get_ciphers()), tls12(&before), "{s:?}");
            }
            (Err(e), None) => {
                assert_eq!(e.python_class(), "SSLError", "{s:?}");
                assert_eq!(e.library(), Some("SSL"));
                assert_eq!(e.reason(), Some("NO_CIPHER_MATCH"));
                assert_eq!(e.message(), "no cipher match");
                assert_eq!(ctx.get_ciphers(), before, "a failed call changes nothing");
            }
            (ours, theirs) => panic!("{s:?}: pyssl {ours:?}, openssl {theirs:?}"),
        }
    }
}

#[test]
fn set_ciphers_keeps_the_tls13_choice_and_empty_disables_tls13() {
    let ctx = pyssl::SslContext::new(pyssl::PROTOCOL_TLS_CLIENT).unwrap();
    ctx.set_ciphersuites("TLS_AES_128_GCM_SHA256").unwrap();
    ctx.set_ciphers("ECDHE+AESGCM").unwrap();
    let names: Vec<&str> = ctx.get_ciphers().iter().map(|c| c.name).collect();
    assert_eq!(names[0], "TLS_AES_128_GCM_SHA256");
    assert!(
        names[1..].iter().all(|n| !n.starts_with("TLS_")),
        "{names:?}"
    );
    ctx.set_ciphersuites("").unwrap();
    assert!(ctx.get_ciphers().iter().all(|c| c.protocol == "TLSv1.2"));
}

#[test]
fn chosen_suite_is_negotiated_with_python_in_both_roles() {
    let pki = Pki::new();
    let leaf = pki.leaf(Alg::Ecdsa, "localhost", &["localhost"]);
    for suite in RUSTLS_TLS13 {
        let client = PeerConfig {
            cafile: Some(pki.ca_cert.clone()),
            server_hostname: Some("localhost".into()),
            ..Default::default()
        };
        let server = PeerConfig {
            server_side: true,
            cert: Some(leaf.cert.clone()),
            key: Some(leaf.key.clone()),
            ..Default::default()
        };
        let want = Some((suite.to_owned(), "TLSv1.3".to_owned(), 0));
        let name =
            |o: &pyssl_tests::harness::Outcome| o.info().cipher.clone().map(|(n, v, _)| (n, v, 0));
        // pyssl client restricted to `suite`, python3 server with OpenSSL's defaults.
        let c = PeerConfig {
            ciphersuites: Some(suite.into()),
            ..client.clone()
        };
        let (co, so) = connect(Impl::Pyssl, &c, Impl::Python, &server);
        assert_eq!(name(&co), want, "pyssl client");
        assert_eq!(name(&so), want, "python server");
        // pyssl server restricted to `suite`, python3 client with OpenSSL's defaults.
        let s = PeerConfig {
            ciphersuites: Some(suite.into()),
            ..server.clone()
        };
        let (co, so) = connect(Impl::Python, &client, Impl::Pyssl, &s);
        assert_eq!(name(&so), want, "pyssl server");
        assert_eq!(name(&co), want, "python client");
    }
    // No TLS 1.3 suite on a TLS 1.3-only client: the handshake fails, nothing is faked.
    let c = PeerConfig {
        cafile: Some(pki.ca_cert.clone()),
        server_hostname: Some("localhost".into()),
        min_version: Some(0x304),
        ciphersuites: Some(String::new()),
        ..Default::default()
    };
    let s = PeerConfig {
        server_side: true,
        cert: Some(leaf.cert.clone()),
        key: Some(leaf.key.clone()),
        ..Default::default()
    };
    let (co, _) = connect(Impl::Pyssl, &c, Impl::Python, &s);
    assert!(
        matches!(co, pyssl_tests::harness::Outcome::Failed(_)),
        "{co:?}"
    );
    // ... while with TLS 1.2 allowed, both roles fall back to it (as OpenSSL does).
    let c = PeerConfig {
        min_version: None,
        ..c
    };
    let (co, so) = connect(Impl::Pyssl, &c, Impl::Python, &s);
    assert_eq!(co.info().version.as_deref(), Some("TLSv1.2"));
    assert_eq!(so.info().version.as_deref(), Some("TLSv1.2"));
    let c = PeerConfig {
        ciphersuites: None,
        ..c
    };
    let s = PeerConfig {
        ciphersuites: Some(String::new()),
        ..s
    };
    let (co, so) = connect(Impl::Python, &c, Impl::Pyssl, &s);
    assert_eq!(so.info().version.as_deref(), Some("TLSv1.2"));
    assert_eq!(co.info().version.as_deref(), Some("TLSv1.2"));
}
