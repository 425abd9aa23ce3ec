//! The verification scenario matrix (issue 4): TLS 1.2/1.3 × RSA/ECDSA leaves ×
//! client verify modes × check_hostname × server client-auth modes × good and bad
//! certificates. Every scenario runs twice — python3's `ssl` (OpenSSL) on both ends of an
//! in-memory SSLObject pair, and rustls on both ends with pyssl's `PyVerifier` — and each
//! side's outcome must be the same: success, or the same `verify_code` + `verify_message`,
//! or the same alert reason on the peer. Expected values come from CPython, never from here.
//!
//! Certificates are generated once (rcgen; RSA keys by the `openssl` CLI), python3 runs
//! once for the whole batch.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use pyssl::{Purpose, PyVerifier, VerifyFailure, VerifyFlags, VerifyMode, VerifyPolicy};
use pyssl_tests::pki::{crl_pem, rsa_key};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, SerialNumber,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use serde_json::{json, Value};

const CRL_LEAF: u64 = 0x4;
const CRL_CHAIN: u64 = 0xc;

/// Which leaf certificate a scenario presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Good,
    Expired,
    NotYetValid,
    WrongHost,
    SelfSigned,
    UnknownCa,
    SelfSignedInChain,
    RevokedLeaf,
    RevokedIntermediate,
    WrongEku,
}

const KINDS: [Kind; 10] = [
    Kind::Good,
    Kind::Expired,
    Kind::NotYetValid,
    Kind::WrongHost,
    Kind::SelfSigned,
    Kind::UnknownCa,
    Kind::SelfSignedInChain,
    Kind::RevokedLeaf,
    Kind::RevokedIntermediate,
    Kind::WrongEku,
];

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Good => "good",
        Kind::Expired => "expired",
        Kind::NotYetValid => "notyet",
        Kind::WrongHost => "wronghost",
        Kind::SelfSigned => "selfsigned",
        Kind::UnknownCa => "unknownca",
        Kind::SelfSignedInChain => "selfsigned_in_chain",
        Kind::RevokedLeaf => "revoked_leaf",
        Kind::RevokedIntermediate => "revoked_inter",
        Kind::WrongEku => "wrongeku",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Alg {
    Rsa,
    Ecdsa,
}

/// Files for one leaf: the chain it presents (PEM, leaf first) and its key.
struct LeafFiles {
    chain: PathBuf,
    key: PathBuf,
}

/// The generated PKI.
struct Pki {
    dir: tempfile::TempDir,
    leaves: BTreeMap<(Alg, Kind), LeafFiles>,
    /// Root only.
    ca: PathBuf,
    /// Root plus the CRLs of the root, the intermediate and the second intermediate.
    ca_crls: PathBuf,
    /// Scenarios of chain-building, trust and name rules (built with the PKI).
    rules: Vec<Scenario>,
}

fn ca_params(cn: &str, serial: u8) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.serial_number = Some(SerialNumber::from_slice(&[serial]));
    p.use_authority_key_identifier_extension = true;
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2080, 1, 1);
    p
}

fn leaf_params(kind: Kind, serial: u8) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = rcgen::DistinguishedName::new();
    p.distinguished_name.push(DnType::CommonName, "localhost");
    p.serial_number = Some(SerialNumber::from_slice(&[0x10, serial]));
    p.use_authority_key_identifier_extension = true;
    p.not_before = rcgen::date_time_ymd(2021, 1, 1);
    p.not_after = rcgen::date_time_ymd(2079, 1, 1);
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let dns = if kind == Kind::WrongHost {
        "other.example"
    } else {
        "localhost"
    };
    p.subject_alt_names = vec![
        SanType::DnsName(dns.try_into().unwrap()),
        SanType::IpAddress([127, 0, 0, 1].into()),
    ];
    match kind {
        Kind::Expired => {
            p.not_before = rcgen::date_time_ymd(2020, 6, 1);
            p.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        Kind::NotYetValid => {
            p.not_before = rcgen::date_time_ymd(2070, 1, 1);
        }
        Kind::WrongEku => {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::EmailProtection];
        }
        _ => {}
    }
    p
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn crl(issuer: &Issuer<'_, KeyPair>, revoked: &[&[u8]]) -> String {
    crl_pem(issuer, revoked, 2020, 2079)
}

