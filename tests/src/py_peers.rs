//! The python3 `ssl` socket peers that several interop tests share: a server that serves
//! `n` connections and a client that makes `n` connections chaining `session=`, each
//! printing one JSON line per connection (`tls-unique`, `session_reused`, ...), with
//! optional TLS 1.2 cap, `OP_NO_TICKET` and `keylog_filename`.

use std::path::Path;

use std::sync::mpsc;

use serde_json::Value;

use crate::peers::{path, pki, python_client_lines, python_server, Guard, PEER_WAIT};

/// How the python3 peer's context is set up (the defaults: TLS 1.3, tickets, no key log).
#[derive(Debug, Clone, Copy, Default)]
pub struct PyOpts<'a> {
    /// `maximum_version = TLSv1_2`.
    pub tls12: bool,
    /// `options |= OP_NO_TICKET` (server only).
    pub no_ticket: bool,
    /// `keylog_filename`.
    pub keylog: Option<&'a Path>,
}

impl PyOpts<'_> {
    fn args(&self) -> [&str; 3] {
        [
            if self.tls12 { "1.2" } else { "-" },
            if self.no_ticket { "noticket" } else { "ticket" },
            self.keylog.map_or("-", path),
        ]
    }
}

/// Server: argv = n cert key version ticket keylog. Per connection, after it closed:
/// `{"tls_unique": hex or null, "reused": bool}`.
const PY_SERVER: &str = r#"
import json, socket, ssl, sys
n, cert, key, version, ticket, keylog = sys.argv[1:7]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
if version == "1.2":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
if ticket == "noticket":
    ctx.options |= ssl.OP_NO_TICKET
if keylog != "-":
    ctx.keylog_filename = keylog
srv = socket.create_server(("127.0.0.1", 0))
print("PORT", srv.getsockname()[1], flush=True)
srv.settimeout(30)
for _ in range(int(n)):
    conn, _ = srv.accept()
    conn.settimeout(30)
    with ctx.wrap_socket(conn, server_side=True) as s:
        cb = s.get_channel_binding("tls-unique")
        s.sendall(b"ok")
        try:
            s.recv(10)
        except (ssl.SSLError, OSError):
            pass
        reused = s.session_reused
    print(json.dumps({"tls_unique": cb.hex() if cb else None, "reused": reused}), flush=True)
"#;

/// Client: argv = n port ca version ticket keylog. Per connection: `{"got": text read,
/// "tls_unique": hex or null, "reused": bool, "has_ticket": bool}`.
const PY_CLIENT: &str = r#"
import json, socket, ssl, sys
n, port, ca, version, _ticket, keylog = sys.argv[1:7]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(ca)
if version == "1.2":
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
if keylog != "-":
    ctx.keylog_filename = keylog
sess = None
for _ in range(int(n)):
    with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as sock:
        with ctx.wrap_socket(sock, server_hostname="localhost", session=sess) as s:
            got = s.recv(10)
            sess = s.session
            cb = s.get_channel_binding("tls-unique")
            print(json.dumps({"got": got.decode(), "tls_unique": cb.hex() if cb else None,
                              "reused": s.session_reused, "has_ticket": sess.has_ticket}), flush=True)
"#;

/// Starts the python3 server for `n` connections with the test PKI's ECDSA pair; it sends
/// `ok` on each, reads until the client closes, then prints the connection's JSON line
/// (read them with [`next_json`]).
pub fn python_server_n(n: usize, opts: PyOpts<'_>) -> (Guard, u16, mpsc::Receiver<String>) {
    let p = pki();
    let n = n.to_string();
    let mut args = vec![n.as_str(), path(&p.ecdsa.cert), path(&p.ecdsa.key)];
    args.extend(opts.args());
    python_server(PY_SERVER, &args)
}

/// Runs the python3 client: `n` connections to 127.0.0.1:`port` (trusting the test CA,
/// naming `localhost`), each offering the previous one's session; one JSON value each.
pub fn python_client_n(port: u16, n: usize, opts: PyOpts<'_>) -> Vec<Value> {
    let (n, port) = (n.to_string(), port.to_string());
    let mut args = vec![n.as_str(), port.as_str(), path(&pki().ca)];
    args.extend(opts.args());
    python_client_lines(PY_CLIENT, &args, PEER_WAIT)
        .iter()
        .map(|l| serde_json::from_str(l).expect("python3 client printed JSON"))
        .collect()
}

/// The next JSON line from a peer within [`PEER_WAIT`], or a panic naming `what`.
pub fn next_json(rx: &mpsc::Receiver<String>, what: &str) -> Value {
    let line = crate::peers::next_line(rx, what);
    serde_json::from_str(&line).unwrap_or_else(|e| panic!("{what} line not JSON ({e}): {line}"))
}
