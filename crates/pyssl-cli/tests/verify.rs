//! `pyssl verify` against `openssl verify` (same chains, same CA file: the same OpenSSL
//! verify code and text) and, for `--json`, against CPython's certificate dicts
//! (`ssl._ssl._test_decode_cert`). Host-name failures carry CPython's message.

use std::path::{Path, PathBuf};
use std::process::Command;

use pyssl_tests::pki::crl_pem;
use pyssl_tests::python_output;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SerialNumber,
};
use serde_json::Value;

struct Dir(PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("pyssl-verify-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.use_authority_key_identifier_extension = true;
    p
}

fn leaf_params(serial: u8, host: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, host);
    p.distinguished_name
        .push(DnType::OrganizationName, "pyssl verify test");
    p.subject_alt_names = vec![SanType::DnsName(host.try_into().unwrap())];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.serial_number = Some(SerialNumber::from_slice(&[serial]));
    p.use_authority_key_identifier_extension = true;
    p
}

struct Pki {
    dir: Dir,
    ca: PathBuf,
    ca_crl: PathBuf,
    inter: PathBuf,
    /// name → (leaf-only file, leaf+intermediate file)
    leaves: Vec<(&'static str, PathBuf, PathBuf)>,
}

fn pki() -> Pki {
    let dir = Dir::new("pki");
    let root_key = KeyPair::generate().unwrap();
    let root_p = ca_params("Verify Root");
    let root = root_p.self_signed(&root_key).unwrap();
    let root_i = Issuer::new(root_p, root_key);
    let inter_key = KeyPair::generate().unwrap();
    let inter_p = ca_params("Verify Intermediate");
    let inter = inter_p.signed_by(&inter_key, &root_i).unwrap();
    let inter_i = Issuer::new(inter_p, inter_key);
    let key = KeyPair::generate().unwrap();

    let mut leaves = Vec::new();
    let mut add = |name: &'static str, pem: String, with_inter: bool| {
        let alone = dir.file(&format!("{name}.pem"), &pem);
        let chain = if with_inter {
            format!("{pem}{}", inter.pem())
        } else {
            pem
        };
        let chain = dir.file(&format!("{name}_chain.pem"), &chain);
        leaves.push((name, alone, chain));
    };
    add(
        "good",
        leaf_params(1, "localhost")
            .signed_by(&key, &inter_i)
            .unwrap()
            .pem(),
        true,
    );
    let mut p = leaf_params(2, "localhost");
    p.not_before = rcgen::date_time_ymd(2019, 1, 1);
    p.not_after = rcgen::date_time_ymd(2020, 1, 1);
    add("expired", p.signed_by(&key, &inter_i).unwrap().pem(), true);
    let mut p = leaf_params(3, "localhost");
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    add(
        "clientonly",
        p.signed_by(&key, &inter_i).unwrap().pem(),
        true,
    );
    add(
        "selfsigned",
        leaf_params(4, "localhost").self_signed(&key).unwrap().pem(),
        false,
    );
    add(
        "revoked",
        leaf_params(5, "localhost")
            .signed_by(&key, &inter_i)
            .unwrap()
            .pem(),
        true,
    );

    let crl =
        |issuer: &Issuer<'_, KeyPair>, revoked: &[&[u8]]| crl_pem(issuer, revoked, 2024, 2090);
    let ca = dir.file("ca.pem", &root.pem());
    let ca_crl = dir.file(
        "ca_crl.pem",
        &format!(
            "{}{}{}",
            root.pem(),
            crl(&root_i, &[]),
            crl(&inter_i, &[&[5]])
        ),
    );
    let inter = dir.file("inter.pem", &inter.pem());
    Pki {
        dir,
        ca,
        ca_crl,
        inter,
        leaves,
    }
}

impl Pki {
    fn leaf(&self, name: &str) -> (&Path, &Path) {
        let (_, a, c) = self.leaves.iter().find(|(n, _, _)| *n == name).unwrap();
        (a, c)
    }
}

