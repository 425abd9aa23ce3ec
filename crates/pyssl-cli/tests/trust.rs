//! Differential tests of `pyssl trust --json` against CPython doing the same calls
//! (`SSLContext(PROTOCOL_TLS_CLIENT).load_verify_locations`, `cert_store_stats`,
//! `get_ca_certs`): stats, CA lists (values and order) and errors must be identical.

#[path = "../../pyssl-trust/tests/support/mod.rs"]
mod support;

#[path = "common/trust.rs"]
mod trust_cli;

use support::{python_trust_batch, Env, Fixtures, Scratch};
use trust_cli::{assert_matches, assert_same};

/// [`assert_same`] for many argument lists, with a single python3 process.
fn assert_all_same(cases: &[Vec<String>], env: &Env) {
    let theirs = python_trust_batch(cases, env);
    for (args, theirs) in cases.iter().zip(theirs) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_matches(&args, env, theirs);
    }
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn bundle(fx: &Fixtures, parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| match p.strip_suffix(".crl") {
            Some(_) => fx.crl(p),
            None => fx.pem(p),
        })
        .collect()
}

#[test]
fn mixed_bundle_with_duplicates_leaves_intermediates_and_crls() {
    let fx = Fixtures::get();
    let dir = Scratch::new("mixed");
    let parts = [
        "leaf",
        "root_a",
        "inter",
        "root_a",
        "root_b",
        "root_a.crl",
        "v1",
        "kcs",
        "notca",
        "plain",
        "leaf_a",
        "root_b.crl",
        "root_c",
        "inter",
    ];
    let file = dir.file("bundle.pem", bundle(fx, &parts));
    let out = assert_same(
        &["--cafile", file.to_str().unwrap(), "--binary"],
        &Env::default(),
    );
    // Sanity: the comparison covered something non-trivial.
    assert_eq!(out["stats"]["crl"], 2);
    assert_eq!(out["stats"]["x509"], 10);
    assert_eq!(out["stats"]["x509_ca"], 6);
}

#[test]
fn store_order_matches_openssl_for_many_load_orders() {
    let fx = Fixtures::get();
    let dir = Scratch::new("orders");
    let cas = ["root_a", "root_b", "root_c", "root_d", "v1", "kcs", "inter"];
    let mut orders: Vec<Vec<&str>> = Vec::new();
    for shift in 0..cas.len() {
        let mut o = cas.to_vec();
        o.rotate_left(shift);
        orders.push(o.clone());
        o.reverse();
        orders.push(o);
    }
    // A duplicate added last sorts everything; a CRL added last too.
    orders.push(vec!["root_c", "root_a", "root_b", "root_c"]);
    orders.push(vec!["root_c", "root_a", "root_b", "root_a.crl"]);
    let cases: Vec<Vec<String>> = orders
        .iter()
        .enumerate()
        .map(|(i, order)| {
            let file = dir.file(&format!("b{i}.pem"), bundle(fx, order));
            args(&["--cafile", file.to_str().unwrap(), "--binary"])
        })
        .collect();
    assert_all_same(&cases, &Env::default());
}

#[test]
fn cadata_text_then_der_then_cafile_calls() {
    let fx = Fixtures::get();
    let dir = Scratch::new("cadata");
    let text = format!(
        "leading junk\n{}between\n{}{}-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n{}",
        fx.pem("root_b"),
        fx.crl("root_a.crl"),
        fx.pem("leaf"),
        fx.pem("v1"),
    );
    let text_file = dir.file("cadata.txt", text);
    let der: Vec<u8> = [
        fx.der("root_c"),
        fx.der("leaf_a"),
        fx.der("root_d"),
        fx.der("root_c"),
    ]
    .concat();
    let der_file = dir.file("cadata.der", der);
    let cafile = dir.file("ca.pem", fx.pem("root_a"));
    let out = assert_same(
        &[
            "--cafile",
            cafile.to_str().unwrap(),
            "--cadata-file",
            text_file.to_str().unwrap(),
            "--cadata-der",
            der_file.to_str().unwrap(),
            "--binary",
        ],
        &Env::default(),
    );
    assert_eq!(out["stats"]["x509"], 7);
}

