//! `SslContext` / `wrap_bio` / pre-handshake `SslObject` behaviour, compared with
//! python3: per-protocol defaults, create_default_context, verify_mode/check_hostname
//! coupling, version setters, ALPN validation, wrap_bio argument checks, hostnames,
//! SNI and accessors before the handshake.

use pyssl::{
    create_default_context, ErrorKind, MemoryBio, Protocol, Purpose, SslContext, SslError,
    TlsVersion, WrapOptions, CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED,
};
use pyssl_tests::pki::{Alg, Pki};
use pyssl_tests::pump::{drive, End};
use serde_json::{json, Value};

const PY: &str = r#"
import json, re, ssl, warnings
warnings.simplefilter("ignore")
def err(f):
    try:
        r = f()
        return ["ok", r]
    except Exception as e:
        return [type(e).__name__, re.sub(r" \(_ssl\.c:\d+\)$", "", str(e))]
out = {}
for p in (ssl.PROTOCOL_TLS, ssl.PROTOCOL_TLS_CLIENT, ssl.PROTOCOL_TLS_SERVER, ssl.PROTOCOL_TLSv1_2):
    c = ssl.SSLContext(p)
    out[str(int(p))] = [int(c.verify_mode), c.check_hostname, c.options, int(c.verify_flags),
                        int(c.minimum_version), int(c.maximum_version), c.security_level,
                        c.post_handshake_auth, c.hostname_checks_common_name]
for purpose, name in ((ssl.Purpose.SERVER_AUTH, "server_auth"), (ssl.Purpose.CLIENT_AUTH, "client_auth")):
    c = ssl.create_default_context(purpose, cadata="")  if False else ssl.create_default_context(purpose)
    out[name] = [int(c.verify_mode), c.check_hostname, c.options, int(c.verify_flags), int(c.protocol)]
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
out["cert_none_with_check"] = err(lambda: setattr(c, "verify_mode", ssl.CERT_NONE))
c.check_hostname = False
c.verify_mode = ssl.CERT_NONE
c.check_hostname = True
out["check_on_bumps_mode"] = int(c.verify_mode)
c.check_hostname = False
c.verify_mode = ssl.CERT_OPTIONAL
c.check_hostname = True
out["check_on_keeps_optional"] = int(c.verify_mode)
c = ssl.SSLContext(ssl.PROTOCOL_TLSv1_2)
out["tls12_min"] = err(lambda: setattr(c, "minimum_version", ssl.TLSVersion.TLSv1_3))
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
out["alpn_empty_proto"] = err(lambda: c.set_alpn_protocols([""]))
out["alpn_long_proto"] = err(lambda: c.set_alpn_protocols(["x" * 256]))
cl = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
sv = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
def wrap(ctx, **kw):
    return err(lambda: ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), **kw).server_hostname)
out["wrap_client_as_server"] = wrap(cl, server_side=True)
out["wrap_server_as_client"] = wrap(sv, server_side=False)
for h in ["", ".lead", "a..b", "EXAMPLE.com", "bücher.example", "127.0.0.1", "::1", "trailing.",
          "a" * 63 + ".x", "a" * 64 + ".x", "x." + "b" * 70]:
    out["host:" + h] = wrap(cl, server_hostname=h)
o = cl.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="x")
out["before"] = [err(o.getpeercert), o.version(), o.cipher(), o.shared_ciphers(), o.selected_alpn_protocol(),
                 o.compression(), o.get_verified_chain(), o.get_unverified_chain(), o.session_reused,
                 o.pending(), o.server_side, err(lambda: o.read(5)), err(lambda: o.write(b"x")),
                 err(o.unwrap), err(lambda: o.get_channel_binding("foo"))]
b = ssl.MemoryBIO()
b.write(b"abc"); b.write_eof()
out["bio"] = [b.pending, b.eof, b.read(2).hex(), b.eof, b.read().hex(), b.eof, err(lambda: b.write(b"x"))]
print(json.dumps(out))
"#;

fn py() -> Value {
    serde_json::from_str(&pyssl_tests::run_python(PY, &[])).unwrap()
}

fn err<T: Into<Value>>(r: Result<T, SslError>) -> Value {
    match r {
        Ok(v) => json!(["ok", v.into()]),
        Err(e) => json!([e.python_class(), e.to_string()]),
    }
}

