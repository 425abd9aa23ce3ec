//! Certificates for the benchmark: one ECDSA P-256 CA issuing a `localhost` leaf with an ECDSA
//! P-256 key and one with an RSA-2048 key. Made fresh each run with rcgen, except the RSA key:
//! ring cannot generate RSA keys, so a throwaway test key ships in `rsa2048-key.pem` (it guards
//! nothing). Both sides get the same bytes; pyssl reads them from files in a temporary
//! directory, as a Python user would.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::path::PathBuf;

/// The name the leaves are issued for and the clients ask for.
pub const HOST: &str = "localhost";

const RSA_KEY_PEM: &str = include_str!("rsa2048-key.pem");

/// Which server key a case uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// ECDSA P-256 with SHA-256.
    EcdsaP256,
    /// RSA 2048-bit (PSS/PKCS#1 as negotiated).
    Rsa2048,
}

/// One server identity: leaf certificate and its private key, DER and on disk.
pub struct Identity {
    /// Leaf certificate (DER).
    pub cert_der: CertificateDer<'static>,
    /// PKCS#8 private key (DER).
    pub key_der: Vec<u8>,
    /// `cert_der` as a PEM file.
    pub cert_file: PathBuf,
    /// `key_der` as a PEM file.
    pub key_file: PathBuf,
}

impl Identity {
    /// The private key in rustls' type.
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()))
    }
}

/// Everything the cases need; the files live as long as this value.
pub struct Fixtures {
    _dir: tempfile::TempDir,
    /// The CA certificate (DER).
    pub ca_der: CertificateDer<'static>,
    /// The CA certificate as a PEM file (the clients' cafile).
    pub ca_file: PathBuf,
    /// ECDSA P-256 server.
    pub ecdsa: Identity,
    /// RSA-2048 server.
    pub rsa: Identity,
}

impl Fixtures {
    /// Makes the CA and both leaves and writes them to a temporary directory.
    pub fn new() -> Result<Fixtures, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
        let ca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "pyssl bench CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_cert = ca_params.self_signed(&ca_key).map_err(err)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca_cert.pem()).map_err(err)?;

        let ecdsa_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let rsa_key = KeyPair::from_pkcs8_pem_and_sign_algo(RSA_KEY_PEM, &rcgen::PKCS_RSA_SHA256)
            .map_err(err)?;
        let ecdsa = leaf(&dir, "ecdsa", ecdsa_key, &issuer)?;
        let rsa = leaf(&dir, "rsa", rsa_key, &issuer)?;
        Ok(Fixtures {
            _dir: dir,
            ca_der: ca_cert.der().clone(),
            ca_file,
            ecdsa,
            rsa,
        })
    }

    /// The identity for `kind`.
    pub fn identity(&self, kind: KeyKind) -> &Identity {
        match kind {
            KeyKind::EcdsaP256 => &self.ecdsa,
            KeyKind::Rsa2048 => &self.rsa,
        }
    }
}

fn leaf(
    dir: &tempfile::TempDir,
    name: &str,
    key: KeyPair,
    issuer: &Issuer<'_, KeyPair>,
) -> Result<Identity, String> {
    let mut params = CertificateParams::new(vec![HOST.to_string()]).map_err(err)?;
    params.distinguished_name.push(DnType::CommonName, HOST);
    let cert = params.signed_by(&key, issuer).map_err(err)?;
    let cert_file = dir.path().join(format!("{name}-cert.pem"));
    let key_file = dir.path().join(format!("{name}-key.pem"));
    std::fs::write(&cert_file, cert.pem()).map_err(err)?;
    std::fs::write(&key_file, key.serialize_pem()).map_err(err)?;
    Ok(Identity {
        cert_der: cert.der().clone(),
        key_der: key.serialize_der(),
        cert_file,
        key_file,
    })
}

fn err(e: impl std::fmt::Display) -> String {
    format!("benchmark fixtures: {e}")
}
