//! The name check CPython asks OpenSSL for (`X509_check_host` / `X509_check_ip` with
//! `X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS`, plus `X509_CHECK_FLAG_NEVER_CHECK_SUBJECT` unless
//! `hostname_checks_common_name`), reimplemented here.
//!
//! Rules, as OpenSSL 3.0 applies them:
//! - a hostname that parses as an IPv4/IPv6 address is compared byte-wise with the
//!   `iPAddress` SANs only (never the subject CN);
//! - otherwise it is compared with every `dNSName` SAN, ASCII case-insensitively; the subject
//!   CN(s) are consulted only when no `dNSName` SAN exists and common-name checks are on;
//! - a wildcard is honoured only as the whole leftmost label (`*.example.com`), with at least
//!   two more labels after it, never inside an IDNA A-label; it matches exactly one non-empty
//!   label made of letters, digits and `-`. Any other `*` is compared literally.

use std::net::IpAddr;

use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::leaf::{Leaf, San};
use super::{codes, VerifyFailure};

/// What the peer name is: a DNS name or an IP address (CPython decides with
/// OpenSSL's `a2i_IPADDRESS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PeerName<'a> {
    /// A DNS name (A-label form).
    Dns(&'a str),
    /// An IP address.
    Ip(IpAddr),
}

impl<'a> PeerName<'a> {
    /// Classifies `hostname` the way CPython does before calling OpenSSL.
    pub(crate) fn parse(hostname: &'a str) -> PeerName<'a> {
        match parse_ip(hostname) {
            Some(ip) => PeerName::Ip(ip),
            None => PeerName::Dns(hostname),
        }
    }
}

/// OpenSSL's `a2i_IPADDRESS`: an IPv6 address when the text contains `:`, else a dotted quad.
fn parse_ip(s: &str) -> Option<IpAddr> {
    if s.contains(':') {
        return s.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6);
    }
    // ipv4_from_asc: sscanf("%d.%d.%d.%d") with every part in 0..=255.
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut octets = [0u8; 4];
    for (o, p) in octets.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = p.parse::<u16>().ok().filter(|v| *v <= 255)? as u8;
    }
    Some(IpAddr::from(octets))
}

/// Checks `hostname` against the certificate with Python's rules; on mismatch returns the
/// failure CPython reports (verify code 62 or 64, message naming `hostname`).
pub(crate) fn match_hostname(
    cert_der: &[u8],
    hostname: &str,
    checks_common_name: bool,
) -> Result<(), VerifyFailure> {
    match X509Certificate::from_der(cert_der) {
        Ok((_, cert)) => match_parsed(Some(&cert), hostname, checks_common_name),
        Err(_) => match_parsed(None, hostname, checks_common_name),
    }
}

/// [`match_hostname`] on a leaf read by [`Leaf::parse`] (the per-handshake path).
pub(crate) fn match_leaf(
    leaf: &Leaf<'_>,
    hostname: &str,
    checks_common_name: bool,
) -> Result<(), VerifyFailure> {
    let name = PeerName::parse(hostname);
    let cns = || leaf.common_names();
    outcome(
        names_match(&name, leaf.sans(), cns, checks_common_name),
        &name,
        hostname,
    )
}

/// [`match_hostname`] on a certificate parsed by x509-parser (None: it did not parse).
fn match_parsed(
    cert: Option<&X509Certificate<'_>>,
    hostname: &str,
    checks_common_name: bool,
) -> Result<(), VerifyFailure> {
    let name = PeerName::parse(hostname);
    let matched = cert.is_some_and(|cert| {
        let sans: Vec<San<'_>> = match cert.subject_alternative_name() {
            Ok(Some(ext)) => ext.value.general_names.iter().map(san_of).collect(),
            _ => Vec::new(),
        };
        let cns = || {
            cert.subject()
                .iter_common_name()
                .map(|cn| match cn.as_str() {
                    Ok(s) => s.as_bytes(),
                    Err(_) => cn.as_slice(),
                })
        };
        names_match(&name, sans.into_iter(), cns, checks_common_name)
    });
    outcome(matched, &name, hostname)
}

/// x509-parser's view of a SAN entry, as the name check sees it.
fn san_of<'a>(g: &GeneralName<'a>) -> San<'a> {
    match g {
        GeneralName::DNSName(s) => San::Dns(s.as_bytes()),
        GeneralName::IPAddress(b) => San::Ip(b),
        _ => San::Other,
    }
}

/// Ok, or the failure CPython reports for `hostname` (verify code 62 or 64).
fn outcome(matched: bool, name: &PeerName<'_>, hostname: &str) -> Result<(), VerifyFailure> {
    if matched {
        return Ok(());
    }
    Err(match name {
        PeerName::Ip(_) => VerifyFailure::new(
            codes::IP_ADDRESS_MISMATCH,
            format!("IP address mismatch, certificate is not valid for '{hostname}'."),
        ),
        PeerName::Dns(_) => VerifyFailure::new(
            codes::HOSTNAME_MISMATCH,
            format!("Hostname mismatch, certificate is not valid for '{hostname}'."),
        ),
    })
}

