//! The I/O-free authentication exchange of the connection phase.
//!
//! MySQL reference: <https://dev.mysql.com/doc/dev/mysql-server/latest/page_protocol_connection_phase.html>
//!
//! The server reads `HandshakeResponse41`, describes it as [`ClientFacts`] and calls
//! [`Authenticator::start`]. Each [`AuthStep::Reply`] is a packet to send (the server frames it:
//! `0xFE` + plugin + NUL + data for [`AuthPacket::Switch`], `0x01` + data for
//! [`AuthPacket::MoreData`]), after which the client's next packet payload goes to
//! [`Authenticator::feed`]. The exchange ends with [`AuthStep::Success`] (send the optional
//! notice, then OK) or [`AuthStep::Failure`] (send ERR).
//!
//! Order of checks, as in MySQL's `acl_authenticate`: account lookup, plugin exchange and
//! password, then the `REQUIRE` clause (unmet: ER 1045, reason only in the log), then
//! `ACCOUNT LOCK` (ER 3118).
//!
//! `caching_sha2_password` full authentication (after `[0x04]`) reads the cleartext password
//! inside TLS. Over a plain connection it uses the RSA key pair in [`ClientFacts::rsa`], as
//! MySQL's `caching_sha2_password_authenticate` does: the client either sends `[0x02]`, gets the
//! public key PEM as AuthMoreData and then sends the RSA-encrypted password, or sends the
//! encrypted password at once (it already has the key). A ciphertext that is not exactly the
//! key's size, does not decrypt, or holds the wrong or an empty password is denied with ER 1045.
//! Without a key pair (`rsa: None`) MySQL's behaviour without keys is kept: full
//! authentication over a plain connection is denied with ER 1045 (the public key is never
//! sent). Fast authentication from the cache works without TLS either way.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use crate::account::{Account, AccountStore, AuthPlugin, SslRequirement};
use crate::rsa_keys::RsaKeyPair;
use crate::{caching_sha2, native, AuthError};

/// `caching_sha2_password` AuthMoreData status: fast authentication succeeded.
pub const FAST_AUTH_SUCCESS: u8 = 0x03;
/// `caching_sha2_password` AuthMoreData status: send the full password.
pub const PERFORM_FULL_AUTHENTICATION: u8 = 0x04;
/// `caching_sha2_password` client packet during full authentication without TLS: send me your
/// RSA public key (MySQL's `request_public_key`).
pub const REQUEST_PUBLIC_KEY: u8 = 0x02;

/// What the server knows when the client's HandshakeResponse41 arrives.
///
/// `Debug` leaves out `auth_response` so the facts can be logged.
#[derive(Clone)]
pub struct ClientFacts {
    /// The user name the client sent.
    pub user: String,
    /// The client's address (IPv4-mapped IPv6 addresses are treated as IPv4).
    pub client_ip: IpAddr,
    /// The 20-byte nonce sent in `HandshakeV10` (and reused by AuthSwitchRequest).
    pub nonce: [u8; 20],
    /// The client's plugin name; `None` if it lacks `CLIENT_PLUGIN_AUTH`
    /// (treated as `mysql_native_password`).
    pub client_plugin: Option<String>,
    /// The auth-response field of HandshakeResponse41.
    pub auth_response: Vec<u8>,
    /// TLS details if the connection is encrypted.
    pub tls: Option<TlsFacts>,
    /// The server's `caching_sha2_password` RSA key pair, for full authentication over a plain
    /// connection; `None` denies it (ER 1045), like MySQL without key files.
    pub rsa: Option<Arc<RsaKeyPair>>,
    /// The connection is plain and `require_secure_transport` is ON: the server will refuse it
    /// anyway, so a `caching_sha2_password` full authentication (which would cost an RSA
    /// operation) is not started; the client gets ER 3159 instead.
    pub refuse_insecure: bool,
}

impl fmt::Debug for ClientFacts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientFacts")
            .field("user", &self.user)
            .field("client_ip", &self.client_ip)
            .field("client_plugin", &self.client_plugin)
            .field("auth_response_len", &self.auth_response.len())
            .field("tls", &self.tls)
            .field("rsa", &self.rsa.is_some())
            .finish_non_exhaustive()
    }
}

/// What the TLS layer learned about the peer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFacts {
    /// Negotiated cipher, OpenSSL name (e.g. `TLS_AES_256_GCM_SHA384`).
    pub cipher: String,
    /// The client presented a certificate and it verified against the CA.
    pub client_cert_verified: bool,
    /// Client certificate subject, OpenSSL one-line form (`/C=SE/O=MySQL/CN=client`).
    pub client_subject: Option<String>,
    /// Client certificate issuer, OpenSSL one-line form.
    pub client_issuer: Option<String>,
}

/// A packet the server must send during authentication (payload only, without framing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthPacket {
    /// AuthSwitchRequest (`0xFE`): plugin + data (20-byte nonce followed by NUL).
    Switch {
        /// Plugin name to switch to.
        plugin: &'static str,
        /// Plugin data: the nonce and a NUL.
        data: Vec<u8>,
    },
    /// AuthMoreData payload after the `0x01` byte: `[0x03]` fast_auth_success,
    /// `[0x04]` perform_full_authentication, or the RSA public key PEM text (answer to
    /// [`REQUEST_PUBLIC_KEY`]).
    MoreData(Vec<u8>),
}

/// The outcome of one step of the exchange.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthStep {
    /// Send this, then feed the client's next packet.
    Reply(AuthPacket),
    /// Authenticated; `notice` (e.g. `MoreData(vec![3])`) goes before the OK packet.
    Success {
        /// Packet to send before OK, if any.
        notice: Option<AuthPacket>,
        /// The account the client logged in as.
        account: Account,
    },
    /// Authentication failed; send this error and close the connection.
    Failure(AuthError),
}