fn make_pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();

    let root_key = KeyPair::generate().unwrap();
    let root_p = ca_params("Matrix Root CA", 1);
    let root = root_p.self_signed(&root_key).unwrap();
    let root_i = Issuer::new(root_p, root_key);

    let inter_key = KeyPair::generate().unwrap();
    let inter_p = ca_params("Matrix Intermediate CA", 2);
    let inter = inter_p.signed_by(&inter_key, &root_i).unwrap();
    let inter_i = Issuer::new(inter_p, inter_key);

    let inter2_key = KeyPair::generate().unwrap();
    let inter2_p = ca_params("Matrix Revoked Intermediate CA", 3);
    let inter2 = inter2_p.signed_by(&inter2_key, &root_i).unwrap();
    let inter2_i = Issuer::new(inter2_p, inter2_key);

    let other_key = KeyPair::generate().unwrap();
    let other_p = ca_params("Unknown Root CA", 4);
    let other = other_p.self_signed(&other_key).unwrap();
    let other_i = Issuer::new(other_p, other_key);

    let other_inter_key = KeyPair::generate().unwrap();
    let other_inter_p = ca_params("Unknown Intermediate CA", 5);
    let other_inter = other_inter_p.signed_by(&other_inter_key, &other_i).unwrap();
    let other_inter_i = Issuer::new(other_inter_p, other_inter_key);

    let ca = write(&d, "ca.pem", &root.pem());
    let revoked_leaf_serials: Vec<Vec<u8>> = [Alg::Rsa, Alg::Ecdsa]
        .iter()
        .map(|a| vec![0x10, leaf_serial(*a, Kind::RevokedLeaf)])
        .collect();
    let revoked_refs: Vec<&[u8]> = revoked_leaf_serials.iter().map(|v| v.as_slice()).collect();
    let ca_crls = write(
        &d,
        "ca_crls.pem",
        &format!(
            "{}{}{}{}",
            root.pem(),
            crl(&root_i, &[&[3]]),
            crl(&inter_i, &revoked_refs),
            crl(&inter2_i, &[])
        ),
    );

    let rsa = rsa_key();
    let mut leaves = BTreeMap::new();
    for alg in [Alg::Rsa, Alg::Ecdsa] {
        for kind in KINDS {
            let key = match alg {
                Alg::Rsa => KeyPair::from_pem(&rsa.serialize_pem()).unwrap(),
                Alg::Ecdsa => KeyPair::generate().unwrap(),
            };
            let params = leaf_params(kind, leaf_serial(alg, kind));
            let chain = match kind {
                Kind::SelfSigned => params.self_signed(&key).unwrap().pem(),
                Kind::UnknownCa => params.signed_by(&key, &other_inter_i).unwrap().pem(),
                Kind::SelfSignedInChain => format!(
                    "{}{}{}",
                    params.signed_by(&key, &other_inter_i).unwrap().pem(),
                    other_inter.pem(),
                    other.pem()
                ),
                Kind::RevokedIntermediate => format!(
                    "{}{}",
                    params.signed_by(&key, &inter2_i).unwrap().pem(),
                    inter2.pem()
                ),
                _ => format!(
                    "{}{}",
                    params.signed_by(&key, &inter_i).unwrap().pem(),
                    inter.pem()
                ),
            };
            let tag = format!("{alg:?}_{}", kind_name(kind)).to_lowercase();
            let files = LeafFiles {
                chain: write(&d, &format!("{tag}_chain.pem"), &chain),
                key: write(&d, &format!("{tag}_key.pem"), &key.serialize_pem()),
            };
            leaves.insert((alg, kind), files);
        }
    }
    let mut rules = Vec::new();
    let w = |name: &str, text: &str| write(&d, name, text);
    let ecdsa_good = &leaves[&(Alg::Ecdsa, Kind::Good)];
    let good_leaf_only = w(
        "good_leaf_only.pem",
        &first_pem(&std::fs::read_to_string(&ecdsa_good.chain).unwrap()),
    );
    let good_key = ecdsa_good.key.clone();
    let inter_only = w("inter_only.pem", &inter.pem());
    let root_and_inter = w(
        "root_and_inter.pem",
        &format!("{}{}", root.pem(), inter.pem()),
    );
    let root_crl_only = w(
        "ca_rootcrl.pem",
        &format!("{}{}", root.pem(), crl(&root_i, &[&[3]])),
    );
    let inter_crl_only = w(
        "ca_intercrl.pem",
        &format!("{}{}", root.pem(), crl(&inter_i, &revoked_refs)),
    );
    let chain = |c: &PathBuf| (c.clone(), good_key.clone());
    let rule =
        |id: &str, server: (PathBuf, PathBuf), cafile: Option<&PathBuf>, flags: u64, host: &str| {
            client_rule(id, server, cafile.cloned(), flags, host, true, true)
        };
    rules.push(rule(
        "C good chain, root store",
        chain(&ecdsa_good.chain),
        Some(&ca),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C empty store",
        chain(&ecdsa_good.chain),
        None,
        0,
        "localhost",
    ));
    rules.push(rule(
        "C intermediate-only store",
        chain(&ecdsa_good.chain),
        Some(&inter_only),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C intermediate-only store, PARTIAL_CHAIN",
        chain(&ecdsa_good.chain),
        Some(&inter_only),
        PARTIAL,
        "localhost",
    ));
    rules.push(rule(
        "C leaf alone, root store",
        chain(&good_leaf_only),
        Some(&ca),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C leaf alone, root+intermediate store",
        chain(&good_leaf_only),
        Some(&root_and_inter),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C leaf alone, intermediate-only store, PARTIAL_CHAIN",
        chain(&good_leaf_only),
        Some(&inter_only),
        PARTIAL,
        "localhost",
    ));
    rules.push(rule(
        "C good chain, STRICT",
        chain(&ecdsa_good.chain),
        Some(&ca),
        STRICT,
        "localhost",
    ));
    rules.push(rule(
        "C CRL_CHECK_CHAIN good",
        chain(&ecdsa_good.chain),
        Some(&ca_crls),
        CRL_CHAIN,
        "localhost",
    ));
    rules.push(rule(
        "C CRL_CHECK_LEAF, only the root's CRL",
        chain(&ecdsa_good.chain),
        Some(&root_crl_only),
        CRL_LEAF,
        "localhost",
    ));
    rules.push(rule(
        "C CRL_CHECK_CHAIN, only the root's CRL",
        chain(&ecdsa_good.chain),
        Some(&root_crl_only),
        CRL_CHAIN,
        "localhost",
    ));
    rules.push(rule(
        "C CRL_CHECK_CHAIN, only the intermediate's CRL",
        chain(&ecdsa_good.chain),
        Some(&inter_crl_only),
        CRL_CHAIN,
        "localhost",
    ));
    rules.push(rule(
        "C CRL_CHECK_LEAF, only the intermediate's CRL",
        chain(&ecdsa_good.chain),
        Some(&inter_crl_only),
        CRL_LEAF,
        "localhost",
    ));
    let revoked_inter = &leaves[&(Alg::Ecdsa, Kind::RevokedIntermediate)];
    rules.push(rule(
        "C revoked intermediate, CRL_CHECK_LEAF",
        (revoked_inter.chain.clone(), revoked_inter.key.clone()),
        Some(&ca_crls),
        CRL_LEAF,
        "localhost",
    ));
    let revoked_leaf = &leaves[&(Alg::Ecdsa, Kind::RevokedLeaf)];
    rules.push(rule(
        "C revoked leaf, CRL_CHECK_CHAIN",
        (revoked_leaf.chain.clone(), revoked_leaf.key.clone()),
        Some(&ca_crls),
        CRL_CHAIN,
        "localhost",
    ));
    let expired_crl = w(
        "ca_expired_crl.pem",
        &format!("{}{}", root.pem(), crl_pem(&inter_i, &[], 2020, 2021)),
    );
    let self_revoked_root = w(
        "ca_self_revoked_root.pem",
        &format!(
            "{}{}{}",
            root.pem(),
            crl(&root_i, &[&[1]]),
            crl(&inter_i, &[])
        ),
    );
    rules.push(rule(
        "C CRL_CHECK_CHAIN, root revoked by its own CRL",
        chain(&ecdsa_good.chain),
        Some(&self_revoked_root),
        CRL_CHAIN,
        "localhost",
    ));
    rules.push(rule(
        "C CRL_CHECK_LEAF, expired CRL",
        chain(&ecdsa_good.chain),
        Some(&expired_crl),
        CRL_LEAF,
        "localhost",
    ));

    // Special certificates.
    let key = KeyPair::generate().unwrap();
    let key_file = w("special_key.pem", &key.serialize_pem());
    let special = |name: &str, pem: String| (w(&format!("{name}.pem"), &pem), key_file.clone());
    let mut p = leaf_params(Kind::Good, 0x60);
    p.use_authority_key_identifier_extension = false;
    let no_akid = special(
        "no_akid",
        format!(
            "{}{}",
            p.signed_by(&key, &inter_i).unwrap().pem(),
            inter.pem()
        ),
    );
    rules.push(rule(
        "C leaf without AKID",
        no_akid.clone(),
        Some(&ca),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C leaf without AKID, STRICT",
        no_akid,
        Some(&ca),
        STRICT,
        "localhost",
    ));
    let mut p = leaf_params(Kind::Expired, 0x61);
    p.subject_alt_names = vec![SanType::DnsName("other.example".try_into().unwrap())];
    let expired_wrong = special(
        "expired_wronghost",
        format!(
            "{}{}",
            p.signed_by(&key, &inter_i).unwrap().pem(),
            inter.pem()
        ),
    );
    rules.push(rule(
        "C expired and wrong host",
        expired_wrong.clone(),
        Some(&ca),
        0,
        "localhost",
    ));
    rules.push(client_rule(
        "C expired and wrong host, no hostname check",
        expired_wrong,
        Some(ca.clone()),
        0,
        "localhost",
        false,
        true,
    ));
    // An expired root in the store.
    let old_key = KeyPair::generate().unwrap();
    let mut old_p = ca_params("Expired Root CA", 7);
    old_p.not_before = rcgen::date_time_ymd(2015, 1, 1);
    old_p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let old_root = old_p.self_signed(&old_key).unwrap();
    let old_i = Issuer::new(old_p, old_key);
    let old_store = w("old_root.pem", &old_root.pem());
    let p = leaf_params(Kind::Good, 0x62);
    let under_old = special("under_old_root", p.signed_by(&key, &old_i).unwrap().pem());
    rules.push(rule(
        "C expired root in store",
        under_old,
        Some(&old_store),
        0,
        "localhost",
    ));
    // An intermediate that is not a CA.
    let nonca_key = KeyPair::generate().unwrap();
    let mut nonca_p = ca_params("Not A CA", 8);
    nonca_p.is_ca = IsCa::ExplicitNoCa;
    nonca_p.key_usages = vec![];
    let nonca = nonca_p.signed_by(&nonca_key, &root_i).unwrap();
    let nonca_i = Issuer::new(nonca_p, nonca_key);
    let p = leaf_params(Kind::Good, 0x63);
    let under_nonca = special(
        "under_nonca",
        format!(
            "{}{}",
            p.signed_by(&key, &nonca_i).unwrap().pem(),
            nonca.pem()
        ),
    );
    rules.push(rule(
        "C intermediate is not a CA",
        under_nonca,
        Some(&ca),
        0,
        "localhost",
    ));
    // An intermediate whose EKU excludes serverAuth.
    let cli_key = KeyPair::generate().unwrap();
    let mut cli_p = ca_params("Client-only Intermediate", 9);
    cli_p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cli_inter = cli_p.signed_by(&cli_key, &root_i).unwrap();
    let cli_i = Issuer::new(cli_p, cli_key);
    let p = leaf_params(Kind::Good, 0x64);
    let under_cli = special(
        "under_client_only",
        format!(
            "{}{}",
            p.signed_by(&key, &cli_i).unwrap().pem(),
            cli_inter.pem()
        ),
    );
    rules.push(rule(
        "C intermediate EKU clientAuth only",
        under_cli,
        Some(&ca),
        0,
        "localhost",
    ));
    // VERIFY_X509_STRICT: an intermediate without keyUsage; a non-CA leaf with keyCertSign.
    let noku_key = KeyPair::generate().unwrap();
    let mut noku_p = ca_params("No KeyUsage Intermediate", 11);
    noku_p.key_usages = vec![];
    let noku = noku_p.signed_by(&noku_key, &root_i).unwrap();
    let noku_i = Issuer::new(noku_p, noku_key);
    let p = leaf_params(Kind::Good, 0x65);
    let under_noku = special(
        "under_noku",
        format!(
            "{}{}",
            p.signed_by(&key, &noku_i).unwrap().pem(),
            noku.pem()
        ),
    );
    rules.push(rule(
        "C intermediate without keyUsage",
        under_noku.clone(),
        Some(&ca),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C intermediate without keyUsage, STRICT",
        under_noku,
        Some(&ca),
        STRICT,
        "localhost",
    ));
    let mut p = leaf_params(Kind::Good, 0x66);
    p.key_usages.push(KeyUsagePurpose::KeyCertSign);
    let certsign_leaf = special(
        "certsign_leaf",
        format!(
            "{}{}",
            p.signed_by(&key, &inter_i).unwrap().pem(),
            inter.pem()
        ),
    );
    rules.push(rule(
        "C non-CA leaf with keyCertSign",
        certsign_leaf.clone(),
        Some(&ca),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C non-CA leaf with keyCertSign, STRICT",
        certsign_leaf,
        Some(&ca),
        STRICT,
        "localhost",
    ));
    // A CA certificate as the leaf, issued by the intermediate.
    let mut p = ca_params("localhost", 12);
    p.subject_alt_names = vec![SanType::DnsName("localhost".try_into().unwrap())];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let ca_leaf = special(
        "ca_leaf",
        format!(
            "{}{}",
            p.signed_by(&key, &inter_i).unwrap().pem(),
            inter.pem()
        ),
    );
    rules.push(rule(
        "C CA certificate as leaf",
        ca_leaf.clone(),
        Some(&ca),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C CA certificate as leaf, wrong host",
        ca_leaf.clone(),
        Some(&ca),
        0,
        "other.example",
    ));
    rules.push(rule(
        "C CA certificate as leaf, CRL_CHECK_CHAIN",
        ca_leaf.clone(),
        Some(&ca_crls),
        CRL_CHAIN,
        "localhost",
    ));
    rules.push(rule(
        "C CA certificate as leaf, STRICT",
        ca_leaf.clone(),
        Some(&ca),
        STRICT,
        "localhost",
    ));
    rules.push(rule(
        "C CA certificate as leaf, intermediate-only store",
        ca_leaf,
        Some(&inter_only),
        0,
        "localhost",
    ));
    let mut p = ca_params("localhost", 13);
    p.subject_alt_names = vec![SanType::DnsName("localhost".try_into().unwrap())];
    p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let ca_leaf_expired = special(
        "ca_leaf_expired",
        format!(
            "{}{}",
            p.signed_by(&key, &inter_i).unwrap().pem(),
            inter.pem()
        ),
    );
    rules.push(rule(
        "C CA certificate as leaf, expired",
        ca_leaf_expired,
        Some(&ca),
        0,
        "localhost",
    ));
    // A self-signed CA certificate used directly as the server certificate, trusted.
    let mut p = ca_params("localhost", 10);
    p.subject_alt_names = vec![SanType::DnsName("localhost".try_into().unwrap())];
    let ss_ca = special("selfsigned_ca_leaf", p.self_signed(&key).unwrap().pem());
    rules.push(rule(
        "C trusted self-signed CA leaf",
        ss_ca.clone(),
        Some(&ss_ca.0),
        0,
        "localhost",
    ));
    rules.push(rule(
        "C trusted self-signed CA leaf, STRICT",
        ss_ca.clone(),
        Some(&ss_ca.0),
        STRICT,
        "localhost",
    ));
    rules.push(rule(
        "C self-signed CA leaf, untrusted",
        ss_ca,
        Some(&ca),
        0,
        "localhost",
    ));

    // Name rules: self-signed leaves trusted directly.
    let names: &[(&str, &[&str], &str, &[&str])] = &[
        (
            "wild",
            &["*.example.com"],
            "x",
            &[
                "a.example.com",
                "A-1.EXAMPLE.com",
                "a.b.example.com",
                "example.com",
                "xn--bcher-kva.example.com",
            ],
        ),
        (
            "partial",
            &["f*.example.com"],
            "x",
            &["foo.example.com", "f.example.com"],
        ),
        ("tld", &["*.com"], "x", &["example.com"]),
        ("inner", &["www.*.example.com"], "x", &["www.a.example.com"]),
        (
            "idna",
            &["xn--*.example.com"],
            "x",
            &["xn--abc.example.com"],
        ),
        (
            "cn_only",
            &[],
            "localhost",
            &["localhost", "LOCALHOST", "other"],
        ),
        ("cn_wild", &[], "*.example.com", &["a.example.com"]),
        (
            "cn_and_dns",
            &["other.example"],
            "localhost",
            &["localhost", "other.example"],
        ),
        (
            "cn_and_ip",
            &["ip:127.0.0.1"],
            "localhost",
            &["localhost", "127.0.0.1", "127.0.0.2"],
        ),
        ("ipv6", &["ip:::1"], "x", &["::1", "::2", "127.0.0.1"]),
        ("dns_ip_text", &["127.0.0.1"], "x", &["127.0.0.1"]),
        ("trailing", &["localhost"], "x", &["localhost."]),
        (
            "idn",
            &["xn--bcher-kva.example", "strasse.example"],
            "x",
            &[
                "bücher.example",
                "BÜCHER.example",
                "straße.example",
                "STRAẞE.example",
                "bucher.example",
            ],
        ),
    ];
    for (tag, sans, cn, hosts) in names {
        let mut p = CertificateParams::default();
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name.push(DnType::CommonName, *cn);
        p.subject_alt_names = sans
            .iter()
            .map(|n| match n.strip_prefix("ip:") {
                Some(ip) => SanType::IpAddress(ip.parse().unwrap()),
                None => SanType::DnsName((*n).try_into().unwrap()),
            })
            .collect();
        let f = special(&format!("name_{tag}"), p.self_signed(&key).unwrap().pem());
        for host in *hosts {
            for cn_check in [true, false] {
                // Non-ASCII names go through the engine only (rustls' ServerName wants A-labels).
                let group = if host.is_ascii() { "N" } else { "I" };
                rules.push(client_rule(
                    &format!("{group} {tag} sans={sans:?} cn={cn} host={host} hostname_checks_common_name={cn_check}"),
                    f.clone(),
                    Some(f.0.clone()),
                    0,
                    host,
                    true,
                    cn_check,
                ));
            }
        }
    }

    Pki {
        dir,
        leaves,
        ca,
        ca_crls,
        rules,
    }
}

