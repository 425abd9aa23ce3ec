//! Test support shared by pyssl-trust's and the `pyssl trust` CLI's differential tests:
//! certificate fixtures made with the `openssl` CLI, and a python3 mirror of the CLI
//! contract (a bare `SSLContext(PROTOCOL_TLS_CLIENT)`, `load_verify_locations`, then
//! `cert_store_stats`, `get_ca_certs`, `get_default_verify_paths`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub use pyssl_testutil::python3;

/// Environment for a child process: `None` removes the variable, `Some` sets it.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub cert_file: Option<String>,
    pub cert_dir: Option<String>,
}

impl Env {
    pub fn apply(&self, cmd: &mut Command) {
        for (name, value) in [
            ("SSL_CERT_FILE", &self.cert_file),
            ("SSL_CERT_DIR", &self.cert_dir),
        ] {
            match value {
                Some(v) => cmd.env(name, v),
                None => cmd.env_remove(name),
            };
        }
    }
}

/// The CLI contract, done by CPython. With `--batch`, stdin holds a JSON list of argument
/// lists and one JSON line is printed per list.
pub const PY_TRUST: &str = r#"
import argparse, base64, json, re, ssl, sys
p = argparse.ArgumentParser()
p.add_argument('--cafile'); p.add_argument('--capath')
p.add_argument('--cadata-file'); p.add_argument('--cadata-der')
p.add_argument('--default', action='store_true'); p.add_argument('--binary', action='store_true')
p.add_argument('--json', action='store_true')
def conv(v):
    if isinstance(v, (tuple, list)): return [conv(x) for x in v]
    if isinstance(v, bytes): return {"__bytes__": v.hex()}
    if isinstance(v, dict): return {k: conv(x) for k, x in v.items()}
    return v
def run(argv):
    a = p.parse_args(argv)
    try:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if a.cafile or a.capath or a.cadata_file:
            cadata = open(a.cadata_file).read() if a.cadata_file else None
            ctx.load_verify_locations(a.cafile, a.capath, cadata)
        if a.cadata_der:
            ctx.load_verify_locations(cadata=open(a.cadata_der, 'rb').read())
        if a.default:
            ctx.load_default_certs()
        certs = ctx.get_ca_certs(binary_form=a.binary)
        return {"stats": ctx.cert_store_stats(),
                "ca_certs": [base64.b64encode(c).decode() for c in certs] if a.binary else conv(certs),
                "default_verify_paths": dict(ssl.get_default_verify_paths()._asdict())}
    except Exception as e:
        return {"error": {"type": type(e).__name__, "library": getattr(e, 'library', None),
                          "reason": getattr(e, 'reason', None),
                          "message": re.sub(r' \(_ssl\.c:\d+\)$', '', str(e))}}
if sys.argv[1:2] == ['--batch']:
    for argv in json.load(sys.stdin):
        print(json.dumps(run(argv)))
else:
    print(json.dumps(run(sys.argv[1:])))
"#;