/// Everything the exchange remembers between packets.
struct Ctx {
    user: String,
    host: String,
    nonce: [u8; 20],
    tls: Option<TlsFacts>,
    rsa: Option<Arc<RsaKeyPair>>,
    refuse_insecure: bool,
    account: Account,
    /// No account matched: the exchange runs as for a real `caching_sha2_password` account
    /// (MySQL's decoy authentication), so its packets do not tell that the user does not
    /// exist, and ends in ER 1045 whatever the client sends.
    decoy: bool,
}

/// The stored credential of the decoy account: a real `caching_sha2_password` hash (so that
/// checking a password against it costs what checking a real one does) of a random password,
/// made once.
fn decoy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let password = crate::nonce::generate();
        AuthPlugin::CachingSha2Password.hash(&password)
    })
}

enum State {
    /// Sent AuthSwitchRequest; the next packet is the account plugin's first response.
    AwaitSwitchResponse(Box<Ctx>),
    /// Sent perform_full_authentication; the next packet is the password (or RSA traffic).
    AwaitFullAuth(Box<Ctx>),
    /// Sent the RSA public key; the next packet is the RSA-encrypted password.
    AwaitRsaPassword(Box<Ctx>),
    /// Finished (success or failure).
    Done,
}

/// The authentication state machine for one connection.
pub struct Authenticator {
    state: State,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::AwaitSwitchResponse(_) => "AwaitSwitchResponse",
            State::AwaitFullAuth(_) => "AwaitFullAuth",
            State::AwaitRsaPassword(_) => "AwaitRsaPassword",
            State::Done => "Done",
        };
        f.debug_struct("Authenticator")
            .field("state", &state)
            .finish()
    }
}

/// MySQL treats an empty response and a lone NUL alike: "no password".
fn is_empty_response(r: &[u8]) -> bool {
    r.is_empty() || r == [0]
}

impl Authenticator {
    /// Begins authentication with the client's HandshakeResponse41.
    pub fn start(store: &AccountStore, facts: ClientFacts) -> (Self, AuthStep) {
        let ip = facts.client_ip.to_canonical();
        let host = ip.to_string();
        let mut me = Authenticator { state: State::Done };
        let (account, decoy) = match store.find(&facts.user, ip) {
            Some(a) => (a, false),
            None => {
                tracing::debug!(user = %facts.user, %host, "no matching account: decoy exchange");
                let decoy = Account {
                    user: facts.user.clone(),
                    host: "%".to_string(),
                    plugin: AuthPlugin::CachingSha2Password,
                    auth_string: decoy_hash().to_string(),
                    ..Account::default()
                };
                (decoy, true)
            }
        };
        let client_plugin = facts
            .client_plugin
            .as_deref()
            .unwrap_or(AuthPlugin::MysqlNativePassword.name());
        let ctx = Box::new(Ctx {
            user: facts.user,
            host,
            nonce: facts.nonce,
            tls: facts.tls,
            rsa: facts.rsa,
            refuse_insecure: facts.refuse_insecure,
            account,
            decoy,
        });
        if AuthPlugin::from_name(client_plugin) != Some(ctx.account.plugin) {
            let mut data = Vec::with_capacity(21);
            data.extend_from_slice(&ctx.nonce);
            data.push(0);
            let plugin = ctx.account.plugin.name();
            me.state = State::AwaitSwitchResponse(ctx);
            return (me, AuthStep::Reply(AuthPacket::Switch { plugin, data }));
        }
        let step = me.run_plugin(store, ctx, &facts.auth_response);
        (me, step)
    }

    /// Continues with the payload of the client's next packet.
    pub fn feed(&mut self, store: &AccountStore, packet: &[u8]) -> AuthStep {
        match std::mem::replace(&mut self.state, State::Done) {
            State::AwaitSwitchResponse(ctx) => self.run_plugin(store, ctx, packet),
            State::AwaitFullAuth(ctx) => {
                if ctx.tls.is_none() && packet == [REQUEST_PUBLIC_KEY] {
                    if let Some(rsa) = &ctx.rsa {
                        let pem = rsa.public_key_pem().as_bytes().to_vec();
                        self.state = State::AwaitRsaPassword(ctx);
                        return AuthStep::Reply(AuthPacket::MoreData(pem));
                    }
                }
                full_auth(store, ctx, packet)
            }
            State::AwaitRsaPassword(ctx) => full_auth(store, ctx, packet),
            State::Done => AuthStep::Failure(AuthError::Malformed(
                "authentication packet after the exchange finished",
            )),
        }
    }

    /// The account plugin's first round, with the client's response to our nonce.
    fn run_plugin(&mut self, store: &AccountStore, ctx: Box<Ctx>, response: &[u8]) -> AuthStep {
        if is_empty_response(response) {
            return if ctx.account.auth_string.is_empty() {
                finish(store, ctx, None, false)
            } else {
                deny(
                    store,
                    &ctx,
                    false,
                    "empty password for an account that has one",
                )
            };
        }
        match ctx.account.plugin {
            AuthPlugin::MysqlNativePassword => {
                if native::verify(&ctx.account.auth_string, &ctx.nonce, response) {
                    finish(store, ctx, None, true)
                } else {
                    deny(store, &ctx, true, "wrong mysql_native_password scramble")
                }
            }
            AuthPlugin::CachingSha2Password => {
                if response.len() != caching_sha2::SCRAMBLE_LEN {
                    return deny(
                        store,
                        &ctx,
                        true,
                        "caching_sha2_password scramble of wrong length",
                    );
                }
                let cached = store.cached_digest(&ctx.account.user, &ctx.account.host);
                let fast_ok =
                    cached.is_some_and(|c| caching_sha2::verify_fast(&c, &ctx.nonce, response));
                if fast_ok {
                    let notice = AuthPacket::MoreData(vec![FAST_AUTH_SUCCESS]);
                    finish(store, ctx, Some(notice), true)
                } else if ctx.tls.is_none() && ctx.refuse_insecure {
                    tracing::debug!(user = %ctx.user, host = %ctx.host, "plain connection refused before full authentication");
                    AuthStep::Failure(AuthError::InsecureTransport)
                } else {
                    // Cache miss or mismatch: MySQL asks for the full password either way.
                    self.state = State::AwaitFullAuth(ctx);
                    AuthStep::Reply(AuthPacket::MoreData(vec![PERFORM_FULL_AUTHENTICATION]))
                }
            }
        }
    }
}

