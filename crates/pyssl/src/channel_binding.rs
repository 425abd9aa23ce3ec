//! `get_channel_binding(cb_type)`: channel bindings for authentication protocols that
//! tie themselves to the TLS connection (SCRAM-PLUS, GSSAPI, …).
//!
//! - `tls-exporter` (RFC 9266): 32 bytes exported with the label
//!   `EXPORTER-Channel-Binding` and no context, for TLS 1.3 and TLS 1.2 (rustls only
//!   negotiates TLS 1.2 with the extended master secret, which RFC 9266 requires).
//! - `tls-unique` (RFC 5929): on TLS 1.2, the first Finished message's verify_data,
//!   read back from that message's record with the master secret (see the
//!   `tls_unique` module); equal to what an OpenSSL peer reports. On TLS 1.3 it is
//!   None: RFC 9266 deprecates tls-unique there and rustls offers no way to recompute
//!   OpenSSL's Finished-based value (CPython returns it) — None is CPython's own
//!   "not available" answer, never a made-up value.

use crate::engine::Connection;
use crate::{Result, SslError};

/// RFC 9266's exporter label.
pub const TLS_EXPORTER_LABEL: &[u8] = b"EXPORTER-Channel-Binding";

/// The channel binding of type `cb_type` for `conn`: None before the handshake (as
/// CPython), CPython's `ValueError` for an unknown type.
pub(crate) fn channel_binding(conn: &Connection, cb_type: &str) -> Result<Option<Vec<u8>>> {
    match cb_type {
        "tls-unique" => Ok(conn.tls_unique()),
        "tls-exporter" => {
            if !conn.is_handshake_done() {
                return Ok(None);
            }
            let mut out = vec![0u8; 32];
            conn.export_keying_material(&mut out, TLS_EXPORTER_LABEL, None)?;
            Ok(Some(out))
        }
        other => Err(SslError::value(format!(
            "'{other}' channel binding type not implemented"
        ))),
    }
}
