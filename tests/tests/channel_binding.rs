//! `get_channel_binding`: `tls-exporter` equals what `openssl s_client -keymatexport
//! EXPORTER-Channel-Binding -keymatexportlen 32` prints for the same connection (TLS 1.3
//! and 1.2); `tls-unique` is None (documented); None before the handshake; unknown
//! types are CPython's ValueError.

use std::net::TcpListener;
use std::process::Command;

use pyssl::{SocketOptions, TlsVersion};
use pyssl_tests::peers::{self, pin_version, pki, server_ctx};

fn exporter_vs_openssl(version: TlsVersion, flag: &str) {
    let p = pki();
    let ctx = server_ctx(&p.ecdsa, pyssl::CERT_NONE, &[]);
    pin_version(&ctx, version);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        let mut s = ctx.wrap_socket(tcp, SocketOptions::server()).unwrap();
        let cb = s.get_channel_binding("tls-exporter").unwrap().unwrap();
        let unique = s.get_channel_binding("tls-unique").unwrap();
        let _ = s.recv(10);
        (cb, unique)
    });
    let (ok, out, err) = peers::run_bounded(
        Command::new("openssl").args([
            "s_client",
            "-connect",
            &format!("127.0.0.1:{port}"),
            flag,
            "-keymatexport",
            "EXPORTER-Channel-Binding",
            "-keymatexportlen",
            "32",
        ]),
        Vec::new(),
        peers::PEER_WAIT,
    );
    assert!(ok, "openssl s_client failed: {err}");
    let out = String::from_utf8_lossy(&out);
    let theirs = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("Keying material: "))
        .unwrap_or_else(|| panic!("no keying material in {out}"))
        .to_ascii_lowercase();
    let (cb, unique) = server.join().unwrap();
    let ours: String = cb.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(ours, theirs);
    assert_eq!(unique, None, "tls-unique is documented as None");
}

#[test]
fn tls_exporter_equals_openssl_tls13() {
    exporter_vs_openssl(TlsVersion::TlsV1_3, "-tls1_3");
}

#[test]
fn tls_exporter_equals_openssl_tls12() {
    exporter_vs_openssl(TlsVersion::TlsV1_2, "-tls1_2");
}

#[test]
fn before_handshake_and_unknown_type() {
    let ctx = pyssl::SslContext::new(pyssl::PROTOCOL_TLS_CLIENT).unwrap();
    let obj = ctx
        .wrap_bio(
            pyssl::MemoryBio::new(),
            pyssl::MemoryBio::new(),
            pyssl::WrapOptions {
                server_hostname: Some("localhost".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(obj.get_channel_binding("tls-exporter").unwrap(), None);
    assert_eq!(obj.get_channel_binding("tls-unique").unwrap(), None);
    let e = obj.get_channel_binding("tls-server-end-point").unwrap_err();
    assert_eq!(e.python_class(), "ValueError");
    assert_eq!(
        e.to_string(),
        "'tls-server-end-point' channel binding type not implemented"
    );
    // Same message as CPython's _ssl.
    let py = pyssl_tests::run_python(
        "import ssl\nc=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n\
         o=c.wrap_bio(ssl.MemoryBIO(),ssl.MemoryBIO(),server_hostname='localhost')\n\
         try: o.get_channel_binding('tls-server-end-point')\n\
         except ValueError as e: print(e)",
        &[],
    );
    assert_eq!(py.trim(), e.to_string());
}
