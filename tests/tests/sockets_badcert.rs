//! The bad-certificate matrix over real sockets: a pyssl `SslSocket` client and a python3
//! `ssl` client connect to the same server presenting each bad certificate; the pyssl error
//! (class, library, reason, verify_code, verify_message) must equal CPython's.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use pyssl::socket::SocketOptions;
use pyssl::{create_default_context, Purpose, VerifyMode};
use pyssl_tests::peers::listener;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use serde_json::{json, Value};

const T: Option<Duration> = Some(Duration::from_secs(30));

fn ca(cn: &str) -> (CertificateParams, KeyPair, String) {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.distinguished_name.push(DnType::CommonName, cn);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2080, 1, 1);
    let k = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let pem = p.self_signed(&k).unwrap().pem();
    (p, k, pem)
}

fn leaf_params() -> CertificateParams {
    let mut p = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    p.subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    p.distinguished_name.push(DnType::CommonName, "localhost");
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.use_authority_key_identifier_extension = true;
    p.not_before = rcgen::date_time_ymd(2021, 1, 1);
    p.not_after = rcgen::date_time_ymd(2079, 1, 1);
    p
}

struct Case {
    name: &'static str,
    /// Server chain PEM and key PEM.
    chain: String,
    key: String,
    /// server_hostname the clients use.
    host: &'static str,
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn cases(trusted: &(CertificateParams, KeyPair, String)) -> Vec<Case> {
    let issuer = Issuer::from_params(&trusted.0, &trusted.1);
    let signed = |p: CertificateParams| {
        let k = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let c = p.signed_by(&k, &issuer).unwrap();
        (c.pem(), k.serialize_pem())
    };
    let mut out = Vec::new();
    let mut push = |name, (chain, key): (String, String), host| {
        out.push(Case {
            name,
            chain,
            key,
            host,
        })
    };
    push("valid", signed(leaf_params()), "localhost");
    let mut p = leaf_params();
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    push("expired", signed(p), "localhost");
    let mut p = leaf_params();
    p.not_before = rcgen::date_time_ymd(2070, 1, 1);
    p.not_after = rcgen::date_time_ymd(2079, 1, 1);
    push("not yet valid", signed(p), "localhost");
    push("wrong host", signed(leaf_params()), "wrong.example");
    push("wrong IP", signed(leaf_params()), "127.0.0.2");
    let mut p = leaf_params();
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    push("wrong EKU", signed(p), "localhost");
    // Self-signed leaf.
    let k = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = leaf_params();
    p.use_authority_key_identifier_extension = false;
    let c = p.self_signed(&k).unwrap();
    push("self-signed", (c.pem(), k.serialize_pem()), "localhost");
    // Issued by an unknown CA, sent without it / with it (self-signed in chain).
    let other = ca("untrusted CA");
    let other_issuer = Issuer::from_params(&other.0, &other.1);
    let k = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let c = leaf_params().signed_by(&k, &other_issuer).unwrap();
    push("unknown CA", (c.pem(), k.serialize_pem()), "localhost");
    push(
        "self-signed in chain",
        (format!("{}{}", c.pem(), other.2), k.serialize_pem()),
        "localhost",
    );
    out
}

fn pyssl_outcome(port: u16, cafile: &Path, host: &str) -> Value {
    let ctx = create_default_context(Purpose::ServerAuth, Some(cafile), None, None).unwrap();
    let opts = SocketOptions {
        timeout: T,
        ..SocketOptions::client(host)
    };
    match ctx.connect(("127.0.0.1", port), opts) {
        Ok(_) => Value::Null,
        Err(e) => json!({
            "type": e.python_class(), "library": e.library(), "reason": e.reason(),
            "verify_code": e.verify_code(), "verify_message": e.verify_message(),
        }),
    }
}

#[test]
fn bad_certificates_over_sockets_fail_as_in_cpython() {
    let dir = tempfile::tempdir().unwrap();
    let trusted = ca("pyssl socket matrix CA");
    let cafile = write(dir.path(), "ca.pem", &trusted.2);
    for (i, case) in cases(&trusted).into_iter().enumerate() {
        let cert = write(dir.path(), &format!("c{i}.pem"), &case.chain);
        let key = write(dir.path(), &format!("k{i}.pem"), &case.key);
        let sctx = pyssl::SslContext::new(pyssl::PROTOCOL_TLS_SERVER).unwrap();
        sctx.load_cert_chain(&cert, Some(&key), None).unwrap();
        sctx.set_verify_mode(VerifyMode::CertNone).unwrap();
        let (l, port) = listener(sctx, T);
        let server = thread::spawn(move || {
            for _ in 0..2 {
                let _ = l.accept();
            }
        });
        let mine = pyssl_outcome(port, &cafile, case.host);
        let py = pyssl_tests::peers::python_connect_error(port, &cafile, case.host);
        server.join().unwrap();
        assert_eq!(mine, py, "case {:?}: pyssl vs CPython", case.name);
        if case.name == "valid" {
            assert!(mine.is_null());
        } else {
            assert_eq!(
                mine["type"], "SSLCertVerificationError",
                "case {:?}",
                case.name
            );
        }
    }
}
