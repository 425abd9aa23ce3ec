//! `pyssl ciphers` against python3: `--json` output equals `json.dumps(ctx.get_ciphers())`
//! (restricted to the suites rustls implements) after `ctx.set_ciphers(STRING)`.

use std::process::{Command, Output, Stdio};

use pyssl_tests::python3;

fn pyssl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyssl"))
        .arg("ciphers")
        .args(args)
        .output()
        .expect("run pyssl")
}

/// For each line of stdin (a JSON string or null), python3's `json.dumps(get_ciphers())`
/// filtered to rustls' suites, or `ERROR <str(exc)>`.
const PY: &str = r#"
import json, ssl, sys
RUSTLS = {"TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
          "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
          "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
          "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"}
for line in sys.stdin:
    s = json.loads(line)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        if s is not None:
            ctx.set_ciphers(s)
    except ssl.SSLError as e:
        print("ERROR", type(e).__name__ + ": " + str(e))
        continue
    print(json.dumps([d for d in ctx.get_ciphers() if d["name"] in RUSTLS]))
"#;

fn python_lines(strings: &[Option<&str>]) -> Vec<String> {
    use std::io::Write;
    let mut child = Command::new(python3())
        .arg("-c")
        .arg(PY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 must be installed");
    let input: String = strings
        .iter()
        .map(|s| serde_json::to_string(s).unwrap() + "\n")
        .collect();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn json_output_equals_python_json_dumps() {
    let strings: [Option<&str>; 12] = [
        None,
        Some("DEFAULT"),
        Some("ECDHE+AESGCM:!ECDSA"),
        Some("CHACHA20:AESGCM"),
        Some("HIGH:@STRENGTH"),
        Some("-ALL:ECDHE+aRSA"),
        Some("ECDHE-RSA-AES128-GCM-SHA256"),
        Some("AES128-SHA"),
        Some(""),
        Some("!ALL"),
        Some("ALL:#"),
        Some("AES+"),
    ];
    let expected = python_lines(&strings);
    assert_eq!(expected.len(), strings.len());
    for (s, expect) in strings.iter().zip(&expected) {
        let mut args = vec!["--json"];
        if let Some(s) = s {
            args.push(s);
        }
        let out = pyssl(&args);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        if let Some(err) = expect.strip_prefix("ERROR ") {
            assert_eq!(out.status.code(), Some(1), "{s:?}");
            assert_eq!(stdout, "", "{s:?}");
            assert_eq!(stderr.trim_end(), err, "{s:?}");
        } else {
            assert!(out.status.success(), "{s:?}: {stderr}");
            assert_eq!(stdout.trim_end_matches('\n'), expect, "{s:?}");
        }
    }
}

#[test]
fn plain_and_verbose_listing() {
    let out = pyssl(&["ECDHE+aRSA+AESGCM"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:\
         ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256\n"
    );
    let out = pyssl(&["-v", "ECDHE-ECDSA-CHACHA20-POLY1305"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        lines[3],
        "ECDHE-ECDSA-CHACHA20-POLY1305  TLSv1.2 Kx=ECDH     Au=ECDSA Enc=CHACHA20/POLY1305(256) Mac=AEAD"
    );
}

#[test]
fn empty_string_is_an_error() {
    let out = pyssl(&[""]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "SSLError: ('No cipher can be selected.',)\n"
    );
}