/// `caching_sha2_password` full authentication: cleartext password + NUL inside TLS, or the
/// RSA-encrypted password over a plain connection (the public key request is handled by the
/// caller).
fn full_auth(store: &AccountStore, ctx: Box<Ctx>, packet: &[u8]) -> AuthStep {
    let decrypted;
    let cleartext = if ctx.tls.is_some() {
        if packet.is_empty() {
            return deny(store, &ctx, true, "empty full-authentication packet");
        }
        packet.strip_suffix(&[0]).unwrap_or(packet)
    } else {
        let Some(rsa) = &ctx.rsa else {
            return deny(
                store,
                &ctx,
                true,
                "caching_sha2_password full authentication over a plain connection needs \
                 TLS or an RSA key pair",
            );
        };
        if packet.len() != rsa.ciphertext_len() {
            return deny(store, &ctx, true, "RSA-encrypted password of wrong length");
        }
        let Some(password) = rsa.decrypt_password(packet, &ctx.nonce) else {
            return deny(store, &ctx, true, "RSA-encrypted password does not decrypt");
        };
        if password.is_empty() {
            // MySQL: an empty decrypted password is CR_AUTH_USER_CREDENTIALS.
            return deny(store, &ctx, true, "RSA-encrypted password is empty");
        }
        decrypted = password;
        &decrypted
    };
    if !caching_sha2::verify_full(&ctx.account.auth_string, cleartext) {
        return deny(store, &ctx, true, "wrong caching_sha2_password password");
    }
    if !cleartext.is_empty() {
        store.cache_digest(
            &ctx.account.user,
            &ctx.account.host,
            caching_sha2::cache_digest(cleartext),
        );
    }
    finish(store, ctx, None, true)
}

/// After the password: `REQUIRE`, then `ACCOUNT LOCK`, then a block by failed logins, like
/// MySQL. The decoy account never gets this far with success.
fn finish(
    store: &AccountStore,
    ctx: Box<Ctx>,
    notice: Option<AuthPacket>,
    using_password: bool,
) -> AuthStep {
    if ctx.decoy {
        return deny(store, &ctx, using_password, "no matching account");
    }
    if let Err(reason) = check_require(&ctx.account.require, ctx.tls.as_ref()) {
        tracing::info!(
            user = %ctx.user,
            host = %ctx.host,
            account_host = %ctx.account.host,
            %reason,
            "access denied: REQUIRE clause not met"
        );
        return AuthStep::Failure(AuthError::AccessDenied {
            user: ctx.user,
            host: ctx.host,
            using_password,
        });
    }
    if ctx.account.locked {
        tracing::info!(user = %ctx.account.user, host = %ctx.host, "access denied: account is locked");
        return AuthStep::Failure(AuthError::AccountLocked {
            user: ctx.account.user,
            host: ctx.host,
        });
    }
    if let Some(blocked) = store.login_blocked(&ctx.account, &ctx.host) {
        tracing::info!(user = %ctx.account.user, host = %ctx.host, "access denied: blocked by failed logins");
        return AuthStep::Failure(blocked);
    }
    store.login_succeeded(&ctx.account);
    tracing::debug!(user = %ctx.user, host = %ctx.host, account_host = %ctx.account.host, "authenticated");
    AuthStep::Success {
        notice,
        account: ctx.account,
    }
}

/// A failed login: ER 1045, or ER 3955 when failed logins block the account (counted only for
/// real accounts that track them).
fn deny(store: &AccountStore, ctx: &Ctx, using_password: bool, reason: &'static str) -> AuthStep {
    tracing::debug!(user = %ctx.user, host = %ctx.host, reason, "access denied");
    if !ctx.decoy {
        if let Some(blocked) = store.login_failed(&ctx.account, &ctx.host) {
            tracing::info!(user = %ctx.account.user, host = %ctx.host, "access denied: blocked by failed logins");
            return AuthStep::Failure(blocked);
        }
    }
    AuthStep::Failure(AuthError::AccessDenied {
        user: ctx.user.clone(),
        host: ctx.host.clone(),
        using_password,
    })
}

