//! Private key PEM decoding as OpenSSL's `PEM_read_bio_PrivateKey` does it: the first
//! private key block of the file — PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`),
//! SEC1 (`EC PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`: PBES2 with
//! PBKDF2 or scrypt, AES-CBC or DES-EDE3-CBC) and legacy encrypted PEM
//! (`Proc-Type: 4,ENCRYPTED` + `DEK-Info`, key from `EVP_BytesToKey` with MD5).
//! The password is asked for (a callback called) only when the key is encrypted.

use base64::Engine as _;
use cbc::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
use md5::{Digest, Md5};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

use super::{pem_lib, Password};
use crate::Result;

/// One PEM block.
struct Block<'a> {
    label: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: Vec<u8>,
}

/// Iterates over the PEM blocks of `text` (undecodable blocks are skipped).
fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(label_end) = after.find("-----") else {
            break;
        };
        let label = &after[..label_end];
        let body_start = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_start.find(&end_marker) else {
            break;
        };
        let inner = &body_start[..end];
        rest = &body_start[end + end_marker.len()..];
        let mut headers = Vec::new();
        let mut b64 = String::new();
        for line in inner.lines().map(str::trim) {
            if line.is_empty() {
                continue;
            }
            match line.split_once(':') {
                Some((k, v)) if b64.is_empty() => headers.push((k.trim(), v.trim())),
                _ => b64.push_str(line),
            }
        }
        if let Ok(body) = base64::engine::general_purpose::STANDARD.decode(b64.as_bytes()) {
            out.push(Block {
                label,
                headers,
                body,
            });
        }
    }
    out
}

/// Finds the first private key in `pem` and decodes it (decrypting if needed).
pub(crate) fn private_key(
    pem: &[u8],
    password: Option<&Password>,
) -> Result<PrivateKeyDer<'static>> {
    let text = String::from_utf8_lossy(pem);
    for block in blocks(&text) {
        let key = match block.label {
            "PRIVATE KEY" => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(block.body)),
            "RSA PRIVATE KEY" => {
                PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(legacy(&block, password)?))
            }
            "EC PRIVATE KEY" => {
                PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(legacy(&block, password)?))
            }
            "ENCRYPTED PRIVATE KEY" => {
                let pw = ask(password)?;
                let info = pkcs8::EncryptedPrivateKeyInfo::try_from(block.body.as_slice())
                    .map_err(|_| pem_lib())?;
                let doc = info.decrypt(&pw).map_err(|_| pem_lib())?;
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(doc.as_bytes().to_vec()))
            }
            _ => continue,
        };
        return Ok(key);
    }
    Err(pem_lib())
}

fn ask(password: Option<&Password>) -> Result<Vec<u8>> {
    match password {
        Some(p) => p.resolve(),
        // CPython would prompt on the terminal; without one OpenSSL fails to read the key.
        None => Err(pem_lib()),
    }
}

/// The DER of a traditional (PKCS#1 / SEC1) block, decrypting a legacy encrypted one.
fn legacy(block: &Block<'_>, password: Option<&Password>) -> Result<Vec<u8>> {
    let encrypted = block
        .headers
        .iter()
        .any(|(k, v)| *k == "Proc-Type" && v.ends_with("ENCRYPTED"));
    if !encrypted {
        return Ok(block.body.clone());
    }
    let dek = block
        .headers
        .iter()
        .find(|(k, _)| *k == "DEK-Info")
        .map(|(_, v)| *v)
        .ok_or_else(pem_lib)?;
    let (alg, iv_hex) = dek.split_once(',').ok_or_else(pem_lib)?;
    let iv = hex_decode(iv_hex.trim()).ok_or_else(pem_lib)?;
    let pw = ask(password)?;
    let key_len = match alg.trim() {
        "AES-128-CBC" => 16,
        "AES-192-CBC" => 24,
        "AES-256-CBC" => 32,
        "DES-EDE3-CBC" => 24,
        "DES-CBC" => 8,
        _ => return Err(pem_lib()),
    };
    if iv.len() < 8 {
        return Err(pem_lib());
    }
    let key = bytes_to_key(&pw, &iv[..8], key_len);
    let data = &block.body;
    let out = match alg.trim() {
        "AES-128-CBC" => cbc::Decryptor::<aes::Aes128>::new_from_slices(&key, &iv)
            .map_err(|_| pem_lib())?
            .decrypt_padded_vec_mut::<Pkcs7>(data),
        "AES-192-CBC" => cbc::Decryptor::<aes::Aes192>::new_from_slices(&key, &iv)
            .map_err(|_| pem_lib())?
            .decrypt_padded_vec_mut::<Pkcs7>(data),
        "AES-256-CBC" => cbc::Decryptor::<aes::Aes256>::new_from_slices(&key, &iv)
            .map_err(|_| pem_lib())?
            .decrypt_padded_vec_mut::<Pkcs7>(data),
        "DES-EDE3-CBC" => cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
            .map_err(|_| pem_lib())?
            .decrypt_padded_vec_mut::<Pkcs7>(data),
        _ => cbc::Decryptor::<des::Des>::new_from_slices(&key, &iv)
            .map_err(|_| pem_lib())?
            .decrypt_padded_vec_mut::<Pkcs7>(data),
    };
    out.map_err(|_| pem_lib())
}

/// OpenSSL's `EVP_BytesToKey(cipher, md5, salt, password, count=1)`.
fn bytes_to_key(password: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 16);
    let mut prev: Vec<u8> = Vec::new();
    while out.len() < len {
        let mut h = Md5::new();
        h.update(&prev);
        h.update(password);
        h.update(salt);
        prev = h.finalize().to_vec();
        out.extend_from_slice(&prev);
    }
    out.truncate(len);
    out
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}
