//! What `SslSocket` delegates to the engine (`getpeercert`, `cipher`, `version`, ...) and to
//! the stream (`getpeername`, `getsockname`, `fileno`).

use std::net::{SocketAddr, TcpStream};

use super::{errors, SslSocket, Transport};
use crate::{Result, SslContext, SslObject, SslSession};

impl<S: Transport> SslSocket<S> {
    /// The engine object under this socket (everything `SSLObject` offers).
    pub fn ssl_object(&self) -> &SslObject {
        &self.obj
    }

    /// The engine object, mutably (e.g. to set a session before a deferred handshake).
    pub fn ssl_object_mut(&mut self) -> &mut SslObject {
        &mut self.obj
    }

    /// The stream under the TLS layer. Reading or writing it directly corrupts the TLS
    /// connection; use it for socket options.
    pub fn get_ref(&self) -> &S {
        &self.wire.sock
    }

    /// `getpeercert()`: the peer's certificate as CPython's dict (`None` without one).
    pub fn getpeercert(&self) -> Result<Option<pyssl_cert::CertInfo>> {
        self.obj.getpeercert()
    }

    /// `getpeercert(binary_form=True)`: the peer's certificate in DER.
    pub fn getpeercert_der(&self) -> Result<Option<Vec<u8>>> {
        self.obj.getpeercert_der()
    }

    /// `cipher()`: `(name, protocol, secret bits)`.
    pub fn cipher(&self) -> Option<(String, String, u32)> {
        self.obj.cipher()
    }

    /// `shared_ciphers()`.
    pub fn shared_ciphers(&self) -> Option<Vec<(String, String, u32)>> {
        self.obj.shared_ciphers()
    }

    /// `compression()`: always `None`.
    pub fn compression(&self) -> Option<String> {
        self.obj.compression()
    }

    /// `version()`: `"TLSv1.3"`, `"TLSv1.2"`, or `None` before the handshake.
    pub fn version(&self) -> Option<&'static str> {
        self.obj.version()
    }

    /// `selected_alpn_protocol()`.
    pub fn selected_alpn_protocol(&self) -> Option<String> {
        self.obj.selected_alpn_protocol()
    }

    /// `get_channel_binding(cb_type)`.
    pub fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>> {
        self.obj.get_channel_binding(cb_type)
    }

    /// `get_verified_chain()`: DER certificates, leaf first.
    pub fn get_verified_chain(&self) -> Vec<Vec<u8>> {
        self.obj.get_verified_chain()
    }

    /// `get_unverified_chain()`: DER certificates as the peer sent them.
    pub fn get_unverified_chain(&self) -> Vec<Vec<u8>> {
        self.obj.get_unverified_chain()
    }

    /// `session`: the client's session after the handshake.
    pub fn session(&self) -> Option<SslSession> {
        self.obj.session()
    }

    /// Sets `session` before the handshake (client only).
    pub fn set_session(&mut self, session: SslSession) -> Result<()> {
        self.obj.set_session(session)
    }

    /// `session_reused`.
    pub fn session_reused(&self) -> bool {
        self.obj.session_reused()
    }

    /// `server_side`.
    pub fn server_side(&self) -> bool {
        self.obj.server_side()
    }

    /// `server_hostname`.
    pub fn server_hostname(&self) -> Option<&str> {
        self.obj.server_hostname()
    }

    /// `context`.
    pub fn context(&self) -> SslContext {
        self.obj.context()
    }
}

impl SslSocket<TcpStream> {
    /// `getpeername()`.
    pub fn getpeername(&self) -> Result<SocketAddr> {
        self.wire.sock.peer_addr().map_err(|e| errors::os_error(&e))
    }

    /// `getsockname()`.
    pub fn getsockname(&self) -> Result<SocketAddr> {
        self.wire
            .sock
            .local_addr()
            .map_err(|e| errors::os_error(&e))
    }

    /// `fileno()`: the socket's file descriptor.
    #[cfg(unix)]
    pub fn fileno(&self) -> std::os::unix::io::RawFd {
        std::os::unix::io::AsRawFd::as_raw_fd(&self.wire.sock)
    }
}
