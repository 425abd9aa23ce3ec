//! Differential tests against python3 for the PEM side: `ssl.DER_cert_to_PEM_cert`,
//! `ssl.PEM_cert_to_DER_cert`, `ssl.cert_time_to_seconds`, and the PEM input rules of
//! `_test_decode_cert` (OpenSSL's `PEM_read_bio_X509`).

mod common;
use common::*;

/// Runs `body` in python with `inputs` (a JSON list) bound to `inputs`; returns its JSON.
fn python_over(inputs: &serde_json::Value, body: &str) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("inputs.json");
    std::fs::write(&p, inputs.to_string()).unwrap();
    let code = format!(
        "{PY_CONV}\nimport base64, binascii\ninputs = json.load(open(sys.argv[1], encoding='utf-8'))\nout = []\n{body}\nprint(json.dumps(out))"
    );
    python_json(&code, &[p.to_string_lossy().into_owned()])
        .as_array()
        .unwrap()
        .clone()
}

fn py_error_name(class: &str) -> &str {
    // binascii.Error's __name__ is "Error".
    if class == "binascii.Error" {
        "Error"
    } else {
        class
    }
}

#[test]
fn der_cert_to_pem_cert_matches_python() {
    let inputs: Vec<Vec<u8>> = (0..200usize)
        .step_by(7)
        .chain([47, 48, 49, 95, 96, 97, 1000])
        .map(|n| (0..n).map(|i| (i * 37 + 11) as u8).collect())
        .collect();
    let hex: Vec<String> = inputs
        .iter()
        .map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
        .collect();
    let py = python_over(
        &serde_json::json!(hex),
        "for h in inputs:\n    out.append(ssl.DER_cert_to_PEM_cert(bytes.fromhex(h)))",
    );
    for (b, want) in inputs.iter().zip(&py) {
        assert_eq!(
            pyssl_cert::der_cert_to_pem_cert(b),
            want.as_str().unwrap(),
            "len {}",
            b.len()
        );
    }
}

#[test]
fn pem_cert_to_der_cert_matches_python() {
    let good = pyssl_cert::der_cert_to_pem_cert(&Spec::default().build());
    let body: String = good.lines().filter(|l| !l.starts_with("-----")).collect();
    let h = "-----BEGIN CERTIFICATE-----";
    let f = "-----END CERTIFICATE-----";
    let inputs: Vec<String> = vec![
        good.clone(),
        format!(" {good}"),
        format!("\n{good}"),
        format!("{good}\n\n  \t"),
        format!("{good}\u{3000}\u{85}"),
        good.trim_end().to_owned(),
        good.replace(f, ""),
        good.replace(h, "-----BEGIN X509 CERTIFICATE-----"),
        format!("{h}{body}{f}"),
        format!("{h}\n{body}\n{f}junk"),
        format!("{h}\n*{body}*!!\n{f}\n"),
        format!("{h}\n{}\n{f}\n", &body[..body.len() - 1]),
        format!("{h}\n{}\n{f}\n", &body[..body.len() - 2]),
        format!("{h}\n{}=\n{f}\n", &body[..body.len() - 2]),
        format!("{h}\nYQ==YWJj\n{f}\n"),
        format!("{h}\nYWJjZA=x=\n{f}\n"),
        format!("{h}\nYWJjZ=A=\n{f}\n"),
        format!("{h}\nY\n{f}\n"),
        format!("{h}\nYWJjY\n{f}\n"),
        format!("{h}\nYW=\n{f}\n"),
        format!("{h}\n=YWJj\n{f}\n"),
        format!("{h}\nYWJj\u{e9}\n{f}\n"),
        format!("{h}\n{f}\n"),
        format!("{h}{f}"),
        format!("{h}"),
        format!("{good}{good}"),
        format!("{}{good}", good.trim_end_matches('\n').replace(f, "")),
        String::new(),
        f.to_owned(),
    ];
    let py = python_over(
        &serde_json::json!(inputs),
        "for s in inputs:\n    try:\n        out.append({'ok': ssl.PEM_cert_to_DER_cert(s).hex()})\n    except BaseException as e:\n        out.append({'err': type(e).__name__, 'msg': str(e)})",
    );
    for (s, want) in inputs.iter().zip(&py) {
        match (pyssl_cert::pem_cert_to_der_cert(s), want.get("ok")) {
            (Ok(der), Some(w)) => {
                let hex: String = der.iter().map(|x| format!("{x:02x}")).collect();
                assert_eq!(&hex, w.as_str().unwrap(), "{s:?}");
            }
            (Err(e), None) => {
                assert_eq!(
                    py_error_name(e.python_class),
                    want["err"].as_str().unwrap(),
                    "{s:?}"
                );
                assert_eq!(e.message, want["msg"].as_str().unwrap(), "{s:?}");
            }
            (got, _) => panic!("{s:?}: python {want} pyssl {got:?}"),
        }
    }
}

