//! Helpers shared by `s_client`, `s_server` and `get-server-certificate`: address and
//! version parsing, the shared context flags, CPython-shaped error JSON, hashes.

use std::path::PathBuf;
use std::process::ExitCode;

use pyssl::{SslContext, SslError, TlsVersion};
use serde_json::{json, Value};

/// Splits `HOST:PORT` (`[v6addr]:PORT` for IPv6 literals).
pub fn parse_host_port(s: &str) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest
            .split_once("]:")
            .ok_or_else(|| format!("expected [HOST]:PORT, got {s:?}"))?;
        (h, p)
    } else {
        s.rsplit_once(':')
            .ok_or_else(|| format!("expected HOST:PORT, got {s:?}"))?
    };
    let port = port
        .parse::<u16>()
        .map_err(|_| format!("bad port in {s:?}"))?;
    Ok((host.to_owned(), port))
}

/// `TLSv1.2` / `TLSv1.3` (also `1.2`, `1.3`, and the older names CPython accepts as
/// `TLSVersion` members, which the context then handles as CPython's would) as a
/// `TLSVersion`.
pub fn parse_version(s: &str) -> Result<TlsVersion, String> {
    if s.eq_ignore_ascii_case("SSLv3") {
        return Ok(TlsVersion::SslV3);
    }
    match s.trim_start_matches("TLSv").trim_start_matches("tlsv") {
        "1" | "1.0" => Ok(TlsVersion::TlsV1),
        "1.1" | "1_1" => Ok(TlsVersion::TlsV1_1),
        "1.2" | "1_2" => Ok(TlsVersion::TlsV1_2),
        "1.3" | "1_3" => Ok(TlsVersion::TlsV1_3),
        _ => Err(format!("unknown TLS version {s:?} (TLSv1.2 or TLSv1.3)")),
    }
}

/// The context flags `s_client` and `s_server` share.
#[derive(clap::Args, Debug)]
pub struct TlsOptions {
    /// ALPN protocols, comma separated.
    #[arg(long)]
    pub alpn: Option<String>,
    /// Lowest TLS version (TLSv1.2 or TLSv1.3).
    #[arg(long)]
    pub min_version: Option<String>,
    /// Highest TLS version (TLSv1.2 or TLSv1.3).
    #[arg(long)]
    pub max_version: Option<String>,
    /// OpenSSL cipher string for TLS 1.2 suites.
    #[arg(long)]
    pub ciphers: Option<String>,
    /// Append TLS secrets to FILE (NSS key log format).
    #[arg(long)]
    pub keylog: Option<PathBuf>,
}

impl TlsOptions {
    /// Sets ALPN, the version bounds and the ciphers on `ctx`, in that order.
    pub fn apply(&self, ctx: &SslContext) -> pyssl::Result<()> {
        if let Some(alpn) = &self.alpn {
            ctx.set_alpn_protocols(&split_alpn(alpn))?;
        }
        if let Some(v) = &self.min_version {
            ctx.set_minimum_version(parse_version(v).map_err(SslError::value)?)?;
        }
        if let Some(v) = &self.max_version {
            ctx.set_maximum_version(parse_version(v).map_err(SslError::value)?)?;
        }
        if let Some(c) = &self.ciphers {
            ctx.set_ciphers(c)?;
        }
        Ok(())
    }

    /// `--keylog FILE`: `SSLContext.keylog_filename` (NSS format; CPython's header line
    /// when the file is new or empty; appended to).
    pub fn apply_keylog(&self, ctx: &SslContext) -> pyssl::Result<()> {
        if let Some(k) = &self.keylog {
            ctx.set_keylog_filename(Some(k))?;
        }
        Ok(())
    }
}

/// `--pass` as a key password.
pub fn password(pass: Option<&String>) -> Option<pyssl::Password> {
    pass.map(|p| pyssl::Password::from(p.as_bytes()))
}

/// `{"type", "library", "reason", "verify_code", "verify_message", "message"}` for an error,
/// as a CPython driver would report the exception (`message` is `str(exc)` without the
/// `(_ssl.c:N)` suffix).
pub fn error_json(e: &SslError) -> Value {
    json!({
        "type": e.python_class(),
        "library": e.library(),
        "reason": e.reason(),
        "verify_code": e.verify_code(),
        "verify_message": e.verify_message(),
        "message": e.to_string(),
    })
}

/// Reports a fatal error: `str(exc)` on stderr, with `--json` `{"error": ...}` on stdout;
/// exit status 1.
pub fn fail(e: &SslError, json_out: bool) -> ExitCode {
    eprintln!("{e}");
    if json_out {
        println!("{}", json!({ "error": error_json(e) }));
    }
    ExitCode::FAILURE
}

/// A usage-level error (bad argument) as a `ValueError`.
pub fn usage(msg: impl Into<String>, json_out: bool) -> ExitCode {
    fail(&SslError::value(msg), json_out)
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of `der`, lowercase hex.
pub fn sha256_hex(der: &[u8]) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, der).as_ref())
}

/// `getpeercert()` as JSON (`null` when there is no certificate).
pub fn peercert_json(info: Option<pyssl::cert::CertInfo>) -> Value {
    info.map(|i| i.to_json()).unwrap_or(Value::Null)
}

/// `cipher()` as `[name, protocol, bits]` (`null` before a handshake).
pub fn cipher_json(c: Option<(String, String, u32)>) -> Value {
    match c {
        Some((name, proto, bits)) => json!([name, proto, bits]),
        None => Value::Null,
    }
}

/// Splits `a,b` into ALPN protocol names.
pub fn split_alpn(s: &str) -> Vec<&str> {
    s.split(',').filter(|p| !p.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_forms() {
        assert_eq!(
            parse_host_port("localhost:443").unwrap(),
            ("localhost".into(), 443)
        );
        assert_eq!(parse_host_port("[::1]:8443").unwrap(), ("::1".into(), 8443));
        assert!(parse_host_port("nohost").is_err());
        assert!(parse_host_port("h:99999").is_err());
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("TLSv1.3").unwrap(), TlsVersion::TlsV1_3);
        assert_eq!(parse_version("TLSv1.2").unwrap(), TlsVersion::TlsV1_2);
        assert_eq!(parse_version("TLSv1.1").unwrap(), TlsVersion::TlsV1_1);
        assert!(parse_version("TLSv9").is_err());
    }

    #[test]
    fn error_json_keys() {
        let e = SslError::cert_verification(18, "self-signed certificate");
        let v = error_json(&e);
        assert_eq!(v["type"], "SSLCertVerificationError");
        assert_eq!(v["library"], "SSL");
        assert_eq!(v["reason"], "CERTIFICATE_VERIFY_FAILED");
        assert_eq!(v["verify_code"], 18);
        assert_eq!(v["verify_message"], "self-signed certificate");
        let e = SslError::value("check_hostname requires server_hostname");
        let v = error_json(&e);
        assert_eq!(v["library"], Value::Null);
        assert_eq!(v["message"], "check_hostname requires server_hostname");
    }
}