/// `pyssl verify ARGS`: (exit code, stdout).
fn pyssl(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .arg("verify")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// `openssl verify ARGS` → Some((code, text)) of its first error, None when OK.
fn openssl(args: &[&str]) -> Option<(i64, String)> {
    let out = Command::new("openssl")
        .arg("verify")
        .args(args)
        .output()
        .expect("the openssl CLI must be installed");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        assert!(text.contains(": OK"), "{text}");
        return None;
    }
    let line = text
        .lines()
        .find(|l| l.starts_with("error ") && l.contains(" depth lookup: "))
        .unwrap_or_else(|| panic!("no error line in {text}"));
    let code = line["error ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let msg = line.split(" depth lookup: ").nth(1).unwrap().to_string();
    Some((code, msg))
}

/// Our (code, message) when it failed.
fn ours(args: &[&str]) -> Option<(i64, String)> {
    let (status, out) = pyssl(args);
    if status == 0 {
        assert!(out.trim_end().ends_with(": OK"), "{out}");
        return None;
    }
    assert_eq!(status, 2, "{out}");
    let first = out.lines().next().unwrap();
    let rest = first.strip_prefix("error ").unwrap();
    let (code, msg) = rest.split_once(": ").unwrap();
    assert!(out.contains("verification failed"), "{out}");
    Some((code.parse().unwrap(), msg.to_string()))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn codes_match_openssl_verify() {
    let pki = pki();
    let ca = s(&pki.ca);
    let inter = s(&pki.inter);
    // (leaf, our extra args, openssl extra args)
    let cases: Vec<(&str, Vec<&str>, Vec<&str>)> = vec![
        ("good", vec![], vec![]),
        ("expired", vec![], vec![]),
        ("clientonly", vec![], vec![]),
        (
            "clientonly",
            vec!["--purpose", "client"],
            vec!["-purpose", "sslclient"],
        ),
        (
            "good",
            vec!["--purpose", "client"],
            vec!["-purpose", "sslclient"],
        ),
        ("selfsigned", vec![], vec![]),
    ];
    for (name, extra, oextra) in cases {
        let (alone, chain) = pki.leaf(name);
        let mut args = vec!["--cafile", ca];
        args.extend(&extra);
        args.push(s(chain));
        let mut oargs = vec!["-CAfile", ca, "-untrusted", inter, "-purpose", "sslserver"];
        if oextra.contains(&"-purpose") {
            oargs.truncate(4);
        }
        oargs.extend(&oextra);
        oargs.push(s(alone));
        assert_eq!(ours(&args), openssl(&oargs), "{name} {extra:?}");
    }
    // No intermediate given: unable to get local issuer certificate.
    let (alone, _) = pki.leaf("good");
    assert_eq!(
        ours(&["--cafile", ca, s(alone)]),
        openssl(&["-CAfile", ca, "-purpose", "sslserver", s(alone)])
    );
    assert_eq!(ours(&["--cafile", ca, s(alone)]).unwrap().0, 20);
    // An intermediate-only store: a partial chain only with --partial-chain.
    let (_, chain) = pki.leaf("good");
    assert_eq!(
        ours(&["--cafile", inter, s(chain)]),
        openssl(&["-CAfile", inter, "-purpose", "sslserver", s(alone)])
    );
    assert_eq!(
        ours(&["--cafile", inter, "--partial-chain", s(chain)]),
        openssl(&[
            "-CAfile",
            inter,
            "-partial_chain",
            "-purpose",
            "sslserver",
            s(alone)
        ])
    );
    // CRLs from the CA file.
    let crl = s(&pki.ca_crl);
    for name in ["good", "revoked"] {
        let (alone, chain) = pki.leaf(name);
        for (ours_flag, openssl_flag) in [("leaf", "-crl_check"), ("chain", "-crl_check_all")] {
            assert_eq!(
                ours(&["--cafile", crl, "--crl-check", ours_flag, s(chain)]),
                openssl(&[
                    "-CAfile",
                    crl,
                    "-untrusted",
                    inter,
                    openssl_flag,
                    "-purpose",
                    "sslserver",
                    s(alone)
                ]),
                "{name} {ours_flag}"
            );
        }
    }
    let (_, chain) = pki.leaf("revoked");
    assert_eq!(
        ours(&["--cafile", crl, "--crl-check", "leaf", s(chain)]),
        Some((23, "certificate revoked".into()))
    );
    // A CRL check with no CRL loaded.
    assert_eq!(
        ours(&["--cafile", ca, "--crl-check", "leaf", s(chain)]),
        Some((3, "unable to get certificate CRL".into()))
    );
}

#[test]
fn host_mismatch_uses_cpython_messages() {
    let pki = pki();
    let ca = s(&pki.ca);
    let (_, chain) = pki.leaf("good");
    assert_eq!(
        ours(&["--cafile", ca, "--host", "localhost", s(chain)]),
        None
    );
    assert_eq!(
        ours(&["--cafile", ca, "--host", "other.example", s(chain)]),
        Some((
            62,
            "Hostname mismatch, certificate is not valid for 'other.example'.".into()
        ))
    );
    assert_eq!(
        ours(&["--cafile", ca, "--host", "10.0.0.1", s(chain)]),
        Some((
            64,
            "IP address mismatch, certificate is not valid for '10.0.0.1'.".into()
        ))
    );
    // openssl agrees on the codes.
    let (alone, _) = pki.leaf("good");
    let inter = s(&pki.inter);
    let base = ["-CAfile", ca, "-untrusted", inter, "-purpose", "sslserver"];
    let mut a = base.to_vec();
    a.extend(["-verify_hostname", "other.example", s(alone)]);
    assert_eq!(openssl(&a).unwrap().0, 62);
    let mut a = base.to_vec();
    a.extend(["-verify_ip", "10.0.0.1", s(alone)]);
    assert_eq!(openssl(&a).unwrap().0, 64);
}

#[test]
fn json_lists_the_verified_chain_as_cpython_dicts() {
    let pki = pki();
    let (alone, chain) = pki.leaf("good");
    let (status, out) = pyssl(&["--cafile", s(&pki.ca), "--json", s(chain)]);
    assert_eq!(status, 0, "{out}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["verify_code"], 0);
    let dicts = v["chain"].as_array().unwrap();
    assert_eq!(dicts.len(), 3, "leaf, intermediate, root");
    // CPython's dicts for the same certificates.
    let code = "import json, ssl, sys\n\
                print(json.dumps([ssl._ssl._test_decode_cert(p) for p in sys.argv[1:]]))";
    let py = python_output(code, [s(alone), s(&pki.inter), s(&pki.ca)]);
    let expected: Value = serde_json::from_slice(&py).unwrap();
    assert_eq!(&Value::Array(dicts.clone()), &expected);

    let (status, out) = pyssl(&["--cafile", s(&pki.ca), "--json", s(alone)]);
    assert_eq!(status, 2);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["verify_code"], 20);
    assert_eq!(
        v["verify_message"],
        "unable to get local issuer certificate"
    );
    assert_eq!(v["chain"], Value::Array(vec![]));
    let _ = &pki.dir;
}

#[test]
fn unreadable_input_is_a_clear_error() {
    let (status, _) = pyssl(&["--cafile", "/nonexistent/ca.pem", "/nonexistent/x.pem"]);
    assert_eq!(status, 1);
    let dir = Dir::new("junk");
    let junk = dir.file("junk.pem", "not a certificate\n");
    let (status, _) = pyssl(&["--cafile", s(&junk), s(&junk)]);
    assert_eq!(status, 1);
}