const PARTIAL: u64 = 0x80000;
const STRICT: u64 = 0x20;

fn first_pem(text: &str) -> String {
    let end = "-----END CERTIFICATE-----";
    let i = text.find(end).unwrap() + end.len();
    format!("{}\n", &text[..i])
}

/// A client-verification scenario: TLS 1.3, client CERT_REQUIRED, server asks nothing.
fn client_rule(
    id: &str,
    server: (PathBuf, PathBuf),
    cafile: Option<PathBuf>,
    flags: u64,
    host: &str,
    check_hostname: bool,
    checks_common_name: bool,
) -> Scenario {
    Scenario {
        id: id.to_string(),
        tls13: true,
        server_hostname: host.to_string(),
        client: Side {
            verify_mode: VerifyMode::CertRequired,
            check_hostname,
            hostname_checks_common_name: checks_common_name,
            verify_flags: flags,
            cafile,
            cert: None,
        },
        server: Side {
            verify_mode: VerifyMode::CertNone,
            check_hostname: false,
            hostname_checks_common_name: true,
            verify_flags: 0,
            cafile: None,
            cert: Some(server),
        },
    }
}

fn leaf_serial(alg: Alg, kind: Kind) -> u8 {
    let k = KINDS.iter().position(|x| *x == kind).unwrap() as u8;
    match alg {
        Alg::Rsa => 0x20 + k,
        Alg::Ecdsa => 0x40 + k,
    }
}

