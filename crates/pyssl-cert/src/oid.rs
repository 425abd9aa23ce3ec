//! OBJECT IDENTIFIER text the way OpenSSL prints it (`OBJ_obj2txt`).
//!
//! Known OIDs print as OpenSSL's long name (from the generated table in
//! `oid_names.rs`), unknown ones as dotted decimal with arbitrary-precision arcs.

use crate::{CertError, Result};

/// OpenSSL refuses to print OIDs longer than this many content bytes (CVE-2023-2650).
pub const MAX_OID_LEN: usize = 586;

/// OpenSSL's long name for a dotted OID, e.g. `"2.5.4.3"` → `"commonName"`.
///
/// ```
/// assert_eq!(pyssl_cert::oid::long_name("2.5.4.3"), Some("commonName"));
/// assert_eq!(pyssl_cert::oid::long_name("1.3.6.1.5.5.7.3.1"), Some("TLS Web Server Authentication"));
/// assert_eq!(pyssl_cert::oid::long_name("2.999.1"), None);
/// ```
pub fn long_name(dotted: &str) -> Option<&'static str> {
    let table = table();
    table
        .binary_search_by(|(oid, _)| oid.as_bytes().cmp(dotted.as_bytes()))
        .ok()
        .map(|i| table[i].1)
}

/// Number of OIDs OpenSSL knows by name.
pub fn known_count() -> usize {
    table().len()
}

/// `(dotted OID, long name)` pairs of the generated (front-coded) table, expanded once.
fn table() -> &'static [(String, &'static str)] {
    static TABLE: std::sync::OnceLock<Vec<(String, &str)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<(String, &str)> = Vec::new();
        for line in crate::oid_names::OID_NAMES.lines() {
            let mut chars = line.chars();
            let shared = match chars.next() {
                Some(c @ 'a'..='z') => c as usize - 'a' as usize,
                Some(c @ 'A'..='Z') => c as usize - 'A' as usize + 26,
                _ => continue,
            };
            let Some((rest, name)) = chars.as_str().split_once(' ') else {
                continue;
            };
            let prev = table.last().map_or("", |(oid, _)| oid.as_str());
            let oid = format!("{}{rest}", prev.get(..shared).unwrap_or(prev));
            table.push((oid, name));
        }
        table
    })
}

/// Dotted-decimal text of an OID's DER content bytes (arbitrary-precision arcs).
///
/// ```
/// assert_eq!(pyssl_cert::oid::dotted(&[0x55, 0x04, 0x03]).unwrap(), "2.5.4.3");
/// ```
pub fn dotted(content: &[u8]) -> Result<String> {
    crate::der::check_oid(content)?;
    let mut out = String::new();
    let mut arc = BigArc::default();
    let mut first = true;
    for &b in content {
        arc.push7(b & 0x7f);
        if b & 0x80 != 0 {
            continue;
        }
        if first {
            first = false;
            let (lead, rest) = if arc.lt(40) {
                (0, arc)
            } else if arc.lt(80) {
                (1, arc.minus(40))
            } else {
                (2, arc.minus(80))
            };
            out.push_str(&format!("{lead}.{}", rest.to_decimal()));
        } else {
            out.push('.');
            out.push_str(&arc.to_decimal());
        }
        arc = BigArc::default();
    }
    Ok(out)
}

/// `OBJ_obj2txt(no_name=0)`: the long name for a known OID, else dotted decimal.
///
/// Fails (as OpenSSL does) for malformed encodings and OIDs over [`MAX_OID_LEN`] bytes.
///
/// ```
/// assert_eq!(pyssl_cert::oid::oid_to_text(&[0x55, 0x04, 0x03]).unwrap(), "commonName");
/// assert_eq!(pyssl_cert::oid::oid_to_text(&[0x88, 0x37, 0x01]).unwrap(), "2.999.1");
/// ```
pub fn oid_to_text(content: &[u8]) -> Result<String> {
    if content.len() > MAX_OID_LEN {
        return Err(CertError::ssl("OBJ", None, "OID too long to print"));
    }
    let d = dotted(content)?;
    Ok(match long_name(&d) {
        Some(name) => name.to_owned(),
        None => d,
    })
}