/// Python's rules over a certificate's SAN entries and (lazily) its subject CNs.
fn names_match<'s, 'c, C>(
    name: &PeerName<'_>,
    mut sans: impl Iterator<Item = San<'s>>,
    common_names: impl FnOnce() -> C,
    checks_common_name: bool,
) -> bool
where
    C: Iterator<Item = &'c [u8]>,
{
    match name {
        PeerName::Ip(ip) => {
            let v4;
            let v6;
            let want: &[u8] = match ip {
                IpAddr::V4(a) => {
                    v4 = a.octets();
                    &v4
                }
                IpAddr::V6(a) => {
                    v6 = a.octets();
                    &v6
                }
            };
            sans.any(|g| g == San::Ip(want))
        }
        PeerName::Dns(host) => {
            let host = host.as_bytes();
            let mut dns_present = false;
            for g in sans {
                if let San::Dns(pattern) = g {
                    dns_present = true;
                    if name_matches(pattern, host) {
                        return true;
                    }
                }
            }
            if dns_present || !checks_common_name {
                return false;
            }
            common_names().any(|cn| name_matches(cn, host))
        }
    }
}

/// OpenSSL's `equal_wildcard` with `X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS`.
pub(crate) fn name_matches(pattern: &[u8], host: &[u8]) -> bool {
    if pattern.is_empty() {
        return false;
    }
    let star = if host.len() > 1 && host[0] == b'.' {
        None
    } else {
        valid_star(pattern)
    };
    match star {
        None => equal_nocase(pattern, host),
        Some(i) => wildcard_match(&pattern[..i], &pattern[i + 1..], host),
    }
}

/// Byte-wise ASCII case-insensitive equality; an embedded NUL in the pattern never matches.
fn equal_nocase(pattern: &[u8], subject: &[u8]) -> bool {
    pattern.len() == subject.len() && !pattern.contains(&0) && pattern.eq_ignore_ascii_case(subject)
}

/// Position of a usable wildcard in `pattern` (OpenSSL's `valid_star`), or None.
fn valid_star(p: &[u8]) -> Option<usize> {
    let mut star = None;
    let mut dots = 0;
    let mut label_start = true;
    let mut label_idna = false;
    let mut label_hyphen = false;
    for (i, &c) in p.iter().enumerate() {
        match c {
            b'*' => {
                let at_end = i == p.len() - 1 || p[i + 1] == b'.';
                if star.is_some() || label_idna || dots > 0 {
                    return None;
                }
                // NO_PARTIAL_WILDCARDS: the star must be the whole label.
                if !label_start || !at_end {
                    return None;
                }
                star = Some(i);
                label_start = false;
            }
            c if c.is_ascii_alphanumeric() => {
                if label_start && p.len() - i >= 4 && p[i..i + 4].eq_ignore_ascii_case(b"xn--") {
                    label_idna = true;
                }
                label_hyphen = false;
                label_start = false;
            }
            b'.' => {
                if label_hyphen || label_start {
                    return None;
                }
                label_start = true;
                label_idna = false;
                dots += 1;
            }
            b'-' => {
                if label_start {
                    return None;
                }
                label_hyphen = true;
            }
            _ => return None,
        }
    }
    if label_start || label_hyphen || dots < 2 {
        return None;
    }
    star
}

/// OpenSSL's `wildcard_match` for a whole-label wildcard.
fn wildcard_match(prefix: &[u8], suffix: &[u8], subject: &[u8]) -> bool {
    if subject.len() < prefix.len() + suffix.len() {
        return false;
    }
    if !equal_nocase(prefix, &subject[..prefix.len()]) {
        return false;
    }
    let (start, end) = (prefix.len(), subject.len() - suffix.len());
    if !equal_nocase(&subject[end..], suffix) {
        return false;
    }
    let mut allow_idna = false;
    if prefix.is_empty() && suffix.first() == Some(&b'.') {
        if start == end {
            return false;
        }
        allow_idna = true;
    }
    if !allow_idna && subject.len() >= 4 && subject[..4].eq_ignore_ascii_case(b"xn--") {
        return false;
    }
    let matched = &subject[start..end];
    if matched == b"*" {
        return true;
    }
    matched
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || *c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_rules() {
        let m = |p: &str, h: &str| name_matches(p.as_bytes(), h.as_bytes());
        assert!(m("www.example.com", "WWW.Example.COM"));
        assert!(m("*.example.com", "a.example.com"));
        assert!(m("*.example.com", "A-b.EXAMPLE.com"));
        assert!(!m("*.example.com", "a.b.example.com"));
        assert!(!m("*.example.com", "example.com"));
        assert!(!m("*.example.com", ".example.com"));
        assert!(!m("*.com", "example.com"));
        assert!(m("*.com", "*.com"));
        assert!(!m("f*.example.com", "foo.example.com"));
        assert!(!m("*o.example.com", "foo.example.com"));
        assert!(!m("www.*.example.com", "www.a.example.com"));
        assert!(!m("xn--*.example.com", "xn--abc.example.com"));
        assert!(m("*.example.com", "xn--bcher-kva.example.com"));
        assert!(!m("*.example.com", "a_b.example.com"));
        assert!(!m("*.*.example.com", "a.b.example.com"));
        assert!(!m("www.example.com", "www.example.com."));
    }

    #[test]
    fn ip_parsing_follows_openssl() {
        assert_eq!(
            PeerName::parse("127.0.0.1"),
            PeerName::Ip([127, 0, 0, 1].into())
        );
        assert!(matches!(PeerName::parse("::1"), PeerName::Ip(_)));
        assert_eq!(PeerName::parse("1.2.3"), PeerName::Dns("1.2.3"));
        assert_eq!(PeerName::parse("1.2.3.256"), PeerName::Dns("1.2.3.256"));
        assert_eq!(PeerName::parse("example.com"), PeerName::Dns("example.com"));
    }
}