fn defaults(p: Protocol) -> Value {
    let c = SslContext::new(p).unwrap();
    json!([
        c.verify_mode() as i32,
        c.check_hostname(),
        c.options().0,
        c.verify_flags().0,
        c.minimum_version() as i32,
        c.maximum_version() as i32,
        c.security_level(),
        c.post_handshake_auth(),
        c.hostname_checks_common_name()
    ])
}

fn wrap(ctx: &SslContext, server_side: bool, host: Option<&str>) -> Value {
    err(ctx
        .wrap_bio(
            MemoryBio::new(),
            MemoryBio::new(),
            WrapOptions {
                server_side,
                server_hostname: host.map(str::to_owned),
                session: None,
            },
        )
        .map(|o| o.server_hostname().map(str::to_owned)))
}

#[test]
fn context_and_object_semantics_match_python() {
    let py = py();
    for p in [
        Protocol::Tls,
        Protocol::TlsClient,
        Protocol::TlsServer,
        Protocol::TlsV1_2,
    ] {
        assert_eq!(defaults(p), py[(p as i32).to_string()], "defaults of {p:?}");
    }
    for (purpose, name) in [
        (Purpose::ServerAuth, "server_auth"),
        (Purpose::ClientAuth, "client_auth"),
    ] {
        let c = create_default_context(purpose, None, None, None).unwrap();
        assert_eq!(
            json!([
                c.verify_mode() as i32,
                c.check_hostname(),
                c.options().0,
                c.verify_flags().0,
                c.protocol() as i32
            ]),
            py[name],
            "{name}"
        );
    }

    let c = SslContext::new(Protocol::TlsClient).unwrap();
    assert_eq!(
        err(c.set_verify_mode(CERT_NONE)),
        json!([py["cert_none_with_check"][0], py["cert_none_with_check"][1]])
    );
    c.set_check_hostname(false);
    c.set_verify_mode(CERT_NONE).unwrap();
    c.set_check_hostname(true);
    assert_eq!(json!(c.verify_mode() as i32), py["check_on_bumps_mode"]);
    c.set_check_hostname(false);
    c.set_verify_mode(CERT_OPTIONAL).unwrap();
    c.set_check_hostname(true);
    assert_eq!(json!(c.verify_mode() as i32), py["check_on_keeps_optional"]);

    let c = SslContext::new(Protocol::TlsV1_2).unwrap();
    let r = err(c.set_minimum_version(TlsVersion::TlsV1_3));
    assert_eq!(r[1], py["tls12_min"][1]);

    let c = SslContext::new(Protocol::TlsClient).unwrap();
    assert_eq!(
        err(c.set_alpn_protocols(&[""]))[0],
        py["alpn_empty_proto"][0]
    );
    let long = "x".repeat(256);
    assert_eq!(
        err(c.set_alpn_protocols(&[long.as_str()])),
        py["alpn_long_proto"]
    );

    let cl = SslContext::new(Protocol::TlsClient).unwrap();
    let sv = SslContext::new(Protocol::TlsServer).unwrap();
    assert_eq!(wrap(&cl, true, None), py["wrap_client_as_server"]);
    assert_eq!(wrap(&sv, false, None), py["wrap_server_as_client"]);
    for h in [
        "",
        ".lead",
        "a..b",
        "EXAMPLE.com",
        "bücher.example",
        "127.0.0.1",
        "::1",
        "trailing.",
        &format!("{}.x", "a".repeat(63)),
        &format!("{}.x", "a".repeat(64)),
        &format!("x.{}", "b".repeat(70)),
    ] {
        assert_eq!(
            wrap(&cl, false, Some(h)),
            py[format!("host:{h}")],
            "server_hostname={h:?}"
        );
    }

    let mut o = cl
        .wrap_bio(
            MemoryBio::new(),
            MemoryBio::new(),
            WrapOptions {
                server_hostname: Some("x".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let before = json!([
        err(o.getpeercert().map(|_| ())),
        o.version(),
        o.cipher(),
        o.shared_ciphers(),
        o.selected_alpn_protocol(),
        o.compression(),
        o.get_verified_chain(),
        o.get_unverified_chain(),
        o.session_reused(),
        o.pending(),
        o.server_side(),
        err(o.read(5)),
        err(o.write(b"x")),
        err(o.unwrap()),
        err(o.get_channel_binding("foo"))
    ]);
    let mut want = py["before"].clone();
    // Python's bytes results are not JSON; compare the error parts.
    want[0] = json!([want[0][0], want[0][1]]);
    assert_eq!(before, want);

    let b = MemoryBio::new();
    b.write(b"abc").unwrap();
    b.write_eof();
    let bio = json!([
        b.pending(),
        b.eof(),
        hex(&b.read(Some(2))),
        b.eof(),
        hex(&b.read(None)),
        b.eof(),
        err(b.write(b"x"))
    ]);
    assert_eq!(bio, py["bio"]);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn sni_sent_as_a_label_and_omitted_without_hostname() {
    let pki = Pki::new();
    let leaf = pki.leaf(Alg::Ecdsa, "x", &["xn--bcher-kva.example", "localhost"]);
    let (c, s) = pyssl_tests::pump::contexts(&pki, &leaf);
    for (host, want) in [
        (Some("bücher.example"), Some("xn--bcher-kva.example")),
        (None, None),
        (Some("127.0.0.1"), None),
    ] {
        if host.is_none() {
            // CPython allows a client without server_hostname: no SNI, no name check.
            c.set_check_hostname(false);
        }
        let client = End::client(&c, host).unwrap();
        let server = End::server(&s).unwrap();
        let o = drive(client, server);
        let hello = o.server.obj.connection().client_hello().unwrap();
        assert_eq!(hello.server_name.as_deref(), want, "{host:?}");
        if host == Some("bücher.example") {
            o.client_result.as_ref().unwrap();
            assert_eq!(
                o.client.obj.server_hostname(),
                Some("xn--bcher-kva.example")
            );
        }
    }
}

#[test]
fn settings_apply_to_later_connections_only() {
    let pki = Pki::new();
    let leaf = pki.leaf(Alg::Ecdsa, "x", &["localhost"]);
    let (c, s) = pyssl_tests::pump::contexts(&pki, &leaf);
    let first = pyssl_tests::pump::handshake(&c, &s, Some("localhost"));
    first.client_result.as_ref().unwrap();
    assert_eq!(first.client.obj.version(), Some("TLSv1.3"));
    // A clone shares the state: capping the version affects new connections.
    let clone = c.clone();
    clone.set_maximum_version(TlsVersion::TlsV1_2).unwrap();
    assert_eq!(c.maximum_version(), TlsVersion::TlsV1_2);
    let second = pyssl_tests::pump::handshake(&c, &s, Some("localhost"));
    assert_eq!(second.client.obj.version(), Some("TLSv1.2"));
    assert_eq!(first.client.obj.version(), Some("TLSv1.3"));
    // The server's context can be switched before the ClientHello is processed.
    let other_leaf = pki.leaf(Alg::Rsa, "other", &["localhost"]);
    let s2 = SslContext::new(Protocol::TlsServer).unwrap();
    s2.load_cert_chain(&other_leaf.cert, Some(&other_leaf.key), None)
        .unwrap();
    let client = End::client(&c, Some("localhost")).unwrap();
    let mut server = End::server(&s).unwrap();
    server.obj.set_context(s2.clone()).unwrap();
    let o = drive(client, server);
    o.client_result.as_ref().unwrap();
    assert_eq!(
        o.client.obj.getpeercert_der().unwrap().unwrap(),
        other_leaf.der
    );
    let mut server = o.server;
    assert_eq!(
        server.obj.set_context(s).unwrap_err().kind(),
        ErrorKind::Value
    );
    let _ = CERT_REQUIRED;
}

/// A server-side SSLObject keeps the `server_hostname` it was given (CPython allows it
/// and reports it as given) next to what it keeps of the ClientHello.
#[test]
fn server_side_keeps_its_server_hostname_after_the_client_hello() {
    let py = pyssl_tests::run_python(
        "import ssl\nc=ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
         o=c.wrap_bio(ssl.MemoryBIO(),ssl.MemoryBIO(),server_side=True,server_hostname='Example.com')\n\
         print(o.server_hostname)",
        &[],
    );
    let pki = Pki::new();
    let leaf = pki.leaf(Alg::Ecdsa, "x", &["localhost"]);
    let (c, s) = pyssl_tests::pump::contexts(&pki, &leaf);
    let client = End::client(&c, Some("localhost")).unwrap();
    let server = End::new(
        &s,
        pyssl::WrapOptions {
            server_side: true,
            server_hostname: Some("Example.com".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(server.obj.server_hostname(), Some(py.trim()));
    let o = drive(client, server);
    o.server_result.as_ref().unwrap();
    assert_eq!(o.server.obj.server_hostname(), Some("Example.com"));
    let hello = o.server.obj.connection().client_hello().unwrap();
    assert_eq!(hello.server_name.as_deref(), Some("localhost"));
    assert!(!hello.cipher_suites.is_empty());
}