#[test]
fn cert_time_to_seconds_matches_python() {
    let mut inputs: Vec<String> = [
        "Jan  5 09:34:43 2018 GMT",
        "May  9 00:00:00 2007 GMT",
        "jan  5 09:34:43 2018 gmt",
        "JAN 05 09:34:43 2018 GmT",
        "Jan\t5 09:34:43 2018 GMT",
        "Jan \u{3000}5 09:34:43 2018 GMT",
        "Jan5 09:34:43 2018 GMT",
        "Jan  5 09:34:43 2018GMT",
        "Jan  5 9:3:4 2018 GMT",
        "Jan 31 23:59:59 9999 GMT",
        "Jan  1 00:00:00 0001 GMT",
        "Jan  1 00:00:00 0000 GMT",
        "Jan  1 00:00:00 1969 GMT",
        "Feb 30 00:00:00 2024 GMT",
        "Feb 31 00:00:00 2023 GMT",
        "Apr 31 00:00:00 2023 GMT",
        "Dec 31 23:59:60 2016 GMT",
        "Dec 31 23:59:61 2016 GMT",
        "Dec 31 23:59:62 2016 GMT",
        "Dec 31 24:00:00 2016 GMT",
        "Dec 31 23:60:00 2016 GMT",
        "Dec 32 23:00:00 2016 GMT",
        "Dec  0 23:00:00 2016 GMT",
        "Dec 00 23:00:00 2016 GMT",
        "Dec 311 23:00:00 2016 GMT",
        "Dec 31 23:00:00 16 GMT",
        "Dec 31 23:00:00 20160 GMT",
        "Dec 31 23:00:00 2016 UTC",
        "Dec 31 23:00:00 2016 GMT ",
        "Dec 31 23:00:00 2016 GMTx",
        " Dec 31 23:00:00 2016 GMT",
        "Dec 31 23:00:00.5 2016 GMT",
        "Foo 31 23:00:00 2016 GMT",
        "De",
        "",
        "Jan  1 00:00:00 2050 GMT",
        "Jan  1  00:00:00  2050  GMT",
        "Jan\n 1\n00:00:00\n2050\nGMT",
        "Jan  1 00:00:00 2050 Gmt",
        "Jan  1 00:00:00 999 GMT",
        "Jan \u{ff15} \u{ff10}9:34:43 \u{ff12}\u{ff10}\u{ff11}\u{ff18} GMT",
        "Jan  5 09:34:43 \u{0662}\u{0660}\u{0661}\u{0668} GMT",
        "Jan \u{0661}5 09:34:43 2018 GMT",
        "Jan  5 \u{0661}9:34:43 2018 GMT",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every ASN1_TIME_print output without fraction/short year must round-trip.
    inputs.push("Dec 31 18:30:00 2023 GMT".into());
    let py = python_over(
        &serde_json::json!(inputs),
        "for s in inputs:\n    try:\n        out.append({'ok': ssl.cert_time_to_seconds(s)})\n    except BaseException as e:\n        out.append({'err': type(e).__name__, 'msg': str(e)})",
    );
    for (s, want) in inputs.iter().zip(&py) {
        match (pyssl_cert::cert_time_to_seconds(s), want.get("ok")) {
            (Ok(v), Some(w)) => assert_eq!(Some(v), w.as_i64(), "{s:?}"),
            (Err(e), None) => {
                assert_eq!(e.python_class, want["err"].as_str().unwrap(), "{s:?}");
                assert_eq!(e.message, want["msg"].as_str().unwrap(), "{s:?}");
            }
            (got, _) => panic!("{s:?}: python {want} pyssl {got:?}"),
        }
    }
}

/// PEM files as `_test_decode_cert` reads them (OpenSSL's `PEM_read_bio_X509`).
#[test]
fn pem_input_rules_match_python() {
    let der = Spec::with_exts(vec![san(&[gn::dns(b"pem.example")])]).build();
    let pem = pyssl_cert::der_cert_to_pem_cert(&der);
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let lines: Vec<&str> = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let h = "-----BEGIN CERTIFICATE-----";
    let f = "-----END CERTIFICATE-----";
    let key = "-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n";
    let enc_key = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nMAMCAQE=\n-----END RSA PRIVATE KEY-----\n";
    let other = der_of(&Spec::with_subject(cn("second")));
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("plain", pem.clone().into_bytes()),
        (
            "leading text",
            format!("Subject: whatever\nissuer=foo\n\n{pem}").into_bytes(),
        ),
        ("key first", format!("{key}{pem}").into_bytes()),
        (
            "encrypted key first",
            format!("{enc_key}{pem}").into_bytes(),
        ),
        ("crlf", pem.replace('\n', "\r\n").into_bytes()),
        ("one-line body", format!("{h}\n{body}\n{f}\n").into_bytes()),
        (
            "x509 certificate label",
            pem.replace("CERTIFICATE", "X509 CERTIFICATE").into_bytes(),
        ),
        (
            "trusted certificate label",
            pem.replace("CERTIFICATE", "TRUSTED CERTIFICATE")
                .into_bytes(),
        ),
        ("empty", vec![]),
        ("only text", b"hello\n".to_vec()),
        (
            "bad base64",
            pem.replacen(&lines[1][..4], "*&^%", 1).into_bytes(),
        ),
        ("missing end", pem.replace(f, "").into_bytes()),
        (
            "wrong end label",
            pem.replace(f, "-----END X509 CRL-----").into_bytes(),
        ),
        (
            "two certificates",
            format!("{pem}{}", pyssl_cert::der_cert_to_pem_cert(&other)).into_bytes(),
        ),
        ("leading spaces on begin", format!("  {pem}").into_bytes()),
        (
            "trailing spaces on lines",
            pem.replace('\n', "  \n").into_bytes(),
        ),
        (
            "header in certificate",
            pem.replacen('\n', "\nComment: hi\n\n", 1).into_bytes(),
        ),
        (
            "blank line after begin",
            pem.replacen('\n', "\n\n", 1).into_bytes(),
        ),
        (
            "blank line in body",
            pem.replacen(&format!("{}\n", lines[0]), &format!("{}\n\n", lines[0]), 1)
                .into_bytes(),
        ),
        ("indented body", pem.replace("\nM", "\n M").into_bytes()),
        (
            "missing padding",
            format!("{h}\n{}\n{f}\n", body.trim_end_matches('=')).into_bytes(),
        ),
        (
            "garbage der in pem",
            format!("{h}\nMAMCAQE=\n{f}\n").into_bytes(),
        ),
        (
            "der with trailing garbage",
            pyssl_cert::der_cert_to_pem_cert(&[der.clone(), vec![1, 2, 3]].concat()).into_bytes(),
        ),
        (
            "bad key block before cert",
            format!("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n{pem}")
                .into_bytes(),
        ),
        (
            "unterminated key then cert",
            format!("-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n{pem}").into_bytes(),
        ),
        (
            "bom",
            [b"\xef\xbb\xbf".to_vec(), pem.clone().into_bytes()].concat(),
        ),
        (
            "nul in text",
            [b"junk\0junk\n".to_vec(), pem.clone().into_bytes()].concat(),
        ),
        (
            "dash in body",
            pem.replacen(&lines[2][..4], "AB-C", 1).into_bytes(),
        ),
        ("begin after 254-byte chunk", format!("{}{pem}", "x".repeat(254)).into_bytes()),
        ("begin after 253 bytes", format!("{}{pem}", "x".repeat(253)).into_bytes()),
        ("nul inside begin line", pem.replacen("CERTIFICATE-----", "CERT\0IFICATE-----", 1).into_bytes()),
        ("nul starting a text line", [b"junk\n\0junk\n".to_vec(), pem.clone().into_bytes()].concat()),
        ("nul after begin line", pem.replacen("-----\n", "-----\0junk\n", 1).into_bytes()),
        ("high byte after begin", pem.replacen("-----\n", "-----\u{e9}\n", 1).into_bytes()),
        ("empty key block", format!("-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n{pem}").into_bytes()),
        ("colon in key data", format!("-----BEGIN PRIVATE KEY-----\nMAMC:AQE=\n-----END PRIVATE KEY-----\n{pem}").into_bytes()),
        ("key header then blank", format!("-----BEGIN PRIVATE KEY-----\nComment: b\n\nMAMCAQE=\n-----END PRIVATE KEY-----\n{pem}").into_bytes()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<String> = files
        .iter()
        .enumerate()
        .map(|(i, (_, data))| {
            let p = dir.path().join(format!("f{i}.pem"));
            std::fs::write(&p, data).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect();
    let code = format!("{PY_CONV}\nprint(json.dumps([decode(p) for p in sys.argv[1:]]))");
    let py = python_json(&code, &paths);
    let raised: Vec<&str> = files
        .iter()
        .zip(py.as_array().unwrap())
        .filter(|(_, w)| w.get("err").is_some())
        .map(|((l, _), _)| *l)
        .collect();
    eprintln!(
        "python rejected {} of {} files: {raised:?}",
        raised.len(),
        files.len()
    );
    let mut failures = Vec::new();
    for ((label, data), want) in files.iter().zip(py.as_array().unwrap()) {
        let got = pyssl_cert::decode_cert(data);
        match (want.get("ok"), &got) {
            (Some(w), Ok(info)) if json_text(w) == json_text(&info.to_json()) => {}
            (None, Err(e)) if Some(e.python_class) == want["err"].as_str() => {}
            _ => failures.push(format!(
                "{label}: python {want}\n  pyssl {:?}",
                got.map(|i| i.to_json())
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Serialized JSON (compared as text so key order counts).
fn json_text(v: &serde_json::Value) -> String {
    v.to_string()
}

fn der_of(spec: &Spec) -> Vec<u8> {
    spec.build()
}

/// Random edits of a PEM file (line breaks, dashes, padding, colons, junk) decoded by
/// `_test_decode_cert` and by `decode_cert` must give the same outcome.
#[test]
fn mutated_pem_files_match_python() {
    let der = Spec::with_exts(vec![san(&[gn::dns(b"pem.example")])]).build();
    let pem = pyssl_cert::der_cert_to_pem_cert(&der);
    let base = format!(
        "Bag Attributes\n  friendlyName: x\n-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n{pem}"
    );
    let alphabet: &[u8] = b"-\n\r =A:+/0\t\x00\xffEND BEGIN";
    let mut state: u64 = 0x2545f4914f6cdd1d;
    let mut rnd = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut files = Vec::new();
    for _ in 0..300 {
        let mut b = base.clone().into_bytes();
        for _ in 0..1 + rnd(2) {
            let pos = rnd(b.len());
            let c = alphabet[rnd(alphabet.len())];
            match rnd(3) {
                0 => b[pos] = c,
                1 => b.insert(pos, c),
                _ => {
                    b.remove(pos);
                }
            }
        }
        files.push(b);
    }
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<String> = files
        .iter()
        .enumerate()
        .map(|(i, data)| {
            let p = dir.path().join(format!("m{i}.pem"));
            std::fs::write(&p, data).unwrap();
            p.to_string_lossy().into_owned()
        })
        .collect();
    let code = format!("{PY_CONV}\nprint(json.dumps([decode(p) for p in sys.argv[1:]]))");
    let py = python_json(&code, &paths);
    let mut failures = Vec::new();
    for (data, want) in files.iter().zip(py.as_array().unwrap()) {
        let got = pyssl_cert::decode_cert(data);
        match (want.get("ok"), &got) {
            (Some(w), Ok(info)) if json_text(w) == json_text(&info.to_json()) => {}
            (None, Err(e)) if Some(e.python_class) == want["err"].as_str() => {}
            _ => failures.push(format!(
                "{:?}: python {want}\n  pyssl {:?}",
                String::from_utf8_lossy(data),
                got.map(|i| i.to_json())
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
