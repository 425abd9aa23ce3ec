//! Python's `base64.decodebytes` (`binascii.a2b_base64`, non-strict mode), which
//! `ssl.PEM_cert_to_DER_cert` uses: junk characters are skipped, a complete pad
//! sequence ends the input, and a dangling partial quad is an error.

use crate::{CertError, Result};

fn value(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// `base64.decodebytes(data)`; errors are `binascii.Error` (a `ValueError`).
///
/// ```
/// assert_eq!(pyssl_cert::pybase64::decodebytes(b"YW*Jj\n").unwrap(), b"abc");
/// assert_eq!(pyssl_cert::pybase64::decodebytes(b"YQ==YWJj").unwrap(), b"a");
/// assert!(pyssl_cert::pybase64::decodebytes(b"YWJ").is_err());
/// ```
pub fn decodebytes(data: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let mut quad_pos = 0u8;
    let mut left = 0u32;
    let mut pads = 0u8;
    for &c in data {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = value(c) else {
            continue;
        };
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                left = v;
            }
            1 => {
                quad_pos = 2;
                out.push(((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push(((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push(((left << 6) | v) as u8);
                left = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(CertError::other(
            "binascii.Error",
            format!(
                "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
                out.len() / 3 * 4 + 1
            ),
        )),
        _ => Err(CertError::other("binascii.Error", "Incorrect padding")),
    }
}