/// One side's settings in a scenario.
#[derive(Debug, Clone)]
struct Side {
    verify_mode: VerifyMode,
    check_hostname: bool,
    hostname_checks_common_name: bool,
    verify_flags: u64,
    cafile: Option<PathBuf>,
    cert: Option<(PathBuf, PathBuf)>,
}

#[derive(Debug, Clone)]
struct Scenario {
    id: String,
    tls13: bool,
    server_hostname: String,
    client: Side,
    server: Side,
}

impl Scenario {
    fn to_json(&self) -> Value {
        let side = |s: &Side| {
            json!({
                "verify_mode": s.verify_mode as i32,
                "check_hostname": s.check_hostname,
                "hostname_checks_common_name": s.hostname_checks_common_name,
                "verify_flags": s.verify_flags,
                "cafile": s.cafile.as_ref().map(|p| p.display().to_string()),
                "cert": s.cert.as_ref().map(|(c, _)| c.display().to_string()),
                "key": s.cert.as_ref().map(|(_, k)| k.display().to_string()),
            })
        };
        json!({
            "id": self.id,
            "tls13": self.tls13,
            "server_hostname": self.server_hostname,
            "client": side(&self.client),
            "server": side(&self.server),
        })
    }
}

/// What the bad certificate of `kind` needs from the verifying side: the CA file and flags.
fn store_for(pki: &Pki, kind: Kind) -> (PathBuf, u64) {
    match kind {
        Kind::RevokedLeaf => (pki.ca_crls.clone(), CRL_LEAF),
        Kind::RevokedIntermediate => (pki.ca_crls.clone(), CRL_CHAIN),
        _ => (pki.ca.clone(), 0),
    }
}