/// Each case: file contents, and which flag feeds it.
#[test]
fn bad_and_odd_inputs_give_cpythons_results() {
    let fx = Fixtures::get();
    let dir = Scratch::new("bad");
    let ca = fx.pem("root_a");
    let b64: String = ca.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = fx.der("root_a");
    let pem_cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("newline", b"\n".to_vec()),
        ("whitespace", b"\n \t\n".to_vec()),
        ("text", b"hello world\n".to_vec()),
        ("binary", (0..=255u8).collect()),
        ("der_cert", der.clone()),
        ("key_only", std::fs::read(fx.path("root_a.key")).unwrap()),
        ("crl_only", fx.crl("root_a.crl").into_bytes()),
        (
            "crl_der_file",
            std::fs::read(fx.path("root_a.crl.der")).unwrap(),
        ),
        (
            "bad_base64",
            b"-----BEGIN CERTIFICATE-----\n!!!!notbase64$$\n-----END CERTIFICATE-----\n".to_vec(),
        ),
        ("truncated", ca.as_bytes()[..ca.len() - 10].to_vec()),
        (
            "no_footer",
            ca.replace("-----END CERTIFICATE-----\n", "").into_bytes(),
        ),
        (
            "end_mismatch",
            ca.replace("END CERTIFICATE", "END FOO").into_bytes(),
        ),
        (
            "empty_block_first",
            format!("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n{ca}").into_bytes(),
        ),
        (
            "empty_block_after",
            format!(
                "{ca}-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n{}",
                fx.pem("root_b")
            )
            .into_bytes(),
        ),
        (
            "cert_then_bad_der",
            format!("{ca}-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n")
                .into_bytes(),
        ),
        (
            "cert_then_bad_foo",
            format!("{ca}-----BEGIN FOO-----\n!!\n-----END FOO-----\n").into_bytes(),
        ),
        (
            "cert_then_bad_key",
            format!("{ca}-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n")
                .into_bytes(),
        ),
        (
            "cert_then_pubkey",
            format!("{ca}-----BEGIN PUBLIC KEY-----\nMAMCAQE=\n-----END PUBLIC KEY-----\n")
                .into_bytes(),
        ),
        ("cert_then_junk", format!("{ca}junk\n").into_bytes()),
        (
            "trusted_label",
            ca.replace("CERTIFICATE", "TRUSTED CERTIFICATE")
                .into_bytes(),
        ),
        (
            "x509_label",
            ca.replace("CERTIFICATE", "X509 CERTIFICATE").into_bytes(),
        ),
        (
            "crl_label_on_cert",
            ca.replace("CERTIFICATE", "X509 CRL").into_bytes(),
        ),
        ("crlf", ca.replace('\n', "\r\n").into_bytes()),
        ("bom", format!("\u{feff}{ca}").into_bytes()),
        ("leading_space", format!(" {ca}").into_bytes()),
        (
            "one_line",
            format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n").into_bytes(),
        ),
        (
            "space_in_base64",
            format!(
                "-----BEGIN CERTIFICATE-----\n{} {}\n-----END CERTIFICATE-----\n",
                &b64[..40],
                &b64[40..]
            )
            .into_bytes(),
        ),
        (
            "blank_in_base64",
            format!(
                "-----BEGIN CERTIFICATE-----\n{}\n\n{}\n-----END CERTIFICATE-----\n",
                &b64[..40],
                &b64[40..]
            )
            .into_bytes(),
        ),
        (
            "no_final_newline",
            format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----").into_bytes(),
        ),
        ("empty_cadata", Vec::new()),
        ("non_ascii", format!("é{ca}").into_bytes()),
    ];
    let mut cases = Vec::new();
    for (name, contents) in &pem_cases {
        let file = dir.file(name, contents);
        let path = file.to_str().unwrap();
        cases.push(args(&["--cafile", path, "--binary"]));
        cases.push(args(&["--cadata-file", path, "--binary"]));
    }
    let der_cases: Vec<(&str, Vec<u8>)> = vec![
        ("der_empty", Vec::new()),
        ("der_junk", b"junk".to_vec()),
        ("der_seq_int", b"\x30\x03\x02\x01\x01".to_vec()),
        ("der_pem_text", ca.clone().into_bytes()),
        ("der_trailing_xx", [der.clone(), b"xx".to_vec()].concat()),
        (
            "der_trailing_zeros",
            [der.clone(), b"\0\0".to_vec()].concat(),
        ),
        ("der_trailing_zero", [der.clone(), b"\0".to_vec()].concat()),
        ("der_trailing_30", [der.clone(), b"\x30".to_vec()].concat()),
        (
            "der_trailing_long_len",
            [der.clone(), b"\x30\x82\x01".to_vec()].concat(),
        ),
        (
            "der_trailing_short",
            [der.clone(), b"\x30\x05\x02".to_vec()].concat(),
        ),
        (
            "der_trailing_empty_seq",
            [der.clone(), b"\x30\x00".to_vec()].concat(),
        ),
        (
            "der_trailing_int",
            [der.clone(), b"\x02\x01\x01".to_vec()].concat(),
        ),
        (
            "der_trailing_indefinite",
            [der.clone(), b"\x30\x80\x00\x00".to_vec()].concat(),
        ),
        (
            "der_truncated_second",
            [der.clone(), fx.der("leaf")[..50].to_vec()].concat(),
        ),
    ];
    for (name, contents) in &der_cases {
        let file = dir.file(name, contents);
        cases.push(args(&["--cadata-der", file.to_str().unwrap(), "--binary"]));
    }
    // Missing file and a directory where a file is expected.
    let missing = dir.join("missing.pem");
    cases.push(args(&["--cafile", &missing]));
    cases.push(args(&["--cafile", &dir.join("")]));
    // A missing or non-directory capath is silently accepted.
    cases.push(args(&["--capath", &missing, "--binary"]));
    assert_all_same(&cases, &Env::default());
}

