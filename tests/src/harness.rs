//! The differential / interop harness: the same scenario with pyssl and with python3's
//! `ssl` (an `SSLObject` over `MemoryBIO` in a child process, `tests/py/sslpeer.py`),
//! each side as client or server, relaying TLS bytes in memory.
//!
//! [`PeerConfig`] describes one side the way a Python user would configure it;
//! [`connect`] runs a handshake between any two [`Endpoint`]s and returns both
//! [`Outcome`]s, so scenario matrices can compare pyssl against CPython field by field.

#![allow(clippy::result_large_err)] // test helper: errors are compared, not propagated

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use pyssl::{MemoryBio, SslContext, SslError, SslObject, WrapOptions};
use serde_json::{json, Value};

/// One side's configuration, in Python's terms.
#[derive(Debug, Clone, Default)]
pub struct PeerConfig {
    /// `server_side=True` (and a `PROTOCOL_TLS_SERVER` context).
    pub server_side: bool,
    /// `load_cert_chain(cert, key)`.
    pub cert: Option<PathBuf>,
    /// The key file for `cert`.
    pub key: Option<PathBuf>,
    /// More `load_cert_chain` pairs (e.g. RSA + ECDSA on one server).
    pub extra_certs: Vec<(PathBuf, PathBuf)>,
    /// `load_verify_locations(cafile)`.
    pub cafile: Option<PathBuf>,
    /// `verify_mode` (0, 1, 2); None keeps the protocol's default.
    pub verify_mode: Option<i32>,
    /// `check_hostname`; None keeps the default.
    pub check_hostname: Option<bool>,
    /// `server_hostname=` (clients).
    pub server_hostname: Option<String>,
    /// `set_alpn_protocols`.
    pub alpn: Vec<String>,
    /// `minimum_version` (e.g. 0x303).
    pub min_version: Option<i32>,
    /// `maximum_version`.
    pub max_version: Option<i32>,
    /// `set_ciphers`.
    pub ciphers: Option<String>,
    /// pyssl's `set_ciphersuites` extension (TLS 1.3 suites). pyssl endpoints only: Python's
    /// `ssl` has no equivalent, so a python3 endpoint refuses a config that sets it.
    pub ciphersuites: Option<String>,
}

fn tls_version(v: i32) -> pyssl::TlsVersion {
    use pyssl::TlsVersion::*;
    match v {
        -2 => MinimumSupported,
        -1 => MaximumSupported,
        0x300 => SslV3,
        0x301 => TlsV1,
        0x302 => TlsV1_1,
        0x303 => TlsV1_2,
        _ => TlsV1_3,
    }
}

impl PeerConfig {
    /// The JSON line `sslpeer.py` reads.
    pub fn to_json(&self) -> Value {
        let p = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        json!({
            "server_side": self.server_side,
            "cert": p(&self.cert),
            "key": p(&self.key),
            "extra_certs": self.extra_certs.iter()
                .map(|(c, k)| vec![c.display().to_string(), k.display().to_string()])
                .collect::<Vec<_>>(),
            "cafile": p(&self.cafile),
            "verify_mode": self.verify_mode,
            "check_hostname": self.check_hostname,
            "server_hostname": self.server_hostname,
            "alpn": self.alpn,
            "min_version": self.min_version,
            "max_version": self.max_version,
            "ciphers": self.ciphers,
            "ciphersuites": self.ciphersuites,
        })
    }

    /// The same configuration as a pyssl context.
    pub fn pyssl_context(&self) -> Result<SslContext, SslError> {
        let ctx = SslContext::new(if self.server_side {
            pyssl::PROTOCOL_TLS_SERVER
        } else {
            pyssl::PROTOCOL_TLS_CLIENT
        })?;
        if let Some(c) = self.check_hostname {
            ctx.set_check_hostname(c);
        }
        if let Some(m) = self.verify_mode {
            ctx.set_verify_mode(match m {
                0 => pyssl::CERT_NONE,
                1 => pyssl::CERT_OPTIONAL,
                _ => pyssl::CERT_REQUIRED,
            })?;
        }
        if let Some(cert) = &self.cert {
            ctx.load_cert_chain(cert, self.key.as_deref(), None)?;
        }
        for (c, k) in &self.extra_certs {
            ctx.load_cert_chain(c, Some(k), None)?;
        }
        if let Some(ca) = &self.cafile {
            ctx.load_verify_locations(Some(ca), None, None)?;
        }
        if !self.alpn.is_empty() {
            let protos: Vec<&str> = self.alpn.iter().map(String::as_str).collect();
            ctx.set_alpn_protocols(&protos)?;
        }
        if let Some(v) = self.min_version {
            ctx.set_minimum_version(tls_version(v))?;
        }
        if let Some(v) = self.max_version {
            ctx.set_maximum_version(tls_version(v))?;
        }
        if let Some(c) = &self.ciphers {
            ctx.set_ciphers(c)?;
        }
        if let Some(c) = &self.ciphersuites {
            ctx.set_ciphersuites(c)?;
        }
        Ok(ctx)
    }
}