fn scenarios(pki: &Pki) -> Vec<Scenario> {
    let mut out = pki.rules.clone();
    let modes = [
        VerifyMode::CertNone,
        VerifyMode::CertOptional,
        VerifyMode::CertRequired,
    ];
    let client_policies = [
        (VerifyMode::CertNone, false),
        (VerifyMode::CertOptional, false),
        (VerifyMode::CertOptional, true),
        (VerifyMode::CertRequired, false),
        (VerifyMode::CertRequired, true),
    ];
    for tls13 in [false, true] {
        for alg in [Alg::Rsa, Alg::Ecdsa] {
            let good = &pki.leaves[&(alg, Kind::Good)];
            // A: the client verifies the server's certificate.
            let mut server_certs: Vec<(String, Kind, String)> = KINDS
                .iter()
                .map(|k| (kind_name(*k).to_string(), *k, "localhost".to_string()))
                .collect();
            server_certs.push(("wrongip".into(), Kind::Good, "127.0.0.2".into()));
            server_certs.push(("goodip".into(), Kind::Good, "127.0.0.1".into()));
            server_certs.push(("nocrl".into(), Kind::Good, "localhost".into()));
            for (name, kind, host) in &server_certs {
                let leaf = &pki.leaves[&(alg, *kind)];
                let (cafile, mut flags) = store_for(pki, *kind);
                if name == "nocrl" {
                    flags = CRL_LEAF;
                }
                for (cmode, check) in client_policies {
                    for smode in modes {
                        out.push(Scenario {
                            id: format!(
                                "A tls13={tls13} {alg:?} server_cert={name} client={cmode:?}/check_hostname={check} server={smode:?}"
                            ),
                            tls13,
                            server_hostname: host.clone(),
                            client: Side {
                                verify_mode: cmode,
                                check_hostname: check,
                                hostname_checks_common_name: true,
                                verify_flags: flags,
                                cafile: Some(cafile.clone()),
                                cert: Some((good.chain.clone(), good.key.clone())),
                            },
                            server: Side {
                                verify_mode: smode,
                                check_hostname: false,
                                hostname_checks_common_name: true,
                                verify_flags: 0,
                                cafile: Some(pki.ca.clone()),
                                cert: Some((leaf.chain.clone(), leaf.key.clone())),
                            },
                        });
                    }
                }
            }
            // B: the server verifies the client's certificate (or its absence).
            let mut client_certs: Vec<(String, Option<Kind>)> = vec![("none".into(), None)];
            client_certs.extend(
                KINDS
                    .iter()
                    .filter(|k| **k != Kind::WrongHost)
                    .map(|k| (kind_name(*k).to_string(), Some(*k))),
            );
            client_certs.push(("nocrl".into(), Some(Kind::Good)));
            for (name, kind) in &client_certs {
                let (cafile, mut flags) = store_for(pki, kind.unwrap_or(Kind::Good));
                if name == "nocrl" {
                    flags = CRL_LEAF;
                }
                for smode in modes {
                    out.push(Scenario {
                        id: format!("B tls13={tls13} {alg:?} client_cert={name} server={smode:?}"),
                        tls13,
                        server_hostname: "localhost".into(),
                        client: Side {
                            verify_mode: VerifyMode::CertRequired,
                            check_hostname: true,
                            hostname_checks_common_name: true,
                            verify_flags: 0,
                            cafile: Some(pki.ca.clone()),
                            cert: kind.map(|k| {
                                let l = &pki.leaves[&(alg, k)];
                                (l.chain.clone(), l.key.clone())
                            }),
                        },
                        server: Side {
                            verify_mode: smode,
                            check_hostname: false,
                            hostname_checks_common_name: true,
                            verify_flags: flags,
                            cafile: Some(cafile.clone()),
                            cert: Some((good.chain.clone(), good.key.clone())),
                        },
                    });
                }
            }
        }
    }
    out
}

/// python3: run every scenario with two SSLObjects over MemoryBIOs; print one JSON result
/// per scenario: {"client": err|null, "server": err|null}.
const PY_DRIVER: &str = r#"
import hashlib, json, ssl, sys, _ssl

CACHE = {}

def ctx_for(role, s, tls13):
    key = json.dumps([role, s, tls13], sort_keys=True)
    if key not in CACHE:
        CACHE[key] = make_ctx(role, s, tls13)
    return CACHE[key]

def make_ctx(role, s, tls13):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if role == "server" else ssl.PROTOCOL_TLS_CLIENT)
    v = ssl.TLSVersion.TLSv1_3 if tls13 else ssl.TLSVersion.TLSv1_2
    ctx.minimum_version = v
    ctx.maximum_version = v
    ctx.check_hostname = s["check_hostname"]
    ctx.hostname_checks_common_name = s["hostname_checks_common_name"]
    ctx.verify_mode = ssl.VerifyMode(s["verify_mode"])
    ctx.verify_flags = ssl.VerifyFlags(s["verify_flags"])
    if s["cafile"]:
        ctx.load_verify_locations(s["cafile"])
    if s["cert"]:
        ctx.load_cert_chain(s["cert"], s["key"])
    return ctx

def err(e):
    return {"type": type(e).__name__, "reason": getattr(e, "reason", None),
            "verify_code": getattr(e, "verify_code", None),
            "verify_message": getattr(e, "verify_message", None)}

