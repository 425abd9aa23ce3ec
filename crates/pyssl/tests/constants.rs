//! Every numeric constant of python3's `ssl` module equals pyssl's, and pyssl names none
//! that CPython lacks.

mod common;

use pyssl::constants::{constant_table, has_table, lookup};

const PY: &str = r#"
import ssl
prefixes = ("ALERT_DESCRIPTION_", "SSL_ERROR_", "OP_", "PROTOCOL_", "CERT_", "VERIFY_")
for name in sorted(dir(ssl)):
    if name.startswith(prefixes):
        print(name, int(getattr(ssl, name)))
for member in ssl.TLSVersion:
    print("TLSVersion." + member.name, int(member))
"#;

fn python_constants() -> Vec<(String, i64)> {
    let out = common::run_python_stdin(PY, "");
    out.lines()
        .map(|l| {
            let (n, v) = l.split_once(' ').expect("name value");
            (n.to_owned(), v.parse().expect("integer"))
        })
        .collect()
}

#[test]
fn every_python_numeric_constant_matches() {
    let py = python_constants();
    assert!(
        py.len() > 70,
        "too few constants from python3: {}",
        py.len()
    );
    for (name, value) in &py {
        assert_eq!(lookup(name), Some(*value), "constant {name}");
    }
    // And the reverse: pyssl invents no names.
    for (name, _) in constant_table() {
        assert!(
            py.iter().any(|(n, _)| n == name),
            "{name} is not in python3's ssl module"
        );
    }
}

/// The private `_ssl` module's own numeric constants (those `ssl` does not re-export).
#[test]
fn private_ssl_module_constants_match() {
    let out = common::run_python_stdin(
        "import _ssl, ssl\nfor n in sorted(dir(_ssl)):\n    v = getattr(_ssl, n)\n    if n.startswith(('ENCODING_', 'HOSTFLAG_', 'PROTO_')) and not hasattr(ssl, n):\n        print(n, v)",
        "",
    );
    let py: Vec<(&str, i64)> = out
        .lines()
        .map(|l| {
            let (n, v) = l.split_once(' ').unwrap();
            (n, v.parse().unwrap())
        })
        .collect();
    assert!(py.len() >= 15, "{py:?}");
    let ours = pyssl::constants::private_constant_table();
    for (name, value) in &py {
        assert!(ours.contains(&(name, *value)), "_ssl.{name} = {value}");
    }
    assert_eq!(ours.len(), py.len());
}

#[test]
fn has_flags_are_truthful() {
    let get = |n: &str| has_table().iter().find(|(k, _)| *k == n).map(|&(_, v)| v);
    for on in [
        "HAS_SNI",
        "HAS_ALPN",
        "HAS_ECDH",
        "HAS_TLSv1_2",
        "HAS_TLSv1_3",
        "HAS_NEVER_CHECK_COMMON_NAME",
        "HAS_TLS_UNIQUE",
    ] {
        assert_eq!(get(on), Some(true), "{on}");
    }
    for off in [
        "HAS_NPN",
        "HAS_SSLv2",
        "HAS_SSLv3",
        "HAS_TLSv1",
        "HAS_TLSv1_1",
        "HAS_PSK",
        "HAS_PHA",
    ] {
        assert_eq!(get(off), Some(false), "{off}");
    }
}

#[test]
fn every_python_has_flag_is_listed() {
    let out = common::run_python_stdin(
        "import ssl\nfor n in dir(ssl):\n    n.startswith('HAS_') and print(n)",
        "",
    );
    for name in out.lines() {
        assert!(
            has_table().iter().any(|(n, _)| *n == name),
            "{name} missing from has_table()"
        );
    }
}

#[test]
fn version_strings_name_the_real_stack() {
    assert!(pyssl::OPENSSL_VERSION.starts_with(concat!("pyssl ", env!("CARGO_PKG_VERSION"))));
    assert!(pyssl::OPENSSL_VERSION.contains("rustls 0.23"));
    assert!(pyssl::OPENSSL_VERSION.contains("ring"));
    let (major, minor, fix, patch, status) = pyssl::OPENSSL_VERSION_INFO;
    let expect: Vec<u32> = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(vec![major, minor, patch], expect);
    assert_eq!((fix, status), (0, 0));
    assert_eq!(
        pyssl::CHANNEL_BINDING_TYPES,
        &["tls-unique", "tls-exporter"][..]
    );
}

#[test]
fn default_ciphers_equal_cpython() {
    let out = common::run_python_stdin("import ssl; print(ssl._DEFAULT_CIPHERS)", "");
    assert_eq!(out.trim_end(), pyssl::DEFAULT_CIPHERS);
}

#[test]
fn ssl_error_errnos_agree_with_constants() {
    use pyssl::SslError;
    assert_eq!(
        SslError::want_read().errno(),
        Some(pyssl::SSL_ERROR_WANT_READ)
    );
    assert_eq!(
        SslError::want_write().errno(),
        Some(pyssl::SSL_ERROR_WANT_WRITE)
    );
    assert_eq!(
        SslError::zero_return().errno(),
        Some(pyssl::SSL_ERROR_ZERO_RETURN)
    );
    assert_eq!(
        SslError::unexpected_eof().errno(),
        Some(pyssl::SSL_ERROR_EOF)
    );
    assert_eq!(
        SslError::cert_verification(18, "x").errno(),
        Some(pyssl::SSL_ERROR_SSL)
    );
    assert_eq!(
        SslError::new(pyssl::ErrorKind::Syscall, "x").errno(),
        Some(pyssl::SSL_ERROR_SYSCALL)
    );
}

#[test]
fn alert_descriptions_round_trip() {
    for a in pyssl::AlertDescription::ALL {
        assert_eq!(pyssl::AlertDescription::from_code(*a as u8), Some(*a));
        let r: rustls::AlertDescription = (*a).into();
        assert_eq!(u8::from(r), *a as u8);
    }
    assert_eq!(pyssl::AlertDescription::from_code(1), None);
}
