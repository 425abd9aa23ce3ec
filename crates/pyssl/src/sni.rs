//! Server-side SNI callbacks: `SSLContext.sni_callback` and the legacy
//! `set_servername_callback`, run on the `rustls::server::Acceptor` path when the
//! ClientHello has arrived and before the ServerConfig is chosen — so a callback that
//! switches the connection's context (`Connection::set_context`) changes the
//! certificate, verify settings and ALPN for that connection.
//!
//! Outcomes, as CPython/OpenSSL: `Ok(None)` continues; `Ok(Some(alert))` aborts with that
//! fatal alert (the client sees e.g. `TLSV1_UNRECOGNIZED_NAME`); an `Err` aborts with
//! `handshake_failure`. The server's own error is `[SSL: CALLBACK_FAILED] callback
//! failed` in both cases. rustls' `Acceptor` cannot send an arbitrary alert, so the
//! engine writes the plaintext alert record itself (valid TLS before any ServerHello).

use std::sync::Arc;

use crate::context::SslContext;
use crate::engine::Connection;
use crate::{AlertDescription, ErrorKind, Result, SslError};

/// The callback: `(connection, server name or None, the context it was set on)`.
pub type SniCallback = Arc<
    dyn Fn(&mut Connection, Option<&str>, &SslContext) -> Result<Option<AlertDescription>>
        + Send
        + Sync,
>;

/// What the engine must do after the callback ran.
pub(crate) enum SniOutcome {
    /// Go on with the handshake.
    Continue,
    /// Abort: send this alert, fail with this error.
    Abort(u8, SslError),
}

fn callback_failed() -> SslError {
    SslError::ssl(ErrorKind::Ssl, "SSL", "CALLBACK_FAILED")
}

/// Runs the context's SNI callback (if any) for `conn`, whose ClientHello named `name`.
pub(crate) fn run(conn: &mut Connection, name: Option<&str>) -> SniOutcome {
    let ctx = conn.context().clone();
    let cb = ctx.settings().extras.sni_callback.clone();
    let Some(cb) = cb else {
        return SniOutcome::Continue;
    };
    match cb(conn, name, &ctx) {
        Ok(None) => SniOutcome::Continue,
        Ok(Some(alert)) => SniOutcome::Abort(alert as u8, callback_failed()),
        Err(_) => SniOutcome::Abort(AlertDescription::HandshakeFailure as u8, callback_failed()),
    }
}

/// The plaintext alert record for a fatal `alert`.
pub(crate) fn alert_record(alert: u8) -> [u8; 7] {
    [21, 3, 3, 0, 2, 2, alert]
}

impl SslContext {
    /// Sets `sni_callback` (None removes it). Called on the server when the
    /// ClientHello arrives, with the connection, the SNI name (A-label, as sent) or
    /// None, and this context; see the [module docs](crate::sni) for the outcomes.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let ctx = pyssl::SslContext::new(pyssl::PROTOCOL_TLS_SERVER).unwrap();
    /// let other = ctx.clone();
    /// ctx.set_sni_callback(Some(Arc::new(move |conn: &mut pyssl::engine::Connection,
    ///                                          name: Option<&str>, _ctx: &pyssl::SslContext| {
    ///     match name {
    ///         Some("other.example") => { conn.set_context(other.clone())?; Ok(None) }
    ///         Some(_) => Ok(None),
    ///         None => Ok(Some(pyssl::ALERT_DESCRIPTION_UNRECOGNIZED_NAME)),
    ///     }
    /// })));
    /// assert!(ctx.sni_callback().is_some());
    /// ```
    pub fn set_sni_callback(&self, cb: Option<SniCallback>) {
        let _ = self.update(|s| {
            s.extras.sni_callback = cb;
            Ok(())
        });
    }

    /// `sni_callback`.
    pub fn sni_callback(&self) -> Option<SniCallback> {
        self.settings().extras.sni_callback.clone()
    }

    /// The legacy `set_servername_callback(cb)`: [`set_sni_callback`](Self::set_sni_callback)
    /// behind CPython's shim, which passes the name through `str.encode("idna")` — so the
    /// callback gets the name as sent (A-labels such as `xn--bcher-kva.example`, which is
    /// what python3.11 and 3.13 pass, although the 3.13 docs promise a decoded U-label),
    /// and a name the codec rejects (an empty or 64+ character label) fails like an
    /// exception raised in the callback: a `handshake_failure` alert.
    pub fn set_servername_callback(&self, cb: Option<SniCallback>) {
        let wrapped: Option<SniCallback> = cb.map(|cb| {
            Arc::new(
                move |conn: &mut Connection, name: Option<&str>, ctx: &SslContext| match name {
                    None => cb(conn, None, ctx),
                    Some(n) => {
                        let encoded = crate::engine::normalize_hostname(n)?;
                        cb(conn, Some(&encoded), ctx)
                    }
                },
            ) as SniCallback
        });
        self.set_sni_callback(wrapped);
    }
}
