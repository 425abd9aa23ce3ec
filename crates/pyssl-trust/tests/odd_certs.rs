//! Which odd certificates a store accepts (and which it counts as CAs) against CPython
//! loading the same DER as `cadata`: the hand-built corpus of pyssl-cert's tests (times,
//! serials, versions, names, extensions), where OpenSSL's `d2i_X509` is famously lax.

mod support;

#[path = "../../pyssl-cert/tests/common/mod.rs"]
mod cert_common;

use cert_common::*;
use pyssl_trust::{CaData, TrustStore};

const PY_LOAD: &str = r#"
import json, re, ssl, sys
for hexder in json.load(sys.stdin):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        ctx.load_verify_locations(cadata=bytes.fromhex(hexder))
        out = {"stats": ctx.cert_store_stats()}
    except ssl.SSLError as e:
        out = {"error": [e.library, e.reason]}
    print(json.dumps(out))
"#;

fn python_load(ders: &[Vec<u8>]) -> Vec<serde_json::Value> {
    let hex: Vec<String> = ders
        .iter()
        .map(|d| d.iter().map(|b| format!("{b:02x}")).collect())
        .collect();
    let input = serde_json::to_string(&hex).unwrap();
    pyssl_testutil::run_python_stdin(PY_LOAD, &input)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn ours(der: &[u8]) -> serde_json::Value {
    let mut store = TrustStore::new();
    match store.load_cadata(CaData::Der(der.to_vec())) {
        Ok(()) => serde_json::json!({"stats": store.cert_store_stats().to_json()}),
        Err(e) => serde_json::json!({"error": [e.library, e.reason]}),
    }
}

fn ext_bc(ca: bool, pathlen: Option<u8>) -> Vec<u8> {
    let mut parts = Vec::new();
    if ca {
        parts.push(tlv(0x01, &[0xff]));
    }
    if let Some(n) = pathlen {
        parts.push(int(&[n]));
    }
    seq(&parts)
}

fn ext_ku(bits: &[u8]) -> Vec<u8> {
    tlv(0x03, bits)
}

#[test]
fn odd_certificates_load_and_classify_like_cpython() {
    let mut specs: Vec<(String, Spec)> = Vec::new();
    let utcs = [
        "500101000000Z",
        "5001010000Z",
        "240101000000+0530",
        "2401010000+0100",
        "240101000000+0160",
        "501301000000Z",
        "240230000000Z",
        "240101000060Z",
        "2401010000a0Z",
        "240101000000",
        "24010100000Z",
        "",
        "240101000000Zjunk",
    ];
    for t in utcs {
        specs.push((
            format!("utc {t:?}"),
            Spec {
                not_before: utc(t),
                ..Spec::default()
            },
        ));
    }
    let gens = [
        "19450101000000Z",
        "99991231235959Z",
        "00000101000000Z",
        "20500101000000.123Z",
        "20500101000000.Z",
        "20500101000000",
        "205001010000Z",
        "20500101000000.25-0130",
        "21000229000000Z",
        "2050010100000aZ",
        "20501301000000Z",
    ];
    for t in gens {
        specs.push((
            format!("gen {t:?}"),
            Spec {
                not_after: gen_time(t),
                ..Spec::default()
            },
        ));
    }
    specs.push((
        "time as PrintableString".into(),
        Spec {
            not_before: printable(b"240101000000Z"),
            ..Spec::default()
        },
    ));
    for (label, serial) in [
        ("zero", vec![0x00]),
        ("negative", vec![0xff]),
        ("36 bytes", vec![0x5a; 36]),
        ("non-minimal 00 01", vec![0x00, 0x01]),
        ("non-minimal ff ff", vec![0xff, 0xff]),
        ("empty", vec![]),
    ] {
        specs.push((
            format!("serial {label}"),
            Spec {
                serial,
                ..Spec::default()
            },
        ));
    }
    for (label, version) in [
        ("absent", None),
        ("v1 explicit", Some(int(&[0]))),
        ("v2", Some(int(&[1]))),
        ("v4", Some(int(&[3]))),
        ("-1", Some(int(&[0xff]))),
    ] {
        specs.push((
            format!("version {label}"),
            Spec {
                version,
                ..Spec::default()
            },
        ));
    }
    // Self-issued names for the v1 rule; empty names.
    let same = cn("Same Name");
    specs.push((
        "v1 self-issued".into(),
        Spec {
            version: None,
            issuer: same.clone(),
            subject: same.clone(),
            ..Spec::default()
        },
    ));
    specs.push((
        "v1 self-issued, other case".into(),
        Spec {
            version: None,
            issuer: cn("same   NAME"),
            subject: same.clone(),
            ..Spec::default()
        },
    ));
    specs.push(("empty subject".into(), Spec::with_subject(name(&[]))));
    // Extensions that decide X509_check_ca.
    let bc = "2.5.29.19";
    let ku = "2.5.29.15";
    for (label, exts) in [
        ("bc ca", vec![ext(bc, true, ext_bc(true, None))]),
        ("bc not ca", vec![ext(bc, true, ext_bc(false, None))]),
        (
            "bc not ca with pathlen",
            vec![ext(bc, false, ext_bc(false, Some(1)))],
        ),
        (
            "bc ca + ku certsign",
            vec![
                ext(bc, true, ext_bc(true, None)),
                ext(ku, true, ext_ku(&[0x02, 0x04])),
            ],
        ),
        (
            "bc ca + ku digitalSignature",
            vec![
                ext(bc, true, ext_bc(true, None)),
                ext(ku, true, ext_ku(&[0x07, 0x80])),
            ],
        ),
        (
            "ku certsign only",
            vec![ext(ku, false, ext_ku(&[0x02, 0x04]))],
        ),
        ("ku empty bits", vec![ext(ku, false, ext_ku(&[0x00]))]),
        (
            "duplicate bc",
            vec![
                ext(bc, true, ext_bc(true, None)),
                ext(bc, true, ext_bc(true, None)),
            ],
        ),
        ("garbage bc", vec![ext(bc, true, vec![0x04, 0x00])]),
        (
            "ns cert type ssl ca",
            vec![ext(
                "2.16.840.1.113730.1.1",
                false,
                tlv(0x03, &[0x01, 0x04]),
            )],
        ),
        (
            "unknown critical",
            vec![ext("1.2.3.4", true, vec![0x05, 0x00])],
        ),
    ] {
        specs.push((format!("ext {label}"), Spec::with_exts(exts)));
    }

    let ders: Vec<Vec<u8>> = specs.iter().map(|(_, s)| s.build()).collect();
    let theirs = python_load(&ders);
    assert_eq!(theirs.len(), ders.len());
    let mut mismatches = Vec::new();
    for (((label, _), der), theirs) in specs.iter().zip(&ders).zip(&theirs) {
        let ours = ours(der);
        if &ours != theirs {
            mismatches.push(format!("{label}: ours {ours} cpython {theirs}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