def run(sc):
    bios = {r: (ssl.MemoryBIO(), ssl.MemoryBIO()) for r in ("client", "server")}
    objs = {
        "client": ctx_for("client", sc["client"], sc["tls13"]).wrap_bio(
            bios["client"][0], bios["client"][1], server_side=False,
            server_hostname=sc["server_hostname"]),
        "server": ctx_for("server", sc["server"], sc["tls13"]).wrap_bio(
            bios["server"][0], bios["server"][1], server_side=True),
    }
    other = {"client": "server", "server": "client"}
    errors = {"client": None, "server": None}
    done = {"client": False, "server": False}
    def flush(r):
        data = bios[r][1].read()
        if data:
            bios[other[r]][0].write(data)
    def step(r, fn):
        if errors[r] is not None:
            return
        try:
            fn()
        except ssl.SSLWantReadError:
            pass
        except ssl.SSLError as e:
            errors[r] = err(e)
        finally:
            flush(r)
    for _ in range(20):
        for r in ("client", "server"):
            if not done[r] and errors[r] is None:
                def hs(r=r):
                    objs[r].do_handshake()
                    done[r] = True
                step(r, hs)
        if all(done[r] or errors[r] is not None for r in done):
            break
    for r in ("server", "client"):
        if done[r]:
            step(r, lambda r=r: objs[r].write(b"x"))
    for _ in range(2):
        for r in ("client", "server"):
            if done[r]:
                step(r, lambda r=r: objs[r].read(1))
    def chain(r):
        if not done[r] or errors[r] is not None:
            return None
        ch = objs[r]._sslobj.get_verified_chain() or []
        return [hashlib.sha256(c.public_bytes(_ssl.ENCODING_DER)).hexdigest()[:16] for c in ch]
    return {"client": errors["client"], "server": errors["server"],
            "chains": {"client": chain("client"), "server": chain("server")}}

for sc in json.load(open(sys.argv[1])):
    print(json.dumps(run(sc)))
"#;

fn python_outcomes(pki: &Pki, scs: &[Scenario]) -> Vec<Value> {
    let spec = pki.dir.path().join("scenarios.json");
    let all: Vec<Value> = scs.iter().map(Scenario::to_json).collect();
    std::fs::write(&spec, serde_json::to_vec(&all).unwrap()).unwrap();
    let out = pyssl_tests::run_python(PY_DRIVER, &[spec.to_str().unwrap()]);
    let v: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(v.len(), scs.len());
    v
}

// ---- the pyssl side: rustls on both ends with PyVerifier ----

fn load_store(cafile: &Path) -> Arc<pyssl::trust::TrustStore> {
    let mut store = pyssl::trust::TrustStore::new();
    store
        .load_verify_locations(Some(cafile), None, None)
        .expect("load cafile");
    Arc::new(store)
}

fn policy(side: &Side, purpose: Purpose) -> VerifyPolicy {
    VerifyPolicy {
        verify_mode: side.verify_mode,
        check_hostname: side.check_hostname,
        hostname_checks_common_name: side.hostname_checks_common_name,
        verify_flags: VerifyFlags(side.verify_flags),
        purpose,
    }
}

fn cert_and_key(c: &(PathBuf, PathBuf)) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let chain = CertificateDer::pem_file_iter(&c.0)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (chain, PrivateKeyDer::from_pem_file(&c.1).unwrap())
}

/// An error as CPython would report it: (class, reason, verify_code, verify_message).
fn describe(e: &rustls::Error) -> Value {
    if let Some(f) = VerifyFailure::from_rustls(e) {
        return json!({"type": "SSLCertVerificationError", "reason": "CERTIFICATE_VERIFY_FAILED",
                      "verify_code": f.code, "verify_message": f.message});
    }
    use rustls::AlertDescription as A;
    let reason = match e {
        rustls::Error::AlertReceived(a) => match a {
            A::BadCertificate => "SSLV3_ALERT_BAD_CERTIFICATE".to_string(),
            A::UnsupportedCertificate => "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE".into(),
            A::CertificateRevoked => "SSLV3_ALERT_CERTIFICATE_REVOKED".into(),
            A::CertificateExpired => "SSLV3_ALERT_CERTIFICATE_EXPIRED".into(),
            A::CertificateUnknown => "SSLV3_ALERT_CERTIFICATE_UNKNOWN".into(),
            A::HandshakeFailure => "SSLV3_ALERT_HANDSHAKE_FAILURE".into(),
            A::UnknownCA => "TLSV1_ALERT_UNKNOWN_CA".into(),
            A::DecryptError => "TLSV1_ALERT_DECRYPT_ERROR".into(),
            A::CertificateRequired => "TLSV13_ALERT_CERTIFICATE_REQUIRED".into(),
            other => format!("alert {other:?}"),
        },
        rustls::Error::NoCertificatesPresented => "PEER_DID_NOT_RETURN_A_CERTIFICATE".into(),
        other => format!("{other:?}"),
    };
    json!({"type": "SSLError", "reason": reason, "verify_code": null, "verify_message": null})
}

fn pyssl_outcome(sc: &Scenario) -> Value {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let versions: &[&rustls::SupportedProtocolVersion] = if sc.tls13 {
        &[&rustls::version::TLS13]
    } else {
        &[&rustls::version::TLS12]
    };
    let empty = || Arc::new(pyssl::trust::TrustStore::new());
    let cstore = sc
        .client
        .cafile
        .as_deref()
        .map(load_store)
        .unwrap_or_else(empty);
    let sstore = sc
        .server
        .cafile
        .as_deref()
        .map(load_store)
        .unwrap_or_else(empty);
    let cver = PyVerifier::new(
        policy(&sc.client, Purpose::ServerAuth),
        cstore,
        provider.clone(),
    );
    let sver = PyVerifier::new(
        policy(&sc.server, Purpose::ClientAuth),
        sstore,
        provider.clone(),
    );

    let cb = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(versions)
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(cver);
    let ccfg = match &sc.client.cert {
        Some(c) => {
            let (chain, key) = cert_and_key(c);
            cb.with_client_auth_cert(chain, key).unwrap()
        }
        None => cb.with_no_client_auth(),
    };
    let (chain, key) = cert_and_key(sc.server.cert.as_ref().unwrap());
    let scfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_client_cert_verifier(sver)
        .with_single_cert(chain, key)
        .unwrap();
    let name = ServerName::try_from(sc.server_hostname.clone()).unwrap();
    let client = rustls::ClientConnection::new(Arc::new(ccfg), name).unwrap();
    let server = rustls::ServerConnection::new(Arc::new(scfg)).unwrap();
    let mut conns: [rustls::Connection; 2] = [client.into(), server.into()];
    let mut errors: [Option<Value>; 2] = [None, None];

    fn transfer(conns: &mut [rustls::Connection; 2], from: usize) {
        let mut buf = Vec::new();
        while conns[from].wants_write() {
            if conns[from].write_tls(&mut buf).unwrap_or(0) == 0 {
                break;
            }
        }
        let to = 1 - from;
        let mut rd = &buf[..];
        while !rd.is_empty() {
            if conns[to].read_tls(&mut rd).unwrap_or(0) == 0 {
                break;
            }
        }
    }
    let host = sc.server_hostname.as_str();
    let process = |conns: &mut [rustls::Connection; 2],
                   errors: &mut [Option<Value>; 2],
                   i: usize| {
        if errors[i].is_none() {
            let r = PyVerifier::with_server_hostname(Some(host), || conns[i].process_new_packets());
            if let Err(e) = r {
                errors[i] = Some(describe(&e));
            }
        }
        transfer(conns, i);
    };
    for _ in 0..20 {
        for i in 0..2 {
            process(&mut conns, &mut errors, i);
        }
        if (0..2).all(|i| errors[i].is_some() || !conns[i].is_handshaking()) {
            break;
        }
    }
    let done = |c: &rustls::Connection, e: &Option<Value>| e.is_none() && !c.is_handshaking();
    for i in [1, 0] {
        if done(&conns[i], &errors[i]) {
            conns[i].writer().write_all(b"x").unwrap();
            transfer(&mut conns, i);
        }
    }
    for _ in 0..2 {
        for i in 0..2 {
            if done(&conns[i], &errors[i]) {
                process(&mut conns, &mut errors, i);
                let mut b = [0u8; 1];
                let _ = conns[i].reader().read(&mut b);
            }
        }
    }
    json!({"client": errors[0], "server": errors[1]})
}

