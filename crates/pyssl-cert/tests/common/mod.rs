//! Shared helpers for pyssl-cert's differential tests: locating python3, running it,
//! and a tiny DER builder for hand-made certificates.
#![allow(dead_code)]

/// Runs `python3 -c CODE ARGS...`, returns stdout parsed as JSON (key order kept).
pub fn python_json(code: &str, args: &[String]) -> serde_json::Value {
    serde_json::from_slice(&pyssl_testutil::python_output(code, args))
        .expect("python3 printed JSON")
}

/// Python code: converts a cert dict to pyssl's JSON convention.
pub const PY_CONV: &str = r#"
import json, pprint, ssl, sys
def conv(o):
    if isinstance(o, dict):
        return {k: conv(v) for k, v in o.items()}
    if isinstance(o, tuple):
        return [conv(x) for x in o]
    if isinstance(o, bytes):
        return {"__bytes__": o.hex()}
    return o
def decode(path):
    try:
        d = ssl._ssl._test_decode_cert(path)
    except BaseException as e:
        return {"err": type(e).__name__, "msg": str(e)}
    return {"ok": conv(d), "pprint": pprint.pformat(d)}
"#;

/// Decodes every case with python3 and pyssl-cert and reports every difference.
pub fn check(cases: Vec<(String, Vec<u8>)>) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (i, (_, der)) in cases.iter().enumerate() {
        let p = dir.path().join(format!("c{i}.pem"));
        std::fs::write(&p, pyssl_cert::der_cert_to_pem_cert(der)).unwrap();
        paths.push(p.to_string_lossy().into_owned());
    }
    let code = format!("{PY_CONV}\nprint(json.dumps([decode(p) for p in sys.argv[1:]]))");
    let py = python_json(&code, &paths);
    let raised: Vec<String> = py
        .as_array()
        .unwrap()
        .iter()
        .zip(&cases)
        .filter_map(|(e, (l, _))| {
            e.get("err")
                .map(|c| format!("{l}: {}", c.as_str().unwrap_or("?")))
        })
        .collect();
    eprintln!(
        "{} cases; python raised for {}: {raised:?}",
        cases.len(),
        raised.len()
    );
    let mut failures = Vec::new();
    for ((label, der), expected) in cases.iter().zip(py.as_array().unwrap()) {
        let got = pyssl_cert::decode_cert_der(der);
        match (expected.get("ok"), got) {
            (Some(want), Ok(info)) => {
                let (w, g) = (want.to_string(), info.to_json().to_string());
                if w != g {
                    failures.push(format!(
                        "{label}: JSON differs\n  python: {w}\n  pyssl:  {g}"
                    ));
                    continue;
                }
                let want_pp = expected["pprint"].as_str().unwrap();
                let got_pp = info.to_python_repr();
                if want_pp != got_pp {
                    failures.push(format!(
                        "{label}: pprint differs\n--- python\n{want_pp}\n--- pyssl\n{got_pp}"
                    ));
                }
            }
            (Some(want), Err(e)) => failures.push(format!(
                "{label}: python decoded {want} but pyssl failed: {e:?}"
            )),
            (None, Ok(info)) => failures.push(format!(
                "{label}: python raised {} ({}) but pyssl decoded {}",
                expected["err"],
                expected["msg"],
                info.to_json()
            )),
            (None, Err(e)) => {
                let class_differs = expected["err"].as_str() != Some(e.python_class);
                // CPython's UnicodeDecodeError text is fully determined by the bytes.
                let text_differs = e.python_class == "UnicodeDecodeError"
                    && expected["msg"].as_str() != Some(&e.message);
                if class_differs || text_differs {
                    failures.push(format!(
                        "{label}: python raised {} ({}) but pyssl {} ({})",
                        expected["err"], expected["msg"], e.python_class, e
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------- DER builder

/// A TLV with a one-byte identifier.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    let n = content.len();
    if n < 0x80 {
        v.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        v.push(0x80 | bytes.len() as u8);
        v.extend(bytes);
    }
    v.extend_from_slice(content);
    v
}

pub fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

pub fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &cat(parts))
}

pub fn set(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x31, &cat(parts))
}

/// Context tag `[n]`, constructed.
pub fn ctx(n: u8, parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(0xa0 | n, &cat(parts))
}

/// Context tag `[n]`, primitive.
pub fn ctx_prim(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0x80 | n, content)
}

/// Base-128 (big-endian) digits of a decimal string of any length.
fn dec_to_base128(dec: &str) -> Vec<u8> {
    let mut digits: Vec<u32> = dec.bytes().map(|b| u32::from(b - b'0')).collect();
    let mut out = Vec::new();
    while digits.iter().any(|&d| d != 0) {
        let mut rem = 0;
        for d in digits.iter_mut() {
            let cur = rem * 10 + *d;
            *d = cur / 128;
            rem = cur % 128;
        }
        out.push(rem as u8);
    }
    if out.is_empty() {
        out.push(0);
    }
    out.reverse();
    out
}

/// `dec + n` for a decimal string.
fn dec_add(dec: &str, n: u32) -> String {
    let mut digits: Vec<u32> = dec.bytes().map(|b| u32::from(b - b'0')).collect();
    let mut carry = n;
    for d in digits.iter_mut().rev() {
        let v = *d + carry;
        *d = v % 10;
        carry = v / 10;
    }
    let mut s = if carry > 0 {
        carry.to_string()
    } else {
        String::new()
    };
    s.extend(digits.iter().map(|d| char::from(b'0' + *d as u8)));
    s
}

/// OID content bytes for a dotted string (arcs of any size).
pub fn oid_content(dotted: &str) -> Vec<u8> {
    let arcs: Vec<&str> = dotted.split('.').collect();
    let first = dec_add(arcs[1], arcs[0].parse::<u32>().unwrap() * 40);
    let mut out = Vec::new();
    for a in std::iter::once(first.as_str()).chain(arcs[2..].iter().copied()) {
        let d = dec_to_base128(a);
        let n = d.len();
        out.extend(
            d.iter()
                .enumerate()
                .map(|(i, &x)| if i + 1 < n { x | 0x80 } else { x }),
        );
    }
    out
}

pub fn oid(dotted: &str) -> Vec<u8> {
    tlv(0x06, &oid_content(dotted))
}

pub fn int(content: &[u8]) -> Vec<u8> {
    tlv(0x02, content)
}

pub fn utf8(s: &str) -> Vec<u8> {
    tlv(0x0c, s.as_bytes())
}

pub fn printable(b: &[u8]) -> Vec<u8> {
    tlv(0x13, b)
}

pub fn ia5(b: &[u8]) -> Vec<u8> {
    tlv(0x16, b)
}

pub fn octets(b: &[u8]) -> Vec<u8> {
    tlv(0x04, b)
}

/// One attribute `SEQUENCE { OID, value }`.
pub fn attr(dotted: &str, value: Vec<u8>) -> Vec<u8> {
    seq(&[oid(dotted), value])
}

/// A Name from RDNs of raw attributes.
pub fn name(rdns: &[Vec<Vec<u8>>]) -> Vec<u8> {
    seq(&rdns.iter().map(|r| set(r)).collect::<Vec<_>>())
}

/// `CN=<cn>` as a Name.
pub fn cn(cn: &str) -> Vec<u8> {
    name(&[vec![attr("2.5.4.3", utf8(cn))]])
}

pub fn utc(s: &str) -> Vec<u8> {
    tlv(0x17, s.as_bytes())
}

pub fn gen_time(s: &str) -> Vec<u8> {
    tlv(0x18, s.as_bytes())
}

/// An Extension with an arbitrary (already encoded) value.
pub fn ext(dotted: &str, critical: bool, value: Vec<u8>) -> Vec<u8> {
    if critical {
        seq(&[oid(dotted), tlv(0x01, &[0xff]), octets(&value)])
    } else {
        seq(&[oid(dotted), octets(&value)])
    }
}

/// subjectAltName extension from raw GeneralName TLVs.
pub fn san(names: &[Vec<u8>]) -> Vec<u8> {
    ext("2.5.29.17", false, seq(names))
}

/// GeneralName helpers.
pub mod gn {
    use super::*;
    pub fn email(b: &[u8]) -> Vec<u8> {
        ctx_prim(1, b)
    }
    pub fn dns(b: &[u8]) -> Vec<u8> {
        ctx_prim(2, b)
    }
    pub fn uri(b: &[u8]) -> Vec<u8> {
        ctx_prim(6, b)
    }
    pub fn ip(b: &[u8]) -> Vec<u8> {
        ctx_prim(7, b)
    }
    pub fn rid(dotted: &str) -> Vec<u8> {
        ctx_prim(8, &oid_content(dotted))
    }
    pub fn dir(name: Vec<u8>) -> Vec<u8> {
        ctx(4, &[name])
    }
    pub fn other(dotted: &str, value: Vec<u8>) -> Vec<u8> {
        ctx(0, &[oid(dotted), ctx(0, &[value])])
    }
}

/// The parts of a TBSCertificate a test wants to vary.
#[derive(Clone)]
pub struct Spec {
    /// Content of the `[0]` version field (an INTEGER TLV), None to omit.
    pub version: Option<Vec<u8>>,
    /// Serial INTEGER content.
    pub serial: Vec<u8>,
    pub issuer: Vec<u8>,
    pub subject: Vec<u8>,
    pub not_before: Vec<u8>,
    pub not_after: Vec<u8>,
    pub extensions: Option<Vec<Vec<u8>>>,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            version: Some(int(&[2])),
            serial: vec![0x01],
            issuer: cn("issuer"),
            subject: cn("subject"),
            not_before: utc("240101000000Z"),
            not_after: utc("340101000000Z"),
            extensions: None,
        }
    }
}

