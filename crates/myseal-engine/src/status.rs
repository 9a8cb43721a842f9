//! SHOW STATUS rows: the server's global counters plus per-session status.
//!
//! <https://dev.mysql.com/doc/refman/8.4/en/server-status-variables.html>

use std::collections::BTreeMap;

use crate::{Engine, Session};

/// Per-session TLS status variables MySQL always lists (empty on a plain connection).
const SSL_SESSION_VARS: &[&str] = &[
    "Ssl_cipher",
    "Ssl_cipher_list",
    "Ssl_default_timeout",
    "Ssl_server_not_after",
    "Ssl_server_not_before",
    "Ssl_sessions_reused",
    "Ssl_verify_depth",
    "Ssl_verify_mode",
    "Ssl_version",
];

/// Status rows for SHOW [GLOBAL|SESSION] STATUS, sorted case-insensitively like MySQL.
pub(crate) fn rows(engine: &Engine, session: &Session, global: bool) -> Vec<(String, String)> {
    let mut map: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        map.insert(k.to_ascii_lowercase(), (k.to_string(), v));
    };
    for n in SSL_SESSION_VARS {
        put(n, String::new());
    }
    for (k, v) in engine.status.global_status() {
        put(&k, v);
    }
    if !global {
        for (k, v) in &session.status {
            put(k, v.clone());
        }
    }
    map.into_values().collect()
}