/// The one place raw rustls differs and the verifier cannot help: a TLS 1.2 server that
/// requires a certificate and gets none sends `certificate_required` (rustls, RFC 8446
/// alert 116) where OpenSSL sends `handshake_failure`. (pyssl's engine sends OpenSSL's
/// alert, so this applies to the raw rustls + PyVerifier runs only.)
fn known_deviation(sc: &Scenario, mut want: Value) -> Value {
    if !sc.tls13
        && sc.client.cert.is_none()
        && sc.server.verify_mode == VerifyMode::CertRequired
        && want["client"]["reason"] == "SSLV3_ALERT_HANDSHAKE_FAILURE"
    {
        want["client"]["reason"] = json!("TLSV13_ALERT_CERTIFICATE_REQUIRED");
    }
    want
}

// ---- the pyssl side through the engine: SslContext + SslObject over MemoryBio ----

fn engine_ctx(side: &Side, server: bool, tls13: bool) -> pyssl::SslContext {
    use pyssl::{SslContext, TlsVersion, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};
    let ctx = SslContext::new(if server {
        PROTOCOL_TLS_SERVER
    } else {
        PROTOCOL_TLS_CLIENT
    })
    .unwrap();
    let v = if tls13 {
        TlsVersion::TlsV1_3
    } else {
        TlsVersion::TlsV1_2
    };
    ctx.set_minimum_version(v).unwrap();
    ctx.set_maximum_version(v).unwrap();
    ctx.set_check_hostname(side.check_hostname);
    ctx.set_hostname_checks_common_name(side.hostname_checks_common_name);
    ctx.set_verify_mode(side.verify_mode).unwrap();
    ctx.set_verify_flags(VerifyFlags(side.verify_flags));
    if let Some(ca) = &side.cafile {
        ctx.load_verify_locations(Some(ca), None, None).unwrap();
    }
    if let Some((cert, key)) = &side.cert {
        ctx.load_cert_chain(cert, Some(key), None).unwrap();
    }
    ctx
}

fn engine_error(e: &pyssl::SslError) -> Value {
    json!({"type": e.python_class(), "reason": e.reason(),
           "verify_code": e.verify_code(), "verify_message": e.verify_message()})
}

/// The same steps as the python3 driver, with pyssl's SslObject on both ends.
fn engine_outcome(sc: &Scenario) -> Value {
    use pyssl::{ErrorKind, MemoryBio, SslObject, WrapOptions};
    let cctx = engine_ctx(&sc.client, false, sc.tls13);
    let sctx = engine_ctx(&sc.server, true, sc.tls13);
    let bios: Vec<(MemoryBio, MemoryBio)> = (0..2)
        .map(|_| (MemoryBio::new(), MemoryBio::new()))
        .collect();
    let client = cctx
        .wrap_bio(
            bios[0].0.clone(),
            bios[0].1.clone(),
            WrapOptions {
                server_hostname: Some(sc.server_hostname.clone()),
                ..Default::default()
            },
        )
        .unwrap();
    let server = sctx
        .wrap_bio(
            bios[1].0.clone(),
            bios[1].1.clone(),
            WrapOptions {
                server_side: true,
                ..Default::default()
            },
        )
        .unwrap();
    let mut objs: [SslObject; 2] = [client, server];
    let mut errors: [Option<Value>; 2] = [None, None];
    let mut done = [false, false];
    let flush = |i: usize| {
        let data = bios[i].1.read(None);
        if !data.is_empty() {
            bios[1 - i].0.write(&data).unwrap();
        }
    };
    let step = |objs: &mut [SslObject; 2],
                errors: &mut [Option<Value>; 2],
                i: usize,
                f: &dyn Fn(&mut SslObject) -> pyssl::Result<()>| {
        if errors[i].is_none() {
            if let Err(e) = f(&mut objs[i]) {
                if e.kind() != ErrorKind::WantRead {
                    errors[i] = Some(engine_error(&e));
                }
            }
        }
        flush(i);
    };
    for _ in 0..20 {
        for i in 0..2 {
            if !done[i] && errors[i].is_none() {
                step(&mut objs, &mut errors, i, &|o| o.do_handshake());
                done[i] = errors[i].is_none() && objs[i].is_handshake_done();
            }
        }
        if (0..2).all(|i| done[i] || errors[i].is_some()) {
            break;
        }
    }
    for i in [1, 0] {
        if done[i] {
            step(&mut objs, &mut errors, i, &|o| o.write(b"x").map(|_| ()));
        }
    }
    for _ in 0..2 {
        for i in [0, 1] {
            if done[i] {
                step(&mut objs, &mut errors, i, &|o| o.read(1).map(|_| ()));
            }
        }
    }
    let chain = |i: usize| -> Value {
        if !done[i] || errors[i].is_some() {
            return Value::Null;
        }
        objs[i]
            .get_verified_chain()
            .iter()
            .map(|der| Value::from(short_hash(der)))
            .collect()
    };
    json!({"client": errors[0], "server": errors[1],
           "chains": {"client": chain(0), "server": chain(1)}})
}

