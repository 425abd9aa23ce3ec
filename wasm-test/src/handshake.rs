//! An in-memory TLS 1.3 handshake and one application-data round trip.

use crate::read;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::path::Path;
use std::sync::Arc;

pub(crate) fn check(data: &Path) -> Result<String, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let ca = CertificateDer::from_pem_slice(&read(data, "ca.pem")?).map_err(|e| e.to_string())?;
    let cert =
        CertificateDer::from_pem_slice(&read(data, "server.pem")?).map_err(|e| e.to_string())?;
    let key =
        PrivateKeyDer::from_pem_slice(&read(data, "server.key")?).map_err(|e| e.to_string())?;

    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).map_err(|e| e.to_string())?;
    let client_config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(|e| e.to_string())?;
    let name = ServerName::try_from("localhost").map_err(|e| e.to_string())?;
    let mut client =
        rustls::ClientConnection::new(Arc::new(client_config), name).map_err(|e| e.to_string())?;
    let mut server =
        rustls::ServerConnection::new(Arc::new(server_config)).map_err(|e| e.to_string())?;

    use std::io::{Read, Write};
    client
        .writer()
        .write_all(b"ping")
        .map_err(|e| e.to_string())?;
    let mut got = Vec::new();
    for _ in 0..20 {
        let mut buf = Vec::new();
        client.write_tls(&mut buf).map_err(|e| e.to_string())?;
        server.read_tls(&mut &buf[..]).map_err(|e| e.to_string())?;
        server.process_new_packets().map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        server.write_tls(&mut buf).map_err(|e| e.to_string())?;
        client.read_tls(&mut &buf[..]).map_err(|e| e.to_string())?;
        client.process_new_packets().map_err(|e| e.to_string())?;
        let mut chunk = [0u8; 64];
        if let Ok(n) = server.reader().read(&mut chunk) {
            got.extend_from_slice(&chunk[..n]);
        }
        if !client.is_handshaking() && got == b"ping" {
            let suite = client
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default();
            return Ok(format!(
                "{:?} {suite}, 4 bytes echoed",
                client.protocol_version()
            ));
        }
    }
    Err(format!("no handshake after 20 rounds (received {got:?})"))
}
