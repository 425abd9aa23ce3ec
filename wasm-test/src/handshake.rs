//! A TLS handshake between two `SslObject`s over `MemoryBio` pairs (the sans-IO core),
//! application data both ways, and close_notify both ways.

use crate::{ensure, read};
use pyssl::{
    CaData, ErrorKind, MemoryBio, SslContext, SslObject, WrapOptions, PROTOCOL_TLS_CLIENT,
    PROTOCOL_TLS_SERVER,
};
use std::path::Path;

struct End {
    obj: SslObject,
    incoming: MemoryBio,
    outgoing: MemoryBio,
}

impl End {
    fn new(ctx: &SslContext, opts: WrapOptions) -> Result<End, String> {
        let (incoming, outgoing) = (MemoryBio::new(), MemoryBio::new());
        let obj = ctx
            .wrap_bio(incoming.clone(), outgoing.clone(), opts)
            .map_err(|e| e.to_string())?;
        Ok(End {
            obj,
            incoming,
            outgoing,
        })
    }

    /// Moves our pending output to the peer; returns the byte count.
    fn send_to(&self, peer: &End) -> Result<usize, String> {
        let bytes = self.outgoing.read(None);
        if !bytes.is_empty() {
            peer.incoming.write(&bytes).map_err(|e| e.to_string())?;
        }
        Ok(bytes.len())
    }
}

/// `Ok(true)` when done, `Ok(false)` when it wants more input.
fn progress(r: pyssl::Result<()>) -> Result<bool, String> {
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == ErrorKind::WantRead => Ok(false),
        Err(e) => Err(e.to_string()),
    }
}

pub(crate) fn check(data: &Path) -> Result<String, String> {
    let client_ctx = SslContext::new(PROTOCOL_TLS_CLIENT).map_err(|e| e.to_string())?;
    let ca = String::from_utf8(read(data, "ca.pem")?).map_err(|e| e.to_string())?;
    client_ctx
        .load_verify_locations(None, None, Some(CaData::Text(ca)))
        .map_err(|e| e.to_string())?;
    client_ctx
        .set_alpn_protocols(&["h2", "http/1.1"])
        .map_err(|e| e.to_string())?;
    let server_ctx = SslContext::new(PROTOCOL_TLS_SERVER).map_err(|e| e.to_string())?;
    // Files through the WASI preopen.
    server_ctx
        .load_cert_chain(
            &data.join("server.pem"),
            Some(&data.join("server.key")),
            None,
        )
        .map_err(|e| e.to_string())?;
    server_ctx
        .set_alpn_protocols(&["http/1.1"])
        .map_err(|e| e.to_string())?;

    let mut client = End::new(
        &client_ctx,
        WrapOptions {
            server_hostname: Some("localhost".into()),
            ..Default::default()
        },
    )?;
    let mut server = End::new(
        &server_ctx,
        WrapOptions {
            server_side: true,
            ..Default::default()
        },
    )?;
    let (mut client_done, mut server_done) = (false, false);
    for _ in 0..10 {
        if !client_done {
            client_done = progress(client.obj.do_handshake())?;
        }
        client.send_to(&server)?;
        if !server_done {
            server_done = progress(server.obj.do_handshake())?;
        }
        server.send_to(&client)?;
        if client_done && server_done {
            break;
        }
    }
    ensure(client_done && server_done, || {
        "handshake did not finish in 10 rounds".into()
    })?;

    client.obj.write(b"ping").map_err(|e| e.to_string())?;
    client.send_to(&server)?;
    let got = server.obj.read(1024).map_err(|e| e.to_string())?;
    ensure(got == b"ping", || format!("server read {got:?}"))?;
    server.obj.write(b"pong").map_err(|e| e.to_string())?;
    server.send_to(&client)?;
    let got = client.obj.read(1024).map_err(|e| e.to_string())?;
    ensure(got == b"pong", || format!("client read {got:?}"))?;

    // close_notify both ways (SSLObject.unwrap()).
    let _ = progress(client.obj.unwrap())?;
    client.send_to(&server)?;
    progress(server.obj.unwrap())?;
    server.send_to(&client)?;
    progress(client.obj.unwrap())?;

    let version = client.obj.version().unwrap_or("?");
    let cipher = client.obj.cipher().map(|c| c.0).unwrap_or_default();
    let alpn = client.obj.selected_alpn_protocol().unwrap_or_default();
    let peer = client
        .obj
        .getpeercert()
        .map_err(|e| e.to_string())?
        .map(|c| c.to_json()["subject"].to_string())
        .unwrap_or_default();
    ensure(version == "TLSv1.3", || format!("version {version}"))?;
    ensure(alpn == "http/1.1", || format!("alpn {alpn}"))?;
    ensure(peer.contains("localhost"), || {
        format!("peer subject {peer}")
    })?;
    Ok(format!(
        "{version} {cipher}, ALPN {alpn}, peer {peer}, ping/pong, close_notify both ways"
    ))
}