/// The first 8 bytes of SHA-256, hex (as the python3 driver prints them).
fn short_hash(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn verification_matrix_matches_cpython() {
    let pki = make_pki();
    let scs = scenarios(&pki);
    // python3 runs the whole batch while pyssl's side runs in two threads.
    let (expected, got) = std::thread::scope(|s| {
        let (pki, scs) = (&pki, &scs);
        let py = s.spawn(move || python_outcomes(pki, scs));
        let half = scs.len() / 2;
        let (first, rest) = scs.split_at(half);
        // rustls + PyVerifier alone (no engine) on a subset: the rules and TLS 1.3 ECDSA.
        let both = |sc: &Scenario| {
            let raw = (sc.id.starts_with(['C', 'N']) || (sc.tls13 && sc.id.contains("Ecdsa")))
                .then(|| pyssl_outcome(sc));
            (engine_outcome(sc), raw)
        };
        let second = s.spawn(move || rest.iter().map(both).collect::<Vec<_>>());
        let mut got: Vec<(Value, Option<Value>)> = first.iter().map(both).collect();
        got.extend(second.join().unwrap());
        (py.join().unwrap(), got)
    });
    let mut failures = Vec::new();
    for ((sc, want), (engine, raw)) in scs.iter().zip(&expected).zip(got) {
        if std::env::var_os("VERIFY_MATRIX_DUMP").is_some() {
            eprintln!("{}\n   => {want}", sc.id);
        }
        if &engine != want {
            failures.push(format!("{}\n   python: {want}\n   engine: {engine}", sc.id));
        }
        if let Some(raw) = raw {
            let mut want = known_deviation(sc, want.clone());
            want.as_object_mut().unwrap().remove("chains");
            let want = &want;
            if &raw != want {
                failures.push(format!(
                    "{}\n   python: {want}\n   rustls+PyVerifier: {raw}",
                    sc.id
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ from CPython:\n{}",
        failures.len(),
        scs.len(),
        failures.join("\n")
    );
}

/// Hashed-directory (`capath`) certificates are reported by `get_ca_certs()` and
/// `cert_store_stats()` once a handshake used them — as CPython reports them after OpenSSL
/// loaded them during chain building — and unused ones are not.
#[test]
fn capath_certificates_used_by_a_handshake_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root_key = KeyPair::generate().unwrap();
    let root_p = ca_params("Capath Root", 1);
    let root = root_p.self_signed(&root_key).unwrap();
    let root_i = Issuer::new(root_p, root_key);
    let inter_key = KeyPair::generate().unwrap();
    let inter_p = ca_params("Capath Intermediate", 2);
    let inter = inter_p.signed_by(&inter_key, &root_i).unwrap();
    let inter_i = Issuer::new(inter_p, inter_key);
    let other_key = KeyPair::generate().unwrap();
    let other = ca_params("Capath Unrelated", 3)
        .self_signed(&other_key)
        .unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = leaf_params(Kind::Good, 9)
        .signed_by(&key, &inter_i)
        .unwrap();
    let key_file = write(d, "key.pem", &key.serialize_pem());
    let with_inter = write(d, "chain.pem", &format!("{}{}", leaf.pem(), inter.pem()));
    let alone = write(d, "leaf.pem", &leaf.pem());

    // Two hashed directories: {root, unrelated} and {root, intermediate, unrelated}.
    let hashed = |name: &str, certs: &[&rcgen::Certificate]| -> PathBuf {
        let sub = d.join(name);
        std::fs::create_dir(&sub).unwrap();
        for c in certs {
            let f = write(&sub, "tmp.pem", &c.pem());
            let out = Command::new("openssl")
                .args(["x509", "-hash", "-noout", "-in"])
                .arg(&f)
                .output()
                .expect("the openssl CLI must be installed");
            let hash = String::from_utf8(out.stdout).unwrap().trim().to_string();
            std::fs::rename(&f, sub.join(format!("{hash}.0"))).unwrap();
        }
        sub
    };
    let capath_root = hashed("root", &[&root, &other]);
    let capath_all = hashed("all", &[&root, &inter, &other]);

    let cases = [(&capath_root, &with_inter), (&capath_all, &alone)];
    let code = r#"
import json, ssl, sys
out = []
for capath, chain, key in json.load(open(sys.argv[1])):
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(chain, key)
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.load_verify_locations(capath=capath)
    before = [client.cert_store_stats(), client.get_ca_certs()]
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    c = client.wrap_bio(c_in, c_out, server_hostname="localhost")
    s = server.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(10):
        for o, src, dst in ((c, c_out, s_in), (s, s_out, c_in)):
            try:
                o.do_handshake()
            except ssl.SSLWantReadError:
                pass
            dst.write(src.read())
    after = [client.cert_store_stats(), client.get_ca_certs()]
    out.append([before, after])
print(json.dumps(out))
"#;
    let spec = d.join("capath.json");
    let spec_v: Vec<Value> = cases
        .iter()
        .map(|(capath, chain)| {
            json!([
                capath.display().to_string(),
                chain.display().to_string(),
                key_file.display().to_string()
            ])
        })
        .collect();
    std::fs::write(&spec, serde_json::to_vec(&spec_v).unwrap()).unwrap();
    let expected: Value =
        serde_json::from_str(&pyssl_tests::run_python(code, &[spec.to_str().unwrap()])).unwrap();

    let mut got = Vec::new();
    for (capath, chain) in cases {
        let server = engine_ctx(
            &Side {
                verify_mode: VerifyMode::CertNone,
                check_hostname: false,
                hostname_checks_common_name: true,
                verify_flags: 0,
                cafile: None,
                cert: Some((chain.clone(), key_file.clone())),
            },
            true,
            true,
        );
        let client = pyssl::SslContext::new(pyssl::PROTOCOL_TLS_CLIENT).unwrap();
        client
            .load_verify_locations(None, Some(capath), None)
            .unwrap();
        let report = |ctx: &pyssl::SslContext| {
            let certs: Vec<Value> = ctx
                .get_ca_certs()
                .unwrap()
                .iter()
                .map(|c| c.to_json())
                .collect();
            json!([ctx.cert_store_stats().to_json(), certs])
        };
        let before = report(&client);
        let out = pyssl_tests::pump::handshake(&client, &server, Some("localhost"));
        assert!(out.client_result.is_ok(), "{:?}", out.client_result);
        got.push(json!([before, report(&client)]));
    }
    assert_eq!(Value::Array(got), expected);
}
