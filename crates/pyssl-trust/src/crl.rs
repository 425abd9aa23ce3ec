//! Certificate revocation lists: what the verifier needs to know about one.

use rustls_pki_types::CertificateRevocationListDer;
use x509_parser::prelude::*;

/// A parsed CRL: its DER (for rustls-webpki), issuer, validity window and revoked serials.
///
/// ```
/// # fn demo(pem: &[u8]) -> Result<(), pyssl_cert::CertError> {
/// let crl = pyssl_trust::Crl::from_pem_or_der(pem)?;
/// println!("{} revoked, next update {:?}", crl.revoked_serials().len(), crl.next_update());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crl {
    der: CertificateRevocationListDer<'static>,
    issuer: Vec<u8>,
    this_update: i64,
    next_update: Option<i64>,
    revoked: Vec<Vec<u8>>,
}

impl Crl {
    /// Parses a DER `CertificateList`; bytes after it are ignored (as `d2i_X509_CRL` does).
    pub fn from_der(der: &[u8]) -> Result<Crl, pyssl_cert::CertError> {
        let bad = || pyssl_cert::CertError::ssl("ASN1", None, "nested asn1 error");
        let (rest, crl) = CertificateRevocationList::from_der(der).map_err(|_| bad())?;
        let used = &der[..der.len() - rest.len()];
        Ok(Crl {
            der: CertificateRevocationListDer::from(used.to_vec()),
            issuer: crl.issuer().as_raw().to_vec(),
            this_update: crl.last_update().timestamp(),
            next_update: crl.next_update().map(|t| t.timestamp()),
            revoked: crl
                .iter_revoked_certificates()
                .map(|r| r.raw_serial().to_vec())
                .collect(),
        })
    }

    /// Parses the first `X509 CRL` PEM block of `input`, or `input` as DER when it does not
    /// look like PEM.
    pub fn from_pem_or_der(input: &[u8]) -> Result<Crl, pyssl_cert::CertError> {
        if !input.windows(15).any(|w| w == b"-----BEGIN X509") {
            return Crl::from_der(input);
        }
        let mut reader = crate::pem::PemReader::new(input, crate::pem::Source::Memory);
        loop {
            match reader.next_block() {
                Ok(b) if b.name == "X509 CRL" => return Crl::from_der(&b.data),
                Ok(_) => continue,
                Err(_) => {
                    return Err(pyssl_cert::CertError::ssl(
                        "PEM",
                        Some("NO_START_LINE"),
                        "no start line",
                    ))
                }
            }
        }
    }

    /// The DER encoding, as rustls-webpki takes it.
    pub fn der(&self) -> &CertificateRevocationListDer<'static> {
        &self.der
    }

    /// The issuer `Name`, DER-encoded.
    pub fn issuer_der(&self) -> &[u8] {
        &self.issuer
    }

    /// `thisUpdate` as seconds since the Unix epoch.
    pub fn this_update(&self) -> i64 {
        self.this_update
    }

    /// `nextUpdate` as seconds since the Unix epoch, if present.
    pub fn next_update(&self) -> Option<i64> {
        self.next_update
    }

    /// Serial numbers of the revoked certificates: the INTEGER content octets as encoded.
    pub fn revoked_serials(&self) -> &[Vec<u8>] {
        &self.revoked
    }

    /// Whether a certificate with this serial (INTEGER content octets) is listed.
    pub fn is_revoked(&self, serial: &[u8]) -> bool {
        let norm = |s: &[u8]| -> Vec<u8> {
            let skip = s.iter().take_while(|&&b| b == 0).count();
            s[skip..].to_vec()
        };
        let want = norm(serial);
        self.revoked.iter().any(|r| norm(r) == want)
    }
}