#[test]
fn hashed_capath_is_not_reported_before_use() {
    let fx = Fixtures::get();
    let dir = Scratch::new("capath");
    for name in ["root_a", "root_b", "inter"] {
        dir.file(&format!("{name}.pem"), fx.pem(name));
    }
    dir.file("root_a.crl.pem", fx.crl("root_a.crl"));
    support::openssl(&dir.0, &["rehash", "."]);
    let cafile = dir.file("bundle.pem", fx.pem("root_c"));
    let out = assert_same(
        &[
            "--capath",
            dir.0.to_str().unwrap(),
            "--cafile",
            cafile.to_str().unwrap(),
            "--binary",
        ],
        &Env::default(),
    );
    assert_eq!(out["stats"]["x509"], 1);
}

#[test]
fn ca_cert_dicts_match_cpython() {
    let fx = Fixtures::get();
    let dir = Scratch::new("dicts");
    let parts = [
        "leaf", "root_b", "inter", "v1", "kcs", "root_c", "root_a", "root_d",
    ];
    let file = dir.file("bundle.pem", bundle(fx, &parts));
    let out = assert_same(&["--cafile", file.to_str().unwrap()], &Env::default());
    assert_eq!(out["ca_certs"].as_array().unwrap().len(), 7);
    assert_eq!(out["ca_certs"][0]["subject"][0][0][0], "commonName");
}

/// Deterministic random edits of a two-certificate PEM bundle (bytes deleted, inserted,
/// lines joined or doubled, truncation), loaded as `cafile` and as text `cadata`.
#[test]
fn pem_mutations_match_cpython() {
    let fx = Fixtures::get();
    let dir = Scratch::new("mutations");
    let base = (fx.pem("root_a") + &fx.pem("root_b")).into_bytes();
    let mut seed = 0x5eed_5eed_5eed_5eedu64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    const INSERTS: &[u8] = b" \t\n\r\0:-=A/+!\x0b";
    let mut cases = Vec::new();
    for i in 0..300 {
        let mut text = base.clone();
        for _ in 0..1 + next(6) {
            if text.len() < 2 {
                break;
            }
            let at = next(text.len());
            match next(6) {
                0 => {
                    text.remove(at);
                }
                1 | 2 => text.insert(at, INSERTS[next(INSERTS.len())]),
                3 => {
                    if let Some(nl) = text[at..].iter().position(|&b| b == b'\n') {
                        text.remove(at + nl);
                    }
                }
                4 => {
                    let start = text[..at]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1);
                    let end = text[at..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(text.len(), |p| at + p + 1);
                    let line = text[start..end].to_vec();
                    text.splice(start..start, line);
                }
                _ => text.truncate(at.max(1)),
            }
        }
        let file = dir.file(&format!("m{i}.pem"), &text);
        let path = file.to_str().unwrap();
        cases.push(args(&["--cafile", path, "--binary"]));
        cases.push(args(&["--cadata-file", path, "--binary"]));
    }
    assert_all_same(&cases, &Env::default());
}