/// An error as CPython shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrInfo {
    /// The exception class name.
    pub class: String,
    /// `library`.
    pub library: Option<String>,
    /// `reason`.
    pub reason: Option<String>,
    /// `verify_code`.
    pub verify_code: Option<i64>,
    /// `verify_message`.
    pub verify_message: Option<String>,
    /// `str(exc)` without the `(_ssl.c:N)` suffix.
    pub message: String,
}

impl From<&SslError> for ErrInfo {
    fn from(e: &SslError) -> Self {
        ErrInfo {
            class: e.python_class().to_owned(),
            library: e.library().map(str::to_owned),
            reason: e.reason().map(str::to_owned),
            verify_code: e.verify_code(),
            verify_message: e.verify_message().map(str::to_owned),
            message: e.to_string(),
        }
    }
}

fn err_from_json(v: &Value) -> ErrInfo {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    ErrInfo {
        class: s("type").unwrap_or_default(),
        library: s("library"),
        reason: s("reason"),
        verify_code: v.get("verify_code").and_then(Value::as_i64),
        verify_message: s("verify_message"),
        message: s("message").unwrap_or_default(),
    }
}

/// What one side saw after the handshake.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    /// `version()`.
    pub version: Option<String>,
    /// `cipher()`.
    pub cipher: Option<(String, String, u32)>,
    /// `selected_alpn_protocol()`.
    pub alpn: Option<String>,
    /// `getpeercert()` as JSON (None: no certificate).
    pub peercert: Option<Value>,
    /// `getpeercert(True)`.
    pub peercert_der: Option<Vec<u8>>,
    /// `get_verified_chain()` (None when python3 lacks it).
    pub verified_chain: Option<Vec<Vec<u8>>>,
    /// `shared_ciphers()`.
    pub shared_ciphers: Option<Vec<(String, String, u32)>>,
}

/// The result of one side's handshake.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Handshake completed.
    Done(Info),
    /// Handshake failed with this error.
    Failed(ErrInfo),
    /// Still waiting for input when the exchange stopped.
    Stuck,
}

impl Outcome {
    /// The info of a completed handshake (panics otherwise, with the outcome).
    pub fn info(&self) -> &Info {
        match self {
            Outcome::Done(i) => i,
            other => panic!("handshake did not complete: {other:?}"),
        }
    }

    /// The error of a failed handshake (panics otherwise).
    pub fn err(&self) -> &ErrInfo {
        match self {
            Outcome::Failed(e) => e,
            other => panic!("handshake did not fail: {other:?}"),
        }
    }
}

/// What one command did.
#[derive(Debug)]
pub enum Status {
    /// Handshake complete.
    Done(Box<Info>),
    /// A non-handshake operation succeeded (with read data, if any).
    Ok(Vec<u8>),
    /// Needs more input.
    WantRead,
    /// Failed.
    Error(ErrInfo),
}

/// A TLS endpoint the harness can drive: pyssl or python3.
pub trait Endpoint {
    /// Delivers `incoming` (and EOF when `eof`), runs `op` ("handshake", "read",
    /// "write" with `payload`, "unwrap"); returns the outgoing bytes and the status.
    fn call(&mut self, op: &str, incoming: &[u8], eof: bool, payload: &[u8]) -> (Vec<u8>, Status);
}

/// pyssl's `SslObject` as an endpoint.
pub struct PysslEnd {
    /// The object.
    pub obj: SslObject,
    incoming: MemoryBio,
    outgoing: MemoryBio,
}

impl PysslEnd {
    /// Wraps a pyssl object for `cfg` (`wrap_bio` errors are returned).
    pub fn new(cfg: &PeerConfig) -> Result<PysslEnd, SslError> {
        let ctx = cfg.pyssl_context()?;
        Self::with_context(&ctx, cfg)
    }

    /// Wraps an object of an existing context with `cfg`'s wrap arguments.
    pub fn with_context(ctx: &SslContext, cfg: &PeerConfig) -> Result<PysslEnd, SslError> {
        let incoming = MemoryBio::new();
        let outgoing = MemoryBio::new();
        let obj = ctx.wrap_bio(
            incoming.clone(),
            outgoing.clone(),
            WrapOptions {
                server_side: cfg.server_side,
                server_hostname: cfg.server_hostname.clone(),
                session: None,
            },
        )?;
        Ok(PysslEnd {
            obj,
            incoming,
            outgoing,
        })
    }

