//! SNI callbacks on the pyssl server against a python3 client: the certificate of the
//! context the callback switches to is served per name; an alert returned by the
//! callback reaches the client as CPython's error reason; a failing callback gives
//! handshake_failure; the legacy servername callback sees what python3's does (A-labels).

use std::sync::{Arc, Mutex};

use pyssl::engine::Connection;
use pyssl::{SocketOptions, SslContext, SslError};
use pyssl_tests::peers::{self, pki, serve_tcp, server_ctx};

/// python3 client: one connection per name in argv[2:], prints the peer certificate's
/// DER hex or the error's reason.
const PY_CLIENT: &str = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
for name in sys.argv[2:]:
    try:
        with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30) as sock:
            with ctx.wrap_socket(sock, server_hostname=name) as s:
                print(s.getpeercert(True).hex(), flush=True)
    except ssl.SSLError as e:
        print(e.reason, flush=True)
"#;

/// Serves `names.len()` connections with `ctx`; returns the python3 client's lines and
/// the server-side results (None = handshake ok, Some(reason) = error).
fn run(ctx: SslContext, names: &[&str]) -> (Vec<String>, Vec<Option<String>>) {
    let (port, server) = serve_tcp(names.len(), move |tcp| {
        match ctx.wrap_socket(tcp, SocketOptions::server()) {
            Ok(mut s) => {
                let _ = s.close_notify();
                None
            }
            Err(e) => e.reason().map(str::to_owned),
        }
    });
    let port = port.to_string();
    let mut args = vec![port.as_str()];
    args.extend_from_slice(names);
    let lines = peers::python_client_lines(PY_CLIENT, &args, peers::PEER_WAIT);
    (lines, server.join().unwrap())
}

fn der_hex(path: &std::path::Path) -> String {
    peers::hex(&peers::cert_der(path))
}

#[test]
fn sni_callback_switches_certificates_and_sends_alerts() {
    let p = pki();
    let default_ctx = server_ctx(&p.ecdsa, pyssl::CERT_NONE, &[]);
    let rsa_ctx = server_ctx(&p.rsa, pyssl::CERT_NONE, &[]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let cb = {
        let seen = seen.clone();
        let rsa_ctx = rsa_ctx.clone();
        Arc::new(
            move |conn: &mut Connection, name: Option<&str>, ctx: &SslContext| {
                assert!(conn.server_side());
                assert_eq!(conn.context(), ctx);
                seen.lock().unwrap().push(name.map(str::to_owned));
                match name {
                    Some("rsa.test") => {
                        conn.set_context(rsa_ctx.clone())?;
                        Ok(None)
                    }
                    Some("alert.test") => Ok(Some(pyssl::ALERT_DESCRIPTION_UNRECOGNIZED_NAME)),
                    Some("fail.test") => Err(SslError::value("callback error")),
                    _ => Ok(None),
                }
            },
        ) as pyssl::sni::SniCallback
    };
    default_ctx.set_sni_callback(Some(cb));
    let (client, server) = run(
        default_ctx,
        &["rsa.test", "ecdsa.test", "alert.test", "fail.test"],
    );
    assert_eq!(client[0], der_hex(&p.rsa.cert));
    assert_eq!(client[1], der_hex(&p.ecdsa.cert));
    assert_eq!(client[2], "TLSV1_UNRECOGNIZED_NAME");
    assert_eq!(client[3], "SSLV3_ALERT_HANDSHAKE_FAILURE");
    let callback_failed = Some("CALLBACK_FAILED".to_owned());
    assert_eq!(
        server,
        vec![None, None, callback_failed.clone(), callback_failed]
    );
    assert_eq!(
        *seen.lock().unwrap(),
        ["rsa.test", "ecdsa.test", "alert.test", "fail.test"].map(|s| Some(s.to_owned()))
    );
}

/// python3 server over memory BIOs: the names its `set_servername_callback` receives
/// for the client names in argv[3:] (argv[1:3]: certificate, key).
const PY_SERVERNAME_CALLBACK: &str = r#"
import json, ssl, sys
seen = []
sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sctx.load_cert_chain(sys.argv[1], sys.argv[2])
sctx.set_servername_callback(lambda sock, name, ctx: seen.append(name))
cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cctx.check_hostname = False
cctx.verify_mode = ssl.CERT_NONE
for name in sys.argv[3:]:
    ci, co, si, so = (ssl.MemoryBIO() for _ in range(4))
    c = cctx.wrap_bio(ci, co, server_hostname=name)
    s = sctx.wrap_bio(si, so, server_side=True)
    for _ in range(8):
        for obj in (c, s):
            try:
                obj.do_handshake()
            except ssl.SSLWantReadError:
                pass
        si.write(co.read())
        ci.write(so.read())
print(json.dumps(seen))
"#;

#[test]
fn servername_callback_gets_the_names_python_passes() {
    let p = pki();
    let names = ["bücher.example", "plain.example", "MiXeD.Example"];
    let python: Vec<Option<String>> = serde_json::from_str(&pyssl_tests::run_python(
        PY_SERVERNAME_CALLBACK,
        &[
            p.ecdsa.cert.to_str().unwrap(),
            p.ecdsa.key.to_str().unwrap(),
            names[0],
            names[1],
            names[2],
        ],
    ))
    .unwrap();
    // python3.11 and 3.13 pass the A-label (the 3.13 docs say U-label).
    assert_eq!(python[0].as_deref(), Some("xn--bcher-kva.example"));
    let ctx = server_ctx(&p.ecdsa, pyssl::CERT_NONE, &[]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let cb = {
        let seen = seen.clone();
        Arc::new(
            move |_conn: &mut Connection, name: Option<&str>, _ctx: &SslContext| {
                seen.lock().unwrap().push(name.map(str::to_owned));
                Ok(None)
            },
        ) as pyssl::sni::SniCallback
    };
    ctx.set_servername_callback(Some(cb));
    let (client, server) = run(ctx, &names);
    assert_eq!(client.len(), 3);
    assert_eq!(server, vec![None, None, None]);
    assert_eq!(*seen.lock().unwrap(), python);
}
