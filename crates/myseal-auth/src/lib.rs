#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! Accounts, password plugins and the authentication state machine of myseal.
//!
//! MySQL reference: <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html>
//!
//! Module map:
//! - [`nonce`]: the 20-byte scramble sent in `HandshakeV10` (MySQL's `generate_user_salt`).
//! - [`native`]: `mysql_native_password` hashing and scramble verification.
//! - [`caching_sha2`]: `caching_sha2_password` stored hashes (SHA-256-crypt), fast and full
//!   authentication.
//! - [`account`]: accounts (`'user'@'host'`), their `REQUIRE` clause, host matching in MySQL's
//!   ACL order and the `caching_sha2_password` digest cache.
//! - [`rsa_keys`]: the RSA key pair that lets `caching_sha2_password` receive passwords over
//!   plain connections (`private_key.pem` / `public_key.pem`, generated when absent).
//! - [`handshake`]: the I/O-free [`handshake::Authenticator`] the server drives packet by packet.
//!
//! **Architecture Invariant:** this crate does no network I/O (the only file I/O is
//! [`rsa_keys::RsaKeyPair::load_or_generate`], called once at startup) and never logs passwords, scrambles or
//! password hashes. It knows nothing about packet framing; the server owns the socket.

pub mod account;
pub mod caching_sha2;
mod ct;
mod error;
pub mod handshake;
mod hostmatch;
pub mod native;
pub mod nonce;
pub mod resources;
pub mod rsa_keys;

pub use error::AuthError;
