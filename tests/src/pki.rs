//! Test PKI generated at test time: a CA and leaf certificates (ECDSA via rcgen/ring,
//! RSA keys via the `openssl` CLI since ring cannot generate RSA keys), written to a
//! temporary directory as PEM files.

use std::path::{Path, PathBuf};
use std::process::Command;

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    RevokedCertParams, SanType, SerialNumber,
};

/// Key algorithm of a generated certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    /// ECDSA P-256.
    Ecdsa,
    /// RSA 2048.
    Rsa,
}

/// A generated key pair, its certificate and the files they were written to.
pub struct Leaf {
    /// Certificate PEM file.
    pub cert: PathBuf,
    /// Private key PEM file (PKCS#8).
    pub key: PathBuf,
    /// Certificate DER.
    pub der: Vec<u8>,
    /// Private key PEM text.
    pub key_pem: String,
}

/// A CA with its files in a temporary directory.
pub struct Pki {
    /// The directory holding every file.
    pub dir: tempfile::TempDir,
    /// The CA certificate PEM file.
    pub ca_cert: PathBuf,
    /// The CA certificate DER.
    pub ca_der: Vec<u8>,
    ca_params: CertificateParams,
    ca_key: KeyPair,
    counter: std::sync::atomic::AtomicU32,
}

/// A fresh RSA-2048 key made by `openssl genpkey` (rcgen cannot generate RSA keys).
pub fn rsa_key() -> KeyPair {
    let out = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .output()
        .expect("openssl CLI must be installed");
    assert!(out.status.success(), "openssl genpkey failed");
    KeyPair::from_pem(&String::from_utf8(out.stdout).unwrap()).expect("RSA key")
}

/// A PEM CRL (number 1) signed by `issuer`, issued on January 1st of `this_update` and
/// due again on January 1st of `next_update`, revoking the `revoked` serials (on 2024-01-01).
pub fn crl_pem(
    issuer: &Issuer<'_, KeyPair>,
    revoked: &[&[u8]],
    this_update: i32,
    next_update: i32,
) -> String {
    CertificateRevocationListParams {
        this_update: rcgen::date_time_ymd(this_update, 1, 1),
        next_update: rcgen::date_time_ymd(next_update, 1, 1),
        crl_number: SerialNumber::from_slice(&[1]),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|s| RevokedCertParams {
                serial_number: SerialNumber::from_slice(s),
                revocation_time: rcgen::date_time_ymd(2024, 1, 1),
                reason_code: None,
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(issuer)
    .expect("sign CRL")
    .pem()
    .expect("CRL PEM")
}

fn key_for(alg: Alg) -> KeyPair {
    match alg {
        Alg::Ecdsa => KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap(),
        Alg::Rsa => rsa_key(),
    }
}

impl Pki {
    /// A fresh CA ("pyssl test CA", ECDSA P-256).
    pub fn new() -> Pki {
        Pki::with_ca_alg(Alg::Ecdsa)
    }

    /// A fresh CA with the given key algorithm.
    pub fn with_ca_alg(alg: Alg) -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "pyssl test CA");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "pyssl");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = key_for(alg);
        let cert = params.self_signed(&ca_key).unwrap();
        let ca_cert = dir.path().join("ca.pem");
        std::fs::write(&ca_cert, cert.pem()).unwrap();
        Pki {
            ca_der: cert.der().to_vec(),
            ca_cert,
            dir,
            ca_params: params,
            ca_key,
            counter: std::sync::atomic::AtomicU32::new(0),
        }
    }

    /// The directory of the files.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A leaf for `names` (DNS names or IP addresses), server+client auth EKUs.
    pub fn leaf(&self, alg: Alg, cn: &str, names: &[&str]) -> Leaf {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.subject_alt_names = names
            .iter()
            .map(|n| match n.parse::<std::net::IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName((*n).try_into().unwrap()),
            })
            .collect();
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        params.use_authority_key_identifier_extension = true;
        let key = key_for(alg);
        let issuer = Issuer::from_params(&self.ca_params, &self.ca_key);
        let cert = params.signed_by(&key, &issuer).unwrap();
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let cert_path = self.dir.path().join(format!("leaf{n}.pem"));
        let key_path = self.dir.path().join(format!("leaf{n}.key"));
        std::fs::write(&cert_path, cert.pem()).unwrap();
        std::fs::write(&key_path, key.serialize_pem()).unwrap();
        Leaf {
            cert: cert_path,
            key: key_path,
            der: cert.der().to_vec(),
            key_pem: key.serialize_pem(),
        }
    }
}

impl Default for Pki {
    fn default() -> Self {
        Pki::new()
    }
}