/// A non-negative integer in base 10^9 limbs (little endian), for OID arcs.
#[derive(Default, Clone)]
struct BigArc {
    limbs: Vec<u32>,
}

const BASE: u64 = 1_000_000_000;

impl BigArc {
    fn push7(&mut self, digit: u8) {
        let mut carry = u64::from(digit);
        for l in self.limbs.iter_mut() {
            let v = u64::from(*l) * 128 + carry;
            *l = (v % BASE) as u32;
            carry = v / BASE;
        }
        while carry > 0 {
            self.limbs.push((carry % BASE) as u32);
            carry /= BASE;
        }
    }

    fn lt(&self, n: u32) -> bool {
        match self.limbs.as_slice() {
            [] => n > 0,
            [v] => *v < n,
            _ => false,
        }
    }

    /// `self - n`, for `self >= n`, `n < BASE`.
    fn minus(mut self, n: u32) -> BigArc {
        let mut borrow = n;
        for l in self.limbs.iter_mut() {
            if *l >= borrow {
                *l -= borrow;
                break;
            }
            *l = (u64::from(*l) + BASE - u64::from(borrow)) as u32;
            borrow = 1;
        }
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
        self
    }

    fn to_decimal(&self) -> String {
        match self.limbs.split_last() {
            None => "0".to_owned(),
            Some((top, rest)) => {
                let mut s = top.to_string();
                for l in rest.iter().rev() {
                    s.push_str(&format!("{l:09}"));
                }
                s
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        let t = table();
        assert_eq!(t.len(), crate::oid_names::OID_NAMES.lines().count());
        assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(known_count(), 1103);
        for (oid, name) in [
            ("0.9.2342.19200300.100.1.25", "domainComponent"),
            ("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionCountryName"),
            ("1.3.6.1.5.5.7.3.1", "TLS Web Server Authentication"),
            ("2.5.4.99", "countryCode3n"),
            ("1.2.840.113549.1.9.1", "emailAddress"),
        ] {
            assert_eq!(long_name(oid), Some(name));
        }
    }

    #[test]
    fn dotted_first_arcs() {
        assert_eq!(dotted(&[0x01, 0x02]).unwrap(), "0.1.2");
        assert_eq!(dotted(&[0x29]).unwrap(), "1.1");
        assert_eq!(dotted(&[0x88, 0x37, 0x01, 0x02]).unwrap(), "2.999.1.2");
    }

    #[test]
    fn big_arcs() {
        // 1.3.6.1.4.1.(2^128 + 1).1
        let mut enc = vec![0x2b, 0x06, 0x01, 0x04, 0x01];
        let mut digits = vec![0x04u8];
        digits.extend(std::iter::repeat_n(0, 17));
        digits.push(0x01);
        let n = digits.len();
        for (i, d) in digits.iter().enumerate() {
            enc.push(if i + 1 < n { d | 0x80 } else { *d });
        }
        enc.push(0x01);
        assert_eq!(
            dotted(&enc).unwrap(),
            "1.3.6.1.4.1.340282366920938463463374607431768211457.1"
        );
    }

    #[test]
    fn first_arc_big() {
        // 128^9 = 2^63.
        let mut arc = BigArc::default();
        for d in [1u8, 0, 0, 0, 0, 0, 0, 0, 0, 0] {
            arc.push7(d);
        }
        assert_eq!(arc.to_decimal(), "9223372036854775808");
        assert_eq!(arc.clone().minus(80).to_decimal(), "9223372036854775728");
    }

    #[test]
    fn too_long_oid_fails() {
        let mut enc = vec![0x2b];
        enc.extend(std::iter::repeat_n(0x01, 586));
        assert!(oid_to_text(&enc).is_err());
        assert!(oid_to_text(&enc[..586]).is_ok());
    }
}