/// MySQL's `acl_check_ssl`: `Err(reason)` when the account's `REQUIRE` is not met.
fn check_require(req: &SslRequirement, tls: Option<&TlsFacts>) -> Result<(), String> {
    match req {
        SslRequirement::None => Ok(()),
        SslRequirement::Ssl => tls
            .map(|_| ())
            .ok_or_else(|| "REQUIRE SSL: connection is not encrypted".to_string()),
        SslRequirement::X509 => {
            let tls = tls.ok_or_else(|| "REQUIRE X509: connection is not encrypted".to_string())?;
            if tls.client_cert_verified {
                Ok(())
            } else {
                Err("REQUIRE X509: no verified client certificate".to_string())
            }
        }
        SslRequirement::Specified {
            cipher,
            issuer,
            subject,
        } => {
            let tls = tls.ok_or_else(|| "REQUIRE: connection is not encrypted".to_string())?;
            if let Some(want) = cipher {
                if *want != tls.cipher {
                    return Err(format!(
                        "X509 ciphers mismatch: should be '{want}' but is '{}'",
                        tls.cipher
                    ));
                }
            }
            if !tls.client_cert_verified {
                return Err("REQUIRE: no verified client certificate".to_string());
            }
            if let Some(want) = issuer {
                let got = tls.client_issuer.as_deref().unwrap_or("");
                if want != got {
                    return Err(format!(
                        "X509 issuer mismatch: should be '{want}' but is '{got}'"
                    ));
                }
            }
            if let Some(want) = subject {
                let got = tls.client_subject.as_deref().unwrap_or("");
                if want != got {
                    return Err(format!(
                        "X509 subject mismatch: should be '{want}' but is '{got}'"
                    ));
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const NONCE: [u8; 20] = *b"0123456789abcdefghij";
    const LOCALHOST: &str = "127.0.0.1";

    fn tls() -> TlsFacts {
        TlsFacts {
            cipher: "TLS_AES_256_GCM_SHA384".into(),
            client_cert_verified: false,
            client_subject: None,
            client_issuer: None,
        }
    }

    fn tls_with_cert() -> TlsFacts {
        TlsFacts {
            client_cert_verified: true,
            client_subject: Some("/C=SE/O=MySQL/CN=client".into()),
            client_issuer: Some("/C=SE/O=MySQL/CN=ca".into()),
            ..tls()
        }
    }

    fn facts(
        user: &str,
        plugin: Option<&str>,
        response: &[u8],
        tls: Option<TlsFacts>,
    ) -> ClientFacts {
        ClientFacts {
            user: user.into(),
            client_ip: LOCALHOST.parse().unwrap(),
            nonce: NONCE,
            client_plugin: plugin.map(str::to_string),
            auth_response: response.to_vec(),
            tls,
            rsa: None,
            refuse_insecure: false,
        }
    }

    /// [`facts`] over a plain connection with the shared test RSA key pair.
    fn rsa_facts(user: &str, plugin: Option<&str>, response: &[u8]) -> ClientFacts {
        ClientFacts {
            rsa: Some(crate::rsa_keys::test_key()),
            ..facts(user, plugin, response, None)
        }
    }

    /// What mysql_async sends after `[0x04]` without TLS, with mysql_common's encryption.
    fn encrypted(password: &[u8]) -> Vec<u8> {
        let key = crate::rsa_keys::test_key();
        crate::rsa_keys::client_encrypt(password, &NONCE, key.public_key_pem())
    }

    /// Starts a caching_sha2 login over a plain connection with the RSA key; expects `[0x04]`.
    fn start_rsa(s: &AccountStore, password: &[u8]) -> Authenticator {
        let resp = caching_sha2::scramble(password, &NONCE);
        let (a, step) = Authenticator::start(s, rsa_facts("u", SHA2, &resp));
        assert_eq!(step, AuthStep::Reply(AuthPacket::MoreData(vec![4])));
        a
    }

    fn public_key_reply() -> AuthStep {
        let pem = crate::rsa_keys::test_key().public_key_pem().to_string();
        AuthStep::Reply(AuthPacket::MoreData(pem.into_bytes()))
    }

    fn store_with(user: &str, plugin: AuthPlugin, password: &[u8]) -> AccountStore {
        let s = AccountStore::new();
        s.create_user(user, "%", plugin, password).unwrap();
        s
    }

    fn denied(user: &str, host: &str, using_password: bool) -> AuthStep {
        AuthStep::Failure(AuthError::AccessDenied {
            user: user.into(),
            host: host.into(),
            using_password,
        })
    }

    fn assert_success(step: &AuthStep, notice: Option<AuthPacket>) {
        match step {
            AuthStep::Success { notice: n, account } => {
                assert_eq!(*n, notice);
                assert_eq!(account.host, "%");
            }
            other => panic!("expected success, got {other:?}"),
        }
    }

    const NATIVE: Option<&str> = Some("mysql_native_password");
    const SHA2: Option<&str> = Some("caching_sha2_password");

    /// Logs in to a caching_sha2 account over TLS from scratch; returns the final step.
    fn sha2_login(s: &AccountStore, user: &str, pw: &[u8], t: Option<TlsFacts>) -> Vec<AuthStep> {
        let resp = caching_sha2::scramble(pw, &NONCE);
        let (mut a, first) = Authenticator::start(s, facts(user, SHA2, &resp, t));
        let mut steps = vec![first];
        if steps[0] == AuthStep::Reply(AuthPacket::MoreData(vec![4])) {
            let mut full = pw.to_vec();
            full.push(0);
            steps.push(a.feed(s, &full));
        }
        steps
    }

    #[test]
    fn native_login_with_right_password_succeeds_without_notice() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let resp = native::scramble(b"pw", &NONCE);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &resp, None));
        assert_success(&step, None);
    }

    #[test]
    fn client_without_plugin_auth_is_treated_as_native() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let resp = native::scramble(b"pw", &NONCE);
        let (_, step) = Authenticator::start(&s, facts("u", None, &resp, None));
        assert_success(&step, None);
    }

    #[test]
    fn native_login_with_wrong_password_is_denied() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let resp = native::scramble(b"wrong", &NONCE);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &resp, None));
        assert_eq!(step, denied("u", LOCALHOST, true));
    }

    #[test]
    fn native_empty_password_account_accepts_empty_response() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"");
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, b"", None));
        assert_success(&step, None);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &[0], None));
        assert_success(&step, None);
        let resp = native::scramble(b"x", &NONCE);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &resp, None));
        assert_eq!(step, denied("u", LOCALHOST, true));
    }

    #[test]
    fn empty_response_for_account_with_password_reports_using_password_no() {
        for plugin in [
            AuthPlugin::MysqlNativePassword,
            AuthPlugin::CachingSha2Password,
        ] {
            let s = store_with("u", plugin, b"pw");
            let (_, step) = Authenticator::start(&s, facts("u", Some(plugin.name()), b"", None));
            assert_eq!(step, denied("u", LOCALHOST, false));
        }
    }

    #[test]
    fn mismatched_client_plugin_gets_switch_request_with_greeting_nonce() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let resp = caching_sha2::scramble(b"pw", &NONCE);
        let (mut a, step) = Authenticator::start(&s, facts("u", SHA2, &resp, None));
        let mut data = NONCE.to_vec();
        data.push(0);
        assert_eq!(
            step,
            AuthStep::Reply(AuthPacket::Switch {
                plugin: "mysql_native_password",
                data
            })
        );
        let step = a.feed(&s, &native::scramble(b"pw", &NONCE));
        assert_success(&step, None);
    }

    #[test]
    fn unknown_client_plugins_are_switched_to_the_account_plugin() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        for plugin in [
            "dialog",
            "sha256_password",
            "mysql_clear_password",
            "client_ed25519",
            "mysql_native_password",
        ] {
            let (_, step) = Authenticator::start(&s, facts("u", Some(plugin), b"xyz", None));
            match step {
                AuthStep::Reply(AuthPacket::Switch { plugin, data }) => {
                    assert_eq!(plugin, "caching_sha2_password");
                    assert_eq!(data.len(), 21);
                    assert_eq!(data.last(), Some(&0));
                }
                other => panic!("{plugin}: {other:?}"),
            }
        }
    }

    #[test]
    fn switch_to_native_with_wrong_password_is_denied() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let (mut a, _) = Authenticator::start(&s, facts("u", Some("dialog"), b"", None));
        let step = a.feed(&s, &native::scramble(b"nope", &NONCE));
        assert_eq!(step, denied("u", LOCALHOST, true));
    }

    #[test]
    fn caching_sha2_cache_miss_then_full_auth_over_tls_then_fast_path() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        assert!(s.cached_digest("u", "%").is_none());
        let steps = sha2_login(&s, "u", b"pw", Some(tls()));
        assert_eq!(steps[0], AuthStep::Reply(AuthPacket::MoreData(vec![4])));
        assert_success(&steps[1], None);
        assert_eq!(
            s.cached_digest("u", "%"),
            Some(caching_sha2::cache_digest(b"pw"))
        );

        // Second login: fast path, even without TLS.
        let steps = sha2_login(&s, "u", b"pw", None);
        assert_eq!(steps.len(), 1);
        assert_success(&steps[0], Some(AuthPacket::MoreData(vec![3])));
    }

    #[test]
    fn caching_sha2_wrong_password_with_cache_falls_back_to_full_auth_and_fails() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        s.cache_digest("u", "%", caching_sha2::cache_digest(b"pw"));
        let steps = sha2_login(&s, "u", b"bad", Some(tls()));
        assert_eq!(steps[0], AuthStep::Reply(AuthPacket::MoreData(vec![4])));
        assert_eq!(steps[1], denied("u", LOCALHOST, true));
    }

    #[test]
    fn caching_sha2_wrong_password_without_cache_fails_full_auth() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let steps = sha2_login(&s, "u", b"bad", Some(tls()));
        assert_eq!(steps[1], denied("u", LOCALHOST, true));
        assert!(s.cached_digest("u", "%").is_none());
    }

    #[test]
    fn caching_sha2_after_switch_uses_the_same_exchange() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let (mut a, step) = Authenticator::start(&s, facts("u", NATIVE, b"whatever", Some(tls())));
        assert!(matches!(step, AuthStep::Reply(AuthPacket::Switch { .. })));
        let step = a.feed(&s, &caching_sha2::scramble(b"pw", &NONCE));
        assert_eq!(step, AuthStep::Reply(AuthPacket::MoreData(vec![4])));
        let step = a.feed(&s, b"pw\0");
        assert_success(&step, None);
    }

    #[test]
    fn caching_sha2_full_auth_without_tls_is_denied() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        for second in [vec![2u8], vec![0x55; 256]] {
            let resp = caching_sha2::scramble(b"pw", &NONCE);
            let (mut a, step) = Authenticator::start(&s, facts("u", SHA2, &resp, None));
            assert_eq!(step, AuthStep::Reply(AuthPacket::MoreData(vec![4])));
            assert_eq!(a.feed(&s, &second), denied("u", LOCALHOST, true));
        }
    }

    #[test]
    fn rsa_full_auth_after_public_key_request_succeeds_and_fills_the_cache() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let mut a = start_rsa(&s, b"pw");
        let step = a.feed(&s, &[REQUEST_PUBLIC_KEY]);
        assert_eq!(step, public_key_reply());
        let AuthStep::Reply(AuthPacket::MoreData(pem)) = step else {
            unreachable!()
        };
        // The client encrypts with the key it just received, as mysql_async does.
        let pem = String::from_utf8(pem).unwrap();
        let ct = crate::rsa_keys::client_encrypt(b"pw", &NONCE, &pem);
        assert_success(&a.feed(&s, &ct), None);
        assert_eq!(
            s.cached_digest("u", "%"),
            Some(caching_sha2::cache_digest(b"pw"))
        );
        // Next login takes the fast path.
        let resp = caching_sha2::scramble(b"pw", &NONCE);
        let (_, step) = Authenticator::start(&s, rsa_facts("u", SHA2, &resp));
        assert_success(&step, Some(AuthPacket::MoreData(vec![3])));
    }

    #[test]
    fn rsa_full_auth_with_a_ciphertext_sent_directly_succeeds() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let mut a = start_rsa(&s, b"pw");
        assert_success(&a.feed(&s, &encrypted(b"pw")), None);
        assert!(s.cached_digest("u", "%").is_some());
    }

    #[test]
    fn rsa_full_auth_with_wrong_password_is_denied_and_not_cached() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        for request_key in [false, true] {
            let mut a = start_rsa(&s, b"bad");
            if request_key {
                assert_eq!(a.feed(&s, &[REQUEST_PUBLIC_KEY]), public_key_reply());
            }
            assert_eq!(a.feed(&s, &encrypted(b"bad")), denied("u", LOCALHOST, true));
        }
        let mut a = start_rsa(&s, b"pw");
        assert_eq!(a.feed(&s, &encrypted(b"")), denied("u", LOCALHOST, true));
        let mut a = start_rsa(&s, b"pw");
        let key = crate::rsa_keys::test_key();
        let other_nonce =
            crate::rsa_keys::client_encrypt(b"pw", b"ABCDEFGHIJKLMNOPQRST", key.public_key_pem());
        assert_eq!(a.feed(&s, &other_nonce), denied("u", LOCALHOST, true));
        assert!(s.cached_digest("u", "%").is_none());
    }

    #[test]
    fn rsa_garbage_or_wrong_length_ciphertexts_are_denied() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let good = encrypted(b"pw");
        let garbage: [&[u8]; 7] = [
            &[0x55; 256],
            &[0xff; 256],
            &[0; 256],
            &good[1..],
            &[0x55; 512],
            b"pw\0",
            b"",
        ];
        for ct in garbage {
            for request_key in [false, true] {
                let mut a = start_rsa(&s, b"pw");
                if request_key {
                    assert_eq!(a.feed(&s, &[REQUEST_PUBLIC_KEY]), public_key_reply());
                }
                assert_eq!(a.feed(&s, ct), denied("u", LOCALHOST, true), "{ct:?}");
            }
        }
        // A second key request is not answered again.
        let mut a = start_rsa(&s, b"pw");
        assert_eq!(a.feed(&s, &[REQUEST_PUBLIC_KEY]), public_key_reply());
        assert_eq!(
            a.feed(&s, &[REQUEST_PUBLIC_KEY]),
            denied("u", LOCALHOST, true)
        );
        // Any other single byte is not a key request.
        let mut a = start_rsa(&s, b"pw");
        assert_eq!(a.feed(&s, &[1]), denied("u", LOCALHOST, true));
    }

    #[test]
    fn rsa_full_auth_after_switch_uses_the_greeting_nonce() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let (mut a, step) = Authenticator::start(&s, rsa_facts("u", NATIVE, b"whatever"));
        assert!(matches!(step, AuthStep::Reply(AuthPacket::Switch { .. })));
        let step = a.feed(&s, &caching_sha2::scramble(b"pw", &NONCE));
        assert_eq!(step, AuthStep::Reply(AuthPacket::MoreData(vec![4])));
        assert_eq!(a.feed(&s, &[REQUEST_PUBLIC_KEY]), public_key_reply());
        assert_success(&a.feed(&s, &encrypted(b"pw")), None);
    }

    #[test]
    fn over_tls_a_key_request_is_a_wrong_password_even_with_a_key_pair() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let resp = caching_sha2::scramble(b"pw", &NONCE);
        let mut f = rsa_facts("u", SHA2, &resp);
        f.tls = Some(tls());
        let (mut a, step) = Authenticator::start(&s, f.clone());
        assert_eq!(step, AuthStep::Reply(AuthPacket::MoreData(vec![4])));
        assert_eq!(
            a.feed(&s, &[REQUEST_PUBLIC_KEY]),
            denied("u", LOCALHOST, true)
        );
        let (mut a, _) = Authenticator::start(&s, f);
        assert_success(&a.feed(&s, b"pw\0"), None);
    }

    #[test]
    fn rsa_key_pair_does_not_change_mysql_native_password() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let resp = native::scramble(b"pw", &NONCE);
        let (_, step) = Authenticator::start(&s, rsa_facts("u", NATIVE, &resp));
        assert_success(&step, None);
        let resp = native::scramble(b"bad", &NONCE);
        let (_, step) = Authenticator::start(&s, rsa_facts("u", NATIVE, &resp));
        assert_eq!(step, denied("u", LOCALHOST, true));
        let (mut a, _) = Authenticator::start(&s, rsa_facts("u", SHA2, &[1; 32]));
        assert_eq!(
            a.feed(&s, &[REQUEST_PUBLIC_KEY]),
            denied("u", LOCALHOST, true)
        );
    }

    #[test]
    fn rsa_full_auth_still_checks_require_and_lock() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let mut acc = s.get("u", "%").unwrap();
        acc.require = SslRequirement::Ssl;
        s.upsert(acc);
        let mut a = start_rsa(&s, b"pw");
        assert_eq!(a.feed(&s, &encrypted(b"pw")), denied("u", LOCALHOST, true));

        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let mut acc = s.get("u", "%").unwrap();
        acc.locked = true;
        s.upsert(acc);
        let mut a = start_rsa(&s, b"pw");
        let AuthStep::Failure(e) = a.feed(&s, &encrypted(b"pw")) else {
            panic!()
        };
        assert_eq!(e.code(), 3118);
    }

    #[test]
    fn caching_sha2_empty_password_account() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"");
        let (_, step) = Authenticator::start(&s, facts("u", SHA2, b"", None));
        assert_success(&step, None);
        let (_, step) = Authenticator::start(&s, facts("u", SHA2, &[0], None));
        assert_success(&step, None);
    }

    #[test]
    fn caching_sha2_response_of_wrong_length_is_denied() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let (_, step) = Authenticator::start(&s, facts("u", SHA2, &[1u8; 20], Some(tls())));
        assert_eq!(step, denied("u", LOCALHOST, true));
    }

    #[test]
    fn password_change_invalidates_the_fast_path() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"old");
        sha2_login(&s, "u", b"old", Some(tls()));
        assert!(s.cached_digest("u", "%").is_some());
        s.set_password("u", "%", b"new").unwrap();
        let steps = sha2_login(&s, "u", b"old", Some(tls()));
        assert_eq!(steps[0], AuthStep::Reply(AuthPacket::MoreData(vec![4])));
        assert_eq!(steps[1], denied("u", LOCALHOST, true));
        let steps = sha2_login(&s, "u", b"new", Some(tls()));
        assert_success(&steps[1], None);
    }

    #[test]
    fn unknown_user_goes_through_the_same_exchange_and_is_denied_with_client_ip_as_host() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        // A known account with a cache miss and an unknown user answer alike: [0x04], then
        // ER 1045 for a wrong password.
        let scramble = caching_sha2::scramble(b"pw", &NONCE);
        let (mut known, k1) = Authenticator::start(&s, facts("u", SHA2, &scramble, tls_some()));
        let (mut ghost, g1) = Authenticator::start(&s, facts("ghost", SHA2, &scramble, tls_some()));
        assert_eq!(k1, AuthStep::Reply(AuthPacket::MoreData(vec![4])));
        assert_eq!(g1, k1);
        assert_eq!(known.feed(&s, b"wrong\0"), denied("u", LOCALHOST, true));
        assert_eq!(ghost.feed(&s, b"wrong\0"), denied("ghost", LOCALHOST, true));
        // Even the decoy's own password gets nowhere.
        let (mut ghost, _) = Authenticator::start(&s, facts("ghost", SHA2, &scramble, tls_some()));
        assert_eq!(ghost.feed(&s, b"pw\0"), denied("ghost", LOCALHOST, true));
        // A client that starts with mysql_native_password is switched to caching_sha2_password
        // either way.
        let native = native::scramble(b"pw", &NONCE);
        let (_, k) = Authenticator::start(&s, facts("u", NATIVE, &native, None));
        let (_, g) = Authenticator::start(&s, facts("ghost", NATIVE, &native, None));
        assert!(matches!(k, AuthStep::Reply(AuthPacket::Switch { .. })));
        assert_eq!(g, k);
        // No password at all: denied at once, as for an account that has one.
        let mut f = facts("ghost", SHA2, b"", None);
        f.client_ip = "::1".parse().unwrap();
        let (_, step) = Authenticator::start(&s, f);
        assert_eq!(step, denied("ghost", "::1", false));
        let mut f = facts("ghost", SHA2, b"", None);
        f.client_ip = "::ffff:10.1.2.3".parse().unwrap();
        let (mut a, step) = Authenticator::start(&s, f);
        assert_eq!(step, denied("ghost", "10.1.2.3", false));
        assert!(matches!(
            a.feed(&s, b"x"),
            AuthStep::Failure(AuthError::Malformed(_))
        ));
    }

    fn tls_some() -> Option<TlsFacts> {
        Some(tls())
    }

    #[test]
    fn plain_connections_that_the_server_refuses_get_no_full_authentication() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let scramble = caching_sha2::scramble(b"pw", &NONCE);
        for user in ["u", "ghost"] {
            let f = ClientFacts {
                refuse_insecure: true,
                ..rsa_facts(user, SHA2, &scramble)
            };
            let (_, step) = Authenticator::start(&s, f);
            assert_eq!(
                step,
                AuthStep::Failure(AuthError::InsecureTransport),
                "{user}"
            );
        }
        // Over TLS the flag changes nothing.
        let f = ClientFacts {
            refuse_insecure: true,
            ..facts("u", SHA2, &scramble, tls_some())
        };
        let (_, step) = Authenticator::start(&s, f);
        assert_eq!(step, AuthStep::Reply(AuthPacket::MoreData(vec![4])));
    }

    #[test]
    fn failed_logins_block_the_account_for_password_lock_time() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let mut acc = s.get("u", "%").unwrap();
        acc.failed_login_attempts = 2;
        acc.password_lock_time = crate::account::PasswordLockTime::Days(3);
        s.upsert(acc);
        let right = native::scramble(b"pw", &NONCE);
        let wrong = native::scramble(b"nope", &NONCE);
        let blocked = AuthStep::Failure(AuthError::AccountBlocked {
            user: "u".into(),
            host: LOCALHOST.into(),
            days: "3".into(),
            remaining: "3".into(),
            attempts: 2,
        });
        // A success resets the count.
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &wrong, None));
        assert_eq!(step, denied("u", LOCALHOST, true));
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &right, None));
        assert_success(&step, None);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &wrong, None));
        assert_eq!(step, denied("u", LOCALHOST, true));
        // The second consecutive failure blocks, and then even the right password is refused.
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &wrong, None));
        assert_eq!(step, blocked);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &right, None));
        assert_eq!(step, blocked);
        assert_eq!(
            AuthError::AccountBlocked {
                user: "u".into(),
                host: LOCALHOST.into(),
                days: "3".into(),
                remaining: "3".into(),
                attempts: 2,
            }
            .to_string(),
            "Access denied for user 'u'@'127.0.0.1'. Account is blocked for 3 day(s) (3 day(s) \
             remaining) due to 2 consecutive failed logins."
        );
        // ACCOUNT UNLOCK (or FLUSH PRIVILEGES) lifts the block.
        s.reset_failed_logins("u", "%");
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &right, None));
        assert_success(&step, None);
        s.flush_cache();
        // Without PASSWORD_LOCK_TIME nothing is tracked.
        let mut acc = s.get("u", "%").unwrap();
        acc.password_lock_time = crate::account::PasswordLockTime::Days(0);
        s.upsert(acc);
        for _ in 0..3 {
            let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &wrong, None));
            assert_eq!(step, denied("u", LOCALHOST, true));
        }
    }

    #[test]
    fn locked_account_with_right_password_gets_3118() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let mut acc = s.get("u", "%").unwrap();
        acc.locked = true;
        s.upsert(acc);
        let resp = native::scramble(b"pw", &NONCE);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &resp, None));
        let AuthStep::Failure(e) = step else {
            panic!("{step:?}")
        };
        assert_eq!(e.code(), 3118);
        assert_eq!(
            e.to_string(),
            "Access denied for user 'u'@'127.0.0.1'. Account is locked."
        );
    }

    #[test]
    fn locked_account_with_wrong_password_gets_1045() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let mut acc = s.get("u", "%").unwrap();
        acc.locked = true;
        s.upsert(acc);
        let resp = native::scramble(b"bad", &NONCE);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, &resp, None));
        assert_eq!(step, denied("u", LOCALHOST, true));
    }

    fn with_require(req: SslRequirement) -> AccountStore {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let mut acc = s.get("u", "%").unwrap();
        acc.require = req;
        s.upsert(acc);
        s
    }

    fn login(s: &AccountStore, t: Option<TlsFacts>) -> AuthStep {
        let resp = native::scramble(b"pw", &NONCE);
        Authenticator::start(s, facts("u", NATIVE, &resp, t)).1
    }

    #[test]
    fn require_ssl_needs_tls() {
        let s = with_require(SslRequirement::Ssl);
        assert_eq!(login(&s, None), denied("u", LOCALHOST, true));
        assert_success(&login(&s, Some(tls())), None);
    }

    #[test]
    fn require_x509_needs_a_verified_client_certificate() {
        let s = with_require(SslRequirement::X509);
        assert_eq!(login(&s, None), denied("u", LOCALHOST, true));
        assert_eq!(login(&s, Some(tls())), denied("u", LOCALHOST, true));
        assert_success(&login(&s, Some(tls_with_cert())), None);
    }

    #[test]
    fn require_cipher_needs_tls_matching_cipher_and_certificate() {
        let req = |c: &str| SslRequirement::Specified {
            cipher: Some(c.into()),
            issuer: None,
            subject: None,
        };
        let s = with_require(req("TLS_AES_256_GCM_SHA384"));
        assert_eq!(login(&s, None), denied("u", LOCALHOST, true));
        assert_eq!(login(&s, Some(tls())), denied("u", LOCALHOST, true));
        assert_success(&login(&s, Some(tls_with_cert())), None);
        let s = with_require(req("TLS_AES_128_GCM_SHA256"));
        assert_eq!(
            login(&s, Some(tls_with_cert())),
            denied("u", LOCALHOST, true)
        );
    }

    #[test]
    fn require_issuer_and_subject_compare_one_line_names() {
        let req = |i: Option<&str>, s: Option<&str>| SslRequirement::Specified {
            cipher: None,
            issuer: i.map(str::to_string),
            subject: s.map(str::to_string),
        };
        let s = with_require(req(Some("/C=SE/O=MySQL/CN=ca"), None));
        assert_success(&login(&s, Some(tls_with_cert())), None);
        assert_eq!(login(&s, Some(tls())), denied("u", LOCALHOST, true));
        let s = with_require(req(Some("/C=SE/O=Other/CN=ca"), None));
        assert_eq!(
            login(&s, Some(tls_with_cert())),
            denied("u", LOCALHOST, true)
        );
        let s = with_require(req(None, Some("/C=SE/O=MySQL/CN=client")));
        assert_success(&login(&s, Some(tls_with_cert())), None);
        let s = with_require(req(None, Some("/C=SE/O=MySQL/CN=someone")));
        assert_eq!(
            login(&s, Some(tls_with_cert())),
            denied("u", LOCALHOST, true)
        );
        let s = with_require(req(
            Some("/C=SE/O=MySQL/CN=ca"),
            Some("/C=SE/O=MySQL/CN=client"),
        ));
        assert_success(&login(&s, Some(tls_with_cert())), None);
    }

    #[test]
    fn unmet_require_is_reported_before_account_lock() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let mut acc = s.get("u", "%").unwrap();
        acc.locked = true;
        acc.require = SslRequirement::Ssl;
        s.upsert(acc);
        assert_eq!(login(&s, None), denied("u", LOCALHOST, true));
    }

    #[test]
    fn unmet_require_with_empty_password_reports_using_password_no() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"");
        let mut acc = s.get("u", "%").unwrap();
        acc.require = SslRequirement::Ssl;
        s.upsert(acc);
        let (_, step) = Authenticator::start(&s, facts("u", NATIVE, b"", None));
        assert_eq!(step, denied("u", LOCALHOST, false));
    }

    #[test]
    fn feeding_after_success_or_failure_is_malformed() {
        let s = store_with("u", AuthPlugin::MysqlNativePassword, b"pw");
        let resp = native::scramble(b"pw", &NONCE);
        let (mut a, step) = Authenticator::start(&s, facts("u", NATIVE, &resp, None));
        assert_success(&step, None);
        let step = a.feed(&s, &resp);
        assert_eq!(
            step.clone(),
            AuthStep::Failure(AuthError::Malformed(
                "authentication packet after the exchange finished"
            ))
        );
        let AuthStep::Failure(e) = step else {
            unreachable!()
        };
        assert_eq!(
            (e.code(), e.to_string()),
            (1043, "Bad handshake".to_string())
        );
        let (mut a, _) = Authenticator::start(&s, facts("u", NATIVE, b"bad", None));
        assert!(matches!(
            a.feed(&s, b""),
            AuthStep::Failure(AuthError::Malformed(_))
        ));
    }

    #[test]
    fn arbitrary_packets_never_panic() {
        let s = store_with("u", AuthPlugin::CachingSha2Password, b"pw");
        let packets: [&[u8]; 7] = [b"", &[0], &[2], &[0xff; 32], &[0; 300], &[0x55; 256], b"pw"];
        for first in packets {
            for second in packets {
                for (t, rsa) in [
                    (None, None),
                    (Some(tls()), None),
                    (None, Some(crate::rsa_keys::test_key())),
                ] {
                    let mut f = facts("u", SHA2, first, t.clone());
                    f.rsa = rsa.clone();
                    let (mut a, _) = Authenticator::start(&s, f);
                    let _ = a.feed(&s, second);
                    let _ = a.feed(&s, second);
                    let mut f = facts("u", Some("x"), first, t);
                    f.rsa = rsa;
                    let (mut a, _) = Authenticator::start(&s, f);
                    let _ = a.feed(&s, second);
                    let _ = a.feed(&s, second);
                }
            }
        }
    }

    #[test]
    fn anonymous_account_logs_in_any_user_and_keeps_client_name_in_errors() {
        let s = store_with("", AuthPlugin::MysqlNativePassword, b"");
        let (_, step) = Authenticator::start(&s, facts("alice", NATIVE, b"", None));
        match step {
            AuthStep::Success { account, .. } => assert_eq!(account.user, ""),
            other => panic!("{other:?}"),
        }
        let resp = native::scramble(b"x", &NONCE);
        let (_, step) = Authenticator::start(&s, facts("alice", NATIVE, &resp, None));
        assert_eq!(step, denied("alice", LOCALHOST, true));
    }

    #[test]
    fn debug_output_hides_the_auth_response() {
        let f = facts("u", SHA2, b"SECRETSCRAMBLE", None);
        let text = format!("{f:?}");
        assert!(!text.contains("83, 69, 67"), "{text}");
        assert!(text.contains("auth_response_len"));
    }
}
