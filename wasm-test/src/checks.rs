//! Certificate decoding and trust-store checks (no TLS connection).

use crate::{ensure, read};
use pyssl::{create_default_context, CaData, Purpose, SslContext, PROTOCOL_TLS_CLIENT};
use std::path::Path;

/// `decode_cert` on the server certificate gives CPython's dict; its notAfter converts.
pub(crate) fn decode(data: &Path) -> Result<String, String> {
    let info = pyssl_cert::decode_cert(&read(data, "server.pem")?).map_err(|e| e.to_string())?;
    let json = info.to_json();
    let subject = json["subject"].to_string();
    ensure(subject == r#"[[["commonName","localhost"]]]"#, || {
        format!("subject {subject}")
    })?;
    let san = json["subjectAltName"].to_string();
    ensure(
        san == r#"[["DNS","localhost"],["IP Address","127.0.0.1"]]"#,
        || format!("subjectAltName {san}"),
    )?;
    let not_after = json["notAfter"].as_str().ok_or("no notAfter")?;
    let secs = pyssl_cert::cert_time_to_seconds(not_after).map_err(|e| e.to_string())?;
    // python3 -c "import ssl; print(ssl.cert_time_to_seconds('Oct 31 00:29:24 2126 GMT'))"
    ensure(secs == 4_949_080_164, || format!("{not_after} -> {secs}"))?;
    Ok(format!("subject {subject}, notAfter {not_after} = {secs}"))
}

/// `load_verify_locations(cadata=...)` with text and with DER: one CA, listed by
/// `get_ca_certs`.
pub(crate) fn cadata(data: &Path) -> Result<String, String> {
    let pem = String::from_utf8(read(data, "ca.pem")?).map_err(|e| e.to_string())?;
    let der = pyssl_cert::pem_cert_to_der_cert(&pem).map_err(|e| e.to_string())?;
    let mut details = Vec::new();
    for cadata in [CaData::Text(pem.clone()), CaData::Der(der)] {
        let ctx = SslContext::new(PROTOCOL_TLS_CLIENT).map_err(|e| e.to_string())?;
        ctx.load_verify_locations(None, None, Some(cadata))
            .map_err(|e| e.to_string())?;
        let stats = ctx.cert_store_stats();
        ensure(stats.x509 == 1 && stats.x509_ca == 1, || {
            format!("stats {}", stats.to_json())
        })?;
        let cas = ctx.get_ca_certs().map_err(|e| e.to_string())?;
        let subject = cas.first().map(|c| c.to_json()["subject"].to_string());
        ensure(
            subject
                .as_deref()
                .is_some_and(|s| s.contains("pyssl wasm test CA")),
            || format!("get_ca_certs subject {subject:?}"),
        )?;
        details.push(stats.to_json().to_string());
    }
    let bad = SslContext::new(PROTOCOL_TLS_CLIENT).map_err(|e| e.to_string())?;
    let err = bad
        .load_verify_locations(None, None, Some(CaData::Text("no certificate".into())))
        .err()
        .ok_or("cadata without a certificate was accepted")?;
    Ok(format!("{} / bad cadata: {err}", details.join(" ")))
}

/// `create_default_context()` trusts something everywhere; on WASI (no platform store)
/// that is the embedded webpki-roots.
pub(crate) fn default_roots(_data: &Path) -> Result<String, String> {
    let ctx =
        create_default_context(Purpose::ServerAuth, None, None, None).map_err(|e| e.to_string())?;
    let stats = ctx.cert_store_stats();
    let embedded = ctx.trust_store().embedded_roots().len();
    ensure(stats.x509 > 50, || format!("only {} roots", stats.x509))?;
    if cfg!(target_family = "wasm") {
        ensure(embedded > 50, || {
            "WASI did not fall back to webpki-roots".into()
        })?;
    }
    Ok(format!(
        "stats {}, {embedded} of them embedded webpki-roots",
        stats.to_json()
    ))
}