    /// The incoming BIO (what the peer sent and the object has not consumed).
    pub fn incoming(&self) -> &MemoryBio {
        &self.incoming
    }

    fn info(&self) -> Info {
        Info {
            version: self.obj.version().map(str::to_owned),
            cipher: self.obj.cipher(),
            alpn: self.obj.selected_alpn_protocol(),
            peercert: self
                .obj
                .getpeercert()
                .expect("getpeercert after handshake")
                .map(|c| c.to_json()),
            peercert_der: self.obj.getpeercert_der().expect("after handshake"),
            verified_chain: Some(self.obj.get_verified_chain()),
            shared_ciphers: self.obj.shared_ciphers(),
        }
    }
}

impl Endpoint for PysslEnd {
    fn call(&mut self, op: &str, incoming: &[u8], eof: bool, payload: &[u8]) -> (Vec<u8>, Status) {
        if !incoming.is_empty() {
            self.incoming.write(incoming).expect("incoming BIO open");
        }
        if eof {
            self.incoming.write_eof();
        }
        let r = match op {
            "handshake" => self.obj.do_handshake().map(|()| None),
            "read" => self.obj.read(65536).map(Some),
            "write" => self.obj.write(payload).map(|_| Some(Vec::new())),
            "unwrap" => self.obj.unwrap().map(|()| Some(Vec::new())),
            other => panic!("unknown op {other}"),
        };
        let status = match r {
            Ok(None) => Status::Done(Box::new(self.info())),
            Ok(Some(d)) => Status::Ok(d),
            Err(e) if e.kind() == pyssl::ErrorKind::WantRead => Status::WantRead,
            Err(e) => Status::Error(ErrInfo::from(&e)),
        };
        (self.outgoing.read(None), status)
    }
}

/// The sslpeer.py script.
pub const SSLPEER_PY: &str = include_str!("../py/sslpeer.py");

/// python3's `SSLObject` in a child process as an endpoint.
pub struct PythonEnd {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl PythonEnd {
    /// Starts python3 with `cfg`. Configuration errors come back as `Err(ErrInfo)`.
    pub fn new(cfg: &PeerConfig) -> Result<PythonEnd, ErrInfo> {
        let mut child = Command::new(crate::python3())
            .arg("-c")
            .arg(SSLPEER_PY)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 must be installed for the interop tests");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut end = PythonEnd {
            child,
            stdin,
            stdout,
        };
        end.send(&cfg.to_json());
        match end.recv() {
            Some(v) if v["status"] == "ready" => Ok(end),
            _ => {
                let mut err = String::new();
                if let Some(mut e) = end.child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut err);
                }
                Err(ErrInfo {
                    class: "SetupError".into(),
                    library: None,
                    reason: None,
                    verify_code: None,
                    verify_message: None,
                    message: err,
                })
            }
        }
    }

    fn send(&mut self, v: &Value) {
        let _ = writeln!(self.stdin, "{v}");
        let _ = self.stdin.flush();
    }

    fn recv(&mut self) -> Option<Value> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) | Err(_) => None,
            Ok(_) => serde_json::from_str(&line).ok(),
        }
    }
}

impl Drop for PythonEnd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hexdec(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn triple(v: &Value) -> Option<(String, String, u32)> {
    let a = v.as_array()?;
    Some((
        a.first()?.as_str()?.to_owned(),
        a.get(1)?.as_str()?.to_owned(),
        a.get(2)?.as_u64()? as u32,
    ))
}

fn info_from_json(v: &Value) -> Info {
    Info {
        version: v["version"].as_str().map(str::to_owned),
        cipher: triple(&v["cipher"]),
        alpn: v["alpn"].as_str().map(str::to_owned),
        peercert: if v["peercert"].is_null() {
            None
        } else {
            Some(v["peercert"].clone())
        },
        peercert_der: v["peercert_der"].as_str().map(hexdec),
        verified_chain: v["verified_chain"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).map(hexdec).collect()),
        shared_ciphers: v["shared_ciphers"]
            .as_array()
            .map(|a| a.iter().filter_map(triple).collect()),
    }
}

impl Endpoint for PythonEnd {
    fn call(&mut self, op: &str, incoming: &[u8], eof: bool, payload: &[u8]) -> (Vec<u8>, Status) {
        self.send(&json!({"op": op, "data": hex(incoming), "eof": eof, "payload": hex(payload)}));
        let Some(v) = self.recv() else {
            return (
                Vec::new(),
                Status::Error(ErrInfo {
                    class: "PythonDied".into(),
                    library: None,
                    reason: None,
                    verify_code: None,
                    verify_message: None,
                    message: String::new(),
                }),
            );
        };
        let out = hexdec(v["out"].as_str().unwrap_or(""));
        let status = match v["status"].as_str() {
            Some("done") => Status::Done(Box::new(info_from_json(&v))),
            Some("ok") => Status::Ok(v["payload"].as_str().map(hexdec).unwrap_or_default()),
            Some("want_read") => Status::WantRead,
            _ => Status::Error(err_from_json(&v["error"])),
        };
        (out, status)
    }
}

