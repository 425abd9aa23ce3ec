//! `load_default_certs_with`: the platform lookup is injected, the environment is passed
//! explicitly (never mutated), so each rule is checked in isolation.

mod support;

use pyssl_trust::{CertEnv, PlatformCerts, SystemRoots, TrustStore};
use rustls_pki_types::CertificateDer;
use support::{Fixtures, Scratch};

fn empty_platform() -> PlatformCerts {
    PlatformCerts::default()
}

#[test]
fn empty_platform_without_env_falls_back_to_webpki_roots() {
    let mut store = TrustStore::new();
    store.load_default_certs_with(&CertEnv::default(), &empty_platform);
    let n = webpki_roots::TLS_SERVER_ROOTS.len();
    assert!(n > 100);
    assert_eq!(store.embedded_roots().len(), n);
    assert_eq!(store.trust_anchors().len(), n);
    let stats = store.cert_store_stats();
    assert_eq!((stats.x509, stats.x509_ca, stats.crl), (n, n, 0));
}

#[test]
fn platform_files_that_do_not_exist_count_as_nothing() {
    let dir = Scratch::new("noplatform");
    let platform = || PlatformCerts {
        file: Some(dir.0.join("missing.pem")),
        dirs: vec![dir.0.join("missing-dir")],
        certificates: Vec::new(),
    };
    let mut store = TrustStore::new();
    store.load_default_certs_with(&CertEnv::default(), &platform);
    assert!(!store.embedded_roots().is_empty());
}

#[test]
fn explicit_env_never_falls_back() {
    let dir = Scratch::new("noback");
    let empty = dir.file("empty.pem", "");
    for env in [
        CertEnv {
            cert_file: Some(empty.clone().into()),
            cert_dir: None,
        },
        CertEnv {
            cert_file: None,
            cert_dir: Some(dir.0.clone().into()),
        },
        CertEnv {
            cert_file: Some("".into()),
            cert_dir: Some("".into()),
        },
    ] {
        let mut store = TrustStore::new();
        store.load_default_certs_with(&env, &empty_platform);
        assert!(store.embedded_roots().is_empty(), "{env:?}");
        assert_eq!(store.cert_store_stats().x509, 0, "{env:?}");
        assert!(store.certificates().is_empty(), "{env:?}");
    }
}

#[test]
fn os_api_certificates_are_loaded_without_fallback() {
    let fx = Fixtures::get();
    let certs = vec![
        CertificateDer::from(fx.der("root_b")),
        CertificateDer::from(fx.der("root_a")),
        CertificateDer::from(b"not a certificate".to_vec()),
    ];
    let platform = move || PlatformCerts {
        certificates: certs.clone(),
        ..PlatformCerts::default()
    };
    let mut store = TrustStore::new();
    store.load_default_certs_with(&CertEnv::default(), &platform);
    assert!(store.embedded_roots().is_empty());
    assert_eq!(store.cert_store_stats().x509_ca, 2);
}

#[test]
fn env_file_replaces_the_platform_file_but_not_its_directory() {
    let fx = Fixtures::get();
    let dir = Scratch::new("halves");
    let file = dir.file("bundle.pem", fx.pem("root_a"));
    let hashed = Scratch::new("halves-dir");
    hashed.file("root_b.pem", fx.pem("root_b"));
    support::openssl(&hashed.0, &["rehash", "."]);
    let platform_file = dir.file("platform.pem", fx.pem("root_c"));
    let platform = || PlatformCerts {
        file: Some(platform_file.clone()),
        dirs: vec![hashed.0.clone()],
        certificates: Vec::new(),
    };
    let mut store = TrustStore::new();
    let env = CertEnv {
        cert_file: Some(file.clone().into()),
        cert_dir: None,
    };
    store.load_default_certs_with(&env, &platform);
    // root_a from SSL_CERT_FILE; root_b available from the platform directory; no root_c.
    let certs = store.certificates();
    assert!(certs
        .iter()
        .any(|c| c.as_ref() == fx.der("root_a").as_slice()));
    assert!(certs
        .iter()
        .any(|c| c.as_ref() == fx.der("root_b").as_slice()));
    assert!(!certs
        .iter()
        .any(|c| c.as_ref() == fx.der("root_c").as_slice()));
    assert_eq!(store.cert_store_stats().x509, 1);
}

#[test]
fn system_roots_find_the_debian_bundle() {
    let bundle = std::fs::read("/usr/lib/ssl/cert.pem").expect("Debian's OpenSSL default bundle");
    let expected = pyssl_trust::parse_ca_bundle(&bundle).unwrap();
    let mut store = TrustStore::new();
    store.load_default_certs_with(&CertEnv::default(), &SystemRoots);
    assert!(store.embedded_roots().is_empty());
    let loaded = store.certificates();
    assert!(expected.certificates.len() > 50);
    for cert in &expected.certificates {
        assert!(loaded.contains(cert));
    }
}