/// Runs a program and parses its single JSON line.
pub fn run_json(mut cmd: Command) -> serde_json::Value {
    let out = cmd.output().expect("child process runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}) from {cmd:?}: stdout {stdout:?} stderr {:?}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// CPython's answer for `pyssl trust ARGS --json` under `env`.
pub fn python_trust(args: &[&str], env: &Env) -> serde_json::Value {
    let mut cmd = Command::new(python3());
    cmd.arg("-c").arg(PY_TRUST).args(args);
    env.apply(&mut cmd);
    run_json(cmd)
}

/// CPython's answers for many argument lists, from one python3 process.
pub fn python_trust_batch(cases: &[Vec<String>], env: &Env) -> Vec<serde_json::Value> {
    use std::io::Write;
    use std::process::Stdio;
    let mut cmd = Command::new(python3());
    cmd.arg("-c")
        .arg(PY_TRUST)
        .arg("--batch")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    env.apply(&mut cmd);
    let mut child = cmd.spawn().expect("python3 must be installed");
    let input = serde_json::to_vec(cases).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let values: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(values.len(), cases.len());
    values
}

pub use pyssl_testutil::openssl;

const CONFIG: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ext_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ext_kcs]
keyUsage = keyCertSign
[ext_notca]
basicConstraints = CA:TRUE
keyUsage = digitalSignature
[ext_leaf]
basicConstraints = CA:FALSE
subjectAltName = DNS:leaf.example
[ext_plain]
subjectKeyIdentifier = hash
[ca]
default_ca = ca_default
[ca_default]
database = index.txt
crlnumber = crlnumber
default_md = sha256
default_crl_days = 30
";

/// Certificates and CRLs made once per test process.
pub struct Fixtures {
    pub dir: PathBuf,
}

/// Every certificate fixture: (file stem, subject, how it is made).
/// `root:EXT` = self-signed v3 with that extension section; `v1` = self-signed v1;
/// `by:ISSUER:EXT` = signed by another fixture.
pub const CERTS: &[(&str, &str, &str)] = &[
    ("root_a", "/CN=Test Root A", "root:ext_ca"),
    ("root_b", "/O=Other Org/CN=b", "root:ext_ca"),
    ("root_c", "/CN=Zed   Long Name CA", "root:ext_ca"),
    ("root_d", "/CN=a", "root:ext_ca"),
    ("v1", "/CN=V1 Self Signed", "v1"),
    ("kcs", "/CN=KeyCertSign Only", "root:ext_kcs"),
    ("notca", "/CN=BC CA but no certsign", "root:ext_notca"),
    ("plain", "/CN=Self Signed v3 plain", "root:ext_plain"),
    ("inter", "/CN=Test Intermediate", "by:root_a:ext_ca"),
    ("leaf", "/CN=leaf.example", "by:inter:ext_leaf"),
    ("leaf_a", "/CN=other leaf", "by:root_a:ext_leaf"),
];

impl Fixtures {
    /// The fixtures (generated on first use).
    pub fn get() -> &'static Fixtures {
        static FIXTURES: OnceLock<Fixtures> = OnceLock::new();
        FIXTURES.get_or_init(Fixtures::generate)
    }

    fn generate() -> Fixtures {
        let dir = scratch_dir("fixtures");
        std::fs::write(dir.join("openssl.cnf"), CONFIG).unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("crlnumber"), "01\n").unwrap();
        for (serial, (name, subject, how)) in CERTS.iter().enumerate() {
            let key = format!("{name}.key");
            let pem = format!("{name}.pem");
            let serial = format!("{}", 1000 + serial);
            let mut parts = how.split(':');
            // A fresh P-256 key and a request (or, for a root, a self-signed certificate).
            let mut req = vec![
                "req",
                "-config",
                "openssl.cnf",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                &key,
                "-subj",
                subject,
            ];
            match parts.next().unwrap() {
                "root" => {
                    let ext = parts.next().unwrap();
                    req.extend([
                        "-x509",
                        "-out",
                        &pem,
                        "-days",
                        "3650",
                        "-extensions",
                        ext,
                        "-set_serial",
                        &serial,
                    ]);
                    openssl(&dir, &req);
                }
                kind => {
                    let csr = format!("{name}.csr");
                    req.extend(["-new", "-out", &csr]);
                    openssl(&dir, &req);
                    let mut x509 = vec![
                        "x509",
                        "-req",
                        "-in",
                        &csr,
                        "-days",
                        "3650",
                        "-set_serial",
                        &serial,
                        "-out",
                        &pem,
                    ];
                    let (ca_pem, ca_key);
                    if kind == "v1" {
                        x509.extend(["-signkey", &key]);
                    } else {
                        let issuer = parts.next().unwrap();
                        let ext = parts.next().unwrap();
                        (ca_pem, ca_key) = (format!("{issuer}.pem"), format!("{issuer}.key"));
                        x509.extend(["-CA", &ca_pem, "-CAkey", &ca_key]);
                        x509.extend(["-extfile", "openssl.cnf", "-extensions", ext]);
                    }
                    openssl(&dir, &x509);
                }
            }
            openssl(
                &dir,
                &[
                    "x509",
                    "-in",
                    &pem,
                    "-outform",
                    "DER",
                    "-out",
                    &format!("{name}.der"),
                ],
            );
        }
        // A CRL from root_a revoking leaf_a, and an empty one from root_b.
        let gencrl = |ca: &str, out: &str| {
            openssl(
                &dir,
                &[
                    "ca",
                    "-config",
                    "openssl.cnf",
                    "-gencrl",
                    "-cert",
                    &format!("{ca}.pem"),
                    "-keyfile",
                    &format!("{ca}.key"),
                    "-out",
                    out,
                ],
            )
        };
        gencrl("root_b", "root_b.crl");
        openssl(
            &dir,
            &[
                "ca",
                "-config",
                "openssl.cnf",
                "-revoke",
                "leaf_a.pem",
                "-cert",
                "root_a.pem",
                "-keyfile",
                "root_a.key",
            ],
        );
        gencrl("root_a", "root_a.crl");
        openssl(
            &dir,
            &[
                "crl",
                "-in",
                "root_a.crl",
                "-outform",
                "DER",
                "-out",
                "root_a.crl.der",
            ],
        );
        Fixtures { dir }
    }

    /// Path of a fixture file.
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// Text of `NAME.pem` (or any fixture file).
    pub fn pem(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(format!("{name}.pem"))).unwrap()
    }

    /// Bytes of `NAME.der`.
    pub fn der(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(format!("{name}.der"))).unwrap()
    }

    /// Text of a CRL fixture (`root_a.crl`, `root_b.crl`).
    pub fn crl(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap()
    }
}

fn scratch_base() -> PathBuf {
    option_env!("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir)
}

/// A fresh directory for this process under the target's scratch area. Directories left
/// by earlier, finished runs are removed the first time.
pub fn scratch_dir(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    static CLEAN: OnceLock<()> = OnceLock::new();
    let base = scratch_base();
    let mine = format!("pyssl-trust-{}-", std::process::id());
    CLEAN.get_or_init(|| {
        for entry in std::fs::read_dir(&base).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix("pyssl-trust-")
                .and_then(|r| r.split('-').next())
            else {
                continue;
            };
            // Only directories of finished runs (a live process may still use its own).
            let alive = Path::new("/proc").join(pid).exists();
            if !name.starts_with(&mine) && !alive {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    });
    let dir = base.join(format!(
        "{mine}{}-{name}",
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A scratch directory removed when dropped (unless the test is failing).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        Scratch(scratch_dir(name))
    }

    /// Writes a file in the directory and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path
    }

    /// The path as a string (for command lines).
    pub fn join(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // Kept after a failure, for inspection.
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
