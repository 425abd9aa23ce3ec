//! Hashed directories (`capath`): certificates are reported only once a handshake used
//! them. CPython does a real handshake (MemoryBIO, in-process) against a server whose
//! chain needs the directory's intermediate and root; pyssl's store gets the marks the
//! verifier sets for the same chain. Stats and `get_ca_certs` (order included) must agree.

mod support;

use std::process::Command;

use pyssl_trust::TrustStore;
use support::{python3, run_json, Fixtures, Scratch};

const PY_HANDSHAKE: &str = r#"
import base64, json, ssl, sys
capath, chain, key = sys.argv[1:4]
srv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); srv.load_cert_chain(chain, key)
cli = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); cli.load_verify_locations(capath=capath)
before = cli.cert_store_stats()
c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
c = cli.wrap_bio(c_in, c_out, server_hostname="leaf.example")
s = srv.wrap_bio(s_in, s_out, server_side=True)
done = [False, False]
for _ in range(20):
    for i, obj in enumerate((c, s)):
        if not done[i]:
            try:
                obj.do_handshake(); done[i] = True
            except ssl.SSLWantReadError:
                pass
    s_in.write(c_out.read()); c_in.write(s_out.read())
    if all(done): break
print(json.dumps({"before": before, "after": cli.cert_store_stats(),
                  "ca_certs": [base64.b64encode(d).decode() for d in cli.get_ca_certs(True)]}))
"#;

fn b64(der: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(der)
}

#[test]
fn capath_certificates_appear_after_use_like_cpython() {
    let fx = Fixtures::get();
    let dir = Scratch::new("capath-used");
    for name in ["root_a", "inter", "root_b", "root_c"] {
        dir.file(&format!("{name}.pem"), fx.pem(name));
    }
    support::openssl(&dir.0, &["rehash", "."]);
    let work = Scratch::new("capath-chain");
    let chain = work.file("chain.pem", fx.pem("leaf") + &fx.pem("inter"));

    let mut cmd = Command::new(python3());
    cmd.arg("-c")
        .arg(PY_HANDSHAKE)
        .arg(&dir.0)
        .arg(&chain)
        .arg(fx.path("leaf.key"));
    let cpython = run_json(cmd);

    let mut store = TrustStore::new();
    store
        .load_verify_locations(None, Some(&dir.0), None)
        .unwrap();
    // The verifier may use every capath certificate at once...
    assert_eq!(store.certificates().len(), 4);
    // ...but nothing is reported before a handshake used it.
    assert_eq!(store.cert_store_stats().to_json(), cpython["before"]);
    assert!(store.get_ca_certs_der().is_empty());

    // What the verifier marks for leaf <- inter <- root_a, found in the store.
    let snapshot = store.clone();
    snapshot.mark_used(&fx.der("inter"));
    snapshot.mark_used(&fx.der("root_a"));
    snapshot.mark_used(&fx.der("root_a"));

    // Marks made through a snapshot show in the original store.
    assert_eq!(store.cert_store_stats().to_json(), cpython["after"]);
    let ours: Vec<String> = store.get_ca_certs_der().iter().map(|d| b64(d)).collect();
    assert_eq!(serde_json::json!(ours), cpython["ca_certs"]);
    assert_eq!(ours.len(), 2);
}

#[test]
fn find_by_subject_uses_openssl_name_comparison() {
    let fx = Fixtures::get();
    let mut store = TrustStore::new();
    store
        .load_verify_locations(Some(&fx.path("root_c.pem")), None, None)
        .unwrap();
    // "CN=Zed   Long Name CA" matches "CN=zed long name ca" under X509_NAME_cmp.
    let mut name = Vec::new();
    let cn = b"zed long name ca";
    let atv = [
        &[0x06, 0x03, 0x55, 0x04, 0x03, 0x13, cn.len() as u8][..],
        cn,
    ]
    .concat();
    let seq = [&[0x30, atv.len() as u8][..], &atv].concat();
    let set = [&[0x31, seq.len() as u8][..], &seq].concat();
    name.extend_from_slice(&[0x30, set.len() as u8]);
    name.extend_from_slice(&set);
    let found = store.find_by_subject(&name);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].as_ref(), fx.der("root_c").as_slice());
}

#[test]
fn crls_expose_issuer_dates_and_revoked_serials() {
    let fx = Fixtures::get();
    let mut store = TrustStore::new();
    let bundle = fx.pem("root_a") + &fx.crl("root_a.crl") + &fx.crl("root_b.crl");
    let dir = Scratch::new("crls");
    let file = dir.file("b.pem", bundle);
    store
        .load_verify_locations(Some(&file), None, None)
        .unwrap();
    assert_eq!(store.cert_store_stats().crl, 2);
    let crls = store.crl_list();
    assert_eq!(store.crls().len(), 2);
    let a = crls
        .iter()
        .find(|c| !c.revoked_serials().is_empty())
        .expect("root_a's CRL revokes leaf_a");
    // leaf_a has serial 1010 (0x03f2), see the fixture table.
    assert!(a.is_revoked(&[0x03, 0xf2]));
    assert!(!a.is_revoked(&[0x03, 0xe8]));
    let next = a.next_update().unwrap();
    assert_eq!(next - a.this_update(), 30 * 86400);
    // Same CRL from DER.
    let der = std::fs::read(fx.path("root_a.crl.der")).unwrap();
    let parsed = pyssl_trust::Crl::from_pem_or_der(&der).unwrap();
    assert_eq!(parsed.der().as_ref(), a.der().as_ref());
    assert_eq!(parsed.issuer_der(), a.issuer_der());
}
