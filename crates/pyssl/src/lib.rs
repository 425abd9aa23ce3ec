//! # pyssl
//!
//! Python's `ssl` module API — `SSLContext`, `SSLObject` over `MemoryBIO`, `SSLSocket`,
//! `SSLSession`, `getpeercert()` dicts — in pure Rust, with rustls and ring underneath.
//!
//! | Python | pyssl |
//! |---|---|
//! | `ssl.SSLContext`, `ssl.create_default_context()` | [`SslContext`], [`create_default_context`] |
//! | `ssl.SSLObject` over two `ssl.MemoryBIO`s | [`SslObject`], [`MemoryBio`] |
//! | `ssl.SSLSocket` (`wrap_socket`) | `SslSocket`, `SslListener` (feature `sockets`) |
//! | `ssl.SSLSession` | [`SslSession`] |
//! | `ssl.SSLError` and its subclasses | [`SslError`] with [`ErrorKind`] |
//! | constants (`CERT_REQUIRED`, `OP_NO_TLSv1_2`, …) | [`constants`], same values |
//!
//! The guide (`docs/guide.md`), the name-by-name mapping (`docs/mapping.md`) and the security
//! notes (`docs/security.md`) are in the repository.
//!
//! ## A client and a server in memory (`SslObject` + `MemoryBio`)
//!
//! The sans-IO way, as asyncio drives `SSLObject`: the caller moves TLS bytes between each
//! object's outgoing and the peer's incoming [`MemoryBio`].
//!
//! ```
//! use pyssl::{ErrorKind, MemoryBio, SslContext, SslObject, WrapOptions};
//! use pyssl::{PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};
//! # let dir = tempfile::tempdir().unwrap();
//! # let ca_key = rcgen::KeyPair::generate().unwrap();
//! # let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
//! # ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
//! # let ca_cert = ca.self_signed(&ca_key).unwrap();
//! # let issuer = rcgen::Issuer::new(ca, ca_key);
//! # let key = rcgen::KeyPair::generate().unwrap();
//! # let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
//! # let leaf = leaf.signed_by(&key, &issuer).unwrap();
//! # let (ca_file, cert_file, key_file) =
//! #     (dir.path().join("ca.pem"), dir.path().join("cert.pem"), dir.path().join("key.pem"));
//! # std::fs::write(&ca_file, ca_cert.pem()).unwrap();
//! # std::fs::write(&cert_file, leaf.pem()).unwrap();
//! # std::fs::write(&key_file, key.serialize_pem()).unwrap();
//!
//! let client_ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?; // CERT_REQUIRED, check_hostname
//! client_ctx.load_verify_locations(Some(&ca_file), None, None)?;
//! let server_ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
//! server_ctx.load_cert_chain(&cert_file, Some(&key_file), None)?;
//!
//! let (c_in, c_out, s_in, s_out) =
//!     (MemoryBio::new(), MemoryBio::new(), MemoryBio::new(), MemoryBio::new());
//! let mut client = client_ctx.wrap_bio(c_in.clone(), c_out.clone(), WrapOptions {
//!     server_hostname: Some("localhost".into()), // SNI, and the name checked
//!     ..Default::default()
//! })?;
//! let mut server = server_ctx.wrap_bio(s_in.clone(), s_out.clone(), WrapOptions {
//!     server_side: true,
//!     ..Default::default()
//! })?;
//!
//! // do_handshake() until neither side needs more input (SSLWantReadError).
//! let done = |obj: &mut SslObject| match obj.do_handshake() {
//!     Ok(()) => Ok(true),
//!     Err(e) if e.kind() == ErrorKind::WantRead => Ok(false),
//!     Err(e) => Err(e),
//! };
//! loop {
//!     let c = done(&mut client)?;
//!     s_in.write(&c_out.read(None))?;
//!     let s = done(&mut server)?;
//!     c_in.write(&s_out.read(None))?;
//!     if c && s {
//!         break;
//!     }
//! }
//!
//! client.write(b"ping")?;
//! s_in.write(&c_out.read(None))?;
//! assert_eq!(server.read(1024)?, b"ping");
//! assert_eq!(client.version(), Some("TLSv1.3"));
//! let peer = client.getpeercert()?.expect("server certificate");
//! assert!(!peer.is_empty());
//! # Ok::<(), pyssl::SslError>(())
//! ```
//!
//! ## Over TCP (`SslSocket`)
//!
//! The blocking driver over `std::net`, with CPython's `SSLSocket` behaviour (timeouts,
//! `recv`/`sendall`, `unwrap`).
//!
#![cfg_attr(feature = "sockets", doc = "```")]
#![cfg_attr(not(feature = "sockets"), doc = "```ignore")]
//! use pyssl::{SocketOptions, SslContext, SslListener, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};
//! use std::net::TcpStream;
//! # let dir = tempfile::tempdir().unwrap();
//! # let ca_key = rcgen::KeyPair::generate().unwrap();
//! # let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
//! # ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
//! # let ca_cert = ca.self_signed(&ca_key).unwrap();
//! # let issuer = rcgen::Issuer::new(ca, ca_key);
//! # let key = rcgen::KeyPair::generate().unwrap();
//! # let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
//! # let leaf = leaf.signed_by(&key, &issuer).unwrap();
//! # let (ca_file, cert_file, key_file) =
//! #     (dir.path().join("ca.pem"), dir.path().join("cert.pem"), dir.path().join("key.pem"));
//! # std::fs::write(&ca_file, ca_cert.pem()).unwrap();
//! # std::fs::write(&cert_file, leaf.pem()).unwrap();
//! # std::fs::write(&key_file, key.serialize_pem()).unwrap();
//!
//! // Server: listen on a loopback port; each accepted socket has done its handshake.
//! let server_ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
//! server_ctx.load_cert_chain(&cert_file, Some(&key_file), None)?;
//! let listener = SslListener::bind("127.0.0.1:0", server_ctx, SocketOptions::server())?;
//! let addr = listener.local_addr()?;
//! let server = std::thread::spawn(move || -> pyssl::Result<()> {
//!     let (mut conn, _peer) = listener.accept()?;
//!     let request = conn.recv(1024)?;
//!     conn.sendall(&request.to_ascii_uppercase())?;
//!     Ok(())
//! });
//!
//! // Client: wrap_socket() connects, handshakes and verifies "localhost".
//! let client_ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
//! client_ctx.load_verify_locations(Some(&ca_file), None, None)?;
//! let tcp = TcpStream::connect(addr)?;
//! let mut sock = client_ctx.wrap_socket(tcp, SocketOptions::client("localhost"))?;
//! sock.sendall(b"hello")?;
//! assert_eq!(sock.recv(1024)?, b"HELLO");
//! server.join().unwrap()?;
//! # Ok::<(), pyssl::SslError>(())
//! ```
#![forbid(unsafe_code)]

pub mod ciphers;
pub mod constants;
mod error;
pub mod kx;
#[cfg(feature = "sockets")]
pub mod socket;
mod verifier;

mod bio;
pub mod channel_binding;
mod context;
mod context_ext;
pub mod engine;
mod idna2003;
pub mod keylog;
mod keys;
mod object;
mod session;
mod session_store;
pub mod sni;
mod spare;
mod tls_unique;

pub use bio::MemoryBio;
pub use constants::*;
pub use context::{create_default_context, SslContext, WrapOptions};
pub use error::{ErrorKind, Result, SslError};
pub use keys::Password;
pub use object::SslObject;
pub use pyssl_cert as cert;
pub use pyssl_trust as trust;
pub use pyssl_trust::{CaData, CertStoreStats};
pub use session::SslSession;
#[cfg(feature = "sockets")]
pub use socket::{SocketOptions, SslListener, SslSocket, UnwrapError};
pub use verifier::{verify_chain, PyVerifier, VerifyFailure, VerifyOptions, VerifyPolicy};