impl Spec {
    pub fn with_exts(exts: Vec<Vec<u8>>) -> Spec {
        Spec {
            extensions: Some(exts),
            ..Spec::default()
        }
    }

    pub fn with_subject(subject: Vec<u8>) -> Spec {
        Spec {
            subject,
            ..Spec::default()
        }
    }

    /// The DER certificate (dummy key and signature: nobody checks them here).
    pub fn build(&self) -> Vec<u8> {
        let alg = seq(&[oid("1.2.840.10045.4.3.2")]);
        let spki = seq(&[
            seq(&[oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")]),
            tlv(0x03, &[0x00, 0x04, 0x01, 0x02]),
        ]);
        let mut tbs = Vec::new();
        if let Some(v) = &self.version {
            tbs.push(ctx(0, std::slice::from_ref(v)));
        }
        tbs.push(int(&self.serial));
        tbs.push(alg.clone());
        tbs.push(self.issuer.clone());
        tbs.push(seq(&[self.not_before.clone(), self.not_after.clone()]));
        tbs.push(self.subject.clone());
        tbs.push(spki);
        if let Some(exts) = &self.extensions {
            tbs.push(ctx(3, &[seq(exts)]));
        }
        seq(&[seq(&tbs), alg, tlv(0x03, &[0x00, 0x30, 0x00])])
    }
}
