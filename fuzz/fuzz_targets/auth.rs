//! The authentication state machine (`myseal_auth::handshake::Authenticator`) fed arbitrary client
//! packets through its public API, as the session would: the HandshakeResponse41's auth response,
//! then up to six more packets. Accounts: `native` (mysql_native_password), `sha2`
//! (caching_sha2_password, digest not cached), `cached` (caching_sha2_password, digest cached:
//! the fast path), `empty` (no password), `locked` (FAILED_LOGIN_ATTEMPTS 2, REQUIRE SSL), and
//! any other name (the decoy exchange).
//!
//! Input: byte 0 picks the user (bits 0-2), TLS (bit 3), an RSA key pair (bit 4),
//! `refuse_insecure` (bit 5) and, with byte 1, the client's plugin name; then packets, each a
//! length byte and that many bytes. A packet of the single byte 0xA1 stands for the right
//! mysql_native_password scramble, 0xA2 for the right caching_sha2_password scramble, 0xA3 for
//! the cleartext password, so the fuzzer reaches the success paths too.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use myseal_auth::account::{Account, AccountStore, AuthPlugin, PasswordLockTime, SslRequirement};
use myseal_auth::handshake::{AuthStep, Authenticator, ClientFacts, TlsFacts};
use myseal_auth::rsa_keys::RsaKeyPair;
use myseal_auth::{caching_sha2, native};

const PASSWORD: &[u8] = b"pw";
const NONCE: [u8; 20] = *b"0123456789abcdefghij";
const USERS: [&str; 8] = [
    "native", "sha2", "cached", "empty", "locked", "nobody", "", "sha2",
];

struct Fixture {
    accounts: Vec<Account>,
    rsa: Option<Arc<RsaKeyPair>>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let make = |user: &str, plugin: AuthPlugin, password: &[u8]| Account {
            user: user.to_string(),
            host: "%".to_string(),
            plugin,
            auth_string: if password.is_empty() {
                String::new()
            } else {
                plugin.hash(password)
            },
            ..Account::default()
        };
        let mut locked = make("locked", AuthPlugin::CachingSha2Password, PASSWORD);
        locked.failed_login_attempts = 2;
        locked.password_lock_time = PasswordLockTime::Days(1);
        locked.require = SslRequirement::Ssl;
        Fixture {
            accounts: vec![
                make("native", AuthPlugin::MysqlNativePassword, PASSWORD),
                make("sha2", AuthPlugin::CachingSha2Password, PASSWORD),
                make("cached", AuthPlugin::CachingSha2Password, PASSWORD),
                make("empty", AuthPlugin::MysqlNativePassword, b""),
                locked,
            ],
            rsa: RsaKeyPair::generate().ok().map(Arc::new),
        }
    })
}

/// The packet the fuzzer means: the magic single bytes become the right answers.
fn packet(raw: &[u8]) -> Vec<u8> {
    match raw {
        [0xA1] => native::scramble(PASSWORD, &NONCE).to_vec(),
        [0xA2] => caching_sha2::scramble(PASSWORD, &NONCE).to_vec(),
        [0xA3] => [PASSWORD, &[0]].concat(),
        other => other.to_vec(),
    }
}

// The fixture (an RSA key pair, caching_sha2 hashes) is built before the first input, so its
// cost never counts against a unit's timeout (a loaded CI machine once took 21 s for it).
fuzz_target!(init: {
    fixture();
}, |data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Some((&plugin_byte, mut rest)) = rest.split_first() else {
        return;
    };
    let f = fixture();
    // A fresh store per input: failed-login counts and the digest cache start clean.
    let store = AccountStore::new();
    for a in &f.accounts {
        store.upsert(a.clone());
    }
    store.cache_digest("cached", "%", caching_sha2::cache_digest(PASSWORD));

    let mut packets = Vec::new();
    while let Some((&len, tail)) = rest.split_first() {
        let len = usize::from(len).min(tail.len());
        packets.push(packet(&tail[..len]));
        rest = &tail[len..];
        if packets.len() == 7 {
            break;
        }
    }
    let mut packets = packets.into_iter();
    let client_plugin = match plugin_byte % 4 {
        0 => None,
        1 => Some("mysql_native_password".to_string()),
        2 => Some("caching_sha2_password".to_string()),
        _ => Some(String::from_utf8_lossy(&[plugin_byte; 3]).into_owned()),
    };
    let tls = (flags & 8 != 0).then(|| TlsFacts {
        cipher: "TLS_AES_256_GCM_SHA384".to_string(),
        client_cert_verified: plugin_byte & 0x10 != 0,
        client_subject: Some("/CN=client".to_string()),
        client_issuer: Some("/CN=ca".to_string()),
    });
    let facts = ClientFacts {
        user: USERS[usize::from(flags & 7)].to_string(),
        client_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        nonce: NONCE,
        client_plugin,
        auth_response: packets.next().unwrap_or_default(),
        tls,
        rsa: if flags & 0x10 != 0 {
            f.rsa.clone()
        } else {
            None
        },
        refuse_insecure: flags & 0x20 != 0,
    };
    let (mut auth, mut step) = Authenticator::start(&store, facts);
    for p in packets {
        if !matches!(step, AuthStep::Reply(_)) {
            // After success or failure another packet must be refused, not panic.
            let _ = auth.feed(&store, &p);
            break;
        }
        step = auth.feed(&store, &p);
    }
});
