//! `pyssl demo`: the README's main job. In one process, with no network: a freshly
//! generated CA and server certificate, a server and a `create_default_context()`
//! client talking through MemoryBio pairs; prints what CPython's ssl would show
//! (version, cipher, ALPN, `getpeercert()`, the verified chain), then the error a wrong
//! `server_hostname` produces.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pyssl::{
    create_default_context, CaData, ErrorKind, MemoryBio, Purpose, SslContext, SslError, SslObject,
    WrapOptions, PROTOCOL_TLS_SERVER,
};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};

/// Arguments of `pyssl demo` (none).
#[derive(clap::Args)]
pub struct Args {}

/// Runs the demo.
pub fn run(_args: Args) -> ExitCode {
    match demo() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A temporary directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("pyssl-demo-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The generated PKI: CA PEM text, server certificate and key files.
struct Pki {
    ca_pem: String,
    cert: PathBuf,
    key: PathBuf,
}

fn make_pki(dir: &Path) -> Result<Pki, Box<dyn std::error::Error>> {
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "pyssl demo CA");
    ca.distinguished_name
        .push(DnType::OrganizationName, "pyssl");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let ca_cert = ca.self_signed(&ca_key)?;

    let mut leaf = CertificateParams::new(vec!["localhost".to_owned()])?;
    leaf.subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf.distinguished_name
        .push(DnType::OrganizationName, "pyssl");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let issuer = Issuer::from_params(&ca, &ca_key);
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer)?;

    let cert = dir.join("server.pem");
    let key = dir.join("server.key");
    std::fs::write(&cert, leaf_cert.pem())?;
    std::fs::write(&key, leaf_key.serialize_pem())?;
    Ok(Pki {
        ca_pem: ca_cert.pem(),
        cert,
        key,
    })
}

/// One end of the in-memory connection.
struct End {
    obj: SslObject,
    incoming: MemoryBio,
    outgoing: MemoryBio,
}

fn end(ctx: &SslContext, opts: WrapOptions) -> Result<End, SslError> {
    let incoming = MemoryBio::new();
    let outgoing = MemoryBio::new();
    let obj = ctx.wrap_bio(incoming.clone(), outgoing.clone(), opts)?;
    Ok(End {
        obj,
        incoming,
        outgoing,
    })
}

fn relay(from: &End, to: &End) -> Result<usize, SslError> {
    let data = from.outgoing.read(None);
    to.incoming.write(&data)
}

fn want_read(r: &Result<(), SslError>) -> bool {
    matches!(r, Err(e) if e.kind() == ErrorKind::WantRead)
}

/// Runs both handshakes, relaying bytes, for at most a few rounds.
fn handshake(client: &mut End, server: &mut End) -> (Result<(), SslError>, Result<(), SslError>) {
    let mut c = Err(SslError::want_read());
    let mut s = Err(SslError::want_read());
    for _ in 0..10 {
        if want_read(&c) {
            c = client.obj.do_handshake();
        }
        let _ = relay(client, server);
        if want_read(&s) {
            s = server.obj.do_handshake();
        }
        let _ = relay(server, client);
        if !want_read(&c) && !want_read(&s) {
            break;
        }
    }
    (c, s)
}

/// Both ends and both handshake results.
type Connected = (End, End, Result<(), SslError>, Result<(), SslError>);

fn connect(
    client_ctx: &SslContext,
    server_ctx: &SslContext,
    hostname: &str,
) -> Result<Connected, SslError> {
    let mut client = end(
        client_ctx,
        WrapOptions {
            server_hostname: Some(hostname.to_owned()),
            ..WrapOptions::default()
        },
    )?;
    let mut server = end(
        server_ctx,
        WrapOptions {
            server_side: true,
            ..WrapOptions::default()
        },
    )?;
    let (c, s) = handshake(&mut client, &mut server);
    Ok((client, server, c, s))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn demo() -> Result<(), Box<dyn std::error::Error>> {
    let dir = TempDir::new()?;
    let pki = make_pki(&dir.0)?;

    let server_ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
    server_ctx.load_cert_chain(&pki.cert, Some(&pki.key), None)?;
    server_ctx.set_alpn_protocols(&["h2", "http/1.1"])?;

    let client_ctx = create_default_context(
        Purpose::ServerAuth,
        None,
        None,
        Some(CaData::Text(pki.ca_pem.clone())),
    )?;
    client_ctx.set_alpn_protocols(&["http/1.1", "h2"])?;

    println!("pyssl demo: server and create_default_context() client over MemoryBIO pairs");
    let (mut client, mut server, c, s) = connect(&client_ctx, &server_ctx, "localhost")?;
    c?;
    s?;
    println!("version:   {}", client.obj.version().unwrap_or("None"));
    if let Some((name, proto, bits)) = client.obj.cipher() {
        println!("cipher:    ('{name}', '{proto}', {bits})");
    }
    println!(
        "alpn:      {}",
        client
            .obj
            .selected_alpn_protocol()
            .map(|p| format!("'{p}'"))
            .unwrap_or_else(|| "None".into())
    );

    client
        .obj
        .write(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")?;
    relay(&client, &server)?;
    let request = server.obj.read(1024)?;
    server
        .obj
        .write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")?;
    relay(&server, &client)?;
    let response = client.obj.read(1024)?;
    println!(
        "exchange:  server read {} bytes, client read {:?}",
        request.len(),
        String::from_utf8_lossy(&response)
    );

    println!("getpeercert():");
    match client.obj.getpeercert()? {
        Some(info) => println!("{}", info.to_python_repr()),
        None => println!("None"),
    }

    println!("get_verified_chain():");
    for (i, der) in client.obj.get_verified_chain().iter().enumerate() {
        let subject = pyssl_cert::decode_cert(der)
            .ok()
            .and_then(|c| c.subject_common_names().first().map(|s| s.to_string()))
            .unwrap_or_default();
        let digest = ring::digest::digest(&ring::digest::SHA256, der);
        println!("  [{i}] CN={subject}  sha256={}", hex(digest.as_ref()));
    }

    // A clean TLS shutdown both ways.
    let _ = client.obj.unwrap();
    relay(&client, &server)?;
    server.obj.unwrap()?;
    relay(&server, &client)?;
    client.obj.unwrap()?;

    // The same exchange over loopback TCP through SslListener/SslSocket.
    let tcp = super::demo_tcp::exchange(&server_ctx, &client_ctx, "localhost", "hello over TCP")?;
    super::demo_tcp::print(&tcp);

    println!("wrong server_hostname ('wrong.example'):");
    let (_client, _server, c, s) = connect(&client_ctx, &server_ctx, "wrong.example")?;
    match c {
        Err(e) => {
            println!("  client: {}: {e}", e.python_class());
            if let Some(code) = e.verify_code() {
                println!(
                    "  verify_code={code} verify_message={:?}",
                    e.verify_message().unwrap_or("")
                );
            }
        }
        Ok(()) => println!("  client: unexpectedly succeeded"),
    }
    match s {
        Err(e) => println!("  server: {}: {e}", e.python_class()),
        Ok(()) => println!("  server: handshake finished"),
    }
    Ok(())
}