/// Which implementation plays a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impl {
    /// pyssl.
    Pyssl,
    /// python3's ssl (OpenSSL).
    Python,
}

/// Builds an endpoint. A configuration error (e.g. `load_cert_chain` failing) is
/// returned as the error CPython/pyssl raised.
pub fn endpoint(which: Impl, cfg: &PeerConfig) -> Result<Box<dyn Endpoint>, ErrInfo> {
    match which {
        Impl::Pyssl => PysslEnd::new(cfg)
            .map(|e| Box::new(e) as Box<dyn Endpoint>)
            .map_err(|e| ErrInfo::from(&e)),
        Impl::Python => PythonEnd::new(cfg).map(|e| Box::new(e) as Box<dyn Endpoint>),
    }
}

/// Two connected endpoints after the handshake, with any undelivered bytes.
pub struct Connected {
    /// The client endpoint.
    pub client: Box<dyn Endpoint>,
    /// The server endpoint.
    pub server: Box<dyn Endpoint>,
    /// The client's outcome.
    pub client_outcome: Outcome,
    /// The server's outcome.
    pub server_outcome: Outcome,
    /// Bytes sent by the server not yet given to the client.
    pub to_client: Vec<u8>,
    /// Bytes sent by the client not yet given to the server.
    pub to_server: Vec<u8>,
}

/// Runs a handshake between two endpoints (bounded: 30 rounds).
pub fn handshake(mut client: Box<dyn Endpoint>, mut server: Box<dyn Endpoint>) -> Connected {
    let mut to_c: Vec<u8> = Vec::new();
    let mut to_s: Vec<u8> = Vec::new();
    let mut co = Outcome::Stuck;
    let mut so = Outcome::Stuck;
    let mut first = true;
    for _ in 0..30 {
        let mut progressed = false;
        if co == Outcome::Stuck && (first || !to_c.is_empty()) {
            let (out, st) = client.call("handshake", &std::mem::take(&mut to_c), false, &[]);
            to_s.extend(out);
            co = settle(st);
            progressed = true;
        }
        if so == Outcome::Stuck && !to_s.is_empty() {
            let (out, st) = server.call("handshake", &std::mem::take(&mut to_s), false, &[]);
            to_c.extend(out);
            so = settle(st);
            progressed = true;
        }
        first = false;
        if !progressed {
            break;
        }
    }
    Connected {
        client,
        server,
        client_outcome: co,
        server_outcome: so,
        to_client: to_c,
        to_server: to_s,
    }
}

fn settle(st: Status) -> Outcome {
    match st {
        Status::Done(i) => Outcome::Done(*i),
        Status::Error(e) => Outcome::Failed(e),
        _ => Outcome::Stuck,
    }
}

/// Connects `client_impl` (configured by `client`) to `server_impl` (`server`).
/// Setup errors count as a failed outcome of that side.
pub fn connect(
    client_impl: Impl,
    client: &PeerConfig,
    server_impl: Impl,
    server: &PeerConfig,
) -> (Outcome, Outcome) {
    let c = match endpoint(client_impl, client) {
        Ok(c) => c,
        Err(e) => return (Outcome::Failed(e), Outcome::Stuck),
    };
    let s = match endpoint(server_impl, server) {
        Ok(s) => s,
        Err(e) => return (Outcome::Stuck, Outcome::Failed(e)),
    };
    let r = handshake(c, s);
    (r.client_outcome, r.server_outcome)
}

impl Connected {
    /// Sends `data` from the client and returns what the server reads.
    pub fn client_to_server(&mut self, data: &[u8]) -> Status {
        let (out, st) =
            self.client
                .call("write", &std::mem::take(&mut self.to_client), false, data);
        assert!(matches!(st, Status::Ok(_)), "client write: {st:?}");
        self.to_server.extend(out);
        let (out, st) = self
            .server
            .call("read", &std::mem::take(&mut self.to_server), false, &[]);
        self.to_client.extend(out);
        st
    }

    /// Sends `data` from the server and returns what the client reads.
    pub fn server_to_client(&mut self, data: &[u8]) -> Status {
        let (out, st) =
            self.server
                .call("write", &std::mem::take(&mut self.to_server), false, data);
        assert!(matches!(st, Status::Ok(_)), "server write: {st:?}");
        self.to_client.extend(out);
        let (out, st) = self
            .client
            .call("read", &std::mem::take(&mut self.to_client), false, &[]);
        self.to_server.extend(out);
        st
    }
}
